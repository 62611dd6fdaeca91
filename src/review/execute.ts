/**
 * "Créer les brouillons" from the page: the same core entry point as `vbulk execute` (runExecute, with the same
 * journal, pacer, status file and adapter), dry run unless the page's switch is on AND the typed confirmation
 * matches. The three conditions of the CLI hold: publish:true items only, the switch (--no-dry-run), a confirmation.
 */

import { configFileLayer } from "../commands/options.js";
import { resolveConfig } from "../core/config.js";
import { messageOf, VbulkError } from "../core/errors.js";
import { redact } from "../core/redact.js";
import { localDateTime } from "../core/text.js";
import { readPlan } from "../listing/plan.js";
import { readCatalog } from "../store/catalog.js";
import { interruptedMessage } from "../store/status.js";
import { siteCurrency } from "../vinted/currency.js";
import {
  checkPlanCurrent,
  type ExecuteEvent,
  type ExecuteResult,
  nothingToSend,
  selectItems,
} from "../vinted/execute.js";
import { JournalFile } from "../vinted/journal.js";
import { Budget, loadPacing, takeExecuteLock } from "../vinted/pacing.js";
import { ExecuteProgress, executeInBrowser, headless, siteUrl } from "../vinted/run.js";
import { configDir } from "../vinted/session.js";
import { checkConfirmation, publishedIn, type publishPreview } from "./actions.js";
import { explainFailure, type RunFailure } from "./refusals.js";

/** A run's progress as data (the terminal's lines are English): the page says each in its language. */
export type LogEvent =
  | {
      type: "item";
      id: string;
      step: string;
      state: "done" | "failed";
      detail?: string;
      /** Why a failed step failed, for the page to word (`detail` is the terminal's message). */
      failure?: RunFailure;
    }
  | { type: "wait"; id: string; until: string; why: string }
  | ({ type: "stopped" } & RunStop);

/**
 * Why a run stopped before its end, as data the page words (`reason` is the terminal's): a refusal of Vinted's that
 * paused every write (`pause`, its end as an ISO time), another refusal (`by`: its code, on which article), or what
 * else stopped it (`cause`: Ctrl-C, the browser lost, a pause, a spent write budget).
 */
export interface RunStop {
  reason: string;
  left: string[];
  pause: { kind: "challenge" | "rate_limit"; id: string; until: string } | null;
  by: { code: string; id: string } | null;
  cause:
    | { kind: "interrupted" | "browser_lost" }
    | { kind: "paused"; until: string }
    | { kind: "spent"; why: string; until: string }
    | null;
}

/** The core's stop event as the page's data: its times as ISO times, its reason redacted. */
function pageStop(e: Extract<ExecuteEvent, { type: "stopped" }>): RunStop {
  const iso = (ms: number) => new Date(ms).toISOString();
  const c = e.cause;
  return {
    reason: redact(e.reason),
    left: e.left,
    pause: e.pause ? { ...e.pause, until: iso(e.pause.until) } : null,
    by: e.by ?? null,
    cause: !c
      ? null
      : c.kind === "interrupted" || c.kind === "browser_lost"
        ? c
        : { ...c, until: iso(c.until) },
  };
}

