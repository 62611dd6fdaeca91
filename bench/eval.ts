/**
 * Quality evaluation on the labelled photo sets of ../shared/photos (npm run eval). Every set with a manifest.csv
 * is measured; photos are read in place (never copied) and the grouping never sees their names: the analysis
 * step (decode, hashes, colour, embedding, garment descriptor: the ingest's own analysePhotos) runs once per set
 * and is cached by content under bench/out/eval-cache/ (gitignored), then the ingest's own groupArticles and
 * describeArticles run on the photos in three orders:
 *
 *   shooting  the manifest's order (how the set's photos were taken/listed), no capture times
 *   shuffled  a seeded shuffle (seed 7), no capture times: the order-free fallback
 *   times     shooting order plus simulated EXIF capture times, as a seller's phone would record them: within a
 *             garment 2-8 s between photos (uniform), between garments 20 s-5 min (log-uniform), seeded (seed 11)
 *
 * Printed per set and order: articles found vs true, exact articles (a garment's photos form one article and
 * nothing else), pairwise precision/recall, photos merged into another garment's article, one-photo sets kept
 * alone, and colour accuracy where the set has colour labels. Duplicate detection is scored on
 * madison-near-duplicates, with copies of its photos that lost their orientation tag (made in memory), and the
 * pairs it calls the same picture within each grouping set are listed (the sets hold no copies: see duplicatePairs).
 *
 *   npm run eval                 the table (paste it into the README's "Measured quality")
 *   npm run eval -- --sweep      also a grid of the grouping settings, with the worst set per setting and a
 *                                leave-one-set-out check (choose on the other sets, read on the held-out one)
 *   npm run eval -- --sweep-free only the order-free settings' grid (shuffled rows), same checks
 *   npm run eval -- --small      small shuffled batches (about 30, 60, 120 photos of whole garments, 10 draws)
 *   npm run eval -- --small-ordered  small batches in shooting order (windows of 5-40 whole garments; one-photo
 *                                sets: windows of 6-30 photos), and the order test's false alarms on random orders
 *   npm run eval -- --turned     the copies that lost their orientation tag made of every set, not only
 *                                madison-near-duplicates (some minutes: three decodes a photo)
 *   npm run eval -- --errors     the garments of the multi-photo sets not recovered exactly in shooting order: each
 *                                article holding one of their photos, with the photos' own files (for looking at
 *                                them; the grouping never sees the names); and under each colour table, every
 *                                misnamed garment with its label and the name given
 */

import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { type Config, type ConfigOverrides, resolveConfig } from "../src/core/config.js";
import { limiter } from "../src/core/pool.js";
import { comparePhotos, type DuplicatePair, decideDuplicates } from "../src/grouping/duplicates.js";
import { scoreDuplicates, scoreGrouping } from "../src/grouping/evaluate.js";
import { decodePhoto } from "../src/imaging/decode.js";
import { hashPixels } from "../src/imaging/hash.js";
import { describeArticles } from "../src/ingest/describe.js";
import { type GroupStep, groupArticles } from "../src/ingest/group.js";
import type { AnalysedPhoto } from "../src/ingest/types.js";
import type { SourceFile } from "../src/sources/types.js";
import { needShared, REPO, readCsv, sharedPath } from "../test/helpers/shared.js";
import { analyseCached } from "./analyse.js";
import { disputedBy, FR_TO_EN } from "./colour-names.js";

interface LabelledSet {
  name: string;
  photos: AnalysedPhoto[];
  /** True garment per photo (same index as photos). */
  item: string[];
  /** Colour label per garment where the set has one (English), else absent. */
  colour: Map<string, string>;
  /** The other colour a garment's own record names against its label (bench/colour-names.ts disputedBy). */
  disputed: Map<string, string>;
  /** The photo's file in the set (same index as photos), for --errors only: the grouping sees neutral names. */
  file: string[];
}

