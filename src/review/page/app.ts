/**
 * The review page: plain DOM, no framework, bundled by esbuild at build time. Every change goes to the local
 * server (which calls the same core as the commands); the page only shows what the server answers.
 */
import "./app.css";
import { hasBrand, UNKNOWN_BRAND } from "../../core/brand.js";
import { carriesExampleText, exampleTextIn } from "../../core/example-text.js";
import { UNSAFE_CHARACTERS } from "../../core/unsafe.js";
import {
  andList,
  failureText,
  fieldName,
  hasKey,
  type IngestFailure,
  type IngestWarning,
  ingestFailureWords,
  ingestWarningText,
  type Key,
  type Lang,
  limitName,
  type NotReady,
  notReadyRefusalText,
  notReadyText,
  planDoneText,
  publishNoneText,
  quotedField,
  type Retry,
  type RunFailure,
  type RunStop,
  reviewReasonText,
  runFailureWords,
  semicolon,
  statusCounts,
  statusHead,
  statusWord,
  stopWords,
  t,
  tn,
} from "./i18n.js";

interface Photo {
  sha: string | null;
  file: string;
  /** Its name in the ZIP, when it was extracted under another name (catalog zip_name). */
  zipName?: string;
  width: number;
  height: number;
}
interface Article {
  id: string;
  category: string;
  score: number;
  runner_up: { category: string; score: number } | null;
  color: string;
  color_score: number;
  /** The CLIP model's own colour pick (catalog.json color_model), or null. */
  color_model: { name: string; score: number } | null;
  confidence: "high" | "low";
  cohesion: number;
  by_seller: boolean;
  photos: Photo[];
}
interface PlanItem {
  cluster_id: string;
  title: string;
  description: string;
  price: number;
  size: string | null;
  brand: string;
  condition: string;
  category: string;
  color: string;
  gender: string | null;
  publish: boolean;
  excluded: boolean;
  needs_review: string[];
  photos: string[];
}
interface State {
  folder: string;
  source: string;
  catalog: {
    summary: { articles: number; photos: number; duplicates: number; errors: number };
    articles: Article[];
    duplicates: (Photo & { of: string; article: string | null; reason: string; identical: boolean })[];
    dropped: Photo[];
    errors: { file: string; message: string; os_error?: string }[];
  } | null;
  plan: { items: PlanItem[] } | null;
  /** Articles whose photos changed since plan.json was made (a decision, a re-ingest), or that it lacks. */
  planStale: string[];
  /** plan.json's version on disk when this state was read (time and size). */
  planVersion: string | null;
  decisions: number;
  /** Articles journal.json records as published: no longer listed as going public. */
  published: string[];
  meta: {
    labels: { id: string; name: string; name_en: string }[];
    colors: string[];
    conditions: string[];
    /** Each condition's name as Vinted shows it, per language (the mapping's own words). */
    conditionNames: Record<string, { fr: string; en: string }>;
    genders: string[];
    pollMs: number;
  };
}
interface Activity {
  /** The folder files' version on disk now (plan.json, catalog.json, decisions.json): another than state.planVersion means one changed since the page read it. */
  plan: string | null;
  status: {
    command: string;
    state: string;
    stage: string;
    counts: Record<string, number>;
    finished_at: string | null;
  } | null;
  job: {
    running: boolean;
    events: string[];
    /** The same progress as data, worded here (src/review/execute.ts LogEvent). */
    log?: (
      | {
          type: "item";
          id: string;
          step: string;
          state: "done" | "failed";
          detail?: string;
          failure?: RunFailure;
        }
      | { type: "wait"; id: string; until: string; why: string }
      | ({ type: "stopped" } & RunStop)
    )[];
    results:
      | {
          cluster_id: string;
          state: "draft" | "published" | "failed" | "needs_manual" | "skipped" | "not_reached";
          draft_url?: string;
          listing_url?: string;
          error?: string;
          /** Not ready (skipped): each reason whole, as data (`error` joins them). */
          reasons?: string[];
          /** Why it failed, as data worded here (`error` is the terminal's, kept as a detail). */
          failure?: RunFailure;
          /** Drafted but not published: Vinted would refuse it (no brand). */
          unpublished?: "no_brand";
        }[]
      | null;
    error: string | null;
    hint: string | null;
    code?: string | null;
    /** Why the run failed, as data worded here (`error` and `hint` are the terminal's, kept as a detail). */
    failure?: RunFailure | null;
    finished_at: string | null;
    /** Nothing needed a write: no browser was opened. */
    idle?: boolean;
    /** Why the run stopped before its end, as data worded here (`reason` is the terminal's). */
    stopped?: RunStop | null;
  } | null;
  /** Photos added to or taken out of the folder since the catalog (src/review/changes.ts): null when not known. */
  changes?: { added: string[]; gone: string[]; counts: [number, number] } | null;
  ingest: {
    running: boolean;
    stage: string;
    done: number;
    total: number;
    /** The core's words, or data the page words (decided photos gone). */
    warnings: IngestWarning[];
    error: string | null;
    hint: string | null;
    /** `error` as data the page words, when it has words for it. */
    failure?: IngestFailure | null;
    /** The analysis is of a ZIP dropped on the page: trying again is dropping it again. */
    upload?: boolean;
  } | null;
}

const params = new URLSearchParams(location.search);
const token = params.get("t") ?? "";
// The link's ?lang= first (the button writes it there too: a reload keeps the language chosen), then the last choice.
const askedLang = params.get("lang");
let lang: Lang =
  askedLang === "en" || askedLang === "fr"
    ? askedLang
    : localStorage.getItem("vbulk-lang") === "en"
      ? "en"
      : "fr";
let state: State | null = null;
let activity: Activity | null = null;
let doubtfulFirst = false;
/** The last outcome shown at the top: what happened and, for an error, what to do about it. Worded when shown, so
 *  that the page's own sentences follow a switch of language (a server's message stays as it was said). */
let message: () => Notice = () => ({ text: "" });
let publishSwitch = false;
let confirmation = "";
const selected = new Set<string>();
/** Field values typed but not saved yet, per article: a re-render never loses them. */
const drafts = new Map<string, Record<string, string>>();
/**
 * Per "id.field" typed, the value plan.json held when the seller began typing: sent with the save, which is refused
 * when plan.json holds another value now (set in a terminal or another tab meanwhile) instead of overwriting it.
 */
const shownValues = new Map<string, unknown>();
/**
 * Per article with typed values, the photos (sha256) it showed when the seller began typing: sent with the save, which
 * the server refuses when the id names other photos now (a catalog made again: another garment under that id).
 */
const draftPhotos = new Map<string, Photo[]>();
/**
 * Values typed for an article that then left (merged in another tab, a re-analysis, a catalog made again): never
 * saved, and no card shows them any more. Kept on screen to copy, naming the article and its photos, until the
 * seller forgets them; a grouping decision or an undo is not refused over them.
 */
const leftDrafts: { id: string; files: string[]; now: string[] | null; typed: Record<string, string> }[] = [];
/** The server stopped answering: said once at the top, until it answers again. */
let serverDown = false;
// Typed values live only in this tab: leaving it with some unsaved asks first.
window.addEventListener("beforeunload", (e) => {
  if (drafts.size) e.preventDefault();
});
const fieldErrors = new Map<string, () => string>();
const root = document.getElementById("app")!;
/**
 * The page's one live region: the short result of each action (saved, refused, a run's start, each of its stages and
 * its end), there from the first render and never re-created, so that a screen reader says that and nothing else.
 * Before, the whole page was one live region: every action had it read 2,500 to 5,400 characters again. Polite and
 * atomic said outright (role="status" implies them, not every screen reader reads it so): a stage is said once
 * whole, after what the reader is saying.
 */
const statusRegion = h("div", {
  class: "status",
  role: "status",
  "aria-live": "polite",
  "aria-atomic": "true",
});
root.append(statusRegion);
/**
 * The control the keyboard goes on from after the next render (a data-key), when the one used is gone with it (a
 * selection bar's button, « Abandonner les modifications »).
 */
let focusNext: string | null = null;
/** What the status region says now: a message is said again only when it is another one (not at each render). */
let statusShown: { said: () => Notice; text: string } | null = null;

interface Notice {
  text: string;
  hint?: string | null | undefined;
  /** What a save did to earlier edits, after the message (its own span: « Enregistré. » stays a text of its own). */
  detail?: string | undefined;
  /** The server's own words (the terminal's English), folded away under the message: for a bug report. */
  raw?: string | undefined;
  /** Drawn as an error or not, whatever the page shows (before the articles, a message is an error unless said). */
  error?: boolean;
}

/** Why the server refused a save, as data the page words itself (src/review/refusals.ts). */
type SaveRefusal =
  | { code: "BAD_VALUE"; id: string; field: string; value: string }
  | { code: "UNKNOWN_ARTICLE"; id: string }
  /** The id names other photos than those the listing was typed for (a catalog made again meanwhile). */
  | { code: "OTHER_PHOTOS"; id: string; typed: string[]; now: string[] }
  | NotReady;

/** An error the server explained: its message and, from a VbulkError, what to do (its hint). */
class ApiError extends Error {
  constructor(
    message: string,
    readonly hint: string | null,
    readonly code: string | null = null,
    readonly conflicts: { id: string; field: string; now: unknown }[] = [],
    readonly refusal: SaveRefusal | null = null,
    /** Articles a plan out of date names (execute refused it). */
    readonly stale: string[] = [],
    /** The pause every write is under (execute refused to start): its end as an ISO time, and what started it. */
    readonly pause: { until: string; kind: "challenge" | "rate_limit" } | null = null,
    /** A publish refused for its confirmation: the phrase typed, or a list changed since it was shown. */
    readonly confirmation: { code: "PHRASE" | "LIST_CHANGED"; shown: number } | null = null,
    /** What stops an analysis (a damaged catalog.json, a ZIP refused…), as data the page words. */
    readonly failure: IngestFailure | null = null,
  ) {
    super(message);
  }
}

/**
 * The server did not answer (stopped, or restarted with a new token): not the value's fault. Shown once at the top,
 * never as a field's error (a correct price was called invalid).
 */
class ServerGone extends Error {}

/**
 * A thrown error as the page shows it: message and hint (a hint was dropped before: the seller saw no way out),
 * worded when shown: the page's own "server gone" follows a switch of language, a server's message stays as said.
 * `retry`: what the seller did, for a hint that says to do it again (a load: the page polls, nothing to do).
 */
