//! The job queue: each step of the pipeline that touches the outside world or may fail for
//! a while is a job, claimed with a lease, retried with backoff, and after too many
//! failures kept as an exception with its reason.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::jobs;
use super::{StoreError, Tx, trunc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    /// A received message through parse, validation, compliance, acknowledgement, mapping.
    Receive,
    /// A document of ours written as X12 and queued.
    Send,
    /// A message of ours handed to the partner's channel.
    Deliver,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Receive => "receive",
            JobKind::Send => "send",
            JobKind::Deliver => "deliver",
        }
    }

    fn parse(text: &str) -> Option<JobKind> {
        match text {
            "receive" => Some(JobKind::Receive),
            "send" => Some(JobKind::Send),
            "deliver" => Some(JobKind::Deliver),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Ready,
    Running,
    Done,
    Failed,
    /// Failed, then replayed: a new job does the work.
    Replayed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Ready => "ready",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Replayed => "replayed",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Job {
    pub id: i64,
    pub kind: JobKind,
    pub message_id: Option<i64>,
    pub document_id: Option<i64>,
    pub state: String,
    pub attempts: i64,
    pub due_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub updated_at: NaiveDateTime,
}

type JobRow = (
    i64,
    String,
    Option<i64>,
    Option<i64>,
    String,
    i64,
    NaiveDateTime,
    Option<String>,
    NaiveDateTime,
);

fn job(row: JobRow) -> Option<Job> {
    Some(Job {
        id: row.0,
        kind: JobKind::parse(&row.1)?,
        message_id: row.2,
        document_id: row.3,
        state: row.4,
        attempts: row.5,
        due_at: row.6,
        last_error: row.7,
        updated_at: row.8,
    })
}

macro_rules! job_columns {
    () => {
        (
            jobs::id,
            jobs::kind,
            jobs::message_id,
            jobs::document_id,
            jobs::state,
            jobs::attempts,
            jobs::due_at,
            jobs::last_error,
            jobs::updated_at,
        )
    };
}

impl Tx<'_> {
    pub fn enqueue(
        &mut self,
        kind: JobKind,
        message_id: Option<i64>,
        document_id: Option<i64>,
        at: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        self.insert_job(
            kind,
            message_id,
            document_id,
            JobState::Ready,
            None,
            None,
            at,
        )
    }

    /// A job for `owner` to run next, claimed as it is made (until `lease_until`, as
    /// [`Tx::claim`] would): the worker that receives a message delivers its reply without
    /// claiming it again. Another worker takes it only after the lease, as any claim.
    pub fn enqueue_claimed(
        &mut self,
        kind: JobKind,
        message_id: Option<i64>,
        owner: &str,
        lease_until: NaiveDateTime,
        at: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        let claim = Some((owner, lease_until));
        self.insert_job(kind, message_id, None, JobState::Running, None, claim, at)
    }

    /// `owner`'s claimed jobs of `kind`, oldest first.
    pub fn claimed_jobs(&mut self, owner: &str, kind: JobKind) -> Result<Vec<Job>, StoreError> {
        let rows: Vec<JobRow> = jobs::table
            .filter(jobs::state.eq(JobState::Running.as_str()))
            .filter(jobs::owner.eq(owner))
            .filter(jobs::kind.eq(kind.as_str()))
            .order(jobs::id.asc())
            .select(job_columns!())
            .load(self.c())?;
        Ok(rows.into_iter().filter_map(job).collect())
    }

    /// A job that failed before it could run (what a channel refused to take): an
    /// exception at once.
    pub fn insert_failed_job(
        &mut self,
        kind: JobKind,
        message_id: Option<i64>,
        error: &str,
        at: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        self.insert_job(
            kind,
            message_id,
            None,
            JobState::Failed,
            Some(error),
            None,
            at,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_job(
        &mut self,
        kind: JobKind,
        message_id: Option<i64>,
        document_id: Option<i64>,
        state: JobState,
        error: Option<&str>,
        claim: Option<(&str, NaiveDateTime)>,
        at: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        let at = trunc(at);
        Ok(diesel::insert_into(jobs::table)
            .values((
                jobs::kind.eq(kind.as_str()),
                jobs::message_id.eq(message_id),
                jobs::document_id.eq(document_id),
                jobs::state.eq(state.as_str()),
                jobs::owner.eq(claim.map(|(owner, _)| owner)),
                jobs::lease_until.eq(claim.map(|(_, until)| trunc(until))),
                jobs::attempts.eq(i64::from(claim.is_some())),
                jobs::due_at.eq(at),
                jobs::last_error.eq(error),
                jobs::created_at.eq(at),
                jobs::updated_at.eq(at),
            ))
            .returning(jobs::id)
            .get_result(self.c())?)
    }

    /// Claims up to `limit` due jobs of `kinds` for `owner` until `lease_until`. A job
    /// whose lease ran out (its worker died) is due again.
    pub fn claim(
        &mut self,
        kinds: &[JobKind],
        owner: &str,
        limit: i64,
        now: NaiveDateTime,
        lease_until: NaiveDateTime,
    ) -> Result<Vec<Job>, StoreError> {
        let now = trunc(now);
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let ready = jobs::state
            .eq(JobState::Ready.as_str())
            .and(jobs::due_at.le(now))
            .or(jobs::state
                .eq(JobState::Running.as_str())
                .and(jobs::lease_until.lt(now)));
        // Two plain selects, each served by the (state, due_at, id) index: the due jobs in
        // the order they fell due, then those whose worker's lease ran out.
        let mut ids: Vec<i64> = jobs::table
            .filter(jobs::state.eq(JobState::Ready.as_str()))
            .filter(jobs::due_at.le(now))
            .filter(jobs::kind.eq_any(&kinds))
            .order((jobs::due_at.asc(), jobs::id.asc()))
            .limit(limit)
            .select(jobs::id)
            .load(self.c())?;
        if (ids.len() as i64) < limit {
            ids.extend(
                jobs::table
                    .filter(jobs::state.eq(JobState::Running.as_str()))
                    .filter(jobs::lease_until.lt(now))
                    .filter(jobs::kind.eq_any(&kinds))
                    .order(jobs::id.asc())
                    .limit(limit - ids.len() as i64)
                    .select(jobs::id)
                    .load::<i64>(self.c())?,
            );
        }
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // The condition again: on PostgreSQL another worker may have claimed some of them
        // since the select; its update wins, ours skips them, and only the rows this update
        // changed are ours.
        let claimed: Vec<i64> =
            diesel::update(jobs::table.filter(jobs::id.eq_any(&ids)).filter(ready))
                .set((
                    jobs::state.eq(JobState::Running.as_str()),
                    jobs::owner.eq(owner),
                    jobs::lease_until.eq(trunc(lease_until)),
                    jobs::attempts.eq(jobs::attempts + 1),
                    jobs::updated_at.eq(now),
                ))
                .returning(jobs::id)
                .get_results(self.c())?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<JobRow> = jobs::table
            .filter(jobs::id.eq_any(&claimed))
            .order(jobs::id.asc())
            .select(job_columns!())
            .load(self.c())?;
        Ok(rows.into_iter().filter_map(job).collect())
    }

    pub fn job(&mut self, id: i64) -> Result<Job, StoreError> {
        let row: Option<JobRow> = jobs::table
            .find(id)
            .select(job_columns!())
            .first(self.c())
            .optional()?;
        row.and_then(job)
            .ok_or_else(|| StoreError::NotFound(format!("there is no job {id}")))
    }

    /// Marks `owner`'s job done. Refused (and the caller's transaction with it) when the job
    /// is no longer its own: its lease ran out and another worker took it, whose result is
    /// the one that counts.
    pub fn complete_job(
        &mut self,
        id: i64,
        owner: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        self.complete_jobs(&[id], owner, at)
    }

    /// [`Tx::complete_job`] for many jobs in one statement; refused (and nothing done) when
    /// one of them is no longer `owner`'s.
    pub fn complete_jobs(
        &mut self,
        ids: &[i64],
        owner: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        for chunk in ids.chunks(500) {
            let done = diesel::update(
                jobs::table
                    .filter(jobs::id.eq_any(chunk))
                    .filter(jobs::owner.eq(owner))
                    .filter(jobs::state.eq(JobState::Running.as_str())),
            )
            .set((
                jobs::state.eq(JobState::Done.as_str()),
                jobs::owner.eq(None::<String>),
                jobs::lease_until.eq(None::<NaiveDateTime>),
                jobs::updated_at.eq(trunc(at)),
            ))
            .execute(self.c())?;
            if done != chunk.len() {
                let which = match chunk {
                    [id] => format!("job {id} is"),
                    _ => format!("{} of jobs {chunk:?} are", chunk.len() - done),
                };
                return Err(StoreError::LostClaim(format!(
                    "{which} no longer {owner}'s (a lease ran out and another worker took it)"
                )));
            }
        }
        Ok(())
    }

    /// A failed attempt: due again after `backoff`, or, with no attempts left (or a
    /// failure no retry can mend), an exception. Returns whether it is now an exception.
    pub fn fail_job(
        &mut self,
        id: i64,
        owner: &str,
        error: &str,
        retry_after: Option<Duration>,
        at: NaiveDateTime,
    ) -> Result<bool, StoreError> {
        let at = trunc(at);
        let (state, due) = match retry_after {
            Some(wait) => (JobState::Ready, at + wait),
            None => (JobState::Failed, at),
        };
        let changed = diesel::update(jobs::table.find(id).filter(jobs::owner.eq(owner)))
            .set((
                jobs::state.eq(state.as_str()),
                jobs::owner.eq(None::<String>),
                jobs::lease_until.eq(None::<NaiveDateTime>),
                jobs::last_error.eq(error),
                jobs::due_at.eq(trunc(due)),
                jobs::updated_at.eq(at),
            ))
            .execute(self.c())?;
        if changed == 0 {
            return Err(StoreError::LostClaim(format!(
                "job {id} is no longer {owner}'s (its lease ran out and another worker took it)"
            )));
        }
        if state == JobState::Failed {
            self.audit(
                "engine",
                "job",
                id,
                Some("running"),
                "failed",
                Some(error),
                at,
            )?;
        }
        Ok(state == JobState::Failed)
    }

    /// Hands `owner`'s claimed jobs back (a graceful stop, or a restart after a crash when
    /// `owner` is None: every claim). The attempt they were claimed for is not counted.
    pub fn release_jobs(
        &mut self,
        owner: Option<&str>,
        at: NaiveDateTime,
    ) -> Result<usize, StoreError> {
        let running = jobs::table.filter(jobs::state.eq(JobState::Running.as_str()));
        let set = (
            jobs::state.eq(JobState::Ready.as_str()),
            jobs::owner.eq(None::<String>),
            jobs::lease_until.eq(None::<NaiveDateTime>),
            jobs::attempts.eq(jobs::attempts - 1),
            jobs::updated_at.eq(trunc(at)),
        );
        Ok(match owner {
            Some(owner) => diesel::update(
                running.filter(
                    jobs::owner
                        .eq(owner)
                        // "owner/..." sorts between "owner/" and "owner0" ('0' follows '/').
                        .or(jobs::owner
                            .ge(format!("{owner}/"))
                            .and(jobs::owner.lt(format!("{owner}0")))),
                ),
            )
            .set(set)
            .execute(self.c())?,
            None => diesel::update(running).set(set).execute(self.c())?,
        })
    }

    /// A message's failed jobs leave the exceptions: it is being tried again.
    pub fn supersede_failed(
        &mut self,
        message_id: i64,
        at: NaiveDateTime,
    ) -> Result<usize, StoreError> {
        Ok(diesel::update(
            jobs::table
                .filter(jobs::message_id.eq(message_id))
                .filter(jobs::state.eq(JobState::Failed.as_str())),
        )
        .set((
            jobs::state.eq(JobState::Replayed.as_str()),
            jobs::updated_at.eq(trunc(at)),
        ))
        .execute(self.c())?)
    }

    /// Jobs that ran out of attempts or failed for good, oldest first.
    pub fn failed_jobs(&mut self) -> Result<Vec<Job>, StoreError> {
        let rows: Vec<JobRow> = jobs::table
            .filter(jobs::state.eq(JobState::Failed.as_str()))
            .order(jobs::id.asc())
            .select(job_columns!())
            .load(self.c())?;
        Ok(rows.into_iter().filter_map(job).collect())
    }

    /// Every job about a message.
    pub fn jobs_of_message(&mut self, message_id: i64) -> Result<Vec<Job>, StoreError> {
        let rows: Vec<JobRow> = jobs::table
            .filter(jobs::message_id.eq(message_id))
            .order(jobs::id.asc())
            .select(job_columns!())
            .load(self.c())?;
        Ok(rows.into_iter().filter_map(job).collect())
    }

    /// How many jobs are waiting or running (not done, not failed).
    pub fn pending_jobs(&mut self) -> Result<i64, StoreError> {
        Ok(jobs::table
            .filter(jobs::state.eq_any([JobState::Ready.as_str(), JobState::Running.as_str()]))
            .count()
            .get_result(self.c())?)
    }

    /// How many jobs were claimed more than once (a worker stopped or failed while holding
    /// them).
    pub fn jobs_taken_again(&mut self) -> Result<i64, StoreError> {
        Ok(jobs::table
            .filter(jobs::attempts.gt(1))
            .count()
            .get_result(self.c())?)
    }

    /// How many jobs are running, or waiting and due by `now`.
    pub fn due_jobs(&mut self, now: NaiveDateTime) -> Result<i64, StoreError> {
        let running: i64 = jobs::table
            .filter(jobs::state.eq(JobState::Running.as_str()))
            .count()
            .get_result(self.c())?;
        let due: i64 = jobs::table
            .filter(jobs::state.eq(JobState::Ready.as_str()))
            .filter(jobs::due_at.le(trunc(now)))
            .count()
            .get_result(self.c())?;
        Ok(running + due)
    }

    /// The earliest time a waiting job falls due.
    pub fn next_due(&mut self) -> Result<Option<NaiveDateTime>, StoreError> {
        Ok(jobs::table
            .filter(jobs::state.eq(JobState::Ready.as_str()))
            .select(diesel::dsl::min(jobs::due_at))
            .first(self.c())?)
    }
}
