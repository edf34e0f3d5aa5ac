//! HTTP/1.1 for AS2: the station's listener ([`Listener`], [`serve`]) and the sender's
//! [`Client`], over plain TCP or TLS on one code path.
//!
//! Bytes in, bytes out: an AS2 message's headers and body reach the [`Handler`] exactly as
//! they arrived, and a [`Response`] goes back exactly as the handler built it. Nothing here
//! knows MIME, S/MIME or MDNs; framing (Content-Length, chunked bodies, keep-alive) is
//! hyper's, and the limits a public endpoint needs (body size, header size, how long a
//! request may take to arrive) are enforced before the handler sees anything.

mod client;
mod server;
#[cfg(test)]
mod tests;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::{Body, Incoming};
use hyper::header::HeaderMap;
use tokio_rustls::rustls;

pub use client::{Client, ClientConfig};
pub use server::{Handler, Listener, ListenerConfig, TlsFiles, serve};

/// A request as it reached the station's path, its body complete.
#[derive(Debug, Clone)]
pub struct Request {
    /// Always `POST` today: other methods are refused before a handler is called.
    pub method: String,
    /// The path of the request target, without its query.
    pub path: String,
    /// Names in lower case (hyper keeps no other spelling; AS2 header names are
    /// case-insensitive), values the exact bytes sent. Names in the order each first
    /// arrived; a name sent more than once has its values together, in their order.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Bytes,
    pub remote: SocketAddr,
    /// Whether the request came over TLS.
    pub tls: bool,
}

/// A response: what a handler answers and what [`Client::post`] returns.
///
/// Framing is this layer's: a handler's `Content-Length`, `Transfer-Encoding` and
/// `Connection` are left out, and the body is sent with a Content-Length of its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Bytes,
}

impl Response {
    /// The value of the first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot read {}: {source}", path.display())]
    Pem {
        path: PathBuf,
        source: rustls_pki_types::pem::Error,
    },
    #[error("TLS configuration: {0}")]
    TlsConfig(#[source] rustls::Error),
    #[error("no system root certificates could be loaded{}", if reasons.is_empty() { String::new() } else { format!(": {reasons}") })]
    NoSystemRoots { reasons: String },
    #[error("listener path {0:?} does not begin with '/'")]
    ListenerPath(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("bad URL {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("header {name:?} cannot be sent: not a valid HTTP header name and value")]
    BadHeader { name: String },
    #[error("cannot connect to {target}: {source}")]
    Connect { target: String, source: io::Error },
    #[error("no connection to {target} within {after:?}")]
    ConnectTimeout { target: String, after: Duration },
    #[error("TLS with {target} failed: {source}")]
    Tls {
        target: String,
        source: rustls::Error,
    },
    #[error("exchange with {target} failed: {}", with_causes(source))]
    Exchange {
        target: String,
        source: hyper::Error,
    },
    #[error("no complete response from {target} within {after:?}")]
    RequestTimeout { target: String, after: Duration },
    #[error("response from {target} is over the limit of {limit} bytes")]
    ResponseTooLarge { target: String, limit: u64 },
}

impl HttpError {
    /// Whether sending again later may succeed: the connection failed or was too slow.
    /// A bad URL, a refused certificate or configuration stay wrong until someone acts.
    pub fn retryable(&self) -> bool {
        match self {
            HttpError::Connect { .. }
            | HttpError::ConnectTimeout { .. }
            | HttpError::Exchange { .. }
            | HttpError::RequestTimeout { .. } => true,
            HttpError::Pem { .. }
            | HttpError::TlsConfig(_)
            | HttpError::NoSystemRoots { .. }
            | HttpError::ListenerPath(_)
            | HttpError::Bind { .. }
            | HttpError::BadUrl { .. }
            | HttpError::BadHeader { .. }
            | HttpError::Tls { .. }
            | HttpError::ResponseTooLarge { .. } => false,
        }
    }
}

/// Whether a partner's HTTP status says "later" rather than "no": 408, 425, 429 and 5xx.
pub fn status_retryable(status: u16) -> bool {
    matches!(status, 408 | 425 | 429 | 500..=599)
}

/// ring, named rather than left to rustls' process-wide default, so that another crate
/// enabling a second provider cannot make building a configuration fail.
fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

const TLS_VERSIONS: &[&rustls::SupportedProtocolVersion] =
    &[&rustls::version::TLS12, &rustls::version::TLS13];

fn header_list(headers: &HeaderMap) -> Vec<(String, Vec<u8>)> {
    headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect()
}

/// Headers that frame the message: this layer sets them, whatever a caller put in a list.
fn is_framing_header(name: &str) -> bool {
    ["content-length", "transfer-encoding", "connection"]
        .iter()
        .any(|framing| name.eq_ignore_ascii_case(framing))
}

enum BodyError {
    TooLarge,
    Broken(hyper::Error),
}

/// A whole body in memory, refused as soon as it would pass `limit`: a declared length
/// over it is refused before a byte is read, a chunked one once the chunks pass it.
async fn read_capped(mut body: Incoming, limit: u64) -> Result<Bytes, BodyError> {
    let declared = body.size_hint().lower();
    if declared > limit {
        return Err(BodyError::TooLarge);
    }
    // A declared length is the client's word: capped, so a claim costs no memory by itself.
    let mut buffer = BytesMut::with_capacity(declared.min(1 << 20) as usize);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(BodyError::Broken)?;
        if let Ok(data) = frame.into_data() {
            if (buffer.len() + data.len()) as u64 > limit {
                return Err(BodyError::TooLarge);
            }
            buffer.extend_from_slice(&data);
        }
    }
    Ok(buffer.freeze())
}

/// hyper's own message names only the kind ("connection error"); the reason is its cause.
fn with_causes(e: &hyper::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

fn log(line: std::fmt::Arguments) {
    eprintln!(
        "{} edigate as2 http: {line}",
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ")
    );
}
