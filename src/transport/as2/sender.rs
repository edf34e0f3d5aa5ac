//! Sending over AS2: a message of ours built as the partner's profile says, POSTed with a
//! Message-ID kept across retries, and its MDN checked (signature against the pinned
//! certificate, Original-Message-ID, Received-Content-MIC against ours) and recorded. An
//! asynchronous MDN is awaited in the store and becomes overdue when it does not come.
//!
//! Delivery counts as done (the job completes) once the partner has the message: a
//! processed synchronous MDN, or a 2xx answer when the MDN is asynchronous. A negative or
//! unverifiable MDN is an exception, with the MDN's words, for people to act on; connection
//! errors, 408, 425, 429 and 5xx are retried by the job queue with its backoff.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use chrono::TimeDelta;

use super::http::{self, Client, ClientConfig, Response};
use super::mdn::{self, Addressing, Disposition};
use super::mic::Mic;
use super::outbound::{self, Built, Compression, Payload, Protection, Receipt};
use super::station::{As2Partner, MdnMode, new_message_id, wire_record};
use crate::engine::{Engine, EngineError, Outlet};
use crate::partner::Profile;
use crate::store::{Direction, MdnUpdate, MessageRecord, NewAs2Exchange};

/// How long an asynchronous MDN may take before the exchange is overdue.
pub const ASYNC_MDN_WITHIN: TimeDelta = TimeDelta::hours(1);

/// The AS2 side of delivery.
pub struct As2Outlet {
    engine: Arc<Engine>,
    partners: HashMap<String, (As2Partner, Client)>,
    runtime: tokio::runtime::Handle,
    product: String,
    /// Where partners POST asynchronous MDNs to us (our station's public URL).
    mdn_url: Option<String>,
}

/// One POST: the URL, the headers, the body and the partner's client.
struct Post {
    url: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Bytes,
    client: Client,
}

/// A message ready to POST, or what became of it already.
enum Prepared {
    Done(Result<String, EngineError>),
    Post {
        exchange: i64,
        url: String,
        built: Built,
        message_id: String,
        mode: MdnMode,
    },
}

impl As2Outlet {
    /// An outlet for `partners` (those whose profile has [transport.as2]); `runtime` runs the
    /// POSTs (delivery itself is called from a blocking thread).
    pub fn new(
        engine: Arc<Engine>,
        partners: Vec<As2Partner>,
        runtime: tokio::runtime::Handle,
        product: String,
        mdn_url: Option<String>,
    ) -> Result<As2Outlet, String> {
        let mut by_id = HashMap::new();
        for partner in partners {
            let client = Client::new(ClientConfig {
                connect_timeout: std::time::Duration::from_secs(30),
                request_timeout: std::time::Duration::from_secs(300),
                extra_roots: partner.sending.tls_ca.iter().cloned().collect(),
                use_system_roots: true,
                max_response_bytes: 1 << 20,
            })
            .map_err(|e| format!("partner {}: {e}", partner.id))?;
            by_id.insert(partner.id.clone(), (partner, client));
        }
        Ok(As2Outlet {
            engine,
            partners: by_id,
            runtime,
            product,
            mdn_url,
        })
    }

    /// Whether `profile`'s messages go through this outlet.
    pub fn serves(&self, profile: &Profile) -> bool {
        self.partners.contains_key(&profile.id)
    }

    fn prepare(&self, profile: &Profile, message: &MessageRecord) -> Prepared {
        let Some((partner, _)) = self.partners.get(&profile.id) else {
            return Prepared::Done(Err(EngineError::Permanent(format!(
                "message {}: partner {} does not trade over AS2",
                message.id, profile.id
            ))));
        };
        match self.prepare_for(partner, message) {
            Ok(prepared) => prepared,
            Err(e) => Prepared::Done(Err(e)),
        }
    }

