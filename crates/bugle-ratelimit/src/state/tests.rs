//! Step-by-step tests of the state machine, one per semantic of issue 3.

use std::time::Duration;

use tokio::time::Instant;

use super::{State, Step, Ticket, WaiterId};
use crate::config::RateLimitConfig;
use crate::error::{ErrorKind, QueueScope};
use crate::headers::{RateLimitBody, RateLimitHeaders, Scope};
use crate::key::{GlobalPool, Major, Method, RequestKey};
use crate::outcome::{Outcome, Verdict};

pub(super) const NOW_UNIX: u64 = 1_750_000_000_000;
pub(super) const S: Duration = Duration::from_secs(1);

/// The engine alone on its token: these tests are about one process's accounting; the
/// sharing of windows with other senders has its own (`foreign_tests`).
pub(super) fn config() -> RateLimitConfig {
    RateLimitConfig::default()
        .with_safety_margin(Duration::ZERO)
        .with_sender_detection(false)
}

/// As [`config`], with other senders watched for, as by default.
pub(super) fn config_counting_senders() -> RateLimitConfig {
    RateLimitConfig::default().with_safety_margin(Duration::ZERO)
}

pub(super) fn post(path: &str) -> RequestKey {
    RequestKey::from_path_at(Method::Post, path, NOW_UNIX)
}

pub(super) fn headers(
    bucket: &str,
    limit: u32,
    remaining: u32,
    reset_after: Duration,
) -> RateLimitHeaders {
    RateLimitHeaders {
        bucket: Some(bucket.to_owned()),
        limit: Some(limit),
        remaining: Some(remaining),
        reset_after: Some(reset_after),
        ..RateLimitHeaders::default()
    }
}

pub(super) fn too_many(
    scope: Option<Scope>,
    retry_after: Duration,
    global: bool,
) -> RateLimitHeaders {
    let body = RateLimitBody {
        json: true,
        retry_after: Some(retry_after),
        global: Some(global),
        code: None,
    };
    RateLimitHeaders {
        scope,
        retry_after: Some(retry_after),
        global,
        body: Some(body),
        ..RateLimitHeaders::default()
    }
}

#[track_caller]
pub(super) fn go(step: Step) -> Ticket {
    match step {
        Step::Go(ticket) => ticket,
        other => panic!("expected go, got {other:?}"),
    }
}

#[track_caller]
pub(super) fn wait(step: Step) -> (WaiterId, Option<Instant>) {
    match step {
        Step::Wait { waiter, until } => (waiter, until),
        other => panic!("expected wait, got {other:?}"),
    }
}

#[track_caller]
pub(super) fn fail(step: Step) -> ErrorKind {
    match step {
        Step::Fail(error) => error.into_kind(),
        other => panic!("expected fail, got {other:?}"),
    }
}

/// A state whose route for channel 1 is known as bucket `h` with `limit`, `remaining`.
pub(super) fn warmed(limit: u32, remaining: u32, reset: Duration) -> (State, Instant) {
    let t0 = Instant::now();
    let mut st = State::new(config(), t0);
    let ticket = go(st.try_acquire(&post("/channels/1/messages"), t0));
    st.complete(
        ticket,
        &Outcome::response(200, headers("h", limit, remaining, reset)),
        t0,
    );
    (st, t0)
}

#[test]
fn unknown_bucket_sends_one_request_at_a_time() {
    let t0 = Instant::now();
    let mut st = State::new(config(), t0);
    let key = post("/channels/1/messages");
    let first = go(st.try_acquire(&key, t0));
    let (second, until) = wait(st.try_acquire(&key, t0));
    assert_eq!(
        until, None,
        "waits for the probe's response, not for a time"
    );
    st.complete(
        first,
        &Outcome::response(200, headers("h", 5, 4, 5 * S)),
        t0,
    );
    go(st.poll_waiter(second, t0, None));
}

#[test]
fn known_bucket_sends_up_to_remaining_concurrently() {
    let (mut st, t0) = warmed(5, 4, 5 * S);
    let key = post("/channels/1/messages");
    let tickets: Vec<Ticket> = (0..4).map(|_| go(st.try_acquire(&key, t0))).collect();
    let (_, until) = wait(st.try_acquire(&key, t0));
    assert_eq!(until, Some(t0 + 5 * S));
    assert_eq!(tickets.len(), 4);
}

