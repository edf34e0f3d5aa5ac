//! The vocabulary every canonical document shares: where it came from, who is involved,
//! references, dated events, allowances and charges, product ids and quantities.
//!
//! Everything here is said in business words. The partner's own codes reach this layer only
//! inside an `Other(String)` variant, for a meaning this model has no name for yet, so a
//! document never loses what was sent and a new code never fails a translation.

use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Where a document came from, kept so any canonical document can be traced back to the
/// exact message it was translated from, and so nothing the partner sent is lost.
///
/// A document we build ourselves (an outbound invoice, say) starts with an empty source;
/// the envelope numbers are filled in when it is sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Source {
    /// The partner profile the sender was recognised as; `None` before recognition.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub partner_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub interchange_sender: Option<PartyId>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub interchange_receiver: Option<PartyId>,
    /// Control numbers are strings because partners pad them and an acknowledgement must
    /// quote them back exactly as sent.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub interchange_control_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub group_control_number: Option<String>,
    /// The control number of the document's own envelope, the innermost of the three.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub document_control_number: Option<String>,
    /// The version of the standard the partner wrote in, as sent ("004010").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub unmapped: Vec<UnmappedSegment>,
}

/// A segment the translation did not consume. Kept verbatim so that a field this model has
/// no place for yet is still on record, can be shown to the user, and can be sent back out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnmappedSegment {
    /// The segment's tag, as sent.
    pub id: String,
    /// Position within the document, counting its header segment as 1: the same count an
    /// acknowledgement uses, so a segment can be pointed at in a finding.
    pub position: u32,
    /// The loops it sat in, outermost first, each with its iteration within the enclosing
    /// one: `IT1[2]/N1[1]` is the first N1 loop of the second IT1 loop. `None` in the
    /// heading or summary, or where the set's structure has no place for it. Written back,
    /// the segment goes into the same loop iteration.
    #[serde(rename = "loop", skip_serializing_if = "Option::is_none", default)]
    pub loop_path: Option<String>,
    /// The elements after the tag, in order; an empty element in the middle is kept as an
    /// empty string so positions stay right, and trailing empty elements are dropped.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub elements: Vec<UnmappedElement>,
}

/// One element of an unmapped segment, split at the message's separators so it can be
/// written back under any other set of delimiters, and kept in the simplest shape that
/// loses nothing: JSON `"ZZ"`, `["A", "B"]` or `[["A", "B"], ["C"]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum UnmappedElement {
    /// Held no separator.
    Simple(String),
    /// Components of a composite element.
    Composite(Vec<String>),
    /// Repetitions of a repeating element, each with its components (one for a simple
    /// value).
    Repeated(Vec<Vec<String>>),
}

/// Why a document is being sent: a fresh one, or a change to one sent before.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    #[default]
    Original,
    Cancellation,
    Change,
    /// Supersedes the earlier document with the same number in full.
    Replace,
    Confirmation,
    /// A copy of a document already sent; must not be processed twice.
    Duplicate,
    Other(String),
}

/// Someone involved in a document, in one role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    pub role: PartyRole,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// Every id the partner gave; a store is often named by both a GLN and a store number.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub ids: Vec<PartyId>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub address: Option<Address>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub contacts: Vec<Contact>,
}

impl Party {
    /// A party known so far only by its role; the rest is filled in as it is read.
    pub fn new(role: PartyRole) -> Self {
        Party {
            role,
            name: None,
            ids: Vec::new(),
            address: None,
            contacts: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    ShipTo,
    BillTo,
    Buyer,
    #[serde(alias = "supplier")]
    Vendor,
    ShipFrom,
    /// The final destination (a store) behind a ship-to that is a distribution centre.
    MarkFor,
    RemitTo,
    Seller,
    Payer,
    Payee,
    OrderedBy,
    Other(String),
}

/// An identifier for a party, under the scheme that makes it unique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyId {
    pub scheme: IdScheme,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdScheme {
    /// GS1 Global Location Number.
    Gln,
    Duns,
    /// A DUNS number with a four-character suffix naming a site.
    DunsPlus4,
    BuyerAssigned,
    SellerAssigned,
    StoreNumber,
    /// Agreed between the two trading partners, meaningful to no one else.
    MutuallyDefined,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub lines: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub city: Option<String>,
    /// State, province or county, as the partner wrote it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub postal_code: Option<String>,
    /// Country code as sent, normally ISO 3166 ("US", "CA").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
}

/// A person or desk to talk to about the document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contact {
    pub role: ContactRole,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fax: Option<String>,
}

/// What a contact is for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    Buyer,
    Order,
    Delivery,
    Shipping,
    AccountsReceivable,
    AccountsPayable,
    Sales,
    /// Anyone who can answer questions about the document.
    #[default]
    Information,
    Other(String),
}

