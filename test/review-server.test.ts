import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { copyFile, readFile, symlink, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { savePlanWithChanges } from "../src/review/actions.js";
import { type ReviewServer, startReviewServer } from "../src/review/server.js";
import { takeExecuteLock } from "../src/vinted/pacing.js";
import { saveSession } from "../src/vinted/session.js";
import { catalogFixture } from "./helpers/catalog.js";
import { needTool, testChromium } from "./helpers/needs.js";
import { writePausedPacing } from "./helpers/pacing.js";
import { FIXTURES, tempDir } from "./helpers/run.js";
import { VintedReplica } from "./replica/server.js";

// The review server's own safety checks, in this process: who may use it, what it takes to publish from the page,
// and what a pause or another run refuses. test/e2e/review.test.ts drives the same through Chromium, but its tests
// depend on each other and take minutes; a mutation audit of the review server found each check here held by no
// fast test, and some by no test at all.

const TOKEN = "server-test-token-0123456789";

/** A raw request, as a browser or another program sends it (fetch would not let a test choose Host). */
function raw(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers: opts.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** The review server on `dir` for `fn`; its runs stopped and it closed after, whatever `fn` does. */
async function withServer<T>(dir: string, fn: (server: ReviewServer) => Promise<T>): Promise<T> {
  const server = await startReviewServer({ dir, source: dir, token: TOKEN, port: 0 });
  try {
    return await fn(server);
  } finally {
    await server.stopRuns("the test's end");
    await server.close();
  }
}

/** What the page sends: JSON with the token header. */
async function post(server: ReviewServer, path: string, body: unknown) {
  const r = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Vbulk-Token": TOKEN },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function get(server: ReviewServer, path: string) {
  const r = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers: { "X-Vbulk-Token": TOKEN } });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** process.env with `vars` set for the length of `fn` (the server reads VBULK_CONFIG_DIR & co. when asked). */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const was = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(was)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * A folder whose plan has four ready hoodies: c1 marked « Publier » with a brand (goes public), c2 marked without a
 * brand (Vinted would not publish it), c3 with a brand not marked, c4 marked and already published (journal.json).
 */
async function plannedFolder(): Promise<string> {
  const dir = await tempDir("vbulk-review-server-");
  const files = ["IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg", "IMG_0004.jpg"];
  for (const f of files) await copyFile(join(FIXTURES, "grouping", f), join(dir, f));
  const women = { name: "femme" as const, score: 0.95 };
  await catalogFixture(
    files.map((f) => ({ category: "hoodie", color: "noir", photos: [f], department: women })),
    dir,
    { content: true },
  );
  const set = (id: string, field: string, value: string) => ({ id, field, value });
  await savePlanWithChanges(dir, [
    ...["c1", "c2", "c3", "c4"].map((id) => set(id, "size", "M")),
    ...["c1", "c3", "c4"].map((id) => set(id, "brand", "Zara")),
    ...["c1", "c2", "c4"].map((id) => set(id, "publish", "true")),
  ]);
  const at = "2026-11-29T10:00:00.000Z";
  await writeFile(
    join(dir, "journal.json"),
    JSON.stringify({
      schemaVersion: 2,
      site: process.env.VBULK_VINTED_URL ?? "https://www.vinted.fr",
      items: { c4: { photos: {}, publish: { state: "done", at } } },
    }),
  );
  return dir;
}

/** A Vinted config folder whose pacing.json pauses every write for an hour (a captcha answered by Vinted). */
async function pausedConfig(): Promise<{ configDir: string; until: string }> {
  const configDir = await tempDir("vbulk-review-server-config-");
  const until = await writePausedPacing(configDir);
  return { configDir, until };
}

/** Nothing was started from the page: no run, no journal entry for it, no status file. */
async function assertNothingStarted(server: ReviewServer, dir: string, journalBefore: string) {
  const { body } = await get(server, "/api/status");
  assert.equal(body.job, null, `no run: ${JSON.stringify(body.job)}`);
  assert.equal(body.status, null, "no status file");
  assert.equal(await readFile(join(dir, "journal.json"), "utf8"), journalBefore, "journal.json unchanged");
}

describe("who may use the review server", () => {
  it("listens on 127.0.0.1 only: another machine on the network cannot reach the page", async () => {
    const dir = await catalogFixture([{ category: "hoodie", color: "noir", photos: ["a.jpg"] }]);
    await withServer(dir, async (server) => {
      const address = server.server.address();
      assert.ok(address && typeof address === "object");
      assert.equal(address.address, "127.0.0.1");
    });
  });

  it("answers only the printed link: no token, a wrong one, another Host or another site's Origin get 403 and change nothing", async () => {
    const dir = await catalogFixture([
      { category: "hoodie", color: "noir", photos: ["a.jpg"] },
      { category: "hoodie", color: "bleu", photos: ["b.jpg"] },
    ]);
    await withServer(dir, async (server) => {
      const { port } = server;
      const page = `127.0.0.1:${port}`;
      // The token of the printed link, in the URL or the page's header: the catalog.
      assert.equal((await raw(port, `/api/state?t=${TOKEN}`, { headers: { Host: page } })).status, 200);
      assert.equal(
        (await raw(port, "/api/state", { headers: { Host: `localhost:${port}`, "X-Vbulk-Token": TOKEN } }))
          .status,
        200,
      );
      const refused = [
        { path: "/api/state", headers: { Host: page } },
        { path: "/", headers: { Host: page } },
        // A token of the right length but not this run's.
        { path: `/api/state?t=${"x".repeat(TOKEN.length)}`, headers: { Host: page } },
        { path: `/api/state?t=${TOKEN}x`, headers: { Host: page } },
        // DNS rebinding: another site's name resolving to 127.0.0.1 sends its own Host.
        { path: `/api/state?t=${TOKEN}`, headers: { Host: `attacker.example:${port}` } },
        { path: `/api/state?t=${TOKEN}`, headers: { Host: `127.0.0.1:${port + 1}` } },
      ];
      for (const r of refused) {
        const answer = await raw(port, r.path, { headers: r.headers });
        assert.equal(answer.status, 403, JSON.stringify(r));
        assert.doesNotMatch(answer.body, /a\.jpg|hoodie/, "nothing of the catalog");
      }
      // A write with the token from a page of another site (the token sits in the URL: history, screenshots).
      const merge = JSON.stringify({ op: "merge", a: "a", b: "b" });
      for (const origin of ["https://evil.example", "null", `http://127.0.0.1:${port + 1}`]) {
        const answer = await raw(port, "/api/decide", {
          method: "POST",
          headers: {
            Host: page,
            Origin: origin,
            "Content-Type": "application/json",
            "X-Vbulk-Token": TOKEN,
          },
          body: merge,
        });
        assert.equal(answer.status, 403, origin);
        assert.match(answer.body, /Origin header is/);
      }
      assert.equal(existsSync(join(dir, "decisions.json")), false, "no decision recorded");
      // The page's own origins pass (the request then fails for its own reasons, not for its origin).
      for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
        const answer = await raw(port, `/api/state?t=${TOKEN}`, { headers: { Host: page, Origin: origin } });
        assert.equal(answer.status, 200, origin);
      }
    });
  });
});

