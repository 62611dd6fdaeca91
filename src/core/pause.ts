/**
 * Lets the event loop run what is waiting (a Ctrl-C handler, a status write, a progress bar's redraw) between two
 * slices of synchronous work. One setImmediate is not enough: awaited from a callback of the poll phase it runs in
 * the same turn's check phase, before the loop polls again, so a SIGINT delivered meanwhile is still not seen; the
 * second one waits for the next turn, which polls first (measured: a SIGINT handler ran with two, not with one).
 */
export async function yieldToEventLoop(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Yields to the event loop, then throws the signal's reason (an AbortError) if the run was stopped meanwhile. */
export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  await yieldToEventLoop();
  signal?.throwIfAborted();
}
