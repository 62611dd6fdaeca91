/**
 * The hostile-input suite of issue 8, run through the real CLI: odd and hostile ZIPs, decompression bombs, names
 * that try to drive the terminal or forge log lines, planted symlinks, a full disk, read-only and unreadable
 * folders, and the smaller careless cases. No case may end on the "this is unexpected" path.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import {
  chmod,
  chown,
  copyFile,
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { rawZip } from "../../fixtures/hostile.js";
import { pageCatalog } from "../../src/review/server.js";
import { tinyModel } from "../helpers/models.js";
import { BIN, FIXTURES, type RunResult, runCli, tempDir, testEnv } from "../helpers/run.js";
import { needShared } from "../helpers/shared.js";

const HOSTILE = join(FIXTURES, "hostile");
const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
const isRoot = process.getuid?.() === 0;
/** As root, permission tests run the CLI as "nobody" (root may read and write anything). */
const NOBODY = 65534;

function noUnexpected(r: RunResult): void {
  assert.doesNotMatch(r.stderr, /this is unexpected/, r.stderr);
  assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
}

async function zipRun(name: string, args: string[] = []) {
  const dir = await tempDir();
  await copyFile(join(HOSTILE, "zips", name), join(dir, "photos.zip"));
  const r = await runCli(["ingest", join(dir, "photos.zip"), "--json", ...args]);
  noUnexpected(r);
  return { r, dir, work: join(dir, "photos.vbulk") };
}

describe("hostile ZIPs: one odd entry is a skip with its reason, never an abort (defect 6)", () => {
  for (const [zip, reason, detail] of [
    ["encrypted.zip", "unsupported-entry", /encrypted/],
    ["bzip2.zip", "unsupported-entry", /bzip2/],
    ["lzma.zip", "unsupported-entry", /LZMA/],
    ["nul-byte.zip", "unsafe-path", /control character/],
    ["crc-error.zip", "bad-entry", /CRC-32 mismatch/],
    ["size-mismatch.zip", "bad-entry", /could not be extracted/],
    ["bad-offset.zip", "bad-entry", /could not be extracted/],
    ["file-folder-clash.zip", "name-clash", /also a file/],
    ["duplicate-names.zip", "duplicate-name", /first one is kept/],
  ] as const) {
    it(`${zip}: the good photo is ingested, the odd entry skipped as ${reason}`, async () => {
      const { r, work } = await zipRun(zip);
      assert.equal(r.code, 3, `partly done: a photo was not taken. ${r.stderr}`);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.summary.photos, 1);
      const skip = doc.skipped.find((s: { reason: string }) => s.reason === reason);
      assert.ok(skip, `skipped as ${reason}: ${JSON.stringify(doc.skipped)}`);
      assert.match(skip.detail, detail);
      const left = (await readdir(work)).filter((f) => f.endsWith(".part"));
      assert.deepEqual(left, [], "no partial file left");
    });
  }

  it("a legal 255-byte name is extracted under that name", async () => {
    const { r, work } = await zipRun("long-name.zip");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.photos, 2);
    assert.ok(existsSync(join(work, `${"a".repeat(251)}.jpg`)));
  });

  it("a central directory whose sizes disagree is a clear exit 2", async () => {
    const { r } = await zipRun("stored-size-mismatch.zip");
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /Expected a readable ZIP archive for .*photos\.zip but received a damaged central directory at entry 2 \(/,
    );
    assert.match(r.stderr, /hint: Re-create the ZIP/);
  });

  it("a ZIP replaced by another whose entry kept its size is extracted again (no stale photo)", async () => {
    const { r, dir, work } = await zipRun("replaced-before.zip");
    assert.equal(r.code, 0, r.stderr);
    await copyFile(join(HOSTILE, "zips", "replaced-after.zip"), join(dir, "photos.zip"));
    const again = await runCli(["ingest", join(dir, "photos.zip"), "--json"]);
    assert.equal(again.code, 0, again.stderr);
    const catalog = JSON.parse(await readFile(join(work, "catalog.json"), "utf8"));
    const want = execFileSync("unzip", ["-p", join(dir, "photos.zip"), "IMG_0001.jpg"]).length;
    assert.equal((await stat(join(work, "IMG_0001.jpg"))).size, want);
    const { createHash } = await import("node:crypto");
    const sha = createHash("sha256")
      .update(await readFile(join(work, "IMG_0001.jpg")))
      .digest("hex");
    const fromZip = createHash("sha256")
      .update(execFileSync("unzip", ["-p", join(dir, "photos.zip"), "IMG_0001.jpg"]))
      .digest("hex");
    assert.equal(sha, fromZip, "the photo on disk is the new archive's");
    assert.equal(catalog.photos[0].sha256, fromZip);
  });
});

