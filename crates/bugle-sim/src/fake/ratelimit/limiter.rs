//! The server-side limiter: fixed windows per bucket, global, shared and hidden limits
//! (hidden ones fixed or sliding), and the invalid-request counter that bans an IP. A plain
//! state machine driven by `now`.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::Duration;

use tokio::time::Instant;

use super::config::{FakeRateLimits, Shape, Sublimit};
use crate::fake::route::Route;

/// A fixed window that starts at its first request.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    used: u32,
}

fn slot(
    map: &mut HashMap<String, Window>,
    key: String,
    now: Instant,
    len: Duration,
) -> &mut Window {
    let window = map.entry(key).or_insert(Window {
        start: now,
        used: 0,
    });
    if now >= window.start + len {
        *window = Window {
            start: now,
            used: 0,
        };
    }
    window
}

/// The send times a sliding window still counts: at most `limit` of them, oldest first.
#[derive(Debug, Clone, Default)]
struct SlidingLog(VecDeque<Instant>);

impl SlidingLog {
    /// Forgets the requests that left the trailing `window` by `now`.
    fn prune(&mut self, now: Instant, window: Duration) {
        while self.0.front().is_some_and(|&t| t + window <= now) {
            self.0.pop_front();
        }
    }

    /// The wait until a request may go, when `limit` requests are in the trailing
    /// `window`: until the oldest of them leaves it.
    fn wait(&mut self, now: Instant, limit: u32, window: Duration) -> Option<Duration> {
        self.prune(now, window);
        if self.0.len() < limit as usize {
            return None;
        }
        let oldest = self.0[self.0.len() - limit as usize];
        Some(oldest + window - now)
    }
}

/// Which limit answered a 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The caller's bucket.
    User,
    /// The bot's (or IP's) global limit.
    Global,
    /// A shared resource.
    Shared,
    /// A hidden sublimit (reported as scope `user`).
    Sublimit,
}

/// The bucket state a response reports.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BucketState {
    pub(crate) hash: String,
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    pub(crate) reset_after: Duration,
}

/// A request refused by a limit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Limited {
    pub(crate) scope: Scope,
    pub(crate) retry_after: Duration,
    pub(crate) bucket: Option<BucketState>,
}

/// Who a request counts against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A bot, by token.
    Bot(String),
    /// A request without `Authorization`, by IP.
    Ip(IpAddr),
}

impl Caller {
    fn key(&self) -> String {
        match self {
            Self::Bot(token) => format!("bot:{token}"),
            Self::Ip(ip) => format!("ip:{ip}"),
        }
    }
}

/// All limiter state.
#[derive(Debug)]
pub(crate) struct Limiter {
    config: FakeRateLimits,
    buckets: HashMap<String, Window>,
    globals: HashMap<String, Window>,
    sublimits: HashMap<String, Window>,
    sliding: HashMap<String, SlidingLog>,
    shared: HashMap<String, Window>,
    invalid: HashMap<IpAddr, VecDeque<Instant>>,
    bans: HashMap<IpAddr, Instant>,
}

impl Limiter {
    /// A limiter enforcing `config`.
    pub(crate) fn new(config: FakeRateLimits) -> Self {
        Self {
            config,
            buckets: HashMap::new(),
            globals: HashMap::new(),
            sublimits: HashMap::new(),
            sliding: HashMap::new(),
            shared: HashMap::new(),
            invalid: HashMap::new(),
            bans: HashMap::new(),
        }
    }

    /// How long `ip` stays banned, if it is.
    pub(crate) fn banned_for(&mut self, ip: IpAddr, now: Instant) -> Option<Duration> {
        let until = *self.bans.get(&ip)?;
        if now >= until {
            self.bans.remove(&ip);
            return None;
        }
        Some(until - now)
    }

    /// Counts an invalid request (401, 403, or a 429 not of scope shared) from `ip`;
    /// bans the IP when the count in the window reaches the threshold.
    pub(crate) fn record_invalid(&mut self, ip: IpAddr, now: Instant) {
        if !self.config.enabled {
            return;
        }
        let window = self.config.invalid_window;
        let log = self.invalid.entry(ip).or_default();
        while log
            .front()
            .is_some_and(|&t| now.duration_since(t) >= window)
        {
            log.pop_front();
        }
        log.push_back(now);
        if log.len() >= self.config.invalid_threshold as usize {
            log.clear();
            self.bans.insert(ip, now + self.config.ban_duration);
        }
    }