/** Analyses a set once (cached by content under bench/out/eval-cache/<set>). */
async function loadSet(name: string, config: Config): Promise<LabelledSet> {
  const manifest = readCsv(sharedPath("photos", name, "manifest.csv"));
  const itemsPath = sharedPath("photos", name, "items.csv");
  const colour = new Map<string, string>();
  const disputed = new Map<string, string>();
  if (existsSync(itemsPath))
    for (const r of readCsv(itemsPath)) {
      if (r["vbulk_color"]) colour.set(r["item_id"]!, r["vbulk_color"]!);
      const other = disputedBy(r);
      if (other) disputed.set(r["item_id"]!, other);
    }
  const files: SourceFile[] = manifest.map((r, k) => {
    const path = sharedPath("photos", name, r["file"]!);
    // Neutral names: the grouping never sees them anyway, and the catalog paths must not reveal the item.
    return { path, rel: `IMG_${String(k + 1).padStart(4, "0")}`, size: statSync(path).size };
  });
  const dir = join(REPO, "bench", "out", "eval-cache", name);
  const { analysed, errors } = await analyseCached(dir, files, config);
  if (errors.length) console.error(`${name}: ${errors.length} photos failed: ${errors[0]!.message}`);
  const itemOf = new Map(files.map((f, k) => [f.path, manifest[k]!["item_id"]!]));
  const fileOf = new Map(files.map((f, k) => [f.path, manifest[k]!["file"]!]));
  return {
    name,
    photos: analysed,
    item: analysed.map((a) => itemOf.get(a.file.path)!),
    colour,
    disputed,
    file: analysed.map((a) => fileOf.get(a.file.path)!),
  };
}

function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function seededShuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  const rand = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

type Order = "shooting" | "shuffled" | "times";

/** The set's photos in the given order, each with the capture time that order implies (copies; never mutates). */
function arrange(set: LabelledSet, order: Order): { photos: AnalysedPhoto[]; item: string[] } {
  let idx = set.photos.map((_, i) => i);
  if (order === "shuffled") idx = seededShuffle(idx, 7);
  const rand = seededRandom(11);
  let t = Date.UTC(2026, 0, 10, 10, 0, 0) / 1000;
  const photos = idx.map((i, k) => {
    const a = set.photos[i]!;
    let captured: string | null = null;
    if (order === "times") {
      if (k > 0) {
        const sameGarment = set.item[idx[k - 1]!] === set.item[i];
        t += sameGarment ? 2 + 6 * rand() : Math.exp(Math.log(20) + (Math.log(300) - Math.log(20)) * rand());
      }
      captured = new Date(Math.round(t) * 1000).toISOString().slice(0, 19);
    }
    return { ...a, entry: { ...a.entry, captured_at: captured } };
  });
  return { photos, item: idx.map((i) => set.item[i]!) };
}

export interface SetScore {
  garments: number;
  photos: number;
  predicted: number;
  exact: number;
  precision: number;
  recall: number;
  /** Share of photos that sit in an article whose majority is another garment (or a tie lost). */
  mergedIntoOther: number;
  /** Among garments with one photo: share kept as a one-photo article. */
  keptAlone: number | null;
  method: string;
  /** The two-mode fits (Ashman's D / dip) that decided the method: appearance, time, neighbours. */
  modes: string;
}

/** Scores one grouping against the truth; duplicates the ingest set aside are scored with their keeper. */
function scoreStep(step: GroupStep, item: string[]): SetScore {
  const articleOf = new Map<number, string>();
  step.articles.forEach((members, k) => {
    for (const i of members) articleOf.set(i, `a${k}`);
  });
  for (const [i, dup] of step.dupes) {
    const a = articleOf.get(dup.of);
    if (a) articleOf.set(i, a);
  }
  // Grouping is scored on the photos it received: dedupe rightly drops a set's repeated pictures.
  const scored = step.kept;
  const truth = new Map(scored.map((i) => [String(i), item[i]!]));
  const pred = new Map(scored.map((i) => [String(i), articleOf.get(i) ?? `none${i}`]));
  const s = scoreGrouping(truth, pred);
  const members = new Map<string, number[]>();
  for (const i of scored) {
    const a = pred.get(String(i))!;
    members.set(a, [...(members.get(a) ?? []), i]);
  }
  let merged = 0;
  for (const m of members.values()) {
    const count = new Map<string, number>();
    for (const i of m) count.set(item[i]!, (count.get(item[i]!) ?? 0) + 1);
    merged += m.length - Math.max(...count.values());
  }
  const perItem = new Map<string, number[]>();
  for (const i of scored) perItem.set(item[i]!, [...(perItem.get(item[i]!) ?? []), i]);
  const singles = [...perItem.values()].filter((v) => v.length === 1);
  const alone = singles.filter((v) => members.get(pred.get(String(v[0]!))!)!.length === 1).length;
  return {
    garments: s.articles,
    photos: scored.length,
    predicted: s.predictedArticles,
    exact: s.exactRecovery,
    precision: s.pairwisePrecision,
    recall: s.pairwiseRecall,
    mergedIntoOther: merged / scored.length,
    keptAlone: singles.length ? alone / singles.length : null,
    method: step.grouping.method,
    modes: [
      ...Object.entries(step.grouping.modes)
        .filter(([, m]) => m)
        .map(([k, m]) => `${k} D ${m!.separation} dip ${m!.dip}`),
      ...(step.grouping.orderFree
        ? [
            `order-free: ${pct(step.grouping.orderFree.partnered)} of photos partnered (${pct(step.grouping.orderFree.needed)} needed)`,
          ]
        : []),
    ].join("; "),
  };
}

