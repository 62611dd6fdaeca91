/**
 * A local replica of what vinted.fr shows a logged-in seller, rebuilt from recorded public evidence
 * (../shared/vinted.md and the idx: sources it lists; each behaviour below cites its source). It is NOT a mock of
 * vbulk's adapter: it answers the web app's own JSON calls the way the maintained tools saw Vinted answer them, and
 * counts every write it receives. Listens on 127.0.0.1 only. Ids of sizes and brands are the replica's own unless
 * a comment says otherwise.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

export interface Item {
  id: number;
  is_draft: boolean;
  /** The last payload received for it (create, update or completion). */
  fields: Record<string, unknown>;
  photo_ids: number[];
}

export interface Switches {
  /** Answer the next write with 429 and this Retry-After (vinted.md: tools honour it). */
  rateLimit: string | null;
  /** Answer the write with this 1-based number with DataDome's 403 challenge, in the form captchaForm says. */
  captchaOnWrite: number | null;
  /** "html": what Vinted answered a scripted write (idx:69052908732, vinted.pt 2026-09-16: "403 with an HTML stub
   *  carrying `var dd={'rt':'c','cid':…,'hsh':…,'t':'bv',…}` and `https://ct.captcha-delivery.com/c.js`").
   *  "json": DataDome's answer to an XHR elsewhere, the captcha URL in a JSON body (vinted.md "or as `403` with a
   *  captcha URL in the JSON body"; seen in a non-Vinted client, idx:31206340948, which checks for the prefix
   *  "https://geo.captcha-delivery.com"). No Vinted capture shows the JSON form; vbulk must stop on both. */
  captchaForm: "html" | "json";
  /** Pages answer Cloudflare's interstitial (vinted.md "Stop-everything signals"). */
  cloudflare: boolean;
  /** /items/new shows the blocked-session page (idx:69038895870: "Ta session a été bloquée"). */
  blocked: boolean;
  /** A stale session: pages park on /session-refresh for good, the API answers 401 (vinted.md "Sessions";
   *  idx:70875745750: "With a stale `refresh_token_web` it never moves on: the page spins for good, on every URL"). */
  stale: boolean;
  /** The next this-many page visits are bounced through /session-refresh, which moves on by script after
   *  refreshMoveOnMs: the normal pass-through of a tab's first visit (idx:70875745750: "Vinted bounces a tab's first
   *  visit through its session-refresh page"; "which renews its cookies with script and moves on"). */
  refreshBounces: number;
  /** How long the pass-through page takes to move on (no source gives Vinted's; the relister allows 8 s). */
  refreshMoveOnMs: number;
  /** Logged out: /items/new redirects to /member/signup/select_type… (vinted.md "Sessions"). */
  loggedOut: boolean;
  /** The draft create is refused with a validation error echoing the request's cookies and CSRF header. */
  echoSecrets: boolean;
  /** After this many writes of this kind were answered, the next write is held forever (to SIGKILL a run). */
  holdAfter: { kind: "photo" | "draft" | "completion"; count: number } | null;
  /** The next draft create is carried out but its answer never sent (a crash between Vinted's save and ours). */
  swallowDraft: boolean;
  /** The draft create is carried out at once but answered this many ms later (a write in flight). */
  draftDelayMs: number;
  /** Writes answer a plain 403 access_denied, as without the page's CSRF token (vinted.md "The web app's own JSON
   *  calls") or for "not your item" (Bumpline content.js idx:57357759676): no challenge marker in it. */
  forbidden: boolean;
  /** This write (1 = the first) answers that plain 403: a refusal met midway through a run. */
  forbiddenOnWrite: number | null;
  /** Pages carry no CSRF token (a page that is not the logged-in web app's, or one Vinted changed). */
  noCsrf: boolean;
  /** This page of the drafts list answers 500 (a page that fails while the list is read). */
  failDraftsPage: number | null;
  /** The drafts list answers at most this many drafts a page, whatever per_page asks, and no `pagination`. A
   *  client reads the list to an empty page when `pagination` is missing (idx:56707219724); no source records
   *  Vinted's own cap on per_page, so the cap is a hypothesis vbulk must survive, off by default. */
  draftsPageCap: number | null;
  /** The owner's item view answers without `photos` (a client falls back to none: idx:51996921312); no source
   *  records that it carries them on every account. */
  ownerViewNoPhotos: boolean;
}

