// A front-end program written against the generated package, type-checked with the strictest
// settings. It must compile; the `@ts-expect-error` lines must not (they prove the types bite).
import {
  createClient,
  getProject,
  listProjects,
  validateUserCreate,
  isProject,
  UserCreateSchema,
  SubscriptionStatusValues,
  UnexpectedResponseError,
  RequestTimeoutError,
  refreshToken,
  type Client,
  type ClientOptions,
  type Project,
  type ProjectPage,
  type UserCreate,
  type GetProjectResponse,
  type SubscriptionStatus,
  type StandardSchemaV1,
  type ValidationError,
} from "../../generated/typescript/index.js";
import type { StandardSchemaV1 as Spec } from "@standard-schema/spec";
import { standardSchemaResolver } from "@hookform/resolvers/standard-schema";
import type { Resolver } from "react-hook-form";

const client = createClient({ baseUrl: "http://127.0.0.1:8080", token: () => "token", validateResponses: true });

export async function showProject(id: string, signal: AbortSignal): Promise<string> {
  const answer: GetProjectResponse = await client.getProject({ path: { project_id: id } }, { signal });
  switch (answer.status) {
    case 200: {
      const project: Project = answer.body;
      const etag = answer.headers.get("ETag");
      return `${project.name} (${project.files.length} files, ${project.description ?? "no description"}, ${etag ?? ""})`;
    }
    case 304:
      return "unchanged";
    default:
      return `${answer.status}: ${answer.body.title}`;
  }
}

export function check(form: unknown): UserCreate | ValidationError[] {
  const result = validateUserCreate(form);
  return result.ok ? result.value : result.errors;
}

export function label(status: SubscriptionStatus): string {
  switch (status) {
    case "inactive":
      return "Inactive";
    case "active":
      return "Active";
    case "canceled":
      return "Canceled";
    case "past_due":
      return "Past due";
  }
}

export async function create(): Promise<void> {
  const created = await client.createProject({ body: { name: "Landing page" } });
  if (created.status === 201 && isProject(created.body)) console.log(created.body.id);
  // @ts-expect-error: `name` is required.
  await client.createProject({ body: {} });
  // @ts-expect-error: no such property under exactOptionalPropertyTypes.
  await client.createProject({ body: { name: "x", description: undefined } });
  const page = await client.listProjects({ query: { page: 2, per_page: 50 } });
  if (page.status === 200) {
    const first: Project | undefined = page.body.items[0];
    console.log(first?.name);
  }
  const health = await client.health();
  if (health.status === 200) console.log(health.body.status);
}

export function names(page: ProjectPage): string[] {
  return page.items.map((project: Project) => project.name);
}

// One function per operation, with the client's options first; `createClient` has them all as methods.
const options: ClientOptions = { baseUrl: "http://127.0.0.1:8080", token: "token" };
export async function standalone(id: string): Promise<string | undefined> {
  const answer = await getProject(options, { path: { project_id: id } });
  const page = await listProjects(options);
  // @ts-expect-error: the request is required.
  await getProject(options);
  return answer.status === 200 && page.status === 200 ? answer.body.name : undefined;
}
export const api: Client = createClient(options);
export const same: (request: Parameters<typeof getProject>[1]) => Promise<GetProjectResponse> = api.getProject;
export const unexpected: boolean = new UnexpectedResponseError(418, null, new Headers()).status === 418;

// `XSchema` is a Standard Schema as the specification types it, and react-hook-form's resolver
// takes it, inferring the form's values.
export const spec: Spec<UserCreate> = UserCreateSchema;
export const inlined: StandardSchemaV1<UserCreate> = UserCreateSchema;
export const resolver: Resolver<UserCreate, unknown, UserCreate> = standardSchemaResolver(UserCreateSchema);
export type Output = StandardSchemaV1.InferOutput<typeof UserCreateSchema>;
export const output: Output extends UserCreate ? (UserCreate extends Output ? true : false) : false = true;

// `XValues` lists the values of a string enum: its items are exactly the enum's type.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const values: Equal<(typeof SubscriptionStatusValues)[number], SubscriptionStatus> = true;
export const listed: readonly SubscriptionStatus[] = SubscriptionStatusValues;
// @ts-expect-error: a readonly tuple.
SubscriptionStatusValues.push("active");

// Middleware, retries, timeouts and refresh on 401 are typed options.
let tokens: { access: string; refresh: string } | undefined;
export const resilient: Client = createClient({
  baseUrl: "http://127.0.0.1:8080",
  token: () => tokens?.access,
  onRequest: [(request) => { request.headers.set("X-Trace", "1"); }, (request) => new Request(request)],
  onResponse: (response, request) => (request.method === "GET" ? response : undefined),
  onError: async (error) => { if (error instanceof RequestTimeoutError) console.warn(error.timeoutMs); },
  retry: { attempts: 3, maxDelayMs: 5000 },
  timeoutMs: 10000,
  auth: {
    refresh: async () => {
      const answer = await refreshToken({ baseUrl: "http://127.0.0.1:8080" }, { body: { refresh_token: tokens?.refresh ?? "" } });
      tokens = answer.status === 200 ? { access: answer.body.access_token, refresh: answer.body.refresh_token } : undefined;
      return tokens?.access;
    },
  },
});
export const perCall = resilient.getMe({ timeoutMs: 500 });
// @ts-expect-error: a hook takes a Request, not a string.
createClient({ baseUrl: "", onRequest: (request: string) => request });
// @ts-expect-error: refresh answers a promise.
createClient({ baseUrl: "", auth: { refresh: () => "token" } });
