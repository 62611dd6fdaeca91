import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULTS } from "../src/core/defaults.js";
import { groupPhotos } from "../src/grouping/cluster.js";
import { comparePhotos, decideDuplicates } from "../src/grouping/duplicates.js";
import { scoreDuplicates, scoreGrouping } from "../src/grouping/evaluate.js";
import { findShoots } from "../src/grouping/shoots.js";
import { normalize } from "../src/imaging/embedder.js";
import { colorGridDelta, turnColorGrid } from "../src/imaging/hash.js";

/** Unit vectors around a few "garment" directions, with small per-photo jitter: a known answer. */
function designed(articles: number[], jitter = 0.05): { vectors: Float32Array[]; truth: number[] } {
  const vectors: Float32Array[] = [];
  const truth: number[] = [];
  let seed = 1;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  articles.forEach((count, a) => {
    for (let i = 0; i < count; i++) {
      const v = new Float32Array(16).map(() => rand() * jitter);
      v[a % 16] = v[a % 16]! + 1;
      vectors.push(normalize(v));
      truth.push(a);
    }
  });
  return { vectors, truth };
}

const opts = { ...DEFAULTS.grouping };

describe("groupPhotos", () => {
  it("recovers articles shot one after another (sequence)", () => {
    const { vectors, truth } = designed([3, 4, 2, 5, 3]);
    const r = groupPhotos({ vectors, times: vectors.map(() => null) }, opts);
    assert.equal(r.method, "sequence");
    assert.deepEqual(
      r.articles.map((a) => a.map((i) => truth[i])),
      [
        [0, 0, 0],
        [1, 1, 1, 1],
        [2, 2],
        [3, 3, 3, 3, 3],
        [4, 4, 4],
      ],
    );
    assert.deepEqual(r.lowConfidence, [false, false, false, false, false]);
  });

  it("splits two look-alike articles when capture time jumps", () => {
    const { vectors } = designed([6]);
    const times = [0, 10, 20, 2000, 2010, 2020];
    const r = groupPhotos({ vectors, times }, { ...opts, method: "sequence" });
    assert.deepEqual(r.articles, [
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it("capture times make clean articles surer, not doubtful: pauses between garments, bursts within", () => {
    // A phone's photos: 5 s apart within a garment, 2 min between garments. Before, a pause counted as nearness
    // when the confidence was read (the sign of the time pull was reversed): every article of every batch with
    // capture times came out "low confidence" at 0, and the review page's « Douteux d'abord » sorted nothing.
    const { vectors } = designed([3, 4, 2, 5, 3, 4, 3, 4]);
    const sizes = [3, 4, 2, 5, 3, 4, 3, 4];
    const times: number[] = [];
    let t = 0;
    for (const size of sizes)
      for (let k = 0; k < size; k++) {
        times.push(t);
        t += k === size - 1 ? 120 : 5;
      }
    const timed = groupPhotos({ vectors, times }, opts);
    const untimed = groupPhotos({ vectors, times: vectors.map(() => null) }, opts);
    assert.equal(timed.usedTimes, true);
    assert.deepEqual(timed.articles, untimed.articles);
    assert.deepEqual(
      timed.lowConfidence,
      timed.articles.map(() => false),
    );
    for (const [k, c] of timed.confidence.entries())
      assert.ok(
        c >= untimed.confidence[k]!,
        `article ${k}: ${c} with times, ${untimed.confidence[k]} without`,
      );
  });

  it("falls back to grouping by appearance when the order is shuffled", () => {
    // 40 photos of 10 garments, every photo followed by another garment's (7 steps on, modulo 40): the order says
    // nothing, the photos' own neighbours do. (A batch of a dozen photos has too few pairs for that share to
    // clear chance and is left one article per photo: see the order-free grouping.)
    const { vectors, truth } = designed(Array(10).fill(4), 0.02);
    const order = Array.from({ length: 40 }, (_, k) => (k * 7) % 40);
    const shuffled = order.map((i) => vectors[i]!);
    const r = groupPhotos({ vectors: shuffled, times: shuffled.map(() => null) }, opts);
    assert.equal(r.method, "agglomerative");
    const sets = r.articles.map((a) => new Set(a.map((i) => truth[order[i]!])));
    assert.equal(r.articles.length, 10);
    for (const s of sets) assert.equal(s.size, 1, "no article mixes two garments");
  });

  it("DBSCAN keeps noise photos as one-photo articles flagged low confidence, never drops them", () => {
    const { vectors } = designed([3, 1, 3], 0.02);
    const r = groupPhotos(
      { vectors, times: vectors.map(() => null) },
      { ...opts, method: "dbscan", eps: 0.1 },
    );
    assert.deepEqual(r.articles, [[0, 1, 2], [3], [4, 5, 6]]);
    assert.deepEqual(r.lowConfidence, [false, true, false]);
  });

  it("agglomerative and dbscan agree on well-separated garments", () => {
    const { vectors } = designed([2, 3, 2], 0.02);
    const a = groupPhotos(
      { vectors, times: vectors.map(() => null) },
      { ...opts, method: "agglomerative", linkageCut: 0.1 },
    );
    const b = groupPhotos(
      { vectors, times: vectors.map(() => null) },
      { ...opts, method: "dbscan", eps: 0.1 },
    );
    assert.deepEqual(a.articles, b.articles);
  });
});

describe("duplicates: find vs decide", () => {
  const photo = (sha: string, phash: string, pixels: number, colorgrid = "00".repeat(192)) => ({
    sha256: sha,
    ahash: phash,
    phash,
    colorgrid,
    pixels,
  });
  const t = DEFAULTS.duplicates;
  it("finds identical bytes and near hashes, not far ones", () => {
    const photos = [
      photo("a", "0000000000000000", 100),
      photo("a", "0000000000000000", 100),
      photo("b", "000000000000001f", 400),
      photo("c", "ffffffffffffffff", 100),
    ];
    const pairs = comparePhotos(photos, t).duplicates;
    assert.deepEqual(
      pairs.map((p) => [p.a, p.b, p.kind, p.phashDistance]),
      [
        [0, 1, "identical", 0],
        [0, 2, "perceptual", 5],
        [1, 2, "perceptual", 5],
      ],
    );
  });
  it("keeps the largest photo of a group and points every other member at it", () => {
    const photos = [
      photo("a", "0000000000000000", 100),
      photo("b", "0000000000000003", 900),
      photo("c", "000000000000000f", 100),
    ];
    const decisions = decideDuplicates(photos, comparePhotos(photos, t).duplicates);
    assert.deepEqual(
      [...decisions].map(([i, d]) => [i, d.of]),
      [
        [0, 1],
        [2, 1],
      ],
    );
  });
  it("keeps the copy that sits in the shoot's folder: a Google Takeout album copy or a larger export elsewhere is set aside (audit-phone 6)", () => {
    // Takeout writes a photo that is in an album into the year folder and the album folder. Before, the album
    // folder (first by name, equal size) kept the photo, out of its place in the shooting sequence: two garments'
    // album photos were grouped together and each garment lost a photo. A 48 MP copy elsewhere did the same.
    const inFolder = (sha: string, phash: string, pixels: number, folder: string) => ({
      ...photo(sha, phash, pixels),
      folder,
    });
    const album = "Takeout/Google Photos/Annonces Vinted";
    const year = "Takeout/Google Photos/Photos from 2026";
    const photos = [
      inFolder("a1", "0000000000000000", 100, album),
      inFolder("b1", "00000000ffffffff", 100, album),
      inFolder("a1", "0000000000000000", 100, year),
      inFolder("x", "ffff0000ffff0000", 100, year),
      inFolder("b1", "00000000ffffffff", 100, year),
      inFolder("y", "0f0f0f0f0f0f0f0f", 100, year),
      inFolder("y-48mp", "0f0f0f0f0f0f0f0f", 4800, "exports"),
    ];
    const decisions = decideDuplicates(photos, comparePhotos(photos, t).duplicates);
    assert.deepEqual(
      [...decisions].map(([i, d]) => [i, d.of]).sort((x, y) => x[0]! - y[0]!),
      [
        [0, 2],
        [1, 4],
        [6, 5],
      ],
    );
  });
  it("does not call two colourways of one pose duplicates", () => {
    const red = "ff".repeat(192);
    const photos = [photo("a", "0000000000000000", 100), photo("b", "0000000000000000", 100, red)];
    assert.deepEqual(comparePhotos(photos, t).duplicates, []);
  });
  it("does not call a colourway a duplicate when only the garment's cells change (small mean, large local ΔE)", () => {
    // madison-multiview msj006t vs msj006c-royal-blue: the same studio pose, a charcoal and a royal-blue shirt;
    // pHash 0, and a mean grid ΔE of 1.8 (under 2.5) because the backdrop and trousers are unchanged, but 4
    // cells differ by more than ΔE 10. Here: 60 cells identical, 4 cells a clearly different colour (ΔE 20).
    const grey = Buffer.alloc(192, 100);
    const other = Buffer.from(grey);
    for (const cell of [27, 28, 35, 36]) other[cell * 3 + 1] = 120;
    const photos = [
      photo("a", "0000000000000000", 100, grey.toString("hex")),
      photo("b", "0000000000000000", 100, other.toString("hex")),
    ];
    assert.ok(colorGridDelta(grey.toString("hex"), other.toString("hex")).mean < t.maxColorDelta);
    assert.deepEqual(comparePhotos(photos, t).duplicates, []);
  });
  it("reports the same pose in another colour as two garments, a change of light as neither", () => {
    const grey = Buffer.alloc(192, 100);
    const colourway = Buffer.from(grey);
    for (const cell of [27, 28, 35, 36]) colourway[cell * 3 + 1] = 120;
    // Every cell a clearly different colour: another light (or white balance) on the same scene, not proof.
    const relit = Buffer.from(grey.map((v, i) => (i % 3 === 0 ? v + 15 : v)));
    // One cell: a hand or a tag in the frame, not proof either.
    const speck = Buffer.from(grey);
    speck[0] = 130;
    const photos = [grey, colourway, relit, speck].map((g, i) =>
      photo(String(i), "0000000000000000", 100, g.toString("hex")),
    );
    const pairs = comparePhotos(photos, t);
    assert.deepEqual(pairs.duplicates, []);
    // 0-1: four cells changed, the rest alike; 0-2 and 1-2: every cell moved; 0-3: one cell; 1-3: five cells.
    assert.deepEqual(pairs.colorways, [
      [0, 1],
      [1, 3],
    ]);
  });
  it("still calls a re-encode a duplicate: every cell moved a little", () => {
    const grey = Buffer.alloc(192, 100);
    const reencoded = Buffer.from(grey.map((v, i) => v + (i % 3 === 0 ? 2 : 1)));
    const photos = [
      photo("a", "0000000000000000", 100, grey.toString("hex")),
      photo("b", "0000000000000000", 90, reencoded.toString("hex")),
    ];
    assert.equal(comparePhotos(photos, t).duplicates.length, 1);
  });
});

describe("duplicates shown turned (a copy that lost its EXIF orientation tag)", () => {
  const t = DEFAULTS.duplicates;
  // A colour grid whose cells all differ (a gradient across and down): turned, it is another grid.
  const gradient = Buffer.alloc(192);
  for (let i = 0; i < 64; i++) gradient.set([40 + (i % 8) * 5, 128 + Math.floor(i / 8) * 4, 128], i * 3);
  const grid = gradient.toString("hex");
  const turns = { phash: ["1111111100000000", "2222222200000000", "3333333300000000"] };
  /** A photo as shown (hash "0…0", the gradient grid), with its turned hashes unless `old` (an older vbulk's entry). */
  const shown = (sha: string, width: number, height: number, old = false) => ({
    sha256: sha,
    ahash: "0000000000000000",
    phash: "0000000000000000",
    colorgrid: grid,
    pixels: width * height,
    width,
    height,
    ...(old ? {} : { turned: { ahash: turns.phash, phash: turns.phash } }),
  });
  /** The same picture turned q quarter turns clockwise: what the turned hashes of `shown` say it hashes as. */
  const turned = (sha: string, q: 1 | 2 | 3, width: number, height: number) => ({
    sha256: sha,
    ahash: turns.phash[q - 1]!,
    phash: turns.phash[q - 1]!,
    colorgrid: turnColorGrid(grid, q),
    pixels: width * height,
    width,
    height,
  });

  it("finds the copy a quarter turn and a half turn away, and says by how much", () => {
    const photos = [shown("a", 600, 800), turned("b", 1, 800, 600), turned("c", 2, 600, 800)];
    const pairs = comparePhotos(photos, t).duplicates;
    assert.deepEqual(
      pairs.map((p) => [p.a, p.b, p.turned, p.phashDistance]),
      [
        [0, 1, 90, 0],
        [0, 2, 180, 0],
      ],
    );
  });
  it("reads the turn from either photo: an entry of an older vbulk has no turned hashes", () => {
    // The copy (shown three quarters of a turn from the photo) is the newer entry: turned a quarter turn more, it
    // is the photo as shown; the photo, analysed by an older vbulk, has no turned hashes.
    const back = ["0000000000000000", "1111111100000000", "2222222200000000"];
    const photos = [
      { ...turned("b", 3, 800, 600), turned: { ahash: back, phash: back } },
      shown("a", 600, 800, true),
    ];
    assert.deepEqual(
      comparePhotos(photos, t).duplicates.map((p) => [p.a, p.b, p.turned]),
      [[0, 1, 90]],
    );
    // Neither has them: not compared turned.
    assert.deepEqual(comparePhotos([shown("a", 600, 800, true), turned("b", 1, 800, 600)], t).duplicates, []);
  });
  it("tries a quarter turn only between a portrait and a landscape photo, a half turn only between two alike", () => {
    const photos = [shown("a", 600, 800), turned("b", 1, 600, 800), turned("c", 2, 800, 600)];
    assert.deepEqual(comparePhotos(photos, t).duplicates, []);
    // Square photos fit both; a resize keeps the proportions within a pixel's rounding.
    const square = [shown("a", 800, 800), turned("b", 1, 400, 400), turned("c", 2, 401, 400)];
    assert.equal(comparePhotos(square, t).duplicates.filter((p) => p.a === 0).length, 2);
  });
  it("turns the colour grid too: the same pose turned in another colour is not a duplicate", () => {
    const other = Buffer.from(
      Buffer.from(turnColorGrid(grid, 1), "hex").map((v, i) => (i % 3 === 2 ? v + 30 : v)),
    );
    const photos = [shown("a", 600, 800), { ...turned("b", 1, 800, 600), colorgrid: other.toString("hex") }];
    assert.deepEqual(comparePhotos(photos, t).duplicates, []);
    // Turned the wrong way round, the grid is another picture's.
    const wrongWay = [
      shown("a", 600, 800),
      { ...turned("b", 1, 800, 600), colorgrid: turnColorGrid(grid, 3) },
    ];
    assert.deepEqual(comparePhotos(wrongWay, t).duplicates, []);
  });
  it("never calls a pair that matches as shown a turned one", () => {
    const photos = [shown("a", 600, 800), shown("b", 600, 800)];
    assert.deepEqual(
      comparePhotos(photos, t).duplicates.map((p) => p.turned),
      [undefined],
    );
  });
  it("keeps the copy shown upright: of two a quarter turn apart, the portrait one, even when smaller or named later", () => {
    const photos = [
      { ...turned("b", 1, 1600, 1200), name: "IMG_0001-export.jpg" },
      { ...shown("a", 600, 800), name: "IMG_0001.jpg" },
    ];
    const decisions = decideDuplicates(photos, comparePhotos(photos, t).duplicates);
    assert.deepEqual(
      [...decisions].map(([i, d]) => [i, d.of]),
      [[0, 1]],
    );
  });
});

describe("evaluation", () => {
  it("scores exact recovery and pairwise precision/recall", () => {
    const truth = new Map([
      ["1", "A"],
      ["2", "A"],
      ["3", "B"],
      ["4", "B"],
      ["5", "C"],
    ]);
    const pred = new Map([
      ["1", "x"],
      ["2", "x"],
      ["3", "y"],
      ["4", "z"],
      ["5", "z"],
    ]);
    const s = scoreGrouping(truth, pred);
    assert.equal(s.exactRecovery, 1 / 3);
    assert.equal(s.pairwisePrecision, 1 / 2);
    assert.equal(s.pairwiseRecall, 1 / 2);
  });
  it("scores duplicate pairs", () => {
    const truth = new Map([
      ["a", "1"],
      ["b", "1"],
      ["c", "2"],
    ]);
    assert.deepEqual(
      scoreDuplicates(
        truth,
        new Map([
          ["a", "a"],
          ["b", "a"],
          ["c", "a"],
        ]),
      ),
      { precision: 1 / 3, recall: 1, truePairs: 1, predictedPairs: 3 },
    );
  });
});

describe("shoots in one batch (findShoots)", () => {
  /** Consecutive distances of a shoot: `same` of every `every` pairs within a garment (low), the rest between. */
  function shoot(pairs: number, every: number, seed: number): number[] {
    let s = seed;
    const rand = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    };
    return Array.from({ length: pairs }, (_, i) => ((i + 1) % every === 0 ? 1 + rand() : 0.2 + 0.3 * rand()));
  }

  it("finds where a shoot of one-photo garments meets a shoot of 4-photo garments, and nothing inside either", () => {
    const opts = {
      shootEvidence: DEFAULTS.grouping.shootEvidence,
      shootMinPhotos: DEFAULTS.grouping.shootMinPhotos,
    };
    const single = shoot(119, 1, 7); // 120 packshots: every consecutive pair is two garments
    const multi = shoot(199, 4, 11); // 200 photos, 4 a garment
    assert.deepEqual(findShoots(single, opts), [0]);
    assert.deepEqual(findShoots(multi, opts), [0]);
    // The pair across the two shoots (photo 119 to 120) is between garments.
    const starts = findShoots([...single, 1.5, ...multi], opts);
    assert.equal(starts.length, 2);
    assert.ok(Math.abs(starts[1]! - 120) <= 2, `the second shoot starts at photo ${starts[1]}`);
    assert.deepEqual(findShoots([...single, 1.5, ...multi], { ...opts, shootEvidence: 0 }), [0]);
  });

  it("a short run tells no distribution: under twice shootMinPhotos nothing is split", () => {
    const opts = { shootEvidence: 4, shootMinPhotos: 30 };
    assert.deepEqual(findShoots([...shoot(25, 1, 3), 1.5, ...shoot(25, 4, 5)], opts), [0]);
  });
});
