/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { BrowserContext, Page } from "playwright-core";
import { hasBrand } from "../core/brand.js";
import { DEFAULTS } from "../core/defaults.js";
import { VbulkError } from "../core/errors.js";
import { registerSecret } from "../core/redact.js";
import { type Answer, classifyLanding, isSessionRefresh, readAnswer } from "./detect.js";
import { SessionExpiredError, TransientError } from "./errors.js";

/** What one draft carries: the plan's fields with Vinted's ids. */
export interface ListingFields {
  title: string;
  description: string;
  price: number;
  catalogId: number;
  brand: string;
  sizeLabel: string | null;
  statusId: number;
  colorIds: number[];
  packageSizeId: number | null;
}

export interface OwnerItem {
  id: string;
  is_draft: boolean;
  is_closed: boolean;
  title: string;
  price: unknown;
  /** The ids of the photos it carries (`photos[].id`), or null when Vinted's answer shows none. */
  photo_ids: number[] | null;
}

/** Drafts asked per page: what the web app and the public relister ask (vinted.md; idx:56707219724). */
export const DRAFTS_PER_PAGE = 96;

/** One page of the drafts list; the counts are null when Vinted's answer carries no `pagination`. */
export interface DraftsPage {
  drafts: { id: string; title: string }[];
  totalPages: number | null;
  totalEntries: number | null;
}

export interface SnapshotElement {
  tag: string;
  id: string | null;
  testid: string | null;
  role: string | null;
  label: string | null;
}

export interface CatalogNode {
  id: number;
  title: string;
  catalogs?: CatalogNode[];
}

/**
 * The headers Vinted's own upload form sends on every write. Without them the create of a listing whose
 * `item_attributes` carry the condition is refused: idx:69052908732 (captured on vinted.pt, 2026-09-16): "The create
 * POST also carries headers `x-upload-form: true`, `x-enable-dynamic-attribute-condition/size/video-game-rating:
 * true` and `locale`; without the dynamic-attribute headers the create answered 500 {"code":105} too";
 * idx:69050932328: "The dynamic-attribute flags are what make the server accept `item_attributes: [{code:
 * 'condition', ...}]`; a create without them answered 500 {"code":105} with an otherwise identical body" (it sends
 * them on /api/v2/item_upload/* and /api/v2/photos). Bumpline content.js (idx:57357759676) `writeHeaders`, "The
 * header set Vinted's own upload form sends on every write", adds `x-enable-multiple-size-groups: true`.
 * `locale` is added per request from the page's cookie (VintedTab.call).
 */
export const WRITE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "x-upload-form": "true",
  "x-enable-dynamic-attribute-condition": "true",
  "x-enable-dynamic-attribute-size": "true",
  "x-enable-dynamic-attribute-video-game-rating": "true",
  "x-enable-multiple-size-groups": "true",
});

/**
 * The logged-in Vinted tab. Every call is the web app's own JSON API sent with `fetch` from inside the page, with
 * the page's CSRF token and anon id, the way the maintained relisters do (vinted.md "How working tools talk to
 * Vinted": Bumpline, StoFlow idx:40639096502, the French guide idx:71455548554). No Node-side HTTP client and no
 * clicking through the form. No pacing or retry in here: the runner decides.
 */
export class VintedTab {
  private page: Page | null = null;
  private csrf: string | null = null;
  private anon: string | null = null;

  constructor(
    private readonly context: BrowserContext,
    readonly baseUrl: string,
    private readonly timeoutMs: number,
    /** How much longer than timeoutMs the tab itself may take to answer (DEFAULTS.execute.tabGraceMs). */
    private readonly graceMs: number = DEFAULTS.execute.tabGraceMs,
    /** How long a landing on /session-refresh may take to move on (DEFAULTS.execute.sessionRefreshWaitMs). */
    private readonly refreshWaitMs: number = DEFAULTS.execute.sessionRefreshWaitMs,
  ) {}

