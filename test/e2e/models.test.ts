import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { VbulkError } from "../../src/core/errors.js";
import { pullModel } from "../../src/model/download.js";
import {
  loadManifest,
  type Manifest,
  manifestForFolder,
  writeLocalManifest,
} from "../../src/model/manifest.js";
import { closedPort, type FileServer, startFileServer } from "../helpers/file-server.js";
import { BIN, copyFixture, FIXTURES, outputOf, runCli, tempDir, testEnv } from "../helpers/run.js";
import { needShared, sharedPath } from "../helpers/shared.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const skip =
  needShared("models", "clip-tiny-random", "vision_model_quantized.onnx") ||
  needShared("models", "clip-vit-b32-tokenizer", "tokenizer.json");

/** The default manifest's files, served from the tiny random encoders and the real tokenizer files. */
async function servedDefaultModel(): Promise<{ manifest: Manifest; files: Map<string, Buffer> }> {
  const manifest = await loadManifest("clip-vit-base-patch32");
  const source: Record<string, string> = {
    "onnx/vision_model_quantized.onnx": sharedPath(
      "models",
      "clip-tiny-random",
      "vision_model_quantized.onnx",
    ),
    "onnx/text_model_quantized.onnx": sharedPath("models", "clip-tiny-random", "text_model_quantized.onnx"),
  };
  const files = new Map<string, Buffer>();
  for (const f of manifest.files) {
    const from = source[f.path] ?? sharedPath("models", "clip-vit-b32-tokenizer", f.path);
    files.set(`/${manifest.repo}/resolve/${manifest.revision}/${f.path}`, await readFile(from));
  }
  return { manifest, files };
}

