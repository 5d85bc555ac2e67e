//! Serving the same `FakeDiscord` over loopback HTTP/1.1 with hyper's server.

use std::io;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::FakeDiscord;

/// A running server: its address, and the way to stop it.
#[derive(Debug)]
pub struct ServeHandle {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl ServeHandle {
    /// The address the server listens on (use it as `http://{addr}/api/v10/...`).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes open connections and waits for the server to finish.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

/// Why a connection is closed without an answer (a dropped-connection fault).
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("simulated dropped connection")
    }
}

impl std::error::Error for DropConnection {}

impl FakeDiscord {
    /// Serves this `FakeDiscord` over HTTP/1.1 on `addr` (e.g. `127.0.0.1:0` for any free
    /// port). State is shared with `self`: inspect it while the server runs.
    ///
    /// # Errors
    ///
    /// The I/O error when `addr` cannot be bound.
    pub async fn serve(&self, addr: SocketAddr) -> io::Result<ServeHandle> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (shutdown, watcher) = watch::channel(false);
        let discord = self.clone();
        let task = tokio::spawn(accept_loop(discord, listener, watcher));
        Ok(ServeHandle {
            addr,
            shutdown,
            task,
        })
    }
}

async fn accept_loop(discord: FakeDiscord, listener: TcpListener, mut stop: watch::Receiver<bool>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let discord = discord.clone();
                let mut stop = stop.clone();
                connections.spawn(async move {
                    let service = service_fn(move |request| answer(discord.clone(), request, peer));
                    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                    tokio::pin!(connection);
                    tokio::select! {
                        _ = &mut connection => {}
                        _ = stop.changed() => connection.as_mut().graceful_shutdown(),
                    }
                });
            }
        }
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
}

async fn answer(
    discord: FakeDiscord,
    request: http::Request<Incoming>,
    peer: SocketAddr,
) -> Result<http::Response<Full<Bytes>>, DropConnection> {
    let (mut parts, body) = request.into_parts();
    let body = body.collect().await.map_err(|_| DropConnection)?.to_bytes();
    if parts.uri.authority().is_none() {
        let host = parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
            .to_owned();
        let path = parts
            .uri
            .path_and_query()
            .map_or("/", http::uri::PathAndQuery::as_str)
            .to_owned();
        if let Ok(uri) = format!("http://{host}{path}").parse() {
            parts.uri = uri;
        }
    }
    let request = http::Request::from_parts(parts, body);
    match discord.handle(request, peer.ip()).await {
        Ok(response) => Ok(response.map(Full::new)),
        Err(_) => Err(DropConnection),
    }
}
