//! The compliance engine: a partner's rules evaluated on one transaction set, each broken rule
//! a [`ComplianceFinding`] that says which rule, how serious, where (segment position,
//! element, byte offset), the value found, what the partner's guide says and where it says
//! it, and what breaking it may cost. Pure: the set is given, nothing is read or stored.

use std::fmt;

use serde::Serialize;

use super::profile::Profile;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;

use super::consistency;
use super::rules::Consistency;
use super::rules::{
    Arithmetic, Check, Deadline, Direction, GuideRef, Penalty, Rule, RuleSeverity, Scheme, Selector,
};
use crate::document::gs1;
use crate::document::invoice::Invoice;
use crate::document::order::PurchaseOrder;
use crate::document::remittance::Remittance;
use crate::document::ship_notice::ShipNotice;
use crate::document::terms::{Terms, TermsKind};
use crate::map::translate::{Placement, structure, text};
use crate::map::ts810_out::invoice_amounts;
use crate::map::{ts810, ts820, ts850, ts856};
use crate::validate::{ElementError, ElementPlace, ExtraRule, Finding, SegmentError, Severity};
use crate::x12::{Segment, TransactionSetRef};

/// One rule a set breaks, at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplianceFinding {
    pub rule: String,
    pub severity: RuleSeverity,
    /// The segment the finding is about (for a missing segment: the one missing).
    pub segment: String,
    /// Position in the set, ST = 1 (for a missing segment: where the loop or level it was
    /// missing from starts).
    pub position: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub offset: u64,
    /// The partner's words for the rule.
    pub message: String,
    /// What was found, in words.
    pub detail: String,
    pub source: GuideRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub penalty: Option<Penalty>,
    /// The 997 code of a finding the standard's syntax can express ("AK304 3", "AK403 7"):
    /// segment and element rules. Such findings go into the 997 with the standard's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack: Option<String>,
    #[serde(skip)]
    pub standard: Option<StandardCode>,
}

/// How a partner-rule finding is said in a 997.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StandardCode {
    Segment(SegmentError),
    /// The error, and the element's data element reference number (AK402).
    Element(ElementError, String),
}

impl ComplianceFinding {
    fn coded(mut self, code: StandardCode) -> Self {
        self.ack = Some(match &code {
            StandardCode::Segment(e) => format!("AK304 {}", e.code()),
            StandardCode::Element(e, _) => format!("AK403 {}", e.code()),
        });
        self.standard = Some(code);
        self
    }

    /// As a finding of the standard's validation, to go into the 997 beside the standard's
    /// own: a `reject` rejects the set (AK501 R), an `error` only notes it (E); warnings and
    /// findings the standard's codes cannot express stay out of the 997.
    pub fn as_standard(&self) -> Option<Finding> {
        let rejects = match self.severity {
            RuleSeverity::Reject => true,
            RuleSeverity::Error => false,
            RuleSeverity::Warning => return None,
        };
        let (segment_error, element) = match self.standard.clone()? {
            StandardCode::Segment(e) => (Some(e), None),
            StandardCode::Element(error, reference) => {
                let position = self
                    .element
                    .as_deref()
                    .and_then(|e| e.get(self.segment.len()..))
                    .and_then(|n| n.parse().ok())?;
                (
                    None,
                    Some(ElementPlace {
                        position,
                        component: None,
                        repetition: None,
                        reference,
                        error,
                    }),
                )
            }
        };
        Some(Finding {
            segment_id: self.segment.clone(),
            position: self.position,
            loop_id: None,
            segment_error,
            element,
            value: self.value.clone(),
            severity: Severity::Error,
            offset: self.offset,
            message: format!(
                "partner rule {}: {} — {}",
                self.rule, self.message, self.detail
            ),
            extra_rule: Some(ExtraRule {
                id: self.rule.clone(),
                rejects,
            }),
        })
    }
}

impl fmt::Display for ComplianceFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            RuleSeverity::Reject => "reject",
            RuleSeverity::Error => "error",
            RuleSeverity::Warning => "warning",
        };
        write!(
            f,
            "{severity} {} at segment {} ({}), byte {}: {} — {} [{}]",
            self.rule,
            self.position,
            self.element.as_deref().unwrap_or(&self.segment),
            self.offset,
            self.message,
            self.detail,
            self.source
        )?;
        if let Some(p) = &self.penalty {
            write!(f, " (may cost {} {} {})", p.amount, p.currency, p.per)?;
        }
        Ok(())
    }
}

