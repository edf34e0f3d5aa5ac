//! AS2 (RFC 4130): receiving and sending EDI over HTTP(S) with S/MIME signing, encryption,
//! compression and MDNs (issue 7).
//!
//! Built so far: [`mime`], MIME on raw bytes (headers, multipart parts as the exact bytes
//! sent, transfer encodings), what signature checks and MICs are computed over; [`options`],
//! what a sender asks of its receipt (Disposition-Notification-Options) and digest names in
//! every spelling; [`http`], the station's HTTP/1.1 listener and the sender's client, plain
//! or TLS, with the limits and timeouts a public endpoint needs and no AS2 meaning. Not
//! built yet: S/MIME (CMS through OpenSSL), MDNs and their tracking; no
//! partner can be reached over AS2 until they are.
//!
//! [`compress`]: CMS CompressedData (RFC 3274) written and read by hand, as Debian's OpenSSL
//! has no zlib, over [`ber`], a small BER reader (the indefinite lengths and chunked strings
//! of Java products) that also tells which kind of CMS ContentInfo a body holds.

pub mod ber;
pub mod compress;
pub mod http;
pub mod mime;
pub mod options;
pub mod smime;
#[cfg(test)]
pub(crate) mod test_pki;
