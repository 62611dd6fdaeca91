/**
 * How `npm run eval` and `npm run eval:colour` account for misnamed garments (issue 10): a label the garment's own
 * record disputes is counted as such, never relabelled, so the colour figures stay the labels' figures.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { disputedBy } from "../bench/colour-names.js";

describe("disputedBy (items.csv rows of the labelled sets)", () => {
  it("names the merchant's finer colour when it is another of the 12 (hm-colour-dev's colour_group_name)", () => {
    assert.equal(disputedBy({ vbulk_color: "grey", colour_group_name: "Black" }), "black");
    assert.equal(disputedBy({ vbulk_color: "brown", colour_group_name: "Dark Orange" }), "orange");
    assert.equal(disputedBy({ vbulk_color: "green", colour_group_name: "Greyish Beige" }), "beige");
    // H&M's khaki is a green ("Khaki green" is its perceived colour).
    assert.equal(disputedBy({ vbulk_color: "beige", colour_group_name: "Greenish Khaki" }), "green");
  });

  it("does not dispute a finer name of the same colour, or one that is none of the 12", () => {
    assert.equal(disputedBy({ vbulk_color: "red", colour_group_name: "Dark Red" }), null);
    assert.equal(disputedBy({ vbulk_color: "green", colour_group_name: "Greenish Khaki" }), null);
    assert.equal(disputedBy({ vbulk_color: "blue", colour_group_name: "Light Turquoise" }), null);
  });

  it("reads the set's notes: the first colour of the 12 after 'looks', or 'looks' when they name none", () => {
    assert.equal(disputedBy({ vbulk_color: "grey", notes: "looks navy/black" }), "black");
    assert.equal(
      disputedBy({
        vbulk_color: "blue",
        notes: "source type Polos, looks like a short-sleeve button shirt; colour looks dark grey/black",
      }),
      "grey",
    );
    assert.equal(disputedBy({ vbulk_color: "pink", notes: "camisole; looks salmon/coral" }), "looks");
    assert.equal(disputedBy({ vbulk_color: "black", notes: "looks black; 1 photo" }), null);
    assert.equal(disputedBy({ vbulk_color: "white", notes: "blazer" }), null);
    assert.equal(disputedBy({ vbulk_color: "white" }), null);
  });
});
