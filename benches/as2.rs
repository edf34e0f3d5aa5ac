//! AS2 receive throughput (issue 7): signed (SHA-256) + encrypted (AES-128-CBC) messages
//! asking for a signed synchronous MDN (sha-256), POSTed by a load generator over keep-alive
//! connections to edigate's station and to the pyas2lib station (tests/peers/as2_station.py),
//! each a server process of its own on this machine, with the same keys and the same bytes.
//!
//! `bench/as2.sh` builds and runs this (see BENCHMARKS.md); by hand:
//! `cargo bench --bench as2` (every size, both servers), or the executable cargo built with
//! the environment below. Modes (first argument):
//!
//! - (none) or `run`: the driver. Per size: builds every message before any timing
//!   (`outbound::build`, each with its own Message-ID and its own X12 850: control numbers
//!   and PO number differ, so that edigate's store does not take one for a copy of
//!   another), then RUNS times, alternating the servers: a fresh server (new store), a
//!   warm-up, the timed messages, the server's peak RSS (VmHWM), the server stopped, then
//!   every response checked: status 200 and a multipart/signed Content-Type while timing,
//!   and, after the clock stops, every MDN read with `mdn::read` (signature against our
//!   certificate, disposition `processed`, Original-Message-ID, Received-Content-MIC equal
//!   to the MIC `outbound::build` expected). Prints one line per run and a summary per size
//!   (medians, ratio edigate/pyas2lib); exits 1 when any response failed a check.
//! - `serve-edigate DIR KEYS`: edigate's station alone, as `edigate serve` would run it:
//!   BigRetail's profile with an AS2 transport, a SQLite store in DIR (WAL, synchronous=FULL,
//!   as `Store::open` sets it), a two-worker runtime; prints `LISTENING <port>`.
//! - `components SIZE [N]`: the CPU cost of each step of receiving one message of SIZE, on
//!   one thread (N times each): one RSA-2048 private-key operation, decrypting, opening
//!   (decrypt, verify, MIC), building the signed MDN.
//! - `payload SIZE [N]`: writes message N's payload of SIZE to stdout (to check it with
//!   `edigate validate`).
//!
//! Environment: SIZES (default `1KB 100KB 10MB`), RUNS (3), SERVERS (`edigate pyas2lib`),
//! COUNT_1KB (3000), COUNT_100KB (500), COUNT_10MB (20), CONNS_1KB (8), CONNS_100KB (4),
//! CONNS_10MB (2), WARMUP (2 × connections), PYTHON (python3), OUT (a folder for the
//! servers' folders and logs; default a temporary one, removed), PERF=1 (`perf record -g` on
//! the server during each timed phase, written to OUT; PERF=dwarf for DWARF call graphs,
//! which see through OpenSSL's and SQLite's frames). A COUNT_ or CONNS_ variable may be
//! given for a server alone: `COUNT_1KB_PYAS2LIB=1000`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use edigate::engine::{Engine, EngineConfig, SystemClock};
use edigate::partner::Directory;
use edigate::store::Store;
use edigate::transport::as2::http::{Client, ClientConfig, Listener, ListenerConfig};
use edigate::transport::as2::inbound::{self, Security};
use edigate::transport::as2::mdn::{self, Addressing, Disposition, Report};
use edigate::transport::as2::mic::Mic;
use edigate::transport::as2::options::Digest;
use edigate::transport::as2::outbound::{self, Compression, Payload, Protection, Receipt};
use edigate::transport::as2::smime::{self, ContentCipher, KeyPair};
use edigate::transport::as2::station::{As2Partner, Station, StationConfig, StationHandler};
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::{X509, X509Builder, X509NameBuilder};

// As `edigate serve` runs (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const THEIR_NAME: &str = "BIGRETAIL-AS2";
const OUR_NAME: &str = "ACMESUPPLY-AS2";

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
}

fn main() {
    // cargo bench passes --bench; nothing else here takes options.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match args.first().map(String::as_str) {
        None | Some("run") => std::process::exit(drive()),
        Some("serve-edigate") if args.len() == 3 => {
            serve_edigate(Path::new(&args[1]), Path::new(&args[2]))
        }
        Some("components") if args.len() >= 2 => components(
            parse_size(&args[1]),
            args.get(2).map_or(500, |n| n.parse().expect("N")),
        ),
        Some("payload") if args.len() >= 2 => {
            let size = parse_size(&args[1]);
            let n = args.get(2).map_or(0, |n| n.parse().expect("N"));
            std::io::stdout()
                .write_all(&payload(size, n))
                .expect("stdout");
        }
        _ => {
            eprintln!(
                "usage: as2 [run] | serve-edigate DIR KEYS | components SIZE [N] | payload SIZE [N]"
            );
            std::process::exit(2);
        }
    }
}

