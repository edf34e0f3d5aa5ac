//! `edigate parse FILE [--json] [--segments]`: the envelope tree, streamed.
//!
//! Output is written while the file is read, so memory stays flat whatever the file size.
//! Diagnostics are listed after the tree in JSON (the first [`MAX_LISTED_DIAGNOSTICS`] of
//! them, with the total count), and in place, under the envelope they concern, in text.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;

use super::Status;
use super::ack_view::{functional_ack_json, functional_ack_text, ta1_json, ta1_text};
use crate::map::ack_read::AckReader;
use crate::spec::SpecSet;
use crate::x12::{
    Diagnostic, GroupHeader, GroupSummary, InterchangeHeader, InterchangeSummary, Level, Segment,
    SegmentStream, TransactionHeader, TransactionSummary, Visitor,
};

/// Diagnostics kept for the JSON list; past this they are counted, not listed, so that a
/// pathological file cannot make the report grow without bound in memory.
pub const MAX_LISTED_DIAGNOSTICS: usize = 10_000;

#[derive(clap::Args)]
pub struct Args {
    /// The X12 file to read (`-` for standard input).
    file: PathBuf,
    /// One JSON document instead of text.
    #[arg(long)]
    json: bool,
    /// Also list every segment of every transaction set.
    #[arg(long)]
    segments: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let stdout = io::stdout().lock();
    let out = BufWriter::with_capacity(1 << 16, stdout);
    let name = args.file.display().to_string();
    let input: Box<dyn io::Read> = if name == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(&args.file).with_context(|| format!("cannot open {name}"))?)
    };
    let (outcome, written) = if args.json {
        let mut report = JsonReport::new(out, args.segments);
        report.begin(&name)?;
        let outcome = SegmentStream::new(input)
            .run(&mut report)
            .with_context(|| format!("cannot read {name}"))?;
        report.end(&outcome)?;
        (outcome, report.error.take())
    } else {
        let mut report = TextReport::new(out, args.segments, &name);
        let outcome = SegmentStream::new(input)
            .run(&mut report)
            .with_context(|| format!("cannot read {name}"))?;
        report.end(&outcome)?;
        (outcome, report.error.take())
    };
    if let Some(e) = written {
        return Err(e).context("cannot write the report");
    }
    Ok(if outcome.fatal && outcome.interchanges == 0 {
        Status::CannotRun
    } else if outcome.errors > 0 {
        Status::Rejected
    } else {
        Status::Ok
    })
}

/// The built-in specs, for the words of acknowledgement codes: loaded only when a TA1 or 997
/// goes by, so parsing anything else never pays for them.
fn specs() -> Option<&'static SpecSet> {
    crate::spec::standard().ok()
}

fn lossy(v: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(v)
}

fn delimiter(b: u8) -> String {
    (b as char).to_string()
}

/// Writes one JSON document while the input streams past. Visitor methods cannot return
/// errors, so the first write error is kept and everything after it is skipped.
struct JsonReport<W: Write> {
    out: W,
    segments: bool,
    error: Option<io::Error>,
    diagnostics: Vec<Diagnostic>,
    diagnostic_total: u64,
    /// Whether the next item in the current array needs a leading comma.
    first_interchange: bool,
    first_group: bool,
    first_set: bool,
    first_segment: bool,
    /// A transaction set opened outside any functional group gets a stand-in group.
    synthetic_group: bool,
    in_group: bool,
    counts: [u64; 3],
    /// Reused for every object written, so that the report allocates per file, not per set.
    scratch: Vec<u8>,
    /// Reads the TA1s and 997s going by, to say what they acknowledge.
    acks: AckReader,
    group_version: String,
    ta1s: Vec<serde_json::Value>,
}

impl<W: Write> JsonReport<W> {
    fn new(out: W, segments: bool) -> Self {
        JsonReport {
            out,
            segments,
            error: None,
            diagnostics: Vec::new(),
            diagnostic_total: 0,
            first_interchange: true,
            first_group: true,
            first_set: true,
            first_segment: true,
            synthetic_group: false,
            in_group: false,
            counts: [0; 3],
            scratch: Vec::with_capacity(1024),
            acks: AckReader::default(),
            group_version: String::new(),
            ta1s: Vec::new(),
        }
    }

    fn write(&mut self, f: impl FnOnce(&mut W) -> io::Result<()>) {
        if self.error.is_none()
            && let Err(e) = f(&mut self.out)
        {
            self.error = Some(e);
        }
    }

