//! One embed card per alert group, always within Discord's limits: status
//! and colour, a title from the group's labels and annotations, firing and
//! resolved counts, the alerts as fields (with "and N more" past 25 fields
//! or 6,000 characters), link buttons, and the card's marker in the footer.
//!
//! Lengths are counted in Unicode scalar values (`chars().count()`), as
//! Discord counts them.

use std::fmt::Write as _;

use bugle_model::builder::Colour;
use bugle_model::component::{ActionRow, Button, Component};
use bugle_model::embed::{Embed, EmbedField, EmbedFooter};
use bugle_model::id::RoleId;
use bugle_model::validate::{
    BUTTON_URL_MAX_CHARS, EMBED_DESCRIPTION_MAX_CHARS, EMBED_FIELD_NAME_MAX_CHARS,
    EMBED_FIELD_VALUE_MAX_CHARS, EMBED_FIELDS_MAX, EMBED_TITLE_MAX_CHARS, EMBED_TOTAL_MAX_CHARS,
};

use crate::buttons::{self, Actions};
use crate::clock;
use crate::config::Route;
use crate::model::{Alert, Notification, Status};
use crate::outbox::CardNotes;
use crate::template::{Templates, fill};

/// The longest text one alert's field gets, so a group shows many alerts
/// rather than a few long ones.
const ALERT_TEXT_MAX_CHARS: usize = 300;

/// A rendered card.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The embed.
    pub embed: Embed,
    /// Link buttons (one action row), possibly none.
    pub components: Vec<Component>,
    /// Role mentions, sent only with a new firing card.
    pub mention_roles: Vec<RoleId>,
}

