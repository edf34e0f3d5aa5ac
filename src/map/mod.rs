//! The only module that speaks both vocabularies: acknowledgements (`ack` builds 997s and
//! TA1s from validation reports, `ack_read` reads the ones partners send us) and the
//! translation of transaction sets into canonical documents (`translate` holds what every
//! mapping shares, `codes` the X12 code ⇄ business word tables, `ts850` the purchase order,
//! `ts820` the remittance; 810 and 856 are not mapped yet).

pub mod ack;
pub mod ack_read;
pub mod codes;
pub mod translate;
pub mod ts820;
pub mod ts850;
