/**
 * Ingest benchmark (npm run bench): 150 phone-sized photos (4032x3024 JPEG ~4 MB, noise for a realistic size;
 * portrait ones stored sideways with EXIF orientation 6, as phones do), ingested by the real CLI in a child
 * process, median of 3 whole-process runs, with:
 *   - the model-free embedder, and
 *   - the ViT-B/32-sized int8 encoders of ../shared/models/clip-b32-random-int8 (same compute as the real
 *     quantized CLIP; random weights, so only time and memory mean anything).
 * Also times the vision encoder alone (batches of 1 and 8) per photo. Prints a table; nothing is asserted.
 *
 *   npm run bench                 150 photos
 *   npm run bench -- --photos 60  fewer
 *   npm run bench -- --photos 500 --small --against ../main-checkout
 *                                 500 small photos (400x533), model-free only, this checkout and another (built)
 *                                 alternating, median of 3 each, and the ratio: compare a change with main in one
 *                                 run (timings on shared machines vary by ±15% between runs)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { openSession } from "../src/model/onnx.js";
import { needShared, REPO, sharedPath } from "../test/helpers/shared.js";

const argPhotos = process.argv.indexOf("--photos");
const N = argPhotos > 0 ? Number(process.argv[argPhotos + 1]) : 150;
const SMALL = process.argv.includes("--small");
const argAgainst = process.argv.indexOf("--against");
const AGAINST = argAgainst > 0 ? process.argv[argAgainst + 1] : undefined;
const OUT = join(REPO, "bench", "out");
const PHOTOS = join(OUT, SMALL ? `small-${N}-v1` : `phone-${N}-v2`);

async function makePhotos(): Promise<void> {
  if (existsSync(PHOTOS) && (await readdir(PHOTOS)).filter((f) => f.endsWith(".jpg")).length === N) return;
  await rm(PHOTOS, { recursive: true, force: true });
  await mkdir(PHOTOS, { recursive: true });
  for (let i = 0; i < N; i++) {
    const portrait = i % 3 !== 2;
    const tint = ["#a03030", "#305090", "#30a050", "#c0a040", "#404040"][Math.floor(i / 4) % 5]!;
    const base = sharp({
      create: {
        width: SMALL ? 533 : 4032,
        height: SMALL ? 400 : 3024,
        channels: 3,
        background: tint,
        noise: { type: "gaussian", mean: 110, sigma: 24 },
      },
    });
    const jpeg = portrait
      ? base.jpeg({ quality: 88 }).withMetadata({ orientation: 6 })
      : base.jpeg({ quality: 88 });
    await writeFile(join(PHOTOS, `IMG_${String(i + 1).padStart(4, "0")}.jpg`), await jpeg.toBuffer());
  }
}

async function modelDir(): Promise<string> {
  const dir = join(OUT, "clip-b32-random-int8");
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, "onnx"), { recursive: true });
  for (const f of ["vision_model_quantized.onnx", "text_model_quantized.onnx"])
    await symlink(sharedPath("models", "clip-b32-random-int8", f), join(dir, "onnx", f));
  for (const f of ["tokenizer.json", "tokenizer_config.json", "preprocessor_config.json", "config.json"])
    await symlink(sharedPath("models", "clip-vit-b32-tokenizer", f), join(dir, f));
  return dir;
}

interface Run {
  seconds: number;
  maxRssMb: number;
  cpuSeconds: number;
}

async function runIngest(extra: string[], repo = REPO): Promise<Run> {
  await rm(join(PHOTOS, ".vbulk"), { recursive: true, force: true });
  const usage = join(OUT, "rusage.json");
  const started = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      join(REPO, "bench", "rusage.mjs"),
      join(repo, "bin", "vbulk.js"),
      "ingest",
      PHOTOS,
      "--json",
      ...extra,
    ],
    {
      env: {
        ...process.env,
        VBULK_BENCH_RUSAGE: usage,
        VBULK_OFFLINE: "1",
        VBULK_CACHE_DIR: join(OUT, "cache"),
      },
      encoding: "utf8",
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`ingest failed (${r.status}): ${r.stderr}`);
  const u = JSON.parse(await readFile(usage, "utf8")) as {
    maxRssKb: number;
    userUs: number;
    systemUs: number;
  };
  return { seconds, maxRssMb: u.maxRssKb / 1024, cpuSeconds: (u.userUs + u.systemUs) / 1e6 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function medianOf3(extra: string[]): Promise<Run> {
  const runs: Run[] = [];
  for (let i = 0; i < 3; i++) runs.push(await runIngest(extra));
  return {
    seconds: median(runs.map((r) => r.seconds)),
    maxRssMb: median(runs.map((r) => r.maxRssMb)),
    cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
  };
}

async function encoderAlone(
  dir: string,
): Promise<{ batch: number; msPerPhoto: number; cpuMsPerPhoto: number }[]> {
  const session = await openSession(join(dir, "onnx", "vision_model_quantized.onnx"), "cpu");
  const out = [];
  for (const batch of [1, 8]) {
    const input = new Float32Array(batch * 3 * 224 * 224).map(() => Math.random() * 2 - 1);
    await session.run({ pixel_values: { data: input, dims: [batch, 3, 224, 224] } });
    const rounds = Math.ceil(48 / batch);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++)
      await session.run({ pixel_values: { data: input, dims: [batch, 3, 224, 224] } });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    out.push({
      batch,
      msPerPhoto: wall / (rounds * batch),
      cpuMsPerPhoto: (cpu.user + cpu.system) / 1000 / (rounds * batch),
    });
  }
  await session.release();
  return out;
}

/** This checkout against another one (built), model-free, alternating so both see the same machine load. */
async function against(other: string): Promise<void> {
  const ours: Run[] = [];
  const theirs: Run[] = [];
  for (let i = 0; i < 3; i++) {
    theirs.push(await runIngest([], other));
    ours.push(await runIngest([]));
  }
  const m = (rs: Run[]) => median(rs.map((r) => r.seconds));
  console.log(
    `ingest ${N} ${SMALL ? "small" : "phone"} photos, model-free: this checkout ${m(ours).toFixed(2)} s, ${other} ${m(theirs).toFixed(2)} s (medians of 3, alternating): ratio ${(m(ours) / m(theirs)).toFixed(3)}`,
  );
}

