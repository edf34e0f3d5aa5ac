//! Keys and certificates for tests, made fresh with OpenSSL: a CA and TLS server
//! certificates it signs, and self-signed pairs like the ones AS2 partners exchange.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::{X509, X509Builder, X509NameBuilder};

/// A certificate and its private key, PEM-encoded (the key as PKCS #8).
#[derive(Debug, Clone)]
pub(crate) struct Pem {
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
}

impl Pem {
    /// Writes `{name}.crt` and `{name}.key` into `dir`; returns their paths (cert, key).
    pub fn write(&self, dir: &Path, name: &str) -> (PathBuf, PathBuf) {
        let cert = dir.join(format!("{name}.crt"));
        let key = dir.join(format!("{name}.key"));
        std::fs::write(&cert, &self.cert).unwrap();
        std::fs::write(&key, &self.key).unwrap();
        (cert, key)
    }

    pub fn x509(&self) -> X509 {
        X509::from_pem(&self.cert).unwrap()
    }

    pub fn pkey(&self) -> PKey<Private> {
        PKey::private_key_from_pem(&self.key).unwrap()
    }
}

/// A certificate authority that signs TLS server certificates.
pub(crate) struct TestCa {
    cert: X509,
    key: PKey<Private>,
    pub pem: Pem,
}

impl TestCa {
    pub fn new(common_name: &str) -> TestCa {
        let key = rsa_2048();
        let mut builder = builder(common_name, &key);
        builder
            .set_issuer_name(builder_subject(common_name).as_ref())
            .unwrap();
        let context = builder.x509v3_context(None, None);
        let ski = SubjectKeyIdentifier::new().build(&context).unwrap();
        builder.append_extension(ski).unwrap();
        builder
            .append_extension(BasicConstraints::new().critical().ca().build().unwrap())
            .unwrap();
        builder
            .append_extension(
                KeyUsage::new()
                    .critical()
                    .key_cert_sign()
                    .crl_sign()
                    .build()
                    .unwrap(),
            )
            .unwrap();
        builder.sign(&key, MessageDigest::sha256()).unwrap();
        let cert = builder.build();
        let pem = pem(&cert, &key);
        TestCa { cert, key, pem }
    }

    /// A TLS server certificate for `dns_names` and `ips` (subject alternative names,
    /// which is what TLS clients check), signed by this CA.
    pub fn tls_server(&self, common_name: &str, dns_names: &[&str], ips: &[IpAddr]) -> Pem {
        let key = rsa_2048();
        let mut builder = builder(common_name, &key);
        builder.set_issuer_name(self.cert.subject_name()).unwrap();
        let mut san = SubjectAlternativeName::new();
        for name in dns_names {
            san.dns(name);
        }
        for ip in ips {
            san.ip(&ip.to_string());
        }
        let context = builder.x509v3_context(Some(&self.cert), None);
        let san = san.build(&context).unwrap();
        let ski = SubjectKeyIdentifier::new().build(&context).unwrap();
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&context)
            .unwrap();
        for extension in [san, ski, aki] {
            builder.append_extension(extension).unwrap();
        }
        builder
            .append_extension(BasicConstraints::new().build().unwrap())
            .unwrap();
        builder
            .append_extension(
                KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .key_encipherment()
                    .build()
                    .unwrap(),
            )
            .unwrap();
        builder
            .append_extension(ExtendedKeyUsage::new().server_auth().build().unwrap())
            .unwrap();
        builder.sign(&self.key, MessageDigest::sha256()).unwrap();
        pem(&builder.build(), &key)
    }
}

/// A self-signed RSA-2048 pair, made as `openssl req -x509 -newkey rsa:2048` makes one
/// (subject and authority key identifiers, CA:TRUE), so OpenSSL takes it as its own trust
/// anchor: the kind of certificate AS2 partners exchange for signing and encryption.
pub(crate) fn self_signed(common_name: &str) -> Pem {
    let key = rsa_2048();
    let mut builder = builder(common_name, &key);
    builder
        .set_issuer_name(builder_subject(common_name).as_ref())
        .unwrap();
    let context = builder.x509v3_context(None, None);
    let ski = SubjectKeyIdentifier::new().build(&context).unwrap();
    builder.append_extension(ski).unwrap();
    // The authority key identifier of a self-signed certificate names its own key, which
    // the context can only find once the subject key identifier is in.
    let context = builder.x509v3_context(None, None);
    let aki = AuthorityKeyIdentifier::new()
        .keyid(true)
        .build(&context)
        .unwrap();
    builder.append_extension(aki).unwrap();
    builder
        .append_extension(BasicConstraints::new().critical().ca().build().unwrap())
        .unwrap();
    builder.sign(&key, MessageDigest::sha256()).unwrap();
    pem(&builder.build(), &key)
}

fn rsa_2048() -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap()
}

fn builder_subject(common_name: &str) -> openssl::x509::X509Name {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", common_name).unwrap();
    name.append_entry_by_text("O", "edigate tests").unwrap();
    name.build()
}

/// Version 3, a random serial, the subject, the key, valid from an hour ago for a year
/// (the hour: clocks of test machines disagree a little).
fn builder(common_name: &str, key: &PKey<Private>) -> X509Builder {
    let mut builder = X509Builder::new().unwrap();
    builder.set_version(2).unwrap();
    let mut serial = BigNum::new().unwrap();
    serial.rand(127, MsbOption::MAYBE_ZERO, false).unwrap();
    builder
        .set_serial_number(serial.to_asn1_integer().unwrap().as_ref())
        .unwrap();
    builder
        .set_subject_name(builder_subject(common_name).as_ref())
        .unwrap();
    builder.set_pubkey(key).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    builder
        .set_not_before(Asn1Time::from_unix(now - 3600).unwrap().as_ref())
        .unwrap();
    builder
        .set_not_after(Asn1Time::days_from_now(365).unwrap().as_ref())
        .unwrap();
    builder
}

fn pem(cert: &X509, key: &PKey<Private>) -> Pem {
    Pem {
        cert: cert.to_pem().unwrap(),
        key: key.private_key_to_pem_pkcs8().unwrap(),
    }
}
