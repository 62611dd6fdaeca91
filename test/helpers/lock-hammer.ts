// One of several processes taking the same lock over and over (test/lock.test.ts): prints "got" for each take and
// "overlap" when another process held it at the same time (the marker file is created exclusively while held).
// Now and then it dies while holding it (exit without release), which leaves a stale lock for the others to take over.
import { rmSync, writeFileSync } from "node:fs";
import type { FileOps } from "../../src/core/atomic.js";
import { VbulkError } from "../../src/core/errors.js";
import { takeLock } from "../../src/core/lock.js";

// How long to hammer, counted from here: a deadline set by the parent before the spawn passed while tsx was still
// starting on a loaded machine (load 9-12 on 2 cores: 15 spawns of each of 4 workers saw 0 takes in 60 s).
const [path, until] = [process.argv[2]!, Date.now() + Number(process.argv[3])];
const marker = `${path}.marker`;
// "nolinks": a volume without hard links (FAT32/exFAT), where link fails and the file is created exclusively.
const ops: FileOps | undefined =
  process.argv[4] === "nolinks"
    ? {
        link: async () => {
          throw Object.assign(new Error("EPERM: link not supported"), { code: "EPERM" });
        },
      }
    : undefined;
while (Date.now() < until) {
  let release: () => Promise<void>;
  try {
    release = await takeLock(path, {}, () => new VbulkError("BAD_USAGE", "busy"), 0, undefined, ops);
  } catch (err) {
    if (err instanceof VbulkError && err.message === "busy") continue;
    throw err;
  }
  let mine = true;
  try {
    writeFileSync(marker, String(process.pid), { flag: "wx" });
  } catch {
    mine = false;
    writeFileSync(1, "overlap\n");
  }
  writeFileSync(1, "got\n");
  await new Promise((r) => setTimeout(r, 1));
  if (mine) rmSync(marker, { force: true });
  if (Math.random() < 0.02) process.exit(0); // killed while holding it
  await release();
}
