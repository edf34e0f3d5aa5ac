//! The specs checked against independent implementations: the Bots grammars (structure of
//! every transaction set: segment order, usage, maximum use, loop nesting and repeats) and
//! the specs' own consistency as loaded by edigate.

mod common;

use std::collections::BTreeSet;

#[test]
fn the_built_in_specs_load() {
    let specs = edigate::spec::standard().unwrap_or_else(|e| panic!("{e}"));
    let versions: Vec<&str> = specs.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(versions, ["004010", "005010"]);
    for v in &specs.versions {
        let mut sets: Vec<&str> = v.sets.iter().map(|s| s.id.as_str()).collect();
        sets.sort();
        assert_eq!(sets, ["810", "820", "850", "856", "997"], "{}", v.version);
    }
}

#[test]
fn structures_agree_with_bots() {
    let specs = common::repo("specs");
    let Some(output) = common::python("tests/peers/spec_check.py", &[specs.as_os_str()]) else {
        return;
    };
    match output.status.code() {
        Some(0) => {}
        Some(2) => {
            return common::skip(&format!(
                "Bots is not installed: {}",
                common::text(&output).trim()
            ));
        }
        other => panic!(
            "spec_check.py failed ({other:?}):\n{}",
            common::text(&output)
        ),
    }
    let found: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_reviewed(&found, "tests/peers/spec_differences.txt", "specs and Bots");
}

/// The acknowledgement code tables (715, 716, 717, 718, 720, 723, I17, I18) ship as data:
/// complete, holding every code edigate writes in a 997 or TA1 for that version, with the
/// standard's words.
#[test]
fn acknowledgement_code_tables_hold_every_code_we_emit() {
    use edigate::validate::{ElementError, SegmentError};
    use edigate::x12::{AckCode, Problem};
    let specs = edigate::spec::standard().unwrap();
    for v in &specs.versions {
        let table = |id: &str| {
            let list = v
                .codes(id)
                .unwrap_or_else(|| panic!("{}: no code list for {id}", v.version));
            assert!(
                list.complete,
                "{}: the {id} list must be complete",
                v.version
            );
            list
        };
        let has = |id: &str, code: &str| {
            let text = table(id)
                .describe(code.as_bytes())
                .unwrap_or_else(|| panic!("{}: {id} lacks {code}", v.version));
            assert!(
                !text.is_empty(),
                "{}: {id} {code} has no description",
                v.version
            );
        };
        for code in ["A", "E", "P", "R"] {
            has("715", code);
        }
        for code in ["A", "E", "R"] {
            has("717", code);
            has("I17", code);
        }
        type S = SegmentError;
        for e in [
            S::Unrecognized,
            S::Unexpected,
            S::MandatoryMissing,
            S::LoopOverMaximum,
            S::ExceedsMaximumUse,
            S::NotInTransactionSet,
            S::OutOfSequence,
            S::ElementErrors,
        ] {
            has("720", e.code());
        }
        type E = ElementError;
        let mut element_errors = vec![
            E::MandatoryMissing,
            E::ConditionalMissing,
            E::TooManyElements,
            E::TooShort,
            E::TooLong,
            E::InvalidCharacter,
            E::InvalidCode,
            E::InvalidDate,
            E::InvalidTime,
            E::ExclusionViolated,
        ];
        if v.version.as_str() >= "005010" {
            element_errors.extend([E::TooManyRepetitions, E::TooManyComponents]);
        } else {
            // 12 and 13 came with 005010; the validator does not use them before.
            assert!(
                table("723").describe(b"12").is_none() && table("723").describe(b"13").is_none()
            );
        }
        for e in element_errors {
            has("723", e.code());
        }
        has("718", "1");
        has("718", "5");
        has("716", "1");
        has("716", "2");
        for p in Problem::ALL {
            match p.ack_code() {
                Some(AckCode::InterchangeNote(n)) => has("I18", n),
                Some(AckCode::TransactionSet(c)) => has("718", c),
                // 19 is rewritten to 6 before 005010 (see validate::report).
                Some(AckCode::Group(c)) if c == "19" && v.version.as_str() < "005010" => {
                    has("716", "6")
                }
                Some(AckCode::Group(c)) => has("716", c),
                None => {}
            }
        }
    }
    // The meaning of 716 19 changed: a security segment before 005010, a duplicate group
    // control number from 005010 on.
    let v4 = specs.version("004010").unwrap();
    let v5 = specs.version("005010").unwrap();
    assert!(
        v4.codes("716")
            .unwrap()
            .describe(b"19")
            .unwrap()
            .contains("Security")
    );
    assert!(
        v5.codes("716")
            .unwrap()
            .describe(b"19")
            .unwrap()
            .contains("not Unique")
    );
}

