import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { lstat, mkdir, open, readdir, readFile, rm } from "node:fs/promises";
import { basename, dirname, extname, join, resolve, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import type yauzl from "yauzl";
import { renameRetrying, writeJsonAtomic } from "../core/atomic.js";
import { expected, fileSystemError, messageOf, VbulkError } from "../core/errors.js";
import { stillRuns } from "../core/process.js";
import { hasControlCharacter, printable } from "../core/text.js";
import { classifyPath, EARLIER_RUN_DETAIL, isEarlierRunFile, naturalCompare, STATE_DIR } from "./classify.js";
import { decodeCp850, namesInCp850 } from "./codepage.js";
import type { ScanLimits } from "./folder.js";
import type { ScanResult, SkippedFile, SourceFile } from "./types.js";

export interface ZipLimits extends ScanLimits {
  maxTotalBytes: number;
  maxCompressionRatio: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** What a ZIP entry's compression method number means, for the skip reason. */
const METHODS: Record<number, string> = {
  1: "shrink",
  6: "implode",
  9: "deflate64",
  12: "bzip2",
  14: "LZMA",
  93: "zstd",
  95: "xz",
  98: "PPMd",
};
/** General purpose bit 11: the entry's name (and comment) are UTF-8. */
const UTF8_NAMES = 0x800;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * True when a ZIP entry's name bytes are UTF-8 with at least one non-ASCII character, whatever its flag says. Info-ZIP
 * `zip` on Linux and other tools store UTF-8 names without bit 11 (audit-scale 5: `Vêtements/robe_été.jpg` came out
 * as `V├¬tements/robe_├⌐t├⌐.jpg` in the summary, the catalog and the work folder). unzip, 7-Zip and macOS read such
 * names as UTF-8, and a real CP437 name is hardly ever valid UTF-8 (é is 0x82 alone, a stray continuation byte);
 * an ASCII name reads the same either way.
 */
function namesUtf8(raw: Buffer): boolean {
  if (raw.every((b) => b < 0x80)) return false;
  try {
    strictUtf8.decode(raw);
    return true;
  } catch {
    return false;
  }
}

/** Whether an entry's name comes from its Info-ZIP Unicode Path extra field, as yauzl reads it: version 1, made
 *  for these very name bytes (their CRC). */
function hasUnicodePath(extraFields: readonly { id: number; data: Buffer }[], raw: Buffer): boolean {
  return extraFields.some(
    (f) =>
      f.id === 0x7075 && f.data.length >= 6 && f.data[0] === 1 && f.data.readUInt32LE(1) === crc32(raw) >>> 0,
  );
}

/** Characters Windows refuses in a file or folder name (besides `/` and `\\`, which separate folders), and control
 *  characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are among what Windows refuses
const WINDOWS_REFUSED = /[<>:"|?*\x00-\x1f]/g;
/** Device names Windows reserves, with or without an extension, in any case (`CON.jpg`, `aux.tar.gz`, `nul`). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

/**
 * The name a ZIP entry's relative path is extracted under, one Windows can hold, the same on every platform: each of
 * `<>:"|?*` and control characters becomes `_`, the dots and spaces a folder or file name ends with are dropped as
 * Windows drops them (`x.jpg.` → `x.jpg`; `_` when nothing is left), and a reserved device name gets a `_` in front
 * (`CON.jpg` → `_CON.jpg`). A name Windows can hold is returned as it is.
 */
export function windowsSafeName(rel: string): string {
  return rel
    .split("/")
    .map((part) => {
      if (part === "" || part === "." || part === "..") return part;
      const safe = part.replace(WINDOWS_REFUSED, "_").replace(/[. ]+$/, "") || "_";
      const device = safe.split(".")[0]!.replace(/ +$/, "");
      return WINDOWS_DEVICE.test(device) ? `_${safe}` : safe;
    })
    .join("/");
}

/** A relative path as a case-insensitive disk (NTFS, APFS) compares it: letter case and Unicode form aside. */
function foldedName(rel: string): string {
  return rel.normalize("NFC").toLowerCase();
}

/**
 * The names the photo entries are extracted under (same order): windowsSafeName of each, and where two would be one
 * file on a case-insensitive disk (`IMG_1.JPG` and `img_1.jpg`, `é` in either Unicode form, `a:b.jpg` and `a_b.jpg`),
 * the later gets ` (2)` (` (3)`…) before its extension, a name no other entry has. Names Windows can hold keep them
 * first, so a photo is never renamed because another's name maps to its own. The same archive gives the same names.
 */
function distinctSafeNames(names: readonly string[]): string[] {
  const safe = names.map(windowsSafeName);
  const everyName = new Set(safe.map(foldedName));
  const taken = new Set<string>();
  const out: string[] = [...safe];
  const order = [...names.keys()].sort((i, j) => Number(safe[i] !== names[i]) - Number(safe[j] !== names[j]));
  for (const i of order) {
    let rel = safe[i]!;
    if (taken.has(foldedName(rel))) {
      const slash = rel.lastIndexOf("/") + 1;
      const ext = extname(rel.slice(slash));
      const stem = rel.slice(0, rel.length - ext.length);
      for (let n = 2; ; n++) {
        const candidate = `${stem} (${n})${ext}`;
        if (!taken.has(foldedName(candidate)) && !everyName.has(foldedName(candidate))) {
          rel = candidate;
          break;
        }
      }
    }
    taken.add(foldedName(rel));
    out[i] = rel;
  }
  return out;
}

/** Why a photo was extracted under a name other than its name in the ZIP (`file`), in a seller's words. */
export function renamedBecause(zipName: string, file: string): string {
  const safe = windowsSafeName(zipName);
  if (safe === file) return "Windows cannot hold the name in the ZIP";
  if (safe === zipName)
    return "its name in the ZIP differs only in letter case or accent encoding from another photo's, one file on Windows and macOS";
  return "Windows cannot hold the name in the ZIP, and its safe name is another photo's";
}

/** Where the CRC and size of each entry extracted earlier are remembered, so a re-run can trust or redo them. */
const EXTRACTED_FILE = "extracted.json";

/** The work folder a ZIP is extracted into: next to it, named after it, so the photos outlive the run. */
export function workFolderFor(zipPath: string): string {
  const abs = resolve(zipPath);
  return join(dirname(abs), `${basename(abs, extname(abs))}.vbulk`);
}

interface PlannedEntry {
  entry: yauzl.Entry;
  /** Where it is extracted, relative to the work folder (distinctSafeNames). */
  rel: string;
  /** Its name in the ZIP, when that is not `rel`. */
  zipName?: string;
}

/** A record of an extracted entry: reused on a re-run only if the archive still says the same CRC and size. */
interface ExtractedRecord {
  crc32: number;
  size: number;
  mtimeMs: number;
}

/**
 * Extracts the photos of a ZIP into `workDir`, safely (see openZip and OpenedZip.extract): openZip, then extract.
 * Throws what those throw.
 */
export async function extractZip(
  zipPath: string,
  workDir: string,
  limits: ZipLimits,
  signal?: AbortSignal,
): Promise<ScanResult> {
  const opened = await openZip(zipPath, limits);
  try {
    return await opened.extract(workDir, signal);
  } finally {
    opened.close();
  }
}

/** A ZIP whose central directory was read and found safe; nothing is written until `extract`. */
export interface OpenedZip {
  /** The photo entries that will be extracted. */
  readonly photos: number;
  /** Entries set aside already (unsafe names, symlinks, non-images, unsupported compression…). */
  readonly skipped: readonly SkippedFile[];
  /** The names (paths inside the archive) of the photo entries that will be extracted. */
  readonly names: readonly string[];
  /** The sha256 of one of those entries, inflated in memory (nothing is written); null when it cannot be read. */
  sha256(name: string): Promise<string | null>;
  /**
   * Extracts the photos into `workDir`, telling `onEntry(done, total)` as it goes. An entry that cannot be extracted
   * (damaged, CRC error, a folder in its way) is skipped with its reason. Files extracted earlier are reused only
   * when the archive still records the same CRC and size for them. Throws NO_SPACE / NOT_WRITABLE when the work
   * folder cannot be written (what this run extracted is removed then), the signal's reason when aborted.
   */
  extract(
    workDir: string,
    signal?: AbortSignal,
    onEntry?: (done: number, total: number) => void,
  ): Promise<ScanResult>;
  close(): void;
}

/** The ZIP reader's words for a file whose end holds no ZIP directory: a ZIP cut short, or no ZIP at all. */
const CUT_SHORT = /end of central directory record signature not found/i;

const REMAKE_HINT =
  "Re-create the ZIP (most file managers: right-click → Compress), or pass the folder of photos instead.";

/** What a file given as a ZIP is when its first bytes are not a ZIP's: an empty file, a photo, another archive, a
 *  saved web page, or something else. */
export type NotZipKind = "empty" | "photo" | "archive" | "page" | "other";

/** What the first bytes of a file vbulk was given as a ZIP say it is, when they are not a ZIP's. */
const STARTS_AS: readonly {
  test: (head: Buffer) => boolean;
  is: string;
  kind: Exclude<NotZipKind, "empty">;
}[] = [
  { test: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff, is: "a JPEG photo", kind: "photo" },
  { test: (h) => h.subarray(0, 4).toString("latin1") === "\x89PNG", is: "a PNG image", kind: "photo" },
  { test: (h) => h.subarray(0, 4).toString("latin1") === "GIF8", is: "a GIF image", kind: "photo" },
  {
    test: (h) =>
      h.subarray(0, 4).toString("latin1") === "RIFF" && h.subarray(8, 12).toString("latin1") === "WEBP",
    is: "a WebP image",
    kind: "photo",
  },
  {
    test: (h) =>
      h.subarray(4, 8).toString("latin1") === "ftyp" &&
      /^(heic|heix|mif1|msf1|avif)/.test(h.subarray(8, 12).toString("latin1")),
    is: "a HEIC or AVIF photo",
    kind: "photo",
  },
  { test: (h) => h.subarray(4, 8).toString("latin1") === "ftyp", is: "an MP4 or MOV video", kind: "other" },
  { test: (h) => h.subarray(0, 5).toString("latin1") === "%PDF-", is: "a PDF document", kind: "other" },
  { test: (h) => h.subarray(0, 4).toString("latin1") === "Rar!", is: "a RAR archive", kind: "archive" },
  {
    test: (h) => h.subarray(0, 6).equals(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])),
    is: "a 7-Zip archive",
    kind: "archive",
  },
  { test: (h) => h[0] === 0x1f && h[1] === 0x8b, is: "a gzip archive", kind: "archive" },
  {
    test: (h) => /^\s*<(!doctype html|html)/i.test(h.toString("latin1")),
    is: "an HTML web page",
    kind: "page",
  },
  { test: (h) => h.subarray(0, 2).toString("latin1") === "MZ", is: "a Windows program", kind: "other" },
];

