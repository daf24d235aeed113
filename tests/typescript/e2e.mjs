// The core flow from the generated TypeScript client, in node: `node e2e.mjs PACKAGE_DIR BASE_URL`.
// Exits non-zero with a message on the first broken expectation.
import assert from "node:assert/strict";
import { loadPackage } from "./package.mjs";

const [packageDir, baseUrl] = process.argv.slice(2);
const { module: generated } = await loadPackage(packageDir, "index.js");
const { createClient, validateUserCreate } = generated;

let token;
const api = createClient({ baseUrl, token: () => token, validateResponses: true });

// The form validator agrees with the server before anything is sent.
const weak = validateUserCreate({ email: "ts@example.com", password: "weak" });
assert.equal(weak.ok, false);
const registered = await api.register({ body: { email: "ts@example.com", password: "Sup3rSecret", full_name: "Type Script" } });
assert.equal(registered.status, 201);
const refused = await api.register({ body: { email: "ts@example.com", password: "weak" } });
assert.equal(refused.status, 422);
assert.deepEqual(
  refused.body.errors.map((e) => `${e.path} ${e.keyword}`).sort(),
  weak.errors.map((e) => `/body${e.path} ${e.keyword}`).sort(),
  "the server's 422 names the rules the TypeScript validator names",
);

const login = await api.login({ body: { email: "ts@example.com", password: "Sup3rSecret" } });
assert.equal(login.status, 200);
token = login.body.access_token;
const me = await api.getMe();
assert.equal(me.status, 200);
assert.equal(me.body.full_name, "Type Script");

const created = await api.createProject({ body: { name: "From TypeScript" } });
assert.equal(created.status, 201);
const id = created.body.id;
const put = await api.putFile({ path: { project_id: id, file_name: "index.ts" }, body: { content: "export {};\n", language: "typescript" } });
assert.equal(put.status, 200);

const fetched = await api.getProject({ path: { project_id: id } });
assert.equal(fetched.status, 200);
const etag = fetched.headers.get("ETag");
assert.ok(etag);
const unchanged = await api.getProject({ path: { project_id: id }, headers: { "If-None-Match": etag } });
assert.equal(unchanged.status, 304);

await api.createProject({ body: { name: "Second" } });
const page = await api.listProjects({ query: { page: 1, per_page: 1 } });
assert.equal(page.status, 200);
assert.equal(page.body.items.length, 1);
assert.equal(page.body.total, 2);

const updated = await api.updateProject({ path: { project_id: id }, body: { description: "renamed from node" } });
assert.equal(updated.status, 200);
assert.equal(updated.body.description, "renamed from node");
const deleted = await api.deleteProject({ path: { project_id: id } });
assert.equal(deleted.status, 204);
const gone = await api.getProject({ path: { project_id: id } });
assert.equal(gone.status, 404);
assert.equal(gone.body.status, 404);

const controller = new AbortController();
controller.abort();
await assert.rejects(api.health({ signal: controller.signal }), { name: "AbortError" });
console.log("ts client flow: ok");
