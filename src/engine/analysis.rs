//! What a received message says, worked out without the store: its interchanges checked
//! against the standard and each partner's rules, every set's canonical document, and the
//! acknowledgements it carries. Pure: the engine commits the result.

use serde::Serialize;

use crate::map::ack_read::{AckReading, read_acks};
use crate::map::{ts810, ts820, ts850, ts856};
use crate::partner::compliance::{self, ComplianceFinding};
use crate::partner::rules::{Direction, RuleSeverity};
use crate::partner::{Directory, Profile};
use crate::spec::SpecSet;
use crate::validate::{InterchangeReport, validate};
use crate::x12::{PartyId, TransactionSetReader, TransactionSetRef};

/// Everything a message says.
#[derive(Debug)]
pub struct Analysis {
    pub interchanges: Vec<ReceivedInterchange>,
    /// Why nothing in the message could be read as X12 (no usable ISA), if so.
    pub unreadable: Option<String>,
    /// The TA1s and 997s the partner sends us in it.
    pub acks: AckReading,
}

#[derive(Debug)]
pub struct ReceivedInterchange {
    /// The standard's verdicts, with the partner's rules that a 997 can express added.
    pub report: InterchangeReport,
    /// The profile whose ids the ISA carries; None: an unknown trading relationship.
    pub partner: Option<String>,
    /// `QUALIFIER:ID`, padding removed.
    pub sender: String,
    pub receiver: String,
    /// Per set of `report`, in the order of its groups and sets.
    pub sets: Vec<ReceivedSet>,
}

#[derive(Debug, Default)]
pub struct ReceivedSet {
    pub compliance: Vec<ComplianceFinding>,
    pub document: Option<MappedDocument>,
    /// Values the mapping could not read, as JSON (`translate`'s findings).
    pub map_findings: Vec<String>,
    /// Whether one of the partner's rules rejects the set.
    pub rejected_by_partner: bool,
}

/// A set's canonical document, as `edigate translate` writes it.
#[derive(Debug, Clone)]
pub struct MappedDocument {
    /// `purchase_order`, `invoice`, `ship_notice`, `remittance`.
    pub kind: &'static str,
    pub number: String,
    /// For the order book: the order's date, CCYY-MM-DD.
    pub date: Option<String>,
    /// The purchase order it belongs to.
    pub order_number: Option<String>,
    pub json: String,
}

/// `QUALIFIER:ID` without padding: how parties are compared and shown.
pub fn party(id: &PartyId) -> String {
    format!("{}:{}", id.qualifier.trim(), id.id.trim())
}

/// Analyses a received message.
pub fn analyze(input: &[u8], specs: &SpecSet, partners: &Directory) -> Analysis {
    let (reports, _) = validate(specs, input);
    if reports.is_empty() {
        return Analysis {
            interchanges: Vec::new(),
            unreadable: Some(
                "no usable ISA segment: the message is not an X12 interchange (it must begin \
                 with ISA, 106 characters with its delimiters)"
                    .into(),
            ),
            acks: AckReading::default(),
        };
    }
    let mut per_set = sets_of(input, partners);
    let mut interchanges = Vec::with_capacity(reports.len());
    for mut report in reports {
        let profile = partners.sender_of(&report.header.sender, &report.header.receiver);
        let mut sets = Vec::new();
        for group in &report.groups {
            for set in &group.sets {
                let key = (
                    report.header.control_number.as_str(),
                    group.header.control_number.as_str(),
                    set.header.control_number.as_str(),
                );
                sets.push(per_set.take(key));
            }
        }
        compliance::into_report(&mut report, sets.iter().map(|s| s.compliance.as_slice()));
        interchanges.push(ReceivedInterchange {
            partner: profile.map(|p| p.id.clone()),
            sender: party(&report.header.sender),
            receiver: party(&report.header.receiver),
            report,
            sets,
        });
    }
    Analysis {
        interchanges,
        unreadable: None,
        acks: read_acks(input),
    }
}

