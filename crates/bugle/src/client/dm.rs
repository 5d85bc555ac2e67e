//! Direct messages: open the DM channel once per user, then send to it.

use std::sync::PoisonError;

use bugle_model::channel::Channel;
use bugle_model::id::UserId;
use bugle_model::message::Message;
use bugle_model::request::{CreateDm, CreateMessage};

use super::DiscordClient;
use super::body::{Body, decode};
use super::message::NewMessage;
use super::request::Call;
use super::route::Route;
use crate::error::{DiscordError, ErrorKind};

impl DiscordClient {
    /// Opens the DM channel with `user` (`POST /users/@me/channels`).
    ///
    /// Discord answers with the same channel every time, so asking again is
    /// safe (and retried like an idempotent request); the channel id is
    /// remembered for [`send_dm`](Self::send_dm).
    ///
    /// # Errors
    ///
    /// [`NoAuthentication`](ErrorKind::NoAuthentication) without a bot token,
    /// and every error of Discord's answer (e.g. 50007 when the user does not
    /// accept DMs, as [`BadRequest`](ErrorKind::BadRequest)).
    pub async fn create_dm(&self, user: UserId) -> Result<Channel, DiscordError> {
        let body = CreateDm::new(user);
        let call = Call::new("create_dm", Route::create_dm())
            .body(Body::encode(&body)?)
            .idempotent(true);
        let channel: Channel = decode(&self.execute(call).await?)?;
        self.dm_cache().insert(user, channel.id);
        Ok(channel)
    }

    /// Sends `message` to `user` in their DM channel, opening it first unless
    /// it is already known. With the protective defaults of
    /// [`send_message`](Self::send_message); the message is validated before
    /// the channel is opened, so invalid input sends nothing.
    ///
    /// # Errors
    ///
    /// [`Validation`](ErrorKind::Validation) (nothing sent); otherwise as
    /// [`create_dm`](Self::create_dm) and
    /// [`send_message`](Self::send_message). When Discord no longer knows a
    /// remembered channel, it is forgotten so the next call opens it again.
    pub async fn send_dm(
        &self,
        user: UserId,
        message: CreateMessage,
    ) -> Result<Message, DiscordError> {
        let message = NewMessage::prepare(message, self.inner.config.validation())?;
        let known = self.dm_cache().get(&user).copied();
        let channel = match known {
            Some(channel) => channel,
            None => self.create_dm(user).await?.id,
        };
        let result = self.post_message(channel, message).await;
        if let Err(error) = &result {
            if matches!(error.kind(), ErrorKind::NotFound { .. }) {
                self.dm_cache().remove(&user);
            }
        }
        result
    }

    fn dm_cache(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<UserId, bugle_model::id::ChannelId>>
    {
        self.inner
            .dm_channels
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
