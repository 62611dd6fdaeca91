import { posix } from "node:path";
import type { Config } from "../core/config.js";
import { DEFAULTS } from "../core/defaults.js";
import type { EventSink, IngestEvent, PlacedPhotos, Regrouped } from "../core/events.js";
import { checkpoint } from "../core/pause.js";
import { andList, plural } from "../core/text.js";
import { type GroupingResult, groupPhotoSlices, type Slices } from "../grouping/cluster.js";
import { comparePhotos, type DuplicateDecision, decideDuplicates } from "../grouping/duplicates.js";
import { type GroupingMemo, groupingKey, recall } from "../grouping/memo.js";
import { currentEmbedderId, type Embedder } from "../imaging/embedder.js";
import { fingerprint } from "./describe.js";
import { editedCopies } from "./resaved.js";
import type { AnalysedPhoto } from "./types.js";

export interface GroupStep {
  /** Duplicates by index into `analysed`: which photo each one repeats, and why. */
  dupes: Map<number, DuplicateDecision>;
  /** Indices into `analysed` of the photos kept, in the order they were grouped. */
  kept: number[];
  /** True when the order is EXIF capture time (every kept photo has one), false for file-name order. */
  byTime: boolean;
  grouping: GroupingResult;
  /** The grouping with the key of what it was computed from; `recalled`: taken from the previous run's memo. */
  memo: GroupingMemo & { recalled: boolean };
  /** Articles as indices into `analysed`. */
  articles: number[][];
  /** Photos the seller took out of the listing, and articles the seller's decisions shaped (decisions.ts). */
  dropped?: number[];
  bySeller?: number[];
  /** Photos (their hashes) the seller moved out of the article they were in, with the photos each left there
   *  (DecidedGrouping.moved). */
  moved?: Record<string, string[]>;
  /** The earlier articles were kept and photos were added, removed or replaced since: placedSince says how. */
  changedSince?: boolean;
  /** A kept edit (IMG_E0002.JPG) → its original set aside (IMG_0002.HEIC), by index: the original's analysis speaks
   *  for the edit's look (grouping, colour, the model's category): a black-and-white or filtered edit shows the
   *  same garment, not its colours. */
  standIn?: Map<number, number>;
}

/**
 * The previous run's automatic articles (photo hashes, before the seller's decisions), when this run may keep them:
 * grouped with the same settings and embedder (groupingBasis). Photos added since are grouped among themselves and
 * the earlier articles stay as they were, so a re-run after adding photos never splits or joins an article the seller
 * already reviewed and edited (an audit: 7 photos added to 36, 3 of 18 earlier articles split, and `vbulk plan`
 * dropped the seller's edits of one). `vbulk ingest --regroup` groups every photo again.
 */
export interface EarlierGrouping {
  articles: string[][];
  /** The previous confidence of each earlier article, by fingerprint. */
  confidence: Map<string, { low: boolean; score: number }>;
}

/** What a grouping was computed with: a run with another basis (settings, embedder) groups every photo again. The
 *  model's name is kept for messages only: the same encoders under another name group alike. */
export function groupingBasis(config: Config, embedder: Pick<Embedder, "id" | "name">): string {
  return JSON.stringify({
    embedder: embedder.id,
    ...(embedder.name ? { model: embedder.name } : {}),
    grouping: config.grouping,
  });
}

/** The settings only one grouping method reads (src/grouping/cluster.ts groupPhotoSlices): for any other, none. */
const READ_BY: Record<string, string> = { eps: "dbscan", minSamples: "dbscan", linkageCut: "agglomerative" };

type Basis = { embedder?: unknown; model?: unknown; grouping?: Record<string, unknown> };

/** A basis (groupingBasis) as data, less the settings its method does not read, its embedder id as today's
 *  (currentEmbedderId: an older vbulk's id also named the model); null when it does not parse. */
