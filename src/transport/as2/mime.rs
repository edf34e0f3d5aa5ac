//! MIME on raw bytes, as AS2 needs it: an entity's headers and body found without copying
//! or re-encoding anything, so that a signature can be checked over exactly the bytes the
//! sender signed (RFC 4130 §7.3.1 and the MIC over "the headers and body as sent").
//!
//! OpenSSL's own reader (SMIME_read_CMS) turns bare line feeds into CRLF inside binary
//! multipart/signed content and so breaks signatures Java products make; hence this.
//! Lenient where senders differ in practice (line ends of LF only, folded headers, quoted or
//! bare parameters, any case), strict where a wrong guess would change the bytes: a part is
//! the exact span between its delimiters.

use std::fmt;

/// Headers longer than this, all together, are refused: no sender needs more, and a
/// stream of header bytes must not grow without end.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// One header: its name as sent, its value unfolded (continuation line breaks removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// A MIME entity: its headers, its body, and the raw bytes both came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity<'a> {
    pub headers: Vec<Header>,
    /// The body as sent (not decoded from its Content-Transfer-Encoding).
    pub body: &'a [u8],
    /// The whole entity, headers and body, exactly as sent.
    pub raw: &'a [u8],
}

/// What is wrong with a MIME entity, and at which byte of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MimeError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for MimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for MimeError {}

fn error(offset: usize, message: impl Into<String>) -> MimeError {
    MimeError {
        offset,
        message: message.into(),
    }
}

impl<'a> Entity<'a> {
    /// Reads the headers of `raw` up to the empty line that ends them; the rest is the body.
    /// An entity with no empty line is all headers and an empty body only when it ends
    /// right after a header line; otherwise it is refused (its body could not be found).
    pub fn parse(raw: &'a [u8]) -> Result<Entity<'a>, MimeError> {
        let mut headers: Vec<Header> = Vec::new();
        let mut at = 0;
        loop {
            if at > MAX_HEADER_BYTES {
                return Err(error(
                    at,
                    format!("the headers are longer than {MAX_HEADER_BYTES} bytes"),
                ));
            }
            let Some(line_end) = memchr::memchr(b'\n', &raw[at..]).map(|i| at + i) else {
                if at == raw.len() {
                    return Ok(Entity {
                        headers,
                        body: &raw[at..],
                        raw,
                    });
                }
                return Err(error(
                    at,
                    "the headers do not end: no empty line before the body",
                ));
            };
            let line = trim_cr(&raw[at..line_end]);
            let next = line_end + 1;
            if line.is_empty() {
                return Ok(Entity {
                    headers,
                    body: &raw[next..],
                    raw,
                });
            }
            if matches!(line[0], b' ' | b'\t') {
                // A folded header goes on; the line break is not part of the value.
                let Some(last) = headers.last_mut() else {
                    return Err(error(at, "a continuation line comes before any header"));
                };
                last.value.push(' ');
                last.value.push_str(text(line).trim());
            } else {
                let Some(colon) = memchr::memchr(b':', line) else {
                    return Err(error(
                        at,
                        format!("'{}' is not a header (no colon)", text(line)),
                    ));
                };
                let name = text(&line[..colon]).trim().to_owned();
                if name.is_empty() || name.contains(char::is_whitespace) {
                    return Err(error(at, format!("'{}' is not a header name", name)));
                }
                headers.push(Header {
                    name,
                    value: text(&line[colon + 1..]).trim().to_owned(),
                });
            }
            at = next;
        }
    }

    /// The value of the first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// The Content-Type; `text/plain` when there is none (RFC 2045 §5.2).
    pub fn content_type(&self) -> Result<ContentType, MimeError> {
        match self.header("content-type") {
            Some(value) => ContentType::parse(value).map_err(|m| error(0, m)),
            None => Ok(ContentType {
                mime_type: "text/plain".into(),
                params: vec![("charset".into(), "us-ascii".into())],
            }),
        }
    }

    /// The body decoded from its Content-Transfer-Encoding. None given means binary: the
    /// body as it is (what AS2 products send; RFC 4130 §5.2).
    pub fn decoded_body(&self) -> Result<Vec<u8>, MimeError> {
        let encoding = self
            .header("content-transfer-encoding")
            .map(|v| v.trim().to_ascii_lowercase());
        match encoding.as_deref() {
            None | Some("binary" | "8bit" | "7bit") => Ok(self.body.to_vec()),
            Some("base64") => decode_base64(self.body),
            Some("quoted-printable") => Ok(decode_quoted_printable(self.body)),
            Some(other) => Err(error(
                0,
                format!("Content-Transfer-Encoding '{other}' is not one MIME defines"),
            )),
        }
    }

    /// The parts of a multipart body, each an entity of its own over the exact bytes
    /// between its delimiters.
    pub fn parts(&self) -> Result<Vec<Entity<'a>>, MimeError> {
        let content_type = self.content_type()?;
        if !content_type.mime_type.starts_with("multipart/") {
            return Err(error(
                0,
                format!("{} is not a multipart type", content_type.mime_type),
            ));
        }
        let boundary = content_type.param("boundary").ok_or_else(|| {
            error(
                0,
                format!("{} without a boundary parameter", content_type.mime_type),
            )
        })?;
        let offset = self.raw.len() - self.body.len();
        split_multipart(self.body, boundary)
            .map_err(|e| error(e.offset + offset, e.message))?
            .into_iter()
            .map(|(start, part)| {
                Entity::parse(part).map_err(|e| error(offset + start + e.offset, e.message))
            })
            .collect()
    }
}

