//! Channels: adapters that feed the engine's inbox and take what it delivers. Each is
//! configuration, a way to poll or listen, and an [`crate::engine::Outlet`].

pub mod as2;
pub mod dir;

use crate::engine::{EngineError, Outlet};
use crate::partner::Profile;
use crate::store::MessageRecord;

/// Every channel a message of ours may leave by, the partner's profile choosing: AS2 for
/// the partners that trade over it, their folders for the others.
pub struct Channels {
    pub folders: dir::FolderChannel,
    pub as2: Option<as2::sender::As2Outlet>,
}

impl Outlet for Channels {
    fn deliver(&self, batch: &[(&Profile, &MessageRecord)]) -> Vec<Result<String, EngineError>> {
        let by_as2: Vec<bool> = batch
            .iter()
            .map(|(profile, _)| self.as2.as_ref().is_some_and(|a| a.serves(profile)))
            .collect();
        let (as2, folders): (Vec<_>, Vec<_>) = batch
            .iter()
            .zip(&by_as2)
            .partition(|(_, over_as2)| **over_as2);
        let as2: Vec<(&Profile, &MessageRecord)> = as2.into_iter().map(|(m, _)| *m).collect();
        let folders: Vec<(&Profile, &MessageRecord)> =
            folders.into_iter().map(|(m, _)| *m).collect();
        let mut as2_results = match &self.as2 {
            Some(outlet) if !as2.is_empty() => outlet.deliver(&as2),
            _ => Vec::new(),
        }
        .into_iter();
        let mut folder_results = if folders.is_empty() {
            Vec::new()
        } else {
            self.folders.deliver(&folders)
        }
        .into_iter();
        by_as2
            .iter()
            .map(|&over_as2| {
                let next = if over_as2 {
                    as2_results.next()
                } else {
                    folder_results.next()
                };
                next.unwrap_or_else(|| {
                    Err(EngineError::Transient(
                        "the channel reported on fewer messages than it was given".into(),
                    ))
                })
            })
            .collect()
    }
}
