//! The fake's Discord data: guilds, channels, messages, reactions, webhooks and users.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use bugle_model::message::Nonce;
use rustc_hash::FxHashMap;
use serde_json::Value;
use time::OffsetDateTime;
use tokio::time::Instant;

/// Channel type codes the fake knows.
pub(crate) mod kind {
    pub(crate) const TEXT: u8 = 0;
    pub(crate) const DM: u8 = 1;
    pub(crate) const ANNOUNCEMENT: u8 = 5;
    pub(crate) const ANNOUNCEMENT_THREAD: u8 = 10;
    pub(crate) const PUBLIC_THREAD: u8 = 11;
    pub(crate) const PRIVATE_THREAD: u8 = 12;
    pub(crate) const FORUM: u8 = 15;
    pub(crate) const MEDIA: u8 = 16;

    /// Forum and media channels (posts only).
    pub(crate) fn is_forum(kind: u8) -> bool {
        matches!(kind, FORUM | MEDIA)
    }
}

/// Channel flag: posts in this forum need a tag.
pub(crate) const REQUIRE_TAG: u64 = 1 << 4;
/// Message flag: a thread was started from this message.
pub(crate) const HAS_THREAD: u64 = 1 << 5;

/// A user (the bot, DM recipients).
#[derive(Debug, Clone)]
pub(crate) struct UserRec {
    pub(crate) username: String,
    pub(crate) bot: bool,
}

/// Thread-only fields.
#[derive(Debug, Clone)]
pub(crate) struct ThreadMeta {
    pub(crate) archived: bool,
    pub(crate) locked: bool,
    pub(crate) auto_archive_duration: u64,
    pub(crate) archive_timestamp: OffsetDateTime,
    pub(crate) create_timestamp: OffsetDateTime,
    pub(crate) invitable: Option<bool>,
}

/// A channel, thread or DM.
#[derive(Debug, Clone)]
pub(crate) struct ChannelRec {
    pub(crate) id: u64,
    pub(crate) kind: u8,
    pub(crate) guild_id: Option<u64>,
    pub(crate) name: Option<String>,
    pub(crate) parent_id: Option<u64>,
    pub(crate) owner_id: Option<u64>,
    pub(crate) recipients: Vec<u64>,
    pub(crate) thread: Option<ThreadMeta>,
    pub(crate) flags: u64,
    pub(crate) rate_limit_per_user: u64,
    pub(crate) available_tags: Vec<(u64, String)>,
    pub(crate) applied_tags: Vec<u64>,
    pub(crate) last_message_id: Option<u64>,
    pub(crate) message_count: u64,
    pub(crate) total_message_sent: u64,
}

impl ChannelRec {
    /// A new channel with everything optional empty.
    pub(crate) fn new(id: u64, kind: u8) -> Self {
        Self {
            id,
            kind,
            guild_id: None,
            name: None,
            parent_id: None,
            owner_id: None,
            recipients: Vec::new(),
            thread: None,
            flags: 0,
            rate_limit_per_user: 0,
            available_tags: Vec::new(),
            applied_tags: Vec::new(),
            last_message_id: None,
            message_count: 0,
            total_message_sent: 0,
        }
    }
}

/// Who wrote a message.
#[derive(Debug, Clone)]
pub(crate) enum Author {
    /// A user (the bot).
    User(u64),
    /// A webhook, with the name and avatar it posted under.
    Webhook {
        id: u64,
        username: String,
        avatar: Option<String>,
        avatar_url: Option<String>,
        application_id: Option<u64>,
    },
}

/// A stored attachment.
#[derive(Debug, Clone)]
pub(crate) struct AttachmentRec {
    pub(crate) id: u64,
    pub(crate) filename: String,
    pub(crate) description: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) size: usize,
    pub(crate) issued_unix: i64,
}

/// One emoji's reactions on a message.
#[derive(Debug, Clone)]
pub(crate) struct ReactionRec {
    /// `name` for unicode, `name:id` for custom emoji.
    pub(crate) key: String,
    pub(crate) emoji_id: Option<u64>,
    pub(crate) emoji_name: String,
    pub(crate) users: Vec<u64>,
}

/// A stored message.
#[derive(Debug, Clone)]
pub(crate) struct MessageRec {
    pub(crate) id: u64,
    pub(crate) channel_id: u64,
    pub(crate) kind: u8,
    pub(crate) author: Author,
    pub(crate) content: String,
    pub(crate) embeds: Vec<Value>,
    pub(crate) components: Vec<Value>,
    pub(crate) attachments: Vec<AttachmentRec>,
    pub(crate) timestamp: OffsetDateTime,
    pub(crate) edited_timestamp: Option<OffsetDateTime>,
    pub(crate) tts: bool,
    pub(crate) flags: u64,
    pub(crate) nonce: Option<Nonce>,
    pub(crate) reference: Option<u64>,
    pub(crate) reference_channel: Option<u64>,
    pub(crate) reactions: Vec<ReactionRec>,
    pub(crate) position: Option<u64>,
}

