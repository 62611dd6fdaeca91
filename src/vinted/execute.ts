import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { setTimeout as sleepFor } from "node:timers/promises";
import { writeFileAtomic } from "../core/atomic.js";
import { hasBrand } from "../core/brand.js";
import type { Config } from "../core/config.js";
import { messageOf, VbulkError } from "../core/errors.js";
import { redact } from "../core/redact.js";
import { localDateTime, printable, shellWord, vbulkAs } from "../core/text.js";
import { decodeFullJpeg } from "../imaging/decode.js";
import { PHOTOS_MAX, type Plan, type PlanItem } from "../listing/plan.js";
import { CatalogPhotos } from "../review/security.js";
import { type Catalog, missingPhotoFix } from "../store/catalog.js";
import { DRAFTS_PER_PAGE, draftBody, newUploadSession, type VintedTab } from "./adapter.js";
import {
  ChallengeError,
  ForbiddenError,
  ListingRejectedError,
  RateLimitError,
  SessionExpiredError,
  TransientError,
} from "./errors.js";
import type { Journal, JournalFile, JournalItem } from "./journal.js";
import type { Budget, Slot } from "./pacing.js";

/** One article's outcome. */
export interface ExecuteResult {
  cluster_id: string;
  state: "draft" | "published" | "failed" | "needs_manual" | "skipped" | "not_reached";
  draft_url?: string;
  listing_url?: string;
  /** The draft existed and was updated to the current plan in this run. */
  updated?: boolean;
  error?: string;
  /** Not ready (skipped): each reason whole, as data (`error` joins them with "; ", which a reason may hold itself:
   *  the review page split them there and showed pieces of the terminal's advice). */
  reasons?: string[];
  /** Which step the error came from. */
  failed_at?: "draft" | "publish";
  /** Drafted and not published, nothing sent for publishing, because Vinted would refuse it (publishProblems):
   *  said with the article's draft, as data the review page words. */
  unpublished?: "no_brand";
}

export type ExecuteEvent =
  | {
      type: "item";
      id: string;
      step: "photo" | "draft" | "update" | "adopt" | "publish";
      state: "done" | "failed";
      detail?: string;
      /** The error behind a failed step (its code and context): what a caller that words it itself (the review
       *  page, in its language) reads; `detail` is its message, the terminal's. */
      cause?: VbulkError;
    }
  | { type: "wait"; id: string; until: number; why: string }
  | { type: "write"; id: string; what: string; sent: number }
  | {
      type: "stopped";
      reason: string;
      left: string[];
      /** The pause Vinted's refusal started (a challenge on article `id`, or its rate limit), when that stopped it:
       *  what a page words in its own language. */
      pause?: { kind: "challenge" | "rate_limit"; id: string; until: number };
      /** The refusal that stopped it (its VbulkError code: FORBIDDEN, NOT_LOGGED_IN, TRANSIENT…) and on which
       *  article: a page says it in its words. */
      by?: { code: string; id: string };
      /** What stopped it when no refusal of Vinted's did (`pause` and `by` say those): a page says it in its words. */
      cause?: StopCause;
    };

/** Why a run stopped when no refusal of Vinted's stopped it, as data. */
export type StopCause =
  /** Ctrl-C: the run's signal aborted without a reason. */
  | { kind: "interrupted" }
  /** The browser closed or was lost: the signal aborted with a string reason (run.ts withTab). */
  | { kind: "browser_lost" }
  /** Every write is paused until `until` (epoch ms). */
  | { kind: "paused"; until: number }
  /** The next write (`why`: the limit that holds it) is further off than execute.maxWaitMinutes. */
  | { kind: "spent"; why: Slot["why"]; until: number };

/** The reads and writes the runner needs of the Vinted tab (VintedTab; a test may pass its own). */
export type VintedOps = Pick<
  VintedTab,
  | "uploadPhoto"
  | "createDraft"
  | "updateDraft"
  | "completeDraft"
  | "ownerItem"
  | "draftsPage"
  | "brandId"
  | "sizes"
  | "url"
>;

export interface ExecuteOptions {
  dir: string;
  plan: Plan;
  journal: JournalFile;
  tab: VintedOps;
  budget: Budget;
  savePacing: () => Promise<void>;
  config: Config["execute"];
  /** The currency prices are sent in: the site's (currency.ts siteCurrency). */
  currency: string;
  /** Publish the publish:true articles (only after --no-dry-run and a confirmation). */
  publish: boolean;
  only?: string[];
  onEvent?: (e: ExecuteEvent) => void;
  /** Ends the run at its next step (waits included): Ctrl-C (no reason), or the browser lost (its reason, a string,
   *  says; the stop's cause is then browser_lost). */
  signal?: AbortSignal;
  /** What stopped the run when `signal` aborted without a reason, in a seller's words (commands/signals.ts
   *  stoppedBy: "Ctrl-C", "SIGTERM (…)"); "Ctrl-C" when not given. */
  stoppedBy?: () => string;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The plan must still describe the catalog's articles: a decision in `vbulk review` (a photo taken out, moved, a
 * merge) or a new ingest changes an article's photos in catalog.json, and plan.json keeps the old list until
 * `vbulk plan` runs again. Sending it would upload the photo the seller took out. Throws BAD_USAGE (nothing sent)
 * naming the articles whose photos changed.
 */
export function checkPlanCurrent(items: PlanItem[], catalog: Catalog, dir: string): void {
  const stale = staleItems(items, catalog);
  if (!stale.length) return;
  throw new VbulkError(
    "BAD_USAGE",
    `Expected plan.json to list the catalog's photos but ${stale.map((i) => i.cluster_id).join(", ")} changed since the plan was made (a decision in vbulk review, or a new ingest): nothing was sent`,
    {
      hint: `Run \`${vbulkAs()} plan ${shellWord(dir)}\` again (« Générer le plan » on the page): your edits are kept. Then run this again.`,
      // For the review page, which says it in its own words.
      context: { stale: stale.map((i) => i.cluster_id) },
    },
  );
}

