//! Property tests of validation and acknowledgement: random valid documents are accepted with
//! an all-A 997; one injected error is named by the 997 at its place; the 997 itself is valid.

use edigate::map::ack::{AckOptions, Ta1Policy, write_replies};
use edigate::map::ack_read::{FunctionalAck, read_acks};
use edigate::spec::{Item, SegKey, Usage, standard};
use edigate::validate::{InterchangeReport, Policy, validate};
use edigate::x12::generate::Generator;
use proptest::prelude::*;
use proptest::sample::Index;

/// A small valid file, 004010 or (for odd seeds) 005010.
fn generated(seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let generator = Generator::new(seed, 3_000);
    let generator = if seed % 2 == 1 {
        generator.version_5010()
    } else {
        generator
    };
    generator.write(&mut out).unwrap();
    out
}

fn reply(reports: &[InterchangeReport]) -> Vec<u8> {
    let options = AckOptions {
        policy: Policy::default(),
        ta1: Ta1Policy::OnError,
        interchange_control_number: 1,
        group_control_number: 1,
        date: "20261126".into(),
        time: "1200".into(),
        line_suffix: "\n".into(),
    };
    write_replies(reports, &options, Vec::new()).unwrap().0
}

fn acks(input: &[u8]) -> Vec<FunctionalAck> {
    let (reports, _) = validate(standard().unwrap(), input);
    let bytes = reply(&reports);
    // The 997 we emit is itself valid against the 997 spec.
    let (own, _) = validate(standard().unwrap(), &bytes);
    for group in own.iter().flat_map(|i| &i.groups) {
        for set in &group.sets {
            assert!(
                set.findings.is_empty() && set.errors.is_empty(),
                "our 997 has findings: {set:?}"
            );
        }
    }
    read_acks(&bytes).functional_acks
}

/// A place in a generated document: (byte offset of the element, its length, set control
/// number, segment position, segment id, element position).
type Place = (usize, usize, String, u32, String, u32);

/// Every element of every data segment (not ST/SE) whose spec says `wanted`.
fn places(input: &[u8], wanted: impl Fn(&str, u32, Usage, &str) -> bool) -> Vec<Place> {
    let doc = edigate::x12::parse(input);
    let version = if input.windows(7).any(|w| w == b"*005010") {
        "005010"
    } else {
        "004010"
    };
    let spec = standard().unwrap().version(version).unwrap();
    let mut out = Vec::new();
    for group in doc.interchanges.iter().flat_map(|i| &i.groups) {
        for set in &group.transaction_sets {
            for segment in &set.segments[1..set.segments.len() - 1] {
                let Some((_, def)) = spec.segment(SegKey::of(segment.id)) else {
                    continue;
                };
                for element in segment.elements() {
                    let Some(slot) = def.elements.get(element.index as usize - 1) else {
                        continue;
                    };
                    let Item::Element(e) = slot.item else {
                        continue;
                    };
                    let kind = spec.elements[e].kind.to_string();
                    if !element.value.is_empty()
                        && wanted(segment.id_str(), element.index, slot.usage, &kind)
                    {
                        out.push((
                            element.offset as usize,
                            element.value.len(),
                            set.header.control_number.clone(),
                            segment.position,
                            segment.id_str().to_string(),
                            element.index,
                        ));
                    }
                }
            }
        }
    }
    out
}

fn splice(input: &[u8], at: usize, len: usize, with: &[u8]) -> Vec<u8> {
    let mut out = input[..at].to_vec();
    out.extend_from_slice(with);
    out.extend_from_slice(&input[at + len..]);
    out
}

/// One AK3 with its AK4s: (segment id, position, AK304, [(element position, AK403)]).
type Note = (String, String, String, Vec<(String, String)>);

/// The AK3/AK4 notes the 997 gives the set `control`.
fn notes(acks: &[FunctionalAck], control: &str) -> Vec<Note> {
    let set = acks
        .iter()
        .flat_map(|a| &a.sets)
        .find(|s| s.control_number == control)
        .expect("the set is acknowledged");
    assert_eq!(set.code, "R", "a set with a syntax error is rejected");
    set.segments
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                s.position.clone(),
                s.code.clone(),
                s.elements
                    .iter()
                    .map(|e| (e.position.clone(), e.code.clone()))
                    .collect(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn valid_documents_get_an_all_accepting_997(seed in any::<u64>()) {
        let input = generated(seed);
        let acks = acks(&input);
        prop_assert!(!acks.is_empty());
        for ack in &acks {
            prop_assert_eq!(&ack.code, "A");
            prop_assert_eq!(&ack.received, &ack.accepted);
            for set in &ack.sets {
                prop_assert_eq!(&set.code, "A");
                prop_assert!(set.segments.is_empty());
            }
        }
    }

    #[test]
    fn an_unknown_segment_is_named_at_its_position(seed in any::<u64>(), pick in any::<Index>()) {
        let input = generated(seed);
        let segments = places(&input, |_, index, _, _| index == 1);
        let (at, _, control, position, id, _) = pick.get(&segments).clone();
        let start = at - id.len() - 1;
        let bad = if id.len() == 3 { &b"ZZZ"[..] } else { &b"ZZ"[..] };
        let input = splice(&input, start, id.len(), bad);
        let found = notes(&acks(&input), &control);
        let expected = (String::from_utf8(bad.to_vec()).unwrap(), position.to_string(), "1".to_string(), vec![]);
        prop_assert!(found.contains(&expected), "{found:?} lacks {expected:?}");
    }

    #[test]
    fn a_blanked_mandatory_element_is_named(seed in any::<u64>(), pick in any::<Index>()) {
        let input = generated(seed);
        let mandatory = places(&input, |_, _, usage, _| usage == Usage::Mandatory);
        let (at, len, control, position, id, element) = pick.get(&mandatory).clone();
        let input = splice(&input, at, len, b"");
        let found = notes(&acks(&input), &control);
        let hit = found.iter().any(|(s, p, code, elements)| {
            *s == id && *p == position.to_string() && code == "8"
                && elements.contains(&(element.to_string(), "1".to_string()))
        });
        prop_assert!(hit, "{found:?} lacks {id}{element:02} at {position} (AK403 1)");
    }

    #[test]
    fn an_impossible_date_is_named(seed in any::<u64>(), pick in any::<Index>()) {
        let input = generated(seed);
        let dates = places(&input, |_, _, _, kind| kind == "DT");
        prop_assume!(!dates.is_empty());
        let (at, len, control, position, id, element) = pick.get(&dates).clone();
        let bad: &[u8] = if len == 8 { b"20261341" } else { b"261341" };
        let input = splice(&input, at, len, bad);
        let found = notes(&acks(&input), &control);
        let hit = found.iter().any(|(s, p, code, elements)| {
            *s == id && *p == position.to_string() && code == "8"
                && elements.contains(&(element.to_string(), "8".to_string()))
        });
        prop_assert!(hit, "{found:?} lacks {id}{element:02} at {position} (AK403 8)");
    }
}