    fn begin(&mut self, file: &str) -> io::Result<()> {
        write!(self.out, "{{\"file\":")?;
        serde_json::to_writer(&mut self.out, file)?;
        write!(self.out, ",\"interchanges\":[")
    }

    fn end(&mut self, outcome: &crate::x12::Outcome) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        write!(self.out, "],\"diagnostics\":[")?;
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            serde_json::to_writer(&mut self.out, &diagnostic_json(d))?;
        }
        let summary = serde_json::json!({
            "interchanges": self.counts[0],
            "groups": self.counts[1],
            "transactions": self.counts[2],
            "segments": outcome.segments,
            "errors": outcome.errors,
            "warnings": outcome.warnings,
            "diagnostics_listed": self.diagnostics.len(),
            "diagnostics_total": self.diagnostic_total,
            "sound": outcome.errors == 0 && !outcome.fatal,
        });
        write!(self.out, "],\"summary\":")?;
        serde_json::to_writer(&mut self.out, &summary)?;
        writeln!(self.out, "}}")?;
        self.out.flush()
    }

    /// Writes what `build` puts in the reused scratch buffer: one object per call, no
    /// allocation per transaction set.
    fn object(&mut self, build: impl FnOnce(&mut Vec<u8>)) {
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        build(&mut buf);
        self.write(|o| o.write_all(&buf));
        self.scratch = buf;
    }

    fn comma(first: &mut bool) -> &'static [u8] {
        if std::mem::replace(first, false) {
            b""
        } else {
            b","
        }
    }

    fn close_synthetic_group(&mut self) {
        if self.synthetic_group {
            self.synthetic_group = false;
            self.write(|o| o.write_all(b"]}"));
        }
    }
}

/// Appends `s` as a JSON string. Most X12 values need no escaping, so check first and copy.
fn json_str(buf: &mut Vec<u8>, s: &[u8]) {
    let plain =
        std::str::from_utf8(s).is_ok() && !s.iter().any(|&b| b == b'"' || b == b'\\' || b < 0x20);
    if plain {
        buf.push(b'"');
        buf.extend_from_slice(s);
        buf.push(b'"');
    } else {
        // serde_json escapes control characters; invalid UTF-8 is replaced, not dropped.
        let text = String::from_utf8_lossy(s);
        let _ = serde_json::to_writer(&mut *buf, &*text);
    }
}

/// Writes the fields of a JSON object into a buffer, commas included.
struct Fields<'b> {
    buf: &'b mut Vec<u8>,
    first: bool,
}

impl<'b> Fields<'b> {
    /// Starts an object (`{`), after a comma when it is not the first item of its array.
    fn open(buf: &'b mut Vec<u8>, comma: &[u8]) -> Self {
        buf.extend_from_slice(comma);
        buf.push(b'{');
        Fields { buf, first: true }
    }

    fn key(&mut self, k: &str) -> &mut Vec<u8> {
        if !std::mem::replace(&mut self.first, false) {
            self.buf.push(b',');
        }
        self.buf.push(b'"');
        self.buf.extend_from_slice(k.as_bytes());
        self.buf.extend_from_slice(b"\":");
        self.buf
    }

    fn str(&mut self, k: &str, v: &str) -> &mut Self {
        let buf = self.key(k);
        json_str(buf, v.as_bytes());
        self
    }

    fn num(&mut self, k: &str, v: u64) -> &mut Self {
        let buf = self.key(k);
        let _ = write!(buf, "{v}");
        self
    }

    fn raw(&mut self, k: &str, v: &[u8]) -> &mut Self {
        self.key(k).extend_from_slice(v);
        self
    }
}

fn diagnostic_json(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "code": d.code(),
        "level": d.level.as_str(),
        "message": d.message,
        "offset": d.offset,
        "segment": d.segment,
        "position": d.position,
        "element": d.element,
        "ack": d.ack_code().map(|a| serde_json::json!({"element": a.element(), "code": a.value()})),
    })
}

fn segment_json(buf: &mut Vec<u8>, comma: &[u8], s: &Segment<'_>) {
    let mut f = Fields::open(buf, comma);
    let buf = f.key("id");
    json_str(buf, s.id);
    f.num("position", u64::from(s.position))
        .num("offset", s.offset);
    let buf = f.key("elements");
    buf.push(b'[');
    for (i, e) in s.elements().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        json_str(buf, e.value);
    }
    buf.extend_from_slice(b"]}");
}

