//! [`Invoice`] → X12 810, versions 004010 and 005010: [`write_invoice`] writes the set (ST
//! through SE) into an open functional group, [`emit_invoice`] a whole interchange, checked
//! against our own specs before it is handed on.
//!
//! What goes where:
//!
//! | place | segment | from |
//! |---|---|---|
//! | heading | BIG | date, number, PO date, PO number, release; BIG07 from the kind (CR credit memo, DR debit memo, none for an invoice) |
//! | | CUR | currency, as the seller's (CUR01 SE) |
//! | | REF | references |
//! | | N1 loop: N1 N2 N3 N4 PER | parties, in the invoice's order: role, name (further name lines in N2), the first id whose scheme has a qualifier, address, contacts |
//! | | ITD | terms, with their due dates worked out (below) |
//! | | DTM 011 | ship date |
//! | IT1 loop | IT1, PID, SAC | lines: line id, quantity, unit, unit price, price basis, up to ten product ids; the description (a PID per line of it); the line's allowances and charges |
//! | summary | TDS | the computed totals (below) |
//! | | TXI | taxes: kind, amount, percent, jurisdiction |
//! | | CAD | the carrier: mode, SCAC, routing (or the carrier's name when no routing) |
//! | | SAC loop | the invoice's allowances and charges |
//! | | ISS | packages and weight |
//! | | CTT | number of lines and the hash total of their quantities |
//!
//! The money is worked out here ([`invoice_amounts`]), never taken on trust:
//!
//! - a line is its quantity × unit price, to the cent (halves away from zero);
//! - an allowance or charge is its stated amount, else its percent of the lines' value (for
//!   a line: of that line), else its rate × its quantity (for a line: the line's quantity
//!   when it states none). Informational ones, and those settled outside the invoice (bill
//!   back, vendor check, credit to the customer's account, paid by the vendor), move no
//!   money on it;
//! - TDS01, the total, is the lines − allowances + charges + taxes. Taxes must state their
//!   amount: a percent alone does not say what it is levied on, and edigate does not guess.
//! - The invoice's own totals are checked against these: a stated total, subtotal, line
//!   count or terms discount that differs refuses the invoice, naming both numbers. A buyer's
//!   matching rejects an 810 whose TDS disagrees with its lines, and a wrong total in our own
//!   books is worse than an invoice sent an hour late, so this is a refusal, not a warning.
//! - The terms discount (ITD08) is the stated one, else the percent of the discountable
//!   amount (`totals.discountable_amount` when stated, else the total). The first terms
//!   offering a discount also fill TDS02 (the amount the discount applies to), TDS03 (the
//!   total less the discount) and TDS04 (the discount).
//! - Due dates (ITD04, ITD06) are worked out by [`Terms`] from the basis date: the invoice
//!   date, or the ship date for ship-date terms. Delivery and receipt dates are not known
//!   when invoicing: such terms go with their days only (or their fixed dates).
//!
//! Percents: SAC07 (332) is written as a percent (5 for 5%); TXI03 (954) is a percentage
//! expressed as a decimal (X12 RFI 11: 7% is `.07`).

use std::io::Write;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::codes;
use super::emit::{
    self, BaselineItem, Elements, EmitEnvelope, EmitError, Emitted, Refusal, SetWriter,
    allowance_charge_field, date8, decimal_text, money, to_cents, whole_cents, words,
};
use crate::document::common::{AllowanceCharge, AllowanceHandling, AllowanceOrCharge};
use crate::document::invoice::{Invoice, InvoiceLine, Tax};
use crate::document::terms::{Terms, TermsBasis, TermsKind};
use crate::x12::InterchangeWriter;

/// Allowances and charges with these handlings are settled outside the invoice, so they
/// are stated on it but move no money in its total.
const OFF_THE_INVOICE: &[AllowanceHandling] = &[
    AllowanceHandling::BillBack,
    AllowanceHandling::VendorCheck,
    AllowanceHandling::CreditCustomerAccount,
    AllowanceHandling::PaidByVendor,
];

/// TXI04 (955) "VD", vendor defined: the jurisdiction as we name it.
const JURISDICTION_AS_NAMED_BY_VENDOR: &str = "VD";

/// An invoice's money as its 810 states it, worked out from its lines, allowances, charges
/// and taxes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoiceAmounts {
    /// Quantity × unit price of each line, to the cent.
    pub lines: Vec<Decimal>,
    /// Each line's allowances and charges: the amount stated or worked out; `None` when
    /// there is none to work out (an informational one, or one settled elsewhere).
    pub line_allowances_charges: Vec<Vec<Option<Decimal>>>,
    /// The same for the invoice's own allowances and charges.
    pub allowances_charges: Vec<Option<Decimal>>,
    /// The lines' value: their sum.
    pub merchandise: Decimal,
    /// Allowances taken on the invoice, lines' and invoice's, as a positive sum.
    pub allowances: Decimal,
    /// Charges added on the invoice, lines' and invoice's.
    pub charges: Decimal,
    pub taxes: Decimal,
    /// TDS01: merchandise − allowances + charges + taxes.
    pub total: Decimal,
    /// What the terms discount is worked out on.
    pub discount_base: Decimal,
    /// Each terms' discount if paid in time (ITD08); `None` when it offers none.
    pub terms_discounts: Vec<Option<Decimal>>,
    /// CTT02: the sum of the lines' quantities.
    pub quantity_total: Decimal,
}

impl InvoiceAmounts {
    /// The discount TDS states: the first terms' that offers one.
    pub fn terms_discount(&self) -> Option<Decimal> {
        self.terms_discounts.iter().flatten().next().copied()
    }
}

