//! The worker: takes a batch of due jobs, runs them, and records each one's outcome —
//! done, due again after a backoff, or an exception with its reason.

use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, TimeDelta};

use super::analysis::{Analysis, analyze};
use super::{Engine, EngineError, Outlet};
use crate::store::{Job, JobKind, MessageRecord, StoreError, Tx};

/// What one round of work did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkSummary {
    pub received: usize,
    pub sent: usize,
    pub delivered: usize,
    /// Attempts that failed and will be tried again.
    pub retried: usize,
    /// Jobs that became exceptions.
    pub failed: usize,
    /// Time spent in the store (claiming, reading, committing), in analysis (parsing,
    /// validating, partner rules, mapping) and in channels (delivering, writing X12).
    pub store_time: Duration,
    pub analysis_time: Duration,
    pub other_time: Duration,
}

impl WorkSummary {
    pub fn jobs(&self) -> usize {
        self.received + self.sent + self.delivered + self.retried + self.failed
    }

    pub fn add(&mut self, other: WorkSummary) {
        self.received += other.received;
        self.sent += other.sent;
        self.delivered += other.delivered;
        self.retried += other.retried;
        self.failed += other.failed;
        self.store_time += other.store_time;
        self.analysis_time += other.analysis_time;
        self.other_time += other.other_time;
    }
}

impl Engine {
    /// Claims one batch of due jobs and runs it; a summary of all zeros means nothing was
    /// due.
    pub fn work(&self, outlet: &dyn Outlet) -> Result<WorkSummary, EngineError> {
        let now = self.clock.now();
        let lease_until = now + self.config.lease;
        let kinds = [JobKind::Receive, JobKind::Send, JobKind::Deliver];
        let started = Instant::now();
        let jobs = self
            .store
            .write(|tx| tx.claim(&kinds, &self.owner, self.config.batch, now, lease_until))?;
        let mut summary = WorkSummary {
            store_time: started.elapsed(),
            ..WorkSummary::default()
        };
        let (receive, rest): (Vec<Job>, Vec<Job>) =
            jobs.into_iter().partition(|j| j.kind == JobKind::Receive);
        let (mut deliver, send): (Vec<Job>, Vec<Job>) =
            rest.into_iter().partition(|j| j.kind == JobKind::Deliver);
        let mut received = Ok(());
        if !receive.is_empty() {
            // A part of the batch may be committed when a later one fails: its replies go
            // out all the same, then the failure is reported.
            received = self.receive_batch(&receive).map(|done| summary.add(done));
            // The replies, claimed for this worker as they were made.
            let started = Instant::now();
            let replies = self
                .store
                .read(|tx| tx.claimed_jobs(&self.owner, JobKind::Deliver))?;
            summary.store_time += started.elapsed();
            deliver.retain(|j| !replies.iter().any(|r| r.id == j.id));
            deliver.extend(replies);
        }
        if !deliver.is_empty() {
            summary.add(self.deliver_batch(&deliver, outlet)?);
        }
        received?;
        for job in send {
            let started = Instant::now();
            let result = self.send(&job);
            // Mostly the writer's time (and the partner's rules), with a short commit.
            summary.other_time += started.elapsed();
            match result {
                Ok(()) => summary.sent += 1,
                Err(e) => {
                    let now = self.clock.now();
                    let after = self
                        .store
                        .write(|tx| self.record_failure(tx, &job, &e, now))?;
                    summary.count(after);
                }
            }
        }
        Ok(summary)
    }

    /// Runs every job due until none is left (what `serve --drain` and the tests use).
    pub fn work_until_idle(&self, outlet: &dyn Outlet) -> Result<WorkSummary, EngineError> {
        let mut total = WorkSummary::default();
        loop {
            let round = self.work(outlet)?;
            if round.jobs() == 0 {
                return Ok(total);
            }
            total.add(round);
        }
    }

    /// Received messages: analysed outside the transaction, then committed together.
    fn receive_batch(&self, jobs: &[Job]) -> Result<WorkSummary, EngineError> {
        let mut summary = WorkSummary::default();
        let (jobs, without): (Vec<Job>, Vec<Job>) =
            jobs.iter().cloned().partition(|j| j.message_id.is_some());
        let errors: Vec<EngineError> = without
            .iter()
            .map(|job| EngineError::Permanent(format!("job {} names no message", job.id)))
            .collect();
        let failed: Vec<_> = without.iter().zip(&errors).collect();
        summary.add(self.record_failures(&failed)?);
        let mut rest = &jobs[..];
        while !rest.is_empty() {
            // Messages up to the batch's bytes (one at least): a batch of large files is
            // not held, with its analyses, all at once.
            let started = Instant::now();
            let messages: Vec<MessageRecord> = self.store.read(|tx| {
                let mut messages = Vec::new();
                let mut bytes = 0;
                for job in rest {
                    if bytes >= self.config.batch_bytes {
                        break;
                    }
                    let message = tx.message(job.message_id.unwrap_or_default())?;
                    bytes += message.body.len();
                    messages.push(message);
                }
                Ok::<_, StoreError>(messages)
            })?;
            let (these, later) = rest.split_at(messages.len());
            rest = later;
            summary.store_time += started.elapsed();
            let started = Instant::now();
            let analyses: Vec<Analysis> = messages
                .iter()
                .map(|m| analyze(&m.body, self.specs, &self.partners))
                .collect();
            summary.analysis_time += started.elapsed();
            let now = self.clock.now();
            let started = Instant::now();
            let batch: Vec<_> = these.iter().zip(messages.iter().zip(&analyses)).collect();
            let (received, failures) =
                self.commit_each(&batch, now, |tx, (message, analysis)| {
                    self.commit_received(tx, message, analysis, now)?;
                    Ok(())
                })?;
            summary.received += received;
            summary.add(failures);
            // The commit also writes each reply (pure, small): counted as the store's.
            summary.store_time += started.elapsed();
        }
        Ok(summary)
    }