describe("what the review server serves", () => {
  it("no file outside the folder through a symlink in it, even one the catalog names as a photo (403)", async () => {
    const outside = await tempDir("vbulk-review-server-private-");
    await copyFile(join(FIXTURES, "grouping", "IMG_0001.jpg"), join(outside, "private.jpg"));
    const dir = await tempDir("vbulk-review-server-");
    await symlink(join(outside, "private.jpg"), join(dir, "link.jpg"));
    await catalogFixture([{ category: "hoodie", color: "noir", photos: ["link.jpg"] }], dir, {
      content: true,
    });
    const catalog = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8")) as {
      photos: { sha256: string }[];
    };
    const sha = catalog.photos[0]!.sha256;
    await withServer(dir, async (server) => {
      for (const what of ["photo", "thumb"]) {
        const r = await raw(server.port, `/${what}/${sha}?t=${TOKEN}`, {
          headers: { Host: `127.0.0.1:${server.port}` },
        });
        assert.equal(r.status, 403, `${what}: ${r.body.slice(0, 80)}`);
        assert.match(r.body, /outside the folder/);
      }
    });
  });
});

describe("publishing from the review page", () => {
  let configDir: string;
  before(async () => {
    // Every write paused: whatever the server lets through, no browser opens and nothing can reach Vinted.
    ({ configDir } = await pausedConfig());
  });
  const env = () => ({ VBULK_CONFIG_DIR: configDir });

  it("the list of what goes public holds only the articles marked « Publier », with a brand, not published yet", async () => {
    const dir = await plannedFolder();
    await withServer(dir, async (server) => {
      const { body } = await get(server, "/api/publish-preview");
      assert.deepEqual(
        (body.items as { id: string }[]).map((i) => i.id),
        ["c1"],
      );
      assert.equal(body.phrase, "publier 1");
    });
  });

  it("with the switch on, nothing is sent without the typed phrase, nor when the list changed since shown", async () => {
    const dir = await plannedFolder();
    const journal = await readFile(join(dir, "journal.json"), "utf8");
    await withEnv(env(), () =>
      withServer(dir, async (server) => {
        const shown = (await get(server, "/api/publish-preview")).body.items;
        for (const confirmation of [undefined, "", "publier", "publier 2", "publish 4", "oui"]) {
          const r = await post(server, "/api/execute", { publish: true, confirmation, shown });
          assert.equal(r.status, 400, `${confirmation}: ${JSON.stringify(r.body)}`);
          assert.deepEqual(r.body.confirmation, { code: "PHRASE", shown: 1 });
          await assertNothingStarted(server, dir, journal);
        }
        // The phrase for the list the page showed, while a terminal marked c3 too: not the list shown.
        await savePlanWithChanges(dir, [{ id: "c3", field: "publish", value: "true" }]);
        const r = await post(server, "/api/execute", { publish: true, confirmation: "publier 1", shown });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.deepEqual(r.body.confirmation, { code: "LIST_CHANGED", shown: 1 });
        await assertNothingStarted(server, dir, journal);
      }),
    );
  });

  it("the phrase is taken in either language and however it is capitalised (then the pause refuses the run)", async () => {
    const dir = await plannedFolder();
    await withEnv(env(), () =>
      withServer(dir, async (server) => {
        const shown = (await get(server, "/api/publish-preview")).body.items;
        for (const confirmation of ["publier 1", "publish 1", " Publier 1 ", "PUBLISH 1"]) {
          const r = await post(server, "/api/execute", { publish: true, confirmation, shown });
          // Past the confirmation: the pause in force is what refuses it.
          assert.equal(r.status, 409, `${confirmation}: ${JSON.stringify(r.body)}`);
          assert.equal(r.body.code, "CHALLENGE");
        }
      }),
    );
  });
});

