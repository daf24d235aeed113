//! Server-Sent Events: the answer of an operation declared with `Operation::event_stream`.
//!
//! A handler answers an [`EventStream`] of [`Event`]s; [`finish`](crate::finish) sends it as
//! `text/event-stream` (axum's [`Sse`]): per event an `id:` line when it has an id and one `data:`
//! line of JSON, a keep-alive comment every 15 seconds of silence, and `Cache-Control: no-store`.
//! The stream ends when the handler's stream ends: the connection closes normally and clients take
//! it as the end. A stream built with [`EventStream::try_new`] that yields an error instead drops
//! the connection (no normal end), so a client reconnects with `Last-Event-ID` and the server
//! resumes after the last event it sent.
//!
//! With response validation on, each event's `data` is validated against the contract's event
//! schema as it is sent. A broken event is logged at `ERROR` (operation, request id, pointer, rule);
//! with `Enforce` it is not sent and the connection is dropped, with `Log` it is sent. An event
//! that does not serialize, or whose id holds a line break or NUL (which the wire format cannot
//! carry), is logged and drops the connection: never a panic.

use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt};
use jsonschema::Validator;
use serde::Serialize;
use serde_json::Value;

use crate::conformance::ResponseValidation;
use crate::problem::FieldError;

/// How long a stream may stay silent before a keep-alive comment is sent.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// One event: an optional id (what a reconnecting client sends back as `Last-Event-ID`) and the
/// value sent as its `data`, as JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event<T> {
    pub id: Option<String>,
    pub data: T,
}

impl<T> Event<T> {
    pub fn new(id: Option<String>, data: T) -> Self {
        Self { id, data }
    }
}

/// Why a stream built with [`EventStream::try_new`] stopped early; the connection is dropped.
#[derive(Debug, thiserror::Error)]
#[error("the event stream was interrupted")]
pub struct Interrupted;

/// An event on its way to the wire: the data as JSON, or why it is not sent.
type Wire = Result<(Option<String>, Value), Failure>;

enum Failure {
    Serialize(serde_json::Error),
    Source(Box<dyn std::error::Error + Send + Sync>),
}

/// The answer of an event-stream operation: a stream of [`Event`]s whose data is `T`.
pub struct EventStream<T> {
    events: Pin<Box<dyn Stream<Item = Wire> + Send>>,
    data: PhantomData<fn() -> T>,
}

impl<T: Serialize + 'static> EventStream<T> {
    /// The events of `events`; the stream (and the answer) ends when it ends.
    pub fn new(events: impl Stream<Item = Event<T>> + Send + 'static) -> Self {
        Self::try_new(events.map(Ok::<_, Infallible>))
    }

    /// The events of `events` until it yields an error: the error is logged and the connection
    /// dropped without the stream's normal end, so a client reconnects and resumes after the last
    /// event it received (`Last-Event-ID`).
    pub fn try_new<E>(events: impl Stream<Item = Result<Event<T>, E>> + Send + 'static) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        let events = events.map(|event| match event {
            Ok(Event { id, data }) => serde_json::to_value(&data).map(|data| (id, data)).map_err(Failure::Serialize),
            Err(error) => Err(Failure::Source(Box::new(error))),
        });
        Self { events: Box::pin(events), data: PhantomData }
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("data", &std::any::type_name::<T>()).finish_non_exhaustive()
    }
}

/// An [`EventStream`] with its data type erased: the body of an event-stream [`Reply`](crate::Reply).
pub struct Events(Pin<Box<dyn Stream<Item = Wire> + Send>>);

impl<T> From<EventStream<T>> for Events {
    fn from(stream: EventStream<T>) -> Self {
        Events(stream.events)
    }
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events").finish_non_exhaustive()
    }
}

/// The check of each event's data against the contract (response validation on).
pub(crate) struct Check {
    pub(crate) mode: ResponseValidation,
    pub(crate) validator: Arc<Validator>,
}

/// The events on the wire: what `finish` answers for an event-stream reply.
pub(crate) fn respond(events: Events, operation: &'static str, request_id: String, check: Option<Check>) -> Response {
    let wire = WireEvents { events: events.0, operation, request_id, check, done: false };
    Sse::new(wire).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)).into_response()
}

/// The events turned into SSE events, checked; after a failure, nothing more.
struct WireEvents {
    events: Pin<Box<dyn Stream<Item = Wire> + Send>>,
    operation: &'static str,
    request_id: String,
    check: Option<Check>,
    done: bool,
}