/**
 * Colour accuracy: each labelled garment against the colour of the article holding most of its photos.
 * Kept as one function so colour-naming work can extend the columns without touching the grouping part.
 */
export async function colourAccuracy(
  photos: AnalysedPhoto[],
  item: string[],
  step: GroupStep,
  labels: Map<string, string>,
  config: Config,
): Promise<{ right: number; judged: number; pairs: [string, string][]; garments: string[] } | null> {
  if (labels.size === 0) return null;
  const { items } = await describeArticles(photos, step, {
    config,
    ids: step.articles.map((_, k) => `c${k + 1}`),
    relTo: (a) => a.file.rel,
    nameOrder: (a) => photos.indexOf(a),
  });
  const articleColour = new Map<string, string>();
  for (const it of items) for (const f of it.photos) articleColour.set(f, FR_TO_EN[it.color] ?? it.color);
  const byItem = new Map<string, AnalysedPhoto[]>();
  photos.forEach((p, i) => {
    byItem.set(item[i]!, [...(byItem.get(item[i]!) ?? []), p]);
  });
  let right = 0;
  let judged = 0;
  const pairs: [string, string][] = [];
  const garments: string[] = [];
  for (const [garment, ps] of byItem) {
    const want = labels.get(garment);
    if (!want || !Object.values(FR_TO_EN).includes(want)) continue;
    const votes = new Map<string, number>();
    for (const p of ps) {
      const c = articleColour.get(p.file.rel);
      if (c) votes.set(c, (votes.get(c) ?? 0) + 1);
    }
    const top = [...votes].sort((x, y) => y[1] - x[1])[0]?.[0];
    judged++;
    if (top === want) right++;
    pairs.push([want, top ?? "none"]);
    garments.push(garment);
  }
  return { right, judged, pairs, garments };
}

/**
 * Per-colour accuracy and the confusion table (rows: the set's label, columns: vbulk's colour), and how many of
 * the misnamed garments carry a label their own record disputes (`disputed[k]`: the other colour, for pairs[k]).
 */
function confusionTable(
  set: string,
  pairs: [string, string][],
  disputed: (string | undefined)[] = [],
): string {
  const colours = Object.values(FR_TO_EN);
  const right = pairs.filter(([w, g]) => w === g).length;
  const lines = [
    `\n${set}: colour ${right}/${pairs.length} = ${pct(right / pairs.length)} (rows: label, columns: vbulk)`,
    `  ${"".padEnd(7)}${colours.map((c) => c.slice(0, 6).padStart(7)).join("")}  accuracy`,
  ];
  for (const want of colours) {
    const row = pairs.filter(([w]) => w === want);
    if (!row.length) continue;
    const cells = colours.map((got) => row.filter(([, g]) => g === got).length);
    const ok = row.filter(([, g]) => g === want).length;
    lines.push(
      `  ${want.padEnd(7)}${cells.map((n) => (n ? String(n) : ".").padStart(7)).join("")}  ${ok}/${row.length} = ${pct(ok / row.length)}`,
    );
  }
  const wrong = pairs.flatMap(([w, g], k) => (w === g ? [] : [{ got: g, other: disputed[k] }]));
  const onDisputed = wrong.filter((x) => x.other);
  lines.push(
    `  misnamed ${wrong.length}: ${onDisputed.length} on a label the garment's own record disputes (the merchant's finer colour or the set's notes name another), ${onDisputed.filter((x) => x.other === x.got).length} of them named as that colour`,
  );
  return lines.join("\n");
}

function pct(x: number | null): string {
  return x === null ? "–" : `${(100 * x).toFixed(1)}%`;
}

