import { constants, type Stats } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { fileSystemError, messageOf, VbulkError } from "../core/errors.js";
import { editDistance, nearest, printable } from "../core/text.js";
import { decodeUtf8, type Utf8Advice } from "../core/utf8.js";

/**
 * Reads a JSON file vbulk wrote (or a user edited, or a data file) and validates it. Throws NOT_FOUND when
 * missing (hint: `hint`), BAD_INPUT when it does not parse, and BAD_INPUT naming the file and the first bad field
 * ("items[2].price: expected number, received string").
 */
export async function readJsonFile<T extends z.ZodType>(
  path: string,
  schema: T,
  what: string,
  hint: FileHint,
  detail?: IssueDetail,
  /** For a file the user names (labels, config, rules, mapping): refuse anything but a regular file of at most
   *  this many bytes, before reading it (readSettingsText). */
  maxBytes?: number,
): Promise<z.infer<T>> {
  const text =
    maxBytes === undefined
      ? await readTextIfAny(path)
      : await readSettingsText(path, maxBytes, what, hintOf(hint, "field"));
  if (text === null)
    throw new VbulkError("NOT_FOUND", `Expected a ${what} at ${path} but found no file there`, {
      hint: hintOf(hint, "field"),
    });
  return parseJsonText(text, schema, path, hint, detail);
}

/** Like readJsonFile, but a missing file is null (a plan not written yet, a cache). A file that is there but
 *  cannot be read still throws: taken for "none", it was written over (a seller's plan edits, lost). */
export async function readJsonFileIfAny<T extends z.ZodType>(
  path: string,
  schema: T,
  hint: FileHint,
  detail?: IssueDetail,
): Promise<z.infer<T> | null> {
  const text = await readTextIfAny(path);
  return text === null ? null : parseJsonText(text, schema, path, hint, detail);
}

/**
 * What a reader tells the user to do, per case: `field` after a bad field, `syntax` after the JSON's own advice (where
 * it breaks, or that the file is empty), `foreign` for a file without schemaVersion. A string: the same words for
 * each. plan.json's "Fix that field by hand" followed a syntax error, which named no field.
 */
export type FileHint = string | { field: string; syntax: string; foreign: string };

function hintOf(hint: FileHint, kind: "field" | "syntax" | "foreign"): string {
  return typeof hint === "string" ? hint : hint[kind];
}

/**
 * What a reader adds after a bad field's path (parseWith): the article it belongs to, the value received. Opt-in
 * per file: a file a seller edits says what it holds; a config file or a session file may hold a secret.
 */
export type IssueDetail = (issue: z.core.$ZodIssue, data: unknown, schema: z.ZodType) => string;

/**
 * One bad field of a file in plain words, the one wording every reader uses: what was expected and the value
 * received ("expected a whole number of at least 1, received -3"; "expected move, split, merge, restore or drop,
 * received "mve" (did you mean "move"?)"), not zod's ("Too small: expected number to be >=1"). A message a schema
 * words itself ("a price in euros") is kept, with the value after it. `hideValues`: the kind of value only ("received
 * a text"), for a file that may hold a secret (journal, session). The text after the field's path.
 */
export function issueText(
  issue: z.core.$ZodIssue,
  data: unknown,
  { schema, hideValues = false }: { schema?: z.ZodType; hideValues?: boolean } = {},
): string {
  if (issue.code === "unrecognized_keys")
    return issue.message.startsWith("unknown field")
      ? issue.message
      : `unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  const value = valueAt(data, issue.path);
  const received = hideValues
    ? value === undefined
      ? receivedText(value)
      : kindOf(value)
    : `${receivedText(value)}${
        issue.code === "invalid_type" &&
        ["number", "int"].includes(issue.expected) &&
        typeof value === "string" &&
        /^\s*-?\d+(?:[.,]\d+)?\s*$/.test(value)
          ? ": a number is written without quotes"
          : ""
      }`;
  const own =
    !/^(Invalid input|Invalid option|Too small|Too big|Invalid discriminator|Invalid string|Invalid)\b/.test(
      issue.message,
    );
  if (own)
    return /\breceived\b/.test(issue.message) ? issue.message : `${issue.message}, received ${received}`;
  const near = (values: readonly unknown[]) => {
    const words = values.filter((v): v is string => typeof v === "string");
    const hit = !hideValues && typeof value === "string" ? nearest(value, words) : undefined;
    // Never a short word for another ("de" is 2 edits from "fr", and no typo of it).
    const close =
      hit && editDistance(String(value).toLowerCase(), hit.toLowerCase()) <= Math.max(1, hit.length >> 1);
    return hit && hit !== value && close ? ` (did you mean "${hit}"?)` : "";
  };
  switch (issue.code) {
    case "invalid_type":
      return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, received ${received}`;
    case "invalid_value":
      return `expected ${orList(issue.values.map((v) => JSON.stringify(v)))}, received ${received}${near(issue.values)}`;
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      if (options?.length)
        return `expected ${orList(options.map((v) => JSON.stringify(v)))}, received ${received}${near(options)}`;
      return `expected another kind of value, received ${received}`;
    }
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const bound = Number(small ? issue.minimum : issue.maximum);
      const limit = `${issue.inclusive ? (small ? "at least" : "at most") : small ? "more than" : "less than"} ${bound}`;
      const at = schema ? schemaAt(schema, issue.path) : undefined;
      const what =
        issue.origin === "string"
          ? `a text of ${limit} characters`
          : issue.origin === "array"
            ? `a list of ${limit} items`
            : `${(at as { isInt?: boolean } | undefined)?.isInt ? "a whole number" : "a number"} of ${limit}`;
      return `expected ${what}, received ${received}`;
    }
    case "invalid_format": {
      const pattern = (issue as { pattern?: string }).pattern;
      return `expected a text ${pattern ? `matching ${pattern}` : `in the ${issue.format} format`}, received ${received}`;
    }
    default:
      return `${issue.message}, received ${received}`;
  }
}