/**
 * The catalogue tree with real leaf ids from vinted.md ("The catalogue: leaf ids"; tables idx:55173426636,
 * idx:68931683540), and for the types added later (pull, blouse, …) those models/vinted-fr.json cites (titles as
 * vinted.fr's tree shows them, idx:58324659531; ids from idx:40079970855 and idx:3914235638): every leaf id the
 * mapping names is a leaf here; 77, 183 and 257 are parents, as on Vinted. Ids of the inner nodes that no source
 * records (the "Vêtements" levels, 9001-9005…) are the replica's own. Leaves the mapping leaves at id null for
 * `vbulk vinted sync` to find (belts, scarves, sandals) are not here: sync says so.
 */
const leaf = (id: number, title: string) => ({ id, title });
export const CATALOG: Node[] = [
  {
    id: 1904,
    title: "Femmes",
    catalogs: [
      {
        id: 4,
        title: "Vêtements",
        catalogs: [
          {
            id: 12,
            title: "Hauts et t-shirts",
            catalogs: [
              leaf(221, "T-shirts"),
              leaf(222, "Chemises"),
              leaf(534, "Débardeurs"),
              leaf(1043, "Blouses"),
              leaf(228, "Autres hauts"),
            ],
          },
          {
            id: 1918,
            title: "Sweats et sweats à capuche",
            catalogs: [
              leaf(196, "Sweats & sweats à capuche"),
              leaf(194, "Cardigans"),
              leaf(197, "Autres pull-overs & sweat-shirts"),
            ],
          },
          { id: 9001, title: "Blazers et tailleurs", catalogs: [leaf(532, "Blazers")] },
          { id: 9002, title: "Pantalons et leggings", catalogs: [leaf(525, "Leggings")] },
          { id: 9003, title: "Combinaisons et combishorts", catalogs: [leaf(1131, "Combinaisons")] },
          { id: 183, title: "Jeans", catalogs: [leaf(1839, "Jeans boyfriend"), leaf(1864, "Autres jeans")] },
          {
            id: 1037,
            title: "Manteaux et vestes",
            catalogs: [
              {
                id: 2049,
                title: "Vestes",
                catalogs: [leaf(2614, "Doudounes"), leaf(2532, "Vestes coupe-vent")],
              },
              { id: 1907, title: "Manteaux", catalogs: [leaf(1087, "Parkas")] },
            ],
          },
        ],
      },
      {
        id: 1919,
        title: "Accessoires",
        catalogs: [
          {
            id: 88,
            title: "Chapeaux & casquettes",
            catalogs: [leaf(230, "Casquettes"), leaf(2934, "Bonnets")],
          },
        ],
      },
      { id: 16, title: "Chaussures", catalogs: [leaf(2632, "Baskets"), leaf(543, "Chaussures à talons")] },
      { id: 19, title: "Sacs", catalogs: [leaf(156, "Sacs à main"), leaf(157, "Sacs à dos")] },
    ],
  },
  {
    id: 5,
    title: "Hommes",
    catalogs: [
      {
        id: 2050,
        title: "Vêtements",
        catalogs: [
          {
            id: 76,
            title: "Hauts et t-shirts",
            catalogs: [
              { id: 77, title: "T-shirts", catalogs: [leaf(1806, "T-shirts unis"), leaf(1809, "Polos")] },
              leaf(560, "T-shirts sans manches"),
              {
                id: 536,
                title: "Chemises",
                catalogs: [leaf(1803, "Chemises unies"), leaf(1801, "Chemises à carreaux")],
              },
            ],
          },
          {
            id: 79,
            title: "Sweats et pulls",
            catalogs: [leaf(1811, "Sweats"), leaf(1813, "Pulls ras de cou"), leaf(266, "Cardigans")],
          },
          { id: 9004, title: "Costumes et blazers", catalogs: [leaf(1786, "Blazers")] },
          { id: 9005, title: "Vêtements de sport et accessoires", catalogs: [leaf(583, "Pantalons")] },
          { id: 257, title: "Jeans", catalogs: [leaf(1816, "Jeans skinny")] },
          { id: 34, title: "Pantalons", catalogs: [leaf(1820, "Chinos"), leaf(1821, "Joggings")] },
          {
            id: 2051,
            title: "Manteaux et vestes",
            catalogs: [
              {
                id: 2052,
                title: "Vestes",
                catalogs: [leaf(2536, "Doudounes"), leaf(2551, "Vestes coupe-vent")],
              },
              { id: 2053, title: "Manteaux", catalogs: [leaf(1227, "Parkas")] },
            ],
          },
        ],
      },
      {
        id: 82,
        title: "Accessoires",
        catalogs: [
          {
            id: 86,
            title: "Chapeaux et casquettes",
            catalogs: [leaf(287, "Casquettes"), leaf(2964, "Bonnets")],
          },
        ],
      },
      { id: 1231, title: "Chaussures", catalogs: [leaf(1242, "Baskets")] },
    ],
  },
];
export type Node = { id: number; title: string; catalogs?: Node[] };

