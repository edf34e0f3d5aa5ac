use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use rustls_pki_types::pem::PemObject;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

use super::*;
use crate::transport::as2::test_pki::{self, TestCa};

/// Keeps what it was given and answers with a fixed response, once `gate` (if any) opens.
struct Recorder {
    seen: Mutex<Vec<Request>>,
    reply: Response,
    gate: Option<Arc<Notify>>,
    delay: Duration,
    finished: AtomicUsize,
}

impl Recorder {
    fn new(reply: Response) -> Arc<Recorder> {
        Arc::new(Recorder {
            seen: Mutex::new(Vec::new()),
            reply,
            gate: None,
            delay: Duration::ZERO,
            finished: AtomicUsize::new(0),
        })
    }

    fn seen(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }
}

impl Handler for Recorder {
    async fn handle(&self, request: Request) -> Response {
        self.seen.lock().unwrap().push(request);
        if let Some(gate) = &self.gate {
            gate.notified().await;
        }
        tokio::time::sleep(self.delay).await;
        self.finished.fetch_add(1, Ordering::SeqCst);
        self.reply.clone()
    }
}

fn ok_reply() -> Response {
    Response {
        status: 200,
        headers: vec![("Content-Type".into(), b"text/plain".to_vec())],
        body: Bytes::from_static(b"received"),
    }
}

fn config() -> ListenerConfig {
    ListenerConfig {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        tls: None,
        max_body_bytes: 1000,
        max_header_bytes: 8192,
        read_timeout: Duration::from_secs(5),
        path: "/as2".into(),
    }
}

fn client_config() -> ClientConfig {
    ClientConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(10),
        extra_roots: Vec::new(),
        use_system_roots: false,
        max_response_bytes: 1 << 20,
    }
}

struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Running {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn shut_down(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the listener stops")
            .unwrap();
    }
}

async fn start<H: Handler>(config: ListenerConfig, handler: Arc<H>) -> Running {
    let listener = Listener::bind(config).await.unwrap();
    let addr = listener.local_addr();
    assert_ne!(addr.port(), 0);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(listener.run(handler, async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        stop: Some(stop),
        task,
    }
}

struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one response with a Content-Length body, as a client on the wire would; `None`
/// when the server closed the connection without a response.
async fn read_response(stream: &mut TcpStream) -> Option<RawResponse> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .expect("the server answers or closes within 10 s")
            .unwrap_or(0);
        if n == 0 {
            assert!(buffer.is_empty(), "a partial response: {buffer:?}");
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.to_owned(), value.trim().to_owned())
        })
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().unwrap())
        .expect("every response has a Content-Length");
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.unwrap();
        assert_ne!(n, 0, "the body is cut short");
        body.extend_from_slice(&chunk[..n]);
    }
    Some(RawResponse {
        status,
        headers,
        body,
    })
}

async fn raw(addr: SocketAddr, bytes: &[u8]) -> Option<RawResponse> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    read_response(&mut stream).await
}

#[tokio::test]
async fn round_trip_keeps_header_bytes_and_a_binary_body() {
    let reply = Response {
        status: 200,
        headers: vec![
            (
                "Content-Type".into(),
                b"message/disposition-notification".to_vec(),
            ),
            ("X-Raw".into(), b"caf\xe9 \"quoted\"\ttab".to_vec()),
            // Framing is this layer's: a handler's wrong length must not reach the wire.
            ("Content-Length".into(), b"999".to_vec()),
        ],
        body: Bytes::from_static(b"\x00\x01 mdn \xff"),
    };
    let recorder = Recorder::new(reply);
    let server = start(config(), recorder.clone()).await;
    let client = Client::new(client_config()).unwrap();
    let body: Bytes = (0..=255u8).collect::<Vec<u8>>().into();
    let headers = vec![
        ("AS2-Version".to_owned(), b"1.2".to_vec()),
        ("AS2-From".to_owned(), b"\"Acme Supply\"".to_vec()),
        ("AS2-To".to_owned(), b"RETAILER01".to_vec()),
        ("Message-ID".to_owned(), b"<1@acme.example>".to_vec()),
        ("Subject".to_owned(), b"r\xe9sum\xe9  with  spaces".to_vec()),
        (
            "Content-Type".to_owned(),
            b"application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"".to_vec(),
        ),
    ];
    let response = client
        .post(&server.url("/as2"), &headers, body.clone())
        .await
        .unwrap();

    assert_eq!(response.status, 200);
    assert_eq!(response.body, Bytes::from_static(b"\x00\x01 mdn \xff"));
    assert_eq!(
        response.header("x-raw"),
        Some(&b"caf\xe9 \"quoted\"\ttab"[..])
    );
    assert_eq!(response.header("content-length"), Some(&b"8"[..]));

    let seen = recorder.seen();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/as2");
    assert!(!request.tls);
    assert_eq!(request.remote.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_eq!(request.body, body);
    let names: Vec<&str> = request.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "host",
            "as2-version",
            "as2-from",
            "as2-to",
            "message-id",
            "subject",
            "content-type",
            "content-length",
            "connection"
        ]
    );
    for (name, value) in &headers {
        let got = request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v);
        assert_eq!(got, Some(value), "{name}");
    }
    let value = |name: &str| {
        request
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(value("host"), Some(server.addr.to_string().into_bytes()));
    assert_eq!(value("content-length"), Some(b"256".to_vec()));
    assert_eq!(value("transfer-encoding"), None);
    server.shut_down().await;
}