function notice(err: unknown, retry: Retry = "other"): () => Notice {
  if (err instanceof ServerGone) return () => ({ text: t(lang, "serverGone") });
  // What stops an analysis (a damaged catalog.json, a ZIP refused) in the page's words, the server's folded away.
  if (err instanceof ApiError && err.failure) {
    const { failure, message, hint } = err;
    return () => ({
      ...ingestFailureWords(lang, failure, { retry, localTime }),
      raw: [message, hint].filter(Boolean).join(" "),
    });
  }
  // The terminal's words name `vbulk plan`: the page has its button.
  if (err instanceof ApiError && err.stale.length) {
    const ids = err.stale;
    return () => ({ text: tn(lang, "planStaleRefused", ids.length, { ids: andList(lang, ids) }) });
  }
  // A pause in the page's words, which kind (a captcha's asks the seller to answer Vinted first), its end in the
  // seller's own clock (the server's message says it in English and in the server's clock).
  if (err instanceof ApiError && err.pause) {
    const { until, kind } = err.pause;
    const challenge = kind === "challenge";
    return () => ({
      text: t(lang, challenge ? "pausedChallenge" : "pausedRateLimit", { at: localTime(until) }),
      hint: t(lang, challenge ? "pausedChallengeHint" : "pausedRateLimitHint"),
    });
  }
  // The terminal's "Expected … to publish 1 articles …", in the page's words and numbers.
  if (err instanceof ApiError && err.confirmation) {
    const { code, shown } = err.confirmation;
    return () =>
      code === "PHRASE"
        ? {
            text: tn(lang, "confirmPhrase", shown, {
              p: `${lang === "fr" ? "publier" : "publish"} ${shown}`,
            }),
          }
        : { text: shown ? tn(lang, "confirmChanged", shown) : t(lang, "confirmChangedNone") };
  }
  const fixed = { text: (err as Error).message, hint: err instanceof ApiError ? err.hint : null };
  return () => fixed;
}

/** A moment (an ISO time) in the seller's own clock, as the page's language writes it: « 29/11/2026 08:05:12 ». */
function localTime(iso: string): string {
  return new Date(iso).toLocaleString(lang);
}

/** An error or message with its "what to do" line under it. */
function noticeView(n: Notice, attrs: Record<string, unknown>): HTMLElement {
  return h(
    "p",
    attrs,
    n.detail ? h("span", {}, n.text) : n.text,
    n.detail ? h("span", { class: "changes" }, n.detail) : null,
    n.hint ? h("span", { class: "hint" }, `${t(lang, "whatToDo")} ${n.hint}`) : null,
    n.raw ? rawDetail(n.raw) : null,
  );
}

/** The server's message as it said it, folded away: what a bug report needs, not what the seller reads first. */
function rawDetail(raw: string): HTMLElement {
  return h("details", { class: "raw" }, h("summary", {}, t(lang, "rawDetail")), h("code", {}, raw));
}

