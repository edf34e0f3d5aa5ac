//! Parse FILE with the `edi` crate (strict `edi::parse`, which also checks the
//! SE/GE/IEA counts and control numbers), walk the resulting document down to
//! every element, and print the segment count on stdout.
//!
//! `edi` takes a `&str` and builds the whole document tree in memory, so the
//! file is read as one String.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: edi FILE");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("edi: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let doc = match edi::parse(&text) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("edi: parse error: {e}");
            return ExitCode::FAILURE;
        }
    };

    // The tree keeps envelope segments (ISA/IEA, GS/GE, ST/SE) as struct
    // fields rather than segments, so count them back in: 2 per level.
    let (mut segments, mut elements, mut bytes) = (0u64, 0u64, 0u64);
    for isa in &doc.interchanges {
        segments += 2;
        bytes += isa.interchange_control_number.len() as u64;
        for gs in &isa.functional_groups {
            segments += 2;
            bytes += gs.group_control_number.len() as u64;
            for st in &gs.transactions {
                segments += 2;
                bytes += st.transaction_set_control_number.len() as u64;
                for seg in &st.segments {
                    segments += 1;
                    bytes += seg.segment_abbreviation.len() as u64;
                    for el in &seg.elements {
                        elements += 1;
                        bytes += el.len() as u64;
                    }
                }
            }
        }
    }
    eprintln!("edi: {segments} segments, {elements} body elements, {bytes} data bytes");
    println!("{segments}");
    ExitCode::SUCCESS
}
