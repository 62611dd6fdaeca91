import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Chalk } from "chalk";
import { printError } from "../src/commands/render.js";
import { checkDebugMode } from "../src/core/config.js";
import type { VbulkError } from "../src/core/errors.js";
import { redact, registerSecret } from "../src/core/redact.js";

describe("redact", () => {
  it("removes cookie values, auth headers and registered secrets, and leaves ordinary text alone", () => {
    registerSecret("s3cr3t-passphrase-value");
    const text = [
      "Cookie: access_token_web=eyJhbGciOi.abc; refresh_token_web=r-123; datadome=dd~x",
      "Authorization: Bearer eyJabc.def",
      'headers {"x-csrf-token":"0a1b2c"}',
      "key was s3cr3t-passphrase-value here",
      "Hoodie noir (bon) – Taille M, key: 30 €",
      "Could not reach http://alice:pa55word@mirror.example/x (fetch failed)",
    ].join("\n");
    const out = redact(text);
    for (const secret of [
      "eyJhbGciOi.abc",
      "r-123",
      "dd~x",
      "eyJabc.def",
      "0a1b2c",
      "s3cr3t-passphrase-value",
      "pa55word",
    ])
      assert.equal(out.includes(secret), false, secret);
    assert.match(out, /http:\/\/alice:\*\*\*@mirror\.example\/x/);
    assert.match(out, /Hoodie noir \(bon\) – Taille M, key: 30 €/);
  });
});

describe("an unexpected error printed (printError)", () => {
  /** What printError writes on stderr for an unexpected error, with VBULK_DEBUG set to `value` (or unset). */
  const printed = (value: string | undefined) => {
    const lines: string[] = [];
    const io = {
      json: false,
      interactive: false,
      out: () => {},
      err: (t: string) => lines.push(t),
      c: new Chalk({ level: 0 }),
    };
    const before = process.env.VBULK_DEBUG;
    if (value === undefined) delete process.env.VBULK_DEBUG;
    else process.env.VBULK_DEBUG = value;
    try {
      printError(io, new TypeError("boom"));
    } finally {
      if (before === undefined) delete process.env.VBULK_DEBUG;
      else process.env.VBULK_DEBUG = before;
    }
    return lines.join("\n");
  };

  it("shows the stack with VBULK_DEBUG=1 (or true), and not with 0, false, no or nothing", () => {
    // Before: VBULK_DEBUG=0 (a script's way of saying off) printed stack traces.
    for (const on of ["1", "true", "yes"]) assert.match(printed(on), /TypeError: boom\n\s+at /, on);
    for (const off of [undefined, "", "0", "false", "No"]) {
      const text = printed(off);
      assert.doesNotMatch(text, /\n\s+at /, String(off));
      assert.match(text, /re-run with VBULK_DEBUG=1/, String(off));
    }
  });

  it("VBULK_DEBUG=maybe is refused as VBULK_OFFLINE=maybe is (error audit 20), and shows no stack meanwhile", () => {
    // Before: any value but 0, false or no turned stack traces on without a word.
    assert.doesNotMatch(printed("maybe"), /\n\s+at /);
    assert.throws(
      () => checkDebugMode({ VBULK_DEBUG: "maybe" }),
      (e: VbulkError) =>
        e.code === "BAD_USAGE" &&
        /Expected 1, true or yes .* or 0, false, no or nothing \(off\) for env VBULK_DEBUG but received "maybe"/.test(
          e.message,
        ),
    );
    for (const ok of [undefined, "", "1", "TRUE", "no"]) checkDebugMode({ VBULK_DEBUG: ok });
  });
});
