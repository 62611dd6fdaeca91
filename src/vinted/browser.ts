import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { VbulkError } from "../core/errors.js";
import type { StorageState } from "./session.js";

/** Flags that keep a system Chromium from calling home (and failing on closed networks). */
const QUIET_FLAGS = [
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

/** The Chromium to drive: VBULK_CHROMIUM_PATH, else Playwright's managed one, else a system Chromium. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.VBULK_CHROMIUM_PATH) return env.VBULK_CHROMIUM_PATH;
  try {
    const managed = chromium.executablePath();
    if (managed && existsSync(managed)) return undefined;
  } catch {
    // no managed browser
  }
  return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p) =>
    existsSync(p),
  );
}

/**
 * Launches Chromium (headless unless `headed`) with the saved browser state. Throws BROWSER_MISSING with how to
 * install one.
 */
export async function openBrowser(opts: {
  headed: boolean;
  state?: StorageState;
}): Promise<{ browser: Browser; context: BrowserContext }> {
  const executablePath = chromiumPath();
  let browser: Browser;
  try {
    browser = await chromium.launch({
      headless: !opts.headed,
      executablePath,
      args: [...QUIET_FLAGS, ...(process.getuid?.() === 0 ? ["--no-sandbox"] : [])],
    });
  } catch (err) {
    throw new VbulkError(
      "NOT_FOUND",
      `Expected a Chromium to drive but none could be started (${(err as Error).message.split("\n")[0]})`,
      {
        hint: "Install one: `npx playwright install chromium`, or a system Chromium and VBULK_CHROMIUM_PATH=/usr/bin/chromium.",
      },
    );
  }
  const context = await browser.newContext({ storageState: opts.state as never, locale: "fr-FR" });
  return { browser, context };
}
