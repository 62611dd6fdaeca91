import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveConfig } from "../src/core/config.js";
import type { VbulkError } from "../src/core/errors.js";
import { classifyLanding, parseRetryAfter, readAnswer } from "../src/vinted/detect.js";
import { Budget, emptyPacing, estimateMs, loadPacing, savePacing } from "../src/vinted/pacing.js";
import { tempDir } from "./helpers/run.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const cfg = { ...resolveConfig().execute, writeSpacingMs: [0, 0] as [number, number] };

/** A budget on a fake clock the test moves by hand. */
function fake(over: Partial<typeof cfg> = {}) {
  const clock = { t: Date.parse("2026-11-26T08:00:00Z") };
  const budget = new Budget(emptyPacing(), { ...cfg, ...over }, () => clock.t);
  /** Sends `n` writes as the runner would: wait for the slot, then record. */
  const send = (n: number, spacing = 0, publish = false) => {
    const at: number[] = [];
    for (let i = 0; i < n; i++) {
      clock.t = Math.max(clock.t, budget.nextWrite(spacing, publish).at);
      budget.record(publish);
      at.push(clock.t);
    }
    return at;
  };
  return { clock, budget, send };
}

describe("pacing budget (fake clock)", () => {
  it("never more than writesPerHour writes in any 60 minutes (a sliding window, not a clock hour)", () => {
    const { send } = fake({ writesPerHour: 24 });
    const at = send(100, 10_000);
    for (const t of at) assert.ok(at.filter((u) => u >= t && u < t + HOUR).length <= 24, `window from ${t}`);
    assert.ok(at[24]! - at[0]! >= HOUR, "the 25th write waits for the 1st to leave the window");
  });

  it("the daily cap holds over any 24 hours, and says why the next write waits", () => {
    const { send, budget, clock } = fake({ writesPerHour: 1000, dailyWrites: 50 });
    const at = send(50, 1000);
    const slot = budget.nextWrite(1000);
    assert.equal(slot.why, "daily budget");
    assert.equal(slot.at, at[0]! + 24 * HOUR);
    clock.t = slot.at;
    assert.equal(budget.nextWrite(0).why, "now");
  });

  it("never more than 5 publishes in any 60 seconds, whatever the config asks", () => {
    // 10: a setting the config file refuses (below), which the budget holds to 5 all the same.
    for (const publishesPerMinute of [5, 10]) {
      const { send } = fake({ writesPerHour: 10_000, dailyWrites: 10_000, publishesPerMinute });
      const at = send(12, 0, true);
      for (const t of at)
        assert.ok(
          at.filter((u) => u >= t && u < t + MIN).length <= 5,
          `${publishesPerMinute}: window from ${t}`,
        );
      assert.ok(at[11]! - at[0]! >= 2 * MIN);
    }
    assert.throws(
      () => resolveConfig({ execute: { publishesPerMinute: 6 } }),
      (e: VbulkError) => /at most 5/.test(e.message),
    );
  });

  it("the publish ceiling holds on Vinted's clock: counted from each answer, with a second to spare", () => {
    // Before: each publish was counted when sent; with no spacing, a first publish answered after 3 s and a sixth
    // answered at once reached Vinted 57 s apart (the replica saw 59.996 s with ordinary latencies).
    const { budget, clock } = fake({ writesPerHour: 10_000, dailyWrites: 10_000, publishesPerMinute: 5 });
    const latency = [3000, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20];
    const received: number[] = [];
    for (const ms of latency) {
      clock.t = Math.max(clock.t, budget.nextWrite(0, true).at);
      const sentAt = budget.record(true);
      // Vinted processes it somewhere during its round trip: here at the very end, the worst case.
      clock.t += ms;
      received.push(clock.t);
      budget.answered(sentAt);
    }
    for (const t of received)
      assert.ok(
        received.filter((u) => u >= t && u < t + MIN + 1000).length <= 5,
        `6 publishes reached Vinted within 61 s from ${t}: ${received.map((u) => u - received[0]!).join(", ")}`,
      );
  });

  it("a publish whose answer never came (the run quit) counts until it can no longer be in flight", () => {
    // Before: counted from its sending; Vinted processed it 5 s later, and the next run's sixth publish reached
    // Vinted 56.2 s after it (a review, on the replica). Now it counts from sending + timeoutMs + tabGraceMs.
    const { budget, clock } = fake({
      writesPerHour: 10_000,
      dailyWrites: 10_000,
      publishesPerMinute: 5,
      timeoutMs: 45_000,
      tabGraceMs: 15_000,
    });
    const sentAt = clock.t;
    budget.record(true); // never answered
    const received = [sentAt + 5000]; // Vinted processed it 5 s after it was sent, as the review saw
    clock.t += 9000; // the next run starts
    for (let i = 0; i < 5; i++) {
      clock.t = Math.max(clock.t, budget.nextWrite(0, true).at);
      budget.answered(budget.record(true));
      received.push(clock.t);
    }
    for (const t of received)
      assert.ok(
        received.filter((u) => u >= t && u < t + MIN).length <= 5,
        `6 publishes within 60 s: ${received.map((u) => u - sentAt).join(", ")}`,
      );
  });

  it("a fractional ceiling is refused by the config, and never lifts the ceiling in the budget", () => {
    // 4.5 or 0.5 publishes a minute read recent[length - 4.5]: undefined, NaN, no wait at all (7 publishes in 78 ms).
    for (const ppm of [4.5, 0.5])
      assert.throws(
        () => resolveConfig({ execute: { publishesPerMinute: ppm } }),
        (e: VbulkError) => e.code === "BAD_INPUT" && /publishesPerMinute/.test(e.message),
        `publishesPerMinute ${ppm}`,
      );
    const { send } = fake({ writesPerHour: 10_000, dailyWrites: 10_000, publishesPerMinute: 4.5 });
    const at = send(7, 0, true);
    for (const t of at) assert.ok(at.filter((u) => u >= t && u < t + MIN).length <= 4, `window from ${t}`);
  });

  it("a challenge pauses 30 min, doubling with each refusal of the day, up to 6 h", () => {
    const { budget, clock } = fake();
    const lengths: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { until } = budget.pauseFor("challenge", "captcha");
      lengths.push((until - clock.t) / MIN);
      clock.t = until;
    }
    assert.deepEqual(lengths, [30, 60, 120, 240, 360, 360]);
  });

  it("a 429 pauses at least 15 min, honours a longer Retry-After, caps a huge one and says so", () => {
    const { budget, clock } = fake();
    assert.equal((budget.pauseFor("rate_limit", "429", 60).until - clock.t) / MIN, 15);
    clock.t += HOUR;
    assert.equal((budget.pauseFor("rate_limit", "429", 3600).until - clock.t) / MIN, 60);
    clock.t += 2 * HOUR;
    const huge = budget.pauseFor("rate_limit", "429", 1e15);
    assert.equal(huge.capped, true);
    assert.equal((huge.until - clock.t) / MIN, 360);
    assert.equal(budget.nextWrite(0).why, "pause");
    // Which pause it is, for whoever says it (a captcha's pause asks something else of the seller).
    assert.deepEqual(budget.pause(), { until: huge.until, reason: "429", kind: "rate_limit" });
  });

  it("writes and pauses persist across runs (the file in the config folder)", async () => {
    const dir = await tempDir("vbulk-pacing-");
    const { budget, send, clock } = fake({ writesPerHour: 3 });
    send(3);
    budget.pauseFor("challenge", "captcha");
    await savePacing(dir, budget.state);
    const next = new Budget(await loadPacing(dir), { ...cfg, writesPerHour: 3 }, () => clock.t);
    assert.equal(next.pause()?.reason, "captcha");
    assert.equal(next.pause()?.kind, "challenge");
    clock.t += 31 * MIN;
    assert.equal(next.pause(), null);
    assert.equal(next.nextWrite(0).why, "hourly budget");
  });

  it("estimates a run's duration from the pacing: 30 writes at 24/hour take more than an hour", () => {
    const state = emptyPacing();
    const ms = estimateMs(30, 0, state, { ...cfg, writeSpacingMs: [20_000, 50_000], writesPerHour: 24 }, 0);
    assert.ok(ms > HOUR && ms < 2 * HOUR, String(ms));
    assert.equal(estimateMs(0, 0, state, cfg, 0), 0);
  });
});

