//! What every X12 → canonical mapping shares: the result type with its findings, the source
//! record of the envelopes, the readers of X12 values (numbers, dates, times, codes) that turn
//! a bad value into a finding instead of a panic, the record of every segment a mapping did
//! not consume, where each segment sits in its transaction set's loops ([`walk`] drives a
//! mapping through them), and the readers of the segments several sets use alike (REF, PER,
//! the N1 loop).
//!
//! The rule of the mappings: nothing the partner sent is lost. A mapping reads the elements
//! it has a place for, one [`Fields`] per segment; a segment it does not take, or takes only
//! in part (an element left unread, or unreadable), is also kept whole in
//! `source.unmapped`, verbatim. So a segment may show both in the document and in
//! `unmapped`, and the document plus `unmapped` always hold everything.

use std::fmt;

use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use serde::Serialize;

use super::codes::{self, Open, Table};
use crate::document::common::{
    Address, Contact, Party, PartyId, Reference, Source, UnmappedElement, UnmappedSegment,
};
use crate::spec::{LoopSpec, Node, SegKey, TransactionSetSpec};
use crate::x12::{Element, Segment, TransactionSetRef};

/// A canonical document and what went wrong translating it.
#[derive(Debug, Clone, PartialEq)]
pub struct Translated<T> {
    pub document: T,
    /// Values the mapping could not read or had to assume; empty when the document says
    /// exactly what was sent.
    pub findings: Vec<MapFinding>,
}

/// A problem found while mapping, with its place in the transaction set. The message names
/// the element and quotes the value, so it reads on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MapFinding {
    /// The segment's id, as sent.
    pub segment: String,
    /// Position in the transaction set, ST = 1: the count an acknowledgement uses.
    pub position: u32,
    /// Element position (BEG05 → 5), when the finding is about one element.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<u32>,
    /// The value found, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub message: String,
    /// Byte offset of the element (or segment) in the input.
    pub offset: u64,
}

impl fmt::Display for MapFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "segment {} {}: {} (byte {})",
            self.position, self.segment, self.message, self.offset
        )
    }
}

/// The envelope facts of a transaction set, for the document's `source`.
pub fn source(set: &TransactionSetRef<'_>) -> Source {
    let party = |p: &crate::x12::PartyId| {
        (!p.id.is_empty()).then(|| PartyId {
            scheme: codes::INTERCHANGE_ID_SCHEME.word(&p.qualifier),
            value: p.id.clone(),
        })
    };
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Source {
        partner_id: None,
        interchange_sender: party(&set.interchange.sender),
        interchange_receiver: party(&set.interchange.receiver),
        interchange_control_number: some(&set.interchange.control_number),
        group_control_number: some(&set.group.control_number),
        document_control_number: some(&set.header.control_number),
        version: some(&set.group.version),
        unmapped: Vec::new(),
    }
}

/// Text of a value. X12 data is ASCII by the standard, but partners send Latin-1 and UTF-8
/// names; a value that is not UTF-8 is read as Latin-1, where every byte is a character, so
/// no byte is ever replaced or lost.
pub fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A segment kept verbatim: its elements split at the interchange's separators, trailing
/// empty elements dropped.
pub fn unmapped(segment: &Segment<'_>) -> UnmappedSegment {
    let mut elements: Vec<UnmappedElement> = segment
        .elements()
        .map(|e| unmapped_element(&e, segment))
        .collect();
    while matches!(elements.last(), Some(UnmappedElement::Simple(s)) if s.is_empty()) {
        elements.pop();
    }
    UnmappedSegment {
        id: text(segment.id),
        position: segment.position,
        loop_path: None,
        elements,
    }
}

fn unmapped_element(e: &Element<'_>, segment: &Segment<'_>) -> UnmappedElement {
    let d = &segment.delimiters;
    let mut repetitions: Vec<Vec<String>> = e
        .repetitions(d)
        .map(|r| r.components(d).map(|c| text(c.value)).collect())
        .collect();
    if let [one] = repetitions.as_mut_slice() {
        return match one.as_mut_slice() {
            [simple] => UnmappedElement::Simple(std::mem::take(simple)),
            _ => UnmappedElement::Composite(std::mem::take(one)),
        };
    }
    UnmappedElement::Repeated(repetitions)
}

