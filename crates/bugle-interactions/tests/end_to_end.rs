//! Each interaction type end to end: `FakeDiscord` sends signed interactions over
//! loopback to the endpoint, checks the answers against Discord's rules and applies
//! them; late answers come back through `DiscordClient`.

mod support;

use std::time::Duration;

use bugle_interactions::{InteractionContext, Reply};
use bugle_model::component::{ActionRow, Button};
use bugle_model::interaction::{
    CommandChoice, CommandOption, CommandOptionValue, InteractionMessage, Modal,
};
use bugle_model::message::MessageFlags;
use bugle_sim::fake::InteractionFailure;
use support::{CHANNEL, USER, start, start_with};

fn card() -> InteractionMessage {
    InteractionMessage::new()
        .content("deploy api: firing")
        .component(ActionRow::new([
            Button::primary("ack:42", "Acknowledge"),
            Button::secondary("silence:42", "Silence"),
        ]))
}

#[tokio::test]
async fn the_endpoint_passes_discords_probes() {
    let harness = start(|b| b).await;
    harness.fake.probe_endpoint().await.unwrap();
}

#[tokio::test]
async fn a_command_answered_in_time_creates_its_message() {
    let harness = start(|b| b.command("ping", |_ctx| async { Reply::text("pong") })).await;
    let outcome = harness.fake.invoke("ping", vec![], USER).await.unwrap();
    assert_eq!(outcome.callback_type, 4);
    let message = outcome.message.unwrap();
    assert_eq!(message.content, "pong");
    assert_eq!(harness.fake.messages(CHANNEL).len(), 1);
    assert!(harness.errors().is_empty());
}

#[tokio::test]
async fn options_reach_the_handler_typed() {
    let harness = start(|b| {
        b.command("deploy", |ctx: InteractionContext| async move {
            let service = ctx
                .command()
                .and_then(|c| c.string("service"))
                .unwrap_or("?")
                .to_owned();
            let who = ctx.user().map(|u| u.username.clone()).unwrap_or_default();
            Reply::ephemeral(format!("{who} deploys {service}"))
        })
    })
    .await;
    let option = CommandOption::new("service", CommandOptionValue::String("api".to_owned()));
    let outcome = harness
        .fake
        .invoke("deploy", vec![option], USER)
        .await
        .unwrap();
    let message = outcome.message.unwrap();
    assert_eq!(message.content, "ana deploys api");
    assert!(message.flags.contains(MessageFlags::EPHEMERAL));
}

#[tokio::test]
async fn a_click_updates_the_card_it_is_on() {
    let harness = start(|b| {
        b.command("card", |_ctx| async { card() }).component(
            "ack:",
            |ctx: InteractionContext| async move {
                let id = ctx.component().unwrap().custom_id.clone();
                Reply::Update(InteractionMessage::new().content(format!("acknowledged ({id})")))
            },
        )
    })
    .await;
    let posted = harness.fake.invoke("card", vec![], USER).await.unwrap();
    let card_id = posted.message.unwrap().id.get();
    let clicked = harness.fake.click(card_id, "ack:42", USER).await.unwrap();
    assert_eq!(clicked.callback_type, 7);
    assert_eq!(
        harness.fake.message(card_id).unwrap().content,
        "acknowledged (ack:42)"
    );
    // Buttons the card does not have cannot be pressed.
    assert_eq!(
        harness.fake.click(card_id, "nope", USER).await.unwrap_err(),
        InteractionFailure::UnknownComponent("nope".to_owned())
    );
}

#[tokio::test]
async fn a_modal_is_shown_and_its_submit_answered() {
    let harness = start(|b| {
        b.command("silence", |_ctx| async {
            Modal::new("silence:42", "Silence the alert").short("duration", "For how long")
        })
        .modal("silence:", |ctx: InteractionContext| async move {
            let duration = ctx
                .modal()
                .and_then(|m| m.value("duration"))
                .unwrap_or("?")
                .to_owned();
            Reply::text(format!("silenced for {duration}"))
        })
    })
    .await;
    let shown = harness.fake.invoke("silence", vec![], USER).await.unwrap();
    assert_eq!(shown.callback_type, 9);
    let modal = shown.modal.unwrap();
    assert_eq!(modal.field_ids(), ["duration"]);
    let submitted = harness
        .fake
        .submit(&modal, &[("duration", "2h")], USER)
        .await
        .unwrap();
    assert_eq!(submitted.message.unwrap().content, "silenced for 2h");
}

