//! A CI pipeline run followed in a thread (the design's interactive
//! workflow pattern): a thread for the run, a status message edited as each
//! stage finishes, and a reaction when it is done.
//!
//! Runs against a simulated Discord unless `DISCORD_BOT_TOKEN` and
//! `DISCORD_CHANNEL_ID` (the `pipelines` channel) are set:
//!
//! ```sh
//! cargo run -p bugle --example pipeline_workflow
//! ```

use std::time::Duration;

use bugle::{ChannelTarget, DiscordClient, DiscordConfig, DiscordError, Simulation};
use bugle_model::builder::{Colour, EmbedBuilder};
use bugle_model::embed::Embed;
use bugle_model::id::ChannelId;
use bugle_model::request::{CreateMessage, CreateThread, EditMessage};

/// A pipeline and how far it got.
struct Pipeline {
    name: String,
    stages: Vec<&'static str>,
    finished: usize,
}

impl Pipeline {
    /// Runs the next stage (here: a short sleep standing in for real work).
    async fn run_stage(&mut self) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.finished += 1;
    }

    fn status_embed(&self) -> Embed {
        let done = self.finished == self.stages.len();
        let mut embed = EmbedBuilder::new()
            .title(format!("Pipeline: {}", self.name))
            .colour(if done { Colour::SUCCESS } else { Colour::INFO });
        for (index, stage) in self.stages.iter().enumerate() {
            let state = if index < self.finished {
                "passed"
            } else {
                "pending"
            };
            embed = embed.inline_field(*stage, state);
        }
        embed.build()
    }
}

async fn pipeline_workflow(
    client: &DiscordClient,
    mut pipeline: Pipeline,
) -> Result<(), DiscordError> {
    // A thread for this run, in the channel routed as "pipelines".
    let thread = client
        .create_thread(
            ChannelTarget::Name("pipelines".into()),
            CreateThread::public(format!("Pipeline: {}", pipeline.name)),
        )
        .await?;
    println!("thread {} created", thread.id);

    let status = client
        .send_to_thread(
            thread.id,
            CreateMessage::new()
                .content(format!("Pipeline **{}** started", pipeline.name))
                .embed(pipeline.status_embed()),
        )
        .await?;

    while pipeline.finished < pipeline.stages.len() {
        pipeline.run_stage().await;
        client
            .edit_message(
                thread.id,
                status.id,
                EditMessage::new().embeds([pipeline.status_embed()]),
            )
            .await?;
        println!("stage {} passed", pipeline.stages[pipeline.finished - 1]);
    }

    client
        .add_reaction(thread.id, status.id, "\u{2705}")
        .await?;
    println!("pipeline {} done", pipeline.name);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), DiscordError> {
    let live_channel = std::env::var("DISCORD_CHANNEL_ID")
        .ok()
        .and_then(|id| id.parse().ok())
        .and_then(ChannelId::new_checked)
        .filter(|_| std::env::var_os("DISCORD_BOT_TOKEN").is_some());
    let pipelines = live_channel.unwrap_or(ChannelId::new(1_300_000_000_000_000_001));
    let mut config = DiscordConfig::builder()
        .with_env()
        .route("pipelines", pipelines);
    if live_channel.is_none() {
        config = config.simulation(Simulation::Fake);
    }
    let client = DiscordClient::new(config.build()?)?;

    let pipeline = Pipeline {
        name: "web-app #418".to_owned(),
        stages: vec!["build", "test", "deploy"],
        finished: 0,
    };
    pipeline_workflow(&client, pipeline).await?;

    if let Some(fake) = client.fake_discord() {
        let thread = &fake.threads(pipelines.get())[0];
        let status = &fake.thread_messages(thread.id.get())[0];
        println!(
            "the simulated thread {:?} holds the status message, edited, with reactions {:?}",
            thread.name,
            status
                .reactions
                .iter()
                .map(|r| r.emoji.name.clone())
                .collect::<Vec<_>>()
        );
    }
    Ok(())
}
