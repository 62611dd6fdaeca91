import type { Page } from "playwright-core";
import { DEFAULTS } from "../core/defaults.js";
import { VbulkError } from "../core/errors.js";
import { type BrowserLimits, openBrowser, within } from "./browser.js";
import { saveSession } from "./session.js";

/** The cookie a Vinted login sets (vinted.md "Sessions are cookies (`access_token_web`, `refresh_token_web`, …)"). */
const SESSION_COOKIE = "access_token_web";

/**
 * Opens Vinted in the installed browser (headed unless `headless`); the seller logs in by hand (password, Google,
 * captcha: whatever Vinted asks). vbulk watches the browser's own cookies meanwhile, which sends nothing to Vinted;
 * once the session cookie appears (or changes), one `GET /api/v2/users/current` from inside the page checks it
 * (vinted.md), and when it names a user the browser state is saved encrypted. A slow recheck every
 * `loginRecheckMs` covers a login whose cookie is named otherwise. `drive` lets a test play the seller's part. Throws NOT_LOGGED_IN if the
 * window is closed, the browser dies or time runs out; NO_DISPLAY when there is no display for the window. Every
 * step is bounded (`limits`, DEFAULTS.execute when not given), closing the browser included.
 */
export async function login(opts: {
  baseUrl: string;
  headless: boolean;
  timeoutMs: number;
  drive?: (page: Page) => Promise<void>;
  limits?: BrowserLimits & { tabGraceMs?: number; loginRecheckMs?: number };
}): Promise<{ path: string; login: string }> {
  const limits = opts.limits ?? DEFAULTS.execute;
  const handle = await openBrowser({ headless: opts.headless, limits, forPerson: true });
  const { context } = handle;
  // Each step in the browser, ended by the browser's loss: a call in flight when it dies may never settle.
  const step = <T>(p: Promise<T>) => Promise.race([p, handle.lost]);
  try {
    const page = await step(context.newPage());
    const home = new URL("/", opts.baseUrl).toString();
    await step(page.goto(home, { timeout: limits.timeoutMs })).catch((err: Error) => {
      if ((err as VbulkError).code === "BROWSER_LOST") throw err;
      throw new VbulkError("NETWORK", `Could not reach ${opts.baseUrl} (${err.message.split("\n")[0]})`, {
        hint: "Check your connection and VBULK_VINTED_URL (default https://www.vinted.fr).",
      });
    });
    if (opts.drive) await step(opts.drive(page));
    const until = Date.now() + opts.timeoutMs;
    const recheckMs = limits.loginRecheckMs ?? DEFAULTS.execute.loginRecheckMs;
    // The session cookie's value last checked, and when the last check was: a check is one request to Vinted.
    let checked: string | null = null;
    let lastCheck = Date.now();
    const bound = () =>
      Math.max(
        0,
        Math.min(limits.timeoutMs + (limits.tabGraceMs ?? DEFAULTS.execute.tabGraceMs), until - Date.now()),
      );
    while (Date.now() < until) {
      if (page.isClosed() || !handle.alive()) break;
      // The login is watched in the browser itself, not by asking Vinted: the old loop asked users/current every
      // second for up to 10 minutes while the seller logged in, the moment DataDome watches most closely
      // (idx:69052908732: "Sign-in … Protected by DataDome"; the same capture saw "HTTP 429 appeared at under one
      // fetch per second", on item pages).
      const cookie =
        (await step(within(context.cookies(home), bound(), [])).catch(() => [])).find(
          (c) => c.name === SESSION_COOKIE,
        )?.value ?? null;
      const fresh = cookie !== null && cookie !== checked;
      if (!fresh && Date.now() - lastCheck < recheckMs) {
        await step(page.waitForTimeout(1000)).catch(() => {});
        continue;
      }
      lastCheck = Date.now();
      // Bounded like the tab's calls (timeoutMs in the page, tabGraceMs more for the tab) and by the deadline:
      // an answer that never comes must not keep the loop from checking the time (it hung for ever).
      const ask = page.evaluate(async (ms) => {
        const r = await fetch("/api/v2/users/current", {
          credentials: "include",
          headers: { accept: "application/json" },
          signal: AbortSignal.timeout(ms),
        });
        if (!r.ok) return { user: null };
        const j = (await r.json().catch(() => null)) as { user?: { id?: number; login?: string } } | null;
        return { user: j?.user?.id ? (j.user.login ?? String(j.user.id)) : null };
      }, limits.timeoutMs);
      const answer = await step(within(ask, bound(), null)).catch(() => null);
      // Only an answer settles this cookie. A check cut off before any answer (Vinted's login sets the cookie with
      // a redirect, and a check started in between dies with the page it ran in) is asked again next second: it
      // used to count as checked, so a seller who had logged in waited loginRecheckMs, past the deadline in tests.
      if (answer) checked = cookie;
      if (answer?.user)
        return { path: await saveSession((await step(context.storageState())) as never), login: answer.user };
      await step(page.waitForTimeout(1000)).catch(() => {});
    }
    throw closed();
  } catch (err) {
    // The seller closing the window is the usual way a browser goes: the message below says what to do.
    if ((err as VbulkError).code === "BROWSER_LOST" || !handle.alive()) throw closed();
    throw err;
  } finally {
    await handle.close();
  }
}

function closed(): VbulkError {
  return new VbulkError(
    "NOT_LOGGED_IN",
    "Expected a login in the browser window but the window was closed or the time ran out",
    { hint: "Run `vbulk login` again and finish logging in; vbulk waits up to 10 minutes." },
  );
}
