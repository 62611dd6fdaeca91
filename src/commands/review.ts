import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { expected, VbulkError } from "../core/errors.js";
import { printable, shellWord, vbulkAs } from "../core/text.js";
import { acquireLock, newToken } from "../review/security.js";
import { startReviewServer } from "../review/server.js";
import { catalogWrittenElsewhere, folderArgument, parseFlag, wholeNumber, workingFolder } from "./options.js";
import { createIo } from "./render.js";
import { interruptedExitCode, onStopSignal, stoppedBy } from "./signals.js";

interface RawReviewOptions {
  port?: string;
  open: boolean;
}

/** Registers `vbulk review`. */
export function registerReview(program: Command, run: (fn: () => Promise<number>) => Promise<void>): void {
  program
    .command("review")
    .description("open a local page to see every article, fix the grouping by hand and edit the listings")
    .addArgument(folderArgument("folder holding catalog.json (or the photos' ZIP)"))
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
  // Listen for Ctrl-C before printing the link: a script may stop us as soon as it reads it. SIGTERM and SIGHUP
  // stop it the same way (signals.ts); a second one quits at once.
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const stopListening = onStopSignal({
    json: false,
    stop: () => stop(),
    atOnce:
      "interrupted: stopped at once by a second signal: the journal holds every write that was answered; run `vbulk review` or `vbulk execute` again to resume",
  });
  io.out(`vbulk review of ${dir}`);
  const elsewhere = await catalogWrittenElsewhere(dirArg, dir);
  if (elsewhere)
    io.err(
      `note: the last \`vbulk ingest --out\` of this folder wrote its catalog to ${printable(elsewhere)}: \`${vbulkAs()} review ${shellWord(elsewhere)}\` shows its articles.`,
    );
  io.out(`open: ${review.url}`);
  io.err(io.c.dim("Only this computer can reach the page, and only with the link above. Ctrl-C stops it."));
  if (raw.open) openBrowser(review.url);
  await stopped;
  // A run started from the page is stopped as Ctrl-C stops it in a terminal, and waited for, before the lock is
  // released: before, the server closed, released its lock and said "review stopped." while the draft run went on
  // writing to Vinted (and a terminal's `vbulk execute` could then start beside it).
  const by = stoppedBy();
  const running = review.stopRuns(by);
  const slow = setTimeout(
    () =>
      io.err(
        `${by}: stopping the run started from the page (after the write in flight; the journal stays consistent). Again to quit at once.`,
      ),
    200,
  );
  const was = await running.finally(() => clearTimeout(slow));
  stopListening();
  await review.close();
  await release();
  if (was.execute)
    io.err(
      `review stopped; the draft run started from the page was stopped by ${by}: what was sent is kept. \`vbulk review ${shellWord(dir)}\` (« Créer les brouillons ») or \`vbulk execute ${shellWord(dir)}\` sends the rest.`,
    );
  if (was.ingest)
    io.err(
      `review stopped; the analysis started from the page was stopped by ${by}: what was analysed is kept. \`vbulk ingest ${shellWord(source)}\` finishes it.`,
    );
  if (was.execute || was.ingest) return interruptedExitCode();
  io.err("review stopped.");
  return 0;
}

/**
 * Opens the default browser; a failure only means the seller opens the printed link by hand. `windowsHide`: on
 * Windows a detached child gets its own console window (Node's child_process docs, options.detached), so every
 * `vbulk review` flashed a black cmd window before the browser opened. `platform` and `run` are for tests.
 */
export function openBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
  run: typeof spawn = spawn,
): void {
  const [cmd, args] =
    platform === "darwin"
      ? ["open", [url]]
      : platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  try {
    const child = run(cmd, args, { stdio: "ignore", detached: true, windowsHide: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // the link is printed
  }
}
