import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { decodeUtf8 } from "../src/core/utf8.js";
import { JournalFile } from "../src/vinted/journal.js";
import { tempDir } from "./helpers/run.js";

/** The message a seller reads for these bytes, or the text. */
function read(bytes: number[] | string): string {
  try {
    return decodeUtf8(
      typeof bytes === "string" ? Buffer.from(bytes) : Uint8Array.from(bytes),
      "/x/plan.json",
    );
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

// Audit-plan finding 4: a file that is not UTF-8 was read with "�" in place of each bad byte, without a word.
describe("decodeUtf8: a user's file is UTF-8 text, or the message says where it is not", () => {
  it("UTF-8, with accents, an emoji and CRLF, is read as is", () =>
    assert.equal(read("Pull roulé 👕\r\nÉté"), "Pull roulé 👕\r\nÉté"));
  it("a UTF-8 byte-order mark is dropped", () => assert.equal(read([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), "{}"));
  for (const [what, bytes, where] of [
    ["Latin-1 é", [...Buffer.from("ab\ncafé", "latin1")], /byte 0xE9 at line 2, column 4 is not \(it is "é"/],
    ["Windows-1252 ’ (0x92)", [0x6c, 0x92, 0x61], /byte 0x92 at line 1, column 2 is not \(it is "’"/],
    [
      "a character cut at the end of the file",
      [0x63, 0x61, 0x66, 0xc3],
      /byte 0xC3 at line 1, column 4 is not/,
    ],
    ["an overlong form of '/'", [0x61, 0xc0, 0xaf], /byte 0xC0 at line 1, column 2 is not/],
    ["an encoded surrogate", [0x61, 0xed, 0xa0, 0x80], /byte 0xED at line 1, column 2 is not/],
    ["a NUL", [0x61, 0x0a, 0x62, 0x00], /byte 0x00 at line 2, column 2 is not \(a NUL/],
  ] as [string, number[], RegExp][])
    it(what, () => {
      const message = read(bytes);
      assert.match(message, /^error: Expected UTF-8 text in \/x\/plan\.json but /);
      assert.match(message, where);
      assert.match(message, /: save it as UTF-8$/);
    });
  for (const bom of [
    [0xff, 0xfe],
    [0xfe, 0xff],
  ])
    it(`UTF-16 with the mark ${bom.map((b) => b.toString(16)).join(" ")} is named UTF-16`, () =>
      assert.equal(
        read([...bom, 0x7b, 0x00]),
        `error: Expected UTF-8 text in /x/plan.json but it is UTF-16 (Notepad's "Unicode"): save it as UTF-8`,
      ));
});

// The journal is execute's record of what Vinted holds: "save it as UTF-8" alone did not say that it must be
// neither deleted nor edited, nor how to get it back.
describe("execute's journal.json that is not UTF-8 gets the journal's own advice", () => {
  for (const [what, bytes, where] of [
    [
      "Latin-1",
      Buffer.from(
        '{"schemaVersion":2,"site":"https://www.vinted.fr","items":{"c1":{"error":"réseau"}}}',
        "latin1",
      ),
      /byte 0xE9 at line 1, column \d+ is not \(it is "é" in Windows' "ANSI" encoding\)/,
    ],
    ["UTF-16", Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), /it is UTF-16 \(Notepad's "Unicode"\)/],
  ] as [string, Buffer, RegExp][])
    it(what, async () => {
      const dir = await tempDir("vbulk-journal-");
      await writeFile(join(dir, "journal.json"), bytes);
      await assert.rejects(
        JournalFile.open(dir, "https://www.vinted.fr"),
        (err: Error & { code?: string; hint?: string }) => {
          assert.equal(err.code, "BAD_INPUT");
          assert.match(err.message, new RegExp(`^Expected UTF-8 text in ${dir}/journal\\.json but `));
          assert.match(err.message, where);
          assert.match(err.message, /execute's journal .* saved by another program than vbulk$/);
          const hint = err.hint ?? "";
          assert.match(hint, /ids of the drafts already made/, "what the journal is for");
          assert.match(hint, /Do not delete it or edit it by hand/);
          assert.match(hint, /[Rr]estore it from a backup/);
          assert.match(hint, /check your drafts on Vinted by hand before running execute again/);
          assert.doesNotMatch(hint, /^Save the file as UTF-8/);
          return true;
        },
      );
    });
});