// ------------------------------------------------------------------ inputs

fn parse_size(text: &str) -> usize {
    let upper = text.to_ascii_uppercase();
    let (number, unit) = upper.split_at(
        upper
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(upper.len()),
    );
    let n: usize = number.parse().unwrap_or_else(|_| panic!("bad size {text}"));
    n * match unit {
        "" | "B" => 1,
        "KB" => 1_000,
        "MB" => 1_000_000,
        _ => panic!("bad size {text} (want e.g. 1KB, 100KB, 10MB)"),
    }
}

/// PO1 loops in one 850 at most (the standard allows 100,000; a 10 MB payload is several
/// orders, as a real file of that size would be).
const LINES_PER_ORDER: usize = 10_000;

/// Message `n`'s payload of about `size` bytes (not over it, but for the sample's own
/// three lines): one interchange of BigRetail 850s, samples/bigretail/good-850.edi with its
/// PO1/PID/PO4 loops repeated, renumbered and counted (CTT, SE), a new order every
/// `LINES_PER_ORDER` lines; ISA13/GS06 and the PO numbers (BEG03) made from `n`. CR LF after
/// each terminator, as X12 allows.
fn payload(size: usize, n: usize) -> Vec<u8> {
    let sample = std::fs::read_to_string(repo("samples/bigretail/good-850.edi")).expect("sample");
    let segments: Vec<&str> = sample
        .split('~')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let position = |tag: &str| {
        segments
            .iter()
            .position(|s| s.starts_with(tag))
            .unwrap_or_else(|| panic!("{tag} in the sample"))
    };
    let (st, first_line, ctt) = (position("ST*"), position("PO1*"), position("CTT*"));
    let control = 100_000 + n;
    let line = |segment: &str| format!("{segment}~\r\n");
    let envelope = line(&segments[0].replace("*000000771*", &format!("*{control:09}*")))
        + &line(&segments[1].replace("*771*", &format!("*{control}*")));
    let order_head = |order: usize| -> String {
        segments[st..first_line]
            .iter()
            .map(|s| {
                if s.starts_with("ST*") {
                    line(&format!("ST*850*{:04}", order + 1))
                } else if s.starts_with("BEG*") {
                    line(&s.replace("4500012345", &format!("4{:06}{:03}", n, order)))
                } else {
                    line(s)
                }
            })
            .collect()
    };
    let head_segments = first_line - st;
    // Each loop: PO1*i*qty*... then its PID and PO4, as in the sample.
    let loops: Vec<&[&str]> = segments[first_line..ctt]
        .chunk_by(|_, b| !b.starts_with("PO1*"))
        .collect();
    let loop_text = |i: usize| -> (String, u64) {
        let template = loops[i % loops.len()];
        let mut text = String::new();
        let mut quantity = 0;
        for segment in template {
            if let Some(rest) = segment.strip_prefix("PO1*") {
                let (_, rest) = rest.split_once('*').expect("PO101");
                quantity = rest.split('*').next().unwrap().parse::<u64>().unwrap();
                text.push_str(&line(&format!("PO1*{}*{rest}", i + 1)));
            } else {
                text.push_str(&line(segment));
            }
        }
        (text, quantity)
    };
    let order_end = |order: usize, lines: usize, quantity: u64| {
        let segments_in_set = head_segments + lines * 3 + 2;
        line(&format!("CTT*{lines}*{quantity}"))
            + &line(&format!("SE*{segments_in_set}*{:04}", order + 1))
    };
    let interchange_end = |orders: usize| {
        line(&format!("GE*{orders}*{control}")) + &line(&format!("IEA*1*{control:09}"))
    };
    let mut out = envelope;
    let mut orders = 0;
    loop {
        let head = order_head(orders);
        let (mut body, mut lines, mut quantity) = (String::new(), 0, 0);
        while lines < LINES_PER_ORDER {
            let (text, q) = loop_text(lines);
            let closing = order_end(orders, lines + 1, quantity + q).len()
                + interchange_end(orders + 1).len();
            let total = out.len() + head.len() + body.len() + text.len() + closing;
            if lines >= loops.len() && total > size {
                break;
            }
            body.push_str(&text);
            lines += 1;
            quantity += q;
        }
        out.push_str(&head);
        out.push_str(&body);
        out.push_str(&order_end(orders, lines, quantity));
        orders += 1;
        // Room for another order of the sample's size?
        let next = order_head(orders).len() + loop_text(0).0.len() * loops.len() + 64;
        if lines < LINES_PER_ORDER || out.len() + next + interchange_end(orders + 1).len() > size {
            break;
        }
    }
    out.push_str(&interchange_end(orders));
    out.into_bytes()
}

