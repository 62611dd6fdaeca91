import { stat } from "node:fs/promises";
import { dirname, extname, join, resolve } from "node:path";
import { Argument, type Command, Option } from "commander";
import { z } from "zod";
import { type ConfigOverrides, loadConfigFile } from "../core/config.js";
import { VbulkError } from "../core/errors.js";
import { nearestFolder } from "../core/paths.js";
import { printable } from "../core/text.js";
import { ARTICLE_ID } from "../core/vocab.js";
import { workFolderFor } from "../sources/zip.js";
import { CATALOG_FILE } from "../store/catalog.js";
import { outFolderOf } from "../store/out-folders.js";

/** A commander option fed from an environment variable too (immich-style `Option.env`). */
export function envOption(flags: string, description: string, env: string): Option {
  return new Option(flags, description).env(env);
}

/** The optional `[dir]` argument, whose default `--help` says in words ("the current folder", not `"."`). */
export function folderArgument(description: string): Argument {
  return new Argument("[dir]", description).default(".", "the current folder");
}

/** What a path flag's value is, by its placeholder (`--out <dir>`, `--config <file>`). */
const PATH_FLAG_KINDS: Record<string, string> = { dir: "a folder", file: "a file" };

/**
 * Refuses an empty path given on the command line, argument or flag (`--out "$OUT"` with OUT unset): resolved,
 * "" is the current folder, and ingest wrote its catalog there, plan its plan.json, while `--config ""` or
 * `--labels ""` were taken as not given. Called before any command's action (cli.ts); an empty environment
 * variable is unset instead (unsetEmptySettings). Throws BAD_USAGE naming the argument or flag.
 */
export function refuseEmptyPaths(cmd: Command): void {
  const empty = (what: string, where: string, hint: string) =>
    new VbulkError(
      "BAD_USAGE",
      `Expected ${what} for ${where} but received an empty value (an unset variable in a script?)`,
      { hint: `${hint} Nothing was written.` },
    );
  cmd.registeredArguments.forEach((arg, i) => {
    if (cmd.processedArgs[i] !== "") return;
    const name = arg.name();
    const where = name.toUpperCase();
    if (name === "source")
      throw empty(
        "a folder of photos (or a .zip)",
        where,
        "Pass the photos folder or ZIP (. for the current folder).",
      );
    if (arg.required) throw empty("a folder", where, "Pass the folder (. for the current folder).");
    throw empty(
      "a folder (or a photos .zip)",
      where,
      `Pass the folder, or leave ${where} out for the current folder.`,
    );
  });
  for (const option of cmd.options) {
    const what = PATH_FLAG_KINDS[/<(\w+)>/.exec(option.flags)?.[1] ?? ""];
    const key = option.attributeName();
    if (!what || cmd.getOptionValue(key) !== "" || cmd.getOptionValueSource(key) !== "cli") continue;
    const flag = option.long ?? option.flags;
    throw empty(what, flag, `Give ${flag} ${what}'s path, or leave ${flag} out.`);
  }
}

/** Parses one flag value with zod; BAD_USAGE naming the flag (and its env var) when it does not fit. */
export function parseFlag<T extends z.ZodType>(
  schema: T,
  value: unknown,
  flag: string,
  env?: string,
): z.infer<T> {
  // An empty value is refused whatever the schema (--dup-threshold "" was a threshold of 0): a script's unset
  // variable, said so. An empty env variable never gets here (unsetEmptySettings).
  const blank = typeof value === "string" && value.trim() === "";
  const r = schema.safeParse(value);
  if (r.success && !blank) return r.data;
  const where = env ? `${flag} (or env ${env})` : flag;
  // What the schema expects, in its words: from the value, or (a blank one it takes, e.g. coerced to 0) from none.
  const failed = r.success ? schema.safeParse(undefined) : r;
  const issue = failed.success ? undefined : failed.error.issues[0]?.message;
  throw new VbulkError(
    "BAD_USAGE",
    `Expected ${issue ?? "a valid value"} for ${where} but received ${blank ? "an empty value (an unset variable in a script?)" : JSON.stringify(value)}`,
    {
      // A flag with an env variable is a setting (README "Configuration"); one without is the command's own.
      hint: env
        ? "See the command's --help and the README's Configuration section."
        : `See the command's --help for ${flag}.`,
    },
  );
}

