//! AS2 against a real AS2 product: pyas2lib (tests/peers/as2_station.py) sends to edigate's
//! station over loopback HTTP and checks the MDN it gets back, for every digest and cipher,
//! compressed or not, signed only, sync and async, and the cases that must be refused.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use edigate::engine::{Engine, EngineConfig, ManualClock};
use edigate::partner::Directory;
use edigate::store::{Direction, Store};
use edigate::transport::as2::http::{Client, ClientConfig, Listener, ListenerConfig};
use edigate::transport::as2::station::{
    As2Partner, Station as EdigateStation, StationConfig, StationHandler,
};
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::{X509Builder, X509NameBuilder};
use serde_json::Value;

/// A self-signed RSA-2048 pair written as `<name>.key` and `<name>.crt`, and both in
/// `<name>.pem` (the form a partner profile names for our key).
fn key_pair(dir: &Path, name: &str) {
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut subject = X509NameBuilder::new().unwrap();
    subject.append_entry_by_text("CN", name).unwrap();
    let subject = subject.build();
    let mut builder = X509Builder::new().unwrap();
    builder.set_version(2).unwrap();
    builder
        .set_serial_number(&BigNum::from_u32(7).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    builder.set_subject_name(&subject).unwrap();
    builder.set_issuer_name(&subject).unwrap();
    builder.set_pubkey(&key).unwrap();
    builder
        .set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    builder
        .set_not_after(&Asn1Time::days_from_now(365).unwrap())
        .unwrap();
    builder.sign(&key, MessageDigest::sha256()).unwrap();
    let cert = builder.build().to_pem().unwrap();
    let key = key.private_key_to_pem_pkcs8().unwrap();
    std::fs::write(dir.join(format!("{name}.key")), &key).unwrap();
    std::fs::write(dir.join(format!("{name}.crt")), &cert).unwrap();
    std::fs::write(dir.join(format!("{name}.pem")), [key, cert].concat()).unwrap();
}

/// `<dir>/partners`: BigRetail's profile with its files travelling over AS2, and the keys
/// (`keys/us.pem` ours, `keys/them.*` BigRetail's, `keys/stranger.*` nobody's). `require`:
/// the profile requires BigRetail's messages to be signed and encrypted.
fn as2_partners(dir: &Path, require: bool) -> PathBuf {
    let partners_dir = dir.join("partners");
    let keys = partners_dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    for name in ["us", "them", "stranger"] {
        key_pair(&keys, name);
    }
    let profile = std::fs::read_to_string(common::repo("partners/bigretail.toml")).unwrap();
    let start = profile.find("[transport.folder]").unwrap();
    let end = profile[start..]
        .find("\n\n")
        .map_or(profile.len(), |i| start + i);
    let profile = format!(
        "{}[transport.as2]\nurl = \"http://127.0.0.1:9/as2\"\npartner_certificate = {{ path = \"keys/them.crt\" }}\nour_key = {{ path = \"keys/us.pem\" }}\nrequire_signed = {require}\nrequire_encrypted = {require}\n{}",
        &profile[..start],
        &profile[end..]
    );
    std::fs::write(partners_dir.join("bigretail.toml"), profile).unwrap();
    partners_dir
}

/// edigate with one AS2 partner (BigRetail's profile on AS2) and its station listening.
struct Gateway {
    engine: Arc<Engine>,
    url: String,
    dir: tempfile::TempDir,
    /// Runs the station; dropped with the gateway.
    _runtime: tokio::runtime::Runtime,
}

impl Gateway {
    fn start(max_body_bytes: u64, require: bool) -> Gateway {
        let dir = tempfile::tempdir().unwrap();
        let partners_dir = as2_partners(dir.path(), require);
        let profile = std::fs::read_to_string(partners_dir.join("bigretail.toml")).unwrap();
        let (directory, errors) =
            Directory::read(&[("bigretail.toml".into(), profile)], &|p: &str| {
                partners_dir.join(p).exists()
            });
        assert!(errors.is_empty(), "{errors:?}");
        let as2: Vec<As2Partner> = directory
            .profiles
            .iter()
            .filter_map(|p| As2Partner::load(p, &partners_dir).unwrap())
            .collect();
        assert_eq!(as2.len(), 1);
        let store = Store::open(&dir.path().join("edigate.db").display().to_string()).unwrap();
        let clock = Arc::new(ManualClock::new(
            chrono::NaiveDateTime::parse_from_str("2026-11-27 06:00", "%Y-%m-%d %H:%M").unwrap(),
        ));
        let engine = Arc::new(Engine::new(
            store,
            directory,
            edigate::spec::standard().unwrap(),
            clock,
            EngineConfig::default(),
        ));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let client = Client::new(ClientConfig {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            extra_roots: vec![],
            use_system_roots: false,
            max_response_bytes: 1 << 20,
        })
        .unwrap();
        let station = Arc::new(EdigateStation::new(
            engine.clone(),
            as2,
            StationConfig {
                mdn_first_retry: Duration::from_millis(100),
                ..StationConfig::default()
            },
            client,
            Arc::new(tokio::sync::Notify::new()),
        ));
        let listener = runtime
            .block_on(Listener::bind(ListenerConfig {
                addr: "127.0.0.1:0".parse().unwrap(),
                tls: None,
                max_body_bytes,
                max_header_bytes: 64 << 10,
                read_timeout: Duration::from_secs(30),
                path: "/as2".into(),
            }))
            .unwrap();
        let url = format!("http://{}/as2", listener.local_addr());
        runtime.spawn(listener.run(
            Arc::new(StationHandler(station)),
            std::future::pending::<()>(),
        ));
        Gateway {
            engine,
            url,
            dir,
            _runtime: runtime,
        }
    }

    fn keys(&self) -> PathBuf {
        self.dir.path().join("partners/keys")
    }

    /// How many exchanges and stored messages there are.
    fn stored(&self, as2_message_id: &str) -> (Option<edigate::store::As2Exchange>, Vec<u8>) {
        self.engine
            .store
            .read(|tx| {
                let exchange =
                    tx.as2_exchange_by_message_id(Direction::In, "BIGRETAIL-AS2", as2_message_id)?;
                let payload = match exchange.as_ref().and_then(|e| e.message_id) {
                    Some(id) => tx.message(id)?.body,
                    None => Vec::new(),
                };
                Ok::<_, edigate::store::StoreError>((exchange, payload))
            })
            .unwrap()
    }
}

/// The pyas2lib station's configuration: BigRetail's AS2 product sending to us.
#[derive(Clone)]
struct Pyas2lib {
    sign: bool,
    encrypt: bool,
    compress: bool,
    digest: &'static str,
    cipher: &'static str,
    mdn: Option<&'static str>,
    signed_mdn: bool,
    /// Whose key it signs with, whose certificate it encrypts to, what it calls itself.
    signs_as: &'static str,
    encrypts_to: &'static str,
    as2_name: &'static str,
}

impl Default for Pyas2lib {
    fn default() -> Self {
        Pyas2lib {
            sign: true,
            encrypt: true,
            compress: false,
            digest: "sha256",
            cipher: "aes_128_cbc",
            mdn: Some("SYNC"),
            signed_mdn: true,
            signs_as: "them",
            encrypts_to: "us",
            as2_name: "BIGRETAIL-AS2",
        }
    }
}

fn pyas2lib_ready() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import pyas2lib"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        common::skip(
            "pyas2lib cannot be imported (pip install pyas2lib==1.4.4, then .ci/peers/oscrypto_openssl3.py)",
        );
    }
    ok
}

