import { createRequire } from "node:module";

/** vbulk's version, from package.json (one source of truth). */
export const VERSION: string = (createRequire(import.meta.url)("../../package.json") as { version: string })
  .version;
