//! Application command registration: bulk overwrites of the global
//! commands and of one guild's.

use bugle_model::command::{ApplicationCommand, CommandSet};
use bugle_model::id::{ApplicationId, GuildId};
use bugle_model::validate::Validate;

use super::DiscordClient;
use super::body::{Body, decode};
use super::request::Call;
use super::route::Route;
use crate::error::DiscordError;

impl DiscordClient {
    /// Replaces every global command of `application` with `commands`
    /// (`PUT /applications/{application_id}/commands`); commands not in the
    /// set are deleted. Returns the registered commands with their ids.
    ///
    /// The set is checked locally first (names, descriptions, options,
    /// choices, the per-scope caps), so nothing is sent that Discord would
    /// refuse for its shape. A bulk overwrite is idempotent, so failures
    /// are retried like an edit. Global commands that did not exist count
    /// against Discord's 200 creates a day: sync only when they changed.
    ///
    /// # Errors
    ///
    /// [`Validation`](crate::ErrorKind::Validation) (nothing sent),
    /// [`NoAuthentication`](crate::ErrorKind::NoAuthentication) without a
    /// bot token, and every error of Discord's answer.
    pub async fn overwrite_global_commands(
        &self,
        application: ApplicationId,
        commands: &CommandSet,
    ) -> Result<Vec<ApplicationCommand>, DiscordError> {
        commands.validate()?;
        let call = Call::new(
            "overwrite_global_commands",
            Route::overwrite_global_commands(application),
        )
        .body(Body::encode(commands)?)
        .idempotent(true);
        decode(&self.execute(call).await?)
    }

    /// Replaces every command of `application` in `guild`
    /// (`PUT /applications/{application_id}/guilds/{guild_id}/commands`).
    /// Guild commands update at once, which makes them the choice for
    /// testing.
    ///
    /// # Errors
    ///
    /// As [`overwrite_global_commands`](Self::overwrite_global_commands).
    pub async fn overwrite_guild_commands(
        &self,
        application: ApplicationId,
        guild: GuildId,
        commands: &CommandSet,
    ) -> Result<Vec<ApplicationCommand>, DiscordError> {
        commands.validate()?;
        let call = Call::new(
            "overwrite_guild_commands",
            Route::overwrite_guild_commands(application, guild),
        )
        .body(Body::encode(commands)?)
        .idempotent(true);
        decode(&self.execute(call).await?)
    }

    /// The global commands of `application`
    /// (`GET /applications/{application_id}/commands`).
    ///
    /// # Errors
    ///
    /// [`NoAuthentication`](crate::ErrorKind::NoAuthentication) without a
    /// bot token, and every error of Discord's answer.
    pub async fn global_commands(
        &self,
        application: ApplicationId,
    ) -> Result<Vec<ApplicationCommand>, DiscordError> {
        let call = Call::new("global_commands", Route::list_global_commands(application));
        decode(&self.execute(call).await?)
    }

    /// The commands of `application` in `guild`.
    ///
    /// # Errors
    ///
    /// As [`global_commands`](Self::global_commands).
    pub async fn guild_commands(
        &self,
        application: ApplicationId,
        guild: GuildId,
    ) -> Result<Vec<ApplicationCommand>, DiscordError> {
        let call = Call::new(
            "guild_commands",
            Route::list_guild_commands(application, guild),
        );
        decode(&self.execute(call).await?)
    }
}
