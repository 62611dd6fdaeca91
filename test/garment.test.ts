import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeGarment, garmentMask, labSample } from "../src/imaging/garment.js";

/** An RGB image (w x h) of a background colour with rectangles painted on it. */
function image(
  w: number,
  h: number,
  bg: [number, number, number],
  rects: { x: number; y: number; w: number; h: number; rgb: [number, number, number] }[],
): Buffer {
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) px.set(bg, i * 3);
  for (const r of rects)
    for (let y = r.y; y < r.y + r.h; y++)
      for (let x = r.x; x < r.x + r.w; x++) px.set(r.rgb, (y * w + x) * 3);
  return px;
}

const GREY: [number, number, number] = [200, 200, 200];
const RED: [number, number, number] = [190, 30, 40];
const BLUE: [number, number, number] = [30, 50, 170];

function cosineDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return 1 - s;
}

describe("garmentMask: invalid parameters", () => {
  it("says what it expected when the sample does not match its size", () => {
    assert.throws(
      () => garmentMask(new Float32Array(10), 64),
      /Expected a Lab sample of size\*size\*3 values for garmentMask but received 10 values for size 64/,
    );
    assert.throws(() => garmentMask(new Float32Array(3 * 9), 3), RangeError);
  });
});

describe("garment/background separation", () => {
  it("finds a garment laid on the floor, and only it", async () => {
    const px = image(128, 128, GREY, [{ x: 32, y: 32, w: 64, h: 64, rgb: RED }]);
    const g = await describeGarment(px, 128, 128);
    assert.ok(
      Math.abs(g.coverage - 0.25) < 0.05,
      `a quarter of the frame (and its blurred edge) is garment: ${g.coverage}`,
    );
    assert.equal(g.mask[32 * 64 + 32], 1, "centre is garment");
    assert.equal(g.mask[0], 0, "corner is floor");
  });

  it("keeps a patch of the floor's colour inside the garment (a grey print on a red shirt) as garment", async () => {
    const px = image(128, 128, GREY, [
      { x: 24, y: 24, w: 80, h: 80, rgb: RED },
      { x: 56, y: 56, w: 16, h: 16, rgb: GREY },
    ]);
    const lab = await labSample(px, 128, 128, 64);
    const mask = garmentMask(lab, 64);
    assert.equal(mask[32 * 64 + 32], 1, "the enclosed grey print is not floor");
  });

  it("treats a close-up that fills the frame as all garment", async () => {
    const px = image(96, 96, RED, [{ x: 40, y: 40, w: 10, h: 10, rgb: [200, 40, 50] }]);
    const g = await describeGarment(px, 96, 96);
    assert.equal(g.coverage, 1);
  });

  it("describes two colourways on the same floor as far apart, and one garment moved in the frame as alike", async () => {
    const red = await describeGarment(
      image(128, 128, GREY, [{ x: 20, y: 30, w: 60, h: 70, rgb: RED }]),
      128,
      128,
    );
    const redMoved = await describeGarment(
      image(128, 128, GREY, [{ x: 50, y: 10, w: 60, h: 70, rgb: RED }]),
      128,
      128,
    );
    const blue = await describeGarment(
      image(128, 128, GREY, [{ x: 20, y: 30, w: 60, h: 70, rgb: BLUE }]),
      128,
      128,
    );
    assert.ok(cosineDistance(red.histogram, redMoved.histogram) < 0.05);
    assert.ok(cosineDistance(red.histogram, blue.histogram) > 0.9, "the floor does not make them alike");
  });
});
