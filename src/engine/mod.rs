//! The gateway's engine: the inbox that keeps every message before anything else happens,
//! the pipeline a received message goes through (parse, envelope checks, partner, standard,
//! partner rules, 997/TA1, canonical documents, actions), the outbox that numbers and
//! queues what we send, delivery to the partner's channel, and acknowledgement tracking.
//!
//! Every step that changes the store runs in one transaction together with the completion
//! of its job, so a step happens exactly once however often the process is killed; steps
//! that reach outside (delivery) are idempotent and retried.

pub mod analysis;
pub mod clock;
mod deliver;
pub mod inbox;
mod receive;
mod replay;
mod reply;
mod send;
pub mod worker;

use std::sync::Arc;

use chrono::TimeDelta;

pub use clock::{Clock, ManualClock, SystemClock};
pub use inbox::{Accepted, Arrival};
pub use replay::Replayed;
pub use worker::WorkSummary;

use crate::partner::{Directory, Profile};
use crate::spec::SpecSet;
use crate::store::{MessageRecord, Store, StoreError};
use crate::validate::Policy;

/// What the engine is told rather than decides.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// How far back an ISA13 from the same sender to the same receiver counts as a
    /// duplicate.
    pub duplicate_window: TimeDelta,
    /// Attempts before a job becomes an exception.
    pub max_attempts: i64,
    /// How long a claimed job is a worker's before another may take it.
    pub lease: TimeDelta,
    /// Jobs taken and committed together.
    pub batch: i64,
    /// Received messages are read, analysed and committed in parts of about this many
    /// bytes (one message at least): a batch of large files is not held all at once.
    pub batch_bytes: usize,
    /// Which standard findings reject a set.
    pub policy: Policy,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            duplicate_window: TimeDelta::days(90),
            max_attempts: 8,
            lease: TimeDelta::seconds(120),
            batch: 64,
            batch_bytes: 8 << 20,
            policy: Policy::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// What no retry can mend (a message from no known partner, a document that breaks
    /// the partner's rules): the job becomes an exception at once.
    #[error("{0}")]
    Permanent(String),
    /// What may pass (a folder not writable yet, a partner's server down).
    #[error("{0}")]
    Transient(String),
}

/// Where a partner's messages go: the transport layer's channels implement it.
pub trait Outlet: Send + Sync {
    /// Hands each message (ours, outbound) to its partner's channel and makes it durable
    /// there before returning; returns where each went, in the order given. Delivering the
    /// same message again must leave one copy, not two. A batch at a time, so that a channel
    /// can make many durable at once (one sync for a folder's worth of files).
    fn deliver(&self, batch: &[(&Profile, &MessageRecord)]) -> Vec<Result<String, EngineError>>;
}

/// The engine: the store, the partners, the standard, a clock.
#[derive(Clone)]
pub struct Engine {
    pub store: Store,
    pub partners: Arc<Directory>,
    pub specs: &'static SpecSet,
    pub clock: Arc<dyn Clock>,
    pub config: EngineConfig,
    /// Names this process's claims on jobs.
    pub owner: String,
}

impl Engine {
    pub fn new(
        store: Store,
        partners: Directory,
        specs: &'static SpecSet,
        clock: Arc<dyn Clock>,
        config: EngineConfig,
    ) -> Engine {
        Engine {
            store,
            partners: Arc::new(partners),
            specs,
            clock,
            config,
            owner: format!("{}:{}", hostname(), std::process::id()),
        }
    }

    pub fn partner(&self, id: &str) -> Option<&Profile> {
        self.partners.get(id)
    }

    /// Our groups whose 997 is late become overdue; returns how many.
    pub fn mark_overdue(&self) -> Result<usize, EngineError> {
        let now = self.clock.now();
        Ok(self
            .store
            .write(|tx| tx.mark_overdue(now, "engine:tracking"))?
            .len())
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "edigate".into())
}
