import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import nunjucks from "nunjucks";
import { VbulkError } from "../core/errors.js";

export const DEFAULT_TEMPLATES = resolve(dirname(fileURLToPath(import.meta.url)), "../../templates");

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

export interface ListingTemplates {
  title: nunjucks.Template;
  description: nunjucks.Template;
  dir: string;
}

/**
 * Loads title.njk and description.njk from DIR/LANG (Jinja syntax, rendered by nunjucks). Unknown variables and
 * syntax errors are errors naming the file (BAD_INPUT), never empty strings.
 */
export async function loadTemplates(dir: string, lang: string): Promise<ListingTemplates> {
  const folder = join(resolve(dir), lang);
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, trimBlocks: true });
  const load = async (name: string) => {
    const path = join(folder, name);
    const src = await readFile(path, "utf8").catch(() => {
      throw new VbulkError("NOT_FOUND", `Expected a template at ${path} but found no file there`, {
        hint: `Copy ${join(DEFAULT_TEMPLATES, "fr")} to start from the defaults (--templates DIR, one folder per language).`,
      });
    });
    let ast: AstNode;
    try {
      ast = (nunjucks as unknown as { parser: { parse(s: string): AstNode } }).parser.parse(src);
    } catch (err) {
      throw new VbulkError(
        "BAD_INPUT",
        `Expected a valid template in ${path} but it has a syntax error: ${(err as Error).message.replace(/\s+/g, " ").trim()}`,
        {
          hint: "Templates use Jinja syntax: {{ variable }}, {% if size %}…{% endif %}.",
        },
      );
    }
    const unknown = unknownVariables(ast);
    if (unknown.length) {
      throw new VbulkError(
        "BAD_INPUT",
        `Expected only known variables in ${path} but it uses ${unknown.map((u) => `{{ ${u} }}`).join(", ")}`,
        {
          hint: `Known variables: ${TEMPLATE_VARIABLES.join(", ")}.`,
        },
      );
    }
    return new nunjucks.Template(src, env, path, true);
  };
  return { title: await load("title.njk"), description: await load("description.njk"), dir: folder };
}

/** The bit of nunjucks' (untyped) parser AST that is used here. */
interface AstNode {
  findAll(type: unknown): { value?: string; name?: { value?: string }; targets?: { value: string }[] }[];
}

function unknownVariables(ast: AstNode): string[] {
  const n = (nunjucks as unknown as { nodes: Record<string, unknown> }).nodes;
  const all = (type: string) => ast.findAll(n[type]);
  const local = new Set<string>([
    ...all("Filter").map((f) => f.name?.value ?? ""),
    ...all("For").map((f) => f.name?.value ?? ""),
    ...all("Set").flatMap((s) => (s.targets ?? []).map((t) => t.value)),
  ]);
  const used = new Set(all("Symbol").map((s) => s.value ?? ""));
  return [...used]
    .filter((u) => u && !local.has(u) && !(TEMPLATE_VARIABLES as readonly string[]).includes(u))
    .sort();
}

/** Renders a template; a runtime failure names the template file. */
export function render(t: nunjucks.Template, ctx: TemplateContext, name: string): string {
  try {
    return t.render(ctx).trim();
  } catch (err) {
    throw new VbulkError(
      "BAD_INPUT",
      `Expected ${name} to render but it failed: ${(err as Error).message.replace(/\s+/g, " ").trim()}`,
      {
        hint: "A variable that can be empty (size, brand) needs {% if … %} around it.",
      },
    );
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
