//! Message Disposition Notifications (RFC 4130 §7, RFC 3798): the receipt an AS2 receiver
//! returns, as a multipart/report of a human-readable text and a
//! message/disposition-notification, signed when the sender asked for a signed receipt.
//!
//! Built for what we receive, read for what we sent. Values are written byte-exact where the
//! partner compares them (Original-Message-ID as it arrived) and read leniently (field names
//! in any case, dispositions in any case and spacing).

use std::fmt;

use openssl::x509::X509;

use super::mic::Mic;
use super::mime::{ContentType, Entity, boundary_for, encode_base64_lines, write_multipart};
use super::options::Digest;
use super::smime::{self, KeyPair, Signer, SmimeError};

/// Why a message was not processed: the disposition modifiers of RFC 4130 §7.5.3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modifier {
    DecryptionFailed,
    AuthenticationFailed,
    IntegrityCheckFailed,
    DecompressionFailed,
    InsufficientMessageSecurity,
    UnknownTradingRelationship,
    UnexpectedProcessingError,
    /// Any other a partner's product writes, kept as written.
    Other(String),
}

impl Modifier {
    pub fn name(&self) -> &str {
        match self {
            Modifier::DecryptionFailed => "decryption-failed",
            Modifier::AuthenticationFailed => "authentication-failed",
            Modifier::IntegrityCheckFailed => "integrity-check-failed",
            Modifier::DecompressionFailed => "decompression-failed",
            Modifier::InsufficientMessageSecurity => "insufficient-message-security",
            Modifier::UnknownTradingRelationship => "unknown-trading-relationship",
            Modifier::UnexpectedProcessingError => "unexpected-processing-error",
            Modifier::Other(name) => name,
        }
    }

    fn from_name(name: &str) -> Modifier {
        let name = name.trim();
        [
            Modifier::DecryptionFailed,
            Modifier::AuthenticationFailed,
            Modifier::IntegrityCheckFailed,
            Modifier::DecompressionFailed,
            Modifier::InsufficientMessageSecurity,
            Modifier::UnknownTradingRelationship,
            Modifier::UnexpectedProcessingError,
        ]
        .into_iter()
        .find(|m| m.name().eq_ignore_ascii_case(name))
        .unwrap_or_else(|| Modifier::Other(name.to_string()))
    }
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    Processed,
    /// Processed, with something the sender should know (`processed/warning: ...`).
    Warning(String),
    /// Not processed (`processed/error: modifier`).
    Error(Modifier),
    /// The receiver could not even try (`failed/failure: ...`).
    Failed(String),
}

impl Disposition {
    pub fn is_processed(&self) -> bool {
        matches!(self, Disposition::Processed | Disposition::Warning(_))
    }
}

impl fmt::Display for Disposition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Disposition::Processed => f.write_str("processed"),
            Disposition::Warning(text) => write!(f, "processed/warning: {text}"),
            Disposition::Error(modifier) => write!(f, "processed/error: {}", modifier.name()),
            Disposition::Failed(text) => write!(f, "failed/failure: {text}"),
        }
    }
}

/// The fields of a disposition notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub reporting_ua: String,
    /// The AS2-To of the message: who it was for (us, when we build the report).
    pub final_recipient: String,
    /// The Message-ID header of the message exactly as it arrived, angle brackets included.
    pub original_message_id: String,
    pub received_mic: Option<Mic>,
    pub disposition: Disposition,
    /// Said to people in the first part: what happened, and for an error what to do.
    pub explanation: String,
}

/// The headers of an MDN or message as they go on HTTP, and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wire {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Wire {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Header values we write must stay on one line and in ASCII, whatever a partner sent.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                ' '
            }
        })
        .collect()
}

fn ascii_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for line in text.lines() {
        out.push_str(&one_line(line));
        out.push_str("\r\n");
    }
    out
}