/** Number-from-string schemas with readable expectations. */
export const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  // No upper bound is said as none: "from 1 to 9007199254740991" showed JavaScript's largest safe integer.
  const message =
    max === Number.MAX_SAFE_INTEGER
      ? `a whole number of at least ${min}`
      : `a whole number from ${min} to ${max}`;
  return z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message });
};
export const decimal = (min: number, max: number) =>
  z.coerce
    .number({ message: `a number from ${min} to ${max}` })
    .min(min, { message: `a number from ${min} to ${max}` })
    .max(max, { message: `a number from ${min} to ${max}` });

/**
 * A flag that sets one configuration value: the option (flag, help, env var) and its parser come from one spec,
 * so the name a user types and the name an error quotes cannot drift apart.
 */
export interface ConfigFlag {
  option: Option;
  /** Parses this flag's value (flag or env) from commander's options into `into`; BAD_USAGE when it does not fit. */
  apply(raw: Record<string, unknown>, into: ConfigOverrides): void;
}

export function configFlag<S extends keyof ConfigOverrides>(
  section: S,
  key: keyof NonNullable<ConfigOverrides[S]>,
  flags: string,
  help: string,
  env: string,
  schema: z.ZodType,
): ConfigFlag {
  const option = envOption(flags, help, env);
  return {
    option,
    apply(raw, into) {
      const value = raw[option.attributeName()];
      if (value === undefined) return;
      const layer = into as Record<string, Record<string, unknown> | undefined>;
      layer[section] = { ...layer[section], [key]: parseFlag(schema, value, option.long ?? flags, env) };
    },
  };
}

/** Parses every flag of `specs` into one config layer. */
export function flagLayer(specs: ConfigFlag[], raw: object): ConfigOverrides {
  const layer: ConfigOverrides = {};
  for (const f of specs) f.apply(raw as Record<string, unknown>, layer);
  return layer;
}

/** vbulk's own environment variables: VBULK_*, BULK_* and the seed names DEFAULT_PRICE and PRICE_RULES_JSON. */
const SETTING_VARIABLE = /^(?:VBULK_\w+|BULK_\w+|DEFAULT_PRICE|PRICE_RULES_JSON)$/;

/**
 * Takes each of vbulk's variables that is set but empty out of `env`: an empty variable is an unset one (the Unix
 * convention; a cron script's `export DEFAULT_PRICE=$PRICE` with PRICE unset). Commander passes "" on to a flag's
 * parser, which refused it for some ('… but received ""'), read VBULK_DUP_THRESHOLD= as 0, while readers that test
 * a variable's truth (VBULK_CONFIG, VBULK_LABELS) took it for unset. Called once, before anything reads them.
 */
export function unsetEmptySettings(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(env))
    if (value === "" && SETTING_VARIABLE.test(name)) delete env[name];
}

/**
 * The environment variables of `specs` (BULK_MAX_FILES, VBULK_GROUPING…) as one config layer, parsed as their flags
 * are: for a run started without a command line (the review page's analysis), which reads what `vbulk ingest` reads.
 */
export function envLayer(specs: ConfigFlag[], env: NodeJS.ProcessEnv = process.env): ConfigOverrides {
  const raw: Record<string, unknown> = {};
  for (const f of specs) {
    const name = f.option.envVar;
    if (name && env[name] !== undefined) raw[f.option.attributeName()] = env[name];
  }
  return flagLayer(specs, raw);
}

/** The config file named by --config / VBULK_CONFIG, or nothing. */
export async function configFileLayer(path: string | undefined): Promise<ConfigOverrides> {
  return path ? loadConfigFile(path) : {};
}

/**
 * The folder a command works in: DIR itself, or for a photos ZIP, the work folder ingest extracted it to. Throws
 * BAD_USAGE for any other file (a photo given by mistake): a command went on to take a lock "inside" it and
 * spoke of permissions.
 */
