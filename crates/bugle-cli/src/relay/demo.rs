//! `bugle --fake relay`: a demo config against the simulated world, and a
//! watcher that prints each card as it appears, changes and resolves.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use bugle_sim::fake::FakeDiscord;

use crate::world;

/// The environment variable the demo config reads the simulated webhook's
/// URL from (answered by [`env`], never the real environment).
const FAKE_WEBHOOK_VAR: &str = "BUGLE_RELAY_DEMO_WEBHOOK";

/// The demo config: everything to `alerts` with a thread per incident;
/// `info` notifications through the simulated webhook.
pub(crate) fn config_text() -> String {
    let outbox =
        std::env::temp_dir().join(format!("bugle-relay-demo-{}.sqlite3", std::process::id()));
    let mut channels = String::new();
    for (name, id) in world::CHANNELS {
        let _ = writeln!(channels, "{name} = \"{id}\"");
    }
    format!(
        r#"
[channels]
{channels}
[webhooks.alertmanager]
url = {{ env = "{FAKE_WEBHOOK_VAR}" }}
lookup_channel = "alerts"

[[rules]]
matchers = ['severity="info"']
webhook = "alertmanager"

[default]
channel = "alerts"
thread = true

[outbox]
sqlite = "{}"
"#,
        outbox.display().to_string().replace('\\', "/")
    )
}

/// The demo config's environment.
pub(crate) fn env(name: &str) -> Option<String> {
    (name == FAKE_WEBHOOK_VAR).then(world::webhook_url)
}

/// What to tell the newcomer.
pub(crate) fn instructions(addr: SocketAddr) -> String {
    format!(
        "discord is simulated in this process (--fake): cards are printed here as they change\n\
         try, in another terminal:\n\
         \x20 bugle relay send-test --to http://{addr}\n\
         or post a sample: curl -H 'content-type: application/json' --data @fixtures/alerts/alertmanager-firing.json http://{addr}/alertmanager\n\
         press ctrl-c to stop"
    )
}

/// Prints every card of the simulated channels when it first appears and
/// whenever its title changes, and every thread line.
pub(crate) async fn watch(fake: FakeDiscord) {
    let mut seen: HashMap<u64, String> = HashMap::new();
    loop {
        for (name, channel) in world::CHANNELS {
            for message in fake.messages(channel) {
                let shown = message
                    .embeds
                    .first()
                    .and_then(|embed| embed.title.clone())
                    .unwrap_or_else(|| message.content.clone());
                if seen.get(&message.id.get()) != Some(&shown) {
                    let verb = if seen.contains_key(&message.id.get()) {
                        "edited"
                    } else {
                        "posted"
                    };
                    say!("#{name} {verb} card {}: {shown}", message.id);
                    seen.insert(message.id.get(), shown);
                }
            }
            for thread in fake.threads(channel) {
                for line in fake.thread_messages(thread.id.get()) {
                    if let Entry::Vacant(slot) = seen.entry(line.id.get()) {
                        say!("#{name} thread {}: {}", thread.id, line.content);
                        slot.insert(line.content.clone());
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
