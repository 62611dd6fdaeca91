import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { VbulkError } from "../src/core/errors.js";
import type { PlanItem } from "../src/listing/plan.js";
import { completionBody, draftBody, WRITE_HEADERS } from "../src/vinted/adapter.js";
import { siteCurrency } from "../src/vinted/currency.js";
import { publishProblems } from "../src/vinted/execute.js";
import { VintedReplica } from "./replica/server.js";

/** One listing's fields as execute gives them: a hoodie, size id 4, condition "bon" (3), black, package 2. */
const fields = {
  title: "Hoodie noir",
  description: "Un hoodie.",
  price: 20,
  catalogId: 196,
  brand: "Nike",
  sizeLabel: "M",
  statusId: 3,
  colorIds: [1],
  packageSizeId: 2,
  brandId: 54,
  sizeId: 4,
  photoIds: [900001, 900002],
  currency: "GBP",
};

describe("what vbulk sends to Vinted on a write", () => {
  it("the condition goes in item_attributes as the form sends it, status_id kept; the currency is the site's", () => {
    const { draft } = draftBody(fields, "session-1");
    assert.deepEqual(draft.item_attributes, [
      { code: "condition", ids: [3] },
      { code: "size", ids: [4] },
    ]);
    assert.equal(draft.status_id, 3);
    assert.equal(draft.size_id, 4, "the size both ways");
    assert.equal(draft.currency, "GBP");
    const sizeless = draftBody({ ...fields, sizeId: null }, "session-1").draft;
    assert.deepEqual(sizeless.item_attributes, [{ code: "condition", ids: [3] }]);
  });

  it("the completion names the photos `photos`, never `assigned_photos`, and never boosts", () => {
    const body = completionBody(draftBody(fields, "session-1", "5000000000"));
    assert.equal("assigned_photos" in body.draft, false);
    assert.deepEqual(body.draft.photos, [
      { id: 900001, orientation: 0 },
      { id: 900002, orientation: 0 },
    ]);
    assert.equal(body.push_up, false);
    assert.equal(body.draft.id, 5000000000);
    assert.equal(body.upload_session_id, "session-1");
  });

  it("every write carries the upload form's header set", () => {
    assert.deepEqual(WRITE_HEADERS, {
      "x-upload-form": "true",
      "x-enable-dynamic-attribute-condition": "true",
      "x-enable-dynamic-attribute-size": "true",
      "x-enable-dynamic-attribute-video-game-rating": "true",
      "x-enable-multiple-size-groups": "true",
    });
  });
});

describe("siteCurrency: invalid parameters", () => {
  it("a site whose currency no source records is refused, saying what to set", () => {
    assert.throws(
      () => siteCurrency("https://www.vinted.be", {}),
      (e: VbulkError) =>
        e.code === "BAD_USAGE" &&
        /Expected a Vinted site whose currency vbulk knows .*but received https:\/\/www\.vinted\.be: nothing was sent/.test(
          e.message,
        ) &&
        /VBULK_VINTED_CURRENCY=EUR/.test(e.hint ?? ""),
    );
  });

  it("a malformed VBULK_VINTED_CURRENCY is refused", () => {
    assert.throws(
      () => siteCurrency("https://www.vinted.fr", { VBULK_VINTED_CURRENCY: "euro" }),
      /Expected a three-letter currency code \(e\.g\. EUR, GBP\) for VBULK_VINTED_CURRENCY but received "euro"/,
    );
  });
});

describe("siteCurrency", () => {
  it("follows the site: EUR on vinted.fr and vinted.pt, GBP on vinted.co.uk; VBULK_VINTED_CURRENCY wins", () => {
    assert.equal(siteCurrency("https://www.vinted.fr", {}), "EUR");
    assert.equal(siteCurrency("https://www.vinted.pt", {}), "EUR");
    assert.equal(siteCurrency("https://www.vinted.co.uk", {}), "GBP");
    assert.equal(siteCurrency("https://www.vinted.be", { VBULK_VINTED_CURRENCY: "EUR" }), "EUR");
  });
});

describe("publishProblems", () => {
  it("an article without a brand cannot be published, and the message says how to set one", () => {
    const item = { cluster_id: "c4", brand: "Unknown" } as PlanItem;
    const [problem, ...rest] = publishProblems("/tmp/photos", item);
    assert.equal(rest.length, 0);
    assert.match(problem!, /^no brand: Vinted refuses to publish an article without one/);
    assert.match(problem!, /plan \/tmp\/photos --set c4\.brand="…"/);
    assert.deepEqual(publishProblems("/tmp/photos", { ...item, brand: "  " }).length, 1);
    assert.deepEqual(publishProblems("/tmp/photos", { ...item, brand: "Levi's" }), []);
  });
});

