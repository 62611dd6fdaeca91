import { constants } from "node:fs";
import { access, mkdir, open, readdir, readFile, realpath, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { z } from "zod";
import { writeJsonAtomic } from "../core/atomic.js";
import { fileSystemError, VbulkError } from "../core/errors.js";
import { sha256File } from "../core/hash.js";
import { cacheDirHint, copyModelHint } from "../core/os-words.js";
import { PACKAGE_ROOT } from "../core/paths.js";
import { andList, shellWord, vbulkAs } from "../core/text.js";
import { readJsonFile, readJsonFileIfAny } from "../store/read.js";

/** The manifest every model folder can carry (vbulk-model.json) and every downloadable model has (models/manifests/*.json). */
export const ManifestSchema = z.object({
  schemaVersion: z.literal(1),
  name: z.string().min(1),
  description: z.string().optional(),
  family: z.literal("clip"),
  repo: z.string().optional(),
  revision: z.string().optional(),
  embeddingSize: z.number().int().positive(),
  /** CLIP's learned temperature: logits = logitScale * cosine (100 for OpenAI CLIP). */
  logitScale: z.number().positive().default(100),
  /** Cut-offs of the fixed-threshold grouping methods (opt-in: --grouping agglomerative|dbscan) that fit this model's
   *  embeddings; the default grouping sets its cut from each batch. Config overrides. */
  thresholds: z
    .object({
      grouping: z
        .object({
          linkageCut: z.number().gt(0).max(2),
          eps: z.number().gt(0).max(2),
        })
        .partial()
        .strict(),
      why: z.string(),
    })
    .partial()
    .strict()
    .optional(),
  vision: z.string().min(1),
  text: z.string().min(1),
  files: z
    .array(
      z.object({
        path: z.string().min(1),
        size: z.number().int().nonnegative().nullable(),
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .nullable(),
      }),
    )
    .min(1),
  note: z.string().optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export const LOCAL_MANIFEST = "vbulk-model.json";
/** The files a CLIP folder needs besides the two encoders (Hugging Face layout). */
export const CLIP_SIDE_FILES = ["tokenizer.json", "tokenizer_config.json", "preprocessor_config.json"];

const MODELS_DIR = join(PACKAGE_ROOT, "models", "manifests");
export const DEFAULT_MODEL = "clip-vit-base-patch32";
export const DEFAULT_BASE_URL = "https://huggingface.co";

/** Lists the models vbulk knows how to download (models/manifests/*.json). */
export async function listManifests(): Promise<Manifest[]> {
  const names = (await readdir(MODELS_DIR)).filter((f) => f.endsWith(".json")).sort();
  return Promise.all(
    names.map((n) => readJsonFile(join(MODELS_DIR, n), ManifestSchema, "model manifest", "Reinstall vbulk.")),
  );
}

/** The manifest of a downloadable model by name. Throws NOT_FOUND naming the known ones. */
export async function loadManifest(name: string): Promise<Manifest> {
  const all = await listManifests();
  const m = all.find((x) => x.name === name);
  if (!m) {
    throw new VbulkError(
      "NOT_FOUND",
      `Expected one of ${all.map((x) => x.name).join(", ")} for --model but received "${name}"`,
      {
        hint: "`vbulk models list` shows the models vbulk can download.",
      },
    );
  }
  return m;
}

/** Where downloaded models live: VBULK_CACHE_DIR, else ~/.cache/vbulk/models (XDG_CACHE_HOME honoured). */
export function modelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VBULK_CACHE_DIR) return resolve(env.VBULK_CACHE_DIR, "models");
  return join(
    env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), ".cache"),
    "vbulk",
    "models",
  );
}

/** What to do when vbulk's cache folder cannot be made: said by every message about it. */
export const CACHE_HINT = cacheDirHint();

/**
 * Creates `dir` (a folder in vbulk's cache) if it is not there. Never under a home folder that does not exist
 * (HOME=/nonexistent, the home of system users such as `nobody`): as root, mkdir -p made /nonexistent/.cache.
 * Throws NOT_WRITABLE (or NO_SPACE) naming the folder, with CACHE_HINT, when it cannot be made.
 */
