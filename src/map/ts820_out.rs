//! [`Remittance`] → X12 820, versions 004010 and 005010: the inverse of [`super::ts820`] for
//! everything it reads. [`write_remittance`] writes the set (ST through SE) into an open
//! functional group, [`emit_remittance`] a whole interchange (group RA), checked against our
//! own specs before it is handed on. The 820 is the payer's message: edigate sends it for
//! tests, the demo and the partner simulator.
//!
//! What goes where:
//!
//! | place | segment | from |
//! |---|---|---|
//! | heading | BPR | the payment: handling, amount, credit or debit, method, format; the payer's bank and account (BPR06-BPR09) with the trace originator (BPR10) as the originating company; the payee's (BPR12-BPR15); the date |
//! | | TRN | the trace number (TRN01 1) and who issued it (TRN03) |
//! | | CUR, REF | the currency as the payer's (CUR01 PR), references |
//! | | N1 loop | parties (payer, payee) |
//! | ENT loop | ENT | one, numbered 1, when there are items or adjustments |
//! | | ADX loop: ADX, NTE | the adjustments that belong to no invoice: amount, reason, the payer's reference; the description, an NTE per line |
//! | | RMR loop: RMR, REF, DTM, ADX loop | each item: its reference, amount paid, invoice amount, discount; its references; its invoice date (DTM 003); its adjustments |
//!
//! The money must add up, the way the model reads an 820: an item pays its invoice amount
//! less the discount taken plus its adjustments (negative ones reduce it), and the payment
//! is what the items pay plus the adjustments of the account. A payment or item whose amounts
//! say otherwise is refused, naming both numbers: an advice that cannot be applied to the
//! ledger is worse than none.

use std::io::Write;

use rust_decimal::Decimal;

use super::codes;
use super::emit::{
    self, Elements, EmitEnvelope, EmitError, Emitted, Refusal, SetWriter, date8, decimal_text,
    money, words,
};
use crate::document::remittance::{Adjustment, BankAccount, Remittance, RemittedItem};
use crate::x12::InterchangeWriter;

/// TRN01 (481) "Current Transaction Trace Numbers".
const CURRENT_TRACE: &str = "1";

/// CUR01 (98): the payer's currency.
const PAYER: &str = "PR";

/// DTM01 (374) for the invoice date.
const INVOICE_DATE: &str = "003";

/// What [`emit_remittance`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// What the items pay, before the account's adjustments.
    pub items_paid: Decimal,
    /// The account's adjustments, signed.
    pub adjustments: Decimal,
    pub emitted: Emitted,
    /// Parts of the remittance the 820 does not carry (a party's second id), in words.
    pub not_carried: Vec<String>,
}

/// Writes `remittance` as one 820 (ST through SE, ST02 `control_number`) of version
/// `version` (`004010` or `005010`) into the functional group open in `w`. On a refusal
/// the set has still been closed, but the interchange must not be sent. What is written is
/// not validated here; [`emit_remittance`] does that.
pub fn write_remittance<W: Write>(
    w: &mut InterchangeWriter<W>,
    remittance: &Remittance,
    version: &str,
    control_number: u64,
) -> Result<(), EmitError> {
    let (_, problems, _) = write_set(w, remittance, version, control_number)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(EmitError::Refused(problems))
    }
}

/// Writes `remittance` as a complete interchange (ISA, GS RA, ST 820 ... SE, GE, IEA) under
/// `envelope`, validates it against the built-in specs, and only when nothing is wrong
/// writes it to `out`: on a refusal nothing reaches `out`.
pub fn emit_remittance<W: Write>(
    remittance: &Remittance,
    envelope: &EmitEnvelope,
    out: W,
) -> Result<Summary, EmitError> {
    let ((sums, not_carried), emitted) = emit::emit(envelope, "RA", out, |w| {
        write_set(
            w,
            remittance,
            &envelope.version,
            envelope.transaction_set_control_number,
        )
    })?;
    Ok(Summary {
        items_paid: sums.0,
        adjustments: sums.1,
        emitted,
        not_carried,
    })
}

/// (What the items pay, the account's adjustments).
type Sums = (Decimal, Decimal);

fn write_set<W: Write>(
    w: &mut InterchangeWriter<W>,
    remittance: &Remittance,
    version: &str,
    control_number: u64,
) -> Result<emit::WrittenSet<(Sums, Vec<String>)>, EmitError> {
    emit::isa_version(version)?;
    let (sums, problems) = check_amounts(remittance);
    let mut out = Out {
        s: SetWriter::begin(w, "820", control_number)?,
        not_carried: Vec::new(),
        modern: version >= "005010",
    };
    out.s.refusals(problems);
    out.s.keep_unmapped(&remittance.source.unmapped);
    out.heading(remittance)?;
    if !remittance.items.is_empty() || !remittance.adjustments.is_empty() {
        let mut ent = Elements::new();
        ent.set(1, "1");
        out.s.segment("the remitted items", "ENT", &ent)?;
        for (k, adjustment) in remittance.adjustments.iter().enumerate() {
            let label = format!("adjustment {} ({})", k + 1, words(&adjustment.reason));
            out.adjustment(&label, adjustment)?;
        }
        for (k, item) in remittance.items.iter().enumerate() {
            out.item(k, item)?;
        }
    }
    let (labels, problems) = out.s.end()?;
    Ok((labels, problems, (sums, out.not_carried)))
}

