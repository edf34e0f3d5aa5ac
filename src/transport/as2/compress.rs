//! CMS CompressedData (RFC 3274), as AS2 compresses a message (RFC 5402): the MIME entity
//! deflated into a zlib stream (RFC 1950: header, deflate data, Adler-32) inside
//! `application/pkcs7-mime; smime-type=compressed-data`.
//!
//! Written by hand rather than through OpenSSL because Debian's OpenSSL is built without
//! zlib and refuses both directions ("unsupported compression algorithm").
//!
//! ```text
//! ContentInfo ::= SEQUENCE {
//!   contentType  OBJECT IDENTIFIER,          -- id-ct-compressedData 1.2.840.113549.1.9.16.1.9
//!   content      [0] EXPLICIT CompressedData }
//! CompressedData ::= SEQUENCE {
//!   version               INTEGER,           -- 0
//!   compressionAlgorithm  AlgorithmIdentifier, -- id-alg-zlibCompress 1.2.840.113549.1.9.16.3.8
//!   encapContentInfo      EncapsulatedContentInfo }
//! AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
//! EncapsulatedContentInfo ::= SEQUENCE {
//!   eContentType  OBJECT IDENTIFIER,         -- id-data 1.2.840.113549.1.7.1
//!   eContent      [0] EXPLICIT OCTET STRING OPTIONAL }
//! ```
//!
//! [`compress`] writes DER; [`decompress`] reads DER and the BER that Java products stream
//! (indefinite lengths, the OCTET STRING in chunks), through [`super::ber`].

use std::io::Write;

use flate2::{Compression, Decompress, FlushDecompress, Status, write::ZlibEncoder};

use super::ber::{self, BerError, Element, Oid, Reader, Tag};

/// Which kind of fault [`decompress`] found. An AS2 receiver answers all of them with the
/// disposition modifier `decompression-failed`; the kind tells the log what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompressErrorKind {
    /// Not a CMS ContentInfo, or a ContentInfo of another type (signed-data, ...): the body
    /// was labelled compressed-data but is something else.
    NotCompressedData,
    /// A ContentInfo of type compressed-data whose encoding is broken: truncated, bad
    /// lengths or tags, fields missing or out of place, data after its end.
    Malformed,
    /// Well-formed, but asking for what is not supported: another compression algorithm,
    /// another version, content that is not id-data, or no content (detached).
    Unsupported,
    /// The zlib stream inside is corrupt, truncated, or fails its Adler-32 check.
    CorruptZlib,
    /// The content would decompress to more than the limit the caller set (a
    /// decompression bomb, or a partner sending more than agreed).
    OverLimit,
}

/// What was wrong with a compressed-data body, and at which byte of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("compressed-data: {message}")]
pub struct CompressError {
    pub kind: CompressErrorKind,
    /// The byte of the input where the fault was found.
    pub offset: usize,
    /// What was wrong, naming the byte offset.
    pub message: String,
}

impl CompressError {
    fn new(kind: CompressErrorKind, offset: usize, message: impl Into<String>) -> CompressError {
        CompressError {
            kind,
            offset,
            message: message.into(),
        }
    }
}

/// Once the input is known to be compressed-data, an encoding fault makes it malformed.
impl From<BerError> for CompressError {
    fn from(e: BerError) -> CompressError {
        CompressError::new(CompressErrorKind::Malformed, e.offset, e.message)
    }
}

/// `content` deflated into a zlib stream and wrapped in a DER ContentInfo of type
/// compressed-data (parameters of the algorithm absent, eContentType id-data).
pub fn compress(content: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(
        Vec::with_capacity(content.len() / 2 + 64),
        Compression::default(),
    );
    // Writing into a Vec cannot fail, and deflate accepts any input.
    encoder
        .write_all(content)
        .expect("deflating into memory cannot fail");
    let zlib = encoder.finish().expect("deflating into memory cannot fail");

    // Inside out, each length is the next one's content.
    let octets = encoded_len(zlib.len());
    let e_content = encoded_len(octets);
    let encap = encoded_len(encoded_len(Oid::DATA.0.len()) + e_content);
    let algorithm = encoded_len(encoded_len(Oid::ZLIB_COMPRESS.0.len()));
    let compressed = encoded_len(3 + algorithm + encap);
    let explicit = encoded_len(compressed);
    let info = encoded_len(Oid::COMPRESSED_DATA.0.len()) + explicit;

    let mut out = Vec::with_capacity(encoded_len(info));
    header(&mut out, Tag::SEQUENCE, info);
    oid(&mut out, Oid::COMPRESSED_DATA);
    header(&mut out, Tag::explicit(0), compressed);
    header(&mut out, Tag::SEQUENCE, 3 + algorithm + encap);
    out.extend_from_slice(&[0x02, 0x01, 0x00]); // version 0
    header(
        &mut out,
        Tag::SEQUENCE,
        encoded_len(Oid::ZLIB_COMPRESS.0.len()),
    );
    oid(&mut out, Oid::ZLIB_COMPRESS);
    header(
        &mut out,
        Tag::SEQUENCE,
        encoded_len(Oid::DATA.0.len()) + e_content,
    );
    oid(&mut out, Oid::DATA);
    header(&mut out, Tag::explicit(0), octets);
    header(&mut out, Tag::OCTET_STRING, zlib.len());
    out.extend_from_slice(&zlib);
    debug_assert_eq!(out.len(), encoded_len(info));
    out
}

