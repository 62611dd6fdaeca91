import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { renameRetrying, saveJsonAtomic, writeFileAtomic } from "../src/core/atomic.js";
import { VbulkError } from "../src/core/errors.js";
import { tempDir } from "./helpers/run.js";

/** A rename refused `times` times with `code` (Windows: an antivirus or OneDrive holds the file), then real. */
function refusingRename(times: number, code = "EPERM") {
  const calls = { n: 0 };
  const fn = async (from: string, to: string): Promise<void> => {
    calls.n++;
    if (calls.n <= times)
      throw Object.assign(new Error(`${code}: operation not permitted, rename '${from}' -> '${to}'`), {
        code,
      });
    await rename(from, to);
  };
  return { fn, calls };
}

describe("an atomic write whose rename Windows refuses for a moment (antivirus, indexer, OneDrive)", () => {
  it("is retried on win32: the file lands whole and no temp file is left", async () => {
    // Before: the first EPERM ended the save ("Permission denied … fix the folder's permissions").
    for (const code of ["EPERM", "EACCES", "EBUSY"]) {
      const dir = await tempDir();
      const path = join(dir, "plan.json");
      const { fn, calls } = refusingRename(2, code);
      await writeFileAtomic(path, "whole\n", 0o644, { platform: "win32", rename: fn });
      assert.equal(await readFile(path, "utf8"), "whole\n", code);
      assert.equal(calls.n, 3, `${code}: refused twice, then done`);
      assert.deepEqual(await readdir(dir), ["plan.json"], `${code}: no temp file left`);
    }
  });

  it("one refused for good ends, after the bound, with the same typed error, and no temp file", async () => {
    const dir = await tempDir();
    const path = join(dir, "plan.json");
    const { fn, calls } = refusingRename(Number.POSITIVE_INFINITY);
    const started = Date.now();
    await assert.rejects(
      saveJsonAtomic(path, { a: 1 }, undefined, { platform: "win32", rename: fn, retryMs: 300 }),
      (e: VbulkError) => {
        assert.ok(e instanceof VbulkError);
        assert.equal(e.code, "NOT_WRITABLE");
        assert.match(e.message, /^Permission denied: could not write .*plan\.json/);
        return true;
      },
    );
    assert.ok(Date.now() - started >= 250, "retried until the bound");
    assert.ok(calls.n > 2, `retried (${calls.n} calls)`);
    assert.deepEqual(await readdir(dir), [], "no temp file, no plan.json");
  });

  it("is not retried on Linux or macOS, where EPERM is a real permission error: said at once", async () => {
    for (const platform of ["linux", "darwin"] as const) {
      const dir = await tempDir();
      const { fn, calls } = refusingRename(1);
      await assert.rejects(
        writeFileAtomic(join(dir, "x.json"), "x", 0o644, { platform, rename: fn, retryMs: 5_000 }),
        { code: "EPERM" },
      );
      assert.equal(calls.n, 1, platform);
      assert.deepEqual(await readdir(dir), [], `${platform}: no temp file left`);
    }
  });

  it("renameRetrying (a ZIP's extracted photo, the downloaded model) retries the same way, and only those codes", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "a"));
    const { fn, calls } = refusingRename(2, "EBUSY");
    await renameRetrying(join(dir, "a"), join(dir, "b"), { platform: "win32", rename: fn });
    assert.deepEqual(await readdir(dir), ["b"]);
    assert.equal(calls.n, 3);
    const other = refusingRename(5, "ENOENT");
    await assert.rejects(
      renameRetrying(join(dir, "b"), join(dir, "c"), { platform: "win32", rename: other.fn }),
      {
        code: "ENOENT",
      },
    );
    assert.equal(other.calls.n, 1, "a missing file is not waited for");
  });
});
