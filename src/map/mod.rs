//! The only module that speaks both vocabularies: acknowledgements (`ack` builds 997s and
//! TA1s from validation reports, `ack_read` reads the ones partners send us), the
//! translation of transaction sets into canonical documents (`translate` holds what every
//! mapping shares, `codes` the X12 code ⇄ business word tables, `ts850` the purchase order,
//! `ts820` the remittance, `ts810` the invoice, `ts856` the ship notice), and of canonical documents into
//! transaction sets (`emit` holds what every outbound mapping shares, `ts810_out` the
//! invoice, `ts850_out` the purchase order, `ts820_out` the remittance, `ts856_out` the ship
//! notice; `outbound` the four as one `OutboundDocument`, read from JSON and emitted).

pub mod ack;
pub mod ack_read;
pub mod codes;
pub mod emit;
pub mod outbound;
pub mod translate;
pub mod ts810;
pub mod ts810_out;
pub mod ts820;
pub mod ts820_out;
pub mod ts850;
pub mod ts850_out;
pub mod ts856;
pub mod ts856_out;
