//! `validate` and `ack` over the sample corpora: every report and every reply pinned as an
//! insta snapshot, every code the validator can produce shown by some sample, every sample
//! named after a code showing it, and every 997 we emit accepted by our own validator and by
//! an independent one (pyx12's x12valid, for 004010).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{edigate, relative};
use serde_json::Value;

/// The reply's date and time are fixed so that snapshots do not change with the clock.
const ACK: [&str; 6] = [
    "ack",
    "--no-partners",
    "--date",
    "20261126",
    "--time",
    "1200",
];

fn corpora() -> Vec<(&'static str, PathBuf)> {
    let mut all = Vec::new();
    for (prefix, dir) in [
        ("validate", "samples/validate"),
        ("envelope_ok", "samples/envelope/ok"),
        ("envelope_err", "samples/envelope/err"),
    ] {
        let files = common::files(dir);
        assert!(files.len() >= 10, "{dir} looks truncated: {files:?}");
        all.extend(files.into_iter().map(|f| (prefix, f)));
    }
    all
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

struct Run {
    status: i32,
    report: Option<Value>,
    reply: String,
}

/// Every sample's run, computed once for all the tests of this file.
fn runs() -> &'static [(&'static str, PathBuf, Run)] {
    static RUNS: std::sync::OnceLock<Vec<(&'static str, PathBuf, Run)>> =
        std::sync::OnceLock::new();
    RUNS.get_or_init(|| {
        corpora()
            .into_iter()
            .map(|(prefix, path)| {
                let run = run(&path);
                (prefix, path, run)
            })
            .collect()
    })
}

fn run_of(path: &Path) -> &'static Run {
    &runs()
        .iter()
        .find(|(_, p, _)| p == path)
        .expect("a sample of the corpora")
        .2
}

