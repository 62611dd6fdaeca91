import type { Config } from "../core/config.js";
import { VbulkError } from "../core/errors.js";
import { redact } from "../core/redact.js";
import { localDateTime } from "../core/text.js";
import type { Plan } from "../listing/plan.js";
import { StatusWriter } from "../store/status.js";
import { VintedTab } from "./adapter.js";
import { openBrowser, within } from "./browser.js";
import { siteCurrency } from "./currency.js";
import { ChallengeError, RateLimitError } from "./errors.js";
import { type ExecuteEvent, type ExecuteResult, runExecute } from "./execute.js";
import type { JournalFile } from "./journal.js";
import { type Budget, formatDuration, savePacing } from "./pacing.js";
import { loadSession, saveSession } from "./session.js";

const DEFAULT_VINTED_URL = "https://www.vinted.fr";

/** The site: VBULK_VINTED_URL (validated, named in the error) or vinted.fr. */
export function siteUrl(): string {
  const raw = process.env.VBULK_VINTED_URL;
  if (!raw) return DEFAULT_VINTED_URL;
  try {
    const u = new URL(raw);
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("not http(s)");
    return u.origin;
  } catch {
    throw new VbulkError(
      "BAD_USAGE",
      `Expected an http(s) URL for VBULK_VINTED_URL but received ${JSON.stringify(raw)}`,
      {
        hint: "Unset it to use https://www.vinted.fr, or set e.g. VBULK_VINTED_URL=https://www.vinted.be",
      },
    );
  }
}

/** Headless only on request (--headless, VBULK_HEADLESS=1 or config): documented as likely blocked by Vinted. */
export function headless(flag: boolean | undefined, config: Config["execute"]): boolean {
  return flag === true || process.env.VBULK_HEADLESS === "1" || config.headless;
}

/** The Ctrl-C of an @inquirer prompt (and Ctrl-D): the user said no by leaving. */
export function isPromptExit(err: unknown): boolean {
  return err instanceof Error && (err.name === "ExitPromptError" || err.name === "AbortPromptError");
}

/**
 * Opens the logged-in tab, runs `fn`, and always saves the browser state again afterwards (Vinted's refresh token is
 * single-use: a session file not saved after a run is stale), failed runs included. Every step is bounded by
 * the config's limits; throws BROWSER_LOST when the browser dies or closes before `fn` is done, once `fn` has
 * ended: `lost` (given to `fn`) is aborted then, and `fn` is awaited for at most one tab call's limit
 * (timeoutMs + tabGraceMs) plus closeTimeoutMs for its last saves.
 */
export async function withTab<T>(
  hl: boolean,
  config: Config["execute"],
  fn: (tab: VintedTab, lost: AbortSignal) => Promise<T>,
): Promise<T> {
  const base = siteUrl();
  const state = await loadSession();
  const handle = await openBrowser({ headless: hl, state, limits: config });
  const tab = new VintedTab(
    handle.context,
    base,
    config.timeoutMs,
    config.tabGraceMs,
    config.sessionRefreshWaitMs,
  );
  const lost = new AbortController();
  try {
    const run = fn(tab, lost.signal);
    try {
      // A browser that dies under a call can leave that call waiting for ever: its loss ends the run instead.
      return await Promise.race([run, handle.lost]);
    } catch (err) {
      // Before the caller moves on (the review page releases the account's lock and offers the button again),
      // `fn` must have stopped: left running, it woke from its spacing or budget wait and rewrote journal.json
      // and pacing.json, over a newer run's.
      lost.abort("the browser was closed or lost: what was sent is in journal.json");
      await within(
        run.then(() => {}),
        config.timeoutMs + config.tabGraceMs + config.closeTimeoutMs,
        undefined,
      );
      throw err;
    }
  } catch (err) {
    throw handle.failure(err);
  } finally {
    // Every step bounded: a browser that froze or died must not keep the command (a cron job) running.
    const fresh = handle.alive()
      ? await within(handle.context.storageState(), config.closeTimeoutMs, null)
      : null;
    if (fresh?.cookies.length) await saveSession(fresh as never).catch(() => {});
    await handle.close();
  }
}

/**
 * Runs the plan in the logged-in tab: opens /items/new (a refusal there pauses every write exactly like one on a
 * write), then runExecute, and saves the pacing state whatever happens. Shared by `vbulk execute` and the review
 * page, so both go through the same checks. Throws what runExecute throws (ChallengeError, SessionExpiredError…).
 */