/// A stored webhook.
#[derive(Debug, Clone)]
pub(crate) struct WebhookRec {
    pub(crate) id: u64,
    pub(crate) token: String,
    pub(crate) channel_id: u64,
    pub(crate) name: String,
    pub(crate) application_id: Option<u64>,
}

/// The fewest remembered nonces at which a sweep of the expired ones runs.
const MIN_NONCE_SWEEP: usize = 1024;

/// A remembered nonce: which message it created and when.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NonceRec {
    pub(crate) message_id: u64,
    pub(crate) at: Instant,
}

/// Everything the fake Discord stores.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) guilds: Vec<u64>,
    pub(crate) channels: BTreeMap<u64, ChannelRec>,
    pub(crate) messages: BTreeMap<u64, MessageRec>,
    pub(crate) webhooks: BTreeMap<u64, WebhookRec>,
    pub(crate) users: BTreeMap<u64, UserRec>,
    /// Recipient id → DM channel id.
    pub(crate) dms: HashMap<u64, u64>,
    /// (author id, nonce's text) → the message it created.
    pub(crate) nonces: FxHashMap<(u64, String), NonceRec>,
    /// The number of remembered nonces at which the expired ones are next swept out.
    pub(crate) nonce_sweep_at: usize,
    /// The application: commands and interactions.
    pub(crate) app: super::app::AppState,
}

impl State {
    /// Messages of `channel_id`, oldest first.
    pub(crate) fn channel_messages(&self, channel_id: u64) -> impl Iterator<Item = &MessageRec> {
        self.messages
            .values()
            .filter(move |m| m.channel_id == channel_id)
    }

    /// The message with `id` in `channel_id`.
    pub(crate) fn message_in(&self, channel_id: u64, id: u64) -> Option<&MessageRec> {
        self.messages
            .get(&id)
            .filter(|m| m.channel_id == channel_id)
    }

    /// Stores `message` and updates its channel's counters.
    pub(crate) fn insert_message(&mut self, message: MessageRec) {
        if let Some(channel) = self.channels.get_mut(&message.channel_id) {
            channel.last_message_id = Some(message.id);
            if channel.thread.is_some() {
                channel.message_count += 1;
                channel.total_message_sent += 1;
            }
        }
        self.messages.insert(message.id, message);
    }

    /// Remembers that `key` created `message_id` at `now`, and sweeps out the nonces
    /// older than `window` whenever the map has doubled since the last sweep, so that a
    /// long-running fake holds only the nonces Discord would still honour (amortised
    /// constant time per create).
    pub(crate) fn remember_nonce(
        &mut self,
        key: (u64, String),
        message_id: u64,
        now: Instant,
        window: Duration,
    ) {
        if self.nonces.len() >= self.nonce_sweep_at {
            self.nonces
                .retain(|_, seen| now.duration_since(seen.at) < window);
            self.nonce_sweep_at = (self.nonces.len() * 2).max(MIN_NONCE_SWEEP);
        }
        self.nonces.insert(
            key,
            NonceRec {
                message_id,
                at: now,
            },
        );
    }

    /// Removes a message and updates its channel's counters.
    pub(crate) fn remove_message(&mut self, id: u64) -> Option<MessageRec> {
        let message = self.messages.remove(&id)?;
        if let Some(channel) = self.channels.get_mut(&message.channel_id) {
            if channel.thread.is_some() {
                channel.message_count = channel.message_count.saturating_sub(1);
            }
        }
        Some(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_nonces_are_swept_once_the_map_has_doubled() {
        let window = Duration::from_secs(300);
        let start = Instant::now();
        let mut state = State::default();
        for n in 0..3_000_u64 {
            state.remember_nonce((1, n.to_string()), n, start, window);
        }
        assert_eq!(state.nonces.len(), 3_000);
        let later = start + window + Duration::from_secs(1);
        for n in 0..5_000_u64 {
            state.remember_nonce((1, format!("later-{n}")), n, later, window);
        }
        assert!(
            state
                .nonces
                .keys()
                .all(|(_, text)| text.starts_with("later-")),
            "every nonce older than the window is gone"
        );
        assert_eq!(state.nonces.len(), 5_000);
    }

    #[test]
    fn nonces_inside_the_window_are_kept_through_a_sweep() {
        let window = Duration::from_secs(300);
        let start = Instant::now();
        let mut state = State::default();
        for n in 0..(MIN_NONCE_SWEEP as u64 * 3) {
            let at = start + Duration::from_millis(n);
            state.remember_nonce((1, n.to_string()), n, at, window);
        }
        assert_eq!(state.nonces.len(), MIN_NONCE_SWEEP * 3);
    }
}
