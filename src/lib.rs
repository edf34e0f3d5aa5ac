//! edigate: an X12 EDI translator and B2B gateway for suppliers trading with retailers.
//!
//! The crate is layered (see ARCHITECTURE.md); each module may use only those listed above it.
//! So far: `x12`, the syntax engine; `spec`, the standard as data; `validate`, checking
//! transaction sets against it; `document`, the canonical business documents; `map`,
//! acknowledgements and X12 → canonical translation (850 so far); and `cli`, the `edigate`
//! command.

pub mod document;
pub mod engine;
pub mod map;
pub mod partner;
pub mod spec;
pub mod store;
pub mod transport;
pub mod validate;
pub mod x12;

pub mod cli;
