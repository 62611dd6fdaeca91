import { dirname, extname } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { type ConfigOverrides, offlineMode, resolveConfig } from "../core/config.js";
import { VbulkError } from "../core/errors.js";
import { andList, plural, printable, shellWord } from "../core/text.js";
import { GROUPING_METHODS, vocabulary } from "../core/vocab.js";
import { prepareIngest, runIngest } from "../ingest/index.js";
import { loadLabelSet } from "../model/clip.js";
import type { Device } from "../model/onnx.js";
import { checkModelDir, featureOnly, type SelectedEmbedder, selectEmbedder } from "../model/select.js";
import { ARCHIVE_EXTENSIONS, RAW_EXTENSIONS } from "../sources/classify.js";
import { notTaken, type SkippedFile } from "../sources/types.js";
import type { Catalog } from "../store/catalog.js";
import { recordOutFolder } from "../store/out-folders.js";
import {
  configFileLayer,
  configFlag,
  decimal,
  envOption,
  flagLayer,
  parseFlag,
  vbulkAs,
  wholeNumber,
} from "./options.js";
import { createIo, type Io, ingestRenderer } from "./render.js";
import { onStopSignal, stoppedBy } from "./signals.js";

interface RawIngestOptions {
  out?: string;
  json?: boolean;
  regroup?: boolean;
  config?: string;
  modelDir?: string;
  device?: string;
  labels?: string;
  /** false with --no-model. */
  model?: boolean;
}

/** Registers `vbulk ingest`. */
export function registerIngest(program: Command, run: (fn: () => Promise<number>) => Promise<void>): void {
  const command = program
    .command("ingest")
    .description(
      "scan a folder or ZIP of photos, drop duplicates, group photos by article, write catalog.json",
    )
    .argument("<source>", "folder of photos, or a .zip of them")
    .option(
      "-o, --out <dir>",
      "where catalog.json goes (default: beside the photos; for a ZIP, its work folder)",
    )
    .option("--json", "print the catalog summary as JSON on stdout, nothing else")
    .option(
      "--regroup",
      "group every photo again (by default a re-run keeps the earlier articles and groups only the photos added)",
    )
    .addOption(envOption("--config <file>", "JSON config file (see README)", "VBULK_CONFIG"))
    .addOption(
      envOption("--model-dir <dir>", "folder holding a CLIP model (Hugging Face layout)", "VBULK_MODEL_DIR"),
    )
    .option(
      "--no-model",
      "run without the CLIP model (grouping by colour/texture, categories unknown), even where an earlier run used one",
    )
    .addOption(envOption("--device <device>", "cpu | cuda (default cpu)", "VBULK_DEVICE"))
    .addOption(
      envOption("--labels <file>", "garment label set (JSON) for zero-shot categories", "VBULK_LABELS"),
    );
  for (const f of INGEST_FLAGS) command.addOption(f.option);
  command.action((source: string, raw: RawIngestOptions, cmd: Command) =>
    run(() => ingestCommand(source, raw, cmd.getOptionValueSource("modelDir") === "cli")),
  );
}

/** Where CLIP runs: --device, or VBULK_DEVICE (also for the review page's analysis, which reads ingest's variables). */
export function parseDevice(value: unknown): Device {
  return parseFlag(
    z.enum(["cpu", "cuda"], { message: "cpu or cuda" }).default("cpu"),
    value,
    "--device",
    "VBULK_DEVICE",
  );
}

/** Flags that set configuration values (each also read from its env var; the review page's analysis reads those). */
export const INGEST_FLAGS = [
  configFlag(
    "sources",
    "maxFiles",
    "--max-files <n>",
    "refuse sources with more photos than this (default 500)",
    "BULK_MAX_FILES",
    wholeNumber(1),
  ),
  configFlag(
    "grouping",
    "method",
    "--grouping <method>",
    "auto | sequence | dbscan | agglomerative (default auto)",
    "VBULK_GROUPING",
    vocabulary(GROUPING_METHODS, {}, `one of ${GROUPING_METHODS.join(", ")}`),
  ),
  configFlag(
    "grouping",
    "eps",
    "--eps <x>",
    "DBSCAN radius, cosine distance (default 0.24)",
    "BULK_CLUSTER_EPS",
    decimal(0.001, 2),
  ),
  configFlag(
    "grouping",
    "minSamples",
    "--min-samples <n>",
    "DBSCAN core size (default 2)",
    "BULK_MIN_SAMPLES",
    wholeNumber(1, 100),
  ),
  configFlag(
    "duplicates",
    "maxHamming",
    "--dup-threshold <bits>",
    "max Hamming distance of 64-bit hashes for duplicates (default 5)",
    "VBULK_DUP_THRESHOLD",
    wholeNumber(0, 32),
  ),
];