export async function makeCacheFolder(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!env.VBULK_CACHE_DIR && !env.XDG_CACHE_HOME) {
    const home = homedir();
    const inHome = !relative(home, dir).startsWith("..");
    if (inHome && !(await stat(home).catch(() => null))?.isDirectory())
      throw new VbulkError(
        "NOT_WRITABLE",
        `Expected a home folder to keep vbulk's cache in but ${home} (HOME) does not exist: could not create ${dir}`,
        { hint: CACHE_HINT },
      );
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw fileSystemError(await whyNotCreated(err, dir), dir, "create the cache folder", CACHE_HINT);
  }
}

/**
 * The error to report for a folder mkdir -p could not make. On a read-only file system (docker --read-only, a
 * read-only home) Node's recursive mkdir says ENOENT, not EROFS, which ended as an "unexpected" error: the deepest
 * folder that exists is asked whether it can be written in, and its answer (EROFS, EACCES) is the error.
 */
async function whyNotCreated(err: unknown, dir: string): Promise<unknown> {
  if ((err as NodeJS.ErrnoException | null)?.code !== "ENOENT") return err;
  let parent = dirname(dir);
  while (!(await stat(parent).catch(() => null)) && dirname(parent) !== parent) parent = dirname(parent);
  const denied = await access(parent, constants.W_OK).then(
    () => null,
    (e: unknown) => e,
  );
  // Writable, yet mkdir failed there (a folder such as /proc): said as a folder it may not write in.
  return denied ?? Object.assign(new Error(`cannot create folders in ${parent}`), { code: "EACCES" });
}

/** Reads DIR/vbulk-model.json if there is one. Throws BAD_INPUT naming the field when it is malformed. */
export async function readLocalManifest(dir: string): Promise<Manifest | null> {
  return readJsonFileIfAny(
    join(dir, LOCAL_MANIFEST),
    ManifestSchema,
    "Fix it, or re-create it with `vbulk models manifest DIR`.",
  );
}

/** The hint of a model file onnxruntime cannot load, for the cached model (select.ts gives --model-dir its own).
 *  Here, not in onnx.ts: importing onnx.ts loads onnxruntime. */
export const CACHED_MODEL_HINT = "Run `vbulk models verify` and `vbulk models pull` to fetch it again.";

/** What to do with a model folder this user cannot write in (a shared folder, a read-only mount). */
export const READ_ONLY_MODEL_HINT = copyModelHint();

/** Writes DIR/vbulk-model.json atomically. Throws NOT_WRITABLE (exit 2) / NO_SPACE naming the file when the
 *  folder refuses it (a read-only or shared model folder). */
export async function writeLocalManifest(dir: string, manifest: Manifest): Promise<string> {
  const path = join(dir, LOCAL_MANIFEST);
  try {
    await writeJsonAtomic(path, ManifestSchema.parse(manifest));
  } catch (err) {
    throw fileSystemError(err, path, "write", READ_ONLY_MODEL_HINT);
  }
  return path;
}

export { sha256File } from "../core/hash.js";

/** Where sha256 of large files are remembered, by path, size, mtime and inode: beside the model cache. */
export function hashMemoPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(modelCacheDir(env)), "file-hashes.json");
}