const TYPE_WORDS: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "a text in quotes",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "an object",
  tuple: "a list",
  null: "null",
};

/** "a", "a or b", "a, b or c". */
function orList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/** What kind of value this is, without the value itself (a file that may hold a secret). */
function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return "a text";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

/** The value at `path` in `data` (undefined where there is none). */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const k of path) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** A value received, for a message: short, one line, escaped; a long text by its start and length. */
export function receivedText(v: unknown): string {
  if (v === undefined) return "nothing (the field is missing)";
  if (typeof v === "string")
    return v.length > 40
      ? `${printable(JSON.stringify(v.slice(0, 37)).slice(0, -1))}…" (${v.length} characters)`
      : printable(JSON.stringify(v));
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === "object" && v !== null) return "an object";
  return String(v);
}

/**
 * The text of a file, or null when there is no file (ENOENT, and only that). Throws BAD_INPUT for a file that is
 * not UTF-8 text (decodeUtf8), NOT_WRITABLE for a forbidden file or a folder in its place, BAD_FILE for any other
 * read error (a failing disk), naming the file. `advice`: what a file that is not UTF-8 is told (decodeUtf8).
 */
export async function readTextIfAny(path: string, advice?: Utf8Advice): Promise<string | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === "ENOENT") return null;
    const hint =
      "Nothing was written. Fix the file's permissions or move what is in its place away, then run the same command again.";
    const typed = fileSystemError(err, path, "read", hint);
    if (typed instanceof VbulkError) throw typed;
    throw new VbulkError("BAD_FILE", `Could not read ${printable(path)} (${code ?? messageOf(err)})`, {
      hint,
      cause: err,
    });
  }
  return decodeUtf8(bytes, path, advice);
}

/**
 * The bytes of the regular file at `path`, at most `maxBytes` of them, read through one open: opened without
 * blocking (a file turned into a FIFO since the caller's stat does not wait for a writer), checked to be a regular
 * file once open (`notRegular` otherwise), and read into a buffer of maxBytes + 1 (`tooBig` as soon as it holds
 * more: a file that grows, or a device, never fills memory). For files a user hands vbulk: settings, templates.
 */
export async function readRegularAtMost(
  path: string,
  maxBytes: number,
  notRegular: (opened: Stats) => Error,
  tooBig: () => Error,
): Promise<Buffer> {
  const file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const opened = await file.stat();
    if (!opened.isFile()) throw notRegular(opened);
    const buffer = Buffer.alloc(maxBytes + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, n, buffer.length - n, n);
      if (!bytesRead) break;
      n += bytesRead;
      if (n > maxBytes) throw tooBig();
    }
    return buffer.subarray(0, n);
  } finally {
    await file.close();
  }
}

/**
 * The text of a settings file a user names, or null when there is none: only a regular file of at most `maxBytes`,
 * checked before it is read (a link to /dev/zero was read until memory ran out, a FIFO waited for ever, a 540 MB
 * file ended as "unexpected error"). Throws BAD_INPUT naming the file, what it is and what to do; otherwise as
 * readTextIfAny.
 */