    /// Commits a batch in one transaction, `step` once per job, and the jobs done; returns
    /// how many were, and what became of the jobs whose step failed. When a step fails, the
    /// transaction is undone and run again with each job in a savepoint of its own, so that
    /// a failure undoes only its own writes and is recorded as its job's: one bad message
    /// does not hold back the others. (A savepoint for every job, every time, would make
    /// SQLite copy each page a job changes to a statement journal first.)
    pub(super) fn commit_each<T>(
        &self,
        batch: &[(&Job, T)],
        now: NaiveDateTime,
        step: impl Fn(&mut Tx<'_>, &T) -> Result<(), EngineError>,
    ) -> Result<(usize, WorkSummary), EngineError> {
        let together = self.store.write(|tx| {
            for (_, item) in batch {
                step(tx, item)?;
            }
            let ids: Vec<i64> = batch.iter().map(|(job, _)| job.id).collect();
            tx.complete_jobs(&ids, &self.owner, now)?;
            Ok::<_, EngineError>(())
        });
        if together.is_ok() {
            return Ok((batch.len(), WorkSummary::default()));
        }
        self.store.write(|tx| {
            let mut committed = 0;
            let mut failures = WorkSummary::default();
            for (job, item) in batch {
                let outcome = tx.savepoint(|tx| {
                    step(tx, item)?;
                    tx.complete_job(job.id, &self.owner, now)?;
                    Ok(())
                });
                match outcome {
                    Ok(()) => committed += 1,
                    Err(e) => failures.count(self.record_failure(tx, job, &e, now)?),
                }
            }
            Ok((committed, failures))
        })
    }

    /// [`Engine::record_failure`] for jobs that failed before their batch's transaction.
    pub(super) fn record_failures(
        &self,
        failed: &[(&Job, &EngineError)],
    ) -> Result<WorkSummary, EngineError> {
        let mut failures = WorkSummary::default();
        if failed.is_empty() {
            return Ok(failures);
        }
        let now = self.clock.now();
        self.store.write(|tx| {
            for (job, e) in failed {
                failures.count(self.record_failure(tx, job, e, now)?);
            }
            Ok::<_, EngineError>(())
        })?;
        Ok(failures)
    }

    /// A failed attempt: retried after a backoff (1 s, 2 s, 4 s ... at most an hour), or an
    /// exception when it cannot succeed or has no attempts left; nothing when the job is
    /// another worker's by now (its lease ran out here).
    pub(super) fn record_failure(
        &self,
        tx: &mut Tx<'_>,
        job: &Job,
        error: &EngineError,
        now: NaiveDateTime,
    ) -> Result<AfterFailure, EngineError> {
        if matches!(error, EngineError::Store(StoreError::LostClaim(_))) {
            return Ok(AfterFailure::Lost);
        }
        let text = error.to_string();
        let retry = match error {
            EngineError::Permanent(_) => None,
            _ if job.attempts >= self.config.max_attempts => None,
            _ => Some(
                TimeDelta::seconds(1i64 << (job.attempts.clamp(1, 13) - 1))
                    .min(TimeDelta::hours(1)),
            ),
        };
        let failed = match tx.fail_job(job.id, &self.owner, &text, retry, now) {
            Ok(failed) => failed,
            Err(StoreError::LostClaim(_)) => return Ok(AfterFailure::Lost),
            Err(e) => return Err(e.into()),
        };
        if failed && let Some(id) = job.message_id {
            let reason = if job.attempts >= self.config.max_attempts
                && !matches!(error, EngineError::Permanent(_))
            {
                format!("{text} (after {} attempts)", job.attempts)
            } else {
                text
            };
            tx.set_message_status(id, "failed", Some(&reason), "engine", now)?;
        }
        Ok(if failed {
            AfterFailure::Failed
        } else {
            AfterFailure::Retried
        })
    }
}

/// What became of a job whose attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AfterFailure {
    Retried,
    Failed,
    /// Another worker holds it now.
    Lost,
}

impl WorkSummary {
    pub(super) fn count(&mut self, after: AfterFailure) {
        match after {
            AfterFailure::Retried => self.retried += 1,
            AfterFailure::Failed => self.failed += 1,
            AfterFailure::Lost => {}
        }
    }
}
