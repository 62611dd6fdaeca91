import { execFile } from "node:child_process";
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
/** Slack (ms) for the start-time comparison: btime and ps's lstart are whole seconds, and a clock adjusted since
 *  then moves them. */
const START_SLACK_MS = 60_000;

/** How startedSince reads a start time: the platform and a command runner (tests pass their own). */
export interface StartProbe {
  platform?: NodeJS.Platform;
  /** Runs a command and resolves with its stdout; rejects when it fails. */
  run?: (cmd: string, args: string[]) => Promise<string>;
}

/**
 * True when process `pid` provably started after `since` (an ISO time its run wrote): the run's process is gone and
 * its pid was given to another (after a reboot pids start again from low numbers; Windows and macOS reuse them
 * soon), so a run killed with the machine would otherwise show as running, or hold its lock, for ever. Reads /proc
 * (Linux) or `ps -o lstart=` (macOS); false wherever it cannot tell (Windows), which keeps the pid check alone.
 */
export async function startedSince(pid: number, since: string, probe: StartProbe = {}): Promise<boolean> {
  const started = await startTime(pid, probe).catch(() => null);
  return started !== null && started > Date.parse(since) + START_SLACK_MS;
}

/** When process `pid` started (ms since the epoch), null when this platform cannot tell. */
async function startTime(pid: number, probe: StartProbe): Promise<number | null> {
  const platform = probe.platform ?? process.platform;
  if (platform === "darwin")
    return parseLstart(await (probe.run ?? runCommand)("ps", ["-o", "lstart=", "-p", String(pid)]));
  if (platform !== "linux") return null;
  const [stat, boot] = await Promise.all([
    readFile(`/proc/${pid}/stat`, "utf8"),
    readFile("/proc/stat", "utf8"),
  ]);
  // Field 22 (starttime, in ticks since boot) counts from after the command name, which may hold spaces and ")".
  const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  const btime = Number(/^btime (\d+)$/m.exec(boot)?.[1]);
  if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return null;
  return btime * 1000 + (ticks * 1000) / CLOCK_TICKS;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ps's lstart in the C locale, local time to the second: "Mon Nov 30 00:58:17 2026". Null for anything else. */
function parseLstart(text: string): number | null {
  const m = /^\s*[A-Z][a-z]{2} +([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})\s*$/.exec(text);
  const month = MONTHS.indexOf(m?.[1] ?? "");
  if (!m || month < 0) return null;
  const n = (i: number) => Number(m[i]);
  return new Date(n(6), month, n(2), n(3), n(4), n(5)).getTime();
}

/** Runs `cmd` in the C locale (ps's dates in English, whatever the seller's language) for at most 5 s. */
function runCommand(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: { ...process.env, LC_ALL: "C" }, timeout: 5_000 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

/**
 * Whether the run that wrote `{ pid, started_at: since }` (a status file, a lock) still runs: its pid is alive and
 * was not given to a process started after it.
 */
export async function stillRuns(pid: number, since: string, probe?: StartProbe): Promise<boolean> {
  return isAlive(pid) && !(await startedSince(pid, since, probe));
}
