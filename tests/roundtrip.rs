//! Write -> parse round trips: whatever `InterchangeWriter` writes, with any usable delimiters,
//! line suffix and version, `parse` reads back without a single diagnostic and to the same
//! segments (after the writer's trimming of trailing empty elements, repetitions and
//! components). And the writer refuses data that contains a delimiter.

use edigate::x12::writer::{GroupEnvelope, InterchangeEnvelope};
use edigate::x12::{Delimiters, InterchangeWriter, PartyId, WriteError, parse};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// `elements[e][r][c]`: component `c` of repetition `r` of element `e`.
type Parts = Vec<Vec<Vec<String>>>;

#[derive(Debug, Clone)]
struct DataSegment {
    id: String,
    elements: Parts,
    /// Written with `segment` (simple elements) rather than `segment_parts`.
    simple: bool,
}

#[derive(Debug, Clone)]
struct Setup {
    delimiters: Delimiters,
    /// ISA12: `00501` (needs a repetition separator) or `00401` (has none).
    version: &'static str,
    line_suffix: &'static str,
}

impl Setup {
    /// The delimiters data must avoid: before 00402 the repetition character is plain data.
    fn effective(&self) -> Delimiters {
        Delimiters {
            repetition: self
                .delimiters
                .repetition
                .filter(|_| self.version >= "00402"),
            ..self.delimiters
        }
    }
}

/// Bytes that may be a delimiter: printable, not a letter, digit or space.
fn delimiter_pool() -> Vec<u8> {
    (0x21u8..=0x7e)
        .filter(|b| !b.is_ascii_alphanumeric())
        .collect()
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        Just(delimiter_pool()).prop_shuffle(),
        any::<bool>(), // newline terminator
        0..3usize,     // 0: 00501 + repetition, 1: 00401 + repetition char, 2: 00401 without
        0..3usize,     // line suffix
    )
        .prop_map(|(pool, newline, kind, suffix)| {
            let delimiters = Delimiters {
                element: pool[0],
                component: pool[1],
                repetition: (kind != 2).then_some(pool[2]),
                segment: if newline { b'\n' } else { pool[3] },
            };
            Setup {
                delimiters,
                version: if kind == 0 { "00501" } else { "00401" },
                // A newline terminator takes no suffix containing it, but may take a CR.
                line_suffix: if newline {
                    ["", "\r"][suffix % 2]
                } else {
                    ["", "\n", "\r\n"][suffix]
                },
            }
        })
}

/// Printable ASCII that is not a delimiter of `d`.
fn alphabet(d: &Delimiters) -> Vec<char> {
    (0x20u8..=0x7e)
        .filter(|&b| !d.is_delimiter(b))
        .map(char::from)
        .collect()
}

fn text(alphabet: Vec<char>) -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just(String::new()),
        5 => prop::collection::vec(prop::sample::select(alphabet), 1..6)
            .prop_map(|c| c.into_iter().collect()),
    ]
}

fn segment_id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{2,3}".prop_filter("envelope segments are written by the writer", |id| {
        !matches!(id.as_str(), "ISA" | "IEA" | "GS" | "GE" | "ST" | "SE")
    })
}

fn data_segment(d: Delimiters) -> impl Strategy<Value = DataSegment> {
    let max_reps = if d.repetition.is_some() { 3 } else { 1 };
    let component = text(alphabet(&d));
    let repetition = prop::collection::vec(component, 1..=3);
    let element = prop::collection::vec(repetition, 1..=max_reps);
    (
        segment_id(),
        prop::collection::vec(element, 0..=6),
        any::<bool>(),
    )
        .prop_map(|(id, elements, simple)| {
            // `segment` takes simple elements: keep one component of one repetition.
            let simple = simple || elements.iter().all(|e| e.len() == 1 && e[0].len() == 1);
            let elements = if simple {
                elements
                    .into_iter()
                    .map(|e| vec![vec![e[0][0].clone()]])
                    .collect()
            } else {
                elements
            };
            DataSegment {
                id,
                elements,
                simple,
            }
        })
}

/// Interchanges -> groups -> sets -> data segments.
type Tree = Vec<Vec<Vec<Vec<DataSegment>>>>;