/// What [`emit_invoice`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub amounts: InvoiceAmounts,
    pub emitted: Emitted,
    /// Parts of the invoice the 810 does not carry (a party's second id, say), in words.
    pub not_carried: Vec<String>,
}

/// The invoice's amounts as its 810 would state them, or the refusal naming what cannot be
/// worked out. The invoice's own totals are not looked at (this is how to fill them in),
/// except `totals.discountable_amount`, which no line says.
pub fn invoice_amounts(invoice: &Invoice) -> Result<InvoiceAmounts, EmitError> {
    let (amounts, problems) = compute(invoice, false);
    if problems.is_empty() {
        Ok(amounts)
    } else {
        Err(EmitError::Refused(problems))
    }
}

/// Writes `invoice` as one 810 (ST through SE, ST02 `control_number`) of version `version`
/// (`004010` or `005010`) into the functional group open in `w`. On a refusal the set has
/// still been closed, but the interchange must not be sent. What is written is not
/// validated here; [`emit_invoice`] does that.
pub fn write_invoice<W: Write>(
    w: &mut InterchangeWriter<W>,
    invoice: &Invoice,
    version: &str,
    control_number: u64,
) -> Result<(), EmitError> {
    let (_, problems, _) = write_set(w, invoice, version, control_number)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(EmitError::Refused(problems))
    }
}

/// Writes `invoice` as a complete interchange (ISA, GS IN, ST 810 ... SE, GE, IEA) under
/// `envelope`, validates it against the built-in specs, and only when nothing is wrong
/// writes it to `out`: on a refusal nothing reaches `out`.
pub fn emit_invoice<W: Write>(
    invoice: &Invoice,
    envelope: &EmitEnvelope,
    out: W,
) -> Result<Summary, EmitError> {
    let ((amounts, not_carried), emitted) = emit::emit(envelope, "IN", out, |w| {
        let (labels, problems, written) = write_set(
            w,
            invoice,
            &envelope.version,
            envelope.transaction_set_control_number,
        )?;
        Ok((labels, problems, written))
    })?;
    Ok(Summary {
        amounts,
        emitted,
        not_carried,
    })
}

/// The set, what each segment carries, the refusals, and (the amounts, what was not
/// carried).
fn write_set<W: Write>(
    w: &mut InterchangeWriter<W>,
    invoice: &Invoice,
    version: &str,
    control_number: u64,
) -> Result<emit::WrittenSet<(InvoiceAmounts, Vec<String>)>, EmitError> {
    emit::isa_version(version)?;
    let (amounts, problems) = compute(invoice, true);
    let mut out = Out {
        s: SetWriter::begin(w, "810", control_number)?,
        not_carried: Vec::new(),
        modern: version >= "005010",
    };
    out.s.refusals(problems);
    out.s.keep_unmapped(&invoice.source.unmapped);
    out.heading(invoice, &amounts)?;
    for (i, line) in invoice.lines.iter().enumerate() {
        let resolved = amounts.line_allowances_charges.get(i);
        out.line(i, line, resolved.map_or(&[][..], Vec::as_slice))?;
    }
    out.summary(invoice, &amounts)?;
    let (labels, problems) = out.s.end()?;
    Ok((labels, problems, (amounts, out.not_carried)))
}

/// Writes the segments, keeping what the 810 could not carry.
struct Out<'w, W> {
    s: SetWriter<'w, W>,
    not_carried: Vec<String>,
    /// 005010 or later.
    modern: bool,
}

