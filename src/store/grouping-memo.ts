import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../core/atomic.js";
import { fileSystemError } from "../core/errors.js";
import type { GroupingMemo } from "../grouping/memo.js";
import { STATE_DIR } from "../sources/classify.js";

/** The last grouping of a folder (src/grouping/memo.ts), in DIR/.vbulk: only a cache. */
const MEMO_FILE = "grouping.json";

/** What DIR/.vbulk/grouping.json holds, unparsed (grouping/memo.ts `recall` validates it); null when absent or not JSON. */
export async function readGroupingMemo(dir: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(dir, STATE_DIR, MEMO_FILE), "utf8")) as unknown;
  } catch {
    return null; // none yet, or damaged: the photos are grouped again
  }
}

/** Replaces DIR/.vbulk/grouping.json atomically. Throws NO_SPACE / NOT_WRITABLE. */
export async function writeGroupingMemo(dir: string, memo: GroupingMemo): Promise<void> {
  const path = join(dir, STATE_DIR, MEMO_FILE);
  await writeJsonAtomic(path, memo).catch((err: unknown) => {
    throw fileSystemError(err, path, "write the grouping cache");
  });
}
