import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { writeFileAtomic } from "../core/atomic.js";
import { resolveConfig } from "../core/config.js";
import { VbulkError } from "../core/errors.js";
import { carriesExampleText } from "../core/example-text.js";
import { redact } from "../core/redact.js";
import { localDateTime, plural, printable, shellWord } from "../core/text.js";
import { loadMapping, syncedMappingPath } from "../listing/mapping.js";
import { nearId, readPlan } from "../listing/plan.js";
import { savePlanWithChanges } from "../review/actions.js";
import { readCatalog } from "../store/catalog.js";
import { interruptedMessage } from "../store/status.js";
import { checkDisplay } from "../vinted/browser.js";
import { siteCurrency } from "../vinted/currency.js";
import {
  checkItem,
  checkPlanCurrent,
  type ExecuteEvent,
  type ExecuteResult,
  fieldsDigest,
  type LeftOnVinted,
  leftOnVinted,
  nothingToSend,
  photosToSend,
  publishProblems,
  selectItems,
  unplannedArticles,
  unplannedMessage,
  withoutWrite,
  writesNeeded,
} from "../vinted/execute.js";
import { JournalFile, type JournalItem } from "../vinted/journal.js";
import { login } from "../vinted/login.js";
import {
  Budget,
  estimateMs,
  formatDuration,
  loadPacing,
  savePacing,
  takeExecuteLock,
} from "../vinted/pacing.js";
import {
  ExecuteProgress,
  executeInBrowser,
  headless,
  isPromptExit,
  siteUrl,
  withTab,
} from "../vinted/run.js";
import { checkSessionReadable, configDir, loadSession } from "../vinted/session.js";
import { checkMapping, recordDoctor } from "../vinted/sync.js";
import {
  catalogWrittenElsewhere,
  configFileLayer,
  envOption,
  folderArgument,
  vbulkAs,
  workingFolder,
} from "./options.js";
import { createIo, exampleTextNote, type Io } from "./render.js";
import { interruptedExitCode, onStopSignal, stoppedBy, stopSignalName } from "./signals.js";

