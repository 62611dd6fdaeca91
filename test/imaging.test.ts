import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import sharp from "sharp";
import { ARTICLES } from "../fixtures/generate.js";
import type { VbulkError } from "../src/core/errors.js";
import { dominantColor, nameColor } from "../src/imaging/color.js";
import { decodePhoto, decodePhotoFile } from "../src/imaging/decode.js";
import {
  averageHash,
  colorGridDelta,
  hammingDistance,
  hashPixels,
  turnColorGrid,
  turnGrid,
} from "../src/imaging/hash.js";
import { sampleLab } from "../src/imaging/lab.js";
import { needTool } from "./helpers/needs.js";
import { FIXTURES } from "./helpers/run.js";

const D = join(FIXTURES, "duplicates");

describe("decodePhoto: invalid input", () => {
  for (const [file, pattern] of [
    ["empty.jpg", /Expected image data but received an empty file \(0 bytes\)/],
    // The words README Troubleshooting quotes: the decoder's own reason, then what it means for the seller.
    [
      "truncated.jpg",
      /Expected a readable image but the decoder said: .*(truncated|premature end).*: the file is damaged or is not a photo/i,
    ],
    [
      "notes.jpg",
      /Expected a readable image but the decoder said: .*unsupported image format.*: the file is damaged or is not a photo/i,
    ],
  ] as const) {
    it(`refuses ${file} with a one-line reason`, async () => {
      await assert.rejects(decodePhotoFile(join(FIXTURES, "bad", file), 256), (err: VbulkError) => {
        assert.equal(err.code, "BAD_FILE");
        assert.match(err.message, pattern);
        assert.equal(err.message.includes("\n"), false);
        return true;
      });
    });
  }
});

describe("decodePhoto: an image too small to be a garment photo", () => {
  const png = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: "#336699" } })
      .png()
      .toBuffer();
  for (const [width, height] of [
    [1, 1],
    [1000, 1],
    [47, 300],
  ] as const)
    it(`refuses ${width}x${height}: what was expected, what the file is, what to do`, async () => {
      await assert.rejects(decodePhoto(await png(width, height), 256), (err: VbulkError) => {
        assert.equal(err.code, "BAD_FILE");
        assert.equal(
          err.message,
          `Expected an image at least 48 pixels on its shortest side but the file is ${width}x${height} pixels; not analysed (too small to show a garment: a tracking pixel, an icon, a web page's spacer): use the full-size photo, or take it out of the folder`,
        );
        assert.match(err.hint ?? "", /decode\.minSide/);
        return true;
      });
    });
  it("reads the size as shown (EXIF orientation applied), and takes 48 px and a small thumbnail", async () => {
    await decodePhoto(await png(48, 48), 256);
    const thumb = await decodePhoto(await png(144, 216), 256);
    assert.deepEqual([thumb.width, thumb.height], [144, 216]);
    const sideways = await sharp(await png(300, 40))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    await assert.rejects(decodePhoto(sideways, 256), /the file is 40x300 pixels/);
    await decodePhoto(await png(1, 1), 256, { minSide: 1 });
  });
});

describe("decodePhoto: a damaged HEIC (audit-phone 4, 7)", { skip: needTool("heif-enc") }, () => {
  const bad = join(FIXTURES, "heic-bad", "IMG_0002.heic");

  it("says the file is damaged, in libheif's words, with the hint other formats give", async () => {
    await assert.rejects(decodePhotoFile(bad, 256), (err: VbulkError) => {
      assert.equal(err.code, "BAD_FILE");
      assert.match(
        err.message,
        /^Expected a readable HEIC image but the decoder said: .*Unexpected end of file.*: the file is damaged or is not a photo$/,
      );
      assert.equal(err.message.includes("\n"), false);
      assert.match(err.hint ?? "", /Copy the photo again/);
      return true;
    });
  });

  it("keeps libheif's console output off stdout, and lets vbulk's own output printed meanwhile through", async () => {
    const written: string[] = [];
    const write = process.stdout.write;
    // console.log writes strings; the test runner's own reports (binary) go through.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      if (typeof chunk !== "string") return write.call(process.stdout, chunk, ...rest);
      written.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      const meanwhile = setInterval(() => console.log("vbulk's own line"), 1);
      await Promise.all([
        decodePhotoFile(bad, 256).catch(() => {}),
        decodePhotoFile(bad, 256).catch(() => {}),
      ]);
      clearInterval(meanwhile);
      console.log("vbulk's own line");
    } finally {
      process.stdout.write = write;
    }
    assert.ok(written.length > 0);
    assert.deepEqual(
      written.filter((w) => w !== "vbulk's own line\n"),
      [],
      "nothing but vbulk's own lines on stdout",
    );
  });
});

