// The static half of the client: options, errors, `send` (one request, its answer checked by
// status) and `stream` (Server-Sent Events). The generated functions of `client.ts` call `send`
// and `stream`; the options and error classes are re-exported from there.
import type { ValidationError, ValidationResult } from "./runtime.js";

/** Called with every request before it is sent; may answer a replacement (such as one with a header added). */
export type RequestHook = (request: Request) => Request | void | Promise<Request | void>;
/** Called with every response before its status is checked; may answer a replacement. */
export type ResponseHook = (response: Response, request: Request) => Response | void | Promise<Response | void>;
/** Called when a request fails without a response (a network error, a timeout, an abort); the error is thrown after. */
export type ErrorHook = (error: unknown, request: Request) => void | Promise<void>;

/** Retries of `429` and `503` answers (opt-in). */
export interface RetryOptions {
  /** Attempts in all, the first one included (default 3). */
  attempts?: number;
  /** The longest wait between two attempts, whatever `Retry-After` says (default 30000). */
  maxDelayMs?: number;
}

/** Refresh on `401` (opt-in). */
export interface AuthOptions {
  /**
   * Gets a new access token (such as with `refreshToken` and a stored refresh token, storing the
   * new pair so that `token` answers it), or `undefined` (or throws) when it cannot. Called once
   * for any number of concurrent calls that got a `401`.
   */
  refresh: () => Promise<string | undefined>;
}

/** Options of `createClient` and of every operation's function (their first argument). */
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
  /** Middleware run on every request, in order; with it, `fetch` is called with the resulting `Request`. */
  onRequest?: RequestHook | RequestHook[];
  /** Middleware run on every response, in order. */
  onResponse?: ResponseHook | ResponseHook[];
  /** Middleware run on every failed request (no response), in order. */
  onError?: ErrorHook | ErrorHook[];
  /**
   * Retry `429` and `503` answers after `Retry-After` (seconds or an HTTP date), or a backoff
   * when absent. `GET`, `HEAD`, `PUT`, `DELETE` and `OPTIONS` are retried; other methods only
   * when the request carries an `Idempotency-Key` header.
   */
  retry?: RetryOptions;
  /** Milliseconds an attempt (request and body) may take before it fails with `RequestTimeoutError`. */
  timeoutMs?: number;
  /** Refresh the token once on a `401` of a bearer operation and send the request again. */
  auth?: AuthOptions;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** The call's timeout, in place of the client's (`ClientOptions.timeoutMs`). */
  timeoutMs?: number;
}

/** An attempt took longer than its `timeoutMs`. */
export class RequestTimeoutError extends Error {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`the request timed out after ${timeoutMs} ms`);
    this.name = "RequestTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/** The server answered a status the contract does not declare for the operation. */
export class UnexpectedResponseError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;

  constructor(status: number, body: unknown, headers: Headers) {
    super(`unexpected response status ${status}`);
    this.name = "UnexpectedResponseError";
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** A response body broke the contract (only with `validateResponses`). */
export class ResponseValidationError extends Error {
  readonly status: number;
  readonly errors: ValidationError[];
  readonly body: unknown;

  constructor(status: number, errors: ValidationError[], body: unknown) {
    super(`the ${status} response breaks the contract: ${errors.map((e) => `${e.path || "/"} ${e.message}`).join("; ")}`);
    this.name = "ResponseValidationError";
    this.status = status;
    this.errors = errors;
    this.body = body;
  }
}

/** The validator of a declared status's body (`null`: no body to check). */
type Check = ((value: unknown) => ValidationResult<unknown>) | null;

/** A request as the generated functions describe it. */
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

/**
 * A path parameter as one URL path segment, percent-encoded. `.` and `..` are refused: URLs resolve
 * them away, so the request would reach this resource's parent (`encodeURIComponent` leaves dots
 * alone, and `%2E` is resolved the same).
 */
export function segment(value: unknown): string {
  const text = String(value);
  if (text === "." || text === "..") throw new TypeError(`a path parameter cannot be "${text}": URLs resolve it away`);
  return encodeURIComponent(text);
}

/** The URL and `RequestInit` of a request: query, headers (the call's, then the request's), token and body. */
async function build(options: ClientOptions, request: Prepared, call: CallOptions | undefined, token?: string): Promise<[URL, RequestInit]> {
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
  if (request.secured && token !== undefined) headers.set("Authorization", `Bearer ${token}`);
  const init: RequestInit = { method: request.method, headers };
  if (request.hasBody) {
    headers.set("Content-Type", "application/json");
    init.body = JSON.stringify(request.body);
  }
  if (call?.signal !== undefined) init.signal = call.signal;
  return [url, init];
}

/** The body of an answer: JSON for a JSON media type, text otherwise, `undefined` when empty. */
async function payloadOf(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 304) return undefined;
  const text = await response.text();
  const type = response.headers.get("Content-Type") ?? "";
  return text.length === 0 ? undefined : /[/+]json\b/.test(type) ? JSON.parse(text) : text;
}

