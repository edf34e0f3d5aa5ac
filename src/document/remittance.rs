//! A remittance advice: a payment (or the news of one) and which invoices it settles, with
//! every discount and deduction the payer took, so cash can be applied to the ledger.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{Party, Reference, Source};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Remittance {
    pub payment: Payment,
    /// ISO 4217 code; `None` means the partner's default currency.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub references: Vec<Reference>,
    /// Payer and payee, as the payer names them.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub parties: Vec<Party>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub items: Vec<RemittedItem>,
    /// Adjustments that belong to no invoice (an account-level chargeback, say).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub adjustments: Vec<Adjustment>,
    pub source: Source,
}

/// The money itself: how much, which way, by what means, and how to find it at the bank.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Payment {
    pub handling: PaymentHandling,
    pub amount: Decimal,
    pub credit_or_debit: CreditOrDebit,
    pub method: PaymentMethod,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub format: Option<PaymentFormat>,
    /// When the money moves (the effective date of a transfer, the date on a cheque).
    pub date: NaiveDate,
    /// The number that ties this advice to the bank statement line (cheque or transfer
    /// trace number).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub trace_number: Option<String>,
    /// Who issued the trace number, usually the payer's company id.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub trace_originator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub payer_account: Option<BankAccount>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub payee_account: Option<BankAccount>,
}

/// Whether the money travels with this advice or on its own.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentHandling {
    #[default]
    PaymentWithRemittance,
    /// Only the detail: the money moves (or moved) separately.
    RemittanceOnly,
    /// Only the money, with no detail to apply it by.
    PaymentOnly,
    /// Notice that transfers will come, with no money yet.
    Prenotification,
    /// The bank sends money and detail separately.
    SplitPaymentAndRemittance,
    Other(String),
}

/// From the payee's side: a credit is money received.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditOrDebit {
    #[default]
    Credit,
    Debit,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    #[default]
    Ach,
    Check,
    Wire,
    /// The advice carries detail only; no payment is made by it.
    NoPayment,
    Other(String),
}

/// The banking format of an electronic transfer, which decides how much remittance
/// detail rides with the money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentFormat {
    /// Corporate Trade Exchange: the full advice travels with the transfer.
    CorporateTradeExchange,
    /// Cash concentration or disbursement with one addenda record.
    CashConcentrationPlusAddenda,
    CashConcentration,
    Other(String),
}

/// Account numbers are strings: they carry leading zeros and are never added up.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BankAccount {
    /// The bank's id under `routing_scheme` (an ABA routing number, a SWIFT BIC).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub routing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub routing_scheme: Option<RoutingScheme>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_kind: Option<AccountKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutingScheme {
    Aba,
    Swift,
    CanadianBank,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Checking,
    Savings,
    Other(String),
}

/// One invoice (or order, or memo) the payment settles, in whole or in part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemittedItem {
    /// Normally an invoice number; some payers remit against the purchase order.
    pub reference: Reference,
    pub amount_paid: Decimal,
    /// The invoice amount as the payer has it, to spot a disputed total.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub invoice_amount: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub discount_taken: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub invoice_date: Option<NaiveDate>,
    /// The payer's other numbers for the item (the purchase order it was billed against, a
    /// bill of lading), to find the invoice by when its number does not match ours.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub references: Vec<Reference>,
    /// Deductions and additions explaining why `amount_paid` differs from what was owed.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub adjustments: Vec<Adjustment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub reason: AdjustmentReason,
    /// Signed as the payer sent it: negative reduces what is paid.
    pub amount: Decimal,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    /// The payer's own document for the adjustment (a debit memo, a claim number), which a
    /// dispute or a repayment has to quote.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reference: Option<Reference>,
}

