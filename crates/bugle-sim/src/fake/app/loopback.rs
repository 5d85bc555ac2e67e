//! Sending an interaction to the app's endpoint over loopback HTTP/1.1.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderMap, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use url::Url;

/// The endpoint's answer: status, headers and body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// The URL, if it is plain http on a loopback address (nothing leaves the machine).
pub(crate) fn loopback(url: &str) -> Option<Url> {
    let url = Url::parse(url).ok()?;
    let host = url.host_str()?;
    let local = matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1");
    (url.scheme() == "http" && local && url.port_or_known_default().is_some()).then_some(url)
}

/// POSTs `body` with `headers` to `url`.
pub(crate) async fn post(
    url: &Url,
    headers: &[(&'static str, String)],
    body: Bytes,
) -> Result<Answer, String> {
    let host = url
        .host_str()
        .unwrap_or("127.0.0.1")
        .trim_matches(['[', ']']);
    let port = url.port_or_known_default().unwrap_or(80);
    let stream = TcpStream::connect((host, port))
        .await
        .map_err(|e| format!("cannot connect to {url}: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("http handshake with {url} failed: {e}"))?;
    tokio::spawn(connection);
    let path = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let mut request = Request::post(path)
        .header(HOST, format!("{host}:{port}"))
        .header(CONTENT_TYPE, "application/json")
        .header(
            "user-agent",
            "Discord-Interactions/1.0 (+https://discord.com)",
        );
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request
        .body(Full::new(body))
        .map_err(|e| format!("bad request: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("no answer from {url}: {e}"))?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| format!("the answer from {url} broke off: {e}"))?
        .to_bytes();
    Ok(Answer {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
    })
}