/** The current token of a bearer operation. */
async function tokenOf(options: ClientOptions, request: Prepared): Promise<string | undefined> {
  if (!request.secured || options.token === undefined) return undefined;
  return typeof options.token === "function" ? await options.token() : options.token;
}

function listOf<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

/** Sends one request through the middleware: `onRequest`, `fetch`, then `onResponse`, or `onError` when it fails. */
async function exchange(options: ClientOptions, url: URL, init: RequestInit): Promise<[Response, Request]> {
  const hooks = listOf(options.onRequest);
  let request = new Request(url, init);
  for (const hook of hooks) request = (await hook(request)) ?? request;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    // Without `onRequest`, `fetch` is called as `(url, init)`, as before middleware existed.
    response = await (hooks.length === 0 ? doFetch(url, init) : doFetch(request));
  } catch (error) {
    const reason = init.signal?.aborted ? init.signal.reason : error;
    for (const hook of listOf(options.onError)) await hook(reason, request);
    throw reason;
  }
  for (const hook of listOf(options.onResponse)) response = (await hook(response, request)) ?? response;
  return [response, request];
}

/** One attempt: the request sent and its answer read, within the timeout and the caller's signal. */
async function attempt(options: ClientOptions, prepared: Prepared, call: CallOptions | undefined, token: string | undefined): Promise<[Response, unknown]> {
  const [url, init] = await build(options, prepared, call, token);
  const timeoutMs = call?.timeoutMs ?? options.timeoutMs;
  const outer = call?.signal;
  if (timeoutMs === undefined) {
    const [response, sent] = await exchange(options, url, init);
    try {
      return [response, await payloadOf(response)];
    } catch (error) {
      const signal = init.signal;
      if (!signal?.aborted) throw error;
      // Aborted by the caller while the body was read: the error hooks hear of it too.
      for (const hook of listOf(options.onError)) await hook(signal.reason, sent);
      throw signal.reason;
    }
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new RequestTimeoutError(timeoutMs)), timeoutMs);
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener("abort", forward, { once: true });
  init.signal = controller.signal;
  let request: Request | undefined;
  try {
    const [response, sent] = await exchange(options, url, init);
    request = sent;
    return [response, await payloadOf(response)];
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    const reason: unknown = controller.signal.reason;
    // Aborted while the body was read: the error hooks hear of it too.
    if (request !== undefined) for (const hook of listOf(options.onError)) await hook(reason, request);
    throw reason;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", forward);
  }
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** Whether a `429` or `503` answer to `request` may be retried: an idempotent method, or an `Idempotency-Key`. */
function retryable(options: ClientOptions, request: Prepared, call: CallOptions | undefined): boolean {
  if (IDEMPOTENT.has(request.method)) return true;
  const names = [
    ...Object.keys(options.headers ?? {}),
    ...Object.keys(call?.headers ?? {}),
    ...Object.entries(request.headers ?? {}).filter(([, v]) => v !== undefined && v !== null).map(([k]) => k),
  ];
  return names.some((name) => name.toLowerCase() === "idempotency-key");
}

/**
 * Milliseconds to wait before attempt `next` (2, 3, …): `Retry-After` (seconds or an HTTP date), else an
 * exponential backoff. Only a value that starts with a day name is read as a date: `Date.parse` reads
 * `1.5` as a date in 2001, which would mean no wait at all.
 */
function retryDelay(headers: Headers, next: number, maxDelayMs: number): number {
  const value = headers.get("Retry-After")?.trim();
  let ms: number | undefined;
  if (value !== undefined && /^[0-9]+$/.test(value)) ms = Number(value) * 1000;
  else if (value !== undefined && /^[A-Za-z]{3}/.test(value)) {
    const date = Date.parse(value);
    if (!Number.isNaN(date)) ms = Math.max(0, date - Date.now());
  }
  if (ms === undefined) ms = 500 * 2 ** (next - 2) * (0.5 + Math.random() / 2);
  return Math.min(ms, maxDelayMs);
}

/** The refreshes under way, by `auth` object: concurrent `401`s share one. */
const refreshing = new WeakMap<AuthOptions, Promise<string | undefined>>();

/** The last refresh that ended, by `auth` object: how many have ended, and its token (`undefined`: it failed). */
const refreshes = new WeakMap<AuthOptions, { count: number; token: string | undefined }>();