describe("decodePhoto", () => {
  it("applies EXIF orientation: a phone portrait stored sideways comes out upright", async () => {
    const p = await decodePhotoFile(join(FIXTURES, "rotated", "portrait-exif6.jpg"), 256);
    assert.deepEqual([p.width, p.height], [300, 400], "oriented size of the original");
    assert.ok(p.ph > p.pw, "working image is portrait");
    const at = (x: number, y: number) =>
      Array.from(p.pixels.subarray((y * p.pw + x) * 3, (y * p.pw + x) * 3 + 3));
    const [r1, g1] = at(Math.floor(p.pw / 2), 5);
    const [r2, g2] = at(Math.floor(p.pw / 2), p.ph - 5);
    assert.ok(r1! > 150 && g1! < 90, `top is the red band, got ${at(Math.floor(p.pw / 2), 5)}`);
    assert.ok(g2! > 120 && r2! < 90, `bottom is green, got ${at(Math.floor(p.pw / 2), p.ph - 5)}`);
  });

  it("shrinks on load: the working image is small whatever the original size", async () => {
    const p = await decodePhoto(await readFile(join(FIXTURES, "grouping", "IMG_0001.jpg")), 256);
    assert.deepEqual([p.width, p.height], [600, 800]);
    assert.equal(Math.min(p.pw, p.ph), 256);
    assert.equal(p.pixels.length, p.pw * p.ph * 3);
  });

  it("reads EXIF capture time", async () => {
    const p = await decodePhotoFile(join(FIXTURES, "ordered-by-time", "c.jpg"), 256);
    assert.equal(p.capturedAt, "2025-03-01T10:00:00");
    const none = await decodePhotoFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), 256);
    assert.equal(none.capturedAt, null);
  });

  const heic = join(FIXTURES, "heic", "IMG_0001.heic");
  it("decodes HEIC (iPhone) photos", { skip: needTool("heif-enc") }, async () => {
    const p = await decodePhotoFile(heic, 256);
    assert.equal(p.format, "heic");
    assert.deepEqual([p.width, p.height], [300, 400]);
    const i = (Math.floor(p.ph / 2) * p.pw + Math.floor(p.pw / 2)) * 3;
    const [r, g, b] = p.pixels.subarray(i, i + 3);
    assert.ok(r! > 150 && g! < 80 && b! < 80, `centre of the red tee is red, got ${[r, g, b]}`);
  });

  it("reads the capture time of a HEIC written by libheif (heif-enc), which exifr alone cannot (audit-phone 3)", {
    skip: needTool("heif-enc"),
  }, async () => {
    const p = await decodePhotoFile(join(FIXTURES, "heic", "timed.heic"), 256);
    assert.equal(p.capturedAt, "2025-03-01T10:00:00");
    assert.equal((await decodePhotoFile(heic, 256)).capturedAt, null, "a HEIC without EXIF time has none");
  });

  it("turns a HEIC upright from its EXIF Orientation when the container has no irot box", {
    skip: needTool("heif-enc"),
  }, async () => {
    const p = await decodePhotoFile(join(FIXTURES, "heic", "exif6.heic"), 256);
    assert.deepEqual([p.width, p.height], [300, 400], "oriented size, as for the same photo as JPEG");
    assert.ok(p.ph > p.pw, "working image is portrait");
    const i = (5 * p.pw + Math.floor(p.pw / 2)) * 3;
    const [r, g] = p.pixels.subarray(i, i + 3);
    assert.ok(r! > 150 && g! < 90, `top is the red band, got ${[r, g]}`);
  });
});

async function hashesOf(file: string) {
  const p = await decodePhotoFile(join(D, file), 256);
  return hashPixels(p.pixels, p.pw, p.ph);
}

