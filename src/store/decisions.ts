import { join } from "node:path";
import { z } from "zod";
import { saveJsonAtomic } from "../core/atomic.js";
import { DEFAULTS } from "../core/defaults.js";
import { type ArticleColorVote, articleColor, COLOR_NAMES, type DominantColor } from "../imaging/color.js";
import { fingerprint } from "../ingest/describe.js";
import { assignArticleIds } from "../ingest/ids.js";
import { STATE_DIR } from "../sources/classify.js";
import { type Catalog, type CatalogItem, CatalogItemSchema, type CatalogPhoto } from "./catalog.js";
import { readJsonFileIfAny } from "./read.js";

/** The seller's grouping decisions, beside catalog.json: applied on top of every later ingest. */
export const DECISIONS_FILE = "decisions.json";
export const DECISIONS_SCHEMA_VERSION = 1;

const Sha = z.string().regex(/^[0-9a-f]{64}$/, { message: "a photo's sha256 (64 hex digits)" });

/**
 * One decision, in terms of photo content (sha256) only: file names and article ids change between ingests,
 * photo content does not. Every decision is idempotent, so applying the list twice gives the same grouping.
 */
export const DecisionSchema = z.discriminatedUnion("op", [
  /** These photos join the article that holds `with`. `to`: every photo of that article when the seller moved them
   *  (absent in files written before it existed), so that with `with` deleted since they still join what is left of
   *  it; with none of it left, they stay together in an article of their own. */
  z.object({ op: z.literal("move"), photos: z.array(Sha).min(1), with: Sha, to: z.array(Sha).optional() }),
  /** These photos leave their article(s) and form a new article of their own (split, or "new article"). */
  z.object({ op: z.literal("split"), photos: z.array(Sha).min(1) }),
  /** The articles holding `a` and `b` become one. `photos`: every photo of the two articles when the seller merged
   *  them (absent in files written before it existed), so that an automatic grouping that later splits either one
   *  (a --regroup, a CLIP model installed since) still gives one article, not the two parts holding `a` and `b`. */
  z.object({ op: z.literal("merge"), a: Sha, b: Sha, photos: z.array(Sha).optional() }),
  /** A photo set aside as a duplicate is kept: it joins the article of the photo it was called a copy of. */
  z.object({ op: z.literal("restore"), photo: Sha }),
  /** A photo is taken out of the listing (kept on disk, listed apart). */
  z.object({ op: z.literal("drop"), photo: Sha }),
]);
export type Decision = z.infer<typeof DecisionSchema>;

export const DecisionsFileSchema = z.object({
  schemaVersion: z.literal(DECISIONS_SCHEMA_VERSION),
  updated_at: z.string(),
  /** In the order the seller made them; undo removes the last one. */
  decisions: z.array(DecisionSchema.and(z.object({ at: z.string() }))),
});
export type DecisionsFile = z.infer<typeof DecisionsFileSchema>;

/** The grouping decisions apply to: articles as lists of photo hashes (in order), duplicates as copy → original. */
export interface ShaGrouping {
  articles: string[][];
  duplicates: Record<string, string>;
}

export interface DecidedGrouping extends ShaGrouping {
  /** Photos the seller took out of the listing. */
  dropped: string[];
  /** Photos that were duplicates and that the seller kept. */
  restored: string[];
  /** Articles (indices into `articles`) the seller's decisions changed. */
  changed: number[];
  /** Photos a split or a move took out of the article they were in, each with the photos it left there (those of
   *  that article that did not go with it, at its last move): they left that garment, so they do not say which of
   *  today's articles it is; in the article they were moved into they count as its photos (ingest/ids.ts). */
  moved: Record<string, string[]>;
  /** Decisions that named no photo of this grouping (photos gone from the folder): kept, but without effect. */
  stale: number;
}

/**
 * Applies the seller's decisions, in order, on top of an automatic grouping. Pure: same input, same output.
 * Articles keep the order of their first photo in the automatic grouping; an empty article disappears.
 */
