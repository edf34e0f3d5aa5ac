//! Element-level checks of one segment against its definition: presence, count, repetitions,
//! components, characters, lengths, types, code lists, and the segment's syntax notes.

use crate::spec::{
    CompositeDef, ElementDef, ElementType, Item, SegmentDef, SegmentUse, SyntaxKind, SyntaxNote,
    Usage, VersionSpec, show_max,
};
use crate::x12::Segment;
use crate::x12::datetime::{is_ccyymmdd, is_time, is_yymmdd};
use crate::x12::diagnostic::show;

use super::{ElementError, ElementPlace, Finding, Severity};

/// What the checks of one segment need to know.
pub(crate) struct SegmentCheck<'s, 'a> {
    pub spec: &'s VersionSpec,
    pub def: &'s SegmentDef,
    pub place: &'s SegmentUse,
    pub segment: &'s Segment<'a>,
    pub loop_id: Option<&'s str>,
    /// 005010 and later have repetitions and the codes 12 and 13.
    pub repetitions: bool,
}

/// Where an element finding is, before it becomes a `Finding`.
#[derive(Clone, Copy)]
struct At<'v> {
    position: u32,
    component: Option<u32>,
    repetition: Option<u32>,
    reference: &'v str,
    name: &'v str,
    offset: u64,
}

impl SegmentCheck<'_, '_> {
    pub fn run(&self, out: &mut Vec<Finding>) {
        let d = self.segment.delimiters;
        let mut present: u128 = 0;
        // Most segments have neither components nor repetitions: one scan of the segment
        // says so, and spares splitting every element.
        let plain = memchr::memchr2(
            d.component,
            d.repetition.unwrap_or(d.component),
            self.segment.body,
        )
        .is_none();
        let mut seen = 0usize;
        for element in self.segment.elements() {
            let index = element.index;
            seen = index as usize;
            let Some(slot) = self.def.elements.get(index as usize - 1) else {
                if !element.value.is_empty() {
                    self.report(
                        out,
                        At {
                            position: index,
                            component: None,
                            repetition: None,
                            reference: "",
                            name: "",
                            offset: element.offset,
                        },
                        ElementError::TooManyElements,
                        Severity::Error,
                        Some(element.value),
                        format!(
                            "is one element too many ({} has {} at most); it holds '{}'",
                            self.def.id,
                            self.def.elements.len(),
                            show(element.value)
                        ),
                    );
                    // One finding says the segment is too long; the rest would repeat it.
                    break;
                }
                continue;
            };
            let usage = self.usage_at(index, slot.usage);
            let (reference, name) = match slot.item {
                Item::Element(e) => (
                    self.spec.elements[e].id.as_str(),
                    self.spec.elements[e].name.as_str(),
                ),
                Item::Composite(c) => ("", self.spec.composites[c].name.as_str()),
            };
            let at = |component, repetition, offset| At {
                position: index,
                component,
                repetition,
                reference,
                name,
                offset,
            };
            if element.value.is_empty() {
                if usage.is_mandatory() {
                    self.error(
                        out,
                        at(None, None, element.offset),
                        ElementError::MandatoryMissing,
                        None,
                        "is required but empty".to_string(),
                    );
                }
                continue;
            }
            if index <= 128 {
                present |= 1 << (index - 1);
            }
            if usage == Usage::NotUsed {
                self.error(
                    out,
                    at(None, None, element.offset),
                    ElementError::TooManyElements,
                    Some(element.value),
                    "must not be sent (the implementation guide marks it not used)".to_string(),
                );
                continue;
            }
            if plain {
                self.check_occurrence(out, index, slot.item, None, element, false, at);
                continue;
            }
            let mut count = 0u32;
            for repetition in element.repetitions(&d) {
                count += 1;
                if count > slot.repeat {
                    if self.repetitions {
                        self.error(
                            out,
                            at(None, Some(count), repetition.offset),
                            ElementError::TooManyRepetitions,
                            Some(repetition.value),
                            format!(
                                "repeats more than the {} time(s) the standard allows",
                                show_max(slot.repeat)
                            ),
                        );
                    } else {
                        // Before 005010 nothing repeats: the interchange's repetition
                        // separator inside a value is a character the element cannot hold.
                        self.error(
                            out,
                            at(None, None, element.offset),
                            ElementError::InvalidCharacter,
                            Some(element.value),
                            format!(
                                "contains the repetition separator {}, but nothing repeats in version {}",
                                crate::x12::diagnostic::show_byte(d.repetition.unwrap_or(b'^')),
                                self.spec.version
                            ),
                        );
                    }
                    break;
                }
                let rep = (slot.repeat > 1).then_some(count);
                self.check_occurrence(out, index, slot.item, rep, repetition, true, at);
            }
        }
        for slot_index in seen..self.def.elements.len() {
            let index = slot_index as u32 + 1;
            let slot = &self.def.elements[slot_index];
            if self.usage_at(index, slot.usage).is_mandatory() {
                let (reference, name) = match slot.item {
                    Item::Element(e) => (
                        self.spec.elements[e].id.as_str(),
                        self.spec.elements[e].name.as_str(),
                    ),
                    Item::Composite(c) => ("", self.spec.composites[c].name.as_str()),
                };
                let end = self.segment.offset + self.segment.len() as u64;
                self.report(
                    out,
                    At {
                        position: index,
                        component: None,
                        repetition: None,
                        reference,
                        name,
                        offset: end,
                    },
                    ElementError::MandatoryMissing,
                    Severity::Error,
                    None,
                    "is required but the segment ends before it".to_string(),
                );
            }
        }
        self.check_notes(out, &self.def.notes, present, None);
    }

