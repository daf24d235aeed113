// The client's options against a local server on 127.0.0.1: middleware, retries after `Retry-After`,
// timeouts and refresh on 401. `node client_options.mjs PACKAGE_DIR`; prints "client options: ok".
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { loadPackage } from "./package.mjs";

const { module: generated } = await loadPackage(process.argv[2], "index.js");
const { createClient, RequestTimeoutError, UnexpectedResponseError } = generated;

/** The server answers with `answer(request, n)` (`n`: the requests so far, this one included); it records every request. */
let answer = () => [200, {}, {}];
let seen = [];
const server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", async () => {
    seen.push({ method: request.method, url: request.url, headers: request.headers, at: Date.now() });
    const [status, headers, json, delay] = await answer(request, seen.length);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    if (response.destroyed) return;
    response.writeHead(status, { "Content-Type": "application/json", ...headers });
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
