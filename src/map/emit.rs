//! What every canonical → X12 mapping shares: the envelope the caller chooses
//! ([`EmitEnvelope`]), the refusal that names what is wrong in the document's own words
//! ([`EmitError`], [`Refusal`]), the writer of one transaction set that remembers what each
//! segment carries ([`SetWriter`]), the value formats (dates, `R` decimals, `N2` implied
//! cents), and [`emit`]: one complete interchange, checked against our own specs before a
//! byte of it is handed on.
//!
//! The rule of the outbound mappings: we never send what our own validator rejects, and a
//! refusal says which part of the document is at fault ("invoice line 3", "party 2 (ship
//! to)"), not only which element of which segment.

use std::fmt;
use std::io::Write;

use chrono::{NaiveDate, NaiveTime};
use rust_decimal::{Decimal, RoundingStrategy};

use super::codes::{self, Open};
use super::translate::{self, PlaceKey, Placement};
use crate::document::common::{
    AllowanceCharge, AllowanceOrCharge, Contact, Party, ProductId, Quantity, Reference,
    UnmappedElement, UnmappedSegment,
};
use crate::document::order::PriceBasis;
use crate::document::terms::Terms;
use crate::validate::{self, Severity};
use crate::x12::writer::{GroupEnvelope, InterchangeEnvelope};
use crate::x12::{Delimiters, InterchangeWriter, PartyId, WriteError};

/// The versions the outbound mappings write (GS08), with their ISA12.
const VERSIONS: &[(&str, &str)] = &[("004010", "00401"), ("005010", "00501")];

/// ISA15: whether the partner is to act on the interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Usage {
    #[default]
    Production,
    Test,
}

impl Usage {
    fn code(self) -> char {
        match self {
            Usage::Production => 'P',
            Usage::Test => 'T',
        }
    }
}

/// The envelope of an outbound interchange: who sends to whom, in which version, under
/// which control numbers, when. Date and time are passed in: the mappings have no clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitEnvelope {
    /// ISA05/ISA06.
    pub sender: PartyId,
    /// ISA07/ISA08.
    pub receiver: PartyId,
    /// GS02: often the ISA id, but some partners route groups by codes of their own.
    pub group_sender: String,
    /// GS03.
    pub group_receiver: String,
    /// GS08: `004010` or `005010`; ISA12 follows (`00401`, `00501`).
    pub version: String,
    /// ISA13.
    pub interchange_control_number: u64,
    /// GS06.
    pub group_control_number: u64,
    /// ST02 of the (only) transaction set.
    pub transaction_set_control_number: u64,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub usage: Usage,
    /// The partner's delimiters; `*`, `>`, `^` (from 005010), `~` unless its profile says
    /// otherwise.
    pub delimiters: Delimiters,
    /// After each segment terminator: "\n" (a file a person can read, and every partner's
    /// parser skips it), "\r\n" or "".
    pub line_suffix: String,
}

impl EmitEnvelope {
    /// An envelope whose group codes are the interchange ids and whose three control
    /// numbers are `control_number` (ST02 1: one set per interchange).
    pub fn new(
        sender: PartyId,
        receiver: PartyId,
        version: &str,
        control_number: u64,
        date: NaiveDate,
        time: NaiveTime,
    ) -> Self {
        EmitEnvelope {
            group_sender: sender.id.clone(),
            group_receiver: receiver.id.clone(),
            sender,
            receiver,
            version: version.to_owned(),
            interchange_control_number: control_number,
            group_control_number: control_number,
            transaction_set_control_number: 1,
            date,
            time,
            usage: Usage::Production,
            delimiters: Delimiters::COMMON,
            line_suffix: "\n".to_owned(),
        }
    }
}

/// One thing wrong with a document we were asked to send: the part of the document at
/// fault, in its own words, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// "invoice line 3", "party 2 (ship to)", "the invoice total".
    pub field: String,
    pub message: String,
}

