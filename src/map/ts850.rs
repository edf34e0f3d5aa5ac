//! X12 850 → [`PurchaseOrder`], versions 004010 and 005010 (older and newer versions are read
//! with the nearest structure, see [`translate::structure`]).
//!
//! Each segment is mapped by where it sits in the set's loops, so that a REF in the heading is
//! the order's, a REF in an N1 loop is the party's and a REF in a line's schedule loop is
//! nobody's we can name. What is mapped, by place:
//!
//! | place | segments |
//! |---|---|
//! | heading | BEG, CUR, REF, PER, FOB, ITD, DTM, TD5; SAC loop: SAC; N9 loop: N9, MSG, MTX; N1 loop: N1, N2, N3, N4, PER |
//! | PO1 loop | PO1, PID (free-form product description), PO4, REF, SDQ, DTM; SAC loop: SAC; N1 loop: N1, N2, N3, N4, PER |
//! | summary | CTT, AMT (TT or 1: the order's stated total) |
//!
//! Everything else, and every element these leave unread, is kept in `source.unmapped` (see
//! [`translate`]). Values that cannot be read, and mandatory ones that are missing, are
//! findings with their places; the document then holds the model's default, never a guess
//! presented as fact without a finding.

use rust_decimal::Decimal;

use super::codes;
use super::emit::PERCENT_OF_GROSS;
use super::translate::{
    self, Fields, Numeric, Translated, contact, party, party_detail, push, push_index, reference,
};
use crate::document::common::{
    AllowanceCharge, Carrier, EventDate, PartyId, ProductId, Quantity, Reference, ReferenceKind,
    Source,
};
use crate::document::order::{Destination, Fob, OrderLine, PurchaseOrder};
use crate::document::terms::Terms;
use crate::spec::TransactionSetSpec;
use crate::x12::{Segment, TransactionSetRef};

/// The purchase order a transaction set (an 850) says, with every finding. The envelope facts
/// come from the set's interchange and group; the structure that places its segments is the
/// built-in standard's for the group's version (GS08).
pub fn purchase_order(set: &TransactionSetRef<'_>) -> Translated<PurchaseOrder> {
    let structure = translate::structure("850", &set.group.version);
    purchase_order_from(&set.segments, translate::source(set), structure)
}

