/**
 * Photos edited in a photo app and saved under their own names (npm run bench:resaved): does a re-ingest still
 * know them as the same photos (src/ingest/resaved.ts), and does it take a different picture for one?
 *
 * Each labelled set's photos are edited 17 ways (EDITS) and analysed by the ingest's own analysePhotos (cached
 * under bench/out/resaved). Then: each edited photo against its original (recognised: should be the same photo),
 * every pair of two views of one garment, and a seeded sample of two garments' photos, as shot and edited
 * (GARMENT_KINDS): these should never be. `--sweep` prints the thresholds around DEFAULTS.resaved.
 *
 * Measured 2026-11-29 at DEFAULTS.resaved (maxStructure 0.14, maxColour 6, maxSmoothStructure 0.06), on the
 * 2-core machine (pairs measured once: madison-multiview ~19 min, deepfashion-dev ~13 min, clothing-home ~8 min):
 *
 *                      all edits known   before   two garments' photos taken for an edit   two views of one garment
 *   madison-multiview  3283/3604 91.1%   16.6%    12 / 354,920 edited, 0 / 44,365 as shot  0 / 6,228
 *   deepfashion-dev   10038/11271 89.1%  20.5%     0 / 360,672 edited, 0 / 45,084 as shot  0 / 38,916
 *   clothing-home      4093/4760 86.0%   16.8%     0 / 356,160 edited, 0 / 44,520 as shot  (one photo a garment)
 *
 * Weakest edits (clothing-home, home photos): a 10% crop per side 59%, the preset (x1.2, contrast, warm, 4% crop)
 * 64%, +0.5 EV 74%, brightness x1.5 74%. The light edits fail mostly on the colour measure (a strong brightening
 * clips colours unevenly), the 10% crop mostly on the structure.
 */

import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp, { type Sharp } from "sharp";
import { writeJsonAtomic } from "../src/core/atomic.js";
import { type Config, resolveConfig } from "../src/core/config.js";
import { limiter } from "../src/core/pool.js";
import { comparePhotos } from "../src/grouping/duplicates.js";
import { compareEdited, type EditedComparison } from "../src/imaging/edits.js";
import { editedEnough } from "../src/ingest/resaved.js";
import type { SourceFile } from "../src/sources/types.js";
import { type CacheEntry, PhotoCache } from "../src/store/cache.js";
import { needShared, REPO, readCsv, sharedPath } from "../test/helpers/shared.js";
import { analyseCached } from "./analyse.js";

export const SETS = ["madison-multiview", "deepfashion-dev", "clothing-home"] as const;

/** One edit a seller's photo app applies to every photo of a batch, saved under the same name (JPEG q 90). */
interface Edit {
  kind: string;
  apply: (input: Buffer) => Promise<Buffer>;
}

const jpeg = (s: Sharp, quality = 90) => s.jpeg({ quality }).toBuffer();
/** Keeps `1 - left - right` of the width and `1 - top - bottom` of the height. */
async function crop(input: Buffer, left: number, top: number, right: number, bottom: number) {
  const { width = 0, height = 0 } = await sharp(input).metadata();
  const l = Math.round(width * left);
  const t = Math.round(height * top);
  return sharp(input).extract({
    left: l,
    top: t,
    width: width - l - Math.round(width * right),
    height: height - t - Math.round(height * bottom),
  });
}
/** Straightened by `deg` and cropped to the largest centred rectangle of the photo's aspect with no corner. */
async function straighten(input: Buffer, deg: number) {
  const { width = 0, height = 0 } = await sharp(input).metadata();
  const th = (Math.abs(deg) * Math.PI) / 180;
  const k = 1 / (Math.cos(th) + Math.sin(th) * Math.max(width / height, height / width));
  const turned = await sharp(input).rotate(deg, { background: "#000000" }).png().toBuffer();
  const m = await sharp(turned).metadata();
  const w = Math.floor(width * k);
  const h = Math.floor(height * k);
  return sharp(turned).extract({
    left: Math.floor(((m.width ?? 0) - w) / 2),
    top: Math.floor(((m.height ?? 0) - h) / 2),
    width: w,
    height: h,
  });
}

