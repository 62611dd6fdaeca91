import { printable } from "./text.js";

/** Error codes a user or a script can act on; each maps to an exit code in cli.ts. */
export type ErrorCode =
  | "BAD_USAGE"
  | "BAD_INPUT"
  | "NOT_FOUND"
  | "TOO_MANY_FILES"
  | "ZIP_UNSAFE"
  | "ZIP_TOO_LARGE"
  | "BAD_FILE"
  | "MODEL_MISSING"
  | "MODEL_CORRUPT"
  /** The CLIP model cannot run on this platform: onnxruntime-node has no native build for it (Intel Macs). */
  | "MODEL_UNSUPPORTED"
  | "NETWORK"
  | "NOT_LOGGED_IN"
  | "CHALLENGE"
  /** Vinted refused (or would refuse) a request with a plain 403, no challenge marker: not yours, no security token. */
  | "FORBIDDEN"
  | "RATE_LIMITED"
  | "TRANSIENT"
  | "BROWSER_LOST"
  | "NO_DISPLAY"
  | "REJECTED"
  | "NOT_WRITABLE"
  | "NO_SPACE"
  /** A file changed since it was shown (the review page saved over an edit made meanwhile): nothing was written. */
  | "CONFLICT"
  | "INTERNAL";

/**
 * An error vbulk expects and can explain: what went wrong, where, and what to do.
 * Messages follow "Expected X for Y but received Z" where that applies.
 */
export class VbulkError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly context: Record<string, unknown>;
  /** The exit code when a command's README row says otherwise than the code's usual one (exitCodeOf). */
  readonly exit: 1 | 2 | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      hint?: string;
      context?: Record<string, unknown>;
      cause?: unknown;
      exit?: 1 | 2;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "VbulkError";
    this.code = code;
    this.hint = options.hint;
    this.context = options.context ?? {};
    this.exit = options.exit;
  }
}

/** The exit code of a failed command: the error's own when it carries one, else 2 for input errors, else 1. */
export function exitCodeOf(err: unknown): 1 | 2 {
  if (err instanceof VbulkError && err.exit !== undefined) return err.exit;
  return isInputError(err) ? 2 : 1;
}

/** Bad input errors are the user's to fix (exit 2); the rest are failures (exit 1). */
export function isInputError(err: unknown): boolean {
  return (
    err instanceof VbulkError &&
    [
      "BAD_USAGE",
      "BAD_INPUT",
      "NOT_FOUND",
      "TOO_MANY_FILES",
      "ZIP_UNSAFE",
      "ZIP_TOO_LARGE",
      "NOT_LOGGED_IN",
      "NOT_WRITABLE",
      "NO_DISPLAY",
      "CONFLICT",
    ].includes(err.code)
  );
}

/** The sharp-style message: "Expected X for Y but received Z". */
export function expected(what: string, forWhat: string, received: unknown): string {
  return `Expected ${what} for ${forWhat} but received ${describe(received)}`;
}

function describe(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  return `${typeof value} ${String(value)}`;
}

/** A short message for any thrown value, for per-photo error records. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message.split("\n")[0] ?? err.message;
  return String(err);
}

/**
 * Turns a file-system error met while `doing` something to `path` into a VbulkError that says what happened, to
 * which file, and what to do (full disk, read-only or forbidden folder, name too long, a file where a folder
 * belongs, a folder where a file belongs). Other errors are returned unchanged. `hint` replaces the usual hint
 * (which speaks of --out) where that is no help, e.g. for a file that is read.
 */
export function fileSystemError(err: unknown, path: string, doing: string, hint?: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const where = printable(path);
  // What happened to which file, as data: the review page says it in its words (src/review/ingest.ts
  // toPageFailure). `reading`: a file read ("read", "read the lock"), not written.
  const context = { path: where, osError: code, reading: /^read\b/.test(doing) };
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return new VbulkError("NO_SPACE", `The disk is full: could not ${doing} ${where}`, {
        hint:
          hint ??
          "Free some space (or pass --out DIR on another disk) and run the same command again; finished work is kept.",
        context,
        cause: err,
      });
    case "EROFS":
    case "EACCES":
    case "EPERM":
      return new VbulkError(
        "NOT_WRITABLE",
        `${code === "EROFS" ? "The file system is read-only" : "Permission denied"}: could not ${doing} ${where}`,
        {
          hint:
            hint ??
            "Pass --out DIR to write the results somewhere writable, or fix the folder's permissions.",
          context,
          cause: err,
        },
      );
    case "ENAMETOOLONG":
      return new VbulkError(
        "NOT_WRITABLE",
        `The path is too long for this system: could not ${doing} ${where}`,
        {
          hint:
            hint ?? "Move the photos to a folder with a shorter path, or pass --out DIR with a short path.",
          context,
          cause: err,
        },
      );
    case "ENOTDIR":
    case "EEXIST":
      return new VbulkError(
        "NOT_WRITABLE",
        `Expected a folder but found a file in the way: could not ${doing} ${where}`,
        {
          hint: hint ?? "Move or rename that file, or pass --out DIR to write somewhere else.",
          context,
          cause: err,
        },
      );
    case "EISDIR":
      return new VbulkError(
        "NOT_WRITABLE",
        `Expected a file but found a folder in the way: could not ${doing} ${where}`,
        {
          hint: hint ?? "Move or rename that folder, or pass --out DIR to write somewhere else.",
          context,
          cause: err,
        },
      );
    default:
      return err;
  }
}
