import type { Stats } from "node:fs";
import { lstat, readdir, readFile, realpath, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Context, Liquid, Operators, Template } from "liquidjs";
import { DEFAULTS } from "../core/defaults.js";
import { fileSystemError, messageOf, VbulkError } from "../core/errors.js";
import { PACKAGE_ROOT } from "../core/paths.js";
import { listingText, printable, shellWord } from "../core/text.js";
import { decodeUtf8 } from "../core/utf8.js";
import { LANGUAGES } from "../core/vocab.js";
import { readRegularAtMost } from "../store/read.js";
import { lowerFirst } from "./french.js";

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
  "group",
  "id",
] as const;
export type TemplateContext = Record<(typeof TEMPLATE_VARIABLES)[number], string | number | null>;

/** What a template may build and do, counted (DEFAULTS.templates; a test may pass smaller ones). */
export interface TemplateLimits {
  maxTemplateChars: number;
  maxTextChars: number;
  maxRenderChars: number;
  maxRenderSteps: number;
}

/** A parsed template and the engine that renders it. */
export interface ListingTemplate {
  engine: Liquid;
  parsed: Template[];
  /** The listing field it renders: a template that renders nothing is named as the cause. */
  field: "title" | "description";
  limits: TemplateLimits;
  /** LiquidJS's render context (liquidjs is loaded lazily, see createEngine). */
  Context: typeof Context;
}

export interface ListingTemplates {
  title: ListingTemplate;
  description: ListingTemplate;
  dir: string;
}

/** Thrown inside LiquidJS when a render goes over a limit; render() turns it into a VbulkError naming the file. */
class TemplateLimitError extends Error {}

/**
 * One render's work, counted. LiquidJS calls memoryLimit.use(n) for what its filters allocate and
 * renderLimit.check(now) before each tag or output (each loop turn included); this budget stands in for both and
 * counts steps in place of milliseconds, so a template passes or fails the same on a busy machine. It also counts
 * what LiquidJS does not: every write to an output or a {% capture %} (CappedEmitter) and every filter's result.
 */
class RenderBudget {
  chars = 0;
  steps = 0;
  over: string | null = null;
  /** The first filter that gave a number that is not finite (Infinity from divided_by: 0), and that number. */
  badNumber: { filter: string; value: number } | null = null;
  /** The first filter given a text where it takes a number (truncate: size, size a text), and that text. */
  badArgument: { filter: string; value: unknown } | null = null;
  constructor(readonly limits: TemplateLimits) {}
  /** In place of LiquidJS's memoryLimit (a Limiter); `budget` finds this object again from a context. */
  readonly memoryLimit = {
    budget: this as RenderBudget,
    use: (n: number) => {
      // One allocation over a text's limit is a range or list asked for at once ((1..100000000)): said as such,
      // not as "wrote over 20000 characters" of a template that wrote nothing (audit).
      if (+n > this.limits.maxTextChars)
        this.fail(
          `made a list (or text) of ${+n} items at once, over ${this.limits.maxTextChars} (a range such as (1..${+n}) is one)`,
        );
      if (+n > 0) this.charge(+n);
    },
    check: () => {},
  };
  /** In place of LiquidJS's renderLimit, which compared the clock to a deadline. */
  readonly renderLimit = {
    use: () => {},
    check: () => {
      if (++this.steps > this.limits.maxRenderSteps)
        this.fail(`took over ${this.limits.maxRenderSteps} steps (each tag, output and loop turn is one)`);
    },
  };
  charge(n: number): void {
    this.chars += n;
    if (this.chars > this.limits.maxRenderChars)
      this.fail(`wrote and filtered over ${this.limits.maxRenderChars} characters in all`);
  }
  /** A text (an output, a capture, a filter's result) of `size` characters, or a list of `size` items. */
  text(size: number): void {
    if (size > this.limits.maxTextChars)
      this.fail(`built a text of over ${this.limits.maxTextChars} characters`);
  }
  fail(what: string): never {
    this.over ??= what;
    throw new TemplateLimitError(what);
  }
}

/** The budget of the render a LiquidJS context belongs to (none outside render()). */
function budgetOf(ctx: Context): RenderBudget | undefined {
  return (ctx.memoryLimit as unknown as { budget?: RenderBudget }).budget;
}

type ToValue = (v: unknown) => unknown;

/**
 * How a number prints in a listing of `lang`: a whole number as it is, any other with two decimals, the French
 * way in French ({{ price }} € → « 12,50 € », not « 12.5 € »; "12.50" in English).
 */
export function numberText(n: number, lang: string): string {
  const text = Number.isInteger(n) ? String(n) : n.toFixed(2);
  if (lang !== "fr") return text;
  // French groups thousands with a narrow no-break space (« 1 234,56 »), never broken from its number.
  const [whole, cents] = text.split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  return cents === undefined ? grouped : `${grouped},${cents}`;
}

