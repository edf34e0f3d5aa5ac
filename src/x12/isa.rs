//! Reading the ISA interchange header, which declares the delimiters of everything after it.
//!
//! ```text
//! ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*>~
//!    ^3                                                                             ^82                   ^104
//!                                                                                                          ^105
//! ```
//! The standard fixes every field's width, so the element separator is byte 3, the
//! repetition separator byte 82, the component separator byte 104 and the segment terminator
//! byte 105. Real senders get the widths wrong often enough (a 16-character ISA08, one-space
//! ISA02, no-break-space padding, a line break inside a field) that reading by position alone
//! would take garbage for delimiters. So: when the separators are where the layout says, use
//! the layout; otherwise find the fields by counting element separators, take the component
//! separator from ISA16 and the terminator right after it, and say so in a warning.

use super::datetime;
use super::delimiters::Delimiters;
use super::diagnostic::{Diagnostic, Problem, show, show_byte};

/// Fixed widths of ISA01..ISA16.
pub const ISA_WIDTHS: [usize; 16] = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];
/// Length of a standard ISA segment including its terminator.
pub const ISA_LEN: usize = 106;
/// How far to look for the 16 elements of a malformed ISA before giving up on it.
const ISA_MAX_LEN: usize = 512;

/// A party in the ISA: interchange id qualifier (ISA05/07) and id (ISA06/08), trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartyId {
    pub qualifier: String,
    pub id: String,
}

/// The ISA header's values, trimmed of padding, plus the delimiters it declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeHeader {
    pub authorization_qualifier: String,
    pub authorization: String,
    pub security_qualifier: String,
    pub security: String,
    pub sender: PartyId,
    pub receiver: PartyId,
    /// ISA09, YYMMDD.
    pub date: String,
    /// ISA10, HHMM.
    pub time: String,
    /// ISA11 as found: the repetition separator (00402+) or the standards identifier `U`.
    pub standards_id: String,
    /// ISA12, e.g. `00401`.
    pub version: String,
    /// ISA13, as found (nine digits when well formed).
    pub control_number: String,
    /// ISA14: `1` asks for a TA1.
    pub ack_requested: String,
    /// ISA15: P production, T test, I information.
    pub usage: String,
    pub delimiters: Delimiters,
    /// Byte offset of the `I` of `ISA`.
    pub offset: u64,
}

/// The outcome of reading an ISA at the start of a buffer.
#[derive(Debug)]
pub enum IsaRead {
    /// More bytes are needed to decide (only when the input is not at its end).
    Incomplete,
    /// A usable header; `len` bytes (the ISA and its terminator) were read. The segment's
    /// elements are `input[4..len - 1]`.
    Header {
        header: Box<InterchangeHeader>,
        len: usize,
        diagnostics: Vec<Diagnostic>,
    },
    /// The ISA cannot be used: its delimiters cannot be determined.
    Unusable(Diagnostic),
    /// The ISA sits at its fixed layout, so its fields can be read, but the delimiters it
    /// declares cannot be used: the interchange can be answered (a TA1 with note 026 or
    /// 027) but not read. `len` bytes are the ISA.
    Refused {
        header: Box<InterchangeHeader>,
        len: usize,
        diagnostic: Diagnostic,
    },
}

fn trim_padding(mut v: &[u8]) -> &[u8] {
    loop {
        v = v.trim_ascii();
        if let Some(rest) = v.strip_prefix(&[0xC2, 0xA0]) {
            v = rest;
        } else if let Some(rest) = v.strip_suffix(&[0xC2, 0xA0]) {
            v = rest;
        } else {
            return v;
        }
    }
}

fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(trim_padding(v)).into_owned()
}

/// Separator positions of the fixed layout: byte 3 and the byte after each field but ISA16.
fn fixed_separator_positions() -> impl Iterator<Item = usize> {
    ISA_WIDTHS[..15].iter().scan(3usize, |pos, w| {
        let here = *pos;
        *pos += w + 1;
        Some(here)
    })
}