#[tokio::test]
async fn autocomplete_answers_with_choices() {
    let harness = start(|b| {
        b.autocomplete("deploy", |ctx: InteractionContext| async move {
            let typed = ctx
                .command()
                .and_then(|c| c.string("service"))
                .unwrap_or_default()
                .to_owned();
            ["api", "web", "worker"]
                .into_iter()
                .filter(|s| s.starts_with(&typed))
                .map(|s| CommandChoice::string(s, s))
                .collect()
        })
    })
    .await;
    let mut typing = CommandOption::new("service", CommandOptionValue::Partial("w".to_owned()));
    typing.focused = true;
    let outcome = harness
        .fake
        .autocomplete("deploy", vec![typing], USER)
        .await
        .unwrap();
    assert_eq!(outcome.callback_type, 8);
    let names: Vec<&str> = outcome
        .choices
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["web", "worker"]);
}

#[tokio::test(start_paused = true)]
async fn a_slow_handler_is_deferred_and_its_answer_edits_the_original() {
    let harness = start(|b| {
        b.command("status", |ctx: InteractionContext| async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            let _ = ctx.clone();
            tokio::spawn(async move {
                ctx.followup(InteractionMessage::new().content("details follow"))
                    .await
                    .unwrap();
            });
            Reply::text("all green")
        })
    })
    .await;
    let outcome = harness.fake.invoke("status", vec![], USER).await.unwrap();
    assert_eq!(outcome.callback_type, 5, "deferred");
    assert!(outcome.answered_after < Duration::from_secs(3));
    let thinking = outcome.message.unwrap();
    assert!(thinking.flags.contains(MessageFlags::LOADING));
    tokio::time::sleep(Duration::from_secs(10)).await;
    let original = harness
        .fake
        .original_response(outcome.interaction_id)
        .unwrap();
    assert_eq!(original.content, "all green");
    assert!(!original.flags.contains(MessageFlags::LOADING));
    let followups = harness.fake.followups(outcome.interaction_id);
    assert_eq!(followups.len(), 1);
    assert_eq!(followups[0].content, "details follow");
    assert!(harness.errors().is_empty(), "{:?}", harness.errors());
}

#[tokio::test(start_paused = true)]
async fn a_slow_component_is_deferred_as_an_update_then_edits_its_card() {
    let harness = start(|b| {
        b.command("card", |_ctx| async { card() })
            .component("ack:", |_ctx| async {
                tokio::time::sleep(Duration::from_secs(4)).await;
                Reply::Update(InteractionMessage::new().content("acknowledged late"))
            })
    })
    .await;
    let card_id = harness
        .fake
        .invoke("card", vec![], USER)
        .await
        .unwrap()
        .message
        .unwrap()
        .id
        .get();
    let clicked = harness.fake.click(card_id, "ack:42", USER).await.unwrap();
    assert_eq!(clicked.callback_type, 6);
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        harness.fake.message(card_id).unwrap().content,
        "acknowledged late"
    );
}

#[tokio::test(start_paused = true)]
async fn a_private_answer_after_a_public_deferral_stays_private() {
    let harness = start(|b| {
        b.command("secret", |_ctx| async {
            tokio::time::sleep(Duration::from_secs(4)).await;
            Reply::ephemeral("only you")
        })
    })
    .await;
    let outcome = harness.fake.invoke("secret", vec![], USER).await.unwrap();
    assert_eq!(outcome.callback_type, 5);
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(
        harness
            .fake
            .original_response(outcome.interaction_id)
            .is_none(),
        "public thinking message deleted"
    );
    let followups = harness.fake.followups(outcome.interaction_id);
    assert_eq!(followups.len(), 1);
    assert!(followups[0].flags.contains(MessageFlags::EPHEMERAL));
}

#[tokio::test(start_paused = true)]
async fn an_early_ephemeral_defer_is_sent_at_once() {
    let harness = start(|b| {
        b.command("status", |ctx: InteractionContext| async move {
            ctx.defer(true).await;
            tokio::time::sleep(Duration::from_secs(1)).await;
            Reply::text("done")
        })
    })
    .await;
    let outcome = harness.fake.invoke("status", vec![], USER).await.unwrap();
    assert_eq!(outcome.callback_type, 5);
    assert!(outcome.answered_after < Duration::from_millis(100));
    assert!(
        outcome
            .message
            .unwrap()
            .flags
            .contains(MessageFlags::EPHEMERAL)
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        harness
            .fake
            .original_response(outcome.interaction_id)
            .unwrap()
            .content,
        "done"
    );
}

