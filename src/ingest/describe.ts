import { createHash } from "node:crypto";
import type { Config } from "../core/config.js";
import { articleColor, type DominantColor } from "../imaging/color.js";
import { dot } from "../imaging/embedder.js";
import type { CatalogItem, CatalogPhoto } from "../store/catalog.js";
import type { GroupStep } from "./group.js";
import type { AnalysedPhoto, Classifier } from "./types.js";

/** Names each article (category and colour from all its photos) and describes every photo for the catalog. */
export async function describeArticles(
  analysed: AnalysedPhoto[],
  step: GroupStep,
  ctx: {
    config: Config;
    /** The id of each article, in the order of step.articles (src/ingest/ids.ts). */
    ids: string[];
    classifier?: Classifier;
    relTo: (a: AnalysedPhoto) => string;
    nameOrder: (a: AnalysedPhoto) => number;
    /** false: the articles only (no photo rows, no per-photo category), for a description kept aside. */
    photos?: boolean;
  },
): Promise<{ items: CatalogItem[]; photos: CatalogPhoto[] }> {
  const { config, classifier, relTo } = ctx;
  const withPhotos = ctx.photos !== false;
  const { articles, grouping, dupes } = step;
  // A kept edit's look is its original's (GroupStep.standIn: a black-and-white edit is not a grey garment).
  const look = (i: number) => analysed[step.standIn?.get(i) ?? i]!;
  // The articles' mean vectors feed the classifier only (the model-free path has none).
  const means = classifier ? articles.map((m) => meanVector(m.map((i) => look(i).vector))) : [];
  // One zero-shot pass over the articles' means and every photo together.
  const scored = classifier
    ? await classifier.classify([...means, ...(withPhotos ? analysed.map((a) => a.vector) : [])])
    : null;
  const categories = scored?.slice(0, means.length) ?? null;
  const photoCategories = scored?.slice(means.length) ?? null;
  const departments = classifier?.department ? await classifier.department(means) : null;
  // The model's colour vote names the article's category in its prompts ("a photo of a white shirt").
  const colorVotes =
    classifier?.color && categories
      ? await classifier.color(
          means,
          categories.map((c) => c.category),
        )
      : null;
  const articleOf = new Map<number, string>();
  const items: CatalogItem[] = articles.map((members, k) => {
    const id = ctx.ids[k]!;
    for (const i of members) articleOf.set(i, id);
    const colors: DominantColor[] = members.map((i) => look(i).entry.color);
    const color = articleColor(
      colors,
      colorVotes?.[k]
        ? {
            probs: colorVotes[k],
            weight: config.color.modelVoteWeight,
            minShare: config.color.modelVoteMinShare,
          }
        : undefined,
    );
    const cat = categories?.[k];
    return {
      id,
      category: cat?.category ?? "unknown",
      score: round(cat?.score ?? 0),
      ...(cat ? { runner_up: { category: cat.runnerUp.category, score: round(cat.runnerUp.score) } } : {}),
      color: color.name,
      color_score: round(color.score),
      color_shade: color.shade,
      color2: color.second,
      ...(color.model ? { color_model: { name: color.model.name, score: round(color.model.score) } } : {}),
      ...(departments?.[k]
        ? { department: { name: departments[k].name, score: round(departments[k].score) } }
        : {}),
      photos: members.map((i) => relTo(analysed[i]!)),
      fingerprint: fingerprint(members.map((i) => analysed[i]!.sha256)),
      confidence: grouping.lowConfidence[k] ? "low" : "high",
      confidence_score: grouping.confidence[k] ?? 0.5,
      cohesion: round(cohesion(members.map((i) => look(i).vector))),
      ...(step.bySeller?.includes(k) ? { by_seller: true } : {}),
    };
  });

  const moved = step.moved ?? {};
  const photos: CatalogPhoto[] = (withPhotos ? analysed : []).map((a, i) => {
    const dup = dupes.get(i);
    const pc = photoCategories?.[i];
    return {
      file: relTo(a),
      ...(a.file.zipName ? { zip_name: a.file.zipName } : {}),
      sha256: a.sha256,
      width: a.entry.width,
      height: a.entry.height,
      format: a.entry.format,
      captured_at: a.entry.captured_at,
      name_order: ctx.nameOrder(a),
      ahash: a.entry.ahash,
      phash: a.entry.phash,
      article: articleOf.get(i) ?? (dup ? (articleOf.get(dup.of) ?? null) : null),
      duplicate_of: dup ? relTo(analysed[dup.of]!) : null,
      ...(dup
        ? {
            duplicate_reason:
              dup.pair.kind === "identical"
                ? "identical bytes (sha256)"
                : dup.pair.kind === "edited"
                  ? dup.pair.a === i
                    ? "the original of an edited copy the phone or photo app kept beside it (its name says so, and its capture time or picture agrees): the edit is kept, in its place"
                    : "an edited copy of it (its name says so, and its capture time or picture agrees), set aside: the original is in the folder holding most of the batch"
                  : `${turnedWords(dup.pair.turned)}pHash distance ${dup.pair.phashDistance}, aHash distance ${dup.pair.ahashDistance} (<= ${config.duplicates.maxHamming})${dup.pair.turned ? " once turned" : ""}, colour ΔE ${dup.pair.colorDistance.toFixed(1)} (<= ${config.duplicates.maxColorDelta}), largest cell ΔE ${dup.pair.cellColorDistance.toFixed(1)} (<= ${config.duplicates.maxCellColorDelta})`,
          }
        : {}),
      color: a.entry.color.name,
      color_score: round(a.entry.color.score),
      ...photoColorFields(a.entry.color),
      ...(pc ? { category: pc.category, category_score: round(pc.score) } : {}),
      ...(step.dropped?.includes(i) ? { dropped_by_seller: true } : {}),
      ...(Object.hasOwn(moved, a.sha256) && articleOf.has(i)
        ? { moved_by_seller: true, moved_from: moved[a.sha256]! }
        : {}),
    };
  });
  return { items, photos };
}

