import Bottleneck from "bottleneck";

export interface PacingOptions {
  publishesPerMinute: number;
  itemSpacingMs: readonly [number, number];
  writesPerHour: number;
}

export interface Pacer {
  /** Runs a job that makes `writes` writes (photo uploads + the draft), spaced from the previous one. */
  item<T>(writes: number, job: () => Promise<T>): Promise<T>;
  /** Runs a publish: never more than publishesPerMinute in any 60 seconds. */
  publish<T>(job: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Pacing for every write to Vinted, one at a time (never parallel tabs). Bottleneck enforces: a minimum spacing
 * between articles (plus random jitter up to the max), an hourly write reservoir weighted by the job's writes, and
 * publish spacing of 60 s / publishesPerMinute, which keeps any 60-second window at or under the ceiling.
 */
export function createPacer(opts: PacingOptions, random: () => number = Math.random): Pacer {
  const [minSpacing, maxSpacing] = opts.itemSpacingMs;
  // No maxConcurrent here: Bottleneck counts a job's weight against it, and a draft weighs its writes. The runner
  // awaits each article before scheduling the next, so one tab does one thing at a time anyway.
  const items = new Bottleneck({
    minTime: minSpacing,
    reservoir: opts.writesPerHour,
    reservoirRefreshAmount: opts.writesPerHour,
    reservoirRefreshInterval: 3_600_000,
  });
  const publishes = new Bottleneck({
    maxConcurrent: 1,
    minTime: Math.ceil(60_000 / opts.publishesPerMinute),
  });
  const jitter = () =>
    new Promise<void>((r) => setTimeout(r, Math.max(0, (maxSpacing - minSpacing) * random())));
  let first = true;
  const publishStarts: number[] = [];
  return {
    item(writes, job) {
      return items.schedule({ weight: Math.min(writes, opts.writesPerHour) }, async () => {
        if (!first) await jitter();
        first = false;
        return job();
      });
    },
    publish(job) {
      return publishes.schedule(async () => {
        // Bottleneck's minTime counts from when it planned the previous start, and a start can run late; this
        // sliding-window gate makes the ceiling hold against actual start times (found by the fake-clock test).
        for (;;) {
          const now = Date.now();
          while (publishStarts.length && publishStarts[0]! <= now - 60_000) publishStarts.shift();
          if (publishStarts.length < opts.publishesPerMinute) break;
          await new Promise<void>((r) => setTimeout(r, publishStarts[0]! + 60_000 - now + 1));
        }
        publishStarts.push(Date.now());
        return job();
      });
    },
    async stop() {
      await Promise.all([
        items.stop({ dropWaitingJobs: true }),
        publishes.stop({ dropWaitingJobs: true }),
      ]).catch(() => {});
    },
  };
}
