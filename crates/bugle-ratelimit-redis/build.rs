//! Tells the integration tests whether a Redis is at hand: a `redis-server` on PATH
//! (tests start their own) or `BUGLE_TEST_REDIS_URL`. Without either they are reported
//! as ignored, with the reason, instead of failing.

use std::env;
use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(bugle_redis_server)");
    println!("cargo::rustc-check-cfg=cfg(bugle_redis_url)");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=BUGLE_TEST_REDIS_URL");
    let on_path = env::var_os("PATH").is_some_and(|paths| {
        env::split_paths(&paths).any(|dir| Path::new(&dir).join("redis-server").is_file())
    });
    if on_path {
        println!("cargo::rustc-cfg=bugle_redis_server");
    }
    if env::var_os("BUGLE_TEST_REDIS_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=bugle_redis_url");
    }
}
