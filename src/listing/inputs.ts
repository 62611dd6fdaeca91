/**
 * The files a plan is made with besides its rules: the templates folder, the label set and the Vinted mapping.
 * One code path for `vbulk plan` and the review page's saves, so both render the same titles from the same files.
 */

import { type LabelSet, loadLabelSet } from "../model/clip.js";
import { DEFAULT_LABELS } from "../model/select.js";
import { completeLabels, loadMapping, type Mapping } from "./mapping.js";
import { DEFAULT_TEMPLATES, type ListingTemplates, loadTemplates } from "./templates.js";

export const LISTING_FILES = ["templates", "labels", "mapping"] as const;
export type ListingFileKey = (typeof LISTING_FILES)[number];

/** Absolute paths of the seller's own files; absent: the built-in one. */
export type ListingFiles = Partial<Record<ListingFileKey, string>>;

/**
 * Loads the templates (for `lang`), the label set (a user's older file completed from the built-in labels of the
 * same id) and the mapping. Throws the loaders' errors (NOT_FOUND, BAD_INPUT naming the file).
 */
export async function loadListingFiles(
  files: ListingFiles,
  lang: string,
): Promise<{ templates: ListingTemplates; labels: LabelSet; mapping: Mapping }> {
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
