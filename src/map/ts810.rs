//! X12 810 → [`Invoice`], versions 004010 and 005010: the inverse of [`super::ts810_out`]
//! for everything it writes (older and newer versions are read with the nearest structure,
//! see [`translate::structure`]).
//!
//! | place | segments |
//! |---|---|
//! | heading | BIG (BIG07 CR/DR: credit/debit memo), CUR, REF, ITD, DTM 011 (shipped); N1 loop: N1, N2, N3, N4, PER |
//! | IT1 loop | IT1 (with its product id pairs), PID (free-form description); SAC loop: SAC |
//! | summary | TDS, TXI, CAD, SAC loop: SAC; ISS loop: ISS; CTT |
//!
//! TDS amounts are N2 (implied cents): TDS01 the total, TDS02 the amount the terms discount
//! applies to, TDS04 the terms discount. TDS03 (the total less the discount) and CTT02 (the
//! hash total of the quantities) are worked out from the others, so they are taken only
//! when they agree; otherwise the segment is also kept. The 810 has no merchandise subtotal:
//! `totals.subtotal` stays empty. TXI03 is a decimal fraction (`.07` for 7%), read as a
//! percent. CAD05 is the routing. Everything else, and every element these leave unread, is
//! kept in `source.unmapped` (see [`translate`]).

use rust_decimal::Decimal;

use super::codes;
use super::translate::{
    self, Fields, Numeric, Translated, party, party_detail, push, push_index, reference,
};
use super::ts850::{FREE_FORM, PRODUCT_DESCRIPTION, allowance_charge, product_id, quantity, terms};
use crate::document::common::{Carrier, Source};
use crate::document::invoice::{Invoice, InvoiceKind, InvoiceLine, ShipmentSummary, Tax};
use crate::spec::TransactionSetSpec;
use crate::x12::{Segment, TransactionSetRef};

/// The invoice a transaction set (an 810) says, with every finding.
pub fn invoice(set: &TransactionSetRef<'_>) -> Translated<Invoice> {
    let structure = translate::structure("810", &set.group.version);
    invoice_from(&set.segments, translate::source(set), structure)
}

