//! The X12 syntax engine: delimiters, tokenizer, envelopes, streaming, writer.
//!
//! Knows nothing of transaction-set specs, partners or business meaning. Parsing never fails
//! on content: it returns the envelope tree (or events) plus [`Diagnostic`]s, and stops only
//! when there is no usable ISA to read delimiters from.

pub mod datetime;
pub mod delimiters;
pub mod diagnostic;
pub mod envelope;
pub mod generate;
pub mod isa;
pub mod parser;
pub mod stream;
pub mod tokenizer;
pub mod tree;
pub mod writer;

pub use delimiters::Delimiters;
pub use diagnostic::{AckCode, Diagnostic, Level, Problem};
pub use envelope::{
    EnvelopeChecker, GroupHeader, GroupSummary, InterchangeSummary, TransactionHeader,
    TransactionSummary, Visitor,
};
pub use isa::{InterchangeHeader, PartyId};
pub use parser::{Outcome, Parser, Step};
pub use stream::{SegmentStream, TransactionSetReader, TransactionSetRef};
pub use tokenizer::{Component, Element, Segment};
pub use tree::{Document, FunctionalGroup, Interchange, TransactionSet, parse, parse_into};
pub use writer::{InterchangeWriter, WriteError};
