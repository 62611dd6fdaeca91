/**
 * A first-in, first-out limit on concurrent async calls: `run(fn)` starts fn when fewer than `limit` calls are
 * running, in the order the calls were made. One limiter shared by several batches keeps exactly `limit` calls
 * busy across the batches' boundaries (no tail where a batch's last calls run alone).
 */
export function limiter(limit: number): <R>(fn: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (running >= limit) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Starts fn on every item with at most `limit` calls running at once and returns their promises in input order.
 * All items are queued now, so a caller can queue the next batch's work before blocking on the current one.
 * A rejection is the caller's to handle: fn decides what is data (return it) and what is fatal (throw).
 */
export function queueLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R>[] {
  const run = limiter(limit);
  return items.map((item) => run(() => fn(item)));
}
