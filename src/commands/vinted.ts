import { resolve } from "node:path";
import { confirm } from "@inquirer/prompts";
import type { Command } from "commander";
import { resolveConfig } from "../core/config.js";
import { VbulkError } from "../core/errors.js";
import { type Plan, readPlan, writePlan } from "../listing/plan.js";
import { StatusWriter } from "../store/status.js";
import { createPlaywrightAdapter } from "../vinted/adapter.js";
import { openBrowser } from "../vinted/browser.js";
import {
  checkItem,
  type ExecuteEvent,
  type ExecuteResult,
  runExecute,
  selectItems,
} from "../vinted/execute.js";
import { JournalFile } from "../vinted/journal.js";
import { login } from "../vinted/login.js";
import { createPacer } from "../vinted/pacing.js";
import { fill, loadSelectors } from "../vinted/selectors.js";
import { loadSession } from "../vinted/session.js";
import { configFileLayer, envOption, workingFolder } from "./options.js";
import { createIo, type Io } from "./render.js";

type Run = (fn: () => Promise<number>) => Promise<void>;
const DEFAULT_VINTED_URL = "https://www.vinted.fr";
const baseUrl = () => process.env.VBULK_VINTED_URL ?? DEFAULT_VINTED_URL;
const selectorsOption = () =>
  envOption(
    "--selectors <file>",
    "selectors data file (default models/vinted-selectors.json)",
    "VBULK_SELECTORS",
  );

/** Registers login, auth check, doctor and execute. */
export function registerVinted(program: Command, run: Run): void {
  program
    .command("login")
    .description("open Vinted in a visible browser, log in by hand; the session is kept encrypted")
    .addOption(selectorsOption())
    .action((raw: { selectors?: string }) =>
      run(async () => {
        const io = createIo(false);
        io.err(`A browser window opens on ${baseUrl()}: log in as usual. vbulk waits up to 10 minutes.`);
        const path = await login({
          baseUrl: baseUrl(),
          selectors: await loadSelectors(raw.selectors),
          headed: true,
          timeoutMs: 600_000,
        });
        io.out(`Logged in. Session saved, encrypted, in ${path}`);
        return 0;
      }),
    );

  program
    .command("auth")
    .description("about the saved Vinted session")
    .command("check")
    .description("say whether the saved session still works")
    .addOption(selectorsOption())
    .option("--json", "print as JSON")
    .action((raw: { selectors?: string; json?: boolean }) =>
      run(async () => {
        const io = createIo(raw.json === true);
        const ok = await withAdapter(false, raw.selectors, (adapter) => adapter.checkSession());
        if (io.json) io.out(JSON.stringify({ ok, site: baseUrl() }));
        else
          io.out(
            ok ? `The session works on ${baseUrl()}.` : `Not logged in on ${baseUrl()}: run \`vbulk login\`.`,
          );
        return ok ? 0 : 2;
      }),
    );

  program
    .command("doctor")
    .description("open the upload form and report which selectors are missing")
    .addOption(selectorsOption())
    .option("--json", "print as JSON")
    .action((raw: { selectors?: string; json?: boolean }) =>
      run(async () => {
        const io = createIo(raw.json === true);
        const selectors = await loadSelectors(raw.selectors);
        const state = await loadSession();
        const { browser, context } = await openBrowser({ headed: false, state });
        try {
          const page = await context.newPage();
          await page.goto(new URL(selectors.paths.newItem, baseUrl()).toString(), {
            waitUntil: "domcontentloaded",
          });
          const checks: { name: string; selector: string; found: boolean }[] = [];
          const top = ["photos", "title", "description", "categoryOpen", "price", "saveDraft"] as const;
          for (const name of top)
            checks.push({
              name,
              selector: selectors.form[name],
              found: (await page.locator(selectors.form[name]).count()) > 0,
            });
          if (checks.find((c) => c.name === "categoryOpen")?.found) {
            await page.locator(selectors.form.categoryOpen).click();
            checks.push({
              name: "categorySearch",
              selector: selectors.form.categorySearch,
              found: (await page.locator(selectors.form.categorySearch).count()) > 0,
            });
            const option = page.locator(selectors.form.categoryOption).first();
            const hasOption = (await option.count()) > 0;
            checks.push({
              name: "categoryOption",
              selector: selectors.form.categoryOption,
              found: hasOption,
            });
            if (hasOption) {
              await option.click();
              for (const name of ["brandOpen", "sizeOpen", "conditionOpen", "colorOpen"] as const)
                checks.push({
                  name,
                  selector: selectors.form[name],
                  found: (await page.locator(selectors.form[name]).count()) > 0,
                });
              checks.push({
                name: "packageSize",
                selector: selectors.form.packageSize,
                found: (await page.locator(fill(selectors.form.packageSize, { id: 1 })).count()) > 0,
              });
            }
          }
          const missing = checks.filter((c) => !c.found);
          if (io.json) io.out(JSON.stringify({ url: page.url(), checks }, null, 2));
          else {
            for (const c of checks)
              io.out(`${c.found ? "ok     " : "MISSING"} ${c.name.padEnd(15)} ${c.selector}`);
            io.out(
              missing.length
                ? `${missing.length} selectors missing: fix them in a copy of the selectors file and pass --selectors.`
                : "All checked selectors found.",
            );
          }
          return missing.length ? 1 : 0;
        } finally {
          await browser.close();
        }
      }),
    );

  program
    .command("execute")
    .description(
      "carry out plan.json on Vinted: drafts (dry run, the default); publishing needs --no-dry-run and a confirmation",
    )
    .argument("[dir]", "folder holding plan.json (or the photos' ZIP)", ".")
    .option("--no-dry-run", "also publish the items marked publish:true, after a confirmation")
    .option("--only <ids>", "act on these articles only, e.g. c3,c7,c12")
    .option("--set-publish-true", "mark the --only articles publish:true in plan.json first")
    .option("--check", "validate the plan against Vinted's constraints; touch nothing")
    .option("--headed", "show the browser")
    .option("--ignore-pause", "run although a challenge paused writes (after you solved it)")
    .option("--json", "print the per-item results as JSON")
    .addOption(selectorsOption())
    .addOption(envOption("--config <file>", 'JSON config file (section "execute")', "VBULK_CONFIG"))
    .action((dir: string, raw: ExecuteFlags) => run(() => executeCommand(dir, raw)));
}

