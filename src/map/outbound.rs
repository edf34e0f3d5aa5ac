//! The canonical documents we send, as one type: [`OutboundDocument`] (an invoice, a ship
//! notice, a purchase order or a remittance) read from and written to its JSON, and emitted
//! through its mapping (`ts810_out`, `ts856_out`, `ts850_out`, `ts820_out`) into one
//! interchange, with the notes and the one-line summary `edigate emit` shows. What the
//! command line and the gateway engine share; the envelope towards a partner is
//! `partner::outbound`'s.

use std::io::Write;

use crate::document::common::Source;
use crate::document::invoice::Invoice;
use crate::document::order::PurchaseOrder;
use crate::document::remittance::Remittance;
use crate::document::ship_notice::ShipNotice;
use crate::map::emit::{EmitEnvelope, EmitError};
use crate::map::ts810_out::emit_invoice;
use crate::map::ts820_out::emit_remittance;
use crate::map::ts850_out::emit_purchase_order;
use crate::map::ts856_out::emit_ship_notice;

/// A canonical document the gateway can send.
#[derive(Debug, Clone, PartialEq)]
pub enum OutboundDocument {
    Invoice(Invoice),
    ShipNotice(ShipNotice),
    PurchaseOrder(PurchaseOrder),
    Remittance(Remittance),
}

/// What kind of document an [`OutboundDocument`] is, and the transaction set it becomes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DocumentKind {
    Invoice,
    ShipNotice,
    PurchaseOrder,
    Remittance,
}

impl DocumentKind {
    /// Every kind, in the order of the enum.
    pub const ALL: [DocumentKind; 4] = [
        DocumentKind::Invoice,
        DocumentKind::ShipNotice,
        DocumentKind::PurchaseOrder,
        DocumentKind::Remittance,
    ];

    /// The kind's name in data: the `"type"` of `edigate translate`'s lines ("ship_notice").
    pub fn name(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::ShipNotice => "ship_notice",
            DocumentKind::PurchaseOrder => "purchase_order",
            DocumentKind::Remittance => "remittance",
        }
    }

    /// The kind [`name`](Self::name) names, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// In words, for messages: "ship notice".
    pub fn words(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::ShipNotice => "ship notice",
            DocumentKind::PurchaseOrder => "purchase order",
            DocumentKind::Remittance => "remittance",
        }
    }

    /// The transaction set it becomes (ST01): "810".
    pub fn set_id(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "810",
            DocumentKind::ShipNotice => "856",
            DocumentKind::PurchaseOrder => "850",
            DocumentKind::Remittance => "820",
        }
    }

    /// The functional group it travels in (GS01): "IN".
    pub fn functional_id(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "IN",
            DocumentKind::ShipNotice => "SH",
            DocumentKind::PurchaseOrder => "PO",
            DocumentKind::Remittance => "RA",
        }
    }
}

/// What [`OutboundDocument::emit`] says after writing: the notes to show (what the set does
/// not carry, the validator's warnings) and a one-line summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitOutcome {
    pub notes: Vec<String>,
    pub summary: String,
}

impl OutboundDocument {
    pub fn kind(&self) -> DocumentKind {
        match self {
            OutboundDocument::Invoice(_) => DocumentKind::Invoice,
            OutboundDocument::ShipNotice(_) => DocumentKind::ShipNotice,
            OutboundDocument::PurchaseOrder(_) => DocumentKind::PurchaseOrder,
            OutboundDocument::Remittance(_) => DocumentKind::Remittance,
        }
    }

    /// The document's own number, for messages: the invoice, shipment or order number, or
    /// the payment's trace number.
    pub fn number(&self) -> &str {
        match self {
            OutboundDocument::Invoice(invoice) => &invoice.number,
            OutboundDocument::ShipNotice(notice) => &notice.shipment_id,
            OutboundDocument::PurchaseOrder(order) => &order.number,
            OutboundDocument::Remittance(remittance) => remittance
                .payment
                .trace_number
                .as_deref()
                .unwrap_or("(no trace number)"),
        }
    }

