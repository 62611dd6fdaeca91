import type { Stats } from "node:fs";
import { lstat, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileSystemError, VbulkError } from "../core/errors.js";
import { removeLinkHint } from "../core/os-words.js";
import { printable } from "../core/text.js";
import { STATE_DIR } from "../sources/classify.js";

/**
 * Makes sure DIR/.vbulk is a real folder vbulk may write its cache and status into, creating it if needed.
 * A `.vbulk` that is a symlink is refused, never followed: a planted link would redirect vbulk's writes anywhere.
 * Throws NOT_WRITABLE (a file or a symlink in the way, a read-only or forbidden folder) or NO_SPACE.
 */
export async function ensureStateDir(dir: string): Promise<string> {
  const path = join(dir, STATE_DIR);
  const st = await lstat(path).catch(() => null);
  refuseStateInWay(path, st);
  if (!st)
    // recursive: --out may name a folder that does not exist yet
    await mkdir(path, { recursive: true }).catch((err: unknown) => {
      throw fileSystemError(err, path, "create the folder");
    });
  return path;
}

/**
 * Throws NOT_WRITABLE when what is at DIR/.vbulk (`st`, from lstat; null when nothing is) is not a folder: a
 * symbolic link (never followed: a planted link would redirect vbulk's writes anywhere) or a file. The context
 * names the path and what is in the way, for the review page's words.
 */
export function refuseStateInWay(path: string, st: Stats | null): void {
  if (st?.isSymbolicLink())
    throw new VbulkError(
      "NOT_WRITABLE",
      `Expected a folder for vbulk's state at ${printable(path)} but found a symbolic link; vbulk does not follow it`,
      {
        hint: `${removeLinkHint(printable(path))} and run the same command again.`,
        context: { path, osError: "ELOOP" },
      },
    );
  if (st && !st.isDirectory())
    throw new VbulkError(
      "NOT_WRITABLE",
      `Expected a folder for vbulk's state at ${printable(path)} but found a file`,
      {
        hint: "Move or rename that file (vbulk keeps its cache and status in that folder), or pass --out DIR.",
        context: { path, osError: "ENOTDIR" },
      },
    );
}
