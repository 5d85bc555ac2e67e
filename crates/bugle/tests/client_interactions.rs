//! Interaction webhooks through the client: the 15-minute token lifetime
//! checked before sending, the exempt pool, no dead-webhook memory, tokens
//! never shown; and command registration against `FakeDiscord`.

use std::time::Duration;

use bugle::{
    DiscordClient, DiscordConfig, ErrorKind, INTERACTION_TOKEN_LIFETIME, InteractionWebhook,
};
use bugle_model::command::{CommandDefinition, CommandOptionDefinition, CommandSet};
use bugle_model::id::{ApplicationId, GuildId};
use bugle_model::interaction::InteractionMessage;
use bugle_sim::fake::FakeDiscord;
use tokio::time::Instant;

const TOKEN: &str = "bot-token";
const INTERACTION_TOKEN: &str = "aW50ZXJhY3Rpb246c2VjcmV0LXRva2Vu";

fn setup() -> (FakeDiscord, DiscordClient) {
    let fake = FakeDiscord::builder().bot_token(TOKEN).build();
    let config = DiscordConfig::builder().bot_token(TOKEN).build().unwrap();
    (fake.clone(), DiscordClient::with_transport(config, fake))
}

#[tokio::test(start_paused = true)]
async fn an_expired_token_sends_nothing() {
    let (fake, client) = setup();
    let webhook = InteractionWebhook::new(
        ApplicationId::new(fake.application_id()),
        INTERACTION_TOKEN,
        Instant::now(),
    );
    tokio::time::advance(INTERACTION_TOKEN_LIFETIME + Duration::from_secs(1)).await;
    let error = client
        .create_followup(&webhook, InteractionMessage::new().content("late"))
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::InteractionExpired { expired_for } if *expired_for == Duration::from_secs(1)),
        "{error:?}"
    );
    let edit = client
        .edit_original_response(
            &webhook,
            bugle_model::request::EditWebhookMessage::new().content("x"),
        )
        .await
        .unwrap_err();
    assert!(matches!(edit.kind(), ErrorKind::InteractionExpired { .. }));
    assert!(fake.request_log().is_empty(), "nothing may be sent");
    assert!(!error.to_string().contains(INTERACTION_TOKEN));
}

#[tokio::test]
async fn the_interaction_token_is_never_shown() {
    let (fake, client) = setup();
    let webhook = InteractionWebhook::new(
        ApplicationId::new(fake.application_id()),
        INTERACTION_TOKEN,
        Instant::now(),
    );
    assert!(!format!("{webhook:?}").contains(INTERACTION_TOKEN));
    // An unknown token: Discord's 404, whose error must not carry the token either.
    let error = client
        .create_followup(&webhook, InteractionMessage::new().content("hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::NotFound { .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains(INTERACTION_TOKEN));
    assert!(!format!("{error:?}").contains(INTERACTION_TOKEN));
    for record in fake.request_log() {
        assert!(!record.path.contains(INTERACTION_TOKEN), "{}", record.path);
    }
}

#[tokio::test]
async fn followups_are_exempt_from_the_global_limit_and_never_kill_the_application() {
    let (fake, client) = setup();
    let app = ApplicationId::new(fake.application_id());
    for n in 0..3 {
        let webhook =
            InteractionWebhook::new(app, format!("{INTERACTION_TOKEN}{n}"), Instant::now());
        let error = client
            .create_followup(&webhook, InteractionMessage::new().content("hi"))
            .await
            .unwrap_err();
        // Each unknown token is its own 404, never a local "webhook dead" refusal.
        assert!(
            matches!(error.kind(), ErrorKind::NotFound { .. }),
            "{error:?}"
        );
    }
    let snapshot = client.rate_limiter().snapshot();
    assert_eq!(snapshot.unauthenticated.used_in_window, 0);
    assert_eq!(snapshot.bot.used_in_window, 0);
    assert_eq!(snapshot.dead_webhooks, 0);
    assert_eq!(fake.request_log().len(), 3);
}

fn commands() -> CommandSet {
    CommandSet::new([
        CommandDefinition::slash("deploy", "Deploys a service")
            .option(CommandOptionDefinition::string("service", "Which").required()),
        CommandDefinition::message("Report"),
    ])
}

#[tokio::test]
async fn a_bulk_overwrite_registers_and_keeps_ids() {
    let (fake, client) = setup();
    let app = ApplicationId::new(fake.application_id());
    let first = client
        .overwrite_global_commands(app, &commands())
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first[0].definition.name, "deploy");
    let again = client
        .overwrite_global_commands(app, &commands())
        .await
        .unwrap();
    assert_eq!(
        first[0].id, again[0].id,
        "an overwrite keeps a command's id"
    );
    assert_eq!(fake.registered_commands(None).len(), 2);
    let listed = client.global_commands(app).await.unwrap();
    assert_eq!(listed, again);
    let guild = client
        .overwrite_guild_commands(app, GuildId::new(77), &CommandSet::new([]))
        .await
        .unwrap();
    assert!(guild.is_empty());
}

#[tokio::test]
async fn invalid_commands_are_refused_before_sending() {
    let (fake, client) = setup();
    let bad = CommandSet::new([CommandDefinition::slash("Deploy", "d")]);
    let error = client
        .overwrite_global_commands(ApplicationId::new(fake.application_id()), &bad)
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Validation { .. }));
    assert_eq!(
        error.validation().unwrap().to_string(),
        "[0].name: must be lower case"
    );
    assert!(fake.request_log().is_empty());
}
