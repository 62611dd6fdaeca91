import { readFile } from "node:fs/promises";
import type { z } from "zod";
import { VbulkError } from "../core/errors.js";

/**
 * Reads a JSON file vbulk wrote (or a user edited, or a data file) and validates it. Throws NOT_FOUND when
 * missing (hint: `hint`), BAD_INPUT when it does not parse, and BAD_INPUT naming the file and the first bad field
 * ("items[2].price: expected number, received string").
 */
export async function readJsonFile<T extends z.ZodType>(
  path: string,
  schema: T,
  what: string,
  hint: string,
): Promise<z.infer<T>> {
  const text = await readFile(path, "utf8").catch(() => {
    throw new VbulkError("NOT_FOUND", `Expected a ${what} at ${path} but found no file there`, { hint });
  });
  return parseJsonText(text, schema, path, hint);
}

/** Like readJsonFile, but a missing file is null (a plan not written yet, a cache). */
export async function readJsonFileIfAny<T extends z.ZodType>(
  path: string,
  schema: T,
  hint: string,
): Promise<z.infer<T> | null> {
  const text = await readFile(path, "utf8").catch(() => null);
  return text === null ? null : parseJsonText(text, schema, path, hint);
}

function parseJsonText<T extends z.ZodType>(text: string, schema: T, path: string, hint: string): z.infer<T> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new VbulkError(
      "BAD_INPUT",
      `Expected valid JSON in ${path} but it does not parse (${(err as Error).message})`,
      {
        hint: `Fix the JSON syntax (a missing comma or quote is usual). ${hint}`,
      },
    );
  }
  return parseWith(schema, data, path, hint);
}

/** Validates data with a zod schema; BAD_INPUT naming where (file) and which field when it does not fit. */
export function parseWith<T extends z.ZodType>(
  schema: T,
  data: unknown,
  where: string,
  hint: string,
): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new VbulkError("BAD_INPUT", `Invalid ${where}: ${issues.join("; ")}`, { hint, context: { issues } });
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("");
}
