//! Payment terms: what the buyer owes when, and the discount for paying early.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Payment terms as agreed (an ITD segment on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Terms {
    pub kind: TermsKind,
    /// The date the days count from.
    pub basis: TermsBasis,
    /// Early-payment discount, percent (2 for "2% 10 NET 30").
    pub discount_percent: Option<Decimal>,
    /// Days from the basis date within which the discount applies.
    pub discount_days: Option<u32>,
    /// A fixed last day for the discount, when given instead of (or with) days.
    pub discount_due_date: Option<NaiveDate>,
    /// Days from the basis date until the net amount is due.
    pub net_days: Option<u32>,
    /// A fixed due date, when given instead of (or with) days.
    pub net_due_date: Option<NaiveDate>,
    /// The discount as an amount, when the sender states it.
    pub discount_amount: Option<Decimal>,
    /// Day of the month payment is due (end-of-month style terms).
    pub day_of_month: Option<u32>,
    /// The terms in words, as sent ("NET 30", "2% 10 NET 30").
    pub description: Option<String>,
}

/// The kind of terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TermsKind {
    #[default]
    Basic,
    EndOfMonth,
    FixedDate,
    DeferredOrInstallment,
    DiscountNotApplicable,
    /// A kind this model has no name for, with the sender's own code or words.
    Other(String),
}

/// The date payment days count from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TermsBasis {
    #[default]
    InvoiceDate,
    ShipDate,
    DeliveryDate,
    ReceiptOfGoods,
    ReceiptOfInvoice,
    /// A basis this model has no name for, with the sender's own code or words.
    Other(String),
}
