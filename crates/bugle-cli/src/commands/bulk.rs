//! `bugle message send --lines FILE`: one message per line, in order, with
//! a progress line on stderr that shows rate-limit waits.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use bugle::{ChannelTarget, DiscordClient};
use bugle_model::message::Message;
use bugle_model::request::CreateMessage;

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

/// The progress line: `sent 7/20, 2 rate-limit waits (9.8s)`, redrawn in
/// place on a terminal and written line by line elsewhere (CI logs).
#[derive(Debug)]
struct Progress {
    total: usize,
    sent: usize,
    waits: u32,
    waited: Duration,
    terminal: bool,
}

impl Progress {
    fn new(total: usize) -> Self {
        Self {
            total,
            sent: 0,
            waits: 0,
            waited: Duration::ZERO,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// A 20-cell bar of how much is sent, e.g. `[#####...............]`.
    fn bar(&self) -> String {
        const CELLS: usize = 20;
        let filled = (self.sent * CELLS)
            .checked_div(self.total)
            .map_or(CELLS, |cells| cells.min(CELLS));
        format!("[{}{}]", "#".repeat(filled), ".".repeat(CELLS - filled))
    }

    fn status(&self) -> String {
        format!(
            "{} sent {}/{}, {} rate-limit wait{} ({})",
            self.bar(),
            self.sent,
            self.total,
            self.waits,
            if self.waits == 1 { "" } else { "s" },
            seconds(self.waited)
        )
    }

    fn draw(&self, extra: &str) {
        let mut stderr = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(stderr, "\r\x1b[2K{}{extra}", self.status());
            let _ = stderr.flush();
        } else {
            let _ = writeln!(stderr, "{}{extra}", self.status());
        }
    }

    /// A send is waiting for the rate limit, for `elapsed` so far.
    fn waiting(&mut self, elapsed: Duration) {
        // On a terminal, redraw every tick; in a log, say it once per wait.
        if self.terminal || elapsed < Duration::from_millis(200) {
            self.draw(&format!(
                ", waiting for the rate limit {}",
                seconds(elapsed)
            ));
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
        if self.terminal || count == self.total || count % 10 == 0 {
            self.draw("");
        }
    }

    fn finish(&self) {
        if self.terminal {
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_sends_and_waits() {
        let mut progress = Progress::new(20);
        progress.terminal = false;
        progress.waited(Duration::from_millis(4900));
        progress.sent(5);
        assert_eq!(
            progress.status(),
            "[#####...............] sent 5/20, 1 rate-limit wait (4.9s)"
        );
        progress.waited(Duration::from_secs(5));
        assert_eq!(
            progress.status(),
            "[#####...............] sent 5/20, 2 rate-limit waits (9.9s)"
        );
        progress.sent(20);
        assert!(
            progress
                .status()
                .starts_with("[####################] sent 20/20")
        );
    }

    #[test]
    fn a_file_without_lines_is_refused() {
        let error = read_lines("no/such/lines.txt").expect_err("missing");
        assert!(error.to_string().contains("--lines"));
    }
}
