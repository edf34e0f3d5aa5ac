//! The sample corpus: every file under `samples/envelope/ok` parses with at most warnings,
//! every file under `samples/envelope/err` is flagged (exit 1) or refused (exit 2), and the
//! report for each is pinned as an insta snapshot (`cargo insta review` after a change).

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{edigate, relative};

fn corpus(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/envelope")
        .join(kind);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 15,
        "the {kind} corpus looks truncated: {files:?}"
    );
    files
}

fn snapshot_name(path: &Path, kind: &str) -> String {
    format!("{kind}__{}", path.file_stem().unwrap().to_string_lossy())
}

#[test]
fn ok_samples_parse_with_at_most_warnings() {
    for path in corpus("ok") {
        let rel = relative(&path);
        let (code, stdout, stderr) = edigate(&["parse", &rel]);
        assert_eq!(code, 0, "{rel} should be sound:\n{stdout}{stderr}");
        assert!(!stdout.contains("ERROR"), "{rel}:\n{stdout}");
        insta::assert_snapshot!(snapshot_name(&path, "ok"), stdout);
    }
}

#[test]
fn err_samples_are_flagged_or_refused() {
    for path in corpus("err") {
        let rel = relative(&path);
        let (code, stdout, stderr) = edigate(&["parse", &rel]);
        assert!(
            code == 1 || code == 2,
            "{rel} should be flagged, got exit {code}:\n{stdout}{stderr}"
        );
        assert!(
            stdout.contains("ERROR"),
            "{rel} has no error line:\n{stdout}"
        );
        insta::assert_snapshot!(snapshot_name(&path, "err"), stdout);
    }
}

/// The error each deliberately bad sample exists to show, by its stable code.
#[test]
fn err_samples_report_their_problem() {
    let expected = [
        ("delimiters-not-distinct", "component_separator_invalid"),
        (
            "duplicate-gs06-in-interchange",
            "duplicate_group_control_number",
        ),
        (
            "duplicate-st02-in-group",
            "duplicate_transaction_set_control_number",
        ),
        ("element-separator-letter", "delimiters_invalid"),
        ("empty", "isa_missing"),
        ("garbage-after-iea", "data_outside_interchange"),
        ("ge-missing", "ge_missing"),
        ("ge01-set-count", "ge01_set_count_mismatch"),
        (
            "ge02-control-number-mismatch",
            "gs_ge_control_number_mismatch",
        ),
        ("gs04-not-ccyymmdd", "gs04_invalid_date"),
        ("gs05-invalid-time", "gs05_invalid_time"),
        ("gs06-not-numeric", "gs06_invalid"),
        ("iea-missing-truncated", "iea_missing"),
        ("iea01-group-count", "iea01_group_count_mismatch"),
        (
            "iea02-control-number-mismatch",
            "isa_iea_control_number_mismatch",
        ),
        ("isa-missing-elements", "delimiters_invalid"),
        ("isa09-invalid-date", "isa09_invalid_date"),
        ("isa10-invalid-time", "isa10_invalid_time"),
        ("isa13-not-numeric", "isa13_invalid"),
        ("isa15-invalid-usage", "isa15_invalid"),
        ("no-isa", "isa_missing"),
        ("se-missing", "se_missing"),
        ("se-without-st", "unexpected_segment"),
        ("se01-segment-count", "se01_segment_count_mismatch"),
        (
            "se02-control-number-mismatch",
            "st_se_control_number_mismatch",
        ),
        ("segment-outside-group", "unexpected_segment"),
        ("segment-terminator-is-letter", "segment_terminator_invalid"),
        ("st01-invalid", "st01_invalid"),
        ("st02-too-short", "st02_invalid"),
        ("wrong-terminator-in-body", "se01_segment_count_mismatch"),
    ];
    let files = corpus("err");
    assert_eq!(
        files.len(),
        expected.len(),
        "every err sample needs its expected code here"
    );
    for (stem, code) in expected {
        let rel = format!("samples/envelope/err/{stem}.edi");
        let (_, stdout, _) = edigate(&["parse", "--json", &rel]);
        let doc: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{rel}: {e}\n{stdout}"));
        let found: Vec<&str> = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["level"] == "error")
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert!(
            found.contains(&code),
            "{rel}: expected error {code}, found {found:?}"
        );
    }
}