/// Length of a DER element whose content is `content_len` bytes long.
fn encoded_len(content_len: usize) -> usize {
    1 + length_octets(content_len) + content_len
}

fn length_octets(len: usize) -> usize {
    if len < 0x80 {
        1
    } else {
        1 + (usize::BITS - len.leading_zeros()).div_ceil(8) as usize
    }
}

/// DER identifier and length octets (the shortest length form).
fn header(out: &mut Vec<u8>, tag: Tag, len: usize) {
    out.push(tag.0);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let n = length_octets(len) - 1;
        out.push(0x80 | n as u8);
        out.extend_from_slice(&len.to_be_bytes()[std::mem::size_of::<usize>() - n..]);
    }
}

fn oid(out: &mut Vec<u8>, oid: Oid<'_>) {
    header(out, Tag::OID, oid.0.len());
    out.extend_from_slice(oid.0);
}

/// The content of a compressed-data ContentInfo, DER or BER, decompressed, if it is at most
/// `limit` bytes. Decompression stops as soon as the output would pass `limit`: memory
/// never grows past `limit` and a buffer of 32 KiB, however the input is made.
pub fn decompress(der_or_ber: &[u8], limit: usize) -> Result<Vec<u8>, CompressError> {
    let octets = compressed_octets(der_or_ber)?;
    inflate(&octets, limit)
}

