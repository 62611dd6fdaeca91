import type { BrowserContext, Page } from "playwright-core";
import {
  ChallengeError,
  ListingRejectedError,
  RateLimitError,
  SessionExpiredError,
  TransientError,
} from "./errors.js";
import { fill, type Selectors } from "./selectors.js";

/** What the adapter needs of a planned item. */
export interface ListingInput {
  clusterId: string;
  title: string;
  description: string;
  price: number;
  photos: string[];
  catalogPath: string[];
  brand: string;
  size: string | null;
  statusId: number;
  colorIds: number[];
  packageSizeId: number | null;
}

export interface DraftRef {
  draftId: string;
  url: string;
}

/** The Vinted operations vbulk needs. Page objects implement it; pacing and retries live in the runner. */
export interface VintedAdapter {
  checkSession(): Promise<boolean>;
  prepareDraft(item: ListingInput): Promise<DraftRef>;
  publish(draft: DraftRef): Promise<{ listingUrl: string }>;
  /** A draft already saved for this title (after a crash between saving and recording). */
  findDraft(title: string): Promise<DraftRef | null>;
  /** Whether a draft was published already, and where. */
  listingOf(draft: DraftRef): Promise<string | null>;
  close(): Promise<void>;
}

export interface AdapterOptions {
  baseUrl: string;
  selectors: Selectors;
  /** Small random pauses between form actions, as a person makes [min, max] ms. */
  humanDelayMs: [number, number];
  /** How long one page action may take. */
  timeoutMs: number;
}

/** Page object for the upload form: locators and intent methods, no pacing or retry. */
class UploadForm {
  constructor(
    private readonly page: Page,
    private readonly sel: Selectors,
    private readonly pause: () => Promise<void>,
  ) {}

  private loc(selector: string) {
    return this.page.locator(selector);
  }

  async addPhotos(files: string[]): Promise<void> {
    await this.loc(this.sel.form.photos).setInputFiles(files);
    await this.waitFor(
      async () => (await this.loc(this.sel.form.photoThumb).count()) >= files.length,
      `${files.length} photos uploaded`,
    );
  }

  async fillText(title: string, description: string, price: number): Promise<void> {
    await this.loc(this.sel.form.title).fill(title);
    await this.pause();
    await this.loc(this.sel.form.description).fill(description);
    await this.pause();
    await this.loc(this.sel.form.price).fill(String(price));
  }

  async chooseCategory(path: string[]): Promise<void> {
    await this.loc(this.sel.form.categoryOpen).click();
    await this.loc(this.sel.form.categorySearch).fill(path.at(-1)!);
    const wanted = path.join(" > ");
    const options = this.loc(this.sel.form.categoryOption);
    await options
      .first()
      .waitFor({ timeout: 5000 })
      .catch(() => {});
    const texts = await options.allTextContents();
    const index = texts.findIndex((t) => t.trim() === wanted);
    if (index < 0)
      throw new ListingRejectedError(`The category "${wanted}" is not offered by the upload form`);
    await options.nth(index).click();
  }

  async chooseBrand(brand: string): Promise<void> {
    await this.loc(this.sel.form.brandOpen).click();
    if (brand !== "Unknown") {
      await this.loc(this.sel.form.brandSearch).fill(brand);
      const named = this.page.getByRole("radio", { name: brand, exact: true });
      // click, not check: the panel closes (and unmounts its options) as soon as one is chosen.
      if ((await named.count()) > 0) return named.first().click();
    }
    await this.loc(fill(this.sel.form.brandOption, { id: this.sel.form.noBrandId })).click();
  }

  async chooseSize(size: string): Promise<void> {
    await this.loc(this.sel.form.sizeOpen).click();
    const option = this.loc(fill(this.sel.form.sizeOption, { size }));
    if ((await option.count()) === 0)
      throw new ListingRejectedError(`The size "${size}" is not offered for this category`);
    await option.click();
  }

  async chooseCondition(statusId: number): Promise<void> {
    await this.loc(this.sel.form.conditionOpen).click();
    await this.loc(fill(this.sel.form.conditionOption, { id: statusId })).click();
  }

  async chooseColors(ids: number[]): Promise<void> {
    await this.loc(this.sel.form.colorOpen).click();
    for (const id of ids.slice(0, 2)) await this.loc(fill(this.sel.form.colorOption, { id })).check();
    await this.loc(this.sel.form.colorOpen).click();
  }

  async choosePackageSize(id: number): Promise<void> {
    await this.loc(fill(this.sel.form.packageSize, { id })).check();
  }

  /** Clicks a save/publish button and waits until the page leaves `fromPath`, or the form shows an error. */
  async submit(button: string, fromPath: RegExp): Promise<string> {
    await this.loc(button).click();
    await this.waitFor(async () => !fromPath.test(new URL(this.page.url()).pathname), "the page to move on");
    return this.page.url();
  }

