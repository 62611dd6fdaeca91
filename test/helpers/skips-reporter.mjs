// A node:test reporter, run beside `spec` by `npm test`. It ends the run with ONE line naming the tests skipped
// because a system tool is missing and the command that installs what they need. Those skip reasons come from
// needTool() in needs.ts: "needs <tool>: …; apt-get install -y <package>…". Plain JavaScript because node loads
// reporters before `--import tsx` applies. Silent when nothing was skipped for a missing tool.
import { basename } from "node:path";

export default async function* skipsReporter(source) {
  const names = [];
  const tools = new Set();
  const packages = new Set();
  for await (const event of source) {
    const skip = event.data?.skip;
    if (event.type !== "test:pass" || typeof skip !== "string") continue;
    const tool = /^needs ([\w-]+)/.exec(skip);
    if (!tool) continue;
    tools.add(tool[1]);
    const pkg = /apt-get install -y (\S+?)[,;)]?(\s|$)/.exec(skip);
    if (pkg) packages.add(pkg[1]);
    names.push(`${event.data.file ? `${basename(event.data.file)}: ` : ""}${event.data.name}`);
  }
  if (names.length === 0) return;
  yield `\nSKIPPED ${names.length} for want of ${[...tools].join(", ")}: ${names.join("; ")}. Install: apt-get install -y ${[...packages].join(" ")} (then npm test; with CI=true these fail)\n`;
}
