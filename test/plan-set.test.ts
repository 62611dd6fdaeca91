import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VbulkError } from "../src/core/errors.js";
import { parseReset, parseSet } from "../src/listing/plan.js";

const ids = new Set(["c1", "c2"]);
const refused = (a: string, pattern: RegExp) =>
  assert.throws(
    () => parseSet([a], ids),
    (e: unknown) => e instanceof VbulkError && e.code === "BAD_USAGE" && pattern.test(e.message),
    a,
  );

describe("parseSet (vbulk plan --set, the review page's edits): invalid values", () => {
  it("refuses prices that are not plain amounts in euros: 1e-9, 0x1F, 1e3, 0.001, Infinity", () => {
    for (const p of ["1e-9", "0x1F", "1e3", "0.001", "Infinity", "-5", "0", " "])
      refused(`c1.price=${p}`, /Expected an amount in euros/);
  });

  it("takes a price with a dot or a French comma, at most two decimals", () => {
    assert.equal(parseSet(["c1.price=35.5"], ids).get("c1")?.price, 35.5);
    assert.equal(parseSet(["c1.price=12,90"], ids).get("c1")?.price, 12.9);
    assert.equal(parseSet(["c1.price=20"], ids).get("c1")?.price, 20);
  });

  it("takes a price as a seller writes it: with € or EUR, thousands set apart by a space", () => {
    const price = (p: string) => parseSet([`c1.price=${p}`], ids).get("c1")?.price;
    for (const [typed, euros] of [
      ["12 €", 12],
      ["12,50€", 12.5],
      ["€12", 12],
      ["12 EUR", 12],
      ["15 euros", 15],
      ["1 000", 1000],
      ["1\u00a0000,50\u00a0€", 1000.5],
      ["1\u202f200 €", 1200],
    ] as const)
      assert.equal(price(typed), euros, typed);
    // A thousand or one? Said without a separator, or refused; and no sign twice or alone.
    for (const p of ["1.000", "1,000", "1 00", "€12€", "€", "12 $", "12 000 000"])
      refused(`c1.price=${p}`, /Expected an amount in euros/);
  });

  it("refuses a category named after a JavaScript built-in instead of crashing the plan", () => {
    for (const c of ["constructor", "__proto__", "toString", "hasOwnProperty"])
      refused(`c1.category=${c}`, /Expected a garment type id/);
    assert.equal(parseSet(["c1.category=hoodie"], ids).get("c1")?.category, "hoodie");
  });

  it("takes none for no department or no second colour, as --gender none does (audit-clip 13)", () => {
    // Before: `--gender none` was taken and `--set c1.gender=none` refused ("Expected one of femme, homme (or null)").
    for (const field of ["gender", "color2"] as const)
      for (const v of ["none", "None", "null", ""])
        assert.equal(parseSet([`c1.${field}=${v}`], ids).get("c1")?.[field], null);
    assert.equal(parseSet(["c1.gender=femme"], ids).get("c1")?.gender, "femme");
    refused("c1.gender=kids", /Expected one of femme, homme \(or none; in English: women, men\)/);
  });

  it("takes a condition, department and colour as a seller writes them: in English, with capitals, accents, « état »", () => {
    // Before: « Expected one of neuf-avec-etiquette, …, bon, satisfaisant » for "good", "Très bon état" or "NWT",
    // and "women" or "Black" refused the same way: a seller on an English site had to learn the French ids.
    const set = (a: string) => parseSet([a], ids).get("c1");
    for (const [typed, condition] of [
      ["good", "bon"],
      ["Good", "bon"],
      ["bon état", "bon"],
      ["Très bon état", "tres-bon"],
      ["très bon", "tres-bon"],
      ["very good", "tres-bon"],
      ["Very_Good", "tres-bon"],
      ["New with tags", "neuf-avec-etiquette"],
      ["NWT", "neuf-avec-etiquette"],
      ["neuf sans étiquette", "neuf-sans-etiquette"],
      ["satisfactory", "satisfaisant"],
    ] as const)
      assert.equal(set(`c1.condition=${typed}`)?.condition, condition, typed);
    for (const [typed, gender] of [
      ["women", "femme"],
      ["Women's", "femme"],
      ["Femmes", "femme"],
      ["men", "homme"],
      ["HOMME", "homme"],
    ] as const)
      assert.equal(set(`c1.gender=${typed}`)?.gender, gender, typed);
    for (const [typed, color] of [
      ["Black", "noir"],
      ["grey", "gris"],
      ["gray", "gris"],
      ["blanche", "blanc"],
      ["purple", "violet"],
    ] as const)
      assert.equal(set(`c1.color=${typed}`)?.color, color, typed);
    refused(
      "c1.condition=mint",
      /Expected one of .*bon, satisfaisant \(in English: .*very-good, good, satisfactory\)/,
    );
    refused("c1.color2=navy", /Expected one of noir, .*orange \(or none; in English: black, white, …\)/);
  });

  it("says a size has 1 to 20 characters when given 21", () => {
    refused(`c1.size=${"X".repeat(21)}`, /a size of 1 to 20 characters/);
  });
});

