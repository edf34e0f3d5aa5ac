//! AS2 (RFC 4130): receiving and sending EDI over HTTP(S) with S/MIME signing, encryption,
//! compression and MDNs (issue 7).
//!
//! Built so far: [`mime`], MIME on raw bytes (headers, multipart parts as the exact bytes
//! sent, transfer encodings), what signature checks and MICs are computed over; [`options`],
//! what a sender asks of its receipt (Disposition-Notification-Options) and digest names in
//! every spelling. Not built yet: the HTTP listener and sender, S/MIME (CMS through OpenSSL), compression, MDNs and
//! their tracking; no partner can be reached over AS2 until they are.

pub mod mime;
pub mod options;
pub mod smime;
