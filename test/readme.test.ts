import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { chmod, copyFile, cp, mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { after, before, describe, it } from "node:test";
import yazl from "yazl";
import { loadManifest } from "../src/model/manifest.js";
import { saveSession } from "../src/vinted/session.js";
import { type FileServer, startFileServer } from "./helpers/file-server.js";
import { needTool, testChromium } from "./helpers/needs.js";
import { readmeBlocks } from "./helpers/readme.js";
import { BIN, FIXTURES, tempDir } from "./helpers/run.js";
import { needShared, REPO, sharedPath } from "./helpers/shared.js";
import { VintedReplica } from "./replica/server.js";

/**
 * The README's shell examples, run as written, in README order, in one workspace (so the ingest an example
 * makes is the one the next `plan` reads, as for a reader following along). Convention: README "Development →
 * Examples are tested"; parser: helpers/readme.ts. Placeholders are real files of the workspace with the names
 * the README uses; the network is local: models come from a file server, Vinted is the replica.
 */
const blocks = readmeBlocks(join(REPO, "README.md"));
const examples = blocks.flatMap((b) => b.examples);

/** README placeholders that are not file names: replaced before running. */
const PLACEHOLDERS: [RegExp, string][] = [
  [/\bnpx vbulk\b/g, "vbulk"],
  [/\bDIR\b/g, "~/models/clip-vit-base-patch32"],
];

/**
 * Examples that fail today because of a code bug another issue is fixing: still run, reported as TODO instead of
 * failing `npm test`. Each entry names the fix; delete it once that fix is merged (a passing TODO shows as ✔).
 */
const KNOWN_BROKEN: { match: RegExp; why: string }[] = [];

const needsBrowser = (cmd: string) =>
  /\bvbulk (execute|auth|doctor|login|vinted)\b/.test(cmd) && !/--check\b/.test(cmd);
const needsModels = (cmd: string) =>
  /\bvbulk models (pull|verify|manifest)\b|--model-dir\b|\bDIR\b/.test(cmd);
const chromiumSkip = needTool("chromium");
const sharedSkip =
  needShared("models", "clip-tiny-random", "vision_model_quantized.onnx") ||
  needShared("models", "clip-vit-b32-tokenizer", "tokenizer.json");

describe("README examples run as written", { concurrency: false }, () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;
  const replica = new VintedReplica();
  let files: FileServer | undefined;

  before(async () => {
    ws = await tempDir("vbulk-readme-");
    // `vbulk` on the PATH, as after `npm link`.
    const bin = join(ws, ".bin");
    await mkdir(bin);
    await writeFile(join(bin, "vbulk"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    await chmod(join(bin, "vbulk"), 0o755);
    // The files the examples name.
    await cp(join(FIXTURES, "grouping"), join(ws, "photos"), { recursive: true });
    await rm(join(ws, "photos", "truth.json"));
    await cp(join(ws, "photos"), join(ws, "big-batch"), { recursive: true });
    // ./photos.zip is ./photos zipped, as the README means it: `ingest ./photos --out ./review` then
    // `ingest ./photos.zip --out ./review` is the same batch (another batch there is refused).
    const zip = new yazl.ZipFile();
    for (const f of await readdir(join(ws, "photos"))) zip.addFile(join(ws, "photos", f), `photos/${f}`);
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(join(ws, "photos.zip")));
    await copyFile(join(REPO, "models", "labels", "garments.json"), join(ws, "my-labels.json"));
    await cp(join(REPO, "templates"), join(ws, "my-templates"), { recursive: true });
    const home = join(ws, "home");
    await mkdir(home);
    const configDir = join(ws, "config");
    // Fast pacing (the 5-publishes-a-minute ceiling cannot be raised; it is tested with a fake clock).
    const config = join(ws, "vbulk-test-config.json");
    await writeFile(config, JSON.stringify({ execute: { writeSpacingMs: [0, 0], timeoutMs: 15000 } }));
    env = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: home,
      LANG: "C.UTF-8",
      NO_COLOR: "1",
      VBULK_CACHE_DIR: join(ws, "cache"),
      VBULK_OFFLINE: "1",
      VBULK_CONFIG_DIR: configDir,
      VBULK_CONFIG: config,
    };
    if (!sharedSkip) {
      // ~/models/clip-vit-base-patch32: a model folder of one's own (random-weight encoders, real tokenizer).
      const model = join(home, "models", "clip-vit-base-patch32");
      await mkdir(join(model, "onnx"), { recursive: true });
      for (const f of ["vision_model_quantized.onnx", "text_model_quantized.onnx"])
        await symlink(sharedPath("models", "clip-tiny-random", f), join(model, "onnx", f));
      for (const f of ["tokenizer.json", "tokenizer_config.json", "preprocessor_config.json", "config.json"])
        await symlink(sharedPath("models", "clip-vit-b32-tokenizer", f), join(model, f));
      // `models pull` downloads the default manifest's files from a local server in the Hugging Face layout.
      const manifest = await loadManifest("clip-vit-base-patch32");
      const served = new Map<string, Buffer>();
      for (const f of manifest.files)
        served.set(
          `/${manifest.repo}/resolve/${manifest.revision}/${f.path}`,
          await readFile(join(model, f.path)),
        );
      files = await startFileServer(served);
      env.VBULK_MODEL_BASE_URL = files.url;
    }
    const browser = testChromium();
    if (browser) {
      await replica.start();
      await saveSession({ cookies: replica.cookies(), origins: [] }, { VBULK_CONFIG_DIR: configDir });
      // Headless here (no display in CI); the README says real use is headed.
      Object.assign(env, {
        VBULK_VINTED_URL: replica.url,
        // The replica is no real site: its prices are taken in vinted.fr's currency.
        VBULK_VINTED_CURRENCY: "EUR",
        VBULK_CHROMIUM_PATH: browser,
        VBULK_HEADLESS: "1",
      });
    }
  });

  after(async () => {
    await replica.stop();
    await files?.close();
    if (ws) await rm(ws, { recursive: true, force: true });
  });

  it("every shell block follows the convention and the README has examples", () => {
    assert.ok(examples.length >= 20, `only ${examples.length} examples found`);
    for (const b of blocks)
      if (!b.illustrative)
        for (const e of b.examples)
          assert.match(
            e.command,
            /(^|\s)(npx )?vbulk\s/,
            `README.md:${e.line}: only vbulk commands are run; mark the block \`\`\`sh illustrative with a reason`,
          );
  });

  for (const ex of examples) {
    const skip = (needsBrowser(ex.command) && chromiumSkip) || (needsModels(ex.command) && sharedSkip);
    const todo = KNOWN_BROKEN.find((k) => k.match.test(ex.command))?.why ?? false;
    it(`README.md:${ex.line}: ${ex.command}`, { skip, todo }, async () => {
      const command = PLACEHOLDERS.reduce((c, [re, to]) => c.replace(re, to), ex.command);
      // `models pull` is the one example that must reach a server (the local one above): under VBULK_OFFLINE=1 it
      // refuses, as the README says. Every other example stays offline.
      const r = await sh(command, ws, /\bmodels pull\b/.test(command) ? { ...env, VBULK_OFFLINE: "" } : env);
      assert.equal(
        r.code,
        ex.exit,
        `README.md:${ex.line} says exit ${ex.exit}, got ${r.code}: ${command}\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`,
      );
    });
  }
});

