// Runs the generated validators over cases: `node agreement.mjs PACKAGE_DIR WORK_DIR`.
// WORK_DIR/cases.json is [{ type, value }]; WORK_DIR/results.json gets, per case, the
// [path, keyword] pairs of `validate<type>(value)` (empty when valid).
import { createRequire } from "node:module";
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const ts = require("typescript");
const [packageDir, workDir] = process.argv.slice(2);
const out = join(workDir, "js");
mkdirSync(out, { recursive: true });
for (const file of readdirSync(packageDir).filter((f) => f.endsWith(".ts"))) {
  const js = ts.transpileModule(readFileSync(join(packageDir, file), "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  writeFileSync(join(out, file.replace(/\.ts$/, ".js")), js);
}
const validators = await import(pathToFileURL(join(out, "validators.js")).href);
const cases = JSON.parse(readFileSync(join(workDir, "cases.json"), "utf8"));
const results = cases.map(({ type, value }) => {
  const result = validators[`validate${type}`](value);
  return result.ok ? [] : result.errors.map((e) => [e.path, e.keyword]);
});
writeFileSync(join(workDir, "results.json"), JSON.stringify(results));
