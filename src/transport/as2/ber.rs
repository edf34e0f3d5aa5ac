//! A small BER reader for the CMS structures AS2 receives (X.690), and a peek at a CMS
//! ContentInfo's type.
//!
//! Java products (BouncyCastle's streaming generators) send BER, not DER: indefinite lengths
//! closed by end-of-contents (`00 00`), and OCTET STRINGs cut into chunks inside a
//! constructed OCTET STRING, chunks which may themselves be constructed. This reader takes
//! both forms and DER alike. It borrows from the input, copies nothing unless chunks must be
//! joined, and knows the byte offset of everything it reads, so that an error can say where.
//!
//! Limits that keep a hostile input cheap: only the low-tag-number form (CMS uses no tag
//! above 30, so a high-tag-number form is refused by name rather than misread), lengths that
//! fit in the input, and nesting no deeper than [`MAX_DEPTH`]. Finding the end of an
//! indefinite length walks the element's children, so reading a whole input costs at most
//! its length times the depth.

use std::borrow::Cow;
use std::fmt;

/// Nesting deeper than this is refused. CMS with certificates inside goes about 15 deep;
/// the bound keeps recursion (an indefinite length's end is found recursively) off the
/// stack's limit and the cost of walking nested indefinite lengths linear.
pub const MAX_DEPTH: usize = 32;

/// What is wrong with a BER input, and at which byte of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BerError {
    /// The byte of the input where the fault was found.
    pub offset: usize,
    /// What was wrong, naming the byte offset.
    pub message: String,
}

fn error(offset: usize, message: impl fmt::Display) -> BerError {
    BerError {
        offset,
        message: format!("{message} at byte {offset}"),
    }
}

/// An identifier octet in the low-tag-number form: class, constructed bit, number 0-30.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag(pub u8);

impl Tag {
    pub const INTEGER: Tag = Tag(0x02);
    pub const OCTET_STRING: Tag = Tag(0x04);
    pub const NULL: Tag = Tag(0x05);
    pub const OID: Tag = Tag(0x06);
    pub const SEQUENCE: Tag = Tag(0x30);
    pub const SET: Tag = Tag(0x31);

    /// `[n]` context-specific and constructed, as an EXPLICIT tag always is.
    pub const fn explicit(number: u8) -> Tag {
        Tag(0xA0 | (number & 0x1F))
    }

    /// 0 universal, 1 application, 2 context-specific, 3 private.
    pub fn class(self) -> u8 {
        self.0 >> 6
    }

    pub fn constructed(self) -> bool {
        self.0 & 0x20 != 0
    }

    pub fn number(self) -> u8 {
        self.0 & 0x1F
    }

    /// The same class and number, constructed or not (BER lets a string be either).
    pub fn same_type(self, other: Tag) -> bool {
        self.0 & !0x20 == other.0 & !0x20
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 & !0x20 {
            0x01 => Some("BOOLEAN"),
            0x02 => Some("INTEGER"),
            0x03 => Some("BIT STRING"),
            0x04 => Some("OCTET STRING"),
            0x05 => Some("NULL"),
            0x06 => Some("OBJECT IDENTIFIER"),
            0x0C => Some("UTF8String"),
            0x10 => Some("SEQUENCE"),
            0x11 => Some("SET"),
            _ => None,
        };
        match (self.class(), name) {
            (0, Some(name)) => write!(f, "{name} (0x{:02X})", self.0),
            (2, _) => write!(f, "[{}] (0x{:02X})", self.number(), self.0),
            _ => write!(f, "tag 0x{:02X}", self.0),
        }
    }
}

/// An object identifier, as the content octets of its encoding (already checked well formed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Oid<'a>(pub &'a [u8]);

impl Oid<'static> {
    /// id-data, 1.2.840.113549.1.7.1
    pub const DATA: Oid<'static> = Oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01]);
    /// id-signedData, 1.2.840.113549.1.7.2
    pub const SIGNED_DATA: Oid<'static> =
        Oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]);
    /// id-envelopedData, 1.2.840.113549.1.7.3
    pub const ENVELOPED_DATA: Oid<'static> =
        Oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x03]);
    /// id-ct-compressedData, 1.2.840.113549.1.9.16.1.9 (RFC 3274)
    pub const COMPRESSED_DATA: Oid<'static> = Oid(&[
        0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x01, 0x09,
    ]);
    /// id-ct-authEnvelopedData, 1.2.840.113549.1.9.16.1.23 (RFC 5083)
    pub const AUTH_ENVELOPED_DATA: Oid<'static> = Oid(&[
        0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x01, 0x17,
    ]);
    /// id-alg-zlibCompress, 1.2.840.113549.1.9.16.3.8 (RFC 3274)
    pub const ZLIB_COMPRESS: Oid<'static> = Oid(&[
        0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x03, 0x08,
    ]);
}

