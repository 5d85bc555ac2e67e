//! Running the built `bugle` binary in tests: a clean environment, captured
//! output, and `bugle fake-discord` as a server the commands share.

#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

/// The environment variables bugle reads; tests start without any of them.
const BUGLE_ENV: [&str; 7] = [
    "DISCORD_BOT_TOKEN",
    "DISCORD_WEBHOOK_URL",
    "DISCORD_API_VERSION",
    "DISCORD_API_BASE",
    "BUGLE_SIMULATION",
    "BUGLE_CONFIG",
    "RUST_LOG",
];

/// `bugle` with none of bugle's environment variables set.
pub fn bugle() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bugle"));
    for name in BUGLE_ENV {
        command.env_remove(name);
    }
    command.stdin(Stdio::null());
    command
}

/// What a finished `bugle` run left.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {}", self.stdout))
    }

    /// Panics with the output unless the exit code is `code`.
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code {} instead of {code}\nstdout: {}\nstderr: {}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code().expect("exited normally"),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
        }
    }
}

/// Runs `command` to completion.
pub fn run(command: &mut Command) -> Run {
    command.output().expect("bugle runs").into()
}

/// Runs `bugle` with `args` in a clean environment.
pub fn bugle_run(args: &[&str]) -> Run {
    run(bugle().args(args))
}

/// A `bugle fake-discord` server on a free port, stopped when dropped.
#[derive(Debug)]
pub struct FakeServer {
    child: Child,
    /// What the server printed about itself (`--json`).
    pub info: serde_json::Value,
}

impl FakeServer {
    /// Starts the server and waits until it listens.
    pub fn start() -> Self {
        let mut child = bugle()
            .args(["fake-discord", "--port", "0", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("fake-discord starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("fake-discord prints its address");
        let info = serde_json::from_str(&line).expect("the first line is JSON");
        Self { child, info }
    }

    /// `bugle` pointed at this server with its bot token and webhook.
    pub fn bugle(&self) -> Command {
        let mut command = bugle();
        command
            .env("DISCORD_API_BASE", self.field("api_base"))
            .env("DISCORD_BOT_TOKEN", self.field("bot_token"))
            .env("DISCORD_WEBHOOK_URL", self.field("webhook_url"));
        command
    }

    /// A string field of the server's description.
    pub fn field(&self, name: &str) -> String {
        self.info[name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} in {}", self.info))
            .to_owned()
    }

    /// The id of the simulated channel `name`.
    pub fn channel(&self, name: &str) -> String {
        self.info["channels"][name]
            .as_str()
            .unwrap_or_else(|| panic!("no channel {name}"))
            .to_owned()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory for one test's files.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bugle-cli-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