export function applyDecisions(base: ShaGrouping, decisions: readonly Decision[]): DecidedGrouping {
  // Every photo gets a rank (its place in the automatic order) so the result keeps a stable, readable order.
  const rank = new Map<string, number>();
  for (const [i, s] of base.articles.flat().entries()) rank.set(s, i);
  const duplicates = { ...base.duplicates };
  for (const [copy, of] of Object.entries(duplicates)) rank.set(copy, (rank.get(of) ?? rank.size) + 0.5);
  const groupOf = new Map<string, number>();
  const baseKey = new Map<number, string>();
  base.articles.forEach((a, k) => {
    for (const s of a) groupOf.set(s, k);
    baseKey.set(k, [...a].sort().join());
  });
  let next = base.articles.length;
  const dropped = new Set<string>();
  const restored = new Set<string>();
  const moved = new Map<string, string[]>();
  let stale = 0;
  // What moving `photos` out of their articles leaves behind: for each photo, the others of its article then.
  const leaving = (photos: readonly string[]) => {
    const going = new Set(photos);
    const stays = new Map<number, string[]>();
    for (const [t, g] of groupOf) if (!going.has(t)) stays.set(g, [...(stays.get(g) ?? []), t]);
    const from = new Map<string, string[]>();
    for (const s of photos) {
      const g = groupOf.get(s);
      if (g !== undefined) from.set(s, stays.get(g) ?? []);
    }
    return from;
  };
  const known = (s: string) => groupOf.has(s) || s in duplicates || dropped.has(s);
  // A moved photo back with photos it left (a merge, a move since) has not left them: it is their garment's again.
  const reunite = () => {
    for (const [s, left] of moved) {
      const g = groupOf.get(s);
      if (g !== undefined && left.some((t) => groupOf.get(t) === g))
        moved.set(
          s,
          left.filter((t) => groupOf.get(t) !== g),
        );
    }
  };
  // The article holding most of `photos` (the first by rank on a tie); undefined when none is in one.
  const largestGroup = (photos: readonly string[]): number | undefined => {
    const count = new Map<number, number>();
    for (const s of [...photos].sort((x, y) => (rank.get(x) ?? 0) - (rank.get(y) ?? 0))) {
      const g = groupOf.get(s);
      if (g !== undefined) count.set(g, (count.get(g) ?? 0) + 1);
    }
    return [...count].reduce<[number, number] | undefined>(
      (best, c) => (!best || c[1] > best[1] ? c : best),
      undefined,
    )?.[0];
  };
  // A new article for `photos`; undefined when they already form exactly one of their own (applying twice).
  const ownGroup = (photos: readonly string[]): number | undefined => {
    const current = new Set(photos.map((s) => groupOf.get(s)));
    const [only] = current;
    if (
      current.size === 1 &&
      only !== undefined &&
      [...groupOf.values()].filter((g) => g === only).length === photos.length
    )
      return undefined;
    return next++;
  };
  const keep = (s: string) => {
    // A photo a decision places in an article is in the listing again, whatever it was before.
    dropped.delete(s);
    if (s in duplicates) {
      delete duplicates[s];
      restored.add(s);
    }
  };
  for (const d of decisions) {
    switch (d.op) {
      case "move": {
        const photos = d.photos.filter(known);
        if (photos.length === 0) {
          stale++;
          break;
        }
        // The photo they were moved next to deleted (or replaced by an edited copy): they join what is left of its
        // article, or stay together in one of their own; sent back to the articles they came from, the seller's
        // move was undone without a word.
        const going = new Set(photos);
        const target =
          groupOf.get(d.with) ?? largestGroup((d.to ?? []).filter((s) => !going.has(s))) ?? ownGroup(photos);
        if (target === undefined) break;
        const from = leaving(photos.filter((s) => groupOf.has(s) && groupOf.get(s) !== target));
        for (const s of photos) {
          keep(s);
          const left = from.get(s);
          if (left) moved.set(s, left);
          groupOf.set(s, target);
        }
        reunite();
        break;
      }
      case "split": {
        const photos = d.photos.filter(known);
        if (photos.length === 0) {
          stale++;
          break;
        }
        // Idempotent: photos that already form exactly one article of their own stay as they are.
        const id = ownGroup(photos);
        if (id === undefined) break;
        const from = leaving(photos);
        for (const s of photos) {
          keep(s);
          const left = from.get(s);
          if (left) moved.set(s, left);
          groupOf.set(s, id);
        }
        break;
      }
      case "merge": {
        // With `a` or `b` deleted (or replaced by an edited copy) since, the photos the merge recorded say what was
        // merged: what is left of the two articles stays one. An older decisions.json without them: stale.
        const recorded = (d.photos ?? []).filter((s) => groupOf.has(s));
        const b = groupOf.get(d.b);
        const a = groupOf.get(d.a) ?? (recorded.length ? (b ?? largestGroup(recorded)) : undefined);
        if (a === undefined || (b === undefined && !recorded.length)) {
          stale++;
          break;
        }
        if (b !== undefined) for (const [s, g] of groupOf) if (g === b) groupOf.set(s, a);
        // The rest of what the seller merged, wherever the automatic grouping put it since (a copy set aside or a
        // photo taken out stays so).
        for (const s of recorded) groupOf.set(s, a);
        reunite();
        break;
      }
      case "restore": {
        const of = duplicates[d.photo];
        if (of === undefined) {
          if (!known(d.photo)) stale++;
          break;
        }
        const target = groupOf.get(of);
        keep(d.photo);
        groupOf.set(d.photo, target ?? next++);
        break;
      }
      case "drop": {
        if (!known(d.photo)) {
          stale++;
          break;
        }
        groupOf.delete(d.photo);
        if (d.photo in duplicates) delete duplicates[d.photo];
        restored.delete(d.photo);
        dropped.add(d.photo);
        break;
      }
    }
  }
  const groups = new Map<number, string[]>();
  for (const [s, g] of groupOf) groups.set(g, [...(groups.get(g) ?? []), s]);
  const ordered = [...groups.entries()]
    .map(([g, photos]) => ({ g, photos: photos.sort((x, y) => rank.get(x)! - rank.get(y)!) }))
    .sort((x, y) => rank.get(x.photos[0]!)! - rank.get(y.photos[0]!)!);
  const articles = ordered.map((o) => o.photos);
  const changed = ordered
    .map((o, k) => (baseKey.get(o.g) === [...o.photos].sort().join() ? -1 : k))
    .filter((k) => k >= 0);
  return {
    articles,
    duplicates,
    dropped: [...dropped].sort((x, y) => rank.get(x)! - rank.get(y)!),
    restored: [...restored],
    changed,
    moved: Object.fromEntries([...moved].filter(([s]) => groupOf.has(s))),
    stale,
  };
}