    /// Admits the request or refuses it with the limit that applies. On admission every
    /// counter is charged and the route's bucket state (if it has one) is returned.
    pub(crate) fn admit(
        &mut self,
        now: Instant,
        caller: &Caller,
        route: &Route,
    ) -> Result<Option<BucketState>, Limited> {
        if !self.config.enabled {
            return Ok(None);
        }
        let second = Duration::from_secs(1);
        let global_limit = match caller {
            Caller::Bot(_) => self.config.global_per_second,
            Caller::Ip(_) => self.config.ip_global_per_second,
        };
        // Interaction webhooks are not bound to any global limit.
        let exempt = route.kind.is_interaction_route();
        let global = slot(&mut self.globals, caller.key(), now, second);
        if !exempt && global.used >= global_limit {
            return Err(Limited {
                scope: Scope::Global,
                retry_after: global.start + second - now,
                bucket: None,
            });
        }
        let major = route.major_parameter();
        let rule = self.config.rule_for(route.kind).cloned();
        let bucket_key = rule
            .as_ref()
            .map(|r| format!("{}|{}|{major}", caller.key(), r.hash()));
        let state = |w: &Window, rule: &super::config::BucketRule| BucketState {
            hash: rule.hash().to_owned(),
            limit: rule.limit(),
            remaining: rule.limit().saturating_sub(w.used),
            reset_after: w.start + rule.window() - now,
        };
        let mut current = None;
        if let (Some(rule), Some(key)) = (&rule, &bucket_key) {
            let window = slot(&mut self.buckets, key.clone(), now, rule.window());
            let snapshot = state(window, rule);
            if window.used >= rule.limit() {
                return Err(Limited {
                    scope: Scope::User,
                    retry_after: snapshot.reset_after,
                    bucket: Some(snapshot),
                });
            }
            current = Some(snapshot);
        }
        for shared in self.config.shared.iter().filter(|s| s.route == route.kind) {
            let key = format!("{:?}|{major}", shared.route);
            let window = slot(&mut self.shared, key, now, shared.window);
            if window.used >= shared.limit {
                return Err(Limited {
                    scope: Scope::Shared,
                    retry_after: window.start + shared.window - now,
                    bucket: current,
                });
            }
        }
        for sub in self
            .config
            .sublimits
            .iter()
            .filter(|s| s.route == route.kind)
        {
            let key = sublimit_key(caller, sub, &major);
            let wait = match sub.shape {
                Shape::Fixed => {
                    let window = slot(&mut self.sublimits, key, now, sub.window);
                    (window.used >= sub.limit).then(|| window.start + sub.window - now)
                }
                Shape::Sliding => self
                    .sliding
                    .entry(key)
                    .or_default()
                    .wait(now, sub.limit, sub.window),
            };
            if let Some(retry_after) = wait {
                return Err(Limited {
                    scope: Scope::Sublimit,
                    retry_after,
                    bucket: current,
                });
            }
        }
        self.charge(now, caller, route, &major);
        Ok(match (rule, bucket_key) {
            (Some(rule), Some(key)) => {
                let window = slot(&mut self.buckets, key, now, rule.window());
                window.used += 1;
                Some(state(window, &rule))
            }
            _ => None,
        })
    }

    fn charge(&mut self, now: Instant, caller: &Caller, route: &Route, major: &str) {
        let second = Duration::from_secs(1);
        if !route.kind.is_interaction_route() {
            slot(&mut self.globals, caller.key(), now, second).used += 1;
        }
        for shared in self.config.shared.iter().filter(|s| s.route == route.kind) {
            let key = format!("{:?}|{major}", shared.route);
            slot(&mut self.shared, key, now, shared.window).used += 1;
        }
        for sub in self
            .config
            .sublimits
            .iter()
            .filter(|s| s.route == route.kind)
        {
            let key = sublimit_key(caller, sub, major);
            match sub.shape {
                Shape::Fixed => slot(&mut self.sublimits, key, now, sub.window).used += 1,
                Shape::Sliding => self.sliding.entry(key).or_default().0.push_back(now),
            }
        }
    }
}

