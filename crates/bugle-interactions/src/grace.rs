//! The short wait between acknowledging an interaction and Discord knowing it.
//!
//! The acknowledgement is the HTTP answer to Discord's request; a followup or an
//! edit of `@original` is a separate request that can reach Discord before Discord
//! has processed that answer, and then finds no webhook (10015) or no original
//! message (10008) yet. Within a grace period after the acknowledgement, those
//! answers are retried with a short backoff; after it they are real.

use std::future::Future;
use std::time::Duration;

use bugle::{DiscordError, ErrorKind, JsonErrorCode};
use tokio::time::Instant;

/// How long after the acknowledgement "not there yet" answers are retried.
pub(crate) const GRACE: Duration = Duration::from_secs(2);

fn not_there_yet(error: &DiscordError) -> bool {
    matches!(
        error.kind(),
        ErrorKind::NotFound {
            code: Some(JsonErrorCode::UNKNOWN_WEBHOOK | JsonErrorCode::UNKNOWN_MESSAGE),
            ..
        }
    )
}

/// Runs `call`, retrying "not there yet" answers until `GRACE` after `acknowledged_at`.
pub(crate) async fn after_ack<T, F, Fut>(
    acknowledged_at: Instant,
    mut call: F,
) -> Result<T, DiscordError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, DiscordError>>,
{
    let mut pause = Duration::from_millis(50);
    loop {
        match call().await {
            Err(error)
                if not_there_yet(&error) && Instant::now() + pause < acknowledged_at + GRACE =>
            {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            result => return result,
        }
    }
}
