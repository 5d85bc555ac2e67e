//! `bugle commands sync`: command definitions from a JSON file, checked
//! locally, registered with a bulk overwrite (here against `--fake`).

mod support;

use std::path::PathBuf;

use support::{Run, bugle};

fn file(name: &str, json: &str) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("bugle-commands-{}-{name}.json", std::process::id()));
    std::fs::write(&path, json).unwrap();
    path
}

const VALID: &str = r#"[
  {"name": "ping", "description": "Answers pong"},
  {"name": "deploy", "description": "Deploys a service", "options": [
    {"type": 3, "name": "service", "description": "Which", "required": true, "autocomplete": true}
  ]},
  {"name": "Report message", "type": 3}
]"#;

fn run(args: &[&str]) -> Run {
    Run::from(bugle().args(args).output().unwrap())
}

#[test]
fn sync_with_fake_registers_every_command() {
    let path = file("valid", VALID);
    let out = run(&[
        "commands",
        "sync",
        "--file",
        path.to_str().unwrap(),
        "--fake",
    ])
    .expect_code(0);
    assert!(
        out.stdout.contains("registered 3 commands globally"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("ping ("), "{}", out.stdout);
}

#[test]
fn sync_to_a_guild_prints_the_registered_commands_as_json() {
    let path = file("guild", VALID);
    let out = run(&[
        "commands",
        "sync",
        "--file",
        path.to_str().unwrap(),
        "--guild",
        "42",
        "--fake",
        "--json",
    ])
    .expect_code(0);
    let registered = out.json();
    let registered = registered.as_array().unwrap();
    assert_eq!(registered.len(), 3);
    assert_eq!(registered[0]["guild_id"], "42");
    assert!(registered[0]["id"].as_str().is_some());
}

#[test]
fn invalid_commands_are_refused_with_field_paths_and_nothing_sent() {
    let path = file(
        "invalid",
        r#"[{"name": "Deploy", "description": ""},
            {"name": "ok", "description": "d", "options": [
              {"type": 3, "name": "a", "description": "d"},
              {"type": 3, "name": "b", "description": "d", "required": true}]}]"#,
    );
    let out = run(&[
        "commands",
        "sync",
        "--file",
        path.to_str().unwrap(),
        "--fake",
    ])
    .expect_code(2);
    assert!(
        out.stderr.contains("[0].name: must be lower case"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("[0].description: 0 chars, at least 1"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("[1].options[1].required: not allowed after an optional option"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was sent"));
}

#[test]
fn dry_run_checks_without_credentials() {
    let path = file("dry", VALID);
    let out = run(&[
        "commands",
        "sync",
        "--file",
        path.to_str().unwrap(),
        "--dry-run",
    ])
    .expect_code(0);
    assert!(
        out.stdout.contains("3 commands are valid"),
        "{}",
        out.stdout
    );
}

#[test]
fn without_an_application_id_the_real_discord_is_not_called() {
    let path = file("noapp", VALID);
    let out = Run::from(
        bugle()
            .args(["commands", "sync", "--file", path.to_str().unwrap()])
            .env("DISCORD_BOT_TOKEN", "not-a-real-token")
            .env_remove("DISCORD_APPLICATION_ID")
            .output()
            .unwrap(),
    )
    .expect_code(2);
    assert!(out.stderr.contains("--application"), "{}", out.stderr);
}

#[test]
fn an_unchanged_set_is_not_sent_again() {
    // One process: `--fake` keeps its state for one command only, so use the fake server.
    let server = support::FakeServer::start();
    let path = file("twice", VALID);
    let sync = |extra: &[&str]| {
        let mut command = server.bugle();
        command
            .args([
                "commands",
                "sync",
                "--file",
                path.to_str().unwrap(),
                "--application",
            ])
            .arg(server.field("application_id"))
            .args(extra);
        Run::from(command.output().unwrap())
    };
    let first = sync(&[]).expect_code(0);
    assert!(
        first.stdout.contains("registered 3 commands"),
        "{}",
        first.stdout
    );
    let second = sync(&[]).expect_code(0);
    assert!(second.stdout.contains("unchanged"), "{}", second.stdout);
    let forced = sync(&["--force"]).expect_code(0);
    assert!(
        forced.stdout.contains("registered 3 commands"),
        "{}",
        forced.stdout
    );
}