fn document() -> impl Strategy<Value = (Setup, Tree)> {
    setup().prop_flat_map(|s| {
        let seg = data_segment(s.effective());
        let set = prop::collection::vec(seg, 0..=5);
        let group = prop::collection::vec(set, 1..=4);
        let interchange = prop::collection::vec(group, 1..=3);
        (Just(s), prop::collection::vec(interchange, 1..=2))
    })
}

fn envelope(version: &str, control_number: u64) -> InterchangeEnvelope {
    InterchangeEnvelope::new(
        PartyId {
            qualifier: "ZZ".into(),
            id: "SUPPLIER".into(),
        },
        PartyId {
            qualifier: "01".into(),
            id: "RETAILER".into(),
        },
        "261126",
        "1530",
        version,
        control_number,
    )
}

fn group(control_number: u64, version: &str) -> GroupEnvelope {
    GroupEnvelope {
        functional_id: "PO".into(),
        sender: "SUPPLIER".into(),
        receiver: "RETAILER".into(),
        date: "20261126".into(),
        time: "1530".into(),
        control_number,
        version: if version >= "00501" {
            "005010"
        } else {
            "004010"
        }
        .into(),
    }
}

fn write(setup: &Setup, tree: &Tree) -> Vec<u8> {
    let mut w =
        InterchangeWriter::new(Vec::new(), setup.delimiters, setup.line_suffix).expect("writer");
    for (i, groups) in tree.iter().enumerate() {
        w.begin_interchange(&envelope(setup.version, i as u64 + 1))
            .unwrap();
        for (g, sets) in groups.iter().enumerate() {
            w.begin_group(&group(g as u64 + 1, setup.version)).unwrap();
            for (s, segments) in sets.iter().enumerate() {
                w.begin_transaction("850", s as u64 + 1).unwrap();
                for seg in segments {
                    if seg.simple {
                        let values: Vec<&str> =
                            seg.elements.iter().map(|e| e[0][0].as_str()).collect();
                        w.segment(&seg.id, &values).unwrap();
                    } else {
                        let parts: Vec<Vec<Vec<&str>>> = seg
                            .elements
                            .iter()
                            .map(|e| {
                                e.iter()
                                    .map(|r| r.iter().map(String::as_str).collect())
                                    .collect()
                            })
                            .collect();
                        w.segment_parts(&seg.id, &parts).unwrap();
                    }
                }
                w.end_transaction().unwrap();
            }
            w.end_group().unwrap();
        }
        w.end_interchange().unwrap();
    }
    w.finish().unwrap()
}

fn trim_end<T>(mut items: Vec<T>, empty: impl Fn(&T) -> bool) -> Vec<T> {
    while items.last().is_some_and(&empty) {
        items.pop();
    }
    items
}

/// What the parser reads back for what was written: trailing empty components, repetitions
/// and elements dropped; an empty repetition or element in the middle reads as one empty
/// component.
fn normalise(elements: &Parts) -> Parts {
    let elements: Parts = elements
        .iter()
        .map(|e| {
            let reps = e
                .iter()
                .map(|r| trim_end(r.clone(), |c| c.is_empty()))
                .collect();
            trim_end(reps, |r: &Vec<String>| r.is_empty())
        })
        .collect();
    trim_end(elements, |e| e.is_empty())
        .into_iter()
        .map(|e| {
            let e: Vec<Vec<String>> = e
                .into_iter()
                .map(|r| if r.is_empty() { vec![String::new()] } else { r })
                .collect();
            if e.is_empty() {
                vec![vec![String::new()]]
            } else {
                e
            }
        })
        .collect()
}

fn read_back(s: &edigate::x12::Segment<'_>) -> Parts {
    let d = s.delimiters;
    s.elements()
        .map(|e| {
            e.repetitions(&d)
                .map(|r| {
                    r.components(&d)
                        .map(|c| String::from_utf8(c.value.to_vec()).unwrap())
                        .collect()
                })
                .collect()
        })
        .collect()
}