describe("ZIP entry names a Windows or macOS disk cannot hold apart (portability 9 and 10)", () => {
  const photo = (n: number) => readFile(join(FIXTURES, "grouping", `IMG_000${n}.jpg`));
  type Photo = { file: string; zip_name?: string; sha256: string };

  async function ingestZip(entries: { name: string; data: Buffer }[]) {
    const dir = await tempDir();
    await writeFile(join(dir, "photos.zip"), rawZip(entries));
    const r = await runCli(["ingest", join(dir, "photos.zip")]);
    noUnexpected(r);
    const work = join(dir, "photos.vbulk");
    const catalog = JSON.parse(await readFile(join(work, "catalog.json"), "utf8"));
    const log = await readFile(join(work, "catalog.log"), "utf8");
    return { r, dir, work, catalog, log };
  }

  it("IMG_1.JPG and img_1.jpg: both photos reach the catalog, the later under img_1 (2).jpg, named in the catalog and the log, the same on a re-run", async () => {
    const entries = [
      { name: "IMG_1.JPG", data: await photo(1) },
      { name: "img_1.jpg", data: await photo(2) },
    ];
    const { r, dir, work, catalog, log } = await ingestZip(entries);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /note: 1 photo of photos\.zip was extracted under another name.*`img_1\.jpg` as `img_1 \(2\)\.jpg`/,
    );
    const photos = catalog.photos as Photo[];
    assert.deepEqual(photos.map((p) => [p.file, p.zip_name ?? null]).sort(), [
      ["IMG_1.JPG", null],
      ["img_1 (2).jpg", "img_1.jpg"],
    ]);
    assert.equal(new Set(photos.map((p) => p.sha256)).size, 2, "two photos, not one read twice");
    assert.equal(catalog.summary.photos, 2);
    assert.match(
      log,
      /^renamed img_1\.jpg → img_1 \(2\)\.jpg: its name in the ZIP differs only in letter case/m,
    );
    assert.ok(existsSync(join(work, "img_1 (2).jpg")));
    const again = await runCli(["ingest", join(dir, "photos.zip"), "--json"]);
    assert.equal(again.code, 0, again.stderr);
    const next = JSON.parse(await readFile(join(work, "catalog.json"), "utf8"));
    assert.deepEqual(
      (next.photos as Photo[]).map((p) => [p.file, p.zip_name ?? null]),
      photos.map((p) => [p.file, p.zip_name ?? null]),
      "a re-run gives the same names",
    );
  });

  it("a:b.jpg, CON.jpg, Robes ./x.jpg, x.jpg.: extracted under names Windows can hold, the ZIP's names kept in the catalog and the log", async () => {
    const entries = [
      { name: "a:b.jpg", data: await photo(1) },
      { name: "CON.jpg", data: await photo(2) },
      { name: "Robes ./x.jpg", data: await photo(3) },
      { name: "x.jpg.", data: await photo(4) },
      { name: "x.jpg", data: await photo(5) },
    ];
    const { r, work, catalog, log } = await ingestZip(entries);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(catalog.skipped, []);
    assert.deepEqual((catalog.photos as Photo[]).map((p) => [p.file, p.zip_name ?? null]).sort(), [
      ["Robes/x.jpg", "Robes ./x.jpg"],
      ["_CON.jpg", "CON.jpg"],
      ["a_b.jpg", "a:b.jpg"],
      ["x (2).jpg", "x.jpg."],
      ["x.jpg", null],
    ]);
    assert.equal(new Set((catalog.photos as Photo[]).map((p) => p.sha256)).size, 5);
    assert.match(r.stderr, /note: 4 photos of photos\.zip were extracted under another name/);
    assert.match(log, /^renamed a:b\.jpg → a_b\.jpg: Windows cannot hold the name in the ZIP$/m);
    assert.match(log, /^renamed CON\.jpg → _CON\.jpg: /m);
    assert.match(log, /^renamed Robes \.\/x\.jpg → Robes\/x\.jpg: /m);
    assert.match(log, /^renamed x\.jpg\. → x \(2\)\.jpg: Windows cannot hold the name in the ZIP, and /m);
    const page = pageCatalog(catalog).articles.flatMap((a) => a.photos);
    assert.equal(
      page.find((p) => p.file === "a_b.jpg")?.zipName,
      "a:b.jpg",
      "the review page gets the ZIP's name",
    );
    const onDisk = (await readdir(work, { recursive: true })).map(String).filter((f) => f.endsWith(".jpg"));
    assert.deepEqual(onDisk.sort(), ["Robes/x.jpg", "_CON.jpg", "a_b.jpg", "x (2).jpg", "x.jpg"]);
  });
});

