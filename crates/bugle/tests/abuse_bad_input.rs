//! The bad-input corpus: every documented Discord limit violated once,
//! through the facade's operations. Each must fail with a `Validation` error
//! whose message names the field path, and `FakeDiscord` must receive
//! nothing at all.

mod client_support;

use std::future::Future;
use std::pin::Pin;

use bugle::{DiscordClient, DiscordError, ErrorKind, ExecuteWebhookParams, NewThread};
use bugle_model::channel::AutoArchiveDuration;
use bugle_model::component::{
    ActionRow, Button, Component, SelectOption, StringSelect, TextDisplay,
};
use bugle_model::embed::Embed;
use bugle_model::id::{ChannelId, MessageId, StickerId, UserId};
use bugle_model::message::MessageFlags;
use bugle_model::request::{
    AllowedMentions, AttachmentFile, CreateForumThread, CreateMessage, CreatePoll, CreateThread,
    CreateThreadFromMessage, EditMessage, EditWebhookMessage, ExecuteWebhook, ForumThreadMessage,
    MentionType,
};
use client_support::{FORUM, FRIEND, TEXT, setup};

const TEXT_ID: ChannelId = ChannelId::new(TEXT);

type Call<'a> = Pin<Box<dyn Future<Output = Result<(), DiscordError>> + 'a>>;

/// One violation: what it is, a fragment its message must hold (the field
/// path, and the limit where there is one), and the call that commits it.
struct Case<'a> {
    what: &'static str,
    names: &'static str,
    call: Call<'a>,
}

fn x(n: usize) -> String {
    "x".repeat(n)
}

fn embed() -> bugle_model::builder::EmbedBuilder {
    Embed::builder().title("t")
}

fn button(id: &str) -> Button {
    Button::primary(id, "ok")
}

fn options(n: usize) -> StringSelect {
    (0..n).fold(StringSelect::new("pick"), |select, i| {
        select.option(SelectOption::new(format!("o{i}"), format!("v{i}")))
    })
}

fn row(component: impl Into<Component>) -> ActionRow {
    ActionRow::new([component.into()])
}

/// A message with these components.
fn with_components(components: impl IntoIterator<Item = Component>) -> CreateMessage {
    CreateMessage::new().content("c").components(components)
}

fn send(client: &DiscordClient, message: CreateMessage) -> Call<'_> {
    Box::pin(async move { client.send_message(TEXT_ID, message).await.map(drop) })
}

fn hook(client: &DiscordClient, params: impl Into<ExecuteWebhookParams>) -> Call<'_> {
    let params = params.into();
    Box::pin(async move { client.execute_webhook(params).await.map(drop) })
}

fn thread(client: &DiscordClient, channel: u64, thread: impl Into<NewThread>) -> Call<'_> {
    let thread = thread.into();
    Box::pin(async move {
        client
            .create_thread(ChannelId::new(channel), thread)
            .await
            .map(drop)
    })
}

