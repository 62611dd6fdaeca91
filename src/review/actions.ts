import { hasBrand } from "../core/brand.js";
/**
 * What the review page can do, as small adapters over the same core calls the commands make (catalog + decisions,
 * `vbulk plan --set`, `vbulk plan`). No HTTP here: the server turns requests into these calls and their results
 * (or VbulkErrors) into responses.
 */

import { basename, join } from "node:path";
import { configFileLayer } from "../commands/options.js";
import { NOT_SAVED_HINT } from "../core/atomic.js";
import { resolveConfig } from "../core/config.js";
import { fileSystemError, VbulkError } from "../core/errors.js";
import { lockForDecision } from "../ingest/index.js";
import { currentContent } from "../ingest/resaved.js";
import { chooseListingFiles, loadLabels, loadListingFiles } from "../listing/inputs.js";
import { DEFAULT_MAPPING, loadMapping } from "../listing/mapping.js";
import {
  buildPlan,
  type Editable,
  editedFields,
  handEditedRules,
  lockPlan,
  type Plan,
  parseSet,
  type RuleKey,
  readPlan,
  rulesFollowed,
  storedRules,
  type Unpublished,
  writePlan,
} from "../listing/plan.js";
import type { LabelSet } from "../model/clip.js";
import {
  CATALOG_FILE,
  type Catalog,
  keepHandEditedCatalog,
  readCatalog,
  writeCatalog,
} from "../store/catalog.js";
import { DECISION_LOG_FILE, writeDecisionLog } from "../store/decision-log.js";
import {
  addDecision,
  applyDecisions,
  type Decision,
  groupingOfCatalog,
  readAutoGrouping,
  readDecisions,
  regroupCatalog,
  undoDecision,
} from "../store/decisions.js";
import { staleItems } from "../vinted/execute.js";
import { JournalFile } from "../vinted/journal.js";
import { siteUrl } from "../vinted/run.js";

/**
 * Applies every decision of DIR/decisions.json to the catalog's automatic grouping and writes catalog.json. A
 * catalog.json edited by hand since vbulk wrote it is first kept as catalog.edited-<time>.json, as ingest keeps it
 * (keepHandEditedCatalog): `kept` is told that file's name, for the page to say it.
 */
export async function regroup(dir: string, kept: (file: string) => void = () => {}): Promise<Catalog> {
  const catalog = await readCatalog(dir);
  const base = await readAutoGrouping(dir, catalog);
  const { decisions } = await readDecisions(dir);
  const decided = applyDecisions(base, decisions);
  const config = resolveConfig(await configFileLayer(process.env.VBULK_CONFIG));
  const next = regroupCatalog(
    catalog,
    decided,
    { weight: config.color.modelVoteWeight, minShare: config.color.modelVoteMinShare },
    new Date().toISOString(),
    base,
  );
  // A full disk or a forbidden folder is the seller's to fix: a typed error the page shows, not "unexpected".
  const written = (file: string) => (err: unknown) => {
    throw fileSystemError(err, join(dir, file), "write", NOT_SAVED_HINT);
  };
  // Before, the decision wrote over a hand edit unsaid, and the next ingest, its record reset, could not tell.
  const edited = await keepHandEditedCatalog(dir).catch(written(CATALOG_FILE));
  if (edited) kept(basename(edited));
  await writeCatalog(dir, next).catch(written(CATALOG_FILE));
  await writeDecisionLog(dir, next).catch(written(DECISION_LOG_FILE));
  return next;
}

/**
 * Records one decision of the seller and rewrites the catalog, holding the folder's ingest lock (lockForDecision).
 * Throws BAD_INPUT for a malformed decision, CONFLICT (nothing changed) while an ingest runs on the folder.
 */
export async function decide(
  dir: string,
  decision: Decision,
  kept?: (file: string) => void,
): Promise<Catalog> {
  return whileNoIngest(dir, async () => {
    await addDecision(
      dir,
      decision.op === "merge"
        ? await withMergedPhotos(dir, decision)
        : decision.op === "move"
          ? await withTargetPhotos(dir, decision)
          : decision,
    );
    return regroup(dir, kept);
  });
}