/** The characters `value` prints as (as LiquidJS prints: a list joined, null as nothing), counted up to `cap`. */
function printedSize(value: unknown, toValue: ToValue, cap: number, lang: string): number {
  const v = toValue(value);
  if (v === null || v === undefined) return 0;
  if (typeof v === "string") return v.length;
  if (Array.isArray(v)) {
    let n = 0;
    for (const item of v) {
      n += printedSize(item, toValue, cap - n, lang);
      if (n > cap) break;
    }
    return n;
  }
  return typeof v === "number" ? numberText(v, lang).length : String(v).length;
}

/** The text `value` prints as, once printedSize has allowed it. */
function printed(value: unknown, toValue: ToValue, lang: string): string {
  const v = toValue(value);
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map((item) => printed(item, toValue, lang)).join("");
  return typeof v === "number" ? numberText(v, lang) : String(v);
}

/** An output buffer (the template's, each capture's) that counts and caps what is written to it. */
class CappedEmitter {
  buffer = "";
  constructor(
    private readonly budget: RenderBudget,
    private readonly toValue: ToValue,
    private readonly lang: string,
  ) {}
  write(html: unknown): void {
    const cap = this.budget.limits.maxTextChars - this.buffer.length;
    const size = printedSize(html, this.toValue, cap, this.lang);
    this.budget.charge(size);
    this.budget.text(this.buffer.length + size);
    this.buffer += printed(html, this.toValue, this.lang);
  }
}

/**
 * Users copy and share templates, so a template is data: LiquidJS (an engine built for untrusted templates)
 * renders it with no way to reach JavaScript (own properties only, no calls), no file system (include, render and
 * layout are removed) and counted work (RenderBudget, DEFAULTS.templates): every text it builds, every character
 * it writes or filters and every step it takes, so no template can exhaust memory or take minutes.
 */
async function createEngine(
  limits: TemplateLimits,
  lang: string,
): Promise<{ engine: Liquid; Context: typeof Context; liquid: LiquidModule }> {
  // Loaded here, not at start-up: only `plan` renders templates (liquidjs costs every other command ~40 ms).
  const liquid = await import("liquidjs");
  const engine = new liquid.Liquid({
    // In-memory, empty: no include/render/layout can read a file, even if the tags were put back.
    templates: {},
    strictVariables: true,
    lenientIf: true,
    strictFilters: true,
    ownPropertyOnly: true,
    jsTruthy: true,
    // Jinja's `a or b` is the first of a and b that is true (else b), `a and b` the first that is false (else b):
    // `{{ brand or 'sans marque' }}` is the brand, else "sans marque". Liquid's gave true or false, so a title read
    // "Hoodie marron true". In a condition the result is as true as Liquid's was.
    operators: {
      ...liquid.defaultOperators,
      or: ((l: unknown, r: unknown, ctx: Context) =>
        liquid.isTruthy(l, ctx) ? liquid.toValue(l) : liquid.toValue(r)) as unknown as Operators[string],
      and: ((l: unknown, r: unknown, ctx: Context) =>
        liquid.isTruthy(l, ctx) ? liquid.toValue(r) : liquid.toValue(l)) as unknown as Operators[string],
    },
    parseLimit: limits.maxTemplateChars,
    // render() gives each render its own counted limits (RenderBudget); these only back up a render without one.
    memoryLimit: limits.maxRenderChars,
    renderLimit: 1_000,
  });
  for (const tag of ["include", "render", "layout", "block"]) delete engine.tags[tag];
  // Jinja's names for the common filters, so templates written for the spec (Jinja syntax) keep working.
  const alias: Record<string, string> = { upper: "upcase", lower: "downcase", trim: "strip", length: "size" };
  for (const [jinja, name] of Object.entries(alias)) {
    const f = engine.filters[name];
    if (f) engine.registerFilter(jinja, f);
  }
  engine.registerFilter("title", titleCase);
  // A type's name inside a sentence: "jumper", but "T-shirt" keeps its capital (downcase gave "Black t-shirt").
  engine.registerFilter("noun", (v: unknown) => (typeof v === "string" ? lowerFirst(v) : v));
  // Every filter's result is counted and capped: LiquidJS counts most, not all (url_encode, escape, newline_to_br).
  for (const [name, impl] of Object.entries(engine.filters)) {
    const handler = (typeof impl === "function" ? impl : impl.handler) as (...a: unknown[]) => unknown;
    const numbers = FILTER_ARGUMENTS[name]?.numbers ?? [];
    const counted = function* (this: { context: Context }, ...args: unknown[]): Generator<unknown, unknown> {
      const budget = budgetOf(this.context);
      // A number from a variable that holds a text (truncate: color) is known only now; a written one is refused
      // when the template is read (checkFilters). args[0] is the value filtered.
      for (const k of numbers) {
        const arg = args[k + 1];
        if (arg !== undefined && !isNumberLike(arg)) {
          if (budget) budget.badArgument ??= { filter: name, value: arg };
          throw new Error(`the filter ${name} was given ${String(arg)} for a number`);
        }
      }
      // yield: LiquidJS runs a filter that is a generator (sort, map) and hands back its value.
      const out: unknown = yield handler.apply(this, args);
      // divided_by: 0 gave "Infinity" in a title and modulo: 0 "NaN": no such number reaches a listing.
      if (typeof out === "number" && !Number.isFinite(out)) {
        if (budget) budget.badNumber ??= { filter: name, value: out };
        throw new Error(`the filter ${name} gave ${out}`);
      }
      if (budget && (typeof out === "string" || Array.isArray(out))) {
        budget.charge(out.length);
        budget.text(out.length);
      }
      return out;
    };
    engine.registerFilter(name, typeof impl === "function" ? counted : { ...impl, handler: counted });
  }
  // Every output buffer (the template's and each {% capture %}'s) counts what is written to it: LiquidJS counts
  // neither, so {% capture s %}{{s}}{{s}}{% endcapture %} in a loop doubled a string to a gigabyte for free.
  const renderer = engine.renderer;
  const renderTemplates = renderer.renderTemplates.bind(renderer);
  renderer.renderTemplates = (templates, ctx, emitter) => {
    const budget = budgetOf(ctx);
    return renderTemplates(
      templates,
      ctx,
      emitter ?? (budget && new CappedEmitter(budget, liquid.toValue, lang)),
    );
  };
  return { engine, Context: liquid.Context, liquid };
}