describe("decompression bombs (defect 5)", () => {
  it("60 entries of 1 MiB of zeros (under the old 1 MiB exemption) are refused before anything is written", async () => {
    const { r, work } = await zipRun("small-entries-bomb.zip");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Expected a compression ratio of at most 100 for .* entry IMG_0\.jpg/);
    assert.deepEqual(await readdir(work).catch(() => []), []);
  });

  it("one entry over 64 MiB of zeros (ratio ~1000) beside good photos is a zip bomb: exit 2, nothing extracted (audit-ingest 5)", async () => {
    const dir = await tempDir();
    const photo = await readFile(join(FIXTURES, "grouping", "IMG_0001.jpg"));
    const zeros = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(65 * 1024 * 1024)]);
    await writeFile(
      join(dir, "photos.zip"),
      rawZip([
        { name: "IMG_0001.jpg", data: photo },
        { name: "huge.jpg", data: zeros, method: 8 },
      ]),
    );
    const r = await runCli(["ingest", join(dir, "photos.zip")]);
    noUnexpected(r);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error: Expected a compression ratio of at most 100 for .* entry huge\.jpg/);
    assert.match(r.stderr, /hint: .*zip bomb\. Nothing was extracted/);
    assert.doesNotMatch(r.stdout + r.stderr, /too-large/);
    assert.deepEqual(await readdir(dir), ["photos.zip"], "no work folder, no status");
  });

  it("a small HEIC declaring 16000x16000 is refused from its header, not decoded", async (t) => {
    if (!existsSync(join(HOSTILE, "heic", "bomb.heic"))) {
      if (process.env.CI === "true") throw new Error("CI: heif-enc is needed for the HEIC bomb");
      t.skip("heif-enc (libheif-examples) is not installed: no HEIC bomb fixture");
      return;
    }
    const dir = await tempDir();
    await copyFile(join(HOSTILE, "heic", "bomb.heic"), join(dir, "IMG_0001.heic"));
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0002.jpg"));
    const r = await runCli(["ingest", dir, "--json"]);
    noUnexpected(r);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.match(doc.errors[0].message, /at most 210 MP but the file declares 16000x16000/);
  });
});

describe("file names cannot drive the terminal or forge log lines (defect 9)", () => {
  it("escape sequences and newlines in names are shown escaped, in the output and in catalog.log", async () => {
    const dir = await tempDir();
    for (const f of await readdir(join(HOSTILE, "names")))
      await copyFile(join(HOSTILE, "names", f), join(dir, f));
    const r = await runCli(["ingest", dir]);
    noUnexpected(r);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes(ESC), "no raw escape reaches the terminal");
    assert.ok(!(r.stdout + r.stderr).includes(BEL));
    assert.match(r.stdout, /IMG_0003\\x1b\[2J\\x1b\]0;owned\\x07\.jpg: Expected a readable image/);
    const log = await readFile(join(dir, "catalog.log"), "utf8");
    assert.doesNotMatch(log, /^error forged/m, "no forged line");
    assert.ok(!log.includes(ESC));
    assert.match(log, /IMG_0002\\nerror forged\.jpg: FORGED LINE\.jpg/);
  });
});

