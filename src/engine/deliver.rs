//! Delivery: messages of ours handed to their partners' channels, then marked delivered —
//! a batch at a time: the channels make the batch durable (a folder's files synced at
//! once), then one transaction marks them all. The channel's write is idempotent (the same
//! name, replaced atomically), so a crash between the write and the mark delivers a
//! message again, not twice.

use std::time::Instant;

use chrono::NaiveDateTime;

use super::worker::WorkSummary;
use super::{Engine, EngineError, Outlet};
use crate::partner::Profile;
use crate::store::{Job, MessageRecord, StoreError};

/// What delivering one message came to: where it went and when its 997 is due.
type Delivered = Result<(String, Option<NaiveDateTime>), EngineError>;

impl Engine {
    pub(super) fn deliver_batch(
        &self,
        jobs: &[Job],
        outlet: &dyn Outlet,
    ) -> Result<WorkSummary, EngineError> {
        let mut summary = WorkSummary::default();
        let started = Instant::now();
        let messages: Vec<Result<MessageRecord, EngineError>> = self.store.read(|tx| {
            Ok::<_, StoreError>(
                jobs.iter()
                    .map(|job| match job.message_id {
                        Some(id) => tx.message(id).map_err(EngineError::from),
                        None => Err(EngineError::Permanent(format!(
                            "job {} names no message",
                            job.id
                        ))),
                    })
                    .collect(),
            )
        })?;
        summary.store_time += started.elapsed();
        let started = Instant::now();
        // Each message with its partner's profile, or why it cannot go; the ones that can
        // go to their channels in one batch.
        let mut outcomes: Vec<Delivered> = Vec::with_capacity(jobs.len());
        let mut batch: Vec<(&Profile, &MessageRecord)> = Vec::new();
        for m in &messages {
            match m.as_ref().map_err(clone_error).and_then(|m| {
                let profile = self.recipient(m)?;
                Ok((profile, m))
            }) {
                Ok(pair) => {
                    batch.push(pair);
                    outcomes.push(Ok((String::new(), None)));
                }
                Err(e) => outcomes.push(Err(e)),
            }
        }
        let mut placed = outlet.deliver(&batch).into_iter().zip(&batch);
        // The partner's 997 is due so many hours after it has our interchange, not after
        // we wrote it.
        let now = self.clock.now();
        for outcome in outcomes.iter_mut().filter(|o| o.is_ok()) {
            *outcome = match placed.next() {
                Some((Ok(place), (profile, _))) => Ok((
                    place,
                    profile
                        .expect_997_within_hours
                        .map(|h| now + chrono::TimeDelta::hours(i64::from(h))),
                )),
                Some((Err(e), _)) => Err(e),
                None => Err(EngineError::Transient(
                    "the channel reported on fewer messages than it was given".into(),
                )),
            };
        }
        summary.other_time += started.elapsed();
        let started = Instant::now();
        // What could not be delivered is recorded on its own, so that it does not make the
        // batch's commit go message by message.
        let (batch, undelivered): (Vec<_>, Vec<_>) = jobs
            .iter()
            .zip(messages.iter().zip(outcomes))
            .partition(|(_, (message, outcome))| message.is_ok() && outcome.is_ok());
        let failed: Vec<_> = undelivered
            .iter()
            .filter_map(|(job, (_, outcome))| Some((*job, outcome.as_ref().err()?)))
            .collect();
        summary.add(self.record_failures(&failed)?);
        let (delivered, failures) = self.commit_each(&batch, now, |tx, (message, outcome)| {
            let (Ok(message), Ok((place, due))) = (message, outcome) else {
                return Ok(());
            };
            tx.change_message_status(
                message.id,
                &message.status,
                "delivered",
                Some(place),
                true,
                "engine:deliver",
                now,
            )?;
            tx.delivered(message.id, *due, now)?;
            Ok(())
        })?;
        summary.delivered += delivered;
        summary.add(failures);
        summary.store_time += started.elapsed();
        Ok(summary)
    }

    /// The profile of the partner `message` is for.
    fn recipient(&self, message: &MessageRecord) -> Result<&Profile, EngineError> {
        let partner = message.partner.as_deref().unwrap_or_default();
        self.partner(partner).ok_or_else(|| {
            EngineError::Permanent(format!(
                "message {} is for partner '{partner}', whose profile is gone; restore \
                 partners/{partner}.toml, then `edigate replay {}`",
                message.id, message.id
            ))
        })
    }
}

/// Errors are reported per job; one error may stand for several.
fn clone_error(e: &EngineError) -> EngineError {
    match e {
        EngineError::Permanent(m) => EngineError::Permanent(m.clone()),
        other => EngineError::Transient(other.to_string()),
    }
}
