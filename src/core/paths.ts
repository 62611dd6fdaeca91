import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package's root folder (where package.json, models/, templates/ and dist/ are). Every module sits two
 * folders below it, whether run from source (src/core/), compiled (dist/core/) or bundled (dist/bundle/), so
 * the same relative step finds it.
 */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The nearest folder that exists above a path that does not (a typo one level down: "./photo" for "./photos"). */
export async function nearestFolder(path: string): Promise<string> {
  let up = dirname(resolve(path));
  while (up !== dirname(up) && !(await stat(up).catch(() => null))?.isDirectory()) up = dirname(up);
  return up;
}
