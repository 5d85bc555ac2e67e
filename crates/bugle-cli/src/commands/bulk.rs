//! `bugle message send --lines FILE`: one message per line, in order, with
//! a progress line on stderr that shows rate-limit waits.

use std::path::Path;
use std::time::Duration;

use bugle::{ChannelTarget, DiscordClient};
use bugle_model::message::Message;
use bugle_model::request::CreateMessage;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::exit::CliError;
use crate::input;
use crate::watch::{seconds, watch};

/// The non-empty lines of `source` (a path, or `-` for stdin).
///
/// # Errors
///
/// Invalid input when the source cannot be read or has no non-empty line.
pub(crate) fn read_lines(source: &str) -> Result<Vec<String>, CliError> {
    let text = if source == "-" {
        input::read_stdin()?
    } else {
        input::read_file("--lines", Path::new(source))?
    };
    let lines: Vec<String> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect();
    if lines.is_empty() {
        return Err(CliError::invalid(format!(
            "--lines {source} has no non-empty line to send"
        )));
    }
    Ok(lines)
}

/// Sends each line as a message to `channel`, in order, stopping at the
/// first failure (the messages before it were sent, and the error says how
/// many).
///
/// # Errors
///
/// The first failure, prefixed with how many lines were sent.
pub(crate) async fn send_lines(
    client: &DiscordClient,
    channel: ChannelTarget,
    lines: &[String],
) -> Result<Vec<Message>, CliError> {
    // Refuse an unknown route before the first send.
    client.config().resolve_channel(&channel)?;
    let mut progress = Progress::new(lines.len());
    let mut sent = Vec::with_capacity(lines.len());
    for line in lines {
        let call = client.send_message(channel.clone(), CreateMessage::new().content(line.clone()));
        let (result, watched) = watch(client, call, |elapsed| progress.waiting(elapsed)).await;
        match result {
            Ok(message) => sent.push(message),
            Err(error) => {
                progress.finish();
                let mut failure = CliError::from(error);
                failure.prefix(&format!(
                    "sent {} of {} lines, then",
                    sent.len(),
                    lines.len()
                ));
                return Err(failure);
            }
        }
        if watched.rate_limited {
            progress.waited(watched.elapsed);
        }
        progress.sent(sent.len());
    }
    progress.finish();
    Ok(sent)
}

/// Progress on stderr: on a terminal, an indicatif bar redrawn in place
/// (`[#####...............] sent 5/20, 1 rate-limit wait (4.9s)`); elsewhere
/// (CI logs, a pipe) the bar draws nothing and plain lines are written
/// instead, at most once per wait and every 10 lines.
#[derive(Debug)]
struct Progress {
    total: usize,
    sent: usize,
    waits: u32,
    waited: Duration,
    /// The bar, or `None` when stderr is not a terminal.
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(total: usize) -> Self {
        let target = ProgressDrawTarget::stderr();
        let bar = (!target.is_hidden()).then(|| {
            let style = ProgressStyle::with_template("[{bar:20}] sent {pos}/{len}, {msg}")
                .map_or_else(
                    |_| ProgressStyle::default_bar(),
                    |style| style.progress_chars("#."),
                );
            ProgressBar::with_draw_target(Some(total as u64), target).with_style(style)
        });
        let progress = Self {
            total,
            sent: 0,
            waits: 0,
            waited: Duration::ZERO,
            bar,
        };
        progress.show("");
        progress
    }

    /// The rate-limit waits so far, e.g. `2 rate-limit waits (9.8s)`.
    fn waits(&self) -> String {
        format!(
            "{} rate-limit wait{} ({})",
            self.waits,
            if self.waits == 1 { "" } else { "s" },
            seconds(self.waited)
        )
    }

    /// The plain line written where there is no terminal.
    fn status(&self) -> String {
        format!("sent {}/{}, {}", self.sent, self.total, self.waits())
    }

    /// Updates the bar, with `extra` after the waits.
    fn show(&self, extra: &str) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.sent as u64);
            bar.set_message(format!("{}{extra}", self.waits()));
        }
    }

    /// Writes a plain line when there is no bar.
    fn log(&self, extra: &str) {
        if self.bar.is_none() {
            eprintln!("{}{extra}", self.status());
        }
    }

    /// A send is waiting for the rate limit, for `elapsed` so far.
    fn waiting(&mut self, elapsed: Duration) {
        let extra = format!(", waiting for the rate limit {}", seconds(elapsed));
        self.show(&extra);
        // In a log, say it once per wait (the first tick).
        if elapsed < Duration::from_millis(200) {
            self.log(&extra);
        }
    }

    /// A send that waited `elapsed` finished.
    fn waited(&mut self, elapsed: Duration) {
        self.waits += 1;
        self.waited += elapsed;
    }

    /// `count` lines are sent.
    fn sent(&mut self, count: usize) {
        self.sent = count;
        self.show("");
        if count == self.total || count % 10 == 0 {
            self.log("");
        }
    }

    /// Leaves the bar's last state on the terminal.
    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_sends_and_waits() {
        let mut progress = Progress::new(20);
        progress.waited(Duration::from_millis(4900));
        progress.sent(5);
        assert_eq!(progress.status(), "sent 5/20, 1 rate-limit wait (4.9s)");
        progress.waited(Duration::from_secs(5));
        assert_eq!(progress.status(), "sent 5/20, 2 rate-limit waits (9.9s)");
        progress.sent(20);
        assert!(progress.status().starts_with("sent 20/20"));
        progress.finish();
    }

    #[test]
    fn a_file_without_lines_is_refused() {
        let error = read_lines("no/such/lines.txt").expect_err("missing");
        assert!(error.to_string().contains("--lines"));
    }
}