function readBasis(basis: string): (Basis & { shown: string }) | null {
  try {
    const v: unknown = JSON.parse(basis);
    if (!v || typeof v !== "object") return null;
    const b = v as Basis;
    const grouping = Object.fromEntries(
      Object.entries(b.grouping ?? {}).filter(([k]) => !READ_BY[k] || READ_BY[k] === b.grouping?.method),
    );
    const id = typeof b.embedder === "string" ? b.embedder : JSON.stringify(b.embedder);
    const embedder = typeof b.embedder === "string" ? currentEmbedderId(b.embedder) : b.embedder;
    // Said in messages: the model's name with its content key, or the id as the run recorded it.
    const shown = typeof b.model === "string" && b.model ? `${b.model} (${id})` : id;
    return { embedder, grouping, shown };
  } catch {
    return null;
  }
}

/**
 * Whether two groupings were computed alike (groupingBasis), so that the earlier articles may be kept: the same
 * embedder (by content, whatever the model's name) and the same settings, those the method does not read aside
 * (--eps under the automatic grouping changes nothing, and threw the seller's earlier articles away).
 */
export function sameGroupingBasis(a: string, b: string): boolean {
  if (a === b) return true;
  const x = readBasis(a);
  const y = readBasis(b);
  const alike = (v: Basis) => JSON.stringify({ embedder: v.embedder, grouping: v.grouping });
  return x !== null && y !== null && alike(x) === alike(y);
}

/** The grouping settings a flag gives, by config key: what the hint to get earlier articles back names. */
const GROUPING_FLAGS: Record<string, string> = {
  method: "--grouping",
  eps: "--eps",
  minSamples: "--min-samples",
};

/**
 * Why the previous run's articles were not kept, in words, when it grouped with another basis (`was`) than this run
 * (`now`): the grouping settings that differ (each with its earlier value) and the embedder, with how to get them
 * back; null when nothing the seller could set again tells them apart (an unreadable or older basis).
 */
export function earlierGroupingNotKept(
  was: string,
  now: string,
): { message: string; hint: string; regrouped: Regrouped } | null {
  const before = readBasis(was);
  const after = readBasis(now);
  if (!before || !after) return null;
  const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const keys = [...new Set([...Object.keys(before.grouping ?? {}), ...Object.keys(after.grouping ?? {})])];
  const differ = keys.filter(
    (k) => before.grouping?.[k] !== undefined && show(before.grouping[k]) !== show(after.grouping?.[k]),
  );
  // Said: what changed among the settings both runs read; given back: every earlier one the new run differs in.
  const settings = differ.filter((k) => after.grouping?.[k] !== undefined);
  const model = show(before.embedder) !== show(after.embedder);
  // --no-model gives back a model-free run's articles only; a CLIP run's need that model again.
  const modelFree = typeof before.embedder === "string" && !before.embedder.startsWith("clip:");
  if (!differ.length && !model) return null;
  const name = (k: string) => (k === "method" ? "grouping method" : `grouping.${k}`);
  const why = [
    ...(settings.length
      ? [
          `the grouping settings changed since the last run (${settings
            .map((k) => `${name(k)} ${show(before.grouping?.[k])} → ${show(after.grouping?.[k])}`)
            .join(", ")})`,
        ]
      : []),
    ...(model ? [`the model changed (${before.shown} → ${after.shown})`] : []),
  ].join(" and ");
  const back = [
    ...differ.map((k) =>
      GROUPING_FLAGS[k]
        ? `${GROUPING_FLAGS[k]} ${show(before.grouping?.[k])}`
        : `grouping.${k} ${show(before.grouping?.[k])} in the config file`,
    ),
    ...(model
      ? [
          modelFree
            ? "--no-model"
            : `the model the last run used (${before.shown}: the same --model-dir, or none for the cached model)`,
        ]
      : []),
  ].join(", ");
  return {
    message: `the earlier articles were not kept: ${why}, so every photo was grouped again; an article that changes starts again from the rules in \`vbulk plan\` (its edits set aside, and given back when it is that garment again).`,
    hint: `To get the earlier articles back, run again with the earlier settings (${back}); check the articles in \`vbulk review\`.`,
    regrouped: {
      settings: settings.map((key) => ({
        key: `grouping.${key}`,
        was: show(before.grouping?.[key]),
        now: show(after.grouping?.[key]),
      })),
      model: model ? { was: before.shown, now: after.shown } : null,
    },
  };
}

