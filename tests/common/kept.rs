//! "X12 → canonical → X12 keeps every element of the original": the check shared by the
//! round-trip tests of every mapping. The segments of a set written from its own
//! translation are compared with the original's, element by element, in a delimiter-free
//! form (so a file with other delimiters compares too).
//!
//! What may differ, and why:
//! - the written set may say more than the original (a due date or a total the mapping
//!   works out, an element the original left empty): only the original's values are
//!   looked for;
//! - ST02/SE01/SE02 (control number and count) belong to the new envelope;
//! - segments may come back in another order where the standard allows it (REFs written
//!   in the model's order): each original segment is matched with the first written one
//!   of the same id, not yet matched, that keeps all its elements;
//! - values are equal when the standard says they are: `R` and `Nn` numbers by value
//!   (`3.610` is `3.61`, `0012` is `12`), `TM` times by value (`093000` is `0930`), and
//!   trailing spaces of an `AN` value, which the standard says to suppress.

use std::str::FromStr;

use edigate::document::common::{UnmappedElement, UnmappedSegment};
use edigate::spec::{ElementType, Item, SegKey, VersionSpec};
use rust_decimal::Decimal;

/// The transaction sets in `x12`, each as its GS08 and its segments ST through SE.
pub fn sets(x12: &[u8]) -> Vec<(String, Vec<UnmappedSegment>)> {
    let mut reader = edigate::x12::TransactionSetReader::new(x12);
    let mut sets = Vec::new();
    while let Some(set) = reader.next_set().expect("in memory") {
        let segments = set
            .segments
            .iter()
            .map(edigate::map::translate::unmapped)
            .collect();
        sets.push((set.group.version.clone(), segments));
    }
    sets
}

/// Every element of `original` (a set of version `gs08`) that `written` does not carry,
/// in words; empty when everything is kept.
pub fn elements_lost(
    gs08: &str,
    original: &[UnmappedSegment],
    written: &[UnmappedSegment],
) -> Vec<String> {
    let specs = edigate::spec::standard().expect("the built-in specs load");
    let version = specs.version(gs08).expect("a version the specs know");
    let mut matched = vec![false; written.len()];
    let mut lost = Vec::new();
    for segment in original {
        if segment.id == "SE" {
            continue;
        }
        let keeps =
            |w: &UnmappedSegment| w.id == segment.id && differences(version, segment, w).is_empty();
        if let Some(k) = (0..written.len()).find(|&k| !matched[k] && keeps(&written[k])) {
            matched[k] = true;
            continue;
        }
        let closest = (0..written.len()).find(|&k| !matched[k] && written[k].id == segment.id);
        match closest {
            None => lost.push(format!(
                "{} at position {}: not written back ({})",
                segment.id,
                segment.position,
                show(segment)
            )),
            Some(k) => lost.push(format!(
                "{} at position {}: {} (written: {})",
                segment.id,
                segment.position,
                differences(version, segment, &written[k]).join("; "),
                show(&written[k])
            )),
        }
    }
    lost
}

fn show(segment: &UnmappedSegment) -> String {
    let elements: Vec<String> = segment
        .elements
        .iter()
        .map(|e| match e {
            UnmappedElement::Simple(v) => v.clone(),
            UnmappedElement::Composite(cs) => cs.join(">"),
            UnmappedElement::Repeated(rs) => {
                rs.iter().map(|r| r.join(">")).collect::<Vec<_>>().join("^")
            }
        })
        .collect();
    format!("{}*{}", segment.id, elements.join("*"))
}

/// The original's elements `written` does not carry with an equal value.
fn differences(
    version: &VersionSpec,
    original: &UnmappedSegment,
    written: &UnmappedSegment,
) -> Vec<String> {
    let definition = version
        .segment(SegKey::of(original.id.as_bytes()))
        .map(|(_, d)| d);
    let mut out = Vec::new();
    for (i, element) in original.elements.iter().enumerate() {
        let n = i + 1;
        if original.id == "ST" && n > 1 {
            break;
        }
        let kind = definition
            .and_then(|d| d.elements.get(i))
            .and_then(|p| match p.item {
                Item::Element(e) => version.elements.get(e).map(|e| e.kind),
                Item::Composite(_) => None,
            });
        let theirs = flatten(element);
        let ours = written.elements.get(i).map(flatten).unwrap_or_default();
        let equal = theirs.len() <= ours.len().max(theirs.len())
            && theirs.iter().enumerate().all(|(r, rep)| {
                rep.iter().enumerate().all(|(c, value)| {
                    let got = ours
                        .get(r)
                        .and_then(|rep| rep.get(c))
                        .map_or("", String::as_str);
                    value.is_empty() || same(kind, value, got)
                })
            });
        if !equal {
            out.push(format!(
                "{}{n:02} '{}' became '{}'",
                original.id,
                show_element(&theirs),
                show_element(&ours)
            ));
        }
    }
    out
}

fn show_element(reps: &[Vec<String>]) -> String {
    reps.iter()
        .map(|r| r.join(">"))
        .collect::<Vec<_>>()
        .join("^")
}

/// Repetitions of components, whatever the shape.
fn flatten(element: &UnmappedElement) -> Vec<Vec<String>> {
    match element {
        UnmappedElement::Simple(v) => vec![vec![v.clone()]],
        UnmappedElement::Composite(cs) => vec![cs.clone()],
        UnmappedElement::Repeated(rs) => rs.clone(),
    }
}

fn same(kind: Option<ElementType>, original: &str, written: &str) -> bool {
    if original == written {
        return true;
    }
    match kind {
        Some(ElementType::Decimal) => {
            number(original) == number(written) && number(original).is_some()
        }
        Some(ElementType::Numeric(_)) => {
            number(original).is_some() && number(original) == number(written)
        }
        Some(ElementType::Time) => {
            let pad = |t: &str| format!("{t:0<8}");
            pad(original) == pad(written)
        }
        Some(ElementType::String) => original.trim_end() == written.trim_end(),
        _ => false,
    }
}

fn number(text: &str) -> Option<Decimal> {
    Decimal::from_str(text).ok().map(|d| d.normalize())
}
