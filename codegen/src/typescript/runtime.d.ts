/** One broken rule: where (a JSON pointer into the value), which keyword, and what is wrong. */
export interface ValidationError {
    path: string;
    keyword: string;
    message: string;
    /** For `required`: the missing property (`path` is the object's). */
    property?: string;
}
/** The outcome of a `validateX` function. */
export type ValidationResult<T> = {
    ok: true;
    value: T;
} | {
    ok: false;
    errors: ValidationError[];
};
/** `Object.prototype.hasOwnProperty`, safe for keys such as `__proto__` or `hasOwnProperty`. */
export declare const has: (o: object, key: string) => boolean;
/** Whether a value is a JSON object (not null, not an array). */
export declare function isObject(x: unknown): x is Record<string, unknown>;
/** JSON equality: same type, numbers by value, objects regardless of key order. */
export declare function equal(a: unknown, b: unknown): boolean;
/** Whether the items of an array are pairwise different (JSON equality). */
export declare function unique(items: readonly unknown[]): boolean;
/** Length in Unicode code points, as JSON Schema counts it. */
export declare function length(s: string): number;
/**
 * Puts the errors recorded from index `from` on under `segment` (a JSON-pointer segment with its
 * `/`): a validator records errors at the value it checks, and its caller nests them under the
 * property or item it was called on, so that paths are built only for errors.
 */
export declare function nest(errors: ValidationError[], from: number, segment: string): void;
/** Whether `s` has a code unit in `from`..=`to`: the pattern `[A-Z]` (`from` 65, `to` 90) as a scan. */
export declare function hasCharIn(s: string, from: number, to: number): boolean;
/** Escapes one JSON-pointer segment. */
export declare function esc(key: string | number): string;
/** `value` is an exact multiple of `divisor` in decimal, as the Rust crate decides (0.0075 of 0.0001 is; 0.30000000001 of 0.01 is not). */
export declare function multipleOf(value: number, divisor: number): boolean;
/** RFC 3339 `full-date`. */
export declare function isDate(s: string): boolean;
/** RFC 3339 `full-time`, a leap second only when it falls at 23:59:60 UTC. */
export declare function isTime(s: string): boolean;
/** RFC 3339 `date-time`. */
export declare function isDateTime(s: string): boolean;
/** A hyphenated UUID. */
export declare function isUuid(s: string): boolean;
/** Dotted-quad IPv4, no leading zeros. */
export declare function isIpv4(s: string): boolean;
/** IPv6 text form with `::` compression and an optional trailing dotted quad. */
export declare function isIpv6(s: string): boolean;
/** An ASCII hostname (RFC 1123 labels), at most 253 characters; `xn--` labels must decode to valid IDNA labels. */
export declare function isHostname(s: string): boolean;
/** An email address (RFC 5322 addr-spec, optionally `Name <addr>`), with an ASCII local part. */
export declare function isEmail(s: string): boolean;
/** An absolute URI (RFC 3986), IPv6 literals checked. */
export declare function isUri(s: string): boolean;
/** A URI reference (RFC 3986): an absolute URI or a relative reference. */
export declare function isUriReference(s: string): boolean;
/** An ISO 8601 duration as RFC 3339 appendix A writes it (`P1Y2M`, `PT1H30M`, `P2W`), as the Rust crate checks it. */
export declare function isDuration(s: string): boolean;
/** A JSON pointer (RFC 6901): empty, or `/`-separated reference tokens. */
export declare function isJsonPointer(s: string): boolean;
/** A relative JSON pointer: a non-negative integer without leading zeros, then `#` or a JSON pointer. */
export declare function isRelativeJsonPointer(s: string): boolean;
/** A URI template (RFC 6570, level 4), as the Rust crate parses it. */
export declare function isUriTemplate(s: string): boolean;
/**
 * An ECMA-262 regular expression as the Rust crate reads one: the `u`-flag grammar, widened with
 * the identity escapes of patterns without the flag (a backslash before any character that is not
 * alphanumeric), and `\p{...}` checked for its shape only. The pattern is rewritten to that
 * grammar (such escapes as `\u{...}`, properties as `\p{L}`) and handed to `RegExp`.
 */
export declare function isRegex(s: string): boolean;
/** An IRI (RFC 3987), as `fluent-uri` parses one for the Rust crate. */
export declare function isIri(s: string): boolean;
/** An IRI reference (RFC 3987): an IRI or a relative reference. */
export declare function isIriReference(s: string): boolean;
/** The format checkers validators may call, by format name. */
export declare const formats: Record<string, (s: string) => boolean>;
/**
 * The Standard Schema interface, version 1 (https://standardschema.dev), inlined so that the
 * package has no dependency: form libraries and other consumers accept any value of this shape.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
    /** The Standard Schema properties. */
    readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}
export declare namespace StandardSchemaV1 {
    /** The Standard Schema properties interface. */
    interface Props<Input = unknown, Output = Input> {
        /** The version number of the standard. */
        readonly version: 1;
        /** The vendor name of the schema library. */
        readonly vendor: string;
        /** Validates unknown input values. */
        readonly validate: (value: unknown, options?: Options | undefined) => Result<Output> | Promise<Result<Output>>;
        /** Inferred types associated with the schema. */
        readonly types?: Types<Input, Output> | undefined;
    }
    /** The result interface of the validate function. */
    type Result<Output> = SuccessResult<Output> | FailureResult;
    /** The result interface if validation succeeds. */
    interface SuccessResult<Output> {
        /** The typed output value. */
        readonly value: Output;
        /** A falsy value for `issues` indicates success. */
        readonly issues?: undefined;
    }
    /** Options of the validate function. */
    interface Options {
        /** Explicit support for additional vendor-specific parameters, if needed. */
        readonly libraryOptions?: Record<string, unknown> | undefined;
    }
    /** The result interface if validation fails. */
    interface FailureResult {
        /** The issues of failed validation. */
        readonly issues: ReadonlyArray<Issue>;
    }
    /** The issue interface of the failure output. */
    interface Issue {
        /** The error message of the issue. */
        readonly message: string;
        /** The path of the issue, if any. */
        readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
    }
    /** The path segment interface of the issue. */
    interface PathSegment {
        /** The key representing a path segment. */
        readonly key: PropertyKey;
    }
    /** The Standard Schema types interface. */
    interface Types<Input = unknown, Output = Input> {
        /** The input type of the schema. */
        readonly input: Input;
        /** The output type of the schema. */
        readonly output: Output;
    }
    /** Infers the input type of a Standard Schema. */
    type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["input"];
    /** Infers the output type of a Standard Schema. */
    type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["output"];
}
/**
 * A generated validator as a Standard Schema (v1) of vendor `vendor`: `validate` answers
 * `{ value }`, or `{ issues }` with each error's message and path (an array of keys).
 */
export declare function standardSchema<T>(vendor: string, validate: (value: unknown) => ValidationResult<T>): StandardSchemaV1<T>;