/// Reads the ISA at the start of `input` (which begins with `ISA`). `offset` is the absolute
/// position of `input[0]`; `eof` says whether more bytes may follow `input`.
pub fn read_isa(input: &[u8], offset: u64, eof: bool) -> IsaRead {
    let unusable = |at: usize, msg: String, problem: Problem| {
        IsaRead::Unusable(
            Diagnostic::new(problem, offset + at as u64, msg).at_segment(b"ISA", None),
        )
    };
    if input.len() < 4 {
        return if eof {
            unusable(
                0,
                "the input ends inside the ISA header".into(),
                Problem::Delimiters,
            )
        } else {
            IsaRead::Incomplete
        };
    }
    let sep = input[3];
    if sep.is_ascii_alphanumeric() || sep.is_ascii_whitespace() {
        return unusable(
            3,
            format!(
                "the element separator (byte 3 of the ISA) is {}, which cannot be a delimiter; \
                 the file does not start with a usable ISA header",
                show_byte(sep)
            ),
            Problem::Delimiters,
        );
    }

    // Whether the ISA has its fixed layout is decided on its first ISA_LEN bytes: wait for
    // them, or a streamed read could count separators where the whole input would not.
    if !eof && input.len() < ISA_LEN {
        return IsaRead::Incomplete;
    }
    let fixed = input.len() >= ISA_LEN
        && fixed_separator_positions().all(|p| input[p] == sep)
        && input[104] != sep
        && input[105] != sep;
    // Field spans (start, end) within `input`.
    let mut fields = [(0usize, 0usize); 16];
    let mut diagnostics = Vec::new();
    let term_at;
    if fixed {
        let mut start = 4;
        for (i, w) in ISA_WIDTHS.iter().enumerate() {
            fields[i] = (start, start + w);
            start += w + 1;
        }
        term_at = 105;
    } else {
        // Count separators: ISA01..ISA15 end at the next separator; ISA16 is one byte.
        let limit = input.len().min(ISA_MAX_LEN);
        let mut start = 4;
        for (i, field) in fields.iter_mut().enumerate().take(15) {
            match memchr::memchr(sep, &input[start..limit]) {
                Some(n) => {
                    *field = (start, start + n);
                    start += n + 1;
                }
                None if !eof && input.len() < ISA_MAX_LEN => return IsaRead::Incomplete,
                None => {
                    return unusable(
                        start,
                        format!(
                            "the ISA header has only {} of its 16 elements (separator {}) \
                             within {} bytes; the file does not start with a usable ISA",
                            i + 1,
                            show_byte(sep),
                            limit
                        ),
                        Problem::Delimiters,
                    );
                }
            }
        }
        if input.len() < start + 2 {
            return if eof {
                unusable(
                    start,
                    "the input ends inside the ISA header".into(),
                    Problem::Delimiters,
                )
            } else {
                IsaRead::Incomplete
            };
        }
        fields[15] = (start, start + 1);
        term_at = start + 1;
        diagnostics.push(
            Diagnostic::new(
                Problem::IsaNotFixedWidth,
                offset,
                format!(
                    "the ISA is not at its fixed 106-byte layout (ISA16 is at byte {start}, \
                     not 104); delimiters were found by counting element separators"
                ),
            )
            .at_segment(b"ISA", None),
        );
    }

    let field = |i: usize| &input[fields[i].0..fields[i].1];
    let component = field(15)[0];
    let terminator = input[term_at];
    let header_of = |delimiters: Delimiters, repetition_field: &[u8]| InterchangeHeader {
        authorization_qualifier: text(field(0)),
        authorization: text(field(1)),
        security_qualifier: text(field(2)),
        security: text(field(3)),
        sender: PartyId {
            qualifier: text(field(4)),
            id: text(field(5)),
        },
        receiver: PartyId {
            qualifier: text(field(6)),
            id: text(field(7)),
        },
        date: text(field(8)),
        time: text(field(9)),
        standards_id: text(repetition_field),
        version: text(field(11)),
        control_number: text(field(12)),
        ack_requested: text(field(13)),
        usage: text(field(14)),
        delimiters,
        offset,
    };
    // A header at its fixed layout can be answered even when its delimiters are unusable.
    let refuse = |at: usize, message: String, problem: Problem, delimiters: Delimiters| {
        let diagnostic =
            Diagnostic::new(problem, offset + at as u64, message).at_segment(b"ISA", None);
        if fixed {
            IsaRead::Refused {
                header: Box::new(header_of(delimiters, field(10))),
                len: term_at + 1,
                diagnostic,
            }
        } else {
            IsaRead::Unusable(diagnostic)
        }
    };
    if terminator.is_ascii_alphanumeric() || terminator == b' ' {
        // The message quotes what follows; wait for it so it reads the same however the
        // input arrives.
        if !eof && input.len() < term_at + 12 {
            return IsaRead::Incomplete;
        }
        let after = &input[term_at..input.len().min(term_at + 12)];
        return refuse(
            term_at,
            format!(
                "no usable segment terminator: ISA16 {} is followed directly by '{}'; the \
                 sender must end every segment with a terminator that is not a letter or digit",
                show_byte(component),
                show(after)
            ),
            Problem::SegmentTerminator,
            Delimiters {
                element: sep,
                component,
                repetition: None,
                segment: terminator,
            },
        );
    }

    let version = field(11);
    let isa11 = field(10);
    let version_num = std::str::from_utf8(version)
        .ok()
        .and_then(|v| v.parse::<u32>().ok());
    let mut repetition = None;
    if version_num.is_some_and(|v| v >= 402) {
        match isa11 {
            [r] if !r.is_ascii_alphanumeric() && *r != b' ' => repetition = Some(*r),
            _ => diagnostics.push(
                Diagnostic::new(
                    Problem::IsaStandardsIdentifier,
                    offset + fields[10].0 as u64,
                    format!(
                        "ISA12 is {} so ISA11 should be the repetition separator, but it is '{}'; \
                         repetitions will not be split",
                        show(version),
                        show(isa11)
                    ),
                )
                .at_segment(b"ISA", None)
                .at_element(11),
            ),
        }
    } else if isa11 != b"U" {
        diagnostics.push(
            Diagnostic::new(
                Problem::IsaStandardsIdentifier,
                offset + fields[10].0 as u64,
                format!(
                    "ISA11 is '{}'; before version 00402 it must be the standards identifier 'U'",
                    show(isa11)
                ),
            )
            .at_segment(b"ISA", None)
            .at_element(11),
        );
    }

    let delimiters = Delimiters {
        element: sep,
        component,
        repetition,
        segment: terminator,
    };
    if let Err(why) = delimiters.check() {
        // ISA16 is the component separator: when it is the one at fault, TA1 note 027.
        let component_at_fault = component.is_ascii_alphanumeric()
            || component.is_ascii_whitespace()
            || component == sep
            || component == terminator;
        let problem = if component_at_fault {
            Problem::ComponentSeparator
        } else {
            Problem::Delimiters
        };
        return refuse(
            fields[15].0,
            format!("the ISA declares unusable delimiters: {why}"),
            problem,
            delimiters,
        );
    }

    check_fields(input, &fields, offset, &mut diagnostics);

    let header = header_of(delimiters, isa11);
    IsaRead::Header {
        header: Box::new(header),
        len: term_at + 1,
        diagnostics,
    }
}