export const EDITS: Edit[] = [
  { kind: "brightness x0.7", apply: (b) => jpeg(sharp(b).modulate({ brightness: 0.7 })) },
  { kind: "brightness x1.3", apply: (b) => jpeg(sharp(b).modulate({ brightness: 1.3 })) },
  { kind: "brightness x1.5", apply: (b) => jpeg(sharp(b).modulate({ brightness: 1.5 })) },
  { kind: "exposure +0.5 EV", apply: (b) => jpeg(sharp(b).linear(1.41, 0)) },
  { kind: "contrast x1.3", apply: (b) => jpeg(sharp(b).linear(1.3, -128 * 0.3)) },
  { kind: "contrast x0.8", apply: (b) => jpeg(sharp(b).linear(0.8, 128 * 0.2)) },
  { kind: "warm white balance", apply: (b) => jpeg(sharp(b).linear([1.08, 1, 0.88], [0, 0, 0])) },
  { kind: "cool white balance", apply: (b) => jpeg(sharp(b).linear([0.9, 1, 1.1], [0, 0, 0])) },
  { kind: "crop 3% per side", apply: async (b) => jpeg(await crop(b, 0.03, 0.03, 0.03, 0.03)) },
  { kind: "crop 5% per side", apply: async (b) => jpeg(await crop(b, 0.05, 0.05, 0.05, 0.05)) },
  { kind: "crop 10% per side", apply: async (b) => jpeg(await crop(b, 0.1, 0.1, 0.1, 0.1)) },
  { kind: "crop uneven 0-8%", apply: async (b) => jpeg(await crop(b, 0.08, 0, 0.02, 0.06)) },
  { kind: "straighten 1° + crop", apply: async (b) => jpeg(await straighten(b, 1)) },
  { kind: "straighten -2° + crop", apply: async (b) => jpeg(await straighten(b, -2)) },
  { kind: "recompress q60", apply: (b) => jpeg(sharp(b), 60) },
  {
    kind: "resize 50%",
    apply: async (b) => {
      const { width = 0 } = await sharp(b).metadata();
      return jpeg(sharp(b).resize(Math.round(width / 2)));
    },
  },
  {
    kind: "preset: x1.2, contrast, warm, crop 4%",
    apply: async (b) => {
      const lit = await sharp(b)
        .modulate({ brightness: 1.2 })
        .linear([1.1 * 1.04, 1.1, 1.1 * 0.94], [-12.8, -12.8, -12.8])
        .png()
        .toBuffer();
      return jpeg(await crop(lit, 0.04, 0.04, 0.04, 0.04));
    },
  },
];

export interface BenchPhoto {
  file: string;
  item: string;
  sha256: string;
}

export interface BenchSet {
  name: string;
  photos: BenchPhoto[];
  /** kind → the sha256 of each photo's edited version (same index as photos). */
  edited: Map<string, string[]>;
  entry: (sha: string) => CacheEntry;
}

