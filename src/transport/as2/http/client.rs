//! The sender's side: one POST per connection, over http:// or https://.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, Uri};
use hyper_util::rt::TokioIo;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout, timeout_at};
use tokio_rustls::{TlsConnector, rustls};

use super::{
    BodyError, HttpError, Response, TLS_VERSIONS, crypto_provider, header_list, is_framing_header,
    read_capped,
};

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Name resolution, TCP connect and TLS handshake together.
    pub connect_timeout: Duration,
    /// From the first byte of the request to the last of the response.
    pub request_timeout: Duration,
    /// PEM files of CA certificates trusted besides (or instead of) the system's: a
    /// partner's private CA, a test CA.
    pub extra_roots: Vec<PathBuf>,
    pub use_system_roots: bool,
    /// A longer response is an error, not read further.
    pub max_response_bytes: u64,
}

/// Sends AS2 messages and MDNs. Opens a new connection for each request (RFC 4130 asks
/// one for an asynchronous MDN anyway), so one `Client` serves every partner.
#[derive(Clone)]
pub struct Client {
    tls: TlsConnector,
    connect_timeout: Duration,
    request_timeout: Duration,
    max_response_bytes: u64,
}

/// Where a URL points, taken apart once.
struct Target {
    tls: bool,
    /// Without the brackets of an IPv6 literal: what the resolver and SNI take.
    host: String,
    port: u16,
    /// The URL's authority, for the Host header.
    authority: String,
    path_and_query: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target, HttpError> {
        let bad = |reason: &str| HttpError::BadUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let uri: Uri = url.parse().map_err(|e| bad(&format!("{e}")))?;
        let tls = match uri.scheme_str() {
            Some(scheme) if scheme.eq_ignore_ascii_case("https") => true,
            Some(scheme) if scheme.eq_ignore_ascii_case("http") => false,
            Some(_) => return Err(bad("the scheme is neither http nor https")),
            None => return Err(bad("no scheme (http:// or https://)")),
        };
        let authority = uri.authority().ok_or_else(|| bad("no host"))?;
        if authority.as_str().contains('@') {
            return Err(bad("credentials in a URL are not sent"));
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        Ok(Target {
            tls,
            host: host.to_owned(),
            port: uri.port_u16().unwrap_or(if tls { 443 } else { 80 }),
            authority: authority.as_str().to_owned(),
            path_and_query: uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
        })
    }
}

impl Client {
    /// Reads the root certificates now, so a missing or broken CA file shows at start-up.
    pub fn new(config: ClientConfig) -> Result<Client, HttpError> {
        let mut roots = rustls::RootCertStore::empty();
        if config.use_system_roots {
            let native = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(native.certs);
            if added == 0 {
                let reasons = native
                    .errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(HttpError::NoSystemRoots { reasons });
            }
        }
        for path in &config.extra_roots {
            let pem_error = |source| HttpError::Pem {
                path: path.clone(),
                source,
            };
            let mut found = false;
            for cert in CertificateDer::pem_file_iter(path).map_err(pem_error)? {
                roots
                    .add(cert.map_err(pem_error)?)
                    .map_err(HttpError::TlsConfig)?;
                found = true;
            }
            if !found {
                return Err(pem_error(rustls_pki_types::pem::Error::NoItemsFound));
            }
        }
        let tls = rustls::ClientConfig::builder_with_provider(crypto_provider())
            .with_protocol_versions(TLS_VERSIONS)
            .map_err(HttpError::TlsConfig)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Client {
            tls: TlsConnector::from(Arc::new(tls)),
            connect_timeout: config.connect_timeout,
            request_timeout: config.request_timeout,
            max_response_bytes: config.max_response_bytes,
        })
    }

