//! Delivery: a message of ours handed to its partner's channel, then marked delivered.
//! The channel's write is idempotent (the same name, replaced atomically), so a crash
//! between the write and the mark delivers it again, not twice.

use super::{Engine, EngineError, Outlet};
use crate::store::Job;

impl Engine {
    /// Delivers the message of `job`; returns where it went.
    pub(super) fn deliver(&self, job: &Job, outlet: &dyn Outlet) -> Result<String, EngineError> {
        let Some(id) = job.message_id else {
            return Err(EngineError::Permanent(format!(
                "job {} names no message",
                job.id
            )));
        };
        let message = self.store.read(|tx| tx.message(id))?;
        let partner = message.partner.as_deref().unwrap_or_default();
        let Some(profile) = self.partner(partner) else {
            return Err(EngineError::Permanent(format!(
                "message {id} is for partner '{partner}', whose profile is gone; restore \
                 partners/{partner}.toml, then `edigate replay {id}`"
            )));
        };
        let place = outlet.deliver(profile, &message)?;
        let now = self.clock.now();
        // The partner's 997 is due so many hours after it has our interchange, not after we
        // wrote it.
        let due = profile
            .expect_997_within_hours
            .map(|h| now + chrono::TimeDelta::hours(i64::from(h)));
        self.store.write(|tx| {
            tx.set_message_status(id, "delivered", Some(&place), "engine:deliver", now)?;
            tx.delivered(id, due, now)?;
            tx.mark_released(&[id])?;
            tx.complete_job(job.id, &self.owner, now)?;
            Ok::<_, EngineError>(())
        })?;
        Ok(place)
    }
}
