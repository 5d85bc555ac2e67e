//! Alternating runs of several clients, each run in a fresh process, and their medians.

use std::process::Stdio;

use tokio::process::Command;

use crate::driver::ClientKind;
use crate::report::{MedianReport, RunReport};
use crate::scenario::{RunOptions, Scenario};

/// The order of runs: run 1 of every client, then run 2 of every client, and so on, so
/// drift of the machine falls on all clients alike.
pub fn schedule(clients: &[ClientKind], runs: usize) -> Vec<ClientKind> {
    (0..runs).flat_map(|_| clients.iter().copied()).collect()
}

/// Runs `scenario` `runs` times per client, alternating, each run in a fresh
/// `bugle-bench run` process (so peak RSS is per run) with `options`. Prints every run's JSON line as it
/// arrives, then one median line per client.
///
/// # Errors
///
/// When a run's process cannot be started or prints no report.
pub async fn compare(
    scenario: Scenario,
    clients: &[ClientKind],
    runs: usize,
    options: &RunOptions,
) -> Result<Vec<MedianReport>, String> {
    let mut reports: Vec<RunReport> = Vec::new();
    for client in schedule(clients, runs) {
        let report = run_in_child(scenario, client, options).await?;
        println!("{}", report.to_json_line());
        reports.push(report);
    }
    let mut medians = Vec::new();
    for client in clients {
        let mine: Vec<RunReport> = reports
            .iter()
            .filter(|r| r.client == client.name())
            .cloned()
            .collect();
        if let Some(median) = MedianReport::of(&mine) {
            println!(
                "{}",
                serde_json::to_string(&median).map_err(|e| e.to_string())?
            );
            medians.push(median);
        }
    }
    Ok(medians)
}

async fn run_in_child(
    scenario: Scenario,
    client: ClientKind,
    options: &RunOptions,
) -> Result<RunReport, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = Command::new(exe);
    command.args([
        "run",
        "--scenario",
        scenario.name(),
        "--client",
        client.name(),
    ]);
    command.args(options.to_args());
    let output = command
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|e| format!("cannot start a run: {e}"))?;
    // The run's own messages (operations that failed, and why), passed on.
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or_else(|| format!("the {} run printed no report", client.name()))?;
    serde_json::from_str(line).map_err(|e| format!("unreadable run report: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_alternate_between_clients() {
        let order = schedule(&[ClientKind::Bugle, ClientKind::Twilight], 3);
        let names: Vec<&str> = order.iter().map(|c| c.name()).collect();
        assert_eq!(
            names,
            [
                "bugle", "twilight", "bugle", "twilight", "bugle", "twilight"
            ]
        );
    }
}
