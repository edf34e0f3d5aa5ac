//! `edigate translate FILE [--format json]`: every transaction set as its canonical document,
//! one JSON document per line, written as the input streams (one set in memory at a time).
//!
//! A line is `{"type":"purchase_order","id":"850","control_number":"0001","document":{...}}`
//! (`"type":"remittance"` for an 820, `"type":"invoice"` for an 810, `"type":"ship_notice"` for
//! an 856), where `document` is the canonical document exactly as
//! it serializes (its `source` holds the envelope numbers and every unmapped segment), plus
//! `findings` when the mapping had any.
//! A set this version cannot map yet gives
//! `{"type":"not_mapped","id":"832","control_number":...,"source":{...},"reason":...}`.
//! Findings and envelope problems also go to standard error, with their places.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use serde::Serialize;

use super::Status;
use crate::document::common::Source;
use crate::map::translate::{self, MapFinding, Translated};
use crate::map::{ts810, ts820, ts850, ts856};
use crate::x12::{Level, TransactionSetReader, TransactionSetRef};

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    /// One JSON document per transaction set, one per line.
    Json,
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
    // JSON is the only format so far; a new one makes this line fail to compile.
    let Format::Json = args.format;
    let (name, input) = super::specs::open(&args.file)?;
    let mut reader = TransactionSetReader::new(input);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut err = io::stderr().lock();
    let mut status = Status::Ok;
    loop {
        let (findings, not_mapped, place) = {
            let Some(set) = reader
                .next_set()
                .with_context(|| format!("cannot read {name}"))?
            else {
                break;
            };
            let (findings, not_mapped) = translate_set(&set, &mut out)?;
            let place = format!(
                "{name}: {} {} (interchange {}, group {})",
                set.header.id,
                set.header.control_number,
                set.interchange.control_number,
                set.group.control_number
            );
            (findings, not_mapped, place)
        };
        if let Some(reason) = not_mapped {
            status = Status::Rejected;
            writeln!(err, "{place}: not mapped: {reason}")?;
        }
        for finding in &findings {
            status = Status::Rejected;
            writeln!(err, "{place}: {finding}")?;
        }
        status = report_envelope(&mut reader, &name, &mut err, status)?;
    }
    status = report_envelope(&mut reader, &name, &mut err, status)?;
    out.flush()?;
    let outcome = reader.outcome();
    if outcome.fatal && outcome.interchanges == 0 {
        bail!(
            "{name}: no usable interchange (no ISA header could be read); run `edigate parse {name}` for details"
        );
    }
    Ok(status)
}

/// One output line. Fields in the order a reader wants them: what it is, which set, then the
/// content.
#[derive(Serialize)]
struct Line<'a, D> {
    r#type: &'static str,
    id: &'a str,
    control_number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<D>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    findings: &'a [MapFinding],
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// Writes the line for one transaction set; returns the mapping's findings and, for a set
/// that cannot be mapped yet, why.
fn translate_set(
    set: &TransactionSetRef<'_>,
    out: &mut impl Write,
) -> anyhow::Result<(Vec<MapFinding>, Option<String>)> {
    let id = set.header.id.as_str();
    let control_number = set.header.control_number.as_str();
    match id {
        "850" => write_document(out, "purchase_order", set, ts850::purchase_order(set)),
        "820" => write_document(out, "remittance", set, ts820::remittance(set)),
        "810" => write_document(out, "invoice", set, ts810::invoice(set)),
        "856" => write_document(out, "ship_notice", set, ts856::ship_notice(set)),
        _ => {
            let reason = format!("{id} → canonical is not built yet (issue 4)");
            let line: Line<'_, ()> = Line {
                r#type: "not_mapped",
                id,
                control_number,
                document: None,
                source: Some(translate::source(set)),
                findings: &[],
                reason: Some(reason.clone()),
            };
            serde_json::to_writer(&mut *out, &line)?;
            writeln!(out)?;
            Ok((Vec::new(), Some(reason)))
        }
    }
}

/// Writes the line of a mapped set; returns its findings.
fn write_document<D: Serialize>(
    out: &mut impl Write,
    kind: &'static str,
    set: &TransactionSetRef<'_>,
    translated: Translated<D>,
) -> anyhow::Result<(Vec<MapFinding>, Option<String>)> {
    let line = Line {
        r#type: kind,
        id: &set.header.id,
        control_number: &set.header.control_number,
        document: Some(&translated.document),
        source: None,
        findings: &translated.findings,
        reason: None,
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)?;
    Ok((translated.findings, None))
}

/// Writes the envelope problems found so far; an error makes the run's status a rejection,
/// since the sets around it may be cut short or misnumbered.
fn report_envelope<R: io::Read>(
    reader: &mut TransactionSetReader<R>,
    name: &str,
    err: &mut impl Write,
    mut status: Status,
) -> anyhow::Result<Status> {
    for diagnostic in reader.take_diagnostics() {
        if diagnostic.level == Level::Error {
            status = Status::Rejected;
        }
        writeln!(err, "{name}: {diagnostic}")?;
    }
    Ok(status)
}
