//! Hidden sublimits learned from 429s: a route whose 429 says to wait far longer than
//! its bucket's reset (or arrives with capacity left) has a limit Discord does not
//! announce in headers. It is learned per route template and applied to every major
//! parameter of that template until it expires.
//!
//! A 429 only ever says that too many requests went, never that more could have: so the
//! first one sets the estimate, and a later one lowers it only when this sublimit saw
//! every request of that major parameter in the 429's window. A major parameter whose
//! history began before the sublimit was known (its earlier requests were not logged)
//! proves nothing about the limit: it is held until its window ends, and the estimate
//! stays as it is. Lowering the estimate on such partial history would make every
//! major parameter wait too long (one request per window where two are allowed, say).

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use crate::hash::FastMap;
use crate::key::Major;

/// Recent dispatches kept per route (in each shard) to estimate a sublimit's count when
/// one is hit. The first learn can count no more requests than this holds of the major
/// parameter that met the limit, and the estimate is never raised afterwards, so it must
/// hold a whole window of the largest hidden limits seen (30 executes per webhook) for
/// a few major parameters of one shard at once. About 4 KiB per route and shard at most.
pub(crate) const RECENT_PER_ROUTE: usize = 128;

/// How long a dispatch stays in a major's log after it left the learned window, so that
/// a 429 that shows the window to be a little longer can be measured against it (see
/// [`Sublimit::stretch`]).
const STRETCH_MEMORY: Duration = Duration::from_secs(1);

/// What one major parameter dispatched under a learned sublimit.
#[derive(Debug, Clone, Default)]
struct MajorLog {
    /// Dispatch instants within the last period, oldest first.
    sent: VecDeque<Instant>,
    /// A 429 said this major's window ends here (plus the safety margin).
    held_until: Option<Instant>,
}