/** Analyses a set's photos and each edit of them with the ingest's own analysePhotos, cached under bench/out. */
export async function loadSet(name: string, config: Config, log: (s: string) => void): Promise<BenchSet> {
  const manifest = readCsv(sharedPath("photos", name, "manifest.csv"));
  const dir = join(REPO, "bench", "out", "resaved", name);
  const cache = await PhotoCache.load(dir);
  const analyse = async (files: SourceFile[]) => {
    const { analysed, errors } = await analyseCached(dir, files, config, cache);
    if (errors.length) throw new Error(`${name}: ${errors.length} photos failed: ${errors[0]!.message}`);
    const sha = new Map(analysed.map((a) => [a.file.path, a.sha256]));
    return files.map((f) => sha.get(f.path)!);
  };
  const originals: SourceFile[] = manifest.map((r) => {
    const path = sharedPath("photos", name, r["file"]!);
    return { path, rel: r["file"]!, size: statSync(path).size };
  });
  const shas = await analyse(originals);
  const photos = manifest.map((r, k) => ({ file: r["file"]!, item: r["item_id"]!, sha256: shas[k]! }));
  const indexPath = join(dir, "edited.json");
  const index: Record<string, string[]> = existsSync(indexPath)
    ? JSON.parse(readFileSync(indexPath, "utf8"))
    : {};
  const slot = limiter(2);
  for (const edit of EDITS) {
    const known = index[edit.kind];
    if (known?.length === photos.length && known.every((s) => cache.get(s))) continue;
    log(`${name}: ${edit.kind}…`);
    // Edited copies live only while they are analysed: the cache keeps what the ingest would have kept.
    const tmp = join(dir, "edited");
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    const files = await Promise.all(
      originals.map((f, k) =>
        slot(async () => {
          const path = join(tmp, `IMG_${String(k + 1).padStart(4, "0")}.jpg`);
          const bytes = await edit.apply(readFileSync(f.path));
          await writeFile(path, bytes);
          return { path, rel: `IMG_${k}`, size: bytes.length };
        }),
      ),
    );
    index[edit.kind] = await analyse(files);
    await rm(tmp, { recursive: true, force: true });
    await writeJsonAtomic(indexPath, index);
  }
  return {
    name,
    photos,
    edited: new Map(EDITS.map((e) => [e.kind, index[e.kind]!])),
    entry: (sha) => {
      const e = cache.get(sha);
      if (!e) throw new Error(`${name}: no analysis for ${sha}`);
      return e;
    },
  };
}

/** What one pair of photos gives: the current rule (the duplicate test) and the edit comparison's measures. */
interface PairRow {
  /** same:<kind>, view:<kind> (another photo of the same garment), garment:<kind> (another garment's photo);
   *  <kind> is "as shot" or the edit applied to the later photo. */
  cat: string;
  before: number;
  after: number;
  duplicate: boolean;
  /** compareEdited's measures, null when it found no edit the sizes allow. */
  structure: number | null;
  smoothStructure: number | null;
  colour: number | null;
  /** The earlier photos of the two are the same picture by the duplicate test (one store picture listed under
   *  two products): not a different photo, left out of the false matches. */
  samePicture: boolean;
}

const AS_SHOT = "as shot";

/**
 * Every pair measured once and kept under bench/out (a full run compares some 8 million pairs of deepfashion-dev:
 * tens of minutes on the 2-core machine). Pairs of two garments whose structure is over FAR can pass no rule of
 * the sweep and are only counted.
 */
const FAR = 0.5;

async function measureSet(set: BenchSet, config: Config, log: (s: string) => void) {
  const path = join(REPO, "bench", "out", "resaved", set.name, `pairs-${MEASURE_VERSION}.json`);
  if (existsSync(path))
    return JSON.parse(readFileSync(path, "utf8")) as { rows: PairRow[]; far: Record<string, number> };
  const E = set.entry;
  const rows: PairRow[] = [];
  const far: Record<string, number> = {};
  const kinds = [AS_SHOT, ...EDITS.map((e) => e.kind)];
  const shaOf = (j: number, kind: string) =>
    kind === AS_SHOT ? set.photos[j]!.sha256 : set.edited.get(kind)![j]!;
  const measure = (cat: string, i: number, j: number, kind: string, samePicture: boolean) => {
    const before = E(set.photos[i]!.sha256);
    const after = E(shaOf(j, kind));
    const c = compareEdited(before, after, config.resaved);
    const duplicate = isDuplicate(before, after, config);
    if (cat.startsWith("garment:") && !duplicate && (!c || c.structure > FAR)) {
      far[cat] = (far[cat] ?? 0) + 1;
      return;
    }
    rows.push({
      cat,
      before: i,
      after: j,
      duplicate,
      structure: c?.structure ?? null,
      smoothStructure: c?.smoothStructure ?? null,
      colour: c?.colour ?? null,
      samePicture,
    });
  };
  const t0 = Date.now();
  set.photos.forEach((_, i) => {
    for (const e of EDITS) measure(`same:${e.kind}`, i, i, e.kind, true);
  });
  const rand = seededRandom(7);
  set.photos.forEach((p, i) => {
    if (i % 50 === 0)
      log(
        `${set.name}: pairs of photo ${i + 1}/${set.photos.length} (${Math.round((Date.now() - t0) / 1000)} s)`,
      );
    const others = set.photos.flatMap((q, j) => (q.item !== p.item ? [j] : []));
    const sampled = new Set(seededSample(others, otherGarmentPhotos(set.photos.length), rand));
    set.photos.forEach((q, j) => {
      if (i === j) return;
      const samePicture = isDuplicate(E(p.sha256), E(q.sha256), config);
      if (p.item === q.item) for (const kind of kinds) measure(`view:${kind}`, i, j, kind, samePicture);
      else if (sampled.has(j))
        for (const kind of GARMENT_KINDS) measure(`garment:${kind}`, i, j, kind, samePicture);
    });
  });
  await writeJsonAtomic(path, { rows, far });
  return { rows, far };
}