impl Oid<'_> {
    /// The name CMS gives the OIDs this module knows.
    pub fn name(&self) -> Option<&'static str> {
        let known = [
            (Oid::DATA, "data"),
            (Oid::SIGNED_DATA, "signed-data"),
            (Oid::ENVELOPED_DATA, "enveloped-data"),
            (Oid::COMPRESSED_DATA, "compressed-data"),
            (Oid::AUTH_ENVELOPED_DATA, "auth-enveloped-data"),
            (Oid::ZLIB_COMPRESS, "zlib"),
        ];
        known
            .iter()
            .find(|(oid, _)| oid.0 == self.0)
            .map(|(_, name)| *name)
    }

    /// Dotted form followed by the name when known: `1.2.840.113549.1.7.2 (signed-data)`.
    pub fn describe(&self) -> String {
        match self.name() {
            Some(name) => format!("{self} ({name})"),
            None => self.to_string(),
        }
    }
}

impl fmt::Display for Oid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Arcs fit in u128: `Element::oid` refuses any arc of more than 18 bytes.
        let mut arc: u128 = 0;
        let mut first = true;
        for &b in self.0 {
            arc = (arc << 7) | u128::from(b & 0x7F);
            if b & 0x80 == 0 {
                if first {
                    let (x, y) = match arc {
                        0..=39 => (0, arc),
                        40..=79 => (1, arc - 40),
                        _ => (2, arc - 80),
                    };
                    write!(f, "{x}.{y}")?;
                    first = false;
                } else {
                    write!(f, ".{arc}")?;
                }
                arc = 0;
            }
        }
        Ok(())
    }
}

/// One element (tag, length, content) read from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element<'a> {
    pub tag: Tag,
    /// Offset of the identifier octet in the whole input.
    pub offset: usize,
    /// Offset of the first content octet in the whole input.
    pub content_offset: usize,
    /// The content octets; for an indefinite length, without the closing end-of-contents.
    pub content: &'a [u8],
    /// Whether the length was indefinite (BER) rather than definite.
    pub indefinite: bool,
    /// How deep the element sits: 0 for one read by [`Reader::new`]'s reader.
    pub depth: usize,
    input: &'a [u8],
}

impl<'a> Element<'a> {
    /// Offset just past the element, end-of-contents included.
    pub fn end(&self) -> usize {
        self.content_offset + self.content.len() + if self.indefinite { 2 } else { 0 }
    }

    /// A reader over the element's children; a primitive element has none and is an error.
    pub fn children(&self) -> Result<Reader<'a>, BerError> {
        if !self.tag.constructed() {
            return Err(error(
                self.offset,
                format!(
                    "expected a constructed element, found primitive {}",
                    self.tag
                ),
            ));
        }
        Ok(Reader {
            input: self.input,
            pos: self.content_offset,
            end: self.content_offset + self.content.len(),
            depth: self.depth + 1,
        })
    }

    /// The element read as an OBJECT IDENTIFIER.
    pub fn oid(&self) -> Result<Oid<'a>, BerError> {
        if self.tag != Tag::OID {
            return Err(error(
                self.offset,
                format!("expected an OBJECT IDENTIFIER, found {}", self.tag),
            ));
        }
        let bytes = self.content;
        if bytes.is_empty() || bytes[bytes.len() - 1] & 0x80 != 0 {
            return Err(error(
                self.offset,
                "malformed OBJECT IDENTIFIER (incomplete)",
            ));
        }
        let mut arc_len = 0;
        for (i, &b) in bytes.iter().enumerate() {
            // A leading 0x80 pads an arc (forbidden by X.690 8.19.2): two encodings of
            // one OID would compare different.
            if arc_len == 0 && b == 0x80 {
                return Err(error(
                    self.content_offset + i,
                    "malformed OBJECT IDENTIFIER (padded arc)",
                ));
            }
            arc_len += 1;
            if arc_len > 18 {
                return Err(error(
                    self.content_offset + i,
                    "OBJECT IDENTIFIER arc longer than 126 bits",
                ));
            }
            if b & 0x80 == 0 {
                arc_len = 0;
            }
        }
        Ok(Oid(bytes))
    }

    /// The element read as an OCTET STRING: its content when primitive, the chunks joined
    /// when constructed (borrowed when there is just one chunk).
    pub fn octet_string(&self) -> Result<Cow<'a, [u8]>, BerError> {
        let mut chunks = self.octet_string_chunks();
        let Some(first) = chunks.next().transpose()? else {
            return Ok(Cow::Borrowed(&[]));
        };
        let Some(second) = chunks.next().transpose()? else {
            return Ok(Cow::Borrowed(first.content));
        };
        let mut joined = [first.content, second.content].concat();
        for chunk in chunks {
            joined.extend_from_slice(chunk?.content);
        }
        Ok(Cow::Owned(joined))
    }

    /// The primitive OCTET STRINGs that make up this OCTET STRING, in order, one at a time
    /// (a list of them could take many times the input's size); each knows its offset, so a
    /// fault in the joined bytes can be traced back to the input.
    pub fn octet_string_chunks(&self) -> OctetChunks<'a> {
        OctetChunks {
            pending: Some(*self),
            open: Vec::new(),
        }
    }
}

