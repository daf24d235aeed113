// The generated `query` module driving a real TanStack Query `QueryClient` (`@tanstack/query-core`)
// against a fake `fetch`: `node query.mjs PACKAGE_DIR` (PACKAGE_DIR: generated/typescript). A query
// resolves to the 2xx body and passes TanStack's abort signal to `fetch`; an error status rejects
// with an `ApiError`; an infinite query walks the pages until the last; `invalidateQueries` with a
// tag's key refetches that tag's queries only; a mutation resolves to its body. Prints `ok`.
import assert from "node:assert/strict";
import { MutationObserver, QueryClient, QueryObserver } from "@tanstack/query-core";
import { loadPackage } from "./package.mjs";

process.on("unhandledRejection", (error) => {
  console.error(error);
  process.exit(1);
});

const [packageDir] = process.argv.slice(2);
const { module: q } = await loadPackage(packageDir, "query.js");

const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const problem = (status, title) => json(status, { type: "about:blank", title, status });
const project = (id) => ({ id, name: `project ${id}` });

// The fake server: five projects, `stats` counts the requests by path.
const requests = [];
const all = [1, 2, 3, 4, 5].map((i) => project(`p${i}`));
async function fakeFetch(url, init) {
  const { pathname, searchParams } = new URL(url);
  requests.push({ method: init.method, pathname, search: searchParams.toString(), signal: init.signal, body: init.body });
  if (init.method === "GET" && pathname === "/api/v2/projects") {
    const page = Number(searchParams.get("page") ?? "1");
    const perPage = Number(searchParams.get("per_page") ?? "20");
    const items = all.slice((page - 1) * perPage, page * perPage);
    return json(200, { items, page, per_page: perPage, total: all.length });
  }
  if (init.method === "POST" && pathname === "/api/v2/projects") {
    const body = JSON.parse(init.body);
    return body.name === "taken" ? problem(409, "Conflict") : json(201, { ...project("new"), name: body.name });
  }
  const match = /^\/api\/v2\/projects\/([^/]+)$/.exec(pathname);
  if (init.method === "GET" && match) {
    const found = all.find((p) => p.id === match[1]);
    return found ? json(200, found) : problem(404, "No such project");
  }
  if (init.method === "GET" && pathname === "/api/v2/admin/stats") return json(200, { users: 1 });
  return problem(500, `unexpected ${init.method} ${pathname}`);
}
const options = { baseUrl: "http://127.0.0.1:9", token: "t", fetch: fakeFetch };
const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
const count = (pathname) => requests.filter((r) => r.pathname === pathname && r.method === "GET").length;

// The keys: below the package's and the tag's, with the request.
assert.deepEqual(q.queryKeys.all, ["devora-api-client"]);
assert.deepEqual(q.queryKeys.projects.all, ["devora-api-client", "projects"]);
const getP2 = q.getProjectQueryOptions(options, { path: { project_id: "p2" } });
assert.deepEqual(getP2.queryKey, ["devora-api-client", "projects", "getProject", { path: { project_id: "p2" } }]);

// A query resolves to the body; fetch got TanStack's signal.
assert.deepEqual(await client.fetchQuery(getP2), project("p2"));
const last = requests.at(-1);
assert.equal(last.pathname, "/api/v2/projects/p2");
assert.ok(last.signal instanceof AbortSignal, "the query's signal reaches fetch");

// An error status rejects with an ApiError carrying the status and the problem.
const missing = q.getProjectQueryOptions(options, { path: { project_id: "nope" } });
await assert.rejects(client.fetchQuery(missing), (error) => {
  assert.ok(q.isApiError(error), String(error));
  assert.ok(error instanceof Error);
  assert.equal(error.status, 404);
  assert.equal(error.body.title, "No such project");
  return true;
});
assert.equal(client.getQueryState(missing.queryKey).status, "error");

// An infinite query walks the pages (2 per page of 5) until the last, then stops.
const infinite = await client.fetchInfiniteQuery({
  ...q.listProjectsInfiniteQueryOptions(options, { query: { per_page: 2 } }),
  pages: 10,
});
assert.deepEqual(infinite.pageParams, [1, 2, 3]);
assert.deepEqual(infinite.pages.map((page) => page.items.map((p) => p.id)), [["p1", "p2"], ["p3", "p4"], ["p5"]]);
const listed = requests.filter((r) => r.pathname === "/api/v2/projects").map((r) => r.search);
assert.deepEqual(listed, ["per_page=2&page=1", "per_page=2&page=2", "per_page=2&page=3"].map((s) => new URLSearchParams(s).toString()));

// invalidateQueries with the tag's key refetches the tag's active queries, not another tag's.
const observers = [getP2, q.adminStatsQueryOptions(options)].map((o) => new QueryObserver(client, o));
const unsubscribe = observers.map((observer) => observer.subscribe(() => {}));
await new Promise((resolve) => setTimeout(resolve, 20));
const [before, statsBefore] = [count("/api/v2/projects/p2"), count("/api/v2/admin/stats")];
await client.invalidateQueries({ queryKey: q.queryKeys.projects.all });
assert.equal(count("/api/v2/projects/p2"), before + 1, "the projects query was refetched");
assert.equal(count("/api/v2/admin/stats"), statsBefore, "the admin query was not");
unsubscribe.forEach((stop) => stop());

// A mutation resolves to the 2xx body, or rejects with an ApiError.
const create = new MutationObserver(client, q.createProjectMutationOptions(options));
assert.deepEqual(create.options.mutationKey, ["devora-api-client", "projects", "createProject"]);
assert.equal((await create.mutate({ body: { name: "fresh" } })).name, "fresh");
await assert.rejects(create.mutate({ body: { name: "taken" } }), (error) => q.isApiError(error) && error.status === 409);

client.clear();
console.log("ok");
