/**
 * Review page benchmark (npm run bench:review): 500 photos (1600x1200 JPEG with noise, ~0.78 MB each, distinct
 * bytes) in 100 articles of 5, a catalog written directly (this measures the page, not ingest), the real
 * `vbulk review` in a child process and headless Chromium. Measures, median of 3 (`--runs N`):
 *   - time to the first article card (catalog read, sent, drawn);
 *   - time to first thumbnails: navigation → the first 12 thumbnails decoded on screen, cold (.vbulk/thumbs empty)
 *     and warm (thumbnails cached on disk, fresh browser context);
 *   - time until the last article's thumbnails show after jumping to the bottom of the page (cold);
 *   - the server's peak memory (VmHWM) over the whole run;
 *   - the page's size (elements, <option>s) and how long one re-render takes (« Douteux d'abord » clicked, until the
 *     next frame) and one merge (« Fusionner » clicked, until the card is gone).
 * Prints a table; nothing is asserted.
 *
 *   npm run bench:review                                         500 photos, 100 articles of 5
 *   npm run bench:review -- --photos 100                         fewer
 *   npm run bench:review -- --photos 600 --per-article 1 --plan  600 articles of one photo, with plan.json
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import { chromium, type Locator } from "playwright-core";
import sharp from "sharp";
import { type Catalog, CatalogSchema } from "../src/store/catalog.js";
import { chromiumPath } from "../src/vinted/browser.js";
import { REPO } from "../test/helpers/shared.js";

const argPhotos = process.argv.indexOf("--photos");
const N = argPhotos > 0 ? Number(process.argv[argPhotos + 1]) : 500;
const argPer = process.argv.indexOf("--per-article");
/** A real batch has many single-photo articles: `--per-article 1` gives the page as many articles as photos. */
const PER_ARTICLE = argPer > 0 ? Number(process.argv[argPer + 1]) : 5;
const argRuns = process.argv.indexOf("--runs");
/** Runs measured (the median is printed): 3 unless `--runs N` (1 for a quick look at a slow page). */
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 3;
/** With plan.json (`vbulk plan` run on the catalog), every card also has its listing form. */
const WITH_PLAN = process.argv.includes("--plan");
const OUT = join(REPO, "bench", "out");
const DIR = join(OUT, `review-${N}`);
/** VBULK_BENCH_BIN: another build's vbulk (e.g. the main branch's) to compare the page before and after a change. */
const BIN = process.env.VBULK_BENCH_BIN ?? join(REPO, "bin", "vbulk.js");

async function makePhotos(): Promise<void> {
  await mkdir(DIR, { recursive: true });
  const have = new Set(await readdir(DIR));
  for (let i = 0; i < N; i++) {
    const name = `IMG_${String(i + 1).padStart(4, "0")}.jpg`;
    if (have.has(name)) continue;
    const tint = ["#a03030", "#305090", "#30a050", "#c0a040", "#404040"][Math.floor(i / PER_ARTICLE) % 5]!;
    const jpeg = await sharp({
      create: {
        width: 1600,
        height: 1200,
        channels: 3,
        background: tint,
        noise: { type: "gaussian", mean: 110, sigma: 24 },
      },
    })
      .jpeg({ quality: 85 })
      .toBuffer();
    // Temp name + rename: an interrupted run never leaves a half-written photo behind.
    await writeFile(join(DIR, `${name}.tmp`), jpeg);
    await rename(join(DIR, `${name}.tmp`), join(DIR, name));
  }
  const files = (await readdir(DIR))
    .filter((f) => f.endsWith(".jpg"))
    .sort()
    .slice(0, N);
  const shas = await Promise.all(
    files.map(async (f) =>
      createHash("sha256")
        .update(await readFile(join(DIR, f)))
        .digest("hex"),
    ),
  );
  const articles = Math.ceil(N / PER_ARTICLE);
  const catalog: Catalog = CatalogSchema.parse({
    schemaVersion: 1,
    generator: "vbulk bench",
    created_at: new Date().toISOString(),
    source: { kind: "folder", path: DIR, root: DIR },
    embedder: { id: "bench", dims: 1, model: null },
    grouping: { method: "sequence", order: "file_name", order_signal: 0.5, eps: 0.15, min_samples: 2 },
    summary: { files: N, photos: N, duplicates: 0, articles, low_confidence: 0, errors: 0, skipped: 0 },
    items: Array.from({ length: articles }, (_, k) => {
      const members = files.slice(k * PER_ARTICLE, (k + 1) * PER_ARTICLE);
      return {
        id: `c${k + 1}`,
        category: "t-shirt",
        score: 0.8,
        color: "rouge",
        color_score: 0.9,
        photos: members,
        fingerprint: createHash("sha256").update(members.join()).digest("hex").slice(0, 16),
        confidence: "high",
        cohesion: 0.9,
      };
    }),
    photos: files.map((f, i) => ({
      file: f,
      sha256: shas[i],
      width: 1600,
      height: 1200,
      format: "jpeg",
      captured_at: null,
      name_order: i,
      ahash: "0".repeat(16),
      phash: "0".repeat(16),
      article: `c${Math.floor(i / PER_ARTICLE) + 1}`,
      duplicate_of: null,
      color: "rouge",
      color_score: 0.9,
    })),
    errors: [],
    skipped: [],
  });
  await writeFile(join(DIR, "catalog.json"), JSON.stringify(catalog));
  await rm(join(DIR, "plan.json"), { force: true });
  if (WITH_PLAN)
    await new Promise<void>((resolve, reject) =>
      spawn(process.execPath, [BIN, "plan", DIR], { stdio: "ignore" }).on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`vbulk plan exited ${code}`)),
      ),
    );
}