/// Why a payer paid other than the amount owed; drives which deductions are disputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentReason {
    PricingError,
    /// Price times quantity does not give the line amount.
    ExtensionError,
    Damaged,
    QualityRejected,
    QuantityContested,
    WrongProduct,
    NotReceived,
    Returned,
    /// An early-payment or other discount the payee does not think was earned.
    UnearnedDiscount,
    /// A promotional, advertising or other agreed allowance taken as a deduction.
    Allowance,
    Freight,
    ComplianceChargeback,
    PreviousUnderpayment,
    Other(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::test_support::{d, day, round_trip};
    use crate::document::common::{IdScheme, PartyId, PartyRole, ReferenceKind};
    use serde_json::json;

    fn invoice(number: &str) -> Reference {
        Reference {
            kind: ReferenceKind::InvoiceNumber,
            value: number.into(),
            description: None,
        }
    }

    fn sample() -> Remittance {
        Remittance {
            payment: Payment {
                handling: PaymentHandling::PaymentWithRemittance,
                amount: d("1187.53"),
                credit_or_debit: CreditOrDebit::Credit,
                method: PaymentMethod::Ach,
                format: Some(PaymentFormat::CorporateTradeExchange),
                date: day(2026, 11, 26),
                trace_number: Some("20261126000123".into()),
                trace_originator: Some("1987654321".into()),
                payer_account: Some(BankAccount {
                    routing: Some("021000021".into()),
                    routing_scheme: Some(RoutingScheme::Aba),
                    account: Some("000123456789".into()),
                    account_kind: Some(AccountKind::Checking),
                }),
                payee_account: None,
            },
            parties: vec![
                Party {
                    name: Some("ACME Retail Corp".into()),
                    ..Party::new(PartyRole::Payer)
                },
                Party {
                    name: Some("Widget Works Inc".into()),
                    ids: vec![PartyId {
                        scheme: IdScheme::Duns,
                        value: "123456789".into(),
                    }],
                    ..Party::new(PartyRole::Payee)
                },
            ],
            items: vec![
                RemittedItem {
                    reference: invoice("INV-20261120-7"),
                    amount_paid: d("387.53"),
                    invoice_amount: Some(d("395.43")),
                    discount_taken: Some(d("7.90")),
                    invoice_date: Some(day(2026, 11, 20)),
                    references: Vec::new(),
                    adjustments: Vec::new(),
                },
                RemittedItem {
                    reference: invoice("INV-20261104-2"),
                    amount_paid: d("850.00"),
                    invoice_amount: Some(d("900.00")),
                    discount_taken: None,
                    invoice_date: None,
                    references: vec![Reference {
                        kind: ReferenceKind::PurchaseOrder,
                        value: "4500012388".into(),
                        description: None,
                    }],
                    adjustments: vec![Adjustment {
                        reason: AdjustmentReason::Damaged,
                        amount: d("-50.00"),
                        description: Some("2 cartons crushed".into()),
                        reference: Some(Reference {
                            kind: ReferenceKind::DebitMemo,
                            value: "DM-4471".into(),
                            description: None,
                        }),
                    }],
                },
            ],
            adjustments: vec![Adjustment {
                reason: AdjustmentReason::ComplianceChargeback,
                amount: d("-50.00"),
                description: Some("Late ship notice".into()),
                reference: None,
            }],
            ..Remittance::default()
        }
    }

    #[test]
    fn remittance_round_trips_with_exact_money_and_plain_dates() {
        let json = round_trip(&sample());
        assert_eq!(json["payment"]["amount"], "1187.53");
        assert_eq!(json["payment"]["date"], "2026-11-26");
        assert_eq!(json["payment"]["method"], "ach");
        assert_eq!(json["payment"]["payer_account"]["account"], "000123456789");
        assert_eq!(json["items"][0]["amount_paid"], "387.53");
        assert_eq!(
            json["items"][0]["reference"],
            json!({"kind": "invoice_number", "value": "INV-20261120-7"})
        );
        assert_eq!(json["items"][1]["adjustments"][0]["amount"], "-50.00");
        assert_eq!(
            json["items"][1]["adjustments"][0]["reference"],
            json!({"kind": "debit_memo", "value": "DM-4471"})
        );
        assert_eq!(json["items"][1]["references"][0]["kind"], "purchase_order");
        assert!(json["items"][0].get("references").is_none());
        assert_eq!(json["adjustments"][0]["reason"], "compliance_chargeback");
    }

    #[test]
    fn unknown_reasons_are_kept_not_refused() {
        let adjustment: Adjustment =
            serde_json::from_value(json!({"reason": {"other": "AX"}, "amount": "-3.10"})).unwrap();
        assert_eq!(adjustment.reason, AdjustmentReason::Other("AX".into()));
        assert_eq!(adjustment.amount, d("-3.10"));
        assert_eq!(adjustment.reference, None);
    }

    #[test]
    fn items_written_before_references_existed_still_read() {
        let item: RemittedItem = serde_json::from_value(json!({
            "reference": {"kind": "invoice_number", "value": "INV-1"},
            "amount_paid": "10.00",
            "adjustments": [{"reason": "damaged", "amount": "-1.00"}]
        }))
        .unwrap();
        assert!(item.references.is_empty());
        assert_eq!(item.adjustments[0].reference, None);
    }
}
