/** Options of `createClient`. */
export interface ClientOptions {
  /** Such as `https://api.example.com` (no trailing slash needed). */
  baseUrl: string;
  /** The bearer token, or a function that returns the current one. */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
  /** Check every declared response body with the generated validators; a mismatch throws `ResponseValidationError`. */
  validateResponses?: boolean;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** The server answered a status the contract does not declare for the operation. */
export class UnexpectedResponseError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Headers,
  ) {
    super(`unexpected response status ${status}`);
    this.name = "UnexpectedResponseError";
  }
}

/** A response body broke the contract (only with `validateResponses`). */
export class ResponseValidationError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ValidationError[],
    readonly body: unknown,
  ) {
    super(`the ${status} response breaks the contract: ${errors.map((e) => `${e.path || "/"} ${e.message}`).join("; ")}`);
    this.name = "ResponseValidationError";
  }
}

type Check = ((value: unknown) => ValidationResult<unknown>) | null;

interface Prepared {
  method: string;
  path: string;
  query?: object | undefined;
  headers?: object | undefined;
  body?: unknown;
  hasBody: boolean;
  secured: boolean;
}

/** A response as every method returns it, before its status narrows the type. */
interface Raw {
  status: number;
  body: unknown;
  headers: Headers;
}

async function send(options: ClientOptions, request: Prepared, statuses: Record<number, Check>, call: CallOptions | undefined): Promise<Raw> {
  const url = new URL(options.baseUrl.replace(/\/+$/, "") + request.path);
  for (const [name, value] of Object.entries(request.query ?? {}) as [string, unknown][]) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value as unknown[]) url.searchParams.append(name, String(item));
    else url.searchParams.append(name, String(value));
  }
  const headers = new Headers(options.headers);
  for (const [name, value] of Object.entries(call?.headers ?? {})) headers.set(name, value);
  for (const [name, value] of Object.entries(request.headers ?? {}) as [string, unknown][]) {
    if (value !== undefined && value !== null) headers.set(name, String(value));
  }
  if (request.secured && options.token !== undefined) {
    const token = typeof options.token === "function" ? await options.token() : options.token;
    if (token !== undefined) headers.set("Authorization", `Bearer ${token}`);
  }
  let body: string | undefined;
  if (request.hasBody) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(request.body);
  }
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const init: RequestInit = { method: request.method, headers };
  if (body !== undefined) init.body = body;
  if (call?.signal !== undefined) init.signal = call.signal;
  const response = await doFetch(url, init);
  let payload: unknown = undefined;
  if (response.status !== 204 && response.status !== 304) {
    const text = await response.text();
    const type = response.headers.get("Content-Type") ?? "";
    payload = text.length === 0 ? undefined : /[/+]json\b/.test(type) ? JSON.parse(text) : text;
  }
  if (!Object.prototype.hasOwnProperty.call(statuses, response.status)) {
    throw new UnexpectedResponseError(response.status, payload, response.headers);
  }
  const check = statuses[response.status];
  if (options.validateResponses && check) {
    const result = check(payload);
    if (!result.ok) throw new ResponseValidationError(response.status, result.errors, payload);
  }
  return { status: response.status, body: payload, headers: response.headers };
}
