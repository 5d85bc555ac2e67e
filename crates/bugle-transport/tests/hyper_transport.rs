//! `HyperTransport` against loopback servers: TLS with a test CA, plain HTTP with the
//! opt-in, and the failures a caller must tell apart.

mod support;

use std::time::Duration;

use bugle_transport::{HyperTransport, Transport as _, TransportErrorKind, TransportRequest};
use bytes::Bytes;
use http::{Method, StatusCode, Version};
use support::{TestCa, closing_server, plain_server, silent_server, tls_server};

fn request(method: Method, uri: &str, body: &'static str) -> TransportRequest {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", "Bot secret-token")
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap()
}

fn text(body: &Bytes) -> String {
    String::from_utf8(body.to_vec()).unwrap()
}

#[tokio::test]
async fn get_and_post_over_tls_with_http2_by_alpn() {
    let ca = TestCa::new("bugle test ca");
    let server = tls_server(&ca, &[b"h2", b"http/1.1"]).await;
    let transport = HyperTransport::builder()
        .root_store(ca.root_store())
        .build()
        .unwrap();
    let base = format!("https://127.0.0.1:{}", server.addr.port());

    let get = transport
        .send(request(
            Method::GET,
            &format!("{base}/api/v10/users/@me"),
            "",
        ))
        .await
        .unwrap();
    assert_eq!(get.status(), StatusCode::OK);
    assert_eq!(get.version(), Version::HTTP_2);
    assert_eq!(text(get.body()), "GET /api/v10/users/@me HTTP/2.0 ");

    let post = transport
        .send(request(
            Method::POST,
            &format!("{base}/api/v10/channels/1/messages?x=1"),
            r#"{"content":"hi"}"#,
        ))
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::CREATED);
    assert_eq!(
        text(post.body()),
        r#"POST /api/v10/channels/1/messages?x=1 HTTP/2.0 {"content":"hi"}"#
    );
    assert_eq!(
        server.connections(),
        1,
        "both requests share one pooled connection"
    );
}

#[tokio::test]
async fn http1_over_tls_when_the_server_offers_only_http1() {
    let ca = TestCa::new("bugle test ca");
    let server = tls_server(&ca, &[b"http/1.1"]).await;
    let transport = HyperTransport::builder()
        .root_store(ca.root_store())
        .build()
        .unwrap();
    let uri = format!("https://127.0.0.1:{}/ping", server.addr.port());
    for _ in 0..2 {
        let response = transport
            .send(request(Method::GET, &uri, ""))
            .await
            .unwrap();
        assert_eq!(response.version(), Version::HTTP_11);
        assert_eq!(text(response.body()), "GET /ping HTTP/1.1 ");
    }
    assert_eq!(server.connections(), 1, "keep-alive reuses the connection");
}

