import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package's root folder (where package.json, models/, templates/ and dist/ are). Every module sits two
 * folders below it, whether run from source (src/core/), compiled (dist/core/) or bundled (dist/bundle/), so
 * the same relative step finds it.
 */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