async function evalDuplicates(config: Config): Promise<string> {
  const name = "madison-near-duplicates";
  const set = await loadSet(name, config);
  const { photos, item } = arrange(set, "shuffled");
  const step = await groupArticles(photos, config, () => {});
  const truth = new Map(photos.map((_, i) => [String(i), item[i]!]));
  const group = new Map(photos.map((_, i) => [String(i), String(step.dupes.get(i)?.of ?? i)]));
  const s = scoreDuplicates(truth, group);
  return `${name}: ${photos.length} files in ${new Set(item).size} groups; duplicate pairs P ${pct(s.precision)} R ${pct(s.recall)} (${s.predictedPairs} predicted, ${s.truePairs} true)`;
}

/**
 * Every pair of a set's photos the duplicate test calls the same picture (all pairs, whatever the grouping). The
 * labelled sets hold no copies, only the few pictures a store used twice. madison-multiview's 6 (looked at side by
 * side, 2026-11-29): one outfit picture for two products (mpd012t / msj000t; msj012a / pmtk001c, a white blazer
 * over a striped tee; pmp001t / pms002t, a shirt and tie over trousers) or two frames of one outfit a moment apart
 * (pwt005t / wpd000t; msj012t / pmtk001t; pwt006a / wsd000t, a black top over a skirt). A pair a change of the
 * test adds is a false one.
 */
function duplicatePairs(set: LabelledSet, config: Config): string {
  const hashed = set.photos.map((a) => ({
    ...a.entry,
    sha256: a.sha256,
    pixels: a.entry.width * a.entry.height,
  }));
  const pairs = comparePhotos(hashed, config.duplicates).duplicates;
  const turned = pairs.filter((p) => (p as { turned?: number }).turned);
  const across = pairs.filter((p) => set.item[p.a] !== set.item[p.b]);
  const named = (p: DuplicatePair) =>
    `${set.file[p.a]} / ${set.file[p.b]}${(p as { turned?: number }).turned ? ` (turned ${(p as { turned?: number }).turned}°)` : ""}`;
  return `  ${set.name}: ${pairs.length} pairs called the same picture, ${across.length} of two garments, ${turned.length} turned${pairs.length ? `: ${pairs.map(named).join(", ")}` : ""}`;
}

/** Turns applied to make copies that lost their orientation tag (degrees clockwise, as sharp's rotate). */
const TURNS = [90, 180, 270] as const;

/**
 * Copies that lost their EXIF orientation tag: each photo of the set turned 90°, 180° and 270° and saved as a new
 * JPEG (quality 85, no tag), as an app that keeps the stored pixels and drops the tag saves a phone's photo, hashed
 * in memory (never written). The duplicate test then runs over the photos and their copies together: a copy
 * should join its own photo's group (recall), never another picture's (precision). In madison-near-duplicates a
 * picture is its duplicate group; in the other sets each photo is its own picture, so the few pictures a store used
 * twice (duplicatePairs) and their copies count as false pairs, as they do before any change.
 */
async function evalTurnedCopies(set: LabelledSet, config: Config): Promise<string> {
  // madison-near-duplicates groups the files showing one picture; in the other sets each photo is its own picture.
  const picture = (i: number) => (set.name === "madison-near-duplicates" ? set.item[i]! : set.file[i]!);
  const limit = limiter(config.decode.concurrency);
  const copies = await Promise.all(
    set.file.flatMap((file, i) =>
      TURNS.map((turn) =>
        limit(async () => {
          const bytes = await sharp(sharedPath("photos", set.name, file))
            .autoOrient()
            .rotate(turn)
            .jpeg({ quality: 85 })
            .toBuffer();
          const d = await decodePhoto(bytes, config.decode.workingSize);
          const h = await hashPixels(d.pixels, d.pw, d.ph);
          return { ...h, sha256: d.sha256, width: d.width, height: d.height, picture: picture(i), of: i };
        }),
      ),
    ),
  );
  const hashed = [
    ...set.photos.map((a, i) => ({ ...a.entry, sha256: a.sha256, picture: picture(i) })),
    ...copies,
  ].map((p) => ({ ...p, pixels: p.width * p.height }));
  const dupes = decideDuplicates(hashed, comparePhotos(hashed, config.duplicates).duplicates);
  const truth = new Map(hashed.map((p, i) => [String(i), p.picture]));
  const group = new Map(hashed.map((_, i) => [String(i), String(dupes.get(i)?.of ?? i)]));
  const s = scoreDuplicates(truth, group);
  const keeper = (i: number) => dupes.get(i)?.of ?? i;
  const found = copies.filter((c, k) => keeper(set.photos.length + k) === keeper(c.of)).length;
  // A copy in a group with another picture (by the set's labels) that the test, as shown, does not put with the
  // copy's own photo: a false pair the turned test made (the pictures a store used twice are already joined as
  // shown, and their copies with them).
  const originals = hashed.slice(0, set.photos.length);
  const asShown = decideDuplicates(originals, comparePhotos(originals, config.duplicates).duplicates);
  const shownKeeper = (i: number) => asShown.get(i)?.of ?? i;
  const strays = copies.filter((c, k) =>
    originals.some(
      (o, j) =>
        keeper(j) === keeper(set.photos.length + k) &&
        o.picture !== c.picture &&
        shownKeeper(j) !== shownKeeper(c.of),
    ),
  ).length;
  return `  ${set.name} + ${copies.length} turned copies: duplicate pairs P ${pct(s.precision)} R ${pct(s.recall)} (${s.predictedPairs} predicted, ${s.truePairs} true); copies joined to their own photo's group ${found}/${copies.length}, to another picture ${strays}`;
}

