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
        }
    }

    fn write(&mut self, f: impl FnOnce(&mut W) -> io::Result<()>) {
        if self.error.is_none() {
            if let Err(e) = f(&mut self.out) {
                self.error = Some(e);
            }
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

fn segment_json(s: &Segment<'_>) -> serde_json::Value {
    serde_json::json!({
        "id": lossy(s.id),
        "position": s.position,
        "offset": s.offset,
        "elements": s.elements().map(|e| lossy(e.value).into_owned()).collect::<Vec<_>>(),
    })
}

impl<W: Write> Visitor<'_> for JsonReport<W> {
    fn interchange_start(&mut self, h: &InterchangeHeader, _: &Segment<'_>) {
        self.counts[0] += 1;
        let d = h.delimiters;
        let head = serde_json::json!({
            "sender": {"qualifier": h.sender.qualifier, "id": h.sender.id},
            "receiver": {"qualifier": h.receiver.qualifier, "id": h.receiver.id},
            "control_number": h.control_number,
            "version": h.version,
            "date": h.date,
            "time": h.time,
            "usage": h.usage,
            "ack_requested": h.ack_requested,
            "offset": h.offset,
            "delimiters": {
                "element": delimiter(d.element),
                "component": delimiter(d.component),
                "repetition": d.repetition.map(delimiter),
                "segment": delimiter(d.segment),
            },
        });
        let comma = Self::comma(&mut self.first_interchange);
        self.first_group = true;
        self.write(|o| {
            o.write_all(comma)?;
            // Reopen the object to append the groups array after the header fields.
            let text = head.to_string();
            o.write_all(&text.as_bytes()[..text.len() - 1])?;
            o.write_all(b",\"groups\":[")
        });
    }

    fn group_start(&mut self, h: &GroupHeader, _: &Segment<'_>) {
        self.close_synthetic_group();
        self.counts[1] += 1;
        self.in_group = true;
        let head = serde_json::json!({
            "functional_id": h.functional_id,
            "sender": h.sender,
            "receiver": h.receiver,
            "control_number": h.control_number,
            "version": h.version,
            "date": h.date,
            "time": h.time,
            "offset": h.offset,
        });
        let comma = Self::comma(&mut self.first_group);
        self.first_set = true;
        self.write(|o| {
            o.write_all(comma)?;
            let text = head.to_string();
            o.write_all(&text.as_bytes()[..text.len() - 1])?;
            o.write_all(b",\"transactions\":[")
        });
    }

    fn transaction_start(&mut self, h: &TransactionHeader, st: &Segment<'_>) {
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
        let head = serde_json::json!({
            "id": h.id,
            "control_number": h.control_number,
            "offset": h.offset,
        });
        let comma = Self::comma(&mut self.first_set);
        self.first_segment = true;
        let segments = self.segments;
        self.write(|o| {
            o.write_all(comma)?;
            let text = head.to_string();
            o.write_all(&text.as_bytes()[..text.len() - 1])?;
            if segments {
                o.write_all(b",\"segments\":[")?;
            }
            Ok(())
        });
        if self.segments {
            self.segment(st);
        }
    }

    fn segment(&mut self, s: &Segment<'_>) {
        if self.segments {
            let comma = Self::comma(&mut self.first_segment);
            self.write(|o| {
                o.write_all(comma)?;
                serde_json::to_writer(o, &segment_json(s)).map_err(io::Error::from)
            });
        }
    }

    fn transaction_end(&mut self, t: &TransactionSummary, se: Option<&Segment<'_>>) {
        if let Some(se) = se {
            self.segment(se);
        }
        let segments = self.segments;
        let tail = format!(
            "\"segment_count\":{},\"closed\":{},\"envelope_errors\":{}}}",
            t.segment_count, t.closed, t.has_errors
        );
        self.write(|o| {
            if segments {
                o.write_all(b"],")?;
            } else {
                o.write_all(b",")?;
            }
            o.write_all(tail.as_bytes())
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
        let tail = format!(
            "],\"group_count\":{},\"closed\":{},\"envelope_errors\":{}}}",
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
        if self.segments {
            let text = format!("{}{}", lossy(isa.id), lossy(isa.body));
            self.line(1, format_args!("{text}"));
        }
    }

    fn control_segment(&mut self, s: &Segment<'_>) {
        let text = format!("{}{}", lossy(s.id), lossy(s.body));
        self.line(1, format_args!("control segment {text}"));
    }

    fn group_start(&mut self, h: &GroupHeader, _: &Segment<'_>) {
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
    }

    fn transaction_start(&mut self, h: &TransactionHeader, st: &Segment<'_>) {
        self.counts[2] += 1;
        self.line(
            self.depth,
            format_args!("transaction set {} {}", esc(&h.id), esc(&h.control_number)),
        );
        self.depth += 1;
        self.segment_line(st);
    }

    fn segment(&mut self, s: &Segment<'_>) {
        self.segment_line(s);
    }

    fn transaction_end(&mut self, t: &TransactionSummary, se: Option<&Segment<'_>>) {
        if let Some(se) = se {
            self.segment_line(se);
        }
        self.line(self.depth, format_args!("{} segments", t.segment_count));
        self.depth -= 1;
    }

    fn group_end(&mut self, g: &GroupSummary, _: Option<&Segment<'_>>) {
        self.line(
            2,
            format_args!("{} transaction set(s)", g.transaction_count),
        );
        self.depth = 1;
    }

    fn interchange_end(&mut self, i: &InterchangeSummary, _: Option<&Segment<'_>>) {
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
    crate::x12::diagnostic::show(v.as_bytes())
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