  /**
   * `step` (a call into the tab), ended with a TransientError when the tab does not answer within timeoutMs plus
   * graceMs: the page's own requests stop at timeoutMs, but a frozen tab answers nothing, and Playwright's
   * evaluate waits for ever.
   */
  private async bounded<T>(step: Promise<T>, what: string): Promise<T> {
    const ms = this.timeoutMs + this.graceMs;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TransientError(
              `The Vinted tab did not answer during ${what} within ${Math.round(ms / 1000)} s`,
            ),
          ),
        ms,
      );
    });
    try {
      return await Promise.race([step, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  url(path: string): string {
    return new URL(path, this.baseUrl).toString();
  }

  /**
   * Opens `path` in the tab and checks where it landed (session refresh, signup, verification, a challenge or the
   * blocked page throw), dismisses the cookie banner, reads the CSRF token. Throws NETWORK when the site cannot be
   * reached.
   */
  async open(path = "/items/new"): Promise<Page> {
    this.page ??= await this.bounded(this.context.newPage(), "opening a tab");
    const page = this.page;
    page.setDefaultTimeout(this.timeoutMs);
    try {
      await page.goto(this.url(path), { waitUntil: "domcontentloaded", timeout: this.timeoutMs });
    } catch (err) {
      const first = (err as Error).message.split("\n")[0] ?? "";
      throw new VbulkError("NETWORK", `Could not reach ${this.url(path)} (${first})`, {
        hint: "Check your connection and VBULK_VINTED_URL (default https://www.vinted.fr), then run again.",
      });
    }
    await this.waitPastSessionRefresh();
    await this.checkLanding();
    await this.dismissCookies();
    const found = await this.bounded(
      page.evaluate(() => {
        // The token is in the page payload ("CSRF_TOKEN":"<uuid>", idx:40025226648) or a csrf-token meta tag.
        const meta = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content");
        const m = document.documentElement.innerHTML.match(/\\?"CSRF_TOKEN\\?":\\?"([0-9a-zA-Z-]+)\\?"/);
        const anon = document.cookie.match(/(?:^|; )anon_id=([^;]+)/);
        return { csrf: meta ?? m?.[1] ?? null, anon: anon ? decodeURIComponent(anon[1]!) : null };
      }),
      `reading ${this.url(path)}`,
    );
    this.csrf = found.csrf;
    // The token is a credential too: whatever Vinted echoes back, no output or file may show it.
    if (found.csrf) registerSecret(found.csrf);
    this.anon =
      found.anon ??
      (await this.bounded(this.context.cookies(this.baseUrl), "reading the cookies")).find(
        (c) => c.name === "anon_id",
      )?.value ??
      null;
    return page;
  }

  /**
   * Lets a landing on /session-refresh move on before anything decides. Every run is a fresh tab restored from the
   * saved state, and idx:70875745750 (a Playwright relister on vinted.nl): "Vinted bounces a tab's first visit
   * through its session-refresh page"; "Vinted bounces a visit through `/session-refresh`, which renews its cookies
   * with script and moves on. With a stale `refresh_token_web` it never moves on: the page spins for good"; it calls
   * the page stuck after `SESSION_REFRESH_WAIT_MS = 8_000`. A tab still there after refreshWaitMs is stuck: the
   * landing check then says "log in again". Reads nothing and sends nothing: it only watches the tab's URL.
   */
  private async waitPastSessionRefresh(): Promise<void> {
    const page = this.page!;
    if (!isSessionRefresh(new URL(page.url()).pathname)) return;
    await page
      .waitForURL((u) => !isSessionRefresh(u.pathname), {
        timeout: this.refreshWaitMs,
        waitUntil: "domcontentloaded",
      })
      .catch(() => {});
    if (isSessionRefresh(new URL(page.url()).pathname))
      throw new SessionExpiredError(
        `the tab stayed on /session-refresh for ${Math.round(this.refreshWaitMs / 1000)} s`,
      );
  }

  /** Throws the landing's error when the tab sits on a session/challenge/blocked page. */
  async checkLanding(): Promise<void> {
    const page = this.page!;
    const probe = await this.bounded(
      page.evaluate(() => ({
        frames: [...document.querySelectorAll("iframe")].map((f) => f.getAttribute("src") ?? "").join(" "),
        title: document.title,
        // biome-ignore lint/performance/useDomNodeTextContent: the text a person sees, not the scripts' payload
        text: (document.body?.innerText ?? "").slice(0, 4000),
      })),
      "reading the page",
    ).catch(() => ({ frames: "", title: "", text: "" }));
    const err = classifyLanding(new URL(page.url()).pathname, `${probe.frames} ${probe.title} ${probe.text}`);
    if (err) throw err;
  }

  /** The OneTrust banner takes every click until dismissed (vinted.md): reject all when it shows. */
  private async dismissCookies(): Promise<void> {
    const button = this.page!.locator("#onetrust-reject-all-handler");
    await button
      .waitFor({ state: "visible", timeout: 1000 })
      .then(() => button.click())
      .catch(() => {});
  }

  /** Sends one request from inside the page and reads Vinted's answer (errors typed by readAnswer). */
  async call<T>(
    method: string,
    path: string,
    what: string,
    body?: unknown,
    file?: { fields: [string, string][]; field: string; name: string; base64: string },
  ): Promise<T> {
    if (!this.page) await this.open();
    if (method !== "GET") this.requireWriteToken();
    const args = {
      method,
      url: this.url(path),
      body,
      file,
      csrf: this.csrf,
      anon: this.anon,
      timeout: this.timeoutMs,
      write: method !== "GET",
      flags: WRITE_HEADERS,
    };
    let answer: Answer;
    try {
      // Bounded on this side too: the page stops its request at timeoutMs, a frozen tab answers nothing.
      const asked = this.page!.evaluate(async (a) => {
        const headers: Record<string, string> = { accept: "application/json, text/plain, */*" };
        if (a.csrf) headers["x-csrf-token"] = a.csrf;
        if (a.anon) headers["x-anon-id"] = a.anon;
        if (a.write) {
          Object.assign(headers, a.flags);
          // idx:69050932328 sends `locale` from the user-iso-locale (else anonymous-iso-locale) cookie: the
          // account's own, so no site's value is guessed here; without the cookie no locale header is sent.
          const locale = document.cookie.match(/(?:^|; )(?:user|anonymous)-iso-locale=([^;]+)/);
          if (locale) headers.locale = decodeURIComponent(locale[1]!);
        }
        let payload: BodyInit | undefined;
        if (a.file) {
          const form = new FormData();
          for (const [k, v] of a.file.fields) form.append(k, v);
          const bytes = Uint8Array.from(atob(a.file.base64), (c) => c.charCodeAt(0));
          form.append(a.file.field, new Blob([bytes], { type: "image/jpeg" }), a.file.name);
          payload = form;
        } else if (a.body !== undefined) {
          headers["content-type"] = "application/json";
          payload = JSON.stringify(a.body);
        }
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), a.timeout);
        try {
          const r = await fetch(a.url, {
            method: a.method,
            headers,
            body: payload,
            credentials: "include",
            signal: controller.signal,
          });
          return {
            status: r.status,
            url: r.url,
            retryAfter: r.headers.get("retry-after"),
            contentType: r.headers.get("content-type") ?? "",
            body: await r.text(),
          };
        } catch (e) {
          return { status: 0, url: a.url, retryAfter: null, contentType: "", body: String(e) };
        } finally {
          clearTimeout(timer);
        }
      }, args);
      answer = await this.bounded(asked, what);
    } catch (err) {
      if (err instanceof TransientError) throw err;
      throw new TransientError(
        `The Vinted tab failed during ${what} (${(err as Error).message.split("\n")[0]})`,
      );
    }
    if (answer.status === 0)
      throw new TransientError(`No answer from Vinted for ${what} (${answer.body.slice(0, 120)})`);
    return readAnswer<T>(answer, what);
  }

  // --- reads -------------------------------------------------------------------------------------------------

  /**
   * The logged-in user (`GET /api/v2/users/current`, vinted.md), or null when the session is gone: a 401, or a plain
   * 403 (idx:69052908732: "`GET /api/v2/users/current` | `{"user":{id, login, path, …}}`; 403 when signed out").
   */
  async currentUser(): Promise<{ id: number; login: string } | null> {
    try {
      const r = await this.call<{ user?: { id?: number; login?: string } }>(
        "GET",
        "/api/v2/users/current",
        "the current user",
      );
      return r.user?.id ? { id: r.user.id, login: r.user.login ?? "" } : null;
    } catch (err) {
      const code = (err as VbulkError).code;
      if (code === "NOT_LOGGED_IN" || code === "FORBIDDEN") return null;
      throw err;
    }
  }

  /**
   * Throws FORBIDDEN, before any write, when the page showed no CSRF token: Vinted answers every write without it
   * with 403 access_denied (vinted.md "The web app's own JSON calls"), and a working relister stops there too
   * (Bumpline content.js idx:57357759676: `throw new Error('Could not read the Vinted security token. Reload the
   * page and try again.')`). Sending anyway cost an article and a refusal on the account.
   */
  requireWriteToken(): void {
    if (this.csrf) return;
    const at = this.page ? new URL(this.page.url()).pathname : "/items/new";
    throw new VbulkError(
      "FORBIDDEN",
      `Expected Vinted's security token (CSRF_TOKEN) in the page at ${at} but found none: nothing was sent`,
      {
        hint: `Open ${this.url("/items/new")} in your browser: if Vinted asks you to log in, run \`vbulk login\`; if it shows the upload form, Vinted changed its page: run \`vbulk doctor\` and attach its report to a bug report. Then run execute again: it resumes.`,
        // Told apart from a refused write (also FORBIDDEN) by the review page, which says each in its words.
        context: { token: "missing" },
      },
    );
  }

  /** The owner's view of an item or draft (`GET /api/v2/item_upload/items/<id>`; /api/v2/items/<id> is 404). */
  async ownerItem(id: string): Promise<OwnerItem | null> {
    try {
      const r = await this.call<{ item?: Record<string, unknown> }>(
        "GET",
        `/api/v2/item_upload/items/${id}`,
        `item ${id}`,
      );
      const i = r.item ?? {};
      return {
        id: String(i.id ?? id),
        is_draft: i.is_draft === true,
        is_closed: i.is_closed === true,
        title: String(i.title ?? ""),
        price: i.price,
        photo_ids: Array.isArray(i.photos)
          ? i.photos
              .map((p) => (p as { id?: unknown } | null)?.id)
              .filter((x): x is number => typeof x === "number")
          : null,
      };
    } catch (err) {
      if ((err as VbulkError).code === "NOT_FOUND") return null;
      throw err;
    }
  }

  /**
   * One page (1-based) of the account's drafts, to adopt one a crash left unrecorded: `GET
   * /api/v2/item_upload/drafts?per_page=96&page=N`, read as a public relister pages it (idx:56707219724: `drafts`,
   * else `items`, each with `id` and `title`; `pagination.total_pages`; StoFlow idx:40639096502 records Vinted's
   * `pagination` as `{current_page, total_pages, total_entries}`). `totalPages`/`totalEntries` are null when the
   * answer carries none. The runner pages and paces. Throws TransientError when the answer holds no list (an empty
   * list taken for one would make a second draft), and what `call` throws.
   */
  async draftsPage(page: number): Promise<DraftsPage> {
    const r = await this.call<{
      drafts?: unknown;
      items?: unknown;
      pagination?: { total_pages?: unknown; total_entries?: unknown };
    }>(
      "GET",
      `/api/v2/item_upload/drafts?per_page=${DRAFTS_PER_PAGE}&page=${page}`,
      `page ${page} of the drafts list`,
    );
    const list = Array.isArray(r.drafts) ? r.drafts : Array.isArray(r.items) ? r.items : null;
    if (!list)
      throw new TransientError(
        `Expected a list of drafts from Vinted for page ${page} of the drafts list but received an answer without one`,
      );
    const count = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : null);
    return {
      drafts: (list as { id?: unknown; title?: unknown }[])
        .filter((d) => d && d.id !== undefined && d.id !== null)
        .map((d) => ({ id: String(d.id), title: typeof d.title === "string" ? d.title : "" })),
      totalPages: count(r.pagination?.total_pages),
      totalEntries: count(r.pagination?.total_entries),
    };
  }

  /** The brand id of an exact (case-insensitive) brand name, or null (then the name goes as free text). */
  async brandId(name: string): Promise<number | null> {
    const r = await this.call<{ brands?: { id: number; title?: string }[] }>(
      "GET",
      `/api/v2/brands?q=${encodeURIComponent(name)}&per_page=10`,
      `the brand "${name}"`,
    );
    const hit = (r.brands ?? []).find((b) => (b.title ?? "").toLowerCase() === name.toLowerCase());
    return hit?.id ?? null;
  }

  /** The size ids offered for a leaf (`/api/v2/item_upload/size_groups?catalog_ids[]=…`, vinted.md). */
  async sizes(catalogId: number): Promise<{ id: number; title: string }[]> {
    const r = await this.call<{ size_groups?: { id: number; sizes?: { id: number; title: string }[] }[] }>(
      "GET",
      `/api/v2/item_upload/size_groups?catalog_ids[]=${catalogId}`,
      `the sizes of catalogue ${catalogId}`,
    );
    return (r.size_groups ?? []).flatMap((g) => g.sizes ?? []);
  }

  /** The catalogue tree (`GET /api/v2/item_upload/catalogs`). */
  async catalogs(): Promise<CatalogNode[]> {
    const r = await this.call<{ catalogs?: CatalogNode[] }>(
      "GET",
      "/api/v2/item_upload/catalogs",
      "the catalogue",
    );
    return r.catalogs ?? [];
  }

  async colors(): Promise<{ id: number; title: string }[]> {
    const r = await this.call<{ colors?: { id: number; title: string }[] }>(
      "GET",
      "/api/v2/item_upload/colors",
      "the colours",
    );
    return r.colors ?? [];
  }

  /** Package sizes (`/api/v2/package_sizes`, idx:51777029943); they can differ per catalogue. */
  async packageSizes(): Promise<{ id: number; title: string }[]> {
    const r = await this.call<{ package_sizes?: { id: number; title: string }[] }>(
      "GET",
      "/api/v2/package_sizes",
      "the package sizes",
    );
    return r.package_sizes ?? [];
  }

  /** Tag, id, data-testid, role and label of the upload form's fields, for doctor's report (reads only). */
  async snapshotForm(): Promise<SnapshotElement[]> {
    const asked = this.page!.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea, button, [data-testid], [role]")]
        .slice(0, 400)
        .map((e) => {
          const id = e.getAttribute("id");
          const label =
            e.getAttribute("aria-label") ??
            (id ? document.querySelector(`label[for="${CSS.escape(id)}"]`)?.textContent?.trim() : null) ??
            (e.tagName === "BUTTON" ? (e.textContent ?? "").trim().slice(0, 60) : null);
          return {
            tag: e.tagName.toLowerCase(),
            id,
            testid: e.getAttribute("data-testid"),
            role: e.getAttribute("role"),
            label: label || null,
          };
        }),
    );
    return this.bounded(asked, "reading the upload form");
  }

  // --- writes (each one is counted by the runner before it is sent) ------------------------------------------

  /** `POST /api/v2/photos` multipart `photo[type]=item`, `photo[temp_uuid]`, `photo[file]` (idx:51777029943). */
  async uploadPhoto(file: string, uploadSessionId: string): Promise<number> {
    const base64 = (await readFile(file)).toString("base64");
    const r = await this.call<{ id?: number; photo?: { id?: number } }>(
      "POST",
      "/api/v2/photos",
      "a photo upload",
      undefined,
      {
        fields: [
          ["photo[type]", "item"],
          ["photo[temp_uuid]", uploadSessionId],
        ],
        field: "photo[file]",
        name: "photo.jpg",
        base64,
      },
    );
    const id = r.photo?.id ?? r.id;
    if (typeof id !== "number")
      throw new TransientError("Vinted accepted a photo but its answer holds no photo id");
    return id;
  }

  /** `POST /api/v2/item_upload/drafts` → the draft id from `{draft:{id}}` (sometimes `item`). */
  async createDraft(body: DraftBody): Promise<string> {
    const r = await this.call<{ draft?: { id?: unknown }; item?: { id?: unknown }; id?: unknown }>(
      "POST",
      "/api/v2/item_upload/drafts",
      "the draft",
      body,
    );
    const id = r.draft?.id ?? r.item?.id ?? r.id;
    if (id === undefined || id === null)
      throw new TransientError("Vinted saved a draft but its answer holds no draft id");
    return String(id);
  }

  /** `PUT /api/v2/item_upload/drafts/<id>` with the full payload (idx:67586289812 "draft → put → completion"). */
  async updateDraft(id: string, body: DraftBody): Promise<void> {
    await this.call("PUT", `/api/v2/item_upload/drafts/${id}`, `the update of draft ${id}`, body);
  }

  /**
   * `POST /api/v2/item_upload/drafts/<id>/completion` with the whole payload again (Bumpline 1.0.0 CHANGELOG,
   * idx:57354761583: completion "validates the draft in the request body rather than the one already stored"),
   * photos under completion's own key (completionBody).
   */
  async completeDraft(id: string, body: DraftBody): Promise<string> {
    const r = await this.call<{ item?: { id?: unknown } }>(
      "POST",
      `/api/v2/item_upload/drafts/${id}/completion`,
      `the publication of draft ${id}`,
      completionBody(body),
    );
    return String(r.item?.id ?? id);
  }
}

