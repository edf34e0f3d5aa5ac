//! Group commit for the station: every received message must be durable (payload, raw
//! request, MDN) before its MDN goes out, and one transaction per message would make the
//! store's flush the station's speed limit. Requests that arrive while a commit is under way
//! wait for the next one and are committed together; alone, a request is committed at once.
//! When a group's transaction fails, its members are committed one by one, so that one bad
//! member (a Message-ID committed meanwhile by a concurrent resend) fails alone.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::engine::{Accepted, Arrival, Engine, EngineError};
use crate::store::{Direction, NewAs2Exchange, Tx};

/// The most committed in one transaction.
const MAX_GROUP: usize = 64;

/// A received exchange to be kept: its payload (none when it was refused) and its record.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub arrival: Option<Arrival>,
    pub partner: String,
    pub as2_from: String,
    pub as2_message_id: String,
    /// processed | refused
    pub status: &'static str,
    pub disposition: String,
    pub reason: Option<String>,
    pub mic: Option<String>,
    /// none | sync | async
    pub mdn_mode: &'static str,
    pub mdn: Option<Vec<u8>>,
    pub request: Vec<u8>,
}

/// What keeping an exchange came to: the payload's message (when there is one) and the
/// exchange's id.
pub type Kept = Result<(Option<Accepted>, i64), EngineError>;

type Waiting = (Exchange, oneshot::Sender<Kept>);

/// The queue into the committing task.
pub struct Committer {
    queue: mpsc::UnboundedSender<Waiting>,
}

impl Committer {
    /// Starts the committing task on the current runtime.
    pub fn start(engine: Arc<Engine>) -> Committer {
        let (queue, mut incoming) = mpsc::unbounded_channel::<Waiting>();
        tokio::spawn(async move {
            while let Some(first) = incoming.recv().await {
                let mut group = vec![first];
                while group.len() < MAX_GROUP {
                    match incoming.try_recv() {
                        Ok(next) => group.push(next),
                        Err(_) => break,
                    }
                }
                let engine = engine.clone();
                let (exchanges, replies): (Vec<Exchange>, Vec<oneshot::Sender<Kept>>) =
                    group.into_iter().unzip();
                let kept =
                    tokio::task::spawn_blocking(move || commit_group(&engine, &exchanges)).await;
                match kept {
                    Ok(kept) => {
                        for (reply, kept) in replies.into_iter().zip(kept) {
                            let _ = reply.send(kept);
                        }
                    }
                    Err(e) => {
                        for reply in replies {
                            let _ = reply.send(Err(EngineError::Transient(format!(
                                "the commit did not finish: {e}"
                            ))));
                        }
                    }
                }
            }
        });
        Committer { queue }
    }

    /// Keeps `exchange`; returns once it is durable (or is not).
    pub async fn keep(&self, exchange: Exchange) -> Kept {
        let (reply, answer) = oneshot::channel();
        if self.queue.send((exchange, reply)).is_err() {
            return Err(EngineError::Transient("the committer has stopped".into()));
        }
        answer
            .await
            .unwrap_or_else(|_| Err(EngineError::Transient("the committer has stopped".into())))
    }
}

fn record(
    tx: &mut Tx<'_>,
    e: &Exchange,
    accepted: Option<&Accepted>,
    now: chrono::NaiveDateTime,
) -> Result<i64, EngineError> {
    Ok(tx.insert_as2_exchange(&NewAs2Exchange {
        direction: Direction::In,
        partner: Some(&e.partner),
        as2_from: &e.as2_from,
        as2_message_id: &e.as2_message_id,
        message_id: accepted.map(|a| a.message_id),
        status: e.status,
        disposition: Some(&e.disposition),
        reason: e.reason.as_deref(),
        mic: e.mic.as_deref(),
        mdn_mode: e.mdn_mode,
        mdn: e.mdn.as_deref(),
        request: &e.request,
        // An asynchronous MDN is owed from now until it is delivered.
        mdn_due_at: (e.mdn_mode == "async").then_some(now),
        at: now,
    })?)
}

/// One transaction for the group; when it fails, each member alone.
fn commit_group(engine: &Engine, group: &[Exchange]) -> Vec<Kept> {
    let arrivals: Vec<Option<&Arrival>> = group.iter().map(|e| e.arrival.as_ref()).collect();
    let together = engine.accept_each_with(&arrivals, |tx, i, accepted, now| {
        record(tx, &group[i], accepted, now)
    });
    match together {
        Ok(kept) => kept.into_iter().map(Ok).collect(),
        Err(_) if group.len() > 1 => group
            .iter()
            .map(|e| {
                engine.accept_with(e.arrival.as_ref(), |tx, accepted, now| {
                    record(tx, e, accepted, now)
                })
            })
            .collect(),
        Err(e) => vec![Err(e)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{EngineConfig, ManualClock};
    use crate::partner::Directory;
    use crate::store::Store;

    fn exchange(message_id: &str) -> Exchange {
        Exchange {
            arrival: Some(Arrival {
                partner: Some("bigretail".into()),
                channel: "as2".into(),
                origin: Some(message_id.into()),
                bytes: format!("payload of {message_id}").into_bytes(),
            }),
            partner: "bigretail".into(),
            as2_from: "BIGRETAIL-AS2".into(),
            as2_message_id: message_id.into(),
            status: "processed",
            disposition: "processed".into(),
            reason: None,
            mic: None,
            mdn_mode: "sync",
            mdn: Some(b"MDN".to_vec()),
            request: b"request".to_vec(),
        }
    }

    #[test]
    fn a_group_with_a_bad_member_keeps_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db").display().to_string()).unwrap();
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
            .and_then(|d| d.and_hms_opt(6, 0, 0))
            .unwrap();
        let engine = Engine::new(
            store,
            Directory::default(),
            crate::spec::standard().unwrap(),
            Arc::new(ManualClock::new(at)),
            EngineConfig::default(),
        );
        // The second and third carry one Message-ID: the group's transaction fails, and
        // member by member only the third does.
        let group = [exchange("<a@x>"), exchange("<b@x>"), exchange("<b@x>")];
        let kept = commit_group(&engine, &group);
        assert!(kept[0].is_ok() && kept[1].is_ok(), "{kept:?}");
        assert!(kept[2].is_err(), "{kept:?}");
        let (exchanges, messages) = engine
            .store
            .read(|tx| {
                Ok::<_, crate::store::StoreError>((
                    tx.as2_exchanges(&[], 10)?.len(),
                    tx.messages(&Default::default())?.len(),
                ))
            })
            .unwrap();
        assert_eq!(
            (exchanges, messages),
            (2, 2),
            "the failed member left nothing behind"
        );
        // A sound group is one transaction.
        let kept = commit_group(&engine, &[exchange("<c@x>"), exchange("<d@x>")]);
        assert!(kept.iter().all(Result::is_ok), "{kept:?}");
    }
}
