import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { GroupingInput, GroupingOptions, GroupingResult } from "./cluster.js";

/**
 * The last grouping of a folder, kept by what it was computed from, so that a re-run over the same photos (cron,
 * a second `vbulk ingest` after editing a label) does not group them again: 500 photos are 125 000 pairs, about
 * 0.3 s of the 0.8 s such a re-run took. The key covers every input of `groupPhotos` (vectors, garment
 * descriptors, close-up flags, times, in order), its options, and the grouping code itself (every source file of
 * this folder), so a changed photo, setting or vbulk version groups again. A stored result is only ever used for
 * the exact key it was computed from.
 *
 *   const key = groupingKey(input, opts);
 *   const result = memo?.key === key ? memo.result : groupPhotos(input, opts);
 */

let codeHash: string | undefined;

/** sha256 of the grouping code (this folder's .js or .ts files, by name): a changed algorithm groups again. */
function groupingCode(): string {
  if (codeHash) return codeHash;
  const dir = dirname(fileURLToPath(import.meta.url));
  const h = createHash("sha256");
  for (const f of readdirSync(dir)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith(".d.ts"))
    .sort()) {
    h.update(f);
    h.update(readFileSync(join(dir, f)));
  }
  codeHash = h.digest("hex");
  return codeHash;
}

/** The key of one grouping: its inputs, options and code. */
export function groupingKey(input: GroupingInput, opts: GroupingOptions): string {
  const h = createHash("sha256");
  h.update(groupingCode());
  h.update(JSON.stringify(opts));
  h.update(
    JSON.stringify({
      n: input.vectors.length,
      times: input.times,
      closeUp: input.closeUp ?? null,
      apart: input.apart ?? [],
    }),
  );
  const floats = (vs: Float32Array[] | undefined) => {
    h.update(vs ? `[${vs.length}]` : "none");
    for (const v of vs ?? []) {
      h.update(String(v.length));
      h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    }
  };
  floats(input.vectors);
  floats(input.garment);
  return h.digest("hex");
}

const fit = z.object({ separation: z.number(), dip: z.number() }).nullable();
const index = z.number().int().nonnegative();

/** What `.vbulk/grouping.json` holds; validated when read (a damaged or foreign file groups again). */
export const GroupingMemoSchema = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/),
  result: z.object({
    articles: z.array(z.array(index)),
    method: z.enum(["sequence", "dbscan", "agglomerative"]),
    orderSignal: z.number().nullable(),
    cut: z.number().nullable(),
    confidence: z.array(z.number()),
    lowConfidence: z.array(z.boolean()),
    cuts: z.array(
      z.object({
        at: index,
        distance: z.number(),
        gapSeconds: z.number().nullable(),
        gapRatio: z.number().nullable(),
        because: z.string(),
      }),
    ),
    usedTimes: z.boolean(),
    modes: z.object({ appearance: fit, time: fit, neighbours: fit }),
    orderFree: z
      .object({ partnered: z.number(), needed: z.number(), twoModes: z.boolean(), joined: z.boolean() })
      .nullable(),
    because: z.string().nullable(),
  }) satisfies z.ZodType<GroupingResult>,
});
export type GroupingMemo = z.infer<typeof GroupingMemoSchema>;

/** The stored grouping if it was computed from exactly `key` and fits `n` photos, else null. */
export function recall(memo: unknown, key: string, n: number): GroupingResult | null {
  const parsed = GroupingMemoSchema.safeParse(memo);
  if (!parsed.success || parsed.data.key !== key) return null;
  const r = parsed.data.result;
  const seen = r.articles.flat();
  const whole = seen.length === n && new Set(seen).size === n && seen.every((i) => i < n);
  return whole && r.confidence.length === r.articles.length && r.lowConfidence.length === r.articles.length
    ? r
    : null;
}
