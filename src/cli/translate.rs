//! `edigate translate FILE [--format json]`: every transaction set checked against the
//! standard and turned into its canonical document, one JSON document per line, written as
//! the input streams.
//!
//! A line is `{"type":"purchase_order","id":"850","control_number":"0001","document":{...}}`
//! (`"type":"remittance"` for an 820, `"type":"invoice"` for an 810, `"type":"ship_notice"` for
//! an 856), where `document` is the canonical document exactly as it serializes (its `source`
//! holds the envelope numbers and every unmapped segment), plus `findings` when the mapping
//! had any, and `validation` when the standard has something to say about the set (whether
//! edigate could check it, its AK501 verdict, AK502 codes, and every finding as `validate
//! --json` gives it). A set the standard rejects makes the exit status 1, like a mapping
//! finding; one edigate has no spec for (an 003040 order) is translated all the same.
//! A set this version cannot map yet gives
//! `{"type":"not_mapped","id":"832","control_number":...,"source":{...},"reason":...}`.
//! Findings, rejections and envelope problems also go to standard error, with their places.
//!
//! Three threads share the work, so that a file is read once and two cores are used: the
//! input is teed to the validator (one streamed pass, memory of one set's findings) and to
//! the mapper (one set in memory at a time); a writer pairs each mapped set with its verdict
//! (both passes see the same sets in the same order) and writes the line. Queues between
//! them are bounded, so memory stays flat whatever the file.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use anyhow::{Context, anyhow, bail};
use serde::Serialize;
use serde_json::Value as JsonValue;

use super::Status;
use super::tee::{TeeReader, tee};
use super::xml::{Value as XmlValue, XmlOut};
use crate::document::common::Source;
use crate::document::invoice::Invoice;
use crate::document::order::PurchaseOrder;
use crate::document::remittance::Remittance;
use crate::document::ship_notice::ShipNotice;
use crate::map::translate::{self, MapFinding, Translated};
use crate::map::{ts810, ts820, ts850, ts856};
use crate::validate::{Policy, SetReport, Validator};
use crate::x12::{
    Diagnostic, Level, Outcome, SegmentStream, TransactionSetReader, TransactionSetRef,
};

/// Sets (or verdicts) handed from one thread to the next at a time: one hand-over per set
/// costs more in waking threads than mapping a small set does.
const BATCH: usize = 128;
/// Batches a thread may be ahead of the next.
const QUEUE: usize = 4;

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    /// One JSON document per transaction set, one per line.
    Json,
    /// One XML document, `<translation file="...">`, with a `<set type="..." id="..."
    /// control_number="...">` per transaction set holding what the JSON line holds.
    Xml,
}

#[derive(clap::Args)]
pub struct Args {
    /// The X12 file to read (`-` for standard input).
    file: PathBuf,
    /// The output format.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let format = args.format;
    let name = args.file.display().to_string();
    let input: Box<dyn Read + Send> = if name == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(&args.file).with_context(|| format!("cannot open {name}"))?)
    };
    let specs =
        crate::spec::standard().map_err(|e| anyhow!("the built-in specs are broken: {e}"))?;
    let policy = Policy::default();
    let ([for_mapping, for_checking], pump) = tee::<2>(input);

    thread::scope(|s| {
        // Named, so that a profile or a stuck process says which pass is which.
        thread::Builder::new()
            .name("read".into())
            .spawn_scoped(s, move || pump.run())?;
        let (verdict_tx, verdicts) = sync_channel::<Vec<SetReport>>(QUEUE);
        let checker = thread::Builder::new()
            .name("validate".into())
            .spawn_scoped(s, move || check(specs, for_checking, verdict_tx))?;
        let (message_tx, messages) = sync_channel::<Vec<Message>>(QUEUE);
        let name = &name;
        let writer = thread::Builder::new()
            .name("write".into())
            .spawn_scoped(s, move || write(name, format, messages, verdicts, &policy))?;
        let mapped = map_sets(for_mapping, &message_tx);
        drop(message_tx);
        let written = writer
            .join()
            .map_err(|_| anyhow!("the writer of {name} stopped unexpectedly"))?;
        let checked = checker.join();
        let outcome = mapped.with_context(|| format!("cannot read {name}"))?;
        let status = written?;
        match checked {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e).with_context(|| format!("cannot read {name}")),
            Err(_) => bail!("the validation of {name} stopped unexpectedly"),
        }
        if outcome.fatal && outcome.interchanges == 0 {
            bail!(
                "{name}: no usable interchange (no ISA header could be read); run `edigate parse {name}` for details"
            );
        }
        Ok(status)
    })
}