/**
 * The filters that take arguments, with ones to show in a hint, and which of them (0-based) are numbers. `needed`:
 * called without one, Liquid's append and prepend failed ("append expect 2 arguments", hinted as an {% if %}
 * problem) and the others gave the value unchanged, "NaN" or 0. A text where a number goes made every title
 * "Vêtement ..." (truncate: 'abc').
 */
const FILTER_ARGUMENTS: Record<string, { example: string; needed: boolean; numbers?: number[] }> = {
  append: { example: '" x"', needed: true },
  prepend: { example: '"x "', needed: true },
  remove: { example: '"x"', needed: true },
  remove_first: { example: '"x"', needed: true },
  remove_last: { example: '"x"', needed: true },
  replace: { example: '"a", "b"', needed: true },
  replace_first: { example: '"a", "b"', needed: true },
  replace_last: { example: '"a", "b"', needed: true },
  split: { example: '","', needed: true },
  plus: { example: "1", needed: true, numbers: [0] },
  minus: { example: "1", needed: true, numbers: [0] },
  times: { example: "2", needed: true, numbers: [0] },
  divided_by: { example: "2", needed: true, numbers: [0] },
  modulo: { example: "2", needed: true, numbers: [0] },
  at_least: { example: "1", needed: true, numbers: [0] },
  at_most: { example: "100", needed: true, numbers: [0] },
  slice: { example: "0, 10", needed: true, numbers: [0, 1] },
  truncate: { example: "40", needed: false, numbers: [0] },
  truncatewords: { example: "5", needed: false, numbers: [0] },
  round: { example: "2", needed: false, numbers: [0] },
};

/** A number, or a text that is one ("12"): what Liquid's number filters compute with. */
function isNumberLike(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  return typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v));
}

/** Line and column (1-based) of `offset` in `text`. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
}

/**
 * Where the filter `name` used at `offset` of the parsed text (fromJinja's, whose lines and columns differ: comments
 * emptied, newlines after tags dropped) is in the file as written: the same use of `| name`, counted from the start
 * in both, comments left out. With no offset, its first use.
 */
function filterPlace(src: string, parsedText: string, name: string, offset?: number): string {
  const uses = (text: string) =>
    [...text.matchAll(new RegExp(`\\|\\s*${name}\\b`, "g"))].map((m) => m.index + m[0].length - name.length);
  const k = offset === undefined ? 0 : Math.max(0, uses(parsedText).indexOf(offset));
  const written = uses(dropComments(src, true))[k];
  return written === undefined ? "" : ` at ${lineColumn(src, written)}`;
}

/** The filters vbulk's templates may use, vbulk's and Jinja's names first. */
function filterList(engine: Liquid): string {
  const first = [
    "upper",
    "lower",
    "title",
    "noun",
    "default",
    "truncate",
    "append",
    "prepend",
    "replace",
    "trim",
  ];
  const rest = Object.keys(engine.filters)
    .filter((f) => !first.includes(f))
    .sort();
  return [...first, ...rest].join(", ");
}

