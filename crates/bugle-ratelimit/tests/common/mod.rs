//! A small simulated Discord used by the integration tests: static per-bucket limits in
//! fixed windows that start at a bucket's first request, bucket hashes shared between
//! routes, and a rolling one-second global limit per pool. It is written independently
//! of the engine (it only speaks status codes and headers).

#![allow(dead_code, unreachable_pub)]

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use bugle_ratelimit::{GlobalPool, Major, RateLimitHeaders, RequestKey};
use tokio::time::Instant;

/// One bucket's static limit.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub limit: u32,
    pub period: Duration,
}

#[derive(Debug)]
struct Window {
    start: Instant,
    count: u32,
}

/// The simulated server.
#[derive(Debug)]
pub struct SimServer {
    /// Route template → (bucket hash, limit).
    routes: HashMap<String, (&'static str, Limit)>,
    /// Limits no header announces, each a sliding window: at most `limit` accepted
    /// requests per major parameter in any trailing `period`, answered with a 429 of
    /// the scope given (`user` for a hidden limit, `shared` for a shared resource's).
    extras: Vec<(String, Limit, &'static str)>,
    /// Accepted requests per extra limit and major parameter, oldest first.
    extra_logs: HashMap<(usize, Major), VecDeque<Instant>>,
    /// 429s of shared limits.
    pub shared_429: usize,
    /// 429s of hidden limits.
    pub hidden_429: usize,
    /// 429s of hidden limits, by major parameter.
    pub hidden_429_by_major: HashMap<Major, usize>,
    windows: HashMap<(&'static str, Major), Window>,
    global_limit: u32,
    global: HashMap<GlobalPool, VecDeque<Instant>>,
    /// 429s sent, by kind.
    pub user_429: usize,
    pub global_429: usize,
    /// Successful requests.
    pub ok: usize,
}

impl SimServer {
    pub fn new(global_limit: u32) -> Self {
        Self {
            routes: HashMap::new(),
            extras: Vec::new(),
            extra_logs: HashMap::new(),
            shared_429: 0,
            hidden_429: 0,
            hidden_429_by_major: HashMap::new(),
            windows: HashMap::new(),
            global_limit,
            global: HashMap::new(),
            user_429: 0,
            global_429: 0,
            ok: 0,
        }
    }

    /// Declares that `method template` is limited by bucket `hash`.
    pub fn route(&mut self, method_and_template: &str, hash: &'static str, limit: Limit) {
        self.routes
            .insert(method_and_template.to_owned(), (hash, limit));
    }

    /// Adds a hidden sliding-window limit to `method template` (see `hidden`). Its 429
    /// has scope `user`, the bucket's headers as they stand, and a `Retry-After` until
    /// the oldest counted request leaves the window.
    pub fn hidden(&mut self, method_and_template: &str, limit: Limit) {
        self.extras
            .push((method_and_template.to_owned(), limit, "user"));
    }

    /// Adds a shared resource's limit to `method template`, as `hidden` does, answered
    /// with scope `shared` (not an invalid request).
    pub fn shared(&mut self, method_and_template: &str, limit: Limit) {
        self.extras
            .push((method_and_template.to_owned(), limit, "shared"));
    }

    /// Checks the limits no header announces on the route; on room, counts the request
    /// in each, else says which scope refused it and after how many seconds to retry.
    fn extra_limits(
        &mut self,
        name: &str,
        major: Major,
        now: Instant,
    ) -> Option<(&'static str, f64)> {
        let extras: Vec<(usize, Limit, &'static str)> = (self.extras.iter().enumerate())
            .filter(|(_, (route, _, _))| route == name)
            .map(|(i, &(_, limit, scope))| (i, limit, scope))
            .collect();
        for &(i, extra, scope) in &extras {
            let log = self.extra_logs.entry((i, major)).or_default();
            while log.front().is_some_and(|&t| t + extra.period <= now) {
                log.pop_front();
            }
            if log.len() < extra.limit as usize {
                continue;
            }
            if scope == "shared" {
                self.shared_429 += 1;
            } else {
                self.hidden_429 += 1;
                *self.hidden_429_by_major.entry(major).or_default() += 1;
            }
            return Some((
                scope,
                (*log.front().unwrap() + extra.period - now).as_secs_f64(),
            ));
        }
        for &(i, _, _) in &extras {
            self.extra_logs
                .entry((i, major))
                .or_default()
                .push_back(now);
        }
        None
    }

    /// The server-side bucket a request lands in.
    pub fn bucket_of(&self, key: &RequestKey) -> (&'static str, Major) {
        let name = format!("{} {}", key.method(), key.route());
        (self.routes[&name].0, key.major())
    }

    /// Handles one request arriving at `now`; returns status and response headers.
    pub fn handle(&mut self, key: &RequestKey, now: Instant) -> (u16, RateLimitHeaders) {
        let name = format!("{} {}", key.method(), key.route());
        let (hash, limit) = self.routes[&name];
        if key.pool() != GlobalPool::Exempt {
            let log = self.global.entry(key.pool()).or_default();
            while log
                .front()
                .is_some_and(|&t| t + Duration::from_secs(1) <= now)
            {
                log.pop_front();
            }
            if log.len() >= self.global_limit as usize {
                self.global_429 += 1;
                let retry = *log.front().unwrap() + Duration::from_secs(1) - now;
                let body = format!(
                    r#"{{"message":"global","retry_after":{},"global":true}}"#,
                    retry.as_secs_f64()
                );
                let retry_s = retry.as_secs_f64().to_string();
                let headers = [
                    ("Retry-After", retry_s.as_str()),
                    ("X-RateLimit-Global", "true"),
                    ("X-RateLimit-Scope", "global"),
                ];
                return (429, RateLimitHeaders::parse(headers, Some(body.as_bytes())));
            }
            log.push_back(now);
        }
        let window = self.windows.entry((hash, key.major())).or_insert(Window {
            start: now,
            count: 0,
        });
        if now >= window.start + limit.period {
            *window = Window {
                start: now,
                count: 0,
            };
        }
        let end = window.start + limit.period;
        let reset_after = (end - now).as_secs_f64().to_string();
        let limit_s = limit.limit.to_string();
        let count = window.count;
        if count < limit.limit {
            if let Some((scope, retry)) = self.extra_limits(&name, key.major(), now) {
                let body =
                    format!(r#"{{"message":"slow down","retry_after":{retry},"global":false}}"#);
                let retry_s = retry.to_string();
                let remaining = (limit.limit - count).to_string();
                let headers = [
                    ("X-RateLimit-Limit", limit_s.as_str()),
                    ("X-RateLimit-Remaining", remaining.as_str()),
                    ("X-RateLimit-Reset-After", reset_after.as_str()),
                    ("X-RateLimit-Bucket", hash),
                    ("X-RateLimit-Scope", scope),
                    ("Retry-After", retry_s.as_str()),
                ];
                return (429, RateLimitHeaders::parse(headers, Some(body.as_bytes())));
            }
        }
        if count >= limit.limit {
            self.user_429 += 1;
            let body =
                format!(r#"{{"message":"slow down","retry_after":{reset_after},"global":false}}"#);
            let headers = [
                ("X-RateLimit-Limit", limit_s.as_str()),
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset-After", reset_after.as_str()),
                ("X-RateLimit-Bucket", hash),
                ("X-RateLimit-Scope", "user"),
                ("Retry-After", reset_after.as_str()),
            ];
            return (429, RateLimitHeaders::parse(headers, Some(body.as_bytes())));
        }
        let window = self
            .windows
            .get_mut(&(hash, key.major()))
            .expect("made above");
        window.count += 1;
        self.ok += 1;
        let remaining = (limit.limit - window.count).to_string();
        let headers = [
            ("X-RateLimit-Limit", limit_s.as_str()),
            ("X-RateLimit-Remaining", remaining.as_str()),
            ("X-RateLimit-Reset-After", reset_after.as_str()),
            ("X-RateLimit-Bucket", hash),
        ];
        (200, RateLimitHeaders::parse(headers, None))
    }
}
