//! The invoice for a shipment: derived from the buyer's order and the warehouse's
//! confirmation ([`super::shipment`]), so that it bills what actually shipped (not what was
//! ordered), at the order's prices, with the order's allowances carried over and the agreed
//! terms' due dates worked out.
//!
//! Allowances and charges stated as a percent or a rate scale with what is billed by
//! themselves. One stated only as an amount was granted on the whole order: on a partial
//! shipment it is prorated by the share of the order's value that ships (a line's by the
//! share of its quantity), to the cent, and the derivation says so in a note. The totals are
//! not filled in here: they are the mapping's arithmetic (`map::ts810_out::invoice_amounts`).

use rust_decimal::{Decimal, RoundingStrategy};

use super::common::{AllowanceCharge, Party, PartyRole, Quantity, Reference, ReferenceKind};
use super::invoice::{Invoice, InvoiceKind, InvoiceLine, InvoiceTotals, ShipmentSummary};
use super::packing::{party, reply_source};
use super::shipment::{DerivationProblem, ResolvedShipment};
use super::terms::{Terms, TermsBasis};

/// An invoice derived from a shipment, with what the derivation decided that a person
/// should know (prorations, lines left out).
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedInvoice {
    pub invoice: Invoice,
    pub notes: Vec<String>,
}

