//! Opening an AS2 message as it arrived: layers of encryption, signature and compression
//! taken off in whatever order and combination the sender put them on, the partner's
//! security policy enforced, and the MIC computed over exactly what RFC 4130 §7.3.1 and
//! RFC 5402 §4.1 say for that combination.
//!
//! Nothing is canonicalised: a signature is checked over the raw bytes of the signed part, a
//! missing Content-Transfer-Encoding is binary, and the payload is the body of the innermost
//! entity decoded from its transfer encoding.

use openssl::x509::X509;

use super::ber::{self, ContentKind};
use super::compress;
use super::mdn::Modifier;
use super::mic::Mic;
use super::mime::{ContentType, Entity};
use super::options::Digest;
use super::smime::{self, Failure, KeyPair, Signer};

/// A sender does not wrap more layers than encryption, signature and compression, each
/// once or twice; more is refused rather than followed.
const MAX_LAYERS: usize = 8;

/// What a partner's profile demands of what it sends, and the keys to open it.
#[derive(Debug, Clone)]
pub struct Security<'a> {
    /// The partner's signing certificates (two during a rollover).
    pub pinned: &'a [X509],
    /// Our decryption keys (two during a rollover).
    pub ours: &'a [KeyPair],
    pub require_signed: bool,
    pub require_encrypted: bool,
    /// AES-GCM (authenticated-enveloped-data) only where agreed: older products cannot
    /// produce it, so one arriving from them is suspect.
    pub accept_gcm: bool,
    /// The most a compressed layer may expand to.
    pub max_decompressed: usize,
}

/// How the message was encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    /// enveloped-data (AES-CBC, 3DES).
    Enveloped,
    /// authenticated-enveloped-data (AES-GCM).
    Authenticated,
}

/// A message opened: the payload and what protected it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub payload: Vec<u8>,
    /// The payload's Content-Type (application/edi-x12, application/edi-consent, ...).
    pub payload_type: String,
    /// The file name the sender gave, from Content-Disposition.
    pub filename: Option<String>,
    pub signer: Option<Signer>,
    pub encryption: Option<Encryption>,
    pub compressed: bool,
    pub mic: Mic,
}

/// Why a message is refused: the modifier its MDN carries, the reason for the log and the
/// MDN's text, and the MIC when it could be computed before the refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub modifier: Modifier,
    pub reason: String,
    pub mic: Option<Mic>,
}

fn refuse(modifier: Modifier, reason: impl Into<String>) -> Refusal {
    Refusal {
        modifier,
        reason: reason.into(),
        mic: None,
    }
}

