import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import sharp from "sharp";
import yazl from "yazl";
import { decide } from "../../src/review/actions.js";
import { type DecidedGone, decidedGoneText } from "../../src/review/page/i18n.js";
import { chromiumPath } from "../../src/vinted/browser.js";
import { saveSession } from "../../src/vinted/session.js";
import { catalogFixture, threeArticles } from "../helpers/catalog.js";
import { writePausedPacing } from "../helpers/pacing.js";
import { BIN, copyFixture, FIXTURES, runCli, tempDir, testEnv } from "../helpers/run.js";
import { VintedReplica } from "../replica/server.js";

const browserPath = chromiumPath();
const skip = browserPath
  ? false
  : process.env.CI === "true"
    ? false
    : "skipped: no Chromium (apt-get install chromium, or set VBULK_CHROMIUM_PATH)";

interface Review {
  child: ChildProcess;
  url: string;
  port: number;
  token: string;
  output: () => string;
}

/** Starts the real `vbulk review DIR --no-open` and waits for the link it prints. */
function startReview(dir: string, env: NodeJS.ProcessEnv): Promise<Review> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "review", dir, "--no-open"], {
      env: { ...env, NO_COLOR: "1" },
    });
    let out = "";
    const onData = (d: Buffer) => {
      out += d;
      const m = /open: (http:\/\/127\.0\.0\.1:(\d+)\/\?t=([\w-]+))/.exec(out);
      if (m) {
        child.stdout?.off("data", onData);
        child.stdout?.on("data", (x) => {
          out += x;
        });
        resolve({ child, url: m[1]!, port: Number(m[2]), token: m[3]!, output: () => out });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (d) => {
      out += d;
    });
    child.on("exit", (code) => reject(new Error(`review exited ${code}: ${out}`)));
  });
}

function stop(r: Review): Promise<number | null> {
  return new Promise((resolve) => {
    if (r.child.exitCode !== null) return resolve(r.child.exitCode);
    r.child.removeAllListeners("exit");
    r.child.on("exit", (code) => resolve(code));
    r.child.kill("SIGINT");
  });
}

/** A raw GET with a chosen Host and an unnormalised path (a browser or fetch would clean `../` away). */
function rawGet(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
): Promise<{ status: number; body: string; headers: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { Host: host } }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body, headers: String(res.headers["content-type"]) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

interface ImageState {
  complete: boolean;
  naturalWidth: number;
}

/** Waits until `min` images of `images` are decoded (a function, not a string: the page's CSP forbids eval). */
async function waitForThumbnails(images: Locator, min: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const shown = await images.evaluateAll(
      (els) => (els as unknown as ImageState[]).filter((e) => e.complete && e.naturalWidth > 0).length,
    );
    if (shown >= min) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`fewer than ${min} thumbnails shown after 30 s`);
}

/** The browser the page is tested in (root, as in CI containers, needs --no-sandbox). */
function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: browserPath,
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
}

const readJson = async (dir: string, f: string) => JSON.parse(await readFile(join(dir, f), "utf8"));

/**
 * Opens an article's listing form as a seller does, by its summary, or focuses it when open already: with the focus
 * in the page, its poll does not re-render it under the test (a render closes a listing that holds no typed value,
 * and a form opened by script, with the focus elsewhere, closed before the test could type).
 */
/** `vbulk review DIR` started and a browser page opened on nothing yet: what a describe's before() sets up. */
async function reviewAndPage(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ review: Review; browser: Browser; page: Page }> {
  const review = await startReview(dir, env);
  const browser = await launchChromium();
  return { review, browser, page: await browser.newPage() };
}

/** Closes what reviewAndPage opened (either may be missing when before() failed). */
async function closeReviewAndPage(review: Review | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  if (review) await stop(review);
}

async function openListing(card: Locator): Promise<void> {
  const summary = card.locator("details.listing summary");
  if ((await card.locator("details.listing").getAttribute("open")) === null) await summary.click();
  else await summary.focus();
  await card.getByLabel("Titre").waitFor();
}

/** What the seller sees of `l`: its rendered text, without what a closed <details> folds away (« Détail technique »). */
function visibleText(l: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point; textContent holds the folded detail too
  return l.innerText();
}

/** Waits (up to 15 s) until `cond` holds: what the page shows after its next poll. */
async function until(cond: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not seen within 15 s: ${what}`);
}

describe("vbulk review (real CLI, real Chromium)", { skip, concurrency: false }, () => {
  let dir: string;
  let review: Review;
  let browser: Browser;
  let page: Page;
  /** The local Vinted replica: nothing may reach it without the typed confirmation; drafts land in it. */
  const replica = new VintedReplica();
  const writes = () => replica.log.filter((l) => l.method === "POST" && l.path.startsWith("/api/"));
  let env: NodeJS.ProcessEnv;

  before(async () => {
    await replica.start();
    const configDir = await tempDir("vbulk-review-config-");
    const configFile = join(configDir, "vbulk.json");
    // Fast pacing for tests (as in execute.test.ts); the publish ceiling itself cannot be raised.
    await writeFile(
      configFile,
      JSON.stringify({
        execute: { writeSpacingMs: [0, 0], timeoutMs: 15000 },
      }),
    );
    await saveSession(
      { cookies: replica.cookies(), origins: [] },
      { ...process.env, VBULK_CONFIG_DIR: configDir },
    );
    env = testEnv({
      VBULK_VINTED_URL: replica.url,
      // The replica is no real site: its prices are taken in vinted.fr's currency (siteCurrency refuses a site it
      // does not know).
      VBULK_VINTED_CURRENCY: "EUR",
      VBULK_CONFIG_DIR: configDir,
      VBULK_CONFIG: configFile,
      VBULK_HEADLESS: "1",
      ...(browserPath ? { VBULK_CHROMIUM_PATH: browserPath } : {}),
    });
    dir = await copyFixture("grouping");
    const r = await runCli(["ingest", dir], { env });
    assert.equal(r.code, 0, r.stderr);
    // The terminal summary names each article's files and points at the page.
    assert.match(r.stdout, /c1 +3 photos .*\n +IMG_0001\.jpg +IMG_0002\.jpg +IMG_0003\.jpg\n/);
    assert.match(r.stdout, /next: `vbulk review .*` to see every article/);
    ({ review, browser, page } = await reviewAndPage(dir, env));
  });

  after(async () => {
    await closeReviewAndPage(review, browser);
    await replica.stop();
  });

  it("lists the catalog's articles with their thumbnails", async () => {
    await page.goto(review.url);
    await page.locator("article.card").first().waitFor();
    assert.equal(await page.locator("article.card").count(), 5);
    const first = page.locator('[data-article="c1"] img').first();
    await first.waitFor();
    await waitForThumbnails(page.locator('[data-article="c1"] img'), 3);
    assert.equal(await page.locator('[data-article="c1"] img').count(), 3);
    assert.ok(existsSync(join(dir, ".vbulk", "thumbs")), "thumbnails are cached in .vbulk/thumbs");
  });

  it("says when a CLIP model saw another colour than the article's, and nothing when it agrees", async () => {
    // What an ingest with a model writes (catalog.json color_model); this folder was ingested without one.
    const path = join(dir, "catalog.json");
    const catalog = JSON.parse(await readFile(path, "utf8"));
    const other = catalog.items[0].color === "blanc" ? "gris" : "blanc";
    catalog.items[0].color_model = { name: other, score: 0.91 };
    catalog.items[1].color_model = { name: catalog.items[1].color, score: 0.88 };
    await writeFile(path, JSON.stringify(catalog));
    await page.goto(review.url);
    const facts = (id: string) => page.locator(`[data-article="${id}"] .facts`);
    await facts("c1").waitFor();
    assert.match(
      (await facts("c1").textContent()) ?? "",
      new RegExp(`(le modèle voit|the model sees) ${other} \\(0\\.91\\)`),
    );
    assert.doesNotMatch((await facts("c2").textContent()) ?? "", /modèle|model/);
  });

  it("dragging a photo to another article changes the catalog's articles, and a re-ingest keeps it", async () => {
    const before = await readJson(dir, "catalog.json");
    const moved = before.items[1].photos[0] as string;
    await page.locator(`[data-testid="photo-${moved}"]`).dragTo(page.locator('[data-article="c1"] .strip'));
    await page.locator('[data-article="c1"] img').nth(3).waitFor();
    const after = await readJson(dir, "catalog.json");
    assert.ok(after.items[0].photos.includes(moved), "the photo is in c1 now");
    assert.ok(!after.items[1].photos.includes(moved), "and no longer in c2");
    assert.equal((await readJson(dir, "decisions.json")).decisions.length, 1);

    const r = await runCli(["ingest", dir], { env });
    assert.equal(r.code, 0, r.stderr);
    const again = await readJson(dir, "catalog.json");
    assert.deepEqual(again.items[0].photos, after.items[0].photos, "the re-ingest kept the seller's move");
    assert.equal(again.items[0].by_seller, true);
  });

  it("undo goes back to the automatic grouping", async () => {
    await page.reload();
    await page.getByRole("button", { name: /Annuler la dernière décision \(1\)/ }).click();
    await page.getByText("Décision annulée.").waitFor();
    const catalog = await readJson(dir, "catalog.json");
    assert.equal(catalog.items[0].photos.length, 3);
    assert.equal((await readJson(dir, "decisions.json")).decisions.length, 0);
  });

  it("works with the keyboard: Space selects a photo, the selection becomes a new article", async () => {
    await page.reload();
    const photo = page.locator('[data-testid="photo-IMG_0007.jpg"] button.thumb');
    await photo.focus();
    await page.keyboard.press("Space");
    await page.getByText("1 photo sélectionnée").waitFor();
    await page.getByRole("button", { name: "Nouvel article" }).focus();
    await page.keyboard.press("Enter");
    await page.locator("article.card").nth(5).waitFor();
    const catalog = await readJson(dir, "catalog.json");
    assert.deepEqual(catalog.items[2].photos, ["IMG_0007.jpg"], "a new article right after its source");
    assert.equal(catalog.items.length, 6);
    await page.keyboard.press("Escape");
  });

  it('a price of "vingt" shows the error and saves nothing; a valid price lands in plan.json', async () => {
    await page.getByRole("button", { name: "Générer le plan" }).click();
    await page.getByText(/^Plan écrit dans plan\.json : /).waitFor();
    const planBefore = await readFile(join(dir, "plan.json"), "utf8");
    const card = page.locator('[data-article="c1"]');
    // Audit: only « Plan écrit dans plan.json. » was said, and a listing not ready looked like any other until opened.
    const articles = JSON.parse(planBefore).items.length;
    assert.equal(
      await page.locator("p.message").textContent(),
      `Plan écrit dans plan.json : 0 article prêt pour Vinted sur ${articles}. ${articles} articles sont marqués « à compléter » : ouvrez leur annonce pour voir ce qui manque.`,
    );
    assert.equal(await card.locator("details.listing summary .badge").textContent(), "à compléter");
    await card.locator("details.listing summary").click();
    // The seller's words, not the plan's ids: conditions and types by name, "unknown" said as a thing to do.
    const conditions = await card.locator('select[name="condition"] option').allTextContents();
    assert.ok(conditions.includes("Neuf avec étiquette"), conditions.join(", "));
    assert.ok(!conditions.some((c) => /-|^tres-bon$/.test(c)), `no raw id: ${conditions.join(", ")}`);
    const types = await card.locator('select[name="category"] option').allTextContents();
    assert.ok(types.includes("Baskets") && types.includes("type non reconnu (à choisir)"), types.join(", "));
    assert.ok(!types.includes("unknown"), "no raw unknown");
    assert.match(
      (await card.locator("details.listing p.warn").textContent()) ?? "",
      /À compléter : type non reconnu : choisissez-le dans « Type »/,
    );
    await card.getByLabel("Prix (€)").fill("vingt");
    await card.getByRole("alert").waitFor();
    assert.match(
      (await card.getByRole("alert").textContent()) ?? "",
      /nombre positif de 0,01 à 100 000 €.*\(vous avez tapé « vingt »\)/,
    );
    // The page's words, not the terminal's flag syntax ("… for --set c1.price …").
    assert.doesNotMatch((await card.getByRole("alert").textContent()) ?? "", /--set|Expected/);
    await card.getByRole("button", { name: "Enregistrer l'annonce" }).click();
    await page.getByText(/Rien n'a été enregistré/).waitFor();
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), planBefore, "plan.json untouched");

    // A text refused for a pasted invisible mark or a line separator says so, not that its length is wrong (the
    // server's one sentence for every refused text was shown as « Le titre compte de 1 à 100 caractères. »).
    const other = page.locator('[data-article="c2"]');
    await other.locator("details.listing summary").click();
    await other.getByLabel("Titre").fill("Pull\u200e en laine mérinos bleu");
    await other.getByRole("alert").waitFor();
    const why = (await other.getByRole("alert").textContent()) ?? "";
    assert.match(why, /« Titre » contient un caractère invisible ou de contrôle non accepté \(U\+200E/);
    assert.doesNotMatch(why, /compte de 1 à 100/);
    await other.getByLabel("Titre").fill("Pull en laine\u2028mérinos bleu");
    await other.getByText(/« Titre » tient sur une ligne/).waitFor();
    await other.getByLabel("Description").fill("Pull en laine.\nTrès doux\u202e.");
    await other.getByText(/« Description » contient un caractère invisible .*U\+202E/).waitFor();

    await card.getByLabel("Prix (€)").fill("35,50");
    await card.getByRole("button", { name: "Enregistrer l'annonce" }).click();
    await page.getByText("Enregistré.", { exact: true }).first().waitFor();
    const plan = await readJson(dir, "plan.json");
    assert.equal(plan.items[0].price, 35.5);
    // The same edit as `vbulk plan --set c1.price=35.5`: a re-plan from the terminal keeps it.
    const r = await runCli(["plan", dir, "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).items[0].price, 35.5);
  });

  it("a save over a price set meanwhile in a terminal is refused and says so; saving again replaces it", async () => {
    // Before: the page saved its 35.50 over the terminal's 40 and said « Enregistré. »: the terminal's edit was lost.
    const card = page.locator('[data-article="c1"]');
    const price = card.getByLabel("Prix (€)");
    // The form is built when the listing is opened (and stays open through renders).
    await openListing(card);
    assert.equal(await price.inputValue(), "35,50", "the French way");
    // Not typing: the page shows what a terminal sets, without a reload.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const set = await runCli(["plan", dir, "--set", "c1.price=39"], { env });
    assert.equal(set.code, 0, set.stderr);
    await until(async () => (await price.inputValue()) === "39", "the page shows the terminal's 39");
    // Typing: the terminal's edit lands while the seller types.
    await openListing(card);
    await price.fill("35,50");
    const again = await runCli(["plan", dir, "--set", "c1.price=40"], { env });
    assert.equal(again.code, 0, again.stderr);
    await card.getByRole("button", { name: "Enregistrer l'annonce" }).click();
    const conflict =
      /Rien n'a été enregistré : le prix de c1 \(maintenant 40 €\) a changé dans plan\.json pendant que vous tapiez/;
    await page.locator("p.message").getByText(conflict).waitFor();
    // Also under the listing's buttons: the top of the page is out of view of a listing opened lower down, where
    // the refused save looked saved (seller's audit, 2026-11-29).
    await card.locator(".listing-status").getByText(conflict).waitFor();
    assert.equal((await readJson(dir, "plan.json")).items[0].price, 40, "the terminal's edit is kept");
    assert.equal(await price.inputValue(), "35,50", "what the seller typed is still there");
    await card.getByRole("button", { name: "Enregistrer l'annonce" }).click();
    await card.locator(".listing-status").getByText("Enregistré.", { exact: true }).waitFor();
    assert.equal(
      (await readJson(dir, "plan.json")).items[0].price,
      35.5,
      "the second save replaces it knowingly",
    );
  });

  it("the publish switch without the typed confirmation sends nothing", async () => {
    // Only a ready article may be marked for publishing (plan refuses the others): give c1 what Vinted needs.
    const ready = await runCli(
      ["plan", dir, "--gender", "femme", "--set", "c1.size=M", "--set", "c1.category=hoodie"],
      { env },
    );
    assert.equal(ready.code, 0, ready.stderr);
    await page.reload();
    const card = page.locator('[data-article="c1"]');
    await card.locator("details.listing summary").click();
    await card.getByLabel("Publier").check();
    await card.getByRole("button", { name: "Enregistrer l'annonce" }).click();
    await page.getByText("Enregistré.", { exact: true }).first().waitFor();
    await page.getByRole("switch").check();
    // No brand yet: Vinted refuses to publish it, so the page does not list it as going public (execute drafts it).
    await page.getByText(/c1 sera créé en brouillon mais pas publié : sans marque/).waitFor();
    // Said marked (before: « Aucun article n'est marqué « Publier » » under c1's own « à publier » badge).
    assert.match(
      (await page.locator(".public").textContent()) ?? "",
      /^1 article est marqué « Publier », mais Vinted ne le publierait pas : seuls des brouillons seront créés\./,
    );
    const branded = await runCli(["plan", dir, "--set", "c1.brand=Zara"], { env });
    assert.equal(branded.code, 0, branded.stderr);
    await page.getByText("Ces articles seront PUBLIÉS").waitFor();
    assert.match((await page.locator(".public").textContent()) ?? "", /c1 · .* · 35,50 € · IMG_0001\.jpg/);
    assert.doesNotMatch((await page.locator(".public").textContent()) ?? "", /sans marque/);
    // Its description is still the built-in template's: its example city and hashtag would go public as the seller's.
    await page
      .getByText(/La description de c1 contient encore le texte d'exemple du modèle intégré/)
      .waitFor();
    const own = await runCli(["plan", dir, "--set", "c1.description=Expédié de Lille."], { env });
    assert.equal(own.code, 0, own.stderr);
    await page.getByText(/texte d'exemple/).waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Créer les brouillons" }).click();
    await page.getByText(/pour publier l'article listé, tapez « publier 1 »/).waitFor();
    assert.equal(writes().length, 0, "nothing reached Vinted");
    assert.equal(existsSync(join(dir, "journal.json")), false, "no journal: nothing was started");
    // The phrase typed for the list shown, while a terminal changed what would go public: refused. Before, the
    // count still matched and the server would have published what the seller never saw. The seller is in the
    // confirmation box when the terminal changes the plan (the page does not redraw under someone typing; with the
    // focus on no field, a poll could show the new list before the typing, and the publish went through rightly).
    await page.getByLabel("Confirmation").focus();
    const meanwhile = await runCli(["plan", dir, "--set", "c1.price=99"], { env });
    assert.equal(meanwhile.code, 0, meanwhile.stderr);
    await page.getByLabel("Confirmation").fill("publier 1");
    await page.getByRole("button", { name: "Créer les brouillons" }).click();
    await page.getByText(/l'article listé a changé dans plan\.json/).waitFor();
    assert.equal(writes().length, 0, "nothing reached Vinted");
    assert.equal(existsSync(join(dir, "journal.json")), false, "nothing was started");
  });

  it("« Créer les brouillons » (dry run) makes the drafts through the same core as execute, and shows them", async () => {
    const r = await runCli(
      ["plan", dir, "--only", "c1", "--gender", "femme", "--set", "c1.size=M", "--set", "c1.category=hoodie"],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    await page.reload();
    await page.getByRole("button", { name: "Créer les brouillons" }).click();
    await page.getByText(/c1 : brouillon \d+/).waitFor({ timeout: 60_000 });
    // The run's outcome in the seller's words, with its time (it stays on the page until the next run), under the
    // button and, said once, in the page's status.
    const outcome =
      /^Terminé \(.*\d\) : création des brouillons — 1 article · 1 brouillon · 0 publié · 0 en échec/;
    await page.locator(".activity").getByText(outcome).waitFor();
    await page.getByRole("status").getByText(outcome).waitFor();
    assert.equal(replica.items.size, 1);
    // On a phone the draft's link (one long word) made the page scroll sideways, the run's summary cut at the
    // right edge (seller's audit, 2026-11-29).
    const wide = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `the page is ${width} px wide on a 390 px phone`);
    } finally {
      if (wide) await page.setViewportSize(wide);
    }
    assert.equal(
      [...replica.items.values()][0]!.is_draft,
      true,
      "a dry run publishes nothing, publish:true or not",
    );
    assert.equal(
      replica.log.some((l) => l.path.includes("/completion")),
      false,
    );
    const secrets = [replica.sessionToken, replica.refreshToken, replica.datadome];
    for (const path of ["/api/state", "/api/status"]) {
      const { body } = await rawGet(review.port, `${path}?t=${review.token}`);
      for (const secret of secrets) assert.equal(body.includes(secret), false, `no secret in ${path}`);
    }
  });

  it("two « Créer les brouillons » at once (a double-click) start one run: the second answers 409, no draft twice", async () => {
    // Before: both requests got past the running check while the first one started, and each article was drafted twice.
    const dir = await copyFixture("grouping");
    assert.equal((await runCli(["ingest", dir], { env })).code, 0);
    const r = await runCli(
      [
        "plan",
        dir,
        "--only",
        "c1,c2",
        "--gender",
        "femme",
        ...[
          "--set",
          "c1.size=M",
          "--set",
          "c1.category=hoodie",
          "--set",
          "c2.size=M",
          "--set",
          "c2.category=hoodie",
        ],
      ],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    const drafts = replica.items.size;
    const review = await startReview(dir, env);
    try {
      const url = `http://127.0.0.1:${review.port}`;
      const headers = { "Content-Type": "application/json", "X-Vbulk-Token": review.token };
      const post = () =>
        fetch(`${url}/api/execute`, { method: "POST", headers, body: JSON.stringify({ publish: false }) });
      const answers = await Promise.all([post(), post()]);
      assert.deepEqual(answers.map((a) => a.status).sort(), [202, 409]);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const s = (await (await fetch(`${url}/api/status`, { headers })).json()) as {
          job: { running: boolean; error: string | null } | null;
        };
        if (!s.job?.running || Date.now() > deadline) {
          assert.equal(s.job?.error, null, JSON.stringify(s.job));
          break;
        }
        await new Promise((res) => setTimeout(res, 200));
      }
      assert.equal(replica.items.size - drafts, 2, "each article drafted once");

      // Clicked again with every draft as the plan says: said at once, without a browser (before, a window opened
      // and logged in to Vinted only to find nothing to do; with no display, the click failed).
      const seen = replica.log.length;
      const again = await post();
      assert.equal(again.status, 202);
      const job = (
        (await again.json()) as {
          job: { running: boolean; idle: boolean; results: { cluster_id: string; state: string }[] };
        }
      ).job;
      assert.equal(job.running, false);
      assert.equal(job.idle, true);
      assert.deepEqual(
        job.results.map((r) => `${r.cluster_id} ${r.state}`),
        ["c1 draft", "c2 draft"],
      );
      assert.equal(replica.log.length, seen, "Vinted was not opened");
    } finally {
      await stop(review);
    }
  });

  it("merges two articles and takes a photo out of the listing from the page", async () => {
    await page.reload();
    const before = await readJson(dir, "catalog.json");
    // Ids are not renumbered by decisions: the fourth article is whatever id it kept.
    const fourth = before.items[3].id as string;
    const card = page.locator(`[data-article="${fourth}"]`);
    // The list is built when the seller opens it (a click, as with the mouse, or Tab to it).
    const picker = card.getByRole("combobox", { name: /Fusionner avec/ });
    await picker.click();
    await picker.selectOption({
      value: before.photos.find((p: { file: string }) => p.file === before.items[4].photos[0]).sha256,
    });
    // News from another terminal (the status file changes), then a render that builds the card again (the language
    // switched there and back) between the pick and the click: the merge must still go to the article picked, not
    // to the list's first one.
    await page.evaluate((id) => {
      (document.querySelector(`[data-article="${id}"]`) as HTMLElement & { old?: boolean }).old = true;
      (document.activeElement as HTMLElement | null)?.blur();
    }, fourth);
    const statusFile = join(dir, ".vbulk", "status.json");
    const status = JSON.parse(await readFile(statusFile, "utf8"));
    const polled = () => page.waitForResponse((r) => r.url().includes("/api/status"));
    await polled();
    await writeFile(statusFile, JSON.stringify({ ...status, message: "news from another terminal" }));
    await polled();
    await polled();
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("button", { name: "Français" }).click();
    await page.waitForFunction(
      (id) =>
        !(document.querySelector(`[data-article="${id}"]`) as (HTMLElement & { old?: boolean }) | null)?.old,
      fourth,
    );
    await card.getByRole("button", { name: "Fusionner" }).click();
    await page
      .locator("article.card")
      .nth(before.items.length - 1)
      .waitFor({ state: "detached" });
    let catalog = await readJson(dir, "catalog.json");
    assert.equal(catalog.items.length, before.items.length - 1);
    assert.deepEqual(catalog.items[3].photos, [...before.items[3].photos, ...before.items[4].photos]);

    const out = catalog.items[0].photos[0] as string;
    await page.getByRole("checkbox", { name: `Sélectionner ${out}` }).check();
    await page.getByRole("button", { name: "Retirer de l'annonce" }).click();
    await page.getByRole("region", { name: "Photos retirées de l'annonce" }).getByText(out).waitFor();
    catalog = await readJson(dir, "catalog.json");
    assert.ok(!catalog.items[0].photos.includes(out));
    assert.equal(catalog.photos.find((p: { file: string }) => p.file === out).dropped_by_seller, true);
    // Half of the photos the merged article's listing was planned with moved to a new article in one decision: it
    // keeps most of its photos now (so its id), but half of those of its listing, the rest in another article, so
    // its edit (excluded by `--only c1`) goes back to the rules. (Photos taken out of the listing instead would
    // leave it all of its listing's photos still there: the same garment, its edits kept.)
    const planned = (await readJson(dir, "plan.json")).items.find(
      (i: { cluster_id: string }) => i.cluster_id === fourth,
    ).photos as string[];
    const gone = planned.slice(0, Math.ceil(planned.length / 2));
    assert.ok((catalog.items[3].photos.length - gone.length) * 2 > catalog.items[3].photos.length);
    const count = catalog.items.length;
    for (const f of gone) await page.getByRole("checkbox", { name: `Sélectionner ${f}` }).check();
    await page.getByRole("button", { name: "Nouvel article" }).click();
    await page.locator("article.card").nth(count).waitFor();
    catalog = await readJson(dir, "catalog.json");
    const stays = catalog.items.find((it: { photos: string[] }) => it.photos.includes(planned.at(-1)!));
    assert.equal(stays?.id, fourth, "most of its photos: the same id");

    // The plan still lists the old photos: said right after the decision, not only when execute refuses it.
    const stale = page.locator(".actions p.stale");
    await stale.waitFor();
    assert.match(
      (await stale.textContent()) ?? "",
      /Le plan n'est plus à jour : les articles .*c1.* ont changé depuis/,
    );
    // Execute refuses it, and the page says what to do (the hint), not only what went wrong.
    await page.getByRole("button", { name: "Créer les brouillons" }).click();
    const refused = page.locator("p.message");
    await refused.getByText(/^Rien n'a été envoyé : le plan n'est plus à jour/).waitFor();
    // In the page's words, naming its button (before: the terminal's "Expected plan.json to list the catalog's
    // photos …" and "Run `vbulk plan …` again").
    assert.match(
      (await refused.textContent()) ?? "",
      /\((l'article|les articles) .*c1.* (a|ont) changé depuis\)\. Cliquez « Générer le plan » \(ce qu'il fait de vos modifications est dit au-dessus du bouton\), puis recommencez\.$/,
    );
    // The stale note says what « Générer le plan » will do to the seller's edits, not that they are all kept.
    assert.match((await stale.textContent()) ?? "", /plus de la moitié de ses photos/);
    assert.doesNotMatch((await stale.textContent()) ?? "", /modifications d'annonces sont gardées/);
    const planBefore = await readJson(dir, "plan.json");
    const edited = (id: string): string[] =>
      planBefore.items.find((i: { cluster_id: string }) => i.cluster_id === id).edited;
    await page.getByRole("button", { name: "Générer le plan" }).click();
    await page.getByText(/^Plan écrit dans plan\.json : /).waitFor();
    assert.equal(await stale.count(), 0, "the plan is current again");
    // The merged article kept half of its listing's photos: its edit (excluded by `--only c1`) went back to the
    // rules; the article the merge absorbed is gone from the plan with its edit; c1 kept more than half of its
    // photos and its edits. Before, the page only said « Plan écrit dans plan.json. ».
    assert.deepEqual(edited(fourth), ["excluded"]);
    const said = (await page.locator("p.message").textContent()) ?? "";
    assert.match(
      said,
      new RegExp(
        `Modifications mises de côté \\(elles reviennent si l.article retrouve ses photos, par « Annuler la dernière décision »\\) : ${fourth} \\(exclure\\)`,
      ),
    );
    assert.match(
      said,
      new RegExp(
        `articles retirés \\(leurs modifications sont mises de côté de la même façon\\) : ${before.items[4].id} \\(exclure\\)`,
      ),
    );
    const kept = /modifications gardées : c1 \(([^)]*)\)/.exec(said)?.[1] ?? "";
    for (const field of ["prix", "taille", "type"]) assert.ok(kept.split(", ").includes(field), said);
    const reset = (await readJson(dir, "plan.json")).items.find(
      (i: { cluster_id: string }) => i.cluster_id === fourth,
    );
    assert.equal(reset.excluded, false, "what the page said: the edit is gone");
  });

  it("an execute that failed says what to do, and after a reload says when it failed", async () => {
    const configDir = env.VBULK_CONFIG_DIR!;
    await rm(join(configDir, "session.enc"));
    try {
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const failed = page.locator(".activity p.error");
      // In the page's words (before: the terminal's "Expected a saved Vinted session at /…/session.enc" and "Run
      // `vbulk login`"): the first thing a new seller meets.
      await failed.getByText(/vbulk n'a pas de session Vinted/).waitFor({ timeout: 30_000 });
      assert.match(
        (await failed.textContent()) ?? "",
        /Que faire : dans un terminal, lancez « vbulk login » .* cliquez à nouveau « Créer les brouillons »/,
      );
      // What the seller reads; the server's words are folded away under it, for a bug report.
      assert.doesNotMatch(await visibleText(failed), /Expected|session\.enc/);
      assert.match((await failed.locator("details").textContent()) ?? "", /session\.enc/);
      await page.reload();
      await failed.waitFor();
      // Still there after a reload (the server keeps the last run), but as the last run, with its time.
      assert.match(
        (await failed.textContent()) ?? "",
        /^Dernière création de brouillons \(\d.*\d\) : échec\. vbulk n'a pas de session Vinted sur cet ordinateur/,
      );
    } finally {
      await saveSession(
        { cookies: replica.cookies(), origins: [] },
        { ...process.env, VBULK_CONFIG_DIR: configDir },
      );
    }
  });

  it("refuses a request without the token, with a foreign Host, and serves nothing for ../", async () => {
    const { port, token } = review;
    assert.equal((await rawGet(port, "/api/state")).status, 403);
    assert.equal((await rawGet(port, "/")).status, 403);
    assert.equal((await rawGet(port, `/api/state?t=${token}x`)).status, 403);
    const rebound = await rawGet(port, `/api/state?t=${token}`, `attacker.example:${port}`);
    assert.equal(rebound.status, 403);
    assert.doesNotMatch(rebound.body, /IMG_0001/);
    assert.equal((await rawGet(port, `/api/state?t=${token}`)).status, 200);
    for (const path of [
      `/photo/../catalog.json?t=${token}`,
      `/photo/..%2Fcatalog.json?t=${token}`,
      `/thumb/..%2F..%2Fetc%2Fpasswd?t=${token}`,
      `/photo/../../../../etc/passwd?t=${token}`,
      `/../catalog.json?t=${token}`,
    ]) {
      const r = await rawGet(port, path);
      assert.notEqual(r.status, 200, path);
      assert.doesNotMatch(r.body, /schemaVersion|root:/, path);
    }
  });

  it("serves no file outside the folder even when the catalog names one", async () => {
    const outside = await tempDir("vbulk-outside-");
    await writeFile(join(outside, "secret.jpg"), "not for the page");
    const catalog = await readJson(dir, "catalog.json");
    const sha = "f".repeat(64);
    catalog.photos.push({
      ...catalog.photos[0],
      file: `../${outside.split("/").pop()}/secret.jpg`,
      sha256: sha,
    });
    await writeFile(join(dir, "catalog.json"), JSON.stringify(catalog));
    const r = await rawGet(review.port, `/photo/${sha}?t=${review.token}`);
    assert.equal(r.status, 403);
    assert.doesNotMatch(r.body, /not for the page/);
  });

  it("a second review of the same folder says one is running", async () => {
    const r = await runCli(["review", dir, "--no-open"], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /one is running \(pid \d+, http:\/\/127\.0\.0\.1:\d+\/\)/);
    assert.doesNotMatch(r.stderr, new RegExp(review.token), "the lock does not hold the token");
  });
});

