//! X12 820 → [`Remittance`], versions 004010 and 005010 (older and newer versions are read
//! with the nearest structure, see [`translate::structure`]).
//!
//! Each segment is mapped by where it sits in the set's loops, so that a REF in the heading is
//! the remittance's and a REF in an RMR loop is the remitted item's, and so that an ADX in an
//! RMR loop adjusts that item while an ADX directly in the ENT loop adjusts the payment as a
//! whole (a chargeback tied to no invoice). What is mapped, by place:
//!
//! | place | segments |
//! |---|---|
//! | heading | BPR, TRN (trace type 1), CUR, REF; N1 loop: N1, N2, N3, N4, PER |
//! | ENT loop | ENT (ENT01, its number); ADX loop: ADX, NTE (the adjustment's description) |
//! | RMR loop | RMR, REF, DTM (003: the invoice date); ADX loop: ADX, NTE |
//!
//! The canonical model has no place yet for the rest, which is kept in `source.unmapped` (see
//! [`translate`]): the heading's NTE and DTM (the advice's own dates), REF, RDM and DTM in an
//! N1 loop (a party has no references), the parties an ENT names (ENT02-ENT09 and its NM1
//! loop: the items are one flat list, not grouped by the payer's division or store), an
//! item's notes (NTE), line detail (IT1 loops), an adjustment's PER, REF and line loops, and
//! the tax, deduction, benefit and royalty loops (TXP, DED, LX, N9, RYL). Values that cannot
//! be read, and mandatory ones that are missing, are findings with their places; the
//! document then holds the model's default, never a guess presented as fact without a
//! finding.

use rust_decimal::Decimal;

use super::codes;
use super::translate::{
    self, Fields, Numeric, Translated, party, party_detail, push, push_index, reference,
};
use crate::document::common::{Reference, ReferenceKind, Source};
use crate::document::remittance::{Adjustment, BankAccount, Remittance, RemittedItem};
use crate::spec::TransactionSetSpec;
use crate::x12::{Segment, TransactionSetRef};

/// The remittance a transaction set (an 820) says, with every finding. The envelope facts come
/// from the set's interchange and group; the structure that places its segments is the
/// built-in standard's for the group's version (GS08).
pub fn remittance(set: &TransactionSetRef<'_>) -> Translated<Remittance> {
    let structure = translate::structure("820", &set.group.version);
    remittance_from(&set.segments, translate::source(set), structure)
}

