//! What a call of an operation takes (path, query, headers, body, and which are required): read
//! the same way by `types.ts` (the request types) and `client.ts` (the method signatures).

use crate::model::{Location, Operation, Parameter};

/// Which parts a call of an operation has, and whether each is required.
pub struct Inputs {
    pub path: bool,
    pub query: Option<bool>,
    pub headers: Option<bool>,
    pub body: Option<bool>,
}

impl Inputs {
    pub fn of(operation: &Operation) -> Self {
        let any_required = |location| located(operation, location).iter().any(|p| p.required);
        let has = |location| !located(operation, location).is_empty();
        Self {
            path: has(Location::Path),
            query: has(Location::Query).then(|| any_required(Location::Query)),
            headers: (has(Location::Header) || operation.etag).then(|| any_required(Location::Header)),
            body: operation.body.as_ref().map(|b| b.required),
        }
    }

    /// Whether a call takes a request at all.
    pub fn any(&self) -> bool {
        self.path || self.query.is_some() || self.headers.is_some() || self.body.is_some()
    }

    /// Whether the request cannot be omitted.
    pub fn required(&self) -> bool {
        self.path || self.query == Some(true) || self.headers == Some(true) || self.body == Some(true)
    }
}

/// The parameters of `operation` at `location`, in declaration order.
pub fn located(operation: &Operation, location: Location) -> Vec<&Parameter> {
    operation.parameters().filter(|p| p.location == location).collect()
}

/// A part of a path template between two slashes: literal text or a `{parameter}`.
pub enum Segment<'a> {
    Literal(&'a str),
    Parameter(&'a str),
}

/// The segments of a path template in order, the empty one before its leading `/` first: read by
/// the client (the URL it builds) and the mocks (the path msw matches).
pub fn segments(template: &str) -> impl Iterator<Item = Segment<'_>> {
    template.split('/').map(|segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(name) => Segment::Parameter(name),
        None => Segment::Literal(segment),
    })
}
