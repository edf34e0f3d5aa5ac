//! The generator's output checked by an independent engine (Bots, through
//! `tests/peers/bots_check.py`) and by our own command line.
//!
//! Bots is a Python package that may be missing on a developer's machine: then the Bots test
//! says why it is skipped and passes, unless `EDIGATE_REQUIRE_PEERS=1` (CI) makes it fail.

use std::fs::File;
use std::io::BufWriter;
use std::process::Command;

use edigate::x12::generate::{Generator, SetKind};

mod common;
use common::skip;

const EDIGATE: &str = env!("CARGO_BIN_EXE_edigate");

#[test]
fn bots_accepts_generated_interchanges() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("generated.x12");
    // Bots needs about a second per megabyte: enough for dozens of interchanges of all
    // four kinds, small enough to keep the suite quick.
    let summary = Generator::new(2024, 1_200_000)
        .write(BufWriter::new(File::create(&path).unwrap()))
        .unwrap();
    assert!(summary.interchanges >= 10, "{summary:?}");
    for kind in SetKind::ALL {
        assert!(summary.sets_of(kind) > 0, "no {} in {summary:?}", kind.id());
    }

    let Some(output) = common::python("tests/peers/bots_check.py", &[path.as_os_str()]) else {
        return;
    };
    let report = common::text(&output);
    match output.status.code() {
        Some(0) => {}
        Some(3) => skip(&format!("Bots is not installed: {}", report.trim())),
        status => {
            // Only the first error is reliably the cause; the rest are usually its cascade.
            let shown: String = report.lines().take(40).collect::<Vec<_>>().join("\n");
            panic!("Bots rejected the generated file (exit {status:?}):\n{shown}");
        }
    }
}

#[test]
fn cli_generates_a_file_that_parses_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.edi");
    let out = Command::new(EDIGATE)
        .args(["generate", "--size", "300KB", "--seed", "7", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "generate failed: {stderr}");
    assert!(out.stdout.is_empty(), "with --out nothing goes to stdout");
    let size = std::fs::metadata(&path).unwrap().len();
    assert!((300_000..360_000).contains(&size), "{size} bytes");
    assert!(stderr.contains(&format!("{size} bytes")), "{stderr}");

    let parse = Command::new(EDIGATE)
        .arg("parse")
        .arg(&path)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&parse.stdout);
    assert_eq!(parse.status.code(), Some(0), "{report}");
    assert!(
        report.contains("0 error(s), 0 warning(s): envelopes sound"),
        "{}",
        report.lines().last().unwrap_or_default()
    );
}

#[test]
fn cli_writes_the_same_bytes_to_stdout_and_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.edi");
    let run = |extra: &[&str]| {
        Command::new(EDIGATE)
            .args(["generate", "--size", "20KB", "--sets", "856"])
            .args(extra)
            .output()
            .unwrap()
    };
    let to_file = run(&["--out", path.to_str().unwrap()]);
    assert!(to_file.status.success());
    let to_stdout = run(&[]);
    assert!(to_stdout.status.success());
    assert_eq!(std::fs::read(&path).unwrap(), to_stdout.stdout);
    let text = String::from_utf8(to_stdout.stdout).unwrap();
    assert!(text.contains("GS*SH*") && !text.contains("ST*850*"));
}

#[test]
fn cli_refuses_bad_arguments_with_status_2() {
    for args in [
        &["generate"][..],
        &["generate", "--size", "12XB"],
        &["generate", "--size", "1MB", "--sets", "997"],
        &["generate", "--size", "1MB", "--seed", "-1"],
        &[
            "generate",
            "--size",
            "1MB",
            "--out",
            "/nonexistent-dir/g.edi",
        ],
    ] {
        let out = Command::new(EDIGATE).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} gave no reason");
    }
}