async function api<T>(path: string, body?: unknown): Promise<T> {
  let res: Response;
  let data: T & {
    error?: string;
    hint?: string;
    code?: string;
    conflicts?: ApiError["conflicts"];
    refusal?: SaveRefusal;
    stale?: string[];
    pause?: { until: string; kind: "challenge" | "rate_limit" };
    confirmation?: { code: "PHRASE" | "LIST_CHANGED"; shown: number };
    failure?: IngestFailure;
  };
  try {
    res = await fetch(path, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        "X-Vbulk-Token": token,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    data = await res.json();
  } catch {
    throw new ServerGone(t(lang, "serverGone"));
  }
  // Another server on this port (vbulk review run again) does not know this page's token.
  if (res.status === 403) throw new ServerGone(t(lang, "serverGone"));
  if (serverDown) {
    serverDown = false;
    root.querySelector(".server-down")?.remove();
  }
  if (!res.ok)
    throw new ApiError(
      data.error ?? res.statusText,
      data.hint ?? null,
      data.code ?? null,
      data.conflicts ?? [],
      data.refusal ?? null,
      data.stale ?? [],
      data.pause ?? null,
      data.confirmation ?? null,
      data.failure ?? null,
    );
  return data;
}

/** Builds an element: h("button", { class: "x", onclick: fn }, "text"). */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, unknown> = {},
  ...children: (Node | string | null | false | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v as EventListener);
    else if (k === "value") (el as HTMLInputElement).value = String(v);
    else if (k === "checked") (el as HTMLInputElement).checked = Boolean(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const img = (sha: string | null, kind: "thumb" | "photo") =>
  sha ? `/${kind}/${sha}?t=${encodeURIComponent(token)}` : "";

/** An article's type: the plan's when it has the article (the seller may have chosen it), else the catalog's. */
function categoryOf(a: Article): string {
  return planItem(a.id)?.category ?? a.category;
}

/** An article's colour: the plan's when it has the article (the seller may have chosen it), else the catalog's. */
function colorOf(a: Article): string {
  return planItem(a.id)?.color ?? a.color;
}

/** The state's articles and plan items by id and by anchor photo, made once per state (a render asks 600 times). */
const indexes = new WeakMap<
  State,
  { items: Map<string, PlanItem>; byAnchor: Map<string, Article>; articles: Map<string, Article> }
>();
function indexOf(s: State) {
  let index = indexes.get(s);
  if (!index) {
    const articles = s.catalog?.articles ?? [];
    index = {
      items: new Map((s.plan?.items ?? []).map((i) => [i.cluster_id, i])),
      byAnchor: new Map(articles.map((a) => [a.photos[0]?.sha ?? "", a])),
      articles: new Map(articles.map((a) => [a.id, a])),
    };
    indexes.set(s, index);
  }
  return index;
}

/** The plan's listing for an article, if the plan has it. */
function planItem(id: string): PlanItem | undefined {
  return state ? indexOf(state).items.get(id) : undefined;
}

/** A price as the page's language writes it: « 12,50 » in French, "12.50" in English, « 20 » for a round one. */
function priceText(price: number): string {
  const text = Number.isInteger(price) ? String(price) : price.toFixed(2);
  return lang === "fr" ? text.replace(".", ",") : text;
}

function labelName(id: string): string {
  const l = state?.meta.labels.find((x) => x.id === id);
  if (!l && id === "unknown") return t(lang, "unknownType");
  return l ? (lang === "en" ? l.name_en : l.name) : id;
}

/** "neuf-avec-etiquette" → « Neuf avec étiquette »: the words Vinted's form uses, never the plan's id. */
function conditionName(id: string): string {
  const n = state?.meta.conditionNames[id];
  const name = n ? (lang === "en" ? n.en : n.fr) : id;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** "noir" on the French page, "black" on the English one (the plan keeps the French name). */
function colorName(id: string): string {
  const key = `col_${id}`;
  return hasKey(key) ? t(lang, key) : id;
}

/** "femme" → « Femmes » on the French page, "women" on the English one: the plan's id is never shown. */
function departmentName(id: string): string {
  const key = `dept_${id}`;
  return hasKey(key) ? t(lang, key) : id;
}

/** A needs_review reason of the plan in the page's language where it has words for it (i18n.ts reviewReasonText). */
function reviewReason(reason: string): string {
  return reviewReasonText(lang, reason, labelName);
}

async function load(): Promise<void> {
  state = await api<State>("/api/state");
  render();
}

/** Whether the last load was refused (a plan.json or catalog.json the server cannot read): its message is shown. */
let loadRefused = false;

/**
 * load(), saying why when the server refuses (before: the first load's refusal stayed in the console and the page
 * on « Chargement… » for good); polls call it again, so the page comes back once the file is mended.
 */
async function reload(): Promise<void> {
  try {
    await load();
    if (loadRefused) {
      loadRefused = false;
      message = () => ({ text: "" });
      render();
    }
  } catch (err) {
    if (err instanceof ServerGone) throw err;
    // Once per refusal, not on every poll: a render moves the caret of a seller typing meanwhile.
    const said = loadRefused ? message().text : null;
    loadRefused = true;
    const refused = notice(err, "load");
    if (refused().text !== said) {
      message = refused;
      render();
    }
  }
}

/** What a save did to the seller's earlier edits (the server's SaveChanges). */
interface EditChanges {
  reset: { id: string; fields: string[] }[];
  dropped: { id: string; fields: string[] }[];
  carried: { id: string; fields: string[] }[];
  /** Articles whose set-aside edits came back (their photos again, after an undo). */
  restored?: { id: string; fields: string[] }[];
  /** Articles whose publish mark was taken off: their photos are another garment's now (merged, split, others). */
  unpublished?: { id: string; why: "merged" | "split" | "other-photos"; others: string[] }[];
  /** Rules the seller never gave that changed since the previous plan (a terminal's --config the page has not). */
  rules?: { field: string; was: unknown; now: unknown }[];
}

/**
 * « Modifications mises de côté (…) : c6 (titre, prix) ; articles retirés (…) : c1 »: said after a save or « Générer le
 * plan », since a grouping decision may have cost the seller edits (an article with half of its photos or fewer
 * starts from the rules again). A reset article the seller never edited lost nothing and is not named.
 */
function changesText(changes: EditChanges | undefined): string {
  if (!changes) return "";
  const named = (a: { id: string; fields: string[] }) =>
    a.fields.length ? `${a.id} (${a.fields.map((f) => fieldName(lang, f).toLowerCase()).join(", ")})` : a.id;
  const parts = [
    ["ch_reset", changes.reset.filter((a) => a.fields.length)],
    ["ch_dropped", changes.dropped],
    ["ch_carried", changes.carried.filter((a) => a.fields.length)],
    ["ch_restored", (changes.restored ?? []).filter((a) => a.fields.length)],
  ] as const;
  const rules = (changes.rules ?? []).map(
    (r) => `rules.${r.field} ${JSON.stringify(r.was)} → ${JSON.stringify(r.now)}`,
  );
  // A publish mark taken off changes what goes online: said with why, as `vbulk plan` says it.
  const unpublished = (changes.unpublished ?? []).map((u) =>
    u.why === "other-photos"
      ? t(lang, "unpub_other", { id: u.id })
      : t(lang, u.why === "merged" ? "unpub_merged" : "unpub_split", {
          id: u.id,
          list: andList(lang, u.others),
        }),
  );
  const text = [
    ...(unpublished.length ? [t(lang, "ch_unpublished", { list: andList(lang, unpublished) })] : []),
    ...parts
      .filter(([, list]) => list.length)
      .map(([key, list]) => t(lang, key, { list: andList(lang, list.map(named)) })),
    ...(rules.length ? [t(lang, "ch_rules", { list: andList(lang, rules) })] : []),
  ].join(semicolon(lang));
  return text ? ` ${text.charAt(0).toUpperCase()}${text.slice(1)}.` : "";
}

/**
 * A grouping decision, an undo or « Générer le plan » on its way: the next one waits for its answer. On a slow
 * connection a double-click on « Fusionner » recorded the merge twice (one « Annuler » then changed nothing), and on
 * « Nouvel article » sent a second split of no photo, refused in the server's English.
 */
let acting = false;

/**
 * What a grouping decision did, once answered (`answered`: taken, or refused): the status's words (else « Enregistré. »)
 * and the control the keyboard goes on from (a data-key), for a decision whose button is gone with the selection.
 */
type Outcome = (answered: boolean) => { said?: () => string; focus?: string | null };

async function act(path: string, body: unknown, done?: () => string, outcome?: Outcome): Promise<void> {
  if (acting) return;
  acting = true;
  // Said by the buttons (app.css), not by a message: a line added at the top moved the cards down, and the second
  // click of a double-click then opened the photo under the pointer.
  root.setAttribute("aria-busy", "true");
  try {
    const next = await api<State & { changes?: EditChanges; handEdited?: { kept: string } }>(path, body);
    state = next;
    const after = outcome?.(true);
    const said = after?.said ?? done;
    // A catalog.json edited by hand was kept aside before the decision rewrote it: said, with where it is.
    const kept = next.handEdited?.kept;
    message = () => ({
      text: said?.() ?? t(lang, "saved"),
      detail: `${changesText(next.changes)}${kept ? ` ${t(lang, "handEditedDecided", { kept })}` : ""}`,
    });
    focusNext = after?.focus ?? null;
  } catch (err) {
    message = notice(err);
    focusNext = outcome?.(false).focus ?? null;
  } finally {
    acting = false;
    root.removeAttribute("aria-busy");
  }
  render();
}

function decide(decision: Record<string, unknown>, outcome?: Outcome): Promise<void> {
  // The articles holding the photos the decision names: it may give their ids to other photos (a merge gives the
  // larger part's), and the values typed in their listings, kept by id, would vanish unseen. The selection stays.
  const named = new Set(
    Object.values(decision)
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .filter((v) => typeof v === "string"),
  );
  const involved = (state?.catalog?.articles ?? [])
    .filter((a) => a.photos.some((p) => p.sha !== null && named.has(p.sha)))
    .map((a) => a.id);
  if (acting || refuseOverUnsaved(involved)) return Promise.resolve();
  selected.clear();
  return act("/api/decide", decision, undefined, outcome);
}

/** The article holding this photo now. */
function articleHolding(sha: string | undefined): Article | undefined {
  return state?.catalog?.articles.find((a) => a.photos.some((p) => p.sha === sha));
}

/** The articles in the order their cards are shown (« Douteux d'abord » puts the doubtful ones first). */
function shownArticles(articles: Article[]): Article[] {
  const shown = [...articles];
  if (doubtfulFirst)
    shown.sort(
      (x, y) => Number(y.confidence === "low") - Number(x.confidence === "low") || x.cohesion - y.cohesion,
    );
  return shown;
}

/** Where an article's card is among those shown, taken when said (« article 3 sur 14 »), worded when shown. */
function placeOf(id: string): () => string {
  const shown = shownArticles(state?.catalog?.articles ?? []);
  const i = shown.findIndex((a) => a.id === id) + 1;
  return () => t(lang, "place", { i, n: shown.length });
}

/**
 * After « Nouvel article » (photos: the new article's) or a move (photos: the target's): the keyboard goes on from
 * that article's heading, and the status names it with its place. Before, the focus fell to the page's start (the
 * selection bar and its buttons are gone once the selection is) and the status said « Enregistré. ».
 */
function toArticle(sha: string | undefined, said: (id: string, place: () => string) => string): Outcome {
  return (answered) => {
    const a = articleHolding(sha);
    if (!a) return {};
    const place = placeOf(a.id);
    return { said: answered ? () => said(a.id, place) : undefined, focus: `h:${a.id}` };
  };
}

/** A move of photos to the article holding `to`, from the selection bar or by a drop. */
function move(photos: string[], to: string): Promise<void> {
  return decide(
    { op: "move", photos, with: to },
    toArticle(to, (id, place) => tn(lang, "moveDone", photos.length, { id, place: place() })),
  );
}

/**
 * Says, and returns true, when some of these articles hold typed values not saved yet: a grouping decision (or an
 * undo, which may change any article) must not drop them unseen; the seller saves or discards them first.
 */
function refuseOverUnsaved(ids: string[]): boolean {
  const unsaved = ids.filter((id) => drafts.has(id));
  if (!unsaved.length) return false;
  const fields = unsaved.map((id) => [id, Object.keys(drafts.get(id) ?? {})] as const);
  // Worded when shown: the field names follow a switch of language.
  const list = () =>
    andList(
      lang,
      fields.map(([id, names]) => `${id} (${names.map((f) => fieldName(lang, f)).join(", ")})`),
    );
  message = () => ({ text: tn(lang, "unsavedFirst", unsaved.length, { list: list() }) });
  render();
  return true;
}

/**
 * Moves aside the values typed for articles that left the catalog, or whose id now names none of the photos they
 * were typed for (its card shows another garment): said once in the status region, shown to copy (leftView).
 */
function setAsideLeft(): void {
  if (!state) return;
  const articles = state.catalog ? indexOf(state).articles : null;
  const gone: string[] = [];
  for (const [id, typed] of drafts) {
    const a = articles?.get(id);
    const photos = draftPhotos.get(id) ?? [];
    const shas = new Set(photos.map((p) => p.sha));
    if (a && (!photos.length || a.photos.some((p) => p.sha !== null && shas.has(p.sha)))) continue;
    leftDrafts.push({
      id,
      files: photos.map((p) => p.file),
      now: a ? a.photos.map((p) => p.file) : null,
      typed,
    });
    gone.push(id);
  }
  if (!gone.length) return;
  for (const id of gone) forgetDraft(id);
  const before = message;
  message = () => {
    const said = tn(lang, "leftSaid", gone.length, { list: andList(lang, gone) });
    const was = before();
    return was.text ? { ...was, text: `${was.text} ${said}` } : { text: said };
  };
}

/** The values typed for articles that left (setAsideLeft), each to copy, with « Oublier »; null when none. */
function leftView(): HTMLElement | null {
  if (!leftDrafts.length) return null;
  return h(
    "section",
    { class: "warn left-drafts", "aria-label": t(lang, "leftTitle") },
    h("h2", {}, t(lang, "leftTitle")),
    ...leftDrafts.map((l, k) =>
      h(
        "div",
        {},
        h(
          "p",
          {},
          l.now
            ? t(lang, "leftOther", { id: l.id, files: l.files.join(", "), now: l.now.join(", ") })
            : t(lang, "leftGone", { id: l.id, files: l.files.join(", ") }),
        ),
        h("textarea", {
          readonly: true,
          rows: String(Object.keys(l.typed).length),
          "aria-label": t(lang, "leftTyped", { id: l.id }),
          value: Object.entries(l.typed)
            .map(([f, v]) => `${fieldName(lang, f)}${lang === "fr" ? " : " : ": "}${v}`)
            .join("\n"),
        }),
        h(
          "button",
          {
            type: "button",
            "data-key": `forget-left:${k}`,
            onclick: () => {
              leftDrafts.splice(k, 1);
              render();
            },
          },
          t(lang, "leftForget"),
        ),
      ),
    ),
  );
}

/** Forgets what the page holds of the values typed for an article: the values, the photos and values shown then,
 *  the refusals. */
function forgetDraft(id: string): void {
  drafts.delete(id);
  draftPhotos.delete(id);
  for (const key of [...shownValues.keys(), ...fieldErrors.keys()])
    if (key.startsWith(`${id}.`)) {
      shownValues.delete(key);
      fieldErrors.delete(key);
    }
}

/** Forgets the values typed in an article's listing, as the seller asked: the form shows plan.json again. */
function discardListing(id: string): void {
  forgetDraft(id);
  message = () => ({ text: t(lang, "discarded", { id }) });
  render();
}

function photoTile(p: Photo, article: Article | null): HTMLElement {
  const sha = p.sha ?? "";
  const isSelected = selected.has(sha);
  return h(
    "figure",
    {
      class: `photo${isSelected ? " selected" : ""}`,
      draggable: "true",
      "data-sha": sha,
      "data-testid": `photo-${p.file}`,
      ondragstart: (e: DragEvent) => {
        e.dataTransfer?.setData("text/plain", sha);
        if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
      },
    },
    h(
      "button",
      {
        class: "thumb",
        type: "button",
        "data-key": `thumb:${sha}`,
        // Its selection said with it: a screen reader on the photo heard nothing of it (Space selects it).
        "aria-label": t(lang, isSelected ? "openSelected" : "open", { f: p.file }),
        onclick: () => openLarge(p),
        onkeydown: (e: KeyboardEvent) => {
          if (e.key === " ") {
            e.preventDefault();
            toggle(sha);
          }
        },
      },
      // loading before src: an image given its src first starts downloading at once, lazy or not.
      h("img", {
        loading: "lazy",
        decoding: "async",
        width: 120,
        height: 120,
        alt: p.file,
        src: img(p.sha, "thumb"),
      }),
    ),
    h(
      "label",
      { class: "pick" },
      h("input", {
        type: "checkbox",
        checked: isSelected,
        "data-key": `pick:${sha}`,
        "aria-label": t(lang, "select", { f: p.file }),
        onchange: () => toggle(sha),
      }),
      h("figcaption", p.zipName ? { title: fileName(p) } : {}, p.file.split("/").pop() ?? p.file),
    ),
    article ? null : null,
  );
}

function toggle(sha: string): void {
  if (!sha) return;
  if (selected.has(sha)) selected.delete(sha);
  else selected.add(sha);
  // The render gives the focus back to the control used: the photo, or its box (before, Space on the box moved it
  // to the photo).
  render();
}

/** A photo's file, with its name in the ZIP when it was extracted under another. */
function fileName(p: Photo): string {
  return p.zipName ? t(lang, "fileFromZip", { f: p.file, z: p.zipName }) : p.file;
}

function openLarge(p: Photo): void {
  const dialog = h(
    "dialog",
    { class: "large", "aria-label": p.file, onclose: () => dialog.remove() },
    h("img", { src: img(p.sha, "photo"), alt: p.file }),
    h("p", {}, fileName(p)),
    h("button", { type: "button", onclick: () => dialog.close() }, t(lang, "close")),
  );
  document.body.append(dialog);
  dialog.showModal();
}

/**
 * What the seller picked in a "merge with" or "move to" list, by list. The page re-renders when a status poll
 * brings news (an execute or ingest running elsewhere); a rebuilt list fell back to its first article, and the
 * button then merged into an article the seller had not chosen.
 */
const choices = new Map<string, string>();

/** An article as the merge and move lists name it: « c3 · Jean », its value the article's first photo. */
function articleOption(a: Article, picked: string | undefined): HTMLOptionElement {
  const sha = a.photos[0]?.sha ?? "";
  return h("option", { value: sha, selected: sha === picked }, `${a.id} · ${labelName(categoryOf(a))}`);
}

/** A list of articles to pick from, showing (and remembering) the seller's pick under `key`. */
function articlePicker(key: string, label: string, articles: Article[]): HTMLSelectElement {
  const picked = choices.get(key);
  return h(
    "select",
    {
      "aria-label": label,
      onchange: (e: Event) => choices.set(key, (e.target as HTMLSelectElement).value),
    },
    ...articles.map((a) => articleOption(a, picked)),
  ) as HTMLSelectElement;
}

/**
 * The article a card's « Fusionner » merges with: the seller's pick while that article exists, else the first other
 * article of the catalog (what the full list showed first before).
 */
function mergeTarget(a: Article): Article | undefined {
  const picked = choices.get(`merge:${a.id}`);
  const chosen = picked === undefined || !state ? undefined : indexOf(state).byAnchor.get(picked);
  if (chosen && chosen.id !== a.id) return chosen;
  return state?.catalog?.articles.find((x) => x.id !== a.id);
}

/**
 * A card's « Fusionner avec » list. Closed, it holds one entry, the article it will merge with; the list of every
 * other article is built when the seller opens it (focus, click, touch) and given back when the focus leaves it.
 * Before, every card held a list of every other article: 133 articles made 17 556 <option>s and 636 made 403 860,
 * so the page took a minute to show and every click rebuilt them all (seconds to tens of seconds).
 */
function mergePicker(a: Article): HTMLSelectElement {
  const key = `merge:${a.id}`;
  const target = mergeTarget(a);
  const open = () => {
    if (select.dataset.full || !state?.catalog) return;
    const value = select.value;
    select.replaceChildren(
      ...state.catalog.articles.filter((x) => x.id !== a.id).map((x) => articleOption(x, value)),
    );
    select.dataset.full = "1";
  };
  const select = h(
    "select",
    {
      "aria-label": `${t(lang, "mergeWith")} (${a.id})`,
      onchange: () => {
        choices.set(key, select.value);
        // The card already shows the pick: the next render keeps it rather than building it again.
        const kept = cards.get(a.id);
        if (kept?.el.contains(select)) kept.inputs = cardInputs(a);
      },
      onfocus: open,
      onpointerdown: open,
      onmousedown: open,
      onkeydown: open,
      onblur: () => {
        const picked = select.selectedOptions[0];
        select.replaceChildren(...(picked ? [picked] : []));
        delete select.dataset.full;
      },
    },
    target ? articleOption(target, target.photos[0]?.sha ?? "") : null,
  ) as HTMLSelectElement;
  return select;
}

function selectionBar(articles: Article[]): HTMLElement | null {
  if (selected.size === 0) return null;
  // Not the article that already holds every selected photo: that move changed nothing and still cost an undo.
  const holders = articles.filter((a) => a.photos.some((p) => p.sha !== null && selected.has(p.sha)));
  const only = holders.length === 1 ? holders[0]! : null;
  const allIn =
    only && only.photos.filter((p) => p.sha !== null && selected.has(p.sha)).length === selected.size;
  const targets = allIn ? articles.filter((a) => a !== only) : articles;
  const target = articlePicker("move", t(lang, "moveTo"), targets);
  target.dataset.key = "move-to";
  return h(
    "div",
    { class: "selection", role: "region", "aria-label": tn(lang, "selection", selected.size) },
    h("strong", {}, tn(lang, "selection", selected.size)),
    targets.length ? h("label", {}, `${t(lang, "moveTo")} `, target) : null,
    targets.length
      ? h(
          "button",
          {
            type: "button",
            "data-key": "move",
            onclick: () => {
              choices.delete("move");
              return move([...selected], target.value);
            },
          },
          t(lang, "move"),
        )
      : null,
    h(
      "button",
      {
        type: "button",
        "data-key": "split",
        onclick: () => {
          const photos = [...selected];
          return decide(
            { op: "split", photos },
            toArticle(photos[0], (id, place) => t(lang, "splitDone", { id, place: place() })),
          );
        },
      },
      t(lang, "newArticle"),
    ),
    h(
      "button",
      {
        type: "button",
        "data-key": "drop",
        onclick: async () => {
          if (acting) return;
          const photos = [...selected];
          // The articles they are taken out of: the keyboard goes on from the first still there, the status names them.
          const from = articles.filter((a) => a.photos.some((p) => p.sha !== null && photos.includes(p.sha)));
          const ids = from.map((a) => a.id);
          selected.clear();
          for (const [i, photo] of photos.entries())
            await act(
              "/api/decide",
              { op: "drop", photo },
              undefined,
              i < photos.length - 1
                ? undefined
                : () => {
                    const left = ids.find((id) => state?.catalog?.articles.some((a) => a.id === id));
                    return {
                      said: () => tn(lang, "dropDone", photos.length, { ids: andList(lang, ids) }),
                      focus: left ? `h:${left}` : "h:dropped",
                    };
                  },
            );
        },
      },
      t(lang, "drop"),
    ),
    h(
      "button",
      {
        type: "button",
        onclick: () => {
          // The bar goes with the selection: the keyboard goes on from the photo selected first.
          const first = [...selected][0];
          selected.clear();
          if (first) focusNext = `thumb:${first}`;
          render();
        },
      },
      t(lang, "clear"),
    ),
  );
}

function card(a: Article): HTMLElement {
  const anchor = a.photos[0]?.sha ?? "";
  const others = (state?.catalog?.articles.length ?? 0) > 1;
  const mergeSelect = mergePicker(a);
  const el = h(
    "article",
    {
      class: `card${a.confidence === "low" ? " low" : ""}`,
      "data-article": a.id,
      "aria-labelledby": `h-${a.id}`,
      ondragover: (e: DragEvent) => {
        e.preventDefault();
        el.classList.add("over");
      },
      ondragleave: () => el.classList.remove("over"),
      ondrop: (e: DragEvent) => {
        e.preventDefault();
        el.classList.remove("over");
        const sha = e.dataTransfer?.getData("text/plain");
        if (sha && anchor && !a.photos.some((p) => p.sha === sha)) void move([sha], anchor);
      },
    },
    h(
      "header",
      {},
      // Focusable by the page (not a Tab stop): the keyboard goes on from it after a decision on this article.
      h(
        "h2",
        { id: `h-${a.id}`, tabindex: -1, "data-key": `h:${a.id}` },
        `${a.id} · ${labelName(categoryOf(a))}`,
      ),
      h(
        "p",
        { class: "facts" },
        // The colour the listing has (the seller's choice, else vbulk's): before, the catalog's guess stayed here
        // after the seller chose another (« gris » on a card whose listing read « Jean bleu »).
        `${tn(lang, "photos", a.photos.length)} · ${colorName(colorOf(a))}`,
        // The model's score is for its own type: said beside that type only, not beside one the seller chose.
        categoryOf(a) === a.category ? ` · ${t(lang, "score", { s: a.score.toFixed(2) })}` : "",
        a.runner_up && categoryOf(a) === a.category
          ? ` · ${t(lang, "runnerUp", { c: labelName(a.runner_up.category), s: a.runner_up.score.toFixed(2) })}`
          : "",
        // Said only when the model saw another colour than the one chosen: worth a look before listing.
        a.color_model && a.color_model.name !== colorOf(a)
          ? h(
              "span",
              { class: "model-color" },
              ` · ${t(lang, "modelColor", { c: colorName(a.color_model.name), s: a.color_model.score.toFixed(2) })}`,
            )
          : "",
        // How alike vbulk's grouping found the photos: an article the seller put together has none of its own
        // (catalog.json copies the article it came from: both halves of a split read the old article's 0.72).
        a.by_seller ? "" : ` · ${t(lang, "cohesion", { c: a.cohesion.toFixed(2) })}`,
        a.confidence === "low" ? h("span", { class: "badge warn" }, t(lang, "low")) : null,
        a.by_seller ? h("span", { class: "badge" }, t(lang, "bySeller")) : null,
      ),
    ),
    h("div", { class: "strip", title: t(lang, "dropHere") }, ...a.photos.map((p) => photoTile(p, a))),
    others
      ? h(
          "div",
          { class: "row" },
          mergeSelect,
          h(
            "button",
            {
              type: "button",
              onclick: async () => {
                choices.delete(`merge:${a.id}`);
                await decide({ op: "merge", a: anchor, b: mergeSelect.value });
                // The card was built again and the focus fell to the page: the keyboard goes on from the merged
                // article (its « Fusionner »), not from the page's start (the next Tab went to the last card).
                if (document.activeElement && document.activeElement !== document.body) return;
                const merged = document.querySelector(`[data-sha="${anchor}"]`)?.closest("article.card");
                (
                  merged?.querySelector<HTMLElement>(".row button") ??
                  merged?.querySelector<HTMLElement>(".thumb")
                )?.focus();
              },
            },
            t(lang, "merge"),
          ),
        )
      : null,
    listingForm(a),
  );
  return el;
}

/** The listings the seller opened (by article): a card built again shows them open. */
const openListings = new Set<string>();

const TEXT_FIELDS = ["title", "price", "size", "brand"] as const;
/** The fields the page sets with a list or a box: a refused value is one the list did not offer. */
const SELECTS = ["condition", "category", "color", "gender", "publish", "excluded"];

function listingForm(a: Article): HTMLElement | null {
  const item = planItem(a.id);
  if (!item) return null;
  const draft = drafts.get(a.id) ?? {};
  const said = listingNotice(a.id);
  // A price in the page's language (« 12,50 »); "Unknown", vbulk's word for no brand, as an empty field.
  const shown = (f: keyof PlanItem): string =>
    item[f] === null
      ? ""
      : f === "price"
        ? priceText(item.price)
        : f === "brand" && item.brand === UNKNOWN_BRAND
          ? ""
          : String(item[f]);
  const value = (f: keyof PlanItem) => draft[f] ?? shown(f);
  const setDraft = (f: string, v: string) => {
    // The value the seller sees as they start typing this field: before, one kept from an earlier keystroke (the
    // field changed back since, the draft dropped) was compared, and a value set in a terminal meanwhile, shown
    // before the seller typed again, was called "changed while you were typing".
    if (!(f in (drafts.get(a.id) ?? {}))) shownValues.set(`${a.id}.${f}`, item[f as keyof PlanItem] ?? null);
    if (!drafts.has(a.id)) draftPhotos.set(a.id, a.photos);
    const next = { ...(drafts.get(a.id) ?? {}), [f]: v };
    // Back to what the page shows for plan.json (typed then erased, a box ticked then unticked): no edit to save,
    // so it neither becomes the seller's edit nor overwrites a value a terminal set meanwhile. Where there was no
    // brand, an erased brand is that too (the plan keeps its "Unknown").
    if (v === shown(f as keyof PlanItem) || (f === "brand" && !v.trim() && item.brand === UNKNOWN_BRAND))
      delete next[f];
    if (Object.keys(next).length) drafts.set(a.id, next);
    else {
      drafts.delete(a.id);
      draftPhotos.delete(a.id);
    }
    scheduleCheck(a.id, f, v);
  };
  const field = (f: string, control: HTMLElement) => {
    // Refused: marked invalid and read with its error, whatever the control (a box or a list had neither).
    if (fieldErrors.has(`${a.id}.${f}`)) {
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", `${a.id}-${f}-err`);
    }
    return h(
      "div",
      { class: "field" },
      h("label", { for: `${a.id}-${f}` }, t(lang, `f_${f}` as never)),
      control,
      fieldErrors.has(`${a.id}.${f}`)
        ? h(
            "p",
            { class: "error", role: "alert", id: `${a.id}-${f}-err` },
            fieldErrors.get(`${a.id}.${f}`)!(),
          )
        : null,
    );
  };
  const input = (f: (typeof TEXT_FIELDS)[number]) =>
    h("input", {
      id: `${a.id}-${f}`,
      name: f,
      type: "text",
      inputmode: f === "price" ? "decimal" : undefined,
      placeholder: f === "brand" ? t(lang, "brandNone") : undefined,
      value: value(f),
      oninput: (e: Event) => setDraft(f, (e.target as HTMLInputElement).value),
    });
  const select = (f: keyof PlanItem, options: { value: string; label: string }[]) =>
    h(
      "select",
      {
        id: `${a.id}-${f}`,
        name: f,
        onchange: (e: Event) => setDraft(f, (e.target as HTMLSelectElement).value),
      },
      ...options.map((o) => h("option", { value: o.value, selected: o.value === value(f) }, o.label)),
    );
  const check = (f: "publish" | "excluded") =>
    h("input", {
      id: `${a.id}-${f}`,
      name: f,
      type: "checkbox",
      checked: value(f) === "true",
      onchange: (e: Event) => setDraft(f, String((e.target as HTMLInputElement).checked)),
    });
  const meta = state!.meta;
  // The form (its lists: ~60 <option>s) is built when the listing is opened: 600 closed listings made 35 000
  // <option>s and most of the 15 s the page took to show. A click on the summary builds it before it opens.
  const build = () => {
    if (!details.querySelector("form")) details.append(form());
  };
  const details = h(
    "details",
    {
      class: "listing",
      open: drafts.has(a.id) || openListings.has(a.id) || undefined,
      ontoggle: () => {
        // Kept open through the renders that build the card again (a terminal's plan edit shown, a save).
        if (details.open) openListings.add(a.id);
        else openListings.delete(a.id);
        build();
      },
    },
    h(
      "summary",
      { onclick: build, "data-key": `summary:${a.id}` },
      t(lang, "listingSummary", { t: item.title, p: priceText(item.price) }),
      // What the plan says of it, seen without opening the form (audit: an excluded article and one marked to
      // publish read like any other).
      item.excluded || item.publish || item.needs_review.length ? " " : null,
      item.excluded ? h("span", { class: "badge excluded" }, t(lang, "badgeExcluded")) : null,
      // Not ready for Vinted: seen without opening the listing (before, only its « À compléter : … » inside did).
      !item.excluded && item.needs_review.length
        ? h("span", { class: "badge todo" }, t(lang, "badgeNotReady"))
        : null,
      item.publish && !item.excluded ? h("span", { class: "badge publish" }, t(lang, "badgePublish")) : null,
    ),
    item.needs_review.length
      ? h(
          "p",
          { class: "warn" },
          t(lang, "needsReview", { r: item.needs_review.map(reviewReason).join(semicolon(lang)) }),
        )
      : null,
  );
  const form = () =>
    h(
      "form",
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          void saveListing(a.id);
        },
      },
      field("title", input("title")),
      field(
        "description",
        h(
          "textarea",
          {
            id: `${a.id}-description`,
            name: "description",
            rows: 4,
            oninput: (e: Event) => setDraft("description", (e.target as HTMLTextAreaElement).value),
          },
          value("description"),
        ),
      ),
      field("price", input("price")),
      field("size", input("size")),
      field("brand", input("brand")),
      field(
        "condition",
        select(
          "condition",
          meta.conditions.map((c) => ({ value: c, label: conditionName(c) })),
        ),
      ),
      field(
        "category",
        select("category", [
          ...meta.labels.map((l) => ({ value: l.id, label: lang === "en" ? l.name_en : l.name })),
          ...(meta.labels.some((l) => l.id === item.category)
            ? []
            : [{ value: item.category, label: labelName(item.category) }]),
        ]),
      ),
      field(
        "color",
        select(
          "color",
          meta.colors.map((c) => ({ value: c, label: colorName(c) })),
        ),
      ),
      field(
        "gender",
        select("gender", [
          { value: "", label: t(lang, "none") },
          ...meta.genders.map((g) => ({ value: g, label: departmentName(g) })),
        ]),
      ),
      field("publish", check("publish")),
      field("excluded", check("excluded")),
      h("button", { type: "submit", "data-key": `save:${a.id}` }, t(lang, "save")),
      drafts.has(a.id)
        ? h(
            "button",
            {
              type: "button",
              // Gone once discarded: the keyboard goes on from « Enregistrer l'annonce ».
              onclick: () => {
                focusNext = `save:${a.id}`;
                discardListing(a.id);
              },
            },
            t(lang, "discard"),
          )
        : null,
      // Said by the page's status region: here it is only shown, under the buttons (no second live region).
      ...(said ? [noticeView(said(), { class: "listing-status" })] : []),
    );
  if (details.open) build();
  return details;
}

const timers = new Map<string, number>();
/** Live validation: the server checks the value exactly as `vbulk plan --set` would, nothing is written. */
function scheduleCheck(id: string, field: string, value: string): void {
  const key = `${id}.${field}`;
  clearTimeout(timers.get(key));
  timers.set(
    key,
    window.setTimeout(async () => {
      try {
        await api("/api/plan/check", { edits: [{ id, field, value: normalise(field, value) }] });
        fieldErrors.delete(key);
      } catch (err) {
        if (err instanceof ServerGone) return showServerDown();
        fieldErrors.set(key, () => refusalText(err, value) ?? explain(field, (err as Error).message, value));
      }
      showFieldError(id, field);
    }, 250),
  );
}

/** Updates one field's error in place: a full render would move the caret the seller is typing with. */
function showFieldError(id: string, field: string): void {
  const control = document.getElementById(`${id}-${field}`);
  const box = control?.parentElement;
  if (!control || !box) return;
  box.querySelector(".error")?.remove();
  const error = fieldErrors.get(`${id}.${field}`);
  if (error) {
    box.append(h("p", { class: "error", role: "alert", id: `${id}-${field}-err` }, error()));
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", `${id}-${field}-err`);
  } else {
    control.removeAttribute("aria-invalid");
    control.removeAttribute("aria-describedby");
  }
}

/** "12,50" is how a French seller writes a price; an erased brand is no brand ("Unknown", as the plan says it). */
function normalise(field: string, value: string): string {
  if (field === "brand" && !value.trim()) return UNKNOWN_BRAND;
  return field === "price" ? value.trim().replace(",", ".") : value;
}

/**
 * A field's error in the page's words when it has some (the server's message is the terminal's: "Expected … for
 * --set c1.price …", English and about a flag the seller never typed), else the server's message.
 */
function explain(field: string, serverMessage: string, value = ""): string {
  const key = `err_${field}`;
  if (!hasKey(key))
    return SELECTS.includes(field) ? t(lang, "err_choice", { f: quotedField(lang, field) }) : serverMessage;
  // The server says one sentence for every refused text ("a one-line text of 1 to 100 characters (not only spaces,
  // no control characters)"): the reason is read from the value, or a 30-character title with an invisible mark
  // pasted in was told it has the wrong length.
  const labelKey = `f_${field}`;
  const label = hasKey(labelKey) ? t(lang, labelKey) : field;
  if (field !== "description" && /[\r\n\u2028\u2029]/.test(value)) return t(lang, "err_line", { f: label });
  const bad = unsafeIn(value, field === "description");
  if (bad) return t(lang, "err_control", { f: label, c: bad });
  if (value !== "" && value.trim() === "" && field !== "size") return t(lang, "err_blank", { f: label });
  // What was typed, and how long it is: "100001" was told only "a positive number".
  return t(lang, key, { v: value, n: [...value].length });
}

/**
 * The first character the server refuses in a listing text, named for the seller ("tabulation", "U+200E"), or null.
 * The set the server refuses (src/core/unsafe.ts, shared with the CLI); a description keeps its line breaks and tabs.
 */
function unsafeIn(value: string, lines: boolean): string | null {
  const ch = [...(lines ? value.replace(/[\n\t]/g, "") : value)].find((c) => UNSAFE_CHARACTERS.test(c));
  if (ch === undefined) return null;
  if (ch === "\t") return t(lang, "tabChar");
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Each article's save on its way: a second save waits for it, then sends what is still typed and not saved. */
const saving = new Map<string, Promise<void>>();

/**
 * What the last save of an article said (« Enregistré. », a conflict, a refusal), shown under its listing's buttons
 * too: the page's message sits at the top, out of view of a listing opened lower down, where a refused save looked
 * saved. Shown while the listing holds what was typed then (typing anew makes it stale).
 */
const listingNotices = new Map<string, { said: () => Notice; typed: string }>();

function noteListing(id: string): void {
  listingNotices.set(id, { said: message, typed: JSON.stringify(drafts.get(id) ?? null) });
}

function listingNotice(id: string): (() => Notice) | null {
  const n = listingNotices.get(id);
  return n && n.typed === JSON.stringify(drafts.get(id) ?? null) ? n.said : null;
}

/**
 * Saves an article's typed values, after any save of that article still on its way: sent at once, the second would
 * carry the first's values again, over the plan.json value shown before the first (a conflict with the seller's own).
 */
async function saveListing(id: string): Promise<void> {
  const run = (saving.get(id) ?? Promise.resolve()).catch(() => {}).then(() => saveOnce(id));
  saving.set(id, run);
  try {
    await run;
  } finally {
    if (saving.get(id) === run) saving.delete(id);
  }
}

async function saveOnce(id: string): Promise<void> {
  const draft = drafts.get(id) ?? {};
  const edits = Object.entries(draft).map(([field, value]) => ({
    id,
    field,
    value: normalise(field, value),
    ...(shownValues.has(`${id}.${field}`) ? { shown: shownValues.get(`${id}.${field}`) } : {}),
    ...(draftPhotos.get(id)?.length
      ? { photos: draftPhotos.get(id)?.flatMap((p) => (p.sha ? [p.sha] : [])) }
      : {}),
  }));
  if (edits.length === 0) return;
  try {
    const next = await api<State & { changes?: EditChanges }>("/api/plan/save", { edits });
    state = next;
    // What was typed while the save was on its way stays typed: only the values sent are forgotten. (Before, the
    // whole draft went, and a price typed just after a brand's save vanished unsaved.)
    const now = drafts.get(id) ?? {};
    const rest = Object.fromEntries(Object.entries(now).filter(([f, v]) => draft[f] !== v));
    if (Object.keys(rest).length) drafts.set(id, rest);
    else {
      drafts.delete(id);
      draftPhotos.delete(id);
    }
    for (const f of Object.keys(draft)) {
      fieldErrors.delete(`${id}.${f}`);
      // A field typed again meanwhile: plan.json now holds what this save sent, the value its next save replaces.
      if (f in rest) shownValues.set(`${id}.${f}`, planItem(id)?.[f as keyof PlanItem] ?? null);
      else shownValues.delete(`${id}.${f}`);
    }
    message = () => ({ text: t(lang, "saved"), detail: changesText(next.changes) });
  } catch (err) {
    if (err instanceof ServerGone) {
      message = () => ({ text: t(lang, "serverGone") });
      serverDown = true;
      return render();
    }
    if (err instanceof ApiError && err.code === "CONFLICT" && !err.refusal) {
      // The seller sees what plan.json holds now, keeps what they typed, and a second save replaces it knowingly.
      for (const c of err.conflicts) shownValues.set(`${c.id}.${c.field}`, c.now);
      const conflicts = err.conflicts;
      const list = () =>
        andList(
          lang,
          conflicts.map((c) =>
            t(lang, "conflictItem", {
              id: c.id,
              f: hasKey(`the_${c.field}`)
                ? t(lang, `the_${c.field}` as Key)
                : fieldName(lang, c.field).toLowerCase(),
              now:
                c.now === null || c.now === ""
                  ? "—"
                  : c.field === "price" && typeof c.now === "number"
                    ? `${priceText(c.now)} €`
                    : c.field === "gender"
                      ? departmentName(String(c.now))
                      : c.field === "color" || c.field === "color2"
                        ? colorName(String(c.now))
                        : String(c.now),
            }),
          ),
        );
      message = () => ({ text: tn(lang, "conflict", conflicts.length, { list: list() }) });
      noteListing(id);
      await load().catch(() => {});
      return render();
    }
    const refusal = err instanceof ApiError ? err.refusal : null;
    const typed = refusal?.code === "BAD_VALUE" ? (draft[refusal.field] ?? "") : "";
    const said = () => refusalText(err, typed) ?? "";
    if (refusal && said()) {
      // Under the field the server named (of several edited, the one refused), and at the top.
      if (refusal.code === "BAD_VALUE") fieldErrors.set(`${refusal.id}.${refusal.field}`, said);
      if (refusal.code === "NOT_READY") fieldErrors.set(`${refusal.id}.publish`, said);
      message = () => ({ text: `${said()} ${t(lang, "nothingSaved")}` });
      // Said under its field already: not a third time under the buttons.
      if (refusal.code === "BAD_VALUE" || refusal.code === "NOT_READY") {
        listingNotices.delete(id);
        return render();
      }
      // An article a decision renumbered or merged: show the articles as they are now (what was typed stays).
      if (refusal.code === "UNKNOWN_ARTICLE" || refusal.code === "OTHER_PHOTOS") await load().catch(() => {});
    } else
      message = () => ({
        text: t(lang, "saveRefused", { e: (err as Error).message }),
        hint: err instanceof ApiError ? usefulHint(err.hint) : null,
      });
  }
  noteListing(id);
  render();
}

/**
 * A refused save or check in the page's words, naming the page's fields and controls (the server's message is the
 * terminal's: "… for --set c10.price …", "then --publish it"), or null when the server gave no refusal to word.
 * `value`: what the seller typed in the refused field.
 */
function refusalText(err: unknown, value: string): string | null {
  const r = err instanceof ApiError ? err.refusal : null;
  if (!r) return null;
  if (r.code === "BAD_VALUE") return explain(r.field, (err as Error).message, value);
  if (r.code === "UNKNOWN_ARTICLE") return t(lang, "goneArticle", { id: r.id });
  if (r.code === "OTHER_PHOTOS")
    return t(lang, "otherPhotosArticle", {
      id: r.id,
      typed: andList(lang, r.typed),
      now: andList(lang, r.now),
    });
  return notReadyRefusalText(lang, r, labelName);
}

/** The server's hint, unless it only says that nothing was written (the page says it already) or names a flag. */
function usefulHint(hint: string | null): string | null {
  if (!hint || /--[a-z]/.test(hint)) return null;
  const rest = hint.replace(/\s*Nothing was (written|saved)\.?/g, "").trim();
  return rest || null;
}

function actions(): HTMLElement {
  // Once published (journal.json says so), an article no longer goes public: the confirmation leaves it out.
  const done = new Set(state?.published ?? []);
  const wanted = state?.plan?.items.filter((i) => i.publish && !i.excluded) ?? [];
  const marked = wanted.filter((i) => !done.has(i.cluster_id));
  const alreadyPublished = wanted.filter((i) => done.has(i.cluster_id)).map((i) => i.cluster_id);
  // Vinted publishes nothing without a brand: those stay drafts, said under the list (execute does the same).
  const publishing = marked.filter((i) => hasBrand(i.brand));
  const noBrand = marked.filter((i) => !hasBrand(i.brand));
  // The built-in description's example text (a city, a studio's hashtag) would go public as the seller's words.
  const example = publishing.filter((i) => carriesExampleText(i.description));
  // The phrase in the page's language (the server takes either: a seller may switch language after reading it).
  const phrase = `${lang === "fr" ? "publier" : "publish"} ${publishing.length}`;
  return h(
    "section",
    { class: "actions", "aria-label": t(lang, "drafts") },
    changesView(),
    // A decision changed articles the plan describes: execute refuses such a plan, so say it before the click.
    state?.plan && state.planStale.length
      ? h(
          "p",
          { class: "warn stale" },
          tn(lang, "planStale", state.planStale.length, { ids: andList(lang, state.planStale) }),
        )
      : null,
    h(
      "button",
      {
        type: "button",
        "data-key": "generate",
        onclick: () => act("/api/plan/generate", {}, () => planDoneText(lang, state?.plan?.items ?? [])),
      },
      t(lang, "generatePlan"),
    ),
    state?.plan
      ? h(
          "div",
          { class: "execute" },
          h(
            "label",
            {},
            h("input", {
              type: "checkbox",
              role: "switch",
              "data-key": "publish-switch",
              checked: publishSwitch,
              onchange: (e: Event) => {
                publishSwitch = (e.target as HTMLInputElement).checked;
                confirmation = "";
                render();
              },
            }),
            ` ${t(lang, "publishSwitch")}`,
          ),
          publishSwitch
            ? h(
                "div",
                { class: "public" },
                publishing.length
                  ? h(
                      "div",
                      {},
                      h("p", { class: "warn" }, t(lang, "publishList")),
                      h(
                        "ul",
                        {},
                        ...publishing.map((i) =>
                          h(
                            "li",
                            {},
                            `${i.cluster_id} · ${i.title} · ${priceText(i.price)} € · ${i.photos.join(", ")}`,
                          ),
                        ),
                      ),
                      // Named by its label, the phrase to type in it (an aria-label « Confirmation » hid it).
                      h(
                        "label",
                        {},
                        `${t(lang, "typeToConfirm", { p: phrase })} `,
                        h("input", {
                          name: "confirmation",
                          value: confirmation,
                          oninput: (e: Event) => {
                            confirmation = (e.target as HTMLInputElement).value;
                          },
                        }),
                      ),
                    )
                  : h(
                      "p",
                      {},
                      publishNoneText(lang, {
                        unpublishable: noBrand.length,
                        published: alreadyPublished.length,
                      }),
                    ),
                alreadyPublished.length
                  ? h(
                      "p",
                      { class: "published" },
                      tn(lang, "publishDone", alreadyPublished.length, {
                        ids: andList(lang, alreadyPublished),
                      }),
                    )
                  : null,
                noBrand.length
                  ? h(
                      "p",
                      { class: "warn no-brand" },
                      tn(lang, "publishNoBrand", noBrand.length, {
                        ids: andList(
                          lang,
                          noBrand.map((i) => i.cluster_id),
                        ),
                      }),
                    )
                  : null,
                example.length
                  ? h(
                      "p",
                      { class: "warn example-text" },
                      tn(lang, "publishExampleText", example.length, {
                        ids: andList(
                          lang,
                          example.map((i) => i.cluster_id),
                        ),
                        // Only what the descriptions hold: an English one has the hashtag, not the French city.
                        texts: exampleTextIn(example.map((i) => i.description))
                          .map((x) => (lang === "fr" ? `« ${x} »` : `“${x}”`))
                          .join(", "),
                      }),
                    )
                  : null,
              )
            : null,
          h(
            "button",
            {
              type: "button",
              class: publishSwitch ? "run danger" : "run",
              "data-key": "run",
              // Not `disabled`: a disabled button loses the focus (to the page's start) the moment the run starts.
              "aria-disabled": activity?.job?.running ? "true" : undefined,
              onclick: async () => {
                if (activity?.job?.running) return;
                try {
                  activity = await api<Activity>("/api/execute", {
                    publish: publishSwitch,
                    confirmation,
                    // Exactly what the list above shows: the server refuses if the plan changed since.
                    shown: publishing.map((i) => ({
                      id: i.cluster_id,
                      title: i.title,
                      price: i.price,
                      photos: i.photos,
                    })),
                  });
                  // Typed for this run's list: the next list asks again.
                  confirmation = "";
                  message = runSaid(activity.job, activity.status);
                } catch (err) {
                  message = notice(err);
                  // What would go public changed since the list was shown: show plan.json's list again.
                  if (err instanceof ApiError && err.confirmation?.code === "LIST_CHANGED")
                    await load().catch(() => {});
                }
                render();
              },
            },
            // Said in words, not only by its colour: with the switch on, it publishes.
            publishSwitch && publishing.length
              ? tn(lang, "runPublish", publishing.length)
              : t(lang, "drafts"),
          ),
        )
      : h("p", {}, t(lang, "noPlan")),
    activityView(),
  );
}

/**
 * Why the page's analysis failed: in the page's words when it has some, what to do naming what the seller did (the
 * button, or the ZIP dropped), the server's (the core's) words folded away under it; else the server's words.
 */
function ingestError(ing: NonNullable<Activity["ingest"]>): Notice {
  if (!ing.failure) return { text: ing.error ?? "", hint: ing.hint };
  const retry = ing.upload ? "upload" : state?.catalog ? "again" : "first";
  return {
    ...ingestFailureWords(lang, ing.failure, { retry, localTime }),
    // No photo read is the server's own sentence (the same, in English), no message of the core's.
    ...(ing.failure.code === "NONE_READ" ? {} : { raw: [ing.error, ing.hint].filter(Boolean).join(" ") }),
  };
}

/**
 * A run's start or end in a few words, for the status region: the block under the button (not a live region: it is
 * redrawn at each poll) says the rest. Worded when shown, for this run.
 */
function runSaid(job: Activity["job"], status: Activity["status"]): () => Notice {
  return () => {
    if (!job) return { text: "" };
    if (job.running) return { text: t(lang, "runStarted") };
    if (job.idle) return { text: t(lang, "runIdle") };
    if (job.error)
      return {
        text: t(lang, "runFailed", {
          e: runFailureWords(lang, job.failure ?? { code: "OTHER" }, localTime).text,
        }),
      };
    if (job.stopped)
      return { text: t(lang, "runStopped", { e: stopWords(lang, job.stopped, localTime).text }) };
    if (status?.command !== "execute") return { text: t(lang, "runEnded") };
    const counts = Object.keys(status.counts).length
      ? ` — ${statusCounts(lang, status.command, status.counts)}`
      : "";
    return {
      text: `${statusHead(lang, status, status.finished_at ? localTime(status.finished_at) : "")}${counts}`,
    };
  };
}

/** The stage the page's own analysis or run moved on to, for the status region (worded when shown). */
function stageSaid(key: "analysingStage" | "runStage", stage: string): () => Notice {
  return () => ({ text: t(lang, key, { stage: statusWord(lang, stage) }) });
}

/** The end of the page's own analysis, for the status region: the articles it made, or why it stopped. */
function ingestSaid(ing: NonNullable<Activity["ingest"]>): () => Notice {
  return () => {
    if (ing.error) return { text: t(lang, "analyseFailed", { e: ingestError(ing).text }) };
    const summary = state?.catalog?.summary;
    return summary
      ? {
          text: t(lang, "analysed", {
            a: tn(lang, "sumArticles", summary.articles),
            p: tn(lang, "sumPhotos", summary.photos),
          }),
        }
      : { text: "" };
  };
}

/** An analysis's warning in the page's words; a photo's error keeps the core's own (the system's or the decoder's
 *  words) in the tooltip, for a bug report, as the list of unreadable files does. */
function warningView(w: IngestWarning): HTMLElement {
  const detail = typeof w === "object" && w.code === "PHOTO_ERROR" ? w.message : undefined;
  return h("p", { class: "small", title: detail }, ingestWarningText(lang, w));
}

function activityView(): HTMLElement | null {
  // A finished ingest is old news; a running command, or an execute and its outcome, is what the seller follows.
  const s =
    activity?.status?.state === "running" || activity?.status?.command === "execute" ? activity.status : null;
  const job = activity?.job;
  // Except what this page's own analysis (« Analyser à nouveau ») ended with: its failure, and its warnings
  // (photos its grouping decisions name gone, in the page's words), kept until the next run as an execute's are.
  const ing = activity?.ingest;
  const ingestSaid = ing && !ing.running && (ing.error || ing.warnings.length) ? ing : null;
  if (!s && !job && !ingestSaid) return null;
  // No live region: redrawn at each poll with news, it was said again every second. A run's start and end are said
  // in the status region (runOutcome).
  return h(
    "div",
    { class: "activity" },
    ingestSaid
      ? h(
          "div",
          { class: "ingest-outcome" },
          ingestSaid.error ? noticeView(ingestError(ingestSaid), { class: "error" }) : null,
          ...ingestSaid.warnings.map(warningView),
        )
      : null,
    s
      ? h(
          "p",
          {},
          // In the page's words, and a finished run with its time: it stays shown until the next one.
          statusHead(lang, s, s.finished_at ? localTime(s.finished_at) : ""),
          Object.keys(s.counts).length ? ` — ${statusCounts(lang, s.command, s.counts)}` : "",
        )
      : null,
    // Kept by the server until the next run: said with its time, so a reload does not show it as current.
    job?.error ? noticeView(runFailedNotice(job), { class: "error" }) : null,
    job?.stopped ? noticeView(stoppedNotice(job.stopped), { class: "warn stopped" }) : null,
    job?.idle
      ? h(
          "p",
          {},
          t(lang, "nothingToSend", {
            at: job.finished_at ? new Date(job.finished_at).toLocaleString(lang) : "",
            parts: idleParts(job.results ?? []),
          }),
        )
      : null,
    job?.results
      ? h(
          "ul",
          {},
          ...job.results.map((r) =>
            h(
              "li",
              {},
              // French typography, as the live log writes it (« c8 : brouillon créé »): « c1 : », "c1: ".
              `${r.cluster_id}${lang === "fr" ? " : " : ": "}`,
              r.state === "published" && r.listing_url
                ? h(
                    "span",
                    {},
                    t(lang, "published", { u: "" }),
                    h("a", { href: r.listing_url, rel: "noreferrer" }, r.listing_url),
                  )
                : r.state === "draft" && r.draft_url
                  ? h(
                      "span",
                      {},
                      t(lang, "draftOk", { d: r.draft_url.match(/\/items\/(\d+)/)?.[1] ?? "" }),
                      " · ",
                      h("a", { href: r.draft_url, rel: "noreferrer" }, r.draft_url),
                      // Marked for publishing and left a draft: said on its row, not only in the live log.
                      r.unpublished === "no_brand" ? ` · ${failureText(lang, { code: "NO_BRAND" })}` : null,
                    )
                  : r.state === "skipped"
                    ? t(lang, "skipped", { e: notReadyText(lang, r, labelName) })
                    : // Neither is a failure: one is the seller's to finish on Vinted, the other waits for the next run.
                      r.state === "needs_manual"
                      ? t(lang, "manual")
                      : r.state === "not_reached"
                        ? t(lang, "notReached")
                        : h(
                            "span",
                            {},
                            t(lang, "failed", { e: failureText(lang, r.failure ?? { code: "OTHER" }) }),
                            r.error ? rawDetail(r.error) : null,
                          ),
            ),
          ),
        )
      : job
        ? h("pre", {}, job.log ? job.log.slice(-8).map(logLine).join("\n") : job.events.slice(-8).join("\n"))
        : null,
  );
}

/**
 * A failed run in the page's words (the server's are the terminal's: "Expected … session.enc", "run `vbulk login`"),
 * with when it failed; the server's message and hint folded away under it, for a bug report.
 */
function runFailedNotice(job: NonNullable<Activity["job"]>): Notice {
  const words = runFailureWords(lang, job.failure ?? { code: "OTHER" }, localTime);
  return {
    text: t(lang, "lastRunFailed", {
      at: job.finished_at ? localTime(job.finished_at) : "",
      e: words.text,
    }),
    hint: words.hint,
    raw: [job.error, job.hint].filter(Boolean).join(" "),
  };
}

/** One line of a run's live log in the page's words, a wait's end in the seller's clock. */
function logLine(e: NonNullable<NonNullable<Activity["job"]>["log"]>[number]): string {
  if (e.type === "stopped") return stopWords(lang, e, localTime).text;
  if (e.type === "wait") {
    return t(lang, "logWait", {
      id: e.id,
      why: limitName(lang, e.why),
      at: new Date(e.until).toLocaleTimeString(lang),
    });
  }
  if (e.state === "failed")
    return t(lang, "logFailed", {
      id: e.id,
      e: e.failure ? failureText(lang, e.failure) : (e.detail ?? e.step),
    });
  const done = `log_${e.step}`;
  // The detail is a file name or a link, the same in every language.
  const what = hasKey(done) ? t(lang, done, { id: e.id }) : `${e.id}: ${e.step}`;
  return e.detail ? `${what} (${e.detail})` : what;
}

/**
 * Why a run stopped, and what to do, in the page's words (the server's reason is the terminal's English), its times
 * in the seller's own clock; the server's reason folded under it when the page has no words of its own for it.
 */
function stoppedNotice(stopped: RunStop): Notice {
  const words = stopWords(lang, stopped, localTime);
  return { ...words, raw: words.text === t(lang, "stoppedOther") ? stopped.reason : undefined };
}

/** What a run with nothing to send found, by kind: « 2 articles déjà en brouillon comme le plan le dit ; 1 publié ». */
function idleParts(results: NonNullable<NonNullable<Activity["job"]>["results"]>): string {
  const count = (state: string) => results.filter((r) => r.state === state).length;
  const kinds = [
    ["idleNotReady", count("skipped")],
    ["idleDrafted", count("draft")],
    ["idlePublished", count("published")],
    ["idleManual", count("needs_manual")],
  ] as const;
  return kinds
    .filter(([, n]) => n > 0)
    .map(([key, n]) => tn(lang, key, n))
    .join(semicolon(lang));
}

function aside(
  title: string,
  photos: (Photo & { of?: string; identical?: boolean })[],
  restore: boolean,
): HTMLElement | null {
  if (photos.length === 0) return null;
  return h(
    "section",
    { class: "aside", "aria-label": title },
    h("h2", { tabindex: -1, "data-key": restore ? "h:duplicates" : "h:dropped" }, title),
    h(
      "div",
      { class: "strip" },
      ...photos.map((p) =>
        h(
          "div",
          { class: "set-aside" },
          photoTile(p, null),
          p.of ? h("p", { class: "small" }, t(lang, "duplicateOf", { f: p.of })) : null,
          restore && p.sha && !p.identical
            ? h(
                "button",
                {
                  type: "button",
                  // Gone once kept: the keyboard goes on from the article the photo joined.
                  onclick: () =>
                    decide(
                      { op: "restore", photo: p.sha },
                      toArticle(p.sha ?? undefined, () => t(lang, "saved")),
                    ),
                },
                t(lang, "restore"),
              )
            : null,
        ),
      ),
    ),
  );
}

/** The cards as last built, by article, with what each was built from (cardInputs): a render reuses those unchanged. */
const cards = new Map<string, { inputs: string; el: HTMLElement }>();
/** The list of cards, kept across renders: a reused card stays in place (its photos, its open listing, its focus). */
const grid = h("main", { class: "grid" });

/**
 * Everything card() shows for an article, as one string: the article, its listing, what the seller typed or picked
 * for it and the page's language. A card whose inputs did not change since the last render is kept as it is; before,
 * each render (a decision, a click on a photo, « Douteux d'abord ») rebuilt all of them. Anything card() comes to
 * read must be added here.
 */
function cardInputs(a: Article): string {
  const target = mergeTarget(a);
  return JSON.stringify([
    lang,
    a,
    planItem(a.id) ?? null,
    drafts.get(a.id) ?? null,
    a.photos.map((p) => selected.has(p.sha ?? "")),
    [...fieldErrors].filter(([k]) => k.startsWith(`${a.id}.`)).map(([k, text]) => [k, text()]),
    listingNotice(a.id)?.() ?? null,
    target ? [target.photos[0]?.sha, target.id, categoryOf(target)] : null,
  ]);
}

/** The cards of these articles in this order, built again only where their inputs changed. */
function renderCards(articles: Article[]): void {
  const shown = new Set<string>();
  const els = articles.map((a) => {
    shown.add(a.id);
    const inputs = cardInputs(a);
    const kept = cards.get(a.id);
    if (kept?.inputs === inputs) return kept.el;
    const el = card(a);
    cards.set(a.id, { inputs, el });
    return el;
  });
  for (const id of cards.keys()) if (!shown.has(id)) cards.delete(id);
  // Moves only the cards out of place: an unchanged list is left untouched (no node leaves the page).
  let next = grid.firstChild;
  for (const el of els) {
    if (el === next) next = next.nextSibling;
    else grid.insertBefore(el, next);
  }
  while (next) {
    const after: ChildNode | null = next.nextSibling;
    next.remove();
    next = after;
  }
}

/**
 * Puts the current message in the status region, unless it says it already: a render (a click on a photo, a poll
 * with news) must not have a screen reader repeat it. `error`: drawn as an error (a load or an analysis refused).
 */
function showStatus(error = false): void {
  const n = message();
  const text = JSON.stringify([n.text, n.detail, n.hint, n.raw, n.error ?? error]);
  if (statusShown?.said === message && statusShown.text === text) return;
  statusShown = { said: message, text };
  statusRegion.replaceChildren(
    n.text ? noticeView(n, { class: (n.error ?? error) ? "message error" : "message" }) : "",
  );
}

/**
 * Draws the page again, the keyboard's focus kept: on the same control drawn again (its id, or its data-key: most
 * controls have no id, and the focus fell to the page's start after most actions), or on focusNext.
 */
function render(): void {
  setAsideLeft();
  const active = document.activeElement as HTMLElement | null;
  const focusedId = active?.id || null;
  const focusedKey = active?.dataset.key ?? null;
  draw();
  const wanted = focusNext;
  focusNext = null;
  const byKey = (key: string | null) =>
    key ? root.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`) : null;
  const next =
    byKey(wanted) ??
    (focusedId ? document.getElementById(focusedId) : null) ??
    byKey(focusedKey) ??
    // « Analyser les photos » is gone once its articles are shown: the keyboard goes on from the first of them.
    (focusedKey === "analyse" ? grid.querySelector<HTMLElement>("h2") : null);
  if (next && next !== document.activeElement) next.focus();
}

function draw(): void {
  // The list of cards and the status region stay on the page (renderCards updates the one, showStatus the other);
  // everything else is built again, around them.
  for (const child of [...root.children]) if (child !== grid && child !== statusRegion) child.remove();
  document.documentElement.lang = lang;
  document.title = `vbulk · ${t(lang, "title")}`;
  const top = h(
    "header",
    { class: "top" },
    h("h1", {}, `vbulk · ${t(lang, "title")}`),
    h(
      "button",
      {
        type: "button",
        "data-key": "lang",
        // « English » read with English sounds, « Français » with French ones.
        lang: lang === "fr" ? "en" : "fr",
        onclick: () => {
          lang = lang === "fr" ? "en" : "fr";
          localStorage.setItem("vbulk-lang", lang);
          // Before, a page opened with &lang=en came back in English on a reload after « Français ».
          const here = new URL(location.href);
          here.searchParams.set("lang", lang);
          history.replaceState(history.state, "", here);
          render();
        },
      },
      t(lang, "lang"),
    ),
  );
  root.prepend(top);
  const left = leftView();
  if (left) top.after(left);
  if (!state?.catalog) {
    grid.remove();
    cards.clear();
  }
  if (!state) {
    showStatus(true);
    if (!message().text) statusRegion.after(h("p", {}, t(lang, "loading")));
    return;
  }
  const cat = state.catalog;
  if (!cat) {
    const ing = activity?.ingest;
    // A ZIP refused on its way in, a click refused: said here too (before, only a page with articles showed it).
    statusRegion.before(h("p", {}, t(lang, "noCatalog")));
    showStatus(true);
    statusRegion.after(
      h(
        "button",
        {
          type: "button",
          "data-key": "analyse",
          // Not `disabled`: the focus stays on it while the analysis runs (a disabled button drops it).
          "aria-disabled": ing?.running ? "true" : undefined,
          onclick: async () => {
            if (activity?.ingest?.running) return;
            try {
              activity = await api<Activity>("/api/ingest", {});
              message = () => ({ text: t(lang, "analyseStarted"), error: false });
            } catch (err) {
              message = notice(err);
            }
            render();
          },
        },
        t(lang, "analyse", { s: state.source }),
      ),
      h(
        "label",
        {
          class: "dropzone",
          ondragover: (e: DragEvent) => e.preventDefault(),
          ondrop: (e: DragEvent) => {
            e.preventDefault();
            const file = e.dataTransfer?.files[0];
            if (file) void uploadZip(file);
          },
        },
        t(lang, "dropZip"),
        h("input", {
          type: "file",
          accept: ".zip,application/zip",
          onchange: (e: Event) => {
            const file = (e.target as HTMLInputElement).files?.[0];
            if (file) void uploadZip(file);
          },
        }),
      ),
      ing
        ? h(
            "div",
            { class: "activity" },
            h("progress", { max: Math.max(1, ing.total), value: ing.done }),
            h(
              "p",
              {},
              t(lang, "analysing", { stage: statusWord(lang, ing.stage), done: ing.done, total: ing.total }),
            ),
            ing.error ? noticeView(ingestError(ing), { class: "error" }) : null,
            ...ing.warnings.map(warningView),
          )
        : "",
    );
    return;
  }
  const articles = shownArticles(cat.articles);
  if (grid.parentNode !== root) root.append(grid);
  // In a labelled region (a landmark): a screen reader's landmark list reaches the counts and the page's tools.
  statusRegion.before(
    h(
      "section",
      { class: "overview", "aria-label": t(lang, "overview") },
      h(
        "p",
        { class: "summary" },
        `${state.folder} — ${[
          tn(lang, "sumArticles", cat.summary.articles),
          tn(lang, "sumPhotos", cat.summary.photos),
          tn(lang, "sumDuplicates", cat.summary.duplicates),
          tn(lang, "sumErrors", cat.summary.errors),
        ].join(", ")}`,
      ),
      h(
        "div",
        { class: "toolbar" },
        h(
          "label",
          {},
          h("input", {
            type: "checkbox",
            "data-key": "doubtful",
            checked: doubtfulFirst,
            onchange: () => {
              doubtfulFirst = !doubtfulFirst;
              render();
            },
          }),
          ` ${t(lang, "doubtfulFirst")}`,
        ),
        h(
          "button",
          {
            type: "button",
            "data-key": "undo",
            // Not `disabled`: undoing the last decision left keeps the focus here (a disabled button drops it).
            "aria-disabled": state.decisions === 0 ? "true" : undefined,
            onclick: () =>
              state?.decisions === 0 ||
              refuseOverUnsaved([...drafts.keys()]) ||
              act("/api/undo", {}, () => t(lang, "undone")),
          },
          t(lang, "undo", { n: state.decisions }),
        ),
        h("span", { class: "help" }, t(lang, "keyboardHelp")),
      ),
    ),
  );
  showStatus();
  const bar = selectionBar(cat.articles);
  statusRegion.after(bar ?? "", actions());
  barSize.disconnect();
  if (bar) barSize.observe(bar);
  else padUnderBar(null);
  renderCards(articles);
  grid.after(
    aside(t(lang, "duplicates"), cat.duplicates, true) ?? "",
    aside(t(lang, "dropped"), cat.dropped, false) ?? "",
    cat.errors.length
      ? h(
          "section",
          { class: "aside", "aria-label": t(lang, "errors") },
          h("h2", {}, t(lang, "errors")),
          // In the page's words; the decoder's own in the tooltip, for a bug report.
          h(
            "ul",
            {},
            ...cat.errors.map((e) =>
              h(
                "li",
                { title: e.message },
                ingestWarningText(lang, {
                  code: "PHOTO_ERROR",
                  file: e.file,
                  message: e.message,
                  ...(e.os_error ? { osError: e.os_error } : {}),
                }),
              ),
            ),
          ),
        )
      : "",
  );
}

/**
 * The sticky selection bar's height as the page's scroll padding: the browser scrolls the focused control below the
 * bar, never under it (on a phone the bar is a quarter of the screen, and 38 of 86 focus stops were hidden under it).
 */
const barSize = new ResizeObserver((entries) => padUnderBar(entries[0]?.target as HTMLElement | undefined));
function padUnderBar(bar: HTMLElement | null | undefined): void {
  document.documentElement.style.scrollPaddingTop = bar?.isConnected ? `${bar.offsetHeight + 8}px` : "";
}

/** Sends a ZIP to the server, which saves it beside the catalog-to-be and runs the ingest on it. */
async function uploadZip(file: File): Promise<void> {
  try {
    const res = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
      method: "POST",
      headers: { "X-Vbulk-Token": token, "Content-Type": "application/zip" },
      body: file,
    });
    const data = (await res.json()) as Activity & {
      error?: string;
      hint?: string;
      code?: string;
      failure?: IngestFailure;
    };
    // A ZIP refused (too large, not a ZIP, a full disk) as data the page words, as api() keeps it.
    if (!res.ok)
      throw new ApiError(
        data.error ?? res.statusText,
        data.hint ?? null,
        data.code ?? null,
        [],
        null,
        [],
        null,
        null,
        data.failure ?? null,
      );
    activity = data;
    message = () => ({ text: "" });
  } catch (err) {
    message = notice(err, "upload");
  }
  render();
}

/**
 * Whether the seller is typing in a field or choosing in a list: a render now would move the caret or close the
 * list. (The keyboard on a button or a box is not: a render gives it back to the same control, and waiting for the
 * focus to leave the page showed a keyboard user nothing a terminal changed.)
 */
function typing(): boolean {
  const el = document.activeElement;
  if (!el || !root.contains(el)) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  return el instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit"].includes(el.type);
}

async function poll(): Promise<void> {
  try {
    const next = await api<Activity>("/api/status");
    const changed = JSON.stringify(next) !== JSON.stringify(activity);
    // An ingest that just ended (from this page or a terminal) changed the catalog: show the new one.
    const terminalIngest = activity?.status?.command === "ingest" && activity.status.state === "running";
    // A run that just ended may have published articles: the list of what goes public follows journal.json.
    const executeEnded = Boolean(activity?.job?.running && !next.job?.running);
    const ingestEnded =
      (activity?.ingest?.running && !next.ingest?.running) ||
      (terminalIngest && next.status?.state !== "running");
    // The page's own run or analysis that just ended is said in the status region (the block under the button is
    // no live region); a terminal's is not the seller's action on this page.
    if (executeEnded) message = runSaid(next.job, next.status);
    if (activity?.ingest?.running && next.ingest && !next.ingest.running) message = ingestSaid(next.ingest);
    // While it runs, the page's own analysis or run is said at each stage it moves on to (not at each photo: the
    // counts under the button are no live region). Before, nothing was said between its start and its end.
    else if (activity?.ingest?.running && next.ingest?.running && next.ingest.stage !== activity.ingest.stage)
      message = stageSaid("analysingStage", next.ingest.stage);
    if (
      !executeEnded &&
      activity?.job?.running &&
      next.status?.command === "execute" &&
      next.status.state === "running" &&
      next.status.stage !== activity.status?.stage
    )
      message = stageSaid("runStage", next.status.stage);
    activity = next;
    if (ingestEnded || executeEnded || !state || loadRefused) await reload();
    showStatus(!state?.catalog);
    // With articles shown, the news is only the activity under « Créer les brouillons »: that part is updated, the
    // cards are left alone (before, each poll with news rebuilt the whole page: seconds with 600 articles).
    if (changed && state?.catalog) showActivity();
    else if (changed && !document.querySelector("dialog[open]") && !typing()) render();
    else if (changed) {
      const view = activityView();
      root.querySelector(".activity")?.replaceWith(view ?? "");
    }
    // plan.json changed on disk (a `vbulk plan --set` in a terminal, another tab's save): show it, unless the
    // seller is typing (a render would move the caret; the next poll tries again). Typed values stay.
    if (state && next.plan !== state.planVersion && !document.querySelector("dialog[open]") && !typing())
      await reload();
  } catch (err) {
    // The server stopped: the page keeps what it shows, and says so once.
    if (err instanceof ServerGone) showServerDown();
  }
  setTimeout(poll, state?.meta.pollMs ?? 1000);
}

/**
 * Photos added to or taken out of the folder since the analysis, and the button that analyses it again (as
 * `vbulk ingest DIR` would: ids, grouping decisions and plan edits are kept). Not while an analysis runs.
 */
function changesView(): HTMLElement | null {
  const c = activity?.changes;
  const analysing =
    activity?.ingest?.running ||
    (activity?.status?.command === "ingest" && activity.status.state === "running");
  if (!c || analysing || (!c.counts[0] && !c.counts[1])) return null;
  const names = (files: string[], n: number) => `${files.slice(0, 3).join(", ")}${n > 3 ? ", …" : ""}`;
  const parts = [
    c.counts[0] ? tn(lang, "folderAdded", c.counts[0], { list: names(c.added, c.counts[0]) }) : null,
    c.counts[1] ? tn(lang, "folderGone", c.counts[1], { list: names(c.gone, c.counts[1]) }) : null,
  ].filter((x): x is string => x !== null);
  return h(
    "div",
    { class: "warn changes" },
    h("p", {}, t(lang, "folderChanged", { parts: andList(lang, parts) })),
    h(
      "button",
      {
        type: "button",
        "data-key": "analyse-again",
        onclick: async () => {
          // An article may change with the analysis: what is typed for it then goes aside (setAsideLeft). Asked.
          const unsaved = [...drafts].map(
            ([id, d]) =>
              `${id} (${Object.keys(d)
                .map((f) => fieldName(lang, f))
                .join(", ")})`,
          );
          if (
            unsaved.length &&
            !confirm(tn(lang, "analyseUnsaved", unsaved.length, { list: andList(lang, unsaved) }))
          )
            return;
          try {
            activity = await api<Activity>("/api/ingest", {});
            message = () => ({ text: t(lang, "analyseStarted"), error: false });
          } catch (err) {
            message = notice(err);
          }
          render();
        },
      },
      t(lang, "analyseAgain"),
    ),
  );
}

/** Shows the latest activity (a run's progress and outcome) and whether a run is going on, without a render. */
function showActivity(): void {
  const section = root.querySelector("section.actions");
  if (!section) return;
  const changed = changesView();
  const shownChanges = section.querySelector(":scope > .changes");
  if (shownChanges) shownChanges.replaceWith(changed ?? "");
  else if (changed) section.prepend(changed);
  const view = activityView();
  const shown = section.querySelector(":scope > .activity");
  if (shown) shown.replaceWith(view ?? "");
  else if (view) section.append(view);
  const run = section.querySelector<HTMLButtonElement>("button.run");
  if (run) {
    if (activity?.job?.running) run.setAttribute("aria-disabled", "true");
    else run.removeAttribute("aria-disabled");
  }
}

/** Says at the top, without a full render (the caret stays where the seller types), that the server is gone. */
function showServerDown(): void {
  if (serverDown) return;
  serverDown = true;
  root.querySelector(".server-down")?.remove();
  root.prepend(noticeView({ text: t(lang, "serverGone") }, { class: "message server-down", role: "alert" }));
}

render();
void reload()
  .catch((err: unknown) => {
    if (err instanceof ServerGone) showServerDown();
  })
  .then(poll);