/**
 * What --eps and --min-samples (or their env vars) given for another grouping method than dbscan, the only one that
 * reads them, do: nothing, said; null when none was given or dbscan runs. A seller tuning the radius under the
 * automatic grouping saw no change, run after run, and no word why.
 */
function dbscanOnly(
  flags: ConfigOverrides,
  file: ConfigOverrides,
  configPath: string | undefined,
  method: string,
): string | null {
  if (method === "dbscan") return null;
  const given = [
    ...(flags.grouping?.eps !== undefined ? [["--eps", "BULK_CLUSTER_EPS"]] : []),
    ...(flags.grouping?.minSamples !== undefined ? [["--min-samples", "BULK_MIN_SAMPLES"]] : []),
  ];
  const one = given.length === 1;
  if (given.length)
    return `${given.map(([f]) => f).join(" and ")} (or env ${given.map(([, e]) => e).join(", ")}) ${one ? "has" : "have"} no effect with --grouping ${method}: only --grouping dbscan uses ${one ? "it" : "them"}. Add --grouping dbscan to group by that radius, or drop ${one ? "it" : "them"}.`;
  // The same keys in a config file (a flag given too was said above, and wins over the file).
  const keys = (["eps", "minSamples"] as const).filter((k) => file.grouping?.[k] !== undefined);
  if (!keys.length || configPath === undefined) return null;
  const named = andList(keys.map((k) => `grouping.${k}`));
  const single = keys.length === 1;
  return `${named} in ${printable(configPath)} ${single ? "has" : "have"} no effect with grouping method ${method}: only "method": "dbscan" uses ${single ? "it" : "them"}. Set "method": "dbscan" under "grouping" in that file to group by that radius, or remove ${single ? "it" : "them"}.`;
}