/** A copy of the grouping fixture, ingested and planned, with the real `vbulk review` started on it. */
async function plannedReview(): Promise<{ dir: string; review: Review }> {
  const dir = await copyFixture("grouping");
  await rm(join(dir, "truth.json"));
  const env = testEnv();
  assert.equal((await runCli(["ingest", dir], { env })).code, 0);
  assert.equal((await runCli(["plan", dir], { env })).code, 0);
  return { dir, review: await startReview(dir, env) };
}

/** A fresh planned folder's review and a browser for `fn`; both closed after it, whatever it does. */
async function withPlannedReview(
  fn: (ctx: { dir: string; review: Review; browser: Browser }) => Promise<void>,
): Promise<void> {
  const { dir, review } = await plannedReview();
  const browser = await launchChromium();
  try {
    await fn({ dir, review, browser });
  } finally {
    await browser.close();
    await stop(review);
  }
}

describe("vbulk review lock", { skip }, () => {
  it("does not outlive a crashed review", async () => {
    const dir = await copyFixture("grouping");
    const env = testEnv();
    const first = await startReview(dir, env);
    first.child.removeAllListeners("exit");
    const gone = new Promise((r) => first.child.on("exit", r));
    first.child.kill("SIGKILL");
    await gone;
    assert.ok(existsSync(join(dir, ".vbulk", "review.lock")), "a crash leaves the lock file");
    const second = await startReview(dir, env);
    assert.equal(await stop(second), 0, "Ctrl-C stops it cleanly");
    assert.equal(existsSync(join(dir, ".vbulk", "review.lock")), false, "and removes the lock");
  });

  it("decisions and plan saves sent at once are all kept (they run one after the other)", async () => {
    // Before, two decisions at once (two quick drags, two tabs) each rewrote decisions.json over the other's:
    // both answered 200 and one was lost in 4 runs of 5; two listings saved at once lost one price.
    const { dir, review } = await plannedReview();
    try {
      const post = (path: string, body: unknown) =>
        fetch(`http://127.0.0.1:${review.port}${path}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Vbulk-Token": review.token },
          body: JSON.stringify(body),
        }).then((r) => r.status);
      const catalog = await readJson(dir, "catalog.json");
      const sha = (f: string) => catalog.photos.find((p: { file: string }) => p.file === f).sha256;
      const drops = ["IMG_0001.jpg", "IMG_0004.jpg", "IMG_0008.jpg", "IMG_0011.jpg"];
      assert.deepEqual(
        await Promise.all(drops.map((f) => post("/api/decide", { op: "drop", photo: sha(f) }))),
        [200, 200, 200, 200],
      );
      assert.equal((await readJson(dir, "decisions.json")).decisions.length, 4, "every decision kept");
      const prices = await Promise.all(
        ["c1", "c2", "c3"].map((id, k) =>
          post("/api/plan/save", { edits: [{ id, field: "price", value: String(41 + k) }] }),
        ),
      );
      assert.deepEqual(prices, [200, 200, 200]);
      const plan = await readJson(dir, "plan.json");
      assert.deepEqual(
        plan.items.slice(0, 3).map((i: { price: number }) => i.price),
        [41, 42, 43],
      );
    } finally {
      await stop(review);
    }
  });

  it("a grouping decision while an ingest runs on the folder is refused (409, nothing changed), and works after it", async () => {
    // Before, the decision was written, then the ingest (which had read catalog.json when it started) wrote its own
    // catalog over it and gave the decided article's id to another garment: the plan's edits and the Vinted draft
    // behind that id then described the wrong garment.
    const { dir, review } = await plannedReview();
    const post = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${review.port}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Vbulk-Token": review.token },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    let ingest: ChildProcess | null = null;
    try {
      // The rest of the shoot: new photos (mirrored, so new content) for the ingest to analyse.
      for (let k = 1; k <= 15; k++) {
        const f = `IMG_${String(k).padStart(4, "0")}.jpg`;
        await sharp(join(dir, f))
          .flop()
          .jpeg()
          .toFile(join(dir, `NEW_${f}`));
      }
      const catalogBefore = await readFile(join(dir, "catalog.json"), "utf8");
      const catalog = JSON.parse(catalogBefore);
      const sha = (f: string) => catalog.photos.find((p: { file: string }) => p.file === f).sha256;
      const lock = join(dir, ".vbulk", "ingest.lock");
      const child = spawn(process.execPath, [BIN, "ingest", dir], { env: testEnv(), stdio: "ignore" });
      ingest = child;
      const ended = new Promise<number | null>((r) => child.on("exit", r));
      // Held still while it runs (a big batch on a laptop takes minutes; this one, a second).
      while (!existsSync(lock) && child.exitCode === null) await new Promise((r) => setTimeout(r, 2));
      assert.equal(child.exitCode, null, "the ingest was caught while it runs");
      child.kill("SIGSTOP");
      const refused = await post("/api/decide", { op: "split", photos: [sha("IMG_0002.jpg")] });
      assert.equal(refused.status, 409);
      assert.match(refused.body.error, /an ingest of .* is running .*: nothing was changed/);
      assert.match(refused.body.hint, /Wait for the ingest to end/);
      const undone = await post("/api/undo", {});
      assert.equal(undone.status, 409, "an undo is refused the same way");
      assert.equal(existsSync(join(dir, "decisions.json")), false, "no decision recorded");
      assert.equal(await readFile(join(dir, "catalog.json"), "utf8"), catalogBefore, "catalog unchanged");
      child.kill("SIGCONT");
      assert.equal(await ended, 0);
      ingest = null;
      // Once the ingest is done, the same decision goes through and stays.
      const after = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8"));
      const ok = await post("/api/decide", { op: "split", photos: [sha("IMG_0002.jpg")] });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const decided = await readJson(dir, "catalog.json");
      const alone = decided.items.find((i: { photos: string[] }) => i.photos.join() === "IMG_0002.jpg");
      assert.ok(alone, "IMG_0002 is an article of its own");
      assert.ok(
        !after.items.some((i: { id: string }) => i.id === alone.id),
        "with a new id, never one the ingest gave to another garment",
      );
    } finally {
      ingest?.kill("SIGCONT");
      ingest?.kill("SIGKILL");
      await stop(review);
    }
  });

  it("the page's analysis says decided photos gone in the page's words, not « Run vbulk review » to someone on it", async () => {
    // Before, the page's ingest kept the terminal's warning: "… Run `vbulk review /tmp/…` to check the grouping of
    // c2 and c3.", in English, telling the seller on the review page to start the review page.
    const dir = await copyFixture("grouping");
    const env = testEnv();
    assert.equal((await runCli(["ingest", dir], { env })).code, 0);
    const first = await readJson(dir, "catalog.json");
    const sha = (f: string) => first.photos.find((p: { file: string }) => p.file === f).sha256 as string;
    const article = (f: string) => first.photos.find((p: { file: string }) => p.file === f).article as string;
    await decide(dir, { op: "move", photos: [sha("IMG_0005.jpg")], with: sha("IMG_0008.jpg") });
    await decide(dir, { op: "drop", photo: sha("IMG_0013.jpg") });
    await writeFile(
      join(dir, "IMG_0005-edit.jpg"),
      await sharp(join(dir, "IMG_0005.jpg")).modulate({ brightness: 1.15 }).jpeg({ quality: 85 }).toBuffer(),
    );
    await rm(join(dir, "IMG_0005.jpg"));
    await rm(join(dir, "IMG_0013.jpg"));
    const review = await startReview(dir, env);
    try {
      const started = await fetch(`http://127.0.0.1:${review.port}/api/ingest`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Vbulk-Token": review.token },
        body: "{}",
      });
      assert.equal(started.status, 202);
      let ingest: { running: boolean; warnings: unknown[]; error: string | null } | null = null;
      await until(async () => {
        ingest = JSON.parse((await rawGet(review.port, `/api/status?t=${review.token}`)).body).ingest;
        return ingest?.running === false;
      }, "the page's analysis ends");
      const { warnings, error } = ingest!;
      assert.equal(error, null);
      const english = warnings.filter((w) => typeof w === "string" && /no longer in the folder/.test(w));
      assert.deepEqual(english, [], "not the terminal's warning");
      const gone = warnings.filter((w): w is DecidedGone => (w as DecidedGone).code === "DECIDED_GONE");
      assert.equal(gone.length, 1, JSON.stringify(warnings));
      const w = gone[0]!;
      assert.deepEqual(w.gone, [
        { file: "IMG_0005.jpg", article: article("IMG_0008.jpg") },
        { file: "IMG_0013.jpg", article: null },
      ]);
      assert.deepEqual(
        w.added.map((p) => p.file),
        ["IMG_0005-edit.jpg"],
      );
      // What the page says of it, in each language: what to do there, not a command to run.
      const fr = decidedGoneText("fr", w);
      assert.match(
        fr,
        /^2 photos nommées par vos décisions de regroupement ne sont plus dans le dossier \(supprimées, ou remplacées par une copie retouchée, qu'une décision ne suit pas\) : IMG_0005\.jpg \(était dans c\d+\) et IMG_0013\.jpg \(retirée de l'annonce\)\. Nouvelle depuis la dernière analyse : IMG_0005-edit\.jpg \(maintenant dans c\d+\)\. Vérifiez le regroupement de c\d+ et c\d+ sur cette page/,
      );
      const en = decidedGoneText("en", w);
      assert.match(en, /^2 photos your grouping decisions name are no longer in the folder .* on this page/);
      for (const text of [fr, en]) assert.doesNotMatch(text, /vbulk review|Run `/);
    } finally {
      await stop(review);
    }
  });

  it("an ingest started while the page saves a grouping decision waits for it, instead of refusing", async () => {
    const dir = await copyFixture("grouping");
    const env = testEnv();
    assert.equal((await runCli(["ingest", dir], { env })).code, 0);
    // What a decision of the page holds for the moment it rewrites catalog.json (a live pid: this test's).
    const lock = join(dir, ".vbulk", "ingest.lock");
    await writeFile(
      lock,
      JSON.stringify({ pid: process.pid, started_at: new Date().toISOString(), source: dir, by: "decision" }),
    );
    // Held long enough for the ingest to reach it (a decision holds it milliseconds; the ingest waits up to 10 s).
    setTimeout(() => void rm(lock, { force: true }), 4000);
    const r = await runCli(["ingest", dir], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /another ingest/);
  });

  it("with the server stopped, a correct price is not called wrong: the page says the server is gone", async () => {
    // Before: « Un prix est un nombre positif… » under a correct 22, and « Failed to fetch » on save.
    const { review } = await plannedReview();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(review.url);
      const card = page.locator('[data-article="c1"]');
      await card.locator("details.listing summary").click();
      await stop(review);
      await card.getByLabel("Prix (€)").fill("22");
      await page
        .getByText(/La page ne joint plus vbulk review/)
        .first()
        .waitFor();
      await card.getByRole("button", { name: "Enregistrer l'annonce" }).click();
      await page
        .getByText(/La page ne joint plus vbulk review .*rien n'a été enregistré/)
        .first()
        .waitFor();
      assert.equal(await card.locator(".field .error").count(), 0, "no field is called wrong");
      assert.doesNotMatch((await page.textContent("body")) ?? "", /nombre positif|Failed to fetch/);
      assert.equal(await card.getByLabel("Prix (€)").inputValue(), "22", "what was typed stays");
    } finally {
      await browser.close();
      await stop(review);
    }
  });

  it("« Publier » refused for an article whose edits the save set aside names the page's field, as built", async () => {
    // Review (reproduced): the page's refusal re-derived readiness from the previous plan's item, which still held
    // the seller's type, department and size; the save had set them aside (the article's photos changed), so no
    // field was found and the page showed the terminal's English. The refusal now comes from the plan as built.
    const dir = await tempDir("vbulk-review-aside-");
    const hoodie = ["IMG_0001.jpg", "IMG_0002.jpg"];
    await catalogFixture([{ category: "unknown", color: "noir", photos: hoodie }], dir);
    const env = testEnv();
    const set = ["--set", "c1.category=hoodie", "--set", "c1.gender=femme", "--set", "c1.size=M"];
    assert.equal((await runCli(["plan", dir, ...set], { env })).code, 0);
    // The article keeps one photo of two, the other now another article's (a split): its edits cannot follow it.
    await catalogFixture(
      [
        { category: "unknown", color: "noir", photos: [hoodie[0]!] },
        { category: "unknown", color: "noir", photos: [hoodie[1]!] },
      ],
      dir,
    );
    const review = await startReview(dir, env);
    try {
      const res = await fetch(`http://127.0.0.1:${review.port}/api/plan/save`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Vbulk-Token": review.token },
        body: JSON.stringify({ edits: [{ id: "c1", field: "publish", value: "true" }] }),
      });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { refusal?: { code: string; id: string; fields: string[] } };
      assert.equal(body.refusal?.code, "NOT_READY", JSON.stringify(body));
      assert.equal(body.refusal?.id, "c1");
      assert.ok(body.refusal?.fields.includes("category"), JSON.stringify(body.refusal));
    } finally {
      await stop(review);
    }
  });

  it("« Créer les brouillons » while every write is paused answers 409 with the pause's end, not a server error", async () => {
    const dir = await copyFixture("grouping");
    await rm(join(dir, "truth.json"));
    const config = await tempDir("vbulk-review-paused-");
    const env = testEnv({ VBULK_CONFIG_DIR: config });
    assert.equal((await runCli(["ingest", dir], { env })).code, 0);
    // One article ready, so that there is something to send (with nothing to send the page says so, paused or not).
    const plan = ["plan", dir, "--gender", "femme", "--set", "c1.size=M", "--set", "c1.category=hoodie"];
    assert.equal((await runCli(plan, { env })).code, 0);
    await writePausedPacing(config);
    const review = await startReview(dir, env);
    try {
      const r = await fetch(`http://127.0.0.1:${review.port}/api/execute`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Vbulk-Token": review.token },
        body: JSON.stringify({ publish: false }),
      });
      assert.equal(r.status, 409);
      assert.match(((await r.json()) as { error: string }).error, /Every write is paused until .*captcha/);
    } finally {
      await stop(review);
    }
  });

  it("a ZIP dropped on the page never replaces a file of the folder: photos.zip there gives photos-2.zip", async () => {
    const dir = await tempDir("vbulk-review-upload-");
    await writeFile(join(dir, "photos.zip"), "the seller's own archive");
    const review = await startReview(dir, testEnv());
    try {
      const upload = await readFile(join(FIXTURES, "zips", "photos.zip"));
      const r = await fetch(`http://127.0.0.1:${review.port}/api/upload?name=photos.zip`, {
        method: "POST",
        headers: { "Content-Type": "application/zip", "X-Vbulk-Token": review.token },
        body: upload,
      });
      assert.equal(r.status, 202);
      assert.equal(await readFile(join(dir, "photos.zip"), "utf8"), "the seller's own archive");
      assert.ok((await readFile(join(dir, "photos-2.zip"))).equals(upload));
    } finally {
      await stop(review);
    }
  });

  it("with no catalog yet, a ZIP chosen on the page is analysed and its articles shown; an earlier run's files in it are said in French", async () => {
    const dir = await tempDir("vbulk-review-empty-");
    // A worked folder zipped to move it: its plan.json is an earlier run's, not used. Before, the French page said
    // so in the terminal's English (« photos.zip holds an earlier vbulk run's files (shoot/plan.json), not used: … »).
    const zipped = join(await tempDir(), "photos.zip");
    const zip = new yazl.ZipFile();
    for (const f of ["IMG_0001.jpg", "IMG_0002.jpg"])
      zip.addFile(join(FIXTURES, "grouping", f), `shoot/${f}`);
    zip.addBuffer(Buffer.from("{}"), "shoot/plan.json");
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(zipped));
    const review = await startReview(dir, testEnv());
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByText("Pas encore de catalogue").waitFor();
      await page.locator('input[type="file"]').setInputFiles(zipped);
      await page.locator("article.card").first().waitFor({ timeout: 60_000 });
      const outcome = page.locator(".activity .ingest-outcome");
      await outcome
        .getByText(
          /^photos\.zip contient les fichiers d'une analyse vbulk précédente \(shoot\/plan\.json\) : /,
        )
        .waitFor({ timeout: 15_000 });
      assert.doesNotMatch((await outcome.textContent()) ?? "", /earlier vbulk run|not used/);
      const catalog = await readJson(dir, "catalog.json");
      assert.equal(catalog.summary.photos, 2);
      assert.ok(existsSync(join(dir, "photos.zip")), "the ZIP is kept beside the catalog");
    } finally {
      await browser.close();
      await stop(review);
    }
  });

  it("with no catalog yet, a file that is no ZIP and a ZIP cut short are refused in French, saying what to do", async () => {
    // Before, the refused file left the page as it was (its message was shown only beside articles), and the ZIP cut
    // short said « Expected a readable ZIP archive for … » in the terminal's English.
    const dir = await tempDir("vbulk-review-refused-");
    const files = await tempDir();
    await writeFile(join(files, "photos.rar"), "Rar!");
    const whole = await readFile(join(FIXTURES, "zips", "photos.zip"));
    await writeFile(join(files, "shop.zip"), whole.subarray(0, whole.length - 30));
    const review = await startReview(dir, testEnv());
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByText("Pas encore de catalogue").waitFor();
      await page.locator('input[type="file"]').setInputFiles(join(files, "photos.rar"));
      await page
        .getByText("« photos.rar » n'est pas un ZIP : la page ne reçoit que des fichiers .zip de photos.")
        .waitFor();
      await page.locator('input[type="file"]').setInputFiles(join(files, "shop.zip"));
      const said = page.locator(".activity p.error");
      await said.getByText(/^Ce fichier n'est pas un ZIP complet/).waitFor({ timeout: 15_000 });
      const shown = await visibleText(said);
      assert.match(
        shown,
        /Que faire : téléchargez ou copiez le ZIP à nouveau .* puis déposez-le à nouveau sur cette page\./,
      );
      assert.doesNotMatch(shown, /Expected|Download or copy/, "the terminal's English is folded away");
      assert.match(
        (await said.locator("details.raw").textContent()) ?? "",
        /Détail technique.*Expected a readable ZIP archive/,
      );
      assert.equal(
        await page.getByText(/n'est pas un ZIP : la page/).count(),
        0,
        "the earlier refusal is gone",
      );
    } finally {
      await browser.close();
      await stop(review);
    }
  });
});