function groupingSets(): string[] {
  const root = sharedPath("photos");
  return readdirSync(root)
    .filter((d) => d !== "madison-near-duplicates" && existsSync(join(root, d, "manifest.csv")))
    .sort();
}

/**
 * The garments not recovered exactly (--errors), shooting order: per garment, every article holding one of its
 * photos, each photo as garment:file, duplicates set aside left out (they are not scored). Articles are numbered
 * in shooting order, so neighbours show as neighbours.
 */
function listErrors(set: LabelledSet, step: GroupStep): string {
  const articleOf = new Map<number, number>();
  step.articles.forEach((members, k) => {
    for (const i of members) articleOf.set(i, k);
  });
  const wrong = new Set<string>();
  const byItem = new Map<string, Set<number>>();
  for (const i of step.kept)
    byItem.set(set.item[i]!, (byItem.get(set.item[i]!) ?? new Set()).add(articleOf.get(i)!));
  for (const [garment, arts] of byItem)
    if (arts.size > 1 || [...arts].some((a) => step.articles[a]!.some((i) => set.item[i] !== garment)))
      wrong.add(garment);
  const lines = [`\n${set.name}, shooting order: ${wrong.size} garments not recovered exactly`];
  for (const garment of wrong) {
    const arts = [...byItem.get(garment)!].sort((a, b) => a - b);
    const shown = arts.map(
      (a) =>
        `article ${a + 1} [${step.articles[a]!.map((i) => (set.item[i] === garment ? set.file[i]! : `${set.item[i]}:${set.file[i]}`)).join(", ")}]`,
    );
    lines.push(`  ${garment}: ${shown.join(" + ")}`);
  }
  return lines.join("\n");
}

async function run(set: LabelledSet, order: Order, config: Config) {
  const { photos, item } = arrange(set, order);
  const step = await groupArticles(photos, config, () => {});
  return { score: scoreStep(step, item), step, photos, item };
}

/**
 * --mixed: two shoots in one folder, one after the other in shooting order (no capture times), as a seller who
 * puts several sessions into one batch: every multi-photo set after every other set, and before it. Printed per
 * pair: each part's exact articles in the mix against the same set grouped alone.
 */
async function mixed(sets: LabelledSet[], config: Config): Promise<void> {
  const multi = sets.filter((s) => new Set(s.item).size < s.item.length);
  const alone = new Map<string, number>();
  for (const s of sets) alone.set(s.name, (await run(s, "shooting", config)).score.exact);
  const rows = [
    "",
    "two shoots in one folder (shooting order, no capture times): exact articles of each part, mixed vs alone",
    "| first | then | photos | first part | then part |",
    "|---|---|---|---|---|",
  ];
  const worst: number[] = [];
  for (const a of multi)
    for (const b of sets.filter((x) => x !== a))
      for (const [first, then] of [
        [b, a],
        [a, b],
      ] as const) {
        const photos = [...first.photos, ...then.photos];
        const item = [
          ...first.item.map((i) => `${first.name}/${i}`),
          ...then.item.map((i) => `${then.name}/${i}`),
        ];
        const step = await groupArticles(photos, config, () => {});
        const articleOf = new Map<number, number>();
        step.articles.forEach((m, k) => {
          for (const i of m) articleOf.set(i, k);
        });
        const size = new Map<number, number>();
        for (const i of step.kept) size.set(articleOf.get(i)!, (size.get(articleOf.get(i)!) ?? 0) + 1);
        // A garment is exact when its kept photos form one article holding nothing else (of either shoot).
        const part = (set: LabelledSet) => {
          const byGarment = new Map<string, number[]>();
          for (const i of step.kept)
            if (item[i]!.startsWith(`${set.name}/`))
              byGarment.set(item[i]!, [...(byGarment.get(item[i]!) ?? []), i]);
          const exact = [...byGarment.values()].filter(
            (m) =>
              m.every((i) => articleOf.get(i) === articleOf.get(m[0]!)) &&
              size.get(articleOf.get(m[0]!)!) === m.length,
          ).length;
          const x = exact / byGarment.size;
          worst.push(x - alone.get(set.name)!);
          return `${pct(x)} (alone ${pct(alone.get(set.name)!)})`;
        };
        rows.push(`| ${first.name} | ${then.name} | ${photos.length} | ${part(first)} | ${part(then)} |`);
      }
  rows.push(`worst drop against alone: ${pct(-Math.min(...worst))}`);
  console.log(rows.join("\n"));
}