/** The plan items whose article's photos changed since the plan was made (or whose article is gone). */
export function staleItems(items: PlanItem[], catalog: Catalog): PlanItem[] {
  const byId = new Map(catalog.items.map((a) => [a.id, a]));
  return items.filter((i) => byId.get(i.cluster_id)?.fingerprint !== i.fingerprint);
}

/**
 * The catalog's articles that plan.json has no item for: added since the plan was made (photos of a new garment
 * ingested, « Nouvel article » on the review page). execute sends only what the plan holds, so they are not sent
 * until `vbulk plan` runs again; the command says so rather than leave them out without a word.
 */
export function unplannedArticles(plan: Plan, catalog: Catalog): string[] {
  const planned = new Set(plan.items.map((i) => i.cluster_id));
  return catalog.items.map((a) => a.id).filter((id) => !planned.has(id));
}

/** What execute says of unplannedArticles (none: null). */
export function unplannedMessage(ids: readonly string[], dir: string): string | null {
  if (!ids.length) return null;
  const one = ids.length === 1;
  return `${ids.join(", ")} ${one ? "is" : "are"} in catalog.json but not in plan.json (added since the last plan): ${one ? "it is" : "they are"} not sent. Run \`${vbulkAs()} plan ${shellWord(dir)}\` to plan ${one ? "it" : "them"} (your edits are kept).`;
}

/** Plan items execute acts on: not excluded, within --only. */
export function selectItems(plan: Plan, only?: string[]): PlanItem[] {
  return plan.items.filter((i) => !i.excluded && (!only?.length || only.includes(i.cluster_id)));
}

/** Per catalog folder, its photos and where each may be read from (read again when catalog.json changes). */
const catalogPhotos = new Map<string, CatalogPhotos>();

/**
 * The photo's path when it may be uploaded, else null: inside the catalog's folder (symlinks resolved) or, for a
 * catalog written with `ingest --out`, inside the photo folder it scanned with the sha256 it recorded: the review
 * page's rule (security.ts locateCatalogPhoto), so what the seller saw there is what is uploaded.
 */
async function insideFolder(dir: string, photo: string): Promise<string | null> {
  if (isAbsolute(photo)) return null;
  const photos = catalogPhotos.get(dir) ?? new CatalogPhotos(dir, true);
  catalogPhotos.set(dir, photos);
  const found = await photos.locate(photo);
  return found === "missing" || found === "outside" ? null : found;
}

/** Why an item cannot be sent as it is (Vinted's constraints, photos outside the folder), or [] when it can. */
export async function checkItem(dir: string, item: PlanItem): Promise<string[]> {
  const problems = [...item.needs_review];
  if (item.title.length > 100) problems.push("title over 100 characters");
  if (item.description.length > 2000) problems.push("description over 2000 characters");
  // A plan of this vbulk says it in needs_review already (plan.ts); an older plan's item is told here.
  if (item.photos.length > PHOTOS_MAX && !problems.some((p) => /^\d+ photos: /.test(p)))
    problems.push(`${item.photos.length} photos: Vinted takes ${PHOTOS_MAX} at most`);
  for (const p of item.photos) {
    const exists = (await stat(resolve(dir, p)).catch(() => null))?.isFile();
    if (!exists) {
      const full = resolve(dir, p);
      const inside = !relative(dir, full).startsWith("..");
      problems.push(
        `photo missing: ${printable(full)}: ${missingPhotoFix(dir, inside ? undefined : dirname(full))}, then \`${vbulkAs()} plan ${shellWord(dir)}\``,
      );
    } else if (!(await insideFolder(dir, p)))
      problems.push(
        `photo outside the catalog's folder: ${p} (only photos inside ${dir}, or unchanged ones of the folder ingest --out scanned, are uploaded)`,
      );
  }
  if (item.vinted.status_id === null) problems.push("condition has no Vinted id");
  if (item.vinted.catalog_id === null && !item.needs_review.length)
    problems.push(
      `no Vinted catalogue id: run \`${vbulkAs()} plan ${shellWord(dir)}\` again (or \`${vbulkAs()} vinted sync\`)`,
    );
  return problems;
}

/**
 * Why Vinted would refuse to publish this article though it can be drafted, or [] when nothing is known against it:
 * no brand. Completion refuses a listing without one: Bumpline 1.0.0 CHANGELOG (idx:57354761583): completion refused
 * "with all nine required fields reported empty (… category, price, package size, condition, size, brand, colour)";
 * idx:55162460674 (a real 400 on vinted.fr): `errors:[{"field":"brand",…},…,{"field":"color",…}]`, "le 400 marque
 * `brand`/`color` requis alors que la config `attributes` ne les marque PAS `required`" (the same page's table says
 * brand is "non requis serveur" for clothing, read from that config: the measured 400 wins). No source shows what
 * the API takes for the form's "no brand" choice, so vbulk does not guess one: the seller names the brand. Checked
 * before any write (a refused completion is a write spent and a refusal on the account).
 */
export function publishProblems(dir: string, item: PlanItem): string[] {
  if (hasBrand(item.brand)) return [];
  return [
    `no brand: Vinted refuses to publish an article without one (a draft is fine); set it with \`${vbulkAs()} plan ${shellWord(dir)} --set ${item.cluster_id}.brand="…"\``,
  ];
}

/**
 * The journal's name for each of the article's photos: its own name, or, for a photo renamed since it was sent, the
 * name it was sent under (same content: plan.json's photo_sha256 against the journal's sha256). A renamed photo is
 * one Vinted already holds: sending it again would be a write for nothing and a second copy of it on the draft.
 * Journals of older vbulk record no content: their photos are known by name only.
 */