/** Reads DIR/decisions.json; an empty list when there is none. Throws BAD_INPUT naming the bad field. */
export async function readDecisions(dir: string): Promise<DecisionsFile> {
  return (
    (await readJsonFileIfAny(join(dir, DECISIONS_FILE), DecisionsFileSchema, {
      field: "Fix that field, or move decisions.json away to start from the automatic grouping again.",
      syntax:
        "Or move decisions.json away to start from the automatic grouping again (the groupings you made in vbulk review are then lost).",
      foreign:
        "It is not a decisions.json vbulk wrote: move it away to start from the automatic grouping again.",
    })) ?? { schemaVersion: DECISIONS_SCHEMA_VERSION, updated_at: new Date(0).toISOString(), decisions: [] }
  );
}

/** Adds one decision (validated) at the end and writes the file atomically. Throws BAD_INPUT for a bad one. */
export async function addDecision(dir: string, decision: Decision, now = new Date()): Promise<DecisionsFile> {
  const file = await readDecisions(dir);
  const at = now.toISOString();
  const next: DecisionsFile = {
    schemaVersion: DECISIONS_SCHEMA_VERSION,
    updated_at: at,
    decisions: [...file.decisions, { ...DecisionSchema.parse(decision), at }],
  };
  await saveJsonAtomic(join(dir, DECISIONS_FILE), DecisionsFileSchema.parse(next));
  return next;
}

