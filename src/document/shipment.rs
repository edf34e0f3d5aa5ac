//! A shipment confirmation: what the warehouse says actually left the dock against one
//! purchase order (cartons and their contents, pallets, weights, carrier, tracking). It is
//! the supplier's own record, not a document anyone trades; the ship notice
//! ([`super::packing`]) and the invoice ([`super::billing`]) are derived from it and the
//! order, so that the two always tell the buyer the same story.
//!
//! [`resolve`] checks a confirmation against its order before anything is derived: every
//! line it names must be on the order, nothing may ship beyond what was ordered, every
//! SSCC given must be valid and used once, and the SSCCs not given are generated from the
//! GS1 company prefix. Every problem is reported at once, in the confirmation's words
//! ("carton 3, contents 2").

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{AllowanceCharge, Carrier, Party, Quantity, UnitOfMeasure};
use super::gs1::Sscc;
use super::order::{OrderLine, PurchaseOrder};
use super::ship_notice::PackingStructure;
use super::terms::Terms;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShipmentConfirmation {
    /// The warehouse's id for the shipment (BSN02 of the ship notice).
    pub shipment_id: String,
    /// Which purchase order this ships against; when given it must match the order's.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub purchase_order: Option<String>,
    pub ship_date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub estimated_delivery: Option<NaiveDate>,
    /// How the ship notice nests its contents; by default pick and pack when there are
    /// cartons, otherwise items alone.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub structure: Option<PackingStructure>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub carrier: Option<Carrier>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bill_of_lading: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pro_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub equipment_number: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub seal_numbers: Vec<String>,
    /// The whole shipment's weight; when left out, the sum of the cartons' weights if every
    /// carton has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub gross_weight: Option<Quantity>,
    /// Where the goods left from; when left out, the order's ship-from or vendor.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ship_from: Option<Party>,
    /// How SSCCs are made for the pallets and cartons that do not state one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sscc: Option<SsccSeries>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub pallets: Vec<ConfirmedPallet>,
    /// Cartons not on a listed pallet.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub cartons: Vec<ConfirmedCarton>,
    /// Goods shipped without cartons (bulk, or a partner who wants no pack level).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub loose: Vec<ShippedQuantity>,
    /// What becomes of ordered quantities this shipment leaves behind.
    #[serde(default)]
    pub remainder: Remainder,
    /// What the invoice needs beyond the order and the shipment; required by
    /// `edigate invoice`, ignored by `edigate asn`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub invoice: Option<InvoiceInstructions>,
}

/// The GS1 numbering the supplier owns: SSCC = extension digit, company prefix, serial,
/// check digit. The next serial to use must be kept by the caller between shipments.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsccSeries {
    /// Empty: the partner profile's (`commercial.gs1_company_prefix`).
    #[serde(default)]
    pub company_prefix: String,
    #[serde(default)]
    pub extension_digit: u8,
    pub first_serial: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmedPallet {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sscc: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub cartons: Vec<ConfirmedCarton>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmedCarton {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sscc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tracking_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub weight: Option<Quantity>,
    pub contents: Vec<ShippedQuantity>,
}

/// So much of one order line, in the order line's own unit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippedQuantity {
    pub line_id: String,
    pub quantity: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// The rest follows on a later shipment.
    #[default]
    BackOrder,
    /// The rest will not be shipped.
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceInstructions {
    pub number: String,
    pub date: NaiveDate,
    /// The terms agreed with the partner; when left out, the order's.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub terms: Vec<Terms>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub remit_to: Option<Party>,
    /// Charges of this shipment the order could not know (freight prepaid and added).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub allowances_charges: Vec<AllowanceCharge>,
}

/// One thing that keeps a shipment confirmation from being used with its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivationProblem {
    /// "carton 3, contents 2", "pallet 1", "order line 4".
    pub place: String,
    pub message: String,
}