/**
 * Finds and sets aside duplicates, orders the rest (capture time, else file name) and groups them into articles.
 * `remembered`: the previous run's grouping memo (unvalidated); used only if computed from exactly these inputs.
 * `earlier`: the previous run's articles, kept as they were when photos were added or removed (EarlierGrouping).
 * `ctx.enterStage` runs (awaited) before the grouping stage starts (the status file says so before seconds of
 * synchronous work at a thousand photos); `ctx.signal` is checked between the stages, the event loop given a turn
 * first so that a Ctrl-C handler can run. Throws the signal's AbortError when the run was stopped.
 */
export async function groupArticles(
  analysed: AnalysedPhoto[],
  config: Config,
  emit: EventSink<IngestEvent>,
  remembered: unknown = null,
  earlier: EarlierGrouping | null = null,
  ctx: { signal?: AbortSignal | undefined; enterStage?: (stage: "group") => Promise<void> } = {},
): Promise<GroupStep> {
  emit({ type: "stage", stage: "duplicates", total: analysed.length });
  const hashed = analysed.map((a) => ({
    ...a.entry,
    sha256: a.sha256,
    pixels: a.entry.width * a.entry.height,
    folder: posix.dirname(a.file.rel),
    name: a.file.rel,
  }));
  const { duplicates: pairs, colorways } = comparePhotos(hashed, config.duplicates);
  const edits = editedCopies(
    analysed.map((a) => ({ file: a.file.rel, entry: a.entry })),
    config,
  );
  const dupes = decideDuplicates(hashed, [...pairs, ...edits]);
  // An edit kept for its original stands in the original's place: its place in name order (IMG_E0001.JPG sorts
  // after every IMG_0…: by name it left its garment for the batch's end), its look (GroupStep.standIn) and its
  // capture time (an export may drop it).
  const placeOf = new Map<number, number>();
  for (const e of edits) if (dupes.get(e.a)?.of === e.b) placeOf.set(e.b, e.a);
  const original = (i: number) => placeOf.get(i) ?? i;
  const timeOf = (i: number) => analysed[i]!.entry.captured_at ?? analysed[original(i)]!.entry.captured_at;
  /** The first three photos' names, as the notes below carry them (data for the page, text for the terminal). */
  const firstFiles = (photos: number[]) => {
    const files = photos.slice(0, 3).map((i) => analysed[i]!.file.rel);
    return { files, text: `${files.join(", ")}${photos.length > 3 ? ", …" : ""}` };
  };
  // A phone's screenshot (a PNG at a phone screen's proportions, no capture time) shows no garment of the shoot:
  // by name it fell inside one (IMG_0037.PNG among IMG_0036/38.HEIC) and split it (phone-export audit). It goes
  // after every other photo, and a note names it.
  const screenshot = (i: number) => {
    const e = analysed[i]!.entry;
    const [long, short] = e.width > e.height ? [e.width, e.height] : [e.height, e.width];
    return (
      e.format === "png" && !timeOf(i) && short > 0 && long / short >= DEFAULTS.ingest.screenshotMinAspect
    );
  };
  const kept: number[] = [];
  const screenshots: number[] = [];
  for (const i of analysed
    .map((_, i) => i)
    .filter((i) => !dupes.has(i))
    .sort((x, y) => original(x) - original(y) || x - y))
    (screenshot(i) ? screenshots : kept).push(i);
  const timed = kept.filter((i) => timeOf(i));
  // Capture time orders the batch when (nearly) every photo named between the first and the last timed one has one:
  // a forwarded or screenshot photo without EXIF among them must not switch it off for all (a camera counter
  // rolling over, IMG_9999 then IMG_0001, splits a garment by name). Photos named before or after every timed one
  // are another source (WhatsApp's IMG-20261129-WA0001.jpg beside a phone's IMG_0001.HEIC): they cannot fall
  // inside a timed garment, so they do not count against it, and keep their names' order before or after the
  // timed ones. (Before, 30 such photos among 132 switched times off for all: 12 of 57 garments split, phone-export
  // audit.) A clock that gives every photo the same time (a camera never set, a stuck clock) orders nothing: names do.
  const times = new Set(timed.map(timeOf));
  const hasTime = kept.map((i) => Boolean(timeOf(i)));
  const [firstTimed, lastTimed] = [hasTime.indexOf(true), hasTime.lastIndexOf(true)];
  const span = lastTimed - firstTimed + 1;
  const byTime = times.size > 1 && timed.length >= config.grouping.timesMinShare * span;
  if (byTime) {
    // Each photo without a time keeps its place by name: right after the photo named before it; those named after
    // every timed photo come after the last one taken (by name, IMG-20261129-WA0001.jpg follows IMG_9999.HEIC,
    // which a counter's rollover puts mid-batch).
    const after = new Map<number, number[]>();
    let previous = -1;
    for (const [k, i] of kept.entries()) {
      if (timeOf(i)) previous = i;
      else if (k < lastTimed) after.set(previous, [...(after.get(previous) ?? []), i]);
    }
    const edge = kept.filter((_, k) => k < firstTimed || k > lastTimed);
    const inner = kept.filter((i, k) => k > firstTimed && k < lastTimed && !timeOf(i));
    const tail = kept.slice(lastTimed + 1);
    timed.sort((x, y) => timeOf(x)!.localeCompare(timeOf(y)!) || x - y);
    kept.splice(
      0,
      kept.length,
      ...(after.get(-1) ?? []),
      ...timed.flatMap((i) => [i, ...(after.get(i) ?? [])]),
      ...tail,
    );
    const side =
      firstTimed > 0 && lastTimed < hasTime.length - 1 ? "both" : firstTimed > 0 ? "before" : "after";
    const where = side === "both" ? "before and after" : side;
    // As data too, for the review page's words (review/ingest.ts toPageWarning).
    const untimed = (photos: number[], at: typeof side | null) => ({
      n: photos.length,
      total: kept.length,
      files: firstFiles(photos).files,
      where: at,
    });
    if (edge.length)
      emit({
        type: "note",
        untimed: untimed(edge, side),
        message: `${edge.length} of ${kept.length} photos have no capture time and are named ${where} every photo that has one (${firstFiles(edge).text}: another source, such as photos sent by a messaging app): they keep their file names' order, ${where} the others, which are in capture order.`,
      });
    if (inner.length)
      emit({
        type: "note",
        untimed: untimed(inner, null),
        message: `${inner.length} of ${kept.length} photos have no capture time (${firstFiles(inner).text}): the others are in capture order, ${inner.length === 1 ? "it follows the photo named before it" : "each follows the photo named before it"}.`,
      });
  }
  if (screenshots.length) {
    kept.push(...screenshots);
    const { files, text } = firstFiles(screenshots);
    emit({
      type: "note",
      screenshots: { n: screenshots.length, files },
      message: `${plural(screenshots.length, "photo")} ${screenshots.length === 1 ? "looks" : "look"} like a phone's screenshot (a PNG at a phone screen's proportions, no capture time: ${text}): put after the other photos so as not to split a garment; take ${screenshots.length === 1 ? "it" : "them"} out of the listings if ${screenshots.length === 1 ? "it shows" : "they show"} no garment.`,
    });
  }
  // Landscape photos in a batch shot in portrait: perhaps a garment on its side (an app dropped the orientation).
  const landscape = kept.filter((i) => analysed[i]!.entry.width > analysed[i]!.entry.height);
  const portrait = kept.filter((i) => analysed[i]!.entry.height > analysed[i]!.entry.width).length;
  if (kept.length >= 10 && landscape.length && portrait >= DEFAULTS.ingest.portraitBatchShare * kept.length) {
    const { files, text } = firstFiles(landscape);
    emit({
      type: "note",
      sideways: { n: landscape.length, total: kept.length, files },
      message: `${landscape.length} of ${kept.length} photos are landscape in a batch shot in portrait (${text}): if one shows a garment on its side (an app that dropped its orientation), turn it in a photo app before publishing, as Vinted would show it as it is.`,
    });
  }
  await checkpoint(ctx.signal);
  await ctx.enterStage?.("group");
  await checkpoint(ctx.signal);
  emit({ type: "stage", stage: "group", total: kept.length });
  const position = new Map(kept.map((i, k) => [i, k]));
  const input = {
    vectors: kept.map((i) => analysed[original(i)]!.vector),
    garment: kept.map((i) => analysed[original(i)]!.garment),
    closeUp: kept.map((i) => analysed[original(i)]!.closeUp),
    // The gaps between capture times, only when they order the photos (not equal for all: a stuck clock).
    times: kept.map((i) => (byTime ? toSeconds(timeOf(i)) : null)),
    // The same pose in another colour: two garments (colourways kept only between photos both kept); and a
    // screenshot, which shows no garment of the shoot, with no other photo (at the end, it joined the last garment).
    apart: [
      ...colorways.flatMap(([a, b]): [number, number][] => {
        const i = position.get(a);
        const j = position.get(b);
        return i === undefined || j === undefined ? [] : [[i, j]];
      }),
      ...screenshots.flatMap((sc) =>
        kept.filter((i) => i !== sc).map((i): [number, number] => [position.get(sc)!, position.get(i)!]),
      ),
    ],
  };
  const key = groupingKey(input, config.grouping);
  const recalled = recall(remembered, key, kept.length);
  const computed = recalled ?? (await runSlices(groupPhotoSlices(input, config.grouping), ctx.signal));
  // A photo set aside as a copy of another (a larger copy of itself added since) hands its place to that one.
  const replacedBy = new Map(
    [...dupes].map(([i, d]) => [analysed[i]!.sha256, analysed[d.of]!.sha256] as [string, string]),
  );
  const kepts = earlier
    ? keepEarlier(
        computed,
        kept.map((i) => analysed[i]!.sha256),
        earlier,
        replacedBy,
      )
    : null;
  const grouping = kepts?.grouping ?? computed;
  if (!kepts && grouping.method !== "sequence" && config.grouping.method === "auto" && kept.length >= 3) {
    const alone = Boolean(grouping.orderFree && !grouping.orderFree.joined);
    emit({
      type: "warning",
      message: `The order of these ${kept.length} photos did not show garment after garment (shuffled names, no capture times, or too few photos to tell): grouping by appearance only${
        alone ? ", and no photos looked alike enough to join: every photo is its own article" : ""
      }.`,
      orderUnclear: { photos: kept.length, alone },
      // A small batch in shooting order may not carry enough evidence of its order (15 madison-multiview photos of
      // 9 garments, in order: signal 2.87 of 3, every photo alone; with --grouping sequence all 9 exact).
      hint: "If the photos are in shooting order (all of one garment, then the next), run again with --grouping sequence; otherwise keep the camera's file names or EXIF capture times. Check the low-confidence articles first.",
    });
  }
  const articles = grouping.articles.map((members) => members.map((k) => kept[k]!));
  return {
    dupes,
    kept,
    byTime,
    grouping,
    articles,
    // The whole batch's own grouping, not the kept articles: what these inputs give, whatever the previous run kept.
    memo: { key, result: computed, recalled: recalled !== null },
    changedSince: kepts?.changed ?? false,
    ...(placeOf.size ? { standIn: placeOf } : {}),
  };
}

