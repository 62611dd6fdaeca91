import assert from "node:assert/strict";
import { describe, it } from "node:test";
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
    ].join("\n");
    const out = redact(text);
    for (const secret of [
      "eyJhbGciOi.abc",
      "r-123",
      "dd~x",
      "eyJabc.def",
      "0a1b2c",
      "s3cr3t-passphrase-value",
    ])
      assert.equal(out.includes(secret), false, secret);
    assert.match(out, /Hoodie noir \(bon\) – Taille M, key: 30 €/);
  });
});