    fn prepare_for(
        &self,
        partner: &As2Partner,
        message: &MessageRecord,
    ) -> Result<Prepared, EngineError> {
        let sending = &partner.sending;
        let earlier = self
            .engine
            .store
            .read(|tx| tx.as2_exchange_for_message(Direction::Out, message.id))?;
        if let Some(e) = &earlier {
            match e.status.as_str() {
                "processed" => {
                    return Ok(Prepared::Done(Ok(format!(
                        "AS2 {} to {} (already acknowledged by its MDN)",
                        e.as2_message_id, partner.their_name
                    ))));
                }
                "awaiting-mdn" | "overdue" => {
                    return Ok(Prepared::Done(Ok(format!(
                        "AS2 {} to {} (posted; its MDN is awaited)",
                        e.as2_message_id, partner.their_name
                    ))));
                }
                _ => {}
            }
        }
        let message_id = match &earlier {
            Some(e) => e.as2_message_id.clone(),
            None => new_message_id(&self.engine, &partner.our_name),
        };
        let mode = match (&sending.mdn, &self.mdn_url) {
            (MdnMode::Async, None) => {
                return Err(EngineError::Permanent(format!(
                    "message {}: partner {} wants asynchronous MDNs, but no [as2] public_url says where they should come",
                    message.id, partner.id
                )));
            }
            (mode, _) => *mode,
        };
        let signed = sending.signed_mdn.then_some(sending.digest);
        let receipt = match mode {
            MdnMode::Sync => Receipt::Sync { signed },
            MdnMode::Async => Receipt::Async {
                url: self.mdn_url.clone().unwrap_or_default(),
                signed,
            },
        };
        let date = self.engine.clock.now().and_utc().to_rfc2822();
        let name = message
            .origin
            .clone()
            .unwrap_or_else(|| format!("{}-{}.x12", partner.id, message.id));
        let built = outbound::build(
            &Payload {
                content: &message.body,
                content_type: "application/edi-x12",
                filename: Some(&name),
            },
            &Protection {
                sign: sending.sign.then_some((&partner.ours[0], sending.digest)),
                encrypt: sending
                    .encrypt
                    .then(|| partner.pinned.first().map(|c| (c, sending.cipher)))
                    .flatten(),
                compression: if sending.compress {
                    Compression::BeforeSigning
                } else {
                    Compression::None
                },
            },
            &receipt,
            &Addressing {
                from: &partner.our_name,
                to: &partner.their_name,
                message_id: &message_id,
                date: &date,
                product: &self.product,
            },
            &name,
        )
        .map_err(|e| EngineError::Permanent(format!("message {}: {e}", message.id)))?;
        let request = wire_record(&built.wire.headers, &built.wire.body);
        let mic = built.mic.to_string();
        let now = self.engine.clock.now();
        let exchange = self.engine.store.write(|tx| match &earlier {
            Some(e) => {
                tx.set_as2_status(e.id, "sending", None, None, now)?;
                Ok::<_, EngineError>(e.id)
            }
            None => Ok(tx.insert_as2_exchange(&NewAs2Exchange {
                direction: Direction::Out,
                partner: Some(&partner.id),
                as2_from: &partner.our_name,
                as2_message_id: &message_id,
                message_id: Some(message.id),
                status: "sending",
                disposition: None,
                reason: None,
                mic: Some(&mic),
                mdn_mode: mode.name(),
                mdn: None,
                request: &request,
                mdn_due_at: None,
                at: now,
            })?),
        })?;
        Ok(Prepared::Post {
            exchange,
            url: sending.url.clone(),
            built,
            message_id,
            mode,
        })
    }

    /// What the answer to a POST means for the exchange and the job.
    fn conclude(
        &self,
        partner: &As2Partner,
        exchange: i64,
        message_id: &str,
        expected: &Mic,
        mode: MdnMode,
        answer: Result<Response, http::HttpError>,
    ) -> Result<String, EngineError> {
        let now = self.engine.clock.now();
        let response = match answer {
            Ok(r) => r,
            Err(e) => {
                let reason = format!("POST to {} failed: {e}", partner.sending.url);
                self.engine.store.write(|tx| {
                    tx.set_as2_status(exchange, "retrying", Some(&reason), None, now)
                })?;
                return Err(if e.retryable() {
                    EngineError::Transient(reason)
                } else {
                    EngineError::Permanent(reason)
                });
            }
        };
        if !(200..300).contains(&response.status) {
            let text = String::from_utf8_lossy(&response.body[..response.body.len().min(300)])
                .trim()
                .to_string();
            let reason = format!(
                "{} answered HTTP {}: {text}",
                partner.sending.url, response.status
            );
            let status = if http::status_retryable(response.status) {
                "retrying"
            } else {
                "refused"
            };
            self.engine
                .store
                .write(|tx| tx.set_as2_status(exchange, status, Some(&reason), None, now))?;
            return Err(if status == "retrying" {
                EngineError::Transient(reason)
            } else {
                EngineError::Permanent(reason)
            });
        }
        if mode == MdnMode::Async {
            let due = now + ASYNC_MDN_WITHIN;
            self.engine
                .store
                .write(|tx| tx.await_as2_mdn(exchange, due, now))?;
            return Ok(format!(
                "AS2 {message_id} to {} (posted; its MDN is awaited)",
                partner.their_name
            ));
        }
        let headers: Vec<(String, String)> = response
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), v.iter().map(|&b| b as char).collect()))
            .collect();
        let content_type = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let verdict = judge(
            partner,
            message_id,
            expected,
            mdn::read(&content_type, &response.body, &partner.pinned),
        );
        let record = wire_record(&headers, &response.body);
        record_verdict(&self.engine, exchange, &verdict, &record, now)?;
        match verdict.status {
            "processed" => Ok(format!(
                "AS2 {message_id} to {} (MDN: {})",
                partner.their_name, verdict.disposition
            )),
            _ => Err(EngineError::Permanent(format!(
                "AS2 {message_id} to {}: {}",
                partner.their_name,
                verdict.reason.unwrap_or_default()
            ))),
        }
    }
}

/// What an MDN for one of our messages says, once checked.
pub struct Verdict {
    /// processed | rejected | unverified
    pub status: &'static str,
    pub disposition: String,
    pub reason: Option<String>,
}

