import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { crc32 } from "node:zlib";
import sharp from "sharp";
import { rawZip } from "../fixtures/hostile.js";
import { DEFAULTS } from "../src/core/defaults.js";
import type { VbulkError } from "../src/core/errors.js";
import { scanFolder } from "../src/sources/folder.js";
import { extractZip, windowsSafeName } from "../src/sources/zip.js";
import { copyFixture, FIXTURES, tempDir } from "./helpers/run.js";

const limits = DEFAULTS.sources;

describe("scanFolder: invalid parameters", () => {
  it("refuses a folder that does not exist, naming it", async () => {
    await assert.rejects(scanFolder("/nonexistent/photos", limits), (err: VbulkError) => {
      assert.equal(err.code, "NOT_FOUND");
      assert.match(
        err.message,
        /Expected a folder or a \.zip file for the photo source but received "\/nonexistent\/photos"/,
      );
      assert.ok(err.hint);
      return true;
    });
  });
  it("refuses more photos than maxFiles instead of truncating", async () => {
    await assert.rejects(
      scanFolder(join(FIXTURES, "grouping"), { ...limits, maxFiles: 3 }),
      (err: VbulkError) => {
        assert.equal(err.code, "TOO_MANY_FILES");
        assert.match(err.message, /at most 3 photos/);
        assert.match(err.message, /15 photos/);
        return true;
      },
    );
  });
});

describe("scanFolder", () => {
  it("lists photos in natural order and reports what it skipped", async () => {
    const dir = await copyFixture("grouping");
    const scan = await scanFolder(dir, limits);
    assert.equal(scan.files.length, 15);
    assert.deepEqual(
      scan.files.slice(0, 2).map((f) => f.rel),
      ["IMG_0001.jpg", "IMG_0002.jpg"],
    );
    assert.deepEqual(scan.skipped, [{ file: "truth.json", reason: "not-an-image" }]);
  });

  it("a photo whose name is not UTF-8 (Latin-1 from an old Windows copy) is said so, not « no such file »", async () => {
    // Before: "robe\uFFFDt\uFFFD.jpg: unreadable (ENOENT: no such file or directory, lstat …)" for a file the seller
    // can see in the folder.
    const dir = await tempDir("vbulk-latin1-");
    const photo = await readFile(join(FIXTURES, "grouping", "IMG_0001.jpg"));
    await writeFile(
      Buffer.concat([Buffer.from(`${dir}/robe`), Buffer.from([0xe9, 0x74, 0xe9]), Buffer.from(".jpg")]),
      photo,
    );
    await writeFile(join(dir, "IMG_0002.jpg"), photo);
    const scan = await scanFolder(dir, limits);
    assert.deepEqual(
      scan.files.map((f) => f.rel),
      ["IMG_0002.jpg"],
    );
    assert.equal(scan.skipped.length, 1);
    assert.equal(scan.skipped[0]!.file, "robe\uFFFDt\uFFFD.jpg");
    assert.equal(scan.skipped[0]!.reason, "unreadable", "a photo the seller meant: the run is partial");
    assert.match(scan.skipped[0]!.detail ?? "", /^its name is not UTF-8 .*: rename it/);
  });
});

describe("windowsSafeName", () => {
  for (const [name, safe] of [
    ["IMG_0001.jpg", "IMG_0001.jpg"],
    ["Été/robe.jpg", "Été/robe.jpg"],
    ["a:b.jpg", "a_b.jpg"],
    ['<>:"|?*.jpg', "_______.jpg"],
    ["tab\there.jpg", "tab_here.jpg"],
    ["x.jpg.", "x.jpg"],
    ["x.jpg ", "x.jpg"],
    ["x.jpg. . ", "x.jpg"],
    ["Robes ./x.jpg", "Robes/x.jpg"],
    ["Pulls /x.jpg", "Pulls/x.jpg"],
    [".../x.jpg", "_/x.jpg"],
    ["CON.jpg", "_CON.jpg"],
    ["con", "_con"],
    ["nul", "_nul"],
    ["Aux.tar.gz", "_Aux.tar.gz"],
    ["prn/x.jpg", "_prn/x.jpg"],
    ["COM1.jpg", "_COM1.jpg"],
    ["lpt9.JPG", "_lpt9.JPG"],
    ["CON .jpg", "_CON .jpg"],
    ["COM0.jpg", "COM0.jpg"],
    ["CONSOLE.jpg", "CONSOLE.jpg"],
    ["icon.jpg", "icon.jpg"],
  ] as const) {
    it(`${JSON.stringify(name)} → ${JSON.stringify(safe)}`, () => {
      assert.equal(windowsSafeName(name), safe);
    });
  }
});

