// The client's options against a local server on 127.0.0.1: middleware, retries after `Retry-After`,
// timeouts and refresh on 401. `node client_options.mjs PACKAGE_DIR`; prints "client options: ok".
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { loadPackage } from "./package.mjs";

const { module: generated } = await loadPackage(process.argv[2], "index.js");
const { createClient, RequestTimeoutError, UnexpectedResponseError } = generated;

/**
 * The server answers with `answer(request, n)` (`n`: the requests so far, this one included):
 * `[status, headers, json, delay before the head, delay between the head and the body]`; it
 * records every request.
 */
let answer = () => [200, {}, {}];
let seen = [];
const server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", async () => {
    seen.push({ method: request.method, url: request.url, headers: request.headers, at: Date.now() });
    const [status, headers, json, delay, bodyDelay] = await answer(request, seen.length);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    if (response.destroyed) return;
    response.writeHead(status, { "Content-Type": "application/json", ...headers });
    if (bodyDelay) {
      response.flushHeaders();
      await new Promise((resolve) => setTimeout(resolve, bodyDelay));
      if (response.destroyed) return;
    }
    response.end(json === undefined ? "" : JSON.stringify(json));
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const baseUrl = `http://127.0.0.1:${server.address().port}`;
const scenario = (fn) => {
  seen = [];
  answer = fn;
};
const problem = (status) => ({ type: "about:blank", title: "x", status });