describe("the replica answers writes as the evidence says Vinted does", () => {
  const replica = new VintedReplica();
  before(() => replica.start());
  after(() => replica.stop());

  const send = async (method: string, path: string, body: unknown, flags = true) => {
    const r = await fetch(`${replica.url}${path}`, {
      method,
      headers: {
        cookie: `access_token_web=${replica.sessionToken}`,
        "x-csrf-token": replica.csrf,
        "content-type": "application/json",
        ...(flags ? WRITE_HEADERS : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const create = async (f = fields) => {
    const r = await send("POST", "/api/v2/item_upload/drafts", draftBody(f, "s"));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return String((r.body.draft as { id: number }).id);
  };
  const complete = (id: string, draft: Record<string, unknown>) =>
    send("POST", `/api/v2/item_upload/drafts/${id}/completion`, {
      ...completionBody(draftBody(fields, "s", id)),
      draft,
    });
  const fieldsOf = (r: { body: Record<string, unknown> }) =>
    ((r.body.errors as { field: string }[] | undefined) ?? []).map((e) => e.field);

  it("a create, update or completion without the dynamic-attribute headers answers 500 {code:105}", async () => {
    replica.reset();
    const refused = await send("POST", "/api/v2/item_upload/drafts", draftBody(fields, "s"), false);
    assert.deepEqual([refused.status, refused.body], [500, { code: 105 }]);
    const id = await create();
    const put = await send("PUT", `/api/v2/item_upload/drafts/${id}`, draftBody(fields, "s", id), false);
    assert.equal(put.status, 500);
    const done = await send(
      "POST",
      `/api/v2/item_upload/drafts/${id}/completion`,
      completionBody(draftBody(fields, "s", id)),
      false,
    );
    assert.equal(done.status, 500);
  });

  it("completion refuses assigned_photos and takes photos; the draft keeps its photos", async () => {
    replica.reset();
    const id = await create();
    const base = completionBody(draftBody(fields, "s", id)).draft;
    const old = await complete(id, { ...base, assigned_photos: [{ id: 900001, orientation: 0 }] });
    assert.deepEqual([old.status, fieldsOf(old)], [400, ["photos"]]);
    const ok = await complete(id, base);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(replica.items.get(Number(id))!.photo_ids, [900001, 900002]);
  });

  it("completion refuses a missing brand, colour and package size", async () => {
    replica.reset();
    const id = await create();
    const base = completionBody(draftBody(fields, "s", id)).draft;
    const r = await complete(id, {
      ...base,
      brand_id: null,
      brand: "",
      color_ids: [],
      package_size_id: null,
    });
    assert.deepEqual([r.status, fieldsOf(r)], [400, ["brand", "color", "package_size_id"]]);
    const typed = await complete(id, { ...base, brand_id: null, brand: "Marque locale" });
    assert.equal(typed.status, 200, "a brand typed as text is a brand");
  });

  it("size: size_id alone passes, the attribute alone does not, both pass; a cap needs none", async () => {
    replica.reset();
    const sizeAttr = { code: "size", ids: [4] };
    const cond = { code: "condition", ids: [3] };
    const tries: [string, Record<string, unknown>][] = [
      ["size_id alone", { size_id: 4, item_attributes: [cond] }],
      ["attribute alone", { size_id: null, item_attributes: [cond, sizeAttr] }],
      ["both", { size_id: 4, item_attributes: [cond, sizeAttr] }],
      ["a cap, no size", { catalog_id: 230, size_id: null, item_attributes: [cond] }],
      ["a hoodie, no size", { size_id: null, item_attributes: [cond] }],
    ];
    const seen: [string, number][] = [];
    for (const [what, change] of tries) {
      const id = await create();
      const r = await complete(id, { ...completionBody(draftBody(fields, "s", id)).draft, ...change });
      seen.push([what, r.status]);
    }
    assert.deepEqual(seen, [
      ["size_id alone", 200],
      ["attribute alone", 400],
      ["both", 200],
      ["a cap, no size", 200],
      ["a hoodie, no size", 400],
    ]);
  });
});
