import { resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { type ConfigOverrides, ConfigSchema, resolveConfig } from "../core/config.js";
import { VbulkError } from "../core/errors.js";
import { loadMapping } from "../listing/mapping.js";
import {
  buildPlan,
  type Editable,
  type Plan,
  type PlanChanges,
  parseSet,
  readPlan,
  writePlan,
} from "../listing/plan.js";
import { DEFAULT_TEMPLATES, loadTemplates } from "../listing/templates.js";
import { loadLabelSet } from "../model/clip.js";
import { DEFAULT_LABELS } from "../model/select.js";
import { readCatalog } from "../store/catalog.js";
import { parseWith, readJsonFile } from "../store/read.js";
import {
  configFileLayer,
  configFlag,
  decimal,
  envOption,
  flagLayer,
  oneOf,
  workingFolder,
} from "./options.js";
import { createIo, type Io } from "./render.js";

interface RawPlanOptions {
  json?: boolean;
  config?: string;
  rules?: string;
  priceRules?: string;
  templates?: string;
  mapping?: string;
  labels?: string;
  set: string[];
  publish?: string;
  only?: string;
  exclude?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** Registers `vbulk plan`. */
export function registerPlan(program: Command, run: (fn: () => Promise<number>) => Promise<void>): void {
  const command = program
    .command("plan")
    .description(
      "turn catalog.json into plan.json: titles, descriptions, prices, Vinted fields (touches nothing online)",
    )
    .argument("[dir]", "folder holding catalog.json (or the photos' ZIP)", ".")
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
      envOption("--templates <dir>", "templates folder (one sub-folder per language)", "VBULK_TEMPLATES"),
    )
    .addOption(
      envOption("--mapping <file>", "Vinted field mapping (default models/vinted-fr.json)", "VBULK_MAPPING"),
    )
    .addOption(envOption("--labels <file>", "label set naming the categories", "VBULK_LABELS"))
    .option("--set <id.field=value>", "edit one article, e.g. --set c3.price=30 (repeatable)", collect, [])
    .option("--publish <ids>", "mark articles publish=true, e.g. c3,c7")
    .option("--only <ids>", "exclude every article but these")
    .option("--exclude <ids>", "exclude these articles");
  for (const f of PLAN_FLAGS) command.addOption(f.option);
  command.action((dir: string, raw: RawPlanOptions) => run(() => planCommand(dir, raw)));
}

const PLAN = ConfigSchema.shape.plan.shape;
/** Flags that set the plan's rules (each also read from its env var). */
const PLAN_FLAGS = [
  configFlag(
    "plan",
    "defaultPrice",
    "--price <euros>",
    "price of articles without a category rule (default 20)",
    "DEFAULT_PRICE",
    decimal(0.01, 100_000),
  ),
  configFlag(
    "plan",
    "condition",
    "--condition <c>",
    PLAN.condition.options.join(" | "),
    "VBULK_CONDITION",
    oneOf(PLAN.condition.options),
  ),
  configFlag(
    "plan",
    "gender",
    "--gender <g>",
    "femme | homme: the Vinted department of the articles",
    "VBULK_GENDER",
    oneOf(PLAN.gender.unwrap().options),
  ),
  configFlag(
    "plan",
    "lang",
    "--lang <lang>",
    "fr | en: template language",
    "VBULK_LANG",
    oneOf(PLAN.lang.options),
  ),
];

/** A rules file holds any of the config file's "plan" keys, nothing else. */
const RulesFileSchema = ConfigSchema.shape.plan.partial().strict();

async function planCommand(dirArg: string, raw: RawPlanOptions): Promise<number> {
  const io = createIo(raw.json === true);
  const dir = await workingFolder(dirArg);

  // Everything is read and validated before anything is written: a bad command changes no file.
  const layers: ConfigOverrides[] = [await configFileLayer(raw.config)];
  if (raw.rules)
    layers.push({
      plan: await readJsonFile(
        resolve(raw.rules),
        RulesFileSchema,
        "rules file (--rules / VBULK_RULES)",
        "Nothing was written. See the README's plan section.",
      ),
    });
  const flags = flagLayer(PLAN_FLAGS, raw);
  if (raw.priceRules !== undefined) flags.plan = { ...flags.plan, prices: parsePriceRules(raw.priceRules) };
  layers.push(flags);
  const { plan: rules } = resolveConfig(...layers);

  const catalog = await readCatalog(dir);
  const previous = await readPlan(dir);
  const [mapping, templates, labels] = await Promise.all([
    loadMapping(raw.mapping ? resolve(raw.mapping) : undefined),
    loadTemplates(raw.templates ? resolve(raw.templates) : DEFAULT_TEMPLATES, rules.lang),
    loadLabelSet(raw.labels ? resolve(raw.labels) : DEFAULT_LABELS),
  ]);
  const ids = new Set(catalog.items.map((i) => i.id));
  const overrides = parseSet(raw.set, ids);
  const idList = (value: string | undefined, flag: string) => {
    if (value === undefined) return [];
    const list = value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    for (const id of list)
      if (!ids.has(id))
        throw new VbulkError(
          "BAD_USAGE",
          `Expected article ids of the catalog for ${flag} but received "${id}"`,
          { hint: `Articles: ${[...ids].slice(0, 12).join(", ")}${ids.size > 12 ? ", …" : ""}` },
        );
    return list;
  };
  const add = (id: string, e: Partial<Editable>) => overrides.set(id, { ...overrides.get(id), ...e });
  for (const id of idList(raw.publish, "--publish")) add(id, { publish: true });
  const only = idList(raw.only, "--only");
  if (only.length) for (const id of ids) add(id, { excluded: !only.includes(id) });
  for (const id of idList(raw.exclude, "--exclude")) add(id, { excluded: true });

  const { plan, changes } = buildPlan(
    catalog,
    { ...rules, prices: { ...rules.prices } },
    mapping,
    templates,
    labels,
    previous,
    overrides,
  );
  const path = await writePlan(dir, plan);
  if (io.json) io.out(JSON.stringify(plan, null, 2));
  else printPlan(io, plan, changes, path);
  return 0;
}

function parsePriceRules(raw: string): Record<string, number> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw new VbulkError(
      "BAD_USAGE",
      `Expected a JSON object of prices for --price-rules (or env PRICE_RULES_JSON) but it does not parse (${(err as Error).message}): ${JSON.stringify(raw)}`,
      {
        hint: `Example: PRICE_RULES_JSON='{"hoodie":25,"t-shirt":10}'. Nothing was written.`,
      },
    );
  }
  return parseWith(
    z.record(z.string().min(1), z.number().positive().max(100_000)),
    data,
    "PRICE_RULES_JSON (--price-rules)",
    `Example: {"hoodie":25,"t-shirt":10}. Nothing was written.`,
  );
}

