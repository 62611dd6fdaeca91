/**
 * A small local replica of Vinted's web upload flow for end-to-end tests (not a mock of the adapter): login with
 * session cookies, /items/new with the data-testids of ../shared/vinted.md and dependent fields that appear only
 * after a leaf category is chosen, photo upload, save draft (which navigates away), drafts list, publishing a
 * draft, a CSRF token, and switches for 429 + Retry-After, 500, slow answers, an expired session and a
 * DataDome-style challenge. Listens on 127.0.0.1 only.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Draft {
  id: number;
  title: string;
  description: string;
  catalog_id: number | null;
  brand_id: number | null;
  size: string | null;
  status_id: number | null;
  color_ids: number[];
  package_size_id: number | null;
  price: number | null;
  photo_ids: number[];
  published: boolean;
}

export interface Switches {
  /** Answer the next N writes with 429 and this Retry-After (seconds). */
  rateLimit: { count: number; retryAfter: number };
  /** Answer the next N writes with 500. */
  serverErrors: number;
  /** Delay every answer by this many ms. */
  slowMs: number;
  /** The session is refused (401 on writes, login page on pages). */
  expired: boolean;
  /** Show a DataDome-style challenge once this many drafts exist (null: never). */
  challengeAfterDrafts: number | null;
}

export const CATALOG: { id: number; path: string[] }[] = [
  { id: 1812, path: ["Femmes", "Vêtements", "Sweats et sweats à capuche", "Sweats à capuche"] },
  { id: 1813, path: ["Hommes", "Vêtements", "Sweats et pulls", "Sweats à capuche"] },
  { id: 221, path: ["Femmes", "Vêtements", "Hauts et t-shirts", "T-shirts"] },
  { id: 77, path: ["Hommes", "Vêtements", "Hauts et t-shirts", "T-shirts"] },
  { id: 183, path: ["Femmes", "Vêtements", "Jeans"] },
  { id: 257, path: ["Hommes", "Vêtements", "Jeans"] },
];
const BRANDS = [
  { id: 0, name: "Sans marque" },
  { id: 53, name: "Nike" },
  { id: 14, name: "Adidas" },
];
const SIZES = ["XS", "S", "M", "L", "XL", "36", "38", "40", "W30", "W32"];

