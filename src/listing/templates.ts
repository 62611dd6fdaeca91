import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Liquid, Template } from "liquidjs";
import { VbulkError } from "../core/errors.js";
import { PACKAGE_ROOT } from "../core/paths.js";

export const DEFAULT_TEMPLATES = join(PACKAGE_ROOT, "templates");

/** Variables a listing template may use. */
export const TEMPLATE_VARIABLES = [
  "category",
  "color",
  "condition",
  "condition_sentence",
  "size",
  "brand",
  "price",
  "gender",
  "id",
] as const;
export type TemplateContext = Record<(typeof TEMPLATE_VARIABLES)[number], string | number | null>;

/** A parsed template and the engine that renders it. */
export interface ListingTemplate {
  engine: Liquid;
  parsed: Template[];
}

export interface ListingTemplates {
  title: ListingTemplate;
  description: ListingTemplate;
  dir: string;
}

/**
 * Users copy and share templates, so a template is data: LiquidJS (an engine built for untrusted templates)
 * renders it with no way to reach JavaScript (own properties only, no calls), no file system (include, render and
 * layout are removed) and bounded time and memory. The limits are generous for a title or a description.
 */
async function createEngine(): Promise<Liquid> {
  // Loaded here, not at start-up: only `plan` renders templates (liquidjs costs every other command ~40 ms).
  const { Liquid } = await import("liquidjs");
  const engine = new Liquid({
    // In-memory, empty: no include/render/layout can read a file, even if the tags were put back.
    templates: {},
    strictVariables: true,
    lenientIf: true,
    strictFilters: true,
    ownPropertyOnly: true,
    jsTruthy: true,
    parseLimit: 100_000,
    renderLimit: 1_000,
    memoryLimit: 1_000_000,
  });
  for (const tag of ["include", "render", "layout", "block"]) delete engine.tags[tag];
  // Jinja's names for the common filters, so templates written for the spec (Jinja syntax) keep working.
  const alias: Record<string, string> = {
    upper: "upcase",
    lower: "downcase",
    trim: "strip",
    length: "size",
    title: "capitalize",
  };
  for (const [jinja, liquid] of Object.entries(alias)) {
    const f = engine.filters[liquid];
    if (f) engine.registerFilter(jinja, f);
  }
  return engine;
}

/**
 * The Jinja spellings the spec's templates may use that Liquid spells otherwise: `{% elif %}`, `{# … #}`
 * comments, filter arguments in brackets (`default('x')` → `default: 'x'`), and nunjucks' trimBlocks (the newline
 * right after a block tag is dropped). Everything else the spec documents is the same in both.
 */
export function fromJinja(src: string): string {
  return src
    .replace(
      /\{#([\s\S]*?)#\}/g,
      (_, body: string) => `{% comment %}${body.replace(/[%}]\}/g, "")}{% endcomment %}`,
    )
    .replace(/\{[{%][\s\S]*?[}%]\}/g, (tag) =>
      tag
        .replace(/^\{%(-?)\s*elif\b/, "{%$1 elsif")
        .replace(/\|\s*([A-Za-z_]\w*)\(([^()]*)\)/g, (_, f: string, args: string) =>
          args.trim() ? `| ${f}: ${args}` : `| ${f}`,
        ),
    )
    .replace(/%\}\r?\n/g, "%}");
}

/**
 * Loads title.njk and description.njk from DIR/LANG (Jinja-like syntax, rendered by LiquidJS). Unknown variables
 * and syntax errors are errors naming the file (BAD_INPUT), never empty strings.
 */
export async function loadTemplates(dir: string, lang: string): Promise<ListingTemplates> {
  const folder = join(resolve(dir), lang);
  const engine = await createEngine();
  const load = async (name: string): Promise<ListingTemplate> => {
    const path = join(folder, name);
    const src = await readFile(path, "utf8").catch(() => {
      throw new VbulkError("NOT_FOUND", `Expected a template at ${path} but found no file there`, {
        hint: `Copy ${join(DEFAULT_TEMPLATES, "fr")} to start from the defaults (--templates DIR, one folder per language).`,
      });
    });
    let parsed: Template[];
    let used: string[];
    try {
      parsed = engine.parse(fromJinja(src), path);
      used = engine.globalVariablesSync(parsed);
    } catch (err) {
      throw new VbulkError(
        "BAD_INPUT",
        `Expected a valid template in ${path} but it has a syntax error: ${oneLine(err)}`,
        {
          hint: "Templates use Jinja-like syntax: {{ variable }}, {% if size %}…{% endif %}, {{ brand | upper }}.",
        },
      );
    }
    const unknown = [...new Set(used)]
      .filter((u) => !(TEMPLATE_VARIABLES as readonly string[]).includes(u))
      .sort();
    if (unknown.length) {
      throw new VbulkError(
        "BAD_INPUT",
        `Expected only known variables in ${path} but it uses ${unknown.map((u) => `{{ ${u} }}`).join(", ")}`,
        {
          hint: `Known variables: ${TEMPLATE_VARIABLES.join(", ")}.`,
        },
      );
    }
    return { engine, parsed };
  };
  return { title: await load("title.njk"), description: await load("description.njk"), dir: folder };
}

function oneLine(err: unknown): string {
  return (err as Error).message.split("\n")[0]!.replace(/\s+/g, " ").trim();
}

/** Renders a template; a runtime failure (or a template over its time or memory limit) names the template file. */
export function render(t: ListingTemplate, ctx: TemplateContext, name: string): string {
  try {
    // A null-prototype copy: nothing reachable from the context leads to Object.prototype.
    const scope = Object.assign(Object.create(null) as Record<string, unknown>, ctx);
    return String(t.engine.renderSync(t.parsed, scope)).trim();
  } catch (err) {
    throw new VbulkError("BAD_INPUT", `Expected ${name} to render but it failed: ${oneLine(err)}`, {
      hint: "A variable that can be empty (size, brand) needs {% if … %} around it; loops must stay small.",
    });
  }
}

/** Cuts text to at most `max` characters on a word boundary, adding "…"; says whether it cut. */
export function capText(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  const room = text.slice(0, max - 1);
  const at = room.search(/\s\S*$/);
  const head = (at > max * 0.5 ? room.slice(0, at) : room).trimEnd();
  return { text: `${head}…`, cut: true };
}