impl<W: Write> Out<'_, W> {
    fn heading(&mut self, invoice: &Invoice, amounts: &InvoiceAmounts) -> Result<(), EmitError> {
        let mut big = Elements::new();
        big.set(1, date8(invoice.date))
            .set(2, invoice.number.as_str())
            .opt(3, invoice.purchase_order_date.map(date8))
            .opt(4, invoice.purchase_order.as_deref())
            .opt(5, invoice.release.as_deref())
            .opt(7, codes::INVOICE_KIND.code(&invoice.kind));
        self.s.segment("the invoice header", "BIG", &big)?;

        if let Some(currency) = &invoice.currency {
            let mut cur = Elements::new();
            cur.set(1, "SE").set(2, currency.as_str());
            self.s.segment("the currency", "CUR", &cur)?;
        }
        for (i, reference) in invoice.references.iter().enumerate() {
            let label = format!("reference {} ({})", i + 1, words(&reference.kind));
            let mut e = Elements::new();
            e.opt(1, codes::REFERENCE_KIND.code(&reference.kind))
                .set(2, reference.value.as_str())
                .opt(3, reference.description.as_deref());
            self.s.segment(&label, "REF", &e)?;
        }
        for (i, party) in invoice.parties.iter().enumerate() {
            let label = format!("party {} ({})", i + 1, words(&party.role));
            self.s
                .party(&label, party, self.modern, &mut self.not_carried)?;
        }
        for (i, terms) in invoice.terms.iter().enumerate() {
            let discount = amounts.terms_discounts.get(i).copied().flatten();
            let label = format!("terms {} ({})", i + 1, terms.describe());
            let itd = terms_elements(terms, basis_date(invoice, &terms.basis), discount);
            self.s.segment(&label, "ITD", &itd)?;
        }
        if let Some(shipped) = invoice.ship_date {
            let mut dtm = Elements::new();
            dtm.set(1, "011").set(2, date8(shipped));
            self.s.segment("the ship date", "DTM", &dtm)?;
        }
        Ok(())
    }

    /// An IT1 loop; `resolved` are the amounts of the line's allowances and charges.
    fn line(
        &mut self,
        i: usize,
        line: &InvoiceLine,
        resolved: &[Option<Decimal>],
    ) -> Result<(), EmitError> {
        let label = format!("invoice line {}", i + 1);
        let item = BaselineItem {
            line_id: line.line_id.as_deref(),
            quantity: &line.quantity,
            unit_price: Some(line.unit_price),
            price_basis: line.price_basis.as_ref(),
            product_ids: &line.product_ids,
            description: line.description.as_deref(),
        };
        self.s.baseline_item(&label, "IT1", &item)?;
        for (k, ac) in line.allowances_charges.iter().enumerate() {
            let amount = resolved.get(k).copied().flatten();
            let field = format!("{label}, {}", allowance_charge_field(k, ac));
            self.s.allowance_charge(&field, ac, amount)?;
        }
        Ok(())
    }

    fn summary(&mut self, invoice: &Invoice, amounts: &InvoiceAmounts) -> Result<(), EmitError> {
        let mut tds = Elements::new();
        tds.set(1, self.s.cents("the invoice total", amounts.total));
        if let Some(discount) = amounts.terms_discount() {
            let discounted = amounts.total.checked_sub(discount).unwrap_or(amounts.total);
            tds.set(
                2,
                self.s
                    .cents("the discountable amount", amounts.discount_base),
            )
            .set(3, self.s.cents("the discounted amount due", discounted))
            .set(4, self.s.cents("the terms discount", discount));
        }
        self.s.segment("the totals", "TDS", &tds)?;

        for (k, tax) in invoice.taxes.iter().enumerate() {
            self.tax(k, tax)?;
        }
        let shipment = invoice.shipment.as_ref();
        if let Some(carrier) = shipment.and_then(|s| s.carrier.as_ref()) {
            // CAD05 is "the routing, or the originating carrier's identity": the carrier's
            // name goes there when no routing is given.
            let routing = carrier.routing.as_deref().or(carrier.name.as_deref());
            if carrier.routing.is_some()
                && let Some(name) = &carrier.name
            {
                self.not_carried.push(format!(
                    "the carrier's name {name} is not carried: CAD05 holds the routing"
                ));
            }
            if carrier.scac.is_none() && routing.is_none() {
                self.not_carried.push(
                    "the carrier is not carried: it has neither a SCAC nor a name or routing, \
                     one of which a CAD needs"
                        .to_owned(),
                );
            } else {
                let mut cad = Elements::new();
                cad.opt(
                    1,
                    carrier
                        .mode
                        .as_ref()
                        .and_then(|m| codes::TRANSPORT_MODE.code(m)),
                )
                .opt(4, carrier.scac.as_deref())
                .opt(5, routing);
                self.s.segment("the carrier", "CAD", &cad)?;
            }
        }
        for (k, ac) in invoice.allowances_charges.iter().enumerate() {
            let amount = amounts.allowances_charges.get(k).copied().flatten();
            self.s
                .allowance_charge(&allowance_charge_field(k, ac), ac, amount)?;
        }
        let packages = shipment.and_then(|s| s.packages.as_ref());
        let weight = shipment.and_then(|s| s.weight.as_ref());
        if packages.is_some() || weight.is_some() {
            let mut iss = Elements::new();
            if let Some(p) = packages {
                iss.set(1, decimal_text(p.value))
                    .opt(2, codes::UNIT.code(&p.unit));
            }
            if let Some(w) = weight {
                iss.set(3, decimal_text(w.value))
                    .opt(4, codes::UNIT.code(&w.unit));
            }
            self.s.segment("the shipment summary", "ISS", &iss)?;
        }
        if !invoice.lines.is_empty() {
            let mut ctt = Elements::new();
            ctt.set(1, invoice.lines.len().to_string())
                .set(2, decimal_text(amounts.quantity_total));
            self.s.segment("the transaction totals", "CTT", &ctt)?;
        }
        Ok(())
    }

    fn tax(&mut self, k: usize, tax: &Tax) -> Result<(), EmitError> {
        let label = format!("tax {} ({})", k + 1, words(&tax.kind));
        let mut txi = Elements::new();
        match codes::TAX_KIND.code(&tax.kind) {
            Some(code) => {
                txi.set(1, code);
            }
            None => self.s.refuse(
                &label,
                "has no TXI01 tax type code edigate knows (an excise tax may be federal, FT, \
                 or state, SE): give its code as other",
            ),
        }
        txi.opt(2, tax.amount.map(decimal_text));
        if let Some(percent) = tax.percent {
            match percent.checked_div(Decimal::ONE_HUNDRED) {
                Some(fraction) => {
                    txi.set(3, decimal_text(fraction));
                }
                None => self
                    .s
                    .refuse(&label, format!("its percent {percent} is not a number")),
            }
        }
        if let Some(jurisdiction) = &tax.jurisdiction {
            txi.set(4, JURISDICTION_AS_NAMED_BY_VENDOR)
                .set(5, jurisdiction.as_str());
        }
        self.s.segment(&label, "TXI", &txi)
    }
}

/// ITD for `terms` as the 810 states them: the due dates worked out from `basis_date` when
/// it is known, the terms discount as worked out, the words when none were given, and
/// nothing of a discount for terms that offer none.
fn terms_elements(
    terms: &Terms,
    basis_date: Option<NaiveDate>,
    discount: Option<Decimal>,
) -> Elements {
    let mut stated = terms.clone();
    if terms.kind == TermsKind::DiscountNotApplicable {
        stated.discount_percent = None;
        stated.discount_due_date = None;
        stated.discount_days = None;
        stated.discount_amount = None;
    } else {
        stated.discount_due_date = basis_date
            .and_then(|d| terms.discount_due_date_from(d))
            .or(terms.discount_due_date);
        stated.discount_amount = discount;
    }
    stated.net_due_date = basis_date
        .and_then(|d| terms.net_due_date_from(d))
        .or(terms.net_due_date);
    stated.description = terms
        .description
        .clone()
        .or_else(|| Some(terms.describe()).filter(|words| !words.is_empty()));
    emit::terms_elements(&stated)
}