export function sentNames(item: PlanItem, j: JournalItem | undefined): string[] {
  const content = item.photo_sha256?.length === item.photos.length ? item.photo_sha256 : undefined;
  if (!j || !content) return item.photos;
  const own = new Set(item.photos);
  const renamed = new Map<string, string>();
  for (const [name, p] of Object.entries(j.photos))
    if (p.state === "sent" && p.sha256 !== undefined && !own.has(name) && !renamed.has(p.sha256))
      renamed.set(p.sha256, name);
  return item.photos.map((name, k) => {
    if (j.photos[name]) return name;
    const was = renamed.get(content[k]!);
    // One upload stands for one photo: a second file of the same content is sent on its own.
    if (was !== undefined) renamed.delete(content[k]!);
    return was ?? name;
  });
}

/** Digest of what a draft carries: a different digest means the plan changed since the draft was sent (a photo
 *  renamed since counts under the name it was sent under: the draft holds it already). */
export function fieldsDigest(item: PlanItem, j?: JournalItem): string {
  const f = {
    title: item.title,
    description: item.description,
    price: item.price,
    catalog_id: item.vinted.catalog_id,
    brand: item.brand,
    size: item.size,
    status_id: item.vinted.status_id,
    color_ids: item.vinted.color_ids,
    package_size_id: item.vinted.package_size_id,
    photos: sentNames(item, j),
  };
  return createHash("sha256").update(JSON.stringify(f)).digest("hex").slice(0, 16);
}

/**
 * The photos the journal sent for this article's draft when none of them is among the article's photos now, by
 * name or by content (plan.json's photo_sha256, journalled since): the article's id names another garment than
 * the one the draft was made for (a grouping decision overwritten by an ingest running meanwhile gave the id away),
 * and updating the draft would put this garment in the other's listing. Null when one of them is still the
 * article's, or when the journal records no photo (nothing to tell by).
 */
export function otherGarment(item: PlanItem, j: JournalItem): string[] | null {
  const sent = Object.entries(j.photos);
  if (!sent.length) return null;
  const names = new Set(item.photos);
  const content = new Set(item.photo_sha256 ?? []);
  const held = sent.some(([name, p]) => names.has(name) || (p.sha256 !== undefined && content.has(p.sha256)));
  return held ? null : sent.map(([name]) => name);
}

/** The other plan items holding one of these journalled photos now (by name or content). */
function holdersOf(sent: string[], j: JournalItem, items: PlanItem[]): string[] {
  const shas = new Set(sent.map((n) => j.photos[n]?.sha256).filter((s): s is string => s !== undefined));
  return items
    .filter((i) => i.photos.some((f) => sent.includes(f)) || (i.photo_sha256 ?? []).some((s) => shas.has(s)))
    .map((i) => i.cluster_id);
}

/**
 * What to say of a published article whose plan changed since (a price cut, a new title): vbulk never edits a
 * listing once public, and a run said only "published", so the seller believed the price had dropped (audit).
 */
function changedSincePublished(item: PlanItem, j: JournalItem): string | undefined {
  if (j.draft?.fields === undefined || j.draft.fields === fieldsDigest(item, j)) return undefined;
  return `plan.json changed since it was published (its title, price, photos or another field): vbulk never edits a published listing, so the change is not on Vinted; make it there${j.publish?.listing_url ? ` (${j.publish.listing_url})` : ""}`;
}

/**
 * A draft (or a published listing) journal.json records for an article id the plan no longer has: the article was
 * merged into another (its photos are now in `now_in`), or left the catalog. vbulk never deletes on Vinted, and
 * never writes to it again under another article: left unsaid, the garment stayed on Vinted twice, once in its old
 * draft and once in the article that took its photos (audit: a merge on the review page).
 */
export interface LeftOnVinted {
  id: string;
  draft_id: string;
  url: string | null;
  published: boolean;
  /** The plan's articles that hold its photos now (by name or content). */
  now_in: string[];
}

export function leftOnVinted(plan: Plan, journal: Journal): LeftOnVinted[] {
  const planned = new Set(plan.items.map((i) => i.cluster_id));
  return Object.entries(journal.items).flatMap(([id, j]) =>
    planned.has(id) || j.draft?.state !== "created" || !j.draft.id
      ? []
      : [
          {
            id,
            draft_id: j.draft.id,
            url: (j.publish?.state === "done" ? j.publish.listing_url : j.draft.url) ?? null,
            published: j.publish?.state === "done",
            now_in: holdersOf(Object.keys(j.photos), j, plan.items),
          },
        ],
  );
}

/** How many of the article's photos are not on Vinted yet (by name, or by content for a renamed one). */
export function photosToSend(item: PlanItem, j: JournalItem | undefined): number {
  return sentNames(item, j).filter((p) => j?.photos[p]?.state !== "sent").length;
}

/** The writes an article still needs (photos not sent, the draft or its update, the completion). `dir` given, an
 *  article Vinted would refuse to publish (publishProblems) counts no completion. */
export function writesNeeded(
  item: PlanItem,
  j: JournalItem | undefined,
  publish: boolean,
  dir?: string,
): number {
  if (j?.publish?.state === "done") return 0;
  // A draft of another garment is left to the seller (needs_manual), with no write.
  if (j?.draft?.state === "created" && j.draft.fields !== fieldsDigest(item, j) && otherGarment(item, j))
    return 0;
  const photos = photosToSend(item, j);
  const draft = j?.draft?.state !== "created" ? 1 : j.draft.fields !== fieldsDigest(item, j) ? 1 : 0;
  const completion = publish && item.publish && !(dir !== undefined && publishProblems(dir, item).length);
  return photos + draft + (completion ? 1 : 0);
}

/**
 * The end of every needs_manual advice: once the seller has finished the article by hand on Vinted, excluding it is
 * what keeps vbulk away (clearing needs_manual makes vbulk try it again, and it makes a new draft when Vinted holds
 * none it can tell is this article's: a second listing of an article published by hand).
 */
function leaveAlone(id: string, dir: string): string {
  return `\`${vbulkAs()} plan ${shellWord(dir)} --exclude ${id}\` so vbulk leaves it alone`;
}

