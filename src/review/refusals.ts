/**
 * Why the review page's save was refused, as data the page words in its own language. The core's messages are the
 * terminal's ("Expected … for --set c10.price …", "then --publish it"): right for the CLI, which keeps them, but a
 * page user has no --set or --publish, and a save of several fields did not say which one was refused.
 */
import { VbulkError } from "../core/errors.js";
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
 * The core's refusal of an edit (parseSet records the edit it refused in the error's context) as a SaveRefusal the
 * page words, carried by the same error; anything else is returned unchanged.
 */
export function explainEdit(err: unknown): unknown {
  if (!(err instanceof VbulkError) || typeof err.context.id !== "string") return err;
  const { id, field, value } = err.context as { id: string; field?: string; value?: string };
  return refused(
    err,
    field === undefined
      ? { code: "UNKNOWN_ARTICLE", id }
      : { code: "BAD_VALUE", id, field, value: value ?? "" },
  );
}

/** Validates edits as `vbulk plan --set` would; the first bad one is thrown as a SaveRefusal (explainEdit). */
export function checkEachEdit(catalog: Catalog, edits: FieldEdit[]): void {
  try {
    checkEdits(catalog, edits);
  } catch (err) {
    throw explainEdit(err);
  }
}

/** The page's field that settles a needs_review reason (the plan's: mapToVinted's and the department's), or null. */
function fieldOf(reason: string): string | null {
  // "Vinted has no men's category for …" (not_on_vinted) is settled by the type or the department; like "no homme
  // catalogue for …", it points at the type.
  if (/^category |^type "|^no \w+ catalogue for|^Vinted has no \S+ category for/.test(reason))
    return "category";
  if (/^department /.test(reason)) return "gender";
  if (/^size missing/.test(reason)) return "size";
  if (/^colour /.test(reason)) return "color";
  return null;
}

/**
 * After a save asking « Publier » was refused (`err`): the first article the plan refused to mark (the core's
 * refuseUnreadyPublish records them in the error's context, as it built them with these edits applied), as a
 * NOT_READY refusal carried by `err`. Returns `err` unchanged when the refusal was something else.
 */
export function explainUnready(err: unknown): unknown {
  if (!(err instanceof VbulkError)) return err;
  const unready = err.context.unready as
    | { id: string; excluded: boolean; needs_review: string[] }[]
    | undefined;
  const first = unready?.[0];
  if (!first) return err;
  const reasons = first.needs_review;
  const fields = [...new Set(reasons.map(fieldOf).filter((f): f is string => f !== null))];
  const other = reasons.filter((r) => fieldOf(r) === null);
  return refused(err, { code: "NOT_READY", id: first.id, excluded: first.excluded, fields, other });
}