/// The date `basis` counts from, when the invoice knows it.
fn basis_date(invoice: &Invoice, basis: &TermsBasis) -> Option<NaiveDate> {
    match basis {
        TermsBasis::InvoiceDate => Some(invoice.date),
        TermsBasis::ShipDate => invoice.ship_date,
        _ => None,
    }
}

/// Whether an allowance or charge moves money on the invoice.
fn on_invoice(ac: &AllowanceCharge) -> bool {
    ac.indicator != AllowanceOrCharge::Informational
        && !ac
            .handling
            .as_ref()
            .is_some_and(|h| OFF_THE_INVOICE.contains(h))
}

/// Sums money; an overflow is a refusal of `field`, not a panic.
struct Sum<'p> {
    problems: &'p mut Vec<Refusal>,
}

impl Sum<'_> {
    fn add(&mut self, total: &mut Decimal, amount: Decimal, field: &str) {
        match total.checked_add(amount) {
            Some(sum) => *total = sum,
            None => self.problems.push(Refusal::new(
                field,
                format!("{amount} is too large to add to the invoice's amounts"),
            )),
        }
    }
}

/// The amount an allowance or charge moves, worked out on `base` (the value it is a percent
/// of) and `line_quantity` (what a rate multiplies when it states no quantity); `Err` says
/// why it cannot be.
fn allowance_charge_amount(
    ac: &AllowanceCharge,
    base: Decimal,
    line_quantity: Option<Decimal>,
) -> Result<Option<Decimal>, String> {
    if let Some(amount) = ac.amount {
        if amount < Decimal::ZERO {
            return Err(format!(
                "its amount {amount} is negative: state it as a positive amount, the allowance \
                 or charge indicator says which way the money moves"
            ));
        }
        if !whole_cents(amount) {
            return Err(format!(
                "its amount {amount} has fractions of a cent, which SAC05 (N2) cannot carry"
            ));
        }
        return Ok(Some(amount));
    }
    if let Some(percent) = ac.percent {
        let amount = percent
            .checked_mul(base)
            .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
            .ok_or_else(|| format!("{percent}% of {base} is too large"))?;
        return Ok(Some(to_cents(amount)));
    }
    if let Some(rate) = ac.rate
        && let Some(quantity) = ac.quantity.as_ref().map(|q| q.value).or(line_quantity)
    {
        let amount = rate
            .checked_mul(quantity)
            .ok_or_else(|| format!("rate {rate} × quantity {quantity} is too large"))?;
        return Ok(Some(to_cents(amount)));
    }
    if on_invoice(ac) {
        return Err(
            "states no amount, percent, or rate with a quantity, so what it moves on the \
             invoice cannot be known"
                .to_owned(),
        );
    }
    Ok(None)
}

/// The amounts, and every refusal: what cannot be worked out, and with `check_stated` the
/// invoice's own totals that contradict them.
fn compute(invoice: &Invoice, check_stated: bool) -> (InvoiceAmounts, Vec<Refusal>) {
    let mut problems: Vec<Refusal> = Vec::new();
    let mut a = InvoiceAmounts::default();
    let (mut merchandise, mut quantities) = (Decimal::ZERO, Decimal::ZERO);
    let (mut allowances, mut charges, mut taxes) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);

    if invoice.lines.is_empty() && invoice.allowances_charges.is_empty() {
        problems.push(Refusal::new(
            "the invoice",
            "bills nothing: it has neither lines nor allowances or charges",
        ));
    }
    for (i, line) in invoice.lines.iter().enumerate() {
        let field = format!("invoice line {}", i + 1);
        let amount = match line.quantity.value.checked_mul(line.unit_price) {
            Some(amount) => to_cents(amount),
            None => {
                problems.push(Refusal::new(
                    &field,
                    format!(
                        "quantity {} × unit price {} is too large",
                        line.quantity.value, line.unit_price
                    ),
                ));
                Decimal::ZERO
            }
        };
        let mut sum = Sum {
            problems: &mut problems,
        };
        sum.add(&mut merchandise, amount, &field);
        sum.add(&mut quantities, line.quantity.value, &field);
        a.lines.push(amount);
        let mut resolved = Vec::with_capacity(line.allowances_charges.len());
        for (k, ac) in line.allowances_charges.iter().enumerate() {
            let field = format!("{field}, {}", allowance_charge_field(k, ac));
            resolved.push(take_allowance_charge(
                ac,
                amount,
                Some(line.quantity.value),
                &field,
                &mut problems,
                (&mut allowances, &mut charges),
            ));
        }
        a.line_allowances_charges.push(resolved);
    }
    for (k, ac) in invoice.allowances_charges.iter().enumerate() {
        let field = allowance_charge_field(k, ac);
        let amount = take_allowance_charge(
            ac,
            merchandise,
            None,
            &field,
            &mut problems,
            (&mut allowances, &mut charges),
        );
        a.allowances_charges.push(amount);
    }
    for (k, tax) in invoice.taxes.iter().enumerate() {
        let field = format!("tax {} ({})", k + 1, words(&tax.kind));
        match tax.amount {
            Some(amount) if whole_cents(amount) => Sum {
                problems: &mut problems,
            }
            .add(&mut taxes, amount, &field),
            Some(amount) => problems.push(Refusal::new(
                field,
                format!("its amount {amount} has fractions of a cent"),
            )),
            None => problems.push(Refusal::new(
                field,
                "states no amount: a percent alone does not say what it is levied on, so the \
                 total cannot be worked out; state the tax's amount",
            )),
        }
    }
    let total = merchandise
        .checked_sub(allowances)
        .and_then(|t| t.checked_add(charges))
        .and_then(|t| t.checked_add(taxes));
    let total = total.unwrap_or_else(|| {
        problems.push(Refusal::new(
            "the invoice total",
            "is too large to work out",
        ));
        Decimal::ZERO
    });

    if check_stated {
        let parts = (allowances, charges, taxes);
        check_stated_totals(invoice, total, merchandise, parts, &mut problems);
    }

    let discount_base = invoice.totals.discountable_amount.unwrap_or(total);
    if !whole_cents(discount_base) {
        problems.push(Refusal::new(
            "the discountable amount (totals.discountable_amount)",
            format!("{discount_base} has fractions of a cent"),
        ));
    }
    for (k, terms) in invoice.terms.iter().enumerate() {
        if let Some(stated) = terms.discount_amount
            && !whole_cents(stated)
        {
            problems.push(Refusal::new(
                format!("terms {} ({})", k + 1, terms.describe()),
                format!("its discount amount {stated} has fractions of a cent"),
            ));
        }
        a.terms_discounts.push(terms.discount_on(discount_base));
    }
    if let Some(stated) = invoice.totals.terms_discount
        && check_stated
    {
        let field = "the terms discount (totals.terms_discount)";
        match a.terms_discount() {
            None => problems.push(Refusal::new(
                field,
                format!(
                    "is stated as {}, but no terms offer a discount",
                    money(stated)
                ),
            )),
            Some(computed) if computed != stated => problems.push(Refusal::new(
                field,
                format!(
                    "is stated as {}, but the terms give {} on {}",
                    money(stated),
                    money(computed),
                    money(discount_base)
                ),
            )),
            Some(_) => {}
        }
    }

    a.merchandise = merchandise;
    a.allowances = allowances;
    a.charges = charges;
    a.taxes = taxes;
    a.total = total;
    a.discount_base = discount_base;
    a.quantity_total = quantities;
    (a, problems)
}