function printPlan(io: Io, plan: Plan, changes: PlanChanges, path: string): void {
  const { c } = io;
  const rows = plan.items.map((i) => [
    i.cluster_id,
    String(i.photos.length),
    i.title.length > 44 ? `${i.title.slice(0, 43)}…` : i.title,
    `${i.price} €`,
    i.excluded ? "excluded" : i.publish ? "yes" : "no",
    i.excluded ? "" : i.needs_review.join("; "),
  ]);
  const head = ["article", "photos", "title", "price", "publish", "needs_review"];
  const width = head.map((h, k) =>
    Math.max(h.length, ...rows.map((r) => Math.min(r[k]!.length, k === 5 ? 60 : 100))),
  );
  const line = (r: string[]) => r.map((v, k) => (k === 5 ? v : v.padEnd(width[k]!))).join("  ");
  io.out(c.bold(line(head)));
  for (const r of rows) io.out(line(r));
  const ready = plan.items.filter((i) => !i.excluded && i.needs_review.length === 0).length;
  const included = plan.items.filter((i) => !i.excluded).length;
  io.out(
    `${ready} of ${included} articles ready for Vinted, ${plan.items.filter((i) => i.publish && !i.excluded).length} marked to publish.`,
  );
  if (changes.dropped.length)
    io.out(c.yellow(`dropped (no longer in the catalog): ${changes.dropped.join(", ")}`));
  if (changes.reset.length)
    io.out(c.yellow(`photos changed, edits not carried over: ${changes.reset.join(", ")}`));
  if (changes.added.length && changes.kept.length) io.out(`new: ${changes.added.join(", ")}`);
  for (const i of plan.items) for (const n of i.notes) io.out(c.dim(`${i.cluster_id}: ${n}`));
  io.out(`plan: ${path}`);
  io.out(c.dim("next: edit plan.json (or use --set), then `vbulk execute` (dry run: drafts only)"));
}
