//! Replay: a message that failed (an unknown partner since added, a folder since made
//! writable) goes through its step again. A message that was processed is not: that would
//! process it twice.

use super::{Engine, EngineError};
use crate::store::JobKind;

/// What a replay queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    pub message_id: i64,
    /// `receive` or `deliver`.
    pub step: &'static str,
}

impl Engine {
    pub fn replay(&self, message_id: i64, actor: &str) -> Result<Replayed, EngineError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let message = tx.message(message_id)?;
            if message.direction == "in" && message.size == 0 && message.sha256.is_empty() {
                return Err(EngineError::Permanent(format!(
                    "message {message_id} was never taken (its note says why and where the file \
                     is): put the file back in the inbound folder instead"
                )));
            }
            let step = match (message.direction.as_str(), message.status.as_str()) {
                ("in", "failed") => JobKind::Receive,
                ("out", "failed" | "queued") => JobKind::Deliver,
                ("in", "received") => {
                    return Err(EngineError::Permanent(format!(
                        "message {message_id} is waiting to be processed (`edigate serve` does \
                         it): there is nothing to replay"
                    )));
                }
                ("in", status) => {
                    return Err(EngineError::Permanent(format!(
                        "message {message_id} was processed ({status}); replaying it would \
                         process it twice. Submit the file again (`edigate submit`) if the \
                         partner sent it again on purpose"
                    )));
                }
                (_, status) => {
                    return Err(EngineError::Permanent(format!(
                        "message {message_id} (ours) is {status}: there is nothing to replay"
                    )));
                }
            };
            if step == JobKind::Deliver
                && tx
                    .jobs_of_message(message_id)?
                    .iter()
                    .any(|j| j.state == "ready" || j.state == "running")
            {
                return Err(EngineError::Permanent(format!(
                    "message {message_id} is already waiting for delivery"
                )));
            }
            tx.supersede_failed(message_id, now)?;
            let status = if step == JobKind::Receive {
                "received"
            } else {
                "queued"
            };
            tx.set_message_status(message_id, status, Some("replayed"), actor, now)?;
            tx.enqueue(step, Some(message_id), None, now)?;
            Ok(Replayed {
                message_id,
                step: step.as_str(),
            })
        })
    }
}
