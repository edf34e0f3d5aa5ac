//! The validator as a visitor of the x12 parser: it follows the envelopes, walks each
//! transaction set through its spec as the segments go by, and gathers per interchange,
//! group and set what the acknowledgements will say.

use crate::spec::{SpecSet, TransactionSetSpec, VersionSpec};
use crate::x12::diagnostic::AckCode;
use crate::x12::envelope::{GroupSummary, InterchangeSummary, TransactionSummary, Visitor};
use crate::x12::{
    Diagnostic, GroupHeader, InterchangeHeader, Level, Outcome, Parser, Problem, Segment,
    TransactionHeader, parse_into,
};

use super::element::SegmentCheck;
use super::hierarchy::Hierarchy;
use super::structure::{Placed, Walker};
use super::{Finding, Policy, Severity};

/// An interchange-level finding: TA1 material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeFinding {
    /// The TA105 note code (I18), when the standard has one.
    pub note: Option<String>,
    pub severity: Severity,
    /// The engine's stable problem code, e.g. `isa_iea_control_number_mismatch`.
    pub problem: &'static str,
    pub offset: u64,
    pub message: String,
}

/// A functional-group-level error: AK905 material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFinding {
    /// AK905 (code list 716).
    pub code: String,
    pub offset: u64,
    pub message: String,
}

/// A transaction-set-level error: AK502 material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetError {
    /// AK502 (code list 718).
    pub code: String,
    pub offset: u64,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetReport {
    pub header: TransactionHeader,
    /// Whether edigate has a spec for this set in its group's version.
    pub supported: bool,
    pub errors: Vec<SetError>,
    pub findings: Vec<Finding>,
    /// Segments from ST to SE.
    pub segment_count: u32,
}

impl SetReport {
    /// AK501: `A` accepted, `E` accepted with errors noted, `R` rejected.
    pub fn ack_code(&self, policy: &Policy) -> char {
        if !self.supported
            || !self.errors.is_empty()
            || self.findings.iter().any(|f| policy.rejects(f))
        {
            'R'
        } else if self.findings.iter().any(|f| f.severity == Severity::Error) {
            'E'
        } else {
            'A'
        }
    }