/// The invoice for `shipment`, from the confirmation's `invoice` instructions (number,
/// date, agreed terms, remit-to, added charges).
pub fn invoice_from(
    shipment: &ResolvedShipment<'_>,
) -> Result<DerivedInvoice, Vec<DerivationProblem>> {
    let order = shipment.order;
    let confirmation = shipment.confirmation;
    let Some(instructions) = &confirmation.invoice else {
        return Err(vec![DerivationProblem::new(
            "invoice",
            "the confirmation has no \"invoice\" block: give at least the invoice's number \
             and date",
        )]);
    };
    let mut problems = Vec::new();
    let mut notes = Vec::new();

    let mut lines = Vec::new();
    let mut ordered_value = Decimal::ZERO;
    let mut billed_value = Decimal::ZERO;
    for (i, line) in order.lines.iter().enumerate() {
        let shipped = shipment.shipped[i];
        let id = line.line_id.as_deref().unwrap_or("(no id)");
        let Some(price) = line.unit_price else {
            if !shipped.is_zero() {
                problems.push(DerivationProblem::new(
                    format!("order line {id}"),
                    "has no unit price, so the invoice cannot bill it; ask the buyer for a \
                     priced order",
                ));
            }
            continue;
        };
        // Values no invoice could state are refused, not overflowed.
        let too_large = || {
            DerivationProblem::new(
                format!("order line {id}"),
                "its quantity times its price is too large to bill; check the order's numbers",
            )
        };
        match line
            .quantity
            .value
            .checked_mul(price)
            .and_then(|v| ordered_value.checked_add(v))
        {
            Some(v) => ordered_value = v,
            None => {
                problems.push(too_large());
                continue;
            }
        }
        if shipped.is_zero() {
            notes.push(format!("order line {id}: nothing shipped, not invoiced"));
            continue;
        }
        match shipped
            .checked_mul(price)
            .and_then(|v| billed_value.checked_add(v))
        {
            Some(v) => billed_value = v,
            None => {
                problems.push(too_large());
                continue;
            }
        }
        let share = ratio(shipped, line.quantity.value);
        let allowances_charges = line
            .allowances_charges
            .iter()
            .enumerate()
            .map(|(k, ac)| {
                carried(
                    ac,
                    share,
                    &format!("order line {id} allowance/charge {}", k + 1),
                    &mut notes,
                )
            })
            .collect();
        lines.push(InvoiceLine {
            line_id: line.line_id.clone(),
            quantity: Quantity::new(shipped, line.quantity.unit.clone()),
            unit_price: price,
            price_basis: line.price_basis.clone(),
            product_ids: line.product_ids.clone(),
            description: line.description.clone(),
            allowances_charges,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let share = ratio(billed_value, ordered_value);
    let mut allowances_charges: Vec<AllowanceCharge> = order
        .allowances_charges
        .iter()
        .enumerate()
        .map(|(k, ac)| {
            carried(
                ac,
                share,
                &format!("order allowance/charge {}", k + 1),
                &mut notes,
            )
        })
        .collect();
    allowances_charges.extend(instructions.allowances_charges.iter().cloned());

    let terms_source = if instructions.terms.is_empty() {
        &order.terms
    } else {
        &instructions.terms
    };
    let terms = terms_source
        .iter()
        .map(|t| with_due_dates(t, instructions.date, confirmation.ship_date))
        .collect();

    let mut parties: Vec<Party> = [PartyRole::ShipTo, PartyRole::BillTo, PartyRole::Buyer]
        .iter()
        .filter_map(|role| party(order, role))
        .collect();
    if let Some(remit_to) = &instructions.remit_to {
        parties.push(remit_to.clone());
    }
    parties.extend(party(order, &PartyRole::Vendor));

    let mut references: Vec<Reference> = order
        .references
        .iter()
        .filter(|r| r.kind != ReferenceKind::PurchaseOrder)
        .cloned()
        .collect();
    if let Some(bol) = &confirmation.bill_of_lading {
        references.push(Reference {
            kind: ReferenceKind::BillOfLading,
            value: bol.clone(),
            description: None,
        });
    }

    let carrier = confirmation
        .carrier
        .clone()
        .or_else(|| order.routing.first().cloned());
    let packages = shipment.lading_quantity();
    let weight = shipment.gross_weight();
    let summary =
        (carrier.is_some() || packages.is_some() || weight.is_some()).then_some(ShipmentSummary {
            carrier,
            packages,
            weight,
        });

    Ok(DerivedInvoice {
        invoice: Invoice {
            number: instructions.number.clone(),
            date: instructions.date,
            kind: InvoiceKind::Invoice,
            purchase_order: Some(order.number.clone()),
            purchase_order_date: Some(order.date),
            release: order.release.clone(),
            currency: order.currency.clone(),
            references,
            parties,
            terms,
            ship_date: Some(confirmation.ship_date),
            lines,
            allowances_charges,
            taxes: Vec::new(),
            totals: InvoiceTotals::default(),
            shipment: summary,
            source: reply_source(&order.source),
        },
        notes,
    })
}

/// `part / whole`, or one when there is no whole to share.
fn ratio(part: Decimal, whole: Decimal) -> Decimal {
    if whole.is_zero() {
        Decimal::ONE
    } else {
        part.checked_div(whole).unwrap_or(Decimal::ONE)
    }
}

/// An allowance or charge of the order as the invoice carries it: a stated amount
/// prorated by `share` when less than all of it ships.
fn carried(
    ac: &AllowanceCharge,
    share: Decimal,
    place: &str,
    notes: &mut Vec<String>,
) -> AllowanceCharge {
    let mut ac = ac.clone();
    let by_itself = ac.percent.is_some() || ac.rate.is_some();
    if let Some(amount) = ac.amount
        && !by_itself
        && share < Decimal::ONE
        && let Some(prorated) = amount.checked_mul(share)
    {
        let prorated = prorated.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        notes.push(format!(
            "{place}: {amount} on the order, {prorated} for the part shipped"
        ));
        ac.amount = Some(prorated);
    }
    if by_itself && share < Decimal::ONE {
        // Worked out again on what is billed.
        ac.amount = None;
    }
    ac
}

/// `terms` with their discount and net due dates worked out from the invoice or ship date,
/// as the basis says; other bases (delivery, receipt) are left to the buyer.
fn with_due_dates(
    terms: &Terms,
    invoice_date: chrono::NaiveDate,
    ship_date: chrono::NaiveDate,
) -> Terms {
    let basis = match terms.basis {
        TermsBasis::InvoiceDate => Some(invoice_date),
        TermsBasis::ShipDate => Some(ship_date),
        _ => None,
    };
    let mut terms = terms.clone();
    if let Some(date) = basis {
        terms.discount_due_date = terms.discount_due_date_from(date);
        terms.net_due_date = terms.net_due_date_from(date);
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::test_support::{d, day};
    use crate::document::common::{AllowanceChargeService, AllowanceOrCharge};
    use crate::document::shipment::tests::{carton, confirmation, order};
    use crate::document::shipment::{InvoiceInstructions, resolve};

    fn instructions() -> InvoiceInstructions {
        InvoiceInstructions {
            number: "INV-20261120-7".into(),
            date: day(2026, 11, 20),
            ..InvoiceInstructions::default()
        }
    }

    #[test]
    fn bills_what_shipped_at_the_order_prices_with_the_order_terms() {
        let order = order();
        let mut confirmation = confirmation();
        confirmation.invoice = Some(instructions());
        let shipped = resolve(&order, &confirmation).unwrap();
        let derived = invoice_from(&shipped).unwrap();
        let invoice = &derived.invoice;
        assert_eq!(invoice.purchase_order.as_deref(), Some("4500012345"));
        assert_eq!(invoice.lines.len(), 2);
        assert_eq!(invoice.lines[0].quantity.value, d("24"));
        assert_eq!(invoice.lines[0].unit_price, d("3.61"));
        assert_eq!(invoice.lines[1].quantity.value, d("12"));
        // 2% 10 NET 30 from the invoice date.
        assert_eq!(invoice.terms[0].discount_due_date, Some(day(2026, 11, 30)));
        assert_eq!(invoice.terms[0].net_due_date, Some(day(2026, 12, 20)));
        assert_eq!(invoice.ship_date, Some(day(2026, 11, 19)));
        assert_eq!(invoice.parties[0].role, PartyRole::ShipTo);
        // Ordered 36 × 3.61 + 24 × 8.25 = 327.96; shipped 24 × 3.61 + 12 × 8.25 = 185.64:
        // the 23.50 allowance is prorated to 23.50 × 185.64 / 327.96 = 13.30.
        assert_eq!(invoice.allowances_charges[0].amount, Some(d("13.30")));
        assert_eq!(
            derived.notes,
            ["order allowance/charge 1: 23.50 on the order, 13.30 for the part shipped"]
        );
    }

    #[test]
    fn a_complete_shipment_carries_allowances_whole_and_agreed_terms_win() {
        let order = order();
        let mut confirmation = confirmation();
        confirmation.cartons = vec![carton(&[("1", "36")]), carton(&[("2", "24")])];
        confirmation.invoice = Some(InvoiceInstructions {
            terms: vec![Terms::net(30)],
            allowances_charges: vec![AllowanceCharge {
                indicator: AllowanceOrCharge::Charge,
                service: AllowanceChargeService::Freight,
                amount: Some(d("45.00")),
                percent: None,
                rate: None,
                quantity: None,
                handling: None,
                reference: None,
                description: None,
            }],
            ..instructions()
        });
        let shipped = resolve(&order, &confirmation).unwrap();
        let derived = invoice_from(&shipped).unwrap();
        let invoice = &derived.invoice;
        assert_eq!(invoice.allowances_charges[0].amount, Some(d("23.50")));
        assert_eq!(
            invoice.allowances_charges[1].service,
            AllowanceChargeService::Freight
        );
        assert_eq!(invoice.terms.len(), 1);
        assert_eq!(invoice.terms[0].net_due_date, Some(day(2026, 12, 20)));
        assert_eq!(invoice.terms[0].discount_percent, None);
        assert!(derived.notes.is_empty(), "{:?}", derived.notes);
    }

    #[test]
    fn unshipped_lines_are_left_out_and_unpriced_shipped_lines_refused() {
        let mut order = order();
        let mut confirmation = confirmation();
        confirmation.cartons = vec![carton(&[("2", "24")])];
        confirmation.invoice = Some(instructions());
        let shipped = resolve(&order, &confirmation).unwrap();
        let derived = invoice_from(&shipped).unwrap();
        assert_eq!(derived.invoice.lines.len(), 1);
        assert!(derived.notes[0].contains("order line 1: nothing shipped"));

        order.lines[1].unit_price = None;
        let shipped = resolve(&order, &confirmation).unwrap();
        let problems = invoice_from(&shipped).unwrap_err();
        assert_eq!(problems[0].place, "order line 2");

        confirmation.invoice = None;
        let shipped = resolve(&order, &confirmation).unwrap();
        let problems = invoice_from(&shipped).unwrap_err();
        assert_eq!(problems[0].place, "invoice");
    }

    #[test]
    fn a_percent_allowance_is_worked_out_again_on_what_is_billed() {
        let mut order = order();
        order.allowances_charges[0].percent = Some(d("5"));
        let mut confirmation = confirmation();
        confirmation.invoice = Some(instructions());
        let shipped = resolve(&order, &confirmation).unwrap();
        let derived = invoice_from(&shipped).unwrap();
        let ac = &derived.invoice.allowances_charges[0];
        assert_eq!((ac.percent, ac.amount), (Some(d("5")), None));
    }
}

#[cfg(test)]
mod overflow_tests {
    use super::*;
    use crate::document::common::test_support::{d, day};
    use crate::document::shipment::tests::{carton, confirmation, order};
    use crate::document::shipment::{InvoiceInstructions, resolve};

    #[test]
    fn numbers_no_invoice_could_state_are_refused_not_overflowed() {
        let mut order = order();
        order.lines[0].quantity.value = d("50000000000000000000");
        order.lines[0].unit_price = Some(d("90000000000"));
        let mut confirmation = confirmation();
        confirmation.cartons = vec![carton(&[("1", "40000000000000000000")])];
        confirmation.invoice = Some(InvoiceInstructions {
            number: "INV-1".into(),
            date: day(2026, 11, 20),
            ..InvoiceInstructions::default()
        });
        let shipped = resolve(&order, &confirmation).unwrap();
        let problems = invoice_from(&shipped).unwrap_err();
        assert_eq!(problems[0].place, "order line 1");
        assert!(
            problems[0].message.contains("too large to bill"),
            "{problems:?}"
        );
        // Quantities that add up beyond a decimal are refused where they are added.
        confirmation.cartons = vec![
            carton(&[("1", "70000000000000000000000000000")]),
            carton(&[("1", "70000000000000000000000000000")]),
        ];
        let problems = resolve(&order, &confirmation).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.message.contains("beyond what can be counted")),
            "{problems:?}"
        );
    }
}