/// A Content-Type: the type in lower case and its parameters (names in lower case, values
/// unquoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    pub mime_type: String,
    pub params: Vec<(String, String)>,
}

impl ContentType {
    pub fn parse(value: &str) -> Result<ContentType, String> {
        let (mime_type, mut rest) = match value.find(';') {
            Some(i) => (&value[..i], &value[i + 1..]),
            None => (value, ""),
        };
        let mime_type = mime_type.trim().to_ascii_lowercase();
        if !mime_type.contains('/') {
            return Err(format!("Content-Type '{value}' has no type/subtype"));
        }
        let mut params = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ';');
            if rest.is_empty() {
                break;
            }
            let Some(eq) = rest.find('=') else {
                return Err(format!(
                    "Content-Type '{value}': parameter '{}' has no value",
                    rest.trim()
                ));
            };
            let name = rest[..eq].trim().to_ascii_lowercase();
            rest = rest[eq + 1..].trim_start();
            let param_value;
            if let Some(quoted) = rest.strip_prefix('"') {
                let mut unquoted = String::new();
                let mut chars = quoted.char_indices();
                let mut end = None;
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some((_, escaped)) = chars.next() {
                                unquoted.push(escaped);
                            }
                        }
                        '"' => {
                            end = Some(i + 1);
                            break;
                        }
                        c => unquoted.push(c),
                    }
                }
                let Some(end) = end else {
                    return Err(format!(
                        "Content-Type '{value}': the value of {name} is not closed by a quote"
                    ));
                };
                param_value = unquoted;
                rest = &quoted[end..];
            } else {
                let end = rest.find(';').unwrap_or(rest.len());
                param_value = rest[..end].trim().to_owned();
                rest = &rest[end..];
            }
            params.push((name, param_value));
        }
        Ok(ContentType { mime_type, params })
    }

    /// The value of parameter `name` (any case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The parts of a multipart `body` (RFC 2046 §5.1.1), each with its offset in `body`: the
