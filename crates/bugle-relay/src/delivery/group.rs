//! Delivering one claimed group: its pending entries split into episodes,
//! each coalesced to its latest state, shown on one card.

use bugle::model::id::{ChannelId, MessageId};
use bugle::model::message::Message;

use super::discord::{Discord, Failure, classify};
use crate::buttons::Interactivity;
use crate::clock::Clock;
use crate::config::Route;
use crate::model::{Notification, Status};
use crate::outbox::{CardState, Claim, Entry, Finish, Intent, Outbox, OutboxError, backoff_ms};
use crate::render::{self, CardContext};

/// Why a segment's delivery stopped.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Try again later.
    Retry(String),
    /// It will not pass: dead-letter the segment.
    Permanent(String),
    /// The claim was lost: write nothing more.
    Fenced,
}

impl From<OutboxError> for Stop {
    fn from(error: OutboxError) -> Self {
        match error {
            OutboxError::Fenced => Self::Fenced,
            other => Self::Retry(other.to_string()),
        }
    }
}

fn stop(error: &bugle::DiscordError) -> Stop {
    match classify(error) {
        Failure::Retry | Failure::MessageGone => Stop::Retry(error.to_string()),
        Failure::Permanent => Stop::Permanent(error.to_string()),
    }
}

/// What a delivery attempt did, for metrics and logs.
#[derive(Debug, Default, Clone)]
pub(crate) struct Report {
    pub(crate) delivered: usize,
    pub(crate) coalesced: usize,
    pub(crate) dead: usize,
    pub(crate) retry: Option<String>,
    pub(crate) fenced: bool,
    /// Milliseconds from commit to shown, per shown segment.
    pub(crate) latencies_ms: Vec<i64>,
}

/// The services a delivery uses.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub(crate) outbox: &'a dyn Outbox,
    pub(crate) discord: &'a Discord,
    pub(crate) clock: Clock,
    pub(crate) lease_ms: i64,
    pub(crate) templates: &'a crate::template::Templates,
    pub(crate) interactivity: &'a Interactivity,
}

