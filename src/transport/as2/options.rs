//! What an AS2 sender asks of the receipt: the `Disposition-Notification-Options` header
//! (RFC 4130 §7.3), and the digest algorithms in every spelling products use.
//!
//! The header reads, for example,
//! `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256, sha1`:
//! parameters separated by `;`, each an importance (`required` / `optional`) and values
//! separated by `,`. The MIC of the receipt uses the first listed digest we support.

use std::fmt;

/// A digest algorithm for signatures and MICs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Digest {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Digest {
    /// Reads a digest name as products write it: `sha1`, `SHA-1`, `sha256`, `sha-256`,
    /// `sha_256`, `sha2-256`, `SHA256`… (RFC 5751 names with a dash, RFC 3851 without).
    /// None for an unknown name, and for MD5, which nobody may ask for any more.
    pub fn from_name(name: &str) -> Option<Digest> {
        let key = crate::partner::profile::algorithm_key(name.trim());
        let bits = key.strip_prefix("sha")?;
        // "sha2-256": the family's number written in front of the length.
        let bits = match bits.strip_prefix('2') {
            Some(rest) if rest.len() == 3 => rest,
            _ => bits,
        };
        match bits {
            "1" => Some(Digest::Sha1),
            "224" => Some(Digest::Sha224),
            "256" => Some(Digest::Sha256),
            "384" => Some(Digest::Sha384),
            "512" => Some(Digest::Sha512),
            _ => None,
        }
    }

    /// The name to write: RFC 5751's (`sha-256`), which rfc4130bis uses; `sha1` for SHA-1,
    /// the spelling every product reads.
    pub fn name(self) -> &'static str {
        match self {
            Digest::Sha1 => "sha1",
            Digest::Sha224 => "sha-224",
            Digest::Sha256 => "sha-256",
            Digest::Sha384 => "sha-384",
            Digest::Sha512 => "sha-512",
        }
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether the sender insists on what it asks (`required`) or will take a receipt without
/// it (`optional`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Importance {
    Required,
    Optional,
}

/// One parameter of the header: its importance and values, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    pub importance: Importance,
    pub values: Vec<String>,
}

/// The `Disposition-Notification-Options` header, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DispositionOptions {
    /// `signed-receipt-protocol`: `pkcs7-signature` asks for a signed receipt.
    pub protocol: Option<Requested>,
    /// `signed-receipt-micalg`: the digests the sender accepts for the MIC, preferred first.
    pub micalg: Option<Requested>,
}

impl DispositionOptions {
    /// Reads the header. Parameter names and importance in any case; parameters we do not
    /// know are passed over (the RFC lets senders add their own).
    pub fn parse(header: &str) -> Result<DispositionOptions, String> {
        let mut options = DispositionOptions::default();
        for parameter in header.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((name, rest)) = parameter.split_once('=') else {
                return Err(format!(
                    "Disposition-Notification-Options: '{parameter}' is not name=importance, \
                     values"
                ));
            };
            let mut items = rest.split(',').map(|v| v.trim().trim_matches('"'));
            let importance = match items.next().map(str::to_ascii_lowercase).as_deref() {
                Some("required") => Importance::Required,
                Some("optional") => Importance::Optional,
                other => {
                    return Err(format!(
                        "Disposition-Notification-Options: {} has importance '{}', not \
                         required or optional",
                        name.trim(),
                        other.unwrap_or_default()
                    ));
                }
            };
            let requested = Requested {
                importance,
                values: items.filter(|v| !v.is_empty()).map(str::to_owned).collect(),
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "signed-receipt-protocol" => options.protocol = Some(requested),
                "signed-receipt-micalg" => options.micalg = Some(requested),
                _ => {}
            }
        }
        Ok(options)
    }

    /// Whether a signed receipt is asked for (in PKCS #7, the only protocol AS2 has).
    pub fn wants_signed_receipt(&self) -> bool {
        self.protocol.as_ref().is_some_and(|p| {
            p.values
                .iter()
                .any(|v| v.eq_ignore_ascii_case("pkcs7-signature"))
        })
    }

    /// The digest for the receipt's MIC: the first listed that we support; None when none
    /// is listed or none of those listed is supported (the caller then uses the signature's
    /// own digest, or SHA-1 for an unsigned message, as RFC 4130 §7.3.1 says).
    pub fn mic_digest(&self) -> Option<Digest> {
        self.micalg
            .as_ref()?
            .values
            .iter()
            .find_map(|v| Digest::from_name(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_names_in_every_spelling() {
        for (name, digest) in [
            ("sha1", Digest::Sha1),
            ("SHA-1", Digest::Sha1),
            ("sha_1", Digest::Sha1),
            ("sha256", Digest::Sha256),
            ("sha-256", Digest::Sha256),
            ("SHA_256", Digest::Sha256),
            ("sha2-256", Digest::Sha256),
            ("sha2_384", Digest::Sha384),
            ("sha-384", Digest::Sha384),
            ("sha512", Digest::Sha512),
            ("sha-224", Digest::Sha224),
        ] {
            assert_eq!(Digest::from_name(name), Some(digest), "{name}");
            assert_eq!(Digest::from_name(digest.name()), Some(digest));
        }
        for name in ["md5", "sha", "sha-3", "sha2", "sha3-256", ""] {
            assert_eq!(Digest::from_name(name), None, "{name}");
        }
        assert_eq!(Digest::Sha256.to_string(), "sha-256");
    }

    #[test]
    fn the_header_as_products_send_it() {
        let o = DispositionOptions::parse(
            "signed-receipt-protocol=optional, pkcs7-signature; \
             signed-receipt-micalg=optional, md5, sha-256, sha1",
        )
        .unwrap();
        assert!(o.wants_signed_receipt());
        assert_eq!(
            o.protocol.as_ref().unwrap().importance,
            Importance::Optional
        );
        // MD5 listed first is passed over for the first digest we support.
        assert_eq!(o.mic_digest(), Some(Digest::Sha256));
        let o = DispositionOptions::parse(
            "Signed-Receipt-Protocol=Required,\"pkcs7-signature\";Signed-Receipt-MicAlg=REQUIRED,SHA1;x-vendor=optional,a",
        )
        .unwrap();
        assert_eq!(o.micalg.as_ref().unwrap().importance, Importance::Required);
        assert!(o.wants_signed_receipt());
        assert_eq!(o.mic_digest(), Some(Digest::Sha1));
        let none = DispositionOptions::parse("").unwrap();
        assert!(!none.wants_signed_receipt());
        assert_eq!(none.mic_digest(), None);
    }

    #[test]
    fn a_header_that_cannot_be_read_says_why() {
        let e = DispositionOptions::parse("signed-receipt-protocol").unwrap_err();
        assert!(e.contains("not name=importance"), "{e}");
        let e = DispositionOptions::parse("signed-receipt-micalg=maybe, sha1").unwrap_err();
        assert!(e.contains("importance 'maybe'"), "{e}");
    }
}
