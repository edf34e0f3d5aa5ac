//! The ship notice a supplier sends for a shipment: derived from the buyer's order and the
//! warehouse's confirmation ([`super::shipment`]), so that every item quotes the order's
//! line id and product ids, every carton has a checked SSCC, and the status of each line
//! (complete, back-ordered, short) is worked out, not typed in.

use rust_decimal::Decimal;

use super::common::{Party, PartyRole, Quantity, Source};
use super::order::PurchaseOrder;
use super::ship_notice::{
    ItemStatus, Pack, PackingStructure, ShipNotice, ShippedItem, ShippedOrder, Tare,
};
use super::shipment::{Remainder, ResolvedCarton, ResolvedShipment};

/// The ship notice for `shipment`. Lines of the order with nothing on this shipment are
/// not listed (their status is the invoice's and the next notice's business).
pub fn ship_notice_from(shipment: &ResolvedShipment<'_>) -> ShipNotice {
    let order = shipment.order;
    let confirmation = shipment.confirmation;
    let mut parties = Vec::new();
    if let Some(from) = confirmation.ship_from.clone().or_else(|| {
        party(order, &PartyRole::ShipFrom).or_else(|| {
            party(order, &PartyRole::Vendor).map(|p| Party {
                role: PartyRole::ShipFrom,
                ..p
            })
        })
    }) {
        parties.push(from);
    }
    parties.extend(party(order, &PartyRole::ShipTo));

    let shipped_order = ShippedOrder {
        purchase_order: order.number.clone(),
        purchase_order_date: Some(order.date),
        release: order.release.clone(),
        references: order.references.clone(),
        parties: order
            .parties
            .iter()
            .filter(|p| p.role == PartyRole::MarkFor)
            .cloned()
            .collect(),
        tares: Vec::new(),
        packs: Vec::new(),
        items: Vec::new(),
    };
    let shipped_order = match shipment.structure {
        PackingStructure::ShipmentOrderPackItem => ShippedOrder {
            tares: shipment
                .pallets
                .iter()
                .map(|pallet| Tare {
                    sscc: pallet.sscc.to_string(),
                    packs: pallet.cartons.iter().map(|c| pack(shipment, c)).collect(),
                })
                .collect(),
            packs: shipment.cartons.iter().map(|c| pack(shipment, c)).collect(),
            ..shipped_order
        },
        PackingStructure::ShipmentOrderItemPack => ShippedOrder {
            items: shipment
                .shipped_lines()
                .map(|i| ShippedItem {
                    packs: shipment
                        .all_cartons()
                        .filter(|c| c.contents.iter().any(|(line, _)| *line == i))
                        .map(|c| Pack {
                            items: Vec::new(),
                            ..pack(shipment, c)
                        })
                        .collect(),
                    ..item(shipment, i, shipment.shipped[i])
                })
                .collect(),
            ..shipped_order
        },
        // Also `Other`, which `resolve` refuses before anything is derived.
        PackingStructure::ShipmentOrderItem | PackingStructure::Other(_) => ShippedOrder {
            items: shipment
                .shipped_lines()
                .map(|i| item(shipment, i, shipment.shipped[i]))
                .collect(),
            ..shipped_order
        },
    };

    ShipNotice {
        shipment_id: confirmation.shipment_id.clone(),
        ship_date: confirmation.ship_date,
        estimated_delivery: confirmation.estimated_delivery,
        structure: shipment.structure.clone(),
        carrier: confirmation
            .carrier
            .clone()
            .or_else(|| order.routing.first().cloned()),
        equipment_number: confirmation.equipment_number.clone(),
        seal_numbers: confirmation.seal_numbers.clone(),
        gross_weight: shipment.gross_weight(),
        lading_quantity: shipment.lading_quantity(),
        bill_of_lading: confirmation.bill_of_lading.clone(),
        pro_number: confirmation.pro_number.clone(),
        parties,
        orders: vec![shipped_order],
        source: reply_source(&order.source),
        ..ShipNotice::default()
    }
}

/// The envelope facts of a document sent back to whoever sent `received`: the two
/// interchange parties swapped, the partner kept, the version kept as a default; no
/// control numbers (the outbox allocates them) and nothing unmapped.
pub fn reply_source(received: &Source) -> Source {
    Source {
        partner_id: received.partner_id.clone(),
        interchange_sender: received.interchange_receiver.clone(),
        interchange_receiver: received.interchange_sender.clone(),
        version: received.version.clone(),
        ..Source::default()
    }
}

/// The order's first party in `role`.
pub(crate) fn party(order: &PurchaseOrder, role: &PartyRole) -> Option<Party> {
    order.parties.iter().find(|p| p.role == *role).cloned()
}

fn pack(shipment: &ResolvedShipment<'_>, carton: &ResolvedCarton) -> Pack {
    Pack {
        sscc: carton.sscc.to_string(),
        tracking_number: carton.tracking_number.clone(),
        weight: carton.weight.clone(),
        items: carton
            .contents
            .iter()
            .map(|&(line, quantity)| item(shipment, line, quantity))
            .collect(),
    }
}