function startReview(rusage: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", join(REPO, "bench", "rusage.mjs"), BIN, "review", DIR, "--no-open"],
      {
        env: { ...process.env, VBULK_BENCH_RUSAGE: rusage, NO_COLOR: "1" },
      },
    );
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d;
      const m = /open: (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on("exit", (code) => reject(new Error(`review exited ${code}`)));
  });
}

/** Polls (20 ms) until `min` of these images are decoded; a function, since the page's CSP forbids eval. */
async function waitForThumbnails(images: Locator, min: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const shown = await images.evaluateAll(
      (els) =>
        (els as unknown as { complete: boolean; naturalWidth: number }[]).filter(
          (e) => e.complete && e.naturalWidth > 0,
        ).length,
    );
    if (shown >= min) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`fewer than ${min} thumbnails after 120 s`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  await makePhotos();
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
  const cold: number[] = [];
  const warm: number[] = [];
  const bottom: number[] = [];
  const peaks: number[] = [];
  /** Navigation → the first article card on screen (the catalog read, sent and drawn; no thumbnail yet). */
  const cards: number[] = [];
  /** « Douteux d'abord » clicked → the next frame drawn (the whole list re-sorted and shown again). */
  const rerenders: number[] = [];
  /** « Fusionner » clicked on the first card → that card's merged neighbour gone from the page. */
  const merges: number[] = [];
  let dom = { elements: 0, options: 0 };
  for (let run = 0; run < RUNS; run++) {
    await rm(join(DIR, ".vbulk", "thumbs"), {
      recursive: true,
      force: true,
      maxRetries: 10,
      retryDelay: 100,
    });
    const rusage = join(OUT, `review-rusage-${run}.json`);
    const { child, url } = await startReview(rusage);
    // A failed measurement must not leave the server running (its lock would refuse the next run).
    process.once("exit", () => child.kill("SIGINT"));
    const firstThumbs = async (): Promise<number> => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(url);
      await page.locator("article.card").first().waitFor({ timeout: 180_000 });
      cards.push(performance.now() - t0);
      await waitForThumbnails(page.locator("img"), 12);
      const ms = performance.now() - t0;
      await context.close();
      return ms;
    };
    cold.push(await firstThumbs());
    // The end of the page, thumbnails not made yet: jump there and wait for the last article's photos.
    await rm(join(DIR, ".vbulk", "thumbs"), {
      recursive: true,
      force: true,
      maxRetries: 10,
      retryDelay: 100,
    });
    {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.locator("article.card").last().waitFor({ timeout: 180_000 });
      const t0 = performance.now();
      await page.locator("article.card").last().scrollIntoViewIfNeeded();
      await waitForThumbnails(page.locator("article.card:last-of-type img"), PER_ARTICLE);
      bottom.push(performance.now() - t0);
      await context.close();
    }
    warm.push(await firstThumbs());
    {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.locator("article.card").last().waitFor({ timeout: 180_000 });
      const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
      await frame();
      dom = await page.evaluate(() => ({
        elements: document.getElementsByTagName("*").length,
        options: document.getElementsByTagName("option").length,
      }));
      const toggle = page.getByRole("checkbox", { name: /Douteux d'abord/ });
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await toggle.click();
        await frame();
        rerenders.push(performance.now() - t0);
      }
      // The last run only: a merge changes the catalog the next runs would start from.
      if (run === RUNS - 1) {
        const count = await page.locator("article.card").count();
        const t0 = performance.now();
        await page.locator("article.card").first().getByRole("button", { name: "Fusionner" }).click();
        await page
          .locator("article.card")
          .nth(count - 1)
          .waitFor({ state: "detached" });
        await frame();
        merges.push(performance.now() - t0);
      }
      await context.close();
    }
    await new Promise<void>((resolve) => {
      child.removeAllListeners("exit");
      child.on("exit", () => resolve());
      child.kill("SIGINT");
    });
    peaks.push(JSON.parse(await readFile(rusage, "utf8")).maxRssKb / 1024);
  }
  await browser.close();
  const thumbs = await readdir(join(DIR, ".vbulk", "thumbs"));
  console.log(
    `review page, ${N} photos in ${Math.ceil(N / PER_ARTICLE)} articles${WITH_PLAN ? " with plan.json" : ""}, ${cpus().length} cores, median of ${RUNS}`,
  );
  console.log(`  first article card shown                ${median(cards).toFixed(0)} ms`);
  console.log(`  first 12 thumbnails, cold (none cached) ${median(cold).toFixed(0)} ms`);
  console.log(`  first 12 thumbnails, warm (cached)      ${median(warm).toFixed(0)} ms`);
  console.log(`  last article's thumbnails after a jump  ${median(bottom).toFixed(0)} ms`);
  console.log(`  server peak memory (VmHWM)              ${median(peaks).toFixed(0)} MB`);
  console.log(`  page size: ${dom.elements} elements, ${dom.options} <option>s`);
  console.log(
    `  re-render (« Douteux d'abord »)         ${median(rerenders).toFixed(0)} ms (of ${rerenders.map((x) => x.toFixed(0)).join(", ")})`,
  );
  console.log(`  one merge (« Fusionner »), until shown  ${merges.map((x) => x.toFixed(0)).join(", ")} ms`);
  console.log(`  thumbnails made in the last run: ${thumbs.length} of ${N} (lazy: only what was on screen)`);
}

await main();
