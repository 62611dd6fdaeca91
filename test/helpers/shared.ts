import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** ../shared beside the repository (read in place, never copied). VBULK_SHARED_DIR overrides it. */
export const SHARED = resolve(process.env.VBULK_SHARED_DIR ?? join(REPO, "..", "shared"));

/**
 * For tests that need ../shared: returns a `skip` reason when it is absent outside CI, and throws in CI
 * (CI=true), where its absence is a failure, not a skip.
 */
export function needShared(...parts: string[]): string | false {
  const path = join(SHARED, ...parts);
  if (existsSync(path)) return false;
  if (process.env.CI === "true")
    throw new Error(`CI: ${path} is missing; tests that need ../shared cannot run`);
  return `skipped: ${path} not found (../shared is needed for this test)`;
}

export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}

/** Minimal RFC-4180 CSV reader (quoted fields, commas inside quotes) → rows of objects by header. */
export function readCsv(path: string): Record<string, string>[] {
  const text = readFileSync(path, "utf8");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      field = "";
      if (row.some((f) => f !== "")) rows.push(row);
      row = [];
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ""])));
}