describe("vbulk review of a catalog written elsewhere (ingest --out)", () => {
  it("serves the photos of the folder ingest scanned, and still nothing else", async () => {
    const ws = await tempDir("vbulk-review-out-");
    const photos = await copyFixture("grouping");
    const r = await runCli(["ingest", photos, "--out", ws]);
    assert.equal(r.code, 0, r.stderr);
    const review = await startReview(ws, testEnv());
    try {
      const catalog = await readJson(ws, "catalog.json");
      assert.match(catalog.photos[0].file, /^\.\.\//);
      const ok = await rawGet(review.port, `/thumb/${catalog.photos[0].sha256}?t=${review.token}`);
      assert.equal(ok.status, 200);
      assert.equal(
        (await rawGet(review.port, `/photo/..%2F..%2Fetc%2Fpasswd?t=${review.token}`)).status,
        404,
      );
    } finally {
      await stop(review);
    }
  });
});

describe("vbulk review of a catalog.json edited or shared by someone else", () => {
  let dir: string;
  let outside: string;
  let review: Review;
  /** A real image outside the seller's folder, and its sha256: the page must never show it. */
  let privateSha: string;
  let original: Record<string, unknown>;

  before(async () => {
    dir = await copyFixture("grouping");
    assert.equal((await runCli(["ingest", dir])).code, 0);
    original = await readJson(dir, "catalog.json");
    outside = await tempDir("vbulk-private-");
    const image = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 90 } },
    })
      .jpeg()
      .toBuffer();
    await writeFile(join(outside, "private.jpg"), image);
    privateSha = createHash("sha256").update(image).digest("hex");
    await symlink(join(outside, "private.jpg"), join(dir, "link.jpg"));
    review = await startReview(dir, testEnv());
  });
  after(async () => {
    if (review) await stop(review);
  });

  /** Writes the catalog with `root` as source.root and one more photo, `file`, claiming `sha`. */
  async function tamper(root: string, file: string, sha = privateSha): Promise<void> {
    const c = structuredClone(original) as { source: { root: string }; photos: { file: string }[] };
    c.source.root = root;
    c.photos.push({ ...c.photos[0]!, file, sha256: sha } as never);
    await writeFile(join(dir, "catalog.json"), JSON.stringify(c));
  }
  const get = (what: "thumb" | "photo", sha = privateSha) =>
    rawGet(review.port, `/${what}/${sha}?t=${review.token}`);

  it('refuses (403, saying why) a photo outside the folder when source.root is "/" or the home folder', async () => {
    const up = join(
      ...dir
        .split("/")
        .slice(1)
        .map(() => ".."),
    );
    for (const root of ["/", homedir()])
      for (const file of [`${up}${outside}/private.jpg`, `../${basename(outside)}/private.jpg`]) {
        await tamper(root, file);
        for (const what of ["thumb", "photo"] as const) {
          const r = await get(what);
          assert.equal(r.status, 403, `${root} ${what} ${file}: ${r.body.slice(0, 80)}`);
          assert.match(JSON.parse(r.body).error, /outside the folder/);
        }
      }
  });

  it("shows no other file through a source.root that holds it: only the photo the catalog names (its sha256)", async () => {
    // A plausible source.root (an existing folder holding the file) and a path or a symlink to a file in it that
    // is not the photo the catalog says: refused, for the thumbnail and the large view.
    const sha = "d".repeat(64);
    for (const file of [`../${basename(outside)}/private.jpg`, "link.jpg"])
      for (const root of [outside, dirname(outside)]) {
        await tamper(root, file, sha);
        for (const what of ["thumb", "photo"] as const) {
          const r = await get(what, sha);
          assert.equal(r.status, 403, `${root} ${what} ${file}: ${r.body.slice(0, 80)}`);
          assert.doesNotMatch(r.headers, /image\//);
        }
      }
  });

  it("still shows the photos when source.root is stale (the folder was moved to another disk)", async () => {
    await tamper("/media/old-disk/photos", "IMG_0001.jpg", "c".repeat(64));
    const real = (original as { photos: { sha256: string }[] }).photos[0]!.sha256;
    const r = await get("thumb", real);
    assert.equal(r.status, 200, r.body.slice(0, 200));
    assert.equal((await get("thumb", "0".repeat(64))).status, 404, "an unknown photo is 404");
  });
});

describe("vbulk review of a big batch (600 articles)", { skip }, () => {
  it("holds no list of every article per card; « Fusionner » still merges with the article picked, by mouse or keyboard", async () => {
    // Before: every card's « Fusionner avec » listed every other article, 600 × 599 = 359 400 <option>s, so the page
    // took tens of seconds to show and every click, decision or status news rebuilt them all (seconds each).
    const n = 600;
    const file = (k: number) => `IMG_${String(k).padStart(4, "0")}.jpg`;
    const dir = await catalogFixture(
      Array.from({ length: n }, (_, k) => ({
        category: "t-shirt",
        color: "rouge" as const,
        photos: [file(k + 1)],
      })),
      undefined,
    );
    const review = await startReview(dir, testEnv());
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(review.url);
      const cards = page.locator("article.card");
      await cards.nth(n - 1).waitFor();
      const count = (selector: string) => page.evaluate((s) => document.querySelectorAll(s).length, selector);
      assert.ok((await count("option")) <= n, `${await count("option")} <option>s for ${n} articles`);
      const card = (id: string) => page.locator(`[data-article="${id}"]`);
      const picker = (id: string) => card(id).getByRole("combobox", { name: `Fusionner avec (${id})` });
      // Closed, each list shows the article « Fusionner » would merge with, as before: the first other one.
      assert.deepEqual(await picker("c10").locator("option").allTextContents(), ["c1 · T-shirt"]);

      // Opened with the mouse, the list offers every other article; the pick is kept when the focus leaves it.
      await picker("c10").click();
      assert.equal(await picker("c10").locator("option").count(), n - 1);
      const sha = (k: number) => createHash("sha256").update(file(k)).digest("hex");
      await picker("c10").selectOption({ value: sha(500) });
      await page.getByRole("heading", { name: "c10 · T-shirt" }).click();
      assert.ok((await count("option")) <= n, "the list given back when the seller left it");
      // A click on a photo elsewhere builds that card again, not the others (before: all 600).
      await page.evaluate(() => {
        (document.querySelector('[data-article="c10"]') as HTMLElement & { old?: boolean }).old = true;
      });
      await card("c20")
        .getByRole("checkbox", { name: `Sélectionner ${file(20)}` })
        .check();
      await page.getByRole("region", { name: /1 photo sélectionnée/ }).waitFor();
      assert.equal(
        await page.evaluate(
          () => (document.querySelector('[data-article="c10"]') as HTMLElement & { old?: boolean }).old,
        ),
        true,
        "an unchanged card is kept",
      );
      await page.getByRole("button", { name: "Tout désélectionner" }).click();
      await card("c10").getByRole("button", { name: "Fusionner" }).click();
      await card("c500").waitFor({ state: "detached" });
      let catalog = await readJson(dir, "catalog.json");
      assert.equal(catalog.items.length, n - 1);
      assert.deepEqual(catalog.items.find((i: { id: string }) => i.id === "c10").photos, [
        file(10),
        file(500),
      ]);

      // With the keyboard: Tab to the list, an arrow picks the next article, Tab and Enter on « Fusionner ».
      await picker("c1").focus();
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await cards.nth(n - 2).waitFor({ state: "detached" });
      catalog = await readJson(dir, "catalog.json");
      assert.deepEqual(catalog.items.find((i: { id: string }) => i.id === "c1").photos, [file(1), file(3)]);
      assert.ok((await count("option")) <= n);
      // The keyboard goes on from the merged article (before: the focus fell to the page and the next Tab went to
      // the last card).
      assert.deepEqual(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return [el?.closest<HTMLElement>("article.card")?.dataset.article, el?.textContent?.slice(0, 40)];
        }),
        ["c1", "Fusionner"],
      );
    } finally {
      await browser.close();
      await stop(review);
    }
  });
});