impl Pyas2lib {
    fn config(&self, gateway: &Gateway, store: &Path) -> PathBuf {
        self.config_in(&gateway.keys(), store)
    }

    /// The configuration with the keys of `keys`, the station's store in `store`.
    fn config_in(&self, keys: &Path, store: &Path) -> PathBuf {
        let config = serde_json::json!({
            "our": {"as2_name": self.as2_name, "key_pem": keys.join(format!("{}.key", self.signs_as)), "cert_pem": keys.join(format!("{}.crt", self.signs_as))},
            "partner": {
                "as2_name": "ACMESUPPLY-AS2", "cert_pem": keys.join(format!("{}.crt", self.encrypts_to)),
                "sign": self.sign, "encrypt": self.encrypt, "compress": self.compress,
                "digest_alg": self.digest, "enc_alg": self.cipher,
                "mdn_mode": self.mdn, "mdn_digest_alg": if self.signed_mdn { Some(self.digest) } else { None },
                "content_type": "application/edi-x12",
            },
            "store_dir": store,
        });
        std::fs::create_dir_all(store).unwrap();
        let path = store.join("station.json");
        std::fs::write(&path, config.to_string()).unwrap();
        path
    }

    /// `send`: pyas2lib builds the message, POSTs it, checks the MDN; its JSON line.
    fn send(&self, gateway: &Gateway, payload: &[u8], extra: &[&str]) -> Value {
        let store = gateway
            .dir
            .path()
            .join(format!("station-{}", rand_suffix()));
        self.send_from(gateway, &store, payload, extra)
    }

