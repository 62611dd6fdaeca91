import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { expected, VbulkError } from "../core/errors.js";
import { acquireLock, newToken } from "../review/security.js";
import { startReviewServer } from "../review/server.js";
import { parseFlag, wholeNumber, workingFolder } from "./options.js";
import { createIo } from "./render.js";

interface RawReviewOptions {
  port?: string;
  open: boolean;
}

/** Registers `vbulk review`. */
export function registerReview(program: Command, run: (fn: () => Promise<number>) => Promise<void>): void {
  program
    .command("review")
    .description("open a local page to see every article, fix the grouping by hand and edit the listings")
    .argument("[dir]", "folder holding catalog.json (or the photos' ZIP)", ".")
    .option("--port <n>", "port on 127.0.0.1 (default: any free port)")
    .option("--no-open", "do not open the browser (print the link only)")
    .action((dir: string, raw: RawReviewOptions) => run(() => reviewCommand(dir, raw)));
}

async function reviewCommand(dirArg: string, raw: RawReviewOptions): Promise<number> {
  const io = createIo(false);
  const port = raw.port === undefined ? 0 : parseFlag(wholeNumber(1, 65535), raw.port, "--port");
  const source = resolve(dirArg);
  if (!(await stat(source).catch(() => null)))
    throw new VbulkError("NOT_FOUND", expected("a folder or a photos .zip", "vbulk review", dirArg), {
      hint: "Example: `vbulk review ./photos` (the folder you ran `vbulk ingest` on).",
    });
  const dir = await workingFolder(dirArg);
  const token = newToken();
  const review = await startReviewServer({ dir, source, token, port });
  let release: () => Promise<void>;
  try {
    // The lock names the page without its token: whoever reads it learns where, not how to get in.
    release = await acquireLock(dir, `http://127.0.0.1:${review.port}/`);
  } catch (err) {
    await review.close();
    throw err;
  }
  // Listen for Ctrl-C before printing the link: a script may stop us as soon as it reads it.
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  io.out(`vbulk review of ${dir}`);
  io.out(`open: ${review.url}`);
  io.err(io.c.dim("Only this computer can reach the page, and only with the link above. Ctrl-C stops it."));
  if (raw.open) openBrowser(review.url);
  await stopped;
  await review.close();
  await release();
  io.err("review stopped.");
  return 0;
}

/** Opens the default browser; a failure only means the seller opens the printed link by hand. */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  try {
    const child = spawn(cmd, args, { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // the link is printed
  }
}
