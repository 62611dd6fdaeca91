import { rmdir, stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { type ConfigOverrides, ConfigSchema, resolveConfig } from "../core/config.js";
import { DEFAULTS } from "../core/defaults.js";
import { VbulkError } from "../core/errors.js";
import { staleLockAdvice } from "../core/lock.js";
import { localSince, plural, printable, shellWord } from "../core/text.js";
import {
  CONDITION_IN_ENGLISH,
  CONDITION_WORDS,
  CONDITIONS,
  DEPARTMENT_WORDS,
  DEPARTMENTS,
  LANGUAGE_WORDS,
  LANGUAGES,
  vocabulary,
} from "../core/vocab.js";
import { INGEST_LOCK } from "../ingest/index.js";
import { chooseListingFiles, loadListingFiles } from "../listing/inputs.js";
import { DEFAULT_MAPPING, loadMapping, strayCategories, vintedColorIds } from "../listing/mapping.js";
import {
  articleList,
  buildPlan,
  editedFields,
  fixFor,
  goneArticle,
  handEditedRules,
  lockPlan,
  nearId,
  PLAN_FILE,
  type Plan,
  type PlanChanges,
  PriceSchema,
  parseEuros,
  parseReset,
  parseSet,
  planFileForm,
  priceRulesByCategory,
  RULE_FIELDS,
  RULE_KEYS,
  type RuleKey,
  readPlan,
  rulesFollowed,
  type Selection,
  storedRules,
  type Unpublished,
  writePlan,
} from "../listing/plan.js";
import { labelNames } from "../model/clip.js";
import { naturalCompare, STATE_DIR } from "../sources/classify.js";
import { CATALOG_FILE, type Catalog, missingPhotoFix, readCatalog } from "../store/catalog.js";
import { parseWith, readJsonFile, receivedText, strictKeys } from "../store/read.js";
import { readStatus } from "../store/status.js";
import {
  catalogWrittenElsewhere,
  configFileLayer,
  configFlag,
  envOption,
  flagLayer,
  folderArgument,
  vbulkAs,
  workingFolder,
} from "./options.js";
import { createIo, exampleTextNote, type Io } from "./render.js";
import { onStopSignal, stopped } from "./signals.js";

interface RawPlanOptions {
  json?: boolean;
  config?: string;
  rules?: string;
  priceRules?: string;
  /** Which of the two gave priceRules: named in its messages. */
  priceRulesFrom?: PriceRulesSource;
  templates?: string;
  mapping?: string;
  labels?: string;
  set?: string[];
  reset?: string[];
  publish?: string[];
  only?: string[];
  exclude?: string[];
}

/**
 * A repeatable flag's values, undefined while it is not given: `--publish` unset and `--publish none` differ, and
 * --help shows no "(default: [])".
 */
const collectValues = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/** Registers `vbulk plan`. */
export function registerPlan(program: Command, run: (fn: () => Promise<number>) => Promise<void>): void {
  const command = program
    .command("plan")
    .description(
      "turn catalog.json into plan.json: titles, descriptions, prices, Vinted fields (touches nothing online)",
    )
    .addArgument(folderArgument("folder holding catalog.json (or the photos' ZIP)"))
    .option("--json", "print the plan as JSON on stdout, nothing else")
    .addOption(envOption("--config <file>", 'JSON config file (section "plan")', "VBULK_CONFIG"))
    .addOption(
      envOption(
        "--price-rules <json>",
        'price per category, e.g. {"hoodie":25,"t-shirt":10}',
        "PRICE_RULES_JSON",
      ),
    )
    .addOption(
      envOption(
        "--rules <file>",
        "JSON rules file: defaultPrice, prices, condition, brand, gender, lang",
        "VBULK_RULES",
      ),
    )
    .addOption(
      envOption(
        "--templates <dir>",
        "templates folder (one sub-folder per language); kept by later runs, `default`: the built-in",
        "VBULK_TEMPLATES",
      ),
    )
    .addOption(
      envOption(
        "--mapping <file>",
        "Vinted field mapping (default models/vinted-fr.json); kept by later runs, `default`: the built-in",
        "VBULK_MAPPING",
      ),
    )
    .addOption(
      envOption(
        "--labels <file>",
        "label set naming the categories; kept by later runs, `default`: the built-in",
        "VBULK_LABELS",
      ),
    )
    .option("--set <id.field=value>", "edit one article, e.g. --set c3.price=30 (repeatable)", collectValues)
    .option(
      "--reset <id[.field]>",
      "hand an edit back to the rules, e.g. --reset c3.price; --reset c3: every edit of c3 (repeatable)",
      collectValues,
    )
    .option(
      "--publish <ids>",
      'exactly these articles are marked to publish, every other one unmarked (e.g. c3,c7; repeatable); "none" unmarks all',
      collectValues,
    )
    .option(
      "--only <ids>",
      'exactly these articles are included, every other one excluded (e.g. c1,c2; repeatable); "all" undoes what --only did (articles you excluded yourself stay excluded)',
      collectValues,
    )
    .option(
      "--exclude <ids>",
      "exclude these articles as well (repeatable; undo: --set ID.excluded=false)",
      collectValues,
    );
  for (const f of PLAN_FLAGS) command.addOption(f.option);
  command.action((dir: string, raw: RawPlanOptions, cmd: Command) =>
    run(() =>
      planCommand(dir, {
        ...raw,
        priceRulesFrom:
          cmd.getOptionValueSource("priceRules") === "env" ? "PRICE_RULES_JSON" : "--price-rules",
      }),
    ),
  );
}

/** Flags that set the plan's rules (each also read from its env var). */
const PLAN_FLAGS = [
  configFlag(
    "plan",
    "defaultPrice",
    "--price <euros>",
    "price of articles without a category rule (default 20)",
    "DEFAULT_PRICE",
    z.string().transform((v, ctx) => {
      const n = parseEuros(v);
      if (n === null || !PriceSchema.safeParse(n).success) {
        ctx.addIssue({
          code: "custom",
          message: "a price in euros from 0.01 to 100000 with at most 2 decimals",
        });
        return z.NEVER;
      }
      return n;
    }),
  ),
  configFlag(
    "plan",
    "condition",
    "--condition <c>",
    `${CONDITIONS.join(" | ")} (or in English: ${Object.values(CONDITION_IN_ENGLISH).join(" | ")})`,
    "VBULK_CONDITION",
    vocabulary(
      CONDITIONS,
      CONDITION_WORDS,
      `one of ${CONDITIONS.join(", ")} (in English: ${Object.values(CONDITION_IN_ENGLISH).join(", ")})`,
    ),
  ),
  configFlag(
    "plan",
    "gender",
    "--gender <g>",
    "femme | homme (or women | men): the Vinted department of the articles (none: back to each article's own)",
    "VBULK_GENDER",
    vocabulary(
      [...DEPARTMENTS, "none"],
      DEPARTMENT_WORDS,
      "femme, homme or none (in English: women, men)",
    ).transform((v) => (v === "none" ? null : v)),
  ),
  configFlag(
    "plan",
    "lang",
    "--lang <lang>",
    "fr | en: template language",
    "VBULK_LANG",
    vocabulary(LANGUAGES, LANGUAGE_WORDS, "fr or en"),
  ),
];

/** The flag that gives each rule anew (brand: a rules file or the config file); its plan.json name is RULE_FIELDS. */
const RULE_FLAGS = {
  defaultPrice: "--price",
  prices: "--price-rules",
  condition: "--condition",
  brand: "--rules FILE",
  gender: "--gender",
  lang: "--lang",
} as const satisfies Record<RuleKey, string>;

/** How to give a rule its earlier value, for a seller who wants it kept. */
function keepRule(k: RuleKey, value: unknown): string {
  if (k === "prices") return `--price-rules ${shellWord(JSON.stringify(value))}`;
  if (k === "brand") return `a rules file (--rules FILE) holding {"brand": ${JSON.stringify(value)}}`;
  return `${RULE_FLAGS[k]} ${value === null ? "none" : String(value)}`;
}

/** A rules file holds any of the config file's "plan" keys, nothing else. */
// strictKeys: an unknown key names the key meant, as the config file's do (not zod's "Unrecognized key").
const RulesFileSchema = strictKeys(ConfigSchema.shape.plan.partial().shape);

/**
 * A config file given as --rules (the config's sections where the rules should be) is named for what it is:
 * `(root): Unrecognized keys: "plan", "execute"` was true but did not say that --config takes it. Throws BAD_USAGE.
 */
function notConfigFile(data: unknown, path: string): void {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return;
  const keys = Object.keys(data);
  const sections = keys.filter((k) => Object.hasOwn(ConfigSchema.shape, k));
  if (!sections.length || keys.some((k) => Object.hasOwn(RulesFileSchema.shape, k))) return;
  const plan = (data as { plan?: unknown }).plan;
  const rules =
    typeof plan === "object" && plan !== null && !Array.isArray(plan) && Object.keys(plan).length
      ? `, or make a rules file of what that section holds: ${printable(JSON.stringify(plan)).slice(0, 200)}`
      : "";
  throw new VbulkError(
    "BAD_USAGE",
    `Expected a rules file for --rules (or VBULK_RULES), holding any of defaultPrice, prices, condition, brand, gender, lang, but ${printable(path)} looks like a config file (its sections: ${sections.join(", ")})`,
    {
      hint: `Pass it with --config ${shellWord(path)}${sections.includes("plan") ? ` (its "plan" section gives the same rules)${rules}` : ""}. Nothing was written.`,
    },
  );
}

async function planCommand(dirArg: string, raw: RawPlanOptions): Promise<number> {
  const io = createIo(raw.json === true);
  const given = resolve(dirArg);
  if ((await stat(given).catch(() => null))?.isFile() && extname(given).toLowerCase() !== ".zip")
    throw new VbulkError(
      "BAD_USAGE",
      `Expected a folder holding catalog.json (or the photos' ZIP) for vbulk plan but received the file ${given}`,
      {
        hint:
          basename(given) === "catalog.json" || basename(given) === "plan.json"
            ? `Pass the folder that holds it: vbulk plan ${dirname(given)}`
            : "Pass the folder `vbulk ingest` wrote catalog.json to. Nothing was written.",
      },
    );
  const dir = await workingFolder(dirArg);
  // The catalog before the lock: taking it creates DIR/.vbulk, and a wrong path (exit 2) must change no file.
  // Nothing writes catalog.json under the plan lock, so reading it first sees what reading it inside would.
  const catalog = await readCatalog(dir).catch(async (err: unknown) => {
    if (!(err instanceof VbulkError && err.code === "NOT_FOUND")) throw err;
    // No catalog here because `ingest --out` wrote it elsewhere, or the first ingest is still writing it: said so,
    // not "run `vbulk ingest` first".
    const elsewhere = await catalogWrittenElsewhere(dirArg, dir);
    if (elsewhere)
      throw new VbulkError(
        "NOT_FOUND",
        `Expected a catalog at ${join(dir, CATALOG_FILE)} but found none: \`vbulk ingest --out\` wrote this folder's catalog to ${printable(elsewhere)}`,
        {
          hint: `Run \`${vbulkAs()} plan ${shellWord(elsewhere)}\`: plan, review and execute take the folder ingest wrote to. Nothing was written.`,
        },
      );
    const running = await readStatus(dir).catch(() => null);
    if (running?.command === "ingest" && running.state === "running")
      throw new VbulkError(
        "BAD_USAGE",
        `Expected a catalog at ${join(dir, CATALOG_FILE)} but the first ingest of this folder is still running (pid ${running.pid}): nothing was written`,
        {
          hint: `Follow it with \`${vbulkAs()} status ${shellWord(dir)}\`, and run this again once it is done. ${staleLockAdvice(running.pid, join(dir, STATE_DIR, INGEST_LOCK), "run the ingest again")}`,
        },
      );
    throw err;
  });
  // An ingest of this folder running now replaces catalog.json when it ends: the plan made from the one read here is
  // then out of date (articles added, regrouped). Said, not refused: the seller may want to look at the plan meanwhile.
  const running = await readStatus(dir).catch(() => null);
  if (running?.command === "ingest" && running.state === "running")
    io.err(
      io.c.yellow(
        `note: an ingest of this folder is running (pid ${running.pid}, since ${localSince(running.started_at)}): this plan is made from the catalog it will replace, and will be out of date when it ends; run \`${vbulkAs()} plan ${shellWord(dirArg)}\` again then (\`${vbulkAs()} status ${shellWord(dirArg)}\` follows the ingest).`,
      ),
    );
  // The lock creates DIR/.vbulk: a refused command (a bad flag, checked under the lock) takes it away again when it
  // was not there before, so that "Nothing was written" holds in a folder that held only catalog.json.
  const stateDir = join(dir, STATE_DIR);
  const hadState = (await stat(stateDir).catch(() => null)) !== null;
  // Ctrl-C or SIGTERM before plan.json is written writes nothing and says so; one after it lets the run finish (a
  // fraction of a second), its output saying what was written. Node's default ended the run without a word, plan.json
  // written or not.
  const stop = new AbortController();
  const stopListening = onStopSignal({
    json: io.json,
    stop: () => stop.abort(stopped(`interrupted: nothing was written; ${PLAN_FILE} is as it was.`)),
    atOnce: `interrupted: stopped at once by a second signal; ${PLAN_FILE} is whole (as it was, or as this run wrote it).`,
  });
  try {
    const release = await lockPlan(dir, stop.signal);
    let done = false;
    try {
      const code = await planLocked(io, dir, catalog, raw, stop.signal);
      done = true;
      return code;
    } finally {
      await release();
      // rmdir, not rm -r: only the empty folder the lock made goes.
      if (!done && !hadState) await rmdir(stateDir).catch(() => undefined);
    }
  } finally {
    stopListening();
  }
}

/** `vbulk plan` while it holds the folder's plan lock (lockPlan). */
async function planLocked(
  io: Io,
  dir: string,
  catalog: Catalog,
  raw: RawPlanOptions,
  signal: AbortSignal,
): Promise<number> {
  // Everything is read and validated before anything is written: a bad command changes no file.
  const previous = await readPlan(dir);
  // Rules given once are settings: the previous plan's rules come after the config file, before what this run says.
  const layers: ConfigOverrides[] = [await configFileLayer(raw.config)];
  // Where the prices that apply came from (the last layer that sets them), for a rule that names no category.
  let pricesFrom = layers[0]?.plan?.prices ? `${raw.config} (plan.prices)` : undefined;
  const given = new Set<RuleKey>();
  const give = (plan: object | undefined) => {
    for (const k of Object.keys(plan ?? {}))
      if ((RULE_KEYS as readonly string[]).includes(k)) given.add(k as RuleKey);
  };
  // Rules the seller changed by hand in plan.json count as given (storedRules): said below, once, as kept.
  const byHand = previous ? handEditedRules(previous) : [];
  if (previous) {
    const stored = storedRules(previous);
    give(stored);
    layers.push({ plan: stored });
    if (stored.prices)
      pricesFrom = `${join(dir, "plan.json")} (rules.prices${byHand.includes("prices") ? ", changed by hand" : ", kept from an earlier run"})`;
  }
  let rulesFile: object = {};
  if (raw.rules) {
    const path = resolve(raw.rules);
    const hint = "Nothing was written. See the README's plan section.";
    const data = await readJsonFile(
      path,
      z.unknown(),
      "rules file (--rules / VBULK_RULES)",
      hint,
      undefined,
      DEFAULTS.files.maxSettingsBytes,
    );
    notConfigFile(data, path);
    const file = parseWith(RulesFileSchema, data, path, hint);
    give(file);
    rulesFile = file;
    layers.push({ plan: file });
    if (file.prices) pricesFrom = `${resolve(raw.rules)} (prices)`;
  }
  const flags = flagLayer(PLAN_FLAGS, raw);
  if (raw.priceRules !== undefined) {
    const from = raw.priceRulesFrom ?? "--price-rules";
    flags.plan = { ...flags.plan, prices: parsePriceRules(raw.priceRules, from) };
    pricesFrom = from;
  }
  give(flags.plan);
  layers.push(flags);
  // A rule this run gives anew (flag, env, rules file) replaces the hand edit: nothing to say about that one.
  const anew = new Set(Object.keys({ ...rulesFile, ...flags.plan }));
  const { plan: resolved } = resolveConfig(...layers);
  const rules = { ...resolved, given: [...given] };

  // Like the rules, the files given once are kept (plan.json's rules) until given anew or `default`.
  const { files, fromStore } = chooseListingFiles(raw, previous?.rules, dir);
  const { mapping, templates, labels } = await loadListingFiles(files, fromStore, rules.lang);
  const categories = labels.labels.map((l) => l.id);
  // A seller's own mapping only: the shipped one and sync's copy hold the shipped categories (and ids set by hand).
  const stray = files.mapping
    ? strayCategories(mapping, categories, await loadMapping(DEFAULT_MAPPING))
    : null;
  if (pricesFrom) rules.prices = priceRulesByCategory(rules.prices, labels.labels, pricesFrom);
  const ids = new Set(catalog.items.map((i) => i.id));
  const overrides = parseSet(raw.set ?? [], ids, categories, {
    shellQuotes: true,
    colorIds: vintedColorIds(mapping),
    categoryNames: Object.fromEntries(labels.labels.map((l) => [l.id, labelNames(l)])),
    gone: (id) => goneArticle(id, previous, catalog),
  });
  // Each flag may be repeated (--exclude c1 --exclude c2): its lists add up, as --set's edits do.
  const idList = (values: string[], flag: string, word?: "all" | "none") => {
    const lists = values.map((value) =>
      value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    );
    // An empty $IDS in a script: --only "" would exclude every article. "none" and "all" say that on purpose.
    if (lists.some((l) => l.length === 0))
      throw new VbulkError(
        "BAD_USAGE",
        `Expected article ids of the catalog for ${flag} but received an empty list`,
        {
          hint: `${articleList(ids)}. Nothing was written.`,
        },
      );
    const list = [...new Set(lists.flat())];
    if (word && list.includes(word)) {
      if (list.length === 1) return word;
      // "--publish none --publish c3": one of the two is a mistake, and guessing which would change the plan.
      throw new VbulkError(
        "BAD_USAGE",
        `Expected either ${word} or article ids for ${flag.split(" ")[0]} but received ${list.join(", ")}`,
        { hint: `Give ${word} alone, or the ids alone. Nothing was written.` },
      );
    }
    for (const id of list)
      if (!ids.has(id)) {
        const near = nearId(id, ids);
        throw new VbulkError(
          "BAD_USAGE",
          `Expected article ids of the catalog for ${flag} but received "${id}"${near ? ` (did you mean "${near}"?)` : ""}`,
          { hint: articleList(ids) },
        );
      }
    return list;
  };
  const selection: Selection = {};
  if (raw.publish !== undefined) {
    const list = idList(raw.publish, "--publish (or none)", "none");
    selection.publish = list === "none" ? [] : (list as string[]);
  }
  if (raw.only !== undefined) selection.only = idList(raw.only, "--only (or all)", "all") as string[] | "all";
  if (raw.exclude !== undefined) selection.exclude = idList(raw.exclude, "--exclude") as string[];
  if (raw.reset?.length) {
    selection.reset = parseReset(raw.reset, ids, (id) => goneArticle(id, previous, catalog));
    refuseSetAndReset(raw.set ?? [], raw.reset, overrides);
  }

  const { plan, changes } = buildPlan(
    catalog,
    { ...rules, prices: { ...rules.prices }, files },
    mapping,
    templates,
    labels,
    previous,
    overrides,
    selection,
  );
  signal.throwIfAborted();
  const path = await writePlan(dir, plan);
  const unlabelled = labelSetMismatch(catalog, categories, files.labels);
  if (unlabelled) io.err(io.c.yellow(`warning: ${unlabelled}`));
  if (stray) io.err(io.c.yellow(`warning: ${stray}`));
  for (const line of await missingPhotos(dir, catalog, plan)) io.err(io.c.yellow(`warning: ${line}`));
  for (const k of byHand)
    if (!anew.has(k))
      io.err(
        io.c.yellow(
          `kept: rules.${RULE_FIELDS[k]} ${JSON.stringify(plan.rules[RULE_FIELDS[k]])} in plan.json was changed by hand; it is now a rule you gave (listed in rules.given), kept by later runs until you give another value (${RULE_FLAGS[k]})`,
        ),
      );
  // A rule the seller never gave follows the config file and the defaults: when that changes it (a run without the
  // --config of the last one, a config file edited), every price or title it shapes changed without a word.
  for (const { key, field, was, now } of rulesFollowed(previous, plan))
    io.err(
      io.c.yellow(
        `changed: rules.${field} ${JSON.stringify(was)} → ${JSON.stringify(now)}: not a rule you gave, so it follows the config file and the defaults (to keep ${JSON.stringify(was)}: ${keepRule(key, was)})`,
      ),
    );
  // Said for the articles marked to publish (a draft is private, and the seller reads it on Vinted first).
  const example = exampleTextNote(
    plan.items.filter((i) => !i.excluded && i.publish),
    'write your own description template (copy templates/ and pass --templates DIR, README "Templates") or set the descriptions (--set ID.description=…)',
  );
  if (example) io.err(io.c.yellow(example));
  // A warning, also with --json: the hand edit is gone from plan.json now, the seller must hear of it.
  // Each line says what was put back and what stays the seller's ("not kept:" read wrong over "your title is kept").
  for (const line of changes.putBack) io.err(io.c.yellow(`put back: ${line}`));
  // plan.json as written, and what this run did to the previous plan: a script must see reset edits and dropped
  // articles as a person reading the table does (README "Files and JSON shapes").
  if (io.json) io.out(JSON.stringify({ ...planFileForm(plan), changes: changesJson(changes) }, null, 2));
  else printPlan(io, plan, changes, path, previous);
  return 0;
}

/**
 * An edit and its reset in one run (`--set c1.price=5 --reset c1.price`): one of the two is a mistake, and the reset
 * was ignored without a word. Throws BAD_USAGE naming both.
 */
function refuseSetAndReset(sets: string[], resets: string[], overrides: Map<string, object>): void {
  for (const v of resets) {
    const [id = "", field] = v.trim().split(".");
    const edited = Object.keys(overrides.get(id) ?? {});
    const both = field === undefined ? edited[0] : edited.find((f) => f === field);
    if (both === undefined) continue;
    const set = sets.find((a) => a.startsWith(`${id}.${both}=`)) ?? `${id}.${both}=…`;
    throw new VbulkError(
      "BAD_USAGE",
      `Expected either --set ${set} or --reset ${v.trim()} but received both`,
      {
        hint: `Keep --set to give ${id}'s ${both} that value, or --reset to hand it back to the rules. Nothing was written.`,
      },
    );
  }
}

/**
 * One line per article whose photos are gone from the disk since ingest (deleted, moved away): the plan still lists
 * them and execute would refuse the article, so the seller hears of it now, with what to do.
 */
async function missingPhotos(dir: string, catalog: Catalog, plan: Plan): Promise<string[]> {
  const lines: string[] = [];
  const source = (await stat(catalog.source.path).catch(() => null)) ? catalog.source.path : undefined;
  // An excluded article is not sent: its photos are the seller's business until it is taken back.
  for (const item of plan.items.filter((i) => !i.excluded)) {
    const gone: string[] = [];
    for (const p of item.photos)
      if (!(await stat(resolve(dir, p)).catch(() => null))?.isFile()) gone.push(resolve(dir, p));
    if (!gone.length) continue;
    const folders = new Set(gone.map((p) => dirname(p)));
    const names =
      folders.size === 1
        ? `${gone.map((p) => printable(basename(p))).join(", ")} ${gone.length === 1 ? "is" : "are"} missing from ${printable([...folders][0]!)}`
        : `${gone.map((p) => printable(p)).join(", ")} are missing`;
    lines.push(
      `${item.cluster_id}'s ${gone.length === 1 ? "photo" : "photos"} ${names}: ${missingPhotoFix(dir, source, gone.length)}`,
    );
  }
  return lines;
}

/**
 * The catalog's categories the plan's label set does not have, in words with what to do; null when it has them
 * all. A catalog made with `ingest --labels mine.json` and planned without it got raw ids as names ("kimono
 * marron") and no Vinted category, silently (audit-clip item 6). catalog.json says which set ingest used.
 */
export function labelSetMismatch(catalog: Catalog, categories: string[], planLabels?: string): string | null {
  const known = new Set(categories);
  const missing = [...new Set(catalog.items.map((it) => it.category))].filter(
    (c) => c !== "unknown" && !known.has(c),
  );
  if (!missing.length) return null;
  const used = catalog.labels?.path;
  const list = missing.slice(0, 8).join(", ") + (missing.length > 8 ? `, … (${missing.length} in all)` : "");
  return `catalog.json's categor${missing.length === 1 ? "y" : "ies"} ${list} ${missing.length === 1 ? "is" : "are"} not in the label set this plan uses (${planLabels ? printable(planLabels) : "the built-in models/labels/garments.json"}): ${missing.length === 1 ? "its articles get" : "their articles get"} the raw id as a name and no Vinted category. ${used ? `ingest used ${printable(used)}: pass --labels ${shellWord(used)}` : used === null ? "ingest used the built-in label set: pass --labels default" : "pass the --labels FILE you gave ingest"} (plan.json keeps it for later runs).`;
}

/** Where --price-rules' value came from, as the seller gave it: the flag, or its env var. */
type PriceRulesSource = "--price-rules" | "PRICE_RULES_JSON";

/**
 * The prices of --price-rules (or PRICE_RULES_JSON), each bad value said with what was received and where:
 * "hoodie: a price in euros" did not show the "3" in quotes, "[1]" got zod's "expected record, received array",
 * and the env var was named when the flag was given. Keys are checked by priceRulesByCategory. Throws BAD_USAGE.
 */
function parsePriceRules(raw: string, from: PriceRulesSource): Record<string, number> {
  const example = '{"hoodie":25,"t-shirt":10}';
  const hint = `Example: ${from === "PRICE_RULES_JSON" ? `PRICE_RULES_JSON='${example}'` : `--price-rules '${example}'`}. Nothing was written.`;
  if (raw.trim() === "")
    throw new VbulkError(
      "BAD_USAGE",
      `Expected a JSON object of prices for ${from} but received an empty value (an unset variable in a script?)`,
      { hint },
    );
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw new VbulkError(
      "BAD_USAGE",
      `Expected a JSON object of prices for ${from} but it does not parse (${(err as Error).message}): ${JSON.stringify(raw)}`,
      { hint },
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new VbulkError(
      "BAD_USAGE",
      `Expected a JSON object of prices (e.g. ${example}) for ${from} but received ${receivedText(data)}`,
      { hint },
    );
  // Object.entries, then fromEntries: a "__proto__" key stays a key (refused by priceRulesByCategory), never the prototype.
  const prices = Object.entries(data).map(([key, value]): [string, number] => {
    const price = PriceSchema.safeParse(value);
    if (price.success) return [key, price.data];
    const typed = typeof value === "number";
    const quoted = typeof value === "string" && parseEuros(value) !== null;
    throw new VbulkError(
      "BAD_USAGE",
      `Expected ${typed ? (price.error.issues[0]?.message ?? "a price in euros") : "a number of euros"} for ${from} key ${JSON.stringify(key)} but received ${receivedText(value)}${
        quoted ? ` (a string): write {${JSON.stringify(key)}:${parseEuros(value as string)}}` : ""
      }`,
      { hint: `A price is a number of euros from 0.01 to 100000, at most 2 decimals. ${hint}` },
    );
  });
  return Object.fromEntries(prices);
}

/** PlanChanges for --json: `moved` as { from, to } objects rather than pairs a script must know the order of. */
function changesJson(ch: PlanChanges) {
  return {
    added: ch.added,
    kept: ch.kept,
    carried: ch.carried,
    reset: ch.reset,
    dropped: ch.dropped,
    moved: ch.moved.map(([to, from]) => ({ from, to })),
    restored: ch.restored,
    set_aside: ch.setAside,
    still_excluded: ch.stillExcluded,
    unpublished: ch.unpublished,
  };
}

function printPlan(io: Io, plan: Plan, changes: PlanChanges, path: string, previous: Plan | null): void {
  const { c } = io;
  // Every string a seller, a file or a shared template gave is shown escaped (printable): an escape sequence in
  // plan.json or a folder name must not reach the terminal, nor a line break forge a row.
  const cut = (t: string, n: number) => {
    const p = printable(t);
    return p.length > n ? `${p.slice(0, n - 1)}…` : p;
  };
  // A reason every article not ready shares ("category unknown" without a model, "size missing") is said once under
  // the table: 500 rows repeating it hid the reasons that differ, and wrapped every row.
  const waiting = plan.items.filter((i) => !i.excluded && i.needs_review.length > 0);
  const shared =
    waiting.length >= 3
      ? waiting[0]!.needs_review.filter((r) => waiting.every((i) => i.needs_review.includes(r)))
      : [];
  const rows = plan.items.map((i) => [
    i.cluster_id,
    String(i.photos.length),
    cut(i.title, 44),
    // The description's first line: what a buyer reads first, so the seller sees what will be sent.
    cut(i.description.split("\n")[0] ?? "", 48),
    `${i.price} €`,
    i.excluded ? "excluded" : i.publish ? "yes" : "no",
    i.excluded
      ? ""
      : printable(
          [...(shared.length && i.needs_review.length ? ["(below)"] : []), ...i.needs_review]
            .filter((r) => !shared.includes(r))
            .join("; "),
        ),
  ]);
  const head = ["article", "photos", "title", "description", "price", "publish", "needs_review"];
  const last = head.length - 1;
  const width = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: string[]) => r.map((v, k) => (k === last ? v : v.padEnd(width[k]!))).join("  ");
  io.out(c.bold(line(head)));
  for (const r of rows) io.out(line(r));
  const ready = plan.items.filter((i) => !i.excluded && i.needs_review.length === 0).length;
  const included = plan.items.filter((i) => !i.excluded).length;
  io.out(
    `${ready} of ${plural(included, "article")} ready for Vinted, ${plan.items.filter((i) => i.publish && !i.excluded).length} marked to publish.`,
  );
  for (const r of shared) io.out(`every article not ready (${waiting.length}): ${printable(r)}`);
  const aside = new Set(changes.setAside);
  const asideNote = (ids: string[]) =>
    ids.some((id) => aside.has(id))
      ? `; their edits are set aside in plan.json (set_aside) and come back when those photos (most of them, or all of those left) make an article again, as after an undo in \`vbulk review\` or photos put back in the folder`
      : "";
  if (changes.dropped.length)
    io.out(
      c.yellow(
        `dropped (no longer in the catalog): ${changes.dropped.join(", ")}${asideNote(changes.dropped)}`,
      ),
    );
  // Only an article that had edits has edits to keep or not: "edits not carried over" in yellow for an article the
  // seller never edited sent them looking for what they had lost.
  const edited = (id: string) => editedFields(previous, id).length > 0;
  const carried = changes.carried.filter(edited);
  const reset = changes.reset.filter(edited);
  const unedited = [...changes.carried, ...changes.reset].filter((id) => !edited(id)).sort(naturalCompare);
  if (carried.length)
    io.out(
      `photos changed, edits kept (the same garment: most of its photos, or all of those left): ${carried.join(", ")}`,
    );
  if (reset.length)
    io.out(c.yellow(`photos changed, edits not carried over: ${reset.join(", ")}${asideNote(reset)}`));
  if (unedited.length) io.out(`photos changed (no edits of yours there): ${unedited.join(", ")}`);
  if (changes.restored.length)
    io.out(
      `edits given back (the same garment as an earlier article: most of its photos, or all of those left): ${changes.restored.join(", ")}`,
    );
  if (changes.unpublished.length) {
    const ids = changes.unpublished.map((u) => u.id);
    io.out(
      c.yellow(
        `publish mark taken off: ${changes.unpublished.map((u) => `${u.id} (${unpublishedWhy(u)})`).join(", ")}; check ${ids.length === 1 ? "its" : "their"} photos (\`${vbulkAs()} review ${shellWord(dirname(path))}\`), then mark ${ids.length === 1 ? "it" : "them"} again: ${ids.map((id) => `--set ${id}.publish=true`).join(" ")}`,
      ),
    );
  }
  if (changes.moved.length)
    io.out(
      `edits followed their article: ${changes.moved.map(([to, from]) => `${from} → ${to}`).join(", ")}`,
    );
  if (changes.added.length && changes.kept.length) io.out(`new: ${changes.added.join(", ")}`);
  // --only all includes again what --only left out, not what the seller excluded: said once, with the way in.
  if (changes.stillExcluded.length) {
    const ids = changes.stillExcluded;
    io.out(
      c.yellow(
        `still excluded (by your own edit, not by --only): ${ids.join(", ")}; to include ${ids.length === 1 ? "it" : "them"}: ${ids.map((id) => `--set ${id}.excluded=false`).join(" ")}`,
      ),
    );
  }
  for (const i of plan.items) for (const n of i.notes) io.out(c.dim(`${i.cluster_id}: ${printable(n)}`));
  io.out(`plan: ${printable(path)}`);
  // The folder named, as ingest's next line does: pasted from another folder, a bare `vbulk execute` looked for
  // ./plan.json and said to run `vbulk plan` first, which the seller had just done.
  const folder = shellWord(dirname(path));
  const execute = `\`${vbulkAs()} execute ${folder}\` (dry run: drafts only)`;
  // Articles not ready: what to do about the first reason a flag settles, as a command that works as written (before,
  // "edit plan.json (or use --set)" left a new seller to find the field and the value's form).
  const first = waiting[0];
  const fix =
    waiting.flatMap((i) => i.needs_review.map((r) => fixFor(i.cluster_id, r))).find((f) => f !== null) ??
    null;
  const leaf = waiting.some((i) =>
    i.needs_review.some((r) => /^no Vinted leaf id known|^Vinted catalogue \d+ /.test(r)),
  );
  io.out(
    c.dim(
      !first
        ? `next: edit plan.json (or use --set), then ${execute}`
        : leaf && !fix
          ? `next: \`${vbulkAs()} vinted sync\` reads Vinted's category ids (after \`${vbulkAs()} login\`), then \`${vbulkAs()} plan ${folder}\` again; then ${execute}`
          : `next: set what the articles lack on the review page, \`${vbulkAs()} review ${folder}\`${fix ? `, or here: \`${vbulkAs()} plan ${folder} ${fix}\`` : ""}; then ${execute}`,
    ),
  );
}

/** Why a publish mark was taken off, in words: what happened to the photos it was made on. */
function unpublishedWhy(u: Unpublished): string {
  if (u.why === "merged") return `it now holds photos of ${u.others.join(", ")}: merged`;
  if (u.why === "split") return `photos it was marked with are now in ${u.others.join(", ")}: split`;
  return `only ${u.marked} of its ${u.photos} photos are those it was marked with`;
}
