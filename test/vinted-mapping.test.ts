import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { VbulkError } from "../src/core/errors.js";
import { DEFAULT_MAPPING, loadMapping, type Mapping, mapToVinted } from "../src/listing/mapping.js";
import { explainUnready } from "../src/review/refusals.js";
import { matchSize } from "../src/vinted/execute.js";
import { checkMapping } from "../src/vinted/sync.js";
import { tempDir } from "./helpers/run.js";
import { CATALOG } from "./replica/server.js";

describe("the catalogue mapping by leaf id", () => {
  it("every mapped id of the shipped mapping is a leaf of the replica's tree where the tree has it, never a known parent", async () => {
    const m = await loadMapping(new URL("../models/vinted-fr.json", import.meta.url).pathname);
    const parents = [77, 183, 257]; // vinted.md: parents on Vinted, not leaves
    for (const [type, c] of Object.entries(m.categories))
      for (const e of [c.catalog.femme, c.catalog.homme])
        if (e?.id) assert.equal(parents.includes(e.id), false, `${type}: ${e.id} is a parent`);
    const { checks } = checkMapping(m, CATALOG, "2026-11-26");
    const known = checks.filter((c) => c.status === "ok");
    assert.ok(known.length >= 8, `${known.length} ids found as leaves`);
    assert.deepEqual(
      checks.filter((c) => c.status === "not_leaf"),
      [],
    );
  });

  it("sync flags a removed leaf and a parent, fills a missing id by its path, and plan then says why", async () => {
    const m = await loadMapping(new URL("../models/vinted-fr.json", import.meta.url).pathname);
    m.categories["t-shirt"]!.catalog.homme!.id = 77; // a parent
    m.categories.jeans!.catalog.homme = { id: null, path: ["Hommes", "Vêtements", "Jeans", "Jeans skinny"] };
    const tree = structuredClone(CATALOG);
    tree[0]!.catalogs![0]!.catalogs![0]!.catalogs = [{ id: 222, title: "Chemises" }]; // 221 removed
    const { mapping, checks } = checkMapping(m, tree, "2026-11-26");
    const by = (cat: string, g: string) => checks.find((c) => c.category === cat && c.gender === g)!;
    assert.equal(by("t-shirt", "femme").status, "removed");
    assert.equal(by("t-shirt", "homme").status, "not_leaf");
    assert.deepEqual([by("jeans", "homme").status, by("jeans", "homme").id], ["resolved", 1816]);
    const item = {
      category: "t-shirt",
      color: "noir",
      condition: "bon" as const,
      gender: "femme" as const,
      size: "M",
    };
    const { vinted, needsReview } = mapToVinted(mapping, item);
    assert.equal(vinted.catalog_id, 221);
    assert.match(needsReview.join(";"), /catalogue 221 .* no longer exists/);
    const jeans = mapToVinted(mapping, { ...item, category: "jeans", gender: "homme" });
    assert.deepEqual([jeans.vinted.catalog_id, jeans.needsReview], [1816, []]);
  });

  it("sync flags an id that is a leaf of another category than its path (a wrong table's 584), and takes a leaf under a parent path", async () => {
    const m = await loadMapping(new URL("../models/vinted-fr.json", import.meta.url).pathname);
    // A women's shirt recorded with the T-shirts leaf (one public table gives 584 for shirts, which are 222).
    m.categories.chemise!.catalog.femme!.id = 221;
    // A leaf the seller chose under a parent path the mapping names: theirs to choose.
    m.categories.pull!.catalog.femme = {
      id: 197,
      path: ["Femmes", "Vêtements", "Sweats et sweats à capuche"],
    };
    const { mapping, checks } = checkMapping(
      m,
      CATALOG,
      "2026-11-29",
      "/home/me/.config/vbulk/vinted-mapping.json",
    );
    const by = (cat: string, g: string) => checks.find((c) => c.category === cat && c.gender === g)!;
    assert.equal(by("chemise", "femme").status, "changed");
    assert.equal(
      by("chemise", "femme").detail,
      'Vinted catalogue 221 is Femmes > Vêtements > Hauts et t-shirts > T-shirts on Vinted, not Femmes > Vêtements > Hauts et t-shirts > Chemises (vbulk vinted sync, 2026-11-29): Femmes > Vêtements > Hauts et t-shirts > Chemises is 222: set that id as categories.chemise.catalog.femme.id in /home/me/.config/vbulk/vinted-mapping.json, or keep 221 by setting its path there to ["Femmes","Vêtements","Hauts et t-shirts","T-shirts"]',
    );
    assert.equal(
      by("pull", "femme").status,
      "ok",
      "a leaf under the path the mapping names is the seller's choice",
    );
    assert.equal(mapping.categories.pull!.catalog.femme!.path.at(-1), "Autres pull-overs & sweat-shirts");
    // Plan does not list a shirt under T-shirts: it asks.
    const item = {
      category: "chemise",
      color: "blanc",
      condition: "bon" as const,
      gender: "femme" as const,
      size: "M",
    };
    assert.match(
      mapToVinted(mapping, item).needsReview.join(";"),
      /catalogue 221 is .*T-shirts on Vinted, not/,
    );
    // The path set as the reason says: the next sync takes it.
    mapping.categories.chemise!.catalog.femme!.path = [
      "Femmes",
      "Vêtements",
      "Hauts et t-shirts",
      "T-shirts",
    ];
    assert.equal(
      checkMapping(mapping, CATALOG, "2026-11-29").checks.find(
        (c) => c.category === "chemise" && c.gender === "femme",
      )?.status,
      "ok",
    );
  });

  it("an article without a recorded leaf id is needs_review with the reason, not guessed", async () => {
    const m = await loadMapping(new URL("../models/vinted-fr.json", import.meta.url).pathname);
    const r = mapToVinted(m, {
      category: "robe",
      color: "noir",
      condition: "bon",
      gender: "femme",
      size: "M",
    });
    assert.equal(r.vinted.catalog_id, null);
    assert.match(r.needsReview.join(";"), /no Vinted leaf id known for femme "robe" .*vbulk vinted sync/);
    // If sync cannot find it either, the seller still has a way out: the exact key in the mapping file.
    assert.match(r.needsReview.join(";"), /categories\.robe\.catalog\.femme\.id in .*vinted-mapping\.json/);
  });

  it("a type mapped to a parent on purpose (chaussures) names the specific types and the mapping key, never sync", async () => {
    const m = await loadMapping(new URL("../models/vinted-fr.json", import.meta.url).pathname);
    const shoe = { category: "chaussures", color: "noir", condition: "bon" as const, size: "38" };
    const femme = mapToVinted(m, { ...shoe, gender: "femme" }).needsReview.join(";");
    assert.match(femme, /type "chaussures" is too general for Vinted \(Femmes > Chaussures\)/);
    assert.match(femme, /choose a more specific type: sneakers \(Baskets\)/);
    assert.match(femme, /categories\.chaussures\.catalog\.femme\.id in .*vinted-mapping\.json/);
    assert.doesNotMatch(femme, /vinted sync/, "sync never fills a parent: that sent the seller in a loop");
    // Jackets: every more specific type the mapping can place for that department.
    const veste = mapToVinted(m, { ...shoe, category: "veste", gender: "homme" }).needsReview.join(";");
    assert.match(
      veste,
      /choose a more specific type: puffer jacket \(Doudounes\), windbreaker \(Vestes coupe-vent\)/,
    );
    // Sync says the same: the file, the exact key, and the live children to pick from.
    const { checks } = checkMapping(m, CATALOG, "2026-11-26", "/home/me/.config/vbulk/vinted-mapping.json");
    const sync = checks.find((c) => c.category === "chaussures" && c.gender === "femme")!;
    assert.equal(sync.status, "unresolved");
    assert.match(
      sync.detail,
      /Femmes > Chaussures is a parent: set one of its leaves \(Baskets 2632, Chaussures à talons 543\) as categories\.chaussures\.catalog\.femme\.id in \/home\/me\/\.config\/vbulk\/vinted-mapping\.json/,
    );
  });

  it("sync finds the leaf of a new type's null id by its title path (belts, a men's backpack), parents and not_on_vinted aside", async () => {
    const m = await loadMapping(DEFAULT_MAPPING);
    assert.equal(m.categories.ceinture?.catalog.femme?.id, null, "the shipped mapping has no id for it");
    const tree = structuredClone(CATALOG);
    const [femmes, hommes] = [tree[0]!, tree[1]!];
    const under = (root: typeof femmes, title: string) => root.catalogs!.find((n) => n.title === title)!;
    // Titles as vinted.fr's tree has them (idx:58324659531); ids as idx:3914235638 gives them.
    under(femmes, "Accessoires").catalogs!.push({ id: 20, title: "Ceintures" });
    under(hommes, "Accessoires").catalogs!.push({
      id: 94,
      title: "Sacs et sacoches",
      catalogs: [{ id: 246, title: "Sacs à dos" }],
    });
    under(femmes, "Chaussures").catalogs!.push({
      id: 1049,
      title: "Bottes",
      catalogs: [
        { id: 2618, title: "Bottines" },
        { id: 211, title: "Bottes hautes" },
      ],
    });
    const { mapping, checks } = checkMapping(
      m,
      tree,
      "2026-11-26",
      "/home/me/.config/vbulk/vinted-mapping.json",
    );
    const by = (cat: string, g: string) => checks.find((c) => c.category === cat && c.gender === g);
    assert.deepEqual(by("ceinture", "femme"), {
      category: "ceinture",
      gender: "femme",
      id: 20,
      status: "resolved",
      detail: "Femmes > Accessoires > Ceintures is leaf 20",
    });
    assert.deepEqual([by("sac-a-dos", "homme")?.status, by("sac-a-dos", "homme")?.id], ["resolved", 246]);
    // A type mapped to a parent on purpose is never filled in: sync lists its leaves and the key to set.
    assert.equal(by("bottes", "femme")?.status, "unresolved");
    assert.match(
      by("bottes", "femme")?.detail ?? "",
      /^Femmes > Chaussures > Bottes is a parent: set one of its leaves \(Bottines 2618, Bottes hautes 211\) as categories\.bottes\.catalog\.femme\.id in /,
    );
    // Not on Vinted: nothing to check, and the refreshed mapping still says so.
    assert.equal(by("robe", "homme"), undefined);
    assert.ok(mapping.categories.robe?.not_on_vinted?.homme);
    // Plan, with the refreshed mapping: the belt is ready (Vinted asks no size for it), the backpack too.
    const belt = {
      category: "ceinture",
      color: "noir",
      condition: "bon" as const,
      gender: "femme" as const,
      size: null,
    };
    assert.deepEqual(mapToVinted(m, belt).needsReview.length, 1, "before sync: no leaf id known");
    const after = mapToVinted(mapping, belt);
    assert.deepEqual(
      [after.vinted.catalog_id, after.vinted.catalog_path, after.needsReview],
      [20, ["Femmes", "Accessoires", "Ceintures"], []],
    );
    const bag = mapToVinted(mapping, { ...belt, category: "sac-a-dos", gender: "homme" });
    assert.deepEqual([bag.vinted.catalog_id, bag.needsReview], [246, []]);
  });

  it("a plan size matches the size ids of the group, whatever system the label mixes", () => {
    const tops = ["XS / 34 / 6", "S / 36 / 8", "M / 38 / 10"].map((title, i) => ({ id: 2 + i, title }));
    const jeans = ["W30 | FR 40", "W32 | FR 42"].map((title, i) => ({ id: 103 + i, title }));
    assert.equal(matchSize("M", tops), 4);
    assert.equal(matchSize("38", tops), 4);
    assert.equal(matchSize("W32", jeans), 104);
    assert.equal(matchSize("42", jeans), 104);
    assert.equal(matchSize("XXL", tops), null);
  });
});