    /// AK502..AK506: the set-level error codes, at most five, in the order found.
    pub fn error_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = Vec::new();
        let mut add = |c: &str| {
            if !codes.iter().any(|x| x == c) {
                codes.push(c.to_string());
            }
        };
        // An ST01 that is no set id (6) says more than "not supported" (1).
        if !self.supported && !self.errors.iter().any(|e| e.code == "6") {
            add("1");
        }
        for e in &self.errors {
            add(&e.code);
        }
        if self.findings.iter().any(|f| f.severity == Severity::Error) {
            add("5");
        }
        codes.truncate(5);
        codes
    }

    /// Findings that go into the 997 (errors, not warnings).
    pub fn errors_for_ack(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupReport {
    pub header: GroupHeader,
    /// GE01 as sent, when the GE is there and says a number.
    pub declared_count: Option<u32>,
    pub errors: Vec<GroupFinding>,
    pub sets: Vec<SetReport>,
    /// Whether edigate has specs for GS08's version.
    pub version_supported: bool,
    /// Whether any transaction set edigate knows in that version belongs to GS01's
    /// functional group.
    pub functional_group_supported: bool,
    pub offset: u64,
}

impl GroupReport {
    /// AK901: `A`, `E`, `P` (some sets rejected) or `R`.
    pub fn ack_code(&self, policy: &Policy) -> char {
        if !self.is_readable() {
            return 'R';
        }
        let codes: Vec<char> = self.sets.iter().map(|s| s.ack_code(policy)).collect();
        let accepted = codes.iter().filter(|&&c| c != 'R').count();
        if codes.is_empty() || accepted == codes.len() {
            if codes.contains(&'E') { 'E' } else { 'A' }
        } else if accepted == 0 {
            'R'
        } else {
            'P'
        }
    }

    /// AK501 for one of this group's sets: its own verdict, or R when the group itself is
    /// rejected (its sets are not taken, whatever their own content).
    pub fn set_ack_code(&self, set: &SetReport, policy: &Policy) -> char {
        if self.is_readable() {
            set.ack_code(policy)
        } else {
            'R'
        }
    }

    /// AK904: the sets accepted (A or E). None when the group itself is rejected (a broken
    /// trailer, a duplicate control number, a version we cannot read): its sets are not
    /// taken, whatever their own AK5 says.
    pub fn accepted(&self, policy: &Policy) -> usize {
        if !self.is_readable() {
            return 0;
        }
        self.sets
            .iter()
            .filter(|s| s.ack_code(policy) != 'R')
            .count()
    }

    /// Whether the group as a whole can be taken: a version and functional group edigate
    /// knows, and sound envelopes.
    fn is_readable(&self) -> bool {
        self.version_supported && self.functional_group_supported && self.errors.is_empty()
    }

    /// AK905..AK909, at most five.
    pub fn error_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = Vec::new();
        if !self.version_supported {
            codes.push("2".to_string());
        } else if !self.functional_group_supported {
            codes.push("1".to_string());
        }
        for e in &self.errors {
            if !codes.contains(&e.code) {
                codes.push(e.code.clone());
            }
        }
        codes.truncate(5);
        codes
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeReport {
    pub header: InterchangeHeader,
    pub findings: Vec<InterchangeFinding>,
    pub groups: Vec<GroupReport>,
    /// Whether the IEA was there.
    pub closed: bool,
    pub offset: u64,
}

impl InterchangeReport {
    /// TA104 and TA105: `R` with the first error's note when an interchange-level error has
    /// one, `A` and `000` otherwise.
    pub fn ta1_code(&self) -> (char, String) {
        match self
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error && f.note.is_some())
        {
            Some(f) => ('R', f.note.clone().unwrap_or_default()),
            None => ('A', "000".to_string()),
        }
    }
}

/// Reads a whole input held in memory and validates it.
pub fn validate(specs: &SpecSet, input: &[u8]) -> (Vec<InterchangeReport>, Outcome) {
    let mut validator = Validator::new(specs);
    let mut parser = Parser::new();
    let outcome = parse_into(input, &mut parser, &mut validator);
    (validator.interchanges, outcome)
}

struct OpenSet<'s> {
    report: SetReport,
    spec: Option<(&'s VersionSpec, &'s TransactionSetSpec)>,
}

/// Receives each interchange's report once nothing more can be said about it.
pub type Sink<'s> = Box<dyn FnMut(InterchangeReport) + 's>;

/// Receives each transaction set's report as the set ends.
pub type SetSink<'s> = Box<dyn FnMut(SetReport) + 's>;

/// The validating visitor. Feed it with `SegmentStream::run` (streamed) or `parse_into`.
/// Without a sink it keeps every report in `interchanges`; with one, it hands each
/// interchange's report over when the next interchange starts (problems found between
/// interchanges belong to the one before) and at `finish`, so memory holds one
/// interchange's findings at a time.
pub struct Validator<'s> {
    specs: &'s SpecSet,
    pub interchanges: Vec<InterchangeReport>,
    sink: Option<Sink<'s>>,
    /// With one, each set's report goes here as the set ends, and is not kept.
    set_sink: Option<SetSink<'s>>,
    version: Option<&'s VersionSpec>,
    set: Option<OpenSet<'s>>,
    walkers: Vec<Walker<'s>>,
    walker: Option<usize>,
    hierarchy: Hierarchy,
    /// Problems of a GS or ST header, reported just before the group or set starts.
    pending_group: Vec<GroupFinding>,
    pending_set: Vec<SetError>,
}

impl<'s> Validator<'s> {
    pub fn new(specs: &'s SpecSet) -> Self {
        Validator {
            specs,
            interchanges: Vec::new(),
            sink: None,
            set_sink: None,
            version: None,
            set: None,
            walkers: Vec::new(),
            walker: None,
            hierarchy: Hierarchy::default(),
            pending_group: Vec::new(),
            pending_set: Vec::new(),
        }
    }

