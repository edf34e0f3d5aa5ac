//! AS2 (RFC 4130): receiving and sending EDI over HTTP(S) with S/MIME signing, encryption,
//! compression and MDNs (issue 7).
//!
//! Receiving: [`http`] takes the request, [`station`] finds the partner and answers resends,
//! [`inbound`] opens the message ([`smime`], [`compress`] over [`ber`], [`mime`]) and computes
//! the [`mic`], [`mdn`] builds the receipt as [`options`] asked. Sending: [`sender`] takes
//! messages from the outbox (an `Outlet`), [`outbound`] builds each with its expected MIC,
//! and the MDN that answers (in the response, or POSTed later to the [`station`]) is checked
//! and recorded.

pub mod ber;
pub mod committer;
pub mod compress;
pub mod http;
pub mod inbound;
pub mod mdn;
pub mod mic;
pub mod mime;
pub mod names;
pub mod options;
pub mod outbound;
pub mod sender;
pub mod smime;
pub mod station;
#[cfg(test)]
mod test_keys;
#[cfg(test)]
pub(crate) mod test_pki;
