//! The station's listener: one URL path, POST only, whole requests in memory under limits.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_rustls::{TlsAcceptor, rustls};

use super::{
    BodyError, HttpError, Request, Response, TLS_VERSIONS, crypto_provider, header_list,
    is_framing_header, log, read_capped, with_causes,
};

#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// The station's certificate first, then any intermediates.
    pub cert_chain_pem: PathBuf,
    pub key_pem: PathBuf,
}

#[derive(Debug, Clone)]
pub struct ListenerConfig {
    pub addr: SocketAddr,
    /// TLS 1.2 and 1.3 when set; plain HTTP otherwise.
    pub tls: Option<TlsFiles>,
    pub max_body_bytes: u64,
    /// Request line and headers together; more is answered 431.
    pub max_header_bytes: usize,
    /// From a request's first byte to its body's last; a TLS handshake, and a connection
    /// kept open between requests, get as long.
    pub read_timeout: Duration,
    /// The station's one URL path, e.g. `/as2`; any other is answered 404.
    pub path: String,
}

/// What the station does with a request that passed every check.
///
/// Implementations may write `async fn handle(&self, request: Request) -> Response`; the
/// future must be `Send` because each call runs on a task of its own. A call, once
/// begun, runs to its end even when the client goes away; a panic is answered 500.
pub trait Handler: Send + Sync + 'static {
    fn handle(&self, request: Request) -> impl Future<Output = Response> + Send;
}

/// A bound socket, not yet accepting: [`Listener::local_addr`] tells the port when the
/// configuration asked for port 0.
pub struct Listener {
    tcp: TcpListener,
    local_addr: SocketAddr,
    tls: Option<TlsAcceptor>,
    station: Arc<Station>,
}

struct Station {
    path: String,
    max_body_bytes: u64,
    max_header_bytes: usize,
    read_timeout: Duration,
}

/// hyper's default largest read buffer; the header limit is checked inside that buffer.
const HYPER_DEFAULT_MAX_BUF: usize = 8192 + 4096 * 100;

/// Binds, serves until `shutdown` completes, then lets requests in flight finish.
pub async fn serve<H: Handler>(
    config: ListenerConfig,
    handler: Arc<H>,
    shutdown: impl Future,
) -> Result<(), HttpError> {
    Listener::bind(config).await?.run(handler, shutdown).await;
    Ok(())
}

