//! Discord's numeric JSON error codes.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A JSON error code from an error body's `code` (not the HTTP status).
///
/// Open: any number is kept. The codes bugle's operations meet are named
/// constants, each with a [`description`](Self::description).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct JsonErrorCode(u32);

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $value:literal, $text:literal; )*) => {
        impl JsonErrorCode {
            $( $(#[$doc])* pub const $name: Self = Self($value); )*

            /// What the code means, in a few words; `None` for codes bugle
            /// has no name for.
            pub fn description(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some($text), )*
                    _ => None,
                }
            }

            /// The constant's name, e.g. `"UNKNOWN_CHANNEL"`.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some(stringify!($name)), )*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    /// 0: general error, e.g. a malformed body.
    GENERAL_ERROR = 0, "general error";
    /// 10003.
    UNKNOWN_CHANNEL = 10003, "unknown channel";
    /// 10008.
    UNKNOWN_MESSAGE = 10008, "unknown message";
    /// 10013.
    UNKNOWN_USER = 10013, "unknown user";
    /// 10014: often a reaction emoji that was not percent-encoded.
    UNKNOWN_EMOJI = 10014, "unknown emoji";
    /// 10015: the webhook was deleted; stop using it.
    UNKNOWN_WEBHOOK = 10015, "unknown webhook";
    /// 10016.
    UNKNOWN_WEBHOOK_SERVICE = 10016, "unknown webhook service";
    /// 10060.
    UNKNOWN_STICKER = 10060, "unknown sticker";
    /// 10087.
    UNKNOWN_TAG = 10087, "unknown forum tag";
    /// 20009.
    EXPLICIT_CONTENT = 20009, "explicit content cannot be sent to this recipient";
    /// 20016.
    SLOWMODE_RATE_LIMIT = 20016, "slow mode is on in this channel";
    /// 20022.
    ANNOUNCEMENT_EDIT_RATE_LIMIT = 20022, "announcement message edit rate limit hit";
    /// 20028.
    CHANNEL_WRITE_RATE_LIMIT = 20028, "channel write rate limit hit";
    /// 20029.
    SERVER_WRITE_RATE_LIMIT = 20029, "server write rate limit hit";
    /// 30003.
    MAX_PINS = 30003, "the channel has the most pins allowed (250)";
    /// 30007.
    MAX_WEBHOOKS = 30007, "the most webhooks allowed (15) already exist";
    /// 30010.
    MAX_REACTIONS = 30010, "the message has the most reactions allowed (20)";
    /// 30015.
    MAX_ATTACHMENTS = 30015, "too many attachments in one message (at most 10)";
    /// 30033.
    MAX_THREAD_PARTICIPANTS = 30033, "the thread has the most participants allowed (1000)";
    /// 30046.
    MAX_OLD_MESSAGE_EDITS = 30046, "too many edits to messages older than one hour";
    /// 30047.
    MAX_PINNED_THREADS = 30047, "the forum has the most pinned threads allowed";
    /// 30058.
    MAX_GUILD_WEBHOOKS = 30058, "the guild has the most webhooks allowed (1000)";
    /// 40001.
    UNAUTHORIZED = 40001, "unauthorized; check the token";
    /// 40003.
    OPENING_DMS_TOO_FAST = 40003, "opening direct messages too fast";
    /// 40004.
    SEND_MESSAGES_DISABLED = 40004, "sending messages is temporarily disabled";
    /// 40005.
    REQUEST_TOO_LARGE = 40005, "the request is too large";
    /// 40058.
    CANNOT_SEND_IN_FORUM = 40058, "a plain message cannot be sent in a forum channel; create a post";
    /// 40066.
    NO_TAGS_AVAILABLE = 40066, "the channel has no tags non-moderators may use";
    /// 40067.
    TAG_REQUIRED = 40067, "a tag is required to post in this forum channel";
    /// 40333.
    CLOUDFLARE_BLOCKED = 40333, "blocked by cloudflare; send a proper user-agent";
    /// 50001.
    MISSING_ACCESS = 50001, "missing access to the resource";
    /// 50003.
    CANNOT_EXECUTE_ON_DM = 50003, "this action cannot be done on a direct message channel";
    /// 50005.
    CANNOT_EDIT_OTHERS_MESSAGE = 50005, "a message authored by another user cannot be edited";
    /// 50006.
    EMPTY_MESSAGE = 50006, "an empty message cannot be sent";
    /// 50007.
    CANNOT_MESSAGE_USER = 50007, "messages cannot be sent to this user";
    /// 50008.
    NON_TEXT_CHANNEL = 50008, "messages cannot be sent in a non-text channel";
    /// 50013.
    MISSING_PERMISSIONS = 50013, "missing permissions for this action";
    /// 50014.
    INVALID_AUTH_TOKEN = 50014, "invalid authentication token";
    /// 50021.
    SYSTEM_MESSAGE = 50021, "this action cannot be done on a system message";
    /// 50024.
    WRONG_CHANNEL_TYPE = 50024, "this action cannot be done on this channel type";
    /// 50027.
    INVALID_WEBHOOK_TOKEN = 50027, "invalid webhook token";
    /// 50035: the `errors` tree says which fields were wrong.
    INVALID_FORM_BODY = 50035, "invalid form body or content type";
    /// 50041.
    INVALID_API_VERSION = 50041, "invalid api version";
    /// 50045.
    FILE_TOO_LARGE = 50045, "a file is larger than the maximum size";
    /// 50046.
    INVALID_FILE = 50046, "invalid file uploaded";
    /// 50068.
    INVALID_MESSAGE_TYPE = 50068, "invalid message type";
    /// 50081.
    INVALID_STICKER = 50081, "invalid sticker sent";
    /// 50083.
    ARCHIVED_THREAD = 50083, "this action cannot be done on an archived thread";
    /// 50109.
    INVALID_JSON = 50109, "the request body is not valid json";
    /// 50110.
    INVALID_FILE_PROVIDED = 50110, "the file provided is not valid";
    /// 50159.
    VOICE_MESSAGE_EXTRA_CONTENT = 50159, "voice messages cannot carry other content";
    /// 50160.
    VOICE_MESSAGE_SINGLE_AUDIO = 50160, "voice messages need exactly one audio attachment";
    /// 50161.
    VOICE_MESSAGE_METADATA = 50161, "voice messages need their duration and waveform";
    /// 50162.
    VOICE_MESSAGE_EDIT = 50162, "voice messages cannot be edited";
    /// 50173.
    VOICE_MESSAGES_NOT_ALLOWED = 50173, "voice messages cannot be sent in this channel";
    /// 50278.
    NO_MUTUAL_GUILDS = 50278, "the user shares no server with the bot, so it cannot be messaged";
    /// 50600.
    STICKER_NOT_ALLOWED = 50600, "no permission to send this sticker";
    /// 90001.
    REACTION_BLOCKED = 90001, "reaction blocked";
    /// 130000.
    RESOURCE_OVERLOADED = 130_000, "the api resource is overloaded; try again later";
    /// 160002.
    REPLY_NEEDS_HISTORY = 160_002, "replying needs the read message history permission";
    /// 160004.
    THREAD_ALREADY_CREATED = 160_004, "a thread was already created for this message";
    /// 160005.
    THREAD_LOCKED = 160_005, "the thread is locked";
    /// 160006.
    MAX_ACTIVE_THREADS = 160_006, "the most active threads allowed already exist";
    /// 160007.
    MAX_ACTIVE_ANNOUNCEMENT_THREADS = 160_007, "the most active announcement threads allowed already exist";
    /// 160014.
    FORWARD_UNREADABLE = 160_014, "a message the sender cannot read cannot be forwarded";
    /// 200000.
    AUTOMOD_MESSAGE_BLOCKED = 200_000, "the message was blocked by auto moderation";
    /// 200001.
    AUTOMOD_TITLE_BLOCKED = 200_001, "the title was blocked by auto moderation";
    /// 220001.
    FORUM_WEBHOOK_NEEDS_THREAD = 220_001, "a webhook posting to a forum needs thread_name or thread_id";
    /// 220002.
    FORUM_WEBHOOK_BOTH_THREAD = 220_002, "a webhook posting to a forum takes thread_name or thread_id, not both";
    /// 220003.
    WEBHOOK_THREAD_ONLY_IN_FORUM = 220_003, "webhooks can only create threads in forum channels";
    /// 220004.
    WEBHOOK_SERVICE_IN_FORUM = 220_004, "webhook services cannot be used in forum channels";
    /// 240000.
    HARMFUL_LINK_BLOCKED = 240_000, "the message was blocked by the harmful links filter";
    /// 400001.
    UPLOADS_LIMITED = 400_001, "file uploads are limited in this guild";
    /// 520000.
    POLL_VOTING_BLOCKED = 520_000, "poll voting is blocked";
    /// 520001.
    POLL_EXPIRED = 520_001, "the poll has expired";
    /// 520002.
    POLL_INVALID_CHANNEL = 520_002, "polls cannot be created in this channel type";
    /// 520003.
    POLL_EDIT = 520_003, "a poll message cannot be edited";
    /// 520004.
    POLL_EMOJI = 520_004, "an emoji included with the poll cannot be used";
    /// 520006.
    POLL_EXPIRE_NON_POLL = 520_006, "a message without a poll cannot be expired";
}

impl JsonErrorCode {
    /// The code with this number.
    pub const fn new(code: u32) -> Self {
        Self(code)
    }

    /// The code as a number.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl From<u32> for JsonErrorCode {
    fn from(code: u32) -> Self {
        Self(code)
    }
}

impl From<JsonErrorCode> for u32 {
    fn from(code: JsonErrorCode) -> Self {
        code.0
    }
}

impl fmt::Debug for JsonErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "JsonErrorCode({} {name})", self.0),
            None => write!(f, "JsonErrorCode({})", self.0),
        }
    }
}

