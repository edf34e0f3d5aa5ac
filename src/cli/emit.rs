//! `edigate emit invoice --input INVOICE.json [--version 004010|005010] [--sender Q:ID
//! --receiver Q:ID] [--control N] [--date CCYYMMDD --time HHMM] [--test]`: a canonical
//! document (JSON, exactly as it serializes) as an X12 interchange on standard output, checked
//! against the built-in specs first: `emit invoice` (810), `emit asn` (856), `emit po` (850),
//! `emit remittance` (820).
//!
//! Exit 0 written; 1 the document was refused (every problem on standard error, each naming
//! its field); 2 bad arguments, unreadable or malformed input.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::{NaiveDate, NaiveTime};

use serde::de::DeserializeOwned;

use super::Status;
use crate::document::common::{PartyId as DocumentPartyId, Source};
use crate::document::invoice::Invoice;
use crate::document::order::PurchaseOrder;
use crate::document::remittance::Remittance;
use crate::document::ship_notice::ShipNotice;
use crate::map::codes;
use crate::map::emit::{EmitEnvelope, EmitError, Usage};
use crate::map::ts810_out::emit_invoice;
use crate::map::ts820_out::emit_remittance;
use crate::map::ts850_out::emit_purchase_order;
use crate::map::ts856_out::emit_ship_notice;
use crate::partner::Profile;
use crate::partner::compliance::{self, ComplianceFinding};
use crate::partner::rules::{Direction, RuleSeverity};
use crate::x12::PartyId;
use crate::x12::TransactionSetReader;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    document: Document,
}

#[derive(clap::Subcommand)]
enum Document {
    /// A canonical invoice (JSON) as an 810 in an IN group: totals worked out from the lines
    /// and checked against the invoice's own, terms with their discount and due dates.
    Invoice(DocumentArgs),
    /// A canonical ship notice (JSON) as an 856 in an SH group: the HL tree numbered and
    /// linked, CTT counted, every SSCC's check digit verified.
    Asn(DocumentArgs),
    /// A canonical purchase order (JSON) as an 850 in a PO group: the stated line count and
    /// hash total checked against the lines.
    Po(DocumentArgs),
    /// A canonical remittance (JSON) as an 820 in an RA group: the payment checked against
    /// its items and adjustments.
    Remittance(DocumentArgs),
}

#[derive(clap::Args)]
pub(super) struct DocumentArgs {
    /// The document, as JSON (`-` for standard input); samples in samples/documents/.
    #[arg(long, value_name = "DOCUMENT.json")]
    input: PathBuf,
    #[command(flatten)]
    envelope: EnvelopeArgs,
}

/// The envelope of what is emitted: from the partner's profile, from these flags (which win),
/// or from the document's source.
#[derive(clap::Args)]
pub(super) struct EnvelopeArgs {
    /// The partner to send to (`partners/ID.toml`): ISA ids and GS codes both ways, the
    /// version it trades the set in, its delimiters, test or production.
    #[arg(long, value_name = "ID")]
    partner: Option<String>,
    /// The folder of partner profiles.
    #[arg(long = "partners", value_name = "DIR", default_value = "partners")]
    partners: PathBuf,
    /// The X12 version of the group (ISA12 follows: 00401 or 00501); by default the
    /// document's source version when it is one of these, else 004010.
    #[arg(
        long = "version",
        visible_alias = "x12-version",
        value_parser = ["004010", "005010"]
    )]
    x12_version: Option<String>,
    /// ISA05:ISA06, e.g. ZZ:ACMESUPPLY (default: the document's source.interchange_sender).
    #[arg(long, value_name = "QUALIFIER:ID")]
    sender: Option<String>,
    /// ISA07:ISA08, e.g. 01:123456789 (default: the document's source.interchange_receiver).
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

impl EnvelopeArgs {
    /// The profile `--partner` names, read and checked.
    pub(super) fn profile(&self) -> anyhow::Result<Option<Profile>> {
        match &self.partner {
            Some(id) => Ok(Some(super::partners::profile(&self.partners, id)?)),
            None => Ok(None),
        }
    }
}

/// A canonical document `emit` can write: how it is named, where its default envelope
/// parties come from, and the mapping that writes it.
pub(super) trait Outbound: DeserializeOwned {
    /// In words, for messages: "invoice".
    const WHAT: &'static str;
    /// The transaction set it becomes: "810".
    const SET: &'static str;
    /// The document's own number, for messages.
    fn number(&self) -> &str;
    fn source(&self) -> &Source;
    /// Writes the interchange to `out` only when nothing is refused; on success, the notes
    /// to show (what was not carried, warnings) and a one-line summary.
    fn emit(&self, envelope: &EmitEnvelope, out: &mut dyn Write) -> Result<Outcome, EmitError>;
}

/// What an [`Outbound`] says after writing.
pub(super) struct Outcome {
    pub notes: Vec<String>,
    pub summary: String,
}

