// Builds the web application into --outdir (default ../build/web): esbuild bundles
// src/main.ts with its CSS (uPlot's included) into content-hashed files under assets/, and
// index.html is written with their names. Nothing is fetched at run time; no inline script or
// style (the server's Content-Security-Policy forbids them). Each asset gets precompressed
// siblings (.br and .gz, from node's own zlib: no new dependency) that api::StaticSite sends
// when the browser's Accept-Encoding allows.
import * as esbuild from "esbuild";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf("--outdir");
const outdir = resolve(outIndex >= 0 ? args[outIndex + 1] : join(here, "..", "build", "web"));

rmSync(join(outdir, "assets"), { recursive: true, force: true });
mkdirSync(join(outdir, "assets"), { recursive: true });
const result = await esbuild.build({
  entryPoints: { app: join(here, "src", "main.ts") },
  bundle: true,
  format: "esm",
  target: ["es2020"],
  minify: true,
  sourcemap: "linked",
  entryNames: "[name]-[hash]",
  outdir: join(outdir, "assets"),
  metafile: true,
  logLevel: "warning",
});
const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.endsWith(".js"));
const css = outputs.find((f) => f.endsWith(".css"));
if (!js || !css) throw new Error(`build.mjs: expected a .js and a .css output, got ${outputs}`);
const html = readFileSync(join(here, "src", "index.html"), "utf8")
  .replace("%APP_JS%", `/assets/${js}`)
  .replace("%APP_CSS%", `/assets/${css}`);
writeFileSync(join(outdir, "index.html"), html);
for (const name of readdirSync(join(outdir, "assets"))) {
  if (!/\.(js|css|map)$/.test(name)) continue;
  const path = join(outdir, "assets", name);
  const bytes = readFileSync(path);
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
  writeFileSync(`${path}.br`, brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
}
console.log(`web: built ${outdir} (${js}, ${css})`);
