// Edge cases of the validators' runtime, against what the Rust `jsonschema` crate decides:
// `node runtime.mjs PACKAGE_DIR`; prints "runtime: ok" or throws.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadPackage } from "./package.mjs";

const { module: runtime } = await loadPackage(process.argv[2], "runtime.js");
const { multipleOf } = runtime;

// Exact decimal division, as the crate decides.
for (const [value, divisor, expected] of [
  [0.0075, 0.0001, true],
  [12345678.901, 0.01, false],
  [500000000.5, 1, false],
  [0.30000000001, 0.01, false],
  [1e-12, 0.01, false],
  [1e-11, 1, false],
  [12391239123, 1e-8, true],
  [1e308, 0.123456789, false],
  [4.5, 1.5, true],
  [-0.3, 0.1, true],
  [10, 3, false],
  [2 ** 60, 2, true],
]) {
  assert.equal(multipleOf(value, divisor), expected, `${value} multipleOf ${divisor}`);
}


// Hostnames with A-labels, decoded and checked as the crate does (the verdicts below are the crate's).
const { isHostname, isEmail } = runtime;
for (const [host, expected] of [
  ["example.com", true],
  ["xn--bcher-kva.example", true],
  ["xn--nxasmq6b.com", true],
  ["xn--abc", false],
  ["xn--a-ecp.ru", false],
  ["XN--nxasmq6b", false],
  ["ab--cd.com", false],
  ["-a.com", false],
]) {
  assert.equal(isHostname(host), expected, host);
}
assert.equal(isEmail("test@xn--abc"), false);
assert.equal(isEmail("ada@xn--bcher-kva.example"), true);
console.log("hostnames: ok");

// The formats of `formats.json` (format → [value, verdict]); `runtime_ts.rs` checks that every
// verdict there is the crate's, so an expectation here cannot drift from the server.
const cases = JSON.parse(readFileSync(new URL("./formats.json", import.meta.url), "utf8"));
for (const [format, list] of Object.entries(cases)) {
  const check = runtime.formats[format];
  assert.equal(typeof check, "function", `the runtime checks ${format}`);
  for (const [value, expected] of list) assert.equal(check(value), expected, `${format}: ${JSON.stringify(value)}`);
}
console.log("formats: ok");
console.log("runtime: ok");
