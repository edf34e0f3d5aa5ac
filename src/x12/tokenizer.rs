//! The zero-copy tokenizer: segments, elements, repetitions and components borrowed from the
//! input, each knowing its byte offset.
//!
//! ```text
//! segment     = segment-id *( element-sep element ) segment-terminator [line-wrap]
//! segment-id  = 2*3( ALPHA / DIGIT )
//! element     = repetition *( repetition-sep repetition )      ; 00402 and later
//! repetition  = component *( component-sep component )
//! line-wrap   = *( CR / LF )                                    ; unless the terminator is one
//! ```
//! The grammar is parsed with nom in streaming mode, so that a chunked reader learns from
//! `Incomplete` that a segment runs past its buffer. Segment bodies are found with memchr;
//! elements are split lazily, only when someone asks for them.

use memchr::memchr;
use nom::bytes::streaming::take_while_m_n;
use nom::{IResult, Needed, Parser};

use super::delimiters::Delimiters;

/// One segment, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    /// Segment id, e.g. `b"BEG"`.
    pub id: &'a [u8],
    /// Everything between the segment id and the terminator, starting with the element
    /// separator (empty when the segment has no elements).
    pub body: &'a [u8],
    /// Byte offset of the segment id in the input.
    pub offset: u64,
    /// Position in its transaction set (ST = 1); 0 for envelope segments outside a set.
    pub position: u32,
    pub delimiters: Delimiters,
}

/// One element: the value between two element separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element<'a> {
    pub value: &'a [u8],
    /// 1-based position in the segment (BEG03 → 3).
    pub index: u32,
    pub offset: u64,
}

/// A component of a composite element or of one repetition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Component<'a> {
    pub value: &'a [u8],
    /// 1-based position in the composite.
    pub index: u32,
    pub offset: u64,
}

impl<'a> Segment<'a> {
    /// The segment id as text (ids are ASCII by construction, or reported as bad).
    pub fn id_str(&self) -> &'a str {
        std::str::from_utf8(self.id).unwrap_or("?")
    }

    /// The elements in order, empty ones included.
    pub fn elements(&self) -> Elements<'a> {
        Elements {
            rest: self.body.get(1..),
            sep: self.delimiters.element,
            index: 0,
            offset: self.offset + self.id.len() as u64 + 1,
        }
    }

    /// Element `n` (1-based), if present.
    pub fn element(&self, n: u32) -> Option<Element<'a>> {
        self.elements().nth(n.checked_sub(1)? as usize)
    }

    /// The value of element `n`, or empty when the segment is shorter.
    pub fn value(&self, n: u32) -> &'a [u8] {
        self.element(n).map_or(&[], |e| e.value)
    }

    /// The values of elements 1..=N in one pass, empty where the segment is shorter. For
    /// envelope segments, whose few elements are all read.
    pub fn first_values<const N: usize>(&self) -> [&'a [u8]; N] {
        let mut out: [&'a [u8]; N] = [&[]; N];
        for (slot, e) in out.iter_mut().zip(self.elements()) {
            *slot = e.value;
        }
        out
    }

    /// Number of elements (a trailing empty element counts).
    pub fn element_count(&self) -> usize {
        if self.body.is_empty() {
            0
        } else {
            memchr::memchr_iter(self.delimiters.element, self.body).count()
        }
    }

    /// The whole segment text without its terminator.
    pub fn len(&self) -> usize {
        self.id.len() + self.body.len()
    }

    pub fn is_empty(&self) -> bool {
        self.id.is_empty() && self.body.is_empty()
    }
}

/// Iterator over a segment's elements.
#[derive(Debug, Clone)]
pub struct Elements<'a> {
    rest: Option<&'a [u8]>,
    sep: u8,
    index: u32,
    offset: u64,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Element<'a>;

    fn next(&mut self) -> Option<Element<'a>> {
        let rest = self.rest?;
        self.index += 1;
        let offset = self.offset;
        let value = match memchr(self.sep, rest) {
            Some(n) => {
                self.rest = Some(&rest[n + 1..]);
                self.offset += n as u64 + 1;
                &rest[..n]
            }
            None => {
                self.rest = None;
                rest
            }
        };
        Some(Element {
            value,
            index: self.index,
            offset,
        })
    }
}

impl<'a> Element<'a> {
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Repetitions of this element (one when the interchange has no repetition separator).
    pub fn repetitions(&self, d: &Delimiters) -> impl Iterator<Item = Element<'a>> + use<'a> {
        split(self.value, d.repetition, self.offset).map(|(value, index, offset)| Element {
            value,
            index,
            offset,
        })
    }

