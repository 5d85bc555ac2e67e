//! A bare HTTP/1.1 connection to `FakeDiscord` (hyper's connection API, no pool, no rate
//! limiter, no retries): the foreign sender that ignores limits, and the baseline that the
//! latency measurement subtracts from bugle's figures.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpSocket;

use crate::server::BENCH_BOT_TOKEN;

/// One keep-alive connection, reopened when the server closes it (a dropped-connection
/// fault, say).
#[derive(Debug)]
pub struct RawConnection {
    server: SocketAddr,
    local: IpAddr,
    sender: Option<SendRequest<Full<Bytes>>>,
}

/// An answer: its status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAnswer {
    /// The status.
    pub status: StatusCode,
    /// The body.
    pub body: Bytes,
}

impl RawConnection {
    /// A connection to `FakeDiscord` on `127.0.0.1:port`, opened on first use from
    /// `local` (another loopback address gives the sender an IP of its own, so Discord's
    /// invalid-request ban falls on it alone).
    pub fn new(port: u16, local: IpAddr) -> Self {
        Self {
            server: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            local,
            sender: None,
        }
    }

    async fn connect(&self) -> std::io::Result<SendRequest<Full<Bytes>>> {
        let socket = TcpSocket::new_v4()?;
        // Binding to another loopback address works on Linux; elsewhere fall back to the
        // default source address.
        let _ = socket.bind(SocketAddr::new(self.local, 0));
        let stream = socket.connect(self.server).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(connection);
        Ok(sender)
    }

    /// Sends `method` to `/api/v10/{path}` with the bench bot token (unless `bot` is
    /// false) and a JSON `body`, and reads the whole answer.
    ///
    /// # Errors
    ///
    /// When the connection cannot be opened or closes without an answer (the next call
    /// opens a new one).
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Bytes,
        bot: bool,
    ) -> Result<RawAnswer, String> {
        let mut sender = match self.sender.take() {
            Some(sender) if !sender.is_closed() => sender,
            _ => self.connect().await.map_err(|e| e.to_string())?,
        };
        let mut request = Request::builder()
            .method(method)
            .uri(format!("/api/v10/{path}"))
            .header(header::HOST, format!("127.0.0.1:{}", self.server.port()))
            .header(header::CONTENT_TYPE, "application/json");
        if bot {
            request = request.header(header::AUTHORIZATION, format!("Bot {BENCH_BOT_TOKEN}"));
        }
        let request = request.body(Full::new(body)).map_err(|e| e.to_string())?;
        sender.ready().await.map_err(|e| e.to_string())?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        self.sender = Some(sender);
        Ok(RawAnswer { status, body })
    }

    /// Creates a message with `content` in `channel`.
    ///
    /// # Errors
    ///
    /// As [`RawConnection::send`].
    pub async fn create(&mut self, channel: u64, content: &str) -> Result<RawAnswer, String> {
        let body = serde_json::json!({ "content": content }).to_string();
        let path = format!("channels/{channel}/messages");
        self.send(Method::POST, &path, Bytes::from(body), true)
            .await
    }
}
