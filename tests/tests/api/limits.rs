//! Slow clients cannot hold the service: a connection that sends half a request is closed after
//! the header deadline, one that stalls its body after the body deadline, and the connection limit
//! makes further clients wait rather than exhaust the server, until the slow ones are dropped.

use std::time::{Duration, Instant};

use minsheng_tests::TestApp;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Reads until the server closes the connection; returns what it sent and how long it took.
async fn until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut buf))
        .await
        .expect("the server closes the connection within 20 s");
    (
        String::from_utf8_lossy(&buf).into_owned(),
        started.elapsed(),
    )
}

fn addr(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_request_is_dropped_after_the_header_deadline() {
    let app = TestApp::spawn_with(|c| c.header_timeout_secs = 1).await;
    let mut slow = TcpStream::connect(addr(&app)).await.unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let (_, took) = until_closed(&mut slow).await;
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
    // An idle kept-alive connection is dropped the same way.
    let mut idle = TcpStream::connect(addr(&app)).await.unwrap();
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (answer, took) = until_closed(&mut idle).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_is_refused_after_the_body_deadline() {
    let app = TestApp::spawn_with(|c| c.body_timeout_secs = 1).await;
    let mut slow = TcpStream::connect(addr(&app)).await.unwrap();
    slow.write_all(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"user",
    )
    .await
    .unwrap();
    let (answer, took) = until_closed(&mut slow).await;
    assert!(took < Duration::from_secs(6), "answered after {took:?}");
    assert!(!answer.starts_with("HTTP/1.1 2"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_limit_queues_clients_until_slow_ones_are_dropped() {
    let app = TestApp::spawn_with(|c| {
        c.max_connections = 2;
        c.header_timeout_secs = 2;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(addr(&app)).await.unwrap();
        s.write_all(b"GET /health HTTP/1.1\r\n").await.unwrap();
        held.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A real client waits for a free slot, then is served: the slow ones cannot hold it forever.
    let started = Instant::now();
    let r = tokio::time::timeout(
        Duration::from_secs(15),
        app.client.get(format!("{}/health", app.base)).send(),
    )
    .await
    .expect("served within 15 s")
    .unwrap();
    assert!(r.status().is_success());
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "it waited for a slot ({:?})",
        started.elapsed()
    );
}
