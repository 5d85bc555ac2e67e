use super::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn never_more_than_limit_in_a_rolling_window() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(3, Duration::ZERO);
    for i in 0..3 {
        let t = start + ms(i * 100);
        assert!(g.check(t).is_ok());
        g.charge(t);
        g.answer(t, t);
    }
    let t = start + ms(300);
    assert_eq!(g.check(t), Err(start + Duration::from_secs(1)));
    assert!(g.check(start + Duration::from_secs(1)).is_ok());
}

#[test]
fn a_slot_frees_one_window_after_the_answer_not_the_dispatch() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(1, ms(10));
    g.charge(start);
    // In flight: it could be answered (and counted by Discord) at any instant from now.
    assert_eq!(g.check(start + ms(100)), Err(start + ms(1_110)));
    g.answer(start, start + ms(300));
    assert_eq!(g.check(start + ms(1_010)), Err(start + ms(1_310)));
    assert!(g.check(start + ms(1_310)).is_ok());
}

#[test]
fn an_unanswered_request_is_taken_to_have_arrived_by_the_latest_arrival() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(1, Duration::ZERO);
    g.charge(start);
    assert_eq!(g.check(start + ms(500)), Err(start + ms(1_500)));
    // From LATEST_ARRIVAL on, its slot frees a window after that instant.
    let latest = start + LATEST_ARRIVAL;
    assert_eq!(g.check(start + ms(1_700)), Err(latest + ms(1_000)));
    assert!(g.check(latest + ms(1_000)).is_ok());
    // Its answer, coming after the slot was given back, changes nothing.
    g.answer(start, start + ms(3_000));
    assert_eq!(g.used(start + ms(3_000)), 0);
}

#[test]
fn a_slow_answer_counts_from_the_latest_arrival() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(1, Duration::ZERO);
    g.charge(start);
    g.answer(start, start + ms(1_800));
    assert_eq!(g.check(start + ms(1_800)), Err(start + ms(2_000)));
}

#[test]
fn refund_and_pause() {
    let now = Instant::now();
    let mut g = GlobalWindow::new(1, Duration::ZERO);
    g.charge(now);
    assert!(g.check(now).is_err());
    g.refund(now);
    assert!(g.check(now).is_ok());
    g.pause(now + Duration::from_secs(2), now);
    assert_eq!(g.check(now), Err(now + Duration::from_secs(2)));
    assert!(g.check(now + Duration::from_secs(2)).is_ok());
}

#[test]
fn answers_out_of_order_keep_the_log_in_order() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(2, Duration::ZERO);
    g.charge(start);
    g.charge(start + ms(5));
    g.answer(start + ms(5), start + ms(10));
    g.answer(start, start + ms(6));
    assert_eq!(g.used(start + ms(20)), 2);
    // The earlier answer frees first.
    assert_eq!(g.check(start + ms(20)), Err(start + ms(1_006)));
    assert_eq!(g.used(start + ms(1_006)), 1);
    assert_eq!(g.used(start + ms(1_010)), 0);
}

#[test]
fn a_full_pool_frees_at_the_earliest_of_answered_and_in_flight_slots() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(3, Duration::ZERO);
    g.charge(start);
    g.charge(start + ms(100));
    g.charge(start + ms(200));
    g.answer(start + ms(200), start + ms(250));
    // Answered slot frees at 1.25 s; the in-flight ones no sooner than now + 1 s.
    assert_eq!(g.check(start + ms(300)), Err(start + ms(1_250)));
    assert_eq!(g.check(start + ms(600)), Err(start + ms(1_250)));
    g.refund(start + ms(100));
    assert!(g.check(start + ms(600)).is_ok());
}

#[test]
fn runs_keep_memory_bounded_at_any_rate() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(1_000_000, Duration::ZERO);
    // 10,000 requests 10 µs apart, each answered 100 µs after dispatch: 100 runs of one
    // grain each in the answered log, none left in flight.
    for i in 0..10_000 {
        let t = start + Duration::from_micros(i * 10);
        assert!(g.check(t).is_ok());
        g.charge(t);
        if let Some(sent) = t
            .checked_sub(Duration::from_micros(100))
            .filter(|s| *s >= start)
        {
            g.answer(sent, t);
        }
    }
    let end = start + ms(100);
    for i in 9_990..10_000 {
        g.answer(start + Duration::from_micros(i * 10), end);
    }
    assert_eq!(g.sent.total, 0);
    assert!(
        g.answered.runs.len() <= 102,
        "{} runs",
        g.answered.runs.len()
    );
    assert_eq!(g.used(end), 10_000);
}

/// Sends from `g` every millisecond from `from` for `ms` milliseconds, as many as it
/// lets go, each answered at once; returns how many went.
fn drive(g: &mut GlobalWindow, from: Instant, ms_total: u64) -> u32 {
    let mut sent = 0;
    for i in 0..ms_total {
        let t = from + ms(i);
        while g.check(t).is_ok() {
            g.charge(t);
            g.answer(t, t);
            sent += 1;
        }
    }
    sent
}

#[test]
fn a_global_429_lowers_the_share_once_a_window() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(50, Duration::ZERO);
    assert_eq!(drive(&mut g, start, 1), 50, "the whole limit, at once");
    // Someone else used the same token: a 429. The share drops to three quarters of
    // what this process had in the window.
    g.pause(start + ms(100), start + ms(10));
    assert_eq!(g.share(), 38);
    // The other requests in flight bring their 429s too: no further decrease.
    g.pause(start + ms(100), start + ms(50));
    assert_eq!(g.share(), 38);
    // A process that had sent little when its first 429 came keeps half its share.
    let mut starting = GlobalWindow::new(50, Duration::ZERO);
    starting.charge(start);
    starting.pause(start + ms(10), start);
    assert_eq!(starting.share(), 25);
}

#[test]
fn a_lowered_share_is_spent_evenly_over_the_window() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(50, Duration::ZERO);
    g.charge(start);
    g.pause(start + ms(10), start);
    assert_eq!(g.share(), 25);
    // After the pause: one request every 40 ms (the window over 25), not 25 at once.
    let t = start + ms(10);
    assert!(g.check(t).is_ok());
    g.charge(t);
    assert_eq!(g.check(t), Err(t + ms(40)));
    assert_eq!(drive(&mut g, t + ms(40), 400), 10);
}

#[test]
fn a_lowered_share_grows_back_under_sustained_demand() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(50, Duration::ZERO);
    g.charge(start);
    g.pause(start + ms(10), start);
    assert_eq!(g.share(), 25);
    let mut shares = Vec::new();
    for second in 0..6 {
        drive(&mut g, start + ms(10 + 1_000 * second), 1_000);
        shares.push(g.share());
    }
    assert!(shares.windows(2).all(|w| w[0] <= w[1]), "{shares:?}");
    assert_eq!(
        shares.last(),
        Some(&50),
        "back to the whole limit: {shares:?}"
    );
    assert!(shares[0] < 50, "not at once: {shares:?}");
}

#[test]
fn a_share_is_not_grown_by_a_process_that_does_not_use_it() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(50, Duration::ZERO);
    g.charge(start);
    g.pause(start + ms(10), start);
    assert_eq!(g.share(), 25);
    for second in 1..10 {
        let t = start + ms(1_000 * second);
        for i in 0..2 {
            let at = t + ms(100 * i);
            assert!(g.check(at).is_ok());
            g.charge(at);
            g.answer(at, at);
        }
    }
    assert_eq!(g.share(), 25);
}
