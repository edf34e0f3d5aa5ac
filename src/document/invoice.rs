//! An invoice (or credit or debit memo): what the seller bills for a shipment, and when it is
//! due.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{AllowanceCharge, Carrier, Party, ProductId, Quantity, Reference, Source};
use super::order::PriceBasis;
use super::terms::Terms;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Invoice {
    pub number: String,
    pub date: NaiveDate,
    pub kind: InvoiceKind,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub purchase_order: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub purchase_order_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub release: Option<String>,
    /// ISO 4217 code; `None` means the partner's default currency.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub parties: Vec<Party>,
    /// With the discount and net due dates worked out, so the buyer need not compute them.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub terms: Vec<Terms>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ship_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub lines: Vec<InvoiceLine>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub allowances_charges: Vec<AllowanceCharge>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub taxes: Vec<Tax>,
    pub totals: InvoiceTotals,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shipment: Option<ShipmentSummary>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    #[default]
    Invoice,
    CreditMemo,
    DebitMemo,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// The purchase-order line this bills, so the buyer can match it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line_id: Option<String>,
    pub quantity: Quantity,
    pub unit_price: Decimal,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub price_basis: Option<PriceBasis>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub product_ids: Vec<ProductId>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub allowances_charges: Vec<AllowanceCharge>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tax {
    pub kind: TaxKind,
    /// Optional because a tax may be stated as a percent alone.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub amount: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub percent: Option<Decimal>,
    /// The state, county or city that levies it, as written.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub jurisdiction: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxKind {
    Sales,
    State,
    County,
    City,
    Local,
    GoodsAndServices,
    ValueAdded,
    Excise,
    Other(String),
}

/// The invoice's money totals. `total` is what the buyer owes; the others are what the
/// terms discount and the buyer's matching are computed from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InvoiceTotals {
    /// Amount due after allowances, charges and taxes, before any terms discount.
    pub total: Decimal,
    /// Merchandise value: the sum of the lines, before allowances, charges and taxes.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub subtotal: Option<Decimal>,
    /// The part of the total the terms discount applies to; freight and taxes are often
    /// excluded.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub discountable_amount: Option<Decimal>,
    /// The terms discount if paid in time.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub terms_discount: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line_count: Option<u32>,
}

/// How the invoiced goods travelled, for buyers who match invoices to receipts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ShipmentSummary {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub carrier: Option<Carrier>,
    /// Number of packages, in their unit (cartons, pallets).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub packages: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub weight: Option<Quantity>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::test_support::{d, day, round_trip};
    use crate::document::common::{
        AllowanceChargeService, AllowanceOrCharge, IdScheme, PartyId, PartyRole, ProductIdKind,
        ReferenceKind, TransportMode, UnitOfMeasure,
    };
    use crate::document::terms::{TermsBasis, TermsKind};
    use serde_json::json;

    fn sample() -> Invoice {
        Invoice {
            number: "INV-20261120-7".into(),
            date: day(2026, 11, 20),
            purchase_order: Some("4500012345".into()),
            purchase_order_date: Some(day(2026, 11, 2)),
            references: vec![Reference {
                kind: ReferenceKind::BillOfLading,
                value: "BOL778812".into(),
                description: None,
            }],
            parties: vec![
                Party {
                    name: Some("Widget Works Inc".into()),
                    ids: vec![PartyId {
                        scheme: IdScheme::Duns,
                        value: "123456789".into(),
                    }],
                    ..Party::new(PartyRole::RemitTo)
                },
                Party {
                    ids: vec![PartyId {
                        scheme: IdScheme::StoreNumber,
                        value: "0006".into(),
                    }],
                    ..Party::new(PartyRole::ShipTo)
                },
            ],
            terms: vec![Terms {
                kind: TermsKind::Basic,
                basis: TermsBasis::InvoiceDate,
                discount_percent: Some(d("2")),
                discount_days: Some(10),
                discount_due_date: Some(day(2026, 11, 30)),
                net_days: Some(30),
                net_due_date: Some(day(2026, 12, 20)),
                discount_amount: Some(d("7.75")),
                ..Terms::default()
            }],
            ship_date: Some(day(2026, 11, 19)),
            lines: vec![InvoiceLine {
                line_id: Some("1".into()),
                quantity: Quantity::new(d("48"), UnitOfMeasure::Each),
                unit_price: d("8.25"),
                price_basis: Some(PriceBasis::PerEach),
                product_ids: vec![ProductId {
                    kind: ProductIdKind::Upc,
                    value: "012345678905".into(),
                }],
                description: Some("Widget, blue".into()),
                allowances_charges: Vec::new(),
            }],
            allowances_charges: vec![AllowanceCharge {
                indicator: AllowanceOrCharge::Allowance,
                service: AllowanceChargeService::Promotional,
                amount: Some(d("13.86")),
                percent: Some(d("3.5")),
                rate: None,
                quantity: None,
                handling: None,
                reference: None,
                description: None,
            }],
            taxes: vec![Tax {
                kind: TaxKind::State,
                amount: Some(d("5.39")),
                percent: Some(d("1.4")),
                jurisdiction: Some("OH".into()),
            }],
            totals: InvoiceTotals {
                total: d("387.53"),
                subtotal: Some(d("396.00")),
                discountable_amount: Some(d("382.14")),
                terms_discount: Some(d("7.64")),
                line_count: Some(1),
            },
            shipment: Some(ShipmentSummary {
                carrier: Some(Carrier {
                    scac: Some("ODFL".into()),
                    mode: Some(TransportMode::LessThanTruckload),
                    ..Carrier::default()
                }),
                packages: Some(Quantity::new(d("4"), UnitOfMeasure::Carton)),
                weight: Some(Quantity::new(d("38"), UnitOfMeasure::Pound)),
            }),
            ..Invoice::default()
        }
    }

    #[test]
    fn invoice_round_trips_with_exact_money_and_plain_dates() {
        let json = round_trip(&sample());
        assert_eq!(json["kind"], "invoice");
        assert_eq!(json["date"], "2026-11-20");
        assert_eq!(json["totals"]["total"], "387.53");
        // The scale is kept: "396.00" is not shortened to "396".
        assert_eq!(json["totals"]["subtotal"], "396.00");
        assert_eq!(json["terms"][0]["net_due_date"], "2026-12-20");
        assert_eq!(
            json["taxes"][0],
            json!({"kind": "state", "amount": "5.39", "percent": "1.4", "jurisdiction": "OH"})
        );
        assert_eq!(
            json["shipment"]["packages"],
            json!({"value": "4", "unit": "carton"})
        );
        assert_eq!(json["source"], json!({}));
    }

    #[test]
    fn memo_kinds_read_in_words() {
        let kind: InvoiceKind = serde_json::from_str("\"credit_memo\"").unwrap();
        assert_eq!(kind, InvoiceKind::CreditMemo);
    }
}