impl<W: Write> Visitor<'_> for JsonReport<W> {
    fn interchange_start(&mut self, h: &InterchangeHeader, isa: &Segment<'_>) {
        self.acks.interchange_start(h, isa);
        self.counts[0] += 1;
        let d = h.delimiters;
        let comma = Self::comma(&mut self.first_interchange);
        self.first_group = true;
        self.object(|buf| {
            let mut f = Fields::open(buf, comma);
            let party = |q: &str, id: &str| {
                let mut b = Vec::new();
                Fields::open(&mut b, b"").str("qualifier", q).str("id", id);
                b.push(b'}');
                b
            };
            f.raw("sender", &party(&h.sender.qualifier, &h.sender.id))
                .raw("receiver", &party(&h.receiver.qualifier, &h.receiver.id))
                .str("control_number", &h.control_number)
                .str("version", &h.version)
                .str("date", &h.date)
                .str("time", &h.time)
                .str("usage", &h.usage)
                .str("ack_requested", &h.ack_requested)
                .num("offset", h.offset);
            let mut delims = Vec::new();
            {
                let mut df = Fields::open(&mut delims, b"");
                df.str("element", &delimiter(d.element))
                    .str("component", &delimiter(d.component));
                match d.repetition {
                    Some(r) => df.str("repetition", &delimiter(r)),
                    None => df.raw("repetition", b"null"),
                };
                df.str("segment", &delimiter(d.segment));
            }
            delims.push(b'}');
            f.raw("delimiters", &delims);
            f.key("groups").push(b'[');
        });
    }

    fn control_segment(&mut self, s: &Segment<'_>) {
        self.acks.control_segment(s);
        // The specs (for the codes' words) are loaded only once an acknowledgement is read.
        if let Some(t) = self.acks.reading.interchange_acks.pop()
            && let Some(specs) = specs()
        {
            self.ta1s.push(ta1_json(&t, specs));
        }
    }

    fn group_start(&mut self, h: &GroupHeader, gs: &Segment<'_>) {
        self.acks.group_start(h, gs);
        self.group_version = h.version.clone();
        self.close_synthetic_group();
        self.counts[1] += 1;
        self.in_group = true;
        let comma = Self::comma(&mut self.first_group);
        self.first_set = true;
        self.object(|buf| {
            let mut f = Fields::open(buf, comma);
            f.str("functional_id", &h.functional_id)
                .str("sender", &h.sender)
                .str("receiver", &h.receiver)
                .str("control_number", &h.control_number)
                .str("version", &h.version)
                .str("date", &h.date)
                .str("time", &h.time)
                .num("offset", h.offset);
            f.key("transactions").push(b'[');
        });
    }

    fn transaction_start(&mut self, h: &TransactionHeader, st: &Segment<'_>) {
        self.acks.transaction_start(h, st);
        if !self.in_group && !self.synthetic_group {
            self.synthetic_group = true;
            let comma = Self::comma(&mut self.first_group);
            self.first_set = true;
            self.write(|o| {
                o.write_all(comma)?;
                o.write_all(b"{\"functional_id\":null,\"ungrouped\":true,\"transactions\":[")
            });
        }
        self.counts[2] += 1;
        let comma = Self::comma(&mut self.first_set);
        self.first_segment = true;
        let segments = self.segments;
        self.object(|buf| {
            let mut f = Fields::open(buf, comma);
            f.str("id", &h.id)
                .str("control_number", &h.control_number)
                .num("offset", h.offset);
            if segments {
                f.key("segments").push(b'[');
            }
        });
        if self.segments {
            self.segment(st);
        }
    }

    fn segment(&mut self, s: &Segment<'_>) {
        self.acks.segment(s);
        if self.segments {
            let comma = Self::comma(&mut self.first_segment);
            self.object(|buf| {
                segment_json(buf, comma, s);
            });
        }
    }

    fn transaction_end(&mut self, t: &TransactionSummary, se: Option<&Segment<'_>>) {
        if let Some(se) = se
            && self.segments
        {
            let comma = Self::comma(&mut self.first_segment);
            self.object(|buf| segment_json(buf, comma, se));
        }
        self.acks.transaction_end(t, se);
        let acknowledges = match self.acks.reading.functional_acks.pop() {
            Some(a) => specs()
                .map(|specs| {
                    format!(
                        "\"acknowledges\":{},",
                        functional_ack_json(&a, specs, &self.group_version)
                    )
                })
                .unwrap_or_default(),
            None => String::new(),
        };
        let segments = self.segments;
        self.write(|o| {
            o.write_all(if segments { b"]," } else { b"," })?;
            o.write_all(acknowledges.as_bytes())?;
            write!(
                o,
                "\"segment_count\":{},\"closed\":{},\"envelope_errors\":{}}}",
                t.segment_count, t.closed, t.has_errors
            )
        });
    }

    fn group_end(&mut self, g: &GroupSummary, _: Option<&Segment<'_>>) {
        self.in_group = false;
        let tail = format!(
            "],\"transaction_count\":{},\"closed\":{},\"envelope_errors\":{}}}",
            g.transaction_count, g.closed, g.has_errors
        );
        self.write(|o| o.write_all(tail.as_bytes()));
    }

    fn interchange_end(&mut self, i: &InterchangeSummary, _: Option<&Segment<'_>>) {
        self.close_synthetic_group();
        let ta1s = serde_json::Value::Array(std::mem::take(&mut self.ta1s));
        let tail = format!(
            "],\"interchange_acknowledgements\":{ta1s},\"group_count\":{},\"closed\":{},\"envelope_errors\":{}}}",
            i.group_count, i.closed, i.has_errors
        );
        self.write(|o| o.write_all(tail.as_bytes()));
    }

    fn diagnostic(&mut self, d: Diagnostic) {
        self.diagnostic_total += 1;
        if self.diagnostics.len() < MAX_LISTED_DIAGNOSTICS {
            self.diagnostics.push(d);
        }
    }
}