/**
 * Points the seller's decisions at the photos' content now, for photos saved again since (ingest/resaved.ts: the
 * same file and picture, other bytes; `now` maps each earlier content to the current one). Without it a decision
 * about a re-saved photo matched nothing and the grouping fell back to the automatic one without a word.
 * Rewrites decisions.json atomically when a decision changed; returns how many did.
 */
export async function followResavedPhotos(dir: string, now: ReadonlyMap<string, string>): Promise<number> {
  if (now.size === 0) return 0;
  const file = await readDecisions(dir);
  const to = (s: string) => now.get(s) ?? s;
  let changed = 0;
  const decisions = file.decisions.map((d) => {
    const next =
      d.op === "move"
        ? { ...d, photos: d.photos.map(to), with: to(d.with), ...(d.to ? { to: d.to.map(to) } : {}) }
        : d.op === "split"
          ? { ...d, photos: d.photos.map(to) }
          : d.op === "merge"
            ? { ...d, a: to(d.a), b: to(d.b), ...(d.photos ? { photos: d.photos.map(to) } : {}) }
            : { ...d, photo: to(d.photo) };
    if (JSON.stringify(next) !== JSON.stringify(d)) changed++;
    return next;
  });
  if (changed)
    await saveJsonAtomic(join(dir, DECISIONS_FILE), DecisionsFileSchema.parse({ ...file, decisions }));
  return changed;
}

/** Removes the last decision (undo). Returns the removed one, or null when there was none. */
export async function undoDecision(
  dir: string,
  now = new Date(),
): Promise<{ file: DecisionsFile; undone: Decision | null }> {
  const file = await readDecisions(dir);
  const undone = file.decisions.at(-1) ?? null;
  if (!undone) return { file, undone: null };
  const next: DecisionsFile = {
    ...file,
    updated_at: now.toISOString(),
    decisions: file.decisions.slice(0, -1),
  };
  await saveJsonAtomic(join(dir, DECISIONS_FILE), DecisionsFileSchema.parse(next));
  return { file: next, undone };
}

/** The automatic grouping of the last ingest, before any decision: what undo goes back to. */
export const AUTO_GROUPING_FILE = "auto-grouping.json";

/**
 * What the ingest said of an article (category, colour, department, the model's colour, confidence), without what
 * a decision changes anyway (id, photo files, the seller's mark). Kept by fingerprint so that the review page can
 * give an article back exactly what the ingest said of it (an undone merge) without the photos' embeddings.
 */
const DescribedSchema = CatalogItemSchema.omit({ id: true, photos: true, by_seller: true });
export type Described = z.infer<typeof DescribedSchema>;

const AutoGroupingSchema = z.object({
  schemaVersion: z.literal(1),
  articles: z.array(z.array(Sha)),
  duplicates: z.record(Sha, Sha),
  /** The ingest's description of each automatic article and of each article the decisions made; absent in files
   *  written before it existed. */
  described: z.array(DescribedSchema).optional(),
  /** What the grouping was computed with (ingest/group.ts groupingBasis): the next run keeps these articles only
   *  when it groups with the same; absent in files written before it existed. */
  basis: z.string().optional(),
});

/** The automatic grouping and, when the ingest saved them, its descriptions by fingerprint. */
export interface AutoGrouping extends ShaGrouping {
  described?: Map<string, Described>;
}

/**
 * Writes DIR/.vbulk/auto-grouping.json atomically (ingest, once it has described the articles): the automatic
 * grouping, and what the ingest said of the articles given (the automatic ones and the decided ones).
 */
