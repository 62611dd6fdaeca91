import { readFile, rm } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { writeFileAtomic } from "../core/atomic.js";
import type { Config } from "../core/config.js";
import { DEFAULTS } from "../core/defaults.js";
import { fileSystemError, messageOf, VbulkError } from "../core/errors.js";
import { takeLock } from "../core/lock.js";
import { checkpoint } from "../core/pause.js";
import { localSince, shellWord, vbulkAs } from "../core/text.js";
import type { ModelEvent } from "../model/download.js";
import { STATE_DIR } from "../sources/classify.js";
import { notTaken, type SourceFile } from "../sources/types.js";
import { PhotoCache } from "../store/cache.js";
import { CATALOG_FILE, type Catalog, keepHandEditedCatalog, readCatalog } from "../store/catalog.js";
import { DECISION_LOG_FILE } from "../store/decision-log.js";
import {
  DECISIONS_FILE,
  followResavedPhotos,
  readDecisions,
  readEarlierGrouping,
  writeAutoGrouping,
} from "../store/decisions.js";
import { readGroupingMemo, writeGroupingMemo } from "../store/grouping-memo.js";
import { ensureStateDir } from "../store/state-dir.js";
import { interruptedMessage, StatusWriter, statusPath } from "../store/status.js";
import { analysePhotos } from "./analyse.js";
import { applySellerDecisions, goneDecidedMessage, goneDecidedPhotos } from "./decisions.js";
import { describeArticles, fingerprint } from "./describe.js";
import {
  earlierGroupingNotKept,
  groupArticles,
  groupingBasis,
  placedHint,
  placedSince,
  sameGroupingBasis,
} from "./group.js";
import { assignArticleIds } from "./ids.js";
import { currentContent, resavedPhotos } from "./resaved.js";
import { checkSameSource } from "./same-source.js";
import { checkOutput, type OpenedPhotos, openPhotos, type ResolvedSource, resolveSource } from "./scan.js";
import type { IngestOptions, IngestResult } from "./types.js";
import { buildCatalog, writeResults } from "./write.js";

export { fingerprint } from "./describe.js";
export { checkOutput, resolveSource } from "./scan.js";
export type { Classifier, IngestOptions, IngestResult } from "./types.js";

/**
 * The catalog of the last run, whose article ids this run keeps; null on a first run (no catalog.json). Throws
 * BAD_INPUT for a damaged catalog or one of a newer vbulk, before anything is written: replaced by a fresh one, its
 * ids would restart at c1 and go to other garments, while plan.json and journal.json (the Vinted drafts) still
 * refer to them.
 */
async function readPreviousCatalog(dir: string): Promise<Catalog | null> {
  try {
    return await readCatalog(dir, {
      damaged: `${CATALOG_FILE} holds the article ids your plan and Vinted drafts refer to: fix it, or move it away to start again with new ids. Nothing was written.`,
    });
  } catch (err) {
    if (err instanceof VbulkError && err.code === "NOT_FOUND") return null;
    throw err;
  }
}

/** An ingest whose command was checked (source, output, previous catalog, the photos found) and whose status file
 *  says it runs; nothing else was written yet. From prepareIngest, for runIngest. */
export interface PreparedIngest {
  readonly src: ResolvedSource;
  readonly previous: Catalog | null;
  readonly photos: OpenedPhotos;
  readonly status: StatusWriter;
  /** Shows a model download's progress in the status file (stage "model"). */
  onModelEvent(e: ModelEvent): void;
  /** Marks the status failed (or interrupted) if the run ends before runIngest could, closes the source and
   *  releases the folder's ingest lock. */
  fail(err: unknown, interrupted: boolean): Promise<void>;
  /** For a run refused before it changed anything (ModelNeeded): puts the status file back as it was before this
   *  run (removes it if there was none), closes the source and releases the lock, so no file is changed. */
  abandon(): Promise<void>;
  /** Releases the folder's ingest lock (runIngest does when it ends, fail too); idempotent. */
  release(): Promise<void>;
  close(): void;
}