async function ingestCommand(source: string, raw: RawIngestOptions, modelDirFlag: boolean): Promise<number> {
  const io = createIo(raw.json === true);
  const noModel = raw.model === false;
  if (noModel && modelDirFlag)
    throw new VbulkError(
      "BAD_USAGE",
      `Expected either --no-model or --model-dir but received both (--model-dir ${raw.modelDir})`,
      { hint: "Keep --model-dir to use that model, or --no-model to run without any." },
    );
  // --no-model wins over VBULK_MODEL_DIR set in the environment: the flag is the more explicit of the two.
  if (noModel) delete raw.modelDir;
  const flags = flagLayer(INGEST_FLAGS, raw);
  const device = parseDevice(raw.device);
  const offline = offlineMode();
  const fileLayer = await configFileLayer(raw.config);
  // Validate flags, file, label set, model folder, source and output before touching any model or photo: a bad
  // command changes nothing and downloads nothing. prepareIngest checks the source (a ZIP's central directory
  // included) and only then starts the status file, so that `vbulk status` follows the model's download (minutes,
  // the first time) and the ZIP's extraction instead of showing the previous run. The model's calibration only
  // sets grouping thresholds: the source limits prepareIngest checks are those of the final config.
  const checked = resolveConfig(fileLayer, flags);
  const unused = dbscanOnly(flags, fileLayer, raw.config, checked.grouping.method);
  if (unused) io.err(`${io.c.yellow("warning:")} ${unused}`);
  if (raw.labels) await loadLabelSet(raw.labels);
  if (raw.modelDir) await checkModelDir(raw.modelDir);
  // Listening before the status file exists: a Ctrl-C between its first write and the listener killed the
  // process outright (no exit 130, the status left "running"). From here Ctrl-C, from the model's download on,
  // marks the run interrupted (exit 130) rather than leaving it to look like a crash.
  // SIGTERM (timeout, docker stop, a CI time-out) and SIGHUP end it the same way (signals.ts).
  const controller = new AbortController();
  const stopListening = onStopSignal({
    json: io.json,
    stop: () => controller.abort(),
    atOnce:
      "interrupted: stopped at once by a second signal; what was finished is saved; run the same command again to resume.",
  });
  const prepared = await prepareIngest({
    source,
    outDir: raw.out,
    config: checked,
    stage: "model",
    stoppedBy,
  }).catch((err: unknown) => {
    stopListening();
    throw err;
  });
  // So that `vbulk status ./photos` finds this run in the --out folder.
  const unrecorded = raw.out
    ? await recordOutFolder(source, prepared.src.outDir, prepared.previous === null)
    : null;
  const renderer = ingestRenderer(io);
  if (unrecorded)
    renderer.onEvent({
      type: "warning",
      message: `Could not remember that this run of ${source} is written to ${prepared.src.outDir} (${unrecorded}): \`${vbulkAs()} status ${shellWord(source)}\` will show an earlier run there, if any; use \`${vbulkAs()} status ${shellWord(prepared.src.outDir)}\`.`,
    });
  let selected: SelectedEmbedder | undefined;
  try {
    try {
      const earlier = prepared.previous?.embedder;
      selected = noModel
        ? featureOnly()
        : await selectEmbedder({
            modelDir: raw.modelDir,
            device,
            labelsFile: raw.labels,
            offline,
            baseUrl: process.env.VBULK_MODEL_BASE_URL,
            onEvent: renderer.onEvent,
            onModelEvent: (e) => {
              renderer.onModelEvent(e);
              prepared.onModelEvent(e);
            },
            signal: controller.signal,
            earlierModel: earlier?.model ? { id: earlier.id, model: earlier.model } : null,
          });
    } catch (err) {
      // Refused for want of the earlier run's model: nothing changes, not even the status of that earlier run.
      if (err instanceof VbulkError && err.context.modelNeeded) await prepared.abandon();
      else await prepared.fail(err, controller.signal.aborted);
      throw err;
    }
    const config = resolveConfig(selected.calibration, fileLayer, flags);
    const result = await runIngest({
      source,
      outDir: raw.out,
      prepared,
      config,
      embedder: selected.embedder,
      classifier: selected.classifier,
      model: selected.model,
      ...(selected.labels ? { labels: selected.labels } : {}),
      onEvent: renderer.onEvent,
      signal: controller.signal,
      regroup: raw.regroup === true,
    });
    renderer.stop();
    const { catalog } = result;
    if (!result.written) {
      const message = result.keptPrevious
        ? `none of the ${plural(catalog.summary.files, "photo")} could be read: ${printable(result.catalogPath)} of the previous run was kept as it was.`
        : `none of the ${plural(catalog.summary.files, "photo")} could be read: no catalog was written.`;
      // The --json document names its own key; stderr, where a person reads it, follows the "bad photo:" lines (and
      // without --json the list on stdout): `errors` is a key a terminal never shows.
      const todo = "(a disk, a permission, a broken copy) and run the same command again.";
      const hint = `fix what the errors above say ${todo}`;
      // The document every failing --json command prints (`error`), with what each photo said (`errors`). Not
      // BAD_INPUT, which is a usage mistake (exit 2): the photos could not be read (exit 1).
      if (io.json)
        io.out(
          JSON.stringify(
            {
              error: {
                code: "BAD_FILE",
                message,
                hint: `fix what each photo's error in \`errors\` says ${todo}`,
              },
              ...summaryJson(catalog, result.catalogPath, result.logPath),
              written: false,
            },
            null,
            2,
          ),
        );
      else printErrors(io, catalog, result.keptPrevious ? "kept" : "none");
      io.err(`${io.c.red("error:")} ${message}`);
      io.err(`  ${io.c.dim("hint:")} ${hint}`);
      return 1;
    }
    if (io.json) io.out(JSON.stringify(summaryJson(catalog, result.catalogPath, result.logPath), null, 2));
    else
      printSummary(
        io,
        catalog,
        result.catalogPath,
        result.logPath,
        result.cached,
        config.ingest.listArticlesMax,
      );
    return catalog.errors.length > 0 || notTaken(catalog.skipped).length > 0 ? 3 : 0;
  } finally {
    renderer.stop();
    stopListening();
    await selected?.close();
    await prepared.release();
  }
}

/**
 * The --json document: the catalog's summary and where things are, not the whole catalog. Each field means what
 * the catalog's field of the same name means (articles[].photos is the list of files, as in catalog items).
 */
export function summaryJson(catalog: Catalog, catalogPath: string, logPath: string) {
  return {
    catalog: catalogPath,
    log: logPath,
    written: true,
    summary: catalog.summary,
    embedder: catalog.embedder,
    grouping: catalog.grouping,
    articles: catalog.items.map((it) => ({
      id: it.id,
      category: it.category,
      score: it.score,
      color: it.color,
      photos: it.photos,
      confidence: it.confidence,
    })),
    errors: catalog.errors,
    skipped: catalog.skipped,
  };
}

/** How the summary names the files skipped on purpose other than non-images, by reason, in the order it names them.
 *  Without them "107 other files skipped" was followed by "not photos: 17 .mov, 4 .aae" alone: the 85 `__MACOSX`
 *  copies and the .DS_Store of a ZIP made by macOS were counted and never named, and the seller feared lost photos. */
