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

use anyhow::{Context, anyhow, bail};
use chrono::{NaiveDate, NaiveTime};

use super::Status;
use crate::document::common::{PartyId as DocumentPartyId, Source};
use crate::map::codes;
use crate::map::emit::{EmitEnvelope, EmitError, Usage};
use crate::map::outbound::{DocumentKind, OutboundDocument};
use crate::partner::outbound::ControlNumbers;
use crate::partner::rules::RuleSeverity;
use crate::partner::{self, Profile};
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

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let (kind, args) = match &args.document {
        Document::Invoice(args) => (DocumentKind::Invoice, args),
        Document::Asn(args) => (DocumentKind::ShipNotice, args),
        Document::Po(args) => (DocumentKind::PurchaseOrder, args),
        Document::Remittance(args) => (DocumentKind::Remittance, args),
    };
    let (name, document) = read_document(kind, &args.input)?;
    emit_document(&name, &document, &args.envelope)
}

/// Emits `document` under the envelope `args` describe (defaults from the document's
/// source) to standard output; refusals and notes to standard error, each prefixed with
/// `name`.
pub(super) fn emit_document(
    name: &str,
    document: &OutboundDocument,
    args: &EnvelopeArgs,
) -> anyhow::Result<Status> {
    let profile = args.profile()?;
    let kind = document.kind();
    let envelope = envelope(args, profile.as_ref(), document.source(), kind.set_id())?;
    let mut err = io::stderr().lock();
    // Held until the partner's rules have passed it: nothing reaches the output otherwise.
    let mut bytes = Vec::new();
    let result = document.emit(&envelope, &mut bytes);
    match result {
        Ok(outcome) => {
            if let Some(profile) = &profile {
                let findings = partner::outbound::compliance(profile, &bytes);
                let refused = findings.iter().any(|f| f.severity == RuleSeverity::Reject);
                for f in &findings {
                    writeln!(err, "{name}: partner {}: {f}", profile.id)?;
                }
                if refused {
                    writeln!(
                        err,
                        "edigate emit: {} {} refused: it breaks partner {}'s rules; nothing was written",
                        kind.words(),
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
                kind.words(),
                document.number(),
                kind.set_id(),
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
                kind.words(),
                document.number(),
                problems.len()
            )?;
            Ok(Status::Rejected)
        }
        Err(e) => Err(e).context("the interchange cannot be written"),
    }
}

/// The envelope of a set `set`: flags first, then the partner's profile
/// (`partner::outbound::envelope`), then the document's source.
fn envelope(
    args: &EnvelopeArgs,
    profile: Option<&Profile>,
    source: &Source,
    set: &str,
) -> anyhow::Result<EmitEnvelope> {
    let now = chrono::Utc::now().naive_utc();
    let mut envelope = match profile {
        Some(profile) => {
            // Flags given are read first, as without a profile.
            let sender = flag_party("--sender", args.sender.as_deref())?;
            let receiver = flag_party("--receiver", args.receiver.as_deref())?;
            // --test and --version win over the profile: its test ids and usage, and a
            // version for a set it does not name.
            let mut flagged = profile.clone();
            flagged.test |= args.test;
            if let Some(version) = &args.x12_version {
                flagged.versions.insert(set.to_owned(), version.clone());
            }
            let numbers = ControlNumbers {
                interchange: args.control,
                group: args.control,
                transaction_set: 1,
            };
            let mut envelope = partner::outbound::envelope(&flagged, set, numbers, now)
                .map_err(|e| anyhow!("{e}, or give --version"))?;
            if let Some(sender) = sender {
                envelope.sender = sender;
            }
            if let Some(receiver) = receiver {
                envelope.receiver = receiver;
            }
            envelope
        }
        None => {
            let sender = party(
                "--sender",
                args.sender.as_deref(),
                source.interchange_sender.as_ref(),
            )?;
            let receiver = party(
                "--receiver",
                args.receiver.as_deref(),
                source.interchange_receiver.as_ref(),
            )?;
            // A source version such as 004010VICS is the standard release with an industry
            // suffix: the release is what we write.
            let from_source = source
                .version
                .as_deref()
                .and_then(|v| ["005010", "004010"].into_iter().find(|r| v.starts_with(r)));
            let version = args
                .x12_version
                .as_deref()
                .or(from_source)
                .unwrap_or("004010");
            EmitEnvelope::new(
                sender,
                receiver,
                version,
                args.control,
                now.date(),
                now.time(),
            )
        }
    };
    if let Some(text) = &args.date {
        envelope.date = NaiveDate::parse_from_str(text, "%Y%m%d")
            .ok()
            .filter(|_| text.len() == 8)
            .with_context(|| {
                format!("--date {text}: expected a date as CCYYMMDD, e.g. 20261126")
            })?;
    }
    if let Some(text) = &args.time {
        envelope.time = NaiveTime::parse_from_str(text, "%H%M")
            .ok()
            .filter(|_| text.len() == 4)
            .with_context(|| format!("--time {text}: expected a time as HHMM, e.g. 0930"))?;
    }
    if let Some(code) = &args.group_sender {
        envelope.group_sender = code.clone();
    }
    if let Some(code) = &args.group_receiver {
        envelope.group_receiver = code.clone();
    }
    if args.test {
        envelope.usage = Usage::Test;
    }
    Ok(envelope)
}

/// The document of `kind` from its JSON; a file that is not one is the caller's to fix
/// (exit 2).
fn read_document(kind: DocumentKind, path: &PathBuf) -> anyhow::Result<(String, OutboundDocument)> {
    let (name, mut input) = super::specs::open(path)?;
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {name}"))?;
    let document = OutboundDocument::from_json(kind, &text).with_context(|| {
        format!(
            "{name} is not a canonical {} (see samples/documents/ for the shape)",
            kind.words()
        )
    })?;
    Ok((name, document))
}

/// An interchange party given as a flag (`QUALIFIER:ID`), if it is.
fn flag_party(flag: &str, given: Option<&str>) -> anyhow::Result<Option<PartyId>> {
    given.map(|text| party(flag, Some(text), None)).transpose()
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