/// Opens the message whose HTTP headers (those that describe the content, Content-*, are
/// taken) and body are given. `mic_digest` is the digest the sender asked for in
/// Disposition-Notification-Options, if any.
pub fn open(
    headers: &[(&str, &str)],
    body: &[u8],
    security: &Security<'_>,
    mic_digest: Option<Digest>,
) -> Result<Opened, Refusal> {
    let mut current = top_entity(headers, body);
    let mut signed_part: Option<Vec<u8>> = None;
    let mut signer = None;
    let mut encryption = None;
    let mut compressed = false;
    for _ in 0..MAX_LAYERS {
        let entity = Entity::parse(&current).map_err(|e| {
            refuse(
                Modifier::UnexpectedProcessingError,
                format!("the MIME entity cannot be read ({e})"),
            )
        })?;
        let kind = entity.content_type().map_err(|e| {
            refuse(
                Modifier::UnexpectedProcessingError,
                format!("the Content-Type cannot be read ({e})"),
            )
        })?;
        let next = match kind.mime_type.as_str() {
            "application/pkcs7-mime" | "application/x-pkcs7-mime" => {
                let data = entity.decoded_body().map_err(|e| {
                    refuse(
                        Modifier::UnexpectedProcessingError,
                        format!("the {} body cannot be decoded ({e})", kind.mime_type),
                    )
                })?;
                // The CMS content type decides, not the smime-type parameter: products
                // mislabel it (or leave it out).
                match ber::content_type(&data) {
                    Ok(ContentKind::EnvelopedData) => {
                        encryption = Some(Encryption::Enveloped);
                        decrypt(&data, security)?
                    }
                    Ok(ContentKind::AuthEnvelopedData) => {
                        if !security.accept_gcm {
                            return Err(refuse(
                                Modifier::DecryptionFailed,
                                "the message is encrypted with AES-GCM (authenticated-enveloped-data), which this trading relationship has not agreed; set accept_gcm in the partner's AS2 profile or have the partner use AES-CBC",
                            ));
                        }
                        encryption = Some(Encryption::Authenticated);
                        decrypt(&data, security)?
                    }
                    Ok(ContentKind::CompressedData) => {
                        compressed = true;
                        compress::decompress(&data, security.max_decompressed).map_err(|e| {
                            refuse(
                                Modifier::DecompressionFailed,
                                format!("the compressed layer cannot be expanded: {e}"),
                            )
                        })?
                    }
                    Ok(ContentKind::SignedData) => {
                        let (by, content) = smime::verify_enclosed(&data, security.pinned)
                            .map_err(signature_refusal(security))?;
                        signer = Some(by);
                        signed_part = Some(content.clone());
                        content
                    }
                    Ok(other) => {
                        return Err(refuse(
                            Modifier::UnexpectedProcessingError,
                            format!(
                                "{} holds CMS content of type {other:?}, which AS2 does not use",
                                kind.mime_type
                            ),
                        ));
                    }
                    Err(e) => {
                        return Err(refuse(
                            unreadable_cms(&kind),
                            format!("the {} body is not CMS ({e})", kind.mime_type),
                        ));
                    }
                }
            }
            "multipart/signed" => {
                let (by, content) = verify_multipart(&entity, security)?;
                signer = Some(by);
                signed_part = Some(content.clone());
                content
            }
            _ => {
                let mic = mic_for(
                    &entity,
                    signed_part.as_deref(),
                    encryption.is_some() || compressed,
                    mic_digest.or(signer.as_ref().map(|s| s.digest)),
                );
                let policy = |what: &str| Refusal {
                    modifier: Modifier::InsufficientMessageSecurity,
                    reason: format!(
                        "the message is not {what}, and the partner's profile requires its messages to be {what}"
                    ),
                    mic: Some(mic.clone()),
                };
                if security.require_encrypted && encryption.is_none() {
                    return Err(policy("encrypted"));
                }
                if security.require_signed && signer.is_none() {
                    return Err(policy("signed"));
                }
                let payload = entity.decoded_body().map_err(|e| Refusal {
                    modifier: Modifier::UnexpectedProcessingError,
                    reason: format!("the payload cannot be decoded ({e})"),
                    mic: Some(mic.clone()),
                })?;
                return Ok(Opened {
                    payload,
                    payload_type: kind.mime_type.clone(),
                    filename: entity.header("content-disposition").and_then(filename),
                    signer,
                    encryption,
                    compressed,
                    mic,
                });
            }
        };
        current = next;
    }
    Err(refuse(
        Modifier::UnexpectedProcessingError,
        format!("the message nests more than {MAX_LAYERS} layers of S/MIME"),
    ))
}

/// The outermost entity: the HTTP headers that describe the body (Content-Type,
/// Content-Transfer-Encoding, Content-Disposition), then the body as it came.
fn top_entity(headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let line = |value: &str| value.replace(['\r', '\n'], " ");
    let mut entity = String::new();
    for (name, value) in headers {
        if name.len() > 8 && name[..8].eq_ignore_ascii_case("content-") {
            entity.push_str(&format!("{}: {}\r\n", line(name), line(value)));
        }
    }
    entity.push_str("\r\n");
    let mut entity = entity.into_bytes();
    entity.extend_from_slice(body);
    entity
}