/// The validator's pass: each set's report, in order.
fn check(
    specs: &'static crate::spec::SpecSet,
    input: TeeReader,
    verdicts: SyncSender<Vec<SetReport>>,
) -> io::Result<()> {
    let batch = std::cell::RefCell::new(Vec::with_capacity(BATCH));
    let mut validator = Validator::with_set_sink(specs, |report| {
        let mut batch = batch.borrow_mut();
        batch.push(report);
        if batch.len() == BATCH {
            // A writer that stopped has its reason; nothing more to hand it.
            let _ = verdicts.send(std::mem::take(&mut *batch));
        }
    });
    SegmentStream::new(input).run(&mut validator)?;
    validator.finish();
    drop(validator);
    let rest = batch.into_inner();
    if !rest.is_empty() {
        let _ = verdicts.send(rest);
    }
    Ok(())
}

/// What the mapper hands the writer, in the order of the input.
enum Message {
    Set(Box<MappedSet>),
    /// Envelope problems found since the last set.
    Envelope(Vec<Diagnostic>),
}

struct MappedSet {
    id: String,
    control_number: String,
    /// "850 0001 (interchange 000000905, group 905)".
    place: String,
    document: Canonical,
}

/// A set's canonical document, or why there is none.
enum Canonical {
    PurchaseOrder(Translated<PurchaseOrder>),
    Remittance(Translated<Remittance>),
    Invoice(Translated<Invoice>),
    ShipNotice(Translated<ShipNotice>),
    NotMapped { source: Source, reason: String },
}

/// The mapper's pass: each set translated and handed on.
fn map_sets(input: TeeReader, out: &SyncSender<Vec<Message>>) -> io::Result<Outcome> {
    let mut reader = TransactionSetReader::new(input);
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(set) = reader.next_set()? {
        batch.push(Message::Set(Box::new(map_set(&set))));
        let diagnostics = reader.take_diagnostics();
        if !diagnostics.is_empty() {
            batch.push(Message::Envelope(diagnostics));
        }
        // A send fails only when the writer has stopped; it reports why.
        if batch.len() >= BATCH && out.send(std::mem::take(&mut batch)).is_err() {
            return Ok(reader.outcome());
        }
    }
    let diagnostics = reader.take_diagnostics();
    if !diagnostics.is_empty() {
        batch.push(Message::Envelope(diagnostics));
    }
    if !batch.is_empty() {
        let _ = out.send(batch);
    }
    Ok(reader.outcome())
}

fn map_set(set: &TransactionSetRef<'_>) -> MappedSet {
    let id = set.header.id.clone();
    let document = match id.as_str() {
        "850" => Canonical::PurchaseOrder(ts850::purchase_order(set)),
        "820" => Canonical::Remittance(ts820::remittance(set)),
        "810" => Canonical::Invoice(ts810::invoice(set)),
        "856" => Canonical::ShipNotice(ts856::ship_notice(set)),
        _ => Canonical::NotMapped {
            source: translate::source(set),
            reason: not_mapped_reason(&id),
        },
    };
    MappedSet {
        place: format!(
            "{id} {} (interchange {}, group {})",
            set.header.control_number, set.interchange.control_number, set.group.control_number
        ),
        control_number: set.header.control_number.clone(),
        id,
        document,
    }
}

/// Why a set has no canonical document.
fn not_mapped_reason(id: &str) -> String {
    let known = "edigate maps 850, 810, 856 and 820";
    match id {
        "997" => format!(
            "a 997 acknowledges other sets and has no canonical document ({known}); \
             `edigate parse` shows what it acknowledges"
        ),
        _ => format!("edigate has no canonical document for a {id} ({known})"),
    }
}

/// One output line. Fields in the order a reader wants them: what it is, which set, then the
/// content.
#[derive(Serialize)]
struct Line<'a, D> {
    r#type: &'static str,
    id: &'a str,
    control_number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<&'a D>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a Source>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    findings: &'a [MapFinding],
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    validation: Option<JsonValue>,
}

