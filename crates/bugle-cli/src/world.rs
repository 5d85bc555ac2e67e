//! The simulated Discord that `--fake`, `bugle demo` and `bugle fake-discord`
//! run against: one guild with `alerts`, `deploys` and `ci` channels, a
//! webhook posting to `alerts`, and a user to DM.

use bugle::WebhookUrl;
use bugle_sim::fake::{ChannelSeed, FakeDiscord, FakeDiscordBuilder, WebhookSeed};
use secrecy::ExposeSecret;

/// The guild the channels belong to.
pub(crate) const GUILD: u64 = 1_310_000_000_000_000_000;
/// The channels, as (route name, channel id).
pub(crate) const CHANNELS: [(&str, u64); 3] = [
    ("alerts", 1_310_000_000_000_000_001),
    ("deploys", 1_310_000_000_000_000_002),
    ("ci", 1_310_000_000_000_000_003),
];
/// The webhook posting to `alerts`.
pub(crate) const WEBHOOK_ID: u64 = 1_310_000_000_000_000_100;
/// Its token. Not a secret: it only opens the simulated Discord.
pub(crate) const WEBHOOK_TOKEN: &str = "fake-webhook-token";
/// The user `bugle demo` sends a DM to.
pub(crate) const USER_ID: u64 = 1_310_000_000_000_000_200;

/// The channel id of route `name` in the simulated world.
pub(crate) fn channel(name: &str) -> u64 {
    CHANNELS
        .iter()
        .find(|(route, _)| *route == name)
        .map_or_else(|| panic!("no simulated channel {name}"), |(_, id)| *id)
}

/// The simulated webhook's URL, in Discord's form (the client sends it to
/// whatever base URL it is configured with).
pub(crate) fn webhook_url() -> String {
    format!("https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}")
}

/// The simulated world with Discord's default limits, accepting
/// `bot_token`, and the extra webhooks given (e.g. the user's own
/// `DISCORD_WEBHOOK_URL`, so `--fake` works with it unchanged).
pub(crate) fn builder<'a>(
    bot_token: &str,
    extra_webhooks: impl IntoIterator<Item = &'a WebhookUrl>,
) -> FakeDiscordBuilder {
    let mut builder = FakeDiscord::builder()
        .bot_token(bot_token)
        .bot_user(1_310_000_000_000_000_300, "bugle")
        .guild(GUILD);
    for (name, id) in CHANNELS {
        builder = builder.channel(ChannelSeed::text(id).name(name));
    }
    builder = builder
        .webhook_seed(
            WebhookSeed::new(channel("alerts"), WEBHOOK_ID, WEBHOOK_TOKEN).name("alertmanager"),
        )
        .user(USER_ID, "oncall");
    for webhook in extra_webhooks {
        if webhook.id().get() != WEBHOOK_ID {
            builder = builder.webhook(
                channel("alerts"),
                webhook.id().get(),
                webhook.token().expose_secret(),
            );
        }
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulated_webhook_url_parses() {
        let url = WebhookUrl::parse(&webhook_url()).expect("valid");
        assert_eq!(url.id().get(), WEBHOOK_ID);
        assert_eq!(url.token().expose_secret(), WEBHOOK_TOKEN);
    }

    #[tokio::test]
    async fn the_world_has_the_routed_channels() {
        let extra = WebhookUrl::parse("https://discord.com/api/webhooks/77/other").expect("url");
        let discord = builder("t", [&extra]).build();
        for (name, id) in CHANNELS {
            let channel = discord.channel(id).expect("channel exists");
            assert_eq!(channel.name.as_deref(), Some(name));
        }
        assert_eq!(channel("ci"), 1_310_000_000_000_000_003);
    }
}
