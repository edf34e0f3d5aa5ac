//! `edigate translate` over the sample corpora, generated 820s and the public 850s and 820s:
//! every purchase order, remittance and invoice pinned as an insta snapshot (exit status, the JSON
//! lines pretty-printed, standard error), every line valid JSON of a known type, and the exit
//! status telling the truth.

mod common;

use std::path::{Path, PathBuf};

use common::{edigate, relative};
use edigate::x12::generate::{Generator, SetKind};
use rust_decimal::Decimal;
use serde_json::Value;

/// What one run printed.
struct Run {
    status: i32,
    lines: Vec<Value>,
    stderr: String,
}

fn run(args: &[&str], file: &str) -> Run {
    let mut all = args.to_vec();
    all.push(file);
    let (status, stdout, stderr) = edigate(&all);
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{file}: {e}\n{l}")))
        .collect();
    Run {
        status,
        lines,
        stderr,
    }
}

fn kind(line: &Value) -> &str {
    line["type"].as_str().unwrap_or("")
}

/// The snapshot text: exit status, each line pretty-printed, standard error.
fn snapshot(run: &Run, stderr: &str) -> String {
    let mut text = format!("exit: {}\n--- stdout\n", run.status);
    for line in &run.lines {
        text.push_str(&serde_json::to_string_pretty(line).unwrap());
        text.push('\n');
    }
    text.push_str("--- stderr\n");
    text.push_str(stderr);
    text
}

/// The sample files of the corpora the mapped sets (850s, 820s, 810s) are taken from.
fn corpora() -> Vec<(&'static str, PathBuf)> {
    let mut files: Vec<(&str, PathBuf)> = common::files("samples/validate")
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("ok-"))
        })
        .map(|p| ("validate", p))
        .collect();
    files.extend(
        common::files("samples/envelope/ok")
            .into_iter()
            .map(|p| ("envelope_ok", p)),
    );
    assert!(files.len() >= 20, "the corpora look truncated: {files:?}");
    files
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Checks what every run must satisfy, whatever the input.
fn check_contract(file: &str, run: &Run) {
    assert!(matches!(run.status, 0..=2), "{file}: exit {}", run.status);
    for line in &run.lines {
        match kind(line) {
            kind @ ("purchase_order" | "remittance" | "invoice" | "ship_notice") => {
                let id = match kind {
                    "remittance" => "820",
                    "invoice" => "810",
                    "ship_notice" => "856",
                    _ => "850",
                };
                assert_eq!(line["id"], id, "{file}");
                assert!(line["document"]["source"].is_object(), "{file}: no source");
                let findings = line.get("findings").and_then(Value::as_array);
                if findings.is_some_and(|f| !f.is_empty()) {
                    assert_eq!(run.status, 1, "{file}: findings must make the exit 1");
                }
            }
            "not_mapped" => {
                assert_eq!(run.status, 1, "{file}: a set not mapped makes the exit 1");
                assert!(
                    line["reason"]
                        .as_str()
                        .unwrap()
                        .contains("edigate maps 850, 810, 856 and 820"),
                    "{file}: {line}"
                );
                assert!(line["source"].is_object(), "{file}");
            }
            other => panic!("{file}: unknown line type {other:?}"),
        }
    }
}

/// A line of a mapped set.
fn mapped(line: &Value) -> bool {
    matches!(kind(line), "purchase_order" | "remittance" | "invoice")
}

/// Files of the good corpora whose 850 gives a finding, and why.
const FINDINGS_EXPECTED: &[(&str, &str)] = &[(
    "5010-repetition-separator.edi",
    "REF02 is repeated although it does not repeat (its envelopes are sound; validate \
     rejects the set for AK403 12)",
)];