/// A learned sublimit: at most `limit` requests per `period`, per major parameter.
#[derive(Debug, Clone)]
pub(crate) struct Sublimit {
    /// This shard's own estimate, which its first learn's corrections move
    /// ([`Sublimit::uncount`], [`Sublimit::confirm`]). Kept apart from `adopted`: a
    /// correction says this shard's count was one off, not the other shards', so it
    /// must not move their estimate (a first learn that counted two requests too many,
    /// then adopted another shard's exact count, would otherwise end two below it).
    own: u32,
    /// The lowest limit other shards learned ([`Sublimit::tighten`]); `u32::MAX` for none.
    adopted: u32,
    pub(crate) period: Duration,
    pub(crate) expires_at: Instant,
    /// Since when every dispatch of the route is logged here (`None` for an adopted
    /// sublimit until it is first consulted).
    tracked_since: Option<Instant>,
    logs: FastMap<Major, MajorLog>,
    /// The first learn's major parameter, the latest dispatch it counted, and when it
    /// learned: a later 429 for one of the requests it counted (sent together, answered
    /// after) shows that it did not count after all, and the estimate drops by one; a
    /// success for one it did not count (sent after the one that got the 429 but before
    /// that 429 came back, and taken by the server first) shows that it did, and the
    /// estimate grows by one.
    pub(crate) counted: Option<(Major, Instant, Instant)>,
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
        let mut learned = match previous.filter(|p| p.expires_at > now) {
            Some(prev) => {
                let mut learned = prev.clone();
                learned.relearn(major, retry_after, margin, now);
                learned
            }
            None => Self::first(retry_after, recent, margin, now),
        };
        learned.expires_at = learned.expires_at.max(window_end + ttl);
        learned.hold(major, window_end + margin);
        learned
    }

    /// The first 429 of the route: the window it ends began at one of this major
    /// parameter's recent requests, and counted that one and every later one.
    ///
    /// Which one: a window that began at `t[j]` and ends at `end` has the period
    /// `end - t[j]` and the limit `n - j`. Windows are fixed and start at their first
    /// request, so the requests before `t[j]` must fall into such windows one after
    /// another, each holding no more than the limit, the last one over by `t[j]`; that
    /// is checked over the whole known history (a sliding window of that shape would
    /// have refused a request that such a fixed window refuses too, so the check keeps
    /// what is safe under both). The latest start that passes is taken (the earliest
    /// request always does, as nothing older is known): the shortest window, and the
    /// smallest count, the requests explain.
    ///
    /// The period is measured from a dispatch here to the window's end there, so it
    /// holds that request's latency; the safety margin is added for the jitter of later
    /// ones (a request sent a period after another may arrive sooner after it).
    fn first(retry_after: Duration, recent: &[Instant], margin: Duration, now: Instant) -> Self {
        let window_end = now + retry_after;
        let sent: Vec<Instant> = recent.iter().copied().filter(|&t| t < now).collect();
        let fits = |j: usize| {
            let period = window_end - sent[j];
            let limit = sent.len() - j;
            let mut i = 0;
            while i < j {
                let end = sent[i] + period;
                let count = sent[i..j].iter().take_while(|&&t| t < end).count();
                i += count;
                if count > limit || (i == j && end > sent[j]) {
                    return false;
                }
            }
            true
        };
        let start = (1..sent.len()).rev().find(|&j| fits(j)).unwrap_or(0);
        let (limit, period) = match sent.get(start) {
            Some(&first) => (sent.len() - start, window_end - first),
            None => (1, retry_after),
        };
        let limit = u32::try_from(limit).unwrap_or(u32::MAX).max(1);
        Self {
            own: limit,
            adopted: u32::MAX,
            period: period + margin,
            expires_at: window_end,
            tracked_since: Some(now),
            logs: FastMap::default(),
            counted: None,
        }
    }

    /// A later 429 of the route on `major`. The estimate is lowered to what this
    /// major parameter sent in the 429's window only when all of that window was logged
    /// here and the major was not already held (a held major's 429 is for a request
    /// that left before the hold: it says nothing new).
    fn relearn(&mut self, major: Major, retry_after: Duration, margin: Duration, now: Instant) {
        let window_end = now + retry_after;
        let period = self.period.max(retry_after);
        // Where the server's window began, give or take the margin.
        let window_start = (window_end.checked_sub(period))
            .and_then(|t| t.checked_sub(margin))
            .unwrap_or(now);
        let whole_window_logged = self.tracked_since.is_some_and(|s| s <= window_start);
        let log = self.logs.get(&major);
        let held = log
            .and_then(|l| l.held_until)
            .is_some_and(|until| until > now);
        if whole_window_logged && !held {
            let sent = log.map_or(0, |l| l.sent.iter().filter(|&&t| t >= window_start).count());
            // The request that got the 429 is logged too, and did not count.
            let counted = u32::try_from(sent.saturating_sub(1)).unwrap_or(u32::MAX);
            self.own = self.own.min(counted.max(1));
        }
        self.period = period;
    }

    /// A 429 for a request on `major` dispatched at `sent_at`: if the first learn
    /// counted it (it was in flight with the request whose 429 taught the limit, and
    /// went no later), it did not count after all, and the estimate drops by one.
    pub(crate) fn uncount(&mut self, major: Major, sent_at: Instant) {
        if self
            .counted
            .is_some_and(|(m, until, _)| m == major && sent_at <= until)
        {
            self.own = self.own.saturating_sub(1).max(1);
        }
    }

    /// A success for a request on `major` dispatched at `sent_at`: if it left after the
    /// request whose 429 taught the limit but before that 429 came back, the first learn
    /// did not count it although the server did (it got there first), and the estimate
    /// grows by one. True when it did.
    pub(crate) fn confirm(&mut self, major: Major, sent_at: Instant) -> bool {
        let missed = self
            .counted
            .is_some_and(|(m, until, learned)| m == major && until < sent_at && sent_at < learned);
        if missed {
            self.own = self.own.saturating_add(1);
        }
        missed
    }

    /// A later 429 on `major` for a request dispatched at `sent_at`, which this
    /// sublimit's log let through: if the log held a full count before it, the count
    /// was right and the window too short (the oldest request's latency was longer than
    /// the one the period was measured with), so the period grows to what the 429
    /// says: from that oldest request to the end of the server's window, plus the
    /// margin. A major held by an earlier 429, or whose log is short, says nothing here.
    pub(crate) fn stretch(
        &mut self,
        major: Major,
        sent_at: Instant,
        retry_after: Duration,
        margin: Duration,
        now: Instant,
    ) {
        let Some(log) = self.logs.get(&major) else {
            return;
        };
        if log.held_until.is_some_and(|until| until > now) {
            return;
        }
        let limit = self.limit() as usize;
        let before: Vec<Instant> = log.sent.iter().copied().filter(|&t| t < sent_at).collect();
        let Some(&oldest) = before.len().checked_sub(limit).and_then(|i| before.get(i)) else {
            return;
        };
        let implied = (now + retry_after).saturating_duration_since(oldest) + margin;
        // At most the request's own round trip, the wait and the margin longer: a 429
        // that says more is from a limit this log cannot explain.
        let bound = self.period + now.saturating_duration_since(sent_at) + retry_after + margin;
        if implied > self.period && implied <= bound {
            self.period = implied;
        }
    }

    /// Holds `major` until `until`: its window is full.
    fn hold(&mut self, major: Major, until: Instant) {
        let log = self.logs.entry(major).or_default();
        log.held_until = Some(log.held_until.map_or(until, |held| held.max(until)));
    }

    /// Logs the route's recent dispatches that are still inside the period, for every
    /// major parameter that has no log yet: a new sublimit starts from what was really
    /// sent, so that a major parameter whose earlier requests are still in the server's
    /// window (a sliding window, or a fixed one not yet over) is not let through again
    /// as if it had sent nothing. `recent` is oldest first.
    pub(crate) fn seed(&mut self, recent: impl Iterator<Item = (Major, Instant)>, now: Instant) {
        let logged: Vec<Major> = (self.logs.iter())
            .filter(|(_, log)| !log.sent.is_empty())
            .map(|(&major, _)| major)
            .collect();
        for (major, at) in recent {
            if at + self.period > now && !logged.contains(&major) {
                self.logs.entry(major).or_default().sent.push_back(at);
            }
        }
    }

    /// A sublimit another shard learned: no dispatch is logged here yet.
    pub(crate) fn adopted(limit: u32, period: Duration, expires_at: Instant) -> Self {
        Self {
            own: limit,
            adopted: u32::MAX,
            period,
            expires_at,
            tracked_since: None,
            logs: FastMap::default(),
            counted: None,
        }
    }

    /// Merges a sublimit learned elsewhere for the same route, as [`Sublimit::learn`]
    /// merges with a previous one: the lower limit, the longer period, the later expiry.
    pub(crate) fn tighten(&mut self, limit: u32, period: Duration, expires_at: Instant) {
        self.adopted = self.adopted.min(limit);
        self.period = self.period.max(period);
        self.expires_at = self.expires_at.max(expires_at);
    }

    /// Takes a limit another shard corrected upwards as the estimate here too, replacing
    /// this shard's own and what it adopted before.
    pub(crate) fn replace_limit(&mut self, limit: u32) {
        self.own = limit;
        self.adopted = u32::MAX;
    }

    /// The limit applied: the lower of this shard's own estimate and what other shards
    /// learned.
    pub(crate) fn limit(&self) -> u32 {
        self.own.min(self.adopted).max(1)
    }

    /// Drops what left the window more than [`STRETCH_MEMORY`] ago (kept that long so
    /// that a 429 just after the window can still be measured against it).
    fn prune(log: &mut MajorLog, period: Duration, now: Instant) {
        while log
            .sent
            .front()
            .is_some_and(|&t| t + period + STRETCH_MEMORY <= now)
        {
            log.sent.pop_front();
        }
        if log.held_until.is_some_and(|until| until <= now) {
            log.held_until = None;
        }
    }

    /// `Ok` if one more request on `major` fits, else when the next slot opens.
    pub(crate) fn check(&mut self, major: Major, now: Instant) -> Result<(), Instant> {
        // Every dispatch from here on is checked first, then recorded.
        self.tracked_since.get_or_insert(now);
        let limit = self.limit() as usize;
        let Some(log) = self.logs.get_mut(&major) else {
            return Ok(());
        };
        Self::prune(log, self.period, now);
        if let Some(until) = log.held_until {
            return Err(until);
        }
        let period = self.period;
        let live = (log.sent.iter().rev())
            .take_while(|&&t| t + period > now)
            .count();
        if live < limit {
            Ok(())
        } else {
            Err(log.sent[log.sent.len() - limit] + period)
        }
    }

    pub(crate) fn record(&mut self, major: Major, now: Instant) {
        self.tracked_since.get_or_insert(now);
        self.logs.entry(major).or_default().sent.push_back(now);
    }

    pub(crate) fn unrecord(&mut self, major: Major, at: Instant) {
        if let Some(log) = self.logs.get_mut(&major) {
            if let Some(i) = log.sent.iter().rposition(|&t| t == at) {
                log.sent.remove(i);
            }
        }
    }

    /// Drops per-major logs with nothing left in the window.
    pub(crate) fn evict(&mut self, now: Instant) {
        let period = self.period;
        self.logs.retain(|_, log| {
            Self::prune(log, period, now);
            !log.sent.is_empty() || log.held_until.is_some()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);
    const TTL: Duration = Duration::from_secs(3_600);

    /// A 2-per-10-s sublimit learned on channel 1: requests at `t0` and `t0 + 1 s`
    /// succeed, the third at `t0 + 4 s` gets a 429 saying to wait 6 s.
    fn learned_on_channel_one(t0: Instant) -> Sublimit {
        let now = t0 + 4 * S;
        Sublimit::learn(
            None,
            Major::Channel(1),
            6 * S,
            &[t0, t0 + S],
            Duration::ZERO,
            TTL,
            now,
        )
    }

    /// Sends on `major` at `at` if the sublimit lets it, as the engine does.
    fn send(s: &mut Sublimit, major: Major, at: Instant) -> Result<(), Instant> {
        s.check(major, at)?;
        s.record(major, at);
        Ok(())
    }

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
        assert_eq!(s.limit(), 2);
        assert_eq!(s.period, Duration::from_secs(600));
        assert_eq!(
            s.check(Major::Channel(1), now),
            Err(t0 + Duration::from_secs(600))
        );
        // Another channel is limited pre-emptively to the same shape.
        for i in 0..2 {
            assert!(send(&mut s, Major::Channel(2), now + Duration::from_secs(i)).is_ok());
        }
        assert_eq!(
            s.check(Major::Channel(2), now + Duration::from_secs(5)),
            Err(now + Duration::from_secs(600))
        );
    }

    #[test]
    fn the_first_window_is_the_latest_start_the_earlier_requests_allow() {
        let t0 = Instant::now();
        let learn = |recent: &[Instant], retry_after: Duration, now: Instant| {
            let s = Sublimit::learn(
                None,
                Major::Channel(1),
                retry_after,
                recent,
                Duration::ZERO,
                TTL,
                now,
            );
            (s.limit(), s.period)
        };
        let ms = Duration::from_millis;
        // 2 per 10 s, requests at 8 ms and 1,010 ms, a 429 at 5,011 ms to wait until
        // 10,008 ms: more than half the window was gone, yet both requests count (a
        // window from 1,010 ms would leave the one at 8 ms in a window that never ended).
        assert_eq!(
            learn(&[t0 + ms(8), t0 + ms(1_010)], ms(4_997), t0 + ms(5_011)),
            (2, 10 * S)
        );
        // Two full windows before: only the last one's requests count.
        let steady = [t0, t0 + S / 10, t0 + 10 * S, t0 + 10 * S + S / 10];
        assert_eq!(learn(&steady, 8 * S, t0 + 12 * S), (2, 10 * S));
        // A request an hour earlier explains nothing about this window.
        let old = t0 + 3_600 * S;
        assert_eq!(
            learn(&[t0, old, old + S / 10], 5 * S, old + 5 * S),
            (2, 10 * S)
        );
        // No history: one request per Retry-After.
        assert_eq!(learn(&[], 7 * S, t0), (1, 7 * S));
        // 30 per 20 s, sent 5 every 2 s from 0 to 10 s, a 429 at 12 s to wait until
        // 20 s. A window from 10 s (5 per 10 s) would need the 25 requests before it in
        // one window of 10 s: more than that window's limit, so it cannot be.
        let burst: Vec<Instant> = (0..30).map(|i| t0 + 2 * S * (i / 5)).collect();
        assert_eq!(learn(&burst, 8 * S, t0 + 12 * S), (30, 20 * S));
    }

    #[test]
    fn the_held_major_goes_again_when_its_window_ends_plus_the_margin() {
        let t0 = Instant::now();
        let margin = Duration::from_millis(50);
        let mut s = Sublimit::learn(
            None,
            Major::Channel(1),
            6 * S,
            &[t0, t0 + S],
            margin,
            TTL,
            t0 + 4 * S,
        );
        let end = t0 + 10 * S + margin;
        assert_eq!(s.check(Major::Channel(1), end - margin), Err(end));
        assert_eq!(s.check(Major::Channel(1), end), Ok(()));
        // Two more fit in the new window; the third waits a period after the first, and
        // the margin again, as the first's latency may have been longer than its own.
        assert_eq!(s.period, 10 * S + margin);
        assert_eq!(send(&mut s, Major::Channel(1), end), Ok(()));
        assert_eq!(send(&mut s, Major::Channel(1), end + S), Ok(()));
        assert_eq!(
            send(&mut s, Major::Channel(1), end + 2 * S),
            Err(end + 10 * S + margin)
        );
    }

    #[test]
    fn a_major_whose_window_began_before_the_sublimit_was_known_does_not_lower_it() {
        // Channel 2 sent twice at t0 (before anything was learned, so neither is
        // logged), then a third time at 5 s: 429, wait 5 s. The route's history holds
        // only one of its requests. That says nothing about the limit: it stays 2, and
        // channel 2 waits for its window to end.
        let t0 = Instant::now();
        let mut s = learned_on_channel_one(t0);
        let now = t0 + 5 * S;
        assert_eq!(send(&mut s, Major::Channel(2), now), Ok(()));
        let s = Sublimit::learn(
            Some(&s),
            Major::Channel(2),
            5 * S,
            &[t0],
            Duration::ZERO,
            TTL,
            now,
        );
        assert_eq!((s.limit(), s.period), (2, 10 * S));
        let mut s = s;
        assert_eq!(s.check(Major::Channel(2), now), Err(t0 + 10 * S));
        // Channel 3, which sent nothing yet, gets its two.
        assert_eq!(send(&mut s, Major::Channel(3), now), Ok(()));
        assert_eq!(send(&mut s, Major::Channel(3), now), Ok(()));
        assert_eq!(send(&mut s, Major::Channel(3), now), Err(now + 10 * S));
    }

    #[test]
    fn a_fully_logged_major_lowers_an_estimate_that_was_too_high() {
        // The first 429 counted three requests (one of them had failed before it
        // counted): the estimate is 3. Channel 2, logged from its first request, sends
        // two that count and a third that gets a 429: the limit is 2.
        let t0 = Instant::now();
        let mut s = Sublimit::learn(
            None,
            Major::Channel(1),
            6 * S,
            &[t0, t0, t0 + S],
            Duration::ZERO,
            TTL,
            t0 + 4 * S,
        );
        assert_eq!(s.limit(), 3);
        let start = t0 + 20 * S;
        for i in 0..3 {
            assert_eq!(send(&mut s, Major::Channel(2), start + i * S), Ok(()));
        }
        let now = start + 2 * S;
        let s = Sublimit::learn(
            Some(&s),
            Major::Channel(2),
            8 * S,
            &[start, start + S],
            Duration::ZERO,
            TTL,
            now,
        );
        assert_eq!(s.limit(), 2);
    }

    #[test]
    fn a_second_429_from_the_same_window_says_nothing_new() {
        // Two requests on channel 1 were in flight together; both got a 429. The second
        // answer arrives while channel 1 is already held: the limit stays.
        let t0 = Instant::now();
        let first = learned_on_channel_one(t0);
        let later = t0 + 4 * S + Duration::from_millis(5);
        let second = Sublimit::learn(
            Some(&first),
            Major::Channel(1),
            Duration::from_millis(5_995),
            &[t0, t0 + S],
            Duration::ZERO,
            TTL,
            later,
        );
        assert_eq!(
            (second.limit(), second.period),
            (first.limit(), first.period)
        );
    }

    #[test]
    fn an_adopted_sublimit_logs_from_its_first_use() {
        // Learned in another shard at 4 s and adopted here. Channel 5 had sent twice
        // here at t0, unlogged: its 429 at 4.5 s keeps the limit. Channel 6, logged from
        // its first request after the adoption, is held to two per window.
        let t0 = Instant::now();
        let mut s = Sublimit::adopted(2, 10 * S, t0 + 3_600 * S);
        let now = t0 + 4 * S + S / 2;
        assert_eq!(send(&mut s, Major::Channel(5), now), Ok(()));
        let mut s = Sublimit::learn(
            Some(&s),
            Major::Channel(5),
            5 * S + S / 2,
            &[t0, t0],
            Duration::ZERO,
            TTL,
            now,
        );
        assert_eq!(s.limit(), 2);
        assert_eq!(send(&mut s, Major::Channel(6), now), Ok(()));
        assert_eq!(send(&mut s, Major::Channel(6), now + S), Ok(()));
        assert_eq!(send(&mut s, Major::Channel(6), now + S), Err(now + 10 * S));
    }

    #[test]
    fn a_new_sublimit_starts_from_what_each_major_really_sent() {
        // Adopted at 4 s: channel 7 had sent twice at 1 s and 2 s, so under a 2-per-10-s
        // limit (sliding or fixed) it has nothing left until 11 s; channel 8 sent at
        // -20 s, long out of the window.
        let t0 = Instant::now() + 60 * S;
        let mut s = Sublimit::adopted(2, 10 * S, t0 + 3_600 * S);
        let recent = [
            (Major::Channel(8), t0 - 20 * S),
            (Major::Channel(7), t0 + S),
            (Major::Channel(7), t0 + 2 * S),
        ];
        let now = t0 + 4 * S;
        s.seed(recent.into_iter(), now);
        assert_eq!(s.check(Major::Channel(7), now), Err(t0 + 11 * S));
        assert_eq!(s.check(Major::Channel(8), now), Ok(()));
    }

    /// A first learn on channel 1 from a 429 answered at `burst + 10 ms`: `before`
    /// requests in windows of 5 s before, then `together` that left at `burst` (10 s)
    /// with the one that got the 429, all counted but that one. Returns it and `burst`.
    fn learned_from_a_burst(before: u32, together: usize) -> (Sublimit, Instant, Instant) {
        let t0 = Instant::now();
        let burst = t0 + 10 * S;
        let per_window = before / 2;
        let mut recent: Vec<Instant> = (0..before).map(|i| t0 + S * (i / per_window) * 5).collect();
        recent.extend(std::iter::repeat_n(burst, together));
        let answered = burst + Duration::from_millis(10);
        let mut s = Sublimit::learn(
            None,
            Major::Channel(1),
            Duration::from_millis(4_990),
            &recent,
            Duration::ZERO,
            TTL,
            answered,
        );
        s.counted = Some((Major::Channel(1), burst, answered));
        (s, burst, answered)
    }

    #[test]
    fn requests_sent_with_the_one_that_taught_the_limit_are_uncounted_by_their_429s() {
        // Four requests left together at 10 s; the server took two of them, and the
        // first 429 counted all but itself (10 before + 3). The other two 429s follow.
        let (mut s, burst, answered) = learned_from_a_burst(10, 3);
        assert_eq!(s.limit(), 13);
        s.uncount(Major::Channel(1), burst);
        assert_eq!(s.limit(), 12);
        // A 429 for a request sent after the learning one was never counted.
        s.uncount(Major::Channel(1), burst + S);
        assert_eq!(s.limit(), 12);
        // A success for one sent after the learning one, before its 429 came back: the
        // server took it first, and counted it.
        let later = burst + Duration::from_millis(1);
        assert!(s.confirm(Major::Channel(1), later));
        assert_eq!(s.limit(), 13);
        // Not for one sent once the 429 was back, nor on another channel.
        assert!(!s.confirm(Major::Channel(1), answered + S));
        assert!(!s.confirm(Major::Channel(2), later));
        assert_eq!(s.limit(), 13);
    }

    #[test]
    fn another_shards_estimate_is_not_corrected_for_this_shards_overcount() {
        // The first learn here counts two requests of the burst that will get 429s too
        // (12 + 2). Before their 429s come back, another shard's exact count of 12
        // arrives. The two corrections are this shard's own: they bring its estimate to
        // 12, and the limit applied stays at 12, not 10.
        let (mut s, burst, _) = learned_from_a_burst(12, 2);
        assert_eq!(s.limit(), 14);
        s.tighten(12, s.period, s.expires_at);
        assert_eq!(s.limit(), 12);
        s.uncount(Major::Channel(1), burst);
        s.uncount(Major::Channel(1), burst);
        assert_eq!(s.limit(), 12);
        // Its own count can still go below the other shard's.
        s.uncount(Major::Channel(1), burst);
        assert_eq!(s.limit(), 11);
        // A correction upwards from another shard replaces both.
        s.replace_limit(13);
        assert_eq!(s.limit(), 13);
    }

    #[test]
    fn a_window_longer_than_measured_is_stretched_by_a_later_429() {
        let t0 = Instant::now();
        let mut s = Sublimit::adopted(2, 10 * S, t0 + 3_600 * S);
        assert_eq!(send(&mut s, Major::Channel(2), t0), Ok(()));
        assert_eq!(send(&mut s, Major::Channel(2), t0 + S), Ok(()));
        // Sent when the log said the first had left, yet refused: the first request's
        // trip was 30 ms longer, and the server's window ends 30 ms later.
        let late = t0 + 10 * S;
        assert_eq!(send(&mut s, Major::Channel(2), late), Ok(()));
        let ms = Duration::from_millis;
        s.stretch(Major::Channel(2), late, ms(25), ms(5), late + ms(5));
        assert_eq!(s.period, 10 * S + ms(35));
        // A 429 the log did not allow says nothing about the window.
        s.stretch(Major::Channel(3), late, 5 * S, ms(5), late);
        assert_eq!(s.period, 10 * S + ms(35));
    }

    #[test]
    fn an_unsent_request_gives_its_slot_back_and_idle_logs_are_dropped() {
        let t0 = Instant::now();
        let mut s = learned_on_channel_one(t0);
        let now = t0 + 5 * S;
        assert_eq!(send(&mut s, Major::Channel(2), now), Ok(()));
        assert_eq!(send(&mut s, Major::Channel(2), now), Ok(()));
        s.unrecord(Major::Channel(2), now);
        assert_eq!(send(&mut s, Major::Channel(2), now), Ok(()));
        s.evict(now + 20 * S);
        assert!(s.logs.is_empty());
    }
}
