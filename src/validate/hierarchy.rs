//! The HL hierarchy (856 and other hierarchical sets): HL01 unique, HL02 naming an HL that
//! came before, HL04 (child code) telling the truth about whether children follow.

use std::collections::HashMap;

use crate::x12::Segment;
use crate::x12::diagnostic::show;

use super::{ElementError, ElementPlace, Finding, Severity};

struct Level {
    position: u32,
    offset: u64,
    /// HL04: Some(true) "1" has children, Some(false) "0" has none, None not sent.
    promises_children: Option<bool>,
    has_children: bool,
}

#[derive(Default)]
pub(crate) struct Hierarchy {
    levels: HashMap<Box<[u8]>, Level>,
}

impl Hierarchy {
    pub fn clear(&mut self) {
        self.levels.clear();
    }

    pub fn hl(&mut self, segment: &Segment<'_>, loop_id: Option<&str>, out: &mut Vec<Finding>) {
        let [id, parent, _, child_code] = segment.first_values::<4>();
        let finding = |position: u32, value: &[u8], message: String| Finding {
            segment_id: "HL".to_string(),
            position: segment.position,
            loop_id: loop_id.map(str::to_string),
            segment_error: None,
            element: Some(ElementPlace {
                position,
                component: None,
                repetition: None,
                reference: if position == 1 { "628" } else { "734" }.to_string(),
                error: ElementError::InvalidCode,
            }),
            value: Some(show(value)),
            severity: Severity::Error,
            offset: segment
                .element(position)
                .map_or(segment.offset, |e| e.offset),
            message,
            extra_rule: None,
        };
        if id.is_empty() {
            return; // reported as a missing mandatory element
        }
        if !parent.is_empty() {
            if parent == id {
                out.push(finding(2, parent, format!("HL02 (Hierarchical Parent ID Number) '{}' names the HL itself as its parent", show(parent))));
            } else {
                match self.levels.get_mut(parent) {
                    Some(level) => {
                        level.has_children = true;
                        if level.promises_children == Some(false) {
                            let at = level.position;
                            out.push(finding(2, parent, format!("HL02 names HL '{}' (segment {at}) as parent, but its HL04 says it has no children", show(parent))));
                        }
                    }
                    None => out.push(finding(2, parent, format!("HL02 (Hierarchical Parent ID Number) '{}' is not the HL01 of an earlier HL in this transaction set", show(parent)))),
                }
            }
        }
        let promises_children = match child_code {
            b"1" => Some(true),
            b"0" => Some(false),
            _ => None,
        };
        let level = Level {
            position: segment.position,
            offset: segment.offset,
            promises_children,
            has_children: false,
        };
        if let Some(earlier) = self.levels.insert(id.into(), level) {
            out.push(finding(
                1,
                id,
                format!(
                    "HL01 (Hierarchical ID Number) '{}' is already used by the HL at segment {}",
                    show(id),
                    earlier.position
                ),
            ));
        }
    }

    /// At the end of the set: HLs that promised children and got none.
    pub fn finish(&mut self, out: &mut Vec<Finding>) {
        let mut orphans: Vec<(&Box<[u8]>, &Level)> = self
            .levels
            .iter()
            .filter(|(_, l)| l.promises_children == Some(true) && !l.has_children)
            .collect();
        orphans.sort_by_key(|(_, l)| l.position);
        for (id, level) in orphans {
            out.push(Finding {
                segment_id: "HL".to_string(),
                position: level.position,
                loop_id: Some("HL".to_string()),
                segment_error: None,
                element: Some(ElementPlace { position: 4, component: None, repetition: None, reference: "736".to_string(), error: ElementError::InvalidCode }),
                value: Some("1".to_string()),
                severity: Severity::Error,
                offset: level.offset,
                message: format!("HL04 (Hierarchical Child Code) '1' says HL '{}' has children, but no later HL names it in HL02", show(id)),
                extra_rule: None,
            });
        }
        self.levels.clear();
    }
}