export async function readSettingsText(
  path: string,
  maxBytes: number,
  what: string,
  hint: string,
): Promise<string | null> {
  // Said once: a caller's hint may say it already (--rules' did, and the hint said it twice).
  const nothing = hint.includes("Nothing was written.")
    ? (text: string) => text
    : (text: string) => `${text} Nothing was written.`;
  const tooBig = (size: string) =>
    new VbulkError(
      "BAD_INPUT",
      `Expected a ${what} of at most ${maxBytes / 1024 / 1024} MiB at ${printable(path)} but it holds ${size}`,
      { hint: nothing(`Is this the right file? ${hint}`) },
    );
  const notRegular = (info: Stats) =>
    new VbulkError(
      "BAD_INPUT",
      `Expected a ${what}, a regular file, at ${printable(path)} but found ${kindOfFile(info)} there`,
      {
        hint: nothing(`Pass the path of the JSON file itself (a copy, not a device or a pipe). ${hint}`),
      },
    );
  try {
    // stat follows links, and says what is there without opening it (opening a FIFO waits for a writer).
    const info = await stat(path);
    if (!info.isFile() && !info.isDirectory()) throw notRegular(info);
    if (info.isFile() && info.size > maxBytes) throw tooBig(`${info.size} bytes`);
    // A folder given for the file (its own folder, by a slip): said as such, not as permissions to fix.
    if (info.isDirectory())
      throw new VbulkError(
        "BAD_INPUT",
        `Expected a ${what}, a file, at ${printable(path)} but found a folder there`,
        {
          hint: nothing(`Pass the path of the JSON file itself, not of a folder. ${hint}`),
        },
      );
    const bytes = await readRegularAtMost(path, maxBytes, notRegular, () => tooBig(`over ${maxBytes} bytes`));
    return decodeUtf8(bytes, path);
  } catch (err) {
    if (err instanceof VbulkError) throw err;
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === "ENOENT") return null;
    const typed = fileSystemError(err, path, "read", nothing(hint));
    if (typed instanceof VbulkError) throw typed;
    throw new VbulkError("BAD_FILE", `Could not read ${printable(path)} (${code ?? messageOf(err)})`, {
      hint,
      cause: err,
    });
  }
}

/** What a file that is no regular file is, for a message ("a character device"). */
function kindOfFile(info: Stats): string {
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isSocket()) return "a socket";
  return "something that is no regular file";
}

function parseJsonText<T extends z.ZodType>(
  text: string,
  schema: T,
  path: string,
  hint: FileHint,
  detail?: IssueDetail,
): z.infer<T> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    // Never the parser's own message: it quotes the file's first characters (`--config /etc/shadow` would print
    // a password hash). Where, not what.
    const at = syntaxErrorAt(text, err);
    throw new VbulkError(
      "BAD_INPUT",
      `Expected valid JSON in ${path} but it does not parse (${
        typeof at === "object"
          ? `at line ${at.line}, column ${at.column}`
          : at === "empty"
            ? "the file is empty"
            : "it is not JSON"
      })`,
      {
        hint: `${
          typeof at === "object"
            ? `Fix the JSON at line ${at.line}, column ${at.column} (a missing comma, quote or bracket is usual)`
            : at === "empty"
              ? "Put back a copy of the file if you have one (a save cut short leaves it empty)"
              : "Fix the JSON syntax (a missing comma or quote is usual)"
        }. ${hintOf(hint, "syntax")}`,
        // Where, as data: the review page says it in its words (src/review/ingest.ts toPageFailure).
        context: { file: path, damage: "syntax", ...(typeof at === "object" ? at : { syntax: at }) },
      },
    );
  }
  return parseWith(schema, data, path, hint, detail);
}

/** Where a JSON.parse error is (line 3, column 14), or "empty" / "not-json" when it does not say. */
function syntaxErrorAt(text: string, err: unknown): { line: number; column: number } | "empty" | "not-json" {
  if (text.trim() === "") return "empty";
  const message = err instanceof Error ? err.message : "";
  // A file cut short ends before its JSON does: the place is its end (Node 20 gives no position for it).
  const m = /position (\d+)/.exec(message);
  const position = m ? Number(m[1]) : /Unexpected end/.test(message) ? text.trimEnd().length : null;
  if (position === null) return "not-json";
  const before = text.slice(0, position);
  return { line: before.split("\n").length, column: before.length - before.lastIndexOf("\n") };
}

/** A file written by a newer vbulk says so, rather than "schemaVersion: invalid input". Throws BAD_INPUT.
 *  Read from the issues of the one validation the file gets (a second pass cost a 500-photo catalog 30 ms). */
function newerVersion(data: unknown, issues: z.core.$ZodIssue[], path: string): void {
  const found = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof found !== "number") return;
  const issue = issues.find((i) => i.path.length === 1 && i.path[0] === "schemaVersion");
  const known = (issue as { values?: unknown[] } | undefined)?.values?.filter((v) => typeof v === "number") as
    | number[]
    | undefined;
  if (!known?.length || found <= Math.max(...known)) return;
  throw new VbulkError(
    "BAD_INPUT",
    `${path} was made by a newer vbulk (schemaVersion ${found}; this vbulk reads ${Math.max(...known)})`,
    {
      hint: "Update vbulk (the same version that wrote the file), or re-create the file with this one.",
      context: { file: path, damage: "newer" },
    },
  );
}