#[tokio::test]
async fn an_empty_body_is_sent_with_content_length_zero() {
    let recorder = Recorder::new(ok_reply());
    let server = start(config(), recorder.clone()).await;
    let client = Client::new(client_config()).unwrap();
    let response = client
        .post(&server.url("/as2"), &[], Bytes::new())
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let request = &recorder.seen()[0];
    let length = request.headers.iter().find(|(n, _)| n == "content-length");
    assert_eq!(length.map(|(_, v)| v.as_slice()), Some(&b"0"[..]));
    server.shut_down().await;
}

#[tokio::test]
async fn other_paths_are_404_and_other_methods_405() {
    let recorder = Recorder::new(ok_reply());
    let server = start(config(), recorder.clone()).await;
    let client = Client::new(client_config()).unwrap();

    let response = client
        .post(&server.url("/elsewhere"), &[], Bytes::from_static(b"x"))
        .await
        .unwrap();
    assert_eq!(response.status, 404);
    assert!(!status_retryable(response.status));

    let response = raw(server.addr, b"GET /as2 HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(response.status, 405);
    assert_eq!(response.header("allow"), Some("POST"));

    // The query is no part of the path a station is known by.
    let response = client
        .post(&server.url("/as2?partner=acme"), &[], Bytes::new())
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(recorder.seen().len(), 1);
    assert_eq!(recorder.seen()[0].path, "/as2");
    server.shut_down().await;
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_413_before_the_body() {
    let recorder = Recorder::new(ok_reply());
    let server = start(config(), recorder.clone()).await;
    // Expect: 100-continue asks leave to send; the refusal must come instead of the leave.
    let response = raw(
        server.addr,
        b"POST /as2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n",
    )
    .await
    .unwrap();
    assert_eq!(response.status, 413);
    assert_eq!(response.header("connection"), Some("close"));
    assert!(String::from_utf8_lossy(&response.body).contains("1000 bytes"));
    assert!(recorder.seen().is_empty());
    server.shut_down().await;
}

#[tokio::test]
async fn a_chunked_body_is_counted_as_it_arrives() {
    let recorder = Recorder::new(ok_reply());
    let server = start(config(), recorder.clone()).await;
    let head = b"POST /as2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

    let mut under = head.to_vec();
    under.extend_from_slice(b"3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
    let response = raw(server.addr, &under).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(recorder.seen()[0].body, Bytes::from_static(b"abcdefg"));

    // 1,600 bytes in two chunks against a limit of 1,000, and no last chunk: the refusal
    // cannot wait for the end.
    let mut over = head.to_vec();
    for _ in 0..2 {
        over.extend_from_slice(b"320\r\n");
        over.extend_from_slice(&[b'x'; 0x320]);
        over.extend_from_slice(b"\r\n");
    }
    let response = raw(server.addr, &over).await.unwrap();
    assert_eq!(response.status, 413);
    assert_eq!(recorder.seen().len(), 1);
    server.shut_down().await;
}

#[tokio::test]
async fn a_stalled_body_is_408_after_the_read_timeout() {
    let recorder = Recorder::new(ok_reply());
    let mut config = config();
    config.read_timeout = Duration::from_millis(300);
    let server = start(config, recorder.clone()).await;
    let begun = std::time::Instant::now();
    let response = raw(
        server.addr,
        b"POST /as2 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b",
    )
    .await
    .unwrap();
    assert_eq!(response.status, 408);
    assert!(begun.elapsed() >= Duration::from_millis(300));
    assert!(begun.elapsed() < Duration::from_secs(3));
    assert!(recorder.seen().is_empty());
    server.shut_down().await;
}

#[tokio::test]
async fn stalled_headers_close_the_connection() {
    let mut config = config();
    config.read_timeout = Duration::from_millis(300);
    let server = start(config, Recorder::new(ok_reply())).await;
    let begun = std::time::Instant::now();
    let response = raw(server.addr, b"POST /as2 HTTP/1.1\r\nHost: x\r\n").await;
    assert!(response.is_none());
    assert!(begun.elapsed() < Duration::from_secs(3));
    server.shut_down().await;
}

#[tokio::test]
async fn each_request_on_a_kept_alive_connection_has_its_own_deadline() {
    let recorder = Recorder::new(ok_reply());
    let mut config = config();
    config.read_timeout = Duration::from_millis(800);
    let server = start(config, recorder.clone()).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let request = b"POST /as2 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n";
    stream.write_all(request).await.unwrap();
    stream.write_all(b"one.").await.unwrap();
    assert_eq!(read_response(&mut stream).await.unwrap().status, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    stream.write_all(request).await.unwrap();
    stream.write_all(b"tw").await.unwrap();
    // Past the first request's deadline, well within the second's.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stream.write_all(b"o.").await.unwrap();
    assert_eq!(read_response(&mut stream).await.unwrap().status, 200);
    let bodies: Vec<Bytes> = recorder.seen().into_iter().map(|r| r.body).collect();
    assert_eq!(
        bodies,
        [Bytes::from_static(b"one."), Bytes::from_static(b"two.")]
    );
    server.shut_down().await;
}

#[tokio::test]
async fn headers_over_the_limit_are_431() {
    let recorder = Recorder::new(ok_reply());
    let server = start(config(), recorder.clone()).await;
    let mut request = b"POST /as2 HTTP/1.1\r\nHost: x\r\nX-Padding: ".to_vec();
    request.extend_from_slice(&[b'p'; 20_000]);
    request.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
    let response = raw(server.addr, &request).await.unwrap();
    assert_eq!(response.status, 431);
    assert!(recorder.seen().is_empty());
    server.shut_down().await;
}

#[tokio::test]
async fn a_handler_header_http_cannot_carry_is_a_500() {
    let reply = Response {
        status: 200,
        headers: vec![("X-Bad".into(), b"line\r\nbreak".to_vec())],
        body: Bytes::new(),
    };
    let server = start(config(), Recorder::new(reply)).await;
    let client = Client::new(client_config()).unwrap();
    let response = client
        .post(&server.url("/as2"), &[], Bytes::new())
        .await
        .unwrap();
    assert_eq!(response.status, 500);
    server.shut_down().await;
}

struct Pki {
    _dir: tempfile::TempDir,
    ca: PathBuf,
    tls: TlsFiles,
}

fn pki() -> Pki {
    let dir = tempfile::TempDir::new().unwrap();
    let ca = TestCa::new("edigate test CA");
    let server = ca.tls_server(
        "localhost",
        &["localhost"],
        &[IpAddr::V4(Ipv4Addr::LOCALHOST)],
    );
    let (ca_cert, _) = ca.pem.write(dir.path(), "ca");
    let (cert_chain_pem, key_pem) = server.write(dir.path(), "station");
    Pki {
        _dir: dir,
        ca: ca_cert,
        tls: TlsFiles {
            cert_chain_pem,
            key_pem,
        },
    }
}

#[tokio::test]
async fn tls_round_trip_with_a_private_ca() {
    let pki = pki();
    let recorder = Recorder::new(ok_reply());
    let mut config = config();
    config.tls = Some(pki.tls.clone());
    let server = start(config, recorder.clone()).await;
    let client = Client::new(ClientConfig {
        extra_roots: vec![pki.ca.clone()],
        ..client_config()
    })
    .unwrap();
    let body: Bytes = (0..=255u8).collect::<Vec<u8>>().into();
    for host in ["localhost", "127.0.0.1"] {
        let url = format!("https://{host}:{}/as2", server.addr.port());
        let response = client
            .post(
                &url,
                &[("AS2-To".into(), b"RETAILER01".to_vec())],
                body.clone(),
            )
            .await
            .unwrap();
        assert_eq!(response.status, 200, "{host}");
        assert_eq!(response.body, Bytes::from_static(b"received"));
    }
    let seen = recorder.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.tls && r.body == body));
    server.shut_down().await;
}

#[tokio::test]
async fn tls_without_the_ca_fails_for_good() {
    let pki = pki();
    let mut config = config();
    config.tls = Some(pki.tls.clone());
    let server = start(config, Recorder::new(ok_reply())).await;
    let client = Client::new(client_config()).unwrap();
    let url = format!("https://localhost:{}/as2", server.addr.port());
    let error = client.post(&url, &[], Bytes::new()).await.unwrap_err();
    assert!(
        matches!(
            error,
            HttpError::Tls {
                source: rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
                ..
            }
        ),
        "{error}"
    );
    assert!(!error.retryable());
    server.shut_down().await;
}

#[tokio::test]
async fn tls_name_mismatch_fails_for_good() {
    let dir = tempfile::TempDir::new().unwrap();
    let ca = TestCa::new("edigate test CA");
    let (ca_cert, _) = ca.pem.write(dir.path(), "ca");
    // Signed by a trusted CA, but for another host than the one dialled.
    let elsewhere = ca.tls_server("partner.example", &["partner.example"], &[]);
    let (cert_chain_pem, key_pem) = elsewhere.write(dir.path(), "station");
    let mut config = config();
    config.tls = Some(TlsFiles {
        cert_chain_pem,
        key_pem,
    });
    let server = start(config, Recorder::new(ok_reply())).await;
    let client = Client::new(ClientConfig {
        extra_roots: vec![ca_cert],
        ..client_config()
    })
    .unwrap();
    for host in ["localhost", "127.0.0.1"] {
        let url = format!("https://{host}:{}/as2", server.addr.port());
        let error = client.post(&url, &[], Bytes::new()).await.unwrap_err();
        assert!(
            matches!(
                error,
                HttpError::Tls {
                    source: rustls::Error::InvalidCertificate(
                        rustls::CertificateError::NotValidForName
                            | rustls::CertificateError::NotValidForNameContext { .. }
                    ),
                    ..
                }
            ),
            "{host}: {error}"
        );
        assert!(!error.retryable());
    }
    server.shut_down().await;
}

/// The listener speaks both versions the brief names; the client's own choice is 1.3.
#[tokio::test]
async fn the_listener_takes_tls_1_2_and_1_3() {
    let pki = pki();
    let mut config = config();
    config.tls = Some(pki.tls.clone());
    let server = start(config, Recorder::new(ok_reply())).await;
    let mut roots = rustls::RootCertStore::empty();
    let ca = std::fs::read(&pki.ca).unwrap();
    for cert in rustls_pki_types::CertificateDer::pem_slice_iter(&ca) {
        roots.add(cert.unwrap()).unwrap();
    }
    for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
        let tls = rustls::ClientConfig::builder_with_provider(crypto_provider())
            .with_protocol_versions(&[version])
            .unwrap()
            .with_root_certificates(roots.clone())
            .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(tls));
        let tcp = TcpStream::connect(server.addr).await.unwrap();
        let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
        let mut stream = connector.connect(name, tcp).await.unwrap();
        assert_eq!(stream.get_ref().1.protocol_version(), Some(version.version));
        stream
            .write_all(b"POST /as2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi")
            .await
            .unwrap();
        let mut response = Vec::new();
        let mut chunk = [0u8; 1024];
        while !response.windows(8).any(|w| w == b"received") {
            let n = stream.read(&mut chunk).await.unwrap();
            assert_ne!(n, 0);
            response.extend_from_slice(&chunk[..n]);
        }
        assert!(response.starts_with(b"HTTP/1.1 200 "));
    }
    server.shut_down().await;
}