/// A self-signed RSA-2048 pair, as partners' AS2 certificates usually are (and as
/// tests/as2.rs makes them): `<name>.key`, `<name>.crt`, and both in `<name>.pem`.
fn key_pair(dir: &Path, name: &str) -> KeyPair {
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
    let cert = builder.build();
    let cert_pem = cert.to_pem().unwrap();
    let key_pem = key.private_key_to_pem_pkcs8().unwrap();
    std::fs::write(dir.join(format!("{name}.key")), &key_pem).unwrap();
    std::fs::write(dir.join(format!("{name}.crt")), &cert_pem).unwrap();
    std::fs::write(
        dir.join(format!("{name}.pem")),
        [key_pem, cert_pem].concat(),
    )
    .unwrap();
    KeyPair {
        certificate: cert,
        key,
    }
}

/// One message ready to POST, and what its MDN must say.
struct Message {
    headers: HeaderMap,
    body: Bytes,
    message_id: String,
    mic: Mic,
    payload_bytes: usize,
}

/// Message `n`: its payload of `size` and the message built for it, as sent.
fn build_one(
    size: usize,
    n: usize,
    message_id: &str,
    date: &str,
    them: &KeyPair,
    us: &X509,
) -> (Vec<u8>, outbound::Built) {
    let content = payload(size, n);
    let filename = format!("po-{n}.edi");
    let built = outbound::build(
        &Payload {
            content: &content,
            content_type: "application/edi-x12",
            filename: Some(&filename),
        },
        &Protection {
            sign: Some((them, Digest::Sha256)),
            encrypt: Some((us, ContentCipher::Aes128Cbc)),
            compression: Compression::None,
        },
        &Receipt::Sync {
            signed: Some(Digest::Sha256),
        },
        &Addressing {
            from: THEIR_NAME,
            to: OUR_NAME,
            message_id,
            date,
            product: "edigate-bench (load generator)",
        },
        &format!("BigRetail PO {n}"),
    )
    .expect("outbound::build");
    (content, built)
}

fn build_messages(
    size: usize,
    label: &str,
    first: usize,
    count: usize,
    them: &KeyPair,
    us: &X509,
) -> Vec<Message> {
    let stamp = chrono::Utc::now();
    let date = stamp.to_rfc2822();
    let run = stamp.timestamp_millis();
    let build = |n: usize| {
        let message_id = format!("<bench-{label}-{run}-{n}@bigretail.test>");
        let (content, built) = build_one(size, n, &message_id, &date, them, us);
        let mut headers = HeaderMap::new();
        for (name, value) in &built.wire.headers {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).expect("header name"),
                HeaderValue::from_str(value).expect("header value"),
            );
        }
        Message {
            headers,
            body: Bytes::from(built.wire.body),
            message_id,
            mic: built.mic,
            payload_bytes: content.len(),
        }
    };
    // Both cores: RSA signing is most of it for small messages.
    let threads = 2;
    let mut parts: Vec<Vec<Message>> = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let build = &build;
                scope.spawn(move || {
                    (first..first + count)
                        .filter(|n| n % threads == t)
                        .map(|n| (n, build(n)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<(usize, Message)> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("builder"))
            .collect();
        all.sort_by_key(|(n, _)| *n);
        parts.push(all.into_iter().map(|(_, m)| m).collect());
    });
    parts.pop().unwrap()
}

// ------------------------------------------------------------------ components

