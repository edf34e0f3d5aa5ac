//! A partner's compliance rules, as data in its profile (`[[rules]]`): what its
//! implementation guide demands beyond the standard, each rule with an id, a severity, a
//! message for business readers and the place in the partner's guide it comes from, and
//! optionally what breaking it may cost.
//!
//! Kinds built here (the rest of issue 5's list follows):
//! - `segment`: a segment (picked by id, qualifier values, loop, 856 level) must be used,
//!   must not be used, or used between `min` and `max` times in each loop instance or level;
//! - `element`: an element of such segments is required, has a length, one of some codes, a
//!   pattern, or a fixed value;
//! - `check_digit`: an element holds a GTIN/UPC/EAN, a GLN or an SSCC-18 with a valid GS1
//!   check digit.
//!
//! A rule is checked against the standard when the profile is read: the segment must exist in
//! the spec of the version the partner trades the set in, the element must be one of its
//! positions, a pattern must compile.

use std::collections::BTreeMap;

use regex::Regex;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::spec::{LoopSpec, Node, SegKey, SpecSet};

/// A rule as written.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: String,
    pub kind: String,
    /// The transaction set it applies to (`"856"`).
    pub set: String,
    /// `inbound`, `outbound` or `both` (the default).
    #[serde(default = "both")]
    pub direction: String,
    /// `reject` (the set is rejected / not sent), `error` (noted), `warning`.
    pub severity: String,
    pub message: String,
    pub source: GuideRef,
    #[serde(default)]
    pub penalty: Option<Penalty>,
    /// The segment (`"REF"`).
    #[serde(default)]
    pub segment: Option<String>,
    /// Qualifier values that pick the segment: `{ REF01 = "IA" }`.
    #[serde(rename = "where", default)]
    pub qualifiers: BTreeMap<String, String>,
    /// The loop the segment is counted in (`"N1"`, `"PO1"`, `"HL"`): each instance of it.
    #[serde(rename = "loop", default)]
    pub loop_id: Option<String>,
    /// Qualifier values of the loop's first segment that pick the loop: `{ N101 = "ST" }`, the
    /// ship-to's N1 loop.
    #[serde(default)]
    pub loop_where: BTreeMap<String, String>,
    /// In an 856, the hierarchical level (HL03): `S`, `O`, `T`, `P`, `I`.
    #[serde(default)]
    pub level: Option<String>,
    /// Segment rules: `required` or `forbidden`.
    #[serde(default)]
    pub usage: Option<String>,
    #[serde(default)]
    pub min: Option<u32>,
    #[serde(default)]
    pub max: Option<u32>,
    /// Element rules: the element (`"REF02"`).
    #[serde(default)]
    pub element: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    #[serde(default)]
    pub codes: Vec<String>,
    /// A regular expression the whole value must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// The one value allowed.
    #[serde(default)]
    pub value: Option<String>,
    /// Check-digit rules: `gtin`, `gln` or `sscc`.
    #[serde(default)]
    pub scheme: Option<String>,
    /// Arithmetic rules: `line_count`, `hash_total` (850), `invoice_total` (810),
    /// `payment_total` (820).
    #[serde(default)]
    pub check: Option<String>,
    /// Arithmetic rules: how far a stated total may be off ("0.01"); none: exact.
    #[serde(default)]
    pub tolerance: Option<String>,
    /// Deadline rules: within how many hours.
    #[serde(default)]
    pub hours: Option<u32>,
}

fn both() -> String {
    "both".to_owned()
}

/// Where a rule comes from in the partner's documents.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuideRef {
    /// The document: "BigRetail 856 Implementation Guide v4.2".
    pub guide: String,
    #[serde(default)]
    pub section: Option<String>,
    #[serde(default)]
    pub page: Option<u32>,
    /// The guide's date or version date, as written.
    #[serde(default)]
    pub date: Option<String>,
}

impl std::fmt::Display for GuideRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.guide)?;
        if let Some(section) = &self.section {
            write!(f, ", section {section}")?;
        }
        if let Some(page) = self.page {
            write!(f, ", page {page}")?;
        }
        if let Some(date) = &self.date {
            write!(f, " ({date})")?;
        }
        Ok(())
    }
}

