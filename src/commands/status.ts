import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { VbulkError } from "../core/errors.js";
import { staleLockAdvice } from "../core/lock.js";
import { localDateTime, printable } from "../core/text.js";
import { INGEST_LOCK } from "../ingest/index.js";
import { STATE_DIR } from "../sources/classify.js";
import { outFolderOf } from "../store/out-folders.js";
import { readStatus, type Status } from "../store/status.js";
import { EXECUTE_LOCK, formatDuration } from "../vinted/pacing.js";
import { configDir } from "../vinted/session.js";
import { folderArgument, workingFolder } from "./options.js";
import { createIo, type Io } from "./render.js";

/** Registers `vbulk status`. */
export function registerStatus(program: Command, run: (fn: () => Promise<number>) => Promise<void>): void {
  program
    .command("status")
    .description("progress of a running or finished ingest/execute in DIR (default: current folder)")
    .addArgument(folderArgument("the photos folder, its ZIP, or the folder holding catalog.json"))
    .option("--json", "print the status as JSON on stdout")
    .action((dir: string, raw: { json?: boolean }) => run(() => statusCommand(dir, raw.json === true)));
}

async function statusCommand(dir: string, json: boolean): Promise<number> {
  const io = createIo(json);
  // The photos folder of an ingest that wrote elsewhere (--out): its run is in that folder.
  const out = await outFolderOf(dir);
  // A path that is not there is a typo, not a folder where nothing ran yet (unless an ingest --out of it was
  // recorded: the photos may be gone since, the run is in the out folder).
  if (!out && !(await stat(resolve(dir)).catch(() => null)))
    throw new VbulkError(
      "NOT_FOUND",
      `Expected a folder (the photos, their ZIP, or the folder holding catalog.json) for vbulk status but there is nothing at ${printable(resolve(dir))}`,
      { hint: "Check the path (tab-completion helps), e.g. `vbulk status ./photos`." },
    );
  const folder = await workingFolder(dir);
  // When both folders hold a run (the photos folder once had its own ingest), the one started last is what the
  // seller is asking about.
  const own = await readStatus(folder).catch((err: unknown) => {
    if (err instanceof VbulkError && err.code === "NOT_FOUND") return err;
    throw err;
  });
  const other = out && resolve(out) !== folder ? await readStatus(out).catch(() => null) : null;
  const elsewhere =
    out && other && (own instanceof VbulkError || Date.parse(other.started_at) > Date.parse(own.started_at))
      ? out
      : null;
  if (!elsewhere && own instanceof VbulkError) throw own;
  const status = elsewhere ? other! : (own as Status);
  // With the folder the run writes to (the --out folder when ingest wrote elsewhere): what a script passes next.
  if (json) io.out(JSON.stringify({ ...status, dir: elsewhere ? resolve(elsewhere) : folder }, null, 2));
  else printStatus(io, status, elsewhere ? resolve(elsewhere) : folder);
  if (elsewhere && !json) io.out(io.c.dim(`  written to ${printable(elsewhere)} (ingest --out)`));
  return 0;
}

function printStatus(io: Io, s: Status, dir: string): void {
  const { c } = io;
  const n = (k: string) => s.counts[k] ?? 0;
  const state = { running: c.cyan, done: c.green, partial: c.yellow, failed: c.red, interrupted: c.red }[
    s.state
  ](s.state);
  const stage =
    s.state === "running"
      ? ` (${s.stage}, pid ${s.pid})`
      : s.state === "interrupted"
        ? ` (in ${s.stage})`
        : "";
  io.out(`${s.command}: ${state}${stage}`);
  io.out(`  ${timesLine(s, Date.now())}`);
  const phase = s.state === "running" || s.state === "interrupted" ? phaseLine(s) : null;
  if (phase) io.out(`  ${s.state === "interrupted" ? "stopped while " : ""}${phase}`);
  if (s.command === "ingest") {
    io.out(
      `  files ${n("files")}, analysed ${n("done")}, queued ${n("queued")}, duplicates ${n("duplicates")}, articles ${n("articles")}, errors ${n("errors")}, skipped ${n("skipped")}${n("cached") ? `, from cache ${n("cached")}` : ""}`,
    );
  } else {
    io.out(
      `  ${Object.entries(s.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
  }
  if (s.message) io.out(`  ${s.message}`);
  if (s.state === "interrupted")
    io.out(c.dim("  the process is gone; run the same command again to resume (cached work is reused)."));
  // Where a pid's start time cannot be read (Windows), a run that crashed stays "running" while its pid is another
  // program's; its lock then refuses every new run.
  if (s.state === "running") {
    const lock = s.command === "ingest" ? join(dir, STATE_DIR, INGEST_LOCK) : join(configDir(), EXECUTE_LOCK);
    io.out(c.dim(`  ${staleLockAdvice(s.pid, lock, `run the ${s.command} again`)}`));
  }
}

/**
 * When the run started, and how long ago its last news or its end was, in the seller's clock ("started 2026-11-29
 * 10:47:31 (2 min ago), updated 3 s ago"; "finished after 1 min 52 s"). `--json` keeps the files' ISO times.
 */
function timesLine(s: Status, now: number): string {
  const started = Date.parse(s.started_at);
  const updated = Date.parse(s.updated_at);
  const ago = (t: number) => `${formatDuration(Math.max(0, now - t))} ago`;
  const recent = (t: number) => now - t < 48 * 3600_000;
  const start = `started ${localDateTime(started)}`;
  if (s.finished_at) {
    const finished = Date.parse(s.finished_at);
    // A run stopped or failed did not finish: "finished after 2 s" read as done.
    const ended = s.state === "interrupted" ? "stopped" : s.state === "failed" ? "failed" : "finished";
    return `${start}, ${ended} after ${formatDuration(Math.max(0, finished - started))}${recent(finished) ? ` (${ago(finished)})` : ` (${localDateTime(finished)})`}`;
  }
  if (s.state === "running") return `${start} (${ago(started)}), updated ${ago(updated)}`;
  return `${start}, last news ${localDateTime(updated)}${recent(updated) ? ` (${ago(updated)})` : ""}`;
}

/** What the run was doing when it wrote the file, for the stages slow enough to need it (null otherwise). */
function phaseLine(s: Status): string | null {
  const p = s.progress;
  if (s.stage === "model") {
    if (!p) return "loading the model";
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    return `downloading the model: ${p.file ? `${printable(p.file)}, ` : ""}${mb(p.done)}${p.total === null ? "" : ` of ${mb(p.total)}`}`;
  }
  if (s.stage === "extract" && p) return `extracting the ZIP: ${p.done} of ${p.total ?? "?"} entries`;
  return null;
}
