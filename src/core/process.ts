import { readFile } from "node:fs/promises";

/** True while process `pid` exists (EPERM: it exists but belongs to another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Linux's clock ticks per second (sysconf(_SC_CLK_TCK)): 100 on every architecture Node runs on. */
const CLOCK_TICKS = 100;
/** Slack (ms) for the start-time comparison: btime is whole seconds, and a clock adjusted since then moves it. */
const START_SLACK_MS = 60_000;

/**
 * True when process `pid` provably started after `since` (an ISO time its run wrote): the run's process is gone and
 * its pid was given to another (after a reboot pids start again from low numbers), so a run killed with the
 * machine would otherwise show as running, or hold its lock, for ever. Reads /proc (Linux); false wherever it
 * cannot tell, which keeps the pid check alone.
 */
export async function startedSince(pid: number, since: string): Promise<boolean> {
  try {
    const [stat, boot] = await Promise.all([
      readFile(`/proc/${pid}/stat`, "utf8"),
      readFile("/proc/stat", "utf8"),
    ]);
    // Field 22 (starttime, in ticks since boot) counts from after the command name, which may hold spaces and ")".
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const btime = Number(/^btime (\d+)$/m.exec(boot)?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return false;
    const started = btime * 1000 + (ticks * 1000) / CLOCK_TICKS;
    return started > Date.parse(since) + START_SLACK_MS;
  } catch {
    return false;
  }
}

/**
 * Whether the run that wrote `{ pid, started_at: since }` (a status file, a lock) still runs: its pid is alive and
 * was not given to a process started after it.
 */
export async function stillRuns(pid: number, since: string): Promise<boolean> {
  return isAlive(pid) && !(await startedSince(pid, since));
}