describe("a department Vinted has no category for (not_on_vinted)", () => {
  const robe = {
    category: "robe",
    color: "noir",
    condition: "bon" as const,
    gender: "homme" as const,
    size: "M",
  };
  let shipped: Mapping;
  before(async () => {
    shipped = await loadMapping(DEFAULT_MAPPING);
  });
  /** The shipped mapping as JSON, robe's entry changed by `edit`, written to a file of its own. */
  async function mappingFile(edit: (robe: Record<string, unknown>) => void): Promise<string> {
    const m = JSON.parse(await readFile(DEFAULT_MAPPING, "utf8"));
    edit(m.categories.robe);
    const file = join(await tempDir(), "my-mapping.json");
    await writeFile(file, JSON.stringify(m));
    return file;
  }

  it("says so, and what to do instead, not where to add a category that does not exist", async () => {
    const file = await mappingFile((r) => {
      r.not_on_vinted = { homme: "no Robes in the men's tree" };
    });
    const r = mapToVinted(await loadMapping(file), robe);
    assert.equal(r.vinted.catalog_id, null);
    assert.equal(r.vinted.catalog_path, null);
    // Before: « no homme catalogue for "robe": add categories.robe.catalog.homme (a path and a leaf id) in … ».
    assert.deepEqual(r.needsReview, [
      "Vinted has no men's category for \"robe\": set this article's department to femme, or give it another type",
    ]);
  });

  it("the review page points a « Publier » refused for it at the article's type, as for a department with no entry", () => {
    const reason = mapToVinted(
      {
        ...shipped,
        categories: {
          ...shipped.categories,
          robe: { ...shipped.categories.robe!, not_on_vinted: { homme: "none" } },
        },
      },
      robe,
    ).needsReview;
    const err = new VbulkError("BAD_INPUT", "not ready", {
      context: { unready: [{ id: "c2", excluded: false, needs_review: reason }] },
    });
    const refusal = (explainUnready(err) as VbulkError).context.refusal;
    assert.deepEqual(refusal, {
      code: "NOT_READY",
      id: "c2",
      excluded: false,
      fields: ["category"],
      other: [],
    });
  });

  it("a mapping without the field still loads, and a department it lacks still says where to add one", async () => {
    const file = await mappingFile((r) => {
      delete r.not_on_vinted;
    });
    const m: Mapping = await loadMapping(file);
    assert.equal(m.categories.robe?.not_on_vinted, undefined);
    assert.match(
      mapToVinted(m, robe).needsReview.join(";"),
      /^no homme catalogue for "robe": add categories\.robe\.catalog\.homme .* in .*my-mapping\.json/,
    );
  });

  it("invalid parameters: an empty reason, or both a category and none for one department, name the field", async () => {
    const empty = await mappingFile((r) => {
      r.not_on_vinted = { homme: "" };
    });
    await assert.rejects(loadMapping(empty), (err: Error & { code?: string }) => {
      assert.equal(err.code, "BAD_INPUT");
      assert.match(
        err.message,
        /categories\.robe\.not_on_vinted\.homme: expected why Vinted has no such category/,
      );
      return true;
    });
    const both = await mappingFile((r) => {
      r.not_on_vinted = { femme: "none" };
    });
    await assert.rejects(loadMapping(both), (err: Error & { code?: string }) => {
      assert.equal(err.code, "BAD_INPUT");
      assert.match(
        err.message,
        /categories\.robe\.not_on_vinted\.femme: expected either catalog\.femme \(a Vinted category\) or not_on_vinted\.femme \(none on Vinted\), received both: remove the one that is wrong/,
      );
      assert.match(err.message, /my-mapping\.json/);
      return true;
    });
  });
});

