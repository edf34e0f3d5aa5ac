//! A ship notice: what left the dock, for which orders, in which cartons on which pallets,
//! so the buyer can receive it by scanning labels instead of opening boxes.

use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{Carrier, Party, ProductId, Purpose, Quantity, Reference, Source};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ShipNotice {
    /// Our id for the shipment, unique per partner.
    pub shipment_id: String,
    pub purpose: Purpose,
    /// When the notice was written, if not the ship date.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub notice_date: Option<NaiveDate>,
    /// The time of day the notice was written; when absent, the time it is sent.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub notice_time: Option<NaiveTime>,
    pub ship_date: NaiveDate,
    /// When the shipment left, if the partner wants the hour as well as the day.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ship_time: Option<NaiveTime>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub estimated_delivery: Option<NaiveDate>,
    pub structure: PackingStructure,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub carrier: Option<Carrier>,
    /// What the goods travel in: a trailer, a container.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub equipment_kind: Option<EquipmentKind>,
    /// The owner's letters painted before the equipment number ("MSKU" on a container).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub equipment_initial: Option<String>,
    /// Trailer or container number.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub equipment_number: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub seal_numbers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub gross_weight: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub net_weight: Option<Quantity>,
    /// Number of handling units as the carrier counts them (cartons, pallets).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lading_quantity: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bill_of_lading: Option<String>,
    /// The carrier's freight bill (PRO) number, or the master tracking number for parcel.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pro_number: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub references: Vec<Reference>,
    /// Ship-from and ship-to for the whole shipment; an order may name its own store.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub parties: Vec<Party>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub orders: Vec<ShippedOrder>,
    pub source: Source,
}

/// What the goods travel in, for the dock that unloads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EquipmentKind {
    Trailer,
    /// A shipping container, on a chassis, a rail car or a ship.
    Container,
    /// A temperature-controlled trailer.
    RefrigeratedTrailer,
    Other(String),
}

/// How the notice nests its contents. The same goods can be described either way round;
/// which one a partner wants is set by its guide, so it travels with the notice.
///
/// Pallets, when the partner wants them, sit between order and pack in any structure that
/// has packs; they are present when an order has `tares`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackingStructure {
    /// "Pick and pack": each carton lists the items in it, so a carton may mix items.
    /// Orders hold `packs`, and each pack its `items`.
    #[default]
    ShipmentOrderPackItem,
    /// "Standard pack": each item lists the cartons that hold it, every carton holding one
    /// item. Orders hold `items`, and each item its `packs` (which carry no items).
    ShipmentOrderItemPack,
    /// No cartons at all: orders hold `items` only.
    ShipmentOrderItem,
    Other(String),
}

/// The part of one purchase order that is on this shipment.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ShippedOrder {
    pub purchase_order: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub purchase_order_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub release: Option<String>,
    /// Department, vendor number and the like, as the buyer's guide asks to repeat them.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub references: Vec<Reference>,
    /// The order's own store or mark-for, when the shipment goes to a distribution centre.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub parties: Vec<Party>,
    /// Pallets with the cartons on them; those cartons are not repeated in `packs`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub tares: Vec<Tare>,
    /// Cartons not on a listed pallet.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub packs: Vec<Pack>,
    /// Items listed outside any carton: see [`PackingStructure`] for when.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub items: Vec<ShippedItem>,
}

/// A pallet, identified by the SSCC on its label.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Tare {
    /// The 18-digit SSCC as text, exactly as labelled. Text rather than the checked
    /// [`Sscc`](super::gs1::Sscc), so that a partner's mislabelled pallet can still be held
    /// and pointed at; its check digit is verified before anything is sent.
    pub sscc: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub packs: Vec<Pack>,
}

/// A carton, identified by the SSCC on its label.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Pack {
    /// The 18-digit SSCC as text; as for [`Tare::sscc`].
    pub sscc: String,
    /// The parcel carrier's tracking number for this carton.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tracking_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub weight: Option<Quantity>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub items: Vec<ShippedItem>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ShippedItem {
    /// The purchase-order line shipped against.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub product_ids: Vec<ProductId>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    /// In this carton when listed under a pack, otherwise on the whole shipment.
    pub quantity_shipped: Quantity,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub quantity_ordered: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<ItemStatus>,
    /// Units per carton.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub case_pack: Option<Decimal>,
    /// The cartons holding this item, in the standard-pack structure.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub packs: Vec<Pack>,
}

