// A front-end program written against the generated package, type-checked with the strictest
// settings. It must compile; the `@ts-expect-error` lines must not (they prove the types bite).
import {
  createClient,
  validateUserCreate,
  isProject,
  type Project,
  type ProjectPage,
  type UserCreate,
  type GetProjectResponse,
  type SubscriptionStatus,
  type ValidationError,
} from "../../generated/typescript/index.js";

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