fn config() -> Config {
    Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn written_interchanges_parse_back((setup, tree) in document()) {
        let bytes = write(&setup, &tree);
        let doc = parse(&bytes);
        prop_assert!(
            doc.diagnostics.is_empty(),
            "{:?}\n{}",
            doc.diagnostics,
            String::from_utf8_lossy(&bytes)
        );
        prop_assert!(doc.is_sound());
        prop_assert_eq!(doc.interchanges.len(), tree.len());
        for (ic, groups) in doc.interchanges.iter().zip(&tree) {
            prop_assert_eq!(ic.header.delimiters, setup.effective());
            prop_assert_eq!(ic.groups.len(), groups.len());
            prop_assert!(ic.ungrouped.is_empty() && ic.iea.is_some());
            for (g, sets) in ic.groups.iter().zip(groups) {
                prop_assert_eq!(g.transaction_sets.len(), sets.len());
                prop_assert!(g.ge.is_some());
                for (t, segments) in g.transaction_sets.iter().zip(sets) {
                    prop_assert!(t.closed);
                    prop_assert_eq!(t.segments.len(), segments.len() + 2);
                    prop_assert_eq!(t.segment_count as usize, segments.len() + 2);
                    let data = &t.segments[1..t.segments.len() - 1];
                    for (got, want) in data.iter().zip(segments) {
                        prop_assert_eq!(got.id_str(), want.id.as_str());
                        prop_assert_eq!(
                            read_back(got),
                            normalise(&want.elements),
                            "segment {} written from {:?}",
                            want.id,
                            want.elements
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn writer_refuses_delimiters_in_data(
        (setup, seg, at, pick, pos) in setup().prop_flat_map(|s| {
            let seg = data_segment(s.effective());
            (Just(s), seg, any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<prop::sample::Index>())
        })
    ) {
        let d = setup.effective();
        let mut delimiters = vec![d.element, d.component, d.segment];
        delimiters.extend(d.repetition);
        let bad = *pick.get(&delimiters);
        // Put the delimiter into one component of one element (adding an element if none).
        let mut elements = seg.elements.clone();
        if elements.is_empty() {
            elements.push(vec![vec![String::new()]]);
        }
        let e = at.index(elements.len());
        let r = at.index(elements[e].len());
        let c = at.index(elements[e][r].len());
        let value = &mut elements[e][r][c];
        value.insert(pos.index(value.len() + 1), char::from(bad));

        let mut w = InterchangeWriter::new(Vec::new(), setup.delimiters, setup.line_suffix).unwrap();
        w.begin_interchange(&envelope(setup.version, 1)).unwrap();
        w.begin_group(&group(1, setup.version)).unwrap();
        w.begin_transaction("850", 1).unwrap();
        let (result, component) = if seg.simple {
            let values: Vec<&str> = elements.iter().map(|e| e[0][0].as_str()).collect();
            (w.segment(&seg.id, &values), None)
        } else {
            let parts: Vec<Vec<Vec<&str>>> = elements
                .iter()
                .map(|e| e.iter().map(|r| r.iter().map(String::as_str).collect()).collect())
                .collect();
            // Components are named only in a composite (after trailing empties are trimmed).
            let comps = trim_end(elements[e][r].clone(), |c| c.is_empty()).len();
            (w.segment_parts(&seg.id, &parts), (comps > 1).then_some(c + 1))
        };
        match result {
            Err(err @ WriteError::DelimiterInData { .. }) => {
                let message = err.to_string();
                let WriteError::DelimiterInData { segment, element, component: got, .. } = err else {
                    unreachable!()
                };
                prop_assert_eq!(&segment, &seg.id);
                prop_assert_eq!(element, e + 1);
                prop_assert_eq!(got, component);
                let named = format!("{}{:02}", seg.id, e + 1);
                prop_assert!(message.starts_with(&named), "{} should name {}", message, named);
            }
            other => prop_assert!(false, "expected DelimiterInData, got {:?}", other),
        }
    }
}

#[test]
fn newline_terminator_takes_no_line_suffix() {
    let d = Delimiters {
        segment: b'\n',
        ..Delimiters::COMMON
    };
    for suffix in ["\n", "\r\n"] {
        assert!(InterchangeWriter::new(Vec::new(), d, suffix).is_err());
    }
    assert!(InterchangeWriter::new(Vec::new(), d, "").is_ok());
    assert!(InterchangeWriter::new(Vec::new(), d, "\r").is_ok());
    assert!(InterchangeWriter::new(Vec::new(), Delimiters::COMMON, " ").is_err());
}