const HashMemoSchema = z.object({
  schemaVersion: z.literal(1),
  files: z.record(
    z.string(),
    z.object({
      size: z.number().int().nonnegative(),
      mtimeMs: z.number(),
      ino: z.number(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});
let hashMemo: Promise<z.infer<typeof HashMemoSchema>["files"]> | undefined;

/**
 * sha256 of a file, remembered across runs while its size, mtime and inode stay the same: hashing 159 MB of model
 * files cost 0.7 s on every ingest. The memo lives in vbulk's own cache folder; a damaged memo is ignored.
 */
export async function sha256FileMemo(path: string): Promise<string> {
  const real = await realpath(path);
  const st = await stat(real);
  hashMemo ??= readFile(hashMemoPath(), "utf8")
    .then((t) => {
      const parsed = HashMemoSchema.safeParse(JSON.parse(t));
      return parsed.success ? parsed.data.files : {};
    })
    // A memo that is not JSON (a cut write by an older vbulk, a hand edit) is ignored too, not "unexpected".
    .catch(() => ({}));
  const files = await hashMemo;
  const known = Object.hasOwn(files, real) ? files[real] : undefined;
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs && known.ino === st.ino)
    return known.sha256;
  const sha256 = await sha256File(real);
  files[real] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 };
  await writeJsonAtomic(hashMemoPath(), { schemaVersion: 1, files }).catch(() => {});
  return sha256;
}

export type FileCheck = {
  path: string;
  state: "ok" | "missing" | "size-mismatch" | "sha-mismatch" | "unpinned" | "not-json" | "not-onnx";
  detail?: string;
};

const NOT_JSON_HINT =
  "A proxy or a Wi-Fi login page may have answered instead of the model's server. Delete that file and run `vbulk models pull` to fetch it again (for --model-dir, copy the model's own file there).";

/**
 * Parses a model's JSON file (config, tokenizer, preprocessor). Throws MODEL_CORRUPT naming the file when it is
 * not JSON, never quoting it: a web page saved in its place would be printed, and a file may hold anything.
 */
export function parseModelJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new VbulkError(
      "MODEL_CORRUPT",
      `Expected JSON in the model file ${path} but it is ${looksLikeHtml(text) ? "a web page" : "not JSON"}`,
      { hint: NOT_JSON_HINT },
    );
  }
}

function looksLikeHtml(text: string): boolean {
  return /^\s*<(!doctype|html|head|body|\?xml)/i.test(text.replace(/^\uFEFF/, ""));
}

/**
 * Whether a model's .json file starts as JSON does: a web page pinned on first use in its place would verify by its
 * hash. Reads the first bytes only (tokenizer.json is 4 MB and takes 80 ms to parse, on every ingest).
 */
async function startsAsJson(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(512), 0, 512, 0);
    const head = buffer
      .subarray(0, bytesRead)
      .toString("utf8")
      .replace(/^\uFEFF/, "")
      .trimStart();
    return head === "" ? bytesRead === 512 : head.startsWith("{") || head.startsWith("[");
  } finally {
    await handle.close();
  }
}

/**
 * Whether a model file is not the kind its name says, or is cut short: a .json that does not start and end as JSON,
 * an .onnx whose top-level protobuf fields do not start with the ONNX byte, lack the graph or run past the file's
 * end. That is what a proxy's or Wi-Fi login's page saved in its place, or a half-synced mirror's file sent with a
 * matching length, looks like. `full`: parse the whole .json too (before a file is pinned; ingest reads only its
 * ends, as tokenizer.json takes 80 ms to parse). Null when it is of its kind.
 */
export async function wrongKind(
  abs: string,
  name: string,
  opts: { full?: boolean } = {},
): Promise<{ state: "not-json" | "not-onnx"; what: string; why: string } | null> {
  if (name.endsWith(".json")) {
    const why = await jsonProblem(abs, opts.full === true);
    return why ? { state: "not-json", what: "JSON", why } : null;
  }
  if (name.endsWith(".onnx")) {
    const why = await onnxProblem(abs);
    return why ? { state: "not-onnx", what: "an ONNX model", why } : null;
  }
  return null;
}

const ELSE = "a web page or another file in its place";
/** Why a model file is not of its kind when it ends too early. */
export const CUT_SHORT = "it is cut short (a partial download or copy)";

async function jsonProblem(path: string, full: boolean): Promise<string | null> {
  if (!(await startsAsJson(path))) return ELSE;
  if (full) {
    try {
      JSON.parse(await readFile(path, "utf8"));
      return null;
    } catch {
      return CUT_SHORT;
    }
  }
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const n = Math.min(size, 512);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(n), 0, n, size - n);
    const tail = buffer.subarray(0, bytesRead).toString("latin1").trimEnd();
    return tail.endsWith("}") || tail.endsWith("]") ? null : CUT_SHORT;
  } finally {
    await handle.close();
  }
}