describe("vbulk review page words (French first)", { skip, concurrency: false }, () => {
  let dir: string;
  let review: Review;
  let browser: Browser;
  let page: Page;
  let env: NodeJS.ProcessEnv;
  const card = (id: string) => page.locator(`[data-article="${id}"]`);
  const open = async (id: string) => {
    await openListing(card(id));
  };

  before(async () => {
    dir = await copyFixture("grouping");
    await rm(join(dir, "truth.json"));
    env = testEnv();
    assert.equal((await runCli(["ingest", dir], { env })).code, 0);
    assert.equal((await runCli(["plan", dir], { env })).code, 0);
    ({ review, browser, page } = await reviewAndPage(dir, env));
    await page.goto(review.url);
    await card("c1").waitFor();
  });

  after(() => closeReviewAndPage(review, browser));

  it("a save of several fields with one bad value names that field in French, not the terminal's --set", async () => {
    // Before: « Expected an amount in euros … for --set c1.price but received "-5" Rien n'a été enregistré. » and
    // « Que faire : Nothing was written. » (only a save of exactly one field was put in the page's words).
    const planBefore = await readFile(join(dir, "plan.json"), "utf8");
    await open("c1");
    await card("c1").getByLabel("Titre").fill("Pull en laine bleu");
    await card("c1").getByLabel("Prix (€)").fill("-5");
    await card("c1").getByLabel("Marque").fill("Levi's");
    await card("c1").getByRole("button", { name: "Enregistrer l'annonce" }).click();
    const top = page.locator("p.message");
    await top.getByText(/Rien n'a été enregistré/).waitFor();
    const said = (await top.textContent()) ?? "";
    assert.match(said, /^Un prix est un nombre positif .* Rien n'a été enregistré\.$/);
    assert.doesNotMatch(said, /--set|Expected|Nothing|Que faire/);
    const alerts = await card("c1").locator(".field .error").allTextContents();
    assert.deepEqual(alerts, [said.replace(/ Rien n'a été enregistré\.$/, "")], "under « Prix » only");
    assert.equal(
      await card("c1").locator("#c1-price").getAttribute("aria-invalid"),
      "true",
      "the price field is the one marked",
    );
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), planBefore, "plan.json untouched");

    // Switched to English, the page's own sentences follow (before: the message and the field's error stayed
    // French under English labels until the next action).
    await page.getByRole("button", { name: "English" }).click();
    await top.getByText(/Nothing was saved\.$/).waitFor();
    assert.match(
      (await top.textContent()) ?? "",
      /^A price is a positive number .* \(you typed “-5”\)\. Nothing was saved\.$/,
    );
    assert.match(
      (await card("c1").locator(".field .error").textContent()) ?? "",
      /^A price is a positive number/,
    );
    await page.getByRole("button", { name: "Français" }).click();
    await top.getByText(/Rien n'a été enregistré\.$/).waitFor();
  });

  it("a field changed and then changed back is no edit: not saved, not the seller's", async () => {
    // Review (reproduced): a price typed then erased, or « Exclure » ticked then unticked, was saved as the
    // seller's edit with the title; a later --price left that article behind, and a terminal's exclusion made
    // meanwhile was overwritten by the second save the conflict message asked for.
    await open("c3");
    const price = card("c3").getByLabel("Prix (€)");
    const was = await price.inputValue();
    await price.fill("99");
    await price.fill(was);
    await card("c3").getByLabel("Exclure").check();
    await card("c3").getByLabel("Exclure").uncheck();
    await card("c3").getByLabel("Titre").fill("Chemise en lin blanche");
    await card("c3").getByRole("button", { name: "Enregistrer l'annonce" }).click();
    await page.locator("p.message").getByText("Enregistré.", { exact: true }).waitFor();
    const item = (await readJson(dir, "plan.json")).items[2];
    assert.equal(item.title, "Chemise en lin blanche");
    assert.deepEqual(item.edited, ["title"], "only the title is the seller's");
  });

  it("« Publier » on an article that is not ready says which fields of the page to complete", async () => {
    // Before: « Expected articles that are ready for Vinted … » and « Que faire : Fix what it needs first (e.g.
    // --set c3.size=M, --gender femme), then --publish it. »: a page user has neither flag.
    const planBefore = await readFile(join(dir, "plan.json"), "utf8");
    await open("c2");
    await card("c2").getByLabel("Publier").check();
    await card("c2").getByRole("button", { name: "Enregistrer l'annonce" }).click();
    const top = page.locator("p.message");
    await top.getByText(/ne peut pas être coché/).waitFor();
    const said = (await top.textContent()) ?? "";
    assert.match(
      said,
      /^« Publier » ne peut pas être coché pour c2 : .* Complétez d'abord « Type », enregistrez, puis cochez « Publier »\. Rien n'a été enregistré\.$/,
    );
    assert.doesNotMatch(said, /--|Expected|Que faire/);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), planBefore, "plan.json untouched");

    // With the type chosen in the same save, what is still missing is the department (« Rayon »).
    await card("c2").locator('select[name="category"]').selectOption("hoodie");
    await card("c2").getByRole("button", { name: "Enregistrer l'annonce" }).click();
    await top.getByText(/Complétez d'abord « Rayon »/).waitFor();
    assert.doesNotMatch((await top.textContent()) ?? "", /« Type »/);
    assert.equal(await readFile(join(dir, "plan.json"), "utf8"), planBefore, "plan.json still untouched");
  });

  it("the card and the merge/move lists name the type the seller chose, once saved", async () => {
    // Before: « c3 · type non reconnu (à choisir) » stayed on the card (the catalog's type, not the plan's), and
    // every entry of « Fusionner avec » read the same, so the lists told the articles apart by id only.
    await open("c3");
    await card("c3").locator('select[name="category"]').selectOption("jeans");
    await card("c3").getByRole("button", { name: "Enregistrer l'annonce" }).click();
    await page.locator("p.message").getByText("Enregistré.", { exact: true }).waitFor();
    assert.equal((await readJson(dir, "plan.json")).items[2].category, "jeans");
    assert.equal(await card("c3").locator("h2").textContent(), "c3 · Jean");
    await card("c1").getByLabel("Fusionner avec (c1)").focus();
    const merge = await card("c1").getByLabel("Fusionner avec (c1)").locator("option").allTextContents();
    assert.ok(merge.includes("c3 · Jean"), merge.join(", "));
    assert.ok(merge.includes("c2 · type non reconnu (à choisir)"), "an article with no type chosen says so");
  });

  it("refuses a request from another site's page even with the token, and answers /favicon.ico without one", async () => {
    // Before: Origin https://evil.example with the token got 200 (the token alone guarded writes), and every load
    // logged « 403 (Forbidden) » for /favicon.ico in the console.
    const post = (origin: string | null) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const body = JSON.stringify({ edits: [{ id: "c1", field: "price", value: "20" }] });
        const req = request(
          {
            host: "127.0.0.1",
            port: review.port,
            path: "/api/plan/check",
            method: "POST",
            headers: {
              "Content-Type": "application/json",
              "X-Vbulk-Token": review.token,
              ...(origin === null ? {} : { Origin: origin }),
            },
          },
          (res) => {
            let text = "";
            res.on("data", (d) => {
              text += d;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    const evil = await post("https://evil.example");
    assert.equal(evil.status, 403);
    assert.match(evil.body, /Origin header is \\"https:\/\/evil\.example\\"/);
    assert.equal((await post("null")).status, 403, "a sandboxed frame's null origin too");
    assert.equal((await post(`http://127.0.0.1:${review.port}`)).status, 200, "the page's own origin");
    assert.equal((await post(`http://localhost:${review.port}`)).status, 200, "opened as localhost");
    assert.equal((await post(`http://127.0.0.1:${review.port + 1}`)).status, 403, "another port");
    assert.equal((await post(null)).status, 200, "no Origin (curl, the page's own GETs): the token decides");

    assert.equal((await rawGet(review.port, "/favicon.ico")).status, 204);
    const errors: string[] = [];
    const fresh = await browser.newPage();
    fresh.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await fresh.goto(review.url);
    // A save from the page (its POSTs carry its Origin) still works.
    const c4 = fresh.locator('[data-article="c4"]');
    await c4.locator("details.listing summary").click();
    await c4.getByLabel("Prix (€)").fill("17");
    await c4.getByRole("button", { name: "Enregistrer l'annonce" }).click();
    await fresh.locator("p.message").getByText("Enregistré.", { exact: true }).waitFor();
    await fresh.close();
    assert.equal((await readJson(dir, "plan.json")).items[3].price, 17);
    assert.deepEqual(errors, [], "no error in the console");
  });

  it("says one thing in the singular and several in the plural, prices the French way, and no English « Unknown »", async () => {
    // Before: « 1 doublons mis de côté », « 1 photo(s) », « article(s) c1 modifié(s) », a price typed « 12,50 »
    // shown back as « 12.5 € », and « Marque » filled with the English « Unknown ».
    const fresh = await browser.newPage();
    try {
      await fresh.goto(review.url);
      const c = (id: string) => fresh.locator(`[data-article="${id}"]`);
      await c("c5").waitFor();
      const catalog = await readJson(dir, "catalog.json");
      const n = (k: number, one: string, other: string) => `${k} ${k < 2 ? one : other}`;
      const s = catalog.summary;
      assert.equal(
        ((await fresh.locator("p.summary").textContent()) ?? "").split(" — ")[1],
        [
          n(s.articles, "article", "articles"),
          n(s.photos, "photo", "photos"),
          n(s.duplicates, "doublon mis de côté", "doublons mis de côté"),
          n(s.errors, "illisible", "illisibles"),
        ].join(", "),
      );
      for (const a of catalog.items)
        assert.match(
          (await c(a.id).locator(".facts").textContent()) ?? "",
          new RegExp(`^${n(a.photos.length, "photo", "photos")} · `),
        );
      assert.doesNotMatch((await fresh.textContent("body")) ?? "", /\(s\)/);

      await c("c5").locator("details.listing summary").click();
      const brand = c("c5").getByLabel("Marque");
      assert.equal(await brand.inputValue(), "", "no English « Unknown » in a French form");
      assert.equal(await brand.getAttribute("placeholder"), "sans marque (laissez vide)");
      // Typed then erased: nothing to save for the brand, which stays as it was.
      await brand.fill("Zara");
      await brand.fill("");
      await c("c5").getByLabel("Prix (€)").fill("12,50");
      await c("c5").getByRole("button", { name: "Enregistrer l'annonce" }).click();
      await fresh.locator("p.message").getByText("Enregistré.", { exact: true }).waitFor();
      const item = (await readJson(dir, "plan.json")).items[4];
      assert.equal(item.price, 12.5);
      assert.equal(item.brand, "Unknown", "what is saved for the brand is unchanged");
      assert.ok(!item.edited.includes("brand"), "and not marked as the seller's edit");
      assert.equal(await c("c5").getByLabel("Prix (€)").inputValue(), "12,50");
      // Its type is still to choose: not ready for Vinted, said on the line.
      assert.match(
        (await c("c5").locator("details.listing summary").textContent()) ?? "",
        / · 12,50 € à compléter$/,
      );
      await openListing(c("c5"));
      await brand.fill("Levi's");
      await c("c5").getByRole("button", { name: "Enregistrer l'annonce" }).click();
      await until(
        async () => (await readJson(dir, "plan.json")).items[4].brand === "Levi's",
        "a typed brand is saved",
      );
      // A price as a seller writes it, with the euro sign and a space between thousands (before: « Un prix est un
      // nombre positif… (vous avez tapé « 1 200 € ») »).
      await openListing(c("c5"));
      await c("c5").getByLabel("Prix (€)").fill("1 200 €");
      await c("c5").getByRole("button", { name: "Enregistrer l'annonce" }).click();
      await until(
        async () => (await readJson(dir, "plan.json")).items[4].price === 1200,
        "« 1 200 € » saved as 1200",
      );
      assert.equal(await c("c5").locator("#c5-price-err").count(), 0, "no error under the price");

      // One article out of date is said in the singular.
      const sha = catalog.photos.find((p: { file: string }) => p.file === catalog.items[0].photos[0]).sha256;
      await fresh.getByRole("checkbox", { name: `Sélectionner ${catalog.items[0].photos[0]}` }).check();
      await fresh.getByRole("button", { name: "Retirer de l'annonce" }).click();
      await fresh.locator(".actions p.stale").waitFor();
      assert.ok(sha);
      assert.match(
        (await fresh.locator(".actions p.stale").textContent()) ?? "",
        /^Le plan n'est plus à jour : l'article c1 a changé depuis/,
      );
    } finally {
      await fresh.close();
    }
  });

  it("the language chosen with the button stays on a reload, also of a link that said &lang=en", async () => {
    // Audit: opened with …&lang=en, « Français » clicked, then a reload: the page came back in English.
    const fresh = await browser.newPage();
    try {
      await fresh.goto(`${review.url}&lang=en`);
      await fresh.getByRole("button", { name: "Français" }).click();
      await fresh.getByRole("button", { name: "English" }).waitFor();
      await fresh.reload();
      await fresh.locator('[data-article="c1"]').waitFor();
      assert.equal(await fresh.getByRole("button", { name: "English" }).count(), 1, "still French");
      assert.match(fresh.url(), /[?&]lang=fr(&|$)/);
      assert.match(fresh.url(), /[?&]t=/, "the token stays in the link");
      await fresh.getByRole("button", { name: "English" }).click();
      await fresh.reload();
      await fresh.getByRole("button", { name: "Français" }).waitFor();
    } finally {
      await fresh.close();
    }
  });

  it("what is typed while a save is on its way stays typed, and a second save waits for the first", async () => {
    // CI, stop 31: a price typed just after a brand's save vanished when that save's answer came (the page forgot
    // the whole listing's typing, not only what it had sent), and a second save sent meanwhile was refused as a
    // conflict with the seller's own brand. The first save's answer is held here until the second is asked for.
    const fresh = await browser.newPage();
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let saves = 0;
    try {
      await fresh.route("**/api/plan/save", async (route) => {
        saves++;
        if (saves > 1) return route.continue();
        const response = await route.fetch();
        await held;
        await route.fulfill({ response });
      });
      await fresh.goto(review.url);
      const c5 = fresh.locator('[data-article="c5"]');
      await openListing(c5);
      await c5.getByLabel("Marque").fill("Levi's Vintage");
      await c5.getByRole("button", { name: "Enregistrer l'annonce" }).click();
      await until(
        async () => (await readJson(dir, "plan.json")).items[4].brand === "Levi's Vintage",
        "the brand written (its answer held)",
      );
      await c5.getByLabel("Prix (€)").fill("1 300");
      await c5.getByRole("button", { name: "Enregistrer l'annonce" }).click();
      release();
      await until(
        async () => (await readJson(dir, "plan.json")).items[4].price === 1300,
        "the price typed during the first save, saved by the second",
      );
      // The field shows what plan.json holds once the second save's answer is in (« Enregistré. » is on the page
      // since the first's: no sign of the second).
      await until(
        async () => (await c5.getByLabel("Prix (€)").inputValue()) === "1300",
        "the saved price shown in the field",
      );
      assert.equal(saves, 2);
      assert.equal(await fresh.locator("p.message").textContent(), "Enregistré.", "no conflict said");
      assert.equal((await readJson(dir, "plan.json")).items[4].brand, "Levi's Vintage");
    } finally {
      release();
      await fresh.close();
    }
  });

  it("a plan.json it cannot read is said on the page, which comes back once the file is mended", async () => {
    // Review: the page stayed on « Chargement… » for good; the server's refusal was only in the console.
    const path = join(dir, "plan.json");
    const good = await readFile(path, "utf8");
    await writeFile(path, good.slice(0, good.length / 2));
    const fresh = await browser.newPage();
    try {
      await fresh.goto(review.url);
      const said = fresh.locator("p.message.error");
      await said.getByText(/plan\.json/).waitFor();
      assert.match((await said.textContent()) ?? "", /Expected valid JSON in .*plan\.json/);
      assert.equal(await fresh.getByText("Chargement…").count(), 0);
      await writeFile(path, good);
      await fresh.locator('[data-article="c1"]').waitFor();
      assert.equal(await said.count(), 0, "the message goes once the file is mended");
    } finally {
      await fresh.close();
      await writeFile(path, good);
    }
  });

  it("shows the keyboard's place on a listing's summary and description as clearly as on its buttons", async () => {
    // Audit: « Annonce : … » and « Description » had Chromium's thin default ring, the buttons and fields a 3 px one.
    await page.reload();
    const ring = async (control: Locator) => {
      await control.focus();
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Tab");
      return control.evaluate((el) => {
        const s = getComputedStyle(el);
        return el === document.activeElement ? `${s.outlineStyle} ${s.outlineWidth}` : "not focused";
      });
    };
    const summary = card("c1").locator("details.listing summary");
    assert.equal(await ring(summary), "solid 3px", "the summary");
    await openListing(card("c1"));
    assert.equal(await ring(card("c1").getByLabel("Titre")), "solid 3px", "a field (as before)");
    assert.equal(await ring(card("c1").getByLabel("Description")), "solid 3px", "the description");
  });

  it("a save over two fields changed meanwhile in a terminal names each with its article, in the plural", async () => {
    // Before: « Rien n'a été enregistré : prix de c4 (maintenant 41 €), taille de c4 (maintenant M) a changé dans
    // plan.json depuis que la page l'a affiché ».
    await page.reload();
    await open("c4");
    await card("c4").getByLabel("Prix (€)").fill("36");
    await card("c4").getByLabel("Taille").fill("L");
    const both = await runCli(["plan", dir, "--set", "c4.price=41", "--set", "c4.size=M"], { env });
    assert.equal(both.code, 0, both.stderr);
    await card("c4").getByRole("button", { name: "Enregistrer l'annonce" }).click();
    const said = page.locator("p.message");
    await said.getByText(/Rien n'a été enregistré/).waitFor();
    assert.match(
      (await said.textContent()) ?? "",
      /^Rien n'a été enregistré : (le prix de c4 \(maintenant 41 €\) et la taille de c4 \(maintenant M\)|la taille de c4 \(maintenant M\) et le prix de c4 \(maintenant 41 €\)) ont changé dans plan\.json pendant que vous tapiez/,
    );
  });

  it("a value typed, changed back, then set in a terminal: typing again over the new value saves at once", async () => {
    // Before (concurrency audit #4): the page compared with the value shown at the first keystroke (20), not the
    // 12 the seller saw when typing again, and refused: « le prix de c5 (maintenant 12 €) a changé … ».
    await page.reload();
    await open("c5");
    const price = card("c5").getByLabel("Prix (€)");
    const was = await price.inputValue();
    await price.fill("15");
    await price.fill(was);
    await page.mouse.click(5, 5);
    const set = await runCli(["plan", dir, "--set", "c5.price=12"], { env });
    assert.equal(set.code, 0, set.stderr);
    await until(async () => (await price.inputValue()) === "12", "the page shows 12");
    await price.fill("15");
    await card("c5").getByRole("button", { name: "Enregistrer l'annonce" }).click();
    await page.locator("p.message").getByText("Enregistré.", { exact: true }).waitFor();
    assert.equal(
      (await readJson(dir, "plan.json")).items.find((i: { cluster_id: string }) => i.cluster_id === "c5")
        .price,
      15,
    );
  });
});

describe("vbulk review exit codes", () => {
  it("exits 2 for a folder that does not exist, a taken --port or an unknown flag, and creates nothing", async () => {
    const missing = join(await tempDir("vbulk-review-"), "no-such-folder");
    const r = await runCli(["review", missing, "--no-open"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Expected a folder or a photos \.zip for vbulk review but received/);
    assert.equal(existsSync(missing), false);

    const taken = createServer();
    await new Promise<void>((ok) => taken.listen(0, "127.0.0.1", ok));
    const port = (taken.address() as AddressInfo).port;
    const busy = await runCli(["review", await tempDir(), "--no-open", "--port", String(port)]);
    taken.close();
    assert.equal(busy.code, 2, busy.stderr);
    assert.match(busy.stderr, new RegExp(`Expected a free port for --port but ${port} is in use`));

    assert.equal((await runCli(["review", "--no-such-flag"])).code, 2);
  });
});

describe("vbulk review: typed values and grouping decisions", { skip }, () => {
  it("a merge of an article with unsaved typing is refused and the typing kept; discarded, the merge goes through", async () => {
    // Before, the typed values were kept under the article's id, which the merge gave away (the larger part's id
    // stays): the title typed vanished from the screen, nothing said so, and leaving the page still asked about it.
    await withPlannedReview(async ({ dir, review, browser }) => {
      const page = await browser.newPage();
      await page.goto(review.url);
      const before = await readFile(join(dir, "catalog.json"), "utf8");
      const catalog = JSON.parse(before);
      type Item = { id: string; photos: string[] };
      const items = [...(catalog.items as Item[])].sort((x, y) => x.photos.length - y.photos.length);
      const small = items[0]!;
      const large = items.at(-1)!;
      assert.ok(small.photos.length < large.photos.length);
      const sha = (f: string) => catalog.photos.find((p: { file: string }) => p.file === f).sha256;
      const card = page.locator(`[data-article="${small.id}"]`);
      await card.waitFor();
      await openListing(card);
      await card.getByLabel("Titre").fill("Robe violette soie");
      const merge = async () => {
        // The list is filled when the seller opens it.
        const picker = card.getByRole("combobox", { name: /Fusionner avec/ });
        await picker.click();
        await picker.selectOption({ value: sha(large.photos[0]!) });
        await card.getByRole("button", { name: "Fusionner" }).click();
      };
      await merge();
      const said = page.locator("p.message");
      await said.getByText(/Rien n'a changé/).waitFor();
      assert.match(
        (await said.textContent()) ?? "",
        new RegExp(
          `l'annonce ${small.id} \\(Titre\\) a des modifications non enregistrées\\. Enregistrez-les .* ou abandonnez-les`,
        ),
      );
      assert.equal(await card.getByLabel("Titre").inputValue(), "Robe violette soie", "the typing is kept");
      assert.equal(await readFile(join(dir, "catalog.json"), "utf8"), before, "nothing changed");
      assert.equal(existsSync(join(dir, "decisions.json")), false);
      // Discarded on purpose, the merge goes through.
      await card.getByRole("button", { name: "Abandonner les modifications" }).click();
      await said.getByText(`Modifications non enregistrées de ${small.id} abandonnées.`).waitFor();
      await merge();
      await card.waitFor({ state: "detached" });
      assert.equal((await readJson(dir, "decisions.json")).decisions.length, 1);
      const leaving = await page.evaluate(() => {
        const ev = new Event("beforeunload", { cancelable: true });
        window.dispatchEvent(ev);
        return ev.defaultPrevented;
      });
      assert.equal(leaving, false, "nothing unsaved is left to ask about");
      // « Annuler la dernière décision » may change any article: refused the same way while something is unsaved.
      const merged = page.locator(`[data-article="${large.id}"]`);
      await openListing(merged);
      await merged.getByLabel("Prix").fill("45");
      await page.getByRole("button", { name: /Annuler la dernière décision/ }).click();
      await said.getByText(new RegExp(`Rien n'a changé : l'annonce ${large.id} \\(Prix\\)`)).waitFor();
      assert.equal((await readJson(dir, "decisions.json")).decisions.length, 1, "the merge is not undone");
      assert.equal(await merged.getByLabel("Prix").inputValue(), "45");
    });
  });
});

describe("vbulk review: typed values of an article that left the catalog (concurrency audit #2)", {
  skip,
}, () => {
  it("are shown to copy, naming the article; undo is not blocked by them; « Analyser à nouveau » asks first", async () => {
    // Before: another tab's merge (or a re-ingest) took the article away, its card went with what was typed in it,
    // nothing said so, and « Annuler la dernière décision » stayed refused naming buttons that no longer existed.
    await withPlannedReview(async ({ dir, review, browser }) => {
      const page = await browser.newPage();
      await page.goto(review.url);
      const catalog = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8"));
      type Item = { id: string; photos: string[] };
      const items = [...(catalog.items as Item[])].sort((x, y) => x.photos.length - y.photos.length);
      const small = items[0]!;
      const large = items.at(-1)!;
      const sha = (f: string) => catalog.photos.find((p: { file: string }) => p.file === f).sha256;
      const card = page.locator(`[data-article="${small.id}"]`);
      await card.waitFor();
      await openListing(card);
      await card.getByLabel("Titre").fill("Robe violette soie");
      await page.mouse.click(5, 5);
      // Another tab merges it into the larger article, which keeps its id.
      const merged = await fetch(`http://127.0.0.1:${review.port}/api/decide`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Vbulk-Token": review.token },
        body: JSON.stringify({ op: "merge", a: sha(small.photos[0]!), b: sha(large.photos[0]!) }),
      });
      assert.equal(merged.status, 200);
      await card.waitFor({ state: "detached", timeout: 15_000 });
      const left = page.locator(".left-drafts");
      await left.waitFor();
      assert.match(
        (await left.textContent()) ?? "",
        new RegExp(`${small.id} \\(${small.photos.join(", ")}\\) n'est plus dans le catalogue`),
      );
      assert.match(await left.locator("textarea").inputValue(), /^Titre : Robe violette soie$/);
      assert.match(
        (await page.locator("p.message").textContent()) ?? "",
        new RegExp(`${small.id} n.est plus celui .*gardé plus haut, à copier`),
      );
      // Undo is not refused over an article that is gone.
      await page.getByRole("button", { name: /Annuler la dernière décision/ }).click();
      await until(
        async () => (await readJson(dir, "decisions.json")).decisions.length === 0,
        "the merge undone",
      );
      await left.getByRole("button", { name: "Oublier" }).click();
      await left.waitFor({ state: "detached" });
      // « Analyser à nouveau » with a listing holding unsaved values asks first; declined, nothing runs.
      const big = page.locator(`[data-article="${large.id}"]`);
      await openListing(big);
      await big.getByLabel("Prix").fill("45");
      await page.mouse.click(5, 5);
      await rm(join(dir, small.photos[0]!));
      const banner = page.locator(".changes");
      await banner.waitFor({ timeout: 15_000 });
      const asked = new Promise<string>((resolve) =>
        page.once("dialog", (d) => {
          resolve(d.message());
          void d.dismiss();
        }),
      );
      await banner.getByRole("button", { name: "Analyser à nouveau" }).click();
      assert.match(await asked, new RegExp(`${large.id} \\(Prix\\).*Analyser quand même \\?`, "s"));
      await sleep(500);
      assert.equal(
        (await readJson(dir, "catalog.json")).items.length,
        catalog.items.length,
        "no analysis ran",
      );
      assert.equal(await big.getByLabel("Prix").inputValue(), "45");
    });
  });
});

describe("vbulk review: grouping on a slow connection, and in two tabs (seller's audit, 2026-11-29)", {
  skip,
}, () => {
  it("a double-click on « Fusionner » or « Nouvel article » while the first is on its way records one decision", async () => {
    // Before: two identical merges in decisions.json (one « Annuler » then changed nothing), and a second split of
    // no photo refused in the server's English (« Invalid request: photos: Too small … »).
    await withPlannedReview(async ({ dir, review, browser }) => {
      const page = await browser.newPage();
      await page.route("**/api/decide*", async (route) => {
        await new Promise((r) => setTimeout(r, 1500));
        await route.continue();
      });
      await page.goto(review.url);
      const c1 = page.locator('[data-article="c1"]');
      await c1.getByRole("button", { name: "Fusionner" }).dblclick();
      await page.getByText("Enregistré.", { exact: true }).first().waitFor();
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal((await readJson(dir, "decisions.json")).decisions.length, 1, "one merge");
      await page.locator("main.grid article").first().locator("button.thumb").first().focus();
      await page.keyboard.press("Space");
      await page.getByText("1 photo sélectionnée").waitFor();
      await page.getByRole("button", { name: "Nouvel article" }).dblclick();
      await page
        .getByRole("status")
        .getByText(/^Nouvel article c\d+ créé/)
        .waitFor();
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal((await readJson(dir, "decisions.json")).decisions.length, 2, "one split");
      assert.doesNotMatch((await page.locator("p.message").textContent()) ?? "", /Invalid request|Too small/);
      assert.equal(await page.locator("dialog[open]").count(), 0, "no photo opened by the second click");
    });
  });

  it("« Déplacer vers » does not offer the article that already holds the selected photos", async () => {
    // Before: it did; the move was saved as a decision that changed nothing, and cost an « Annuler ».
    await withPlannedReview(async ({ review, browser }) => {
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.locator('[data-article="c1"] button.thumb').first().focus();
      await page.keyboard.press("Space");
      await page.getByText("1 photo sélectionnée").waitFor();
      const options = await page.getByLabel("Déplacer vers").locator("option").allTextContents();
      assert.ok(options.length > 0, "other articles are offered");
      assert.equal(
        options.some((o) => o.startsWith("c1 ")),
        false,
        options.join(", "),
      );
    });
  });

  it("a merge made in another tab shows in this one without a reload", async () => {
    // Before: only plan.json's changes reached the other tab; its « Annuler » then undid a merge it never showed.
    await withPlannedReview(async ({ review, browser }) => {
      const a = await browser.newPage();
      const b = await browser.newPage();
      await a.goto(review.url);
      await b.goto(review.url);
      const cards = async (p: Page) =>
        p.locator("main.grid article").evaluateAll((els) => els.map((e) => e.getAttribute("data-article")));
      const before = await cards(a);
      await b.locator('[data-article="c1"]').getByRole("button", { name: "Fusionner" }).click();
      await b.getByText("Enregistré.", { exact: true }).first().waitFor();
      const merged = await cards(b);
      assert.equal(merged.length, before.length - 1);
      await until(
        async () => JSON.stringify(await cards(a)) === JSON.stringify(merged),
        `the other tab shows ${merged.join(", ")}`,
      );
    });
  });
});

/** A grouping decision made through the server (as another tab would), then « Générer le plan » on a page: what it says. */
async function decideThenGenerate(review: Review, browser: Browser, decision: object): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${review.port}/api/decide`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Vbulk-Token": review.token },
    body: JSON.stringify(decision),
  });
  assert.equal(r.status, 200);
  const page = await browser.newPage();
  await page.goto(review.url);
  await page.getByRole("button", { name: "Générer le plan" }).click();
  await page.getByText(/^Plan écrit dans plan\.json : /).waitFor();
  return (await page.locator("p.message").textContent()) ?? "";
}

/** Gives c1 what Vinted needs and marks it for publishing, as a seller would in a terminal. */
async function markC1(dir: string): Promise<void> {
  const args = ["--gender", "femme", "--set", "c1.category=hoodie", "--set", "c1.size=M", "--publish", "c1"];
  const marked = await runCli(["plan", dir, ...args], { env: testEnv() });
  assert.equal(marked.code, 0, marked.stderr);
}

describe("vbulk review: a publish mark after a merge", { skip }, () => {
  it("« Générer le plan » after a merge into a marked article says its publish mark was taken off, and why", async () => {
    // Before: the merged article kept its edits, « Publier » included, and the page said only « modifications
    // gardées : c1 »: the other garment's photos would have gone public in c1's listing.
    const { dir, review } = await plannedReview();
    await markC1(dir);
    const browser = await launchChromium();
    try {
      const catalog = await readJson(dir, "catalog.json");
      type Item = { id: string; photos: string[] };
      const c1 = (catalog.items as Item[]).find((i) => i.id === "c1")!;
      // The smallest other article: c1 keeps most of its photos, so its other edits are carried.
      const other = [...(catalog.items as Item[])]
        .filter((i) => i.id !== "c1")
        .sort((x, y) => x.photos.length - y.photos.length)[0]!;
      assert.ok(other.photos.length < c1.photos.length);
      const sha = (f: string) => catalog.photos.find((p: { file: string }) => p.file === f).sha256;
      const said = await decideThenGenerate(review, browser, {
        op: "merge",
        a: sha(c1.photos[0]!),
        b: sha(other.photos[0]!),
      });
      assert.match(
        said,
        new RegExp(
          `Publication retirée, les photos n'étant plus celles de l'article que vous aviez marqué \\(vérifiez-les, puis cochez « Publier » à nouveau\\) : c1 \\(il a maintenant des photos de ${other.id} : fusion\\)`,
        ),
      );
      assert.match(said, /modifications gardées : c1 \(type, taille\)/, "the mark is not said kept too");
      const plan = await readJson(dir, "plan.json");
      assert.equal(plan.items.find((i: { cluster_id: string }) => i.cluster_id === "c1").publish, false);
    } finally {
      await browser.close();
      await stop(review);
    }
  });
});

describe("vbulk review: a publish mark after a split", { skip }, () => {
  it("« Générer le plan » after a photo of a marked article is split off says its publish mark was taken off, and where the photo went", async () => {
    // The split case of the merge test above: the page's words for it (unpub_split) were never shown in a browser.
    const { dir, review } = await plannedReview();
    await markC1(dir);
    const browser = await launchChromium();
    try {
      const catalog = await readJson(dir, "catalog.json");
      const c1 = (catalog.items as { id: string; photos: string[] }[]).find((i) => i.id === "c1")!;
      assert.ok(c1.photos.length >= 3, "c1 keeps most of its photos after one is split off");
      const sha = (f: string) => catalog.photos.find((p: { file: string }) => p.file === f).sha256;
      const said = await decideThenGenerate(review, browser, {
        op: "split",
        photos: [sha(c1.photos.at(-1)!)],
      });
      const after = await readJson(dir, "catalog.json");
      const holder = (after.items as { id: string; photos: string[] }[]).find((i) =>
        i.photos.includes(c1.photos.at(-1)!),
      )!;
      assert.notEqual(holder.id, "c1");
      assert.match(
        said,
        new RegExp(
          `Publication retirée, les photos n'étant plus celles de l'article que vous aviez marqué \\(vérifiez-les, puis cochez « Publier » à nouveau\\) : c1 \\(des photos marquées sont maintenant dans ${holder.id} : séparation\\)`,
        ),
        said,
      );
      const plan = await readJson(dir, "plan.json");
      assert.equal(plan.items.find((i: { cluster_id: string }) => i.cluster_id === "c1").publish, false);
    } finally {
      await browser.close();
      await stop(review);
    }
  });
});

describe("vbulk review: a card's facts after the seller's edits", { skip }, () => {
  it("shows the colour the seller chose, and no cohesion for an article the seller made by hand", async () => {
    // Audit: c9's listing read « Jean bleu… » after Couleur bleu, its card still « 2 photos · gris » (the catalog's
    // guess); after « Nouvel article » both halves showed the old article's cohesion (0.72 and 0.72).
    const dir = await catalogFixture(
      [
        { category: "jeans", color: "gris", photos: ["a.jpg", "b.jpg", "c.jpg"] },
        { category: "hoodie", color: "noir", photos: ["d.jpg", "e.jpg"] },
      ],
      undefined,
    );
    const catalog = await readJson(dir, "catalog.json");
    const sha = (f: string) => catalog.photos.find((p: { file: string }) => p.file === f).sha256 as string;
    const env = testEnv();
    assert.equal((await runCli(["plan", dir, "--set", "c1.color=bleu"], { env })).code, 0);
    await decide(dir, { op: "split", photos: [sha("d.jpg")] });
    const review = await startReview(dir, env);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(review.url);
      const facts = (id: string) => page.locator(`[data-article="${id}"] p.facts`);
      await facts("c1").waitFor();
      assert.match((await facts("c1").textContent()) ?? "", /^3 photos · bleu · /);
      assert.match(
        (await facts("c1").textContent()) ?? "",
        / · cohésion 0\.90/,
        "vbulk's own grouping keeps it",
      );
      const split = (await readJson(dir, "catalog.json")).items.filter(
        (i: { by_seller?: boolean }) => i.by_seller,
      );
      assert.equal(split.length, 2, "the two halves are the seller's");
      for (const { id } of split) {
        const said = (await facts(id).textContent()) ?? "";
        assert.match(said, /^1 photo · noir · /);
        assert.doesNotMatch(said, /cohésion/, `${id}: ${said}`);
      }
    } finally {
      await browser.close();
      await stop(review);
    }
  });
});

describe("vbulk review: photos added to the folder after the analysis", { skip }, () => {
  it("the page says which, « Analyser à nouveau » takes them in, and the articles already there keep their ids and edits", async () => {
    // Before: « Analyser » showed only for a folder without a catalog; a seller who copied forgotten photos into
    // the folder saw nothing of them on the page and had to find `vbulk ingest` in a terminal.
    await withPlannedReview(async ({ dir, review, browser }) => {
      const first = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8")) as {
        items: { id: string; photos: string[] }[];
      };
      const set = await runCli(["plan", dir, "--set", `${first.items[0]!.id}.title=Tee rouge coton`], {
        env: testEnv(),
      });
      assert.equal(set.code, 0, set.stderr);
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.locator(`[data-article="${first.items[0]!.id}"]`).waitFor();
      assert.equal(
        await page.locator(".changes").count(),
        0,
        "nothing to say while the folder is as analysed",
      );
      // The last two articles merged on the page; then another garment's photo (the designed near-duplicates'
      // other colourway) copied in, and a photo of the merge taken out.
      const catalog = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8")) as {
        photos: { file: string; sha256: string }[];
      };
      const sha = (f: string) => catalog.photos.find((p) => p.file === f)!.sha256;
      const x = first.items.at(-2)!;
      const y = first.items.at(-1)!;
      const merged = await fetch(`http://127.0.0.1:${review.port}/api/decide`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Vbulk-Token": review.token },
        body: JSON.stringify({ op: "merge", a: sha(x.photos[0]!), b: sha(y.photos[0]!) }),
      });
      assert.equal(merged.status, 200);
      await writeFile(
        join(dir, "IMG_0100.jpg"),
        await readFile(join(FIXTURES, "duplicates", "other-colour.jpg")),
      );
      const taken = y.photos[0]!;
      await rm(join(dir, taken));
      const banner = page.locator(".changes");
      await banner.waitFor({ timeout: 15_000 });
      assert.equal(
        await banner.locator("p").textContent(),
        `Depuis la dernière analyse, 1 photo ajoutée (IMG_0100.jpg) et 1 photo retirée (${taken}) : « Analyser à nouveau » les prend en compte (les articles déjà là gardent leur numéro et vos modifications).`,
      );
      await banner.getByRole("button", { name: "Analyser à nouveau" }).click();
      const deadline = Date.now() + 60_000;
      let after = first;
      while (Date.now() < deadline) {
        after = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8"));
        if (after.items.some((it) => it.photos.includes("IMG_0100.jpg"))) break;
        await sleep(200);
      }
      assert.ok(
        after.items.some((it) => it.photos.includes("IMG_0100.jpg")),
        "the added photo is in the catalog",
      );
      // The page shows it once the analysis has ended, and has nothing more to say about the folder.
      await page.locator('[data-article] img[alt="IMG_0100.jpg"]').waitFor({ timeout: 30_000 });
      await banner.waitFor({ state: "detached", timeout: 15_000 });
      // What the analysis said, in the page's words, stays under the actions: the merge's photo gone, how the photo
      // added was placed, and that no CLIP model ran; none of the terminal's English.
      const outcome = page.locator(".activity .ingest-outcome");
      await outcome
        .getByText(
          new RegExp(
            `1 photo nommée par vos décisions de regroupement n'est plus dans le dossier .*${taken}`,
          ),
        )
        .waitFor({ timeout: 15_000 });
      const said = (await outcome.textContent()) ?? "";
      assert.match(
        said,
        /Nouvelle analyse : \d+ articles d'avant gardés tels quels ; [^.]*\. Vérifiez les nouveaux articles sur cette page\./,
      );
      assert.match(said, /Sans modèle CLIP : les photos sont regroupées par couleur et texture/);
      assert.doesNotMatch(said, /earlier articles|No CLIP model|photos? added since/);
      for (const it of first.items.slice(0, -2))
        assert.ok(
          after.items.some((a) => a.id === it.id && it.photos.every((f) => a.photos.includes(f))),
          `${it.id} keeps its id and photos`,
        );
      const planned = await runCli(["plan", dir, "--json"], { env: testEnv() });
      assert.equal(planned.code, 0, planned.stderr);
      const items = JSON.parse(planned.stdout).items as { cluster_id: string; title: string }[];
      assert.equal(items.find((i) => i.cluster_id === first.items[0]!.id)?.title, "Tee rouge coton");
    });
  });
});

describe("vbulk review: « Créer les brouillons » with nothing ready, or a plan out of date", { skip }, () => {
  it("says which articles are not ready and why in the page's words, and that the plan is out of date", async () => {
    // Before: « Rien à envoyer : aucun article n'a besoin d'être écrit sur Vinted » with 5 articles not ready (read
    // as "all done"), each « pas envoyé (pas prêt) : needs_review: category unknown: set it (no CLIP model ran) »,
    // and a plan out of date said as "Expected plan.json to list the catalog's photos … Run `vbulk plan …`".
    const dir = await copyFixture("grouping");
    await rm(join(dir, "truth.json"));
    const env = testEnv({ VBULK_CONFIG_DIR: await tempDir("vbulk-review-idle-") });
    assert.equal((await runCli(["ingest", dir], { env })).code, 0);
    assert.equal((await runCli(["plan", dir], { env })).code, 0);
    const review = await startReview(dir, env);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.locator("article.card").first().waitFor();
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const activity = page.locator(".activity");
      await activity.getByText(/^Rien à envoyer/).waitFor({ timeout: 30_000 });
      const said = (await activity.textContent()) ?? "";
      assert.match(
        said,
        /5 articles pas prêts : complétez ce qui est indiqué ci-dessous, enregistrez, puis recommencez/,
      );
      // French typography, as the live log writes « c8 : brouillon créé » (the rows read « c1: » before).
      assert.match(said, /c1 : pas envoyé \(pas prêt\) : type non reconnu : choisissez-le dans « Type »/);
      assert.doesNotMatch(said, /needs_review|category unknown|n'a besoin d'être écrit/);

      const catalog = await readJson(dir, "catalog.json");
      const sha = (k: number) =>
        catalog.photos.find((p: { file: string }) => p.file === catalog.items[k].photos[0]).sha256 as string;
      const headers = { "Content-Type": "application/json", "X-Vbulk-Token": review.token };
      const decided = await fetch(`http://127.0.0.1:${review.port}/api/decide`, {
        method: "POST",
        headers,
        body: JSON.stringify({ op: "merge", a: sha(3), b: sha(4) }),
      });
      assert.equal(decided.status, 200);
      await page.reload();
      await page.locator("article.card").first().waitFor();
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const message = page.locator("p.message");
      await message.getByText(/^Rien n'a été envoyé : le plan n'est plus à jour/).waitFor();
      const stale = (await message.textContent()) ?? "";
      assert.match(stale, /\(les articles .+ ont changé depuis\)\. Cliquez « Générer le plan »/);
      assert.doesNotMatch(stale, /Expected|vbulk plan/);
    } finally {
      await browser.close();
      await stop(review);
    }
  });
});

