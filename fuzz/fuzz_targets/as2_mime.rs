//! Fuzz target `as2_mime`: whatever arrives as an AS2 message body is read as MIME without a
//! panic, and what is read holds: every part is the exact bytes of the input it came from
//! (a signature is checked over them), its body ends its raw bytes, a decoded body is never
//! larger than what was sent (no growth from the transfer encodings), nested multiparts are
//! read to a bounded depth.
//!
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run as2_mime fuzz/corpus/as2_mime`, seeded with
//! `fuzz/seeds/as2_mime/*`.
#![no_main]

use edigate::transport::as2::mime::Entity;
use libfuzzer_sys::fuzz_target;

fn within(outer: &[u8], inner: &[u8]) -> bool {
    let (o, i) = (outer.as_ptr() as usize, inner.as_ptr() as usize);
    i >= o && i + inner.len() <= o + outer.len()
}

fn check(input: &[u8], entity: &Entity<'_>, depth: usize) {
    assert!(within(input, entity.raw), "a part outside the input");
    assert!(entity.raw.ends_with(entity.body), "the body does not end the part");
    if let Ok(decoded) = entity.decoded_body() {
        assert!(decoded.len() <= entity.body.len(), "decoding grew the body");
    }
    let _ = entity.content_type();
    if depth < 4
        && let Ok(parts) = entity.parts()
    {
        assert!(!parts.is_empty(), "a multipart read as no parts");
        let again = entity.parts().expect("read once, read again");
        assert_eq!(parts, again);
        for part in &parts {
            assert!(within(entity.body, part.raw), "a part outside its body");
            check(input, part, depth + 1);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(entity) = Entity::parse(data) {
        check(data, &entity, 0);
    }
});
