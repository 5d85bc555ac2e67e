//! The route template rides on a request only for a transport that reads it
//! (`Transport::reads_route_template`).

mod client_support;

use std::sync::{Arc, Mutex, PoisonError};

use bugle::DiscordClient;
use bugle_model::id::ChannelId;
use bugle_model::request::CreateMessage;
use bugle_sim::fake::FakeDiscord;
use bugle_transport::{RouteTemplate, Transport, TransportFuture, TransportRequest};
use client_support::{TEXT, config_builder, fake_builder};

/// `FakeDiscord` behind a transport that notes each request's template and says
/// whether it reads them.
#[derive(Debug)]
struct Notes {
    inner: FakeDiscord,
    reads: bool,
    seen: Arc<Mutex<Vec<Option<RouteTemplate>>>>,
}

impl Transport for Notes {
    fn send(&self, request: TransportRequest) -> TransportFuture<'_> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(RouteTemplate::of(&request));
        self.inner.send(request)
    }

    fn reads_route_template(&self) -> bool {
        self.reads
    }
}

async fn templates_seen(reads: bool) -> Vec<Option<RouteTemplate>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let transport = Notes {
        inner: fake_builder().build(),
        reads,
        seen: Arc::clone(&seen),
    };
    let client = DiscordClient::with_transport(config_builder().build().unwrap(), transport);
    client
        .send_message(ChannelId::new(TEXT), CreateMessage::new().content("x"))
        .await
        .expect("sent");
    seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

#[tokio::test(start_paused = true)]
async fn a_transport_that_reads_templates_gets_them() {
    assert_eq!(
        templates_seen(true).await,
        [Some(RouteTemplate::new("/channels/{channel_id}/messages"))]
    );
}

#[tokio::test(start_paused = true)]
async fn a_transport_that_reads_none_gets_none() {
    assert_eq!(templates_seen(false).await, [None]);
}

/// A transport that leaves `reads_route_template` at its default.
#[derive(Debug)]
struct Plain;

impl Transport for Plain {
    fn send(&self, _: TransportRequest) -> TransportFuture<'_> {
        unreachable!("never sent")
    }
}

#[test]
fn hyper_and_the_fake_read_none_and_a_default_transport_reads_them() {
    let hyper = bugle_transport::HyperTransport::builder().build().unwrap();
    assert!(!hyper.reads_route_template());
    assert!(!fake_builder().build().reads_route_template());
    assert!(!Arc::new(hyper).reads_route_template());
    assert!(Plain.reads_route_template());
    assert!(Box::new(Plain).reads_route_template());
}
