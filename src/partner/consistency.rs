//! Consistency across documents: what a ship notice and an invoice say against the order they
//! answer, and the invoice against what the notices say shipped (the three-way match buyers
//! run before they pay). Pure: the documents are given; each mismatch names the order line.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::document::common::{PartyRole, ProductId};
use crate::document::invoice::Invoice;
use crate::document::order::{OrderLine, PurchaseOrder};
use crate::document::ship_notice::{ShipNotice, ShippedItem};

/// One thing two documents disagree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The order line it is about, when it is about one.
    pub line: Option<String>,
    pub detail: String,
}

fn mismatch(line: Option<&str>, detail: String) -> Mismatch {
    Mismatch {
        line: line.map(str::to_owned),
        detail,
    }
}

/// Every item a notice lists, wherever it sits (under the order, a pallet's cartons, a
/// carton), for order `number`.
fn items_for<'n>(notice: &'n ShipNotice, number: &str) -> Vec<&'n ShippedItem> {
    let mut items = Vec::new();
    for order in notice.orders.iter().filter(|o| o.purchase_order == number) {
        items.extend(order.items.iter());
        for pack in order
            .packs
            .iter()
            .chain(order.tares.iter().flat_map(|t| t.packs.iter()))
        {
            items.extend(pack.items.iter());
        }
    }
    items
}

/// The order line an item or invoice line names: by its line id, or without one by a product
/// id both give.
fn order_line<'o>(
    order: &'o PurchaseOrder,
    line_id: Option<&str>,
    products: &[ProductId],
) -> Option<&'o OrderLine> {
    // A line id names the line; only without one does a product id stand in for it.
    if let Some(id) = line_id {
        return order
            .lines
            .iter()
            .find(|l| l.line_id.as_deref() == Some(id));
    }
    order.lines.iter().find(|l| {
        l.product_ids.iter().any(|p| {
            products
                .iter()
                .any(|q| q.kind == p.kind && q.value == p.value)
        })
    })
}

fn label(line: &OrderLine) -> String {
    line.line_id.clone().unwrap_or_else(|| "(no id)".to_owned())
}

/// A notice against its order: every item is on the order, nothing ships beyond what was
/// ordered, and a product id the two both give agrees.
pub fn asn_against_order(notice: &ShipNotice, order: &PurchaseOrder) -> Vec<Mismatch> {
    let items = items_for(notice, &order.number);
    let mut out = Vec::new();
    if items.is_empty() {
        out.push(mismatch(
            None,
            format!("the notice ships nothing against order {}", order.number),
        ));
        return out;
    }
    let mut shipped: BTreeMap<String, Decimal> = BTreeMap::new();
    for item in items {
        let Some(line) = order_line(order, item.line_id.as_deref(), &item.product_ids) else {
            out.push(mismatch(
                item.line_id.as_deref(),
                format!(
                    "ships line {} ({}), which is not on order {}",
                    item.line_id.as_deref().unwrap_or("(no id)"),
                    item.product_ids
                        .first()
                        .map_or("no product id".to_owned(), |p| p.value.clone()),
                    order.number
                ),
            ));
            continue;
        };
        for product in &item.product_ids {
            if let Some(ordered) = line.product_ids.iter().find(|p| p.kind == product.kind)
                && ordered.value != product.value
            {
                out.push(mismatch(
                    line.line_id.as_deref(),
                    format!(
                        "line {}: the notice's {:?} is {}, the order's {}",
                        label(line),
                        product.kind,
                        product.value,
                        ordered.value
                    ),
                ));
            }
        }
        let total = shipped.entry(label(line)).or_default();
        *total = total
            .checked_add(item.quantity_shipped.value)
            .unwrap_or(Decimal::MAX);
    }
    for line in &order.lines {
        let total = shipped.get(&label(line)).copied().unwrap_or_default();
        if total > line.quantity.value {
            out.push(mismatch(
                line.line_id.as_deref(),
                format!(
                    "line {}: {total} shipped, {} ordered",
                    label(line),
                    line.quantity.value
                ),
            ));
        }
    }
    out
}

/// An invoice against its order: it names the order, every line is on it at the order's
/// price and within the quantity ordered, and it bills the order's ship-to.
pub fn invoice_against_order(invoice: &Invoice, order: &PurchaseOrder) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if invoice.purchase_order.as_deref() != Some(order.number.as_str()) {
        out.push(mismatch(
            None,
            format!(
                "the invoice names order {}, not {}",
                invoice.purchase_order.as_deref().unwrap_or("(none)"),
                order.number
            ),
        ));
    }
    for line in &invoice.lines {
        let Some(ordered) = order_line(order, line.line_id.as_deref(), &line.product_ids) else {
            out.push(mismatch(
                line.line_id.as_deref(),
                format!(
                    "bills line {}, which is not on order {}",
                    line.line_id.as_deref().unwrap_or("(no id)"),
                    order.number
                ),
            ));
            continue;
        };
        if let Some(price) = ordered.unit_price
            && price != line.unit_price
        {
            out.push(mismatch(
                ordered.line_id.as_deref(),
                format!(
                    "line {}: billed at {}, ordered at {price}",
                    label(ordered),
                    line.unit_price
                ),
            ));
        }
        if line.quantity.value > ordered.quantity.value {
            out.push(mismatch(
                ordered.line_id.as_deref(),
                format!(
                    "line {}: {} billed, {} ordered",
                    label(ordered),
                    line.quantity.value,
                    ordered.quantity.value
                ),
            ));
        }
    }
    let ship_to = |parties: &[crate::document::common::Party]| {
        parties
            .iter()
            .find(|p| p.role == PartyRole::ShipTo)
            .map(|p| p.ids.clone())
    };
    if let (Some(billed), Some(ordered)) = (ship_to(&invoice.parties), ship_to(&order.parties))
        && !billed.iter().any(|id| ordered.contains(id))
    {
        out.push(mismatch(
            None,
            format!(
                "the invoice's ship-to ({}) is not the order's ({})",
                ids(&billed),
                ids(&ordered)
            ),
        ));
    }
    out
}

