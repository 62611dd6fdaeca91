import { join } from "node:path";
import { z } from "zod";
import { writeJsonAtomic } from "../core/atomic.js";
import { stillRuns } from "../core/process.js";
import { STATE_DIR } from "../sources/classify.js";
import { readJsonFile } from "./read.js";

export const STATUS_FILE = "status.json";
/** The status message of a run stopped by Ctrl-C, or by what `by` names (commands/signals.ts stoppedBy). */
export function interruptedMessage(by = "Ctrl-C"): string {
  return `stopped by ${by}; what was done is kept`;
}

export const StatusSchema = z.object({
  schemaVersion: z.literal(1),
  command: z.enum(["ingest", "execute"]),
  pid: z.number().int(),
  state: z.enum(["running", "done", "partial", "failed", "interrupted"]),
  stage: z.string(),
  started_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
  counts: z.record(z.string(), z.number()),
  message: z.string().nullable(),
  /** How far the current stage is, where it can say: the model's bytes, the ZIP's entries. Absent from older files. */
  progress: z
    .object({
      done: z.number(),
      total: z.number().nullable(),
      unit: z.enum(["bytes", "entries"]),
      /** The file being downloaded. */
      file: z.string().nullable(),
    })
    .nullable()
    .optional(),
});
export type Status = z.infer<typeof StatusSchema>;

export function statusPath(dir: string): string {
  return join(dir, STATE_DIR, STATUS_FILE);
}

/**
 * Keeps the status file of a running command current, at most every `intervalMs`, so that `vbulk status` in
 * another terminal can follow it. Writes are atomic and serialised.
 */
export class StatusWriter {
  private status: Status;
  private last = 0;
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private discarded = false;

  constructor(
    private readonly dir: string,
    command: Status["command"],
    private readonly intervalMs: number,
    stage = "scan",
  ) {
    const now = new Date().toISOString();
    this.status = {
      schemaVersion: 1,
      command,
      pid: process.pid,
      state: "running",
      stage,
      started_at: now,
      updated_at: now,
      finished_at: null,
      counts: {},
      message: null,
      progress: null,
    };
  }

  /** True until finish. */
  get running(): boolean {
    return this.status.state === "running";
  }

  /**
   * Merges a change and writes it soon (throttled); a new stage is written at once, and drops the last stage's
   * progress unless the change brings its own.
   */
  update(
    change: Partial<Pick<Status, "stage" | "message" | "progress">> & { counts?: Record<string, number> },
  ): void {
    const newStage = change.stage !== undefined && change.stage !== this.status.stage;
    this.status = {
      ...this.status,
      ...(newStage ? { progress: null } : {}),
      ...change,
      counts: { ...this.status.counts, ...change.counts },
    };
    const due = newStage ? 0 : this.last + this.intervalMs - Date.now();
    if (due <= 0) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), due);
  }

  /** Marks the run finished and writes at once; a run already finished keeps its end. */
  async finish(state: Exclude<Status["state"], "running">, message: string | null = null): Promise<void> {
    if (!this.running) return;
    this.status = { ...this.status, state, message, finished_at: new Date().toISOString() };
    await this.flush();
  }

  /** Stops writing for good, once the writes under way are done: a run refused after its status file started
   *  puts the earlier one back (PreparedIngest.abandon). */
  async discard(): Promise<void> {
    this.discarded = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.discarded) return this.writing;
    this.last = Date.now();
    const snapshot = { ...this.status, updated_at: new Date().toISOString() };
    this.writing = this.writing.then(() => writeJsonAtomic(statusPath(this.dir), snapshot)).catch(() => {});
    return this.writing;
  }
}

/** Reads DIR/.vbulk/status.json; a "running" status whose process is gone is reported as "interrupted". */
export async function readStatus(dir: string): Promise<Status> {
  const status = await readJsonFile(
    statusPath(dir),
    StatusSchema,
    "status file",
    "Nothing has run in this folder yet: start with `vbulk ingest DIR`. If the ingest ran with --out OTHER, its status is there: `vbulk status OTHER`.",
  );
  if (status.state === "running" && !(await stillRuns(status.pid, status.started_at)))
    return { ...status, state: "interrupted" };
  return status;
}
