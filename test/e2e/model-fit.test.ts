import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { closedPort } from "../helpers/file-server.js";
import { copyFixture, runCli, tempDir, testEnv } from "../helpers/run.js";
import { needShared, sharedPath } from "../helpers/shared.js";

const skip =
  needShared("models", "clip-tiny-random", "vision_model_quantized.onnx") ||
  needShared("models", "clip-vit-b32-tokenizer", "tokenizer.json");

/** The bytes of the files a refused run must leave as they were. */
async function snapshot(dir: string): Promise<Record<string, string | null>> {
  const files = ["catalog.json", "plan.json", ".vbulk/status.json", ".vbulk/ingest.lock"];
  const out: Record<string, string | null> = {};
  for (const f of files) out[f] = await readFile(join(dir, f), "utf8").catch(() => null);
  return out;
}

// audit-clip finding 1: a re-run without the model (--model-dir forgotten, offline, a damaged cache) regrouped every
// photo model-free and turned every category and department to "unknown", exit 0, behind a generic warning.
describe("a re-run without the model an earlier run used", { skip }, () => {
  it("is refused (exit 2) naming the earlier model, why none is there and what to do; nothing changes", async () => {
    const { tinyModel } = await import("../helpers/models.js");
    const model = await tinyModel();
    const photos = await copyFixture("grouping");
    const first = await runCli(["ingest", photos, "--model-dir", model]);
    assert.equal(first.code, 0, first.stderr);
    const plan = await runCli(["plan", photos]);
    assert.equal(plan.code, 0, plan.stderr);
    const before = await snapshot(photos);
    assert.ok(before["catalog.json"] && before["plan.json"] && before[".vbulk/status.json"]);

    // Offline (the test environment sets VBULK_OFFLINE=1), nothing in the cache.
    const offline = await runCli(["ingest", photos]);
    assert.equal(offline.code, 2, offline.stderr);
    assert.match(
      offline.stderr,
      /error: Expected the CLIP model the earlier run of this folder used \(catalog\.json: .*clip:/,
    );
    assert.match(offline.stderr, /VBULK_OFFLINE is set and the model is not in the cache/);
    assert.match(offline.stderr, /--model-dir/);
    assert.match(offline.stderr, /vbulk models pull/);
    assert.match(offline.stderr, /--no-model/);
    assert.deepEqual(await snapshot(photos), before);

    // Online, the download fails.
    const port = await closedPort();
    const unreachable = await runCli(["ingest", photos], {
      env: testEnv({ VBULK_OFFLINE: "", VBULK_MODEL_BASE_URL: `http://127.0.0.1:${port}` }),
    });
    assert.equal(unreachable.code, 2, unreachable.stderr);
    assert.match(unreachable.stderr, /could not be downloaded/);
    assert.deepEqual(await snapshot(photos), before);
    assert.ok(!existsSync(join(photos, ".vbulk", "ingest.lock")));

    // --no-model is the explicit way; it cannot be combined with --model-dir.
    const both = await runCli(["ingest", photos, "--no-model", "--model-dir", model]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /Expected either --no-model or --model-dir/);
    const accepted = await runCli(["ingest", photos, "--no-model", "--json"], {
      env: testEnv({ VBULK_MODEL_DIR: model }),
    });
    assert.equal(accepted.code, 0, accepted.stderr);
    const doc = JSON.parse(accepted.stdout);
    assert.equal(doc.embedder.model, null);
    assert.ok(doc.articles.every((a: { category: string }) => a.category === "unknown"));
  });

  it("a folder first analysed without a model goes on without one, as before", async () => {
    const photos = await copyFixture("grouping");
    assert.equal((await runCli(["ingest", photos])).code, 0);
    const again = await runCli(["ingest", photos]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /No CLIP model available/);
  });
});

// audit-clip finding 13: a model folder missing its tokenizer or preprocessor config ended with exit 1 (a failure),
// the same folder missing an encoder with exit 2 (bad input): one folder, one fault, two answers for a script.
describe("a model folder with a file missing", { skip }, () => {
  for (const missing of ["tokenizer.json", "preprocessor_config.json", "onnx/text_model_quantized.onnx"])
    it(`without ${missing}: exit 2 naming the file and the folder, nothing written`, async () => {
      const { tinyModel } = await import("../helpers/models.js");
      const model = await tinyModel();
      await rm(join(model, missing));
      const photos = await copyFixture("grouping");
      const r = await runCli(["ingest", photos, "--model-dir", model]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `error: Expected .*${missing
            .split("/")
            .pop()!
            .replace(/_quantized|\./g, ".*")}`,
        ),
      );
      assert.ok(r.stderr.includes(model), "names the folder");
      assert.match(r.stderr, /hint: /);
      assert.doesNotMatch(r.stderr, /unexpected/i);
      assert.ok(!existsSync(join(photos, "catalog.json")));
    });
});