/// Maps the segments of one 850 (ST through SE) into a purchase order whose source starts as
/// `source`. Without a structure nothing can be placed: every segment is kept unmapped.
pub fn purchase_order_from(
    segments: &[Segment<'_>],
    source: Source,
    structure: Option<&TransactionSetSpec>,
) -> Translated<PurchaseOrder> {
    let mut m = Mapper {
        order: PurchaseOrder {
            source,
            ..PurchaseOrder::default()
        },
        seen_beg: false,
        heading_party: None,
        line_party: None,
        line_has_pack: false,
    };
    let walked = translate::walk("850", segments, structure, |path, f| m.segment(path, f));
    let findings = translate::conclude(
        segments,
        walked,
        &mut m.order.source.unmapped,
        &[(
            m.seen_beg,
            "the set has no BEG segment: the order has no number or date",
        )],
    );
    Translated {
        document: m.order,
        findings,
    }
}

struct Mapper {
    order: PurchaseOrder,
    seen_beg: bool,
    /// The party the current heading N1 loop describes, if its N1 was mapped.
    heading_party: Option<usize>,
    /// The same for the current line's N1 loop.
    line_party: Option<usize>,
    /// Whether the current line's PO4 has been read (only the first is mapped).
    line_has_pack: bool,
}

impl Mapper {
    /// Maps one segment found at `path`; false when it has no place in the document.
    fn segment(&mut self, path: &[&str], f: &mut Fields<'_>) -> bool {
        let order = &mut self.order;
        match (path, f.id()) {
            ([], "BEG") => self.beg(f),
            ([], "CUR") => currency(order, f),
            ([], "REF") => push(&mut order.references, reference(f)),
            ([], "PER") => push(&mut order.contacts, contact(f)),
            ([], "FOB") => fob(order, f),
            ([], "ITD") => push(&mut order.terms, terms(f)),
            ([], "DTM") => push(&mut order.dates, event_date(f)),
            ([], "TD5") => push(&mut order.routing, carrier(f)),
            (["SAC"], "SAC") => push(&mut order.allowances_charges, allowance_charge(f)),
            // N9 is REF's extended form: N903 is a free-form description.
            (["N9"], "N9") => push(&mut order.references, reference(f)),
            (["N9"], "MSG" | "MTX") => push(&mut order.notes, note(f)),
            (["N1"], "N1") => {
                self.heading_party = push_index(&mut order.parties, party(f));
                self.heading_party.is_some()
            }
            (["N1"], id) => match self.heading_party.and_then(|i| order.parties.get_mut(i)) {
                Some(p) => party_detail(p, id, f),
                None => false,
            },
            (["PO1"], "PO1") => {
                order.lines.push(line(f));
                self.line_party = None;
                self.line_has_pack = false;
                true
            }
            (["PO1", rest @ ..], id) => {
                let Some(line) = order.lines.last_mut() else {
                    return false;
                };
                match (rest, id) {
                    (["PID"], "PID") => description(line, f),
                    ([], "PO4") if !self.line_has_pack => {
                        self.line_has_pack = pack(line, f);
                        self.line_has_pack
                    }
                    ([], "REF") => push(&mut line.references, reference(f)),
                    ([], "DTM") => push(&mut line.dates, event_date(f)),
                    ([], "SDQ") => destinations(line, f),
                    (["SAC"], "SAC") => push(&mut line.allowances_charges, allowance_charge(f)),
                    (["N1"], "N1") => {
                        self.line_party = push_index(&mut line.parties, party(f));
                        self.line_party.is_some()
                    }
                    (["N1"], id) => match self.line_party.and_then(|i| line.parties.get_mut(i)) {
                        Some(p) => party_detail(p, id, f),
                        None => false,
                    },
                    _ => false,
                }
            }
            (["CTT"], "CTT") => {
                order.totals.line_count = f.count(1);
                order.totals.hash_total = f.decimal(2, Numeric::R);
                true
            }
            (["CTT"], "AMT") => total_amount(order, f),
            _ => false,
        }
    }

    /// BEG: purpose, kind, number, release, date; BEG06 is the contract the order is
    /// placed under.
    fn beg(&mut self, f: &mut Fields<'_>) -> bool {
        if self.seen_beg {
            return false;
        }
        self.seen_beg = true;
        let order = &mut self.order;
        match f.word(1, &codes::PURPOSE) {
            Some(purpose) => order.purpose = purpose,
            None => f.missing(1, "the purpose", "the order is read as an original"),
        }
        match f.word(2, &codes::ORDER_KIND) {
            Some(kind) => order.kind = kind,
            None => f.missing(2, "the order type", "the order is read as stand-alone"),
        }
        match f.text(3) {
            Some(number) => order.number = number,
            None => f.missing(3, "the purchase order number", "the number is left empty"),
        }
        order.release = f.text(4);
        match f.date(5) {
            Some(date) => order.date = date,
            None if !f.has(5) => f.missing(5, "the order date", "the date is left unset"),
            None => {}
        }
        if let Some(contract) = f.text(6) {
            order.references.push(Reference {
                kind: ReferenceKind::Contract,
                value: contract,
                description: None,
            });
        }
        true
    }
}

/// CUR: the order's currency. CUR01 says whose currency it is; for an order the buyer's and
/// the seller's are the one currency of the order.
fn currency(order: &mut PurchaseOrder, f: &mut Fields<'_>) -> bool {
    if order.currency.is_some() {
        return false;
    }
    order.currency = f.text(2);
    f.take_if(1, &["BY", "SE"]);
    order.currency.is_some()
}

/// MSG (004010) or MTX (005010) text: one note. MTX03 continues MTX02's text.
fn note(f: &mut Fields<'_>) -> Option<String> {
    match f.id() {
        "MSG" => f.text(1),
        _ => {
            let mut note = f.text(2)?;
            note.extend(f.text(3));
            Some(note)
        }
    }
}

/// FOB: freight payment, FOB point and its place in words. Only the first FOB is the order's.
fn fob(order: &mut PurchaseOrder, f: &mut Fields<'_>) -> bool {
    if order.fob.is_some() {
        return false;
    }
    let fob = Fob {
        payment: f.word(1, &codes::FREIGHT_PAYMENT),
        point: f.word(2, &codes::FOB_POINT),
        location: f.text(3),
    };
    if fob == Fob::default() {
        return false;
    }
    order.fob = Some(fob);
    true
}

/// ITD: payment terms. An empty ITD01 is basic terms and an empty ITD02 counts from the
/// invoice date, the standard's usual reading.
pub(super) fn terms(f: &mut Fields<'_>) -> Option<Terms> {
    if !(1..=15).any(|n| f.has(n)) {
        return None;
    }
    Some(Terms {
        kind: f.word(1, &codes::TERMS_KIND).unwrap_or_default(),
        basis: f.word(2, &codes::TERMS_BASIS).unwrap_or_default(),
        discount_percent: f.decimal(3, Numeric::R),
        discount_due_date: f.date(4),
        discount_days: f.count(5),
        net_due_date: f.date(6),
        net_days: f.count(7),
        discount_amount: f.decimal(8, Numeric::N(2)),
        description: f.text(12),
        day_of_month: f.count(13),
    })
}

/// DTM: a dated event. A date given only as a period (DTM05/DTM06) stays unmapped.
fn event_date(f: &mut Fields<'_>) -> Option<EventDate> {
    let date = f.date(2)?;
    Some(EventDate {
        kind: f.word(1, &codes::DATE_KIND)?,
        date,
        time: f.time(3),
    })
}

/// TD502 code for a Standard Carrier Alpha Code (element 66).
const SCAC: &str = "2";

/// TD5: a carrier the buyer asks for. TD503 is the SCAC only under qualifier 2.
fn carrier(f: &mut Fields<'_>) -> Option<Carrier> {
    let mut carrier = Carrier::default();
    if f.has(3) && f.take_if(2, &[SCAC]) {
        carrier.scac = f.text(3);
    }
    carrier.mode = f.word(4, &codes::TRANSPORT_MODE);
    carrier.routing = f.text(5);
    (carrier != Carrier::default()).then_some(carrier)
}

/// SAC: an allowance or charge. SAC05 is N2 (implied cents), SAC07 a percent (of the gross
/// amount, SAC06 3), SAC08 a rate per SAC09/SAC10 quantity.
pub(super) fn allowance_charge(f: &mut Fields<'_>) -> Option<AllowanceCharge> {
    let code = translate::text(f.peek(1));
    let Some(indicator) = codes::ALLOWANCE_OR_CHARGE.find(&code) else {
        if !code.is_empty() {
            f.problem(
                Some(1),
                format!(
                    "SAC01 '{code}' is neither an allowance, a charge nor informational (A, C, N); \
                     the segment is kept unmapped"
                ),
            );
        }
        return None;
    };
    if !f.has(2) {
        f.problem(
            None,
            "SAC02 is empty: the allowance or charge is named only by an agency code \
             (SAC03/SAC04), which the canonical model cannot hold; the segment is kept unmapped",
        );
        return None;
    }
    f.take(1);
    let ac = AllowanceCharge {
        indicator: indicator.clone(),
        service: f.word(2, &codes::SERVICE)?,
        amount: f.decimal(5, Numeric::N(2)),
        percent: f.decimal(7, Numeric::R),
        rate: f.decimal(8, Numeric::R),
        quantity: quantity(f, 10, 9),
        handling: f.word(12, &codes::HANDLING),
        reference: f.text(13),
        description: f.text(15),
    };
    // A percent of the gross amount is what the model's percent means; of anything else
    // (SAC06 1, 2, 4...), SAC06 has no place and the segment is also kept whole.
    if ac.percent.is_some() {
        f.take_if(6, &[PERCENT_OF_GROSS]);
    }
    Some(ac)
}

/// A quantity from a value element and a unit element; both must be there.
pub(super) fn quantity(f: &mut Fields<'_>, value: u32, unit: u32) -> Option<Quantity> {
    if !f.has(unit) {
        return None;
    }
    let value = f.decimal(value, Numeric::R)?;
    Some(Quantity::new(value, f.word(unit, &codes::UNIT)?))
}

/// PO1: a line, with the product ids of its qualifier/id pairs (PO106/PO107 to
/// PO124/PO125).
fn line(f: &mut Fields<'_>) -> OrderLine {
    let mut line = OrderLine {
        line_id: f.text(1),
        ..OrderLine::default()
    };
    match f.decimal(2, Numeric::R) {
        Some(value) => {
            line.quantity.value = value;
            match f.word(3, &codes::UNIT) {
                Some(unit) => line.quantity.unit = unit,
                None => f.missing(3, "the unit of measure", "the quantity is read as each"),
            }
        }
        None if !f.has(2) => f.missing(2, "the quantity ordered", "the line's quantity is 0"),
        None => {}
    }
    line.unit_price = f.decimal(4, Numeric::R);
    line.price_basis = f.word(5, &codes::PRICE_BASIS);
    for qualifier in (6..=24).step_by(2) {
        if f.has(qualifier) && f.has(qualifier + 1) {
            line.product_ids
                .extend(product_id(f, qualifier, qualifier + 1));
        }
    }
    line
}

pub(super) fn product_id(f: &mut Fields<'_>, kind: u32, value: u32) -> Option<ProductId> {
    Some(ProductId {
        kind: f.word(kind, &codes::PRODUCT_ID_KIND)?,
        value: f.text(value)?,
    })
}

/// PID01 for a free-form description.
pub(super) const FREE_FORM: &[u8] = b"F";
/// PID02 (element 750) codes that describe the product as a whole: none, 08 "Product", GEN
/// "General Description". Colour, size and fabric descriptions have no place in the model.
pub(super) const PRODUCT_DESCRIPTION: &[&str] = &["", "08", "GEN"];

/// PID: the line's description; several are joined as lines.
fn description(line: &mut OrderLine, f: &mut Fields<'_>) -> bool {
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

/// PO405 for a gross weight: the only kind PO406 ("gross weight per pack") can be.
const GROSS_WEIGHT: &str = "G";

/// PO4: pack (PO401), inner pack (PO414), the size of an inner pack (PO402/PO403) and the
/// weight of an outer pack (PO406/PO407).
fn pack(line: &mut OrderLine, f: &mut Fields<'_>) -> bool {
    line.pack = f.decimal(1, Numeric::N(0));
    line.pack_size = quantity(f, 2, 3);
    line.pack_weight = quantity(f, 6, 7);
    if line.pack_weight.is_some() {
        f.take_if(5, &[GROSS_WEIGHT]);
    }
    line.inner_pack = f.decimal(14, Numeric::N(0));
    line.pack.is_some()
        || line.pack_size.is_some()
        || line.pack_weight.is_some()
        || line.inner_pack.is_some()
}

/// SDQ: the line's quantity by destination, up to ten location/quantity pairs in SDQ01's
/// unit, the locations under SDQ02's id scheme (without one they cannot be named: unmapped).
fn destinations(line: &mut OrderLine, f: &mut Fields<'_>) -> bool {
    if !f.has(1) || !f.has(2) {
        return false;
    }
    let before = line.destinations.len();
    for location in (3..=21).step_by(2) {
        if !f.has(location) || !f.has(location + 1) {
            continue;
        }
        let Some(value) = f.decimal(location + 1, Numeric::R) else {
            continue;
        };
        let (Some(scheme), Some(unit), Some(id)) = (
            f.word(2, &codes::ID_SCHEME),
            f.word(1, &codes::UNIT),
            f.text(location),
        ) else {
            continue;
        };
        line.destinations.push(Destination {
            location: PartyId { scheme, value: id },
            quantity: Quantity::new(value, unit),
        });
    }
    line.destinations.len() > before
}

/// AMT01 codes of the order's stated total: TT "Total Transaction Amount" and 1 "Line Item
/// Total", which partners send in the same place for the same purpose.
const ORDER_TOTAL: &[&str] = &["TT", "1"];

/// AMT in the summary: the order's total as the buyer states it (the first one).
fn total_amount(order: &mut PurchaseOrder, f: &mut Fields<'_>) -> bool {
    if order.totals.amount.is_some() || !ORDER_TOTAL.iter().any(|c| c.as_bytes() == f.peek(1)) {
        return false;
    }
    let amount: Option<Decimal> = f.decimal(2, Numeric::R);
    if amount.is_some() {
        f.take(1);
    }
    order.totals.amount = amount;
    amount.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::{
        AllowanceChargeService, AllowanceOrCharge, ContactRole, DateKind, IdScheme, PartyRole,
        ProductIdKind, Purpose, TransportMode, UnitOfMeasure, UnmappedElement,
    };
    use crate::document::order::OrderKind;
    use crate::document::terms::{TermsBasis, TermsKind};
    use crate::x12::TransactionSummary;
    use chrono::NaiveDate;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    /// Translates an 850 whose body (BEG onwards, one segment per line, `~` omitted) is
    /// given, in an interchange of `version` with `*`, `>`, `^` and `~`.
    fn translate_in(version: &str, body: &str) -> Translated<PurchaseOrder> {
        let segments: Vec<&str> = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let (isa12, rep) = if version == "004010" {
            ("00401", "U")
        } else {
            ("00501", "^")
        };
        let mut text = format!(
            "ISA*00*          *00*          *ZZ*BIGRETAIL      *01*123456789      *261120*0930*{rep}*{isa12}*000000905*0*P*>~\
             GS*PO*BIGRETAIL*ACMESUPPLY*20261120*0930*905*X*{version}~ST*850*0001~"
        );
        for s in &segments {
            text.push_str(s);
            text.push('~');
        }
        text.push_str(&format!(
            "SE*{}*0001~GE*1*905~IEA*1*000000905~",
            segments.len() + 2
        ));
        let doc = crate::x12::parse(text.as_bytes());
        assert!(doc.is_sound(), "{:#?}", doc.diagnostics);
        let interchange = &doc.interchanges[0];
        let group = &interchange.groups[0];
        let set = &group.transaction_sets[0];
        let summary = TransactionSummary {
            header: set.header.clone(),
            segment_count: set.segment_count,
            closed: set.closed,
            has_errors: false,
        };
        purchase_order(&TransactionSetRef {
            interchange: &interchange.header,
            group: &group.header,
            header: &set.header,
            summary: &summary,
            segments: set.segments.clone(),
        })
    }

    fn translate(body: &str) -> Translated<PurchaseOrder> {
        translate_in("004010", body)
    }

    const BEG: &str = "BEG*00*SA*4500012345**20261118";

    #[test]
    fn itd_net_30() {
        let t = translate(&format!("{BEG}\nITD*05*3*****30\nPO1*1*1*EA*1"));
        assert_eq!(t.findings, []);
        assert_eq!(
            t.document.terms,
            [Terms {
                kind: TermsKind::DiscountNotApplicable,
                basis: TermsBasis::InvoiceDate,
                net_days: Some(30),
                ..Terms::default()
            }]
        );
        assert_eq!(t.document.terms[0].describe(), "NET 30");
        assert_eq!(t.document.source.unmapped, []);
    }

    #[test]
    fn itd_two_ten_net_thirty() {
        let t = translate(&format!("{BEG}\nITD*08*3*2**10**30\nPO1*1*1*EA*1"));
        let terms = &t.document.terms[0];
        assert_eq!(
            terms,
            &Terms::discount(d("2"), 10, 30),
            "08 (basic discount offered) is basic terms"
        );
        assert_eq!(terms.describe(), "2% 10 NET 30");
        let basis = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        assert_eq!(
            terms.net_due_date_from(basis),
            NaiveDate::from_ymd_opt(2026, 12, 2)
        );
    }

    #[test]
    fn itd_dates_amount_and_day_of_month() {
        let t = translate(&format!(
            "{BEG}\nITD*02*3*1.5*20261210*10*20261231**775****2% EOM*15\nPO1*1*1*EA*1"
        ));
        let terms = &t.document.terms[0];
        assert_eq!(terms.kind, TermsKind::EndOfMonth);
        assert_eq!(terms.discount_percent, Some(d("1.5")));
        assert_eq!(
            terms.discount_due_date,
            NaiveDate::from_ymd_opt(2026, 12, 10)
        );
        assert_eq!(terms.discount_days, Some(10));
        assert_eq!(terms.net_due_date, NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(terms.discount_amount, Some(d("7.75")), "ITD08 is N2");
        assert_eq!(terms.description.as_deref(), Some("2% EOM"));
        assert_eq!(terms.day_of_month, Some(15));
    }

    #[test]
    fn sac05_has_implied_cents() {
        let t = translate(&format!(
            "{BEG}\nSAC*A*C310***2350\nPO1*1*1*EA*1\nSAC*C*D240***1500*******02***FREIGHT"
        ));
        assert_eq!(t.findings, []);
        let header = &t.document.allowances_charges[0];
        assert_eq!(header.indicator, AllowanceOrCharge::Allowance);
        assert_eq!(header.service, AllowanceChargeService::Other("C310".into()));
        assert_eq!(header.amount, Some(d("23.50")));
        assert_eq!(
            header.amount.map(|a| a.to_string()).as_deref(),
            Some("23.50")
        );
        let line = &t.document.lines[0].allowances_charges[0];
        assert_eq!(line.indicator, AllowanceOrCharge::Charge);
        assert_eq!(line.service, AllowanceChargeService::Freight);
        assert_eq!(line.amount, Some(d("15.00")));
        assert_eq!(line.description.as_deref(), Some("FREIGHT"));
        assert_eq!(t.document.source.unmapped, []);
    }

    #[test]
    fn sac_percent_and_rate_quantities() {
        let t = translate(&format!(
            "{BEG}\nSAC*A*F800***0*3*3.5*0.25*CA*10**02*PROMO-77\nPO1*1*1*EA*1"
        ));
        let sac = &t.document.allowances_charges[0];
        assert_eq!(sac.service, AllowanceChargeService::Promotional);
        assert_eq!(sac.amount, Some(d("0.00")));
        assert_eq!(sac.percent, Some(d("3.5")));
        assert_eq!(sac.rate, Some(d("0.25")));
        assert_eq!(
            sac.quantity,
            Some(Quantity::new(d("10"), UnitOfMeasure::Case))
        );
        assert_eq!(sac.reference.as_deref(), Some("PROMO-77"));
        // SAC06 3: the percent is of the gross amount, as the model's is.
        assert_eq!(t.document.source.unmapped, []);
        // Of anything else, SAC06 has no place: the segment is also kept whole.
        let t = translate(&format!("{BEG}\nSAC*A*F800****1*3.5\nPO1*1*1*EA*1"));
        assert_eq!(t.document.allowances_charges[0].percent, Some(d("3.5")));
        assert_eq!(t.document.source.unmapped.len(), 1);
        assert_eq!(t.document.source.unmapped[0].id, "SAC");
    }

    #[test]
    fn sac_the_model_cannot_hold_is_a_finding_and_kept() {
        let t = translate(&format!(
            "{BEG}\nSAC*P*F800\nSAC*A**VI*XYZ*100\nPO1*1*1*EA*1"
        ));
        assert!(t.document.allowances_charges.is_empty());
        let places: Vec<_> = t.findings.iter().map(|f| (f.position, f.element)).collect();
        assert_eq!(places, [(3, Some(1)), (4, None)]);
        assert_eq!(t.document.source.unmapped.len(), 2);
    }

    #[test]
    fn po1_product_id_pairs() {
        let t = translate(&format!(
            "{BEG}\nPO1*1*24*CA*41.50*PE*UP*012345678905*VN*AC-100*IN*B-7**X*UK*10012345678902~"
        ));
        let line = &t.document.lines[0];
        assert_eq!(line.line_id.as_deref(), Some("1"));
        assert_eq!(line.quantity, Quantity::new(d("24"), UnitOfMeasure::Case));
        assert_eq!(line.unit_price, Some(d("41.50")));
        let ids: Vec<_> = line
            .product_ids
            .iter()
            .map(|p| (p.kind.clone(), p.value.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                (ProductIdKind::Upc, "012345678905"),
                (ProductIdKind::VendorItem, "AC-100"),
                (ProductIdKind::BuyerItem, "B-7"),
                (ProductIdKind::Gtin14, "10012345678902"),
            ]
        );
        // PO113 without its qualifier cannot be named: the PO1 is also kept whole.
        assert_eq!(t.document.source.unmapped.len(), 1);
        assert_eq!(t.document.source.unmapped[0].position, 3);
    }

    #[test]
    fn unmapped_segment_kept_verbatim() {
        let t = translate_in(
            "005010",
            &format!("{BEG}\nTAX*A>B*CC**^X>Y^*\nPO1*1*1*EA*1\nZZZ*1"),
        );
        let unmapped = &t.document.source.unmapped;
        assert_eq!(unmapped.len(), 2, "{unmapped:#?}");
        assert_eq!(unmapped[0].id, "TAX");
        assert_eq!(unmapped[0].position, 3);
        assert_eq!(
            unmapped[0].elements,
            [
                UnmappedElement::Composite(vec!["A".into(), "B".into()]),
                UnmappedElement::Simple("CC".into()),
                UnmappedElement::Simple(String::new()),
                UnmappedElement::Repeated(vec![
                    vec![String::new()],
                    vec!["X".into(), "Y".into()],
                    vec![String::new()],
                ]),
            ],
            "trailing empty elements dropped, the middle one kept"
        );
        assert_eq!(unmapped[1].id, "ZZZ");
        assert_eq!(unmapped[1].position, 5);
        assert_eq!(
            t.findings,
            [],
            "an unknown segment is the validator's business"
        );
    }

    #[test]
    fn a_bad_date_is_a_finding_with_its_place() {
        let t = translate("BEG*00*SA*4500012345**20261341\nDTM*002*20261232\nPO1*1*1*EA*1");
        let findings: Vec<_> = t
            .findings
            .iter()
            .map(|f| {
                (
                    f.segment.as_str(),
                    f.position,
                    f.element,
                    f.value.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            findings,
            [
                ("BEG", 2, Some(5), Some("20261341")),
                ("DTM", 3, Some(2), Some("20261232")),
            ]
        );
        assert!(
            t.findings[0].message.contains("not a date"),
            "{}",
            t.findings[0]
        );
        assert!(t.document.dates.is_empty());
        let kept: Vec<_> = t
            .document
            .source
            .unmapped
            .iter()
            .map(|u| u.position)
            .collect();
        assert_eq!(kept, [2, 3], "the bad values are kept");
        // The first finding's offset points at the element.
        assert!(t.findings[0].offset > 0);
        assert_eq!(
            t.findings[0].to_string(),
            format!(
                "segment 2 BEG: BEG05 '20261341' is not a date (CCYYMMDD); the value is kept \
                 with the unmapped segment (byte {})",
                t.findings[0].offset
            )
        );
    }

    #[test]
    fn missing_mandatory_values_are_findings() {
        let t = translate("BEG*00*SA\nPO1*1**EA*1");
        let places: Vec<_> = t
            .findings
            .iter()
            .map(|f| (f.segment.as_str(), f.element))
            .collect();
        assert_eq!(
            places,
            [("BEG", Some(3)), ("BEG", Some(5)), ("PO1", Some(2))]
        );
        let t = translate("PO1*1*1*EA*1");
        assert_eq!(t.findings.len(), 1);
        assert_eq!(t.findings[0].segment, "ST");
        assert!(t.findings[0].message.contains("no BEG"));
    }

    #[test]
    fn heading_in_full() {
        let t = translate(
            "BEG*01*RL*4500012345*0003*20261118*CONTRACT-9
             CUR*BY*USD
             REF*DP*042*HOUSEWARES
             PER*BD*JANE MORALES*TE*6145550142*EM*JM@EXAMPLE.COM*FX*6145550100
             FOB*CC*OR*COLUMBUS OH
             DTM*002*20261204*1430
             TD5*O*2*RDWY*LT*ROADWAY
             N9*L1*GENERAL
             MSG*CALL RECEIVING 48 HOURS BEFORE DELIVERY
             N1*ST*BIGRETAIL DC 12*UL*0614141000012
             N2*RECEIVING*DOCK 4
             N3*400 DISTRIBUTION WAY*BUILDING B
             N4*GROVEPORT*OH*43125*US
             PER*DC*DOCK OFFICE*TE*6145550199
             N1*SU*ACME SUPPLY CO*1*123456789
             PO1*1*1*EA*1
             CTT*1*1
             AMT*TT*1.00",
        );
        assert_eq!(t.findings, []);
        let o = &t.document;
        assert_eq!(o.purpose, Purpose::Cancellation);
        assert_eq!(o.kind, OrderKind::Release);
        assert_eq!(o.release.as_deref(), Some("0003"));
        assert_eq!(o.date, NaiveDate::from_ymd_opt(2026, 11, 18).unwrap());
        assert_eq!(o.currency.as_deref(), Some("USD"));
        assert_eq!(o.references[0].kind, ReferenceKind::Contract);
        assert_eq!(o.references[1].description.as_deref(), Some("HOUSEWARES"));
        assert_eq!(o.references[2].kind, ReferenceKind::Other("L1".into()));
        let c = &o.contacts[0];
        assert_eq!(
            (
                c.role.clone(),
                c.phone.as_deref(),
                c.email.as_deref(),
                c.fax.as_deref()
            ),
            (
                ContactRole::Buyer,
                Some("6145550142"),
                Some("JM@EXAMPLE.COM"),
                Some("6145550100")
            )
        );
        assert_eq!(o.dates[0].kind, DateKind::RequestedDelivery);
        assert_eq!(o.dates[0].time, chrono::NaiveTime::from_hms_opt(14, 30, 0));
        assert_eq!(o.routing[0].scac.as_deref(), Some("RDWY"));
        assert_eq!(o.routing[0].mode, Some(TransportMode::LessThanTruckload));
        assert_eq!(o.notes, ["CALL RECEIVING 48 HOURS BEFORE DELIVERY"]);
        let ship_to = &o.parties[0];
        assert_eq!(ship_to.role, PartyRole::ShipTo);
        assert_eq!(
            ship_to.name.as_deref(),
            Some("BIGRETAIL DC 12\nRECEIVING\nDOCK 4")
        );
        assert_eq!(ship_to.ids[0].scheme, IdScheme::Gln);
        let address = ship_to.address.as_ref().unwrap();
        assert_eq!(address.lines, ["400 DISTRIBUTION WAY", "BUILDING B"]);
        assert_eq!(address.region.as_deref(), Some("OH"));
        assert_eq!(ship_to.contacts[0].role, ContactRole::Delivery);
        assert_eq!(o.parties[1].role, PartyRole::Vendor, "SU is the vendor");
        assert_eq!(o.parties[1].ids[0].scheme, IdScheme::Duns);
        assert_eq!(o.totals.line_count, Some(1));
        assert_eq!(o.totals.amount, Some(d("1.00")));
        // Only TD501 (the routing sequence) had no place.
        let kept: Vec<_> = o.source.unmapped.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(kept, ["TD5"]);
        assert_eq!(o.source.version.as_deref(), Some("004010"));
        assert_eq!(
            o.source.interchange_control_number.as_deref(),
            Some("000000905")
        );
        assert_eq!(
            o.source.interchange_receiver.as_ref().unwrap().scheme,
            IdScheme::Duns
        );
        assert_eq!(o.source.document_control_number.as_deref(), Some("0001"));
    }

    #[test]
    fn loops_decide_whose_segment_it_is() {
        let t = translate(&format!(
            "{BEG}
             SAC*C*D240***1000
             CUR*SE*CAD
             PO1*1*12*CA*41.50**UP*012345678905
             PID*F*08***BLUE WIDGET
             PID*F****4 INCH
             PID*F*75***NAVY
             PO4*12*16*OZ**G*9.5*LB*******6
             REF*PD*PROMO-1
             SDQ*EA*92*0012*6*0013*6
             DTM*010*20261201
             SLN*1**I*6*EA*1.00
             PID*F****SUB LINE
             N1*ST*STORE 12*92*0012
             PO1*2*1*EA*1
             N1*ST*STORE 13*92*0013
             N3*1 MAIN ST
             CTT*2"
        ));
        assert_eq!(t.findings, []);
        let o = &t.document;
        assert_eq!(o.currency, None, "a CUR in the SAC loop is the charge's");
        let line = &o.lines[0];
        assert_eq!(line.description.as_deref(), Some("BLUE WIDGET\n4 INCH"));
        assert_eq!(line.pack, Some(d("12")));
        assert_eq!(line.inner_pack, Some(d("6")));
        assert_eq!(
            line.pack_size,
            Some(Quantity::new(d("16"), UnitOfMeasure::Ounce))
        );
        assert_eq!(
            line.pack_weight,
            Some(Quantity::new(d("9.5"), UnitOfMeasure::Pound))
        );
        assert_eq!(line.references[0].kind, ReferenceKind::Promotion);
        assert_eq!(line.dates[0].kind, DateKind::RequestedShip);
        assert_eq!(line.destinations.len(), 2);
        assert_eq!(line.destinations[1].location.value, "0013");
        assert_eq!(
            line.destinations[1].quantity,
            Quantity::new(d("6"), UnitOfMeasure::Each)
        );
        assert!(line.parties.is_empty(), "the SLN's N1 is the sub-line's");
        assert_eq!(o.lines[1].parties[0].name.as_deref(), Some("STORE 13"));
        assert_eq!(
            o.lines[1].parties[0].address.as_ref().unwrap().lines,
            ["1 MAIN ST"]
        );
        let kept: Vec<_> = o.source.unmapped.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(kept, ["CUR", "PID", "SLN", "PID", "N1"]);
    }

    #[test]
    fn a_separator_inside_a_simple_element_is_a_finding() {
        let t = translate_in(
            "005010",
            &format!("{BEG}\nREF*DP*038^039\nPO1*1*1*EA*1\nPID*F****2>4 IN"),
        );
        let places: Vec<_> = t.findings.iter().map(|f| (f.position, f.element)).collect();
        assert_eq!(places, [(3, Some(2)), (5, Some(5))]);
        assert!(
            t.findings[0].message.contains("separator '^'"),
            "{}",
            t.findings[0]
        );
        assert!(t.document.references.is_empty());
        assert_eq!(t.document.lines[0].description, None);
        let kept = &t.document.source.unmapped;
        assert_eq!(kept.len(), 2);
        assert_eq!(
            kept[0].elements[1],
            UnmappedElement::Repeated(vec![vec!["038".into()], vec!["039".into()]])
        );
    }

    #[test]
    fn version_5010_notes_are_mtx() {
        let t = translate_in(
            "005010",
            &format!("{BEG}\nN9*L1*NOTES\nMTX**PLEASE CALL*AHEAD\nPO1*1*1*EA*1"),
        );
        assert_eq!(t.document.notes, ["PLEASE CALLAHEAD"]);
        assert_eq!(t.document.source.unmapped, []);
        assert_eq!(t.document.source.version.as_deref(), Some("005010"));
    }
}