/// Checks the structure and returns the eContent OCTET STRING, which holds the zlib stream
/// (in chunks, if constructed).
fn compressed_octets(input: &[u8]) -> Result<Element<'_>, CompressError> {
    use CompressErrorKind::{Malformed, NotCompressedData, Unsupported};

    let (content_type, at) = ber::content_type_oid(input).map_err(|e| {
        CompressError::new(
            NotCompressedData,
            e.offset,
            format!("not a CMS ContentInfo: {}", e.message),
        )
    })?;
    if content_type != Oid::COMPRESSED_DATA {
        return Err(CompressError::new(
            NotCompressedData,
            at,
            format!(
                "expected OID id-ct-compressedData at byte {at}, found {}",
                content_type.describe()
            ),
        ));
    }

    let mut top = Reader::new(input);
    let info = top.expect(Tag::SEQUENCE, "ContentInfo")?;
    let mut info_fields = info.children()?;
    info_fields.expect(Tag::OID, "contentType")?;
    let content = info_fields.expect(Tag::explicit(0), "ContentInfo content")?;
    info_fields.finish("ContentInfo")?;

    let mut content = content.children()?;
    let compressed = content.expect(Tag::SEQUENCE, "CompressedData")?;
    content.finish("CompressedData, inside the ContentInfo's [0]")?;

    let mut fields = compressed.children()?;
    let version = fields.expect(Tag::INTEGER, "CompressedData version")?;
    if version.content != [0] {
        return Err(CompressError::new(
            Unsupported,
            version.offset,
            format!(
                "CompressedData version {} at byte {}: RFC 3274 defines only 0",
                hex(version.content),
                version.offset
            ),
        ));
    }

    let algorithm = fields.expect(Tag::SEQUENCE, "compressionAlgorithm")?;
    let mut algorithm = algorithm.children()?;
    let id = algorithm.expect(Tag::OID, "compression algorithm")?;
    if id.oid()? != Oid::ZLIB_COMPRESS {
        return Err(CompressError::new(
            Unsupported,
            id.offset,
            format!(
                "compression algorithm {} at byte {}: only zlib ({}) is supported",
                id.oid()?.describe(),
                id.offset,
                Oid::ZLIB_COMPRESS
            ),
        ));
    }
    // zlib takes no parameters; some writers put a NULL there anyway.
    if let Some(parameters) = algorithm.read()?
        && (parameters.tag != Tag::NULL || !parameters.content.is_empty())
    {
        return Err(CompressError::new(
            Malformed,
            parameters.offset,
            format!(
                "zlib parameters at byte {}: expected none or NULL, found {}",
                parameters.offset, parameters.tag
            ),
        ));
    }
    algorithm.finish("compressionAlgorithm")?;

    let encapsulated = fields.expect(Tag::SEQUENCE, "encapContentInfo")?;
    fields.finish("CompressedData")?;
    let mut encapsulated = encapsulated.children()?;
    let e_type = encapsulated.expect(Tag::OID, "eContentType")?;
    // AS2 compresses a MIME entity (RFC 5402 §3), which is id-data; anything else would be
    // handed on as if it were MIME and fail there with a less clear message.
    if e_type.oid()? != Oid::DATA {
        return Err(CompressError::new(
            Unsupported,
            e_type.offset,
            format!(
                "eContentType {} at byte {}: AS2 compresses a MIME entity, id-data ({})",
                e_type.oid()?.describe(),
                e_type.offset,
                Oid::DATA
            ),
        ));
    }
    let end = encapsulated.offset();
    let Some(e_content) = encapsulated.read()? else {
        return Err(CompressError::new(
            Unsupported,
            end,
            format!("no eContent at byte {end}: detached content is not used in AS2"),
        ));
    };
    if e_content.tag != Tag::explicit(0) {
        return Err(CompressError::new(
            Malformed,
            e_content.offset,
            format!(
                "expected eContent ([0]) at byte {}, found {}",
                e_content.offset, e_content.tag
            ),
        ));
    }
    encapsulated.finish("encapContentInfo")?;
    let mut e_content = e_content.children()?;
    let at = e_content.offset();
    let octets = e_content.read()?.ok_or_else(|| {
        CompressError::new(
            Malformed,
            at,
            format!("expected the eContent OCTET STRING at byte {at}, found the end"),
        )
    })?;
    e_content.finish("eContent OCTET STRING")?;

    // Zero bytes after the ContentInfo carry nothing: they are what a writer padding its
    // output to a buffer or block size, or closing one indefinite length too many, leaves
    // behind, and refusing them would fail a message read whole. Anything else might be a
    // second message or content we would silently drop.
    let rest = top.rest();
    if let Some(i) = rest.iter().position(|&b| b != 0) {
        let at = top.offset() + i;
        return Err(CompressError::new(
            Malformed,
            at,
            format!(
                "{} bytes after the end of the ContentInfo, not all zero, at byte {at}",
                rest.len()
            ),
        ));
    }
    Ok(octets)
}

fn hex(bytes: &[u8]) -> String {
    if bytes.len() == 1 {
        return bytes[0].to_string();
    }
    let digits: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    format!("0x{digits}")
}

/// Decompressed in steps no larger than this, so that a bomb is caught within one step.
const STEP: usize = 32 * 1024;

/// The zlib stream in the OCTET STRING `octets`, inflated to at most `limit` bytes.
fn inflate(octets: &Element<'_>, limit: usize) -> Result<Vec<u8>, CompressError> {
    use CompressErrorKind::{CorruptZlib, OverLimit};

    let mut zlib = Decompress::new(true);
    let mut out = Vec::new();
    let mut buf = vec![0u8; STEP.min(limit.saturating_add(1))];
    let mut ended = false;
    let mut at = octets.content_offset;
    for chunk in octets.octet_string_chunks() {
        let chunk = chunk?;
        let mut data = chunk.content;
        at = chunk.content_offset;
        if ended && !data.is_empty() {
            return Err(CompressError::new(
                CorruptZlib,
                at,
                format!("data after the end of the zlib stream at byte {at}"),
            ));
        }
        while !ended {
            // One byte more than the limit allows tells a stream that fits exactly from
            // one that goes on.
            let room = buf.len().min((limit - out.len()).saturating_add(1));
            let (in_before, out_before) = (zlib.total_in(), zlib.total_out());
            let status = zlib.decompress(data, &mut buf[..room], FlushDecompress::None);
            let consumed = (zlib.total_in() - in_before) as usize;
            let produced = (zlib.total_out() - out_before) as usize;
            let status = status.map_err(|e| {
                let at = at + consumed;
                CompressError::new(
                    CorruptZlib,
                    at,
                    format!("corrupt zlib stream ({e}) at byte {at}"),
                )
            })?;
            data = &data[consumed..];
            at += consumed;
            if produced > limit - out.len() {
                return Err(CompressError::new(
                    OverLimit,
                    at,
                    format!(
                        "the content decompresses to more than the limit of {limit} bytes \
                         (stopped at byte {at}, the compressed content ends at byte {})",
                        octets.end()
                    ),
                ));
            }
            grow(&mut out, produced, limit);
            out.extend_from_slice(&buf[..produced]);
            match status {
                Status::StreamEnd => {
                    ended = true;
                    if !data.is_empty() {
                        return Err(CompressError::new(
                            CorruptZlib,
                            at,
                            format!(
                                "{} bytes after the end of the zlib stream at byte {at}",
                                data.len()
                            ),
                        ));
                    }
                }
                // Nothing moved: the stream needs the next chunk.
                _ if consumed == 0 && produced == 0 && data.is_empty() => break,
                // Never seen; refused rather than dropping the rest of the chunk.
                _ if consumed == 0 && produced == 0 => {
                    return Err(CompressError::new(
                        CorruptZlib,
                        at,
                        format!("the zlib stream stops making progress at byte {at}"),
                    ));
                }
                _ => {}
            }
        }
    }
    if !ended {
        return Err(CompressError::new(
            CorruptZlib,
            at,
            format!("the zlib stream is cut off at byte {at}"),
        ));
    }
    Ok(out)
}