impl Outbound for Invoice {
    const WHAT: &'static str = "invoice";
    const SET: &'static str = "810";

    fn number(&self) -> &str {
        &self.number
    }

    fn source(&self) -> &Source {
        &self.source
    }

    fn emit(&self, envelope: &EmitEnvelope, out: &mut dyn Write) -> Result<Outcome, EmitError> {
        let summary = emit_invoice(self, envelope, out)?;
        let notes = notes(&summary.not_carried, &summary.emitted.warnings);
        let mut total = summary.amounts.total;
        total.rescale(2);
        Ok(Outcome {
            notes,
            summary: format!(
                "{} line(s), total {total}, {} segment(s), {} bytes",
                summary.amounts.lines.len(),
                summary.emitted.segments,
                summary.emitted.bytes
            ),
        })
    }
}

impl Outbound for PurchaseOrder {
    const WHAT: &'static str = "purchase order";
    const SET: &'static str = "850";

    fn number(&self) -> &str {
        &self.number
    }

    fn source(&self) -> &Source {
        &self.source
    }

    fn emit(&self, envelope: &EmitEnvelope, out: &mut dyn Write) -> Result<Outcome, EmitError> {
        let summary = emit_purchase_order(self, envelope, out)?;
        Ok(Outcome {
            notes: notes(&summary.not_carried, &summary.emitted.warnings),
            summary: format!(
                "{} line(s), hash total {}, {} segment(s), {} bytes",
                summary.line_count,
                summary.hash_total.normalize(),
                summary.emitted.segments,
                summary.emitted.bytes
            ),
        })
    }
}

impl Outbound for Remittance {
    const WHAT: &'static str = "remittance";
    const SET: &'static str = "820";

    fn number(&self) -> &str {
        self.payment
            .trace_number
            .as_deref()
            .unwrap_or("(no trace number)")
    }

    fn source(&self) -> &Source {
        &self.source
    }

    fn emit(&self, envelope: &EmitEnvelope, out: &mut dyn Write) -> Result<Outcome, EmitError> {
        let summary = emit_remittance(self, envelope, out)?;
        let mut amount = self.payment.amount;
        amount.rescale(2);
        Ok(Outcome {
            notes: notes(&summary.not_carried, &summary.emitted.warnings),
            summary: format!(
                "{} item(s), payment {amount}, {} segment(s), {} bytes",
                self.items.len(),
                summary.emitted.segments,
                summary.emitted.bytes
            ),
        })
    }
}

impl Outbound for ShipNotice {
    const WHAT: &'static str = "ship notice";
    const SET: &'static str = "856";

    fn number(&self) -> &str {
        &self.shipment_id
    }

    fn source(&self) -> &Source {
        &self.source
    }

    fn emit(&self, envelope: &EmitEnvelope, out: &mut dyn Write) -> Result<Outcome, EmitError> {
        let summary = emit_ship_notice(self, envelope, out)?;
        Ok(Outcome {
            notes: notes(&summary.not_carried, &summary.emitted.warnings),
            summary: format!(
                "{} order(s), {} level(s), {} shipped, {} segment(s), {} bytes",
                self.orders.len(),
                summary.levels,
                summary.quantity_shipped.normalize(),
                summary.emitted.segments,
                summary.emitted.bytes
            ),
        })
    }
}

/// The partner's outbound rules on the one set of an interchange just written.
fn outbound_compliance(profile: &Profile, x12: &[u8]) -> Vec<ComplianceFinding> {
    let mut reader = TransactionSetReader::new(x12);
    let mut findings = Vec::new();
    while let Ok(Some(set)) = reader.next_set() {
        findings.extend(compliance::evaluate(profile, &set, Direction::Outbound));
    }
    findings
}

/// What an outbound mapping did not carry, then the validator's warnings, as notes.
fn notes(not_carried: &[String], warnings: &[String]) -> Vec<String> {
    let mut notes: Vec<String> = not_carried
        .iter()
        .map(|note| format!("not carried: {note}"))
        .collect();
    notes.extend(warnings.iter().map(|w| format!("warning: {w}")));
    notes
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    match &args.document {
        Document::Invoice(args) => emit_file::<Invoice>(args),
        Document::Asn(args) => emit_file::<ShipNotice>(args),
        Document::Po(args) => emit_file::<PurchaseOrder>(args),
        Document::Remittance(args) => emit_file::<Remittance>(args),
    }
}

/// `emit KIND --input FILE`: the document read from its JSON, then [`emit_document`].
fn emit_file<D: Outbound>(args: &DocumentArgs) -> anyhow::Result<Status> {
    let (name, document) = read_document::<D>(&args.input)?;
    emit_document(&name, &document, &args.envelope)
}