/// Where one segment of the set sits, for the selectors.
struct Placed<'s, 'a> {
    segment: &'s Segment<'a>,
    /// The loops it is in, outermost first.
    loops: Vec<LoopAt>,
    /// In an 856: the position of the HL whose level the segment belongs to, and its HL03.
    level: Option<(u32, String)>,
}

/// The other documents of a set's order, for the consistency rules; a rule whose documents
/// are not given is not evaluated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Related<'r> {
    pub order: Option<&'r PurchaseOrder>,
    pub notices: &'r [ShipNotice],
    /// When each of `notices` was sent (its ISA09/ISA10), in the same order.
    pub notices_sent: &'r [NaiveDateTime],
}

/// One loop a segment is in.
struct LoopAt {
    id: String,
    /// The loop iteration, with the path to it: "HL[3]/N1[1]".
    instance: String,
    /// Where the iteration starts, as an index into the placed segments.
    start: usize,
}

/// Every rule of `profile` for this set and direction, evaluated on `set`; consistency rules
/// need the other documents ([`evaluate_with`]).
pub fn evaluate(
    profile: &Profile,
    set: &TransactionSetRef<'_>,
    direction: Direction,
) -> Vec<ComplianceFinding> {
    evaluate_with(profile, set, direction, &Related::default())
}

/// Puts each set's partner-rule findings that a 997 can express beside the standard's, in
/// the order of the set: `sets` holds the findings of the report's sets, in their order.
pub fn into_report<'f>(
    report: &mut crate::validate::InterchangeReport,
    sets: impl IntoIterator<Item = &'f [ComplianceFinding]>,
) {
    let mut sets = sets.into_iter();
    for set in report.groups.iter_mut().flat_map(|g| g.sets.iter_mut()) {
        let Some(findings) = sets.next() else {
            return;
        };
        let before = set.findings.len();
        set.findings
            .extend(findings.iter().filter_map(|f| f.as_standard()));
        if set.findings.len() > before {
            set.findings.sort_by_key(|f| f.position);
        }
    }
}

/// [`evaluate`], with the documents the consistency rules compare the set with.
pub fn evaluate_with(
    profile: &Profile,
    set: &TransactionSetRef<'_>,
    direction: Direction,
    related: &Related<'_>,
) -> Vec<ComplianceFinding> {
    let mut findings = envelope(profile, set, direction);
    let rules: Vec<&Rule> = profile
        .rules
        .iter()
        .filter(|r| r.set == set.header.id && r.direction.covers(direction))
        .collect();
    if rules.is_empty() {
        return findings;
    }
    let placed = place(set);
    // Translated only when a rule about the document as a whole needs it.
    let mut canonical: Option<Canonical> = None;
    for rule in rules {
        match &rule.check {
            Check::Usage { min, max } => usage(rule, &placed, *min, *max, &mut findings),
            Check::Element { .. } | Check::CheckDigit { .. } => {
                for p in placed
                    .iter()
                    .filter(|p| selects(&rule.selector, p, &placed))
                {
                    element(rule, p.segment, &set.group.version, &mut findings);
                }
            }
            Check::Arithmetic { what, tolerance } => {
                let document = canonical.get_or_insert_with(|| Canonical::of(set));
                arithmetic(rule, set, document, *what, *tolerance, &mut findings);
            }
            Check::Deadline(deadline) => deadline_met(rule, set, *deadline, related, &mut findings),
            Check::Consistency(what) => consistent(rule, set, *what, related, &mut findings),
            Check::AgreedTerms => {
                let document = canonical.get_or_insert_with(|| Canonical::of(set));
                if let Canonical::Invoice(invoice) = document {
                    agreed_terms(rule, profile, set, invoice, related, &mut findings);
                }
            }
        }
    }
    findings.sort_by_key(|f| f.position);
    findings
}