/// Every case: the limits of message bodies, embeds, components, webhooks,
/// threads, polls, mentions, attachments, stickers and audit-log reasons.
#[allow(clippy::too_many_lines)] // one line per documented limit
fn corpus(client: &DiscordClient) -> Vec<Case<'_>> {
    let case = |what, names, call| Case { what, names, call };
    let v2 = |components: Vec<Component>| {
        CreateMessage::new()
            .flags(MessageFlags::IS_COMPONENTS_V2)
            .components(components)
    };
    let text = |n: usize| -> Vec<Component> {
        (0..n)
            .map(|i| TextDisplay::new(format!("t{i}")).into())
            .collect()
    };
    let too_many_users = AllowedMentions::none().users((1..=101).map(UserId::new));
    let parse_and_list = AllowedMentions {
        parse: vec![MentionType::Users],
        ..AllowedMentions::none().users([UserId::new(FRIEND)])
    };
    let eleven_files = (0..11).fold(CreateMessage::new().content("c"), |message, i| {
        message.file(AttachmentFile::new(format!("f{i}.txt"), b"x".to_vec()))
    });
    let four_stickers = (1..=4).fold(CreateMessage::new().content("c"), |message, i| {
        message.sticker(StickerId::new(i))
    });
    let eleven_answers = (0..11).fold(CreatePoll::new("q"), |poll, i| poll.answer(format!("a{i}")));
    vec![
        case(
            "content 2001",
            "content: 2001 chars, at most 2000",
            send(client, CreateMessage::new().content(x(2001))),
        ),
        case(
            "11 embeds",
            "embeds: 11 items, at most 10",
            send(
                client,
                CreateMessage::new().embeds((0..11).map(|_| embed().build())),
            ),
        ),
        case(
            "embed title 257",
            "embeds[0].title: 257 chars, at most 256",
            send(
                client,
                CreateMessage::new().embed(Embed::builder().title(x(257)).build()),
            ),
        ),
        case(
            "embed description 4097",
            "embeds[0].description: 4097 chars, at most 4096",
            send(
                client,
                CreateMessage::new().embed(Embed::builder().description(x(4097)).build()),
            ),
        ),
        case(
            "26 fields",
            "embeds[0].fields: 26 items, at most 25",
            send(
                client,
                CreateMessage::new().embed(
                    (0..26)
                        .fold(embed(), |e, i| e.field(format!("n{i}"), "v"))
                        .build(),
                ),
            ),
        ),
        case(
            "field name 257",
            "embeds[0].fields[0].name: 257 chars, at most 256",
            send(
                client,
                CreateMessage::new().embed(embed().field(x(257), "v").build()),
            ),
        ),
        case(
            "field value 1025",
            "embeds[0].fields[0].value: 1025 chars, at most 1024",
            send(
                client,
                CreateMessage::new().embed(embed().field("n", x(1025)).build()),
            ),
        ),
        case(
            "footer 2049",
            "embeds[0].footer.text: 2049 chars, at most 2048",
            send(
                client,
                CreateMessage::new().embed(embed().footer(x(2049)).build()),
            ),
        ),
        case(
            "author 257",
            "embeds[0].author.name: 257 chars, at most 256",
            send(
                client,
                CreateMessage::new().embed(embed().author(x(257)).build()),
            ),
        ),
        case(
            "6001 embed chars in total",
            "embeds: 6001 chars in total, at most 6000",
            send(
                client,
                CreateMessage::new().embeds([
                    Embed::builder().description(x(4000)).build(),
                    Embed::builder().description(x(2001)).build(),
                ]),
            ),
        ),
        case(
            "6 action rows",
            "components: 6 items, at most 5",
            send(
                client,
                with_components((0..6).map(|i| row(button(&format!("b{i}"))).into())),
            ),
        ),
        case(
            "6 buttons in a row",
            "components[0].components: 6 items, at most 5",
            send(
                client,
                with_components([
                    ActionRow::buttons((0..6).map(|i| button(&format!("b{i}")))).into()
                ]),
            ),
        ),
        case(
            "select and button in one row",
            "components[0].components: a select must be alone",
            send(
                client,
                with_components([ActionRow::select(options(2)).with(button("b")).into()]),
            ),
        ),
        case(
            "custom_id 101",
            "components[0].components[0].custom_id: 101 chars, at most 100",
            send(client, with_components([row(button(&x(101))).into()])),
        ),
        case(
            "empty custom_id",
            "components[0].components[0].custom_id: 0 chars, at least 1",
            send(client, with_components([row(button("")).into()])),
        ),
        case(
            "duplicate custom_id",
            "components[0].components[1].custom_id: \"same\" is already used",
            send(
                client,
                with_components([ActionRow::buttons([button("same"), button("same")]).into()]),
            ),
        ),
        case(
            "label 81",
            "components[0].components[0].label: 81 chars, at most 80",
            send(
                client,
                with_components([row(Button::primary("b", x(81))).into()]),
            ),
        ),
        case(
            "26 options",
            "components[0].components[0].options: 26 items, at most 25",
            send(
                client,
                with_components([ActionRow::select(options(26)).into()]),
            ),
        ),
        case(
            "placeholder 151",
            "components[0].components[0].placeholder: 151 chars, at most 150",
            send(
                client,
                with_components([ActionRow::select(options(2).with_placeholder(x(151))).into()]),
            ),
        ),
        case(
            "min_values over max_values",
            "components[0].components[0].min_values: 3, more than max_values (2)",
            send(
                client,
                with_components([ActionRow::select(options(5).values(3, 2)).into()]),
            ),
        ),
        case(
            "link button with a custom_id",
            "components[0].components[0].custom_id: not allowed on a link button",
            send(
                client,
                with_components([row(Button {
                    custom_id: Some("c".to_owned()),
                    ..Button::link("https://example.com", "docs")
                })
                .into()]),
            ),
        ),
        case(
            "components v2 with content",
            "content: not allowed on a components v2 message",
            send(client, v2(text(1)).content("c")),
        ),
        case(
            "41 components v2",
            "components: 41 components counting nested ones, at most 40",
            send(client, v2(text(41))),
        ),
        case(
            "webhook username 81",
            "username: 81 chars, at most 80",
            hook(client, ExecuteWebhook::new().content("c").username(x(81))),
        ),
        case(
            "webhook username clyde",
            "username: must not contain \"clyde\"",
            hook(
                client,
                ExecuteWebhook::new().content("c").username("my clyde bot"),
            ),
        ),
        case(
            "webhook username Discord",
            "username: must not contain \"discord\"",
            hook(
                client,
                ExecuteWebhook::new().content("c").username("Discord"),
            ),
        ),
        case(
            "thread name 101",
            "name: 101 chars, at most 100",
            thread(client, TEXT, CreateThread::public(x(101))),
        ),
        case(
            "bad auto_archive_duration",
            "auto_archive_duration: 100, must be one of",
            thread(
                client,
                TEXT,
                NewThread::from_message(
                    MessageId::new(1),
                    CreateThreadFromMessage::new("t")
                        .auto_archive_duration(AutoArchiveDuration::Unknown(100)),
                ),
            ),
        ),
        case(
            "rate_limit_per_user 21601",
            "rate_limit_per_user: 21601, must be 0 to 21600",
            thread(
                client,
                FORUM,
                CreateForumThread::new("t", ForumThreadMessage::content("c"))
                    .rate_limit_per_user(21_601),
            ),
        ),
        case(
            "nonce 26 chars",
            "nonce: 26 chars, at most 25",
            send(client, CreateMessage::new().content("c").nonce(x(26), true)),
        ),
        case(
            "101 allowed users",
            "allowed_mentions.users: 101 items, at most 100",
            send(
                client,
                CreateMessage::new()
                    .content("c")
                    .allowed_mentions(too_many_users),
            ),
        ),
        case(
            "parse users and a user list",
            "allowed_mentions.users: cannot be set together with allowed_mentions.parse",
            send(
                client,
                CreateMessage::new()
                    .content("c")
                    .allowed_mentions(parse_and_list),
            ),
        ),
        case(
            "11 attachments",
            "attachments: 11 items, at most 10",
            send(client, eleven_files),
        ),
        case(
            "4 stickers",
            "sticker_ids: 4 items, at most 3",
            send(client, four_stickers),
        ),
        case(
            "poll question 301",
            "poll.question.text: 301 chars, at most 300",
            send(
                client,
                CreateMessage::new().poll(CreatePoll::new(x(301)).answer("a")),
            ),
        ),
        case(
            "poll answer 56",
            "poll.answers[0].poll_media.text: 56 chars, at most 55",
            send(
                client,
                CreateMessage::new().poll(CreatePoll::new("q").answer(x(56))),
            ),
        ),
        case(
            "11 poll answers",
            "poll.answers: 11 items, at most 10",
            send(client, CreateMessage::new().poll(eleven_answers)),
        ),
        case(
            "empty message",
            "set at least one of content",
            send(client, CreateMessage::new()),
        ),
        case(
            "empty webhook message",
            "set at least one of content",
            hook(client, ExecuteWebhook::new()),
        ),
        case(
            "thread_id and thread_name",
            "thread_name: cannot be set together with the thread_id",
            hook(
                client,
                ExecuteWebhookParams::new(ExecuteWebhook::new().content("c").thread_name("t"))
                    .in_thread(ChannelId::new(77)),
            ),
        ),
        case(
            "audit-log reason 513",
            "reason: 513 chars, at most 512",
            Box::pin(async move {
                client
                    .delete_message_with_reason(TEXT_ID, MessageId::new(1), &x(513))
                    .await
            }),
        ),
        case(
            "edit content 2001",
            "content: 2001 chars, at most 2000",
            Box::pin(async move {
                client
                    .edit_message(
                        TEXT_ID,
                        MessageId::new(1),
                        EditMessage::new().content(x(2001)),
                    )
                    .await
                    .map(drop)
            }),
        ),
        case(
            "webhook edit with 11 embeds",
            "embeds: 11 items, at most 10",
            Box::pin(async move {
                let edit = (0..11).fold(EditWebhookMessage::new(), |edit, _| {
                    edit.embed(embed().build())
                });
                client
                    .edit_webhook_message(bugle::WebhookTarget::default(), MessageId::new(1), edit)
                    .await
                    .map(drop)
            }),
        ),
        case(
            "forum post with an empty message",
            "message: empty message",
            thread(
                client,
                FORUM,
                CreateForumThread::new("t", ForumThreadMessage::default()),
            ),
        ),
        case(
            "thread reason 513",
            "reason: 513 chars, at most 512",
            Box::pin(async move {
                client
                    .create_thread_with_reason(TEXT_ID, CreateThread::public("t"), &x(513))
                    .await
                    .map(drop)
            }),
        ),
    ]
}