interface ExecuteFlags {
  dryRun: boolean;
  only?: string;
  setPublishTrue?: boolean;
  check?: boolean;
  headed?: boolean;
  ignorePause?: boolean;
  json?: boolean;
  selectors?: string;
  config?: string;
}

async function withAdapter<T>(
  headed: boolean,
  selectorsFile: string | undefined,
  fn: (a: ReturnType<typeof createPlaywrightAdapter>) => Promise<T>,
): Promise<T> {
  const selectors = await loadSelectors(selectorsFile);
  const state = await loadSession();
  const { execute } = resolveConfig();
  const { browser, context } = await openBrowser({ headed, state });
  const adapter = createPlaywrightAdapter(context, {
    baseUrl: baseUrl(),
    selectors,
    humanDelayMs: [...execute.humanDelayMs],
    timeoutMs: execute.timeoutMs,
  });
  try {
    return await fn(adapter);
  } finally {
    await adapter.close();
    await browser.close();
  }
}

async function executeCommand(dirArg: string, raw: ExecuteFlags): Promise<number> {
  const io = createIo(raw.json === true);
  const dir = await workingFolder(dirArg);
  const config = resolveConfig(await configFileLayer(raw.config));
  const selectors = await loadSelectors(raw.selectors);
  let plan = await readPlan(dir);
  if (!plan)
    throw new VbulkError(
      "NOT_FOUND",
      `Expected a plan at ${resolve(dir, "plan.json")} but found no file there`,
      { hint: "Run `vbulk plan` first." },
    );
  const only = raw.only
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of only ?? [])
    if (!plan.items.some((i) => i.cluster_id === id))
      throw new VbulkError("BAD_USAGE", `Expected article ids of the plan for --only but received "${id}"`);
  if (raw.setPublishTrue) {
    if (!only?.length)
      throw new VbulkError("BAD_USAGE", "Expected --only with --set-publish-true but received no ids", {
        hint: "Example: --only c3,c7 --set-publish-true",
      });
    if (raw.check)
      throw new VbulkError("BAD_USAGE", "Expected --check alone: it touches nothing, not even plan.json");
    plan = {
      ...plan,
      items: plan.items.map((i) => (only.includes(i.cluster_id) ? { ...i, publish: true } : i)),
    };
    await writePlan(dir, plan);
  }
  const items = selectItems(plan, only);

  if (raw.check) {
    let bad = 0;
    for (const item of items) {
      const problems = await checkItem(dir, item);
      if (problems.length) bad++;
      if (!io.json)
        io.out(
          `${item.cluster_id.padEnd(5)} ${problems.length ? `not ready: ${problems.join("; ")}` : `ready (${item.publish ? "publish" : "draft only"})`}`,
        );
    }
    if (io.json) io.out(JSON.stringify({ ready: items.length - bad, not_ready: bad }));
    else io.out(`${items.length - bad} of ${items.length} articles ready. Nothing was sent.`);
    return bad ? 2 : 0;
  }

  const toPublish = items.filter((i) => i.publish);
  if (!raw.dryRun) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new VbulkError(
        "BAD_USAGE",
        "Expected a terminal to confirm --no-dry-run but there is none (script, cron or CI): nothing was sent",
        {
          hint: "Publishing always asks a person. Run it by hand in a terminal, or drop --no-dry-run to make drafts only.",
        },
      );
    }
    if (toPublish.length) {
      io.err(`These ${toPublish.length} articles will be PUBLISHED on ${baseUrl()} (visible to everyone):`);
      for (const i of toPublish) io.err(`  ${i.cluster_id}  ${i.title}  ${i.price} €`);
      const ok = await confirm({ message: `Publish these ${toPublish.length} articles?`, default: false });
      if (!ok) {
        io.err("Not confirmed: nothing was sent.");
        return 0;
      }
    }
  }

  const state = await loadSession();
  const journal = await JournalFile.open(dir);
  const status = new StatusWriter(dir, "execute", 250);
  const counts = { queued: items.length, done: 0, needs_manual: 0, failed: 0 };
  status.update({ stage: "prepare", counts });
  const { browser, context } = await openBrowser({ headed: raw.headed === true, state });
  const adapter = createPlaywrightAdapter(context, {
    baseUrl: baseUrl(),
    selectors,
    humanDelayMs: [...config.execute.humanDelayMs],
    timeoutMs: config.execute.timeoutMs,
  });
  const pacer = createPacer(config.execute);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  const onEvent = (e: ExecuteEvent) => {
    if (e.type === "item") {
      if (e.state === "done" || e.state === "reused") counts.done += e.phase === "prepare" ? 1 : 0;
      if (e.state === "failed") counts.failed++;
      counts.queued = Math.max(0, items.length - counts.done - counts.failed);
      status.update({ stage: e.phase, counts });
      if (!io.json) io.err(`${e.id} ${e.phase} ${e.state}${e.detail ? `: ${e.detail}` : ""}`);
    } else {
      status.update({ message: e.reason });
      io.err(
        `${io.c.yellow("stopped:")} ${e.reason}${e.left.length ? ` — left for the next run: ${e.left.join(", ")}` : ""}`,
      );
    }
  };
  let results: ExecuteResult[];
  try {
    results = await runExecute({
      dir,
      plan,
      journal,
      adapter,
      pacer,
      config: config.execute,
      dryRun: raw.dryRun,
      only,
      onEvent,
      signal: controller.signal,
    });
  } catch (err) {
    await status.finish(
      controller.signal.aborted ? "interrupted" : "failed",
      err instanceof Error ? err.message : String(err),
    );
    throw err;
  } finally {
    process.removeListener("SIGINT", onSigint);
    await pacer.stop();
    await adapter.close();
    await browser.close();
  }
  counts.needs_manual = results.filter((r) => r.needs_manual).length;
  const complete = results.every(
    (r) =>
      r.prepare?.ok &&
      (raw.dryRun || !plan.items.find((i) => i.cluster_id === r.cluster_id)?.publish || r.publish?.ok),
  );
  await status.finish(
    complete ? "done" : "partial",
    journal.data.paused_until ? `paused until ${journal.data.paused_until}` : null,
  );
  if (io.json) io.out(JSON.stringify(results, null, 2));
  else printResults(io, results, plan, raw.dryRun);
  return complete ? 0 : 3;
}

function printResults(io: Io, results: ExecuteResult[], plan: Plan, dryRun: boolean): void {
  for (const r of results) {
    const item = plan.items.find((i) => i.cluster_id === r.cluster_id);
    const prep = r.prepare
      ? r.prepare.ok
        ? `draft ${r.prepare.draft_id}`
        : `draft failed: ${r.prepare.error}`
      : (r.skipped ?? "not done");
    const pub = r.publish
      ? r.publish.ok
        ? `published ${r.publish.listing_url}`
        : `publish failed: ${r.publish.error}`
      : item?.publish && !dryRun
        ? "not published"
        : "";
    io.out(
      `${r.cluster_id.padEnd(5)} ${prep}${pub ? `; ${pub}` : ""}${r.needs_manual ? io.c.yellow(" needs_manual") : ""}`,
    );
  }
  io.out(dryRun ? "Dry run: drafts only, nothing was published." : "Done.");
}
