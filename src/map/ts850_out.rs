//! [`PurchaseOrder`] → X12 850, versions 004010 and 005010: the inverse of [`super::ts850`]
//! for everything it reads. [`write_purchase_order`] writes the set (ST through SE) into an
//! open functional group, [`emit_purchase_order`] a whole interchange (group PO), checked
//! against our own specs before it is handed on. The 850 is the buyer's message: edigate
//! sends it for tests, the demo and the partner simulator.
//!
//! What goes where, in the order the standard places it:
//!
//! | place | segment | from |
//! |---|---|---|
//! | heading | BEG | purpose, kind, number, release, date; BEG06 the first reference when it is a contract without a description |
//! | | CUR | currency, as the buyer's (CUR01 BY) |
//! | | REF, PER, FOB | references, contacts, FOB (payment, point, place) |
//! | | SAC loop | the order's allowances and charges, amounts as stated (N2) |
//! | | ITD, DTM, TD5 | terms as stated, dates (with their time), routing (SCAC under TD502 2, mode, routing) |
//! | | N9 loop: N9, MSG (MTX from 005010) | the notes, headed by the order's last reference (`N9*ZZ*NOTES` when it has none) |
//! | | N1 loop | parties |
//! | PO1 loop | PO1 | line id, quantity, unit, unit price, price basis, up to ten product ids |
//! | | PID | the description, one free-form PID per line of it |
//! | | PO4 | pack, size of the inner pack, gross weight of a pack, inner pack |
//! | | REF, SAC loop, SDQ, DTM, N1 loop | the line's references, allowances and charges, destinations (ten to an SDQ, one SDQ per unit and id scheme), dates, parties |
//! | summary | CTT | the number of lines and the hash total of their quantities, worked out |
//! | | AMT | the order's stated total (AMT01 TT) |
//!
//! Totals are worked out, never copied: CTT01 is the number of lines and CTT02 the sum of
//! their quantities. CTT is written when the order states a line count or hash total (an
//! order translated from an 850 without CTT states neither, and gets none back), CTT02 when
//! it states a hash total; a stated value that differs from the worked-out one refuses the
//! order, naming both. The stated amount (AMT) has no one rule to check it by (partners total
//! an order with or without its allowances, some lines have no price), so it goes as stated.

use std::io::Write;

use chrono::{NaiveTime, Timelike};
use rust_decimal::Decimal;

use super::codes;
use super::emit::{
    self, BaselineItem, Elements, EmitEnvelope, EmitError, Emitted, Refusal, SetWriter,
    allowance_charge_field, date8, decimal_text, implied_cents, money, terms_elements, words,
};
use crate::document::common::{
    AllowanceCharge, Carrier, EventDate, Party, Reference, ReferenceKind,
};
use crate::document::order::{Destination, OrderLine, PurchaseOrder};
use crate::document::terms::Terms;
use crate::x12::InterchangeWriter;

/// SDQ03 to SDQ22: ten location/quantity pairs.
const DESTINATIONS_PER_SDQ: usize = 10;

/// TD502 (66) for a Standard Carrier Alpha Code.
const SCAC: &str = "2";

/// PO405 (187) for a gross weight: what PO406 "gross weight per pack" is.
const GROSS_WEIGHT: &str = "G";

/// The N9 that heads notes when the order has no reference of its own to head them with:
/// N901 (128) ZZ, "Mutually Defined", the qualifier every partner's guide accepts (L1,
/// "Letters or Notes", is outside the common codes).
const NOTES: (&str, &str) = ("ZZ", "NOTES");

/// AMT01 (522) "Total Transaction Amount".
const TOTAL_TRANSACTION_AMOUNT: &str = "TT";

/// What [`emit_purchase_order`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// CTT01: the lines counted.
    pub line_count: usize,
    /// CTT02: the sum of the lines' quantities.
    pub hash_total: Decimal,
    pub emitted: Emitted,
    /// Parts of the order the 850 does not carry (a party's second id, a carrier's name), in
    /// words.
    pub not_carried: Vec<String>,
}