    /// A validator that hands each interchange's report to `sink`.
    pub fn with_sink(specs: &'s SpecSet, sink: impl FnMut(InterchangeReport) + 's) -> Self {
        Validator {
            sink: Some(Box::new(sink)),
            ..Validator::new(specs)
        }
    }

    /// A validator that hands each transaction set's report to `sink` as the set ends, for
    /// a caller that wants the sets' verdicts alongside something else it does with each
    /// set (translating it). Nothing is kept: memory holds one set's findings, whatever
    /// the interchange; the interchange and group reports, which would need the sets, are
    /// dropped.
    pub fn with_set_sink(specs: &'s SpecSet, sink: impl FnMut(SetReport) + 's) -> Self {
        Validator {
            sink: Some(Box::new(|_| {})),
            set_sink: Some(Box::new(sink)),
            ..Validator::new(specs)
        }
    }

    /// Hands over what is still held (with a sink); call after the input ends.
    pub fn finish(&mut self) {
        if let Some(sink) = self.sink.as_mut() {
            for report in self.interchanges.drain(..) {
                sink(report);
            }
        }
    }

    fn group(&mut self) -> Option<&mut GroupReport> {
        self.interchanges
            .last_mut()
            .and_then(|i| i.groups.last_mut())
    }

    fn walker_for(&mut self, spec: &'s TransactionSetSpec) -> usize {
        if let Some(i) = self
            .walkers
            .iter()
            .position(|w| std::ptr::eq(w.spec(), spec))
        {
            return i;
        }
        self.walkers.push(Walker::new(spec));
        self.walkers.len() - 1
    }

    fn interchange_finding(&mut self, d: &Diagnostic, note: Option<String>) {
        let finding = InterchangeFinding {
            note,
            severity: if d.level == Level::Error {
                Severity::Error
            } else {
                Severity::Warning
            },
            problem: d.problem.code(),
            offset: d.offset,
            message: d.message.clone(),
        };
        if let Some(i) = self.interchanges.last_mut() {
            i.findings.push(finding);
        }
    }
}

impl<'a, 's> Visitor<'a> for Validator<'s> {
    fn interchange_start(&mut self, header: &InterchangeHeader, isa: &Segment<'a>) {
        self.finish();
        self.interchanges.push(InterchangeReport {
            header: header.clone(),
            findings: Vec::new(),
            groups: Vec::new(),
            closed: false,
            offset: isa.offset,
        });
    }

    fn group_start(&mut self, header: &GroupHeader, gs: &Segment<'a>) {
        self.version = self.specs.version(&header.version);
        let functional_group_supported = self.version.is_none_or(|v| {
            v.sets
                .iter()
                .any(|s| s.functional_group == header.functional_id)
        });
        let errors = std::mem::take(&mut self.pending_group);
        let report = GroupReport {
            header: header.clone(),
            declared_count: None,
            errors,
            sets: Vec::new(),
            version_supported: self.version.is_some(),
            functional_group_supported,
            offset: gs.offset,
        };
        if let Some(i) = self.interchanges.last_mut() {
            i.groups.push(report);
        }
    }

    fn transaction_start(&mut self, header: &TransactionHeader, st: &Segment<'a>) {
        let spec = self
            .version
            .and_then(|v| v.transaction_set(&header.id, None).map(|s| (v, s)));
        let report = SetReport {
            header: header.clone(),
            supported: spec.is_some(),
            errors: std::mem::take(&mut self.pending_set),
            findings: Vec::new(),
            segment_count: 0,
        };
        self.walker = spec.map(|(_, s)| self.walker_for(s));
        self.hierarchy.clear();
        let mut open = OpenSet { report, spec };
        if let (Some((version, _)), Some(w)) = (spec, self.walker) {
            // ST's content is the envelope checker's; here it only takes its place.
            let _ = self.walkers[w].place(version, st.id, 1, st.offset, &mut open.report.findings);
        }
        self.set = Some(open);
    }