describe("reading Vinted's answers", () => {
  const a = (
    status: number,
    body: string,
    extra: Partial<{ url: string; retryAfter: string; contentType: string }> = {},
  ) => ({
    status,
    body,
    url: extra.url ?? "https://www.vinted.fr/api/v2/item_upload/drafts",
    retryAfter: extra.retryAfter ?? null,
    contentType: extra.contentType ?? "application/json",
  });
  const code = (fn: () => unknown) => {
    try {
      fn();
      return "ok";
    } catch (err) {
      return `${(err as VbulkError).code}: ${(err as Error).message}`;
    }
  };
  it("a 403 with DataDome's captcha URL, a Cloudflare page, the blocked page: a challenge", () => {
    assert.match(
      code(() => readAnswer(a(403, '{"url":"https://geo.captcha-delivery.com/captcha/?x"}'), "x")),
      /^CHALLENGE: .*captcha/,
    );
    assert.match(
      code(() => readAnswer(a(200, "<title>Just a moment...</title>", { contentType: "text/html" }), "x")),
      /Cloudflare/,
    );
    assert.match(
      code(() => readAnswer(a(200, "<h1>Ta session a été bloquée</h1>", { contentType: "text/html" }), "x")),
      /session bloquée/,
    );
  });
  it("a plain 403 (Vinted's « not your item », no challenge marker) is FORBIDDEN, not a challenge", () => {
    // idx:66531731678: 403 {"code":106,"message":"Accès refusé","message_code":"access_denied"} with a live
    // session; Bumpline pauses only on a 403 carrying captcha-delivery|__cf_chl|cf_chl|datadome (idx:57357759676).
    assert.match(
      code(() =>
        readAnswer(
          a(403, '{"code":106,"message":"Accès refusé","message_code":"access_denied"}'),
          "the draft",
        ),
      ),
      /^FORBIDDEN: Vinted refused the draft with a plain 403 Forbidden \(Accès refusé\) at \/api\/v2\/item_upload\/drafts, with no sign of a security challenge$/,
    );
    assert.match(
      code(() => readAnswer(a(403, "", { contentType: "" }), "x")),
      /^FORBIDDEN: /,
    );
    // A 403 carrying a challenge marker stays a challenge, whatever its form.
    for (const body of [
      '{"url":"https://geo.captcha-delivery.com/captcha/?initialCid=a"}',
      '{"x":"datadome"}',
    ])
      assert.match(
        code(() => readAnswer(a(403, body), "x")),
        /^CHALLENGE: .*captcha/,
      );
    // Cloudflare's marker in a 403 that says it is JSON (not read as a page): a challenge too, not a plain 403.
    for (const [body, contentType] of [
      ["<p>__cf_chl_opt</p>", "text/html"],
      ['{"error":"cf_chl_managed"}', "application/json"],
    ])
      assert.match(
        code(() => readAnswer(a(403, body!, { contentType: contentType! }), "x")),
        /^CHALLENGE: .*Cloudflare/,
      );
  });

  it("DataDome on Vinted, both forms: the HTML stub with `var dd={…}` and c.js, and the JSON captcha URL", () => {
    // idx:69052908732: "403 with an HTML stub carrying `var dd={'rt':'c','cid':…,'hsh':…,'t':'bv',…}` and
    // `https://ct.captcha-delivery.com/c.js`".
    const stub = `<html><body><script>var dd={'rt':'c','cid':'AHrl','hsh':'0A1B','t':'bv'}</script><script src="https://ct.captcha-delivery.com/c.js"></script></body></html>`;
    for (const contentType of ["text/html;charset=utf-8", "application/json", ""])
      assert.match(
        code(() => readAnswer(a(403, stub, { contentType }), "the draft")),
        /^CHALLENGE: Vinted answered with a security challenge \(captcha\) at \/api\/v2\/item_upload\/drafts$/,
      );
    // The stub's script alone (the c.js line cut off) is still DataDome's.
    assert.match(
      code(() =>
        readAnswer(a(403, "<script>var dd={'rt':'c','cid':'x'}</script>", { contentType: "" }), "x"),
      ),
      /^CHALLENGE: .*captcha/,
    );
    assert.match(
      code(() =>
        readAnswer(a(403, '{"url":"https://geo.captcha-delivery.com/captcha/?initialCid=A&cid=x"}'), "x"),
      ),
      /^CHALLENGE: .*captcha/,
    );
  });

  it("Vinted's rate-limit page pauses like a 429; the English block texts are a challenge", () => {
    const said = (e: Error | null) => (e ? `${(e as VbulkError).code}: ${e.message}` : "usable");
    // idx:68385955554: pageLooksRateLimited = /rate limited|too many requests|te veel verzoeken/i.
    for (const text of ["You are rate limited", "Too Many Requests", "Te veel verzoeken"])
      assert.equal(
        said(classifyLanding("/items/new", `Vinted ${text}`)),
        `RATE_LIMITED: Vinted showed its rate-limit page ("too many requests") at /items/new`,
      );
    // idx:70935383588 textesBlocage: "your session has been blocked", "unusual activity".
    for (const text of ["Your session has been blocked", "We noticed unusual activity on your account"])
      assert.match(said(classifyLanding("/items/new", text)), /^CHALLENGE: .*bloquée/);
    assert.equal(
      said(classifyLanding("/items/new", "Vends tes articles Titre Décris ton article")),
      "usable",
    );
    // An API call answered by the rate-limit page keeps its Retry-After.
    assert.match(
      code(() =>
        readAnswer(
          a(429, "<h1>You are rate limited</h1>", { contentType: "text/html", retryAfter: "120" }),
          "x",
        ),
      ),
      /^RATE_LIMITED: .*rate-limit page .*\(Retry-After 120 s\)$/,
    );
  });

  it("session refresh, signup and 401 say log in again; verification is a challenge", () => {
    assert.match(
      code(() =>
        readAnswer(
          a(200, "<p>", { url: "https://www.vinted.fr/session-refresh?x", contentType: "text/html" }),
          "x",
        ),
      ),
      /^NOT_LOGGED_IN: .*log in again/,
    );
    assert.match(
      code(() =>
        readAnswer(
          a(200, "<p>", { url: "https://www.vinted.fr/member/signup/select_type", contentType: "text/html" }),
          "x",
        ),
      ),
      /^NOT_LOGGED_IN/,
    );
    assert.match(
      code(() => readAnswer(a(401, "{}"), "x")),
      /^NOT_LOGGED_IN/,
    );
    assert.match(
      code(() =>
        readAnswer(
          a(200, "<p>", { url: "https://www.vinted.fr/users/verification", contentType: "text/html" }),
          "x",
        ),
      ),
      /^CHALLENGE/,
    );
  });
  it("field errors are shown per field; garbage is not read as 'not logged in'", () => {
    const body =
      '{"code":99,"message_code":"validation_error","errors":[{"field":"size","value":"Fill in size to continue"}]}';
    assert.equal(
      code(() => readAnswer(a(400, body), "the draft")),
      "REJECTED: Vinted refused the draft: size: Fill in size to continue",
    );
    assert.match(
      code(() => readAnswer(a(200, "<<garbage", { contentType: "text/plain" }), "the user")),
      /^TRANSIENT: Expected JSON from Vinted for the user/,
    );
  });
  it("Retry-After in seconds or as an HTTP date; garbage is null", () => {
    const now = Date.parse("2026-11-26T08:00:00Z");
    assert.equal(parseRetryAfter("120", now), 120);
    assert.equal(parseRetryAfter("Thu, 26 Nov 2026 09:00:00 GMT", now), 3600);
    assert.equal(parseRetryAfter("soon", now), null);
    assert.match(
      code(() => readAnswer(a(429, "{}", { retryAfter: "30" }), "x")),
      /^RATE_LIMITED: .*Retry-After 30 s/,
    );
  });
});
