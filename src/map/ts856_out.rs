//! [`ShipNotice`] → X12 856, versions 004010 and 005010: the inverse of [`super::ts856`] for
//! everything it reads. [`write_ship_notice`] writes the set (ST through SE) into an open
//! functional group, [`emit_ship_notice`] a whole interchange (group SH), checked against
//! our own specs before it is handed on.
//!
//! What goes where, in the order the standard places it:
//!
//! | place | segment | from |
//! |---|---|---|
//! | heading | BSN | purpose, shipment id, the notice's date (the ship date when it has none) and time (the time it is sent when it has none), BSN05 the structure |
//! | | DTM 011, 017 | ship date and time, estimated delivery |
//! | HL S | TD1 | TD101/TD102 the lading quantity (its unit as a packaging code), TD106 G the gross weight; a second TD1 for the net weight (N) |
//! | | TD5 | TD501 B, TD502 2 with TD503 the SCAC, TD504 the mode, TD505 the routing (or the carrier's name when no routing) |
//! | | TD3 | equipment kind, initial and number, TD309 the first seal; a TD3 for each further seal |
//! | | REF | BM the bill of lading, CN the PRO number, then the references |
//! | | N1 loops | the notice's parties (ship-from, ship-to...) |
//! | HL O | PRF, REF, N1 loops | PO number, release, PO date; the order's references and parties (buyer, mark-for...) |
//! | HL T | MAN GM | a pallet's SSCC |
//! | HL P | TD1 G, MAN GM (+ CP) | a carton's weight, SSCC and tracking number |
//! | HL I | LIN, SN1, PO4, PID | line id and up to fifteen product ids; quantity shipped, quantity ordered and status; case pack; the description, one free-form PID per line of it |
//! | summary | CTT | CTT01 the number of HLs, CTT02 the sum of the quantities shipped (SN102) |
//!
//! The tree is written as the notice nests it, depth first: the shipment, then each order
//! with its pallets (and their cartons and items), its cartons, and its items (and their
//! cartons). HL01 numbers the levels in that order from 1, HL02 is the parent's number and
//! HL04 says whether anything is under the level: all worked out, never taken from the
//! notice. The structure (BSN05) must agree with the nesting: pick and pack lists items in
//! cartons, standard pack cartons under items (and has no pallet level), and
//! shipment/order/item has no cartons; a notice that says otherwise is refused, naming the
//! part at fault. Every SSCC's check digit is verified; a wrong one refuses the notice
//! ("order 1 carton 2: ..."). A pallet or carton without an SSCC gets no MAN GM.
//!
//! CTT01 is the number of HL segments, as the VICS and most retail guides define "number of
//! line items" for the 856 (the Bots grammar checks only that it is a number), and CTT02 the
//! hash total of SN102.

use std::io::Write;

use chrono::{NaiveTime, Timelike};
use rust_decimal::Decimal;

use super::codes;
use super::emit::{
    self, Elements, EmitEnvelope, EmitError, Emitted, SetWriter, date8, decimal_text,
    reference_elements, words,
};
use super::ts856::{
    ANY_MODE_CARRIER, CARRIER_PACKAGE, ESTIMATED_DELIVERY, GROSS, LevelCode, NET,
    PRODUCT_IDS_PER_ITEM, SCAC, SHIPPED, SSCC, notice_date,
};
use crate::document::common::{Quantity, Reference};
use crate::document::gs1::Sscc;
use crate::document::ship_notice::{
    Pack, PackingStructure, ShipNotice, ShippedItem, ShippedOrder, Tare,
};
use crate::x12::InterchangeWriter;

/// What [`emit_ship_notice`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// CTT01: the HL segments written.
    pub levels: u32,
    /// CTT02: the sum of the quantities shipped.
    pub quantity_shipped: Decimal,
    pub emitted: Emitted,
    /// Parts of the notice the 856 does not carry (a party's second id, a carrier's name
    /// beside its routing), in words.
    pub not_carried: Vec<String>,
}

/// Writes `notice` as one 856 (ST through SE, ST02 `control_number`) of version `version`
/// (`004010` or `005010`) into the functional group open in `w`; `now` is BSN04 when the
/// notice states no time. On a refusal the set has still been closed, but the interchange
/// must not be sent. What is written is not validated here; [`emit_ship_notice`] does that.
pub fn write_ship_notice<W: Write>(
    w: &mut InterchangeWriter<W>,
    notice: &ShipNotice,
    version: &str,
    control_number: u64,
    now: NaiveTime,
) -> Result<(), EmitError> {
    let (_, problems, _) = write_set(w, notice, version, control_number, now)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(EmitError::Refused(problems))
    }
}

