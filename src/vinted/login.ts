import type { Page } from "playwright-core";
import { VbulkError } from "../core/errors.js";
import { openBrowser } from "./browser.js";
import { saveSession } from "./session.js";

/**
 * Opens Vinted in the installed browser (headed unless `headless`); the seller logs in by hand (password, Google,
 * captcha: whatever Vinted asks). Once `GET /api/v2/users/current` from inside the page names a user (vinted.md),
 * the browser state is saved encrypted. `drive` lets a test play the seller's part. Throws NOT_LOGGED_IN if the
 * window is closed or time runs out; BAD_USAGE when there is no display for the window.
 */
export async function login(opts: {
  baseUrl: string;
  headless: boolean;
  timeoutMs: number;
  drive?: (page: Page) => Promise<void>;
}): Promise<{ path: string; login: string }> {
  const { browser, context } = await openBrowser({ headless: opts.headless });
  try {
    const page = await context.newPage();
    await page.goto(new URL("/", opts.baseUrl).toString()).catch((err: Error) => {
      throw new VbulkError("NETWORK", `Could not reach ${opts.baseUrl} (${err.message.split("\n")[0]})`, {
        hint: "Check your connection and VBULK_VINTED_URL (default https://www.vinted.fr).",
      });
    });
    if (opts.drive) await opts.drive(page);
    const until = Date.now() + opts.timeoutMs;
    while (Date.now() < until) {
      if (page.isClosed() || !browser.isConnected()) break;
      const user = await page
        .evaluate(async () => {
          const r = await fetch("/api/v2/users/current", {
            credentials: "include",
            headers: { accept: "application/json" },
          });
          if (!r.ok) return null;
          const j = (await r.json().catch(() => null)) as { user?: { id?: number; login?: string } } | null;
          return j?.user?.id ? (j.user.login ?? String(j.user.id)) : null;
        })
        .catch(() => null);
      if (user) return { path: await saveSession((await context.storageState()) as never), login: user };
      await page.waitForTimeout(1000).catch(() => {});
    }
    throw new VbulkError(
      "NOT_LOGGED_IN",
      "Expected a login in the browser window but the window was closed or the time ran out",
      { hint: "Run `vbulk login` again and finish logging in; vbulk waits up to 10 minutes." },
    );
  } finally {
    await browser.close().catch(() => {});
  }
}
