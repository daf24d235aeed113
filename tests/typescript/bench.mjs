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

function opsPerSecond(fn, value) {
  for (let i = 0; i < 20000; i++) fn(value);
  let best = 0;
  for (let round = 0; round < 5; round++) {
    const n = 50000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(value);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, n / seconds);
  }
  return best;
}

const fmt = (n) => `${(n / 1e6).toFixed(2)} M/s`.padStart(11);
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
    const a = opsPerSecond((v) => validateOurs(v), value);
    const b = opsPerSecond((v) => all(v), value);
    const c = opsPerSecond((v) => first(v), value);
    console.log(`${name.padEnd(16)} ${kind.padEnd(8)} ${fmt(a)} ${fmt(b)} ${fmt(c)} ${(a / b).toFixed(2).padStart(8)}x ${(a / c).toFixed(2).padStart(9)}x`);
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
