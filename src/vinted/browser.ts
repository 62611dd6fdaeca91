import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { VbulkError } from "../core/errors.js";
import type { StorageState } from "./session.js";

// Loaded when a browser is needed, not at start-up: importing playwright-core cost every command (ingest and
// status included) ~0.4 s of CPU (node --cpu-prof of `vbulk --version`, issue 8).
const playwright = () =>
  createRequire(import.meta.url)("playwright-core") as typeof import("playwright-core");

/** Flags that keep the browser from calling home on its own (updates, sync) while vbulk drives it. */
const QUIET_FLAGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-sync",
];

/** Where Chrome, Chromium and Edge install themselves on Linux, macOS and Windows (first found wins). */
function candidates(env: NodeJS.ProcessEnv): string[] {
  const win = [env.PROGRAMFILES, env["PROGRAMFILES(X86)"], env.LOCALAPPDATA].filter(Boolean) as string[];
  return [
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/usr/bin/microsoft-edge",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    ...win.flatMap((d) => [
      join(d, "Google", "Chrome", "Application", "chrome.exe"),
      join(d, "Microsoft", "Edge", "Application", "msedge.exe"),
    ]),
  ];
}

/**
 * The installed browser to drive, the user's own kind (vinted.md: working tools drive an installed Chrome):
 * VBULK_CHROMIUM_PATH, else the first Chrome, Chromium or Edge found. Undefined when there is none.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.VBULK_CHROMIUM_PATH) return env.VBULK_CHROMIUM_PATH;
  return candidates(env).find((p) => existsSync(p));
}

/** Whether a window can be shown: Linux needs an X or Wayland display; macOS and Windows always have one. */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== "linux") return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * Launches the installed browser, headed unless `headless`, with the saved state. Playwright's own SIGINT/SIGTERM/
 * SIGHUP handlers are off: vbulk decides what Ctrl-C does (finish the write in flight, journal it, exit 130), the
 * browser must not close under it first (Playwright starts it in its own process group, so a terminal's Ctrl-C
 * does not reach it directly). Throws NO_DISPLAY-style BAD_USAGE when a window is needed and there is no
 * display, NOT_FOUND when no browser is installed or VBULK_CHROMIUM_PATH is wrong.
 */
export async function openBrowser(opts: {
  headless: boolean;
  state?: StorageState;
}): Promise<{ browser: Browser; context: BrowserContext }> {
  if (!opts.headless && !hasDisplay())
    throw new VbulkError(
      "BAD_USAGE",
      "Expected a display for the browser window but there is none (DISPLAY and WAYLAND_DISPLAY are unset)",
      {
        hint: "Run vbulk on your desktop session (or ssh -X). Headless (--headless / VBULK_HEADLESS=1) works for tests but Vinted is likely to block it.",
      },
    );
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new VbulkError(
      "NOT_FOUND",
      "Expected an installed Chrome, Chromium or Edge but found none in the usual places",
      {
        hint: "Install Google Chrome (or Chromium), or set VBULK_CHROMIUM_PATH to the browser's executable.",
      },
    );
  if (!existsSync(executablePath))
    throw new VbulkError(
      "NOT_FOUND",
      `Expected a browser executable at VBULK_CHROMIUM_PATH but received "${executablePath}", which does not exist`,
      { hint: "Fix VBULK_CHROMIUM_PATH, or unset it to use the Chrome/Chromium/Edge found on this machine." },
    );
  let browser: Browser;
  try {
    browser = await playwright().chromium.launch({
      headless: opts.headless,
      executablePath,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: [...QUIET_FLAGS, ...(process.getuid?.() === 0 ? ["--no-sandbox"] : [])],
    });
  } catch (err) {
    const first = (err as Error).message.split("\n")[0] ?? "";
    if (/display|X server|ozone/i.test((err as Error).message))
      throw new VbulkError(
        "BAD_USAGE",
        `Expected a display for the browser window but the browser could not open one (${first})`,
        { hint: "Run vbulk on your desktop session (or ssh -X)." },
      );
    throw new VbulkError(
      "NOT_FOUND",
      `Expected to start the browser at ${executablePath} but it failed (${first})`,
      {
        hint: "Check that this browser opens by hand, or point VBULK_CHROMIUM_PATH at another Chrome/Chromium/Edge.",
      },
    );
  }
  const context = await browser.newContext({ storageState: opts.state as never, locale: "fr-FR" });
  return { browser, context };
}