async function sweep(sets: LabelledSet[]): Promise<void> {
  const multi = sets.filter((s) => new Set(s.item).size < s.item.length);
  const single = sets.filter((s) => new Set(s.item).size === s.item.length);
  const grid: { o: ConfigOverrides["grouping"]; label: string; figures: Map<string, number> }[] = [];
  for (const colorWeight of [0.5, 0.7, 0.85, 1])
    for (const sequenceSingletonPenalty of [0, 0.1, 0.25, 0.5])
      for (const cutScale of [1, 1.15, 1.3, 1.5]) {
        const o = { colorWeight, sequenceSingletonPenalty, cutScale };
        const config = resolveConfig({ grouping: o });
        const figures = new Map<string, number>();
        for (const s of multi) figures.set(s.name, (await run(s, "shooting", config)).score.exact);
        for (const s of single) figures.set(s.name, (await run(s, "shooting", config)).score.keptAlone ?? 1);
        grid.push({
          o,
          label: `colorWeight ${colorWeight} sequenceSingletonPenalty ${sequenceSingletonPenalty} cutScale ${cutScale}`,
          figures,
        });
      }
  const worst = (g: (typeof grid)[number], names: string[]) =>
    Math.min(...names.map((n) => g.figures.get(n)!));
  const names = sets.map((s) => s.name);
  console.log("\nSweep (shooting order, no times): exact on multi-photo sets, kept alone on one-photo sets");
  for (const g of grid)
    console.log(
      `  ${g.label}: ${names.map((n) => `${n} ${pct(g.figures.get(n)!)}`).join(", ")}; worst ${pct(worst(g, names))}`,
    );
  console.log(
    "\nLeave one set out: settings chosen for the worst of the other sets, read on the held-out one",
  );
  for (const held of names) {
    const others = names.filter((n) => n !== held);
    const best = [...grid].sort((a, b) => worst(b, others) - worst(a, others))[0]!;
    console.log(
      `  held out ${held}: chose ${best.label} (others' worst ${pct(worst(best, others))}) → ${held} ${pct(best.figures.get(held)!)}`,
    );
  }
}

/**
 * The order-free grouping's settings on the shuffled rows: exact articles and photos merged into another garment
 * on the multi-photo sets, photos kept alone on the one-photo sets, the worst of each, and leave one set out.
 */
async function sweepFree(multi: LabelledSet[], single: LabelledSet[]): Promise<void> {
  const grid: { label: string; exact: Map<string, number>; merged: Map<string, number> }[] = [];
  for (const freeNeighbours of [4, 5, 7])
    for (const freeCut of [0.3, 0.4, 0.5, 0.7])
      for (const freeShare of [0.2, 0.3, 0.4]) {
        const config = resolveConfig({ grouping: { freeNeighbours, freeCut, freeShare } });
        const exact = new Map<string, number>();
        const merged = new Map<string, number>();
        for (const s of multi) {
          const r = (await run(s, "shuffled", config)).score;
          exact.set(s.name, r.exact);
          merged.set(s.name, r.mergedIntoOther);
        }
        for (const s of single) exact.set(s.name, (await run(s, "shuffled", config)).score.keptAlone ?? 1);
        grid.push({
          label: `freeNeighbours ${freeNeighbours} freeCut ${freeCut} freeShare ${freeShare}`,
          exact,
          merged,
        });
      }
  const names = [...multi, ...single].map((s) => s.name);
  const worst = (g: (typeof grid)[number], among: string[]) => Math.min(...among.map((n) => g.exact.get(n)!));
  console.log(
    "\nOrder-free sweep (shuffled): exact (merged into another garment) on multi-photo sets, kept alone on one-photo sets",
  );
  for (const g of grid)
    console.log(
      `  ${g.label}: ${names.map((n) => `${n} ${pct(g.exact.get(n)!)}${g.merged.has(n) ? ` (${pct(g.merged.get(n)!)})` : ""}`).join(", ")}; worst ${pct(worst(g, names))}`,
    );
  console.log(
    "\nOrder-free, leave one set out: settings chosen for the worst of the other sets, read on the held-out one",
  );
  for (const held of names) {
    const others = names.filter((n) => n !== held);
    const best = [...grid].sort((a, b) => worst(b, others) - worst(a, others))[0]!;
    console.log(
      `  held out ${held}: chose ${best.label} (others' worst ${pct(worst(best, others))}) → ${held} ${pct(best.exact.get(held)!)}`,
    );
  }
}