export class VintedReplica {
  readonly drafts = new Map<number, Draft>();
  readonly photos = new Map<number, number>();
  readonly log: { method: string; path: string; status: number }[] = [];
  readonly switches: Switches = {
    rateLimit: { count: 0, retryAfter: 2 },
    serverErrors: 0,
    slowMs: 0,
    expired: false,
    challengeAfterDrafts: null,
  };
  /** Secrets the tests check never leak. */
  readonly sessionToken = `at_${randomBytes(16).toString("hex")}`;
  readonly refreshToken = `rt_${randomBytes(16).toString("hex")}`;
  readonly datadome = `dd_${randomBytes(12).toString("hex")}`;
  readonly csrf = randomBytes(12).toString("hex");
  private nextId = 1000;
  private server: Server | null = null;
  url = "";

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err) => {
        res.writeHead(500).end(String(err));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The cookies a logged-in browser holds (what `vbulk login` saves). */
  cookies(): {
    name: string;
    value: string;
    domain: string;
    path: string;
    expires: number;
    httpOnly: boolean;
    secure: boolean;
    sameSite: "Lax";
  }[] {
    return [
      {
        name: "access_token_web",
        value: this.sessionToken,
        domain: "127.0.0.1",
        path: "/",
        expires: -1,
        httpOnly: true,
        secure: false,
        sameSite: "Lax",
      },
      {
        name: "refresh_token_web",
        value: this.refreshToken,
        domain: "127.0.0.1",
        path: "/",
        expires: -1,
        httpOnly: true,
        secure: false,
        sameSite: "Lax",
      },
      {
        name: "datadome",
        value: this.datadome,
        domain: "127.0.0.1",
        path: "/",
        expires: -1,
        httpOnly: false,
        secure: false,
        sameSite: "Lax",
      },
    ];
  }

  private loggedIn(req: IncomingMessage): boolean {
    const cookie = req.headers.cookie ?? "";
    return !this.switches.expired && cookie.split(/;\s*/).includes(`access_token_web=${this.sessionToken}`);
  }

  private challengeActive(): boolean {
    const n = this.switches.challengeAfterDrafts;
    return n !== null && this.drafts.size >= n;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.switches.slowMs) await new Promise((r) => setTimeout(r, this.switches.slowMs));
    const url = new URL(req.url ?? "/", this.url);
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      this.log.push({ method: req.method ?? "GET", path: url.pathname, status });
      res.writeHead(status, { "content-type": "text/html; charset=utf-8", ...headers }).end(body);
    };
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      send(status, JSON.stringify(body), { "content-type": "application/json", ...headers });
    const p = url.pathname;

    if (p === "/member/login" && req.method === "GET") return send(200, page("Connexion", LOGIN_HTML));
    if (p === "/member/login" && req.method === "POST") {
      const cookies = this.cookies().map(
        (c) => `${c.name}=${c.value}; Path=/${c.httpOnly ? "; HttpOnly" : ""}`,
      );
      this.switches.expired = false;
      res.writeHead(302, { location: "/", "set-cookie": cookies }).end();
      this.log.push({ method: "POST", path: p, status: 302 });
      return;
    }
    if (p === "/geo.captcha-delivery.com/captcha/")
      return send(200, page("captcha", "<p>Slide right to complete the puzzle</p>"));

    const isApi = p.startsWith("/api/");
    if (!this.loggedIn(req)) {
      if (isApi) return json(401, { code: 100, message: "invalid_authentication_token" });
      return send(302, "", { location: `/member/login?ref_url=${encodeURIComponent(p)}` });
    }
    if (p === "/") return send(200, page("Vinted", `<div data-testid="header--user-menu">test-seller</div>`));

    if (this.challengeActive() && !isApi && (p === "/items/new" || p.endsWith("/edit")))
      return send(
        403,
        page(
          "Vinted",
          `<p>Please enable JS and disable any ad blocker</p><iframe src="/geo.captcha-delivery.com/captcha/?initialCid=abc" title="DataDome CAPTCHA" width="400" height="300"></iframe>`,
        ),
      );

    if (p === "/items/new") return send(200, page("Vendre un article", formHtml(this.csrf, null)));
    const edit = /^\/items\/(\d+)\/edit$/.exec(p);
    if (edit) {
      const d = this.drafts.get(Number(edit[1]));
      return d ? send(200, page("Modifier", formHtml(this.csrf, d))) : send(404, page("404", "not found"));
    }
    const item = /^\/items\/(\d+)$/.exec(p);
    if (item) {
      const d = this.drafts.get(Number(item[1]));
      return d?.published
        ? send(200, page(d.title, `<h1 data-testid="item-title">${esc(d.title)}</h1>`))
        : send(404, page("404", "not found"));
    }
    if (p === "/member/items/drafts")
      return send(
        200,
        page(
          "Brouillons",
          [...this.drafts.values()]
            .filter((d) => !d.published)
            .map((d) => `<div data-testid="draft-${d.id}">${esc(d.title)}</div>`)
            .join(""),
        ),
      );

    if (isApi) {
      if (req.method === "GET" && p === "/api/v2/item_upload/drafts")
        return json(200, { drafts: [...this.drafts.values()].filter((d) => !d.published) });
      const itemApi = /^\/api\/v2\/items\/(\d+)$/.exec(p);
      if (req.method === "GET" && itemApi) {
        const d = this.drafts.get(Number(itemApi[1]));
        return d
          ? json(200, {
              item: {
                id: d.id,
                status: d.published ? "published" : "draft",
                url: `${this.url}/items/${d.id}`,
              },
            })
          : json(404, { message: "not found" });
      }
      if (req.method !== "POST") return json(405, { message: "method not allowed" });
      // Every write: CSRF, challenge, rate limit, server error switches.
      if (req.headers["x-csrf-token"] !== this.csrf)
        return json(403, { code: "access_denied", message: "access_denied" });
      if (this.challengeActive())
        return json(403, { url: "https://geo.captcha-delivery.com/captcha/?initialCid=abc" });
      if (this.switches.rateLimit.count > 0) {
        this.switches.rateLimit.count--;
        return json(
          429,
          { message: "Too many requests" },
          { "retry-after": String(this.switches.rateLimit.retryAfter) },
        );
      }
      if (this.switches.serverErrors > 0) {
        this.switches.serverErrors--;
        return json(500, { message: "Internal error" });
      }
      const body = await readBody(req);
      if (p === "/api/v2/photos") {
        const id = this.nextId++;
        this.photos.set(id, body.length);
        return json(200, { id });
      }
      if (p === "/api/v2/item_upload/drafts") {
        const d = JSON.parse(body.toString("utf8")) as Omit<Draft, "id" | "published">;
        const problems = validate(d);
        if (problems.length) return json(422, { message: problems.join("; ") });
        const id = this.nextId++;
        this.drafts.set(id, { ...d, id, published: false });
        return json(200, { draft: { id } });
      }
      const completion = /^\/api\/v2\/item_upload\/drafts\/(\d+)\/completion$/.exec(p);
      if (completion) {
        const d = this.drafts.get(Number(completion[1]));
        if (!d) return json(404, { message: "not found" });
        d.published = true;
        return json(200, { item: { id: d.id, url: `${this.url}/items/${d.id}` } });
      }
    }
    send(404, page("404", "not found"));
  }
}

