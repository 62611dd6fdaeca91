import { articleNumber } from "../core/vocab.js";
import type { CatalogPhoto } from "../store/catalog.js";
import { applyDecisions, type Decision, readDecisions, type ShaGrouping } from "../store/decisions.js";
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
): Promise<GroupStep & { auto: ShaGrouping; named: Set<string> }> {
  const sha = (i: number) => analysed[i]!.sha256;
  const base: ShaGrouping = {
    articles: auto.articles.map((m) => m.map(sha)),
    // Byte-identical copies share their hash with the original: nothing to bring back, so not listed.
    duplicates: Object.fromEntries(
      [...auto.dupes].filter(([i, d]) => sha(i) !== sha(d.of)).map(([i, d]) => [sha(i), sha(d.of)]),
    ),
  };
  const { decisions } = await readDecisions(dir);
  const named = photosNamed(decisions);
  if (decisions.length === 0) return { ...auto, auto: base, named };
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
    named,
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

/**
 * The photos the seller's decisions place: what a move moves and where to, what a split takes out, the two
 * articles a merge joins (the rest of a merge's photos only follow them), the photo restored or dropped. One of them
 * gone, the decision no longer places it; a move's target or a merge's photo gone, the photos the decision recorded
 * (`to`, `photos`) still place the rest, but the seller is told to look.
 */
export function photosNamed(decisions: readonly Decision[]): Set<string> {
  const named = new Set<string>();
  for (const d of decisions) {
    const shas =
      d.op === "move"
        ? [...d.photos, d.with]
        : d.op === "split"
          ? d.photos
          : d.op === "merge"
            ? [d.a, d.b]
            : [d.photo];
    for (const s of shas) named.add(s);
  }
  return named;
}

/** A decided photo gone since the last run, and where the previous catalog had it (null: out of the listing). */
export interface GoneDecidedPhoto {
  file: string;
  article: string | null;
}

/**
 * The photos a grouping decision names that the previous run had and this one does not (deleted, or replaced by an
 * edited copy: other bytes, and often another name, so the decision cannot follow it and the copy is grouped as a
 * new photo), with the photos new since (where such a copy is now). Null when none is newly gone: said once, by the
 * run that finds them gone. `previous`: the previous catalog's photos, hashes followed to their content now.
 */
export function goneDecidedPhotos(
  named: ReadonlySet<string>,
  previous: readonly Pick<CatalogPhoto, "file" | "sha256" | "article">[],
  now: readonly Pick<CatalogPhoto, "file" | "sha256" | "article" | "duplicate_of">[],
): { gone: GoneDecidedPhoto[]; added: GoneDecidedPhoto[] } | null {
  const present = new Set(now.map((p) => p.sha256));
  const seen = new Set<string>();
  const gone = previous.filter((p) => {
    if (!named.has(p.sha256) || present.has(p.sha256) || seen.has(p.sha256)) return false;
    seen.add(p.sha256);
    return true;
  });
  if (gone.length === 0) return null;
  const before = new Set(previous.map((p) => p.sha256));
  const added = now.filter((p) => !before.has(p.sha256) && !p.duplicate_of && p.article !== null);
  const pick = ({ file, article }: GoneDecidedPhoto) => ({ file, article });
  return { gone: gone.map(pick), added: added.map(pick) };
}

/** How many names a warning lists before "and N more". */
const LISTED = 10;

/** The one warning for goneDecidedPhotos: the photos, where they were, the new ones, what to check (`review`). */
export function goneDecidedMessage(
  found: { gone: GoneDecidedPhoto[]; added: GoneDecidedPhoto[] },
  review: string,
): string {
  const { gone, added } = found;
  const list = (photos: GoneDecidedPhoto[], where: (p: GoneDecidedPhoto) => string) =>
    `${photos
      .slice(0, LISTED)
      .map((p) => `${p.file} (${where(p)})`)
      .join(", ")}${photos.length > LISTED ? ` and ${photos.length - LISTED} more` : ""}`;
  const articles = [...new Set([...gone, ...added].map((p) => p.article).filter((a) => a !== null))].sort(
    (a, b) => (articleNumber(a) ?? 0) - (articleNumber(b) ?? 0),
  );
  const one = gone.length === 1;
  return [
    `${one ? "1 photo" : `${gone.length} photos`} your grouping decisions name ${one ? "is" : "are"} no longer in the folder (deleted, or replaced by an edited copy, which a decision does not follow):`,
    `${list(gone, (p) => (p.article ? `was in ${p.article}` : "taken out of the listing"))}.`,
    added.length ? `New since the last run: ${list(added, (p) => `now in ${p.article}`)}.` : "",
    `Run \`${review}\` to check the grouping${articles.length ? ` of ${articles.join(", ")}` : ""}.`,
  ]
    .filter(Boolean)
    .join(" ");
}
