import { existsSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { refuseEmptyPaths, splitListError, unsetEmptySettings } from "./commands/options.js";
import {
  createIo,
  errorDocument,
  guardOutput,
  outputFailure,
  outputFailureMessage,
  printError,
} from "./commands/render.js";
import { interruptedExitCode } from "./commands/signals.js";
import { checkDebugMode } from "./core/config.js";
import { exitCodeOf, VbulkError } from "./core/errors.js";
import { vbulkAs } from "./core/text.js";
import { VERSION } from "./core/version.js";
import { ARTICLE_ID } from "./core/vocab.js";

/** Exit codes (README "Exit codes"): 0 done, 1 failed, 2 bad usage or input, 3 partly done, 130 interrupted
 *  (143 by SIGTERM, 129 by SIGHUP). */
let exitCode = 0;

/** Whether --json was given (before a `--`): a failure then also prints its JSON error document on stdout. */
const jsonAsked = (() => {
  const args = process.argv.slice(2);
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).includes("--json");
})();

/** With --json, the failure's one document on stdout (render.ts errorDocument); stderr says it for a person. */
function printJsonError(err: unknown, code?: string): void {
  if (jsonAsked) createIo(true).out(JSON.stringify(errorDocument(err, code)));
}

/**
 * A relative path (or none: the current folder) resolved in a folder that was deleted or moved away while the
 * shell stood in it (a cron script that cd's into a folder another job removed): Node's "ENOENT … uv_cwd" ended
 * as an unexpected error. A bad command instead (exit 2), saying what to do; other errors unchanged.
 */
function goneFolderError(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException | null;
  if (e?.code !== "ENOENT" || e.syscall !== "uv_cwd") return err;
  return new VbulkError(
    "BAD_USAGE",
    `Expected the current folder to exist but it was deleted or moved away (${process.env.PWD ?? "the shell's current folder"}): no relative path can be found from it`,
    { hint: "cd into an existing folder, or pass an absolute path (e.g. vbulk status /path/to/photos)." },
  );
}

/** Runs a command body, maps its result or error to an exit code; the only place that decides how vbulk exits. */
async function run(fn: () => Promise<number>): Promise<void> {
  try {
    exitCode = await fn();
  } catch (caught) {
    const err = goneFolderError(caught);
    // Errors go to stderr; with --json, stdout gets the error's one JSON document.
    const io = createIo(false);
    if (err instanceof Error && err.name === "AbortError") {
      const said =
        (err as { said?: string }).said ??
        "interrupted: what was done is saved; run the same command again to resume.";
      io.err(said);
      // The same sentence in the document, not the runtime's "This operation was aborted".
      printJsonError(new Error(said), "INTERRUPTED");
      // 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP (signals.ts).
      exitCode = interruptedExitCode();
      return;
    }
    printError(io, err);
    printJsonError(err);
    exitCode = exitCodeOf(err);
  }
}

// Before anything prints (commander's help too): a reader that stops early (| head) is no crash (render.ts).
guardOutput();
// Before anything reads them (commander's Option.env, the config, the review page): an empty variable is unset.
unsetEmptySettings();

/** A comma list PowerShell split apart (`--only c1 c2`): said, with the form that works, instead of commander's
 *  "too many arguments for 'plan'", which left the seller guessing (options.ts splitListError). */
const splitList = splitListError(process.argv.slice(2));
let splitListSaid = false;

const program = new Command()
  .name("vbulk")
  .description("Turn a folder of garment photos into Vinted listings: local, fast, safe. Dry run by default.")
  .version(VERSION)
  .showHelpAfterError("(run with --help for usage)")
  // Set before the commands are made: each inherits it.
  .configureOutput({
    outputError: (text, write) => {
      if (splitList && text.includes("too many arguments")) splitListSaid = true;
      else write(text);
    },
    writeErr: (text) => {
      if (!splitListSaid) process.stderr.write(text);
    },
  })
  .exitOverride()
  // Before any command's action writes anything: "" is no folder, and VBULK_DEBUG=maybe is neither on nor off.
  .hook("preAction", (_program, command) => {
    checkDebugMode();
    refuseEmptyPaths(command);
    // `plan --only c1 c2` with no folder after it: commander took c2 for the folder (« no such folder c2 »).
    const folder = command.processedArgs[0];
    if (splitList && typeof folder === "string" && ARTICLE_ID.test(folder) && !existsSync(folder))
      throw splitList;
  });

type Register = (program: Command, run: (fn: () => Promise<number>) => Promise<void>) => void;
/** Each command's module, loaded only when that command runs (or for the full help): a re-run of ingest from
 *  its cache should not pay for loading the review server, the Vinted adapter and the template engine. */
