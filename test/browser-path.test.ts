import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { candidates, playwrightBrowsersDir, playwrightChromium } from "../src/vinted/browser.js";
import { tempDir } from "./helpers/run.js";

describe("the Chromium `npx playwright-core install chromium` installs (README Install)", {
  skip: process.platform !== "linux" ? "Playwright's folder layout is checked on Linux" : false,
}, () => {
  it("is found in Playwright's cache folder (~/.cache/ms-playwright), the newest revision first", async () => {
    const home = await tempDir("vbulk-home-");
    const root = join(home, ".cache", "ms-playwright");
    const older = join(root, "chromium-1100", "chrome-linux", "chrome");
    const newer = join(root, "chromium-1255", "chrome-linux64", "chrome");
    for (const exe of [older, newer]) {
      await mkdir(join(exe, ".."), { recursive: true });
      await writeFile(exe, "#!/bin/sh\n", { mode: 0o755 });
    }
    // The headless shell Playwright installs beside it is no browser window: never picked.
    await mkdir(join(root, "chromium_headless_shell-1255", "chrome-headless-shell-linux64"), {
      recursive: true,
    });
    const env = { HOME: home };
    assert.equal(playwrightBrowsersDir(env), root);
    const found = playwrightChromium(env).filter((p) => p === older || p === newer);
    assert.deepEqual(found, [newer, older]);
    assert.equal(playwrightBrowsersDir({ HOME: home, XDG_CACHE_HOME: "/x" }), "/x/ms-playwright");
    assert.equal(playwrightBrowsersDir({ HOME: home, PLAYWRIGHT_BROWSERS_PATH: "/y" }), "/y");
    assert.deepEqual(playwrightChromium({ PLAYWRIGHT_BROWSERS_PATH: join(home, "none") }), []);
  });
});

// Audit portability 12: on macOS, Chrome installed by a seller who is not an administrator goes to ~/Applications,
// which was never looked at: `vbulk login` said NOT_FOUND.
describe("where an installed browser is looked for", () => {
  it("on macOS, in ~/Applications too, after /Applications", () => {
    const list = candidates({}, "/Users/marie");
    const system = list.indexOf("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome");
    for (const app of ["Google Chrome", "Chromium", "Microsoft Edge"]) {
      const mine = list.indexOf(`/Users/marie/Applications/${app}.app/Contents/MacOS/${app}`);
      assert.ok(mine > system, `${app} in ~/Applications: ${list.join("\n")}`);
    }
  });
});
