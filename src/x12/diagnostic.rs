//! Diagnostics: what the syntax engine found wrong (or merely odd) in an interchange.
//!
//! Bad content is data, not an error: every problem becomes a [`Diagnostic`] that says what,
//! where (byte offset, segment, element) and carries the X12 code a later acknowledgement
//! needs — a TA1 note code (I18 / TA105) for interchange problems, an AK905 code for
//! functional-group problems, an AK502 code for transaction-set problems.

use std::fmt;

/// How bad a finding is. Errors make the envelope unsound (`edigate parse` exits 1); warnings
/// are deviations we tolerate and report, such as a short ISA field or a byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// The acknowledgement code a finding maps to, so that TA1 and 997 builders need no second
/// opinion about what went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AckCode {
    /// TA105, interchange note code (code list I18), e.g. `"001"`.
    InterchangeNote(&'static str),
    /// AK905, functional group syntax error code (code list 716).
    Group(&'static str),
    /// AK502, transaction set syntax error code (code list 718).
    TransactionSet(&'static str),
}

impl AckCode {
    /// The element that carries the code in the acknowledgement.
    pub fn element(self) -> &'static str {
        match self {
            AckCode::InterchangeNote(_) => "TA105",
            AckCode::Group(_) => "AK905",
            AckCode::TransactionSet(_) => "AK502",
        }
    }

    pub fn value(self) -> &'static str {
        match self {
            AckCode::InterchangeNote(c) | AckCode::Group(c) | AckCode::TransactionSet(c) => c,
        }
    }
}

impl fmt::Display for AckCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.element(), self.value())
    }
}

