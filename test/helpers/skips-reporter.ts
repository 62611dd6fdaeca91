import { basename } from "node:path";
import { INSTALL_COMMAND, TOOLS } from "./needs.js";

interface TestEvent {
  type: string;
  data: { name?: string; skip?: string | boolean; file?: string };
}

/**
 * A node:test reporter (run beside `spec` by `npm test`) that ends the run with ONE line naming the tests
 * skipped because a system tool is missing (reasons start "needs <tool>", see needs.ts) and the command that
 * installs what they need. Silent when nothing was skipped for that reason.
 */
export default async function* skipsReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const skipped = new Map<string, Set<string>>();
  for await (const event of source) {
    const { skip, name, file } = event.data ?? {};
    if (event.type !== "test:pass" || typeof skip !== "string") continue;
    const tool = Object.keys(TOOLS).find((t) => skip.startsWith(`needs ${t}`));
    if (!tool) continue;
    const where = `${file ? `${basename(file)}: ` : ""}${name ?? "?"}`;
    skipped.set(tool, (skipped.get(tool) ?? new Set()).add(where));
  }
  if (skipped.size === 0) return;
  const names = [...new Set([...skipped.values()].flatMap((s) => [...s]))];
  yield `\nSKIPPED ${names.length} (missing ${[...skipped.keys()].join(", ")}): ${names.join("; ")}. Install: ${INSTALL_COMMAND} (then npm test; CI=true makes these failures)\n`;
}
