import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import type { Config } from "../core/config.js";
import { DEFAULTS } from "../core/defaults.js";
import { VbulkError } from "../core/errors.js";
import { isAlive } from "../core/process.js";
import { shellWord, vbulkAs } from "../core/text.js";
import type { StorageState } from "./session.js";
import { watchStart } from "./start-watch.js";

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

/** The macOS apps, each `<name>.app/Contents/MacOS/<name>`. */
const MAC_APPS = ["Google Chrome", "Chromium", "Microsoft Edge"];

/**
 * Where Chrome, Chromium and Edge install themselves on Linux, macOS and Windows (first found wins). On macOS, a
 * seller who is not an administrator gets Chrome in ~/Applications, not /Applications: `vbulk login` said
 * NOT_FOUND there.
 */
export function candidates(env: NodeJS.ProcessEnv, home: string = homedir()): string[] {
  const win = [env.PROGRAMFILES, env["PROGRAMFILES(X86)"], env.LOCALAPPDATA].filter(Boolean) as string[];
  return [
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/usr/bin/microsoft-edge",
    ...["/Applications", join(home, "Applications")].flatMap((apps) =>
      MAC_APPS.map((app) => join(apps, `${app}.app`, "Contents", "MacOS", app)),
    ),
    ...win.flatMap((d) => [
      join(d, "Google", "Chrome", "Application", "chrome.exe"),
      join(d, "Microsoft", "Edge", "Application", "msedge.exe"),
    ]),
  ];
}

/**
 * The folder `npx playwright-core install chromium` downloads into: PLAYWRIGHT_BROWSERS_PATH ("0": inside
 * playwright-core's own package), else Playwright's cache folder (the same rules as playwright-core's registry).
 */
export function playwrightBrowsersDir(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.PLAYWRIGHT_BROWSERS_PATH;
  if (set === "0")
    return join(
      dirname(createRequire(import.meta.url).resolve("playwright-core/package.json")),
      ".local-browsers",
    );
  if (set) return set;
  const home = env.HOME || env.USERPROFILE || homedir();
  if (process.platform === "darwin") return join(home, "Library", "Caches", "ms-playwright");
  if (process.platform === "win32")
    return join(env.LOCALAPPDATA || join(home, "AppData", "Local"), "ms-playwright");
  return join(env.XDG_CACHE_HOME || join(home, ".cache"), "ms-playwright");
}

/** Where a Playwright build keeps the executable inside chromium-<revision>/ (current builds first, then older). */
const PLAYWRIGHT_EXECUTABLES = [
  ["chrome-linux64", "chrome"],
  ["chrome-linux-arm64", "chrome"],
  ["chrome-linux", "chrome"],
  ["chrome-mac-arm64", "Google Chrome for Testing.app", "Contents", "MacOS", "Google Chrome for Testing"],
  ["chrome-mac-x64", "Google Chrome for Testing.app", "Contents", "MacOS", "Google Chrome for Testing"],
  ["chrome-mac", "Chromium.app", "Contents", "MacOS", "Chromium"],
  ["chrome-win64", "chrome.exe"],
  ["chrome-win", "chrome.exe"],
];

/** The Chromium executables installed in Playwright's folder, newest revision first (none: []). */
export function playwrightChromium(env: NodeJS.ProcessEnv = process.env): string[] {
  const root = playwrightBrowsersDir(env);
  let builds: string[];
  try {
    builds = readdirSync(root).filter((d) => /^chromium-\d+$/.test(d));
  } catch {
    return [];
  }
  builds.sort((a, b) => Number(b.slice(9)) - Number(a.slice(9)));
  return builds.flatMap((b) => PLAYWRIGHT_EXECUTABLES.map((parts) => join(root, b, ...parts)));
}

/**
 * The installed browser to drive, the user's own kind (vinted.md: working tools drive an installed Chrome):
 * VBULK_CHROMIUM_PATH; else the Chromium in PLAYWRIGHT_BROWSERS_PATH when that is set (said on purpose); else the
 * first Chrome, Chromium or Edge found; else the Chromium `npx playwright-core install chromium` put in
 * Playwright's cache folder (README Install). Undefined when there is none.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.VBULK_CHROMIUM_PATH) return env.VBULK_CHROMIUM_PATH;
  const playwright = () => playwrightChromium(env).find((p) => existsSync(p));
  if (env.PLAYWRIGHT_BROWSERS_PATH) {
    const found = playwright();
    if (found) return found;
  }
  return candidates(env).find((p) => existsSync(p)) ?? playwright();
}

/** What to do when the browser does not start. */
const START_HINT =
  "Check that this browser opens by hand, or point VBULK_CHROMIUM_PATH at another Chrome/Chromium/Edge.";

/** Whether a window can be shown: Linux needs an X or Wayland display; macOS and Windows always have one. */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== "linux") return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** This process's command line as a person would type it again (`vbulk execute ./photos --yes`), for a hint. */
function sameCommand(): string {
  return [vbulkAs(), ...process.argv.slice(2).map((w) => shellWord(w))].join(" ");
}

