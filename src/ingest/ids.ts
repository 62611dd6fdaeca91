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
 * Photos the seller moved out of an article (`moved`: a split, « Nouvel article », a move, each with the photos it
 * left there) left it: while some of its photos are still elsewhere, they do not count as that article's, so the
 * photos that stayed keep its id and the ones taken out do not carry it off, however many they are. A photo counts
 * as its own for the article it was moved into (it left none of that article's photos): an article made by
 * « Nouvel article » keeps its id when one of its photos is taken out again, or the automatic grouping changes.
 * Returns the ids in the order of `articles`, and the next free number to record in the catalog.
 */
export function assignArticleIds(
  articles: string[][],
  previous: Pick<Catalog, "items" | "photos" | "next_id" | "known_ids"> | null,
  moved: Readonly<Record<string, readonly string[]>> = {},
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
    // Each article's photos by earlier article. Photos the seller moved there from an earlier article (away from
    // some of its photos) that still has photos in other articles left it: they are not counted as its, and no
    // longer among its photos still there.
    const leftFrom = (s: string, b: number) => moved[s]?.some((t) => before[b]!.shas.has(t)) === true;
    const left = before.map(() => 0);
    const overlapsOf = articles.map((shas) => {
      const all = new Map<number, number>();
      const byMove = new Map<number, number>();
      for (const s of new Set(shas))
        for (const b of holders.get(s) ?? []) {
          all.set(b, (all.get(b) ?? 0) + 1);
          if (leftFrom(s, b)) byMove.set(b, (byMove.get(b) ?? 0) + 1);
        }
      for (const [b, n] of byMove)
        if (present[b]! > all.get(b)!) {
          all.set(b, all.get(b)! - n);
          left[b]! += n;
        }
      return all;
    });
    left.forEach((n, b) => {
      present[b]! -= n;
    });
    const pairs: { a: number; b: number; overlap: number }[] = [];
    articles.forEach((shas, a) => {
      const overlaps = new Map([...overlapsOf[a]!].filter(([, n]) => n > 0));
      const size = new Set(shas).size;
      for (const [b, overlap] of overlaps)
        if (
          sameGarment({
            held: overlap,
            had: before[b]!.shas.size,
            present: present[b]!,
            size,
            others: [...overlaps].reduce((n, [o, k]) => (o === b ? n : n + k), 0),
          })
        )
          pairs.push({ a, b, overlap });
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

/**
 * Whether an article is the same garment as an earlier one, so that it keeps its id (and, in the plan, its edits):
 * it holds more than half of the `had` photos the earlier one had (`held` of them); or it holds all of them that are
 * still in some article (`present`: the others were deleted or taken out, none went elsewhere), they are at least
 * half of its own `size` photos, and none of its photos was another earlier article's (`others`): a blurred shot of
 * a 2-photo article thrown away, not two half-garments a regrouping put together (each would hold "all that is
 * left" of its own: the one that came first took the other's edits). A split in two halves keeps neither.
 */
export function sameGarment(g: {
  held: number;
  had: number;
  present: number;
  size: number;
  others: number;
}): boolean {
  if (g.held * 2 > g.had) return true;
  return g.held > 0 && g.held === g.present && g.others === 0 && g.held * 2 >= g.size;
}