/**
 * Checks everything a bad command could get wrong, writing nothing: the source (a folder found and listed, a ZIP
 * opened and its central directory checked), the output folder, the previous catalog (and that it is this source's
 * to replace: checkSameSource). Only then starts the run's
 * status file, at `stage` ("model" when a model is loaded, or downloaded, next), so that `vbulk status` follows
 * the run from its first slow step and never shows the previous run as current. The caller closes it (runIngest
 * does). Throws VbulkError for a bad source, output or previous catalog (see runIngest).
 */
export async function prepareIngest(opts: {
  source: string;
  outDir?: string | undefined;
  config: Config;
  stage?: string;
  /** What stopped the run when it was stopped (the command knows: Ctrl-C, SIGTERM, SIGHUP); Ctrl-C by default. */
  stoppedBy?: () => string;
}): Promise<PreparedIngest> {
  const { config } = opts;
  const src = await resolveSource(opts.source, opts.outDir);
  // A ZIP's photos are extracted beside it unless --out says where: say so, and that --out is the way out.
  const zipHint =
    src.isZip && opts.outDir === undefined
      ? `A ZIP's photos are extracted next to it (${basename(src.root)}/). Pass --out DIR to extract them and write the results in a writable folder instead, or copy the ZIP to one.`
      : undefined;
  await checkOutput(src.outDir, opts.outDir !== undefined, zipHint);
  if (src.isZip && src.root !== src.outDir) await checkOutput(src.root, false);
  let previous = await readPreviousCatalog(src.outDir);
  // The seller's decisions are applied after grouping, but a damaged decisions.json must stop the run before
  // every photo is analysed for nothing (exit 2, the file kept). Read again there: the page may add one meanwhile.
  await readDecisions(src.outDir);
  const photos = await openPhotos(src, opts.source, config);
  // A catalog made from another source is replaced only by the same photos (moved, zipped): another batch is refused,
  // before the status file or anything else is written.
  await checkSameSource(previous, src, photos, opts.source, opts.outDir !== undefined).catch(
    (err: unknown) => {
      photos.close();
      throw err;
    },
  );
  let status: StatusWriter;
  let statusBefore: Buffer | null = null;
  let unlock: () => Promise<void> = async () => {};
  try {
    await ensureStateDir(src.outDir);
    unlock = await lockIngest(src.outDir, opts.source);
    // Read again under the lock: a decision of the review page may have rewritten catalog.json since (its article
    // ids and next_id); an ingest built on the older one gave a decided article's id to another garment.
    previous = await readPreviousCatalog(src.outDir);
    statusBefore = await readFile(statusPath(src.outDir)).catch(() => null);
    status = new StatusWriter(src.outDir, "ingest", config.ingest.statusIntervalMs, opts.stage ?? "scan");
    status.update({
      counts: { files: photos.photos, skipped: photos.skipped, queued: photos.photos, done: 0, errors: 0 },
    });
    await status.flush();
  } catch (err) {
    photos.close();
    await unlock();
    throw err;
  }
  let released: Promise<void> | undefined;
  const release = () => {
    released ??= unlock();
    return released;
  };
  return {
    src,
    previous,
    photos,
    status,
    release,
    onModelEvent(e) {
      if (e.type === "file" && e.state !== "ok")
        status.update({
          stage: "model",
          progress: { done: e.from, total: e.total, unit: "bytes", file: e.path },
        });
      else if (e.type === "bytes")
        status.update({ progress: { done: e.done, total: e.total, unit: "bytes", file: e.path } });
      // Checked and in place: until another file starts, the model is being loaded.
      else if (e.type === "verified") status.update({ progress: null });
    },
    async fail(err, interrupted) {
      photos.close();
      // Node's own words for an abort ("This operation was aborted") tell a seller nothing: say what stopped it.
      await status.finish(
        interrupted ? "interrupted" : "failed",
        interrupted ? interruptedMessage(opts.stoppedBy?.()) : messageOf(err),
      );
      await release();
    },
    async abandon() {
      photos.close();
      await status.discard();
      const path = statusPath(src.outDir);
      if (statusBefore) await writeFileAtomic(path, statusBefore).catch(() => {});
      else await rm(path, { force: true }).catch(() => {});
      await release();
    },
    close: () => photos.close(),
  };
}

