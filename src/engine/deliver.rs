//! Delivery: messages of ours handed to their partners' channels, then marked delivered —
//! a batch at a time: each written (and synced) by its channel, the channels' folders
//! synced once, then one transaction marks them all. The channel's write is idempotent
//! (the same name, replaced atomically), so a crash between the write and the mark
//! delivers a message again, not twice.

use std::time::Instant;

use chrono::NaiveDateTime;

use super::worker::WorkSummary;
use super::{Engine, EngineError, Outlet};
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
        let mut outcomes: Vec<Delivered> = messages
            .iter()
            .map(|m| {
                m.as_ref()
                    .map_err(clone_error)
                    .and_then(|m| self.deliver_one(m, outlet))
            })
            .collect();
        // Durable before it is said to be delivered.
        if let Err(e) = outlet.flush() {
            for outcome in outcomes.iter_mut().filter(|o| o.is_ok()) {
                *outcome = Err(clone_error(&e));
            }
        }
        summary.other_time += started.elapsed();
        let started = Instant::now();
        let now = self.clock.now();
        self.store.write(|tx| {
            for ((job, message), outcome) in jobs.iter().zip(&messages).zip(outcomes) {
                let result = outcome.and_then(|(place, due)| {
                    let Ok(message) = message else {
                        return Ok(());
                    };
                    tx.savepoint(|tx| {
                        tx.change_message_status(
                            message.id,
                            &message.status,
                            "delivered",
                            Some(&place),
                            true,
                            "engine:deliver",
                            now,
                        )?;
                        tx.delivered(message.id, due, now)?;
                        tx.complete_job(job.id, &self.owner, now)?;
                        Ok::<_, EngineError>(())
                    })
                });
                match result {
                    Ok(()) => summary.delivered += 1,
                    Err(e) => summary.count(self.record_failure(tx, job, &e, now)?),
                }
            }
            Ok::<_, EngineError>(())
        })?;
        summary.store_time += started.elapsed();
        Ok(summary)
    }

    /// Hands one message to its partner's channel.
    fn deliver_one(&self, message: &MessageRecord, outlet: &dyn Outlet) -> Delivered {
        let partner = message.partner.as_deref().unwrap_or_default();
        let Some(profile) = self.partner(partner) else {
            return Err(EngineError::Permanent(format!(
                "message {} is for partner '{partner}', whose profile is gone; restore \
                 partners/{partner}.toml, then `edigate replay {}`",
                message.id, message.id
            )));
        };
        let place = outlet.deliver(profile, message)?;
        // The partner's 997 is due so many hours after it has our interchange, not after we
        // wrote it.
        let due = profile
            .expect_997_within_hours
            .map(|h| self.clock.now() + chrono::TimeDelta::hours(i64::from(h)));
        Ok((place, due))
    }
}

/// Errors are reported per job; one error may stand for several.
fn clone_error(e: &EngineError) -> EngineError {
    match e {
        EngineError::Permanent(m) => EngineError::Permanent(m.clone()),
        other => EngineError::Transient(other.to_string()),
    }
}