    /// Components of this element, read as a composite.
    pub fn components(&self, d: &Delimiters) -> impl Iterator<Item = Component<'a>> + use<'a> {
        split(self.value, Some(d.component), self.offset).map(|(value, index, offset)| Component {
            value,
            index,
            offset,
        })
    }
}

fn split(value: &[u8], sep: Option<u8>, offset: u64) -> impl Iterator<Item = (&[u8], u32, u64)> {
    let mut rest = Some(value);
    let mut index = 0u32;
    let mut at = offset;
    std::iter::from_fn(move || {
        let r = rest?;
        index += 1;
        let here = at;
        let cut = sep.and_then(|s| memchr(s, r));
        let piece = match cut {
            Some(n) => {
                rest = Some(&r[n + 1..]);
                at += n as u64 + 1;
                &r[..n]
            }
            None => {
                rest = None;
                r
            }
        };
        Some((piece, index, here))
    })
}

/// What [`next_segment`] found at the start of its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawSegment<'a> {
    pub id: &'a [u8],
    pub body: &'a [u8],
    /// Bytes skipped before the segment id (line-wrap suffix of the previous segment,
    /// indentation, blank lines).
    pub skipped: usize,
    /// Whether any space or tab was among the skipped bytes.
    pub indented: bool,
    /// Whether the segment was closed by the terminator (false only at end of input).
    pub terminated: bool,
    /// Where the first CR or LF inside the segment is, counted from its id; always `None`
    /// when the terminator is itself CR or LF.
    pub line_break: Option<usize>,
}

fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// `segment-id`, streaming: needs to see the byte after the id to know it has ended.
fn segment_id(input: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while_m_n(2, 3, is_id_byte).parse(input)
}

/// A segment's text without its terminator, and where a CR or LF inside it is.
type SegmentText<'a> = (&'a [u8], Option<usize>);

/// The text of a segment up to (not including) its terminator, with the position of the
/// first CR or LF inside it. A line break inside a segment is how a sender's wrong terminator
/// shows, so it is looked for in the same pass as the terminator, which costs next to nothing;
/// a terminator that is itself CR or LF cannot tell, and is searched alone.
fn segment_body(terminator: u8) -> impl Fn(&[u8]) -> IResult<&[u8], SegmentText<'_>> {
    move |input: &[u8]| {
        let incomplete = || Err(nom::Err::Incomplete(Needed::Unknown));
        if matches!(terminator, b'\n' | b'\r') {
            return match memchr(terminator, input) {
                Some(n) => Ok((&input[n + 1..], (&input[..n], None))),
                None => incomplete(),
            };
        }
        match memchr::memchr3(terminator, b'\n', b'\r', input) {
            Some(n) if input[n] == terminator => Ok((&input[n + 1..], (&input[..n], None))),
            Some(n) => match memchr(terminator, &input[n..]) {
                Some(m) => Ok((&input[n + m + 1..], (&input[..n + m], Some(n)))),
                None => incomplete(),
            },
            None => incomplete(),
        }
    }
}

/// Bytes that may stand between segments: the line-wrap suffix and, tolerated from
/// pretty-printed files, indentation. A newline terminator is never skipped here: two in a
/// row make an empty segment.
#[inline]
fn is_between_segments(b: u8, terminator: u8) -> bool {
    matches!(b, b'\r' | b'\n' | b' ' | b'\t') && b != terminator
}

/// Reads one segment at the start of `input`. Returns the segment and the number of bytes it
/// took (skipped bytes + segment + terminator), or `None` when `input` holds no complete
/// segment yet: when `eof` is false the caller should read more, otherwise whatever is left
/// is returned as an unterminated segment (or `None` when only whitespace is left).
///
/// A segment whose id is not 2-3 letters/digits is still returned (id = the bytes before the
/// first separator, at most the whole body); deciding what that means is the envelope's job.
#[inline]
pub fn next_segment<'a>(
    input: &'a [u8],
    d: &Delimiters,
    eof: bool,
) -> Option<(RawSegment<'a>, usize)> {
    let skipped = input
        .iter()
        .position(|&b| !is_between_segments(b, d.segment))
        .unwrap_or(input.len());
    let indented = input[..skipped].iter().any(|&b| b == b' ' || b == b'\t');
    let rest = &input[skipped..];
    if rest.is_empty() {
        return None;
    }
    let (after, body_with_id, terminated, line_break) = match segment_body(d.segment)(rest) {
        Ok((after, (body, line_break))) => (after, body, true, line_break),
        Err(_) if eof => {
            let line_break = if matches!(d.segment, b'\n' | b'\r') {
                None
            } else {
                memchr::memchr2(b'\n', b'\r', rest)
            };
            (&rest[rest.len()..], rest, false, line_break)
        }
        Err(_) => return None,
    };
    let taken = input.len() - after.len();
    // A newline terminator written as CR LF: the CR belongs to the terminator, not the data.
    let body_with_id = match body_with_id {
        [text @ .., b'\r'] if d.segment == b'\n' => text,
        text => text,
    };
    let (id, body) = split_id(body_with_id, d.element);
    Some((
        RawSegment {
            id,
            body,
            skipped,
            indented,
            terminated,
            line_break,
        },
        taken,
    ))
}