/// The human-readable report: the tree indented, each diagnostic in place.
struct TextReport<W: Write> {
    out: W,
    segments: bool,
    file: String,
    error: Option<io::Error>,
    depth: usize,
    counts: [u64; 3],
    acks: AckReader,
    group_version: String,
}

impl<W: Write> TextReport<W> {
    fn new(out: W, segments: bool, file: &str) -> Self {
        TextReport {
            out,
            segments,
            file: file.to_string(),
            error: None,
            depth: 0,
            counts: [0; 3],
            acks: AckReader::default(),
            group_version: String::new(),
        }
    }

    fn line(&mut self, depth: usize, text: std::fmt::Arguments<'_>) {
        if self.error.is_none() {
            let r = (|| {
                write!(self.out, "{:width$}", "", width = depth * 2)?;
                self.out.write_fmt(text)?;
                self.out.write_all(b"\n")
            })();
            if let Err(e) = r {
                self.error = Some(e);
            }
        }
    }

    fn segment_line(&mut self, s: &Segment<'_>) {
        if self.segments {
            let text = format!("{}{}", lossy(s.id), lossy(s.body));
            self.line(
                self.depth + 1,
                format_args!("{:>4} {}", s.position, esc(&text)),
            );
        }
    }

    /// ISA, GS, GE and IEA as found, with `--segments`.
    fn envelope_line(&mut self, depth: usize, s: Option<&Segment<'_>>) {
        if let (true, Some(s)) = (self.segments, s) {
            let text = format!("{}{}", lossy(s.id), lossy(s.body));
            self.line(depth, format_args!("{}", esc(&text)));
        }
    }

    fn end(&mut self, outcome: &crate::x12::Outcome) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let verdict = if outcome.fatal && outcome.interchanges == 0 {
            "unreadable"
        } else if outcome.errors > 0 {
            "envelope errors"
        } else {
            "envelopes sound"
        };
        writeln!(
            self.out,
            "{}: {} interchange(s), {} group(s), {} transaction set(s); {} error(s), {} warning(s): {verdict}",
            self.file,
            self.counts[0],
            self.counts[1],
            self.counts[2],
            outcome.errors,
            outcome.warnings
        )?;
        self.out.flush()
    }
}

