/**
 * Why the review page's save was refused, or its draft run failed, as data the page words in its own language. The
 * core's messages are the terminal's ("Expected … for --set c10.price …", "then --publish it", "run `vbulk login`"):
 * right for the CLI, which keeps them, but a page user has no --set or --publish, a save of several fields did not
 * say which one was refused, and a French seller read English.
 */
import { VbulkError } from "../core/errors.js";
import type { Catalog } from "../store/catalog.js";
import {
  ChallengeError,
  ListingRejectedError,
  RateLimitError,
  SessionExpiredError,
} from "../vinted/errors.js";
import { checkEdits, type FieldEdit } from "./actions.js";
import type { RunFailure } from "./page/i18n.js";

/** A refused save, for the page: which article, which field, what to do there. */
export type SaveRefusal =
  /** A value the field does not take (the page names the field and says what it takes). */
  | { code: "BAD_VALUE"; id: string; field: string; value: string }
  /** The article is no longer in the catalog (a grouping decision renumbered or merged it). */
  | { code: "UNKNOWN_ARTICLE"; id: string }
  /** The id names other photos than those the listing was typed for (actions.ts checkPhotos): files of each. */
  | { code: "OTHER_PHOTOS"; id: string; typed: string[]; now: string[] }
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
  // A type too general for Vinted has « Type » filled: « Complétez d'abord « Type » » read wrong, and for men's jeans
  // no type of the list settles it. Its own words say what does (a more specific type, or the leaf id by hand).
  if (/^type "[^"]+" is too general/.test(reason)) return null;
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

/**
 * Why a draft run, or one article of it, failed, as data the page words: what happened and what to do on the page.
 * The core's message (the terminal's English) goes with it, which the page keeps as a detail for a bug report.
 * Defined once, where the page words it (a type only: nothing of the page runs on the server).
 */
export type { RunFailure };

/**
 * The failure `err` as the page words it: from the error's class, code and context (never from its English message).
 * `pausedUntil`: the end of the pause the refusal started, when known (epoch ms). Anything else is OTHER.
 */
export function explainFailure(err: unknown, pausedUntil?: number): RunFailure {
  const until = pausedUntil === undefined ? null : new Date(pausedUntil).toISOString();
  if (err instanceof ChallengeError) return { code: "CHALLENGE", until };
  if (err instanceof RateLimitError) return { code: "RATE_LIMITED", until };
  if (err instanceof SessionExpiredError) return { code: "SESSION_EXPIRED" };
  if (err instanceof ListingRejectedError)
    return { code: "REJECTED", fields: [...new Set(err.fields.map((f) => f.field))] };
  if (!(err instanceof VbulkError)) return { code: "OTHER" };
  const c = err.context;
  switch (err.code) {
    case "REJECTED":
      if (typeof c.size === "string" && Array.isArray(c.offered))
        return { code: "SIZE", size: c.size, offered: c.offered.map(String) };
      if (c.brand === "missing") return { code: "NO_BRAND" };
      return { code: "REJECTED", fields: [] };
    case "BAD_INPUT":
      return typeof c.photo === "string" ? { code: "PHOTO", file: c.photo } : { code: "OTHER" };
    case "FORBIDDEN":
      return { code: c.token === "missing" ? "NO_TOKEN" : "FORBIDDEN" };
    case "NOT_FOUND":
      if (c.browser === true) return { code: "NO_BROWSER" };
      return { code: c.status === 404 ? "VINTED_404" : "OTHER" };
    case "NOT_WRITABLE":
    case "NO_SPACE":
    case "BAD_FILE":
      return { code: "FILE" };
    case "NOT_LOGGED_IN":
    case "TRANSIENT":
    case "NETWORK":
    case "BROWSER_LOST":
    case "NO_DISPLAY":
      return { code: err.code };
    default:
      return { code: "OTHER" };
  }
}
