import type { Config } from "../core/config.js";
import type { EventSink, IngestEvent } from "../core/events.js";
import { type GroupingResult, groupPhotos } from "../grouping/cluster.js";
import { comparePhotos, type DuplicateDecision, decideDuplicates } from "../grouping/duplicates.js";
import { type GroupingMemo, groupingKey, recall } from "../grouping/memo.js";
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
}

/**
 * Finds and sets aside duplicates, orders the rest (capture time, else file name) and groups them into articles.
 * `remembered`: the previous run's grouping memo (unvalidated); used only if computed from exactly these inputs.
 */
export function groupArticles(
  analysed: AnalysedPhoto[],
  config: Config,
  emit: EventSink<IngestEvent>,
  remembered: unknown = null,
): GroupStep {
  emit({ type: "stage", stage: "duplicates", total: analysed.length });
  const hashed = analysed.map((a) => ({
    ...a.entry,
    sha256: a.sha256,
    pixels: a.entry.width * a.entry.height,
  }));
  const { duplicates: pairs, colorways } = comparePhotos(hashed, config.duplicates);
  const dupes = decideDuplicates(hashed, pairs);

  const kept = analysed.map((_, i) => i).filter((i) => !dupes.has(i));
  const byTime = kept.length > 0 && kept.every((i) => analysed[i]!.entry.captured_at);
  if (byTime)
    kept.sort(
      (x, y) => analysed[x]!.entry.captured_at!.localeCompare(analysed[y]!.entry.captured_at!) || x - y,
    );
  emit({ type: "stage", stage: "group", total: kept.length });
  const position = new Map(kept.map((i, k) => [i, k]));
  const input = {
    vectors: kept.map((i) => analysed[i]!.vector),
    garment: kept.map((i) => analysed[i]!.garment),
    closeUp: kept.map((i) => analysed[i]!.closeUp),
    times: kept.map((i) => toSeconds(analysed[i]!.entry.captured_at)),
    // The same pose in another colour: two garments (colourways kept only between photos both kept).
    apart: colorways.flatMap(([a, b]): [number, number][] => {
      const i = position.get(a);
      const j = position.get(b);
      return i === undefined || j === undefined ? [] : [[i, j]];
    }),
  };
  const key = groupingKey(input, config.grouping);
  const recalled = recall(remembered, key, kept.length);
  const grouping = recalled ?? groupPhotos(input, config.grouping);
  if (grouping.method !== "sequence" && config.grouping.method === "auto" && kept.length >= 3) {
    emit({
      type: "warning",
      message: `The order of these ${kept.length} photos did not show garment after garment (shuffled names, no capture times, or too few photos to tell): grouping by appearance only${
        grouping.orderFree && !grouping.orderFree.joined
          ? ", and no photos looked alike enough to join: every photo is its own article"
          : ""
      }.`,
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
    memo: { key, result: grouping, recalled: recalled !== null },
  };
}

function toSeconds(t: string | null): number | null {
  if (!t) return null;
  const ms = Date.parse(`${t}Z`);
  return Number.isNaN(ms) ? null : ms / 1000;
}
