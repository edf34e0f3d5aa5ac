//! The Message Integrity Check (RFC 4130 §7.3.1): a digest of what the receiver got,
//! returned in the MDN's Received-Content-MIC so that the sender knows the exact bytes
//! arrived. Written `base64-digest, algorithm`.

use std::fmt;

use openssl::hash::{MessageDigest, hash};

use super::mime::decode_base64;
use super::options::Digest;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mic {
    pub digest: Digest,
    /// The digest's bytes.
    pub value: Vec<u8>,
}

fn message_digest(digest: Digest) -> MessageDigest {
    match digest {
        Digest::Sha1 => MessageDigest::sha1(),
        Digest::Sha224 => MessageDigest::sha224(),
        Digest::Sha256 => MessageDigest::sha256(),
        Digest::Sha384 => MessageDigest::sha384(),
        Digest::Sha512 => MessageDigest::sha512(),
    }
}

impl Mic {
    pub fn compute(digest: Digest, bytes: &[u8]) -> Mic {
        // Hashing with a built-in digest fails only when OpenSSL cannot allocate, which the
        // rest of the process would not survive either.
        let value = hash(message_digest(digest), bytes)
            .map(|d| d.to_vec())
            .unwrap_or_default();
        Mic { digest, value }
    }

    /// Reads a Received-Content-MIC value: `base64, algorithm` (any spelling of the algorithm).
    pub fn parse(field: &str) -> Result<Mic, String> {
        let (value, algorithm) = field
            .rsplit_once(',')
            .ok_or_else(|| format!("Received-Content-MIC '{field}' is not 'digest, algorithm'"))?;
        let digest = Digest::from_name(algorithm).ok_or_else(|| {
            format!(
                "Received-Content-MIC names the algorithm '{}', which is not known",
                algorithm.trim()
            )
        })?;
        let value = decode_base64(value.trim().as_bytes()).map_err(|e| {
            format!(
                "Received-Content-MIC's digest is not base64 ({})",
                e.message
            )
        })?;
        Ok(Mic { digest, value })
    }
}

impl fmt::Display for Mic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {}",
            openssl::base64::encode_block(&self.value),
            self.digest.name()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_and_read_back_in_any_spelling() {
        let mic = Mic::compute(Digest::Sha256, b"abc");
        assert_eq!(
            mic.to_string(),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=, sha-256"
        );
        assert_eq!(Mic::parse(&mic.to_string()).unwrap(), mic);
        assert_eq!(
            Mic::parse("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=,SHA256").unwrap(),
            mic
        );
        assert_eq!(
            Mic::compute(Digest::Sha1, b"abc").to_string(),
            "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=, sha1"
        );
        assert!(Mic::parse("no comma").is_err());
        assert!(Mic::parse("AAAA, md5").unwrap_err().contains("md5"));
        assert!(Mic::parse("!!, sha1").is_err());
    }
}
