//! `bugle webhook send|edit|delete`.

use bugle::client::{ExecuteWebhookParams, WebhookTarget};
use bugle_model::id::{ChannelId, MessageId};
use bugle_model::request::{EditWebhookMessage, ExecuteWebhook};

use crate::backend::{Globals, Needs, connect};
use crate::cli::{self, WebhookCommand};
use crate::exit::CliError;
use crate::input::Content;
use crate::output::Output;

/// Runs a webhook subcommand.
///
/// # Errors
///
/// Invalid input, missing credentials, and every failure of the request.
pub(crate) async fn run(
    command: &WebhookCommand,
    globals: &Globals,
    out: Output,
) -> Result<(), CliError> {
    match command {
        WebhookCommand::Send(send) => {
            // Read the input first: a mistake in it needs no credentials to report.
            let content = Content::read(&send.body)?.require_something()?;
            let session = connect(globals, Needs::Webhook, send.target.webhook.as_deref())?;
            let mut body = ExecuteWebhook::new().embeds(content.embeds);
            if let Some(text) = content.text {
                body = body.content(text);
            }
            for file in content.files {
                body = body.file(file);
            }
            if let Some(name) = &send.username {
                body = body.username(name);
            }
            if let Some(url) = &send.avatar_url {
                body = body.avatar_url(url);
            }
            if let Some(name) = &send.thread_name {
                body = body.thread_name(name);
            }
            let params = ExecuteWebhookParams::new(body)
                .target(webhook_target(&send.target)?)
                .wait(!send.no_wait);
            session
                .run(async |client| {
                    if let Some(message) = client.execute_webhook(params).await? {
                        return out.message("sent", &message);
                    }
                    out.done(
                        "sent (not confirmed: --no-wait)",
                        &serde_json::json!({ "sent": true, "confirmed": false }),
                    );
                    Ok(())
                })
                .await
        }
        WebhookCommand::Edit(edit) => {
            let content = Content::read(&edit.body)?.require_something()?;
            let message = message_id(edit.message)?;
            let session = connect(globals, Needs::Webhook, edit.target.webhook.as_deref())?;
            let mut body = EditWebhookMessage::new();
            if let Some(text) = content.text {
                body = body.content(text);
            }
            for embed in content.embeds {
                body = body.embed(embed);
            }
            for file in content.files {
                body = body.file(file);
            }
            let target = webhook_target(&edit.target)?;
            session
                .run(async |client| {
                    let edited = client.edit_webhook_message(target, message, body).await?;
                    out.message("edited", &edited)
                })
                .await
        }
        WebhookCommand::Delete(delete) => {
            let message = message_id(delete.message)?;
            let session = connect(globals, Needs::Webhook, delete.target.webhook.as_deref())?;
            let target = webhook_target(&delete.target)?;
            session
                .run(async |client| {
                    client.delete_webhook_message(target, message).await?;
                    out.done(
                        &format!("deleted webhook message {message}"),
                        &serde_json::json!({ "deleted": true, "message_id": message.to_string() }),
                    );
                    Ok(())
                })
                .await
        }
    }
}

fn webhook_target(target: &cli::WebhookTarget) -> Result<WebhookTarget, CliError> {
    let mut webhook = match &target.webhook {
        Some(name) => WebhookTarget::named(name.clone()),
        None => WebhookTarget::default_webhook(),
    };
    if let Some(thread) = target.thread {
        let thread = ChannelId::new_checked(thread)
            .ok_or_else(|| CliError::invalid("--thread must be a non-zero channel id"))?;
        webhook = webhook.in_thread(thread);
    }
    Ok(webhook)
}

/// A message id from the command line.
///
/// # Errors
///
/// Invalid input for 0.
pub(crate) fn message_id(id: u64) -> Result<MessageId, CliError> {
    MessageId::new_checked(id).ok_or_else(|| CliError::invalid("the message id must not be 0"))
}
