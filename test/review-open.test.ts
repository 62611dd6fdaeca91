import assert from "node:assert/strict";
import type { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import { openBrowser } from "../src/commands/review.js";

// Audit portability 6: on Windows, `vbulk review` opened the page through a detached cmd, which got its own visible
// console window: a black window flashed up on every run (some sellers closed it, or took it for malware).
describe("vbulk review opens the page", () => {
  it("on Windows through cmd's start, with no console window", () => {
    const calls: { cmd: string; args: readonly string[]; options: Record<string, unknown> }[] = [];
    const run = ((cmd: string, args: readonly string[], options: Record<string, unknown>) => {
      calls.push({ cmd, args, options });
      return Object.assign(new EventEmitter(), { unref() {} });
    }) as unknown as typeof spawn;
    openBrowser("http://127.0.0.1:5000/?token=abc", "win32", run);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.cmd, "cmd");
    assert.deepEqual(calls[0]?.args, ["/c", "start", "", "http://127.0.0.1:5000/?token=abc"]);
    assert.equal(calls[0]?.options.windowsHide, true);
    assert.equal(calls[0]?.options.detached, true);
  });
});