export async function executeInBrowser(opts: {
  dir: string;
  plan: Plan;
  journal: JournalFile;
  budget: Budget;
  pacingDir: string;
  config: Config["execute"];
  headless: boolean;
  publish: boolean;
  only?: string[] | undefined;
  onEvent?: (e: ExecuteEvent) => void;
  signal?: AbortSignal;
  /** What stopped the run when `signal` aborted (runExecute's stoppedBy). */
  stoppedBy?: () => string;
  /** Told when a refusal on the first page paused every write. */
  onPaused?: (until: number) => void;
  /** Told once the run has begun on Vinted: its first page answered with no refusal, or with one that paused every
   *  write. Before that, nothing is saved: a run refused earlier (not logged in, no browser, a session Vinted no
   *  longer takes, the site unreachable) leaves pacing.json, and the status file the caller keeps, as they were. */
  onStarted?: () => void;
  /** Awaited once the browser is up and Vinted's first page showed no refusal, before the first write: what the
   *  caller saves only when the run really goes ahead (execute --set-publish-true's plan.json). */
  onReady?: () => Promise<void>;
}): Promise<ExecuteResult[]> {
  const { budget, pacingDir } = opts;
  let started = false;
  const start = () => {
    started = true;
    opts.onStarted?.();
  };
  try {
    return await withTab(opts.headless, opts.config, async (tab, lost) => {
      try {
        await tab.open("/items/new");
      } catch (err) {
        if (err instanceof ChallengeError || err instanceof RateLimitError) {
          start();
          const p =
            err instanceof ChallengeError
              ? budget.pauseFor("challenge", redact(err.message))
              : budget.pauseFor("rate_limit", redact(err.message), err.retryAfterSeconds);
          await savePacing(pacingDir, budget.state);
          opts.onPaused?.(p.until);
        }
        throw err;
      }
      // No security token in the page: every write would be refused (403). Said before the run begins, so
      // nothing is sent and no file changes.
      tab.requireWriteToken();
      start();
      await opts.onReady?.();
      return runExecute({
        dir: opts.dir,
        plan: opts.plan,
        journal: opts.journal,
        tab,
        budget,
        savePacing: () => savePacing(pacingDir, budget.state),
        config: opts.config,
        // Checked before the browser opened (the command and the review page call siteCurrency first).
        currency: siteCurrency(tab.baseUrl),
        publish: opts.publish,
        ...(opts.only ? { only: opts.only } : {}),
        ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
        signal: opts.signal ? AbortSignal.any([opts.signal, lost]) : lost,
        ...(opts.stoppedBy ? { stoppedBy: opts.stoppedBy } : {}),
      });
    });
  } finally {
    // Only a run that began: one refused before rewrote the account's pacing.json (and created it) for nothing,
    // and saved a pause --ignore-pause lifted though the run never went ahead.
    if (started) await savePacing(pacingDir, budget.state).catch(() => {});
  }
}

/**
 * Keeps `vbulk status` true while an execute runs (from the command or the review page): counts per event, the
 * status file updated, and the line to show for each event returned, redacted. Callers only render that line.
 */
export class ExecuteProgress {
  /** `skipped`: not ready (needs_review), nothing sent for it; kept apart from `failed` (Vinted refused, an error). */
  readonly counts = {
    articles: 0,
    drafts: 0,
    published: 0,
    failed: 0,
    skipped: 0,
    needs_manual: 0,
    writes_sent: 0,
  };
  readonly status: StatusWriter;
  private begun = false;

  constructor(dir: string, articles: number) {
    this.counts.articles = articles;
    this.status = new StatusWriter(dir, "execute", 250);
  }

  /**
   * Writes the status file's first state (executeInBrowser's onStarted): a run refused before it began on Vinted
   * (not logged in, no browser) leaves the previous run's status as it was, as every refused command leaves its
   * files.
   */
  begin(): void {
    if (this.begun) return;
    this.begun = true;
    this.status.update({ stage: "drafts", counts: this.counts });
  }

  /** Whether begin() was called: the run began on Vinted. */
  get started(): boolean {
    return this.begun;
  }

  /** Ends the status file's run; nothing when it never began. */
  async finish(state: Parameters<StatusWriter["finish"]>[0], message: string | null = null): Promise<void> {
    if (this.begun) await this.status.finish(state, message);
  }

  /** Records one event; returns what to show a person (null for a write being sent: the status file has it). */
  record(ev: ExecuteEvent): string | null {
    this.begin();
    const { counts, status } = this;
    if (ev.type === "write") {
      counts.writes_sent = ev.sent;
      status.update({ counts, message: redact(`${ev.id}: sending ${ev.what}`) });
      return null;
    }
    if (ev.type === "wait") {
      const text = `${ev.id}: waiting ${formatDuration(ev.until - Date.now())} for the ${ev.why} (next write at ${localDateTime(ev.until).slice(11)})`;
      status.update({ message: text });
      return text;
    }
    if (ev.type === "item") {
      if (ev.state === "done" && (ev.step === "draft" || ev.step === "adopt")) counts.drafts++;
      if (ev.state === "done" && ev.step === "publish") counts.published++;
      if (ev.state === "failed") counts.failed++;
      status.update({
        stage: ev.step === "publish" ? "publish" : "drafts",
        counts,
        message: redact(`${ev.id}: ${ev.step} ${ev.state}`),
      });
      return redact(`${ev.id} ${ev.step} ${ev.state}${ev.detail ? `: ${ev.detail}` : ""}`);
    }
    status.update({ message: redact(ev.reason) });
    return redact(
      `stopped: ${ev.reason}${ev.left.length ? ` — left for the next run: ${ev.left.join(", ")}` : ""}`,
    );
  }

  /** Final counts from the results. */
  tally(results: ExecuteResult[]): void {
    const c = this.counts;
    c.drafts = results.filter((r) => r.state === "draft").length;
    c.published = results.filter((r) => r.state === "published").length;
    c.failed = results.filter((r) => r.state === "failed").length;
    c.skipped = results.filter((r) => r.state === "skipped").length;
    c.needs_manual = results.filter((r) => r.state === "needs_manual").length;
    if (this.begun) this.status.update({ counts: c });
  }
}