type Run = (fn: () => Promise<number>) => Promise<void>;
/** Registers login, auth check, doctor, vinted sync and execute. */
export function registerVinted(program: Command, run: Run): void {
  program
    .command("login")
    .description("open Vinted in your installed browser, log in by hand; the session is kept encrypted")
    .option("--headless", "no window (tests only: Vinted is likely to block it)")
    .action((raw: { headless?: boolean }) =>
      run(async () => {
        const io = createIo(false);
        const { execute } = resolveConfig();
        // Before any window: a session file that only needs its permissions fixed is not replaced (nor a login
        // wasted; saveSession would refuse it at the end).
        await checkSessionReadable();
        // No display (cron, ssh): said before promising a window that cannot open.
        checkDisplay(headless(raw.headless, execute), true);
        io.err(`A browser window opens on ${siteUrl()}: log in as usual. vbulk waits up to 10 minutes.`);
        const r = await login({
          baseUrl: siteUrl(),
          headless: headless(raw.headless, execute),
          timeoutMs: 600_000,
          limits: execute,
        });
        io.out(`Logged in as ${r.login}. Session saved, encrypted, in ${r.path}`);
        return 0;
      }),
    );

  program
    .command("auth")
    .description("about the saved Vinted session")
    .command("check")
    .description("say whether the saved session still works (reads only)")
    .option("--headless", "no window")
    .option("--json", "print as JSON")
    .action((raw: { headless?: boolean; json?: boolean }) =>
      run(async () => {
        const io = createIo(raw.json === true);
        const { execute } = resolveConfig();
        const user = await withTab(headless(raw.headless, execute), execute, async (tab) => {
          await tab.open("/").catch((err) => {
            if ((err as VbulkError).code !== "NOT_LOGGED_IN") throw err;
          });
          return tab.currentUser();
        }).catch((err) => {
          // auth check's 2 means "log in again" (README): a check that could not be made (no display, no browser,
          // the browser died) is 1, like an unreachable site, so a cron health check does not send the seller to
          // log in for nothing. The error's code (--json) still says which.
          if (err instanceof VbulkError && (err.context.browser === true || err.code === "BROWSER_LOST"))
            throw new VbulkError(err.code, err.message, {
              ...(err.hint ? { hint: err.hint } : {}),
              context: err.context,
              cause: err,
              exit: 1,
            });
          throw err;
        });
        // A session the site refused is a failure like no session at all: on stderr, the error document with
        // --json (a script reads one shape; a cron mail of stderr says it), exit 2.
        if (!user)
          throw new VbulkError(
            "NOT_LOGGED_IN",
            `Not logged in on ${siteUrl()}: Vinted refused the saved session (it expired, or was logged out)`,
            { hint: "Run `vbulk login`, then check again." },
          );
        if (io.json) io.out(JSON.stringify({ ok: true, site: siteUrl(), user: user.login }));
        else io.out(`The session works on ${siteUrl()} (${user.login}).`);
        return 0;
      }),
    );

  program
    .command("doctor")
    .description(
      "record, read-only, what the logged-in Vinted shows: session, catalogue, mapping check, upload form",
    )
    .option("--headless", "no window")
    .option("--json", "print the report as JSON")
    .action((raw: { headless?: boolean; json?: boolean }) =>
      run(async () => {
        const io = createIo(raw.json === true);
        const { execute } = resolveConfig();
        const mapping = await loadMapping();
        const report = await withTab(headless(raw.headless, execute), execute, (tab) =>
          recordDoctor(tab, mapping),
        );
        const dir = join(configDir(), "doctor");
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const path = join(dir, `doctor-${report.at.replace(/[:.]/g, "-")}.json`);
        await writeFileAtomic(path, `${redact(JSON.stringify(report, null, 2))}\n`, 0o600);
        if (io.json) io.out(JSON.stringify({ ...report, saved: path }, null, 2));
        else {
          io.out(`Site:       ${report.site} (landed on ${report.landed || "?"})`);
          io.out(
            `Session:    ${report.session.ok ? `logged in as ${report.session.user}` : report.session.checked ? "NOT logged in: run `vbulk login`" : "not checked (see below)"}`,
          );
          io.out(
            `Catalogue:  ${report.catalogue ? `${report.catalogue.nodes} categories, ${report.catalogue.leaves} leaves` : "not read"}`,
          );
          const bad = report.mapping.filter((m) => m.status !== "ok" && m.status !== "resolved");
          io.out(
            `Mapping:    ${report.mapping.length - bad.length} of ${report.mapping.length} entries are live leaves`,
          );
          for (const m of bad) io.out(`  ${m.category} (${m.gender}): ${m.detail}`);
          io.out(`Form:       ${report.form.length} fields recorded`);
          for (const e of report.errors) io.out(`${io.c.yellow("could not read")} ${e}`);
          io.out(`Report saved (nothing was sent to Vinted): ${path}`);
        }
        // README's exit table: 2 = not logged in (expired or logged out: log in again), whatever else failed
        // because of it; 1 = something could not be read.
        if (!report.session.ok && report.session.checked) return 2;
        return report.session.ok && report.errors.length === 0 ? 0 : 1;
      }),
    );

  program
    .command("vinted")
    .description("read-only helpers for the Vinted catalogue")
    .command("sync")
    .description(
      "read the live catalogue, check every mapped leaf id and write a refreshed mapping that plan uses",
    )
    .option("--headless", "no window")
    .option("--json", "print the checks as JSON")
    .action((raw: { headless?: boolean; json?: boolean }) =>
      run(async () => {
        const io = createIo(raw.json === true);
        const { execute } = resolveConfig();
        const mapping = await loadMapping();
        const roots = await withTab(headless(raw.headless, execute), execute, async (tab) => {
          await tab.open("/items/new");
          return tab.catalogs();
        });
        if (!roots.length)
          throw new VbulkError("REJECTED", "Expected Vinted's catalogue tree but received an empty one", {
            hint: "Run `vbulk doctor` and attach its report to a bug report.",
          });
        const { mapping: refreshed, checks } = checkMapping(
          mapping,
          roots,
          new Date().toISOString().slice(0, 10),
        );
        const path = syncedMappingPath();
        await mkdir(configDir(), { recursive: true, mode: 0o700 });
        await writeFileAtomic(path, `${JSON.stringify(refreshed, null, 2)}\n`);
        const flagged = checks.filter(
          (c) =>
            c.status === "removed" ||
            c.status === "not_leaf" ||
            c.status === "changed" ||
            c.status === "unresolved",
        );
        if (io.json) io.out(JSON.stringify({ saved: path, checks }, null, 2));
        else {
          for (const c of checks)
            io.out(`${c.status.padEnd(10)} ${`${c.category} (${c.gender})`.padEnd(26)} ${c.detail}`);
          io.out(
            `Refreshed mapping saved in ${path}; \`vbulk plan\` uses it. ${flagged.length} entries need a look.`,
          );
        }
        return flagged.some((c) => c.status !== "unresolved") ? 3 : 0;
      }),
    );

  program
    .command("execute")
    .description(
      "carry out plan.json on Vinted: drafts (the default); publishing needs --no-dry-run and a confirmation",
    )
    .addArgument(folderArgument("folder holding plan.json (or the photos' ZIP)"))
    // Both spellings: a seller typing --dry-run to be safe was told "unknown option (Did you mean --no-dry-run?)",
    // the one flag that publishes. No commander default: --help showed "(default: true)" beside --no-dry-run, read
    // as publishing by default. Unset (undefined) is a dry run: only `dryRun === false` publishes.
    .option("--dry-run", "drafts only, nothing published (the default)")
    .option("--no-dry-run", "also publish the articles marked publish:true, after a typed confirmation")
    .option("--only <ids>", "act on these articles only, e.g. c3,c7,c12")
    .option(
      "--set-publish-true",
      "mark the --only articles publish:true in plan.json once the run goes ahead",
    )
    .option(
      "--check",
      "validate the plan against Vinted's constraints; send nothing (exit 0 all ready, 2 some not)",
    )
    .option("-y, --yes", "send the drafts without asking (scripts); publishing still asks in a terminal")
    .option("--headless", "no browser window (tests; Vinted is likely to block it)")
    .option("--ignore-pause", "lift the pause Vinted's refusal started (once you solved what it asked)")
    .option("--json", "print the per-article results as JSON")
    .addOption(envOption("--config <file>", 'JSON config file (section "execute")', "VBULK_CONFIG"))
    .action((dir: string, raw: ExecuteFlags) => run(() => executeCommand(dir, raw)));
}