export interface ExecuteJob {
  readonly running: boolean;
  /**
   * Stops the run as `vbulk execute`'s Ctrl-C does (the write in flight is finished or abandoned as the journal
   * allows, the status file says interrupted, the account's lock is released) and resolves once it has ended:
   * the review server stopping must not leave a run writing to Vinted behind it. `by`: what stopped it, in a
   * seller's words (signals.ts stoppedBy).
   */
  stop(by: string): Promise<void>;
  snapshot(): {
    running: boolean;
    publish: boolean;
    events: string[];
    /** The same progress as `events`, as data: the page words it (its last lines show while the run goes). */
    log: LogEvent[];
    /** Each article's outcome; a failed one with why, as data the page words (its `error` is the terminal's). */
    results: (ExecuteResult & { failure?: RunFailure })[] | null;
    /** The run's failure in the terminal's words: the page keeps it as a detail for a bug report. */
    error: string | null;
    /** What to do about `error` (the VbulkError's hint), in the terminal's words too. */
    hint: string | null;
    /** The VbulkError's code (NOT_LOGGED_IN…). */
    code: string | null;
    /** Why the run failed, as data: the page says it, and what to do, in its language. */
    failure: RunFailure | null;
    /** When the run ended: the page keeps the last outcome until the next run, so it says when. */
    finished_at: string | null;
    /** Nothing needed a write (every article drafted as the plan says, published, not ready or needs_manual): no
     * browser was opened, and `results` says each article as a run would. */
    idle: boolean;
    /** Why the run stopped before its end (a captcha, a lost session, a spent budget…), or null: the page says it,
     *  and what to do, in its words. */
    stopped: RunStop | null;
  };
}

/**
 * Checks the plan and the confirmation, then starts the execute in the background. Throws (nothing sent) when
 * there is no plan or when publishing is asked without the exact typed confirmation.
 */
