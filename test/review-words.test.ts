import assert from "node:assert/strict";
import { createWriteStream, existsSync, rmSync } from "node:fs";
import { chmod, copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { describe, it } from "node:test";
import sharp from "sharp";
import yazl from "yazl";
import { resolveConfig } from "../src/core/config.js";
import { fileSystemError, type VbulkError } from "../src/core/errors.js";
import type { IngestEvent } from "../src/core/events.js";
import { takeLock } from "../src/core/lock.js";
import { decodePhoto } from "../src/imaging/decode.js";
import { createFeatureEmbedder } from "../src/imaging/features.js";
import { runIngest } from "../src/ingest/index.js";
import { DEFAULT_MAPPING, loadMapping, mapToVinted, syncedMappingPath } from "../src/listing/mapping.js";
import { selectEmbedder } from "../src/model/select.js";
import { checkPhotos, savePlanWithChanges } from "../src/review/actions.js";
import { startIngest, toPageFailure, toPageWarning } from "../src/review/ingest.js";
import {
  decidedGoneText,
  failureText,
  type IngestFailure,
  type IngestWarning,
  ingestFailureWords,
  ingestWarningText,
  type NotReady,
  notReadyRefusalText,
  notReadyText,
  photoErrorText,
  planDoneText,
  publishNoneText,
  quotedField,
  type RunFailure,
  type RunStop,
  reviewReasonText,
  runFailureWords,
  statusWord,
  stopWords,
  t,
} from "../src/review/page/i18n.js";
import { explainUnready } from "../src/review/refusals.js";
import { startReviewServer } from "../src/review/server.js";
import { catalogFixture } from "./helpers/catalog.js";
import { tinyModel } from "./helpers/models.js";
import { copyFixture, FIXTURES, tempDir } from "./helpers/run.js";
import { needShared } from "./helpers/shared.js";

// The review page's own words (src/review/page/i18n.ts) for what ends a draft run: every way a run can stop
// (src/vinted/execute.ts runExecute: a Stop's cause, a refusal's pause or code) and every failure the server sends
// (src/review/refusals.ts explainFailure) must read in the page's language, never as the terminal's English reason.

const UNTIL = "2026-11-29T10:05:00.000Z";
/** A time as the page would write it: the test only checks that it is said, and where. */
const at = (iso: string) => `[${iso}]`;
const base: RunStop = { reason: "THE TERMINAL'S REASON", left: ["c2"], pause: null, by: null, cause: null };

describe("the review page's words for the stage a run is at", () => {
  it("says each stage of an analysis or a draft run in the English page's words, not by its name in the status file", () => {
    // Every stage an ingest or a draft run reports (src/core/events.ts IngestStage, the model's load, execute's).
    const said = (stage: string) => t("en", "analysingStage", { stage: statusWord("en", stage) });
    assert.deepEqual(
      [
        "scan",
        "extract",
        "model",
        "analyse",
        "duplicates",
        "group",
        "classify",
        "write",
        "drafts",
        "publish",
      ].map(said),
      [
        "Analysing: finding the photos.",
        "Analysing: unpacking the ZIP.",
        "Analysing: loading the model.",
        "Analysing: reading the photos.",
        "Analysing: duplicates.",
        "Analysing: grouping.",
        "Analysing: types and colours.",
        "Analysing: writing.",
        "Analysing: drafts.",
        "Analysing: publishing.",
      ],
    );
  });
});

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
  /** The way out by hand, as the page says it: the mapping file plan reads, the key, and where a list of leaves is. */
  const byHandFr = (c: string, file: string) =>
    `ouvrez ${file} dans un éditeur de texte (s'il n'existe pas, copiez d'abord ${DEFAULT_MAPPING} à cet emplacement), donnez à categories.${c}.catalog.homme.id l'id d'une catégorie plus précise de Vinted (dans un terminal, \`vbulk vinted sync\` les liste), enregistrez, puis cliquez « Générer le plan »`;
  const byHandEn = (c: string, file: string) =>
    `open ${file} in a text editor (if it does not exist, first copy ${DEFAULT_MAPPING} there), set categories.${c}.catalog.homme.id to the id of a more specific Vinted category (in a terminal, \`vbulk vinted sync\` lists them), save, then click “Generate the plan”`;
  const name = (c: string) =>
    ({
      jeans: "Jean",
      robe: "Robe",
      escarpins: "Escarpins",
      chaussures: "Chaussures",
      sneakers: "Baskets",
      ceinture: "Ceinture",
    })[c] ?? c;

  it("an article of more photos than Vinted takes says, in the page's words, how to split it", () => {
    const reason =
      "21 photos: likely several garments grouped together (Vinted takes 20 photos per listing at most): split the article on the review page (vbulk review)";
    assert.equal(
      reviewReasonText("fr", reason, name),
      "21 photos : sans doute plusieurs vêtements réunis (Vinted prend 20 photos par annonce au plus) : sélectionnez les photos d'un autre vêtement, puis « Nouvel article »",
    );
    assert.match(reviewReasonText("en", reason, name), /^21 photos: .* then “New article”$/);
  });

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

  it("a type too general for Vinted points at « Type », names the types to choose from, and the way out when none fits", async () => {
    // Before, the French page showed: type "chaussures" is too general for Vinted (Femmes > Chaussures): choose a
    // more specific type: sneakers (Baskets), …; or set the leaf id of your choice as categories.… in …. Then (audit)
    // only « choisissez un type plus précis dans « Type » (Baskets) » for men's leather oxfords, Baskets being the
    // only more specific type vbulk has: the way out for shoes no type fits was left out.
    const [shoes] = await reasonOf("chaussures", "homme");
    assert.ok(shoes, "shoes need review");
    const file = syncedMappingPath();
    assert.equal(
      reviewReasonText("fr", shoes, name),
      `« Chaussures » est trop général pour Vinted (Hommes > Chaussures) : choisissez un type plus précis dans « Type » (Baskets) ; si aucun ne convient, ${byHandFr("chaussures", file)}`,
    );
    assert.equal(
      reviewReasonText("en", shoes, name),
      `“Chaussures” is too general for Vinted (Hommes > Chaussures): choose a more specific one in “Type” (Baskets); if none fits, ${byHandEn("chaussures", file)}`,
    );
  });

  it("a type too general for Vinted with no more specific type for that department says what unblocks it", async () => {
    // Audit: Jean + Hommes read « choisissez un type plus précis dans « Type » », but the list has nothing more
    // specific than Jean for men: the seller was sent to a list that could not help.
    const [jeans] = await reasonOf("jeans", "homme");
    assert.ok(jeans, "men's jeans need review");
    const file = syncedMappingPath();
    assert.equal(
      reviewReasonText("fr", jeans, name),
      `« Jean » est trop général pour Vinted (Hommes > Vêtements > Jeans), et la liste « Type » n'en propose pas de plus précis pour Hommes : ${byHandFr("jeans", file)}`,
    );
    assert.equal(
      reviewReasonText("en", jeans, name),
      `“Jean” is too general for Vinted (Hommes > Vêtements > Jeans), and “Type” offers nothing more specific for men: ${byHandEn("jeans", file)}`,
    );
  });

  it("« Publier » refused for such an article says that, not « Complétez d'abord « Type » » (Type is filled)", async () => {
    const dir = await catalogFixture([
      { category: "jeans", color: "bleu", photos: ["a.jpg"], department: { name: "homme", score: 0.95 } },
    ]);
    await savePlanWithChanges(dir, []);
    const refusal = await savePlanWithChanges(dir, [
      { id: "c1", field: "size", value: "W32" },
      { id: "c1", field: "publish", value: "true" },
    ]).then(
      () => assert.fail("« Publier » was taken for an article Vinted would not take"),
      (err: unknown) => (explainUnready(err) as VbulkError).context.refusal as NotReady,
    );
    const fr = notReadyRefusalText("fr", refusal, name);
    assert.equal(
      fr,
      `« Publier » ne peut pas être coché pour c1 : Vinted ne prendrait pas cet article tel quel. À régler d'abord : « Jean » est trop général pour Vinted (Hommes > Vêtements > Jeans), et la liste « Type » n'en propose pas de plus précis pour Hommes : ${byHandFr("jeans", syncedMappingPath())}.`,
    );
    assert.match(
      notReadyRefusalText("en", refusal, name),
      /Vinted would not take this article as it is\. To settle first: “Jean” is too general/,
    );
  });

  it("a type whose Vinted leaf is not known yet says to run `vbulk vinted sync`, in the page's language", async () => {
    const [belt] = await reasonOf("ceinture", "femme");
    assert.ok(belt, "a belt needs review until sync finds its leaf");
    // With its way out when sync does not find it either (before: only « lancez vbulk vinted sync », while the
    // terminal also said which key to set in which file).
    assert.match(
      reviewReasonText("fr", belt, name),
      /^la catégorie Vinted de « Ceinture » \(Femmes\) n'est pas encore connue : lancez `vbulk vinted sync` dans un terminal, puis « Générer le plan » ; si elle reste inconnue, ouvrez \S+ dans un éditeur de texte \(s'il n'existe pas, copiez d'abord \S+ à cet emplacement\), donnez à categories\.ceinture\.catalog\.femme\.id l'id de sa catégorie sur Vinted \(dans un terminal, `vbulk vinted sync` les liste\), enregistrez, puis cliquez « Générer le plan »$/,
    );
    assert.match(
      reviewReasonText("en", belt, name),
      /; if sync does not find it either, open \S+ in a text editor .* set categories\.ceinture\.catalog\.femme\.id to the id of its Vinted category /,
    );
    assert.equal(
      reviewReasonText("fr", 'no Vinted leaf id known for femme "ceinture" (Femmes > Accessoires)', name),
      "la catégorie Vinted de « Ceinture » (Femmes) n'est pas encore connue : lancez `vbulk vinted sync` dans un terminal, puis « Générer le plan »",
      "a reason without its way out (an older plan) still reads in French",
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

describe("the review page's words for the articles a draft run left out as not ready", () => {
  // Audit (21 real photos): after « Créer les brouillons », the French page showed « c7: pas envoyé (pas prêt) : type
  // "chaussures" is too general for Vinted … ; or set the leaf id … » and « c9: … dans « Type » ; if it does not
  // exist, copy …/vinted-fr.json there) »: the reasons were split on "; ", which one reason holds itself.
  it("each reason whole, in the page's language, from the real server's run (a bag, shoes and jeans for men)", async () => {
    const men = { name: "homme" as const, score: 0.95 };
    const dir = await catalogFixture([
      { category: "sac", color: "noir", photos: ["a1.jpg"], department: men },
      { category: "chaussures", color: "noir", photos: ["b1.jpg"], department: men },
      { category: "jeans", color: "bleu", photos: ["c1.jpg"], department: men },
    ]);
    for (const f of ["a1.jpg", "b1.jpg", "c1.jpg"]) await writeFile(join(dir, f), "not sent: never read");
    await savePlanWithChanges(dir, []);
    const said = await askServer(dir, "/api/execute", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ publish: false }),
    });
    assert.equal(said.status, 202, JSON.stringify(said.body));
    const results = (
      said.body as { job?: { results?: { state: string; error?: string; reasons?: string[] }[] } }
    ).job?.results;
    assert.deepEqual(
      results?.map((r) => r.state),
      ["skipped", "skipped", "skipped"],
    );
    const name = (c: string) =>
      ({ sac: "Sac", chaussures: "Chaussures", sneakers: "Baskets", jeans: "Jean" })[c] ?? c;
    const words = (lang: "fr" | "en") => results!.map((r) => notReadyText(lang, r, name));
    const [bag, shoes, jeans] = words("fr");
    assert.match(
      bag ?? "",
      /^la catégorie Vinted de « Sac » \(Hommes\) n'est pas encore connue : lancez `vbulk vinted sync` dans un terminal, puis « Générer le plan » ; si elle reste inconnue, ouvrez .* donnez à categories\.sac\.catalog\.homme\.id l'id de sa catégorie sur Vinted .*, puis cliquez « Générer le plan »$/,
    );
    // Each reason whole (its own words are tested above), then the next one.
    const size = " ; taille manquante : Vinted en demande une pour ce type";
    assert.match(
      shoes ?? "",
      /^« Chaussures » est trop général pour Vinted \(Hommes > Chaussures\) : choisissez un type plus précis dans « Type » \(Baskets\) ; si aucun ne convient, ouvrez .* puis cliquez « Générer le plan » ; taille manquante : Vinted en demande une pour ce type$/,
    );
    assert.match(
      jeans ?? "",
      /^« Jean » est trop général pour Vinted \(Hommes > Vêtements > Jeans\), et la liste « Type » n'en propose pas de plus précis pour Hommes : ouvrez .* puis cliquez « Générer le plan » ; taille manquante : Vinted en demande une pour ce type$/,
    );
    for (const text of [shoes, jeans]) assert.equal(text?.split(size).length, 2, text);
    for (const text of words("en")) {
      // No piece of the terminal's advice cut off from its sentence, no bracket left unmatched.
      assert.doesNotMatch(text, /if it stays|set the leaf id|plan reads it first/, text);
      assert.equal(text.split("(").length, text.split(")").length, text);
    }
  });
});

