//! A purchase order as the buyer sent it: what to ship, where, when, and at what price.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{
    AllowanceCharge, Carrier, Contact, EventDate, Party, PartyId, ProductId, Purpose, Quantity,
    Reference, Source,
};
use super::terms::Terms;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PurchaseOrder {
    pub number: String,
    /// Which call-off against a blanket order this is.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub release: Option<String>,
    pub date: NaiveDate,
    pub purpose: Purpose,
    pub kind: OrderKind,
    /// ISO 4217 code as sent; `None` means the partner's default currency.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub contacts: Vec<Contact>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fob: Option<Fob>,
    /// Several when the buyer offers alternatives (a discount for early payment or net).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub terms: Vec<Terms>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub dates: Vec<EventDate>,
    /// The carriers the buyer asks for, in the buyer's order of preference.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub routing: Vec<Carrier>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub parties: Vec<Party>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub allowances_charges: Vec<AllowanceCharge>,
    /// Free-text messages to the vendor.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub lines: Vec<OrderLine>,
    pub totals: OrderTotals,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    #[default]
    StandAlone,
    /// An agreement for quantities to be called off later by releases.
    Blanket,
    /// A release against a blanket order.
    Release,
    /// Shipped by the vendor straight to the buyer's customer.
    DropShip,
    Rush,
    Other(String),
}

/// Who pays the freight and where ownership of the goods passes to the buyer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Fob {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub payment: Option<FreightPayment>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub point: Option<FobPoint>,
    /// The place in words ("Columbus OH", "Shipping dock").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub location: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FreightPayment {
    /// The buyer pays the carrier.
    Collect,
    /// The vendor pays and absorbs it.
    Prepaid,
    /// The vendor pays and adds it to the invoice.
    PrepaidAndAdd,
    ThirdParty,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FobPoint {
    Origin,
    Destination,
    Other(String),
}

/// The order's own totals, as the buyer stated them. Kept apart from anything computed so
/// a mismatch between the two can be reported rather than silently corrected.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderTotals {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line_count: Option<u32>,
    /// The sum of the line quantities, a check value.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hash_total: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub amount: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OrderLine {
    /// The buyer's line number; invoices and ship notices quote it back.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line_id: Option<String>,
    pub quantity: Quantity,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unit_price: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub price_basis: Option<PriceBasis>,
    /// Every id the buyer gave, in the order given.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub product_ids: Vec<ProductId>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    /// Inner packs (or units) per outer pack: the case pack.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pack: Option<Decimal>,
    /// Units per inner pack.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub inner_pack: Option<Decimal>,
    /// Size of one inner pack (12 ounce).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pack_size: Option<Quantity>,
    /// Weight of one outer pack.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pack_weight: Option<Quantity>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub allowances_charges: Vec<AllowanceCharge>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub dates: Vec<EventDate>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub references: Vec<Reference>,
    /// Parties for this line alone, overriding the order's (its own ship-to, say).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub parties: Vec<Party>,
    /// How the line's quantity splits across destinations, when one line feeds many stores.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub destinations: Vec<Destination>,
}

/// What a price is per, or what kind of price it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceBasis {
    /// Per single unit, even when the quantity is ordered in cases.
    PerEach,
    Wholesale,
    Retail,
    Contract,
    Catalog,
    Quoted,
    Net,
    /// The price in force when the goods ship, which may differ from the one stated.
    Current,
    Other(String),
}

