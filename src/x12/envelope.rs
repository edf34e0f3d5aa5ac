//! Envelopes: ISA/IEA interchanges, GS/GE functional groups, ST/SE transaction sets.
//!
//! [`EnvelopeChecker`] is pushed one segment at a time and reports structure to a
//! [`Visitor`]: it pairs every header with its trailer, counts what the trailers count, and
//! turns every mismatch into a [`Diagnostic`] carrying its TA1 / AK905 / AK502 code. It keeps
//! only the open headers and the control numbers seen, never the segments, so it runs in
//! bounded memory over any input.

use std::collections::{BTreeMap, HashSet};

use super::datetime;
use super::diagnostic::{Diagnostic, Problem, show};
use super::isa::InterchangeHeader;
use super::tokenizer::Segment;

/// GS header values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupHeader {
    /// GS01, e.g. `PO`.
    pub functional_id: String,
    /// GS02, application sender's code.
    pub sender: String,
    /// GS03, application receiver's code.
    pub receiver: String,
    /// GS04.
    pub date: String,
    /// GS05.
    pub time: String,
    /// GS06.
    pub control_number: String,
    /// GS07, responsible agency (`X`).
    pub agency: String,
    /// GS08, e.g. `004010` or `005010X222A1`.
    pub version: String,
    pub offset: u64,
}

/// ST header values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransactionHeader {
    /// ST01, e.g. `850`.
    pub id: String,
    /// ST02.
    pub control_number: String,
    /// ST03 (5010 implementation convention reference), empty when absent.
    pub implementation_reference: String,
    pub offset: u64,
}

/// What an SE (or its absence) closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionSummary {
    pub header: TransactionHeader,
    /// Segments counted from ST to SE inclusive (to the last segment seen when SE is missing).
    pub segment_count: u32,
    /// Whether the SE was present.
    pub closed: bool,
    /// Whether any envelope error was reported for this set.
    pub has_errors: bool,
}

/// What a GE (or its absence) closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSummary {
    pub header: GroupHeader,
    pub transaction_count: u32,
    pub closed: bool,
    pub has_errors: bool,
}

/// What an IEA (or its absence) closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeSummary {
    pub control_number: String,
    pub group_count: u32,
    pub closed: bool,
    pub has_errors: bool,
}

