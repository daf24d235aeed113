// Loads the generated TypeScript package in node: each file is transpiled with the TypeScript
// compiler (no type check; `tsc --strict` checks types elsewhere) into a temporary folder.
import { createRequire } from "node:module";
import { readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
export const ts = require("typescript");
const modules = join(fileURLToPath(new URL("..", import.meta.url)), "node_modules");

/** Transpiles `code` to an ES2022 module. */
export function transpile(code) {
  return ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
}

/** Imports `entry` (such as `index.js`) of the package in `packageDir`; returns it and the JS text of every file. */
export async function loadPackage(packageDir, entry) {
  // Under `tests/node_modules`, so that `zod.ts` finds its peer dependency there.
  const out = join(modules, `.generated-ts-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(out, { recursive: true });
  const sources = {};
  for (const file of readdirSync(packageDir).filter((f) => f.endsWith(".ts"))) {
    const js = transpile(readFileSync(join(packageDir, file), "utf8"));
    sources[file] = js;
    writeFileSync(join(out, file.replace(/\.ts$/, ".js")), js);
  }
  try {
    return { module: await import(pathToFileURL(join(out, entry)).href), sources };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