/// Writes `order` as one 850 (ST through SE, ST02 `control_number`) of version `version`
/// (`004010` or `005010`) into the functional group open in `w`. On a refusal the set has
/// still been closed, but the interchange must not be sent. What is written is not
/// validated here; [`emit_purchase_order`] does that.
pub fn write_purchase_order<W: Write>(
    w: &mut InterchangeWriter<W>,
    order: &PurchaseOrder,
    version: &str,
    control_number: u64,
) -> Result<(), EmitError> {
    let (_, problems, _) = write_set(w, order, version, control_number)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(EmitError::Refused(problems))
    }
}

/// Writes `order` as a complete interchange (ISA, GS PO, ST 850 ... SE, GE, IEA) under
/// `envelope`, validates it against the built-in specs, and only when nothing is wrong
/// writes it to `out`: on a refusal nothing reaches `out`.
pub fn emit_purchase_order<W: Write>(
    order: &PurchaseOrder,
    envelope: &EmitEnvelope,
    out: W,
) -> Result<Summary, EmitError> {
    let ((hash_total, not_carried), emitted) = emit::emit(envelope, "PO", out, |w| {
        write_set(
            w,
            order,
            &envelope.version,
            envelope.transaction_set_control_number,
        )
    })?;
    Ok(Summary {
        line_count: order.lines.len(),
        hash_total,
        emitted,
        not_carried,
    })
}

/// The set, what each segment carries, the refusals, and (the hash total, what was not
/// carried).
fn write_set<W: Write>(
    w: &mut InterchangeWriter<W>,
    order: &PurchaseOrder,
    version: &str,
    control_number: u64,
) -> Result<emit::WrittenSet<(Decimal, Vec<String>)>, EmitError> {
    emit::isa_version(version)?;
    let (hash_total, problems) = check_totals(order);
    let mut out = Out {
        s: SetWriter::begin(w, "850", control_number)?,
        not_carried: Vec::new(),
        modern: version >= "005010",
    };
    out.s.refusals(problems);
    out.s.keep_unmapped(&order.source.unmapped);
    out.heading(order)?;
    for (i, line) in order.lines.iter().enumerate() {
        out.line(i, line)?;
    }
    out.summary(order, hash_total)?;
    let (labels, problems) = out.s.end()?;
    Ok((labels, problems, (hash_total, out.not_carried)))
}

/// The hash total worked out from the lines, and the refusals of stated totals that differ
/// from what the lines say.
fn check_totals(order: &PurchaseOrder) -> (Decimal, Vec<Refusal>) {
    let mut problems = Vec::new();
    let mut hash_total = Decimal::ZERO;
    for (i, line) in order.lines.iter().enumerate() {
        match hash_total.checked_add(line.quantity.value) {
            Some(sum) => hash_total = sum,
            None => problems.push(Refusal::new(
                format!("order line {}", i + 1),
                format!(
                    "its quantity {} is too large to add to the hash total",
                    line.quantity.value
                ),
            )),
        }
    }
    let stated = &order.totals;
    if let Some(count) = stated.line_count
        && count as usize != order.lines.len()
    {
        problems.push(Refusal::new(
            "the line count (totals.line_count)",
            format!(
                "is stated as {count}, but the order has {} line(s)",
                order.lines.len()
            ),
        ));
    }
    if let Some(stated) = stated.hash_total
        && stated != hash_total
    {
        problems.push(Refusal::new(
            "the hash total (totals.hash_total)",
            format!(
                "is stated as {}, but the lines' quantities add up to {}",
                stated.normalize(),
                hash_total.normalize()
            ),
        ));
    }
    if order.lines.is_empty() {
        problems.push(Refusal::new(
            "the order",
            "orders nothing: an 850 has at least one line (PO1)",
        ));
    }
    (hash_total, problems)
}

/// Writes the segments, keeping what the 850 could not carry.
struct Out<'w, W> {
    s: SetWriter<'w, W>,
    not_carried: Vec<String>,
    /// 005010 or later.
    modern: bool,
}

