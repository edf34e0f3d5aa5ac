//! The parser proper: finds each interchange's ISA, reads its delimiters, tokenizes the
//! segments after it and feeds them to the [`EnvelopeChecker`].
//!
//! It works on whatever part of the input a caller holds: [`Parser::step`] takes the unread
//! bytes and says how many it used, or that it needs more. [`parse`](super::parse) hands it
//! the whole input at once; [`SegmentStream`](super::SegmentStream) hands it a sliding buffer
//! over any `Read`. Both therefore behave identically, byte for byte.

use memchr::memmem;

use super::delimiters::Delimiters;
use super::diagnostic::{Diagnostic, Level, Problem, show};
use super::envelope::{EnvelopeChecker, Visitor};
use super::isa::{IsaRead, read_isa};
use super::tokenizer::{Segment, next_segment};

/// The longest segment the parser accepts before deciding the terminator must be wrong.
/// Legitimate X12 segments are a few hundred bytes (BIN segments aside).
pub const DEFAULT_MAX_SEGMENT_LEN: usize = 1 << 20;

/// What one [`Parser::step`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Used this many bytes from the start of the buffer.
    Consumed(usize),
    /// Needs more input than the buffer holds; call again with more (or with `eof`).
    NeedMore,
    /// The input is finished.
    Done,
    /// The input cannot be read any further: an ISA that declares no usable delimiters, or
    /// no ISA at all. The reason was passed to the visitor as an error diagnostic.
    Fatal,
}

/// How the parse ended, for the caller's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    pub interchanges: u64,
    /// Segments read, ISA to IEA, envelope and data alike (empty segments not counted).
    pub segments: u64,
    pub errors: u64,
    pub warnings: u64,
    /// No usable ISA was found where one was needed; the rest of the input was not read.
    pub fatal: bool,
}

/// The parser state between steps.
#[derive(Debug)]
pub struct Parser {
    delimiters: Option<Delimiters>,
    checker: EnvelopeChecker,
    interchanges: u64,
    warned_indent: bool,
    warned_empty: bool,
    warned_line_break: bool,
    max_segment_len: usize,
    outcome: Outcome,
    /// Whitespace seen before the first ISA, possibly over several reads.
    leading_whitespace: u64,
    leading_whitespace_at: u64,
}

impl Default for Parser {
    fn default() -> Self {
        Self::new()
    }
}

/// Counts what passes to the visitor so the parser can report an outcome.
struct Counting<'v, V> {
    inner: &'v mut V,
    errors: u64,
    warnings: u64,
}

impl<'a, V: Visitor<'a>> Visitor<'a> for Counting<'_, V> {
    fn interchange_start(&mut self, h: &super::InterchangeHeader, isa: &Segment<'a>) {
        self.inner.interchange_start(h, isa)
    }
    fn control_segment(&mut self, s: &Segment<'a>) {
        self.inner.control_segment(s)
    }
    fn group_start(&mut self, h: &super::GroupHeader, gs: &Segment<'a>) {
        self.inner.group_start(h, gs)
    }
    fn transaction_start(&mut self, h: &super::TransactionHeader, st: &Segment<'a>) {
        self.inner.transaction_start(h, st)
    }
    #[inline]
    fn segment(&mut self, s: &Segment<'a>) {
        self.inner.segment(s)
    }
    fn transaction_end(&mut self, s: &super::TransactionSummary, se: Option<&Segment<'a>>) {
        self.inner.transaction_end(s, se)
    }
    fn group_end(&mut self, s: &super::GroupSummary, ge: Option<&Segment<'a>>) {
        self.inner.group_end(s, ge)
    }
    fn interchange_end(&mut self, s: &super::InterchangeSummary, iea: Option<&Segment<'a>>) {
        self.inner.interchange_end(s, iea)
    }
    fn stray_segment(&mut self, s: &Segment<'a>) {
        self.inner.stray_segment(s)
    }
    fn pause(&self) -> bool {
        self.inner.pause()
    }
    fn diagnostic(&mut self, d: Diagnostic) {
        match d.level {
            Level::Error => self.errors += 1,
            Level::Warning => self.warnings += 1,
        }
        self.inner.diagnostic(d)
    }
}