/// The CPU work of receiving one message, piece by piece, on one thread: what a message
/// costs the station apart from HTTP, the store and handing work between threads.
fn components(size: usize, iterations: usize) {
    let dir = tempfile::tempdir().unwrap();
    let us = key_pair(dir.path(), "us");
    let them = key_pair(dir.path(), "them");
    let date = chrono::Utc::now().to_rfc2822();
    let message_id = "<bench-components@bigretail.test>";
    let (content, built) = build_one(size, 0, message_id, &date, &them, &us.certificate);
    let headers: Vec<(&str, &str)> = built
        .wire
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let pinned = [them.certificate.clone()];
    let ours = [us.clone()];
    let security = Security {
        pinned: &pinned,
        ours: &ours,
        require_signed: true,
        require_encrypted: true,
        accept_gcm: false,
        max_decompressed: 512 << 20,
    };
    let opened = inbound::open(&headers, &built.wire.body, &security, Some(Digest::Sha256))
        .expect("the message opens");
    assert_eq!(opened.payload, content);
    assert_eq!(opened.mic, built.mic);
    let report = Report {
        reporting_ua: "edigate".into(),
        final_recipient: OUR_NAME.into(),
        original_message_id: message_id.into(),
        received_mic: Some(opened.mic.clone()),
        disposition: Disposition::Processed,
        explanation: "The message was received, decrypted and its signature verified.".into(),
    };
    let addressing = Addressing {
        from: OUR_NAME,
        to: THEIR_NAME,
        message_id: "<edigate-components@acmesupply.test>",
        date: &date,
        product: "edigate",
    };
    let time = |what: &str, f: &mut dyn FnMut()| {
        f();
        let began = Instant::now();
        for _ in 0..iterations {
            f();
        }
        let each = began.elapsed().as_secs_f64() / iterations as f64;
        println!("{what:<58} {:>9.1} µs", each * 1e6);
    };
    println!(
        "# one {} byte payload, {} byte body; mean of {iterations} on one thread",
        content.len(),
        built.wire.body.len()
    );
    time(
        "RSA-2048 signature of a SHA-256 digest (one private-key op)",
        &mut || {
            let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), &us.key).unwrap();
            signer.update(b"x").unwrap();
            std::hint::black_box(signer.sign_to_vec().unwrap());
        },
    );
    time(
        "smime::decrypt (CMS parse, RSA key transport, AES)",
        &mut || {
            std::hint::black_box(smime::decrypt(&built.wire.body, &ours).unwrap());
        },
    );
    time("inbound::open (decrypt, verify, MIC)", &mut || {
        std::hint::black_box(
            inbound::open(&headers, &built.wire.body, &security, Some(Digest::Sha256)).unwrap(),
        );
    });
    time("mdn::build, signed (sha-256)", &mut || {
        std::hint::black_box(
            mdn::build(&report, &addressing, Some((&us, Digest::Sha256))).unwrap(),
        );
    });
    time("X509::from_der of the signer's certificate", &mut || {
        std::hint::black_box(X509::from_der(&them.certificate.to_der().unwrap()).unwrap());
    });
}

// ------------------------------------------------------------------ servers

/// BigRetail's profile with its folder transport replaced by AS2 (as tests/as2.rs does),
/// requiring signed and encrypted messages.
fn edigate_profile() -> String {
    let profile = std::fs::read_to_string(repo("partners/bigretail.toml")).expect("profile");
    let start = profile
        .find("[transport.folder]")
        .expect("[transport.folder]");
    let end = profile[start..]
        .find("\n\n")
        .map_or(profile.len(), |i| start + i);
    format!(
        "{}[transport.as2]\nurl = \"http://127.0.0.1:9/as2\"\npartner_certificate = {{ path = \"keys/them.crt\" }}\nour_key = {{ path = \"keys/us.pem\" }}\nrequire_signed = true\nrequire_encrypted = true\n{}",
        &profile[..start],
        &profile[end..]
    )
}