/// Maps the segments of one 820 (ST through SE) into a remittance whose source starts as
/// `source`. Without a structure nothing can be placed: every segment is kept unmapped.
pub fn remittance_from(
    segments: &[Segment<'_>],
    source: Source,
    structure: Option<&TransactionSetSpec>,
) -> Translated<Remittance> {
    let mut m = Mapper {
        remittance: Remittance {
            source,
            ..Remittance::default()
        },
        seen_bpr: false,
        seen_trn: false,
        heading_party: None,
        item: None,
        adjustment: false,
    };
    let walked = translate::walk("820", segments, structure, |path, f| m.segment(path, f));
    let findings = translate::conclude(
        segments,
        walked,
        &mut m.remittance.source.unmapped,
        &[(
            m.seen_bpr,
            "the set has no BPR segment: the payment has no amount, method or date",
        )],
    );
    Translated {
        document: m.remittance,
        findings,
    }
}

struct Mapper {
    remittance: Remittance,
    seen_bpr: bool,
    seen_trn: bool,
    /// The party the current heading N1 loop describes, if its N1 was mapped.
    heading_party: Option<usize>,
    /// The item the current RMR loop describes.
    item: Option<usize>,
    /// Whether the current ADX loop's adjustment was mapped, so its NTEs describe it (the
    /// adjustment is the last of its list: the item's in an RMR loop, else the remittance's).
    adjustment: bool,
}

impl Mapper {
    /// Maps one segment found at `path`; false when it has no place in the document.
    fn segment(&mut self, path: &[&str], f: &mut Fields<'_>) -> bool {
        let r = &mut self.remittance;
        match (path, f.id()) {
            ([], "BPR") => self.bpr(f),
            ([], "TRN") => self.trn(f),
            ([], "CUR") => currency(r, f),
            ([], "REF") => push(&mut r.references, reference(f)),
            (["N1"], "N1") => {
                self.heading_party = push_index(&mut r.parties, party(f));
                self.heading_party.is_some()
            }
            (["N1"], id @ ("N2" | "N3" | "N4" | "PER")) => {
                match self.heading_party.and_then(|i| r.parties.get_mut(i)) {
                    Some(p) => party_detail(p, id, f),
                    None => false,
                }
            }
            // ENT01 numbers the loop; the items keep their order without it. What else an
            // ENT says (whose items follow) has no place: those ENTs stay unmapped.
            (["ENT"], "ENT") => {
                f.count(1);
                self.item = None;
                true
            }
            (["ENT", "ADX"], "ADX") => {
                self.adjustment = push(&mut r.adjustments, adjustment(f));
                self.adjustment
            }
            (["ENT", "ADX"], "NTE") if self.adjustment => describe(r.adjustments.last_mut(), f),
            (["ENT", "RMR"], "RMR") => {
                r.items.push(remitted_item(f));
                self.item = Some(r.items.len() - 1);
                self.adjustment = false;
                true
            }
            (["ENT", "RMR", rest @ ..], id) => {
                let Some(item) = self.item.and_then(|i| r.items.get_mut(i)) else {
                    return false;
                };
                match (rest, id) {
                    ([], "REF") => push(&mut item.references, reference(f)),
                    ([], "DTM") => invoice_date(item, f),
                    (["ADX"], "ADX") => {
                        self.adjustment = push(&mut item.adjustments, adjustment(f));
                        self.adjustment
                    }
                    (["ADX"], "NTE") if self.adjustment => describe(item.adjustments.last_mut(), f),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// BPR: the payment itself. The 820 is the payer's message, so the originating side
    /// (BPR06-BPR09, and BPR10, the originating company) is the payer's and the receiving
    /// side (BPR12-BPR15) the payee's. BPR17 (business function) and the return account
    /// (BPR18-BPR21) have no place.
    fn bpr(&mut self, f: &mut Fields<'_>) -> bool {
        if self.seen_bpr {
            return false;
        }
        self.seen_bpr = true;
        let payment = &mut self.remittance.payment;
        match f.word(1, &codes::PAYMENT_HANDLING) {
            Some(handling) => payment.handling = handling,
            None => f.missing(
                1,
                "the transaction handling code",
                "the advice is read as a payment with its remittance detail",
            ),
        }
        match f.decimal(2, Numeric::R) {
            Some(amount) => payment.amount = amount,
            None if !f.has(2) => f.missing(2, "the payment amount", "the amount is 0"),
            None => {}
        }
        let code = translate::text(f.peek(3));
        match codes::CREDIT_OR_DEBIT.find(&code) {
            Some(flag) => {
                f.take(3);
                payment.credit_or_debit = flag.clone();
            }
            None if code.is_empty() => f.missing(
                3,
                "whether the amount is a credit or a debit",
                "it is read as a credit",
            ),
            None => f.problem(
                Some(3),
                format!(
                    "BPR03 '{code}' is neither a credit nor a debit (C, D); the payment is read \
                     as a credit and the value is kept with the unmapped segment"
                ),
            ),
        }
        match f.word(4, &codes::PAYMENT_METHOD) {
            Some(method) => payment.method = method,
            None => f.missing(4, "the payment method", "it is read as ACH"),
        }
        payment.format = f.word(5, &codes::PAYMENT_FORMAT);
        payment.payer_account = bank_account(f, 6);
        payment.trace_originator = f.text(10);
        payment.payee_account = bank_account(f, 12);
        match f.date(16) {
            Some(date) => payment.date = date,
            None if !f.has(16) => f.missing(16, "the payment date", "the date is left unset"),
            None => {}
        }
        true
    }

    /// TRN: the trace number that ties the advice to the bank statement line. TRN03 is the
    /// company that issued it, the payer's originating company, which BPR10 has already
    /// given when it was sent: the two must agree. TRN04 has no place.
    fn trn(&mut self, f: &mut Fields<'_>) -> bool {
        if self.seen_trn || !f.has(2) || !f.take_if(1, &[CURRENT_TRACE]) {
            return false;
        }
        self.seen_trn = true;
        let payment = &mut self.remittance.payment;
        payment.trace_number = f.text(2);
        let originator = translate::text(f.peek(3));
        match &payment.trace_originator {
            None => payment.trace_originator = f.text(3),
            Some(bpr10) if *bpr10 == originator => f.take(3),
            Some(_) if originator.is_empty() => {}
            Some(bpr10) => {
                let message = format!(
                    "TRN03 '{originator}' (who issued the trace number) is not BPR10 '{bpr10}' \
                     (the payer's originating company); the payment keeps BPR10's and TRN03 is \
                     kept with the unmapped segment"
                );
                f.problem(Some(3), message);
            }
        }
        payment.trace_number.is_some()
    }
}

/// TRN01 (element 481) for the trace number of this payment; 2 and 3 trace an earlier
/// transaction or the reassociation of one, which the model has no place for.
const CURRENT_TRACE: &str = "1";

/// CUR: the remittance's currency. CUR01 says whose currency it is; payer and payee share
/// the one currency of the payment. An exchange rate (CUR03 onwards) stays unmapped.
fn currency(remittance: &mut Remittance, f: &mut Fields<'_>) -> bool {
    if remittance.currency.is_some() {
        return false;
    }
    remittance.currency = f.text(2);
    f.take_if(1, &["PR", "PE"]);
    remittance.currency.is_some()
}

/// BPR06-BPR09 or BPR12-BPR15, from `first`: the bank's id qualifier (506) and id (507),
/// then the account's qualifier (569) and number (508). A qualifier says nothing without
/// its number, so it is read only with it.
fn bank_account(f: &mut Fields<'_>, first: u32) -> Option<BankAccount> {
    let routing = f.text(first + 1);
    let routing_scheme = routing
        .as_ref()
        .and_then(|_| f.word(first, &codes::ROUTING_SCHEME));
    let account = f.text(first + 3);
    let account_kind = account
        .as_ref()
        .and_then(|_| f.word(first + 2, &codes::ACCOUNT_KIND));
    let bank = BankAccount {
        routing,
        routing_scheme,
        account,
        account_kind,
    };
    (bank != BankAccount::default()).then_some(bank)
}

/// RMR03 (element 482) codes that say no more than an RMR does: PI "Pay Item" and NS "Not
/// Specified". A partial, final or on-account payment (PP, FL, PO, ...) has no place, and its
/// RMR is also kept whole.
const PAY_ITEM: &[&str] = &["PI", "NS"];

/// RMR: one item paid. RMR01/RMR02 name it (an invoice, an order, a memo), RMR04 is what is
/// paid, RMR05 the amount it was for, RMR06 the discount taken, and RMR07/RMR08 an adjustment
/// given in the RMR itself.
fn remitted_item(f: &mut Fields<'_>) -> RemittedItem {
    let kind = f.word(1, &codes::REFERENCE_KIND).unwrap_or_else(|| {
        if !f.has(1) {
            f.missing(1, "what the reference is", "the item is read as an invoice");
        }
        ReferenceKind::InvoiceNumber
    });
    let value = f.text(2).unwrap_or_else(|| {
        if !f.has(2) {
            f.missing(
                2,
                "the reference number",
                "the item's reference is left empty",
            );
        }
        String::new()
    });
    f.take_if(3, PAY_ITEM);
    let amount_paid = f.decimal(4, Numeric::R).unwrap_or_else(|| {
        if !f.has(4) {
            f.missing(4, "the amount paid", "the item's amount paid is 0");
        }
        Decimal::ZERO
    });
    let mut item = RemittedItem {
        reference: Reference {
            kind,
            value,
            description: None,
        },
        amount_paid,
        invoice_amount: f.decimal(5, Numeric::R),
        discount_taken: f.decimal(6, Numeric::R),
        invoice_date: None,
        references: Vec::new(),
        adjustments: Vec::new(),
    };
    if f.has(7) && f.has(8) {
        let amount = f.decimal(8, Numeric::R);
        let reason = f.word(7, &codes::ADJUSTMENT_REASON);
        if let (Some(amount), Some(reason)) = (amount, reason) {
            item.adjustments.push(Adjustment {
                reason,
                amount,
                description: None,
                reference: None,
            });
        }
    }
    item
}

/// DTM01 (element 374) for the invoice date.
const INVOICE_DATE: &[u8] = b"003";

/// DTM in an RMR loop: the invoice's date, the first one given. Other dates have no place.
fn invoice_date(item: &mut RemittedItem, f: &mut Fields<'_>) -> bool {
    if item.invoice_date.is_some() || f.peek(1) != INVOICE_DATE {
        return false;
    }
    let Some(date) = f.date(2) else {
        return false;
    };
    f.take(1);
    item.invoice_date = Some(date);
    true
}

/// ADX: an adjustment, ADX01 signed as the payer sent it (negative reduces the payment), with
/// its reason (ADX02) and the payer's reference for it (ADX03/ADX04). Without an amount or a
/// reason it says nothing the model can hold, and is kept unmapped.
fn adjustment(f: &mut Fields<'_>) -> Option<Adjustment> {
    let amount = f.decimal(1, Numeric::R);
    if !f.has(1) {
        f.missing(
            1,
            "the adjustment amount",
            "the adjustment is kept unmapped",
        );
    }
    let reason = f.word(2, &codes::ADJUSTMENT_REASON);
    if !f.has(2) {
        f.missing(
            2,
            "the adjustment reason",
            "the adjustment is kept unmapped",
        );
    }
    let reference = if f.has(3) && f.has(4) {
        adjustment_reference(f)
    } else {
        None
    };
    Some(Adjustment {
        reason: reason?,
        amount: amount?,
        description: None,
        reference,
    })
}

fn adjustment_reference(f: &mut Fields<'_>) -> Option<Reference> {
    Some(Reference {
        kind: f.word(3, &codes::REFERENCE_KIND)?,
        value: f.text(4)?,
        description: None,
    })
}

/// NTE in an ADX loop: the adjustment in words; several are joined as lines. NTE01 (what
/// kind of note) has no place: an NTE with one is also kept whole.
fn describe(adjustment: Option<&mut Adjustment>, f: &mut Fields<'_>) -> bool {
    let Some(adjustment) = adjustment else {
        return false;
    };
    let Some(text) = f.text(2) else {
        return false;
    };
    adjustment.description = Some(match adjustment.description.take() {
        Some(before) => format!("{before}\n{text}"),
        None => text,
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::{ContactRole, IdScheme, PartyRole, UnmappedElement};
    use crate::document::remittance::{
        AccountKind, AdjustmentReason, CreditOrDebit, Payment, PaymentFormat, PaymentHandling,
        PaymentMethod, RoutingScheme,
    };
    use crate::x12::TransactionSummary;
    use chrono::NaiveDate;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn reference(kind: ReferenceKind, value: &str) -> Reference {
        Reference {
            kind,
            value: value.into(),
            description: None,
        }
    }

    /// Translates an 820 whose body (BPR onwards, one segment per line, `~` omitted) is
    /// given, in an interchange of `version` with `*`, `>`, `^` and `~`.
    fn translate_in(version: &str, body: &str) -> Translated<Remittance> {
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
            "ISA*00*          *00*          *ZZ*BIGRETAIL      *ZZ*ACMESUPPLY     *261126*0930*{rep}*{isa12}*000000820*0*P*>~\
             GS*RA*BIGRETAIL*ACMESUPPLY*20261126*0930*820*X*{version}~ST*820*0001~"
        );
        for s in &segments {
            text.push_str(s);
            text.push('~');
        }
        text.push_str(&format!(
            "SE*{}*0001~GE*1*820~IEA*1*000000820~",
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
        remittance(&TransactionSetRef {
            interchange: &interchange.header,
            group: &group.header,
            header: &set.header,
            summary: &summary,
            segments: set.segments.clone(),
        })
    }

    fn translate(body: &str) -> Translated<Remittance> {
        translate_in("004010", body)
    }

    fn kept(t: &Translated<Remittance>) -> Vec<(&str, u32)> {
        t.document
            .source
            .unmapped
            .iter()
            .map(|u| (u.id.as_str(), u.position))
            .collect()
    }

    fn places(t: &Translated<Remittance>) -> Vec<(&str, u32, Option<u32>)> {
        t.findings
            .iter()
            .map(|f| (f.segment.as_str(), f.position, f.element))
            .collect()
    }

    const BPR: &str = "BPR*C*856.00*C*ACH*CTX*01*041000124*DA*1234567890*1311234567**01*044000037*DA*9876543210*20261201";

    /// 1,234.56 by ACH CCD+: invoice INV-88213 (1,000.00) paid less its 2% discount,
    /// INV-88240 (300.00) short paid by 45.44 for damaged goods, against debit memo DM-4471.
    const CCD_PLUS: &str = "
        BPR*C*1234.56*C*ACH*CCP*01*041000124*DA*1234567890*1311234567**01*044000037*DA*9876543210*20261201
        TRN*1*0012345678*1311234567
        CUR*PR*USD
        REF*VR*77120
        N1*PR*BIGRETAIL INC*1*123456789
        N3*1 RETAIL PLAZA
        N4*COLUMBUS*OH*43215*US
        PER*AP*ACCOUNTS PAYABLE*TE*6145550100*EM*AP@BIGRETAIL.COM
        N1*PE*ACME SUPPLY CO*92*77120
        ENT*1
        RMR*IV*INV-88213*PI*980.00*1000.00*20.00
        REF*PO*4500012345
        DTM*003*20261120
        RMR*IV*INV-88240*PI*254.56*300.00
        REF*PO*4500012388
        DTM*003*20261121
        ADX*-45.44*04*DB*DM-4471
        NTE**2 CARTONS CRUSHED";

    fn ccd_plus_known_answer(t: &Translated<Remittance>) {
        assert_eq!(t.findings, []);
        let r = &t.document;
        assert_eq!(
            r.payment,
            Payment {
                handling: PaymentHandling::PaymentWithRemittance,
                amount: d("1234.56"),
                credit_or_debit: CreditOrDebit::Credit,
                method: PaymentMethod::Ach,
                format: Some(PaymentFormat::CashConcentrationPlusAddenda),
                date: day(2026, 12, 1),
                trace_number: Some("0012345678".into()),
                trace_originator: Some("1311234567".into()),
                payer_account: Some(BankAccount {
                    routing: Some("041000124".into()),
                    routing_scheme: Some(RoutingScheme::Aba),
                    account: Some("1234567890".into()),
                    account_kind: Some(AccountKind::Checking),
                }),
                payee_account: Some(BankAccount {
                    routing: Some("044000037".into()),
                    routing_scheme: Some(RoutingScheme::Aba),
                    account: Some("9876543210".into()),
                    account_kind: Some(AccountKind::Checking),
                }),
            }
        );
        assert_eq!(r.currency.as_deref(), Some("USD"));
        assert_eq!(
            r.references,
            [reference(ReferenceKind::VendorNumber, "77120")]
        );
        let payer = &r.parties[0];
        assert_eq!(payer.role, PartyRole::Payer);
        assert_eq!(payer.ids[0].scheme, IdScheme::Duns);
        assert_eq!(
            payer.address.as_ref().unwrap().city.as_deref(),
            Some("COLUMBUS")
        );
        assert_eq!(payer.contacts[0].role, ContactRole::AccountsPayable);
        assert_eq!(payer.contacts[0].email.as_deref(), Some("AP@BIGRETAIL.COM"));
        assert_eq!(r.parties[1].role, PartyRole::Payee);
        assert_eq!(r.parties[1].ids[0].value, "77120");
        assert_eq!(
            r.items,
            [
                RemittedItem {
                    reference: reference(ReferenceKind::InvoiceNumber, "INV-88213"),
                    amount_paid: d("980.00"),
                    invoice_amount: Some(d("1000.00")),
                    discount_taken: Some(d("20.00")),
                    invoice_date: Some(day(2026, 11, 20)),
                    references: vec![reference(ReferenceKind::PurchaseOrder, "4500012345")],
                    adjustments: Vec::new(),
                },
                RemittedItem {
                    reference: reference(ReferenceKind::InvoiceNumber, "INV-88240"),
                    amount_paid: d("254.56"),
                    invoice_amount: Some(d("300.00")),
                    discount_taken: None,
                    invoice_date: Some(day(2026, 11, 21)),
                    references: vec![reference(ReferenceKind::PurchaseOrder, "4500012388")],
                    adjustments: vec![Adjustment {
                        reason: AdjustmentReason::Damaged,
                        amount: d("-45.44"),
                        description: Some("2 CARTONS CRUSHED".into()),
                        reference: Some(reference(ReferenceKind::DebitMemo, "DM-4471")),
                    }],
                },
            ]
        );
        // What the items say adds up to the payment.
        let paid: Decimal = r.items.iter().map(|i| i.amount_paid).sum();
        assert_eq!(paid, r.payment.amount);
        for item in &r.items {
            let owed = item.invoice_amount.unwrap() - item.discount_taken.unwrap_or_default()
                + item.adjustments.iter().map(|a| a.amount).sum::<Decimal>();
            assert_eq!(owed, item.amount_paid, "{}", item.reference.value);
        }
        assert!(r.adjustments.is_empty());
        assert_eq!(r.source.unmapped, [], "everything was taken");
    }

    #[test]
    fn a_ccd_plus_payment_of_two_invoices() {
        let t = translate(CCD_PLUS);
        ccd_plus_known_answer(&t);
        assert_eq!(t.document.source.version.as_deref(), Some("004010"));
        assert_eq!(
            t.document.source.document_control_number.as_deref(),
            Some("0001")
        );
    }

    #[test]
    fn version_5010_reads_the_same() {
        let t = translate_in("005010", CCD_PLUS);
        ccd_plus_known_answer(&t);
        assert_eq!(t.document.source.version.as_deref(), Some("005010"));
    }

    #[test]
    fn adjustments_of_the_account_and_in_the_rmr_itself() {
        let t = translate(&format!(
            "{BPR}
             TRN*1*0012345678
             ENT*1
             ADX*-50.00*L3*DB*CB-901
             NTE**LATE SHIP NOTICE
             NTE**PO 4500012345
             ADX*12.00*53
             RMR*IV*INV-1**100.00*110.00**01*-10.00
             RMR*CM*CM-7**-25.00"
        ));
        assert_eq!(t.findings, []);
        let r = &t.document;
        assert_eq!(
            r.adjustments,
            [
                Adjustment {
                    reason: AdjustmentReason::ComplianceChargeback,
                    amount: d("-50.00"),
                    description: Some("LATE SHIP NOTICE\nPO 4500012345".into()),
                    reference: Some(reference(ReferenceKind::DebitMemo, "CB-901")),
                },
                Adjustment {
                    reason: AdjustmentReason::PreviousUnderpayment,
                    amount: d("12.00"),
                    description: None,
                    reference: None,
                },
            ]
        );
        assert_eq!(
            r.items[0].adjustments,
            [Adjustment {
                reason: AdjustmentReason::PricingError,
                amount: d("-10.00"),
                description: None,
                reference: None,
            }]
        );
        assert_eq!(
            r.items[1].reference,
            reference(ReferenceKind::CreditMemo, "CM-7")
        );
        assert_eq!(r.items[1].amount_paid, d("-25.00"));
        assert_eq!(
            r.payment.trace_originator.as_deref(),
            Some("1311234567"),
            "BPR10 originates the payment and so the trace"
        );
        assert_eq!(kept(&t), []);
    }

    #[test]
    fn unknown_codes_are_kept_as_other() {
        let t = translate(
            "BPR*X*10.00*C*SWT**02*DEUTDEFF*01*DE89370400440532013000*******20261201
             ENT*1
             RMR*ZZ*ACCT-9**10.00
             ADX*-1.00*B8",
        );
        assert_eq!(t.findings, []);
        let p = &t.document.payment;
        assert_eq!(p.handling, PaymentHandling::Other("X".into()));
        assert_eq!(p.method, PaymentMethod::Other("SWT".into()));
        let payer = p.payer_account.as_ref().unwrap();
        assert_eq!(payer.routing_scheme, Some(RoutingScheme::Swift));
        assert_eq!(payer.account_kind, Some(AccountKind::Other("01".into())));
        assert_eq!(p.payee_account, None);
        let item = &t.document.items[0];
        assert_eq!(item.reference.kind, ReferenceKind::Other("ZZ".into()));
        assert_eq!(
            item.adjustments[0].reason,
            AdjustmentReason::Other("B8".into())
        );
    }

    #[test]
    fn a_bad_date_is_a_finding_with_its_place() {
        let t = translate(
            "BPR*C*10.00*C*ACH*CTX*01*041000124*DA*1234567890*1311234567**01*044000037*DA*9876543210*20261301
             ENT*1
             RMR*IV*INV-1**10.00
             DTM*003*20261232",
        );
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
                ("BPR", 2, Some(16), Some("20261301")),
                ("DTM", 5, Some(2), Some("20261232")),
            ]
        );
        assert_eq!(
            t.findings[0].to_string(),
            format!(
                "segment 2 BPR: BPR16 '20261301' is not a date (CCYYMMDD); the value is kept \
                 with the unmapped segment (byte {})",
                t.findings[0].offset
            )
        );
        assert_eq!(t.document.items[0].invoice_date, None);
        assert_eq!(
            t.document.payment.amount,
            d("10.00"),
            "the rest of the BPR is read"
        );
        assert_eq!(
            kept(&t),
            [("BPR", 2), ("DTM", 5)],
            "the bad values are kept"
        );
    }

    #[test]
    fn unmapped_segments_are_kept_verbatim() {
        let t = translate(&format!(
            "{BPR}
             NTE**PAYMENT FOR NOVEMBER
             TRN*1*0012345678*1311234567
             CUR*PR*CAD*1.3625
             DTM*097*20261126
             N1*PE*ACME SUPPLY CO*92*77120
             REF*TJ*311234567
             ENT*1*SN*92*0012
             NM1*SN*2*STORE 12
             RMR*IV*INV-1*PP*50.00*100.00
             IT1*1*2*EA*25.00
             DTM*003*20261120*1200
             RMR*IV*INV-2**10.00
             ZZZ*1"
        ));
        assert_eq!(
            t.findings,
            [],
            "an unknown segment is the validator's business"
        );
        let r = &t.document;
        assert_eq!(r.currency.as_deref(), Some("CAD"));
        assert_eq!(r.items.len(), 2);
        assert_eq!(r.items[0].amount_paid, d("50.00"));
        assert_eq!(
            r.items[0].invoice_date, None,
            "the DTM is the line's, not the invoice's"
        );
        assert_eq!(r.items[1].reference.value, "INV-2");
        assert_eq!(
            kept(&t),
            [
                ("NTE", 3),
                ("CUR", 5),
                ("DTM", 6),
                ("REF", 8),
                ("ENT", 9),
                ("NM1", 10),
                ("RMR", 11),
                ("IT1", 12),
                ("DTM", 13),
                ("ZZZ", 15),
            ]
        );
        let ent = &r.source.unmapped[4];
        assert_eq!(
            ent.elements,
            ["1", "SN", "92", "0012"].map(|e| UnmappedElement::Simple(e.into()))
        );
    }

    #[test]
    fn missing_mandatory_values_are_findings() {
        let t = translate(
            "BPR*C**Q*ACH
             ENT*1
             RMR*IV***250.00
             RMR*IV*INV-2
             ADX**04
             NTE**NOT THE PREVIOUS ADJUSTMENT'S",
        );
        assert_eq!(
            places(&t),
            [
                ("BPR", 2, Some(2)),
                ("BPR", 2, Some(3)),
                ("BPR", 2, Some(16)),
                ("RMR", 4, Some(2)),
                ("RMR", 5, Some(4)),
                ("ADX", 6, Some(1)),
            ]
        );
        assert!(
            t.findings[1]
                .message
                .contains("neither a credit nor a debit"),
            "{}",
            t.findings[1]
        );
        let r = &t.document;
        assert_eq!(r.payment.credit_or_debit, CreditOrDebit::Credit);
        assert_eq!(r.items[0].reference.value, "");
        assert_eq!(r.items[0].amount_paid, d("250.00"));
        assert_eq!(r.items[1].amount_paid, Decimal::ZERO);
        assert!(r.items[1].adjustments.is_empty());
        assert_eq!(kept(&t), [("BPR", 2), ("ADX", 6), ("NTE", 7)]);

        let t = translate("ENT*1\nRMR*IV*INV-1**10.00");
        assert_eq!(places(&t), [("ST", 1, None)]);
        assert!(t.findings[0].message.contains("no BPR"));
    }

    #[test]
    fn a_trace_originator_other_than_bpr10_is_a_finding() {
        let t = translate(&format!("{BPR}\nTRN*1*0012345678*1999999999"));
        assert_eq!(places(&t), [("TRN", 3, Some(3))]);
        let p = &t.document.payment;
        assert_eq!(p.trace_number.as_deref(), Some("0012345678"));
        assert_eq!(p.trace_originator.as_deref(), Some("1311234567"));
        assert_eq!(kept(&t), [("TRN", 3)]);

        // A reassociation trace (TRN01 3) is not this payment's trace.
        let t = translate(&format!("{BPR}\nTRN*3*0012345678"));
        assert_eq!(t.document.payment.trace_number, None);
        assert_eq!(kept(&t), [("TRN", 3)]);
    }

    #[test]
    fn the_structure_places_the_rmr_loop_segments() {
        let spec = translate::structure("820", "004010").unwrap();
        let mut p = translate::Placement::new(spec);
        let mut path = |id: &str| p.place(id.as_bytes()).map(|p| p.join("/"));
        for (id, want) in [
            ("ST", ""),
            ("BPR", ""),
            ("TRN", ""),
            ("N1", "N1"),
            ("REF", "N1"),
            ("ENT", "ENT"),
            ("ADX", "ENT/ADX"),
            ("NTE", "ENT/ADX"),
            ("RMR", "ENT/RMR"),
            ("REF", "ENT/RMR"),
            ("DTM", "ENT/RMR"),
            ("ADX", "ENT/RMR/ADX"),
            ("NTE", "ENT/RMR/ADX"),
            ("RMR", "ENT/RMR"),
            ("ENT", "ENT"),
            ("SE", ""),
        ] {
            assert_eq!(path(id).as_deref(), Some(want), "{id}");
        }
    }
}