  /** Polls `done`, turning a form error or a challenge into the matching error meanwhile. */
  async waitFor(done: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (await done()) return;
      await throwIfChallenge(this.page, this.sel);
      const error = this.loc(this.sel.form.error);
      if ((await error.count()) && (await error.isVisible())) {
        const status = Number(await error.getAttribute("data-status"));
        const retry = await error.getAttribute("data-retry-after");
        throw errorForStatus(status, (await error.textContent()) ?? "", retry ? Number(retry) : null);
      }
      await this.page.waitForTimeout(100);
    }
    throw new TransientError(`Timed out waiting for ${what}`);
  }
}

export function errorForStatus(status: number, message: string, retryAfter: number | null): Error {
  if (status === 429) return new RateLimitError(retryAfter);
  if (status === 401) return new SessionExpiredError();
  if (status >= 500 || status === 0)
    return new TransientError(`Vinted answered ${status}: ${message.trim()}`);
  return new ListingRejectedError(`Vinted refused the listing (${status}): ${message.trim()}`);
}

async function throwIfChallenge(page: Page, sel: Selectors): Promise<void> {
  for (const s of sel.challenge)
    if ((await page.locator(s).count()) > 0) throw new ChallengeError(new URL(page.url()).pathname);
}

/** The Playwright implementation of the adapter over the real upload form (one tab, never parallel). */
export function createPlaywrightAdapter(context: BrowserContext, opts: AdapterOptions): VintedAdapter {
  const sel = opts.selectors;
  const url = (path: string) => new URL(path, opts.baseUrl).toString();
  const pause = async () => {
    const [min, max] = opts.humanDelayMs;
    if (max > 0) await new Promise((r) => setTimeout(r, min + Math.random() * (max - min)));
  };
  let pagePromise: Promise<Page> | null = null;
  const page = () => {
    pagePromise ??= context.newPage().then((p) => {
      p.setDefaultTimeout(opts.timeoutMs);
      return p;
    });
    return pagePromise;
  };
  const open = async (path: string): Promise<Page> => {
    const p = await page();
    let response: Awaited<ReturnType<Page["goto"]>>;
    try {
      response = await p.goto(url(path), { waitUntil: "domcontentloaded" });
    } catch (err) {
      throw new TransientError(`Could not open ${path}: ${(err as Error).message.split("\n")[0]}`);
    }
    await throwIfChallenge(p, sel);
    if (new URL(p.url()).pathname.startsWith(sel.paths.login)) throw new SessionExpiredError();
    const status = response?.status() ?? 200;
    if (status >= 400)
      throw errorForStatus(
        status,
        `${path}`,
        Number(response?.headers()["retry-after"] ?? Number.NaN) || null,
      );
    return p;
  };
  const api = async <T>(path: string): Promise<T> => {
    const r = await context.request.get(url(path));
    if (r.status() === 401) throw new SessionExpiredError();
    if (!r.ok()) throw errorForStatus(r.status(), await r.text(), Number(r.headers()["retry-after"]) || null);
    return (await r.json()) as T;
  };
  return {
    async checkSession() {
      const p = await page();
      await p.goto(url(sel.paths.home), { waitUntil: "domcontentloaded" });
      await throwIfChallenge(p, sel);
      return (await p.locator(sel.session.loggedIn).count()) > 0;
    },
    async prepareDraft(item) {
      const p = await open(sel.paths.newItem);
      const form = new UploadForm(p, sel, pause);
      await form.addPhotos(item.photos);
      await pause();
      await form.fillText(item.title, item.description, item.price);
      await pause();
      await form.chooseCategory(item.catalogPath);
      await pause();
      await form.chooseBrand(item.brand);
      if (item.size) await form.chooseSize(item.size);
      await form.chooseCondition(item.statusId);
      if (item.colorIds.length) await form.chooseColors(item.colorIds);
      if (item.packageSizeId) await form.choosePackageSize(item.packageSizeId);
      await pause();
      const after = await form.submit(sel.form.saveDraft, /^\/items\/new/);
      const id = new URL(after).searchParams.get("saved") ?? (await this.findDraft(item.title))?.draftId;
      if (!id) throw new TransientError("The draft was saved but its id could not be read");
      return { draftId: id, url: url(fill(sel.paths.editDraft, { id })) };
    },
    async publish(draft) {
      const p = await open(fill(sel.paths.editDraft, { id: draft.draftId }));
      const form = new UploadForm(p, sel, pause);
      await pause();
      const listingUrl = await form.submit(sel.form.publish, /\/edit$/);
      return { listingUrl };
    },
    async findDraft(title) {
      const { drafts } = await api<{ drafts: { id: number; title: string }[] }>(sel.api.drafts);
      const d = drafts.find((x) => x.title === title);
      return d ? { draftId: String(d.id), url: url(fill(sel.paths.editDraft, { id: d.id })) } : null;
    },
    async listingOf(draft) {
      const { item } = await api<{ item: { status: string; url: string } }>(
        fill(sel.api.item, { id: draft.draftId }),
      );
      return item.status === "published" ? item.url : null;
    },
    async close() {
      if (pagePromise) await (await pagePromise).close().catch(() => {});
    },
  };
}
