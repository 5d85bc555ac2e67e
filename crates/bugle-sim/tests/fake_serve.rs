//! `FakeDiscord` served over loopback HTTP/1.1 gives the same answers as in process.

mod fake_support;

use bugle_model::message::Message;
use bugle_sim::fake::{FakeDiscord, FaultConfig};
use fake_support::{HOOK, HOOK_TOKEN, TEXT, TOKEN, builder};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A raw HTTP/1.1 exchange: status, headers (lower-cased names) and body.
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

async fn exchange(addr: std::net::SocketAddr, head: &str, body: &str) -> std::io::Result<Raw> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!(
        "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await?;
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no response head"))?;
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap_or_default()
        .split(' ')
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Raw {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    })
}

#[tokio::test]
async fn a_raw_http_client_gets_the_same_answers() {
    let discord = builder().build();
    let server = discord.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let addr = server.local_addr();
    let created = exchange(
        addr,
        &format!("POST /api/v10/channels/100/messages HTTP/1.1\r\nAuthorization: Bot {TOKEN}\r\nContent-Type: application/json"),
        r#"{"content":"over the wire"}"#,
    )
    .await
    .unwrap();
    assert_eq!(created.status, 200);
    assert_eq!(created.header("x-ratelimit-limit"), Some("5"));
    let message: Message = serde_json::from_slice(&created.body).unwrap();
    assert_eq!(message.content, "over the wire");
    assert_eq!(discord.messages(TEXT)[0].id, message.id);

    let hook = exchange(
        addr,
        &format!(
            "POST /api/v10/webhooks/{HOOK}/{HOOK_TOKEN} HTTP/1.1\r\nContent-Type: application/json"
        ),
        r#"{"content":"hook"}"#,
    )
    .await
    .unwrap();
    assert_eq!(hook.status, 204);
    assert!(hook.body.is_empty());

    let denied = exchange(
        addr,
        "POST /api/v10/channels/100/messages HTTP/1.1\r\nContent-Type: application/json",
        r#"{"content":"x"}"#,
    )
    .await
    .unwrap();
    assert_eq!(denied.status, 401);
    let body: Value = serde_json::from_slice(&denied.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"message": "401: Unauthorized", "code": 0})
    );

    let unknown = exchange(
        addr,
        &format!(
            "DELETE /api/v10/channels/100/messages/12345 HTTP/1.1\r\nAuthorization: Bot {TOKEN}"
        ),
        "",
    )
    .await
    .unwrap();
    assert_eq!(unknown.status, 404);
    assert_eq!(
        serde_json::from_slice::<Value>(&unknown.body).unwrap()["code"],
        10008
    );
    server.shutdown().await;
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn a_dropped_connection_fault_closes_the_socket_without_a_response() {
    let discord: FakeDiscord = builder()
        .faults(FaultConfig::none().drop_after(1.0))
        .build();
    let server = discord.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let result = exchange(
        server.local_addr(),
        &format!("POST /api/v10/channels/100/messages HTTP/1.1\r\nAuthorization: Bot {TOKEN}\r\nContent-Type: application/json"),
        r#"{"content":"lost reply"}"#,
    )
    .await;
    assert!(result.is_err(), "no response head expected");
    assert_eq!(discord.messages(TEXT).len(), 1, "processed before the drop");
    assert_eq!(discord.counters().dropped_connections, 1);
    server.shutdown().await;
}
