//! Application command routes: bulk overwrite and list, global or per guild.
//!
//! The server's own checks of a command (not bugle-model's): names, descriptions,
//! option and choice counts, and unique names per type.

use http::StatusCode;
use serde_json::{Map, Value, json};

use super::Ctx;
use crate::fake::reply::{HandlerResult, Reply};
use crate::fake::request::Incoming;
use crate::fake::validation::tree::{ErrorTree, Seg};

/// `10002 Unknown Application` for another application's id.
fn unknown_application() -> Reply {
    Reply::error(StatusCode::NOT_FOUND, 10002, "Unknown Application")
}

fn app_checked(ctx: &Ctx<'_>, req: &Incoming) -> Result<(), Reply> {
    if req.route.application_id == Some(ctx.settings.application_id) {
        Ok(())
    } else {
        Err(unknown_application())
    }
}

fn text<'a>(object: &'a Map<String, Value>, key: &str) -> &'a str {
    object.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn name_ok(name: &str, slash: bool) -> bool {
    let count = name.chars().count();
    (1..=32).contains(&count)
        && (!slash
            || name.chars().all(|c| {
                (c.is_alphanumeric() && !c.is_uppercase()) || matches!(c, '-' | '_' | '\'')
            }))
}

fn check_options(tree: &mut ErrorTree, path: &[Seg<'_>], options: &[Value]) {
    if options.len() > 25 {
        tree.push(
            path,
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer in length.",
        );
    }
    for (index, option) in options.iter().enumerate() {
        let Some(option) = option.as_object() else {
            continue;
        };
        let mut at = path.to_vec();
        at.push(Seg::Index(index));
        let mut name = at.clone();
        name.push(Seg::Key("name"));
        if !name_ok(text(option, "name"), true) {
            tree.push(
                &name,
                "APPLICATION_COMMAND_INVALID_NAME",
                "Command name is invalid",
            );
        }
        let description = text(option, "description").chars().count();
        if !(1..=100).contains(&description) {
            let mut at = at.clone();
            at.push(Seg::Key("description"));
            tree.push(
                &at,
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            );
        }
        let choices = option
            .get("choices")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if choices > 25 {
            let mut at = at.clone();
            at.push(Seg::Key("choices"));
            tree.push(
                &at,
                "BASE_TYPE_MAX_LENGTH",
                "Must be 25 or fewer in length.",
            );
        }
        if let Some(nested) = option.get("options").and_then(Value::as_array) {
            at.push(Seg::Key("options"));
            check_options(tree, &at, nested);
        }
    }
}

/// `PUT /applications/{application.id}/commands` and its guild form: replaces the set.
pub(super) fn overwrite(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    app_checked(ctx, req)?;
    let Ok(Value::Array(commands)) = serde_json::from_slice::<Value>(&req.body) else {
        return Err(crate::fake::reply::invalid_json());
    };
    let mut tree = ErrorTree::new();
    let mut seen: Vec<(u64, String)> = Vec::new();
    for (index, command) in commands.iter().enumerate() {
        let Some(command) = command.as_object() else {
            tree.push(
                &[Seg::Index(index)],
                "DICT_TYPE_CONVERT",
                "Only dictionaries may be used in a DictType",
            );
            continue;
        };
        let kind = command.get("type").and_then(Value::as_u64).unwrap_or(1);
        let name = text(command, "name");
        if !name_ok(name, kind == 1) {
            tree.push(
                &[Seg::Index(index), Seg::Key("name")],
                "APPLICATION_COMMAND_INVALID_NAME",
                "Command name is invalid",
            );
        }
        if seen.iter().any(|(k, n)| *k == kind && n == name) {
            tree.push(
                &[Seg::Index(index), Seg::Key("name")],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            );
        }
        seen.push((kind, name.to_owned()));
        let description = text(command, "description").chars().count();
        if kind == 1 && !(1..=100).contains(&description) {
            tree.push(
                &[Seg::Index(index), Seg::Key("description")],
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            );
        }
        if let Some(options) = command.get("options").and_then(Value::as_array) {
            check_options(
                &mut tree,
                &[Seg::Index(index), Seg::Key("options")],
                options,
            );
        }
    }
    tree.finish()?;
    let guild = req.route.guild_id;
    let previous = match guild {
        None => ctx.state.app.global.clone(),
        Some(guild) => ctx
            .state
            .app
            .guilds
            .get(&guild)
            .cloned()
            .unwrap_or_default(),
    };
    let application_id = ctx.settings.application_id;
    let stored: Vec<Value> = commands
        .into_iter()
        .map(|command| {
            let mut command = command.as_object().cloned().unwrap_or_default();
            let kind = command.get("type").and_then(Value::as_u64).unwrap_or(1);
            let name = text(&command, "name").to_owned();
            // An overwrite keeps the id of a command of the same name and type.
            let id = previous
                .iter()
                .find(|p| p["name"] == name.as_str() && p["type"] == kind)
                .and_then(|p| p["id"].as_str().map(str::to_owned))
                .unwrap_or_else(|| ctx.next_id().to_string());
            command.insert("id".to_owned(), json!(id));
            command.insert("type".to_owned(), json!(kind));
            command.insert(
                "application_id".to_owned(),
                json!(application_id.to_string()),
            );
            command.insert("version".to_owned(), json!(ctx.next_id().to_string()));
            command.entry("description").or_insert_with(|| json!(""));
            if let Some(guild) = guild {
                command.insert("guild_id".to_owned(), json!(guild.to_string()));
            }
            Value::Object(command)
        })
        .collect();
    match guild {
        None => ctx.state.app.global.clone_from(&stored),
        Some(guild) => {
            ctx.state.app.guilds.insert(guild, stored.clone());
        }
    }
    Ok(Reply::json(StatusCode::OK, Value::Array(stored)))
}

/// `GET /applications/{application.id}/commands` and its guild form.
pub(super) fn list(ctx: &mut Ctx<'_>, req: &Incoming) -> HandlerResult {
    app_checked(ctx, req)?;
    let commands = match req.route.guild_id {
        None => ctx.state.app.global.clone(),
        Some(guild) => ctx
            .state
            .app
            .guilds
            .get(&guild)
            .cloned()
            .unwrap_or_default(),
    };
    Ok(Reply::json(StatusCode::OK, Value::Array(commands)))
}
