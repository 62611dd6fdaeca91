import { DEFAULTS } from "../core/defaults.js";
import { kmeans } from "./kmeans.js";
import { type LabSample, rgbToLab, sampleLab } from "./lab.js";
import { XKCD_COLORS } from "./xkcd-colors.js";

/** The colour names vbulk uses (French, as Vinted France shows them): the spec's 12, the words a listing shows. */
export const COLOR_NAMES = [
  "noir",
  "blanc",
  "gris",
  "bleu",
  "rouge",
  "vert",
  "jaune",
  "beige",
  "marron",
  "rose",
  "violet",
  "orange",
] as const;
export type ColorName = (typeof COLOR_NAMES)[number];

/**
 * Other ways sellers write a colour: in English (the words the English templates show) and as French agrees it
 * with a feminine or plural garment ("noire", "blanches"). Files and flags store the French name; these are only
 * read (src/core/vocab.ts vocabulary).
 */
export const COLOR_WORDS: Readonly<Record<ColorName, readonly string[]>> = {
  noir: ["black", "noire", "noirs", "noires"],
  blanc: ["white", "blanche", "blancs", "blanches"],
  gris: ["grey", "gray", "grise", "grises"],
  bleu: ["blue", "bleue", "bleus", "bleues"],
  rouge: ["red", "rouges"],
  vert: ["green", "verte", "verts", "vertes"],
  jaune: ["yellow", "jaunes"],
  beige: ["beiges"],
  marron: ["brown"],
  rose: ["pink", "roses"],
  violet: ["purple", "violette", "violets", "violettes"],
  orange: [],
};

/**
 * Vinted's finer colours that refine one of the 12 (../shared/vinted.md lists their ids): proposed only when the
 * evidence is clear, shown to Vinted as their own colour while the listing's words keep the base name.
 */
export const SHADE_NAMES = [
  "marine",
  "bleu-clair",
  "turquoise",
  "kaki",
  "vert-fonce",
  "bordeaux",
  "creme",
  "moutarde",
  "argente",
  "dore",
] as const;
export type ShadeName = (typeof SHADE_NAMES)[number];

/**
 * The xkcd survey's colour words → vbulk's names. The survey's participants named colour patches freely; the last
 * word of a name is what the colour is ("dusty rose" is a rose, "greenish blue" a blue). Words that are not a
 * garment colour a buyer would use (and compounds like "blue/green") are left out, so their patches do not vote.
 * The band between blue and green the survey calls teal, turquoise, aqua or cyan is green: clothing sells it as
 * mint, jade, sage or teal green (Vinted files mint under green, Menthe), and on hm-colour-dev and
 * madison-multiview every garment photographed in that band is labelled green, none blue (named blue, 5 of them
 * were wrong: hm-colour-dev 74.2% → 75.3%, madison-multiview garments 77.0% unchanged).
 */
const WORD_TO_NAME: Record<string, ColorName> = Object.fromEntries(
  (
    [
      ["noir", "black"],
      ["blanc", "white eggshell ivory cream creme ecru parchment"],
      ["gris", "grey greyish charcoal slate steel gunmetal cement silver bluegrey stone mushroom putty"],
      [
        "bleu",
        "blue navy cerulean cobalt sapphire azure azul ultramarine denim cornflower sky ocean sea marine petrol twilight dusk midnight royal blueberry lightblue darkblue greyblue bluish periwinkle perrywinkle ice",
      ],
      [
        "violet",
        "purple violet lilac liliac lavender lavendar plum eggplant aubergine amethyst orchid heliotrope wisteria grape heather mauve urple purply purpley purpleish purplish burple blurple barney indigo iris",
      ],
      [
        "rose",
        "pink rose magenta fuchsia salmon coral blush bubblegum carnation watermelon pinky pinkish rosa cerise",
      ],
      [
        "rouge",
        "red crimson scarlet cherry blood ruby tomato vermillion carmine cranberry wine burgundy bordeaux maroon claret merlot reddish strawberry raspberry lipstick rouge mulberry",
      ],
      ["orange", "orange tangerine pumpkin apricot peach mango melon squash orangish orangeish orangered "],
      [
        "jaune",
        "yellow lemon banana butter canary sunflower dandelion maize mustard gold golden goldenrod straw custard cheese amber marigold saffron yellowish manilla ochre ocre ocher",
      ],
      [
        "vert",
        "teal tealish turquoise aqua cyan aquamarine green lime olive seafoam sage mint apple pea pear pistachio grass leaf moss fern shamrock emerald jade forest pine spruce evergreen avocado asparagus kiwi celery celadon lichen algae seaweed swamp camo khaki chartreuse wintergreen spearmint viridian drab lightgreen darkgreen yellowgreen",
      ],
      ["beige", "beige tan taupe toupe camel fawn buff wheat sand sandy sandstone desert dust bland"],
      [
        "marron",
        "brown rust terracotta terracota cotta copper adobe brick umber sienna siena chocolate coffee cocoa mocha chestnut hazel auburn russet mahogany caramel cinnamon leather mud dirt earth bronze sepia brownish clay puce",
      ],
    ] as [ColorName, string][]
  ).flatMap(([name, words]) => words.split(" ").map((w) => [w, name])),
);