class Stop extends Error {
  constructor(
    readonly reason: string,
    readonly what: StopCause,
  ) {
    super(reason);
  }
}

/**
 * Carries out the plan on Vinted through the web app's own calls: phase A makes (or updates) a draft per selected
 * article, phase B (only when `publish`) completes the publish:true drafts with the plan's current fields. Each
 * write is counted when sent and journalled before and after; the draft id is journalled the moment Vinted gives
 * it. A challenge (a captcha, also in a 403) or verification marks the article needs_manual and pauses every write
 * (30 min doubling, capped); a 429 pauses too (Retry-After honoured, capped); a plain 403 fails the article and stops
 * the writes without a pause; a lost session stops with "log in again". Never retried inside the run.
 */
export async function runExecute(opts: ExecuteOptions): Promise<ExecuteResult[]> {
  const { journal, tab, budget, config, dir } = opts;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? ((ms: number, signal?: AbortSignal) => sleepFor(ms, undefined, { signal }));
  const emit = opts.onEvent ?? (() => {});
  const iso = () => new Date(now()).toISOString();
  const items = selectItems(opts.plan, opts.only);
  const results = new Map<string, ExecuteResult>(
    items.map((i) => [i.cluster_id, { cluster_id: i.cluster_id, state: "not_reached" }]),
  );
  let sent = 0;
  let transientInARow = 0;
  let stopped: string | null = null;
  let pausedBy: { kind: "challenge" | "rate_limit"; id: string; until: number } | null = null;
  let stoppedBy: { code: string; id: string } | null = null;
  let stopCause: StopCause | null = null;
  const interrupted = () =>
    typeof opts.signal?.reason === "string"
      ? new Stop(opts.signal.reason, { kind: "browser_lost" })
      : new Stop(`interrupted (${opts.stoppedBy?.() ?? "Ctrl-C"}): what was sent is in journal.json`, {
          kind: "interrupted",
        });
  /** Stops the run (the first stop is the one said). */
  const halt = (s: Stop) => {
    if (stopped) return;
    stopped = s.reason;
    stopCause = s.what;
  };

  /** Waits for the budget, journals `before`, counts the write, then sends it. */
  const write = async <T>(
    id: string,
    what: string,
    publish: boolean,
    before: () => Promise<void>,
    send: () => Promise<T>,
  ) => {
    const [min, max] = config.writeSpacingMs;
    const spacing = min + random() * Math.max(0, max - min);
    for (;;) {
      if (opts.signal?.aborted) throw interrupted();
      const slot = budget.nextWrite(spacing, publish);
      const wait = slot.at - now();
      if (wait <= 0) break;
      if (slot.why === "pause")
        throw new Stop(`writes are paused until ${localDateTime(slot.at)}`, {
          kind: "paused",
          until: slot.at,
        });
      if (wait > config.maxWaitMinutes * 60_000)
        throw new Stop(`the ${slot.why} is spent: the next write is possible at ${localDateTime(slot.at)}`, {
          kind: "spent",
          why: slot.why,
          until: slot.at,
        });
      emit({ type: "wait", id, until: slot.at, why: slot.why });
      try {
        await sleep(wait, opts.signal);
      } catch {
        throw interrupted();
      }
    }
    await before();
    const sentAt = budget.record(publish);
    await opts.savePacing();
    sent++;
    emit({ type: "write", id, what, sent });
    if (!publish) return send();
    try {
      return await send();
    } finally {
      // The ceiling counts a publish from its answer (pacing.ts answered): saved for the next run too.
      budget.answered(sentAt);
      await opts.savePacing();
    }
  };

  const uploadPhotos = async (item: PlanItem, j: JournalItem): Promise<number[]> => {
    j.upload_session_id ??= newUploadSession();
    const ids: number[] = [];
    const names = sentNames(item, j);
    for (const [k, rel] of item.photos.entries()) {
      // Its content too, so a later run knows which garment the draft was made for (checkSameGarment).
      const content = item.photo_sha256?.length === item.photos.length ? item.photo_sha256[k] : undefined;
      const sha = content ? { sha256: content } : {};
      const known = j.photos[names[k]!];
      if (known?.state === "sent" && known.photo_id !== undefined) {
        ids.push(known.photo_id);
        continue;
      }
      const file = await uploadable(dir, rel);
      const id = await write(
        item.cluster_id,
        `photo ${rel}`,
        false,
        async () => {
          j.photos[rel] = { state: "sending", at: iso(), ...sha };
          await journal.save();
        },
        () => tab.uploadPhoto(file, j.upload_session_id!),
      );
      j.photos[rel] = { state: "sent", at: iso(), photo_id: id, ...sha };
      await journal.save();
      emit({ type: "item", id: item.cluster_id, step: "photo", state: "done", detail: rel });
      ids.push(id);
    }
    return ids;
  };

  const sizeCache = new Map<number, { id: number; title: string }[]>();
  /** Reads (never writes) Vinted's ids for the article's size and brand: done before any photo goes. */
  const resolveIds = async (item: PlanItem): Promise<{ sizeId: number | null; brandId: number | null }> => {
    const catalogId = item.vinted.catalog_id!;
    let sizeId: number | null = null;
    if (item.size) {
      if (!sizeCache.has(catalogId)) sizeCache.set(catalogId, await tab.sizes(catalogId));
      const offered = sizeCache.get(catalogId)!;
      sizeId = matchSize(item.size, offered);
      if (sizeId === null)
        throw new VbulkError(
          "REJECTED",
          `Expected a size offered by catalogue ${catalogId} but received "${item.size}" (offered: ${
            offered
              .map((s) => s.title)
              .slice(0, 15)
              .join(", ") || "none"
          })`,
          {
            hint: `Set a size Vinted offers: vbulk plan --set ${item.cluster_id}.size=…`,
            // For the review page, which says it in its words and names its own « Taille ».
            context: { size: item.size, offered: offered.map((s) => s.title) },
          },
        );
    }
    const brandId = hasBrand(item.brand) ? await tab.brandId(item.brand) : null;
    return { sizeId, brandId };
  };
  const bodyFor = (
    item: PlanItem,
    j: JournalItem,
    ids: { sizeId: number | null; brandId: number | null },
    photoIds: number[],
    draftId: string | null,
  ) =>
    draftBody(
      {
        title: item.title,
        description: item.description,
        price: item.price,
        catalogId: item.vinted.catalog_id!,
        brand: item.brand,
        sizeLabel: item.size,
        statusId: item.vinted.status_id!,
        colorIds: item.vinted.color_ids,
        packageSizeId: item.vinted.package_size_id,
        brandId: ids.brandId,
        sizeId: ids.sizeId,
        photoIds,
        currency: opts.currency,
      },
      j.upload_session_id!,
      draftId,
    );

  /**
   * The account's drafts, page 1 to total_pages as a public relister pages them (idx:56707219724), a random
   * readSpacingMs between pages (reads: never counted as writes), at most draftListPages pages. `complete` is
   * false when the cap stopped it. A page that fails throws: the article fails with its draft still "sending", so
   * the next run reads the list again (a challenge stops every write, as on any call).
   */
  const readDrafts = async () => {
    const [min, max] = config.readSpacingMs;
    const byId = new Map<string, { id: string; title: string }>();
    let page = 0;
    let totalEntries: number | null = null;
    for (let more = true; more; ) {
      if (page >= config.draftListPages) return { drafts: [...byId.values()], complete: false, totalEntries };
      if (page > 0) {
        if (opts.signal?.aborted) throw interrupted();
        await sleep(min + random() * Math.max(0, max - min), opts.signal).catch(() => {
          throw interrupted();
        });
      }
      page++;
      const got = await tab.draftsPage(page);
      // By id: a draft the seller makes meanwhile shifts the pages, and one seen twice is still one draft.
      for (const d of got.drafts) byId.set(d.id, d);
      totalEntries = got.totalEntries ?? totalEntries;
      // No pagination in the answer: read on to an empty page (up to the cap). Not "to a page shorter than 96":
      // Vinted may serve fewer a page than per_page asks, and a list taken as complete misses a lost draft.
      more = got.totalPages !== null ? page < got.totalPages : got.drafts.length > 0;
    }
    return { drafts: [...byId.values()], complete: true, totalEntries };
  };

  /** Leaves the article to the seller: needs_manual with what vbulk saw, and what to do. */
  const leaveToSeller = async (
    item: PlanItem,
    j: JournalItem,
    r: ExecuteResult,
    seen: string,
    todo: string,
  ) => {
    const message = redact(seen);
    j.needs_manual = message;
    await journal.save();
    r.state = "needs_manual";
    r.error = `needs_manual (${message}): ${todo}`;
    emit({ type: "item", id: item.cluster_id, step: "adopt", state: "failed", detail: message });
    return "manual" as const;
  };

  /** Returns "manual" when the article is left for the seller (a lost draft vbulk cannot tell apart). */
  const ensureDraft = async (
    item: PlanItem,
    j: JournalItem,
    r: ExecuteResult,
  ): Promise<"manual" | undefined> => {
    const digest = fieldsDigest(item, j);
    if (j.draft?.state === "sending") {
      // The create went and its answer never came (a kill, a timeout, a 5xx): Vinted may have made the draft. A
      // draft is adopted only when it is provably this article's: titled as sent AND holding a photo this
      // article's create carried (photo ids are one per upload: another article, another folder's batch or a
      // draft made by hand never holds them). A title alone is not proof: generated titles repeat.
      const owned = new Set(
        Object.entries(journal.data.items)
          .filter(([id, o]) => id !== item.cluster_id && o.draft?.id)
          .map(([, o]) => o.draft!.id!),
      );
      const list = await readDrafts();
      const title = j.draft.title;
      const candidates = list.drafts.filter((d) => d.title === title && !owned.has(d.id));
      if (!list.complete)
        // The lost draft may sit past the pages read: creating one now could make a second listing.
        return leaveToSeller(
          item,
          j,
          r,
          `could not read all ${list.totalEntries ?? `${list.drafts.length}+`} drafts on Vinted (vbulk reads ${config.draftListPages} page${config.draftListPages === 1 ? "" : "s"} of ${DRAFTS_PER_PAGE} at most, execute.draftListPages): check your drafts on Vinted for "${title}"${candidates.length ? ` (among the first ${list.drafts.length}: drafts ${candidates.map((d) => d.id).join(", ")})` : ""}`,
          `finish this article on that draft by hand and run ${leaveAlone(item.cluster_id, dir)}; or raise execute.draftListPages in your config file (or delete old drafts) and remove needs_manual of ${item.cluster_id} from journal.json, so vbulk finds it`,
        );
      const mine = new Set(
        j.draft.photo_ids ??
          Object.values(j.photos)
            .map((p) => p.photo_id)
            .filter((x): x is number => x !== undefined),
      );
      const notOurs = `if it is not this article's, remove the "draft" entry of ${item.cluster_id} from journal.json, and its needs_manual (vbulk then makes a new draft)`;
      if (candidates.length > config.adoptReadsMax)
        return leaveToSeller(
          item,
          j,
          r,
          `${candidates.length} drafts on Vinted are titled "${title}" (drafts ${candidates.map((d) => d.id).join(", ")}): more than vbulk reads to find which holds this article's photos (execute.adoptReadsMax ${config.adoptReadsMax})`,
          `finish this article on its draft by hand (the one with its photos) and run ${leaveAlone(item.cluster_id, dir)}; ${notOurs}`,
        );
      const ours: string[] = [];
      const unsure: string[] = [];
      const [min, max] = config.readSpacingMs;
      for (const [n, d] of candidates.entries()) {
        if (n > 0) {
          if (opts.signal?.aborted) throw interrupted();
          await sleep(min + random() * Math.max(0, max - min), opts.signal).catch(() => {
            throw interrupted();
          });
        }
        const seen = await tab.ownerItem(d.id);
        if (!seen?.is_draft) continue; // gone or published meanwhile: not a draft to adopt
        if (seen.photo_ids === null || !mine.size) unsure.push(d.id);
        else if (seen.photo_ids.some((id) => mine.has(id))) ours.push(d.id);
        // else: another garment's draft (its photos are not this article's): never touched
      }
      if (unsure.length)
        return leaveToSeller(
          item,
          j,
          r,
          `draft${unsure.length > 1 ? "s" : ""} ${unsure.join(", ")} on Vinted ${unsure.length > 1 ? "are" : "is"} titled "${title}" but vbulk cannot tell whether ${unsure.length > 1 ? "one is" : "it is"} this article's (${mine.size ? "Vinted's answer shows no photo ids" : "no photo id of this article is journalled"}): vbulk never writes to a draft that is not provably its own`,
          `if it is this article's, finish it by hand on Vinted and run ${leaveAlone(item.cluster_id, dir)}; ${notOurs}`,
        );
      if (ours.length > 1)
        return leaveToSeller(
          item,
          j,
          r,
          `${ours.length} drafts on Vinted are titled "${title}" and hold this article's photos (drafts ${ours.join(", ")}): vbulk does not guess which to update`,
          "keep one of them (or delete them) on Vinted",
        );
      const found = ours[0];
      if (found) {
        j.draft = {
          ...j.draft,
          state: "created",
          id: found,
          url: tab.url(`/items/${found}/edit`),
          at: iso(),
        };
        await journal.save();
        emit({ type: "item", id: item.cluster_id, step: "adopt", state: "done", detail: found });
      } else delete j.draft;
    }
    if (j.draft?.state === "created" && j.draft.id) {
      r.draft_url = j.draft.url;
      if (j.draft.fields === digest) return;
      const sent = otherGarment(item, j);
      if (sent) {
        const draftId = j.draft.id;
        const now = holdersOf(
          sent,
          j,
          opts.plan.items.filter((i) => i !== item),
        );
        return leaveToSeller(
          item,
          j,
          r,
          `draft ${draftId} on Vinted was made with ${sent.join(", ")}, and ${item.cluster_id} holds none of them now (${item.photos.join(", ")})${now.length ? `: they are in ${now.join(", ")}` : ""}; ${item.cluster_id} names another garment since, and vbulk never puts one garment in another's draft: once draft ${draftId} is dealt with on Vinted, remove the "${item.cluster_id}" entry from journal.json`,
          `open draft ${draftId} on Vinted (${j.draft.url ?? `/items/${draftId}/edit`}): it shows the garment of ${sent.join(", ")}${now.length ? ` (now ${now.join(", ")}, which vbulk drafts on ${now.length > 1 ? "their" : "its"} own)` : ""}. Delete it on Vinted (or finish it by hand there and exclude ${now.length ? now.join(", ") : "that garment's article"}), then remove the "${item.cluster_id}" entry from journal.json: vbulk then makes a new draft for ${item.cluster_id}'s photos`,
        );
      }
      const ids = await resolveIds(item);
      const photoIds = await uploadPhotos(item, j);
      const body = bodyFor(item, j, ids, photoIds, j.draft.id);
      const draftId = j.draft.id;
      await write(
        item.cluster_id,
        `update of draft ${draftId}`,
        false,
        async () => {},
        () => tab.updateDraft(draftId, body),
      );
      j.draft.fields = digest;
      j.draft.updated_at = iso();
      await journal.save();
      r.updated = true;
      emit({ type: "item", id: item.cluster_id, step: "update", state: "done", detail: draftId });
      return;
    }
    const ids = await resolveIds(item);
    const photoIds = await uploadPhotos(item, j);
    const body = bodyFor(item, j, ids, photoIds, null);
    const draftId = await write(
      item.cluster_id,
      "draft",
      false,
      async () => {
        j.draft = { state: "sending", at: iso(), title: item.title, photo_ids: photoIds };
        await journal.save();
      },
      () => tab.createDraft(body),
    ).catch(async (err: unknown) => {
      // Vinted answered with a refusal (400, 401, 403, 404, 429): it made no draft, so there is none to look up
      // (and adopt) next run. Only an unknown outcome (no answer, a 5xx, an answer without id) stays "sending".
      if (j.draft?.state === "sending" && refusedByVinted(err)) {
        delete j.draft;
        await journal.save();
      }
      throw err;
    });
    // The id first, before anything else: a crash from here on can never make a second draft.
    j.draft = {
      state: "created",
      at: iso(),
      id: draftId,
      url: tab.url(`/items/${draftId}/edit`),
      title: item.title,
      fields: digest,
    };
    await journal.save();
    r.draft_url = j.draft.url;
    emit({ type: "item", id: item.cluster_id, step: "draft", state: "done", detail: draftId });
  };

  const publishOne = async (item: PlanItem, j: JournalItem, r: ExecuteResult) => {
    const draftId = j.draft!.id!;
    if (j.publish?.state === "sending") {
      const owner = await tab.ownerItem(draftId);
      if (owner && !owner.is_draft) {
        j.publish = { state: "done", at: iso(), listing_url: tab.url(`/items/${owner.id}`) };
        await journal.save();
        r.listing_url = j.publish.listing_url;
        return;
      }
    }
    const photoIds = sentNames(item, j)
      .map((p) => j.photos[p]?.photo_id)
      .filter((x): x is number => x !== undefined);
    // The completion carries the plan's current fields: what goes public is what the confirmation showed.
    const body = bodyFor(item, j, await resolveIds(item), photoIds, draftId);
    const listingId = await write(
      item.cluster_id,
      `publication of draft ${draftId}`,
      true,
      async () => {
        j.publish = { state: "sending", at: iso() };
        await journal.save();
      },
      () => tab.completeDraft(draftId, body),
    );
    j.publish = { state: "done", at: iso(), listing_url: tab.url(`/items/${listingId}`) };
    // What went public: the plan's fields as the completion carried them (changedSincePublished compares to it).
    j.draft!.fields = fieldsDigest(item, j);
    await journal.save();
    r.listing_url = j.publish.listing_url;
    emit({ type: "item", id: item.cluster_id, step: "publish", state: "done", detail: r.listing_url });
  };

  /** Records a failure; returns the stop reason when it must stop every write. */
  const onFailure = async (
    item: PlanItem,
    j: JournalItem,
    r: ExecuteResult,
    err: unknown,
    step: "draft" | "publish",
  ): Promise<string | null> => {
    if (err instanceof Stop) {
      halt(err);
      return err.reason;
    }
    if (!(err instanceof VbulkError)) throw err;
    const message = redact(messageOf(err));
    r.error = message;
    r.failed_at = step;
    let stop: string | null = null;
    if (err instanceof ChallengeError) {
      j.needs_manual = message;
      r.state = "needs_manual";
      const p = budget.pauseFor("challenge", message);
      pausedBy = { kind: "challenge", id: item.cluster_id, until: p.until };
      // What to do, said when it happens (the next run used to be the first to say it).
      stop = `${message}: every write is paused until ${localDateTime(p.until)}. Open Vinted in your browser and do what it asks; finish ${item.cluster_id} there by hand, then ${leaveAlone(item.cluster_id, dir)}; \`vbulk status\` shows when writes resume (--ignore-pause lifts the pause once you have)`;
    } else if (err instanceof RateLimitError) {
      const asked = err.retryAfterSeconds;
      const p = budget.pauseFor("rate_limit", message, asked);
      pausedBy = { kind: "rate_limit", id: item.cluster_id, until: p.until };
      stop = `${message}: every write is paused until ${localDateTime(p.until)}${p.capped ? ` (Vinted asked for ${asked} s; capped at ${config.maxPauseMinutes} min)` : ""}`;
      r.state = "failed";
    } else if (err instanceof SessionExpiredError) {
      stop = `${message}: run \`vbulk login\`, then execute again`;
      r.state = "failed";
    } else if (err instanceof ForbiddenError) {
      // A plain 403 is not a challenge (no needs_manual, no 30-min pause), but Vinted said no to this session:
      // the safe side is to send nothing more in this run.
      r.state = "failed";
      stop = `${message}: no further write was sent (not a security challenge, so writes are not paused); open Vinted in your browser and check the account, run \`vbulk login\` again, then execute again: it resumes`;
    } else {
      r.state = "failed";
      transientInARow = err instanceof TransientError ? transientInARow + 1 : 0;
      if (transientInARow >= 3)
        stop = `three failures in a row (${message}): Vinted may be down; run again later`;
    }
    j.error = message;
    await journal.save();
    if (stop) stoppedBy = { code: err.code, id: item.cluster_id };
    if (stop) await opts.savePacing();
    emit({ type: "item", id: item.cluster_id, step, state: "failed", detail: message, cause: err });
    return stop;
  };

  // Phase A: a draft per article, up to date with the plan.
  /**
   * What an article is without any write: finished by hand (needs_manual), published, or not ready (skipped, with
   * what is missing). True when it is one of those. Also said of the articles a stop left: before, a run a 429
   * stopped listed the articles that need review, and a published one, as "not reached" and "left for the next
   * run", which a script would retry for ever.
   */
  const settled = async (item: PlanItem, r: ExecuteResult, j: JournalItem): Promise<boolean> => {
    const known = await withoutWrite(dir, item, j);
    if (!known) return false;
    Object.assign(r, known);
    if (known.state === "skipped") j.skipped = known.error;
    return true;
  };
  for (const item of items) {
    if (opts.signal?.aborted) halt(interrupted());
    if (stopped) break;
    const r = results.get(item.cluster_id)!;
    const j = journal.item(item.cluster_id);
    if (await settled(item, r, j)) continue;
    delete j.skipped;
    try {
      if ((await ensureDraft(item, j, r)) === "manual") continue;
      delete j.error;
      r.state = "draft";
      transientInARow = 0;
    } catch (err) {
      stopped = await onFailure(item, j, r, err, "draft");
    }
  }

  // Phase B: completion of the publish:true drafts, only when publishing was confirmed.
  if (opts.publish)
    for (const item of items) {
      if (opts.signal?.aborted) halt(interrupted());
      if (stopped) break;
      const r = results.get(item.cluster_id)!;
      const j = journal.item(item.cluster_id);
      if (!item.publish || r.state !== "draft" || j.draft?.state !== "created") continue;
      const problems = publishProblems(dir, item);
      if (problems.length) {
        // Drafted, not published, nothing sent for it: said with the article like any article not ready.
        r.error = `not published: ${problems.join("; ")}`;
        r.failed_at = "publish";
        r.unpublished = "no_brand";
        emit({
          type: "item",
          id: item.cluster_id,
          step: "publish",
          state: "failed",
          detail: r.error,
          cause: new VbulkError("REJECTED", r.error, { context: { brand: "missing" } }),
        });
        continue;
      }
      try {
        await publishOne(item, j, r);
        r.state = "published";
        delete j.error;
      } catch (err) {
        stopped = await onFailure(item, j, r, err, "publish");
      }
    }
  if (stopped)
    for (const item of items) {
      const r = results.get(item.cluster_id)!;
      if (r.state === "not_reached") await settled(item, r, journal.item(item.cluster_id));
    }
  await journal.save();
  if (stopped) {
    const left = items
      .filter((i) => {
        const r = results.get(i.cluster_id)!;
        return r.state === "not_reached" || r.state === "failed";
      })
      .map((i) => i.cluster_id);
    emit({
      type: "stopped",
      reason: stopped,
      left,
      ...(pausedBy ? { pause: pausedBy } : {}),
      ...(stoppedBy ? { by: stoppedBy } : {}),
      ...(stopCause ? { cause: stopCause } : {}),
    });
  }
  return [...results.values()];
}