#[tokio::test]
async fn a_closed_port_is_worth_retrying() {
    let closed = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let client = Client::new(client_config()).unwrap();
    let error = client
        .post(&format!("http://{addr}/as2"), &[], Bytes::new())
        .await
        .unwrap_err();
    assert!(matches!(error, HttpError::Connect { .. }), "{error}");
    assert!(error.retryable());
}

#[tokio::test]
async fn a_slow_partner_times_out_and_is_worth_retrying() {
    let recorder = Arc::new(Recorder {
        seen: Mutex::new(Vec::new()),
        reply: ok_reply(),
        gate: None,
        delay: Duration::from_secs(5),
        finished: AtomicUsize::new(0),
    });
    let server = start(config(), recorder).await;
    let client = Client::new(ClientConfig {
        request_timeout: Duration::from_millis(200),
        ..client_config()
    })
    .unwrap();
    let error = client
        .post(&server.url("/as2"), &[], Bytes::new())
        .await
        .unwrap_err();
    assert!(matches!(error, HttpError::RequestTimeout { .. }), "{error}");
    assert!(error.retryable());
    // The listener still waits for the handler in flight; dropping it ends the test.
    drop(server);
}

#[tokio::test]
async fn a_response_over_the_cap_is_refused() {
    let reply = Response {
        status: 200,
        headers: Vec::new(),
        body: Bytes::from(vec![b'm'; 5000]),
    };
    let server = start(config(), Recorder::new(reply)).await;
    let client = Client::new(ClientConfig {
        max_response_bytes: 4999,
        ..client_config()
    })
    .unwrap();
    let error = client
        .post(&server.url("/as2"), &[], Bytes::new())
        .await
        .unwrap_err();
    assert!(
        matches!(error, HttpError::ResponseTooLarge { limit: 4999, .. }),
        "{error}"
    );
    assert!(!error.retryable());
    server.shut_down().await;
}