#[test]
fn every_sample_850_820_and_810_translates() {
    let (mut orders, mut remittances, mut invoices) = (0, 0, 0);
    for (corpus, path) in corpora() {
        let file = relative(&path);
        let run = run(&["translate"], &file);
        check_contract(&file, &run);
        if !run.lines.iter().any(mapped) {
            continue;
        }
        orders += usize::from(run.lines.iter().any(|l| kind(l) == "purchase_order"));
        remittances += usize::from(run.lines.iter().any(|l| kind(l) == "remittance"));
        invoices += usize::from(run.lines.iter().any(|l| kind(l) == "invoice"));
        // The good corpora translate without a finding; only sets not mapped yet fail.
        let expected = FINDINGS_EXPECTED.iter().any(|(f, _)| file.ends_with(f));
        let findings = run.lines.iter().any(|l| l.get("findings").is_some());
        assert_eq!(findings, expected, "{file}\n{}", run.stderr);
        let not_mapped = run.lines.iter().any(|l| kind(l) == "not_mapped");
        // The envelope corpus is about envelopes: a body the standard rejects (a composite
        // where a simple element belongs) is translated and said to be rejected.
        let rejected = run
            .lines
            .iter()
            .any(|l| l["validation"]["checked"] == true && l["validation"]["ack_code"] == "R");
        assert_eq!(
            run.status,
            i32::from(not_mapped || findings || rejected),
            "{file}\n{}",
            run.stderr
        );
        insta::assert_snapshot!(
            format!("{corpus}__{}", stem(&path)),
            snapshot(&run, &run.stderr)
        );
    }
    assert!(orders >= 20, "only {orders} files with an 850");
    assert!(remittances >= 3, "only {remittances} files with an 820");
    assert!(invoices >= 2, "only {invoices} files with an 810");
}