/** How a duplicate found turned is said (which way round depends on which photo is kept, so it is not said). */
function turnedWords(turned: 90 | 180 | 270 | undefined): string {
  if (turned === undefined) return "";
  return `the same picture turned ${turned === 180 ? "upside down" : "a quarter turn"} (an EXIF orientation tag lost or added): `;
}

/** What a photo's colour adds to the catalog beside its name and score (CatalogPhoto.color_shares…). */
function photoColorFields(c: DominantColor): Pick<CatalogPhoto, "color_shares" | "color_shade" | "color2"> {
  return {
    ...(c.shares
      ? { color_shares: Object.fromEntries(Object.entries(c.shares).map(([n, v]) => [n, round(v)])) }
      : {}),
    ...(c.shade ? { color_shade: c.shade } : {}),
    ...(c.second ? { color2: c.second.name } : {}),
  };
}

function meanVector(vs: Float32Array[]): Float32Array {
  const out = new Float32Array(vs[0]?.length ?? 0);
  for (const v of vs) for (let i = 0; i < v.length; i++) out[i] = out[i]! + v[i]!;
  let n = 0;
  for (const x of out) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / n;
  return out;
}

function cohesion(vs: Float32Array[]): number {
  if (vs.length < 2) return 1;
  let s = 0;
  let k = 0;
  for (let i = 0; i < vs.length; i++)
    for (let j = i + 1; j < vs.length; j++) {
      s += dot(vs[i]!, vs[j]!);
      k++;
    }
  return s / k;
}

/** Identifies an article by its photos' content, whatever their names or order. */
export function fingerprint(shas: string[]): string {
  return createHash("sha256")
    .update([...shas].sort().join("\n"))
    .digest("hex")
    .slice(0, 16);
}

/** Three decimals: enough for scores and distances in a file people read. */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
