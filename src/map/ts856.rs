//! X12 856 → [`ShipNotice`], versions 004010 and 005010: the inverse of [`super::ts856_out`]
//! for everything it writes (older and newer versions are read with the nearest structure,
//! see [`translate::structure`]).
//!
//! | place | segments |
//! |---|---|
//! | heading | BSN (purpose, shipment id, the notice's date and time, BSN05 the structure), DTM 011 (shipped, with its time) and 017 (estimated delivery) |
//! | HL S (shipment) | TD1 (TD101/TD102 the lading quantity, TD106 G/N with TD107/TD108 the gross or net weight), TD5 (TD501 B, TD502 2 with TD503 the SCAC, TD504 the mode, TD505 the routing), TD3 (equipment kind, initial and number; TD309 a seal), REF (BM the bill of lading, CN the PRO number, others references), DTM 011/017 as in the heading, N1 loops (ship-from, ship-to...) |
//! | HL O (order) | PRF (PO number, release, PO date), REF, N1 loops (buyer, mark-for...) |
//! | HL T (tare: a pallet) | MAN GM (its SSCC) |
//! | HL P (pack: a carton) | TD1 G (its weight), MAN GM (its SSCC) and CP (the parcel tracking number) |
//! | HL I (item) | LIN (line id, product ids), SN1 (line id, quantity shipped, quantity ordered, SN108 status), PO4 (PO401 the case pack), PID F (description) |
//! | summary | CTT (taken when CTT01 counts the HLs, or the items, and CTT02 is the sum of SN102) |
//!
//! The levels are nested by HL02, the parent's HL01, not by the order they come in: an order
//! holds pallets, cartons and items; a pallet cartons; a carton items (pick and pack) or an
//! item cartons (standard pack), but not both ways round in one branch. A level whose parent
//! is unknown, or where the model has no place for it (a carton under the shipment, a level
//! code such as Q, a subpack), is a finding, and it and everything under it are kept in
//! `source.unmapped`. HL01, HL02 and HL04 are taken: they are worked out again on the way
//! out; an HL04 that says the wrong thing about the level's children is a finding. An SSCC
//! whose check digit is wrong is kept as sent, with a finding. Without BSN05 the structure
//! is read off the tree. Everything else, and every element these leave unread (SLN, PO402
//! onwards, TD1 commodity and volume, a second equipment...), is kept in `source.unmapped`
//! (see [`translate`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::codes;
use super::translate::{
    self, Fields, MapFinding, Numeric, Translated, party, party_detail, push, push_index, reference,
};
use super::ts850::{FREE_FORM, PRODUCT_DESCRIPTION, product_id, quantity};
use crate::document::common::{Carrier, Party, Quantity, Source};
use crate::document::gs1::Sscc;
use crate::document::ship_notice::{
    Pack, PackingStructure, ShipNotice, ShippedItem, ShippedOrder, Tare,
};
use crate::spec::TransactionSetSpec;
use crate::x12::{Segment, TransactionSetRef};

/// DTM01 for the ship date.
pub(super) const SHIPPED: &str = "011";
/// DTM01 for the estimated delivery date.
pub(super) const ESTIMATED_DELIVERY: &str = "017";
/// TD106 (187) for a gross weight, and for a net one.
pub(super) const GROSS: &str = "G";
pub(super) const NET: &str = "N";
/// MAN01/MAN04 (88): an SSCC-18 ("GM", the SSCC-18 and application identifier), and the
/// carrier's number for one package ("CP", carrier-assigned package id).
pub(super) const SSCC: &str = "GM";
pub(super) const CARRIER_PACKAGE: &str = "CP";
/// TD501 (133) "B": the origin and delivery carrier, in any mode; the one carrier the model
/// has.
pub(super) const ANY_MODE_CARRIER: &str = "B";
/// TD502 (66) "2": TD503 is a Standard Carrier Alpha Code.
pub(super) const SCAC: &str = "2";
/// LIN02/LIN03 to LIN30/LIN31: fifteen product id pairs.
pub(super) const PRODUCT_IDS_PER_ITEM: usize = 15;

/// HL03 (735): the levels the model holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LevelCode {
    Shipment,
    Order,
    Tare,
    Pack,
    Item,
}

impl LevelCode {
    pub(super) fn code(self) -> &'static str {
        match self {
            LevelCode::Shipment => "S",
            LevelCode::Order => "O",
            LevelCode::Tare => "T",
            LevelCode::Pack => "P",
            LevelCode::Item => "I",
        }
    }

    fn of(code: &[u8]) -> Option<LevelCode> {
        [
            LevelCode::Shipment,
            LevelCode::Order,
            LevelCode::Tare,
            LevelCode::Pack,
            LevelCode::Item,
        ]
        .into_iter()
        .find(|l| l.code().as_bytes() == code)
    }

    fn words(self) -> &'static str {
        match self {
            LevelCode::Shipment => "shipment",
            LevelCode::Order => "order",
            LevelCode::Tare => "pallet (tare)",
            LevelCode::Pack => "carton (pack)",
            LevelCode::Item => "item",
        }
    }
}