/// A number the partner uses to tie this document to something else: a department, a
/// promotion, another document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub kind: ReferenceKind,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    Department,
    /// Our number in the buyer's vendor master.
    VendorNumber,
    /// The buyer's internal number for the vendor, distinct from the vendor number.
    InternalVendor,
    /// A promotion or deal the order or allowance falls under.
    Promotion,
    Contract,
    CustomerReference,
    PurchaseOrder,
    InvoiceNumber,
    CreditMemo,
    DebitMemo,
    BillOfLading,
    /// The carrier's progressive (freight bill) number.
    ProNumber,
    TrackingNumber,
    PackingList,
    Other(String),
}

/// A dated event, for documents that carry several (delivery windows, cancel dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDate {
    pub kind: DateKind,
    pub date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub time: Option<NaiveTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateKind {
    RequestedDelivery,
    RequestedShip,
    ShipNotBefore,
    ShipNoLater,
    DeliverNotBefore,
    DeliverNoLater,
    /// The buyer may cancel whatever has not shipped by this date.
    CancelAfter,
    Shipped,
    EstimatedDelivery,
    Delivered,
    PromotionStart,
    PromotionEnd,
    Other(String),
}

/// An allowance (money off) or charge (money on), for a whole document or one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowanceCharge {
    pub indicator: AllowanceOrCharge,
    pub service: AllowanceChargeService,
    /// Optional because partners often state only a percent or a rate and leave the
    /// amount to be worked out on the invoice.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub amount: Option<Decimal>,
    /// Percent, 5 meaning 5%.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub percent: Option<Decimal>,
    /// Money per unit of `quantity`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rate: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub quantity: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub handling: Option<AllowanceHandling>,
    /// The agreement or deal number it is granted under.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowanceOrCharge {
    #[default]
    Allowance,
    Charge,
    /// Stated for information only; no money moves.
    Informational,
}

/// What an allowance or charge is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowanceChargeService {
    Freight,
    FuelSurcharge,
    Handling,
    Promotional,
    /// Cooperative advertising.
    Advertising,
    Defective,
    VolumeDiscount,
    QuantityDiscount,
    TradeDiscount,
    SmallOrder,
    Pallet,
    Packaging,
    Labeling,
    Insurance,
    Other(String),
}

/// How an allowance or charge is settled, which decides whether it touches the invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowanceHandling {
    /// Claimed by the buyer later, not taken on the invoice.
    BillBack,
    /// Deducted on the invoice itself.
    OffInvoice,
    VendorCheck,
    CreditCustomerAccount,
    PaidByVendor,
    PaidByCustomer,
    Other(String),
}

/// One way of naming a product; a line usually carries several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductId {
    pub kind: ProductIdKind,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductIdKind {
    /// UPC-A, 12 digits.
    Upc,
    /// GTIN-14, usually naming a case rather than a consumer unit.
    Gtin14,
    /// EAN-13.
    Ean,
    BuyerItem,
    VendorItem,
    Sku,
    Style,
    Colour,
    Size,
    Model,
    Other(String),
}

/// An amount of something, in a unit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quantity {
    pub value: Decimal,
    pub unit: UnitOfMeasure,
}

impl Quantity {
    pub fn new(value: Decimal, unit: UnitOfMeasure) -> Self {
        Quantity { value, unit }
    }
}

/// The unit's business meaning; the partner's unit codes are translated to it by the map.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitOfMeasure {
    #[default]
    Each,
    Case,
    Carton,
    Box,
    Pack,
    Pair,
    Dozen,
    Pallet,
    Pound,
    Ounce,
    Kilogram,
    Gram,
    Gallon,
    Litre,
    Foot,
    Metre,
    Other(String),
}