/**
 * The earlier articles kept (their photos still here, in this run's order; a photo now set aside as a duplicate of
 * another, such as a larger copy of itself, is replaced by that one) and the photos added since placed as the
 * grouping of the whole batch (`full`, so they are judged with every photo's evidence) places them: with the photos
 * of one earlier article only, they join it (a forgotten label shot); otherwise they make articles of their own.
 * Null when no earlier article still has a photo here. `changed`: photos were added, removed or replaced (when not,
 * the earlier articles are kept all the same: a renamed photo or a lost memo must not group everything again).
 */
/**
 * How the photos of this run sit among the articles the seller had (`previous`, the last catalog's articles, the
 * seller's decisions applied) now that those decisions are applied again (`now`): both as photo hashes. Said after
 * the decisions, not of the automatic grouping under them: a photo a decision had put in an article of its own,
 * replaced by an edited copy that joined its old automatic article, was said "replaced by a new one in its article".
 * `replacedBy`: a photo set aside as a copy of another (a larger copy of itself added since) → that one.
 */
export function placedSince(
  previous: string[][],
  now: string[][],
  replacedBy: Map<string, string>,
): PlacedPhotos & { message: string } {
  const ownerOf = new Map<string, number>();
  now.forEach((m, j) => {
    for (const s of m) ownerOf.set(s, j);
  });
  /** This run's photos that were (or replace) a photo of an earlier article: that article's index. */
  const earlierOf = new Map<string, number>();
  let earlier = 0;
  let removed = 0;
  let replaced = 0;
  const lost = previous.map((a, k) => {
    let gone = 0;
    let held = 0;
    for (const s of a) {
      const copy = replacedBy.get(s);
      const here = ownerOf.has(s) ? s : copy !== undefined && ownerOf.has(copy) ? copy : null;
      if (here === null || earlierOf.has(here)) {
        if (here === null) gone++;
        continue;
      }
      if (here !== s) replaced++;
      earlierOf.set(here, k);
      held++;
    }
    removed += gone;
    if (held) earlier++;
    return gone;
  });
  let added = 0;
  let joined = 0;
  const joinedTo = previous.map(() => 0);
  for (const m of now) {
    const fresh = m.filter((s) => !earlierOf.has(s));
    if (!fresh.length) continue;
    added += fresh.length;
    const owners = new Set(m.filter((s) => earlierOf.has(s)).map((s) => earlierOf.get(s)!));
    if (owners.size !== 1) continue;
    joined += fresh.length;
    joinedTo[[...owners][0]!]! += fresh.length;
  }
  // A photo gone from an article that a new photo joined: one photo swapped for another (an edited copy saved under
  // another name, the original deleted), said so rather than as one added and one gone.
  const swapped = lost.reduce((n, gone, k) => n + Math.min(gone, joinedTo[k]!), 0);
  const placed = {
    earlier,
    added: added - swapped,
    joined: joined - swapped,
    removed: removed - swapped,
    swapped,
    replaced,
  };
  const others = placed.added - placed.joined;
  const parts = [
    `${earlier} earlier articles kept as they were`,
    swapped
      ? `${plural(swapped, "photo")} replaced by a new one in ${swapped === 1 ? "its article" : "their articles"}`
      : "",
    placed.added
      ? `of the ${plural(placed.added, "photo")} added since, ${placed.joined} joined an earlier article${others ? ` and ${others} ${others === 1 ? "makes a new article" : "make new articles"}` : ""}`
      : "",
    replaced ? `${plural(replaced, "photo")} replaced by a copy of itself (kept in its article)` : "",
    placed.removed ? `${plural(placed.removed, "photo")} gone since` : "",
  ].filter(Boolean);
  return { ...placed, message: `${parts.join("; ")}.` };
}