    /// `send` from the station whose store is `store` (where its `serve` looks for what it
    /// sent when an asynchronous MDN comes in).
    fn send_from(&self, gateway: &Gateway, store: &Path, payload: &[u8], extra: &[&str]) -> Value {
        let config = self.config(gateway, store);
        let payload_file = store.join("payload.edi");
        std::fs::write(&payload_file, payload).unwrap();
        let out = Command::new("python3")
            .arg(common::repo("tests/peers/as2_station.py"))
            .args(["send", "--config"])
            .arg(&config)
            .args(["--url", &gateway.url, "--payload"])
            .arg(&payload_file)
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "station send failed: {}",
            common::text(&out)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", common::text(&out)))
    }
}

/// A peer process that does not outlive its test, even one that fails.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::Relaxed).to_string()
}

/// A BigRetail order as it travels over AS2 (X12 allows CR LF after each terminator; pyas2lib
/// sends text with CR LF line ends, so the payload arrives byte for byte).
fn order() -> Vec<u8> {
    let text = std::fs::read_to_string(common::repo("samples/bigretail/good-850.edi")).unwrap();
    text.replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes()
}

fn processed(result: &Value) {
    assert_eq!(result["http_status"], 200, "{result}");
    assert_eq!(result["mdn_status"], "processed", "{result}");
    assert_eq!(result["mic_ok"], true, "{result}");
}

#[test]
fn pyas2lib_sends_every_algorithm_combination_and_gets_a_signed_mdn_with_the_right_mic() {
    if !pyas2lib_ready() {
        return;
    }
    let gateway = Gateway::start(16 << 20, false);
    let order = order();
    for digest in ["sha1", "sha256", "sha384", "sha512"] {
        for cipher in [
            "tripledes_192_cbc",
            "aes_128_cbc",
            "aes_192_cbc",
            "aes_256_cbc",
        ] {
            for compress in [false, true] {
                let station = Pyas2lib {
                    digest,
                    cipher,
                    compress,
                    ..Pyas2lib::default()
                };
                let result = station.send(&gateway, &order, &[]);
                let case = format!("{digest} {cipher} compress={compress}");
                processed(&result);
                assert_eq!(result["mdn_signed"], true, "{case}: {result}");
                let id = format!("<{}>", result["message_id"].as_str().unwrap());
                let (exchange, payload) = gateway.stored(&id);
                let exchange = exchange.unwrap_or_else(|| panic!("{case}: no exchange for {id}"));
                assert_eq!(
                    (exchange.status.as_str(), exchange.mdn_mode.as_str()),
                    ("processed", "sync"),
                    "{case}"
                );
                assert!(exchange.mdn.is_some(), "{case}: the MDN is kept");
                assert_eq!(payload, order, "{case}: the payload stored byte for byte");
            }
        }
    }
    // Signed only, unsigned MDN, and neither signed nor encrypted.
    for station in [
        Pyas2lib {
            encrypt: false,
            ..Pyas2lib::default()
        },
        Pyas2lib {
            signed_mdn: false,
            ..Pyas2lib::default()
        },
        Pyas2lib {
            sign: false,
            encrypt: false,
            signed_mdn: false,
            ..Pyas2lib::default()
        },
    ] {
        let result = station.send(&gateway, &order, &[]);
        assert_eq!(
            (
                result["http_status"].as_i64(),
                result["mdn_status"].as_str()
            ),
            (Some(200), Some("processed")),
            "{result}"
        );
        assert_eq!(result["mdn_signed"], station.signed_mdn, "{result}");
    }
    // The payloads go on to the engine like any other arrival: each order is received
    // (parsed, checked, acknowledged, booked).
    let folders = edigate::transport::dir::FolderChannel::new(
        gateway.dir.path().to_path_buf(),
        Duration::ZERO,
        64,
    );
    let summary = gateway.engine.work_until_idle(&folders).unwrap();
    assert_eq!(summary.received, 35, "{summary:?}");
}

