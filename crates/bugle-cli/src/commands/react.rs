//! `bugle react`.

use bugle::ReactionEmoji;

use super::webhook::message_id;
use crate::backend::{Globals, Needs, connect};
use crate::cli::ReactArgs;
use crate::exit::CliError;
use crate::input;
use crate::output::{Output, action};

/// Adds the reaction.
///
/// # Errors
///
/// Invalid input, missing credentials, and every failure of the request.
pub(crate) async fn run(args: &ReactArgs, globals: &Globals, out: Output) -> Result<(), CliError> {
    let channel = input::channel(&args.channel)?;
    let message = message_id(args.message)?;
    let emoji = input::emoji(&args.emoji)?;
    let session = connect(globals, Needs::BotToken, None)?;
    let resolved = session.client.config().resolve_channel(&channel)?;
    session
        .run(async |client| {
            client
                .add_reaction(channel, message, ReactionEmoji::from(&emoji))
                .await?;
            let mut fields = action("reacted", resolved, message);
            fields["emoji"] = emoji.reaction_form().unwrap_or_default().into();
            out.done(
                &format!(
                    "reacted {} to message {message} in channel {resolved}",
                    args.emoji.trim()
                ),
                &fields,
            );
            Ok(())
        })
        .await
}