fn run(path: &Path) -> Run {
    let rel = relative(path);
    let (status, stdout, stderr) = edigate(&["validate", "--no-partners", "--json", &rel]);
    let report = match status {
        0 | 1 => {
            Some(serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{rel}: {e}\n{stdout}")))
        }
        2 => {
            assert!(
                stderr.contains(&rel),
                "{rel}: exit 2 must name the file: {stderr}"
            );
            None
        }
        other => panic!("{rel}: exit {other}\n{stderr}"),
    };
    let mut args = ACK.to_vec();
    args.push(&rel);
    let (ack_status, reply, ack_stderr) = edigate(&args);
    assert_eq!(
        ack_status, status,
        "{rel}: ack and validate disagree on the verdict\n{ack_stderr}"
    );
    Run {
        status,
        report,
        reply,
    }
}

/// Every finding and code a report holds, as `KIND CODE` strings (`AK304 3`, `TA105 023`).
fn codes(report: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    for i in list(&report["interchanges"]) {
        if i["ack_code"] == "R" {
            out.insert(format!("TA105 {}", i["note"].as_str().unwrap()));
        }
        for g in list(&i["groups"]) {
            for c in list(&g["error_codes"]) {
                out.insert(format!("AK905 {}", c.as_str().unwrap()));
            }
            for t in list(&g["transactions"]) {
                for c in list(&t["error_codes"]) {
                    out.insert(format!("AK502 {}", c.as_str().unwrap()));
                }
                for f in list(&t["findings"]) {
                    if f["severity"] != "error" {
                        continue;
                    }
                    let kind = if f["level"] == "element" {
                        "AK403"
                    } else {
                        "AK304"
                    };
                    out.insert(format!("{kind} {}", f["code"].as_str().unwrap()));
                }
            }
        }
    }
    out
}

#[test]
fn every_sample_is_validated_and_acknowledged() {
    for (prefix, path, result) in runs() {
        let name = stem(path);
        if name.starts_with("ok-") {
            let report = result.report.as_ref().unwrap();
            assert_eq!(result.status, 0, "{name} must be accepted");
            assert_eq!(
                report.to_string().matches("\"severity\"").count(),
                0,
                "{name} must have no findings at all: {report:#}"
            );
        }
        if let Some(report) = &result.report {
            insta::assert_json_snapshot!(format!("{prefix}__{name}__validate"), report);
        }
        insta::assert_snapshot!(format!("{prefix}__{name}__ack"), result.reply);
    }
}

#[test]
fn the_corpus_shows_every_code_the_validator_produces() {
    let mut found = BTreeSet::new();
    for (_, _, run) in runs() {
        if let Some(report) = &run.report {
            found.extend(codes(report));
        }
    }
    let mut expected: Vec<String> = Vec::new();
    for c in ["1", "2", "3", "4", "5", "6", "7"] {
        expected.push(format!("AK304 {c}"));
    }
    for c in [
        "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "12", "13",
    ] {
        expected.push(format!("AK403 {c}"));
    }
    for c in ["1", "2", "3", "4", "5", "6", "7", "23"] {
        expected.push(format!("AK502 {c}"));
    }
    for c in ["1", "2", "3", "4", "5", "6", "19"] {
        expected.push(format!("AK905 {c}"));
    }
    // Every TA1 note the envelope checker can give with an error.
    for p in edigate::x12::Problem::ALL {
        if let (Some(edigate::x12::AckCode::InterchangeNote(n)), edigate::x12::Level::Error) =
            (p.ack_code(), p.default_level())
        {
            expected.push(format!("TA105 {n}"));
        }
    }
    let missing: Vec<&String> = expected.iter().filter(|c| !found.contains(*c)).collect();
    assert!(
        missing.is_empty(),
        "no sample shows {missing:?}; found {found:?}"
    );
}

#[test]
fn samples_named_after_a_code_show_it() {
    for path in common::files("samples/validate") {
        let name = stem(&path);
        let mut parts = name.splitn(3, '-');
        let (kind, code) = (parts.next().unwrap(), parts.next().unwrap_or(""));
        let kind = match kind {
            "ak304" => "AK304",
            "ak403" => "AK403",
            "ak502" => "AK502",
            "ak905" => "AK905",
            "ta1" => "TA105",
            "ok" => continue,
            other => {
                panic!("{name}: a sample's name starts with ok or the code it shows, not {other}")
            }
        };
        let report = run_of(&path)
            .report
            .as_ref()
            .unwrap_or_else(|| panic!("{name} was not read"));
        let found = codes(report);
        assert!(
            found.contains(&format!("{kind} {code}")),
            "{name} does not show {kind} {code}: {found:?}"
        );
    }
}

/// The replies to every sample, written to `dir`: (sample name, reply file).
fn replies(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for (prefix, path, run) in runs() {
        let reply = &run.reply;
        if reply.is_empty() {
            continue;
        }
        let file = dir.join(format!("{prefix}-{}.x12", stem(path)));
        std::fs::write(&file, reply).unwrap();
        out.push((stem(path), file));
    }
    out
}

#[test]
fn our_replies_pass_our_own_validator() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (name, file) in replies(dir.path()) {
        if echoes_invalid_control_number(&std::fs::read(&file).unwrap()) || misaddressed(&name) {
            continue;
        }
        let (_, stdout, stderr) = edigate(&[
            "validate",
            "--no-partners",
            "--json",
            file.to_str().unwrap(),
        ]);
        let report: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{stdout}{stderr}"));
        let reply = std::fs::read_to_string(&file).unwrap();
        for i in report["interchanges"].as_array().unwrap() {
            assert_eq!(
                i["ack_code"], "A",
                "the reply to {name} has envelope errors:\n{report:#}\n{reply}"
            );
            for g in i["groups"].as_array().unwrap() {
                // A 997 in a version edigate has no specs for (it answers a group in that
                // version) cannot be checked here.
                if g["error_codes"] == serde_json::json!(["2"]) {
                    continue;
                }
                checked += 1;
                assert_eq!(
                    g["ack_code"], "A",
                    "the reply to {name} is not valid:\n{report:#}\n{reply}"
                );
                for t in g["transactions"].as_array().unwrap() {
                    assert_eq!(
                        t["findings"],
                        serde_json::json!([]),
                        "the reply to {name} has findings:\n{report:#}\n{reply}"
                    );
                }
            }
        }
    }
    assert!(checked >= 50, "only {checked} 997 groups were checked");
}

#[test]
fn pyx12_accepts_our_004010_997s() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for (name, file) in replies(dir.path()) {
        let bytes = std::fs::read(&file).unwrap();
        for (n, interchange) in interchanges(&bytes).into_iter().enumerate() {
            if echoes_invalid_control_number(interchange) {
                continue;
            }
            let Some(healthcare) = for_pyx12(interchange) else {
                continue;
            };
            let path = dir.path().join(format!("{name}-{n}.997"));
            std::fs::write(&path, healthcare).unwrap();
            inputs.push(path);
        }
    }
    assert!(
        inputs.len() >= 20,
        "too few 004010 997s to check: {}",
        inputs.len()
    );
    let args: Vec<&std::ffi::OsStr> = inputs.iter().map(|p| p.as_os_str()).collect();
    let Some(output) = common::python("tests/peers/pyx12_valid.py", &args) else {
        return;
    };
    match output.status.code() {
        Some(0) => {}
        Some(3) => {
            common::skip(&format!(
                "pyx12 is not installed: {}",
                common::text(&output).trim()
            ));
        }
        _ => panic!("pyx12 rejects 997s we emit:\n{}", common::text(&output)),
    }
}

