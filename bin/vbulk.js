#!/usr/bin/env node
// The CLI is bundled into dist/bundle/ (`npm run build`; npm test builds too). A fresh clone has none yet: say so
// instead of Node's ERR_MODULE_NOT_FOUND stack.
import { existsSync } from "node:fs";

const cli = new URL("../dist/bundle/cli.js", import.meta.url);
if (!existsSync(cli)) {
  console.error(
    `vbulk is not built yet: run \`npm run build\` in ${new URL("..", import.meta.url).pathname} (npm test builds it too)`,
  );
  process.exit(1);
}
await import(cli.href);
