//! Replays every input under `tests/fuzz_regressions/` through the checks the `parse` fuzz
//! target runs (`fuzz/fuzz_targets/parse.rs` includes this file, so both share [`check`]).
//!
//! An input is one byte that chooses how the streaming readers chunk the data, then the
//! document. For every input:
//! - `parse` returns (no panic, no hang);
//! - `SegmentStream` over a reader returning small chunks reports exactly the visitor events
//!   and diagnostics the in-memory parse reports;
//! - every segment of the tree borrows from the input at its offset, as do its elements,
//!   repetitions and components; an unclosed set counts the segments it holds;
//! - `TransactionSetReader` over the same chunked reader yields the tree's transaction sets;
//! - every 850, 810, 856 and 820 maps to its canonical document with findings inside the set,
//!   the document survives JSON, and written back as X12 it is either refused or passes our
//!   own validator (which `emit` checks) and reads back as the same kind of document.
//!
//! Fuzzing (from the repository root; the stable toolchain needs RUSTC_BOOTSTRAP for the
//! sanitizer flags). The corpus is git-ignored: seed it with the public samples (one chunking
//! byte in front of each) and these regression inputs.
//! ```text
//! cargo install cargo-fuzz
//! mkdir -p fuzz/corpus/parse && cp tests/fuzz_regressions/*.bin fuzz/corpus/parse/
//! find ../shared/samples-public -name '*.edi' -o -name '*.txt' | while read -r f; do
//!     printf '\007' | cat - "$f" > "fuzz/corpus/parse/$(echo "$f" | tr / _)"; done
//! RUSTC_BOOTSTRAP=1 cargo fuzz run parse -- -dict=fuzz/x12.dict -max_len=8192 \
//!     -max_total_time=600 -rss_limit_mb=2048 -timeout=5
//! ```
//! A failure lands in `fuzz/artifacts/parse/`; copy it to `tests/fuzz_regressions/NAME.bin`.

use std::io::{self, Read};

use edigate::partner::compliance;
use edigate::partner::rules::Direction;
use edigate::x12::{
    Delimiters, Diagnostic, Document, GroupHeader, GroupSummary, InterchangeHeader,
    InterchangeSummary, Parser, Segment, SegmentStream, TransactionHeader, TransactionSetReader,
    TransactionSummary, Visitor, parse, parse_into,
};

/// The mapping of one set, the document through JSON, and the document written back.
fn translate_and_write_back(set: &edigate::x12::TransactionSetRef<'_>) {
    use edigate::map::{
        emit::EmitEnvelope, ts810, ts810_out, ts820, ts820_out, ts850, ts850_out, ts856, ts856_out,
    };
    let version = if set.group.version.starts_with("005010") {
        "005010"
    } else {
        "004010"
    };
    let envelope = EmitEnvelope::new(
        edigate::x12::PartyId {
            qualifier: "ZZ".into(),
            id: "ACMESUPPLY".into(),
        },
        edigate::x12::PartyId {
            qualifier: "ZZ".into(),
            id: "BIGRETAIL".into(),
        },
        version,
        1,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        chrono::NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
    );
    let last = set.segments.last().map_or(0, |s| s.position);
    let findings_inside = |findings: &[edigate::map::translate::MapFinding]| {
        for f in findings {
            assert!(
                f.position <= last.max(1),
                "a finding at {} beyond the set: {f:?}",
                f.position
            );
        }
    };
    fn through_json<
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    >(
        doc: &T,
    ) {
        let text = serde_json::to_string(doc).expect("a document serializes");
        let back: T = serde_json::from_str(&text).expect("a document reads back");
        assert_eq!(&back, doc, "JSON changed the document");
    }
    // Every sample partner's rules, both ways: the compliance engine must take any set.
    for profile in sample_partners() {
        for direction in [Direction::Inbound, Direction::Outbound] {
            for f in compliance::evaluate(profile, set, direction) {
                assert!(
                    f.position <= last.max(1),
                    "a compliance finding beyond the set: {f:?}"
                );
            }
        }
    }
    let mut out = Vec::new();
    let written = match set.header.id.as_str() {
        "850" => {
            let t = ts850::purchase_order(set);
            findings_inside(&t.findings);
            through_json(&t.document);
            ts850_out::emit_purchase_order(&t.document, &envelope, &mut out).is_ok()
        }
        "810" => {
            let t = ts810::invoice(set);
            findings_inside(&t.findings);
            through_json(&t.document);
            ts810_out::emit_invoice(&t.document, &envelope, &mut out).is_ok()
        }
        "856" => {
            let t = ts856::ship_notice(set);
            findings_inside(&t.findings);
            through_json(&t.document);
            ts856_out::emit_ship_notice(&t.document, &envelope, &mut out).is_ok()
        }
        "820" => {
            let t = ts820::remittance(set);
            findings_inside(&t.findings);
            through_json(&t.document);
            ts820_out::emit_remittance(&t.document, &envelope, &mut out).is_ok()
        }
        _ => false,
    };
    if written {
        let doc = parse(&out);
        assert!(
            doc.is_sound(),
            "what emit wrote has envelope errors: {:?}",
            doc.diagnostics
        );
        let mut reader = TransactionSetReader::new(&out[..]);
        let back = reader
            .next_set()
            .expect("in memory")
            .expect("one set written");
        assert_eq!(back.header.id, set.header.id, "written back as another set");
    }
}

