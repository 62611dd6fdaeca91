import { fstatSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { stripVTControlCharacters } from "node:util";
import chalk, { Chalk, type ChalkInstance } from "chalk";
import type cliProgressTypes from "cli-progress";
import { debugMode } from "../core/config.js";
import { messageOf, VbulkError } from "../core/errors.js";
import type { IngestEvent, IngestStage } from "../core/events.js";
import { carriesExampleText, exampleTextIn } from "../core/example-text.js";
import { redact } from "../core/redact.js";
import { printable } from "../core/text.js";
import type { ModelEvent } from "../model/download.js";

/** What a command needs to talk to the user: stdout for results, stderr for progress, warnings and errors. */
export interface Io {
  json: boolean;
  /** Progress bars and colour only when stderr is a terminal and --json is off. */
  interactive: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
  c: ChalkInstance;
}

/** cli-progress, loaded when a terminal shows bars: `--json` runs, cron and scripts never do. */
let progressLib: typeof cliProgressTypes | undefined;
function progressBars(): typeof cliProgressTypes {
  progressLib ??= createRequire(import.meta.url)("cli-progress") as typeof cliProgressTypes;
  return progressLib;
}

/** Streams whose reader went away (EPIPE) or that failed: what is still to print there is dropped. */
const gone = new Set<NodeJS.WriteStream>();
let guarded = false;

/**
 * `vbulk plan | head -1`: once head has its line it exits, and the next write meets a closed pipe (EPIPE), an
 * 'error' event nothing listened to: exit 1 with a stack trace, after the work was done. A reader that stops early
 * is what the seller asked for, so the rest of that stream's output is dropped and the command ends as it would
 * have, with its own exit code. Any other error (a full disk: ENOSPC, EIO) also drops the rest, and is not thrown
 * from here (that crashed with a raw stack and left plan.lock behind): cli.ts asks outputFailure() at the end and
 * fails the command. Idempotent; called by createIo and cli.ts.
 */
export function guardOutput(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr])
    stream.on("error", (err: NodeJS.ErrnoException) => {
      gone.add(stream);
      if (stream === process.stdout && err.code !== "EPIPE") stdoutError ??= err;
    });
}

/** The first error other than EPIPE met writing to stdout. */
let stdoutError: NodeJS.ErrnoException | undefined;

/**
 * The error that kept stdout from receiving all it was given (`> /dev/full`, a full disk), or undefined; a reader
 * that went away (EPIPE) is no failure. Also seen at the write itself (write below): the 'error' event comes a
 * tick later, and cli.ts may be exiting by then (exit 0 with half a JSON document in the file).
 */
export function outputFailure(): NodeJS.ErrnoException | undefined {
  return stdoutError;
}

/** The one line saying the output is incomplete (cli.ts prints it on stderr and exits 1). */
export function outputFailureMessage(err: NodeJS.ErrnoException): string {
  const why =
    err.code === "ENOSPC"
      ? "the disk is full"
      : err.code === "EDQUOT"
        ? "the disk quota is used up"
        : err.code === "EIO"
          ? "an input/output error on the device"
          : messageOf(err);
  return `could not write the output: ${why}${err.code ? ` (${err.code})` : ""}; what was printed is incomplete`;
}

/** Whether stdout is a regular file (`> summary.json`), asked once. */
let stdoutFile: boolean | undefined;

function write(stream: NodeJS.WriteStream, text: string): void {
  if (gone.has(stream) || stream.destroyed) return;
  stdoutFile ??= (() => {
    try {
      return fstatSync(1).isFile();
    } catch {
      return false;
    }
  })();
  if (stream === process.stdout && stdoutFile) {
    // Node's stream for a file makes one write and ignores a short one: a disk with 4 KB left took 4 KB of a
    // 38 KB document and exit 0. Written to the end here, so the full disk shows as ENOSPC on the next write.
    const bytes = Buffer.from(text);
    try {
      for (let at = 0; at < bytes.length; ) at += writeSync(1, bytes, at);
    } catch (err) {
      gone.add(stream);
      stdoutError ??= err as NodeJS.ErrnoException;
    }
    return;
  }
  stream.write(text);
  // A file (`> out.json`) is written synchronously: its error is known now, its 'error' event comes a tick later.
  const err = stream.errored as NodeJS.ErrnoException | null;
  if (err) {
    gone.add(stream);
    if (stream === process.stdout && err.code !== "EPIPE") stdoutError ??= err;
  }
}