describe("perceptual hashes on designed near-duplicates", async () => {
  const original = await hashesOf("original.jpg");
  const cases: [string, { phash: number; ahash: number; color: number }, boolean][] = [
    ["copy.jpg", { phash: 0, ahash: 0, color: 0 }, true],
    ["resized.jpg", { phash: 2, ahash: 2, color: 1 }, true],
    ["recompressed.jpg", { phash: 2, ahash: 2, color: 1.5 }, true],
    ["webp.webp", { phash: 2, ahash: 2, color: 1.5 }, true],
    ["cropped.jpg", { phash: 4, ahash: 2, color: 1.5 }, true],
  ];
  for (const [file, max] of cases) {
    it(`${file} is within the duplicate thresholds (pHash <= ${max.phash}, aHash <= ${max.ahash}, colour <= ${max.color})`, async () => {
      const h = await hashesOf(file);
      assert.ok(
        hammingDistance(original.phash, h.phash) <= max.phash,
        `pHash distance ${hammingDistance(original.phash, h.phash)}`,
      );
      assert.ok(
        hammingDistance(original.ahash, h.ahash) <= max.ahash,
        `aHash distance ${hammingDistance(original.ahash, h.ahash)}`,
      );
      assert.ok(colorGridDelta(original.colorgrid, h.colorgrid).mean <= max.color);
    });
  }
  it("another view of the same garment is far (pHash > 10)", async () => {
    const h = await hashesOf("other-view.jpg");
    assert.ok(hammingDistance(original.phash, h.phash) > 10);
  });
  it("the same pose in another colour shares the greyscale hashes but not the colour grid", async () => {
    const h = await hashesOf("other-colour.jpg");
    assert.ok(
      hammingDistance(original.phash, h.phash) <= 5,
      "greyscale hashes alone would call it a duplicate",
    );
    assert.ok(colorGridDelta(original.colorgrid, h.colorgrid).mean > 8);
  });
  it("a 5% crop is beyond what a 64-bit pHash matches (documented limit)", async () => {
    const h = await hashesOf("cropped-5pct.jpg");
    assert.ok(hammingDistance(original.phash, h.phash) > 5);
  });
});

describe("hashes of a photo turned (a copy that lost its EXIF orientation tag)", async () => {
  const bytes = await readFile(join(D, "original.jpg"));
  const photo = await decodePhoto(bytes, 256);
  const original = await hashPixels(photo.pixels, photo.pw, photo.ph);
  for (const [q, degrees] of [
    [1, 90],
    [2, 180],
    [3, 270],
  ] as const)
    it(`the photo's pixels turned ${degrees}° clockwise and saved again hash as its turned hashes, not as the photo`, async () => {
      const turned = await decodePhoto(
        await sharp(bytes).rotate(degrees).jpeg({ quality: 85 }).toBuffer(),
        256,
      );
      const h = await hashPixels(turned.pixels, turned.pw, turned.ph);
      assert.ok(hammingDistance(original.phash, h.phash) > 10, "as shown it is another picture");
      assert.ok(hammingDistance(original.turned.phash[q - 1]!, h.phash) <= 2, "pHash once turned");
      assert.ok(hammingDistance(original.turned.ahash[q - 1]!, h.ahash) <= 3, "aHash once turned");
      // The colour grid turns the same way as the hashes (comparePhotos turns it at compare time).
      assert.ok(colorGridDelta(turnColorGrid(original.colorgrid, q), h.colorgrid).mean <= 1.5);
      const wrongWay = q === 2 ? 0 : 4 - q;
      assert.ok(colorGridDelta(turnColorGrid(original.colorgrid, wrongWay), h.colorgrid).mean > 1.5);
    });
});

describe("hash functions", () => {
  it("averageHash sets the bits above the mean", () => {
    const grey = new Uint8Array(64).map((_, i) => (i < 32 ? 0 : 255));
    assert.equal(averageHash(grey), "00000000ffffffff");
  });
  it("turnGrid turns a grid a quarter turn clockwise, as sharp's rotate(90) turns an image", () => {
    // 1 2      3 1
    // 3 4  ->  4 2
    assert.deepEqual([...turnGrid(Uint8Array.of(1, 2, 3, 4), 2)], [3, 1, 4, 2]);
    assert.deepEqual([...turnGrid(Uint8Array.of(1, 1, 2, 2, 3, 3, 4, 4), 2, 2)], [3, 3, 1, 1, 4, 4, 2, 2]);
  });
  it("hammingDistance counts differing bits", () => {
    assert.equal(hammingDistance("0000000000000000", "ffffffffffffffff"), 64);
    assert.equal(hammingDistance("00000000000000f0", "0000000000000010"), 3);
  });
});

describe("dominant colour", () => {
  it("names reference colours", () => {
    assert.equal(nameColor(10, 0, 0), "noir");
    assert.equal(nameColor(95, 0, 1), "blanc");
    assert.equal(nameColor(55, 0, 0), "gris");
    assert.equal(nameColor(45, 65, 45), "rouge");
    assert.equal(nameColor(30, 10, -40), "bleu");
  });
  for (const a of ARTICLES) {
    it(`finds ${a.color} on the ${a.id} laid on a wooden floor`, async () => {
      const p = await decodePhotoFile(
        join(
          FIXTURES,
          "grouping",
          `IMG_${String(ARTICLES.slice(0, ARTICLES.indexOf(a)).reduce((n, x) => n + x.views, 0) + 1).padStart(4, "0")}.jpg`,
        ),
        256,
      );
      const sample = await sampleLab(p.pixels, p.pw, p.ph, 48, 14, "nearest");
      assert.equal(dominantColor(sample, 4).name, a.color);
    });
  }
});
