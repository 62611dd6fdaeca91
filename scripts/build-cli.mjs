// Bundles the CLI into dist/bundle/ (npm run build): one file per command plus shared chunks, instead of ~150
// modules (zod alone is 94 files) for Node to resolve, read and compile on every start. Measured on this
// project's 2-vCPU machine, nothing else running: `vbulk ingest --help` 0.31-0.36 s from tsc's dist/ against
// 0.23-0.27 s bundled; a re-run from cache of 500 photos (issue 8's ≤ 0.5 s) pays that start-up every time.
//
// The bundle sits two folders below the package root, like every compiled module (dist/<folder>/x.js), so the
// code's `../../models`, `../../templates` and `../../package.json` resolve the same from either.
// Kept out: native addons and what loads its own files at run time (onnxruntime-node, sharp, playwright-core,
// heic-decode's wasm through createRequire).
import { rm } from "node:fs/promises";
import { build } from "esbuild";

// Chunk names carry a hash: clear the last build's so only this one's files are there.
await rm("dist/bundle", { recursive: true, force: true });

await build({
  entryPoints: ["src/cli.ts", "src/model/onnx-worker.ts"],
  bundle: true,
  splitting: true, // a command's module, the template engine, the tokenizer: still loaded only when used
  format: "esm",
  platform: "node",
  target: "node20",
  outdir: "dist/bundle",
  entryNames: "[name]", // dist/bundle/onnx-worker.js: where onnx.ts looks for the worker, beside its chunk
  chunkNames: "[name]-[hash]",
  // A package's ES module build where it has one (liquidjs, exifr): an import() of a CommonJS build gives
  // only its default export in a bundle, so `const { Liquid } = await import("liquidjs")` found no Liquid.
  mainFields: ["module", "main"],
  external: ["onnxruntime-node", "sharp", "playwright-core", "heic-decode"],
  // Bundled CommonJS packages (commander, density-clustering, ...) call require(): give ESM output one.
  banner: {
    js: 'import { createRequire as __vbulkRequire } from "node:module"; const require = __vbulkRequire(import.meta.url);',
  },
  logLevel: "warning",
});
