import { readdirSync, readFileSync } from "node:fs";

/**
 * The flag Playwright starts Chromium with (its pipe transport, `chromium.launch`). The browser's own process
 * carries it, and so does a launcher script (Debian's /usr/bin/chromium) until it execs the browser, or while it waits
 * for it (that script execs it, but runs it as a child with --temp-profile: its lines 153 and 156 on this machine's
 * Debian); the browser's helpers (renderers, GPU process, crash reporter) do not.
 */
const PIPE_FLAG = "--remote-debugging-pipe";

/** The direct children of this process (every thread's: /proc/<pid>/task/<tid>/children); [] where unknown. */
function children(): number[] {
  try {
    return readdirSync("/proc/self/task").flatMap((tid) => {
      try {
        return readFileSync(`/proc/self/task/${tid}/children`, "utf8").split(" ").filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** A process's state letter and process group (/proc/<pid>/stat), null when it is gone. */
function stat(pid: number): { state: string; group: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After the command name, which may hold spaces and ")": state, ppid, pgrp.
    const [state, , group] = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { state: state ?? "", group: Number(group) };
  } catch {
    return null;
  }
}

/** Whether `pid` runs (not a zombie) with Playwright's pipe flag on its command line. */
function isBrowser(pid: number, group?: number): boolean {
  const s = stat(pid);
  if (!s || s.state === "Z" || (group !== undefined && s.group !== group)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(PIPE_FLAG);
  } catch {
    return false;
  }
}

/** Whether a process of group `group` is still the browser (a launcher that forked it instead of exec'ing). */
function browserInGroup(group: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return true;
  }
  return pids.some((d) => isBrowser(Number(d), group));
}

export interface StartWatch {
  /** Resolves with the process id of the browser being started once it has ended: no process of its group still
   *  carries the pipe flag, whatever helper still holds its pipes. Never resolves where it cannot tell. */
  ended: Promise<number>;
  /** The process id Playwright started (a launcher script's, or the browser's), once seen. */
  pid(): number | undefined;
  stop(): void;
}

/**
 * Watches, every `everyMs`, the browser Playwright is starting: the new child of this process with Playwright's pipe
 * flag. Playwright notices a death only when the browser's pipes close, and a helper the browser started (a crash
 * reporter, a launcher's child) may hold them open: its launch then waits its whole timeout (a minute) for a
 * browser that is gone. Linux only (/proc); elsewhere `ended` never resolves and the launch timeout bounds the wait.
 */
export function watchStart(everyMs: number): StartWatch {
  const before = new Set(children());
  let found: number | undefined;
  let done: (pid: number) => void = () => {};
  const ended = new Promise<number>((resolve) => {
    done = resolve;
  });
  const check = () => {
    if (found === undefined) {
      found = children().find((pid) => !before.has(pid) && isBrowser(pid));
      return;
    }
    // Playwright starts the browser as the leader of its own process group (detached).
    if (!isBrowser(found) && !browserInGroup(found)) {
      clearInterval(timer);
      done(found);
    }
  };
  const timer = setInterval(check, everyMs);
  if (process.platform !== "linux") clearInterval(timer);
  return { ended, pid: () => found, stop: () => clearInterval(timer) };
}