try {
  // Middleware: in order, a header injected, the response seen with its request.
  {
    scenario((request) => [200, {}, { status: "ok", echoed: request.headers["x-trace"] }]);
    const log = [];
    const api = createClient({
      baseUrl,
      onRequest: [
        (request) => {
          log.push("request 1");
          const headers = new Headers(request.headers);
          headers.set("X-Trace", "abc");
          return new Request(request, { headers });
        },
        (request) => void log.push(`request 2 ${request.headers.get("X-Trace")}`),
      ],
      onResponse: (response, request) => void log.push(`response ${response.status} ${new URL(request.url).pathname}`),
    });
    const ok = await api.health();
    assert.equal(ok.status, 200);
    assert.equal(ok.body.echoed, "abc");
    assert.equal(seen[0].headers["x-trace"], "abc");
    assert.deepEqual(log, ["request 1", "request 2 abc", "response 200 /api/v2/health"]);

    // onResponse may replace the response.
    const replaced = createClient({ baseUrl, onResponse: () => new Response(JSON.stringify({ status: "replaced" }), { status: 200, headers: { "Content-Type": "application/json" } }) });
    assert.equal((await replaced.health()).body.status, "replaced");

    // With onRequest, a custom fetch receives the resulting Request.
    const received = [];
    const custom = createClient({
      baseUrl,
      fetch: async (input, init) => {
        received.push([input instanceof Request, init, input.headers.get("X-Trace")]);
        return new Response(JSON.stringify({ status: "ok" }), { status: 200, headers: { "Content-Type": "application/json" } });
      },
      onRequest: (request) => void request.headers.set("X-Trace", "custom"),
    });
    assert.equal((await custom.health()).status, 200);
    assert.deepEqual(received, [[true, undefined, "custom"]]);

    // onError hears of a network error, with the request.
    const errors = [];
    const down = createClient({ baseUrl: "http://127.0.0.1:1", onError: (error, request) => void errors.push([error.name, new URL(request.url).pathname]) });
    await assert.rejects(down.health(), TypeError);
    assert.deepEqual(errors, [["TypeError", "/api/v2/health"]]);
  }

  // Retry: 429 with `Retry-After: 1`, then 200; the wait is honoured.
  {
    scenario((_, n) => (n === 1 ? [429, { "Retry-After": "1" }, problem(429)] : [200, {}, { status: "ok" }]));
    const api = createClient({ baseUrl, retry: { attempts: 3 } });
    const started = Date.now();
    const ok = await api.health();
    assert.equal(ok.status, 200);
    assert.equal(seen.length, 2);
    const waited = seen[1].at - seen[0].at;
    assert.ok(waited >= 950 && waited < 3000, `waited ${waited} ms`);
    assert.ok(Date.now() - started >= 950);

    // Without `retry`, the 429 is the answer.
    scenario(() => [429, { "Retry-After": "1" }, problem(429)]);
    assert.equal((await createClient({ baseUrl }).health()).status, 429);
    assert.equal(seen.length, 1);

    // An HTTP date in `Retry-After`, capped by `maxDelayMs`.
    scenario((_, n) => (n === 1 ? [429, { "Retry-After": new Date(Date.now() + 60000).toUTCString() }, problem(429)] : [200, {}, { status: "ok" }]));
    const capped = Date.now();
    assert.equal((await createClient({ baseUrl, retry: { maxDelayMs: 200 } }).health()).status, 200);
    assert.ok(Date.now() - capped < 2000, "the wait is capped");
    assert.ok(seen[1].at - seen[0].at >= 150);

    // A `Retry-After` that is neither seconds nor a date (`Date.parse` reads "1.5" as 2001) gets
    // the backoff, not an immediate retry.
    scenario((_, n) => (n === 1 ? [503, { "Retry-After": "1.5" }, problem(503)] : [200, {}, { status: "ok" }]));
    assert.equal((await createClient({ baseUrl, retry: {} }).health()).status, 200);
    assert.ok(seen[1].at - seen[0].at >= 200, `waited ${seen[1].at - seen[0].at} ms`);
  }

  // A path parameter of `.` or `..` would be resolved away by the URL (reaching the parent): refused
  // before anything is sent; other values are one encoded segment.
  {
    scenario(() => [204, {}, undefined]);
    const api = createClient({ baseUrl, token: "t" });
    for (const name of [".", ".."]) {
      await assert.rejects(api.deleteFile({ path: { project_id: "p", file_name: name } }), TypeError);
    }
    assert.equal(seen.length, 0);
    await api.deleteFile({ path: { project_id: "p", file_name: "a b/..%" } });
    assert.equal(seen[0].url, "/api/v2/projects/p/files/a%20b%2F..%25");
  }

  // Retry: 503 without `Retry-After`, a bounded number of times.
  {
    scenario(() => [503, {}, problem(503)]);
    const api = createClient({ baseUrl, retry: { attempts: 3, maxDelayMs: 2000 } });
    await assert.rejects(api.health(), (error) => error instanceof UnexpectedResponseError && error.status === 503);
    assert.equal(seen.length, 3);
    assert.ok(seen[1].at - seen[0].at >= 200, "a backoff between attempts");

    // A POST without an Idempotency-Key is never retried.
    scenario(() => [503, {}, problem(503)]);
    await assert.rejects(api.createProject({ body: { name: "once" } }), (error) => error.status === 503);
    assert.equal(seen.length, 1);

    // A POST with one is.
    scenario((_, n) => (n < 3 ? [503, {}, problem(503)] : [201, {}, { id: "cs_1" }]));
    const checkout = await api.createCheckoutSession({ headers: { "Idempotency-Key": "key-12345678" }, body: { plan: "pro" } });
    assert.equal(checkout.status, 201);
    assert.equal(seen.length, 3);
    assert.ok(seen.every((request) => request.headers["idempotency-key"] === "key-12345678"));
  }

  // Timeouts: a slow answer fails with RequestTimeoutError (client's or call's), the caller's signal still aborts.
  {
    scenario(() => [200, {}, { status: "ok" }, 1500]);
    const errors = [];
    const api = createClient({ baseUrl, timeoutMs: 100, onError: (error) => void errors.push(error.name) });
    const started = Date.now();
    await assert.rejects(api.health(), (error) => error instanceof RequestTimeoutError && error.timeoutMs === 100);
    assert.ok(Date.now() - started < 1000);
    assert.deepEqual(errors, ["RequestTimeoutError"]);
    await assert.rejects(createClient({ baseUrl }).health({ timeoutMs: 50 }), (error) => error instanceof RequestTimeoutError && error.timeoutMs === 50);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(api.health({ signal: controller.signal, timeoutMs: 5000 }), { name: "AbortError" });
    const fast = createClient({ baseUrl, timeoutMs: 5000 });
    scenario(() => [200, {}, { status: "ok" }, 10]);
    assert.equal((await fast.health()).status, 200);

    // The caller aborts while the body arrives, with and without a timeout: onError hears of it.
    scenario(() => [200, {}, { status: "ok" }, 0, 300]);
    for (const timeoutMs of [undefined, 10000]) {
      const heard = [];
      const slowBody = createClient({ baseUrl, timeoutMs, onError: (error) => void heard.push(String(error)) });
      const caller = new AbortController();
      setTimeout(() => caller.abort(new Error("user cancelled")), 50);
      await assert.rejects(slowBody.health({ signal: caller.signal }), /user cancelled/);
      assert.deepEqual(heard, ["Error: user cancelled"], `timeoutMs ${timeoutMs}`);
    }
  }

  // Refresh on 401: ten concurrent calls, one refresh, every call answered 200 with the new token.
  {
    let token = "old";
    let refreshes = 0;
    scenario((request) => (request.headers.authorization === `Bearer ${token}` && token !== "old" ? [200, {}, { id: "u", token }] : [401, {}, problem(401)]));
    const api = createClient({
      baseUrl,
      token: () => token,
      auth: {
        refresh: async () => {
          refreshes += 1;
          await new Promise((resolve) => setTimeout(resolve, 50));
          token = "new";
          return token;
        },
      },
    });
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.getMe()));
    assert.equal(refreshes, 1);
    assert.deepEqual(answers.map((a) => a.status), Array(10).fill(200));
    assert.equal(seen.filter((r) => r.headers.authorization === "Bearer old").length, 10);
    assert.equal(seen.filter((r) => r.headers.authorization === "Bearer new").length, 10);

    // A failed refresh answers the original 401, once per call (no loop).
    for (const refresh of [async () => undefined, async () => { throw new Error("refresh token expired"); }]) {
      scenario(() => [401, {}, problem(401)]);
      let calls = 0;
      const failing = createClient({ baseUrl, token: "stale", auth: { refresh: async () => { calls += 1; await new Promise((resolve) => setTimeout(resolve, 50)); return refresh(); } } });
      const [a, b] = await Promise.all([failing.getMe(), failing.getMe()]);
      assert.equal(a.status, 401);
      assert.equal(b.status, 401);
      assert.equal(calls, 1);
      assert.equal(seen.length, 2);
    }

    // A refresh that throws at once answers the 401 too.
    scenario(() => [401, {}, problem(401)]);
    const throwing = createClient({ baseUrl, token: "stale", auth: { refresh: () => { throw new Error("no refresh token stored"); } } });
    assert.equal((await throwing.getMe()).status, 401);

    // A token function slow enough to return a token read before a refresh ended: the call that got
    // a 401 re-reads the token (still the old one), and meanwhile another call refreshes; the first
    // retries with that refresh's token instead of refreshing again.
    {
      let stored = "old";
      let reads = 0;
      let count = 0;
      let reached;
      let release;
      const second = new Promise((resolve) => (reached = resolve));
      const gate = new Promise((resolve) => (release = resolve));
      scenario((request) => (request.headers.authorization === "Bearer new" ? [200, {}, { id: "u" }] : [401, {}, problem(401)]));
      const slow = createClient({
        baseUrl,
        token: async () => {
          const read = stored;
          reads += 1;
          if (reads === 2) {
            reached();
            await gate;
          }
          return read;
        },
        auth: { refresh: async () => { count += 1; stored = "new"; return "new"; } },
      });
      const first = slow.getMe();
      await second;
      const other = await slow.getMe();
      release();
      assert.deepEqual([(await first).status, other.status], [200, 200]);
      assert.equal(count, 1, "one refresh");
    }

    // A public operation's 401 does not refresh.
    scenario(() => [401, {}, problem(401)]);
    let publicRefreshes = 0;
    const open = createClient({ baseUrl, auth: { refresh: async () => { publicRefreshes += 1; return "x"; } } });
    await assert.rejects(open.health(), (error) => error.status === 401);
    assert.equal(publicRefreshes, 0);
  }
} finally {
  server.close();
  server.closeAllConnections?.();
}
console.log("client options: ok");
