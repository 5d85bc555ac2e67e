//! The `hostile` workload's shape and its theoretical minimum.

use std::time::Duration;

use bugle_bench::ideal::{ideal_workload, scenario_minimum};
use bugle_bench::minimum::minimum_time;
use bugle_bench::scenario::{HOSTILE_LEAD_ROUNDS, Scenario};

#[test]
fn hostile_minimum_is_set_by_the_other_channels_edits() {
    // Each channel but the scout edits in rounds 10 to 14: its first edit goes in its
    // bucket's third window (10 s), and the sublimit of 2 per 10 s puts its fifth edit
    // two sublimit windows later (30 s); the global limit of 50 per second spreads the
    // 19 channels' edits, creates and deletes of that instant over one more second.
    let spec = Scenario::Hostile.spec(None);
    assert_eq!(HOSTILE_LEAD_ROUNDS, 10);
    assert_eq!(scenario_minimum(&spec), Duration::from_secs(31));
}

#[test]
fn without_the_hidden_limits_the_bucket_and_global_limit_bind() {
    // The same requests with only the bucket and the global limit: 28 requests per
    // channel need six windows of 5 per 5 s (the last at 25 s), and the global limit
    // spreads the last instant's requests over one more second.
    let mut spec = Scenario::Hostile.spec(None);
    spec.buckets.sublimits.clear();
    spec.buckets.shared.clear();
    let (limits, requests) = ideal_workload(&spec);
    assert_eq!(requests.len(), 560);
    assert_eq!(minimum_time(&limits, &requests), Duration::from_secs(26));
}