impl DerivationProblem {
    pub fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        DerivationProblem {
            place: place.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for DerivationProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// A confirmation checked against its order: SSCCs settled, quantities tallied per line.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedShipment<'a> {
    pub order: &'a PurchaseOrder,
    pub confirmation: &'a ShipmentConfirmation,
    pub pallets: Vec<ResolvedPallet>,
    pub cartons: Vec<ResolvedCarton>,
    /// Per order line (by index into `order.lines`), the quantity on this shipment.
    pub shipped: Vec<Decimal>,
    /// The next serial of the SSCC series, for the caller to keep; `None` without a series.
    pub next_serial: Option<u64>,
    pub structure: PackingStructure,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPallet {
    pub sscc: Sscc,
    pub cartons: Vec<ResolvedCarton>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedCarton {
    pub sscc: Sscc,
    pub tracking_number: Option<String>,
    pub weight: Option<Quantity>,
    /// (index into `order.lines`, quantity).
    pub contents: Vec<(usize, Decimal)>,
}

impl ResolvedShipment<'_> {
    /// Every carton, those on pallets first, in the confirmation's order.
    pub fn all_cartons(&self) -> impl Iterator<Item = &ResolvedCarton> {
        self.pallets
            .iter()
            .flat_map(|p| p.cartons.iter())
            .chain(self.cartons.iter())
    }

    pub fn line(&self, index: usize) -> &OrderLine {
        &self.order.lines[index]
    }

    /// The shipment's weight: as confirmed, or the sum of the cartons' weights when every
    /// carton has one in the same unit.
    pub fn gross_weight(&self) -> Option<Quantity> {
        if let Some(weight) = &self.confirmation.gross_weight {
            return Some(weight.clone());
        }
        let mut cartons = self.all_cartons();
        let first = cartons.next()?.weight.clone()?;
        cartons.try_fold(first, |sum, carton| {
            let weight = carton.weight.as_ref()?;
            let total = sum.value.checked_add(weight.value)?;
            (weight.unit == sum.unit).then(|| Quantity::new(total, sum.unit))
        })
    }

    /// The number of cartons, as the carrier counts handling units; `None` without cartons.
    pub fn lading_quantity(&self) -> Option<Quantity> {
        let cartons = self.all_cartons().count();
        (cartons > 0).then(|| Quantity::new(Decimal::from(cartons), UnitOfMeasure::Carton))
    }

    /// The indexes of the order lines with something on this shipment, in order.
    pub fn shipped_lines(&self) -> impl Iterator<Item = usize> + '_ {
        self.shipped
            .iter()
            .enumerate()
            .filter(|(_, q)| !q.is_zero())
            .map(|(i, _)| i)
    }
}

/// Checks `confirmation` against `order` and settles its SSCCs; every problem found.
pub fn resolve<'a>(
    order: &'a PurchaseOrder,
    confirmation: &'a ShipmentConfirmation,
) -> Result<ResolvedShipment<'a>, Vec<DerivationProblem>> {
    let mut r = Resolver {
        order,
        problems: Vec::new(),
        seen: HashSet::new(),
        series: confirmation.sscc.clone(),
        next_serial: confirmation.sscc.as_ref().map(|s| s.first_serial),
        shipped: vec![Decimal::ZERO; order.lines.len()],
        lines: BTreeMap::new(),
    };
    r.index_lines();
    if let Some(number) = &confirmation.purchase_order
        && *number != order.number
    {
        r.problem(
            "purchase_order",
            format!(
                "the confirmation ships against order {number}, but the order given is {}",
                order.number
            ),
        );
    }
    // SSCCs given are claimed first, so a generated one can never repeat a given one.
    for (p, pallet) in confirmation.pallets.iter().enumerate() {
        r.claim(&format!("pallet {}", p + 1), pallet.sscc.as_deref());
        for (c, carton) in pallet.cartons.iter().enumerate() {
            r.claim(
                &format!("pallet {} carton {}", p + 1, c + 1),
                carton.sscc.as_deref(),
            );
        }
    }
    for (c, carton) in confirmation.cartons.iter().enumerate() {
        r.claim(&format!("carton {}", c + 1), carton.sscc.as_deref());
    }

    let mut pallets = Vec::new();
    for (p, pallet) in confirmation.pallets.iter().enumerate() {
        let place = format!("pallet {}", p + 1);
        let sscc = r.sscc(&place, pallet.sscc.as_deref());
        if pallet.cartons.is_empty() {
            r.problem(&place, "a pallet with no cartons on it: list its cartons");
        }
        let cartons: Vec<Option<ResolvedCarton>> = pallet
            .cartons
            .iter()
            .enumerate()
            .map(|(c, carton)| r.carton(&format!("{place} carton {}", c + 1), carton))
            .collect();
        if let (Some(sscc), Some(cartons)) = (sscc, cartons.into_iter().collect()) {
            pallets.push(ResolvedPallet { sscc, cartons });
        }
    }
    let cartons: Vec<ResolvedCarton> = confirmation
        .cartons
        .iter()
        .enumerate()
        .filter_map(|(c, carton)| r.carton(&format!("carton {}", c + 1), carton))
        .collect();
    for (k, loose) in confirmation.loose.iter().enumerate() {
        r.content(&format!("loose {}", k + 1), loose);
    }

    let has_cartons = !confirmation.pallets.is_empty() || !confirmation.cartons.is_empty();
    let structure = confirmation.structure.clone().unwrap_or(if has_cartons {
        PackingStructure::ShipmentOrderPackItem
    } else {
        PackingStructure::ShipmentOrderItem
    });
    r.check_structure(&structure, confirmation, has_cartons);
    r.check_totals();
    if r.shipped.iter().all(Decimal::is_zero) && r.problems.is_empty() {
        r.problem(
            "the shipment",
            "ships nothing: list cartons with contents, or loose quantities",
        );
    }
    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    Ok(ResolvedShipment {
        order,
        confirmation,
        pallets,
        cartons,
        shipped: r.shipped,
        next_serial: r.next_serial,
        structure,
    })
}

