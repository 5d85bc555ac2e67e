//! `bugle thread create`.

use bugle::NewThread;
use bugle_model::request::{CreateMessage, CreateThread, CreateThreadFromMessage};

use super::webhook::message_id;
use crate::backend::{Globals, Needs, connect};
use crate::cli::{ThreadCommand, ThreadCreate};
use crate::exit::CliError;
use crate::input;
use crate::output::{Output, print_json};

/// Runs a thread subcommand.
///
/// # Errors
///
/// Invalid input, missing credentials, and every failure of the requests.
pub(crate) async fn run(
    command: &ThreadCommand,
    globals: &Globals,
    out: Output,
) -> Result<(), CliError> {
    match command {
        ThreadCommand::Create(create) => create_thread(create, globals, out).await,
    }
}

async fn create_thread(
    args: &ThreadCreate,
    globals: &Globals,
    out: Output,
) -> Result<(), CliError> {
    let channel = input::channel(&args.channel)?;
    let thread: NewThread = match args.from_message {
        Some(id) => {
            NewThread::from_message(message_id(id)?, CreateThreadFromMessage::new(&args.name))
        }
        None => CreateThread::public(&args.name).into(),
    };
    let first = args.message.as_deref().map(input::text_arg).transpose()?;
    let session = connect(globals, Needs::BotToken, None)?;
    session
        .run(async |client| {
            let created = client.create_thread(channel, thread).await?;
            let Some(text) = first else {
                return out.channel("created thread", &created);
            };
            let sent = client
                .send_to_thread(created.id, CreateMessage::new().content(text))
                .await?;
            if out.is_json() {
                print_json(&serde_json::json!({ "thread": created, "message": sent }))
            } else {
                out.channel("created thread", &created)?;
                out.message("sent", &sent)
            }
        })
        .await
}