/** Builds the Io for this process: honours --json, NO_COLOR and whether stderr is a TTY. */
export function createIo(json: boolean): Io {
  guardOutput();
  const tty = process.stderr.isTTY === true;
  const outTty = process.stdout.isTTY === true;
  // NO_COLOR set and not empty (no-color.org): empty is unset, as for every variable vbulk reads.
  const colour = (tty || outTty) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  const c = colour ? new Chalk({ level: chalk.level || 1 }) : new Chalk({ level: 0 });
  // Colour is for a terminal: a stream redirected to a file or a pipe gets the same text without escape codes.
  const plain = (text: string, isTty: boolean) => (isTty ? text : stripVTControlCharacters(text));
  return {
    json,
    interactive: tty && !json,
    out: (text) => write(process.stdout, `${redact(plain(text, outTty))}\n`),
    err: (text) => write(process.stderr, `${redact(plain(text, tty))}\n`),
    c,
  };
}

const STAGE_LABEL: Record<IngestStage, string> = {
  labels: "Preparing labels",
  scan: "Scanning",
  extract: "Extracting ZIP",
  analyse: "Analysing photos",
  duplicates: "Finding duplicates",
  group: "Grouping articles",
  classify: "Naming articles",
  write: "Writing catalog",
};

/** Turns ingest events into one progress bar per stage (TTY only), warnings and per-photo errors on stderr. */
export function ingestRenderer(io: Io): {
  onEvent: (e: IngestEvent) => void;
  onModelEvent: (e: ModelEvent) => void;
  stop: () => void;
} {
  const multi = io.interactive
    ? new (progressBars().MultiBar)(
        {
          stream: process.stderr,
          clearOnComplete: false,
          hideCursor: true,
          // Elapsed time and, while a stage runs, what is left: a 500-photo run takes minutes on a laptop, and a
          // bar that stands still says nothing of how long.
          format: (options, params, payload) =>
            progressBars().Format.Formatter(
              {
                ...options,
                format:
                  params.value > 0 && params.value < params.total
                    ? " {stage} [{bar}] {value}/{total}  {duration_formatted}, about {eta_formatted} left"
                    : " {stage} [{bar}] {value}/{total}  {duration_formatted}",
              },
              params,
              payload,
            ),
          barsize: 30,
          etaBuffer: 50,
        },
        progressBars().Presets.shades_classic,
      )
    : null;
  const bars = new Map<IngestStage, cliProgressTypes.SingleBar>();
  const download = downloadRenderer(io);
  // Shown at once above the bars (before: held back until the run ended, so "No CLIP model" came after it).
  const say = (text: string) => {
    if (!multi) return io.err(text);
    multi.log(`${text}\n`);
    multi.update();
  };
  return {
    onModelEvent: download.onEvent,
    onEvent(e) {
      if (e.type === "stage") {
        if (multi && e.total > 0)
          bars.set(e.stage, multi.create(e.total, 0, { stage: STAGE_LABEL[e.stage].padEnd(18) }));
      } else if (e.type === "progress") {
        bars.get(e.stage)?.update(e.done);
      } else if (e.type === "warning") {
        say(
          `${io.c.yellow("warning:")} ${printable(e.message)}${e.hint ? `\n  ${io.c.dim(printable(e.hint))}` : ""}`,
        );
      } else if (e.type === "note") {
        say(`note: ${printable(e.message)}`);
      } else if (e.type === "photo-error") {
        say(`${io.c.red("bad photo:")} ${printable(e.file)}: ${printable(e.message)}`);
      }
    },
    stop() {
      download.stop();
      multi?.stop();
    },
  };
}

