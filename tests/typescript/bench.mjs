// Generated validators vs ajv 8, in one process: `node bench.mjs PACKAGE_DIR JSONSCHEMA_DIR`.
// ajv: Ajv2020, each schema compiled once, allErrors true and false, ajv-formats for the same
// formats our validators assert. Prints ops/s per case and the ratio, then code sizes: our
// validators (the JavaScript the package ships) against ajv's standalone code for the same schemas.
import { createRequire } from "node:module";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadPackage } from "./package.mjs";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;
const standaloneCode = require("ajv/dist/standalone").default;

const [packageDir, schemaDir] = process.argv.slice(2);
const { module: ours, sources } = await loadPackage(packageDir, "validators.js");
const ourJs = sources["validators.js"] + sources["runtime.js"];

const schemas = {};
for (const file of readdirSync(schemaDir).filter((f) => f.endsWith(".json"))) {
  const schema = JSON.parse(readFileSync(join(schemaDir, file), "utf8"));
  delete schema.$comment;
  schemas[file.replace(/\.json$/, "")] = schema;
}
const makeAjv = (allErrors, extra = {}) => {
  const ajv = new Ajv2020({ allErrors, strict: false, ...extra });
  addFormats(ajv, ["date-time", "date", "time", "email", "uuid", "uri", "uri-reference", "ipv4", "ipv6", "hostname"]);
  for (const f of ["uint8", "uint16", "uint32", "uint64", "int32", "int64", "uint", "int"]) ajv.addFormat(f, true);
  return ajv;
};
const ajvAll = makeAjv(true);
const ajvFirst = makeAjv(false);

// Five contract types, a valid payload (the schema's example, or a built one) and an invalid one.
const cases = {
  UserCreate: {
    valid: { email: "ada@example.com", password: "Sup3rSecret", full_name: "Ada Lovelace" },
    invalid: { email: "not-an-email", password: "short", extra: 1 },
  },
  Project: { valid: schemas.Project.examples[0], invalid: { ...schemas.Project.examples[0], id: "nope", files: [{ name: "../x", size: -1 }] } },
  GenerationJob: { valid: schemas.GenerationJob.examples[0], invalid: { ...schemas.GenerationJob.examples[0], progress: 101, status: "lost" } },
  TokenResponse: { valid: schemas.TokenResponse.examples[0], invalid: { ...schemas.TokenResponse.examples[0], expires_in: 0, user: { id: 1 } } },
  AgenticRequest: { valid: schemas.AgenticRequest.examples[0], invalid: { prompt: "", agents: ["architect", "architect"], max_iterations: 50 } },
};

// The method: each measured function gets a timing loop of its own (`new Function`), so that no
// side inherits the call-site feedback of another (a shared loop is monomorphic for whichever
// function runs first, megamorphic for the rest). Both sides hand the caller the same thing, the
// verdict and, when invalid, the errors (`r.errors.length` for ours, `validate.errors.length` for
// ajv), which also keeps the optimiser from dropping the work. After a warm-up, ROUNDS rounds
// run the three sides back to back in a rotating order with the same iteration count (a batch
// of about BATCH_MS for ours); a side's figure is its median over the rounds, and a ratio is the
// median of the per-round ratios, so that the load of a shared machine, which comes and goes,
// weighs on both sides of each ratio alike. Time is the process's CPU time (all its threads, the
// garbage collector's included), not wall time: waiting for a core on a busy machine is nobody's
// cost.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const BATCH_MS = Number(process.env.BENCH_BATCH_MS ?? 25);
const loop = () =>
  new Function(
    "check",
    "value",
    "n",
    "let sink = 0; for (let i = 0; i < n; i++) sink += check(value); return sink;",
  );
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const time = (run, check, value, n) => {
  const start = cpuSeconds();
  run(check, value, n);
  return cpuSeconds() - start;
};
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
};

/** ops/s of each side (median over the rounds) and each side's per-round ratio to the first. */
function measure(sides, value) {
  const runs = sides.map(() => loop());
  for (const [i, check] of sides.entries()) runs[i](check, value, 20000);
  let n = 1000;
  while (time(runs[0], sides[0], value, n) < BATCH_MS / 1000 / 4) n *= 2;
  n = Math.max(1000, Math.round((n * BATCH_MS) / 1000 / time(runs[0], sides[0], value, n)));
  for (const [i, check] of sides.entries()) runs[i](check, value, n);
  const rates = sides.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (round + k) % sides.length;
      rates[i].push(n / time(runs[i], sides[i], value, n));
    }
  }
  const ratios = rates.map((r) => median(r.map((rate, round) => rates[0][round] / rate)));
  return { rates: rates.map(median), ratios };
}

const fmt = (n) => `${(n / 1e6).toFixed(2)} M/s`.padStart(11);
console.log(`${ROUNDS} interleaved rounds of ~${BATCH_MS} ms of CPU per side; ops/s are medians, ratios medians of per-round ratios`);
console.log(`${"type".padEnd(16)} ${"payload".padEnd(8)} ${"ours".padStart(11)} ${"ajv all".padStart(11)} ${"ajv first".padStart(11)} ${"ours/all".padStart(9)} ${"ours/first".padStart(10)}`);
for (const [name, payloads] of Object.entries(cases)) {
  const validateOurs = ours[`validate${name}`];
  const all = ajvAll.compile(schemas[name]);
  const first = ajvFirst.compile(schemas[name]);
  for (const [kind, value] of Object.entries(payloads)) {
    const expected = kind === "valid";
    if (validateOurs(value).ok !== expected || all(value) !== expected || first(value) !== expected) {
      throw new Error(`${name} ${kind}: the validators disagree on the verdict`);
    }
    const sides = [
      (v) => {
        const r = validateOurs(v);
        return r.ok ? 1 : r.errors.length;
      },
      (v) => (all(v) ? 1 : all.errors.length),
      (v) => (first(v) ? 1 : first.errors.length),
    ];
    const { rates, ratios } = measure(sides, value);
    const [a, b, c] = rates;
    console.log(`${name.padEnd(16)} ${kind.padEnd(8)} ${fmt(a)} ${fmt(b)} ${fmt(c)} ${ratios[1].toFixed(2).padStart(8)}x ${ratios[2].toFixed(2).padStart(9)}x`);
  }
}

// Code size for the same schemas: ajv standalone (allErrors) vs our validators + runtime, as JS.
const standalone = makeAjv(true, { code: { source: true, esm: true } });
const exports = {};
for (const [name, schema] of Object.entries(schemas)) {
  standalone.addSchema({ ...schema, $id: `https://contract.invalid/${name}.json` });
  exports[name] = `https://contract.invalid/${name}.json`;
}
const ajvJs = standaloneCode(standalone, exports);
const kib = (s) => `${(Buffer.byteLength(s) / 1024).toFixed(1)} KiB (gzip ${(gzipSync(s).length / 1024).toFixed(1)} KiB)`;
console.log(`\ncode for ${Object.keys(schemas).length} schemas: ours ${kib(ourJs)}, ajv standalone ${kib(ajvJs)}`);