export async function startExecute(
  dir: string,
  opts: {
    publish: boolean;
    confirmation?: string | undefined;
    /** What the page listed as going public when the seller typed the confirmation (required to publish). */
    shown?: ReturnType<typeof publishPreview>["items"] | undefined;
  },
): Promise<ExecuteJob> {
  const plan = await readPlan(dir);
  if (!plan)
    throw new VbulkError("NOT_FOUND", `Expected a plan in ${dir} but found none`, {
      hint: "Generate the plan first (« Générer le plan »).",
    });
  checkPlanCurrent(selectItems(plan), await readCatalog(dir), dir);
  const site = siteUrl();
  const journal = await JournalFile.open(dir, site);
  // What the page listed leaves out the articles already published (never asked again, as the CLI does).
  if (opts.publish) checkConfirmation(plan, opts.confirmation, opts.shown ?? [], publishedIn(journal));
  const config = resolveConfig(await configFileLayer(process.env.VBULK_CONFIG));
  // As `vbulk execute` does: nothing to send is said without a browser (a second click opened a window, and with no
  // display failed, only to find every draft already as the plan says).
  const idle = await nothingToSend(dir, journal, selectItems(plan), opts.publish);
  if (idle) {
    const done = {
      running: false,
      events: [] as string[],
      log: [] as LogEvent[],
      results: idle,
      error: null,
      hint: null,
      code: null,
      failure: null,
      finished_at: new Date().toISOString(),
      idle: true,
      stopped: null,
    };
    return { running: false, stop: async () => {}, snapshot: () => ({ ...done, publish: opts.publish }) };
  }
  // Prices go out in the site's currency: an unknown site is refused here, before anything is read or sent.
  siteCurrency(site);
  const pacingDir = configDir();
  // The account's execute lock, as the CLI takes it: a terminal's `vbulk execute` and this page take turns.
  const release = await takeExecuteLock(pacingDir, dir);
  let started = false;
  try {
    const budget = new Budget(await loadPacing(pacingDir), config.execute);
    const pause = budget.pause();
    if (pause)
      throw new VbulkError(
        "CHALLENGE",
        `Every write is paused until ${localDateTime(pause.until)} (${redact(pause.reason)}): nothing was sent`,
        {
          hint: "Wait for it to end (vbulk status). If Vinted asked for something, do it in your browser first; `vbulk execute --ignore-pause` lifts the pause.",
          // Its end as data: the page says it in the seller's own clock (this one is the server's).
          context: { pause: { until: new Date(pause.until).toISOString(), kind: pause.kind } },
        },
      );
    const items = selectItems(plan);
    const state = {
      running: true,
      events: [] as string[],
      log: [] as LogEvent[],
      results: null as ReturnType<ExecuteJob["snapshot"]>["results"],
      error: null as string | null,
      hint: null as string | null,
      code: null as string | null,
      failure: null as RunFailure | null,
      finished_at: null as string | null,
      stopped: null as ReturnType<ExecuteJob["snapshot"]>["stopped"],
    };
    const controller = new AbortController();
    let stoppedBy = "Ctrl-C";
    let ended: Promise<void> = Promise.resolve();
    const job: ExecuteJob = {
      get running() {
        return state.running;
      },
      stop: async (by) => {
        stoppedBy = by;
        controller.abort();
        await ended;
      },
      snapshot: () => ({
        ...state,
        publish: opts.publish,
        events: state.events.slice(-200),
        log: state.log.slice(-200),
        idle: false,
      }),
    };
    ended = (async () => {
      const progress = new ExecuteProgress(dir, items.length);
      /** Why each article failed, from its failed step (the last one counts), for its row. */
      const failures = new Map<string, RunFailure>();
      /** The end of the pause a refusal on Vinted's first page started (the run then fails with that refusal). */
      let pausedUntil: number | undefined;
      try {
        const journal = await JournalFile.open(dir, site);
        const onEvent = (e: ExecuteEvent) => {
          const line = progress.record(e);
          if (line) state.events.push(line);
          if (e.type === "item") {
            // A refusal that paused every write has paused it by now: its end goes with it.
            const failure = e.state === "failed" ? explainFailure(e.cause, budget.pause()?.until) : undefined;
            if (failure) failures.set(e.id, failure);
            state.log.push({
              type: "item",
              id: e.id,
              step: e.step,
              state: e.state,
              ...(e.detail ? { detail: redact(e.detail) } : {}),
              ...(failure ? { failure } : {}),
            });
          }
          if (e.type === "wait")
            state.log.push({ type: "wait", id: e.id, until: new Date(e.until).toISOString(), why: e.why });
          if (e.type === "stopped") {
            state.stopped = pageStop(e);
            state.log.push({ type: "stopped", ...state.stopped });
          }
        };
        const results = await executeInBrowser({
          dir,
          plan,
          journal,
          budget,
          pacingDir,
          config: config.execute,
          headless: headless(undefined, config.execute),
          publish: opts.publish && plan.items.some((i) => i.publish && !i.excluded),
          onEvent,
          signal: controller.signal,
          stoppedBy: () => stoppedBy,
          onStarted: () => progress.begin(),
          onPaused: (until) => {
            pausedUntil = until;
          },
        });
        state.results = results.map((r) => {
          const failure = r.state === "failed" ? failures.get(r.cluster_id) : undefined;
          return failure ? { ...r, failure } : r;
        });
        progress.tally(results);
        const complete = results.every(
          (r) => r.state === "published" || (r.state === "draft" && !opts.publish),
        );
        await progress.finish(
          controller.signal.aborted ? "interrupted" : complete ? "done" : "partial",
          controller.signal.aborted ? interruptedMessage(stoppedBy) : null,
        );
      } catch (err) {
        if (controller.signal.aborted) {
          // Stopped with the server (Ctrl-C): said as `vbulk execute`'s Ctrl-C says it, not as a failure.
          state.error = interruptedMessage(stoppedBy);
          await progress.finish("interrupted", state.error);
          return;
        }
        state.error = redact(messageOf(err));
        state.hint = err instanceof VbulkError && err.hint ? redact(err.hint) : null;
        state.code = err instanceof VbulkError ? err.code : null;
        state.failure = explainFailure(err, pausedUntil);
        await progress.finish("failed", state.error);
      } finally {
        state.finished_at = new Date().toISOString();
        // Released first: the page offers the button again once running is false, and a click must find it free.
        try {
          await release();
        } finally {
          state.running = false;
        }
      }
    })();
    started = true;
    return job;
  } finally {
    if (!started) await release();
  }
}