macro_rules! problems {
    ($( $(#[$doc:meta])* $variant:ident => $code:literal, $level:ident, $ack:expr; )*) => {
        /// Every kind of problem the syntax engine reports. The `code` string is stable and
        /// is what scripts should match on; the message carries the particulars.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Problem {
            $( $(#[$doc])* $variant, )*
        }

        impl Problem {
            /// Stable identifier, e.g. `"isa_iea_control_number_mismatch"`.
            pub fn code(self) -> &'static str {
                match self { $( Problem::$variant => $code, )* }
            }

            /// The level this problem has unless the engine says otherwise.
            pub fn default_level(self) -> Level {
                match self { $( Problem::$variant => Level::$level, )* }
            }

            /// The TA1 / AK905 / AK502 code a later acknowledgement reports it with, if the
            /// standard has one.
            pub fn ack_code(self) -> Option<AckCode> {
                #[allow(unused_imports)]
                use AckCode::*;
                match self { $( Problem::$variant => $ack, )* }
            }

            /// Every problem kind, for documentation and exhaustive tests.
            pub const ALL: &'static [Problem] = &[ $( Problem::$variant, )* ];
        }
    };
}

problems! {
    // --- reading the ISA header -------------------------------------------------------
    /// A UTF-8 byte-order mark precedes the ISA.
    ByteOrderMark => "byte_order_mark", Warning, None;
    /// Whitespace precedes the ISA.
    LeadingWhitespace => "leading_whitespace", Warning, None;
    /// The ISA is not at its fixed 106-byte layout; delimiters were found by counting
    /// element separators instead.
    IsaNotFixedWidth => "isa_not_fixed_width", Warning, Some(InterchangeNote("022"));
    /// An ISA field has the wrong width (recovered).
    IsaFieldWidth => "isa_field_width", Warning, None;
    /// ISA padded with something other than ASCII spaces (e.g. no-break spaces).
    IsaNonAsciiPadding => "isa_non_ascii_padding", Warning, None;
    /// A line break inside an ISA field.
    IsaLineBreak => "isa_line_break", Warning, Some(InterchangeNote("022"));
    /// ISA01 / ISA03 not a known qualifier.
    IsaAuthorizationQualifier => "isa01_invalid", Error, Some(InterchangeNote("010"));
    IsaSecurityQualifier => "isa03_invalid", Error, Some(InterchangeNote("012"));
    /// ISA05 / ISA07 empty or not two characters.
    IsaSenderQualifier => "isa05_invalid", Error, Some(InterchangeNote("005"));
    IsaSenderId => "isa06_invalid", Error, Some(InterchangeNote("006"));
    IsaReceiverQualifier => "isa07_invalid", Error, Some(InterchangeNote("007"));
    IsaReceiverId => "isa08_invalid", Error, Some(InterchangeNote("008"));
    /// ISA09 is not a valid YYMMDD date.
    IsaDate => "isa09_invalid_date", Error, Some(InterchangeNote("014"));
    /// ISA10 is not a valid HHMM time.
    IsaTime => "isa10_invalid_time", Error, Some(InterchangeNote("015"));
    /// ISA11 is neither a repetition separator (00402+) nor the standards identifier `U`.
    IsaStandardsIdentifier => "isa11_invalid", Warning, Some(InterchangeNote("016"));
    /// ISA12 is not a five-digit version.
    IsaVersion => "isa12_invalid", Error, Some(InterchangeNote("017"));
    /// ISA13 is not nine digits.
    IsaControlNumber => "isa13_invalid", Error, Some(InterchangeNote("018"));
    /// ISA14 is not 0 or 1.
    IsaAckRequested => "isa14_invalid", Error, Some(InterchangeNote("019"));
    /// ISA15 is not P, T or I.
    IsaUsage => "isa15_invalid", Error, Some(InterchangeNote("020"));
    /// The input does not start with an ISA (after any BOM and whitespace), or is empty:
    /// there is no interchange to read and no header to answer with a TA1.
    NoInterchangeHeader => "isa_missing", Error, None;
    /// A delimiter is a letter, digit or otherwise unusable, or two delimiters coincide.
    Delimiters => "delimiters_invalid", Error, Some(InterchangeNote("026"));
    /// The byte after ISA16, the segment terminator, is a letter, digit or space.
    SegmentTerminator => "segment_terminator_invalid", Error, Some(InterchangeNote("004"));
    /// ISA16, the component separator, is a letter, digit or space, or equals another
    /// delimiter.
    ComponentSeparator => "component_separator_invalid", Error, Some(InterchangeNote("027"));

    // --- interchange structure ----------------------------------------------------------
    /// IEA02 differs from ISA13.
    InterchangeControlMismatch => "isa_iea_control_number_mismatch", Error, Some(InterchangeNote("001"));
    /// IEA01 differs from the number of functional groups.
    GroupCountMismatch => "iea01_group_count_mismatch", Error, Some(InterchangeNote("021"));
    /// End of input inside an interchange: IEA missing.
    InterchangeTrailerMissing => "iea_missing", Error, Some(InterchangeNote("023"));
    /// A segment where the envelope does not allow it (data between GE and GS, an SE with
    /// no ST, bytes after IEA that are not an ISA, ...).
    UnexpectedSegment => "unexpected_segment", Error, Some(InterchangeNote("024"));
    /// Content outside any interchange that is not whitespace.
    OutsideInterchange => "data_outside_interchange", Error, Some(InterchangeNote("022"));
    /// Spaces or tabs before segment ids (pretty-printed files); tolerated.
    IndentedSegments => "indented_segments", Warning, None;
    /// Empty segments (blank lines when the terminator is a newline); skipped.
    EmptySegment => "empty_segment", Warning, None;
    /// The last segment of the input has no terminator.
    UnterminatedSegment => "unterminated_segment", Warning, None;
    /// A segment is longer than the engine's limit: the terminator is probably wrong.
    SegmentTooLong => "segment_too_long", Error, Some(InterchangeNote("004"));
    /// A segment id that is not two or three letters and digits.
    BadSegmentId => "bad_segment_id", Error, Some(TransactionSet("5"));
    /// A line break inside a segment whose terminator is not a line break: probably a
    /// segment that ends with the wrong terminator.
    LineBreakInSegment => "line_break_in_segment", Warning, None;

    // --- functional groups ----------------------------------------------------------------
    /// GE missing before the next GS, IEA or end of input.
    GroupTrailerMissing => "ge_missing", Error, Some(Group("3"));
    /// GE02 differs from GS06.
    GroupControlMismatch => "gs_ge_control_number_mismatch", Error, Some(Group("4"));
    /// GE01 differs from the number of transaction sets.
    SetCountMismatch => "ge01_set_count_mismatch", Error, Some(Group("5"));
    /// GS06 is not 1-9 digits.
    GroupControlSyntax => "gs06_invalid", Error, Some(Group("6"));
    /// GS06 repeats within the interchange.
    DuplicateGroup => "duplicate_group_control_number", Error, Some(Group("19"));
    // The 997 has no AK905 code for a malformed GS; the TA1 has one: 024, "Invalid
    // Interchange Content (e.g., Invalid GS Segment)".
    /// GS04 is not a valid date (CCYYMMDD from 004000 on, YYMMDD before).
    GroupDate => "gs04_invalid_date", Error, Some(InterchangeNote("024"));
    /// GS05 is not a valid time.
    GroupTime => "gs05_invalid_time", Error, Some(InterchangeNote("024"));
    /// GS01, GS02, GS03, GS07 or GS08 empty.
    GroupHeaderField => "gs_field_missing", Error, Some(InterchangeNote("024"));

    // --- transaction sets -----------------------------------------------------------------
    /// SE missing before the next ST, GE, IEA or end of input.
    SetTrailerMissing => "se_missing", Error, Some(TransactionSet("2"));
    /// SE02 differs from ST02.
    SetControlMismatch => "st_se_control_number_mismatch", Error, Some(TransactionSet("3"));
    /// SE01 differs from the number of segments ST..SE.
    SegmentCountMismatch => "se01_segment_count_mismatch", Error, Some(TransactionSet("4"));
    /// ST01 is missing or not a three-digit transaction set id.
    SetIdentifier => "st01_invalid", Error, Some(TransactionSet("6"));
    /// ST02 is missing or not 4-9 characters.
    SetControlSyntax => "st02_invalid", Error, Some(TransactionSet("7"));
    /// ST02 repeats within the functional group.
    DuplicateSet => "duplicate_transaction_set_control_number", Error, Some(TransactionSet("23"));
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One finding, with its exact position in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub problem: Problem,
    pub level: Level,
    /// Byte offset in the input (from its very first byte, BOM included).
    pub offset: u64,
    /// Segment id the finding is about, when there is one (`"ISA"`, `"SE"`, ...).
    pub segment: Option<String>,
    /// Position of that segment in its transaction set (ST = 1), when it is inside one.
    pub position: Option<u32>,
    /// Element position within the segment (ISA13 → 13).
    pub element: Option<u32>,
    /// A sentence a person can act on: what was found, what was expected.
    pub message: String,
    /// The acknowledgement code when it is not the problem's usual one (it depends on the
    /// version for a few problems).
    pub ack: Option<AckCode>,
}

impl Diagnostic {
    pub fn new(problem: Problem, offset: u64, message: impl Into<String>) -> Self {
        Diagnostic {
            problem,
            level: problem.default_level(),
            offset,
            segment: None,
            position: None,
            element: None,
            message: message.into(),
            ack: None,
        }
    }

    /// Reported with `ack` instead of the problem's usual acknowledgement code.
    pub fn with_ack(mut self, ack: AckCode) -> Self {
        self.ack = Some(ack);
        self
    }

    pub fn at_segment(mut self, id: &[u8], position: Option<u32>) -> Self {
        self.segment = Some(String::from_utf8_lossy(id).into_owned());
        self.position = position;
        self
    }

    pub fn at_element(mut self, element: u32) -> Self {
        self.element = Some(element);
        self
    }

    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    pub fn code(&self) -> &'static str {
        self.problem.code()
    }

    pub fn ack_code(&self) -> Option<AckCode> {
        self.ack.or(self.problem.ack_code())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.level.as_str(), self.offset)?;
        if let Some(seg) = &self.segment {
            write!(f, ", {seg}")?;
            if let Some(e) = self.element {
                write!(f, "{e:02}")?;
            }
            if let Some(p) = self.position {
                write!(f, " (segment {p} of its transaction set)")?;
            }
        }
        write!(f, ": {} [{}", self.message, self.problem.code())?;
        if let Some(ack) = self.ack_code() {
            write!(f, ", {ack}")?;
        }
        f.write_str("]")
    }
}

/// Renders bytes from the input for a message: printable ASCII as is, the rest escaped, so a
/// stray control character or no-break space is visible rather than garbling the terminal.
/// Long values are cut at 80 bytes.
pub fn show(bytes: &[u8]) -> String {
    let mut s = escape(&bytes[..bytes.len().min(80)]);
    if bytes.len() > 80 {
        s.push('…');
    }
    s
}

/// Like [`show`], whole: for listing segments.
pub fn escape(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02X}")),
        }
    }
    s
}

/// Renders one delimiter byte for a message.
pub fn show_byte(b: u8) -> String {
    format!("'{}'", show(&[b]))
}