/// A share of a line's quantity bound for one location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    pub location: PartyId,
    pub quantity: Quantity,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::test_support::{d, day, round_trip};
    use crate::document::common::{
        Address, AllowanceChargeService, AllowanceHandling, AllowanceOrCharge, ContactRole,
        DateKind, IdScheme, PartyRole, ProductIdKind, ReferenceKind, TransportMode, UnitOfMeasure,
    };
    use crate::document::terms::{TermsBasis, TermsKind};
    use serde_json::json;

    fn gln(value: &str) -> PartyId {
        PartyId {
            scheme: IdScheme::Gln,
            value: value.into(),
        }
    }

    fn sample() -> PurchaseOrder {
        PurchaseOrder {
            number: "4500012345".into(),
            date: day(2026, 11, 2),
            references: vec![
                Reference {
                    kind: ReferenceKind::Department,
                    value: "042".into(),
                    description: Some("Housewares".into()),
                },
                Reference {
                    kind: ReferenceKind::VendorNumber,
                    value: "778899".into(),
                    description: None,
                },
            ],
            contacts: vec![Contact {
                role: ContactRole::Buyer,
                name: Some("Dana Ortiz".into()),
                email: Some("dana.ortiz@example.com".into()),
                ..Contact::default()
            }],
            fob: Some(Fob {
                payment: Some(FreightPayment::Collect),
                point: Some(FobPoint::Origin),
                location: None,
            }),
            terms: vec![Terms {
                kind: TermsKind::Basic,
                basis: TermsBasis::InvoiceDate,
                discount_percent: Some(d("2")),
                discount_days: Some(10),
                net_days: Some(30),
                description: Some("2% 10 NET 30".into()),
                ..Terms::default()
            }],
            dates: vec![
                EventDate {
                    kind: DateKind::RequestedDelivery,
                    date: day(2026, 11, 26),
                    time: None,
                },
                EventDate {
                    kind: DateKind::CancelAfter,
                    date: day(2026, 12, 3),
                    time: None,
                },
            ],
            routing: vec![Carrier {
                scac: Some("ODFL".into()),
                mode: Some(TransportMode::LessThanTruckload),
                routing: Some("Call for appointment".into()),
                ..Carrier::default()
            }],
            parties: vec![
                Party {
                    name: Some("ACME DC 6".into()),
                    ids: vec![gln("0614141000012")],
                    address: Some(Address {
                        lines: vec!["100 Distribution Way".into()],
                        city: Some("Columbus".into()),
                        region: Some("OH".into()),
                        postal_code: Some("43215".into()),
                        country: Some("US".into()),
                    }),
                    ..Party::new(PartyRole::ShipTo)
                },
                Party {
                    name: Some("Widget Works Inc".into()),
                    ids: vec![PartyId {
                        scheme: IdScheme::Duns,
                        value: "123456789".into(),
                    }],
                    ..Party::new(PartyRole::Vendor)
                },
            ],
            allowances_charges: vec![AllowanceCharge {
                indicator: AllowanceOrCharge::Allowance,
                service: AllowanceChargeService::Promotional,
                amount: None,
                percent: Some(d("3.5")),
                rate: None,
                quantity: None,
                handling: Some(AllowanceHandling::OffInvoice),
                reference: Some("PROMO-77".into()),
                description: None,
            }],
            lines: vec![
                OrderLine {
                    line_id: Some("1".into()),
                    quantity: Quantity::new(d("48"), UnitOfMeasure::Each),
                    unit_price: Some(d("8.0736")),
                    price_basis: Some(PriceBasis::PerEach),
                    product_ids: vec![
                        ProductId {
                            kind: ProductIdKind::Upc,
                            value: "012345678905".into(),
                        },
                        ProductId {
                            kind: ProductIdKind::VendorItem,
                            value: "WW-100".into(),
                        },
                    ],
                    description: Some("Widget, blue".into()),
                    pack: Some(d("12")),
                    inner_pack: Some(d("1")),
                    pack_weight: Some(Quantity::new(d("9.5"), UnitOfMeasure::Pound)),
                    destinations: vec![
                        Destination {
                            location: gln("0614141000029"),
                            quantity: Quantity::new(d("24"), UnitOfMeasure::Each),
                        },
                        Destination {
                            location: gln("0614141000036"),
                            quantity: Quantity::new(d("24"), UnitOfMeasure::Each),
                        },
                    ],
                    ..OrderLine::default()
                },
                OrderLine {
                    line_id: Some("2".into()),
                    quantity: Quantity::new(d("2"), UnitOfMeasure::Case),
                    unit_price: Some(d("0.01")),
                    product_ids: vec![ProductId {
                        kind: ProductIdKind::Gtin14,
                        value: "10012345678902".into(),
                    }],
                    ..OrderLine::default()
                },
            ],
            totals: OrderTotals {
                line_count: Some(2),
                hash_total: Some(d("50")),
                amount: Some(d("387.55")),
            },
            source: Source {
                partner_id: Some("acme".into()),
                document_control_number: Some("0001".into()),
                version: Some("004010".into()),
                ..Source::default()
            },
            ..PurchaseOrder::default()
        }
    }

    #[test]
    fn purchase_order_round_trips_with_exact_money_and_plain_dates() {
        let json = round_trip(&sample());
        assert_eq!(json["date"], "2026-11-02");
        assert_eq!(json["purpose"], "original");
        assert_eq!(json["kind"], "stand_alone");
        assert_eq!(
            json["dates"][0],
            json!({"kind": "requested_delivery", "date": "2026-11-26"})
        );
        assert_eq!(json["lines"][0]["unit_price"], "8.0736");
        assert_eq!(
            json["lines"][0]["quantity"],
            json!({"value": "48", "unit": "each"})
        );
        assert_eq!(json["totals"]["amount"], "387.55");
        assert_eq!(json["terms"][0]["discount_percent"], "2");
        assert_eq!(json["parties"][1]["role"], "vendor");
        assert!(json.get("release").is_none(), "absent options stay out");
        assert!(json["lines"][1].get("allowances_charges").is_none());
    }
}
