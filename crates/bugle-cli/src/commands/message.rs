//! `bugle message send|edit|delete`.

use bugle_model::request::{CreateMessage, EditMessage};

use super::bulk;
use super::webhook::message_id;
use crate::backend::{Globals, Needs, connect};
use crate::cli::MessageCommand;
use crate::exit::CliError;
use crate::input::{self, Content};
use crate::output::{Output, action};

/// Runs a message subcommand.
///
/// # Errors
///
/// Invalid input, missing credentials, and every failure of the request.
pub(crate) async fn run(
    command: &MessageCommand,
    globals: &Globals,
    out: Output,
) -> Result<(), CliError> {
    match command {
        MessageCommand::Send(send) => {
            let channel = input::channel(&send.channel)?;
            if let Some(source) = &send.lines {
                let lines = bulk::read_lines(source)?;
                let session = connect(globals, Needs::BotToken, None)?;
                return session
                    .run(async |client| {
                        let messages = bulk::send_lines(client, channel, &lines).await?;
                        out.messages(&messages)
                    })
                    .await;
            }
            let content = Content::read(&send.body)?.require_something()?;
            let reply_to = send.reply_to.map(message_id).transpose()?;
            let session = connect(globals, Needs::BotToken, None)?;
            let mut template = create_message(content.embeds, content.files);
            if let Some(reply_to) = reply_to {
                template = template.reply_to(reply_to);
            }
            session
                .run(async |client| match (content.text, send.split) {
                    (Some(text), true) => {
                        let messages = client.send_long_message(channel, &text, template).await?;
                        out.messages(&messages)
                    }
                    (text, _) => {
                        if let Some(text) = text {
                            template = template.content(text);
                        }
                        let message = client.send_message(channel, template).await?;
                        out.message("sent", &message)
                    }
                })
                .await
        }
        MessageCommand::Edit(edit) => {
            let channel = input::channel(&edit.channel)?;
            let message = message_id(edit.message)?;
            let content = Content::read(&edit.body)?.require_something()?;
            let session = connect(globals, Needs::BotToken, None)?;
            let mut body = EditMessage::new();
            if let Some(text) = content.text {
                body = body.content(text);
            }
            if !content.embeds.is_empty() {
                body = body.embeds(content.embeds);
            }
            for file in content.files {
                body = body.file(file);
            }
            session
                .run(async |client| {
                    let edited = client.edit_message(channel, message, body).await?;
                    out.message("edited", &edited)
                })
                .await
        }
        MessageCommand::Delete(delete) => {
            let channel = input::channel(&delete.channel)?;
            let message = message_id(delete.message)?;
            let session = connect(globals, Needs::BotToken, None)?;
            let resolved = session.client.config().resolve_channel(&channel)?;
            session
                .run(async |client| {
                    client.delete_message(channel, message).await?;
                    out.done(
                        &format!("deleted message {message} in channel {resolved}"),
                        &action("deleted", resolved, message),
                    );
                    Ok(())
                })
                .await
        }
    }
}

/// A message with these embeds and files (and no text yet).
fn create_message(
    embeds: Vec<bugle_model::embed::Embed>,
    files: Vec<bugle_model::request::AttachmentFile>,
) -> CreateMessage {
    let mut message = CreateMessage::new().embeds(embeds);
    for file in files {
        message = message.file(file);
    }
    message
}

/// A message with these embeds and files, for the other commands that send
/// one (`dm send`).
pub(crate) fn from_content(content: Content) -> CreateMessage {
    let mut message = create_message(content.embeds, content.files);
    if let Some(text) = content.text {
        message = message.content(text);
    }
    message
}
