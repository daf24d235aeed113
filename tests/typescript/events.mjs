// The generated client's event streams against the fixture's server:
// `node events.mjs PACKAGE_DIR BASE_URL` (PACKAGE_DIR: codegen/fixture/generated/typescript).
// Exits non-zero on the first failed assertion.
import assert from "node:assert/strict";
import { loadPackage } from "./package.mjs";

process.on("unhandledRejection", (error) => {
  console.error(error, error?.cause);
  process.exit(1);
});

const [packageDir, baseUrl] = process.argv.slice(2);
const { module: pkg } = await loadPackage(packageDir, "index.js");
const client = pkg.createClient({ baseUrl });

async function collect(iterable) {
  const events = [];
  for await (const event of iterable) events.push(event);
  return events;
}

const steps = [
  { type: "step", step: 1, note: "first" },
  { type: "step", step: 2, note: "second\nline" },
  { type: "done", steps: 2 },
];

// Every event, validated, until the server ends the stream.
assert.deepEqual(await collect(client.watchTodo({ path: { todo_id: 1 } })), steps);

// Resumed after a given id: `Last-Event-ID` on the first request.
assert.deepEqual(await collect(client.watchTodo({ path: { todo_id: 1 } }, { lastEventId: "2" })), steps.slice(2));

// The server drops the first connection after event 2: the client reconnects with
// `Last-Event-ID: 2` and gets the rest, each event once.
assert.deepEqual(await collect(client.watchTodo({ path: { todo_id: 2 } }, { retryMs: 10 })), steps);

// A declared error status throws `StreamRefusedError` with the problem.
await assert.rejects(collect(client.watchTodo({ path: { todo_id: 9 } })), (error) => {
  assert.equal(error.name, "StreamRefusedError");
  assert.equal(error.status, 404);
  assert.deepEqual(error.body, { title: "Not Found", status: 404 });
  return true;
});

// An event that breaks the contract throws `EventValidationError`, after the good ones (a tagged
// enum's variant that breaks a rule matches no branch of its `oneOf`, as the Rust validator says).
{
  const seen = [];
  await assert.rejects(
    (async () => {
      for await (const event of client.watchTodo({ path: { todo_id: 3 } })) seen.push(event);
    })(),
    (error) => {
      assert.equal(error.name, "EventValidationError");
      assert.deepEqual(
        error.errors.map((e) => [e.path, e.keyword]),
        [["", "oneOf"]],
      );
      return true;
    },
  );
  assert.deepEqual(seen, [{ type: "step", step: 1, note: "fine" }]);
}

/**
 * A `fetch` answering one scripted connection per call (`{ chunks, fail }`: one chunk per read, then
 * the end, or a failure that discards what is still queued); `seen(url, init)` hears each call.
 */
function scriptedFetch(scripts, seen) {
  const encoder = new TextEncoder();
  return async (url, init) => {
    seen(url, init);
    const script = scripts.shift();
    assert.ok(script, "no more connections expected");
    const chunks = [...script.chunks];
    const body = new ReadableStream({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk !== undefined) controller.enqueue(encoder.encode(chunk));
        else if (script.fail) controller.error(new TypeError("terminated"));
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
  };
}

// The wire format's corners, from a scripted `fetch`: chunks split anywhere (a CRLF across two
// chunks, a lone CR), comments, `retry:`, an id without data, data over several lines; the first
// connection fails mid-stream, the second must carry `Last-Event-ID` and wait the `retry:` delay.
{
  const requests = [];
  const scripts = [
    {
      chunks: [
        ": a comment\r\nretry: 30\r",
        "\nid: 7\r\ndata: {\"type\":\"step\",\r\ndata:  \"step\": 1,\rdata: \"note\": \"a\"}\r\n\r",
        "\nid: 8\n\n",
        "id: 9\ndata: {\"type\":\"st",
      ],
      fail: true,
    },
    { chunks: [": resumed\n\nid: 10\ndata: {\"type\":\"done\",\"steps\":1}\n\n"], fail: false },
  ];
  const fetch = scriptedFetch(scripts, (url, init) => requests.push({ url: String(url), headers: new Headers(init.headers), at: Date.now() }));
  const scripted = pkg.createClient({ baseUrl: "http://scripted.invalid", fetch });
  const events = await collect(scripted.watchTodo({ path: { todo_id: 5 } }, { retryMs: 5000 }));
  assert.deepEqual(events, [
    { type: "step", step: 1, note: "a" },
    { type: "done", steps: 1 },
  ]);
  assert.equal(requests.length, 2);
  assert.equal(requests[0].url, "http://scripted.invalid/todos/5/events");
  assert.equal(requests[0].headers.get("Accept"), "text/event-stream");
  assert.equal(requests[0].headers.get("Last-Event-ID"), null);
  assert.equal(requests[1].headers.get("Last-Event-ID"), "8", "the id-only event 8 counts, the unfinished 9 does not");
  const waited = requests[1].at - requests[0].at;
  assert.ok(waited >= 25 && waited < 2000, `waited ${waited} ms: the server's retry (30 ms), not retryMs`);
}

// Reconnections are bounded: a server that keeps dropping the stream ends in `StreamInterruptedError`.
{
  let connections = 0;
  const fetch = async () => {
    connections += 1;
    const body = new ReadableStream({
      start(controller) {
        controller.error(new TypeError("terminated"));
      },
    });
    return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
  };
  const scripted = pkg.createClient({ baseUrl: "http://scripted.invalid", fetch });
  await assert.rejects(
    collect(scripted.watchTodo({ path: { todo_id: 5 } }, { retryMs: 1, maxReconnects: 2, lastEventId: "4" })),
    (error) => {
      assert.equal(error.name, "StreamInterruptedError");
      assert.equal(error.lastEventId, "4");
      assert.equal(error.attempts, 2);
      return true;
    },
  );
  assert.equal(connections, 3, "the first connection and two reconnections");
}

// A bare `id` resets the last event id: the reconnection sends no `Last-Event-ID` (an empty one
// is left out, as the event-stream standard says).
{
  const sent = [];
  const scripts = [
    { chunks: ["id: 3\ndata: {\"type\":\"step\",\"step\":1,\"note\":\"a\"}\n\nid\n\n"], fail: true },
    { chunks: ["data: {\"type\":\"done\",\"steps\":1}\n\n"], fail: false },
  ];
  const fetch = scriptedFetch(scripts, (_, init) => sent.push(new Headers(init.headers).get("Last-Event-ID")));
  const scripted = pkg.createClient({ baseUrl: "http://scripted.invalid", fetch });
  const events = await collect(scripted.watchTodo({ path: { todo_id: 5 } }, { retryMs: 1, lastEventId: "2" }));
  assert.equal(events.length, 2);
  assert.deepEqual(sent, ["2", null]);
}

console.log("event streams: ok");