impl Refusal {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Refusal {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// The document cannot be sent as it stands; every problem found, each naming its field.
    #[error("{}", refused(.0))]
    Refused(Vec<Refusal>),
    #[error("version {0} cannot be written: edigate writes {versions}", versions = written_versions())]
    Version(String),
    #[error("the built-in specs are broken, so nothing can be checked before it is sent: {0}")]
    Specs(String),
    /// The envelope could not be written (a sender id too long, a delimiter in a group
    /// code) or the output failed.
    #[error(transparent)]
    Write(#[from] WriteError),
}

fn written_versions() -> String {
    let versions: Vec<&str> = VERSIONS.iter().map(|(v, _)| *v).collect();
    versions.join(" and ")
}

fn refused(problems: &[Refusal]) -> String {
    let list: Vec<String> = problems.iter().map(Refusal::to_string).collect();
    format!(
        "refused ({} problem(s)): {}",
        problems.len(),
        list.join("; ")
    )
}

impl EmitError {
    /// The problems of a refused document; empty for the other errors.
    pub fn refusals(&self) -> &[Refusal] {
        match self {
            EmitError::Refused(problems) => problems,
            _ => &[],
        }
    }
}

/// GS08 `version` checked, with its ISA12.
pub(crate) fn isa_version(version: &str) -> Result<&'static str, EmitError> {
    VERSIONS
        .iter()
        .find(|(v, _)| *v == version)
        .map(|(_, isa)| *isa)
        .ok_or_else(|| EmitError::Version(version.to_owned()))
}

/// The elements of one segment, set by position so that the code reads like the segment's
/// layout; unset places stay empty and trailing empty ones are never written.
#[derive(Debug, Default)]
pub(crate) struct Elements(Vec<String>);

impl Elements {
    pub fn new() -> Self {
        Elements::default()
    }

    /// Element `n` (1-based).
    pub fn set(&mut self, n: usize, value: impl Into<String>) -> &mut Self {
        let i = n.saturating_sub(1);
        if self.0.len() <= i {
            self.0.resize(i + 1, String::new());
        }
        self.0[i] = value.into();
        self
    }

    /// Element `n` when there is a value.
    pub fn opt(&mut self, n: usize, value: Option<impl Into<String>>) -> &mut Self {
        if let Some(value) = value {
            self.set(n, value);
        }
        self
    }
}

/// Writes one transaction set, remembering for each segment (by its position, ST = 1) the
/// part of the document it carries, so that whatever the validator later finds there can
/// be reported in the document's words. Data the interchange's delimiters forbid is a
/// refusal of that part, and writing goes on, so that one run reports every problem.
pub(crate) struct SetWriter<'w, W> {
    w: &'w mut InterchangeWriter<W>,
    labels: Vec<String>,
    problems: Vec<Refusal>,
    /// Where each written segment sits in the set's structure (none without one).
    placement: Option<Placement<'static>>,
    /// The place of the segment last written.
    place: PlaceKey,
    /// Segments a translation kept unmapped, still to be written back, with their places;
    /// latest first.
    unmapped: Vec<(PlaceKey, UnmappedSegment)>,
}

impl<'w, W: Write> SetWriter<'w, W> {
    pub fn begin(
        w: &'w mut InterchangeWriter<W>,
        id: &str,
        control_number: u64,
    ) -> Result<Self, EmitError> {
        w.begin_transaction(id, control_number)?;
        let mut placement = translate::structure(id, w.group_version()).map(Placement::new);
        if let Some(p) = placement.as_mut() {
            p.place(b"ST");
        }
        Ok(SetWriter {
            w,
            labels: vec!["the transaction set header".to_owned()],
            problems: Vec::new(),
            place: placement.as_ref().map(Placement::key).unwrap_or_default(),
            placement,
            unmapped: Vec::new(),
        })
    }

    /// Writes `segments` (what a translation of this document from X12 did not map) back
    /// where they came from: each goes into the loop iteration it was read in
    /// (`UnmappedSegment::loop_path`), after the written segments the standard puts before
    /// it; one with no place in the structure follows the kept segment before it. A document
    /// that came from X12 and is written out unchanged so gets every segment back; the
    /// validator still checks the result, so one that no longer fits is refused, never sent.
    pub fn keep_unmapped(&mut self, segments: &[UnmappedSegment]) {
        let structure = self.placement.as_ref().map(Placement::structure);
        let mut previous = PlaceKey::default();
        let mut kept: Vec<(PlaceKey, UnmappedSegment)> = segments
            .iter()
            .map(|segment| {
                let key = structure
                    .and_then(|s| Placement::key_of(s, segment.loop_path.as_deref(), &segment.id))
                    .unwrap_or_else(|| previous.clone());
                previous.clone_from(&key);
                (key, segment.clone())
            })
            .collect();
        // Stable: segments at the same place keep the order they came in.
        kept.sort_by(|a, b| a.0.cmp(&b.0));
        kept.reverse();
        self.unmapped = kept;
    }