/** A merge as recorded: with every photo of the two articles it joins now, so that a later automatic grouping
 *  that splits either one still gives one article (store/decisions.ts). */
async function withMergedPhotos(dir: string, merge: Extract<Decision, { op: "merge" }>): Promise<Decision> {
  if (merge.photos) return merge;
  const { articles } = groupingOfCatalog(await readCatalog(dir));
  const photos = articles.filter((a) => a.includes(merge.a) || a.includes(merge.b)).flat();
  return photos.length ? { ...merge, photos } : merge;
}

/** A move as recorded: with every photo of the article it moves them into now, so that the move still holds when
 *  the photo named as its target is deleted or replaced by an edited copy (store/decisions.ts). */
async function withTargetPhotos(dir: string, move: Extract<Decision, { op: "move" }>): Promise<Decision> {
  if (move.to) return move;
  const { articles } = groupingOfCatalog(await readCatalog(dir));
  const to = articles.find((a) => a.includes(move.with));
  return to ? { ...move, to } : move;
}

/** Removes the seller's last decision and rewrites the catalog (`kept`: as regroup). Throws CONFLICT (nothing
 *  changed) while an ingest runs on the folder. */
export async function undo(
  dir: string,
  kept?: (file: string) => void,
): Promise<{ catalog: Catalog; undone: Decision | null }> {
  return whileNoIngest(dir, async () => {
    const { undone } = await undoDecision(dir);
    return { catalog: await regroup(dir, kept), undone };
  });
}

/** Runs `fn` holding the folder's ingest lock: an ingest started meanwhile waits, one running refuses it. */
async function whileNoIngest<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const release = await lockForDecision(dir);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/** The environment's VBULK_TEMPLATES, VBULK_LABELS and VBULK_MAPPING: `vbulk plan`'s flags as the page sees them. */
function envFiles() {
  const { VBULK_TEMPLATES: templates, VBULK_LABELS: labels, VBULK_MAPPING: mapping } = process.env;
  return { templates, labels, mapping };
}

/** The label set naming the categories: the one the plan was made with (or the environment's), as `vbulk plan`'s.
 *  A stored label file that is gone gives the built-in labels here, so the page still opens; its save says why. */
export async function labels(plan?: Plan | null, dir = "."): Promise<LabelSet> {
  const { files, fromStore } = chooseListingFiles(envFiles(), plan?.rules, dir);
  return loadLabels(files.labels).catch((err) => {
    if (fromStore.has("labels") && err instanceof VbulkError && err.code === "NOT_FOUND") return loadLabels();
    throw err;
  });
}

/** One field edit from the page, as text: the same text `vbulk plan --set ID.FIELD=VALUE` would take. */
export interface FieldEdit {
  id: string;
  field: string;
  value: string;
  /**
   * The field's value in plan.json when the page showed it, before the seller typed: when plan.json holds another
   * value now (a `vbulk plan --set` in a terminal, another tab), the save is refused rather than overwrite it.
   */
  shown?: string | number | boolean | null;
  /**
   * The photos (sha256) of the article the seller typed this for, as the page showed it: when the id now names
   * other photos (the catalog moved away and made again, ids given anew), the save is refused (checkPhotos).
   */
  photos?: string[];
}

/** An edit whose field changed in plan.json since the page showed it: the value plan.json holds now. */
export interface EditConflict {
  id: string;
  field: string;
  now: unknown;
}

/**
 * Refuses (CONFLICT, nothing written) edits made over a value plan.json no longer holds: the seller would
 * otherwise overwrite, unseen, what was set meanwhile in a terminal or another tab. Edits to other fields pass.
 */
export function checkShown(previous: Plan | null, edits: FieldEdit[]): void {
  const conflicts: EditConflict[] = [];
  for (const e of edits) {
    const item = e.shown === undefined ? undefined : previous?.items.find((i) => i.cluster_id === e.id);
    if (!item) continue;
    const now = (item as unknown as Record<string, unknown>)[e.field] ?? null;
    if (JSON.stringify(now) !== JSON.stringify(e.shown)) conflicts.push({ id: e.id, field: e.field, now });
  }
  if (!conflicts.length) return;
  throw new VbulkError(
    "CONFLICT",
    `Expected plan.json to hold what the page showed but ${conflicts.map((c) => `${c.id}.${c.field} is now ${JSON.stringify(c.now)}`).join(", ")} (changed since, by \`vbulk plan --set\` or another tab): nothing was saved`,
    {
      hint: "The page now shows plan.json as it is, with what you typed still in the fields: save again to replace it.",
      context: { conflicts },
    },
  );
}