/** Which xkcd names are one of Vinted's finer colours (and of which base they are a shade). */
const SHADE_RULES: [ShadeName, ColorName, RegExp][] = [
  ["marine", "bleu", /navy|midnight|^(dark|deep|marine) ?blue$|^marine$|^darkblue$/],
  [
    "bleu-clair",
    "bleu",
    /^(light|pale|baby|sky|powder|ice|very light|very pale|pastel|light sky) ?blue$|^sky$|^ice$|^lightblue$/,
  ],
  ["turquoise", "vert", /turquoise|teal|aqua|cyan/],
  ["kaki", "vert", /khaki|olive|drab|camo|army/],
  [
    "vert-fonce",
    "vert",
    /^(dark|deep|forest|bottle|hunter|racing|pine|evergreen|darkgreen) ?green$|^forest$|^spruce$|^evergreen$|^pine$/,
  ],
  ["bordeaux", "rouge", /burgundy|bordeaux|wine|maroon|claret|merlot/],
  ["creme", "blanc", /cream|creme|ivory|eggshell|ecru|off ?white|parchment/],
  ["moutarde", "jaune", /mustard|ochre|ocre|ocher/],
  // Silver and gold (argenté, doré) are metallic finishes: a photo's colour cannot tell gold from mustard (on
  // hm-colour-dev "gold" came out for 3 plain yellow garments), so they are left to the seller.
];

interface Reference {
  word: string;
  name: ColorName;
  shade: ShadeName | null;
  lab: [number, number, number];
}

/**
 * Whole xkcd names that a garment's colour word does not follow: a pale or light tint of peach is what clothing
 * calls beige (nude, oatmeal, ecru), not orange; the survey's "light peach" #ffd8b1 and "pale peach" #ffe5ad are the
 * nearest patches of every oatmeal, ivory-beige and sand garment once its chroma is stretched (madison-multiview's
 * oatmeal henley, ivory dress and trousers were named orange).
 */
const NAME_TO_NAME: Record<string, ColorName> = { "light peach": "beige", "pale peach": "beige" };

/**
 * The survey's patches vbulk names colours by: every xkcd name whose last word is a garment colour (less the
 * duplicates of a basic word's patch), and the neutral axis. Built on first use (about 20 ms: a re-run from cache names no colour, so it does not pay for it).
 */
export function colorReferences(): readonly Reference[] {
  references ??= build();
  return references;
}
let references: readonly Reference[] | undefined;