    /// Writes the kept segments whose place comes before `next` (all that are left when
    /// `None`).
    fn write_unmapped_before(&mut self, next: Option<&PlaceKey>) -> Result<(), EmitError> {
        while let Some((key, _)) = self.unmapped.last() {
            if next.is_some_and(|next| key >= next) {
                break;
            }
            let (_, segment) = self.unmapped.pop().expect("just looked at");
            let label = format!(
                "the {} segment kept unmapped from position {}",
                segment.id, segment.position
            );
            let parts = kept_parts(&segment.elements);
            match self.w.segment_parts(&segment.id, &parts) {
                Ok(()) => {
                    self.labels.push(label);
                    self.advance(segment.id.as_bytes());
                }
                Err(e) if data_error(&e) => self.refuse(label, e.to_string()),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// The kept segment at place `next` with id `id` that agrees with `elements` wherever
    /// both have a value: the segment `elements` were mapped from, kept because the mapping
    /// read it only in part. Taken out, to be written once, merged, rather than twice.
    fn take_partly_mapped(
        &mut self,
        next: &PlaceKey,
        id: &str,
        elements: &Elements,
    ) -> Option<UnmappedSegment> {
        let at_next = self
            .unmapped
            .iter()
            .rev()
            .take_while(|(key, _)| key == next)
            .position(|(_, kept)| kept.id == id && agrees(kept, elements))?;
        let index = self.unmapped.len() - 1 - at_next;
        Some(self.unmapped.remove(index).1)
    }

    /// Follows a written segment in the structure; the place stays where it was for one
    /// the structure has no place for (the validator will say so).
    fn advance(&mut self, id: &[u8]) {
        if let Some(p) = self.placement.as_mut()
            && p.place(id).is_some()
        {
            self.place = p.key();
        }
    }

    /// Writes segment `id` carrying `label`.
    pub fn segment(&mut self, label: &str, id: &str, elements: &Elements) -> Result<(), EmitError> {
        let mut partly_mapped = None;
        if !self.unmapped.is_empty() {
            // Where this segment will go, without moving there yet: kept segments that
            // come first are written first, and move the place themselves.
            let next = self
                .placement
                .as_ref()
                .and_then(|p| {
                    let mut ahead = p.clone();
                    let placed = ahead.place(id.as_bytes()).is_some();
                    placed.then(|| ahead.key())
                })
                .unwrap_or_else(|| self.place.clone());
            self.write_unmapped_before(Some(&next))?;
            partly_mapped = self.take_partly_mapped(&next, id, elements);
        }
        self.advance(id.as_bytes());
        if let Some(kept) = partly_mapped {
            // What the mapping left unread comes back from the kept copy, as it was sent;
            // the document's values fill the places the copy leaves empty.
            let mut parts = kept_parts(&kept.elements);
            for (i, value) in elements.0.iter().enumerate() {
                if parts.len() <= i {
                    parts.resize(i + 1, vec![vec![""]]);
                }
                if parts[i].iter().flatten().all(|c| c.is_empty()) {
                    parts[i] = vec![vec![value.as_str()]];
                }
            }
            match self.w.segment_parts(id, &parts) {
                Ok(()) => {
                    self.labels.push(label.to_owned());
                    return Ok(());
                }
                Err(e) if data_error(&e) => self.refuse(
                    format!("{label} (as sent, at position {})", kept.position),
                    e.to_string(),
                ),
                Err(e) => return Err(e.into()),
            }
        }
        let values: Vec<&str> = elements.0.iter().map(String::as_str).collect();
        match self.w.segment(id, &values) {
            Ok(()) => {
                self.labels.push(label.to_owned());
                Ok(())
            }
            Err(e @ (WriteError::DelimiterInData { .. } | WriteError::ControlCharacter { .. })) => {
                self.refuse(label, e.to_string());
                // Written with the offending characters masked, so that the segments after
                // it stay in place and the validator reports real problems, not the echo of
                // a missing segment. The set is refused: these bytes are never sent.
                let d = self.w.delimiters();
                let masked: Vec<String> = values
                    .iter()
                    .map(|v| {
                        v.chars()
                            .map(|c| match u8::try_from(c) {
                                Ok(b) if d.is_delimiter(b) || b < 0x20 || b == 0x7f => '?',
                                _ => c,
                            })
                            .collect()
                    })
                    .collect();
                let masked: Vec<&str> = masked.iter().map(String::as_str).collect();
                self.w.segment(id, &masked)?;
                self.labels.push(label.to_owned());
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// An N2 amount; a refusal of `field` when it cannot be one.
    pub fn cents(&mut self, field: &str, amount: Decimal) -> String {
        implied_cents(amount).unwrap_or_else(|| {
            self.refuse(
                field,
                format!(
                    "{amount} cannot be written as cents (N2): fractions of a cent, or too large"
                ),
            );
            String::new()
        })
    }

    /// An N1 loop (N1, N2, N3, N4, PER) for `party`, each segment carrying `label`: the
    /// role, the name (its further lines in N2s, two a segment, as the inbound mappings join
    /// them), the first id whose scheme has a qualifier, the address and the contacts. An
    /// N1 holds one id: the others are noted in `not_carried`. From 005010 (`modern`) a
    /// region outside the US and Canada is a country subdivision (N407), not a state or
    /// province code (N402).
    pub fn party(
        &mut self,
        label: &str,
        party: &Party,
        modern: bool,
        not_carried: &mut Vec<String>,
    ) -> Result<(), EmitError> {
        let mut names = party.name.iter().flat_map(|n| n.split('\n'));
        let mut n1 = Elements::new();
        n1.opt(1, codes::PARTY_ROLE.code(&party.role))
            .opt(2, names.next());
        let coded = party.ids.iter().enumerate().find_map(|(k, id)| {
            codes::ID_SCHEME
                .code(&id.scheme)
                .map(|code| (k, code, id.value.as_str()))
        });
        match coded {
            Some((k, code, value)) => {
                n1.set(3, code).set(4, value);
                for (_, id) in party.ids.iter().enumerate().filter(|(j, _)| *j != k) {
                    not_carried.push(format!(
                        "{label}: its id {} ({}) is not carried: an N1 holds one id",
                        id.value,
                        words(&id.scheme)
                    ));
                }
            }
            None if !party.ids.is_empty() => {
                let ids: Vec<String> = party
                    .ids
                    .iter()
                    .map(|id| format!("{} {}", words(&id.scheme), id.value))
                    .collect();
                self.refuse(
                    label,
                    format!(
                        "is named only by {}, which N103 has no qualifier for: add its GLN or \
                         DUNS, or give the id as buyer_assigned (92) or seller_assigned (91)",
                        ids.join(", ")
                    ),
                );
            }
            None => {}
        }
        self.segment(label, "N1", &n1)?;

        let more: Vec<&str> = names.collect();
        for pair in more.chunks(2) {
            let mut n2 = Elements::new();
            for (k, name) in pair.iter().enumerate() {
                n2.set(k + 1, *name);
            }
            self.segment(label, "N2", &n2)?;
        }
        if let Some(address) = &party.address {
            for pair in address.lines.chunks(2) {
                let mut n3 = Elements::new();
                for (k, line) in pair.iter().enumerate() {
                    n3.set(k + 1, line.as_str());
                }
                self.segment(label, "N3", &n3)?;
            }
            if address.city.is_some()
                || address.region.is_some()
                || address.postal_code.is_some()
                || address.country.is_some()
            {
                let subdivision = modern
                    && address
                        .country
                        .as_deref()
                        .is_some_and(|c| !STATE_OR_PROVINCE_COUNTRIES.contains(&c));
                let mut n4 = Elements::new();
                n4.opt(1, address.city.as_deref())
                    .opt(if subdivision { 7 } else { 2 }, address.region.as_deref())
                    .opt(3, address.postal_code.as_deref())
                    .opt(4, address.country.as_deref());
                self.segment(label, "N4", &n4)?;
            }
        }
        for contact in &party.contacts {
            self.segment(label, "PER", &contact_elements(contact))?;
        }
        Ok(())
    }

    /// A line's baseline item data (IT1, PO1): line id, quantity and unit, unit price and its
    /// basis, and up to ten product id pairs (06/07 to 24/25); more is a refusal of `label`.
    pub fn baseline_item(
        &mut self,
        label: &str,
        id: &str,
        item: &BaselineItem<'_>,
    ) -> Result<(), EmitError> {
        if item.product_ids.len() > PRODUCT_IDS_PER_LINE {
            self.refuse(
                label,
                format!(
                    "has {} product ids, but a {id} carries {PRODUCT_IDS_PER_LINE} ({id}06 to \
                     {id}25)",
                    item.product_ids.len()
                ),
            );
        }
        let mut e = Elements::new();
        e.opt(1, item.line_id)
            .set(2, decimal_text(item.quantity.value))
            .opt(3, codes::UNIT.code(&item.quantity.unit))
            .opt(4, item.unit_price.map(decimal_text))
            .opt(5, item.price_basis.and_then(|b| codes::PRICE_BASIS.code(b)));
        for (k, product) in item
            .product_ids
            .iter()
            .take(PRODUCT_IDS_PER_LINE)
            .enumerate()
        {
            e.opt(6 + 2 * k, codes::PRODUCT_ID_KIND.code(&product.kind))
                .set(7 + 2 * k, product.value.as_str());
        }
        self.segment(label, id, &e)?;

        // Free-form (PID01 F), one PID per line of the description: how the inbound
        // mappings read several PIDs back into one description.
        for text in item.description.iter().flat_map(|d| d.split('\n')) {
            if text.is_empty() {
                continue;
            }
            let mut pid = Elements::new();
            pid.set(1, "F").set(5, text);
            self.segment(&format!("{label}'s description"), "PID", &pid)?;
        }
        Ok(())
    }

    /// A SAC for `ac`, carrying `field`, with `amount` in SAC05 (N2): the stated amount, or
    /// the one worked out for it. A percent is of the gross amount (SAC06 3), which is what
    /// the model's percent means.
    pub fn allowance_charge(
        &mut self,
        field: &str,
        ac: &AllowanceCharge,
        amount: Option<Decimal>,
    ) -> Result<(), EmitError> {
        let mut sac = Elements::new();
        sac.opt(1, codes::ALLOWANCE_OR_CHARGE.code_of(&ac.indicator));
        match codes::SERVICE.code(&ac.service) {
            Some(code) => {
                sac.set(2, code);
            }
            None => self.refuse(
                field,
                format!(
                    "is for {}, which has no SAC02 code edigate knows: give its code as other",
                    words(&ac.service)
                ),
            ),
        }
        if let Some(amount) = amount {
            let cents = self.cents(field, amount);
            sac.set(5, cents);
        }
        if let Some(percent) = ac.percent {
            sac.set(6, PERCENT_OF_GROSS).set(7, decimal_text(percent));
        }
        sac.opt(8, ac.rate.map(decimal_text));
        if let Some(quantity) = &ac.quantity {
            sac.opt(9, codes::UNIT.code(&quantity.unit))
                .set(10, decimal_text(quantity.value));
        }
        sac.opt(
            12,
            ac.handling.as_ref().and_then(|h| codes::HANDLING.code(h)),
        )
        .opt(13, ac.reference.as_deref())
        .opt(15, ac.description.as_deref());
        self.segment(field, "SAC", &sac)
    }

    /// A problem found before or while writing.
    pub fn refuse(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Refusal::new(field, message));
    }

    pub fn refusals(&mut self, problems: impl IntoIterator<Item = Refusal>) {
        self.problems.extend(problems);
    }

    /// Closes the set (SE): what each segment carries, and the refusals found while
    /// writing. With refusals the set is well formed but must not be sent.
    pub fn end(mut self) -> Result<(Vec<String>, Vec<Refusal>), EmitError> {
        self.write_unmapped_before(None)?;
        let SetWriter {
            w,
            mut labels,
            problems,
            ..
        } = self;
        w.end_transaction()?;
        labels.push("the transaction set trailer".to_owned());
        Ok((labels, problems))
    }
}

/// Errors of the data itself (a delimiter or control character in a value, a repetition
/// the interchange has no separator for, a segment id that cannot be one): a refusal of the
/// part that holds it, not a failure of the writing.
fn data_error(e: &WriteError) -> bool {
    matches!(
        e,
        WriteError::DelimiterInData { .. }
            | WriteError::ControlCharacter { .. }
            | WriteError::Delimiters(_)
            | WriteError::BadSegmentId(_)
            | WriteError::EnvelopeSegment(_)
    )
}

/// A kept segment's elements as the writer takes them: repetitions of components.
fn kept_parts(elements: &[UnmappedElement]) -> Vec<Vec<Vec<&str>>> {
    elements
        .iter()
        .map(|e| match e {
            UnmappedElement::Simple(v) => vec![vec![v.as_str()]],
            UnmappedElement::Composite(cs) => vec![cs.iter().map(String::as_str).collect()],
            UnmappedElement::Repeated(rs) => rs
                .iter()
                .map(|r| r.iter().map(String::as_str).collect())
                .collect(),
        })
        .collect()
}

/// Whether a kept segment and the elements written for the document say the same wherever
/// both have a value: the same text, or the same number written another way (`3.610` and
/// `3.61`), which is all X12 lets vary in a value the mapping read.
fn agrees(kept: &UnmappedSegment, elements: &Elements) -> bool {
    elements.0.iter().enumerate().all(|(i, value)| {
        let Some(sent) = kept.elements.get(i) else {
            return true;
        };
        match sent {
            _ if value.is_empty() => true,
            UnmappedElement::Simple(sent) if sent.is_empty() || sent == value => true,
            UnmappedElement::Simple(sent) => {
                let number = |v: &str| translate::decimal(v.as_bytes(), translate::Numeric::R);
                number(sent).is_some() && number(sent) == number(value)
            }
            _ => false,
        }
    })
}

/// What [`emit`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Emitted {
    /// Segments of the transaction set, ST through SE.
    pub segments: usize,
    /// Bytes of the whole interchange.
    pub bytes: usize,
    /// What the validator noted without rejecting (a code outside the common codes edigate
    /// knows), in the document's words.
    pub warnings: Vec<String>,
}

/// What a transaction-set writer hands back to [`emit`]: what each segment carries, the
/// refusals found while writing, and a value for the caller.
pub(crate) type WrittenSet<T> = (Vec<String>, Vec<Refusal>, T);

/// Writes one interchange holding one functional group `functional_id` with the set that
/// `write_set` writes, checks the bytes against the built-in specs, and only then hands
/// them to `out`. The refusals found while writing and every error-severity finding of the
/// validator (named by what its segment carries) are reported together.
pub(crate) fn emit<W: Write, T>(
    envelope: &EmitEnvelope,
    functional_id: &str,
    mut out: W,
    write_set: impl FnOnce(&mut InterchangeWriter<&mut Vec<u8>>) -> Result<WrittenSet<T>, EmitError>,
) -> Result<(T, Emitted), EmitError> {
    let isa12 = isa_version(&envelope.version)?;
    let mut bytes: Vec<u8> = Vec::new();
    let (labels, mut problems, value) = {
        let mut w = InterchangeWriter::new(&mut bytes, envelope.delimiters, &envelope.line_suffix)?;
        let mut isa = InterchangeEnvelope::new(
            envelope.sender.clone(),
            envelope.receiver.clone(),
            &envelope.date.format("%y%m%d").to_string(),
            &envelope.time.format("%H%M").to_string(),
            isa12,
            envelope.interchange_control_number,
        );
        isa.usage = envelope.usage.code();
        w.begin_interchange(&isa)?;
        w.begin_group(&GroupEnvelope {
            functional_id: functional_id.to_owned(),
            sender: envelope.group_sender.clone(),
            receiver: envelope.group_receiver.clone(),
            date: date8(envelope.date),
            time: envelope.time.format("%H%M").to_string(),
            control_number: envelope.group_control_number,
            version: envelope.version.clone(),
        })?;
        let written = write_set(&mut w)?;
        w.end_group()?;
        w.end_interchange()?;
        w.finish()?;
        written
    };
    let warnings = match check(&bytes, &labels) {
        Ok(warnings) if problems.is_empty() => warnings,
        Ok(_) => return Err(EmitError::Refused(problems)),
        Err(EmitError::Refused(found)) => {
            problems.extend(found);
            return Err(EmitError::Refused(problems));
        }
        Err(e) => return Err(e),
    };
    out.write_all(&bytes).map_err(WriteError::from)?;
    out.flush().map_err(WriteError::from)?;
    Ok((
        value,
        Emitted {
            segments: labels.len(),
            bytes: bytes.len(),
            warnings,
        },
    ))
}

/// Validates a written interchange of one set whose segments carry `labels`: the warnings,
/// or the refusal listing every error.
fn check(bytes: &[u8], labels: &[String]) -> Result<Vec<String>, EmitError> {
    let specs = crate::spec::standard().map_err(|e| EmitError::Specs(e.to_string()))?;
    let (reports, _) = validate::validate(specs, bytes);
    let mut problems: Vec<Refusal> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let label = |position: u32| {
        (position as usize)
            .checked_sub(1)
            .and_then(|i| labels.get(i))
            .map_or("the transaction set", String::as_str)
    };
    for interchange in &reports {
        for f in &interchange.findings {
            let refusal = Refusal::new("the interchange envelope", f.message.clone());
            match f.severity {
                Severity::Error => problems.push(refusal),
                Severity::Warning => warnings.push(refusal.to_string()),
            }
        }
        for group in &interchange.groups {
            if !group.version_supported || !group.functional_group_supported {
                problems.push(Refusal::new(
                    "the functional group",
                    format!(
                        "{} {} is not a group edigate has specs for",
                        group.header.functional_id, group.header.version
                    ),
                ));
            }
            for e in &group.errors {
                problems.push(Refusal::new("the functional group", e.message.clone()));
            }
            for set in &group.sets {
                if !set.supported {
                    problems.push(Refusal::new(
                        "the transaction set",
                        format!("{} has no spec in this version", set.header.id),
                    ));
                }
                for e in &set.errors {
                    problems.push(Refusal::new("the transaction set", e.message.clone()));
                }
                for f in &set.findings {
                    let refusal = Refusal::new(
                        label(f.position),
                        format!("{} (segment {} {})", f.message, f.position, f.place()),
                    );
                    match f.severity {
                        Severity::Error => problems.push(refusal),
                        Severity::Warning => warnings.push(refusal.to_string()),
                    }
                }
            }
        }
    }
    if reports.is_empty() {
        problems.push(Refusal::new(
            "the interchange envelope",
            "what was written reads back as no interchange at all",
        ));
    }
    if problems.is_empty() {
        Ok(warnings)
    } else {
        Err(EmitError::Refused(problems))
    }
}

/// DT as CCYYMMDD.
pub(crate) fn date8(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// Money to the cent, halves away from zero, as invoices round (the terms discount too).
pub(crate) fn to_cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Whether `amount` is a whole number of cents (`23.500` is, `3.615` is not).
pub(crate) fn whole_cents(amount: Decimal) -> bool {
    to_cents(amount) == amount
}

/// An amount as an `N2` element: cents, the decimal point implied (23.50 → `2350`, -0.05 →
/// `-5`). `None` when it has fractions of a cent, which N2 cannot carry, or is too large.
pub fn implied_cents(amount: Decimal) -> Option<String> {
    if !whole_cents(amount) {
        return None;
    }
    let cents = amount.checked_mul(Decimal::ONE_HUNDRED)?.trunc();
    if cents.is_zero() {
        return Some("0".to_owned());
    }
    Some(cents.normalize().to_string())
}

/// A number as an `R` element: no trailing zeros after the point, no leading zero before
/// it, no point for a whole number (X12.6: 396.00 → `396`, 0.07 → `.07`).
pub fn decimal_text(value: Decimal) -> String {
    let value = value.normalize();
    if value.is_zero() {
        return "0".to_owned();
    }
    let text = value.to_string();
    if let Some(rest) = text.strip_prefix("0.") {
        format!(".{rest}")
    } else if let Some(rest) = text.strip_prefix("-0.") {
        format!("-.{rest}")
    } else {
        text
    }
}

/// IT106 to IT125, PO106 to PO125: ten qualifier/id pairs.
const PRODUCT_IDS_PER_LINE: usize = 10;

/// What [`SetWriter::baseline_item`] writes of a line: its IT1 or PO1 and its description.
pub(crate) struct BaselineItem<'a> {
    pub line_id: Option<&'a str>,
    pub quantity: &'a Quantity,
    pub unit_price: Option<Decimal>,
    pub price_basis: Option<&'a PriceBasis>,
    pub product_ids: &'a [ProductId],
    pub description: Option<&'a str>,
}

/// SAC06 (378) for a percent of the gross amount: what the model's percent of an allowance
/// or charge is taken to be of, in and out.
pub(crate) const PERCENT_OF_GROSS: &str = "3";

/// Countries whose regions go in N402 (state or province); elsewhere, from 005010, N407.
const STATE_OR_PROVINCE_COUNTRIES: &[&str] = &["US", "USA", "CA", "CAN"];

/// PER: the role, the name, and the telephone, e-mail and fax numbers in that order (the
/// inbound mappings read them from any of the three communication slots).
pub(crate) fn contact_elements(contact: &Contact) -> Elements {
    let mut per = Elements::new();
    per.opt(1, codes::CONTACT_ROLE.code(&contact.role))
        .opt(2, contact.name.as_deref());
    let numbers = [
        ("TE", &contact.phone),
        ("EM", &contact.email),
        ("FX", &contact.fax),
    ];
    let mut n = 3;
    for (qualifier, number) in numbers {
        if let Some(number) = number {
            per.set(n, qualifier).set(n + 1, number.as_str());
            n += 2;
        }
    }
    per
}

/// REF (or N9, its extended form): qualifier, number, description; a reference stated only
/// by its description (REF03) has no number.
pub(crate) fn reference_elements(reference: &Reference) -> Elements {
    let mut e = Elements::new();
    e.opt(1, codes::REFERENCE_KIND.code(&reference.kind))
        .opt(2, Some(reference.value.as_str()).filter(|v| !v.is_empty()))
        .opt(3, reference.description.as_deref());
    e
}

/// "allowance/charge 2 (freight charge)".
pub(crate) fn allowance_charge_field(k: usize, ac: &AllowanceCharge) -> String {
    let kind = match ac.indicator {
        AllowanceOrCharge::Allowance => "allowance",
        AllowanceOrCharge::Charge => "charge",
        AllowanceOrCharge::Informational => "for information",
    };
    format!("allowance/charge {} ({} {kind})", k + 1, words(&ac.service))
}

/// Money as people write it: two decimals.
pub(crate) fn money(amount: Decimal) -> String {
    let mut amount = to_cents(amount);
    amount.rescale(2);
    amount.to_string()
}

/// ITD as `terms` state them, nothing worked out: kind, basis, the discount's percent, last
/// day and days, the net due date and days, the discount amount (N2: `None` for the
/// amount when it has fractions of a cent, which the caller refuses), the words and the day
/// of the month.
pub(crate) fn terms_elements(terms: &Terms) -> Elements {
    let mut itd = Elements::new();
    itd.opt(1, codes::TERMS_KIND.code(&terms.kind))
        .opt(2, codes::TERMS_BASIS.code(&terms.basis))
        .opt(3, terms.discount_percent.map(decimal_text))
        .opt(4, terms.discount_due_date.map(date8))
        .opt(5, terms.discount_days.map(|d| d.to_string()))
        .opt(6, terms.net_due_date.map(date8))
        .opt(7, terms.net_days.map(|d| d.to_string()))
        .opt(8, terms.discount_amount.and_then(implied_cents))
        .opt(12, terms.description.as_deref())
        .opt(13, terms.day_of_month.map(|d| d.to_string()));
    itd
}

/// A code-like business word for messages: the sender's own code for an `Other`, else the
/// word split where its name changes case (`ShipTo` → "ship to").
pub(crate) fn words<T: Open + fmt::Debug>(word: &T) -> String {
    if let Some(code) = word.as_other() {
        return code.to_owned();
    }
    let name = format!("{word:?}");
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::common::PartyRole;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn n2_is_implied_cents() {
        assert_eq!(implied_cents(d("23.50")).as_deref(), Some("2350"));
        assert_eq!(implied_cents(d("3875.30")).as_deref(), Some("387530"));
        assert_eq!(implied_cents(d("3875.3")).as_deref(), Some("387530"));
        assert_eq!(implied_cents(d("23.500")).as_deref(), Some("2350"));
        assert_eq!(implied_cents(d("-0.05")).as_deref(), Some("-5"));
        assert_eq!(implied_cents(d("0")).as_deref(), Some("0"));
        assert_eq!(implied_cents(d("0.00")).as_deref(), Some("0"));
        assert_eq!(implied_cents(d("1000")).as_deref(), Some("100000"));
        assert_eq!(implied_cents(d("3.615")), None, "fractions of a cent");
        assert_eq!(implied_cents(Decimal::MAX), None, "too large");
    }

    #[test]
    fn r_drops_what_x12_says_to_drop() {
        assert_eq!(decimal_text(d("396.00")), "396");
        assert_eq!(decimal_text(d("3.610")), "3.61");
        assert_eq!(decimal_text(d("0.07")), ".07");
        assert_eq!(decimal_text(d("-0.5")), "-.5");
        assert_eq!(decimal_text(d("-0.00")), "0");
        assert_eq!(decimal_text(d("1080")), "1080");
    }

    #[test]
    fn words_of_a_code_like_value() {
        assert_eq!(words(&PartyRole::ShipTo), "ship to");
        assert_eq!(words(&PartyRole::Other("ZZ".into())), "ZZ");
    }

    #[test]
    fn elements_are_set_by_position() {
        let mut e = Elements::new();
        e.set(3, "C")
            .set(1, "A")
            .opt(5, None::<String>)
            .opt(2, Some("B"));
        assert_eq!(e.0, ["A", "B", "C"]);
    }
}
