// A TypeScript user's module, type-checked against the installed package's declarations under
// NodeNext and Bundler resolution, with and without the DOM library (`@types/node` instead).
import {
  createClient,
  getProject,
  validateUserCreate,
  UserCreateSchema,
  SubscriptionStatusValues,
  StreamRefusedError,
  type ClientOptions,
  type Project,
  type StandardSchemaV1,
  type SubscriptionStatus,
  type ValidationError,
} from "devora-api-client";
import { isProject, validateProject } from "devora-api-client/validators";
import { listProjects, streamGenerationJob, type Client } from "devora-api-client/client";
import type { UserCreate, JobEvent } from "devora-api-client/types";
import { ProjectZod, UserCreateZod } from "devora-api-client/zod";
import type { z } from "zod";

const options: ClientOptions = { baseUrl: "https://api.example.com", token: () => "token" };
const client: Client = createClient(options);

export async function name(id: string, signal: AbortSignal): Promise<string> {
  const answer = await getProject(options, { path: { project_id: id } }, { signal });
  if (answer.status === 200) return answer.body.name;
  if (answer.status === 304) return "unchanged";
  return answer.body.title;
}

export async function count(): Promise<number> {
  const page = await listProjects(options, { query: { per_page: 10 } });
  const same = await client.listProjects();
  return page.status === 200 && same.status === 200 ? page.body.items.length + same.body.items.length : 0;
}

export async function progress(job_id: string): Promise<number[]> {
  const seen: number[] = [];
  try {
    for await (const event of streamGenerationJob(options, { path: { job_id } })) {
      const typed: JobEvent = event;
      if (typed.type === "progress") seen.push(typed.progress);
    }
  } catch (error) {
    if (error instanceof StreamRefusedError) return [error.status];
    throw error;
  }
  return seen;
}

export function check(form: unknown): UserCreate | ValidationError[] {
  const result = validateUserCreate(form);
  return result.ok ? result.value : result.errors;
}

export function project(value: unknown): Project | ValidationError[] {
  if (isProject(value)) return value;
  const result = validateProject(value);
  return result.ok ? result.value : result.errors;
}

export const schema: StandardSchemaV1<UserCreate> = UserCreateSchema;
export const statuses: readonly SubscriptionStatus[] = SubscriptionStatusValues;
export const first: "inactive" = SubscriptionStatusValues[0];

// The Zod schemas are declared as the contract's types.
export function parsed(form: unknown): UserCreate | undefined {
  const result = UserCreateZod.safeParse(form);
  return result.success ? result.data : undefined;
}
export type Parsed = z.infer<typeof ProjectZod>;
export const sameType: Project = {} as Parsed;