#[test]
fn out_of_order_completions_do_not_overcommit() {
    let (mut st, t0) = warmed(5, 4, 5 * S);
    let key = post("/channels/1/messages");
    let a = go(st.try_acquire(&key, t0));
    let b = go(st.try_acquire(&key, t0));
    // Discord processed a then b; b's response arrives first.
    st.complete(b, &Outcome::response(200, headers("h", 5, 2, 5 * S)), t0);
    st.complete(a, &Outcome::response(200, headers("h", 5, 3, 5 * S)), t0);
    go(st.try_acquire(&key, t0));
    go(st.try_acquire(&key, t0));
    wait(st.try_acquire(&key, t0));
}

#[test]
fn routes_with_the_same_hash_share_one_bucket() {
    let (mut st, t0) = warmed(3, 2, 5 * S);
    let pin = RequestKey::from_path_at(Method::Put, "/channels/1/pins/9", NOW_UNIX);
    // The pin route is unknown: its probe goes once nothing else is in flight.
    let probe = go(st.try_acquire(&pin, t0));
    st.complete(
        probe,
        &Outcome::response(200, headers("h", 3, 1, 5 * S)),
        t0,
    );
    // Both routes now draw on the one remaining request.
    go(st.try_acquire(&post("/channels/1/messages"), t0));
    wait(st.try_acquire(&pin, t0));
    assert_eq!(st.snapshot(t0).routes, 2);
}

#[test]
fn hash_change_moves_queued_requests_in_order() {
    let (mut st, t0) = warmed(1, 0, 5 * S);
    let msg = post("/channels/1/messages");
    let (w1, _) = wait(st.try_acquire(&msg, t0));
    let (w2, _) = wait(st.try_acquire(&msg, t0));
    // The window ends; the head goes and its response names a new bucket.
    let t1 = t0 + 5 * S;
    let sent = go(st.poll_waiter(w1, t1, None));
    let (w3, _) = wait(st.try_acquire(&msg, t1));
    st.complete(
        sent,
        &Outcome::response(200, headers("h2", 2, 2, 5 * S)),
        t1,
    );
    // w2 (earlier) goes before w3, both from the new bucket.
    let (_, _) = wait(st.poll_waiter(w3, t1, None));
    let moved = go(st.poll_waiter(w2, t1, None));
    assert!(matches!(&moved.bucket, super::store::BucketKey::Hash(h, _) if &**h == "h2"));
    go(st.poll_waiter(w3, t1, None));
}

#[test]
fn probe_waits_for_an_exhausted_bucket_of_the_same_resource() {
    let (mut st, t0) = warmed(1, 0, 5 * S);
    let pin = RequestKey::from_path_at(Method::Put, "/channels/1/pins/9", NOW_UNIX);
    let (w, until) = wait(st.try_acquire(&pin, t0));
    assert_eq!(until, Some(t0 + 5 * S));
    go(st.poll_waiter(w, t0 + 5 * S, None));
    // Another channel is not affected.
    let other = RequestKey::from_path_at(Method::Put, "/channels/2/pins/9", NOW_UNIX);
    go(st.try_acquire(&other, t0 + 5 * S));
}

#[test]
fn global_pool_allows_n_per_rolling_second() {
    let t0 = Instant::now();
    let mut st = State::new(config().with_global_per_second(3), t0);
    for channel in 0..3 {
        let ticket = go(st.try_acquire(&post(&format!("/channels/{channel}/messages")), t0));
        st.complete(
            ticket,
            &Outcome::response(200, headers("h", 5, 4, 5 * S)),
            t0,
        );
    }
    let (_, until) = wait(st.try_acquire(&post("/channels/9/messages"), t0));
    assert_eq!(until, Some(t0 + S));
    // The unauthenticated pool and exempt requests are separate.
    go(st.try_acquire(&post("/webhooks/1/tok"), t0));
    go(st.try_acquire(&post("/interactions/1/tok/callback"), t0));
}

#[test]
fn global_429_pauses_the_pool() {
    let t0 = Instant::now();
    let mut st = State::new(config(), t0);
    let ticket = go(st.try_acquire(&post("/channels/1/messages"), t0));
    st.complete(
        ticket,
        &Outcome::response(429, too_many(Some(Scope::Global), 2 * S, true)),
        t0,
    );
    let (_, until) = wait(st.try_acquire(&post("/channels/2/messages"), t0));
    assert_eq!(until, Some(t0 + 2 * S));
    go(st.try_acquire(&post("/webhooks/1/tok"), t0));
    assert_eq!(st.snapshot(t0).invalid_requests, 1);
}