/// What the profile itself says about the envelope, checked on every set: the ISA and GS ids
/// both ways, the environment (ISA15), and the version the partner trades the set in.
/// These rules have fixed ids (`ENVELOPE-...`) and reject, since a set addressed to someone
/// else, sent in the wrong environment or version is not the partner's to act on.
fn envelope(
    profile: &Profile,
    set: &TransactionSetRef<'_>,
    direction: Direction,
) -> Vec<ComplianceFinding> {
    let isa = set.interchange;
    let group = set.group;
    let (from, to) = match direction {
        Direction::Outbound => (&profile.us, &profile.partner),
        _ => (&profile.partner, &profile.us),
    };
    let source = |section: &str| GuideRef {
        guide: format!("partner profile {}", profile.id),
        section: Some(section.to_owned()),
        page: None,
        date: None,
    };
    let mut findings = Vec::new();
    let mut add = |rule: &str,
                   segment: &str,
                   element: &str,
                   value: String,
                   message: String,
                   detail: String,
                   section: &str,
                   offset: u64| {
        findings.push(ComplianceFinding {
            rule: rule.to_owned(),
            severity: RuleSeverity::Reject,
            segment: segment.to_owned(),
            position: 1,
            element: Some(element.to_owned()),
            value: Some(value),
            offset,
            message,
            detail,
            source: source(section),
            penalty: None,
            ack: None,
            standard: None,
        });
    };
    let show = |id: &crate::x12::PartyId| format!("{}:{}", id.qualifier.trim(), id.id.trim());
    if !from.is(&isa.sender) {
        add(
            "ENVELOPE-SENDER",
            "ISA",
            "ISA06",
            show(&isa.sender),
            format!("The interchange comes from {}.", show(&from.isa)),
            format!("ISA05/06 is {}", show(&isa.sender)),
            if direction == Direction::Outbound {
                "[us]"
            } else {
                "[partner]"
            },
            isa.offset,
        );
    }
    if !to.is(&isa.receiver) {
        add(
            "ENVELOPE-RECEIVER",
            "ISA",
            "ISA08",
            show(&isa.receiver),
            format!("The interchange goes to {}.", show(&to.isa)),
            format!("ISA07/08 is {}", show(&isa.receiver)),
            if direction == Direction::Outbound {
                "[partner]"
            } else {
                "[us]"
            },
            isa.offset,
        );
    }
    if group.sender.trim() != from.gs || group.receiver.trim() != to.gs {
        add(
            "ENVELOPE-GROUP",
            "GS",
            "GS02",
            format!("{}/{}", group.sender.trim(), group.receiver.trim()),
            format!("The group goes from {} to {} (GS02/GS03).", from.gs, to.gs),
            format!(
                "GS02/GS03 are {}/{}",
                group.sender.trim(),
                group.receiver.trim()
            ),
            "[partner] and [us] gs",
            group.offset,
        );
    }
    let wanted = if profile.test { "T" } else { "P" };
    if isa.usage.trim() != wanted {
        add(
            "ENVELOPE-USAGE",
            "ISA",
            "ISA15",
            isa.usage.clone(),
            format!(
                "This partner trades in its {} environment: ISA15 is {wanted}.",
                if profile.test { "test" } else { "production" }
            ),
            format!("ISA15 is {}", isa.usage),
            "[envelope] environment",
            isa.offset,
        );
    }
    match profile.version_for(&set.header.id) {
        Some(version) if group.version.starts_with(version) => {}
        Some(version) => add(
            "ENVELOPE-VERSION",
            "GS",
            "GS08",
            group.version.clone(),
            format!(
                "This partner trades the {} in version {version}.",
                set.header.id
            ),
            format!("GS08 is {}", group.version),
            "[envelope] versions",
            group.offset,
        ),
        None => add(
            "ENVELOPE-VERSION",
            "ST",
            "ST01",
            set.header.id.clone(),
            format!("This partner trades no {} with us.", set.header.id),
            "its profile's envelope.versions does not name it".to_owned(),
            "[envelope] versions",
            set.header.offset,
        ),
    }
    findings
}