/**
 * Refuses (CONFLICT, nothing written) an edit typed for photos of which its article id holds none now: the catalog
 * was made again meanwhile (moved away and ingested anew, ids given from c1 again) and the id names another garment.
 * Before, a price typed for a bag was saved onto the coat that took its id. A photo moved in or out by another tab,
 * or saved again (earlier_sha256), keeps the article the same garment: the edit passes.
 */
export function checkPhotos(catalog: Catalog, edits: FieldEdit[]): void {
  // A photo saved again since the page showed it is the same photo (resaved.ts: its earlier content, followed).
  const nowOf = currentContent(catalog.photos.map((p) => [p.sha256, p.earlier_sha256]));
  const current = (sha: string) => nowOf.get(sha) ?? sha;
  const shaOf = new Map(catalog.photos.map((p) => [p.file, p.sha256]));
  const fileOf = new Map(catalog.photos.map((p) => [p.sha256, p.file]));
  for (const e of edits) {
    const item = e.photos?.length ? catalog.items.find((i) => i.id === e.id) : undefined;
    if (!item || !e.photos) continue;
    const now = new Set(item.photos.map((f) => shaOf.get(f)));
    if (e.photos.some((sha) => now.has(current(sha)))) continue;
    // The files the seller saw, as the catalog names them now (the start of the sha256 for a photo gone from it).
    const typed = e.photos.map((sha) => fileOf.get(current(sha)) ?? sha.slice(0, 12));
    throw new VbulkError(
      "CONFLICT",
      `Expected ${e.id} to be the article the page showed (${typed.join(", ")}) but ${e.id} is now ${item.photos.join(", ")} (the catalog was made again since): nothing was saved`,
      {
        hint: `Reload the page to see the articles as they are now, find that garment's article, and type its values there.`,
        context: { refusal: { code: "OTHER_PHOTOS", id: e.id, typed, now: item.photos } },
      },
    );
  }
}

/** Validates edits exactly as `vbulk plan --set` does. Throws BAD_USAGE saying what was expected. */
export function checkEdits(catalog: Catalog, edits: FieldEdit[]): Map<string, Partial<Editable>> {
  return parseSet(
    edits.map((e) => `${e.id}.${e.field}=${e.value}`),
    new Set(catalog.items.map((i) => i.id)),
  );
}

/**
 * Rebuilds plan.json with these edits, as `vbulk plan DIR --set …` would: the rules are the previous plan's (so a
 * price rule chosen on the command line stays), or the config's for a first plan. Edits follow their article as
 * they do for `vbulk plan` (a grouping decision keeps an article's id while it keeps most of its photos).
 * Validates everything before writing.
 */
export async function savePlan(dir: string, edits: FieldEdit[]): Promise<Plan> {
  return (await savePlanWithChanges(dir, edits)).plan;
}

/** An article and the fields the seller had set on it in the previous plan (plan.json's `edited`). */
export interface EditedArticle {
  id: string;
  fields: string[];
}

/**
 * What a save or « Générer le plan » did to the seller's earlier edits, for the page to say: an article that kept
 * half of its photos or fewer, the rest in other articles, starts from the rules again (`reset`), one that kept more
 * than half, or all of those still there (ingest/ids.ts sameGarment), keeps its edits
 * (`carried`), one no longer in the catalog (absorbed by a merge) is gone from the plan (`dropped`). Only the
 * articles of buildPlan's changes; `fields` lists the edits each had (for `reset`, those this save does not set again).
 */
