import { articleId, articleNumber } from "../core/vocab.js";
import type { Catalog } from "../store/catalog.js";
import { fingerprint } from "./describe.js";

/**
 * Gives each article of this run an id. An article keeps the id it had in the previous catalog while it keeps
 * most of that article's photos (more than half of them, by content: sha256, so renamed or re-sorted files do not
 * matter), or every one of them still in the run (the others deleted: a blurred shot of a 2-photo article thrown
 * away); pairs are made greedily, the largest overlap first, one to one. Every other article gets a new id,
 * above any id the folder ever had (`previous.next_id`), so an id is never given to another garment: a plan's
 * hand edits follow their article, or are left unattached, never moved onto another one.
 * Returns the ids in the order of `articles`, and the next free number to record in the catalog.
 */
export function assignArticleIds(
  articles: string[][],
  previous: Pick<Catalog, "items" | "photos" | "next_id" | "known_ids"> | null,
): { ids: string[]; nextId: number; knownIds: Record<string, string> } {
  const ids: (string | null)[] = articles.map(() => null);
  const fingerprints = articles.map((shas) => fingerprint(shas));
  let next = 1;
  // The same photos an article of this folder once had get its id back first (a decision undone): the same garment.
  const known: Record<string, string> = { ...previous?.known_ids };
  for (const it of previous?.items ?? []) known[it.fingerprint] ??= it.id;
  const taken = new Set<string>();
  fingerprints.forEach((fp, a) => {
    const id = Object.hasOwn(known, fp) ? known[fp]! : undefined;
    if (id !== undefined && !taken.has(id)) {
      ids[a] = id;
      taken.add(id);
    }
  });
  if (previous) {
    const shaOf = new Map(previous.photos.map((p) => [p.file, p.sha256]));
    const before = previous.items.map((it) => ({
      id: it.id,
      shas: new Set(it.photos.map((f) => shaOf.get(f)).filter((s): s is string => s !== undefined)),
    }));
    for (const it of previous.items) next = Math.max(next, (articleNumber(it.id) ?? 0) + 1);
    next = Math.max(next, previous.next_id ?? 1);
    // Which earlier articles held each photo: only those can overlap (500 articles against 500 earlier ones
    // would otherwise be 250 000 set comparisons on every re-run).
    const holders = new Map<string, number[]>();
    before.forEach((old, b) => {
      for (const s of old.shas) holders.set(s, [...(holders.get(s) ?? []), b]);
    });
    // How many of each earlier article's photos are still in one of this run's articles.
    const present = before.map(() => 0);
    for (const s of new Set(articles.flat())) for (const b of holders.get(s) ?? []) present[b]!++;
    const pairs: { a: number; b: number; overlap: number }[] = [];
    articles.forEach((shas, a) => {
      const overlaps = new Map<number, number>();
      for (const s of new Set(shas))
        for (const b of holders.get(s) ?? []) overlaps.set(b, (overlaps.get(b) ?? 0) + 1);
      for (const [b, overlap] of overlaps)
        if (sameGarment(overlap, before[b]!.shas.size, present[b]!)) pairs.push({ a, b, overlap });
    });
    pairs.sort((x, y) => y.overlap - x.overlap || x.a - y.a || x.b - y.b);
    for (const { a, b } of pairs) {
      if (ids[a] !== null || taken.has(before[b]!.id)) continue;
      ids[a] = before[b]!.id;
      taken.add(before[b]!.id);
    }
  }
  for (const id of Object.values(known)) next = Math.max(next, (articleNumber(id) ?? 0) + 1);
  const out = ids.map((id) => id ?? articleId(next++));
  fingerprints.forEach((fp, a) => {
    known[fp] = out[a]!;
  });
  return { ids: out, nextId: next, knownIds: known };
}

/** An article still holds more than half of the `had` photos an earlier one had (`held` of them), or all of the
 *  `present` ones that are still in some article (the others were deleted or taken out, none went elsewhere): the
 *  same garment, which keeps its id (and, in the plan, its edits). A split in two halves keeps neither. */
export function sameGarment(held: number, had: number, present: number): boolean {
  return held * 2 > had || (held > 0 && held === present);
}