/// How the shipped quantity stands against the ordered one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Complete,
    /// Short, and the rest will not follow.
    Partial,
    /// Short, and the rest will follow on a later shipment.
    BackOrdered,
    Cancelled,
    Substituted,
    Other(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::test_support::{d, day, round_trip};
    use crate::document::common::{
        IdScheme, PartyId, PartyRole, ProductIdKind, ReferenceKind, TransportMode, UnitOfMeasure,
    };
    use serde_json::json;

    fn each(n: &str) -> Quantity {
        Quantity::new(d(n), UnitOfMeasure::Each)
    }

    fn upc() -> Vec<ProductId> {
        vec![ProductId {
            kind: ProductIdKind::Upc,
            value: "012345678905".into(),
        }]
    }

    fn carton(sscc: &str, units: &str) -> Pack {
        Pack {
            sscc: sscc.into(),
            weight: Some(Quantity::new(d("9.5"), UnitOfMeasure::Pound)),
            items: vec![ShippedItem {
                line_id: Some("1".into()),
                product_ids: upc(),
                quantity_shipped: each(units),
                ..ShippedItem::default()
            }],
            ..Pack::default()
        }
    }

    fn sample() -> ShipNotice {
        ShipNotice {
            shipment_id: "SH-000481".into(),
            ship_date: day(2026, 11, 19),
            ship_time: NaiveTime::from_hms_opt(16, 45, 0),
            estimated_delivery: Some(day(2026, 11, 26)),
            carrier: Some(Carrier {
                scac: Some("ODFL".into()),
                mode: Some(TransportMode::LessThanTruckload),
                ..Carrier::default()
            }),
            equipment_kind: Some(EquipmentKind::Trailer),
            equipment_number: Some("TRL 5531".into()),
            seal_numbers: vec!["SEAL0098812".into()],
            gross_weight: Some(Quantity::new(d("412.50"), UnitOfMeasure::Pound)),
            lading_quantity: Some(Quantity::new(d("4"), UnitOfMeasure::Carton)),
            bill_of_lading: Some("BOL778812".into()),
            pro_number: Some("PRO44120987".into()),
            parties: vec![
                Party {
                    name: Some("Widget Works Inc".into()),
                    ..Party::new(PartyRole::ShipFrom)
                },
                Party {
                    ids: vec![PartyId {
                        scheme: IdScheme::Gln,
                        value: "0614141000012".into(),
                    }],
                    ..Party::new(PartyRole::ShipTo)
                },
            ],
            orders: vec![ShippedOrder {
                purchase_order: "4500012345".into(),
                purchase_order_date: Some(day(2026, 11, 2)),
                references: vec![Reference {
                    kind: ReferenceKind::Department,
                    value: "042".into(),
                    description: None,
                }],
                tares: vec![Tare {
                    sscc: "006141410000000012".into(),
                    packs: vec![
                        carton("006141410000000029", "12"),
                        carton("006141410000000036", "12"),
                    ],
                }],
                packs: vec![carton("006141410000000043", "12")],
                ..ShippedOrder::default()
            }],
            ..ShipNotice::default()
        }
    }

    #[test]
    fn ship_notice_round_trips_with_exact_weights_and_plain_dates() {
        let json = round_trip(&sample());
        assert_eq!(json["ship_date"], "2026-11-19");
        assert_eq!(json["estimated_delivery"], "2026-11-26");
        assert_eq!(json["structure"], "shipment_order_pack_item");
        assert_eq!(json["ship_time"], "16:45:00");
        assert_eq!(json["equipment_kind"], "trailer");
        assert!(json.get("notice_time").is_none());
        assert_eq!(
            json["gross_weight"],
            json!({"value": "412.50", "unit": "pound"})
        );
        let order = &json["orders"][0];
        assert_eq!(order["tares"][0]["packs"][1]["sscc"], "006141410000000036");
        assert_eq!(
            order["packs"][0]["items"][0]["quantity_shipped"]["value"],
            "12"
        );
        assert!(order.get("items").is_none());
    }

    #[test]
    fn standard_pack_lists_cartons_under_items() {
        let notice = ShipNotice {
            shipment_id: "SH-000482".into(),
            ship_date: day(2026, 11, 19),
            structure: PackingStructure::ShipmentOrderItemPack,
            orders: vec![ShippedOrder {
                purchase_order: "4500012346".into(),
                items: vec![ShippedItem {
                    line_id: Some("1".into()),
                    product_ids: upc(),
                    quantity_shipped: each("24"),
                    quantity_ordered: Some(each("36")),
                    status: Some(ItemStatus::BackOrdered),
                    case_pack: Some(d("12")),
                    packs: vec![
                        Pack {
                            sscc: "006141410000000050".into(),
                            ..Pack::default()
                        },
                        Pack {
                            sscc: "006141410000000067".into(),
                            ..Pack::default()
                        },
                    ],
                    ..ShippedItem::default()
                }],
                ..ShippedOrder::default()
            }],
            ..ShipNotice::default()
        };
        let json = round_trip(&notice);
        let item = &json["orders"][0]["items"][0];
        assert_eq!(item["status"], "back_ordered");
        assert_eq!(item["case_pack"], "12");
        assert_eq!(item["packs"][0], json!({"sscc": "006141410000000050"}));
    }
}
