//! The envelope tree of an input held in memory: interchanges, functional groups,
//! transaction sets and their segments, all borrowed from the input, plus diagnostics.

use super::diagnostic::Diagnostic;
use super::envelope::{
    GroupHeader, GroupSummary, InterchangeSummary, TransactionHeader, TransactionSummary, Visitor,
};
use super::isa::InterchangeHeader;
use super::parser::{Outcome, Parser, Step};
use super::tokenizer::Segment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionSet<'a> {
    pub header: TransactionHeader,
    /// ST through SE inclusive.
    pub segments: Vec<Segment<'a>>,
    /// Segments counted ST..SE; `segments.len()` unless SE is missing.
    pub segment_count: u32,
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionalGroup<'a> {
    pub header: GroupHeader,
    pub gs: Segment<'a>,
    pub transaction_sets: Vec<TransactionSet<'a>>,
    pub ge: Option<Segment<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interchange<'a> {
    pub header: InterchangeHeader,
    pub isa: Segment<'a>,
    /// TA1, ISB, ISE between the ISA and the first GS.
    pub control_segments: Vec<Segment<'a>>,
    pub groups: Vec<FunctionalGroup<'a>>,
    /// Transaction sets found outside any functional group (already diagnosed).
    pub ungrouped: Vec<TransactionSet<'a>>,
    pub iea: Option<Segment<'a>>,
}

/// A parsed input: the tree and every diagnostic, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document<'a> {
    pub interchanges: Vec<Interchange<'a>>,
    pub diagnostics: Vec<Diagnostic>,
    pub outcome: Outcome,
}

impl Document<'_> {
    /// Whether the envelopes are sound (no error-level diagnostic).
    pub fn is_sound(&self) -> bool {
        self.outcome.errors == 0 && !self.outcome.fatal
    }
}

#[derive(Default)]
struct TreeBuilder<'a> {
    doc: Document<'a>,
    set: Option<TransactionSet<'a>>,
    group: Option<FunctionalGroup<'a>>,
}

impl<'a> Visitor<'a> for TreeBuilder<'a> {
    fn interchange_start(&mut self, header: &InterchangeHeader, isa: &Segment<'a>) {
        self.doc.interchanges.push(Interchange {
            header: header.clone(),
            isa: *isa,
            control_segments: Vec::new(),
            groups: Vec::new(),
            ungrouped: Vec::new(),
            iea: None,
        });
    }
    fn control_segment(&mut self, s: &Segment<'a>) {
        if let Some(ic) = self.doc.interchanges.last_mut() {
            ic.control_segments.push(*s);
        }
    }
    fn group_start(&mut self, header: &GroupHeader, gs: &Segment<'a>) {
        self.group = Some(FunctionalGroup {
            header: header.clone(),
            gs: *gs,
            transaction_sets: Vec::new(),
            ge: None,
        });
    }
    fn transaction_start(&mut self, header: &TransactionHeader, st: &Segment<'a>) {
        self.set = Some(TransactionSet {
            header: header.clone(),
            segments: vec![*st],
            segment_count: 0,
            closed: false,
        });
    }
    fn segment(&mut self, s: &Segment<'a>) {
        if let Some(set) = &mut self.set {
            set.segments.push(*s);
        }
    }
    fn transaction_end(&mut self, summary: &TransactionSummary, se: Option<&Segment<'a>>) {
        let Some(mut set) = self.set.take() else {
            return;
        };
        if let Some(se) = se {
            set.segments.push(*se);
        }
        set.segment_count = summary.segment_count;
        set.closed = summary.closed;
        match (&mut self.group, self.doc.interchanges.last_mut()) {
            (Some(g), _) => g.transaction_sets.push(set),
            (None, Some(ic)) => ic.ungrouped.push(set),
            (None, None) => {}
        }
    }
    fn group_end(&mut self, _: &GroupSummary, ge: Option<&Segment<'a>>) {
        if let (Some(mut g), Some(ic)) = (self.group.take(), self.doc.interchanges.last_mut()) {
            g.ge = ge.copied();
            ic.groups.push(g);
        }
    }
    fn interchange_end(&mut self, _: &InterchangeSummary, iea: Option<&Segment<'a>>) {
        if let Some(ic) = self.doc.interchanges.last_mut() {
            ic.iea = iea.copied();
        }
    }
    fn diagnostic(&mut self, d: Diagnostic) {
        self.doc.diagnostics.push(d);
    }
}

/// Parses an input held in memory. Never fails: an input without a usable ISA gives a
/// document with no interchanges and a fatal outcome, its reason among the diagnostics.
///
/// ```
/// use edigate::x12::{self, AckCode};
///
/// let input = b"ISA*00*          *00*          *ZZ*BIGRETAIL      *ZZ*ACMESUPPLY     \
///     *261120*0930*U*00401*000000101*0*T*>~GS*PO*BIGRETAIL*ACMESUPPLY*20261120*0930*101*X*004010~\
///     ST*850*0001~BEG*00*SA*PO-4471**20261120~SE*9*0001~GE*1*101~IEA*1*000000101~";
/// let doc = x12::parse(input);
/// let set = &doc.interchanges[0].groups[0].transaction_sets[0];
/// assert_eq!(set.header.id, "850");
/// assert_eq!(set.segments[1].id, b"BEG");
/// assert_eq!(set.segments[1].value(3), b"PO-4471");
///
/// // SE01 says 9 but the set has 3 segments: a diagnostic, with the 997's code for it.
/// let problem = &doc.diagnostics[0];
/// assert_eq!(problem.code(), "se01_segment_count_mismatch");
/// assert_eq!(problem.ack_code(), Some(AckCode::TransactionSet("4")));
/// assert_eq!(&input[problem.offset as usize..][..1], b"9");
/// ```
pub fn parse(input: &[u8]) -> Document<'_> {
    let mut parser = Parser::new().with_max_segment_len(usize::MAX);
    parse_with(input, &mut parser)
}

/// Drives a parser over a whole input with any visitor.
pub fn parse_into<'a, V: Visitor<'a>>(
    input: &'a [u8],
    parser: &mut Parser,
    visitor: &mut V,
) -> Outcome {
    let mut pos = 0;
    loop {
        match parser.step(&input[pos..], pos as u64, true, visitor) {
            Step::Consumed(n) => pos += n,
            // With the whole input at hand and eof set, the parser never asks for more;
            // treat it as the end rather than loop.
            Step::NeedMore | Step::Done | Step::Fatal => return parser.outcome(),
        }
    }
}

fn parse_with<'a>(input: &'a [u8], parser: &mut Parser) -> Document<'a> {
    let mut builder = TreeBuilder::default();
    let outcome = parse_into(input, parser, &mut builder);
    builder.doc.outcome = outcome;
    builder.doc
}