/// Writes `notice` as a complete interchange (ISA, GS SH, ST 856 ... SE, GE, IEA) under
/// `envelope`, validates it against the built-in specs, and only when nothing is wrong
/// writes it to `out`: on a refusal nothing reaches `out`.
pub fn emit_ship_notice<W: Write>(
    notice: &ShipNotice,
    envelope: &EmitEnvelope,
    out: W,
) -> Result<Summary, EmitError> {
    let ((levels, quantity_shipped, not_carried), emitted) =
        emit::emit(envelope, "SH", out, |w| {
            write_set(
                w,
                notice,
                &envelope.version,
                envelope.transaction_set_control_number,
                envelope.time,
            )
        })?;
    Ok(Summary {
        levels,
        quantity_shipped,
        emitted,
        not_carried,
    })
}

/// The set, what each segment carries, the refusals, and (HLs, quantities shipped, what was
/// not carried).
fn write_set<W: Write>(
    w: &mut InterchangeWriter<W>,
    notice: &ShipNotice,
    version: &str,
    control_number: u64,
    now: NaiveTime,
) -> Result<emit::WrittenSet<(u32, Decimal, Vec<String>)>, EmitError> {
    emit::isa_version(version)?;
    let mut out = Out {
        s: SetWriter::begin(w, "856", control_number)?,
        not_carried: Vec::new(),
        modern: version >= "005010",
        levels: 0,
        shipped: Decimal::ZERO,
    };
    out.s.keep_unmapped(&notice.source.unmapped);
    out.structure(notice);
    out.heading(notice, now)?;
    let shipment = out.level(
        "the shipment",
        None,
        LevelCode::Shipment,
        !notice.orders.is_empty(),
    )?;
    out.shipment(notice)?;
    for (k, order) in notice.orders.iter().enumerate() {
        out.order(k, order, shipment)?;
    }
    let mut ctt = Elements::new();
    ctt.set(1, out.levels.to_string())
        .set(2, decimal_text(out.shipped));
    out.s.segment("the transaction totals", "CTT", &ctt)?;
    let (labels, problems) = out.s.end()?;
    Ok((labels, problems, (out.levels, out.shipped, out.not_carried)))
}

/// Writes the segments, numbering the levels and adding up what they ship.
struct Out<'w, W> {
    s: SetWriter<'w, W>,
    not_carried: Vec<String>,
    /// 005010 or later.
    modern: bool,
    /// HLs written so far: the last one's HL01.
    levels: u32,
    /// The quantities shipped written so far (SN102).
    shipped: Decimal,
}

