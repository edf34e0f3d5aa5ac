//! Streaming over any `Read`: a sliding buffer fed to the [`Parser`], so that memory is
//! bounded by the longest segment (for [`SegmentStream`]) or the largest transaction set (for
//! [`TransactionSetReader`]), never by the file.

use std::io::{self, Read};

use super::diagnostic::Diagnostic;
use super::envelope::{
    GroupHeader, InterchangeSummary, TransactionHeader, TransactionSummary, Visitor,
};
use super::isa::InterchangeHeader;
use super::parser::{Outcome, Parser, Step};
use super::tokenizer::Segment;

const INITIAL_BUFFER: usize = 1 << 20;

/// A buffer over a reader: `buf[start..end]` is unread input; `buf[0]` is at absolute offset
/// `base`. Bytes before `keep_from` (an absolute offset) may be dropped when refilling.
struct Window<R> {
    reader: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    base: u64,
    eof: bool,
}

impl<R: Read> Window<R> {
    fn new(reader: R) -> Self {
        Window {
            reader,
            buf: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            base: 0,
            eof: false,
        }
    }

    /// Reads more bytes, first dropping everything before `keep_from` and growing the buffer
    /// when it is full of bytes that must be kept.
    fn refill(&mut self, keep_from: u64) -> io::Result<()> {
        let keep = (keep_from.saturating_sub(self.base) as usize).min(self.start);
        if keep > 0 {
            self.buf.copy_within(keep..self.end, 0);
            self.start -= keep;
            self.end -= keep;
            self.base += keep as u64;
        }
        if self.end == self.buf.len() {
            let grown = self.buf.len() * 2;
            self.buf.resize(grown, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// Parses a whole input from a reader, reporting to a visitor that keeps no borrowed
/// segments. Memory: one buffer that grows only to hold the longest segment.
pub struct SegmentStream<R> {
    window: Window<R>,
    parser: Parser,
}

impl<R: Read> SegmentStream<R> {
    pub fn new(reader: R) -> Self {
        Self::with_parser(reader, Parser::new())
    }

    pub fn with_parser(reader: R, parser: Parser) -> Self {
        SegmentStream {
            window: Window::new(reader),
            parser,
        }
    }

    /// Runs to the end of input (or to a fatal problem, reported to the visitor).
    pub fn run<V>(mut self, visitor: &mut V) -> io::Result<Outcome>
    where
        V: for<'b> Visitor<'b>,
    {
        loop {
            let w = &mut self.window;
            let at = w.base + w.start as u64;
            match self.parser.step(&w.buf[w.start..w.end], at, w.eof, visitor) {
                Step::Consumed(n) => w.start += n,
                Step::NeedMore => {
                    let keep_from = w.base + w.start as u64;
                    w.refill(keep_from)?
                }
                Step::Done | Step::Fatal => return Ok(self.parser.outcome()),
            }
        }
    }
}

/// One transaction set from a [`TransactionSetReader`], borrowing the reader's buffer.
#[derive(Debug)]
pub struct TransactionSetRef<'r> {
    pub interchange: &'r InterchangeHeader,
    pub group: &'r GroupHeader,
    pub header: &'r TransactionHeader,
    pub summary: &'r TransactionSummary,
    /// ST through SE (or the last segment before the set was cut off).
    pub segments: Vec<Segment<'r>>,
}

/// Where a segment of the open set lies in the stream.
#[derive(Debug, Clone, Copy)]
struct Span {
    offset: u64,
    id_len: u32,
    len: u32,
    position: u32,
}

/// Collects the open transaction set as spans (no borrow), and everything else as owned
/// headers and diagnostics.
#[derive(Default)]
struct SetCollector {
    interchange: Option<InterchangeHeader>,
    group: Option<GroupHeader>,
    spans: Vec<Span>,
    done: Option<TransactionSummary>,
    /// The finished set's spans and group, kept apart: the segment that ends a set without
    /// an SE (an ST, a GS) may already have opened the next set or group.
    done_spans: Vec<Span>,
    done_group: Option<GroupHeader>,
    diagnostics: Vec<Diagnostic>,
    set_start: Option<u64>,
}

impl SetCollector {
    fn span(&mut self, s: &Segment<'_>) {
        self.spans.push(Span {
            offset: s.offset,
            id_len: s.id.len() as u32,
            len: s.len() as u32,
            position: s.position,
        });
    }
}

impl Visitor<'_> for SetCollector {
    fn interchange_start(&mut self, header: &InterchangeHeader, _: &Segment<'_>) {
        self.interchange = Some(header.clone());
    }
    fn group_start(&mut self, header: &GroupHeader, _: &Segment<'_>) {
        self.group = Some(header.clone());
    }
    fn transaction_start(&mut self, _: &TransactionHeader, st: &Segment<'_>) {
        self.spans.clear();
        self.set_start = Some(st.offset);
        self.span(st);
    }
    fn segment(&mut self, s: &Segment<'_>) {
        self.span(s);
    }
    fn transaction_end(&mut self, summary: &TransactionSummary, se: Option<&Segment<'_>>) {
        if let Some(se) = se {
            self.span(se);
        }
        std::mem::swap(&mut self.done_spans, &mut self.spans);
        self.spans.clear();
        self.done_group = self.group.clone();
        self.set_start = None;
        self.done = Some(summary.clone());
    }
    fn group_end(&mut self, _: &super::envelope::GroupSummary, _: Option<&Segment<'_>>) {
        self.group = None;
    }
    fn interchange_end(&mut self, _: &InterchangeSummary, _: Option<&Segment<'_>>) {
        self.group = None;
    }
    fn diagnostic(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }
    fn pause(&self) -> bool {
        self.done.is_some()
    }
}

/// Reads one transaction set at a time from any `Read`. Memory is bounded by the largest
/// transaction set: the buffer keeps the bytes of the open set and nothing before it.
/// Envelope diagnostics accumulate and are taken with [`TransactionSetReader::take_diagnostics`].
pub struct TransactionSetReader<R> {
    window: Window<R>,
    parser: Parser,
    collector: SetCollector,
    finished: bool,
    max_set_len: u64,
}

/// The default limit on one transaction set's size in a [`TransactionSetReader`].
pub const DEFAULT_MAX_SET_LEN: u64 = 256 << 20;

impl<R: Read> TransactionSetReader<R> {
    pub fn new(reader: R) -> Self {
        TransactionSetReader {
            window: Window::new(reader),
            parser: Parser::new(),
            collector: SetCollector::default(),
            finished: false,
            max_set_len: DEFAULT_MAX_SET_LEN,
        }
    }

    /// Sets the largest transaction set (in bytes) the reader will buffer.
    pub fn with_max_set_len(mut self, bytes: u64) -> Self {
        self.max_set_len = bytes;
        self
    }

    /// Diagnostics found so far (envelope and tokenizer), in input order.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.collector.diagnostics)
    }

    pub fn outcome(&self) -> Outcome {
        self.parser.outcome()
    }

    /// Bytes the reader holds in memory now: what "bounded by the largest transaction set"
    /// is measured by.
    pub fn buffer_len(&self) -> usize {
        self.window.buf.len()
    }

    /// The next transaction set, or `None` at the end of input.
    pub fn next_set(&mut self) -> io::Result<Option<TransactionSetRef<'_>>> {
        self.collector.done = None;
        while !self.finished && self.collector.done.is_none() {
            let w = &mut self.window;
            let at = w.base + w.start as u64;
            match self
                .parser
                .step(&w.buf[w.start..w.end], at, w.eof, &mut self.collector)
            {
                Step::Consumed(n) => w.start += n,
                Step::NeedMore => {
                    let keep_from = self.collector.set_start.unwrap_or(at).min(at);
                    if at - keep_from > self.max_set_len {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!(
                                "the transaction set starting at byte {keep_from} is larger than the \
                                 {} byte limit; raise the limit or split the set",
                                self.max_set_len
                            ),
                        ));
                    }
                    w.refill(keep_from)?
                }
                Step::Done | Step::Fatal => self.finished = true,
            }
        }
        let Some(summary) = &self.collector.done else {
            return Ok(None);
        };
        let w = &self.window;
        let Some(interchange) = &self.collector.interchange else {
            return Ok(None);
        };
        let header = &summary.header;
        let delimiters = interchange.delimiters;
        let segments = self
            .collector
            .done_spans
            .iter()
            .filter_map(|s| {
                let start = usize::try_from(s.offset.checked_sub(w.base)?).ok()?;
                let text = w.buf.get(start..start + s.len as usize)?;
                let (id, body) = text.split_at(s.id_len as usize);
                Some(Segment {
                    id,
                    body,
                    offset: s.offset,
                    position: s.position,
                    delimiters,
                })
            })
            .collect();
        static NO_GROUP: std::sync::OnceLock<GroupHeader> = std::sync::OnceLock::new();
        Ok(Some(TransactionSetRef {
            interchange,
            group: self
                .collector
                .done_group
                .as_ref()
                .unwrap_or_else(|| NO_GROUP.get_or_init(GroupHeader::default)),
            header,
            summary,
            segments,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12::generate::Generator;

    /// Hands out its input a few bytes at a time, as a socket or pipe would.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn sets_one_at_a_time_in_bounded_memory() {
        let mut input = Vec::new();
        Generator::new(7, 20_000_000).write(&mut input).unwrap();
        let tree = crate::x12::parse(&input);
        let expected: Vec<_> = tree
            .interchanges
            .iter()
            .flat_map(|i| &i.groups)
            .flat_map(|g| g.transaction_sets.iter().map(move |t| (g, t)))
            .collect();
        assert!(expected.len() > 10_000);

        let mut reader = TransactionSetReader::new(Trickle(&input, 65_536));
        let mut seen = 0;
        while let Some(set) = reader.next_set().unwrap() {
            let (group, want) = expected[seen];
            assert_eq!(set.header, &want.header);
            assert_eq!(set.group.control_number, group.header.control_number);
            assert_eq!(set.segments, want.segments, "set {seen}");
            seen += 1;
        }
        assert_eq!(seen, expected.len());
        assert!(reader.take_diagnostics().is_empty());
        // 20 MB went through a buffer that never had to grow past its first megabyte.
        assert_eq!(reader.buffer_len(), INITIAL_BUFFER);
    }

    #[test]
    fn a_set_larger_than_the_limit_is_an_error_not_a_crash() {
        let mut input = Vec::new();
        Generator::new(3, 200_000).write(&mut input).unwrap();
        let mut reader = TransactionSetReader::new(Trickle(&input, 100)).with_max_set_len(64);
        let err = loop {
            match reader.next_set() {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("every generated set is larger than 64 bytes"),
                Err(e) => break e,
            }
        };
        assert!(
            err.to_string().contains("larger than the 64 byte limit"),
            "{err}"
        );
    }
}
