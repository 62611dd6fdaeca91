import { mkdir, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import pRetry, { AbortError } from "p-retry";
import sharp from "sharp";
import type { Config } from "../core/config.js";
import { messageOf, VbulkError } from "../core/errors.js";
import { decodeFullJpeg } from "../imaging/decode.js";
import type { Plan, PlanItem } from "../listing/plan.js";
import type { ListingInput, VintedAdapter } from "./adapter.js";
import { ChallengeError, RateLimitError, SessionExpiredError, TransientError } from "./errors.js";
import type { JournalFile } from "./journal.js";
import type { Pacer } from "./pacing.js";

/** One item's outcome, in the spec's shape. */
export interface ExecuteResult {
  cluster_id: string;
  prepare: { ok: boolean; draft_id?: string; error?: string } | null;
  publish: { ok: boolean; listing_url?: string; error?: string } | null;
  needs_manual?: boolean;
  skipped?: string;
}

export type ExecuteEvent =
  | {
      type: "item";
      id: string;
      phase: "prepare" | "publish";
      state: "start" | "done" | "reused" | "failed" | "retry";
      detail?: string;
    }
  | { type: "stopped"; reason: string; left: string[] };

export interface ExecuteOptions {
  dir: string;
  plan: Plan;
  journal: JournalFile;
  adapter: VintedAdapter;
  pacer: Pacer;
  config: Config["execute"];
  dryRun: boolean;
  only?: string[];
  onEvent?: (e: ExecuteEvent) => void;
  now?: () => Date;
  signal?: AbortSignal;
}

const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const MAX_PHOTOS = 20;

/** Plan items execute acts on: not excluded, within --only. */
export function selectItems(plan: Plan, only?: string[]): PlanItem[] {
  return plan.items.filter((i) => !i.excluded && (!only?.length || only.includes(i.cluster_id)));
}

/** Why an item cannot be sent as it is (Vinted's constraints), or [] when it can. */
export async function checkItem(dir: string, item: PlanItem): Promise<string[]> {
  const problems = [...item.needs_review];
  if (item.title.length > 100) problems.push("title over 100 characters");
  if (item.description.length > 2000) problems.push("description over 2000 characters");
  if (item.photos.length > MAX_PHOTOS)
    problems.push(`${item.photos.length} photos: Vinted takes ${MAX_PHOTOS} at most`);
  for (const p of item.photos)
    if (!(await stat(resolve(dir, p)).catch(() => null))?.isFile()) problems.push(`photo missing: ${p}`);
  if (item.vinted.status_id === null) problems.push("condition has no Vinted id");
  return problems;
}

/**
 * Carries out the plan on Vinted: phase A saves a draft for every selected item; phase B (only when not a dry
 * run) publishes the items marked publish. Every step is journaled before and after, so a re-run resumes without
 * duplicates. A challenge marks the item needs_manual and stops every further write; so does an expired session.
 */
export async function runExecute(opts: ExecuteOptions): Promise<ExecuteResult[]> {
  const { journal, adapter, pacer, config } = opts;
  const now = opts.now ?? (() => new Date());
  const emit = opts.onEvent ?? (() => {});
  const today = () => now().toISOString().slice(0, 10);
  const paused = journal.data.paused_until;
  if (paused && Date.parse(paused) > now().getTime()) {
    throw new VbulkError("CHALLENGE", `Writes are paused until ${paused} after a security challenge`, {
      hint: "Solve the challenge in your browser, wait, run `vbulk login`, then execute again (or pass --ignore-pause once you have).",
    });
  }
  const items = selectItems(opts.plan, opts.only);
  const results = new Map<string, ExecuteResult>(
    items.map((i) => [i.cluster_id, { cluster_id: i.cluster_id, prepare: null, publish: null }]),
  );
  let stopped: string | null = null;

  const retry = <T>(id: string, phase: "prepare" | "publish", fn: () => Promise<T>) =>
    pRetry(
      async () => {
        try {
          return await fn();
        } catch (err) {
          if (err instanceof RateLimitError || err instanceof TransientError) throw err;
          throw new AbortError(err as Error);
        }
      },
      {
        retries: config.retries,
        minTimeout: config.retryMinMs,
        maxTimeout: config.retryMaxMs,
        factor: 2,
        randomize: true,
        signal: opts.signal,
        onFailedAttempt: async ({ error, retriesLeft }) => {
          emit({
            type: "item",
            id,
            phase,
            state: "retry",
            detail: `${messageOf(error)}; ${retriesLeft} retries left`,
          });
          // 429: honour Retry-After before p-retry's own backoff.
          if (error instanceof RateLimitError && error.retryAfterSeconds !== null && retriesLeft > 0)
            await new Promise((r) => setTimeout(r, error.retryAfterSeconds! * 1000));
        },
      },
    );

  const stopAll = async (reason: string) => {
    stopped = reason;
    await pacer.stop();
  };
  const onFailure = async (item: PlanItem, phase: "prepare" | "publish", err: unknown) => {
    const r = results.get(item.cluster_id)!;
    const j = journal.item(item.cluster_id);
    const message = messageOf(err);
    r[phase] = { ok: false, error: message };
    j[phase] = { state: "failed", at: now().toISOString(), error: message };
    if (err instanceof ChallengeError) {
      r.needs_manual = true;
      j.needs_manual = true;
      journal.data.paused_until = new Date(
        now().getTime() + config.challengePauseMinutes * 60_000,
      ).toISOString();
      await journal.save();
      await stopAll(`challenge on ${item.cluster_id}: writes paused until ${journal.data.paused_until}`);
    } else if (err instanceof SessionExpiredError) {
      await journal.save();
      await stopAll("the Vinted session expired: run `vbulk login`");
    } else await journal.save();
    emit({ type: "item", id: item.cluster_id, phase, state: "failed", detail: message });
  };

  // Phase A: drafts.
  for (const item of items) {
    if (stopped || opts.signal?.aborted) break;
    const r = results.get(item.cluster_id)!;
    const j = journal.item(item.cluster_id);
    if (j.needs_manual) {
      r.needs_manual = true;
      r.skipped = "needs_manual: finish it by hand on Vinted, then remove needs_manual from journal.json";
      continue;
    }
    const problems = await checkItem(opts.dir, item);
    if (problems.length) {
      r.skipped = `needs_review: ${problems.join("; ")}`;
      j.skipped = r.skipped;
      continue;
    }
    delete j.skipped;
    if (j.prepare?.state === "done") {
      r.prepare = { ok: true, draft_id: j.prepare.draft_id! };
      continue;
    }
    try {
      if (j.prepare?.state === "started") {
        // A crash between saving and recording: adopt the draft instead of making a second one.
        const existing = await adapter.findDraft(item.title);
        if (existing) {
          j.prepare = {
            state: "done",
            at: now().toISOString(),
            draft_id: existing.draftId,
            url: existing.url,
          };
          await journal.save();
          r.prepare = { ok: true, draft_id: existing.draftId };
          emit({
            type: "item",
            id: item.cluster_id,
            phase: "prepare",
            state: "reused",
            detail: existing.draftId,
          });
          continue;
        }
      }
      const writes = item.photos.length + 1;
      if (journal.writesToday(today()) + writes > opts.config.dailyWrites) {
        await stopAll(`today's write budget (${opts.config.dailyWrites}) is spent: run again tomorrow`);
        break;
      }
      const input = await toInput(opts.dir, item);
      const ref = await pacer.item(writes, async () => {
        j.prepare = { state: "started", at: now().toISOString() };
        await journal.save();
        emit({ type: "item", id: item.cluster_id, phase: "prepare", state: "start" });
        return retry(item.cluster_id, "prepare", () => adapter.prepareDraft(input));
      });
      journal.countWrites(writes, today());
      j.prepare = { state: "done", at: now().toISOString(), draft_id: ref.draftId, url: ref.url };
      await journal.save();
      r.prepare = { ok: true, draft_id: ref.draftId };
      emit({ type: "item", id: item.cluster_id, phase: "prepare", state: "done", detail: ref.draftId });
    } catch (err) {
      await onFailure(item, "prepare", unwrap(err));
    }
  }

  // Phase B: publishing, only the items marked publish, only outside dry run.
  if (!opts.dryRun) {
    for (const item of items) {
      if (stopped || opts.signal?.aborted) break;
      if (!item.publish) continue;
      const r = results.get(item.cluster_id)!;
      const j = journal.item(item.cluster_id);
      if (j.prepare?.state !== "done") continue;
      if (j.publish?.state === "done") {
        r.publish = { ok: true, listing_url: j.publish.listing_url! };
        continue;
      }
      const draft = { draftId: j.prepare.draft_id!, url: j.prepare.url ?? "" };
      try {
        if (j.publish?.state === "started") {
          const url = await adapter.listingOf(draft);
          if (url) {
            j.publish = { state: "done", at: now().toISOString(), listing_url: url };
            await journal.save();
            r.publish = { ok: true, listing_url: url };
            continue;
          }
        }
        if (journal.writesToday(today()) + 1 > opts.config.dailyWrites) {
          await stopAll(`today's write budget (${opts.config.dailyWrites}) is spent: run again tomorrow`);
          break;
        }
        const { listingUrl } = await pacer.publish(async () => {
          j.publish = { state: "started", at: now().toISOString() };
          await journal.save();
          emit({ type: "item", id: item.cluster_id, phase: "publish", state: "start" });
          return retry(item.cluster_id, "publish", () => adapter.publish(draft));
        });
        journal.countWrites(1, today());
        j.publish = { state: "done", at: now().toISOString(), listing_url: listingUrl };
        await journal.save();
        r.publish = { ok: true, listing_url: listingUrl };
        emit({ type: "item", id: item.cluster_id, phase: "publish", state: "done", detail: listingUrl });
      } catch (err) {
        await onFailure(item, "publish", unwrap(err));
      }
    }
  }
  if (stopped) {
    const left = items
      .filter(
        (i) =>
          !journal.item(i.cluster_id).needs_manual && journal.item(i.cluster_id).prepare?.state !== "done",
      )
      .map((i) => i.cluster_id);
    emit({ type: "stopped", reason: stopped, left });
  }
  return [...results.values()];
}

function unwrap(err: unknown): unknown {
  return err instanceof AbortError ? err.originalError : err;
}

/** The adapter's input: absolute photo paths (converted to JPEG when Vinted would refuse them) and form values. */
async function toInput(dir: string, item: PlanItem): Promise<ListingInput> {
  const photos: string[] = [];
  for (const p of item.photos) photos.push(await uploadable(dir, resolve(dir, p)));
  return {
    clusterId: item.cluster_id,
    title: item.title,
    description: item.description,
    price: item.price,
    photos,
    catalogPath: item.vinted.catalog_path ?? [],
    brand: item.brand,
    size: item.size,
    statusId: item.vinted.status_id ?? 3,
    colorIds: item.vinted.color_ids,
    packageSizeId: item.vinted.package_size_id,
  };
}

/** Vinted takes JPEG up to ~10 MB: other formats (HEIC, PNG, WebP…) and larger files get a JPEG copy in .vbulk/upload. */
async function uploadable(dir: string, path: string): Promise<string> {
  const ext = extname(path).toLowerCase();
  const size = (await stat(path)).size;
  if ((ext === ".jpg" || ext === ".jpeg") && size <= PHOTO_MAX_BYTES) return path;
  const out = join(dir, ".vbulk", "upload");
  await mkdir(out, { recursive: true });
  const dest = join(out, `${path.replace(/[^\w.-]+/g, "_").slice(-80)}.jpg`);
  if (await stat(dest).catch(() => null)) return dest;
  const jpeg = await decodeFullJpeg(path);
  await sharp(jpeg).toFile(dest);
  return dest;
}