function build(): Reference[] {
  // SURVEY..AXIS keep their names from when they were module constants (the comments below refer to them).
  const SURVEY: Reference[] = XKCD_COLORS.flatMap(([word, hex]) => {
    if (/[/]/.test(word)) return [];
    const name = NAME_TO_NAME[word] ?? WORD_TO_NAME[word.split(" ").at(-1)!];
    if (!name) return [];
    const n = Number.parseInt(hex.slice(1), 16);
    const shade = SHADE_RULES.find(([, base, re]) => base === name && re.test(word))?.[0] ?? null;
    return [{ word, name, shade, lab: rgbToLab((n >> 16) & 255, (n >> 8) & 255, n & 255) }];
  });

  /** The survey's own patch for each basic colour word ("white", "grey", "red", ...). */
  const BASIC_PATCHES = SURVEY.filter((r) => WORD_TO_NAME[r.word] === r.name && !r.word.includes(" "));

  /**
   * Every xkcd name whose last word is a garment colour, except a patch that is the same colour as a basic word's
   * own patch under another name (ΔE < 3: "pale grey" #fdfdfe is
   * white's #ffffff; left in, it and the greys around outvoted white for every white shirt).
   */
  const KEPT = SURVEY.filter(
    (r) =>
      !BASIC_PATCHES.some(
        (b) =>
          b.name !== r.name && Math.hypot(r.lab[0] - b.lab[0], r.lab[1] - b.lab[1], r.lab[2] - b.lab[2]) < 3,
      ),
  );

  /**
   * The neutral axis, every 2.5 L, named like the survey's nearest pure neutral patch (black, dark grey, grey, light
   * grey, silver, white: chroma under 4). The survey has one white and two blacks among dozens of pale blues and
   * lilacs, so a white shirt's faint cast was outvoted by them; neutrals are a line, and the line votes.
   */
  const NEUTRALS = KEPT.filter(
    (r) => ["noir", "gris", "blanc"].includes(r.name) && Math.hypot(r.lab[1], r.lab[2]) < 4,
  );
  const AXIS: Reference[] = Array.from({ length: 41 }, (_, k) => {
    const L = k * 2.5;
    const near = [...NEUTRALS].sort((x, y) => Math.abs(x.lab[0] - L) - Math.abs(y.lab[0] - L))[0]!;
    return {
      word: `neutral L ${L}`,
      name: near.name,
      shade: null,
      lab: [L, 0, 0] as [number, number, number],
    };
  });

  return [...KEPT, ...AXIS];
}

/**
 * How a photographed colour is put on the survey's scale before it is named, and how the survey's colours vote
 * (DEFAULTS.color says why each value).
 */
export interface ColorNaming {
  photoBlackL: number;
  photoWhiteL: number;
  chromaGain: number;
  chromaExponent: number;
  hueSpread: number;
  hueSpreadCool: number;
  hueCentre: number;
  lightnessWeight: number;
  neighbours: number;
  salienceChroma: number;
  backdropWhiteMargin: number;
}

/**
 * Names how a photo's colour was computed: stored with each photo's colour in the cache, so a change of the naming
 * (this version) or of its settings recomputes the colours cached before (like GARMENT_FEATURE_ID).
 */
export function colorVersion(settings: object): string {
  const values = settings as Record<string, unknown>;
  return `${COLOR_VERSION}:${Object.keys(values)
    // The model's vote is applied per article, after the photos' colours: changing it recomputes no photo.
    .filter((k) => !ARTICLE_ONLY.has(k))
    .sort()
    .map((k) => `${k}=${values[k]}`)
    .join(",")}`;
}

/** Colour settings read per article (ArticleColorVote), not per photo: not part of a photo colour's version. */
const ARTICLE_ONLY = new Set(["modelVoteWeight", "modelVoteMinShare"]);

/** Bumped whenever the naming code changes what it says for the same pixels. */
const COLOR_VERSION = "xkcd-8";

export interface NamedColor {
  name: ColorName;
  /** A finer Vinted colour when most neighbours agree on it, else null. */
  shade: ShadeName | null;
  /** Share of the neighbours' vote the name won, 0..1. */
  agreement: number;
}

/**
 * CIE whiteness (CIE 15:2004, D65): W = Y + 800(xn − x) + 1700(yn − y), tint T = 900(xn − x) − 650(yn − y). The
 * standard's formula holds for "commercially white" samples, those with 40 < W < 5Y − 280 and −4 < T < 2: inside
 * that range a sample is white, and a faint blue cast raises W (fabric whiteners exist because a slightly blue white
 * looks whiter). The survey alone named such whites (L 85, a 2, b −8 on hm-colour-dev) blue: its screen whites are
 * neutral and its very pale blues sit right there. Y is read on the survey's scale (photoBlackL..photoWhiteL).
 */
