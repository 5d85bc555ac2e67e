//! A scenario's workload in the ideal sender's terms: which counters each request draws
//! from.

use std::collections::HashMap;
use std::time::Duration;

use bugle_sim::fake::RouteKind;

use crate::minimum::{IdealRequest, Limit, minimum_time, minimum_time_in_flight};
use crate::scenario::{Spec, Target};

/// Builds the limit table and the request list as the ideal sender would send them.
#[derive(Debug, Default)]
struct Table {
    limits: Vec<Limit>,
    keys: HashMap<(RouteKind, u64, u8), usize>,
}

impl Table {
    fn key(&mut self, route: RouteKind, major: u64, kind: u8, limit: Limit) -> usize {
        *self.keys.entry((route, major, kind)).or_insert_with(|| {
            self.limits.push(limit);
            self.limits.len() - 1
        })
    }
}

const BUCKET: u8 = 0;
const SUBLIMIT: u8 = 1;
const SHARED: u8 = 2;

/// The limit table and requests of `spec`'s workload.
pub fn ideal_workload(spec: &Spec) -> (Vec<Limit>, Vec<IdealRequest>) {
    let limits = &spec.buckets;
    if !limits.enabled {
        let count: usize = (0..spec.jobs)
            .map(|i| {
                let job = spec.job(i);
                1 + usize::from(job.edit) + usize::from(job.delete)
            })
            .sum();
        return (Vec::new(), vec![IdealRequest::default(); count]);
    }
    let mut table = Table::default();
    // Bot requests and webhook requests (which carry no token) have separate global pools.
    let global = Limit::new(limits.global_per_second, Duration::from_secs(1));
    table.limits.push(global);
    table.limits.push(global);
    let (bot_global, ip_global) = (0, 1);
    let mut requests = Vec::new();
    let mut one = |table: &mut Table, route: RouteKind, major: u64, after: Option<usize>| {
        let (pool, bucket) = match route {
            RouteKind::ExecuteWebhook => (ip_global, limits.webhooks),
            _ => (bot_global, limits.messages),
        };
        let mut keys = vec![
            pool,
            table.key(
                route.bucket_route(),
                major,
                BUCKET,
                Limit::new(bucket.0, bucket.1),
            ),
        ];
        for hidden in limits.sublimits.iter().filter(|s| s.route == route) {
            let limit = Limit::shaped(hidden.limit, hidden.window, hidden.shape);
            keys.push(table.key(hidden.route, major, SUBLIMIT, limit));
        }
        for &(kind, n, window) in limits.shared.iter().filter(|s| s.0 == route) {
            keys.push(table.key(kind, major, SHARED, Limit::new(n, window)));
        }
        requests.push(IdealRequest {
            limits: keys,
            after,
        });
        requests.len() - 1
    };
    for i in 0..spec.jobs {
        let job = spec.job(i);
        let (route, major) = match job.target {
            Target::Channel(channel) => (RouteKind::CreateMessage, channel),
            Target::Webhook(n) => (RouteKind::ExecuteWebhook, n as u64),
        };
        let mut last = one(&mut table, route, major, None);
        if job.edit {
            last = one(&mut table, RouteKind::EditMessage, major, Some(last));
        }
        if job.delete {
            one(&mut table, RouteKind::DeleteMessage, major, Some(last));
        }
    }
    (table.limits, requests)
}

/// Which route's bucket a route draws from (message create, edit and delete share one).
trait BucketRoute {
    fn bucket_route(self) -> RouteKind;
}

impl BucketRoute for RouteKind {
    fn bucket_route(self) -> RouteKind {
        match self {
            RouteKind::EditMessage | RouteKind::DeleteMessage => RouteKind::CreateMessage,
            other => other,
        }
    }
}