/// Checks an MDN against the message it answers: signed when we asked, for our
/// Message-ID, the MIC we computed, and processed.
pub fn judge(
    partner: &As2Partner,
    message_id: &str,
    expected: &Mic,
    read: Result<mdn::Received, mdn::MdnError>,
) -> Verdict {
    let received = match read {
        Ok(r) => r,
        Err(e) => {
            return Verdict {
                status: "unverified",
                disposition: String::new(),
                reason: Some(format!("the MDN cannot be accepted: {e}")),
            };
        }
    };
    let disposition = received.report.disposition.to_string();
    let unverified = |reason: String| Verdict {
        status: "unverified",
        disposition: disposition.clone(),
        reason: Some(reason),
    };
    if partner.sending.signed_mdn && received.signer.is_none() {
        return unverified("we asked for a signed MDN and the MDN is not signed".into());
    }
    if received.report.original_message_id.trim() != message_id.trim() {
        return unverified(format!(
            "the MDN answers {}, not {message_id}",
            received.report.original_message_id
        ));
    }
    match &received.report.disposition {
        Disposition::Processed | Disposition::Warning(_) => {}
        other => {
            return Verdict {
                status: "rejected",
                disposition: disposition.clone(),
                reason: Some(format!(
                    "the partner did not process it: {other}{}",
                    if received.report.explanation.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", received.report.explanation)
                    }
                )),
            };
        }
    }
    match &received.report.received_mic {
        Some(mic) if mic == expected => Verdict {
            status: "processed",
            disposition,
            reason: None,
        },
        Some(mic) => unverified(format!(
            "the MDN's Received-Content-MIC {mic} is not ours ({expected}): what arrived is not what we sent"
        )),
        // Products commonly leave the MIC out for an unsigned message (RFC 4130 asks for
        // one, but nothing was signed for it to vouch for).
        None if !partner.sending.sign => Verdict {
            status: "processed",
            disposition,
            reason: Some("the MDN has no Received-Content-MIC (the message was not signed)".into()),
        },
        None => unverified("the MDN has no Received-Content-MIC to check".into()),
    }
}

/// Records a verdict on an exchange of ours.
pub fn record_verdict(
    engine: &Engine,
    exchange: i64,
    verdict: &Verdict,
    mdn: &[u8],
    now: chrono::NaiveDateTime,
) -> Result<(), EngineError> {
    engine.store.write(|tx| {
        tx.record_as2_mdn(
            exchange,
            &MdnUpdate {
                status: verdict.status,
                disposition: Some(&verdict.disposition),
                reason: verdict.reason.as_deref(),
                mdn: Some(mdn),
                at: now,
            },
        )
        .map_err(EngineError::from)
    })
}

impl Outlet for As2Outlet {
    /// Builds and records each message (store and CPU, on this thread), POSTs them all at
    /// once, then checks and records each answer.
    fn deliver(&self, batch: &[(&Profile, &MessageRecord)]) -> Vec<Result<String, EngineError>> {
        let prepared: Vec<Prepared> = batch
            .iter()
            .map(|(profile, message)| self.prepare(profile, message))
            .collect();
        let posts: Vec<Option<Post>> = prepared
            .iter()
            .zip(batch)
            .map(|(p, (profile, _))| match p {
                Prepared::Post { url, built, .. } => {
                    let client = self.partners.get(&profile.id).map(|(_, c)| c.clone())?;
                    Some(Post {
                        url: url.clone(),
                        headers: built
                            .wire
                            .headers
                            .iter()
                            .map(|(n, v)| (n.clone(), v.clone().into_bytes()))
                            .collect(),
                        body: Bytes::from(built.wire.body.clone()),
                        client,
                    })
                }
                Prepared::Done(_) => None,
            })
            .collect();
        let answers: Vec<Option<Result<Response, http::HttpError>>> =
            self.runtime.block_on(async {
                let mut tasks = tokio::task::JoinSet::new();
                for (i, post) in posts.into_iter().enumerate() {
                    if let Some(p) = post {
                        tasks.spawn(
                            async move { (i, p.client.post(&p.url, &p.headers, p.body).await) },
                        );
                    }
                }
                let mut answers: Vec<Option<Result<Response, http::HttpError>>> =
                    (0..batch.len()).map(|_| None).collect();
                while let Some(done) = tasks.join_next().await {
                    if let Ok((i, answer)) = done {
                        answers[i] = Some(answer);
                    }
                }
                answers
            });
        prepared
            .into_iter()
            .zip(answers)
            .zip(batch)
            .map(|((prepared, answer), (profile, _))| match prepared {
                Prepared::Done(result) => result,
                Prepared::Post {
                    exchange,
                    built,
                    message_id,
                    mode,
                    ..
                } => {
                    let Some((partner, _)) = self.partners.get(&profile.id) else {
                        return Err(EngineError::Permanent("partner gone".into()));
                    };
                    let Some(answer) = answer else {
                        return Err(EngineError::Transient(format!(
                            "AS2 {message_id}: the POST did not finish"
                        )));
                    };
                    self.conclude(partner, exchange, &message_id, &built.mic, mode, answer)
                }
            })
            .collect()
    }
}