/// How a numeric element is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numeric {
    /// `R`: a decimal number with an optional explicit point (`41.50`, `-3`, `.5`).
    R,
    /// `Nn`: digits only, the last `n` of them decimals (`N2` `2350` is 23.50).
    N(u32),
}

impl Numeric {
    fn describe(self) -> String {
        match self {
            Numeric::R => "a decimal number (R)".to_owned(),
            Numeric::N(n) => format!("a number with {n} implied decimal places (N{n})"),
        }
    }
}

/// The exact value of a numeric element, or `None` when it is not one.
pub fn decimal(value: &[u8], numeric: Numeric) -> Option<Decimal> {
    let digits = value.strip_prefix(b"-").unwrap_or(value);
    let s = std::str::from_utf8(value).ok()?;
    match numeric {
        Numeric::R => {
            let points = digits.iter().filter(|&&b| b == b'.').count();
            let ok = points <= 1
                && digits.iter().any(u8::is_ascii_digit)
                && digits.iter().all(|&b| b.is_ascii_digit() || b == b'.');
            if !ok {
                return None;
            }
            // rust_decimal reads "5." and ".5"; a leading "-." needs the zero it implies.
            let s = s.replacen("-.", "-0.", 1);
            Decimal::from_str_exact(&s).ok()
        }
        Numeric::N(places) => {
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let n: i128 = s.parse().ok()?;
            Decimal::try_from_i128_with_scale(n, places).ok()
        }
    }
}

/// A date: DT as CCYYMMDD, or YYMMDD (older versions and partners' habits) with years
/// below 50 in this century and the rest in the last.
pub fn date(value: &[u8]) -> Option<NaiveDate> {
    let s = std::str::from_utf8(value).ok()?;
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| s.get(range)?.parse::<u32>().ok();
    let (year, rest) = match s.len() {
        8 => (i32::try_from(number(0..4)?).ok()?, 4),
        6 => {
            let yy = i32::try_from(number(0..2)?).ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, 2)
        }
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, number(rest..rest + 2)?, number(rest + 2..rest + 4)?)
}

/// A time: TM as HHMM, HHMMSS, HHMMSSD or HHMMSSDD (tenths, hundredths of a second).
pub fn time(value: &[u8]) -> Option<NaiveTime> {
    let s = std::str::from_utf8(value).ok()?;
    if !s.bytes().all(|b| b.is_ascii_digit()) || !matches!(s.len(), 4 | 6 | 7 | 8) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| s.get(range)?.parse::<u32>().ok();
    let seconds = if s.len() >= 6 { number(4..6)? } else { 0 };
    let milli = match s.len() {
        7 => number(6..7)? * 100,
        8 => number(6..8)? * 10,
        _ => 0,
    };
    NaiveTime::from_hms_milli_opt(number(0..2)?, number(2..4)?, seconds, milli)
}

/// One segment being mapped: its element values, which of them the mapping has taken, and
/// the problems found in them.
pub struct Fields<'a> {
    segment: Segment<'a>,
    /// Each element's value and byte offset (one allocation per segment).
    elements: Vec<(&'a [u8], u64)>,
    /// Bit n: element n was taken into the document.
    taken: u128,
    pub findings: Vec<MapFinding>,
}

impl<'a> Fields<'a> {
    pub fn new(segment: Segment<'a>) -> Self {
        let elements = segment.elements().map(|e| (e.value, e.offset)).collect();
        Fields {
            segment,
            elements,
            taken: 0,
            findings: Vec::new(),
        }
    }

