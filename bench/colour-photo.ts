import type { Config } from "../src/core/config.js";
import { dominantColor } from "../src/imaging/color.js";
import { garmentMask } from "../src/imaging/garment.js";
import { sampleLab } from "../src/imaging/lab.js";

/** What the ingest computes per photo for colour (kept in step with src/ingest/analyse.ts). */
export async function photoColor(pixels: Buffer, pw: number, ph: number, config: Config) {
  const sample = await sampleLab(
    pixels,
    pw,
    ph,
    config.color.sampleSize,
    config.color.backgroundDeltaE,
    "nearest",
  );
  if (process.env.MASK === "flood") {
    const m = garmentMask(sample.lab, sample.size);
    for (let i = 0; i < m.length; i++) sample.weight[i] = m[i]!;
  }
  return dominantColor(sample, config.color.clusters, config.color);
}