export interface DraftBody {
  draft: Record<string, unknown>;
  feedback_id: null;
  parcel: null;
  upload_session_id: string;
}

/**
 * The draft payload the web app sends (StoFlow idx:40639096502, the Telegram relister idx:51777029943): size both
 * as `size_id` and in `item_attributes` (vinted.md: else completion answers "size: Fill in size"; Bumpline
 * idx:57354761583 measured: "`size_id` alone passes, the attribute alone does not, both together pass"), the
 * condition both ways too, at most 2 colours, prices in the site's currency, never a boost (`push_up` is false on
 * completion).
 */
export function draftBody(
  f: ListingFields & { brandId: number | null; sizeId: number | null; photoIds: number[]; currency: string },
  uploadSessionId: string,
  draftId: string | null = null,
): DraftBody {
  const attributes: { code: string; ids: number[] }[] = [
    // idx:69052908732: the form's own create body has no status_id and carries `"item_attributes": [ { "code":
    // "condition", "ids": [6] } ]`; the owner view answers `item_attributes:[{code:"condition",ids:[n]}]`. Bumpline
    // content.js (idx:57357759676): "Condition lives in item_attributes as { code: 'condition', ids: [n] }" and its
    // copy still sends `status_id: conditionId` beside it, so both are sent (idx:51777029943 sends status_id only).
    { code: "condition", ids: [f.statusId] },
  ];
  if (f.sizeId !== null) attributes.push({ code: "size", ids: [f.sizeId] });
  return {
    draft: {
      id: draftId === null ? null : Number(draftId),
      // Not always EUR: idx:51777029943 sends `currency: 'GBP'` on vinted.co.uk (currency.ts siteCurrency).
      currency: f.currency,
      temp_uuid: uploadSessionId,
      title: f.title,
      description: f.description,
      brand_id: f.brandId,
      brand: f.brandId === null && hasBrand(f.brand) ? f.brand : "",
      size_id: f.sizeId,
      catalog_id: f.catalogId,
      isbn: null,
      is_unisex: false,
      status_id: f.statusId,
      video_game_rating_id: null,
      price: f.price,
      package_size_id: f.packageSizeId,
      shipment_prices: { domestic: null, international: null },
      color_ids: f.colorIds.slice(0, 2),
      assigned_photos: f.photoIds.map((id) => ({ id, orientation: 0 })),
      measurement_length: null,
      measurement_width: null,
      item_attributes: attributes,
      manufacturer: null,
      manufacturer_labelling: null,
    },
    feedback_id: null,
    parcel: null,
    upload_session_id: uploadSessionId,
  };
}

/**
 * The completion's payload: the draft's, with the photos renamed for that endpoint and no boost. Bumpline 1.0.0
 * CHANGELOG (idx:57354761583): "`assigned_photos` is what creates a draft; completion refuses it with `photos: Error
 * uploading photo`. Measured against a scratch draft: the creation spelling drew that error every time, the
 * completion spelling drew none"; its content.js `forCompletion` (idx:57357759676) drops `assigned_photos` and sends
 * `photos: [{id, orientation}]`. The Telegram relister idx:51777029943 sends `assigned_photos` at completion, with
 * no measurement: the measured source wins.
 */
export function completionBody(body: DraftBody): DraftBody & { push_up: false } {
  const { assigned_photos, ...rest } = body.draft;
  const photos = ((assigned_photos as { id: number; orientation?: number }[] | undefined) ?? []).map((p) => ({
    id: p.id,
    orientation: p.orientation ?? 0,
  }));
  return { ...body, draft: { ...rest, photos }, push_up: false };
}

export function newUploadSession(): string {
  return randomUUID();
}