async function main() {
  if (AGAINST) {
    spawnSync("npm", ["run", "build"], { cwd: REPO, stdio: "ignore" });
    await mkdir(OUT, { recursive: true });
    await makePhotos();
    await against(AGAINST);
    return;
  }
  const skip = needShared("models", "clip-b32-random-int8", "vision_model_quantized.onnx");
  if (skip) {
    console.log(skip);
    return;
  }
  spawnSync("npm", ["run", "build"], { cwd: REPO, stdio: "ignore" });
  await mkdir(OUT, { recursive: true });
  console.log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  console.log(`making ${N} phone-sized photos in ${PHOTOS} (once)…`);
  await makePhotos();
  const dir = await modelDir();
  for (const e of await encoderAlone(dir))
    console.log(
      `vision encoder alone, batch ${e.batch}: ${e.msPerPhoto.toFixed(1)} ms/photo wall, ${e.cpuMsPerPhoto.toFixed(1)} ms/photo CPU (${cpus().length} threads)`,
    );
  const features = await medianOf3([]);
  console.log(
    `ingest ${N} photos, model-free embedder: ${features.seconds.toFixed(1)} s, peak RSS ${features.maxRssMb.toFixed(0)} MB, CPU ${features.cpuSeconds.toFixed(1)} s (median of 3)`,
  );
  const clip = await medianOf3(["--model-dir", dir]);
  console.log(
    `ingest ${N} photos, CLIP int8 ViT-B/32-sized: ${clip.seconds.toFixed(1)} s, peak RSS ${clip.maxRssMb.toFixed(0)} MB, CPU ${clip.cpuSeconds.toFixed(1)} s (median of 3)`,
  );
}

await main();