type LiquidModule = typeof import("liquidjs");

/** Every filter a parsed template calls, in tags and outputs alike. */
function filtersIn(node: unknown, liquid: LiquidModule, out: InstanceType<LiquidModule["Filter"]>[] = []) {
  const seen = new Set<object>();
  const walk = (n: unknown) => {
    if (typeof n !== "object" || n === null || seen.has(n)) return;
    seen.add(n);
    if (n instanceof liquid.Filter) {
      out.push(n);
      return;
    }
    for (const [k, v] of Object.entries(n))
      if (!["liquid", "handler", "token", "tokenizer"].includes(k)) walk(v);
  };
  walk(node);
  return out;
}

/**
 * Refuses a filter called without the argument it needs, or given a written text where it takes a number, naming
 * the line and column. Throws BAD_INPUT.
 */
function checkFilters(
  parsed: Template[],
  src: string,
  parsedText: string,
  path: string,
  liquid: LiquidModule,
) {
  for (const f of filtersIn(parsed, liquid)) {
    // The filter's token is private in LiquidJS's types, but it is where the filter stands in the parsed text.
    const where = () =>
      `${filterPlace(src, parsedText, f.name, (f as unknown as { token: { begin: number } }).token.begin)} of ${path}`;
    const args = FILTER_ARGUMENTS[f.name];
    if (args?.needed && f.args.length === 0)
      throw new VbulkError(
        "BAD_INPUT",
        `Expected an argument for filter "${f.name}"${where()} but received none`,
        {
          hint: `Write it with its argument after a colon, e.g. {{ color | ${f.name}: ${args.example} }}. Nothing was written.`,
        },
      );
    for (const k of args?.numbers ?? []) {
      const arg = f.args[k];
      if (arg === undefined || Array.isArray(arg) || !liquid.TypeGuards.isQuotedToken(arg)) continue;
      const text = liquid.evalQuotedToken(arg);
      if (!isNumberLike(text))
        throw new VbulkError(
          "BAD_INPUT",
          `Expected a number for filter "${f.name}"${where()} but received ${JSON.stringify(printable(text))}`,
          {
            hint: `${f.name} takes a number there, e.g. {{ category | ${f.name}: ${args?.example} }}. Nothing was written.`,
          },
        );
    }
  }
}

/**
 * Jinja's `title` filter, for brand names: each word starts with a capital, and a word the seller wrote with a
 * capital in it is left as written. Words start, as in Jinja, after a space, a hyphen or an opening bracket, and
 * also after "&", "/", "." or "+" ("h&m" → "H&M"; never after an apostrophe or a digit: "levi's" → "Levi's",
 * "3xl" stays). Jinja also
 * lowercases the rest of each word ("H&M" → "H&m", "DKNY" → "Dkny", "McQueen" → "Mcqueen"), which spoils the
 * brand names sellers type; `{{ brand | lower | title }}` gives Jinja's result for a brand in capitals.
 */
