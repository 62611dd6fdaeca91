import assert from "node:assert/strict";
import { readFile, truncate, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import sharp from "sharp";
import { uploadable } from "../src/vinted/execute.js";
import { tempDir } from "./helpers/run.js";

/** A PNG photo (Vinted takes JPEG: execute uploads a JPEG copy of it). */
const png = (rgb: [number, number, number]) =>
  sharp({ create: { width: 600, height: 800, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();

/** Decodes the whole file, failing on a truncated one as Vinted's upload would. */
const meanRed = async (path: string) =>
  (await sharp(await readFile(path), { failOn: "truncated" }).stats()).channels[0]!.mean;

describe("the JPEG copy of a photo for upload", () => {
  it("a copy cut short by a killed run is made again, never uploaded", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "big.png"), await png([200, 30, 30]));
    const copy = await uploadable(dir, "big.png");
    assert.notEqual(copy, join(dir, "big.png"));
    await truncate(copy, 500); // what a run killed while converting left before
    const again = await uploadable(dir, "big.png");
    assert.ok((await meanRed(again)) > 150, "the copy uploaded is the whole photo");
  });

  it("a photo replaced under the same name gets a new copy, not the old one's", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "big.png"), await png([200, 30, 30]));
    await uploadable(dir, "big.png");
    await writeFile(join(dir, "big.png"), await png([30, 30, 200]));
    await utimes(join(dir, "big.png"), new Date(), new Date(Date.now() + 5000));
    assert.ok(
      (await meanRed(await uploadable(dir, "big.png"))) < 80,
      "the blue photo is uploaded, not the red one",
    );
  });
});
