//! Transaction-set definitions: the X12 standard (and partners' implementation guides) as
//! data, read from the XML files under `specs/` (format: `specs/README.md`) and immutable once
//! loaded. Pure: the caller hands in file names and contents; `standard()` uses the copies
//! built into the binary.

mod embedded;
mod load;
mod xml;

use std::collections::HashMap;
use std::fmt;

pub use embedded::{STANDARD_FILES, standard};
pub use load::from_sources;

/// A spec file that cannot be used, with the file and line to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct SpecError {
    pub file: String,
    pub line: u32,
    pub message: String,
}

impl SpecError {
    pub(crate) fn new(file: &str, line: u32, message: impl Into<String>) -> Self {
        SpecError {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }
}

/// Maximum use or loop repeat; the standard's `>1` is `UNBOUNDED`.
pub const UNBOUNDED: u32 = u32::MAX;

/// Shows a maximum the way the standard prints it.
pub fn show_max(max: u32) -> String {
    if max == UNBOUNDED {
        ">1".to_string()
    } else {
        max.to_string()
    }
}

/// A segment id packed into an integer, so that matching a segment against the structure is
/// an integer comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SegKey(u32);

impl SegKey {
    /// Any id of one to three bytes; longer ids never match a spec (those have at most three).
    pub fn of(id: &[u8]) -> SegKey {
        if id.is_empty() || id.len() > 3 {
            return SegKey(0);
        }
        let mut v = id.len() as u32;
        for &b in id {
            v = (v << 8) | b as u32;
        }
        SegKey(v)
    }
}

/// The data element types of the standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementType {
    /// AN: a string.
    String,
    /// ID: a code from a code list.
    Identifier,
    /// DT: a date, CCYYMMDD or YYMMDD.
    Date,
    /// TM: a time, HHMM[SS[d[d]]].
    Time,
    /// R: a decimal number with an optional decimal point.
    Decimal,
    /// Nn: a number with n implied decimal places.
    Numeric(u8),
    /// B: binary data.
    Binary,
}

impl ElementType {
    pub fn parse(code: &str) -> Option<ElementType> {
        Some(match code {
            "AN" => ElementType::String,
            "ID" => ElementType::Identifier,
            "DT" => ElementType::Date,
            "TM" => ElementType::Time,
            "R" => ElementType::Decimal,
            "B" => ElementType::Binary,
            n if n.len() == 2 && n.starts_with('N') && n.as_bytes()[1].is_ascii_digit() => {
                ElementType::Numeric(n.as_bytes()[1] - b'0')
            }
            _ => return None,
        })
    }
}

impl fmt::Display for ElementType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElementType::String => f.write_str("AN"),
            ElementType::Identifier => f.write_str("ID"),
            ElementType::Date => f.write_str("DT"),
            ElementType::Time => f.write_str("TM"),
            ElementType::Decimal => f.write_str("R"),
            ElementType::Numeric(n) => write!(f, "N{n}"),
            ElementType::Binary => f.write_str("B"),
        }
    }
}

/// Usage of a segment or element: the standard's M / O / X, and a guide's "not used".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    Mandatory,
    Optional,
    /// X: optional, governed by a syntax note.
    Conditional,
    /// N: an implementation guide says the element must not be sent.
    NotUsed,
}

impl Usage {
    pub fn parse(code: &str) -> Option<Usage> {
        Some(match code {
            "M" => Usage::Mandatory,
            "O" => Usage::Optional,
            "X" => Usage::Conditional,
            "N" => Usage::NotUsed,
            _ => return None,
        })
    }

    pub fn is_mandatory(self) -> bool {
        self == Usage::Mandatory
    }
}

/// A code list of an ID element.
#[derive(Debug, Clone, Default)]
pub struct CodeList {
    /// Whether the list holds every code of the version (a value outside it is an error) or
    /// only the common ones (a value outside it is a warning).
    pub complete: bool,
    /// Codes packed into integers and sorted: membership, asked for every coded element of
    /// every segment, is a binary search over integers.
    packed: Vec<u64>,
    /// (code, description), sorted by code.
    codes: Vec<(Box<[u8]>, String)>,
}

/// A code of up to seven bytes as one integer (its length in the low byte keeps `A` and
/// `A\0` apart); None for longer codes, which are compared as bytes.
fn pack(code: &[u8]) -> Option<u64> {
    if code.len() > 7 {
        return None;
    }
    Some(code.iter().fold(0u64, |v, &b| (v << 8) | u64::from(b)) << 8 | code.len() as u64)
}

