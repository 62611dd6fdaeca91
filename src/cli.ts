import { Command, CommanderError } from "commander";
import { registerIngest } from "./commands/ingest.js";
import { registerModels } from "./commands/models.js";
import { registerPlan } from "./commands/plan.js";
import { createIo, printError } from "./commands/render.js";
import { registerReview } from "./commands/review.js";
import { registerStatus } from "./commands/status.js";
import { registerVinted } from "./commands/vinted.js";
import { isInputError } from "./core/errors.js";
import { VERSION } from "./core/version.js";

/** Exit codes (README "Exit codes"): 0 done, 1 failed, 2 bad usage or input, 3 partly done, 130 interrupted. */
let exitCode = 0;

/** Runs a command body, maps its result or error to an exit code; the only place that decides how vbulk exits. */
async function run(fn: () => Promise<number>): Promise<void> {
  try {
    exitCode = await fn();
  } catch (err) {
    // Errors go to stderr whatever --json says: stdout keeps only the JSON document (here, none).
    const io = createIo(false);
    if (err instanceof Error && err.name === "AbortError") {
      io.err("interrupted: what was done is saved; run the same command again to resume.");
      exitCode = 130;
      return;
    }
    printError(io, err);
    exitCode = isInputError(err) ? 2 : 1;
  }
}

const program = new Command()
  .name("vbulk")
  .description("Turn a folder of garment photos into Vinted listings: local, fast, safe. Dry run by default.")
  .version(VERSION)
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

registerIngest(program, run);
registerStatus(program, run);
registerModels(program, run);
registerPlan(program, run);
registerVinted(program, run);
registerReview(program, run);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    exitCode =
      err.exitCode === 0 || err.code === "commander.helpDisplayed" || err.code === "commander.version"
        ? 0
        : 2;
  } else {
    printError(createIo(false), err);
    exitCode = 1;
  }
}
// Exit once stdout has drained: a large --json document piped to another program must arrive whole.
process.stdout.write("", () => process.exit(exitCode));
