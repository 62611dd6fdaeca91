import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { writeJsonAtomic } from "../core/atomic.js";
import { DEFAULTS } from "../core/defaults.js";
import { messageOf, VbulkError } from "../core/errors.js";
import { PACKAGE_ROOT } from "../core/paths.js";
import { CATEGORY_ID } from "../core/vocab.js";
import { COLOR_NAMES, type ColorName } from "../imaging/color.js";
import { type Embedder, normalize, type PhotoPixels } from "../imaging/embedder.js";
import type { Classifier } from "../ingest/index.js";
import { decodeVector, encodeVector } from "../store/cache.js";
import {
  type IssueDetail,
  issueText,
  readJsonFile,
  receivedText,
  strictKeys,
  valueAt,
} from "../store/read.js";
import { type Manifest, sha256FileMemo } from "./manifest.js";
import type { Device, Session } from "./onnx.js";
import { onnxUnavailable } from "./ort-binding.js";
import { loadPreprocessor, type Preprocessor, preprocessInto } from "./preprocess.js";
import { type ClipTokenizer, loadTokenizer } from "./tokenizer.js";

/** Where a label sits in Vinted's catalogue for one department: a leaf id (null when the evidence has none: the
 *  form picks it by path) and the path; null when Vinted has no such category in that department. */
const DepartmentLeafSchema = strictKeys({
  id: z.number().int().positive().nullable(),
  path: z.array(z.string().min(1)).min(2),
  note: z.string().optional(),
}).nullable();

const LABEL_ID_FORM = "lower-case letters, digits, spaces and dashes";

/** A prompt with words in it ("   " was accepted and embedded as nothing). */
const Prompt = z.string().refine((p) => p.trim().length > 0, "expected a prompt with words");

export const LabelSchema = strictKeys({
  id: z.string().regex(CATEGORY_ID, LABEL_ID_FORM),
  /** French name shown in listings. */
  name: z.string().min(1),
  name_en: z.string().min(1).optional(),
  /** Other names a seller may type for it (--set, price rules): a name the set used before ("Pumps"). */
  other_names: z.array(z.string().min(1)).optional(),
  prompts: z.array(Prompt).min(1),
  /** Grammatical gender and number of the French name, for adjectives that agree ("Chemise blanche"). */
  fr: strictKeys({ gender: z.enum(["m", "f"]), plural: z.boolean() }).optional(),
  group: z.enum(["clothing", "shoes", "bags", "accessories"]).optional(),
  /** Vinted's package size: 1 small, 2 medium, 3 large. */
  package_size_id: z.number().int().min(1).max(3).optional(),
  /** Whether Vinted asks a size for this category. */
  needs_size: z.boolean().optional(),
  vinted: strictKeys({
    femme: DepartmentLeafSchema.optional(),
    homme: DepartmentLeafSchema.optional(),
  }).optional(),
});
export type Label = z.infer<typeof LabelSchema>;

/** Every name a seller may write for a label, besides its id: French, English, and its other names. */
export function labelNames(l: {
  name?: string | undefined;
  name_en?: string | undefined;
  other_names?: readonly string[] | undefined;
}): string[] {
  return [l.name, l.name_en, ...(l.other_names ?? [])].filter((n): n is string => !!n);
}

/** A garment label set: English prompts for the model, names, grammar and Vinted catalogue leaves for listings.
 *  Every field added after the spec's format is optional, so a user's older label file still loads. */
export const LabelSetSchema = strictKeys({
  schemaVersion: z.literal(1),
  name: z.string().min(1),
  description: z.string().optional(),
  sources: z.array(z.string()).optional(),
  /** Prompts for the women's/men's zero-shot decision (defaults in code when absent). */
  departments: strictKeys({ femme: z.array(Prompt).min(1), homme: z.array(Prompt).min(1) }).optional(),
  labels: z.array(LabelSchema).min(2),
}).superRefine((set, ctx) => {
  const seen = new Set<string>();
  set.labels.forEach((l, i) => {
    if (seen.has(l.id))
      ctx.addIssue({ code: "custom", path: ["labels", i, "id"], message: `"${l.id}" appears twice` });
    seen.add(l.id);
  });
});
export type LabelSet = z.infer<typeof LabelSetSchema>;