impl Parser {
    pub fn new() -> Self {
        Parser {
            delimiters: None,
            checker: EnvelopeChecker::new(),
            interchanges: 0,
            warned_indent: false,
            warned_empty: false,
            warned_line_break: false,
            max_segment_len: DEFAULT_MAX_SEGMENT_LEN,
            outcome: Outcome::default(),
            leading_whitespace: 0,
            leading_whitespace_at: 0,
        }
    }

    /// Sets the longest segment accepted (and so the most a streaming reader buffers for
    /// one segment).
    pub fn with_max_segment_len(mut self, len: usize) -> Self {
        self.max_segment_len = len.max(super::isa::ISA_LEN * 4);
        self
    }

    pub fn max_segment_len(&self) -> usize {
        self.max_segment_len
    }

    pub fn outcome(&self) -> Outcome {
        Outcome {
            interchanges: self.interchanges,
            ..self.outcome
        }
    }

    /// Reads from `buf`, the unread input starting at absolute offset `base`. `eof` says no
    /// more bytes follow `buf`.
    pub fn step<'a, V: Visitor<'a>>(
        &mut self,
        buf: &'a [u8],
        base: u64,
        eof: bool,
        visitor: &mut V,
    ) -> Step {
        let mut v = Counting {
            inner: visitor,
            errors: 0,
            warnings: 0,
        };
        let step = {
            let was_open = self.delimiters.is_some();
            let step = match self.delimiters {
                None => self.step_between_interchanges(buf, base, eof, &mut v),
                Some(d) => self.step_in_interchange(d, buf, base, eof, &mut v),
            };
            // Every step must make progress, ask for input that can still come, or end:
            // this guarantees termination on any input. Closing an interchange whose IEA is
            // missing, before the ISA that follows it, is progress without using a byte.
            match step {
                Step::Consumed(0) if was_open && self.delimiters.is_none() => step,
                Step::Consumed(0) | Step::NeedMore if eof => {
                    self.finish_input(base + buf.len() as u64, &mut v);
                    Step::Done
                }
                Step::Consumed(0) => Step::NeedMore,
                other => other,
            }
        };
        self.outcome.errors += v.errors;
        self.outcome.warnings += v.warnings;
        if step == Step::Fatal {
            self.outcome.fatal = true;
        }
        step
    }