export interface SaveChanges {
  reset: EditedArticle[];
  dropped: EditedArticle[];
  carried: EditedArticle[];
  /** Articles whose set-aside edits came back (the same photos again: an undone decision). */
  restored: EditedArticle[];
  /** Articles whose publish mark was taken off, their photos now another garment's (merged, split, mostly
   *  other photos), as `vbulk plan` says them. */
  unpublished: Unpublished[];
  /** Rules the seller never gave that changed since the previous plan (the page reads only VBULK_CONFIG: a plan
   *  made with `vbulk plan --config FILE` in a terminal goes back to the defaults), as `vbulk plan` says them. */
  rules: { field: string; was: unknown; now: unknown }[];
}

/** savePlan, and what it did to the previous plan's edits (the page shows it; `vbulk plan` prints the same). */
export async function savePlanWithChanges(
  dir: string,
  edits: FieldEdit[],
): Promise<{ plan: Plan; changes: SaveChanges }> {
  const release = await lockPlan(dir);
  try {
    return await savePlanLocked(dir, edits);
  } finally {
    await release();
  }
}

async function savePlanLocked(
  dir: string,
  edits: FieldEdit[],
): Promise<{ plan: Plan; changes: SaveChanges }> {
  const catalog = await readCatalog(dir);
  const overrides = checkEdits(catalog, edits);
  checkPhotos(catalog, edits);
  const previous = await readPlan(dir);
  checkShown(previous, edits);
  // The rules as `vbulk plan` resolves them: the config file, then those the seller gave (kept in plan.json; a
  // rule changed by hand in plan.json counts as given, as in `vbulk plan`).
  const stored = previous ? storedRules(previous) : {};
  const { plan: resolved } = resolveConfig(
    await configFileLayer(process.env.VBULK_CONFIG),
    ...(previous ? [{ plan: stored }] : []),
  );
  const rules =
    previous?.rules.given || (previous && handEditedRules(previous).length)
      ? { ...resolved, given: Object.keys(stored) as RuleKey[] }
      : resolved;
  // The files the plan was made with (plan.json's rules), or those the environment names, as `vbulk plan` would.
  const { files, fromStore } = chooseListingFiles(envFiles(), previous?.rules, dir);
  const { mapping, templates, labels: labelSet } = await loadListingFiles(files, fromStore, rules.lang);
  const { plan, changes } = buildPlan(
    catalog,
    { ...rules, prices: { ...rules.prices }, files },
    mapping,
    templates,
    labelSet,
    previous,
    overrides,
  );
  await writePlan(dir, plan);
  // A reset, carried or dropped article was matched by its id (the same photos would have kept its edits).
  const had = (id: string): string[] => editedFields(previous, id);
  const setNow = (id: string): Set<string> => new Set(Object.keys(overrides.get(id) ?? {}));
  return {
    plan,
    changes: {
      reset: changes.reset.map((id) => ({ id, fields: had(id).filter((f) => !setNow(id).has(f)) })),
      dropped: changes.dropped.map((id) => ({ id, fields: had(id) })),
      // A publish mark taken off (unpublished) was not carried: said there, not as kept too.
      carried: changes.carried.map((id) => ({
        id,
        fields: had(id).filter((f) => f !== "publish" || !changes.unpublished.some((u) => u.id === id)),
      })),
      restored: changes.restored.map((id) => ({
        id,
        fields: plan.items.find((i) => i.cluster_id === id)?.edited ?? [],
      })),
      unpublished: changes.unpublished,
      rules: rulesFollowed(previous, plan).map(({ field, was, now }) => ({ field, was, now })),
    },
  };
}

/** The plan, or null; never throws for a missing file. */
export async function currentPlan(dir: string): Promise<Plan | null> {
  return readPlan(dir);
}

/**
 * The phrases that confirm publishing `n` articles: the page asks for the one of its language (« publier N » in
 * French, "publish N" in English), and either is taken, since a seller may switch language after reading it.
 */
export function confirmationPhrases(n: number): { fr: string; en: string } {
  return { fr: `publier ${n}`, en: `publish ${n}` };
}

/** The articles journal.json records as published on `journal`'s site: never listed as going public again. */
export function publishedIn(journal: JournalFile): Set<string> {
  return new Set(
    Object.entries(journal.data.items)
      .filter(([, j]) => j.publish?.state === "done")
      .map(([id]) => id),
  );
}

