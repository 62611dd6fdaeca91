import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { chromiumPath } from "../../src/vinted/browser.js";
import { FIXTURES } from "./run.js";

/**
 * System tools some tests need, and the Debian package that brings each. A missing tool skips the tests that
 * need it with a reason starting "needs <tool>", which test/helpers/skips-reporter.mjs gathers into one line
 * at the end of `npm test`; in CI (CI=true) it is a failure instead.
 */
export const TOOLS = {
  chromium: { pkg: "chromium", why: "drives the local Vinted replica" },
  "heif-enc": { pkg: "libheif-examples", why: "makes the HEIC fixture" },
} as const;
export type Tool = keyof typeof TOOLS;

/** The one command that installs every tool the tests need (also what .ci/run does). */
export const INSTALL_COMMAND = `apt-get install -y ${Object.values(TOOLS)
  .map((t) => t.pkg)
  .join(" ")}`;

/** The Chromium the tests drive, or undefined; a VBULK_CHROMIUM_PATH that does not exist counts as missing. */
export function testChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = chromiumPath(env);
  if (path) return existsSync(path) ? path : undefined;
  if (env.VBULK_CHROMIUM_PATH !== undefined) return undefined;
  try {
    const managed = chromium.executablePath();
    return managed && existsSync(managed) ? managed : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the HEIC fixture exists (fixtures/generate.ts makes it only when heif-enc is installed). */
export const heicFixture = () => existsSync(join(FIXTURES, "heic", "IMG_0001.heic"));

/**
 * `skip` option for tests that need a system tool: false when it is there; a reason naming the tool and its
 * package when it is not; in CI a thrown error, because there its absence must fail the run, not hide tests.
 */
export function needTool(tool: Tool): string | false {
  const present = tool === "chromium" ? testChromium() !== undefined : heicFixture();
  if (present) return false;
  const { pkg, why } = TOOLS[tool];
  if (process.env.CI === "true")
    throw new Error(`CI: ${tool} is missing (it ${why}); install it: apt-get install -y ${pkg}`);
  return tool === "chromium"
    ? `needs chromium: none found (VBULK_CHROMIUM_PATH, Playwright's, /usr/bin/chromium); apt-get install -y ${pkg}`
    : `needs heif-enc: no HEIC fixture; apt-get install -y ${pkg}, then npm run fixtures`;
}