/** A ZIP starts with a local file header (PK\x03\x04), or is an empty archive's end record (PK\x05\x06), or a
 *  split archive's marker (PK\x07\x08). */
function startsAsZip(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && [0x03, 0x05, 0x07].includes(head[2]!);
}

const strictText = new TextDecoder("utf-8", { fatal: true });

/** The first line of a file when its start is text (UTF-8, no control character but tab and line ends), else null. */
function textStart(head: Buffer): string | null {
  let text: string;
  try {
    // A character cut at the end of the sample is no reason to call it binary.
    text = strictText.decode(head.subarray(0, head.length - (head.length === HEAD_BYTES ? 3 : 0)));
  } catch {
    return null;
  }
  // Line ends and tabs are text; any other control character is not.
  if (hasControlCharacter(text.replace(/[\t\r\n]/g, " "))) return null;
  const line = text.trim().split(/\r?\n/)[0] ?? "";
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

const HEAD_BYTES = 512;

/**
 * Why the ZIP reader refused a file, in a seller's words, and what to do: a file that starts as no ZIP is said to be
 * none, with what it is when its first bytes tell (text, a photo, another archive, a web page saved as .zip); one
 * that starts as a ZIP but whose end is not one is a ZIP cut short (an unfinished download or copy); anything else
 * is quoted as the reader said it.
 */
async function zipRefusal(
  zipPath: string,
  err: unknown,
): Promise<{ detail: string; hint: string; cutShort: boolean; notZip?: NotZipKind }> {
  const message = messageOf(err);
  const head = await readHead(zipPath);
  if (head && head.length === 0)
    return {
      detail: "an empty file (0 bytes), not a ZIP",
      hint: "Check that you passed the right file: this one is empty (a download or a copy that did not start?). Download or copy the ZIP again, or pass the folder of photos instead.",
      cutShort: true,
      notZip: "empty",
    };
  if (head && !startsAsZip(head)) {
    const known = STARTS_AS.find((s) => s.test(head));
    const text = known ? null : textStart(head);
    const what = known
      ? `it starts as ${known.is}`
      : text !== null
        ? `it starts with text: « ${printable(text)} »`
        : `its first bytes are ${[...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}, a ZIP's are 50 4b 03 04`;
    const why = {
      photo: "this is a photo under a .zip name. Put the photos in a folder and pass the folder",
      archive:
        "vbulk opens ZIP archives only. Extract this one (7-Zip, The Unarchiver, or your file manager) and pass the folder it gives",
      page: "this is a web page saved under a .zip name (a download link that answered with a page, such as a sign-in page). Download the ZIP again from where it is, or pass the folder of photos",
      other:
        "pass the ZIP of your photos (a file manager's right-click → Compress makes one), or the folder of photos itself",
    }[known?.kind ?? "other"];
    return {
      detail: `a file that is not a ZIP at all (${what})`,
      hint: `Check that you passed the right file: ${why}.`,
      cutShort: true,
      notZip: known?.kind ?? "other",
    };
  }
  if (CUT_SHORT.test(message))
    return {
      detail:
        "a file that starts as a ZIP but does not end as one (cut short by an unfinished download or copy)",
      hint: "Download or copy the ZIP again (check its size against the original), or re-create it (most file managers: right-click → Compress), or pass the folder of photos instead.",
      cutShort: true,
    };
  return {
    detail: `a file the ZIP reader refuses (${printable(message)})`,
    hint: REMAKE_HINT,
    cutShort: false,
  };
}

/** The first HEAD_BYTES bytes of a file, or null when it cannot be read. */
async function readHead(path: string): Promise<Buffer | null> {
  const handle = await open(path, "r").catch(() => null);
  if (!handle) return null;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * Opens a ZIP and reads its central directory, writing nothing: entries with `..`, absolute paths, control
 * characters or symlinks are set aside as skipped; limits on count, per-file and total size and compression ratio
 * (every entry, whatever its size) are checked against the central directory; encrypted, bzip2/LZMA, duplicate
 * and clashing names are skipped with their reason. The caller closes it.
 * Throws ZIP_UNSAFE for an unreadable archive, ZIP_TOO_LARGE for a zip bomb, TOO_MANY_FILES over the limit.
 */
export async function openZip(zipPath: string, limits: ZipLimits): Promise<OpenedZip> {
  // Said whole: through expected() a reason over 80 characters was cut with "...".
  const unreadable = (
    err: unknown,
    why: { detail: string; hint: string; cutShort: boolean; notZip?: NotZipKind },
  ) =>
    new VbulkError(
      "ZIP_UNSAFE",
      `Expected a readable ZIP archive for ${zipPath} but received ${why.detail}`,
      {
        hint: why.hint,
        // As data for the review page: a ZIP cut short (an unfinished download) is told apart from a damaged one.
        // and a file that is no ZIP at all from both, with what it is when its first bytes tell.
        context: { cutShort: why.cutShort, ...(why.notZip ? { notZipKind: why.notZip } : {}) },
        cause: err,
      },
    );
  // Loaded for a ZIP only: a folder's ingest never needs it.
  const { default: yauzlLib } = await import("yauzl");
  const zip = await yauzlLib
    .openPromise(zipPath, { lazyEntries: true, decodeStrings: false, autoClose: false })
    .catch(async (err: unknown) => {
      throw unreadable(err, await zipRefusal(zipPath, err));
    });
  try {
    const maxEntries = limits.maxFiles * 20 + 1000;
    if (zip.entryCount > maxEntries) {
      throw new VbulkError(
        "ZIP_TOO_LARGE",
        expected(`at most ${maxEntries} entries`, zipPath, `${zip.entryCount} entries`),
        {
          hint: "This is not a folder of photos. Check the file, or unzip it yourself and ingest the folder.",
          context: { exceeded: "entries", max: maxEntries, found: zip.entryCount },
        },
      );
    }
    const skipped: SkippedFile[] = [];
    const planned: PlannedEntry[] = [];
    const names = new Set<string>();
    let total = 0;
    let index = 0;
    try {
      // Every name first: whether the archive's names without an encoding are CP437 or CP850 is decided from all
      // of them (namesInCp850).
      const read: { entry: yauzl.Entry; raw: Buffer; name: string; oem: boolean }[] = [];
      for await (const entry of zip.eachEntry()) {
        index++;
        const raw = entry.fileNameRaw as unknown as Buffer;
        const utf8 = namesUtf8(raw);
        // yauzl honours the flag and the Info-ZIP Unicode Path extra field (0x7075, checked against the name's
        // CRC), and reads any other name as CP437; a name that is UTF-8 by its bytes is read as UTF-8 (namesUtf8).
        const name = yauzlLib.getFileNameLowLevel(
          utf8 ? entry.generalPurposeBitFlag | UTF8_NAMES : entry.generalPurposeBitFlag,
          raw,
          entry.extraFields,
          false,
        );
        const oem =
          !utf8 && !(entry.generalPurposeBitFlag & UTF8_NAMES) && !hasUnicodePath(entry.extraFields, raw);
        read.push({ entry, raw, name, oem });
      }
      const oemNames = read.filter((r) => r.oem);
      const cp850 = namesInCp850(oemNames.map((r) => ({ raw: r.raw, cp437: r.name })));
      for (const { entry, raw, name: cp437OrUnicode, oem } of read) {
        const name = cp850 && oem ? decodeCp850(raw) : cp437OrUnicode;
        const shown = printable(name);
        if (name.endsWith("/")) continue;
        if (hasControlCharacter(name)) {
          skipped.push({
            file: shown,
            reason: "unsafe-path",
            detail: "control character (NUL, escape, newline) in the name",
          });
          continue;
        }
        // The ZIP reader takes `a:b.jpg` for a drive letter, yet it is a Mac name (Finder stores a typed `/` as `:`),
        // extracted as `a_b.jpg`. A name on a drive's root (`C:/…`) is still refused.
        const unsafe = yauzlLib.validateFileName(/^[a-zA-Z]:[^/]/.test(name) ? windowsSafeName(name) : name);
        if (unsafe) {
          skipped.push({ file: shown, reason: "unsafe-path", detail: unsafe });
          continue;
        }
        const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
        if (mode === S_IFLNK) {
          skipped.push({ file: shown, reason: "symlink" });
          continue;
        }
        // As it is extracted: `x.jpg.` is the photo `x.jpg` on Windows, and is extracted so everywhere.
        const reason = classifyPath(windowsSafeName(name), limits.imageExtensions);
        if (reason) {
          if (isEarlierRunFile(name))
            skipped.push({ file: shown, reason: "earlier-run", detail: EARLIER_RUN_DETAIL });
          else if (reason !== "vbulk-output") skipped.push({ file: shown, reason });
          continue;
        }
        if (entry.isEncrypted()) {
          skipped.push({
            file: shown,
            reason: "unsupported-entry",
            detail: "encrypted (password-protected)",
          });
          continue;
        }
        if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
          const method = METHODS[entry.compressionMethod] ?? `method ${entry.compressionMethod}`;
          skipped.push({
            file: shown,
            reason: "unsupported-entry",
            detail: `compressed with ${method}; only stored and deflate entries can be read (re-create the ZIP with default settings)`,
          });
          continue;
        }
        if (names.has(name)) {
          skipped.push({
            file: shown,
            reason: "duplicate-name",
            detail: "an earlier entry has the same name; the first one is kept",
          });
          continue;
        }
        names.add(name);
        // Every entry, whatever its size: 450 entries of 1 MiB of zeros are as much a bomb as one of 450 MiB. Before
        // the size limit, so that a bomb over 64 MiB is refused as one, not skipped as a large photo (exit 3).
        const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
        if (ratio > limits.maxCompressionRatio) {
          throw new VbulkError(
            "ZIP_TOO_LARGE",
            expected(
              `a compression ratio of at most ${limits.maxCompressionRatio}`,
              `${zipPath} entry ${shown}`,
              `${Math.round(ratio)}`,
            ),
            {
              hint: "Photos do not compress like this: the archive looks like a zip bomb. Nothing was extracted.",
              context: {
                exceeded: "ratio",
                max: limits.maxCompressionRatio,
                ratio: Math.round(ratio),
                entry: shown,
              },
            },
          );
        }
        if (entry.uncompressedSize > limits.maxFileBytes) {
          skipped.push({
            file: shown,
            reason: "too-large",
            detail: `${entry.uncompressedSize} bytes > ${limits.maxFileBytes}`,
          });
          continue;
        }
        total += entry.uncompressedSize;
        if (total > limits.maxTotalBytes) {
          throw new VbulkError(
            "ZIP_TOO_LARGE",
            expected(`at most ${limits.maxTotalBytes} bytes uncompressed`, zipPath, `more than that`),
            {
              hint: "Nothing was extracted. Split the archive, or raise the limit in the config file (sources.maxTotalBytes).",
              context: { exceeded: "total", max: limits.maxTotalBytes },
            },
          );
        }
        planned.push({ entry, rel: name });
      }
    } catch (err) {
      if (err instanceof VbulkError) throw err;
      throw unreadable(err, {
        detail: `a damaged central directory at entry ${index + 1} (${printable(messageOf(err))})`,
        hint: REMAKE_HINT,
        cutShort: CUT_SHORT.test(messageOf(err)),
      });
    }
    const extractedAs = distinctSafeNames(planned.map((p) => p.rel));
    for (const [i, p] of planned.entries()) {
      const rel = extractedAs[i]!;
      if (rel !== p.rel) {
        p.zipName = p.rel;
        p.rel = rel;
      }
    }
    // A name that is a file in one entry and a folder in another ("a.jpg" and "a.jpg/b.jpg", or "A.JPG/b.jpg", one
    // folder on Windows and macOS): keep the file.
    const fileNames = new Set(planned.map((p) => foldedName(p.rel)));
    const clashing = planned.filter(({ rel }) => {
      const parts = rel.split("/");
      for (let i = 1; i < parts.length; i++)
        if (fileNames.has(foldedName(parts.slice(0, i).join("/")))) return true;
      return false;
    });
    for (const c of clashing)
      skipped.push({
        file: printable(c.zipName ?? c.rel),
        reason: "name-clash",
        detail: "its folder is also a file in the archive",
      });
    const toExtract = planned.filter((p) => !clashing.includes(p));
    if (toExtract.length > limits.maxFiles) {
      throw new VbulkError(
        "TOO_MANY_FILES",
        expected(`at most ${limits.maxFiles} photos`, zipPath, `${toExtract.length} photos`),
        {
          hint: "Split the archive, or raise the limit with --max-files N (env BULK_MAX_FILES). Nothing was extracted.",
          context: { found: toExtract.length, limit: limits.maxFiles, zip: true },
        },
      );
    }

    // By name: checkSameSource asks for up to every entry, one at a time.
    const entryOf = new Map(toExtract.map((p) => [p.rel, p]));
    return {
      photos: toExtract.length,
      skipped,
      names: toExtract.map((p) => p.rel),
      sha256: async (rel) => {
        const planned = entryOf.get(rel);
        if (!planned) return null;
        try {
          const hash = createHash("sha256");
          for await (const chunk of await zip.openReadStreamPromise(planned.entry))
            hash.update(chunk as Buffer);
          return hash.digest("hex");
        } catch {
          return null;
        }
      },
      extract: (workDir, signal, onEntry) =>
        extractEntries(zip, zipPath, toExtract, skipped, workDir, signal, onEntry),
      close: () => zip.close(),
    };
  } catch (err) {
    zip.close();
    throw err;
  }
}

async function extractEntries(
  zip: yauzl.ZipFile,
  zipPath: string,
  toExtract: PlannedEntry[],
  skippedBefore: readonly SkippedFile[],
  workDir: string,
  signal?: AbortSignal,
  onEntry?: (done: number, total: number) => void,
): Promise<ScanResult> {
  const skipped = [...skippedBefore];
  const root = resolve(workDir);
  await mkdir(root, { recursive: true }).catch((err: unknown) => {
    throw fileSystemError(err, root, "create the work folder");
  });
  await removeDeadParts(root, toExtract);
  const memoPath = join(root, STATE_DIR, EXTRACTED_FILE);
  const memo = await readMemo(memoPath);
  const files: SourceFile[] = [];
  const extractedNow: string[] = [];
  let extracted = 0;
  let reused = 0;
  try {
    for (const [done, { entry, rel, zipName }] of toExtract.entries()) {
      signal?.throwIfAborted();
      onEntry?.(done, toExtract.length);
      const dest = resolve(root, rel);
      const shown = printable(zipName ?? rel);
      // validateFileName already refuses `..` and absolute paths; this is the second lock on the same door.
      if (!dest.startsWith(root + sep)) {
        skipped.push({ file: shown, reason: "unsafe-path", detail: "resolves outside the work folder" });
        continue;
      }
      if (await hasSymlinkOnPath(root, dest)) {
        skipped.push({
          file: shown,
          reason: "unsafe-path",
          detail: "a symlink in the work folder is on its path",
        });
        continue;
      }
      const existing = await lstat(dest).catch(() => null);
      const known = memo[rel];
      if (
        existing?.isFile() &&
        known &&
        existing.size === entry.uncompressedSize &&
        known.size === existing.size &&
        known.mtimeMs === existing.mtimeMs &&
        known.crc32 === entry.crc32
      ) {
        reused++;
        files.push({ path: dest, rel, size: entry.uncompressedSize, ...(zipName ? { zipName } : {}) });
        continue;
      }
      const failure = await extractEntry(zip, entry, dest, signal);
      if (failure) {
        skipped.push({ file: shown, reason: "bad-entry", detail: failure });
        continue;
      }
      extractedNow.push(dest);
      const st = await lstat(dest);
      memo[rel] = { crc32: entry.crc32, size: st.size, mtimeMs: st.mtimeMs };
      extracted++;
      files.push({ path: dest, rel, size: entry.uncompressedSize, ...(zipName ? { zipName } : {}) });
    }
  } catch (err) {
    // Interrupted: keep what was extracted (the next run reuses it). Refused: remove what was made for nothing.
    if (!signal?.aborted) for (const f of extractedNow) await rm(f, { force: true });
    else await writeJsonAtomic(memoPath, { schemaVersion: 1, entries: memo }).catch(() => {});
    throw err;
  }
  if (extracted > 0)
    await writeJsonAtomic(memoPath, { schemaVersion: 1, entries: memo }).catch((err: unknown) => {
      throw fileSystemError(err, memoPath, "write");
    });
  onEntry?.(toExtract.length, toExtract.length);
  files.sort((a, b) => naturalCompare(a.rel, b.rel));
  skipped.sort((a, b) => naturalCompare(a.file, b.file));
  return { root, files, skipped, zip: { path: resolve(zipPath), extracted, reused } };
}

/**
 * Extracts one entry through a short temp name in its folder (a 255-byte name plus a suffix would be too long),
 * checking the CRC-32 on the way. Returns null when done, or why the entry could not be extracted (the temp file
 * is removed). Throws on interruption and on a full or read-only disk (NO_SPACE / NOT_WRITABLE).
 */
async function extractEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  dest: string,
  signal?: AbortSignal,
): Promise<string | null> {
  const tmp = join(dirname(dest), `.vbulk-${process.pid}-${randomBytes(4).toString("hex")}.part`);
  try {
    const st = await lstat(dirname(dest)).catch(() => null);
    if (st && !st.isDirectory()) return "its folder is a file in the work folder";
    await mkdir(dirname(dest), { recursive: true });
    const stream = await zip.openReadStreamPromise(entry);
    let crc = 0;
    const check = new Transform({
      transform(chunk: Buffer, _enc, done) {
        crc = crc32(chunk, crc);
        done(null, chunk);
      },
    });
    await pipeline(stream, check, createWriteStream(tmp, { flags: "wx" }), { signal });
    if (crc >>> 0 !== entry.crc32 >>> 0) {
      await rm(tmp, { force: true });
      return "CRC-32 mismatch: the archive is damaged (copy or download it again)";
    }
    const there = await lstat(dest).catch(() => null);
    if (there?.isDirectory()) {
      await rm(tmp, { force: true });
      return "a folder of the same name is in the work folder";
    }
    await renameRetrying(tmp, dest);
    return null;
  } catch (err) {
    await rm(tmp, { force: true });
    if (signal?.aborted) throw err;
    const env = fileSystemError(err, dest, "extract");
    if (env instanceof VbulkError && (env.code === "NO_SPACE" || /read-only|permission/.test(env.message)))
      throw env;
    // A ZIP made on macOS allows 255 UTF-16 characters per name: 130 accented letters are 260 bytes here.
    if ((err as NodeJS.ErrnoException).code === "ENAMETOOLONG") return nameTooLong(dest);
    return `could not be extracted: ${printable(messageOf(err))}`;
  }
}