impl<W: Write> Out<'_, W> {
    /// Refuses each part of the notice its structure has no place for.
    fn structure(&mut self, notice: &ShipNotice) {
        for (k, order) in notice.orders.iter().enumerate() {
            let label = format!("order {}", k + 1);
            match &notice.structure {
                PackingStructure::ShipmentOrderPackItem => {
                    for i in 1..=order.items.len() {
                        self.s.refuse(
                            format!("{label} item {i}"),
                            "is listed outside any carton, but in pick and pack (structure \
                             shipment_order_pack_item) every item is listed in its carton",
                        );
                    }
                }
                PackingStructure::ShipmentOrderItemPack => {
                    for t in 1..=order.tares.len() {
                        self.s.refuse(
                            format!("{label} pallet {t}"),
                            "standard pack (structure shipment_order_item_pack) has no pallet \
                             level: its cartons are listed under the items they hold",
                        );
                    }
                    for p in 1..=order.packs.len() {
                        self.s.refuse(
                            format!("{label} carton {p}"),
                            "is listed outside any item, but in standard pack (structure \
                             shipment_order_item_pack) each carton is listed under its item",
                        );
                    }
                }
                PackingStructure::ShipmentOrderItem => {
                    if !order.tares.is_empty()
                        || !order.packs.is_empty()
                        || order.items.iter().any(|i| !i.packs.is_empty())
                    {
                        self.s.refuse(
                            label,
                            "lists pallets or cartons, but the structure shipment_order_item \
                             has none: choose pick and pack or standard pack",
                        );
                    }
                }
                PackingStructure::Other(_) => {}
            }
        }
    }

    fn heading(&mut self, notice: &ShipNotice, now: NaiveTime) -> Result<(), EmitError> {
        if notice.shipment_id.is_empty() {
            self.s
                .refuse("the shipment id", "is empty: BSN02 needs one");
        }
        let mut bsn = Elements::new();
        bsn.opt(1, codes::PURPOSE.code(&notice.purpose))
            .set(2, notice.shipment_id.as_str())
            .set(3, date8(notice_date(notice)))
            .set(4, time_text(notice.notice_time.unwrap_or(now)))
            .opt(5, codes::PACKING_STRUCTURE.code(&notice.structure));
        self.s.segment("the notice header", "BSN", &bsn)?;

        let mut dtm = Elements::new();
        dtm.set(1, SHIPPED)
            .set(2, date8(notice.ship_date))
            .opt(3, notice.ship_time.map(time_text));
        self.s.segment("the ship date", "DTM", &dtm)?;
        if let Some(date) = notice.estimated_delivery {
            let mut dtm = Elements::new();
            dtm.set(1, ESTIMATED_DELIVERY).set(2, date8(date));
            self.s.segment("the estimated delivery date", "DTM", &dtm)?;
        }
        Ok(())
    }

    /// HL: the next level, under `parent`; its number.
    fn level(
        &mut self,
        label: &str,
        parent: Option<u32>,
        code: LevelCode,
        has_children: bool,
    ) -> Result<u32, EmitError> {
        self.levels += 1;
        let mut hl = Elements::new();
        hl.set(1, self.levels.to_string())
            .opt(2, parent.map(|p| p.to_string()))
            .set(3, code.code())
            .set(4, if has_children { "1" } else { "0" });
        self.s.segment(label, "HL", &hl)?;
        Ok(self.levels)
    }

    /// The shipment level's segments, after its HL.
    fn shipment(&mut self, notice: &ShipNotice) -> Result<(), EmitError> {
        let lading = notice.lading_quantity.as_ref();
        if lading.is_some() || notice.gross_weight.is_some() {
            let mut td1 = Elements::new();
            if let Some(lading) = lading {
                let packaging = codes::PACKAGING.code(&lading.unit);
                if packaging.is_none() {
                    self.not_carried.push(format!(
                        "the lading quantity's unit ({}) is not carried: TD101 names packaging \
                         (cartons, pallets, boxes, cases), not units of measure",
                        words(&lading.unit)
                    ));
                }
                if !lading.value.fract().is_zero() {
                    self.s.refuse(
                        "the lading quantity",
                        format!(
                            "{} is not a whole number: TD102 counts packages",
                            lading.value.normalize()
                        ),
                    );
                }
                td1.opt(1, packaging).set(2, decimal_text(lading.value));
            }
            weight(&mut td1, GROSS, notice.gross_weight.as_ref());
            self.s
                .segment("the lading quantity and weight", "TD1", &td1)?;
        }
        if notice.net_weight.is_some() {
            let mut td1 = Elements::new();
            weight(&mut td1, NET, notice.net_weight.as_ref());
            self.s.segment("the net weight", "TD1", &td1)?;
        }
        if let Some(carrier) = &notice.carrier {
            // TD505 is "the routing, or the carrier's name": the name goes there when no
            // routing is given.
            let routing = carrier.routing.as_deref().or(carrier.name.as_deref());
            if carrier.routing.is_some()
                && let Some(name) = &carrier.name
            {
                self.not_carried.push(format!(
                    "the carrier's name {name} is not carried: TD505 holds the routing"
                ));
            }
            let mode = carrier
                .mode
                .as_ref()
                .and_then(|m| codes::TRANSPORT_MODE.code(m));
            if carrier.scac.is_none() && mode.is_none() && routing.is_none() {
                self.not_carried.push(
                    "the carrier is not carried: it has no SCAC, mode, routing or name for a TD5"
                        .to_owned(),
                );
            } else {
                let mut td5 = Elements::new();
                td5.set(1, ANY_MODE_CARRIER);
                if let Some(scac) = &carrier.scac {
                    td5.set(2, SCAC).set(3, scac.as_str());
                }
                td5.opt(4, mode).opt(5, routing);
                self.s.segment("the carrier", "TD5", &td5)?;
            }
        }
        let mut seals = notice.seal_numbers.iter();
        let equipment = notice.equipment_kind.is_some()
            || notice.equipment_initial.is_some()
            || notice.equipment_number.is_some();
        if equipment {
            let mut td3 = Elements::new();
            td3.opt(
                1,
                notice
                    .equipment_kind
                    .as_ref()
                    .and_then(|k| codes::EQUIPMENT_KIND.code(k)),
            )
            .opt(2, notice.equipment_initial.as_deref())
            .opt(3, notice.equipment_number.as_deref())
            .opt(9, seals.next());
            self.s.segment("the equipment", "TD3", &td3)?;
        }
        for (k, seal) in seals.enumerate() {
            let mut td3 = Elements::new();
            td3.set(9, seal.as_str());
            let label = format!("seal {}", k + 1 + usize::from(equipment));
            self.s.segment(&label, "TD3", &td3)?;
        }
        let numbers = [
            ("the bill of lading", "BM", &notice.bill_of_lading),
            ("the PRO number", "CN", &notice.pro_number),
        ];
        for (label, qualifier, number) in numbers {
            if let Some(number) = number {
                let mut r = Elements::new();
                r.set(1, qualifier).set(2, number.as_str());
                self.s.segment(label, "REF", &r)?;
            }
        }
        self.references("", &notice.references)?;
        for (k, party) in notice.parties.iter().enumerate() {
            let label = format!("party {} ({})", k + 1, words(&party.role));
            self.s
                .party(&label, party, self.modern, &mut self.not_carried)?;
        }
        Ok(())
    }

    fn references(&mut self, owner: &str, references: &[Reference]) -> Result<(), EmitError> {
        for (k, reference) in references.iter().enumerate() {
            let label = format!("{owner}reference {} ({})", k + 1, words(&reference.kind));
            self.s
                .segment(&label, "REF", &reference_elements(reference))?;
        }
        Ok(())
    }

    /// An order and everything under it.
    fn order(&mut self, k: usize, order: &ShippedOrder, shipment: u32) -> Result<(), EmitError> {
        let label = format!("order {}", k + 1);
        let has_children =
            !order.tares.is_empty() || !order.packs.is_empty() || !order.items.is_empty();
        let hl = self.level(&label, Some(shipment), LevelCode::Order, has_children)?;
        if order.purchase_order.is_empty() {
            self.s
                .refuse(&label, "has no purchase order number: PRF01 needs one");
        }
        let mut prf = Elements::new();
        prf.set(1, order.purchase_order.as_str())
            .opt(2, order.release.as_deref())
            .opt(4, order.purchase_order_date.map(date8));
        self.s.segment(&label, "PRF", &prf)?;
        self.references(&format!("{label} "), &order.references)?;
        for (p, party) in order.parties.iter().enumerate() {
            let party_label = format!("{label} party {} ({})", p + 1, words(&party.role));
            self.s
                .party(&party_label, party, self.modern, &mut self.not_carried)?;
        }
        for (t, tare) in order.tares.iter().enumerate() {
            self.tare(&format!("{label} pallet {}", t + 1), tare, hl)?;
        }
        for (p, pack) in order.packs.iter().enumerate() {
            self.pack(&format!("{label} carton {}", p + 1), pack, hl)?;
        }
        for (i, item) in order.items.iter().enumerate() {
            self.item(&format!("{label} item {}", i + 1), item, hl)?;
        }
        Ok(())
    }

    fn tare(&mut self, label: &str, tare: &Tare, parent: u32) -> Result<(), EmitError> {
        let hl = self.level(label, Some(parent), LevelCode::Tare, !tare.packs.is_empty())?;
        self.marks(label, &tare.sscc, None)?;
        for (p, pack) in tare.packs.iter().enumerate() {
            self.pack(&format!("{label} carton {}", p + 1), pack, hl)?;
        }
        Ok(())
    }

    fn pack(&mut self, label: &str, pack: &Pack, parent: u32) -> Result<(), EmitError> {
        let hl = self.level(label, Some(parent), LevelCode::Pack, !pack.items.is_empty())?;
        if pack.weight.is_some() {
            let mut td1 = Elements::new();
            weight(&mut td1, GROSS, pack.weight.as_ref());
            self.s.segment(label, "TD1", &td1)?;
        }
        self.marks(label, &pack.sscc, pack.tracking_number.as_deref())?;
        for (i, item) in pack.items.iter().enumerate() {
            self.item(&format!("{label} item {}", i + 1), item, hl)?;
        }
        Ok(())
    }

    /// MAN: the SSCC (GM), its check digit verified, and the tracking number (CP) beside
    /// it; nothing for a container without either.
    fn marks(&mut self, label: &str, sscc: &str, tracking: Option<&str>) -> Result<(), EmitError> {
        let mut man = Elements::new();
        let mut next = 1;
        if !sscc.is_empty() {
            if let Err(e) = Sscc::parse(sscc) {
                self.s.refuse(
                    label,
                    format!("its SSCC {sscc} is not a valid SSCC-18: {e}"),
                );
            }
            man.set(1, SSCC).set(2, sscc);
            next = 4;
        }
        if let Some(tracking) = tracking {
            man.set(next, CARRIER_PACKAGE).set(next + 1, tracking);
        }
        if !sscc.is_empty() || tracking.is_some() {
            self.s.segment(label, "MAN", &man)?;
        }
        Ok(())
    }

    fn item(&mut self, label: &str, item: &ShippedItem, parent: u32) -> Result<(), EmitError> {
        let hl = self.level(label, Some(parent), LevelCode::Item, !item.packs.is_empty())?;
        if item.product_ids.is_empty() {
            self.s.refuse(
                label,
                "has no product id: LIN02/LIN03 need one (a UPC, GTIN, buyer's or vendor's \
                 item number)",
            );
        }
        if item.product_ids.len() > PRODUCT_IDS_PER_ITEM {
            self.s.refuse(
                label,
                format!(
                    "has {} product ids, but a LIN carries {PRODUCT_IDS_PER_ITEM} (LIN02 to LIN31)",
                    item.product_ids.len()
                ),
            );
        }
        let mut lin = Elements::new();
        lin.opt(1, item.line_id.as_deref());
        for (k, id) in item
            .product_ids
            .iter()
            .take(PRODUCT_IDS_PER_ITEM)
            .enumerate()
        {
            lin.opt(2 + 2 * k, codes::PRODUCT_ID_KIND.code(&id.kind))
                .set(3 + 2 * k, id.value.as_str());
        }
        self.s.segment(label, "LIN", &lin)?;

        let shipped = &item.quantity_shipped;
        self.shipped = self.shipped.checked_add(shipped.value).unwrap_or_else(|| {
            self.s
                .refuse(label, "its quantity shipped is too large to add up");
            self.shipped
        });
        let mut sn1 = Elements::new();
        sn1.set(2, decimal_text(shipped.value))
            .opt(3, codes::UNIT.code(&shipped.unit));
        if let Some(ordered) = &item.quantity_ordered {
            sn1.set(5, decimal_text(ordered.value))
                .opt(6, codes::UNIT.code(&ordered.unit));
        }
        sn1.opt(
            8,
            item.status
                .as_ref()
                .and_then(|s| codes::ITEM_STATUS.code(s)),
        );
        self.s.segment(label, "SN1", &sn1)?;
        if let Some(case_pack) = item.case_pack {
            let mut po4 = Elements::new();
            po4.set(1, decimal_text(case_pack));
            self.s
                .segment(&format!("{label}'s case pack"), "PO4", &po4)?;
        }
        // Free-form (PID01 F), one PID per line of the description: how the mapping reads
        // several PIDs back into one description.
        for text in item.description.iter().flat_map(|d| d.split('\n')) {
            if text.is_empty() {
                continue;
            }
            let mut pid = Elements::new();
            pid.set(1, "F").set(5, text);
            self.s
                .segment(&format!("{label}'s description"), "PID", &pid)?;
        }
        for (p, pack) in item.packs.iter().enumerate() {
            self.pack(&format!("{label} carton {}", p + 1), pack, hl)?;
        }
        Ok(())
    }
}

/// TD106-TD108: a weight under `qualifier` (gross, net).
fn weight(td1: &mut Elements, qualifier: &str, weight: Option<&Quantity>) {
    if let Some(weight) = weight {
        td1.set(6, qualifier)
            .set(7, decimal_text(weight.value))
            .opt(8, codes::UNIT.code(&weight.unit));
    }
}

/// TM: HHMM when the time is on the minute, HHMMSS on the second, else HHMMSSDD (the
/// hundredths the standard's longest form holds).
fn time_text(time: NaiveTime) -> String {
    let hundredths = time.nanosecond() / 10_000_000;
    if time.second() == 0 && hundredths == 0 {
        time.format("%H%M").to_string()
    } else if hundredths == 0 {
        time.format("%H%M%S").to_string()
    } else {
        format!("{}{hundredths:02}", time.format("%H%M%S"))
    }
}