describe("extractZip", () => {
  it("extracts photos, skips macOS metadata, dotfiles and non-images, and counts them", async () => {
    const work = join(await tempDir(), "photos.vbulk");
    const scan = await extractZip(join(FIXTURES, "zips", "photos.zip"), work, limits);
    assert.deepEqual(
      scan.files.map((f) => f.rel),
      ["shoot/IMG_0001.jpg", "shoot/IMG_0002.jpg"],
    );
    assert.deepEqual(
      scan.skipped.map((s) => [s.file, s.reason]),
      [
        ["__MACOSX/shoot/._IMG_0001.jpg", "macos-metadata"],
        ["shoot/.DS_Store", "hidden"],
        ["shoot/readme.txt", "not-an-image"],
      ],
    );
    assert.equal(scan.zip?.extracted, 2);
    const again = await extractZip(join(FIXTURES, "zips", "photos.zip"), work, limits);
    assert.equal(again.zip?.reused, 2, "a second run reuses the extracted files");
  });

  // Audit-scale 5: Info-ZIP `zip -r` on Linux stores UTF-8 names without the UTF-8 flag, and vbulk showed
  // `V├¬tements/0000_robe_├⌐t├⌐.jpg` in the summary, the catalog and the work folder on disk.
  it("reads entry names as unzip does: the UTF-8 flag, the Unicode Path field, UTF-8 bytes unflagged, else CP437", async () => {
    const dir = await tempDir();
    const photo = await readFile(join(FIXTURES, "grouping", "IMG_0001.jpg"));
    const nameBytes = Buffer.from("Jupe_pliss?e.jpg", "latin1");
    const utf8Name = Buffer.from("Jupe_plissée.jpg", "utf8");
    const unicodePath = Buffer.alloc(4 + 5);
    unicodePath.writeUInt16LE(0x7075, 0);
    unicodePath.writeUInt16LE(5 + utf8Name.length, 2);
    unicodePath.writeUInt8(1, 4);
    unicodePath.writeUInt32LE(crc32(nameBytes) >>> 0, 5);
    await writeFile(
      join(dir, "photos.zip"),
      rawZip([
        { name: "Été/robe_flag.jpg", data: photo },
        { name: "Vêtements/0000_robe_été.jpg", data: photo, utf8Flag: false },
        // CP437, as old Windows tools wrote it: 0x82 is é.
        {
          name: Buffer.from([...Buffer.from("caf"), 0x82, ...Buffer.from(".jpg")]),
          data: photo,
          utf8Flag: false,
        },
        { name: nameBytes, data: photo, utf8Flag: false, extra: Buffer.concat([unicodePath, utf8Name]) },
      ]),
    );
    const work = join(dir, "photos.vbulk");
    const scan = await extractZip(join(dir, "photos.zip"), work, limits);
    const want = ["Été/robe_flag.jpg", "Jupe_plissée.jpg", "Vêtements/0000_robe_été.jpg", "café.jpg"];
    assert.deepEqual(scan.files.map((f) => f.rel).sort(), [...want].sort());
    assert.deepEqual(scan.skipped, []);
    // The names on disk, in the work folder the seller opens.
    const onDisk = (await readdir(work, { recursive: true })).filter((f) => f.endsWith(".jpg"));
    assert.deepEqual(onDisk.sort(), [...want].sort());
  });

  it("an entry whose name is over 255 bytes is skipped saying so and what to do, the others extracted (audit-phone 8)", async () => {
    const dir = await tempDir();
    const photo = await readFile(join(FIXTURES, "grouping", "IMG_0001.jpg"));
    const long = `photos/${"é".repeat(130)}.jpg`; // 264 bytes in UTF-8: legal in a ZIP made on macOS
    await writeFile(
      join(dir, "long.zip"),
      rawZip([
        { name: "photos/IMG_0001.jpg", data: photo },
        { name: long, data: photo },
      ]),
    );
    const work = join(dir, "long.vbulk");
    const scan = await extractZip(join(dir, "long.zip"), work, limits);
    assert.deepEqual(
      scan.files.map((f) => f.rel),
      ["photos/IMG_0001.jpg"],
    );
    assert.equal(scan.skipped.length, 1);
    const [skipped] = scan.skipped;
    assert.equal(skipped?.file, long);
    assert.equal(skipped?.reason, "bad-entry");
    assert.equal(
      skipped?.detail,
      "its name is too long for this file system (264 bytes in one name; most allow 255): give the photo a " +
        "shorter name in the ZIP (or before making the ZIP again), then run again",
    );
    assert.deepEqual(await readdir(join(work, "photos")), ["IMG_0001.jpg"], "no temp file left behind");
  });

  // Portability audit 10: on NTFS and APFS (case- and normalization-insensitive) the later of `IMG_1.JPG` and
  // `img_1.jpg` replaced the earlier one: one garment's photo was gone, the other read twice, and nothing was said.
  it("entries whose names differ only in letter case or Unicode form are all extracted, the later under a distinct name (portability 10)", async () => {
    const dir = await tempDir();
    const photo = (n: number) => readFile(join(FIXTURES, "grouping", `IMG_000${n}.jpg`));
    const nfc = "caf\u00e9.jpg";
    const nfd = "cafe\u0301.jpg";
    const entries = [
      { name: "IMG_1.JPG", data: await photo(1) },
      { name: "img_1.jpg", data: await photo(2) },
      { name: "Robe/a.jpg", data: await photo(3) },
      { name: "robe/a.jpg", data: await photo(4) },
      { name: nfc, data: await photo(5) },
      { name: nfd, data: await photo(6) },
      // Already the name the second img_1.jpg would get: it keeps it, the renamed one goes on to (3).
      { name: "IMG_1 (2).jpg", data: await photo(7) },
    ];
    await writeFile(join(dir, "photos.zip"), rawZip(entries));
    const work = join(dir, "photos.vbulk");
    const scan = await extractZip(join(dir, "photos.zip"), work, limits);
    const got = Object.fromEntries(scan.files.map((f) => [f.rel, f.zipName ?? null]));
    assert.deepEqual(got, {
      "IMG_1.JPG": null,
      "img_1 (3).jpg": "img_1.jpg",
      "IMG_1 (2).jpg": null,
      "Robe/a.jpg": null,
      "robe/a (2).jpg": "robe/a.jpg",
      [nfc]: null,
      [`cafe\u0301 (2).jpg`]: nfd,
    });
    assert.deepEqual(scan.skipped, []);
    const folded = scan.files.map((f) => f.rel.normalize("NFC").toLowerCase());
    assert.equal(new Set(folded).size, folded.length, "no two names are one on a case-insensitive disk");
    for (const e of entries) {
      const file = scan.files.find((f) => (f.zipName ?? f.rel) === e.name);
      assert.ok(file, e.name);
      assert.ok((await readFile(file.path)).equals(e.data), `${e.name} holds its own photo`);
    }
    const again = await extractZip(join(dir, "photos.zip"), work, limits);
    assert.equal(again.zip?.reused, entries.length, "a re-run reuses every photo under the same names");
    assert.deepEqual(
      again.files.map((f) => [f.rel, f.zipName]),
      scan.files.map((f) => [f.rel, f.zipName]),
    );
  });

  // Portability audit 9: names Windows cannot hold were skipped with a misleading ENOENT there, or made folders
  // Explorer could not open or delete.
  it("names Windows cannot hold are extracted under a safe name that keeps the name in the ZIP (portability 9)", async () => {
    const dir = await tempDir();
    const photo = (n: number) => readFile(join(FIXTURES, "grouping", `IMG_000${n}.jpg`));
    await writeFile(
      join(dir, "photos.zip"),
      rawZip([
        { name: "a:b.jpg", data: await photo(1) },
        { name: "CON.jpg", data: await photo(2) },
        { name: "Robes ./x.jpg", data: await photo(3) },
        { name: "x.jpg.", data: await photo(4) },
        { name: "x.jpg", data: await photo(5) },
        { name: "a_b.jpg", data: await photo(6) },
      ]),
    );
    const scan = await extractZip(join(dir, "photos.zip"), join(dir, "photos.vbulk"), limits);
    assert.deepEqual(Object.fromEntries(scan.files.map((f) => [f.rel, f.zipName ?? null])), {
      "_CON.jpg": "CON.jpg",
      "a_b (2).jpg": "a:b.jpg",
      "a_b.jpg": null,
      "Robes/x.jpg": "Robes ./x.jpg",
      "x (2).jpg": "x.jpg.",
      "x.jpg": null,
    });
    assert.deepEqual(scan.skipped, []);
  });

  it("never writes outside the work folder: ../, absolute paths and symlinks are reported, not extracted", async () => {
    const parent = await tempDir();
    const work = join(parent, "evil.vbulk");
    const scan = await extractZip(join(FIXTURES, "zips", "evil.zip"), work, limits);
    assert.deepEqual(
      scan.files.map((f) => f.rel),
      ["IMG_0001.jpg"],
    );
    const reasons = Object.fromEntries(scan.skipped.map((s) => [s.file, s.reason]));
    assert.equal(reasons["../evil.jpg"], "unsafe-path");
    assert.equal(reasons["/tmp/vbulk-absolute-fixture.jpg"], "unsafe-path");
    assert.equal(reasons["link.jpg"], "symlink");
    assert.equal(existsSync(join(parent, "evil.jpg")), false);
    assert.equal(existsSync("/tmp/vbulk-absolute-fixture.jpg"), false);
    // (.vbulk holds what was extracted, with its CRC, so a re-run can reuse it safely)
    assert.deepEqual(
      (await readdir(work)).filter((f) => f !== ".vbulk"),
      ["IMG_0001.jpg"],
    );
    assert.deepEqual(await readdir(dirname(work)), ["evil.vbulk"]);
  });

  it("refuses a zip bomb before writing anything", async () => {
    const work = join(await tempDir(), "bomb.vbulk");
    await assert.rejects(extractZip(join(FIXTURES, "zips", "bomb.zip"), work, limits), (err: VbulkError) => {
      assert.equal(err.code, "ZIP_TOO_LARGE");
      assert.match(err.message, /compression ratio/);
      assert.match(err.hint ?? "", /Nothing was extracted/);
      return true;
    });
    assert.equal(existsSync(work), false);
  });

  it("refuses a total uncompressed size over the limit", async () => {
    const work = join(await tempDir(), "photos.vbulk");
    await assert.rejects(
      extractZip(join(FIXTURES, "zips", "photos.zip"), work, { ...limits, maxTotalBytes: 1000 }),
      /at most 1000 bytes uncompressed/,
    );
    assert.equal(existsSync(work), false);
  });

  it("refuses more photos than maxFiles", async () => {
    const work = join(await tempDir(), "photos.vbulk");
    await assert.rejects(
      extractZip(join(FIXTURES, "zips", "photos.zip"), work, { ...limits, maxFiles: 1 }),
      (err: VbulkError) => err.code === "TOO_MANY_FILES",
    );
  });

  it("says clearly when the file is not a ZIP", async () => {
    const work = join(await tempDir(), "x.vbulk");
    await assert.rejects(
      extractZip(join(FIXTURES, "zips", "not-a-zip.zip"), work, limits),
      (err: VbulkError) => {
        assert.equal(err.code, "ZIP_UNSAFE");
        assert.match(err.message, /Expected a readable ZIP archive/);
        return true;
      },
    );
  });

  it("a file that does not start as a ZIP is said to be no ZIP at all, with what it starts as, never cut with « ... »", async () => {
    // Before: 'received "a file whose end is not a ZIP's (cut short by an unfinished download or copy,..."' for a
    // text file: the reason cut off, and an unfinished download suggested for a file that never was a ZIP.
    const dir = await tempDir();
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#808080" } })
      .jpeg()
      .toBuffer();
    for (const [name, bytes, said] of [
      [
        "fake.zip",
        Buffer.from("not a zip\n"),
        "a file that is not a ZIP at all (it starts with text: « not a zip »)",
      ],
      ["photo.zip", jpeg, "a file that is not a ZIP at all (it starts as a JPEG photo)"],
      ["empty.zip", Buffer.alloc(0), "an empty file (0 bytes), not a ZIP"],
    ] as const) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      await assert.rejects(extractZip(path, join(dir, "x.vbulk"), limits), (err: VbulkError) => {
        assert.equal(err.code, "ZIP_UNSAFE");
        assert.equal(err.message, `Expected a readable ZIP archive for ${path} but received ${said}`);
        assert.match(err.hint ?? "", /^Check that you passed the right file/);
        if (name !== "empty.zip") assert.doesNotMatch(err.hint ?? "", /Download or copy the ZIP again/);
        return true;
      });
    }
  });

  it("names a ZIP cut short (an unfinished download) in a seller's words, not the ZIP reader's", async () => {
    // Before: 'received "a file yauzl rejects (End of central directory record signature not found. Ei..."'.
    const { readFile, writeFile } = await import("node:fs/promises");
    const dir = await tempDir();
    const whole = await readFile(join(FIXTURES, "zips", "photos.zip"));
    const cut = join(dir, "cut.zip");
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await assert.rejects(extractZip(cut, join(dir, "cut.vbulk"), limits), (err: VbulkError) => {
      assert.equal(err.code, "ZIP_UNSAFE");
      assert.match(err.message, /cut short by an unfinished download or copy/);
      assert.doesNotMatch(err.message, /\.\.\.|not a ZIP at all/, "said whole, and it does start as a ZIP");
      assert.doesNotMatch(err.message, /yauzl|central directory/);
      assert.match(err.hint ?? "", /Download or copy the ZIP again/);
      return true;
    });
  });
});