/** The longest a README example may run (the slowest takes a few seconds). */
const COMMAND_LIMIT_MS = 120_000;

function sh(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a command that hangs is killed with everything it started: a README example
    // must fail the run, naming itself, rather than hold CI until its limit.
    const child = spawn("sh", ["-c", command], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    const limit = setTimeout(() => {
      stderr += `\n[killed: still running after ${COMMAND_LIMIT_MS / 1000} s]`;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {}
    }, COMMAND_LIMIT_MS);
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("README: the --json error document", () => {
  it("lists every error code a command can print", async () => {
    // Before, the list ended in "…" and left out half the codes (TOO_MANY_FILES, ZIP_UNSAFE, BAD_FILE, …): a
    // script's `case` on `.error.code` met codes the manual never named.
    const source = await readFile(join(REPO, "src", "core", "errors.ts"), "utf8");
    const union = source.slice(
      source.indexOf("export type ErrorCode"),
      source.indexOf(";", source.indexOf("export type ErrorCode")),
    );
    const codes = [...union.matchAll(/\| "([A-Z_]+)"/g)].map((m) => m[1]!);
    assert.ok(codes.length >= 20, `found ${codes.length} codes in errors.ts`);
    const readme = await readFile(join(REPO, "README.md"), "utf8");
    const at = readme.indexOf("With `--json`, a command that fails still prints one JSON document");
    const paragraph = readme.slice(at, readme.indexOf("\n\n", at));
    for (const code of [...codes, "INTERRUPTED"])
      assert.ok(paragraph.includes(`\`${code}\``), `${code} is not listed`);
  });
});

/** A section of the README, from its heading to the next heading of its level or above. */
function readmeSection(readme: string, heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `no "${heading}" section`);
  const level = /^#+/.exec(heading)?.[0] ?? "##";
  const next = readme.slice(at + heading.length + 2).search(new RegExp(`^#{1,${level.length}} `, "m"));
  return readme.slice(at, next < 0 ? undefined : at + heading.length + 2 + next);
}

// Audit portability 1 and 12: PowerShell's default execution policy refuses npx.ps1 and vbulk.ps1 ("running scripts
// is disabled on this system") and Install never said so; it named Linux's Playwright folder only.
describe("README: Install for Windows and macOS sellers", () => {
  it("says what to do when PowerShell refuses npx.ps1, and where Playwright's Chromium lands on each system", async () => {
    const install = readmeSection(await readFile(join(REPO, "README.md"), "utf8"), "## Install");
    for (const words of [
      "running scripts is disabled on this system",
      "`npx.cmd vbulk …`",
      "`vbulk.cmd …`",
      "cmd.exe",
      "`Set-ExecutionPolicy -Scope CurrentUser RemoteSigned`",
      "`~/.cache/ms-playwright` on Linux",
      "`~/Library/Caches/ms-playwright` on macOS",
      "`%LOCALAPPDATA%\\ms-playwright` on Windows",
    ])
      assert.ok(install.includes(words), `Install does not say ${words}`);
  });
});
