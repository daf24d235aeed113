// Runs the generated validators over cases: `node agreement.mjs PACKAGE_DIR WORK_DIR`.
// WORK_DIR/cases.json is [{ type, value }]; WORK_DIR/results.json gets, per case, the
// [path, keyword] pairs of `validate<type>(value)` (empty when valid), and WORK_DIR/zod.json
// (when the package has a `zod` module) whether `<type>Zod.safeParse(value)` succeeds.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadPackage } from "./package.mjs";

const [packageDir, workDir] = process.argv.slice(2);
const { module: validators } = await loadPackage(packageDir, "validators.js");
const cases = JSON.parse(readFileSync(join(workDir, "cases.json"), "utf8"));
const results = cases.map(({ type, value }) => {
  const result = validators[`validate${type}`](value);
  return result.ok ? [] : result.errors.map((e) => [e.path, e.keyword]);
});
writeFileSync(join(workDir, "results.json"), JSON.stringify(results));
if (existsSync(join(packageDir, "zod.js"))) {
  const { module: zod } = await loadPackage(packageDir, "zod.js");
  const verdicts = cases.map(({ type, value }) => zod[`${type}Zod`].safeParse(value).success);
  writeFileSync(join(workDir, "zod.json"), JSON.stringify(verdicts));
}