/// The chunks of an OCTET STRING: see [`Element::octet_string_chunks`]. Ends after the
/// first error.
#[derive(Debug, Clone)]
pub struct OctetChunks<'a> {
    pending: Option<Element<'a>>,
    /// The constructed strings being read, outermost first; no more than [`MAX_DEPTH`],
    /// as their readers refuse to go deeper.
    open: Vec<Reader<'a>>,
}

impl<'a> Iterator for OctetChunks<'a> {
    type Item = Result<Element<'a>, BerError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let element = match self.pending.take() {
                Some(element) => element,
                None => match self.open.last_mut()?.read() {
                    Ok(Some(child)) => child,
                    Ok(None) => {
                        self.open.pop();
                        continue;
                    }
                    Err(e) => {
                        self.open.clear();
                        return Some(Err(e));
                    }
                },
            };
            if !element.tag.same_type(Tag::OCTET_STRING) {
                self.open.clear();
                return Some(Err(error(
                    element.offset,
                    format!("expected an OCTET STRING, found {}", element.tag),
                )));
            }
            match element.children() {
                Ok(children) => self.open.push(children),
                Err(_) => return Some(Ok(element)),
            }
        }
    }
}

/// Reads elements one after another from a span of the input.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    end: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader over the whole input; offsets count from its first byte.
    pub fn new(input: &'a [u8]) -> Reader<'a> {
        Reader {
            input,
            pos: 0,
            end: input.len(),
            depth: 0,
        }
    }

    /// Offset of the next byte to read.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// What is left of the span, unread.
    pub fn rest(&self) -> &'a [u8] {
        &self.input[self.pos..self.end]
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    /// The next element, or None at the end of the span.
    pub fn read(&mut self) -> Result<Option<Element<'a>>, BerError> {
        if self.is_empty() {
            return Ok(None);
        }
        let span = &self.input[..self.end];
        let element = read_element(span, self.pos, self.depth)?;
        self.pos = element.end();
        Ok(Some(Element {
            input: self.input,
            ..element
        }))
    }

    /// The next element, which must be there and carry `tag` (`what` names it in errors).
    pub fn expect(&mut self, tag: Tag, what: &str) -> Result<Element<'a>, BerError> {
        let at = self.pos;
        match self.read()? {
            Some(e) if e.tag == tag => Ok(e),
            Some(e) => Err(error(
                e.offset,
                format!("expected {what} ({tag}), found {}", e.tag),
            )),
            None => Err(error(at, format!("expected {what} ({tag}), found the end"))),
        }
    }

    /// Fails unless the span has been read to its end (`what` names the enclosing element).
    pub fn finish(&self, what: &str) -> Result<(), BerError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(error(self.pos, format!("unexpected data after the {what}")))
        }
    }
}