describe("vbulk review: publishing from the page, and a run Vinted stopped", {
  skip,
  concurrency: false,
}, () => {
  const replica = new VintedReplica();
  let browser: Browser;

  before(async () => {
    await replica.start();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await replica.stop();
  });

  /**
   * A seller with a Vinted session (their own config folder, so a pause one test starts stays there) and a folder of
   * three articles ready to list (c1 hoodie, c2 t-shirt, c3 jeans, each with its brand and size), `publish` marked
   * to publish; its review is started.
   */
  async function seller(publish = "none", extra: Record<string, string> = {}) {
    replica.reset();
    const configDir = await tempDir("vbulk-review-seller-");
    const configFile = join(configDir, "vbulk.json");
    await writeFile(configFile, JSON.stringify({ execute: { writeSpacingMs: [0, 0], timeoutMs: 15000 } }));
    await saveSession(
      { cookies: replica.cookies(), origins: [] },
      { ...process.env, VBULK_CONFIG_DIR: configDir },
    );
    const env = testEnv({
      VBULK_VINTED_URL: replica.url,
      VBULK_VINTED_CURRENCY: "EUR",
      VBULK_CONFIG_DIR: configDir,
      VBULK_CONFIG: configFile,
      VBULK_HEADLESS: "1",
      ...(browserPath ? { VBULK_CHROMIUM_PATH: browserPath } : {}),
      ...extra,
    });
    const dir = await threeArticles("vbulk-review-publish-");
    const sets = [
      "c1.size=M",
      "c2.size=S",
      "c3.size=W32",
      "c1.brand=Nike",
      "c2.brand=adidas",
      "c3.brand=Levi's",
    ];
    const r = await runCli(
      ["plan", dir, "--gender", "femme", ...sets.flatMap((s) => ["--set", s]), "--publish", publish],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    return { dir, env, configDir, review: await startReview(dir, env) };
  }

  it("the English page asks for « publish N » to publish, and publishing with it goes through", async () => {
    // Before: the English page said "To confirm, type: publier 1", a French phrase on an English page.
    const { review } = await seller("c1");
    try {
      const page = await browser.newPage();
      await page.goto(`${review.url}&lang=en`);
      await page.getByRole("switch").check();
      const list = page.locator(".public");
      await list.getByText("These articles will be PUBLISHED").waitFor();
      assert.match((await list.textContent()) ?? "", /Confirmation \(to publish, type: publish 1\)/);
      assert.doesNotMatch((await list.textContent()) ?? "", /publier/);
      await page.getByLabel("Confirmation").fill("publish 1");
      await page.getByRole("button", { name: "Create the drafts" }).click();
      await page
        .locator(".activity")
        .getByText(/c1: published/)
        .waitFor({ timeout: 60_000 });
      const published = [...replica.items.values()].filter((i) => !i.is_draft);
      assert.equal(published.length, 1, "c1 went public");
    } finally {
      await stop(review);
    }
  });

  it("the French page asks for « publier N », and the server takes either phrase", async () => {
    const { review } = await seller("c1");
    try {
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByRole("switch").check();
      assert.match(
        (await page.locator(".public").textContent()) ?? "",
        /Confirmation \(pour publier, tapez : publier 1\)/,
      );
      // A seller who switched language after reading the phrase types the other one: both say the same.
      await page.getByLabel("Confirmation").fill("publish 1");
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      await page
        .locator(".activity")
        .getByText(/c1 : publié/)
        .waitFor({ timeout: 60_000 });
    } finally {
      await stop(review);
    }
  });

  it("a captcha in the middle of a run: that article is left to finish by hand, the others not sent, and what to do", async () => {
    // Before: « c1: échec : Vinted answered with a security challenge… », « c2: échec : not_reached » (read as
    // two more failures), and neither why the run stopped nor what to do.
    const { review } = await seller();
    try {
      replica.switches.captchaOnWrite = 4; // c1's 3 photos, then its draft
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const activity = page.locator(".activity");
      await activity.getByText(/^Terminé/).waitFor({ timeout: 60_000 });
      await activity.locator("li").nth(2).waitFor();
      const rows = await activity.locator("li").allTextContents();
      assert.deepEqual(rows, [
        "c1 : à finir à la main sur Vinted",
        "c2 : pas envoyé : l'envoi s'est arrêté avant cet article ; il partira au prochain « Créer les brouillons »",
        "c3 : pas envoyé : l'envoi s'est arrêté avant cet article ; il partira au prochain « Créer les brouillons »",
      ]);
      const stopped = activity.locator(".stopped");
      await stopped.waitFor();
      const said = (await stopped.textContent()) ?? "";
      assert.match(
        said,
        /^Envoi arrêté : Vinted a demandé une vérification de sécurité \(captcha\) pour c1\./,
      );
      assert.match(
        said,
        /Que faire : ouvrez Vinted dans votre navigateur .* finissez c1 à la main .* « Exclure »/,
      );
      assert.doesNotMatch(said, /échec|not_reached|needs_manual|Expected/);
      // Said to a screen reader too, in the page's live region: the run's end, paused on the captcha.
      await page
        .getByRole("status")
        .getByText(/^La création des brouillons s'est arrêtée : .*captcha/)
        .waitFor();
      assert.equal(replica.writes().length, 4, "nothing sent after the challenge");

      await page.goto(`${review.url}&lang=en`);
      await activity.locator("li").nth(2).waitFor();
      assert.deepEqual(await activity.locator("li").allTextContents(), [
        "c1: to finish by hand on Vinted",
        "c2: not sent: the run stopped before this article; it goes with the next “Create the drafts”",
        "c3: not sent: the run stopped before this article; it goes with the next “Create the drafts”",
      ]);
      const en = (await stopped.textContent()) ?? "";
      assert.match(en, /^Run stopped: Vinted asked for a security check \(captcha\) on c1\./);
      assert.match(en, /What to do: open Vinted in your browser .* finish c1 by hand .* “Exclude”/);
    } finally {
      await stop(review);
    }
  });

  it("the end of a pause is said in the seller's own clock, not the server's or UTC", async () => {
    // Before: « Every write is paused until 29/11/2026 02:35:00 » in the server's clock (UTC here) for a seller in
    // India, and the stop of a run as an ISO time (« 2026-11-29T02:35:00.000Z »).
    const { review, configDir } = await seller("none", { TZ: "UTC" });
    try {
      const until = await writePausedPacing(configDir);
      const context = await browser.newContext({ timezoneId: "Asia/Kolkata" });
      const page = await context.newPage();
      await page.goto(review.url);
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const message = page.locator("p.message");
      await message.waitFor();
      const said = (await message.textContent()) ?? "";
      const clock = (timeZone: string) =>
        new Date(until).toLocaleTimeString("fr", { timeZone, hour: "2-digit", minute: "2-digit" });
      assert.ok(
        said.includes(clock("Asia/Kolkata")),
        `${said} says ${clock("Asia/Kolkata")}, Kolkata's time`,
      );
      assert.ok(!said.includes(clock("UTC")), `${said} does not say the server's ${clock("UTC")}`);
      assert.doesNotMatch(said, /\dT\d|Z\b/);
    } finally {
      await stop(review);
    }
  });

  it("a run refused over a pause says which pause, a captcha's or Vinted's pace, in the page's language", async () => {
    // Before: the same « les envois vers Vinted sont en pause » whatever paused them, so a seller paused by the rate
    // limit went looking for a captcha, and one paused by a captcha was not told to answer it first.
    const { review, configDir } = await seller();
    const pausedBy = (kind: "challenge" | "rate_limit") => writePausedPacing(configDir, kind);
    try {
      const page = await browser.newPage();
      const refusal = async (url: string, button: string) => {
        await page.goto(url);
        await page.getByRole("button", { name: button }).click();
        const message = page.locator("p.message");
        await message.waitFor();
        return (await message.textContent()) ?? "";
      };
      await pausedBy("challenge");
      let said = await refusal(review.url, "Créer les brouillons");
      assert.match(
        said,
        /^Rien n'a été envoyé : les envois vers Vinted sont en pause après une vérification de sécurité \(captcha\) jusqu'au \d/,
      );
      assert.match(said, /Que faire : .*faites d'abord dans votre navigateur ce que Vinted demande/);
      said = await refusal(`${review.url}&lang=en`, "Create the drafts");
      assert.match(
        said,
        /^Nothing was sent: writes to Vinted are paused after a security check \(captcha\) until \d/,
      );
      assert.doesNotMatch(said, /Every write|ignore-pause/);

      await pausedBy("rate_limit");
      said = await refusal(review.url, "Créer les brouillons");
      assert.match(
        said,
        /^Rien n'a été envoyé : les envois vers Vinted sont en pause pour suivre le rythme que Vinted demande \(trop d'envois\) jusqu'au \d/,
      );
      assert.doesNotMatch(said, /captcha/);
      said = await refusal(`${review.url}&lang=en`, "Create the drafts");
      assert.match(
        said,
        /^Nothing was sent: writes to Vinted are paused to keep to the pace Vinted asks for \(too many writes\) until \d/,
      );
      assert.equal(replica.writes().length, 0, "nothing reached Vinted");
    } finally {
      await stop(review);
    }
  });

  it("an article marked to publish and an excluded one say so on their listing's line, without opening it", async () => {
    // Audit: « Annonce : Vêtement marron (bon état) · 15 € » for each: the ticked boxes were seen only in the form.
    const { review, dir, env } = await seller("c1");
    try {
      assert.equal((await runCli(["plan", dir, "--exclude", "c2"], { env })).code, 0);
      const page = await browser.newPage();
      await page.goto(review.url);
      const line = (id: string) => page.locator(`[data-article="${id}"] details.listing summary`);
      await line("c2").locator(".badge").waitFor();
      assert.match((await line("c1").textContent()) ?? "", / · \d+ € à publier$/);
      assert.match((await line("c2").textContent()) ?? "", / · \d+ € exclue$/);
      assert.equal(await line("c3").locator(".badge").count(), 0);
      await page.goto(`${review.url}&lang=en`);
      await line("c2").locator(".badge").waitFor();
      assert.match((await line("c1").textContent()) ?? "", / · \d+ € to publish$/);
      assert.match((await line("c2").textContent()) ?? "", / · \d+ € excluded$/);
    } finally {
      await stop(review);
    }
  });

  it("the English page writes English punctuation: « Listing: », and « c1, c2 and c3 »", async () => {
    // Before: "Listing : Hoodie …" (the French space before the colon) and "The descriptions of c1, c2, c3 still
    // carry…" on the English page.
    const { review } = await seller("c1,c2,c3");
    try {
      const page = await browser.newPage();
      await page.goto(`${review.url}&lang=en`);
      const summary = page.locator('[data-article="c1"] details.listing summary');
      assert.match((await summary.textContent()) ?? "", /^Listing: Hoodie/);
      await page.getByRole("switch").check();
      const example = page.locator(".public .example-text");
      assert.match(
        (await example.textContent()) ?? "",
        /^The descriptions of c1, c2 and c3 still carry the built-in template's example text \(“depuis Grenoble”, “#VintedBotStudio”\)/,
      );
      await page.goto(review.url);
      assert.match((await summary.textContent()) ?? "", /^Annonce : Hoodie/);
      await page.getByRole("switch").check();
      assert.match((await example.textContent()) ?? "", /^Les descriptions de c1, c2 et c3 contiennent/);
    } finally {
      await stop(review);
    }
  });

  it("the department list says « Femmes »/« Hommes » on the French page and women/men on the English one", async () => {
    // Before: the plan's ids « femme » and « homme » on both pages, French words in an English form.
    const { review } = await seller();
    try {
      const page = await browser.newPage();
      await page.goto(`${review.url}&lang=en`);
      const card = page.locator('[data-article="c1"]');
      await card.locator("details.listing summary").click();
      const department = card.getByLabel("Department");
      assert.deepEqual(await department.locator("option").allTextContents(), ["—", "women", "men"]);
      assert.equal(await department.inputValue(), "femme", "the plan's value is kept");
      await page.goto(review.url);
      await card.locator("details.listing summary").click();
      assert.deepEqual(await card.getByLabel("Rayon").locator("option").allTextContents(), [
        "—",
        "Femmes",
        "Hommes",
      ]);
    } finally {
      await stop(review);
    }
  });

  it("colours are named in the page's language: black on the English page, noir on the French one", async () => {
    // Before: « noir », « blanc »… on the English page too, in each card's facts and in the Colour list.
    const english = "black|white|grey|blue|red|green|yellow|beige|brown|pink|purple|orange";
    const french = "noir|blanc|gris|bleu|rouge|vert|jaune|beige|marron|rose|violet|orange";
    const { review } = await seller();
    try {
      const page = await browser.newPage();
      await page.goto(`${review.url}&lang=en`);
      const card = page.locator('[data-article="c1"]');
      assert.match(
        (await card.locator("p.facts").textContent()) ?? "",
        new RegExp(` · (${english}) · score`),
      );
      await card.locator("details.listing summary").click();
      const colour = card.getByLabel("Colour");
      assert.deepEqual(await colour.locator("option").allTextContents(), english.split("|"));
      assert.match(await colour.inputValue(), new RegExp(`^(${french})$`), "the plan keeps the French name");
      await page.goto(review.url);
      assert.match((await card.locator("p.facts").textContent()) ?? "", new RegExp(` · (${french}) · `));
      await card.locator("details.listing summary").click();
      assert.deepEqual(
        await card.getByLabel("Couleur").locator("option").allTextContents(),
        french.split("|"),
      );
    } finally {
      await stop(review);
    }
  });

  it("an article published from the page is no longer listed as going to be published", async () => {
    // Before: once c1 was published, the list under the switch still said « Ces articles seront PUBLIÉS » with c1
    // and asked for « publier 1 » again, for an article already public.
    const { review } = await seller("c1");
    try {
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByRole("switch").check();
      await page.getByLabel("Confirmation").fill("publier 1");
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      await page
        .locator(".activity")
        .getByText(/c1 : publié/)
        .waitFor({ timeout: 60_000 });
      const list = page.locator(".public");
      await until(
        async () => !/seront PUBLIÉS/.test((await list.textContent()) ?? ""),
        "c1 no longer listed as going to be published",
      );
      const said = (await list.textContent()) ?? "";
      assert.doesNotMatch(said, /publier 1/);
      assert.match(said, /c1 est déjà publié sur Vinted/);
      // And after a reload, as the journal says.
      await page.reload();
      await page.getByRole("switch").check();
      assert.match(
        (await list.textContent()) ?? "",
        /^Plus rien à publier : seuls des brouillons seront créés\.c1 est déjà publié sur Vinted\./,
      );
    } finally {
      await stop(review);
    }
  });

  it("an article marked for publishing and left a draft for want of a brand says why on its row", async () => {
    // Before: c2's row said « brouillon 123 · http://… » like any draft; only the live log said it was not
    // published, and why.
    const { dir, env, review } = await seller("c1,c2");
    try {
      const unbranded = await runCli(["plan", dir, "--set", "c2.brand=Unknown"], { env });
      assert.equal(unbranded.code, 0, unbranded.stderr);
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByRole("switch").check();
      await page.getByLabel("Confirmation").fill("publier 1");
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const row = page.locator(".activity li").filter({ hasText: /^c2 : / });
      await row.waitFor({ timeout: 60_000 });
      assert.match(
        (await row.textContent()) ?? "",
        /^c2 : brouillon \d+ · \S+ · pas publié : Vinted ne publie pas un article sans marque ; renseignez sa marque dans l'annonce$/,
      );
      assert.match(
        (await page
          .locator(".activity li")
          .filter({ hasText: /^c1 : / })
          .textContent()) ?? "",
        /publié/,
      );
    } finally {
      await stop(review);
    }
  });

  it("a publish refused for its confirmation says so in the page's words, one article in the singular", async () => {
    // Before, on the French page: « Expected the typed confirmation "publier 1" … to publish 1 articles but
    // received "" » and « Expected to publish the 1 articles the page listed but plan.json now marks c1 … ».
    const { dir, env, review } = await seller("c1");
    try {
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByRole("switch").check();
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const message = page.locator("p.message");
      await message.waitFor();
      let said = (await message.textContent()) ?? "";
      assert.match(
        said,
        /^Rien n'a été envoyé : pour publier l'article listé, tapez « publier 1 » dans « Confirmation »/,
      );
      assert.doesNotMatch(said, /Expected|articles|received/);

      // Typing in the confirmation box when a terminal changes the plan: the page does not redraw under the seller.
      await page.getByLabel("Confirmation").focus();
      const meanwhile = await runCli(["plan", dir, "--set", "c1.price=99"], { env });
      assert.equal(meanwhile.code, 0, meanwhile.stderr);
      await page.getByLabel("Confirmation").fill("publier 1");
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      await message.getByText(/a changé/).waitFor();
      said = (await message.textContent()) ?? "";
      assert.match(
        said,
        /^Rien n'a été envoyé : l'article listé a changé dans plan\.json depuis que la page l'a montré/,
      );
      assert.doesNotMatch(said, /Expected|the 1 articles/);
      // The list shown is plan.json's again, with the new price.
      await page
        .locator(".public")
        .getByText(/c1 · .* · 99 €/)
        .waitFor();

      await page.goto(`${review.url}&lang=en`);
      await page.getByRole("switch").check();
      await page.getByRole("button", { name: "Create the drafts" }).click();
      said = (await message.textContent()) ?? "";
      assert.match(
        said,
        /^Nothing was sent: to publish the listed article, type “publish 1” in “Confirmation”/,
      );
      assert.equal(replica.writes().length, 0, "nothing reached Vinted");
    } finally {
      await stop(review);
    }
  });

  it("the live log of a run from the French page is in French", async () => {
    // Before, under « Créer les brouillons » while it ran: « c1 photo done », the terminal's English.
    const { review } = await seller();
    try {
      replica.switches.draftDelayMs = 6000; // c1's photos sent, its draft answered 6 s later: the log shows meanwhile
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const log = page.locator(".activity pre");
      await log.getByText(/photo/).first().waitFor({ timeout: 30_000 });
      const said = (await log.textContent()) ?? "";
      assert.match(said, /^c1 : photo envoyée \(IMG_0001\.jpg\)$/m);
      assert.doesNotMatch(said, /done|waiting|sending|stopped/);
      await page
        .locator(".activity")
        .getByText(/^Terminé/)
        .waitFor({ timeout: 60_000 });
    } finally {
      replica.switches.draftDelayMs = 0;
      await stop(review);
    }
  });

  it("a pause between two writes shows in the live log in the page's language, its end in the seller's clock", async () => {
    // The other tests send with no gap between writes (writeSpacingMs [0, 0]), so no « en attente » line ever showed.
    const { review, configDir } = await seller("none", { TZ: "UTC" });
    try {
      await writeFile(
        join(configDir, "vbulk.json"),
        JSON.stringify({ execute: { writeSpacingMs: [4000, 4000], timeoutMs: 15000 } }),
      );
      const context = await browser.newContext({ timezoneId: "Asia/Kolkata" });
      const page = await context.newPage();
      await page.goto(review.url);
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const log = page.locator(".activity pre");
      await log
        .getByText(/en attente/)
        .first()
        .waitFor({ timeout: 30_000 });
      const said = (await log.textContent()) ?? "";
      // The waits the server recorded, their ends as the seller's clock writes them.
      const { job } = JSON.parse((await rawGet(review.port, `/api/status?t=${review.token}`)).body);
      const waits = (job.log as { type: string; id: string; until: string }[]).filter(
        (e) => e.type === "wait",
      );
      const clock = (iso: string, lang: string) =>
        new Date(iso).toLocaleTimeString(lang, { timeZone: "Asia/Kolkata" });
      const line = said.split("\n").find((l) => l.includes("en attente"))!;
      assert.ok(
        waits.some(
          (w) =>
            line === `${w.id} : en attente (l'intervalle entre deux envois) jusqu'à ${clock(w.until, "fr")}`,
        ),
        `${line} is one of ${waits.map((w) => clock(w.until, "fr")).join(", ")}, Kolkata's time`,
      );
      assert.ok(
        !waits.some((w) => line.endsWith(new Date(w.until).toLocaleTimeString("fr", { timeZone: "UTC" }))),
        `${line} is not in the server's clock`,
      );
      assert.doesNotMatch(said, /waiting|spacing|next write/);

      await page.goto(`${review.url}&lang=en`);
      await log
        .getByText(/waiting/)
        .first()
        .waitFor({ timeout: 30_000 });
      const en = ((await log.textContent()) ?? "").split("\n").find((l) => l.includes("waiting"))!;
      assert.match(en, /^c\d: waiting \(the gap between two writes\) until \d{1,2}:\d\d:\d\d [AP]M$/);
      await page
        .locator(".activity")
        .getByText(/^Finished/)
        .waitFor({ timeout: 90_000 });
    } finally {
      await stop(review);
    }
  });

  it("Ctrl-C on `vbulk review` during a draft run stops the run before the server goes: exit 130, nothing sent after, the run resumes", async (t) => {
    // Before: "review stopped." at once, the lock released, and the run went on writing to Vinted from a server
    // nobody could reach any more (a terminal's `vbulk execute` could then start beside it); exit 0 once it ended.
    const { review, configDir, dir, env } = await seller("none");
    t.after(() => {
      if (review.child.exitCode === null) review.child.kill("SIGKILL");
    });
    const config = join(configDir, "vbulk.json");
    await writeFile(
      config,
      JSON.stringify({ execute: { writeSpacingMs: [20000, 20000], timeoutMs: 15000 } }),
    );
    const headers = { "Content-Type": "application/json", "X-Vbulk-Token": review.token };
    const url = `http://127.0.0.1:${review.port}`;
    const started = await fetch(`${url}/api/execute`, {
      method: "POST",
      headers,
      body: JSON.stringify({ publish: false }),
    });
    assert.equal(started.status, 202);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = (await (await fetch(`${url}/api/status`, { headers })).json()) as {
        job: { log: { type: string }[] } | null;
      };
      if (s.job?.log.some((e) => e.type === "wait")) break;
      assert.ok(Date.now() < deadline, "the run waits between two writes");
      await sleep(100);
    }
    const exited = new Promise<number | null>((resolve) => {
      review.child.removeAllListeners("exit");
      review.child.on("exit", (code) => resolve(code));
    });
    review.child.kill("SIGINT");
    const code = await Promise.race([exited, sleep(30_000).then(() => "still running" as const)]);
    if (code === "still running") review.child.kill("SIGKILL");
    assert.equal(code, 130, review.output());
    assert.match(
      review.output(),
      /the draft run started from the page was stopped by Ctrl-C: what was sent is kept/,
    );
    const requests = replica.log.length;
    await sleep(1500);
    assert.equal(replica.log.length, requests, "nothing reaches Vinted once review has exited");
    const status = await runCli(["status", dir], { env });
    assert.match(status.stdout, /interrupted/);
    assert.doesNotMatch(status.stdout, /running/);
    // The lock is free and the journal whole: a terminal run sends the rest, each article drafted once.
    await writeFile(config, JSON.stringify({ execute: { writeSpacingMs: [0, 0], timeoutMs: 15000 } }));
    const resumed = await runCli(["execute", dir, "--yes"], { env });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(replica.items.size, 3);
  });

  it("a run Vinted refused with a plain 403 says why it stopped and what to do in French", async () => {
    // Before: « Envoi arrêté : plain 403 Forbidden (access_denied) at /api/v2/photos, with no sign of a security
    // challenge: no further write was sent (not a security challenge, so writes are not paused); open Vinted… »,
    // the terminal's English on the French page.
    const { review } = await seller();
    try {
      replica.switches.forbidden = true;
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const stopped = page.locator(".activity .stopped");
      await stopped.waitFor({ timeout: 60_000 });
      const said = (await stopped.textContent()) ?? "";
      assert.match(
        said,
        /^Envoi arrêté : Vinted a refusé l'envoi de c1 \(un refus simple, pas une vérification de sécurité\)/,
      );
      assert.match(
        said,
        /Que faire : ouvrez Vinted dans votre navigateur et vérifiez le compte, lancez « vbulk login »/,
      );
      assert.doesNotMatch(said, /Forbidden|no further write|open Vinted/);
    } finally {
      replica.switches.forbidden = false;
      await stop(review);
    }
  });

  it("a run stopped by the spent write budget says so in the page's language, the next write in the seller's clock", async () => {
    // Before: « Envoi arrêté : the hourly budget is spent: the next write is possible at 2026-11-29 06:08:06 », the
    // terminal's English, in the server's clock.
    const { review, configDir } = await seller("none", { TZ: "UTC" });
    try {
      // Two writes an hour, and no waiting inside a run: c1's third photo finds the hour's budget spent.
      await writeFile(
        join(configDir, "vbulk.json"),
        JSON.stringify({
          execute: { writeSpacingMs: [0, 0], timeoutMs: 15000, writesPerHour: 2, maxWaitMinutes: 0 },
        }),
      );
      const context = await browser.newContext({ timezoneId: "Asia/Kolkata" });
      const page = await context.newPage();
      await page.goto(review.url);
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const stopped = page.locator(".activity .stopped");
      await stopped.waitFor({ timeout: 60_000 });
      assert.equal(replica.writes().length, 2, "two writes, then the budget");
      const { writes } = await readJson(configDir, "pacing.json");
      const next = new Date(writes[0] + 3_600_000);
      const at = (lang: string) => next.toLocaleString(lang, { timeZone: "Asia/Kolkata" });
      const said = await visibleText(stopped);
      assert.ok(
        said.startsWith(
          `Envoi arrêté pour respecter le plafond d'envois par heure : le prochain envoi est possible le ${at("fr")}.`,
        ),
        said,
      );
      assert.match(said, /Que faire : cliquez à nouveau « Créer les brouillons » après cette heure/);
      assert.doesNotMatch(said, /budget|spent|next write/);

      await page.goto(`${review.url}&lang=en`);
      await stopped.waitFor();
      const en = await visibleText(stopped);
      assert.ok(
        en.startsWith(
          `Run stopped to keep to the writes-per-hour limit: the next write is possible at ${at("en")}.`,
        ),
        en,
      );
    } finally {
      await stop(review);
    }
  });

  it("an article Vinted cannot take (a size it does not offer) says why on its row in the page's words", async () => {
    // Before: « c2: échec : Expected a size offered by catalogue 221 but received "ZZZ" (offered: XS / 34 / 6, …) »,
    // the terminal's English on the French page.
    const { review, dir, env } = await seller();
    try {
      const r = await runCli(["plan", dir, "--set", "c2.size=ZZZ"], { env });
      assert.equal(r.code, 0, r.stderr);
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const row = page.locator(".activity li", { hasText: /^c2 :/ });
      await row.waitFor({ timeout: 60_000 });
      const seen = await visibleText(row);
      assert.match(
        seen,
        /^c2 : échec : Vinted ne propose pas la taille « ZZZ » pour ce type \(il propose XS \/ 34 \/ 6, S \/ 36 \/ 8, .*\) : choisissez-en une dans « Taille », enregistrez, puis recommencez/,
      );
      assert.doesNotMatch(seen, /Expected|offered|received/);
      // The server's own words stay one click away, for a bug report.
      const detail = row.locator("details");
      assert.match(await visibleText(detail.locator("summary")), /^Détail technique/);
      assert.match(
        (await detail.textContent()) ?? "",
        /Expected a size offered by catalogue \d+ but received "ZZZ"/,
      );
      assert.deepEqual(
        [...replica.items.values()].map((i) => i.is_draft),
        [true, true],
        "c1 and c3 drafted: a refused article does not stop the others",
      );

      await page.goto(`${review.url}&lang=en`);
      const en = page.locator(".activity li", { hasText: /^c2:/ });
      await en.waitFor();
      assert.match(
        await visibleText(en),
        /^c2: failed: Vinted does not offer size “ZZZ” for this type \(it offers XS \/ 34 \/ 6, .*\): choose one in “Size”, save, then start again/,
      );
    } finally {
      await stop(review);
    }
  });

  it("the status line of a run counts like a sentence: « 1 en échec », « 0 publié », « 7 envois »", async () => {
    // Before: « Terminé (…) : création des brouillons (fait en partie, brouillons) articles 3 · brouillons 2 ·
    // publiés 0 · échec 1 · non prêts 0 · à reprendre à la main 0 · envois 7 »: the failed state's word as a count,
    // the word before its number, plurals for none, and the stage run into the counts.
    const { review, dir, env } = await seller();
    try {
      const r = await runCli(["plan", dir, "--set", "c2.size=ZZZ"], { env });
      assert.equal(r.code, 0, r.stderr);
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const line = page.locator(".activity p").first();
      await page.locator(".activity li").first().waitFor({ timeout: 60_000 });
      // The rows show as articles are done, the run's end on a later poll (a full CI run saw « En cours » here).
      await until(
        async () => (await visibleText(line)).startsWith("Terminé"),
        "the run's end on the status line",
      );
      assert.match(
        await visibleText(line),
        /^Terminé en partie \(.*\d\) : création des brouillons — 3 articles · 2 brouillons · 0 publié · 1 en échec · 0 pas prêt · 0 à finir à la main · 7 envois$/,
      );
      await page.goto(`${review.url}&lang=en`);
      await page.locator(".activity li").first().waitFor();
      assert.match(
        await visibleText(line),
        /^Partly done \(.*\): draft creation — 3 articles · 2 drafts · 0 published · 1 failed · 0 not ready · 0 to finish by hand · 7 writes sent$/,
      );
    } finally {
      await stop(review);
    }
  });

  it("a run that fails before sending anything says why and what to do in the page's words", async () => {
    // Before: « Dernière création de brouillons (…) : échec. Expected Vinted's security token (CSRF_TOKEN) in the page
    // at /items/new but found none: nothing was sent », and « Que faire : Open http://…/items/new in your browser… ».
    const { review } = await seller();
    try {
      replica.switches.noCsrf = true;
      const page = await browser.newPage();
      await page.goto(review.url);
      await page.getByRole("button", { name: "Créer les brouillons" }).click();
      const failed = page.locator(".activity p.error");
      await failed.waitFor({ timeout: 60_000 });
      const seen = await visibleText(failed);
      assert.match(
        seen,
        /^Dernière création de brouillons \(.*\d\) : échec\. La page de dépôt de Vinted ne contient pas son jeton de sécurité : rien n'a été envoyé\./,
      );
      assert.match(seen, /Que faire : ouvrez Vinted dans votre navigateur/);
      assert.doesNotMatch(seen, /Expected|found none|Open /);
      const detail = failed.locator("details");
      assert.match((await detail.textContent()) ?? "", /Expected Vinted's security token \(CSRF_TOKEN\)/);
      assert.equal(replica.writes().length, 0, "nothing reached Vinted");

      await page.goto(`${review.url}&lang=en`);
      await failed.waitFor();
      assert.match(
        await visibleText(failed),
        /^Last draft run \(.*\): failed\. Vinted's listing page holds no security token: nothing was sent\..*What to do: open Vinted in your browser/s,
      );
    } finally {
      replica.switches.noCsrf = false;
      await stop(review);
    }
  });
});

/** Whether `l` has the keyboard's focus. */
const hasFocus = (l: Locator) => l.evaluate((el) => el === document.activeElement);

/** What has the keyboard's focus, for a failure's message: its tag and name, or BODY when the focus fell. */
const focusName = (page: Page) =>
  page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return "BODY";
    return `${e.tagName.toLowerCase()} "${e.getAttribute("aria-label") ?? e.textContent?.trim().slice(0, 60)}"`;
  });