fn ids(ids: &[crate::document::common::PartyId]) -> String {
    let shown: Vec<&str> = ids.iter().map(|i| i.value.as_str()).collect();
    if shown.is_empty() {
        "no id".to_owned()
    } else {
        shown.join(", ")
    }
}

/// An invoice against the notices of its order: each line bills what was shipped.
pub fn invoice_against_asn(invoice: &Invoice, notices: &[ShipNotice]) -> Vec<Mismatch> {
    let Some(number) = invoice.purchase_order.as_deref() else {
        return vec![mismatch(
            None,
            "the invoice names no order to match notices by".into(),
        )];
    };
    let items: Vec<&ShippedItem> = notices.iter().flat_map(|n| items_for(n, number)).collect();
    if items.is_empty() {
        return vec![mismatch(
            None,
            format!("no ship notice given ships against order {number}"),
        )];
    }
    let mut shipped: BTreeMap<Option<String>, Decimal> = BTreeMap::new();
    for item in &items {
        // Beyond what can be counted is more than any invoice bills: saturate, still a mismatch.
        let total = shipped.entry(item.line_id.clone()).or_default();
        *total = total
            .checked_add(item.quantity_shipped.value)
            .unwrap_or(Decimal::MAX);
    }
    let mut out = Vec::new();
    for line in &invoice.lines {
        let total = shipped.get(&line.line_id).copied().unwrap_or_default();
        if total != line.quantity.value {
            out.push(mismatch(
                line.line_id.as_deref(),
                format!(
                    "line {}: {} billed, {total} shipped",
                    line.line_id.as_deref().unwrap_or("(no id)"),
                    line.quantity.value
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::billing::invoice_from;
    use crate::document::common::test_support::{d, day};
    use crate::document::common::{IdScheme, PartyId};
    use crate::document::packing::ship_notice_from;
    use crate::document::shipment::tests::{confirmation, order};
    use crate::document::shipment::{InvoiceInstructions, resolve};

    fn documents() -> (PurchaseOrder, ShipNotice, Invoice) {
        let order = order();
        let mut confirmation = confirmation();
        confirmation.invoice = Some(InvoiceInstructions {
            number: "INV-1".into(),
            date: day(2026, 11, 20),
            ..InvoiceInstructions::default()
        });
        let shipped = resolve(&order, &confirmation).unwrap();
        let notice = ship_notice_from(&shipped);
        let invoice = invoice_from(&shipped).unwrap().invoice;
        (order, notice, invoice)
    }

    fn details(m: Vec<Mismatch>) -> Vec<String> {
        m.into_iter().map(|m| m.detail).collect()
    }

    #[test]
    fn documents_derived_from_one_shipment_agree() {
        let (order, notice, invoice) = documents();
        assert_eq!(asn_against_order(&notice, &order), []);
        assert_eq!(invoice_against_order(&invoice, &order), []);
        assert_eq!(invoice_against_asn(&invoice, &[notice]), []);
    }

    #[test]
    fn a_notice_off_its_order_is_named_line_by_line() {
        let (order, mut notice, _) = documents();
        let pack = &mut notice.orders[0].packs[0];
        pack.items[0].quantity_shipped.value = d("100");
        pack.items[1].product_ids[0].value = "012345678929".into();
        pack.items.push(ShippedItem {
            line_id: Some("9".into()),
            ..pack.items[0].clone()
        });
        assert_eq!(
            details(asn_against_order(&notice, &order)),
            [
                "line 2: the notice's Upc is 012345678929, the order's 012345678912",
                "ships line 9 (012345678905), which is not on order 4500012345",
                "line 1: 112 shipped, 36 ordered",
            ]
        );
    }

    #[test]
    fn an_invoice_off_its_order_or_its_notices_is_named() {
        let (mut order, notice, mut invoice) = documents();
        invoice.lines[0].unit_price = d("3.71");
        invoice.lines[1].quantity.value = d("30");
        order.parties[0].ids = vec![PartyId {
            scheme: IdScheme::Gln,
            value: "0614141000029".into(),
        }];
        invoice.parties.retain(|p| p.role == PartyRole::ShipTo);
        invoice.parties[0].ids = vec![PartyId {
            scheme: IdScheme::Gln,
            value: "0614141000012".into(),
        }];
        assert_eq!(
            details(invoice_against_order(&invoice, &order)),
            [
                "line 1: billed at 3.71, ordered at 3.61",
                "line 2: 30 billed, 24 ordered",
                "the invoice's ship-to (0614141000012) is not the order's (0614141000029)",
            ]
        );
        assert_eq!(
            details(invoice_against_asn(&invoice, std::slice::from_ref(&notice))),
            ["line 2: 30 billed, 12 shipped"]
        );
        invoice.purchase_order = Some("4500099999".into());
        assert_eq!(
            details(invoice_against_asn(&invoice, &[notice])),
            ["no ship notice given ships against order 4500099999"]
        );
    }
}