const SKIPPED_ON_PURPOSE: readonly [SkippedFile["reason"], (files: readonly { file: string }[]) => string][] =
  [
    ["macos-metadata", (f) => `${f.length} macOS metadata (__MACOSX)`],
    ["hidden", (f) => `${f.length} hidden (${hiddenNames(f)})`],
    ["symlink", (f) => plural(f.length, "symbolic link")],
    ["earlier-run", (f) => `${plural(f.length, "file")} of an earlier vbulk run (not used)`],
    ["empty-dir", (f) => plural(f.length, "empty folder")],
  ];

/**
 * The kinds of skipped files, counted, so that they add up to the summary's "N other files skipped": those that may
 * be photos first (listed below the summary), then the files skipped on purpose, then the non-images by extension.
 */
function skippedKinds(skipped: Catalog["skipped"]): string[] {
  const parts: string[] = [];
  const lost = notTaken(skipped).length;
  if (lost) parts.push(`${lost} could not be taken (see below)`);
  let named = lost;
  for (const [reason, words] of SKIPPED_ON_PURPOSE) {
    const files = skipped.filter((f) => f.reason === reason);
    if (files.length) parts.push(words(files));
    named += files.length;
  }
  const others = skipped.filter((f) => f.reason === "not-an-image");
  named += others.length;
  // A reason added to the scan without words here is still counted, never left out of the sum.
  if (skipped.length > named) parts.push(`${skipped.length - named} other`);
  if (others.length) {
    const kinds = new Map<string, number>();
    for (const f of others) {
      const ext = extname(f.file).toLowerCase() || "(no extension)";
      kinds.set(ext, (kinds.get(ext) ?? 0) + 1);
    }
    const sorted = [...kinds].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    parts.push(
      `not photos: ${sorted
        .slice(0, 8)
        .map(([ext, n]) => `${n} ${printable(ext)}`)
        .join(", ")}${sorted.length > 8 ? ", …" : ""}`,
    );
  }
  return parts;
}

/** The hidden names among skipped files (".DS_Store", ".Trashes/"), at most three: what the seller looks for. */
function hiddenNames(files: readonly { file: string }[]): string {
  const names = new Set<string>();
  for (const { file } of files) {
    const parts = file.split("/");
    const at = parts.findIndex((p) => p.startsWith("."));
    if (at >= 0) names.add(`${parts[at]}${at < parts.length - 1 ? "/" : ""}`);
  }
  const shown = [...names].slice(0, 3).map(printable);
  return `${shown.join(", ")}${names.size > 3 ? ", …" : ""}`;
}

