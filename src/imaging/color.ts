import { kmeans } from "./kmeans.js";
import { type LabSample, rgbToLab } from "./lab.js";

/** The colour names vbulk uses (French, as Vinted France shows them). */
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

/** Several prototypes per name: navy and sky blue are both "bleu", khaki and cream both "beige". */
const PROTOTYPES: [ColorName, string][] = [
  ["noir", "#111111"],
  ["noir", "#1b1d24"],
  ["blanc", "#f6f6f4"],
  ["blanc", "#e9e9e6"],
  ["gris", "#8a8a8a"],
  ["gris", "#b8b8b8"],
  ["gris", "#4b4d52"],
  ["gris", "#5f6670"],
  ["bleu", "#1f3f9a"],
  ["bleu", "#26324f"],
  ["bleu", "#4a6a9e"],
  ["bleu", "#9fc0e4"],
  ["bleu", "#34466e"],
  ["rouge", "#c3272d"],
  ["rouge", "#8a1c24"],
  ["rouge", "#e0443a"],
  ["vert", "#2f7a3a"],
  ["vert", "#5b6b35"],
  ["vert", "#8fbf8f"],
  ["vert", "#2b4a35"],
  ["jaune", "#f1d13a"],
  ["jaune", "#d9aa1e"],
  ["beige", "#d9c6a5"],
  ["beige", "#c4ad86"],
  ["beige", "#ebe1cf"],
  ["beige", "#b59f80"],
  ["marron", "#6b4226"],
  ["marron", "#8e5a32"],
  ["marron", "#47301f"],
  ["marron", "#a8703f"],
  ["rose", "#f3a6bb"],
  ["rose", "#e05586"],
  ["rose", "#f6cbd3"],
  ["violet", "#6a3d9a"],
  ["violet", "#9b72b8"],
  ["violet", "#4b2a5e"],
  ["orange", "#ee8a2a"],
  ["orange", "#d86a1e"],
];

const PROTO_LAB = PROTOTYPES.map(([name, hex]) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return { name, lab: rgbToLab((n >> 16) & 255, (n >> 8) & 255, n & 255) };
});

/** Names a Lab colour: nearest prototype, lightness counting half (lighting changes L more than hue). */
export function nameColor(L: number, a: number, b: number): ColorName {
  const chroma = Math.hypot(a, b);
  // Near-neutral: black, grey or white by lightness alone; hue is noise here.
  if (chroma < 7) return L < 27 ? "noir" : L > 86 ? "blanc" : "gris";
  let best: ColorName = "gris";
  let bestD = Number.POSITIVE_INFINITY;
  for (const p of PROTO_LAB) {
    const d = 0.5 * (L - p.lab[0]) ** 2 + (a - p.lab[1]) ** 2 + (b - p.lab[2]) ** 2;
    if (d < bestD) {
      bestD = d;
      best = p.name;
    }
  }
  return best;
}

export interface DominantColor {
  name: ColorName;
  /** Share of the garment's weight that the winning cluster holds, 0..1. */
  score: number;
  lab: [number, number, number];
}

/**
 * Dominant garment colour of one photo: k-means in Lab over the garment-weighted pixels (the border colour,
 * i.e. floor or bed, weighs little), the heaviest cluster named. Deterministic (fixed seed).
 */
export function dominantColor(sample: LabSample, clusters: number): DominantColor {
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
    return { name: "gris", score: 0, lab: [50, 0, 0] };
  }
  const result = kmeans(points, clusters, { seed: 42, initialization: "kmeans++", maxIterations: 50 });
  const mass = new Array<number>(clusters).fill(0);
  result.clusters.forEach((c, i) => {
    mass[c] = mass[c]! + weights[i]!;
  });
  const total = mass.reduce((a, b) => a + b, 0) || 1;
  // Clusters with the same name (navy and its shadow) pool their weight: the garment's colour, not its shading.
  const byName = new Map<ColorName, { mass: number; top: number }>();
  result.centroids.forEach((c, k) => {
    const name = nameColor(c[0] ?? 50, c[1] ?? 0, c[2] ?? 0);
    const prev = byName.get(name);
    if (!prev) byName.set(name, { mass: mass[k]!, top: k });
    else byName.set(name, { mass: prev.mass + mass[k]!, top: mass[k]! > mass[prev.top]! ? k : prev.top });
  });
  const [name, best] = [...byName].sort((x, y) => y[1].mass - x[1].mass)[0]!;
  const centroid = result.centroids[best.top] ?? [50, 0, 0];
  return { name, score: best.mass / total, lab: [centroid[0] ?? 50, centroid[1] ?? 0, centroid[2] ?? 0] };
}

/** The article's colour: the photos' votes weighted by their scores; ties go to the first photo's colour. */
export function articleColor(colors: DominantColor[]): { name: ColorName; score: number } {
  const votes = new Map<ColorName, number>();
  let total = 0;
  for (const c of colors) {
    const w = Math.max(0.05, c.score);
    votes.set(c.name, (votes.get(c.name) ?? 0) + w);
    total += w;
  }
  let best: ColorName = colors[0]?.name ?? "gris";
  for (const [name, v] of votes) if (v > (votes.get(best) ?? 0)) best = name;
  return { name: best, score: total > 0 ? (votes.get(best) ?? 0) / total : 0 };
}
