import { stripVTControlCharacters } from "node:util";
import { UNSAFE_CHARACTERS } from "./unsafe.js";

/**
 * Text from the outside world (file names, ZIP entry names, decoder messages) made safe to print or log: control
 * characters (terminal escapes, newlines that would forge a log line, bidi overrides that reorder what is shown)
 * become visible escapes such as `\x1b`, `\n` or `\u202e`; everything else is kept as it is.
 */
const UNSAFE = new RegExp(UNSAFE_CHARACTERS.source, "g");

export function printable(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    if (ch === "\n") return "\\n";
    if (ch === "\r") return "\\r";
    if (ch === "\t") return "\\t";
    const code = ch.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * How the seller typed vbulk, for the commands they paste from `next:` lines and hints: "npx vbulk" when npm ran it
 * (`npx vbulk` or `npm exec vbulk` set npm_command=exec), else "vbulk" (on the PATH after `npm link`). Pasting
 * `vbulk …` after an `npx vbulk …` gave "command not found" on a clone that was not linked.
 */
export function vbulkAs(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_command === "exec" ? "npx vbulk" : "vbulk";
}

/**
 * A path (or a flag's value) for a command line the seller pastes, in the quoting of the shell they run:
 * - POSIX shells (Linux, macOS): as it is when the shell leaves it so, else in single quotes
 *   ("~/Mes photos" → '~/Mes photos', an apostrophe as '\''); printable either way.
 * - Windows (`platform` "win32"), where the one line must work in both cmd.exe (Windows 10's usual terminal) and
 *   PowerShell (Windows 11's default): single quotes are no quotes to cmd, which passed `'C:\…'` with its quotes
 *   to vbulk, and PowerShell cannot read bash's '\'' (PowerShell/PowerShell#3931). So a word with anything
 *   outside letters, digits and `_ . \ / : = + -` goes in double quotes, which both shells read as one argument:
 *   - an apostrophe (`Photos d'été`), a space, `&`, `|`, `<`, `>`, `^`, `;`, `,` and `@` are plain text inside
 *     them in both shells (PowerShell: "you can include a single quote in a double-quoted string" and only `$`
 *     and the backtick are special there, about_Quoting_Rules; cmd: quotes turn off its operators);
 *   - `$`: PowerShell expands a variable in double quotes ("$b" → the value of $b, about_Quoting_Rules), cmd
 *     does not, and no escape works in both. It is escaped for PowerShell (`$) only where PowerShell would
 *     expand it (a letter, digit, `_`, `{`, `(`, `?`, `^`, `$` or `:` after it); a `$` before a space or `\`
 *     is literal in both and left so;
 *   - a backtick is PowerShell's escape character inside double quotes (about_Escape_Characters): doubled, which
 *     cmd passes as two (no form suits both; no such folder was seen);
 *   - `%`: cmd expands `%NAME%` even inside quotes when NAME is set, and on the interactive command line it has
 *     no escape for `%` and leaves `%NAME%` as typed when NAME is not set (stackoverflow.com/questions/72302344);
 *     PowerShell leaves `%` alone. Kept as it is: `100% coton` pastes right in both;
 *   - `"` (never in a Windows file name, but in a flag's JSON value) is written `\"`, the escape Node's own
 *     argument parsing (the C runtime's, CommandLineToArgvW) reads from cmd's command line, and backslashes
 *     before it or before the closing quote are doubled (`"D:\Mes photos\\"`: a lone `\"` would be read as
 *     a quote, stackoverflow.com/questions/4699852). Windows PowerShell 5.1 cannot pass an embedded `"` to a
 *     native program intact whatever the quoting (PowerShell/PowerShell#1995, fixed in 7.3): such a value is best read from
 *     a file there.
 */
export function shellWord(text: string, platform: NodeJS.Platform = process.platform): string {
  const shown = printable(text);
  if (platform !== "win32")
    return /^[\w./@%+=:,-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, "'\\''")}'`;
  if (/^[\w.\\/:=+-]+$/.test(shown)) return shown;
  const body = shown
    .replace(/`/g, "``")
    .replace(/\$(?=[\w{(?^$:])/g, "`$$")
    .replace(/(\\*)"/g, '$1$1\\"')
    .replace(/(\\+)$/, "$1$1");
  return `"${body}"`;
}

/** Whether a name holds a character printable() would escape (a NUL, an escape, a newline…). */
export function hasControlCharacter(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

/**
 * Text rendered from shared templates and files made fit to send as a listing: terminal escape sequences and
 * control characters removed; with `lines`, line breaks (CRLF and CR as LF) and tabs kept, otherwise a line break
 * and the spaces around it become one space, as do two spaces or more (a title is one line).
 */
export function listingText(text: string, lines: boolean): string {
  const flat = stripVTControlCharacters(text).replace(/\r\n?/g, "\n");
  // A title is one line of single spaces: an empty variable between two words (`{{ category }} {{ brand }}
  // {{ color }}` without a brand) left « Robe  noire ».
  return (lines ? flat : flat.replace(/\s*[\n\t\v\f]+\s*/g, " ").replace(/ {2,}/g, " "))
    .replace(UNSAFE, (ch) => (lines && (ch === "\n" || ch === "\t") ? ch : ""))
    .trim();
}

/** "1 photo", "2 photos": counts read as a person would write them. */
/** "a", "a and b", "a, b and c": a list as a sentence says it. */
export function andList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Levenshtein distance between two strings (insertions, deletions, substitutions): for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/**
 * The known word a typo most likely meant, for "did you mean" hints: the same letters ignoring case, spaces, dashes
 * and underscores; with `prefixes`, one that starts the other, both 4 letters or more (a field name cut short:
 * `package_size` → `package_size_id`); else the nearest at most 2 edits away. Undefined when none is that close (a
 * category id given as one word of a longer one lists the ids instead).
 */
export function nearest(
  word: string,
  known: readonly string[],
  { prefixes = false }: { prefixes?: boolean } = {},
): string | undefined {
  const bare = (t: string) => t.toLowerCase().replace(/[\s_-]+/g, "");
  const w = bare(word);
  const found =
    known.find((k) => bare(k) === w) ??
    (prefixes
      ? known.find(
          (k) => bare(k).length >= 4 && w.length >= 4 && (bare(k).startsWith(w) || w.startsWith(bare(k))),
        )
      : undefined);
  if (found) return found;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(w, bare(k));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/**
 * A moment as the seller's clock shows it: "2026-11-29 10:47:31", local time (the TZ of the machine the command
 * runs on). Files keep ISO UTC; what a person reads is in their own time, not UTC with milliseconds.
 */
export function localDateTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "an unknown time";
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * Since when something has run, in the seller's clock (the TZ of the machine the command runs on): "14:03" today,
 * "2026-11-28 14:03" another day. For a lock's holder: files keep ISO UTC, a person reads their own time.
 */
export function localSince(at: string | number, now: number = Date.now()): string {
  // Every lock records its start as an ISO time: taken as it is written.
  const full = localDateTime(typeof at === "string" ? Date.parse(at) : at);
  if (full === "an unknown time") return full;
  const [day, time] = full.split(" ") as [string, string];
  const clock = time.slice(0, 5);
  return day === localDateTime(now).split(" ")[0] ? clock : `${day} ${clock}`;
}