#[test]
fn user_429_makes_the_bucket_wait_and_counts_as_invalid() {
    let (mut st, t0) = warmed(5, 4, S);
    let key = post("/channels/1/messages");
    let ticket = go(st.try_acquire(&key, t0));
    let mut h = too_many(Some(Scope::User), 3 * S, false);
    h.bucket = Some("h".into());
    st.complete(ticket, &Outcome::response(429, h), t0);
    let (_, until) = wait(st.try_acquire(&key, t0));
    assert_eq!(until, Some(t0 + 3 * S));
    assert_eq!(st.snapshot(t0).invalid_requests, 1);
}

#[test]
fn shared_429_waits_but_is_not_invalid() {
    let (mut st, t0) = warmed(5, 4, 5 * S);
    let key = post("/channels/1/messages");
    let ticket = go(st.try_acquire(&key, t0));
    let mut h = too_many(Some(Scope::Shared), 7 * S, false);
    h.bucket = Some("h".into());
    h.remaining = Some(3);
    st.complete(ticket, &Outcome::response(429, h), t0);
    let (_, until) = wait(st.try_acquire(&key, t0));
    assert_eq!(until, Some(t0 + 7 * S));
    assert_eq!(st.snapshot(t0).invalid_requests, 0);
    assert!(st.snapshot(t0).sublimits.is_empty());
}

#[test]
fn hidden_sublimit_is_learned_applied_to_other_majors_and_expires() {
    let t0 = Instant::now();
    let mut st = State::new(config().with_sublimit_ttl(60 * S), t0);
    let rename =
        |c: u64| RequestKey::from_path_at(Method::Patch, &format!("/channels/{c}"), NOW_UNIX);
    let normal = |st: &mut State, c: u64, t: Instant| {
        let ticket = go(st.try_acquire(&rename(c), t));
        st.complete(
            ticket,
            &Outcome::response(200, headers("chan", 5, 4, 5 * S)),
            t,
        );
    };
    normal(&mut st, 1, t0);
    normal(&mut st, 1, t0 + 60 * S);
    // Third rename within 10 minutes: 429 with remaining 4, retry after 8 minutes.
    let t2 = t0 + 120 * S;
    let ticket = go(st.try_acquire(&rename(1), t2));
    let mut h = too_many(Some(Scope::User), 480 * S, false);
    h.bucket = Some("chan".into());
    h.limit = Some(5);
    h.remaining = Some(4);
    h.reset_after = Some(5 * S);
    st.complete(ticket, &Outcome::response(429, h), t2);
    let snap = st.snapshot(t2);
    assert_eq!(snap.sublimits.len(), 1);
    assert_eq!(snap.sublimits[0].limit, 2);
    assert_eq!(snap.sublimits[0].period, 600 * S);
    let (_, until) = wait(st.try_acquire(&rename(1), t2 + S));
    assert_eq!(until, Some(t0 + 600 * S));
    // Channel 2 gets two renames, then waits, without a 429.
    let t3 = t2 + 10 * S;
    normal(&mut st, 2, t3);
    normal(&mut st, 2, t3);
    let (_, until) = wait(st.try_acquire(&rename(2), t3));
    assert_eq!(until, Some(t3 + 600 * S));
    // After it expires, nothing is applied.
    let late = t2 + 480 * S + 61 * S;
    assert!(st.snapshot(late).sublimits.is_empty());
}

#[test]
fn ban_fails_every_request_until_it_ends() {
    for (label, h) in [
        ("no scope", {
            let mut h = too_many(None, 30 * S, false);
            h.body = None;
            h
        }),
        ("html body", {
            let mut h = too_many(Some(Scope::User), 30 * S, false);
            h.body = Some(RateLimitBody::default());
            h
        }),
        (
            "huge retry-after",
            too_many(Some(Scope::User), 66_271 * S, false),
        ),
    ] {
        let t0 = Instant::now();
        let mut st = State::new(config(), t0);
        let ticket = go(st.try_acquire(&post("/channels/1/messages"), t0));
        let verdict = st.complete(ticket, &Outcome::response(429, h.clone()), t0);
        let until = t0 + h.retry_after().unwrap_or_default();
        assert_eq!(verdict, Verdict::Banned { until }, "{label}");
        assert_eq!(
            fail(st.try_acquire(&post("/channels/2/messages"), t0)),
            ErrorKind::Banned { until },
            "{label}"
        );
        assert_eq!(
            fail(st.try_acquire(&post("/webhooks/1/tok"), t0)),
            ErrorKind::Banned { until },
            "{label}"
        );
        assert!(
            matches!(
                st.try_acquire(&post("/channels/2/messages"), until),
                Step::Go(_)
            ),
            "{label}"
        );
    }
}