/// Makes room for `more` bytes without letting the capacity pass `limit`, as Vec's own
/// doubling would.
fn grow(out: &mut Vec<u8>, more: usize, limit: usize) {
    if out.capacity() - out.len() < more {
        let wanted = out
            .capacity()
            .saturating_mul(2)
            .max(out.len() + more)
            .min(limit);
        out.reserve_exact(wanted - out.len());
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::process::{Command, Stdio};

    use super::*;
    use crate::transport::as2::ber::{ContentKind, content_type};
    use CompressErrorKind::*;

    /// A MIME entity (the 810 of samples/bigretail/good-810.edi) and that entity compressed
    /// by the peers AS2 partners run: BouncyCastle 1.72's streaming and in-memory generators
    /// (tests/fixtures/as2/CompressedFixtures.java says how) and pyas2lib 1.4.4's
    /// `pyas2lib.cms.compress_message` (asn1crypto's DER), each made once and kept.
    const ENTITY: &[u8] = include_bytes!("../../../tests/fixtures/as2/compressed-entity.bin");
    const BOUNCYCASTLE_STREAM: &[u8] =
        include_bytes!("../../../tests/fixtures/as2/compressed-bouncycastle-stream.ber");
    const BOUNCYCASTLE: &[u8] =
        include_bytes!("../../../tests/fixtures/as2/compressed-bouncycastle.ber");
    const PYAS2LIB: &[u8] = include_bytes!("../../../tests/fixtures/as2/compressed-pyas2lib.der");

    fn zlib(content: &[u8]) -> Vec<u8> {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(content).unwrap();
        z.finish().unwrap()
    }

    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        header(&mut out, Tag(tag), content.len());
        out.extend_from_slice(content);
        out
    }

    fn oid_der(oid: Oid<'_>) -> Vec<u8> {
        der(0x06, oid.0)
    }

    /// How a writer may lay out a CompressedData: BER's choices, made independently of
    /// `compress`.
    #[derive(Debug, Clone, Copy, Default)]
    struct Shape {
        indefinite: bool,
        null_parameters: bool,
        /// The eContent as a constructed OCTET STRING of chunks this long.
        chunk: Option<usize>,
        /// Chunks grouped in pairs in constructed OCTET STRINGs of their own.
        nested: bool,
    }

    impl Shape {
        fn wrap(&self, tag: u8, parts: &[Vec<u8>]) -> Vec<u8> {
            let content = parts.concat();
            if self.indefinite {
                [vec![tag, 0x80], content, vec![0, 0]].concat()
            } else {
                der(tag, &content)
            }
        }

        fn octets(&self, zlib: &[u8]) -> Vec<u8> {
            let Some(n) = self.chunk else {
                return der(0x04, zlib);
            };
            let chunks: Vec<Vec<u8>> = zlib.chunks(n).map(|c| der(0x04, c)).collect();
            if self.nested {
                let pairs: Vec<Vec<u8>> = chunks.chunks(2).map(|p| self.wrap(0x24, p)).collect();
                self.wrap(0x24, &pairs)
            } else {
                self.wrap(0x24, &chunks)
            }
        }

        fn encode(&self, zlib: &[u8]) -> Vec<u8> {
            self.encode_with(
                &oid_der(Oid::DATA),
                Some(&self.wrap(0xA0, &[self.octets(zlib)])),
            )
        }

        fn encode_with(&self, e_content_type: &[u8], e_content: Option<&[u8]>) -> Vec<u8> {
            let parameters = if self.null_parameters {
                vec![0x05, 0x00]
            } else {
                vec![]
            };
            let algorithm = der(0x30, &[oid_der(Oid::ZLIB_COMPRESS), parameters].concat());
            let mut encap = vec![e_content_type.to_vec()];
            encap.extend(e_content.map(<[u8]>::to_vec));
            let compressed = self.wrap(
                0x30,
                &[vec![0x02, 0x01, 0x00], algorithm, self.wrap(0x30, &encap)],
            );
            self.wrap(
                0x30,
                &[
                    oid_der(Oid::COMPRESSED_DATA),
                    self.wrap(0xA0, &[compressed]),
                ],
            )
        }
    }

    /// Text with some repetition, and bytes that are not text, deterministic.
    fn sample(len: usize) -> Vec<u8> {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        (0..len)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                if i % 1000 < 600 {
                    b"ISA*00*~GS*IN~"[i % 14]
                } else {
                    state as u8
                }
            })
            .collect()
    }

    fn kind(input: &[u8], limit: usize) -> CompressErrorKind {
        decompress(input, limit).unwrap_err().kind
    }

    #[test]
    fn round_trip() {
        for content in [
            Vec::new(),
            b"x".to_vec(),
            ENTITY.to_vec(),
            sample(300_000),
            vec![0; 5_000_000],
        ] {
            let compressed = compress(&content);
            assert_eq!(content_type(&compressed), Ok(ContentKind::CompressedData));
            assert_eq!(decompress(&compressed, content.len()).unwrap(), content);
            assert_eq!(decompress(&compressed, usize::MAX).unwrap(), content);
            if !content.is_empty() {
                assert_eq!(kind(&compressed, content.len() - 1), OverLimit);
            }
        }
    }

    #[test]
    fn compress_writes_der_as_laid_out_independently() {
        for content in [&b""[..], b"x", ENTITY, &sample(100_000)] {
            assert_eq!(compress(content), Shape::default().encode(&zlib(content)));
        }
        // Lengths in one, two and three octets, at their edges.
        for len in [0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000] {
            let mut out = Vec::new();
            header(&mut out, Tag::OCTET_STRING, len);
            assert_eq!(out.len(), 1 + length_octets(len));
            let encoded = [out, vec![0; len]].concat();
            let element = Reader::new(&encoded).read().unwrap().unwrap();
            assert_eq!(element.content.len(), len);
            assert!(!element.indefinite);
        }
    }

    #[test]
    fn ber_forms_are_read() {
        let content = sample(20_000);
        let z = zlib(&content);
        for indefinite in [false, true] {
            for null_parameters in [false, true] {
                for chunk in [None, Some(1), Some(7), Some(1000)] {
                    for nested in [false, true] {
                        let shape = Shape {
                            indefinite,
                            null_parameters,
                            chunk,
                            nested,
                        };
                        let input = shape.encode(&z);
                        assert_eq!(
                            decompress(&input, content.len()).as_deref(),
                            Ok(&content[..]),
                            "{shape:?}"
                        );
                    }
                }
            }
        }
        // Definite lengths in the long form with leading zeros, which BER allows.
        let mut padded = compress(b"padded");
        let len = padded[1];
        assert!(len < 0x80);
        padded.splice(1..2, [0x84, 0x00, 0x00, 0x00, len]);
        assert_eq!(decompress(&padded, 6).unwrap(), b"padded");
    }

    #[test]
    fn what_java_and_python_products_write_is_read() {
        assert_eq!(BOUNCYCASTLE_STREAM[1], 0x80, "indefinite");
        for input in [BOUNCYCASTLE_STREAM, BOUNCYCASTLE, PYAS2LIB] {
            assert_eq!(content_type(input), Ok(ContentKind::CompressedData));
            assert_eq!(decompress(input, ENTITY.len()).unwrap(), ENTITY);
            assert_eq!(kind(input, ENTITY.len() - 1), OverLimit);
        }
    }

    /// `mib` MiB of zeros as a zlib stream of about `mib` KiB, made without deflating
    /// them all (about ten seconds a GiB in a debug build): one MiB deflated and flushed with
    /// `FlushCompress::Full`, which ends it on a byte boundary and leaves nothing for the next
    /// block to refer back to, so that it can be repeated.
    fn zeros_zlib(mib: usize) -> Vec<u8> {
        let mut deflate = flate2::Compress::new(Compression::best(), false);
        let mut block = Vec::with_capacity(64 * 1024);
        let status = deflate
            .compress_vec(&vec![0; 1 << 20], &mut block, flate2::FlushCompress::Full)
            .unwrap();
        assert_eq!((status, deflate.total_in()), (flate2::Status::Ok, 1 << 20));
        let mut zlib = vec![0x78, 0x9C];
        for _ in 0..mib {
            zlib.extend_from_slice(&block);
        }
        // The last block: final, fixed Huffman codes, nothing but end-of-block.
        zlib.extend_from_slice(&[0x03, 0x00]);
        // Adler-32 of n zeros: the sum of bytes stays 1, the sum of sums is n.
        let adler = (((mib << 20) % 65521) << 16) | 1;
        zlib.extend_from_slice(&(adler as u32).to_be_bytes());
        zlib
    }

    #[test]
    fn the_bomb_is_what_it_claims() {
        let zlib = zeros_zlib(16);
        assert!(zlib.len() < 20 * 1024, "{}", zlib.len());
        let content = decompress(&Shape::default().encode(&zlib), usize::MAX).unwrap();
        assert_eq!(content.len(), 16 << 20);
        assert!(content.iter().all(|&b| b == 0));
    }

    #[test]
    fn a_bomb_stops_at_the_limit() {
        // 1 GiB of zeros in about 1 MiB.
        let bomb = Shape::default().encode(&zeros_zlib(1024));
        assert!(bomb.len() < 2 << 20, "{}", bomb.len());
        let limit = 1 << 20;
        let started = std::time::Instant::now();
        let err = decompress(&bomb, limit).unwrap_err();
        assert_eq!(err.kind, OverLimit, "{err}");
        assert!(
            err.message.contains("more than the limit of 1048576 bytes"),
            "{err}"
        );
        // It stopped near the start of the compressed bytes: 1 MiB of output is a small
        // fraction of the input, not the whole gigabyte inflated and thrown away.
        assert!(err.offset < bomb.len() / 100, "{err} of {}", bomb.len());
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        // A limit of nothing allows nothing but the empty content.
        assert_eq!(kind(&bomb, 0), OverLimit);
        assert_eq!(decompress(&compress(b""), 0).unwrap(), b"");
        assert_eq!(kind(&compress(b"a"), 0), OverLimit);
    }

    #[test]
    fn the_output_never_outgrows_the_limit() {
        let content = sample(1_000_000);
        let compressed = compress(&content);
        for limit in [1_000_000, 1_000_001, 2_000_000] {
            let out = decompress(&compressed, limit).unwrap();
            assert!(out.capacity() <= limit, "{} > {limit}", out.capacity());
        }
    }

    fn message(input: &[u8]) -> (CompressErrorKind, String) {
        let err = decompress(input, 1 << 20).unwrap_err();
        (err.kind, err.to_string())
    }

    #[test]
    fn what_is_not_compressed_data_says_what_it_is() {
        let signed = Shape {
            indefinite: true,
            ..Shape::default()
        }
        .encode(&zlib(b"x"));
        let signed = [&signed[..2], &oid_der(Oid::SIGNED_DATA), &signed[15..]].concat();
        assert_eq!(
            message(&signed),
            (
                NotCompressedData,
                "compressed-data: expected OID id-ct-compressedData at byte 2, found \
                 1.2.840.113549.1.7.2 (signed-data)"
                    .into()
            )
        );
        for input in [
            &b""[..],
            b"Content-Type: application/edi-x12\r\n\r\nISA*00*",
            &[0x30, 0x03, 0x02, 0x01, 0x00],
            &[0x3F, 0x81, 0x00],
        ] {
            let (kind, text) = message(input);
            assert_eq!(kind, NotCompressedData, "{text}");
            assert!(
                text.starts_with("compressed-data: not a CMS ContentInfo: "),
                "{text}"
            );
        }
    }

    #[test]
    fn unsupported_choices_are_named() {
        let shape = Shape::default();
        let z = zlib(b"x");
        let good = shape.encode(&z);
        let version = good.windows(3).position(|w| w == [2, 1, 0]).unwrap();

        let mut v1 = good.clone();
        v1[version + 2] = 1;
        assert_eq!(
            message(&v1),
            (
                Unsupported,
                format!(
                    "compressed-data: CompressedData version 1 at byte {version}: RFC 3274 \
                     defines only 0"
                )
            )
        );

        let mut other = good.clone();
        let at = version + 5;
        assert_eq!(&other[at..at + 2], [0x06, 0x0B]);
        other[at + 12] = 0x09; // 1.2.840.113549.1.9.16.3.9
        let (kind, text) = message(&other);
        assert_eq!(kind, Unsupported);
        assert!(
            text.contains(&format!("algorithm 1.2.840.113549.1.9.16.3.9 at byte {at}")),
            "{text}"
        );

        let not_data =
            shape.encode_with(&oid_der(Oid::SIGNED_DATA), Some(&der(0xA0, &der(0x04, &z))));
        let (kind, text) = message(&not_data);
        assert_eq!(kind, Unsupported);
        assert!(
            text.contains("eContentType 1.2.840.113549.1.7.2 (signed-data)"),
            "{text}"
        );

        let detached = shape.encode_with(&oid_der(Oid::DATA), None);
        let (kind, text) = message(&detached);
        assert_eq!(kind, Unsupported);
        assert!(text.contains("detached"), "{text}");
    }

    #[test]
    fn malformed_structures_are_refused_where_they_break() {
        let good = compress(b"content");
        let cases: Vec<(Vec<u8>, &str)> = vec![
            // Parameters that are neither absent nor NULL.
            (
                {
                    let shape = Shape::default();
                    let with_null = Shape {
                        null_parameters: true,
                        ..shape
                    }
                    .encode(&zlib(b"content"));
                    let at = with_null.windows(2).position(|w| w == [5, 0]).unwrap();
                    let mut v = with_null;
                    v[at] = 0x04;
                    v
                },
                "expected none or NULL, found OCTET STRING",
            ),
            // The version in the high-tag-number form.
            (
                {
                    let mut v = good.clone();
                    let at = v.windows(3).position(|w| w == [2, 1, 0]).unwrap();
                    v[at] = 0x1F;
                    v
                },
                "high-tag-number form (identifier 0x1F)",
            ),
            // Something after the CompressedData's fields.
            (
                {
                    let shape = Shape {
                        indefinite: true,
                        ..Shape::default()
                    };
                    let mut v = shape.encode(&zlib(b"content"));
                    // Inside the CompressedData, after the encapContentInfo: before the
                    // last three end-of-contents.
                    let at = v.len() - 6;
                    v.splice(at..at, [0x05, 0x00]);
                    v
                },
                "unexpected data after the CompressedData",
            ),
            (
                [&good[..], b"\r\n"].concat(),
                "2 bytes after the end of the ContentInfo, not all zero",
            ),
        ];
        for (input, text) in cases {
            let err = decompress(&input, 1 << 20).unwrap_err();
            assert_eq!(err.kind, Malformed, "{err}");
            assert!(err.message.contains(text), "{err}");
            assert!(
                err.message.contains(&format!("at byte {}", err.offset)),
                "{err}"
            );
        }
        // Zero bytes after the end are let through (see `compressed_octets`).
        let padded = [&good[..], &[0; 16]].concat();
        assert_eq!(decompress(&padded, 7).unwrap(), b"content");
    }

    #[test]
    fn corrupt_zlib_streams_are_told_apart() {
        let z = zlib(&sample(10_000));
        let shape = Shape {
            chunk: Some(100),
            ..Shape::default()
        };
        let mut bad_checksum = z.clone();
        *bad_checksum.last_mut().unwrap() ^= 1;
        let mut bad_header = z.clone();
        bad_header[0] = 0x79;
        let cut = z[..z.len() - 10].to_vec();
        let longer = [&z[..], b"more"].concat();
        for (zlib, text) in [
            (bad_checksum, "corrupt zlib stream"),
            (bad_header, "corrupt zlib stream"),
            (cut, "the zlib stream is cut off"),
            (longer, "after the end of the zlib stream"),
        ] {
            for shape in [Shape::default(), shape] {
                let err = decompress(&shape.encode(&zlib), 1 << 20).unwrap_err();
                assert_eq!(err.kind, CorruptZlib, "{err}");
                assert!(err.message.contains(text), "{err}");
            }
        }
        // Bytes after the end in a chunk of their own are found too.
        let input = Shape {
            chunk: Some(z.len()),
            ..Shape::default()
        }
        .encode(&[&z[..], b"x"].concat());
        assert_eq!(kind(&input, 1 << 20), CorruptZlib);
    }

    #[test]
    fn every_truncation_is_an_error_never_a_panic() {
        let content = sample(3_000);
        let z = zlib(&content);
        let ber = Shape {
            indefinite: true,
            chunk: Some(64),
            nested: true,
            null_parameters: true,
        }
        .encode(&z);
        for input in [
            compress(&content),
            ber,
            BOUNCYCASTLE_STREAM.to_vec(),
            PYAS2LIB.to_vec(),
        ] {
            let (_, oid_at) = ber::content_type_oid(&input).unwrap();
            let oid_end = oid_at + 2 + Oid::COMPRESSED_DATA.0.len();
            for len in 0..input.len() {
                let err = decompress(&input[..len], 1 << 20).unwrap_err();
                let expected = if len < oid_end {
                    NotCompressedData
                } else {
                    Malformed
                };
                assert_eq!(err.kind, expected, "{len}: {err}");
            }
        }
    }

    #[test]
    fn nesting_is_bounded_in_the_content_too() {
        let n = 100_000;
        let deep = [
            [0x24, 0x80].repeat(n),
            der(0x04, &zlib(b"x")),
            vec![0; 2 * n],
        ]
        .concat();
        let input = Shape {
            indefinite: true,
            ..Shape::default()
        }
        .encode_with(
            &oid_der(Oid::DATA),
            Some(&[&[0xA0, 0x80][..], &deep, &[0, 0]].concat()),
        );
        let err = decompress(&input, 1 << 20).unwrap_err();
        assert_eq!(err.kind, Malformed);
        assert!(err.message.contains("nested deeper"), "{err}");
    }

    /// Runs `program args` with `input` on its standard input: its standard output, or
    /// None (after saying why) when the program is not installed; `missing` is the exit
    /// code by which it says a module it needs is missing.
    fn peer(program: &str, args: &[&str], input: &[u8], missing: Option<i32>) -> Option<Vec<u8>> {
        let required = std::env::var("EDIGATE_REQUIRE_PEERS").as_deref() == Ok("1");
        let skip = |reason: String| {
            assert!(!required, "EDIGATE_REQUIRE_PEERS=1 but {reason}");
            eprintln!("SKIPPED: {reason} (set EDIGATE_REQUIRE_PEERS=1 to make this a failure)");
            None
        };
        let mut child = match Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(child) => child,
            Err(e) => return skip(format!("{program} cannot be run ({e})")),
        };
        // Both peers read all their input before they write, so this cannot deadlock. A
        // peer that stops early (a module missing) breaks the pipe: its exit status tells.
        let _ = child.stdin.take().unwrap().write_all(input);
        let mut stdout = Vec::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_end(&mut stdout)
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if missing.is_some() && output.status.code() == missing {
            return skip(format!("{program}: {}", stderr.trim()));
        }
        assert!(output.status.success(), "{program} {args:?}: {stderr}");
        Some(stdout)
    }

    const PYAS2LIB_SCRIPT: &str = "