#[tokio::test]
async fn urls_and_headers_that_cannot_be_sent() {
    let client = Client::new(client_config()).unwrap();
    for url in [
        "not a url",
        "ftp://partner.example/as2",
        "//partner.example/as2",
        "https://user:secret@partner.example/as2",
        "/as2",
    ] {
        let error = client.post(url, &[], Bytes::new()).await.unwrap_err();
        assert!(matches!(error, HttpError::BadUrl { .. }), "{url}: {error}");
        assert!(!error.retryable());
    }
    let error = client
        .post(
            "http://127.0.0.1:9/as2",
            &[("Bad Name".into(), b"x".to_vec())],
            Bytes::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, HttpError::BadHeader { .. }), "{error}");
    assert!(!error.retryable());
}

#[tokio::test]
async fn shutdown_stops_accepting_and_lets_the_request_in_flight_finish() {
    let gate = Arc::new(Notify::new());
    let recorder = Arc::new(Recorder {
        seen: Mutex::new(Vec::new()),
        reply: ok_reply(),
        gate: Some(gate.clone()),
        delay: Duration::ZERO,
        finished: AtomicUsize::new(0),
    });
    let mut server = start(config(), recorder.clone()).await;
    let url = server.url("/as2");
    let in_flight = tokio::spawn(async move {
        Client::new(client_config())
            .unwrap()
            .post(&url, &[], Bytes::from_static(b"in flight"))
            .await
    });
    while recorder.seen().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.stop.take().unwrap().send(()).unwrap();
    // Accepting stops at once...
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(server.addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "the listener still accepts after shutdown");
    assert!(!server.task.is_finished());
    // ...and the request in flight still gets its answer.
    gate.notify_one();
    let response = in_flight.await.unwrap().unwrap();
    assert_eq!(response.status, 200);
    tokio::time::timeout(Duration::from_secs(5), &mut server.task)
        .await
        .expect("the listener stops once the request is answered")
        .unwrap();
}

