use super::*;
use crate::transport::as2::test_keys;

fn report(disposition: Disposition) -> Report {
    Report {
        reporting_ua: "edigate".into(),
        final_recipient: "ACME SUPPLY".into(),
        original_message_id: "<abc.123@them.example>".into(),
        received_mic: Some(Mic::compute(Digest::Sha256, b"payload")),
        disposition,
        explanation: "Your message was received.\nSecond line with a caf\u{e9}.".into(),
    }
}

fn addressing() -> Addressing<'static> {
    Addressing {
        from: "ACME SUPPLY",
        to: "BIGRETAIL-AS2",
        message_id: "<mdn.1@edigate>",
        date: "Fri, 27 Nov 2026 06:00:00 +0000",
        product: "edigate",
    }
}

#[test]
fn a_signed_mdn_reads_back_with_every_field_and_its_signer() {
    let us = test_keys::us();
    for disposition in [
        Disposition::Processed,
        Disposition::Error(Modifier::AuthenticationFailed),
        Disposition::Error(Modifier::UnknownTradingRelationship),
        Disposition::Warning("duplicate-document".into()),
        Disposition::Failed("unsupported format".into()),
    ] {
        let sent = report(disposition);
        let wire = build(&sent, &addressing(), Some((us, Digest::Sha384))).unwrap();
        assert_eq!(wire.header("as2-from"), Some("\"ACME SUPPLY\""));
        assert_eq!(wire.header("as2-to"), Some("BIGRETAIL-AS2"));
        let content_type = wire.header("content-type").unwrap();
        assert!(
            content_type.starts_with("multipart/signed;")
                && content_type.contains("micalg=sha-384"),
            "{content_type}"
        );
        let got = read(
            content_type,
            &wire.body,
            std::slice::from_ref(&us.certificate),
        )
        .unwrap();
        assert_eq!(
            got.signer,
            Some(Signer {
                certificate: 0,
                digest: Digest::Sha384
            })
        );
        let mut expected = sent.clone();
        expected.explanation = "Your message was received.\r\nSecond line with a caf .".into();
        assert_eq!(got.report, expected);
    }
}

#[test]
fn an_unsigned_mdn_reads_back_and_a_tampered_signed_one_does_not() {
    let us = test_keys::us();
    let sent = report(Disposition::Processed);
    let wire = build(&sent, &addressing(), None).unwrap();
    let content_type = wire.header("content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/report;"),
        "{content_type}"
    );
    let got = read(content_type, &wire.body, &[]).unwrap();
    assert_eq!(
        (got.signer, got.report.disposition),
        (None, Disposition::Processed)
    );

    let wire = build(&sent, &addressing(), Some((us, Digest::Sha256))).unwrap();
    let content_type = wire.header("content-type").unwrap();
    let text = String::from_utf8(wire.body.clone()).unwrap();
    let forged = text.replace(
        "; processed\r\n",
        "; processed/error: decryption-failed\r\n",
    );
    assert_ne!(forged, text);
    let e = read(
        content_type,
        forged.as_bytes(),
        std::slice::from_ref(&us.certificate),
    )
    .unwrap_err();
    assert!(e.0.contains("does not match"), "{e}");
    let e = read(
        content_type,
        &wire.body,
        std::slice::from_ref(&test_keys::stranger().certificate),
    )
    .unwrap_err();
    assert!(e.0.contains("not from the partner"), "{e}");
}

#[test]
fn what_other_products_write_is_read() {
    // pyas2lib's spelling: lower-case field name, digest without a dash, LF line ends, an
    // upper-case modifier; Original-Message-ID kept exactly.
    let body = "--B\nContent-Type: text/plain\n\nFailed\n--B\nContent-Type: message/disposition-notification\n\nReporting-UA: pyAS2\nOriginal-Recipient: rfc822; edigate\nFinal-Recipient: rfc822; edigate\nOriginal-Message-ID: <x@y>\nDisposition: automatic-action/MDN-sent-automatically; processed/Error: Decryption-Failed\nReceived-content-MIC: qZk+NkcGgWq6PiVxeFDCbJzQ2J0=, sha1\n--B--\n";
    let got = read(
        "multipart/report; report-type=disposition-notification; boundary=B",
        body.as_bytes(),
        &[],
    )
    .unwrap();
    assert_eq!(got.report.original_message_id, "<x@y>");
    assert_eq!(got.report.final_recipient, "edigate");
    assert_eq!(
        got.report.disposition,
        Disposition::Error(Modifier::DecryptionFailed)
    );
    assert_eq!(
        got.report.received_mic,
        Some(Mic::compute(Digest::Sha1, b"abc"))
    );
    assert_eq!(got.report.explanation, "Failed");
    for (field, disposition) in [
        (
            "automatic-action/MDN-sent-automatically; processed",
            Disposition::Processed,
        ),
        (
            "automatic-action/MDN-sent-automatically;processed/warning: duplicate-document",
            Disposition::Warning("duplicate-document".into()),
        ),
        (
            "automatic-action/MDN-sent-automatically; failed/Failure: unsupported format",
            Disposition::Failed("unsupported format".into()),
        ),
        (
            "a/b; processed/error: something-new",
            Disposition::Error(Modifier::Other("something-new".into())),
        ),
    ] {
        assert_eq!(read_disposition(field).unwrap(), disposition, "{field}");
    }
    assert!(read_disposition("processed").is_err());
    assert!(read_disposition("a/b; deleted").is_err());
    let e = read("text/plain", b"hello", &[]).unwrap_err();
    assert!(e.0.contains("not multipart/report"), "{e}");
}