/// The multipart/report of a report: its Content-Type and body.
fn report_entity(report: &Report, seed: &str) -> (String, Vec<u8>) {
    let text = format!(
        "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n{}",
        ascii_text(&report.explanation)
    );
    let mut fields = format!(
        "Reporting-UA: {}\r\nOriginal-Recipient: rfc822; {recipient}\r\nFinal-Recipient: rfc822; {recipient}\r\nOriginal-Message-ID: {}\r\n",
        one_line(&report.reporting_ua),
        one_line(&report.original_message_id),
        recipient = one_line(&report.final_recipient),
    );
    if let Some(mic) = &report.received_mic {
        fields.push_str(&format!("Received-Content-MIC: {mic}\r\n"));
    }
    fields.push_str(&format!(
        "Disposition: automatic-action/MDN-sent-automatically; {}\r\n",
        one_line(&report.disposition.to_string())
    ));
    let notification = format!(
        "Content-Type: message/disposition-notification\r\nContent-Transfer-Encoding: 7bit\r\n\r\n{fields}"
    );
    let parts = [text.as_bytes(), notification.as_bytes()];
    let boundary = boundary_for(&format!("report {seed}"), &parts);
    (
        format!("multipart/report; report-type=disposition-notification; boundary=\"{boundary}\""),
        write_multipart(&boundary, &parts),
    )
}

/// An entity of one Content-Type header and a body: what a signature is made over.
pub fn entity(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut entity = format!("Content-Type: {content_type}\r\n\r\n").into_bytes();
    entity.extend_from_slice(body);
    entity
}

/// A detached signature around an entity: the multipart/signed body and its Content-Type.
pub fn sign_entity(
    entity: &[u8],
    signer: &KeyPair,
    digest: Digest,
    seed: &str,
) -> Result<(String, Vec<u8>), SmimeError> {
    let signature = smime::sign_detached(entity, signer, digest)?;
    let mut signature_part = b"Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n".to_vec();
    signature_part.extend_from_slice(&encode_base64_lines(&signature));
    let parts = [entity, &signature_part[..]];
    let boundary = boundary_for(&format!("signed {seed}"), &parts);
    let content_type = format!(
        "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg={}; boundary=\"{boundary}\"",
        digest.name()
    );
    Ok((content_type, write_multipart(&boundary, &parts)))
}

/// Who sends a message or an MDN and to whom, with its own Message-ID (angle brackets
/// included; a message keeps its own across retries) and date, given by the caller, who owns
/// the clock and the randomness.
#[derive(Debug, Clone)]
pub struct Addressing<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub message_id: &'a str,
    pub date: &'a str,
    pub product: &'a str,
}

/// The MDN for a report, signed with `signer` when given (the sender asked for a signed
/// receipt; a failure is signed too).
pub fn build(
    report: &Report,
    addressing: &Addressing<'_>,
    signer: Option<(&KeyPair, Digest)>,
) -> Result<Wire, SmimeError> {
    let (report_type, report_body) = report_entity(report, addressing.message_id);
    let (content_type, body) = match signer {
        Some((key, digest)) => sign_entity(
            &entity(&report_type, &report_body),
            key,
            digest,
            addressing.message_id,
        )?,
        None => (report_type, report_body),
    };
    let headers = vec![
        ("AS2-Version".to_string(), "1.2".to_string()),
        ("AS2-From".to_string(), super::names::write(addressing.from)),
        ("AS2-To".to_string(), super::names::write(addressing.to)),
        ("Message-ID".to_string(), addressing.message_id.to_string()),
        ("Date".to_string(), addressing.date.to_string()),
        ("Server".to_string(), addressing.product.to_string()),
        ("MIME-Version".to_string(), "1.0".to_string()),
        ("Content-Type".to_string(), content_type),
    ];
    Ok(Wire { headers, body })
}

/// An MDN we received for a message of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub report: Report,
    /// Who signed it, when it was signed.
    pub signer: Option<Signer>,
}

/// What is wrong with an MDN we received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdnError(pub String);

impl fmt::Display for MdnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MdnError {}

