//! How acknowledgements read to a person and to a script: the TA1s and 997s that `ack`
//! writes and that `parse` finds, with the standard's words for every code.

use serde_json::{Value, json};

use super::validate::describe;
use crate::map::ack_read::{FunctionalAck, InterchangeAck};
use crate::spec::SpecSet;

/// The version whose code lists explain a 997: the one it names in AK103, else 004010 or
/// 005010 by the 997's own group.
fn version_of(ack: &FunctionalAck, fallback: &str) -> String {
    if ack.version.len() >= 6 {
        ack.version.clone()
    } else {
        fallback.to_string()
    }
}

pub fn ta1_json(t: &InterchangeAck, specs: &SpecSet) -> Value {
    json!({
        "control_number": t.control_number,
        "date": t.date,
        "time": t.time,
        "ack_code": t.code,
        "note": t.note,
        "note_text": describe(specs, "005010", "I18", &t.note),
    })
}

pub fn ta1_text(t: &InterchangeAck, specs: &SpecSet) -> String {
    format!(
        "acknowledges interchange {} of {} {}: {} ({}), note {}: {}",
        t.control_number,
        t.date,
        t.time,
        t.code,
        describe(specs, "005010", "I17", &t.code),
        t.note,
        describe(specs, "005010", "I18", &t.note)
    )
}

pub fn functional_ack_json(a: &FunctionalAck, specs: &SpecSet, group_version: &str) -> Value {
    let v = version_of(a, group_version);
    let coded = |element: &str, codes: &[String]| -> Vec<Value> {
        codes
            .iter()
            .map(|c| json!({"code": c, "text": describe(specs, &v, element, c)}))
            .collect()
    };
    json!({
        "functional_id": a.functional_id,
        "group_control_number": a.group_control_number,
        "version": a.version,
        "ack_code": a.code,
        "ack_text": describe(specs, &v, "715", &a.code),
        "declared": a.declared,
        "received": a.received,
        "accepted": a.accepted,
        "errors": coded("716", &a.group_errors),
        "transactions": a.sets.iter().map(|s| json!({
            "id": s.id,
            "control_number": s.control_number,
            "ack_code": s.code,
            "ack_text": describe(specs, &v, "717", &s.code),
            "errors": coded("718", &s.errors),
            "segments": s.segments.iter().map(|g| json!({
                "segment": g.id,
                "position": g.position,
                "loop": g.loop_id,
                "code": g.code,
                "text": describe(specs, &v, "720", &g.code),
                "elements": g.elements.iter().map(|e| json!({
                    "element": e.position,
                    "component": e.component,
                    "repetition": e.repetition,
                    "reference": e.reference,
                    "code": e.code,
                    "text": describe(specs, &v, "723", &e.code),
                    "value": e.value,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "problems": a.problems,
    })
}

/// Lines (without indentation) saying what a 997 acknowledges.
pub fn functional_ack_text(a: &FunctionalAck, specs: &SpecSet, group_version: &str) -> Vec<String> {
    let v = version_of(a, group_version);
    let mut lines = vec![format!(
        "acknowledges group {} {}: {} ({}), {} received, {} accepted of {}",
        a.functional_id,
        a.group_control_number,
        a.code,
        describe(specs, &v, "715", &a.code),
        a.received,
        a.accepted,
        a.declared
    )];
    for c in &a.group_errors {
        lines.push(format!(
            "  group error {c}: {}",
            describe(specs, &v, "716", c)
        ));
    }
    for s in &a.sets {
        lines.push(format!(
            "  set {} {}: {} ({})",
            s.id,
            s.control_number,
            s.code,
            describe(specs, &v, "717", &s.code)
        ));
        for c in &s.errors {
            lines.push(format!(
                "    set error {c}: {}",
                describe(specs, &v, "718", c)
            ));
        }
        for g in &s.segments {
            lines.push(format!(
                "    segment {} at {}: {} {}",
                g.id,
                g.position,
                g.code,
                describe(specs, &v, "720", &g.code)
            ));
            for e in &g.elements {
                let component = if e.component.is_empty() {
                    String::new()
                } else {
                    format!("-{}", e.component)
                };
                lines.push(format!(
                    "      element {}{component} (ref {}): {} {}{}",
                    e.position,
                    e.reference,
                    e.code,
                    describe(specs, &v, "723", &e.code),
                    if e.value.is_empty() {
                        String::new()
                    } else {
                        format!(", value '{}'", e.value)
                    }
                ));
            }
        }
    }
    for p in &a.problems {
        lines.push(format!("  problem: {p}"));
    }
    lines
}