    /// One occurrence (the element, or one repetition of it) of a simple element or a
    /// composite. `may_have_components` is false when the segment holds no component
    /// separator at all, which spares looking for one.
    #[allow(clippy::too_many_arguments)]
    fn check_occurrence<'v>(
        &self,
        out: &mut Vec<Finding>,
        index: u32,
        item: Item,
        rep: Option<u32>,
        value: crate::x12::Element<'_>,
        may_have_components: bool,
        at: impl Fn(Option<u32>, Option<u32>, u64) -> At<'v>,
    ) {
        match item {
            Item::Element(e) => {
                let def = &self.spec.elements[e];
                let d = self.segment.delimiters;
                if may_have_components && memchr::memchr(d.component, value.value).is_some() {
                    let (error, what) = if self.repetitions {
                        (
                            ElementError::TooManyComponents,
                            "has components but is a simple element",
                        )
                    } else {
                        (
                            ElementError::InvalidCharacter,
                            "contains the component separator but is a simple element",
                        )
                    };
                    self.error(
                        out,
                        at(None, rep, value.offset),
                        error,
                        Some(value.value),
                        what.to_string(),
                    );
                } else {
                    self.check_value(out, at(None, rep, value.offset), def, value.value, index);
                }
            }
            Item::Composite(c) => {
                let composite = &self.spec.composites[c];
                self.check_composite(out, index, rep, composite, value);
            }
        }
    }

    fn usage_at(&self, position: u32, standard: Usage) -> Usage {
        self.place
            .overrides
            .iter()
            .find(|o| u32::from(o.position) == position)
            .and_then(|o| o.usage)
            .unwrap_or(standard)
    }

    fn check_composite<'c>(
        &'c self,
        out: &mut Vec<Finding>,
        index: u32,
        rep: Option<u32>,
        composite: &'c CompositeDef,
        value: crate::x12::Element<'_>,
    ) {
        let d = self.segment.delimiters;
        let mut present: u128 = 0;
        let mut seen = 0usize;
        for component in value.components(&d) {
            seen += 1;
            let at = |def: Option<&'c ElementDef>| At {
                position: index,
                component: Some(component.index),
                repetition: rep,
                reference: def.map_or("", |d| d.id.as_str()),
                name: def.map_or(composite.name.as_str(), |d| d.name.as_str()),
                offset: component.offset,
            };
            let Some(slot) = composite.components.get(component.index as usize - 1) else {
                if !component.value.is_empty() {
                    let error = if self.repetitions {
                        ElementError::TooManyComponents
                    } else {
                        ElementError::TooManyElements
                    };
                    self.report(
                        out,
                        at(None),
                        error,
                        Severity::Error,
                        Some(component.value),
                        format!(
                            "{} has {} components at most",
                            composite.id,
                            composite.components.len()
                        ),
                    );
                    // One finding says the composite is too long.
                    break;
                }
                continue;
            };
            let def = &self.spec.elements[slot.element];
            if component.value.is_empty() {
                if slot.usage.is_mandatory() {
                    self.error(
                        out,
                        at(Some(def)),
                        ElementError::MandatoryMissing,
                        None,
                        "is required in the composite but empty".to_string(),
                    );
                }
                continue;
            }
            if component.index <= 128 {
                present |= 1 << (component.index - 1);
            }
            self.check_value(out, at(Some(def)), def, component.value, 0);
        }
        for (i, slot) in composite.components.iter().enumerate().skip(seen) {
            if slot.usage.is_mandatory() {
                let def = &self.spec.elements[slot.element];
                let end = value.offset + value.value.len() as u64;
                self.report(
                    out,
                    At {
                        position: index,
                        component: Some(i as u32 + 1),
                        repetition: rep,
                        reference: &def.id,
                        name: &def.name,
                        offset: end,
                    },
                    ElementError::MandatoryMissing,
                    Severity::Error,
                    None,
                    "is required in the composite but missing".to_string(),
                );
            }
        }
        self.check_notes(out, &composite.notes, present, Some((index, composite)));
    }

    /// Type, length, characters and code list of one value. `position` (0 inside a
    /// composite) is used to find a guide's code restriction.
    fn check_value(
        &self,
        out: &mut Vec<Finding>,
        at: At<'_>,
        def: &ElementDef,
        value: &[u8],
        position: u32,
    ) {
        if matches!(def.kind, ElementType::String | ElementType::Identifier) {
            if value.iter().all(|&b| b == b' ') {
                self.error(
                    out,
                    at,
                    ElementError::InvalidCharacter,
                    Some(value),
                    "holds only spaces; X12 requires at least one character that is not a space (leave the element empty instead)".to_string(),
                );
                return;
            }
            if value.last() == Some(&b' ') {
                // The standard says trailing spaces are suppressed; many senders pad
                // anyway, and the value is still readable: noted, not rejected.
                self.report(
                    out,
                    at,
                    ElementError::InvalidCharacter,
                    Severity::Warning,
                    Some(value),
                    format!(
                        "'{}' ends with spaces, which X12 says to leave out",
                        show(value)
                    ),
                );
            }
        }
        if let Some(bad) = value.iter().position(|&b| !(0x20..=0x7e).contains(&b)) {
            self.error(
                out,
                at,
                ElementError::InvalidCharacter,
                Some(value),
                format!(
                    "contains {} at character {}, which X12 does not allow",
                    show(&value[bad..bad + 1]),
                    bad + 1
                ),
            );
            return;
        }
        let length = match def.kind {
            ElementType::Numeric(_) | ElementType::Decimal => {
                match number_digits(value, def.kind == ElementType::Decimal) {
                    Some(n) => n,
                    None => {
                        let expected = if def.kind == ElementType::Decimal {
                            "a decimal number"
                        } else {
                            "a whole number (decimals are implied)"
                        };
                        self.error(
                            out,
                            at,
                            ElementError::InvalidCharacter,
                            Some(value),
                            format!("'{}' is not {expected}", show(value)),
                        );
                        return;
                    }
                }
            }
            _ => value.len(),
        };
        if def.kind == ElementType::Date && !value.iter().all(u8::is_ascii_digit) {
            self.error(
                out,
                at,
                ElementError::InvalidDate,
                Some(value),
                format!("'{}' is not a date ({})", show(value), date_form(def)),
            );
            return;
        }
        if def.kind == ElementType::Time && !value.iter().all(u8::is_ascii_digit) {
            self.error(
                out,
                at,
                ElementError::InvalidTime,
                Some(value),
                format!("'{}' is not a time (HHMM, HHMMSS or HHMMSSdd)", show(value)),
            );
            return;
        }
        if length < def.min as usize {
            self.error(
                out,
                at,
                ElementError::TooShort,
                Some(value),
                format!(
                    "'{}' is {length} long; the minimum is {}",
                    show(value),
                    def.min
                ),
            );
            return;
        }
        if length > def.max as usize {
            self.error(
                out,
                at,
                ElementError::TooLong,
                Some(value),
                format!(
                    "'{}' is {length} long; the maximum is {}",
                    show(value),
                    def.max
                ),
            );
            return;
        }
        match def.kind {
            ElementType::Date => {
                let ok = if value.len() == 8 {
                    is_ccyymmdd(value)
                } else {
                    is_yymmdd(value)
                };
                if !ok {
                    self.error(
                        out,
                        at,
                        ElementError::InvalidDate,
                        Some(value),
                        format!("'{}' is not a valid date ({})", show(value), date_form(def)),
                    );
                }
            }
            ElementType::Time if !is_time(value) => {
                self.error(
                    out,
                    at,
                    ElementError::InvalidTime,
                    Some(value),
                    format!(
                        "'{}' is not a valid time (HHMM, HHMMSS or HHMMSSdd)",
                        show(value)
                    ),
                );
            }
            ElementType::Identifier => self.check_code(out, at, def, value, position),
            _ => {}
        }
    }

    fn check_code(
        &self,
        out: &mut Vec<Finding>,
        at: At<'_>,
        def: &ElementDef,
        value: &[u8],
        position: u32,
    ) {
        let restricted = (position > 0)
            .then(|| {
                self.place
                    .overrides
                    .iter()
                    .find(|o| u32::from(o.position) == position)
            })
            .flatten()
            .and_then(|o| o.codes.as_ref());
        if let Some(allowed) = restricted {
            if !allowed.iter().any(|c| &c[..] == value) {
                let list: Vec<String> = allowed.iter().map(|c| show(c)).collect();
                self.error(
                    out,
                    at,
                    ElementError::InvalidCode,
                    Some(value),
                    format!(
                        "'{}' is not one of the codes allowed here ({})",
                        show(value),
                        list.join(", ")
                    ),
                );
            }
            return;
        }
        let Some(codes) = &def.codes else { return };
        if codes.contains(value) {
            return;
        }
        if codes.complete {
            self.error(
                out,
                at,
                ElementError::InvalidCode,
                Some(value),
                format!(
                    "'{}' is not a code of element {} in version {}",
                    show(value),
                    def.id,
                    self.spec.version
                ),
            );
        } else {
            self.report(out, at, ElementError::InvalidCode, Severity::Warning, Some(value), format!("'{}' is not among the {} codes of element {} that edigate knows; check it with the partner", show(value), codes.len(), def.id));
        }
    }

    fn check_notes(
        &self,
        out: &mut Vec<Finding>,
        notes: &[SyntaxNote],
        present: u128,
        composite: Option<(u32, &CompositeDef)>,
    ) {
        for note in notes.iter().filter(|n| n.violated(present)) {
            let has = |p: u8| p <= 128 && present & (1 << (p - 1)) != 0;
            let first = note.positions[0];
            let rest = &note.positions[1..];
            let missing: Vec<u8> = match note.kind {
                SyntaxKind::Paired if note.positions.iter().any(|&p| has(p)) => note
                    .positions
                    .iter()
                    .copied()
                    .filter(|&p| !has(p))
                    .collect(),
                SyntaxKind::Required if !note.positions.iter().any(|&p| has(p)) => vec![first],
                SyntaxKind::Conditional if has(first) => {
                    rest.iter().copied().filter(|&p| !has(p)).collect()
                }
                SyntaxKind::ListConditional if has(first) && !rest.iter().any(|&p| has(p)) => {
                    vec![rest[0]]
                }
                SyntaxKind::Exclusion => {
                    let given: Vec<u8> =
                        note.positions.iter().copied().filter(|&p| has(p)).collect();
                    if given.len() > 1 {
                        let names: Vec<String> =
                            given.iter().map(|p| self.name_of(*p, composite)).collect();
                        let at = self.at_position(given[1], composite);
                        self.error(
                            out,
                            at,
                            ElementError::ExclusionViolated,
                            None,
                            format!(
                                "only one of {} may be sent (syntax note {})",
                                names.join(", "),
                                note.rule
                            ),
                        );
                    }
                    continue;
                }
                _ => continue,
            };
            let why = match note.kind {
                SyntaxKind::Paired => format!(
                    "{} are paired: send all of them or none (syntax note {})",
                    self.names(&note.positions, composite),
                    note.rule
                ),
                SyntaxKind::Required => format!(
                    "at least one of {} is required (syntax note {})",
                    self.names(&note.positions, composite),
                    note.rule
                ),
                SyntaxKind::Conditional => format!(
                    "{} is sent, so {} are required (syntax note {})",
                    self.name_of(first, composite),
                    self.names(rest, composite),
                    note.rule
                ),
                _ => format!(
                    "{} is sent, so at least one of {} is required (syntax note {})",
                    self.name_of(first, composite),
                    self.names(rest, composite),
                    note.rule
                ),
            };
            for p in missing {
                let at = self.at_position(p, composite);
                self.error(
                    out,
                    at,
                    ElementError::ConditionalMissing,
                    None,
                    format!("is missing: {why}"),
                );
            }
        }
    }

    fn name_of(&self, position: u8, composite: Option<(u32, &CompositeDef)>) -> String {
        match composite {
            Some((index, _)) => format!("{}{index:02}-{position}", self.def.id),
            None => format!("{}{position:02}", self.def.id),
        }
    }

    fn names(&self, positions: &[u8], composite: Option<(u32, &CompositeDef)>) -> String {
        positions
            .iter()
            .map(|&p| self.name_of(p, composite))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn at_position(&self, position: u8, composite: Option<(u32, &CompositeDef)>) -> At<'_> {
        let end = self.segment.offset + self.segment.len() as u64;
        match composite {
            Some((index, c)) => {
                let def = c
                    .components
                    .get(position as usize - 1)
                    .map(|s| &self.spec.elements[s.element]);
                At {
                    position: index,
                    component: Some(u32::from(position)),
                    repetition: None,
                    reference: def.map_or("", |d| d.id.as_str()),
                    name: def.map_or("", |d| d.name.as_str()),
                    offset: end,
                }
            }
            None => {
                let slot = self.def.elements.get(position as usize - 1);
                let (reference, name) = match slot.map(|s| s.item) {
                    Some(Item::Element(e)) => (
                        self.spec.elements[e].id.as_str(),
                        self.spec.elements[e].name.as_str(),
                    ),
                    Some(Item::Composite(c)) => ("", self.spec.composites[c].name.as_str()),
                    None => ("", ""),
                };
                let offset = self
                    .segment
                    .element(u32::from(position))
                    .map_or(end, |e| e.offset);
                At {
                    position: u32::from(position),
                    component: None,
                    repetition: None,
                    reference,
                    name,
                    offset,
                }
            }
        }
    }

    /// A finding of the standard's syntax (severity error).
    fn error(
        &self,
        out: &mut Vec<Finding>,
        at: At<'_>,
        error: ElementError,
        value: Option<&[u8]>,
        what: String,
    ) {
        self.report(out, at, error, Severity::Error, value, what);
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        out: &mut Vec<Finding>,
        at: At<'_>,
        error: ElementError,
        severity: Severity,
        value: Option<&[u8]>,
        what: String,
    ) {
        let mut place = format!("{}{:02}", self.def.id, at.position);
        if let Some(c) = at.component {
            place.push_str(&format!("-{c}"));
        }
        let about = match (at.name.is_empty(), at.reference.is_empty()) {
            (false, false) => format!("{place} ({}, element {})", at.name, at.reference),
            (false, true) => format!("{place} ({})", at.name),
            _ => place,
        };
        out.push(Finding {
            segment_id: self.def.id.clone(),
            position: self.segment.position,
            loop_id: self.loop_id.map(str::to_string),
            segment_error: None,
            element: Some(ElementPlace {
                position: at.position,
                component: at.component,
                repetition: at.repetition,
                reference: at.reference.to_string(),
                error,
            }),
            value: value.map(show),
            severity,
            offset: at.offset,
            message: format!("{about} {what}"),
            extra_rule: None,
        });
    }
}

