//! One run: `FakeDiscord` in a child process, the workload through one client, one report.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::driver::{ClientKind, Driver};
use crate::procstat;
use crate::report::{ClientSide, RunReport};
use crate::scenario::{Job, RunOptions, Scenario, Spec, Target, content, edited_content};
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

/// The environment variable naming a file to write every operation's timing to (CSV:
/// tag, operation, channel, start and end in milliseconds from the workload's start, and
/// whether it succeeded). Unset: nothing is recorded.
pub const TRACE_ENV: &str = "BUGLE_BENCH_TRACE";

/// One operation's timing, for the diagnostic trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpTiming {
    /// The job's tag.
    pub tag: u64,
    /// `create`, `execute`, `edit` or `delete`.
    pub op: &'static str,
    /// The channel (0 for a webhook execute).
    pub channel: u64,
    /// When the client was asked, from the workload's start.
    pub start: Duration,
    /// When the client answered, from the workload's start.
    pub end: Duration,
    /// Whether it succeeded.
    pub ok: bool,
}

/// The trace of a run, when one is recorded: the workload's start and the timings.
#[derive(Debug)]
struct Trace {
    started: Instant,
    ops: Mutex<Vec<OpTiming>>,
}

impl Trace {
    async fn time<T, E>(
        trace: Option<&Self>,
        (tag, op, channel): (u64, &'static str, u64),
        work: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        let Some(trace) = trace else {
            return work.await;
        };
        let start = trace.started.elapsed();
        let result = work.await;
        let timing = OpTiming {
            tag,
            op,
            channel,
            start,
            end: trace.started.elapsed(),
            ok: result.is_ok(),
        };
        trace
            .ops
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(timing);
        result
    }
}

/// The trace as CSV, one operation a line, in order of start.
pub fn trace_csv(ops: &mut [OpTiming]) -> String {
    ops.sort_by_key(|o| (o.start, o.tag));
    let mut out = String::from("tag,op,channel,start_ms,end_ms,ok\n");
    for o in ops.iter() {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            o.tag,
            o.op,
            o.channel,
            o.start.as_millis(),
            o.end.as_millis(),
            o.ok
        );
    }
    out
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

async fn run_job(driver: &Driver, job: Job, trace: Option<&Trace>) -> JobResult {
    let mut result = JobResult {
        operations: 1,
        ..JobResult::default()
    };
    let tag = job.tag;
    let created = match job.target {
        Target::Channel(channel) => Trace::time(
            trace,
            (tag, "create", channel),
            driver.create(channel, content(tag)),
        )
        .await
        .map(|id| (channel, id)),
        Target::Webhook(n) => {
            Trace::time(trace, (tag, "execute", 0), driver.execute(n, content(tag)))
                .await
                .map(|id| (0, id))
        }
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
        let edit = driver.edit(channel, id, edited_content(tag));
        if let Err(error) = Trace::time(trace, (tag, "edit", channel), edit).await {
            eprintln!("job {} edit: {error}", job.tag);
            result.failed += 1;
        }
    }
    if job.delete {
        result.operations += 1;
        match Trace::time(trace, (tag, "delete", channel), driver.delete(channel, id)).await {
            Ok(()) => result.deleted = Some(job.tag),
            Err(error) => {
                eprintln!("job {} delete: {error}", job.tag);
                result.failed += 1;
            }
        }
    }
    result
}

/// The client side of one run: the jobs `jobs` of `spec` (all of them, or one process's
/// share) through `driver`, at most `spec.concurrency` jobs in flight (and, with
/// [`Spec::burst_executes`], every webhook execute of the share at once beside them from
/// the start), each abandoned (and
/// failed) if it has not finished `limit` after the start. Returns the measurements and the
/// deleted tags; with `trace`, also every operation's timing.
pub async fn run_workload(
    spec: &Spec,
    jobs: Range<u64>,
    driver: Arc<Driver>,
    limit: Duration,
    trace: bool,
) -> (ClientSide, Vec<u64>, Vec<OpTiming>) {
    let mut side = ClientSide::default();
    let mut deleted = Vec::new();
    let sample_every = ((jobs.end - jobs.start) / RSS_SAMPLES).max(1);
    let mut tasks = JoinSet::new();
    // A burst's executes: all in flight from the start, outside the creates' limit.
    let mut burst = JoinSet::new();
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
    let trace = trace.then(|| {
        Arc::new(Trace {
            started,
            ops: Mutex::new(Vec::new()),
        })
    });
    let spawn = |set: &mut JoinSet<JobResult>, job: Job, trace: Option<Arc<Trace>>| {
        let driver = Arc::clone(&driver);
        set.spawn(async move {
            tokio::time::timeout_at(deadline, run_job(&driver, job, trace.as_deref()))
                .await
                .unwrap_or(JobResult {
                    operations: 1,
                    failed: 1,
                    timed_out: true,
                    ..JobResult::default()
                })
        });
    };
    let is_burst = |job: &Job| spec.burst_executes && matches!(job.target, Target::Webhook(_));
    for index in jobs.clone() {
        let job = spec.job(index);
        if is_burst(&job) {
            spawn(&mut burst, job, trace.clone());
            side.messages_sent += 1;
        }
    }
    for index in jobs {
        let job = spec.job(index);
        if is_burst(&job) {
            continue;
        }
        while tasks.len() >= spec.concurrency.max(1) {
            if let Some(Ok(result)) = tasks.join_next().await {
                absorb(result, &mut side);
            }
        }
        spawn(&mut tasks, job, trace.clone());
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
    while let Some(joined) = burst.join_next().await {
        if let Ok(result) = joined {
            absorb(result, &mut side);
        }
    }
    side.wall_s = started.elapsed().as_secs_f64();
    side.cpu_s = procstat::own_cpu_seconds() - cpu_before;
    side.peak_rss_kib = procstat::own_peak_rss_kib();
    let ops = trace.map_or_else(Vec::new, |trace| {
        std::mem::take(&mut *trace.ops.lock().unwrap_or_else(PoisonError::into_inner))
    });
    (side, deleted, ops)
}

/// One full run: starts `FakeDiscord` for `scenario` in a child process, drives the workload
/// through `client`, and combines both sides into the run's report. Where the options ask
/// for client processes (`foreign-load`), they run the workload instead
/// ([`crate::processes::run_processes`]).
///
/// # Errors
///
/// When the child process or the client cannot be started.
pub async fn run_once(
    scenario: Scenario,
    client: ClientKind,
    options: &RunOptions,
) -> Result<RunReport, String> {
    if options.uses_processes(scenario) {
        return crate::processes::run_processes(scenario, client, options).await;
    }
    let spec = options.spec(scenario);
    let server = ServerProcess::start(scenario, options)
        .await
        .map_err(|e| format!("cannot start fake discord: {e}"))?;
    let ready = server.ready().clone();
    let driver = Arc::new(Driver::new(client, &spec, ready.port)?);
    let limit = deadline(Duration::from_secs_f64(ready.minimum_s), spec.jobs);
    let trace_path = std::env::var_os(TRACE_ENV);
    let (side, deleted_tags, mut ops) =
        run_workload(&spec, 0..spec.jobs, driver, limit, trace_path.is_some()).await;
    if let Some(path) = trace_path {
        std::fs::write(&path, trace_csv(&mut ops))
            .map_err(|e| format!("cannot write the trace named by {TRACE_ENV}: {e}"))?;
    }
    let request = ReportRequest {
        deleted_tags,
        ..ReportRequest::default()
    };
    let server_report = server.finish(&request).await?;
    let mut report = RunReport::new(
        scenario.name(),
        client.name(),
        ready.minimum_s,
        side,
        &server_report,
    );
    report.latency_ms = options.latency.map(|l| l.to_string());
    Ok(report)
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
