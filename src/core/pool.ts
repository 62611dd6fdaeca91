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
  let running = 0;
  const waiting: (() => void)[] = [];
  return items.map(async (item) => {
    if (running >= limit) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await fn(item);
    } finally {
      running--;
      waiting.shift()?.();
    }
  });
}
