import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULTS } from "../src/core/defaults.js";
import {
  combinedDistances,
  containmentMatrix,
  distanceMatrix,
  groupDistances,
  groupPhotos,
} from "../src/grouping/cluster.js";
import { fitLogMixture, orderScore, pairRanks } from "../src/grouping/evidence.js";
import { normalize } from "../src/imaging/embedder.js";

const opts = { ...DEFAULTS.grouping };
const DIMS = 24;

/** A seeded generator, so the designed batches are the same on every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
}

interface Shot {
  /** The garment it shows (the answer). */
  garment: string;
  /** Direction of its appearance (what the embedder sees: style, pose, flat or worn), or a blend of two. */
  look: number | [number, number, number];
  /** Direction of its garment colour. */
  colour: number;
}

/** Unit vectors around the given directions with small per-photo jitter. */
function vectorsOf(shots: Shot[], jitter = 0.3) {
  const rand = random(7);
  const around = (dir: number | [number, number, number]) => {
    const v = new Float32Array(DIMS).map(() => rand() * jitter);
    // [a, b, w]: mostly like a, partly (w) like b: a view of the same style from another side.
    const [a, b, w] = typeof dir === "number" ? [dir, dir, 0] : dir;
    v[a % DIMS] = v[a % DIMS]! + 1 - w;
    v[b % DIMS] = v[b % DIMS]! + w;
    return normalize(v);
  };
  return { vectors: shots.map((s) => around(s.look)), garment: shots.map((s) => around(s.colour)) };
}

/** Garments of `size` photos each, every one with its own look and colour. */
function plain(names: string[], size = 4, from = 0): Shot[] {
  return names.flatMap((g, k) =>
    Array.from({ length: size }, () => ({ garment: g, look: from + k, colour: from + k })),
  );
}

function labelled(shots: Shot[], articles: number[][]): string[][] {
  return articles.map((a) => a.map((i) => shots[i]!.garment));
}

