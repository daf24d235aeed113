// Bundles the page with esbuild: `node build.mjs` writes `dist/` (index.html and main.js, static
// files any server can serve); `node build.mjs --serve [PORT]` serves them from memory on
// 127.0.0.1 (default port 5173), rebuilt on each request after a change. `serve` is what the
// browser test imports.
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));

/** @type {import("esbuild").BuildOptions} */
const options = {
  absWorkingDir: here,
  entryPoints: [
    { in: "src/main.ts", out: "main" },
    { in: "index.html", out: "index" },
  ],
  loader: { ".html": "copy" },
  bundle: true,
  format: "esm",
  target: "es2022",
  outdir: "dist",
  sourcemap: true,
  logLevel: "warning",
};

/** Writes `dist/`. */
export async function build() {
  await esbuild.build(options);
}

/** Serves the page on 127.0.0.1:`port` until `stop()`; `url` is its origin. */
export async function serve(port) {
  const context = await esbuild.context(options);
  const served = await context.serve({ host: "127.0.0.1", port });
  return { url: `http://127.0.0.1:${served.port}`, stop: () => context.dispose() };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [flag, port] = process.argv.slice(2);
  if (flag === "--serve") {
    const { url } = await serve(Number(port ?? 5173));
    console.log(`serving the page at ${url}/ (it calls http://127.0.0.1:8080; another API with ${url}/?api=BASE_URL)`);
  } else {
    await build();
    console.log(`wrote ${here}dist/`);
  }
}