impl CodeList {
    /// A list from (code, description) pairs; Err names a code given twice.
    pub fn new(complete: bool, mut codes: Vec<(Box<[u8]>, String)>) -> Result<CodeList, Box<[u8]>> {
        codes.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(w) = codes.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(w[0].0.clone());
        }
        let mut packed: Vec<u64> = codes.iter().filter_map(|(c, _)| pack(c)).collect();
        packed.sort_unstable();
        Ok(CodeList {
            complete,
            packed,
            codes,
        })
    }

    fn find(&self, value: &[u8]) -> Option<usize> {
        self.codes
            .binary_search_by(|(k, _)| k.as_ref().cmp(value))
            .ok()
    }

    /// The description of `value`, if the list has it.
    pub fn describe(&self, value: &[u8]) -> Option<&str> {
        self.find(value).map(|i| self.codes[i].1.as_str())
    }

    pub fn contains(&self, value: &[u8]) -> bool {
        match pack(value) {
            Some(key) => self.packed.binary_search(&key).is_ok(),
            None => self.find(value).is_some(),
        }
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Every code with its description, sorted.
    pub fn codes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.codes
            .iter()
            .map(|(k, v)| (std::str::from_utf8(k).unwrap_or(""), v.as_str()))
    }
}

/// A data element of the dictionary.
#[derive(Debug, Clone)]
pub struct ElementDef {
    /// The reference number, e.g. `353`.
    pub id: String,
    pub name: String,
    pub kind: ElementType,
    pub min: u32,
    pub max: u32,
    pub codes: Option<CodeList>,
}

/// A relational condition between elements of a segment (or components of a composite).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxKind {
    /// P: all or none.
    Paired,
    /// R: at least one.
    Required,
    /// E: at most one.
    Exclusion,
    /// C: if the first, then all the others.
    Conditional,
    /// L: if the first, then at least one of the others.
    ListConditional,
}

impl SyntaxNote {
    pub(crate) fn new(kind: SyntaxKind, positions: Vec<u8>, rule: String) -> SyntaxNote {
        let bit = |p: u8| {
            if (1..=128).contains(&p) {
                1u128 << (p - 1)
            } else {
                0
            }
        };
        let all = positions.iter().fold(0, |m, &p| m | bit(p));
        let first = positions.first().map_or(0, |&p| bit(p));
        SyntaxNote {
            kind,
            positions,
            rule,
            all,
            first,
        }
    }

