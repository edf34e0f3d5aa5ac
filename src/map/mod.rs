//! The only module that speaks both vocabularies: acknowledgements (`ack` builds 997s and
//! TA1s from validation reports, `ack_read` reads the ones partners send us), the
//! translation of transaction sets into canonical documents (`translate` holds what every
//! mapping shares, `codes` the X12 code ⇄ business word tables, `ts850` the purchase order,
//! `ts820` the remittance, `ts810` the invoice; 856 is not read yet), and of canonical documents into
//! transaction sets (`emit` holds what every outbound mapping shares, `ts810_out` the
//! invoice; 856, 850 and 820 are not written yet).

pub mod ack;
pub mod ack_read;
pub mod codes;
pub mod emit;
pub mod translate;
pub mod ts810;
pub mod ts810_out;
pub mod ts820;
pub mod ts850;