export function titleCase(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return text.replace(/[^\s\-({[<&/.+]+/gu, (word) =>
    /\p{Lu}/u.test(word) ? word : word.replace(/^\p{Ll}/u, (c) => c.toUpperCase()),
  );
}

/**
 * The Jinja spellings the spec's templates may use that Liquid spells otherwise: `{% elif %}`, `{# … #}`
 * comments, filter arguments in brackets (`default('x')` → `default: 'x'`), and nunjucks' trimBlocks (the newline
 * right after a block tag or a comment is dropped). Everything else the spec documents is the same in both.
 * Throws (a plain Error, reported as a syntax error) on a comment that is not closed.
 */
export function fromJinja(src: string): string {
  return dropComments(src)
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
 * Jinja comments hold anything, template code included (`{# {{ size }} #}`, `{# {% if %} #}`): each becomes an
 * empty Liquid comment (keeping `{#-`/`-#}` whitespace control), with nothing of its body left to parse. A `{#`
 * inside a `{{ }}` or `{% %}` tag (in quotes) or between `{% raw %}` and `{% endraw %}` is no comment, as in Jinja.
 */
function dropComments(src: string, blank = false): string {
  const opening = /\{[{%#]/g;
  let out = "";
  let at = 0;
  for (let m = opening.exec(src); m; m = opening.exec(src)) {
    const start = m.index;
    out += src.slice(at, start);
    let end: number;
    if (m[0] === "{#") {
      const close = src.indexOf("#}", start + 2);
      if (close < 0)
        throw new Error(
          `the comment opened with {# at character ${start + 1} is not closed (it ends with #})`,
        );
      const body = src.slice(start + 2, close);
      // blank: the comment's characters as spaces (its line breaks kept), so that places in the text stay.
      if (blank) out += src.slice(start, close + 2).replace(/[^\n]/g, " ");
      else
        out += `{%${body.startsWith("-") ? "-" : ""} comment %}{% endcomment ${body.endsWith("-") && body.length > 1 ? "-" : ""}%}`;
      end = close + 2;
    } else {
      end = closingOf(src, start, m[0] === "{{" ? "}}" : "%}");
      const tag = src.slice(start, end);
      if (/^\{%-?\s*raw\s*-?%\}$/.test(tag)) {
        const endraw = /\{%-?\s*endraw\s*-?%\}/g;
        endraw.lastIndex = end;
        const e = endraw.exec(src);
        if (e) end = e.index + e[0].length;
      }
      out += src.slice(start, end);
    }
    at = end;
    opening.lastIndex = end;
  }
  return out + src.slice(at);
}

/** Where the tag opened at `start` ends (after `close`, quoted strings skipped), or the end of the text. */
function closingOf(src: string, start: number, close: string): number {
  let quote: string | null = null;
  for (let i = start + 2; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (src.startsWith(close, i)) return i + close.length;
  }
  return src.length;
}

/**
 * Refuses an expression that holds both `and` and `or`: Liquid groups them from the right with one precedence
 * (`size and 'avec' or 'sans'` is `size and ('avec' or 'sans')`), Jinja binds `and` first, so a template written
 * for Jinja would render something else without a word (an empty part of a title). Throws BAD_INPUT naming the line.
 */
function mixedAndOr(src: string, path: string): void {
  for (const m of src.matchAll(/\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g)) {
    const code = (m[1] ?? m[2] ?? "").replace(/'[^']*'|"[^"]*"/g, "''");
    if (!/\band\b/.test(code) || !/\bor\b/.test(code)) continue;
    const line = src.slice(0, m.index).split("\n").length;
    throw new VbulkError(
      "BAD_INPUT",
      `Expected ${path} to use "and" or "or" in one expression, not both, but line ${line} has ${m[0].replace(/\s+/g, " ").slice(0, 80)}`,
      {
        hint: "Jinja reads `a and b or c` as `(a and b) or c`, the template engine as `a and (b or c)`: write it with {% if a and b %}…{% else %}…{% endif %}. Nothing was written.",
      },
    );
  }
}

/**
 * Loads title.njk and description.njk from DIR/LANG (Jinja-like syntax, rendered by LiquidJS). Unknown variables
 * and syntax errors are errors naming the file (BAD_INPUT), never empty strings; a missing file is NOT_FOUND; a
 * folder, a device or a FIFO in its place, a link out of DIR, a file that is not UTF-8 or is over
 * DEFAULTS.templates.maxTemplateChars is BAD_INPUT (readTemplate).
 */
export async function loadTemplates(
  dir: string,
  lang: string,
  limits: TemplateLimits = DEFAULTS.templates,
): Promise<ListingTemplates> {
  const root = resolve(dir);
  const folder = join(root, lang);
  await checkLanguageFolder(root, lang);
  const { engine, Context, liquid } = await createEngine(limits, lang);
  const load = async (name: string, field: ListingTemplate["field"]): Promise<ListingTemplate> => {
    const path = join(folder, name);
    const src = await readTemplate(path, root, limits, lang);
    mixedAndOr(src, path);
    let parsed: Template[];
    let used: string[];
    let parsedText = "";
    try {
      parsedText = fromJinja(src);
      parsed = engine.parse(parsedText, path);
      used = engine.globalVariablesSync(parsed);
    } catch (err) {
      // Not a syntax error, and LiquidJS's "col:1" is where the {{ }} starts: said with the filter's place.
      const unknownFilter = /^undefined filter: (\w+)/.exec((err as Error).message)?.[1];
      if (unknownFilter)
        throw new VbulkError(
          "BAD_INPUT",
          `Expected a filter vbulk knows but received unknown filter "${unknownFilter}"${filterPlace(src, parsedText, unknownFilter)} of ${path}`,
          { hint: `Filters: ${filterList(engine)}. Nothing was written.` },
        );
      throw new VbulkError(
        "BAD_INPUT",
        `Expected a valid template in ${path} but it has a syntax error: ${oneLine(err)}`,
        {
          hint: "Templates use Jinja-like syntax: {{ variable }}, {% if size %}…{% endif %}, {{ brand | upper }}.",
        },
      );
    }
    checkFilters(parsed, src, parsedText, path, liquid);
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
    // A property of a variable ({{ brand.name }}) rendered nothing where the variable was empty and failed where
    // it was not: the same templates passed for one batch and failed for the next. Every variable is a plain
    // text or number; `.size` (its length) is the one property Liquid gives them.
    const properties = [...new Set(engine.globalFullVariablesSync(parsed))]
      .filter((v) => /[.[]/.test(v) && !/^\w+\.size$/.test(v))
      .sort();
    if (properties.length) {
      throw new VbulkError(
        "BAD_INPUT",
        `Expected plain variables in ${path} but it uses ${properties.map((v) => `{{ ${v} }}`).join(", ")}`,
        {
          hint: `Variables are plain texts and numbers, with no properties (only .size, a text's length): write ${[...new Set(properties.map((v) => `{{ ${v.split(/[.[]/)[0]} }}`))].join(", ")}. Known variables: ${TEMPLATE_VARIABLES.join(", ")}.`,
        },
      );
    }
    return { engine, parsed, field, limits, Context };
  };
  return {
    title: await load("title.njk", "title"),
    description: await load("description.njk", "description"),
    dir: folder,
  };
}

/**
 * A templates folder without the language's sub-folder says which, and why: `--templates DIR/fr` (the language
 * folder itself) looked for DIR/fr/fr/title.njk, and `--lang en` with only DIR/fr said to copy the French
 * defaults. A missing folder is left to readTemplate. Throws NOT_FOUND, or BAD_INPUT for a file in the folder's place.
 */
async function checkLanguageFolder(root: string, lang: string): Promise<void> {
  const found = await stat(root).catch(() => null);
  // A file given for the folder (catalog.json, a template) was "a file in the way … could not read …/fr/title.njk".
  if (found && !found.isDirectory())
    throw new VbulkError(
      "BAD_INPUT",
      `Expected a templates folder for --templates (or env VBULK_TEMPLATES) but ${printable(root)} is a file`,
      {
        hint: `Pass the folder that holds fr/ and en/ (each with title.njk and description.njk); copy ${DEFAULT_TEMPLATES} to start from the defaults. Nothing was written.`,
      },
    );
  if (found?.isDirectory() !== true) return;
  if ((await stat(join(root, lang)).catch(() => null)) !== null) return;
  const inRoot = await readdir(root, { withFileTypes: true }).catch(() => []);
  const langs = inRoot
    .filter((e) => e.isDirectory() && (LANGUAGES as readonly string[]).includes(e.name))
    .map((e) => `${e.name}/`);
  if (inRoot.some((e) => e.name === "title.njk" || e.name === "description.njk"))
    throw new VbulkError(
      "NOT_FOUND",
      `Expected a templates folder holding one folder per language (${lang}/title.njk) at ${printable(root)} but it holds title.njk itself`,
      {
        hint: `Pass the folder that holds fr/ and en/${(LANGUAGES as readonly string[]).includes(basename(root)) ? `: --templates ${printable(dirname(root))}` : `, or move these files into ${printable(join(root, lang))}`}. Nothing was written.`,
      },
    );
  throw new VbulkError(
    "NOT_FOUND",
    `Expected a folder ${lang}/ (for --lang ${lang}) in the templates folder ${printable(root)} but it has ${langs.length ? `only ${langs.join(", ")}` : "none"}`,
    {
      hint: `Copy ${join(DEFAULT_TEMPLATES, lang)} to ${printable(join(root, lang))} to start from the defaults${langs.length ? `, or plan in another language (--lang ${langs[0]!.slice(0, -1)})` : ""}. Nothing was written.`,
    },
  );
}

/** What a file that is no regular file is, for a message ("a character device"). */
function kindOf(info: Stats): string {
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isSocket()) return "a socket";
  return "something that is no regular file";
}

/**
 * Reads a template: a regular UTF-8 text file of at most limits.maxTemplateChars characters inside the templates
 * folder `root`. Templates are shared (a ZIP restores links), so a device, a FIFO or a link out of the folder is
 * refused before it is opened: /dev/zero was read until node ran out of memory, a FIFO blocked `plan` for ever
 * while it held the plan lock, and a link to ~/.ssh/id_rsa put its text in a listing sent to Vinted. The bytes
 * read are capped whatever stat says (a device's size is 0; a file may grow meanwhile). Throws NOT_FOUND for a
 * missing file, BAD_INPUT (naming the file) for anything else it will not read.
 */
async function readTemplate(
  path: string,
  root: string,
  limits: TemplateLimits,
  lang: string,
): Promise<string> {
  const hint = `Copy ${join(DEFAULT_TEMPLATES, lang)} to start from the defaults (--templates DIR, one folder per language).`;
  const maxBytes = limits.maxTemplateChars * 4; // a character is at most 4 bytes in UTF-8
  const tooLong = (size: string) =>
    new VbulkError(
      "BAD_INPUT",
      `Expected a template of at most ${limits.maxTemplateChars} characters at ${printable(path)} but it holds ${size}`,
      {
        hint: "A title is at most 100 characters and a description 2000 (Vinted's limits): is this the right file?",
      },
    );
  const notRegular = (info: Stats, real: string) =>
    new VbulkError(
      "BAD_INPUT",
      `Expected a regular text file of at most ${limits.maxTemplateChars} characters at ${printable(path)} but found ${kindOf(info)} there${real === path ? "" : ` (${printable(real)})`}`,
      {
        hint: `A template is a text file: replace it with a copy of the template it should be (e.g. ${join(DEFAULT_TEMPLATES, lang, basename(path))}). Nothing was written.`,
      },
    );
  let bytes: Buffer;
  try {
    // stat follows links: what the template is, without opening it (opening a FIFO waits for a writer).
    const info = await stat(path);
    if (info.isDirectory())
      throw new VbulkError(
        "BAD_INPUT",
        `Expected a template file at ${printable(path)} but found a folder there`,
        {
          hint: `title.njk and description.njk are files: move that folder away and put the template there. ${hint}`,
        },
      );
    const real = await realpath(path);
    if (!info.isFile()) throw notRegular(info, real);
    const realRoot = await realpath(root);
    const inside = relative(realRoot, real);
    if (!inside || inside.startsWith("..") || isAbsolute(inside)) {
      const folder = await folderLinkOut(root, realRoot, path);
      if (folder) throw folder;
      throw new VbulkError(
        "BAD_INPUT",
        `Expected a template inside the templates folder ${printable(root)} but ${printable(path)} is a link to ${printable(real)}, outside it`,
        {
          hint: "A shared templates folder could otherwise put any file of yours in a listing sent to Vinted: copy the file into the templates folder instead of linking to it. Nothing was written.",
        },
      );
    }
    if (info.size > maxBytes) throw tooLong(`${info.size} bytes`);
    bytes = await readRegularAtMost(
      real,
      maxBytes,
      (opened) => notRegular(opened, real),
      () => tooLong(`over ${maxBytes} bytes`),
    );
  } catch (err) {
    if (err instanceof VbulkError) throw err;
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === "ENOENT")
      throw new VbulkError("NOT_FOUND", `Expected a template at ${printable(path)} but found no file there`, {
        hint,
      });
    const typed = fileSystemError(err, path, "read", hint);
    if (typed instanceof VbulkError) throw typed;
    throw new VbulkError("BAD_FILE", `Could not read ${printable(path)} (${code ?? messageOf(err)})`, {
      hint,
      cause: err,
    });
  }
  const src = decodeUtf8(bytes, path);
  if (src.length > limits.maxTemplateChars) throw tooLong(`${src.length}`);
  if (!src.trim()) throw await emptyTemplate(path, lang, bytes.length, src);
  return src;
}

/**
 * The refusal of a template file with no text (0 bytes, or only spaces and line breaks): it rendered nothing, and
 * the hint for that ("keep a part outside {% if … %}") spoke of parts and an {% if %} the file did not have.
 */
async function emptyTemplate(path: string, lang: string, size: number, src: string): Promise<VbulkError> {
  const name = basename(path);
  const fallback = join(DEFAULT_TEMPLATES, lang, name);
  const title = name === "title.njk";
  // The default title is one line: shown as it is. A description is several: a short example instead.
  const example = title
    ? (await readFile(fallback, "utf8").catch(() => "")).trim().split("\n")[0] ||
      "{{ category }} {{ color }} ({{ condition }})"
    : "{{ category }} {{ color }}. {{ condition_sentence }}";
  const said =
    size === 0
      ? "is empty (0 bytes)"
      : src.length === 0
        ? "is empty (only a byte-order mark)"
        : "holds only spaces and line breaks";
  return new VbulkError(
    "BAD_INPUT",
    `Expected a template at ${printable(path)} but the file ${said}: every ${title ? "title" : "description"} would be empty`,
    {
      hint: `Write the ${title ? "title" : "description"} in it as text with variables, e.g. ${example}; or start from vbulk's default: cp ${shellWord(fallback)} ${shellWord(path)}. Nothing was written.`,
    },
  );
}

/**
 * The refusal for a language folder (DIR/fr) that is itself a link out of the templates folder, or null when the
 * way from `root` to `path` holds no such folder (the file itself is the link). Named for what it is: blamed on
 * title.njk, "…/fr/title.njk is a link…, copy the file", the seller looked for a link among plain files.
 */
async function folderLinkOut(root: string, realRoot: string, path: string): Promise<VbulkError | null> {
  let at = root;
  for (const part of relative(root, dirname(path)).split(sep).filter(Boolean)) {
    at = join(at, part);
    if (!(await lstat(at)).isSymbolicLink()) continue;
    const real = await realpath(at);
    const rel = relative(realRoot, real);
    if (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) continue;
    const name = relative(root, at);
    const parent =
      basename(real) === name
        ? ` or pass the folder that holds it: --templates ${shellWord(dirname(real))};`
        : "";
    return new VbulkError(
      "BAD_INPUT",
      `Expected the language folder ${printable(name)}/ inside the templates folder ${printable(root)} but ${printable(at)} is a link to the folder ${printable(real)}, outside it`,
      {
        hint: `Its templates would be read from outside the folder you gave (a shared templates folder could otherwise put any file of yours in a listing sent to Vinted). Replace the link with a copy of that folder: rm ${shellWord(at)} && cp -r ${shellWord(real)} ${shellWord(at)};${parent} then run the same command again. Nothing was written.`,
      },
    );
  }
  return null;
}

function oneLine(err: unknown): string {
  return (err as Error).message.split("\n")[0]!.replace(/\s+/g, " ").trim();
}

/**
 * Renders a template for one article. Throws BAD_INPUT naming the template file when it fails, when it goes over
 * a limit (DEFAULTS.templates: the limit is named) and when it renders nothing (a title or description must say
 * something; the template, not the article, is the cause).
 */
export function render(t: ListingTemplate, ctx: TemplateContext, name: string): string {
  const budget = new RenderBudget(t.limits);
  let text: string;
  try {
    // A null-prototype copy: nothing reachable from the context leads to Object.prototype.
    const scope = Object.assign(Object.create(null) as Record<string, unknown>, ctx);
    const context = new t.Context(
      scope,
      t.engine.options,
      { sync: true },
      {
        liquid: t.engine,
        memoryLimit: budget.memoryLimit as unknown as Context["memoryLimit"],
        renderLimit: budget.renderLimit as unknown as Context["renderLimit"],
      },
    );
    text = String(t.engine.renderSync(t.parsed, context)).trim();
  } catch (err) {
    if (budget.badNumber)
      throw new VbulkError(
        "BAD_INPUT",
        `Expected ${name} to render a finite number for ${ctx.id} but its filter ${budget.badNumber.filter} gave ${budget.badNumber.value}`,
        {
          hint: "A division by zero (divided_by: 0, modulo: 0) gives no number: divide only by a number that is never 0. Nothing was written.",
        },
      );
    if (budget.badArgument)
      throw new VbulkError(
        "BAD_INPUT",
        `Expected a number for filter "${budget.badArgument.filter}" in ${name} (for ${ctx.id}) but received ${JSON.stringify(printable(String(budget.badArgument.value)))}`,
        {
          hint: `${budget.badArgument.filter} takes a number there: a number written in the template (e.g. ${budget.badArgument.filter}: 40), or {{ price }}. Nothing was written.`,
        },
      );
    if (budget.over) {
      const l = t.limits;
      throw new VbulkError(
        "BAD_INPUT",
        `Expected ${name} to render within vbulk's template limits for ${ctx.id} but it ${budget.over}`,
        {
          hint: `Titles are cut to 100 characters and descriptions to 2000 (Vinted's limits); for each article a template may build no text over ${l.maxTextChars} characters, write and filter ${l.maxRenderChars} in all and take ${l.maxRenderSteps} steps. Nothing was written.`,
        },
      );
    }
    // An unknown variable at render time: a property of a variable ({{ category.foo }}: each is a plain text or
    // number) or a name no check before could see; the hint about empty variables did not fit either.
    const undefinedVar = /undefined variable: ([^,\s]+)/.exec((err as Error).message)?.[1];
    const property = undefinedVar && /[.[]/.test(undefinedVar);
    throw new VbulkError(
      "BAD_INPUT",
      `Expected ${name} to render for ${ctx.id} but it failed: ${oneLine(err)}`,
      {
        hint: undefinedVar
          ? `${property ? `Variables are plain texts and numbers, with no properties: write {{ ${undefinedVar.split(/[.[]/)[0]} }}. ` : ""}Known variables: ${TEMPLATE_VARIABLES.join(", ")}. Nothing was written.`
          : "A variable that can be empty (size, brand) needs {% if … %} around it; loops must stay small. Nothing was written.",
      },
    );
  }
  // Control characters never reach a listing (listingText): a template rendering only those rendered nothing.
  if (!listingText(text, true))
    throw new VbulkError(
      "BAD_INPUT",
      `Expected ${name} to render a ${t.field} for ${ctx.id} but it rendered nothing${text ? " but control characters" : ""}`,
      {
        hint: `With this article's values (size and brand may be empty) every part of the template was left out: keep a part outside {% if … %}, e.g. {{ category }}. Nothing was written.`,
      },
    );
  return text;
}
/** Cuts text to at most `max` characters on a word boundary, adding "…"; says whether it cut. */
export function capText(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  const room = text.slice(0, max - 1);
  const at = room.search(/\s\S*$/);
  const head = (at > max * 0.5 ? room.slice(0, at) : room).trimEnd();
  return { text: `${head}…`, cut: true };
}