/// The sample partner profiles, read once.
fn sample_partners() -> &'static [edigate::partner::Profile] {
    static PROFILES: std::sync::OnceLock<Vec<edigate::partner::Profile>> =
        std::sync::OnceLock::new();
    PROFILES.get_or_init(|| {
        [
            (
                "partners/bigretail.toml",
                include_str!("../partners/bigretail.toml"),
            ),
            (
                "partners/freshway.toml",
                include_str!("../partners/freshway.toml"),
            ),
            (
                "partners/northgate.toml",
                include_str!("../partners/northgate.toml"),
            ),
        ]
        .iter()
        .map(|(file, text)| {
            edigate::partner::read(file, text, &|_| false).expect("a sample profile")
        })
        .collect()
    })
}

/// Runs every check on one fuzz input; panics with a description on the first failure.
pub fn check(data: &[u8]) {
    let Some((&chunking, input)) = data.split_first() else {
        return;
    };

    // (a) the in-memory parse, as a tree and as events.
    let doc = parse(input);
    let mut memory = Recorder::default();
    let mut parser = Parser::new().with_max_segment_len(usize::MAX);
    let outcome = parse_into(input, &mut parser, &mut memory);
    assert_eq!(doc.outcome, outcome, "tree and event outcomes differ");
    assert_eq!(
        doc.diagnostics, memory.diagnostics,
        "tree and event diagnostics differ"
    );

    // (b) streaming over small chunks sees the same events.
    let mut streamed = Recorder::default();
    let stream_outcome = SegmentStream::new(Chunked::new(input, chunking))
        .run(&mut streamed)
        .expect("reading from a slice cannot fail");
    if let Some(i) = (0..memory.events.len().max(streamed.events.len()))
        .find(|&i| memory.events.get(i) != streamed.events.get(i))
    {
        panic!(
            "stream and in-memory parse differ at event {i}:\n  memory: {:?}\n  stream: {:?}",
            memory.events.get(i),
            streamed.events.get(i)
        );
    }
    assert_eq!(
        outcome, stream_outcome,
        "stream and in-memory outcomes differ"
    );

    // (c) every segment of the tree borrows from the input where its offset says.
    for_each_segment(&doc, |s| check_segment(input, s, true));

    // (d) the transaction-set reader yields the tree's sets.
    let expected = tree_sets(&doc);
    let mut reader = TransactionSetReader::new(Chunked::new(input, chunking));
    let mut got = Vec::new();
    while let Some(set) = reader.next_set().expect("reading from a slice cannot fail") {
        for s in &set.segments {
            check_segment(input, s, false);
        }
        translate_and_write_back(&set);
        got.push(SetView {
            id: set.header.id.clone(),
            control_number: set.header.control_number.clone(),
            offset: set.header.offset,
            segment_count: set.summary.segment_count,
            closed: set.summary.closed,
            segments: set.segments.iter().map(seg_key).collect(),
            group_control_number: set.group.control_number.clone(),
            interchange_control_number: set.interchange.control_number.clone(),
        });
    }
    assert_eq!(
        expected, got,
        "TransactionSetReader and tree disagree on transaction sets"
    );
    assert_eq!(
        reader.take_diagnostics(),
        doc.diagnostics,
        "TransactionSetReader diagnostics differ"
    );
    assert_eq!(
        reader.outcome(),
        outcome,
        "TransactionSetReader outcome differs"
    );

    // (e) validation: streamed and in-memory reports agree, a reply can always be written,
    // and when the envelopes are sound our reply is itself a valid interchange of 997s.
    let specs = edigate::spec::standard().expect("the built-in specs load");
    let (reports, _) = edigate::validate::validate(specs, input);
    let mut streamed_reports = Vec::new();
    {
        let mut validator =
            edigate::validate::Validator::with_sink(specs, |r| streamed_reports.push(r));
        SegmentStream::new(Chunked::new(input, chunking))
            .run(&mut validator)
            .expect("reading from a slice cannot fail");
        validator.finish();
    }
    assert_eq!(
        reports, streamed_reports,
        "streamed and in-memory validation differ"
    );
    let options = edigate::map::ack::AckOptions {
        policy: edigate::validate::Policy::default(),
        ta1: edigate::map::ack::Ta1Policy::Always,
        interchange_control_number: 1,
        group_control_number: 1,
        date: "20261126".into(),
        time: "1200".into(),
        line_suffix: String::new(),
    };
    let (reply, _) = edigate::map::ack::write_replies(&reports, &options, Vec::new())
        .unwrap_or_else(|e| panic!("no reply could be written: {e}"));
    let read_back = edigate::map::ack_read::read_acks(&reply);
    if outcome.errors == 0 && !outcome.fatal {
        let (own, own_outcome) = edigate::validate::validate(specs, &reply);
        assert_eq!(own_outcome.errors, 0, "our reply has envelope errors");
        for set in own.iter().flat_map(|i| &i.groups).flat_map(|g| &g.sets) {
            let errors: Vec<_> = set.errors_for_ack().collect();
            assert!(
                set.errors.is_empty() && errors.is_empty(),
                "our 997 is invalid: {errors:?}"
            );
        }
        let acknowledged = reports
            .iter()
            .map(|i| edigate::map::ack::acknowledged_groups(i).count())
            .sum::<usize>();
        assert_eq!(
            read_back.functional_acks.len(),
            acknowledged,
            "one 997 per group"
        );
    }
}