/// Receives the envelope structure as it is recognized. Every segment reaches exactly one
/// method. `'a` is the lifetime of the input the segments borrow; a visitor that keeps no
/// segments can implement it for every `'a` and so work on a streamed input.
#[allow(unused_variables)]
pub trait Visitor<'a> {
    fn interchange_start(&mut self, header: &InterchangeHeader, isa: &Segment<'a>) {}
    /// TA1, ISB, ISE and other control segments allowed between ISA and the first GS.
    fn control_segment(&mut self, segment: &Segment<'a>) {}
    fn group_start(&mut self, header: &GroupHeader, gs: &Segment<'a>) {}
    fn transaction_start(&mut self, header: &TransactionHeader, st: &Segment<'a>) {}
    /// A segment strictly between ST and SE.
    fn segment(&mut self, segment: &Segment<'a>) {}
    fn transaction_end(&mut self, summary: &TransactionSummary, se: Option<&Segment<'a>>) {}
    fn group_end(&mut self, summary: &GroupSummary, ge: Option<&Segment<'a>>) {}
    fn interchange_end(&mut self, summary: &InterchangeSummary, iea: Option<&Segment<'a>>) {}
    /// A segment the envelope has no place for (already reported as a diagnostic).
    fn stray_segment(&mut self, segment: &Segment<'a>) {}
    fn diagnostic(&mut self, diagnostic: Diagnostic) {}
    /// Asked after each segment: true makes the parser return from its current step, so that
    /// a caller can take what the visitor gathered (one transaction set, say) before the
    /// parser reads on. The parser otherwise reads all the segments its buffer holds at once.
    fn pause(&self) -> bool {
        false
    }
}

/// Whether GS04 is CCYYMMDD in a group of version `gs08`: from 004000 on, and for a GS08
/// too short to say; YYMMDD before. Readers and writers of GS04 ask the same question here.
pub fn gs04_is_ccyymmdd(gs08: &[u8]) -> bool {
    gs08.len() < 6 || gs08[..6] >= b"004000"[..]
}

/// Control numbers already used in a scope. Senders number sequentially, so numeric control
/// numbers are kept as merged ranges: a group of a million sets costs one range, not a
/// million entries.
#[derive(Debug, Default)]
struct SeenControlNumbers {
    ranges: BTreeMap<u64, u64>,
    other: HashSet<Vec<u8>>,
}

impl SeenControlNumbers {
    /// Records `value`; returns false when it was already there.
    fn insert(&mut self, value: &[u8]) -> bool {
        let numeric =
            !value.is_empty() && value.len() <= 18 && value.iter().all(u8::is_ascii_digit);
        if !numeric {
            return self.other.insert(value.to_vec());
        }
        let n = value
            .iter()
            .fold(0u64, |n, &b| n * 10 + u64::from(b - b'0'));
        let before = self.ranges.range(..=n).next_back().map(|(&s, &e)| (s, e));
        if let Some((_, end)) = before
            && n <= end
        {
            return false;
        }
        let after = self.ranges.range(n + 1..).next().map(|(&s, &e)| (s, e));
        let mut start = n;
        let mut end = n;
        if let Some((s, e)) = before
            && e + 1 == n
        {
            start = s;
        }
        if let Some((s, e)) = after
            && s == n + 1
        {
            self.ranges.remove(&s);
            end = e;
        }
        self.ranges.insert(start, end);
        true
    }
}

#[derive(Debug)]
struct OpenInterchange {
    control_number: String,
    offset: u64,
    groups: u32,
    group_numbers: SeenControlNumbers,
    has_errors: bool,
}

#[derive(Debug)]
struct OpenGroup {
    header: GroupHeader,
    sets: u32,
    set_numbers: SeenControlNumbers,
    has_errors: bool,
}

#[derive(Debug)]
struct OpenSet {
    header: TransactionHeader,
    count: u32,
    has_errors: bool,
}

fn text(v: &[u8]) -> String {
    match std::str::from_utf8(v) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(v).into_owned(),
    }
}

/// A finding about element `n` of `seg`, placed at that element's first byte (at the segment
/// when the element is missing).
fn element_problem(
    problem: Problem,
    seg: &Segment<'_>,
    n: u32,
    position: Option<u32>,
    message: String,
) -> Diagnostic {
    Diagnostic::new(
        problem,
        seg.element(n).map_or(seg.offset, |e| e.offset),
        message,
    )
    .at_segment(seg.id, position)
    .at_element(n)
}

/// The envelope state machine. Feed it segments in order with [`EnvelopeChecker::push`],
/// an ISA with [`EnvelopeChecker::start_interchange`], and call [`EnvelopeChecker::finish`]
/// at the end of input.
#[derive(Debug, Default)]
pub struct EnvelopeChecker {
    interchange: Option<OpenInterchange>,
    group: Option<OpenGroup>,
    set: Option<OpenSet>,
    /// Set while an unreadable interchange is closed (see `abandon_interchange`).
    abandoned: bool,
}

impl EnvelopeChecker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether an interchange is open (an ISA was seen and its IEA not yet).
    pub fn in_interchange(&self) -> bool {
        self.interchange.is_some()
    }

    /// Opens an interchange for an ISA already read; closes a previous one left open.
    pub fn start_interchange<'a, V: Visitor<'a>>(
        &mut self,
        header: &InterchangeHeader,
        isa: &Segment<'a>,
        v: &mut V,
    ) {
        if self.interchange.is_some() {
            self.close_interchange(isa.offset, None, v);
        }
        self.interchange = Some(OpenInterchange {
            control_number: header.control_number.clone(),
            offset: header.offset,
            groups: 0,
            group_numbers: SeenControlNumbers::default(),
            has_errors: false,
        });
        v.interchange_start(header, isa);
    }

    /// Takes the next segment of the open interchange.
    #[inline]
    pub fn push<'a, V: Visitor<'a>>(&mut self, mut seg: Segment<'a>, v: &mut V) {
        // The hot path: a data segment inside a transaction set is counted and passed on.
        if !matches!(seg.id, b"ST" | b"SE" | b"GS" | b"GE" | b"IEA")
            && let Some(set) = &mut self.set
        {
            set.count = set.count.saturating_add(1);
            seg.position = set.count;
            v.segment(&seg);
            return;
        }
        self.push_other(seg, v)
    }

    /// Envelope segments, and segments outside any set, with all their checks.
    #[inline(never)]
    fn push_other<'a, V: Visitor<'a>>(&mut self, mut seg: Segment<'a>, v: &mut V) {
        // Count the segment in the open set unless it closes the set without belonging to it.
        let closes_set = matches!(seg.id, b"ST" | b"GS" | b"GE" | b"IEA");
        if let Some(set) = self.set.as_mut().filter(|_| !closes_set) {
            set.count = set.count.saturating_add(1);
            seg.position = set.count;
        }
        match seg.id {
            b"ST" => self.start_set(&seg, v),
            b"SE" => self.end_set(&seg, v),
            b"GS" => self.start_group(&seg, v),
            b"GE" => self.end_group(&seg, v),
            b"IEA" => self.end_interchange(&seg, v),
            _ if self.set.is_some() => v.segment(&seg),
            b"TA1" | b"ISB" | b"ISE" if self.group.is_none() && self.interchange.is_some() => {
                v.control_segment(&seg)
            }
            _ => {
                let place = if self.group.is_some() {
                    "inside a functional group but outside any transaction set (no ST before it)"
                } else {
                    "inside the interchange but outside any functional group (no GS before it)"
                };
                self.report(
                    Diagnostic::new(
                        Problem::UnexpectedSegment,
                        seg.offset,
                        format!("segment {} is {place}", show(seg.id)),
                    )
                    .at_segment(seg.id, None),
                    v,
                );
                v.stray_segment(&seg);
            }
        }
    }

    /// Closes whatever is open at the end of input (or before an ISA that arrives while an
    /// interchange is still open).
    pub fn finish<'a, V: Visitor<'a>>(&mut self, end_offset: u64, v: &mut V) {
        if self.interchange.is_some() || self.group.is_some() || self.set.is_some() {
            self.close_interchange(end_offset, None, v);
        }
    }

    /// Passes a diagnostic on, marking the open envelope it concerns as having errors.
    pub fn report<'a, V: Visitor<'a>>(&mut self, d: Diagnostic, v: &mut V) {
        match d.ack_code() {
            Some(super::diagnostic::AckCode::TransactionSet(_)) => {
                if let Some(s) = &mut self.set {
                    s.has_errors = true;
                }
            }
            Some(super::diagnostic::AckCode::Group(_)) => {
                if let Some(g) = &mut self.group {
                    g.has_errors = true;
                }
            }
            _ => {}
        }
        if d.level == super::diagnostic::Level::Error
            && let Some(i) = &mut self.interchange
        {
            i.has_errors = true;
        }
        v.diagnostic(d);
    }

    fn start_set<'a, V: Visitor<'a>>(&mut self, st: &Segment<'a>, v: &mut V) {
        if self.set.is_some() {
            self.close_set(st.offset, None, v);
        }
        if self.group.is_none() {
            self.report(
                Diagnostic::new(
                    Problem::UnexpectedSegment,
                    st.offset,
                    "ST outside any functional group (no GS before it); the transaction set is read but cannot be acknowledged",
                )
                .at_segment(b"ST", None),
                v,
            );
        }
        let [id, control, reference] = st.first_values();
        let header = TransactionHeader {
            id: text(id),
            control_number: text(control),
            implementation_reference: text(reference),
            offset: st.offset,
        };
        self.set = Some(OpenSet {
            header,
            count: 1,
            has_errors: false,
        });
        let st = Segment { position: 1, ..*st };
        if !(id.len() == 3 && id.iter().all(u8::is_ascii_digit)) {
            self.report(
                element_problem(
                    Problem::SetIdentifier,
                    &st,
                    1,
                    Some(1),
                    format!(
                        "ST01 must be a three-digit transaction set id such as 850, found '{}'",
                        show(id)
                    ),
                ),
                v,
            );
        }
        if !(4..=9).contains(&control.len()) || !control.iter().all(u8::is_ascii_alphanumeric) {
            self.report(
                element_problem(
                    Problem::SetControlSyntax,
                    &st,
                    2,
                    Some(1),
                    format!(
                        "ST02 must be a control number of 4 to 9 characters, found '{}'",
                        show(control)
                    ),
                ),
                v,
            );
        } else if let Some(group) = &mut self.group
            && !group.set_numbers.insert(control)
        {
            let gs06 = group.header.control_number.clone();
            self.report(
                element_problem(
                    Problem::DuplicateSet,
                    &st,
                    2,
                    Some(1),
                    format!(
                        "ST02 control number '{}' is used twice in functional group {gs06}",
                        show(control)
                    ),
                ),
                v,
            );
        }
        if let Some(set) = &self.set {
            v.transaction_start(&set.header, &st);
        }
    }

    fn end_set<'a, V: Visitor<'a>>(&mut self, se: &Segment<'a>, v: &mut V) {
        let Some(set) = &self.set else {
            self.report(
                Diagnostic::new(
                    Problem::UnexpectedSegment,
                    se.offset,
                    "SE without a matching ST",
                )
                .at_segment(b"SE", None),
                v,
            );
            v.stray_segment(se);
            return;
        };
        let count = set.count;
        let st02 = set.header.control_number.clone();
        let [se01, se02] = se.first_values();
        let counted_ok = std::str::from_utf8(se01)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .is_some_and(|n| n == u64::from(count));
        if !counted_ok {
            self.report(
                element_problem(Problem::SegmentCountMismatch, se, 1, Some(count), format!(
                        "SE01 says {} segments but transaction set {st02} has {count} (ST through SE)",
                        show(se01)
                    )),
                v,
            );
        }
        if se02 != st02.as_bytes() {
            self.report(
                element_problem(
                    Problem::SetControlMismatch,
                    se,
                    2,
                    Some(count),
                    format!("SE02 '{}' does not match ST02 '{st02}'", show(se02)),
                ),
                v,
            );
        }
        self.close_set(se.offset, Some(se), v);
    }

    fn close_set<'a, V: Visitor<'a>>(&mut self, at: u64, se: Option<&Segment<'a>>, v: &mut V) {
        let Some(set) = &self.set else { return };
        if se.is_none() {
            let ctrl = set.header.control_number.clone();
            self.report(
                Diagnostic::new(
                    Problem::SetTrailerMissing,
                    at,
                    format!("transaction set {ctrl} has no SE trailer before byte {at}"),
                )
                .at_segment(b"ST", Some(1)),
                v,
            );
        }
        let Some(set) = self.set.take() else { return };
        if let Some(g) = &mut self.group {
            g.sets += 1;
            g.has_errors |= set.has_errors;
        }
        let summary = TransactionSummary {
            header: set.header,
            segment_count: set.count,
            closed: se.is_some(),
            has_errors: set.has_errors,
        };
        v.transaction_end(&summary, se);
    }

    fn start_group<'a, V: Visitor<'a>>(&mut self, gs: &Segment<'a>, v: &mut V) {
        if self.group.is_some() || self.set.is_some() {
            self.close_group(gs.offset, None, v);
        }
        let values: [&[u8]; 8] = gs.first_values();
        let header = GroupHeader {
            functional_id: text(values[0]),
            sender: text(values[1]),
            receiver: text(values[2]),
            date: text(values[3]),
            time: text(values[4]),
            control_number: text(values[5]),
            agency: text(values[6]),
            version: text(values[7]),
            offset: gs.offset,
        };
        let value = |n: usize| values[n - 1];
        self.group = Some(OpenGroup {
            header: header.clone(),
            sets: 0,
            set_numbers: SeenControlNumbers::default(),
            has_errors: false,
        });
        if let Some(ic) = &mut self.interchange {
            ic.groups += 1;
        }
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for (n, what) in [
            (1, "GS01"),
            (2, "GS02"),
            (3, "GS03"),
            (7, "GS07"),
            (8, "GS08"),
        ] {
            // Spaces only are no value either: a reply could not address them.
            if value(n).iter().all(|&b| b == b' ') {
                missing.push(what);
            }
        }
        // The application codes are written back in the reply's GS: they must be text.
        for n in [2usize, 3] {
            if let Some(bad) = value(n).iter().position(|b| !(0x20..=0x7e).contains(b)) {
                found.push(element_problem(
                    Problem::GroupHeaderField,
                    gs,
                    n as u32,
                    None,
                    format!(
                        "GS{n:02} holds {} at character {}, which an application code cannot",
                        show(&value(n)[bad..bad + 1]),
                        bad + 1
                    ),
                ));
            }
        }
        if !missing.is_empty() {
            found.push(
                Diagnostic::new(
                    Problem::GroupHeaderField,
                    gs.offset,
                    format!("GS is missing mandatory elements: {}", missing.join(", ")),
                )
                .at_segment(b"GS", None),
            );
        }
        // GS01, the functional identifier, is two letters or digits (PO, IN, SH, FA...).
        let gs01 = value(1);
        if !gs01.is_empty() && (gs01.len() != 2 || !gs01.iter().all(u8::is_ascii_alphanumeric)) {
            found.push(element_problem(
                Problem::GroupHeaderField,
                gs,
                1,
                None,
                format!(
                    "GS01 must be a two-character functional identifier such as PO, found '{}'",
                    show(gs01)
                ),
            ));
        }
        let version = value(8);
        let long_date = gs04_is_ccyymmdd(version);
        let date = value(4);
        let date_ok = if long_date {
            datetime::is_ccyymmdd(date)
        } else {
            datetime::is_yymmdd(date)
        };
        if !date_ok {
            found.push(element_problem(
                Problem::GroupDate,
                gs,
                4,
                None,
                format!(
                    "GS04 must be a date {}, found '{}'",
                    if long_date { "CCYYMMDD" } else { "YYMMDD" },
                    show(date)
                ),
            ));
        }
        if !datetime::is_time(value(5)) {
            found.push(element_problem(
                Problem::GroupTime,
                gs,
                5,
                None,
                format!(
                    "GS05 must be a time HHMM[SS[DD]], found '{}'",
                    show(value(5))
                ),
            ));
        }
        let control = value(6);
        if control.is_empty() || control.len() > 9 || !control.iter().all(u8::is_ascii_digit) {
            found.push(element_problem(
                Problem::GroupControlSyntax,
                gs,
                6,
                None,
                format!(
                    "GS06 must be a control number of 1 to 9 digits, found '{}'",
                    show(control)
                ),
            ));
        } else if let Some(ic) = &mut self.interchange
            && !ic.group_numbers.insert(control)
        {
            let d = element_problem(
                Problem::DuplicateGroup,
                gs,
                6,
                None,
                format!(
                    "GS06 control number '{}' is used twice in interchange {}",
                    show(control),
                    ic.control_number
                ),
            );
            // AK905 19 says exactly this from 005010 on; before, 19 names a security
            // segment, and a repeated control number is one that violates the syntax (6).
            found.push(if header.version.as_str() < "005010" {
                d.with_ack(super::diagnostic::AckCode::Group("6"))
            } else {
                d
            });
        }
        if let Some(group) = self.group.as_mut().filter(|_| !found.is_empty()) {
            // A malformed GS makes the group unsound even where the code is the TA1's.
            group.has_errors = true;
        }
        for d in found {
            self.report(d, v);
        }
        v.group_start(&header, gs);
    }

    fn end_group<'a, V: Visitor<'a>>(&mut self, ge: &Segment<'a>, v: &mut V) {
        if self.set.is_some() {
            self.close_set(ge.offset, None, v);
        }
        let Some(group) = &self.group else {
            self.report(
                Diagnostic::new(
                    Problem::UnexpectedSegment,
                    ge.offset,
                    "GE without a matching GS",
                )
                .at_segment(b"GE", None),
                v,
            );
            v.stray_segment(ge);
            return;
        };
        let sets = group.sets;
        let gs06 = group.header.control_number.clone();
        let ge01 = ge.value(1);
        if std::str::from_utf8(ge01)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            != Some(u64::from(sets))
        {
            self.report(
                element_problem(
                    Problem::SetCountMismatch,
                    ge,
                    1,
                    None,
                    format!(
                        "GE01 says {} transaction sets but functional group {gs06} has {sets}",
                        show(ge01)
                    ),
                ),
                v,
            );
        }
        let ge02 = ge.value(2);
        if ge02 != gs06.as_bytes() {
            self.report(
                element_problem(
                    Problem::GroupControlMismatch,
                    ge,
                    2,
                    None,
                    format!("GE02 '{}' does not match GS06 '{gs06}'", show(ge02)),
                ),
                v,
            );
        }
        self.close_group(ge.offset, Some(ge), v);
    }

    fn close_group<'a, V: Visitor<'a>>(&mut self, at: u64, ge: Option<&Segment<'a>>, v: &mut V) {
        if self.set.is_some() {
            self.close_set(at, None, v);
        }
        let Some(group) = &self.group else { return };
        if ge.is_none() {
            let ctrl = group.header.control_number.clone();
            self.report(
                Diagnostic::new(
                    Problem::GroupTrailerMissing,
                    at,
                    format!("functional group {ctrl} has no GE trailer before byte {at}"),
                )
                .at_segment(b"GS", None),
                v,
            );
        }
        let Some(group) = self.group.take() else {
            return;
        };
        let summary = GroupSummary {
            header: group.header,
            transaction_count: group.sets,
            closed: ge.is_some(),
            has_errors: group.has_errors,
        };
        v.group_end(&summary, ge);
    }

    fn end_interchange<'a, V: Visitor<'a>>(&mut self, iea: &Segment<'a>, v: &mut V) {
        if self.group.is_some() || self.set.is_some() {
            self.close_group(iea.offset, None, v);
        }
        let Some(ic) = &self.interchange else {
            self.report(
                Diagnostic::new(
                    Problem::UnexpectedSegment,
                    iea.offset,
                    "IEA without a matching ISA",
                )
                .at_segment(b"IEA", None),
                v,
            );
            v.stray_segment(iea);
            return;
        };
        let groups = ic.groups;
        let isa13 = ic.control_number.clone();
        let iea01 = iea.value(1);
        if std::str::from_utf8(iea01)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            != Some(u64::from(groups))
        {
            self.report(
                element_problem(
                    Problem::GroupCountMismatch,
                    iea,
                    1,
                    None,
                    format!(
                        "IEA01 says {} functional groups but interchange {isa13} has {groups}",
                        show(iea01)
                    ),
                ),
                v,
            );
        }
        let iea02 = iea.value(2);
        if iea02 != isa13.as_bytes() {
            self.report(
                element_problem(
                    Problem::InterchangeControlMismatch,
                    iea,
                    2,
                    None,
                    format!("IEA02 '{}' does not match ISA13 '{isa13}'", show(iea02)),
                ),
                v,
            );
        }
        self.close_interchange(iea.offset, Some(iea), v);
    }

    /// Closes an interchange whose content cannot be read at all (its ISA declares unusable
    /// delimiters; that problem has been reported): no IEA can be looked for, so its
    /// absence is not reported.
    pub fn abandon_interchange<'a, V: Visitor<'a>>(&mut self, at: u64, v: &mut V) {
        self.abandoned = true;
        self.close_interchange(at, None, v);
        self.abandoned = false;
    }

    fn close_interchange<'a, V: Visitor<'a>>(
        &mut self,
        at: u64,
        iea: Option<&Segment<'a>>,
        v: &mut V,
    ) {
        if self.group.is_some() || self.set.is_some() {
            self.close_group(at, None, v);
        }
        let Some(ic) = &self.interchange else { return };
        if iea.is_none() && !self.abandoned {
            let (ctrl, start) = (ic.control_number.clone(), ic.offset);
            self.report(
                Diagnostic::new(
                    Problem::InterchangeTrailerMissing,
                    at,
                    format!("interchange {ctrl} (ISA at byte {start}) has no IEA trailer before byte {at}"),
                )
                .at_segment(b"ISA", None),
                v,
            );
        }
        let Some(ic) = self.interchange.take() else {
            return;
        };
        let summary = InterchangeSummary {
            control_number: ic.control_number,
            group_count: ic.groups,
            closed: iea.is_some(),
            has_errors: ic.has_errors,
        };
        v.interchange_end(&summary, iea);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_control_numbers_merge_ranges() {
        let mut seen = SeenControlNumbers::default();
        for n in [b"0001", b"0002", b"0004", b"0003"] {
            assert!(seen.insert(n));
        }
        assert_eq!(seen.ranges.len(), 1);
        assert!(!seen.insert(b"3"));
        assert!(!seen.insert(b"0001"));
        assert!(seen.insert(b"A1"));
        assert!(!seen.insert(b"A1"));
    }
}