export async function writeAutoGrouping(
  dir: string,
  grouping: ShaGrouping,
  described: readonly CatalogItem[] = [],
  basis?: string,
): Promise<void> {
  const byFp = new Map<string, Described>();
  for (const { id: _i, photos: _p, by_seller: _s, ...d } of described) byFp.set(d.fingerprint, d);
  await saveJsonAtomic(
    join(dir, STATE_DIR, AUTO_GROUPING_FILE),
    AutoGroupingSchema.parse({
      schemaVersion: 1,
      articles: grouping.articles,
      duplicates: grouping.duplicates,
      ...(byFp.size > 0 ? { described: [...byFp.values()] } : {}),
      ...(basis ? { basis } : {}),
    }),
  );
}

/**
 * The previous ingest's automatic articles (photo hashes) and what it said of them, when it grouped with `basis`;
 * `kept` null otherwise (none, another basis, a file from before the basis was saved, a damaged file: every photo is
 * grouped again, as before). `otherBasis`: the basis the previous ingest grouped with when it was another one (the
 * settings or the embedder changed since), so the run can say why the earlier articles were not kept. `same`: whether
 * two bases group alike (ingest/group.ts sameGroupingBasis: a setting the method does not read aside).
 */
export async function readEarlierGrouping(
  dir: string,
  basis: string,
  same: (earlier: string, now: string) => boolean = (a, b) => a === b,
): Promise<{ kept: { articles: string[][]; described: Described[] } | null; otherBasis: string | null }> {
  const saved = await readJsonFileIfAny(
    join(dir, STATE_DIR, AUTO_GROUPING_FILE),
    AutoGroupingSchema,
    "",
  ).catch(() => null);
  if (saved?.basis !== undefined && same(saved.basis, basis))
    return { kept: { articles: saved.articles, described: saved.described ?? [] }, otherBasis: null };
  return { kept: null, otherBasis: saved?.basis ?? null };
}

/**
 * The automatic grouping behind DIR/catalog.json: the one ingest saved, or, for a catalog from before that file
 * existed, the catalog's own grouping (the decisions are idempotent, so applying them again changes nothing).
 */
export async function readAutoGrouping(dir: string, catalog: Catalog): Promise<AutoGrouping> {
  const saved = await readJsonFileIfAny(
    join(dir, STATE_DIR, AUTO_GROUPING_FILE),
    AutoGroupingSchema,
    "Run `vbulk ingest` again to rebuild it.",
  );
  const shas = new Set(catalog.photos.map((p) => p.sha256));
  const current = groupingOfCatalog(catalog);
  // A saved grouping of other photos (the folder changed since), or one missing photos the catalog lists (saved by
  // a run that read none), is useless: fall back on the catalog.
  const known = new Set([...(saved?.articles.flat() ?? []), ...Object.keys(saved?.duplicates ?? {})]);
  if (saved?.articles.flat().every((s) => shas.has(s)) && current.articles.flat().every((s) => known.has(s)))
    return {
      articles: saved.articles,
      duplicates: saved.duplicates,
      ...(saved.described ? { described: new Map(saved.described.map((d) => [d.fingerprint, d])) } : {}),
    };
  return current;
}

/** The catalog's articles and duplicates in terms of photo hashes. */
export function groupingOfCatalog(catalog: Catalog): ShaGrouping {
  const byFile = new Map(catalog.photos.map((p) => [p.file, p.sha256]));
  const duplicates: Record<string, string> = {};
  for (const p of catalog.photos) {
    const of = p.duplicate_of ? byFile.get(p.duplicate_of) : undefined;
    if (of) duplicates[p.sha256] = of;
  }
  return {
    articles: catalog.items.map((it) => it.photos.map((f) => byFile.get(f)).filter((s) => s !== undefined)),
    duplicates,
  };
}