export function isCommercialWhite(
  L: number,
  a: number,
  b: number,
  naming: ColorNaming = DEFAULTS.color,
): boolean {
  const Ls = Math.min(
    100,
    Math.max(0, ((L - naming.photoBlackL) / (naming.photoWhiteL - naming.photoBlackL)) * 100),
  );
  const fy = (Ls + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const inv = (t: number) => (t ** 3 > 216 / 24389 ? t ** 3 : (116 * t - 16) / (24389 / 27));
  const X = 95.047 * inv(fx);
  const Y = 100 * inv(fy);
  const Z = 108.883 * inv(fz);
  const s = X + Y + Z;
  if (s <= 0) return false;
  const x = X / s;
  const y = Y / s;
  const W = Y + 800 * (0.3127 - x) + 1700 * (0.329 - y);
  const T = 900 * (0.3127 - x) - 650 * (0.329 - y);
  return W > 40 && W < 5 * Y - 280 && T > -4 && T < 2;
}

/**
 * Names a Lab colour by the xkcd survey: the photographed colour is put on the survey's scale (lightness between a
 * photographed black and white, chroma stretched, hue spread), then the nearest survey colours vote for their
 * name, weighted by closeness.
 */
export function describeColor(
  L: number,
  a: number,
  b: number,
  naming: ColorNaming = DEFAULTS.color,
): NamedColor {
  const { photoBlackL, photoWhiteL, chromaGain, lightnessWeight, neighbours } = naming;
  if (isCommercialWhite(L, a, b, naming)) return { name: "blanc", shade: null, agreement: 1 };
  // Chroma is stretched by chromaGain at C 10 and by less above (C^chromaExponent): a dull fabric needs a large
  // stretch to reach the screen patch named like it, a vivid one a small one. Hues are spread away from red
  // (hueCentre) by up to hueSpread degrees towards yellow, hueSpreadCool towards blue: photographed hues sit
  // nearer red than the survey's names.
  const C0 = Math.hypot(a, b);
  if (C0 > 1e-6) {
    const k = (chromaGain * 10 * (C0 / 10) ** naming.chromaExponent) / C0;
    const h = Math.atan2(b, a);
    const side = Math.sin(h - (naming.hueCentre * Math.PI) / 180);
    const t = ((side < 0 ? naming.hueSpreadCool : naming.hueSpread) * side * Math.PI) / 180;
    const a0 = a;
    a = k * (a0 * Math.cos(t) - b * Math.sin(t));
    b = k * (a0 * Math.sin(t) + b * Math.cos(t));
  }
  L = Math.min(100, Math.max(0, ((L - photoBlackL) / (photoWhiteL - photoBlackL)) * 100));
  const near: { r: Reference; d: number }[] = [];
  for (const r of colorReferences()) {
    const d = Math.sqrt(lightnessWeight * (L - r.lab[0]) ** 2 + (a - r.lab[1]) ** 2 + (b - r.lab[2]) ** 2);
    if (near.length < neighbours || d < near[near.length - 1]!.d) {
      near.push({ r, d });
      near.sort((x, y) => x.d - y.d);
      if (near.length > neighbours) near.pop();
    }
  }
  const votes = new Map<ColorName, number>();
  const shades = new Map<ShadeName, number>();
  let total = 0;
  for (const { r, d } of near) {
    const w = 1 / (1 + d);
    total += w;
    votes.set(r.name, (votes.get(r.name) ?? 0) + w);
    if (r.shade) shades.set(r.shade, (shades.get(r.shade) ?? 0) + w);
  }
  const [name, v] = [...votes].sort((x, y) => y[1] - x[1])[0]!;
  const top = [...shades].sort((x, y) => y[1] - x[1])[0];
  const shade = top && top[1] >= 0.6 * total && SHADE_BASE[top[0]] === name ? top[0] : null;
  return { name, shade, agreement: v / total };
}

const SHADE_BASE = Object.fromEntries(SHADE_RULES.map(([s, base]) => [s, base])) as Record<
  ShadeName,
  ColorName
>;

/** Names a Lab colour as one of the 12 (see describeColor). */
export function nameColor(L: number, a: number, b: number): ColorName {
  return describeColor(L, a, b).name;
}

export interface DominantColor {
  name: ColorName;
  /** Share of the garment's weight that the winning colour holds, 0..1. */
  score: number;
  lab: [number, number, number];
  /** A finer Vinted colour when the evidence is clear. */
  shade?: ShadeName | null;
  /** A second colour holding a large share of the garment (a two-colour garment), or none. */
  second?: { name: ColorName; score: number } | null;
  /** Share of the garment's weight per colour name (the names the photo's colour clusters were given). */
  shares?: Partial<Record<ColorName, number>>;
}

/**
 * Skin as photographed, every complexion: a box set by hand (L 35-85, hue angle 25-75 degrees, chroma 8-40) around
 * where skin sits in CIELAB. Spectrophotometer studies across ethnic groups (Weatherall and Coombs, J Invest
 * Dermatol 1992; Xiao et al., "Characterising the variations in ethnic skin colours", 2017) put skin in the
 * orange-red hue quadrant, overlapping between groups and differing mostly in lightness and yellowness; the bounds
 * here were not taken from their tables. Beige, camel and tan garments fall inside too: they only lose the
 * salience bonus.
 */
export function isSkinTone(L: number, a: number, b: number): boolean {
  const C = Math.hypot(a, b);
  const h = (Math.atan2(b, a) * 180) / Math.PI;
  return L > 35 && L < 85 && C > 8 && C < 40 && h > 25 && h < 75;
}

/** A second colour is proposed only when it and the main colour each hold this share of the garment's area (its
 *  pixels, before the salience weight): less is trim, a logo or shading.
 *  Measured on hm-colour-dev (360 solid garments, so every second colour is wrong): 0.3 proposes one for 13%,
 *  0.4 for 5%. */
const SECOND_SHARE = 0.45;

/**
 * Dominant garment colour of one photo: k-means in Lab over the garment-weighted pixels (the border colour,
 * i.e. floor or bed, weighs little), clusters named by the xkcd survey and pooled by name, the heaviest name
 * wins; a second name holding a large share is the garment's second colour. Deterministic (fixed seed).
 */
export function dominantColor(
  sample: LabSample,
  clusters: number,
  naming: ColorNaming = DEFAULTS.color,
): DominantColor {
  const n = sample.size * sample.size;
  let maxW = 0;
  for (let i = 0; i < n; i++) maxW = Math.max(maxW, sample.weight[i]!);
  const points: number[][] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = sample.weight[i]!;
    if (w < 0.3 * maxW) continue;
    points.push([sample.lab[i * 3]!, sample.lab[i * 3 + 1]!, sample.lab[i * 3 + 2]!]);
    weights.push(w);
  }
  if (points.length < clusters) {
    return { name: "gris", score: 0, lab: [50, 0, 0], shade: null, second: null };
  }
  const result = kmeans(points, clusters, { seed: 42, initialization: "kmeans++", maxIterations: 50 });
  const mass = new Array<number>(clusters).fill(0);
  result.clusters.forEach((c, i) => {
    mass[c] = mass[c]! + weights[i]!;
  });
  // A coloured area draws the eye, and product photos are styled so that it does: the piece for sale is worn with
  // neutral or denim basics (black trousers, jeans, a white tee). So a cluster weighs more the more chromatic it is,
  // (1 + C / salienceChroma), except skin, which every worn photo shows and which is not the product.
  const area = [...mass];
  const areaTotal = area.reduce((a, b) => a + b, 0) || 1;
  result.centroids.forEach((c, k) => {
    if (!isSkinTone(c[0] ?? 50, c[1] ?? 0, c[2] ?? 0))
      mass[k] = mass[k]! * (1 + Math.hypot(c[1] ?? 0, c[2] ?? 0) / naming.salienceChroma);
  });
  const total = mass.reduce((a, b) => a + b, 0) || 1;
  // Clusters with the same name (navy and its shadow) pool their weight: the garment's colour, not its shading.
  const byName = new Map<ColorName, { mass: number; area: number; top: number; shade: ShadeName | null }>();
  result.centroids.forEach((c, k) => {
    const named = describeColor(c[0] ?? 50, c[1] ?? 0, c[2] ?? 0, naming);
    const prev = byName.get(named.name);
    if (!prev) byName.set(named.name, { mass: mass[k]!, area: area[k]!, top: k, shade: named.shade });
    else {
      const heavier = mass[k]! > mass[prev.top]!;
      byName.set(named.name, {
        mass: prev.mass + mass[k]!,
        area: prev.area + area[k]!,
        top: heavier ? k : prev.top,
        shade: heavier ? named.shade : prev.shade,
      });
    }
  });
  const ranked = [...byName].sort((x, y) => y[1].mass - x[1].mass);
  const [name, best] = ranked[0]!;
  const runner = ranked[1];
  const centroid = result.centroids[best.top] ?? [50, 0, 0];
  const shares: Partial<Record<ColorName, number>> = {};
  for (const [n, v] of ranked) shares[n] = Math.round((1000 * v.mass) / total) / 1000;
  return {
    name,
    shares,
    score: best.mass / total,
    lab: [centroid[0] ?? 50, centroid[1] ?? 0, centroid[2] ?? 0],
    shade: best.shade,
    second:
      runner && runner[1].area / areaTotal >= SECOND_SHARE && best.area / areaTotal >= SECOND_SHARE
        ? { name: runner[0], score: runner[1].area / areaTotal }
        : null,
  };
}