import sys
try:
    from pyas2lib.cms import compress_message, decompress_message
except ImportError as e:
    sys.stderr.write('pyas2lib is not installed (%s)' % e)
    sys.exit(3)
step = compress_message if sys.argv[1] == 'compress' else decompress_message
sys.stdout.buffer.write(step(sys.stdin.buffer.read()))
";

    #[test]
    fn pyas2lib_reads_ours_and_we_read_its() {
        for content in [ENTITY.to_vec(), sample(200_000), Vec::new()] {
            let Some(theirs) = peer(
                "python3",
                &["-c", PYAS2LIB_SCRIPT, "compress"],
                &content,
                Some(3),
            ) else {
                return;
            };
            assert_eq!(decompress(&theirs, content.len()).unwrap(), content);
            let ours = compress(&content);
            let read = peer(
                "python3",
                &["-c", PYAS2LIB_SCRIPT, "decompress"],
                &ours,
                Some(3),
            )
            .unwrap();
            assert_eq!(read, content);
        }
    }

    /// OpenSSL cannot inflate here (no zlib), but it parses CompressedData and writes it
    /// back as DER: what it writes back from ours is ours, and what it makes of BER is
    /// what we make of it.
    #[test]
    fn openssl_parses_ours_and_agrees_on_ber() {
        let args = ["cms", "-cmsout", "-inform", "DER", "-outform", "DER"];
        let content = sample(50_000);
        let ours = compress(&content);
        let Some(again) = peer("openssl", &args, &ours, None) else {
            return;
        };
        assert_eq!(again, ours);
        let ber = Shape {
            indefinite: true,
            chunk: Some(500),
            nested: true,
            null_parameters: true,
        }
        .encode(&zlib(&content));
        for input in [ber, BOUNCYCASTLE_STREAM.to_vec()] {
            let der = peer("openssl", &args, &input, None).unwrap();
            assert_eq!(decompress(&der, usize::MAX), decompress(&input, usize::MAX));
            assert!(decompress(&der, usize::MAX).is_ok());
        }
    }
}