fn serve_edigate(dir: &Path, keys: &Path) {
    let partners_dir = dir.join("partners");
    std::fs::create_dir_all(partners_dir.join("keys")).expect("partners folder");
    for file in ["them.crt", "us.pem"] {
        std::fs::copy(keys.join(file), partners_dir.join("keys").join(file)).expect("key copy");
    }
    let (directory, errors) = Directory::read(
        &[("bigretail.toml".into(), edigate_profile())],
        &|p: &str| partners_dir.join(p).exists(),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let as2: Vec<As2Partner> = directory
        .profiles
        .iter()
        .filter_map(|p| As2Partner::load(p, &partners_dir).expect("AS2 profile"))
        .collect();
    assert_eq!(as2.len(), 1);
    let store = Store::open(&dir.join("edigate.db").display().to_string()).expect("store");
    let engine = Arc::new(Engine::new(
        store,
        directory,
        edigate::spec::standard().expect("specs"),
        Arc::new(SystemClock),
        EngineConfig::default(),
    ));
    // As `edigate serve` builds its runtime (src/cli/serve.rs).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let client = Client::new(ClientConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(30),
        extra_roots: vec![],
        use_system_roots: false,
        max_response_bytes: 1 << 20,
    })
    .expect("client");
    let station = Arc::new(Station::new(
        engine,
        as2,
        StationConfig::default(),
        client,
        Arc::new(tokio::sync::Notify::new()),
    ));
    let listener = runtime
        .block_on(Listener::bind(ListenerConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            tls: None,
            max_body_bytes: 64 << 20,
            max_header_bytes: 64 << 10,
            read_timeout: Duration::from_secs(60),
            path: "/as2".into(),
        }))
        .expect("bind");
    println!("LISTENING {}", listener.local_addr().port());
    std::io::stdout().flush().unwrap();
    runtime.block_on(listener.run(
        Arc::new(StationHandler(station)),
        std::future::pending::<()>(),
    ));
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Server {
    Edigate,
    Pyas2lib,
}

impl Server {
    fn name(self) -> &'static str {
        match self {
            Server::Edigate => "edigate",
            Server::Pyas2lib => "pyas2lib",
        }
    }
}

struct Running {
    child: Child,
    port: u16,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(server: Server, dir: &Path, keys: &Path) -> Running {
    std::fs::create_dir_all(dir).unwrap();
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let mut command = match server {
        Server::Edigate => {
            let mut c = Command::new(std::env::current_exe().unwrap());
            c.arg("serve-edigate").arg(dir).arg(keys);
            c
        }
        Server::Pyas2lib => {
            let config = serde_json::json!({
                "our": {"as2_name": OUR_NAME, "key_pem": keys.join("us.key"),
                        "cert_pem": keys.join("us.crt"), "domain": "acmesupply.test"},
                "partner": {"as2_name": THEIR_NAME, "cert_pem": keys.join("them.crt"),
                            "sign": true, "encrypt": true, "digest_alg": "sha256",
                            "enc_alg": "aes_128_cbc", "mdn_mode": "SYNC",
                            "mdn_digest_alg": "sha256"},
                "store_dir": dir.join("store"),
            });
            let path = dir.join("station.json");
            std::fs::write(&path, config.to_string()).unwrap();
            let mut c = Command::new(env_or("PYTHON", "python3"));
            c.arg(repo("tests/peers/as2_station.py"))
                .args(["serve", "--config"])
                .arg(&path)
                .args(["--port", "0"]);
            c
        }
    };
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.name()));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("LISTENING ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| {
            let _ = child.kill();
            panic!(
                "{} did not start (said {line:?}); see {}",
                server.name(),
                dir.join("server.log").display()
            )
        });
    Running { child, port }
}

/// utime + stime of a process (all its threads), in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // After the command name's closing parenthesis: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields
        .get(11)
        .zip(fields.get(12))
        .map(|(u, s)| u.parse::<f64>().unwrap_or(0.0) + s.parse::<f64>().unwrap_or(0.0))
        .unwrap_or(0.0);
    // SAFETY: sysconf only reads a constant of the system.
    ticks / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}

/// Peak resident set size of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn own_cpu_seconds() -> f64 {
    // SAFETY: getrusage writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

// ------------------------------------------------------------------ the load generator

/// What came back for one message.
struct Answer {
    index: usize,
    outcome: Result<(u16, String, Bytes), String>,
    latency: Duration,
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(port: u16) -> Result<Sender, String> {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

async fn post(
    sender: &mut Sender,
    port: u16,
    message: &Message,
) -> Result<(u16, String, Bytes), String> {
    sender
        .ready()
        .await
        .map_err(|e| format!("connection: {e}"))?;
    let mut request = hyper::Request::post("/as2")
        .header(hyper::header::HOST, format!("127.0.0.1:{port}"))
        .body(Full::new(message.body.clone()))
        .map_err(|e| e.to_string())?;
    request.headers_mut().extend(message.headers.clone());
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("exchange: {e}"))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("response body: {e}"))?
        .to_bytes();
    Ok((status, content_type, body))
}