/// "remitted item 2 (invoice number INV-88240)".
fn item_label(k: usize, item: &RemittedItem) -> String {
    format!(
        "remitted item {} ({} {})",
        k + 1,
        words(&item.reference.kind),
        item.reference.value
    )
}

/// Adds `amount` to `total`; an overflow is a refusal of `field`.
fn add(total: &mut Decimal, amount: Decimal, field: &str, problems: &mut Vec<Refusal>) {
    match total.checked_add(amount) {
        Some(sum) => *total = sum,
        None => problems.push(Refusal::new(
            field,
            format!("{amount} is too large to add up"),
        )),
    }
}

/// What the items pay and the account's adjustments, with the refusals of every amount
/// that does not add up.
fn check_amounts(remittance: &Remittance) -> (Sums, Vec<Refusal>) {
    let mut problems = Vec::new();
    let (mut paid, mut adjusted) = (Decimal::ZERO, Decimal::ZERO);
    for (k, item) in remittance.items.iter().enumerate() {
        let field = item_label(k, item);
        add(&mut paid, item.amount_paid, &field, &mut problems);
        let Some(invoiced) = item.invoice_amount else {
            continue;
        };
        let mut owed = invoiced;
        let discount = item.discount_taken.unwrap_or_default();
        add(&mut owed, -discount, &field, &mut problems);
        let mut item_adjustments = Decimal::ZERO;
        for adjustment in &item.adjustments {
            add(
                &mut item_adjustments,
                adjustment.amount,
                &field,
                &mut problems,
            );
        }
        add(&mut owed, item_adjustments, &field, &mut problems);
        if owed != item.amount_paid {
            problems.push(Refusal::new(
                field,
                format!(
                    "pays {}, but its invoice amount {} less the discount {} plus its \
                     adjustments {} is {}: correct the amounts, or explain the difference with \
                     an adjustment",
                    money(item.amount_paid),
                    money(invoiced),
                    money(discount),
                    money(item_adjustments),
                    money(owed)
                ),
            ));
        }
    }
    for (k, adjustment) in remittance.adjustments.iter().enumerate() {
        let field = format!("adjustment {} ({})", k + 1, words(&adjustment.reason));
        add(&mut adjusted, adjustment.amount, &field, &mut problems);
    }
    let mut total = paid;
    add(&mut total, adjusted, "the payment amount", &mut problems);
    let stated = remittance.payment.amount;
    if stated != total {
        problems.push(Refusal::new(
            "the payment amount (payment.amount)",
            format!(
                "is stated as {}, but the items and adjustments add up to {}: items paid {} + \
                 adjustments of the account {}",
                money(stated),
                money(total),
                money(paid),
                money(adjusted)
            ),
        ));
    }
    ((paid, adjusted), problems)
}

/// Writes the segments, keeping what the 820 could not carry.
struct Out<'w, W> {
    s: SetWriter<'w, W>,
    not_carried: Vec<String>,
    /// 005010 or later.
    modern: bool,
}