/** A model folder of links to the tiny random encoders (or `vision`/`text` given), with `pre` as its
 *  preprocessor_config.json when given. */
async function linkedModel(opts: { vision?: string; text?: string; pre?: object } = {}): Promise<string> {
  const { modelFolder } = await import("../helpers/models.js");
  const dir = await modelFolder(
    opts.vision ?? sharedPath("models", "clip-tiny-random", "vision_model_quantized.onnx"),
    opts.text ?? sharedPath("models", "clip-tiny-random", "text_model_quantized.onnx"),
  );
  if (opts.pre) {
    await rm(join(dir, "preprocessor_config.json"));
    await writeFile(join(dir, "preprocessor_config.json"), JSON.stringify(opts.pre));
  }
  return dir;
}

/** Runs ingest on a fresh copy of the grouping fixture with a model folder. */
async function ingestWith(model: string) {
  const photos = await copyFixture("grouping");
  return { photos, r: await runCli(["ingest", photos, "--model-dir", model]) };
}

// audit-clip finding 2: a vision and a text encoder of different embedding sizes were accepted, and every score
// came from a dot product over the first 32 of 512 dimensions.
describe("encoders of two models", { skip: skip || needShared("models", "clip-b32-random-int8") }, () => {
  const mixed = () =>
    linkedModel({ text: sharedPath("models", "clip-b32-random-int8", "text_model_quantized.onnx") });
  it("ingest refuses them naming both sizes and files (exit 2), before any photo is read", async () => {
    const { photos, r } = await ingestWith(await mixed());
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /error: Expected the text encoder's embeddings to have the vision encoder's size \(32, .*vision_model_quantized\.onnx\) but .*text_model_quantized\.onnx gives 512: the two \.onnx files are not from the same model/,
    );
    assert.ok(!existsSync(join(photos, "catalog.json")));
  });
  it("models manifest refuses them too, and writes no vbulk-model.json", async () => {
    const dir = await mixed();
    const r = await runCli(["models", "manifest", dir]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /gives 512: the two \.onnx files are not from the same model/);
    assert.ok(!existsSync(join(dir, "vbulk-model.json")));
  });
  it("models manifest records the encoders' own size, not config.json's projection_dim", async () => {
    const dir = await linkedModel();
    const r = await runCli(["models", "manifest", dir, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).embeddingSize, 32);
  });
});

