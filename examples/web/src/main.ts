// The page's whole behaviour, on the generated package and the DOM: the forms are checked with the
// generated validators before anything is sent, the calls go through the generated client, and an
// access token that expired is refreshed by the client (its `auth.refresh`) without the user seeing it.
import { createClient, type Problem, type Project, type TokenResponse } from "devora-api-client";
import {
  type ValidationError,
  validateProjectCreate,
  validateUserCreate,
  validateUserLogin,
} from "devora-api-client/validators";

/** The API, from `?api=` (the page and the API are two origins: the server must list this one in `CORS_ORIGINS`). */
const baseUrl = new URLSearchParams(location.search).get("api") ?? "http://127.0.0.1:8080";

/** The signed-in session, in memory only: a reload signs out. */
let session: TokenResponse | undefined;

const api = createClient({
  baseUrl,
  token: () => session?.access_token,
  validateResponses: true,
  auth: {
    // Called once for any number of calls that got a `401`: a new pair for the stored refresh token.
    refresh: async () => {
      if (session === undefined) return undefined;
      const answer = await api.refreshToken({ body: { refresh_token: session.refresh_token } });
      session = answer.status === 200 ? answer.body : undefined;
      return session?.access_token;
    },
  },
});

function element<T extends HTMLElement>(selector: string, root: ParentNode = document): T {
  const found = root.querySelector<T>(selector);
  if (found === null) throw new Error(`the page has no ${selector}`);
  return found;
}

const accountForm = element<HTMLFormElement>("#account");
const projectForm = element<HTMLFormElement>("#project");
const statusLine = element("#status");
const problem = element("#problem");

function field(form: HTMLFormElement, name: string): string {
  return element<HTMLInputElement>(`[name="${name}"]`, form).value;
}

/**
 * Shows each error under its field (`/password` or, from the server, `/body/password`); an error
 * of no field shown goes under the form. Empties every list first.
 */
function showErrors(form: HTMLFormElement, errors: readonly ValidationError[]): void {
  const lists = Array.from(form.querySelectorAll<HTMLUListElement>("[data-errors-for]"));
  for (const list of lists) list.replaceChildren();
  for (const error of errors) {
    const pointer = error.path.replace(/^\/body/, "");
    const name = error.keyword === "required" && error.property !== undefined ? error.property : pointer.slice(1);
    const list = lists.find((l) => l.dataset.errorsFor === name) ?? lists.find((l) => l.dataset.errorsFor === "");
    const item = document.createElement("li");
    item.textContent = error.message;
    list?.append(item);
  }
}

function showProblem(form: HTMLFormElement, answer: Problem): void {
  problem.textContent = answer.detail ?? answer.title;
  showErrors(form, answer.errors ?? []);
}

function clearMessages(form: HTMLFormElement): void {
  showErrors(form, []);
  problem.textContent = "";
}

async function register(): Promise<void> {
  const checked = validateUserCreate({
    email: field(accountForm, "email"),
    password: field(accountForm, "password"),
    full_name: field(accountForm, "full_name"),
  });
  // A form the contract refuses is never sent.
  if (!checked.ok) return showErrors(accountForm, checked.errors);
  const answer = await api.register({ body: checked.value });
  if (answer.status !== 201) return showProblem(accountForm, answer.body);
  statusLine.textContent = `Registered as ${answer.body.email}: you can log in.`;
}

async function logIn(): Promise<void> {
  const checked = validateUserLogin({ email: field(accountForm, "email"), password: field(accountForm, "password") });
  if (!checked.ok) return showErrors(accountForm, checked.errors);
  const answer = await api.login({ body: checked.value });
  if (answer.status !== 200) return showProblem(accountForm, answer.body);
  session = answer.body;
  statusLine.textContent = `Signed in as ${checked.value.email}.`;
  element("#projects").hidden = false;
  await listProjects();
}

async function listProjects(): Promise<void> {
  const answer = await api.listProjects({ query: { per_page: 100 } });
  if (answer.status === 304) return;
  if (answer.status !== 200) return showProblem(projectForm, answer.body);
  element("#project-list").replaceChildren(...answer.body.items.map(projectItem));
}

function projectItem(project: Project): HTMLLIElement {
  const item = document.createElement("li");
  item.textContent = project.name;
  item.dataset.id = project.id;
  return item;
}

async function createProject(): Promise<void> {
  const checked = validateProjectCreate({ name: field(projectForm, "name") });
  if (!checked.ok) return showErrors(projectForm, checked.errors);
  const answer = await api.createProject({ body: checked.value });
  if (answer.status !== 201) return showProblem(projectForm, answer.body);
  element<HTMLInputElement>("#project-name").value = "";
  await listProjects();
}

/** Runs `action` for `form`'s submit, with its messages cleared first and its buttons off meanwhile. */
function onSubmit(form: HTMLFormElement, action: (submitter: string) => Promise<void>): void {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const submitter = event.submitter instanceof HTMLButtonElement ? event.submitter.value : "";
    const buttons = Array.from(form.querySelectorAll("button"));
    clearMessages(form);
    for (const button of buttons) button.disabled = true;
    // Tells a test (or a style) that an answer is awaited.
    document.body.dataset.busy = "true";
    action(submitter)
      .catch((error: unknown) => {
        problem.textContent = error instanceof Error ? error.message : String(error);
      })
      .finally(() => {
        for (const button of buttons) button.disabled = false;
        delete document.body.dataset.busy;
      });
  });
}

onSubmit(accountForm, (submitter) => (submitter === "login" ? logIn() : register()));
onSubmit(projectForm, createProject);
