//! `edigate emit invoice --input INVOICE.json [--version 004010|005010] [--sender Q:ID
//! --receiver Q:ID] [--control N] [--date CCYYMMDD --time HHMM] [--test]`: a canonical
//! document (JSON, exactly as it serializes) as an X12 interchange on standard output, checked
//! against the built-in specs first. `emit asn`, `emit po` and `emit remittance` are named so
//! that asking for them says they are not built yet.
//!
//! Exit 0 written; 1 the document was refused (every problem on standard error, each naming
//! its field); 2 bad arguments, unreadable or malformed input.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::{NaiveDate, NaiveTime};

use super::Status;
use crate::document::common::PartyId as DocumentPartyId;
use crate::document::invoice::Invoice;
use crate::map::codes;
use crate::map::emit::{EmitEnvelope, EmitError, Usage};
use crate::map::ts810_out::emit_invoice;
use crate::x12::PartyId;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    document: Document,
}

#[derive(clap::Subcommand)]
enum Document {
    /// A canonical invoice (JSON) as an 810 in an IN group: totals worked out from the lines
    /// and checked against the invoice's own, terms with their discount and due dates.
    Invoice(InvoiceArgs),
    /// A ship notice as an 856: not built yet (issue 4).
    Asn(NotBuilt),
    /// A purchase order as an 850: not built yet (issue 4).
    Po(NotBuilt),
    /// A remittance as an 820: not built yet (issue 4).
    Remittance(NotBuilt),
}

/// Whatever is given, so that the answer is "not built yet", not an argument error.
#[derive(clap::Args)]
struct NotBuilt {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

#[derive(clap::Args)]
struct InvoiceArgs {
    /// The invoice, as JSON (`-` for standard input); samples in samples/documents/.
    #[arg(long, value_name = "INVOICE.json")]
    input: PathBuf,
    /// The X12 version of the group (ISA12 follows: 00401 or 00501).
    #[arg(
        long = "version",
        visible_alias = "x12-version",
        value_parser = ["004010", "005010"],
        default_value = "004010"
    )]
    x12_version: String,
    /// ISA05:ISA06, e.g. ZZ:ACMESUPPLY (default: the invoice's source.interchange_sender).
    #[arg(long, value_name = "QUALIFIER:ID")]
    sender: Option<String>,
    /// ISA07:ISA08, e.g. 01:123456789 (default: the invoice's source.interchange_receiver).
    #[arg(long, value_name = "QUALIFIER:ID")]
    receiver: Option<String>,
    /// GS02 (default: the sender's id).
    #[arg(long, value_name = "CODE")]
    group_sender: Option<String>,
    /// GS03 (default: the receiver's id).
    #[arg(long, value_name = "CODE")]
    group_receiver: Option<String>,
    /// ISA13 and GS06; ST02 is 0001.
    #[arg(long, default_value_t = 1)]
    control: u64,
    /// The interchange's date, CCYYMMDD (default: today, UTC).
    #[arg(long)]
    date: Option<String>,
    /// The interchange's time, HHMM (default: now, UTC).
    #[arg(long)]
    time: Option<String>,
    /// Mark the interchange as a test (ISA15 T) rather than production (P).
    #[arg(long)]
    test: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    match &args.document {
        Document::Invoice(args) => invoice(args),
        Document::Asn(_) => not_built("asn", "856 ship notice"),
        Document::Po(_) => not_built("po", "850 purchase order"),
        Document::Remittance(_) => not_built("remittance", "820 remittance advice"),
    }
}

fn not_built(what: &str, set: &str) -> anyhow::Result<Status> {
    bail!("emit {what}: canonical → {set} is not built yet (issue 4); `emit invoice` is")
}