describe("the review page's words for the publish switch when nothing will go public", () => {
  it("an article marked « Publier » that Vinted would not publish is said marked, not « Aucun article n'est marqué »", () => {
    // Audit: c8 marked Publier (badge « à publier ») without a brand; the switch said « Aucun article n'est marqué
    // « Publier » : seuls des brouillons seront créés. », then « c8 sera créé en brouillon mais pas publié : sans marque… ».
    assert.equal(
      publishNoneText("fr", { unpublishable: 1, published: 0 }),
      "1 article est marqué « Publier », mais Vinted ne le publierait pas : seuls des brouillons seront créés.",
    );
    assert.equal(
      publishNoneText("fr", { unpublishable: 2, published: 1 }),
      "2 articles sont marqués « Publier », mais Vinted ne les publierait pas : seuls des brouillons seront créés.",
    );
    assert.equal(
      publishNoneText("en", { unpublishable: 1, published: 0 }),
      "1 article is marked “Publish”, but Vinted would not publish it: only drafts will be made.",
    );
    assert.equal(
      publishNoneText("en", { unpublishable: 3, published: 0 }),
      "3 articles are marked “Publish”, but Vinted would not publish them: only drafts will be made.",
    );
    // Nothing marked, or all published already: as before.
    assert.equal(
      publishNoneText("fr", { unpublishable: 0, published: 0 }),
      "Aucun article n'est marqué « Publier » : seuls des brouillons seront créés.",
    );
    assert.equal(
      publishNoneText("fr", { unpublishable: 0, published: 2 }),
      "Plus rien à publier : seuls des brouillons seront créés.",
    );
  });
});