fn decrypt(data: &[u8], security: &Security<'_>) -> Result<Vec<u8>, Refusal> {
    if security.ours.is_empty() {
        return Err(refuse(
            Modifier::DecryptionFailed,
            "the message is encrypted but no decryption key of ours is configured for this partner",
        ));
    }
    smime::decrypt(data, security.ours).map_err(|e| refuse(Modifier::DecryptionFailed, e.message))
}

fn signature_refusal(security: &Security<'_>) -> impl Fn(smime::SmimeError) -> Refusal {
    let nothing_pinned = security.pinned.is_empty();
    move |e| {
        let modifier = match e.failure {
            Failure::Integrity => Modifier::IntegrityCheckFailed,
            _ => Modifier::AuthenticationFailed,
        };
        if nothing_pinned {
            return refuse(
                modifier,
                "the message is signed but no certificate of the partner's is configured to check it",
            );
        }
        refuse(modifier, e.message)
    }
}

/// An application/pkcs7-mime body that is not CMS at all: its smime-type says which layer
/// failed, so that the MDN names it.
fn unreadable_cms(kind: &ContentType) -> Modifier {
    match kind
        .param("smime-type")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("compressed-data") => Modifier::DecompressionFailed,
        Some("signed-data") => Modifier::AuthenticationFailed,
        _ => Modifier::DecryptionFailed,
    }
}

/// multipart/signed: the first part signed, the second its detached signature.
fn verify_multipart(
    entity: &Entity<'_>,
    security: &Security<'_>,
) -> Result<(Signer, Vec<u8>), Refusal> {
    let parts = entity.parts().map_err(|e| {
        refuse(
            Modifier::AuthenticationFailed,
            format!("the multipart/signed cannot be split ({e})"),
        )
    })?;
    let [signed, signature] = &parts[..] else {
        return Err(refuse(
            Modifier::AuthenticationFailed,
            format!(
                "the multipart/signed has {} parts, not the content and its signature",
                parts.len()
            ),
        ));
    };
    let signature_type = signature
        .content_type()
        .map(|c| c.mime_type)
        .unwrap_or_default();
    if !matches!(
        signature_type.as_str(),
        "application/pkcs7-signature" | "application/x-pkcs7-signature"
    ) {
        return Err(refuse(
            Modifier::AuthenticationFailed,
            format!("the signature part is {signature_type}, not application/pkcs7-signature"),
        ));
    }
    let signature = signature.decoded_body().map_err(|e| {
        refuse(
            Modifier::AuthenticationFailed,
            format!("the signature part cannot be decoded ({e})"),
        )
    })?;
    let by = smime::verify_detached(&signature, signed.raw, security.pinned)
        .map_err(signature_refusal(security))?;
    Ok((by, signed.raw.to_vec()))
}

/// RFC 4130 §7.3.1 with RFC 5402 §4.1: a signed message's MIC is over the signed part as it
/// arrived (headers and body, compressed inside or not); an encrypted or compressed
/// unsigned one's over the innermost entity, headers included; a bare one's over its body
/// alone. SHA-1 when nobody named a digest (RFC 4130's default).
fn mic_for(
    innermost: &Entity<'_>,
    signed_part: Option<&[u8]>,
    wrapped: bool,
    digest: Option<Digest>,
) -> Mic {
    let digest = digest.unwrap_or(Digest::Sha1);
    match signed_part {
        Some(signed) => Mic::compute(digest, signed),
        None if wrapped => Mic::compute(digest, innermost.raw),
        None => Mic::compute(digest, innermost.body),
    }
}

/// The filename parameter of a Content-Disposition.
fn filename(disposition: &str) -> Option<String> {
    // Content-Disposition has Content-Type's parameter syntax; lend it a type to parse.
    let parsed = ContentType::parse(&format!("x/x; {}", disposition.split_once(';')?.1)).ok()?;
    let name = parsed.param("filename")?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests;