/**
 * Small shuffled batches (--small): 10 seeded draws per set and size of whole garments until about 30, 60 and 120
 * photos, shuffled, no capture times; prints how often the order-free grouping joined photos, and the exact
 * articles (range and mean). The one-photo sets must stay alone; the multi-photo sets show what a small batch gets.
 */
async function smallBatches(sets: LabelledSet[], config: Config): Promise<void> {
  console.log("\nSmall shuffled batches (10 draws of whole garments per size): joined / exact articles");
  for (const set of sets) {
    const garments = [...new Set(set.item)];
    const cells: string[] = [];
    for (const size of [30, 60, 120]) {
      const exact: number[] = [];
      let joined = 0;
      for (let draw = 1; draw <= 10; draw++) {
        const pick = new Set<string>();
        let count = 0;
        for (const g of seededShuffle(garments, draw * 97 + size)) {
          if (count >= size) break;
          pick.add(g);
          count += set.item.filter((x) => x === g).length;
        }
        const idx = seededShuffle(
          set.item.map((_, i) => i).filter((i) => pick.has(set.item[i]!)),
          draw,
        );
        const photos = idx.map((i) => ({
          ...set.photos[i]!,
          entry: { ...set.photos[i]!.entry, captured_at: null },
        }));
        const step = await groupArticles(photos, config, () => {});
        if (step.grouping.orderFree?.joined) joined++;
        exact.push(
          scoreStep(
            step,
            idx.map((i) => set.item[i]!),
          ).exact,
        );
      }
      const mean = exact.reduce((a, b) => a + b, 0) / exact.length;
      cells.push(
        `${size}: joined ${joined}/10, exact ${pct(Math.min(...exact))}-${pct(Math.max(...exact))} (mean ${pct(mean)})`,
      );
    }
    console.log(`  ${set.name}: ${cells.join(" | ")}`);
  }
}

/**
 * Small batches in shooting order (--small-ordered): each set cut into consecutive windows of whole garments, no
 * capture times. Multi-photo sets: windows of 5, 10, 20 and 40 garments, mean exact articles per size (a seller's
 * batch is often a few dozen photos, where the sequence split has no size prior). One-photo sets: windows of 6,
 * 12, 20 and 30 photos, how many windows were joined at all and the share of photos kept alone (every photo is
 * its own garment: any join is wrong). Then the order test's false alarms: each window in 20 seeded random
 * orders, how often the sequence method was still chosen (a random order carries no garments; for a one-photo
 * set each such alarm joins different garments).
 */
async function smallOrdered(sets: LabelledSet[], config: Config): Promise<void> {
  console.log(
    "\nSmall batches in shooting order (consecutive windows of whole garments): mean exact articles; one-photo sets: windows joined, photos kept alone",
  );
  for (const set of sets) {
    let alarms = 0;
    let orders = 0;
    const garments = [...new Set(set.item)];
    const single = garments.length === set.item.length;
    const cells: string[] = [];
    for (const size of single ? [6, 12, 20, 30] : [5, 10, 20, 40]) {
      const exact: number[] = [];
      let joined = 0;
      let alone = 0;
      let photos = 0;
      for (let g0 = 0; g0 + size <= garments.length; g0 += size) {
        const pick = new Set(garments.slice(g0, g0 + size));
        const idx = set.item.map((_, i) => i).filter((i) => pick.has(set.item[i]!));
        const batch = idx.map((i) => ({
          ...set.photos[i]!,
          entry: { ...set.photos[i]!.entry, captured_at: null },
        }));
        const step = await groupArticles(batch, config, () => {});
        const score = scoreStep(
          step,
          idx.map((i) => set.item[i]!),
        );
        exact.push(score.exact);
        if (step.articles.some((a) => a.length > 1)) joined++;
        alone += step.articles.filter((a) => a.length === 1).length;
        photos += score.photos;
        for (let draw = 1; draw <= 20; draw++) {
          const shuffled = seededShuffle(batch, draw * 31 + g0);
          orders++;
          if ((await groupArticles(shuffled, config, () => {})).grouping.method === "sequence") alarms++;
        }
      }
      cells.push(
        single
          ? `${size}: joined ${joined}/${exact.length}, kept alone ${pct(alone / photos)}`
          : `${size}: ${pct(exact.reduce((a, b) => a + b, 0) / exact.length)} (${exact.length} batches)`,
      );
    }
    console.log(`  ${set.name}: ${cells.join(" | ")}; random orders read as ordered: ${alarms} of ${orders}`);
  }
}

