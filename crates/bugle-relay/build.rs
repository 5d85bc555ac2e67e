//! Tells the tests whether a PostgreSQL is at hand: `BUGLE_TEST_DATABASE_URL`
//! is set, or something listens on 127.0.0.1:5432. Without one the
//! PostgreSQL tests are reported as ignored, with the reason, instead of
//! failing; `.ci/run` runs them with `--include-ignored` against a server it
//! starts.

use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(bugle_postgres)");
    println!("cargo::rerun-if-env-changed=BUGLE_TEST_DATABASE_URL");
    println!("cargo::rerun-if-changed=build.rs");
    let url = std::env::var("BUGLE_TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty());
    let local = TcpStream::connect_timeout(
        &SocketAddr::from(([127, 0, 0, 1], 5432)),
        Duration::from_millis(300),
    )
    .is_ok();
    if url || local {
        println!("cargo::rustc-cfg=bugle_postgres");
    }
}