    /// Where the document came from (its default envelope parties and version).
    pub fn source(&self) -> &Source {
        match self {
            OutboundDocument::Invoice(invoice) => &invoice.source,
            OutboundDocument::ShipNotice(notice) => &notice.source,
            OutboundDocument::PurchaseOrder(order) => &order.source,
            OutboundDocument::Remittance(remittance) => &remittance.source,
        }
    }

    /// A document of `kind` from its JSON, exactly as it serializes.
    pub fn from_json(kind: DocumentKind, json: &str) -> Result<Self, serde_json::Error> {
        Ok(match kind {
            DocumentKind::Invoice => OutboundDocument::Invoice(serde_json::from_str(json)?),
            DocumentKind::ShipNotice => OutboundDocument::ShipNotice(serde_json::from_str(json)?),
            DocumentKind::PurchaseOrder => {
                OutboundDocument::PurchaseOrder(serde_json::from_str(json)?)
            }
            DocumentKind::Remittance => OutboundDocument::Remittance(serde_json::from_str(json)?),
        })
    }

    /// The document as compact JSON (its kind is not part of it: see [`kind`](Self::kind)),
    /// which [`from_json`](Self::from_json) reads back.
    pub fn to_json(&self) -> String {
        let json = match self {
            OutboundDocument::Invoice(invoice) => serde_json::to_string(invoice),
            OutboundDocument::ShipNotice(notice) => serde_json::to_string(notice),
            OutboundDocument::PurchaseOrder(order) => serde_json::to_string(order),
            OutboundDocument::Remittance(remittance) => serde_json::to_string(remittance),
        };
        // The documents are plain derived data with string keys: serde_json cannot fail on
        // them. Should that ever change, the error is said rather than a panic.
        json.unwrap_or_else(|e| serde_json::Value::String(e.to_string()).to_string())
    }

    /// Writes the interchange to `out` only when nothing is refused (the mapping's own
    /// checks, then our validator on the bytes); on success, the notes to show and a
    /// one-line summary.
    pub fn emit(
        &self,
        envelope: &EmitEnvelope,
        out: &mut dyn Write,
    ) -> Result<EmitOutcome, EmitError> {
        let (not_carried, emitted, what) = match self {
            OutboundDocument::Invoice(invoice) => {
                let summary = emit_invoice(invoice, envelope, out)?;
                let mut total = summary.amounts.total;
                total.rescale(2);
                let lines = summary.amounts.lines.len();
                let what = format!("{lines} line(s), total {total}");
                (summary.not_carried, summary.emitted, what)
            }
            OutboundDocument::PurchaseOrder(order) => {
                let summary = emit_purchase_order(order, envelope, out)?;
                let (lines, hash_total) = (summary.line_count, summary.hash_total.normalize());
                let what = format!("{lines} line(s), hash total {hash_total}");
                (summary.not_carried, summary.emitted, what)
            }
            OutboundDocument::Remittance(remittance) => {
                let summary = emit_remittance(remittance, envelope, out)?;
                let mut amount = remittance.payment.amount;
                amount.rescale(2);
                let what = format!("{} item(s), payment {amount}", remittance.items.len());
                (summary.not_carried, summary.emitted, what)
            }
            OutboundDocument::ShipNotice(notice) => {
                let summary = emit_ship_notice(notice, envelope, out)?;
                let (orders, levels) = (notice.orders.len(), summary.levels);
                let shipped = summary.quantity_shipped.normalize();
                let what = format!("{orders} order(s), {levels} level(s), {shipped} shipped");
                (summary.not_carried, summary.emitted, what)
            }
        };
        let mut notes: Vec<String> = not_carried
            .iter()
            .map(|note| format!("not carried: {note}"))
            .collect();
        notes.extend(emitted.warnings.iter().map(|w| format!("warning: {w}")));
        Ok(EmitOutcome {
            notes,
            summary: format!(
                "{what}, {} segment(s), {} bytes",
                emitted.segments, emitted.bytes
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};

    use super::*;
    use crate::map::emit::Usage;
    use crate::x12::PartyId;

    const INVOICE: &str = include_str!("../../samples/documents/invoice-2-10-net-30.json");
    const NOTICE: &str = include_str!("../../samples/documents/asn-pick-and-pack.json");
    const ORDER: &str = include_str!("../../samples/documents/po-net-30-multiple-ship-tos.json");
    const REMITTANCE: &str = include_str!("../../samples/documents/remittance-discount-taken.json");

    fn envelope(version: &str) -> EmitEnvelope {
        let party = |id: &str| PartyId {
            qualifier: "ZZ".into(),
            id: id.into(),
        };
        let mut envelope = EmitEnvelope::new(
            party("ACMESUPPLY"),
            party("BIGRETAIL"),
            version,
            1001,
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        );
        envelope.usage = Usage::Test;
        envelope
    }

    #[test]
    fn kinds_are_named_as_translate_names_them_and_read_back() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::from_name(kind.name()), Some(kind));
        }
        let names: Vec<_> = DocumentKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(
            names,
            ["invoice", "ship_notice", "purchase_order", "remittance"]
        );
        assert_eq!(DocumentKind::from_name("ship notice"), None);
        assert_eq!(DocumentKind::from_name("asn"), None);
        assert_eq!(DocumentKind::ShipNotice.words(), "ship notice");
        assert_eq!(DocumentKind::ShipNotice.set_id(), "856");
        assert_eq!(DocumentKind::Remittance.functional_id(), "RA");
    }