/** A new token from `auth.refresh`, shared by the calls that ask while it runs; `undefined` when it fails. */
function refreshed(auth: AuthOptions): Promise<string | undefined> {
  let pending = refreshing.get(auth);
  if (pending === undefined) {
    // A `refresh` that throws at once fails like one that rejects.
    pending = new Promise<string | undefined>((resolve) => resolve(auth.refresh())).then(
      (token) => token,
      () => undefined,
    );
    const settled = pending;
    void settled.then((token) => {
      refreshes.set(auth, { count: (refreshes.get(auth)?.count ?? 0) + 1, token });
      if (refreshing.get(auth) === settled) refreshing.delete(auth);
    });
    refreshing.set(auth, pending);
  }
  return pending;
}

/**
 * Sends `request`; a status outside `statuses` throws, a body that breaks its check throws with `validateResponses`.
 * With `retry`, a `429` or `503` is sent again; with `auth`, a `401` of a bearer operation is sent again once
 * with a refreshed token (a failed refresh answers the `401`).
 */
export async function send(options: ClientOptions, request: Prepared, statuses: Record<number, Check>, call: CallOptions | undefined): Promise<Raw> {
  const attempts = options.retry === undefined ? 1 : Math.max(1, options.retry.attempts ?? 3);
  const maxDelayMs = options.retry?.maxDelayMs ?? 30000;
  // The refreshes ended before the token was read: a 401 after a later one retries with its token.
  const before = options.auth === undefined ? 0 : (refreshes.get(options.auth)?.count ?? 0);
  let token = await tokenOf(options, request);
  let refreshedOnce = false;
  let tries = 0;
  for (;;) {
    tries += 1;
    const [response, payload] = await attempt(options, request, call, token);
    if (response.status === 401 && request.secured && options.auth !== undefined && !refreshedOnce) {
      refreshedOnce = true;
      // Another call may have refreshed the token since this one read it: the token as it is now,
      // if it changed; else the token of the refresh under way, or of one that ended since this
      // call read its token (a slow token function may still return the old one); else a refresh.
      const auth = options.auth;
      const since = () => {
        const last = refreshes.get(auth);
        return last !== undefined && last.count !== before ? last : undefined;
      };
      let fresh: string | undefined;
      if (!refreshing.has(auth) && since() === undefined) {
        const current = await tokenOf(options, request);
        if (current !== undefined && current !== token) fresh = current;
      }
      if (fresh === undefined) {
        const last = refreshing.has(auth) ? undefined : since();
        fresh = last !== undefined ? last.token : await refreshed(auth);
      }
      if (fresh !== undefined) {
        token = fresh;
        tries -= 1;
        continue;
      }
    }
    if ((response.status === 429 || response.status === 503) && tries < attempts && retryable(options, request, call)) {
      await sleep(retryDelay(response.headers, tries + 1, maxDelayMs), call?.signal);
      continue;
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
}

/** Per-call options of an event stream (Server-Sent Events). */
export interface StreamOptions extends CallOptions {
  /** Resume after this event: sent as `Last-Event-ID` with the first request. */
  lastEventId?: string;
  /** Reconnections in a row, without an event received between them, before giving up (default 5). */
  maxReconnects?: number;
  /** Milliseconds to wait before reconnecting until the server sends `retry:` (default 1000). */
  retryMs?: number;
}

/** An event's `data` is not JSON, or breaks the contract (every event is checked). */
export class EventValidationError extends Error {
  readonly errors: ValidationError[];
  readonly data: string;
  readonly id: string | undefined;

  constructor(errors: ValidationError[], data: string, id: string | undefined) {
    super(`an event breaks the contract: ${errors.map((e) => `${e.path || "/"} ${e.message}`).join("; ")}`);
    this.name = "EventValidationError";
    this.errors = errors;
    this.data = data;
    this.id = id;
  }
}

/** The server refused the stream with a status the contract declares (its body: the problem). */
export class StreamRefusedError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;

  constructor(status: number, body: unknown, headers: Headers) {
    super(`the event stream was refused with status ${status}`);
    this.name = "StreamRefusedError";
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** The connection dropped and reconnecting failed `attempts` times in a row. */
export class StreamInterruptedError extends Error {
  readonly lastEventId: string | undefined;
  readonly attempts: number;
  override readonly cause: unknown;

  constructor(lastEventId: string | undefined, attempts: number, cause: unknown) {
    super(`the event stream was interrupted and could not be resumed after ${attempts} attempt(s)`);
    this.name = "StreamInterruptedError";
    this.lastEventId = lastEventId;
    this.attempts = attempts;
    this.cause = cause;
  }
}

/** One dispatched event: the last event id at its dispatch, and its data lines joined. */
interface ServerEvent {
  id: string | undefined;
  data: string;
}

/** The Server-Sent Events wire format (WHATWG HTML, "Parsing an event stream"), fed text as it arrives. */
class EventParser {
  private buffer = "";
  private data: string[] = [];
  /** The id of the event being read (`id:`); it becomes `lastEventId` when the event ends. */
  private id: string | undefined;
  /** The id of the last event that ended (data or not); it survives reconnections. */
  lastEventId: string | undefined;
  /** The reconnection delay the server asked for (`retry:`), in milliseconds. */
  retry: number | undefined;

  constructor(lastEventId: string | undefined) {
    this.lastEventId = lastEventId;
    this.id = lastEventId;
  }

  /** The events completed by `text`. Lines end with CRLF, LF or CR; a CR at the end waits for a possible LF. */
  push(text: string): ServerEvent[] {
    this.buffer += text;
    const events: ServerEvent[] = [];
    for (;;) {
      const end = /\r\n|\r|\n/.exec(this.buffer);
      if (end === null || (end[0] === "\r" && end.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, end.index);
      this.buffer = this.buffer.slice(end.index + end[0].length);
      const event = this.line(line);
      if (event !== undefined) events.push(event);
    }
    return events;
  }

  private line(line: string): ServerEvent | undefined {
    if (line === "") {
      const data = this.data;
      this.data = [];
      this.lastEventId = this.id;
      return data.length === 0 ? undefined : { id: this.lastEventId, data: data.join("\n") };
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.id = value;
    else if (field === "retry" && /^[0-9]+$/.test(value)) this.retry = Number(value);
    return undefined;
  }
}

/** Waits `ms` milliseconds, or rejects when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The events of an event-stream operation (answered with `status`), each `data` parsed as JSON and checked by `check`.
 * The iteration ends when the server ends the stream; a dropped connection (the body fails, or
 * a reconnection cannot connect) is resumed with `Last-Event-ID` after `retry:` milliseconds.
 */
export async function* stream<E>(
  options: ClientOptions,
  request: Prepared,
  status: number,
  check: (value: unknown) => ValidationResult<E>,
  statuses: Record<number, Check>,
  call: StreamOptions | undefined,
): AsyncGenerator<E, void, undefined> {
  const maxReconnects = call?.maxReconnects ?? 5;
  let lastEventId = call?.lastEventId;
  let delay = call?.retryMs ?? 1000;
  let failures = 0;
  let opened = false;
  for (;;) {
    const [url, init] = await build(options, request, call, await tokenOf(options, request));
    const headers = init.headers as Headers;
    headers.set("Accept", "text/event-stream");
    // An empty id (the server reset it) is not sent, as the event-stream standard says.
    if (lastEventId) headers.set("Last-Event-ID", lastEventId);
    let dropped: unknown = undefined;
    let response: Response | undefined;
    try {
      [response] = await exchange(options, url, init);
    } catch (error) {
      if (!opened || call?.signal?.aborted) throw error;
      dropped = error;
    }
    if (response !== undefined) {
      if (response.status !== status) {
        const payload = await payloadOf(response);
        if (!Object.prototype.hasOwnProperty.call(statuses, response.status)) {
          throw new UnexpectedResponseError(response.status, payload, response.headers);
        }
        const problem = statuses[response.status];
        if (options.validateResponses && problem) {
          const result = problem(payload);
          if (!result.ok) throw new ResponseValidationError(response.status, result.errors, payload);
        }
        throw new StreamRefusedError(response.status, payload, response.headers);
      }
      opened = true;
      if (response.body === null) return;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parser = new EventParser(lastEventId);
      try {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (error) {
            if (call?.signal?.aborted) throw error;
            dropped = error;
            break;
          }
          if (chunk.done) return;
          for (const event of parser.push(decoder.decode(chunk.value, { stream: true }))) {
            let value: unknown;
            try {
              value = JSON.parse(event.data);
            } catch {
              throw new EventValidationError([{ path: "", keyword: "type", message: "the data is not JSON" }], event.data, event.id);
            }
            const result = check(value);
            if (!result.ok) throw new EventValidationError(result.errors, event.data, event.id);
            lastEventId = event.id;
            failures = 0;
            yield result.value;
          }
          lastEventId = parser.lastEventId;
          delay = parser.retry ?? delay;
        }
      } finally {
        reader.cancel().catch(() => undefined);
      }
    }
    failures += 1;
    if (failures > maxReconnects) throw new StreamInterruptedError(lastEventId, failures - 1, dropped);
    await sleep(delay, call?.signal);
  }
}