/// Reads an MDN from its Content-Type (an HTTP header) and body, checking its signature
/// against the partner's pinned certificates when it is signed.
pub fn read(content_type: &str, body: &[u8], pinned: &[X509]) -> Result<Received, MdnError> {
    let whole = entity(&one_line(content_type), body);
    let top = Entity::parse(&whole).map_err(|e| MdnError(format!("the MDN's MIME: {e}")))?;
    let top_type = top
        .content_type()
        .map_err(|e| MdnError(format!("the MDN's Content-Type: {e}")))?;
    let (signer, report_entity) = if top_type.mime_type == "multipart/signed" {
        let parts = top
            .parts()
            .map_err(|e| MdnError(format!("the signed MDN: {e}")))?;
        let [signed, signature] = &parts[..] else {
            return Err(MdnError(format!(
                "the signed MDN has {} parts, not the report and its signature",
                parts.len()
            )));
        };
        let signature = signature
            .decoded_body()
            .map_err(|e| MdnError(format!("the MDN's signature: {e}")))?;
        let signer = smime::verify_detached(&signature, signed.raw, pinned)
            .map_err(|e| MdnError(format!("the MDN's signature: {e}")))?;
        (Some(signer), signed.clone())
    } else {
        (None, top.clone())
    };
    let report_type = report_entity
        .content_type()
        .map_err(|e| MdnError(format!("the report's Content-Type: {e}")))?;
    if report_type.mime_type != "multipart/report" {
        return Err(MdnError(format!(
            "the MDN is {}, not multipart/report",
            report_type.mime_type
        )));
    }
    let parts = report_entity
        .parts()
        .map_err(|e| MdnError(format!("the report: {e}")))?;
    let explanation = parts
        .iter()
        .find(|p| is_type(p, "text/plain"))
        .and_then(|p| p.decoded_body().ok())
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let notification = parts
        .iter()
        .find(|p| is_type(p, "message/disposition-notification"))
        .ok_or_else(|| {
            MdnError("the report has no message/disposition-notification part".into())
        })?;
    let mut fields_bytes = notification
        .decoded_body()
        .map_err(|e| MdnError(format!("the disposition notification: {e}")))?;
    // The fields are a header block; the part's body often ends without the blank line
    // (or even the line end) that would close one.
    if !fields_bytes.ends_with(b"\n") {
        fields_bytes.extend_from_slice(b"\r\n");
    }
    fields_bytes.extend_from_slice(b"\r\n");
    let fields = Entity::parse(&fields_bytes)
        .map_err(|e| MdnError(format!("the disposition notification's fields: {e}")))?;
    let field = |name: &str| fields.header(name).map(str::to_string);
    let original_message_id = field("original-message-id").ok_or_else(|| {
        MdnError("the disposition notification has no Original-Message-ID".into())
    })?;
    let disposition_field = field("disposition")
        .ok_or_else(|| MdnError("the disposition notification has no Disposition".into()))?;
    let received_mic = match field("received-content-mic") {
        Some(value) => Some(Mic::parse(&value).map_err(MdnError)?),
        None => None,
    };
    let recipient = |value: String| match value.split_once(';') {
        Some((_, address)) => address.trim().to_string(),
        None => value.trim().to_string(),
    };
    Ok(Received {
        report: Report {
            reporting_ua: field("reporting-ua").unwrap_or_default(),
            final_recipient: field("final-recipient")
                .or_else(|| field("original-recipient"))
                .map(recipient)
                .unwrap_or_default(),
            original_message_id,
            received_mic,
            disposition: read_disposition(&disposition_field)?,
            explanation,
        },
        signer,
    })
}

fn is_type(entity: &Entity<'_>, mime_type: &str) -> bool {
    entity
        .content_type()
        .map(|c: ContentType| c.mime_type == mime_type)
        .unwrap_or(false)
}

/// `automatic-action/MDN-sent-automatically; processed/error: authentication-failed`.
fn read_disposition(field: &str) -> Result<Disposition, MdnError> {
    let (_, outcome) = field.split_once(';').ok_or_else(|| {
        MdnError(format!(
            "Disposition '{field}' has no ';' between the action mode and the outcome"
        ))
    })?;
    let (kind, detail) = match outcome.split_once(':') {
        Some((kind, detail)) => (kind.trim(), detail.trim()),
        None => (outcome.trim(), ""),
    };
    let (kind, modifier) = match kind.split_once('/') {
        Some((kind, modifier)) => (kind.trim(), modifier.trim().to_ascii_lowercase()),
        None => (kind, String::new()),
    };
    if kind.eq_ignore_ascii_case("processed") {
        return Ok(match modifier.as_str() {
            "" => Disposition::Processed,
            "warning" => Disposition::Warning(detail.to_string()),
            _ => Disposition::Error(Modifier::from_name(if detail.is_empty() {
                &modifier
            } else {
                detail
            })),
        });
    }
    if kind.eq_ignore_ascii_case("failed") {
        return Ok(Disposition::Failed(detail.to_string()));
    }
    Err(MdnError(format!(
        "Disposition '{}' is neither processed nor failed",
        outcome.trim()
    )))
}

#[cfg(test)]
mod tests;