describe("the review page's words for a plan just generated", () => {
  it("how many articles are ready of how many, and how to find the others (from a real plan)", async () => {
    // Audit: « Plan écrit dans plan.json. » and nothing else, while the terminal said « 1 of 9 articles ready ».
    const dir = await catalogFixture([
      { category: "hoodie", color: "noir", photos: ["a.jpg"], department: { name: "femme", score: 0.95 } },
      { category: "unknown", color: "gris", photos: ["b.jpg"] },
      { category: "unknown", color: "gris", photos: ["c.jpg"] },
      { category: "unknown", color: "bleu", photos: ["d.jpg"] },
    ]);
    await savePlanWithChanges(dir, [{ id: "c1", field: "size", value: "M" }]);
    const { plan } = await savePlanWithChanges(dir, [{ id: "c4", field: "excluded", value: "true" }]);
    assert.equal(
      planDoneText("fr", plan.items),
      "Plan écrit dans plan.json : 1 article prêt pour Vinted sur 3. 2 articles sont marqués « à compléter » : ouvrez leur annonce pour voir ce qui manque.",
    );
    assert.equal(
      planDoneText("en", plan.items),
      "Plan written to plan.json: 1 of 3 articles ready for Vinted. 2 articles are marked “to complete”: open their listing to see what is missing.",
    );
    const one = [{ excluded: false, needs_review: ["x"] }];
    assert.equal(
      planDoneText("fr", one),
      "Plan écrit dans plan.json : 0 article prêt pour Vinted sur 1. 1 article est marqué « à compléter » : ouvrez son annonce pour voir ce qui manque.",
    );
    assert.equal(
      planDoneText("en", one).split(". ")[0],
      "Plan written to plan.json: 0 of 1 article ready for Vinted",
    );
    const ready = [1, 2].map(() => ({ excluded: false, needs_review: [] }));
    assert.equal(
      planDoneText("fr", ready),
      "Plan écrit dans plan.json : 2 articles prêts pour Vinted sur 2.",
    );
    assert.equal(planDoneText("en", ready), "Plan written to plan.json: 2 of 2 articles ready for Vinted.");
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
      "New analysis: 1 earlier article kept as it was; 1 photo replaced by a new one in its article. Check the articles concerned on this page.",
    );
    // No new article: the one photo added joined an earlier one (before: "Vérifiez les nouveaux articles").
    assert.equal(
      ingestWarningText("fr", { ...placed, added: 1, joined: 1, removed: 0 }),
      "Nouvelle analyse : 4 articles d'avant gardés tels quels ; 1 photo ajoutée (dans un article d'avant : 1 ; en nouvel article : 0). Vérifiez les articles concernés sur cette page.",
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
  it("a banner or a strip too long for its width to show a garment, with its size, in both languages", async () => {
    const banner = await said(
      await sharp({ create: { width: 1000, height: 60, channels: 3, background: "#3060c0" } })
        .png()
        .toBuffer(),
    );
    assert.equal(
      photoErrorText("fr", banner),
      "image trop allongée pour montrer un vêtement (1000 × 60 pixels, 16,7 fois plus longue que large, au plus 4) : mettez la photo elle-même, ou retirez-la du dossier",
    );
    assert.equal(
      photoErrorText("en", banner),
      "image too long and narrow to show a garment (1000 × 60 pixels, 16.7 times as long as wide, at most 4): use the photo itself, or take it out of the folder",
    );
  });
});

/** The warning of `code` among an analysis's warnings as the page gets them, asserted to be there. */
function warningOf<C extends Exclude<IngestWarning, string>["code"]>(
  warnings: IngestWarning[],
  code: C,
): Extract<IngestWarning, { code: C }> {
  const w = warnings.find(
    (x): x is Extract<IngestWarning, { code: C }> => typeof x === "object" && x.code === code,
  );
  assert.ok(w, JSON.stringify(warnings));
  return w;
}

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
    const w = warningOf(warnings, "ORDER_UNCLEAR");
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

describe("the review page's words for photos without a capture time among timed ones", () => {
  it("another source named after the timed photos, and one among them (real runs), in both languages", async () => {
    // Before, these notes reached the French page in the terminal's English.
    const dir = await copyFixture("ordered-by-time");
    for (const [k, f] of ["IMG_0004.jpg", "IMG_0005.jpg"].entries())
      await writeFile(join(dir, `wa-${k + 1}.jpg`), await readFile(join(FIXTURES, "grouping", f)));
    const { warnings } = await analyse(dir);
    const w = warningOf(warnings, "UNTIMED");
    assert.equal(
      ingestWarningText("fr", w),
      "2 photos sur 6 n'ont pas d'heure de prise de vue et leurs noms les placent après toutes celles qui en ont une (wa-1.jpg, wa-2.jpg) : elles viennent d'ailleurs (envoyées par une messagerie, par exemple). Elles gardent l'ordre de leurs noms, après les autres, rangées par heure de prise de vue.",
    );
    assert.match(
      ingestWarningText("en", w),
      /^2 of 6 photos have no capture time and are named after every photo/,
    );
    const among = { code: "UNTIMED" as const, n: 1, total: 15, files: ["IMG_0003.jpg"], where: null };
    assert.equal(
      ingestWarningText("fr", among),
      "1 photo sur 15 n'a pas d'heure de prise de vue (IMG_0003.jpg) : les autres sont rangées par heure de prise de vue, et elle suit la photo dont le nom précède le sien.",
    );
  });
});

describe("a re-analysis that did not keep the earlier articles, or replaced a hand-edited catalog.json", () => {
  it("says so in the page's language, with what changed and the file the seller's version is kept in", async () => {
    // Before: both reached the French page in the terminal's English.
    const dir = await copyFixture("grouping");
    await rm(join(dir, "truth.json"));
    await analyse(dir);
    const catalogPath = join(dir, "catalog.json");
    await writeFile(catalogPath, (await readFile(catalogPath, "utf8")).replace('"noir"', '"rouge"'));
    const config = resolveConfig();
    const said: IngestEvent[] = [];
    await runIngest({
      source: dir,
      config: { ...config, grouping: { ...config.grouping, method: "sequence" } },
      embedder: createFeatureEmbedder(),
      onEvent: (e) => said.push(e),
    });
    const warnings = said.flatMap((e) => (e.type === "warning" ? [toPageWarning(e)] : []));
    const regrouped = warningOf(warnings, "REGROUPED");
    assert.equal(
      ingestWarningText("fr", regrouped),
      "Les articles précédents n'ont pas été gardés : les réglages de regroupement ont changé depuis la dernière analyse (grouping.method auto → sequence), donc toutes les photos ont été regroupées à nouveau. Un article qui change repart des règles du plan (ses modifications sont mises de côté, et rendues quand c'est de nouveau ce vêtement) : vérifiez les articles.",
    );
    const edited = warningOf(warnings, "HAND_EDITED");
    assert.ok(existsSync(join(dir, edited.kept)), `${edited.kept} is not in the folder`);
    assert.match(
      ingestWarningText("fr", edited),
      /^catalog\.json a été modifié à la main depuis que vbulk l'a écrit : votre version est gardée sous catalog\.[^ ]+\.json, et catalog\.json est réécrit à partir des photos\./,
    );
    const model = {
      code: "REGROUPED" as const,
      settings: [],
      model: { was: "features-v3", now: "clip-b32" },
    };
    assert.match(
      ingestWarningText("en", model),
      /^The earlier articles were not kept: the model changed \(features-v3 → clip-b32\), so/,
    );
  });
});

describe("a grouping decision or « Annuler » on the page over a hand-edited catalog.json", () => {
  it("keeps the seller's version as catalog.edited-….json, as ingest does, and the page says where", async () => {
    // Before (concurrency audit #1): the decision rewrote catalog.json over the hand edit, kept no copy, and reset
    // .vbulk/catalog.sha256, so the next ingest could not tell either.
    const dir = await copyFixture("grouping");
    await rm(join(dir, "truth.json"));
    const { catalog } = await analyse(dir);
    const catalogPath = join(dir, "catalog.json");
    const edit = async () => {
      const text = await readFile(catalogPath, "utf8");
      await writeFile(catalogPath, text.replace('"noir"', '"rouge"'));
      return text.replace('"noir"', '"rouge"');
    };
    const kept = async (body: { handEdited?: { kept: string } }, edited: string) => {
      assert.ok(body.handEdited, JSON.stringify(Object.keys(body)));
      assert.match(body.handEdited.kept, /^catalog\.edited-\d{8}-\d{6}(-\d+)?\.json$/);
      assert.equal(await readFile(join(dir, body.handEdited.kept), "utf8"), edited);
      assert.match(
        t("fr", "handEditedDecided", { kept: body.handEdited.kept }),
        /^catalog\.json avait été modifié à la main depuis que vbulk l'a écrit : votre version est gardée sous catalog\.edited-/,
      );
    };
    const post = (path: string, body: unknown) =>
      askServer(dir, path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const edited = await edit();
    const photo = catalog.photos.find((p) => p.file === "IMG_0001.jpg")!.sha256;
    const decided = await post("/api/decide", { op: "drop", photo });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    await kept(decided.body as { handEdited?: { kept: string } }, edited);
    // A decision over vbulk's own file says nothing of the kind.
    const again = await post("/api/decide", {
      op: "drop",
      photo: catalog.photos.find((p) => p.file === "IMG_0002.jpg")!.sha256,
    });
    assert.equal((again.body as { handEdited?: unknown }).handEdited, undefined);
    const editedAgain = await edit();
    const undone = await post("/api/undo", {});
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    await kept(undone.body as { handEdited?: { kept: string } }, editedAgain);
    assert.equal(
      (await readdir(dir)).filter((f) => f.startsWith("catalog.edited-")).length,
      2,
      "one copy per hand edit",
    );
    assert.match(t("en", "handEditedDecided", { kept: "x.json" }), /^catalog\.json had been edited by hand/);
  });
});

describe("a listing's save typed for photos its id no longer names (a start again while the page was open)", () => {
  it("is refused (409, nothing saved), naming the photos it was typed for and those of the id now", async () => {
    // Before (concurrency audit #3): a price typed for c4 (a black bag) was saved onto the new c4 (another garment),
    // « Enregistré. ». The page sends the photos the listing was typed for; the server compares.
    const dir = await copyFixture("grouping");
    await rm(join(dir, "truth.json"));
    const { catalog } = await analyse(dir);
    await savePlanWithChanges(dir, []);
    const planPath = join(dir, "plan.json");
    const before = await readFile(planPath, "utf8");
    const shas = (id: string) =>
      catalog.items
        .find((i) => i.id === id)!
        .photos.map((f) => catalog.photos.find((p) => p.file === f)!.sha256);
    const save = (photos: string[]) =>
      askServer(dir, "/api/plan/save", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ edits: [{ id: "c4", field: "price", value: "45", photos }] }),
      });
    const refused = await save(shas("c1"));
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    const body = refused.body as { refusal?: { code: string; id: string; typed: string[]; now: string[] } };
    assert.deepEqual(body.refusal, {
      code: "OTHER_PHOTOS",
      id: "c4",
      typed: catalog.items.find((i) => i.id === "c1")!.photos,
      now: catalog.items.find((i) => i.id === "c4")!.photos,
    });
    assert.equal(await readFile(planPath, "utf8"), before, "plan.json unchanged");
    assert.match(
      t("fr", "otherPhotosArticle", { id: "c4", typed: "a.jpg", now: "b.jpg" }),
      /^Ce que vous avez tapé pour c4 l'a été pour d'autres photos \(a\.jpg\) : c4 est maintenant b\.jpg/,
    );
    // Typed for the photos c4 holds (one of them is enough: another tab may have moved one in or out): saved.
    const saved = await save(shas("c4").slice(0, 1));
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    // A photo saved again since the page showed it (its earlier content recorded) is still that article's.
    const resaved = structuredClone(catalog);
    const old = "f".repeat(64);
    resaved.photos.find((p) => p.sha256 === shas("c4")[0])!.earlier_sha256 = [old];
    const typedFor = (photo: string) => [{ id: "c4", field: "price" as const, value: "45", photos: [photo] }];
    assert.doesNotThrow(() => checkPhotos(resaved, typedFor(old)));
    assert.throws(
      () => checkPhotos(resaved, typedFor("e".repeat(64))),
      /Expected c4 to be the article the page showed/,
    );
  });
});

describe("a garment type the server does not know, sent by the page", () => {
  it("is refused as a value of « Type » the page words (400, nothing saved), not in the terminal's English", async () => {
    // Before: the refusal carried no field, so the French page showed « Expected a category of the label set for
    // c1 but received "manteau-inconnu" » (a page left open while the label set changed, or a hand-made request).
    const dir = await copyFixture("grouping");
    await rm(join(dir, "truth.json"));
    await analyse(dir);
    await savePlanWithChanges(dir, []);
    const planPath = join(dir, "plan.json");
    const before = await readFile(planPath, "utf8");
    const refused = await askServer(dir, "/api/plan/save", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ edits: [{ id: "c1", field: "category", value: "manteau-inconnu" }] }),
    });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    const body = refused.body as { refusal?: { code: string; id: string; field: string; value: string } };
    assert.deepEqual(body.refusal, {
      code: "BAD_VALUE",
      id: "c1",
      field: "category",
      value: "manteau-inconnu",
    });
    assert.equal(await readFile(planPath, "utf8"), before, "plan.json unchanged");
    // How the page words a refused list's value (app.ts explain: « Type » is one of its lists).
    assert.equal(
      t("fr", "err_choice", { f: quotedField("fr", body.refusal.field) }),
      "« Type » : choisissez une valeur de la liste.",
    );
  });
});