/** Size groups: labels mixing systems as the live form shows them (vinted.md: "M / 38 / 10", "W30 | FR 40"). */
const TOPS = ["XS / 34 / 6", "S / 36 / 8", "M / 38 / 10", "L / 40 / 12", "XL / 42 / 14"].map((t, i) => ({
  id: 2 + i,
  title: t,
}));
const JEANS = ["W28 | FR 38", "W30 | FR 40", "W32 | FR 42", "W34 | FR 44"].map((t, i) => ({
  id: 102 + i,
  title: t,
}));
/** Colour ids confirmed by several sources (vinted.md, "The listing"). */
const COLORS = [
  [1, "Noir"],
  [3, "Gris"],
  [9, "Bleu"],
  [12, "Blanc"],
].map(([id, title]) => ({ id, title }));
/** Brand ids from StoFlow's reference (idx:40639096502): Levi's 53, Nike 54, Adidas 14. */
const BRANDS = [
  { id: 53, title: "Levi's" },
  { id: 54, title: "Nike" },
  { id: 14, title: "adidas" },
];

export class VintedReplica {
  readonly items = new Map<number, Item>();
  /** sha256 of every photo file received, in order: a photo uploaded twice shows up twice. */
  readonly photoUploads: string[] = [];
  readonly log: { method: string; path: string; status: number }[] = [];
  readonly removedLeaves = new Set<number>();
  /** The page number of every drafts-list read, in order. */
  readonly draftPagesServed: number[] = [];
  /** The headers of every write received (the upload form's flags, locale…), in order. */
  readonly writeHeaders: { method: string; path: string; headers: IncomingHttpHeaders }[] = [];
  switches: Switches = VintedReplica.defaults();
  /** Secrets the tests check never leak. */
  readonly sessionToken = `at_${randomBytes(16).toString("hex")}`;
  readonly refreshToken = `rt_${randomBytes(16).toString("hex")}`;
  readonly datadome = `dd_${randomBytes(12).toString("hex")}`;
  /** The CSRF token is a UUID in the page payload ("CSRF_TOKEN":"…", idx:40025226648). */
  readonly csrf = randomUUID();
  readonly memberId = 4242;
  writesReceived = 0;
  private answered = { photo: 0, draft: 0, completion: 0 };
  private nextId = 5_000_000_000;
  private nextPhoto = 900_000;
  private server: Server | null = null;
  url = "";

  static defaults(): Switches {
    return {
      rateLimit: null,
      captchaOnWrite: null,
      captchaForm: "html",
      cloudflare: false,
      blocked: false,
      stale: false,
      refreshBounces: 0,
      refreshMoveOnMs: 400,
      loggedOut: false,
      echoSecrets: false,
      holdAfter: null,
      swallowDraft: false,
      draftDelayMs: 0,
      forbidden: false,
      forbiddenOnWrite: null,
      noCsrf: false,
      failDraftsPage: null,
      draftsPageCap: null,
      ownerViewNoPhotos: false,
    };
  }

  reset(): void {
    this.items.clear();
    this.photoUploads.length = 0;
    this.log.length = 0;
    this.removedLeaves.clear();
    this.draftPagesServed.length = 0;
    this.writeHeaders.length = 0;
    this.switches = VintedReplica.defaults();
    this.writesReceived = 0;
    this.answered = { photo: 0, draft: 0, completion: 0 };
  }

