import assert from "node:assert/strict";
import { createWriteStream, rmSync } from "node:fs";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { describe, it } from "node:test";
import sharp from "sharp";
import yazl from "yazl";
import { resolveConfig } from "../src/core/config.js";
import type { IngestEvent } from "../src/core/events.js";
import { decodePhoto } from "../src/imaging/decode.js";
import { createFeatureEmbedder } from "../src/imaging/features.js";
import { runIngest } from "../src/ingest/index.js";
import { DEFAULT_MAPPING, loadMapping, mapToVinted } from "../src/listing/mapping.js";
import { selectEmbedder } from "../src/model/select.js";
import { startIngest, toPageWarning } from "../src/review/ingest.js";
import {
  decidedGoneText,
  failureText,
  ingestFailureWords,
  ingestWarningText,
  photoErrorText,
  type RunFailure,
  type RunStop,
  reviewReasonText,
  runFailureWords,
  stopWords,
} from "../src/review/page/i18n.js";
import { copyFixture, FIXTURES, tempDir } from "./helpers/run.js";

// The review page's own words (src/review/page/i18n.ts) for what ends a draft run: every way a run can stop
// (src/vinted/execute.ts runExecute: a Stop's cause, a refusal's pause or code) and every failure the server sends
// (src/review/refusals.ts explainFailure) must read in the page's language, never as the terminal's English reason.

const UNTIL = "2026-11-29T10:05:00.000Z";
/** A time as the page would write it: the test only checks that it is said, and where. */
const at = (iso: string) => `[${iso}]`;
const base: RunStop = { reason: "THE TERMINAL'S REASON", left: ["c2"], pause: null, by: null, cause: null };

describe("the review page's words for a run that stopped", () => {
  const stops: [string, RunStop, boolean][] = [
    ["Ctrl-C", { ...base, cause: { kind: "interrupted" } }, false],
    ["the browser closed or lost", { ...base, cause: { kind: "browser_lost" } }, false],
    ["every write paused", { ...base, cause: { kind: "paused", until: UNTIL } }, true],
    ...["spacing", "hourly budget", "daily budget", "publish ceiling"].map(
      (why): [string, RunStop, boolean] => [
        `the ${why} spent`,
        { ...base, cause: { kind: "spent", why, until: UNTIL } },
        true,
      ],
    ),
    ["a captcha", { ...base, pause: { kind: "challenge", id: "c1", until: UNTIL } }, true],
    ["Vinted's rate limit", { ...base, pause: { kind: "rate_limit", id: "c1", until: UNTIL } }, true],
    ...["FORBIDDEN", "NOT_LOGGED_IN", "TRANSIENT"].map((code): [string, RunStop, boolean] => [
      `a refusal (${code})`,
      { ...base, by: { code, id: "c1" } },
      false,
    ]),
  ];
  for (const [what, stop, timed] of stops)
    it(`${what}: said in French and in English, with what to do`, () => {
      const fr = stopWords("fr", stop, at);
      const en = stopWords("en", stop, at);
      assert.match(fr.text, /^Envoi (arrêté|interrompu)/);
      assert.match(en.text, /^Run (stopped|interrupted)/);
      for (const w of [fr, en]) {
        assert.doesNotMatch(w.text, /TERMINAL|\{\w+\}/, w.text);
        assert.ok(w.hint, `${w.text} says what to do`);
        assert.doesNotMatch(w.hint, /\{\w+\}/);
        if (timed) assert.ok(w.text.includes(at(UNTIL)), `${w.text} says until when`);
      }
      // The write limit by its page name, not the core's "hourly budget".
      assert.doesNotMatch(`${fr.text} ${fr.hint}`, /budget|ceiling|spacing/);
    });

  it("a stop the page has no words for says only that the run stopped", () => {
    assert.deepEqual(stopWords("fr", base, at), { text: "Envoi arrêté.", hint: null });
    assert.deepEqual(stopWords("en", { ...base, by: { code: "NEW_CODE", id: "c1" } }, at), {
      text: "Run stopped.",
      hint: null,
    });
  });
});