/**
 * The "no display" error (NO_DISPLAY, exit 2; auth check makes it 1). The window is kept on purpose (Vinted blocks
 * headless browsers), so the hint gives what works without a screen: the same command under a virtual display,
 * except for a login, which needs a person at a screen anyway.
 */
function noDisplay(why: string, forPerson: boolean): VbulkError {
  const headlessRisk =
    '--headless (VBULK_HEADLESS=1) needs no display, but Vinted is likely to block a headless browser ("Ta session a été bloquée"): it is meant for tests.';
  return new VbulkError("NO_DISPLAY", `Expected a display for the browser window but ${why}`, {
    hint: forPerson
      ? `Run \`vbulk login\` in your desktop session (or over ssh -X): you log in by hand in that window. ${headlessRisk}`
      : `On a server or from cron, run it under a virtual display: xvfb-run -a ${sameCommand()} (Debian/Ubuntu: apt-get install xvfb); on a desktop, from a terminal of your session. ${headlessRisk}`,
    context: { browser: true },
  });
}

/** The time limits of one browser run (config's execute section; DEFAULTS when none is given). */
export type BrowserLimits = Pick<
  Config["execute"],
  "timeoutMs" | "launchTimeoutMs" | "closeTimeoutMs" | "browserCheckMs" | "launchCheckMs"
>;

/** A launched browser and the means to end it whatever state it is in. */
export interface BrowserHandle {
  browser: Browser;
  context: BrowserContext;
  /** Rejects with BROWSER_LOST once the browser's process has ended or Playwright lost it: race long steps
   *  against it, because a call in flight when the browser dies may otherwise never settle. */
  lost: Promise<never>;
  /** Whether the browser still runs and Playwright is still connected to it. */
  alive(): boolean;
  /** What to throw for `err`, raised by a step in the browser: BROWSER_LOST when the browser is gone (checked
   *  now: Playwright's "has been closed" can arrive before the watch notices), `err` itself otherwise. */
  failure(err: unknown): unknown;
  /** Closes the browser within limits.closeTimeoutMs, then kills whatever of it is left. Never throws. */
  close(): Promise<void>;
}

/** `promise`, or `fallback` once `ms` have passed (or it rejects): a step that may never settle, bounded. */
export async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Kills the browser and every process it started. Playwright starts it as the leader of its own process group
 * (detached), so the group holds its renderers, GPU process, crash reporter and whatever a launcher script
 * started: a leftover member can hold the browser's pipes open, and Playwright then waits on them for ever.
 */
