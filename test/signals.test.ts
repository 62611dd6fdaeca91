import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { onStopSignal, stopSignals } from "../src/commands/signals.js";

// CI (stop 32): `ingest --json` stopped by two quick Ctrl-C exited with no code at all (killed by the signal): the
// second came after the run had stopped and removed its listeners, and Node's default ended the process.
describe("stop signals", () => {
  it("a second Ctrl-C after the run stopped and stopped listening exits 130, as the first asked", () => {
    const exit = mock.method(process, "exit", ((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    const stops: number[] = [];
    const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    const before = new Map(signals.map((s) => [s, process.listeners(s)]));
    try {
      const stopListening = onStopSignal({ json: false, stop: () => stops.push(1), atOnce: "at once" });
      process.emit("SIGINT", "SIGINT");
      assert.deepEqual(stops, [1], "the first stops the run");
      stopListening();
      assert.throws(() => process.emit("SIGINT", "SIGINT"), /^Error: exit 130$/);
      assert.equal(exit.mock.callCount(), 1);
    } finally {
      exit.mock.restore();
      // Only the listeners this test left (the late exit): the test runner's own stay.
      for (const s of signals)
        for (const l of process.listeners(s)) if (!before.get(s)?.includes(l)) process.removeListener(s, l);
    }
  });

  it("a run that was never stopped leaves no listener behind", () => {
    const before = process.listenerCount("SIGINT");
    onStopSignal({ json: false, stop: () => {}, atOnce: "at once" })();
    assert.equal(process.listenerCount("SIGINT"), before);
  });

  // Audit portability 12: Ctrl+Break (SIGBREAK, Windows only) killed the run with no "interrupted" line and left
  // its locks behind.
  it("on Windows, Ctrl+Break stops the run as Ctrl-C does; elsewhere it is not listened to", () => {
    assert.ok(stopSignals("win32").includes("SIGBREAK"));
    assert.ok(!stopSignals("linux").includes("SIGBREAK"));
    const signals = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;
    const listeners = new Map(signals.map((s) => [s, process.listeners(s)]));
    const before = process.listenerCount("SIGBREAK");
    const stops: number[] = [];
    const stopListening = onStopSignal({
      json: false,
      stop: () => stops.push(1),
      atOnce: "at once",
      platform: "win32",
    });
    try {
      assert.equal(process.listenerCount("SIGBREAK"), before + 1, "a SIGBREAK handler is registered");
      process.emit("SIGBREAK", "SIGBREAK");
      assert.deepEqual(stops, [1], "Ctrl+Break stops the run");
    } finally {
      stopListening();
      // Only the listeners this test left (the late exit): the test runner's own stay.
      for (const s of signals)
        for (const l of process.listeners(s))
          if (!listeners.get(s)?.includes(l)) process.removeListener(s, l);
    }
  });
});
