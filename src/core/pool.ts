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
