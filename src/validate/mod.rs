//! Checking transaction sets against their spec in one pass over the segments: structure
//! (segments and loops: order, usage, maximum use, repeats), elements (presence, length,
//! characters, types, code lists, dates, times, numbers, components, repetitions), syntax
//! notes, and the HL hierarchy. Every finding carries the 997 codes it is reported with and
//! its exact place. Pure: it works on the events of the x12 parser and never sees the input
//! as a whole, so memory is bounded by what it reports, not by the file.

mod element;
mod hierarchy;
mod report;
mod structure;

pub use report::{
    GroupFinding, GroupReport, InterchangeFinding, InterchangeReport, SetError, SetReport, SetSink,
    Validator, validate,
};

use std::fmt;

/// Whether a finding rejects its transaction set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Reported, but the set is accepted as it stands (an unlisted code where edigate only
    /// knows the common codes, for instance). Not sent in a 997.
    Warning,
    /// A syntax error of the standard; whether it rejects the set (AK501 R) or only notes it
    /// (AK501 E) is the policy's choice.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// AK304, code list 720: what is wrong with a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SegmentError {
    Unrecognized,
    Unexpected,
    MandatoryMissing,
    LoopOverMaximum,
    ExceedsMaximumUse,
    NotInTransactionSet,
    OutOfSequence,
    ElementErrors,
}

impl SegmentError {
    pub const ALL: [SegmentError; 8] = [
        SegmentError::Unrecognized,
        SegmentError::Unexpected,
        SegmentError::MandatoryMissing,
        SegmentError::LoopOverMaximum,
        SegmentError::ExceedsMaximumUse,
        SegmentError::NotInTransactionSet,
        SegmentError::OutOfSequence,
        SegmentError::ElementErrors,
    ];

    /// The AK304 value.
    pub fn code(self) -> &'static str {
        match self {
            SegmentError::Unrecognized => "1",
            SegmentError::Unexpected => "2",
            SegmentError::MandatoryMissing => "3",
            SegmentError::LoopOverMaximum => "4",
            SegmentError::ExceedsMaximumUse => "5",
            SegmentError::NotInTransactionSet => "6",
            SegmentError::OutOfSequence => "7",
            SegmentError::ElementErrors => "8",
        }
    }
}

/// AK403, code list 723: what is wrong with an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementError {
    MandatoryMissing,
    ConditionalMissing,
    TooManyElements,
    TooShort,
    TooLong,
    InvalidCharacter,
    InvalidCode,
    InvalidDate,
    InvalidTime,
    ExclusionViolated,
    /// 005010 on.
    TooManyRepetitions,
    /// 005010 on.
    TooManyComponents,
}

impl ElementError {
    pub const ALL: [ElementError; 12] = [
        ElementError::MandatoryMissing,
        ElementError::ConditionalMissing,
        ElementError::TooManyElements,
        ElementError::TooShort,
        ElementError::TooLong,
        ElementError::InvalidCharacter,
        ElementError::InvalidCode,
        ElementError::InvalidDate,
        ElementError::InvalidTime,
        ElementError::ExclusionViolated,
        ElementError::TooManyRepetitions,
        ElementError::TooManyComponents,
    ];

    /// The AK403 value.
    pub fn code(self) -> &'static str {
        match self {
            ElementError::MandatoryMissing => "1",
            ElementError::ConditionalMissing => "2",
            ElementError::TooManyElements => "3",
            ElementError::TooShort => "4",
            ElementError::TooLong => "5",
            ElementError::InvalidCharacter => "6",
            ElementError::InvalidCode => "7",
            ElementError::InvalidDate => "8",
            ElementError::InvalidTime => "9",
            ElementError::ExclusionViolated => "10",
            ElementError::TooManyRepetitions => "12",
            ElementError::TooManyComponents => "13",
        }
    }
}

/// Where in a segment an element finding sits, and what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementPlace {
    /// AK401-1: one-based element position.
    pub position: u32,
    /// AK401-2: one-based component position inside a composite.
    pub component: Option<u32>,
    /// AK401-3 (005010): one-based repetition, for repeating elements.
    pub repetition: Option<u32>,
    /// AK402: the data element reference number (empty for a composite as a whole).
    pub reference: String,
    pub error: ElementError,
}

/// One thing wrong with a transaction set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// AK301: the segment the finding is about (for a missing segment: the one missing).
    pub segment_id: String,
    /// AK302: position in the set, ST = 1 (for a missing segment: the segment where its
    /// absence was noticed).
    pub position: u32,
    /// AK303: the innermost loop the segment is in, if any.
    pub loop_id: Option<String>,
    /// AK304 for a segment-level finding; None when the finding is about an element (the
    /// 997 then reports the segment with AK304 8).
    pub segment_error: Option<SegmentError>,
    /// The element, for element-level findings.
    pub element: Option<ElementPlace>,
    /// The offending value (AK404), when there is one.
    pub value: Option<String>,
    pub severity: Severity,
    /// Byte offset in the input of the segment or element.
    pub offset: u64,
    /// What is wrong, for a business reader.
    pub message: String,
    /// For a finding of a rule beyond the standard (a partner's implementation guide): its id,
    /// and whether it rejects the set or only notes an error. None for the standard's own.
    pub extra_rule: Option<ExtraRule>,
}

/// A rule beyond the standard whose finding is reported like the standard's, in the 997.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraRule {
    pub id: String,
    pub rejects: bool,
}

impl Finding {
    /// The AK304 or AK403 code.
    pub fn code(&self) -> &'static str {
        match (&self.element, self.segment_error) {
            (Some(e), _) => e.error.code(),
            (None, Some(s)) => s.code(),
            (None, None) => SegmentError::ElementErrors.code(),
        }
    }

    /// `BEG03`, `REF04-2`, or `BEG` for a segment-level finding.
    pub fn place(&self) -> String {
        match &self.element {
            None => self.segment_id.clone(),
            Some(e) => {
                let mut s = format!("{}{:02}", self.segment_id, e.position);
                if let Some(c) = e.component {
                    s.push_str(&format!("-{c}"));
                }
                s
            }
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at segment {} ({}), byte {}: {}",
            self.severity.as_str(),
            self.position,
            self.place(),
            self.offset,
            self.message
        )
    }
}

/// Which findings reject a set. The default is the standard's: every syntax error rejects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Segment errors (AK304) that only note an error (AK501 E) instead of rejecting the set.
    pub note_only_segment: Vec<SegmentError>,
    /// Element errors (AK403) that only note an error.
    pub note_only_element: Vec<ElementError>,
}

impl Policy {
    /// Whether an error-severity finding rejects its set under this policy.
    pub fn rejects(&self, finding: &Finding) -> bool {
        if finding.severity != Severity::Error {
            return false;
        }
        if let Some(rule) = &finding.extra_rule {
            return rule.rejects;
        }
        match (&finding.element, finding.segment_error) {
            (Some(e), _) => !self.note_only_element.contains(&e.error),
            (None, Some(s)) => !self.note_only_segment.contains(&s),
            (None, None) => true,
        }
    }
}

#[cfg(test)]
mod tests;