/** Prompts for the women's/men's decision when the label set has none (CLIP's own prompt style). */
export const DEFAULT_DEPARTMENT_PROMPTS = {
  femme: ["a photo of women's clothing", "a photo of a garment for women"],
  homme: ["a photo of men's clothing", "a photo of a garment for men"],
};

/** The department decision as a label set of two, so it shares the zero-shot and its embedding cache. */
export function departmentLabels(labels: LabelSet): LabelSet {
  const prompts = labels.departments ?? DEFAULT_DEPARTMENT_PROMPTS;
  return {
    schemaVersion: 1,
    name: `${labels.name}-departments`,
    labels: [
      { id: "femme", name: "Femmes", prompts: prompts.femme },
      { id: "homme", name: "Hommes", prompts: prompts.homme },
    ],
  };
}

/** The English words the colour prompts use for vbulk's 12 colour names. */
export const COLOR_WORDS: Record<ColorName, string> = {
  noir: "black",
  blanc: "white",
  gris: "grey",
  bleu: "blue",
  rouge: "red",
  vert: "green",
  jaune: "yellow",
  beige: "beige",
  marron: "brown",
  rose: "pink",
  violet: "purple",
  orange: "orange",
};

/** The kind of garment a colour prompt names when the article's category is not in the label set. */
const ANY_GARMENT = { id: "", prompt: "a photo of a garment" };

/** Puts a colour word into a label's prompt: "a photo of a t-shirt" → "a photo of a white t-shirt", "a photo of
 *  jeans" → "a photo of white jeans"; a prompt in another form is named after: "a photo of a white <prompt>". */
export function colorPrompt(prompt: string, word: string): string {
  const a = /^[aeiou]/.test(word) ? "an" : "a";
  const m = /^(a photo of )(?:(a|an|the) )?(.+)$/i.exec(prompt);
  if (!m) return `a photo of ${a} ${word} ${prompt}`;
  return `${m[1]}${m[2] ? `${a} ` : ""}${word} ${m[3]}`;
}

/**
 * The colour decision as one label set: for every garment label, then a garment of no known kind, the 12 colours
 * (in COLOR_NAMES order) put into the label's first prompt, so the model looks at the product ("a photo of a white
 * shirt"), not at the trousers under it. Ids are "<label id>|<colour>".
 */
export function colorLabels(labels: LabelSet): LabelSet {
  const kinds = [...labels.labels.map((l) => ({ id: l.id, prompt: l.prompts[0]! })), ANY_GARMENT];
  return {
    schemaVersion: 1,
    name: `${labels.name}-colours`,
    labels: kinds.flatMap((k) =>
      COLOR_NAMES.map((c) => ({
        id: `${k.id}|${c}`,
        name: c,
        prompts: [colorPrompt(k.prompt, COLOR_WORDS[c])],
      })),
    ),
  };
}

/** Reads a label set file. Throws NOT_FOUND / BAD_INPUT naming the file, the field, the label and the value. */
export async function loadLabelSet(path: string): Promise<LabelSet> {
  return readJsonFile(
    path,
    LabelSetSchema,
    "label set (JSON, --labels / VBULK_LABELS)",
    // The seller's folder has no models/: the installed file's own path, which they can copy.
    `See ${join(PACKAGE_ROOT, "models", "labels", "garments.json")} for the format (copy it to start your own).`,
    labelIssueDetail,
    DEFAULTS.files.maxSettingsBytes,
  );
}

/**
 * A bad field of a label file with its label's name and the value received: "labels[0].id: lower-case letters,
 * digits, spaces and dashes" did not say which label nor that the id was written "Hoodie", and the id to write
 * when only its case or spaces are wrong. A label file holds no secret: its values may be shown.
 */
