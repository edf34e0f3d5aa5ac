//! The inbox: a message is committed to the store, raw, before anything else happens to it
//! (before it is acknowledged, archived or answered); duplicates of its content are
//! recorded as such and never processed twice.

use sha2::{Digest, Sha256};

use super::{Engine, EngineError};
use chrono::NaiveDateTime;

use crate::store::{Direction, JobKind, NewMessage, Tx};

/// A message as it arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// The partner whose channel it came in on (a partner's folder, an AS2 station), if
    /// the channel says; the ISA ids decide who sent it.
    pub partner: Option<String>,
    /// `folder`, `submit`, `as2`, `sftp`.
    pub channel: String,
    /// The file name or message id it arrived as.
    pub origin: Option<String>,
    pub bytes: Vec<u8>,
}

/// What the inbox made of an arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub message_id: i64,
    /// The earlier message with the same content, when this is a copy of it.
    pub duplicate_of: Option<i64>,
    pub sha256: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

impl Engine {
    /// Records an arrival the channel would not take (too large), with no content: an
    /// exception that says why and where the file is.
    pub fn refuse_arrival(
        &self,
        partner: &str,
        channel: &str,
        origin: &str,
        reason: &str,
    ) -> Result<i64, EngineError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let id = tx.insert_message(&NewMessage {
                direction: Direction::In,
                kind: "x12",
                partner: Some(partner),
                channel,
                origin: Some(origin),
                sha256: "",
                body: &[],
                status: "failed",
                duplicate_of: None,
                note: Some(reason),
                at: now,
            })?;
            tx.mark_released(&[id])?;
            tx.audit(
                &format!("{channel}:{partner}"),
                "message",
                id,
                None,
                "failed",
                Some(reason),
                now,
            )?;
            tx.insert_failed_job(JobKind::Receive, Some(id), reason, now)?;
            Ok::<_, EngineError>(id)
        })
    }

    /// Keeps `arrivals` in one transaction and queues each for processing; when this
    /// returns, they are durable.
    pub fn accept(&self, arrivals: &[Arrival]) -> Result<Vec<Accepted>, EngineError> {
        let hashes: Vec<String> = arrivals.iter().map(|a| sha256_hex(&a.bytes)).collect();
        let now = self.clock.now();
        self.store.write(|tx| {
            arrivals
                .iter()
                .zip(&hashes)
                .map(|(arrival, sha)| keep(tx, arrival, sha, now))
                .collect::<Result<Vec<_>, EngineError>>()
        })
    }

    /// Keeps `arrival` (when there is one) and, in the same transaction, what the channel
    /// records about it (an AS2 exchange and its MDN): either both are durable or neither.
    pub fn accept_with<T>(
        &self,
        arrival: Option<&Arrival>,
        then: impl FnOnce(&mut Tx<'_>, Option<&Accepted>, NaiveDateTime) -> Result<T, EngineError>,
    ) -> Result<(Option<Accepted>, T), EngineError> {
        let mut then = Some(then);
        let mut kept =
            self.accept_each_with(&[arrival], |tx, _, accepted, now| match then.take() {
                Some(then) => then(tx, accepted, now),
                None => Err(EngineError::Permanent(
                    "accept_with ran its record twice".into(),
                )),
            })?;
        kept.pop()
            .ok_or_else(|| EngineError::Permanent("accept_with kept nothing".into()))
    }

    /// [`Engine::accept_with`] for many at once, in one transaction (a channel's group
    /// commit): `then` is called with each one's index. Any failure undoes them all.
    pub fn accept_each_with<T>(
        &self,
        arrivals: &[Option<&Arrival>],
        mut then: impl FnMut(
            &mut Tx<'_>,
            usize,
            Option<&Accepted>,
            NaiveDateTime,
        ) -> Result<T, EngineError>,
    ) -> Result<Vec<(Option<Accepted>, T)>, EngineError> {
        let hashes: Vec<Option<String>> = arrivals
            .iter()
            .map(|a| a.map(|a| sha256_hex(&a.bytes)))
            .collect();
        let now = self.clock.now();
        self.store.write(|tx| {
            let mut kept = Vec::with_capacity(arrivals.len());
            for (i, (arrival, sha)) in arrivals.iter().zip(&hashes).enumerate() {
                let accepted = match (arrival, sha) {
                    (Some(arrival), Some(sha)) => Some(keep(tx, arrival, sha, now)?),
                    _ => None,
                };
                let recorded = then(tx, i, accepted.as_ref(), now)?;
                kept.push((accepted, recorded));
            }
            Ok::<_, EngineError>(kept)
        })
    }
}

/// One arrival stored and queued for processing (a copy of an earlier one marked so).
fn keep(
    tx: &mut Tx<'_>,
    arrival: &Arrival,
    sha: &str,
    now: NaiveDateTime,
) -> Result<Accepted, EngineError> {
    let duplicate_of = tx.received_with_sha256(sha)?;
    let note =
        duplicate_of.map(|d| format!("the same content as message {d}: not processed again"));
    let status = if duplicate_of.is_some() {
        "duplicate"
    } else {
        "received"
    };
    let id = tx.insert_message(&NewMessage {
        direction: Direction::In,
        kind: "x12",
        partner: arrival.partner.as_deref(),
        channel: &arrival.channel,
        origin: arrival.origin.as_deref(),
        sha256: sha,
        body: &arrival.bytes,
        status,
        duplicate_of,
        note: note.as_deref(),
        at: now,
    })?;
    let actor = format!(
        "{}:{}",
        arrival.channel,
        arrival.partner.as_deref().unwrap_or("-")
    );
    tx.audit(&actor, "message", id, None, status, note.as_deref(), now)?;
    // A copy is still answered (TA1 025 when the partner's policy asks for one).
    tx.enqueue(JobKind::Receive, Some(id), None, now)?;
    Ok(Accepted {
        message_id: id,
        duplicate_of,
        sha256: sha.to_string(),
    })
}