/// The theoretical minimum wall time of `spec`'s workload under its limits.
pub fn scenario_minimum(spec: &Spec) -> Duration {
    let (limits, requests) = ideal_workload(spec);
    // Jobs of one request each wait for their limits holding one of the workload's
    // places, as the client's do; jobs of several requests hold theirs across all of
    // them, which the ideal sender does not model, so those minimums ignore the places.
    let one_request_jobs = u64::try_from(requests.len()).is_ok_and(|n| n == spec.jobs);
    if one_request_jobs && spec.webhooks == 0 {
        minimum_time_in_flight(&limits, &requests, spec.concurrency)
    } else {
        minimum_time(&limits, &requests)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Scenario, Spec};

    fn minimum(scenario: Scenario) -> Duration {
        scenario_minimum(&scenario.spec(None))
    }

    #[test]
    fn minimums_of_the_rate_bound_scenarios() {
        // Four bucket windows per channel, two seconds of global limit per round.
        assert_eq!(minimum(Scenario::Spread), Duration::from_secs(16));
        assert_eq!(minimum(Scenario::OneChannel), Duration::from_secs(45));
        assert_eq!(minimum(Scenario::Global), Duration::from_secs(39));
        // 100 executes per webhook, sublimit 30 per 20 s, bucket 5 per 2 s.
        assert_eq!(minimum(Scenario::Webhooks), Duration::from_secs(62));
    }

    #[test]
    fn hostile_counts_edits_and_deletes_in_the_create_bucket() {
        // Per channel: 20 creates, 5 edits and 3 deletes share 5 per 5 s: 28 requests
        // need windows up to 25 s (and two seconds of global limit per round).
        let spec = Scenario::Hostile.spec(None);
        let (_, requests) = ideal_workload(&spec);
        assert_eq!(requests.len(), 400 + 100 + 60);
        let min = scenario_minimum(&spec);
        assert!(min >= Duration::from_secs(25), "{min:?}");
    }

    #[test]
    fn hidden_all_minimum_is_twenty_one_seconds() {
        // One channel alone needs 20 s (minimum.rs: 5 at 0, 5 at 5, 2 at 10 under the
        // hidden 12 per 15 s, 5 at 15 and 3 at 20). Twenty channels want 100 requests in
        // the first instant and the global limit lets 50 a second go, so half the
        // channels run a second behind the other half and their last 3 go at 21 s.
        assert_eq!(minimum(Scenario::HiddenAll), Duration::from_secs(21));
    }

    #[test]
    fn hostile_all_minimum_adds_the_shared_limit() {
        // 15 per 20 s per channel (shared) on top of hidden-all: 15 creates by 11 s at
        // the latest, the other 5 once the shared window that opened with the channel's
        // first create has ended, at 20 s or (for the channels a second behind) 21 s.
        assert_eq!(minimum(Scenario::HostileAll), Duration::from_secs(21));
    }

    #[test]
    fn foreign_load_has_spreads_minimum() {
        assert_eq!(minimum(Scenario::ForeignLoad), Duration::from_secs(16));
    }

    #[test]
    fn multi_process_minimum_is_set_by_the_channels_windows() {
        // 2,000 creates over 40 channels of 5 per 5 s: ten windows a channel. Each round of
        // 200 needs four seconds of the 50/s global pool (0, 1, 2, 3 s), so the channels
        // start their windows a second apart and the last round's last 50 go at 45 + 3 s.
        // The webhook's 80 executes (5 per 2 s, hidden 30 per 20 s, their own per-IP
        // pool) go at 0–10, 20–30 and 40–46 s: off the critical path, by 2 s.
        let spec = Scenario::MultiProcess.spec(None);
        assert_eq!(scenario_minimum(&spec), Duration::from_secs(48));
        let executes_only = Spec {
            jobs: 80,
            execute_every: 1,
            ..spec.clone()
        };
        assert_eq!(scenario_minimum(&executes_only), Duration::from_secs(46));
    }

    #[test]
    fn lifted_limits_have_no_minimum() {
        assert_eq!(minimum(Scenario::Throughput), Duration::ZERO);
        let small = Scenario::ManyBuckets.spec(Some(10_000));
        assert_eq!(scenario_minimum(&small), Duration::ZERO);
    }
}