describe("writes stay inside (defect 8)", () => {
  it("a planted .vbulk symlink is refused, and nothing is written where it points", async () => {
    const dir = await tempDir();
    const elsewhere = await tempDir();
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    await symlink(elsewhere, join(dir, ".vbulk"));
    const r = await runCli(["ingest", dir]);
    noUnexpected(r);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.vbulk but found a symbolic link; vbulk does not follow it/);
    assert.deepEqual(await readdir(elsewhere), []);
    assert.equal(existsSync(join(dir, "catalog.json")), false);
  });

  it("a CLIP run writes nothing outside the work folder and vbulk's own cache (no onnxruntime telemetry)", async (t) => {
    const skip = needShared("models", "clip-tiny-random");
    if (skip) return t.skip(skip);
    const home = await tempDir("vbulk-home-");
    const tmp = await tempDir("vbulk-tmp-");
    const dir = await tempDir();
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    await copyFile(join(FIXTURES, "grouping", "IMG_0004.jpg"), join(dir, "IMG_0004.jpg"));
    const model = await tinyModel();
    const env: NodeJS.ProcessEnv = { ...testEnv(), HOME: home, TMPDIR: tmp, NO_COLOR: "1" };
    for (const k of ["VBULK_CACHE_DIR", "XDG_CACHE_HOME", "ORT_DISABLE_TELEMETRY"]) delete env[k];
    const r = await runCli(["ingest", dir, "--model-dir", model], { env });
    noUnexpected(r);
    assert.equal(r.code, 0, r.stderr);
    const list = async (root: string): Promise<string[]> =>
      (await readdir(root, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(root.length + 1));
    assert.deepEqual(await list(tmp), [], "nothing in TMPDIR (no mat-debug-*.log, no .ses)");
    const inHome = await list(home);
    assert.deepEqual(
      inHome.filter((f) => !f.startsWith(join(".cache", "vbulk"))),
      [],
      "only vbulk's own cache in HOME (no ~/.cache/Microsoft)",
    );
  });
});