  /** Writes the replica received (each photo, draft create/update, completion), refused ones included. */
  writes(): { method: string; path: string; status: number }[] {
    return this.log.filter((l) => l.method !== "GET" && l.path.startsWith("/api/"));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err) => res.writeHead(500).end(String(err)));
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  /** The cookies a logged-in browser holds (vinted.md "Sessions": access_token_web, refresh_token_web, datadome). */
  cookies() {
    const c = (name: string, value: string, httpOnly = true) => ({
      name,
      value,
      domain: "127.0.0.1",
      path: "/",
      expires: -1,
      httpOnly,
      secure: false,
      sameSite: "Lax" as const,
    });
    return [
      c("access_token_web", this.sessionToken),
      c("refresh_token_web", this.refreshToken),
      c("datadome", this.datadome, false),
      c("anon_id", "anon-replica-1", false),
      // The cookie idx:69050932328 reads the `locale` header of a write from (user-iso-locale, else
      // anonymous-iso-locale); "fr-FR" is the value vinted.fr clients send as `locale` (idx:55451424183).
      c("user-iso-locale", "fr-FR", false),
    ];
  }

  private loggedIn(req: IncomingMessage): boolean {
    return (req.headers.cookie ?? "").split(/;\s*/).includes(`access_token_web=${this.sessionToken}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", this.url);
    const p = u.pathname;
    const method = req.method ?? "GET";
    const send = (status: number, body: string, headers: Record<string, string | string[]> = {}) => {
      this.log.push({ method, path: p, status });
      res.writeHead(status, headers).end(body);
    };
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      send(status, JSON.stringify(body), { "content-type": "application/json; charset=utf-8", ...headers });
    const html = (status: number, title: string, body: string) =>
      send(status, page(title, body, this.switches.noCsrf ? null : this.csrf), {
        "content-type": "text/html; charset=utf-8",
      });

    // --- pages ---------------------------------------------------------------------------------------------
    if (!p.startsWith("/api/")) {
      if (this.switches.cloudflare)
        // Cloudflare's interstitial: "Just a moment…" with a challenges.cloudflare.com script (vinted.md).
        return send(
          403,
          `<!doctype html><title>Just a moment...</title><script src="https://challenges.cloudflare.com/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>`,
          { "content-type": "text/html" },
        );
      if (p === "/member/login" && method === "GET") return html(200, "Connexion", LOGIN_HTML);
      if (p === "/member/login" && method === "POST") {
        const set = this.cookies().map(
          (c) => `${c.name}=${c.value}; Path=/${c.httpOnly ? "; HttpOnly" : ""}`,
        );
        this.log.push({ method, path: p, status: 302 });
        res.writeHead(302, { location: "/", "set-cookie": set }).end();
        return;
      }
      if (p.startsWith("/session-refresh")) {
        // Stale: the page spins for good. Otherwise it renews the session by script and moves on to ref_url
        // (idx:70875745750: "renews its cookies with script and moves on"); the renewal itself is not modelled.
        const to = u.searchParams.get("ref_url") ?? "/";
        const next = to.startsWith("/") && !to.startsWith("//") ? to : "/";
        const moveOn = this.switches.stale
          ? ""
          : `<script>setTimeout(() => location.replace(${JSON.stringify(next).replace(/</g, "\\u003c")}), ${this.switches.refreshMoveOnMs});</script>`;
        return html(200, "Vinted", `<p>Actualisation de la session…</p>${moveOn}`);
      }
      if (this.switches.refreshBounces > 0 && method === "GET" && p !== "/member/login") {
        // A tab's first visit goes through /session-refresh first (idx:70875745750), whatever the page.
        this.switches.refreshBounces--;
        return send(302, "", {
          location: `/session-refresh?ref_url=${encodeURIComponent(u.pathname + u.search)}`,
        });
      }
      if (p.startsWith("/member/signup"))
        return html(200, "Inscription", `<p>Inscris-toi ou connecte-toi</p>`);
      if (p === "/items/new") {
        // A stale session parks on /session-refresh; a logged-out one lands on signup (vinted.md "Sessions").
        if (this.switches.stale)
          return send(302, "", { location: `/session-refresh?ref_url=${encodeURIComponent(p)}` });
        if (this.switches.loggedOut || !this.loggedIn(req))
          return send(302, "", { location: `/member/signup/select_type?ref_url=${encodeURIComponent(p)}` });
        if (this.switches.blocked)
          return html(
            200,
            "Vinted",
            `<h1>Ta session a été bloquée</h1><p>Nous avons détecté une activité inhabituelle.</p>`,
          );
        return html(200, "Vends tes articles", UPLOAD_FORM);
      }
      if (/^\/member\/\d+/.test(p)) return html(200, "Dressing", `<h1>Mon dressing</h1>`);
      if (/^\/items\/\d+/.test(p)) return html(200, "Article", `<h1>Article</h1>`);
      if (p === "/") return html(200, "Vinted", `<a href="/member/login">Se connecter</a>`);
      return html(404, "Introuvable", "<p>Page introuvable</p>");
    }

    // --- the JSON API ----------------------------------------------------------------------------------------
    const body = method === "GET" ? Buffer.alloc(0) : await readBody(req);
    const isWrite = method !== "GET";
    // Signed out, the user call answers 403 (idx:69052908732: "`GET /api/v2/users/current` … 403 when signed
    // out"; its body is not recorded there: Vinted's 403 envelope as seen on other calls, idx:66531731678
    // `{"code":106,"message":"Accès refusé","message_code":"access_denied"}`); other calls without a session get
    // 401 (idx:69052908732: "Requests with no cookies get 401").
    if (
      p === "/api/v2/users/current" &&
      !this.switches.stale &&
      (!this.loggedIn(req) || this.switches.loggedOut)
    )
      return json(403, { code: 106, message: "Accès refusé", message_code: "access_denied" });
    if (!this.loggedIn(req) || this.switches.stale || this.switches.loggedOut)
      return json(401, { code: 100, message: "invalid_authentication_token" });
    if (isWrite) {
      this.writesReceived++;
      this.writeHeaders.push({ method, path: p, headers: req.headers });
      const hold = this.switches.holdAfter;
      if (hold && this.answered[hold.kind] >= hold.count) {
        this.log.push({ method, path: p, status: 0 });
        return; // never answered: the test kills the client meanwhile
      }
      // Writes need the page's CSRF token; without it: 403 access_denied (vinted.md "The web app's own JSON calls").
      if (
        req.headers["x-csrf-token"] !== this.csrf ||
        this.switches.forbidden ||
        this.switches.forbiddenOnWrite === this.writesReceived
      )
        return json(403, { code: 106, message: "access_denied" });
      if (this.switches.captchaOnWrite === this.writesReceived) {
        const cid = randomBytes(6).toString("hex");
        if (this.switches.captchaForm === "json")
          // DataDome's XHR form: 403 with the captcha URL in a JSON body (see Switches.captchaForm).
          return json(403, { url: `https://geo.captcha-delivery.com/captcha/?initialCid=${cid}&cid=x` });
        // Vinted's own (idx:69052908732): a 403 HTML stub with `var dd={…}` and ct.captcha-delivery.com/c.js.
        return send(
          403,
          `<html><body><script>var dd={'rt':'c','cid':'${cid}','hsh':'0A1B2C3D','t':'bv'}</script><script src="https://ct.captcha-delivery.com/c.js"></script></body></html>`,
          { "content-type": "text/html;charset=utf-8" },
        );
      }
      if (this.switches.rateLimit !== null) {
        const retry = this.switches.rateLimit;
        this.switches.rateLimit = null;
        return json(429, { code: 429, message: "Too many requests" }, { "retry-after": retry });
      }
    }
    if (p === "/api/v2/users/current")
      return json(200, { user: { id: this.memberId, login: "replica_seller" } });
    if (p === "/api/v2/item_upload/catalogs") return json(200, { catalogs: this.tree() });
    if (p === "/api/v2/item_upload/colors") return json(200, { colors: COLORS });
    // Package sizes (idx:51777029943 reads /api/v2/package_sizes; vinted.md: 1/2/3 small/medium/large).
    if (p === "/api/v2/package_sizes")
      return json(200, {
        package_sizes: [1, 2, 3].map((id) => ({ id, title: ["Petit", "Moyen", "Grand"][id - 1] })),
      });
    if (p === "/api/v2/item_upload/size_groups") {
      const id = Number(u.searchParams.get("catalog_ids[]"));
      return json(200, {
        size_groups: [
          {
            id: [183, 1839, 1864, 257, 1816].includes(id) ? 2 : 1,
            sizes: [1839, 1864, 1816].includes(id) ? JEANS : TOPS,
          },
        ],
      });
    }
    if (p === "/api/v2/brands") {
      const q = (u.searchParams.get("q") ?? "").toLowerCase();
      return json(200, { brands: BRANDS.filter((b) => b.title.toLowerCase().includes(q)) });
    }
    if (p === "/api/v2/photos" && method === "POST") {
      // Multipart photo[type]=item, photo[temp_uuid], photo[file] (idx:51777029943); answer {id,url,…} (idx:40639096502).
      const file = multipartFile(body, req.headers["content-type"] ?? "", "photo[file]");
      if (!file)
        return json(400, {
          code: 99,
          message_code: "validation_error",
          errors: [{ field: "photo", value: "Ajoute une photo" }],
        });
      this.photoUploads.push(createHash("sha256").update(file).digest("hex"));
      const id = this.nextPhoto++;
      this.answered.photo++;
      return json(200, { id, url: `${this.url}/photos/${id}.jpg`, width: 800, height: 1200 });
    }
    // The drafts list, paginated: vinted.md ("The web app's own JSON calls": GET …/drafts?per_page=96). A public
    // relister's background script (idx:56707219724) asks `per_page=96&page=N` from page 1, reads `drafts` (or
    // `items`), each with its `id` and `title`, and reads on while `page <= pagination.total_pages`; StoFlow's
    // reference (idx:40639096502) records Vinted's `pagination` as `{current_page, total_pages, total_entries}`.
    // Without per_page: 20, StoFlow's recorded default (for my_orders; none is recorded for drafts). No source
    // records the list's order: oldest first here. A page past the last one is empty.
    if (p === "/api/v2/item_upload/drafts" && method === "GET") {
      const cap = this.switches.draftsPageCap;
      const perPage = Math.min(cap ?? Infinity, Math.max(1, Number(u.searchParams.get("per_page")) || 20));
      const pageNo = Math.max(1, Number(u.searchParams.get("page")) || 1);
      this.draftPagesServed.push(pageNo);
      if (this.switches.failDraftsPage === pageNo) return json(500, { code: 500, message: "internal_error" });
      const all = [...this.items.values()].filter((i) => i.is_draft);
      const drafts = all
        .slice((pageNo - 1) * perPage, pageNo * perPage)
        .map((i) => ({ id: i.id, title: i.fields.title }));
      if (cap !== null) return json(200, { drafts });
      return json(200, {
        drafts,
        pagination: {
          current_page: pageNo,
          total_pages: Math.ceil(all.length / perPage),
          total_entries: all.length,
        },
      });
    }
    if (p === "/api/v2/item_upload/drafts" && method === "POST") {
      const flags = missingUploadFlags(req.headers);
      if (flags) return flags(json);
      const draft = (JSON.parse(body.toString("utf8")) as { draft: Record<string, unknown> }).draft;
      if (this.switches.echoSecrets)
        // A refusal that echoes the request back: whatever it holds must never land in a vbulk file in clear.
        return json(400, {
          code: 99,
          message_code: "validation_error",
          errors: [
            { field: "session", value: `csrf ${req.headers["x-csrf-token"]} cookie ${req.headers.cookie}` },
          ],
        });
      const bad = this.leafError(draft.catalog_id);
      if (bad) return json(400, { code: 99, message_code: "validation_error", errors: [bad] });
      const id = this.nextId++;
      this.items.set(id, { id, is_draft: true, fields: draft, photo_ids: photoIds(draft) });
      this.answered.draft++;
      if (this.switches.swallowDraft) {
        this.switches.swallowDraft = false;
        this.log.push({ method, path: p, status: 0 });
        return; // saved, never answered: the client cannot know the id
      }
      if (this.switches.draftDelayMs) await new Promise((r) => setTimeout(r, this.switches.draftDelayMs));
      // The create answers a stub, an id and little else (Bumpline CHANGELOG, idx:57354761583).
      return json(200, { draft: { id, is_draft: true } });
    }
    const draftPath = p.match(/^\/api\/v2\/item_upload\/drafts\/(\d+)(\/completion)?$/);
    if (draftPath) {
      const flags = missingUploadFlags(req.headers);
      if (flags) return flags(json);
      const item = this.items.get(Number(draftPath[1]));
      if (!item) return json(404, { code: 404, message: "not_found" });
      // A published item's draft URL answers 403 access_denied (idx:67586289812).
      if (!item.is_draft) return json(403, { code: 106, message: "access_denied" });
      const draft = (JSON.parse(body.toString("utf8")) as { draft: Record<string, unknown> }).draft;
      if (method === "PUT") {
        item.fields = draft;
        item.photo_ids = photoIds(draft);
        return json(200, { draft: { id: item.id } });
      }
      // Completion validates the payload sent WITH it, not the stored draft (Bumpline CHANGELOG idx:57354761583).
      const errors = completionErrors(draft);
      if (errors.length) return json(400, { code: 99, message_code: "validation_error", errors });
      item.fields = draft;
      // "Vinted attaches the photos held by the draft rather than the ones named in the request" (idx:57354761583):
      // the item keeps the photos its create or update gave it.
      item.is_draft = false;
      this.answered.completion++;
      return json(200, { item: { id: item.id } });
    }
    // The owner's view (vinted.md: GET /api/v2/item_upload/items/<id>); the public one answers 404 since 2025.
    const owner = p.match(/^\/api\/v2\/item_upload\/items\/(\d+)$/);
    if (owner) {
      const item = this.items.get(Number(owner[1]));
      if (!item) return json(404, { code: 404, message: "not_found" });
      return json(200, {
        item: {
          id: item.id,
          title: item.fields.title,
          price: item.fields.price,
          is_draft: item.is_draft,
          is_closed: false,
          // The owner's view (GET /api/v2/item_upload/items/<id>) answers { item: { photos: [{ id, … }] } }: a relister
          // reads item.photos[].id there and sends them back as assigned_photos (idx:51996921312), and falls back
          // to [] when `photos` is absent; ownerViewNoPhotos models that answer.
          ...(this.switches.ownerViewNoPhotos
            ? {}
            : {
                photos: item.photo_ids.map((id, i) => ({
                  id,
                  image_no: i + 1,
                  url: `${this.url}/photos/${id}.jpg`,
                })),
              }),
        },
      });
    }
    if (/^\/api\/v2\/items\/\d+$/.test(p)) return json(404, { code: 404, message: "not_found" });
    return json(404, { code: 404, message: "not_found" });
  }

  private tree(): Node[] {
    const prune = (nodes: Node[]): Node[] =>
      nodes
        .filter((n) => !this.removedLeaves.has(n.id))
        .map((n) => (n.catalogs ? { ...n, catalogs: prune(n.catalogs) } : n));
    return prune(CATALOG);
  }

  /** A catalog_id must be a leaf (vinted.md "The listing"). */
  private leafError(id: unknown): { field: string; value: string } | null {
    const find = (nodes: Node[]): Node | null => {
      for (const n of nodes) {
        if (n.id === id) return n;
        const hit = n.catalogs ? find(n.catalogs) : null;
        if (hit) return hit;
      }
      return null;
    };
    const node = find(this.tree());
    if (!node || node.catalogs?.length) return { field: "catalog_id", value: "Choisis une catégorie" };
    return null;
  }
}