struct Resolver<'a> {
    order: &'a PurchaseOrder,
    problems: Vec<DerivationProblem>,
    /// SSCCs given or generated so far.
    seen: HashSet<String>,
    series: Option<SsccSeries>,
    next_serial: Option<u64>,
    shipped: Vec<Decimal>,
    /// Line id → index into `order.lines`.
    lines: BTreeMap<&'a str, usize>,
}

impl Resolver<'_> {
    fn problem(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.problems.push(DerivationProblem::new(place, message));
    }

    fn index_lines(&mut self) {
        let order = self.order;
        for (i, line) in order.lines.iter().enumerate() {
            let Some(id) = line.line_id.as_deref() else {
                continue;
            };
            if self.lines.insert(id, i).is_some() {
                self.problem(
                    format!("order line {}", i + 1),
                    format!(
                        "the order uses line id {id} more than once, so shipped quantities \
                         cannot be told apart"
                    ),
                );
            }
        }
    }

    /// Records an SSCC the confirmation gives, so that generation skips it.
    fn claim(&mut self, place: &str, given: Option<&str>) {
        let Some(text) = given else { return };
        match Sscc::parse(text) {
            Ok(sscc) => {
                if !self.seen.insert(sscc.as_str().to_owned()) {
                    self.problem(
                        place,
                        format!("SSCC {sscc} is already used by another pallet or carton"),
                    );
                }
            }
            Err(e) => self.problem(place, format!("SSCC {text}: {e}")),
        }
    }

    /// The SSCC given (already checked by `claim`) or the next one of the series.
    fn sscc(&mut self, place: &str, given: Option<&str>) -> Option<Sscc> {
        if let Some(text) = given {
            return Sscc::parse(text).ok();
        }
        let Some(series) = self.series.clone() else {
            self.problem(
                place,
                "has no SSCC and the confirmation gives no \"sscc\" series (company prefix \
                 and first serial) to make one from",
            );
            return None;
        };
        if series.company_prefix.is_empty() {
            self.problem(
                place,
                "has no SSCC and the \"sscc\" series has no company_prefix: give it, or the \
                 partner whose profile has commercial.gs1_company_prefix",
            );
            return None;
        }
        loop {
            let serial = self.next_serial?;
            self.next_serial = serial.checked_add(1);
            match Sscc::new(series.extension_digit, &series.company_prefix, serial) {
                Ok(sscc) => {
                    if self.seen.insert(sscc.as_str().to_owned()) {
                        return Some(sscc);
                    }
                }
                Err(e) => {
                    self.problem(place, format!("no SSCC can be made: {e}"));
                    self.next_serial = None;
                    return None;
                }
            }
        }
    }

    fn carton(&mut self, place: &str, carton: &ConfirmedCarton) -> Option<ResolvedCarton> {
        let sscc = self.sscc(place, carton.sscc.as_deref());
        if carton.contents.is_empty() {
            self.problem(place, "an empty carton: list what is in it");
        }
        let contents: Vec<Option<(usize, Decimal)>> = carton
            .contents
            .iter()
            .enumerate()
            .map(|(k, content)| self.content(&format!("{place}, contents {}", k + 1), content))
            .collect();
        let contents: Option<Vec<(usize, Decimal)>> = contents.into_iter().collect();
        Some(ResolvedCarton {
            sscc: sscc?,
            tracking_number: carton.tracking_number.clone(),
            weight: carton.weight.clone(),
            contents: contents?,
        })
    }

    fn content(&mut self, place: &str, content: &ShippedQuantity) -> Option<(usize, Decimal)> {
        let Some(&index) = self.lines.get(content.line_id.as_str()) else {
            let known: Vec<&str> = self.lines.keys().copied().collect();
            self.problem(
                place,
                format!(
                    "line {} is not on order {} (its lines: {})",
                    content.line_id,
                    self.order.number,
                    if known.is_empty() {
                        "none with a line id".to_owned()
                    } else {
                        known.join(", ")
                    }
                ),
            );
            return None;
        };
        if content.quantity <= Decimal::ZERO {
            self.problem(
                place,
                format!(
                    "quantity {} of line {}: a shipped quantity must be more than zero",
                    content.quantity, content.line_id
                ),
            );
            return None;
        }
        match self.shipped[index].checked_add(content.quantity) {
            Some(total) => self.shipped[index] = total,
            None => {
                self.problem(
                    place,
                    format!(
                        "quantity {} of line {} takes the line's total beyond what can be counted",
                        content.quantity, content.line_id
                    ),
                );
                return None;
            }
        }
        Some((index, content.quantity))
    }

    fn check_structure(
        &mut self,
        structure: &PackingStructure,
        confirmation: &ShipmentConfirmation,
        has_cartons: bool,
    ) {
        match structure {
            PackingStructure::ShipmentOrderPackItem => {
                if !confirmation.loose.is_empty() {
                    self.problem(
                        "loose",
                        "pick and pack lists every item in a carton: put the loose quantities \
                         in cartons, or use the shipment_order_item structure",
                    );
                }
            }
            PackingStructure::ShipmentOrderItemPack => {
                if !confirmation.loose.is_empty() {
                    self.problem(
                        "loose",
                        "standard pack lists cartons under each item: put the loose \
                         quantities in cartons",
                    );
                }
                let cartons = confirmation
                    .pallets
                    .iter()
                    .flat_map(|p| p.cartons.iter())
                    .chain(confirmation.cartons.iter());
                for (c, carton) in cartons.enumerate() {
                    let mut lines: Vec<&str> =
                        carton.contents.iter().map(|k| k.line_id.as_str()).collect();
                    lines.sort_unstable();
                    lines.dedup();
                    if lines.len() > 1 {
                        self.problem(
                            format!("carton {} (counting pallets' cartons first)", c + 1),
                            format!(
                                "holds lines {}: standard pack needs one item per carton; use \
                                 pick and pack (shipment_order_pack_item) for mixed cartons",
                                lines.join(", ")
                            ),
                        );
                    }
                }
                if !confirmation.pallets.is_empty() {
                    self.problem(
                        "pallets",
                        "standard pack has no pallet level here: list the cartons alone, or \
                         use pick and pack",
                    );
                }
            }
            PackingStructure::ShipmentOrderItem => {
                if has_cartons {
                    self.problem(
                        "structure",
                        "shipment_order_item has no cartons: list the quantities as loose, \
                         or choose a structure with packs",
                    );
                }
            }
            PackingStructure::Other(code) => self.problem(
                "structure",
                format!(
                    "{code} is not a structure edigate can build: shipment_order_pack_item, \
                     shipment_order_item_pack or shipment_order_item"
                ),
            ),
        }
    }

    /// Nothing ships beyond what was ordered: buyers refuse or fine over-shipments.
    fn check_totals(&mut self) {
        let order = self.order;
        for (i, line) in order.lines.iter().enumerate() {
            let shipped = self.shipped[i];
            if shipped > line.quantity.value {
                self.problem(
                    format!(
                        "order line {}",
                        line.line_id.as_deref().unwrap_or("(no id)")
                    ),
                    format!(
                        "{shipped} shipped but {} ordered: over-shipments are refused; ship at \
                         most what was ordered",
                        line.quantity.value
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::document::common::test_support::{d, day};
    use crate::document::common::{
        AllowanceChargeService, AllowanceOrCharge, IdScheme, PartyId, PartyRole, ProductId,
        ProductIdKind,
    };
    use crate::document::order::PriceBasis;

    pub(crate) fn order() -> PurchaseOrder {
        let line = |id: &str, qty: &str, price: &str, upc: &str| OrderLine {
            line_id: Some(id.into()),
            quantity: Quantity::new(d(qty), UnitOfMeasure::Each),
            unit_price: Some(d(price)),
            price_basis: Some(PriceBasis::PerEach),
            product_ids: vec![ProductId {
                kind: ProductIdKind::Upc,
                value: upc.into(),
            }],
            pack: Some(d("12")),
            ..OrderLine::default()
        };
        PurchaseOrder {
            number: "4500012345".into(),
            date: day(2026, 11, 2),
            terms: vec![Terms::discount(d("2"), 10, 30)],
            parties: vec![Party {
                ids: vec![PartyId {
                    scheme: IdScheme::Gln,
                    value: "0614141000012".into(),
                }],
                ..Party::new(PartyRole::ShipTo)
            }],
            allowances_charges: vec![AllowanceCharge {
                indicator: AllowanceOrCharge::Allowance,
                service: AllowanceChargeService::Promotional,
                amount: Some(d("23.50")),
                percent: None,
                rate: None,
                quantity: None,
                handling: None,
                reference: None,
                description: None,
            }],
            lines: vec![
                line("1", "36", "3.61", "012345678905"),
                line("2", "24", "8.25", "012345678912"),
            ],
            ..PurchaseOrder::default()
        }
    }

    pub(crate) fn carton(contents: &[(&str, &str)]) -> ConfirmedCarton {
        ConfirmedCarton {
            weight: Some(Quantity::new(d("9.5"), UnitOfMeasure::Pound)),
            contents: contents
                .iter()
                .map(|(line, qty)| ShippedQuantity {
                    line_id: (*line).into(),
                    quantity: d(qty),
                })
                .collect(),
            ..ConfirmedCarton::default()
        }
    }

    pub(crate) fn confirmation() -> ShipmentConfirmation {
        ShipmentConfirmation {
            shipment_id: "SH-000481".into(),
            ship_date: day(2026, 11, 19),
            sscc: Some(SsccSeries {
                company_prefix: "0614141".into(),
                extension_digit: 0,
                first_serial: 1,
            }),
            cartons: vec![carton(&[("1", "12"), ("2", "12")]), carton(&[("1", "12")])],
            ..ShipmentConfirmation::default()
        }
    }

    #[test]
    fn quantities_are_tallied_per_line_and_ssccs_generated_in_order() {
        let order = order();
        let confirmation = confirmation();
        let shipped = resolve(&order, &confirmation).unwrap();
        assert_eq!(shipped.shipped, [d("24"), d("12")]);
        let ssccs: Vec<&str> = shipped.all_cartons().map(|c| c.sscc.as_str()).collect();
        // 0 + 0614141 + 000000001 + check digit, then serial 2.
        assert_eq!(ssccs, ["006141410000000012", "006141410000000029"]);
        assert_eq!(shipped.next_serial, Some(3));
        assert_eq!(shipped.structure, PackingStructure::ShipmentOrderPackItem);
    }

    #[test]
    fn a_given_sscc_is_checked_and_never_generated_again() {
        let order = order();
        let mut confirmation = confirmation();
        confirmation.cartons[1].sscc = Some("006141410000000012".into());
        let shipped = resolve(&order, &confirmation).unwrap();
        let ssccs: Vec<&str> = shipped.all_cartons().map(|c| c.sscc.as_str()).collect();
        assert_eq!(ssccs, ["006141410000000029", "006141410000000012"]);

        confirmation.cartons[1].sscc = Some("006141410000000013".into());
        let problems = resolve(&order, &confirmation).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].place, "carton 2");
        assert!(problems[0].message.contains("check digit"), "{problems:?}");
    }

    #[test]
    fn every_problem_is_named_in_the_confirmation_words() {
        let order = order();
        let mut confirmation = confirmation();
        confirmation.sscc = None;
        confirmation.cartons = vec![
            carton(&[("1", "30"), ("9", "1")]),
            carton(&[("1", "12"), ("2", "0")]),
        ];
        confirmation.cartons[0].sscc = Some("006141410000000012".into());
        confirmation.cartons[1].sscc = Some("006141410000000012".into());
        let problems = resolve(&order, &confirmation).unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "carton 2: SSCC 006141410000000012 is already used by another pallet or carton",
                "carton 1, contents 2: line 9 is not on order 4500012345 (its lines: 1, 2)",
                "carton 2, contents 2: quantity 0 of line 2: a shipped quantity must be more than zero",
                "order line 1: 42 shipped but 36 ordered: over-shipments are refused; ship at most what was ordered",
            ]
        );
    }

    #[test]
    fn without_a_series_an_unlabelled_carton_is_a_problem() {
        let order = order();
        let mut confirmation = confirmation();
        confirmation.sscc = None;
        let problems = resolve(&order, &confirmation).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(problems[0].message.contains("company prefix"));
    }

    #[test]
    fn standard_pack_refuses_mixed_cartons_and_pick_and_pack_loose_goods() {
        let order = order();
        let mut confirmation = confirmation();
        confirmation.structure = Some(PackingStructure::ShipmentOrderItemPack);
        let problems = resolve(&order, &confirmation).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("holds lines 1, 2"),
            "{problems:?}"
        );

        let mut confirmation = self::confirmation();
        confirmation.loose = vec![ShippedQuantity {
            line_id: "2".into(),
            quantity: d("1"),
        }];
        let problems = resolve(&order, &confirmation).unwrap_err();
        assert_eq!(problems[0].place, "loose");
    }

    #[test]
    fn the_wrong_order_and_an_empty_shipment_are_refused() {
        let order = order();
        let confirmation = ShipmentConfirmation {
            purchase_order: Some("4500099999".into()),
            ..confirmation()
        };
        let problems = resolve(&order, &confirmation).unwrap_err();
        assert!(problems[0].message.contains("4500099999"));

        let empty = ShipmentConfirmation {
            cartons: Vec::new(),
            ..self::confirmation()
        };
        let problems = resolve(&order, &empty).unwrap_err();
        assert_eq!(problems[0].place, "the shipment");
    }

    #[test]
    fn the_confirmation_reads_from_json_and_refuses_unknown_keys() {
        let text = r#"{
            "shipment_id": "SH-1", "ship_date": "2026-11-19",
            "sscc": {"company_prefix": "0614141", "first_serial": 7},
            "cartons": [{"contents": [{"line_id": "1", "quantity": "12"}]}]
        }"#;
        let confirmation: ShipmentConfirmation = serde_json::from_str(text).unwrap();
        assert_eq!(confirmation.remainder, Remainder::BackOrder);
        assert_eq!(confirmation.cartons[0].contents[0].quantity, d("12"));
        let typo = text.replace("\"cartons\"", "\"carton\"");
        let err = serde_json::from_str::<ShipmentConfirmation>(&typo).unwrap_err();
        assert!(err.to_string().contains("unknown field `carton`"), "{err}");
    }
}
