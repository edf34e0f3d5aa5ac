//! The AS2 station: what happens to a message a partner POSTs to us.
//!
//! The partner is found by AS2-From and AS2-To; a resend (a Message-ID already answered)
//! gets the MDN stored for it and nothing more; otherwise the message is opened as the
//! partner's profile says, its payload and the exchange (the raw request and the MDN) are
//! committed in one transaction, and only then does the MDN go out: in the HTTP response,
//! or POSTed to the partner's Receipt-Delivery-Option URL on a connection of its own.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use openssl::x509::X509;
use tokio::sync::Notify;

use super::committer::{Committer, Exchange};
use super::http::{self, Client, Handler, Request, Response};
use super::inbound::{self, Opened, Refusal, Security};
use super::mdn::{self, Addressing, Disposition, Modifier, Report, Wire};
use super::mic::Mic;
use super::mime::Entity;
use super::names;
use super::options::{Digest, DispositionOptions};
use super::sender;
use super::smime::{self, ContentCipher, KeyPair};
use crate::engine::{Arrival, Engine};
use crate::partner::{Profile, Secret};
use crate::store::{As2Exchange, Direction};

/// How the station treats what arrives.
#[derive(Debug, Clone)]
pub struct StationConfig {
    /// The most a compressed payload may expand to.
    pub max_decompressed_bytes: usize,
    /// Written in Reporting-UA and the Server header.
    pub product: String,
    /// Attempts at POSTing an asynchronous MDN, and the first wait between them (doubled
    /// each time).
    pub mdn_attempts: u32,
    pub mdn_first_retry: Duration,
    /// An asynchronous MDN still owed this long after the message (its first attempts
    /// failed, or serve stopped) is sent again by [`Station::redeliver_owed_mdns`].
    pub mdn_sweep_after: Duration,
}

impl Default for StationConfig {
    fn default() -> Self {
        StationConfig {
            max_decompressed_bytes: 512 << 20,
            product: format!("edigate {}", env!("CARGO_PKG_VERSION")),
            mdn_attempts: 8,
            mdn_first_retry: Duration::from_secs(1),
            mdn_sweep_after: Duration::from_secs(600),
        }
    }
}

/// A partner's AS2 settings with its certificates and our keys read.
#[derive(Debug, Clone)]
pub struct As2Partner {
    pub id: String,
    /// Their AS2 name (AS2-From of what they send).
    pub their_name: String,
    /// Ours towards them (AS2-To of what they send).
    pub our_name: String,
    pub pinned: Vec<X509>,
    pub ours: Vec<KeyPair>,
    pub require_signed: bool,
    pub require_encrypted: bool,
    pub accept_gcm: bool,
    /// How we send to them.
    pub sending: Sending,
}

/// Synchronous or asynchronous MDNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MdnMode {
    Sync,
    Async,
}

impl MdnMode {
    pub fn name(self) -> &'static str {
        match self {
            MdnMode::Sync => "sync",
            MdnMode::Async => "async",
        }
    }
}

/// What the profile says about sending to a partner.
#[derive(Debug, Clone)]
pub struct Sending {
    pub url: String,
    pub sign: bool,
    pub encrypt: bool,
    pub compress: bool,
    pub digest: Digest,
    pub cipher: ContentCipher,
    pub mdn: MdnMode,
    pub signed_mdn: bool,
    /// The CA of the partner's TLS certificate, when it is not a public one.
    pub tls_ca: Option<std::path::PathBuf>,
}

