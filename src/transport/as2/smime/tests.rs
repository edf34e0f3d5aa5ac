use std::path::Path;
use std::process::Command;

use super::*;
use crate::transport::as2::test_keys;

fn pairs() -> (&'static KeyPair, &'static KeyPair) {
    (test_keys::them(), test_keys::stranger())
}

/// A MIME entity with bare LFs and every byte value: nothing may be translated.
fn entity() -> Vec<u8> {
    let mut e = b"Content-Type: application/edi-x12\r\n\r\nISA*00*\n".to_vec();
    e.extend(0u8..=255);
    e.extend_from_slice(b"\r\n\n\r");
    e
}

const DIGESTS: [Digest; 5] = [
    Digest::Sha1,
    Digest::Sha224,
    Digest::Sha256,
    Digest::Sha384,
    Digest::Sha512,
];

#[test]
fn a_signature_is_checked_over_the_exact_bytes_and_names_its_digest() {
    let (them, _) = pairs();
    let content = entity();
    for digest in DIGESTS {
        let signature = sign_detached(&content, them, digest).unwrap();
        let signer = verify_detached(
            &signature,
            &content,
            std::slice::from_ref(&them.certificate),
        )
        .unwrap();
        assert_eq!(
            signer,
            Signer {
                certificate: 0,
                digest
            }
        );
    }
}

#[test]
fn a_changed_byte_or_a_canonicalised_line_end_breaks_the_signature() {
    let (them, _) = pairs();
    let content = entity();
    let signature = sign_detached(&content, them, Digest::Sha256).unwrap();
    let pinned = std::slice::from_ref(&them.certificate);
    let mut tampered = content.clone();
    tampered[40] ^= 1;
    let e = verify_detached(&signature, &tampered, pinned).unwrap_err();
    assert_eq!(e.failure, Failure::Integrity, "{e}");
    // What a gateway that "fixes" line ends would check: must not pass.
    let canonical = String::from_utf8_lossy(&content)
        .replace("\r\n", "\n")
        .replace('\n', "\r\n");
    let e = verify_detached(&signature, canonical.as_bytes(), pinned).unwrap_err();
    assert_eq!(e.failure, Failure::Integrity, "{e}");
}

#[test]
fn only_a_pinned_certificate_is_trusted_and_two_are_allowed_during_a_rollover() {
    let (them, stranger) = pairs();
    let content = entity();
    let signature = sign_detached(&content, stranger, Digest::Sha256).unwrap();
    // The stranger's certificate travels inside the signature: it must not be enough.
    let e = verify_detached(
        &signature,
        &content,
        std::slice::from_ref(&them.certificate),
    )
    .unwrap_err();
    assert_eq!(e.failure, Failure::UnknownSigner, "{e}");
    assert!(e.message.contains("CN=someone else"), "{e}");
    let rollover = [them.certificate.clone(), stranger.certificate.clone()];
    let signer = verify_detached(&signature, &content, &rollover).unwrap();
    assert_eq!(signer.certificate, 1);
}

#[test]
fn every_cipher_round_trips_and_a_wrong_key_is_a_decryption_failure() {
    let (them, stranger) = pairs();
    let content = entity();
    for cipher in [
        ContentCipher::TripleDes,
        ContentCipher::Aes128Cbc,
        ContentCipher::Aes192Cbc,
        ContentCipher::Aes256Cbc,
        ContentCipher::Aes128Gcm,
        ContentCipher::Aes256Gcm,
    ] {
        let enveloped = encrypt(&content, &them.certificate, cipher).unwrap();
        assert_eq!(
            decrypt(&enveloped, std::slice::from_ref(them)).unwrap(),
            content,
            "{cipher:?}"
        );
        // During a rollover the old and the new key are both tried.
        assert_eq!(
            decrypt(&enveloped, &[stranger.clone(), them.clone()]).unwrap(),
            content
        );
        let e = decrypt(&enveloped, std::slice::from_ref(stranger)).unwrap_err();
        assert_eq!(e.failure, Failure::Decryption, "{e}");
    }
}

#[test]
fn garbage_is_malformed_not_a_panic() {
    let (them, _) = pairs();
    let pinned = std::slice::from_ref(&them.certificate);
    for input in [
        &b""[..],
        b"\x30",
        b"\x30\x80",
        b"not der at all",
        &[0xff; 64],
    ] {
        assert_eq!(
            verify_detached(input, b"x", pinned).unwrap_err().failure,
            Failure::Malformed
        );
        assert_eq!(
            verify_enclosed(input, pinned).unwrap_err().failure,
            Failure::Malformed
        );
        assert_eq!(
            decrypt(input, std::slice::from_ref(them))
                .unwrap_err()
                .failure,
            Failure::Malformed
        );
    }
    // A well-formed CMS of the wrong kind.
    let enveloped = encrypt(b"x", &them.certificate, ContentCipher::Aes128Cbc).unwrap();
    assert_eq!(
        verify_detached(&enveloped, b"x", pinned)
            .unwrap_err()
            .failure,
        Failure::Malformed
    );
}