/**
 * The articles published on the site vbulk works with, for the page; none when journal.json cannot be read (the
 * page opens anyway, and « Créer les brouillons » then says why the journal is refused).
 */
export async function publishedArticles(dir: string): Promise<Set<string>> {
  try {
    return publishedIn(await JournalFile.open(dir, siteUrl()));
  } catch {
    return new Set();
  }
}

/**
 * The articles that would go public (marked, with a brand, not published yet: `published`), and the exact phrase
 * the seller must type to confirm (the French one).
 */
export function publishPreview(
  plan: Plan,
  published: ReadonlySet<string> = new Set(),
): {
  items: { id: string; title: string; price: number; photos: string[] }[];
  phrase: string;
} {
  // An article without a brand is drafted, never published (hasBrand): the list shows what goes public.
  const items = plan.items
    .filter((i) => !i.excluded && i.publish && hasBrand(i.brand) && !published.has(i.cluster_id))
    .map((i) => ({ id: i.cluster_id, title: i.title, price: i.price, photos: i.photos }));
  return { items, phrase: confirmationPhrases(items.length).fr };
}

/**
 * Throws BAD_USAGE unless the typed confirmation is one of the phrases (either language) and `shown` (the list the page showed the
 * seller when they typed it) is exactly what would go public now: a plan changed meanwhile (a terminal, another
 * tab) would otherwise publish articles nobody was shown under a count that still matches. Nothing is sent then.
 */
export function checkConfirmation(
  plan: Plan,
  typed: string | undefined,
  shown: ReturnType<typeof publishPreview>["items"],
  published: ReadonlySet<string> = new Set(),
): void {
  const { items } = publishPreview(plan, published);
  const { fr, en } = confirmationPhrases(items.length);
  if (JSON.stringify(shown) !== JSON.stringify(items))
    throw new VbulkError(
      "BAD_USAGE",
      `Expected to publish the ${shown.length} articles the page listed but plan.json now marks ${items.map((i) => i.id).join(", ") || "none"} to publish, or their titles, prices or photos changed: nothing was sent`,
      {
        hint: "Reload the page, read the list again, and type the confirmation it shows.",
        // As data, for the page to say in its words (how many it listed, in the singular or the plural).
        context: { confirmation: { code: "LIST_CHANGED", shown: shown.length } },
      },
    );
  const said = (typed ?? "").trim().toLowerCase();
  if (items.length && said !== fr && said !== en)
    throw new VbulkError(
      "BAD_USAGE",
      `Expected the typed confirmation "${fr}" or "${en}" to publish ${items.length} articles but received ${JSON.stringify(typed ?? "")}: nothing was sent`,
      {
        hint: `Type ${en} (or ${fr}) in the confirmation box, or leave the switch off to make drafts only.`,
        context: { confirmation: { code: "PHRASE", shown: items.length } },
      },
    );
}

/**
 * The articles plan.json no longer describes: their photos changed since it was made (the same check as execute's,
 * staleItems), or the plan lacks them (a new article from a split). The page says the plan is out of date
 * right after a decision, instead of at « Créer les brouillons ».
 */
export function staleArticles(plan: Plan, catalog: Catalog): string[] {
  const changed = staleItems(plan.items, catalog);
  const planned = new Set(plan.items.map((i) => i.cluster_id));
  const added = catalog.items.filter((a) => !planned.has(a.id));
  return [...changed.map((i) => i.cluster_id), ...added.map((a) => a.id)];
}

/**
 * Each condition's name in French and English, from the mapping the plan uses (Vinted's own words); the built-in
 * mapping's when that one cannot be read (its save says why: the names alone must not keep the page from opening).
 */
export async function conditionNames(
  plan?: Plan | null,
  dir = ".",
): Promise<Record<string, { fr: string; en: string }>> {
  const { files } = chooseListingFiles(envFiles(), plan?.rules, dir);
  const mapping = await loadMapping(files.mapping).catch(() => loadMapping(DEFAULT_MAPPING));
  return Object.fromEntries(
    Object.entries(mapping.conditions).map(([id, c]) => [id, { fr: c.fr, en: c.en }]),
  );
}
