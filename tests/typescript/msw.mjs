// The generated `msw` modules under msw's `setupServer` (`msw/node`), answering the generated
// clients: `node msw.mjs PACKAGE_DIR...` (each a generated package beside its `openapi-3.0.json`).
// For every operation of every package and every status it declares, the handler told to answer
// that status (its default body) reaches the client, which validates it (`validateResponses`): a
// call that returns is the proof that the mock passes the package's own validators. Then, when the
// reference package (`devora-api-client`) is among them, its handlers in detail: `handlers` answer
// any origin, the default answer is the first status with the contract's headers, and a status, a
// custom body or a resolver is honoured. Prints `ok`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setupServer } from "msw/node";
import { installPackage } from "./package.mjs";

process.on("unhandledRejection", (error) => {
  console.error(error);
  process.exit(1);
});

const server = setupServer();
server.listen({ onUnhandledRequest: "error" });

const camel = (id) => id.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
/** Any path parameter: msw matches `:name` with whatever the client puts there. */
const anyPath = new Proxy({}, { get: (_, name) => (typeof name === "string" ? `p-${name}` : undefined) });
const request = { path: anyPath, body: {}, headers: {} };

/** Calls `call` and answers `{ status, body }`, or the events of a stream, or the status a stream was refused with. */
async function answer(call) {
  let result;
  try {
    result = call();
    if (typeof result?.[Symbol.asyncIterator] === "function") {
      const events = [];
      for await (const event of result) events.push(event);
      return { status: "events", events };
    }
    return await result;
  } catch (error) {
    if (error?.name === "StreamRefusedError") return { status: error.status, body: error.body };
    throw error;
  }
}

let reference;
for (const [index, packageDir] of process.argv.slice(2).entries()) {
  let checked = 0;
  let declared = 0;
  const installed = installPackage(packageDir);
  const mocks = await import(join(installed, "msw.js"));
  const client = await import(join(installed, "client.js"));
  const baseUrl = `http://package-${index}.test:8080/prefix`;
  const options = { baseUrl, token: "t", validateResponses: true };
  const document = JSON.parse(readFileSync(join(dirname(packageDir), "openapi-3.0.json"), "utf8"));
  if (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).name === "devora-api-client") reference = packageDir;
  for (const methods of Object.values(document.paths)) {
    for (const operation of Object.values(methods)) {
      const name = camel(operation.operationId);
      const call = client[name];
      const handler = mocks[`${name}Handler`];
      assert.equal(typeof call, "function", `${packageDir}: client function ${name}`);
      assert.equal(typeof handler, "function", `${packageDir}: handler ${name}Handler`);
      declared += Object.keys(operation.responses).length;
      const streams = Object.values(operation.responses).some((r) => r.content?.["text/event-stream"]);
      for (const status of Object.keys(operation.responses).map(Number)) {
        server.use(handler({ status }, { baseUrl, once: true }));
        const got = await answer(() => call(options, request));
        const success = status < 300;
        if (streams && success) {
          assert.equal(got.events.length, 1, `${name} ${status}: one event`);
        } else {
          assert.equal(got.status, status, `${name}: the status asked for`);
          if (status >= 400 && "status" in got.body) assert.equal(got.body.status, status, `${name} ${status}: the problem's own status`);
        }
        checked++;
      }
    }
  }
  // Every default at once, through `handlers` (any origin): each operation answers its first
  // status, none is taken by another's handler.
  server.resetHandlers(...mocks.handlers);
  for (const methods of Object.values(document.paths)) {
    for (const operation of Object.values(methods)) {
      const first = Math.min(...Object.keys(operation.responses).map(Number));
      const got = await answer(() => client[camel(operation.operationId)](options, request));
      if (got.status !== "events") assert.equal(got.status, first, operation.operationId);
    }
  }
  server.resetHandlers();
  assert.ok(checked === declared && checked > 0, `${packageDir}: every status of every operation was answered`);
}
if (reference === undefined) {
  server.close();
  console.log("ok");
  process.exit(0);
}

// The reference package in detail.
const installed = installPackage(reference);
const mocks = await import(join(installed, "msw.js"));
const client = await import(join(installed, "client.js"));
const options = { baseUrl: "https://api.example.com", token: "t", validateResponses: true };
const project = { path: { project_id: "1d6f2c1e-77aa-4b0e-9e3d-5a8c6f20b3c4" } };

// `handlers` answer on any origin, the contract's example and headers.
server.resetHandlers(...mocks.handlers);
const got = await client.getProject(options, project);
assert.equal(got.status, 200);
assert.equal(got.body.name, "Landing page", "the schema's example");
assert.equal(got.headers.get("ETag"), '"mock"');
assert.equal(got.headers.get("Cache-Control"), "no-store");
assert.match(got.headers.get("Content-Type"), /^application\/json/);
const deleted = await client.deleteProject(options, project);
assert.equal(deleted.status, 204);
assert.equal(deleted.body, undefined);

// A declared error: its problem, as the client types it.
server.use(mocks.getProjectHandler({ status: 404 }));
const missing = await client.getProject(options, project);
assert.equal(missing.status, 404);
assert.equal(missing.body.title, "Not Found");
assert.equal(missing.body.detail, "No such project.");
assert.match(missing.headers.get("Content-Type"), /^application\/problem\+json/);
const root = await client.apiRoot(options);
assert.equal(root.headers.get("X-RateLimit-Limit"), "100", "a rate-limited answer says so");
server.use(mocks.apiRootHandler({ status: 429 }));
const refused = await client.apiRoot(options);
assert.equal(refused.status, 429);
assert.equal(refused.headers.get("Retry-After"), "60");
assert.equal(refused.headers.get("X-RateLimit-Remaining"), "0");

// A custom body, a resolver with the path parameters, extra headers, and a body that breaks the
// contract (the client refuses it: the mocks' bodies are not trusted blindly).
server.use(mocks.getProjectHandler({ status: 200, body: { ...got.body, name: "Custom" }, headers: { "X-Extra": "1" } }));
const custom = await client.getProject(options, project);
assert.equal(custom.body.name, "Custom");
assert.equal(custom.headers.get("X-Extra"), "1");
assert.equal(custom.headers.get("ETag"), '"mock"', "the declared headers stay");
server.use(mocks.getProjectHandler(async ({ params }) => ({ status: 200, body: { ...got.body, id: params.project_id } })));
assert.equal((await client.getProject(options, project)).body.id, project.path.project_id);
server.use(mocks.getProjectHandler({ status: 200, body: { ...got.body, name: 5 } }));
await assert.rejects(client.getProject(options, project), { name: "ResponseValidationError" });

// `baseUrl`: another origin is not answered.
server.resetHandlers(...mocks.createHandlers({ baseUrl: "https://api.example.com/" }));
assert.equal((await client.getProject(options, project)).status, 200);
await assert.rejects(client.getProject({ ...options, baseUrl: "https://elsewhere.example.com" }, project));

server.close();
console.log("ok");
