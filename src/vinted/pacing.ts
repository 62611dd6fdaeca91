import { chmod } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../core/atomic.js";
import type { Config } from "../core/config.js";
import { VbulkError } from "../core/errors.js";
import { takeLock } from "../core/lock.js";
import { localSince } from "../core/text.js";
import { parseWith, readTextIfAny } from "../store/read.js";

export const PACING_FILE = "pacing.json";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;
/** The publish ceiling's window: a minute and a second. The runner counts a publish from its answer (Vinted
 *  processed it before answering); the second covers clocks and rounding on Vinted's side. Without it the
 *  replica saw the 1st and 6th publish 59.996 s apart (the time was taken before sending). Not configurable: it
 *  is part of the spec's ceiling, not a pacing choice. */
const PUBLISH_WINDOW = MINUTE + 1000;

/**
 * The account's write history and pause, kept in the config folder (not per photo folder): the budget and a pause
 * belong to the Vinted account, whatever folder a run works on. Persisted so a re-run, a second folder or a crash
 * cannot reset them (the French guide, idx:71455548554 §0.4: "plafonds … tout dans le storage").
 */
export const PacingStateSchema = z.object({
  schemaVersion: z.literal(1),
  /** Epoch ms of every write sent in the last 24 hours, failed ones included. */
  writes: z.array(z.number()),
  /** Epoch ms of the completions (publishes) sent in the last minutes. */
  publishes: z.array(z.number()),
  pause: z
    .object({ until: z.string(), reason: z.string(), kind: z.enum(["challenge", "rate_limit"]) })
    .nullable(),
  /** Refusals (challenge/403) of the local day: each doubles the next pause (Bumpline). */
  refusals: z.object({ date: z.string(), count: z.number().int() }),
});
export type PacingState = z.infer<typeof PacingStateSchema>;

export type PacingConfig = Pick<
  Config["execute"],
  | "publishesPerMinute"
  | "writeSpacingMs"
  | "writesPerHour"
  | "dailyWrites"
  | "challengePauseMinutes"
  | "maxPauseMinutes"
  | "rateLimitPauseMinutes"
> &
  Partial<Pick<Config["execute"], "timeoutMs" | "tabGraceMs">>;

export function emptyPacing(): PacingState {
  return { schemaVersion: 1, writes: [], publishes: [], pause: null, refusals: { date: "", count: 0 } };
}

/** Reads the pacing file (empty when none). Throws BAD_INPUT naming the file when it is damaged. */
export async function loadPacing(dir: string): Promise<PacingState> {
  const path = join(dir, PACING_FILE);
  // Only a missing file is a fresh budget: an unreadable one taken for none would lift a pause.
  const text = await readTextIfAny(path);
  if (text === null) return emptyPacing();
  const hint = `It only holds write times and a pause: delete ${path} to start a fresh budget (the pause is lost with it).`;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new VbulkError("BAD_INPUT", `Expected valid JSON in ${path} but it does not parse`, { hint });
  }
  return parseWith(PacingStateSchema, data, path, hint);
}

/** Writes the pacing file atomically, mode 0600 (it says when the account was active). */
export async function savePacing(dir: string, state: PacingState): Promise<void> {
  const path = join(dir, PACING_FILE);
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
  await chmod(path, 0o600);
}

export const EXECUTE_LOCK = "execute.lock";

/**
 * One execute at a time per Vinted account (the config folder, beside pacing.json): two at once would each pace
 * from their own copy of the budget, write through the pause the other's challenge started (the last to save
 * wins), and make two drafts of one article from one journal. Throws BAD_USAGE (nothing sent) while another runs.
 */
export function takeExecuteLock(configDir: string, folder: string): Promise<() => Promise<void>> {
  return takeLock(
    join(configDir, EXECUTE_LOCK),
    { folder },
    (held) =>
      new VbulkError(
        "BAD_USAGE",
        `Expected no other execute on this Vinted account but one is running (pid ${held.pid}, folder ${String(held.folder)}, since ${localSince(held.started_at)}): nothing was sent`,
        {
          hint: `Wait for it to end (vbulk status ${String(held.folder)}), or stop it with Ctrl-C where it runs; then run this again. The write budget and a pause after a challenge are the account's, so runs take turns.`,
        },
      ),
  );
}

export interface Slot {
  /** Epoch ms when the next write may be sent. */
  at: number;
  why: "now" | "spacing" | "hourly budget" | "daily budget" | "pause" | "publish ceiling";
}

/**
 * The write budget with an injected clock: sliding windows of 1 hour and 24 hours over the writes actually sent,
 * a random gap between writes, the 5-publishes-a-minute ceiling, and persisted pauses. Pure arithmetic: the runner
 * sleeps, records and saves.
 */
export class Budget {
  constructor(
    readonly state: PacingState,
    private readonly cfg: PacingConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.prune();
  }

  private prune(): void {
    const t = this.now();
    this.state.writes = this.state.writes.filter((w) => w > t - DAY).sort((a, b) => a - b);
    this.state.publishes = this.state.publishes.filter((p) => p > t - 10 * MINUTE).sort((a, b) => a - b);
  }

  /**
   * The pause in force, or null: its end, why, and which kind it is (a challenge asks the seller to answer Vinted
   * first; a rate limit only to wait).
   */
  pause(): { until: number; reason: string; kind: NonNullable<PacingState["pause"]>["kind"] } | null {
    const p = this.state.pause;
    if (!p) return null;
    const until = Date.parse(p.until);
    return until > this.now() ? { until, reason: p.reason, kind: p.kind } : null;
  }