#[test]
fn invalid_request_ceiling_refuses_locally() {
    let t0 = Instant::now();
    let mut st = State::new(config().with_invalid_request_ceiling(3), t0);
    for c in 0..3 {
        let ticket = go(st.try_acquire(&post(&format!("/channels/{c}/messages")), t0));
        st.complete(
            ticket,
            &Outcome::response(403, RateLimitHeaders::default()),
            t0,
        );
    }
    let kind = fail(st.try_acquire(&post("/channels/9/messages"), t0 + S));
    assert_eq!(
        kind,
        ErrorKind::InvalidRequestCeiling {
            until: t0 + 600 * S
        }
    );
    go(st.try_acquire(&post("/channels/9/messages"), t0 + 600 * S));
}

#[test]
fn a_401_marks_the_bot_token_invalid() {
    let t0 = Instant::now();
    let mut st = State::new(config(), t0);
    let ticket = go(st.try_acquire(&post("/channels/1/messages"), t0));
    let verdict = st.complete(
        ticket,
        &Outcome::response(401, RateLimitHeaders::default()),
        t0,
    );
    assert_eq!(verdict, Verdict::TokenInvalid);
    assert_eq!(
        fail(st.try_acquire(&post("/channels/2/messages"), t0)),
        ErrorKind::TokenInvalid
    );
    go(st.try_acquire(&post("/webhooks/1/tok"), t0));
    st.clear_token_invalid();
    go(st.try_acquire(&post("/channels/2/messages"), t0));
}

#[test]
fn a_webhook_404_marks_that_webhook_dead() {
    let t0 = Instant::now();
    let mut st = State::new(config().with_webhook_dead_ttl(60 * S), t0);
    let ticket = go(st.try_acquire(&post("/webhooks/1/tok"), t0));
    st.complete(
        ticket,
        &Outcome::response(404, RateLimitHeaders::default()),
        t0,
    );
    assert_eq!(
        fail(st.try_acquire(&post("/webhooks/1/tok"), t0)),
        ErrorKind::WebhookDead { until: t0 + 60 * S }
    );
    go(st.try_acquire(&post("/webhooks/2/tok"), t0));
    // An unknown *message* on a webhook does not kill the webhook.
    let get = RequestKey::from_path_at(Method::Get, "/webhooks/3/tok/messages/5", NOW_UNIX);
    let ticket = go(st.try_acquire(&get, t0));
    let body = RateLimitBody {
        json: true,
        code: Some(10_008),
        ..RateLimitBody::default()
    };
    let h = RateLimitHeaders {
        body: Some(body),
        ..RateLimitHeaders::default()
    };
    st.complete(ticket, &Outcome::response(404, h), t0);
    go(st.try_acquire(&get, t0));
    go(st.try_acquire(&post("/webhooks/1/tok"), t0 + 60 * S));
}

#[test]
fn an_expired_interaction_token_does_not_mark_the_application_dead() {
    // Interaction followups are `/webhooks/{application_id}/{interaction_token}`: the
    // id is the application's, shared by every interaction. An expired token's 404
    // must not refuse the followups of the other interactions.
    let t0 = Instant::now();
    let mut st = State::new(config().with_webhook_dead_ttl(60 * S), t0);
    let followup =
        |token: &str| post(&format!("/webhooks/1/{token}")).with_pool(GlobalPool::Exempt);
    let ticket = go(st.try_acquire(&followup("expired"), t0));
    st.complete(
        ticket,
        &Outcome::response(404, RateLimitHeaders::default()),
        t0,
    );
    go(st.try_acquire(&followup("fresh"), t0));
    // An ordinary webhook with the same id still learns from its own 404.
    let ticket = go(st.try_acquire(&post("/webhooks/1/tok"), t0));
    st.complete(
        ticket,
        &Outcome::response(404, RateLimitHeaders::default()),
        t0,
    );
    go(st.try_acquire(&followup("another"), t0));
}