/// Maps the segments of one 810 (ST through SE) into an invoice whose source starts as
/// `source`. Without a structure nothing can be placed: every segment is kept unmapped.
pub fn invoice_from(
    segments: &[Segment<'_>],
    source: Source,
    structure: Option<&TransactionSetSpec>,
) -> Translated<Invoice> {
    let mut m = Mapper {
        invoice: Invoice {
            source,
            ..Invoice::default()
        },
        seen_big: false,
        seen_tds: false,
        party: None,
    };
    let walked = translate::walk("810", segments, structure, |path, f| m.segment(path, f));
    let findings = translate::conclude(
        segments,
        walked,
        &mut m.invoice.source.unmapped,
        &[
            (
                m.seen_big,
                "the set has no BIG segment: the invoice has no number or date",
            ),
            (
                m.seen_tds,
                "the set has no TDS segment: the invoice's total is left at 0",
            ),
        ],
    );
    Translated {
        document: m.invoice,
        findings,
    }
}

struct Mapper {
    invoice: Invoice,
    seen_big: bool,
    seen_tds: bool,
    /// The party the current heading N1 loop describes, if its N1 was mapped.
    party: Option<usize>,
}

/// DTM01 for the ship date.
const SHIPPED: &str = "011";
/// TXI04 (955) "VD", vendor defined: the jurisdiction as the vendor names it.
const JURISDICTION_AS_NAMED_BY_VENDOR: &str = "VD";

impl Mapper {
    /// Maps one segment found at `path`; false when it has no place in the document.
    fn segment(&mut self, path: &[&str], f: &mut Fields<'_>) -> bool {
        let invoice = &mut self.invoice;
        match (path, f.id()) {
            ([], "BIG") => self.big(f),
            ([], "CUR") => {
                if invoice.currency.is_some() {
                    return false;
                }
                invoice.currency = f.text(2);
                f.take_if(1, &["SE", "BY"]);
                invoice.currency.is_some()
            }
            ([], "REF") => push(&mut invoice.references, reference(f)),
            ([], "ITD") => push(&mut invoice.terms, terms(f)),
            ([], "DTM") => {
                if invoice.ship_date.is_some() || f.peek(1) != SHIPPED.as_bytes() {
                    return false;
                }
                invoice.ship_date = f.date(2);
                f.take(1);
                invoice.ship_date.is_some()
            }
            (["N1"], "N1") => {
                self.party = push_index(&mut invoice.parties, party(f));
                self.party.is_some()
            }
            (["N1"], id) => match self.party.and_then(|i| invoice.parties.get_mut(i)) {
                Some(p) => party_detail(p, id, f),
                None => false,
            },
            (["IT1"], "IT1") => {
                invoice.lines.push(line(f));
                true
            }
            (["IT1", rest @ ..], id) => {
                let Some(line) = invoice.lines.last_mut() else {
                    return false;
                };
                match (rest, id) {
                    (["PID"], "PID") => description(line, f),
                    (["SAC"], "SAC") => push(&mut line.allowances_charges, allowance_charge(f)),
                    _ => false,
                }
            }
            ([], "TDS") => self.tds(f),
            ([], "TXI") => push(&mut invoice.taxes, tax(f)),
            ([], "CAD") => {
                if invoice
                    .shipment
                    .as_ref()
                    .is_some_and(|s| s.carrier.is_some())
                {
                    return false;
                }
                let carrier = Carrier {
                    mode: f.word(1, &codes::TRANSPORT_MODE),
                    scac: f.text(4),
                    routing: f.text(5),
                    name: None,
                };
                if carrier == Carrier::default() {
                    return false;
                }
                shipment(invoice).carrier = Some(carrier);
                true
            }
            (["SAC"], "SAC") => push(&mut invoice.allowances_charges, allowance_charge(f)),
            (["ISS"], "ISS") => {
                let s = invoice
                    .shipment
                    .get_or_insert_with(ShipmentSummary::default);
                if s.packages.is_some() || s.weight.is_some() {
                    return false;
                }
                s.packages = quantity(f, 1, 2);
                s.weight = quantity(f, 3, 4);
                let mapped = s.packages.is_some() || s.weight.is_some();
                if !mapped && *s == ShipmentSummary::default() {
                    invoice.shipment = None;
                }
                mapped
            }
            ([], "CTT") => {
                invoice.totals.line_count = f.count(1);
                let quantities: Decimal = invoice.lines.iter().map(|l| l.quantity.value).sum();
                if translate::decimal(f.peek(2), Numeric::R) == Some(quantities) {
                    f.take(2);
                }
                invoice.totals.line_count.is_some()
            }
            _ => false,
        }
    }

    /// BIG: date, number, the order's date and number, release; BIG07 the kind.
    fn big(&mut self, f: &mut Fields<'_>) -> bool {
        if self.seen_big {
            return false;
        }
        self.seen_big = true;
        let invoice = &mut self.invoice;
        match f.date(1) {
            Some(date) => invoice.date = date,
            None if !f.has(1) => f.missing(1, "the invoice date", "the date is left unset"),
            None => {}
        }
        match f.text(2) {
            Some(number) => invoice.number = number,
            None => f.missing(2, "the invoice number", "the number is left empty"),
        }
        invoice.purchase_order_date = f.date(3);
        invoice.purchase_order = f.text(4);
        invoice.release = f.text(5);
        invoice.kind = f
            .word(7, &codes::INVOICE_KIND)
            .unwrap_or(InvoiceKind::Invoice);
        true
    }

    /// TDS: the totals, in implied cents.
    fn tds(&mut self, f: &mut Fields<'_>) -> bool {
        if self.seen_tds {
            return false;
        }
        self.seen_tds = true;
        let totals = &mut self.invoice.totals;
        match f.decimal(1, Numeric::N(2)) {
            Some(total) => totals.total = total,
            None if !f.has(1) => f.missing(1, "the invoice total", "the total is left at 0"),
            None => {}
        }
        totals.discountable_amount = f.decimal(2, Numeric::N(2));
        totals.terms_discount = f.decimal(4, Numeric::N(2));
        // TDS03 is the total less the discount: taken when it says just that.
        let discounted = totals
            .terms_discount
            .and_then(|d| totals.total.checked_sub(d));
        if discounted.is_some() && translate::decimal(f.peek(3), Numeric::N(2)) == discounted {
            f.take(3);
        }
        true
    }
}

fn shipment(invoice: &mut Invoice) -> &mut ShipmentSummary {
    invoice
        .shipment
        .get_or_insert_with(ShipmentSummary::default)
}

/// IT1: a line, with the product ids of its qualifier/id pairs (IT106/IT107 to IT124/IT125).
fn line(f: &mut Fields<'_>) -> InvoiceLine {
    let mut line = InvoiceLine {
        line_id: f.text(1),
        ..InvoiceLine::default()
    };
    match f.decimal(2, Numeric::R) {
        Some(value) => {
            line.quantity.value = value;
            match f.word(3, &codes::UNIT) {
                Some(unit) => line.quantity.unit = unit,
                None => f.missing(3, "the unit of measure", "the quantity is read as each"),
            }
        }
        None if !f.has(2) => f.missing(2, "the quantity invoiced", "the line's quantity is 0"),
        None => {}
    }
    match f.decimal(4, Numeric::R) {
        Some(price) => line.unit_price = price,
        None if !f.has(4) => f.missing(4, "the unit price", "the line's unit price is 0"),
        None => {}
    }
    line.price_basis = f.word(5, &codes::PRICE_BASIS);
    for qualifier in (6..=24).step_by(2) {
        if f.has(qualifier) && f.has(qualifier + 1) {
            line.product_ids
                .extend(product_id(f, qualifier, qualifier + 1));
        }
    }
    line
}

/// PID: the line's description; several are joined as lines.
fn description(line: &mut InvoiceLine, f: &mut Fields<'_>) -> bool {
    if f.peek(1) != FREE_FORM || !f.has(5) || !f.take_if(2, PRODUCT_DESCRIPTION) {
        return false;
    }
    f.take(1);
    let Some(text) = f.text(5) else {
        return false;
    };
    line.description = Some(match line.description.take() {
        Some(before) => format!("{before}\n{text}"),
        None => text,
    });
    true
}

/// TXI: a tax. TXI03 is a fraction (`.07`), the model's percent is 7.
fn tax(f: &mut Fields<'_>) -> Option<Tax> {
    let kind = f.word(1, &codes::TAX_KIND)?;
    let amount = f.decimal(2, Numeric::R);
    let percent = f
        .decimal(3, Numeric::R)
        .and_then(|p| p.checked_mul(Decimal::ONE_HUNDRED))
        .map(|p| p.normalize());
    let jurisdiction = f.text(5);
    if jurisdiction.is_some() {
        f.take_if(4, &[JURISDICTION_AS_NAMED_BY_VENDOR]);
    }
    Some(Tax {
        kind,
        amount,
        percent,
        jurisdiction,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::test_support::{d, day};
    use crate::document::common::{
        AllowanceChargeService, AllowanceOrCharge, IdScheme, PartyRole, ProductIdKind, Quantity,
        TransportMode, UnitOfMeasure, UnmappedElement,
    };
    use crate::document::invoice::TaxKind;
    use crate::document::terms::{Terms, TermsBasis, TermsKind};

    /// Translates an 810 whose body (BIG onwards, one segment per line, `~` omitted) is
    /// given, in an interchange of `version`.
    fn translate_in(version: &str, body: &str) -> Translated<Invoice> {
        crate::map::translate::test_support::mapped(version, "IN", "810", body, invoice)
    }

    fn kept(t: &Translated<Invoice>) -> Vec<(&str, u32)> {
        t.document
            .source
            .unmapped
            .iter()
            .map(|u| (u.id.as_str(), u.position))
            .collect()
    }

    /// The known answer of ts810_out: 48 × 8.25 less 3.5% promotional, plus 1.4% Ohio tax.
    const KNOWN: &str = "
        BIG*20261120*INV-20261120-7*20261102*4500012345
        CUR*SE*USD
        REF*BM*BOL778812
        N1*RI*WIDGET WORKS INC*1*123456789
        N2*ACCOUNTS
        N3*1 MAIN ST
        N4*DAYTON*OH*45402*US
        PER*AR*PAT*TE*9375550100*EM*AR@WW.EXAMPLE
        N1*ST**92*0006
        ITD*01*3*2*20261130*10*20261220*30*764****2% 10 NET 30
        DTM*011*20261119
        IT1*1*48*EA*8.25*PE*UP*012345678905*VN*WB-1
        PID*F****WIDGET, BLUE
        PID*F****4 INCH
        SAC*C*D240***150
        TDS*38753*38214*37989*764
        TXI*ST*5.39*.014*VD*OH
        CAD*LT***ODFL
        SAC*A*F800***1386*3*3.5
        ISS*4*CT*38*LB
        CTT*1*48";

    fn known_answer(t: &Translated<Invoice>) {
        assert_eq!(t.findings, []);
        let i = &t.document;
        assert_eq!(i.number, "INV-20261120-7");
        assert_eq!(i.date, day(2026, 11, 20));
        assert_eq!(i.kind, InvoiceKind::Invoice);
        assert_eq!(i.purchase_order.as_deref(), Some("4500012345"));
        assert_eq!(i.purchase_order_date, Some(day(2026, 11, 2)));
        assert_eq!(i.currency.as_deref(), Some("USD"));
        assert_eq!(i.references[0].value, "BOL778812");
        let remit = &i.parties[0];
        assert_eq!(remit.role, PartyRole::RemitTo);
        assert_eq!(remit.name.as_deref(), Some("WIDGET WORKS INC\nACCOUNTS"));
        assert_eq!(remit.ids[0].scheme, IdScheme::Duns);
        assert_eq!(
            remit.address.as_ref().unwrap().city.as_deref(),
            Some("DAYTON")
        );
        assert_eq!(remit.contacts[0].email.as_deref(), Some("AR@WW.EXAMPLE"));
        assert_eq!(i.parties[1].role, PartyRole::ShipTo);
        assert_eq!(i.parties[1].ids[0].value, "0006");
        assert_eq!(
            i.terms,
            [Terms {
                kind: TermsKind::Basic,
                basis: TermsBasis::InvoiceDate,
                discount_percent: Some(d("2")),
                discount_due_date: Some(day(2026, 11, 30)),
                discount_days: Some(10),
                net_due_date: Some(day(2026, 12, 20)),
                net_days: Some(30),
                discount_amount: Some(d("7.64")),
                description: Some("2% 10 NET 30".into()),
                day_of_month: None,
            }]
        );
        assert_eq!(i.ship_date, Some(day(2026, 11, 19)));
        let line = &i.lines[0];
        assert_eq!(line.line_id.as_deref(), Some("1"));
        assert_eq!(line.quantity, Quantity::new(d("48"), UnitOfMeasure::Each));
        assert_eq!(line.unit_price, d("8.25"));
        assert_eq!(line.product_ids[0].kind, ProductIdKind::Upc);
        assert_eq!(line.product_ids[1].value, "WB-1");
        assert_eq!(line.description.as_deref(), Some("WIDGET, BLUE\n4 INCH"));
        assert_eq!(
            line.allowances_charges[0].service,
            AllowanceChargeService::Freight
        );
        assert_eq!(line.allowances_charges[0].amount, Some(d("1.50")));
        assert_eq!(i.totals.total, d("387.53"));
        assert_eq!(i.totals.discountable_amount, Some(d("382.14")));
        assert_eq!(i.totals.terms_discount, Some(d("7.64")));
        assert_eq!(i.totals.subtotal, None, "the 810 has no subtotal");
        assert_eq!(i.totals.line_count, Some(1));
        assert_eq!(
            i.taxes,
            [Tax {
                kind: TaxKind::State,
                amount: Some(d("5.39")),
                percent: Some(d("1.4")),
                jurisdiction: Some("OH".into()),
            }]
        );
        let ac = &i.allowances_charges[0];
        assert_eq!(ac.indicator, AllowanceOrCharge::Allowance);
        assert_eq!(ac.service, AllowanceChargeService::Promotional);
        assert_eq!(ac.amount, Some(d("13.86")));
        assert_eq!(ac.percent, Some(d("3.5")));
        let shipment = i.shipment.as_ref().unwrap();
        let carrier = shipment.carrier.as_ref().unwrap();
        assert_eq!(carrier.scac.as_deref(), Some("ODFL"));
        assert_eq!(carrier.mode, Some(TransportMode::LessThanTruckload));
        assert_eq!(
            shipment.packages,
            Some(Quantity::new(d("4"), UnitOfMeasure::Carton))
        );
        assert_eq!(
            shipment.weight,
            Some(Quantity::new(d("38"), UnitOfMeasure::Pound))
        );
        assert_eq!(kept(t), [], "everything was taken");
    }

    #[test]
    fn the_known_answer_in_both_versions() {
        let t = translate_in("004010", KNOWN);
        known_answer(&t);
        assert_eq!(t.document.source.version.as_deref(), Some("004010"));
        let t = translate_in("005010", KNOWN);
        known_answer(&t);
        assert_eq!(t.document.source.version.as_deref(), Some("005010"));
    }

    #[test]
    fn tds01_has_implied_cents() {
        let t = translate_in(
            "004010",
            "BIG*20261120*INV-1\nIT1*1*1*EA*3875.30\nTDS*387530",
        );
        assert_eq!(t.findings, []);
        assert_eq!(t.document.totals.total, d("3875.30"));
        assert_eq!(t.document.totals.total.to_string(), "3875.30");
        assert_eq!(t.document.totals.terms_discount, None);
        assert_eq!(kept(&t), []);
    }

    #[test]
    fn big07_cr_is_a_credit_memo() {
        let t = translate_in(
            "005010",
            "BIG*20261120*CM-7*20261102*4500012345***CR\nIT1*1*2*EA*5\nTDS*1000",
        );
        assert_eq!(t.findings, []);
        assert_eq!(t.document.kind, InvoiceKind::CreditMemo);
        let t = translate_in("005010", "BIG*20261120*DM-7*****DR\nTDS*1000");
        assert_eq!(t.document.kind, InvoiceKind::DebitMemo);
        let t = translate_in("005010", "BIG*20261120*X-7*****ZZ\nTDS*1000");
        assert_eq!(t.document.kind, InvoiceKind::Other("ZZ".into()));
    }

    #[test]
    fn unmapped_segments_are_kept_verbatim() {
        let t = translate_in(
            "004010",
            "BIG*20261120*INV-1
             NTE*GEN*THANK YOU
             DTM*003*20261120
             FOB*PP
             IT1*1*1*EA*10
             REF*PO*4500012345
             TDS*1000*1000*990
             CTT*1*2",
        );
        assert_eq!(t.findings, []);
        assert_eq!(t.document.totals.total, d("10.00"));
        assert_eq!(t.document.ship_date, None);
        assert_eq!(
            kept(&t),
            [
                ("NTE", 3),
                ("DTM", 4),
                ("FOB", 5),
                ("REF", 7),
                ("TDS", 8),
                ("CTT", 9)
            ],
            "TDS03 without a discount, and a hash total that is not the quantities', are kept"
        );
        assert_eq!(
            t.document.source.unmapped[0].elements,
            ["GEN", "THANK YOU"].map(|e| UnmappedElement::Simple(e.into()))
        );
    }

    #[test]
    fn missing_big_and_tds_are_findings() {
        let t = translate_in("004010", "BIG**\nIT1*1*1*EA");
        let places: Vec<_> = t
            .findings
            .iter()
            .map(|f| (f.segment.as_str(), f.position, f.element))
            .collect();
        assert_eq!(
            places,
            [
                ("BIG", 2, Some(1)),
                ("BIG", 2, Some(2)),
                ("IT1", 3, Some(4)),
                ("ST", 1, None)
            ]
        );
        assert!(t.findings[3].message.contains("no TDS"));
    }
}