/**
 * The ingest pipeline: prepareIngest (unless given `prepared`: check the source and the output, start the status)
 * → extract a ZIP (safely) → analyse (decode + hash + colour + embed, bounded, cached by content and saved as it
 * goes) → group (drop duplicates, group into articles) → ids (kept from the previous catalog) → describe (category,
 * colour) → write catalog.json and the decision log atomically. Bad photos are recorded in the catalog's errors and
 * skipped. A bad command (source, output) fails before anything is written, status included, and so does a
 * damaged catalog.json. A run in which no photo could be read writes no catalog (the previous one stays). Throws VbulkError for a
 * bad source, output or previous catalog, NO_SPACE / NOT_WRITABLE when the disk refuses a write.
 */
export async function runIngest(opts: IngestOptions & { prepared?: PreparedIngest }): Promise<IngestResult> {
  const { config, embedder, signal } = opts;
  const emit = opts.onEvent ?? (() => {});
  emit({ type: "stage", stage: "scan", total: 1 });
  const prepared =
    opts.prepared ?? (await prepareIngest({ source: opts.source, outDir: opts.outDir, config }));
  emit({ type: "progress", stage: "scan", done: 1, total: 1 });
  const { src, previous, status } = prepared;
  try {
    let extracting = false;
    const scan = await prepared.photos.collect(signal, (done, total) => {
      if (!extracting) emit({ type: "stage", stage: "extract", total });
      extracting = true;
      emit({ type: "progress", stage: "extract", done, total });
      status.update({ stage: "extract", progress: { done, total, unit: "entries", file: null } });
    });
    prepared.close();
    // A worked folder zipped to move it: its plan, decisions and ids are not read from inside the archive.
    const earlierRun = scan.skipped.filter((s) => s.reason === "earlier-run").map((s) => s.file);
    if (earlierRun.length)
      emit({
        type: "warning",
        message: `${basename(opts.source)} holds an earlier vbulk run's files (${earlierRun.join(", ")}), not used: to keep those edits, unzip it and run \`${vbulkAs()} ingest\` on the folder.`,
        earlierRun: { zip: basename(opts.source), files: earlierRun },
      });
    const relTo = (path: string): string => relative(src.outDir, path).split(sep).join("/");
    const renamed = scan.files.filter((f) => f.zipName !== undefined);
    if (renamed.length) emit({ type: "note", message: renamedNote(basename(opts.source), renamed, relTo) });
    const total = scan.files.length;
    status.update({
      stage: "analyse",
      counts: { files: total, skipped: scan.skipped.length, queued: total, done: 0, errors: 0 },
    });
    await status.flush();

    const cache = await PhotoCache.load(src.outDir);
    const { analysed, errors, fresh } = await analysePhotos(scan.files, {
      cache,
      config,
      embedder,
      emit,
      status,
      relTo: (f) => relTo(f.path),
      signal,
    });
    await cache.save();

    // Photos saved again since the previous run (same file, the same photo re-encoded or edited, other bytes): what
    // was made for their earlier content (ids, decisions, plan edits) follows them.
    const resaved = resavedPhotos({
      previous,
      photos: analysed.map((a) => ({ file: relTo(a.file.path), sha256: a.sha256, entry: a.entry })),
      cached: (sha) => cache.get(sha),
      config,
    });
    const nowOf = currentContent(resaved);
    const follow = (sha: string) => nowOf.get(sha) ?? sha;
    const before = new Set(previous?.photos.map((p) => p.sha256));
    const newlyResaved = [...resaved.keys()].filter((sha) => !before.has(sha)).length;
    if (newlyResaved)
      emit({
        type: "note",
        resaved: newlyResaved,
        message: `${newlyResaved} photo${newlyResaved === 1 ? " was" : "s were"} saved again since the last run (the same photo, re-encoded or edited: light, colour, a small crop): ${newlyResaved === 1 ? "its" : "their"} articles, grouping decisions and plan edits follow ${newlyResaved === 1 ? "it" : "them"}.`,
      });
    await followResavedPhotos(src.outDir, nowOf).catch((err: unknown) => {
      throw fileSystemError(err, join(src.outDir, DECISIONS_FILE), "update");
    });

    // Every stage from here is checked for a stop (Ctrl-C), the event loop given a turn first: grouping is seconds
    // of synchronous work at a thousand photos, during which the SIGINT handler could not run, and the run went on
    // to write catalog.json and exit 0. Each slow stage is in the status file before it starts: `vbulk status`
    // showed "analyse" for the last 6-8 s of a 1200-photo run.
    const enterStage = async (stage: "duplicates" | "group" | "classify") => {
      status.update({ stage });
      await status.flush();
      await checkpoint(signal);
    };
    await enterStage("duplicates");
    // The previous run's articles stay as they were when photos were added (EarlierGrouping), unless --regroup.
    const basis = groupingBasis(config, embedder);
    const lastGrouping =
      previous && !opts.regroup ? await readEarlierGrouping(src.outDir, basis, sameGroupingBasis) : null;
    const saved = lastGrouping?.kept ?? null;
    // Other settings or another model group every photo again (README "Adding photos later"): said, with the way back.
    const notKept = lastGrouping?.otherBasis ? earlierGroupingNotKept(lastGrouping.otherBasis, basis) : null;
    if (notKept) emit({ type: "warning", ...notKept });
    const earlier = saved && {
      articles: saved.articles.map((shas) => shas.map(follow)),
      confidence: new Map(
        saved.described.map((d) => [
          d.fingerprint,
          {
            low: d.confidence === "low",
            score: d.confidence_score ?? (d.confidence === "low" ? 0.25 : 0.75),
          },
        ]),
      ),
    };
    const grouped = await groupArticles(analysed, config, emit, await readGroupingMemo(src.outDir), earlier, {
      signal,
      enterStage,
    });
    // The memo is a cache of what these inputs give: kept even if the run stops next, a re-run reuses it.
    if (!grouped.memo.recalled)
      await writeGroupingMemo(src.outDir, { key: grouped.memo.key, result: grouped.memo.result });
    await checkpoint(signal);
    const step = await applySellerDecisions(src.outDir, analysed, grouped);
    if (previous && grouped.changedSince) {
      // Said of the articles the seller had and has now (their decisions applied), not of the automatic ones.
      const shaOfFile = new Map(previous.photos.map((p) => [p.file, follow(p.sha256)]));
      const placed = placedSince(
        previous.items.map((it) => it.photos.flatMap((f) => shaOfFile.get(f) ?? [])),
        step.articles.map((m) => m.map((i) => analysed[i]!.sha256)),
        new Map([...step.dupes].map(([i, d]) => [analysed[i]!.sha256, analysed[d.of]!.sha256])),
      );
      const { message, ...counts } = placed;
      emit({
        type: "warning",
        message,
        placed: counts,
        hint: placedHint(counts),
      });
    }
    emit({ type: "progress", stage: "duplicates", done: analysed.length, total: analysed.length });
    emit({ type: "progress", stage: "group", done: step.kept.length, total: step.kept.length });
    status.update({ counts: { duplicates: step.dupes.size, articles: step.articles.length } });
    await enterStage("classify");

    const { ids, nextId, knownIds } = assignArticleIds(
      step.articles.map((members) => members.map((i) => analysed[i]!.sha256)),
      previous && { ...previous, photos: previous.photos.map((p) => ({ ...p, sha256: follow(p.sha256) })) },
      step.moved,
    );
    emit({ type: "stage", stage: "classify", total: step.articles.length });
    const describe = (s: typeof grouped, articleIds: string[], withPhotos = true) =>
      describeArticles(analysed, s, {
        config,
        ids: articleIds,
        classifier: opts.classifier,
        relTo: (a) => relTo(a.file.path),
        nameOrder: (a) => scan.files.indexOf(a.file),
        photos: withPhotos,
      });
    const { items, photos } = await describe(step, ids);
    await checkpoint(signal);
    emit({ type: "progress", stage: "classify", done: items.length, total: items.length });

    const catalog: Catalog = buildCatalog({
      src,
      scan,
      embedder,
      model: opts.model ?? null,
      labels: opts.labels,
      config,
      step,
      items,
      photos,
      errors,
      nextId,
      knownIds,
    });
    for (const p of catalog.photos) {
      const earlierShas = resaved.get(p.sha256);
      if (earlierShas) p.earlier_sha256 = earlierShas;
    }
    // A photo a decision names, deleted or replaced by an edited copy: the decision no longer places it. Said once.
    const goneDecided = goneDecidedPhotos(
      step.named,
      (previous?.photos ?? []).map((p) => ({ ...p, sha256: follow(p.sha256) })),
      catalog.photos,
    );
    if (goneDecided && analysed.length > 0)
      emit({
        type: "warning",
        message: goneDecidedMessage(goneDecided, `${vbulkAs()} review ${shellWord(src.outDir)}`),
        decidedGone: goneDecided,
      });
    if (analysed.length === 0) {
      // Nothing could be read this time (a disk, a permission, a broken copy): the last good catalog stays, and a
      // first run writes none (a catalog of 0 articles, status "partial" and exit 1 told three different stories).
      await status.finish(
        "failed",
        previous
          ? `no photo could be read; ${CATALOG_FILE} of the previous run was kept`
          : `no photo could be read; no ${CATALOG_FILE} was written`,
      );
      return {
        catalog,
        catalogPath: join(src.outDir, CATALOG_FILE),
        logPath: join(src.outDir, DECISION_LOG_FILE),
        analysed: 0,
        cached: 0,
        written: false,
        keptPrevious: previous !== null,
      };
    }
    emit({ type: "stage", stage: "write", total: 1 });
    status.update({ stage: "write" });
    // What the review page's undo goes back to: the automatic grouping, and what was said of its articles (and of
    // the decided ones), so an undone merge gets its halves' own category and department back.
    const decided = new Set(items.map((it) => it.fingerprint));
    const undecided = grouped.articles
      .map((_, k) => k)
      .filter((k) => !decided.has(fingerprint(grouped.articles[k]!.map((i) => analysed[i]!.sha256))));
    // Only the automatic articles a decision changed are described again, and without their photos' rows.
    const autoItems = undecided.length
      ? (
          await describe(
            {
              ...grouped,
              articles: undecided.map((k) => grouped.articles[k]!),
              grouping: {
                ...grouped.grouping,
                lowConfidence: undecided.map((k) => grouped.grouping.lowConfidence[k] ?? false),
                confidence: undecided.map((k) => grouped.grouping.confidence[k] ?? 0.5),
              },
            },
            undecided.map((_, k) => `c${k + 1}`),
            false,
          )
        ).items
      : [];
    // The last moment a stop is heeded: a stopped run writes neither its grouping nor catalog.json (the previous
    // ones stay); from here the writes are quick and each atomic.
    await checkpoint(signal);
    await writeAutoGrouping(src.outDir, step.auto, [...autoItems, ...items], basis).catch((err: unknown) => {
      throw fileSystemError(err, src.outDir, "write the catalog in");
    });
    // catalog.json is vbulk's: a hand edit of it is kept aside (never lost) before this run replaces it.
    const edited = await keepHandEditedCatalog(src.outDir).catch((err: unknown) => {
      throw fileSystemError(err, src.outDir, "write the catalog in");
    });
    if (edited)
      emit({
        type: "warning",
        message: `${CATALOG_FILE} was edited by hand since vbulk wrote it: your version is kept as ${basename(edited)}, and ${CATALOG_FILE} is written anew from the photos.`,
        handEdited: { kept: basename(edited) },
        hint: `Every ingest rewrites catalog.json. Change an article's type or colour in the plan instead (\`${vbulkAs()} plan ${shellWord(src.outDir)} --set c3.color=rouge\`, or on the review page), which later runs keep; regroup photos on the review page.`,
      });
    const { catalogPath, logPath } = await writeResults(src.outDir, catalog).catch((err: unknown) => {
      throw fileSystemError(err, src.outDir, "write the catalog in");
    });
    emit({ type: "progress", stage: "write", done: 1, total: 1 });
    status.update({ counts: { articles: items.length } });
    // Photos not taken (too large, a ZIP entry not extracted…) make the run partial, as its exit code 3 says.
    await status.finish(errors.length || notTaken(catalog.skipped).length ? "partial" : "done");
    return {
      catalog,
      catalogPath,
      logPath,
      analysed: fresh,
      cached: analysed.length - fresh,
      written: true,
      keptPrevious: false,
    };
  } catch (err) {
    await prepared.fail(err, signal?.aborted === true);
    throw err;
  } finally {
    await prepared.release();
  }
}