#[tokio::test]
async fn a_handler_runs_to_its_end_when_the_client_resets_the_connection() {
    let gate = Arc::new(Notify::new());
    let recorder = Arc::new(Recorder {
        seen: Mutex::new(Vec::new()),
        reply: ok_reply(),
        gate: Some(gate.clone()),
        delay: Duration::ZERO,
        finished: AtomicUsize::new(0),
    });
    let server = start(config(), recorder.clone()).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"POST /as2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
        .await
        .unwrap();
    while recorder.seen().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A zero linger makes the close a reset, which hyper reports as an error at once.
    stream.set_zero_linger().unwrap();
    drop(stream);
    tokio::time::sleep(Duration::from_millis(100)).await;
    gate.notify_one();
    for _ in 0..500 {
        if recorder.finished.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(recorder.finished.load(Ordering::SeqCst), 1);
    server.shut_down().await;
}

#[tokio::test]
async fn bind_refuses_a_path_without_its_slash_and_missing_tls_files() {
    let mut bad = config();
    bad.path = "as2".into();
    assert!(matches!(
        Listener::bind(bad).await,
        Err(HttpError::ListenerPath(_))
    ));
    let mut missing = config();
    missing.tls = Some(TlsFiles {
        cert_chain_pem: "/nonexistent/station.crt".into(),
        key_pem: "/nonexistent/station.key".into(),
    });
    assert!(matches!(
        Listener::bind(missing).await,
        Err(HttpError::Pem { .. })
    ));
}

#[test]
fn statuses_worth_retrying() {
    for status in [408, 425, 429, 500, 502, 503, 504, 599] {
        assert!(status_retryable(status), "{status}");
    }
    for status in [200, 202, 400, 401, 403, 404, 405, 413, 431] {
        assert!(!status_retryable(status), "{status}");
    }
}

#[test]
fn self_signed_pairs_are_their_own_issuer() {
    let pair = test_pki::self_signed("Acme Supply AS2");
    let cert = pair.x509();
    assert_eq!(cert.issued(&cert), openssl::x509::X509VerifyResult::OK);
    assert!(cert.public_key().unwrap().public_eq(&pair.pkey()));
    assert_eq!(pair.pkey().bits(), 2048);
}
