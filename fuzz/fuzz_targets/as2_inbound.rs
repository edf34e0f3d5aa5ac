//! Fuzz target `as2_inbound`: whatever a partner POSTs as an AS2 message is opened by
//! `inbound::open` without a panic, and what comes out holds: a refusal always says why, and
//! a message opened meets the policy it was opened under (signed, encrypted, GCM only where
//! accepted), names the one pinned certificate, carries the MIC digest asked for (or the
//! signature's, or SHA-1), and its payload is no larger than `max(max_decompressed, body)`:
//! every layer but compression yields at most the bytes it was given (decryption, a
//! signature's content, a multipart part, a transfer decoding), and a compressed layer at
//! most `max_decompressed`, so however many layers (at most 8) the bound does not add up.
//!
//! The input: byte 0 is flags, byte 1 chooses the Content-Type header, the rest is the body
//! (after a line, for the two Content-Types that take one).
//! - byte 0: bit 0 require_signed, bit 1 require_encrypted, bit 2 accept_gcm; bits 3-4 the
//!   Content-Transfer-Encoding header: none, base64, binary, quoted-printable; bits 5-7 the
//!   MIC digest the sender asked for: none, sha1, sha224, sha256, sha384, sha512, none, none.
//! - byte 1, modulo 8: application/pkcs7-mime with smime-type enveloped-data,
//!   authEnveloped-data, compressed-data, signed-data; multipart/signed whose boundary is the
//!   input's next line; application/edi-x12; the input's next line verbatim (UTF-8, lossy);
//!   application/x-pkcs7-mime without smime-type.
//! - "the next line": the bytes up to the first `\n` (not included; the body follows it).
//!
//! The keys are fixed so that the seeds (real messages signed with the partner's key and
//! encrypted to ours, `fuzz/seeds/as2_inbound/*`) stay meaningful from run to run: OpenSSL
//! cannot generate a key from a seed, so the PEMs below were made once with
//! `openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=fuzz partner"` (and
//! `"/CN=fuzz us"`). They are test keys for this target only and protect nothing.
//!
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run as2_inbound fuzz/corpus/as2_inbound`, seeded with
//! `fuzz/seeds/as2_inbound/*` (`-max_len=65536`: the seeds are a few KiB).
#![no_main]

use std::borrow::Cow;
use std::sync::OnceLock;

use edigate::transport::as2::inbound::{self, Encryption, Security};
use edigate::transport::as2::mdn::Modifier;
use edigate::transport::as2::options::Digest;
use edigate::transport::as2::smime::KeyPair;
use libfuzzer_sys::fuzz_target;

/// The most a compressed layer may expand to.
const MAX_DECOMPRESSED: usize = 1 << 20;

/// The partner's pair: its certificate is pinned, its key signed the seeds.
const PARTNER_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDOWyLBFKV8f594
czl5eD3yx+1vxitghIptdSq60dcKo/ORahv/pmXEQnS6Vuu93AEup+7qTbwUk+yT
SmHHMq6lYr1VMspbUf/EmZonYFRgCLq9U+yqV8H/AwFiR7B+z9Bu/lMS+Yaqt3vm
GGfiI4vb1HYpieY9egsg9fLt6jcjt2AnnM2hbqDHh/nndrm9Ef6GqqJNKKh1vhw3
m2G3KLIE6dJKw1stMnok0eqJgHXy777QuuhMQo1o4siVKjEr8hOsAcWOqWz087UU
iN/33GAMnoI5P85KcBNBxk4iENRTZpOBaBBBO+csaMZ/qymC7euczZbNbeDxSOUK
wHgBfL2zAgMBAAECggEAA2gpyLpIiSeqQFjWqBS+IRX/64qACNXnWytGC1OPk1Nl
oA76a1wZ7gWS28i3l6jcNCL9pMynwEc47q2Zs6o4i+53ZcKy6JMP//TxQJksi3FZ
c+rAy4crYsRv72lzloRj0pFMWdHY0VS6LPBWNruTgYueb80hCf7L1D17R0ZIpsRG
qx6lFGI80MrGD0XXvCdPNnLwD41qEGteECohok6PJLPVC4fNR/gEIhIKqG+x3xId
JrlckXYeEIcoKkNhDE7Ax070rVS3o0ca605Nf4RGQ2oxyESKReJA0Xw6jSm+X04A
8j/H6wvXBWOhvFa2JMDVn+6uxPy5m/2tETd+iX5owQKBgQD41lnO8b0ptr27LPy3
8kj5Eipckk2mPLMmjMWmduQw88p09idpV96JJjckXNXhF4STOvVUuDis8I5fr4aw
uAJyijG5hnfuJIWT76JinEzqeYeJRX/G90sOughoyxCJxL84AIHUNEwGVavnLlHw
uNRu0tVDa01AUwxew++3OyTy4wKBgQDUS77s70NmQpKt6z0zAW3YFdNvQV4s2Zdi
nRDtx45z/fa6s4WDKMbngpXequ06xLVo5wpbi9T9p9VtxCZEbk4DEcls+D92TDtz
YiCAtnfZ90yiP2KuQ2eSjSwka0dhfvMCe4Wpov96VljC7tFMyldjDgmrAMSvl066
lyBO+Tly8QKBgQDsL6CMwXz35AEQcXHqMuk6qBhXR3K2b/TniURtbXnIUQ4AmEfu
QD30VbaPKCLGBOmMSbDk2frJg4bPoa4pfG6uQydRXiXlfvre4Nxz1sFW6UVRcQsI
Ul8GumMS/HNVIM8TG8AfKAhlFtoUky2pW/YevrU3ydhITst2A2o7s8KtWwKBgQDC
ExzPbUuoSGPfKpYf8saALDPGGXQGfESwmfXH6g6IazsLIuKDLNvo+LAZhxioCPvu
kogdeI+V88BhQFfbZxtaIwCI5cjeVIJk0Of1wtl+IV2lVVzZAjXE+9nG0WvH7U4q
jtF6atAy/ozWZ4xfLvsESuj7sxAbla8bVNzsVVn3gQKBgCFt9TWR/0hpRTRVQ2Sx
+hX7p7W1t1YRR1Th1eGQ4zaFs4Tk2X2oEX4GpVnfQYIa18dGpaKjoOqhFTaogwle
kk87xR8sYrMt8rMnCbPdHZxXkppzK6lsQufTdSJQY/uN5s+O6o99COdTovVllMMZ
STfGCEcv4HIkqzvnPdt2CWfH
-----END PRIVATE KEY-----
-----BEGIN CERTIFICATE-----
MIIDETCCAfmgAwIBAgIUX9suEWaWNwWfofIGI0Cs0JQyluEwDQYJKoZIhvcNAQEL
BQAwFzEVMBMGA1UEAwwMZnV6eiBwYXJ0bmVyMCAXDTI2MTEyNzA1NTA0NloYDzIx
MjYxMTAzMDU1MDQ2WjAXMRUwEwYDVQQDDAxmdXp6IHBhcnRuZXIwggEiMA0GCSqG
SIb3DQEBAQUAA4IBDwAwggEKAoIBAQDOWyLBFKV8f594czl5eD3yx+1vxitghIpt
dSq60dcKo/ORahv/pmXEQnS6Vuu93AEup+7qTbwUk+yTSmHHMq6lYr1VMspbUf/E
mZonYFRgCLq9U+yqV8H/AwFiR7B+z9Bu/lMS+Yaqt3vmGGfiI4vb1HYpieY9egsg
9fLt6jcjt2AnnM2hbqDHh/nndrm9Ef6GqqJNKKh1vhw3m2G3KLIE6dJKw1stMnok
0eqJgHXy777QuuhMQo1o4siVKjEr8hOsAcWOqWz087UUiN/33GAMnoI5P85KcBNB
xk4iENRTZpOBaBBBO+csaMZ/qymC7euczZbNbeDxSOUKwHgBfL2zAgMBAAGjUzBR
MB0GA1UdDgQWBBTw2X7DRVwBG7RC1dwjLJIIxTublTAfBgNVHSMEGDAWgBTw2X7D
RVwBG7RC1dwjLJIIxTublTAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUA
A4IBAQClfx/FsqAP9ryVmbJgNW80GBj8Zlf2L7uQzx7rF5wXQxgkSTKe2MCK+oti
lo30teNsFroRQl0JRqHRak1qI0wgfnc0d1kExtEdOnF/AGHu8Jf6R25Xisw8lioU
+lgSDthCOEn8WPiHCFM6/b5c3It35NN44tFpJrIOCPEGWuoa+h8wBD5ASVI0ExBj
8AD5DER5hkDrp70GzXv7gRmuN8KIaLKcsbQUGKZMAk3suHb2HH3POHf6vqMXmvWm
siHz6NliIgi63eaHFxA3cP0656ZNcY4bB8PANMk429V1qSxlSGXBiSFmyKYR7Yhq
HGdHUun9e3jgb5zP6jzxX2y/748b
-----END CERTIFICATE-----
";

/// Our pair: the seeds are encrypted to its certificate.
const US_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDdOXyOeDt4VVDQ
VkAUAB+tWXWGKP3N1qA/nDBo0JUmOLXI8l38hc0fQ7adrZ2pcuFRDeRyWC42qBKS
4v2b1c3VLWe5Y09BFXwDic+4Z/mNpVW5bsDPq2X6jxJ0CMpsI1hqr/hmHvAtpfG7
2hLnfjsZVVHSlWvDQzuLcCRGNy3B4R7bDwbM5GfRC6MJttcZFY/WTPCun6IB2vby
eQzbHT2wHL0D7m32C5CKbuj2gHcP0UryHws1t4ANv0oZIrJMgszE2NQaaUYU2Ztu
Xt+US0U3GeXnoDX1HdL4SFPZZ7i3+CsOTeRnNDRTpCk9+oBCnaXYdhNx/ROw1VAr
5B9JU90JAgMBAAECggEAAQjmWPoR51LqeSBz+KP6aq5AE+7AyePfedVrvUYiT191
QvJFF7phN/g4BbnhFAC8d/oLNDxDLIe6i5pvHT99UM05kYY9wcCKhQygVezYCIcI
uW8jjNUfUP3N9zOGO/S1pBLWpA9HiFIJqT4wnYms46NDnlmiZCH4X+Bpre7Dadi8
xAMm1SLiKzI1r4XovfSq1MyveFTT/wgmg6YOWIWjdlLSL6M1HCwKAKxl5hJZgbth
O0e4yOE2FpR96tRWrptriO6Lk7f2wOBsiGt8GGQ0yaAzsJsaoW4z0XvnOSqEhrK8
7t+mRF6TZT+UA9EUPLteBDTES+5nUQYhXxn/7OA4UQKBgQD7CeGegsXg5ZnCu+bd
Gd3Btaun5Ohf7LHeKJmYTS5aY1SO71qETdBitfiTfIVt5tdDT3euF7ggYSB+rUIV
MKy65OVLoGmZzFCkwpPJ3m1wxnwGH925taTNAnObtRSzHvw7+b2NUSGlBacAarQC
//HfN5Qus3gfoQETT9KMH7RAVwKBgQDhmMMshz5i3hIWu8dAkBwe5TWOshVtoB9N
fhWqlO5LMHSL/T7duX3+d/Yo5i+ezgtLQoC+GGIFDI2tUReIH9m/SM4PPaWKyMQ3
3UcpjYeDCvguq09sAqYjrcnNuJVUJUpJceniJ5bbETMR8o0zeQ5NNcoXLdb3k6Gm
HjAl3eLxnwKBgQCvjCBnHSHM/CIDCC0P7lehby4jkTJiaf2T0iZeV5KTiKSH858D
p/qSHJhAYrJXwTZFDpwtdM7Abcswam4srUYMx6YEtZ9C+ppmLN72KoGzfEkca0o8
5GXjKtS3TPC1tXRDaIgB+3sgkAxRgUxyUJLOOmp4Ie5dh9RdsdMVQ9JjrwKBgQCp
E/MDhoFNXB62hxn424kX5rXTMsk4lk+fpqXaaTCHjdNrr+vUBdfWRlZppMt/+/Ef
AMK4tlGQcy4j/ajjTuvFn21AovVVJM9bBy70h6xOnIQRhjdKPloCV5ft5S+WFzSs
AwJFi2JW4XcjNmR5dXswhuXlpWd9ulnmxK1VVA1pBQKBgQCOIIuc3rhFoXX7NVyU
mM32Lw2jwUB+wq4Cr69Mf5n805C82LSRHf8MGEBGY2IXFCQcgigH53HtjHZIopPH
bqhPfz8wQBEPgtVFsWPTXhnnYWByiNzi6LfCbs8gzOyQMBCfCd8SYWHNQr/Stwzk
v3gumPl6mknWBa+ceN13x3oAtA==
-----END PRIVATE KEY-----
-----BEGIN CERTIFICATE-----
MIIDBzCCAe+gAwIBAgIUSBovqB43aycOPXF3AoXvFDihEcQwDQYJKoZIhvcNAQEL
BQAwEjEQMA4GA1UEAwwHZnV6eiB1czAgFw0yNjExMjcwNTUwNDZaGA8yMTI2MTEw
MzA1NTA0NlowEjEQMA4GA1UEAwwHZnV6eiB1czCCASIwDQYJKoZIhvcNAQEBBQAD
ggEPADCCAQoCggEBAN05fI54O3hVUNBWQBQAH61ZdYYo/c3WoD+cMGjQlSY4tcjy
XfyFzR9Dtp2tnaly4VEN5HJYLjaoEpLi/ZvVzdUtZ7ljT0EVfAOJz7hn+Y2lVblu
wM+rZfqPEnQIymwjWGqv+GYe8C2l8bvaEud+OxlVUdKVa8NDO4twJEY3LcHhHtsP
BszkZ9ELowm21xkVj9ZM8K6fogHa9vJ5DNsdPbAcvQPubfYLkIpu6PaAdw/RSvIf
CzW3gA2/ShkiskyCzMTY1BppRhTZm25e35RLRTcZ5eegNfUd0vhIU9lnuLf4Kw5N
5Gc0NFOkKT36gEKdpdh2E3H9E7DVUCvkH0lT3QkCAwEAAaNTMFEwHQYDVR0OBBYE
FFGAJgcEGnmBZlGTXrxVk1f+e5Y3MB8GA1UdIwQYMBaAFFGAJgcEGnmBZlGTXrxV
k1f+e5Y3MA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAB6xtg1J
x9APVGEQVOr8P9iyGzgYFh23ukP5k6y3xnhcq7f/+LpY74laLi8i9PdE65SOTbOV
XfRV/ZcZcRGwUFOcOW6dlwzMcAPmd3tJRQqct0FTnDuUYLC2oPi/ksaOwAp356+1
cAkJNBC+5TqrE9JkLetnq4PPh2ftvBDsAyltL2lf3IbyRsU89t3jNG2Dha+/KlJO
CCqzB4iaV+fpedIqCvX/17hCwRFDt1PHGYvXbx5TPor0q61akV2nRUATT1+TisGc
Iq+6GQEaoFLkPHDKYFyt0sbH11+nOQDVHu9rgju1WOUkNLBKXtqTTwRdfIPBkWCp
oIKeIHdYs9QQeig=
-----END CERTIFICATE-----
";

fn keys() -> &'static (KeyPair, KeyPair) {
    static KEYS: OnceLock<(KeyPair, KeyPair)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let pair = |pem: &str| KeyPair::from_pem(pem.as_bytes()).expect("the embedded test key");
        (pair(PARTNER_PEM), pair(US_PEM))
    })
}

const CONTENT_TYPES: [&str; 8] = [
    "application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"",
    "application/pkcs7-mime; smime-type=authEnveloped-data; name=\"smime.p7m\"",
    "application/pkcs7-mime; smime-type=compressed-data; name=\"smime.p7z\"",
    "application/pkcs7-mime; smime-type=signed-data; name=\"smime.p7m\"",
    // multipart/signed: the boundary follows.
    "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=",
    "application/edi-x12",
    // Verbatim from the input.
    "",
    "application/x-pkcs7-mime",
];
const MULTIPART_SIGNED: usize = 4;
const VERBATIM: usize = 6;

const TRANSFER_ENCODINGS: [Option<&str>; 4] = [
    None,
    Some("base64"),
    Some("binary"),
    Some("quoted-printable"),
];

const DIGESTS: [Option<Digest>; 8] = [
    None,
    Some(Digest::Sha1),
    Some(Digest::Sha224),
    Some(Digest::Sha256),
    Some(Digest::Sha384),
    Some(Digest::Sha512),
    None,
    None,
];

/// The next line of `rest` (up to `\n`, not included) and what follows it; all of `rest`
/// and nothing after when there is no `\n`.
fn line(rest: &[u8]) -> (Cow<'_, str>, &[u8]) {
    match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (String::from_utf8_lossy(&rest[..i]), &rest[i + 1..]),
        None => (String::from_utf8_lossy(rest), &[]),
    }
}

fuzz_target!(|data: &[u8]| {
    let [flags, selector, rest @ ..] = data else {
        return;
    };
    let (flags, selector) = (*flags, usize::from(*selector) % CONTENT_TYPES.len());
    let (content_type, body) = match selector {
        MULTIPART_SIGNED => {
            let (boundary, body) = line(rest);
            (format!("{}\"{boundary}\"", CONTENT_TYPES[selector]), body)
        }
        VERBATIM => {
            let (value, body) = line(rest);
            (value.into_owned(), body)
        }
        _ => (CONTENT_TYPES[selector].to_string(), rest),
    };
    let mut headers = vec![
        ("AS2-Version", "1.2"),
        ("Message-ID", "<fuzz@partner>"),
        ("Content-Type", content_type.as_str()),
    ];
    if let Some(encoding) = TRANSFER_ENCODINGS[usize::from(flags >> 3) & 3] {
        headers.push(("Content-Transfer-Encoding", encoding));
    }
    let mic_digest = DIGESTS[usize::from(flags >> 5)];

    let (partner, us) = keys();
    let security = Security {
        pinned: std::slice::from_ref(&partner.certificate),
        ours: std::slice::from_ref(us),
        require_signed: flags & 1 != 0,
        require_encrypted: flags & 2 != 0,
        accept_gcm: flags & 4 != 0,
        max_decompressed: MAX_DECOMPRESSED,
    };
    match inbound::open(&headers, body, &security, mic_digest) {
        Ok(opened) => {
            assert!(
                opened.payload.len() <= MAX_DECOMPRESSED.max(body.len()),
                "a payload of {} bytes from a body of {}",
                opened.payload.len(),
                body.len()
            );
            assert!(!security.require_signed || opened.signer.is_some());
            assert!(!security.require_encrypted || opened.encryption.is_some());
            assert!(security.accept_gcm || opened.encryption != Some(Encryption::Authenticated));
            if let Some(signer) = &opened.signer {
                assert_eq!(signer.certificate, 0, "a certificate nobody pinned");
            }
            let expected = mic_digest
                .or(opened.signer.as_ref().map(|s| s.digest))
                .unwrap_or(Digest::Sha1);
            assert_eq!(opened.mic.digest, expected);
        }
        Err(refusal) => {
            assert!(!refusal.reason.trim().is_empty(), "{refusal:?}");
            if refusal.modifier == Modifier::InsufficientMessageSecurity {
                assert!(refusal.mic.is_some(), "{refusal:?}");
            }
        }
    }
});