const COMMANDS: [names: string[], load: () => Promise<Register>][] = [
  [["ingest"], async () => (await import("./commands/ingest.js")).registerIngest],
  [["status"], async () => (await import("./commands/status.js")).registerStatus],
  [["models"], async () => (await import("./commands/models.js")).registerModels],
  [["plan"], async () => (await import("./commands/plan.js")).registerPlan],
  [
    ["login", "auth", "doctor", "vinted", "execute"],
    async () => (await import("./commands/vinted.js")).registerVinted,
  ],
  [["review"], async () => (await import("./commands/review.js")).registerReview],
];
/**
 * A flag of one value given twice with two values is refused (exit 2), naming both: commander kept the last one
 * without a word (`--price-rules A --price-rules B` lost A, `--grouping a --grouping dbscan` never checked "a"). The
 * same value twice is harmless. Flags that may be repeated (--set, --exclude) collect their values with their own
 * parser and are left alone; so are switches (--json), which take no value.
 */
function refuseTwoValues(command: Command): void {
  for (const option of command.options) {
    if (option.isBoolean() || option.variadic || option.parseArg) continue;
    const flag = option.long ?? option.flags;
    let given: string | undefined;
    option.argParser((value: string) => {
      if (given !== undefined && value !== given)
        throw new VbulkError(
          "BAD_USAGE",
          `Expected one value for ${flag} but received ${JSON.stringify(given)} and ${JSON.stringify(value)}`,
          { hint: `Give ${flag} once, with the value you mean. Nothing was written.` },
        );
      given = value;
      return value;
    });
  }
  for (const sub of command.commands) refuseTwoValues(sub);
}

const args = process.argv.slice(2);
const asked = args.find((a) => !a.startsWith("-"));
const only = COMMANDS.filter(([names]) => asked !== undefined && names.includes(asked));
// `vbulk --version` needs no command; the full help (or an unknown command's message) lists them all.
const versionOnly = asked === undefined && (args.includes("--version") || args.includes("-V"));
if (!versionOnly) for (const [, load] of only.length ? only : COMMANDS) (await load())(program, run);
refuseTwoValues(program);

/**
 * Commander's refusal (unknown option, missing argument) as the error vbulk prints: its first line the message, its
 * "(Did you mean --price?)" the hint, else where the usage is (--json gave "hint": null while stderr said both).
 */
function commanderUsageError(err: CommanderError): VbulkError {
  const [first = "", ...more] = err.message.replace(/^error: /, "").split("\n");
  const meant = /\(Did you mean (.+?)\?\)/.exec(more.join(" "))?.[1];
  const command = asked !== undefined && COMMANDS.some(([names]) => names.includes(asked)) ? ` ${asked}` : "";
  const usage = `Run \`${vbulkAs()}${command} --help\` for usage.`;
  return new VbulkError("BAD_USAGE", first, { hint: meant ? `Did you mean ${meant}? ${usage}` : usage });
}

// `vbulk help nosuch` printed the whole help and never said why: parsed as `vbulk nosuch`, it says "unknown
// command 'nosuch'" (with a did-you-mean), exit 2.
const helpOf = args[0] === "help" ? args[1] : undefined;
const unknownHelp =
  helpOf !== undefined &&
  !helpOf.startsWith("-") &&
  helpOf !== "help" &&
  !program.commands.some((c) => c.name() === helpOf || c.aliases().includes(helpOf));

try {
  await program.parseAsync(unknownHelp ? [...process.argv.slice(0, 2), helpOf] : process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    exitCode =
      err.exitCode === 0 || err.code === "commander.helpDisplayed" || err.code === "commander.version"
        ? 0
        : 2;
    if (splitListSaid && splitList) {
      printError(createIo(false), splitList);
      printJsonError(splitList);
    }
    // Commander printed its message on stderr already; the JSON document says the same, its suggestion as the hint.
    else if (exitCode === 2) printJsonError(commanderUsageError(err));
  } else {
    const known = goneFolderError(err);
    printError(createIo(false), known);
    printJsonError(known);
    exitCode = exitCodeOf(known);
  }
}
// A result that could not be written whole (`> /dev/full`, a full disk) is a failure, said on stderr: exit 0
// with a truncated document let `set -e` go on and jq fail later, far from the cause.
function exit(): never {
  const outputError = outputFailure();
  if (outputError) {
    createIo(false).err(`error: ${outputFailureMessage(outputError)}`);
    exitCode = 1;
  }
  process.exit(exitCode);
}
// Exit once stdout has drained: a large --json document piped to another program must arrive whole. A stdout
// whose reader went away (| head) has nothing left to drain.
if (process.stdout.destroyed || outputFailure()) exit();
else process.stdout.write("", () => exit());
