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

/// Fills `g` with `n` requests answered at `t`.
fn fill(g: &mut GlobalWindow, n: u32, t: Instant) {
    for _ in 0..n {
        assert!(g.check(t).is_ok());
        g.charge(t);
        g.answer(t, t);
    }
}

#[test]
fn a_global_429_lowers_the_share_once_a_window() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(50, Duration::ZERO);
    fill(&mut g, 20, start);
    // Someone else used the other 30: Discord answers 429 though this process sent 20.
    g.pause(start + ms(100), start);
    assert_eq!(g.share(), 10);
    // The other requests in flight bring their 429s too: no further decrease.
    g.pause(start + ms(100), start + ms(50));
    assert_eq!(g.share(), 10);
    // Within the window the pool keeps to its share.
    let t = start + ms(500);
    assert_eq!(g.check(t), Err(start + ms(1_000)));
    // A window later, a request that finds the share full grows it by one step.
    let t = start + ms(1_000);
    fill(&mut g, 10, t);
    assert!(g.check(t).is_ok(), "grown to 11");
    g.charge(t);
    assert!(g.check(t).is_err(), "12th in the window");
    assert_eq!(g.share(), 11);
}

#[test]
fn a_lowered_share_grows_back_while_requests_wait_on_it() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(50, Duration::ZERO);
    fill(&mut g, 40, start);
    g.pause(start + ms(10), start);
    assert_eq!(g.share(), 20);
    let mut t = start + ms(1_000);
    let mut shares = Vec::new();
    for _ in 0..16 {
        while g.check(t).is_ok() {
            g.charge(t);
            g.answer(t, t);
        }
        shares.push(g.share());
        t += ms(1_000);
    }
    assert_eq!(
        shares.first(),
        Some(&22),
        "one step of an eighth per window: {shares:?}"
    );
    assert!(shares.windows(2).all(|w| w[0] <= w[1]), "{shares:?}");
    assert_eq!(
        shares.last(),
        Some(&50),
        "back to the whole limit: {shares:?}"
    );
}

#[test]
fn a_share_is_not_grown_by_a_process_that_does_not_use_it() {
    let start = Instant::now();
    let mut g = GlobalWindow::new(50, Duration::ZERO);
    fill(&mut g, 8, start);
    g.pause(start + ms(10), start);
    assert_eq!(g.share(), 4);
    for second in 1..10 {
        let t = start + ms(1_000 * second);
        fill(&mut g, 2, t);
    }
    assert_eq!(g.share(), 4);
}
