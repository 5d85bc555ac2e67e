//! The per-file size limit is a setting (boosted servers allow more than Discord's
//! default 10 MiB): a file over it is refused before anything is sent, naming the file
//! and the limit; a file under a raised limit goes.

mod client_support;

use bugle::ErrorKind;
use bugle_model::id::ChannelId;
use bugle_model::request::{AttachmentFile, CreateMessage};
use client_support::{TEXT, config_builder, fake_builder, setup_with};

const MIB: usize = 1024 * 1024;

fn with_file(bytes: usize) -> CreateMessage {
    CreateMessage::new()
        .content("build log")
        .file(AttachmentFile::new("log.txt", vec![b'x'; bytes]))
}

#[tokio::test]
async fn a_file_over_the_default_10_mib_is_refused_locally() {
    let (client, _fake, spy) = setup_with(fake_builder(), config_builder());
    let error = client
        .send_message(ChannelId::new(TEXT), with_file(10 * MIB + 1))
        .await
        .expect_err("over the limit");
    assert!(
        matches!(error.kind(), ErrorKind::Validation { .. }),
        "{error}"
    );
    let text = error.to_string();
    assert!(text.contains("attachments[0]"), "{text}");
    assert!(text.contains("10485760"), "{text}");
    assert!(spy.sent().is_empty(), "nothing is sent");
}

#[tokio::test]
async fn the_limit_is_a_setting_both_ways() {
    let small = config_builder().max_file_size(MIB as u64);
    let (client, _fake, spy) = setup_with(fake_builder(), small);
    assert_eq!(client.config().max_file_size(), MIB as u64);
    let error = client
        .send_message(ChannelId::new(TEXT), with_file(MIB + 1))
        .await
        .expect_err("over the configured limit");
    assert!(error.to_string().contains("1048576"), "{error}");
    assert!(spy.sent().is_empty());

    // A boosted server's 50 MiB: an 11 MiB file passes validation and is sent.
    let boosted = config_builder().max_file_size(50 * MIB as u64);
    let (client, _fake, spy) = setup_with(fake_builder(), boosted);
    let result = client
        .send_message(ChannelId::new(TEXT), with_file(11 * MIB))
        .await;
    if let Err(error) = &result {
        assert!(
            !matches!(error.kind(), ErrorKind::Validation { .. }),
            "refused locally: {error}"
        );
    }
    assert_eq!(spy.sent().len(), 1, "sent to Discord");
}

#[test]
fn a_zero_limit_is_a_configuration_error_naming_the_field() {
    let error = config_builder().max_file_size(0).build().expect_err("zero");
    assert!(error.to_string().contains("max_file_size"), "{error}");
}