function validate(d: Omit<Draft, "id" | "published">): string[] {
  const out: string[] = [];
  if (!d.title) out.push("title: Fill in title");
  if (!d.description) out.push("description: Fill in description");
  if (!d.catalog_id) out.push("catalog: Choose a category");
  if (!d.photo_ids?.length) out.push("photos: Add photos");
  if (!d.price) out.push("price: Fill in price");
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>${body}</body></html>`;
}

const LOGIN_HTML = `<form method="post" action="/member/login"><input name="username" data-testid="login-username"><input name="password" type="password" data-testid="login-password"><button type="submit" data-testid="login-submit">Se connecter</button></form>`;

function formHtml(csrf: string, draft: Draft | null): string {
  const catalog = JSON.stringify(CATALOG);
  const brands = JSON.stringify(BRANDS);
  const sizes = JSON.stringify(SIZES);
  const publishButton = draft
    ? `<button type="button" data-testid="upload-form-save-button">Ajouter</button>`
    : "";
  return `<meta name="csrf-token" content="${csrf}">
<div data-testid="form-error" hidden></div>
<input type="file" multiple accept="image/*" data-testid="add-photos-input">
<div id="thumbs"></div>
<input data-testid="title--input" value="${draft ? esc(draft.title) : ""}">
<textarea data-testid="description--input">${draft ? esc(draft.description) : ""}</textarea>
<button type="button" data-testid="catalog-select-dropdown-input">Catégorie</button>
<div id="catalog-panel"></div>
<div id="dependent" hidden>
  <button type="button" data-testid="brand-select-dropdown-input">Marque</button><div id="brand-panel"></div>
  <button type="button" data-testid="category-size-single-grid-input">Taille</button><div id="size-panel"></div>
  <button type="button" data-testid="category-condition-single-list-input">État</button><div id="condition-panel"></div>
  <button type="button" data-testid="color-select-dropdown-input">Couleur</button><div id="color-panel"></div>
  <div id="package">${[1, 2, 3].map((i) => `<label><input type="radio" name="pkg" data-testid="package-size-${i}" value="${i}">${["Petit", "Moyen", "Grand"][i - 1]}</label>`).join("")}</div>
</div>
<input data-testid="price-input--input" value="${draft?.price ?? ""}">
<button type="button" data-testid="upload-form-save-draft-button">Sauvegarder le brouillon</button>
${publishButton}
<script>
const CATALOG = ${catalog}, BRANDS = ${brands}, SIZES = ${sizes};
const state = ${JSON.stringify(draft ?? { photo_ids: [], catalog_id: null, brand_id: null, size: null, status_id: null, color_ids: [], package_size_id: null })};
const $ = (t) => document.querySelector('[data-testid="' + t + '"]');
const csrf = document.querySelector('meta[name=csrf-token]').content;
function fail(status, body) {
  if (status === 403 && body && body.url && body.url.includes('captcha-delivery')) {
    const f = document.createElement('iframe'); f.src = '/geo.captcha-delivery.com/captcha/?initialCid=abc'; f.title = 'DataDome CAPTCHA'; document.body.appendChild(f); return;
  }
  const e = $('form-error'); e.hidden = false; e.dataset.status = String(status); e.dataset.retryAfter = body && body.retryAfter || '';
  e.textContent = status + ' ' + (body && body.message || '');
}
async function post(path, body, isForm) {
  const r = await fetch(path, { method: 'POST', headers: isForm ? { 'X-CSRF-Token': csrf } : { 'X-CSRF-Token': csrf, 'content-type': 'application/json' }, body });
  let data = null; try { data = await r.json(); } catch {}
  if (data && r.headers.get('retry-after')) data.retryAfter = r.headers.get('retry-after');
  return { ok: r.ok, status: r.status, data };
}
$('add-photos-input').addEventListener('change', async (ev) => {
  for (const file of ev.target.files) {
    const fd = new FormData(); fd.append('photo[file]', file); fd.append('photo[type]', 'item'); fd.append('photo[temp_uuid]', crypto.randomUUID());
    const r = await post('/api/v2/photos', fd, true);
    if (!r.ok) return fail(r.status, r.data);
    state.photo_ids.push(r.data.id);
    const t = document.createElement('div'); t.dataset.testid = 'photo-thumb'; t.textContent = file.name; document.getElementById('thumbs').appendChild(t);
  }
});
function panel(id, html) { const p = document.getElementById(id); p.innerHTML = p.innerHTML ? '' : html; return p; }
$('catalog-select-dropdown-input').addEventListener('click', () => {
  const p = panel('catalog-panel', '<input data-testid="catalog-search-input"><ul id="catalog-options"></ul>');
  const render = (q) => { const ul = document.getElementById('catalog-options'); if (!ul) return;
    ul.innerHTML = CATALOG.filter(c => c.path.join(' > ').toLowerCase().includes(q.toLowerCase())).map(c => '<li role="option" data-testid="catalog-option-' + c.id + '">' + c.path.join(' > ') + '</li>').join(''); };
  render('');
  const s = p.querySelector('input'); if (s) s.addEventListener('input', () => render(s.value));
  p.addEventListener('click', (e) => { const li = e.target.closest('li'); if (!li) return; state.catalog_id = Number(li.dataset.testid.split('-').pop()); p.innerHTML = ''; $('catalog-select-dropdown-input').textContent = li.textContent; document.getElementById('dependent').hidden = false; });
});
$('brand-select-dropdown-input').addEventListener('click', () => {
  const p = panel('brand-panel', '<input data-testid="brand-search--input">' + BRANDS.map(b => '<label><input type="radio" name="brand" data-testid="brand-radio-' + b.id + '" value="' + b.id + '">' + b.name + '</label>').join(''));
  p.addEventListener('change', (e) => { state.brand_id = Number(e.target.value); p.innerHTML = ''; });
});
$('category-size-single-grid-input').addEventListener('click', () => {
  const p = panel('size-panel', SIZES.map(s => '<button type="button" data-testid="size-radio-' + s + '">' + s + '</button>').join(''));
  p.addEventListener('click', (e) => { const b = e.target.closest('button'); if (!b) return; state.size = b.textContent; p.innerHTML = ''; });
});
$('category-condition-single-list-input').addEventListener('click', () => {
  const p = panel('condition-panel', [6, 1, 2, 3, 4].map(i => '<label><input type="radio" name="cond" data-testid="condition-radio-' + i + '" value="' + i + '">' + i + '</label>').join(''));
  p.addEventListener('change', (e) => { state.status_id = Number(e.target.value); p.innerHTML = ''; });
});
$('color-select-dropdown-input').addEventListener('click', () => {
  const p = panel('color-panel', [1,2,3,4,5,6,7,8,9,10,11,12].map(i => '<label><input type="checkbox" data-testid="color-checkbox-' + i + '" value="' + i + '">' + i + '</label>').join(''));
  p.addEventListener('change', (e) => { const v = Number(e.target.value); if (e.target.checked) { state.color_ids.push(v); if (state.color_ids.length > 2) state.color_ids.shift(); } else state.color_ids = state.color_ids.filter(x => x !== v); });
});
document.getElementById('package').addEventListener('change', (e) => { state.package_size_id = Number(e.target.value); });
$('upload-form-save-draft-button').addEventListener('click', async () => {
  const body = { ...state, title: $('title--input').value, description: $('description--input').value, price: Number($('price-input--input').value) || null };
  const r = await post('/api/v2/item_upload/drafts', JSON.stringify(body), false);
  if (!r.ok) return fail(r.status, r.data);
  location.href = '/member/items/drafts?saved=' + r.data.draft.id;
});
const pub = $('upload-form-save-button');
if (pub) pub.addEventListener('click', async () => {
  const r = await post('/api/v2/item_upload/drafts/' + state.id + '/completion', JSON.stringify(state), false);
  if (!r.ok) return fail(r.status, r.data);
  location.href = '/items/' + r.data.item.id;
});
</script>`;
}

/** Starts a replica from the command line, for trying vbulk by hand: `npx tsx test/replica/server.ts`. */
if (process.argv[1]?.endsWith("replica/server.ts")) {
  const r = new VintedReplica();
  const url = await r.start();
  process.stdout.write(`Vinted replica on ${url} (log in at ${url}/member/login with anything)\n`);
}
