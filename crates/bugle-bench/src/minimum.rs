//! The theoretical minimum time of a workload: the configured limits replayed with an ideal
//! sender.
//!
//! The ideal sender knows every limit in advance (hidden sublimits and shared limits too),
//! has zero latency and never meets a fault. It sends each request at the earliest instant
//! every limit the request counts against has room, in workload order, and a request that
//! depends on another (an edit after its create) goes no earlier than that one. A limit's
//! window is either fixed, starting at its first request, as `FakeDiscord`'s buckets are
//! (and Discord's), or sliding: at most `limit` requests in any trailing window, as some of
//! Discord's hidden limits behave. The minimum is the instant of the last send: with zero
//! latency, nothing can finish earlier.

use std::collections::VecDeque;
use std::time::Duration;

/// How a limit counts its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WindowShape {
    /// A window that starts at its first request and resets `window` later.
    #[default]
    Fixed,
    /// At most `limit` requests in any trailing `window`.
    Sliding,
}

/// One limit: at most `limit` requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Requests allowed per window (at least 1).
    pub limit: u32,
    /// The window's length.
    pub window: Duration,
    /// Fixed or sliding.
    pub shape: WindowShape,
}

impl Limit {
    /// `limit` requests per fixed `window`, starting at its first request.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
            shape: WindowShape::Fixed,
        }
    }

    /// At most `limit` requests in any trailing `window`.
    pub fn sliding(limit: u32, window: Duration) -> Self {
        Self {
            shape: WindowShape::Sliding,
            ..Self::new(limit, window)
        }
    }

    /// `limit` requests per `window` of `shape`.
    pub fn shaped(limit: u32, window: Duration, shape: WindowShape) -> Self {
        Self {
            shape,
            ..Self::new(limit, window)
        }
    }
}

/// One request of the workload, as the ideal sender sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdealRequest {
    /// Indices into the limit table of every counter this request draws from (its bucket,
    /// the global pool, a sublimit, a shared limit).
    pub limits: Vec<usize>,
    /// The index of an earlier request this one must not precede.
    pub after: Option<usize>,
}

/// What one limit has counted so far.
#[derive(Debug, Clone, Default)]
struct Counter {
    /// Fixed: the window's first request.
    start: Option<Duration>,
    /// Fixed: requests in the window.
    used: u32,
    /// Sliding: the send times still inside the trailing window, oldest first.
    sent: VecDeque<Duration>,
}

impl Counter {
    /// When `limit` next has room, if it has none at `now`.
    fn blocked_until(&mut self, limit: Limit, now: Duration) -> Option<Duration> {
        match limit.shape {
            WindowShape::Fixed => {
                if self.start.is_some_and(|start| now >= start + limit.window) {
                    self.start = None;
                    self.used = 0;
                }
                (self.used >= limit.limit).then(|| self.start.unwrap_or(now) + limit.window)
            }
            WindowShape::Sliding => {
                while self.sent.front().is_some_and(|&t| t + limit.window <= now) {
                    self.sent.pop_front();
                }
                let counted = self.sent.len();
                let limit_n = limit.limit as usize;
                (counted >= limit_n).then(|| self.sent[counted - limit_n] + limit.window)
            }
        }
    }

    /// Counts a request sent at `now`.
    fn count(&mut self, limit: Limit, now: Duration) {
        match limit.shape {
            WindowShape::Fixed => {
                self.start.get_or_insert(now);
                self.used += 1;
            }
            WindowShape::Sliding => self.sent.push_back(now),
        }
    }
}

/// The earliest instant at which the last of `requests` can be sent under `limits`, by
/// the ideal sender of the module's doc.
///
/// # Panics
///
/// When a request names a limit index outside `limits`, or depends on itself or on a later
/// request (the workload is then malformed).
pub fn minimum_time(limits: &[Limit], requests: &[IdealRequest]) -> Duration {
    minimum_time_in_flight(limits, requests, usize::MAX)
}