interface ExecuteFlags {
  /** Undefined unless --dry-run or --no-dry-run was given; only false publishes. */
  dryRun?: boolean;
  only?: string;
  setPublishTrue?: boolean;
  check?: boolean;
  yes?: boolean;
  headless?: boolean;
  ignorePause?: boolean;
  json?: boolean;
  config?: string;
}

/** Whether the command line holds both spellings (before a `--`): commander lets the last one win. */
function bothDryRunFlags(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  const flags = end < 0 ? argv : argv.slice(0, end);
  return flags.includes("--dry-run") && flags.includes("--no-dry-run");
}

async function executeCommand(dirArg: string, raw: ExecuteFlags): Promise<number> {
  // The last flag would win: a script's --dry-run undone by a --no-dry-run added after it, or the reverse.
  if (bothDryRunFlags(process.argv.slice(2)))
    throw new VbulkError(
      "BAD_USAGE",
      "Expected --dry-run or --no-dry-run, not both: nothing was sent or changed",
      { hint: "Keep --dry-run (the default) for drafts only, or --no-dry-run alone to also publish." },
    );
  const io = createIo(raw.json === true);
  const site = siteUrl();
  const dir = await workingFolder(dirArg);
  const config = resolveConfig(await configFileLayer(raw.config));
  let plan = await readPlan(dir);
  if (!plan) {
    const elsewhere = await catalogWrittenElsewhere(dirArg, dir);
    throw new VbulkError(
      "NOT_FOUND",
      `Expected a plan at ${resolve(dir, "plan.json")} but found no file there${elsewhere ? `: \`vbulk ingest --out\` wrote this folder's catalog to ${printable(elsewhere)}` : ""}`,
      {
        hint: elsewhere
          ? `Run \`${vbulkAs()} execute ${shellWord(elsewhere)}\` (after \`${vbulkAs()} plan ${shellWord(elsewhere)}\` if it has no plan.json yet): plan, review and execute take the folder ingest wrote to.`
          : `Run \`${vbulkAs()} plan ${shellWord(dir)}\` first (or pass the folder that holds plan.json).`,
      },
    );
  }
  const only = raw.only
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // An empty list (a script's empty $IDS) would otherwise mean every article: the opposite of what was asked.
  if (only && only.length === 0)
    throw new VbulkError(
      "BAD_USAGE",
      `Expected article ids for --only but received ${JSON.stringify(raw.only)}: nothing was changed or sent`,
      {
        hint: "Name the articles (e.g. --only c3,c7), or leave --only out to act on every included article.",
      },
    );
  for (const id of only ?? [])
    if (!plan.items.some((i) => i.cluster_id === id)) {
      const ids = plan.items.map((i) => i.cluster_id);
      const near = nearId(id, new Set(ids));
      throw new VbulkError(
        "BAD_USAGE",
        `Expected article ids of the plan for --only but received "${id}"${near ? ` (did you mean "${near}"?)` : ""}`,
        {
          hint: `Articles in plan.json: ${ids.slice(0, 12).join(", ")}${ids.length > 12 ? ", …" : ""}. Nothing was changed or sent.`,
        },
      );
    }
  const excluded = (only ?? []).filter((id) => plan!.items.find((i) => i.cluster_id === id)?.excluded);
  if (excluded.length)
    throw new VbulkError(
      "BAD_USAGE",
      `Expected included articles for --only but ${excluded.join(", ")} ${excluded.length > 1 ? "are" : "is"} excluded in plan.json: nothing was changed or sent`,
      {
        hint: `Include ${excluded.length > 1 ? "them" : "it"} first: ${vbulkAs()} plan ${shellWord(dir)} --set ${excluded[0]}.excluded=false`,
      },
    );
  const catalog = await readCatalog(dir);
  checkPlanCurrent(selectItems(plan, only), catalog, dir);
  // Articles ingested (or made on the review page) since the plan: not sent, and said, before anything else.
  const unplanned = unplannedArticles(plan, catalog);
  const notPlanned = unplannedMessage(unplanned, dir);
  if (notPlanned) io.err(`${io.c.yellow("warning:")} ${notPlanned}`);
  // Read once before the lock (the run reads it again under the lock). A journal of another site is refused where
  // it is used (not by --check); here it only means no draft to name.
  const early = await JournalFile.open(dir, site).catch((err: unknown) => err);
  // Drafts of articles the plan no longer has (merged into another, or gone): said, never deleted.
  const left = early instanceof JournalFile ? leftOnVinted(plan, early.data) : [];
  if (left.length) io.err(`${io.c.yellow("warning:")} ${leftOnVintedMessage(left)}`);
  if (raw.setPublishTrue) {
    // --check with --only is fine: only the write --set-publish-true asks for goes against --check.
    if (raw.check)
      throw new VbulkError(
        "BAD_USAGE",
        "Expected --check or --set-publish-true, not both: --check writes nothing, not even plan.json, and --set-publish-true marks articles publish:true in it",
        {
          hint: `Drop --set-publish-true to check (\`${vbulkAs()} execute ${shellWord(dirArg)} --check${only?.length ? ` --only ${only.join(",")}` : ""}\`), or drop --check to mark them and send (\`${vbulkAs()} execute ${shellWord(dirArg)} --only ${only?.length ? only.join(",") : "c3,c7"} --set-publish-true\`). Nothing was written.`,
        },
      );
    if (!only?.length)
      throw new VbulkError("BAD_USAGE", "Expected --only with --set-publish-true but received no ids", {
        hint: "Example: --only c3,c7 --set-publish-true",
      });
    // Written only once the run goes ahead (executeInBrowser's onReady): a refusal (no terminal, no browser, a
    // "no" at the prompt) leaves plan.json as it was, as its "nothing was changed" says.
    plan = {
      ...plan,
      items: plan.items.map((i) => (only.includes(i.cluster_id) ? { ...i, publish: true } : i)),
    };
  }
  const items = selectItems(plan, only);

  if (raw.check) {
    let bad = 0;
    const checked: { cluster_id: string; ready: boolean; publish: boolean; problems: string[] }[] = [];
    for (const item of items) {
      // An article marked publish that Vinted would refuse to publish (no brand) is not ready for what the plan asks.
      const problems = [
        ...(await checkItem(dir, item)),
        ...(item.publish ? publishProblems(dir, item).map((p) => `cannot be published: ${p}`) : []),
      ];
      if (problems.length) bad++;
      checked.push({ cluster_id: item.cluster_id, ready: !problems.length, publish: item.publish, problems });
      if (!io.json)
        io.out(
          `${item.cluster_id.padEnd(5)} ${problems.length ? `not ready: ${problems.join("; ")}` : `ready (${item.publish ? "publish" : "draft only"})`}`,
        );
    }
    // With each article's reasons: a script learned only how many were not ready.
    if (io.json)
      io.out(
        JSON.stringify({
          ready: items.length - bad,
          not_ready: bad,
          items: checked,
          not_in_plan: unplanned,
          left_on_vinted: left,
        }),
      );
    else io.out(`${items.length - bad} of ${plural(items.length, "article")} ready. Nothing was sent.`);
    return bad ? 2 : 0;
  }

  // Nothing to send (every article excluded, not ready, published, needs_manual, or drafted as the plan says): said
  // before a display or a login is needed. A nightly `execute --yes` with nothing left to do failed with "Expected a
  // display" every night.
  if (!(early instanceof JournalFile)) throw early;
  const idle = await nothingToSend(dir, early, items, raw.dryRun === false);
  if (idle) {
    const count = (state: ExecuteResult["state"]) => idle.filter((r) => r.state === state).length;
    // One article is named, its state said without a count ("c3 needs no write (drafted as the plan says)").
    const one = items.length === 1;
    const n = (state: ExecuteResult["state"]) => (one ? "" : `${count(state)} `);
    const parts = [
      count("draft") && `${n("draft")}drafted as the plan says`,
      count("published") && `${n("published")}published`,
      count("needs_manual") && `${n("needs_manual")}needs_manual`,
      count("skipped") && `${n("skipped")}not ready: see \`${vbulkAs()} execute ${shellWord(dir)} --check\``,
    ].filter(Boolean);
    io.err(
      items.length === 0
        ? "nothing to send: no article is selected (every article is excluded in plan.json)."
        : one
          ? `nothing to send: ${items[0]!.cluster_id} needs no write (${parts.join("; ")}).`
          : `nothing to send: none of the ${items.length} articles needs a write (${parts.join("; ")}).`,
    );
    // The mark asked for is still written: nothing to send is no refusal (the drafts are made), and without it a
    // later --no-dry-run would publish nothing. As the full run's onReady writes it: under the plan lock.
    if (raw.setPublishTrue && only?.length) {
      await savePlanWithChanges(
        dir,
        only.map((id) => ({ id, field: "publish", value: "true" })),
      );
      io.err(
        `${only.join(", ")} marked to publish (publish: true) in plan.json${raw.dryRun === false ? "." : `; to publish ${only.length === 1 ? "it" : "them"}: \`${vbulkAs()} execute ${shellWord(dir)} --no-dry-run\``}`,
      );
    }
    if (io.json) io.out(JSON.stringify(idle.map(withSpecShape), null, 2));
    else if (idle.length) printResults(io, idle, raw.dryRun === false);
    // As a full run counts it: published, or a draft that was all this run was to make.
    return idle.every((r) => r.state === "published" || (r.state === "draft" && !r.failed_at)) ? 0 : 3;
  }

  // A session file that cannot be read, no display for the browser's window (cron, a server), or no session at all
  // (not logged in) stops the run here, before the lock, the journal, the pacing state or the status file are
  // touched, and before the run is weighed: "4 writes to send" then "not logged in" read as if something went. So
  // does a site whose currency vbulk does not know (prices would go out in a guessed one).
  siteCurrency(site);
  await checkSessionReadable();
  checkDisplay(headless(raw.headless, config.execute));
  await loadSession();
  const pacingDir = configDir();
  // Held from before the journal and the budget are read until the run ends (a prompt waiting included).
  const release = await takeExecuteLock(pacingDir, dir);
  try {
    return await executeLocked();
  } finally {
    await release();
  }

  async function executeLocked(): Promise<number> {
    const journal = await JournalFile.open(dir, site);
    const pacing = await loadPacing(pacingDir);
    const budget = new Budget(pacing, config.execute);
    const pause = budget.pause();
    if (pause) {
      if (!raw.ignorePause)
        throw new VbulkError(
          "CHALLENGE",
          `Every write is paused until ${localDateTime(pause.until)} (${pause.reason})`,
          {
            hint: "Wait for it to end. If Vinted asked for something (captcha, verification), do it in your browser first; then you may pass --ignore-pause to lift the pause.",
          },
        );
      // Saved with the run's pacing once it begins on Vinted: a run refused before (no browser, "no" at the
      // question) leaves the pause, and pacing.json, as they were.
      budget.clearPause();
      io.err(io.c.yellow(`Pause lifted (--ignore-pause): it was until ${localDateTime(pause.until)}.`));
    }

    // What will happen, before anything is sent.
    const publishing = raw.dryRun === false;
    const ready: typeof items = [];
    for (const i of items)
      if (!(await checkItem(dir, i)).length && !journal.data.items[i.cluster_id]?.needs_manual) ready.push(i);
    const wanted = publishing
      ? ready.filter((i) => i.publish && journal.data.items[i.cluster_id]?.publish?.state !== "done")
      : [];
    // Refused before any write: drafted (or kept as drafts), never sent to completion, said now and in the results.
    const unpublishable = wanted.filter((i) => publishProblems(dir, i).length);
    const toPublish = wanted.filter((i) => !unpublishable.includes(i));
    const writes = ready.reduce(
      (n, i) => n + writesNeeded(i, journal.data.items[i.cluster_id], publishing, dir),
      0,
    );
    const photos = ready.reduce((n, i) => n + photosToSend(i, journal.data.items[i.cluster_id]), 0);
    const eta = estimateMs(writes, toPublish.length, budget.state, config.execute);
    const e = config.execute;
    io.err(
      `${ready.length} of ${plural(items.length, "article")} ready; ${plural(photos, "photo")} to upload; ${plural(writes, "write")} to send to ${site}; about ${formatDuration(eta)} at the current pacing (${e.writesPerHour} writes/hour, ${e.dailyWrites}/day, ${Math.round(e.writeSpacingMs[0] / 1000)}-${Math.round(e.writeSpacingMs[1] / 1000)} s apart).`,
    );
    for (const i of unpublishable)
      io.err(
        io.c.yellow(
          `${i.cluster_id} will be drafted but not published: ${publishProblems(dir, i).join("; ")}`,
        ),
      );
    /** The seller said no (or pressed Ctrl-C) at the prompt: said on stderr and, with --json, every article:
     *  not_reached with the reason, or what it is without any write (published, skipped, needs_manual), so
     *  `--json` always prints its document and a script counting states still sees what is published. */
    const notSent = async (reason: string, code: number): Promise<number> => {
      io.err(reason);
      if (io.json) {
        const results = [];
        for (const i of items) {
          const known = await withoutWrite(dir, i, journal.data.items[i.cluster_id]);
          results.push(
            withSpecShape(
              known
                ? { cluster_id: i.cluster_id, ...known }
                : { cluster_id: i.cluster_id, state: "not_reached", error: reason },
            ),
          );
        }
        io.out(JSON.stringify(results, null, 2));
      }
      return code;
    };
    if (writes > 0) {
      // The questions are asked on stderr and answered on stdin: stdout may go to a file (--json > out.json).
      const tty = process.stdin.isTTY === true && process.stderr.isTTY === true;
      // Which of the two is not a terminal, for the refusal: "none" was false for a seller at a terminal with 2>log.
      const missing = !process.stdin.isTTY
        ? "stdin is not a terminal (a script, cron or CI)"
        : "stderr, where the question is asked, goes to a file or a pipe";
      try {
        if (toPublish.length) {
          if (!tty)
            throw new VbulkError(
              "BAD_USAGE",
              `Expected a terminal to confirm --no-dry-run but ${missing}: nothing was sent`,
              {
                hint: "Publishing always asks a person. Run it by hand in a terminal, stderr not redirected (stdout may go to a file), or drop --no-dry-run to make drafts only.",
              },
            );
          io.err(
            `${toPublish.length === 1 ? "This article" : `These ${toPublish.length} articles`} will be PUBLISHED on ${site} (visible to everyone):`,
          );
          for (const i of toPublish) {
            const j = journal.data.items[i.cluster_id];
            const changed = j?.draft?.state === "created" && j.draft.fields !== fieldsDigest(i, j);
            io.err(
              `  ${i.cluster_id}  ${i.title}  ${i.price} €${changed ? "  (plan changed: the draft is updated first)" : ""}`,
            );
          }
          // As `vbulk plan` says it, at the last moment before it goes public.
          const first = toPublish.find((i) => carriesExampleText(i.description))?.cluster_id;
          const example = exampleTextNote(
            toPublish,
            `send nothing now (press Enter), then write your own description template (copy templates/ and pass it to \`${vbulkAs()} plan ${shellWord(dir)} --templates DIR\`, README "Templates") or set the descriptions (\`${vbulkAs()} plan ${shellWord(dir)} --set ${first}.description=…\`)`,
          );
          if (example) io.err(io.c.yellow(example));
          // Typed, with the count, as on the review page (« publier 3 »): going public cannot be undone by vbulk,
          // and a reflex "y" (a habit of every other prompt) must not be enough. Anything else sends nothing.
          const phrase = `publish ${toPublish.length}`;
          const answer = await (await import("@inquirer/prompts")).input(
            {
              message: `Type "${phrase}" to publish ${toPublish.length === 1 ? "this article" : `these ${toPublish.length} articles`} (anything else sends nothing):`,
            },
            // The question goes to stderr: with --json, stdout holds the JSON document and nothing else.
            { output: process.stderr },
          );
          if (answer.trim().replace(/\s+/g, " ").toLowerCase() !== phrase)
            return notSent(`Not confirmed (the answer was not "${phrase}"): nothing was sent.`, 0);
        } else if (!raw.yes) {
          if (!tty)
            throw new VbulkError(
              "BAD_USAGE",
              `Expected --yes or a terminal to confirm the writes but ${missing}: nothing was sent`,
              {
                hint: "Check what will be sent with --check, then run again with --yes (or in a terminal, stderr not redirected).",
              },
            );
          const ok = await (await import("@inquirer/prompts")).confirm(
            {
              message: `Send ${plural(writes, "write")} to Vinted (drafts only, nothing published)?`,
              default: false,
            },
            // The question goes to stderr: with --json, stdout holds the JSON document and nothing else.
            { output: process.stderr },
          );
          if (!ok) return notSent("Not confirmed: nothing was sent.", 0);
        }
      } catch (err) {
        if (isPromptExit(err)) return notSent("interrupted at the confirmation: nothing was sent.", 130);
        throw err;
      }
    }

    const progress = new ExecuteProgress(dir, items.length);
    const controller = new AbortController();
    // Ctrl-C, SIGTERM (timeout, docker stop, a CI time-out) or SIGHUP: finish the write in flight; a second one
    // quits at once, the --json document still printed (signals.ts).
    const stopListening = onStopSignal({
      json: io.json,
      stop: () => {
        io.err(
          `${stoppedBy()}: stopping after the write in flight (the journal stays consistent). ${stopSignalName() === "Ctrl-C" ? "Ctrl-C again" : "A second signal"} to quit at once.`,
        );
        controller.abort();
      },
      atOnce:
        "interrupted: stopped at once by a second Ctrl-C: the journal holds every write that was answered; run the same command again to resume",
    });
    let stop: StopEvent | null = null;
    const onEvent = (ev: ExecuteEvent) => {
      if (ev.type === "stopped") stop = ev;
      const line = progress.record(ev);
      if (ev.type === "stopped") io.err(line!.replace(/^stopped:/, io.c.yellow("stopped:")));
      // A wait (the gap between writes, the hourly budget) is said with --json too: a cron job's log would
      // otherwise show nothing for up to an hour, as if it hung. The per-article lines stay in the document.
      else if (line && (!io.json || ev.type === "wait")) io.err(line);
    };
    let results: ExecuteResult[];
    try {
      results = await executeInBrowser({
        dir,
        plan: plan!,
        journal,
        budget,
        pacingDir,
        config: config.execute,
        headless: headless(raw.headless, config.execute),
        publish: publishing && toPublish.length > 0,
        only,
        onEvent,
        signal: controller.signal,
        stoppedBy,
        onStarted: () => progress.begin(),
        onPaused: (until) =>
          io.err(`${io.c.yellow("stopped:")} every write is paused until ${localDateTime(until)}`),
        ...(raw.setPublishTrue
          ? {
              onReady: async () => {
                // As `vbulk plan --set ID.publish=true` and the review page save it: under the plan lock, from
                // plan.json as it is now (an edit made while the prompt waited is kept), refused for an article
                // that is not ready or was excluded meanwhile.
                await savePlanWithChanges(
                  dir,
                  (only ?? []).map((id) => ({ id, field: "publish", value: "true" })),
                );
              },
            }
          : {}),
      });
    } catch (err) {
      await progress.finish(
        controller.signal.aborted ? "interrupted" : "failed",
        controller.signal.aborted
          ? interruptedMessage(stoppedBy())
          : redact(err instanceof Error ? err.message : String(err)),
      );
      throw err;
    } finally {
      stopListening();
      if (progress.started) await savePacing(pacingDir, budget.state).catch(() => {});
    }
    // Publishing went ahead without them (or did not run at all when they were all there was to publish): each one
    // still says why it is only a draft.
    for (const r of results) {
      const i = unpublishable.find((u) => u.cluster_id === r.cluster_id);
      if (i && r.state === "draft" && !r.failed_at) {
        r.error = `not published: ${publishProblems(dir, i).join("; ")}`;
        r.failed_at = "publish";
        r.unpublished = "no_brand";
      }
    }
    // Each article a stop left says why, and what of it is kept: "c2  not reached" said neither.
    const interrupted = controller.signal.aborted;
    for (const r of results)
      if (r.state === "not_reached" && !r.error)
        r.error = notReachedWhy(stop, interrupted, journal.data.items[r.cluster_id]);
    progress.tally(results);
    const complete = results.every(
      (r) =>
        r.state === "published" ||
        (r.state === "draft" && !wanted.some((i) => i.cluster_id === r.cluster_id)),
    );
    const paused = budget.pause();
    await progress.finish(
      controller.signal.aborted ? "interrupted" : complete ? "done" : "partial",
      paused ? redact(`writes paused until ${localDateTime(paused.until)}: ${paused.reason}`) : null,
    );
    if (io.json) io.out(JSON.stringify(results.map(withSpecShape), null, 2));
    else printResults(io, results, publishing, stop || interrupted ? stopWords(stop, interrupted) : null);
    if (controller.signal.aborted) return interruptedExitCode();
    return complete ? 0 : 3;
  }
}