describe("the review page's words for a failed run or article", () => {
  const failures: RunFailure[] = [
    { code: "SIZE", size: "ZZZ", offered: ["S", "M"] },
    { code: "SIZE", size: "ZZZ", offered: [] },
    { code: "REJECTED", fields: ["brand_id", "color_ids", "weird"] },
    { code: "REJECTED", fields: [] },
    { code: "NO_BRAND" },
    { code: "PHOTO", file: "IMG_1.jpg" },
    { code: "CHALLENGE", until: UNTIL },
    { code: "CHALLENGE", until: null },
    { code: "RATE_LIMITED", until: UNTIL },
    { code: "RATE_LIMITED", until: null },
    ...(
      [
        "NOT_LOGGED_IN",
        "SESSION_EXPIRED",
        "FORBIDDEN",
        "NO_TOKEN",
        "TRANSIENT",
        "VINTED_404",
        "NETWORK",
        "BROWSER_LOST",
        "NO_DISPLAY",
        "NO_BROWSER",
        "FILE",
        "OTHER",
      ] as const
    ).map((code) => ({ code })),
  ];
  for (const f of failures)
    it(`${JSON.stringify(f)}: an article's row and the run's message, in French and in English`, () => {
      const fr = failureText("fr", f);
      const en = failureText("en", f);
      assert.notEqual(fr, en);
      for (const text of [fr, en]) assert.doesNotMatch(text, /\{\w+\}/);
      const run = runFailureWords("fr", f, at);
      assert.match(run.text, /^[A-Zv«]/, "a sentence");
      assert.match(run.text, /\.$/);
      if ("until" in f && f.until) assert.ok(run.text.includes(at(UNTIL)), run.text);
    });

  it("Vinted's field names are the page's labels: « Marque », « Couleur »", () => {
    assert.equal(
      failureText("fr", { code: "REJECTED", fields: ["brand_id", "color_ids", "weird"] }),
      "Vinted a refusé l'annonce (« Marque », « Couleur » et weird) : corrigez ces champs, enregistrez, puis recommencez",
    );
    assert.equal(
      failureText("en", { code: "REJECTED", fields: ["brand_id"] }),
      "Vinted refused the listing (“Brand”): correct these fields, save, then start again",
    );
  });
});

describe("the review page's words for decided photos gone since the last analysis", () => {
  it("one photo in the singular, what to do on the page, never a command to run", () => {
    const w = { code: "DECIDED_GONE" as const, gone: [{ file: "a.jpg", article: "c12" }], added: [] };
    assert.equal(
      decidedGoneText("fr", w),
      "1 photo nommée par vos décisions de regroupement n'est plus dans le dossier (supprimée, ou remplacée par une copie retouchée, qu'une décision ne suit pas) : a.jpg (était dans c12). Vérifiez le regroupement de c12 sur cette page : refaites le déplacement ou le « Nouvel article » sur la copie.",
    );
    assert.equal(
      decidedGoneText("en", w),
      "1 photo your grouping decisions name is no longer in the folder (deleted, or replaced by an edited copy, which a decision does not follow): a.jpg (was in c12). Check the grouping of c12 on this page: redo the move or the “New article” on the copy.",
    );
  });

  it("a long list names ten and counts the rest; articles in their order", () => {
    const gone = Array.from({ length: 13 }, (_, k) => ({ file: `p${k}.jpg`, article: `c${13 - k}` }));
    const fr = decidedGoneText("fr", { code: "DECIDED_GONE", gone, added: [] });
    assert.match(fr, /^13 photos nommées .* p9\.jpg \(était dans c4\) et 3 autres\. /);
    assert.match(fr, /Vérifiez le regroupement de c1, c2, c3, .* c12 et c13 sur cette page/);
    const en = decidedGoneText("en", {
      code: "DECIDED_GONE",
      gone: [{ file: "x.jpg", article: null }],
      added: [],
    });
    assert.match(en, /x\.jpg \(taken out of the listing\)\. Check the grouping on this page/);
  });
});

