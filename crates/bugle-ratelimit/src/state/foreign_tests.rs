//! Limits that something else consumes: another process on the same token, a cron
//! script, the same bot in another language. The engine must stay consistent (no request
//! waiting for an event that cannot come) and pace itself to what is left.

use std::time::Duration;

use tokio::time::Instant;

use super::senders::STARTING_FOR;
use super::tests::{S, config_counting_senders, go, headers, post, too_many, wait, warmed};
use super::{State, Step};
use crate::headers::{RateLimitHeaders, Scope};
use crate::key::RequestKey;
use crate::outcome::Outcome;

/// Issue 13 (d): a bucket's window rolled while its requests were in flight, and every
/// one of them came back as a global 429 (which says nothing about the bucket). Before
/// the fix the bucket was left with no capacity, no window and nothing in flight, so its
/// queue waited for a completion that could never come: "predicted wait 0", for ever.
#[test]
fn global_429s_after_a_rolled_window_do_not_wedge_the_bucket() {
    let (mut st, t0) = warmed(5, 5, 5 * S);
    let key = post("/channels/1/messages");
    let tickets: Vec<_> = (0..5).map(|_| go(st.try_acquire(&key, t0))).collect();
    // The window ends while all five are in flight; a queued request sees it roll.
    let (queued, until) = wait(st.try_acquire(&key, t0));
    assert_eq!(until, Some(t0 + 5 * S));
    let t5 = t0 + 5 * S;
    let _ = st.poll_waiter(queued, t5, None);
    // All five are answered with a global 429: the pool pauses for a moment.
    let t6 = t5 + S;
    for ticket in tickets {
        st.complete(
            ticket,
            &Outcome::response(429, too_many(Some(Scope::Global), S / 2, true)),
            t6,
        );
    }
    let (queued_again, until) = wait(st.poll_waiter(queued, t6, None));
    assert_eq!(queued_again, queued);
    let until = until.expect("a time to wait for, not an event that cannot come");
    assert!(
        until <= t6 + S,
        "waits out the global pause only: {until:?}"
    );
    go(st.poll_waiter(queued, until, None));
}

/// Whatever completes a bucket's requests, a bucket with nothing in flight never makes
/// a request wait for a completion.
#[test]
fn a_bucket_with_nothing_in_flight_never_waits_for_an_event() {
    let (mut st, t0) = warmed(2, 2, 5 * S);
    let key = post("/channels/1/messages");
    let a = go(st.try_acquire(&key, t0));
    let b = go(st.try_acquire(&key, t0));
    let (queued, _) = wait(st.try_acquire(&key, t0));
    let t5 = t0 + 5 * S;
    let _ = st.poll_waiter(queued, t5, None);
    // Answers with no rate-limit headers at all (a proxy in between, say).
    st.complete(a, &Outcome::response(500, RateLimitHeaders::default()), t5);
    st.complete(b, &Outcome::response(500, RateLimitHeaders::default()), t5);
    match st.poll_waiter(queued, t5, None) {
        Step::Go(_) | Step::Wait { until: Some(_), .. } => {}
        other => panic!("waits for nothing: {other:?}"),
    }
}

/// A fresh engine that watches for other senders, after the answer to its first create
/// on channel 1 said `remaining` of 5 are left.
fn first_answer(remaining: u32) -> (State, Instant, RequestKey) {
    let t0 = Instant::now();
    let mut st = State::new(config_counting_senders(), t0);
    let key = post("/channels/1/messages");
    let first = go(st.try_acquire(&key, t0));
    st.complete(
        first,
        &Outcome::response(200, headers("h", 5, remaining, 5 * S)),
        t0,
    );
    (st, t0, key)
}

/// A process that has just started cannot tell whether other replicas started with it: a
/// new bucket's first answer that found nobody ahead keeps the rest of the window for a
/// moment, and once the answers show the process alone the window is its own.
#[test]
fn a_starting_process_holds_a_new_window_until_it_knows_it_is_alone() {
    let (mut st, t0, key) = first_answer(4);
    let (waiter, until) = wait(st.try_acquire(&key, t0));
    assert_eq!(until, Some(t0 + STARTING_FOR));
    // Alone: the other four go at once.
    let later = t0 + STARTING_FOR;
    go(st.poll_waiter(waiter, later, None));
    for _ in 0..3 {
        go(st.try_acquire(&key, later));
    }
}

/// The hold at start is for small buckets: with a bucket of a thousand, a starting
/// process takes its part of the window as the first of sixteen senders (63 requests),
/// since up to sixteen processes started together still fit, and only then waits.
#[test]
fn a_starting_process_holds_back_only_what_other_starters_could_need() {
    let t0 = Instant::now();
    // (A global limit far above the bucket's.)
    let mut st = State::new(
        config_counting_senders().with_global_per_second(1_000_000),
        t0,
    );
    let key = post("/channels/1/messages");
    let first = go(st.try_acquire(&key, t0));
    st.complete(
        first,
        &Outcome::response(200, headers("h", 1_000, 999, 5 * S)),
        t0,
    );
    // (Ten microseconds apart: the global pool paces a starting process's quarter.)
    let at = |i: u32| t0 + Duration::from_micros(10) * i;
    for i in 1..63 {
        go(st.try_acquire(&key, at(i)));
    }
    let (_, until) = wait(st.try_acquire(&key, at(63)));
    assert_eq!(until, Some(t0 + STARTING_FOR));
}

/// The first answer found two requests of others ahead: at least two senders share the
/// window (the two may be one sender's first and second), and this one's part of it is
/// two of five: one more goes, then it waits for the window's end. Once a second bucket
/// shows three senders too, three it is, and a window's part is one request.
#[test]
fn answers_that_count_other_senders_requests_share_the_window() {
    let (mut st, t0, key) = first_answer(2);
    // (A second after, as the global pool's even part is spent evenly.)
    let t1 = t0 + S;
    go(st.try_acquire(&key, t1));
    let (_, until) = wait(st.try_acquire(&key, t1));
    assert_eq!(until, Some(t0 + 5 * S));

    let other = post("/channels/2/messages");
    let t2 = t1 + S;
    let first = go(st.try_acquire(&other, t2));
    st.complete(
        first,
        &Outcome::response(200, headers("h", 5, 2, 5 * S)),
        t2,
    );
    let (_, until) = wait(st.try_acquire(&other, t2 + S));
    assert_eq!(until, Some(t2 + 5 * S));
}
