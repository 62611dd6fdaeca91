/**
 * Why the review page's save was refused, as data the page words in its own language. The core's messages are the
 * terminal's ("Expected … for --set c10.price …", "then --publish it"): right for the CLI, which keeps them, but a
 * page user has no --set or --publish, and a save of several fields did not say which one was refused.
 */
import { VbulkError } from "../core/errors.js";
import { chooseListingFiles } from "../listing/inputs.js";
import {
  type Condition,
  DEFAULT_MAPPING,
  type Gender,
  loadMapping,
  mapToVinted,
} from "../listing/mapping.js";
import type { Editable, Plan } from "../listing/plan.js";
import type { Catalog } from "../store/catalog.js";
import { checkEdits, type FieldEdit } from "./actions.js";

/** A refused save, for the page: which article, which field, what to do there. */
export type SaveRefusal =
  /** A value the field does not take (the page names the field and says what it takes). */
  | { code: "BAD_VALUE"; id: string; field: string; value: string }
  /** The article is no longer in the catalog (a grouping decision renumbered or merged it). */
  | { code: "UNKNOWN_ARTICLE"; id: string }
  /**
   * « Publier » ticked on an article Vinted would not take as it is: the page's fields to complete first
   * (`fields`), whether « Exclure » is ticked, and any reason no field of the page fixes (`other`, the core's words).
   */
  | { code: "NOT_READY"; id: string; excluded: boolean; fields: string[]; other: string[] };

/** `err` (the core's error, message and hint unchanged) with the refusal the page words: the server sends both. */
function refused(err: VbulkError, refusal: SaveRefusal): VbulkError {
  return new VbulkError(err.code, err.message, {
    ...(err.hint ? { hint: err.hint } : {}),
    context: { ...err.context, refusal },
    cause: err,
  });
}

/**
 * Validates each edit on its own, as `vbulk plan --set` would, so a refusal names its article and field. Throws the
 * core's BAD_USAGE carrying a SaveRefusal (context.refusal) for the first bad one; nothing is written.
 */
export function checkEachEdit(catalog: Catalog, edits: FieldEdit[]): void {
  const ids = new Set(catalog.items.map((i) => i.id));
  for (const e of edits) {
    try {
      checkEdits(catalog, [e]);
    } catch (err) {
      if (!(err instanceof VbulkError)) throw err;
      throw refused(
        err,
        ids.has(e.id)
          ? { code: "BAD_VALUE", id: e.id, field: e.field, value: e.value }
          : { code: "UNKNOWN_ARTICLE", id: e.id },
      );
    }
  }
}

/** The page's field that settles a needs_review reason of the mapping (mapToVinted), or null for none. */
function fieldOf(reason: string): string | null {
  if (/^category |^type "|^no \w+ catalogue for/.test(reason)) return "category";
  if (/^department /.test(reason)) return "gender";
  if (/^size missing/.test(reason)) return "size";
  if (/^colour /.test(reason)) return "color";
  return null;
}

/**
 * After a save asking « Publier » was refused (`err`): the articles asked for that are not ready with these edits
 * applied, worked out as the plan does (mapToVinted with the plan's mapping), as a NOT_READY refusal carried by
 * `err`. Returns `err` unchanged when no article asked for is unready (the refusal was something else).
 */
export async function explainUnready(
  err: unknown,
  catalog: Catalog,
  plan: Plan | null,
  edits: FieldEdit[],
  dir: string,
  env: Partial<Record<"templates" | "labels" | "mapping", string | undefined>>,
): Promise<unknown> {
  if (!(err instanceof VbulkError) || err.code !== "BAD_USAGE" || !plan) return err;
  const asked = edits.filter((e) => e.field === "publish" && e.value === "true").map((e) => e.id);
  if (!asked.length) return err;
  const overrides = checkEdits(catalog, edits);
  const { files } = chooseListingFiles(env, plan.rules, dir);
  const mapping = await loadMapping(files.mapping).catch(() => loadMapping(DEFAULT_MAPPING));
  for (const id of asked) {
    const item = plan.items.find((i) => i.cluster_id === id);
    if (!item) continue;
    const final = { ...item, ...(overrides.get(id) ?? {}) } as Editable;
    const reasons = mapToVinted(mapping, {
      category: final.category,
      color: final.color,
      color2: final.color2 ?? null,
      condition: final.condition as Condition,
      gender: (final.gender ?? null) as Gender | null,
      size: final.size ?? null,
    }).needsReview;
    if (!final.excluded && !reasons.length) continue;
    const fields = [...new Set(reasons.map(fieldOf).filter((f): f is string => f !== null))];
    const other = reasons.filter((r) => fieldOf(r) === null);
    return refused(err, { code: "NOT_READY", id, excluded: final.excluded, fields, other });
  }
  return err;
}