    fn segment(&mut self, segment: &Segment<'a>) {
        let (Some(open), Some(w)) = (self.set.as_mut(), self.walker) else {
            return;
        };
        let Some((version, _)) = open.spec else {
            return;
        };
        let findings = &mut open.report.findings;
        if let Placed::At(place, loop_id) = self.walkers[w].place(
            version,
            segment.id,
            segment.position,
            segment.offset,
            findings,
        ) {
            let check = SegmentCheck {
                spec: version,
                def: &version.segments[place.segment],
                place,
                segment,
                loop_id,
                repetitions: version.version.as_str() >= "005010",
            };
            check.run(findings);
            if segment.id == b"HL" {
                self.hierarchy.hl(segment, loop_id, findings);
            }
        }
    }

    fn transaction_end(&mut self, summary: &TransactionSummary, se: Option<&Segment<'a>>) {
        let Some(mut open) = self.set.take() else {
            return;
        };
        open.report.segment_count = summary.segment_count;
        if let (Some((version, _)), Some(w)) = (open.spec, self.walker) {
            let findings = &mut open.report.findings;
            let (position, offset) = match se {
                Some(se) => {
                    let _ = self.walkers[w].place(
                        version,
                        se.id,
                        summary.segment_count,
                        se.offset,
                        findings,
                    );
                    (summary.segment_count, se.offset)
                }
                None => (summary.segment_count, summary.header.offset),
            };
            self.walkers[w].finish(position, offset, findings);
            self.hierarchy.finish(findings);
            // In the order of the set (a finding made at the end, such as an HL whose
            // promised children never came, goes back to its segment).
            findings.sort_by_key(|f| f.position);
        }
        if let Some(sink) = self.set_sink.as_mut() {
            sink(open.report);
        } else if let Some(g) = self.group() {
            g.sets.push(open.report);
        }
    }

    fn group_end(&mut self, summary: &GroupSummary, ge: Option<&Segment<'a>>) {
        let declared = ge.and_then(|ge| std::str::from_utf8(ge.value(1)).ok()?.parse().ok());
        let _ = summary;
        if let Some(g) = self.group() {
            g.declared_count = declared;
        }
        self.version = None;
    }

    fn interchange_end(&mut self, summary: &InterchangeSummary, _iea: Option<&Segment<'a>>) {
        if let Some(i) = self.interchanges.last_mut() {
            i.closed = summary.closed;
        }
    }

    fn diagnostic(&mut self, d: Diagnostic) {
        match d.ack_code() {
            // The walk reports a bad segment id as an unrecognized segment, with its place.
            Some(AckCode::TransactionSet(_))
                if d.problem == Problem::BadSegmentId && self.set.is_some() => {}
            Some(AckCode::TransactionSet(code)) if self.set.is_some() => {
                if let Some(open) = self.set.as_mut() {
                    open.report.errors.push(SetError {
                        code: code.to_string(),
                        offset: d.offset,
                        message: d.message,
                    });
                }
            }
            // GS06's own problems come before the group starts.
            Some(AckCode::Group(code))
                if matches!(
                    d.problem,
                    Problem::GroupControlSyntax | Problem::DuplicateGroup
                ) =>
            {
                self.pending_group.push(GroupFinding {
                    code: code.to_string(),
                    offset: d.offset,
                    message: d.message,
                });
            }
            // So do ST01's and ST02's.
            Some(AckCode::TransactionSet(code))
                if matches!(
                    d.problem,
                    Problem::SetIdentifier | Problem::SetControlSyntax | Problem::DuplicateSet
                ) =>
            {
                self.pending_set.push(SetError {
                    code: code.to_string(),
                    offset: d.offset,
                    message: d.message,
                });
            }
            Some(AckCode::Group(code)) if self.group().is_some() => {
                if let Some(g) = self.group() {
                    g.errors.push(GroupFinding {
                        code: code.to_string(),
                        offset: d.offset,
                        message: d.message,
                    });
                }
            }
            Some(AckCode::InterchangeNote(note)) => {
                self.interchange_finding(&d, Some(note.to_string()))
            }
            _ => self.interchange_finding(&d, None),
        }
    }
}