/// The reply's interchanges, each with its own delimiters (pyx12 reads one set per file).
fn interchanges(bytes: &[u8]) -> Vec<&[u8]> {
    let starts: Vec<usize> = (0..bytes.len())
        .filter(|&i| bytes[i..].starts_with(b"ISA"))
        .collect();
    let starts: Vec<usize> = starts
        .into_iter()
        .filter(|&i| i == 0 || bytes.get(i + 106).is_some())
        .collect();
    let mut out = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(bytes.len());
        out.push(&bytes[start..end]);
    }
    out
}

/// One reply interchange made fit for pyx12's 997 map, or None when pyx12 has no map for
/// it (it knows 004010 997s in 00401 interchanges only). The map is written for
/// healthcare: AK101 and AK201 may only name healthcare groups and sets, so those two
/// values become HC and 837; everything else is checked as we emit it.
fn for_pyx12(interchange: &[u8]) -> Option<Vec<u8>> {
    let (element, terminator) = (*interchange.get(3)?, *interchange.get(105)?);
    let segments: Vec<&[u8]> = interchange.split(|&b| b == terminator).collect();
    let isa: Vec<&[u8]> = segments[0].split(|&b| b == element).collect();
    if isa.get(12) != Some(&&b"00401"[..]) {
        return None;
    }
    let mut out = Vec::new();
    let mut has_997 = false;
    for (k, segment) in segments.iter().enumerate() {
        let lead = segment
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        let mut fields: Vec<Vec<u8>> = segment[lead..]
            .split(|&b| b == element)
            .map(<[u8]>::to_vec)
            .collect();
        match fields[0].as_slice() {
            b"GS" if fields.get(8).map(Vec::as_slice) != Some(b"004010") => return None,
            b"ST" if fields.get(1).map(Vec::as_slice) == Some(b"997") => has_997 = true,
            b"AK1" if fields.len() > 1 => fields[1] = b"HC".to_vec(),
            b"AK2" if fields.len() > 1 => fields[1] = b"837".to_vec(),
            _ => {}
        }
        out.extend_from_slice(&segment[..lead]);
        out.extend_from_slice(&fields.join(&element));
        if k + 1 < segments.len() {
            out.push(terminator);
        }
    }
    has_997.then_some(out)
}

/// Whether a reply echoes a received identifier that is itself invalid (GS06 not 1-9
/// digits, ST01 not three digits, ST02 not 4-9 characters): the 997 must carry it as
/// received for the partner to match it, so that 997 cannot pass a strict check. The
/// validator has reported the received value (AK905 6, AK502 6 or 7); such replies are left
/// out of the checks of our 997s.
fn echoes_invalid_control_number(reply: &[u8]) -> bool {
    let Some(&element) = reply.get(3) else {
        return false;
    };
    let Some(&terminator) = reply.get(105) else {
        return false;
    };
    reply.split(|&b| b == terminator).any(|segment| {
        let segment = segment.trim_ascii_start();
        let fields: Vec<&[u8]> = segment.split(|&b| b == element).collect();
        match fields[0] {
            b"AK1" => fields
                .get(2)
                .is_none_or(|v| v.is_empty() || v.len() > 9 || !v.iter().all(u8::is_ascii_digit)),
            b"AK2" => {
                fields
                    .get(1)
                    .is_none_or(|v| v.len() != 3 || !v.iter().all(u8::is_ascii_digit))
                    || fields.get(2).is_none_or(|v| !(4..=9).contains(&v.len()))
            }
            _ => false,
        }
    })
}

/// Whether the sample's own ISA names its sender or receiver wrongly (TA1 notes 005-008):
/// the reply can only be addressed from those fields, so its ISA is as wrong as theirs.
/// (Partner profiles will supply a sound address.)
fn misaddressed(name: &str) -> bool {
    runs().iter().any(|(_, path, run)| {
        stem(path) == name
            && run.report.as_ref().is_some_and(|r| {
                r["interchanges"].as_array().unwrap().iter().any(|i| {
                    ["005", "006", "007", "008"].contains(&i["note"].as_str().unwrap_or(""))
                })
            })
    })
}
