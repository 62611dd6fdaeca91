// Loaded by the test command (--import) in the runner and in every test file's process: code that runs inside a
// test process (not through the CLI, whose environment test/helpers/run.ts sets) reads VBULK_CACHE_DIR too, and
// without it wrote the model hash memo (file-hashes.json) and model folders into this user's ~/.cache/vbulk.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

if (!process.env.VBULK_CACHE_DIR) {
  const dir = join(tmpdir(), `vbulk-test-cache-run-${process.pid}`);
  process.env.VBULK_CACHE_DIR = dir;
  // Only the process that chose the folder (the runner) removes it; test files inherit it through the environment.
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}