describe("« Créer les brouillons » while every write is paused (a captcha)", () => {
  it("is refused (409) with the pause's end, and nothing starts", async () => {
    const { configDir, until } = await pausedConfig();
    const dir = await plannedFolder();
    const journal = await readFile(join(dir, "journal.json"), "utf8");
    await withEnv({ VBULK_CONFIG_DIR: configDir }, () =>
      withServer(dir, async (server) => {
        const r = await post(server, "/api/execute", { publish: false });
        assert.equal(r.status, 409, JSON.stringify(r.body));
        assert.equal(r.body.code, "CHALLENGE");
        assert.match(
          String(r.body.error),
          /^Every write is paused until .*captcha \(DataDome\).*nothing was sent/,
        );
        // Its end as data: the page says it in the seller's own clock.
        assert.deepEqual(r.body.pause, { until, kind: "challenge" });
        await assertNothingStarted(server, dir, journal);
      }),
    );
  });
});

describe("« Créer les brouillons » while a terminal's `vbulk execute` runs on the account", () => {
  it("is refused, saying one runs, and nothing starts: the write budget is the account's", async () => {
    const configDir = await tempDir("vbulk-review-server-config-");
    const dir = await plannedFolder();
    const journal = await readFile(join(dir, "journal.json"), "utf8");
    const release = await takeExecuteLock(configDir, "/elsewhere/photos");
    try {
      await withEnv({ VBULK_CONFIG_DIR: configDir }, () =>
        withServer(dir, async (server) => {
          const r = await post(server, "/api/execute", { publish: false });
          assert.equal(r.status, 400, JSON.stringify(r.body));
          assert.match(
            String(r.body.error),
            /Expected no other execute on this Vinted account but one is running/,
          );
          await assertNothingStarted(server, dir, journal);
        }),
      );
    } finally {
      await release();
    }
  });
});

