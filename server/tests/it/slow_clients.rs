//! Slow clients must not stop the server (issue 10, item 1): raw sockets that send half of their
//! headers, trickle a body or stay silent, against servers with small timeouts.
//!
//! Timing bounds are behaviour bounds, not performance figures: a lower bound is the timeout
//! itself, measured from a moment the server cannot have seen earlier (so it cannot fail on a slow
//! machine), and an upper bound is three times the timeout plus a second (far below the other
//! timeouts of the same server, which are 30 s).

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::start_with_limits;

/// A timeout that does not fire during a test.
const LONG: Duration = Duration::from_secs(30);
/// The headers of a health check, cut before their end.
const HALF_HEADERS: &[u8] = b"GET /api/v2/health HTTP/1.1\r\nHost: loc";
const HEALTH: &[u8] = b"GET /api/v2/health HTTP/1.1\r\nHost: localhost\r\n\r\n";

fn limits(header: Duration, body: Duration, idle: Duration, cap: usize) -> server::ConnectionLimits {
    server::ConnectionLimits {
        header_timeout: header,
        body_timeout: body,
        idle_timeout: idle,
        max_connections: NonZeroUsize::new(cap).expect("a positive cap"),
    }
}

/// Asserts that `elapsed` is at least `timeout` and well below what would mean another cause.
fn assert_timed_out(elapsed: Duration, timeout: Duration) {
    let bound = timeout * 3 + Duration::from_secs(1);
    assert!(elapsed >= timeout, "closed after {elapsed:?}, before the timeout of {timeout:?}");
    assert!(elapsed < bound, "closed after {elapsed:?}, not within {bound:?}");
}

/// Reads until the server closes the connection (end of stream or reset); returns what came and
/// when, counted from `since`.
async fn until_closed(stream: &mut TcpStream, since: Instant) -> (Vec<u8>, Duration) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buffer))
            .await
            .expect("the server closes the connection within 20 s");
        match read {
            Ok(0) => return (received, since.elapsed()),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => return (received, since.elapsed()),
            Err(error) => panic!("reading failed: {error}"),
        }
    }
}

/// Whether the server has closed `stream` (without waiting).
fn is_closed(stream: &TcpStream) -> bool {
    let mut buffer = [0u8; 64];
    match stream.try_read(&mut buffer) {
        Ok(0) => true,
        Ok(_) => false,
        Err(error) => error.kind() != std::io::ErrorKind::WouldBlock,
    }
}

/// An HTTP/1.1 answer read off a socket.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Parses an answer whose body is `Content-Length` bytes; `None` while incomplete.
    fn parse(bytes: &[u8]) -> Option<Answer> {
        let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&bytes[..end]).expect("an ASCII head");
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().expect("a status code");
        let headers: Vec<(String, String)> = lines
            .map(|line| {
                let (name, value) = line.split_once(':').expect("a header line");
                (name.trim().to_owned(), value.trim().to_owned())
            })
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.parse().expect("a length"));
        let body = bytes.get(end + 4..end + 4 + length)?.to_vec();
        Some(Answer { status, headers, body })
    }
}

/// Reads one answer, keeping the connection open.
async fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        if let Some(answer) = Answer::parse(&received) {
            return answer;
        }
        let read = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buffer))
            .await
            .expect("an answer within 20 s")
            .expect("reading the answer");
        assert!(read > 0, "the connection closed before a whole answer: {:?}", String::from_utf8_lossy(&received));
        received.extend_from_slice(&buffer[..read]);
    }
}

/// Opens a connection and sends half of a request's headers.
async fn slow_connection(address: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.expect("connect (ulimit -n must allow 6,000+ descriptors)");
    stream.write_all(HALF_HEADERS).await.expect("half the headers");
    stream
}