export interface ArticleColor {
  name: ColorName;
  /** Share of the photos' vote the colour won (with the model's vote: its share of the combined vote). */
  score: number;
  /** The model's own top colour and its probability, when a model voted. */
  model?: { name: ColorName; score: number };
  /** A finer Vinted colour when most of the photos agree on it. */
  shade: ShadeName | null;
  /** The garment's second colour when most photos see it. */
  second: ColorName | null;
}

/**
 * A model's opinion on the article's colour (CLIP zero-shot over colour prompts naming the article's category:
 * "a photo of a white shirt"): its probability per colour name, and how much it counts.
 */
export interface ArticleColorVote {
  probs: Partial<Record<ColorName, number>>;
  /** The model's probabilities are raised to this power before they multiply the photos' shares: 0 ignores
   *  the model, 1 trusts it as much as the pixels (DEFAULTS.color.modelVoteWeight). */
  weight: number;
  /** Only a colour holding at least this share of the photos' vote can win (DEFAULTS.color.modelVoteMinShare). */
  minShare: number;
}

/**
 * The article's colour: the photos' votes weighted by their scores; ties go to the first photo's colour.
 * With a model's vote, the pixels propose and the model chooses: among the colours the photos show enough of,
 * the one with the largest share × model probability^weight wins (two independent opinions multiplied). The model
 * settles which garment of a worn outfit is the product and neighbouring shades; it cannot name a colour the
 * photos do not show.
 */