describe("« Créer les brouillons » with a plan out of date (a grouping decision since « Générer le plan »)", () => {
  it("is refused, naming the articles, and nothing starts", async () => {
    const { configDir } = await pausedConfig();
    const dir = await plannedFolder();
    const journal = await readFile(join(dir, "journal.json"), "utf8");
    await withEnv({ VBULK_CONFIG_DIR: configDir }, () =>
      withServer(dir, async (server) => {
        const catalog = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8")) as {
          photos: { sha256: string }[];
        };
        const [a, b] = catalog.photos.map((p) => p.sha256);
        const merged = await post(server, "/api/decide", { op: "merge", a, b });
        assert.equal(merged.status, 200, JSON.stringify(merged.body));
        assert.ok((merged.body.planStale as string[]).length, "the page says the plan is out of date");
        const r = await post(server, "/api/execute", { publish: false });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.ok(Array.isArray(r.body.stale) && r.body.stale.length, JSON.stringify(r.body));
        await assertNothingStarted(server, dir, journal);
      }),
    );
  });
});

describe("a listing saved on the page over a value changed since it showed it (a terminal's `vbulk plan --set`)", () => {
  it("is refused (409, nothing saved), naming the field and its value now; saved again over it, it is saved", async () => {
    const dir = await plannedFolder();
    const planPath = join(dir, "plan.json");
    const priceOf = async (id: string) =>
      (
        JSON.parse(await readFile(planPath, "utf8")) as { items: { cluster_id: string; price: number }[] }
      ).items.find((i) => i.cluster_id === id)?.price;
    const shown = await priceOf("c1");
    // Meanwhile, in a terminal.
    await savePlanWithChanges(dir, [{ id: "c1", field: "price", value: "99" }]);
    const before = await readFile(planPath, "utf8");
    await withServer(dir, async (server) => {
      const save = (shown: unknown) =>
        post(server, "/api/plan/save", { edits: [{ id: "c1", field: "price", value: "45", shown }] });
      const refused = await save(shown);
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.deepEqual(refused.body.conflicts, [{ id: "c1", field: "price", now: 99 }]);
      assert.equal(await readFile(planPath, "utf8"), before, "plan.json unchanged");
      // The page now shows 99: saved again, the seller's value replaces it.
      const saved = await save(99);
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.equal(await priceOf("c1"), 45);
    });
  });
});

describe("grouping decisions sent at once from the page (two quick drags, two tabs)", () => {
  it("are all kept: each one answered 200 is in decisions.json", async () => {
    const dir = await plannedFolder();
    const catalog = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8")) as {
      photos: { sha256: string }[];
    };
    await withServer(dir, async (server) => {
      const drops = await Promise.all(
        catalog.photos.slice(0, 3).map((p) => post(server, "/api/decide", { op: "drop", photo: p.sha256 })),
      );
      assert.deepEqual(
        drops.map((d) => d.status),
        [200, 200, 200],
        JSON.stringify(drops.map((d) => d.body.error)),
      );
      const decisions = JSON.parse(await readFile(join(dir, "decisions.json"), "utf8")) as {
        decisions: unknown[];
      };
      assert.equal(decisions.decisions.length, 3, "every decision kept");
    });
  });
});