describe("grouping from the batch's own distances", () => {
  it("keeps a flat shot with the worn shots of its garment, and two colourways of one style apart", () => {
    // G-red: three worn shots and one flat shot (looks unlike the worn ones, same garment colour).
    // G-blue: the same style worn the same way (looks like G-red's worn shots), another colour.
    const TEE_WORN = 20;
    const FLAT = 21;
    const RED = 20;
    const BLUE = 21;
    const shots: Shot[] = [
      ...plain(["A", "B", "C"]),
      { garment: "red", look: TEE_WORN, colour: RED },
      { garment: "red", look: TEE_WORN, colour: RED },
      // The flat shot shares the style's shape only in part (cosine ~0.6 to the worn shots).
      { garment: "red", look: [TEE_WORN, FLAT, 0.6], colour: RED },
      { garment: "red", look: TEE_WORN, colour: RED },
      { garment: "blue", look: TEE_WORN, colour: BLUE },
      { garment: "blue", look: TEE_WORN, colour: BLUE },
      { garment: "blue", look: TEE_WORN, colour: BLUE },
      ...plain(["D", "E", "F"], 4, 3),
    ];
    const r = groupPhotos({ ...vectorsOf(shots), times: shots.map(() => null) }, opts);
    assert.equal(r.method, "sequence");
    assert.deepEqual(labelled(shots, r.articles), [
      ["A", "A", "A", "A"],
      ["B", "B", "B", "B"],
      ["C", "C", "C", "C"],
      ["red", "red", "red", "red"],
      ["blue", "blue", "blue"],
      ["D", "D", "D", "D"],
      ["E", "E", "E", "E"],
      ["F", "F", "F", "F"],
    ]);
    // Appearance alone (what the embedder sees) cannot: the colourways would merge.
    const lookOnly = groupPhotos({ vectors: vectorsOf(shots).vectors, times: shots.map(() => null) }, opts);
    assert.ok(
      labelled(shots, lookOnly.articles).some((a) => a.includes("red") && a.includes("blue")),
      "without the garment colour the two colourways merge",
    );
  });

  it("never joins two photos in the same pose in another colour (colourways of one style)", () => {
    // madison-multiview's colourways: the same shirt in khaki, red and royal blue, worn in one pose over the same
    // trousers; here a front and a back of each. Appearance is the same, and the garment colour, trousers
    // included, is close: the evidence alone joins them. The hashes say "same pose, another colour"
    // (comparePhotos), which one garment cannot be: those pairs are `apart`.
    const FRONT = 20;
    const BACK = 21;
    const SHIRT = 20;
    const colourways = ["khaki", "red", "blue"];
    const shots: Shot[] = [
      ...plain(["A", "B", "C"]),
      ...colourways.flatMap((garment): Shot[] => [
        { garment, look: FRONT, colour: SHIRT },
        { garment, look: [FRONT, BACK, 0.5], colour: SHIRT },
      ]),
      ...plain(["D", "E", "F"], 4, 3),
    ];
    const input = { ...vectorsOf(shots), times: shots.map(() => null) };
    const joined = groupPhotos(input, opts);
    assert.ok(
      labelled(shots, joined.articles).some((a) => a.includes("khaki") && a.includes("red")),
      "without the pose test the colourways join",
    );
    // Fronts 12, 14, 16 and backs 13, 15, 17: each the same pose as the others in another colour.
    const apart: [number, number][] = [12, 13].flatMap((v) => [
      [v, v + 2] as [number, number],
      [v, v + 4] as [number, number],
      [v + 2, v + 4] as [number, number],
    ]);
    const r = groupPhotos({ ...input, apart }, opts);
    assert.equal(r.method, "sequence");
    assert.deepEqual(labelled(shots, r.articles), [
      ["A", "A", "A", "A"],
      ["B", "B", "B", "B"],
      ["C", "C", "C", "C"],
      ["khaki", "khaki"],
      ["red", "red"],
      ["blue", "blue"],
      ["D", "D", "D", "D"],
      ["E", "E", "E", "E"],
      ["F", "F", "F", "F"],
    ]);
    for (const at of [14, 16])
      assert.match(r.cuts.find((c) => c.at === at)?.because ?? "", /same pose .* in another colour/);
  });

  it("gives the same articles when every distance is rescaled (any embedder's scale)", () => {
    const shots = [
      ...plain(["A", "B"], 3),
      { garment: "C", look: 9, colour: 2 },
      ...plain(["C"], 4, 2),
      ...plain(["D", "E", "F"], 5, 3),
    ];
    const { vectors, garment } = vectorsOf(shots, 0.2);
    const appearance = distanceMatrix(vectors);
    const colour = distanceMatrix(garment);
    const n = shots.length;
    const times = shots.map(() => null);
    const base = groupDistances({ n, appearance, garment: colour, times }, opts);
    for (const [a, c] of [
      [7.3, 0.05],
      [0.001, 1000],
    ] as const) {
      const scaled = groupDistances(
        { n, appearance: appearance.map((x) => x * a), garment: colour.map((x) => x * c), times },
        opts,
      );
      assert.deepEqual(scaled.articles, base.articles);
      assert.deepEqual(
        scaled.cuts.map((x) => x.at),
        base.cuts.map((x) => x.at),
      );
    }
    assert.ok(
      labelled(shots, base.articles).every((a) => new Set(a).size === 1),
      "no article mixes two garments",
    );
  });

  it("gives the same articles when the distances are transformed in any increasing way (d^3, log(1+d), 5d)", () => {
    // A flat shot (C's first photo) that only its colour ties to C, and two garments of one look: the articles
    // hinge on how far apart distances are, so a transform that changed their spacing would change them.
    const shots: Shot[] = [
      ...plain(["A", "B"], 3),
      { garment: "C", look: 9, colour: 2 },
      ...plain(["C"], 4, 2),
      ...plain(["D", "E", "F"], 5, 3),
      ...["G", "H"].flatMap((g, k) =>
        Array.from({ length: 4 }, () => ({ garment: g, look: 12, colour: 12 + k })),
      ),
    ];
    const { vectors, garment } = vectorsOf(shots, 0.25);
    const appearance = distanceMatrix(vectors);
    const colour = distanceMatrix(garment);
    const n = shots.length;
    const times = shots.map(() => null);
    const base = groupDistances({ n, appearance, garment: colour, times }, opts);
    assert.deepEqual(labelled(shots, base.articles), [
      ["A", "A", "A"],
      ["B", "B", "B"],
      ["C", "C", "C", "C", "C"],
      ["D", "D", "D", "D", "D"],
      ["E", "E", "E", "E", "E"],
      ["F", "F", "F", "F", "F"],
      ["G", "G", "G", "G"],
      ["H", "H", "H", "H"],
    ]);
    const transforms: [string, (x: number) => number][] = [
      ["d^3", (x) => x ** 3],
      ["log(1+d)", (x) => Math.log1p(x)],
      ["5d", (x) => 5 * x],
      ["sqrt(d)", (x) => Math.sqrt(x)],
    ];
    for (const [name, f] of transforms) {
      const r = groupDistances({ n, appearance: appearance.map(f), garment: colour.map(f), times }, opts);
      assert.deepEqual(r.articles, base.articles, `appearance and colour both through ${name}`);
      assert.deepEqual(r.confidence, base.confidence, `same confidences through ${name}`);
      // One evidence transformed, the other not: still the same (each is read by its ranks only).
      const one = groupDistances({ n, appearance: appearance.map(f), garment: colour, times }, opts);
      assert.deepEqual(one.articles, base.articles, `appearance alone through ${name}`);
    }
  });

  it("starts a new article at a pause much longer than the batch's usual gap, whatever the clock's scale", () => {
    // Four look-alike garments (same look, same colour: appearance cannot tell them apart), shot in bursts.
    const shots: Shot[] = ["A", "B", "C", "D"].flatMap((g) =>
      Array.from({ length: 4 }, () => ({ garment: g, look: 1, colour: 1 })),
    );
    const { vectors, garment } = vectorsOf(shots);
    const seconds = (within: number, between: number) => {
      let t = 0;
      return shots.map((s, i) => {
        if (i > 0) t += shots[i - 1]!.garment === s.garment ? within : between;
        return t;
      });
    };
    const withoutTimes = groupPhotos({ vectors, garment, times: shots.map(() => null) }, opts);
    assert.notEqual(withoutTimes.articles.length, 4, "appearance alone cannot separate them");
    // 2 s bursts and 25 s pauses: far under the old fixed 10-minute rule, yet clearly two kinds of gap.
    for (const [within, between] of [
      [2, 25],
      [20, 250],
    ] as const) {
      const r = groupPhotos({ vectors, garment, times: seconds(within, between) }, opts);
      assert.deepEqual(labelled(shots, r.articles), [
        ["A", "A", "A", "A"],
        ["B", "B", "B", "B"],
        ["C", "C", "C", "C"],
        ["D", "D", "D", "D"],
      ]);
      assert.equal(r.usedTimes, true);
      assert.equal(r.cuts.length, 3);
      for (const c of r.cuts) {
        assert.equal(c.gapSeconds, between);
        assert.match(c.because, /pause/);
      }
    }
  });

  it("attaches a close-up (a label, the fabric) to the garment whose colour it carries, not to its neighbour", () => {
    const closeUpOf = (garment: string, colour: number): Shot => ({ garment, look: 17, colour });
    for (const where of ["first", "last"] as const) {
      const c = plain(["C"], 3, 2);
      const shots: Shot[] = [
        ...plain(["A", "B"]),
        ...(where === "first" ? [closeUpOf("C", 2), ...c] : [...c, closeUpOf("C", 2)]),
        ...plain(["D", "E"], 4, 3),
      ];
      const closeUp = shots.map((s) => s.look === 17);
      const r = groupPhotos({ ...vectorsOf(shots), closeUp, times: shots.map(() => null) }, opts);
      assert.deepEqual(
        labelled(shots, r.articles),
        [
          ["A", "A", "A", "A"],
          ["B", "B", "B", "B"],
          ["C", "C", "C", "C"],
          ["D", "D", "D", "D"],
          ["E", "E", "E", "E"],
        ],
        `close-up ${where} in its garment's run`,
      );
    }
  });

  it("reads the batch's own article length: two runs of 2 alike are one garment among 4-photo garments, two among 2-photo ones", () => {
    // Designed distances: photos of one garment 0.1-0.2 apart, of two garments 1-1.3, and one pair of runs of 2
    // photos 0.9-1.1 apart. Seeded, so the batch is the same on every run. The same local pattern is read
    // against the batch's habit (learnt from its 20 articles or more).
    const batch = (size: number, garments: number, pairOfRuns: (i: number) => string) => {
      const label = Array.from({ length: size * garments }, (_, i) => Math.floor(i / size));
      const n = label.length;
      const rand = random(3);
      const appearance = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) {
          const [a, b] = [pairOfRuns(i), pairOfRuns(j)];
          const [v, wide] = a && b && a !== b ? [0.9, 0.2] : label[i] === label[j] ? [0.1, 0.1] : [1, 0.3];
          appearance[i * n + j] = appearance[j * n + i] = v + wide * (rand() + 0.5);
        }
      return { n, appearance, times: label.map(() => null), label };
    };
    const sizes = (articles: number[][], label: number[], garment: number) =>
      articles.filter((a) => a.some((i) => label[i] === garment)).map((a) => a.length);
    // 25 garments of 4 photos; garment 3 is two worn shots, then a flat shot and a detail that look like each
    // other and only loosely like the worn shots.
    const four = batch(4, 25, (i) => (i >= 12 && i < 16 ? (i < 14 ? "worn" : "odd") : ""));
    const r4 = groupDistances(four, opts);
    assert.equal(r4.method, "sequence");
    assert.deepEqual(sizes(r4.articles, four.label, 3), [4], "the odd views stay with their garment");
    assert.equal(r4.articles.length, 25);
    assert.deepEqual(
      sizes(groupDistances(four, { ...opts, sizePriorWeight: 0 }).articles, four.label, 3),
      [2, 2],
      "without the batch's size prior they would stand alone",
    );
    // 30 garments of 2 photos; garments 3 and 4 look alike, as much as the worn and odd views above.
    const two = batch(2, 30, (i) => (i >= 6 && i < 10 ? (i < 8 ? "3" : "4") : ""));
    const r2 = groupDistances(two, opts);
    assert.equal(r2.method, "sequence");
    assert.deepEqual(sizes(r2.articles, two.label, 3), [2], "the look-alike neighbours stay apart");
    assert.deepEqual(sizes(r2.articles, two.label, 4), [2]);
    assert.equal(r2.articles.length, 30);
    assert.deepEqual(
      sizes(groupDistances(two, { ...opts, sizePriorWeight: 0 }).articles, two.label, 3),
      [4],
      "without the batch's size prior they would merge",
    );
  });

  it("splits a clean batch into its garments whatever their length: 5 of 3 photos, 4 of 15, 3 of 20", () => {
    // A size prior read off a noisy fit once joined the 15 photos of 5 garments into one article (in a batch this
    // small the fitted "same garment" share ran to 1); the prior is now centred on what the evidence alone finds.
    for (const [size, garments] of [
      [3, 5],
      [15, 4],
      [20, 3],
    ] as const) {
      const label = Array.from({ length: size * garments }, (_, i) => Math.floor(i / size));
      const n = label.length;
      const rand = random(5);
      const appearance = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++)
          appearance[i * n + j] = appearance[j * n + i] =
            (label[i] === label[j] ? 0.1 : 1) + 0.2 * (rand() + 0.5);
      const r = groupDistances({ n, appearance, times: label.map(() => null) }, opts);
      assert.equal(r.method, "sequence");
      assert.deepEqual(
        r.articles.map((a) => a.map((i) => label[i])),
        Array.from({ length: garments }, (_, g) => Array<number>(size).fill(g)),
        `${garments} garments of ${size} photos`,
      );
    }
  });

  it("keeps every photo alone when each shows a different garment (no order signal)", () => {
    const shots: Shot[] = Array.from({ length: 22 }, (_, i) => ({ garment: `g${i}`, look: i, colour: i }));
    const r = groupPhotos({ ...vectorsOf(shots), times: shots.map(() => null) }, opts);
    assert.equal(r.articles.length, 22);
    assert.notEqual(r.method, "sequence");
    assert.ok(r.lowConfidence.every(Boolean), "lone photos are flagged for review");
  });

  it("explains each cut and rates each article; a doubtful join rates lower than a clean one", () => {
    const shots: Shot[] = [
      ...plain(["A", "B"]),
      { garment: "C", look: 2, colour: 2 },
      { garment: "C", look: 2, colour: 2 },
      { garment: "C", look: 2, colour: 2 },
      { garment: "C", look: [2, 19, 0.6], colour: 2 },
      ...plain(["D"], 4, 3),
    ];
    const r = groupPhotos({ ...vectorsOf(shots), times: shots.map(() => null) }, opts);
    assert.equal(r.articles.length, 4);
    assert.deepEqual(
      r.cuts.map((c) => c.at),
      [4, 8, 12],
    );
    // In a batch this small (16 photos, a fifth of all pairs inside an article) ranks leave little room between
    // "same" and "next": a clean boundary sits near the cut rather than far over it, and says which test cut it.
    for (const c of r.cuts) {
      assert.ok(c.distance > 0.75, `a cut sits near or over the batch's cut: ${c.distance}`);
      assert.match(c.because, c.distance > 1 ? /looks unlike the previous photo/ : /taken together/);
    }
    // The same batch with C's odd photo replaced by a plain one: C is the same article, rated surer.
    const clean = shots.map((s, i) => (i === 11 ? { ...s, look: 2 } : s));
    const c = groupPhotos({ ...vectorsOf(clean), times: clean.map(() => null) }, opts);
    assert.deepEqual(c.articles, r.articles);
    assert.ok(r.confidence[2]! < c.confidence[2]!, "the article with an odd photo is the doubtful one");
  });
});