/// pyx12's 997 map for 004010 lists the codes its (healthcare) guide allows for AK304,
/// AK403, AK501, AK502, AK901 and AK905: every one must be in our 004010 tables.
#[test]
fn pyx12_997_codes_are_in_our_004010_tables() {
    let script = r#"
import importlib.util, os, sys, xml.etree.ElementTree as ET
spec = importlib.util.find_spec("pyx12")
if spec is None:
    sys.exit(3)
root = ET.parse(os.path.join(os.path.dirname(spec.origin), "map", "997.4010.xml")).getroot()
for e in root.iter("element"):
    codes = [c.text for c in e.iter("code")]
    if codes:
        print(e.findtext("data_ele"), " ".join(codes))
"#;
    let output = match std::process::Command::new("python3")
        .args(["-c", script])
        .output()
    {
        Ok(o) => o,
        Err(e) => return common::skip(&format!("python3 cannot be run ({e})")),
    };
    if output.status.code() == Some(3) {
        return common::skip("pyx12 is not installed");
    }
    assert!(output.status.success(), "{}", common::text(&output));
    let v4 = edigate::spec::standard()
        .unwrap()
        .version("004010")
        .unwrap();
    let mut compared = 0;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let (element, codes) = line.split_once(' ').unwrap();
        if !["715", "716", "717", "718", "720", "723"].contains(&element) {
            continue;
        }
        let ours = v4.codes(element).unwrap();
        for code in codes.split(' ') {
            assert!(
                ours.contains(code.as_bytes()),
                "pyx12 allows {element} {code}, our 004010 table lacks it"
            );
            compared += 1;
        }
    }
    assert!(compared > 50, "only {compared} codes compared");
}

/// Our 005010 data element dictionary against pyx12's (which holds the 005010 values of the
/// elements its healthcare maps use): type, minimum and maximum length must agree, except
/// where reviewed in `tests/peers/element_differences.txt`.
#[test]
fn elements_agree_with_pyx12() {
    let script = r#"
import importlib.util, os, sys, xml.etree.ElementTree as ET
spec = importlib.util.find_spec("pyx12")
if spec is None:
    sys.exit(3)
root = ET.parse(os.path.join(os.path.dirname(spec.origin), "map", "dataele.xml")).getroot()
for e in root.iter("data_ele"):
    print(e.get("ele_num"), e.get("data_type"), e.get("min_len"), e.get("max_len"))
"#;
    let output = match std::process::Command::new("python3")
        .args(["-c", script])
        .output()
    {
        Ok(o) => o,
        Err(e) => return common::skip(&format!("python3 cannot be run ({e})")),
    };
    if output.status.code() == Some(3) {
        return common::skip("pyx12 is not installed");
    }
    assert!(output.status.success(), "{}", common::text(&output));
    let v5 = edigate::spec::standard()
        .unwrap()
        .version("005010")
        .unwrap();
    let mut found = BTreeSet::new();
    let mut compared = 0;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let Some(ours) = v5.element(f[0]) else {
            continue;
        };
        compared += 1;
        let theirs = format!("{} {}/{}", f[1], f[2], f[3]);
        let mine = format!("{} {}/{}", ours.kind, ours.min, ours.max);
        if theirs != mine {
            found.insert(format!("{}: {mine} vs pyx12 {theirs}", f[0]));
        }
    }
    assert!(compared > 100, "only {compared} elements compared");
    assert_reviewed(
        &found,
        "tests/peers/element_differences.txt",
        "005010 elements and pyx12",
    );
}

/// Every difference `found` with a peer must be listed, with its reason, in the reviewed file
/// (a line: the difference, " # ", why ours stands), and every listed one must still occur,
/// so the list never goes stale.
fn assert_reviewed(found: &BTreeSet<String>, file: &str, what: &str) {
    let text = std::fs::read_to_string(common::repo(file)).unwrap();
    let reviewed: BTreeSet<String> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split(" # ").next().unwrap_or(l).trim().to_string())
        .collect();
    let show = |set: Vec<&String>| {
        set.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let new = show(found.difference(&reviewed).collect());
    let stale = show(reviewed.difference(found).collect());
    assert!(
        new.is_empty() && stale.is_empty(),
        "{what} disagree where nobody has reviewed it ({file}):\n{new}\n\nreviewed differences that no longer occur:\n{stale}"
    );
}