/// Order line `index` with `quantity` of it; the ordered quantity and the line's status
/// are the whole shipment's.
fn item(shipment: &ResolvedShipment<'_>, index: usize, quantity: Decimal) -> ShippedItem {
    let line = shipment.line(index);
    let shipped = shipment.shipped[index];
    let status = if shipped >= line.quantity.value {
        ItemStatus::Complete
    } else {
        match shipment.confirmation.remainder {
            Remainder::BackOrder => ItemStatus::BackOrdered,
            Remainder::Cancel => ItemStatus::Partial,
        }
    };
    ShippedItem {
        line_id: line.line_id.clone(),
        product_ids: line.product_ids.clone(),
        description: line.description.clone(),
        quantity_shipped: Quantity::new(quantity, line.quantity.unit.clone()),
        quantity_ordered: Some(line.quantity.clone()),
        status: Some(status),
        case_pack: line.pack,
        packs: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::test_support::d;
    use crate::document::common::{IdScheme, PartyId, UnitOfMeasure};
    use crate::document::shipment::tests::{carton, confirmation, order};
    use crate::document::shipment::{ConfirmedPallet, ShippedQuantity, resolve};

    #[test]
    fn pick_and_pack_lists_each_carton_with_its_items_and_line_status() {
        let mut order = order();
        order.source.interchange_sender = Some(PartyId {
            scheme: IdScheme::MutuallyDefined,
            value: "BIGRETAIL".into(),
        });
        let confirmation = confirmation();
        let shipped = resolve(&order, &confirmation).unwrap();
        let notice = ship_notice_from(&shipped);
        assert_eq!(notice.structure, PackingStructure::ShipmentOrderPackItem);
        let packs = &notice.orders[0].packs;
        assert_eq!(packs.len(), 2);
        assert_eq!(packs[0].sscc, "006141410000000012");
        assert_eq!(packs[0].items.len(), 2);
        let first = &packs[0].items[0];
        assert_eq!(first.line_id.as_deref(), Some("1"));
        assert_eq!(first.quantity_shipped.value, d("12"));
        // Line 1: 24 of 36 shipped in all, the rest to follow.
        assert_eq!(first.status, Some(ItemStatus::BackOrdered));
        assert_eq!(first.case_pack, Some(d("12")));
        assert_eq!(
            notice.lading_quantity,
            Some(Quantity::new(d("2"), UnitOfMeasure::Carton))
        );
        assert_eq!(
            notice.gross_weight,
            Some(Quantity::new(d("19.0"), UnitOfMeasure::Pound))
        );
        assert_eq!(notice.parties[0].role, PartyRole::ShipTo);
        // Sent back to the buyer: the order's sender is the notice's receiver.
        assert_eq!(
            notice
                .source
                .interchange_receiver
                .as_ref()
                .map(|p| p.value.as_str()),
            Some("BIGRETAIL")
        );
    }

    #[test]
    fn standard_pack_lists_each_line_once_with_its_cartons() {
        let order = order();
        let mut confirmation = confirmation();
        confirmation.structure = Some(PackingStructure::ShipmentOrderItemPack);
        confirmation.remainder = Remainder::Cancel;
        confirmation.cartons = vec![
            carton(&[("1", "12")]),
            carton(&[("1", "12")]),
            carton(&[("2", "24")]),
        ];
        let shipped = resolve(&order, &confirmation).unwrap();
        let notice = ship_notice_from(&shipped);
        let items = &notice.orders[0].items;
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].quantity_shipped.value, d("24"));
        assert_eq!(items[0].status, Some(ItemStatus::Partial));
        assert_eq!(items[0].packs.len(), 2);
        assert!(items[0].packs.iter().all(|p| p.items.is_empty()));
        assert_eq!(items[1].status, Some(ItemStatus::Complete));
        assert_eq!(items[1].packs[0].sscc, "006141410000000036");
    }

    #[test]
    fn pallets_hold_their_cartons_and_loose_goods_need_no_cartons() {
        let order = order();
        let mut confirmation = confirmation();
        confirmation.pallets = vec![ConfirmedPallet {
            sscc: None,
            cartons: std::mem::take(&mut confirmation.cartons),
        }];
        let shipped = resolve(&order, &confirmation).unwrap();
        let notice = ship_notice_from(&shipped);
        let tare = &notice.orders[0].tares[0];
        assert_eq!(
            tare.sscc, "006141410000000012",
            "the pallet is numbered first"
        );
        assert_eq!(tare.packs.len(), 2);
        assert!(notice.orders[0].packs.is_empty());

        let mut confirmation = self::confirmation();
        confirmation.cartons.clear();
        confirmation.loose = vec![ShippedQuantity {
            line_id: "2".into(),
            quantity: d("24"),
        }];
        let shipped = resolve(&order, &confirmation).unwrap();
        let notice = ship_notice_from(&shipped);
        assert_eq!(notice.structure, PackingStructure::ShipmentOrderItem);
        assert_eq!(notice.orders[0].items.len(), 1);
        assert_eq!(notice.lading_quantity, None);
    }
}