export function articleColor(colors: DominantColor[], vote?: ArticleColorVote): ArticleColor {
  const votes = new Map<ColorName, number>();
  let total = 0;
  if (colors.length > 0 && colors.every((c) => c.shares)) {
    // Each photo spreads one vote over every colour it holds: the colour the article's photos share wins over one
    // photo's other garment (the trousers under the jacket in a full-length shot).
    for (const c of colors)
      for (const [name, v] of Object.entries(c.shares!) as [ColorName, number][]) {
        votes.set(name, (votes.get(name) ?? 0) + v);
        total += v;
      }
  } else
    for (const c of colors) {
      const w = Math.max(0.05, c.score);
      votes.set(c.name, (votes.get(c.name) ?? 0) + w);
      total += w;
    }
  let best: ColorName = colors[0]?.name ?? "gris";
  for (const [name, v] of votes) if (v > (votes.get(best) ?? 0)) best = name;
  let score = total > 0 ? (votes.get(best) ?? 0) / total : 0;
  let model: ArticleColor["model"];
  if (vote && total > 0) {
    const ranked = (Object.entries(vote.probs) as [ColorName, number][]).sort((x, y) => y[1] - x[1]);
    if (ranked[0]) model = { name: ranked[0][0], score: ranked[0][1] };
    const combined = [...votes]
      .filter(([, v]) => v / total >= vote.minShare)
      .map(([name, v]) => [name, (v / total) * (vote.probs[name] ?? 0) ** vote.weight] as const);
    const sum = combined.reduce((a, [, c]) => a + c, 0);
    if (vote.weight > 0 && combined.length > 1 && sum > 0) {
      const [name, c] = [...combined].sort((x, y) => y[1] - x[1])[0]!;
      best = name;
      score = c / sum;
    }
  }
  const ofBest = colors.filter((c) => c.name === best);
  const shadeVotes = new Map<ShadeName, number>();
  for (const c of ofBest) if (c.shade) shadeVotes.set(c.shade, (shadeVotes.get(c.shade) ?? 0) + 1);
  const shade = [...shadeVotes].find(([, v]) => v > ofBest.length / 2)?.[0] ?? null;
  const secondVotes = new Map<ColorName, number>();
  for (const c of colors)
    if (c.second && c.second.name !== best)
      secondVotes.set(c.second.name, (secondVotes.get(c.second.name) ?? 0) + 1);
  // A colour another photo called the main one also counts: the same two-colour garment seen from another side.
  for (const c of colors) if (c.name !== best) secondVotes.set(c.name, (secondVotes.get(c.name) ?? 0) + 0.5);
  const second = [...secondVotes].find(([, v]) => v > colors.length / 2)?.[0] ?? null;
  return { name: best, score, shade, second, ...(model ? { model } : {}) };
}

