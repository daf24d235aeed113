// A program using the generated `msw` module with msw 2's own types: the handlers go into
// `setupServer`/`setupWorker` and `server.use`, a status override takes that status's body type, a
// resolver gets msw's path parameters. It must compile; the `@ts-expect-error` lines must not.
import type { HttpHandler } from "msw";
import {
  createHandlers,
  deleteProjectHandler,
  getProjectHandler,
  handlers,
  streamGenerationJobHandler,
  type GetProjectMock,
  type MockOptions,
} from "../../generated/typescript/msw.js";
import type { JobEvent, Problem, Project } from "../../generated/typescript/types.js";

declare const project: Project;
declare const problem: Problem;
declare const event: JobEvent;

const options: MockOptions = { baseUrl: "https://api.example.com", once: true };
export const all: HttpHandler[] = [...handlers, ...createHandlers(options)];

export const overrides: HttpHandler[] = [
  getProjectHandler(),
  getProjectHandler({ status: 404 }),
  getProjectHandler({ status: 404, body: problem, headers: { "X-Request-Id": "r1" } }),
  getProjectHandler({ status: 200, body: { ...project, name: "Custom" } }, options),
  getProjectHandler({ status: 304 }),
  getProjectHandler(({ params }) => ({ status: 200, body: { ...project, id: String(params["project_id"]) } })),
  getProjectHandler(async ({ request }) => (request.headers.has("Authorization") ? { status: 200 } : { status: 401 })),
  deleteProjectHandler({ status: 204 }),
  streamGenerationJobHandler({ status: 200, body: [event, event] }),
];

export const answer: GetProjectMock = { status: 200, body: project };

// @ts-expect-error a status the operation does not declare
getProjectHandler({ status: 418 });
// @ts-expect-error a problem is not the body of a 200
getProjectHandler({ status: 200, body: problem });
// @ts-expect-error a project is not the body of a 404
getProjectHandler({ status: 404, body: project });
// @ts-expect-error a field of the wrong type
getProjectHandler({ status: 200, body: { ...project, name: 5 } });
// @ts-expect-error a 204 has no body
deleteProjectHandler({ status: 204, body: project });
// @ts-expect-error a resolver answers a declared status too
getProjectHandler(() => ({ status: 418 }));
// @ts-expect-error an event stream's body is its events
streamGenerationJobHandler({ status: 200, body: event });
// @ts-expect-error options are msw's base URL and `once`
createHandlers({ origin: "https://api.example.com" });