#[tokio::test]
async fn half_sent_headers_are_closed_after_the_header_timeout_without_an_answer() {
    let header = Duration::from_millis(500);
    let server = start_with_limits(limits(header, LONG, LONG, 100)).await;
    let started = Instant::now();
    let mut stream = slow_connection(server.address).await;
    let (received, closed_after) = until_closed(&mut stream, started).await;
    assert!(received.is_empty(), "answered a request it never received: {:?}", String::from_utf8_lossy(&received));
    assert_timed_out(closed_after, header);
}

#[tokio::test]
async fn the_header_timeout_of_a_later_request_runs_from_its_first_byte_not_from_the_idle_wait() {
    let header = Duration::from_millis(500);
    let server = start_with_limits(limits(header, LONG, LONG, 100)).await;
    let mut stream = TcpStream::connect(server.address).await.expect("connect");
    stream.write_all(HEALTH).await.expect("request");
    assert_eq!(read_answer(&mut stream).await.status, 200);
    // Idle for longer than the header timeout: the connection stays (the idle timeout is 30 s).
    tokio::time::sleep(header * 2).await;
    assert!(!is_closed(&stream), "an idle connection was closed by the header timeout");
    let started = Instant::now();
    stream.write_all(HALF_HEADERS).await.expect("half the next headers");
    let (received, closed_after) = until_closed(&mut stream, started).await;
    assert!(received.is_empty(), "{:?}", String::from_utf8_lossy(&received));
    assert_timed_out(closed_after, header);
}

#[tokio::test]
async fn a_body_slower_than_the_body_timeout_gets_a_408_problem_and_the_connection_closes() {
    let body = Duration::from_millis(500);
    let server = start_with_limits(limits(LONG, body, LONG, 100)).await;
    let mut stream = TcpStream::connect(server.address).await.expect("connect");
    let started = Instant::now();
    stream
        .write_all(
            b"POST /api/v2/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
        )
        .await
        .expect("the headers and 1 of 100 body bytes");
    let (received, closed_after) = until_closed(&mut stream, started).await;
    assert_timed_out(closed_after, body);
    let answer = Answer::parse(&received).expect("a whole answer before the close");
    assert_eq!(answer.status, 408, "{answer:?}");
    assert_eq!(answer.header("content-type"), Some("application/problem+json"));
    assert_eq!(answer.header("connection"), Some("close"));
    // What every answer carries is kept from the router's refusal.
    assert!(answer.header("x-request-id").is_some_and(|id| !id.is_empty()), "{answer:?}");
    assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    let problem: serde_json::Value = serde_json::from_slice(&answer.body).expect("a JSON problem");
    assert_eq!(
        problem,
        serde_json::json!({
            "type": "about:blank",
            "title": "Request Timeout",
            "status": 408,
            "detail": "the request body did not arrive within 500ms of its headers",
        })
    );
    // The contract declares it, for every operation with a body.
    let contract = schemas::contract();
    let with_body = contract.operations.iter().filter(|op| op.body.is_some());
    assert!(with_body.clone().count() > 10 && with_body.clone().all(|op| op.errors.iter().any(|e| e.status == 408)));
    assert!(with_body.clone().any(|op| op.id == "login"));
}

#[tokio::test]
async fn idle_kept_alive_connections_are_closed_after_the_idle_timeout() {
    let (header, idle) = (Duration::from_millis(300), Duration::from_millis(1000));
    let server = start_with_limits(limits(header, LONG, idle, 100)).await;
    let mut stream = TcpStream::connect(server.address).await.expect("connect");
    let sent = Instant::now();
    stream.write_all(HEALTH).await.expect("request");
    let answer = read_answer(&mut stream).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("connection"), None, "kept alive");
    // The server's idle time starts after its answer, so after `sent`.
    let (received, closed_after) = until_closed(&mut stream, sent).await;
    assert!(received.is_empty(), "{:?}", String::from_utf8_lossy(&received));
    assert_timed_out(closed_after, idle);
}