async function main() {
  const skip = needShared("photos");
  if (skip) {
    console.log(skip);
    return;
  }
  const started = Date.now();
  const config = resolveConfig({});
  const sets: LabelledSet[] = [];
  for (const name of groupingSets()) sets.push(await loadSet(name, config));
  const rows: string[] = [];
  rows.push(
    "| set | order | garments / photos | articles found | exact articles | pairwise P / R | merged into another garment | one-photo garments kept alone | colour |",
  );
  rows.push("|---|---|---|---|---|---|---|---|---|");
  const modes: string[] = [];
  const confusions: string[] = [];
  /** Each set's shooting-order grouping, for --errors (not grouped twice). */
  const shooting = new Map<string, GroupStep>();
  for (const set of sets) {
    for (const order of ["shooting", "shuffled", "times"] as const) {
      const r = await run(set, order, config);
      if (order === "shooting") shooting.set(set.name, r.step);
      const c =
        order === "shooting" ? await colourAccuracy(r.photos, r.item, r.step, set.colour, config) : null;
      const s = r.score;
      if (c) {
        confusions.push(
          confusionTable(
            set.name,
            c.pairs,
            c.garments.map((g) => set.disputed.get(g)),
          ),
        );
        // --errors: each misnamed garment, its label and the name vbulk gave (and the colour its record says).
        if (process.argv.includes("--errors"))
          confusions.push(
            ...c.pairs.flatMap(([want, got], k) => {
              const g = c.garments[k]!;
              const other = set.disputed.get(g);
              return want === got
                ? []
                : [`  ${g}: ${want} named ${got}${other ? ` (its record: ${other})` : ""}`];
            }),
          );
      }
      modes.push(`  ${set.name} ${order}: order excess ${r.step.grouping.orderSignal}; ${s.modes}`);
      rows.push(
        `| ${set.name} | ${order} | ${s.garments} / ${s.photos} | ${s.predicted} (${s.method}) | ${pct(s.exact)} | ${pct(s.precision)} / ${pct(s.recall)} | ${pct(s.mergedIntoOther)} | ${pct(s.keptAlone)} | ${c ? `${c.right}/${c.judged} = ${pct(c.right / c.judged)}` : "–"} |`,
      );
    }
  }
  console.log(rows.join("\n"));
  console.log(confusions.join("\n"));
  if (process.argv.includes("--modes")) console.log(modes.join("\n"));
  if (process.argv.includes("--errors"))
    for (const set of sets.filter((s) => new Set(s.item).size < s.item.length))
      console.log(listErrors(set, shooting.get(set.name)!));
  console.log(`\n${await evalDuplicates(config)}`);
  console.log("duplicate pairs within each grouping set (every pair of its photos):");
  for (const set of sets) console.log(duplicatePairs(set, config));
  const nearDuplicates = await loadSet("madison-near-duplicates", config);
  console.log("copies that lost their orientation tag (`--turned`: on every set):");
  for (const set of process.argv.includes("--turned") ? [nearDuplicates, ...sets] : [nearDuplicates])
    console.log(await evalTurnedCopies(set, config));
  if (process.argv.includes("--mixed")) await mixed(sets, config);
  if (process.argv.includes("--small")) await smallBatches(sets, config);
  if (process.argv.includes("--small-ordered")) await smallOrdered(sets, config);
  if (process.argv.includes("--sweep")) await sweep(sets);
  if (process.argv.includes("--sweep") || process.argv.includes("--sweep-free"))
    await sweepFree(
      sets.filter((s) => new Set(s.item).size < s.item.length),
      sets.filter((s) => new Set(s.item).size === s.item.length),
    );
  console.log(`\neval took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