impl Listener {
    /// Reads the TLS files and binds the address; a missing file or a key that does not
    /// match its certificate is an error here, not at the first connection.
    pub async fn bind(config: ListenerConfig) -> Result<Listener, HttpError> {
        if !config.path.starts_with('/') {
            return Err(HttpError::ListenerPath(config.path));
        }
        let tls = config.tls.as_ref().map(tls_acceptor).transpose()?;
        let tcp = TcpListener::bind(config.addr)
            .await
            .map_err(|source| HttpError::Bind {
                addr: config.addr,
                source,
            })?;
        let local_addr = tcp.local_addr().map_err(|source| HttpError::Bind {
            addr: config.addr,
            source,
        })?;
        Ok(Listener {
            tcp,
            local_addr,
            tls,
            station: Arc::new(Station {
                path: config.path,
                max_body_bytes: config.max_body_bytes,
                max_header_bytes: config.max_header_bytes,
                read_timeout: config.read_timeout,
            }),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Accepts connections until `shutdown` completes; then accepts no more, lets each
    /// request in flight finish (its arrival is bounded by the read timeout, its handler
    /// is not), closes idle connections and returns. Dropping the future instead closes
    /// every connection at once.
    pub async fn run<H: Handler>(self, handler: Arc<H>, shutdown: impl Future) {
        let (stop, stopped) = watch::channel(false);
        let mut connections = JoinSet::new();
        let mut shutdown = pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                accepted = self.tcp.accept() => match accepted {
                    Ok((tcp, remote)) => {
                        connections.spawn(connection(
                            tcp,
                            remote,
                            self.tls.clone(),
                            self.station.clone(),
                            handler.clone(),
                            stopped.clone(),
                        ));
                    }
                    Err(e) => {
                        log(format_args!("accepting a connection on {}: {e}", self.local_addr));
                        // Out of file descriptors, typically: give connections time to close.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
                Some(done) = connections.join_next(), if !connections.is_empty() => reap(done),
            }
        }
        drop(self.tcp);
        let _ = stop.send(true);
        while let Some(done) = connections.join_next().await {
            reap(done);
        }
    }
}

fn reap(done: Result<(), tokio::task::JoinError>) {
    if let Err(e) = done {
        log(format_args!("a connection's task ended abnormally: {e}"));
    }
}

fn tls_acceptor(files: &TlsFiles) -> Result<TlsAcceptor, HttpError> {
    let pem_error = |path: &PathBuf| {
        let path = path.clone();
        move |source| HttpError::Pem { path, source }
    };
    let chain = CertificateDer::pem_file_iter(&files.cert_chain_pem)
        .map_err(pem_error(&files.cert_chain_pem))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(pem_error(&files.cert_chain_pem))?;
    if chain.is_empty() {
        return Err(HttpError::Pem {
            path: files.cert_chain_pem.clone(),
            source: rustls_pki_types::pem::Error::NoItemsFound,
        });
    }
    let key = PrivateKeyDer::from_pem_file(&files.key_pem).map_err(pem_error(&files.key_pem))?;
    let config = rustls::ServerConfig::builder_with_provider(crypto_provider())
        .with_protocol_versions(TLS_VERSIONS)
        .map_err(HttpError::TlsConfig)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(HttpError::TlsConfig)?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

async fn connection<H: Handler>(
    tcp: TcpStream,
    remote: SocketAddr,
    tls: Option<TlsAcceptor>,
    station: Arc<Station>,
    handler: Arc<H>,
    stopped: watch::Receiver<bool>,
) {
    // Responses go out in one write each; Nagle would only hold their last segment back.
    let _ = tcp.set_nodelay(true);
    let Some(acceptor) = tls else {
        return exchange(tcp, remote, false, station, handler, stopped).await;
    };
    match tokio::time::timeout(station.read_timeout, acceptor.accept(tcp)).await {
        Ok(Ok(stream)) => exchange(stream, remote, true, station, handler, stopped).await,
        Ok(Err(e)) => log(format_args!("refused {remote}: TLS handshake failed: {e}")),
        Err(_) => log(format_args!(
            "refused {remote}: TLS handshake not finished within {:?}; connection closed",
            station.read_timeout
        )),
    }
}

/// Serves the requests of one connection, plain or TLS alike.
async fn exchange<S, H>(
    stream: S,
    remote: SocketAddr,
    tls: bool,
    station: Arc<Station>,
    handler: Arc<H>,
    mut stopped: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    H: Handler,
{
    let clock = Arc::new(RequestClock::default());
    // Each handler task holds a sender: when all are gone, no handler is running.
    let (busy, mut handlers_done) = mpsc::channel::<()>(1);
    let io = TokioIo::new(Clocked {
        inner: stream,
        clock: clock.clone(),
    });
    let service = {
        let station = station.clone();
        let clock = clock.clone();
        service_fn(move |request| {
            let call = Call {
                station: station.clone(),
                handler: handler.clone(),
                clock: clock.clone(),
                busy: busy.clone(),
                remote,
                tls,
            };
            async move { Ok::<_, Infallible>(call.answer(request).await) }
        })
    };
    let mut builder = http1::Builder::new();
    // hyper's header timer starts when it begins waiting for a request, so it also bounds
    // how long an idle kept-alive connection stays open; the body's deadline is ours.
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(station.read_timeout)
        .max_header_size(station.max_header_bytes);
    if station.max_header_bytes >= HYPER_DEFAULT_MAX_BUF {
        builder.max_buf_size(station.max_header_bytes + 8192);
    }
    let result = {
        let mut conn = pin!(builder.serve_connection(io, service));
        let mut stopping = false;
        loop {
            tokio::select! {
                result = conn.as_mut() => break result,
                _ = stopped.wait_for(|stop| *stop), if !stopping => {
                    stopping = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    };
    if let Err(e) = result {
        report(&e, remote, &station, &clock);
    }
    // The connection, and the service's sender with it, is gone; a handler still running
    // (its client reset the connection) is waited for, so shutdown waits for it too.
    let _ = handlers_done.recv().await;
}

fn report(e: &hyper::Error, remote: SocketAddr, station: &Station, clock: &RequestClock) {
    if e.is_parse_too_large() {
        log(format_args!(
            "refused {remote}: 431 request headers over {} bytes (or over 100 header lines)",
            station.max_header_bytes
        ));
    } else if e.is_timeout() {
        // The header timer also ends idle connections: only a request begun is refused.
        if clock.started().is_some() {
            log(format_args!(
                "refused {remote}: request headers not complete within {:?}; connection closed",
                station.read_timeout
            ));
        }
    } else if e.is_parse() {
        log(format_args!(
            "refused {remote}: 400 malformed request: {}",
            with_causes(e)
        ));
    } else if e.is_incomplete_message() {
        log(format_args!(
            "{remote} closed the connection before its request was complete"
        ));
    } else {
        log(format_args!("connection with {remote}: {}", with_causes(e)));
    }
}

/// One request's context.
struct Call<H> {
    station: Arc<Station>,
    handler: Arc<H>,
    clock: Arc<RequestClock>,
    busy: mpsc::Sender<()>,
    remote: SocketAddr,
    tls: bool,
}

impl<H: Handler> Call<H> {
    async fn answer(self, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
        let station = &self.station;
        let deadline = self.clock.started().unwrap_or_else(Instant::now) + station.read_timeout;
        let (parts, body) = request.into_parts();
        let path = parts.uri.path();
        if path != station.path {
            return self.refuse(&parts, StatusCode::NOT_FOUND, "no AS2 station at this path");
        }
        if parts.method != Method::POST {
            let mut refusal = self.refuse(
                &parts,
                StatusCode::METHOD_NOT_ALLOWED,
                "an AS2 station takes POST only",
            );
            refusal
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return refusal;
        }
        let body = match tokio::time::timeout_at(
            deadline,
            read_capped(body, station.max_body_bytes),
        )
        .await
        {
            Ok(Ok(body)) => body,
            Ok(Err(BodyError::TooLarge)) => {
                let reason = format!("body over the limit of {} bytes", station.max_body_bytes);
                return self.refuse(&parts, StatusCode::PAYLOAD_TOO_LARGE, &reason);
            }
            Ok(Err(BodyError::Broken(e))) => {
                let reason = format!("body unreadable: {}", with_causes(&e));
                return self.refuse(&parts, StatusCode::BAD_REQUEST, &reason);
            }
            Err(_) => {
                let reason = format!("request not complete within {:?}", station.read_timeout);
                return self.refuse(&parts, StatusCode::REQUEST_TIMEOUT, &reason);
            }
        };
        // The next request on this connection has its own deadline from its first byte.
        self.clock.reset();
        let request = Request {
            method: parts.method.as_str().to_owned(),
            path: path.to_owned(),
            headers: header_list(&parts.headers),
            body,
            remote: self.remote,
            tls: self.tls,
        };
        // On a task of its own: hyper drops the service's future when the client resets the
        // connection, and a handler stopped halfway (a message stored, its receipt not)
        // is worse than an answer nobody reads.
        let handler = self.handler.clone();
        let busy = self.busy.clone();
        let handled = tokio::spawn(async move {
            let _busy = busy;
            handler.handle(request).await
        });
        match handled.await {
            Ok(response) => self.to_wire(response),
            Err(e) => {
                log(format_args!(
                    "the handler failed on a request from {}: {e}; sent 500",
                    self.remote
                ));
                plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }

    /// A refusal closes the connection: the rest of an unread body cannot be told from
    /// the next request.
    fn refuse(
        &self,
        parts: &hyper::http::request::Parts,
        status: StatusCode,
        reason: &str,
    ) -> hyper::Response<Full<Bytes>> {
        log(format_args!(
            "refused {} {:?} from {}: {} {reason}",
            parts.method,
            parts.uri.path(),
            self.remote,
            status.as_u16()
        ));
        plain(status, reason)
    }

    fn to_wire(&self, response: Response) -> hyper::Response<Full<Bytes>> {
        let status = match StatusCode::from_u16(response.status) {
            // An interim status would leave the client waiting for the real one.
            Ok(status) if status.as_u16() >= 200 => status,
            _ => {
                log(format_args!(
                    "the handler answered {} with status {}; sent 500 instead",
                    self.remote, response.status
                ));
                return plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
            }
        };
        let mut out = hyper::Response::new(Full::new(response.body));
        *out.status_mut() = status;
        for (name, value) in response.headers {
            if is_framing_header(&name) {
                continue;
            }
            match (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_bytes(&value),
            ) {
                (Ok(name), Ok(value)) => {
                    out.headers_mut().append(name, value);
                }
                _ => {
                    log(format_args!(
                        "the handler answered {} with header {name:?} = {:?}, which HTTP cannot \
                         carry; sent 500 instead",
                        self.remote,
                        String::from_utf8_lossy(&value)
                    ));
                    return plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
                }
            }
        }
        out
    }
}

fn plain(status: StatusCode, reason: &str) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(format!(
        "{} {reason}\r\n",
        status.as_u16()
    ))));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// When the request now arriving on a connection sent its first byte.
#[derive(Default)]
struct RequestClock(Mutex<Option<Instant>>);

impl RequestClock {
    fn mark(&self) {
        let mut started = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        started.get_or_insert_with(Instant::now);
    }

    fn started(&self) -> Option<Instant> {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn reset(&self) {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
    }
}

/// A connection that starts the [`RequestClock`] when bytes arrive: hyper tells the
/// service when a request's headers are in, not when its first byte came.
struct Clocked<S> {
    inner: S,
    clock: Arc<RequestClock>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Clocked<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.clock.mark();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Clocked<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