describe("parseSet: category ids", () => {
  it("takes a category as a seller writes it: the id with capitals, or its French or English name", () => {
    // Before: « Expected a garment type id … (did you mean "hoodie"?) » for "Hoodie", and every id listed for
    // "Doudoune", the name the page and the titles show.
    const categories = ["puffer jacket", "robe", "gilet", "cardigan", "sac-a-dos"];
    const categoryNames = {
      "puffer jacket": ["Doudoune", "Puffer jacket"],
      robe: ["Robe", "Dress"],
      gilet: ["Gilet", "Cardigan"],
      cardigan: ["Cardigan", "Cardigan"],
      "sac-a-dos": ["Sac à dos", "Backpack"],
    };
    const category = (typed: string) =>
      parseSet([`c1.category=${typed}`], ids, categories, { categoryNames }).get("c1")?.category;
    for (const [typed, id] of [
      ["Doudoune", "puffer jacket"],
      ["Puffer Jacket", "puffer jacket"],
      ["dress", "robe"],
      ["Sac à dos", "sac-a-dos"],
      ["Backpack", "sac-a-dos"],
      ["Cardigan", "cardigan"],
    ] as const)
      assert.equal(category(typed), id, typed);
    assert.throws(
      () => category("Sweat à capuche"),
      /Expected a garment type id of the label set .* or its name \(e\.g\. Doudoune, Dress\)/,
    );
  });

  it("takes every id a label set may have, spaces included (audit 4)", () => {
    assert.equal(parseSet(["c1.category=puffer jacket"], ids).get("c1")?.category, "puffer jacket");
    assert.equal(
      parseSet(["c1.category=puffer jacket"], ids, ["hoodie", "puffer jacket"]).get("c1")?.category,
      "puffer jacket",
    );
    refused("c1.category=Puffer Jacket", /Expected a garment type id/);
  });
});

// The shell removes the quotes a user types; a pair still wrapping the whole value was quoted twice (a script, an
// npm script) and is removed once, only where the shell would have: nothing inside that would have ended it.
describe("parseSet: quotes around a --set value (audit 15)", () => {
  const title = (v: string, shellQuotes = true) =>
    parseSet([`c1.title=${v}`], ids, [], { shellQuotes }).get("c1")?.title;
  it("removes one pair wrapping the whole value", () => {
    assert.equal(title('"Sweat Nike noir"'), "Sweat Nike noir");
    assert.equal(title("'Sweat Nike noir'"), "Sweat Nike noir");
    assert.equal(title('"Robe d\'été"'), "Robe d'été");
  });
  it("keeps every other quote as typed, never leaving one unbalanced", () => {
    assert.equal(title('"Levi\'s 501" jean "vintage"'), '"Levi\'s 501" jean "vintage"');
    assert.equal(title('12" vinyl'), '12" vinyl');
    assert.equal(title('"Robe'), '"Robe');
    assert.equal(title("'Robe d'été'"), "'Robe d'été'");
    assert.equal(title('""Robe""'), '""Robe""');
  });
  it("the review page's text is taken as typed: no shell removed anything there", () => {
    assert.equal(title('"Vintage"', false), '"Vintage"');
  });
  it("an empty pair is an empty value, refused", () =>
    assert.throws(
      () => parseSet(['c1.title=""'], ids, [], { shellQuotes: true }),
      (e: unknown) => e instanceof VbulkError && /Expected a one-line text/.test(e.message),
    ));
});

