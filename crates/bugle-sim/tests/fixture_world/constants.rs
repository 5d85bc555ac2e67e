//! The fixed world the fixture cassettes are recorded in: tokens, ids, the uploaded file and
//! the list of cassettes.
//!
//! Shared, through `#[path]`, by the facade's recording program
//! (`crates/bugle/tests/record_fixtures`, which writes `fixtures/cassettes` through
//! `DiscordClient`), by the tests that replay and scan its output, and by bugle-sim's
//! loopback tests, so the tokens a test looks for are exactly the ones the recorder was
//! given. None of them is a real Discord credential.

/// The bot token `FakeDiscord` accepts while recording. It must never reach a cassette.
pub(crate) const BOT_TOKEN: &str = "fixture-bot-token.NOT-A-REAL-TOKEN.q7Zk2Wm9";
/// The token of the webhook on the text channel. It must never reach a cassette.
pub(crate) const WEBHOOK_TOKEN: &str = "fixture-webhook-token-not-real-Hk2pQ8vL";
/// The token of the webhook on the forum channel. It must never reach a cassette.
pub(crate) const FORUM_WEBHOOK_TOKEN: &str = "fixture-forum-webhook-token-not-real-Jd8sX3";
/// Every secret the recorder is told about.
pub(crate) const SECRETS: [&str; 3] = [BOT_TOKEN, WEBHOOK_TOKEN, FORUM_WEBHOOK_TOKEN];

/// The seed of `FakeDiscord`'s snowflakes and faults.
pub(crate) const SEED: u64 = 20_250_601;
/// `FakeDiscord`'s (and the recorder's) wall-clock start, 2025-06-01T12:00:00Z, in Unix
/// seconds.
pub(crate) const START_UNIX_SECONDS: i64 = 1_748_779_200;

/// The guild every channel belongs to.
pub(crate) const GUILD: u64 = 1_111_111_111_111_111_111;
/// A text channel.
pub(crate) const TEXT_CHANNEL: u64 = 1_222_222_222_222_222_222;
/// A forum channel.
pub(crate) const FORUM_CHANNEL: u64 = 1_233_333_333_333_333_333;
/// The webhook on [`TEXT_CHANNEL`].
pub(crate) const WEBHOOK: u64 = 1_244_444_444_444_444_444;
/// The webhook on [`FORUM_CHANNEL`].
pub(crate) const FORUM_WEBHOOK: u64 = 1_255_555_555_555_555_555;
/// A user the bot opens a DM with.
pub(crate) const FRIEND: u64 = 1_266_666_666_666_666_666;
/// The name of the custom emoji reacted with.
pub(crate) const CUSTOM_EMOJI_NAME: &str = "bugle";
/// The id of the custom emoji reacted with.
pub(crate) const CUSTOM_EMOJI_ID: u64 = 1_277_777_777_777_777_777;

/// The `User-Agent` every request carries, in the form Discord asks for.
pub(crate) const USER_AGENT: &str = "DiscordBot (https://github.com/bugle-rs/bugle, 0.1.0)";
/// The multipart boundary of uploads (fixed, so re-recording gives the same requests).
pub(crate) const BOUNDARY: &str = "bugle-fixture-boundary-5f1c";

/// The name of the file the multipart cassette uploads.
pub(crate) const UPLOAD_FILENAME: &str = "build.log";
/// The bytes of that file. Cassettes keep only their size and SHA-256, so a replay that
/// wants to send the same body needs these.
pub(crate) const UPLOAD_BYTES: &[u8] = b"compiling bugle v0.1.0\nfinished in 4.2s\n";

/// Every cassette the recording program writes, by file stem, in the order it records them.
pub(crate) const CASSETTES: [&str; 22] = [
    "webhook_execute",
    "webhook_execute_no_wait",
    "webhook_execute_thread",
    "webhook_forum_post",
    "webhook_edit",
    "webhook_delete",
    "message_create",
    "message_reply",
    "message_edit",
    "message_delete",
    "reaction_unicode",
    "reaction_custom",
    "thread_from_message",
    "thread_standalone",
    "forum_post",
    "dm_create_and_send",
    "multipart_upload",
    "rate_limited_429_then_200",
    "server_error_5xx_then_200",
    "components_message",
    "components_v2",
    "components_webhook",
];