/** Photos of other garments each photo is paired with (seeded sample): about 44,500 pairs per set (210 a photo for
 *  madison-multiview's 212, 68 for deepfashion-dev's 663). Every pair of deepfashion-dev's photos in every edit
 *  would be 8 million comparisons, hours on the 2-core machine. */
const otherGarmentPhotos = (photos: number) => Math.min(210, Math.ceil(44_500 / photos));
/** The later photo's versions paired with another garment's earlier photo: as shot, and the edits that move the
 *  comparison most (light, colour, each kind of crop). */
const GARMENT_KINDS = [
  AS_SHOT,
  "brightness x1.5",
  "contrast x1.3",
  "warm white balance",
  "crop 5% per side",
  "crop 10% per side",
  "crop uneven 0-8%",
  "straighten -2° + crop",
  "preset: x1.2, contrast, warm, crop 4%",
];

function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** k of xs, seeded (all of them when there are k or fewer). */
function seededSample<T>(xs: T[], k: number, rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.slice(0, k);
}

/** Bumped when compareEdited or the pairs measured change: the cached pairs are measured again. */
const MEASURE_VERSION = 2;

function isDuplicate(before: CacheEntry, after: CacheEntry, config: Config): boolean {
  return (
    comparePhotos(
      [
        { ...before, sha256: "before", pixels: before.width * before.height },
        { ...after, sha256: "after", pixels: after.width * after.height },
      ],
      config.duplicates,
    ).duplicates.length > 0
  );
}

interface Tally {
  n: number;
  before: number;
  after: number;
}
const tally = (): Tally => ({ n: 0, before: 0, after: 0 });
const pct = (k: number, n: number) => (n ? `${((100 * k) / n).toFixed(1)}%` : "-");

/** The figures of one set under thresholds t: recognised edits per kind, false matches per kind of pair. */
function score(rows: PairRow[], far: Record<string, number>, t: Config["resaved"]) {
  const recognised = new Map<string, Tally>();
  const falseMatches = new Map<string, Tally>();
  let samePicture = 0;
  for (const r of rows) {
    const after =
      r.duplicate ||
      editedEnough(
        r.structure === null
          ? null
          : ({
              structure: r.structure,
              smoothStructure: r.smoothStructure ?? 1,
              colour: r.colour ?? 0,
            } as EditedComparison),
        t,
      );
    const what = r.cat.slice(0, r.cat.indexOf(":"));
    const kind = r.cat.slice(r.cat.indexOf(":") + 1);
    if (what === "same") {
      const k = recognised.get(kind) ?? tally();
      k.n++;
      k.before += +r.duplicate;
      k.after += +after;
      recognised.set(kind, k);
      continue;
    }
    if (r.samePicture) {
      samePicture++;
      continue;
    }
    const key = `${what === "view" ? "other view of the same garment" : "another garment"}, ${kind === AS_SHOT ? AS_SHOT : "edited"}`;
    const k = falseMatches.get(key) ?? tally();
    k.n++;
    k.before += +r.duplicate;
    k.after += +after;
    falseMatches.set(key, k);
  }
  for (const [cat, n] of Object.entries(far)) {
    const kind = cat.slice(cat.indexOf(":") + 1);
    const key = `another garment, ${kind === AS_SHOT ? AS_SHOT : "edited"}`;
    const k = falseMatches.get(key) ?? tally();
    k.n += n;
    falseMatches.set(key, k);
  }
  return { recognised, falseMatches, samePicture };
}