impl<W: Write> Visitor<'_> for TextReport<W> {
    fn interchange_start(&mut self, h: &InterchangeHeader, isa: &Segment<'_>) {
        self.acks.interchange_start(h, isa);
        self.counts[0] += 1;
        let d = h.delimiters;
        let show = |b: u8| crate::x12::diagnostic::show(&[b]);
        self.line(
            0,
            format_args!(
                "interchange {} from {}:{} to {}:{}, version {}, {} {}, usage {}, delimiters element {} component {} repetition {} segment {}",
                esc(&h.control_number),
                esc(&h.sender.qualifier),
                esc(&h.sender.id),
                esc(&h.receiver.qualifier),
                esc(&h.receiver.id),
                esc(&h.version),
                esc(&h.date),
                esc(&h.time),
                esc(&h.usage),
                show(d.element),
                show(d.component),
                d.repetition.map_or_else(|| "none".to_string(), show),
                show(d.segment),
            ),
        );
        self.depth = 1;
        self.envelope_line(1, Some(isa));
    }

    fn control_segment(&mut self, s: &Segment<'_>) {
        let text = format!("{}{}", lossy(s.id), lossy(s.body));
        self.line(1, format_args!("control segment {}", esc(&text)));
        self.acks.control_segment(s);
        if let Some(t) = self.acks.reading.interchange_acks.pop()
            && let Some(specs) = specs()
        {
            self.line(2, format_args!("{}", ta1_text(&t, specs)));
        }
    }

    fn group_start(&mut self, h: &GroupHeader, gs: &Segment<'_>) {
        self.acks.group_start(h, gs);
        self.group_version = h.version.clone();
        self.counts[1] += 1;
        self.line(
            1,
            format_args!(
                "group {} {} from {} to {}, version {}, {} {}",
                esc(&h.functional_id),
                esc(&h.control_number),
                esc(&h.sender),
                esc(&h.receiver),
                esc(&h.version),
                esc(&h.date),
                esc(&h.time)
            ),
        );
        self.depth = 2;
        self.envelope_line(2, Some(gs));
    }

    fn transaction_start(&mut self, h: &TransactionHeader, st: &Segment<'_>) {
        self.acks.transaction_start(h, st);
        self.counts[2] += 1;
        self.line(
            self.depth,
            format_args!("transaction set {} {}", esc(&h.id), esc(&h.control_number)),
        );
        self.depth += 1;
        self.segment_line(st);
    }

    fn segment(&mut self, s: &Segment<'_>) {
        self.acks.segment(s);
        self.segment_line(s);
    }

    fn transaction_end(&mut self, t: &TransactionSummary, se: Option<&Segment<'_>>) {
        if let Some(se) = se {
            self.segment_line(se);
        }
        self.line(self.depth, format_args!("{} segments", t.segment_count));
        self.acks.transaction_end(t, se);
        if let Some(a) = self.acks.reading.functional_acks.pop()
            && let Some(specs) = specs()
        {
            for line in functional_ack_text(&a, specs, &self.group_version) {
                self.line(self.depth, format_args!("{line}"));
            }
        }
        self.depth -= 1;
    }

    fn group_end(&mut self, g: &GroupSummary, ge: Option<&Segment<'_>>) {
        self.envelope_line(2, ge);
        self.line(
            2,
            format_args!("{} transaction set(s)", g.transaction_count),
        );
        self.depth = 1;
    }

    fn interchange_end(&mut self, i: &InterchangeSummary, iea: Option<&Segment<'_>>) {
        self.envelope_line(1, iea);
        self.line(1, format_args!("{} group(s)", i.group_count));
        self.depth = 0;
    }

    fn diagnostic(&mut self, d: Diagnostic) {
        let mark = match d.level {
            Level::Error => "ERROR",
            Level::Warning => "warning",
        };
        let rest = d.to_string();
        let rest = rest
            .split_once(": ")
            .map_or(rest.as_str(), |(_, r)| r)
            .to_string();
        self.line(
            self.depth,
            format_args!("{mark} at byte {}{}: {rest}", d.offset, location(&d)),
        );
    }
}

/// Values from the input, shown so that a stray line break or control byte stays visible.
fn esc(v: &str) -> String {
    crate::x12::diagnostic::escape(v.as_bytes())
}

fn location(d: &Diagnostic) -> String {
    match (&d.segment, d.element, d.position) {
        (Some(s), Some(e), Some(p)) => format!(" ({s}{e:02}, segment {p} of the set)"),
        (Some(s), Some(e), None) => format!(" ({s}{e:02})"),
        (Some(s), None, Some(p)) => format!(" ({s}, segment {p} of the set)"),
        (Some(s), None, None) => format!(" ({s})"),
        _ => String::new(),
    }
}