/// Splits entries into episodes: a firing after a resolved (shown or
/// pending) starts a new one, so coalescing never crosses a resolution.
pub(crate) fn segments(shown: Option<Status>, entries: Vec<Entry>) -> Vec<Vec<Entry>> {
    let mut out: Vec<Vec<Entry>> = Vec::new();
    let mut previous = shown;
    let mut current: Vec<Entry> = Vec::new();
    for entry in entries {
        let status = entry.envelope.notification.status;
        if status == Status::Firing && previous == Some(Status::Resolved) && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous = Some(status);
        current.push(entry);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Delivers `claim` and commits the outcome (unless the claim was lost).
pub(crate) async fn deliver(ctx: Ctx<'_>, claim: Claim) -> Report {
    let mut report = Report::default();
    let mut card = claim.card.clone();
    let mut finish = Finish::default();
    let (shown, rest): (Vec<Entry>, Vec<Entry>) = claim
        .entries
        .iter()
        .cloned()
        .partition(|entry| entry.id <= card.shown_through);
    finish.delivered.extend(shown.iter().map(|entry| entry.id));
    let mut rendered = false;
    for segment in segments(card.status, rest) {
        let ids: Vec<i64> = segment.iter().map(|entry| entry.id).collect();
        match deliver_segment(ctx, &claim, &mut card, &segment).await {
            Ok(()) => {
                rendered = true;
                finish.shown = segment.last().map(|entry| entry.envelope.clone());
                report.delivered += ids.len();
                report.coalesced += ids.len() - 1;
                if let Some(last) = segment.last() {
                    report
                        .latencies_ms
                        .push(ctx.clock.now_ms() - last.created_ms);
                }
                finish.delivered.extend(ids);
            }
            Err(Stop::Retry(reason)) => {
                finish.retry_at_ms = Some(ctx.clock.now_ms() + backoff_ms(claim.attempts));
                report.retry = Some(reason);
                break;
            }
            Err(Stop::Permanent(reason)) => {
                tracing::warn!(group = %claim.group_key, error = %reason, "dead-lettered: the notification cannot be delivered");
                report.dead += ids.len();
                finish
                    .dead
                    .extend(ids.into_iter().map(|id| (id, reason.clone())));
            }
            Err(Stop::Fenced) => {
                report.fenced = true;
                return report;
            }
        }
    }
    if report.retry.is_none() && claim.notes_changed() {
        // A segment shown above rendered the notes read with the claim;
        // otherwise the card is edited to show them.
        let refreshed = if rendered {
            Ok(())
        } else {
            show_notes(ctx, &claim, &card).await
        };
        match refreshed {
            Ok(()) => finish.notes_shown = claim.notes_seq,
            Err(Stop::Fenced) => {
                report.fenced = true;
                return report;
            }
            Err(Stop::Retry(reason)) => {
                finish.retry_at_ms = Some(ctx.clock.now_ms() + backoff_ms(claim.attempts));
                report.retry = Some(reason);
            }
            Err(Stop::Permanent(reason)) => {
                tracing::warn!(group = %claim.group_key, error = %reason, "the card cannot show its notes");
                finish.notes_shown = claim.notes_seq;
            }
        }
    }
    finish.card = card;
    match ctx
        .outbox
        .finish(&claim.group_key, claim.fence, finish, ctx.clock.now_ms())
        .await
    {
        Ok(()) => {}
        Err(OutboxError::Fenced) => report.fenced = true,
        Err(error) => {
            tracing::warn!(group = %claim.group_key, error = %error, "cannot commit a delivery; it is redone when the lease ends");
            report.retry = Some(error.to_string());
        }
    }
    report
}

/// Edits the card to show notes that changed while nothing else did: what
/// it showed at the end of its last delivery, with the notes.
async fn show_notes(ctx: Ctx<'_>, claim: &Claim, card: &CardState) -> Result<(), Stop> {
    let (Some(message), Some(shown), Some(marker)) = (card.message_id, &claim.shown, &card.marker)
    else {
        return Ok(());
    };
    let Some(notes) = claim.notes.for_message(message) else {
        return Ok(());
    };
    let context = CardContext {
        marker,
        episode_started_ms: card.episode_started_ms,
        now_ms: ctx.clock.now_ms(),
        new_card: false,
        templates: Some(ctx.templates),
        actions: ctx.interactivity.for_route(&shown.route),
        notes: Some(notes),
    };
    let rendered = render::card(&shown.notification, &shown.route, &context);
    match ctx
        .discord
        .edit(&shown.route.target, MessageId::new(message), &rendered)
        .await
    {
        Ok(()) => Ok(()),
        // Deleted in Discord: the next notification posts a new card.
        Err(error) if classify(&error) == Failure::MessageGone => Ok(()),
        Err(error) => Err(stop(&error)),
    }
}

async fn save(ctx: Ctx<'_>, claim: &Claim, card: &CardState) -> Result<(), Stop> {
    ctx.outbox
        .save_card(
            &claim.group_key,
            claim.fence,
            card,
            ctx.clock.now_ms(),
            ctx.lease_ms,
        )
        .await
        .map_err(Stop::from)
}

async fn deliver_segment(
    ctx: Ctx<'_>,
    claim: &Claim,
    card: &mut CardState,
    segment: &[Entry],
) -> Result<(), Stop> {
    let (Some(first), Some(last)) = (segment.first(), segment.last()) else {
        return Ok(());
    };
    let notification = &last.envelope.notification;
    let route = &last.envelope.route;
    let marker = format!("card:{}", first.id);
    let opens_episode = first.envelope.notification.status == Status::Firing
        && card.status == Some(Status::Resolved);
    if opens_episode && card.message_id.is_some() {
        // The old card stays resolved; this episode gets a card of its own.
        let intent = card.intent.take().filter(|intent| intent.marker == marker);
        *card = CardState {
            intent,
            shown_through: card.shown_through,
            ..CardState::default()
        };
    }
    if card.episode_started_ms.is_none() {
        card.episode_started_ms = Some(episode_start(segment));
    }
    let before = (card.status, card.counts);
    let needs_post = card.message_id.is_none();
    let card_marker = card
        .marker
        .clone()
        .filter(|_| !needs_post)
        .unwrap_or_else(|| marker.clone());
    let notes = card
        .message_id
        .and_then(|message| claim.notes.for_message(message));
    let context = CardContext {
        marker: &card_marker,
        episode_started_ms: card.episode_started_ms,
        now_ms: ctx.clock.now_ms(),
        new_card: needs_post,
        templates: Some(ctx.templates),
        actions: ctx.interactivity.for_route(route),
        notes: notes.filter(|_| !needs_post),
    };
    let rendered = render::card(notification, route, &context);
    if needs_post {
        post_card(ctx, claim, card, route, &rendered, &marker).await?;
    } else if let (Some(message), Some(_)) = (card.message_id, card.channel_id) {
        match ctx
            .discord
            .edit(&route.target, MessageId::new(message), &rendered)
            .await
        {
            Ok(()) => {}
            Err(error) if classify(&error) == Failure::MessageGone => {
                // Deleted in Discord: a new card, under a marker of its own.
                tracing::info!(group = %claim.group_key, "the card was deleted in discord; posting a new one");
                let marker = format!("card:{}:{}", first.id, last.id);
                card.message_id = None;
                card.thread_id = None;
                let context = CardContext {
                    marker: &marker,
                    new_card: true,
                    notes: None,
                    ..context
                };
                let rendered = render::card(notification, route, &context);
                post_card(ctx, claim, card, route, &rendered, &marker).await?;
            }
            Err(error) => return Err(stop(&error)),
        }
        let changed = before != (Some(notification.status), Some(notification.counts()));
        if let (true, Some(thread)) = (changed, card.thread_id) {
            let line = render::thread_line(notification, &context);
            let channel = ChannelId::new(card.channel_id.unwrap_or_default());
            ctx.discord
                .thread_line(
                    channel,
                    ChannelId::new(thread),
                    MessageId::new(card.message_id.unwrap_or_default()),
                    &line,
                    &format!("bugle-l{}", last.id),
                )
                .await
                .map_err(|error| stop(&error))?;
        }
    }
    ensure_thread(ctx, claim, card, route, notification).await?;
    card.status = Some(notification.status);
    card.counts = Some(notification.counts());
    card.shown_through = last.id;
    save(ctx, claim, card).await
}

fn episode_start(segment: &[Entry]) -> i64 {
    segment
        .iter()
        .flat_map(|entry| entry.envelope.notification.alerts.iter())
        .filter_map(|alert| alert.starts_at_ms)
        .min()
        .or_else(|| segment.first().map(|entry| entry.created_ms))
        .unwrap_or_default()
}

/// Posts a new card, at most once: the intent is saved before the post; an
/// intent left by an earlier try is resolved by looking for the marker,
/// then by Discord's nonce.
async fn post_card(
    ctx: Ctx<'_>,
    claim: &Claim,
    card: &mut CardState,
    route: &Route,
    rendered: &render::Card,
    marker: &str,
) -> Result<(), Stop> {
    let earlier = card.intent.clone().filter(|intent| intent.marker == marker);
    let nonce = if let Some(intent) = &earlier {
        if let Some(channel) = ctx.discord.lookup_channel(&route.target) {
            match ctx.discord.find(channel, marker).await {
                Ok(Some(found)) => {
                    tracing::info!(group = %claim.group_key, "found the card an interrupted delivery posted");
                    adopt(ctx, claim, card, &found, marker).await?;
                    if !shows(&found, rendered) {
                        refresh(ctx, route, card, rendered).await?;
                    }
                    return Ok(());
                }
                Ok(None) => {}
                Err(error) if classify(&error) == Failure::Retry => return Err(stop(&error)),
                Err(error) => {
                    tracing::warn!(group = %claim.group_key, error = %error, "cannot look for the card; posting again");
                }
            }
        }
        intent.nonce.clone()
    } else {
        let nonce = format!(
            "bugle-{}",
            marker.trim_start_matches("card:").replace(':', "-")
        );
        card.intent = Some(Intent {
            nonce: nonce.clone(),
            marker: marker.to_owned(),
            since_ms: ctx.clock.now_ms(),
        });
        save(ctx, claim, card).await?;
        nonce
    };
    match ctx.discord.post(&route.target, rendered, &nonce).await {
        Ok(message) => {
            adopt(ctx, claim, card, &message, marker).await?;
            if earlier.is_some() && !shows(&message, rendered) {
                // Discord may have answered the nonce with the card the
                // interrupted try posted, which shows an older state.
                refresh(ctx, route, card, rendered).await?;
            }
            Ok(())
        }
        Err(error) => {
            let stopped = stop(&error);
            if matches!(stopped, Stop::Permanent(_)) {
                // Nothing was posted: forget the intent.
                card.intent = None;
            }
            Err(stopped)
        }
    }
}

/// Whether `message` already shows `card` (what Discord echoes of a post).
fn shows(message: &Message, card: &render::Card) -> bool {
    let Some(embed) = message.embeds.first() else {
        return false;
    };
    let want = &card.embed;
    embed.title == want.title
        && embed.description == want.description
        && embed.color == want.color
        && embed.fields.len() == want.fields.len()
        && embed
            .fields
            .iter()
            .zip(&want.fields)
            .all(|(have, want)| have.name == want.name && have.value == want.value)
}

/// Edits a card adopted after an interrupted post to what it must show now.
async fn refresh(
    ctx: Ctx<'_>,
    route: &Route,
    card: &CardState,
    rendered: &render::Card,
) -> Result<(), Stop> {
    let Some(message) = card.message_id else {
        return Ok(());
    };
    ctx.discord
        .edit(&route.target, MessageId::new(message), rendered)
        .await
        .map_err(|error| stop(&error))
}

async fn adopt(
    ctx: Ctx<'_>,
    claim: &Claim,
    card: &mut CardState,
    message: &Message,
    marker: &str,
) -> Result<(), Stop> {
    card.message_id = Some(message.id.get());
    card.channel_id = Some(message.channel_id.get());
    card.marker = Some(marker.to_owned());
    card.intent = None;
    save(ctx, claim, card).await
}

/// Opens the thread a rule asks for, once the card exists and fires.
async fn ensure_thread(
    ctx: Ctx<'_>,
    claim: &Claim,
    card: &mut CardState,
    route: &Route,
    notification: &Notification,
) -> Result<(), Stop> {
    if !route.thread || card.thread_id.is_some() || notification.status != Status::Firing {
        return Ok(());
    }
    let (Some(message), Some(channel)) = (card.message_id, card.channel_id) else {
        return Ok(());
    };
    let thread = ctx
        .discord
        .open_thread(
            ChannelId::new(channel),
            MessageId::new(message),
            &render::group_name(notification),
        )
        .await
        .map_err(|error| stop(&error))?;
    card.thread_id = Some(thread.get());
    save(ctx, claim, card).await
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::config::Target;
    use crate::model::Source;
    use crate::outbox::Envelope;

    fn entry(id: i64, status: Status) -> Entry {
        Entry {
            id,
            created_ms: id,
            envelope: Envelope {
                notification: Notification::new(Source::Notify, "g", status),
                route: Route {
                    name: "r".into(),
                    target: Target::Webhook("w".into()),
                    thread: false,
                    mentions: BTreeMap::default(),
                    responders: crate::config::Responders::default(),
                },
            },
        }
    }

    fn ids(segments: &[Vec<Entry>]) -> Vec<Vec<i64>> {
        segments
            .iter()
            .map(|s| s.iter().map(|e| e.id).collect())
            .collect()
    }

    #[test]
    fn firing_then_resolved_coalesce_into_one_segment() {
        let s = segments(
            None,
            vec![
                entry(1, Status::Firing),
                entry(2, Status::Firing),
                entry(3, Status::Resolved),
            ],
        );
        assert_eq!(ids(&s), [vec![1, 2, 3]]);
    }

    #[test]
    fn a_firing_after_a_resolution_starts_a_new_segment() {
        let s = segments(
            None,
            vec![
                entry(1, Status::Firing),
                entry(2, Status::Resolved),
                entry(3, Status::Firing),
                entry(4, Status::Firing),
            ],
        );
        assert_eq!(ids(&s), [vec![1, 2], vec![3, 4]]);
        // After a card that shows resolved, a firing opens a new episode by itself.
        let s = segments(Some(Status::Resolved), vec![entry(5, Status::Firing)]);
        assert_eq!(ids(&s), [vec![5]]);
    }
}