impl<W: Write> Out<'_, W> {
    fn heading(&mut self, remittance: &Remittance) -> Result<(), EmitError> {
        let payment = &remittance.payment;
        let mut bpr = Elements::new();
        bpr.opt(1, codes::PAYMENT_HANDLING.code(&payment.handling))
            .set(2, decimal_text(payment.amount))
            .opt(3, codes::CREDIT_OR_DEBIT.code_of(&payment.credit_or_debit))
            .opt(4, codes::PAYMENT_METHOD.code(&payment.method))
            .opt(
                5,
                payment
                    .format
                    .as_ref()
                    .and_then(|f| codes::PAYMENT_FORMAT.code(f)),
            );
        // The originating company (BPR10) completes the payer's side of a transfer; without
        // a payer account TRN03 alone says who issued the trace number.
        if let Some(account) = &payment.payer_account {
            bank_account(&mut bpr, 6, account);
            bpr.opt(10, payment.trace_originator.as_deref());
        }
        if let Some(account) = &payment.payee_account {
            bank_account(&mut bpr, 12, account);
        }
        bpr.set(16, date8(payment.date));
        self.s.segment("the payment", "BPR", &bpr)?;

        match &payment.trace_number {
            Some(trace) => {
                let mut trn = Elements::new();
                trn.set(1, CURRENT_TRACE)
                    .set(2, trace.as_str())
                    .opt(3, payment.trace_originator.as_deref());
                self.s.segment("the trace number", "TRN", &trn)?;
            }
            None if payment.payer_account.is_none() => {
                if let Some(originator) = &payment.trace_originator {
                    self.not_carried.push(format!(
                        "the trace originator {originator} is not carried: with neither a \
                         payer account (BPR10) nor a trace number (TRN03) it has no place"
                    ));
                }
            }
            None => {}
        }
        if let Some(currency) = &remittance.currency {
            let mut cur = Elements::new();
            cur.set(1, PAYER).set(2, currency.as_str());
            self.s.segment("the currency", "CUR", &cur)?;
        }
        for (k, reference) in remittance.references.iter().enumerate() {
            let label = format!("reference {} ({})", k + 1, words(&reference.kind));
            self.s
                .segment(&label, "REF", &emit::reference_elements(reference))?;
        }
        for (k, party) in remittance.parties.iter().enumerate() {
            let label = format!("party {} ({})", k + 1, words(&party.role));
            self.s
                .party(&label, party, self.modern, &mut self.not_carried)?;
        }
        Ok(())
    }

    /// An RMR loop.
    fn item(&mut self, k: usize, item: &RemittedItem) -> Result<(), EmitError> {
        let label = item_label(k, item);
        let mut rmr = Elements::new();
        rmr.opt(1, codes::REFERENCE_KIND.code(&item.reference.kind))
            .opt(
                2,
                Some(item.reference.value.as_str()).filter(|v| !v.is_empty()),
            )
            .set(4, decimal_text(item.amount_paid))
            .opt(5, item.invoice_amount.map(decimal_text))
            .opt(6, item.discount_taken.map(decimal_text));
        if item.reference.description.is_some() {
            self.not_carried.push(format!(
                "{label}: the description of its reference is not carried: RMR has no place \
                 for one"
            ));
        }
        self.s.segment(&label, "RMR", &rmr)?;
        for (j, reference) in item.references.iter().enumerate() {
            let field = format!("{label}, reference {} ({})", j + 1, words(&reference.kind));
            self.s
                .segment(&field, "REF", &emit::reference_elements(reference))?;
        }
        if let Some(date) = item.invoice_date {
            let mut dtm = Elements::new();
            dtm.set(1, INVOICE_DATE).set(2, date8(date));
            self.s
                .segment(&format!("{label}, the invoice date"), "DTM", &dtm)?;
        }
        for (j, adjustment) in item.adjustments.iter().enumerate() {
            let field = format!(
                "{label}, adjustment {} ({})",
                j + 1,
                words(&adjustment.reason)
            );
            self.adjustment(&field, adjustment)?;
        }
        Ok(())
    }

    /// An ADX loop: the adjustment, then its description as NTEs, one per line of it.
    fn adjustment(&mut self, label: &str, adjustment: &Adjustment) -> Result<(), EmitError> {
        let mut adx = Elements::new();
        adx.set(1, decimal_text(adjustment.amount))
            .opt(2, codes::ADJUSTMENT_REASON.code(&adjustment.reason));
        if codes::ADJUSTMENT_REASON.code(&adjustment.reason).is_none() {
            self.s.refuse(
                label,
                format!(
                    "its reason, {}, is the payee's judgement, which no ADX02 code says: give \
                     the payer's code as other",
                    words(&adjustment.reason)
                ),
            );
        }
        if let Some(reference) = &adjustment.reference {
            adx.opt(3, codes::REFERENCE_KIND.code(&reference.kind))
                .set(4, reference.value.as_str());
            if reference.description.is_some() {
                self.not_carried.push(format!(
                    "{label}: the description of its reference is not carried: ADX has no \
                     place for one"
                ));
            }
        }
        self.s.segment(label, "ADX", &adx)?;
        for text in adjustment.description.iter().flat_map(|d| d.split('\n')) {
            if text.is_empty() {
                continue;
            }
            let mut nte = Elements::new();
            nte.set(2, text);
            self.s
                .segment(&format!("{label}'s description"), "NTE", &nte)?;
        }
        Ok(())
    }
}

/// BPR06-BPR09 or BPR12-BPR15, from `first`: the bank's id qualifier and id, the account's
/// qualifier and number.
fn bank_account(bpr: &mut Elements, first: usize, account: &BankAccount) {
    bpr.opt(
        first,
        account
            .routing_scheme
            .as_ref()
            .and_then(|r| codes::ROUTING_SCHEME.code(r)),
    )
    .opt(first + 1, account.routing.as_deref())
    .opt(
        first + 2,
        account
            .account_kind
            .as_ref()
            .and_then(|k| codes::ACCOUNT_KIND.code(k)),
    )
    .opt(first + 3, account.account.as_deref());
}
