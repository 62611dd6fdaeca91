import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { copyFile, readFile, symlink } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type ReviewServer, startReviewServer } from "../src/review/server.js";
import { catalogFixture } from "./helpers/catalog.js";
import { FIXTURES, tempDir } from "./helpers/run.js";

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