/**
 * Walks the top-level fields of the ONNX ModelProto (tag, then a varint, a fixed 4 or 8 bytes, or a length and that
 * many bytes): a whole model starts with field 1 (ir_version, the byte 0x08), has its graph (field 7) and ends
 * exactly where its last field does. Reads a few bytes per field, never the weights.
 */
async function onnxProblem(path: string): Promise<string | null> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    if (size === 0) return "it is empty (0 bytes)";
    const head = Buffer.alloc(20);
    let at = 0;
    let graph = false;
    for (let fields = 0; at < size; fields++) {
      // A model of 100 000 top-level fields is no export vbulk knows: leave it to onnxruntime.
      if (fields > 100_000) return null;
      const { bytesRead } = await handle.read(head, 0, head.length, at);
      const view = head.subarray(0, bytesRead);
      const tag = readVarint(view, 0);
      if (!tag) return fields === 0 ? ELSE : CUT_SHORT;
      const field = Math.floor(tag.value / 8);
      const wire = tag.value % 8;
      if (fields === 0 && view[0] !== 0x08) return ELSE;
      if (field === 7) graph = true;
      let next = at + tag.length;
      if (wire === 0) {
        const v = readVarint(view, tag.length);
        if (!v) return CUT_SHORT;
        next += v.length;
      } else if (wire === 1) next += 8;
      else if (wire === 5) next += 4;
      else if (wire === 2) {
        const len = readVarint(view, tag.length);
        if (!len) return CUT_SHORT;
        next += len.length + len.value;
      } else return fields === 0 ? ELSE : CUT_SHORT;
      if (next > size) return CUT_SHORT;
      at = next;
    }
    return graph ? null : CUT_SHORT;
  } finally {
    await handle.close();
  }
}

