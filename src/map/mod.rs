//! The only module that speaks both vocabularies. So far: acknowledgements — building 997s
//! and TA1s from validation reports (`ack`), and reading the ones partners send us
//! (`ack_read`).

pub mod ack;
pub mod ack_read;