  /** Lifts a pause (the user passed --ignore-pause after solving what Vinted asked). */
  clearPause(): void {
    this.state.pause = null;
  }

  /** When the next write may go, given the gap `spacingMs` chosen for it (random within writeSpacingMs). */
  nextWrite(spacingMs: number, publish = false): Slot {
    this.prune();
    const t = this.now();
    let slot: Slot = { at: t, why: "now" };
    const later = (at: number, why: Slot["why"]) => {
      if (at > slot.at) slot = { at, why };
    };
    const p = this.pause();
    if (p) later(p.until, "pause");
    const last = this.state.writes.at(-1);
    if (last !== undefined) later(last + spacingMs, "spacing");
    const w = this.state.writes;
    // The n-th most recent write leaves the window when the window is full: that is when a place opens.
    const hourly = w.filter((x) => x > t - HOUR);
    if (hourly.length >= this.cfg.writesPerHour)
      later(hourly[hourly.length - this.cfg.writesPerHour]! + HOUR, "hourly budget");
    if (w.length >= this.cfg.dailyWrites) later(w[w.length - this.cfg.dailyWrites]! + DAY, "daily budget");
    if (publish) {
      // Whole publishes: a fractional setting would index between two publishes and lift the ceiling.
      const ceiling = Math.max(1, Math.floor(Math.min(5, this.cfg.publishesPerMinute)));
      const recent = this.state.publishes.filter((x) => x > t - PUBLISH_WINDOW);
      if (recent.length >= ceiling)
        later(recent[recent.length - ceiling]! + PUBLISH_WINDOW, "publish ceiling");
    }
    return slot;
  }

  /**
   * Counts a write at the moment it is sent (before its answer: a refused write still counted for Vinted). A
   * publish counts from the latest moment Vinted may process it, the sending plus the longest the request may be in
   * flight (timeoutMs + tabGraceMs), until answered() brings it to its answer: a run that ends with a publish in
   * flight (a second Ctrl-C, a kill, a crash) otherwise left it counted from its sending, and the next run's sixth
   * publish reached Vinted 56 s after the first (a review, on the replica with a 5 s slow answer).
   * Returns the time recorded, for answered().
   */
  record(publish = false): number {
    const t = this.now();
    this.state.writes.push(t);
    if (!publish) return t;
    const latest = t + (this.cfg.timeoutMs ?? 0) + (this.cfg.tabGraceMs ?? 0);
    this.state.publishes.push(latest);
    this.state.publishes.sort((a, b) => a - b);
    return latest;
  }

  /**
   * A publish sent at `sentAt` was answered (or failed): from now on it counts from now. Vinted processed it
   * somewhere between sending and answer, so a ceiling counted from the answer holds on Vinted's own clock,
   * whatever the latency of each request; counted from the sending, a slow first publish and a fast sixth landed
   * less than 60 s apart.
   */
  answered(recorded: number): void {
    const i = this.state.publishes.lastIndexOf(recorded);
    if (i < 0) return;
    this.state.publishes[i] = this.now();
    this.state.publishes.sort((a, b) => a - b);
  }

  /**
   * Pauses every write after a refusal. A challenge/403 pauses challengePauseMinutes, doubling with each refusal of
   * the day, up to maxPauseMinutes; a 429 pauses at least rateLimitPauseMinutes or what Retry-After asks, capped.
   * Returns the end and whether the site asked for longer than the cap.
   */
  pauseFor(
    kind: "challenge" | "rate_limit",
    reason: string,
    retryAfterSeconds: number | null = null,
  ): { until: number; capped: boolean } {
    const t = this.now();
    const max = this.cfg.maxPauseMinutes * MINUTE;
    let ms: number;
    if (kind === "challenge") {
      const today = new Date(t).toISOString().slice(0, 10);
      if (this.state.refusals.date !== today) this.state.refusals = { date: today, count: 0 };
      ms = this.cfg.challengePauseMinutes * MINUTE * 2 ** this.state.refusals.count;
      this.state.refusals.count++;
    } else {
      const asked =
        retryAfterSeconds !== null && Number.isFinite(retryAfterSeconds) ? retryAfterSeconds * 1000 : 0;
      ms = Math.max(this.cfg.rateLimitPauseMinutes * MINUTE, asked);
    }
    const capped = ms > max;
    const until = t + Math.min(ms, max);
    const previous = this.pause();
    const end = Math.max(until, previous?.until ?? 0);
    this.state.pause = { until: new Date(end).toISOString(), reason, kind };
    return { until: end, capped };
  }
}

/**
 * How long `writes` writes (of which `publishes` completions) take at this pacing from this state, with the
 * average gap: what the confirmation shows before anything is sent.
 */
export function estimateMs(
  writes: number,
  publishes: number,
  state: PacingState,
  cfg: PacingConfig,
  now = Date.now(),
): number {
  let t = now;
  const sim = new Budget(structuredClone(state), cfg, () => t);
  const gap = (cfg.writeSpacingMs[0] + cfg.writeSpacingMs[1]) / 2;
  for (let i = 0; i < writes; i++) {
    const publish = i >= writes - publishes;
    t = Math.max(t, sim.nextWrite(gap, publish).at);
    // As the runner does: recorded when sent, then answered (at once here); recorded alone, each publish counted
    // as still in flight, and 20 publishes with short spacing were estimated 309 s instead of 189 s.
    sim.answered(sim.record(publish));
  }
  return t - now;
}

/** "2 h 05 min", "14 min", "40 s": a duration for people. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h >= 48 ? `${Math.round(h / 24)} days` : `${h} h ${String(m % 60).padStart(2, "0")} min`;
}