// audit-clip finding 3: swapped encoders, another input name or another input size ended as "this is unexpected"
// or onnxruntime's own truncated words.
describe("an encoder that does not take what vbulk feeds it", { skip }, () => {
  const tiny = (f: string) => sharedPath("models", "clip-tiny-random", f);
  it("swapped encoders: names the file, what it takes, and says they look swapped (exit 2)", async () => {
    const dir = await tempDir("vbulk-swap-");
    await mkdir(join(dir, "onnx"));
    await symlink(tiny("text_model_quantized.onnx"), join(dir, "onnx", "vision_model_quantized.onnx"));
    await symlink(tiny("vision_model_quantized.onnx"), join(dir, "onnx", "text_model_quantized.onnx"));
    for (const f of ["tokenizer.json", "preprocessor_config.json", "config.json"])
      await symlink(sharedPath("models", "clip-vit-b32-tokenizer", f), join(dir, f));
    const { r } = await ingestWith(dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /error: Expected a vision encoder taking pixel_values \(float32 \[n, 3, 224, 224\].*\) at .*onnx\/vision_model_quantized\.onnx but it takes input_ids \(int64/,
    );
    assert.match(r.stderr, /look swapped/);
    assert.doesNotMatch(r.stderr, /unexpected/);
  });
  it("a preprocessor_config.json of another input size: names both sizes (exit 2)", async () => {
    const pre = JSON.parse(
      await readFile(sharedPath("models", "clip-vit-b32-tokenizer", "preprocessor_config.json"), "utf8"),
    );
    const dir = await linkedModel({
      pre: { ...pre, crop_size: { height: 256, width: 256 }, size: { shortest_edge: 256 } },
    });
    const { r } = await ingestWith(dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Expected a vision encoder taking pixel_values \(float32 \[n, 3, 256, 256\]/);
    assert.match(r.stderr, /but it takes pixel_values \(float32 \[batch_size, 3, 224, 224\]\)/);
    assert.match(r.stderr, /put the preprocessor_config\.json that came with this model/);
  });
  it("an encoder whose input has another name: names it (exit 2)", async () => {
    const tmp = await tempDir("vbulk-inname-");
    const bytes = await readFile(tiny("text_model_quantized.onnx"));
    const renamed = join(tmp, "text_model_quantized.onnx");
    await writeFile(
      renamed,
      Buffer.from(bytes.toString("latin1").replaceAll("input_ids", "input_idz"), "latin1"),
    );
    const { r } = await ingestWith(await linkedModel({ text: renamed }));
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /error: Expected a text encoder taking input_ids \(int64 \[n, tokens\]\) at .*text_model_quantized\.onnx but it takes input_idz/,
    );
  });
});

// audit-clip finding 4: `models manifest` on a model folder the user cannot write ended as "this is unexpected"
// (EACCES on the temp file), and every ingest kept advising to run it.
describe("a model folder you cannot write in", { skip }, () => {
  it("models manifest stops with NOT_WRITABLE (exit 2) and what to do; ingest no longer advises it", async () => {
    const dir = await linkedModel();
    const cache = await tempDir("vbulk-ro-cache-");
    const photos = await copyFixture("grouping");
    await chmod(dir, 0o555);
    await chmod(cache, 0o777);
    await chmod(photos, 0o777);
    // root writes anywhere: the test runs the CLI as nobody then.
    const asOther = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const env = testEnv({ VBULK_CACHE_DIR: cache, HOME: cache });
    const r = await runCli(["models", "manifest", dir], { env, ...asOther });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error: Permission denied: could not write .*vbulk-model\.json/);
    assert.match(r.stderr, /hint: Copy the folder somewhere you can write/);
    assert.doesNotMatch(r.stderr, /unexpected/);
    const ingest = await runCli(["ingest", photos, "--model-dir", dir], { env, ...asOther });
    assert.equal(ingest.code, 0, ingest.stderr);
    assert.match(ingest.stderr, /loaded unverified/);
    assert.match(ingest.stderr, /You cannot write in that folder/);
    assert.doesNotMatch(ingest.stderr, /Run `vbulk models manifest DIR` once/);
  });
});

