import { VbulkError } from "./errors.js";
import { printable } from "./text.js";

// fatal: a byte that is not UTF-8 throws, where readFile(path, "utf8") put "�" in its place without a word (a
// template saved as Notepad's "ANSI" put "r�elles" in a listing). A leading byte-order mark is dropped (Notepad
// and Excel save UTF-8 with one).
const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8");

/**
 * What to say about a file that is not UTF-8 when "save it as UTF-8" is not the whole answer: a file vbulk
 * writes and the seller must not edit (execute's journal) says what it is and how to get it back.
 */
export interface Utf8Advice {
  /** Replaces "save it as UTF-8" at the end of the message. */
  what: string;
  hint: string;
}

/**
 * The text of a user's file (a template, plan.json, catalog.json, a config file) from its bytes, read as UTF-8.
 * Throws BAD_INPUT naming the file and where it is not UTF-8 text: UTF-16 (Notepad's "Unicode"), or the first
 * byte that is not UTF-8 (Notepad's "ANSI") or is a NUL (no text holds one; UTF-16 has one beside each letter),
 * with its line and column; `advice` replaces the generic "save it as UTF-8" and its hint.
 */
export function decodeUtf8(bytes: Uint8Array, path: string, advice?: Utf8Advice): string {
  const hint =
    advice?.hint ??
    'Save the file as UTF-8 (Notepad: File › Save as, Encoding "UTF-8"; other editors: "Save with encoding" › UTF-8), then run the same command again. Nothing was written.';
  const what = advice?.what ?? "save it as UTF-8";
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16)
    throw new VbulkError(
      "BAD_INPUT",
      `Expected UTF-8 text in ${printable(path)} but it is UTF-16 (Notepad's "Unicode"): ${what}`,
      { hint },
    );
  let text: string | null;
  try {
    text = strict.decode(bytes);
  } catch {
    text = null;
  }
  if (text !== null && !text.includes("\0")) return text;
  const at = firstBadByte(bytes);
  if (at < 0) return text ?? lenient.decode(bytes); // not reached: the decoder and firstBadByte agree
  const byte = bytes[at] ?? 0;
  const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
  const line = countNewlines(bytes, lineStart) + 1;
  const column = [...lenient.decode(bytes.subarray(lineStart, at))].length + 1;
  const hex = `0x${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  const why =
    byte === 0
      ? " (a NUL: UTF-16 text without a byte-order mark has one beside each letter)"
      : ansi(byte)
        ? ` (it is "${ansi(byte)}" in Windows' "ANSI" encoding)`
        : "";
  throw new VbulkError(
    "BAD_INPUT",
    `Expected UTF-8 text in ${printable(path)} but byte ${hex} at line ${line}, column ${column} is not${why}: ${what}`,
    { hint },
  );
}

/** The offset of the first byte that starts no valid UTF-8 character, or is a NUL (-1: none). */
function firstBadByte(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c === 0) return i;
    if (c < 0x80) {
      i++;
      continue;
    }
    // A lead byte and its continuation bytes: the shortest form only, no surrogate, at most U+10FFFF.
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (!n) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < [0, 0x80, 0x800, 0x10000][n]! || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

function countNewlines(b: Uint8Array, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (b[i] === 0x0a) n++;
  return n;
}

// Windows-1252's 0x80-0x9F (Node's TextDecoder("windows-1252") reads them as Latin-1's control characters).
const CP1252_80_9F = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

/** What a byte of 0x80 and above reads as in Windows-1252 (Notepad's "ANSI" in Western Europe), when printable. */
function ansi(byte: number): string | null {
  if (byte < 0x80) return null;
  const c = byte < 0xa0 ? CP1252_80_9F[byte - 0x80]! : String.fromCharCode(byte);
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(c) ? c : null;
}
