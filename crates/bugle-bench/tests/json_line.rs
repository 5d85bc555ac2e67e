//! The shape of the JSON line a run prints, and a smoke run of the binary.

use std::process::Command;

use bugle_bench::report::{ClientSide, RunReport};
use bugle_bench::server::ServerReport;
use bugle_sim::fake::Counters;
use serde_json::Value;

const FIELDS: [&str; 23] = [
    "scenario",
    "client",
    "messages_sent",
    "operations",
    "failed",
    "creates_ok",
    "deadline_hit",
    "delivered",
    "duplicates",
    "delivery_check",
    "wall_s",
    "minimum_s",
    "utilization",
    "rate_limited",
    "banned",
    "invalid_requests",
    "requests",
    "faults_injected",
    "requests_per_s",
    "client_cpu_s",
    "cpu_us_per_request",
    "peak_rss_kib",
    "rss_samples_kib",
];

fn check_shape(line: &str) -> Value {
    assert!(!line.contains('\n'), "one line: {line}");
    let value: Value = serde_json::from_str(line).unwrap();
    let object = value.as_object().unwrap();
    for field in FIELDS {
        assert!(object.contains_key(field), "missing {field} in {line}");
    }
    let scopes = object["rate_limited"].as_object().unwrap();
    for scope in ["user", "sublimit", "global", "shared"] {
        assert!(scopes[scope].is_u64(), "rate_limited.{scope} in {line}");
    }
    value
}

#[test]
fn a_report_is_one_json_line_with_every_field() {
    let side = ClientSide {
        messages_sent: 400,
        operations: 400,
        failed: 0,
        creates_ok: 400,
        deadline_hit: false,
        wall_s: 20.0,
        cpu_s: 0.5,
        peak_rss_kib: 20_000,
        rss_samples_kib: vec![10_000, 12_000],
    };
    let mut counters = Counters::default();
    counters.requests = 500;
    counters.rate_limited_user = 3;
    counters.rate_limited_global = 1;
    counters.messages_created = 401;
    let server = ServerReport {
        counters,
        distinct_delivered: Some(400),
        ..ServerReport::default()
    };
    let report = RunReport::new("spread", "bugle", 16.0, side, &server);
    let value = check_shape(&report.to_json_line());
    assert_eq!(value["delivered"], 400);
    assert_eq!(value["duplicates"], 1);
    assert_eq!(value["delivery_check"], "content");
    assert_eq!(value["utilization"], 0.8);
    assert_eq!(value["cpu_us_per_request"], 1000.0);
    assert_eq!(value["rate_limited"]["user"], 3);
}

#[test]
fn without_a_content_check_delivery_is_the_creation_count() {
    let side = ClientSide {
        messages_sent: 10,
        creates_ok: 9,
        wall_s: 1.0,
        ..ClientSide::default()
    };
    let mut counters = Counters::default();
    counters.messages_created = 12;
    let server = ServerReport {
        counters,
        ..ServerReport::default()
    };
    let value =
        check_shape(&RunReport::new("many-buckets", "bugle", 0.0, side, &server).to_json_line());
    assert_eq!(value["delivered"], 10);
    assert_eq!(value["duplicates"], 2);
    assert_eq!(value["delivery_check"], "count");
    assert!(value["utilization"].is_null());
}