/** Vinted answered the request and refused it (so it did nothing): not a timeout, a 5xx or an unreadable answer. */
function refusedByVinted(err: unknown): boolean {
  return (
    err instanceof ListingRejectedError ||
    err instanceof SessionExpiredError ||
    err instanceof ChallengeError ||
    err instanceof ForbiddenError ||
    err instanceof RateLimitError ||
    (err instanceof VbulkError && err.code === "NOT_FOUND")
  );
}

/** The size id whose label (e.g. "M / 38 / 10", "W30 | FR 40") holds the plan's size as one of its parts. */
export function matchSize(size: string, offered: { id: number; title: string }[]): number | null {
  const want = size.trim().toLowerCase();
  const exact = offered.find((s) => s.title.trim().toLowerCase() === want);
  if (exact) return exact.id;
  const part = offered.find((s) =>
    s.title
      .toLowerCase()
      .split(/[/|]/)
      .map((x) => x.trim().replace(/^fr\s+/, ""))
      .includes(want),
  );
  return part?.id ?? null;
}

/**
 * Vinted takes JPEG up to ~10 MB: other formats (HEIC, PNG, WebP…) and larger files get a JPEG copy in .vbulk/upload.
 * The copy is written atomically (a run killed while converting leaves no half photo to upload next time) and named
 * after the photo's size and time (a photo replaced under the same name gets a new copy); a copy that is not a whole
 * JPEG (one left by an older vbulk) is made again.
 */
