//! The rule catalog of `cargo xtask diff`: stable ids, levels and what each one means.
//!
//! "Request" means what a client sends (may only widen); "response" what the server answers (may
//! only narrow). The README's "Contract diff" section is generated from this table by a test.

/// How bad a change is for existing clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Existing clients can fail.
    Breaking,
    /// Existing clients keep working, but generated code may stop compiling or behave differently.
    Warning,
    /// Compatible.
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

/// One rule of the catalog.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub level: Level,
    pub description: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $level:ident, $description:literal;)*) => {
        $(pub const $name: &Rule = &Rule { id: $id, level: Level::$level, description: $description };)*
        /// Every rule, in catalog order.
        pub const ALL: &[&Rule] = &[$($name),*];
    };
}

rules! {
    OPERATION_REMOVED = "operation-removed", Breaking, "An operation that was not deprecated was removed.";
    DEPRECATED_OPERATION_REMOVED = "deprecated-operation-removed", Warning, "A deprecated operation was removed.";
    SECURITY_ADDED = "security-added", Breaking, "A public operation now requires credentials.";
    ROLE_ADDED = "role-added", Breaking, "An operation now requires a role (`x-required-role`) it did not require.";
    PARAMETER_ADDED_REQUIRED = "parameter-added-required", Breaking, "A new required parameter or header.";
    PARAMETER_BECAME_REQUIRED = "parameter-became-required", Breaking, "An optional parameter or header became required.";
    REQUEST_BODY_ADDED_REQUIRED = "request-body-added-required", Breaking, "An operation without a body now requires one.";
    REQUEST_BODY_BECAME_REQUIRED = "request-body-became-required", Breaking, "An optional request body became required.";
    REQUEST_MEDIA_TYPE_REMOVED = "request-media-type-removed", Breaking, "A request media type is no longer accepted.";
    REQUEST_PROPERTY_ADDED_REQUIRED = "request-property-added-required", Breaking, "A new required request property.";
    REQUEST_PROPERTY_BECAME_REQUIRED = "request-property-became-required", Breaking, "An optional request property became required.";
    REQUEST_PROPERTY_REMOVED = "request-property-removed", Breaking, "A request property was removed from an object that rejects unknown properties.";
    REQUEST_TYPE_CHANGED = "request-type-changed", Breaking, "A request value's type changed or narrowed (including no longer accepting `null`).";
    REQUEST_ENUM_VALUE_REMOVED = "request-enum-value-removed", Breaking, "A request enum lost a value, or a request union lost a variant.";
    REQUEST_CONSTRAINT_TIGHTENED = "request-constraint-tightened", Breaking, "A request constraint tightened: minLength/minimum/minItems up, maxLength/maximum/maxItems down, pattern, format or `not` added or changed, enum added, additionalProperties closed.";
    SUCCESS_STATUS_REMOVED = "success-status-removed", Breaking, "A success (2xx) status is no longer answered.";
    RESPONSE_MEDIA_TYPE_REMOVED = "response-media-type-removed", Breaking, "A response media type is no longer served.";
    RESPONSE_PROPERTY_REMOVED = "response-property-removed", Breaking, "A response property was removed.";
    RESPONSE_PROPERTY_BECAME_OPTIONAL = "response-property-became-optional", Breaking, "A required response property became optional.";
    RESPONSE_PROPERTY_BECAME_NULLABLE = "response-property-became-nullable", Breaking, "A response value may now be `null`.";
    RESPONSE_TYPE_CHANGED = "response-type-changed", Breaking, "A response value's type changed or widened.";
    RESPONSE_CONSTRAINT_LOOSENED = "response-constraint-loosened", Breaking, "A response constraint loosened: maxLength/maximum up, minLength/minimum down, pattern, format or enum removed or changed, additionalProperties opened.";
    RESPONSE_ENUM_VALUE_ADDED = "response-enum-value-added", Warning, "A response enum gained a value, or a response union a variant: exhaustive `switch` (TypeScript) and `match` (Rust) over the generated types stop compiling or miss a case.";
    STATUS_ADDED = "status-added", Warning, "An operation answers a new success status: exhaustive handling of the generated response union misses it.";
    OPERATION_ID_CHANGED = "operation-id-changed", Warning, "An operation's id changed: generated client methods and server trait methods are renamed.";
    RATE_LIMIT_LOWERED = "rate-limit-lowered", Warning, "An operation allows fewer requests per second than before.";
    PARAMETER_REMOVED = "parameter-removed", Warning, "A parameter or header is no longer read; clients that send it are ignored or rejected.";
    OPERATION_ADDED = "operation-added", Info, "A new operation.";
    OPERATION_DEPRECATED = "operation-deprecated", Info, "An operation became deprecated.";
    PARAMETER_ADDED = "parameter-added", Info, "A new optional parameter or header.";
    REQUEST_PROPERTY_ADDED = "request-property-added", Info, "A new optional request property.";
    RESPONSE_PROPERTY_ADDED = "response-property-added", Info, "A new response property.";
    REQUEST_WIDENED = "request-widened", Info, "A request accepts more: a type, enum value or variant added, a constraint loosened, a property made optional or removed from an open object.";
    RESPONSE_NARROWED = "response-narrowed", Info, "A response returns less: a type, enum value or variant removed, a constraint tightened, a property made required.";
    SECURITY_REMOVED = "security-removed", Info, "An operation no longer requires credentials or a role.";
    RATE_LIMIT_RAISED = "rate-limit-raised", Info, "An operation allows more requests per second than before.";
    ERROR_STATUS_CHANGED = "error-status-changed", Info, "An error (4xx/5xx) status was added or removed.";
}