/// The counter of `sub` for `caller` and one major parameter.
fn sublimit_key(caller: &Caller, sub: &Sublimit, major: &str) -> String {
    format!("{}|{:?}|{major}", caller.key(), sub.route)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::ratelimit::config::SharedLimit;
    use crate::fake::route::{RouteKind, match_route};
    use http::Method;

    fn create_route(channel: u64) -> Route {
        let path = format!("channels/{channel}/messages");
        let segments: Vec<&str> = path.split('/').collect();
        match_route(&Method::POST, &segments).unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn bucket_counts_down_then_refuses_then_resets() {
        let mut limiter = Limiter::new(FakeRateLimits::discord_defaults());
        let bot = Caller::Bot("t".into());
        let route = create_route(1);
        for expected in (0..5).rev() {
            let state = limiter
                .admit(Instant::now(), &bot, &route)
                .unwrap()
                .unwrap();
            assert_eq!(state.remaining, expected);
        }
        let refusal = limiter.admit(Instant::now(), &bot, &route).unwrap_err();
        assert_eq!(refusal.scope, Scope::User);
        assert_eq!(refusal.retry_after, Duration::from_secs(5));
        // Another channel is another bucket.
        assert!(
            limiter
                .admit(Instant::now(), &bot, &create_route(2))
                .is_ok()
        );
        tokio::time::advance(Duration::from_secs(5)).await;
        assert!(limiter.admit(Instant::now(), &bot, &route).is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn global_limit_applies_across_buckets() {
        let config = FakeRateLimits::discord_defaults().global_per_second(3);
        let mut limiter = Limiter::new(config);
        let bot = Caller::Bot("t".into());
        for channel in 0..3 {
            assert!(
                limiter
                    .admit(Instant::now(), &bot, &create_route(channel))
                    .is_ok()
            );
        }
        let refusal = limiter
            .admit(Instant::now(), &bot, &create_route(9))
            .unwrap_err();
        assert_eq!(refusal.scope, Scope::Global);
        assert!(refusal.bucket.is_none());
        assert_eq!(RouteKind::CreateMessage, create_route(9).kind);
    }

    #[tokio::test(start_paused = true)]
    async fn ban_after_threshold_and_lifts_after_duration() {
        let config = FakeRateLimits::discord_defaults().invalid_request_ban(
            3,
            Duration::from_secs(600),
            Duration::from_secs(60),
        );
        let mut limiter = Limiter::new(config);
        let ip: IpAddr = [127, 0, 0, 1].into();
        limiter.record_invalid(ip, Instant::now());
        limiter.record_invalid(ip, Instant::now());
        assert!(limiter.banned_for(ip, Instant::now()).is_none());
        limiter.record_invalid(ip, Instant::now());
        assert_eq!(
            limiter.banned_for(ip, Instant::now()),
            Some(Duration::from_secs(60))
        );
        tokio::time::advance(Duration::from_secs(60)).await;
        assert!(limiter.banned_for(ip, Instant::now()).is_none());
    }
    fn with_sublimit(sub: Sublimit) -> Limiter {
        Limiter::new(FakeRateLimits::discord_defaults().sublimit(sub))
    }

    /// Admits a create to channel 1 at the current instant of the paused clock.
    fn create_now(limiter: &mut Limiter) -> Result<Option<BucketState>, Limited> {
        limiter.admit(Instant::now(), &Caller::Bot("t".into()), &create_route(1))
    }

    async fn advance_to(start: Instant, at: u64) {
        tokio::time::advance(start + Duration::from_secs(at) - Instant::now()).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_fixed_sublimit_refuses_until_its_window_from_the_first_request_ends() {
        let start = Instant::now();
        let mut limiter = with_sublimit(Sublimit::new(
            RouteKind::CreateMessage,
            3,
            Duration::from_secs(10),
        ));
        for at in [0, 6, 7] {
            advance_to(start, at).await;
            assert!(create_now(&mut limiter).is_ok(), "at {at} s");
        }
        advance_to(start, 8).await;
        let refusal = create_now(&mut limiter).unwrap_err();
        assert_eq!(refusal.scope, Scope::Sublimit);
        assert_eq!(refusal.retry_after, Duration::from_secs(2));
        // The headers still describe the announced bucket: its window opened at 6 s with
        // two requests, so three of five remain, resetting at 11 s.
        let bucket = refusal.bucket.unwrap();
        assert_eq!((bucket.limit, bucket.remaining), (5, 3));
        assert_eq!(bucket.reset_after, Duration::from_secs(3));
        // At 10 s the whole window resets: three more go at once.
        advance_to(start, 10).await;
        for _ in 0..3 {
            assert!(create_now(&mut limiter).is_ok());
        }
        assert!(create_now(&mut limiter).is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn a_sliding_sublimit_waits_for_the_oldest_counted_request_to_leave() {
        let start = Instant::now();
        let mut limiter = with_sublimit(Sublimit::sliding(
            RouteKind::CreateMessage,
            3,
            Duration::from_secs(10),
        ));
        for at in [0, 6, 7] {
            advance_to(start, at).await;
            assert!(create_now(&mut limiter).is_ok(), "at {at} s");
        }
        advance_to(start, 8).await;
        let refusal = create_now(&mut limiter).unwrap_err();
        assert_eq!(refusal.scope, Scope::Sublimit);
        // The request of 0 s leaves the trailing window at 10 s.
        assert_eq!(refusal.retry_after, Duration::from_secs(2));
        let bucket = refusal.bucket.unwrap();
        assert_eq!((bucket.limit, bucket.remaining), (5, 3));
        // Refused attempts are not counted: asking again does not push the wait back.
        advance_to(start, 9).await;
        assert_eq!(
            create_now(&mut limiter).unwrap_err().retry_after,
            Duration::from_secs(1)
        );
        // At 10 s one request has left, so exactly one more goes (a fixed window would
        // have let three go); the next waits for the request of 6 s to leave, at 16 s.
        advance_to(start, 10).await;
        assert!(create_now(&mut limiter).is_ok());
        let refusal = create_now(&mut limiter).unwrap_err();
        assert_eq!(refusal.retry_after, Duration::from_secs(6));
        advance_to(start, 16).await;
        assert!(create_now(&mut limiter).is_ok());
        assert_eq!(
            create_now(&mut limiter).unwrap_err().retry_after,
            Duration::from_secs(1)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_sliding_sublimit_counts_each_channel_on_its_own() {
        let mut limiter = with_sublimit(Sublimit::sliding(
            RouteKind::CreateMessage,
            1,
            Duration::from_secs(10),
        ));
        let bot = Caller::Bot("t".into());
        assert!(
            limiter
                .admit(Instant::now(), &bot, &create_route(1))
                .is_ok()
        );
        assert!(
            limiter
                .admit(Instant::now(), &bot, &create_route(2))
                .is_ok()
        );
        let refusal = limiter
            .admit(Instant::now(), &bot, &create_route(1))
            .unwrap_err();
        assert_eq!(refusal.scope, Scope::Sublimit);
        assert_eq!(refusal.retry_after, Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn a_shared_limit_counts_every_caller_of_one_channel() {
        let config = FakeRateLimits::discord_defaults().shared(SharedLimit::new(
            RouteKind::CreateMessage,
            2,
            Duration::from_secs(20),
        ));
        let mut limiter = Limiter::new(config);
        let (one, two) = (Caller::Bot("a".into()), Caller::Bot("b".into()));
        assert!(
            limiter
                .admit(Instant::now(), &one, &create_route(1))
                .is_ok()
        );
        assert!(
            limiter
                .admit(Instant::now(), &two, &create_route(1))
                .is_ok()
        );
        let refusal = limiter
            .admit(Instant::now(), &one, &create_route(1))
            .unwrap_err();
        assert_eq!(refusal.scope, Scope::Shared);
        assert_eq!(refusal.retry_after, Duration::from_secs(20));
        assert!(
            limiter
                .admit(Instant::now(), &two, &create_route(2))
                .is_ok()
        );
    }
}