impl WireEvents {
    /// The SSE event, or `Err` (logged) to drop the connection.
    fn event(&self, wire: Wire) -> Result<sse::Event, Interrupted> {
        let (operation, request_id) = (self.operation, self.request_id.as_str());
        let (id, data) = match wire {
            Ok(event) => event,
            Err(Failure::Serialize(error)) => {
                tracing::error!(operation, request_id, %error, "an event does not serialize; the stream is dropped");
                return Err(Interrupted);
            }
            Err(Failure::Source(error)) => {
                let error = crate::sources(&*error);
                tracing::warn!(operation, request_id, error, "the event stream failed; the connection is dropped");
                return Err(Interrupted);
            }
        };
        if let Some(check) = &self.check {
            let broken = FieldError::all(&check.validator, &data, "");
            for rule in broken.iter().take(10) {
                tracing::error!(
                    operation,
                    request_id,
                    event = id.as_deref().unwrap_or_default(),
                    pointer = %rule.path,
                    rule = %rule.keyword,
                    message = %rule.message,
                    "an event breaks the contract"
                );
            }
            if !broken.is_empty() && check.mode == ResponseValidation::Enforce {
                return Err(Interrupted);
            }
        }
        let mut event = sse::Event::default();
        if let Some(id) = id {
            if id.contains(['\0', '\n', '\r']) {
                tracing::error!(operation, request_id, "an event id holds a line break or NUL; the stream is dropped");
                return Err(Interrupted);
            }
            event = event.id(id);
        }
        // JSON text holds no raw line break, so the data is one `data:` line.
        Ok(event.data(data.to_string()))
    }
}

impl Stream for WireEvents {
    type Item = Result<sse::Event, Interrupted>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let next = match self.events.as_mut().poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => None,
            Poll::Ready(Some(wire)) => Some(self.event(wire)),
        };
        if !matches!(next, Some(Ok(_))) {
            self.done = true;
        }
        Poll::Ready(next)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use futures_util::StreamExt;

    use super::*;

    /// The body `respond` writes for `stream`: its text, and whether it ended normally.
    async fn wire<T: Serialize + 'static>(stream: EventStream<T>, check: Option<Check>) -> (String, bool) {
        let response = respond(stream.into(), "op", "req-1".into(), check);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let mut body = response.into_body().into_data_stream();
        let mut text = Vec::new();
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(bytes) => text.extend_from_slice(&bytes),
                Err(_) => return (String::from_utf8(text).expect("UTF-8"), false),
            }
        }
        (String::from_utf8(text).expect("UTF-8"), true)
    }

    #[tokio::test]
    async fn events_are_ids_and_json_data_lines() {
        let events = vec![
            Event::new(Some("a".into()), serde_json::json!({"n": 1})),
            Event::new(None, serde_json::json!("x\ny")),
        ];
        let (text, ended) = wire(EventStream::new(futures_util::stream::iter(events)), None).await;
        assert_eq!(text, "id: a\ndata: {\"n\":1}\n\ndata: \"x\\ny\"\n\n");
        assert!(ended);
    }

    #[tokio::test]
    async fn what_the_wire_cannot_carry_drops_the_connection_without_a_panic() {
        let events = vec![Event::new(Some("1".into()), 1), Event::new(Some("2\n".into()), 2), Event::new(None, 3)];
        let (text, ended) = wire(EventStream::new(futures_util::stream::iter(events)), None).await;
        assert_eq!((text.as_str(), ended), ("id: 1\ndata: 1\n\n", false), "an id with a line break");

        // A map with non-string keys does not serialize as JSON.
        let unwritable = BTreeMap::from([((1, 2), "x")]);
        let events = vec![Event::new(None, unwritable)];
        let (text, ended) = wire(EventStream::new(futures_util::stream::iter(events)), None).await;
        assert_eq!((text.as_str(), ended), ("", false));

        let events: Vec<Result<Event<u8>, Interrupted>> = vec![Ok(Event::new(None, 1)), Err(Interrupted)];
        let (text, ended) = wire(EventStream::try_new(futures_util::stream::iter(events)), None).await;
        assert_eq!((text.as_str(), ended), ("data: 1\n\n", false), "an error of the source");
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_stream_sends_a_keep_alive_comment_every_15_seconds() {
        let response =
            respond(EventStream::<u8>::new(futures_util::stream::pending()).into(), "op", "req-1".into(), None);
        let mut body = response.into_body().into_data_stream();
        let started = tokio::time::Instant::now();
        let comment = body.next().await.expect("a frame").expect("bytes");
        assert_eq!(&comment[..], b":\n\n", "an empty comment");
        assert_eq!(started.elapsed(), KEEP_ALIVE);
        body.next().await.expect("a frame").expect("bytes");
        assert_eq!(started.elapsed(), KEEP_ALIVE * 2);
    }

    #[tokio::test]
    async fn broken_events_are_dropped_when_enforced_and_sent_when_logged() {
        let schema = serde_json::json!({"type": "integer", "minimum": 1});
        let check = |mode| Check { mode, validator: Arc::new(jsonschema::validator_for(&schema).expect("schema")) };
        let events = || EventStream::new(futures_util::stream::iter([1, 0, 2].map(|n| Event::new(None, n))));
        let (text, ended) = wire(events(), Some(check(ResponseValidation::Enforce))).await;
        assert_eq!((text.as_str(), ended), ("data: 1\n\n", false));
        let (text, ended) = wire(events(), Some(check(ResponseValidation::Log))).await;
        assert_eq!((text.as_str(), ended), ("data: 1\n\ndata: 0\n\ndata: 2\n\n", true));
    }
}
