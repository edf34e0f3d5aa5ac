//! Building an AS2 message for a partner: the payload as a MIME entity, compressed, signed
//! and encrypted as its profile says, with the headers that ask for the receipt we want,
//! and the MIC we expect that receipt to return.

use openssl::x509::X509;

use super::compress;
use super::mdn::{Addressing, Wire, entity, sign_entity};
use super::mic::Mic;
use super::names;
use super::options::Digest;
use super::smime::{self, ContentCipher, KeyPair, SmimeError};

/// Where compression goes (RFC 5402 allows both; some products read only one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    /// Compressed, then signed: the signature covers the compressed entity.
    BeforeSigning,
    /// Signed, then compressed: the signature covers the payload itself.
    AfterSigning,
}

/// How the message is protected.
#[derive(Debug, Clone, Copy)]
pub struct Protection<'a> {
    pub sign: Option<(&'a KeyPair, Digest)>,
    pub encrypt: Option<(&'a X509, ContentCipher)>,
    pub compression: Compression,
}

/// The receipt asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receipt {
    None,
    /// In the HTTP response.
    Sync {
        signed: Option<Digest>,
    },
    /// POSTed later to `url`.
    Async {
        url: String,
        signed: Option<Digest>,
    },
}

/// The payload and how it is described.
#[derive(Debug, Clone, Copy)]
pub struct Payload<'a> {
    pub content: &'a [u8],
    /// application/edi-x12 for X12.
    pub content_type: &'a str,
    pub filename: Option<&'a str>,
}

/// A message ready for HTTP, with the MIC its receipt must return.
#[derive(Debug, Clone)]
pub struct Built {
    pub wire: Wire,
    pub mic: Mic,
}

fn header_safe(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The payload entity: binary, as AS2 sends EDI (RFC 4130 §5.2).
fn payload_entity(payload: &Payload<'_>) -> Vec<u8> {
    let mut headers = format!(
        "Content-Type: {}\r\nContent-Transfer-Encoding: binary\r\n",
        header_safe(payload.content_type)
    );
    if let Some(name) = payload.filename {
        headers.push_str(&format!(
            "Content-Disposition: attachment; filename=\"{}\"\r\n",
            header_safe(name)
        ));
    }
    headers.push_str("\r\n");
    let mut entity = headers.into_bytes();
    entity.extend_from_slice(payload.content);
    entity
}

fn compressed_entity(inner: &[u8]) -> Vec<u8> {
    let mut entity = b"Content-Type: application/pkcs7-mime; smime-type=compressed-data; name=\"smime.p7z\"\r\nContent-Transfer-Encoding: binary\r\nContent-Disposition: attachment; filename=\"smime.p7z\"\r\n\r\n".to_vec();
    entity.extend_from_slice(&compress::compress(inner));
    entity
}

/// Splits an entity we wrote into its headers (which go on HTTP) and body.
fn split(entity: &[u8]) -> (Vec<(String, String)>, Vec<u8>) {
    let end = memchr::memmem::find(entity, b"\r\n\r\n").map_or(entity.len(), |i| i + 4);
    let headers = String::from_utf8_lossy(&entity[..end])
        .split("\r\n")
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    (headers, entity[end..].to_vec())
}

pub fn build(
    payload: &Payload<'_>,
    protection: &Protection<'_>,
    receipt: &Receipt,
    addressing: &Addressing<'_>,
    subject: &str,
) -> Result<Built, SmimeError> {
    let innermost = payload_entity(payload);
    let mut current = innermost.clone();
    if protection.compression == Compression::BeforeSigning {
        current = compressed_entity(&current);
    }
    let mut signed_part = None;
    if let Some((key, digest)) = protection.sign {
        let (content_type, body) = sign_entity(&current, key, digest, addressing.message_id)?;
        signed_part = Some(current);
        current = entity(&content_type, &body);
    }
    if protection.compression == Compression::AfterSigning {
        current = compressed_entity(&current);
    }
    let wrapped = protection.compression != Compression::None || protection.encrypt.is_some();
    if let Some((certificate, cipher)) = protection.encrypt {
        let enveloped = smime::encrypt(&current, certificate, cipher)?;
        let smime_type = if cipher.is_authenticated() {
            "authEnveloped-data"
        } else {
            "enveloped-data"
        };
        let mut enveloped_entity = format!(
            "Content-Type: application/pkcs7-mime; smime-type={smime_type}; name=\"smime.p7m\"\r\nContent-Transfer-Encoding: binary\r\nContent-Disposition: attachment; filename=\"smime.p7m\"\r\n\r\n"
        )
        .into_bytes();
        enveloped_entity.extend_from_slice(&enveloped);
        current = enveloped_entity;
    }
    // The MIC the receiver computes (inbound::mic_for is the other side of this).
    let mic_digest = match receipt {
        Receipt::Sync { signed: Some(d) }
        | Receipt::Async {
            signed: Some(d), ..
        } => *d,
        _ => protection.sign.map_or(Digest::Sha1, |(_, d)| d),
    };
    let mic = match (&signed_part, wrapped) {
        (Some(signed), _) => Mic::compute(mic_digest, signed),
        (None, true) => Mic::compute(mic_digest, &innermost),
        (None, false) => Mic::compute(mic_digest, payload.content),
    };
    let (content_headers, body) = split(&current);
    let mut headers = vec![
        ("AS2-Version".to_string(), "1.2".to_string()),
        ("AS2-From".to_string(), names::write(addressing.from)),
        ("AS2-To".to_string(), names::write(addressing.to)),
        ("Message-ID".to_string(), addressing.message_id.to_string()),
        ("Date".to_string(), addressing.date.to_string()),
        ("Subject".to_string(), header_safe(subject)),
        ("AS2-Product".to_string(), addressing.product.to_string()),
        ("User-Agent".to_string(), addressing.product.to_string()),
        ("MIME-Version".to_string(), "1.0".to_string()),
    ];
    headers.extend(content_headers);
    let (signed, url) = match receipt {
        Receipt::None => (None, None),
        Receipt::Sync { signed } => (*signed, None),
        Receipt::Async { url, signed } => (*signed, Some(url)),
    };
    if *receipt != Receipt::None {
        headers.push((
            "Disposition-Notification-To".to_string(),
            names::write(addressing.from),
        ));
    }
    if let Some(digest) = signed {
        headers.push((
            "Disposition-Notification-Options".to_string(),
            format!(
                "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, {}",
                digest.name()
            ),
        ));
    }
    if let Some(url) = url {
        headers.push(("Receipt-Delivery-Option".to_string(), header_safe(url)));
    }
    Ok(Built {
        wire: Wire { headers, body },
        mic,
    })
}