/**
 * Rebuilds the catalog's articles from a decided grouping without re-analysing photos: an article whose photos did
 * not change keeps its description; a changed one takes the category of the article most of its photos came from
 * and the colour voted by its photos. Ids follow the ingest's rule (src/ingest/ids.ts): an article keeps its id
 * while it keeps most of its photos, any other gets a new one above every id the folder had, so a decision never
 * gives an id (and the plan's edits and Vinted draft behind it) to another garment. The regrouped catalog is a new
 * catalog: `created_at` is `now`. Pure.
 *
 * What the model said of the articles a changed one came from stays when they agree: the department (a photo
 * dropped or two halves of one garment merged do not change whose garment it is; the lower score) and the model's
 * colour, which votes again among the colours the photos show (`vote`: ingest's settings). Articles that disagree
 * leave it out: the department is then for the seller to say. The article's colour is voted from its photos'
 * colour shares in the catalog, as the ingest votes it (a catalog older than those shares: by each photo's main
 * colour).
 *
 * With the ingest's descriptions (`auto`, from .vbulk/auto-grouping.json), an article the ingest described (an
 * automatic one brought back by an undo, or one the decisions made at the last ingest) gets exactly what the ingest
 * said of it, and a changed one is described from the automatic articles its photos came from, not from the
 * catalog's last regrouping: a merge undone gives each half its own category and department back.
 */
export function regroupCatalog(
  catalog: Catalog,
  decided: DecidedGrouping,
  vote: Omit<ArticleColorVote, "probs"> = {
    weight: DEFAULTS.color.modelVoteWeight,
    minShare: DEFAULTS.color.modelVoteMinShare,
  },
  now: string = new Date().toISOString(),
  auto?: AutoGrouping,
): Catalog {
  const { ids, nextId, knownIds } = assignArticleIds(decided.articles, catalog, decided.moved);
  // A byte-identical copy shares its original's hash: the article's photo is the one dedupe kept, never the copy.
  const photoBySha = new Map<string, CatalogPhoto>();
  for (const p of catalog.photos) {
    const had = photoBySha.get(p.sha256);
    if (!had || (had.duplicate_of && !p.duplicate_of)) photoBySha.set(p.sha256, p);
  }
  const fileSha = new Map(catalog.photos.map((p) => [p.file, p.sha256]));
  const itemByFp = new Map(catalog.items.map((it) => [it.fingerprint, it]));
  const itemById = new Map(catalog.items.map((it) => [it.id, it]));
  const described = auto?.described;
  // Each photo's automatic article, when the ingest's description of it is known.
  const autoOf = new Map<string, Described>();
  for (const shas of described ? auto.articles : []) {
    const d = described?.get(fingerprint(shas));
    if (d) for (const s of shas) autoOf.set(s, d);
  }
  const changed = new Set(decided.changed);
  const articleOf = new Map<string, string>();
  const items: CatalogItem[] = decided.articles.map((shas, k) => {
    const id = ids[k]!;
    for (const s of shas) articleOf.set(s, id);
    const photos = shas.map((s) => photoBySha.get(s)).filter((p) => p !== undefined);
    const fp = fingerprint(shas);
    // The seller put these photos together: the grouping's doubt no longer applies.
    const bySeller = changed.has(k) ? ({ confidence: "high", by_seller: true } as const) : {};
    const known = described?.get(fp);
    if (known) return { ...known, id, photos: photos.map((p) => p.file), ...bySeller };
    const same = itemByFp.get(fp);
    if (same) return { ...same, id, photos: photos.map((p) => p.file) };
    // Where each photo came from: its automatic article as the ingest described it, else its article in the catalog.
    const sourceOf = new Map<
      string,
      Pick<CatalogItem, "category" | "score" | "runner_up" | "cohesion" | "department" | "color_model">
    >();
    const votes = new Map<string, number>();
    for (const p of photos) {
      const d = autoOf.get(p.sha256);
      const key = d ? `auto ${d.fingerprint}` : p.article ? `catalog ${p.article}` : undefined;
      const from = d ?? (p.article ? itemById.get(p.article) : undefined);
      if (!key || !from) continue;
      sourceOf.set(key, from);
      votes.set(key, (votes.get(key) ?? 0) + 1);
    }
    const sourceKey = [...votes.entries()].sort((x, y) => y[1] - x[1])[0]?.[0];
    const source = sourceKey ? sourceOf.get(sourceKey) : undefined;
    const sources = [...sourceOf.values()];
    const department = agreed(sources, (it) => it?.department);
    const model = agreed(sources, (it) => it?.color_model);
    const color = articleColor(
      photos.map(dominantOf),
      model ? { ...vote, probs: topOnly(model) } : undefined,
    );
    return {
      id,
      category: source?.category ?? "unknown",
      score: source?.score ?? 0,
      ...(source?.runner_up ? { runner_up: source.runner_up } : {}),
      color: color.name,
      color_score: Math.round(color.score * 1000) / 1000,
      color_shade: color.shade,
      color2: color.second,
      ...(model ? { color_model: model } : {}),
      ...(department ? { department } : {}),
      photos: photos.map((p) => p.file),
      fingerprint: fp,
      confidence: "high",
      cohesion: source?.cohesion ?? 1,
      ...bySeller,
    };
  });
  const dropped = new Set(decided.dropped);
  const moved = decided.moved;
  const photos: CatalogPhoto[] = catalog.photos.map((p) => {
    const { duplicate_reason: _r, dropped_by_seller: _d, moved_by_seller: _m, moved_from: _f, ...rest } = p;
    const of = decided.duplicates[p.sha256];
    if (of !== undefined)
      return {
        ...rest,
        article: articleOf.get(of) ?? null,
        duplicate_of: photoBySha.get(of)?.file ?? p.duplicate_of,
        ...(p.duplicate_reason ? { duplicate_reason: p.duplicate_reason } : {}),
      };
    // A byte-identical copy stays a copy (the grouping lists no such pair: there is nothing to bring back).
    if (p.duplicate_of && fileSha.get(p.duplicate_of) === p.sha256)
      return { ...p, article: dropped.has(p.sha256) ? null : (articleOf.get(p.sha256) ?? null) };
    if (dropped.has(p.sha256)) return { ...rest, article: null, duplicate_of: null, dropped_by_seller: true };
    return {
      ...rest,
      article: articleOf.get(p.sha256) ?? null,
      duplicate_of: null,
      ...(Object.hasOwn(moved, p.sha256)
        ? { moved_by_seller: true as const, moved_from: moved[p.sha256]! }
        : {}),
    };
  });
  return {
    ...catalog,
    created_at: now,
    next_id: nextId,
    known_ids: knownIds,
    summary: {
      ...catalog.summary,
      duplicates: photos.filter((p) => p.duplicate_of).length,
      articles: items.length,
      low_confidence: items.filter((it) => it.confidence === "low").length,
    },
    items,
    photos,
  };
}

