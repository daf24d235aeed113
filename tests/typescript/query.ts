// A program using the generated `query` module with TanStack Query v5's own types
// (`@tanstack/query-core`): the options go straight into `fetchQuery`, `fetchInfiniteQuery`,
// `MutationObserver` and `invalidateQueries`, and the data comes out typed. It must compile; the
// `@ts-expect-error` lines must not.
import { MutationObserver, QueryClient, type InfiniteData } from "@tanstack/query-core";
import {
  createProjectMutationOptions,
  deleteProjectMutationOptions,
  getProjectQueryOptions,
  isApiError,
  listProjectsInfiniteQueryOptions,
  queryKeys,
  type ApiError,
} from "../../generated/typescript/query.js";
import type { Project, ProjectPage } from "../../generated/typescript/types.js";

const options = { baseUrl: "http://127.0.0.1:8080" };
const queryClient = new QueryClient();

export async function project(id: string): Promise<string> {
  const project: Project = await queryClient.fetchQuery(getProjectQueryOptions(options, { path: { project_id: id } }));
  return project.name;
}

export async function allProjects(): Promise<Project[]> {
  const data: InfiniteData<ProjectPage, number> = await queryClient.fetchInfiniteQuery({
    ...listProjectsInfiniteQueryOptions(options, { query: { per_page: 50 } }),
    pages: 10,
  });
  return data.pages.flatMap((page) => page.items);
}

export async function create(name: string): Promise<Project> {
  const observer = new MutationObserver(queryClient, createProjectMutationOptions(options));
  const project: Project = await observer.mutate({ body: { name } });
  await queryClient.invalidateQueries({ queryKey: queryKeys.projects.all });
  // @ts-expect-error: the request is the operation's
  await observer.mutate({ body: { title: name } });
  return project;
}

export async function remove(id: string): Promise<void> {
  const observer = new MutationObserver(queryClient, deleteProjectMutationOptions(options));
  const nothing: undefined = await observer.mutate({ path: { project_id: id } });
  return nothing;
}

export function describe(error: unknown): string {
  if (isApiError(error)) {
    const typed: ApiError = error;
    return `${typed.status}`;
  }
  return "other";
}

// @ts-expect-error: a path parameter is required
getProjectQueryOptions(options, {});