#[tokio::test(start_paused = true)]
async fn a_modal_after_a_deferral_is_reported_not_lost() {
    let harness = start(|b| {
        b.command("late-modal", |_ctx| async {
            tokio::time::sleep(Duration::from_secs(4)).await;
            Modal::new("m", "Too late").short("f", "F")
        })
    })
    .await;
    let outcome = harness
        .fake
        .invoke("late-modal", vec![], USER)
        .await
        .unwrap();
    assert_eq!(outcome.callback_type, 5);
    tokio::time::sleep(Duration::from_secs(5)).await;
    let errors = harness.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("modal after the interaction was deferred"),
        "{errors:?}"
    );
    assert!(
        harness
            .fake
            .original_response(outcome.interaction_id)
            .is_none()
    );
}

#[tokio::test(start_paused = true)]
async fn slow_autocomplete_gets_no_choices_and_an_error() {
    let harness = start(|b| {
        b.autocomplete("deploy", |_ctx| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            vec![CommandChoice::string("api", "api")]
        })
    })
    .await;
    let mut typing = CommandOption::new("service", CommandOptionValue::Partial(String::new()));
    typing.focused = true;
    let outcome = harness
        .fake
        .autocomplete("deploy", vec![typing], USER)
        .await
        .unwrap();
    assert!(outcome.choices.is_empty());
    assert!(harness.errors()[0].contains("autocomplete handler did not answer in time"));
}

#[tokio::test]
async fn a_command_without_a_handler_gets_a_private_notice() {
    let harness = start(|b| b).await;
    let outcome = harness.fake.invoke("nobody", vec![], USER).await.unwrap();
    let message = outcome.message.unwrap();
    assert!(message.flags.contains(MessageFlags::EPHEMERAL));
    assert!(harness.errors()[0].contains("no command handler for \"nobody\""));
}

#[tokio::test]
async fn a_reply_discord_would_refuse_is_not_sent() {
    let harness = start(|b| {
        b.command("ping", |_ctx| async {
            Reply::Update(InteractionMessage::new().content("x"))
        })
        .command("card", |_ctx| async { Reply::text("x".repeat(2001)) })
    })
    .await;
    let refused = harness.fake.invoke("ping", vec![], USER).await.unwrap_err();
    assert!(
        matches!(refused, InteractionFailure::Status { status: 500, .. }),
        "{refused:?}"
    );
    let refused = harness.fake.invoke("card", vec![], USER).await.unwrap_err();
    assert!(
        matches!(refused, InteractionFailure::Status { status: 500, .. }),
        "{refused:?}"
    );
    let errors = harness.errors();
    assert!(
        errors[0].contains("callback type 7 cannot answer an interaction of type 2"),
        "{errors:?}"
    );
    assert!(
        errors[1].contains("data.content: 2001 chars, at most 2000"),
        "{errors:?}"
    );
}

#[tokio::test]
async fn a_failing_handler_tells_the_user_privately() {
    let harness =
        start(|b| b.command("ping", |_ctx| async { Err::<Reply, _>("database down") })).await;
    let outcome = harness.fake.invoke("ping", vec![], USER).await.unwrap();
    assert!(
        outcome
            .message
            .unwrap()
            .flags
            .contains(MessageFlags::EPHEMERAL)
    );
    assert!(harness.errors()[0].contains("database down"));
}

#[tokio::test(start_paused = true)]
async fn a_followup_sent_before_the_answer_is_never_overwritten() {
    let harness = start(|b| {
        b.command("status", |ctx: InteractionContext| async move {
            ctx.defer(false).await;
            ctx.followup(InteractionMessage::new().content("starting"))
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_secs(1)).await;
            Reply::text("done")
        })
    })
    .await;
    let outcome = harness.fake.invoke("status", vec![], USER).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    // Discord turns the first followup after a deferral into the original response;
    // the handler's answer then comes after it instead of overwriting it.
    let original = harness
        .fake
        .original_response(outcome.interaction_id)
        .unwrap();
    assert_eq!(original.content, "starting");
    let followups = harness.fake.followups(outcome.interaction_id);
    assert_eq!(followups.len(), 1);
    assert_eq!(followups[0].content, "done");
}