function printSummary(
  io: Io,
  catalog: Catalog,
  catalogPath: string,
  logPath: string,
  cached: number,
  listMax: number,
): void {
  const s = catalog.summary;
  const { c } = io;
  io.out(
    `${c.bold(plural(s.articles, "article"))} from ${plural(s.photos, "photo")} (${plural(s.duplicates, "duplicate")} set aside, ${plural(s.skipped, "other file")} skipped, ${s.errors} unreadable)${cached ? `, ${plural(cached, "photo")} from cache` : ""}`,
  );
  // Every kind of file counted as skipped, named: "39 other files" alone left a seller guessing whether photos were
  // among them. RAW photos and archives are said apart below, with what to do.
  if (catalog.skipped.length)
    io.out(c.dim(`  ${skippedKinds(catalog.skipped).join(", ")} (listed in the log)`));
  const others = catalog.skipped.filter((f) => f.reason === "not-an-image");
  if (others.length) {
    // An archive in the folder (or in the ZIP) is not opened: its photos were left out with only "1 .zip" said.
    const archives = others.filter((f) => ARCHIVE_EXTENSIONS.has(extname(f.file).toLowerCase()));
    if (archives.length)
      io.out(
        c.yellow(
          `${plural(archives.length, "archive")} not opened (${archives
            .slice(0, 3)
            .map((f) => printable(f.file))
            .join(
              ", ",
            )}${archives.length > 3 ? ", …" : ""}): vbulk does not look inside an archive among the photos. If ${archives.length === 1 ? "it holds" : "they hold"} photos of these garments, extract ${archives.length === 1 ? "it" : "them"} into the folder and run again.`,
        ),
      );
    const raw = others.filter((f) => RAW_EXTENSIONS.has(extname(f.file).toLowerCase()));
    if (raw.length)
      io.out(
        c.yellow(
          `${plural(raw.length, "RAW photo")} (${[...new Set(raw.map((f) => extname(f.file).toLowerCase()))].join(", ")}) not read: vbulk reads JPEG, PNG, WebP, AVIF, TIFF, GIF and HEIC. Export ${raw.length === 1 ? "it" : "them"} as JPEG or HEIC (the phone's or camera's app, Lightroom…) into the folder and run again.`,
        ),
      );
  }
  // A long batch lists only the articles to check first (low confidence); the others are counted.
  const listAll = catalog.items.length <= listMax;
  const listed = listAll ? catalog.items : catalog.items.filter((it) => it.confidence === "low");
  for (const it of listed) {
    const flag = it.confidence === "low" ? c.yellow(" (low confidence)") : "";
    const cat =
      it.category === "unknown" ? c.dim("unknown") : `${it.category} ${c.dim(`(${it.score.toFixed(2)})`)}`;
    const n = plural(it.photos.length, "photo").padStart(9);
    io.out(`  ${it.id.padEnd(5)} ${n}  ${cat}  ${it.color}${flag}`);
    // The files themselves: without them a seller cannot tell which photos an article holds.
    io.out(c.dim(`        ${it.photos.map(printable).join("  ")}`));
  }
  if (!listAll) {
    const rest = catalog.items.length - listed.length;
    io.out(
      `${listed.length ? `${plural(listed.length, "article")} of low confidence listed above; the ${plural(rest, "other article")}` : `No article is of low confidence; the ${plural(rest, "article")}`} ${rest === 1 ? "is" : "are"} in catalog.json; \`${vbulkAs()} review ${shellWord(dirname(catalogPath))}\` shows every article.`,
    );
  }
  const copies = catalog.photos.filter((p) => p.duplicate_of);
  if (copies.length) {
    io.out(
      `${copies.length === 1 ? "1 duplicate" : `${copies.length} duplicates`} set aside (\`vbulk review\` can bring one back):`,
    );
    for (const p of copies)
      io.out(c.dim(`  ${printable(p.file)}  copy of ${printable(p.duplicate_of ?? "")}`));
  }
  // The review page's decisions (decisions.json) are applied again by every ingest: said, so a photo the seller
  // took out does not just vanish from the count.
  const shaped = catalog.items.filter((it) => it.by_seller).map((it) => it.id);
  const out = catalog.photos.filter((p) => p.dropped_by_seller);
  if (shaped.length || out.length)
    io.out(
      `Your decisions from \`vbulk review\` (decisions.json) were applied again: ${[
        shaped.length
          ? `${plural(shaped.length, "article")} as you grouped ${shaped.length === 1 ? "it" : "them"} (${shaped.join(", ")})`
          : "",
        out.length
          ? `${plural(out.length, "photo")} taken out of the listings (${out.map((p) => printable(p.file)).join(", ")})`
          : "",
      ]
        .filter(Boolean)
        .join("; ")}.`,
    );
  printErrors(io, catalog);
  const lost = notTaken(catalog.skipped);
  if (lost.length) {
    io.out(
      io.c.red(
        `${lost.length === 1 ? "1 file" : `${lost.length} files`} that may be photos could not be taken (listed in the log too):`,
      ),
    );
    for (const f of lost)
      io.out(`  ${printable(f.file)}: ${f.reason}${f.detail ? ` (${printable(f.detail)})` : ""}`);
  }
  io.out(`catalog: ${printable(catalogPath)}\nlog:     ${printable(logPath)}`);
  if (s.photos === 0) return;
  const dir = shellWord(dirname(catalogPath));
  io.out(
    c.dim(
      `next: \`${vbulkAs()} review ${dir}\` to see every article and fix the grouping, then \`${vbulkAs()} plan ${dir}\``,
    ),
  );
}

/** The photos that could not be read, names escaped (a name must not drive the terminal). */
function printErrors(io: Io, catalog: Catalog, previous: "written" | "kept" | "none" = "written"): void {
  if (!catalog.errors.length) return;
  // A run that read nothing writes no catalog: saying "recorded" there sent the seller looking for them in it.
  const where = {
    written: "recorded in the catalog, skipped",
    kept: "not recorded: the previous catalog is kept",
    none: "not recorded: no catalog was written",
  }[previous];
  io.out(
    io.c.red(
      `${catalog.errors.length} ${catalog.errors.length === 1 ? "photo" : "photos"} could not be read (${where}):`,
    ),
  );
  for (const e of catalog.errors) io.out(`  ${printable(e.file)}: ${printable(e.message)}`);
}