describe("a landscape photo in a batch shot in portrait (phone-export audit)", () => {
  it("is named in a note, in the page's language: perhaps a garment on its side, to turn before publishing", async () => {
    // Before: 30 of 150 WhatsApp copies stored sideways (their orientation tag dropped) went to articles without a
    // word, and Vinted would have shown them so.
    const dir = await copyFixture("grouping");
    await rm(join(dir, "truth.json"));
    const sideways = await sharp(join(dir, "IMG_0005.jpg")).rotate(90).jpeg().toBuffer();
    await writeFile(join(dir, "IMG_0005.jpg"), sideways);
    const { warnings } = await analyse(dir);
    const w = warningOf(warnings, "SIDEWAYS");
    assert.equal(
      ingestWarningText("fr", w),
      "1 photo sur 15 est en paysage dans un lot pris en portrait (IMG_0005.jpg) : si elle montre un vêtement couché sur le côté (une application a perdu son orientation), tournez-la dans une application de photos avant de publier : Vinted la montrerait telle quelle.",
    );
    // An upright batch says nothing.
    const upright = await copyFixture("grouping");
    await rm(join(upright, "truth.json"));
    const none = (await analyse(upright)).warnings.find(
      (x) => typeof x === "object" && x.code === "SIDEWAYS",
    );
    assert.equal(none, undefined);
  });
});

