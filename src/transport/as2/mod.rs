//! AS2 (RFC 4130): receiving and sending EDI over HTTP(S) with S/MIME signing, encryption,
//! compression and MDNs (issue 7).
//!
//! Receiving: [`http`] takes the request, [`station`] finds the partner and answers resends,
//! [`inbound`] opens the message ([`smime`], [`compress`] over [`ber`], [`mime`]) and computes
//! the [`mic`], [`mdn`] builds the receipt as [`options`] asked. Sending: [`outbound`] builds
//! a message and its expected MIC; taking messages from the outbox, posting them and
//! checking their MDNs is not built yet, so no message of ours goes out over AS2.

pub mod ber;
pub mod compress;
pub mod http;
pub mod inbound;
pub mod mdn;
pub mod mic;
pub mod mime;
pub mod names;
pub mod options;
pub mod outbound;
pub mod smime;
pub mod station;
#[cfg(test)]
mod test_keys;
#[cfg(test)]
pub(crate) mod test_pki;