#[tokio::test]
async fn plain_http_loopback_works_with_the_opt_in() {
    let server = plain_server().await;
    let transport = HyperTransport::builder()
        .allow_plain_http(true)
        .build()
        .unwrap();
    let uri = format!("http://127.0.0.1:{}/api/webhooks/1/tok", server.addr.port());
    let response = transport
        .send(request(Method::POST, &uri, "payload"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        text(response.body()),
        "POST /api/webhooks/1/tok HTTP/1.1 payload"
    );
}

/// With HTTP/1.1 every request in flight needs a connection of its own; the pool must keep
/// them all between bursts, or each burst closes the surplus and opens it again (a TCP
/// connect and, against Discord, a TLS handshake per request).
#[tokio::test]
async fn bursts_of_concurrent_requests_reuse_their_connections() {
    const IN_FLIGHT: usize = 48;
    const BURSTS: usize = 4;
    let server = plain_server().await;
    let transport = HyperTransport::builder()
        .allow_plain_http(true)
        .build()
        .unwrap();
    let uri = format!(
        "http://127.0.0.1:{}/api/channels/1/messages",
        server.addr.port()
    );
    for _ in 0..BURSTS {
        let mut burst = tokio::task::JoinSet::new();
        for _ in 0..IN_FLIGHT {
            let transport = transport.clone();
            let request = request(Method::POST, &uri, "{}");
            burst.spawn(async move { transport.send(request).await });
        }
        // Each request puts its connection back before it returns its answer.
        while let Some(sent) = burst.join_next().await {
            assert_eq!(sent.unwrap().unwrap().status(), StatusCode::CREATED);
        }
    }
    assert!(
        server.connections() <= IN_FLIGHT,
        "{} connections for {BURSTS} bursts of {IN_FLIGHT} requests",
        server.connections()
    );
}

#[tokio::test]
async fn plain_http_without_the_opt_in_is_refused_and_nothing_is_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let transport = HyperTransport::builder().build().unwrap();
    let uri = format!("http://127.0.0.1:{port}/api/webhooks/1/secret-webhook-token");
    let err = transport
        .send(request(Method::POST, &uri, "x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
    assert!(!err.request_may_have_been_sent());
    let message = err.to_string();
    assert!(!message.contains("secret-webhook-token"), "{message}");
    assert!(!message.contains("/api/"), "{message}");
    assert_eq!(
        listener.accept().unwrap_err().kind(),
        std::io::ErrorKind::WouldBlock,
        "no connection was made"
    );
}

#[tokio::test]
async fn untrusted_certificate_fails_as_tls_not_sent() {
    let server_ca = TestCa::new("server ca");
    let other_ca = TestCa::new("another ca");
    let server = tls_server(&server_ca, &[b"h2", b"http/1.1"]).await;
    let transport = HyperTransport::builder()
        .root_store(other_ca.root_store())
        .build()
        .unwrap();
    let uri = format!(
        "https://127.0.0.1:{}/api/webhooks/1/secret-webhook-token",
        server.addr.port()
    );
    let err = transport
        .send(request(Method::POST, &uri, "x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Tls, "{err}");
    assert!(!err.request_may_have_been_sent());
    assert!(!err.to_string().contains("secret-webhook-token"));
}

#[tokio::test]
async fn connection_refused_is_connect_not_sent() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let transport = HyperTransport::builder()
        .allow_plain_http(true)
        .build()
        .unwrap();
    let err = transport
        .send(request(
            Method::GET,
            &format!("http://127.0.0.1:{port}/"),
            "",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(!err.request_may_have_been_sent());
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_with_the_request_sent() {
    // Both signals: a request with a body counts once hyper reads its body, one without
    // once it is handed to a connection (its head is the whole of it).
    let server = silent_server().await;
    let transport = HyperTransport::builder()
        .allow_plain_http(true)
        .request_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let uri = format!(
        "http://127.0.0.1:{}/api/webhooks/1/secret-webhook-token",
        server.addr.port()
    );
    for (method, body) in [(Method::POST, "x"), (Method::GET, "")] {
        let err = transport
            .send(request(method.clone(), &uri, body))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Timeout, "{method}: {err}");
        assert!(err.request_may_have_been_sent(), "{method}: {err}");
        assert!(!err.to_string().contains("secret-webhook-token"));
    }
}

#[tokio::test]
async fn a_tls_handshake_that_never_completes_is_a_connect_timeout_not_sent() {
    let server = silent_server().await;
    let transport = HyperTransport::builder()
        .connect_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let uri = format!("https://127.0.0.1:{}/", server.addr.port());
    let err = transport
        .send(request(Method::GET, &uri, ""))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
    assert!(!err.request_may_have_been_sent());
}

#[tokio::test]
async fn request_timeout_while_connecting_is_not_sent() {
    // Both signals: a request without a body not yet handed to a connection, and one
    // with a body not yet read (hyper reads it only on a connection, after the head).
    let server = silent_server().await;
    let transport = HyperTransport::builder()
        .connect_timeout(None)
        .request_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let uri = format!("https://127.0.0.1:{}/", server.addr.port());
    let cases = [
        (Method::GET, "", "did not finish"),
        (Method::POST, "{\"content\":\"hi\"}", "was not sent"),
    ];
    for (method, body, says) in cases {
        let err = transport
            .send(request(method.clone(), &uri, body))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Timeout, "{method}: {err}");
        assert!(!err.request_may_have_been_sent(), "{method}: {err}");
        assert!(err.to_string().contains(says), "{method}: {err}");
    }
}

#[tokio::test]
async fn a_connection_the_server_closed_while_idle_is_not_used_again() {
    let server = closing_server().await;
    let transport = HyperTransport::builder()
        .allow_plain_http(true)
        .build()
        .unwrap();
    let uri = format!("http://127.0.0.1:{}/api/gateway", server.addr.port());
    for round in 1..=3 {
        let response = transport
            .send(request(Method::GET, &uri, ""))
            .await
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(text(response.body()), "ok");
        // Lets the server's close reach the idle connection.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(server.connections(), 3);
}

#[tokio::test]
async fn without_idle_connections_every_request_opens_its_own() {
    let server = plain_server().await;
    let transport = HyperTransport::builder()
        .allow_plain_http(true)
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let uri = format!("http://127.0.0.1:{}/api/gateway", server.addr.port());
    for _ in 0..3 {
        let response = transport
            .send(request(Method::GET, &uri, ""))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(server.connections(), 3);
}

#[tokio::test(start_paused = true)]
async fn an_idle_connection_is_closed_after_the_idle_timeout() {
    // No connect or request timeout: the pool's idle timeout is the only clock here.
    let server = plain_server().await;
    let transport = HyperTransport::builder()
        .allow_plain_http(true)
        .connect_timeout(None)
        .request_timeout(None)
        .pool_idle_timeout(Some(Duration::from_secs(1)))
        .build()
        .unwrap();
    let uri = format!("http://127.0.0.1:{}/api/gateway", server.addr.port());
    transport
        .send(request(Method::GET, &uri, ""))
        .await
        .unwrap();
    assert_eq!(server.connections(), 1);
    tokio::time::sleep(Duration::from_secs(2)).await;
    transport
        .send(request(Method::GET, &uri, ""))
        .await
        .unwrap();
    assert_eq!(server.connections(), 2);
}