describe("a phone's screenshot among the photos (phone-export audit)", () => {
  it("goes after every photo, so no garment is split, and a note names it in the page's language", async () => {
    // Before: IMG_0037.PNG (1170x2532, an iPhone screenshot) fell by name inside a garment's photos and split it.
    const dir = await copyFixture("grouping");
    await rm(join(dir, "truth.json"));
    const before = (await analyse(dir)).catalog.items.map((a) => a.photos);
    const screen = await sharp({ create: { width: 1170, height: 2532, channels: 3, background: "#f2f2f7" } })
      .composite([
        {
          input: { create: { width: 1170, height: 300, channels: 3, background: "#1c1c1e" } },
          top: 0,
          left: 0,
        },
      ])
      .png()
      .toBuffer();
    await writeFile(join(dir, "IMG_0005.png"), screen);
    const { catalog, warnings } = await analyse(dir);
    const w = warningOf(warnings, "SCREENSHOTS");
    assert.equal(
      ingestWarningText("fr", w),
      "1 photo ressemble à une capture d'écran de téléphone (un PNG aux proportions d'un écran, sans heure de prise de vue : IMG_0005.png) : elle est placée après les autres pour ne pas couper un vêtement ; retirez-la de l'annonce si elle ne montre aucun vêtement.",
    );
    assert.deepEqual(
      catalog.items.map((a) => a.photos),
      [...before, ["IMG_0005.png"]],
    );
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

/**
 * Runs the review page's own analysis (src/review/ingest.ts startIngest, as « Analyser les photos » does) of `source`
 * into `dir` to its end, as the tests' CLI runs (offline, no model in a throw-away cache) with `env` on top, and
 * returns what the server sends the page.
 */
async function pageIngest(
  source: string,
  dir: string,
  env: Record<string, string> = {},
  options: { upload?: boolean } = {},
) {
  const vars = { VBULK_OFFLINE: "1", VBULK_CACHE_DIR: join(dir, ".cache"), ...env };
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    const job = startIngest(source, dir, options);
    while (job.running) await new Promise((r) => setTimeout(r, 20));
    return job.snapshot();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A fresh folder holding two photos of the grouping set. */
async function twoPhotos(): Promise<string> {
  const dir = await tempDir();
  for (const f of ["IMG_0001.jpg", "IMG_0002.jpg"])
    await copyFile(join(FIXTURES, "grouping", f), join(dir, f));
  return dir;
}

describe("the review page's analysis on a GPU asked for with VBULK_DEVICE", {
  skip: needShared("models", "clip-tiny-random", "vision_model_quantized.onnx"),
}, () => {
  it("runs where `vbulk ingest` would, and says in the page's words that CUDA is missing and the CPU runs it", async () => {
    // Before, the page's analysis always ran on the CPU (VBULK_DEVICE was not read) and said nothing; had it been
    // read, the fallback was the terminal's English on the French page.
    const dir = await twoPhotos();
    const snapshot = await pageIngest(dir, dir, { VBULK_DEVICE: "cuda", VBULK_MODEL_DIR: await tinyModel() });
    assert.equal(snapshot.failure, null, JSON.stringify(snapshot));
    const fallback = snapshot.warnings.find((w) => typeof w !== "string" && w.code === "CPU_FALLBACK");
    assert.ok(fallback, JSON.stringify(snapshot.warnings));
    assert.match(
      ingestWarningText("fr", fallback),
      /^Le GPU \(CUDA, demandé par VBULK_DEVICE=cuda\) n'est pas disponible : l'analyse tourne sur le processeur, plus lentement \(.+\)\./,
    );
    assert.match(
      ingestWarningText("en", fallback),
      /^The GPU \(CUDA, asked for by VBULK_DEVICE=cuda\) is not available/,
    );
  });

  it("a VBULK_DEVICE it does not know stops the analysis, naming the variable and what it takes", async () => {
    const dir = await twoPhotos();
    const snapshot = await pageIngest(dir, dir, { VBULK_DEVICE: "gpu" });
    assert.match(
      snapshot.error ?? "",
      /Expected cpu or cuda for --device \(or env VBULK_DEVICE\) but received "gpu"/,
    );
    assert.equal(existsSync(join(dir, "catalog.json")), false, "nothing written");
  });
});

describe("the review page's words for an analysis that another run holds the folder from", () => {
  // Before, the French page said « Expected one ingest at a time in /… but another ingest of /… is running (pid 4242,
  // since 2026-…Z): nothing was written » and « Follow it with `vbulk status /…` », the terminal's English.
  it("the lock held by another ingest (the real lock): who, since when, and to wait, in both languages", async () => {
    const dir = await twoPhotos();
    await mkdir(join(dir, ".vbulk"));
    // As a terminal's `vbulk ingest` takes it (src/ingest/index.ts lockIngest), in this process: held by another.
    const release = await takeLock(join(dir, ".vbulk", "ingest.lock"), { source: "/home/me/shop.zip" }, () =>
      assert.fail("free"),
    );
    try {
      const said = await pageIngest(dir, dir);
      assert.ok(said.failure, JSON.stringify(said));
      assert.match(
        said.error ?? "",
        /^Expected one ingest at a time/,
        "the terminal's words stay the detail",
      );
      const fr = ingestFailureWords("fr", said.failure, { localTime: at });
      assert.match(
        fr.text,
        new RegExp(
          `^Une autre analyse de ce dossier est en cours \\(celle de /home/me/shop\\.zip, processus ${process.pid}, depuis le \\[\\d{4}-[^\\]]+\\]\\) : celle-ci n'a pas démarré, rien n'a été écrit\\.$`,
        ),
      );
      assert.equal(
        fr.hint,
        "attendez la fin de l'autre analyse (un `vbulk ingest` dans un terminal, ou la page d'un autre `vbulk review`), dont cette page montre l'avancement : ses articles s'affichent ici quand elle se termine.",
      );
      const en = ingestFailureWords("en", said.failure, { localTime: at });
      assert.match(
        en.text,
        /^Another analysis of this folder is running \(the one of \/home\/me\/shop\.zip, process \d+, since \[/,
      );
      assert.match(en.hint, /^wait for the other analysis to end/);
    } finally {
      await release();
    }
    // A grouping decision of the page holding it past the wait (from the data: the wait is 10 s).
    const decision = ingestFailureWords(
      "fr",
      { code: "BUSY", pid: 7, since: UNTIL, source: dir, decision: true },
      { retry: "again", localTime: at },
    );
    assert.equal(
      decision.hint,
      "attendez que la page montre la décision, puis cliquez de nouveau sur « Analyser à nouveau ».",
    );
  });
});

describe("the review page's words for an analysis of more photos than the limit", () => {
  // Before, the French page said « Expected at most 2 photos for /… but received 3 photos » and « Split the folder, or
  // raise the limit with --max-files N (env BULK_MAX_FILES) », a flag and a variable the page's analysis does not read.
  it("a folder over sources.maxFiles (a real run, the config file's limit): how many, and how to split or raise it", async () => {
    const dir = await twoPhotos();
    await copyFile(join(FIXTURES, "grouping", "IMG_0003.jpg"), join(dir, "IMG_0003.jpg"));
    const config = join(await tempDir(), "vbulk.json");
    await writeFile(config, JSON.stringify({ sources: { maxFiles: 2 } }));
    const said = await pageIngest(dir, dir, { VBULK_CONFIG: config });
    assert.ok(said.failure, JSON.stringify(said));
    assert.match(said.error ?? "", /^Expected at most 2 photos/);
    assert.deepEqual(ingestFailureWords("fr", said.failure), {
      text: "Le dossier contient 3 photos, plus que la limite de 2 par analyse : rien n'a été analysé.",
      hint: `répartissez les photos dans plusieurs dossiers, un \`vbulk review\` par dossier ; ou, si ce sont bien les photos d'une même vente, relevez la limite : mettez sources.maxFiles à 3 au moins dans le fichier de configuration ${config}, puis cliquez à nouveau « Analyser les photos ».`,
    });
    assert.deepEqual(ingestFailureWords("en", said.failure, { retry: "again" }), {
      text: "The folder holds 3 photos, more than the limit of 2 per analysis: nothing was analysed.",
      hint: `spread the photos over several folders, one \`vbulk review\` per folder; or, if they are indeed the photos of one sale, raise the limit: set sources.maxFiles to at least 3 in the config file ${config}, then click “Analyse again” once more.`,
    });
    // Without a config file nor BULK_MAX_FILES, the way to one.
    if (said.failure.code !== "TOO_MANY") assert.fail(JSON.stringify(said.failure));
    const none = ingestFailureWords("fr", { ...said.failure, configFile: null });
    assert.match(
      none.hint,
      /relevez la limite : écrivez \{"sources": \{"maxFiles": 3\}\} dans un fichier de configuration, puis relancez `vbulk review` dans un terminal avec VBULK_CONFIG=ce fichier\.$/,
    );
  });

  it("BULK_MAX_FILES set where `vbulk review` was started is the page's limit too, and its hint names it", async () => {
    // Audit: the page's analysis read only VBULK_CONFIG's file, so BULK_MAX_FILES=2 in the review's terminal let
    // it analyse 3 photos (and BULK_MAX_FILES=1000 did not let it take a large folder) while `vbulk ingest` obeyed it.
    const dir = await twoPhotos();
    await copyFile(join(FIXTURES, "grouping", "IMG_0003.jpg"), join(dir, "IMG_0003.jpg"));
    const said = await pageIngest(dir, dir, { BULK_MAX_FILES: "2" });
    if (said.failure?.code !== "TOO_MANY") assert.fail(JSON.stringify(said));
    assert.equal(said.failure.limit, 2);
    assert.match(
      ingestFailureWords("fr", said.failure).hint,
      /relevez la limite : relancez `vbulk review` dans un terminal avec BULK_MAX_FILES=3 au moins \(la limite vient de cette variable\)\.$/,
    );
    const config = join(await tempDir(), "vbulk.json");
    await writeFile(config, JSON.stringify({ sources: { maxFiles: 2 } }));
    const raised = await pageIngest(dir, dir, { VBULK_CONFIG: config, BULK_MAX_FILES: "3" });
    assert.equal(raised.failure, null, "the variable wins over the config file, as for `vbulk ingest`");
    assert.ok((await readdir(dir)).includes("catalog.json"));
  });

  it("an empty BULK_MAX_FILES (a script's `export BULK_MAX_FILES=$UNSET`) is unset: the config file's limit, said so", async () => {
    // Before: the analysis stopped on « Expected a whole number … for --max-files (or env BULK_MAX_FILES) but
    // received "" », and the page's words said the limit came from that variable.
    const dir = await twoPhotos();
    await copyFile(join(FIXTURES, "grouping", "IMG_0003.jpg"), join(dir, "IMG_0003.jpg"));
    const config = join(await tempDir(), "vbulk.json");
    await writeFile(config, JSON.stringify({ sources: { maxFiles: 2 } }));
    const empty = { BULK_MAX_FILES: "", BULK_CLUSTER_EPS: "", VBULK_GROUPING: "", VBULK_DUP_THRESHOLD: "" };
    const said = await pageIngest(dir, dir, { VBULK_CONFIG: config, ...empty });
    if (said.failure?.code !== "TOO_MANY") assert.fail(JSON.stringify(said));
    assert.equal(said.failure.limit, 2);
    assert.match(
      ingestFailureWords("en", said.failure).hint,
      /raise the limit: set sources\.maxFiles to at least 3 in the config file /,
    );
    await rm(join(dir, "IMG_0003.jpg"));
    const ran = await pageIngest(dir, dir, { VBULK_CONFIG: config, ...empty });
    assert.equal(ran.error, null, JSON.stringify(ran));
    assert.ok((await readdir(dir)).includes("catalog.json"));
  });

  it("a ZIP over the limit (a real run): said of the ZIP, nothing extracted", async () => {
    const dir = await tempDir();
    const zip = new yazl.ZipFile();
    for (const f of ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg"])
      zip.addFile(join(FIXTURES, "grouping", f), f);
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(join(dir, "shop.zip")));
    const config = join(await tempDir(), "vbulk.json");
    await writeFile(config, JSON.stringify({ sources: { maxFiles: 2 } }));
    const said = await pageIngest(join(dir, "shop.zip"), dir, { VBULK_CONFIG: config }, { upload: true });
    assert.ok(said.failure, JSON.stringify(said));
    const fr = ingestFailureWords("fr", said.failure, { retry: "upload" });
    assert.equal(
      fr.text,
      "Le ZIP contient 3 photos, plus que la limite de 2 par analyse : rien n'a été extrait.",
    );
    assert.match(
      fr.hint,
      /^répartissez les photos dans plusieurs ZIP de 2 photos au plus, chacun analysé dans son propre dossier ; /,
    );
    assert.match(fr.hint, /, puis déposez à nouveau le ZIP sur cette page\.$/);
    assert.match(
      ingestFailureWords("en", said.failure).text,
      /^The ZIP holds 3 photos, more than the limit of 2/,
    );
  });
});

/** Asks the real review server (in this process) for `path`, as the page does; its JSON answer and status. */
async function askServer(dir: string, path: string, init: RequestInit = {}) {
  const server = await startReviewServer({ dir, source: dir, token: "words-test", port: 0 });
  try {
    const r = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      ...init,
      headers: { "X-Vbulk-Token": "words-test", ...init.headers },
    });
    return { status: r.status, body: (await r.json()) as { error?: string; failure?: IngestFailure } };
  } finally {
    await server.close();
  }
}

describe("the review page's words for a catalog.json it cannot read", () => {
  // Before, the French page said « Expected valid JSON in /…/catalog.json but it does not parse (at line 1, column
  // 2049) » and « Fix the JSON syntax … catalog.json holds the article ids … or move it away … ».
  it("a catalog.json cut short (a hand edit): the re-run refuses, and the page's load too, saying where and what to do", async () => {
    const dir = await twoPhotos();
    const first = await pageIngest(dir, dir);
    assert.equal(first.error, null, JSON.stringify(first));
    const path = join(dir, "catalog.json");
    const good = await readFile(path, "utf8");
    // A comma taken out by hand, the usual slip.
    await writeFile(path, good.replace(/,\n/, "\n"));
    const said = await pageIngest(dir, dir);
    assert.ok(said.failure, JSON.stringify(said));
    assert.match(said.error ?? "", /^Expected valid JSON in .*catalog\.json/);
    const fr = ingestFailureWords("fr", said.failure, { retry: "again" });
    assert.match(
      fr.text,
      /^vbulk ne peut pas lire catalog\.json dans ce dossier : ce n'est plus du JSON valide \(ligne \d+, colonne \d+\)\. Rien n'a été écrit\.$/,
    );
    assert.equal(
      fr.hint,
      "il garde les numéros d'article auxquels renvoient votre plan et vos brouillons Vinted : corrigez-le à l'endroit indiqué (une modification à la main ?), ou mettez-le de côté (renommez-le) pour repartir de zéro avec de nouveaux numéros d'article ; puis cliquez de nouveau sur « Analyser à nouveau ».",
    );
    assert.match(
      ingestFailureWords("en", said.failure).text,
      /^vbulk cannot read catalog\.json in this folder: it is no longer valid JSON \(line \d+, column \d+\)\. Nothing was written\.$/,
    );
    // Where a seller meets it: the page's load (src/review/server.ts), which the page retries by itself.
    const load = await askServer(dir, "/api/state");
    assert.equal(load.status, 400);
    assert.deepEqual(load.body.failure, said.failure);
    assert.match(
      ingestFailureWords("fr", said.failure, { retry: "load" }).hint,
      /; puis attendez quelques secondes : la page se recharge d'elle-même\.$/,
    );
    // A stray character: Node does not say where, and the page does not say « not JSON » of it.
    await writeFile(path, good.replace('"items": [', '"items": x['));
    const cut = (await askServer(dir, "/api/state")).body.failure;
    assert.ok(cut);
    assert.match(ingestFailureWords("fr", cut).text, /: ce n'est pas du JSON valide\. Rien n'a été écrit\.$/);
  });

  it("a field of catalog.json changed by hand, and one of a newer vbulk: which field, or to update vbulk", async () => {
    const dir = await twoPhotos();
    await pageIngest(dir, dir);
    const path = join(dir, "catalog.json");
    const good = await readFile(path, "utf8");
    const catalog = JSON.parse(good);
    catalog.items[0].photos = "IMG_0001.jpg";
    await writeFile(path, JSON.stringify(catalog));
    const field = (await askServer(dir, "/api/state")).body.failure;
    assert.ok(field);
    assert.equal(
      ingestFailureWords("fr", field, { retry: "load" }).text,
      "vbulk ne peut pas lire catalog.json dans ce dossier : le champ items[0].photos n'a pas la forme qu'attend vbulk. Rien n'a été écrit.",
    );
    assert.equal(
      ingestFailureWords("en", field).text,
      "vbulk cannot read catalog.json in this folder: the field items[0].photos is not what vbulk expects. Nothing was written.",
    );
    // decisions.json, which the load and an analysis read too.
    await writeFile(path, good);
    await writeFile(join(dir, "decisions.json"), "{}");
    const decisions = (await askServer(dir, "/api/state")).body.failure;
    assert.ok(decisions);
    assert.deepEqual(ingestFailureWords("fr", decisions, { retry: "load" }), {
      text: "vbulk ne peut pas lire decisions.json dans ce dossier : ce n'est pas un fichier écrit par vbulk. Rien n'a été écrit.",
      hint: "il garde vos décisions de regroupement : corrigez-le à l'endroit indiqué (une modification à la main ?), ou mettez-le de côté (renommez-le) pour repartir du regroupement automatique, sans vos décisions ; puis attendez quelques secondes : la page se recharge d'elle-même.",
    });
    await rm(join(dir, "decisions.json"));
    await writeFile(path, JSON.stringify({ ...catalog, schemaVersion: 99 }));
    const newer = (await pageIngest(dir, dir)).failure;
    assert.ok(newer);
    const words = ingestFailureWords("fr", newer);
    assert.match(
      words.text,
      /: il a été écrit par une version plus récente de vbulk\. Rien n'a été écrit\.$/,
    );
    assert.match(words.hint, /^mettez à jour vbulk/);
  });
});

describe("the review page's words for a catalog.json whose articles were changed by hand (new-user audit)", () => {
  // Before: a field added by hand was dropped without a word (the seller's « colour » lost); two articles under one
  // id, or a photo in two articles, loaded as if nothing were wrong.
  it("a field vbulk does not know, two articles under one id, a photo in two: the load and an analysis say which", async () => {
    const dir = await twoPhotos();
    await catalogFixture(
      [
        { category: "hoodie", color: "noir", photos: ["IMG_0001.jpg"] },
        { category: "jeans", color: "bleu", photos: ["IMG_0002.jpg"] },
      ],
      dir,
    );
    const path = join(dir, "catalog.json");
    const good = JSON.parse(await readFile(path, "utf8"));
    const load = async (edit: (c: { items: Record<string, unknown>[] }) => void) => {
      const c = structuredClone(good);
      edit(c);
      await writeFile(path, JSON.stringify(c));
      const r = await askServer(dir, "/api/state");
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.ok(r.body.failure, JSON.stringify(r.body));
      return r.body.failure;
    };
    const unknown = await load((c) => {
      c.items[0]!.colour = "rouge";
    });
    assert.equal(
      ingestFailureWords("fr", unknown).text,
      "vbulk ne peut pas lire catalog.json dans ce dossier : le champ items[0].colour n'est pas un champ que vbulk connaît (vouliez-vous dire color ?). Rien n'a été écrit.",
    );
    assert.equal(
      ingestFailureWords("en", unknown).text,
      "vbulk cannot read catalog.json in this folder: the field items[0].colour is not one vbulk knows (did you mean color?). Nothing was written.",
    );
    const sameId = await load((c) => {
      c.items[1]!.id = "c1";
    });
    assert.equal(
      ingestFailureWords("fr", sameId).text,
      "vbulk ne peut pas lire catalog.json dans ce dossier : deux articles y portent le numéro c1. Rien n'a été écrit.",
    );
    assert.equal(
      ingestFailureWords("en", sameId).text,
      "vbulk cannot read catalog.json in this folder: two articles in it have the number c1. Nothing was written.",
    );
    assert.match(ingestFailureWords("fr", sameId).hint, /^il garde les numéros d'article/);
    // An analysis reads the catalog too (its article ids are kept): refused in the same words, nothing written.
    const before = await readFile(path, "utf8");
    assert.deepEqual((await pageIngest(dir, dir)).failure, sameId);
    assert.equal(await readFile(path, "utf8"), before);
    const samePhoto = await load((c) => {
      (c.items[1]!.photos as string[]).push("IMG_0001.jpg");
    });
    assert.equal(
      ingestFailureWords("fr", samePhoto).text,
      "vbulk ne peut pas lire catalog.json dans ce dossier : la photo IMG_0001.jpg y est dans deux articles. Rien n'a été écrit.",
    );
    assert.equal(
      ingestFailureWords("en", samePhoto).text,
      "vbulk cannot read catalog.json in this folder: the photo IMG_0001.jpg is in two articles in it. Nothing was written.",
    );
  });
});

describe("the review page's words for a re-run without the CLIP model the earlier analysis used", () => {
  // Before, the French page said « Expected the CLIP model the earlier run of this folder used (catalog.json: test,
  // clip:test) but no model is available now: VBULK_OFFLINE is set and … » and « Pass the same --model-dir DIR … ».
  it("offline, or the download failed (real runs): which model, why, and what to do, the page's button named", async () => {
    const dir = await twoPhotos();
    // An earlier analysis with a CLIP model (catalog.json's embedder.model).
    await catalogFixture(
      [{ category: "robe", color: "noir", photos: ["IMG_0001.jpg", "IMG_0002.jpg"] }],
      dir,
    );
    const offline = await pageIngest(dir, dir);
    assert.ok(offline.failure, JSON.stringify(offline));
    assert.match(offline.error ?? "", /^Expected the CLIP model the earlier run of this folder used/);
    assert.deepEqual(ingestFailureWords("fr", offline.failure, { retry: "again" }), {
      text: "Ce dossier a été analysé avec le modèle CLIP test, qui n'est pas disponible maintenant (vbulk est hors ligne, VBULK_OFFLINE, et le modèle n'est pas utilisable dans son cache) : l'analyse n'a pas démarré, rien n'a été écrit. Sans lui, chaque photo serait regroupée à nouveau, et le type et le rayon de chaque article deviendraient inconnus.",
      hint: "dans un terminal, lancez `VBULK_OFFLINE= vbulk models pull` une fois en ligne, puis cliquez de nouveau sur « Analyser à nouveau » ; ou relancez `vbulk review` avec VBULK_MODEL_DIR sur le dossier du modèle qu'a utilisé l'analyse précédente. Pour tout regrouper sans modèle, exprès : `vbulk ingest --no-model` sur ce dossier, dans un terminal.",
    });
    assert.match(
      ingestFailureWords("en", offline.failure).text,
      /^This folder was analysed with the CLIP model test, which is not available now \(vbulk is offline/,
    );
    // Online, the download refused (nothing listens there): the connection is what to check.
    const network = await pageIngest(dir, dir, {
      VBULK_OFFLINE: "0",
      VBULK_MODEL_BASE_URL: "http://127.0.0.1:9",
    });
    assert.ok(network.failure, JSON.stringify(network));
    const fr = ingestFailureWords("fr", network.failure);
    assert.match(fr.text, /\(il n'est pas dans le cache de vbulk et n'a pas pu être téléchargé\)/);
    assert.match(
      fr.hint,
      /^vérifiez la connexion de cet ordinateur, puis cliquez à nouveau « Analyser les photos » ;/,
    );
  });
});

describe("the review page's words for a disk that refused a write", () => {
  // Before, the French page said « The disk is full: could not write the catalog in /… » and « Free some space (or
  // pass --out DIR on another disk) … », a flag the page has not; « Permission denied: could not write in /… ».
  /** What the system says, through the core's own translation of it (core/errors.ts fileSystemError). */
  const refused = (err: NodeJS.ErrnoException, path: string, doing: string) =>
    toPageFailure(fileSystemError(err, path, doing));
  /** An error as Node gives it, for what root cannot be refused (a permission) or a test cannot make (EROFS). */
  const os = (code: string) => Object.assign(new Error(`${code}: refused, open '/x'`), { code });

  it("a full disk (the system's own ENOSPC): where, and to free space then click again, in both languages", async () => {
    const full = await writeFile("/dev/full", "x").then(
      () => null,
      (err: NodeJS.ErrnoException) => err,
    );
    const failure = refused(full ?? os("ENOSPC"), "/photos/shop", "write the catalog in");
    assert.ok(failure);
    assert.deepEqual(ingestFailureWords("fr", failure, { retry: "again" }), {
      text: "Le disque est plein : vbulk n'a pas pu écrire dans /photos/shop.",
      hint: "libérez de la place sur ce disque (videz la corbeille, supprimez ou déplacez de gros fichiers), puis cliquez de nouveau sur « Analyser à nouveau ».",
    });
    assert.deepEqual(ingestFailureWords("en", failure), {
      text: "The disk is full: vbulk could not write to /photos/shop.",
      hint: "free some space on that disk (empty the bin, delete or move large files), then click “Analyse the photos” again.",
    });
  });

  it("a folder vbulk may not write in (a real run where the system refuses it), a read-only disk, a file it may not read", async () => {
    let denied = refused(os("EACCES"), "/photos/shop", "write in");
    if (process.getuid?.() !== 0) {
      // Not root: the system itself refuses, and the page's analysis stops before writing anything.
      const dir = await twoPhotos();
      await chmod(dir, 0o555);
      try {
        denied = (await pageIngest(dir, dir, { VBULK_CACHE_DIR: join(await tempDir(), "cache") })).failure;
      } finally {
        await chmod(dir, 0o755);
      }
    }
    assert.ok(denied);
    const fr = ingestFailureWords("fr", denied);
    assert.match(fr.text, /^vbulk n'a pas le droit d'écrire dans \/.+\.$/);
    assert.equal(
      fr.hint,
      "autorisez l'écriture dans ce dossier pour votre compte (dans ses propriétés), puis cliquez à nouveau « Analyser les photos » ; ou copiez les photos dans un dossier à vous et lancez `vbulk review` sur la copie, dans un terminal.",
    );
    assert.match(ingestFailureWords("en", denied).text, /^vbulk may not write to \//);
    const readOnly = refused(os("EROFS"), "/media/card/DCIM", "write in");
    assert.ok(readOnly);
    assert.match(
      ingestFailureWords("fr", readOnly).text,
      /^Le disque de \/media\/card\/DCIM est en lecture seule \(une carte mémoire verrouillée/,
    );
    assert.match(
      ingestFailureWords("fr", readOnly).hint,
      /^copiez les photos dans un dossier d'un disque où vous pouvez écrire/,
    );
    const unreadable = refused(os("EACCES"), "/photos/shop/decisions.json", "read");
    assert.ok(unreadable);
    assert.deepEqual(ingestFailureWords("fr", unreadable, { retry: "load" }), {
      text: "vbulk n'a pas le droit de lire /photos/shop/decisions.json.",
      hint: "autorisez sa lecture pour votre compte (dans ses propriétés), puis attendez quelques secondes : la page se recharge d'elle-même.",
    });
  });

  it("a path too long, and a file or a folder in the way: said on the page in its language", async () => {
    // Before, the French page showed the core's English (« The path is too long for this system: could not … »,
    // « pass --out DIR with a short path », a flag the page has not).
    const long = refused(os("ENAMETOOLONG"), "/photos/shop", "write in");
    assert.ok(long);
    assert.deepEqual(ingestFailureWords("fr", long), {
      text: "Le chemin de /photos/shop est trop long pour ce système : vbulk ne peut pas y écrire.",
      hint: "déplacez les photos dans un dossier au chemin plus court (moins de dossiers imbriqués, des noms plus courts), puis lancez `vbulk review` sur ce dossier, dans un terminal.",
    });
    assert.doesNotMatch(ingestFailureWords("en", long).hint, /--out/);
    // A real run: a file named .vbulk where vbulk makes its work folder.
    const dir = await twoPhotos();
    await writeFile(join(dir, ".vbulk"), "not a folder\n");
    const inWay = (await pageIngest(dir, dir, { VBULK_CACHE_DIR: join(await tempDir(), "cache") })).failure;
    assert.ok(inWay, "the analysis stops");
    const fr = ingestFailureWords("fr", inWay, { retry: "again" });
    assert.match(fr.text, /^Un fichier se trouve là où vbulk doit créer un dossier : \/.+\.$/);
    assert.match(fr.hint, /^renommez-le ou déplacez-le ailleurs, puis cliquez/);
    // A symbolic link there (never followed).
    await rm(join(dir, ".vbulk"));
    await symlink(await tempDir(), join(dir, ".vbulk"));
    const link = (await pageIngest(dir, dir, { VBULK_CACHE_DIR: join(await tempDir(), "cache") })).failure;
    assert.ok(link, "the analysis stops");
    assert.match(
      ingestFailureWords("fr", link).text,
      /^Un lien symbolique se trouve là où vbulk doit créer un dossier/,
    );
    assert.match(ingestFailureWords("en", link).hint, /^remove that link, then /);
    const folder = refused(os("EISDIR"), "/photos/shop/catalog.json", "write");
    assert.ok(folder);
    assert.equal(
      ingestFailureWords("en", folder).text,
      "A folder is where vbulk has to write a file: /photos/shop/catalog.json.",
    );
  });
});

describe("the review page's words for a ZIP it refused", () => {
  // Before, the French page said « Expected a readable ZIP archive for /…/shop.zip but received a file whose end is not
  // a ZIP's (cut short …) », « Expected a compression ratio of at most 100 … », « Expected at least one photo (JPEG, …)
  // for … but received 2 entries with unsafe names » and hints naming `vbulk ingest FOLDER`; a file dropped that is no
  // .zip was refused and the page (no catalog yet) said nothing at all.
  const zipped = async (name: string, bytes: Buffer) => {
    const dir = await tempDir();
    await writeFile(join(dir, name), bytes);
    return { dir, zip: join(dir, name) };
  };
  const zipOf = async (entries: [string, Buffer][]) => {
    const zip = new yazl.ZipFile();
    for (const [name, data] of entries) zip.addBuffer(data, name);
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };

  it("a ZIP cut short, and a damaged one (real runs): what happened, and to drop a good copy again", async () => {
    const whole = await readFile(join(FIXTURES, "zips", "photos.zip"));
    const cut = await zipped("shop.zip", whole.subarray(0, whole.length - 30));
    const said = await pageIngest(cut.zip, cut.dir, {}, { upload: true });
    assert.ok(said.failure, JSON.stringify(said));
    assert.deepEqual(ingestFailureWords("fr", said.failure, { retry: "upload" }), {
      text: "Ce fichier n'est pas un ZIP complet : il a été coupé (un téléchargement ou une copie pas terminés), ou ce n'est pas un ZIP du tout. Rien n'a été extrait.",
      hint: "téléchargez ou copiez le ZIP à nouveau (comparez sa taille avec celle de l'original), ou refaites-le depuis le dossier des photos (clic droit → Compresser), puis déposez-le à nouveau sur cette page.",
    });
    assert.match(
      ingestFailureWords("en", said.failure).text,
      /^This file is not a whole ZIP: it was cut short/,
    );
    // Its second entry's header in the central directory broken: read, but not as a ZIP's.
    const at = whole.indexOf("PK\x01\x02", whole.indexOf("PK\x01\x02") + 4);
    const broken = Buffer.from(whole);
    broken.write("XX", at, "latin1");
    const damaged = await zipped("shop.zip", broken);
    const failure = (await pageIngest(damaged.zip, damaged.dir, {}, { upload: true })).failure;
    assert.ok(failure);
    assert.equal(
      ingestFailureWords("fr", failure).text,
      "Ce ZIP est abîmé : vbulk ne peut pas le lire. Rien n'a été extrait.",
    );
  });

  it("a file named .zip that is no ZIP at all (real runs): said what it is, as the terminal says", async () => {
    // Before, a photo, an empty file or a saved web page dropped as shop.zip was « not a whole ZIP: it was cut
    // short … » with advice to download it again, while `vbulk ingest` said « it starts as a JPEG photo ».
    const photo = await zipped("shop.zip", await readFile(join(FIXTURES, "grouping", "IMG_0001.jpg")));
    const asPhoto = (await pageIngest(photo.zip, photo.dir, {}, { upload: true })).failure;
    assert.ok(asPhoto);
    assert.deepEqual(ingestFailureWords("fr", asPhoto, { retry: "upload" }), {
      text: "Ce fichier n'est pas un ZIP : c'est une photo, nommée en .zip. Rien n'a été extrait.",
      hint: "faites un ZIP du dossier des photos (clic droit → Compresser) et déposez-le sur cette page, ou lancez `vbulk review` sur le dossier des photos, dans un terminal.",
    });
    const empty = await zipped("shop.zip", Buffer.alloc(0));
    const asEmpty = (await pageIngest(empty.zip, empty.dir, {}, { upload: true })).failure;
    assert.ok(asEmpty);
    assert.equal(
      ingestFailureWords("en", asEmpty).text,
      "This file is empty (0 bytes): it is no ZIP. Nothing was extracted.",
    );
    const page = await zipped("shop.zip", Buffer.from("<!DOCTYPE html><html><body>Sign in</body></html>"));
    const asPage = (await pageIngest(page.zip, page.dir, {}, { upload: true })).failure;
    assert.ok(asPage);
    assert.match(ingestFailureWords("fr", asPage).text, /^Ce fichier n'est pas un ZIP : c'est une page web/);
  });

  it("a zip bomb, and a ZIP over the size unpacked (real runs), over the entries or the upload's size", async () => {
    const bomb = await zipped("shop.zip", await readFile(join(FIXTURES, "zips", "bomb.zip")));
    const said = await pageIngest(bomb.zip, bomb.dir, {}, { upload: true });
    assert.ok(said.failure, JSON.stringify(said));
    const fr = ingestFailureWords("fr", said.failure);
    assert.match(
      fr.text,
      /^Dans ce ZIP, bomb\.jpg se décompresse en un fichier \d+ fois plus gros, ce que des photos ne font pas \(au plus 100 fois\) : il ressemble à une « bombe ZIP »\. Rien n'a été extrait\.$/,
    );
    assert.match(fr.hint, /^vérifiez d'où vient ce ZIP ; pour vos photos, refaites le ZIP/);
    assert.match(ingestFailureWords("en", said.failure).text, /looks like a “zip bomb”/);
    const big = await zipped("shop.zip", await readFile(join(FIXTURES, "zips", "photos.zip")));
    const config = join(await tempDir(), "vbulk.json");
    await writeFile(config, JSON.stringify({ sources: { maxTotalBytes: 2048 } }));
    const total = (await pageIngest(big.zip, big.dir, { VBULK_CONFIG: config }, { upload: true })).failure;
    assert.ok(total);
    assert.equal(
      ingestFailureWords("fr", total).text,
      "Décompressé, ce ZIP dépasserait 2 Ko : rien n'a été extrait.",
    );
    assert.equal(
      ingestFailureWords("en", total).text,
      "Unpacked, this ZIP would be over 2 KB: nothing was extracted.",
    );
    // From the data: a ZIP of 11 000 entries, and one over the 8 GiB the page receives, are not made here.
    const upload = { code: "ZIP_TOO_LARGE" as const, exceeded: "upload" as const, max: 8 * 1024 ** 3 };
    assert.equal(
      ingestFailureWords("fr", upload).text,
      "Ce ZIP dépasse 8 Go, la taille que la page peut recevoir : il n'a pas été envoyé.",
    );
    assert.match(
      ingestFailureWords("fr", { code: "ZIP_TOO_LARGE", exceeded: "entries", max: 11000, found: 20000 }).text,
      /^Ce ZIP contient 20000 entrées, bien plus qu'un ZIP de photos \(au plus 11000\)/,
    );
  });

  it("a ZIP of unsafe names only, a folder of photos too large only (real runs): what was found, and what to do", async () => {
    // An entry named "../evil.jpg" (yazl refuses to write one: the name is patched in, as fixtures/generate.ts does).
    const evil = Buffer.from(
      (await zipOf([["xx/evil.jpg", await readFile(join(FIXTURES, "grouping", "IMG_0001.jpg"))]]))
        .toString("latin1")
        .replaceAll("xx/evil.jpg", "../evil.jpg"),
      "latin1",
    );
    const unsafe = await zipped("shop.zip", evil);
    const said = await pageIngest(unsafe.zip, unsafe.dir, {}, { upload: true });
    assert.ok(said.failure, JSON.stringify(said));
    const fr = ingestFailureWords("fr", said.failure, { retry: "upload" });
    assert.equal(
      fr.text,
      "Aucune photo (JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC) dans ce ZIP, seulement 1 entrée au nom dangereux : rien n'a été analysé.",
    );
    assert.match(fr.hint, /^vbulk n'écrit jamais un nom qui sort du dossier \(\.\.\/, un chemin absolu\)/);
    assert.match(
      ingestFailureWords("en", said.failure).text,
      /^No photo \(JPEG, .*\) in this ZIP, only 1 entry with an unsafe name: nothing was analysed\.$/,
    );
    const dir = await twoPhotos();
    const config = join(await tempDir(), "vbulk.json");
    await writeFile(config, JSON.stringify({ sources: { maxFileBytes: 2048 } }));
    const large = (await pageIngest(dir, dir, { VBULK_CONFIG: config })).failure;
    assert.ok(large);
    assert.deepEqual(ingestFailureWords("fr", large), {
      text: "Aucune photo (JPEG, PNG, WebP, AVIF, TIFF, GIF, HEIC) dans ce dossier, seulement 2 fichiers trop grands : rien n'a été analysé.",
      hint: "une photo fait au plus 2 Ko : réduisez-les, ou relevez sources.maxFileBytes dans le fichier de configuration (VBULK_CONFIG), puis cliquez à nouveau « Analyser les photos ».",
    });
  });

  it("a file dropped that is no ZIP (the server's upload): refused in the page's words", async () => {
    const dir = await tempDir();
    const said = await askServer(dir, "/api/upload?name=photos.rar", {
      method: "POST",
      headers: { "Content-Type": "application/zip" },
      body: "Rar!",
    });
    assert.equal(said.status, 400);
    assert.ok(said.body.failure, JSON.stringify(said.body));
    assert.deepEqual(ingestFailureWords("fr", said.body.failure, { retry: "upload" }), {
      text: "« photos.rar » n'est pas un ZIP : la page ne reçoit que des fichiers .zip de photos.",
      hint: "faites un ZIP des photos (clic droit sur leur dossier → Compresser) et déposez-le, ou cliquez « Analyser les photos » pour analyser celles du dossier.",
    });
  });
});

/** Runs `fn` with the variables a page's analysis in a test needs (offline, a cache of its own), then puts them back. */
async function offlineIn<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const vars = { VBULK_OFFLINE: "1", VBULK_CACHE_DIR: join(dir, ".cache") };
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe("the review page's words for a run it cannot start now", () => {
  // Before, the French page said the server's English: « An analysis is already running. » (a second tab's click, a
  // ZIP dropped during an analysis) and « vbulk review is stopping: start it again to go on. » (Ctrl-C meanwhile).
  it("an analysis already running (the real server, asked twice): this one did not start, in both languages", async () => {
    // 15 photos: the first analysis is still running when the second request comes, on any machine.
    const dir = await copyFixture("grouping");
    await offlineIn(dir, () => askTwice(dir));
  });
});

/** Starts an analysis of `dir` from the real server, asks for a second one and drops a ZIP meanwhile, then stops. */
async function askTwice(dir: string): Promise<void> {
  const server = await startReviewServer({ dir, source: dir, token: "words-test", port: 0 });
  const ask = async (path: string, init: RequestInit) => {
    const r = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      ...init,
      headers: { "X-Vbulk-Token": "words-test", ...init.headers },
    });
    return { status: r.status, body: (await r.json()) as { failure?: IngestFailure } };
  };
  const json = { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" };
  try {
    assert.equal((await ask("/api/ingest", json)).status, 202);
    const again = await ask("/api/ingest", json);
    const dropped = await ask("/api/upload?name=more.zip", {
      method: "POST",
      headers: { "Content-Type": "application/zip" },
      body: "PK",
    });
    for (const said of [again, dropped]) {
      assert.equal(said.status, 409);
      assert.ok(said.body.failure, JSON.stringify(said.body));
      assert.deepEqual(ingestFailureWords("fr", said.body.failure, { retry: "again" }), {
        text: "Une analyse de ce dossier est déjà en cours sur cette page (demandée d'un autre onglet, ou un ZIP déposé pendant qu'elle tournait) : celle-ci n'a pas démarré, rien n'a été écrit.",
        hint: "attendez la fin de l'analyse en cours, dont cette page montre l'avancement, puis cliquez de nouveau sur « Analyser à nouveau ».",
      });
      assert.match(
        ingestFailureWords("en", said.body.failure).text,
        /^An analysis of this folder is already running/,
      );
    }
    await server.stopRuns("test");
    const stopping = await ask("/api/ingest", json);
    assert.equal(stopping.status, 503);
    assert.ok(stopping.body.failure, JSON.stringify(stopping.body));
    assert.deepEqual(ingestFailureWords("fr", stopping.body.failure), {
      text: "vbulk review est en train de s'arrêter : rien n'a démarré.",
      hint: "relancez `vbulk review` dans un terminal, puis rechargez cette page.",
    });
  } finally {
    await server.close();
  }
}

describe("a ZIP dropped on the page and refused", () => {
  // Before: the refused copy stayed in the folder: the good copy dropped next became photos-2.zip beside it, and
  // « Analyser les photos » then found the damaged one among the photos.
  it("is taken out of the folder again (a damaged one, a zip bomb); a good one dropped next keeps its name", async () => {
    const dir = await tempDir();
    await offlineIn(dir, () => dropThree(dir));
  });
});

/** Drops a cut ZIP, a zip bomb, then a good ZIP on the real server's page for `dir`, checking the folder after each. */
async function dropThree(dir: string): Promise<void> {
  const server = await startReviewServer({ dir, source: dir, token: "words-test", port: 0 });
  const drop = async (body: Buffer) => {
    const r = await fetch(`http://127.0.0.1:${server.port}/api/upload?name=photos.zip`, {
      method: "POST",
      headers: { "X-Vbulk-Token": "words-test", "Content-Type": "application/zip" },
      body: new Uint8Array(body),
    });
    assert.equal(r.status, 202);
    for (;;) {
      const a = (await (
        await fetch(`http://127.0.0.1:${server.port}/api/status`, {
          headers: { "X-Vbulk-Token": "words-test" },
        })
      ).json()) as { ingest: { running: boolean; failure: IngestFailure | null } };
      if (!a.ingest.running) return a.ingest.failure;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const zips = (await readdir(dir)).filter((f) => f.endsWith(".zip"));
  try {
    const whole = await readFile(join(FIXTURES, "zips", "photos.zip"));
    assert.equal((await drop(whole.subarray(0, whole.length - 30)))?.code, "ZIP_UNREADABLE");
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.endsWith(".zip")),
      zips,
      "the cut copy is gone",
    );
    assert.equal((await drop(await readFile(join(FIXTURES, "zips", "bomb.zip"))))?.code, "ZIP_TOO_LARGE");
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.endsWith(".zip")),
      zips,
      "the bomb is gone",
    );
    assert.equal(await drop(whole), null, "a good copy analyses");
    assert.ok((await readdir(dir)).includes("photos.zip"), "under the name it was dropped with");
    assert.ok((await readdir(dir)).includes("catalog.json"));
  } finally {
    await server.close();
  }
}

describe("the review page's words for a journal.json of another Vinted site", () => {
  // Audit: « Créer les brouillons » on a folder whose journal.json records another site showed the terminal's
  // English on the French page (« Expected a journal for https://www.vinted.fr in … but it records … »).
  it("says which site its drafts belong to and the two ways on, and sends nothing", async () => {
    const dir = await catalogFixture([
      { category: "hoodie", color: "noir", photos: ["IMG_0001.jpg", "IMG_0002.jpg"] },
    ]);
    await savePlanWithChanges(dir, []);
    const other = "http://127.0.0.1:38401";
    await writeFile(join(dir, "journal.json"), JSON.stringify({ schemaVersion: 2, site: other, items: {} }));
    const said = await askServer(dir, "/api/execute", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ publish: false }),
    });
    assert.equal(said.status, 400, JSON.stringify(said.body));
    assert.ok(said.body.failure, JSON.stringify(said.body));
    const site = process.env.VBULK_VINTED_URL ?? "https://www.vinted.fr";
    assert.deepEqual(ingestFailureWords("fr", said.body.failure), {
      text: `Le journal des envois de ce dossier (journal.json) note des brouillons de ${other}, pas de ${site} : leurs numéros sont ceux de l'autre site. Rien n'a été envoyé.`,
      hint: `pour continuer sur ${other}, relancez \`vbulk review\` dans un terminal avec VBULK_VINTED_URL=${other} ; pour recommencer sur ${site}, déplacez journal.json hors du dossier (les brouillons déjà faits restent sur ${other}).`,
    });
    assert.match(ingestFailureWords("en", said.body.failure).text, /^This folder's record of what was sent/);
  });
});