impl As2Partner {
    /// The AS2 side of a profile, its secrets read (paths relative to the partners folder,
    /// or an environment variable holding the PEM). None when the partner does not trade
    /// over AS2.
    pub fn load(profile: &Profile, partners_dir: &Path) -> Result<Option<As2Partner>, String> {
        let Some(as2) = profile.transport.as_ref().and_then(|t| t.as2.as_ref()) else {
            return Ok(None);
        };
        let named = |what: &str| format!("partner {}: {what}", profile.id);
        let their_name = profile
            .partner
            .as2
            .clone()
            .ok_or_else(|| named("[partner] as2 (their AS2 name) is not given"))?;
        let our_name = profile
            .us
            .as2
            .clone()
            .ok_or_else(|| named("[us] as2 (our AS2 name towards them) is not given"))?;
        let read = |key: &str, secret: &Secret| {
            read_secret(secret, partners_dir)
                .map_err(|e| named(&format!("transport.as2.{key}: {e}")))
        };
        let pinned =
            smime::certificates_from_pem(&read("partner_certificate", &as2.partner_certificate)?)
                .map_err(|e| named(&format!("transport.as2.partner_certificate: {e}")))?;
        let mut ours = vec![
            KeyPair::from_pem(&read("our_key", &as2.our_key)?)
                .map_err(|e| named(&format!("transport.as2.our_key: {e}")))?,
        ];
        if let Some(next) = &as2.our_next_key {
            ours.push(
                KeyPair::from_pem(&read("our_next_key", next)?)
                    .map_err(|e| named(&format!("transport.as2.our_next_key: {e}")))?,
            );
        }
        let digest = Digest::from_name(&as2.digest).ok_or_else(|| {
            named(&format!(
                "transport.as2.digest '{}' is not known",
                as2.digest
            ))
        })?;
        let cipher = ContentCipher::from_name(&as2.cipher).ok_or_else(|| {
            named(&format!(
                "transport.as2.cipher '{}' is not known",
                as2.cipher
            ))
        })?;
        let tls_ca = match &as2.tls_ca {
            None => None,
            Some(Secret::Path { path }) => Some(partners_dir.join(path)),
            Some(_) => {
                return Err(named(
                    "transport.as2.tls_ca: give the CA's PEM as { path = \"FILE\" }",
                ));
            }
        };
        Ok(Some(As2Partner {
            sending: Sending {
                url: as2.url.clone(),
                sign: as2.sign,
                encrypt: as2.encrypt,
                compress: as2.compress,
                digest,
                cipher,
                mdn: if as2.mdn == "async" {
                    MdnMode::Async
                } else {
                    MdnMode::Sync
                },
                signed_mdn: as2.signed_mdn,
                tls_ca,
            },
            id: profile.id.clone(),
            their_name,
            our_name,
            pinned,
            ours,
            require_signed: as2.require_signed.unwrap_or(as2.sign),
            require_encrypted: as2.require_encrypted.unwrap_or(as2.encrypt),
            accept_gcm: as2.accept_gcm,
        }))
    }
}

/// A certificate a partner's AS2 depends on, and how long it has left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiry {
    pub partner: String,
    /// `their certificate` or `our certificate`.
    pub role: &'static str,
    pub subject: String,
    /// Days from `now` to its end (negative: expired).
    pub days_left: i64,
}

impl As2Partner {
    /// Every certificate of the relationship with the days each has left at `now` (a Unix
    /// time): the partner's pinned ones and those of our keys.
    pub fn expiries(&self, now: i64) -> Vec<Expiry> {
        let Ok(now) = openssl::asn1::Asn1Time::from_unix(now) else {
            return Vec::new();
        };
        let theirs = self.pinned.iter().map(|c| ("their certificate", c));
        let ours = self
            .ours
            .iter()
            .map(|k| ("our certificate", &k.certificate));
        theirs
            .chain(ours)
            .filter_map(|(role, certificate)| {
                let diff = now.diff(certificate.not_after()).ok()?;
                Some(Expiry {
                    partner: self.id.clone(),
                    role,
                    subject: smime::subject(certificate),
                    days_left: i64::from(diff.days),
                })
            })
            .collect()
    }
}

fn read_secret(secret: &Secret, partners_dir: &Path) -> Result<Vec<u8>, String> {
    match secret {
        Secret::Path { path } => {
            let full = partners_dir.join(path);
            std::fs::read(&full).map_err(|e| format!("cannot read {}: {e}", full.display()))
        }
        Secret::Env { env } => std::env::var(env)
            .map(String::into_bytes)
            .map_err(|_| format!("the environment variable {env} is not set")),
        Secret::Inline(_) => Err("a secret written inline is refused".into()),
    }
}