/// Generated 820s, both versions: every one a remittance whose items add up to its payment,
/// with nothing left unmapped but the advice's own date (DTM 097, which the model has no
/// place for).
#[test]
fn generated_820s_translate() {
    let dir = tempfile::tempdir().unwrap();
    for (name, generator) in [
        ("004010", Generator::new(820, 2_500)),
        ("005010", Generator::new(5820, 2_500).version_5010()),
    ] {
        let path = dir.path().join(format!("generated-820-{name}.edi"));
        let file = std::fs::File::create(&path).unwrap();
        let summary = generator
            .kinds(&[SetKind::RemittanceAdvice])
            .write(std::io::BufWriter::new(file))
            .unwrap();
        let path = path.to_str().unwrap();
        let run = run(&["translate"], path);
        check_contract(path, &run);
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert_eq!(
            run.lines.len() as u64,
            summary.sets_of(SetKind::RemittanceAdvice)
        );
        for line in &run.lines {
            assert_eq!(kind(line), "remittance");
            let document = &line["document"];
            let amount = |v: &Value| Decimal::from_str_exact(v.as_str().unwrap()).unwrap();
            let paid: Decimal = document["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| amount(&i["amount_paid"]))
                .sum();
            assert_eq!(paid, amount(&document["payment"]["amount"]));
            let unmapped: Vec<_> = document["source"]["unmapped"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| {
                    (
                        u["id"].as_str().unwrap(),
                        u["elements"][0].as_str().unwrap(),
                    )
                })
                .collect();
            assert_eq!(unmapped, [("DTM", "097")], "{line}");
        }
        let stderr = run.stderr.replace(path, "generated.edi");
        insta::assert_snapshot!(format!("generated__820-{name}"), snapshot(&run, &stderr));
    }
}

#[test]
fn format_json_is_the_default() {
    let file = "samples/validate/ok-850-004010.edi";
    let plain = run(&["translate"], file);
    let json = run(&["translate", "--format", "json"], file);
    assert_eq!(plain.lines, json.lines);
    let (status, _, stderr) = edigate(&["translate", "--format", "yaml", file]);
    assert_eq!(status, 2, "{stderr}");
}

#[test]
fn mapping_findings_go_to_stderr_with_their_place() {
    let file = "samples/validate/ak403-8-invalid-date-beg05-850-004010.edi";
    let run = run(&["translate"], file);
    check_contract(file, &run);
    assert_eq!(run.status, 1);
    let finding = &run.lines[0]["findings"][0];
    assert_eq!(finding["segment"], "BEG");
    assert_eq!(finding["position"], 2);
    assert_eq!(finding["element"], 5);
    assert!(
        run.stderr
            .contains("segment 2 BEG: BEG05 '20261131' is not a date"),
        "{}",
        run.stderr
    );
    let unmapped = &run.lines[0]["document"]["source"]["unmapped"];
    assert_eq!(unmapped[0]["id"], "BEG", "the bad value is kept");
}

#[test]
fn other_sets_are_not_mapped_yet() {
    let file = "samples/validate/ok-997-004010.edi";
    let run = run(&["translate"], file);
    check_contract(file, &run);
    assert_eq!(run.status, 1);
    assert_eq!(run.lines.len(), 1);
    let line = &run.lines[0];
    assert_eq!(kind(line), "not_mapped");
    assert_eq!(line["id"], "997");
    assert!(
        line["reason"]
            .as_str()
            .unwrap()
            .starts_with("a 997 acknowledges other sets and has no canonical document"),
        "{line}"
    );
    assert_eq!(line["source"]["version"], "004010");
    assert!(run.stderr.contains("not mapped"), "{}", run.stderr);
}

#[test]
fn unreadable_input_exits_2() {
    let (status, stdout, stderr) = edigate(&["translate", "no/such/file.edi"]);
    assert_eq!((status, stdout.as_str()), (2, ""));
    assert!(stderr.contains("no/such/file.edi"), "{stderr}");
    let (status, _, stderr) = edigate(&["translate", "samples/envelope/err/no-isa.edi"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("no usable interchange"), "{stderr}");
}

fn public_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples-public");
    if dir.is_dir() {
        return Some(dir);
    }
    common::skip(&format!("{} is missing", dir.display()));
    None
}

/// The public files with an 850 in them.
const PUBLIC_850S: &[&str] = &[
    "Stedi-Demos__bootstrap-archived/input.edi",
    "aaronhuggins__node-x12/850.edi",
    "aaronhuggins__node-x12/850_fat.edi",
    "indice-co__EDI.Net/x12.850.edi",
    "indice-co__EDI.Net/x12.810.mandatory-conditions.edi",
    "kputnam__stupidedi/004010_PO850_pass/1.edi",
    "olmelabs__EdiEngine/850.Composite.SLN.OK.edi",
    "tcd__eddy/BAM850FAVY_201906251707.edi",
    "walmartlabs__gozer/po850.txt",
];

#[test]
fn public_850s_translate() {
    let Some(dir) = public_dir() else { return };
    for file in PUBLIC_850S {
        let path = dir.join(file);
        let path = path.to_str().unwrap();
        let run = run(&["translate"], path);
        check_contract(file, &run);
        assert!(
            run.lines.iter().any(|l| kind(l) == "purchase_order"),
            "{file}: no purchase order"
        );
        // Snapshots must not depend on where the checkout lives.
        let stderr = run.stderr.replace(path, file);
        insta::assert_snapshot!(
            format!("public__{}", file.replace('/', "__")),
            snapshot(&run, &stderr)
        );
    }
}

/// The public files with an 820 in them. The one there is, 003010, is read with the 004010
/// layout (the nearest version edigate has): its BPS, RMT and LS/LE predate the BPR, RMR and
/// ENT, so it maps to little, with findings, and is kept almost whole in `unmapped`.
const PUBLIC_820S: &[&str] = &["kputnam__stupidedi/003010_RA820_pass/1.edi"];

#[test]
fn public_820s_translate() {
    let Some(dir) = public_dir() else { return };
    for file in PUBLIC_820S {
        let path = dir.join(file);
        let path = path.to_str().unwrap();
        let run = run(&["translate"], path);
        check_contract(file, &run);
        assert!(
            run.lines.iter().any(|l| kind(l) == "remittance"),
            "{file}: no remittance"
        );
        let stderr = run.stderr.replace(path, file);
        insta::assert_snapshot!(
            format!("public__{}", file.replace('/', "__")),
            snapshot(&run, &stderr)
        );
    }
}

#[test]
fn a_set_the_standard_rejects_is_translated_and_said_to_be_rejected() {
    let file = "samples/validate/ak403-1-beg03-po-number-missing-850-004010.edi";
    let run = run(&["translate"], file);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let line = &run.lines[0];
    assert_eq!(kind(line), "purchase_order");
    let validation = &line["validation"];
    assert_eq!(validation["checked"], true);
    assert_eq!(validation["ack_code"], "R");
    assert_eq!(validation["error_codes"], serde_json::json!(["5"]));
    let finding = &validation["findings"][0];
    assert_eq!(
        (finding["segment"].as_str(), finding["element"].as_u64()),
        (Some("BEG"), Some(3))
    );
    assert_eq!(finding["code"], "1");
    assert!(
        run.stderr
            .contains("rejected by the standard (AK501 R, AK502 5)"),
        "{}",
        run.stderr
    );
    // A clean set says nothing about the standard.
    let clean = run_lines("samples/validate/ok-850-004010.edi");
    assert!(clean.iter().all(|l| l.get("validation").is_none()));
}

fn run_lines(file: &str) -> Vec<Value> {
    run(&["translate"], file).lines
}

#[test]
fn standard_input_translates_like_the_file() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let file = "samples/validate/ok-multi-interchange-mixed-versions.edi";
    let bytes = std::fs::read(common::repo(file)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_edigate"))
        .args(["translate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    let from_file = edigate(&["translate", file]);
    assert_eq!(out.status.code(), Some(from_file.0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), from_file.1);
    assert!(from_file.1.lines().count() >= 4, "{}", from_file.1);
}

/// An XML element read back into the JSON it was written from, by the inverse of the rule
/// in `cli/xml.rs`: text alone is a string (JSON numbers come back as their text), `<item>`
/// children an array, other children an object.
fn xml_to_json(node: roxmltree_free::Node) -> Value {
    match node {
        roxmltree_free::Node::Text(text) => Value::String(text),
        roxmltree_free::Node::Items(items) => {
            Value::Array(items.into_iter().map(xml_to_json).collect())
        }
        roxmltree_free::Node::Members(members) => Value::Object(
            members
                .into_iter()
                .map(|(k, v)| (k, xml_to_json(v)))
                .collect(),
        ),
    }
}

/// JSON with every number written as a string and no empty arrays, as the XML holds it.
fn scalars_as_text(value: &Value) -> Value {
    match value {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Array(items) => Value::Array(items.iter().map(scalars_as_text).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k.clone(), scalars_as_text(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A small reader of the XML `translate --format xml` writes, with quick-xml.
mod roxmltree_free {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    pub enum Node {
        Text(String),
        Items(Vec<Node>),
        Members(Vec<(String, Node)>),
    }

    /// The root's children: each `<set>` with its attributes and its content.
    pub fn sets(xml: &str) -> Vec<(Vec<(String, String)>, Node)> {
        // Not trimmed: an entity splits a value's text, and the spaces beside it are data.
        // The indentation between elements is dropped where elements have children.
        let mut reader = Reader::from_str(xml);
        let mut sets = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) if e.name().0 == "set" => {
                    let attributes = e
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            (
                                a.key.0.to_string(),
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .unwrap()
                                    .into_owned(),
                            )
                        })
                        .collect();
                    sets.push((attributes, children(&mut reader)));
                }
                Event::Eof => return sets,
                _ => {}
            }
        }
    }

    fn children(reader: &mut Reader<&[u8]>) -> Node {
        let mut members: Vec<(String, Node)> = Vec::new();
        let mut text = None;
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) => {
                    let name = e.name().0.to_string();
                    members.push((name, children(reader)));
                }
                Event::Empty(e) => {
                    let name = e.name().0.to_string();
                    members.push((name, Node::Text(String::new())));
                }
                Event::Text(t) => text
                    .get_or_insert_with(String::new)
                    .push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    let entity = r.xml10_content();
                    let reference = format!("&{entity};");
                    let resolved = quick_xml::escape::unescape(&reference).unwrap();
                    text.get_or_insert_with(String::new).push_str(&resolved);
                }
                Event::End(_) => break,
                Event::Eof => panic!("the XML ends inside an element"),
                _ => {}
            }
        }
        if members.is_empty() {
            return Node::Text(text.unwrap_or_default());
        }
        if members.iter().all(|(name, _)| name == "item") {
            return Node::Items(members.into_iter().map(|(_, n)| n).collect());
        }
        Node::Members(members)
    }
}

#[test]
fn xml_holds_what_json_holds() {
    for (_, path) in corpora() {
        let file = relative(&path);
        let json = run(&["translate"], &file);
        let (status, xml, stderr) = edigate(&["translate", "--format", "xml", &file]);
        assert_eq!(status, json.status, "{file}: {stderr}");
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
            "{file}"
        );
        let sets = roxmltree_free::sets(&xml);
        assert_eq!(sets.len(), json.lines.len(), "{file}");
        for ((attributes, content), line) in sets.into_iter().zip(&json.lines) {
            let mut back = match xml_to_json(content) {
                Value::Object(members) => members,
                other => panic!("{file}: a set's content is {other}"),
            };
            for (key, value) in attributes {
                back.insert(key, Value::String(value));
            }
            assert_eq!(Value::Object(back), scalars_as_text(line), "{file}");
        }
    }
}
