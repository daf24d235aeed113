// A user's program run by plain node, with the package installed under `node_modules` as npm
// installs it and no TypeScript tooling anywhere: `node node.mjs` prints "ok" or throws.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as pkg from "devora-api-client";
import {
  createClient,
  getProject,
  validateUserCreate,
  UserCreateSchema,
  ResponseValidationError,
} from "devora-api-client";
import { isProject } from "devora-api-client/validators";
import { getProject as getProjectOfClient } from "devora-api-client/client";
import { SubscriptionStatusValues } from "devora-api-client/types";
import { UserCreateZod } from "devora-api-client/zod";

const require = createRequire(import.meta.url);
const manifest = require("devora-api-client/package.json");
assert.throws(() => require.resolve("typescript"), /Cannot find module/, "no TypeScript tooling in reach");

// Every subpath is the same module instance as the entry's.
assert.equal(getProjectOfClient, getProject);
assert.equal(isProject, pkg.isProject);
assert.deepEqual(SubscriptionStatusValues, ["inactive", "active", "canceled", "past_due"]);
// The runtimes' helpers stay inside the package.
for (const internal of ["send", "stream", "has", "isObject", "standardSchema"]) assert.equal(internal in pkg, false, internal);

// A validator: the value itself, or every broken rule.
const form = { email: "ada@example.com", password: "Sup3rSecret" };
assert.deepEqual(validateUserCreate(form), { ok: true, value: form });
// The Zod schema, with the application's own zod (the optional peer dependency): same verdicts.
assert.equal(UserCreateZod.safeParse(form).success, true);
assert.equal(UserCreateZod.safeParse({ ...form, password: "weak" }).success, false);
assert.equal(validateUserCreate({ ...form, password: "weak" }).ok, false);
const refused = validateUserCreate({ email: "not-an-email", password: "Sup3rSecret", extra: 1 });
assert.equal(refused.ok, false);
assert.deepEqual(
  refused.errors.map((e) => [e.path, e.keyword]),
  [["/email", "format"], ["", "additionalProperties"]],
);

// The standard schema of a type: vendor is the package's name.
const standard = UserCreateSchema["~standard"];
assert.equal(standard.version, 1);
assert.equal(standard.vendor, manifest.name);
assert.deepEqual(standard.validate(form), { value: form });
assert.deepEqual(standard.validate({ password: "Sup3rSecret" }), {
  issues: [{ message: "must have property email", path: ["email"] }],
});

// The client, over a `fetch` that answers a project: the operation's function and the method of
// `createClient` send the same request and check the answer.
const project = {
  id: "5f2b6c1e-8d4a-4e7b-9c3f-1a2b3c4d5e6f",
  name: "Landing page",
  description: null,
  files: [{ name: "index.html", size: 12, updated_at: "2026-01-02T03:04:05Z" }],
  github_repo_url: null,
  vercel_url: null,
  created_at: "2026-01-02T03:04:05Z",
  updated_at: "2026-01-02T03:04:05Z",
};
let answer = project;
const requests = [];
const fetch = async (url, init) => {
  requests.push([String(url), init.method, init.headers.get("authorization")]);
  return new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } });
};
const options = { baseUrl: "http://127.0.0.1:9/", token: "t0k3n", fetch, validateResponses: true };
const request = { path: { project_id: project.id } };
const viaFunction = await getProject(options, request);
const viaMethod = await createClient(options).getProject(request);
for (const got of [viaFunction, viaMethod]) {
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, project);
}
const sent = [`http://127.0.0.1:9/api/v2/projects/${project.id}`, "GET", "Bearer t0k3n"];
assert.deepEqual(requests, [sent, sent]);

// An answer that breaks the contract is refused with the broken rules.
answer = { ...project, id: "not-a-uuid" };
await assert.rejects(getProject(options, request), (error) => {
  assert.ok(error instanceof ResponseValidationError);
  assert.deepEqual(error.errors.map((e) => [e.path, e.keyword]), [["/id", "format"]]);
  return true;
});

console.log(`ok: ${manifest.name} ${manifest.version} on node ${process.versions.node}`);
