use super::*;
use crate::transport::as2::mdn::Addressing;
use crate::transport::as2::mdn::Wire;
use crate::transport::as2::outbound::{self, Compression, Payload, Protection, Receipt};
use crate::transport::as2::smime::ContentCipher;
use crate::transport::as2::test_keys;

const EDI: &[u8] = b"ISA*00*          *00*          *ZZ*BIGRETAIL      *ZZ*ACME           *261127*0600*U*00401*000000001*0*P*>~\nGS*PO*BIGRETAIL*ACME*20261127*0600*1*X*004010~\r\n\x00\xff binary tail\n";

fn send(protection: &Protection<'_>, receipt: &Receipt) -> outbound::Built {
    outbound::build(
        &Payload {
            content: EDI,
            content_type: "application/edi-x12",
            filename: Some("po 1.edi"),
        },
        protection,
        receipt,
        &Addressing {
            from: "BIGRETAIL-AS2",
            to: "ACME SUPPLY",
            message_id: "<m1@bigretail>",
            date: "Fri, 27 Nov 2026 06:00:00 +0000",
            product: "test",
        },
        "PO",
    )
    .unwrap()
}

fn security(require_signed: bool, require_encrypted: bool) -> Security<'static> {
    Security {
        pinned: std::slice::from_ref(&test_keys::them().certificate),
        ours: std::slice::from_ref(test_keys::us()),
        require_signed,
        require_encrypted,
        accept_gcm: false,
        max_decompressed: 1 << 20,
    }
}

fn receive(
    wire: &Wire,
    security: &Security<'_>,
    digest: Option<Digest>,
) -> Result<Opened, Refusal> {
    let headers: Vec<(&str, &str)> = wire
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    open(&headers, &wire.body, security, digest)
}

#[test]
fn every_combination_opens_with_the_mic_the_sender_expects() {
    let them = test_keys::them();
    let us = test_keys::us();
    for digest in [Digest::Sha1, Digest::Sha256, Digest::Sha384, Digest::Sha512] {
        for cipher in [
            None,
            Some(ContentCipher::TripleDes),
            Some(ContentCipher::Aes128Cbc),
            Some(ContentCipher::Aes192Cbc),
            Some(ContentCipher::Aes256Cbc),
        ] {
            for sign in [false, true] {
                for compression in [
                    Compression::None,
                    Compression::BeforeSigning,
                    Compression::AfterSigning,
                ] {
                    let protection = Protection {
                        sign: sign.then_some((them, digest)),
                        encrypt: cipher.map(|c| (&us.certificate, c)),
                        compression,
                    };
                    let receipt = Receipt::Sync {
                        signed: Some(digest),
                    };
                    let built = send(&protection, &receipt);
                    let case = format!("{digest:?} {cipher:?} signed={sign} {compression:?}");
                    let opened = receive(&built.wire, &security(false, false), Some(digest))
                        .unwrap_or_else(|r| panic!("{case}: {r:?}"));
                    assert_eq!(opened.payload, EDI, "{case}");
                    assert_eq!(opened.payload_type, "application/edi-x12", "{case}");
                    assert_eq!(opened.filename.as_deref(), Some("po 1.edi"), "{case}");
                    assert_eq!(
                        opened.signer.map(|s| s.digest),
                        sign.then_some(digest),
                        "{case}"
                    );
                    assert_eq!(opened.encryption.is_some(), cipher.is_some(), "{case}");
                    assert_eq!(
                        opened.compressed,
                        compression != Compression::None,
                        "{case}"
                    );
                    assert_eq!(opened.mic, built.mic, "{case}");
                }
            }
        }
    }
}

#[test]
fn the_mic_follows_the_rfc_for_each_case() {
    let them = test_keys::them();
    // Bare: over the body alone.
    let bare = send(
        &Protection {
            sign: None,
            encrypt: None,
            compression: Compression::None,
        },
        &Receipt::Sync { signed: None },
    );
    let opened = receive(&bare.wire, &security(false, false), None).unwrap();
    assert_eq!(opened.mic, Mic::compute(Digest::Sha1, EDI));
    // Signed: over the signed part, headers included, with the digest asked for.
    let signed = send(
        &Protection {
            sign: Some((them, Digest::Sha256)),
            encrypt: None,
            compression: Compression::None,
        },
        &Receipt::Sync {
            signed: Some(Digest::Sha512),
        },
    );
    let opened = receive(&signed.wire, &security(false, false), Some(Digest::Sha512)).unwrap();
    assert_eq!(opened.mic.digest, Digest::Sha512);
    let body = String::from_utf8_lossy(&signed.wire.body).to_string();
    assert!(body.contains("Content-Transfer-Encoding: binary\r\nContent-Disposition: attachment; filename=\"po 1.edi\"\r\n\r\nISA*"), "{body}");
    // No digest asked for: the signature's.
    let opened = receive(&signed.wire, &security(false, false), None).unwrap();
    assert_eq!(opened.mic.digest, Digest::Sha256);
}