/** A file of vbulk's kind without a schemaVersion at all (another program's catalog.json, a list) says so in one
 *  line, rather than one zod complaint per missing field. Throws BAD_INPUT. */
function notWrittenByVbulk(schema: z.ZodType, data: unknown, path: string, hint: FileHint): void {
  const versioned = (schema as { shape?: Record<string, unknown> }).shape?.["schemaVersion"] !== undefined;
  const isObject = typeof data === "object" && data !== null && !Array.isArray(data);
  if (!versioned || (isObject && "schemaVersion" in data)) return;
  const keys = isObject ? Object.keys(data).slice(0, 6) : [];
  const found = isObject
    ? keys.length
      ? `its keys: ${keys.map((k) => printable(k)).join(", ")}${Object.keys(data).length > 6 ? ", …" : ""}`
      : "it is an empty object"
    : `it is ${Array.isArray(data) ? "a list" : data === null ? "null" : `a ${typeof data}`}`;
  throw new VbulkError(
    "BAD_INPUT",
    `Expected a file written by vbulk at ${path} (an object with "schemaVersion") but it has none (${found})`,
    { hint: hintOf(hint, "foreign"), context: { file: path, damage: "foreign" } },
  );
}

/** Validates data with a zod schema; BAD_INPUT naming where (file) and which field when it does not fit. */
export function parseWith<T extends z.ZodType>(
  schema: T,
  data: unknown,
  where: string,
  hint: FileHint,
  detail?: IssueDetail,
): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  newerVersion(data, result.error.issues, where);
  notWrittenByVbulk(schema, data, where, hint);
  const issues = result.error.issues
    .slice(0, 5)
    .map(
      (i) =>
        `${formatPath(i.path)}${detail ? detail(i, data, schema) : `: ${issueText(i, data, { schema })}`}`,
    );
  // The first bad field's path as data (not its value: a config file may hold a secret); `file` is what the
  // message names, a file's path or "configuration". An unknown field is named itself, not the object it sits in.
  const first = result.error.issues[0];
  throw new VbulkError("BAD_INPUT", `Invalid ${where}: ${issues.join("; ")}`, {
    hint: hintOf(hint, "field"),
    context: { issues, file: where, ...(first ? whereIssue(schema, first) : { damage: "field" }) },
  });
}

/** The field an issue is about, as data (src/review/ingest.ts toPageFailure): an unknown field with the known one
 *  it most likely meant (strictKeys), else the field whose value is wrong. */
function whereIssue(
  schema: z.ZodType,
  issue: z.core.$ZodIssue,
): { damage: "field"; field: string } | { damage: "unknown-field"; field: string; near?: string } {
  if (issue.code !== "unrecognized_keys" || !issue.keys[0])
    return { damage: "field", field: formatPath(issue.path) };
  const key = issue.keys[0];
  const shape = (objectAt(schema, issue.path) as { shape?: Record<string, unknown> } | undefined)?.shape;
  const near = shape ? nearest(key, Object.keys(shape), { prefixes: true }) : undefined;
  return { damage: "unknown-field", field: formatPath([...issue.path, key]), ...(near ? { near } : {}) };
}

/** The schema at `path` inside `schema` (through lists, records, optional and nullable), if any. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  return objectAt(schema, path);
}

/** The object schema at `path` inside `schema` (through lists, records, optional and nullable), if any. */
function objectAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let at: z.ZodType | undefined = schema;
  for (const step of path) {
    at = unwrap(at);
    if (at instanceof z.ZodArray) at = at.element as z.ZodType;
    else if (at instanceof z.ZodRecord) at = at.valueType as z.ZodType;
    else if (at instanceof z.ZodObject) at = at.shape[String(step)] as z.ZodType | undefined;
    else return undefined;
  }
  return at && unwrap(at);
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s;
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("");
}

/**
 * An object schema with no key beyond its own: a typo in a file a seller wrote (plan.json's "colour", a label file's
 * `need_size`) was dropped without a word and the value lost. The issue names each unknown key and the known key
 * it most likely meant.
 */
export function strictKeys<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown field ${issue.keys
            .map((k) => {
              const near = nearest(k, Object.keys(shape), { prefixes: true });
              return `"${k}"${near ? ` (did you mean "${near}"?)` : ""}`;
            })
            .join(", ")}`
        : undefined,
  });
}
