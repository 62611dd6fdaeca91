import type { Command } from "commander";
import { z } from "zod";
import { type ConfigOverrides, resolveConfig } from "../core/config.js";
import { runIngest } from "../core/ingest.js";
import { selectEmbedder } from "../model/select.js";
import type { Catalog } from "../store/catalog.js";
import { configFileLayer, decimal, envOption, parseFlag, wholeNumber } from "./options.js";
import { createIo, type Io, ingestRenderer } from "./render.js";

interface RawIngestOptions {
  out?: string;
  json?: boolean;
  config?: string;
  maxFiles?: string;
  eps?: string;
  minSamples?: string;
  grouping?: string;
  dupThreshold?: string;
  modelDir?: string;
  device?: string;
  labels?: string;
}

/** Registers `vbulk ingest`. */
export function registerIngest(program: Command, run: (fn: () => Promise<number>) => Promise<void>): void {
  program
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
    .addOption(envOption("--config <file>", "JSON config file (see README)", "VBULK_CONFIG"))
    .addOption(
      envOption(
        "--max-files <n>",
        "refuse sources with more photos than this (default 500)",
        "BULK_MAX_FILES",
      ),
    )
    .addOption(
      envOption(
        "--grouping <method>",
        "auto | sequence | dbscan | agglomerative (default auto)",
        "VBULK_GROUPING",
      ),
    )
    .addOption(envOption("--eps <x>", "DBSCAN radius, cosine distance (default 0.24)", "BULK_CLUSTER_EPS"))
    .addOption(envOption("--min-samples <n>", "DBSCAN core size (default 2)", "BULK_MIN_SAMPLES"))
    .addOption(
      envOption(
        "--dup-threshold <bits>",
        "max Hamming distance of 64-bit hashes for duplicates (default 5)",
        "VBULK_DUP_THRESHOLD",
      ),
    )
    .addOption(
      envOption("--model-dir <dir>", "folder holding a CLIP model (Hugging Face layout)", "VBULK_MODEL_DIR"),
    )
    .addOption(envOption("--device <device>", "cpu | cuda (default cpu)", "VBULK_DEVICE"))
    .addOption(
      envOption("--labels <file>", "garment label set (JSON) for zero-shot categories", "VBULK_LABELS"),
    )
    .action((source: string, raw: RawIngestOptions) => run(() => ingestCommand(source, raw)));
}

async function ingestCommand(source: string, raw: RawIngestOptions): Promise<number> {
  const io = createIo(raw.json === true);
  const flags: ConfigOverrides = { sources: {}, grouping: {}, duplicates: {} };
  if (raw.maxFiles !== undefined)
    flags.sources!.maxFiles = parseFlag(wholeNumber(1), raw.maxFiles, "--max-files", "BULK_MAX_FILES");
  if (raw.eps !== undefined)
    flags.grouping!.eps = parseFlag(decimal(0.001, 2), raw.eps, "--eps", "BULK_CLUSTER_EPS");
  if (raw.minSamples !== undefined)
    flags.grouping!.minSamples = parseFlag(
      wholeNumber(1, 100),
      raw.minSamples,
      "--min-samples",
      "BULK_MIN_SAMPLES",
    );
  if (raw.grouping !== undefined)
    flags.grouping!.method = parseFlag(
      z.enum(["auto", "sequence", "dbscan", "agglomerative"], {
        message: "one of auto, sequence, dbscan, agglomerative",
      }),
      raw.grouping,
      "--grouping",
      "VBULK_GROUPING",
    );
  if (raw.dupThreshold !== undefined)
    flags.duplicates!.maxHamming = parseFlag(
      wholeNumber(0, 32),
      raw.dupThreshold,
      "--dup-threshold",
      "VBULK_DUP_THRESHOLD",
    );
  const device = parseFlag(
    z.enum(["cpu", "cuda"], { message: "cpu or cuda" }).default("cpu"),
    raw.device,
    "--device",
    "VBULK_DEVICE",
  );
  const fileLayer = await configFileLayer(raw.config);
  // Validate flags and file before touching any model or photo: a bad command changes nothing.
  resolveConfig(fileLayer, flags);

  const renderer = ingestRenderer(io);
  const selected = await selectEmbedder({
    modelDir: raw.modelDir,
    device,
    labelsFile: raw.labels,
    offline: process.env.VBULK_OFFLINE === "1",
    baseUrl: process.env.VBULK_MODEL_BASE_URL,
    onEvent: renderer.onEvent,
    onModelEvent: renderer.onModelEvent,
  });
  const config = resolveConfig(selected.calibration, fileLayer, flags);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  try {
    const result = await runIngest({
      source,
      outDir: raw.out,
      config,
      embedder: selected.embedder,
      classifier: selected.classifier,
      model: selected.model,
      onEvent: renderer.onEvent,
      signal: controller.signal,
    });
    renderer.stop();
    const { catalog } = result;
    if (io.json) io.out(JSON.stringify(summaryJson(catalog, result.catalogPath, result.logPath), null, 2));
    else printSummary(io, catalog, result.catalogPath, result.logPath, result.cached);
    if (catalog.summary.photos === 0) return 1;
    return catalog.errors.length > 0 ? 3 : 0;
  } finally {
    renderer.stop();
    process.removeListener("SIGINT", onSigint);
    await selected.close();
  }
}

/** The --json document: the catalog's summary and where things are, not the whole catalog. */
export function summaryJson(catalog: Catalog, catalogPath: string, logPath: string) {
  return {
    catalog: catalogPath,
    log: logPath,
    summary: catalog.summary,
    embedder: catalog.embedder,
    grouping: catalog.grouping,
    articles: catalog.items.map((it) => ({
      id: it.id,
      category: it.category,
      score: it.score,
      color: it.color,
      photos: it.photos.length,
      confidence: it.confidence,
    })),
    errors: catalog.errors,
  };
}

function printSummary(io: Io, catalog: Catalog, catalogPath: string, logPath: string, cached: number): void {
  const s = catalog.summary;
  const { c } = io;
  io.out(
    `${c.bold(`${s.articles} articles`)} from ${s.photos} photos (${s.duplicates} duplicates set aside, ${s.skipped} other files skipped, ${s.errors} unreadable)${cached ? `, ${cached} photos from cache` : ""}`,
  );
  for (const it of catalog.items) {
    const flag = it.confidence === "low" ? c.yellow(" (low confidence)") : "";
    const cat =
      it.category === "unknown" ? c.dim("unknown") : `${it.category} ${c.dim(`(${it.score.toFixed(2)})`)}`;
    io.out(`  ${it.id.padEnd(5)} ${String(it.photos.length).padStart(2)} photos  ${cat}  ${it.color}${flag}`);
  }
  if (catalog.errors.length) {
    io.out(c.red(`${catalog.errors.length} photos could not be read (recorded in the catalog, skipped):`));
    for (const e of catalog.errors) io.out(`  ${e.file}: ${e.message}`);
  }
  io.out(`catalog: ${catalogPath}\nlog:     ${logPath}`);
  io.out(
    c.dim(`next: review the articles, then \`vbulk plan ${catalogPath.replace(/\/catalog\.json$/, "")}\``),
  );
}