#[test]
fn policy_tampering_and_wrong_keys_give_the_right_modifier() {
    let them = test_keys::them();
    let us = test_keys::us();
    let stranger = test_keys::stranger();
    let modifier = |protection: Protection<'_>, security: &Security<'_>| {
        receive(&send(&protection, &Receipt::None).wire, security, None).unwrap_err()
    };
    let plain = Protection {
        sign: None,
        encrypt: None,
        compression: Compression::None,
    };
    let r = modifier(plain, &security(true, false));
    assert_eq!(r.modifier, Modifier::InsufficientMessageSecurity, "{r:?}");
    assert!(r.reason.contains("not signed") && r.mic.is_some(), "{r:?}");
    let signed_only = Protection {
        sign: Some((them, Digest::Sha256)),
        ..plain
    };
    let r = modifier(signed_only, &security(true, true));
    assert_eq!(
        (r.modifier.clone(), r.reason.contains("not encrypted")),
        (Modifier::InsufficientMessageSecurity, true),
        "{r:?}"
    );
    // Signed by someone else.
    let r = modifier(
        Protection {
            sign: Some((stranger, Digest::Sha256)),
            ..plain
        },
        &security(true, false),
    );
    assert_eq!(r.modifier, Modifier::AuthenticationFailed, "{r:?}");
    // Encrypted to someone else.
    let r = modifier(
        Protection {
            encrypt: Some((&stranger.certificate, ContentCipher::Aes128Cbc)),
            ..plain
        },
        &security(false, false),
    );
    assert_eq!(r.modifier, Modifier::DecryptionFailed, "{r:?}");
    // GCM not agreed, then agreed.
    let gcm = Protection {
        encrypt: Some((&us.certificate, ContentCipher::Aes256Gcm)),
        ..signed_only
    };
    let r = modifier(gcm, &security(true, true));
    assert_eq!(
        (r.modifier.clone(), r.reason.contains("AES-GCM")),
        (Modifier::DecryptionFailed, true),
        "{r:?}"
    );
    let built = send(&gcm, &Receipt::None);
    let opened = receive(
        &built.wire,
        &Security {
            accept_gcm: true,
            ..security(true, true)
        },
        None,
    )
    .unwrap();
    assert_eq!(opened.encryption, Some(Encryption::Authenticated));
    // One payload byte changed in transit, signed message.
    let mut built = send(&signed_only, &Receipt::None);
    let at = memchr::memmem::find(&built.wire.body, b"binary tail").unwrap();
    built.wire.body[at] ^= 0x20;
    let r = receive(&built.wire, &security(true, false), None).unwrap_err();
    assert_eq!(r.modifier, Modifier::IntegrityCheckFailed, "{r:?}");
    // Garbage where the encrypted content should be.
    let mut built = send(
        &Protection {
            encrypt: Some((&us.certificate, ContentCipher::Aes128Cbc)),
            ..plain
        },
        &Receipt::None,
    );
    built.wire.body.truncate(40);
    assert_eq!(
        receive(&built.wire, &security(false, false), None)
            .unwrap_err()
            .modifier,
        Modifier::DecryptionFailed
    );
}

#[test]
fn a_decompression_bomb_stops_at_the_limit() {
    let zeros = vec![0u8; 4 << 20];
    let built = outbound::build(
        &Payload {
            content: &zeros,
            content_type: "application/edi-x12",
            filename: None,
        },
        &Protection {
            sign: None,
            encrypt: None,
            compression: Compression::BeforeSigning,
        },
        &Receipt::None,
        &Addressing {
            from: "a",
            to: "b",
            message_id: "<m@a>",
            date: "d",
            product: "p",
        },
        "s",
    )
    .unwrap();
    assert!(built.wire.body.len() < 64 << 10);
    let r = receive(&built.wire, &security(false, false), None).unwrap_err();
    assert_eq!(r.modifier, Modifier::DecompressionFailed, "{r:?}");
}

#[test]
fn garbage_is_refused_with_a_reason_never_a_panic() {
    let s = security(false, false);
    for (content_type, body) in [
        (
            "application/pkcs7-mime; smime-type=enveloped-data",
            &b"not cms"[..],
        ),
        (
            "application/pkcs7-mime; smime-type=compressed-data",
            b"\x30\x03\x02\x01\x00",
        ),
        (
            "multipart/signed; boundary=x",
            b"--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n",
        ),
        ("multipart/signed", b""),
        ("no type", b"x"),
    ] {
        let r = open(&[("Content-Type", content_type)], body, &s, None).unwrap_err();
        assert!(!r.reason.is_empty(), "{content_type}");
    }
    // No Content-Transfer-Encoding means binary, even for bytes that look like base64.
    let opened = open(
        &[("content-type", "application/edi-x12")],
        b"SVNBKg==",
        &s,
        None,
    )
    .unwrap();
    assert_eq!(opened.payload, b"SVNBKg==");
    let opened = open(
        &[
            ("Content-Type", "application/edi-x12"),
            ("Content-Transfer-Encoding", "base64"),
            ("AS2-From", "x"),
        ],
        b"SVNBKg==",
        &s,
        None,
    )
    .unwrap();
    assert_eq!(opened.payload, b"ISA*");
}