describe("a copy `vbulk vinted sync` wrote before types were added", () => {
  it("is completed with what the shipped mapping has and it lacks; what it has stays", async (t) => {
    const config = await tempDir();
    const before = process.env.VBULK_CONFIG_DIR;
    process.env.VBULK_CONFIG_DIR = config;
    t.after(() => {
      if (before === undefined) delete process.env.VBULK_CONFIG_DIR;
      else process.env.VBULK_CONFIG_DIR = before;
    });
    // As a sync of an older vbulk wrote it: no pull, no men's not_on_vinted for robe, a leaf it found for shorts.
    const old = JSON.parse(await readFile(DEFAULT_MAPPING, "utf8"));
    delete old.categories.pull;
    delete old.categories.robe.not_on_vinted;
    old.categories.short.catalog.femme.id = 205;
    await writeFile(join(config, "vinted-mapping.json"), JSON.stringify(old));
    const m = await loadMapping();
    const item = {
      category: "pull",
      color: "noir",
      condition: "bon" as const,
      gender: "homme" as const,
      size: "M",
    };
    // Before: « category "pull" has no Vinted catalogue mapping », and sync, starting from that copy, kept it so.
    assert.deepEqual([mapToVinted(m, item).vinted.catalog_id, mapToVinted(m, item).needsReview], [1813, []]);
    assert.match(
      mapToVinted(m, { ...item, category: "robe" }).needsReview[0] ?? "",
      /^Vinted has no men's category/,
    );
    assert.equal(mapToVinted(m, { ...item, category: "short", gender: "femme" }).vinted.catalog_id, 205);
    // What sync writes back (the loaded copy, refreshed) loads again: the mapping refuses unknown fields now.
    const { mapping: refreshed } = checkMapping(m, CATALOG, "2026-11-29");
    await writeFile(join(config, "vinted-mapping.json"), JSON.stringify(refreshed, null, 2));
    assert.equal((await loadMapping()).categories.short?.catalog.femme?.id, 205);
    // An explicit --mapping file is the seller's own: it is read as it is.
    const own = join(config, "mine.json");
    await writeFile(own, JSON.stringify(old));
    assert.match(
      mapToVinted(await loadMapping(own), item).needsReview[0] ?? "",
      /^category "pull" has no Vinted catalogue mapping/,
    );
  });
});