describe("vbulk review with the keyboard, a screen reader and a phone (accessibility audit)", {
  skip,
  concurrency: false,
}, () => {
  let dir: string;
  let review: Review;
  let browser: Browser;
  let page: Page;
  let env: NodeJS.ProcessEnv;
  const card = (id: string) => page.locator(`[data-article="${id}"]`);
  const status = () => page.getByRole("status");
  /** Waits until the status region says `said`; else fails naming what it says. */
  const says = async (said: RegExp) => {
    await until(async () => said.test((await status().textContent()) ?? ""), `status ${said}`).catch(
      async () => assert.fail(`the status says « ${await status().textContent()} », not ${said}`),
    );
  };

  before(async () => {
    dir = await copyFixture("grouping");
    await rm(join(dir, "truth.json"));
    // No Vinted session: a draft run fails at once, before any browser.
    env = testEnv({ VBULK_CONFIG_DIR: await tempDir("vbulk-review-a11y-") });
    assert.equal((await runCli(["ingest", dir], { env })).code, 0);
    // One article the grouping doubts (its « à vérifier » badge), as an ingest with a model marks them.
    const catalog = await readJson(dir, "catalog.json");
    catalog.items[1].confidence = "low";
    await writeFile(join(dir, "catalog.json"), JSON.stringify(catalog));
    // c1 ready for Vinted and marked to publish: the publish switch lists it.
    const sets = ["c1.size=M", "c1.category=hoodie", "c1.brand=Zara", "c1.description=Expédié de Lille."];
    const planned = await runCli(
      ["plan", dir, "--gender", "femme", ...sets.flatMap((s) => ["--set", s]), "--publish", "c1"],
      { env },
    );
    assert.equal(planned.code, 0, planned.stderr);
    ({ review, browser, page } = await reviewAndPage(dir, env));
  });

  after(() => closeReviewAndPage(review, browser));

  it("every part of the page is in a landmark: the counts and the page's tools in « Vue d'ensemble »", async () => {
    // axe-core's "region" rule (audit, after the live region was removed): the counts line and the toolbar sat
    // outside any landmark, so a screen reader's list of landmarks skipped them.
    await page.goto(review.url);
    await card("c1").waitFor();
    const overview = page.getByRole("region", { name: "Vue d'ensemble" });
    assert.match((await overview.textContent()) ?? "", /5 articles, 15 photos/);
    await overview.getByRole("checkbox", { name: "Douteux d'abord" }).waitFor();
    const outside = await page.evaluate(() => {
      const landmark = "header, main, nav, aside, footer, section[aria-label], [role=region][aria-label]";
      return [...document.querySelectorAll("#app > *")]
        .filter((e) => !e.matches(landmark) && !e.closest(landmark) && (e.textContent ?? "").trim() !== "")
        .filter((e) => e.getAttribute("role") !== "status")
        .map((e) => e.outerHTML.slice(0, 80));
    });
    assert.deepEqual(outside, [], "no text outside a landmark");
  });

  it("the page is no live region: one status region, there from the start, says each action's short result", async () => {
    // Audit: <div id="app" aria-live="polite">: every action had a screen reader read the whole page again
    // (2,500-5,400 characters), and the run's block was a live region of its own, said again at each poll.
    await page.goto(review.url);
    await card("c1").waitFor();
    const live = () =>
      page.evaluate(() =>
        [...document.querySelectorAll("[aria-live], [role=status], [role=alert], [role=log]")].map(
          (e) => `${e.getAttribute("role") ?? ""}|${e.getAttribute("aria-live") ?? ""}|${e.textContent}`,
        ),
      );
    assert.deepEqual(await live(), ["status|polite|"], "one status region, empty, and nothing else live");
    const region = await status().elementHandle();
    await page.getByRole("button", { name: "Générer le plan" }).click();
    await status()
      .getByText(/^Plan écrit dans plan\.json : 1 article prêt pour Vinted sur 5\./)
      .waitFor();
    assert.equal(await region?.evaluate((el) => el.isConnected), true, "the same region, not a new one");
    assert.deepEqual(
      (await live()).map((l) => l.split("|").slice(0, 2).join("|")),
      ["status|polite"],
      "still the only live one",
    );
    // A draft run (no Vinted session here: it fails at once): its end is said in the status, short; the run's
    // block under the button is no live region.
    await page.getByRole("button", { name: "Créer les brouillons" }).click();
    await page.locator(".activity p.error").waitFor({ timeout: 30_000 });
    await status()
      .getByText(/^La création des brouillons a échoué/)
      .waitFor();
    const said = (await live()).find((l) => l.startsWith("status|")) ?? "";
    assert.ok(said.length < 300, `short: ${said}`);
    assert.equal(
      await page.locator(".activity").evaluate((el) => el.closest("[aria-live], [role=status]") === null),
      true,
      "the run's block is not read again at each poll",
    );
  });

  it("the publish confirmation box is named by the phrase to type", async () => {
    // Audit: the box was named « Confirmation » only: its label « Pour confirmer, tapez : publier 1 » was hidden
    // from a screen reader.
    await page.goto(review.url);
    await page.getByRole("switch").check();
    assert.equal(await page.getByRole("textbox", { name: /Confirmation.*publier 1/ }).count(), 1);
    await page.goto(`${review.url}&lang=en`);
    await page.getByRole("switch").check();
    assert.equal(await page.getByRole("textbox", { name: /Confirmation.*publish 1/ }).count(), 1);
    await page.goto(`${review.url}&lang=fr`);
  });

  it("the run button says it publishes when « Publier pour de vrai » is on, not only by its colour", async () => {
    // Audit: it read « Créer les brouillons » with the switch on as off: only its colour changed.
    await page.goto(review.url);
    await page.getByRole("switch").check();
    assert.equal(
      await page
        .getByRole("button", { name: "Publier 1 article (et créer les brouillons)", exact: true })
        .count(),
      1,
    );
    await page.getByRole("switch").uncheck();
    assert.equal(await page.getByRole("button", { name: "Créer les brouillons", exact: true }).count(), 1);
    await page.goto(`${review.url}&lang=en`);
    await page.getByRole("switch").check();
    assert.equal(
      await page
        .getByRole("button", { name: "Publish 1 article (and create the drafts)", exact: true })
        .count(),
      1,
    );
    await page.goto(`${review.url}&lang=fr`);
  });

  it("a refusal under « Publier » or a list marks it invalid and is read with it, as under a text field", async () => {
    // Audit: aria-invalid and aria-describedby were set on text fields only.
    await page.goto(review.url);
    await openListing(card("c3"));
    const publish = card("c3").getByRole("checkbox", { name: "Publier" });
    await publish.check();
    await card("c3").getByRole("button", { name: "Enregistrer l'annonce" }).click();
    await card("c3").getByRole("alert").waitFor();
    const describedBy = async (l: Locator) =>
      l.evaluate((el) => ({
        invalid: el.getAttribute("aria-invalid"),
        text: document.getElementById(el.getAttribute("aria-describedby") ?? "")?.textContent ?? null,
      }));
    const error = (await card("c3").getByRole("alert").textContent()) ?? "";
    assert.match(error, /Complétez d'abord/);
    assert.deepEqual(await describedBy(publish), { invalid: "true", text: error });
    await card("c3").getByRole("button", { name: "Abandonner les modifications" }).click();
    // A condition the list does not offer (a mapping changed since the page was drawn): refused, under « État »,
    // and still marked once the save has drawn the card again.
    await openListing(card("c3"));
    const condition = card("c3").getByRole("combobox", { name: "État" });
    await condition.evaluate((el) => {
      const s = el as HTMLSelectElement;
      s.append(new Option("Ancien état", "no-such-condition", true, true));
      s.dispatchEvent(new Event("change"));
    });
    await card("c3").getByRole("button", { name: "Enregistrer l'annonce" }).click();
    await card("c3").getByRole("alert").waitFor();
    const refused = (await card("c3").getByRole("alert").textContent()) ?? "";
    assert.deepEqual(await describedBy(condition), { invalid: "true", text: refused });
    await card("c3").getByRole("button", { name: "Abandonner les modifications" }).click();
  });

  it("the warning colour reads at 4.5:1 or more on every background it sits on", async () => {
    // Audit: « à vérifier » was 4.27:1 and « à compléter » 4.34:1, under WCAG AA's 4.5:1.
    await page.goto(review.url);
    await page.locator(".badge.warn").first().waitFor();
    await page.locator(".badge.todo").first().waitFor();
    await openListing(card("c3"));
    // Computed in the page from what it draws (no named helper inside: the test's build would wrap it).
    const ratios = await page.locator(".badge, .warn").evaluateAll((els) =>
      els.map((el) => {
        let bg: Element | null = el;
        while (bg && /^rgba\(.*, 0\)$|^transparent$/.test(getComputedStyle(bg).backgroundColor))
          bg = bg.parentElement;
        const [light, dark] = [
          getComputedStyle(el).color,
          bg ? getComputedStyle(bg).backgroundColor : "rgb(255, 255, 255)",
        ]
          .map((c) =>
            (c.match(/[\d.]+/g) ?? [])
              .slice(0, 3)
              .map((v) => Number(v) / 255)
              .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
              .reduce((sum, v, i) => sum + v * ([0.2126, 0.7152, 0.0722][i] ?? 0), 0),
          )
          .sort((x, y) => y - x);
        return { text: el.textContent?.slice(0, 30), ratio: ((light ?? 1) + 0.05) / ((dark ?? 0) + 0.05) };
      }),
    );
    assert.ok(ratios.length >= 3, JSON.stringify(ratios));
    const low = ratios.filter((r) => r.ratio < 4.5);
    assert.deepEqual(low, [], "every warning text at 4.5:1 or more");
  });

  it("a selected photo looks unlike a focused one, and says that it is selected", async () => {
    // Audit: both had the same 3 px green outline, and the photo's button did not say it was selected.
    await page.goto(review.url);
    const first = card("c2").locator("button.thumb").nth(0);
    const second = card("c2").locator("button.thumb").nth(1);
    await first.focus();
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await hasFocus(second), true, await focusName(page));
    const look = (l: Locator) =>
      l.evaluate((el) => {
        const s = getComputedStyle(el);
        const mark = getComputedStyle(el.closest("figure")!, "::after").content;
        return { ring: `${s.outlineStyle} ${s.outlineColor}`, mark };
      });
    const selected = await look(first);
    const focused = await look(second);
    assert.notEqual(selected.ring, focused.ring, "the focus ring is not the selection's mark");
    assert.match(selected.mark, /✓/, "a check mark on the selected photo");
    assert.doesNotMatch(focused.mark, /✓/);
    assert.match((await first.getAttribute("aria-label")) ?? "", /sélectionnée/);
    assert.doesNotMatch((await second.getAttribute("aria-label")) ?? "", /sélectionnée/);
    await page.getByRole("button", { name: "Tout désélectionner" }).click();
  });

  it("Space on a photo's box keeps the focus there; the language button and the title speak their language", async () => {
    // Audit: Space on the box moved the focus to the photo; « English » was read with French sounds; the tab's
    // title stayed « vbulk review »; the keyboard help said Tab goes from photo to photo (it stops on each box too).
    await page.goto(review.url);
    const box = card("c2").getByRole("checkbox").first();
    await box.focus();
    await page.keyboard.press("Space");
    await page.getByText("1 photo sélectionnée").waitFor();
    assert.equal(await hasFocus(card("c2").getByRole("checkbox").first()), true, await focusName(page));
    await page.keyboard.press("Space");
    assert.equal(await page.title(), "vbulk · Revue des articles");
    assert.equal(await page.getByRole("button", { name: "English" }).getAttribute("lang"), "en");
    await page.getByRole("button", { name: "English" }).click();
    assert.equal(await page.title(), "vbulk · Article review");
    assert.equal(await page.getByRole("button", { name: "Français" }).getAttribute("lang"), "fr");
    await page.getByRole("button", { name: "Français" }).click();
    // The help says what Tab does: after a photo, its box.
    assert.match((await page.locator(".help").textContent()) ?? "", /chaque photo puis sa case/);
    await card("c2").locator("button.thumb").first().focus();
    await page.keyboard.press("Tab");
    assert.equal(await hasFocus(card("c2").getByRole("checkbox").first()), true);
  });

  it("on a phone, the photo boxes are 24 px or more and nothing focused hides under the selection bar", async () => {
    // Audit at 390x844: 13x13 px boxes, 19 px high lists, and a 206 px sticky bar over 38 of the focus stops.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await phone.goto(review.url);
      await phone.locator("article.card").first().waitFor();
      const boxes = await phone
        .locator(".pick input, main select, main input[type=text]")
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.width, r.height]));
      assert.ok(boxes.length > 5);
      assert.deepEqual(
        boxes.filter(([w, h]) => w! < 24 || h! < 24),
        [],
        "every box and list at least 24x24",
      );
      await phone.locator('[data-article="c1"] button.thumb').first().focus();
      await phone.keyboard.press("Space");
      await phone.getByText("1 photo sélectionnée").waitFor();
      await phone.locator("article.card").last().locator("button.thumb").last().focus();
      const hidden: string[] = [];
      for (let i = 0; i < 150; i++) {
        await phone.keyboard.press("Shift+Tab");
        const seen = await phone.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const bar = document.querySelector(".selection");
          if (!bar || bar.contains(el)) return "bar";
          const b = bar.getBoundingClientRect();
          const r = el.getBoundingClientRect();
          const under = Math.max(0, Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top));
          return under > r.height / 2
            ? `${el.tagName} ${el.getAttribute("aria-label") ?? el.textContent}`
            : "";
        });
        if (seen === "bar") break;
        if (seen) hidden.push(seen);
      }
      assert.deepEqual(hidden, [], "no focused control more than half under the bar");
    } finally {
      await phone.close();
    }
  });

  it("after a grouping decision the keyboard is on the article acted on, which the status names with its place", async () => {
    // Audit: after « Nouvel article », « Déplacer » or « Retirer de l'annonce » the focus fell to the page's start
    // (the next Tab went to « English »), and the status said only « Enregistré. ».
    await page.goto(review.url);
    await card("c2").locator("button.thumb").first().focus();
    await page.keyboard.press("Space");
    await page.getByRole("button", { name: "Nouvel article" }).focus();
    await page.keyboard.press("Enter");
    await says(/^Nouvel article c\d+ créé/);
    const made = /^Nouvel article (c\d+) créé \(article (\d+) sur 6\)/.exec(
      (await status().textContent()) ?? "",
    );
    assert.ok(made, (await status().textContent()) ?? "");
    assert.equal(
      await hasFocus(card(made[1]!).getByRole("heading")),
      true,
      `focus on the new article: ${await focusName(page)}`,
    );
    assert.equal(
      await page
        .locator("article.card")
        .nth(Number(made[2]) - 1)
        .getAttribute("data-article"),
      made[1],
    );

    await card("c3").locator("button.thumb").first().focus();
    await page.keyboard.press("Space");
    const to = page.getByLabel("Déplacer vers");
    await to.selectOption((await to.locator("option", { hasText: /^c5 / }).getAttribute("value")) ?? "");
    await page.getByRole("button", { name: "Déplacer", exact: true }).focus();
    await page.keyboard.press("Enter");
    await says(/^1 photo déplacée vers c5 \(article \d sur 6\)/);
    assert.equal(await hasFocus(card("c5").getByRole("heading")), true, await focusName(page));
    const place = Number(/article (\d)/.exec((await status().textContent()) ?? "")?.[1]);
    assert.equal(
      await page
        .locator("article.card")
        .nth(place - 1)
        .getAttribute("data-article"),
      "c5",
    );

    await card("c4").locator("button.thumb").first().focus();
    await page.keyboard.press("Space");
    await page.getByRole("button", { name: "Retirer de l'annonce" }).focus();
    await page.keyboard.press("Enter");
    await says(/^1 photo retirée de c4/);
    assert.equal(await hasFocus(card("c4").getByRole("heading")), true, await focusName(page));
  });

  it("the keyboard stays on the control used when the page is drawn again", async () => {
    // Audit: Enter or Space on each of these left the focus on the page's <body>.
    await page.goto(review.url);
    await card("c1").waitFor();
    const stays = async (control: Locator, key: string, what: string, after?: () => Promise<unknown>) => {
      await control.focus();
      await page.keyboard.press(key);
      await after?.();
      assert.equal(await hasFocus(control), true, `${what}: focus on ${await focusName(page)}`);
    };
    const undo = page.getByRole("button", { name: /^Annuler la dernière décision/ });
    await stays(undo, "Enter", "« Annuler la dernière décision »", () =>
      status().getByText("Décision annulée.").waitFor(),
    );
    await stays(page.getByRole("checkbox", { name: "Douteux d'abord" }), "Space", "« Douteux d'abord »");
    await stays(page.getByRole("button", { name: "Générer le plan" }), "Enter", "« Générer le plan »", () =>
      status()
        .getByText(/^Plan écrit/)
        .waitFor(),
    );
    await stays(page.getByRole("switch"), "Space", "« Publier pour de vrai »");
    await page.getByRole("switch").uncheck();
    await openListing(card("c1"));
    await card("c1").getByLabel("Titre").fill("Hoodie rouge Zara");
    await stays(
      card("c1").getByRole("button", { name: "Enregistrer l'annonce" }),
      "Enter",
      "« Enregistrer l'annonce »",
      () => status().getByText("Enregistré.", { exact: true }).waitFor(),
    );
    const english = page.getByRole("button", { name: "English" });
    await english.focus();
    await page.keyboard.press("Enter");
    assert.equal(await hasFocus(page.getByRole("button", { name: "Français" })), true, await focusName(page));
    await page.keyboard.press("Enter");
    assert.equal(await hasFocus(page.getByRole("button", { name: "English" })), true, await focusName(page));
  });
});