export async function uploadable(dir: string, rel: string): Promise<string> {
  const path = await insideFolder(dir, rel);
  if (!path)
    throw new VbulkError("BAD_INPUT", `Expected a photo inside ${dir} but received "${rel}"`, {
      hint: "Only photos inside the catalog's folder are uploaded: fix the photos of this article in plan.json.",
      context: { photo: rel },
    });
  const ext = extname(path).toLowerCase();
  const { size, mtimeMs } = await stat(path);
  if ((ext === ".jpg" || ext === ".jpeg") && size <= PHOTO_MAX_BYTES) return path;
  const key = createHash("sha256").update(`${path}\0${size}\0${mtimeMs}`).digest("hex").slice(0, 12);
  const dest = join(dir, ".vbulk", "upload", `${rel.replace(/[^\w.-]+/g, "_").slice(-80)}.${key}.jpg`);
  if (await isWholeJpeg(dest)) return dest;
  await writeFileAtomic(dest, await decodeFullJpeg(path));
  return dest;
}

/** The file starts with a JPEG's start-of-image marker and ends with its end-of-image marker. */
async function isWholeJpeg(path: string): Promise<boolean> {
  const handle = await open(path, "r").catch(() => null);
  if (!handle) return false;
  try {
    const { size } = await handle.stat();
    if (size < 4) return false;
    const head = Buffer.alloc(2);
    const tail = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    await handle.read(tail, 0, 2, size - 2);
    return head[0] === 0xff && head[1] === 0xd8 && tail[0] === 0xff && tail[1] === 0xd9;
  } finally {
    await handle.close();
  }
}

