//! Limits that something else consumes: another process on the same token, a cron
//! script, the same bot in another language. The engine must stay consistent (no request
//! waiting for an event that cannot come) and pace itself to what is left.

use super::Step;
use super::tests::{S, go, post, too_many, wait, warmed};
use crate::headers::{RateLimitHeaders, Scope};
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