/** A catalog photo's colour as articleColor takes it (the Lab centre is not kept in the catalog, nor needed). */
function dominantOf(p: CatalogPhoto): DominantColor {
  return {
    name: p.color,
    score: p.color_score,
    lab: [0, 0, 0],
    ...(p.color_shares ? { shares: p.color_shares } : {}),
    ...(p.color_shade ? { shade: p.color_shade } : {}),
    ...(p.color2 ? { second: { name: p.color2, score: 0 } } : {}),
  };
}

/** The name every source article gives (with the lowest of their scores), or null when one has none or they
 *  differ. */
function agreed<N extends string, S extends Pick<CatalogItem, "department" | "color_model">>(
  sources: (S | undefined)[],
  of: (it: S | undefined) => { name: N; score: number } | null | undefined,
): { name: N; score: number } | null {
  const said = sources.map(of);
  const first = said[0];
  if (!first || said.some((d) => !d || d.name !== first.name)) return null;
  return { name: first.name, score: Math.min(...said.map((d) => d!.score)) };
}

/** The model's probabilities when only its top colour is known: the rest shared evenly by the other names. */
function topOnly(model: { name: (typeof COLOR_NAMES)[number]; score: number }): ArticleColorVote["probs"] {
  const rest = (1 - model.score) / (COLOR_NAMES.length - 1);
  return Object.fromEntries(COLOR_NAMES.map((n) => [n, n === model.name ? model.score : rest]));
}
