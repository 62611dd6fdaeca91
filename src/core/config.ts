import { resolve } from "node:path";
import { z } from "zod";
import { parseWith, readJsonFile, strictKeys } from "../store/read.js";
import { DEFAULTS } from "./defaults.js";
import { VbulkError } from "./errors.js";
import { hasControlCharacter } from "./text.js";
import {
  CONDITION_WORDS,
  CONDITIONS,
  DEPARTMENT_WORDS,
  DEPARTMENTS,
  GROUPING_METHODS,
  LANGUAGE_WORDS,
  LANGUAGES,
  vocabulary,
} from "./vocab.js";

/** A price: euros from 0.01 to 100 000 with at most two decimals (1e-9 € is a typo, not a price). */
const euros = z
  .number()
  .min(0.01, { message: "a price of at least 0.01 €" })
  .max(100_000, { message: "a price of at most 100000 €" })
  .refine((x) => Math.abs(Math.round(x * 100) - x * 100) < 1e-6, {
    message: "a price with at most 2 decimals",
  });
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
/** A [least, most] wait in ms: the wrong way round ([50000, 20000]) was taken without a word, and the pause drawn
 *  between them was no longer the one the seller set. */
const spacing = () =>
  z.tuple([z.number().min(0), z.number().min(0)]).refine(([least, most]) => least <= most, {
    error: (issue) => {
      const [least, most] = issue.input as [number, number];
      return `expected [least, most] milliseconds, the least first, received ${JSON.stringify([least, most])}: write ${JSON.stringify([most, least])}`;
    },
  });

/** The whole configuration, validated once: DEFAULTS, then the config file, then env and flags. */
export const ConfigSchema = z.object({
  sources: z.object({
    maxFiles: int(1),
    maxFileBytes: int(1),
    maxTotalBytes: int(1),
    maxCompressionRatio: z.number().min(1),
    imageExtensions: z.array(z.string().regex(/^\.[a-z0-9]+$/)).min(1),
  }),
  decode: z.object({
    workingSize: int(224, 2048),
    concurrency: int(1, 32),
    maxPixels: int(1_000_000),
    minSide: int(1, 10_000),
    maxAspect: z.number().min(1),
  }),
  duplicates: z.object({
    maxHamming: int(0, 32),
    requireBoth: z.boolean(),
    maxColorDelta: z.number().min(0),
    maxCellColorDelta: z.number().min(0),
    colorwayMinCells: int(1, 64),
    turnedAspectTolerance: z.number().min(0).max(1),
  }),
  resaved: z.object({
    minKept: z.number().gt(0).max(1),
    saturation: z.tuple([z.number().gt(0).max(1), z.number().min(1).max(10)]),
    whiteL: z.number().min(0).max(100),
    maxStructure: z.number().min(0).max(1),
    maxSmoothStructure: z.number().min(0).max(1),
    maxPatternStructure: z.number().min(0).max(1),
    maxColour: z.number().min(0),
  }),
  grouping: z.object({
    method: vocabulary(GROUPING_METHODS),
    eps: z.number().gt(0).max(2),
    minSamples: int(1, 100),
    linkageCut: z.number().gt(0).max(2),
    colorWeight: z.number().min(0).max(1),
    cutScale: z.number().gt(0).max(10),
    singletonPenalty: z.number().min(0).max(10),
    sequenceSingletonPenalty: z.number().min(0).max(10),
    sizePriorWeight: z.number().min(0).max(10),
    sequenceMaxRun: int(1, 100),
    timesMinShare: z.number().gt(0).max(1),
    shootEvidence: z.number().min(0).max(100),
    shootMinPhotos: int(4, 10_000),
    bimodality: z.number().min(0).max(20),
    maxDip: z.number().gt(0).max(1),
    orderExcess: z.number().min(0).max(1000),
    timeWeight: z.number().min(0).max(20),
    timeGapSeconds: z.number().min(0),
    freeNeighbours: int(1, 50),
    freeCut: z.number().gt(0).max(10),
    freeClose: z.number().gt(0).max(10),
    freeShare: z.number().min(0).max(1),
    freeValley: z.number().gt(0).max(1),
  }),
  color: z.object({
    clusters: int(3, 5),
    sampleSize: int(16, 256),
    backgroundDeltaE: z.number().min(1).max(100),
    photoBlackL: z.number().min(0).max(50),
    photoWhiteL: z.number().min(50).max(100),
    chromaGain: z.number().min(0.5).max(5),
    chromaExponent: z.number().min(0.2).max(1.5),
    hueSpread: z.number().min(0).max(45),
    hueSpreadCool: z.number().min(0).max(45),
    hueCentre: z.number().min(-180).max(180),
    lightnessWeight: z.number().min(0).max(4),
    neighbours: int(1, 50),
    salienceChroma: z.number().min(1).max(1000),
    backdropWhiteMargin: z.number().min(-50).max(50),
    modelVoteWeight: z.number().min(0).max(4),
    modelVoteMinShare: z.number().min(0).max(1),
  }),
  plan: z.object({
    defaultPrice: euros,
    prices: z.record(z.string().min(1), euros),
    condition: vocabulary(CONDITIONS, CONDITION_WORDS),
    // The brand every listing shows until the seller sets one: the plan's own rule for a brand (one line, not
    // only spaces), said here so the error names the config file rather than every article.
    // One check, one message: `.min(1)` said "Too small" before the same thing in these words.
    brand: z.string().refine((t) => t.length <= 100 && t.trim() !== "" && !hasControlCharacter(t), {
      message: "a one-line brand of 1 to 100 characters (not only spaces, no control characters)",
    }),
    gender: vocabulary(DEPARTMENTS, DEPARTMENT_WORDS).nullable(),
    lang: vocabulary(LANGUAGES, LANGUAGE_WORDS),
    departmentMinScore: z.number().min(0).max(1),
  }),
  execute: z.object({
    publishesPerMinute: z
      .number()
      .int({ message: "a whole number of publishes (1 to 5)" })
      .min(1)
      .max(5, { message: "at most 5 (the spec's ceiling)" }),
    writeSpacingMs: spacing(),
    writesPerHour: int(1, 10_000),
    dailyWrites: int(1, 100_000),
    challengePauseMinutes: z.number().min(0),
    maxPauseMinutes: z.number().min(0),
    rateLimitPauseMinutes: z.number().min(0),
    maxWaitMinutes: z.number().min(0),
    timeoutMs: int(1000),
    launchTimeoutMs: int(1000),
    closeTimeoutMs: int(100),
    tabGraceMs: int(0),
    sessionRefreshWaitMs: int(0, 120_000),
    loginRecheckMs: int(1000),
    browserCheckMs: int(50, 60_000),
    launchCheckMs: int(10, 60_000),
    headless: z.boolean(),
    readSpacingMs: spacing(),
    draftListPages: int(1, 1000),
    adoptReadsMax: int(1, 1000),
  }),
  ingest: z.object({ statusIntervalMs: int(10, 60_000), listArticlesMax: int(0, 100_000) }),
});
export type Config = z.infer<typeof ConfigSchema>;

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};
export type ConfigOverrides = DeepPartial<Config>;