impl<W: Write> Out<'_, W> {
    fn heading(&mut self, order: &PurchaseOrder) -> Result<(), EmitError> {
        // With notes, the last reference heads their N9 loop (the 850 mapping reads an N9 as
        // a reference, after BEG06 and the heading's REFs).
        let (heads_notes, references) = match order.references.split_last() {
            Some((last, rest)) if !order.notes.is_empty() => (Some(last), rest),
            _ => (None, order.references.as_slice()),
        };
        // BEG06 is the contract the order is placed under; the 850 mapping reads it as the
        // order's first reference.
        let (contract, references) = match references.split_first() {
            Some((first, rest))
                if first.kind == ReferenceKind::Contract && first.description.is_none() =>
            {
                (Some(first.value.as_str()), rest)
            }
            _ => (None, references),
        };
        let mut beg = Elements::new();
        beg.opt(1, codes::PURPOSE.code(&order.purpose))
            .opt(2, codes::ORDER_KIND.code(&order.kind))
            .set(3, order.number.as_str())
            .opt(4, order.release.as_deref())
            .set(5, date8(order.date))
            .opt(6, contract);
        self.s.segment("the order header", "BEG", &beg)?;

        if let Some(currency) = &order.currency {
            let mut cur = Elements::new();
            cur.set(1, "BY").set(2, currency.as_str());
            self.s.segment("the currency", "CUR", &cur)?;
        }
        let offset = usize::from(contract.is_some());
        for (k, reference) in references.iter().enumerate() {
            let label = reference_label(offset + k, reference);
            self.s
                .segment(&label, "REF", &emit::reference_elements(reference))?;
        }
        for (k, contact) in order.contacts.iter().enumerate() {
            let label = format!("contact {} ({})", k + 1, words(&contact.role));
            self.s
                .segment(&label, "PER", &emit::contact_elements(contact))?;
        }
        if let Some(fob) = &order.fob {
            let mut e = Elements::new();
            e.opt(
                1,
                fob.payment
                    .as_ref()
                    .and_then(|p| codes::FREIGHT_PAYMENT.code(p)),
            )
            .opt(2, fob.point.as_ref().and_then(|p| codes::FOB_POINT.code(p)))
            .opt(3, fob.location.as_deref());
            self.s.segment("the FOB terms", "FOB", &e)?;
        }
        for (k, ac) in order.allowances_charges.iter().enumerate() {
            self.allowance_charge(&allowance_charge_field(k, ac), ac)?;
        }
        for (k, terms) in order.terms.iter().enumerate() {
            self.terms(k, terms)?;
        }
        for (k, date) in order.dates.iter().enumerate() {
            self.date(&format!("date {} ({})", k + 1, words(&date.kind)), date)?;
        }
        for (k, carrier) in order.routing.iter().enumerate() {
            self.carrier(k, carrier)?;
        }
        if !order.notes.is_empty() {
            let n9 = match heads_notes {
                Some(reference) => emit::reference_elements(reference),
                None => {
                    let mut e = Elements::new();
                    e.set(1, NOTES.0).set(2, NOTES.1);
                    e
                }
            };
            let label = match heads_notes {
                Some(reference) => reference_label(order.references.len() - 1, reference),
                None => "the notes".to_owned(),
            };
            self.s.segment(&label, "N9", &n9)?;
            for (k, note) in order.notes.iter().enumerate() {
                self.note(k, note)?;
            }
        }
        for (k, party) in order.parties.iter().enumerate() {
            let label = format!("party {} ({})", k + 1, words(&party.role));
            self.s
                .party(&label, party, self.modern, &mut self.not_carried)?;
        }
        Ok(())
    }

    /// MSG (004010) or MTX (005010, its text split into MTX02 and MTX03 when it is longer
    /// than one element holds, which the 850 mapping joins again).
    fn note(&mut self, k: usize, note: &str) -> Result<(), EmitError> {
        let label = format!("note {}", k + 1);
        let mut e = Elements::new();
        if !self.modern {
            e.set(1, note);
            return self.s.segment(&label, "MSG", &e);
        }
        const MTX_TEXT: usize = 4096;
        let split = note
            .char_indices()
            .nth(MTX_TEXT)
            .map_or(note.len(), |(at, _)| at);
        let (text, more) = note.split_at(split);
        e.set(2, text).opt(3, (!more.is_empty()).then_some(more));
        self.s.segment(&label, "MTX", &e)
    }

    fn terms(&mut self, k: usize, terms: &Terms) -> Result<(), EmitError> {
        let label = format!("terms {} ({})", k + 1, terms.describe());
        if let Some(amount) = terms.discount_amount
            && implied_cents(amount).is_none()
        {
            self.s.refuse(
                &label,
                format!(
                    "its discount amount {amount} cannot be written as cents (ITD08, N2): \
                     fractions of a cent, or too large"
                ),
            );
        }
        self.s.segment(&label, "ITD", &terms_elements(terms))
    }

    fn date(&mut self, label: &str, date: &EventDate) -> Result<(), EmitError> {
        let mut dtm = Elements::new();
        dtm.opt(1, codes::DATE_KIND.code(&date.kind))
            .set(2, date8(date.date))
            .opt(3, date.time.map(time_text));
        self.s.segment(label, "DTM", &dtm)
    }

    /// TD5: the carrier's SCAC (TD502 2, TD503), mode (TD504) and routing (TD505). TD5 has
    /// no place for a carrier's name beside its routing.
    fn carrier(&mut self, k: usize, carrier: &Carrier) -> Result<(), EmitError> {
        let label = format!("carrier {}", k + 1);
        if let Some(name) = &carrier.name {
            self.not_carried.push(format!(
                "{label}: its name {name} is not carried: TD5 names a carrier by its SCAC"
            ));
        }
        if carrier.scac.is_none() && carrier.mode.is_none() && carrier.routing.is_none() {
            self.not_carried.push(format!(
                "{label} is not carried: it has no SCAC, mode or routing for a TD5"
            ));
            return Ok(());
        }
        let mut td5 = Elements::new();
        if let Some(scac) = &carrier.scac {
            td5.set(2, SCAC).set(3, scac.as_str());
        }
        td5.opt(
            4,
            carrier
                .mode
                .as_ref()
                .and_then(|m| codes::TRANSPORT_MODE.code(m)),
        )
        .opt(5, carrier.routing.as_deref());
        self.s.segment(&label, "TD5", &td5)
    }

    /// SAC with the amount as stated: an order states what it grants, the invoice works it
    /// out.
    fn allowance_charge(&mut self, field: &str, ac: &AllowanceCharge) -> Result<(), EmitError> {
        self.s.allowance_charge(field, ac, ac.amount)
    }

    /// A PO1 loop.
    fn line(&mut self, i: usize, line: &OrderLine) -> Result<(), EmitError> {
        let label = format!("order line {}", i + 1);
        let item = BaselineItem {
            line_id: line.line_id.as_deref(),
            quantity: &line.quantity,
            unit_price: line.unit_price,
            price_basis: line.price_basis.as_ref(),
            product_ids: &line.product_ids,
            description: line.description.as_deref(),
        };
        self.s.baseline_item(&label, "PO1", &item)?;
        self.pack(&label, line)?;
        for (k, reference) in line.references.iter().enumerate() {
            let field = format!("{label}, {}", reference_label(k, reference));
            self.s
                .segment(&field, "REF", &emit::reference_elements(reference))?;
        }
        for (k, ac) in line.allowances_charges.iter().enumerate() {
            let field = format!("{label}, {}", allowance_charge_field(k, ac));
            self.allowance_charge(&field, ac)?;
        }
        self.destinations(&label, &line.destinations)?;
        for (k, date) in line.dates.iter().enumerate() {
            let field = format!("{label}, date {} ({})", k + 1, words(&date.kind));
            self.date(&field, date)?;
        }
        for (k, party) in line.parties.iter().enumerate() {
            self.line_party(&label, k, party)?;
        }
        Ok(())
    }

    fn line_party(&mut self, line: &str, k: usize, party: &Party) -> Result<(), EmitError> {
        let label = format!("{line}, party {} ({})", k + 1, words(&party.role));
        self.s
            .party(&label, party, self.modern, &mut self.not_carried)
    }

    /// PO4: pack (PO401) and inner pack (PO414) are whole numbers (N0); the size of an inner
    /// pack (PO402/PO403) and the gross weight of an outer pack (PO405 G, PO406/PO407).
    fn pack(&mut self, label: &str, line: &OrderLine) -> Result<(), EmitError> {
        if line.pack.is_none()
            && line.inner_pack.is_none()
            && line.pack_size.is_none()
            && line.pack_weight.is_none()
        {
            return Ok(());
        }
        let field = format!("{label}'s pack");
        let mut po4 = Elements::new();
        po4.opt(1, self.whole(&field, "pack", line.pack));
        if let Some(size) = &line.pack_size {
            po4.set(2, decimal_text(size.value))
                .opt(3, codes::UNIT.code(&size.unit));
        }
        if let Some(weight) = &line.pack_weight {
            po4.set(5, GROSS_WEIGHT)
                .set(6, decimal_text(weight.value))
                .opt(7, codes::UNIT.code(&weight.unit));
        }
        po4.opt(14, self.whole(&field, "inner pack", line.inner_pack));
        self.s.segment(&field, "PO4", &po4)
    }

    /// An `N0` count; a refusal of `field` when it is not a whole number.
    fn whole(&mut self, field: &str, what: &str, value: Option<Decimal>) -> Option<String> {
        let value = value?;
        if !value.fract().is_zero() {
            self.s.refuse(
                field,
                format!("its {what} {value} is not a whole number, which PO4 (N0) needs"),
            );
            return None;
        }
        Some(value.trunc().normalize().to_string())
    }

    /// SDQs: destinations in a row that share a unit and an id scheme go in one SDQ, ten at
    /// a time, in the line's order.
    fn destinations(&mut self, label: &str, all: &[Destination]) -> Result<(), EmitError> {
        let field = format!("{label}'s destinations");
        let mut rest = all;
        while let Some(first) = rest.first() {
            let same = rest
                .iter()
                .take(DESTINATIONS_PER_SDQ)
                .take_while(|d| {
                    d.quantity.unit == first.quantity.unit
                        && d.location.scheme == first.location.scheme
                })
                .count();
            let (these, after) = rest.split_at(same);
            rest = after;
            let mut sdq = Elements::new();
            sdq.opt(1, codes::UNIT.code(&first.quantity.unit));
            match codes::ID_SCHEME.code(&first.location.scheme) {
                Some(code) => {
                    sdq.set(2, code);
                }
                None => self.s.refuse(
                    &field,
                    format!(
                        "location {} is named by {}, which SDQ02 has no qualifier for: give it \
                         as a GLN, or as buyer_assigned (92)",
                        first.location.value,
                        words(&first.location.scheme)
                    ),
                ),
            }
            for (k, destination) in these.iter().enumerate() {
                sdq.set(3 + 2 * k, destination.location.value.as_str())
                    .set(4 + 2 * k, decimal_text(destination.quantity.value));
            }
            self.s.segment(&field, "SDQ", &sdq)?;
        }
        Ok(())
    }

    fn summary(&mut self, order: &PurchaseOrder, hash_total: Decimal) -> Result<(), EmitError> {
        let totals = &order.totals;
        if totals.line_count.is_some() || totals.hash_total.is_some() {
            let mut ctt = Elements::new();
            ctt.set(1, order.lines.len().to_string())
                .opt(2, totals.hash_total.map(|_| decimal_text(hash_total)));
            self.s.segment("the transaction totals", "CTT", &ctt)?;
        }
        if let Some(amount) = totals.amount {
            if totals.line_count.is_none() && totals.hash_total.is_none() {
                // AMT sits in the CTT loop, which only a CTT opens.
                self.s.refuse(
                    "the order total (totals.amount)",
                    format!(
                        "is stated as {}, but an 850 carries it in the CTT loop: state the line \
                         count (totals.line_count) too",
                        money(amount)
                    ),
                );
            }
            let mut amt = Elements::new();
            amt.set(1, TOTAL_TRANSACTION_AMOUNT)
                .set(2, decimal_text(amount));
            self.s.segment("the order total", "AMT", &amt)?;
        }
        Ok(())
    }
}

/// "reference 2 (department)", counting from 0.
fn reference_label(k: usize, reference: &Reference) -> String {
    format!("reference {} ({})", k + 1, words(&reference.kind))
}

/// TM: HHMM when the time is on the minute, HHMMSS on the second, else HHMMSSDD (the
/// hundredths the standard's longest form holds).
fn time_text(time: NaiveTime) -> String {
    let hundredths = time.nanosecond() / 10_000_000;
    if time.second() == 0 && hundredths == 0 {
        time.format("%H%M").to_string()
    } else if hundredths == 0 {
        time.format("%H%M%S").to_string()
    } else {
        format!("{}{hundredths:02}", time.format("%H%M%S"))
    }
}
