import { createHash } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Catalog, CatalogSchema } from "../../src/store/catalog.js";
import { FIXTURES, tempDir } from "./run.js";

let written = 0;

/** A small valid catalog with known articles (category, colour, photos), written to a temp folder. */
export async function catalogFixture(
  articles: {
    category: string;
    color: Catalog["items"][number]["color"];
    photos: string[];
    department?: { name: "femme" | "homme"; score: number };
    color_shade?: Catalog["items"][number]["color_shade"];
    color2?: Catalog["items"][number]["color"];
    /** The article's id, as ingest keeps it (default: c1, c2, … in order). */
    id?: string;
  }[],
  dir?: string,
  /** catalog.json describes each named photo (a made-up sha256), as ingest does (readCatalog refuses an article
   *  naming a photo photos[] does not list); the files themselves need not exist. */
  options: {
    /** An empty file in the folder for each named photo it does not hold yet: plan warns of a photo missing from
     *  the disk, and never reads one. */
    files?: boolean;
    /** Each photo's sha256 is its file's content (as ingest records it), so a renamed file keeps it. */
    content?: boolean;
  } = {},
): Promise<string> {
  const out = dir ?? (await tempDir("vbulk-plan-"));
  await mkdir(out, { recursive: true });
  if (options.files)
    for (const f of articles.flatMap((a) => a.photos)) await writeFile(join(out, f), "", { flag: "a" });
  const sha = (s: string) => createHash("sha256").update(s).digest("hex");
  const bytes = new Map<string, string>();
  if (options.content)
    for (const f of articles.flatMap((a) => a.photos))
      bytes.set(
        f,
        createHash("sha256")
          .update(await readFile(join(out, f)))
          .digest("hex"),
      );
  const catalog: Catalog = CatalogSchema.parse({
    schemaVersion: 1,
    generator: "vbulk test",
    // Each written catalog is a new ingest (plan tells a re-ingest from a hand edit by it).
    created_at: `2026-11-24T10:00:00.${String(++written % 1000).padStart(3, "0")}Z`,
    source: { kind: "folder", path: out, root: out },
    embedder: { id: "clip:test", dims: 512, model: "test" },
    grouping: { method: "sequence", order: "file_name", order_signal: 0.5, eps: 0.24, min_samples: 2 },
    summary: {
      files: 0,
      photos: 0,
      duplicates: 0,
      articles: articles.length,
      low_confidence: 0,
      errors: 0,
      skipped: 0,
    },
    items: articles.map((a, k) => ({
      id: a.id ?? `c${k + 1}`,
      category: a.category,
      score: a.category === "unknown" ? 0 : 0.9,
      color: a.color,
      color_score: 0.9,
      photos: a.photos,
      fingerprint: sha(a.photos.join("|")).slice(0, 16),
      confidence: "high",
      cohesion: 0.9,
      ...(a.department ? { department: a.department } : {}),
      ...(a.color_shade ? { color_shade: a.color_shade } : {}),
      ...(a.color2 ? { color2: a.color2 } : {}),
    })),
    photos: articles.flatMap((a, k) =>
      a.photos.map((file) => ({
        file,
        sha256: bytes.get(file) ?? sha(file),
        width: 100,
        height: 100,
        format: "jpeg",
        captured_at: null,
        name_order: 0,
        ahash: "0".repeat(16),
        phash: "0".repeat(16),
        article: `c${k + 1}`,
        duplicate_of: null,
        color: a.color,
        color_score: 0.9,
      })),
    ),
    errors: [],
    skipped: [],
  });
  await writeFile(join(out, "catalog.json"), JSON.stringify(catalog, null, 2));
  return out;
}

/** A folder with the grouping fixture's first 7 real photos and a catalog of 3 articles: c1 a black hoodie
 *  (IMG_0001-0003), c2 a white t-shirt (IMG_0004-0005), c3 blue jeans (IMG_0006-0007). What the Vinted tests plan
 *  and send. */
export async function threeArticles(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  const src = join(FIXTURES, "grouping");
  for (const f of (await readdir(src)).filter((x) => x.endsWith(".jpg")).slice(0, 7))
    await copyFile(join(src, f), join(dir, f));
  await catalogFixture(
    [
      { category: "hoodie", color: "noir", photos: ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg"] },
      { category: "t-shirt", color: "blanc", photos: ["IMG_0004.jpg", "IMG_0005.jpg"] },
      { category: "jeans", color: "bleu", photos: ["IMG_0006.jpg", "IMG_0007.jpg"] },
    ],
    dir,
  );
  return dir;
}