describe("the review page's words for why an article is not ready", () => {
  // The reason as the core writes it today (listing/mapping.ts), so that a change of its wording fails here.
  const reasonOf = async (category: string, gender: "femme" | "homme") => {
    const mapping = await loadMapping(DEFAULT_MAPPING);
    return mapToVinted(mapping, { category, color: "noir", condition: "bon", gender, size: "M" }).needsReview;
  };
  const name = (c: string) =>
    ({
      robe: "Robe",
      escarpins: "Escarpins",
      chaussures: "Chaussures",
      sneakers: "Baskets",
      ceinture: "Ceinture",
    })[c] ?? c;

  it("a type Vinted has no category for in that department says what to change on the page", async () => {
    // Before, the French page showed the core's English: "Vinted has no men's category for "robe": set this
    // article's department to femme, or give it another type".
    const [men] = await reasonOf("robe", "homme");
    assert.ok(men, "a men's dress needs review");
    assert.equal(
      reviewReasonText("fr", men, name),
      "Vinted n'a pas de catégorie Hommes pour « Robe » : choisissez Femmes dans « Rayon », ou un autre « Type »",
    );
    assert.equal(
      reviewReasonText("en", men, name),
      "Vinted has no men's category for “Robe”: choose women in “Department”, or another “Type”",
    );
  });

  it("a type too general for Vinted points at « Type » and names the types to choose from", async () => {
    // Before, the French page showed: type "chaussures" is too general for Vinted (Femmes > Chaussures): choose a
    // more specific type: sneakers (Baskets), …; or set the leaf id of your choice as categories.… in ….
    const [shoes] = await reasonOf("chaussures", "femme");
    assert.ok(shoes, "shoes need review");
    const fr = reviewReasonText("fr", shoes, name);
    assert.match(
      fr,
      /^« Chaussures » est trop général pour Vinted : choisissez un type plus précis dans « Type » \(/,
    );
    assert.match(fr, /Baskets/, "a more specific type, by its page name");
    assert.doesNotMatch(fr, /categories\.|leaf id|choose/);
    assert.match(
      reviewReasonText("en", shoes, name),
      /^“Chaussures” is too general for Vinted: choose a more specific one/,
    );
  });

  it("a type whose Vinted leaf is not known yet says to run `vbulk vinted sync`, in the page's language", async () => {
    const [belt] = await reasonOf("ceinture", "femme");
    assert.ok(belt, "a belt needs review until sync finds its leaf");
    assert.equal(
      reviewReasonText("fr", belt, name),
      "la catégorie Vinted de « Ceinture » (Femmes) n'est pas encore connue : lancez `vbulk vinted sync` dans un terminal, puis « Générer le plan »",
    );
    const problem =
      "Vinted catalogue 221 is Femmes > T-shirts on Vinted, not Femmes > Chemises (vbulk vinted sync, …): …";
    assert.match(
      reviewReasonText("fr", problem, name),
      /^la catégorie Vinted 221 notée pour ce type est à revoir/,
    );
  });

  it("the other frequent reasons read in the page's language; one it has no words for is shown as written", () => {
    assert.match(
      reviewReasonText("fr", "size missing: Vinted requires one for this category", name),
      /^taille manquante/,
    );
    assert.match(
      reviewReasonText("fr", "category unknown: set it (no CLIP model ran)", name),
      /^type non reconnu/,
    );
    assert.equal(reviewReasonText("fr", "something new", name), "something new");
  });
});

describe("the review page's words for what an analysis started there said", () => {
  // The terminal's English ("4 earlier articles kept as they were; of the 2 photos added since, 1 joined an earlier
  // article and 1 makes a new article; 1 photo gone since.") showed on the French page after « Analyser à nouveau ».
  const placed = {
    code: "PLACED" as const,
    earlier: 4,
    added: 2,
    joined: 1,
    removed: 1,
    swapped: 0,
    replaced: 0,
  };
  it("how the photos added since were placed, in both languages", () => {
    assert.equal(
      ingestWarningText("fr", placed),
      "Nouvelle analyse : 4 articles d'avant gardés tels quels ; 2 photos ajoutées (dans un article d'avant : 1 ; en nouvel article : 1) ; 1 photo retirée. Vérifiez les nouveaux articles sur cette page.",
    );
    assert.equal(
      ingestWarningText("en", { ...placed, earlier: 1, added: 0, removed: 0, swapped: 1 }),
      "New analysis: 1 earlier article kept as it was; 1 photo replaced by a new one in its article. Check the new articles on this page.",
    );
  });
  it("photos saved again, no CLIP model, and a warning it has no words for", () => {
    assert.match(
      ingestWarningText("fr", { code: "RESAVED", n: 1 }),
      /^1 photo enregistrée à nouveau .* la suivent\.$/,
    );
    assert.match(
      ingestWarningText("fr", { code: "RESAVED", n: 3 }),
      /^3 photos enregistrées à nouveau .* les suivent\.$/,
    );
    assert.match(ingestWarningText("en", { code: "NO_MODEL" }), /^No CLIP model: .*`vbulk models pull`/);
    assert.equal(ingestWarningText("fr", "something new"), "something new");
  });
});

describe("the review page's words for a photo that could not be read", () => {
  // The decoder's message as the core writes it today (src/imaging/decode.ts), so that a change of its wording fails
  // here. Before, the French page listed « photo.jpg: Expected a readable image but the decoder said: … ».
  const said = async (bytes: Buffer, maxPixels?: number) =>
    decodePhoto(bytes, 256, maxPixels ? { maxPixels } : {}).then(
      () => assert.fail("decoded"),
      (err: Error) => err.message,
    );
  it("an empty file, one too large, and a damaged one, in both languages", async () => {
    const photo = await readFile(join(FIXTURES, "duplicates", "original.jpg"));
    assert.equal(
      photoErrorText("fr", await said(Buffer.alloc(0))),
      "fichier vide (0 octet) : copiez la photo à nouveau depuis le téléphone ou l'appareil, ou retirez-la du dossier",
    );
    assert.match(
      photoErrorText("fr", await said(photo, 1000)),
      /^image trop grande pour être analysée \(plus de \d+ mégapixels\) : réduisez-la avant/,
    );
    const damaged = await said(photo.subarray(0, 400));
    assert.match(photoErrorText("fr", damaged), /^illisible : le fichier est abîmé ou n'est pas une photo/);
    assert.match(
      photoErrorText("en", await said(Buffer.from("not a photo at all"))),
      /^unreadable: the file is damaged/,
    );
    assert.equal(
      ingestWarningText("fr", { code: "PHOTO_ERROR", file: "IMG_9.jpg", message: damaged }),
      `IMG_9.jpg : ${photoErrorText("fr", damaged)}`,
    );
    assert.equal(photoErrorText("fr", "EACCES: permission denied"), "EACCES: permission denied");
  });
  it("an image too small to show a garment (a tracking pixel, a 1000x1 strip), with its size, in both languages", async () => {
    // Before: « pixel.gif : Expected an image at least 48 pixels … » in English on the French page.
    const blank = (width: number, height: number) =>
      sharp({ create: { width, height, channels: 3, background: "#000000" } })
        .png()
        .toBuffer();
    const pixel = await said(await blank(1, 1));
    assert.equal(
      photoErrorText("fr", pixel),
      "image trop petite pour montrer un vêtement (1 × 1 pixels, il en faut au moins 48 de côté) : mettez la photo en taille réelle, ou retirez-la du dossier",
    );
    assert.equal(
      photoErrorText("en", await said(await blank(1000, 1))),
      "image too small to show a garment (1000 × 1 pixels, at least 48 needed on its shortest side): use the full-size photo, or take it out of the folder",
    );
    assert.equal(
      ingestWarningText("fr", { code: "PHOTO_ERROR", file: "pixel.gif", message: pixel }),
      `pixel.gif : ${photoErrorText("fr", pixel)}`,
    );
  });
});

/** What an analysis said (its warnings, notes and photo errors) as the page gets it, and the catalog it wrote. */
async function analyse(source: string, onEvent: (e: IngestEvent) => void = () => {}) {
  const said: IngestEvent[] = [];
  const result = await runIngest({
    source,
    config: resolveConfig(),
    embedder: createFeatureEmbedder(),
    onEvent: (e) => {
      said.push(e);
      onEvent(e);
    },
  });
  return {
    warnings: said.flatMap((e) => (e.type === "stage" || e.type === "progress" ? [] : [toPageWarning(e)])),
    catalog: result.catalog,
  };
}

describe("the review page's words for a photo the system could not read", () => {
  // Node's words ("ENOENT: no such file or directory, open '/home/…/IMG_0002.jpg'") went to the French page as
  // they were, under « Fichiers illisibles » and in an analysis's outcome.
  it("a photo gone during the analysis (from the core's own error), in both languages, in the outcome and the list", async () => {
    const dir = await tempDir();
    for (const f of ["IMG_0001.jpg", "IMG_0002.jpg"])
      await copyFile(join(FIXTURES, "grouping", f), join(dir, f));
    // Taken away once the folder was scanned, before the photo is read: what a seller moving photos meanwhile does.
    const { warnings, catalog } = await analyse(dir, (e) => {
      if (e.type === "stage" && e.stage === "analyse") rmSync(join(dir, "IMG_0002.jpg"));
    });
    const fr =
      "le fichier a disparu pendant l'analyse (déplacé, renommé ou supprimé) : pour le garder, remettez-le dans le dossier, puis analysez le dossier à nouveau (`vbulk ingest` dans un terminal)";
    const outcome = warnings.find((w) => typeof w === "object" && w.code === "PHOTO_ERROR");
    assert.ok(outcome, JSON.stringify(warnings));
    assert.equal(ingestWarningText("fr", outcome), `IMG_0002.jpg : ${fr}`);
    assert.equal(
      ingestWarningText("en", outcome),
      "IMG_0002.jpg: the file disappeared during the analysis (moved, renamed or deleted): to keep it, put it back in the folder, then analyse the folder again (`vbulk ingest` in a terminal)",
    );
    const [listed] = catalog.errors;
    assert.ok(listed);
    assert.equal(photoErrorText("fr", listed.message, listed.os_error), fr);
  });

  it("a permission denied and a disk's read error say what to do; a system error it has no words for is shown as written", () => {
    // Root reads any file, so these come from the data (the code Node gives) rather than from a run.
    const denied = "EACCES: permission denied, open '/photos/IMG_3.jpg'";
    assert.equal(
      photoErrorText("fr", denied, "EACCES"),
      "vbulk n'a pas le droit de lire ce fichier : autorisez sa lecture (dans ses propriétés) ou copiez-le à nouveau dans le dossier, puis analysez le dossier à nouveau (`vbulk ingest` dans un terminal)",
    );
    assert.match(photoErrorText("en", denied, "EPERM"), /^vbulk may not read this file: allow reading it/);
    assert.match(
      photoErrorText("fr", "EIO: i/o error, read", "EIO"),
      /^le disque n'a pas pu lire ce fichier \(erreur de lecture\) : .* rebranchez-le ou copiez la photo sur un autre disque/,
    );
    assert.match(photoErrorText("en", "EIO: i/o error, read", "EIO"), /^the disk could not read this file/);
    const other = "EMFILE: too many open files, open '/photos/IMG_3.jpg'";
    assert.equal(photoErrorText("fr", other, "EMFILE"), other);
  });
});

describe("the review page's words for what the core says of the model and of a ZIP", () => {
  it("a model folder without vbulk-model.json (VBULK_MODEL_DIR): what that means and what to run, in both languages", async () => {
    const dir = join(FIXTURES, "models", "mean-colour");
    const said: IngestEvent[] = [];
    // Stopped at the warning, which is all this needs: loading the model next starts onnxruntime (seconds), and
    // the fixture has no tokenizer anyway.
    const stop = new Error("stop at the warning");
    await selectEmbedder({
      modelDir: dir,
      device: "cpu",
      onEvent: (e) => {
        said.push(e);
        if (e.type === "warning") throw stop;
      },
    }).then(
      () => assert.fail("the warning came"),
      (err: unknown) => assert.equal(err, stop, String(err)),
    );
    const warnings = said.flatMap((e) => (e.type === "warning" ? [toPageWarning(e)] : []));
    assert.equal(warnings.length, 1, JSON.stringify(said));
    const [w] = warnings;
    assert.ok(typeof w === "object" && w.code === "UNVERIFIED_MODEL", JSON.stringify(w));
    assert.equal(
      ingestWarningText("fr", w),
      `Le modèle CLIP du dossier ${dir} n'a pas de vbulk-model.json : il est chargé sans que ses fichiers soient vérifiés. Dans un terminal, lancez une fois \`vbulk models manifest\` sur ce dossier pour noter leurs tailles et leurs sha256.`,
    );
    assert.equal(
      ingestWarningText("en", w),
      `The CLIP model in ${dir} has no vbulk-model.json: it is loaded without its files being checked. In a terminal, run \`vbulk models manifest\` on that folder once to record their sizes and sha256.`,
    );
    // A folder the seller cannot write in (root writes anywhere, so from the data): the manifest goes with a copy.
    const readOnly = ingestWarningText("fr", { ...w, writable: false });
    assert.match(readOnly, /Vous ne pouvez pas écrire dans ce dossier : copiez-le dans un dossier à vous/);
    assert.match(readOnly, /VBULK_MODEL_DIR/);
  });

  it("a ZIP of a worked folder: the earlier run's files it holds, and how to keep their edits, in both languages", async () => {
    const dir = await tempDir();
    const zip = new yazl.ZipFile();
    for (const f of ["IMG_0001.jpg", "IMG_0002.jpg"]) zip.addFile(join(FIXTURES, "grouping", f), `shop/${f}`);
    zip.addBuffer(Buffer.from('{"schemaVersion":1,"decisions":[]}'), "shop/decisions.json");
    zip.addBuffer(Buffer.from("{}"), "shop/plan.json");
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(join(dir, "shop.zip")));
    const { warnings } = await analyse(join(dir, "shop.zip"));
    const w = warnings.find((x) => ingestWarningText("en", x).includes("shop.zip"));
    assert.ok(w, JSON.stringify(warnings));
    assert.equal(
      ingestWarningText("fr", w),
      "shop.zip contient les fichiers d'une analyse vbulk précédente (shop/decisions.json et shop/plan.json) : ils ne sont pas repris, donc ses modifications (annonces, décisions de regroupement, numéros d'article) ne sont pas sur cette page. Pour les garder, décompressez le ZIP, puis, dans un terminal, lancez `vbulk ingest` puis `vbulk review` sur le dossier obtenu.",
    );
    assert.equal(
      ingestWarningText("en", w),
      "shop.zip holds the files of an earlier vbulk analysis (shop/decisions.json and shop/plan.json), not used: its edits (listings, grouping decisions, article numbers) are not on this page. To keep them, unzip it, then in a terminal run `vbulk ingest` then `vbulk review` on the folder it gives.",
    );
    const many = {
      code: "EARLIER_RUN" as const,
      zip: "big.zip",
      files: Array.from({ length: 13 }, (_, k) => `s${k}/plan.json`),
    };
    assert.match(ingestWarningText("fr", many), /\(s0\/plan\.json, .* s9\/plan\.json et 3 autres\)/);
  });
});

describe("the review page's words for photos whose order told nothing", () => {
  // Three of the generated sets (colours, duplicates, ordered-by-time) analysed from the French page said « The order
  // of these 3 photos did not show garment after garment (…): grouping by appearance only, … » in English, and the
  // page left out what to do (the terminal's hint, about --grouping sequence).
  it("grouped by appearance only, every photo alone (from a real run), and what to do on the page, in both languages", async () => {
    const { warnings } = await analyse(await copyFixture("colours"));
    const w = warnings.find((x) => typeof x === "object" && x.code === "ORDER_UNCLEAR");
    assert.ok(w, JSON.stringify(warnings));
    assert.equal(
      ingestWarningText("fr", w),
      "L'ordre de ces 3 photos ne montre pas un vêtement après l'autre (noms mélangés, pas d'heure de prise de vue, ou trop peu de photos pour le dire) : elles sont regroupées d'après leur apparence seulement, et aucune ne ressemblait assez à une autre pour la rejoindre : chaque photo est un article à elle seule. Réunissez sur cette page les photos d'un même vêtement (« Fusionner », ou en les faisant glisser). Si les photos sont dans l'ordre de prise de vue (toutes celles d'un vêtement, puis le suivant), lancez plutôt `vbulk ingest --grouping sequence` sur le dossier dans un terminal.",
    );
    assert.match(
      ingestWarningText("en", w),
      /^The order of these 3 photos .* every photo is an article of its own\. Put the photos of one garment together on this page \(“Merge”/,
    );
    const joined = { code: "ORDER_UNCLEAR" as const, photos: 12, alone: false };
    assert.match(
      ingestWarningText("fr", joined),
      /^L'ordre de ces 12 photos .* d'après leur apparence seulement\. Vérifiez d'abord les articles marqués « à vérifier »/,
    );
    assert.match(ingestWarningText("en", joined), /Check the articles marked “check this” first/);
  });
});

describe("the review page's words for an analysis of the page that read no photo", () => {
  it("none of the photos could be read: said in the page's words, with what to do, from the server's own job", async () => {
    // Before, the French page said « None of the 2 photos could be read: no catalog was written. », the server's
    // English (the heic-bad set, or a folder of damaged copies).
    const dir = await tempDir();
    for (const f of ["IMG_1.jpg", "IMG_2.jpg"]) await writeFile(join(dir, f), "damaged by a bad copy\n");
    const env = { VBULK_OFFLINE: process.env.VBULK_OFFLINE, VBULK_CACHE_DIR: process.env.VBULK_CACHE_DIR };
    // As the tests' CLI runs: offline, no model in a throw-away cache (the model-free embedder reads no photo either).
    Object.assign(process.env, { VBULK_OFFLINE: "1", VBULK_CACHE_DIR: join(dir, ".cache") });
    try {
      const job = startIngest(dir, dir);
      while (job.running) await new Promise((r) => setTimeout(r, 20));
      const { failure } = job.snapshot();
      assert.ok(failure, JSON.stringify(job.snapshot()));
      assert.deepEqual(ingestFailureWords("fr", failure), {
        text: "Aucune des 2 photos n'a pu être lue : aucun catalogue n'a été écrit.",
        hint: "corrigez ce que disent les messages ci-dessous (un disque, une permission, une copie abîmée), puis cliquez à nouveau « Analyser les photos ».",
      });
      assert.equal(
        ingestFailureWords("en", failure).text,
        "None of the 2 photos could be read: no catalog was written.",
      );
    } finally {
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const kept = ingestFailureWords("fr", { code: "NONE_READ", files: 1, keptPrevious: true });
    assert.equal(
      kept.text,
      "La photo n'a pas pu être lue : le catalogue de l'analyse précédente est gardé tel quel.",
    );
    assert.match(kept.hint, /`vbulk ingest` dans un terminal/);
  });
});