/** A backdrop anchors white only when it is a light neutral (a studio paper or wall, not a floor or a bed): its
 *  median L at least this... */
const BACKDROP_MIN_L = 50;
/** ...and its chroma under this (hm-colour-dev's grey papers read b +3 to +4; a beige floor reads chroma 10+). */
const BACKDROP_MAX_CHROMA = 6;

/**
 * The photo's backdrop: the median Lab of the sample's border ring (sampleLab's), or null when the border is not
 * a light neutral backdrop (a close-up, where the border is the garment; a coloured or dark floor).
 */
function lightBackdrop(sample: LabSample): [number, number, number] | null {
  if (sample.closeUp || !sample.borderMedian) return null;
  const [L, a, b] = sample.borderMedian;
  return L >= BACKDROP_MIN_L && Math.hypot(a, b) < BACKDROP_MAX_CHROMA ? [L, a, b] : null;
}

/**
 * The naming settings for one photo: white is anchored to the photo's backdrop. Lightness is judged against the
 * lightest large surface in view (Gilchrist et al., "An anchoring theory of lightness perception", Psychological
 * Review 1999: the highest luminance looks white), so on a backdrop darker than the usual white studio paper a
 * garment as light as the backdrop is white (photoWhiteL lowered to the backdrop's L + backdropWhiteMargin). A
 * backdrop lighter than photoWhiteL changes nothing: the calibration was measured on white backdrops.
 */
export function anchoredNaming<T extends ColorNaming>(sample: LabSample, naming: T): T {
  const backdrop = lightBackdrop(sample);
  if (!backdrop) return naming;
  const white = backdrop[0] + naming.backdropWhiteMargin;
  return white < naming.photoWhiteL ? { ...naming, photoWhiteL: white } : naming;
}

/** The colour settings a photo's colour depends on (the config's `color` section). */
export type PhotoColorSettings = ColorNaming & {
  sampleSize: number;
  backgroundDeltaE: number;
  clusters: number;
};

/**
 * A photo's garment colour, as the ingest computes and caches it: a sample of real pixels (nearest, not blended),
 * weighted away from the border's colours, k-means and named (white anchored to the backdrop: anchoredNaming),
 * tagged with the naming version (colorVersion).
 * `npm run eval` and `npm run eval:colour` measure this same function.
 */
export async function photoColor(
  pixels: Buffer,
  width: number,
  height: number,
  settings: PhotoColorSettings,
): Promise<DominantColor & { version: string }> {
  const sample = await sampleLab(
    pixels,
    width,
    height,
    settings.sampleSize,
    settings.backgroundDeltaE,
    "nearest",
  );
  return {
    ...dominantColor(sample, settings.clusters, anchoredNaming(sample, settings)),
    version: colorVersion(settings),
  };
}