#[tokio::test(start_paused = true)]
async fn every_documented_limit_is_refused_locally_naming_the_field() {
    let (client, fake, spy) = setup();
    let mut problems = Vec::new();
    let cases = corpus(&client);
    let count = cases.len();
    for Case { what, names, call } in cases {
        match call.await {
            Err(error) => match error.kind() {
                ErrorKind::Validation { message } if message.contains(names) => {}
                _ => problems.push(format!("{what}: {error} ({:?})", error.kind())),
            },
            Ok(()) => problems.push(format!("{what}: accepted")),
        }
    }
    assert!(count >= 40, "the corpus covers every limit");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(spy.sent().is_empty(), "the client sent {:?}", spy.sent());
    assert!(
        fake.request_log().is_empty(),
        "discord received {:?}",
        fake.request_log()
    );
}

#[tokio::test(start_paused = true)]
async fn an_invalid_dm_sends_nothing() {
    let (client, fake, _spy) = setup();
    let error = client
        .send_dm(UserId::new(FRIEND), CreateMessage::new().content(x(2001)))
        .await
        .expect_err("too long");
    assert!(
        matches!(error.kind(), ErrorKind::Validation { .. }),
        "{error:?}"
    );
    assert!(
        fake.request_log().is_empty(),
        "discord received {:?}",
        fake.request_log()
    );
}

#[tokio::test(start_paused = true)]
async fn an_invalid_long_message_template_sends_nothing() {
    let (client, fake, _spy) = setup();
    let template = CreateMessage::new().embeds((0..11).map(|_| embed().build()));
    let error = client
        .send_long_message(TEXT_ID, &"line of text\n".repeat(400), template)
        .await
        .expect_err("11 embeds");
    assert!(
        matches!(error.kind(), ErrorKind::Validation { .. }),
        "{error:?}"
    );
    assert!(
        fake.request_log().is_empty(),
        "discord received {:?}",
        fake.request_log()
    );
}