    #[test]
    fn an_invoice_emits_as_emit_invoice_writes_it() {
        let document = OutboundDocument::from_json(DocumentKind::Invoice, INVOICE).unwrap();
        let invoice: Invoice = serde_json::from_str(INVOICE).unwrap();
        assert_eq!(document, OutboundDocument::Invoice(invoice.clone()));
        assert_eq!(document.kind(), DocumentKind::Invoice);
        assert_eq!(document.number(), invoice.number);
        for version in ["004010", "005010"] {
            let envelope = envelope(version);
            let mut ours = Vec::new();
            let outcome = document.emit(&envelope, &mut ours).unwrap();
            let mut theirs = Vec::new();
            let summary = emit_invoice(&invoice, &envelope, &mut theirs).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
            assert!(
                outcome.summary.starts_with("1 line(s), total 3875.30, "),
                "{}",
                outcome.summary
            );
            assert!(
                outcome
                    .summary
                    .ends_with(&format!("{} bytes", summary.emitted.bytes))
            );
        }
    }

    #[test]
    fn every_kind_reads_its_sample_emits_and_comes_back_from_its_json() {
        for (kind, json) in [
            (DocumentKind::Invoice, INVOICE),
            (DocumentKind::ShipNotice, NOTICE),
            (DocumentKind::PurchaseOrder, ORDER),
            (DocumentKind::Remittance, REMITTANCE),
        ] {
            let document = OutboundDocument::from_json(kind, json).unwrap();
            assert_eq!(document.kind(), kind);
            assert!(!document.number().is_empty());
            let back = OutboundDocument::from_json(kind, &document.to_json()).unwrap();
            assert_eq!(back, document);
            let mut bytes = Vec::new();
            document.emit(&envelope("004010"), &mut bytes).unwrap();
            let text = String::from_utf8(bytes).unwrap();
            assert!(
                text.contains(&format!("GS*{}*", kind.functional_id())),
                "{text}"
            );
            assert!(text.contains(&format!("ST*{}*", kind.set_id())), "{text}");
        }
    }

    #[test]
    fn a_refused_document_writes_nothing() {
        let mut invoice: Invoice = serde_json::from_str(INVOICE).unwrap();
        invoice.totals.total += rust_decimal::Decimal::ONE;
        let mut bytes = Vec::new();
        let refused = OutboundDocument::Invoice(invoice).emit(&envelope("004010"), &mut bytes);
        assert!(matches!(refused, Err(EmitError::Refused(_))));
        assert!(bytes.is_empty());
    }

    #[test]
    fn json_of_the_wrong_kind_is_an_error() {
        assert!(OutboundDocument::from_json(DocumentKind::Remittance, INVOICE).is_err());
        assert!(OutboundDocument::from_json(DocumentKind::Invoice, "{").is_err());
    }
}