describe("environment errors say what happened, to which file, and what to do (defect 7)", () => {
  it("--out that is a file: exit 2 before any work", async () => {
    const dir = await tempDir();
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    await writeFile(join(dir, "out"), "a file");
    const r = await runCli(["ingest", dir, "--out", join(dir, "out")]);
    noUnexpected(r);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Expected a folder for --out but received ".*\/out"/);
    assert.equal(existsSync(join(dir, ".vbulk")), false);
  });

  it("a .vbulk that is a file: exit 2 naming it", async () => {
    const dir = await tempDir();
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    await writeFile(join(dir, ".vbulk"), "not a folder");
    const r = await runCli(["ingest", dir]);
    noUnexpected(r);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Expected a folder for vbulk's state at .*\.vbulk but found a file/);
  });

  it("a symlinked source folder is accepted (the user chose it)", async () => {
    const dir = await tempDir();
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    const link = join(await tempDir(), "photos");
    await symlink(dir, link);
    const r = await runCli(["ingest", link, "--json"]);
    noUnexpected(r);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.photos, 1);
  });

  it("a sub-folder deeper than PATH_MAX is one skipped entry, the rest is ingested", async () => {
    const dir = await tempDir();
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    // 22 levels of 200-character names: over Linux's 4096-byte PATH_MAX (made with relative steps).
    execFileSync(process.execPath, [
      "-e",
      `const fs = require("fs"); process.chdir(process.argv[1]);
       for (let i = 0; i < 22; i++) { fs.mkdirSync("d".repeat(200)); process.chdir("d".repeat(200)); }
       fs.copyFileSync(process.argv[2], "IMG_0002.jpg");`,
      dir,
      join(FIXTURES, "grouping", "IMG_0002.jpg"),
    ]);
    const r = await runCli(["ingest", dir, "--json"]);
    noUnexpected(r);
    assert.equal(r.code, 3, `partly done: a folder could not be read. ${r.stderr}`);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.summary.photos, 1);
    assert.ok(
      doc.skipped.some((s: { reason: string }) => s.reason === "unreadable"),
      JSON.stringify(doc.skipped),
    );
  });

  it("a read-only output folder is found before the analysis (exit 2, nothing written)", async () => {
    const dir = await tempDir();
    await chmod(dir, 0o755);
    for (const f of ["IMG_0001.jpg", "IMG_0002.jpg"])
      await copyFile(join(FIXTURES, "grouping", f), join(dir, f));
    const out = join(await tempDir(), "out");
    await mkdir(out);
    await chmod(out, 0o555);
    await chmod(join(out, ".."), 0o755);
    const r = await runCli(["ingest", dir, "--out", out], {
      env: testEnv(),
      ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    noUnexpected(r);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Permission denied: could not write in .*\/out/);
    assert.match(r.stderr, /hint: Pass --out DIR/);
    assert.doesNotMatch(r.stderr, /bad photo/);
    assert.deepEqual(await readdir(out), []);
  });

  it("a ZIP in a read-only folder: the hint says --out, and --out DIR extracts it there (audit-ingest 3)", async () => {
    const ro = await tempDir();
    await copyFile(join(FIXTURES, "zips", "photos.zip"), join(ro, "photos.zip"));
    await chmod(ro, 0o555);
    const writable = await tempDir();
    await chmod(writable, 0o777);
    const out = join(writable, "out");
    const as = { env: testEnv(), ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}) };
    const refused = await runCli(["ingest", join(ro, "photos.zip")], as);
    noUnexpected(refused);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /Permission denied: could not write in .*/);
    assert.match(
      refused.stderr,
      /hint: A ZIP's photos are extracted next to it \(photos\.vbulk\/\)\. Pass --out DIR/,
    );
    const r = await runCli(["ingest", join(ro, "photos.zip"), "--out", out, "--json"], as);
    noUnexpected(r);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.photos, 2);
    assert.ok(existsSync(join(out, "photos.vbulk", "shoot", "IMG_0001.jpg")), "extracted under --out");
    const catalog = JSON.parse(await readFile(join(out, "catalog.json"), "utf8"));
    assert.deepEqual(catalog.photos.map((p: { file: string }) => p.file).sort(), [
      "photos.vbulk/shoot/IMG_0001.jpg",
      "photos.vbulk/shoot/IMG_0002.jpg",
    ]);
    assert.deepEqual(await readdir(ro), ["photos.zip"], "nothing written beside the ZIP");
  });

  it("an unreadable sub-folder is one skipped entry, not an abort", async () => {
    const dir = await tempDir();
    await chmod(dir, 0o777);
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    await chmod(join(dir, "IMG_0001.jpg"), 0o644);
    await mkdir(join(dir, "private"));
    await copyFile(join(FIXTURES, "grouping", "IMG_0004.jpg"), join(dir, "private", "IMG_0004.jpg"));
    await chmod(join(dir, "private"), 0o700);
    if (isRoot) await chown(join(dir, "private"), 0, 0);
    const r = await runCli(["ingest", dir, "--json"], {
      env: testEnv({ VBULK_CACHE_DIR: join(dir, ".cache") }),
      ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    noUnexpected(r);
    assert.equal(r.code, 3, `partly done: a folder could not be read. ${r.stderr}`);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.summary.photos, 1);
    assert.deepEqual(
      doc.skipped
        .filter((s: { reason: string }) => s.reason === "unreadable")
        .map((s: { file: string }) => s.file),
      ["private/"],
    );
  });

  describe("a full disk", () => {
    const mnt = join(FIXTURES, "..", `tmpfs-${process.pid}`);
    let mounted = false;
    after(async () => {
      if (mounted) execFileSync("umount", [mnt]);
      await rm(mnt, { recursive: true, force: true });
    });
    it("says the disk is full, names the file, keeps the earlier catalog and leaves no temp file", async (t) => {
      if (!isRoot) return t.skip("needs root to mount a small tmpfs");
      await mkdir(mnt, { recursive: true });
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", mnt], { stdio: "ignore" });
        mounted = true;
      } catch {
        return t.skip("this machine does not allow mounting a tmpfs");
      }
      const dir = await tempDir();
      for (const f of ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0004.jpg"])
        await copyFile(join(FIXTURES, "grouping", f), join(dir, f));
      const first = await runCli(["ingest", dir, "--out", mnt]);
      assert.equal(first.code, 0, first.stderr);
      const before = await readFile(join(mnt, "catalog.json"), "utf8");
      await copyFile(join(FIXTURES, "grouping", "IMG_0007.jpg"), join(dir, "IMG_0007.jpg"));
      // Fill the disk, leaving no room for the cache or the catalog.
      try {
        execFileSync("dd", ["if=/dev/zero", `of=${join(mnt, "filler")}`, "bs=4k"], { stdio: "ignore" });
      } catch {
        // dd stops with "no space left": that is the point
      }
      const r = await runCli(["ingest", dir, "--out", mnt]);
      noUnexpected(r);
      assert.equal(r.code, 1, r.stderr);
      // The first file the run writes names the full disk: its lock (one ingest at a time), else the cache.
      assert.match(
        r.stderr,
        /The disk is full: could not (create the lock .*ingest\.lock|write the cache .*cache\.journal)/,
      );
      assert.match(r.stderr, /hint: Free some space/);
      assert.equal(
        await readFile(join(mnt, "catalog.json"), "utf8"),
        before,
        "the earlier catalog is intact",
      );
      const temps = (await readdir(mnt, { recursive: true })).filter((f) => /\.tmp$|\.part$/.test(String(f)));
      assert.deepEqual(temps, []);
    });
  });
});

