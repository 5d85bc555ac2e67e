//! What commands print on stdout: one human line, or with `--json` the
//! object Discord returned.

use bugle_model::channel::Channel;
use bugle_model::id::{ChannelId, MessageId};
use bugle_model::message::Message;
use serde::Serialize;
use serde_json::json;

use crate::exit::{CliError, Exit};

/// Prints results in the chosen form.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    json: bool,
}

impl Output {
    /// JSON when `json`, human lines otherwise.
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    /// Whether results are printed as JSON.
    pub(crate) fn is_json(self) -> bool {
        self.json
    }

    /// A message was sent or edited: `verb` is `sent` or `edited`.
    ///
    /// # Errors
    ///
    /// When the message cannot be encoded as JSON (never, for decoded
    /// messages).
    pub(crate) fn message(self, verb: &str, message: &Message) -> Result<(), CliError> {
        if self.json {
            print_json(message)
        } else {
            say!(
                "{verb} message {} in channel {}",
                message.id,
                message.channel_id
            );
            Ok(())
        }
    }

    /// A channel (thread, DM channel) was created or opened.
    ///
    /// # Errors
    ///
    /// When the channel cannot be encoded as JSON.
    pub(crate) fn channel(self, verb: &str, channel: &Channel) -> Result<(), CliError> {
        if self.json {
            print_json(channel)
        } else {
            let name = channel
                .name
                .as_ref()
                .map(|name| format!(" ({name})"))
                .unwrap_or_default();
            say!("{verb} channel {}{name}", channel.id);
            Ok(())
        }
    }

    /// Something without a returned object happened (a delete, a reaction,
    /// a fire-and-forget execute): `what` says what, `fields` is the JSON
    /// form.
    pub(crate) fn done(self, what: &str, fields: &serde_json::Value) {
        if self.json {
            say!("{fields}");
        } else {
            say!("{what}");
        }
    }

    /// Several messages were sent (a split or a bulk send).
    ///
    /// # Errors
    ///
    /// When a message cannot be encoded as JSON.
    pub(crate) fn messages(self, messages: &[Message]) -> Result<(), CliError> {
        if self.json {
            print_json(&messages)
        } else {
            for message in messages {
                self.message("sent", message)?;
            }
            Ok(())
        }
    }
}

/// Prints `value` as pretty JSON.
///
/// # Errors
///
/// When it cannot be encoded.
pub(crate) fn print_json(value: &impl Serialize) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|error| {
        CliError::new(
            Exit::Other,
            format!("cannot encode the answer as json: {error}"),
        )
    })?;
    say!("{text}");
    Ok(())
}

/// The JSON for an action on one message.
pub(crate) fn action(action: &str, channel: ChannelId, message: MessageId) -> serde_json::Value {
    json!({ action: true, "channel_id": channel.to_string(), "message_id": message.to_string() })
}