describe("order-free grouping (shuffled names, no capture times)", () => {
  /** A seeded permutation: the order of a shuffled folder. */
  function shuffle<T>(xs: T[], seed: number): T[] {
    const rand = random(seed);
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor((rand() + 0.5) * (i + 1)) % (i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** Sixteen garments of 3-4 views; garment "g3" has a flat shot that looks unlike its worn shots. */
  function batch(): Shot[] {
    const sizes = [4, 3, 4, 3, 4, 3, 3, 4, 4, 3, 4, 3, 4, 3, 4, 4];
    const shots = sizes.flatMap((size, k) =>
      Array.from({ length: size }, (): Shot => ({ garment: `g${k}`, look: k, colour: k })),
    );
    shots.push({ garment: "g3", look: [3, 20, 0.6], colour: 3 });
    return shuffle(shots, 5);
  }

  const byGarment = (shots: Shot[], articles: number[][]) =>
    labelled(shots, articles)
      .map((a) => a.join(","))
      .sort();
  const truth = (shots: Shot[]) => {
    const m = new Map<string, string[]>();
    for (const s of shots) m.set(s.garment, [...(m.get(s.garment) ?? []), s.garment]);
    return [...m.values()].map((a) => a.join(",")).sort();
  };

  it("groups a shuffled batch into its garments, a flat shot with its worn shots, and says why", () => {
    const shots = batch();
    const r = groupPhotos({ ...vectorsOf(shots), times: shots.map(() => null) }, opts);
    assert.equal(r.method, "agglomerative", "no order signal: the order-free grouping ran");
    assert.deepEqual(byGarment(shots, r.articles), truth(shots));
    assert.equal(r.orderFree?.joined, true);
    assert.match(r.because ?? "", /^grouped without order: the order carries no signal/);
    assert.ok(
      r.lowConfidence.some((low) => !low),
      "clean articles are not flagged",
    );
  });

  it("keeps a shuffled batch of different garments alone, look-alike colourways included", () => {
    // 60 garments, each its own random look and colour (64 dimensions, so no two share a direction), except five
    // styles shot in two colourways each (one look, two colours).
    const rand = random(11);
    const direction = () => normalize(new Float32Array(64).map(() => rand()));
    const looks = Array.from({ length: 55 }, direction);
    const vectors = Array.from({ length: 60 }, (_, i) => looks[i < 10 ? Math.floor(i / 2) : i - 5]!);
    const garment = Array.from({ length: 60 }, direction);
    const r = groupPhotos({ vectors, garment, times: vectors.map(() => null) }, opts);
    assert.equal(r.articles.length, 60, "no two garments share an article");
    assert.equal(r.orderFree?.joined, false);
    assert.match(r.because ?? "", /each photo is its own article/);
    assert.ok(r.lowConfidence.every(Boolean), "lone photos are flagged for review");
  });

  it("never joins two photos in the same pose in another colour", () => {
    // 15 garments of 4 photos and three colourways of one style, one photo each in one pose (madison-multiview's
    // msj006c), in a shuffled order. A designed distance: a garment's photos 0.1-0.2 apart, other garments
    // 0.8-1, and the colourways as close as one garment's photos: only "same pose, another colour" tells them
    // apart.
    const rand = random(3);
    const label = shuffle(
      [...Array.from({ length: 60 }, (_, i) => `g${Math.floor(i / 4)}`), "khaki", "red", "blue"],
      4,
    );
    const n = label.length;
    const alike = (g: string) => (["khaki", "red", "blue"].includes(g) ? "style" : g);
    const d = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const v = alike(label[i]!) === alike(label[j]!) ? 0.15 + 0.1 * rand() : 0.9 + 0.2 * rand();
        d[i * n + j] = v;
        d[j * n + i] = v;
      }
    const times = label.map(() => null);
    const colourways = (articles: number[][]) =>
      articles.map((a) => a.filter((i) => alike(label[i]!) === "style").length);
    const joined = groupDistances({ n, appearance: d, times }, opts);
    assert.equal(joined.method, "agglomerative");
    assert.ok(Math.max(...colourways(joined.articles)) > 1, "without the pose test the colourways join");
    const [k, r, b] = ["khaki", "red", "blue"].map((g) => label.indexOf(g)) as [number, number, number];
    const apart: [number, number][] = [
      [k, r],
      [k, b],
      [r, b],
    ];
    const kept = groupDistances({ n, appearance: d, times, apart }, opts);
    assert.deepEqual(
      kept.articles.map((a) => a.map((i) => label[i]).join(",")).sort(),
      [...new Set(label)].map((g) => label.filter((x) => x === g).join(",")).sort(),
      "every garment whole, each colourway its own article",
    );
  });

  it("gives the same articles under any monotone change of the distances", () => {
    const shots = batch();
    const { vectors, garment } = vectorsOf(shots);
    const n = shots.length;
    const times = shots.map(() => null);
    const d = combinedDistances(
      { n, appearance: distanceMatrix(vectors), garment: distanceMatrix(garment), times },
      opts.colorWeight,
    );
    const base = groupDistances({ n, appearance: d, times }, opts);
    assert.deepEqual(byGarment(shots, base.articles), truth(shots));
    for (const f of [
      (x: number) => Math.sqrt(x),
      (x: number) => x ** 3 * 50,
      (x: number) => Math.exp(4 * x) - 1,
    ]) {
      const r = groupDistances({ n, appearance: d.map(f), times }, opts);
      assert.deepEqual(r.articles, base.articles);
      assert.deepEqual(r.confidence, base.confidence);
    }
  });
});

describe("batch-relative evidence", () => {
  it("ranks pairs by value, ties sharing their mean rank, negative values and zeros included", () => {
    const n = 9;
    const rand = random(5);
    const pool = [-3.5, -1e-300, -0, 0, 1e-300, 0.25, 0.25, 7, 1e9, -2e9];
    const d = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const v = rand() < 0 ? pool[Math.floor((rand() + 0.5) * pool.length)]! : rand() * 4;
        d[i * n + j] = v;
        d[j * n + i] = v;
      }
    const r = pairRanks(d, n);
    const values: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) values.push(d[i * n + j]!);
    const m = values.length;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const v = d[i * n + j]!;
        const below = values.filter((x) => x < v).length;
        const equal = values.filter((x) => x === v).length;
        assert.equal(r[i * n + j], (below + (equal - 1) / 2 + 0.5) / m, `rank of ${v}`);
        assert.equal(r[j * n + i], r[i * n + j]);
      }
  });

  it("reads a flat shot's colours inside the worn shot of its garment, not inside another colourway's", () => {
    // Histograms over 6 colour bins, stored as garmentHistogram stores them (square roots, unit length).
    const hist = (counts: number[]) => normalize(Float32Array.from(counts.map(Math.sqrt)));
    const [RED, PINK, JEANS, SKIN] = [0, 1, 2, 3];
    const of = (parts: [number, number][]) => {
      const c = [0, 0, 0, 0, 0, 0];
      for (const [bin, share] of parts) c[bin] = share;
      return hist(c);
    };
    const flatRed = of([[RED, 1]]);
    const wornRed = of([
      [RED, 0.25],
      [JEANS, 0.45],
      [SKIN, 0.3],
    ]);
    const wornPink = of([
      [PINK, 0.25],
      [JEANS, 0.45],
      [SKIN, 0.3],
    ]);
    const cos = distanceMatrix([flatRed, wornRed, wornPink]);
    const cover = containmentMatrix([flatRed, wornRed, wornPink]);
    // The cosine finds the two worn colourways closer than the flat shot and the worn shot of one garment...
    assert.ok(cos[1 * 3 + 2]! < cos[0 * 3 + 1]!);
    // ...containment reads it the other way round.
    assert.ok(cover[0 * 3 + 1]! < 0.1, `flat red inside worn red: ${cover[1]}`);
    assert.ok(cover[1 * 3 + 2]! > 0.2, `pink is not inside red: ${cover[5]}`);
    assert.equal(cover[0 * 3 + 2], 1, "nothing red in the pink one");
  });

  it("finds two modes with a valley in bursts and pauses, and none in a flat spread", () => {
    const rand = random(3);
    const flat = Array.from({ length: 300 }, () => Math.exp(Math.log(20) + Math.log(15) * (rand() + 0.5)));
    const two = flat.map((x, i) => (i % 4 === 0 ? x : 3 + 4 * (rand() + 0.5)));
    const a = fitLogMixture(two)!;
    const b = fitLogMixture(flat)!;
    assert.ok(a.separation >= 2 && a.dip < 0.5, `bursts and pauses: D ${a.separation}, dip ${a.dip}`);
    assert.ok(b.dip > 0.5, `a flat spread has no valley: dip ${b.dip}`);
    assert.ok(a.boundary > 7 && a.boundary < 20, `the boundary falls between the modes: ${a.boundary}`);
    const scaled = fitLogMixture(two.map((x) => x * 60))!;
    assert.ok(
      Math.abs(scaled.boundary / 60 - a.boundary) < 1e-6 * a.boundary,
      "minutes or seconds: same cut",
    );
  });

  it("groups a small batch shot in order: 3 garments of 4 photos, 2 of 6, 4 of 3 (12 photos each)", () => {
    // A seller's small batch: a dozen photos is too few for a 4-sd excess of close consecutive pairs, but not for
    // an order score read against a random order of the same photos (orderScore).
    for (const [names, size] of [
      [["A", "B", "C"], 4],
      [["A", "B"], 6],
      [["A", "B", "C", "D"], 3],
    ] as const) {
      const shots = plain([...names], size);
      const r = groupPhotos({ ...vectorsOf(shots), times: shots.map(() => null) }, opts);
      assert.equal(r.method, "sequence", `${names.length} x ${size}`);
      assert.deepEqual(
        labelled(shots, r.articles),
        names.map((g) => Array(size).fill(g)),
      );
    }
  });

  it("keeps 12 different garments in order apart, one article each, whatever their order", () => {
    // Every photo a different garment (a seller's one-shot listings): no order to read, nothing to join.
    const shots = plain(["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"], 1);
    const r = groupPhotos({ ...vectorsOf(shots), times: shots.map(() => null) }, opts);
    assert.equal(r.articles.length, 12);
    assert.equal(r.method, "agglomerative");
  });

  it("sees order signal in a shooting order and none in a shuffled one", () => {
    const shots = plain(["A", "B", "C", "D", "E", "F"]);
    const d = distanceMatrix(vectorsOf(shots).vectors);
    const n = shots.length;
    assert.ok(orderScore(d, n) > DEFAULTS.grouping.orderExcess);
    const order = [0, 5, 10, 15, 20, 1, 6, 11, 16, 21, 2, 7, 12, 17, 22, 3, 8, 13, 18, 23, 4, 9, 14, 19];
    const shuffled = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) shuffled[i * n + j] = d[order[i]! * n + order[j]!]!;
    assert.ok(orderScore(shuffled, n) < DEFAULTS.grouping.orderExcess);
  });
});
