// Runs compiled JSON-Schema-Test-Suite groups: `node run.mjs DIR`. DIR holds `runtime.ts` and
// `bundle.json` ([{ file, description, code, tests: [{ description, data, valid }] }], `code`
// being a TypeScript module that exports `validate` and `errors`). Each module is transpiled with
// TypeScript (no type check) and imported; the results go to stdout as one JSON array.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { transpile } from "../typescript/package.mjs";

const dir = process.argv[2];

writeFileSync(join(dir, "runtime.mjs"), transpile(readFileSync(join(dir, "runtime.ts"), "utf8")));
const bundle = JSON.parse(readFileSync(join(dir, "bundle.json"), "utf8"));
const results = [];
for (let g = 0; g < bundle.length; g++) {
  const group = bundle[g];
  const file = join(dir, `group${g}.mjs`);
  writeFileSync(file, transpile(group.code).replaceAll('"./runtime.js"', '"./runtime.mjs"'));
  let module;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    for (const test of group.tests) results.push({ group: g, test: test.description, outcome: "failed", reason: `load: ${error}` });
    continue;
  }
  for (const test of group.tests) {
    let outcome = "failed";
    let reason = "";
    try {
      const valid = module.validate(test.data);
      const errors = module.errors(test.data);
      if (valid !== test.valid) reason = `expected ${test.valid ? "valid" : "invalid"}`;
      else if (valid !== (errors.length === 0)) reason = `validate and errors disagree (${errors.length} errors)`;
      else outcome = "passed";
    } catch (error) {
      reason = `threw: ${error}`;
    }
    results.push({ group: g, test: test.description, outcome, reason });
  }
}
process.stdout.write(JSON.stringify(results));
