import { randomBytes } from "node:crypto";
import { lstat, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import type { Config } from "../core/config.js";
import { expected, fileSystemError, messageOf, VbulkError } from "../core/errors.js";
import type { NoPhotoKind } from "../core/events.js";
import { sha256File } from "../core/hash.js";
import { outExample } from "../core/os-words.js";
import { nearestFolder } from "../core/paths.js";
import { printable } from "../core/text.js";
import { STATE_DIR } from "../sources/classify.js";
import { scanFolder } from "../sources/folder.js";
import type { ScanResult, SkippedFile } from "../sources/types.js";
import { openZip, workFolderFor } from "../sources/zip.js";
import { refuseStateInWay } from "../store/state-dir.js";

/** The photo formats vbulk reads, as the messages name them (core/defaults.ts sources.imageExtensions). */
const PHOTO_FORMATS = "JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC";

/** Where the photos come from and where the results go. */
export interface ResolvedSource {
  /** The folder or .zip, absolute. */
  source: string;
  isZip: boolean;
  /** The photos' folder (for a ZIP, its work folder). */
  root: string;
  /** Where catalog.json and .vbulk/ go. */
  outDir: string;
}

/**
 * Checks the photo source exists and is a folder (a symlink to one is fine: the user chose it) or a .zip.
 * Throws VbulkError (NOT_FOUND, BAD_INPUT).
 */
export async function resolveSource(given: string, outDir?: string): Promise<ResolvedSource> {
  const source = resolve(given);
  const sourceStat = await stat(source).catch((err: unknown) => {
    const env = fileSystemError(err, source, "read");
    if (env instanceof VbulkError) throw env;
    return null;
  });
  if (!sourceStat) {
    throw new VbulkError("NOT_FOUND", expected("a folder or a .zip file", "the photo source", given), {
      hint: `Check the path: the nearest folder that exists is ${printable(await nearestFolder(source))}. Example: \`vbulk ingest ./photos\` or \`vbulk ingest ./photos.zip\`.`,
    });
  }
  const isZip = sourceStat.isFile();
  if ((isZip && extname(source).toLowerCase() !== ".zip") || (!isZip && !sourceStat.isDirectory())) {
    throw new VbulkError("BAD_INPUT", expected("a folder or a .zip file", "the photo source", given), {
      hint: "Put the photos in a folder (or a ZIP) and pass that.",
    });
  }
  return {
    source,
    isZip,
    root: isZip ? zipWorkFolder(source, outDir) : source,
    outDir: resolve(outDir ?? (isZip ? workFolderFor(source) : source)),
  };
}

/**
 * Where a ZIP's photos are extracted: next to it (`photos.zip` → `photos.vbulk/`), or with --out DIR inside DIR
 * (`DIR/photos.vbulk/`), so that a ZIP in a read-only folder (a mount, someone else's downloads) can be ingested
 * by passing --out, as the "could not write" hint says. DIR is the work folder itself when it is the default one
 * (the review page passes it).
 */
function zipWorkFolder(zip: string, outDir: string | undefined): string {
  const beside = workFolderFor(zip);
  if (outDir === undefined || resolve(outDir) === beside) return beside;
  return join(resolve(outDir), basename(beside));
}

/**
 * Checks, before any work, that the results can be written: the output folder (or the nearest folder above it
 * that exists) is a folder and writable, and its `.vbulk` is a real folder, not a file or a planted symlink.
 * Writes nothing that stays (one probe file, removed at once). Throws NOT_WRITABLE / NO_SPACE naming the folder.
 */
export async function checkOutput(outDir: string, flag: boolean, hint?: string): Promise<void> {
  // Linux's PATH_MAX is 4096 bytes; the longest name vbulk writes inside is ~60 more.
  if (Buffer.byteLength(outDir) > 4096 - 64) {
    throw new VbulkError(
      "NOT_WRITABLE",
      `The path is too long for this system: ${printable(outDir.slice(0, 60))}…`,
      {
        hint: "Move the photos to a folder with a shorter path, or pass --out DIR with a short path.",
      },
    );
  }
  let dir = outDir;
  for (;;) {
    const st = await stat(dir).catch(() => null);
    if (st && !st.isDirectory()) {
      throw new VbulkError(
        "NOT_WRITABLE",
        expected("a folder", flag ? "--out" : "the output folder", printable(dir)),
        { hint: "That is a file. Pass --out with a folder (it is created if it does not exist)." },
      );
    }
    if (st) break;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (dir === outDir) {
    const state = join(outDir, STATE_DIR);
    refuseStateInWay(state, await lstat(state).catch(() => null));
  }
  const probe = join(dir, `.vbulk-probe-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await writeFile(probe, "", { flag: "wx" });
  } catch (err) {
    const known = fileSystemError(err, dir, "write in", hint);
    if (known !== err) throw known;
    // A file system that takes no new file and says so in no usual way (/proc: ENOENT) ended as an unexpected error.
    const code = (err as NodeJS.ErrnoException | null)?.code ?? messageOf(err);
    const where = flag ? "--out" : "the output folder";
    throw new VbulkError(
      "NOT_WRITABLE",
      dir === outDir
        ? `Expected a folder vbulk can write in for ${where} but no file can be created in ${printable(dir)} (${code})`
        : `Expected a folder vbulk can create for ${where} but ${printable(outDir)} cannot be created (${code} in ${printable(dir)})`,
      {
        hint:
          hint ??
          `Pass --out with a folder on an ordinary disk, e.g. --out ${outExample()} (it is created if it does not exist).`,
        context: { path: printable(outDir), osError: code, reading: false },
        cause: err,
      },
    );
  } finally {
    await rm(probe, { force: true });
  }
}

/** The photos of a source, found and checked, not yet extracted (a ZIP). */
export interface OpenedPhotos {
  /** How many photos there are (for a ZIP: entries to extract; some may turn out damaged). */
  readonly photos: number;
  readonly skipped: number;
  /** The photos' paths inside the source (a folder's, relative to it; a ZIP's entry names). */
  readonly names: readonly string[];
  /** The sha256 of one of them, writing nothing (a ZIP's entry inflated in memory); null when it cannot be read. */
  sha256(name: string): Promise<string | null>;
  /** The photos, a ZIP's extracted into its work folder first (`onEntry` tells how far). */
  collect(signal?: AbortSignal, onEntry?: (done: number, total: number) => void): Promise<ScanResult>;
  close(): void;
}

/**
 * Finds the photos, writing nothing: lists a folder, or reads a ZIP's central directory and checks it against the
 * limits (sources/zip.ts openZip). The caller closes it. Throws VbulkError for an unreadable folder or ZIP, a zip
 * bomb, too many photos, or not one photo.
 */
export async function openPhotos(src: ResolvedSource, given: string, config: Config): Promise<OpenedPhotos> {
  if (!src.isZip) {
    const scan = checkSome(
      await scanFolder(src.source, config.sources),
      given,
      false,
      config.sources.maxFileBytes,
    );
    const pathOf = new Map(scan.files.map((f) => [f.rel, f.path]));
    return {
      photos: scan.files.length,
      skipped: scan.skipped.length,
      names: scan.files.map((f) => f.rel),
      sha256: async (rel) => {
        const path = pathOf.get(rel);
        return path ? sha256File(path).catch(() => null) : null;
      },
      collect: async () => scan,
      close: () => {},
    };
  }
  const zip = await openZip(src.source, config.sources);
  if (zip.photos === 0) {
    zip.close();
    throw noPhoto(given, zip.skipped, true, config.sources.maxFileBytes);
  }
  return {
    photos: zip.photos,
    skipped: zip.skipped.length,
    names: zip.names,
    sha256: (name) => zip.sha256(name),
    collect: async (signal, onEntry) =>
      checkSome(await zip.extract(src.root, signal, onEntry), given, true, config.sources.maxFileBytes),
    close: () => zip.close(),
  };
}

/** Throws BAD_INPUT when there is no photo at all. */
function checkSome(scan: ScanResult, given: string, isZip = false, maxFileBytes?: number): ScanResult {
  if (scan.files.length === 0) throw noPhoto(given, scan.skipped, isZip, maxFileBytes);
  return scan;
}

/** What a skipped file is, in a seller's words, with the advice that goes with it when nothing else was found. */
interface SkipKind {
  /** The kind as data, for the review page's words (src/review/ingest.ts toPageFailure). */
  id: NoPhotoKind;
  one: string;
  many: string;
  hint: string;
}

/** The kind of a skipped file: noPhoto counts them and gives the first found's hint (encrypted first). */
function skipKind(s: SkippedFile, isZip: boolean, given: string): SkipKind {
  const remake = isZip
    ? "Re-create the ZIP from the photos' folder (most file managers: right-click → Compress), or unzip it yourself and run `vbulk ingest FOLDER`."
    : "Point vbulk at the folder that holds the photos themselves.";
  switch (s.reason) {
    case "unsupported-entry":
      return s.detail?.startsWith("encrypted")
        ? {
            id: "encrypted",
            one: "password-protected (encrypted) entry",
            many: "password-protected (encrypted) entries",
            hint: `vbulk cannot open a password-protected ZIP. Unzip it yourself with its password (double-click it, or \`unzip ${printable(given)}\`, which asks for it), then run \`vbulk ingest FOLDER\` on the folder it made.`,
          }
        : {
            id: "compression",
            one: "entry compressed in a way vbulk cannot read",
            many: "entries compressed in a way vbulk cannot read",
            hint: `${s.detail ?? "an unsupported compression"}. Re-create the ZIP with your file manager's default settings (right-click → Compress), or unzip it yourself and run \`vbulk ingest FOLDER\`.`,
          };
    case "unsafe-path":
      return {
        id: "unsafe-name",
        one: "entry with an unsafe name",
        many: "entries with unsafe names",
        hint: `Names that leave the folder (../, absolute paths) or hold control characters are never written, such as ${printable(s.file)}. A file manager does not make such an archive: check where it comes from. ${remake}`,
      };
    case "too-large":
      return {
        id: "too-large",
        one: "file over the size limit",
        many: "files over the size limit",
        hint: `${printable(s.file)}: ${s.detail ?? "too large"}. Shrink the photos, or raise sources.maxFileBytes in the config file.`,
      };
    case "macos-metadata":
      return {
        id: "macos-metadata",
        one: "macOS metadata file (__MACOSX)",
        many: "macOS metadata files (__MACOSX)",
        hint: `Only macOS's own metadata is there, not the photos themselves. ${remake}`,
      };
    case "bad-entry":
    case "unreadable":
    case "duplicate-name":
    case "name-clash":
      return {
        id: "unreadable",
        one: "file that could not be read",
        many: "files that could not be read",
        hint: `${printable(s.file)}: ${s.detail ?? s.reason}. ${isZip ? "Copy or download the ZIP again" : "Copy the photos again"}, then run the same command again.`,
      };
    case "symlink":
      return {
        id: "symlink",
        one: "symbolic link",
        many: "symbolic links",
        hint: `vbulk never follows a symbolic link inside the source. ${remake}`,
      };
    default:
      return {
        id: "not-photo",
        one: "file that is not a photo",
        many: "files that are not photos",
        hint: isZip ? remake : "Point vbulk at the folder that holds the photos themselves.",
      };
  }
}

/**
 * The "no photo" error, saying what was found instead (encrypted entries, macOS metadata, unsafe names…) and what
 * to do about the most telling of it: a password-protected ZIP is no reason to look for another folder.
 */
function noPhoto(
  given: string,
  skipped: readonly SkippedFile[],
  isZip: boolean,
  maxFileBytes?: number,
): VbulkError {
  const kinds = new Map<SkipKind["one"], { kind: SkipKind; n: number }>();
  for (const s of skipped.filter((f) => f.reason !== "vbulk-output")) {
    const kind = skipKind(s, isZip, given);
    const seen = kinds.get(kind.one);
    if (seen) seen.n++;
    else kinds.set(kind.one, { kind, n: 1 });
  }
  const found = [...kinds.values()];
  const received = found.length
    ? found.map(({ kind, n }) => `${n} ${n === 1 ? kind.one : kind.many}`).join(", ")
    : isZip
      ? "an empty archive"
      : "an empty folder";
  // The encrypted entries first: the password is what stands between the seller and every other entry too.
  const lead = found.find(({ kind }) => kind.one.startsWith("password")) ?? found[0];
  return new VbulkError(
    "BAD_INPUT",
    `Expected at least one photo (${PHOTO_FORMATS}) for ${printable(given)} but received ${received}`,
    {
      hint:
        lead?.kind.hint ??
        (isZip
          ? "Put the photos in the ZIP, or pass their folder."
          : "Point vbulk at the folder that holds the photos themselves."),
      // What was found instead, as data: the review page says it, and what to do, in its words.
      context: {
        noPhoto: {
          zip: isZip,
          found: found.map(({ kind, n }) => ({ kind: kind.id, n })),
          lead: lead?.kind.id ?? null,
          ...(maxFileBytes === undefined ? {} : { maxFileBytes }),
        },
      },
    },
  );
}