/// A real run over loopback, small enough for CI (20 creates, no waiting on limits).
#[test]
fn a_small_spread_run_delivers_every_message_once() {
    let output = Command::new(env!("CARGO_BIN_EXE_bugle-bench"))
        .args(["run", "--scenario", "spread", "--messages", "20"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let line = stdout.lines().next().unwrap();
    let value = check_shape(line);
    assert_eq!(value["scenario"], "spread");
    assert_eq!(value["client"], "bugle");
    assert_eq!(value["messages_sent"], 20);
    assert_eq!(value["delivered"], 20);
    assert_eq!(value["duplicates"], 0);
    assert_eq!(value["failed"], 0);
    assert_eq!(value["requests"], 20);
    assert!(value["peak_rss_kib"].as_u64().unwrap() > 0);
}

/// Two worker processes over loopback, small enough for CI (30 creates each, 3 per
/// channel; the global limit holds the last 10 of the 60 for a second): the line carries
/// each process's figures.
#[test]
fn a_small_foreign_load_run_reports_every_process() {
    let output = Command::new(env!("CARGO_BIN_EXE_bugle-bench"))
        .args([
            "run",
            "--scenario",
            "foreign-load",
            "--messages",
            "60",
            "--processes",
            "2",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let value = check_shape(stdout.lines().next().unwrap());
    assert_eq!(value["delivered"], 60);
    assert_eq!(value["duplicates"], 0);
    assert_eq!(value["minimum_s"], 1.0);
    let processes = value["processes"].as_array().unwrap();
    assert_eq!(processes.len(), 2);
    for (n, process) in processes.iter().enumerate() {
        assert_eq!(process["process"], n);
        assert_eq!(process["jobs"], 30);
        assert_eq!(process["delivered"], 30);
        assert_eq!(process["duplicates"], 0);
        assert_eq!(process["failed"], 0);
        assert!(process["rate_limited_seen"]["user"].is_u64());
    }
    assert!(value["slowest_over_ideal"].is_f64());
    assert!(value["within_1_5x_ideal"].is_boolean());
    assert!(value.get("foreign").is_none());
}

/// Whether `redis-server` can be started here; the Redis runs below are skipped (and say
/// so) where it cannot.
fn redis_server_on_path() -> bool {
    let found = Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: redis-server is not on PATH");
    }
    found
}

fn multi_process(extra: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_bugle-bench"))
        .args([
            "run",
            "--scenario",
            "multi-process",
            "--messages",
            "104",
            "--processes",
            "2",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    check_shape(stdout.lines().next().unwrap())
}

/// Two workers sharing their limits on a redis-server the run starts, small enough for CI
/// (100 creates over 40 channels and a burst of 4 executes; the global limit holds the
/// last 50 creates for a second).
#[test]
fn a_small_multi_process_run_shares_limits_on_its_own_redis() {
    if !redis_server_on_path() {
        return;
    }
    let value = multi_process(&[]);
    assert_eq!(value["shared_limits"], "redis");
    assert_eq!(value["delivered"], 104);
    assert_eq!(value["duplicates"], 0);
    assert_eq!(value["failed"], 0);
    assert_eq!(value["minimum_s"], 1.0);
    assert!(value["webhook_rate_limited"].is_u64());
    assert!(value["fastest_process_s"].is_f64());
    assert!(value.get("redis_killed_at_s").is_none());
    let processes = value["processes"].as_array().unwrap();
    assert_eq!(processes.len(), 2);
    for process in processes {
        assert_eq!(process["jobs"], 52);
        assert_eq!(process["delivered"], 52);
    }
}

/// The same with the redis-server killed halfway through the minimum: every message is
/// still delivered once, and the line says when Redis went.
#[test]
fn a_multi_process_run_survives_its_redis_being_killed() {
    if !redis_server_on_path() {
        return;
    }
    let value = multi_process(&["--kill-redis-at", "0.5"]);
    assert_eq!(value["delivered"], 104);
    assert_eq!(value["duplicates"], 0);
    assert_eq!(value["failed"], 0);
    assert_eq!(value["banned"], 0);
    assert!(value["redis_killed_at_s"].as_f64().unwrap() >= 0.5);
}

/// Without Redis the same workload runs with each process on its own limits.
#[test]
fn a_multi_process_run_without_shared_limits_says_so() {
    let value = multi_process(&["--no-shared"]);
    assert_eq!(value["shared_limits"], "none");
    assert_eq!(value["delivered"], 104);
    assert_eq!(value["duplicates"], 0);
}