/** Why an entry whose name the file system refuses was not extracted, and what to do. */
function nameTooLong(dest: string): string {
  const longest = Math.max(...dest.split(sep).map((part) => Buffer.byteLength(part)));
  return (
    `its name is too long for this file system (${longest} bytes in one name; most allow 255): give the photo a ` +
    "shorter name in the ZIP (or before making the ZIP again), then run again"
  );
}

/** extractEntry's temp names: `.vbulk-PID-HEX.part`. */
const PART_NAME = /^\.vbulk-(\d+)-[0-9a-f]{8}\.part$/;

/**
 * Removes the temp files an extraction killed mid-entry left (kill -9, a power cut): hidden, up to 64 MiB each,
 * they stayed in the work folder for good. Only vbulk's exact names whose process is gone (or whose pid is now
 * another process's) are removed, in the folders this extraction writes to. Best effort: never throws.
 */
async function removeDeadParts(root: string, entries: readonly PlannedEntry[]): Promise<void> {
  const folders = new Set([root, ...entries.map((e) => dirname(resolve(root, e.rel)))]);
  for (const dir of folders) {
    // Never outside the work folder, nor through a link in it.
    if (dir !== root && (!dir.startsWith(root + sep) || (await hasSymlinkOnPath(root, join(dir, "x")))))
      continue;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const pid = PART_NAME.exec(name)?.[1];
      if (!pid || Number(pid) === process.pid) continue;
      const st = await lstat(join(dir, name)).catch(() => null);
      if (!st?.isFile() || (await stillRuns(Number(pid), st.mtime.toISOString()))) continue;
      await rm(join(dir, name), { force: true }).catch(() => {});
    }
  }
}

async function readMemo(path: string): Promise<Record<string, ExtractedRecord>> {
  try {
    const data = JSON.parse(await readFile(path, "utf8")) as { entries?: Record<string, ExtractedRecord> };
    const out: Record<string, ExtractedRecord> = Object.create(null);
    for (const [k, v] of Object.entries(data.entries ?? {}))
      if (Number.isInteger(v?.crc32) && Number.isInteger(v?.size) && typeof v?.mtimeMs === "number")
        out[k] = v;
    return out;
  } catch {
    return Object.create(null);
  }
}

async function hasSymlinkOnPath(root: string, dest: string): Promise<boolean> {
  let dir = dirname(dest);
  while (dir.length > root.length) {
    const st = await lstat(dir).catch(() => null);
    if (st?.isSymbolicLink()) return true;
    dir = dirname(dir);
  }
  const st = await lstat(dest).catch(() => null);
  return st?.isSymbolicLink() === true;
}
