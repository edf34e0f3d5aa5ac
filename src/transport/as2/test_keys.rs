//! Key pairs for the AS2 unit tests: self-signed RSA-2048, as partners' AS2 certificates
//! usually are. Made once per test process (key generation is slow).

use std::sync::OnceLock;

use super::smime::KeyPair;
use super::test_pki::self_signed;

pub fn key_pair(common_name: &str) -> KeyPair {
    let pem = self_signed(common_name);
    KeyPair {
        certificate: pem.x509(),
        key: pem.pkey(),
    }
}

/// The partner's pair.
pub fn them() -> &'static KeyPair {
    static PAIR: OnceLock<KeyPair> = OnceLock::new();
    PAIR.get_or_init(|| key_pair("them"))
}

/// Our pair.
pub fn us() -> &'static KeyPair {
    static PAIR: OnceLock<KeyPair> = OnceLock::new();
    PAIR.get_or_init(|| key_pair("us"))
}

/// A pair nobody pinned.
pub fn stranger() -> &'static KeyPair {
    static PAIR: OnceLock<KeyPair> = OnceLock::new();
    PAIR.get_or_init(|| key_pair("someone else"))
}