    pub fn segment(&self) -> &Segment<'a> {
        &self.segment
    }

    pub fn id(&self) -> &'a str {
        self.segment.id_str()
    }

    /// Element `n` (1-based) as sent, empty when the segment is shorter; not taken.
    pub fn peek(&self, n: u32) -> &'a [u8] {
        (n as usize)
            .checked_sub(1)
            .and_then(|i| self.elements.get(i))
            .map(|&(value, _)| value)
            .unwrap_or(&[])
    }

    /// Whether element `n` holds a value.
    pub fn has(&self, n: u32) -> bool {
        !self.peek(n).is_empty()
    }

    /// Records that element `n`'s value is in the document (or implied by where it went).
    pub fn take(&mut self, n: u32) {
        if let Some(bit) = 1u128.checked_shl(n) {
            self.taken |= bit;
        }
    }

    /// Takes element `n` when its value is one of `codes`: a qualifier whose meaning the
    /// document's field already carries.
    pub fn take_if(&mut self, n: u32, codes: &[&str]) -> bool {
        let found = codes.iter().any(|c| c.as_bytes() == self.peek(n));
        if found {
            self.take(n);
        }
        found
    }

    /// Whether every element with a value has been taken.
    pub fn fully_taken(&self) -> bool {
        (1..=self.elements.len() as u32)
            .all(|n| !self.has(n) || 1u128.checked_shl(n).is_some_and(|b| self.taken & b != 0))
    }

    /// Element `n`'s value when it is one simple value: `None` when empty, and when it holds
    /// a repetition or component separator (a finding: the sender split a simple element,
    /// and which part was meant cannot be known, so the segment is kept as it was split).
    fn simple(&mut self, n: u32) -> Option<&'a [u8]> {
        let value = self.peek(n);
        if value.is_empty() {
            return None;
        }
        let d = self.segment.delimiters;
        let separator = [d.repetition, Some(d.component)]
            .into_iter()
            .flatten()
            .find(|s| value.contains(s));
        if let Some(separator) = separator {
            let message = format!(
                "{}{n:02} '{}' holds the separator '{}', but the element is a single value; \
                 it is kept with the unmapped segment",
                self.id(),
                text(value),
                char::from(separator)
            );
            self.problem(Some(n), message);
            return None;
        }
        Some(value)
    }

    /// Element `n` as text, taken; `None` when empty (or not one value, a finding).
    pub fn text(&mut self, n: u32) -> Option<String> {
        let value = self.simple(n)?;
        self.take(n);
        Some(text(value))
    }

    /// Element `n` translated by a code table, taken; `None` when empty (or not one value).
    pub fn word<T: PartialEq + Clone + Open>(&mut self, n: u32, table: &Table<T>) -> Option<T> {
        let value = self.simple(n)?;
        self.take(n);
        Some(table.word(&text(value)))
    }

    /// Element `n` as an exact number, taken; `None` when empty or not a number (a finding).
    pub fn decimal(&mut self, n: u32, numeric: Numeric) -> Option<Decimal> {
        self.parsed(n, |v| decimal(v, numeric), || numeric.describe())
    }

    /// Element `n` as a count (N0, not negative), taken; `None` when empty or not one.
    pub fn count(&mut self, n: u32) -> Option<u32> {
        self.parsed(
            n,
            |v| {
                std::str::from_utf8(v)
                    .ok()
                    .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))?
                    .parse()
                    .ok()
            },
            || "a whole number (N0)".to_owned(),
        )
    }

    /// Element `n` as a date, taken; `None` when empty or not a date (a finding).
    pub fn date(&mut self, n: u32) -> Option<NaiveDate> {
        self.parsed(n, date, || "a date (CCYYMMDD)".to_owned())
    }

    /// Element `n` as a time of day, taken; `None` when empty or not a time (a finding).
    pub fn time(&mut self, n: u32) -> Option<NaiveTime> {
        self.parsed(n, time, || "a time (HHMM, HHMMSS or HHMMSSDD)".to_owned())
    }

    fn parsed<T>(
        &mut self,
        n: u32,
        parse: impl Fn(&[u8]) -> Option<T>,
        expected: impl Fn() -> String,
    ) -> Option<T> {
        let value = self.simple(n)?;
        match parse(value) {
            Some(v) => {
                self.take(n);
                Some(v)
            }
            None => {
                let message = format!(
                    "{}{n:02} '{}' is not {}; the value is kept with the unmapped segment",
                    self.id(),
                    text(value),
                    expected()
                );
                self.problem(Some(n), message);
                None
            }
        }
    }

    /// A finding about element `n` (or the whole segment).
    pub fn problem(&mut self, n: Option<u32>, message: impl Into<String>) {
        let index = n.and_then(|n| (n as usize).checked_sub(1));
        let value = n.map(|n| self.peek(n)).filter(|v| !v.is_empty());
        self.findings.push(MapFinding {
            segment: self.id().to_owned(),
            position: self.segment.position,
            element: n,
            value: value.map(text),
            message: message.into(),
            offset: index
                .and_then(|i| self.elements.get(i))
                .map(|&(_, offset)| offset)
                .unwrap_or(self.segment.offset),
        });
    }

    /// A finding for a mandatory element that is empty, saying what the document holds
    /// instead.
    pub fn missing(&mut self, n: u32, what: &str, instead: &str) {
        let message = format!("{}{n:02} ({what}) is missing; {instead}", self.id());
        self.problem(Some(n), message);
    }
}