export async function workingFolder(dirArg: string): Promise<string> {
  const dir = resolve(dirArg);
  const st = await stat(dir).catch(() => null);
  if (st?.isFile() && extname(dir).toLowerCase() === ".zip") return workFolderFor(dir);
  // A mistyped path was told "Expected a catalog at …/catalog.json … Run `vbulk ingest` first": the folder itself
  // is what is missing, and ingest would not find it either.
  if (!st)
    throw new VbulkError(
      "NOT_FOUND",
      `Expected a folder (or a photos .zip) for DIR but nothing is there: ${printable(dir)}`,
      { hint: await nearestFolderHint(dir) },
    );
  if (st.isFile())
    throw new VbulkError(
      "BAD_USAGE",
      `Expected a folder (or a photos .zip) for DIR but received a file: ${printable(dir)}`,
      {
        hint: `Pass the folder that holds it (the one you ran \`vbulk ingest\` on): ${printable(dirname(dir))}`,
      },
    );
  return dir;
}

/** Where a missing path's nearest existing folder is, for a typo one level down ("./photo" for "./photos"). */
async function nearestFolderHint(path: string): Promise<string> {
  return `Check the path: the nearest folder that exists is ${printable(await nearestFolder(path))}. Pass the folder you ran \`vbulk ingest\` on (or its .zip).`;
}

/**
 * The folder `vbulk ingest DIR --out OUT` wrote DIR's catalog to, when `dir` (DIR's working folder) holds none and
 * OUT does: `vbulk status DIR` follows it, so plan, review and execute say where it is instead of "run `vbulk ingest`
 * first" to a seller who just did. Null otherwise.
 */
export async function catalogWrittenElsewhere(dirArg: string, dir: string): Promise<string | null> {
  if (await stat(join(dir, CATALOG_FILE)).catch(() => null)) return null;
  const out = await outFolderOf(dirArg);
  if (!out || resolve(out) === dir) return null;
  return (await stat(join(out, CATALOG_FILE)).catch(() => null)) ? out : null;
}

export { vbulkAs } from "../core/text.js";

/** The flags that take a comma list of article ids (`--only c1,c2`), and whether the command lets them repeat. */
const ID_LIST_FLAGS: Record<string, { flags: readonly string[]; repeatable: boolean }> = {
  plan: { flags: ["--only", "--publish", "--exclude"], repeatable: true },
  execute: { flags: ["--only"], repeatable: false },
};

/**
 * A comma list split apart before vbulk saw it, as the cause of commander's "too many arguments": PowerShell reads
 * an unquoted `c1,c2` as an array, and the vbulk.ps1 / npx.ps1 shims npm writes pass it on as two arguments
 * (`--only c1 c2`; raineorshine/npm-check-updates#1694). `args` are the command line's (after `vbulk`). Returns
 * the BAD_USAGE error that says so and the form every shell keeps whole, or undefined when no such list is there
 * (`--set cN.color_ids=12 13` too: that list is split the same way).
 */
export function splitListError(args: readonly string[]): VbulkError | undefined {
  const end = args.indexOf("--");
  const words = end < 0 ? args : args.slice(0, end);
  const command = words.find((a) => !a.startsWith("-")) ?? "";
  const known = ID_LIST_FLAGS[command];
  const id = ARTICLE_ID;
  const color = /^\d{1,3}$/;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    const joined = /^(--[\w-]+)=(.*)$/.exec(word);
    const flag = joined?.[1] ?? word;
    const first = joined ? joined[2] : words[i + 1];
    let j = joined ? i + 1 : i + 2;
    const isList = known?.flags.includes(flag) && first !== undefined && id.test(first);
    const isColors =
      command === "plan" &&
      flag === "--set" &&
      first !== undefined &&
      /^c[1-9]\d*\.color_ids=\d{1,3}$/.test(first);
    if (!isList && !isColors) continue;
    const items = [first as string];
    while (j < words.length && (isList ? id : color).test(words[j] ?? "")) items.push(words[j++] as string);
    if (items.length < 2) continue;
    const list = items.join(",");
    const what = isList
      ? "one comma-separated list of article ids"
      : "one comma-separated list of Vinted colour ids";
    const ways = isList
      ? `quote the list (${flag} "${list}")${known?.repeatable ? ` or give the flag once per id (${items.map((x) => `${flag} ${x}`).join(" ")})` : ""}`
      : `quote it (${flag} "${list}")`;
    return new VbulkError(
      "BAD_USAGE",
      `Expected ${what} for ${flag} but received ${items.length} separate arguments (${items.join(" ")}): PowerShell splits an unquoted ${list} apart before vbulk sees it, and vbulk took the rest for extra arguments`,
      { hint: `Type it in a form every shell keeps whole: ${ways}. Nothing was written.` },
    );
  }
  return undefined;
}
