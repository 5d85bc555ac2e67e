//! The redis-server a `multi-process` run shares its limits on: started by the bench on a
//! free loopback port with persistence off, and stopped at the end of the run (or killed
//! in the middle of it, with `--kill-redis-at`).

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::time::Instant;

/// The program started: `redis-server` from `PATH`.
pub const REDIS_SERVER: &str = "redis-server";

/// How long a fresh redis-server may take to answer `PING`.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A redis-server child process on `127.0.0.1`.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// Starts `redis-server` on a free loopback port, saving nothing (`--save ""
    /// --appendonly no`), and waits until it answers `PING`.
    ///
    /// # Errors
    ///
    /// When no port is free, redis-server is not on `PATH`, or it does not answer within
    /// 10 s.
    pub async fn start() -> Result<Self, String> {
        let port = free_port().map_err(|e| format!("no free loopback port for redis: {e}"))?;
        let child = Command::new(REDIS_SERVER)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--databases", "1"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                format!("cannot start {REDIS_SERVER} (is it on PATH? or pass --redis URL): {e}")
            })?;
        let server = Self { child, port };
        let deadline = Instant::now() + START_TIMEOUT;
        while !ping(port).await {
            if Instant::now() >= deadline {
                return Err(format!(
                    "{REDIS_SERVER} did not answer on port {port} in 10 s"
                ));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(server)
    }

    /// Its URL, `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills it at once (SIGKILL), as a crash or an unplugged host would: no goodbye to
    /// its clients, and its state is gone.
    ///
    /// # Errors
    ///
    /// When the signal cannot be sent.
    pub async fn kill(&mut self) -> Result<(), String> {
        self.child
            .kill()
            .await
            .map_err(|e| format!("cannot kill {REDIS_SERVER}: {e}"))
    }

    /// Stops it at the end of the run (it saves nothing, so killing it loses nothing).
    ///
    /// # Errors
    ///
    /// As [`RedisServer::kill`].
    pub async fn stop(mut self) -> Result<(), String> {
        if self.child.try_wait().ok().flatten().is_some() {
            return Ok(());
        }
        self.kill().await
    }
}

/// A loopback port nothing listens on at the moment of asking.
fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

/// Whether a Redis on `port` answers `PING` with `+PONG`.
async fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)).await else {
        return false;
    };
    if stream.write_all(b"PING\r\n").await.is_err() {
        return false;
    }
    let mut answer = [0_u8; 7];
    let read = tokio::time::timeout(Duration::from_secs(1), stream.read_exact(&mut answer)).await;
    matches!(read, Ok(Ok(_))) && &answer == b"+PONG\r\n"
}
