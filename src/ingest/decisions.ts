import { applyDecisions, readDecisions, type ShaGrouping } from "../store/decisions.js";
import type { GroupStep } from "./group.js";
import type { AnalysedPhoto } from "./types.js";

/**
 * Puts the seller's decisions (DIR/decisions.json, from `vbulk review`) on top of the automatic grouping, so a
 * re-run never undoes them. Returns the automatic grouping in photo hashes too (`auto`): the ingest saves it with
 * its descriptions (what the review page's undo goes back to).
 * Articles the seller changed are no longer "low confidence": a person decided them.
 */
export async function applySellerDecisions(
  dir: string,
  analysed: AnalysedPhoto[],
  auto: GroupStep,
): Promise<GroupStep & { auto: ShaGrouping }> {
  const sha = (i: number) => analysed[i]!.sha256;
  const base: ShaGrouping = {
    articles: auto.articles.map((m) => m.map(sha)),
    // Byte-identical copies share their hash with the original: nothing to bring back, so not listed.
    duplicates: Object.fromEntries(
      [...auto.dupes].filter(([i, d]) => sha(i) !== sha(d.of)).map(([i, d]) => [sha(i), sha(d.of)]),
    ),
  };
  const { decisions } = await readDecisions(dir);
  if (decisions.length === 0) return { ...auto, auto: base };
  const decided = applyDecisions(base, decisions);
  const index = new Map<string, number>();
  analysed.forEach((a, i) => {
    if (!index.has(a.sha256) || !auto.dupes.has(i)) index.set(a.sha256, i);
  });
  const articles = decided.articles.map((shas) => shas.map((s) => index.get(s)!));
  const autoKey = new Map(auto.articles.map((m, k) => [[...m].sort().join(), k]));
  const changed = new Set(decided.changed);
  const dupes = new Map(
    [...auto.dupes].filter(([i]) => sha(i) in decided.duplicates || sha(i) === sha(auto.dupes.get(i)!.of)),
  );
  return {
    ...auto,
    auto: base,
    dupes,
    kept: articles.flat(),
    articles,
    grouping: {
      ...auto.grouping,
      articles,
      lowConfidence: articles.map((m, k) => {
        const was = autoKey.get([...m].sort().join());
        return !changed.has(k) && was !== undefined && auto.grouping.lowConfidence[was] === true;
      }),
    },
    dropped: decided.dropped.map((s) => index.get(s)!),
    bySeller: decided.changed,
    moved: decided.moved,
  };
}
