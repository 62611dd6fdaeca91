import assert from "node:assert/strict";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadConfigFile, resolveConfig } from "../src/core/config.js";
import { VbulkError } from "../src/core/errors.js";
import { readPlan, writePlan } from "../src/listing/plan.js";
import { readDecisions } from "../src/store/decisions.js";
import { JournalFile } from "../src/vinted/journal.js";
import { loadPacing } from "../src/vinted/pacing.js";
import { tempDir } from "./helpers/run.js";

// A file vbulk cannot read is not a file that is missing: treating it as "no plan yet" wrote a fresh plan over the
// seller's edits (audit: an unreadable plan.json, exit 0). Only ENOENT means "none"; anything else stops, typed.

/** DIR whose `name` is a folder holding one file: reading it fails with EISDIR, as a forbidden file fails with
 *  EACCES for a user that is not root (these tests run as root, where a chmod would not stop the read). */
async function folderInPlaceOf(name: string): Promise<string> {
  const dir = await tempDir("vbulk-files-");
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, "keep.txt"), "seller's file");
  return dir;
}

async function rejectsTyped(p: Promise<unknown>, file: string): Promise<VbulkError> {
  const err = await p.then(
    () => assert.fail(`expected ${file} to be refused`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof VbulkError, `a typed error, not ${String(err)}`);
  assert.match(err.message, new RegExp(file.replace(".", "\\.")));
  assert.ok(err.hint, "says what to do");
  return err;
}

describe("plan.json that cannot be read", () => {
  it("is refused naming the file, not taken for a missing plan", async () => {
    const dir = await folderInPlaceOf("plan.json");
    await rejectsTyped(readPlan(dir), "plan.json");
  });

  it("a missing plan.json is still no plan", async () => {
    assert.equal(await readPlan(await tempDir("vbulk-files-")), null);
  });

  it("a plan that cannot be written says which file and why, and leaves nothing behind", async () => {
    const dir = await folderInPlaceOf("plan.json");
    const plan = {
      schemaVersion: 1 as const,
      ok: true,
      created_at: new Date(0).toISOString(),
      catalog: join(dir, "catalog.json"),
      rules: {
        default_price: 20,
        prices: {},
        condition: "bon" as const,
        brand: "Unknown",
        gender: null,
        lang: "fr" as const,
      },
      items: [],
    };
    const err = await rejectsTyped(writePlan(dir, plan), "plan.json");
    assert.notEqual(err.code, "INTERNAL");
    assert.deepEqual((await readdir(dir)).sort(), ["plan.json"], "no temp file left");
    assert.deepEqual(await readdir(join(dir, "plan.json")), ["keep.txt"]);
  });
});

describe("decisions.json that cannot be read", () => {
  it("is refused naming the file, not taken for no decision", async () => {
    const dir = await folderInPlaceOf("decisions.json");
    await rejectsTyped(readDecisions(dir), "decisions.json");
  });
});

describe("execute's own files: an unreadable one is never taken for none", () => {
  it("journal.json (the drafts already made: taken for none, every article was drafted again)", async () => {
    const dir = await folderInPlaceOf("journal.json");
    await rejectsTyped(JournalFile.open(dir, "https://www.vinted.fr"), "journal.json");
  });

  it("pacing.json (the account's budget and pause: taken for none, a captcha's pause was lifted)", async () => {
    const dir = await folderInPlaceOf("pacing.json");
    await rejectsTyped(loadPacing(dir), "pacing.json");
  });
});

// audit-errors 5: every reader said zod's words without the value ("sources.maxFiles: Too small: expected number to
// be >=1", "Invalid discriminator value. Expected 'move' | …"); one formatter now says what was expected in plain
// words and the value received, with the word meant for a value near one of the list.
describe("a bad field of any file says what was expected, in words, and what it holds", () => {
  /** The message `read` throws for `text` written to DIR/`name`. */
  async function refusal(name: string, text: string, read: (dir: string, file: string) => Promise<unknown>) {
    const dir = await tempDir("vbulk-files-");
    await writeFile(join(dir, name), text);
    const err = await read(dir, join(dir, name)).then(
      () => assert.fail("accepted"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof VbulkError && err.code === "BAD_INPUT", String(err));
    return err.message;
  }
  const config = (text: string) => refusal("config.json", text, (_d, f) => loadConfigFile(f));

  it("the config file: range, whole number, a word of a list (with the one meant)", async () => {
    assert.match(
      await config('{"sources":{"maxFiles":-3}}'),
      /sources\.maxFiles: expected a whole number of at least 1, received -3$/,
    );
    assert.match(
      await config('{"duplicates":{"maxHamming":5.5}}'),
      /duplicates\.maxHamming: expected a whole number, received 5\.5$/,
    );
    assert.match(await config('{"plan":{"lang":"de"}}'), /plan\.lang: expected "fr" or "en", received "de"$/);
    assert.match(
      await config('{"plan":{"condition":"bonn"}}'),
      /plan\.condition: expected "neuf-avec-etiquette", .* or "satisfaisant", received "bonn" \(did you mean "bon"\?\)$/,
    );
    assert.doesNotMatch(await config('{"decode":{"concurrency":0}}'), /Too small|>=/);
    assert.match(
      await config('{"sources":{"imageExtensions":["jpg"]}}'),
      /sources\.imageExtensions\[0\]: expected a text matching \/\^\\\.\[a-z0-9\]\+\$\/, received "jpg"$/,
    );
  });

  it("decisions.json: an unknown op names the ops and the one meant", async () => {
    const text = JSON.stringify({
      schemaVersion: 1,
      updated_at: "2026-11-29T10:00:00.000Z",
      decisions: [{ op: "mve", at: "2026-11-29T10:00:00.000Z" }],
    });
    assert.match(
      await refusal("decisions.json", text, (d) => readDecisions(d)),
      /decisions\[0\]\.op: expected "move", "split", "merge", "restore" or "drop", received "mve" \(did you mean "move"\?\)/,
    );
  });

  it("journal.json: the kind of a bad value, never the value (it may hold what Vinted echoed)", async () => {
    const text = JSON.stringify({ schemaVersion: 2, site: { token: "s3cr3t-token" }, items: 5 });
    const message = await refusal("journal.json", text, (d) => JournalFile.open(d, "https://www.vinted.fr"));
    assert.match(
      message,
      /site: expected a text in quotes, received an object; items: expected an object, received a number/,
    );
    assert.doesNotMatch(message, /s3cr3t/);
  });
});

// audit-errors 20: "writeSpacingMs":[50000,20000] (the least after the most) was taken without a word by ingest, plan
// and execute --check.
describe("a [least, most] pair of the config file in the wrong order", () => {
  it("is refused naming the field, what it holds and how to write it", async () => {
    const dir = await tempDir("vbulk-files-");
    const file = join(dir, "config.json");
    await writeFile(file, JSON.stringify({ execute: { writeSpacingMs: [50000, 20000] } }));
    await assert.rejects(loadConfigFile(file), (err: unknown) => {
      assert.ok(err instanceof VbulkError && err.code === "BAD_INPUT", String(err));
      assert.match(
        err.message,
        /config\.json: execute\.writeSpacingMs: expected \[least, most\] milliseconds, the least first, received \[50000,20000\]: write \[20000,50000\]$/,
      );
      return true;
    });
    assert.throws(
      () => resolveConfig({ execute: { readSpacingMs: [900, 300] } }),
      /execute\.readSpacingMs: .*\[300,900\]/,
    );
  });
});