/// A Message-ID for a message or MDN of ours: unique across restarts and processes (time,
/// a process-wide sequence, random bits), with angle brackets.
pub fn new_message_id(engine: &Engine, domain: &str) -> String {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let mut random = [0u8; 8];
    // rand_bytes fails only when OpenSSL's generator cannot be seeded; the time and the
    // sequence still keep the id unique in this process.
    let _ = openssl::rand::rand_bytes(&mut random);
    let random: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let domain: String = domain
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
        .collect();
    format!(
        "<edigate-{}-{}-{random}@{}>",
        engine.clock.now().and_utc().timestamp_millis(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed),
        if domain.is_empty() {
            "edigate"
        } else {
            &domain
        }
    )
}

/// The station: the HTTP handler for every AS2 partner.
pub struct Station {
    engine: Arc<Engine>,
    partners: Vec<As2Partner>,
    config: StationConfig,
    client: Client,
    /// Told when a payload is committed, so that the workers take it at once.
    wake: Arc<Notify>,
    /// Started with the first message (on the runtime that serves the requests).
    committer: tokio::sync::OnceCell<Committer>,
}

/// A request's headers as text (bytes outside ASCII taken as Latin-1: nothing lost).
struct Headers(Vec<(String, String)>);

impl Headers {
    fn of(request: &Request) -> Headers {
        Headers(
            request
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.iter().map(|&b| b as char).collect()))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// Headers and body as one record, the way the store keeps a request or an MDN.
pub fn wire_record(headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 512);
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend(value.chars().map(|c| c as u32 as u8));
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn wire_from_record(record: &[u8]) -> Option<Wire> {
    let entity = Entity::parse(record).ok()?;
    Some(Wire {
        headers: entity
            .headers
            .iter()
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect(),
        body: entity.body.to_vec(),
    })
}

fn text_response(status: u16, text: &str) -> Response {
    Response {
        status,
        headers: vec![("Content-Type".into(), b"text/plain; charset=utf-8".to_vec())],
        body: Bytes::from(format!("{text}\n")),
    }
}

fn mdn_response(wire: &Wire) -> Response {
    Response {
        status: 200,
        headers: wire
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), v.clone().into_bytes()))
            .collect(),
        body: Bytes::from(wire.body.clone()),
    }
}

fn log(line: &str) {
    eprintln!("edigate as2: {line}");
}

/// What the sender asked of its receipt.
struct Asked {
    /// No Disposition-Notification-To: no MDN at all.
    mdn: bool,
    /// Receipt-Delivery-Option: where an asynchronous MDN goes.
    async_url: Option<String>,
    signed: bool,
    mic_digest: Option<Digest>,
}

impl Asked {
    fn of(headers: &Headers) -> Asked {
        let options = headers
            .get("disposition-notification-options")
            .map(DispositionOptions::parse);
        let options = match options {
            Some(Ok(options)) => options,
            Some(Err(e)) => {
                // An unreadable options header still gets a receipt; unsigned, since what
                // was asked cannot be known.
                log(&format!("{e}; answering with an unsigned MDN"));
                DispositionOptions::default()
            }
            None => DispositionOptions::default(),
        };
        Asked {
            mdn: headers.get("disposition-notification-to").is_some(),
            async_url: headers
                .get("receipt-delivery-option")
                .filter(|u| !u.is_empty())
                .map(str::to_string),
            signed: options.wants_signed_receipt(),
            mic_digest: options.mic_digest(),
        }
    }
}

impl Station {
    pub fn new(
        engine: Arc<Engine>,
        partners: Vec<As2Partner>,
        config: StationConfig,
        client: Client,
        wake: Arc<Notify>,
    ) -> Station {
        Station {
            engine,
            partners,
            config,
            client,
            wake,
            committer: tokio::sync::OnceCell::new(),
        }
    }

    async fn committer(&self) -> &Committer {
        self.committer
            .get_or_init(|| async { Committer::start(self.engine.clone()) })
            .await
    }

    /// The partner that sends as `from` to us as `to` (AS2 names compare case-sensitively).
    fn partner(&self, from: &str, to: &str) -> Option<As2Partner> {
        self.partners
            .iter()
            .find(|p| p.their_name == from && p.our_name == to)
            .cloned()
    }