/// Who moves the goods and how.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Carrier {
    /// Standard Carrier Alpha Code.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scac: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mode: Option<TransportMode>,
    /// Free-text routing instructions, as the buyer wrote them.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub routing: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportMode {
    /// Truck, full load.
    Motor,
    LessThanTruckload,
    Air,
    Rail,
    Ocean,
    /// Small-package carrier (UPS, FedEx Ground).
    Parcel,
    CustomerPickup,
    Intermodal,
    Other(String),
}

/// Round-trip checks the document tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use std::fmt::Debug;

    /// A decimal from its exact text (the `dec!` macro is not enabled in this crate).
    pub(crate) fn d(text: &str) -> Decimal {
        Decimal::from_str_exact(text).expect("a decimal")
    }

    pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    /// Serializes `doc`, checks it reads back equal, and returns the JSON for closer looks.
    pub(crate) fn round_trip<T>(doc: &T) -> serde_json::Value
    where
        T: Serialize + DeserializeOwned + PartialEq + Debug,
    {
        let text = serde_json::to_string_pretty(doc).expect("serializes");
        let back: T = serde_json::from_str(&text).expect("reads back");
        assert_eq!(&back, doc, "round trip changed the document:\n{text}");
        serde_json::from_str(&text).expect("is JSON")
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{d, day, round_trip};
    use super::*;
    use serde_json::json;

    #[test]
    fn shared_pieces_round_trip_in_business_words() {
        let party = Party {
            name: Some("ACME DC 6".into()),
            ids: vec![PartyId {
                scheme: IdScheme::Gln,
                value: "0614141000012".into(),
            }],
            address: Some(Address {
                lines: vec!["100 Distribution Way".into()],
                city: Some("Columbus".into()),
                region: Some("OH".into()),
                postal_code: Some("43215".into()),
                country: Some("US".into()),
            }),
            ..Party::new(PartyRole::ShipTo)
        };
        let json = round_trip(&party);
        assert_eq!(json["role"], "ship_to");
        assert_eq!(json["ids"][0]["scheme"], "gln");
        assert!(json.get("contacts").is_none(), "empty vectors stay out");

        let allowance = AllowanceCharge {
            indicator: AllowanceOrCharge::Allowance,
            service: AllowanceChargeService::Other("ZZZZ".into()),
            amount: Some(d("387.53")),
            percent: None,
            rate: None,
            quantity: Some(Quantity::new(d("12"), UnitOfMeasure::Case)),
            handling: Some(AllowanceHandling::OffInvoice),
            reference: None,
            description: None,
        };
        let json = round_trip(&allowance);
        assert_eq!(json["amount"], "387.53");
        assert_eq!(json["service"], json!({"other": "ZZZZ"}));
        assert_eq!(json["quantity"], json!({"value": "12", "unit": "case"}));

        let date = EventDate {
            kind: DateKind::CancelAfter,
            date: day(2026, 11, 26),
            time: NaiveTime::from_hms_opt(17, 30, 0),
        };
        let json = round_trip(&date);
        assert_eq!(
            json,
            json!({"kind": "cancel_after", "date": "2026-11-26", "time": "17:30:00"})
        );
    }

    #[test]
    fn unmapped_elements_keep_their_shape() {
        let source = Source {
            partner_id: Some("acme".into()),
            interchange_sender: Some(PartyId {
                scheme: IdScheme::MutuallyDefined,
                value: "ACMERETAIL".into(),
            }),
            interchange_control_number: Some("000000905".into()),
            version: Some("004010".into()),
            unmapped: vec![UnmappedSegment {
                id: "XYZ".into(),
                position: 7,
                loop_path: Some("PO1[2]/N1[1]".into()),
                elements: vec![
                    UnmappedElement::Simple("A".into()),
                    UnmappedElement::Simple(String::new()),
                    UnmappedElement::Composite(vec!["B".into(), "C".into()]),
                    UnmappedElement::Repeated(vec![vec!["D".into()], vec!["E".into(), "F".into()]]),
                ],
            }],
            ..Source::default()
        };
        let json = round_trip(&source);
        assert_eq!(json["interchange_control_number"], "000000905");
        assert_eq!(
            json["unmapped"][0]["elements"],
            json!(["A", "", ["B", "C"], [["D"], ["E", "F"]]])
        );
    }
}