fn date_form(def: &ElementDef) -> &'static str {
    if def.min >= 8 {
        "CCYYMMDD"
    } else if def.max <= 6 {
        "YYMMDD"
    } else {
        "CCYYMMDD or YYMMDD"
    }
}

/// Digits counted as the standard counts a number's length (sign and decimal point left
/// out), or None when `value` is not a number of that type. R may carry a decimal point and
/// an exponent (`1.5E3`); Nn is digits only, with an optional leading minus.
fn number_digits(value: &[u8], decimal: bool) -> Option<usize> {
    let body = value.strip_prefix(b"-").unwrap_or(value);
    let (mantissa, exponent) = match (decimal, body.iter().position(|&b| b == b'E')) {
        (true, Some(e)) => (&body[..e], Some(&body[e + 1..])),
        _ => (body, None),
    };
    let mut digits = 0usize;
    let mut points = 0usize;
    for &b in mantissa {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' if decimal => points += 1,
            _ => return None,
        }
    }
    if digits == 0 || points > 1 {
        return None;
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix(b"-").unwrap_or(e);
        if e.is_empty() || !e.iter().all(u8::is_ascii_digit) {
            return None;
        }
        digits += e.len();
    }
    Some(digits)
}

#[cfg(test)]
mod tests {
    use super::number_digits;

    #[test]
    fn numbers_count_digits_only() {
        assert_eq!(number_digits(b"-12.50", true), Some(4));
        assert_eq!(number_digits(b"1250", false), Some(4));
        assert_eq!(number_digits(b"12.5", false), None);
        assert_eq!(number_digits(b"1.2.3", true), None);
        assert_eq!(number_digits(b"-", true), None);
        assert_eq!(number_digits(b".5", true), Some(1));
        assert_eq!(number_digits(b"1.5E-3", true), Some(3));
        assert_eq!(number_digits(b"1E", true), None);
        assert_eq!(number_digits(b"12A", false), None);
    }
}