function photoIds(draft: Record<string, unknown>): number[] {
  return ((draft.assigned_photos as { id: number }[] | undefined) ?? []).map((p) => p.id);
}

/**
 * A create, update or completion without the upload form's dynamic-attribute headers: 500 {"code":105}, as measured
 * by idx:69052908732 (vinted.pt, 2026-09-16: "without the dynamic-attribute headers the create answered 500
 * {"code":105} too") and idx:69050932328 ("a create without them answered 500 {"code":105} with an otherwise identical
 * body"). Only those three are required here: the sources measured their absence, not that of x-upload-form or
 * locale (which vbulk sends anyway). Returns the answer to send, or null when they are there.
 */
function missingUploadFlags(
  h: IncomingHttpHeaders,
): ((json: (s: number, b: unknown) => void) => void) | null {
  const needed = [
    "x-enable-dynamic-attribute-condition",
    "x-enable-dynamic-attribute-size",
    "x-enable-dynamic-attribute-video-game-rating",
  ];
  if (needed.every((k) => h[k] === "true")) return null;
  return (json) => json(500, { code: 105 });
}

/**
 * Leaves that take no size: Bumpline 1.1.2 (idx:57354761583) relists earrings, necklaces, backpacks, sunglasses
 * without one ("Vinted accepted it without one"), though size_groups answers the branch's clothing sizes for them (as
 * the replica's does). Here: the caps, beanies and bags of the tree above.
 */
