//! How a generated server builds the contract's problem type.

/// The contract's problem type, as generated servers build it (RFC 9457 problem details).
///
/// The response enums of a generated server build their error variants through it:
/// `GetProjectResponse::not_found("No project with this id.")` calls
/// `Problem::from_status(404, "Not Found", "No project with this id.".into())`. The status is the
/// variant's and the title the status's reason phrase, so a body whose `status` disagrees with
/// the HTTP status cannot be written through them. The type given to
/// [`Contract::problem`](crate::Contract::problem) implements it when the contract has a generated
/// server; the documents do not need it.
pub trait ProblemDetails: Sized {
    /// A problem of `status` (400–599) with its standard `title` and a `detail` about this occurrence.
    fn from_status(status: u16, title: &'static str, detail: String) -> Self;
}