describe("models pull against a local HTTP server", { skip }, () => {
  let server: FileServer;
  let manifest: Manifest;
  let files: Map<string, Buffer>;
  before(async () => {
    ({ manifest, files } = await servedDefaultModel());
    server = await startFileServer(files);
  });
  after(() => server.close());

  /** The manifest with the sizes and hashes filled in, as a maintainer would pin them. */
  const pinnedManifest = (): Manifest => ({
    ...manifest,
    files: manifest.files.map((f) => {
      const body = files.get(`/${manifest.repo}/resolve/${manifest.revision}/${f.path}`)!;
      return { path: f.path, size: body.length, sha256: sha(body) };
    }),
  });

  it("downloads, verifies and pins every file; a second pull downloads nothing", async () => {
    const dir = join(await tempDir(), "model");
    const pulled = await pullModel(pinnedManifest(), dir, { baseUrl: server.url });
    for (const f of pulled.files) assert.equal(sha(await readFile(join(dir, f.path))), f.sha256);
    assert.ok(existsSync(join(dir, "vbulk-model.json")));
    const before = server.requests.length;
    await pullModel(pinnedManifest(), dir, { baseUrl: server.url });
    assert.equal(server.requests.length, before, "nothing fetched again");
  });

  it("resumes a cut download from where it stopped (HTTP Range)", async () => {
    const dir = join(await tempDir(), "model");
    const vision = `/${manifest.repo}/resolve/${manifest.revision}/onnx/vision_model_quantized.onnx`;
    server.cutOnce.set(vision, 300_000);
    await assert.rejects(
      pullModel(pinnedManifest(), dir, { baseUrl: server.url }),
      (e: VbulkError) => e.code === "NETWORK" && /cut|Expected \d+ bytes/.test(e.message),
    );
    assert.equal(
      existsSync(join(dir, "onnx", "vision_model_quantized.onnx")),
      false,
      "no half file under the real name",
    );
    const partSize = (await stat(join(dir, "onnx", "vision_model_quantized.onnx.part"))).size;
    assert.ok(partSize > 0 && partSize < files.get(vision)!.length);
    await pullModel(pinnedManifest(), dir, { baseUrl: server.url });
    const resumed = server.requests.filter((r) => r.path === vision).at(-1)!;
    assert.equal(resumed.range, `bytes=${partSize}-`);
    assert.equal(
      sha(await readFile(join(dir, "onnx", "vision_model_quantized.onnx"))),
      sha(files.get(vision)!),
    );
  });

  it("a download slower than the connect timeout finishes; one that stalls is cut, then resumed", async () => {
    // Before, the connect timeout also timed the body: the real 150 MB model was cut after 30 s (15 s in ingest)
    // whatever its speed, so on a connection under 5 MB/s it never arrived.
    const dir = join(await tempDir(), "model");
    const vision = `/${manifest.repo}/resolve/${manifest.revision}/onnx/vision_model_quantized.onnx`;
    server.slowOnce.set(vision, 120); // 10 pieces, about 1.1 s in all
    await pullModel(pinnedManifest(), dir, { baseUrl: server.url, connectTimeoutMs: 400 });
    assert.equal(
      sha(await readFile(join(dir, "onnx", "vision_model_quantized.onnx"))),
      sha(files.get(vision)!),
    );
    const stalled = join(await tempDir(), "model");
    server.stallOnce.set(vision, 100_000);
    await assert.rejects(
      pullModel(pinnedManifest(), stalled, { baseUrl: server.url, idleTimeoutMs: 500 }),
      (e: VbulkError) => e.code === "NETWORK" && /cut after 100000 bytes \(no data for/.test(e.message),
    );
    await pullModel(pinnedManifest(), stalled, { baseUrl: server.url });
    assert.equal(server.requests.filter((r) => r.path === vision).at(-1)!.range, "bytes=100000-");
  });

  it("rejects a file whose sha256 does not match, and deletes it", async () => {
    const dir = join(await tempDir(), "model");
    const wrong = pinnedManifest();
    wrong.files[2] = { ...wrong.files[2]!, sha256: "0".repeat(64) };
    await assert.rejects(pullModel(wrong, dir, { baseUrl: server.url }), (e: VbulkError) => {
      assert.equal(e.code, "MODEL_CORRUPT");
      assert.match(e.message, /Expected sha256 0{64} for tokenizer\.json/);
      return true;
    });
    assert.equal(existsSync(join(dir, "tokenizer.json")), false);
    assert.equal(existsSync(join(dir, "tokenizer.json.part")), false);
  });

  it("without network says so and writes no model file", async () => {
    const dir = join(await tempDir(), "model");
    const port = await closedPort();
    await assert.rejects(
      pullModel(pinnedManifest(), dir, { baseUrl: `http://127.0.0.1:${port}` }),
      (e: VbulkError) => {
        assert.equal(e.code, "NETWORK");
        assert.match(
          e.message,
          /Could not reach http:\/\/127\.0\.0\.1:\d+ to download onnx\/vision_model_quantized\.onnx \(ECONNREFUSED\)/,
        );
        return true;
      },
    );
    assert.equal(existsSync(join(dir, "onnx", "vision_model_quantized.onnx")), false);
    // No empty model folder is left behind either (models audit F15).
    assert.equal(existsSync(dir), false);
  });

  it("a port fetch refuses to use is named as such, not as 'fetch failed' (models audit F11)", async () => {
    const dir = join(await tempDir(), "model");
    await assert.rejects(
      pullModel(pinnedManifest(), dir, { baseUrl: "http://127.0.0.1:6000" }),
      (e: VbulkError) => {
        assert.equal(e.code, "NETWORK");
        assert.match(e.message, /Could not reach http:\/\/127\.0\.0\.1:6000 to download .* \(bad port\)/);
        return true;
      },
    );
  });

  // models audit F6: Ctrl-C during `models pull` killed it by the signal: --json printed nothing, no word on stderr
  // (and on a terminal the bar's hidden cursor and line wrap were never restored).
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    it(`${signal} during models pull --json: the INTERRUPTED document, one line saying it resumes, exit 128+n; the next pull resumes`, async () => {
      const cache = await tempDir();
      const env = testEnv({ VBULK_CACHE_DIR: cache, VBULK_MODEL_BASE_URL: server.url, VBULK_OFFLINE: "" });
      const vision = `/${manifest.repo}/resolve/${manifest.revision}/onnx/vision_model_quantized.onnx`;
      server.slowOnce.set(vision, 400); // 10 pieces, about 4 s in all
      const child = spawn(process.execPath, [BIN, "models", "pull", "--json"], {
        env: { ...env, NO_COLOR: "1" },
      });
      const done = outputOf(child);
      const part = join(cache, "models", "clip-vit-base-patch32", "onnx", "vision_model_quantized.onnx.part");
      for (let i = 0; i < 200 && !((await stat(part).catch(() => null))?.size ?? 0); i++) await sleep(25);
      child.kill(signal);
      const r = await done;
      assert.equal(r.code, signal === "SIGINT" ? 130 : 143, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.error.code, "INTERRUPTED");
      assert.match(
        r.stderr,
        /^interrupted: the download stopped; run `vbulk models pull` again to resume\.$/m,
      );
      assert.doesNotMatch(r.stderr, /NETWORK|cut after/);
      const size = (await stat(part)).size;
      assert.ok(size > 0, "the part is kept");
      const again = await runCli(["models", "pull"], { env });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(server.requests.filter((q) => q.path === vision).at(-1)!.range, `bytes=${size}-`);
    });

  it("the CLI pulls, ingest then uses the cached model, and a corrupted file is detected and fetched again", async () => {
    const cache = await tempDir();
    const env = testEnv({ VBULK_CACHE_DIR: cache, VBULK_MODEL_BASE_URL: server.url, VBULK_OFFLINE: "" });
    const pull = await runCli(["models", "pull"], { env });
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /clip-vit-base-patch32 is ready in .* \(6 files verified\)/);
    assert.equal((await runCli(["models", "verify"], { env })).code, 0);

    const photos = await copyFixture("grouping");
    const ingest = await runCli(["ingest", photos, "--json"], { env });
    assert.equal(ingest.code, 0, ingest.stderr);
    const doc = JSON.parse(ingest.stdout);
    // Keyed by the encoders' content, named in `model` (models audit F3).
    assert.match(doc.embedder.id, /^clip:[0-9a-f]{12}$/);
    assert.match(doc.embedder.model, /^clip-vit-base-patch32@/);
    const labelIds = JSON.parse(
      await readFile(join(FIXTURES, "..", "..", "models", "labels", "garments.json"), "utf8"),
    ).labels.map((l: { id: string }) => l.id);
    for (const a of doc.articles)
      assert.ok(labelIds.includes(a.category), `${a.category} comes from the label set`);

    const text = join(cache, "models", "clip-vit-base-patch32", "onnx", "text_model_quantized.onnx");
    await appendFile(text, "x");
    const verify = await runCli(["models", "verify"], { env });
    assert.equal(verify.code, 1);
    assert.match(verify.stdout, /size-mismatch +onnx\/text_model_quantized\.onnx/);
    // The verdict is said on stderr, as every command's failure (a cron mail of stderr): before, stdout only.
    assert.match(verify.stderr, /not usable as is; `vbulk models pull` fetches what is missing or wrong/);
    const again = await runCli(["ingest", photos, "--json"], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(JSON.parse(again.stdout).embedder.id, /^clip:/);
    assert.equal((await runCli(["models", "verify"], { env })).code, 0, "the corrupt file was fetched again");
  });

  it("a damaged vbulk-model.json in the cache: verify says so (exit 1), pull checks nothing against it and fetches every file again (models audit F10)", async () => {
    // Before: verify exited 2 telling the seller to fix vbulk's own JSON or run `models manifest` on the cache, and
    // pull read the damaged pin as none and pinned whatever was there, a file damaged with it too, as "verified".
    const cache = await tempDir();
    const env = testEnv({ VBULK_CACHE_DIR: cache, VBULK_MODEL_BASE_URL: server.url, VBULK_OFFLINE: "" });
    assert.equal((await runCli(["models", "pull"], { env })).code, 0);
    const dir = join(cache, "models", "clip-vit-base-patch32");
    await writeFile(join(dir, "vbulk-model.json"), "garbage{");
    const text = join(dir, "onnx", "text_model_quantized.onnx");
    await appendFile(text, "x");
    const verify = await runCli(["models", "verify"], { env });
    assert.equal(verify.code, 1, verify.stderr);
    assert.match(
      verify.stderr,
      /vbulk-model\.json .*is damaged .*: its files cannot be verified; `vbulk models pull` fetches them again/,
    );
    assert.doesNotMatch(verify.stderr, /models manifest/);
    const pull = await runCli(["models", "pull"], { env });
    assert.equal(pull.code, 0, pull.stderr);
    const served = files.get(
      `/${manifest.repo}/resolve/${manifest.revision}/onnx/text_model_quantized.onnx`,
    )!;
    assert.equal(sha(await readFile(text)), sha(served), "the damaged encoder was fetched again, not pinned");
    assert.equal((await runCli(["models", "verify"], { env })).code, 0);
  });

  it("ingest without a model and without network continues with the model-free embedder, in one line", async () => {
    const port = await closedPort();
    const env = testEnv({
      VBULK_CACHE_DIR: await tempDir(),
      VBULK_MODEL_BASE_URL: `http://127.0.0.1:${port}`,
      VBULK_OFFLINE: "",
    });
    const r = await runCli(["ingest", await copyFixture("grouping"), "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).embedder.id, "features-v1");
    assert.match(r.stderr, /^warning: No CLIP model available \(Could not reach .*ECONNREFUSED.*\)/m);
    assert.match(r.stderr, /vbulk models pull/);
  });
});

describe("ingest --model-dir", { skip }, () => {
  it("writes a catalog whose categories come from the label set, and records the model", async () => {
    const { tinyModel } = await import("../helpers/models.js");
    const dir = await tinyModel();
    const photos = await copyFixture("grouping");
    const r = await runCli(["ingest", photos, "--model-dir", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /has no vbulk-model\.json: it is loaded unverified/);
    const catalog = JSON.parse(await readFile(join(photos, "catalog.json"), "utf8"));
    assert.match(catalog.embedder.id, /^clip:/);
    assert.equal(catalog.embedder.dims, 32);
    const labelIds = JSON.parse(
      await readFile(join(FIXTURES, "..", "..", "models", "labels", "garments.json"), "utf8"),
    ).labels.map((l: { id: string }) => l.id);
    for (const it of catalog.items) {
      assert.ok(labelIds.includes(it.category));
      assert.ok(it.score > 0 && it.score <= 1);
      assert.ok(labelIds.includes(it.runner_up.category));
    }
  });

  it("--device cuda on a machine without CUDA says so in one line, without onnxruntime's own coloured log", async () => {
    // README audit: onnxruntime printed its own "[E:onnxruntime:…] … Failed to load library" blocks, with ANSI
    // colours, even piped and with NO_COLOR, before vbulk's one warning.
    const { tinyModel } = await import("../helpers/models.js");
    const dir = await tinyModel();
    const photos = await copyFixture("grouping");
    const r = await runCli(["ingest", photos, "--model-dir", dir, "--device", "cuda", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.match(/CUDA is not available/g)?.length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /onnxruntime:/, "no native log");
    assert.ok(!r.stderr.includes("\u001b["), "no escape codes");
    assert.equal(JSON.parse(r.stdout).written, true);
  });

  it("--labels uses another label set; a missing --model-dir is exit 2", async () => {
    const { meanColourModel } = await import("../helpers/models.js");
    const dir = await meanColourModel();
    const photos = await copyFixture("colours");
    const r = await runCli([
      "ingest",
      photos,
      "--model-dir",
      dir,
      "--labels",
      join(FIXTURES, "models", "mean-colour", "labels.json"),
      "--grouping",
      "agglomerative",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).articles.map((a: { category: string }) => a.category),
      ["red", "green", "blue"],
    );
    const missing = await runCli(["ingest", photos, "--model-dir", "/nonexistent/model"]);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /Expected a folder holding a CLIP model for --model-dir \(or env VBULK_MODEL_DIR\)/,
    );
  });
});

// A proxy or a Wi-Fi login page answers 200 with an HTML page for any URL (audit: /tmp/audit-cli/portal.py); saved
// as preprocessor_config.json and pinned on first use, it ended every later ingest on "this is unexpected" while
// `models verify` said every file was verified.
describe("a model's JSON file that is a web page", { skip }, () => {
  const PAGE = Buffer.from("<html><body>Please log in to the hotel Wi-Fi</body></html>\n");

  /** A model folder (links to ../shared) whose `file` is replaced by the login page. */
  async function withPage(file: string): Promise<string> {
    const { tinyModel } = await import("../helpers/models.js");
    const dir = await tinyModel();
    await rm(join(dir, file));
    await writeFile(join(dir, file), PAGE);
    return dir;
  }

  function namesItQuietly(r: { stderr: string }, file: RegExp) {
    assert.match(r.stderr, file);
    assert.doesNotMatch(r.stderr, /unexpected/);
    assert.doesNotMatch(r.stderr, /hotel|<html/, "the page's content is never printed");
  }

  it("ingest --model-dir says which file is not JSON and what to do", async () => {
    const dir = await withPage("preprocessor_config.json");
    const r = await runCli(["ingest", await copyFixture("grouping"), "--model-dir", dir]);
    assert.equal(r.code, 1, r.stderr);
    namesItQuietly(r, /preprocessor_config\.json/);
    assert.match(r.stderr, /hint: .*vbulk models pull/);
  });

  it("models manifest says config.json is not JSON", async () => {
    const dir = await withPage("config.json");
    const r = await runCli(["models", "manifest", dir]);
    assert.notEqual(r.code, 0);
    namesItQuietly(r, /config\.json/);
  });

  it("models verify does not call a pinned web page verified", async () => {
    const dir = await withPage("preprocessor_config.json");
    // `models manifest` now opens the model and refuses the page; an older vbulk pinned it.
    const refused = await runCli(["models", "manifest", dir]);
    assert.notEqual(refused.code, 0);
    namesItQuietly(refused, /preprocessor_config\.json/);
    await writeLocalManifest(dir, await manifestForFolder(dir));
    const r = await runCli(["models", "verify", "--model-dir", dir]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /not-json +preprocessor_config\.json/);
  });

  it("models pull refuses the page when no hash is pinned, and fetches a pinned page again", async () => {
    const { manifest, files } = await servedDefaultModel();
    const url = `/${manifest.repo}/resolve/${manifest.revision}/preprocessor_config.json`;
    const real = files.get(url)!;
    files.set(url, PAGE);
    const server = await startFileServer(files);
    try {
      const dir = join(await tempDir(), "model");
      await assert.rejects(pullModel(manifest, dir, { baseUrl: server.url }), (e: VbulkError) => {
        assert.equal(e.code, "MODEL_CORRUPT");
        assert.match(e.message, /preprocessor_config\.json/);
        assert.doesNotMatch(e.message, /hotel/);
        return true;
      });
      assert.equal(existsSync(join(dir, "preprocessor_config.json")), false);
      assert.equal(existsSync(join(dir, "preprocessor_config.json.part")), false);

      // A cache that pinned the page before this check: the next pull replaces it with the real file.
      files.set(url, real);
      await pullModel(manifest, dir, { baseUrl: server.url });
      await writeFile(join(dir, "preprocessor_config.json"), PAGE);
      const local = JSON.parse(await readFile(join(dir, "vbulk-model.json"), "utf8"));
      for (const f of local.files)
        if (f.path === "preprocessor_config.json") Object.assign(f, { size: PAGE.length, sha256: sha(PAGE) });
      await writeFile(join(dir, "vbulk-model.json"), JSON.stringify(local));
      await pullModel(manifest, dir, { baseUrl: server.url });
      assert.deepEqual(await readFile(join(dir, "preprocessor_config.json")), real);
    } finally {
      await server.close();
    }
  });
});

describe("an ONNX model file that is a web page", { skip }, () => {
  // Only .json files were checked: the login page saved as vision_model_quantized.onnx was pinned, `models verify`
  // said all 6 files were verified and every later ingest exited 1 on "Protobuf parsing failed".
  const PAGE = Buffer.from("<html><body>Please log in to the hotel Wi-Fi</body></html>\n");

  it("models pull refuses it when no hash is pinned, verify names it, and the next pull fetches the real one", async () => {
    const { manifest, files } = await servedDefaultModel();
    const url = `/${manifest.repo}/resolve/${manifest.revision}/onnx/vision_model_quantized.onnx`;
    const real = files.get(url)!;
    files.set(url, PAGE);
    const server = await startFileServer(files);
    try {
      const dir = join(await tempDir(), "model");
      await assert.rejects(
        pullModel(manifest, dir, { baseUrl: server.url }),
        (e: VbulkError) =>
          e.code === "MODEL_CORRUPT" && /Expected an ONNX model for onnx\/vision/.test(e.message),
      );
      assert.equal(existsSync(join(dir, "onnx", "vision_model_quantized.onnx")), false);
      files.set(url, real);
      await pullModel(manifest, dir, { baseUrl: server.url });
      // A cache that pinned the page before this check: verify names it, the next pull replaces it.
      await writeFile(join(dir, "onnx", "vision_model_quantized.onnx"), PAGE);
      const local = JSON.parse(await readFile(join(dir, "vbulk-model.json"), "utf8"));
      for (const f of local.files)
        if (f.path.endsWith("vision_model_quantized.onnx"))
          Object.assign(f, { size: PAGE.length, sha256: sha(PAGE) });
      await writeFile(join(dir, "vbulk-model.json"), JSON.stringify(local));
      const verify = await runCli(["models", "verify", "--model-dir", dir]);
      assert.equal(verify.code, 1, verify.stdout);
      assert.match(verify.stdout, /not-onnx +onnx\/vision_model_quantized\.onnx/);
      await pullModel(manifest, dir, { baseUrl: server.url });
      assert.deepEqual(await readFile(join(dir, "onnx", "vision_model_quantized.onnx")), real);
    } finally {
      await server.close();
    }
  });
});

describe("vbulk's own model caches", { skip }, () => {
  it("a damaged hash memo or label cache is computed again, not the end of ingest", async () => {
    const { tinyModel } = await import("../helpers/models.js");
    const model = await tinyModel();
    const cache = await tempDir();
    const env = testEnv({ VBULK_CACHE_DIR: cache });
    const photos = await copyFixture("grouping");
    const first = await runCli(["ingest", photos, "--model-dir", model, "--json"], { env });
    assert.equal(first.code, 0, first.stderr);
    const damaged = [join(cache, "file-hashes.json")];
    for (const f of await readdir(join(cache, "models", "labels")))
      if (f.endsWith(".json")) damaged.push(join(cache, "models", "labels", f));
    assert.ok(damaged.length >= 2, `a memo and a label cache were written: ${damaged.join(", ")}`);
    for (const f of damaged) await writeFile(f, "{cut");
    const again = await runCli(["ingest", photos, "--model-dir", model, "--json"], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      JSON.parse(again.stdout).articles.map((a: { category: string }) => a.category),
      JSON.parse(first.stdout).articles.map((a: { category: string }) => a.category),
    );
  });
});

describe("models manifest and verify: a folder that ingest would refuse (new-user audit)", { skip }, () => {
  // Before: both said the folder of the two encoders was fine (exit 0), and `ingest --model-dir` then refused it
  // ("Expected tokenizer.json in the model folder … but could not read it").
  it("the two encoders without the tokenizer and preprocessor files: exit 2, each missing file named, nothing written", async () => {
    const dir = await tempDir("vbulk-tiny-");
    const encoders = ["vision_model_quantized.onnx", "text_model_quantized.onnx"];
    for (const f of encoders) await copyFile(sharedPath("models", "clip-tiny-random", f), join(dir, f));
    const refused = await runCli(["models", "manifest", dir]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /Expected the files ingest reads beside the encoders in .*vbulk-tiny-\S+ \(tokenizer\.json, tokenizer_config\.json, preprocessor_config\.json\) but tokenizer\.json, tokenizer_config\.json and preprocessor_config\.json are missing/,
    );
    assert.match(
      refused.stderr,
      /hint: Copy them from the same CLIP export as the encoders .*vbulk models manifest /,
    );
    assert.deepEqual((await readdir(dir)).sort(), [...encoders].sort(), "no vbulk-model.json written");
    // A manifest an older vbulk wrote for such a folder: verify no longer calls it usable.
    const files = [];
    for (const path of encoders)
      files.push({
        path,
        size: (await stat(join(dir, path))).size,
        sha256: sha(await readFile(join(dir, path))),
      });
    const older = {
      schemaVersion: 1,
      name: "tiny",
      family: "clip",
      embeddingSize: 512,
      logitScale: 100,
      vision: encoders[0],
      text: encoders[1],
      files,
    };
    await writeFile(join(dir, "vbulk-model.json"), JSON.stringify(older));
    await copyFile(
      sharedPath("models", "clip-vit-b32-tokenizer", "tokenizer.json"),
      join(dir, "tokenizer.json"),
    );
    const verify = await runCli(["models", "verify", "--model-dir", dir]);
    assert.equal(verify.code, 2, verify.stdout + verify.stderr);
    assert.match(verify.stderr, /but tokenizer_config\.json and preprocessor_config\.json are missing/);
    assert.doesNotMatch(verify.stdout, /verified/);
    // Completed, the folder is recorded and verified.
    for (const f of ["tokenizer_config.json", "preprocessor_config.json"])
      await copyFile(sharedPath("models", "clip-vit-b32-tokenizer", f), join(dir, f));
    const written = await runCli(["models", "manifest", dir]);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stdout, /wrote .*vbulk-model\.json: 5 files/);
    const ok = await runCli(["models", "verify", "--model-dir", dir]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /all 5 files verified/);
  });
});

describe("a model base URL that is no http(s) URL (error audit 1)", () => {
  it("models pull refuses it, naming the variable or the flag and the value: exit 2, nothing created", async () => {
    const cache = await tempDir();
    const env = testEnv({ VBULK_CACHE_DIR: cache, VBULK_MODEL_BASE_URL: "notaurl", VBULK_OFFLINE: "" });
    const r = await runCli(["models", "pull"], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /error: Expected an http\(s\) URL .*for env VBULK_MODEL_BASE_URL but received "notaurl"/,
    );
    assert.doesNotMatch(r.stderr, /unexpected/);
    assert.deepEqual(await readdir(cache), []);

    const flag = await runCli(["models", "pull", "--base-url", "ftp://x", "--json"], {
      env: testEnv({ VBULK_CACHE_DIR: cache, VBULK_OFFLINE: "" }),
    });
    assert.equal(flag.code, 2, flag.stderr);
    const doc = JSON.parse(flag.stdout);
    assert.equal(doc.error.code, "BAD_USAGE");
    assert.match(doc.error.message, /for --base-url .*but received "ftp:\/\/x"/);
    assert.ok(doc.error.hint);
  });

  it("ingest treats it as a model that cannot be pulled: one warning naming it, then the model-free run", async () => {
    const photos = await copyFixture("grouping");
    const env = testEnv({
      VBULK_CACHE_DIR: await tempDir(),
      VBULK_MODEL_BASE_URL: "notaurl",
      VBULK_OFFLINE: "",
    });
    const r = await runCli(["ingest", photos, "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).embedder.id, "features-v1");
    assert.match(
      r.stderr,
      /^warning: No CLIP model available \(Expected an http\(s\) URL .*VBULK_MODEL_BASE_URL but received "notaurl"\)/m,
    );
    assert.match(r.stderr, /VBULK_MODEL_BASE_URL/);
    const status = JSON.parse(await readFile(join(photos, ".vbulk", "status.json"), "utf8"));
    assert.doesNotMatch(JSON.stringify(status), /failed|Invalid URL/);
  });
});

describe("a model base URL with user:password@ (models audit F8)", { skip }, () => {
  let server: FileServer;
  before(async () => {
    server = await startFileServer((await servedDefaultModel()).files);
  });
  after(() => server.close());
  const secret = "s3cretPW";
  const withPassword = (url: string) => url.replace("://", `://alice:${secret}@`);
  /** Every text file under `dir`, for a secret written to disk. */
  const textsUnder = async (dir: string): Promise<string> => {
    let all = "";
    for (const e of await readdir(dir, { recursive: true, withFileTypes: true }))
      if (e.isFile() && /\.(json|log|txt|csv)$/.test(e.name))
        all += await readFile(join(e.parentPath, e.name), "utf8");
    return all;
  };

  it("models pull sends the credentials as basic auth and never prints them", async () => {
    const cache = await tempDir();
    const env = testEnv({
      VBULK_CACHE_DIR: cache,
      VBULK_MODEL_BASE_URL: withPassword(server.url),
      VBULK_OFFLINE: "",
    });
    const before = server.requests.length;
    const r = await runCli(["models", "pull", "--json"], { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const seen = server.requests.slice(before);
    assert.ok(seen.length >= 6);
    for (const q of seen)
      assert.equal(q.authorization, `Basic ${Buffer.from(`alice:${secret}`).toString("base64")}`);
    assert.doesNotMatch(r.stdout + r.stderr, /s3cretPW/);
    assert.doesNotMatch(await textsUnder(cache), /s3cretPW/);
  });

  it("a failing pull, ingest's warning, and a base URL that is no http(s) URL never show the password", async () => {
    const cache = await tempDir();
    const env = testEnv({
      VBULK_CACHE_DIR: cache,
      VBULK_MODEL_BASE_URL: withPassword(`${server.url}/nope`),
      VBULK_OFFLINE: "",
    });
    const pull = await runCli(["models", "pull", "--json"], { env });
    assert.equal(pull.code, 1, pull.stdout + pull.stderr);
    assert.equal(JSON.parse(pull.stdout).error.code, "NETWORK");
    assert.match(JSON.parse(pull.stdout).error.message, /answered 404/);
    assert.doesNotMatch(pull.stdout + pull.stderr, /s3cretPW/);

    const photos = await copyFixture("grouping");
    const ingest = await runCli(["ingest", photos, "--json"], { env });
    assert.equal(ingest.code, 0, ingest.stderr);
    assert.match(ingest.stderr, /^warning: No CLIP model available/m);
    assert.doesNotMatch(ingest.stdout + ingest.stderr, /s3cretPW/);
    assert.doesNotMatch(await textsUnder(photos), /s3cretPW/);
    assert.doesNotMatch(await textsUnder(cache), /s3cretPW/);

    const ftp = await runCli(["models", "pull"], {
      env: { ...env, VBULK_MODEL_BASE_URL: `ftp://alice:${secret}@host/` },
    });
    assert.equal(ftp.code, 2, ftp.stderr);
    assert.match(ftp.stderr, /but received "ftp:\/\/alice:\*\*\*@host\/"/);
    assert.doesNotMatch(ftp.stdout + ftp.stderr, /s3cretPW/);
  });
});

describe("a model file the server sends cut short, with a matching length (models audit F1)", {
  skip,
}, () => {
  // The default manifest pins nothing: a text encoder 100 kB short (a half-synced mirror) started with the ONNX byte,
  // was pinned, `models verify` and `models pull` said "verified", and every ingest then exited 1.
  it("models pull refuses it and pins nothing; verify names a cut file pinned earlier; the next pull fetches it whole", async () => {
    const { manifest, files } = await servedDefaultModel();
    const text = `/${manifest.repo}/resolve/${manifest.revision}/onnx/text_model_quantized.onnx`;
    const tokenizer = `/${manifest.repo}/resolve/${manifest.revision}/tokenizer.json`;
    const realText = files.get(text)!;
    const realTokenizer = files.get(tokenizer)!;
    files.set(text, realText.subarray(0, realText.length - 100_000));
    files.set(tokenizer, realTokenizer.subarray(0, realTokenizer.length - 1000));
    const server = await startFileServer(files);
    try {
      const cache = await tempDir();
      const env = testEnv({ VBULK_CACHE_DIR: cache, VBULK_MODEL_BASE_URL: server.url, VBULK_OFFLINE: "" });
      const dir = join(cache, "models", "clip-vit-base-patch32");
      const pull = await runCli(["models", "pull", "--json"], { env });
      assert.equal(pull.code, 1, pull.stdout + pull.stderr);
      const err = JSON.parse(pull.stdout).error;
      assert.equal(err.code, "MODEL_CORRUPT");
      assert.match(err.message, /Expected an ONNX model for onnx\/text_model_quantized\.onnx .*cut short/);
      assert.equal(existsSync(join(dir, "onnx", "text_model_quantized.onnx")), false);
      assert.equal(existsSync(join(dir, "onnx", "text_model_quantized.onnx.part")), false);

      files.set(text, realText);
      const second = await runCli(["models", "pull", "--json"], { env });
      assert.equal(second.code, 1, second.stdout + second.stderr);
      assert.match(JSON.parse(second.stdout).error.message, /Expected JSON for tokenizer\.json .*cut short/);
      assert.equal(existsSync(join(dir, "tokenizer.json")), false);

      // A cache an earlier vbulk pinned with the cut files: verify names them, pull fetches them again.
      files.set(tokenizer, realTokenizer);
      assert.equal((await runCli(["models", "pull"], { env })).code, 0);
      const pin = JSON.parse(await readFile(join(dir, "vbulk-model.json"), "utf8"));
      for (const [path, body] of [
        ["onnx/text_model_quantized.onnx", realText.subarray(0, realText.length - 100_000)],
        ["tokenizer.json", realTokenizer.subarray(0, realTokenizer.length - 1000)],
      ] as const) {
        await writeFile(join(dir, path), body);
        Object.assign(
          pin.files.find((f: { path: string }) => f.path === path),
          {
            size: body.length,
            sha256: sha(body),
          },
        );
      }
      await writeFile(join(dir, "vbulk-model.json"), JSON.stringify(pin));
      const verify = await runCli(["models", "verify"], { env });
      assert.equal(verify.code, 1, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /not-onnx +onnx\/text_model_quantized\.onnx .*cut short/);
      assert.match(verify.stdout, /not-json +tokenizer\.json .*cut short/);
      const repull = await runCli(["models", "pull"], { env });
      assert.equal(repull.code, 0, repull.stderr);
      assert.deepEqual(await readFile(join(dir, "onnx", "text_model_quantized.onnx")), realText);
      assert.deepEqual(await readFile(join(dir, "tokenizer.json")), realTokenizer);
      const ingest = await runCli(["ingest", await copyFixture("grouping"), "--json"], { env });
      assert.equal(ingest.code, 0, ingest.stderr);
      assert.match(JSON.parse(ingest.stdout).embedder.id, /^clip:/);
    } finally {
      await server.close();
    }
  });
});

describe("two first-use downloads at once (models audit F2)", { skip }, () => {
  // Both appended to one .part: both failed on a byte count, and an ingest went on model-free behind a warning.
  it("an ingest started while `models pull` downloads waits for it, then uses its files", async () => {
    const { manifest, files } = await servedDefaultModel();
    const server = await startFileServer(files);
    try {
      const vision = `/${manifest.repo}/resolve/${manifest.revision}/onnx/vision_model_quantized.onnx`;
      server.slowOnce.set(vision, 200); // 10 pieces, about 2 s in all
      const cache = await tempDir();
      const env = testEnv({ VBULK_CACHE_DIR: cache, VBULK_MODEL_BASE_URL: server.url, VBULK_OFFLINE: "" });
      const pull = runCli(["models", "pull"], { env });
      const part = join(cache, "models", "clip-vit-base-patch32", "onnx", "vision_model_quantized.onnx.part");
      const until = Date.now() + 20_000;
      while (!existsSync(part) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.ok(existsSync(part), "the pull has started its download");
      const ingest = await runCli(["ingest", await copyFixture("grouping"), "--json"], { env });
      const pulled = await pull;
      assert.equal(pulled.code, 0, pulled.stderr);
      assert.equal(ingest.code, 0, ingest.stderr);
      assert.match(JSON.parse(ingest.stdout).embedder.id, /^clip:/);
      assert.doesNotMatch(ingest.stderr, /No CLIP model/);
      assert.match(ingest.stderr, /another vbulk \(pid \d+\) is downloading the model/);
      assert.equal(server.requests.filter((r) => r.path === vision).length, 1, "downloaded once");
      assert.equal(existsSync(part), false);
      assert.equal((await runCli(["models", "verify"], { env })).code, 0);
    } finally {
      await server.close();
    }
  });
});

describe("a read-only file system where the cache belongs (models audit F4)", () => {
  // Node's recursive mkdir says ENOENT there, not EROFS: ingest and `models pull` ended as INTERNAL "unexpected".
  // A read-only tmpfs is mounted for it (root only; skipped where mount is refused).
  let ro: string | null = null;
  before(async () => {
    ro = await tmpfs("1m,ro");
  });
  after(() => {
    if (ro) execFileSync("umount", [ro]);
  });

  it("ingest warns and runs without the model; models pull exits 2 naming the read-only folder", async (t) => {
    if (!ro) return t.skip("skipped: cannot mount a read-only tmpfs (needs root)");
    const env = testEnv({ HOME: ro, VBULK_OFFLINE: "", VBULK_MODEL_BASE_URL: "http://127.0.0.1:9" });
    delete env.VBULK_CACHE_DIR;
    delete env.XDG_CACHE_HOME;
    const ingest = await runCli(["ingest", await copyFixture("grouping"), "--json"], { env });
    assert.equal(ingest.code, 0, ingest.stdout + ingest.stderr);
    assert.equal(JSON.parse(ingest.stdout).embedder.id, "features-v1");
    assert.match(
      ingest.stderr,
      /^warning: No CLIP model available \(The file system is read-only: could not create the cache folder .*\.cache/m,
    );
    assert.match(ingest.stderr, /VBULK_CACHE_DIR/);
    const pull = await runCli(["models", "pull", "--json"], { env });
    assert.equal(pull.code, 2, pull.stdout + pull.stderr);
    const err = JSON.parse(pull.stdout).error;
    assert.equal(err.code, "NOT_WRITABLE");
    assert.match(err.message, /read-only/);
    assert.match(err.hint, /VBULK_CACHE_DIR/);
  });
});

describe("a folder where a model file belongs (models audit F14)", { skip }, () => {
  it("models pull exits 2 naming it before downloading; ingest warns and runs without the model", async () => {
    const { files } = await servedDefaultModel();
    const server = await startFileServer(files);
    try {
      const cache = await tempDir();
      const env = testEnv({ VBULK_CACHE_DIR: cache, VBULK_MODEL_BASE_URL: server.url, VBULK_OFFLINE: "" });
      const dir = join(cache, "models", "clip-vit-base-patch32");
      await mkdir(join(dir, "tokenizer.json"), { recursive: true });
      const pull = await runCli(["models", "pull", "--json"], { env });
      assert.equal(pull.code, 2, pull.stdout + pull.stderr);
      const err = JSON.parse(pull.stdout).error;
      assert.equal(err.code, "NOT_WRITABLE");
      assert.match(err.message, /found a folder in the way.*tokenizer\.json/);
      assert.match(err.hint, /[Rr]emove/);
      assert.equal(server.requests.length, 0, "nothing downloaded");
      const ingest = await runCli(["ingest", await copyFixture("grouping"), "--json"], { env });
      assert.equal(ingest.code, 0, ingest.stdout + ingest.stderr);
      assert.match(
        ingest.stderr,
        /^warning: No CLIP model available \(.*folder in the way.*tokenizer\.json/m,
      );
      assert.equal(existsSync(join(dir, "tokenizer.json.part")), false);
    } finally {
      await server.close();
    }
  });
});

/** A temp folder with a tmpfs of `size` mounted on it (a disk that fills, or is made read-only), or null where mount
 *  is refused (not root). The caller unmounts it. */
async function tmpfs(size: string): Promise<string | null> {
  const dir = await tempDir();
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    return null;
  }
}

describe("models pull on a read-only cache that holds the whole model (models audit F9)", { skip }, () => {
  // pull rewrote vbulk-model.json even when every file was verified: exit 2 on a pre-seeded read-only cache.
  it("exits 0 and writes nothing", async (t) => {
    const cache = await tmpfs("20m");
    if (!cache) return t.skip("skipped: cannot mount a tmpfs (needs root)");
    const { files } = await servedDefaultModel();
    const server = await startFileServer(files);
    try {
      const env = testEnv({ VBULK_CACHE_DIR: cache, VBULK_MODEL_BASE_URL: server.url, VBULK_OFFLINE: "" });
      assert.equal((await runCli(["models", "pull"], { env })).code, 0);
      execFileSync("mount", ["-o", "remount,ro", cache]);
      const again = await runCli(["models", "pull"], { env });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /clip-vit-base-patch32 is ready in .* \(6 files verified\)/);
    } finally {
      await server.close();
      execFileSync("umount", [cache]);
    }
  });
});

describe("a full disk during ingest's first-use download (models audit F13)", { skip }, () => {
  it("the warning says to free space, not to point the cache at a writable folder", async (t) => {
    const cache = await tmpfs("1m");
    if (!cache) return t.skip("skipped: cannot mount a tmpfs (needs root)");
    const { files } = await servedDefaultModel();
    const server = await startFileServer(files);
    try {
      const env = testEnv({ VBULK_CACHE_DIR: cache, VBULK_MODEL_BASE_URL: server.url, VBULK_OFFLINE: "" });
      const r = await runCli(["ingest", await copyFixture("grouping"), "--json"], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^warning: No CLIP model available \(The disk is full/m);
      assert.match(r.stderr, /Free some space in the model cache/);
      assert.doesNotMatch(r.stderr, /a folder this user can write/);
    } finally {
      await server.close();
      execFileSync("umount", [cache]);
    }
  });
});
