//! What `validate` and `ack` share for partner compliance: which partners to check against
//! (`--partner`, or the profiles found by the ISA ids), and one pass over a file that hands
//! over each interchange's standard report together with each of its sets' compliance.
//!
//! With partners, the input is teed to the standard's pass and a compliance pass on two
//! threads (a file is read once; standard input works too); their results are paired set
//! by set. Without, it is the standard's pass alone, as before.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::mpsc::channel;
use std::thread;

use anyhow::{Context, anyhow, bail};

use super::tee::tee;
use crate::partner::compliance::{self, ComplianceFinding, DeadlineStatement};
use crate::partner::rules::Direction;
use crate::partner::{Directory, Profile};
use crate::spec::SpecSet;
use crate::validate::{InterchangeReport, Validator};
use crate::x12::{PartyId, SegmentStream, TransactionSetReader};

#[derive(clap::Args)]
pub struct PartnerArgs {
    /// Also check every set against this partner's compliance rules (`partners/ID.toml`).
    /// Without it, the partner of each interchange is found by its ISA ids among the
    /// profiles, when there are any.
    #[arg(long, value_name = "ID")]
    partner: Option<String>,
    /// The folder of partner profiles.
    #[arg(long = "partners", value_name = "DIR", default_value = "partners")]
    partners: PathBuf,
    /// Check against the standard only, even where partner profiles are found.
    #[arg(long, conflicts_with = "partner")]
    no_partners: bool,
}

/// The partners to check against: the one `--partner` names, or every sound profile of the
/// folder; `None` when there are none.
pub fn partners(args: &PartnerArgs) -> anyhow::Result<Option<Partners>> {
    if let Some(id) = &args.partner {
        let profile = super::partners::profile(&args.partners, id)?;
        return Ok(Some(Partners::One(Box::new(profile))));
    }
    if args.no_partners || !args.partners.is_dir() {
        return Ok(None);
    }
    let (directory, errors) = super::partners::load(&args.partners)?;
    if !errors.is_empty() {
        eprintln!(
            "edigate: the partner profiles in {} are not used: {} problem(s); run `edigate partners check`",
            args.partners.display(),
            errors.len()
        );
        return Ok(None);
    }
    Ok((!directory.profiles.is_empty()).then_some(Partners::Directory(directory)))
}

pub enum Partners {
    One(Box<Profile>),
    Directory(Directory),
}

impl Partners {
    /// The partner an interchange from `sender` to `receiver` is traded with, and which way:
    /// from the partner is inbound, from us outbound.
    fn of(&self, sender: &PartyId, receiver: &PartyId) -> Option<(&Profile, Direction)> {
        let which = |p: &Profile| {
            if p.us.is(sender) && !p.partner.is(sender) {
                Direction::Outbound
            } else {
                Direction::Inbound
            }
        };
        match self {
            Partners::One(p) => Some((p, which(p))),
            Partners::Directory(d) => d
                .sender_of(sender, receiver)
                .map(|p| (p, Direction::Inbound))
                .or_else(|| {
                    d.sender_of(receiver, sender)
                        .map(|p| (p, Direction::Outbound))
                }),
        }
    }
}

/// One set's compliance: with whom, which way, what it breaks.
pub struct SetCompliance {
    pub id: String,
    pub control_number: String,
    /// ISA13 and GS06 of its envelopes.
    pub interchange: String,
    pub group: String,
    /// None when no profile names the set's sender and receiver.
    pub partner: Option<(String, Direction)>,
    pub findings: Vec<ComplianceFinding>,
    /// The deadlines the partner's profile sets for this set, to be tracked.
    pub deadlines: Vec<DeadlineStatement>,
}

/// Validates `file`, handing `each` every interchange's report with its sets' compliance in
/// the order of its groups and sets (empty entries without partners).
pub fn validate_each(
    specs: &SpecSet,
    file: &PathBuf,
    partners: Option<&Partners>,
    mut each: impl FnMut(InterchangeReport, Vec<SetCompliance>),
) -> anyhow::Result<String> {
    let Some(partners) = partners else {
        return super::specs::validate_each(specs, file, |report| each(report, Vec::new()));
    };
    let name = file.display().to_string();
    let input: Box<dyn Read + Send> = if name == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(file).with_context(|| format!("cannot open {name}"))?)
    };
    let ([for_standard, for_partners], pump) = tee::<2>(input);
    // Unbounded: the standard's pass hands over whole interchanges, so the compliance pass
    // must be able to run a whole interchange ahead without waiting.
    let (tx, rx) = channel::<SetCompliance>();
    thread::scope(|s| {
        thread::Builder::new()
            .name("read".into())
            .spawn_scoped(s, move || pump.run())?;
        let checker = thread::Builder::new().name("comply".into()).spawn_scoped(
            s,
            move || -> io::Result<()> {
                let mut reader = TransactionSetReader::new(for_partners);
                while let Some(set) = reader.next_set()? {
                    let found = partners.of(&set.interchange.sender, &set.interchange.receiver);
                    let findings = found
                        .map(|(profile, direction)| compliance::evaluate(profile, &set, direction))
                        .unwrap_or_default();
                    let deadlines = found
                        .map(|(profile, direction)| compliance::deadlines(profile, &set, direction))
                        .unwrap_or_default();
                    let entry = SetCompliance {
                        id: set.header.id.clone(),
                        control_number: set.header.control_number.clone(),
                        interchange: set.interchange.control_number.clone(),
                        group: set.group.control_number.clone(),
                        partner: found.map(|(p, d)| (p.id.clone(), d)),
                        findings,
                        deadlines,
                    };
                    if tx.send(entry).is_err() {
                        break;
                    }
                }
                Ok(())
            },
        )?;
        let mut paired: anyhow::Result<()> = Ok(());
        let mut validator = Validator::with_sink(specs, |report: InterchangeReport| {
            if paired.is_err() {
                return;
            }
            let mut sets = Vec::new();
            for set in report.groups.iter().flat_map(|g| g.sets.iter()) {
                let Ok(entry) = rx.recv() else {
                    paired = Err(anyhow!(
                        "{name}: no compliance result for {} {}",
                        set.header.id,
                        set.header.control_number
                    ));
                    return;
                };
                if entry.id != set.header.id || entry.control_number != set.header.control_number {
                    paired = Err(anyhow!(
                        "{name}: the two passes disagree: {} {} against {} {}",
                        set.header.id,
                        set.header.control_number,
                        entry.id,
                        entry.control_number
                    ));
                    return;
                }
                sets.push(entry);
            }
            each(report, sets);
        });
        let outcome = SegmentStream::new(for_standard)
            .run(&mut validator)
            .with_context(|| format!("cannot read {name}"));
        validator.finish();
        drop(validator);
        drop(rx);
        match checker.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e).with_context(|| format!("cannot read {name}")),
            Err(_) => bail!("the compliance pass over {name} stopped unexpectedly"),
        }
        paired?;
        let outcome = outcome?;
        if outcome.fatal && outcome.interchanges == 0 {
            bail!(
                "{name}: no usable interchange (no ISA header could be read); run `edigate parse {name}` for details"
            );
        }
        Ok(name)
    })
}