/// Identifier and length octets at `pos`: the tag, the content length (None when
/// indefinite) and the offset of the first content octet. Checks nothing about the content.
pub fn read_header(input: &[u8], pos: usize) -> Result<(Tag, Option<usize>, usize), BerError> {
    let Some(&id) = input.get(pos) else {
        return Err(error(pos, "truncated: expected an element, the input ends"));
    };
    if id & 0x1F == 0x1F {
        return Err(error(
            pos,
            format!("high-tag-number form (identifier 0x{id:02X}): CMS uses none, not read"),
        ));
    }
    let tag = Tag(id);
    let Some(&first) = input.get(pos + 1) else {
        return Err(error(pos + 1, "truncated: the input ends before a length"));
    };
    if id == 0 {
        // Universal 0 is end-of-contents, which only closes an indefinite length; the
        // caller looks for it there before asking for a header.
        return Err(error(
            pos,
            "end-of-contents where no indefinite length is open",
        ));
    }
    match first {
        0x00..=0x7F => Ok((tag, Some(usize::from(first)), pos + 2)),
        0x80 if tag.constructed() => Ok((tag, None, pos + 2)),
        0x80 => Err(error(
            pos + 1,
            format!("indefinite length on primitive {tag}"),
        )),
        0xFF => Err(error(pos + 1, "reserved length octet 0xFF")),
        _ => {
            let n = usize::from(first & 0x7F);
            if n > std::mem::size_of::<usize>() {
                return Err(error(pos + 1, format!("length in {n} octets is too large")));
            }
            let Some(octets) = input.get(pos + 2..pos + 2 + n) else {
                return Err(error(pos + 1, "truncated: the input ends inside a length"));
            };
            let len = octets
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            Ok((tag, Some(len), pos + 2 + n))
        }
    }
}

/// The element at `pos`, its content ending within `input`.
fn read_element(input: &[u8], pos: usize, depth: usize) -> Result<Element<'_>, BerError> {
    if depth > MAX_DEPTH {
        return Err(error(
            pos,
            format!("elements nested deeper than {MAX_DEPTH}"),
        ));
    }
    let (tag, len, start) = read_header(input, pos)?;
    let content_end = match len {
        Some(len) => {
            let available = input.len() - start;
            if len > available {
                return Err(BerError {
                    offset: pos,
                    message: format!(
                        "truncated: {tag} at byte {pos} says {len} bytes of content, \
                         {available} follow"
                    ),
                });
            }
            start + len
        }
        None => find_end_of_contents(input, pos, start, depth)?,
    };
    Ok(Element {
        tag,
        offset: pos,
        content_offset: start,
        content: &input[start..content_end],
        indefinite: len.is_none(),
        depth,
        input,
    })
}

/// The offset of the end-of-contents that closes the indefinite length of the element at
/// `element`, whose content starts at `start`.
fn find_end_of_contents(
    input: &[u8],
    element: usize,
    start: usize,
    depth: usize,
) -> Result<usize, BerError> {
    let mut pos = start;
    loop {
        match input.get(pos..pos + 2) {
            Some([0, 0]) => return Ok(pos),
            Some(_) => pos = read_element(input, pos, depth + 1)?.end(),
            None => {
                return Err(error(
                    element,
                    "truncated: no end-of-contents closes the indefinite length",
                ));
            }
        }
    }
}

/// Which kind of CMS ContentInfo an input holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentKind {
    Data,
    SignedData,
    EnvelopedData,
    AuthEnvelopedData,
    CompressedData,
    /// Any other content type, in dotted form.
    Other(String),
}

/// Which kind of CMS ContentInfo `der_or_ber` is, read from its contentType alone: the outer
/// SEQUENCE's header and the OBJECT IDENTIFIER that starts it. The rest is left to whatever
/// reads that kind (so a truncated message still says what it was meant to be).
pub fn content_type(der_or_ber: &[u8]) -> Result<ContentKind, BerError> {
    let (oid, _) = content_type_oid(der_or_ber)?;
    Ok(match oid {
        o if o == Oid::DATA => ContentKind::Data,
        o if o == Oid::SIGNED_DATA => ContentKind::SignedData,
        o if o == Oid::ENVELOPED_DATA => ContentKind::EnvelopedData,
        o if o == Oid::AUTH_ENVELOPED_DATA => ContentKind::AuthEnvelopedData,
        o if o == Oid::COMPRESSED_DATA => ContentKind::CompressedData,
        other => ContentKind::Other(other.to_string()),
    })
}

