//! Reads: a message, a channel's recent messages, a channel, the bot user
//! and its gateway.
//!
//! Reads change nothing, so every failure that can be retried is retried
//! (`GET` is idempotent), and each read has its route's own rate-limit
//! bucket.

use bugle_model::channel::Channel;
use bugle_model::gateway::GatewayBot;
use bugle_model::history::ListMessagesQuery;
use bugle_model::id::MessageId;
use bugle_model::message::Message;
use bugle_model::user::User;
use bugle_model::validate::Validate;

use super::DiscordClient;
use super::body::decode;
use super::request::Call;
use super::route::Route;
use crate::error::DiscordError;
use crate::routing::ChannelTarget;

impl DiscordClient {
    /// Fetches one message
    /// (`GET /channels/{channel.id}/messages/{message.id}`).
    ///
    /// # Errors
    ///
    /// [`UnknownChannelRoute`](crate::ErrorKind::UnknownChannelRoute),
    /// [`NoAuthentication`](crate::ErrorKind::NoAuthentication) without a
    /// bot token, [`NotFound`](crate::ErrorKind::NotFound) for an unknown
    /// channel (10003) or message (10008), and every error of Discord's
    /// answer.
    pub async fn get_message(
        &self,
        channel: impl Into<ChannelTarget>,
        message_id: MessageId,
    ) -> Result<Message, DiscordError> {
        let channel = self.channel(&channel.into())?;
        let call = Call::new("get_message", Route::get_message(channel, message_id));
        decode(&self.execute(call).await?)
    }

    /// Lists a channel's messages, newest first
    /// (`GET /channels/{channel.id}/messages`): the newest ones, or those
    /// `before`, `after` or `around` a message, as many as the query's
    /// `limit` (Discord's default: 50).
    ///
    /// ```
    /// use bugle::{DiscordClient, DiscordConfig, Simulation};
    /// use bugle_model::history::ListMessagesQuery;
    /// use bugle_model::id::ChannelId;
    /// use bugle_model::request::CreateMessage;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), bugle::DiscordError> {
    /// let client = DiscordClient::new(
    ///     DiscordConfig::builder().simulation(Simulation::Fake).build()?,
    /// )?;
    /// let channel = ChannelId::new(42);
    /// for text in ["one", "two", "three"] {
    ///     client.send_message(channel, CreateMessage::new().content(text)).await?;
    /// }
    /// // The two newest, then the page before the oldest of them.
    /// let page = client.list_messages(channel, ListMessagesQuery::new().limit(2)).await?;
    /// assert_eq!(page[0].content, "three");
    /// assert_eq!(page[1].content, "two");
    /// let older = ListMessagesQuery::new().before(page[1].id).limit(2);
    /// let rest = client.list_messages(channel, older).await?;
    /// assert_eq!(rest.len(), 1);
    /// assert_eq!(rest[0].content, "one");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Validation`](crate::ErrorKind::Validation), naming the field, for
    /// a limit outside 1 to 100 or more than one of `around`, `before` and
    /// `after` (nothing is sent); otherwise as
    /// [`get_message`](Self::get_message).
    pub async fn list_messages(
        &self,
        channel: impl Into<ChannelTarget>,
        query: ListMessagesQuery,
    ) -> Result<Vec<Message>, DiscordError> {
        let channel = self.channel(&channel.into())?;
        query.validate()?;
        let call = Call::new("list_messages", Route::list_messages(channel))
            .query(query.to_query_string());
        decode(&self.execute(call).await?)
    }

    /// Fetches a channel, thread or DM channel (`GET /channels/{channel.id}`).
    ///
    /// # Errors
    ///
    /// As [`get_message`](Self::get_message).
    pub async fn get_channel(
        &self,
        channel: impl Into<ChannelTarget>,
    ) -> Result<Channel, DiscordError> {
        let channel = self.channel(&channel.into())?;
        let call = Call::new("get_channel", Route::get_channel(channel));
        decode(&self.execute(call).await?)
    }

    /// The bot user the token belongs to (`GET /users/@me`): a quick check
    /// that the token works.
    ///
    /// # Errors
    ///
    /// [`NoAuthentication`](crate::ErrorKind::NoAuthentication) without a
    /// bot token, [`Unauthorized`](crate::ErrorKind::Unauthorized) for a
    /// wrong one, and every error of Discord's answer.
    pub async fn current_user(&self) -> Result<User, DiscordError> {
        let call = Call::new("current_user", Route::current_user());
        decode(&self.execute(call).await?)
    }

    /// Where the bot's gateway connection should go (`GET /gateway/bot`):
    /// the URL, the recommended shard count and the session start limit.
    ///
    /// # Errors
    ///
    /// As [`current_user`](Self::current_user).
    pub async fn gateway_bot(&self) -> Result<GatewayBot, DiscordError> {
        let call = Call::new("gateway_bot", Route::gateway_bot());
        decode(&self.execute(call).await?)
    }
}