/// Works out one allowance or charge and adds it to the allowances or charges when it
/// moves money on the invoice.
fn take_allowance_charge(
    ac: &AllowanceCharge,
    base: Decimal,
    line_quantity: Option<Decimal>,
    field: &str,
    problems: &mut Vec<Refusal>,
    (allowances, charges): (&mut Decimal, &mut Decimal),
) -> Option<Decimal> {
    match allowance_charge_amount(ac, base, line_quantity) {
        Ok(amount) => {
            if let Some(amount) = amount
                && on_invoice(ac)
            {
                let mut sum = Sum { problems };
                match ac.indicator {
                    AllowanceOrCharge::Allowance => sum.add(allowances, amount, field),
                    AllowanceOrCharge::Charge => sum.add(charges, amount, field),
                    AllowanceOrCharge::Informational => {}
                }
            }
            amount
        }
        Err(message) => {
            problems.push(Refusal::new(field, message));
            None
        }
    }
}

/// The invoice's stated total, subtotal and line count against what its lines say.
fn check_stated_totals(
    invoice: &Invoice,
    total: Decimal,
    merchandise: Decimal,
    (allowances, charges, taxes): (Decimal, Decimal, Decimal),
    problems: &mut Vec<Refusal>,
) {
    let stated = &invoice.totals;
    if stated.total != total {
        problems.push(Refusal::new(
            "the invoice total (totals.total)",
            format!(
                "is stated as {}, but the invoice adds up to {}: lines {} − allowances {} + \
                 charges {} + taxes {}; correct the total or what it is made of",
                money(stated.total),
                money(total),
                money(merchandise),
                money(allowances),
                money(charges),
                money(taxes)
            ),
        ));
    }
    if let Some(subtotal) = stated.subtotal
        && subtotal != merchandise
    {
        problems.push(Refusal::new(
            "the merchandise subtotal (totals.subtotal)",
            format!(
                "is stated as {}, but the lines add up to {}",
                money(subtotal),
                money(merchandise)
            ),
        ));
    }
    if let Some(count) = stated.line_count
        && count as usize != invoice.lines.len()
    {
        problems.push(Refusal::new(
            "the line count (totals.line_count)",
            format!(
                "is stated as {count}, but the invoice has {} line(s)",
                invoice.lines.len()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::test_support::{d, day};
    use crate::document::common::{
        Address, AllowanceChargeService, Carrier, Contact, ContactRole, IdScheme, Party, PartyId,
        PartyRole, ProductId, ProductIdKind, Quantity, Reference, ReferenceKind, TransportMode,
        UnitOfMeasure,
    };
    use crate::document::invoice::{InvoiceKind, InvoiceTotals, ShipmentSummary, TaxKind};
    use crate::x12::PartyId as IsaId;
    use chrono::NaiveTime;

    fn line(quantity: &str, price: &str) -> InvoiceLine {
        InvoiceLine {
            line_id: Some("1".into()),
            quantity: Quantity::new(d(quantity), UnitOfMeasure::Each),
            unit_price: d(price),
            product_ids: vec![ProductId {
                kind: ProductIdKind::Upc,
                value: "012345678905".into(),
            }],
            ..InvoiceLine::default()
        }
    }

    fn allowance(amount: &str) -> AllowanceCharge {
        AllowanceCharge {
            indicator: AllowanceOrCharge::Allowance,
            service: AllowanceChargeService::Promotional,
            amount: Some(d(amount)),
            percent: None,
            rate: None,
            quantity: None,
            handling: None,
            reference: None,
            description: None,
        }
    }

    fn party(role: PartyRole, name: &str, scheme: IdScheme, id: &str) -> Party {
        Party {
            name: Some(name.into()),
            ids: vec![PartyId {
                scheme,
                value: id.into(),
            }],
            ..Party::new(role)
        }
    }

    /// The known answer: 1080 × 3.61 less a 23.50 allowance.
    fn known_answer() -> Invoice {
        Invoice {
            number: "INV-1001".into(),
            date: day(2026, 11, 20),
            purchase_order: Some("4500012345".into()),
            purchase_order_date: Some(day(2026, 11, 2)),
            parties: vec![
                party(
                    PartyRole::RemitTo,
                    "ACME SUPPLY CO",
                    IdScheme::Duns,
                    "123456789",
                ),
                party(
                    PartyRole::ShipTo,
                    "BIGRETAIL DC 12",
                    IdScheme::BuyerAssigned,
                    "0012",
                ),
            ],
            lines: vec![line("1080", "3.61")],
            allowances_charges: vec![allowance("23.50")],
            totals: InvoiceTotals {
                total: d("3875.30"),
                ..InvoiceTotals::default()
            },
            ..Invoice::default()
        }
    }

    fn envelope(version: &str) -> EmitEnvelope {
        let id = |id: &str| IsaId {
            qualifier: "ZZ".into(),
            id: id.into(),
        };
        EmitEnvelope::new(
            id("ACMESUPPLY"),
            id("BIGRETAIL"),
            version,
            1001,
            day(2026, 11, 20),
            NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        )
    }

    /// The 810 as text, or the refusal's problems.
    fn emitted(invoice: &Invoice, version: &str) -> Result<String, Vec<String>> {
        let mut out = Vec::new();
        match emit_invoice(invoice, &envelope(version), &mut out) {
            Ok(_) => Ok(String::from_utf8(out).unwrap()),
            Err(e) => {
                assert!(out.is_empty(), "nothing reaches the output on a refusal");
                Err(e.refusals().iter().map(Refusal::to_string).collect())
            }
        }
    }

    fn segment<'a>(x12: &'a str, id: &str) -> Vec<&'a str> {
        let prefix = format!("{id}*");
        x12.lines()
            .filter(|l| l.starts_with(&prefix))
            .map(|l| l.trim_end_matches('~'))
            .collect()
    }

    #[test]
    fn known_answer_tds_is_387530() {
        let amounts = invoice_amounts(&known_answer()).unwrap();
        assert_eq!(amounts.lines, [d("3898.80")]);
        assert_eq!(amounts.allowances, d("23.50"));
        assert_eq!(amounts.total, d("3875.30"));
        for version in ["004010", "005010"] {
            let x12 = emitted(&known_answer(), version).unwrap();
            assert_eq!(segment(&x12, "TDS"), ["TDS*387530"], "{version}");
            assert_eq!(segment(&x12, "SAC"), ["SAC*A*F800***2350"]);
            assert_eq!(
                segment(&x12, "IT1"),
                ["IT1*1*1080*EA*3.61**UP*012345678905"]
            );
            assert_eq!(segment(&x12, "CTT"), ["CTT*1*1080"]);
            assert_eq!(
                segment(&x12, "BIG"),
                ["BIG*20261120*INV-1001*20261102*4500012345"]
            );
        }
    }

    #[test]
    fn net_30_is_due_30_days_after_the_invoice() {
        let invoice = Invoice {
            terms: vec![Terms::net(30)],
            ..known_answer()
        };
        let x12 = emitted(&invoice, "004010").unwrap();
        assert_eq!(segment(&x12, "ITD"), ["ITD*01*3****20261220*30*****NET 30"]);
        assert_eq!(
            segment(&x12, "TDS"),
            ["TDS*387530"],
            "no discount, no TDS02-04"
        );
    }

    #[test]
    fn two_ten_net_thirty_states_the_discount_and_its_dates() {
        let invoice = Invoice {
            terms: vec![Terms::discount(d("2"), 10, 30)],
            ..known_answer()
        };
        let x12 = emitted(&invoice, "005010").unwrap();
        // 2% of 3875.30 = 77.506 → 77.51.
        assert_eq!(
            segment(&x12, "ITD"),
            ["ITD*01*3*2*20261130*10*20261220*30*7751****2% 10 NET 30"]
        );
        assert_eq!(segment(&x12, "TDS"), ["TDS*387530*387530*379779*7751"]);

        // On the discountable amount when the invoice states one; a stated discount that
        // agrees is accepted.
        let mut invoice = invoice;
        invoice.totals.discountable_amount = Some(d("3000.00"));
        invoice.totals.terms_discount = Some(d("60.00"));
        let x12 = emitted(&invoice, "004010").unwrap();
        assert_eq!(segment(&x12, "TDS"), ["TDS*387530*300000*381530*6000"]);
    }

    #[test]
    fn ship_date_terms_count_from_the_ship_date_and_unknown_bases_state_days_only() {
        let mut invoice = known_answer();
        invoice.ship_date = Some(day(2026, 11, 18));
        invoice.terms = vec![
            Terms {
                basis: TermsBasis::ShipDate,
                ..Terms::net(10)
            },
            Terms {
                basis: TermsBasis::ReceiptOfGoods,
                ..Terms::net(15)
            },
        ];
        let x12 = emitted(&invoice, "004010").unwrap();
        assert_eq!(
            segment(&x12, "ITD"),
            [
                "ITD*01*1****20261128*10*****NET 10",
                "ITD*01*15*****15*****NET 15"
            ]
        );
        assert_eq!(segment(&x12, "DTM"), ["DTM*011*20261118"]);
    }

    #[test]
    fn memos_say_so_in_big07() {
        for (kind, code) in [
            (InvoiceKind::CreditMemo, Some("CR")),
            (InvoiceKind::DebitMemo, Some("DR")),
            (InvoiceKind::Invoice, None),
        ] {
            let invoice = Invoice {
                kind,
                ..known_answer()
            };
            let x12 = emitted(&invoice, "004010").unwrap();
            let big = segment(&x12, "BIG")[0];
            let big07 = big.split('*').nth(7);
            assert_eq!(big07, code, "{big}");
        }
    }

    #[test]
    fn a_total_that_disagrees_is_refused_naming_both_numbers() {
        let mut invoice = known_answer();
        invoice.totals.total = d("3898.80");
        invoice.totals.subtotal = Some(d("3898.00"));
        invoice.totals.line_count = Some(2);
        let problems = emitted(&invoice, "004010").unwrap_err();
        assert_eq!(
            problems,
            [
                "the invoice total (totals.total): is stated as 3898.80, but the invoice adds \
                 up to 3875.30: lines 3898.80 − allowances 23.50 + charges 0.00 + taxes 0.00; \
                 correct the total or what it is made of",
                "the merchandise subtotal (totals.subtotal): is stated as 3898.00, but the lines \
                 add up to 3898.80",
                "the line count (totals.line_count): is stated as 2, but the invoice has 1 line(s)",
            ]
        );
    }

    #[test]
    fn percents_rates_charges_and_taxes_make_the_total() {
        let mut invoice = known_answer();
        let mut line = line("10", "8.25");
        line.allowances_charges = vec![AllowanceCharge {
            amount: None,
            percent: Some(d("10")),
            ..allowance("0")
        }];
        invoice.lines.push(line);
        invoice.allowances_charges = vec![
            // 5% of the lines' 3981.30 = 199.065 → 199.07
            AllowanceCharge {
                amount: None,
                percent: Some(d("5")),
                ..allowance("0")
            },
            AllowanceCharge {
                indicator: AllowanceOrCharge::Charge,
                service: AllowanceChargeService::Freight,
                amount: None,
                rate: Some(d("0.35")),
                quantity: Some(Quantity::new(d("40"), UnitOfMeasure::Pound)),
                ..allowance("0")
            },
            // Billed back later: stated, not taken.
            AllowanceCharge {
                handling: Some(AllowanceHandling::BillBack),
                ..allowance("100.00")
            },
            AllowanceCharge {
                indicator: AllowanceOrCharge::Informational,
                amount: None,
                ..allowance("0")
            },
        ];
        invoice.taxes = vec![Tax {
            kind: TaxKind::State,
            amount: Some(d("12.34")),
            percent: Some(d("7")),
            jurisdiction: Some("OH".into()),
        }];
        // 3898.80 + 82.50 − 8.25 − 199.07 + 14.00 + 12.34
        invoice.totals.total = d("3800.32");
        let amounts = invoice_amounts(&invoice).unwrap();
        assert_eq!(amounts.merchandise, d("3981.30"));
        assert_eq!(amounts.line_allowances_charges[1], [Some(d("8.25"))]);
        assert_eq!(
            amounts.allowances_charges,
            [Some(d("199.07")), Some(d("14.00")), Some(d("100.00")), None]
        );
        let x12 = emitted(&invoice, "005010").unwrap();
        assert_eq!(
            segment(&x12, "SAC"),
            [
                "SAC*A*F800***825*3*10",
                "SAC*A*F800***19907*3*5",
                "SAC*C*D240***1400***.35*LB*40",
                "SAC*A*F800***10000*******01",
                "SAC*N*F800",
            ]
        );
        assert_eq!(segment(&x12, "TXI"), ["TXI*ST*12.34*.07*VD*OH"]);
        assert_eq!(segment(&x12, "TDS"), ["TDS*380032"]);
        assert_eq!(segment(&x12, "CTT"), ["CTT*2*1090"]);
    }

    #[test]
    fn what_cannot_be_worked_out_or_coded_is_refused_by_name() {
        let mut invoice = known_answer();
        invoice.taxes = vec![
            Tax {
                kind: TaxKind::Sales,
                amount: None,
                percent: Some(d("7")),
                jurisdiction: None,
            },
            Tax {
                kind: TaxKind::Excise,
                amount: Some(d("1.00")),
                percent: None,
                jurisdiction: None,
            },
        ];
        invoice.allowances_charges.push(AllowanceCharge {
            amount: None,
            ..allowance("0")
        });
        invoice.lines[0].product_ids = (0..11)
            .map(|n| ProductId {
                kind: ProductIdKind::VendorItem,
                value: format!("V{n}"),
            })
            .collect();
        invoice.parties.push(Party {
            ids: vec![PartyId {
                scheme: IdScheme::StoreNumber,
                value: "0006".into(),
            }],
            ..Party::new(PartyRole::MarkFor)
        });
        let problems = emitted(&invoice, "004010").unwrap_err();
        let fields: Vec<&str> = problems
            .iter()
            .map(|p| p.split(':').next().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "allowance/charge 2 (promotional allowance)",
                "tax 1 (sales)",
                "the invoice total (totals.total)",
                "party 3 (mark for)",
                "invoice line 1",
                "tax 2 (excise)",
                // What was left out of the segments, the validator finds missing too.
                "party 3 (mark for)",
                "tax 2 (excise)",
            ],
            "{problems:#?}"
        );
        assert!(problems[1].contains("states no amount"), "{}", problems[1]);
        assert!(
            problems[4].contains("has 11 product ids"),
            "{}",
            problems[4]
        );
        assert!(problems[3].contains("store number 0006"), "{}", problems[3]);
    }

    #[test]
    fn delimiters_in_data_and_what_the_validator_finds_are_named_by_field() {
        let mut invoice = known_answer();
        invoice.parties[1].name = Some("BIGRETAIL*DC 12".into());
        invoice.number = "INV-2026-11-20-000088213".into();
        invoice.lines[0].quantity.unit = UnitOfMeasure::Other("EACH".into());
        let problems = emitted(&invoice, "005010").unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].starts_with("party 2 (ship to): N102 contains '*'"),
            "{}",
            problems[0]
        );
        assert!(
            problems[1].starts_with("the invoice header: BIG02 (Invoice Number, element 76)"),
            "{}",
            problems[1]
        );
        assert!(
            problems[2].starts_with("invoice line 1: IT103"),
            "{}",
            problems[2]
        );
    }

    #[test]
    fn parties_carry_names_addresses_contacts_and_one_id() {
        let mut ship_to = party(
            PartyRole::ShipTo,
            "BIGRETAIL\nDC 12\nRECEIVING",
            IdScheme::Gln,
            "0614141000012",
        );
        ship_to.ids.push(PartyId {
            scheme: IdScheme::StoreNumber,
            value: "0012".into(),
        });
        ship_to.address = Some(Address {
            lines: vec![
                "400 DISTRIBUTION WAY".into(),
                "DOCK 4".into(),
                "GATE B".into(),
            ],
            city: Some("TORONTO".into()),
            region: Some("ON".into()),
            postal_code: Some("M5V 2T6".into()),
            country: Some("CA".into()),
        });
        ship_to.contacts = vec![Contact {
            role: ContactRole::Delivery,
            name: Some("RECEIVING".into()),
            phone: Some("4165550100".into()),
            email: None,
            fax: Some("4165550101".into()),
        }];
        let mut remit_to = party(PartyRole::RemitTo, "ACME GMBH", IdScheme::Duns, "123456789");
        remit_to.address = Some(Address {
            city: Some("MUNICH".into()),
            region: Some("BY".into()),
            country: Some("DE".into()),
            ..Address::default()
        });
        let mut invoice = known_answer();
        invoice.parties = vec![ship_to, remit_to];
        invoice.references = vec![Reference {
            kind: ReferenceKind::VendorNumber,
            value: "77120".into(),
            description: None,
        }];
        invoice.currency = Some("USD".into());
        invoice.lines[0].description = Some("BLUE WIDGET\n4 INCH".into());
        invoice.shipment = Some(ShipmentSummary {
            carrier: Some(Carrier {
                scac: Some("ODFL".into()),
                name: Some("OLD DOMINION".into()),
                mode: Some(TransportMode::LessThanTruckload),
                routing: None,
            }),
            packages: Some(Quantity::new(d("4"), UnitOfMeasure::Carton)),
            weight: Some(Quantity::new(d("38.5"), UnitOfMeasure::Pound)),
        });
        let mut out = Vec::new();
        let summary = emit_invoice(&invoice, &envelope("005010"), &mut out).unwrap();
        let x12 = String::from_utf8(out).unwrap();
        let body: Vec<&str> = x12
            .lines()
            .skip_while(|l| !l.starts_with("CUR"))
            .take_while(|l| !l.starts_with("IT1"))
            .collect();
        assert_eq!(
            body,
            [
                "CUR*SE*USD~",
                "REF*VR*77120~",
                "N1*ST*BIGRETAIL*UL*0614141000012~",
                "N2*DC 12*RECEIVING~",
                "N3*400 DISTRIBUTION WAY*DOCK 4~",
                "N3*GATE B~",
                "N4*TORONTO*ON*M5V 2T6*CA~",
                "PER*DC*RECEIVING*TE*4165550100*FX*4165550101~",
                "N1*RI*ACME GMBH*1*123456789~",
                "N4*MUNICH***DE***BY~",
            ]
        );
        assert_eq!(
            segment(&x12, "PID"),
            ["PID*F****BLUE WIDGET", "PID*F****4 INCH"]
        );
        assert_eq!(segment(&x12, "CAD"), ["CAD*LT***ODFL*OLD DOMINION"]);
        assert_eq!(segment(&x12, "ISS"), ["ISS*4*CT*38.5*LB"]);
        assert_eq!(
            summary.not_carried,
            ["party 1 (ship to): its id 0012 (store number) is not carried: an N1 holds one id"]
        );
        assert_eq!(summary.emitted.segments, x12.lines().count() - 4);
    }

    #[test]
    fn versions_other_than_4010_and_5010_are_refused() {
        let err = emitted(&known_answer(), "003040");
        assert!(err.is_err());
        let mut out = Vec::new();
        let e = emit_invoice(&known_answer(), &envelope("003040"), &mut out).unwrap_err();
        assert_eq!(
            e.to_string(),
            "version 003040 cannot be written: edigate writes 004010 and 005010"
        );
    }

    #[test]
    fn write_invoice_writes_into_an_open_group() {
        use crate::x12::writer::{GroupEnvelope, InterchangeEnvelope};
        let mut w = InterchangeWriter::new(Vec::new(), crate::x12::Delimiters::COMMON, "").unwrap();
        let e = envelope("004010");
        w.begin_interchange(&InterchangeEnvelope::new(
            e.sender, e.receiver, "261120", "0930", "00401", 7,
        ))
        .unwrap();
        w.begin_group(&GroupEnvelope {
            functional_id: "IN".into(),
            sender: "ACMESUPPLY".into(),
            receiver: "BIGRETAIL".into(),
            date: "20261120".into(),
            time: "0930".into(),
            control_number: 7,
            version: "004010".into(),
        })
        .unwrap();
        write_invoice(&mut w, &known_answer(), "004010", 1).unwrap();
        write_invoice(&mut w, &known_answer(), "004010", 2).unwrap();
        w.end_group().unwrap();
        w.end_interchange().unwrap();
        let bytes = w.finish().unwrap();
        let specs = crate::spec::standard().unwrap();
        let (reports, _) = crate::validate::validate(specs, &bytes);
        let sets = &reports[0].groups[0].sets;
        assert_eq!(sets.len(), 2);
        assert!(
            sets.iter()
                .all(|s| s.findings.is_empty() && s.errors.is_empty())
        );
    }
}