// audit-clip finding 6: `plan` without the --labels given to ingest named articles by their raw ids ("kimono
// marron"), with no word. catalog.json now records the label set; plan says which one to pass.
describe("plan with another label set than ingest's", { skip }, () => {
  it("catalog.json records the label set; plan warns naming the categories and the file to pass", async () => {
    const { tinyModel } = await import("../helpers/models.js");
    const model = await tinyModel();
    const photos = await copyFixture("grouping");
    const labels = join(await tempDir("vbulk-labels-"), "two.json");
    await writeFile(
      labels,
      JSON.stringify({
        schemaVersion: 1,
        name: "two",
        labels: [
          { id: "kimono", name: "Kimono", prompts: ["a photo of a kimono jacket"] },
          { id: "poncho", name: "Poncho", prompts: ["a photo of a poncho"] },
        ],
      }),
    );
    const r = await runCli(["ingest", photos, "--model-dir", model, "--labels", labels]);
    assert.equal(r.code, 0, r.stderr);
    const catalog = JSON.parse(await readFile(join(photos, "catalog.json"), "utf8"));
    assert.equal(catalog.labels.path, labels);
    assert.match(catalog.labels.sha256, /^[0-9a-f]{64}$/);
    const plan = await runCli(["plan", photos]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(
      plan.stderr,
      /warning: catalog\.json's categor(y|ies) (kimono|poncho)(, poncho)? (is|are) not in the label set this plan uses \(the built-in models\/labels\/garments\.json\)/,
    );
    assert.ok(plan.stderr.includes(`ingest used ${labels}: pass --labels ${labels}`), plan.stderr);
    const right = await runCli(["plan", photos, "--labels", labels]);
    assert.equal(right.code, 0, right.stderr);
    assert.doesNotMatch(right.stderr, /not in the label set/);

    // A catalog of an older vbulk (no `labels`) still loads; the warning says to pass the file given to ingest.
    delete catalog.labels;
    await writeFile(join(photos, "catalog.json"), JSON.stringify(catalog));
    const old = await runCli(["plan", photos, "--labels", "default"]);
    assert.equal(old.code, 0, old.stderr);
    assert.match(old.stderr, /pass the --labels FILE you gave ingest/);
  });
});

// audit-clip finding 8: for a broken --model-dir file the hint sent the seller to `models verify`/`models pull`,
// which check and fill the cache, not that folder; an empty file printed onnxruntime's C++ signature.
// Finding 9: a damaged cached model with no network was reported as plain "offline".
describe("a broken model file: where it is and what to do", { skip }, () => {
  it("--model-dir: the hint is about that folder, and onnxruntime's words come without its C++ source", async () => {
    const dir = await linkedModel();
    await rm(join(dir, "onnx", "vision_model_quantized.onnx"));
    await writeFile(join(dir, "onnx", "vision_model_quantized.onnx"), "");
    const { r } = await ingestWith(dir);
    // models audit F5: exit 1 (a failure to retry) and onnxruntime's "ModelProto does not have a graph".
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /error: Expected a loadable ONNX model at .*vision_model_quantized\.onnx but the file is empty \(0 bytes\)\n/,
    );
    assert.doesNotMatch(r.stderr, /model\.cc|onnxruntime::|ModelProto/);
    assert.match(r.stderr, /hint: Copy that file from the model's own download into .* again/);
  });

  // models audit F5: a --model-dir file that is missing or of another size exited 1 with "Fetch the model again
  // (`vbulk models pull`)", which never writes into that folder; `models manifest` on a bad encoder exited 1 with
  // the cache's hint.
  it("--model-dir with a file its vbulk-model.json lists missing or changed: exit 2, what to copy into the folder", async () => {
    const dir = await linkedModel();
    assert.equal((await runCli(["models", "manifest", dir])).code, 0);
    await rm(join(dir, "onnx", "vision_model_quantized.onnx"));
    const photos = await copyFixture("grouping");
    const r = await runCli(["ingest", photos, "--model-dir", dir, "--json"]);
    assert.equal(r.code, 2, r.stderr);
    const { error } = JSON.parse(r.stdout);
    assert.equal(error.code, "MODEL_CORRUPT");
    assert.match(error.message, /onnx\/vision_model_quantized\.onnx is missing/);
    assert.ok(error.hint.includes(`into ${dir}`), error.hint);
    assert.doesNotMatch(error.hint, /models pull/);
    assert.match(error.hint, /vbulk models manifest/);
    assert.ok(!existsSync(join(photos, "catalog.json")));
    await writeFile(join(dir, "onnx", "vision_model_quantized.onnx"), "x");
    const changed = await runCli(["ingest", photos, "--model-dir", dir]);
    assert.equal(changed.code, 2, changed.stderr);
    assert.match(changed.stderr, /vision_model_quantized\.onnx is size-mismatch/);
  });

  it("an encoder that is empty or not ONNX, without a manifest: ingest and models manifest exit 2 naming it", async () => {
    for (const [bytes, said] of [
      ["", /but the file is empty \(0 bytes\)/],
      ["<html>Login</html>", /but it is not an ONNX model \(onnxruntime said: /],
    ] as const) {
      const dir = await linkedModel();
      await rm(join(dir, "onnx", "vision_model_quantized.onnx"));
      await writeFile(join(dir, "onnx", "vision_model_quantized.onnx"), bytes);
      const { r } = await ingestWith(dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, said);
      const manifest = await runCli(["models", "manifest", dir]);
      assert.equal(manifest.code, 2, manifest.stderr);
      assert.match(manifest.stderr, said);
      assert.match(manifest.stderr, /hint: Copy that file from the model's own download into .* again/);
      assert.doesNotMatch(manifest.stderr, /models verify|models pull/);
      assert.ok(!existsSync(join(dir, "vbulk-model.json")), "nothing written");
    }
  });
  it("offline with a damaged cached model: says it fails verification, not just offline", async () => {
    const cache = await tempDir("vbulk-cache-");
    const model = join(cache, "models", "clip-vit-base-patch32");
    await mkdir(join(model, "onnx"), { recursive: true });
    const tiny = sharedPath("models", "clip-tiny-random", "vision_model_quantized.onnx");
    const bytes = await readFile(tiny);
    await writeFile(join(model, "onnx", "vision_model_quantized.onnx"), bytes);
    const env = testEnv({ VBULK_CACHE_DIR: cache });
    const linked = await linkedModel();
    for (const f of ["tokenizer.json", "tokenizer_config.json", "preprocessor_config.json", "config.json"])
      await writeFile(join(model, f), await readFile(join(linked, f)));
    await writeFile(
      join(model, "onnx", "text_model_quantized.onnx"),
      await readFile(sharedPath("models", "clip-tiny-random", "text_model_quantized.onnx")),
    );
    assert.equal((await runCli(["models", "manifest", model], { env })).code, 0);
    bytes[bytes.length - 100]! ^= 0xff;
    await writeFile(join(model, "onnx", "vision_model_quantized.onnx"), bytes);
    const r = await runCli(["ingest", await copyFixture("grouping")], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /No CLIP model available \(offline; the cached model in .* fails verification \(sha-mismatch: onnx\/vision_model_quantized\.onnx/,
    );
    assert.match(r.stderr, /Run `vbulk models pull` when online/);
  });
});

// audit-clip finding 13: `models manifest DIR/config.json` said "found nothing" although a file is there, and
// `models verify --model-dir /nope` did not say the folder does not exist.
describe("models manifest and verify on a path that is no model folder", () => {
  it("says a file is a file, and that a folder is missing (exit 2)", async () => {
    const dir = await tempDir("vbulk-notmodel-");
    await writeFile(join(dir, "config.json"), "{}");
    const file = await runCli(["models", "manifest", join(dir, "config.json")]);
    assert.equal(file.code, 2, file.stderr);
    assert.match(file.stderr, /but found a file at .*config\.json/);
    assert.ok(file.stderr.includes(`${dir}?`), file.stderr);
    const none = await runCli(["models", "verify", "--model-dir", join(dir, "nope")]);
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /Expected a model folder for --model-dir .* but found nothing at .*nope/);
  });
});

/** Each article's id and photos, as catalog.json has them. */
async function articlesOf(photos: string): Promise<{ id: string; photos: string[] }[]> {
  const catalog = JSON.parse(await readFile(join(photos, "catalog.json"), "utf8"));
  return catalog.items.map((a: { id: string; photos: string[] }) => ({ id: a.id, photos: a.photos }));
}

// models audit F3: the same encoders in another folder (or under another manifest name) counted as another model:
// every photo analysed again and every article regrouped, "the model changed (clip:mymodel@810d… → clip:…@810d…)".
describe("the same encoders under another name", { skip }, () => {
  it("another folder and manifest name: every photo from cache, the articles kept, no 'model changed'", async () => {
    const first = await linkedModel();
    const copy = await linkedModel();
    const named = await runCli(["models", "manifest", copy, "--name", "my-copy"]);
    assert.equal(named.code, 0, named.stderr);
    const { photos, r } = await ingestWith(first);
    assert.equal(r.code, 0, r.stderr);
    const before = await articlesOf(photos);
    const again = await runCli(["ingest", photos, "--model-dir", copy]);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /not kept|model changed/);
    assert.match(again.stdout, /, 15 photos from cache/);
    assert.deepEqual(await articlesOf(photos), before);
    const catalog = JSON.parse(await readFile(join(photos, "catalog.json"), "utf8"));
    assert.equal(catalog.embedder.model, "my-copy", "the name is still shown");
  });

  it("a folder an older vbulk analysed (its ids named the model): kept as well after the upgrade", async () => {
    const { photos, r } = await ingestWith(await linkedModel());
    assert.equal(r.code, 0, r.stderr);
    const before = await articlesOf(photos);
    // What an older vbulk wrote: the embedder id "clip:<model name>@<content key>" in the photo cache, the
    // grouping basis and catalog.json.
    const catalogPath = join(photos, "catalog.json");
    const id: string = JSON.parse(await readFile(catalogPath, "utf8")).embedder.id;
    const old = `clip:some-old-folder@${id.slice(-12)}`;
    for (const f of [".vbulk/cache.json", ".vbulk/auto-grouping.json", "catalog.json"]) {
      const path = join(photos, f);
      await writeFile(path, (await readFile(path, "utf8")).split(id).join(old));
    }
    const { createHash } = await import("node:crypto");
    const sum = createHash("sha256")
      .update(await readFile(catalogPath))
      .digest("hex");
    await writeFile(join(photos, ".vbulk", "catalog.sha256"), sum);
    const again = await runCli(["ingest", photos, "--model-dir", await linkedModel()]);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /not kept|model changed/);
    assert.match(again.stdout, /, 15 photos from cache/);
    assert.deepEqual(await articlesOf(photos), before);
  });

  it("another model's articles are not kept, and the hint offers --no-model only for a model-free run", async () => {
    const photos = await copyFixture("grouping");
    assert.equal((await runCli(["ingest", photos, "--no-model"])).code, 0);
    const withModel = await runCli(["ingest", photos, "--model-dir", await linkedModel()]);
    assert.equal(withModel.code, 0, withModel.stderr);
    assert.match(withModel.stderr, /the model changed \(features-v1 → [^ ]+ \(clip:[0-9a-f]{12}\)\)/);
    assert.match(withModel.stderr, /with the earlier settings \(--no-model\)/);
    const without = await runCli(["ingest", photos, "--no-model"]);
    assert.equal(without.code, 0, without.stderr);
    assert.match(without.stderr, /the model changed \([^ ]+ \(clip:[0-9a-f]{12}\) → features-v1\)/);
    assert.match(without.stderr, /the model the last run used \([^ ]+ \(clip:[0-9a-f]{12}\): /);
    assert.doesNotMatch(without.stderr, /--no-model for/);
  });
});

// models audit F7: the first run with a model embeds the labels' prompts (24 s with a B/32-sized text encoder):
// Ctrl-C was ignored for all of it, and the terminal showed "Analysing photos 0/12".
describe("Ctrl-C while the labels are prepared", {
  skip: skip || needShared("models", "clip-b32-random-int8"),
}, () => {
  it("stops within a batch of prompts: exit 130, interrupted, no catalog written", async () => {
    const { spawn } = await import("node:child_process");
    const { BIN, outputOf } = await import("../helpers/run.js");
    const dir = await linkedModel({
      vision: sharedPath("models", "clip-b32-random-int8", "vision_model_quantized.onnx"),
      text: sharedPath("models", "clip-b32-random-int8", "text_model_quantized.onnx"),
    });
    const photos = await copyFixture("grouping");
    // A fresh cache: no label embeddings yet.
    const env = testEnv({ VBULK_CACHE_DIR: await tempDir("vbulk-cache-") });
    const child = spawn(process.execPath, [BIN, "ingest", photos, "--model-dir", dir, "--json"], {
      env: { ...env, NO_COLOR: "1" },
    });
    const done = outputOf(child);
    await new Promise((r) => setTimeout(r, 4000));
    const at = Date.now();
    child.kill("SIGINT");
    const r = await done;
    assert.equal(r.code, 130, r.stderr);
    assert.ok(Date.now() - at < 8000, `stopped ${Date.now() - at} ms after Ctrl-C`);
    assert.equal(JSON.parse(r.stdout).error.code, "INTERRUPTED");
    assert.match(r.stderr, /^interrupted: /m);
    assert.ok(!existsSync(join(photos, "catalog.json")));
  });
});