/// Splits a segment's text into its id and the rest, starting at the element separator.
fn split_id(text: &[u8], sep: u8) -> (&[u8], &[u8]) {
    match segment_id(text) {
        Ok((rest, id)) if rest.first() == Some(&sep) => (id, rest),
        // Complete input: an id followed by nothing is a segment without elements.
        Err(nom::Err::Incomplete(_)) if text.len() >= 2 => (text, &[]),
        _ => match memchr(sep, text) {
            Some(n) => (&text[..n], &text[n..]),
            None => (text, &[]),
        },
    }
}

/// Whether a segment id is well formed: two or three letters or digits.
pub fn is_valid_id(id: &[u8]) -> bool {
    (2..=3).contains(&id.len()) && id.iter().all(|&b| is_id_byte(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Delimiters = Delimiters::COMMON;

    fn seg(text: &[u8]) -> Segment<'_> {
        let (raw, _) = next_segment(text, &D, true).unwrap();
        Segment {
            id: raw.id,
            body: raw.body,
            offset: raw.skipped as u64,
            position: 0,
            delimiters: D,
        }
    }

    #[test]
    fn elements_with_offsets() {
        let s = seg(b"\r\nBEG*00*SA**PO1~");
        assert_eq!(s.id, b"BEG");
        assert_eq!(s.offset, 2);
        let els: Vec<_> = s.elements().map(|e| (e.value, e.index, e.offset)).collect();
        assert_eq!(
            els,
            vec![
                (&b"00"[..], 1, 6),
                (&b"SA"[..], 2, 9),
                (&b""[..], 3, 12),
                (&b"PO1"[..], 4, 13)
            ]
        );
        assert_eq!(s.element_count(), 4);
    }

    #[test]
    fn components_and_repetitions() {
        let s = seg(b"AK4*1>2*66^77*1~");
        let e = s.element(1).unwrap();
        let comps: Vec<_> = e.components(&D).map(|c| (c.value, c.offset)).collect();
        assert_eq!(comps, vec![(&b"1"[..], 4), (&b"2"[..], 6)]);
        let reps: Vec<_> = s
            .element(2)
            .unwrap()
            .repetitions(&D)
            .map(|r| r.value)
            .collect();
        assert_eq!(reps, vec![&b"66"[..], &b"77"[..]]);
    }

    #[test]
    fn incomplete_without_terminator() {
        assert!(next_segment(b"BEG*00*SA", &D, false).is_none());
        let (raw, taken) = next_segment(b"BEG*00*SA", &D, true).unwrap();
        assert!(!raw.terminated);
        assert_eq!(taken, 9);
    }

    #[test]
    fn line_break_inside_a_segment_is_located() {
        let (raw, taken) = next_segment(b"N1*SU*ACME$\nN3*MAIN ST~N4~", &D, false).unwrap();
        assert_eq!(raw.id, b"N1");
        assert_eq!(raw.line_break, Some(11));
        assert_eq!(taken, 23);
        let (raw, _) = next_segment(b"N4*X\r\n~", &D, false).unwrap();
        assert_eq!(raw.line_break, Some(4));
        let (raw, _) = next_segment(b"N4*COLUMBUS~\n", &D, false).unwrap();
        assert_eq!(
            raw.line_break, None,
            "the line wrap after a terminator is not inside"
        );
        let (raw, _) = next_segment(b"N4*COLUMBUS\nN3", &D, true).unwrap();
        assert_eq!((raw.terminated, raw.line_break), (false, Some(11)));
        let newline = Delimiters {
            segment: b'\n',
            ..D
        };
        let (raw, _) = next_segment(b"N4*X\r\n", &newline, false).unwrap();
        assert_eq!((raw.body, raw.line_break), (&b"*X"[..], None));
    }

    #[test]
    fn segment_without_elements() {
        let s = seg(b"LE~");
        assert_eq!(s.id, b"LE");
        assert_eq!(s.element_count(), 0);
        assert_eq!(s.element(1), None);
    }

    #[test]
    fn newline_terminator_keeps_blank_lines() {
        let d = Delimiters {
            segment: b'\n',
            ..D
        };
        let (raw, taken) = next_segment(b"\nST*850*1\n", &d, true).unwrap();
        assert_eq!(raw.id, b"");
        assert_eq!(taken, 1);
    }
}