    fn date(&self) -> String {
        self.engine.clock.now().and_utc().to_rfc2822()
    }

    fn build_mdn(
        &self,
        report: &Report,
        from: &str,
        to: &str,
        signer: Option<(&KeyPair, Digest)>,
    ) -> Result<Wire, String> {
        let message_id = new_message_id(&self.engine, from);
        let date = self.date();
        mdn::build(
            report,
            &Addressing {
                from,
                to,
                message_id: &message_id,
                date: &date,
                product: &self.config.product,
            },
            signer,
        )
        .map_err(|e| format!("the MDN cannot be signed: {e}"))
    }

    async fn receive(self: Arc<Self>, request: Request) -> Response {
        let headers = Headers::of(&request);
        let (Some(from), Some(to)) = (
            headers.get("as2-from").and_then(names::read),
            headers.get("as2-to").and_then(names::read),
        ) else {
            log(&format!(
                "refused a request from {}: no readable AS2-From and AS2-To headers",
                request.remote
            ));
            return text_response(
                400,
                "not an AS2 message: AS2-From and AS2-To (1 to 128 printable ASCII characters) are required",
            );
        };
        let Some(message_id) = headers
            .get("message-id")
            .filter(|m| !m.is_empty())
            .map(str::to_string)
        else {
            log(&format!(
                "refused a message from {from} ({}): no Message-ID",
                request.remote
            ));
            return text_response(400, "not an AS2 message: Message-ID is required");
        };
        let content_type = headers
            .get("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let signed_report = content_type.starts_with("multipart/signed")
            && headers.get("disposition-notification-to").is_none()
            && memchr::memmem::find(&request.body, b"multipart/report").is_some();
        if content_type.starts_with("multipart/report") || signed_report {
            return self.receive_mdn(&from, &to, &headers, &request).await;
        }
        let asked = Asked::of(&headers);
        let Some(partner) = self.partner(&from, &to) else {
            log(&format!(
                "refused {message_id} from {} ({}): no partner trades with AS2-From '{from}' towards AS2-To '{to}'; nothing kept",
                request.remote,
                names::write(&from)
            ));
            if !asked.mdn {
                return text_response(
                    403,
                    &format!("unknown trading relationship: AS2-From '{from}', AS2-To '{to}'"),
                );
            }
            let report = Report {
                reporting_ua: self.config.product.clone(),
                final_recipient: to.clone(),
                original_message_id: message_id.clone(),
                received_mic: None,
                disposition: Disposition::Error(Modifier::UnknownTradingRelationship),
                explanation: format!(
                    "The message was not processed: no trading relationship from '{from}' to '{to}' is configured here. Check the AS2 names with your trading partner."
                ),
            };
            // Unsigned: without a relationship there is no agreed key to sign with.
            return match self.build_mdn(&report, &to, &from, None) {
                Ok(wire) => mdn_response(&wire),
                Err(e) => text_response(500, &e),
            };
        };

        // A resend: the receipt already given, nothing processed again.
        let engine = self.engine.clone();
        let lookup = {
            let (from, message_id) = (from.clone(), message_id.clone());
            tokio::task::spawn_blocking(move || {
                engine
                    .store
                    .read(|tx| tx.as2_exchange_by_message_id(Direction::In, &from, &message_id))
            })
        };
        match lookup.await {
            Ok(Ok(Some(earlier))) => {
                return self
                    .clone()
                    .answer_resend(&partner, &asked, earlier, &message_id)
                    .await;
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => {
                log(&format!(
                    "{message_id} from {from}: the store cannot be read ({e}); answered 503 so that the partner resends"
                ));
                return text_response(
                    503,
                    "the gateway cannot store messages at the moment; send again later",
                );
            }
            Err(e) => return text_response(500, &format!("internal error: {e}")),
        }

        // Opening is CPU work (RSA, digests, inflating): off the runtime's threads.
        let opened = {
            let partner = partner.clone();
            let pairs: Vec<(String, String)> = headers.0.clone();
            let body = request.body.clone();
            let max = self.config.max_decompressed_bytes;
            let digest = asked.mic_digest;
            tokio::task::spawn_blocking(move || {
                let pairs: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect();
                inbound::open(
                    &pairs,
                    &body,
                    &Security {
                        pinned: &partner.pinned,
                        ours: &partner.ours,
                        require_signed: partner.require_signed,
                        require_encrypted: partner.require_encrypted,
                        accept_gcm: partner.accept_gcm,
                        max_decompressed: max,
                    },
                    digest,
                )
            })
            .await
        };
        let opened: Result<Opened, Refusal> = match opened {
            Ok(result) => result,
            Err(e) => Err(Refusal {
                modifier: Modifier::UnexpectedProcessingError,
                reason: format!("opening the message failed: {e}"),
                mic: None,
            }),
        };
        let report = match &opened {
            Ok(o) => Report {
                reporting_ua: self.config.product.clone(),
                final_recipient: to.clone(),
                original_message_id: message_id.clone(),
                received_mic: Some(o.mic.clone()),
                disposition: Disposition::Processed,
                explanation: format!(
                    "The message {message_id} from {from} was received{} and stored for processing.",
                    match (&o.signer, &o.encryption) {
                        (Some(_), Some(_)) => ", decrypted and its signature verified",
                        (Some(_), None) => " and its signature verified",
                        (None, Some(_)) => " and decrypted",
                        (None, None) => "",
                    }
                ),
            },
            Err(r) => {
                log(&format!(
                    "refused {message_id} from {from} (partner {}): {}: {}",
                    partner.id,
                    r.modifier.name(),
                    r.reason
                ));
                Report {
                    reporting_ua: self.config.product.clone(),
                    final_recipient: to.clone(),
                    original_message_id: message_id.clone(),
                    received_mic: r.mic.clone(),
                    disposition: Disposition::Error(r.modifier.clone()),
                    explanation: format!(
                        "The message {message_id} was not processed: {}.",
                        r.reason
                    ),
                }
            }
        };
        let signer = asked
            .signed
            .then(|| (&partner.ours[0], asked.mic_digest.unwrap_or(Digest::Sha256)));
        let wire = if asked.mdn {
            match self.build_mdn(&report, &to, &from, signer) {
                Ok(wire) => Some(wire),
                Err(e) => {
                    log(&format!("{message_id} from {from}: {e}"));
                    return text_response(500, &e);
                }
            }
        } else {
            None
        };

        // The payload and the exchange, durable together; the MDN goes out only after.
        let request_record = wire_record(&headers.0, &request.body);
        let mdn_record = wire.as_ref().map(|w| wire_record(&w.headers, &w.body));
        let arrival = opened.as_ref().ok().map(|o| Arrival {
            partner: Some(partner.id.clone()),
            channel: "as2".into(),
            origin: Some(o.filename.clone().unwrap_or_else(|| message_id.clone())),
            bytes: o.payload.clone(),
        });
        let exchange_id: i64;
        let committed = self
            .committer()
            .await
            .keep(Exchange {
                arrival,
                partner: partner.id.clone(),
                as2_from: from.clone(),
                as2_message_id: message_id.clone(),
                status: if opened.is_ok() {
                    "processed"
                } else {
                    "refused"
                },
                disposition: report.disposition.to_string(),
                reason: opened.as_ref().err().map(|r| r.reason.clone()),
                mic: report.received_mic.as_ref().map(|m| m.to_string()),
                mdn_mode: match (&wire, &asked.async_url) {
                    (None, _) => "none",
                    (Some(_), Some(_)) => "async",
                    (Some(_), None) => "sync",
                },
                mdn: mdn_record,
                request: request_record,
            })
            .await;
        match committed {
            Ok((accepted, exchange)) => {
                exchange_id = exchange;
                if let Some(a) = accepted {
                    log(&format!(
                        "{message_id} from {from} (partner {}) stored as message {}",
                        partner.id, a.message_id
                    ));
                    self.wake.notify_waiters();
                }
            }
            Err(e) => {
                // Most likely the same Message-ID committed by a concurrent resend: answer
                // as for a resend when it is there, else ask for the message again.
                let engine = self.engine.clone();
                let (f, m) = (from.clone(), message_id.clone());
                if let Ok(Ok(Some(earlier))) = tokio::task::spawn_blocking(move || {
                    engine
                        .store
                        .read(|tx| tx.as2_exchange_by_message_id(Direction::In, &f, &m))
                })
                .await
                {
                    return self
                        .clone()
                        .answer_resend(&partner, &asked, earlier, &message_id)
                        .await;
                }
                log(&format!(
                    "{message_id} from {from}: not stored ({e}); answered 503, no MDN, so that the partner resends"
                ));
                return text_response(
                    503,
                    "the gateway cannot store messages at the moment; send again later",
                );
            }
        }
        self.deliver_mdn(wire, &asked, &message_id, exchange_id)
    }

    /// An asynchronous MDN for a message of ours: checked against the exchange it answers
    /// and recorded.
    async fn receive_mdn(
        &self,
        from: &str,
        to: &str,
        headers: &Headers,
        request: &Request,
    ) -> Response {
        let Some(partner) = self.partner(from, to) else {
            log(&format!(
                "refused an MDN from {} ({}): no partner trades with AS2-From '{from}' towards AS2-To '{to}'",
                request.remote,
                names::write(from)
            ));
            return text_response(
                403,
                &format!("unknown trading relationship: AS2-From '{from}', AS2-To '{to}'"),
            );
        };
        let content_type = headers.get("content-type").unwrap_or("").to_string();
        let body = request.body.clone();
        let record = wire_record(&headers.0, &request.body);
        let engine = self.engine.clone();
        let our_name = to.to_string();
        let outcome = tokio::task::spawn_blocking(move || -> Result<String, String> {
            let read = mdn::read(&content_type, &body, &partner.pinned);
            let original = match &read {
                Ok(received) => received.report.original_message_id.clone(),
                Err(e) => return Err(format!("the MDN cannot be read: {e}")),
            };
            let exchange = engine
                .store
                .read(|tx| tx.as2_exchange_by_message_id(Direction::Out, &our_name, &original))
                .map_err(|e| format!("the store cannot be read: {e}"))?
                .ok_or_else(|| {
                    format!("the MDN answers {original}, which is no message of ours")
                })?;
            let expected = exchange
                .mic
                .as_deref()
                .and_then(|m| Mic::parse(m).ok())
                .ok_or_else(|| format!("the exchange of {original} has no MIC to compare"))?;
            let verdict = sender::judge(&partner, &exchange.as2_message_id, &expected, read);
            sender::record_verdict(&engine, exchange.id, &verdict, &record, engine.clock.now())
                .map_err(|e| format!("the MDN cannot be recorded: {e}"))?;
            Ok(format!(
                "the MDN for {original} (partner {}): {}{}",
                partner.id,
                verdict.status,
                verdict.reason.map(|r| format!(": {r}")).unwrap_or_default()
            ))
        })
        .await;
        match outcome {
            Ok(Ok(line)) => {
                log(&line);
                text_response(200, "MDN received")
            }
            Ok(Err(reason)) => {
                log(&format!("refused an MDN from {from}: {reason}"));
                text_response(400, &reason)
            }
            Err(e) => text_response(500, &format!("internal error: {e}")),
        }
    }

    /// Answers a resend with the MDN stored for the first sending.
    async fn answer_resend(
        self: Arc<Self>,
        partner: &As2Partner,
        asked: &Asked,
        earlier: As2Exchange,
        message_id: &str,
    ) -> Response {
        let (stored, exchange) = (earlier.mdn, earlier.id);
        log(&format!(
            "{message_id} from partner {} is a resend: answered with the MDN already given, not processed again",
            partner.id
        ));
        let wire = stored.as_deref().and_then(wire_from_record);
        self.deliver_mdn(wire, asked, message_id, exchange)
    }

    fn deliver_mdn(
        self: Arc<Self>,
        wire: Option<Wire>,
        asked: &Asked,
        message_id: &str,
        exchange: i64,
    ) -> Response {
        let Some(wire) = wire else {
            return text_response(200, "received");
        };
        match &asked.async_url {
            None => mdn_response(&wire),
            Some(url) => {
                let (url, message_id) = (url.clone(), message_id.to_string());
                tokio::spawn(async move {
                    let attempts = self.config.mdn_attempts;
                    self.post_async_mdn(exchange, url, wire, message_id, attempts)
                        .await
                });
                text_response(200, "received; the MDN follows asynchronously")
            }
        }
    }

    /// POSTs an asynchronous MDN on a connection of its own, retrying what is worth it up to
    /// `attempts` times; once delivered, the exchange no longer owes it. Whether it was.
    async fn post_async_mdn(
        &self,
        exchange: i64,
        url: String,
        wire: Wire,
        message_id: String,
        attempts: u32,
    ) -> bool {
        let headers: Vec<(String, Vec<u8>)> = wire
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), v.clone().into_bytes()))
            .collect();
        let body = Bytes::from(wire.body);
        let mut wait = self.config.mdn_first_retry;
        for attempt in 1..=attempts {
            let outcome = self.client.post(&url, &headers, body.clone()).await;
            let retry = match &outcome {
                Ok(r) if (200..300).contains(&r.status) => {
                    log(&format!("the MDN for {message_id} was delivered to {url}"));
                    let engine = self.engine.clone();
                    let cleared = tokio::task::spawn_blocking(move || {
                        let now = engine.clock.now();
                        engine.store.write(|tx| tx.as2_mdn_delivered(exchange, now))
                    })
                    .await;
                    if !matches!(cleared, Ok(Ok(()))) {
                        log(&format!(
                            "the MDN for {message_id} was delivered but that could not be recorded; it may be sent again"
                        ));
                    }
                    return true;
                }
                Ok(r) => {
                    log(&format!(
                        "the MDN for {message_id}: {url} answered {} (attempt {attempt})",
                        r.status
                    ));
                    http::status_retryable(r.status)
                }
                Err(e) => {
                    log(&format!(
                        "the MDN for {message_id}: {url}: {e} (attempt {attempt})"
                    ));
                    e.retryable()
                }
            };
            if !retry || attempt == attempts {
                break;
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(3600));
        }
        log(&format!(
            "the MDN for {message_id} could not be delivered to {url} yet; it is kept with the exchange and tried again later"
        ));
        false
    }

    /// Sends again the asynchronous MDNs still owed `mdn_sweep_after` after their message
    /// (their first attempts failed, or serve stopped before they went): one attempt each.
    /// How many were delivered.
    pub async fn redeliver_owed_mdns(&self) -> usize {
        let engine = self.engine.clone();
        let sweep_after = chrono::TimeDelta::from_std(self.config.mdn_sweep_after)
            .unwrap_or(chrono::TimeDelta::minutes(10));
        let owed = tokio::task::spawn_blocking(move || {
            let before = engine.clock.now() - sweep_after;
            engine.store.read(|tx| {
                let mut owed = Vec::new();
                for exchange in tx.owed_async_mdns(before, 100)? {
                    let request = tx.as2_request(exchange.id)?;
                    owed.push((exchange, request));
                }
                Ok::<_, crate::store::StoreError>(owed)
            })
        })
        .await;
        let owed = match owed {
            Ok(Ok(owed)) => owed,
            Ok(Err(e)) => {
                log(&format!("owed MDNs cannot be read: {e}"));
                return 0;
            }
            Err(_) => return 0,
        };
        let mut delivered = 0;
        for (exchange, request) in owed {
            let url = wire_from_record(&request)
                .and_then(|w| w.header("receipt-delivery-option").map(str::to_string));
            let (Some(url), Some(wire)) = (url, exchange.mdn.as_deref().and_then(wire_from_record))
            else {
                continue;
            };
            if self
                .post_async_mdn(exchange.id, url, wire, exchange.as2_message_id.clone(), 1)
                .await
            {
                delivered += 1;
            }
        }
        delivered
    }
}

/// The station as the HTTP layer's handler.
pub struct StationHandler(pub Arc<Station>);

impl Handler for StationHandler {
    async fn handle(&self, request: Request) -> Response {
        self.0.clone().receive(request).await
    }
}