/// [`minimum_time`] for a sender that keeps at most `in_flight` requests outstanding, as
/// a workload of one-request jobs behind a semaphore does: request `i` is taken up only
/// once `i + 1 - in_flight` requests have been sent, and waits for its limits holding its
/// place. (Requests take no time here, so a request sent is a place given back.)
///
/// # Panics
///
/// As [`minimum_time`].
pub fn minimum_time_in_flight(
    limits: &[Limit],
    requests: &[IdealRequest],
    in_flight: usize,
) -> Duration {
    let in_flight = in_flight.max(1);
    let mut sent_count = 0_usize;
    let mut counters = vec![Counter::default(); limits.len()];
    let mut sent_at: Vec<Option<Duration>> = vec![None; requests.len()];
    let mut pending: Vec<usize> = (0..requests.len()).collect();
    for (index, request) in requests.iter().enumerate() {
        if let Some(after) = request.after {
            assert!(after < index, "request {index} depends on a later request");
        }
    }
    let mut now = Duration::ZERO;
    let mut last = Duration::ZERO;
    while !pending.is_empty() {
        let mut next = None::<Duration>;
        pending.retain(|&index| {
            let request = &requests[index];
            if request.after.is_some_and(|after| sent_at[after].is_none()) {
                return true;
            }
            if sent_count.saturating_add(in_flight) <= index {
                // Not taken up yet: every place is held by an earlier request.
                return true;
            }
            let mut blocked_until = None::<Duration>;
            for &key in &request.limits {
                if let Some(reset) = counters[key].blocked_until(limits[key], now) {
                    blocked_until = Some(blocked_until.map_or(reset, |b: Duration| b.max(reset)));
                }
            }
            if let Some(until) = blocked_until {
                next = Some(next.map_or(until, |n| n.min(until)));
                return true;
            }
            for &key in &request.limits {
                counters[key].count(limits[key], now);
            }
            sent_at[index] = Some(now);
            sent_count += 1;
            last = last.max(now);
            false
        });
        // With no `next`, only requests waiting on a predecessor remain, and every
        // predecessor is earlier in the list, so one more pass at the same instant sends
        // them.
        if let Some(at) = next {
            now = at.max(now);
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn requests_waiting_on_a_limit_hold_their_places() {
        // Two resources of 1 per 10 s; requests alternate a, a, b. With every request
        // taken up at once, b goes at 0 and the second a at 10 s. With one place, b waits
        // behind the second a, which waits for a's window: b goes at 10 s too.
        let limits = [Limit::new(1, secs(10)), Limit::new(1, secs(10))];
        let request = |limit: usize| IdealRequest {
            limits: vec![limit],
            after: None,
        };
        let requests = [request(0), request(0), request(1)];
        assert_eq!(minimum_time(&limits, &requests), secs(10));
        assert_eq!(minimum_time_in_flight(&limits, &requests, 1), secs(10));
        let requests = [request(0), request(0), request(1), request(1)];
        assert_eq!(minimum_time(&limits, &requests), secs(10));
        // One place: a at 0, a at 10, b at 10, b at 20.
        assert_eq!(minimum_time_in_flight(&limits, &requests, 1), secs(20));
        assert_eq!(minimum_time_in_flight(&limits, &requests, 2), secs(10));
    }

    fn on(limits: &[usize]) -> IdealRequest {
        IdealRequest {
            limits: limits.to_vec(),
            after: None,
        }
    }

    #[test]
    fn no_limits_means_everything_at_once() {
        let requests = vec![IdealRequest::default(); 1000];
        assert_eq!(minimum_time(&[], &requests), Duration::ZERO);
    }

    #[test]
    fn one_bucket_of_five_per_five_seconds_sends_fifty_by_forty_five_seconds() {
        let limits = [Limit::new(5, secs(5))];
        let requests = vec![on(&[0]); 50];
        assert_eq!(minimum_time(&limits, &requests), secs(45));
    }

    #[test]
    fn global_limit_binds_across_buckets() {
        // 2,000 requests over 400 buckets of 5 per 5 s, 50 per second in all: 40 windows
        // of the global limit, the last starting at 39 s.
        let mut limits = vec![Limit::new(50, secs(1))];
        limits.extend((0..400).map(|_| Limit::new(5, secs(5))));
        let requests: Vec<IdealRequest> = (0..2000).map(|i| on(&[0, 1 + i % 400])).collect();
        assert_eq!(minimum_time(&limits, &requests), secs(39));
    }

    #[test]
    fn the_bucket_binds_when_the_global_limit_has_room() {
        // 400 over 20 buckets of 5 per 5 s: each bucket needs four windows (0, 5, 10,
        // 15 s), and each round of 100 needs two seconds of the 50/s global limit, so the
        // last 50 go at 16 s.
        let mut limits = vec![Limit::new(50, secs(1))];
        limits.extend((0..20).map(|_| Limit::new(5, secs(5))));
        let requests: Vec<IdealRequest> = (0..400).map(|i| on(&[0, 1 + i % 20])).collect();
        assert_eq!(minimum_time(&limits, &requests), secs(16));
    }

    #[test]
    fn a_hidden_sublimit_is_known_to_the_ideal_sender() {
        // 100 executes: bucket 5 per 2 s, sublimit 30 per 20 s. The sublimit allows 30 at
        // 0, 20, 40 and 10 more at 60 s; the bucket fits 30 into 12 s of each window.
        let limits = [Limit::new(5, secs(2)), Limit::new(30, secs(20))];
        let requests = vec![on(&[0, 1]); 100];
        assert_eq!(minimum_time(&limits, &requests), secs(62));
    }

    #[test]
    fn a_dependent_request_waits_for_its_predecessor() {
        // Two creates fill the 1-per-10-s bucket at 0 and 10 s; the edit of the second
        // shares the bucket and comes after it, at 20 s.
        let limits = [Limit::new(1, secs(10))];
        let requests = vec![
            on(&[0]),
            on(&[0]),
            IdealRequest {
                limits: vec![0],
                after: Some(1),
            },
        ];
        assert_eq!(minimum_time(&limits, &requests), secs(20));
    }

    #[test]
    fn a_window_starts_at_its_first_request_not_at_zero() {
        // The second limit is first used at 10 s, so its window runs from 10 to 15 s and
        // the request after it waits until 15 s.
        let limits = [Limit::new(1, secs(10)), Limit::new(1, secs(5))];
        let requests = vec![
            on(&[0]),
            on(&[0, 1]),
            IdealRequest {
                limits: vec![1],
                after: Some(1),
            },
        ];
        assert_eq!(minimum_time(&limits, &requests), secs(15));
    }

    #[test]
    fn a_sliding_window_refuses_the_burst_a_fixed_window_allows_at_its_reset() {
        // Limit 0 spaces the first two requests 9 s apart; limit 1 allows 2 per 10 s. The
        // last two follow the second. Fixed: its window [0, 10) is full, and at 10 s a
        // new one lets both go. Sliding: at 10 s only the request of 0 s has left, so the
        // last waits for the one of 9 s to leave, at 19 s.
        let requests = vec![
            on(&[0, 1]),
            on(&[0, 1]),
            IdealRequest {
                limits: vec![1],
                after: Some(1),
            },
            IdealRequest {
                limits: vec![1],
                after: Some(2),
            },
        ];
        let fixed = [Limit::new(1, secs(9)), Limit::new(2, secs(10))];
        assert_eq!(minimum_time(&fixed, &requests), secs(10));
        let sliding = [Limit::new(1, secs(9)), Limit::sliding(2, secs(10))];
        assert_eq!(minimum_time(&sliding, &requests), secs(19));
    }

    #[test]
    fn a_sliding_limit_alone_lets_a_full_window_go_once_its_oldest_has_left() {
        // 3 per 10 s sliding, 7 requests: 3 at 0 s, 3 at 10 s, the last at 20 s.
        let requests = vec![on(&[0]); 7];
        assert_eq!(
            minimum_time(&[Limit::sliding(3, secs(10))], &requests),
            secs(20)
        );
    }

    #[test]
    fn one_channel_of_hidden_all_sends_its_twenty_by_twenty_seconds() {
        // Bucket 5 per 5 s (fixed), hidden 12 per 15 s (sliding). 5 at 0 s and 5 at 5 s;
        // at 10 s the hidden limit has room for 2 (12 in the trailing 15 s); at 15 s the
        // five of 0 s have left: 5 more; at 20 s the five of 5 s have left: the last 3.
        let limits = [Limit::new(5, secs(5)), Limit::sliding(12, secs(15))];
        let requests = vec![on(&[0, 1]); 20];
        assert_eq!(minimum_time(&limits, &requests), secs(20));
    }
}
