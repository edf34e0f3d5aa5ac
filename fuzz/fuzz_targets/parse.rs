//! Fuzz target `parse`: the checks live in `tests/fuzz_regressions.rs` so that every input
//! the fuzzer finds can be replayed by `cargo test --test fuzz_regressions`.
//!
//! Input layout: byte 0 chooses how the streaming readers chunk the input, the rest is the
//! document. Run with `RUSTC_BOOTSTRAP=1 cargo fuzz run parse` (see tests/fuzz_regressions.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_regressions.rs"]
#[allow(dead_code)]
mod checks;

fuzz_target!(|data: &[u8]| checks::check(data));