/// What breaking a rule may cost, from the partner's penalty schedule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Penalty {
    /// As written in the schedule: "250.00".
    pub amount: String,
    #[serde(default = "usd")]
    pub currency: String,
    /// "per occurrence", "per ASN", "per carton".
    pub per: String,
    pub source: GuideRef,
}

fn usd() -> String {
    "USD".to_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleSeverity {
    /// The set is rejected (inbound) or not sent (outbound).
    Reject,
    /// Noted: the set is accepted with errors.
    Error,
    Warning,
}

impl RuleSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSeverity::Reject => "reject",
            RuleSeverity::Error => "error",
            RuleSeverity::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
    Both,
}

impl Direction {
    pub fn covers(self, other: Direction) -> bool {
        self == Direction::Both || self == other
    }
}

/// Which segments a rule looks at.
#[derive(Debug, Clone)]
pub struct Selector {
    pub segment: String,
    /// (element position, value).
    pub qualifiers: Vec<(usize, String)>,
    pub loop_id: Option<String>,
    /// (element position in the loop's first segment, value).
    pub loop_qualifiers: Vec<(usize, String)>,
    pub level: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Check {
    Usage {
        min: u32,
        /// None: no upper bound.
        max: Option<u32>,
    },
    Element {
        position: usize,
        required: bool,
        min_length: Option<u32>,
        max_length: Option<u32>,
        codes: Vec<String>,
        pattern: Option<Regex>,
        value: Option<String>,
    },
    CheckDigit {
        position: usize,
        scheme: Scheme,
    },
    /// A total the document states against what its lines add up to.
    Arithmetic {
        what: Arithmetic,
        tolerance: Decimal,
    },
    /// An invoice's terms are the terms agreed in the profile, or the order's where it is
    /// at hand.
    AgreedTerms,
    /// A document is sent in time.
    Deadline(Deadline),
    /// A document agrees with the others of its order.
    Consistency(Consistency),
}

impl Check {
    /// Whether the rule compares the set with other documents of its order, and so is only
    /// evaluated where they are at hand (`compliance::Related`).
    pub fn needs_other_documents(&self) -> bool {
        matches!(
            self,
            Check::Consistency(_) | Check::Deadline(Deadline::AsnBeforeInvoice)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consistency {
    /// An 856 against its order: items on it, quantities within it, product ids agreeing.
    AsnAgainstOrder,
    /// An 810 against its order: lines, prices, quantities, ship-to.
    InvoiceAgainstOrder,
    /// An 810 against the 856s of its order: billed what shipped.
    InvoiceAgainstAsn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// An 856 is sent (ISA09/ISA10) within so many hours of the shipment it describes.
    AsnAfterShipment { hours: u32 },
    /// An 810 is not dated before the goods shipped.
    InvoiceNotBeforeShipment,
    /// An 810 is sent after the 856s of its order (evaluated where they are at hand).
    AsnBeforeInvoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arithmetic {
    /// CTT01 against the lines (850, 810).
    LineCount,
    /// CTT02 against the sum of the line quantities (850).
    HashTotal,
    /// TDS against lines ± allowances, charges and taxes (810).
    InvoiceTotal,
    /// BPR02 against the items paid ± the account's adjustments (820).
    PaymentTotal,
}

impl Arithmetic {
    const ALL: &[(&'static str, Arithmetic, &'static [&'static str])] = &[
        ("line_count", Arithmetic::LineCount, &["850", "810"]),
        ("hash_total", Arithmetic::HashTotal, &["850"]),
        ("invoice_total", Arithmetic::InvoiceTotal, &["810"]),
        ("payment_total", Arithmetic::PaymentTotal, &["820"]),
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// GTIN-8, UPC-A (12), EAN-13, GTIN-14.
    Gtin,
    /// GS1 Global Location Number, 13 digits.
    Gln,
    Sscc,
}

/// A rule checked and resolved.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub set: String,
    pub direction: Direction,
    pub severity: RuleSeverity,
    pub message: String,
    pub source: GuideRef,
    pub penalty: Option<Penalty>,
    pub selector: Selector,
    pub check: Check,
    /// The element rules and check-digit rules name (`REF02`), for findings.
    pub element: Option<String>,
}

/// Resolves `raw`, the rule at index `index` of `[[rules]]`, against the spec of the version
/// the partner trades its set in (`version`); every problem as (key, message).
pub fn resolve(
    raw: &RawRule,
    index: usize,
    version: Option<&str>,
    specs: &SpecSet,
) -> Result<Rule, Vec<(String, String)>> {
    let key = |field: &str| format!("rules[{index}].{field}");
    let mut problems: Vec<(String, String)> = Vec::new();
    let severity = match raw.severity.as_str() {
        "reject" => RuleSeverity::Reject,
        "error" => RuleSeverity::Error,
        "warning" => RuleSeverity::Warning,
        other => {
            problems.push((
                key("severity"),
                format!("is '{other}'; allowed: reject, error, warning"),
            ));
            RuleSeverity::Error
        }
    };
    let direction = match raw.direction.as_str() {
        "inbound" => Direction::Inbound,
        "outbound" => Direction::Outbound,
        "both" => Direction::Both,
        other => {
            problems.push((
                key("direction"),
                format!("is '{other}'; allowed: inbound, outbound, both"),
            ));
            Direction::Both
        }
    };
    if raw.id.trim().is_empty() {
        problems.push((
            key("id"),
            "is empty: every rule has an id to be reported by".into(),
        ));
    }
    let spec = version.and_then(|v| specs.version(v));
    if version.is_none() {
        problems.push((
            key("set"),
            format!(
                "is {}, which the profile's envelope.versions does not name: add the version the \
                 partner trades it in",
                raw.set
            ),
        ));
    }
    if matches!(
        raw.kind.as_str(),
        "arithmetic" | "terms" | "deadline" | "consistency"
    ) {
        return whole_document(raw, &key, problems, severity, direction);
    }
    let Some(segment) = raw.segment.clone() else {
        problems.push((
            key("segment"),
            format!(
                "is missing: a {} rule names the segment it checks",
                raw.kind
            ),
        ));
        return Err(problems);
    };
    let definition = spec.and_then(|s| s.segment(SegKey::of(segment.as_bytes())).map(|(_, d)| d));
    if spec.is_some() && definition.is_none() {
        problems.push((
            key("segment"),
            format!(
                "{segment} is not a segment of version {}",
                version.unwrap_or("?")
            ),
        ));
    }
    let positions = definition.map_or(usize::MAX, |d| d.elements.len());
    let position_of =
        |field: &str, name: &str, problems: &mut Vec<(String, String)>| -> Option<usize> {
            let Some(digits) = name.strip_prefix(segment.as_str()) else {
                problems.push((
                    key(field),
                    format!(
                        "{name} is not an element of {segment} (write {segment}01, {segment}02...)"
                    ),
                ));
                return None;
            };
            match digits.parse::<usize>() {
                Ok(n) if digits.len() == 2 && n >= 1 && n <= positions => Some(n),
                _ => {
                    problems.push((
                        key(field),
                        format!(
                            "{name} is not an element of {segment}{}",
                            if positions == usize::MAX {
                                String::new()
                            } else {
                                format!(", which has {positions}")
                            }
                        ),
                    ));
                    None
                }
            }
        };
    let qualifiers: Vec<(usize, String)> = raw
        .qualifiers
        .iter()
        .filter_map(|(name, value)| {
            Some((position_of("where", name, &mut problems)?, value.clone()))
        })
        .collect();
    if let Some(loop_id) = &raw.loop_id
        && let Some(structure) = spec.and_then(|s| s.transaction_set(&raw.set, None))
        && !has_loop(&structure.body, loop_id)
    {
        problems.push((
            key("loop"),
            format!(
                "{loop_id} is not a loop of the {} in version {}",
                raw.set,
                version.unwrap_or("?")
            ),
        ));
    }
    let mut loop_qualifiers = Vec::new();
    if !raw.loop_where.is_empty() {
        match (
            &raw.loop_id,
            spec.and_then(|s| s.transaction_set(&raw.set, None)),
        ) {
            (None, _) => {
                problems.push((key("loop_where"), "needs `loop`: the loop it picks".into()))
            }
            (Some(loop_id), Some(structure)) => {
                if let Some(first) = find_loop(&structure.body, loop_id)
                    .and_then(|l| l.children.first())
                    .map(|c| c.trigger().id.clone())
                {
                    for (name, value) in &raw.loop_where {
                        match name.strip_prefix(first.as_str()).and_then(|d| (d.len() == 2).then_some(d)).and_then(|d| d.parse::<usize>().ok()) {
                            Some(n) if n >= 1 => loop_qualifiers.push((n, value.clone())),
                            _ => problems.push((
                                key("loop_where"),
                                format!("{name} is not an element of {first}, the first segment of loop {loop_id}"),
                            )),
                        }
                    }
                }
            }
            (Some(_), None) => {}
        }
    }
    if raw.level.is_some() && raw.set != "856" {
        problems.push((
            key("level"),
            "names an HL level, which only an 856 has".into(),
        ));
    }
    if let Some(level) = &raw.level
        && !matches!(level.as_str(), "S" | "O" | "T" | "P" | "I")
    {
        problems.push((
            key("level"),
            format!("is '{level}'; allowed: S, O, T, P, I (HL03)"),
        ));
    }
    let not_for = |field: &str, given: bool, problems: &mut Vec<(String, String)>| {
        if given {
            problems.push((key(field), format!("does not apply to a {} rule", raw.kind)));
        }
    };
    let element_given = raw.element.is_some();
    let element_checks_given = raw.required
        || raw.min_length.is_some()
        || raw.max_length.is_some()
        || !raw.codes.is_empty()
        || raw.pattern.is_some()
        || raw.value.is_some();
    let check = match raw.kind.as_str() {
        "segment" => {
            not_for("element", element_given, &mut problems);
            not_for("required", element_checks_given, &mut problems);
            not_for("scheme", raw.scheme.is_some(), &mut problems);
            let (min, max) = match raw.usage.as_deref() {
                Some("required") => (raw.min.unwrap_or(1).max(1), raw.max),
                Some("forbidden") => {
                    if raw.min.is_some() || raw.max.is_some() {
                        problems.push((key("usage"), "forbidden takes no min or max".into()));
                    }
                    (0, Some(0))
                }
                None if raw.min.is_some() || raw.max.is_some() => (raw.min.unwrap_or(0), raw.max),
                None => {
                    problems.push((
                        key("usage"),
                        "is missing: give required, forbidden, or min/max".into(),
                    ));
                    (0, None)
                }
                Some(other) => {
                    problems.push((
                        key("usage"),
                        format!("is '{other}'; allowed: required, forbidden"),
                    ));
                    (0, None)
                }
            };
            if max.is_some_and(|max| max < min) {
                problems.push((key("max"), "is below min".into()));
            }
            Some(Check::Usage { min, max })
        }
        "element" | "check_digit" => {
            not_for(
                "usage",
                raw.usage.is_some() || raw.min.is_some() || raw.max.is_some(),
                &mut problems,
            );
            let position = match &raw.element {
                Some(name) => position_of("element", name, &mut problems),
                None => {
                    problems.push((
                        key("element"),
                        format!("is missing: a {} rule names its element (REF02)", raw.kind),
                    ));
                    None
                }
            };
            if raw.kind == "element" {
                not_for("scheme", raw.scheme.is_some(), &mut problems);
                if !element_checks_given {
                    problems.push((
                        key("kind"),
                        "an element rule checks something: required, min_length, max_length, codes, pattern or value".into(),
                    ));
                }
                let pattern =
                    raw.pattern
                        .as_ref()
                        .and_then(|p| match Regex::new(&format!("^(?:{p})$")) {
                            Ok(r) => Some(r),
                            Err(e) => {
                                problems.push((
                                    key("pattern"),
                                    format!("'{p}' is not a valid pattern: {e}"),
                                ));
                                None
                            }
                        });
                position.map(|position| Check::Element {
                    position,
                    required: raw.required,
                    min_length: raw.min_length,
                    max_length: raw.max_length,
                    codes: raw.codes.clone(),
                    pattern,
                    value: raw.value.clone(),
                })
            } else {
                not_for("required", element_checks_given, &mut problems);
                let scheme = match raw.scheme.as_deref() {
                    Some("gtin") => Some(Scheme::Gtin),
                    Some("gln") => Some(Scheme::Gln),
                    Some("sscc") => Some(Scheme::Sscc),
                    other => {
                        problems.push((
                            key("scheme"),
                            format!(
                                "is {}; allowed: gtin, gln, sscc",
                                other.map_or("missing".to_owned(), |o| format!("'{o}'"))
                            ),
                        ));
                        None
                    }
                };
                match (position, scheme) {
                    (Some(position), Some(scheme)) => Some(Check::CheckDigit { position, scheme }),
                    _ => None,
                }
            }
        }
        other => {
            problems.push((
                key("kind"),
                format!(
                    "is '{other}'; allowed: segment, element, check_digit, arithmetic, terms, \
                     deadline, consistency"
                ),
            ));
            None
        }
    };
    match check {
        Some(check) if problems.is_empty() => Ok(Rule {
            id: raw.id.clone(),
            set: raw.set.clone(),
            direction,
            severity,
            message: raw.message.clone(),
            source: raw.source.clone(),
            penalty: raw.penalty.clone(),
            selector: Selector {
                segment,
                qualifiers,
                loop_id: raw.loop_id.clone(),
                loop_qualifiers,
                level: raw.level.clone(),
            },
            check,
            element: raw.element.clone(),
        }),
        _ => Err(problems),
    }
}

fn has_loop(spec: &LoopSpec, id: &str) -> bool {
    find_loop(spec, id).is_some()
}

fn find_loop<'s>(spec: &'s LoopSpec, id: &str) -> Option<&'s LoopSpec> {
    spec.children.iter().find_map(|node| match node {
        Node::Loop(inner) if inner.id == id => Some(inner),
        Node::Loop(inner) => find_loop(inner, id),
        Node::Segment(_) => None,
    })
}

/// An arithmetic or terms rule: about the document as a whole, so no segment, element or
/// selector applies.
fn whole_document(
    raw: &RawRule,
    key: &dyn Fn(&str) -> String,
    mut problems: Vec<(String, String)>,
    severity: RuleSeverity,
    direction: Direction,
) -> Result<Rule, Vec<(String, String)>> {
    let mut not_for = |field: &str, given: bool| {
        if given {
            problems.push((key(field), format!("does not apply to a {} rule", raw.kind)));
        }
    };
    not_for("segment", raw.segment.is_some());
    not_for("element", raw.element.is_some());
    not_for("where", !raw.qualifiers.is_empty());
    not_for("loop", raw.loop_id.is_some());
    not_for("level", raw.level.is_some());
    not_for(
        "usage",
        raw.usage.is_some() || raw.min.is_some() || raw.max.is_some(),
    );
    not_for("scheme", raw.scheme.is_some());
    not_for(
        "required",
        raw.required
            || raw.min_length.is_some()
            || raw.max_length.is_some()
            || !raw.codes.is_empty()
            || raw.pattern.is_some()
            || raw.value.is_some(),
    );
    if raw.kind != "deadline" {
        not_for("hours", raw.hours.is_some());
    }
    let check = if raw.kind == "consistency" {
        not_for("tolerance", raw.tolerance.is_some());
        match (raw.check.as_deref(), raw.set.as_str()) {
            (Some("asn_against_order"), "856") => {
                Some(Check::Consistency(Consistency::AsnAgainstOrder))
            }
            (Some("invoice_against_order"), "810") => {
                Some(Check::Consistency(Consistency::InvoiceAgainstOrder))
            }
            (Some("invoice_against_asn"), "810") => {
                Some(Check::Consistency(Consistency::InvoiceAgainstAsn))
            }
            (other, set) => {
                problems.push((
                    key("check"),
                    format!(
                        "is {} for the {set}; allowed: asn_against_order (856), \
                         invoice_against_order (810), invoice_against_asn (810)",
                        other.map_or("missing".to_owned(), |o| format!("'{o}'"))
                    ),
                ));
                None
            }
        }
    } else if raw.kind == "deadline" {
        not_for("tolerance", raw.tolerance.is_some());
        match (raw.check.as_deref(), raw.set.as_str()) {
            (Some("asn_after_shipment"), "856") => match raw.hours {
                Some(hours) => Some(Check::Deadline(Deadline::AsnAfterShipment { hours })),
                None => {
                    problems.push((
                        key("hours"),
                        "is missing: within how many hours of the shipment".into(),
                    ));
                    None
                }
            },
            (Some("invoice_not_before_shipment"), "810") => {
                Some(Check::Deadline(Deadline::InvoiceNotBeforeShipment))
            }
            (Some("asn_before_invoice"), "810") => {
                Some(Check::Deadline(Deadline::AsnBeforeInvoice))
            }
            (Some(check @ ("asn_after_shipment" | "invoice_not_before_shipment")), set) => {
                problems.push((
                    key("check"),
                    format!(
                        "{check} applies to the {}, not to the {set}",
                        if check.starts_with("asn") {
                            "856"
                        } else {
                            "810"
                        }
                    ),
                ));
                None
            }
            (other, _) => {
                problems.push((
                    key("check"),
                    format!(
                        "is {}; allowed: asn_after_shipment (856, with hours), \
                         invoice_not_before_shipment (810), asn_before_invoice (810)",
                        other.map_or("missing".to_owned(), |o| format!("'{o}'"))
                    ),
                ));
                None
            }
        }
    } else if raw.kind == "terms" {
        not_for("tolerance", raw.tolerance.is_some());
        if raw.set != "810" {
            problems.push((
                key("set"),
                format!("is {}; a terms rule checks an invoice (810)", raw.set),
            ));
        }
        match raw.check.as_deref() {
            None | Some("agreed") => Some(Check::AgreedTerms),
            Some(other) => {
                problems.push((key("check"), format!("is '{other}'; allowed: agreed")));
                None
            }
        }
    } else {
        let what = match raw.check.as_deref() {
            Some(name) => match Arithmetic::ALL.iter().find(|(n, ..)| *n == name) {
                Some((_, what, sets)) if sets.contains(&raw.set.as_str()) => Some(*what),
                Some((_, _, sets)) => {
                    problems.push((
                        key("check"),
                        format!(
                            "{name} applies to {}, not to the {}",
                            sets.join(" and "),
                            raw.set
                        ),
                    ));
                    None
                }
                None => {
                    let names: Vec<&str> = Arithmetic::ALL.iter().map(|(n, ..)| *n).collect();
                    problems.push((
                        key("check"),
                        format!("is '{name}'; allowed: {}", names.join(", ")),
                    ));
                    None
                }
            },
            None => {
                problems.push((
                    key("check"),
                    "is missing: line_count, hash_total, invoice_total or payment_total".into(),
                ));
                None
            }
        };
        let tolerance = match raw.tolerance.as_deref() {
            None => Some(Decimal::ZERO),
            Some(text) => match Decimal::from_str_exact(text) {
                Ok(t) if t >= Decimal::ZERO => Some(t),
                _ => {
                    problems.push((
                        key("tolerance"),
                        format!("is '{text}'; an amount such as \"0.01\""),
                    ));
                    None
                }
            },
        };
        match (what, tolerance) {
            (Some(what), Some(tolerance)) => Some(Check::Arithmetic { what, tolerance }),
            _ => None,
        }
    };
    match check {
        Some(check) if problems.is_empty() => Ok(Rule {
            id: raw.id.clone(),
            set: raw.set.clone(),
            direction,
            severity,
            message: raw.message.clone(),
            source: raw.source.clone(),
            penalty: raw.penalty.clone(),
            selector: Selector {
                segment: String::new(),
                qualifiers: Vec::new(),
                loop_id: None,
                loop_qualifiers: Vec::new(),
                level: None,
            },
            check,
            element: None,
        }),
        _ => Err(problems),
    }
}
