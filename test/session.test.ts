import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { VbulkError } from "../src/core/errors.js";
import { redact } from "../src/core/redact.js";
import { loadSession, saveSession } from "../src/vinted/session.js";
import { tempDir } from "./helpers/run.js";

const state = {
  cookies: [{ name: "access_token_web", value: "TOPSECRET-123", domain: ".vinted.fr", path: "/" }],
  origins: [],
};

describe("the saved session's key", () => {
  it("an empty or short session.key is refused, never used: the cookies are not encrypted with nothing", async () => {
    // Before: a 0-byte key (a login on a full disk leaves one) gave an empty key, and anyone could read session.enc.
    for (const bad of ["", "abc", "z".repeat(64)]) {
      const dir = await tempDir("vbulk-key-");
      await writeFile(join(dir, "session.key"), bad, { mode: 0o600 });
      await assert.rejects(
        saveSession(state, { VBULK_CONFIG_DIR: dir }),
        (e: VbulkError) =>
          e.code === "BAD_INPUT" &&
          /64 hexadecimal digits/.test(e.message) &&
          /vbulk login/.test(e.hint ?? ""),
      );
      assert.deepEqual(await readdir(dir), ["session.key"], "no session written with it");
    }
  });

  it("a fresh key is 32 random bytes, 0600, written whole; two logins at once end with one key both can read", async () => {
    const dir = await tempDir("vbulk-key-");
    const env = { VBULK_CONFIG_DIR: dir };
    await Promise.all([saveSession(state, env), saveSession(state, env)]);
    const key = await readFile(join(dir, "session.key"), "utf8");
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal((await stat(join(dir, "session.key"))).mode & 0o777, 0o600);
    assert.deepEqual((await readdir(dir)).sort(), ["session.enc", "session.key"], "no temporary file left");
    assert.equal((await loadSession(env)).cookies[0]!.value, "TOPSECRET-123");
  });

  it("with VBULK_SECRET_KEY no session.key is written, only that passphrase opens the session, and it never shows", async () => {
    const dir = await tempDir("vbulk-key-");
    const passphrase = "correct horse battery staple";
    const env = { VBULK_CONFIG_DIR: dir, VBULK_SECRET_KEY: passphrase };
    await saveSession(state, env);
    assert.deepEqual(await readdir(dir), ["session.enc"], "no key file beside the session");
    const saved = await readFile(join(dir, "session.enc"), "utf8");
    for (const secret of ["TOPSECRET-123", passphrase]) assert.equal(saved.includes(secret), false, secret);
    assert.equal((await loadSession(env)).cookies[0]!.value, "TOPSECRET-123");
    await assert.rejects(
      loadSession({ VBULK_CONFIG_DIR: dir, VBULK_SECRET_KEY: "another passphrase" }),
      (e: VbulkError) => e.code === "NOT_LOGGED_IN",
    );
    assert.equal(redact(`VBULK_SECRET_KEY is ${passphrase}`).includes(passphrase), false);
  });
});

describe("a session file or key that is there but cannot be read", () => {
  it("is an error naming it, not 'not logged in'; a new login does not replace it", async () => {
    // Before: loadSession took any read error for "no session", and saveSession (a new login) replaced the file.
    for (const name of ["session.enc", "session.key"]) {
      const dir = await tempDir("vbulk-key-");
      const env = { VBULK_CONFIG_DIR: dir };
      await saveSession(state, env);
      await rm(join(dir, name));
      await mkdir(join(dir, name));
      for (const call of [() => loadSession(env), () => saveSession(state, env)])
        await assert.rejects(call(), (e: VbulkError) => {
          assert.equal(e.code, "NOT_WRITABLE");
          assert.match(
            e.message,
            new RegExp(`Expected a .*session file at .*${name} but found a folder there`),
          );
          assert.match(e.hint ?? "", /Move it away/);
          return true;
        });
      assert.ok((await stat(join(dir, name))).isDirectory(), "left as it was");
      assert.deepEqual((await readdir(dir)).sort(), ["session.enc", "session.key"], "no temporary file left");
    }
  });
});