describe("vbulk review: « Analyser les photos » with the keyboard", { skip }, () => {
  it("keeps the focus on the button while it runs, then goes to the first article, the status saying it", async () => {
    // Audit: Enter on « Analyser les photos » disabled it and dropped the focus to <body>, and the articles came
    // without a word.
    const dir = await copyFixture("grouping");
    await rm(join(dir, "truth.json"));
    const review = await startReview(dir, testEnv());
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(review.url);
      const analyse = page.getByRole("button", { name: /^Analyser les photos/ });
      await analyse.focus();
      await page.keyboard.press("Enter");
      await page.locator(".activity").waitFor();
      assert.equal(await hasFocus(analyse), true, await focusName(page));
      await page
        .getByRole("status")
        .getByText(/^Analyse terminée : 5 articles, 15 photos/)
        .waitFor({
          timeout: 60_000,
        });
      assert.equal(
        await hasFocus(page.locator("article.card").first().getByRole("heading")),
        true,
        await focusName(page),
      );
    } finally {
      await browser.close();
      await stop(review);
    }
  });

  it("says the analysis's progress to a screen reader at each stage, not at each photo, and its end", async () => {
    // Before: the status region said « Analyse lancée » and then nothing until the end; the progress under the
    // button (a stage, done/total) is no live region, so a blind seller heard no news during a long analysis.
    const dir = await tempDir("vbulk-slow-");
    const base = join(FIXTURES, "grouping");
    // 150 photos (each of the 15 a little lighter, 10 times; PNG, which is decoded whole): an analysis of several
    // seconds, long enough for the page's polls (one a second) to see its stages.
    for (let copy = 0; copy < 10; copy++)
      await Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          sharp(join(base, `IMG_${String(i + 1).padStart(4, "0")}.jpg`))
            .resize(900, 1200)
            .modulate({ brightness: 1 + copy / 50 })
            .png({ compressionLevel: 1 })
            .toFile(join(dir, `IMG_${String(copy * 15 + i + 1).padStart(4, "0")}.png`)),
        ),
      );
    const review = await startReview(dir, testEnv());
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(review.url);
      const analyse = page.getByRole("button", { name: /^Analyser les photos/ });
      await analyse.waitFor();
      const region = page.locator('div.status[role="status"]');
      assert.equal(await region.getAttribute("aria-live"), "polite");
      assert.equal(await region.getAttribute("aria-atomic"), "true");
      // Every text the live region takes, in order (what a screen reader is given to say).
      await region.evaluate((el) => {
        const said: string[] = [];
        (window as unknown as { said: string[] }).said = said;
        new MutationObserver(() => {
          const text = el.textContent ?? "";
          if (text && text !== said.at(-1)) said.push(text);
        }).observe(el, { childList: true, subtree: true, characterData: true });
      });
      await analyse.click();
      await region.getByText(/^Analyse terminée : \d+ articles?, 150 photos/).waitFor({ timeout: 120_000 });
      const said = await page.evaluate(() => (window as unknown as { said: string[] }).said);
      assert.match(said[0] ?? "", /^Analyse lancée/, JSON.stringify(said));
      assert.match(said.at(-1) ?? "", /^Analyse terminée/, JSON.stringify(said));
      const progress = said.slice(1, -1);
      assert.ok(
        progress.length >= 1,
        `no progress said between the start and the end: ${JSON.stringify(said)}`,
      );
      for (const p of progress)
        assert.match(
          p,
          /^Analyse en cours : (recherche des photos|chargement du modèle|analyse|doublons|regroupement|types et couleurs|écriture)\.$/,
          JSON.stringify(said),
        );
      // At each stage at most, never at each photo (7 stages after the model's).
      assert.ok(progress.length <= 8, JSON.stringify(said));
    } finally {
      await browser.close();
      await stop(review);
    }
  });
});