fn invoice(args: &InvoiceArgs) -> anyhow::Result<Status> {
    let (name, invoice) = read_invoice(&args.input)?;
    let sender = party(
        "--sender",
        args.sender.as_deref(),
        invoice.source.interchange_sender.as_ref(),
    )?;
    let receiver = party(
        "--receiver",
        args.receiver.as_deref(),
        invoice.source.interchange_receiver.as_ref(),
    )?;
    let now = chrono::Utc::now();
    let date = match &args.date {
        Some(text) => NaiveDate::parse_from_str(text, "%Y%m%d")
            .ok()
            .filter(|_| text.len() == 8)
            .with_context(|| {
                format!("--date {text}: expected a date as CCYYMMDD, e.g. 20261126")
            })?,
        None => now.date_naive(),
    };
    let time = match &args.time {
        Some(text) => NaiveTime::parse_from_str(text, "%H%M")
            .ok()
            .filter(|_| text.len() == 4)
            .with_context(|| format!("--time {text}: expected a time as HHMM, e.g. 0930"))?,
        None => now.time(),
    };
    let mut envelope = EmitEnvelope::new(
        sender,
        receiver,
        &args.x12_version,
        args.control,
        date,
        time,
    );
    if let Some(code) = &args.group_sender {
        envelope.group_sender = code.clone();
    }
    if let Some(code) = &args.group_receiver {
        envelope.group_receiver = code.clone();
    }
    if args.test {
        envelope.usage = Usage::Test;
    }

    let mut err = io::stderr().lock();
    let result = emit_invoice(&invoice, &envelope, io::stdout().lock());
    match result {
        Ok(summary) => {
            for note in &summary.not_carried {
                writeln!(err, "{name}: not carried: {note}")?;
            }
            for warning in &summary.emitted.warnings {
                writeln!(err, "{name}: warning: {warning}")?;
            }
            let mut total = summary.amounts.total;
            total.rescale(2);
            writeln!(
                err,
                "edigate emit: invoice {} → 810 ({}), {} line(s), total {total}, {} segment(s), {} bytes",
                invoice.number,
                args.x12_version,
                summary.amounts.lines.len(),
                summary.emitted.segments,
                summary.emitted.bytes
            )?;
            Ok(Status::Ok)
        }
        Err(EmitError::Refused(problems)) => {
            for problem in &problems {
                writeln!(err, "{name}: {problem}")?;
            }
            writeln!(
                err,
                "edigate emit: invoice {} refused: {} problem(s); nothing was written",
                invoice.number,
                problems.len()
            )?;
            Ok(Status::Rejected)
        }
        Err(e) => Err(e).context("the interchange cannot be written"),
    }
}

/// The invoice from its JSON; a file that is not one is the caller's to fix (exit 2).
fn read_invoice(path: &PathBuf) -> anyhow::Result<(String, Invoice)> {
    let (name, mut input) = super::specs::open(path)?;
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {name}"))?;
    let invoice: Invoice = serde_json::from_str(&text).with_context(|| {
        format!("{name} is not a canonical invoice (see samples/documents/ for the shape)")
    })?;
    Ok((name, invoice))
}

/// An interchange party from `QUALIFIER:ID`, or from the invoice's source when not given.
fn party(
    flag: &str,
    given: Option<&str>,
    source: Option<&DocumentPartyId>,
) -> anyhow::Result<PartyId> {
    let (qualifier, id) = match (given, source) {
        (Some(text), _) => {
            let Some((qualifier, id)) = text.split_once(':') else {
                bail!("{flag} {text}: expected QUALIFIER:ID, e.g. ZZ:ACMESUPPLY");
            };
            (qualifier.to_owned(), id.to_owned())
        }
        (None, Some(source)) => {
            let Some(qualifier) = codes::INTERCHANGE_ID_SCHEME.code(&source.scheme) else {
                bail!(
                    "the invoice's source names the {} by an id scheme without an ISA qualifier; \
                     give {flag} QUALIFIER:ID",
                    &flag[2..]
                );
            };
            (qualifier.to_owned(), source.value.clone())
        }
        (None, None) => bail!(
            "no {}: give {flag} QUALIFIER:ID (e.g. ZZ:ACMESUPPLY), or name it in the invoice's \
             source",
            &flag[2..]
        ),
    };
    if qualifier.len() != 2 || id.is_empty() || id.len() > 15 {
        bail!(
            "{flag} {qualifier}:{id}: the qualifier is two characters (ZZ, 01, 12...) and the id \
             one to fifteen"
        );
    }
    Ok(PartyId { qualifier, id })
}