/** Each result also in the spec's shape: `prepare` (the draft) and `publish` (the listing), null when not reached. */
function withSpecShape(r: ExecuteResult) {
  const draftId = r.draft_url?.match(/\/items\/(\d+)/)?.[1];
  const prepare =
    r.state === "not_reached" || r.state === "skipped"
      ? null
      : r.failed_at === "draft" || !draftId
        ? { ok: false, ...(r.error ? { error: r.error } : {}) }
        : { ok: true, draft_id: draftId };
  const publish =
    r.state === "published"
      ? { ok: true, listing_url: r.listing_url }
      : r.failed_at === "publish"
        ? { ok: false, error: r.error }
        : null;
  return { ...r, prepare, publish, ...(r.state === "needs_manual" ? { needs_manual: true } : {}) };
}

type StopEvent = Extract<ExecuteEvent, { type: "stopped" }>;

/** What stopped every write, in a few words, and when to run again. */
function stopWords(stop: StopEvent | null, interrupted: boolean): { why: string; when: string } {
  const resume = "once writes resume (`vbulk status` says when)";
  if (interrupted) return { why: stopSignalName(), when: "" };
  if (stop?.pause)
    return {
      why:
        stop.pause.kind === "challenge"
          ? `a security challenge on ${stop.pause.id}`
          : `Vinted's rate limit on ${stop.pause.id}`,
      when: resume,
    };
  if (stop?.by) return { why: `${stop.by.id} failed`, when: "once its reason above is dealt with" };
  switch (stop?.cause?.kind) {
    case "paused":
      return { why: "writes are paused", when: resume };
    case "spent":
      return { why: `the ${stop.cause.why} is spent`, when: resume };
    case "browser_lost":
      return { why: "the browser closed", when: "" };
    default:
      return { why: "a stop", when: "once the reason above is dealt with" };
  }
}