/// Field-level checks: widths (recovered, so warnings), padding, and the values that have a
/// fixed form (errors, each with its TA1 note code).
fn check_fields(
    input: &[u8],
    fields: &[(usize, usize); 16],
    offset: u64,
    out: &mut Vec<Diagnostic>,
) {
    let at = |i: usize, problem: Problem, msg: String| {
        Diagnostic::new(problem, offset + fields[i].0 as u64, msg)
            .at_segment(b"ISA", None)
            .at_element(i as u32 + 1)
    };
    let mut wrong_widths = Vec::new();
    for (i, &(s, e)) in fields.iter().enumerate() {
        let v = &input[s..e];
        if e - s != ISA_WIDTHS[i] {
            wrong_widths.push(format!(
                "ISA{:02} is {} bytes (expected {})",
                i + 1,
                e - s,
                ISA_WIDTHS[i]
            ));
        }
        if v.contains(&b'\n') || v.contains(&b'\r') {
            out.push(at(
                i,
                Problem::IsaLineBreak,
                format!("ISA{:02} contains a line break: '{}'", i + 1, show(v)),
            ));
        }
        if v.windows(2).any(|w| w == [0xC2, 0xA0]) {
            out.push(at(
                i,
                Problem::IsaNonAsciiPadding,
                format!(
                    "ISA{:02} is padded with no-break spaces (C2 A0), not ASCII spaces",
                    i + 1
                ),
            ));
        }
    }
    if !wrong_widths.is_empty() {
        out.push(
            Diagnostic::new(
                Problem::IsaFieldWidth,
                offset,
                format!("ISA field widths are wrong: {}", wrong_widths.join(", ")),
            )
            .at_segment(b"ISA", None),
        );
    }

    let raw = |i: usize| &input[fields[i].0..fields[i].1];
    let trimmed = |i: usize| trim_padding(raw(i));
    let two_alnum = |v: &[u8]| v.len() == 2 && v.iter().all(u8::is_ascii_alphanumeric);
    let component = raw(15).first().copied();
    let repetition = raw(10)
        .first()
        .copied()
        .filter(|b| !b.is_ascii_alphanumeric());
    let id_character =
        |b: u8| (b' '..=b'~').contains(&b) && Some(b) != component && Some(b) != repetition;
    for (i, problem, what) in [
        (
            0,
            Problem::IsaAuthorizationQualifier,
            "authorization information qualifier",
        ),
        (
            2,
            Problem::IsaSecurityQualifier,
            "security information qualifier",
        ),
        (4, Problem::IsaSenderQualifier, "sender id qualifier"),
        (6, Problem::IsaReceiverQualifier, "receiver id qualifier"),
    ] {
        if !two_alnum(trimmed(i)) {
            out.push(at(
                i,
                problem,
                format!(
                    "ISA{:02} ({what}) must be two letters or digits, found '{}'",
                    i + 1,
                    show(raw(i))
                ),
            ));
        }
    }
    // ISA01 and ISA03 take codes from two short lists the control standard fixes (I01,
    // I03); the id qualifiers (I05) are an open list, checked for their form only.
    for (i, problem, what, codes) in [
        (
            0,
            Problem::IsaAuthorizationQualifier,
            "authorization information qualifier",
            &["00", "01", "02", "03", "04", "05", "06"][..],
        ),
        (
            2,
            Problem::IsaSecurityQualifier,
            "security information qualifier",
            &["00", "01"][..],
        ),
    ] {
        let value = trimmed(i);
        if two_alnum(value) && !codes.iter().any(|c| c.as_bytes() == value) {
            out.push(at(
                i,
                problem,
                format!(
                    "ISA{:02} ({what}) '{}' is not one of the standard's codes ({})",
                    i + 1,
                    show(value),
                    codes.join(", ")
                ),
            ));
        }
    }
    for (i, problem, what) in [
        (5, Problem::IsaSenderId, "interchange sender id"),
        (7, Problem::IsaReceiverId, "interchange receiver id"),
    ] {
        if trimmed(i).is_empty() {
            out.push(at(i, problem, format!("ISA{:02} ({what}) is empty", i + 1)));
        } else if let Some(&b) = trimmed(i).iter().find(|&&b| !id_character(b)) {
            // The reply is addressed to this id: a byte no interchange can carry (or one
            // that is a delimiter here) would be dropped from it and misroute the reply.
            // No-break padding around the id has its own warning above.
            out.push(at(
                i,
                problem,
                format!(
                    "ISA{:02} ({what}) '{}' holds byte 0x{b:02X}, which is not a printable \
                     ASCII character allowed in an id",
                    i + 1,
                    show(raw(i))
                ),
            ));
        }
    }
    if !datetime::is_yymmdd(raw(8)) {
        out.push(at(
            8,
            Problem::IsaDate,
            format!("ISA09 must be a date YYMMDD, found '{}'", show(raw(8))),
        ));
    }
    if !datetime::is_hhmm(raw(9)) {
        out.push(at(
            9,
            Problem::IsaTime,
            format!("ISA10 must be a time HHMM, found '{}'", show(raw(9))),
        ));
    }
    if !(raw(11).len() == 5 && raw(11).iter().all(u8::is_ascii_digit)) {
        out.push(at(
            11,
            Problem::IsaVersion,
            format!(
                "ISA12 must be a five-digit version such as 00401, found '{}'",
                show(raw(11))
            ),
        ));
    }
    let control = trimmed(12);
    if !(control.len() == 9 && control.iter().all(u8::is_ascii_digit)) {
        out.push(at(
            12,
            Problem::IsaControlNumber,
            format!(
                "ISA13 must be a nine-digit control number, found '{}'",
                show(raw(12))
            ),
        ));
    }
    if !matches!(trimmed(13), b"0" | b"1") {
        out.push(at(
            13,
            Problem::IsaAckRequested,
            format!(
                "ISA14 (acknowledgment requested) must be 0 or 1, found '{}'",
                show(raw(13))
            ),
        ));
    }
    if !matches!(trimmed(14), b"P" | b"T" | b"I") {
        out.push(at(
            14,
            Problem::IsaUsage,
            format!("ISA15 (usage) must be P, T or I, found '{}'", show(raw(14))),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANDARD: &[u8] = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*>~GS*";

    fn header(input: &[u8]) -> (InterchangeHeader, usize, Vec<Diagnostic>) {
        match read_isa(input, 0, true) {
            IsaRead::Header {
                header,
                len,
                diagnostics,
            } => (*header, len, diagnostics),
            other => panic!("expected a header, got {other:?}"),
        }
    }

    #[test]
    fn fixed_layout() {
        let (h, len, diags) = header(STANDARD);
        assert_eq!(len, 106);
        assert_eq!(h.delimiters, Delimiters::COMMON);
        assert_eq!(h.sender.id, "SENDER");
        assert_eq!(h.control_number, "000000001");
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn ids_a_reply_cannot_carry_are_refused() {
        // ISA06 of bytes outside ASCII, ISA08 holding the component separator: a reply
        // addressed to them would lose those bytes, so both are envelope errors.
        let mut isa = STANDARD.to_vec();
        isa[35..41].copy_from_slice(b"S\xADND\xD6R");
        isa[54..62].copy_from_slice(b"RECE>VER");
        let (_, _, diags) = header(&isa);
        let problems: Vec<_> = diags.iter().map(|d| d.problem).collect();
        assert_eq!(problems, [Problem::IsaSenderId, Problem::IsaReceiverId]);
        assert!(diags[0].message.contains("0xAD"), "{}", diags[0].message);
        assert!(diags[1].message.contains("0x3E"), "{}", diags[1].message);
    }

    #[test]
    fn repetition_only_from_00402() {
        let mut isa = STANDARD.to_vec();
        isa[84..89].copy_from_slice(b"00401");
        let (h, _, diags) = header(&isa);
        assert_eq!(h.delimiters.repetition, None);
        assert_eq!(diags[0].problem, Problem::IsaStandardsIdentifier);
        isa[82] = b'U';
        let (h, _, diags) = header(&isa);
        assert_eq!(h.delimiters.repetition, None);
        assert!(diags.is_empty());
    }

    #[test]
    fn long_isa08_is_recovered() {
        let isa = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER        *240101*1200*U*00401*000000001*0*P*>~";
        let (h, len, diags) = header(isa);
        assert_eq!(len, isa.len());
        assert_eq!(h.delimiters.component, b'>');
        assert_eq!(h.delimiters.segment, b'~');
        assert!(diags.iter().any(|d| d.problem == Problem::IsaNotFixedWidth));
        assert!(
            diags
                .iter()
                .any(|d| d.problem == Problem::IsaFieldWidth && d.message.contains("ISA08 is 16"))
        );
    }

    #[test]
    fn terminator_letter_is_refused_with_the_header_read() {
        let isa = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00401*000000001*0*P*>GS*PO";
        match read_isa(isa, 0, true) {
            IsaRead::Refused {
                header,
                len,
                diagnostic,
            } => {
                assert!(
                    diagnostic.message.contains("no usable segment terminator"),
                    "{}",
                    diagnostic.message
                );
                assert_eq!(diagnostic.problem, Problem::SegmentTerminator);
                assert_eq!(header.control_number, "000000001");
                assert_eq!(len, 106);
            }
            other => panic!("{other:?}"),
        }
        // Off its fixed layout, the fields cannot be trusted: nothing to answer.
        let shifted = b"ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*240101*1200*U*00401*000000001*0*P*>GS*PO";
        assert!(matches!(read_isa(shifted, 0, true), IsaRead::Unusable(_)));
    }

    #[test]
    fn incomplete_until_eof() {
        assert!(matches!(
            read_isa(&STANDARD[..50], 0, false),
            IsaRead::Incomplete
        ));
        assert!(matches!(
            read_isa(&STANDARD[..50], 0, true),
            IsaRead::Unusable(_)
        ));
    }
}
