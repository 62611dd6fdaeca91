/**
 * The files a plan is made with besides its rules: the templates folder, the label set and the Vinted mapping.
 * One code path for `vbulk plan` and the review page's saves, so both render the same titles from the same files.
 */

import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { VbulkError } from "../core/errors.js";
import { type LabelSet, loadLabelSet } from "../model/clip.js";
import { DEFAULT_LABELS } from "../model/select.js";
import { completeLabels, loadMapping, type Mapping } from "./mapping.js";
import { DEFAULT_TEMPLATES, type ListingTemplates, loadTemplates } from "./templates.js";

/** The word that gives a file back to the built-in one: `--templates default`. */
export const BUILT_IN = "default";

export const LISTING_FILES = ["templates", "labels", "mapping"] as const;
export type ListingFileKey = (typeof LISTING_FILES)[number];

/** Absolute paths of the seller's own files, stored in plan.json's rules; absent: the built-in one. */
export type ListingFiles = Partial<Record<ListingFileKey, string>>;

const FLAG: Record<ListingFileKey, { flag: string; env: string; what: string }> = {
  templates: { flag: "--templates DIR", env: "VBULK_TEMPLATES", what: "templates folder" },
  labels: { flag: "--labels FILE", env: "VBULK_LABELS", what: "label set" },
  mapping: { flag: "--mapping FILE", env: "VBULK_MAPPING", what: "Vinted mapping file" },
};

/**
 * The files this run uses: one given now (a flag or its env var; relative to the current folder) replaces the
 * stored one, `default` goes back to the built-in one, and what is not given stays as an earlier run stored it.
 * `stored` paths are absolute; one written by hand as a relative path is read from the plan's folder `dir`.
 */
export function chooseListingFiles(
  given: Partial<Record<ListingFileKey, string | undefined>>,
  stored: ListingFiles | undefined,
  dir: string,
): { files: ListingFiles; fromStore: Set<ListingFileKey> } {
  const files: ListingFiles = {};
  const fromStore = new Set<ListingFileKey>();
  for (const key of LISTING_FILES) {
    const now = given[key]?.trim();
    if (now === BUILT_IN) continue;
    if (now) files[key] = resolve(now);
    else if (stored?.[key]) {
      files[key] = isAbsolute(stored[key]) ? stored[key] : resolve(dir, stored[key]);
      fromStore.add(key);
    }
  }
  return { files, fromStore };
}

/**
 * Loads the templates (for `lang`), the label set (a user's older file completed from the built-in labels of the
 * same id) and the mapping. Throws NOT_FOUND naming a stored file that is gone and how to give it anew or go back
 * to the built-in one; the loaders' own errors (NOT_FOUND, BAD_INPUT naming the file) for the rest.
 */
export async function loadListingFiles(
  files: ListingFiles,
  fromStore: ReadonlySet<ListingFileKey>,
  lang: string,
): Promise<{ templates: ListingTemplates; labels: LabelSet; mapping: Mapping }> {
  for (const key of fromStore) await checkStored(key, files[key]!);
  const [templates, labels, mapping] = await Promise.all([
    loadTemplates(files.templates ?? DEFAULT_TEMPLATES, lang),
    loadLabels(files.labels),
    loadMapping(files.mapping),
  ]);
  return { templates, labels, mapping };
}

/** The built-in label set, or a user's completed from it (names, grammar, package sizes of the same ids). */
export async function loadLabels(path?: string): Promise<LabelSet> {
  const defaults = await loadLabelSet(DEFAULT_LABELS);
  return path ? completeLabels(await loadLabelSet(path), defaults) : defaults;
}

async function checkStored(key: ListingFileKey, path: string): Promise<void> {
  const st = await stat(path).catch((err: NodeJS.ErrnoException) =>
    err.code === "ENOENT" ? null : undefined,
  );
  if (st !== null) return; // there (or unreadable: the loader says why)
  const { flag, env, what } = FLAG[key];
  const option = flag.split(" ")[0];
  throw new VbulkError(
    "NOT_FOUND",
    `Expected the ${what} ${path} (plan.json's rules.${key}, given to an earlier vbulk plan) but found nothing there`,
    {
      hint: `Give its new place with ${flag} (or ${env}), or go back to the built-in one with ${option} ${BUILT_IN}. Nothing was written.`,
    },
  );
}
