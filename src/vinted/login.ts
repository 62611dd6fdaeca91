import type { Page } from "playwright-core";
import { VbulkError } from "../core/errors.js";
import { openBrowser } from "./browser.js";
import type { Selectors } from "./selectors.js";
import { saveSession } from "./session.js";

/**
 * Opens Vinted's login page in a visible Chromium; the seller logs in by hand (password, Google, captcha:
 * whatever Vinted asks). When the logged-in marker appears, the browser state is saved encrypted.
 * `drive` lets a test play the seller's part. Throws NOT_LOGGED_IN if the window is closed or time runs out.
 */
export async function login(opts: {
  baseUrl: string;
  selectors: Selectors;
  headed: boolean;
  timeoutMs: number;
  drive?: (page: Page) => Promise<void>;
}): Promise<string> {
  const { browser, context } = await openBrowser({ headed: opts.headed });
  try {
    const page = await context.newPage();
    await page.goto(new URL(opts.selectors.paths.login, opts.baseUrl).toString());
    if (opts.drive) await opts.drive(page);
    const until = Date.now() + opts.timeoutMs;
    while (Date.now() < until) {
      if (page.isClosed() || !browser.isConnected()) break;
      if (
        (await page
          .locator(opts.selectors.session.loggedIn)
          .count()
          .catch(() => 0)) > 0
      ) {
        return await saveSession((await context.storageState()) as never);
      }
      await page.waitForTimeout(500).catch(() => {});
    }
    throw new VbulkError(
      "NOT_LOGGED_IN",
      "Expected a login in the browser window but the window was closed or the time ran out",
      {
        hint: "Run `vbulk login` again and finish logging in; vbulk waits up to 10 minutes.",
      },
    );
  } finally {
    await browser.close().catch(() => {});
  }
}