/// Each set's compliance and document, in the order the reader met them, taken by the
/// control numbers of its envelopes.
struct PerSet {
    sets: Vec<((String, String, String), ReceivedSet)>,
    next: usize,
}

impl PerSet {
    /// The next set, when its control numbers are the ones asked for (the validator and
    /// the reader see the same sets in the same order; a set the reader could not frame
    /// gets nothing rather than another set's findings).
    fn take(&mut self, key: (&str, &str, &str)) -> ReceivedSet {
        let found = self.sets[self.next..]
            .iter()
            .position(|(k, _)| (k.0.as_str(), k.1.as_str(), k.2.as_str()) == key);
        match found {
            Some(i) => {
                self.next += i + 1;
                std::mem::take(&mut self.sets[self.next - 1].1)
            }
            None => ReceivedSet::default(),
        }
    }
}

fn sets_of(input: &[u8], partners: &Directory) -> PerSet {
    let mut reader = TransactionSetReader::new(input);
    let mut sets = Vec::new();
    while let Ok(Some(set)) = reader.next_set() {
        let profile = partners.sender_of(&set.interchange.sender, &set.interchange.receiver);
        let key = (
            set.interchange.control_number.clone(),
            set.group.control_number.clone(),
            set.header.control_number.clone(),
        );
        sets.push((key, received_set(&set, profile)));
    }
    PerSet { sets, next: 0 }
}

fn received_set(set: &TransactionSetRef<'_>, profile: Option<&Profile>) -> ReceivedSet {
    let compliance = profile
        .map(|p| compliance::evaluate(p, set, Direction::Inbound))
        .unwrap_or_default();
    let rejected_by_partner = compliance
        .iter()
        .any(|f| f.severity == RuleSeverity::Reject);
    let (document, map_findings) = map_set(set);
    ReceivedSet {
        compliance,
        document,
        map_findings,
        rejected_by_partner,
    }
}

fn map_set(set: &TransactionSetRef<'_>) -> (Option<MappedDocument>, Vec<String>) {
    fn mapped<T: Serialize>(
        kind: &'static str,
        (number, order_number): (String, Option<String>),
        date: Option<String>,
        document: &T,
        findings: &[crate::map::translate::MapFinding],
    ) -> (Option<MappedDocument>, Vec<String>) {
        let json = serde_json::to_string(document).unwrap_or_else(|e| {
            // Canonical documents are plain data; a failure here is a bug, kept visible.
            format!("{{\"error\":\"cannot serialize the document: {e}\"}}")
        });
        let findings = findings
            .iter()
            .map(|f| serde_json::to_string(f).unwrap_or_else(|_| f.to_string()))
            .collect();
        (
            Some(MappedDocument {
                kind,
                number,
                date,
                order_number,
                json,
            }),
            findings,
        )
    }
    match set.header.id.as_str() {
        "850" => {
            let t = ts850::purchase_order(set);
            let date = Some(t.document.date.to_string());
            let number = t.document.number.clone();
            mapped(
                "purchase_order",
                (number.clone(), Some(number)),
                date,
                &t.document,
                &t.findings,
            )
        }
        "810" => {
            let t = ts810::invoice(set);
            let numbers = (t.document.number.clone(), t.document.purchase_order.clone());
            mapped("invoice", numbers, None, &t.document, &t.findings)
        }
        "856" => {
            let t = ts856::ship_notice(set);
            let order = t.document.orders.first().map(|o| o.purchase_order.clone());
            mapped(
                "ship_notice",
                (t.document.shipment_id.clone(), order),
                None,
                &t.document,
                &t.findings,
            )
        }
        "820" => {
            let t = ts820::remittance(set);
            let number = t.document.payment.trace_number.clone().unwrap_or_default();
            mapped("remittance", (number, None), None, &t.document, &t.findings)
        }
        _ => (None, Vec::new()),
    }
}
