//! AS2 against a real AS2 product: pyas2lib (tests/peers/as2_station.py) sends to edigate's
//! station over loopback HTTP and checks the MDN it gets back, for every digest and cipher,
//! compressed or not, signed only, sync and async, and the cases that must be refused.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use edigate::engine::EngineError;
use edigate::engine::Outlet;
use edigate::engine::{Engine, EngineConfig, ManualClock};
use edigate::partner::Directory;
use edigate::store::{Direction, Store};
use edigate::transport::as2::http::{Client, ClientConfig, Listener, ListenerConfig};
use edigate::transport::as2::options::Digest;
use edigate::transport::as2::sender::As2Outlet;
use edigate::transport::as2::smime::ContentCipher;
use edigate::transport::as2::station::{
    As2Partner, MdnMode, Sending, Station as EdigateStation, StationConfig, StationHandler,
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
fn as2_partners(dir: &Path, require: bool, url: &str) -> PathBuf {
    let partners_dir = dir.join("partners");
    let keys = partners_dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    for name in ["us", "them", "stranger"] {
        // Kept when there: the profile may be written again with another URL.
        if !keys.join(format!("{name}.pem")).exists() {
            key_pair(&keys, name);
        }
    }
    let profile = std::fs::read_to_string(common::repo("partners/bigretail.toml")).unwrap();
    let start = profile.find("[transport.folder]").unwrap();
    let end = profile[start..]
        .find("\n\n")
        .map_or(profile.len(), |i| start + i);
    let profile = format!(
        "{}[transport.as2]\nurl = \"{url}\"\npartner_certificate = {{ path = \"keys/them.crt\" }}\nour_key = {{ path = \"keys/us.pem\" }}\nrequire_signed = {require}\nrequire_encrypted = {require}\n{}",
        &profile[..start],
        &profile[end..]
    );
    std::fs::write(partners_dir.join("bigretail.toml"), profile).unwrap();
    partners_dir
}

/// edigate with one AS2 partner (BigRetail's profile on AS2) and its station listening.
struct Gateway {
    engine: Arc<Engine>,
    station: Arc<EdigateStation>,
    url: String,
    dir: tempfile::TempDir,
    /// Runs the station (and the outlet's POSTs); dropped with the gateway.
    runtime: tokio::runtime::Runtime,
}

impl Gateway {
    fn start(max_body_bytes: u64, require: bool) -> Gateway {
        Gateway::start_on(None, max_body_bytes, require)
    }

    /// The same on the store at `url` (None: SQLite in the gateway's folder).
    fn start_on(url: Option<&str>, max_body_bytes: u64, require: bool) -> Gateway {
        let dir = tempfile::tempdir().unwrap();
        let partners_dir = as2_partners(dir.path(), require, "http://127.0.0.1:9/as2");
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
        let url = url
            .map(str::to_owned)
            .unwrap_or_else(|| dir.path().join("edigate.db").display().to_string());
        let store = Store::open(&url).unwrap();
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
                // One attempt, then the sweep: what a partner down for a while looks like.
                mdn_attempts: 1,
                mdn_sweep_after: Duration::ZERO,
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
            Arc::new(StationHandler(station.clone())),
            std::future::pending::<()>(),
        ));
        Gateway {
            engine,
            station,
            url,
            dir,
            runtime,
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
    // Every digest and cipher again with an asynchronous MDN, posted to pyas2lib's own
    // listener and read there.
    let store = gateway.dir.path().join("station-async-matrix");
    let (_mdns, mdn_url) = pyas2lib_serve(
        &gateway,
        &Pyas2lib {
            mdn: Some("ASYNC"),
            ..Pyas2lib::default()
        },
        &store,
    );
    let mut asynchronous = 0;
    for digest in ["sha1", "sha256", "sha384", "sha512"] {
        for cipher in [
            "tripledes_192_cbc",
            "aes_128_cbc",
            "aes_192_cbc",
            "aes_256_cbc",
        ] {
            let station = Pyas2lib {
                digest,
                cipher,
                mdn: Some("ASYNC"),
                ..Pyas2lib::default()
            };
            let result = station.send_from(&gateway, &store, &order, &["--mdn-url", &mdn_url]);
            assert_eq!(result["http_status"], 200, "{digest} {cipher}: {result}");
            asynchronous += 1;
            let mdn = json_line(&store.join("mdns.jsonl"), asynchronous);
            assert_eq!(mdn["status"], "processed", "{digest} {cipher}: {mdn}");
            assert_eq!(mdn["message_id"], result["message_id"], "{mdn}");
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
    assert_eq!(summary.received, 51, "{summary:?}");
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
    let (serve, station_url) = pyas2lib_serve(&gateway, &station, &store);
    let result = station.send_from(&gateway, &store, &order(), &["--mdn-url", &station_url]);
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
    // BigRetail's own station, where our 997 goes back over AS2.
    let partners = as2_partners(dir.path(), true, "http://127.0.0.1:9/as2");
    let bigretail_store = dir.path().join("bigretail-station");
    let (_bigretail, bigretail_url) = pyas2lib_serve_in(
        &partners.join("keys"),
        &Pyas2lib::default(),
        &bigretail_store,
        0,
    );
    let partners = as2_partners(dir.path(), true, &bigretail_url);
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
    // The order is processed and its 997 goes back to BigRetail's station over AS2, signed
    // and encrypted, and is acknowledged there.
    let at_them = json_line(&bigretail_store.join("received.jsonl"), 1);
    assert_eq!(at_them["status"], "processed", "{at_them}");
    let ack =
        std::fs::read_to_string(bigretail_store.join(at_them["payload_file"].as_str().unwrap()))
            .unwrap();
    assert!(ack.contains("ST*997*") && ack.contains("AK9*A"), "{ack}");
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

/// A pyas2lib station listening (`serve`), BigRetail's side: what it receives is in
/// `store/received.jsonl`, the payloads beside it.
fn pyas2lib_serve(gateway: &Gateway, station: &Pyas2lib, store: &Path) -> (Killed, String) {
    pyas2lib_serve_in(&gateway.keys(), station, store, 0)
}

/// The same with the keys of `keys`, on `port` (0: any free one).
fn pyas2lib_serve_in(keys: &Path, station: &Pyas2lib, store: &Path, port: u16) -> (Killed, String) {
    let config = station.config_in(keys, store);
    let mut serve = Killed(
        Command::new("python3")
            .arg(common::repo("tests/peers/as2_station.py"))
            .args(["serve", "--config"])
            .arg(&config)
            .args(["--port", &port.to_string()])
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
    (serve, format!("http://127.0.0.1:{port}/as2"))
}

/// The last `n`th line of a JSON-lines file, waiting for it to be written.
fn json_line(path: &Path, n: usize) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let complete: Vec<&str> = text
            .split_inclusive('\n')
            .filter(|l| l.ends_with('\n'))
            .collect();
        if complete.len() >= n {
            return serde_json::from_str(complete[n - 1]).unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "{} has fewer than {n} lines",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Gateway {
    /// BigRetail's AS2 settings from its profile, sending as `change` says.
    fn partner(&self, change: impl FnOnce(&mut Sending)) -> As2Partner {
        let profile = self.engine.partner("bigretail").unwrap();
        let mut partner = As2Partner::load(profile, &self.dir.path().join("partners"))
            .unwrap()
            .unwrap();
        change(&mut partner.sending);
        partner
    }

    /// A message of ours for BigRetail, as the engine would have written it.
    fn outbound(&self, body: &[u8], name: &str) -> edigate::store::MessageRecord {
        let now = self.engine.clock.now();
        let id = self
            .engine
            .store
            .write(|tx| {
                tx.insert_message(&edigate::store::NewMessage {
                    direction: Direction::Out,
                    kind: "document",
                    partner: Some("bigretail"),
                    channel: "engine",
                    origin: Some(name),
                    sha256: "-",
                    body,
                    status: "queued",
                    duplicate_of: None,
                    note: None,
                    at: now,
                })
            })
            .unwrap();
        self.engine.store.read(|tx| tx.message(id)).unwrap()
    }

    fn outlet(&self, partner: As2Partner) -> As2Outlet {
        As2Outlet::new(
            self.engine.clone(),
            vec![partner],
            self.runtime.handle().clone(),
            "edigate test".into(),
            Some(self.url.clone()),
        )
        .unwrap()
    }

    fn sent(&self, message: i64) -> edigate::store::As2Exchange {
        self.engine
            .store
            .read(|tx| tx.as2_exchange_for_message(Direction::Out, message))
            .unwrap()
            .expect("an exchange for the message")
    }
}

/// An invoice of ours as it goes to BigRetail (CR LF line ends; sent binary, kept exact).
fn invoice() -> Vec<u8> {
    let text = std::fs::read_to_string(common::repo("samples/bigretail/good-810.edi")).unwrap();
    text.replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes()
}

#[test]
fn edigate_sends_to_pyas2lib_with_every_algorithm_and_checks_its_mdn() {
    if !pyas2lib_ready() {
        return;
    }
    let gateway = Gateway::start(16 << 20, false);
    let store = gateway.dir.path().join("bigretail-station");
    // pyas2lib checks what it gets against its profile of us: anything goes here.
    let (_serve, url) = pyas2lib_serve(
        &gateway,
        &Pyas2lib {
            sign: false,
            encrypt: false,
            ..Pyas2lib::default()
        },
        &store,
    );
    let profile = gateway.engine.partner("bigretail").unwrap();
    let invoice = invoice();
    let mut received = 0;
    for digest in [Digest::Sha1, Digest::Sha256, Digest::Sha384, Digest::Sha512] {
        for cipher in [
            ContentCipher::TripleDes,
            ContentCipher::Aes128Cbc,
            ContentCipher::Aes192Cbc,
            ContentCipher::Aes256Cbc,
        ] {
            for compress in [false, true] {
                let case = format!("{digest:?} {cipher:?} compress={compress}");
                let outlet = gateway.outlet(gateway.partner(|s| {
                    s.url = url.clone();
                    s.digest = digest;
                    s.cipher = cipher;
                    s.compress = compress;
                }));
                let message = gateway.outbound(&invoice, "invoice.edi");
                let outcome = outlet.deliver(&[(profile, &message)]).remove(0);
                assert!(outcome.is_ok(), "{case}: {outcome:?}");
                let exchange = gateway.sent(message.id);
                assert_eq!(exchange.status, "processed", "{case}: {exchange:?}");
                assert_eq!(exchange.disposition.as_deref(), Some("processed"));
                received += 1;
                let at_them = json_line(&store.join("received.jsonl"), received);
                assert_eq!(at_them["status"], "processed", "{case}: {at_them}");
                assert_eq!(
                    at_them["message_id"].as_str().map(|m| format!("<{m}>")),
                    Some(exchange.as2_message_id.clone())
                );
                let payload =
                    std::fs::read(store.join(at_them["payload_file"].as_str().unwrap())).unwrap();
                assert_eq!(payload, invoice, "{case}: what arrived is what we sent");
                // Delivering it again (a job retried after a crash) sends nothing twice.
                let again = outlet.deliver(&[(profile, &message)]).remove(0);
                assert!(again.unwrap().contains("already acknowledged"), "{case}");
            }
        }
    }
    // Every digest and cipher again with an asynchronous MDN, posted to our station.
    for digest in [Digest::Sha1, Digest::Sha256, Digest::Sha384, Digest::Sha512] {
        for cipher in [
            ContentCipher::TripleDes,
            ContentCipher::Aes128Cbc,
            ContentCipher::Aes192Cbc,
            ContentCipher::Aes256Cbc,
        ] {
            let outlet = gateway.outlet(gateway.partner(|s| {
                s.url = url.clone();
                s.digest = digest;
                s.cipher = cipher;
                s.mdn = MdnMode::Async;
            }));
            let message = gateway.outbound(&invoice, "invoice.edi");
            let outcome = outlet.deliver(&[(profile, &message)]).remove(0);
            assert!(outcome.is_ok(), "{digest:?} {cipher:?}: {outcome:?}");
            let deadline = Instant::now() + Duration::from_secs(20);
            while gateway.sent(message.id).status != "processed" {
                assert!(
                    Instant::now() < deadline,
                    "{digest:?} {cipher:?}: {:?}",
                    gateway.sent(message.id)
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            received += 1;
            assert_eq!(
                json_line(&store.join("received.jsonl"), received)["status"],
                "processed"
            );
        }
    }
    // Signed only, and neither: still an MDN, unsigned when not asked to be signed.
    for change in [
        (|s: &mut Sending| s.encrypt = false) as fn(&mut Sending),
        |s: &mut Sending| {
            s.sign = false;
            s.encrypt = false;
            s.signed_mdn = false;
        },
    ] {
        let outlet = gateway.outlet(gateway.partner(|s| {
            s.url = url.clone();
            change(s);
        }));
        let message = gateway.outbound(&invoice, "invoice.edi");
        let outcome = outlet.deliver(&[(profile, &message)]).remove(0);
        assert!(outcome.is_ok(), "{outcome:?}");
        assert_eq!(gateway.sent(message.id).status, "processed");
    }
}

#[test]
fn a_refusing_partner_and_an_async_mdn_are_recorded() {
    if !pyas2lib_ready() {
        return;
    }
    let gateway = Gateway::start(16 << 20, false);
    let store = gateway.dir.path().join("bigretail-station");
    // This BigRetail requires signed and encrypted messages.
    let (_serve, url) = pyas2lib_serve(&gateway, &Pyas2lib::default(), &store);
    let profile = gateway.engine.partner("bigretail").unwrap();
    let outlet = gateway.outlet(gateway.partner(|s| {
        s.url = url.clone();
        s.sign = false;
    }));
    let message = gateway.outbound(&invoice(), "invoice.edi");
    let outcome = outlet.deliver(&[(profile, &message)]).remove(0);
    let e = outcome.unwrap_err();
    assert!(
        matches!(e, EngineError::Permanent(_))
            && e.to_string().contains("insufficient-message-security"),
        "{e}"
    );
    let exchange = gateway.sent(message.id);
    assert_eq!(exchange.status, "rejected", "{exchange:?}");

    // Asynchronous: posted, awaited, then the MDN arrives at our station and is checked.
    let outlet = gateway.outlet(gateway.partner(|s| {
        s.url = url.clone();
        s.mdn = MdnMode::Async;
    }));
    let message = gateway.outbound(&invoice(), "invoice-2.edi");
    let outcome = outlet.deliver(&[(profile, &message)]).remove(0);
    assert!(outcome.unwrap().contains("awaited"));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let exchange = gateway.sent(message.id);
        if exchange.status == "processed" {
            assert_eq!(exchange.mdn_mode, "async");
            assert!(exchange.mdn.is_some());
            break;
        }
        assert!(
            matches!(exchange.status.as_str(), "awaiting-mdn"),
            "{exchange:?}"
        );
        assert!(
            Instant::now() < deadline,
            "the async MDN never arrived: {exchange:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // One whose MDN never comes (the partner posts it where nobody listens) is overdue an
    // hour later.
    let partner = gateway.partner(|s| {
        s.url = url.clone();
        s.mdn = MdnMode::Async;
    });
    let outlet = As2Outlet::new(
        gateway.engine.clone(),
        vec![partner],
        gateway.runtime.handle().clone(),
        "edigate test".into(),
        Some("http://127.0.0.1:9/as2".into()),
    )
    .unwrap();
    let message = gateway.outbound(&invoice(), "invoice-3.edi");
    assert!(outlet.deliver(&[(profile, &message)]).remove(0).is_ok());
    let overdue = |minutes| {
        let later = gateway.engine.clock.now() + chrono::TimeDelta::minutes(minutes);
        gateway
            .engine
            .store
            .write(|tx| tx.mark_as2_overdue(later))
            .unwrap()
    };
    assert_eq!(overdue(59), 0);
    assert_eq!(overdue(61), 1);
    assert_eq!(gateway.sent(message.id).status, "overdue");
    // A partner that is down is worth retrying.
    drop(_serve);
    let message = gateway.outbound(&invoice(), "invoice-4.edi");
    let e = outlet
        .deliver(&[(profile, &message)])
        .remove(0)
        .unwrap_err();
    assert!(matches!(e, EngineError::Transient(_)), "{e}");
    assert_eq!(gateway.sent(message.id).status, "retrying");

    // What ops see: `edigate status` lists them, warns of a pinned certificate near its end
    // (a second one, as during a rollover), and --overdue fails.
    let keys = gateway.keys();
    openssl(
        &keys,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "10",
            "-subj",
            "/CN=BigRetail 2026",
            "-keyout",
            "old.key",
            "-out",
            "old.crt",
        ],
    );
    let pinned = [
        std::fs::read(keys.join("them.crt")).unwrap(),
        std::fs::read(keys.join("old.crt")).unwrap(),
    ]
    .concat();
    std::fs::write(keys.join("them.crt"), pinned).unwrap();
    let db = gateway.dir.path().join("edigate.db");
    let status = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_edigate"))
            .arg("status")
            .args(["--database", db.to_str().unwrap(), "--partners"])
            .arg(gateway.dir.path().join("partners"))
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, text) = status(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("AS2 messages that want attention"), "{text}");
    assert!(
        text.contains("rejected") && text.contains("insufficient-message-security"),
        "{text}"
    );
    assert!(
        text.contains("overdue") && text.contains("MDN was due") && text.contains("retrying"),
        "{text}"
    );
    assert!(
        text.contains("their certificate CN=BigRetail 2026 ends in 1")
            && text.contains("day(s): arrange the rollover"),
        "{text}"
    );
    let (code, text) = status(&["--overdue"]);
    assert_eq!(code, Some(1), "{text}");
}

#[test]
fn an_async_mdn_owed_to_a_partner_that_was_down_is_sent_when_it_is_back() {
    if !pyas2lib_ready() {
        return;
    }
    let gateway = Gateway::start(16 << 20, false);
    let station = Pyas2lib {
        mdn: Some("ASYNC"),
        ..Pyas2lib::default()
    };
    // A port where nothing listens yet: the partner's MDN endpoint is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let store = gateway.dir.path().join("station-down");
    let mdn_url = format!("http://127.0.0.1:{port}/as2");
    let result = station.send_from(&gateway, &store, &order(), &["--mdn-url", &mdn_url]);
    assert_eq!(result["http_status"], 200, "{result}");
    let id = format!("<{}>", result["message_id"].as_str().unwrap());
    let owed = || gateway.stored(&id).0.unwrap().mdn_due_at;
    let deadline = Instant::now() + Duration::from_secs(10);
    // The one attempt fails; the MDN stays owed.
    std::thread::sleep(Duration::from_millis(500));
    assert!(owed().is_some(), "the MDN is owed");
    assert_eq!(
        gateway
            .runtime
            .block_on(gateway.station.redeliver_owed_mdns()),
        0
    );
    // The partner is back: the sweep delivers it, once.
    let (_serve, _) = pyas2lib_serve_in(&gateway.keys(), &station, &store, port);
    let delivered = loop {
        let n = gateway
            .runtime
            .block_on(gateway.station.redeliver_owed_mdns());
        if n > 0 || Instant::now() > deadline {
            break n;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(delivered, 1);
    assert!(owed().is_none(), "no longer owed");
    let mdn = json_line(&store.join("mdns.jsonl"), 1);
    assert_eq!(mdn["status"], "processed", "{mdn}");
    assert_eq!(
        gateway
            .runtime
            .block_on(gateway.station.redeliver_owed_mdns()),
        0
    );
}

#[test]
fn concurrent_messages_are_committed_together_and_a_simultaneous_resend_once() {
    concurrent_messages(None);
}

#[test]
fn concurrent_messages_on_postgresql() {
    let Some(pg) = common::pg::Postgres::start() else {
        return;
    };
    concurrent_messages(Some(&pg.database("as2_concurrent")));
}

fn concurrent_messages(url: Option<&str>) {
    use edigate::transport::as2::mdn::{self, Addressing};
    use edigate::transport::as2::outbound::{self, Compression, Payload, Protection, Receipt};
    use edigate::transport::as2::smime::KeyPair;

    let gateway = Gateway::start_on(url, 16 << 20, true);
    let keys = gateway.keys();
    let them = KeyPair::from_pem(&std::fs::read(keys.join("them.pem")).unwrap()).unwrap();
    let us = openssl::x509::X509::from_pem(&std::fs::read(keys.join("us.crt")).unwrap()).unwrap();
    let order = order();
    // 40 messages, and one Message-ID sent twice at the same moment (a resend racing the
    // first sending).
    let ids: Vec<String> = (0..40)
        .map(|i| format!("<race-{i}@bigretail>"))
        .chain(std::iter::once("<race-0@bigretail>".to_string()))
        .collect();
    let messages: Vec<outbound::Built> = ids
        .iter()
        .map(|id| {
            outbound::build(
                &Payload {
                    content: &order,
                    content_type: "application/edi-x12",
                    filename: None,
                },
                &Protection {
                    sign: Some((&them, Digest::Sha256)),
                    encrypt: Some((&us, ContentCipher::Aes128Cbc)),
                    compression: Compression::None,
                },
                &Receipt::Sync {
                    signed: Some(Digest::Sha256),
                },
                &Addressing {
                    from: "BIGRETAIL-AS2",
                    to: "ACMESUPPLY-AS2",
                    message_id: id,
                    date: "Fri, 27 Nov 2026 06:00:00 +0000",
                    product: "test",
                },
                "PO",
            )
            .unwrap()
        })
        .collect();
    let client = Client::new(ClientConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(30),
        extra_roots: vec![],
        use_system_roots: false,
        max_response_bytes: 1 << 20,
    })
    .unwrap();
    let answers = gateway.runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, built) in messages.iter().enumerate() {
            let (client, url) = (client.clone(), gateway.url.clone());
            let headers: Vec<(String, Vec<u8>)> = built
                .wire
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone().into_bytes()))
                .collect();
            let body = bytes::Bytes::from(built.wire.body.clone());
            tasks.spawn(async move { (i, client.post(&url, &headers, body).await.unwrap()) });
        }
        let mut answers = Vec::new();
        while let Some(done) = tasks.join_next().await {
            answers.push(done.unwrap());
        }
        answers
    });
    let us_pair = KeyPair::from_pem(&std::fs::read(keys.join("us.pem")).unwrap()).unwrap();
    for (i, response) in &answers {
        assert_eq!(
            response.status,
            200,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
        let content_type =
            String::from_utf8_lossy(response.header("content-type").unwrap()).to_string();
        let got = mdn::read(
            &content_type,
            &response.body,
            std::slice::from_ref(&us_pair.certificate),
        )
        .unwrap();
        assert_eq!(got.report.original_message_id, ids[*i]);
        assert_eq!(got.report.disposition.to_string(), "processed");
        assert_eq!(got.report.received_mic.as_ref(), Some(&messages[*i].mic));
    }
    let (exchanges, payloads) = gateway
        .engine
        .store
        .read(|tx| {
            let exchanges = tx.as2_exchanges(&[], 1000)?;
            let payloads = tx.messages(&Default::default())?;
            Ok::<_, edigate::store::StoreError>((exchanges.len(), payloads.len()))
        })
        .unwrap();
    assert_eq!((exchanges, payloads), (40, 40), "the resend is kept once");
}

#[test]
fn partners_check_reads_the_as2_keys() {
    let dir = tempfile::tempdir().unwrap();
    let partners = as2_partners(dir.path(), true, "https://as2.bigretail.example/as2");
    let check = || {
        let out = Command::new(env!("CARGO_BIN_EXE_edigate"))
            .args(["partners", "check"])
            .arg(&partners)
            .output()
            .unwrap();
        (out.status.code(), common::text(&out))
    };
    let (code, text) = check();
    assert_eq!(code, Some(0), "{text}");
    // Our "key" file holds someone else's key with our certificate.
    let keys = partners.join("keys");
    let mismatched = [
        std::fs::read(keys.join("stranger.key")).unwrap(),
        std::fs::read(keys.join("us.crt")).unwrap(),
    ]
    .concat();
    std::fs::write(keys.join("us.pem"), mismatched).unwrap();
    let (code, text) = check();
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("transport.as2") && text.contains("does not belong to the certificate"),
        "{text}"
    );
}