/**
 * What a re-run's placing summary (placedSince) sends the seller to check, named as it happened: the new articles,
 * the earlier articles photos joined, those whose photo was replaced or that lost photos. "Check the new articles"
 * was said of a run whose one added photo joined an earlier article, and made none.
 */
export function placedHint(placed: PlacedPhotos): string {
  const made = placed.added - placed.joined;
  const parts = [
    made ? (made === 1 ? "the new article" : "the new articles") : "",
    placed.joined
      ? made
        ? "the articles photos joined"
        : placed.joined === 1
          ? "the article it joined"
          : "the articles they joined"
      : "",
    placed.swapped
      ? placed.swapped === 1
        ? "the article whose photo was replaced"
        : "the articles whose photos were replaced"
      : "",
    placed.removed
      ? placed.removed === 1
        ? "the article that lost a photo"
        : "the articles that lost photos"
      : "",
  ].filter(Boolean);
  const what = parts.length ? andList(parts) : "the articles";
  return `Check ${what} in \`vbulk review\`. \`vbulk ingest --regroup\` groups every photo again (an article it changes starts again from the rules in \`vbulk plan\`).`;
}

function keepEarlier(
  full: GroupingResult,
  shas: string[],
  earlier: EarlierGrouping,
  replacedBy: Map<string, string>,
): { grouping: GroupingResult; changed: boolean } | null {
  const position = new Map<string, number>();
  shas.forEach((s, k) => {
    if (!position.has(s)) position.set(s, k);
  });
  const ownerOf = new Map<number, number>();
  let removed = 0;
  let replaced = 0;
  const old: { members: number[]; shas: string[] }[] = [];
  for (const a of earlier.articles) {
    const members: number[] = [];
    let lost = 0;
    for (const s of a) {
      const copy = replacedBy.get(s);
      const k = position.get(s) ?? (copy === undefined ? undefined : position.get(copy));
      if (k === undefined || ownerOf.has(k)) {
        if (k === undefined) lost++;
        continue;
      }
      if (!position.has(s)) replaced++;
      ownerOf.set(k, old.length);
      members.push(k);
    }
    removed += lost;
    // An earlier article none of whose photos is left to it (gone, or now copies another article holds) is gone;
    // the photos it shares with another stay that one's.
    if (members.length) old.push({ members, shas: a });
  }
  if (old.length === 0) return null;
  const added = shas.length - ownerOf.size;
  // Confidence as the previous run judged the article (by its photos then: one taken out since changes nothing).
  const articles = old.map(({ members, shas: before }) => ({
    members: [...members],
    ...(earlier.confidence.get(fingerprint(before)) ?? { low: false, score: 1 }),
  }));
  full.articles.forEach((m, j) => {
    const fresh = m.filter((k) => !ownerOf.has(k));
    if (!fresh.length) return;
    const owners = new Set(m.filter((k) => ownerOf.has(k)).map((k) => ownerOf.get(k)!));
    if (owners.size === 1) {
      const owner = [...owners][0]!;
      articles[owner]!.members.push(...fresh);
    } else
      articles.push({
        members: fresh,
        low: full.lowConfidence[j] ?? false,
        score: full.confidence[j] ?? 0.5,
      });
  });
  for (const a of articles) a.members.sort((x, y) => x - y);
  articles.sort((x, y) => x.members[0]! - y.members[0]!);
  const starts = new Set(articles.map((a) => a.members[0]!));
  const kept = `${old.length} articles of the previous run kept as they were (\`vbulk ingest --regroup\` groups every photo again)`;
  return {
    grouping: {
      ...full,
      articles: articles.map((a) => a.members),
      confidence: articles.map((a) => a.score),
      lowConfidence: articles.map((a) => a.low),
      cuts: full.cuts.filter((c) => starts.has(c.at)),
      because: full.because ? `${kept}; ${full.because}` : `${kept}.`,
    },
    changed: added > 0 || removed > 0 || replaced > 0,
  };
}

/** Runs a sliced computation, giving the event loop a turn and checking the signal between its slices. */
async function runSlices<T>(slices: Slices<T>, signal: AbortSignal | undefined): Promise<T> {
  for (;;) {
    const step = slices.next();
    await checkpoint(signal);
    if (step.done) return step.value;
  }
}

function toSeconds(t: string | null): number | null {
  if (!t) return null;
  const ms = Date.parse(`${t}Z`);
  return Number.isNaN(ms) ? null : ms / 1000;
}