const labelIssueDetail: IssueDetail = (issue, data, schema) => {
  const [list, index] = issue.path;
  const name =
    list === "labels" && typeof index === "number" ? valueAt(data, ["labels", index, "name"]) : undefined;
  const onLabel = issue.path.length > 2 || (issue.code === "unrecognized_keys" && issue.path.length === 2);
  const label = typeof name === "string" && onLabel ? ` (label ${receivedText(name)})` : "";
  if (issue.code === "unrecognized_keys" || issue.code === "custom") return `${label}: ${issue.message}`;
  const value = valueAt(data, issue.path);
  const fixed = typeof value === "string" ? value.trim().toLowerCase().replace(/\s+/g, " ") : "";
  const write =
    issue.path.at(-1) === "id" && fixed && fixed !== value && CATEGORY_ID.test(fixed)
      ? ` (write ${JSON.stringify(fixed)})`
      : "";
  const text = issueText(issue, data, { schema });
  return `${label}: ${issue.message === LABEL_ID_FORM ? `expected ${text}` : text}${write}`;
};

export interface ClipModel {
  embedder: Embedder;
  /** Unit text embeddings, one per text. */
  embedTexts(texts: string[]): Promise<Float32Array[]>;
  /** A zero-shot classifier over a label set; label embeddings are computed once and cached on disk. `signal` is
   *  checked between batches of prompts (throws its reason); `onProgress` counts the prompts embedded. */
  classifier(
    labels: LabelSet,
    cacheDir?: string,
    opts?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<Classifier>;
  device: Device;
  /** Frees the text encoder (label embeddings are cached); embedTexts fails after this. */
  releaseText(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Loads a CLIP model folder (Hugging Face layout, described by `manifest`): both encoders, tokenizer and
 * preprocessor. Throws MODEL_MISSING / MODEL_CORRUPT with what to do.
 */
export async function loadClip(
  dir: string,
  manifest: Manifest,
  opts: {
    device: Device;
    batchSize?: number;
    onWarning?: (m: string, data?: { cpuFallback: { reason: string } }) => void;
  },
): Promise<ClipModel> {
  const root = resolve(dir);
  // onnxruntime is loaded when a model is, not at start-up: commands without CLIP (plan, status, a re-run of
  // ingest without a model) do not pay for it.
  const { openSession } = await loadOnnx();
  const fallback = (reason: string) =>
    opts.onWarning?.(`CUDA is not available (${reason}); running on the CPU.`, { cpuFallback: { reason } });
  const [pre, vision] = await Promise.all([
    loadPreprocessor(root),
    openSession(join(root, manifest.vision), opts.device, fallback, { thread: true }),
    // Parsed only when texts are embedded (a label-cache miss); a missing file is still reported at once.
    stat(join(root, "tokenizer.json")).catch(() => loadTokenizer(root)),
  ]);
  const visionFile = join(root, manifest.vision);
  const textFile = join(root, manifest.text);
  try {
    checkEncoder(vision, "vision", visionFile, pre);
  } catch (err) {
    await vision.release();
    throw err;
  }
  let tokenizer: Promise<ClipTokenizer> | null = null;
  // The text encoder is opened only when label embeddings are not in the cache (most runs never need it).
  let text: Promise<Session> | null = null;
  const textSession = () => {
    text ??= openSession(textFile, opts.device, () => {}).then(async (session) => {
      try {
        checkEncoder(session, "text", textFile);
        checkSameWidth(dims, visionFile, session.outputWidth("text_embeds"), textFile);
      } catch (err) {
        await session.release();
        throw err;
      }
      return session;
    });
    return text;
  };
  // Keyed by content only: two different models in folders both named "model" must not share caches, and the same
  // encoders under another folder or manifest name are the same model (their photos and articles are kept).
  const key = await contentKey(root, manifest);
  const modelId = `clip:${key}`;
  // The id an older vbulk keyed the label cache with: its label embeddings are read rather than computed again.
  const olderId = `clip:${manifest.name}@${key}`;
  const dims = vision.outputWidth("image_embeds") ?? manifest.embeddingSize;
  const embedder: Embedder = {
    id: modelId,
    name: manifest.name,
    dims,
    batchSize: opts.batchSize ?? 8,
    embed: (batch) => embedImages(vision, pre, batch),
    close: async () => {},
  };
  const embedTexts = async (texts: string[]) => {
    tokenizer ??= loadTokenizer(root);
    const vectors = await runText(await textSession(), await tokenizer, texts);
    // A width the model does not declare is only known once it ran: a partial dot product is never a score.
    if (vectors[0] && vectors[0].length !== dims)
      checkSameWidth(dims, visionFile, vectors[0].length, textFile);
    return vectors;
  };
  return {
    embedder,
    device: vision.device,
    embedTexts,
    async classifier(labels, cacheDir, run = {}) {
      const depts = departmentLabels(labels);
      const colors = colorLabels(labels);
      // One count over the three sets, so that the progress says how far the whole step is.
      const count = (set: LabelSet) => set.labels.reduce((n, l) => n + l.prompts.length, 0);
      const total = count(labels) + count(depts) + count(colors);
      let before = 0;
      const step = (set: LabelSet) => ({
        signal: run.signal,
        onProgress: (done: number) => run.onProgress?.(before + done, total),
        after: () => {
          before += count(set);
        },
      });
      const table = await labelEmbeddings(
        labels,
        [modelId, olderId],
        embedder.dims,
        embedTexts,
        cacheDir,
        step(labels),
      );
      const deptTable = await labelEmbeddings(
        depts,
        [modelId, olderId],
        embedder.dims,
        embedTexts,
        cacheDir,
        step(depts),
      );
      const byType = zeroShot(labels, table, manifest.logitScale);
      const byDept = zeroShot(depts, deptTable, manifest.logitScale);
      const colorTable = await labelEmbeddings(
        colors,
        [modelId, olderId],
        embedder.dims,
        embedTexts,
        cacheDir,
        step(colors),
      );
      // colorLabels lists the labels, then the generic garment, 12 colours each in COLOR_NAMES order.
      const n = COLOR_NAMES.length;
      const colorRows = new Map(
        [...labels.labels.map((l) => l.id), ANY_GARMENT.id].map((id, k) => [
          id,
          colorTable.slice(k * n, (k + 1) * n),
        ]),
      );
      return {
        classify: byType.classify,
        async color(vectors, categories) {
          return vectors.map((v, i) => {
            const rows = colorRows.get(categories[i] ?? "") ?? colorRows.get(ANY_GARMENT.id)!;
            const p = softmax(rows, v, manifest.logitScale);
            return Object.fromEntries(COLOR_NAMES.map((c, k) => [c, p[k]!])) as Record<ColorName, number>;
          });
        },
        async department(vectors) {
          return (await byDept.classify(vectors)).map((r) => ({
            name: r.category as "femme" | "homme",
            score: r.score,
          }));
        },
      };
    },
    async releaseText() {
      const open = text;
      text = null;
      if (open) await (await open).release();
    },
    async close() {
      await vision.release();
      const open = text;
      text = null;
      if (open) await (await open).release();
    },
  };
}

const EXPECTED_INPUT = {
  vision: { name: "pixel_values", type: "float32", what: "images" },
  text: { name: "input_ids", type: "int64", what: "text tokens" },
} as const;

const shapeText = (shape: readonly (number | string)[]) => `[${shape.join(", ")}]`;

/**
 * Checks an encoder's declared input against what vbulk feeds it (vision: pixel_values float32 [n, 3, H, W] with
 * H×W the crop size of preprocessor_config.json; text: input_ids int64 [n, tokens]) and that it has the projected
 * output (image_embeds / text_embeds). Swapped encoders, another export's input names or another input size ended
 * at the first batch as onnxruntime's own words and "this is unexpected". Throws MODEL_CORRUPT (exit 2) naming the
 * file, what was expected and what was found.
 */
export function checkEncoder(
  session: Pick<Session, "inputs" | "outputNames">,
  kind: "vision" | "text",
  file: string,
  pre?: Pick<Preprocessor, "cropHeight" | "cropWidth">,
): void {
  const want = EXPECTED_INPUT[kind];
  const other = EXPECTED_INPUT[kind === "vision" ? "text" : "vision"];
  const shape = kind === "vision" ? ["n", 3, pre?.cropHeight ?? "H", pre?.cropWidth ?? "W"] : ["n", "tokens"];
  const expected = `a ${kind} encoder taking ${want.name} (${want.type} ${shapeText(shape)}${kind === "vision" && pre ? ", the crop size of preprocessor_config.json" : ""})`;
  const found = session.inputs.map((i) => `${i.name} (${i.type} ${shapeText(i.shape)})`).join(" and ");
  const fail = (hint: string) =>
    new VbulkError("MODEL_CORRUPT", `Expected ${expected} at ${file} but it takes ${found || "no input"}`, {
      hint,
      exit: 2,
    });
  const layout =
    "vbulk reads CLIP exports in the Transformers.js layout (vision_model*.onnx: pixel_values → image_embeds; text_model*.onnx: input_ids → text_embeds): use such an export, e.g. `vbulk models pull`.";
  const input = session.inputs[0];
  if (session.inputs.length === 1 && input?.name === other.name)
    throw fail(
      `This is a ${kind === "vision" ? "text" : "vision"} encoder (it takes ${other.what}): the two .onnx files look swapped or misnamed. Name the one taking ${want.name} ${kind}_model…onnx, or copy the model's files again.`,
    );
  if (session.inputs.length !== 1 || input?.name !== want.name || input.type !== want.type)
    throw fail(layout);
  const declared = input.shape;
  const bad =
    declared.length !== shape.length ||
    declared.some((d, k) => k > 0 && typeof d === "number" && typeof shape[k] === "number" && d !== shape[k]);
  if (bad)
    throw fail(
      kind === "vision"
        ? "preprocessor_config.json does not fit this encoder (its crop size is not the size the encoder takes): put the preprocessor_config.json that came with this model beside it."
        : layout,
    );
  const output = kind === "vision" ? "image_embeds" : "text_embeds";
  if (!session.outputNames.includes(output))
    throw new VbulkError(
      "MODEL_CORRUPT",
      `Expected ${kind === "vision" ? "a vision" : "a text"} encoder with an output named ${output} at ${file} but its outputs are ${session.outputNames.join(", ") || "none"}`,
      { hint: layout, exit: 2 },
    );
}

/**
 * Checks that both encoders give embeddings of one size: a text encoder of another model (512 against 32) gave
 * scores from a partial dot product, confidently wrong. Throws MODEL_CORRUPT (exit 2) naming both sizes and files.
 * A width a model does not declare (null) is checked once it ran.
 */
export function checkSameWidth(
  visionWidth: number,
  visionFile: string,
  textWidth: number | null,
  textFile: string,
): void {
  if (textWidth === null || textWidth === visionWidth) return;
  throw new VbulkError(
    "MODEL_CORRUPT",
    `Expected the text encoder's embeddings to have the vision encoder's size (${visionWidth}, ${visionFile}) but ${textFile} gives ${textWidth}: the two .onnx files are not from the same model`,
    {
      hint: "Put the vision and text encoders of one export side by side (the same download's onnx/ folder), or `vbulk models pull` the default model.",
      exit: 2,
    },
  );
}

/**
 * Opens both encoders of a model folder once and checks them as loadClip does (inputs, outputs, one embedding
 * size): `vbulk models manifest` must not record a folder that ingest would refuse. Returns the embedding size.
 * Throws MODEL_CORRUPT / MODEL_MISSING / BAD_INPUT as loadClip.
 */
export async function checkModelFolder(dir: string, manifest: Manifest): Promise<number> {
  const root = resolve(dir);
  const { openSession } = await loadOnnx();
  // `models manifest` refused a folder without it (requireSideFiles): its crop size is checked here.
  const pre = await loadPreprocessor(root);
  const visionFile = join(root, manifest.vision);
  const textFile = join(root, manifest.text);
  const vision = await openSession(visionFile, "cpu");
  try {
    checkEncoder(vision, "vision", visionFile, pre);
    const text = await openSession(textFile, "cpu");
    try {
      checkEncoder(text, "text", textFile);
      const width = vision.outputWidth("image_embeds") ?? manifest.embeddingSize;
      checkSameWidth(width, visionFile, text.outputWidth("text_embeds"), textFile);
      return width;
    } finally {
      await text.release();
    }
  } finally {
    await vision.release();
  }
}

/** 12 hex digits naming a model's content: both encoders' sha256 (memoised) and the preprocessing settings. */
async function contentKey(root: string, manifest: Manifest): Promise<string> {
  const [vision, text] = await Promise.all([
    sha256FileMemo(join(root, manifest.vision)),
    sha256FileMemo(join(root, manifest.text)),
  ]);
  const pre = await readFile(join(root, "preprocessor_config.json"), "utf8").catch(() => "");
  const tokens = await sha256FileMemo(join(root, "tokenizer.json")).catch(() => "");
  return createHash("sha256").update(`${vision}\n${text}\n${pre}\n${tokens}`).digest("hex").slice(0, 12);
}

async function embedImages(
  vision: Session,
  pre: Preprocessor,
  batch: PhotoPixels[],
): Promise<Float32Array[]> {
  const per = 3 * pre.cropHeight * pre.cropWidth;
  const input = new Float32Array(batch.length * per);
  await Promise.all(batch.map((p, i) => preprocessInto(p, pre, input, i * per)));
  const out = await vision.run({
    pixel_values: { data: input, dims: [batch.length, 3, pre.cropHeight, pre.cropWidth] },
  });
  return rows(out["image_embeds"], batch.length, "image_embeds");
}

async function runText(text: Session, tokenizer: ClipTokenizer, texts: string[]): Promise<Float32Array[]> {
  const ids = tokenizer.encode(texts);
  const out = await text.run({ input_ids: { data: ids, dims: [texts.length, tokenizer.contextLength] } });
  return rows(out["text_embeds"], texts.length, "text_embeds");
}

function rows(
  t: { data: Float32Array; dims: number[] } | undefined,
  n: number,
  name: string,
): Float32Array[] {
  if (t?.dims.length !== 2 || t.dims[0] !== n) {
    throw new VbulkError(
      "MODEL_CORRUPT",
      `Expected a [${n}, d] output named ${name} but the model gave ${t ? `[${t.dims.join(", ")}]` : "none"}`,
      {
        hint: "The folder does not hold a CLIP export with projected embeddings (Transformers.js layout).",
      },
    );
  }
  const d = t.dims[1]!;
  return Array.from({ length: n }, (_, i) =>
    normalize(Float32Array.from(t.data.subarray(i * d, (i + 1) * d))),
  );
}

/** One unit vector per label: the mean of its prompts' embeddings (prompt ensembling), cached by model and prompts.
 *  `ids`: the model's id, then the ids an older vbulk cached the same model's labels under. */
async function labelEmbeddings(
  labels: LabelSet,
  ids: readonly [string, ...string[]],
  dims: number,
  embedTexts: (t: string[]) => Promise<Float32Array[]>,
  cacheDir?: string,
  run: { signal?: AbortSignal | undefined; onProgress?: (done: number) => void; after?: () => void } = {},
): Promise<Float32Array[]> {
  try {
    return await labelTable(labels, ids, dims, embedTexts, cacheDir, run);
  } finally {
    run.after?.();
  }
}

async function labelTable(
  labels: LabelSet,
  ids: readonly [string, ...string[]],
  dims: number,
  embedTexts: (t: string[]) => Promise<Float32Array[]>,
  cacheDir: string | undefined,
  run: { signal?: AbortSignal | undefined; onProgress?: (done: number) => void },
): Promise<Float32Array[]> {
  const pathOf = (id: string) =>
    cacheDir
      ? join(
          cacheDir,
          `labels-${createHash("sha256")
            .update(JSON.stringify([id, labels.labels.map((l) => [l.id, l.prompts])]))
            .digest("hex")
            .slice(0, 16)}.json`,
        )
      : null;
  const [modelId] = ids;
  const path = pathOf(modelId);
  for (const id of ids) {
    const from = pathOf(id);
    if (!from) break;
    // A cache that is not JSON (a cut write of an older vbulk, a full disk) is computed again, like a missing one.
    const cached = await readFile(from, "utf8")
      .then((t) => JSON.parse(t) as { vectors?: unknown } | null)
      .catch(() => null);
    // Validated before use: a vector of the wrong length or with NaN would make every score NaN.
    const vectors = Array.isArray(cached?.vectors)
      ? cached.vectors.map((v) => (typeof v === "string" ? decodeVector(v, dims) : null))
      : [];
    if (vectors.length === labels.labels.length && vectors.every((v) => v !== null))
      return vectors as Float32Array[];
  }
  const prompts = labels.labels.flatMap((l) => l.prompts);
  // In batches: the colour prompts are hundreds, and one batch of all of them would hold every layer's
  // activations for all at once (TEXT_BATCH).
  const vectors: Float32Array[] = [];
  for (let i = 0; i < prompts.length; i += TEXT_BATCH) {
    // Ctrl-C between batches: the colour prompts are hundreds, 20+ s with a B/32-sized text encoder.
    run.signal?.throwIfAborted();
    vectors.push(...(await embedTexts(prompts.slice(i, i + TEXT_BATCH))));
    run.onProgress?.(vectors.length);
  }
  let k = 0;
  const table = labels.labels.map((l) => {
    const mean = new Float32Array(vectors[0]!.length);
    for (let p = 0; p < l.prompts.length; p++) {
      const v = vectors[k++]!;
      for (let i = 0; i < v.length; i++) mean[i] = mean[i]! + v[i]!;
    }
    return normalize(mean);
  });
  if (path)
    await writeJsonAtomic(path, {
      model: modelId,
      labels: labels.name,
      vectors: table.map(encodeVector),
    }).catch(() => {});
  return table;
}

/** Texts embedded per run of the text encoder. 16: the 529 prompts of the shipped label set (ViT-B/32-sized
 *  int8 text encoder, `npm run bench:prompts`) peak at 541-553 MB of RSS in 8.5-9.4 s; batches of 64 peaked at
 *  788 MB in 8.8 s (measured with that bench's first version, 0a93a49). */
const TEXT_BATCH = 16;

/** CLIP zero-shot probabilities: a softmax over the logit-scaled cosine similarities of v to each row. */
function softmax(table: Float32Array[], v: Float32Array, logitScale: number): number[] {
  const logits = table.map((t) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * t[i]!;
    return logitScale * s;
  });
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Softmax over logit-scaled cosine similarities (CLIP zero-shot); category by label id, with the runner-up. */
export function zeroShot(labels: LabelSet, table: Float32Array[], logitScale: number): Classifier {
  return {
    async classify(vectors) {
      return vectors.map((v) => {
        const ranked = softmax(table, v, logitScale)
          .map((p, i) => ({ i, p }))
          .sort((a, b) => b.p - a.p);
        const top = ranked[0]!;
        const second = ranked[1] ?? top;
        return {
          category: labels.labels[top.i]!.id,
          score: top.p,
          runnerUp: { category: labels.labels[second.i]!.id, score: second.p },
        };
      });
    },
  };
}

/**
 * onnx.ts, which loads onnxruntime-node. A binding that is there but cannot load (a system library it needs is
 * missing) is said as a platform the model cannot run on (MODEL_UNSUPPORTED, exit 2), never "unexpected".
 */
async function loadOnnx(): Promise<typeof import("./onnx.js")> {
  try {
    return await import("./onnx.js");
  } catch (err) {
    throw onnxUnavailable(
      process.platform,
      process.arch,
      `onnxruntime-node could not be loaded (${messageOf(err)})`,
      err,
    );
  }
}
