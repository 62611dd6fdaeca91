import { writeSync } from "node:fs";
import { constants } from "node:os";
import { errorDocument } from "./render.js";

/**
 * The signals that stop a run the way Ctrl-C does: SIGINT (Ctrl-C), SIGTERM (`timeout`, systemd, `docker stop`,
 * a CI step's time-out) and SIGHUP (a closed SSH session), and on Windows SIGBREAK (Ctrl+Break, which Node
 * delivers there only: process docs, "Signal events"). Node's default for each killed the process with no JSON
 * document and no word on stderr (and left its locks behind).
 */
export function stopSignals(platform: NodeJS.Platform = process.platform): NodeJS.Signals[] {
  return platform === "win32" ? ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] : ["SIGINT", "SIGTERM", "SIGHUP"];
}

/** A stop that ends a command with its own line (`said`) instead of ingest's "what was done is saved": cli.ts
 *  prints it, with the INTERRUPTED document under --json, and exits with interruptedExitCode(). */
export function stopped(said: string): Error {
  return Object.assign(new Error(said), { name: "AbortError", said });
}

/** The first stop signal this process received, if any. */
let received: NodeJS.Signals | undefined;

/** The exit code of a run stopped by a signal, the shell's convention 128 + its number: 130 for Ctrl-C (SIGINT),
 *  143 for SIGTERM, 129 for SIGHUP. 130 when no signal was seen (an abort from elsewhere). */
export function interruptedExitCode(): number {
  // SIGBREAK has a number on Windows only (21: exit 149), where it is the only place it is received.
  return 128 + (constants.signals[received ?? "SIGINT"] ?? constants.signals.SIGINT);
}

/** The stop signal's short name, said beside each article a stop left ("stopped by Ctrl-C before it was done"). */
export function stopSignalName(): string {
  if (received === "SIGBREAK") return "Ctrl+Break";
  return received === "SIGTERM" || received === "SIGHUP" ? received : "Ctrl-C";
}

/** What stopped the run, in a seller's words: "Ctrl-C" unless SIGTERM or SIGHUP came first. */
export function stoppedBy(): string {
  if (received === "SIGTERM")
    return "SIGTERM (a stop request: timeout, kill, systemd, docker stop, a CI time-out)";
  if (received === "SIGHUP") return "SIGHUP (the terminal or SSH session closed)";
  if (received === "SIGBREAK") return "Ctrl+Break";
  return "Ctrl-C";
}

/**
 * Listens for SIGINT, SIGTERM and SIGHUP while a run is in progress: the first calls `stop` (the run ends itself,
 * saves what it did, exits with interruptedExitCode()); a second quits at once, still printing what a single one
 * prints (the INTERRUPTED document on stdout with --json, `interrupted: …` on stderr). Files stay whole: every
 * write is atomic. Returns the function that removes the listeners.
 */
export function onStopSignal(opts: {
  json: boolean;
  stop: () => void;
  atOnce: string;
  platform?: NodeJS.Platform;
}): () => void {
  const STOP_SIGNALS = stopSignals(opts.platform);
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    received ??= signal;
    count++;
    if (count === 1) {
      opts.stop();
      return;
    }
    quitAtOnce(opts.json, opts.atOnce);
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return () => {
    for (const s of STOP_SIGNALS) process.removeListener(s, handler);
    // Stopped already, the run has said so and is ending: a second signal now (Ctrl-C pressed twice) exits with the
    // code the first asked for, not by Node's default (killed by the signal: no exit code, so a script saw none).
    if (count > 0) for (const s of STOP_SIGNALS) process.once(s, () => process.exit(interruptedExitCode()));
  };
}

/** Prints the interrupted document (--json) and line, synchronously (the process ends next), then exits. A closed
 *  stdout or stderr (`| head`) must not keep the exit from happening. */
function quitAtOnce(json: boolean, message: string): never {
  if (json)
    try {
      writeSync(1, `${JSON.stringify(errorDocument(new Error(message), "INTERRUPTED"))}\n`);
    } catch {}
  try {
    writeSync(2, `${message}\n`);
  } catch {}
  process.exit(interruptedExitCode());
}