#[tokio::test]
async fn the_member_and_its_roles_reach_the_handler() {
    const ON_CALL: u64 = 1_300_000_000_000_000_003;
    let harness = start_with(
        |fake| fake.member_roles(USER, [ON_CALL]),
        |b| {
            b.command("card", |_ctx| async { card() }).component(
                "ack:",
                |ctx: InteractionContext| async move {
                    let member = ctx.interaction().member.clone().unwrap();
                    let allowed = member.roles.iter().any(|r| r.get() == ON_CALL);
                    if allowed {
                        Reply::Update(InteractionMessage::new().content("acknowledged"))
                    } else {
                        Reply::ephemeral("only on-call may acknowledge")
                    }
                },
            )
        },
    )
    .await;
    let card_id = harness
        .fake
        .invoke("card", vec![], USER)
        .await
        .unwrap()
        .message
        .unwrap()
        .id
        .get();
    let clicked = harness.fake.click(card_id, "ack:42", USER).await.unwrap();
    assert_eq!(clicked.callback_type, 7);
    // Someone without the role is refused privately; the card stays as it was.
    let stranger = USER + 1;
    let refused = harness
        .fake
        .click(card_id, "ack:42", stranger)
        .await
        .unwrap();
    assert_eq!(refused.callback_type, 4);
    assert!(
        refused
            .message
            .unwrap()
            .flags
            .contains(MessageFlags::EPHEMERAL)
    );
    assert_eq!(
        harness.fake.message(card_id).unwrap().content,
        "acknowledged"
    );
}

#[tokio::test]
async fn the_longest_custom_id_prefix_wins() {
    let harness = start(|b| {
        b.command("card", |_ctx| async {
            InteractionMessage::new()
                .content("card")
                .component(ActionRow::new([
                    Button::primary("ack:42", "Acknowledge"),
                    Button::secondary("ack:silence:42", "Silence"),
                ]))
        })
        .component("ack:", |_ctx| async {
            Reply::Update(InteractionMessage::new().content("short prefix"))
        })
        .component("ack:silence:", |_ctx| async {
            Reply::Update(InteractionMessage::new().content("long prefix"))
        })
    })
    .await;
    let card_id = harness
        .fake
        .invoke("card", vec![], USER)
        .await
        .unwrap()
        .message
        .unwrap()
        .id
        .get();
    harness
        .fake
        .click(card_id, "ack:silence:42", USER)
        .await
        .unwrap();
    assert_eq!(
        harness.fake.message(card_id).unwrap().content,
        "long prefix"
    );
    harness.fake.click(card_id, "ack:42", USER).await.unwrap();
    assert_eq!(
        harness.fake.message(card_id).unwrap().content,
        "short prefix"
    );
}

#[tokio::test]
async fn a_select_and_a_modal_from_a_button_update_the_card() {
    let harness = start(|b| {
        b.command("card", |_ctx| async {
            InteractionMessage::new()
                .content("card")
                .component(ActionRow::new([Button::secondary(
                    "silence:42",
                    "Silence…",
                )]))
                .component(ActionRow::select(
                    bugle_model::component::StringSelect::new("env:42")
                        .option(bugle_model::component::SelectOption::new(
                            "Production",
                            "prod",
                        ))
                        .option(bugle_model::component::SelectOption::new(
                            "Staging", "stage",
                        )),
                ))
        })
        .component("env:", |ctx: InteractionContext| async move {
            let picked = ctx.component().unwrap().values.join(",");
            Reply::Update(InteractionMessage::new().content(format!("env {picked}")))
        })
        .component("silence:", |_ctx| async {
            Modal::new("silence-form:42", "Silence").short("duration", "For how long")
        })
        .modal("silence-form:", |ctx: InteractionContext| async move {
            let duration = ctx
                .modal()
                .and_then(|m| m.value("duration"))
                .unwrap_or("?")
                .to_owned();
            // A modal opened from a component may update that component's message.
            Reply::Update(InteractionMessage::new().content(format!("silenced {duration}")))
        })
    })
    .await;
    let card_id = harness
        .fake
        .invoke("card", vec![], USER)
        .await
        .unwrap()
        .message
        .unwrap()
        .id
        .get();
    harness
        .fake
        .select(card_id, "env:42", &["stage"], USER)
        .await
        .unwrap();
    assert_eq!(harness.fake.message(card_id).unwrap().content, "env stage");
    let shown = harness
        .fake
        .click(card_id, "silence:42", USER)
        .await
        .unwrap();
    let modal = shown.modal.unwrap();
    let submitted = harness
        .fake
        .submit(&modal, &[("duration", "4h")], USER)
        .await
        .unwrap();
    assert_eq!(submitted.callback_type, 7);
    assert_eq!(
        harness.fake.message(card_id).unwrap().content,
        "silenced 4h"
    );
}
