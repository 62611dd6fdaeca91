import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { resolveConfig } from "../src/core/config.js";
import type { VbulkError } from "../src/core/errors.js";
import { createPacer } from "../src/vinted/pacing.js";

/** Advances the mocked clock in small steps, letting promises settle between steps. */
async function advance(ms: number, step = 250): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    mock.timers.tick(step);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
}

describe("pacing (fake clock)", () => {
  it("never more than 5 publishes in any 60 seconds, however many are queued", async () => {
    mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });
    try {
      const pacer = createPacer({ publishesPerMinute: 5, itemSpacingMs: [0, 0], writesPerHour: 1000 });
      const starts: number[] = [];
      const all = Promise.all(
        Array.from({ length: 12 }, () => pacer.publish(async () => starts.push(Date.now()))),
      );
      await advance(180_000);
      await all;
      assert.equal(starts.length, 12);
      for (const t of starts)
        assert.ok(starts.filter((u) => u >= t && u < t + 60_000).length <= 5, `window from ${t}: ${starts}`);
      assert.ok(starts.at(-1)! >= 11 * 12_000, "12 publishes take at least 132 s");
      await pacer.stop();
    } finally {
      mock.timers.reset();
    }
  });

  it("spaces articles by the configured pause, with jitter inside [min, max]", async () => {
    mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });
    try {
      const pacer = createPacer(
        { publishesPerMinute: 5, itemSpacingMs: [30_000, 90_000], writesPerHour: 1000 },
        () => 0.5,
      );
      const starts: number[] = [];
      const run = (async () => {
        for (let i = 0; i < 4; i++) await pacer.item(3, async () => starts.push(Date.now()));
      })();
      await advance(400_000, 1000);
      await run;
      const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
      for (const g of gaps) assert.ok(g >= 30_000 && g <= 90_000 + 1000, `gap ${g}`);
      await pacer.stop();
    } finally {
      mock.timers.reset();
    }
  });

  it("the hourly write budget holds articles back until the hour refills", async () => {
    mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"], now: 0 });
    try {
      const pacer = createPacer({ publishesPerMinute: 5, itemSpacingMs: [0, 0], writesPerHour: 10 });
      const starts: number[] = [];
      const run = (async () => {
        for (let i = 0; i < 4; i++) await pacer.item(4, async () => starts.push(Date.now()));
      })();
      await advance(2 * 3_600_000 + 60_000, 60_000);
      await run;
      assert.equal(
        starts.filter((t) => t < 3_600_000).length,
        2,
        "4 + 4 writes fit the first hour, not a third article",
      );
      assert.ok(starts[2]! >= 3_600_000);
      await pacer.stop();
    } finally {
      mock.timers.reset();
    }
  });

  it("the 5-a-minute ceiling cannot be raised by configuration", () => {
    assert.throws(
      () => resolveConfig({ execute: { publishesPerMinute: 6 } }),
      (e: VbulkError) => e.code === "BAD_INPUT" && /publishesPerMinute: at most 5/.test(e.message),
    );
    assert.equal(resolveConfig({ execute: { publishesPerMinute: 2 } }).execute.publishesPerMinute, 2);
  });
});