/** A protobuf varint at `at` in `buf`: its value and its length in bytes; null when `buf` ends inside it. */
function readVarint(buf: Buffer, at: number): { value: number; length: number } | null {
  let value = 0;
  for (let i = 0; i < 10 && at + i < buf.length; i++) {
    const byte = buf[at + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return { value, length: i + 1 };
  }
  return null;
}

/**
 * Throws BAD_INPUT (exit 2) naming each of CLIP_SIDE_FILES missing from DIR: ingest cannot load such a folder
 * (tokenizer.ts, preprocess.ts), so `models manifest` must not record it nor `models verify` call it usable.
 * `listed`: files a manifest lists, left to verifyFiles (a default model not pulled yet is "missing", exit 1).
 */
export async function requireSideFiles(dir: string, listed: readonly string[] = []): Promise<void> {
  const missing = [];
  for (const f of CLIP_SIDE_FILES.filter((f) => !listed.includes(f)))
    if (!(await stat(join(dir, f)).catch(() => null))?.isFile()) missing.push(f);
  if (!missing.length) return;
  const names = andList(missing);
  throw new VbulkError(
    "BAD_INPUT",
    `Expected the files ingest reads beside the encoders in ${dir} (${CLIP_SIDE_FILES.join(", ")}) but ${names} ${missing.length === 1 ? "is" : "are"} missing`,
    {
      hint: `Copy ${missing.length === 1 ? "it" : "them"} from the same CLIP export as the encoders (the top level of its Hugging Face repository) into ${dir}, then run \`${vbulkAs()} models manifest ${shellWord(dir)}\`; or use the default model (\`${vbulkAs()} models pull\`). Nothing was written.`,
    },
  );
}

/** Checks a folder against a manifest: presence, size, .json files that are JSON, sha256 (where the manifest pins
 *  them; memoised unless rehash). */
export async function verifyFiles(
  dir: string,
  manifest: Manifest,
  opts: { rehash?: boolean } = {},
): Promise<FileCheck[]> {
  const out: FileCheck[] = [];
  for (const f of manifest.files) {
    const abs = join(dir, f.path);
    const st = await stat(abs).catch(() => null);
    if (!st?.isFile()) {
      out.push({ path: f.path, state: "missing" });
      continue;
    }
    if (f.size !== null && st.size !== f.size) {
      out.push({ path: f.path, state: "size-mismatch", detail: `${st.size} bytes, expected ${f.size}` });
      continue;
    }
    const kind = await wrongKind(abs, f.path);
    if (kind) {
      out.push({
        path: f.path,
        state: kind.state,
        detail: `not ${kind.what}: ${kind.why}`,
      });
      continue;
    }
    if (f.sha256 === null) {
      out.push({ path: f.path, state: "unpinned" });
      continue;
    }
    // Ingest trusts the memo (same size, mtime, inode); `vbulk models verify` reads every byte again.
    const sha = opts.rehash ? await sha256File(abs) : await sha256FileMemo(abs);
    out.push(
      sha === f.sha256
        ? { path: f.path, state: "ok" }
        : {
            path: f.path,
            state: "sha-mismatch",
            detail: `sha256 ${sha.slice(0, 12)}…, expected ${f.sha256.slice(0, 12)}…`,
          },
    );
  }
  return out;
}

/**
 * Builds a manifest for a folder of local files in the Hugging Face layout (for `vbulk models manifest DIR`):
 * finds the two encoders, records every file's size and sha256, reads the embedding size from config.json.
 */
export async function manifestForFolder(dir: string, name?: string): Promise<Manifest> {
  // A mistyped folder is the user's to fix (exit 2), not an "unexpected" ENOENT from the walk below.
  const found = await stat(dir).catch(() => null);
  if (!found?.isDirectory())
    throw new VbulkError(
      "NOT_FOUND",
      `Expected a folder of model files for models manifest but found ${found ? "a file" : "nothing"} at ${dir}`,
      {
        hint: `Pass the folder that holds the CLIP files (onnx/vision_model*.onnx, onnx/text_model*.onnx, tokenizer.json)${found ? `: ${dirname(dir)}?` : "."}`,
      },
    );
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      if (e.name.startsWith(".") || e.name === LOCAL_MANIFEST) continue;
      // Symlinks are followed here: people link large model files rather than copy them.
      const st = e.isSymbolicLink() ? await stat(abs).catch(() => null) : e;
      if (st?.isDirectory()) await walk(abs);
      else if (st?.isFile()) files.push(relative(dir, abs).split(sep).join("/"));
    }
  };
  await walk(dir);
  const pick = (kind: "vision" | "text") => {
    const onnx = files.filter((f) => f.endsWith(".onnx") && f.split("/").pop()!.startsWith(`${kind}_model`));
    return onnx.find((f) => f.includes("quantized")) ?? onnx[0];
  };
  const vision = pick("vision");
  const text = pick("text");
  if (!vision || !text) {
    throw new VbulkError(
      "BAD_INPUT",
      `Expected vision_model*.onnx and text_model*.onnx in ${dir} but found ${files.filter((f) => f.endsWith(".onnx")).join(", ") || "no .onnx file"}`,
      {
        hint: "Point at a CLIP export in the Hugging Face layout (onnx/vision_model_quantized.onnx, onnx/text_model_quantized.onnx, tokenizer.json, preprocessor_config.json).",
      },
    );
  }
  const configPath = join(dir, "config.json");
  const config = parseModelJson(await readFile(configPath, "utf8").catch(() => "{}"), configPath) as {
    projection_dim?: number;
  };
  const keep = [
    vision,
    text,
    ...CLIP_SIDE_FILES.filter((f) => files.includes(f)),
    ...(files.includes("config.json") ? ["config.json"] : []),
  ];
  const entries = [];
  for (const f of keep)
    entries.push({
      path: f,
      size: (await stat(join(dir, f))).size,
      sha256: await sha256FileMemo(join(dir, f)),
    });
  return {
    schemaVersion: 1,
    name: name ?? dir.split(sep).filter(Boolean).pop() ?? "local-clip",
    family: "clip",
    embeddingSize: config.projection_dim ?? 512,
    logitScale: 100,
    vision,
    text,
    files: entries,
  };
}