#[test]
fn an_async_mdn_is_posted_to_the_url_the_sender_gave() {
    if !pyas2lib_ready() {
        return;
    }
    let gateway = Gateway::start(16 << 20, false);
    let station = Pyas2lib {
        mdn: Some("ASYNC"),
        compress: true,
        ..Pyas2lib::default()
    };
    // The station's own listener receives the MDN.
    let store = gateway.dir.path().join("station-async");
    let config = station.config(&gateway, &store);
    let mut serve = Killed(
        Command::new("python3")
            .arg(common::repo("tests/peers/as2_station.py"))
            .args(["serve", "--config"])
            .arg(&config)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(serve.0.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port = line
        .trim()
        .strip_prefix("LISTENING ")
        .unwrap_or_else(|| panic!("station said {line}"))
        .to_string();
    let result = station.send_from(
        &gateway,
        &store,
        &order(),
        &["--mdn-url", &format!("http://127.0.0.1:{port}/as2")],
    );
    assert_eq!(
        (result["http_status"].as_i64(), &result["mdn_status"]),
        (Some(200), &Value::Null),
        "{result}"
    );
    let mdns = store.join("mdns.jsonl");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::read_to_string(&mdns)
        .map(|t| !t.ends_with('\n'))
        .unwrap_or(true)
    {
        assert!(Instant::now() < deadline, "no async MDN arrived");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(serve);
    let mdn: Value = serde_json::from_str(
        std::fs::read_to_string(&mdns)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(mdn["status"], "processed", "{mdn}");
    let id = format!("<{}>", result["message_id"].as_str().unwrap());
    assert_eq!(gateway.stored(&id).0.unwrap().mdn_mode, "async");
}

#[test]
fn what_must_be_refused_is_refused_with_the_right_disposition() {
    if !pyas2lib_ready() {
        return;
    }
    let gateway = Gateway::start(64 << 10, true);
    let order = order();
    let refused = |station: Pyas2lib, extra: &[&str], modifier: &str| {
        let result = station.send(&gateway, &order, extra);
        assert_eq!(result["http_status"], 200, "{result}");
        assert_eq!(
            result["mdn_status"], "processed/error",
            "{modifier}: {result}"
        );
        assert_eq!(result["mdn_detailed_status"], modifier, "{result}");
        let id = format!("<{}>", result["message_id"].as_str().unwrap());
        (gateway.stored(&id), result)
    };
    // Tampered in transit: the signature no longer matches.
    let ((exchange, payload), _) =
        refused(Pyas2lib::default(), &["--tamper"], "integrity-check-failed");
    let exchange = exchange.unwrap();
    assert_eq!(
        (exchange.status.as_str(), exchange.message_id, payload.len()),
        ("refused", None, 0)
    );
    // Encrypted to a key that is not ours (pyas2lib would check our MDN's signature with
    // that same certificate, so the MDN is asked unsigned).
    refused(
        Pyas2lib {
            encrypts_to: "stranger",
            signed_mdn: false,
            ..Pyas2lib::default()
        },
        &[],
        "decryption-failed",
    );
    // Signed by a key that is not the partner's.
    refused(
        Pyas2lib {
            signs_as: "stranger",
            ..Pyas2lib::default()
        },
        &[],
        "authentication-failed",
    );
    // Unsigned, and not encrypted, where the profile requires both.
    refused(
        Pyas2lib {
            sign: false,
            ..Pyas2lib::default()
        },
        &[],
        "insufficient-message-security",
    );
    refused(
        Pyas2lib {
            encrypt: false,
            ..Pyas2lib::default()
        },
        &[],
        "insufficient-message-security",
    );
    // Unknown AS2-From: nothing kept.
    let result = Pyas2lib {
        as2_name: "NOBODY-AS2",
        signed_mdn: false,
        ..Pyas2lib::default()
    }
    .send(&gateway, &order, &[]);
    assert_eq!(
        result["mdn_detailed_status"], "unknown-trading-relationship",
        "{result}"
    );
    let id = format!("<{}>", result["message_id"].as_str().unwrap());
    let unknown = gateway
        .engine
        .store
        .read(|tx| tx.as2_exchange_by_message_id(Direction::In, "NOBODY-AS2", &id))
        .unwrap();
    assert!(unknown.is_none());
    // Over the size limit: 413 before the body is read, nothing kept.
    let big: Vec<u8> = order.iter().copied().cycle().take(200 << 10).collect();
    let result = Pyas2lib {
        encrypt: false,
        ..Pyas2lib::default()
    }
    .send(&gateway, &big, &[]);
    assert_eq!(result["http_status"], 413, "{result}");
}

#[test]
fn a_resend_with_the_same_message_id_gets_the_stored_mdn_and_is_not_processed_again() {
    if !pyas2lib_ready() {
        return;
    }
    let gateway = Gateway::start(16 << 20, false);
    let order = order();
    let first = Pyas2lib::default().send(&gateway, &order, &["--message-id", "po-1@bigretail"]);
    processed(&first);
    let again = Pyas2lib::default().send(&gateway, &order, &["--message-id", "po-1@bigretail"]);
    processed(&again);
    let messages = gateway
        .engine
        .store
        .read(|tx| tx.messages(&Default::default()))
        .unwrap();
    assert_eq!(messages.len(), 1, "one payload kept: {messages:?}");
    assert_eq!(first["mdn_mic"], again["mdn_mic"], "the same receipt");
}

/// Runs `openssl` (the command) with `args` in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        common::text(&out)
    );
}

#[test]
fn serve_takes_a_message_over_tls_from_pyas2lib() {
    if !pyas2lib_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let partners = as2_partners(dir.path(), true);
    // A CA made for the test, and the station's certificate for 127.0.0.1 from it.
    let tls = dir.path().join("tls");
    std::fs::create_dir_all(&tls).unwrap();
    openssl(
        &tls,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=edigate test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
        ],
    );
    openssl(
        &tls,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "station.key",
            "-out",
            "station.csr",
        ],
    );
    std::fs::write(
        tls.join("san.ext"),
        "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        &tls,
        &[
            "x509",
            "-req",
            "-in",
            "station.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "station.crt",
        ],
    );
    std::fs::write(
        dir.path().join("edigate.toml"),
        format!(
            "data_dir = \"data\"\npartners = \"{}\"\n[as2]\nlisten = \"127.0.0.1:0\"\ntls_certificate = \"tls/station.crt\"\ntls_key = \"tls/station.key\"\n",
            partners.display()
        ),
    )
    .unwrap();
    let mut serve = Killed(
        Command::new(env!("CARGO_BIN_EXE_edigate"))
            .args(["serve", "--config"])
            .arg(dir.path().join("edigate.toml"))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut stderr = std::io::BufReader::new(serve.0.stderr.take().unwrap());
    let url = loop {
        let mut line = String::new();
        assert!(
            std::io::BufRead::read_line(&mut stderr, &mut line).unwrap() > 0,
            "serve ended before its station listened"
        );
        if let Some(at) = line.find("AS2 station at ") {
            let rest = &line[at + "AS2 station at ".len()..];
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    // Keep reading serve's log so that it never blocks on a full pipe.
    let log = std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
        rest
    });
    let station = Pyas2lib {
        compress: true,
        ..Pyas2lib::default()
    };
    let store = dir.path().join("station");
    let ca = tls.join("ca.crt");
    let ca = ca.to_str().unwrap();
    let gateway_url = url.clone();
    let send = |extra: &[&str]| {
        let config = station.config_in(&partners.join("keys"), &store);
        let payload = store.join("payload.edi");
        std::fs::write(&payload, order()).unwrap();
        Command::new("python3")
            .arg(common::repo("tests/peers/as2_station.py"))
            .args(["send", "--config"])
            .arg(&config)
            .args(["--url", &gateway_url, "--payload"])
            .arg(&payload)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = send(&["--ca", ca]);
    assert!(out.status.success(), "{}", common::text(&out));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    processed(&result);
    // Without the CA the partner's product refuses our certificate.
    let out = send(&[]);
    assert!(
        !out.status.success() && common::text(&out).contains("CERTIFICATE_VERIFY_FAILED"),
        "{}",
        common::text(&out)
    );
    // SIGTERM: serve stops cleanly and the message is in its store.
    unsafe { libc::kill(serve.0.id() as i32, libc::SIGTERM) };
    let status = serve.0.wait().unwrap();
    let log = log.join().unwrap();
    assert!(status.success(), "serve: {status}\n{log}");
    let store = Store::open(&dir.path().join("data/edigate.db").display().to_string()).unwrap();
    let id = format!("<{}>", result["message_id"].as_str().unwrap());
    let exchange = store
        .read(|tx| tx.as2_exchange_by_message_id(Direction::In, "BIGRETAIL-AS2", &id))
        .unwrap()
        .expect("the exchange is stored");
    assert_eq!(exchange.status, "processed");
    let kept = store
        .read(|tx| tx.message(exchange.message_id.unwrap()))
        .unwrap();
    assert_eq!(kept.body, order());
}