    fn step_between_interchanges<'a, V: Visitor<'a>>(
        &mut self,
        buf: &'a [u8],
        base: u64,
        eof: bool,
        v: &mut V,
    ) -> Step {
        let first = self.interchanges == 0;
        let mut skip = 0;
        if first && base == 0 {
            if buf.len() < 3 && !eof && b"\xEF\xBB\xBF".starts_with(buf) {
                return Step::NeedMore;
            }
            if buf.starts_with(b"\xEF\xBB\xBF") {
                skip = 3;
                v.diagnostic(Diagnostic::new(
                    Problem::ByteOrderMark,
                    0,
                    "the file starts with a UTF-8 byte-order mark; it was skipped",
                ));
            }
        }
        let ws = buf[skip..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if first && ws > 0 && self.leading_whitespace == 0 {
            self.leading_whitespace_at = base + skip as u64;
        }
        if first {
            self.leading_whitespace += ws as u64;
        }
        if ws > 0 && skip + ws == buf.len() && !eof {
            return Step::Consumed(skip + ws);
        }
        // Reported once the whitespace has ended, so that it is one finding however the
        // input was split into reads.
        if first && self.leading_whitespace > 0 && skip + ws < buf.len() {
            v.diagnostic(Diagnostic::new(
                Problem::LeadingWhitespace,
                self.leading_whitespace_at,
                format!(
                    "{} whitespace byte(s) before the ISA were skipped",
                    self.leading_whitespace
                ),
            ));
            self.leading_whitespace = 0;
        }
        skip += ws;
        let rest = &buf[skip..];
        if rest.is_empty() {
            if eof {
                self.finish_input(base + buf.len() as u64, v);
                if first {
                    // At the end of input: `base` depends on how the input was read.
                    v.diagnostic(Diagnostic::new(
                        Problem::NoInterchangeHeader,
                        base + buf.len() as u64,
                        "no ISA interchange header: the input is empty or only whitespace",
                    ));
                    return Step::Fatal;
                }
                return Step::Done;
            }
            return Step::Consumed(skip);
        }
        if rest.len() < 3 && !eof {
            return if skip > 0 {
                Step::Consumed(skip)
            } else {
                Step::NeedMore
            };
        }
        let at = base + skip as u64;
        if rest.starts_with(b"ISA") {
            return match read_isa(rest, at, eof) {
                IsaRead::Incomplete => {
                    if skip > 0 {
                        Step::Consumed(skip)
                    } else {
                        Step::NeedMore
                    }
                }
                IsaRead::Unusable(d) => {
                    v.diagnostic(d);
                    Step::Fatal
                }
                IsaRead::Refused {
                    header,
                    len,
                    diagnostic,
                } => {
                    // Known sender, control number and date, unusable delimiters: the
                    // interchange is opened (so it can be answered) and closed at once;
                    // nothing after its ISA can be read.
                    self.interchanges += 1;
                    self.outcome.segments += 1;
                    let isa = Segment {
                        id: &rest[..3],
                        body: &rest[3..len - 1],
                        offset: at,
                        position: 0,
                        delimiters: header.delimiters,
                    };
                    self.checker.start_interchange(&header, &isa, v);
                    self.checker.report(diagnostic, v);
                    self.checker.abandon_interchange(at + len as u64, v);
                    Step::Fatal
                }
                IsaRead::Header {
                    header,
                    len,
                    diagnostics,
                } => {
                    self.interchanges += 1;
                    self.outcome.segments += 1;
                    self.warned_indent = false;
                    self.warned_empty = false;
                    self.warned_line_break = false;
                    let d = header.delimiters;
                    let body = &rest[3..len - 1];
                    let isa = Segment {
                        id: &rest[..3],
                        body,
                        offset: at,
                        position: 0,
                        delimiters: d,
                    };
                    self.delimiters = Some(d);
                    self.checker.start_interchange(&header, &isa, v);
                    for diag in diagnostics {
                        self.checker.report(diag, v);
                    }
                    Step::Consumed(skip + len)
                }
            };
        }
        if first {
            if !eof && rest.len() < 40 {
                // The message quotes the start of the input; wait until it is all there.
                return if skip > 0 {
                    Step::Consumed(skip)
                } else {
                    Step::NeedMore
                };
            }
            v.diagnostic(Diagnostic::new(
                Problem::NoInterchangeHeader,
                at,
                format!(
                    "no ISA interchange header: the input starts with '{}'; an X12 file must begin with ISA",
                    show(&rest[..rest.len().min(40)])
                ),
            ));
            return Step::Fatal;
        }
        // Bytes after an IEA that are not another ISA: report them and look for the next ISA.
        let next = memmem::find(&rest[1..], b"ISA").map(|n| n + 1);
        let skipped = match next {
            Some(n) => n,
            None if eof => rest.len(),
            // Wait for more input so that the junk is reported in one piece, whatever the
            // reads' sizes, unless there is so much of it that buffering it all would cost
            // more than a segment; keep two bytes, which may begin an "ISA".
            None if rest.len() <= self.max_segment_len => return Step::NeedMore,
            None => rest.len() - 2,
        };
        v.diagnostic(Diagnostic::new(
            Problem::OutsideInterchange,
            at,
            format!(
                "{} byte(s) after the last IEA are not an interchange and were skipped: '{}'",
                skipped,
                show(&rest[..skipped.min(40)])
            ),
        ));
        Step::Consumed(skip + skipped)
    }

    /// Reads as many segments as the buffer holds while the interchange stays open: one call
    /// per buffer rather than per segment keeps the per-step bookkeeping off the hot path.
    fn step_in_interchange<'a, V: Visitor<'a>>(
        &mut self,
        d: Delimiters,
        buf: &'a [u8],
        base: u64,
        eof: bool,
        v: &mut V,
    ) -> Step {
        let mut used = 0;
        loop {
            let step = self.segment_step(d, &buf[used..], base + used as u64, eof, v);
            match step {
                Step::Consumed(n)
                    if n > 0
                        && self.delimiters == Some(d)
                        && used + n < buf.len()
                        && !v.pause() =>
                {
                    used += n
                }
                Step::Consumed(n) => return Step::Consumed(used + n),
                Step::NeedMore if used > 0 => return Step::Consumed(used),
                other => return other,
            }
        }
    }

    fn segment_step<'a, V: Visitor<'a>>(
        &mut self,
        d: Delimiters,
        buf: &'a [u8],
        base: u64,
        eof: bool,
        v: &mut V,
    ) -> Step {
        let Some((raw, taken)) = next_segment(buf, &d, eof) else {
            if eof {
                self.finish_input(base + buf.len() as u64, v);
                return Step::Done;
            }
            if buf.len() > self.max_segment_len {
                v.diagnostic(Diagnostic::new(
                    Problem::SegmentTooLong,
                    base,
                    format!(
                        "no segment terminator {} within {} bytes: the terminator declared by the ISA is \
                         probably not the one the sender used; reading stopped here",
                        super::diagnostic::show_byte(d.segment),
                        self.max_segment_len
                    ),
                ));
                return Step::Fatal;
            }
            return Step::NeedMore;
        };
        let offset = base + raw.skipped as u64;
        let text = &buf[raw.skipped..];
        // An ISA while an interchange is open: its IEA is missing. Let the ISA be read with
        // its own delimiters, which may differ from the current ones.
        if text.starts_with(b"ISA") && text.get(3).is_some_and(|b| !b.is_ascii_alphanumeric()) {
            self.checker.finish(offset, v);
            self.delimiters = None;
            return Step::Consumed(raw.skipped);
        }
        if raw.indented && !self.warned_indent {
            self.warned_indent = true;
            v.diagnostic(Diagnostic::new(
                Problem::IndentedSegments,
                base,
                "segments are indented with spaces or tabs; the indentation was ignored",
            ));
        }
        if raw.id.is_empty() && raw.body.is_empty() {
            if !self.warned_empty {
                self.warned_empty = true;
                v.diagnostic(Diagnostic::new(
                    Problem::EmptySegment,
                    offset,
                    "empty segment (a terminator right after another, or a blank line); skipped",
                ));
            }
            return Step::Consumed(taken);
        }
        if !raw.terminated {
            v.diagnostic(
                Diagnostic::new(
                    Problem::UnterminatedSegment,
                    offset,
                    format!(
                        "the last segment has no terminator {}; it was read up to the end of input",
                        super::diagnostic::show_byte(d.segment)
                    ),
                )
                .at_segment(raw.id, None),
            );
        }
        if !super::tokenizer::is_valid_id(raw.id) {
            v.diagnostic(
                Diagnostic::new(
                    Problem::BadSegmentId,
                    offset,
                    format!(
                        "'{}' is not a segment id (two or three letters or digits)",
                        show(raw.id)
                    ),
                )
                .at_segment(raw.id, None),
            );
        }
        if let (Some(n), false) = (raw.line_break, self.warned_line_break) {
            self.warned_line_break = true;
            v.diagnostic(
                Diagnostic::new(
                    Problem::LineBreakInSegment,
                    offset + n as u64,
                    format!(
                        "a line break inside segment {}: did the previous line end with another \
                         terminator than {}?",
                        show(raw.id),
                        super::diagnostic::show_byte(d.segment)
                    ),
                )
                .at_segment(raw.id, None),
            );
        }
        let seg = Segment {
            id: raw.id,
            body: raw.body,
            offset,
            position: 0,
            delimiters: d,
        };
        self.outcome.segments += 1;
        let ends_interchange = seg.id == b"IEA";
        self.checker.push(seg, v);
        if ends_interchange {
            self.delimiters = None;
        }
        Step::Consumed(taken)
    }

    fn finish_input<'a, V: Visitor<'a>>(&mut self, end: u64, v: &mut V) {
        self.checker.finish(end, v);
        self.delimiters = None;
    }
}
