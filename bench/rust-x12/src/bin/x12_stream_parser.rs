//! Walk every segment, element and component of FILE with the
//! `x12-stream-parser` crate and print the segment count on stdout.
//!
//! The crate's `Parser` borrows a `&[u8]`, so despite its name the whole file
//! has to be in memory: we read it in one go, as a user of the crate would.

use std::process::ExitCode;
use x12_stream_parser::{split_sub_elements, Delimiters, Parser};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: x12_stream_parser FILE");
        return ExitCode::from(2);
    };
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("x12_stream_parser: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The crate does not find delimiters itself; it offers from_isa() on the
    // fixed-width ISA header (element sep at 3, component at 104, term at 105).
    let delims = match Delimiters::from_isa(&data) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("x12_stream_parser: bad ISA header: {e:?}");
            return ExitCode::FAILURE;
        }
    };
    // The parser reports trailing bytes after the last terminator (our files
    // end in "~\n") as UnterminatedSegment, so trim trailing whitespace first.
    let end = data
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    let comp = delims.sub_element_separator();

    let (mut segments, mut elements, mut components, mut bytes) = (0u64, 0u64, 0u64, 0u64);
    for seg in Parser::new(&data[..end], delims) {
        let seg = match seg {
            Ok(s) => s,
            Err(e) => {
                eprintln!("x12_stream_parser: parse error after {segments} segments: {e:?}");
                return ExitCode::FAILURE;
            }
        };
        segments += 1;
        // Segment ids keep the "\n" that follows the previous terminator; a
        // real consumer would strip it, so do that work too.
        let id = seg.id();
        let id = &id[id.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
        bytes += id.len() as u64;
        for el in seg.elements() {
            elements += 1;
            for c in split_sub_elements(el, comp) {
                components += 1;
                bytes += c.len() as u64;
            }
        }
    }
    eprintln!("x12_stream_parser: {segments} segments, {elements} elements, {components} components, {bytes} data bytes");
    println!("{segments}");
    ExitCode::SUCCESS
}
