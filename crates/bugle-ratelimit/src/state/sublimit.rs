//! Hidden sublimits learned from 429s: a route whose 429 says to wait far longer than
//! its bucket's reset (or arrives with capacity left) has a limit Discord does not
//! announce in headers. It is learned per route template and applied to every major
//! parameter of that template until it expires.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use crate::hash::FastMap;
use crate::key::Major;

/// Recent dispatches kept per route to estimate a sublimit's count when one is hit.
pub(crate) const RECENT_PER_ROUTE: usize = 16;

/// A learned sublimit: at most `limit` requests per `period`, per major parameter.
#[derive(Debug, Clone)]
pub(crate) struct Sublimit {
    pub(crate) limit: u32,
    pub(crate) period: Duration,
    pub(crate) expires_at: Instant,
    logs: FastMap<Major, VecDeque<Instant>>,
}

impl Sublimit {
    /// Learns from a 429 that said to wait `retry_after`, given the dispatch instants of
    /// the route's other recent requests on the same major parameter (oldest first).
    pub(crate) fn learn(
        previous: Option<&Self>,
        major: Major,
        retry_after: Duration,
        recent: &[Instant],
        margin: Duration,
        ttl: Duration,
        now: Instant,
    ) -> Self {
        let window_end = now + retry_after;
        let since = now.checked_sub(retry_after).unwrap_or(now);
        let counted: Vec<Instant> = recent.iter().copied().filter(|&t| t >= since).collect();
        let mut limit = u32::try_from(counted.len()).unwrap_or(u32::MAX).max(1);
        // The window began at the first request it counted and ends when the 429 says.
        let mut period = counted
            .first()
            .map_or(retry_after, |&first| window_end - first);
        let mut logs = FastMap::default();
        if let Some(prev) = previous.filter(|p| p.expires_at > now) {
            limit = limit.min(prev.limit);
            period = period.max(prev.period);
            logs.clone_from(&prev.logs);
        }
        // Seed this major's log so that its next slot opens when the 429 said.
        let seed = (window_end + margin).checked_sub(period).unwrap_or(now);
        logs.insert(major, std::iter::repeat_n(seed, limit as usize).collect());
        Self {
            limit,
            period,
            expires_at: window_end + ttl,
            logs,
        }
    }

    /// A sublimit another shard learned: no dispatch is logged here yet.
    pub(crate) fn adopted(limit: u32, period: Duration, expires_at: Instant) -> Self {
        Self {
            limit,
            period,
            expires_at,
            logs: FastMap::default(),
        }
    }

    /// Merges a sublimit learned elsewhere for the same route, as [`Sublimit::learn`]
    /// merges with a previous one: the lower limit, the longer period, the later expiry.
    pub(crate) fn tighten(&mut self, limit: u32, period: Duration, expires_at: Instant) {
        self.limit = self.limit.min(limit);
        self.period = self.period.max(period);
        self.expires_at = self.expires_at.max(expires_at);
    }

    fn prune(log: &mut VecDeque<Instant>, period: Duration, now: Instant) {
        while log.front().is_some_and(|&t| t + period <= now) {
            log.pop_front();
        }
    }

    /// `Ok` if one more request on `major` fits, else when the next slot opens.
    pub(crate) fn check(&mut self, major: Major, now: Instant) -> Result<(), Instant> {
        let Some(log) = self.logs.get_mut(&major) else {
            return Ok(());
        };
        Self::prune(log, self.period, now);
        let limit = self.limit as usize;
        if log.len() < limit {
            Ok(())
        } else {
            Err(log[log.len() - limit] + self.period)
        }
    }

    pub(crate) fn record(&mut self, major: Major, now: Instant) {
        self.logs.entry(major).or_default().push_back(now);
    }

    pub(crate) fn unrecord(&mut self, major: Major, at: Instant) {
        if let Some(log) = self.logs.get_mut(&major) {
            if let Some(i) = log.iter().rposition(|&t| t == at) {
                log.remove(i);
            }
        }
    }

    /// Drops per-major logs with nothing left in the window.
    pub(crate) fn evict(&mut self, now: Instant) {
        let period = self.period;
        self.logs.retain(|_, log| {
            Self::prune(log, period, now);
            !log.is_empty()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_count_and_window_from_recent_requests() {
        // A 2-per-10-minutes limit: requests at 0 and 1 min succeed; at 2 min a 429 says
        // to wait 8 min.
        let t0 = Instant::now();
        let now = t0 + Duration::from_secs(120);
        let recent = [t0, t0 + Duration::from_secs(60)];
        let mut s = Sublimit::learn(
            None,
            Major::Channel(1),
            Duration::from_secs(480),
            &recent,
            Duration::ZERO,
            Duration::from_secs(60),
            now,
        );
        assert_eq!(s.limit, 2);
        assert_eq!(s.period, Duration::from_secs(600));
        assert_eq!(
            s.check(Major::Channel(1), now),
            Err(t0 + Duration::from_secs(600))
        );
        // Another channel is limited pre-emptively to the same shape.
        for i in 0..2 {
            assert!(
                s.check(Major::Channel(2), now + Duration::from_secs(i))
                    .is_ok()
            );
            s.record(Major::Channel(2), now + Duration::from_secs(i));
        }
        assert_eq!(
            s.check(Major::Channel(2), now + Duration::from_secs(5)),
            Err(now + Duration::from_secs(600))
        );
    }
}