    /// Whether the note is broken, given the positions present as bits (bit 0 = position 1).
    pub fn violated(&self, present: u128) -> bool {
        let rest = self.all & !self.first;
        let given = present & self.all;
        match self.kind {
            SyntaxKind::Paired => given != 0 && given != self.all,
            SyntaxKind::Required => given == 0,
            SyntaxKind::Exclusion => given.count_ones() > 1,
            SyntaxKind::Conditional => given & self.first != 0 && given & rest != rest,
            SyntaxKind::ListConditional => given & self.first != 0 && given & rest == 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxNote {
    pub kind: SyntaxKind,
    /// One-based positions, in the order the note lists them.
    pub positions: Vec<u8>,
    /// The note as the standard writes it, e.g. `P0102`.
    pub rule: String,
    /// The positions as bits, and the first one: checking a note is two masks.
    all: u128,
    first: u128,
}

/// What sits at an element position of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Element(usize),
    Composite(usize),
}

#[derive(Debug, Clone)]
pub struct ElementPosition {
    pub usage: Usage,
    /// How often the element may repeat (005010 on); 1 when it does not.
    pub repeat: u32,
    pub item: Item,
}

#[derive(Debug, Clone)]
pub struct ComponentPosition {
    pub usage: Usage,
    pub element: usize,
}

#[derive(Debug, Clone)]
pub struct CompositeDef {
    pub id: String,
    pub name: String,
    pub components: Vec<ComponentPosition>,
    pub notes: Vec<SyntaxNote>,
}

#[derive(Debug, Clone)]
pub struct SegmentDef {
    pub id: String,
    pub name: String,
    pub elements: Vec<ElementPosition>,
    pub notes: Vec<SyntaxNote>,
}

/// A guide's narrowing of one element at one place in a transaction set.
#[derive(Debug, Clone)]
pub struct ElementOverride {
    /// One-based element position.
    pub position: u8,
    pub usage: Option<Usage>,
    pub codes: Option<Vec<Box<[u8]>>>,
}

/// A segment at its place in a transaction set.
#[derive(Debug, Clone)]
pub struct SegmentUse {
    pub id: String,
    pub key: SegKey,
    /// Index of the segment's definition in the version.
    pub segment: usize,
    /// The standard's position number, e.g. `020`.
    pub position: String,
    /// The table it is listed in (`heading`, `detail`, `summary`).
    pub table: String,
    pub usage: Usage,
    pub max: u32,
    pub overrides: Vec<ElementOverride>,
}

/// A loop, or the whole body of a transaction set.
#[derive(Debug, Clone)]
pub struct LoopSpec {
    /// The standard's loop identifier (empty for a transaction set's body).
    pub id: String,
    pub repeat: u32,
    pub usage: Usage,
    pub children: Vec<Node>,
    /// The segment that starts each child, in order: what the walk compares a segment with.
    pub triggers: Vec<SegKey>,
}

impl LoopSpec {
    pub(crate) fn new(id: String, repeat: u32, usage: Usage, children: Vec<Node>) -> LoopSpec {
        let triggers = children.iter().map(|c| c.trigger().key).collect();
        LoopSpec {
            id,
            repeat,
            usage,
            children,
            triggers,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Node {
    Segment(SegmentUse),
    Loop(LoopSpec),
}

impl Node {
    /// The segment that starts this node: itself, or a loop's first segment.
    pub fn trigger(&self) -> &SegmentUse {
        match self {
            Node::Segment(s) => s,
            Node::Loop(l) => l.children[0].trigger(),
        }
    }

    pub fn usage(&self) -> Usage {
        match self {
            Node::Segment(s) => s.usage,
            Node::Loop(l) => l.usage,
        }
    }
}

/// One transaction set's structure (the standard's, or a guide's).
#[derive(Debug, Clone)]
pub struct TransactionSetSpec {
    pub id: String,
    pub name: String,
    pub functional_group: String,
    pub version: String,
    /// The implementation guide this file is, if it is not the standard.
    pub guide: Option<String>,
    /// ST .. SE, as a loop that occurs once.
    pub body: LoopSpec,
    /// The file it came from, for messages.
    pub file: String,
}

/// Everything one version (`004010`, `005010`) defines.
#[derive(Debug, Clone, Default)]
pub struct VersionSpec {
    pub version: String,
    pub elements: Vec<ElementDef>,
    pub composites: Vec<CompositeDef>,
    pub segments: Vec<SegmentDef>,
    pub sets: Vec<TransactionSetSpec>,
    element_index: HashMap<String, usize>,
    segment_index: HashMap<SegKey, usize>,
    /// Every segment id of the version's segment directory, with its name (also those
    /// defined in full above): what tells a real segment from a typo.
    directory: HashMap<SegKey, String>,
}

impl VersionSpec {
    pub fn element(&self, id: &str) -> Option<&ElementDef> {
        self.element_index.get(id).map(|&i| &self.elements[i])
    }

    /// A segment's index and definition, by id.
    pub fn segment(&self, key: SegKey) -> Option<(usize, &SegmentDef)> {
        self.segment_index
            .get(&key)
            .map(|&i| (i, &self.segments[i]))
    }

    /// The name of any segment of the version's directory, defined in full or not.
    pub fn directory_name(&self, key: SegKey) -> Option<&str> {
        self.directory
            .get(&key)
            .map(String::as_str)
            .or_else(|| self.segment(key).map(|(_, d)| d.name.as_str()))
    }

    /// The standard's definition of a transaction set (`guide` = None) or a guide's.
    pub fn transaction_set(&self, id: &str, guide: Option<&str>) -> Option<&TransactionSetSpec> {
        self.sets
            .iter()
            .find(|s| s.id == id && s.guide.as_deref() == guide)
    }

    /// The code list of the element `id`, if the spec has one.
    pub fn codes(&self, id: &str) -> Option<&CodeList> {
        self.element(id).and_then(|e| e.codes.as_ref())
    }
}

/// All versions read from one set of spec files.
#[derive(Debug, Clone, Default)]
pub struct SpecSet {
    pub versions: Vec<VersionSpec>,
}

impl SpecSet {
    /// The version a functional group's GS08 names: its first six characters (`004010VICS`
    /// is `004010`).
    pub fn version(&self, gs08: &str) -> Option<&VersionSpec> {
        let key = gs08.get(..6)?;
        self.versions.iter().find(|v| v.version == key)
    }
}
