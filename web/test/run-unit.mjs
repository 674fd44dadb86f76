// Bundles test/unit.test.ts with esbuild into OUTDIR and runs it under node's test runner.
// Usage: node run-unit.mjs OUTDIR
import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(process.argv[2] ?? join(here, "..", "..", "build", "web-unit"), "unit.test.mjs");
await esbuild.build({
  entryPoints: [join(here, "unit.test.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile,
  logLevel: "warning",
});
const result = spawnSync(process.execPath, ["--test", outfile], { stdio: "inherit" });
process.exit(result.status ?? 1);