/// bytes after a delimiter line up to the line break before the next delimiter, which
/// belongs to that delimiter, not to the part. Preamble and epilogue are dropped. A
/// delimiter is "--" and the boundary at the start of a line, followed by "--" for the last
/// one, or by white space and the line's end.
pub fn split_multipart<'a>(
    body: &'a [u8],
    boundary: &str,
) -> Result<Vec<(usize, &'a [u8])>, MimeError> {
    if boundary.is_empty() || boundary.len() > 70 {
        return Err(error(
            0,
            format!(
                "the boundary '{boundary}' must be 1 to 70 characters (RFC 2046), it is {}",
                boundary.len()
            ),
        ));
    }
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    // Where the current part began (after its delimiter line), once one has.
    let mut open: Option<usize> = None;
    let mut search = 0;
    let finder = memchr::memmem::Finder::new(delimiter);
    while let Some(found) = finder.find(&body[search..]).map(|i| search + i) {
        search = found + delimiter.len();
        let at_line_start = found == 0 || body[found - 1] == b'\n';
        if !at_line_start {
            continue;
        }
        let after = &body[found + delimiter.len()..];
        let closing = after.starts_with(b"--");
        let rest = if closing { &after[2..] } else { after };
        // The delimiter line may carry trailing white space (transport padding), then ends.
        let padding = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        let line_end = match rest.get(padding) {
            Some(b'\n') => Some(padding + 1),
            Some(b'\r') if rest.get(padding + 1) == Some(&b'\n') => Some(padding + 2),
            None => Some(padding),
            _ => None,
        };
        let Some(line_end) = line_end else {
            // "--boundaryX": a longer boundary, or text; not a delimiter.
            continue;
        };
        if let Some(start) = open {
            // The line break before the delimiter is the delimiter's.
            let mut end = found;
            if end > start && body[end - 1] == b'\n' {
                end -= 1;
                if end > start && body[end - 1] == b'\r' {
                    end -= 1;
                }
            }
            parts.push((start, &body[start..end.max(start)]));
        }
        let next = found + delimiter.len() + if closing { 2 } else { 0 } + line_end;
        if closing {
            if parts.is_empty() {
                return Err(error(found, "the closing delimiter comes before any part"));
            }
            return Ok(parts);
        }
        open = Some(next);
        search = next;
    }
    Err(match open {
        None => error(0, format!("no delimiter --{boundary} in the body")),
        Some(start) => error(
            start,
            format!("the last part is not closed by --{boundary}-- (the body is cut short?)"),
        ),
    })
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Header text: bytes outside ASCII are taken as Latin-1, so that nothing is lost.
fn text(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// Base64 as mail carries it: line breaks and other white space ignored, padding optional.
pub fn decode_base64(encoded: &[u8]) -> Result<Vec<u8>, MimeError> {
    let mut out = Vec::with_capacity(encoded.len() / 4 * 3);
    let mut quad = [0u8; 4];
    let mut n = 0;
    let mut ended = false;
    for (i, &b) in encoded.iter().enumerate() {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                ended = true;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            other => {
                return Err(error(
                    i,
                    format!("byte 0x{other:02X} is not base64 (the body says it is base64)"),
                ));
            }
        };
        if ended {
            return Err(error(i, "base64 goes on after its padding '='"));
        }
        quad[n] = value;
        n += 1;
        if n == 4 {
            out.push(quad[0] << 2 | quad[1] >> 4);
            out.push(quad[1] << 4 | quad[2] >> 2);
            out.push(quad[2] << 6 | quad[3]);
            n = 0;
        }
    }
    match n {
        0 => {}
        2 => out.push(quad[0] << 2 | quad[1] >> 4),
        3 => {
            out.push(quad[0] << 2 | quad[1] >> 4);
            out.push(quad[1] << 4 | quad[2] >> 2);
        }
        _ => {
            return Err(error(
                encoded.len(),
                "base64 ends in the middle of a character (one sextet left over)",
            ));
        }
    }
    Ok(out)
}

/// Base64 for a MIME body: lines of 76 characters ended by CRLF (RFC 2045 §6.8).
pub fn encode_base64_lines(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 57 * 78 + 80);
    for chunk in bytes.chunks(57) {
        out.extend_from_slice(openssl::base64::encode_block(chunk).as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// A multipart body: each part (an entity, headers and body, as given) between delimiters
/// of `boundary`, CRLF line ends, the closing delimiter last.
pub fn write_multipart(boundary: &str, parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        parts
            .iter()
            .map(|p| p.len() + boundary.len() + 8)
            .sum::<usize>()
            + 8,
    );
    for part in parts {
        out.extend_from_slice(b"--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--\r\n");
    out
}

/// A boundary that occurs in none of `parts`: made from `seed` (unique per message, so two
/// messages never share one) and lengthened in the rare case it collides with the content.
pub fn boundary_for(seed: &str, parts: &[&[u8]]) -> String {
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(seed.as_bytes());
    let mut boundary = String::from("----=_edigate_");
    for b in &hash[..12] {
        boundary.push_str(&format!("{b:02x}"));
    }
    let mut n = 0u32;
    while parts
        .iter()
        .any(|p| memchr::memmem::find(p, boundary.as_bytes()).is_some())
    {
        n += 1;
        boundary.push_str(&format!("_{n}"));
    }
    boundary
}

/// Quoted-printable (RFC 2045 §6.7): "=XX" a byte, "=" at a line's end a soft break; an "="
/// that is neither is kept as it is (what mail readers do).
pub fn decode_quoted_printable(encoded: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(encoded.len());
    let mut i = 0;
    while i < encoded.len() {
        let b = encoded[i];
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        match (encoded.get(i + 1), encoded.get(i + 2)) {
            (Some(b'\r'), Some(b'\n')) => i += 3,
            (Some(b'\n'), _) => i += 2,
            (Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push(hex(h).unwrap_or(0) << 4 | hex(l).unwrap_or(0));
                i += 3;
            }
            _ => {
                out.push(b'=');
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A signed message as Java AS2 products send it: binary content with bare LFs and a CR
    /// of its own, the boundary quoted, folded headers, CRLF delimiters.
    const SIGNED: &[u8] =
        b"Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n\
\tmicalg=sha-256; boundary=\"----=_Part_7_1.2\"\r\n\
\r\n\
preamble, ignored\r\n\
------=_Part_7_1.2\r\n\
Content-Type: application/edi-x12\r\n\
Content-Transfer-Encoding: binary\r\n\
\r\n\
ISA*00*\nGS*PO\r\n------=_Part_7_1.2X is not a delimiter\nSE\r\r\n\
------=_Part_7_1.2\r\n\
Content-Type: application/pkcs7-signature; name=smime.p7s\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
AQID\r\nBA==\r\n\
------=_Part_7_1.2--\r\n\
epilogue\r\n";

    #[test]
    fn signed_parts_are_the_exact_bytes_between_delimiters() {
        let message = Entity::parse(SIGNED).unwrap();
        let ct = message.content_type().unwrap();
        assert_eq!(ct.mime_type, "multipart/signed");
        assert_eq!(ct.param("MICALG"), Some("sha-256"));
        assert_eq!(ct.param("boundary"), Some("----=_Part_7_1.2"));
        let parts = message.parts().unwrap();
        assert_eq!(parts.len(), 2);
        // The signed part: its headers and body exactly, the CRLF before the delimiter not
        // included, the bare LFs and the lone CR kept.
        assert_eq!(
            parts[0].raw,
            &b"Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: binary\r\n\r\n\
ISA*00*\nGS*PO\r\n------=_Part_7_1.2X is not a delimiter\nSE\r"[..]
        );
        assert_eq!(
            parts[0].body,
            &b"ISA*00*\nGS*PO\r\n------=_Part_7_1.2X is not a delimiter\nSE\r"[..]
        );
        assert_eq!(parts[0].decoded_body().unwrap(), parts[0].body);
        assert_eq!(
            parts[1].header("content-type"),
            Some("application/pkcs7-signature; name=smime.p7s")
        );
        assert_eq!(parts[1].decoded_body().unwrap(), [1, 2, 3, 4]);
    }

    #[test]
    fn headers_unfold_and_match_in_any_case() {
        let e = Entity::parse(b"AS2-From: \"Big Retail\"\nsubject: a\n  long one\n\nbody").unwrap();
        assert_eq!(e.header("as2-from"), Some("\"Big Retail\""));
        assert_eq!(e.header("Subject"), Some("a long one"));
        assert_eq!(e.body, b"body");
        // No Content-Type: text/plain; no transfer encoding: binary.
        assert_eq!(e.content_type().unwrap().mime_type, "text/plain");
        assert_eq!(e.decoded_body().unwrap(), b"body");
    }

    #[test]
    fn lf_only_delimiters_and_padding_are_read() {
        let body = b"--b  \nContent-Type: text/plain\n\none\n--b\n\ntwo\n--b--";
        let parts = split_multipart(body, "b").unwrap();
        let texts: Vec<&[u8]> = parts.iter().map(|(_, p)| *p).collect();
        assert_eq!(
            texts,
            [&b"Content-Type: text/plain\n\none"[..], &b"\ntwo"[..]]
        );
        assert_eq!(parts[0].0, 6);
    }

    #[test]
    fn what_cannot_be_split_says_where_and_why() {
        let cut = split_multipart(b"--b\r\n\r\nthe part\r\n", "b").unwrap_err();
        assert!(cut.message.contains("not closed by --b--"), "{cut}");
        assert_eq!(cut.offset, 5);
        let none = split_multipart(b"no parts here", "b").unwrap_err();
        assert!(none.message.contains("no delimiter --b"), "{none}");
        let long = split_multipart(b"", &"x".repeat(71)).unwrap_err();
        assert!(long.message.contains("1 to 70"), "{long}");
        let e = Entity::parse(b"Content-Type: multipart/signed\r\n\r\n--b--").unwrap();
        assert!(
            e.parts()
                .unwrap_err()
                .message
                .contains("without a boundary")
        );
        let e = Entity::parse(b"not a header\r\n\r\n").unwrap_err();
        assert!(e.message.contains("no colon"), "{e}");
        let e = Entity::parse(b"Content-Type: text/plain\r\nno end").unwrap_err();
        assert!(e.message.contains("do not end"), "{e}");
        let huge = format!("X-Pad: {}\r\n", "a".repeat(MAX_HEADER_BYTES + 1));
        let e = Entity::parse(huge.as_bytes()).unwrap_err();
        assert!(e.message.contains("longer than"), "{e}");
        let e = Entity::parse(b"Content-Transfer-Encoding: base64\r\n\r\nAQ*D").unwrap();
        assert!(e.decoded_body().unwrap_err().message.contains("0x2A"));
        let e = Entity::parse(b"Content-Transfer-Encoding: uuencode\r\n\r\nx").unwrap();
        assert!(e.decoded_body().unwrap_err().message.contains("uuencode"));
    }

    #[test]
    fn content_type_parameters() {
        let ct = ContentType::parse(
            "Application/PKCS7-MIME; smime-type=enveloped-data; name=\"smime.p7m\"; x=\"a\\\"b;c\"",
        )
        .unwrap();
        assert_eq!(ct.mime_type, "application/pkcs7-mime");
        assert_eq!(ct.param("smime-type"), Some("enveloped-data"));
        assert_eq!(ct.param("name"), Some("smime.p7m"));
        assert_eq!(ct.param("x"), Some("a\"b;c"));
        assert!(ContentType::parse("text").is_err());
        assert!(ContentType::parse("text/plain; name=\"open").is_err());
        assert!(ContentType::parse("text/plain; bare").is_err());
    }

    #[test]
    fn transfer_encodings() {
        assert_eq!(decode_base64(b"TWFu\r\nTWE=\r\n").unwrap(), b"ManMa");
        assert_eq!(
            decode_base64(b"TWFuTQ").unwrap(),
            b"ManM",
            "padding optional"
        );
        assert!(decode_base64(b"TWE=TWE=").is_err());
        assert!(decode_base64(b"TWFuT").is_err());
        assert_eq!(
            decode_quoted_printable(b"a=3Db=\r\nc=\nd=zz="),
            b"a=bcd=zz="
        );
    }
}