/** One sweep line's figures under thresholds t: each set's recognised edits and false matches (other view; another
 *  garment). */
function sweepCells(
  measured: { name: string; rows: PairRow[]; far: Record<string, number> }[],
  t: Config["resaved"],
): string {
  return measured
    .map(({ name, rows, far }) => {
      const { recognised, falseMatches } = score(rows, far, t);
      const rec = [...recognised.values()].reduce((a, k) => a + k.after, 0);
      const n = [...recognised.values()].reduce((a, k) => a + k.n, 0);
      const fm = (what: string) =>
        [...falseMatches].filter(([key]) => key.startsWith(what)).reduce((a, [, k]) => a + k.after, 0);
      return `${name} ${pct(rec, n)} / ${fm("other view")}; ${fm("another garment")}`;
    })
    .join(" | ");
}

async function main() {
  const config = resolveConfig();
  const sweep = process.argv.includes("--sweep");
  if (config.resaved.maxPatternStructure > FAR)
    throw new Error(
      `maxPatternStructure ${config.resaved.maxPatternStructure} is over FAR ${FAR}: raise FAR and bump MEASURE_VERSION`,
    );
  const measured: { name: string; rows: PairRow[]; far: Record<string, number> }[] = [];
  const only = process.argv.find((a) => a.startsWith("--set="))?.slice("--set=".length);
  for (const name of SETS.filter((n) => !only || n === only)) {
    const skip = needShared("photos", name, "manifest.csv");
    if (skip) {
      console.error(skip);
      continue;
    }
    const log = (s: string) => console.error(s);
    const set = await loadSet(name, config, log);
    const t0 = Date.now();
    const { rows, far } = await measureSet(set, config, log);
    log(`${name}: ${rows.length} pairs kept (${Math.round((Date.now() - t0) / 1000)} s)`);
    measured.push({ name, rows, far });
    const { recognised, falseMatches, samePicture } = score(rows, far, config.resaved);
    console.log(
      `\n## ${name}: ${set.photos.length} photos of ${new Set(set.photos.map((p) => p.item)).size} garments\n`,
    );
    console.log("| edit (every photo, saved under its name) | recognised before | after |");
    console.log("|---|---|---|");
    let all = tally();
    for (const [kind, k] of recognised) {
      console.log(`| ${kind} | ${k.before}/${k.n} | ${k.after}/${k.n} (${pct(k.after, k.n)}) |`);
      all = { n: all.n + k.n, before: all.before + k.before, after: all.after + k.after };
    }
    console.log(
      `| all edits | ${all.before}/${all.n} (${pct(all.before, all.n)}) | ${all.after}/${all.n} (${pct(all.after, all.n)}) |`,
    );
    console.log("\n| different photo under the name (pairs) | called the same photo before | after |");
    console.log("|---|---|---|");
    for (const [key, k] of [...falseMatches].sort())
      console.log(`| ${key} (${k.n}) | ${k.before} | ${k.after} |`);
    console.log(
      `\n(${samePicture} pairs of two garments' photos that are one picture by the duplicate test, a store's photo listed under two products, are not counted as different photos.)`,
    );
  }
  if (sweep) {
    console.log(
      "\n## sweep: recognised edits (all kinds) / false matches (other view; another garment) per set\n",
    );
    for (const maxStructure of [0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.25])
      for (const maxColour of [3, 4, 5, 6, 7, 8, 10]) {
        const cells = sweepCells(measured, { ...config.resaved, maxStructure, maxColour });
        console.log(`structure <= ${maxStructure}, colour <= ${maxColour}: ${cells}`);
      }
    console.log("\n## sweep: the smoothed rule for fine patterns, at the other defaults\n");
    for (const maxSmoothStructure of [0, 0.04, 0.06, 0.08, 0.1]) {
      const cells = sweepCells(measured, { ...config.resaved, maxSmoothStructure });
      console.log(`smoothed <= ${maxSmoothStructure}: ${cells}`);
    }
  }
}

if (process.argv[1]?.endsWith("resaved.ts")) await main();