export function killBrowser(pid: number): void {
  if (process.platform === "win32") {
    spawnSync("taskkill", ["/pid", String(pid), "/T", "/F"], { windowsHide: true, timeout: 5000 });
    return;
  }
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // No such group (a launcher that forks instead of exec'ing): the process itself, if it still runs.
    try {
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
}

/** The browser's own process id, asked over CDP (Playwright does not expose it); undefined when it cannot say. */
async function browserPid(browser: Browser, ms: number): Promise<number | undefined> {
  const ask = async () => {
    const cdp = await browser.newBrowserCDPSession();
    const info = (await cdp.send("SystemInfo.getProcessInfo")) as {
      processInfo: { type: string; id: number }[];
    };
    await cdp.detach().catch(() => {});
    return info.processInfo.find((p) => p.type === "browser")?.id;
  };
  return within(ask(), ms, undefined);
}

/**
 * Wraps a launched browser: watches that its process still runs, and closes it within limits. `pid` undefined
 * (the browser would not say) leaves only Playwright's own disconnect to notice a death, and nothing to kill.
 */
export function handleFor(
  browser: Browser,
  context: BrowserContext,
  pid: number | undefined,
  limits: Pick<BrowserLimits, "closeTimeoutMs" | "browserCheckMs">,
): BrowserHandle {
  let gone: string | null = null;
  let lostError: VbulkError | null = null;
  let fail: (err: VbulkError) => void = () => {};
  const lost = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // Nobody may be racing against it yet: a rejection no one awaits must not end the process.
  lost.catch(() => {});
  const markGone = (why: string) => {
    if (gone) return;
    gone = why;
    clearInterval(watch);
    lostError = new VbulkError(
      "BROWSER_LOST",
      `Expected the browser to stay open until vbulk was done but ${why}: vbulk stopped there`,
      {
        hint: "Run the same command again (execute resumes where it stopped). If it keeps happening, check that the browser opens by hand and that the machine has free memory.",
      },
    );
    fail(lostError);
  };
  const check = () => {
    if (pid !== undefined && !isAlive(pid)) markGone(`its process (${pid}) ended`);
  };
  // Kept referenced: until close() clears it, it is what ends a run whose other handles all wait on a dead browser.
  const watch = setInterval(check, limits.browserCheckMs);
  browser.on("disconnected", () => markGone("it closed"));
  let closing: Promise<void> | null = null;
  return {
    browser,
    context,
    lost,
    alive: () => gone === null,
    failure(err) {
      if (!gone) check();
      if (!gone && /has been closed|has disconnected/i.test((err as Error)?.message ?? ""))
        markGone("it closed");
      return lostError ?? err;
    },
    close() {
      closing ??= (async () => {
        const wasGone = gone !== null;
        clearInterval(watch);
        gone ??= "vbulk closed it";
        const closed =
          !wasGone &&
          (await within(
            browser.close().then(() => true),
            limits.closeTimeoutMs,
            false,
          ));
        // A browser that died, or did not close in time, is killed with whatever it started: a cron run must
        // end, and must not leave a browser or its helpers behind. One that closed is left alone: its process id
        // is free again and may already name another process.
        if (!closed && pid !== undefined) killBrowser(pid);
      })();
      return closing;
    },
  };
}

/** Throws NO_DISPLAY when a window is needed (not `headless`) and there is no display to show it on. */
export function checkDisplay(headless: boolean, forPerson = false): void {
  if (!headless && !hasDisplay())
    throw noDisplay("there is none (DISPLAY and WAYLAND_DISPLAY are unset)", forPerson);
}

/**
 * Launches the installed browser, headed unless `headless`, with the saved state. Playwright's own SIGINT/SIGTERM/
 * SIGHUP handlers are off: vbulk decides what Ctrl-C does (finish the write in flight, journal it, exit 130), the
 * browser must not close under it first (Playwright starts it in its own process group, so a terminal's Ctrl-C
 * does not reach it directly). Throws NO_DISPLAY when a window is needed and there is no display, NOT_FOUND when no browser is installed, VBULK_CHROMIUM_PATH is wrong, or the browser does not start
 * within limits.launchTimeoutMs or dies while it starts (seen within limits.launchCheckMs on Linux), BROWSER_LOST when it starts but opens no window within limits.timeoutMs.
 */
export async function openBrowser(opts: {
  headless: boolean;
  state?: StorageState;
  limits?: BrowserLimits;
  /** A person must use the window (login): the no-display hint does not offer a virtual display. */
  forPerson?: boolean;
}): Promise<BrowserHandle> {
  const limits = opts.limits ?? DEFAULTS.execute;
  checkDisplay(opts.headless, opts.forPerson);
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new VbulkError(
      "NOT_FOUND",
      `Expected an installed Chrome, Chromium or Edge but found none in the usual places nor in Playwright's folder (${playwrightBrowsersDir()})`,
      {
        hint: "Install Google Chrome (or Chromium), or run `npx playwright-core install --no-shell chromium` in vbulk's folder, or set VBULK_CHROMIUM_PATH to the browser's executable.",
        context: { browser: true },
      },
    );
  if (!existsSync(executablePath))
    throw new VbulkError(
      "NOT_FOUND",
      `Expected a browser executable at VBULK_CHROMIUM_PATH but received "${executablePath}", which does not exist`,
      {
        hint: "Fix VBULK_CHROMIUM_PATH, or unset it to use the Chrome/Chromium/Edge found on this machine.",
        context: { browser: true },
      },
    );
  // A browser that dies while it starts is seen within launchCheckMs, not after the launch timeout (start-watch.ts).
  const start = watchStart(limits.launchCheckMs);
  const died = start.ended.then((gone): never => {
    killBrowser(gone);
    throw new VbulkError(
      "NOT_FOUND",
      `Expected to start the browser at ${executablePath} but its process (${gone}) ended while it started`,
      { hint: START_HINT, context: { browser: true } },
    );
  });
  died.catch(() => {});
  try {
    const launch = playwright().chromium.launch({
      headless: opts.headless,
      executablePath,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: limits.launchTimeoutMs,
      args: [...QUIET_FLAGS, ...(process.getuid?.() === 0 ? ["--no-sandbox"] : [])],
    });
    // Given up on (it died meanwhile): a launch that still ends is closed, a failure is already said.
    const abandon = () => launch.then((b) => b.close()).catch(() => {});
    let browser: Browser;
    try {
      browser = await Promise.race([launch, died]);
    } catch (err) {
      abandon();
      if (err instanceof VbulkError) throw err;
      const first = (err as Error).message.split("\n")[0] ?? "";
      if (/display|X server|ozone/i.test((err as Error).message))
        throw noDisplay(`the browser could not open one (${first})`, opts.forPerson === true);
      throw new VbulkError(
        "NOT_FOUND",
        `Expected to start the browser at ${executablePath} but it failed (${first})`,
        { hint: START_HINT, context: { browser: true } },
      );
    }
    let pid: number | undefined;
    let context: BrowserContext | null;
    try {
      pid = (await Promise.race([browserPid(browser, limits.closeTimeoutMs), died])) ?? start.pid();
      context = await Promise.race([
        within(
          browser.newContext({ storageState: opts.state as never, locale: "fr-FR" }),
          limits.timeoutMs,
          null,
        ),
        died,
      ]);
    } catch (err) {
      abandon();
      throw err;
    }
    if (!context) {
      await handleFor(browser, null as never, pid, limits).close();
      throw new VbulkError(
        "BROWSER_LOST",
        `Expected the browser at ${executablePath} to open a window within ${limits.timeoutMs} ms but it did not`,
        { hint: "Check that this browser opens by hand, then run the same command again." },
      );
    }
    return handleFor(browser, context, pid, limits);
  } finally {
    start.stop();
  }
}
