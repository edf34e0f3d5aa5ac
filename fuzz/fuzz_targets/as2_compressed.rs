//! Fuzz target `as2_compressed`: whatever arrives labelled compressed-data is read without a
//! panic, in bounded memory and depth, and what is read holds: the content is never over
//! the limit, the peek at the content type agrees with the full read on what the input is,
//! every error names the byte it points at, and our own compression of the content reads
//! back the same. The BER reader also walks the whole input as a tree, whatever it holds.
//!
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run as2_compressed fuzz/corpus/as2_compressed`, seeded with
//! `fuzz/seeds/as2_compressed/*`.
#![no_main]

use edigate::transport::as2::ber::{self, ContentKind, Element, Reader};
use edigate::transport::as2::compress::{self, CompressErrorKind};
use libfuzzer_sys::fuzz_target;

const LIMIT: usize = 1 << 20;

fn walk(input: &[u8], element: &Element<'_>) {
    assert!(element.end() <= input.len(), "an element past the end");
    assert_eq!(
        &input[element.content_offset..element.content_offset + element.content.len()],
        element.content
    );
    if let Ok(joined) = element.octet_string() {
        assert!(joined.len() <= element.content.len(), "joined chunks grew");
    }
    let _ = element.oid().map(|oid| oid.describe());
    if let Ok(mut children) = element.children() {
        while let Ok(Some(child)) = children.read() {
            assert!(child.offset >= element.content_offset && child.end() <= element.end());
            walk(input, &child);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut top = Reader::new(data);
    while let Ok(Some(element)) = top.read() {
        walk(data, &element);
    }

    let kind = ber::content_type(data);
    match compress::decompress(data, LIMIT) {
        Ok(content) => {
            assert!(content.len() <= LIMIT, "over the limit");
            assert_eq!(kind, Ok(ContentKind::CompressedData));
            let again = compress::decompress(&compress::compress(&content), LIMIT);
            assert_eq!(again.as_deref(), Ok(&content[..]), "our own output unread");
        }
        Err(e) => {
            assert!(e.offset <= data.len(), "{e} of {}", data.len());
            assert!(e.message.contains(&format!("at byte {}", e.offset)), "{e}");
            let compressed = kind == Ok(ContentKind::CompressedData);
            assert_eq!(
                e.kind == CompressErrorKind::NotCompressedData,
                !compressed,
                "{e}"
            );
        }
    }
});