/// Sends `messages` over `senders` (one task each, taking the next message in turn);
/// reconnects after a failed exchange. The answers in message order.
async fn send_all(
    senders: &mut Vec<Sender>,
    port: u16,
    messages: &Arc<Vec<Message>>,
) -> Vec<Answer> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for mut sender in senders.drain(..) {
        let (next, messages) = (next.clone(), messages.clone());
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(message) = messages.get(index) else {
                    break;
                };
                let began = Instant::now();
                let outcome = post(&mut sender, port, message).await;
                let latency = began.elapsed();
                let failed = outcome.is_err();
                answers.push(Answer {
                    index,
                    outcome,
                    latency,
                });
                if failed {
                    match connect(port).await {
                        Ok(s) => sender = s,
                        Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                    }
                }
            }
            (sender, answers)
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        let (sender, mut mine) = task.await.expect("client task");
        senders.push(sender);
        answers.append(&mut mine);
    }
    answers.sort_by_key(|a| a.index);
    answers
}

/// A response's checks done while timing: status and Content-Type.
fn quick_check(answer: &Answer) -> Result<(), String> {
    match &answer.outcome {
        Err(e) => Err(e.clone()),
        Ok((200, content_type, _))
            if content_type
                .to_ascii_lowercase()
                .starts_with("multipart/signed") =>
        {
            Ok(())
        }
        Ok((status, content_type, body)) => Err(format!(
            "HTTP {status}, Content-Type {content_type:?}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        )),
    }
}

/// The whole MDN: signed by the receiver's key, processed, for this message, with its MIC.
fn full_check(answer: &Answer, message: &Message, pinned: &[X509]) -> Result<(), String> {
    quick_check(answer)?;
    let (_, content_type, body) = answer.outcome.as_ref().unwrap();
    let received = mdn::read(content_type, body, pinned).map_err(|e| e.to_string())?;
    if received.signer.is_none() {
        return Err("the MDN is not signed".into());
    }
    let report = &received.report;
    if report.disposition != Disposition::Processed {
        return Err(format!("disposition {}", report.disposition));
    }
    if report.original_message_id.trim() != message.message_id {
        return Err(format!(
            "Original-Message-ID {} for {}",
            report.original_message_id, message.message_id
        ));
    }
    match &report.received_mic {
        Some(mic) if *mic == message.mic => Ok(()),
        Some(mic) => Err(format!(
            "Received-Content-MIC {mic}, expected {}",
            message.mic
        )),
        None => Err("no Received-Content-MIC".into()),
    }
}

// ------------------------------------------------------------------ the driver

struct RunResult {
    seconds: f64,
    messages: usize,
    payload_bytes: usize,
    server_cpu: f64,
    client_cpu: f64,
    peak_rss_kib: u64,
    latency_p50: Duration,
    latency_p99: Duration,
    failures: usize,
}

impl RunResult {
    fn per_second(&self) -> f64 {
        self.messages as f64 / self.seconds
    }
    fn mb_per_second(&self) -> f64 {
        self.payload_bytes as f64 / 1e6 / self.seconds
    }
}

#[allow(clippy::too_many_arguments)]
fn one_run(
    server: Server,
    dir: &Path,
    keys: &Path,
    conns: usize,
    warmup: &Arc<Vec<Message>>,
    timed: &Arc<Vec<Message>>,
    pinned: &[X509],
    perf: Option<&str>,
) -> RunResult {
    let running = start(server, dir, keys);
    let (port, pid) = (running.port, running.child.id());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut senders: Vec<Sender> = runtime.block_on(async {
        let mut all = Vec::new();
        for _ in 0..conns {
            all.push(connect(port).await.expect("connect"));
        }
        all
    });
    let warm = runtime.block_on(send_all(&mut senders, port, warmup));
    let mut failures = 0;
    for (answer, message) in warm.iter().zip(warmup.iter()) {
        if let Err(e) = full_check(answer, message, pinned) {
            if failures < 5 {
                eprintln!("  {} warm-up {}: {e}", server.name(), message.message_id);
            }
            failures += 1;
        }
    }
    let perf_child = perf.map(|call_graph| {
        Command::new("perf")
            .args(["record", "-q", "--call-graph", call_graph, "-o"])
            .arg(dir.join("perf.data"))
            .args(["-p", &pid.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("perf")
    });
    if perf_child.is_some() {
        std::thread::sleep(Duration::from_millis(500));
    }
    let (server_before, client_before) = (cpu_seconds(pid), own_cpu_seconds());
    let began = Instant::now();
    let answers = runtime.block_on(send_all(&mut senders, port, timed));
    let seconds = began.elapsed().as_secs_f64();
    let (server_cpu, client_cpu) = (
        cpu_seconds(pid) - server_before,
        own_cpu_seconds() - client_before,
    );
    if let Some(mut p) = perf_child {
        // SAFETY: a signal to the perf process we started.
        unsafe { libc::kill(p.id() as i32, libc::SIGINT) };
        let _ = p.wait();
    }
    let peak_rss_kib = peak_rss_kib(pid);
    drop(senders);
    drop(runtime);
    drop(running);
    let mut latencies: Vec<Duration> = answers.iter().map(|a| a.latency).collect();
    latencies.sort();
    if answers.len() != timed.len() {
        failures += timed.len().abs_diff(answers.len());
    }
    for (answer, message) in answers.iter().zip(timed.iter()) {
        if let Err(e) = full_check(answer, message, pinned) {
            if failures < 5 {
                eprintln!("  {} {}: {e}", server.name(), message.message_id);
            }
            failures += 1;
        }
    }
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    RunResult {
        seconds,
        messages: timed.len(),
        payload_bytes: timed.iter().map(|m| m.payload_bytes).sum(),
        server_cpu,
        client_cpu,
        peak_rss_kib,
        latency_p50: at(0.5),
        latency_p99: at(0.99),
        failures,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn setting(name: &str, size: &str, server: Server, default: usize) -> usize {
    let key = format!("{name}_{}", size.to_ascii_uppercase());
    let specific = format!("{key}_{}", server.name().to_ascii_uppercase());
    env_or(&specific, &env_or(&key, &default.to_string()))
        .parse()
        .unwrap_or_else(|_| panic!("{specific} / {key}: not a number"))
}

fn drive() -> i32 {
    let sizes: Vec<String> = env_or("SIZES", "1KB 100KB 10MB")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let runs: usize = env_or("RUNS", "3").parse().expect("RUNS");
    let servers: Vec<Server> = env_or("SERVERS", "edigate pyas2lib")
        .split_whitespace()
        .map(|s| match s {
            "edigate" => Server::Edigate,
            "pyas2lib" => Server::Pyas2lib,
            other => panic!("unknown server {other}"),
        })
        .collect();
    // PERF=1: frame-pointer call graphs; PERF=dwarf: DWARF ones (OpenSSL and SQLite have no
    // frame pointers, so only these see through them; much larger files).
    let perf = match env_or("PERF", "").as_str() {
        "" | "0" => None,
        "dwarf" => Some("dwarf"),
        _ => Some("fp"),
    };
    let (out, _temporary) = match std::env::var("OUT").ok().filter(|o| !o.is_empty()) {
        Some(out) => (PathBuf::from(out), None),
        None => {
            let t = tempfile::tempdir().unwrap();
            (t.path().to_path_buf(), Some(t))
        }
    };
    let keys = out.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let us = key_pair(&keys, "us");
    let them = key_pair(&keys, "them");
    let pinned = vec![us.certificate.clone()];
    println!(
        "# AS2 receive: signed (sha256) + encrypted (aes128-cbc), signed sync MDN (sha-256); {runs} run(s); servers: {}",
        servers
            .iter()
            .map(|s| s.name())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "# size\tserver\trun\tmessages\tconns\tseconds\tmsg/s\tMB/s\tp50_ms\tp99_ms\tserver_cpu_ms/msg\tclient_cpu_ms/msg\tpeak_rss_MiB\tfailures"
    );
    let mut any_failure = false;
    let mut summary = Vec::new();
    for size_name in &sizes {
        let size = parse_size(size_name);
        let defaults = match size {
            s if s <= 10_000 => (3000, 8),
            s if s <= 1_000_000 => (500, 4),
            _ => (20, 2),
        };
        // Enough for every server's count; each server gets the first `count` of them.
        let plan: Vec<(Server, usize, usize, usize)> = servers
            .iter()
            .map(|&s| {
                let count = setting("COUNT", size_name, s, defaults.0);
                let conns = setting("CONNS", size_name, s, defaults.1);
                let warmup = env_or("WARMUP", &(2 * conns).to_string())
                    .parse()
                    .expect("WARMUP");
                (s, count, conns, warmup)
            })
            .collect();
        let most = plan.iter().map(|p| p.1).max().unwrap_or(0);
        let most_warm = plan.iter().map(|p| p.3).max().unwrap_or(0);
        let began = Instant::now();
        let warm_all = build_messages(size, size_name, 0, most_warm, &them, &us.certificate);
        let timed_all = build_messages(size, size_name, most_warm, most, &them, &us.certificate);
        eprintln!(
            "# {size_name}: {} messages built in {:.1} s (payload {} bytes each on average, body {} bytes)",
            most_warm + most,
            began.elapsed().as_secs_f64(),
            timed_all.iter().map(|m| m.payload_bytes).sum::<usize>() / most.max(1),
            timed_all.first().map_or(0, |m| m.body.len()),
        );
        let (warm_all, timed_all) = (Arc::new(warm_all), Arc::new(timed_all));
        let mut results: Vec<(Server, RunResult)> = Vec::new();
        for run in 1..=runs {
            for &(server, count, conns, warmup) in &plan {
                // Slices of the shared sets: only the first `count` go to this server.
                let warm = Arc::new(take(&warm_all, warmup));
                let timed = Arc::new(take(&timed_all, count));
                let dir = out.join(format!("{size_name}-{}-{run}", server.name()));
                let result = one_run(server, &dir, &keys, conns, &warm, &timed, &pinned, perf);
                println!(
                    "{size_name}\t{}\t{run}\t{}\t{conns}\t{:.3}\t{:.1}\t{:.2}\t{:.2}\t{:.2}\t{:.3}\t{:.3}\t{:.1}\t{}",
                    server.name(),
                    result.messages,
                    result.seconds,
                    result.per_second(),
                    result.mb_per_second(),
                    result.latency_p50.as_secs_f64() * 1e3,
                    result.latency_p99.as_secs_f64() * 1e3,
                    result.server_cpu * 1e3 / result.messages as f64,
                    result.client_cpu * 1e3 / result.messages as f64,
                    result.peak_rss_kib as f64 / 1024.0,
                    result.failures,
                );
                std::io::stdout().flush().unwrap();
                any_failure |= result.failures > 0;
                results.push((server, result));
            }
        }
        summary.push((size_name.clone(), results));
    }
    println!("#");
    println!(
        "# summary: median of {runs} run(s); MB/s of payload (decimal); peak RSS the largest of the runs"
    );
    println!("# size\tserver\tmsg/s\tMB/s\tp50_ms\tserver_cpu_ms/msg\tpeak_rss_MiB\tfailures");
    for (size_name, results) in &summary {
        let mut rates = Vec::new();
        for &server in &servers {
            let mine: Vec<&RunResult> = results
                .iter()
                .filter(|(s, _)| *s == server)
                .map(|(_, r)| r)
                .collect();
            let per_second = median(mine.iter().map(|r| r.per_second()).collect());
            println!(
                "{size_name}\t{}\t{per_second:.1}\t{:.2}\t{:.2}\t{:.3}\t{:.1}\t{}",
                server.name(),
                median(mine.iter().map(|r| r.mb_per_second()).collect()),
                median(
                    mine.iter()
                        .map(|r| r.latency_p50.as_secs_f64() * 1e3)
                        .collect()
                ),
                median(
                    mine.iter()
                        .map(|r| r.server_cpu * 1e3 / r.messages as f64)
                        .collect()
                ),
                mine.iter().map(|r| r.peak_rss_kib).max().unwrap_or(0) as f64 / 1024.0,
                mine.iter().map(|r| r.failures).sum::<usize>(),
            );
            rates.push((server, per_second));
        }
        if let (Some((_, e)), Some((_, p))) = (
            rates.iter().find(|(s, _)| *s == Server::Edigate),
            rates.iter().find(|(s, _)| *s == Server::Pyas2lib),
        ) {
            println!("{size_name}\tedigate/pyas2lib\t{:.1}x", e / p);
        }
    }
    if any_failure {
        println!("# INVALID: some responses failed their checks (see above)");
        1
    } else {
        0
    }
}

/// The first `n` messages of a shared set, as a set of their own (headers and bodies are
/// shared, not copied).
fn take(all: &Arc<Vec<Message>>, n: usize) -> Vec<Message> {
    assert!(n <= all.len());
    all[..n]
        .iter()
        .map(|m| Message {
            headers: m.headers.clone(),
            body: m.body.clone(),
            message_id: m.message_id.clone(),
            mic: m.mic.clone(),
            payload_bytes: m.payload_bytes,
        })
        .collect()
}