/// Found by the fuzz target `as2_inbound` (LeakSanitizer at exit): a detached signature
/// whose digestAlgorithms SET, which the signature does not cover, holds a digest OpenSSL
/// cannot set up made CMS_verify leak its copy of the content. Both kinds (an unknown OID,
/// an empty SET) must now be refused before CMS_verify, which the message shows; a leak
/// itself is for the fuzz target's LeakSanitizer to see.
#[test]
fn digest_algorithms_openssl_cannot_set_up_are_refused_before_cms_verify() {
    let (them, _) = pairs();
    let content = entity();
    let pinned = std::slice::from_ref(&them.certificate);
    let signature = sign_detached(&content, them, Digest::Sha256).unwrap();
    // ContentInfo, [0], SignedData (each 0x82 and two length bytes), version, then the SET.
    let set: &[u8] = b"\x31\x0d\x30\x0b\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01";
    assert_eq!(&signature[26..26 + set.len()], set);
    let mut unknown = signature.clone();
    unknown[26 + set.len() - 1] = 99; // SHA-256's arc, .99: no digest at all
    let mut empty = signature[..26].to_vec();
    empty.extend_from_slice(b"\x31\x00");
    empty.extend_from_slice(&signature[26 + set.len()..]);
    for header in [0, 15, 19] {
        assert_eq!(empty[header + 1], 0x82);
        let length = u16::from_be_bytes([empty[header + 2], empty[header + 3]]) - 13;
        empty[header + 2..header + 4].copy_from_slice(&length.to_be_bytes());
    }
    for (case, tampered) in [("unknown OID", &unknown), ("empty SET", &empty)] {
        let e = verify_detached(tampered, &content, pinned).unwrap_err();
        assert_eq!(e.failure, Failure::Malformed, "{case}: {e}");
        assert!(
            e.message.contains("its digest algorithms cannot be set up"),
            "{case}: {e}"
        );
    }
    // What OpenSSL can set up is not refused by the check.
    assert!(verify_detached(&signature, &content, pinned).is_ok());
}

#[test]
fn cipher_names_in_every_spelling() {
    for (name, cipher) in [
        ("aes128-cbc", ContentCipher::Aes128Cbc),
        ("aes_128_cbc", ContentCipher::Aes128Cbc),
        ("AES-256-CBC", ContentCipher::Aes256Cbc),
        ("aes192", ContentCipher::Aes192Cbc),
        ("3des", ContentCipher::TripleDes),
        ("tripledes_192_cbc", ContentCipher::TripleDes),
        ("des-ede3-cbc", ContentCipher::TripleDes),
        ("aes256-gcm", ContentCipher::Aes256Gcm),
    ] {
        assert_eq!(ContentCipher::from_name(name), Some(cipher), "{name}");
        assert_eq!(ContentCipher::from_name(cipher.name()), Some(cipher));
    }
    assert_eq!(ContentCipher::from_name("rc2-40"), None);
}

/// The `openssl` command line, the reference other products are tested against, when present.
fn openssl_cli() -> Option<&'static str> {
    let found = Command::new("openssl")
        .arg("version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if found {
        Some("openssl")
    } else if std::env::var("EDIGATE_REQUIRE_PEERS").as_deref() == Ok("1") {
        panic!("the openssl command is not installed (EDIGATE_REQUIRE_PEERS=1)");
    } else {
        eprintln!("skipped: the openssl command is not installed");
        None
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn run(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn openssl_reads_ours_and_we_read_its_streamed_ber() {
    let Some(_) = openssl_cli() else { return };
    let (them, _) = pairs();
    let dir = tempfile::tempdir().unwrap();
    let content = entity();
    let content_file = write(dir.path(), "content", &content);
    let cert = write(dir.path(), "cert.pem", &them.certificate.to_pem().unwrap());
    let key = write(
        dir.path(),
        "key.pem",
        &them.key.private_key_to_pem_pkcs8().unwrap(),
    );

    // Ours, checked and opened by OpenSSL.
    let signature = write(
        dir.path(),
        "sig.der",
        &sign_detached(&content, them, Digest::Sha384).unwrap(),
    );
    run(&[
        "cms",
        "-verify",
        "-binary",
        "-noverify",
        "-inform",
        "DER",
        "-in",
        &signature,
        "-content",
        &content_file,
        "-certfile",
        &cert,
        "-out",
        "/dev/null",
    ]);
    let enveloped = write(
        dir.path(),
        "env.der",
        &encrypt(&content, &them.certificate, ContentCipher::Aes192Cbc).unwrap(),
    );
    assert_eq!(
        run(&[
            "cms", "-decrypt", "-binary", "-inform", "DER", "-in", &enveloped, "-recip", &cert,
            "-inkey", &key
        ]),
        content
    );

    // OpenSSL's, streamed: indefinite-length BER, as Java products send.
    let streamed = run(&[
        "cms",
        "-sign",
        "-binary",
        "-stream",
        "-md",
        "sha512",
        "-outform",
        "DER",
        "-in",
        &content_file,
        "-signer",
        &cert,
        "-inkey",
        &key,
    ]);
    assert_eq!(
        &streamed[..2],
        b"\x30\x80",
        "expected indefinite-length BER from -stream"
    );
    let (signer, enclosed) =
        verify_enclosed(&streamed, std::slice::from_ref(&them.certificate)).unwrap();
    assert_eq!((signer.digest, enclosed), (Digest::Sha512, content.clone()));
    let streamed = run(&[
        "cms",
        "-encrypt",
        "-binary",
        "-stream",
        "-des3",
        "-outform",
        "DER",
        "-in",
        &content_file,
        &cert,
    ]);
    assert_eq!(&streamed[..2], b"\x30\x80");
    assert_eq!(
        decrypt(&streamed, std::slice::from_ref(them)).unwrap(),
        content
    );
}