/// What [`walk`] leaves for the document: the segments the mapping did not take in full, and
/// the findings in the order of the segments they are about.
pub struct Walked {
    pub unmapped: Vec<UnmappedSegment>,
    pub findings: Vec<MapFinding>,
}

/// Drives a mapping through the segments of one transaction set `id` (ST through SE): each
/// segment is placed in the set's loops and handed to `map` with its loop path; a segment
/// with no place, one `map` declines (returns false) and one with an element left untaken
/// are kept verbatim. ST and SE are skipped: their facts are the envelope's, in `source`.
/// Without a structure nothing can be placed, and every segment is kept, with a finding.
pub fn walk(
    id: &str,
    segments: &[Segment<'_>],
    structure: Option<&TransactionSetSpec>,
    mut map: impl FnMut(&[&str], &mut Fields<'_>) -> bool,
) -> Walked {
    let mut walked = Walked {
        unmapped: Vec::new(),
        findings: Vec::new(),
    };
    let mut placement = structure.map(Placement::new);
    if placement.is_none() {
        walked.findings.extend(set_finding(
            segments,
            &format!(
                "the built-in {id} structure could not be loaded; every segment is kept unmapped"
            ),
        ));
    }
    for segment in segments {
        let path = placement.as_mut().and_then(|p| p.place(segment.id));
        let placed = path.is_some();
        if matches!(segment.id, b"ST" | b"SE") {
            continue;
        }
        let mut fields = Fields::new(*segment);
        let mapped = path.is_some_and(|path| map(path, &mut fields));
        walked.findings.append(&mut fields.findings);
        if !mapped || !fields.fully_taken() {
            let mut kept = unmapped(segment);
            if placed {
                kept.loop_path = placement.as_ref().and_then(Placement::loop_path);
            }
            walked.unmapped.push(kept);
        }
    }
    walked
}

/// Ends a mapping: the segments it did not consume go to the document's `unmapped`, and each
/// segment the set requires but never sent (`(seen, what its absence means)`) is a finding.
pub fn conclude(
    segments: &[Segment<'_>],
    walked: Walked,
    unmapped: &mut Vec<UnmappedSegment>,
    required: &[(bool, &str)],
) -> Vec<MapFinding> {
    unmapped.extend(walked.unmapped);
    let mut findings = walked.findings;
    for (seen, message) in required {
        if !seen {
            findings.extend(set_finding(segments, message));
        }
    }
    findings
}

/// A finding about the set as a whole (a mandatory segment missing), placed at its ST.
pub fn set_finding(segments: &[Segment<'_>], message: &str) -> Option<MapFinding> {
    let st = segments.first()?;
    Some(MapFinding {
        segment: st.id_str().to_owned(),
        position: st.position,
        element: None,
        value: None,
        message: message.to_owned(),
        offset: st.offset,
    })
}

/// Adds a mapped value to a list; false (the segment stays unmapped) when there is none.
pub fn push<T>(list: &mut Vec<T>, item: Option<T>) -> bool {
    let mapped = item.is_some();
    list.extend(item);
    mapped
}

/// [`push`], giving the new item's index, for the segments that follow it in its loop.
pub fn push_index<T>(list: &mut Vec<T>, item: Option<T>) -> Option<usize> {
    let item = item?;
    list.push(item);
    Some(list.len() - 1)
}

/// REF: a reference number (REF02) or its description alone (REF03).
pub fn reference(f: &mut Fields<'_>) -> Option<Reference> {
    let value = f.text(2);
    let description = f.text(3);
    if value.is_none() && description.is_none() {
        return None;
    }
    Some(Reference {
        kind: f.word(1, &codes::REFERENCE_KIND)?,
        value: value.unwrap_or_default(),
        description,
    })
}

/// PER: a contact, with the telephone, e-mail and fax numbers among its three
/// communication numbers (others, and a second of a kind, stay unmapped).
pub fn contact(f: &mut Fields<'_>) -> Option<Contact> {
    let mut contact = Contact {
        role: f.word(1, &codes::CONTACT_ROLE)?,
        name: f.text(2),
        ..Contact::default()
    };
    for qualifier in [3, 5, 7] {
        let slot = match f.peek(qualifier) {
            b"TE" => &mut contact.phone,
            b"EM" => &mut contact.email,
            b"FX" => &mut contact.fax,
            _ => continue,
        };
        if slot.is_none() && f.has(qualifier + 1) {
            f.take(qualifier);
            *slot = f.text(qualifier + 1);
        }
    }
    Some(contact)
}

/// N1: a party, with its id when both N103 and N104 are there.
pub fn party(f: &mut Fields<'_>) -> Option<Party> {
    let mut party = Party::new(f.word(1, &codes::PARTY_ROLE)?);
    party.name = f.text(2);
    if f.has(3) && f.has(4) {
        party.ids.extend(party_id(f, 3, 4));
    }
    Some(party)
}

fn party_id(f: &mut Fields<'_>, scheme: u32, value: u32) -> Option<PartyId> {
    Some(PartyId {
        scheme: f.word(scheme, &codes::ID_SCHEME)?,
        value: f.text(value)?,
    })
}

/// The rest of an N1 loop: more name (N2), street (N3), place (N4) and contacts (PER).
/// Further names are added to the party's name as new lines, so the lines can be told apart
/// again.
pub fn party_detail(party: &mut Party, id: &str, f: &mut Fields<'_>) -> bool {
    match id {
        "N2" => {
            for n in 1..=2 {
                if let Some(more) = f.text(n) {
                    party.name = Some(match party.name.take() {
                        Some(name) => format!("{name}\n{more}"),
                        None => more,
                    });
                }
            }
            true
        }
        "N3" => {
            let address = party.address.get_or_insert_with(Address::default);
            address.lines.extend(f.text(1));
            address.lines.extend(f.text(2));
            true
        }
        "N4" => {
            let address = party.address.get_or_insert_with(Address::default);
            let empty = |a: &Address| {
                a.city.is_none()
                    && a.region.is_none()
                    && a.postal_code.is_none()
                    && a.country.is_none()
            };
            if !empty(address) {
                return false;
            }
            address.city = f.text(1);
            // N407 (005010) is the region outside the US and Canada, exclusive with N402.
            address.region = f.text(2).or_else(|| f.text(7));
            address.postal_code = f.text(3);
            address.country = f.text(4);
            true
        }
        "PER" => push(&mut party.contacts, contact(f)),
        _ => false,
    }
}

/// The structure of transaction set `id` to map a set of version `gs08` with: that version's
/// when edigate has it, else the nearest earlier version's (an 003040 order is read with the
/// 004010 loops, a 006020 one with the 005010 loops), else the earliest. The loops of the
/// mapped sets barely change between versions; the elements mapped do not.
pub fn structure(id: &str, gs08: &str) -> Option<&'static TransactionSetSpec> {
    let specs = crate::spec::standard().ok()?;
    let wanted = gs08.get(..6).unwrap_or(gs08);
    let version = specs
        .versions
        .iter()
        .filter(|v| v.version.as_str() <= wanted)
        .max_by(|a, b| a.version.cmp(&b.version))
        .or_else(|| {
            specs
                .versions
                .iter()
                .min_by(|a, b| a.version.cmp(&b.version))
        })?;
    version.transaction_set(id, None)
}

/// Where each segment of a transaction set sits: the ids of the loops it is in, outermost
/// first (`[]` for the heading's own segments, `["PO1", "N1"]` for a line's ship-to). The
/// standard's rule, as the validator walks it: a segment is looked for from the current place
/// onwards in the innermost loop, then in each enclosing loop, where finding a loop's first
/// segment starts the loop again.
///
/// It also counts each loop's iterations within the enclosing one, so that a segment's place
/// can be told exactly ([`Placement::loop_path`], "the first N1 loop of the second PO1
/// loop") and two places compared in the order the standard gives them ([`PlaceKey`]).
#[derive(Clone)]
pub struct Placement<'s> {
    set: &'s TransactionSetSpec,
    frames: Vec<Frame<'s>>,
    path: Vec<&'s str>,
}

/// One open loop: its spec, the index of its child most recently matched, its iteration
/// within the enclosing loop, and how often each of its child loops has started in it.
#[derive(Clone)]
struct Frame<'s> {
    spec: &'s LoopSpec,
    current: Option<usize>,
    iteration: u32,
    started: Vec<(usize, u32)>,
}

impl<'s> Frame<'s> {
    fn new(spec: &'s LoopSpec, current: Option<usize>, iteration: u32) -> Self {
        Frame {
            spec,
            current,
            iteration,
            started: Vec::new(),
        }
    }
}

/// A place in a transaction set, ordered as the standard orders segments: per loop level
/// the child's index in the loop's spec and the iteration of the loop it starts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct PlaceKey(Vec<(usize, u32)>);

impl<'s> Placement<'s> {
    pub fn new(set: &'s TransactionSetSpec) -> Self {
        Placement {
            set,
            frames: vec![Frame::new(&set.body, None, 1)],
            path: Vec::new(),
        }
    }

    /// The loop path of the next segment, `id`; `None` when the structure has no place for
    /// it here (an unknown segment, or one out of order), and the place stays where it was.
    pub fn place(&mut self, id: &[u8]) -> Option<&[&'s str]> {
        let key = SegKey::of(id);
        let (depth, index) = self.find(key)?;
        self.frames.truncate(depth + 1);
        self.path.truncate(depth);
        let frame = self.frames.get_mut(depth)?;
        frame.current = Some(index);
        if let Some(Node::Loop(inner)) = frame.spec.children.get(index) {
            let inner: &'s LoopSpec = inner;
            let iteration = match frame.started.iter_mut().find(|(i, _)| *i == index) {
                Some((_, count)) => {
                    *count += 1;
                    *count
                }
                None => {
                    frame.started.push((index, 1));
                    1
                }
            };
            self.frames.push(Frame::new(inner, Some(0), iteration));
            self.path.push(inner.id.as_str());
        }
        Some(&self.path)
    }

    /// The structure being followed.
    pub fn structure(&self) -> &'s TransactionSetSpec {
        self.set
    }

    /// The loops of the segment last placed with their iterations, `IT1[2]/N1[1]`; `None`
    /// for a segment outside every loop.
    pub fn loop_path(&self) -> Option<String> {
        if self.path.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .path
            .iter()
            .zip(self.frames.iter().skip(1))
            .map(|(id, frame)| format!("{id}[{}]", frame.iteration))
            .collect();
        Some(parts.join("/"))
    }

    /// The place of the segment last placed.
    pub fn key(&self) -> PlaceKey {
        PlaceKey(
            self.frames
                .iter()
                .enumerate()
                .map(|(depth, frame)| {
                    let iteration = self.frames.get(depth + 1).map_or(0, |f| f.iteration);
                    (frame.current.unwrap_or(0), iteration)
                })
                .collect(),
        )
    }

    /// The place a segment `id` recorded at `loop_path` (as [`Placement::loop_path`] wrote
    /// it; `None` for outside every loop) has in `set`; `None` when the path or the segment
    /// is not in the structure.
    pub fn key_of(set: &TransactionSetSpec, loop_path: Option<&str>, id: &str) -> Option<PlaceKey> {
        let mut key = Vec::new();
        let mut spec = &set.body;
        for part in loop_path.into_iter().flat_map(|p| p.split('/')) {
            let (loop_id, rest) = part.split_once('[')?;
            let iteration: u32 = rest.strip_suffix(']')?.parse().ok()?;
            let (index, inner) =
                spec.children
                    .iter()
                    .enumerate()
                    .find_map(|(i, node)| match node {
                        Node::Loop(inner) if inner.id == loop_id => Some((i, inner)),
                        _ => None,
                    })?;
            key.push((index, iteration));
            spec = inner;
        }
        let wanted = SegKey::of(id.as_bytes());
        let index = spec.triggers.iter().position(|t| *t == wanted)?;
        key.push((index, 0));
        Some(PlaceKey(key))
    }

    fn find(&self, key: SegKey) -> Option<(usize, usize)> {
        self.frames
            .iter()
            .enumerate()
            .rev()
            .find_map(|(depth, frame)| {
                // Inside a loop its first segment is never found again: that starts a new
                // iteration, which the enclosing frame finds.
                let from = frame.current.unwrap_or(0).max(usize::from(depth > 0));
                frame
                    .spec
                    .triggers
                    .iter()
                    .enumerate()
                    .skip(from)
                    .find(|(_, t)| **t == key)
                    .map(|(i, _)| (depth, i))
            })
    }
}