fn place<'s, 'a>(set: &'s TransactionSetRef<'a>) -> Vec<Placed<'s, 'a>> {
    let mut placement = structure(&set.header.id, &set.group.version).map(Placement::new);
    let mut level: Option<(u32, String)> = None;
    let mut starts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    set.segments
        .iter()
        .enumerate()
        .map(|(index, segment)| {
            let placed = placement
                .as_mut()
                .and_then(|p| p.place(segment.id))
                .is_some();
            let path = if placed {
                placement.as_ref().and_then(Placement::loop_path)
            } else {
                None
            };
            let loops = path
                .map(|path| {
                    // Each loop with the path up to it: the identity of that loop instance.
                    let parts: Vec<&str> = path.split('/').collect();
                    (0..parts.len())
                        .map(|i| {
                            let instance = parts[..=i].join("/");
                            let start = *starts.entry(instance.clone()).or_insert(index);
                            LoopAt {
                                id: parts[i].split('[').next().unwrap_or("").to_owned(),
                                instance,
                                start,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            if segment.id == b"HL" {
                level = Some((segment.position, text(segment.value(3))));
            }
            Placed {
                segment,
                loops,
                level: level.clone(),
            }
        })
        .collect()
}

/// The iteration of the selector's loop `p` is in, when the loop's first segment carries the
/// selector's loop qualifiers (the N1 loop whose N101 is ST).
fn loop_of<'p>(
    selector: &Selector,
    p: &'p Placed<'_, '_>,
    placed: &[Placed<'_, '_>],
) -> Option<&'p LoopAt> {
    let wanted = selector.loop_id.as_ref()?;
    p.loops.iter().find(|l| {
        l.id == *wanted
            && selector.loop_qualifiers.iter().all(|(n, value)| {
                placed
                    .get(l.start)
                    .is_some_and(|s| s.segment.value(*n as u32) == value.as_bytes())
            })
    })
}

fn selects(selector: &Selector, p: &Placed<'_, '_>, placed: &[Placed<'_, '_>]) -> bool {
    p.segment.id == selector.segment.as_bytes()
        && selector
            .qualifiers
            .iter()
            .all(|(n, value)| p.segment.value(*n as u32) == value.as_bytes())
        && (selector.loop_id.is_none() || loop_of(selector, p, placed).is_some())
        && selector
            .level
            .as_ref()
            .is_none_or(|l| p.level.as_ref().is_some_and(|(_, level)| level == l))
}

/// `REF*IA`: a segment and the qualifier values that pick it, as a reader writes it.
fn described(selector: &Selector) -> String {
    let mut s = selector.segment.clone();
    for (_, value) in &selector.qualifiers {
        s.push('*');
        s.push_str(value);
    }
    s
}

/// A segment rule: in each instance of the rule's scope (each HL of its level, each
/// iteration of its loop, else the whole set), the selected segments are counted.
fn usage(
    rule: &Rule,
    placed: &[Placed<'_, '_>],
    min: u32,
    max: Option<u32>,
    findings: &mut Vec<ComplianceFinding>,
) {
    let selector = &rule.selector;
    // Each scope instance: its key, the segment that starts it, and what it is called.
    let scope_of = |p: &Placed<'_, '_>| -> Option<(String, String)> {
        if let Some(level) = &selector.level {
            return p.level.as_ref().filter(|(_, l)| l == level).map(|(at, l)| {
                (
                    format!("HL@{at}"),
                    format!("the level {l} HL at segment {at}"),
                )
            });
        }
        if selector.loop_id.is_some() {
            return loop_of(selector, p, placed)
                .map(|l| (l.instance.clone(), format!("loop {}", l.instance)));
        }
        Some(("set".to_owned(), "the set".to_owned()))
    };
    let mut scopes: Vec<(String, String, &Placed<'_, '_>, Vec<&Placed<'_, '_>>)> = Vec::new();
    for p in placed {
        let Some((key, name)) = scope_of(p) else {
            continue;
        };
        if scopes.last().is_none_or(|(k, ..)| *k != key) {
            scopes.push((key, name, p, Vec::new()));
        }
        if selects(selector, p, placed)
            && let Some((.., found)) = scopes.last_mut()
        {
            found.push(p);
        }
    }
    let what = described(selector);
    for (_, name, start, found) in scopes {
        let count = found.len() as u32;
        if count < min {
            findings.push(
                finding(
                    rule,
                    &selector.segment,
                    start.segment.position,
                    start.segment.offset,
                    None,
                    None,
                    if min == 1 {
                        format!("{what} is missing from {name}")
                    } else {
                        format!(
                            "{what} appears {count} time(s) in {name}; at least {min} are required"
                        )
                    },
                )
                .coded(StandardCode::Segment(SegmentError::MandatoryMissing)),
            );
        }
        if let Some(max) = max
            && count > max
        {
            let extra = found[max as usize];
            findings.push(
                finding(
                    rule,
                    &selector.segment,
                    extra.segment.position,
                    extra.segment.offset,
                    None,
                    None,
                    if max == 0 {
                        format!("{what} must not be used in {name}")
                    } else {
                        format!(
                            "{what} appears {count} time(s) in {name}; at most {max} are allowed"
                        )
                    },
                )
                .coded(StandardCode::Segment(if max == 0 {
                    SegmentError::Unexpected
                } else {
                    SegmentError::ExceedsMaximumUse
                })),
            );
        }
    }
}

fn element(rule: &Rule, segment: &Segment<'_>, gs08: &str, findings: &mut Vec<ComplianceFinding>) {
    let name = rule.element.clone().unwrap_or_default();
    let (position, check) = match &rule.check {
        Check::Element { position, .. } | Check::CheckDigit { position, .. } => {
            (*position, &rule.check)
        }
        _ => return,
    };
    let element = segment.elements().nth(position - 1);
    let raw = element.as_ref().map_or(&b""[..], |e| e.value);
    let offset = element.as_ref().map_or(segment.offset, |e| e.offset);
    let value = text(raw);
    let reference = reference(gs08, segment.id, position);
    let mut problem = |detail: String, error: Option<ElementError>| {
        let mut f = finding(
            rule,
            segment.id_str(),
            segment.position,
            offset,
            Some(name.clone()),
            (!value.is_empty()).then(|| value.clone()),
            detail,
        );
        if let Some(error) = error {
            f = f.coded(StandardCode::Element(error, reference.clone()));
        }
        findings.push(f);
    };
    match check {
        Check::Element {
            required,
            min_length,
            max_length,
            codes,
            pattern,
            value: fixed,
            ..
        } => {
            if value.is_empty() {
                if *required {
                    problem(
                        format!("{name} is empty"),
                        Some(ElementError::MandatoryMissing),
                    );
                }
                return;
            }
            let len = value.chars().count() as u32;
            if let Some(min) = min_length
                && len < *min
            {
                problem(
                    format!("{name} is {len} long; at least {min}"),
                    Some(ElementError::TooShort),
                );
            }
            if let Some(max) = max_length
                && len > *max
            {
                problem(
                    format!("{name} is {len} long; at most {max}"),
                    Some(ElementError::TooLong),
                );
            }
            if !codes.is_empty() && !codes.contains(&value) {
                problem(
                    format!("{name} is not one of {}", codes.join(", ")),
                    Some(ElementError::InvalidCode),
                );
            }
            if let Some(pattern) = pattern
                && !pattern.is_match(&value)
            {
                problem(
                    format!("{name} does not match the pattern {}", pattern.as_str()),
                    Some(ElementError::InvalidCharacter),
                );
            }
            if let Some(fixed) = fixed
                && *fixed != value
            {
                problem(
                    format!("{name} must be {fixed}"),
                    Some(ElementError::InvalidCode),
                );
            }
        }
        Check::CheckDigit { scheme, .. } => {
            let result = match scheme {
                Scheme::Sscc => gs1::Sscc::parse(&value).map(|_| ()),
                Scheme::Gtin => gs1::Gtin::parse(&value).map(|_| ()),
                Scheme::Gln if value.len() != 13 => {
                    problem(
                        format!("{name} has {} digits; a GLN has 13", value.len()),
                        None,
                    );
                    return;
                }
                Scheme::Gln => gs1::verify(&value),
            };
            if let Err(e) = result {
                problem(format!("{name}: {e}"), None);
            }
        }
        _ => {}
    }
}

fn finding(
    rule: &Rule,
    segment: &str,
    position: u32,
    offset: u64,
    element: Option<String>,
    value: Option<String>,
    detail: String,
) -> ComplianceFinding {
    ComplianceFinding {
        rule: rule.id.clone(),
        severity: rule.severity,
        segment: segment.to_owned(),
        position,
        element,
        value,
        offset,
        message: rule.message.clone(),
        detail,
        source: rule.source.clone(),
        penalty: rule.penalty.clone(),
        ack: None,
        standard: None,
    }
}

/// A set as its canonical document, for the rules about totals and terms.
enum Canonical {
    Order(PurchaseOrder),
    Invoice(Invoice),
    Remittance(Remittance),
    Other,
}

impl Canonical {
    fn of(set: &TransactionSetRef<'_>) -> Canonical {
        match set.header.id.as_str() {
            "850" => Canonical::Order(ts850::purchase_order(set).document),
            "810" => Canonical::Invoice(ts810::invoice(set).document),
            "820" => Canonical::Remittance(ts820::remittance(set).document),
            _ => Canonical::Other,
        }
    }
}

/// The first segment `id` of the set, else its ST: where a finding about a total goes.
fn at<'s, 'a>(set: &'s TransactionSetRef<'a>, id: &str) -> &'s Segment<'a> {
    set.segments
        .iter()
        .find(|s| s.id == id.as_bytes())
        .unwrap_or(&set.segments[0])
}

fn arithmetic(
    rule: &Rule,
    set: &TransactionSetRef<'_>,
    document: &Canonical,
    what: Arithmetic,
    tolerance: Decimal,
    findings: &mut Vec<ComplianceFinding>,
) {
    if set.segments.is_empty() {
        return;
    }
    // (segment, element, stated, worked out, what the working out is)
    let (segment, element, stated, computed, basis): (&str, &str, Decimal, Decimal, String) =
        match (what, document) {
            (Arithmetic::LineCount, Canonical::Order(o)) => match o.totals.line_count {
                Some(n) => (
                    "CTT",
                    "CTT01",
                    n.into(),
                    o.lines.len().into(),
                    "lines".into(),
                ),
                None => return,
            },
            (Arithmetic::LineCount, Canonical::Invoice(i)) => match i.totals.line_count {
                Some(n) => (
                    "CTT",
                    "CTT01",
                    n.into(),
                    i.lines.len().into(),
                    "lines".into(),
                ),
                None => return,
            },
            (Arithmetic::HashTotal, Canonical::Order(o)) => match o.totals.hash_total {
                Some(h) => (
                    "CTT",
                    "CTT02",
                    h,
                    match checked_sum(o.lines.iter().map(|l| l.quantity.value)) {
                        Some(sum) => sum,
                        None => return,
                    },
                    "the sum of the lines' quantities".into(),
                ),
                None => return,
            },
            (Arithmetic::InvoiceTotal, Canonical::Invoice(i)) => match invoice_amounts(i) {
                Ok(a) => (
                    "TDS",
                    "TDS01",
                    i.totals.total,
                    a.total,
                    format!(
                        "lines {:.2} − allowances {:.2} + charges {:.2} + taxes {:.2}",
                        a.merchandise, a.allowances, a.charges, a.taxes
                    ),
                ),
                Err(e) => {
                    let s = at(set, "TDS");
                    findings.push(finding(
                        rule,
                        s.id_str(),
                        s.position,
                        s.offset,
                        Some("TDS01".into()),
                        None,
                        format!("the invoice's amounts cannot be worked out: {e}"),
                    ));
                    return;
                }
            },
            (Arithmetic::PaymentTotal, Canonical::Remittance(r)) => {
                let (Some(paid), Some(adjusted)) = (
                    checked_sum(r.items.iter().map(|i| i.amount_paid)),
                    checked_sum(r.adjustments.iter().map(|a| a.amount)),
                ) else {
                    return;
                };
                let Some(total) = paid.checked_add(adjusted) else {
                    return;
                };
                (
                    "BPR",
                    "BPR02",
                    r.payment.amount,
                    total,
                    format!("items paid {paid:.2} + adjustments of the account {adjusted:.2}"),
                )
            }
            _ => return,
        };
    // A difference too large to compute is certainly beyond the tolerance.
    if stated
        .checked_sub(computed)
        .is_none_or(|difference| difference.abs() > tolerance)
    {
        let s = at(set, segment);
        findings.push(finding(
            rule,
            segment,
            s.position,
            s.offset,
            Some(element.to_owned()),
            Some(stated.to_string()),
            format!("{element} states {stated}, but {basis} come to {computed}"),
        ));
    }
}

/// The invoice's terms are the terms agreed, or (where the order is at hand) the order's:
/// the same kind, basis, discount and days.
fn agreed_terms(
    rule: &Rule,
    profile: &Profile,
    set: &TransactionSetRef<'_>,
    invoice: &Invoice,
    related: &Related<'_>,
    findings: &mut Vec<ComplianceFinding>,
) {
    let ordered: &[Terms] = related.order.map_or(&[], |o| o.terms.as_slice());
    let allowed: Vec<&Terms> = profile.terms.iter().chain(ordered).collect();
    if set.segments.is_empty() || allowed.is_empty() {
        return;
    }
    // "NET 30" is the same terms whether written as basic terms without a discount or as
    // terms where no discount applies (ITD01 05).
    let key = |t: &Terms| {
        (
            match t.kind {
                TermsKind::DiscountNotApplicable => TermsKind::Basic,
                ref kind => kind.clone(),
            },
            t.basis.clone(),
            t.discount_percent.map(|d| d.normalize()),
            t.discount_days,
            t.net_days,
            t.day_of_month,
        )
    };
    let mut agreed: Vec<String> = profile.terms.iter().map(Terms::describe).collect();
    agreed.extend(
        ordered
            .iter()
            .map(|t| format!("the order's {}", t.describe())),
    );
    let s = at(set, "ITD");
    if invoice.terms.is_empty() {
        findings.push(finding(
            rule,
            "ITD",
            s.position,
            s.offset,
            None,
            None,
            format!(
                "the invoice states no terms; agreed: {}",
                agreed.join(" or ")
            ),
        ));
        return;
    }
    for terms in &invoice.terms {
        if !allowed.iter().any(|a| key(a) == key(terms)) {
            findings.push(finding(
                rule,
                "ITD",
                s.position,
                s.offset,
                None,
                Some(terms.describe()),
                format!(
                    "the invoice states {}; agreed: {}",
                    terms.describe(),
                    agreed.join(" or ")
                ),
            ));
        }
    }
}

/// AK402 for element `position` of segment `id` in version `gs08`; empty when unknown.
fn reference(gs08: &str, id: &[u8], position: usize) -> String {
    let Ok(specs) = crate::spec::standard() else {
        return String::new();
    };
    let Some(version) = specs.version(gs08) else {
        return String::new();
    };
    version
        .segment(crate::spec::SegKey::of(id))
        .and_then(|(_, def)| def.elements.get(position - 1))
        .and_then(|p| match p.item {
            crate::spec::Item::Element(e) => version.elements.get(e).map(|e| e.id.clone()),
            crate::spec::Item::Composite(_) => None,
        })
        .unwrap_or_default()
}

/// When an interchange was sent, from ISA09 (YYMMDD) and ISA10 (HHMM).
pub fn sent_at(set: &TransactionSetRef<'_>) -> Option<NaiveDateTime> {
    let isa = set.interchange;
    let date = NaiveDate::parse_from_str(&format!("20{}", isa.date.trim()), "%Y%m%d").ok()?;
    let time = NaiveTime::parse_from_str(isa.time.trim(), "%H%M").ok()?;
    Some(date.and_time(time))
}

fn deadline_met(
    rule: &Rule,
    set: &TransactionSetRef<'_>,
    deadline: Deadline,
    related: &Related<'_>,
    findings: &mut Vec<ComplianceFinding>,
) {
    if set.segments.is_empty() {
        return;
    }
    match deadline {
        Deadline::AsnAfterShipment { hours } => {
            let notice = ts856::ship_notice(set).document;
            let shipped = notice
                .ship_date
                .and_time(notice.ship_time.unwrap_or(NaiveTime::MIN));
            let Some(sent) = sent_at(set) else {
                return;
            };
            let Some(due) = shipped.checked_add_signed(chrono::Duration::hours(i64::from(hours)))
            else {
                return;
            };
            if sent > due {
                let late = sent - shipped;
                findings.push(finding(
                    rule,
                    "ISA",
                    1,
                    set.interchange.offset,
                    Some("ISA09".into()),
                    Some(sent.format("%Y-%m-%d %H:%M").to_string()),
                    format!(
                        "sent {}, {} hour(s) after the shipment of {}; due by {}",
                        sent.format("%Y-%m-%d %H:%M"),
                        late.num_hours(),
                        shipped.format("%Y-%m-%d %H:%M"),
                        due.format("%Y-%m-%d %H:%M")
                    ),
                ));
            }
        }
        Deadline::AsnBeforeInvoice => {
            let (Some(invoiced), Some(last)) = (sent_at(set), related.notices_sent.iter().max())
            else {
                return;
            };
            if invoiced < *last {
                findings.push(finding(
                    rule,
                    "ISA",
                    1,
                    set.interchange.offset,
                    Some("ISA09".into()),
                    Some(invoiced.format("%Y-%m-%d %H:%M").to_string()),
                    format!(
                        "the invoice was sent {}, before its ship notice of {}",
                        invoiced.format("%Y-%m-%d %H:%M"),
                        last.format("%Y-%m-%d %H:%M")
                    ),
                ));
            }
        }
        Deadline::InvoiceNotBeforeShipment => {
            let invoice = ts810::invoice(set).document;
            if let Some(shipped) = invoice.ship_date
                && invoice.date < shipped
            {
                let s = at(set, "BIG");
                findings.push(finding(
                    rule,
                    "BIG",
                    s.position,
                    s.offset,
                    Some("BIG01".into()),
                    Some(invoice.date.to_string()),
                    format!(
                        "the invoice is dated {}, before the goods shipped on {shipped}",
                        invoice.date
                    ),
                ));
            }
        }
    }
}

/// A deadline the partner's profile sets for this set, stated so that it can be tracked:
/// their 997 for what we send is due within the hours agreed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineStatement {
    pub what: String,
    pub due: NaiveDateTime,
}

pub fn deadlines(
    profile: &Profile,
    set: &TransactionSetRef<'_>,
    direction: Direction,
) -> Vec<DeadlineStatement> {
    let mut out = Vec::new();
    if direction == Direction::Outbound
        && set.header.id != "997"
        && let (Some(hours), Some(sent)) = (profile.expect_997_within_hours, sent_at(set))
        && let Some(due) = sent.checked_add_signed(chrono::Duration::hours(i64::from(hours)))
    {
        out.push(DeadlineStatement {
            what: format!(
                "{}'s 997 for group {} ({} {})",
                profile.id, set.group.control_number, set.header.id, set.header.control_number
            ),
            due,
        });
    }
    out
}

fn consistent(
    rule: &Rule,
    set: &TransactionSetRef<'_>,
    what: Consistency,
    related: &Related<'_>,
    findings: &mut Vec<ComplianceFinding>,
) {
    if set.segments.is_empty() {
        return;
    }
    let (mismatches, line_segment, heading) = match what {
        Consistency::AsnAgainstOrder => {
            let Some(order) = related.order else { return };
            let notice = ts856::ship_notice(set).document;
            (consistency::asn_against_order(&notice, order), "LIN", "BSN")
        }
        Consistency::InvoiceAgainstOrder => {
            let Some(order) = related.order else { return };
            let invoice = ts810::invoice(set).document;
            (
                consistency::invoice_against_order(&invoice, order),
                "IT1",
                "BIG",
            )
        }
        Consistency::InvoiceAgainstAsn => {
            if related.notices.is_empty() {
                return;
            }
            let invoice = ts810::invoice(set).document;
            (
                consistency::invoice_against_asn(&invoice, related.notices),
                "IT1",
                "BIG",
            )
        }
    };
    for m in mismatches {
        // The line's own segment (LIN01 / IT101 is the order line), else the heading.
        let s = m
            .line
            .as_deref()
            .and_then(|id| {
                set.segments
                    .iter()
                    .find(|s| s.id == line_segment.as_bytes() && s.value(1) == id.as_bytes())
            })
            .unwrap_or_else(|| at(set, heading));
        findings.push(finding(
            rule,
            s.id_str(),
            s.position,
            s.offset,
            None,
            m.line.clone(),
            m.detail,
        ));
    }
}

/// The sum, or `None` when it leaves the range of a decimal.
fn checked_sum(values: impl Iterator<Item = Decimal>) -> Option<Decimal> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |sum, v| sum.checked_add(v))
}