/// Emits `document` under the envelope `args` describe (defaults from the document's
/// source) to standard output; refusals and notes to standard error, each prefixed with
/// `name`.
pub(super) fn emit_document<D: Outbound>(
    name: &str,
    document: &D,
    args: &EnvelopeArgs,
) -> anyhow::Result<Status> {
    let envelope = envelope(args, document.source(), D::SET)?;
    let profile = args.profile()?;
    let mut err = io::stderr().lock();
    // Held until the partner's rules have passed it: nothing reaches the output otherwise.
    let mut bytes = Vec::new();
    let result = document.emit(&envelope, &mut bytes);
    match result {
        Ok(outcome) => {
            if let Some(profile) = &profile {
                let findings = outbound_compliance(profile, &bytes);
                let refused = findings.iter().any(|f| f.severity == RuleSeverity::Reject);
                for f in &findings {
                    writeln!(err, "{name}: partner {}: {f}", profile.id)?;
                }
                if refused {
                    writeln!(
                        err,
                        "edigate emit: {} {} refused: it breaks partner {}'s rules; nothing was written",
                        D::WHAT,
                        document.number(),
                        profile.id
                    )?;
                    return Ok(Status::Rejected);
                }
            }
            io::stdout().lock().write_all(&bytes)?;
            for note in &outcome.notes {
                writeln!(err, "{name}: {note}")?;
            }
            writeln!(
                err,
                "edigate emit: {} {} → {} ({}), {}",
                D::WHAT,
                document.number(),
                D::SET,
                envelope.version,
                outcome.summary
            )?;
            Ok(Status::Ok)
        }
        Err(EmitError::Refused(problems)) => {
            for problem in &problems {
                writeln!(err, "{name}: {problem}")?;
            }
            writeln!(
                err,
                "edigate emit: {} {} refused: {} problem(s); nothing was written",
                D::WHAT,
                document.number(),
                problems.len()
            )?;
            Ok(Status::Rejected)
        }
        Err(e) => Err(e).context("the interchange cannot be written"),
    }
}

/// The envelope of a set `set`: flags first, then the partner's profile, then the document's
/// source.
fn envelope(args: &EnvelopeArgs, source: &Source, set: &str) -> anyhow::Result<EmitEnvelope> {
    let profile = args.profile()?;
    let test = args.test || profile.as_ref().is_some_and(|p| p.test);
    let sender = match (&args.sender, &profile) {
        (None, Some(p)) => p.us.isa_for(test).clone(),
        _ => party(
            "--sender",
            args.sender.as_deref(),
            source.interchange_sender.as_ref(),
        )?,
    };
    let receiver = match (&args.receiver, &profile) {
        (None, Some(p)) => p.partner.isa_for(test).clone(),
        _ => party(
            "--receiver",
            args.receiver.as_deref(),
            source.interchange_receiver.as_ref(),
        )?,
    };
    let from_profile = match &profile {
        Some(p) => match p.version_for(set) {
            Some(version) => Some(version),
            None if args.x12_version.is_none() => bail!(
                "partner {} trades no {set}: its profile's envelope.versions names {}; add \
                 the set there, or give --version",
                p.id,
                p.versions.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
            None => None,
        },
        None => None,
    };
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
    // A source version such as 004010VICS is the standard release with an industry
    // suffix: the release is what we write.
    let from_source = source
        .version
        .as_deref()
        .and_then(|v| ["005010", "004010"].into_iter().find(|r| v.starts_with(r)));
    let version = args
        .x12_version
        .as_deref()
        .or(from_profile)
        .or(from_source)
        .unwrap_or("004010");
    let mut envelope = EmitEnvelope::new(sender, receiver, version, args.control, date, time);
    if let Some(p) = &profile {
        envelope.group_sender.clone_from(&p.us.gs);
        envelope.group_receiver.clone_from(&p.partner.gs);
        envelope.delimiters = p.delimiters;
        envelope.line_suffix.clone_from(&p.line_suffix);
    }
    if let Some(code) = &args.group_sender {
        envelope.group_sender = code.clone();
    }
    if let Some(code) = &args.group_receiver {
        envelope.group_receiver = code.clone();
    }
    if test {
        envelope.usage = Usage::Test;
    }
    Ok(envelope)
}

/// The document from its JSON; a file that is not one is the caller's to fix (exit 2).
pub(super) fn read_document<D: Outbound>(path: &PathBuf) -> anyhow::Result<(String, D)> {
    let (name, mut input) = super::specs::open(path)?;
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {name}"))?;
    let document: D = serde_json::from_str(&text).with_context(|| {
        format!(
            "{name} is not a canonical {} (see samples/documents/ for the shape)",
            D::WHAT
        )
    })?;
    Ok((name, document))
}

/// An interchange party from `QUALIFIER:ID`, or from the document's source when not given.
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
                    "the document's source names the {} by an id scheme without an ISA qualifier; \
                     give {flag} QUALIFIER:ID",
                    &flag[2..]
                );
            };
            (qualifier.to_owned(), source.value.clone())
        }
        (None, None) => bail!(
            "no {}: give {flag} QUALIFIER:ID (e.g. ZZ:ACMESUPPLY), or name it in the document's \
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