#[test]
fn deadline_that_cannot_be_met_fails_at_once_with_the_prediction() {
    let (mut st, t0) = warmed(2, 0, 5 * S);
    let key = post("/channels/1/messages");
    for _ in 0..3 {
        wait(st.try_acquire(&key, t0));
    }
    // Position 3 in a 2-per-5-s bucket whose window ends in 5 s: sent at 10 s.
    let kind = fail(st.try_acquire(&key.clone().with_deadline(t0 + 9 * S), t0));
    assert_eq!(
        kind,
        ErrorKind::RateLimitTimeout {
            predicted_wait: 10 * S
        }
    );
    let (_, until) = wait(st.try_acquire(&key.with_deadline(t0 + 11 * S), t0));
    assert_eq!(until, Some(t0 + 11 * S));
}

#[test]
fn queues_are_bounded() {
    let t0 = Instant::now();
    let mut st = State::new(
        config()
            .with_bucket_queue_capacity(2)
            .with_total_queue_capacity(3),
        t0,
    );
    let a = post("/channels/1/messages");
    go(st.try_acquire(&a, t0));
    wait(st.try_acquire(&a, t0));
    wait(st.try_acquire(&a, t0));
    assert_eq!(
        fail(st.try_acquire(&a, t0)),
        ErrorKind::QueueFull {
            scope: QueueScope::Bucket,
            capacity: 2
        }
    );
    let b = post("/channels/2/messages");
    go(st.try_acquire(&b, t0));
    wait(st.try_acquire(&b, t0));
    assert_eq!(
        fail(st.try_acquire(&b, t0)),
        ErrorKind::QueueFull {
            scope: QueueScope::Total,
            capacity: 3
        }
    );
}

#[test]
fn cancelling_a_waiter_and_releasing_a_permit_give_everything_back() {
    let (mut st, t0) = warmed(1, 1, 5 * S);
    let key = post("/channels/1/messages");
    let ticket = go(st.try_acquire(&key, t0));
    let (w1, _) = wait(st.try_acquire(&key, t0));
    let (w2, _) = wait(st.try_acquire(&key, t0));
    st.cancel(w1);
    // The permit is dropped unsent: its capacity and global slot come back.
    let used = st.snapshot(t0).bot.used_in_window;
    st.release(ticket, t0);
    assert_eq!(st.snapshot(t0).bot.used_in_window, used - 1);
    go(st.poll_waiter(w2, t0, None));
    assert_eq!(st.snapshot(t0).queued, 0);
}

#[test]
fn idle_buckets_and_routes_are_evicted() {
    let t0 = Instant::now();
    let mut st = State::new(
        config()
            .with_eviction_ttl(10 * S)
            .with_global_per_second(1000),
        t0,
    );
    for c in 0..100 {
        let ticket = go(st.try_acquire(&post(&format!("/channels/{c}/messages")), t0));
        st.complete(ticket, &Outcome::response(200, headers("h", 5, 4, S)), t0);
    }
    assert_eq!(st.snapshot(t0).buckets, 100);
    // A request after reset + TTL triggers the sweep.
    let later = t0 + 12 * S;
    let ticket = go(st.try_acquire(&post("/channels/1000/messages"), later));
    st.complete(
        ticket,
        &Outcome::response(200, headers("h", 5, 4, S)),
        later,
    );
    let snap = st.snapshot(later);
    assert_eq!(snap.buckets, 1, "{snap:?}");
    assert_eq!(snap.routes, 1);
}

#[test]
fn a_bucket_at_rest_keeps_its_limit_for_the_next_burst() {
    let t0 = Instant::now();
    let mut st = State::new(config().with_global_per_second(1000), t0);
    let burst = post("/channels/1/messages");
    let answer = Outcome::response(200, headers("h", 5, 4, 5 * S));
    let ticket = go(st.try_acquire(&burst, t0));
    st.complete(ticket, &answer, t0);
    // Other traffic for ten seconds: the first bucket's window ends and the sweeps
    // move it to rest.
    let mut now = t0;
    for _ in 0..10 {
        now += S;
        let ticket = go(st.try_acquire(&post("/channels/2/messages"), now));
        st.complete(ticket, &answer, now);
    }
    assert_eq!(st.store.bucket_counts(), (1, 1));
    // Its limit is still known: a burst of five goes at once (a bucket learned anew
    // would send one and wait for its answer).
    for _ in 0..5 {
        go(st.try_acquire(&burst, now));
    }
    let _ = wait(st.try_acquire(&burst, now));
}

#[test]
fn no_response_keeps_capacity_used_but_never_wedges_the_queue() {
    let (mut st, t0) = warmed(2, 1, 5 * S);
    let key = post("/channels/1/messages");
    let ticket = go(st.try_acquire(&key, t0));
    st.complete(ticket, &Outcome::no_response(), t0);
    let (_, until) = wait(st.try_acquire(&key, t0));
    assert_eq!(until, Some(t0 + 5 * S));
}