#[tokio::test]
async fn health_answers_promptly_while_3000_slow_connections_are_held() {
    // Below the cap, and no timeout fires during the test: every slow connection stays open.
    let server = start_with_limits(limits(LONG, LONG, LONG, 10_000)).await;
    let mut slow = Vec::with_capacity(3000);
    for _ in 0..3000 {
        slow.push(slow_connection(server.address).await);
    }
    for _ in 0..5 {
        let asked = Instant::now();
        let mut stream = TcpStream::connect(server.address).await.expect("connect");
        stream.write_all(HEALTH).await.expect("request");
        let answer = read_answer(&mut stream).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert!(asked.elapsed() < Duration::from_secs(2), "health took {:?}", asked.elapsed());
    }
    assert!(slow.iter().all(|stream| !is_closed(stream)), "the slow connections were all held during the checks");
}

#[tokio::test]
async fn above_the_cap_new_connections_wait_in_the_backlog_until_a_slot_frees() {
    let header = Duration::from_millis(500);
    let server = start_with_limits(limits(header, LONG, LONG, 50)).await;
    let started = Instant::now();
    let mut slow = Vec::with_capacity(60);
    for _ in 0..60 {
        slow.push(slow_connection(server.address).await);
    }
    // The 61st connects (the kernel completes the handshake) but is not served until one of the
    // first 50 is closed by the header timeout: its answer cannot come before that timeout.
    let mut extra = TcpStream::connect(server.address).await.expect("the 61st connects");
    extra.write_all(HEALTH).await.expect("request");
    let answer = read_answer(&mut extra).await;
    let answered_after = started.elapsed();
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_timed_out(answered_after, header);
    // The first 50 were accepted at once and time out; the 10 above the cap were accepted only
    // when slots freed, so their header timeout ran from then.
    for (index, stream) in slow.iter_mut().enumerate() {
        let (received, closed_after) = until_closed(stream, started).await;
        assert!(received.is_empty(), "{:?}", String::from_utf8_lossy(&received));
        let earliest = if index < 50 { header } else { header * 2 };
        assert!(closed_after >= earliest, "connection {index} closed after {closed_after:?}, before {earliest:?}");
    }
}

#[tokio::test]
async fn shutdown_closes_idle_connections_finishes_requests_in_progress_and_stops_accepting() {
    async fn peer(ConnectInfo(peer): ConnectInfo<SocketAddr>) -> String {
        peer.to_string()
    }
    async fn slow() -> &'static str {
        tokio::time::sleep(Duration::from_millis(500)).await;
        "done"
    }
    let router = axum::Router::new().route("/peer", axum::routing::get(peer)).route("/slow", axum::routing::get(slow));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(async move {
        let limits = limits(LONG, LONG, LONG, 100);
        server::serve(listener, router, &limits, async move { stopped.await.unwrap_or(()) }).await;
    });

    // The peer address reaches handlers as `ConnectInfo`.
    let mut idle = TcpStream::connect(address).await.expect("connect");
    idle.write_all(b"GET /peer HTTP/1.1\r\nHost: localhost\r\n\r\n").await.expect("request");
    let answer = read_answer(&mut idle).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, idle.local_addr().expect("local address").to_string().as_bytes());

    let mut busy = TcpStream::connect(address).await.expect("connect");
    busy.write_all(b"GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n").await.expect("request");
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).expect("the server listens for shutdown");

    let (received, _) = until_closed(&mut idle, Instant::now()).await;
    assert!(received.is_empty(), "{:?}", String::from_utf8_lossy(&received));
    let answer = read_answer(&mut busy).await;
    assert_eq!((answer.status, answer.body.as_slice()), (200, b"done".as_slice()));
    tokio::time::timeout(Duration::from_secs(10), serving)
        .await
        .expect("serve returns once its connections are gone")
        .expect("serve does not panic");
    assert!(TcpStream::connect(address).await.is_err(), "the listener is closed");
}