/// What the mappings' unit tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::x12::{TransactionSetRef, TransactionSummary};

    /// Runs `map` on a transaction set `id` of group `functional_id` whose body (the
    /// segments after ST, one per line, `~` omitted) is given, in an interchange of
    /// `version` from ACMESUPPLY to BIGRETAIL.
    pub(crate) fn mapped<T>(
        version: &str,
        functional_id: &str,
        id: &str,
        body: &str,
        map: impl FnOnce(&TransactionSetRef<'_>) -> T,
    ) -> T {
        let segments: Vec<&str> = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let (isa12, rep) = if version == "004010" {
            ("00401", "U")
        } else {
            ("00501", "^")
        };
        let mut text = format!(
            "ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*BIGRETAIL      *261120*0930*{rep}*{isa12}*000000905*0*P*>~\
             GS*{functional_id}*ACMESUPPLY*BIGRETAIL*20261120*0930*905*X*{version}~ST*{id}*0001~"
        );
        for s in &segments {
            text.push_str(s);
            text.push('~');
        }
        text.push_str(&format!(
            "SE*{}*0001~GE*1*905~IEA*1*000000905~",
            segments.len() + 2
        ));
        let doc = crate::x12::parse(text.as_bytes());
        assert!(doc.is_sound(), "{:#?}", doc.diagnostics);
        let interchange = &doc.interchanges[0];
        let group = &interchange.groups[0];
        let set = &group.transaction_sets[0];
        let summary = TransactionSummary {
            header: set.header.clone(),
            segment_count: set.segment_count,
            closed: set.closed,
            has_errors: false,
        };
        map(&TransactionSetRef {
            interchange: &interchange.header,
            group: &group.header,
            header: &set.header,
            summary: &summary,
            segments: set.segments.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn numbers_are_exact_and_bad_ones_are_none() {
        assert_eq!(decimal(b"2350", Numeric::N(2)), Some(d("23.50")));
        assert_eq!(decimal(b"-5", Numeric::N(2)), Some(d("-0.05")));
        assert_eq!(decimal(b"41.50", Numeric::R), Some(d("41.50")));
        assert_eq!(decimal(b"0008", Numeric::R), Some(d("8")));
        assert_eq!(decimal(b".5", Numeric::R), Some(d("0.5")));
        assert_eq!(decimal(b"-.5", Numeric::R), Some(d("-0.5")));
        assert_eq!(decimal(b"5.", Numeric::R), Some(d("5")));
        for bad in [&b"1.2.3"[..], b"12A", b"-", b".", b"1e5", b"+3", b""] {
            assert_eq!(decimal(bad, Numeric::R), None, "{bad:?}");
        }
        assert_eq!(decimal(b"23.50", Numeric::N(2)), None);
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(date(b"20261118"), NaiveDate::from_ymd_opt(2026, 11, 18));
        assert_eq!(date(b"261118"), NaiveDate::from_ymd_opt(2026, 11, 18));
        assert_eq!(date(b"991231"), NaiveDate::from_ymd_opt(1999, 12, 31));
        assert_eq!(date(b"20261341"), None);
        assert_eq!(date(b"2026111"), None);
        assert_eq!(date(b"2026-11-"), None);
        assert_eq!(time(b"0930"), NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(
            time(b"09301512"),
            NaiveTime::from_hms_milli_opt(9, 30, 15, 120)
        );
        assert_eq!(time(b"2460"), None);
        assert_eq!(time(b"093"), None);
    }

    #[test]
    fn latin1_bytes_survive() {
        assert_eq!(text("Zürich".as_bytes()), "Zürich");
        assert_eq!(text(b"Z\xfcrich"), "Zürich");
    }

    #[test]
    fn versions_fall_back_to_the_nearest_earlier_one() {
        let v = |gs08| structure("850", gs08).map(|s| s.version.as_str());
        assert_eq!(v("004010VICS"), Some("004010"));
        assert_eq!(v("005010"), Some("005010"));
        assert_eq!(v("003040"), Some("004010"));
        assert_eq!(v("004060"), Some("004010"));
        assert_eq!(v("006020"), Some("005010"));
        assert_eq!(v(""), Some("004010"));
    }

    #[test]
    fn placement_follows_the_loops() {
        let spec = structure("850", "004010").unwrap();
        let mut p = Placement::new(spec);
        let mut path = |id: &str| p.place(id.as_bytes()).map(|p| p.join("/"));
        assert_eq!(path("ST").as_deref(), Some(""));
        assert_eq!(path("BEG").as_deref(), Some(""));
        assert_eq!(path("SAC").as_deref(), Some("SAC"));
        assert_eq!(
            path("CUR").as_deref(),
            Some("SAC"),
            "the SAC's own currency"
        );
        assert_eq!(path("N1").as_deref(), Some("N1"));
        assert_eq!(path("N3").as_deref(), Some("N1"));
        assert_eq!(path("N1").as_deref(), Some("N1"));
        assert_eq!(path("DTM"), None, "a heading DTM after N1 is out of order");
        assert_eq!(path("PO1").as_deref(), Some("PO1"));
        assert_eq!(path("PID").as_deref(), Some("PO1/PID"));
        assert_eq!(path("PO4").as_deref(), Some("PO1"));
        assert_eq!(path("SLN").as_deref(), Some("PO1/SLN"));
        assert_eq!(path("PID").as_deref(), Some("PO1/SLN"));
        assert_eq!(path("N1").as_deref(), Some("PO1/SLN/N1"));
        assert_eq!(path("PO1").as_deref(), Some("PO1"));
        assert_eq!(path("N1").as_deref(), Some("PO1/N1"));
        assert_eq!(path("CTT").as_deref(), Some("CTT"));
        assert_eq!(path("AMT").as_deref(), Some("CTT"));
        assert_eq!(path("SE").as_deref(), Some(""));
    }
}