/**
 * The config file's shape: any subset of the sections, nothing unknown (a typo is an error, not ignored), each
 * unknown key named with the known key it most likely meant ("esp" → "eps").
 */
const FileSchema = strictKeys(
  Object.fromEntries(
    Object.entries(ConfigSchema.shape).map(([k, v]) => [k, strictKeys(v.partial().shape).optional()]),
  ),
);

/** Reads a JSON config file. Throws NOT_FOUND / BAD_INPUT naming the file and field. */
export async function loadConfigFile(path: string): Promise<ConfigOverrides> {
  return (await readJsonFile(
    resolve(path),
    FileSchema,
    "config file (--config / VBULK_CONFIG)",
    "See the README's Configuration section for the keys.",
    undefined,
    DEFAULTS.files.maxSettingsBytes,
  )) as ConfigOverrides;
}

/** DEFAULTS with each layer of overrides merged in order, validated. Throws BAD_INPUT naming the field. */
export function resolveConfig(...layers: ConfigOverrides[]): Config {
  const merged = structuredClone(DEFAULTS) as unknown as Record<string, Record<string, unknown>>;
  for (const layer of layers)
    for (const [section, values] of Object.entries(layer))
      for (const [key, value] of Object.entries(values ?? {}))
        if (value !== undefined) merged[section]![key] = value;
  return parseWith(
    ConfigSchema,
    merged,
    "configuration",
    "Check the flags, the VBULK_*/BULK_* environment variables and the config file.",
  );
}

/** The values VBULK_OFFLINE (and VBULK_DEBUG) may take, as CI configs and shell scripts write them (compared in
 *  lower case). */
const OFFLINE_ON = ["1", "true", "yes"];
const OFFLINE_OFF = ["", "0", "false", "no"];

/**
 * Whether VBULK_DEBUG asks for stack traces of unexpected errors: 1, true or yes (`VBULK_DEBUG=0` turned them on).
 * Read while an error is printed, so never refused here: checkDebugMode refuses another value before a command runs.
 */
export function debugMode(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.VBULK_DEBUG;
  return raw !== undefined && OFFLINE_ON.includes(raw.trim().toLowerCase());
}

/**
 * Refuses a VBULK_DEBUG that is neither on nor off, as VBULK_OFFLINE: `VBULK_DEBUG=maybe` turned stack traces on
 * without a word. Throws BAD_USAGE.
 */
export function checkDebugMode(env: NodeJS.ProcessEnv = process.env): void {
  const raw = env.VBULK_DEBUG;
  if (raw === undefined) return;
  const value = raw.trim().toLowerCase();
  if (OFFLINE_ON.includes(value) || OFFLINE_OFF.includes(value)) return;
  throw new VbulkError(
    "BAD_USAGE",
    `Expected 1, true or yes (stack traces of unexpected errors), or 0, false, no or nothing (off) for env VBULK_DEBUG but received ${JSON.stringify(raw)}`,
    { hint: "Set VBULK_DEBUG=1 to see stack traces, or unset it; see the README's Configuration section." },
  );
}

/**
 * Whether VBULK_OFFLINE asks never to try the network: 1, true or yes; 0, false, no, empty or unset is off. The
 * one place that reads it: `=== "1"` in three places took `true` (what CI configs write) for off, and went to
 * the network the user had said never to use. Throws BAD_USAGE for any other value, as for every bad env var.
 */
export function offlineMode(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.VBULK_OFFLINE;
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (OFFLINE_ON.includes(value)) return true;
  if (OFFLINE_OFF.includes(value)) return false;
  throw new VbulkError(
    "BAD_USAGE",
    `Expected 1, true or yes (never try the network), or 0, false, no or nothing (off) for env VBULK_OFFLINE but received ${JSON.stringify(raw)}`,
    { hint: "Set VBULK_OFFLINE=1 to stay offline, or unset it; see the README's Configuration section." },
  );
}
