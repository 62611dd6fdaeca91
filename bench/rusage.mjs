// Preloaded into a benchmarked process (node --import): on exit, writes its peak memory and CPU time as JSON to
// the file named by VBULK_BENCH_RUSAGE. Peak memory is VmHWM from /proc (Linux): getrusage's ru_maxrss survives
// exec and so reports the parent's size when a large benchmark process spawns a small child.
import { readFileSync, writeFileSync } from "node:fs";

const out = process.env.VBULK_BENCH_RUSAGE;
if (out) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    let peakKb = u.maxRSS;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
      if (m) peakKb = Number(m[1]);
    } catch {
      // not Linux: keep maxRSS
    }
    writeFileSync(
      out,
      JSON.stringify({ maxRssKb: peakKb, userUs: u.userCPUTime, systemUs: u.systemCPUTime }),
    );
  });
}
