//! Interaction responses and command definitions against Discord's limits:
//! each limit at N (passes) and N+1 (fails, naming the field path).

use bugle_model::command::{CommandDefinition, CommandOptionDefinition, CommandSet};
use bugle_model::component::{ActionRow, Button, Component};
use bugle_model::interaction::{CommandChoice, InteractionMessage, InteractionResponse, Modal};
use bugle_model::message::MessageFlags;
use bugle_model::validate::{Validate, ValidationError};

fn errors(result: Result<(), ValidationError>) -> Vec<String> {
    result
        .err()
        .map(|e| e.violations().iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

#[test]
fn autocomplete_takes_25_choices_not_26() {
    let choices = |n: usize| (0..n).map(|i| CommandChoice::string(format!("c{i}"), "v"));
    assert!(InteractionResponse::choices(choices(25)).validate().is_ok());
    assert_eq!(
        errors(InteractionResponse::choices(choices(26)).validate()),
        ["data.choices: 26 items, at most 25"]
    );
}

#[test]
fn a_choice_name_is_1_to_100_chars_and_a_value_100() {
    let ok = CommandChoice::string("n".repeat(100), "v".repeat(100));
    assert!(InteractionResponse::choices([ok]).validate().is_ok());
    let bad = [
        CommandChoice::string("n".repeat(101), "v".repeat(101)),
        CommandChoice::integer("", 1),
    ];
    assert_eq!(
        errors(InteractionResponse::choices(bad).validate()),
        [
            "data.choices[0].name: 101 chars, at most 100",
            "data.choices[0].value: 101 chars, at most 100",
            "data.choices[1].name: 0 chars, at least 1",
        ]
    );
}

#[test]
fn a_modal_title_is_at_most_45_chars() {
    let modal = |title: String| Modal::new("m", title).short("f", "Field");
    assert!(
        InteractionResponse::modal(modal("t".repeat(45)))
            .validate()
            .is_ok()
    );
    assert_eq!(
        errors(InteractionResponse::modal(modal("t".repeat(46))).validate()),
        ["data.title: 46 chars, at most 45"]
    );
}

#[test]
fn a_modal_has_1_to_5_rows() {
    let mut modal = Modal::new("m", "Title");
    assert_eq!(
        errors(InteractionResponse::modal(modal.clone()).validate()),
        ["data.components: 0 items, at least 1"]
    );
    for i in 0..5 {
        modal = modal.short(format!("f{i}"), "Field");
    }
    assert!(InteractionResponse::modal(modal.clone()).validate().is_ok());
    modal = modal.short("f5", "Field");
    assert_eq!(
        errors(InteractionResponse::modal(modal).validate()),
        ["data.components: 6 items, at most 5"]
    );
}

#[test]
fn a_modal_custom_id_is_1_to_100_chars_and_fields_are_unique() {
    let modal = Modal::new("m".repeat(101), "Title")
        .short("same", "A")
        .short("same", "B");
    assert_eq!(
        errors(InteractionResponse::modal(modal).validate()),
        [
            "data.custom_id: 101 chars, at most 100",
            "data.components[1].components[0].custom_id: \"same\" is already used at data.components[0].components[0].custom_id",
        ]
    );
}

#[test]
fn a_modal_row_holds_a_text_input_not_a_button() {
    let modal = Modal::new("m", "Title").component(ActionRow::new([Button::primary("b", "B")]));
    assert_eq!(
        errors(InteractionResponse::modal(modal).validate()),
        [
            "data.components[0].components[0]: a component other than a text input is not allowed here, expected a text input"
        ]
    );
}

#[test]
fn a_text_input_label_is_at_most_45_chars() {
    let ok = Modal::new("m", "T").short("f", "l".repeat(45));
    assert!(InteractionResponse::modal(ok).validate().is_ok());
    let bad = Modal::new("m", "T").short("f", "l".repeat(46));
    assert_eq!(
        errors(InteractionResponse::modal(bad).validate()),
        ["data.components[0].components[0].label: 46 chars, at most 45"]
    );
}

#[test]
fn a_message_response_keeps_the_message_limits() {
    let ok = InteractionMessage::new().content("x".repeat(2000));
    assert!(InteractionResponse::message(ok).validate().is_ok());
    let long = InteractionMessage::new().content("x".repeat(2001));
    assert_eq!(
        errors(InteractionResponse::message(long).validate()),
        ["data.content: 2001 chars, at most 2000"]
    );
    assert_eq!(
        errors(InteractionResponse::message(InteractionMessage::new()).validate()),
        ["data: empty message, set at least one of content, embeds or components"]
    );
    let rows =
        (0..6).map(|i| Component::from(ActionRow::new([Button::primary(format!("b{i}"), "B")])));
    let mut many = InteractionMessage::new().content("x");
    many.components = rows.collect();
    assert_eq!(
        errors(InteractionResponse::message(many).validate()),
        ["data.components: 6 items, at most 5"]
    );
}

#[test]
fn a_response_may_be_ephemeral_but_not_crossposted() {
    let ephemeral = InteractionMessage::new().content("x").ephemeral();
    assert!(InteractionResponse::message(ephemeral).validate().is_ok());
    let crossposted = InteractionMessage::new()
        .content("x")
        .flags(MessageFlags::CROSSPOSTED);
    assert_eq!(
        errors(InteractionResponse::message(crossposted).validate()),
        ["data.flags: flag bits 0x1 cannot be set here"]
    );
}

#[test]
fn an_update_may_be_partial() {
    assert!(
        InteractionResponse::update(InteractionMessage::new())
            .validate()
            .is_ok()
    );
}

fn slash(name: &str) -> CommandDefinition {
    CommandDefinition::slash(name, "does a thing")
}

#[test]
fn a_command_name_is_1_to_32_lower_case_chars() {
    assert!(slash(&"a".repeat(32)).validate().is_ok());
    assert!(slash("déploiement-2_x").validate().is_ok());
    assert!(slash("डिप्लॉय").validate().is_ok());
    assert_eq!(
        errors(slash(&"a".repeat(33)).validate()),
        ["name: 33 chars, at most 32"]
    );
    assert_eq!(
        errors(slash("Deploy").validate()),
        ["name: must be lower case"]
    );
    assert_eq!(
        errors(slash("deploy now").validate()),
        ["name: must only use letters, digits, -, _ and '"]
    );
    assert_eq!(errors(slash("").validate()), ["name: 0 chars, at least 1"]);
}

#[test]
fn a_context_menu_command_may_have_spaces_and_capitals_but_no_description() {
    assert!(
        CommandDefinition::message("Report Message")
            .validate()
            .is_ok()
    );
    let mut bad = CommandDefinition::user("Ban");
    bad.description = "no".to_owned();
    assert_eq!(
        errors(bad.validate()),
        ["description: not allowed on a context-menu command"]
    );
}

#[test]
fn a_description_is_1_to_100_chars() {
    assert!(
        CommandDefinition::slash("a", "d".repeat(100))
            .validate()
            .is_ok()
    );
    assert_eq!(
        errors(CommandDefinition::slash("a", "d".repeat(101)).validate()),
        ["description: 101 chars, at most 100"]
    );
}

#[test]
fn a_command_has_at_most_25_options() {
    let with = |n: usize| {
        (0..n).fold(slash("a"), |c, i| {
            c.option(CommandOptionDefinition::string(format!("o{i}"), "d"))
        })
    };
    assert!(with(25).validate().is_ok());
    assert_eq!(
        errors(with(26).validate()),
        ["options: 26 items, at most 25"]
    );
}

#[test]
fn an_option_has_at_most_25_choices() {
    let with = |n: usize| {
        let option = (0..n).fold(CommandOptionDefinition::integer("n", "d"), |o, i| {
            o.choice(CommandChoice::integer(
                format!("c{i}"),
                i64::try_from(i).unwrap(),
            ))
        });
        slash("a").option(option)
    };
    assert!(with(25).validate().is_ok());
    assert_eq!(
        errors(with(26).validate()),
        ["options[0].choices: 26 items, at most 25"]
    );
}

#[test]
fn required_options_come_first() {
    let command = slash("a")
        .option(CommandOptionDefinition::string("x", "d"))
        .option(CommandOptionDefinition::string("y", "d").required());
    assert_eq!(
        errors(command.validate()),
        ["options[1].required: not allowed after an optional option"]
    );
}

#[test]
fn subcommands_nest_only_as_discord_allows() {
    let ok = slash("a").option(CommandOptionDefinition::group(
        "g",
        "d",
        [CommandOptionDefinition::subcommand(
            "s",
            "d",
            [CommandOptionDefinition::string("x", "d")],
        )],
    ));
    assert!(ok.validate().is_ok());
    let mixed = slash("a")
        .option(CommandOptionDefinition::subcommand("s", "d", []))
        .option(CommandOptionDefinition::string("x", "d"));
    assert_eq!(
        errors(mixed.validate()),
        ["options[0].type: not allowed beside options that are not subcommands"]
    );
    let deep = slash("a").option(CommandOptionDefinition::subcommand(
        "s",
        "d",
        [CommandOptionDefinition::subcommand("t", "d", [])],
    ));
    assert_eq!(
        errors(deep.validate()),
        ["options[0].options[0].type: not allowed in a subcommand"]
    );
}

#[test]
fn the_command_total_is_at_most_4000_chars() {
    // 1 + 99, then 25 options of 32 + 100 = 3400, then three choices of 100 + 100.
    let mut command = CommandDefinition::slash("a", "d".repeat(99));
    for i in 0..25 {
        command = command.option(CommandOptionDefinition::string(
            format!("{i:0>32}"),
            "d".repeat(100),
        ));
    }
    for _ in 0..3 {
        command.options[0] = command.options[0]
            .clone()
            .choice(CommandChoice::string("c".repeat(100), "v".repeat(100)));
    }
    assert!(command.validate().is_ok(), "{:?}", command.validate());
    command.options[1] = command.options[1]
        .clone()
        .choice(CommandChoice::string("c", ""));
    assert_eq!(
        errors(command.validate()),
        ["4001 chars in total, at most 4000"]
    );
}

#[test]
fn autocomplete_and_choices_conflict() {
    let command = slash("a").option(
        CommandOptionDefinition::string("x", "d")
            .autocomplete()
            .choice(CommandChoice::string("c", "v")),
    );
    assert_eq!(
        errors(command.validate()),
        ["options[0].autocomplete: cannot be set together with choices"]
    );
}

#[test]
fn a_set_has_unique_names_per_type() {
    let set = CommandSet::new([slash("a"), slash("a"), CommandDefinition::user("a")]);
    assert_eq!(
        errors(set.validate()),
        ["[1].name: \"a\" is already used at [0].name"]
    );
}

#[test]
fn definitions_read_from_discords_json() {
    let json = r#"[{"name":"deploy","description":"Deploy","options":[
        {"type":3,"name":"service","description":"Which","required":true,
         "choices":[{"name":"API","value":"api"}]}],
        "default_member_permissions":"0","contexts":[0],"integration_types":[0]}]"#;
    let set: CommandSet = serde_json::from_str(json).unwrap();
    assert!(set.validate().is_ok());
    let back = serde_json::to_value(&set).unwrap();
    assert_eq!(back[0]["options"][0]["choices"][0]["value"], "api");
    assert_eq!(back[0]["type"], 1);
    assert_eq!(back[0]["default_member_permissions"], "0");
}