impl fmt::Display for JsonErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for JsonErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.0)
    }
}

impl<'de> Deserialize<'de> for JsonErrorCode {
    /// Accepts an integer or a decimal string; numbers beyond `u32` (never
    /// sent by Discord) are an error.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = crate::support::deserialize_u64_lenient(deserializer)?;
        u32::try_from(code)
            .map(Self)
            .map_err(|_| serde::de::Error::custom("a json error code must fit in 32 bits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_codes_have_names_and_descriptions() {
        assert_eq!(JsonErrorCode::new(10003), JsonErrorCode::UNKNOWN_CHANNEL);
        assert_eq!(
            JsonErrorCode::INVALID_FORM_BODY.name(),
            Some("INVALID_FORM_BODY")
        );
        assert_eq!(
            JsonErrorCode::UNKNOWN_WEBHOOK.description(),
            Some("unknown webhook")
        );
        assert_eq!(JsonErrorCode::new(12345).description(), None);
        assert_eq!(
            format!("{:?}", JsonErrorCode::new(50013)),
            "JsonErrorCode(50013 MISSING_PERMISSIONS)"
        );
    }

    #[test]
    fn descriptions_are_lower_case_without_trailing_period() {
        for code in 0..600_000 {
            if let Some(text) = JsonErrorCode::new(code).description() {
                assert!(!text.ends_with('.'), "{code}: {text}");
                assert_eq!(
                    text.chars().next().map(char::is_lowercase),
                    Some(true),
                    "{code}: {text}"
                );
            }
        }
    }
}