/** One bar per downloaded model file (TTY only); otherwise one line per file. */
export function downloadRenderer(io: Io): { onEvent: (e: ModelEvent) => void; stop: () => void } {
  const multi = io.interactive
    ? new (progressBars().MultiBar)(
        {
          stream: process.stderr,
          clearOnComplete: false,
          hideCursor: true,
          format: " {file} [{bar}] {percentage}% {mb}",
          barsize: 30,
        },
        progressBars().Presets.shades_classic,
      )
    : null;
  const bars = new Map<string, cliProgressTypes.SingleBar>();
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  return {
    onEvent(e) {
      if (e.type === "waiting") {
        io.err(
          `waiting: another vbulk (pid ${e.pid}) is downloading the model into ${e.dir}; this run uses its files once it is done`,
        );
      } else if (e.type === "file") {
        if (e.state === "ok") return;
        if (multi) bars.set(e.path, multi.create(e.total ?? 1, e.from, { file: e.path.padEnd(34), mb: "" }));
        else
          io.err(
            `${e.state === "resume" ? "resuming" : "downloading"} ${e.path}${e.total ? ` (${mb(e.total)})` : ""}`,
          );
      } else if (e.type === "bytes") {
        bars.get(e.path)?.update(e.done, { mb: mb(e.done) });
      } else if (!multi) io.err(`verified ${e.path} sha256 ${e.sha256.slice(0, 16)}…`);
    },
    stop() {
      multi?.stop();
    },
  };
}

/**
 * The one document a command run with `--json` prints on stdout when it fails, so `vbulk plan DIR --json | jq`
 * reads an answer instead of empty input: `{ "error": { code, message, hint } }`, `code` one of the VbulkError
 * codes (src/core/errors.ts), INTERRUPTED (Ctrl-C) or INTERNAL (a bug), `hint` null when there is none. The exit
 * code stays the command's; stderr still says the same for a person.
 */
export function errorDocument(
  err: unknown,
  code?: string,
): { error: { code: string; message: string; hint: string | null } } {
  if (err instanceof VbulkError)
    return { error: { code: code ?? err.code, message: err.message, hint: err.hint ?? null } };
  return {
    error: {
      code: code ?? "INTERNAL",
      message: messageOf(err),
      hint:
        code === undefined
          ? "this is unexpected; re-run with VBULK_DEBUG=1 for details and report it."
          : null,
    },
  };
}

/** Prints an error the way every command does: what, where, and what to do. Never prints secrets. */
export function printError(io: Io, err: unknown): void {
  if (err instanceof VbulkError) {
    io.err(`${io.c.red("error:")} ${printable(err.message)}`);
    if (err.hint) io.err(`  ${io.c.dim("hint:")} ${printable(err.hint)}`);
    return;
  }
  io.err(`${io.c.red("error:")} ${printable(messageOf(err))}`);
  if (debugMode() && err instanceof Error && err.stack) io.err(io.c.dim(err.stack));
  else
    io.err(`  ${io.c.dim("hint:")} this is unexpected; re-run with VBULK_DEBUG=1 for details and report it.`);
}

/**
 * The note `vbulk plan` and `vbulk execute` print when an article to publish still carries the built-in
 * template's example text (buyers read it as the seller's); `fix` says how, in the command's own terms. Null when
 * none does.
 */
export function exampleTextNote(
  listed: { cluster_id: string; description: string }[],
  fix: string,
): string | null {
  const example = listed.filter((i) => carriesExampleText(i.description));
  if (!example.length) return null;
  const ids = `${example
    .slice(0, 6)
    .map((i) => i.cluster_id)
    .join(", ")}${example.length > 6 ? ", …" : ""}`;
  const which =
    example.length === listed.length && listed.length > 1
      ? "every description to publish still carries"
      : example.length === 1
        ? `the description of ${ids}, marked to publish, still carries`
        : `${example.length} descriptions marked to publish (${ids}) still carry`;
  return `note: ${which} the built-in template's example text (${exampleTextIn(
    example.map((i) => i.description),
  )
    .map((t) => `"${t}"`)
    .join(", ")}), which buyers read as yours: ${fix} before you publish.`;
}