/// The JSON keys the CLI promises (see README), on a file with two interchanges.
#[test]
fn json_report_has_the_promised_shape() {
    let (code, stdout, _) = edigate(&[
        "parse",
        "--json",
        "samples/envelope/ok/two-interchanges-different-delimiters.edi",
    ]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let ics = doc["interchanges"].as_array().unwrap();
    assert_eq!(ics.len(), 2);
    let first = &ics[0];
    assert_eq!(first["sender"]["qualifier"], "ZZ");
    assert_eq!(first["sender"]["id"], "BIGRETAIL");
    assert_eq!(first["receiver"]["id"], "ACMESUPPLY");
    assert_eq!(first["control_number"], "000000101");
    assert_eq!(first["version"], "00401");
    assert_eq!(first["usage"], "T");
    assert_eq!(first["delimiters"]["element"], "*");
    assert_eq!(first["delimiters"]["component"], ">");
    assert!(first["delimiters"]["repetition"].is_null());
    assert_eq!(first["delimiters"]["segment"], "~");
    assert_eq!(ics[1]["delimiters"]["element"], "|");
    assert_eq!(ics[1]["delimiters"]["component"], ":");
    let group = &first["groups"][0];
    assert_eq!(group["functional_id"], "PO");
    assert_eq!(group["sender"], "BIGRETAIL");
    assert_eq!(group["receiver"], "ACMESUPPLY");
    assert_eq!(group["control_number"], "101");
    assert_eq!(group["version"], "004010");
    let set = &group["transactions"][0];
    assert_eq!(set["id"], "850");
    assert_eq!(set["control_number"], "0001");
    assert_eq!(set["segment_count"], 12);
    assert!(doc["diagnostics"].as_array().unwrap().is_empty());

    let (_, stdout, _) = edigate(&[
        "parse",
        "--json",
        "samples/envelope/err/se01-segment-count.edi",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "se01_segment_count_mismatch");
    assert_eq!(d["level"], "error");
    assert_eq!(d["ack"]["element"], "AK502");
    assert_eq!(d["ack"]["code"], "4");
    let text = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/envelope/err/se01-segment-count.edi"),
    )
    .unwrap();
    let offset = d["offset"].as_u64().unwrap() as usize;
    assert_eq!(
        &text[offset..offset + 2],
        b"99",
        "the offset points at SE01"
    );
}

#[test]
fn segments_flag_lists_every_segment() {
    let (code, stdout, _) = edigate(&[
        "parse",
        "--json",
        "--segments",
        "samples/envelope/ok/5010-repetition-separator.edi",
    ]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let set = &doc["interchanges"][0]["groups"][0]["transactions"][0];
    let segs = set["segments"].as_array().unwrap();
    assert_eq!(segs.len() as u64, set["segment_count"].as_u64().unwrap());
    assert_eq!(segs[0]["id"], "ST");
    assert_eq!(segs[2]["id"], "REF");
    assert_eq!(segs[2]["elements"][1], "038^039");
    assert_eq!(segs.last().unwrap()["id"], "SE");
}

#[test]
fn unreadable_file_exits_2_with_a_reason() {
    let (code, _, stderr) = edigate(&["parse", "samples/envelope/ok/no-such-file.edi"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot open samples/envelope/ok/no-such-file.edi"),
        "{stderr}"
    );
}

#[test]
fn standard_input_is_read_with_dash() {
    use std::io::Write;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/envelope/ok/850-standard.edi");
    let mut child = Command::new(env!("CARGO_BIN_EXE_edigate"))
        .args(["parse", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(path).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["interchanges"][0]["groups"][0]["transactions"][0]["segment_count"],
        12
    );
}

/// `--segments` in text: every segment, envelope ones included, whole and escaped.
#[test]
fn segments_listing_in_text() {
    for (name, file) in [
        (
            "segments__ta1",
            "samples/envelope/ok/ta1-before-first-group.edi",
        ),
        (
            "segments__se01",
            "samples/envelope/err/se01-segment-count.edi",
        ),
        (
            "segments__isa-line-break",
            "samples/envelope/ok/isa-line-break-in-isa02.edi",
        ),
    ] {
        let (_, stdout, _) = edigate(&["parse", "--segments", file]);
        assert!(stdout.contains("IEA*1*"), "{file}: IEA listed\n{stdout}");
        insta::assert_snapshot!(name, stdout);
    }
}
