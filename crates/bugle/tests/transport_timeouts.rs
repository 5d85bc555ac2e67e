//! Whose timer ends an attempt: the transport's, when it declares one within the
//! attempt's limit (`Transport::request_timeout`), and the client's otherwise; and the
//! operation's deadline holds either way.

mod client_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bugle::{DiscordClient, ErrorKind};
use bugle_model::id::{ChannelId, MessageId};
use bugle_model::request::CreateMessage;
use bugle_sim::fake::{Delay, FakeDiscord, FaultConfig};
use bugle_transport::{Transport, TransportFuture, TransportRequest};
use client_support::{TEXT, config_builder, fake_builder};

const TEXT_ID: ChannelId = ChannelId::new(TEXT);

/// `FakeDiscord` behind a transport that declares a timeout of its own and waits `slow`
/// before passing each request on (with `fail_first`, it answers the first one itself
/// at once, with a 502).
#[derive(Debug)]
struct Declares {
    inner: FakeDiscord,
    declared: Duration,
    slow: Duration,
    fail_first: bool,
    sends: Arc<AtomicUsize>,
}

impl Transport for Declares {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        let first = self.sends.fetch_add(1, Ordering::SeqCst) == 0;
        Box::pin(async move {
            if first && self.fail_first {
                let mut response = http::Response::new(bytes::Bytes::new());
                *response.status_mut() = http::StatusCode::BAD_GATEWAY;
                return Ok(response);
            }
            tokio::time::sleep(self.slow).await;
            self.inner.send(request).await
        })
    }

    fn request_timeout(&self) -> Option<Duration> {
        Some(self.declared)
    }
}

fn client(
    transport: Declares,
    request_timeout: Duration,
    operation_timeout: Duration,
) -> (DiscordClient, Arc<AtomicUsize>) {
    let sends = Arc::clone(&transport.sends);
    let config = config_builder()
        .request_timeout(request_timeout)
        .operation_timeout(operation_timeout)
        .build()
        .expect("valid config");
    (DiscordClient::with_transport(config, transport), sends)
}

#[tokio::test(start_paused = true)]
async fn a_transport_timing_out_within_the_attempt_limit_runs_the_only_timer() {
    // The transport promises to end a send within 2 s, the attempt's limit: the client
    // adds no timer of its own. This transport breaks its promise (it answers after
    // 3 s), which shows whose timer runs: the answer is taken, not cut at 2 s.
    let fake = fake_builder().build();
    let (client, sends) = client(
        declares(&fake, Duration::from_secs(2), Duration::from_secs(3)),
        Duration::from_secs(2),
        Duration::from_secs(10),
    );
    let started = tokio::time::Instant::now();
    client
        .send_message(TEXT_ID, CreateMessage::new().content("x"))
        .await
        .expect("answered after 3 s");
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert_eq!(sends.load(Ordering::SeqCst), 1);
    assert_eq!(fake.counters().requests, 1);
}

#[tokio::test(start_paused = true)]
async fn a_transport_timeout_longer_than_the_attempt_limit_is_cut_by_the_client() {
    // The transport's own timeout (60 s) is longer than the client's request timeout
    // (2 s): the client times each attempt out itself, and retries the create (its
    // nonce makes that safe) until the 5 s deadline.
    let fake = fake_builder().build();
    let (client, sends) = client(
        declares(&fake, Duration::from_secs(60), Duration::from_secs(30)),
        Duration::from_secs(2),
        Duration::from_secs(5),
    );
    let started = tokio::time::Instant::now();
    let error = client
        .send_message(TEXT_ID, CreateMessage::new().content("x"))
        .await
        .expect_err("too slow");
    assert_eq!(error.kind(), &ErrorKind::MayHaveBeenDelivered);
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    assert!(sends.load(Ordering::SeqCst) >= 2, "attempts were retried");
    assert_eq!(
        fake.counters().requests,
        0,
        "nothing got past the slow transport"
    );
}

#[tokio::test(start_paused = true)]
async fn the_operation_deadline_ends_an_attempt_that_the_transport_would_let_run() {
    // The transport's declared timeout equals the request timeout and the operation's
    // (3 s). The first attempt gets a 502 at once; the retry, 250 ms later, may run only
    // what is left of the deadline (2.75 s), less than the transport allows, so the
    // client's own timer ends it at the deadline.
    let fake = fake_builder()
        .faults(FaultConfig::none().delay(Delay::Fixed(Duration::from_secs(30))))
        .build();
    let mut transport = declares(&fake, Duration::from_secs(3), Duration::ZERO);
    transport.fail_first = true;
    let (client, sends) = client(transport, Duration::from_secs(3), Duration::from_secs(3));
    let started = tokio::time::Instant::now();
    let error = client
        .get_message(TEXT_ID, MessageId::new(77))
        .await
        .expect_err("too slow");
    assert_eq!(
        error.kind(),
        &ErrorKind::DeadlineExceeded {
            deadline: Duration::from_secs(3)
        }
    );
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert_eq!(sends.load(Ordering::SeqCst), 2);
}

/// A [`Declares`] in front of `fake`.
fn declares(fake: &FakeDiscord, declared: Duration, slow: Duration) -> Declares {
    Declares {
        inner: fake.clone(),
        declared,
        slow,
        fail_first: false,
        sends: Arc::new(AtomicUsize::new(0)),
    }
}
