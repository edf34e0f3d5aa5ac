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
    let reviewed_text =
        std::fs::read_to_string(common::repo("tests/peers/spec_differences.txt")).unwrap();
    let reviewed: BTreeSet<String> = reviewed_text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split(" # ").next().unwrap_or(l).trim().to_string())
        .collect();
    let new: Vec<&String> = found.difference(&reviewed).collect();
    let stale: Vec<&String> = reviewed.difference(&found).collect();
    assert!(
        new.is_empty() && stale.is_empty(),
        "specs and Bots disagree where nobody has reviewed it:\n{}\n\nreviewed differences that no longer occur:\n{}",
        new.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        stale
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
}
