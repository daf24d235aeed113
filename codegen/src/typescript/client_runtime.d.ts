import type { ValidationError, ValidationResult } from "./runtime.js";
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
}
/** Per-call options. */
export interface CallOptions {
    signal?: AbortSignal;
    headers?: Record<string, string>;
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
/** Sends `request`; a status outside `statuses` throws, a body that breaks its check throws with `validateResponses`. */
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
