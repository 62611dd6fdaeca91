import { createRequire } from "node:module";
import { join } from "node:path";
import { PACKAGE_ROOT } from "./paths.js";

/** vbulk's version, from package.json (one source of truth). */
export const VERSION: string = (
  createRequire(import.meta.url)(join(PACKAGE_ROOT, "package.json")) as { version: string }
).version;