    /// POSTs `body` with `headers` (sent in this order, values as given) and reads the
    /// whole response. Host, Content-Length and `Connection: close` are this layer's: a
    /// caller's Host, Content-Length, Transfer-Encoding or Connection is left out.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(String, Vec<u8>)],
        body: Bytes,
    ) -> Result<Response, HttpError> {
        let target = Target::parse(url)?;
        let request = request(&target, headers, body)?;
        let named = format!("{}:{}", target.host, target.port);
        let deadline = Instant::now() + self.connect_timeout;
        let connect_timed_out = |_| HttpError::ConnectTimeout {
            target: named.clone(),
            after: self.connect_timeout,
        };
        let tcp = timeout_at(
            deadline,
            TcpStream::connect((target.host.as_str(), target.port)),
        )
        .await
        .map_err(connect_timed_out)?
        .map_err(|source| HttpError::Connect {
            target: named.clone(),
            source,
        })?;
        let _ = tcp.set_nodelay(true);
        if !target.tls {
            return self.exchange(tcp, &named, request).await;
        }
        let server_name =
            ServerName::try_from(target.host.clone()).map_err(|_| HttpError::BadUrl {
                url: url.to_owned(),
                reason: format!("{:?} is not a host name TLS can check", target.host),
            })?;
        let stream = timeout_at(deadline, self.tls.connect(server_name, tcp))
            .await
            .map_err(connect_timed_out)?
            .map_err(|e| tls_error(&named, e))?;
        self.exchange(stream, &named, request).await
    }

    async fn exchange<S>(
        &self,
        stream: S,
        target: &str,
        request: hyper::Request<Full<Bytes>>,
    ) -> Result<Response, HttpError>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let lost = |source| HttpError::Exchange {
            target: target.to_owned(),
            source,
        };
        let exchange = async {
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream))
                    .await
                    .map_err(lost)?;
            // The connection's errors reach `send_request` too; the task only drives it.
            let _driver = AbortOnDrop(tokio::spawn(connection));
            let response = sender.send_request(request).await.map_err(lost)?;
            let (parts, body) = response.into_parts();
            let body = read_capped(body, self.max_response_bytes)
                .await
                .map_err(|e| match e {
                    BodyError::TooLarge => HttpError::ResponseTooLarge {
                        target: target.to_owned(),
                        limit: self.max_response_bytes,
                    },
                    BodyError::Broken(source) => lost(source),
                })?;
            Ok(Response {
                status: parts.status.as_u16(),
                headers: header_list(&parts.headers),
                body,
            })
        };
        timeout(self.request_timeout, exchange)
            .await
            .map_err(|_| HttpError::RequestTimeout {
                target: target.to_owned(),
                after: self.request_timeout,
            })?
    }
}

fn request(
    target: &Target,
    headers: &[(String, Vec<u8>)],
    body: Bytes,
) -> Result<hyper::Request<Full<Bytes>>, HttpError> {
    let length = body.len();
    let mut request = hyper::Request::new(Full::new(body));
    *request.method_mut() = Method::POST;
    *request.uri_mut() = target
        .path_and_query
        .parse()
        .map_err(|e| HttpError::BadUrl {
            url: target.path_and_query.clone(),
            reason: format!("{e}"),
        })?;
    let sent = request.headers_mut();
    let host = HeaderValue::from_str(&target.authority).map_err(|_| HttpError::BadHeader {
        name: "host".to_owned(),
    })?;
    sent.insert(header::HOST, host);
    for (name, value) in headers {
        if is_framing_header(name) || name.eq_ignore_ascii_case("host") {
            continue;
        }
        let bad = || HttpError::BadHeader { name: name.clone() };
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
        let value = HeaderValue::from_bytes(value).map_err(|_| bad())?;
        sent.append(name, value);
    }
    // hyper derives a length from the body only when there is one; an empty POST would go
    // without, which some servers answer 411.
    sent.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    sent.insert(header::CONNECTION, HeaderValue::from_static("close"));
    Ok(request)
}

/// A certificate or protocol refusal is rustls' word and will not change by itself; a
/// connection dropped during the handshake may.
fn tls_error(target: &str, e: io::Error) -> HttpError {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(refusal) => HttpError::Tls {
            target: target.to_owned(),
            source: refusal.clone(),
        },
        None => HttpError::Connect {
            target: target.to_owned(),
            source: e,
        },
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<Result<(), hyper::Error>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