impl Card {
    /// The message content holding the mentions, if any.
    pub fn mention_content(&self) -> Option<String> {
        (!self.mention_roles.is_empty()).then(|| {
            self.mention_roles
                .iter()
                .map(|role| format!("<@&{role}>"))
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

/// What the card shows besides the notification.
#[derive(Debug, Clone)]
pub struct CardContext<'a> {
    /// The card's marker, in its footer (found again after a crash).
    pub marker: &'a str,
    /// When the episode began (the first firing the relay saw), for the
    /// resolved duration.
    pub episode_started_ms: Option<i64>,
    /// Now, for the footer's timestamp and the duration.
    pub now_ms: i64,
    /// Whether this is a new card (mentions go only on new firing cards).
    pub new_card: bool,
    /// Templates from the config, if any.
    pub templates: Option<&'a Templates>,
    /// The buttons that act on the card, when the route has them.
    pub actions: Option<&'a Actions>,
    /// What responders did on this card (acknowledged, silenced).
    pub notes: Option<&'a CardNotes>,
}

/// Renders `notification` for `route`.
pub fn card(notification: &Notification, route: &Route, context: &CardContext<'_>) -> Card {
    let (firing, _) = notification.counts();
    let status = notification.status;
    let name = group_name(notification);
    let templates = context.templates.cloned().unwrap_or_default();
    let title = match (&templates.title, status) {
        (Some(template), _) => fill(template, notification, None),
        (None, Status::Firing) => format!("🔥 [FIRING:{firing}] {name}"),
        (None, Status::Resolved) => format!("✅ [RESOLVED] {name}"),
    };
    let description = match &templates.description {
        Some(template) => fill(template, notification, None),
        None => default_description(notification, context),
    };
    card_with(
        notification,
        route,
        context,
        &templates,
        &title,
        &description,
    )
}

/// The default description: the resolved duration, the counts, alerts the
/// sender left out, and the common description or summary.
fn default_description(notification: &Notification, context: &CardContext<'_>) -> String {
    let (firing, resolved) = notification.counts();
    let mut description = String::new();
    if notification.status == Status::Resolved {
        if let Some(duration) = resolved_after(notification, context) {
            let _ = writeln!(description, "Resolved after {duration}.");
        }
    }
    let _ = write!(description, "**{firing} firing**, {resolved} resolved");
    if notification.truncated_alerts > 0 {
        let _ = write!(
            description,
            " ({} more left out by the sender)",
            notification.truncated_alerts
        );
    }
    let summary = notification
        .text
        .as_deref()
        .or_else(|| {
            notification
                .common_annotations
                .get("description")
                .map(String::as_str)
        })
        .or_else(|| {
            notification
                .common_annotations
                .get("summary")
                .map(String::as_str)
        });
    if let Some(summary) = summary {
        description.push_str("\n\n");
        description.push_str(summary);
    }
    description
}

fn card_with(
    notification: &Notification,
    route: &Route,
    context: &CardContext<'_>,
    templates: &Templates,
    title: &str,
    description: &str,
) -> Card {
    let status = notification.status;
    let title = truncate(
        if title.trim().is_empty() {
            "alert"
        } else {
            title
        },
        EMBED_TITLE_MAX_CHARS,
    );
    let description = match context.notes.map(note_lines).filter(|l| !l.is_empty()) {
        Some(lines) => format!("{lines}\n{description}"),
        None => description.to_owned(),
    };
    let description = truncate(&description, EMBED_DESCRIPTION_MAX_CHARS);
    let footer = format!("bugle-relay · {}", context.marker);
    let colour = match status {
        Status::Resolved => Colour::SUCCESS,
        Status::Firing => severity_colour(notification.severity()),
    };
    let mut used = title.chars().count() + description.chars().count() + footer.chars().count();
    let fields = alert_fields(notification, templates, &mut used);
    let embed = Embed {
        title: Some(title),
        description: Some(description),
        color: Some(colour.value()),
        footer: Some(EmbedFooter::new(footer)),
        timestamp: Some(clock::from_ms(context.now_ms)),
        fields,
        url: notification
            .external_url
            .clone()
            .filter(|url| is_link(url) && url.chars().count() <= 2048),
        ..Embed::default()
    };
    let buttons = link_buttons(notification);
    let mut components = Vec::new();
    if let Some(row) = context
        .actions
        .and_then(|actions| buttons::row(actions, notification, context.notes))
    {
        components.push(Component::from(row));
    }
    if !buttons.is_empty() {
        components.push(Component::from(ActionRow::buttons(buttons)));
    }
    let mention_roles = if context.new_card && status == Status::Firing {
        notification
            .severity()
            .and_then(|severity| route.mentions.get(severity))
            .cloned()
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Card {
        embed,
        components,
        mention_roles,
    }
}

/// The lines that say who acknowledged the card and who silenced it.
fn note_lines(notes: &CardNotes) -> String {
    let mut lines = String::new();
    if let Some(ack) = &notes.acknowledged {
        let _ = writeln!(
            lines,
            "✋ Acknowledged by **{}** <t:{}:R>",
            escape(&ack.user_name),
            ack.at_ms / 1000
        );
    }
    if let Some(silence) = &notes.silenced {
        let _ = writeln!(
            lines,
            "🔕 Silenced by **{}** until <t:{}:f>",
            escape(&silence.user_name),
            silence.until_ms / 1000
        );
    }
    lines
}

/// `name` with Discord's markdown characters escaped, so a display name
/// cannot bold, hide or link text on the card.
fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(
            c,
            '*' | '_' | '~' | '`' | '|' | '>' | '[' | ']' | '(' | ')' | '\\' | '<' | '@' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The group's name: the sender's title, else the alert name, else the
/// group labels.
pub fn group_name(notification: &Notification) -> String {
    if let Some(title) = &notification.title {
        return title.clone();
    }
    let labels = notification.match_labels();
    let mut name = labels.get("alertname").cloned().unwrap_or_else(|| {
        if notification.group_labels.is_empty() {
            "alerts".to_owned()
        } else {
            notification
                .group_labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    });
    if labels.contains_key("alertname") {
        // What else the group was formed by: `HighLatency · checkout`.
        for (key, value) in &notification.group_labels {
            if key != "alertname" {
                let _ = write!(name, " · {value}");
            }
        }
    }
    if let Some(summary) = notification.common_annotations.get("summary") {
        let _ = write!(name, ": {summary}");
    }
    name
}

/// The thread line for a change the card now shows.
pub fn thread_line(notification: &Notification, context: &CardContext<'_>) -> String {
    let (firing, resolved) = notification.counts();
    match notification.status {
        Status::Firing => format!("🔥 firing: {firing} firing, {resolved} resolved"),
        Status::Resolved => match resolved_after(notification, context) {
            Some(duration) => format!("✅ resolved after {duration}"),
            None => "✅ resolved".to_owned(),
        },
    }
}

fn resolved_after(notification: &Notification, context: &CardContext<'_>) -> Option<String> {
    let start = notification
        .alerts
        .iter()
        .filter_map(|alert| alert.starts_at_ms)
        .min()
        .or(context.episode_started_ms)?;
    let end = notification
        .alerts
        .iter()
        .filter_map(|alert| alert.ends_at_ms)
        .max()
        .unwrap_or(context.now_ms);
    Some(human_duration((end - start).max(0) / 1000))
}

/// `3h 05m`, `12m`, `40s`.
pub fn human_duration(seconds: i64) -> String {
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {minutes:02}m")
    } else if minutes > 0 {
        format!("{minutes}m")
    } else {
        format!("{seconds}s")
    }
}

fn severity_colour(severity: Option<&str>) -> Colour {
    match severity.map(str::to_ascii_lowercase).as_deref() {
        Some("critical" | "page" | "high" | "error") => Colour::CRITICAL,
        Some("warning" | "warn" | "medium") => Colour::WARNING,
        Some("info" | "low" | "none") => Colour::INFO,
        _ => Colour::ERROR,
    }
}

/// The alerts as fields, within 25 fields and the 6,000-character total
/// (`used` is what the rest of the embed takes); the last field says how
/// many did not fit.
fn alert_fields(
    notification: &Notification,
    templates: &Templates,
    used: &mut usize,
) -> Vec<EmbedField> {
    const MORE_RESERVE: usize = 40;
    let alerts = &notification.alerts;
    let mut fields = Vec::new();
    for (index, alert) in alerts.iter().enumerate() {
        let field = alert_field(notification, alert, templates);
        let size = field.name.chars().count() + field.value.chars().count();
        let room_for_more = index + 1 == alerts.len() || fields.len() + 1 < EMBED_FIELDS_MAX;
        if !room_for_more || *used + size + MORE_RESERVE > EMBED_TOTAL_MAX_CHARS {
            let rest = alerts.len() - index;
            let more = EmbedField::new("…", format!("and {rest} more"));
            *used += 1 + more.value.chars().count();
            fields.push(more);
            return fields;
        }
        *used += size;
        fields.push(field);
    }
    fields
}

fn alert_field(notification: &Notification, alert: &Alert, templates: &Templates) -> EmbedField {
    if templates.field_name.is_some() || templates.field_value.is_some() {
        let default = default_alert_field(notification, alert);
        let name = templates
            .field_name
            .as_ref()
            .map_or(default.name, |t| fill(t, notification, Some(alert)));
        let value = templates
            .field_value
            .as_ref()
            .map_or(default.value, |t| fill(t, notification, Some(alert)));
        // Discord refuses empty field names and values.
        return EmbedField {
            name: truncate(
                if name.trim().is_empty() {
                    "alert"
                } else {
                    &name
                },
                EMBED_FIELD_NAME_MAX_CHARS,
            ),
            value: truncate(
                if value.trim().is_empty() { "-" } else { &value },
                EMBED_FIELD_VALUE_MAX_CHARS,
            ),
            inline: false,
        };
    }
    default_alert_field(notification, alert)
}

fn default_alert_field(notification: &Notification, alert: &Alert) -> EmbedField {
    let status = alert.status.unwrap_or(notification.status);
    let icon = match status {
        Status::Firing => "🔥",
        Status::Resolved => "✅",
    };
    let mut name = alert
        .labels
        .get("alertname")
        .cloned()
        .unwrap_or_else(|| "alert".to_owned());
    for key in ["instance", "pod", "job", "service"] {
        if let Some(value) = alert.labels.get(key) {
            name = format!("{name} · {value}");
            break;
        }
    }
    let mut value = alert
        .annotations
        .get("summary")
        .or_else(|| alert.annotations.get("description"))
        .cloned()
        .or_else(|| alert.value_string.clone())
        .unwrap_or_default();
    value = truncate(&value, ALERT_TEXT_MAX_CHARS);
    if let Some(start) = alert.starts_at_ms {
        if !value.is_empty() {
            value.push('\n');
        }
        let since = start / 1000;
        let _ = match status {
            Status::Firing => write!(value, "since <t:{since}:R>"),
            Status::Resolved => write!(value, "started <t:{since}:f>"),
        };
    }
    if value.is_empty() {
        value.push_str(status.as_str());
    }
    EmbedField {
        name: truncate(&format!("{icon} {name}"), EMBED_FIELD_NAME_MAX_CHARS),
        value: truncate(&value, EMBED_FIELD_VALUE_MAX_CHARS),
        inline: false,
    }
}

fn link_buttons(notification: &Notification) -> Vec<Button> {
    let first = notification.alerts.first();
    let annotation = |key: &str| {
        notification
            .common_annotations
            .get(key)
            .or_else(|| first.and_then(|alert| alert.annotations.get(key)))
            .cloned()
    };
    let candidates = [
        ("Runbook", annotation("runbook_url")),
        (
            "Dashboard",
            first
                .and_then(|alert| alert.dashboard_url.clone())
                .or_else(|| annotation("dashboard_url"))
                .or_else(|| annotation("dashboard")),
        ),
        (
            "Source",
            first.and_then(|alert| alert.generator_url.clone()),
        ),
        ("Open", notification.link.clone()),
    ];
    let mut buttons = Vec::new();
    for (label, url) in candidates {
        if let Some(url) =
            url.filter(|url| is_link(url) && url.chars().count() <= BUTTON_URL_MAX_CHARS)
        {
            buttons.push(Button::link(url, label));
        }
    }
    buttons
}

fn is_link(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use bugle_model::request::CreateMessage;
    use bugle_model::validate::Validate;

    use super::*;
    use crate::config::Target;
    use crate::model::{Labels, Source};

    fn route() -> Route {
        Route {
            name: "alerts".to_owned(),
            target: Target::Channel(bugle_model::id::ChannelId::new(1)),
            thread: false,
            mentions: BTreeMap::from([("critical".to_owned(), vec![RoleId::new(77)])]),
            responders: crate::config::Responders::default(),
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn group(alerts: usize, status: Status) -> Notification {
        Notification {
            source: Source::Alertmanager,
            group_key: "{}:{alertname=\"HighLatency\"}".to_owned(),
            status,
            receiver: None,
            group_labels: labels(&[("alertname", "HighLatency")]),
            common_labels: labels(&[("alertname", "HighLatency"), ("severity", "critical")]),
            common_annotations: labels(&[("runbook_url", "https://runbooks.example/latency")]),
            external_url: Some("http://alertmanager.example:9093".to_owned()),
            alerts: (0..alerts)
                .map(|i| Alert {
                    status: Some(status),
                    labels: labels(&[
                        ("alertname", "HighLatency"),
                        ("instance", &format!("api-{i}:9100")),
                    ]),
                    annotations: labels(&[(
                        "summary",
                        &"p99 latency above 2s on the api tier ".repeat(6),
                    )]),
                    starts_at_ms: Some(1_700_000_000_000),
                    ends_at_ms: (status == Status::Resolved)
                        .then_some(1_700_000_000_000 + 23 * 60_000),
                    generator_url: Some("http://prometheus.example/graph?g0.expr=up".to_owned()),
                    ..Alert::default()
                })
                .collect(),
            truncated_alerts: 0,
            title: None,
            text: None,
            link: None,
            route: None,
        }
    }

    fn context(new_card: bool) -> CardContext<'static> {
        CardContext {
            marker: "card:1",
            episode_started_ms: None,
            now_ms: 1_700_000_000_000,
            new_card,
            templates: None,
            actions: None,
            notes: None,
        }
    }

    #[test]
    fn a_firing_card_with_actions_gets_the_buttons_and_shows_its_notes() {
        use crate::outbox::{Acknowledgement, SilenceNote};
        let actions = Actions {
            silence_durations: vec![
                std::time::Duration::from_secs(3600),
                std::time::Duration::from_secs(4 * 3600),
            ],
        };
        let notes = CardNotes {
            message_id: 5,
            acknowledged: Some(Acknowledgement {
                user_id: 9,
                user_name: "ops_*lead*".into(),
                at_ms: 1_700_000_000_000,
            }),
            silenced: Some(SilenceNote {
                silence_id: "s1".into(),
                user_id: 9,
                user_name: "ops".into(),
                until_ms: 1_700_003_600_000,
                at_ms: 1_700_000_000_000,
            }),
        };
        let context = CardContext {
            actions: Some(&actions),
            notes: Some(&notes),
            ..context(false)
        };
        let firing = card(&group(1, Status::Firing), &route(), &context);
        validate(&firing);
        let json = serde_json::to_value(&firing.components).unwrap();
        let row = &json[0]["components"];
        let ids: Vec<&str> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["custom_id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "bugle-relay:ack",
                "bugle-relay:silence:3600",
                "bugle-relay:silence:14400",
                "bugle-relay:silence:custom"
            ]
        );
        assert_eq!(row[0]["disabled"], true, "acknowledged: greyed out");
        let description = firing.embed.description.unwrap();
        assert!(
            description.starts_with("✋ Acknowledged by **ops\\_\\*lead\\*** <t:1700000000:R>\n🔕 Silenced by **ops** until <t:1700003600:f>"),
            "{description}"
        );
        let resolved = card(&group(1, Status::Resolved), &route(), &context);
        assert!(
            serde_json::to_string(&resolved.components)
                .unwrap()
                .find("bugle-relay:")
                .is_none(),
            "a resolved card has no buttons that act"
        );
        assert!(
            resolved
                .embed
                .description
                .unwrap()
                .contains("Acknowledged by")
        );
    }

    fn validate(card: &Card) {
        let message = CreateMessage::new()
            .embed(card.embed.clone())
            .components(card.components.clone());
        message
            .validate()
            .expect("the card passes bugle-model's validation");
    }

    #[test]
    fn three_hundred_alerts_are_truncated_with_and_n_more_and_validate() {
        let card = card(&group(300, Status::Firing), &route(), &context(true));
        let fields = &card.embed.fields;
        assert!(fields.len() <= EMBED_FIELDS_MAX);
        let last = fields.last().expect("fields");
        let shown = fields.len() - 1;
        assert_eq!(last.value, format!("and {} more", 300 - shown));
        validate(&card);
    }

    #[test]
    fn a_group_at_the_field_limit_shows_every_alert() {
        let mut notification = group(25, Status::Firing);
        for alert in &mut notification.alerts {
            alert.annotations.clear();
        }
        let card = card(&notification, &route(), &context(true));
        assert_eq!(card.embed.fields.len(), 25);
        assert!(
            card.embed
                .fields
                .iter()
                .all(|f| !f.value.starts_with("and "))
        );
        validate(&card);
        let mut over = notification.clone();
        over.alerts.push(over.alerts[0].clone());
        let card = super::card(&over, &route(), &context(true));
        assert_eq!(card.embed.fields.len(), 25);
        assert_eq!(card.embed.fields[24].value, "and 2 more");
        validate(&card);
    }

    #[test]
    fn huge_annotations_still_fit() {
        let mut notification = group(3, Status::Firing);
        notification
            .common_annotations
            .insert("description".to_owned(), "x".repeat(10_000));
        notification.title = Some("t".repeat(1_000));
        let card = card(&notification, &route(), &context(true));
        validate(&card);
    }

    #[test]
    fn firing_is_coloured_by_severity_and_resolved_is_green_with_the_duration() {
        let firing = card(&group(2, Status::Firing), &route(), &context(true));
        assert_eq!(firing.embed.color, Some(Colour::CRITICAL.value()));
        assert!(
            firing
                .embed
                .title
                .as_deref()
                .unwrap()
                .contains("[FIRING:2] HighLatency")
        );
        let resolved = card(&group(2, Status::Resolved), &route(), &context(false));
        assert_eq!(resolved.embed.color, Some(Colour::SUCCESS.value()));
        let description = resolved.embed.description.as_deref().unwrap();
        assert!(
            description.starts_with("Resolved after 23m."),
            "{description}"
        );
        assert!(
            description.contains("0 firing**, 2 resolved"),
            "{description}"
        );
    }

    #[test]
    fn link_buttons_come_from_runbook_and_generator_urls() {
        let card = card(&group(1, Status::Firing), &route(), &context(true));
        let json = serde_json::to_value(&card.components).unwrap();
        let text = json.to_string();
        assert!(text.contains("https://runbooks.example/latency"), "{text}");
        assert!(text.contains("http://prometheus.example/graph"), "{text}");
    }

    #[test]
    fn roles_are_mentioned_only_on_a_new_firing_card_for_the_rules_severity() {
        let notification = group(1, Status::Firing);
        assert_eq!(
            card(&notification, &route(), &context(true)).mention_roles,
            [RoleId::new(77)]
        );
        assert!(
            card(&notification, &route(), &context(false))
                .mention_roles
                .is_empty()
        );
        let resolved = group(1, Status::Resolved);
        assert!(
            card(&resolved, &route(), &context(true))
                .mention_roles
                .is_empty()
        );
        let mut warning = notification.clone();
        warning
            .common_labels
            .insert("severity".into(), "warning".into());
        assert!(
            card(&warning, &route(), &context(true))
                .mention_roles
                .is_empty()
        );
    }

    #[test]
    fn the_marker_is_in_the_footer() {
        let card = card(&group(1, Status::Firing), &route(), &context(true));
        assert_eq!(card.embed.footer.unwrap().text, "bugle-relay · card:1");
    }

    #[test]
    fn a_template_file_sets_title_description_and_fields_within_the_limits() {
        let templates = Templates::parse(
            "title = \"{status_icon} {STATUS} {labels.alertname} x{firing}\"\n\
             description = \"{annotations.runbook_url}\"\n\
             field_name = \"{alert.labels.instance}\"\n\
             field_value = \"{alert.status}\"",
        )
        .expect("templates");
        let context = CardContext {
            templates: Some(&templates),
            ..context(true)
        };
        let card = card(&group(300, Status::Firing), &route(), &context);
        assert_eq!(
            card.embed.title.as_deref(),
            Some("🔥 FIRING HighLatency x300")
        );
        assert_eq!(
            card.embed.description.as_deref(),
            Some("https://runbooks.example/latency")
        );
        assert_eq!(card.embed.fields[0].name, "api-0:9100");
        assert_eq!(card.embed.fields[0].value, "firing");
        assert_eq!(card.embed.fields.len(), 25);
        assert!(card.embed.fields[24].value.starts_with("and "));
        validate(&card);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(40), "40s");
        assert_eq!(human_duration(23 * 60), "23m");
        assert_eq!(human_duration(3 * 3600 + 5 * 60), "3h 05m");
        assert_eq!(human_duration(2 * 86_400 + 3600), "2d 1h");
    }
}