#[test]
fn exempt_and_pool_of_keys() {
    assert_eq!(
        post("/interactions/1/t/callback").pool(),
        GlobalPool::Exempt
    );
    assert_eq!(post("/channels/1/messages").major(), Major::Channel(1));
}

/// A state whose create and edit routes on channel 1 share bucket `h` (5 per 5 s), with
/// the edit route held for 7 s by a shared-scope 429.
fn edit_held_by_a_shared_429() -> (State, Instant) {
    let (mut st, t0) = warmed(5, 4, 5 * S);
    let ticket = go(st.try_acquire(&edit(), t0));
    st.complete(
        ticket,
        &Outcome::response(200, headers("h", 5, 3, 5 * S)),
        t0,
    );
    let ticket = go(st.try_acquire(&edit(), t0));
    let mut h = too_many(Some(Scope::Shared), 7 * S, false);
    h.bucket = Some("h".into());
    h.limit = Some(5);
    h.remaining = Some(2);
    h.reset_after = Some(5 * S);
    st.complete(ticket, &Outcome::response(429, h), t0);
    (st, t0)
}

fn edit() -> RequestKey {
    RequestKey::from_path_at(Method::Patch, "/channels/1/messages/9", NOW_UNIX)
}

#[test]
fn a_shared_429_holds_its_route_not_the_bucket() {
    let (mut st, t0) = edit_held_by_a_shared_429();
    let (_, until) = wait(st.try_acquire(&edit(), t0));
    assert_eq!(until, Some(t0 + 7 * S));
    // The bucket's headers said 2 remain: creates use them.
    go(st.try_acquire(&post("/channels/1/messages"), t0));
}

#[test]
fn a_request_held_by_its_route_does_not_block_other_routes_of_its_bucket() {
    let (mut st, t0) = edit_held_by_a_shared_429();
    let (held, until) = wait(st.try_acquire(&edit(), t0));
    assert_eq!(until, Some(t0 + 7 * S));
    // The create queues behind the held edit, yet goes at once.
    let create = go(st.try_acquire(&post("/channels/1/messages"), t0));
    st.complete(
        create,
        &Outcome::response(200, headers("h", 5, 1, 5 * S)),
        t0,
    );
    // A second edit keeps its place behind the first: order within a route holds.
    let (later, until) = wait(st.try_acquire(&edit(), t0));
    assert_eq!(until, None);
    let t7 = t0 + 7 * S;
    assert!(matches!(st.poll_waiter(later, t7, None), Step::Wait { .. }));
    let first = go(st.poll_waiter(held, t7, None));
    st.complete(
        first,
        &Outcome::response(200, headers("h", 5, 4, 5 * S)),
        t7,
    );
    // The hold is over: a shared resource's limit is filled by other users too, and its
    // 429s are free, so nothing more is assumed of it (see docs/rate-limiting.md).
    go(st.poll_waiter(later, t7, None));
}

#[test]
fn a_request_held_by_its_route_does_not_hold_back_a_probe_of_its_resource() {
    let (mut st, t0) = edit_held_by_a_shared_429();
    let (_, until) = wait(st.try_acquire(&edit(), t0));
    assert_eq!(until, Some(t0 + 7 * S));
    // A route never seen on channel 1 probes at once: the edit queued before it could
    // not go anyway.
    let pin = RequestKey::from_path_at(Method::Put, "/channels/1/pins/9", NOW_UNIX);
    go(st.try_acquire(&pin, t0));
}

#[test]
fn a_5xx_no_rate_limiter_answered_gives_its_capacity_back() {
    let (mut st, t0) = warmed(2, 1, 5 * S);
    let key = post("/channels/1/messages");
    let ticket = go(st.try_acquire(&key, t0));
    // An edge's 502 page: no rate-limit header, so the request never reached the limits.
    st.complete(
        ticket,
        &Outcome::response(502, RateLimitHeaders::default()),
        t0,
    );
    let ticket = go(st.try_acquire(&key, t0));
    // A 500 that a limiter answered (its headers say the request counted) keeps it used.
    st.complete(
        ticket,
        &Outcome::response(500, headers("h", 2, 0, 5 * S)),
        t0,
    );
    let (_, until) = wait(st.try_acquire(&key, t0));
    assert_eq!(until, Some(t0 + 5 * S));
}