describe("parseSet: line breaks in a description", () => {
  it("takes Windows line breaks (a pasted text file, a plan written from a CRLF template); refuses a lone CR", () => {
    // Before, CRLF was refused as a control character: an older plan.json written from a Windows template stopped
    // plan, execute and the review page ("line breaks are fine", the message said).
    const edits = parseSet(["c1.description=Très bon état.\r\nEnvoi rapide."], ids);
    assert.equal(edits.get("c1")?.description, "Très bon état.\r\nEnvoi rapide.");
    refused("c1.description=Très bon état.\rEnvoi rapide.", /control characters/);
    refused("c1.title=Robe\r\nrouge", /one-line/);
  });
});

// audit-plan 13: a misspelt field, a capital or a near category id is named with what it likely meant.
describe("parseSet: did you mean (audit-plan 13)", () => {
  const refusal = (a: string, categories: string[] = []) => {
    try {
      parseSet([a], ids, categories, { shellQuotes: true });
    } catch (e) {
      assert.ok(e instanceof VbulkError && e.code === "BAD_USAGE", String(e));
      return { message: e.message, hint: e.hint ?? "" };
    }
    assert.fail(`${a} was taken`);
  };
  it("names the field a misspelt one likely meant, and that nothing was written", () => {
    const r = refusal("c1.colour=rouge");
    assert.match(r.message, /received "colour" \(did you mean "color"\?\)/);
    assert.match(r.hint, /Did you mean --set c1\.color=rouge\? Nothing was written\./);
  });
  it("a field with a capital is named as a field, not as a bad ID.FIELD=VALUE", () => {
    const r = refusal("c1.Price=30");
    assert.match(r.message, /received "Price" \(did you mean "price"\?\)/);
    assert.match(r.hint, /--set c1\.price=30\? Nothing was written\./);
  });
  it("names the category id a near one likely meant, without listing every id", () => {
    const r = refusal("c1.category=hoodies", ["t-shirt", "hoodie", "puffer jacket"]);
    assert.match(r.message, /received "hoodies" \(did you mean "hoodie"\?\)/);
    assert.doesNotMatch(r.message, /t-shirt/);
    assert.match(r.hint, /Did you mean --set c1\.category=hoodie\? Nothing was written\./);
    assert.match(
      refusal("c1.category=puffer", ["hoodie", "puffer jacket"]).message,
      /one of hoodie, puffer jacket/,
    );
  });
  it("says how long a title, brand or description is when it is too long", () => {
    assert.match(refusal(`c1.title=${"a".repeat(101)}`).message, /1 to 100 characters.*\(101 characters\)$/);
    assert.match(refusal(`c1.brand=${"b".repeat(120)}`).message, /\(120 characters\)$/);
  });
});

// Audit-errors 15 and 14: --reset said one long generic message whatever was wrong; a capital in an id got no
// "did you mean c1"; a price out of range never said the range.
describe("--set and --reset say which part is wrong, with the one likely meant", () => {
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof VbulkError && e.code === "BAD_USAGE", String(e));
      return `${e.message} | ${e.hint}`;
    }
    assert.fail("not refused");
  };
  it("--reset with a misspelt field names the field and the one meant", () =>
    assert.match(
      message(() => parseReset(["c1.prix"], ids)),
      /Expected one of .*price.* for the field of --reset c1\.prix but received "prix" \(did you mean "price"\?\)/,
    ));
  it("--reset with an unknown article names the id and lists the articles", () =>
    assert.match(
      message(() => parseReset(["c99"], ids)),
      /^Expected an article id of the catalog for --reset but received "c99" \| .*Articles: c1, c2/,
    ));
  it("an id with a capital gets did-you-mean, in --set and --reset", () => {
    assert.match(
      message(() => parseSet(["C1.price=5"], ids)),
      /received "C1" \(did you mean "c1"\?\)/,
    );
    assert.match(
      message(() => parseReset(["C1.price"], ids)),
      /received "C1" \(did you mean "c1"\?\)/,
    );
  });
  it("a price out of range says the range", () => {
    for (const p of ["100001", "0"])
      assert.match(
        message(() => parseSet([`c1.price=${p}`], ids)),
        /from 0\.01 to 100 ?000/,
      );
  });
});
