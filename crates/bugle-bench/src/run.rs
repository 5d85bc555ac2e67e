//! One run: `FakeDiscord` in a child process, the workload through one client, one report.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::driver::{ClientKind, Driver};
use crate::procstat;
use crate::report::{ClientSide, RunReport};
use crate::scenario::{Job, Scenario, Spec, Target, content, edited_content};
use crate::server::{ReportRequest, ServerProcess};

/// How many RSS samples a run takes (one at each tenth of the workload).
const RSS_SAMPLES: u64 = 10;

/// How long a run may take: three times the theoretical minimum, plus a minute, plus a
/// millisecond per job (so a run whose limits are lifted may go as slow as 1,000 jobs a
/// second). Jobs still unfinished then are abandoned and count as failed (a client that
/// retries 429s forever would otherwise never finish).
pub fn deadline(minimum: Duration, jobs: u64) -> Duration {
    minimum * 3 + Duration::from_secs(60) + Duration::from_millis(jobs)
}

/// What one job did.
#[derive(Debug, Clone, Copy, Default)]
struct JobResult {
    operations: u64,
    failed: u64,
    created: bool,
    deleted: Option<u64>,
    timed_out: bool,
}

async fn run_job(driver: &Driver, job: Job) -> JobResult {
    let mut result = JobResult {
        operations: 1,
        ..JobResult::default()
    };
    let created = match job.target {
        Target::Channel(channel) => driver
            .create(channel, content(job.tag))
            .await
            .map(|id| (channel, id)),
        Target::Webhook(n) => driver.execute(n, content(job.tag)).await.map(|id| (0, id)),
    };
    let (channel, id) = match created {
        Ok(created) => created,
        Err(error) => {
            eprintln!("job {}: {error}", job.tag);
            result.failed = 1;
            return result;
        }
    };
    result.created = true;
    if job.edit {
        result.operations += 1;
        if let Err(error) = driver.edit(channel, id, edited_content(job.tag)).await {
            eprintln!("job {} edit: {error}", job.tag);
            result.failed += 1;
        }
    }
    if job.delete {
        result.operations += 1;
        match driver.delete(channel, id).await {
            Ok(()) => result.deleted = Some(job.tag),
            Err(error) => {
                eprintln!("job {} delete: {error}", job.tag);
                result.failed += 1;
            }
        }
    }
    result
}

/// The client side of one run: every job of `spec` through `driver`, at most
/// `spec.concurrency` jobs in flight, each abandoned (and failed) if it has not finished
/// `limit` after the start. Returns the measurements and the deleted tags.
pub async fn run_workload(
    spec: &Spec,
    driver: Arc<Driver>,
    limit: Duration,
) -> (ClientSide, Vec<u64>) {
    let mut side = ClientSide::default();
    let mut deleted = Vec::new();
    let sample_every = (spec.jobs / RSS_SAMPLES).max(1);
    let mut tasks = JoinSet::new();
    let mut absorb = |result: JobResult, side: &mut ClientSide| {
        side.operations += result.operations;
        side.failed += result.failed;
        side.creates_ok += u64::from(result.created);
        side.deadline_hit |= result.timed_out;
        deleted.extend(result.deleted);
    };
    let cpu_before = procstat::own_cpu_seconds();
    let started = Instant::now();
    let deadline = started + limit;
    for index in 0..spec.jobs {
        while tasks.len() >= spec.concurrency.max(1) {
            if let Some(Ok(result)) = tasks.join_next().await {
                absorb(result, &mut side);
            }
        }
        let job = spec.job(index);
        let driver = Arc::clone(&driver);
        tasks.spawn(async move {
            tokio::time::timeout_at(deadline, run_job(&driver, job))
                .await
                .unwrap_or(JobResult {
                    operations: 1,
                    failed: 1,
                    timed_out: true,
                    ..JobResult::default()
                })
        });
        side.messages_sent += 1;
        if (index + 1) % sample_every == 0 {
            side.rss_samples_kib.push(procstat::own_rss_kib());
        }
    }
    while let Some(joined) = tasks.join_next().await {
        if let Ok(result) = joined {
            absorb(result, &mut side);
        }
    }
    side.wall_s = started.elapsed().as_secs_f64();
    side.cpu_s = procstat::own_cpu_seconds() - cpu_before;
    side.peak_rss_kib = procstat::own_peak_rss_kib();
    (side, deleted)
}

/// One full run: starts `FakeDiscord` for `scenario` in a child process, drives the workload
/// through `client`, and combines both sides into the run's report.
///
/// # Errors
///
/// When the child process or the client cannot be started.
pub async fn run_once(
    scenario: Scenario,
    client: ClientKind,
    messages: Option<u64>,
) -> Result<RunReport, String> {
    let spec = scenario.spec(messages);
    let mut server = ServerProcess::start(scenario.name(), messages)
        .await
        .map_err(|e| format!("cannot start fake discord: {e}"))?;
    let ready = server.ready().clone();
    let driver = Arc::new(Driver::new(client, &spec, ready.port)?);
    let limit = deadline(Duration::from_secs_f64(ready.minimum_s), spec.jobs);
    let (side, deleted_tags) = run_workload(&spec, driver, limit).await;
    let server_report = server
        .report(&ReportRequest { deleted_tags })
        .await
        .map_err(|e| format!("no report from fake discord: {e}"))?;
    server
        .stop()
        .await
        .map_err(|e| format!("fake discord did not stop: {e}"))?;
    Ok(RunReport::new(
        scenario.name(),
        client.name(),
        ready.minimum_s,
        side,
        &server_report,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_grows_with_the_minimum_and_the_job_count() {
        let second = Duration::from_secs(1);
        assert_eq!(
            deadline(second * 62, 300),
            second * 246 + Duration::from_millis(300)
        );
        assert_eq!(deadline(Duration::ZERO, 1_000_000), second * 1_060);
    }
}