const SIZELESS = new Set([230, 2934, 156, 157, 287, 2964]);

/**
 * What completion refuses, in Vinted's words where a source gives them (Bumpline CHANGELOG idx:57354761583:
 * completion refused "with all nine required fields reported empty (… category, price, package size, condition,
 * size, brand, colour)"; idx:55162460674, a real 400 on vinted.fr: `errors:[{"field":"brand",…},…,
 * {"field":"condition",…},…,{"field":"color",…},{"field":"price",…}]`).
 */
function completionErrors(d: Record<string, unknown>): { field: string; value: string }[] {
  const errors: { field: string; value: string }[] = [];
  const attrs = (d.item_attributes as { code: string; ids: number[] }[] | undefined) ?? [];
  if (!d.title) errors.push({ field: "title", value: "Fill in title" });
  if (!d.catalog_id) errors.push({ field: "catalog_id", value: "Fill in category" });
  if (!d.price) errors.push({ field: "price", value: "Fill in price" });
  // Either spelling of the condition: the form sends the attribute (idx:69052908732), Bumpline both.
  if (!d.status_id && !attrs.some((a) => a.code === "condition" && a.ids.length))
    errors.push({ field: "condition", value: "Fill in condition" });
  // A brand id, or a brand typed as text (the form's custom-select-brand, vinted.md); "" is no brand.
  if (!d.brand_id && !(typeof d.brand === "string" && d.brand.trim()))
    errors.push({ field: "brand", value: "Fill in brand" });
  if (!Array.isArray(d.color_ids) || !d.color_ids.length)
    errors.push({ field: "color", value: "Fill in colour" });
  if (!d.package_size_id) errors.push({ field: "package_size_id", value: "Fill in package size" });
  // idx:57354761583 [1.0.0], measured: "`size_id` alone passes, the attribute alone does not, both together pass";
  // [1.1.2]: a leaf that takes no size publishes without one.
  if (!d.size_id && !SIZELESS.has(d.catalog_id as number))
    errors.push({ field: "size", value: "Fill in size to continue" });
  // [1.0.0]: "`assigned_photos` is what creates a draft; completion refuses it with `photos: Error uploading
  // photo`"; the completion spelling is `photos: [{id, orientation}]` (Bumpline content.js forCompletion).
  if (d.assigned_photos !== undefined) errors.push({ field: "photos", value: "Error uploading photo" });
  return errors;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function multipartFile(body: Buffer, contentType: string, field: string): Buffer | null {
  const boundary = contentType.match(/boundary=(?:"([^"]+)"|([^;]+))/);
  if (!boundary) return null;
  const sep = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = body.indexOf(sep);
  while (at >= 0) {
    const next = body.indexOf(sep, at + sep.length);
    if (next < 0) break;
    const part = body.subarray(at + sep.length, next);
    const headEnd = part.indexOf("\r\n\r\n");
    if (headEnd >= 0 && part.subarray(0, headEnd).toString("utf8").includes(`name="${field}"`))
      return part.subarray(headEnd + 4, part.length - 2);
    at = next;
  }
  return null;
}

/**
 * A page of the web app: the CSRF token in the page payload (idx:40025226648), and the OneTrust cookie banner
 * (`#onetrust-reject-all-handler`, vinted.md) until a choice is stored in OptanonAlertBoxClosed.
 */
function page(title: string, body: string, csrf: string | null): string {
  const app = csrf === null ? `{"locale":"fr"}` : `{"CSRF_TOKEN":"${csrf}","locale":"fr"}`;
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title}</title>
<script>window.__APP__=${app};</script></head><body>${body}
<div id="onetrust-banner-sdk" hidden><button id="onetrust-reject-all-handler">Continuer sans accepter</button></div>
<script>
if (!document.cookie.includes("OptanonAlertBoxClosed")) document.getElementById("onetrust-banner-sdk").hidden = false;
document.getElementById("onetrust-reject-all-handler").onclick = () => {
  document.cookie = "OptanonAlertBoxClosed=" + new Date().toISOString() + "; path=/";
  document.getElementById("onetrust-banner-sdk").hidden = true;
};
</script></body></html>`;
}

const LOGIN_HTML = `<form method="post" action="/member/login"><input name="username" data-testid="login-username"><input name="password" type="password" data-testid="login-password"><button type="submit" data-testid="login-submit">Se connecter</button></form>`;

/** The upload form's fields as live captures recorded them (vinted.md "The web upload form"), for doctor's snapshot. */
const UPLOAD_FORM = `<form>
<input type="file" data-testid="add-photos-input" hidden>
<label for="title">Titre</label><input id="title" data-testid="title--input">
<label for="description">Décris ton article</label><textarea id="description" data-testid="description--input"></textarea>
<input data-testid="catalog-select-dropdown-input" aria-label="Catégorie">
<label for="price">Prix</label><input id="price" data-testid="price-input--input">
<input type="checkbox" data-testid="bump-checkbox--input" aria-label="Booster">
<button type="button" data-testid="upload-form-save-draft-button">Sauvegarder le brouillon</button>
<button type="submit" data-testid="upload-form-save-button">Ajouter</button>
</form>`;

if (process.argv[1]?.endsWith("server.ts")) {
  const replica = new VintedReplica();
  const url = await replica.start();
  process.stdout.write(`Vinted replica on ${url} (log in at ${url}/member/login with anything)\n`);
}