/// The contentType OID of a ContentInfo and its offset, reading no further than its end.
pub fn content_type_oid(der_or_ber: &[u8]) -> Result<(Oid<'_>, usize), BerError> {
    let (tag, _, start) = read_header(der_or_ber, 0)?;
    if tag != Tag::SEQUENCE {
        return Err(error(
            0,
            format!("expected a CMS ContentInfo (a SEQUENCE), found {tag}"),
        ));
    }
    // The OID is read as if it were the whole input's last element, which bounds it by the
    // input rather than by an outer length that may be indefinite.
    let oid = read_element(der_or_ber, start, 1)?;
    if oid.tag != Tag::OID {
        return Err(error(
            oid.offset,
            format!(
                "expected the ContentInfo's contentType (OBJECT IDENTIFIER), found {}",
                oid.tag
            ),
        ));
    }
    Ok((oid.oid()?, oid.offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_oids_print_dotted() {
        assert_eq!(Oid::DATA.to_string(), "1.2.840.113549.1.7.1");
        assert_eq!(Oid::SIGNED_DATA.to_string(), "1.2.840.113549.1.7.2");
        assert_eq!(Oid::ENVELOPED_DATA.to_string(), "1.2.840.113549.1.7.3");
        assert_eq!(
            Oid::COMPRESSED_DATA.to_string(),
            "1.2.840.113549.1.9.16.1.9"
        );
        assert_eq!(
            Oid::AUTH_ENVELOPED_DATA.to_string(),
            "1.2.840.113549.1.9.16.1.23"
        );
        assert_eq!(Oid::ZLIB_COMPRESS.to_string(), "1.2.840.113549.1.9.16.3.8");
        assert_eq!(
            Oid::SIGNED_DATA.describe(),
            "1.2.840.113549.1.7.2 (signed-data)"
        );
        // The first two arcs share a byte; under the 2 root the second may pass 39.
        let e = Reader::new(&[0x06, 0x03, 0x88, 0x37, 0x01])
            .read()
            .unwrap()
            .unwrap();
        assert_eq!(e.oid().unwrap().to_string(), "2.999.1");
    }

    #[test]
    fn bad_oids_are_refused() {
        for bad in [
            &[0x06, 0x00][..],
            &[0x06, 0x01, 0x81],
            &[0x06, 0x02, 0x80, 0x01],
        ] {
            let e = Reader::new(bad).read().unwrap().unwrap();
            assert!(e.oid().is_err(), "{bad:02X?}");
        }
        let long = [[0x06, 20].as_slice(), &[0xFF; 19], &[0x01]].concat();
        let e = Reader::new(&long).read().unwrap().unwrap();
        assert!(e.oid().unwrap_err().message.contains("126 bits"));
    }

    #[test]
    fn definite_and_indefinite_lengths() {
        // SEQUENCE { NULL, OCTET STRING "ab" } three ways: short, long and indefinite.
        let short = [0x30, 0x06, 0x05, 0x00, 0x04, 0x02, b'a', b'b'];
        let long = [0x30, 0x82, 0x00, 0x06, 0x05, 0x00, 0x04, 0x02, b'a', b'b'];
        let indefinite = [0x30, 0x80, 0x05, 0x00, 0x04, 0x02, b'a', b'b', 0x00, 0x00];
        for input in [&short[..], &long, &indefinite] {
            let mut top = Reader::new(input);
            let seq = top.expect(Tag::SEQUENCE, "a sequence").unwrap();
            assert_eq!(seq.end(), input.len());
            top.finish("sequence").unwrap();
            let mut children = seq.children().unwrap();
            children.expect(Tag::NULL, "null").unwrap();
            let s = children.expect(Tag::OCTET_STRING, "string").unwrap();
            assert_eq!(&*s.octet_string().unwrap(), b"ab");
            assert_eq!(
                s.content_offset,
                input.len() - 2 - usize::from(seq.indefinite) * 2
            );
            assert!(children.read().unwrap().is_none());
        }
    }

    #[test]
    fn constructed_octet_strings_are_joined_with_offsets() {
        // 24 80 { 04 01 'a', 24 03 { 04 01 'b' }, 24 80 { 04 02 'cd' } 00 00 } 00 00
        let input = [
            0x24, 0x80, 0x04, 0x01, b'a', 0x24, 0x03, 0x04, 0x01, b'b', 0x24, 0x80, 0x04, 0x02,
            b'c', b'd', 0x00, 0x00, 0x00, 0x00,
        ];
        let e = Reader::new(&input).read().unwrap().unwrap();
        assert_eq!(&*e.octet_string().unwrap(), b"abcd");
        let offsets: Vec<usize> = e
            .octet_string_chunks()
            .map(|c| c.unwrap().content_offset)
            .collect();
        assert_eq!(offsets, [4, 9, 14]);
        // A chunk of another type is refused.
        let bad = [0x24, 0x03, 0x05, 0x01, 0x00];
        let e = Reader::new(&bad).read().unwrap().unwrap();
        let err = e.octet_string().unwrap_err();
        assert_eq!(err.offset, 2);
        assert!(
            err.message.contains("expected an OCTET STRING, found NULL"),
            "{err}"
        );
    }

    #[test]
    fn malformed_headers_are_refused_with_offsets() {
        let cases: &[(&[u8], usize, &str)] = &[
            (&[0x1F, 0x81, 0x00, 0x00], 0, "high-tag-number form"),
            (&[0x30], 1, "before a length"),
            (
                &[0x04, 0x80, 0x00, 0x00],
                1,
                "indefinite length on primitive",
            ),
            (&[0x04, 0xFF], 1, "reserved length"),
            (&[0x04, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1, "too large"),
            (&[0x04, 0x82, 0x01], 1, "inside a length"),
            (&[0x04, 0x05, 0x00], 0, "says 5 bytes of content, 1 follow"),
            (&[0x30, 0x80, 0x05, 0x00], 0, "no end-of-contents"),
            (&[0x00, 0x00], 0, "end-of-contents where no indefinite"),
            (
                &[0x30, 0x02, 0x00, 0x00],
                2,
                "end-of-contents where no indefinite",
            ),
        ];
        for (input, offset, text) in cases {
            let result = Reader::new(input)
                .read()
                .and_then(|e| e.unwrap().children()?.read().map(|_| ()));
            let err = result.unwrap_err();
            assert_eq!(err.offset, *offset, "{input:02X?}: {err}");
            assert!(err.message.contains(text), "{input:02X?}: {err}");
            assert!(err.message.contains(&format!("at byte {offset}")), "{err}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        // Deeply nested indefinite lengths: refused by depth, not by a stack overflow.
        let n = 100_000;
        let input = [[0x30, 0x80].repeat(n), vec![0x00; 2 * n]].concat();
        let err = Reader::new(&input).read().unwrap_err();
        assert!(err.message.contains("nested deeper"), "{err}");
        // Definite lengths are only bounded as they are read, one level at a time.
        let mut nested = vec![0x05, 0x00];
        for _ in 0..(MAX_DEPTH + 5) {
            nested = [vec![0x30, nested.len() as u8], nested].concat();
        }
        let mut element = Reader::new(&nested).read().unwrap().unwrap();
        let err = loop {
            match element.children().and_then(|mut c| c.read()) {
                Ok(Some(child)) if child.tag == Tag::SEQUENCE => element = child,
                Ok(_) => panic!("reached the bottom"),
                Err(err) => break err,
            }
        };
        assert!(err.message.contains("nested deeper"), "{err}");
    }

    #[test]
    fn content_types() {
        let info = |oid: Oid<'_>| {
            let mut v = vec![0x30, 0x80, 0x06, oid.0.len() as u8];
            v.extend_from_slice(oid.0);
            v.extend_from_slice(&[0xA0, 0x80]); // the content, cut off: not read
            v
        };
        assert_eq!(content_type(&info(Oid::DATA)), Ok(ContentKind::Data));
        assert_eq!(
            content_type(&info(Oid::SIGNED_DATA)),
            Ok(ContentKind::SignedData)
        );
        assert_eq!(
            content_type(&info(Oid::ENVELOPED_DATA)),
            Ok(ContentKind::EnvelopedData)
        );
        assert_eq!(
            content_type(&info(Oid::AUTH_ENVELOPED_DATA)),
            Ok(ContentKind::AuthEnvelopedData)
        );
        assert_eq!(
            content_type(&info(Oid::COMPRESSED_DATA)),
            Ok(ContentKind::CompressedData)
        );
        assert_eq!(
            content_type(&info(Oid::ZLIB_COMPRESS)),
            Ok(ContentKind::Other("1.2.840.113549.1.9.16.3.8".into()))
        );
        let err = content_type(b"Content-Type: text/plain\r\n").unwrap_err();
        assert_eq!(err.offset, 0);
        let err = content_type(&[0x30, 0x03, 0x02, 0x01, 0x00]).unwrap_err();
        assert_eq!(err.offset, 2);
        assert!(err.message.contains("contentType"), "{err}");
        for len in 0..info(Oid::DATA).len() - 2 {
            assert!(content_type(&info(Oid::DATA)[..len]).is_err());
        }
    }
}