/** Why an article was not reached and what of it is kept, for the results (and --json's `error`). */
function notReachedWhy(stop: StopEvent | null, interrupted: boolean, j: JournalItem | undefined): string {
  const why = interrupted
    ? `stopped by ${stopSignalName()} before it was done`
    : stop?.pause
      ? stop.pause.kind === "challenge"
        ? `every write stopped at the security challenge (captcha) on ${stop.pause.id}`
        : `every write stopped at Vinted's rate limit on ${stop.pause.id}`
      : stop?.by
        ? `every write stopped when ${stop.by.id} failed (its reason is above)`
        : stop
          ? `every write stopped: ${stop.reason}`
          : "the run stopped before it";
  const sent = Object.values(j?.photos ?? {}).filter((p) => p.state === "sent").length;
  const kept =
    j?.draft?.state === "created"
      ? "its draft on Vinted stays as it was"
      : sent
        ? `its ${plural(sent, "uploaded photo")} ${sent === 1 ? "is" : "are"} kept for the next run (not sent again)`
        : "nothing was sent for it";
  return `${why}; ${kept}`;
}

function printResults(
  io: Io,
  results: ExecuteResult[],
  publishing: boolean,
  stopped: { why: string; when: string } | null = null,
): void {
  for (const r of results) {
    const where = r.listing_url ? `listing ${r.listing_url}` : r.draft_url ? `draft ${r.draft_url}` : "";
    const what = {
      draft: `draft${r.updated ? " (updated to the plan)" : ""}`,
      published: "published",
      failed: "FAILED",
      needs_manual: io.c.yellow("needs_manual"),
      skipped: "skipped",
      not_reached: "not reached",
    }[r.state];
    io.out(`${r.cluster_id.padEnd(5)} ${what.padEnd(12)} ${where}${r.error ? `  ${r.error}` : ""}`);
  }
  const failed = results.filter(
    (r) =>
      r.state === "failed" ||
      r.state === "needs_manual" ||
      r.state === "skipped" ||
      r.state === "not_reached" ||
      (r.state === "draft" && r.failed_at === "publish"),
  );
  if (failed.length)
    io.out(
      `${plural(failed.length, "article")} not done: ${failed.map((r) => r.cluster_id).join(", ")} (reasons above).`,
    );
  // A stop says what it kept: drafts made, the journal, plan.json as it was (before: only "Dry run: …").
  if (stopped) {
    const ids = (state: ExecuteResult["state"]) =>
      results.filter((r) => r.state === state).map((r) => r.cluster_id);
    const drafts = ids("draft");
    const published = ids("published");
    const made = [
      drafts.length && `the ${drafts.length === 1 ? "draft" : "drafts"} of ${drafts.join(", ")} on Vinted`,
      published.length && `the ${published.length === 1 ? "listing" : "listings"} of ${published.join(", ")}`,
    ].filter(Boolean);
    io.out(
      `Stopped before the end (${stopped.why}). Kept: ${made.length ? made.join(", ") : "no draft was made yet"}; journal.json holds every write Vinted answered; the stop did not change plan.json. Run the same command again${stopped.when ? ` ${stopped.when}` : ""} to go on: nothing is sent twice.`,
    );
  }
  // "Done." only when it is: a run a captcha stopped said "Done." after its list of articles not reached.
  if (publishing && stopped) return;
  io.out(
    !publishing
      ? "Dry run: drafts only, nothing was published."
      : failed.length
        ? // The run went to its end (a stop is said above): "Stopped before the end" told a seller whose only
          // not-done articles were not ready that something had cut the run short.
          `Finished, ${plural(failed.length, "article")} not done (reasons above): deal with ${failed.length === 1 ? "it" : "them"}, then run the same command again; what was done is not done twice.`
        : "Done.",
  );
}

/** What journal.json holds on Vinted for articles the plan no longer has, and what to do: vbulk never deletes there. */
function leftOnVintedMessage(left: LeftOnVinted[]): string {
  const one = (l: LeftOnVinted) =>
    `${l.id}'s ${l.published ? "published listing" : "draft"} ${l.draft_id}${l.url ? ` (${l.url})` : ""}${l.now_in.length ? `, whose photos are now in ${l.now_in.join(", ")}` : ""}`;
  const merged = left.some((l) => l.now_in.length);
  return `journal.json records on Vinted ${left.map(one).join("; ")}, no longer in the plan (merged into another article, or gone from the catalog): vbulk leaves ${left.length === 1 ? "it" : "them"} as ${left.length === 1 ? "it is" : "they are"} and never writes to ${left.length === 1 ? "it" : "them"} again. ${merged ? "So that a garment is not on Vinted twice, delete" : "Delete"} ${left.length === 1 ? "it" : "each"} on Vinted (or keep ${left.length === 1 ? "it" : "them"} by hand), then remove ${left.map((l) => `"${l.id}"`).join(", ")} from journal.json's "items" to stop this warning.`;
}
