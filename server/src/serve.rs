//! Serving the router on a TCP listener with bounded connections, so that slow or silent clients
//! cannot hold the server's file descriptors (issue 10, item 1).
//!
//! `axum::serve` (axum 0.8.9) exposes none of this: it accepts without limit and its hyper
//! connections have no timer, so a client that sends half of its headers, or 1 of 100 declared
//! body bytes, keeps its connection forever. [`serve`] speaks HTTP/1.1 through hyper's
//! `http1::Builder` (as `axum::serve` does with axum's default features) and enforces
//! [`ConnectionLimits`]:
//!
//! - **Connections.** At most `max_connections` are open at once. Above the cap the server stops
//!   accepting: new connections wait in the kernel's listen backlog (they use no descriptor of
//!   the process) and are accepted, in order, as slots free. Nothing is refused.
//! - **Headers.** A new connection must deliver its first request's headers within
//!   `header_timeout`, and a kept-alive connection must complete a request's headers within
//!   `header_timeout` of that request's first byte. Otherwise the connection is closed without an
//!   answer (the request is not known yet), as hyper itself does for its `header_read_timeout`.
//! - **Body.** A request's whole body must arrive within `body_timeout` of its headers (a total,
//!   not a per-chunk allowance, so trickling one byte at a time does not reset it). A handler
//!   that reads a body too slow to arrive answers `408 Request Timeout` as an RFC 9457 problem
//!   with `Connection: close`.
//! - **Idle.** A connection with no request in progress is closed after `idle_timeout` without a
//!   byte written or a request started; that also cuts an answer the client stops reading.
//!
//! hyper's own `http1::Builder::header_read_timeout` is not used: since hyper 1.4 its timer also
//! runs while a kept-alive connection waits for its next request, so it would cap the idle time
//! at the header timeout. The timers here follow the connection instead ([`Activity`]).
//!
//! `ConnectInfo<SocketAddr>` is inserted in every request (the pipeline keys rate limits on the
//! peer address), and the shutdown future stops accepting, lets requests in progress finish,
//! closes idle connections, and waits until every connection is gone (the timeouts bound how
//! long that takes).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::header::{self, HeaderValue};
use axum::http::{Request, StatusCode};
use axum::response::Response;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// How long a connection may take, and how many may be open. [`Config`](crate::Config) reads
/// them from the environment; [`Default`] gives the values documented on each field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// `HEADER_TIMEOUT_SECONDS`, default 10: time to send a request's headers (from the
    /// connection's opening for its first request, from its first byte for later ones).
    pub header_timeout: Duration,
    /// `BODY_TIMEOUT_SECONDS`, default 30: time to send a whole request body once its headers are
    /// in (30 s for the default 2 MiB `BODY_LIMIT` is about 70 KB/s).
    pub body_timeout: Duration,
    /// `IDLE_TIMEOUT_SECONDS`, default 60: time a kept-alive connection may stay silent between
    /// requests (and an answer may wait for the client to read it).
    pub idle_timeout: Duration,
    /// `MAX_CONNECTIONS`, default 10,000: open connections at once. Keep it below `ulimit -n`
    /// minus the descriptors of the database and logs.
    pub max_connections: NonZeroUsize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: NonZeroUsize::new(10_000).unwrap_or(NonZeroUsize::MIN),
        }
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown` resolves, then waits for the
/// open connections to finish. Accept errors (such as running out of descriptors) are logged and
/// retried after a pause; they never stop the server.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let limits = *limits;
    // A semaphore takes at most `Semaphore::MAX_PERMITS`, and `acquire_many` a `u32`.
    let slots = limits.max_connections.get().min(Semaphore::MAX_PERMITS).min(u32::MAX as usize);
    let permits = Arc::new(Semaphore::new(slots));
    let (stop, stopped) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                // The semaphore is never closed.
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    pause_after(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        tokio::spawn(connection(stream, peer, router.clone(), limits, stopped.clone(), permit));
    }
    drop(listener);
    stop.send_replace(true);
    // Every connection holds a permit until it ends: having them all back means none is left.
    let _ = permits.acquire_many(slots as u32).await;
}

/// What `accept` failing means: a connection that died before it was accepted is skipped; any
/// other error (`EMFILE`, `ENFILE`, `ENOMEM`) is logged and the loop waits a second for
/// descriptors to free, as hyper 0.14 and `axum::serve` do.
async fn pause_after(error: io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "cannot accept a connection; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Drives one connection until it ends, times out, or is told to stop.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: ConnectionLimits,
    mut stopped: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched { stream, activity: activity.clone() });
    let service = hyper::service::service_fn({
        let activity = activity.clone();
        move |request| answer(request, router.clone(), peer, activity.clone(), limits.body_timeout)
    });
    let mut builder = http1::Builder::new();
    builder.header_read_timeout(None);
    let mut conn = pin!(builder.serve_connection(io, service));
    let mut stopping = false;
    loop {
        let deadline = activity.deadline(&limits);
        tokio::select! {
            ended = conn.as_mut() => {
                if let Err(error) = ended {
                    tracing::debug!(%peer, %error, "connection ended with an error");
                }
                return;
            }
            () = sleep_until(deadline) => {
                if activity.deadline(&limits).is_some_and(|deadline| deadline <= Instant::now()) {
                    // No request is in progress: dropping the connection closes the socket.
                    tracing::debug!(%peer, "connection closed: headers too slow, or idle");
                    return;
                }
            }
            () = activity.changed.notified() => {}
            _ = stopped.wait_for(|stop| *stop), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Sleeps until `deadline`, or forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Answers one request: the router's answer, with the peer address, the request body under its
/// deadline, and a `408` problem in place of the answer when the body was too slow.
async fn answer(
    request: Request<Incoming>,
    router: Router,
    peer: SocketAddr,
    activity: Arc<Activity>,
    body_timeout: Duration,
) -> Result<Response, Infallible> {
    let _request = activity.start_request();
    let expired = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now().checked_add(body_timeout);
    let mut request = request.map(|body| {
        Body::new(DeadlineBody { body, allowed: body_timeout, deadline, timer: None, expired: expired.clone() })
    });
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = router.oneshot(request).await?;
    if expired.load(Ordering::Relaxed) { Ok(request_timeout(response, body_timeout)) } else { Ok(response) }
}

/// The `408` problem that replaces the router's answer to a request whose body did not arrive in
/// time (the router saw an unreadable body). The headers every answer carries (request id,
/// rate-limit state, security headers) are kept from the router's answer; the connection closes,
/// since the rest of the body may still come.
fn request_timeout(refused: Response, body_timeout: Duration) -> Response {
    let status = StatusCode::REQUEST_TIMEOUT;
    let detail = format!("the request body did not arrive within {body_timeout:?} of its headers");
    let mut response =
        contract_server::problem(status, contract_server::reason_phrase(status.as_u16()), Some(&detail), &[]);
    let (parts, _) = refused.into_parts();
    for name in parts.headers.keys() {
        if *name == header::CONTENT_TYPE || *name == header::CONTENT_LENGTH || response.headers().contains_key(name) {
            continue;
        }
        for value in parts.headers.get_all(name) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Why a request body could not be read.
#[derive(Debug, thiserror::Error)]
enum BodyError {
    #[error("the body did not arrive within {0:?} of its headers")]
    TooSlow(Duration),
    #[error("the connection failed while the body was read")]
    Connection(#[source] hyper::Error),
}

/// A request body that fails with [`BodyError::TooSlow`] once its deadline passes, and says so in
/// `expired`.
struct DeadlineBody {
    body: Incoming,
    /// The body timeout, for the error message.
    allowed: Duration,
    /// `None` when the timeout is too large to be an instant: no deadline.
    deadline: Option<Instant>,
    /// Started the first time the body has to wait, so bodies that are already in need no timer.
    timer: Option<Pin<Box<Sleep>>>,
    expired: Arc<AtomicBool>,
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(BodyError::Connection)));
        }
        let Some(deadline) = this.deadline else { return Poll::Pending };
        let timer = this.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if timer.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        this.expired.store(true, Ordering::Relaxed);
        Poll::Ready(Some(Err(BodyError::TooSlow(this.allowed))))
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// What one connection is doing, for its header and idle deadlines. Shared by the socket (which
/// sees bytes come and go), the service (which sees requests start and end) and the task that
/// drives the connection (which sleeps until the deadline, woken by `changed` when it moves
/// earlier).
struct Activity {
    state: Mutex<Progress>,
    changed: Notify,
}

struct Progress {
    /// Requests whose handler is running.
    in_flight: usize,
    /// When the headers of the next request began: the connection's opening, then the first byte
    /// read while no request was in progress. `None` while the connection is idle.
    head_since: Option<Instant>,
    /// The last sign of life while no handler runs: a handler's end, a byte written.
    quiet_since: Instant,
}

impl Activity {
    fn new() -> Self {
        let now = Instant::now();
        Self {
            state: Mutex::new(Progress { in_flight: 0, head_since: Some(now), quiet_since: now }),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Progress> {
        // The critical sections below cannot panic; a poisoned lock still holds consistent data.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// When the connection is to be closed, if nothing happens: `None` while a handler runs (its
    /// body has its own deadline) or when the timeout is too large to be an instant.
    fn deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        let progress = self.lock();
        if progress.in_flight > 0 {
            return None;
        }
        match progress.head_since {
            Some(since) => since.checked_add(limits.header_timeout),
            None => progress.quiet_since.checked_add(limits.idle_timeout),
        }
    }

    /// Bytes came in. While no request is in progress they begin the next request's headers.
    fn read(&self) {
        let mut progress = self.lock();
        if progress.in_flight == 0 && progress.head_since.is_none() {
            progress.head_since = Some(Instant::now());
            drop(progress);
            self.changed.notify_one();
        }
    }

    /// Bytes went out: the connection is alive (this only moves the deadline later).
    fn wrote(&self) {
        self.lock().quiet_since = Instant::now();
    }

    /// A request's headers are in and its handler starts; the guard ends it.
    fn start_request(self: &Arc<Self>) -> InFlight {
        let mut progress = self.lock();
        progress.in_flight += 1;
        progress.head_since = None;
        InFlight(self.clone())
    }
}

/// A running handler; dropping it (the handler answered, or the connection went away) lets the
/// idle deadline run again.
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut progress = self.0.lock();
        progress.in_flight = progress.in_flight.saturating_sub(1);
        progress.quiet_since = Instant::now();
        drop(progress);
        self.0.changed.notify_one();
    }
}

/// The connection's socket, reporting its traffic to [`Activity`].
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