/// The writer: pairs each mapped set with its verdict and writes its line; returns the
/// run's status.
fn write(
    name: &str,
    format: Format,
    messages: Receiver<Vec<Message>>,
    verdicts: Receiver<Vec<SetReport>>,
    policy: &Policy,
) -> anyhow::Result<Status> {
    let stdout = BufWriter::new(io::stdout().lock());
    let mut out = match format {
        Format::Json => Output::Json(stdout),
        Format::Xml => Output::Xml(XmlOut::start(stdout, "translation", &[("file", name)])?),
    };
    let mut err = io::stderr().lock();
    let mut status = Status::Ok;
    let mut verdicts = verdicts.into_iter().flatten();
    for message in messages.into_iter().flatten() {
        let set = match message {
            Message::Envelope(diagnostics) => {
                for diagnostic in diagnostics {
                    if diagnostic.level == Level::Error {
                        status = Status::Rejected;
                    }
                    writeln!(err, "{name}: {diagnostic}")?;
                }
                continue;
            }
            Message::Set(set) => set,
        };
        let report = verdicts.next().ok_or_else(|| {
            anyhow!(
                "{name}: {}: the validator gave no verdict for this set",
                set.place
            )
        })?;
        if report.header.id != set.id || report.header.control_number != set.control_number {
            bail!(
                "{name}: {}: the validator's verdict is for {} {}; the two passes disagree",
                set.place,
                report.header.id,
                report.header.control_number
            );
        }
        let place = format!("{name}: {}", set.place);
        let ack = report.ack_code(policy);
        let validation = (ack != 'A' || !report.findings.is_empty() || !report.errors.is_empty())
            .then(|| validation_json(&report, ack));
        if !report.supported {
            // Translated with the nearest version's loops all the same; only the check is
            // missing, and a 997 would say so (AK502 1).
            writeln!(
                err,
                "{place}: not checked against the standard: edigate has no {} spec for this \
                 group's version",
                set.id
            )?;
        } else if ack == 'R' {
            status = Status::Rejected;
            let codes = report.error_codes().join(" ");
            writeln!(
                err,
                "{place}: rejected by the standard (AK501 R, AK502 {codes})"
            )?;
        }
        for error in &report.errors {
            writeln!(err, "{place}: {} (AK502 {})", error.message, error.code)?;
        }
        for finding in report.errors_for_ack() {
            writeln!(err, "{place}: {finding}")?;
        }
        let findings = match &set.document {
            Canonical::PurchaseOrder(t) => {
                write_mapped(&mut out, &set, "purchase_order", t, &validation)?
            }
            Canonical::Remittance(t) => write_mapped(&mut out, &set, "remittance", t, &validation)?,
            Canonical::Invoice(t) => write_mapped(&mut out, &set, "invoice", t, &validation)?,
            Canonical::ShipNotice(t) => {
                write_mapped(&mut out, &set, "ship_notice", t, &validation)?
            }
            Canonical::NotMapped { source, reason } => {
                let line: Line<'_, ()> = Line {
                    r#type: "not_mapped",
                    id: &set.id,
                    control_number: &set.control_number,
                    document: None,
                    source: Some(source),
                    findings: &[],
                    reason: Some(reason),
                    validation,
                };
                out.line(&line)?;
                status = Status::Rejected;
                writeln!(err, "{place}: not mapped: {reason}")?;
                continue;
            }
        };
        for finding in findings {
            status = Status::Rejected;
            writeln!(err, "{place}: {finding}")?;
        }
    }
    out.finish()?;
    Ok(status)
}

/// Writes the line of a mapped set; returns its findings.
fn write_mapped<'a, D: Serialize>(
    out: &mut Output<impl Write>,
    set: &MappedSet,
    kind: &'static str,
    translated: &'a Translated<D>,
    validation: &Option<JsonValue>,
) -> anyhow::Result<&'a [MapFinding]> {
    out.line(&Line {
        r#type: kind,
        id: &set.id,
        control_number: &set.control_number,
        document: Some(&translated.document),
        source: None,
        findings: &translated.findings,
        reason: None,
        validation: validation.clone(),
    })?;
    Ok(&translated.findings)
}

/// Where the lines go, in the format asked for.
enum Output<W: Write> {
    Json(W),
    Xml(XmlOut<W>),
}

impl<W: Write> Output<W> {
    fn line<D: Serialize>(&mut self, line: &Line<'_, D>) -> anyhow::Result<()> {
        match self {
            Output::Json(out) => {
                serde_json::to_writer(&mut *out, line)?;
                writeln!(out)?;
            }
            Output::Xml(xml) => {
                // What identifies the set goes into attributes; the rest, as the JSON line
                // has it, into elements.
                let XmlValue::Object(members) = XmlValue::of(line)? else {
                    bail!("a translated set did not serialize as an object");
                };
                let content = members
                    .into_iter()
                    .filter(|(key, _)| !matches!(key.as_str(), "type" | "id" | "control_number"))
                    .collect();
                xml.element(
                    "set",
                    &[
                        ("type", line.r#type),
                        ("id", line.id),
                        ("control_number", line.control_number),
                    ],
                    &XmlValue::Object(content),
                )?;
            }
        }
        Ok(())
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Output::Json(mut out) => out.flush(),
            Output::Xml(xml) => xml.finish()?.flush(),
        }
    }
}

/// What the standard says about a set, as `validate --json` says it.
fn validation_json(report: &SetReport, ack: char) -> JsonValue {
    serde_json::json!({
        "checked": report.supported,
        "ack_code": ack.to_string(),
        "error_codes": report.error_codes(),
        "errors": report.errors.iter().map(|e| serde_json::json!({
            "code": e.code, "message": e.message, "offset": e.offset
        })).collect::<Vec<_>>(),
        "findings": report.findings.iter().map(super::validate::finding_json).collect::<Vec<_>>(),
    })
}