/// The ship notice a transaction set (an 856) says, with every finding.
pub fn ship_notice(set: &TransactionSetRef<'_>) -> Translated<ShipNotice> {
    let structure = translate::structure("856", &set.group.version);
    ship_notice_from(&set.segments, translate::source(set), structure)
}

/// Maps the segments of one 856 (ST through SE) into a ship notice whose source starts as
/// `source`. Without a structure nothing can be placed: every segment is kept unmapped.
pub fn ship_notice_from(
    segments: &[Segment<'_>],
    source: Source,
    structure: Option<&TransactionSetSpec>,
) -> Translated<ShipNotice> {
    let mut m = Mapper {
        notice: ShipNotice {
            source,
            ..ShipNotice::default()
        },
        seen_bsn: false,
        structure_sent: false,
        ship_date_seen: false,
        levels: Vec::new(),
        ids: HashMap::new(),
        current: None,
        party: None,
        hl_count: 0,
        shipped_total: Decimal::ZERO,
    };
    let walked = translate::walk("856", segments, structure, |path, f| m.segment(path, f));
    let mut findings = translate::conclude(
        segments,
        walked,
        &mut m.notice.source.unmapped,
        &[(
            m.seen_bsn,
            "the set has no BSN segment: the notice has no shipment id or date",
        )],
    );
    findings.extend(m.finish(segments));
    findings.sort_by_key(|f| f.position);
    Translated {
        document: m.notice,
        findings,
    }
}

/// What one HL holds while the set is read; nested into the notice at the end.
enum Content {
    /// The shipment's segments go straight into the notice.
    Shipment,
    Order(ShippedOrder),
    Tare(Tare),
    Pack(Pack),
    Item(ShippedItem),
}

struct Level {
    /// `None` for a level kept unmapped, and once nested into its parent.
    content: Option<Content>,
    code: Option<LevelCode>,
    parent: Option<usize>,
    /// The mapped levels under this one, in the order they came.
    children: Vec<usize>,
    /// Whether any HL names this one as its parent, mapped or not: what HL04 must say.
    has_children: bool,
    /// HL04 as sent.
    child_code: Option<String>,
    /// The PRF of an order, the SN1 of an item.
    filled: bool,
    position: u32,
    offset: u64,
}

impl Level {
    fn mapped(&self) -> Option<LevelCode> {
        self.content.as_ref().and(self.code)
    }
}

struct Mapper {
    notice: ShipNotice,
    seen_bsn: bool,
    structure_sent: bool,
    ship_date_seen: bool,
    levels: Vec<Level>,
    /// HL01 → its level.
    ids: HashMap<String, usize>,
    /// The level the segments being read belong to.
    current: Option<usize>,
    /// The party the current N1 loop describes, in the current level's parties.
    party: Option<usize>,
    hl_count: u32,
    /// The sum of the quantities shipped (SN102): CTT02's hash total.
    shipped_total: Decimal,
}

impl Mapper {
    fn segment(&mut self, path: &[&str], f: &mut Fields<'_>) -> bool {
        match (path, f.id()) {
            ([], "BSN") => self.bsn(f),
            ([], "DTM") => self.dtm(f),
            (["HL"], "HL") => self.hl(f),
            (["HL"], id) => self.in_level(id, f),
            // From 005010 a TD3 heads a loop of its own (with AT9).
            (["HL", "TD3"], "TD3") => self.in_level("TD3", f),
            (["HL", "N1"], "N1") => {
                let parties = self.parties();
                self.party = parties.and_then(|p| push_index(p, party(f)));
                self.party.is_some()
            }
            (["HL", "N1"], id) => {
                let index = self.party;
                match self.parties().zip(index).and_then(|(p, i)| p.get_mut(i)) {
                    Some(p) => party_detail(p, id, f),
                    None => false,
                }
            }
            ([], "CTT") => self.ctt(f),
            _ => false,
        }
    }

    /// BSN: purpose, shipment id, date and time of the notice, the structure.
    fn bsn(&mut self, f: &mut Fields<'_>) -> bool {
        if self.seen_bsn {
            return false;
        }
        self.seen_bsn = true;
        let notice = &mut self.notice;
        match f.word(1, &codes::PURPOSE) {
            Some(purpose) => notice.purpose = purpose,
            None => f.missing(1, "the purpose", "the notice is read as an original"),
        }
        match f.text(2) {
            Some(id) => notice.shipment_id = id,
            None => f.missing(2, "the shipment id", "the id is left empty"),
        }
        notice.notice_date = f.date(3);
        notice.notice_time = f.time(4);
        if let Some(structure) = f.word(5, &codes::PACKING_STRUCTURE) {
            notice.structure = structure;
            self.structure_sent = true;
        }
        true
    }

    /// DTM 011 (the ship date, and its time) or 017 (estimated delivery), in the heading or
    /// the shipment level; one of each.
    fn dtm(&mut self, f: &mut Fields<'_>) -> bool {
        let notice = &mut self.notice;
        match f.peek(1) {
            q if q == SHIPPED.as_bytes() && !self.ship_date_seen => {
                let Some(date) = f.date(2) else {
                    return false;
                };
                f.take(1);
                notice.ship_date = date;
                notice.ship_time = f.time(3);
                self.ship_date_seen = true;
                true
            }
            q if q == ESTIMATED_DELIVERY.as_bytes() && notice.estimated_delivery.is_none() => {
                notice.estimated_delivery = f.date(2);
                f.take(1);
                notice.estimated_delivery.is_some()
            }
            _ => false,
        }
    }

    /// HL: a new level, placed under the level its HL02 names.
    fn hl(&mut self, f: &mut Fields<'_>) -> bool {
        self.hl_count += 1;
        self.party = None;
        let index = self.levels.len();
        let segment = f.segment();
        let mut level = Level {
            content: None,
            code: LevelCode::of(f.peek(3)),
            parent: None,
            children: Vec::new(),
            has_children: false,
            child_code: None,
            filled: false,
            position: segment.position,
            offset: segment.offset,
        };
        self.current = Some(index);
        let id = translate::text(f.peek(1));
        if id.is_empty() {
            f.problem(
                Some(1),
                "HL01 is empty, so no level can name this one as its parent: it and the \
                 segments in it are kept unmapped",
            );
            self.levels.push(level);
            return false;
        }
        if self.ids.contains_key(&id) {
            f.problem(
                Some(1),
                format!(
                    "HL01 '{id}' was used by an earlier HL: this second level and the levels \
                     under it are kept unmapped"
                ),
            );
            self.levels.push(level);
            return false;
        }
        let parent_id = translate::text(f.peek(2));
        // Registered only now, so that an HL naming itself as parent names no earlier HL.
        let known = self.ids.get(&parent_id).copied();
        self.ids.insert(id, index);
        let parent = if parent_id.is_empty() {
            None
        } else {
            match known {
                Some(p) => {
                    if let Some(parent) = self.levels.get_mut(p) {
                        parent.has_children = true;
                    }
                    Some(p)
                }
                None => {
                    f.problem(
                        Some(2),
                        format!(
                            "HL02 '{parent_id}' names no earlier HL, so the level's parent is \
                             unknown: it and the levels under it are kept unmapped"
                        ),
                    );
                    self.levels.push(level);
                    return false;
                }
            }
        };
        level.parent = parent;
        match self.place(level.code, parent) {
            Ok(content) => {
                level.content = Some(content);
                level.child_code = f.text(4);
                for n in 1..=3 {
                    f.take(n);
                }
                if let Some(p) = parent.and_then(|p| self.levels.get_mut(p)) {
                    p.children.push(index);
                }
                self.levels.push(level);
                true
            }
            Err(None) => {
                // Under a level already kept unmapped: that level's finding says so.
                self.levels.push(level);
                false
            }
            Err(Some(message)) => {
                f.problem(Some(3), message);
                self.levels.push(level);
                false
            }
        }
    }

    /// What a level of `code` under `parent` becomes; `Err(Some(why))` when the model has
    /// no place for it there, `Err(None)` when its parent was itself kept unmapped.
    fn place(
        &self,
        code: Option<LevelCode>,
        parent: Option<usize>,
    ) -> Result<Content, Option<String>> {
        let parent_level = parent.and_then(|p| self.levels.get(p));
        if parent_level.is_some_and(|p| p.mapped().is_none()) {
            return Err(None);
        }
        let parent_code = parent_level.and_then(Level::mapped);
        let grandparent = parent_level
            .and_then(|p| p.parent)
            .and_then(|g| self.levels.get(g))
            .and_then(Level::mapped);
        let Some(code) = code else {
            return Err(Some(
                "HL03 is a level edigate does not map (it maps S shipment, O order, T tare, P \
                 pack, I item): it and the levels under it are kept unmapped"
                    .to_owned(),
            ));
        };
        let fits = match (code, parent_code) {
            (LevelCode::Shipment, None) => true,
            (LevelCode::Order, None | Some(LevelCode::Shipment)) => true,
            (LevelCode::Tare, Some(LevelCode::Order)) => true,
            (LevelCode::Pack, Some(LevelCode::Order | LevelCode::Tare)) => true,
            (LevelCode::Pack, Some(LevelCode::Item)) => grandparent != Some(LevelCode::Pack),
            (LevelCode::Item, Some(LevelCode::Order)) => true,
            (LevelCode::Item, Some(LevelCode::Pack)) => grandparent != Some(LevelCode::Item),
            _ => false,
        };
        if !fits {
            let under = match parent_code {
                Some(p) => format!("under a {} level", p.words()),
                None => "without a parent (HL02 is empty)".to_owned(),
            };
            return Err(Some(format!(
                "a {} level {under} has no place in a ship notice (orders sit under the \
                 shipment; pallets, cartons and items under an order; cartons under a pallet \
                 or an item, items under a carton): it and the levels under it are kept \
                 unmapped",
                code.words()
            )));
        }
        Ok(match code {
            LevelCode::Shipment => Content::Shipment,
            LevelCode::Order => Content::Order(ShippedOrder::default()),
            LevelCode::Tare => Content::Tare(Tare::default()),
            LevelCode::Pack => Content::Pack(Pack::default()),
            LevelCode::Item => Content::Item(ShippedItem::default()),
        })
    }

    /// The parties of the current level, when it can have any (the shipment, an order).
    fn parties(&mut self) -> Option<&mut Vec<Party>> {
        let level = self.current.and_then(|i| self.levels.get_mut(i))?;
        match level.content.as_mut()? {
            Content::Shipment => Some(&mut self.notice.parties),
            Content::Order(order) => Some(&mut order.parties),
            _ => None,
        }
    }

    /// A segment of the current level (other than HL and the N1 loop).
    fn in_level(&mut self, id: &str, f: &mut Fields<'_>) -> bool {
        let Some(level) = self.current.and_then(|i| self.levels.get_mut(i)) else {
            return false;
        };
        let filled = &mut level.filled;
        match (level.content.as_mut(), id) {
            (Some(Content::Shipment), "DTM") => self.dtm(f),
            (Some(Content::Shipment), _) => shipment_segment(&mut self.notice, id, f),
            (Some(Content::Order(order)), "PRF") => {
                if *filled {
                    return false;
                }
                *filled = true;
                match f.text(1) {
                    Some(number) => order.purchase_order = number,
                    None => f.missing(1, "the purchase order number", "it is left empty"),
                }
                order.release = f.text(2);
                order.purchase_order_date = f.date(4);
                true
            }
            (Some(Content::Order(order)), "REF") => push(&mut order.references, reference(f)),
            (Some(Content::Tare(tare)), "MAN") => marks(f, &mut tare.sscc, None),
            (Some(Content::Pack(pack)), "MAN") => {
                marks(f, &mut pack.sscc, Some(&mut pack.tracking_number))
            }
            (Some(Content::Pack(pack)), "TD1") => {
                if pack.weight.is_some() || f.peek(6) != GROSS.as_bytes() {
                    return false;
                }
                pack.weight = quantity(f, 7, 8);
                f.take(6);
                pack.weight.is_some()
            }
            (Some(Content::Item(item)), "LIN") => {
                if item.line_id.is_some() || !item.product_ids.is_empty() {
                    return false;
                }
                item.line_id = f.text(1);
                for qualifier in (2..=30).step_by(2) {
                    if f.has(qualifier) && f.has(qualifier + 1) {
                        item.product_ids
                            .extend(product_id(f, qualifier, qualifier + 1));
                    }
                }
                true
            }
            (Some(Content::Item(item)), "SN1") => {
                if *filled {
                    return false;
                }
                *filled = true;
                shipped(item, f, &mut self.shipped_total);
                true
            }
            (Some(Content::Item(item)), "PO4") => {
                if item.case_pack.is_some() {
                    return false;
                }
                item.case_pack = f.decimal(1, Numeric::R);
                item.case_pack.is_some()
            }
            (Some(Content::Item(item)), "PID") => description(&mut item.description, f),
            _ => false,
        }
    }

    /// CTT: taken when it counts what the set holds.
    fn ctt(&mut self, f: &mut Fields<'_>) -> bool {
        let items = self
            .levels
            .iter()
            .filter(|l| l.mapped() == Some(LevelCode::Item))
            .count();
        let counted = f.count(1);
        let counts = counted.is_some_and(|n| n == self.hl_count || n as usize == items);
        if !counts {
            return false;
        }
        f.take(1);
        if translate::decimal(f.peek(2), Numeric::R) == Some(self.shipped_total) {
            f.take(2);
        }
        true
    }

    /// Nests the levels into the notice and gives the findings only the whole set shows.
    fn finish(&mut self, segments: &[Segment<'_>]) -> Vec<MapFinding> {
        let mut findings = Vec::new();
        let finding = |level: &Level, element: Option<u32>, value, message: String| MapFinding {
            segment: "HL".to_owned(),
            position: level.position,
            element,
            value,
            message,
            offset: level.offset,
        };
        for level in &self.levels {
            let Some(code) = level.mapped() else { continue };
            match level.child_code.as_deref() {
                Some("1") if !level.has_children => findings.push(finding(
                    level,
                    Some(4),
                    Some("1".to_owned()),
                    "HL04 says the level has levels under it, but no HL names it as parent"
                        .to_owned(),
                )),
                Some("0") if level.has_children => findings.push(finding(
                    level,
                    Some(4),
                    Some("0".to_owned()),
                    "HL04 says the level has nothing under it, but later HLs name it as parent"
                        .to_owned(),
                )),
                _ => {}
            }
            match code {
                LevelCode::Order if !level.filled => findings.push(finding(
                    level,
                    None,
                    None,
                    "the order level has no PRF: its purchase order number is left empty"
                        .to_owned(),
                )),
                LevelCode::Item if !level.filled => findings.push(finding(
                    level,
                    None,
                    None,
                    "the item level has no SN1: its quantity shipped is left at 0".to_owned(),
                )),
                _ => {}
            }
        }

        let roots: Vec<usize> = (0..self.levels.len())
            .filter(|&i| {
                let level = &self.levels[i];
                level.mapped() == Some(LevelCode::Order)
                    && level
                        .parent
                        .is_none_or(|p| self.levels[p].mapped() == Some(LevelCode::Shipment))
            })
            .collect();
        for i in roots {
            if let Some(Content::Order(order)) = self.nest(i) {
                self.notice.orders.push(order);
            }
        }

        let notice = &mut self.notice;
        if !self.ship_date_seen {
            if let Some(date) = notice.notice_date {
                notice.ship_date = date;
            }
            findings.extend(translate::set_finding(
                segments,
                "the set has no DTM 011: the ship date is taken to be the notice's date (BSN03)",
            ));
        }
        if notice.notice_date == Some(notice.ship_date) {
            // The model's notice date is "when written, if not the ship date".
            notice.notice_date = None;
        }
        if !self.structure_sent {
            notice.structure = structure_of(&notice.orders);
        }
        findings
    }

    /// The content of level `i` with the levels under it nested in.
    fn nest(&mut self, i: usize) -> Option<Content> {
        let level = self.levels.get_mut(i)?;
        let mut content = level.content.take()?;
        let children = std::mem::take(&mut level.children);
        for child in children {
            let Some(inner) = self.nest(child) else {
                continue;
            };
            match (&mut content, inner) {
                (Content::Order(order), Content::Tare(tare)) => order.tares.push(tare),
                (Content::Order(order), Content::Pack(pack)) => order.packs.push(pack),
                (Content::Order(order), Content::Item(item)) => order.items.push(item),
                (Content::Tare(tare), Content::Pack(pack)) => tare.packs.push(pack),
                (Content::Pack(pack), Content::Item(item)) => pack.items.push(item),
                (Content::Item(item), Content::Pack(pack)) => item.packs.push(pack),
                // `place` lets no other pair through.
                _ => {}
            }
        }
        Some(content)
    }
}

/// A segment of the shipment level.
fn shipment_segment(notice: &mut ShipNotice, id: &str, f: &mut Fields<'_>) -> bool {
    match id {
        "TD1" => lading(notice, f),
        "TD5" => {
            if notice.carrier.is_some() {
                return false;
            }
            let mut carrier = Carrier::default();
            if f.peek(2) == SCAC.as_bytes() && f.has(3) {
                f.take(2);
                carrier.scac = f.text(3);
            }
            carrier.mode = f.word(4, &codes::TRANSPORT_MODE);
            carrier.routing = f.text(5);
            if carrier == Carrier::default() {
                return false;
            }
            f.take_if(1, &[ANY_MODE_CARRIER]);
            notice.carrier = Some(carrier);
            true
        }
        "TD3" => {
            let equipment = f.has(1) || f.has(2) || f.has(3);
            let known = notice.equipment_kind.is_some()
                || notice.equipment_initial.is_some()
                || notice.equipment_number.is_some();
            if equipment && known || !equipment && !f.has(9) {
                return false;
            }
            if equipment {
                notice.equipment_kind = f.word(1, &codes::EQUIPMENT_KIND);
                notice.equipment_initial = f.text(2);
                notice.equipment_number = f.text(3);
            }
            notice.seal_numbers.extend(f.text(9));
            true
        }
        "REF" => {
            let slot = match f.peek(1) {
                b"BM" => &mut notice.bill_of_lading,
                b"CN" => &mut notice.pro_number,
                _ => return push(&mut notice.references, reference(f)),
            };
            if slot.is_some() || !f.has(2) {
                return push(&mut notice.references, reference(f));
            }
            *slot = f.text(2);
            f.take(1);
            slot.is_some()
        }
        _ => false,
    }
}

/// TD1 of the shipment: the lading quantity and a gross or net weight, each once.
fn lading(notice: &mut ShipNotice, f: &mut Fields<'_>) -> bool {
    let mut mapped = false;
    if notice.lading_quantity.is_none()
        && f.has(1)
        && let Some(value) = f.decimal(2, Numeric::R)
        && let Some(unit) = f.word(1, &codes::PACKAGING)
    {
        notice.lading_quantity = Some(Quantity::new(value, unit));
        mapped = true;
    }
    let slot = match f.peek(6) {
        q if q == GROSS.as_bytes() => &mut notice.gross_weight,
        q if q == NET.as_bytes() => &mut notice.net_weight,
        _ => return mapped,
    };
    if slot.is_none()
        && let Some(weight) = quantity(f, 7, 8)
    {
        f.take(6);
        *slot = Some(weight);
        mapped = true;
    }
    mapped
}

/// MAN: the SSCC (GM) of a pallet or carton and, for a carton, its tracking number (CP),
/// from either pair of marks (MAN01/MAN02, MAN04/MAN05). An SSCC that fails its check is
/// kept as sent, with a finding.
fn marks(f: &mut Fields<'_>, sscc: &mut String, mut tracking: Option<&mut Option<String>>) -> bool {
    let mut mapped = false;
    for (qualifier, value) in [(1, 2), (4, 5)] {
        if !f.has(value) {
            continue;
        }
        match f.peek(qualifier) {
            q if q == SSCC.as_bytes() && sscc.is_empty() => {
                let Some(code) = f.text(value) else { continue };
                if let Err(e) = Sscc::parse(&code) {
                    f.problem(
                        Some(value),
                        format!("MAN{value:02} '{code}' is not a valid SSCC-18 ({e}); it is kept as sent"),
                    );
                }
                f.take(qualifier);
                *sscc = code;
                mapped = true;
            }
            q if q == CARRIER_PACKAGE.as_bytes() => {
                let Some(slot) = tracking.as_deref_mut().filter(|s| s.is_none()) else {
                    continue;
                };
                *slot = f.text(value);
                f.take(qualifier);
                mapped = true;
            }
            _ => {}
        }
    }
    mapped
}

/// SN1: the quantity shipped and ordered, the status; SN101 the line id, when LIN gave none
/// or the same.
fn shipped(item: &mut ShippedItem, f: &mut Fields<'_>, total: &mut Decimal) {
    let line = translate::text(f.peek(1));
    match &item.line_id {
        _ if line.is_empty() => {}
        None => item.line_id = f.text(1),
        Some(id) if *id == line => f.take(1),
        Some(_) => {}
    }
    match f.decimal(2, Numeric::R) {
        Some(value) => {
            item.quantity_shipped.value = value;
            *total = total.checked_add(value).unwrap_or(*total);
            match f.word(3, &codes::UNIT) {
                Some(unit) => item.quantity_shipped.unit = unit,
                None => f.missing(3, "the unit of measure", "the quantity is read as each"),
            }
        }
        None if !f.has(2) => f.missing(2, "the quantity shipped", "the item's quantity is 0"),
        None => {}
    }
    item.quantity_ordered = quantity(f, 5, 6);
    item.status = f.word(8, &codes::ITEM_STATUS);
}

/// PID: a free-form description of the whole product; several are joined as lines.
fn description(description: &mut Option<String>, f: &mut Fields<'_>) -> bool {
    if f.peek(1) != FREE_FORM || !f.has(5) || !f.take_if(2, PRODUCT_DESCRIPTION) {
        return false;
    }
    f.take(1);
    let Some(text) = f.text(5) else {
        return false;
    };
    *description = Some(match description.take() {
        Some(before) => format!("{before}\n{text}"),
        None => text,
    });
    true
}

/// The structure a notice without BSN05 has: standard pack when items hold the cartons,
/// shipment/order/item when there are no cartons, pick and pack otherwise.
fn structure_of(orders: &[ShippedOrder]) -> PackingStructure {
    let cartons = orders
        .iter()
        .any(|o| !o.tares.is_empty() || !o.packs.is_empty());
    let items_hold_cartons = orders
        .iter()
        .any(|o| o.items.iter().any(|i| !i.packs.is_empty()));
    if items_hold_cartons {
        PackingStructure::ShipmentOrderItemPack
    } else if cartons {
        PackingStructure::ShipmentOrderPackItem
    } else {
        PackingStructure::ShipmentOrderItem
    }
}

/// When the notice was written, for [`super::ts856_out`]: its own date, else the ship date.
pub(super) fn notice_date(notice: &ShipNotice) -> NaiveDate {
    notice.notice_date.unwrap_or(notice.ship_date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::test_support::{d, day};
    use crate::document::common::{
        IdScheme, PartyRole, ProductIdKind, Purpose, ReferenceKind, TransportMode, UnitOfMeasure,
    };
    use crate::document::ship_notice::{EquipmentKind, ItemStatus};
    use crate::map::translate::test_support::mapped;
    use chrono::NaiveTime;

    fn translate_in(version: &str, body: &str) -> Translated<ShipNotice> {
        mapped(version, "SH", "856", body, ship_notice)
    }

    fn kept(t: &Translated<ShipNotice>) -> Vec<(&str, u32)> {
        t.document
            .source
            .unmapped
            .iter()
            .map(|u| (u.id.as_str(), u.position))
            .collect()
    }

    fn places(t: &Translated<ShipNotice>) -> Vec<(&str, u32, Option<u32>)> {
        t.findings
            .iter()
            .map(|f| (f.segment.as_str(), f.position, f.element))
            .collect()
    }

    /// Pick and pack with a pallet: the HLs come out of order (the loose carton's HL names
    /// the order, after the pallet's cartons), so nesting must follow HL02.
    const PICK_AND_PACK: &str = "
        BSN*00*SH-000481*20261119*1645*0001
        DTM*011*20261119*1630
        DTM*017*20261121
        HL*1**S*1
        TD1*CTN25*3****G*61.5*LB
        TD1******N*58*LB
        TD5*B*2*ODFL*LT*ODFL ECONOMY
        TD3*TL*ODFL*553100******SEAL0098812
        TD3*********SEAL0098813
        REF*BM*00012345600000017
        REF*CN*PRO44120987
        REF*PK*PL-481
        N1*SF*ACME SUPPLY CO*1*123456789
        N3*1200 INDUSTRIAL PKWY
        N4*DAYTON*OH*45414*US
        N1*ST*BIGRETAIL DC 12*92*0012
        HL*2*1*O*1
        PRF*4500012345***20261102
        REF*DP*042
        N1*Z7*BIGRETAIL STORE 118*92*0118
        HL*3*2*T*1
        MAN*GM*006141410000020010
        HL*4*3*P*1
        TD1******G*20.5*LB
        MAN*GM*006141410000020027
        HL*5*4*I*0
        LIN*1*UP*012345678905*VN*AC-100
        SN1**24*EA**48*EA**BP
        PO4*24
        PID*F****BLUE WIDGET
        PID*F****4 INCH
        HL*6*2*P*1
        MAN*GM*006141410000020034**CP*1Z999AA10123456784
        HL*7*6*I*0
        LIN*2*UP*012345678912
        SN1*2*12*EA**12*EA**AC
        CTT*7*36";

    fn pick_and_pack(t: &Translated<ShipNotice>) {
        assert_eq!(t.findings, [], "{:#?}", t.findings);
        assert_eq!(kept(t), [], "everything was taken");
        let n = &t.document;
        assert_eq!(n.shipment_id, "SH-000481");
        assert_eq!(n.purpose, Purpose::Original);
        assert_eq!(n.notice_date, None, "the ship date");
        assert_eq!(n.notice_time, NaiveTime::from_hms_opt(16, 45, 0));
        assert_eq!(n.ship_date, day(2026, 11, 19));
        assert_eq!(n.ship_time, NaiveTime::from_hms_opt(16, 30, 0));
        assert_eq!(n.estimated_delivery, Some(day(2026, 11, 21)));
        assert_eq!(n.structure, PackingStructure::ShipmentOrderPackItem);
        assert_eq!(
            n.lading_quantity,
            Some(Quantity::new(d("3"), UnitOfMeasure::Carton))
        );
        assert_eq!(
            n.gross_weight,
            Some(Quantity::new(d("61.5"), UnitOfMeasure::Pound))
        );
        assert_eq!(
            n.net_weight,
            Some(Quantity::new(d("58"), UnitOfMeasure::Pound))
        );
        let carrier = n.carrier.as_ref().unwrap();
        assert_eq!(carrier.scac.as_deref(), Some("ODFL"));
        assert_eq!(carrier.mode, Some(TransportMode::LessThanTruckload));
        assert_eq!(carrier.routing.as_deref(), Some("ODFL ECONOMY"));
        assert_eq!(n.equipment_kind, Some(EquipmentKind::Trailer));
        assert_eq!(n.equipment_initial.as_deref(), Some("ODFL"));
        assert_eq!(n.equipment_number.as_deref(), Some("553100"));
        assert_eq!(n.seal_numbers, ["SEAL0098812", "SEAL0098813"]);
        assert_eq!(n.bill_of_lading.as_deref(), Some("00012345600000017"));
        assert_eq!(n.pro_number.as_deref(), Some("PRO44120987"));
        assert_eq!(n.references[0].kind, ReferenceKind::PackingList);
        assert_eq!(n.parties[0].role, PartyRole::ShipFrom);
        assert_eq!(n.parties[0].ids[0].scheme, IdScheme::Duns);
        assert_eq!(n.parties[1].role, PartyRole::ShipTo);
        let order = &n.orders[0];
        assert_eq!(order.purchase_order, "4500012345");
        assert_eq!(order.purchase_order_date, Some(day(2026, 11, 2)));
        assert_eq!(order.references[0].value, "042");
        assert_eq!(order.parties[0].role, PartyRole::MarkFor);
        let pallet = &order.tares[0];
        assert_eq!(pallet.sscc, "006141410000020010");
        let carton = &pallet.packs[0];
        assert_eq!(carton.sscc, "006141410000020027");
        assert_eq!(
            carton.weight,
            Some(Quantity::new(d("20.5"), UnitOfMeasure::Pound))
        );
        let item = &carton.items[0];
        assert_eq!(item.line_id.as_deref(), Some("1"));
        assert_eq!(item.product_ids[1].kind, ProductIdKind::VendorItem);
        assert_eq!(item.quantity_shipped.value, d("24"));
        assert_eq!(
            item.quantity_ordered,
            Some(Quantity::new(d("48"), UnitOfMeasure::Each))
        );
        assert_eq!(item.status, Some(ItemStatus::BackOrdered));
        assert_eq!(item.case_pack, Some(d("24")));
        assert_eq!(item.description.as_deref(), Some("BLUE WIDGET\n4 INCH"));
        let loose = &order.packs[0];
        assert_eq!(loose.sscc, "006141410000020034");
        assert_eq!(loose.tracking_number.as_deref(), Some("1Z999AA10123456784"));
        assert_eq!(loose.items[0].line_id.as_deref(), Some("2"));
        assert_eq!(loose.items[0].status, Some(ItemStatus::Complete));
        assert!(order.items.is_empty());
    }

    #[test]
    fn pick_and_pack_with_a_pallet_in_both_versions() {
        for version in ["004010", "005010"] {
            let t = translate_in(version, PICK_AND_PACK);
            pick_and_pack(&t);
            assert_eq!(t.document.source.version.as_deref(), Some(version));
        }
    }

    #[test]
    fn nesting_follows_hl02_not_the_order_of_the_levels() {
        // The second order's carton comes before the first order's item.
        let t = translate_in(
            "004010",
            "BSN*00*SH-1*20261119*1645*0002
             DTM*011*20261119
             HL*10**S*1
             HL*20*10*O*1
             PRF*PO-A
             HL*30*10*O*1
             PRF*PO-B
             HL*31*30*I*1
             LIN**UP*012345678905
             SN1**12*EA
             HL*21*20*I*1
             LIN**UP*012345678912
             SN1**6*EA
             HL*32*31*P*0
             MAN*GM*006141410000020041
             HL*22*21*P*0
             MAN*GM*006141410000020058
             CTT*7*18",
        );
        assert_eq!(t.findings, [], "{:#?}", t.findings);
        assert_eq!(kept(&t), []);
        let orders = &t.document.orders;
        assert_eq!(orders[0].purchase_order, "PO-A");
        assert_eq!(orders[0].items[0].packs[0].sscc, "006141410000020058");
        assert_eq!(orders[1].items[0].packs[0].sscc, "006141410000020041");
        assert_eq!(
            t.document.structure,
            PackingStructure::ShipmentOrderItemPack
        );
    }

    #[test]
    fn a_level_without_a_known_parent_is_a_finding_and_kept() {
        let t = translate_in(
            "004010",
            "BSN*00*SH-1*20261119*1645
             DTM*011*20261119
             HL*1**S*1
             HL*2*1*O*1
             PRF*4500012345
             HL*3*9*P*1
             MAN*GM*006141410000020010
             HL*4*3*I*0
             LIN**UP*012345678905
             SN1**12*EA
             HL*5*2*Q*0
             HL*6*1*P*0",
        );
        assert_eq!(
            places(&t),
            [("HL", 7, Some(2)), ("HL", 12, Some(3)), ("HL", 13, Some(3))]
        );
        assert!(
            t.findings[0]
                .message
                .contains("HL02 '9' names no earlier HL")
        );
        assert!(
            t.findings[1]
                .message
                .contains("HL03 is a level edigate does not map")
        );
        assert!(t.findings[2].message.contains("under a shipment level"));
        assert_eq!(
            kept(&t),
            [
                ("HL", 7),
                ("MAN", 8),
                ("HL", 9),
                ("LIN", 10),
                ("SN1", 11),
                ("HL", 12),
                ("HL", 13)
            ],
            "the levels under a level kept unmapped are kept, without findings of their own"
        );
        assert_eq!(t.document.orders[0].purchase_order, "4500012345");
        assert!(t.document.orders[0].packs.is_empty());
    }

    #[test]
    fn a_bad_sscc_an_untrue_hl04_and_missing_prf_and_sn1_are_findings() {
        let t = translate_in(
            "004010",
            "BSN*00*SH-1*20261119*1645*0001
             DTM*011*20261119
             HL*1**S*1
             HL*2*1*O*1
             HL*3*2*P*1
             MAN*GM*006141410000020011
             HL*4*3*I*1
             LIN**UP*012345678905",
        );
        assert_eq!(
            places(&t),
            [
                ("HL", 5, None),
                ("MAN", 7, Some(2)),
                ("HL", 8, Some(4)),
                ("HL", 8, None)
            ]
        );
        assert!(
            t.findings[1].message.contains(
                "'006141410000020011' is not a valid SSCC-18 (check digit 1 should be 0)"
            ),
            "{}",
            t.findings[1].message
        );
        assert_eq!(
            t.document.orders[0].packs[0].sscc, "006141410000020011",
            "kept as sent"
        );
        assert!(
            t.findings[2]
                .message
                .contains("HL04 says the level has levels under it")
        );
        assert_eq!(kept(&t), []);
    }

    #[test]
    fn without_bsn05_the_structure_is_read_off_the_tree() {
        let loose = translate_in(
            "005010",
            "BSN*00*SH-1*20261118*1645
             DTM*011*20261119
             HL*1**S*1
             HL*2*1*O*1
             PRF*4500012345
             HL*3*2*I*0
             LIN*1*UP*012345678905
             SN1*1*12*EA
             CTT*3",
        );
        assert_eq!(loose.findings, []);
        assert_eq!(
            kept(&loose),
            [],
            "SN101 repeats LIN01; CTT01 counts the HLs"
        );
        assert_eq!(
            loose.document.structure,
            PackingStructure::ShipmentOrderItem
        );
        assert_eq!(loose.document.notice_date, Some(day(2026, 11, 18)));
    }

    #[test]
    fn without_dtm_011_the_ship_date_is_the_notice_date_with_a_finding() {
        let t = translate_in("004010", "BSN*00*SH-1*20261118*1645*0004\nHL*1**S*0");
        assert_eq!(places(&t), [("ST", 1, None)]);
        assert_eq!(t.document.ship_date, day(2026, 11, 18));
        assert_eq!(t.document.notice_date, None);
    }
}
