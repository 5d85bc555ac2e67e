//! `bugle dm send`.

use bugle_model::id::UserId;

use super::message::from_content;
use crate::backend::{Globals, Needs, connect};
use crate::cli::DmCommand;
use crate::exit::CliError;
use crate::input::Content;
use crate::output::Output;

/// Runs a DM subcommand.
///
/// # Errors
///
/// Invalid input, missing credentials, and every failure of the requests.
pub(crate) async fn run(
    command: &DmCommand,
    globals: &Globals,
    out: Output,
) -> Result<(), CliError> {
    match command {
        DmCommand::Send(send) => {
            let user = UserId::new_checked(send.user)
                .ok_or_else(|| CliError::invalid("the user id must not be 0"))?;
            let content = Content::read(&send.body)?.require_something()?;
            let session = connect(globals, Needs::BotToken, None)?;
            session
                .run(async |client| {
                    let message = client.send_dm(user, from_content(content)).await?;
                    out.message("sent", &message)
                })
                .await
        }
    }
}
