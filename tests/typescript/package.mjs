// Loads generated TypeScript in node: a generated package as it ships (its JavaScript, imported
// as is), or TypeScript sources (a test's own compiled validators) transpiled with the
// TypeScript compiler (no type check; `tsc --strict` checks types elsewhere) into a temporary
// folder.
import { createRequire } from "node:module";
import { readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync, copyFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
export const ts = require("typescript");
const modules = join(fileURLToPath(new URL("..", import.meta.url)), "node_modules");

/** Transpiles `code` to an ES2022 module. */
export function transpile(code) {
  return ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
}

/**
 * Imports `entry` (such as `index.js`) of the generated package in `packageDir`, its JavaScript as it
 * ships; returns it and the text of every `.js` file. The files are copied under
 * `tests/node_modules`, so that the `zod` module finds its peer dependency there as it would in an
 * application's `node_modules`.
 */
export async function loadPackage(packageDir, entry) {
  const out = join(modules, `.generated-package-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(out, { recursive: true });
  const sources = {};
  for (const file of readdirSync(packageDir).filter((f) => f.endsWith(".js"))) {
    sources[file] = readFileSync(join(packageDir, file), "utf8");
    writeFileSync(join(out, file), sources[file]);
  }
  writeFileSync(join(out, "package.json"), readFileSync(join(packageDir, "package.json")));
  try {
    return { module: await import(pathToFileURL(join(out, entry)).href), sources };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Copies the JavaScript and `package.json` of the generated package in `packageDir` into
 * `tests/node_modules/.generated-package-<name>-<pid>`, where its imports of peer dependencies
 * (`msw`) resolve to the tests' own; removed when the process exits. Answers the folder.
 */
export function installPackage(packageDir) {
  const modules = join(dirname(new URL(import.meta.url).pathname), "..", "node_modules");
  const name = resolve(packageDir).split(sep).slice(-3, -1).join("-").replace(/[^A-Za-z0-9-]/g, "_");
  const target = join(modules, `.generated-package-${name}-${process.pid}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const file of readdirSync(packageDir).filter((f) => f.endsWith(".js") || f === "package.json")) {
    copyFileSync(join(packageDir, file), join(target, file));
  }
  process.on("exit", () => rmSync(target, { recursive: true, force: true }));
  return target;
}

/** Imports `entry` (such as `case0.js`) of the TypeScript files in `dir`, transpiled; returns it and the JS text of every file. */
export async function loadTypeScript(dir, entry) {
  const out = join(tmpdir(), `generated-ts-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(out, { recursive: true });
  const sources = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const js = transpile(readFileSync(join(dir, file), "utf8"));
    sources[file] = js;
    writeFileSync(join(out, file.replace(/\.ts$/, ".js")), js);
  }
  try {
    return { module: await import(pathToFileURL(join(out, entry)).href), sources };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
