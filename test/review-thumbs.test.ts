import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import sharp from "sharp";
import { DEFAULTS } from "../src/core/defaults.js";
import { Thumbnailer } from "../src/review/thumbs.js";
import { STATE_DIR } from "../src/sources/classify.js";
import { needTool } from "./helpers/needs.js";
import { FIXTURES } from "./helpers/run.js";

const { thumbSize: size, thumbQuality: quality, largeSize, thumbConcurrency: concurrency } = DEFAULTS.review;

async function thumbnailer(): Promise<Thumbnailer> {
  return new Thumbnailer(await mkdtemp(join(tmpdir(), "vbulk-thumbs-")), {
    size,
    quality,
    largeSize,
    concurrency,
  });
}

/** Size, format and the colours at the top and bottom centre of an encoded image. */
async function look(data: Buffer) {
  const meta = await sharp(data).metadata();
  const { data: px, info } = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y: number) => {
    const i = (y * info.width + Math.floor(info.width / 2)) * 3;
    return Array.from(px.subarray(i, i + 3));
  };
  return {
    format: meta.format,
    width: info.width,
    height: info.height,
    top: at(4),
    bottom: at(info.height - 5),
  };
}

describe("review thumbnails of HEIC photos (sharp alone cannot decode HEVC)", {
  skip: needTool("heif-enc"),
}, () => {
  it("a HEIC photo gets a WebP thumbnail and a JPEG large view of its picture", async () => {
    const thumbs = await thumbnailer();
    const file = join(FIXTURES, "heic", "IMG_0001.heic");
    const small = await look(await thumbs.thumbnail("a".repeat(64), file));
    assert.equal(small.format, "webp");
    assert.deepEqual([small.width, small.height], [240, 320], "300x400 fitted inside 320");
    const large = await look(await thumbs.large(file));
    assert.equal(large.format, "jpeg");
    assert.deepEqual([large.width, large.height], [300, 400], "never enlarged");
  });

  it("a HEIC stored sideways with EXIF Orientation 6 (no irot box) is shown upright, as its JPEG is", async () => {
    const thumbs = await thumbnailer();
    const files = [join(FIXTURES, "rotated", "portrait-exif6.jpg"), join(FIXTURES, "heic", "exif6.heic")];
    for (const [n, file] of files.entries()) {
      for (const shown of [await thumbs.large(file), await thumbs.thumbnail(String(n).repeat(64), file)]) {
        const { width, height, top, bottom } = await look(shown);
        assert.ok(height > width, `${file}: portrait, got ${width}x${height}`);
        const [r1, g1] = top;
        const [r2, g2] = bottom;
        assert.ok(r1! > 150 && g1! < 90, `${file}: red band on top, got ${top}`);
        assert.ok(g2! > 120 && r2! < 90, `${file}: green at the bottom, got ${bottom}`);
      }
    }
  });
});

describe("review thumbnails whose cache cannot be written", () => {
  it("the thumbnail it made is served all the same (a cache folder in the way, a file Windows holds)", async () => {
    // Before: a failed cache write rejected the thumbnail it had just made, and the page showed an empty box.
    const dir = await mkdtemp(join(tmpdir(), "vbulk-thumbs-"));
    await writeFile(join(dir, STATE_DIR), "a file where the .vbulk folder belongs");
    const thumbs = new Thumbnailer(dir, { size, quality, largeSize, concurrency });
    const shown = await look(
      await thumbs.thumbnail("b".repeat(64), join(FIXTURES, "rotated", "portrait-exif6.jpg")),
    );
    assert.equal(shown.format, "webp");
    assert.ok(shown.height > shown.width, `upright, got ${shown.width}x${shown.height}`);
  });
});