/**
 * What an article is without any write, from the journal and the plan alone: finished by hand (needs_manual),
 * published (with a word when its plan changed since), or not ready (skipped, with what is missing); null when it
 * may need writes. One answer for a full run, for what a stop left, and for a run with nothing to send.
 */
export async function withoutWrite(
  dir: string,
  item: PlanItem,
  j: JournalItem | undefined,
): Promise<Omit<ExecuteResult, "cluster_id"> | null> {
  if (j?.needs_manual)
    return {
      state: "needs_manual",
      error: `needs_manual (${j.needs_manual}): finish it by hand on Vinted, then ${leaveAlone(item.cluster_id, dir)} (removing needs_manual from journal.json makes vbulk try it again: a new draft if Vinted holds none of its)`,
    };
  if (j?.publish?.state === "done") {
    const since = changedSincePublished(item, j);
    return {
      state: "published",
      listing_url: j.publish.listing_url,
      draft_url: j.draft?.url,
      ...(since ? { error: since } : {}),
    };
  }
  const problems = await checkItem(dir, item);
  return problems.length
    ? { state: "skipped", error: `needs_review: ${problems.join("; ")}`, reasons: problems }
    : null;
}

/**
 * The results of a run that has nothing to send, found without Vinted (the journal is only read): null as soon as
 * one article has work to do (a full run is needed). Each other article is said as a full run says it: published,
 * needs_manual, skipped with what is missing, or a draft already as the plan says (its photos sent, its fields
 * unchanged, and no publication asked of it this run, or one Vinted would refuse: then said as not published).
 */
export async function nothingToSend(
  dir: string,
  journal: JournalFile,
  items: PlanItem[],
  publishing: boolean,
): Promise<ExecuteResult[] | null> {
  const results: ExecuteResult[] = [];
  for (const item of items) {
    const j = journal.data.items[item.cluster_id];
    const known = await withoutWrite(dir, item, j);
    if (known) {
      results.push({ cluster_id: item.cluster_id, ...known });
      continue;
    }
    const drafted =
      j?.draft?.state === "created" &&
      j.draft.fields === fieldsDigest(item, j) &&
      photosToSend(item, j) === 0;
    if (!drafted) return null;
    if (publishing && item.publish) {
      const refused = publishProblems(dir, item);
      if (!refused.length) return null;
      results.push({
        cluster_id: item.cluster_id,
        state: "draft",
        ...(j.draft?.url ? { draft_url: j.draft.url } : {}),
        error: `not published: ${refused.join("; ")}`,
        failed_at: "publish",
        unpublished: "no_brand",
      });
      continue;
    }
    results.push({
      cluster_id: item.cluster_id,
      state: "draft",
      ...(j.draft?.url ? { draft_url: j.draft.url } : {}),
    });
  }
  return results;
}
