/**
 * "Créer les brouillons" from the page: the same core entry point as `vbulk execute` (runExecute, with the same
 * journal, pacer, status file and adapter), dry run unless the page's switch is on AND the typed confirmation
 * matches. The three conditions of the CLI hold: publish:true items only, the switch (--no-dry-run), a confirmation.
 */

import { configFileLayer } from "../commands/options.js";
import { resolveConfig } from "../core/config.js";
import { messageOf, VbulkError } from "../core/errors.js";
import { redact } from "../core/redact.js";
import { readPlan } from "../listing/plan.js";
import { StatusWriter } from "../store/status.js";
import { createPlaywrightAdapter } from "../vinted/adapter.js";
import { openBrowser } from "../vinted/browser.js";
import { type ExecuteEvent, type ExecuteResult, runExecute, selectItems } from "../vinted/execute.js";
import { JournalFile } from "../vinted/journal.js";
import { createPacer } from "../vinted/pacing.js";
import { loadSelectors } from "../vinted/selectors.js";
import { loadSession } from "../vinted/session.js";
import { checkConfirmation } from "./actions.js";

const DEFAULT_VINTED_URL = "https://www.vinted.fr";

export interface ExecuteJob {
  readonly running: boolean;
  snapshot(): {
    running: boolean;
    publish: boolean;
    events: string[];
    results: ExecuteResult[] | null;
    error: string | null;
  };
}

/**
 * Checks the plan and the confirmation, then starts the execute in the background. Throws (nothing sent) when
 * there is no plan or when publishing is asked without the exact typed confirmation.
 */
export async function startExecute(
  dir: string,
  opts: { publish: boolean; confirmation?: string | undefined },
): Promise<ExecuteJob> {
  const plan = await readPlan(dir);
  if (!plan)
    throw new VbulkError("NOT_FOUND", `Expected a plan in ${dir} but found none`, {
      hint: "Generate the plan first (« Générer le plan »).",
    });
  if (opts.publish) checkConfirmation(plan, opts.confirmation);
  const config = resolveConfig(await configFileLayer(process.env.VBULK_CONFIG));
  const selectors = await loadSelectors(process.env.VBULK_SELECTORS);
  const items = selectItems(plan);
  const state = {
    running: true,
    events: [] as string[],
    results: null as ExecuteResult[] | null,
    error: null as string | null,
  };
  const job: ExecuteJob = {
    get running() {
      return state.running;
    },
    snapshot: () => ({ ...state, publish: opts.publish, events: state.events.slice(-200) }),
  };
  void (async () => {
    const status = new StatusWriter(dir, "execute", 250);
    const counts = { queued: items.length, done: 0, needs_manual: 0, failed: 0 };
    status.update({ stage: "prepare", counts });
    try {
      const session = await loadSession();
      const journal = await JournalFile.open(dir);
      const { browser, context } = await openBrowser({ headed: false, state: session });
      const adapter = createPlaywrightAdapter(context, {
        baseUrl: process.env.VBULK_VINTED_URL ?? DEFAULT_VINTED_URL,
        selectors,
        humanDelayMs: [...config.execute.humanDelayMs],
        timeoutMs: config.execute.timeoutMs,
      });
      const pacer = createPacer(config.execute);
      const onEvent = (e: ExecuteEvent) => {
        if (e.type === "item") {
          if ((e.state === "done" || e.state === "reused") && e.phase === "prepare") counts.done++;
          if (e.state === "failed") counts.failed++;
          status.update({ stage: e.phase, counts });
          state.events.push(redact(`${e.id} ${e.phase} ${e.state}${e.detail ? `: ${e.detail}` : ""}`));
        } else {
          status.update({ message: e.reason });
          state.events.push(redact(`stopped: ${e.reason}`));
        }
      };
      try {
        state.results = await runExecute({
          dir,
          plan,
          journal,
          adapter,
          pacer,
          config: config.execute,
          dryRun: !opts.publish,
          onEvent,
        });
      } finally {
        await pacer.stop();
        await adapter.close();
        await browser.close();
      }
      counts.needs_manual = state.results.filter((r) => r.needs_manual).length;
      await status.finish(state.results.every((r) => r.prepare?.ok) ? "done" : "partial");
    } catch (err) {
      state.error = redact(messageOf(err));
      await status.finish("failed", state.error);
    } finally {
      state.running = false;
    }
  })();
  return job;
}
