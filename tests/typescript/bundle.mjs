// Bundles two apps with esbuild against the package installed in APP_DIR/node_modules:
// `one.js` calls one operation's function, `all.js` uses `createClient`. `node bundle.mjs APP_DIR`
// prints JSON: per app, the bundle's text (not minified, so names stay) and its size in bytes
// minified and then gzipped (zlib's default level).
import { build } from "esbuild";
import { gzipSync } from "node:zlib";

const [appDir] = process.argv.slice(2);
const result = {};
for (const app of ["one", "all"]) {
  const options = {
    absWorkingDir: appDir,
    entryPoints: [`./${app}.js`],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "error",
  };
  const plain = await build(options);
  const minified = (await build({ ...options, minify: true })).outputFiles[0].contents;
  result[app] = { text: plain.outputFiles[0].text, minified: minified.length, gzipped: gzipSync(minified).length };
}
console.log(JSON.stringify(result));
