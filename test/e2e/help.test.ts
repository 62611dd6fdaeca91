import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../helpers/run.js";

/** A command's --help, its wrapping and column padding undone so a phrase split over two lines is found whole. */
async function help(command: string[]): Promise<string> {
  const r = await runCli([...command, "--help"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.replace(/\s+/g, " ");
}

describe("--help says each default in words", () => {
  it("execute: no '(default: true)' under --dry-run, no bare '\".\"' for the folder", async () => {
    // Before: "--dry-run  drafts only, nothing published (the default) (default: true)" beside "--no-dry-run",
    // which read as if publishing were true by default, and "(default: \".\")" for the folder.
    const text = await help(["execute"]);
    assert.doesNotMatch(text, /\(default: true\)/);
    assert.doesNotMatch(text, /\(default: "\."\)/);
    assert.match(text, /--dry-run drafts only, nothing published \(the default\) --no-dry-run/);
    assert.match(
      text,
      /dir folder holding plan\.json \(or the photos' ZIP\) \(default: the current folder\)/,
    );
  });

  it("plan, status, review: no '(default: [])' for a repeatable flag, the folder's default in words", async () => {
    // Before: "--set <id.field=value> … (repeatable) (default: [])", which says nothing.
    const plan = await help(["plan"]);
    assert.doesNotMatch(plan, /\(default: \[\]\)/);
    assert.match(
      plan,
      /--set <id\.field=value> edit one article, e\.g\. --set c3\.price=30 \(repeatable\) --reset/,
    );
    for (const command of [["plan"], ["status"], ["review"], ["execute"]]) {
      const text = command[0] === "plan" ? plan : await help(command);
      assert.doesNotMatch(text, /\(default: "\."\)/, `${command[0]} --help`);
      assert.match(text, /\(default: the current folder\)/, `${command[0]} --help`);
    }
  });
});

// error audit 18: `vbulk help nosuch` printed the whole help on stderr, exit 2, and never said why.
describe("vbulk help of an unknown command", () => {
  it("says the command is unknown, as `vbulk nosuch` does: exit 2", async () => {
    const r = await runCli(["help", "nosuch"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: unknown command 'nosuch'/m);
    assert.match(r.stderr, /run with --help for usage/);
    const typo = await runCli(["help", "plna"]);
    assert.equal(typo.code, 2, typo.stderr);
    assert.match(typo.stderr, /unknown command 'plna'.*Did you mean plan\?/s);
  });
  it("help of a known command still shows its help: exit 0", async () => {
    const r = await runCli(["help", "plan"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: vbulk plan /);
  });
});