describe("a photo made a new article on the page after « Générer le plan »", () => {
  it("the page says the plan is out of date, naming the new article (the plan has no listing for it)", async () => {
    const dir = await tempDir("vbulk-review-server-");
    const files = ["IMG_0001.jpg", "IMG_0002.jpg"];
    for (const f of files) await copyFile(join(FIXTURES, "grouping", f), join(dir, f));
    await catalogFixture([{ category: "hoodie", color: "noir", photos: files }], dir, { content: true });
    await savePlanWithChanges(dir, []);
    const catalog = JSON.parse(await readFile(join(dir, "catalog.json"), "utf8")) as {
      photos: { sha256: string }[];
    };
    await withServer(dir, async (server) => {
      const split = await post(server, "/api/decide", { op: "split", photos: [catalog.photos[1]!.sha256] });
      assert.equal(split.status, 200, JSON.stringify(split.body));
      const articles = (split.body.catalog as { articles: { id: string }[] }).articles.map((a) => a.id);
      const added = articles.filter((id) => id !== "c1");
      assert.equal(added.length, 1, JSON.stringify(articles));
      assert.ok((split.body.planStale as string[]).includes(added[0]!), JSON.stringify(split.body.planStale));
    });
  });
});

// As the other browser tests: skipped where no Chromium is found, a failure in CI (CI=true).
const browserPath = testChromium();

describe("« Créer les brouillons » with the switch off (the local Vinted replica, a real Chromium)", {
  skip: needTool("chromium"),
}, () => {
  const replica = new VintedReplica();
  before(() => replica.start());
  after(() => replica.stop());

  it("drafts every ready article and publishes none, marked « Publier » or not; its writes count in the account's pacing", async () => {
    const configDir = await tempDir("vbulk-review-server-config-");
    const configFile = join(configDir, "vbulk.json");
    await writeFile(configFile, JSON.stringify({ execute: { writeSpacingMs: [0, 0], timeoutMs: 15000 } }));
    const vars = {
      VBULK_VINTED_URL: replica.url,
      VBULK_VINTED_CURRENCY: "EUR",
      VBULK_CONFIG_DIR: configDir,
      VBULK_CONFIG: configFile,
      VBULK_HEADLESS: "1",
      VBULK_CHROMIUM_PATH: browserPath ?? "",
    };
    await withEnv(vars, async () => {
      await saveSession({ cookies: replica.cookies(), origins: [] });
      const dir = await plannedFolder();
      await withServer(dir, async (server) => {
        const started = await post(server, "/api/execute", { publish: false });
        assert.equal(started.status, 202, JSON.stringify(started.body));
        const deadline = Date.now() + 90_000;
        type Job = { running: boolean; publish: boolean; error: string | null; results: unknown };
        let job: Job | null = null;
        for (;;) {
          job = (await get(server, "/api/status")).body.job as Job | null;
          if (!job?.running || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        assert.equal(job?.running, false, "the run ended");
        assert.equal(job?.error, null, JSON.stringify(job));
        assert.equal(job?.publish, false);
        // c4 is published already (journal.json): the other three are drafted, none goes public.
        assert.equal(replica.items.size, 3, JSON.stringify(job?.results));
        for (const item of replica.items.values())
          assert.equal(item.is_draft, true, "a draft, not published");
        assert.equal(
          replica.log.some((l) => l.path.includes("/completion")),
          false,
          "no publish call",
        );
        // The page's writes are the account's: a terminal's `vbulk execute` after it counts them.
        const pacing = JSON.parse(await readFile(join(configDir, "pacing.json"), "utf8")) as {
          writes: unknown[];
          publishes: unknown[];
        };
        const writes = replica.writes().length;
        assert.ok(writes >= 3, `writes sent: ${writes}`);
        assert.equal(pacing.writes.length, writes, "every write sent is in pacing.json");
        assert.equal(pacing.publishes.length, 0);
      });
    });
  });
});