/// A reader handing out the input in small pieces: byte `c` < 128 means pieces of
/// `c % 64 + 1` bytes; otherwise piece sizes are pseudo-random in `1..=c % 64 + 1`.
pub struct Chunked<'a> {
    data: &'a [u8],
    max: usize,
    random: bool,
    state: u32,
}

impl<'a> Chunked<'a> {
    pub fn new(data: &'a [u8], c: u8) -> Self {
        Chunked {
            data,
            max: usize::from(c % 64) + 1,
            random: c >= 128,
            state: u32::from(c).wrapping_mul(0x9E37_79B9) | 1,
        }
    }
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = if self.random {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 17;
            self.state ^= self.state << 5;
            (self.state as usize % self.max) + 1
        } else {
            self.max
        };
        let n = size.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Renders every visitor event, so two parses can be compared event by event.
#[derive(Default)]
pub struct Recorder {
    pub events: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

fn seg_text(s: &Segment<'_>) -> String {
    format!(
        "{}|{}@{}#{} {:?}",
        String::from_utf8_lossy(s.id),
        String::from_utf8_lossy(s.body),
        s.offset,
        s.position,
        s.delimiters
    )
}

impl Visitor<'_> for Recorder {
    fn interchange_start(&mut self, h: &InterchangeHeader, isa: &Segment<'_>) {
        self.events
            .push(format!("interchange_start {h:?} {}", seg_text(isa)));
    }
    fn control_segment(&mut self, s: &Segment<'_>) {
        self.events.push(format!("control {}", seg_text(s)));
    }
    fn group_start(&mut self, h: &GroupHeader, gs: &Segment<'_>) {
        self.events
            .push(format!("group_start {h:?} {}", seg_text(gs)));
    }
    fn transaction_start(&mut self, h: &TransactionHeader, st: &Segment<'_>) {
        self.events
            .push(format!("transaction_start {h:?} {}", seg_text(st)));
    }
    fn segment(&mut self, s: &Segment<'_>) {
        self.events.push(format!("segment {}", seg_text(s)));
    }
    fn transaction_end(&mut self, s: &TransactionSummary, se: Option<&Segment<'_>>) {
        self.events.push(format!(
            "transaction_end {s:?} {:?}",
            se.map(|s| seg_text(s))
        ));
    }
    fn group_end(&mut self, s: &GroupSummary, ge: Option<&Segment<'_>>) {
        self.events
            .push(format!("group_end {s:?} {:?}", ge.map(|s| seg_text(s))));
    }
    fn interchange_end(&mut self, s: &InterchangeSummary, iea: Option<&Segment<'_>>) {
        self.events.push(format!(
            "interchange_end {s:?} {:?}",
            iea.map(|s| seg_text(s))
        ));
    }
    fn stray_segment(&mut self, s: &Segment<'_>) {
        self.events.push(format!("stray {}", seg_text(s)));
    }
    fn diagnostic(&mut self, d: Diagnostic) {
        self.events.push(format!("diagnostic {d:?}"));
        self.diagnostics.push(d);
    }
}

/// Checks that a segment, its elements, repetitions and components are the bytes of `input`
/// at their offsets and, when `borrowed`, borrow them from `input` itself.
fn check_segment(input: &[u8], s: &Segment<'_>, borrowed: bool) {
    let at = |bytes: &[u8], offset: u64, what: &str| {
        let start = usize::try_from(offset).unwrap();
        assert_eq!(
            input.get(start..start + bytes.len()),
            Some(bytes),
            "{what} of segment {} at {} is not the input at offset {offset}",
            s.id_str(),
            s.offset
        );
        assert!(
            !borrowed || bytes.is_empty() || std::ptr::eq(bytes.as_ptr(), input[start..].as_ptr()),
            "{what} of segment {} does not borrow from the input at offset {offset}",
            s.id_str()
        );
    };
    // An id may be empty (a segment starting with a separator): it is reported, not dropped.
    at(s.id, s.offset, "the id");
    at(s.body, s.offset + s.id.len() as u64, "the body");
    if !s.body.is_empty() {
        assert_eq!(
            s.body[0], s.delimiters.element,
            "body must start with a separator"
        );
    }
    let d: Delimiters = s.delimiters;
    let mut count = 0;
    for e in s.elements() {
        count += 1;
        at(e.value, e.offset, "an element");
        assert!(!e.value.contains(&d.element));
        // ISA fields are found by position or by separators, so only they may hold it.
        assert!(!e.value.contains(&d.segment) || s.id == b"ISA");
        for r in e.repetitions(&d) {
            at(r.value, r.offset, "a repetition");
            for c in r.components(&d) {
                at(c.value, c.offset, "a component");
            }
        }
        for c in e.components(&d) {
            at(c.value, c.offset, "a component");
        }
    }
    assert_eq!(count, s.element_count(), "element count of {}", s.id_str());
}

fn for_each_segment<'a>(doc: &Document<'a>, mut f: impl FnMut(&Segment<'a>)) {
    for ic in &doc.interchanges {
        f(&ic.isa);
        ic.control_segments.iter().for_each(&mut f);
        for g in &ic.groups {
            f(&g.gs);
            g.transaction_sets
                .iter()
                .flat_map(|t| &t.segments)
                .for_each(&mut f);
            g.ge.iter().for_each(&mut f);
        }
        ic.ungrouped
            .iter()
            .flat_map(|t| &t.segments)
            .for_each(&mut f);
        ic.iea.iter().for_each(&mut f);
    }
}

#[derive(Debug, PartialEq, Eq)]
struct SetView {
    id: String,
    control_number: String,
    offset: u64,
    segment_count: u32,
    closed: bool,
    /// (id, body, offset, position) of ST..SE.
    segments: Vec<(Vec<u8>, Vec<u8>, u64, u32)>,
    group_control_number: String,
    interchange_control_number: String,
}

fn seg_key(s: &Segment<'_>) -> (Vec<u8>, Vec<u8>, u64, u32) {
    (s.id.to_vec(), s.body.to_vec(), s.offset, s.position)
}

/// The tree's transaction sets in input order.
fn tree_sets(doc: &Document<'_>) -> Vec<SetView> {
    let mut sets = Vec::new();
    for ic in &doc.interchanges {
        let grouped = ic
            .groups
            .iter()
            .flat_map(|g| g.transaction_sets.iter().map(move |t| (Some(g), t)));
        let ungrouped = ic.ungrouped.iter().map(|t| (None, t));
        let mut here: Vec<_> = grouped.chain(ungrouped).collect();
        here.sort_by_key(|(_, t)| t.header.offset);
        for (g, t) in here {
            assert!(
                t.segments.len() as u32 == t.segment_count,
                "set {} at {}: segment_count {} but {} segments",
                t.header.control_number,
                t.header.offset,
                t.segment_count,
                t.segments.len()
            );
            sets.push(SetView {
                id: t.header.id.clone(),
                control_number: t.header.control_number.clone(),
                offset: t.header.offset,
                segment_count: t.segment_count,
                closed: t.closed,
                segments: t.segments.iter().map(seg_key).collect(),
                group_control_number: g
                    .map(|g| g.header.control_number.clone())
                    .unwrap_or_default(),
                interchange_control_number: ic.header.control_number.clone(),
            });
        }
    }
    sets
}

#[test]
fn regression_inputs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    let mut failed = Vec::new();
    for path in &files {
        let data = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // Each input also runs with every chunking pattern, not only its own.
        let result = std::panic::catch_unwind(|| {
            for c in [data.first().copied().unwrap_or(0), 0, 2, 63, 129, 200, 255] {
                let mut d = data.clone();
                if let Some(first) = d.first_mut() {
                    *first = c;
                }
                check(&d);
            }
        });
        if result.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "failing regression inputs: {failed:?}");
}

/// The same checks on every sample of the repository and every public one, so that the
/// mappings and their write-back run on real documents in every `cargo test`, not only
/// under the fuzzer.
#[test]
fn samples_pass_every_check() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut walk = vec![root.join("samples"), root.join("../shared/samples-public")];
    while let Some(dir) = walk.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "edi" || e == "txt" || e == "x12")
            {
                files.push(path);
            }
        }
    }
    assert!(
        files.len() >= 100,
        "only {} sample files found",
        files.len()
    );
    for path in files {
        let mut data = vec![7u8];
        data.extend(std::fs::read(&path).unwrap());
        let result = std::panic::catch_unwind(|| check(&data));
        assert!(result.is_ok(), "{} fails the checks", path.display());
    }
}
