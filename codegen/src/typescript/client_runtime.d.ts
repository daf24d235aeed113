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
export declare class RequestTimeoutError extends Error {
    readonly timeoutMs: number;
    constructor(timeoutMs: number);
}
/** The server answered a status the contract does not declare for the operation. */
export declare class UnexpectedResponseError extends Error {
    readonly status: number;
    readonly body: unknown;
    readonly headers: Headers;
    constructor(status: number, body: unknown, headers: Headers);
}
/** A response body broke the contract (only with `validateResponses`). */
export declare class ResponseValidationError extends Error {
    readonly status: number;
    readonly errors: ValidationError[];
    readonly body: unknown;
    constructor(status: number, errors: ValidationError[], body: unknown);
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
export declare function segment(value: unknown): string;
/**
 * Sends `request`; a status outside `statuses` throws, a body that breaks its check throws with `validateResponses`.
 * With `retry`, a `429` or `503` is sent again; with `auth`, a `401` of a bearer operation is sent again once
 * with a refreshed token (a failed refresh answers the `401`).
 */
export declare function send(options: ClientOptions, request: Prepared, statuses: Record<number, Check>, call: CallOptions | undefined): Promise<Raw>;
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
export declare class EventValidationError extends Error {
    readonly errors: ValidationError[];
    readonly data: string;
    readonly id: string | undefined;
    constructor(errors: ValidationError[], data: string, id: string | undefined);
}
/** The server refused the stream with a status the contract declares (its body: the problem). */
export declare class StreamRefusedError extends Error {
    readonly status: number;
    readonly body: unknown;
    readonly headers: Headers;
    constructor(status: number, body: unknown, headers: Headers);
}
/** The connection dropped and reconnecting failed `attempts` times in a row. */
export declare class StreamInterruptedError extends Error {
    readonly lastEventId: string | undefined;
    readonly attempts: number;
    readonly cause: unknown;
    constructor(lastEventId: string | undefined, attempts: number, cause: unknown);
}
/**
 * The events of an event-stream operation (answered with `status`), each `data` parsed as JSON and checked by `check`.
 * The iteration ends when the server ends the stream; a dropped connection (the body fails, or
 * a reconnection cannot connect) is resumed with `Last-Event-ID` after `retry:` milliseconds.
 */
export declare function stream<E>(options: ClientOptions, request: Prepared, status: number, check: (value: unknown) => ValidationResult<E>, statuses: Record<number, Check>, call: StreamOptions | undefined): AsyncGenerator<E, void, undefined>;
export {};