/** The folder's ingest lock, in DIR/.vbulk. */
export const INGEST_LOCK = "ingest.lock";
/** What a review page's grouping decision writes in the ingest lock it holds (so an ingest waits for it). */
const DECISION = "decision";

/**
 * Holds DIR/.vbulk/ingest.lock for one ingest (`vbulk ingest`, the review page's « Analyser les photos »): two at
 * once on a folder both wrote its status, photo cache and catalog.json. A grouping decision of the review page
 * holds it for the moment it rewrites catalog.json (lockForDecision): the ingest waits for it (up to
 * DEFAULTS.review.decisionWaitMs). Throws BAD_USAGE, nothing written, naming the run that holds it; a lock left by
 * a run that is gone is taken over (core/lock.ts).
 */
async function lockIngest(dir: string, source: string): Promise<() => Promise<void>> {
  const until = Date.now() + DEFAULTS.review.decisionWaitMs;
  for (;;) {
    try {
      return await takeLock(join(dir, STATE_DIR, INGEST_LOCK), { source }, (held) => {
        // Who holds it, as data: the review page says it in its own words (src/review/ingest.ts toPageFailure).
        const lockedBy = {
          pid: held.pid,
          since: held.started_at,
          source: String(held.source ?? dir),
          decision: held.by === DECISION,
        };
        return held.by === DECISION
          ? new VbulkError(
              "BAD_USAGE",
              `Expected one ingest at a time in ${dir} but the review page (pid ${held.pid}) has been saving a grouping decision since ${localSince(held.started_at)}: nothing was written`,
              {
                hint: "Wait until the review page shows the decision, then run this again.",
                context: { decision: true, lockedBy },
              },
            )
          : new VbulkError(
              "BAD_USAGE",
              `Expected one ingest at a time in ${dir} but another ingest of ${lockedBy.source} is running (pid ${held.pid}, since ${localSince(held.started_at)}): nothing was written`,
              {
                hint: `Follow it with \`${vbulkAs()} status ${shellWord(dir)}\`, and run this again once it is done.`,
                context: { lockedBy },
              },
            );
      });
    } catch (err) {
      if (!(err instanceof VbulkError && err.context.decision) || Date.now() >= until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Holds DIR/.vbulk/ingest.lock while a grouping decision of the review page (move, merge, split, new article,
 * undo…) rewrites decisions.json and catalog.json. An ingest running on the folder read the catalog when it started
 * and writes its own at the end: a decision made meanwhile was overwritten, and its article's id given to another
 * garment (with the plan's edits and the Vinted draft behind that id). Throws CONFLICT, nothing written, while an
 * ingest runs (from a terminal or the page's « Analyser les photos »).
 */
export async function lockForDecision(dir: string): Promise<() => Promise<void>> {
  await ensureStateDir(dir);
  return takeLock(
    join(dir, STATE_DIR, INGEST_LOCK),
    { source: dir, by: DECISION },
    (held) =>
      new VbulkError(
        "CONFLICT",
        held.by === DECISION
          ? `Expected no other grouping decision in ${dir} but one is being saved (pid ${held.pid}, since ${localSince(held.started_at)}): nothing was changed`
          : `Expected no ingest running in ${dir} to change the grouping but an ingest of ${String(held.source ?? dir)} is running (pid ${held.pid}, since ${localSince(held.started_at)}): nothing was changed`,
        {
          hint:
            held.by === DECISION
              ? "Make the decision again in a moment."
              : "Wait for the ingest to end (the page shows its progress; `vbulk status` in a terminal), reload the page, then make this decision again: made now, the ingest would overwrite it when it ends.",
        },
      ),
  );
}

/** The note of a ZIP's photos extracted under another name than theirs in the ZIP: how many, the first five. */
function renamedNote(zip: string, renamed: readonly SourceFile[], relTo: (path: string) => string): string {
  const n = renamed.length;
  const shown = renamed.slice(0, 5).map((f) => `\`${f.zipName}\` as \`${relTo(f.path)}\``);
  const more = n > 5 ? `, and ${n - 5} more` : "";
  return (
    `${n} photo${n === 1 ? "" : "s"} of ${zip} ${n === 1 ? "was" : "were"} extracted under another name, so that no photo replaces another on Windows or macOS (a name Windows cannot hold, or one that differs only in letter case from another photo's): ` +
    `${shown.join(", ")}${more}. catalog.json keeps ${n === 1 ? "its" : "each"} name in the ZIP (zip_name), catalog.log says why.`
  );
}