describe("smaller careless cases (defect 10)", () => {
  it("--config on a file that is not JSON does not quote its content", async () => {
    const dir = await tempDir();
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    const secret = join(dir, "shadow");
    await writeFile(secret, "root:$6$s3cr3tSALT$hashhashhash:19000:0:99999:7:::\n");
    for (const file of [secret, ...(existsSync("/etc/shadow") && isRoot ? ["/etc/shadow"] : [])]) {
      const r = await runCli(["ingest", dir, "--config", file]);
      noUnexpected(r);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Expected valid JSON in .* but it does not parse/);
      assert.doesNotMatch(r.stderr, /root:|s3cr3t|\$6\$/);
    }
  });

  it("a label set made by a newer vbulk says so (exit 2)", async () => {
    const dir = await tempDir();
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    await writeFile(join(dir, "labels.json"), JSON.stringify({ schemaVersion: 7, name: "x", labels: [] }));
    const r = await runCli(["ingest", dir, "--labels", join(dir, "labels.json")]);
    noUnexpected(r);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /labels\.json was made by a newer vbulk \(schemaVersion 7; this vbulk reads 1\)/);
  });

  it("a missing --labels file is exit 2, even when no model is there to use it", async () => {
    const dir = await tempDir();
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    const r = await runCli(["ingest", dir, "--labels", join(dir, "nope.json")]);
    noUnexpected(r);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /Expected a label set \(JSON, --labels \/ VBULK_LABELS\) at .*nope\.json but found no file there/,
    );
    assert.equal(existsSync(join(dir, "catalog.json")), false);
  });

  it("exit 2 writes no .vbulk/status.json", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "notes.txt"), "no photo here");
    const r = await runCli(["ingest", dir]);
    assert.equal(r.code, 2);
    assert.equal(existsSync(join(dir, ".vbulk")), false);
  });

  it("`ingest ./nope` fails before trying to download the model", async () => {
    const env = testEnv({ VBULK_MODEL_BASE_URL: "http://127.0.0.1:9" });
    delete env.VBULK_OFFLINE;
    const r = await runCli(["ingest", "/nonexistent/nope"], {
      env: { ...env, VBULK_CACHE_DIR: await tempDir() },
    });
    noUnexpected(r);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /downloading|No CLIP model available/);
  });

  it('one photo reads "1 article from 1 photo"', async () => {
    const dir = await tempDir();
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    const r = await runCli(["ingest", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1 article from 1 photo \(0 duplicates set aside, 0 other files skipped/m);
    assert.match(r.stdout, /c1 +1 photo {2}/);
  });

  it("--json lists each article's photos as the catalog does", async () => {
    const dir = await tempDir();
    for (const f of ["IMG_0001.jpg", "IMG_0002.jpg"])
      await copyFile(join(FIXTURES, "grouping", f), join(dir, f));
    const r = await runCli(["ingest", dir, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const catalog = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8"));
    assert.deepEqual(
      doc.articles.map((a: { photos: string[] }) => a.photos),
      catalog.items.map((it: { photos: string[] }) => it.photos),
    );
  });

  it("no colour codes in redirected output, even from a terminal", async (t) => {
    if (!existsSync("/usr/bin/script")) return t.skip("needs script(1) for a terminal");
    const dir = await tempDir();
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(dir, "IMG_0001.jpg"));
    await copyFile(join(FIXTURES, "bad", "empty.jpg"), join(dir, "IMG_0002.jpg"));
    const out = join(dir, "out.txt");
    const env: NodeJS.ProcessEnv = { ...testEnv(), TERM: "xterm-256color" };
    delete env.NO_COLOR;
    try {
      execFileSync("script", ["-qec", `${process.execPath} ${BIN} ingest ${dir} > ${out}`, "/dev/null"], {
        env,
        stdio: "ignore",
      });
    } catch {
      // exit 3: one photo is bad, on purpose (its error line is coloured red on a terminal)
    }
    const text = await readFile(out, "utf8");
    assert.match(text, /1 photo could not be read/);
    assert.ok(!text.includes(`${ESC}[`), "no colour code in the file");
  });
});

describe("re-ingest keeps plan edits; caches are keyed by model content (defects 2 and 4)", () => {
  it("adding photos that sort first keeps every plan edit of the unchanged articles", async () => {
    const dir = await tempDir();
    for (const f of await readdir(join(FIXTURES, "grouping")))
      if (f.endsWith(".jpg")) await copyFile(join(FIXTURES, "grouping", f), join(dir, f));
    assert.equal((await runCli(["ingest", dir])).code, 0);
    const planned = await runCli(["plan", dir]);
    assert.equal(planned.code, 0, planned.stderr);
    const planPath = join(dir, "plan.json");
    const plan = JSON.parse(await readFile(planPath, "utf8"));
    for (const item of plan.items) item.title = `seller's title for ${item.cluster_id}`;
    await writeFile(planPath, JSON.stringify(plan, null, 2));
    await copyFile(join(FIXTURES, "colours", "IMG_0003-blue.png"), join(dir, "0001.png"));
    await copyFile(join(FIXTURES, "colours", "IMG_0002-green.png"), join(dir, "0002.png"));
    assert.equal((await runCli(["ingest", dir])).code, 0);
    const replanned = await runCli(["plan", dir]);
    assert.equal(replanned.code, 0, replanned.stderr);
    const after = JSON.parse(await readFile(planPath, "utf8"));
    const catalog = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8"));
    const unchanged = catalog.items.filter((it: { photos: string[] }) =>
      it.photos.every((p) => p.startsWith("IMG_")),
    );
    assert.ok(unchanged.length >= 4);
    for (const it of unchanged) {
      const item = after.items.find((x: { cluster_id: string }) => x.cluster_id === it.id);
      assert.equal(item?.title, `seller's title for ${it.id}`, `${it.id} keeps its edit`);
    }
  });

  it("two different models in folders both named `model` do not share caches", async (t) => {
    const skip = needShared("models", "clip-tiny-random");
    if (skip) return t.skip(skip);
    const { meanColourModel } = await import("../helpers/models.js");
    const a = await tempDir();
    const b = await tempDir();
    await symlink(await meanColourModel(), join(a, "model"));
    await symlink(await tinyModel(), join(b, "model"));
    const photos = async () => {
      const dir = await tempDir();
      for (const f of ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0004.jpg"])
        await copyFile(join(FIXTURES, "grouping", f), join(dir, f));
      return dir;
    };
    const env = testEnv({ VBULK_CACHE_DIR: await tempDir() });
    const ingest = async (dir: string, model: string) => {
      const r = await runCli(["ingest", dir, "--model-dir", model, "--json"], { env });
      noUnexpected(r);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).articles as { score: number; category: string }[];
    };
    const [one, two, alone] = [await photos(), await photos(), await photos()];
    await ingest(one, join(a, "model"));
    // The label cache of model A must not be used for model B (32-d photos against 3-d labels: NaN).
    const b2 = await ingest(two, join(b, "model"));
    assert.ok(b2.every((x) => Number.isFinite(x.score) && x.score > 0));
    // Nor the photo cache: B on photos A has seen gives what B gives on photos never seen.
    const b1 = await ingest(one, join(b, "model"));
    const fresh = await ingest(alone, join(b, "model"));
    assert.deepEqual(b1, fresh);
    assert.deepEqual(b2, fresh);
  });
});
