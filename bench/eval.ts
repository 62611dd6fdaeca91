/**
 * Quality evaluation on the labelled photo sets of ../shared (npm run eval). Copies a set under neutral names
 * (IMG_0001.jpg …) so names cannot help, runs the ingest core with the model-free embedder, and scores:
 * article recovery and pairwise precision/recall (madison-multiview, in shooting order and shuffled),
 * duplicate precision/recall (madison-near-duplicates), colour accuracy (madison-multiview).
 *
 *   npm run eval                       all figures
 *   npm run eval -- --sweep            also sweep the sequence threshold and DBSCAN eps (for choosing defaults)
 */
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { type ConfigOverrides, resolveConfig } from "../src/core/config.js";
import { scoreDuplicates, scoreGrouping } from "../src/grouping/evaluate.js";
import { createFeatureEmbedder } from "../src/imaging/features.js";
import { runIngest } from "../src/ingest/index.js";
import type { Catalog } from "../src/store/catalog.js";
import { needShared, readCsv, sharedPath } from "../test/helpers/shared.js";

const FR_TO_EN: Record<string, string> = {
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

interface Row {
  file: string;
  item: string;
  color: string;
}

function seededShuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Copies rows under neutral names in the given order; returns neutral name → row. */
async function stage(set: string, rows: Row[]): Promise<{ dir: string; byName: Map<string, Row> }> {
  const dir = await mkdtemp(join(tmpdir(), `vbulk-eval-${set}-`));
  const byName = new Map<string, Row>();
  let k = 0;
  for (const r of rows) {
    const name = `IMG_${String(++k).padStart(4, "0")}${extname(r.file).toLowerCase()}`;
    await copyFile(sharedPath("photos", set, r.file), join(dir, name));
    byName.set(name, r);
  }
  return { dir, byName };
}

async function ingest(dir: string, overrides: ConfigOverrides = {}): Promise<Catalog> {
  const embedder = createFeatureEmbedder();
  const { catalog } = await runIngest({ source: dir, config: resolveConfig(overrides), embedder });
  return catalog;
}

function articleOfFile(catalog: Catalog): Map<string, string> {
  return new Map(catalog.photos.filter((p) => p.article).map((p) => [p.file, p.article!]));
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

async function evalMultiview(order: "shooting" | "shuffled", overrides: ConfigOverrides = {}, quiet = false) {
  const manifest = readCsv(sharedPath("photos", "madison-multiview", "manifest.csv"));
  const items = new Map(
    readCsv(sharedPath("photos", "madison-multiview", "items.csv")).map((r) => [r["item_id"]!, r]),
  );
  let rows: Row[] = manifest.map((r) => ({
    file: r["file"]!,
    item: r["item_id"]!,
    color: items.get(r["item_id"]!)?.["vbulk_color"] ?? "",
  }));
  if (order === "shuffled") rows = seededShuffle(rows, 7);
  const { dir, byName } = await stage("madison-multiview", rows);
  try {
    const catalog = await ingest(dir, overrides);
    // Grouping is scored on the photos it received: dedupe leaves duplicates out of grouping (and madison files a
    // few identical pictures under two products, which dedupe rightly drops). The number dropped is printed.
    const grouped = new Set(catalog.photos.filter((p) => p.article && !p.duplicate_of).map((p) => p.file));
    const truth = new Map([...byName].filter(([n]) => grouped.has(n)).map(([n, r]) => [n, r.item]));
    const score = scoreGrouping(truth, articleOfFile(catalog));
    // Colour: each true article against the colour of the predicted article holding most of its photos.
    const itemColor = new Map(catalog.items.map((it) => [it.id, it.color]));
    const art = articleOfFile(catalog);
    let right = 0;
    let judged = 0;
    const byItem = new Map<string, string[]>();
    for (const [n, r] of byName) byItem.set(r.item, [...(byItem.get(r.item) ?? []), n]);
    for (const [item, names] of byItem) {
      const want = byName.get(names[0]!)!.color;
      if (!want || !Object.values(FR_TO_EN).includes(want)) continue;
      const votes = new Map<string, number>();
      for (const n of names) {
        const a = art.get(n);
        if (a) votes.set(a, (votes.get(a) ?? 0) + 1);
      }
      const top = [...votes].sort((x, y) => y[1] - x[1])[0]?.[0];
      judged++;
      if (top && FR_TO_EN[itemColor.get(top) ?? ""] === want) right++;
      void item;
    }
    if (process.argv.includes("--verbose") && !quiet && order === "shooting") {
      const art = articleOfFile(catalog);
      for (const [item, names] of byItem) {
        if (!names.some((n) => grouped.has(n))) continue;
        const arts = new Set(names.filter((n) => grouped.has(n)).map((n) => art.get(n)));
        const members = catalog.items
          .filter((it) => arts.has(it.id))
          .flatMap((it) => it.photos.map((p) => `${p}=${byName.get(p)?.file.replace("images/", "")}`));
        if (arts.size !== 1 || members.length !== names.filter((n) => grouped.has(n)).length)
          console.log(`  missed ${item}: ${members.join(" ")}`);
      }
    }
    if (!quiet)
      console.log(
        `madison-multiview (${order}): ${score.articles} articles, ${catalog.summary.photos} photos → ${score.predictedArticles} predicted (${catalog.grouping.method}, order signal ${catalog.grouping.order_signal}); exact ${pct(score.exactRecovery)}; pairwise P ${pct(score.pairwisePrecision)} R ${pct(score.pairwiseRecall)}; colour ${right}/${judged} = ${pct(right / judged)}; duplicates dropped ${catalog.summary.duplicates}`,
      );
    return { score, colour: right / judged };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function evalDuplicates(overrides: ConfigOverrides = {}) {
  const manifest = readCsv(sharedPath("photos", "madison-near-duplicates", "manifest.csv"));
  const rows = seededShuffle(
    manifest.map((r) => ({ file: r["file"]!, item: r["item_id"]!, color: "" })),
    11,
  );
  const { dir, byName } = await stage("madison-near-duplicates", rows);
  try {
    const catalog = await ingest(dir, overrides);
    const truth = new Map([...byName].map(([n, r]) => [n, r.item]));
    const group = new Map(catalog.photos.map((p) => [p.file, p.duplicate_of ?? p.file]));
    const s = scoreDuplicates(truth, group);
    console.log(
      `madison-near-duplicates: ${byName.size} files in ${new Set(truth.values()).size} groups; duplicate pairs P ${pct(s.precision)} R ${pct(s.recall)} (${s.predictedPairs} predicted, ${s.truePairs} true)`,
    );
    return s;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  const skip = needShared("photos", "madison-multiview");
  if (skip) {
    console.log(skip);
    return;
  }
  const started = Date.now();
  await evalMultiview("shooting");
  await evalMultiview("shuffled");
  await evalDuplicates();
  if (process.argv.includes("--sweep")) {
    for (const singletonPenalty of [0, 0.1, 0.2, 0.3])
      for (const eps of [0.1, 0.15, 0.2, 0.25]) {
        const { score } = await evalMultiview(
          "shooting",
          { grouping: { method: "sequence", sequenceEps: eps, singletonPenalty } },
          true,
        );
        console.log(
          `  sequence eps ${eps} singleton ${singletonPenalty}: exact ${pct(score.exactRecovery)} P ${pct(score.pairwisePrecision)} R ${pct(score.pairwiseRecall)}`,
        );
      }
    for (const eps of [0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.24]) {
      for (const method of ["dbscan", "agglomerative"] as const) {
        const { score } = await evalMultiview(
          "shuffled",
          { grouping: { method, eps, linkageCut: eps } },
          true,
        );
        console.log(
          `  ${method} eps ${eps} (shuffled): exact ${pct(score.exactRecovery)} P ${pct(score.pairwisePrecision)} R ${pct(score.pairwiseRecall)}`,
        );
      }
    }
  }
  console.log(`eval took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
