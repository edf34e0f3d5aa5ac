//! `edigate match --order PO.edi [--asn ASN.edi]... [--invoice INV.edi]... [--partner ID]`:
//! the documents of one order held to each other by the partner's consistency rules (the
//! notices against the order, the invoices against the order and the notices: the three-way
//! match), together with the partner's other rules for each document.
//!
//! Exit 0 no `reject` finding; 1 some; 2 unreadable input, no partner.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::Status;
use crate::document::ship_notice::ShipNotice;
use crate::map::ts856;
use crate::partner::compliance::{self, Related};
use crate::partner::rules::{Direction, RuleSeverity};
use crate::partner::{Directory, Profile};
use crate::x12::TransactionSetReader;

#[derive(clap::Args)]
pub struct Args {
    /// The order, as received (an X12 file holding the 850).
    #[arg(long, value_name = "PO.edi")]
    order: PathBuf,
    /// The order's number, when the file holds more than one 850.
    #[arg(long, value_name = "NUMBER")]
    po: Option<String>,
    /// Ship notices (X12 files of 856s) for the order; repeatable.
    #[arg(long = "asn", value_name = "ASN.edi")]
    asns: Vec<PathBuf>,
    /// Invoices (X12 files of 810s) for the order; repeatable.
    #[arg(long = "invoice", value_name = "INV.edi")]
    invoices: Vec<PathBuf>,
    /// The partner whose rules apply (default: the one the order comes from, by its ISA ids).
    #[arg(long, value_name = "ID")]
    partner: Option<String>,
    /// The folder of partner profiles.
    #[arg(long = "partners", value_name = "DIR", default_value = "partners")]
    partners: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let Some(order) = super::derive::read_order(&args.order, args.po.as_deref())? else {
        return Ok(Status::Rejected);
    };
    let profile = match &args.partner {
        Some(id) => super::partners::profile(&args.partners, id)?,
        None => {
            let directory = super::partners::load_sound(&args.partners)?;
            found_by_order(&directory, &order)?
        }
    };
    let mut notices: Vec<ShipNotice> = Vec::new();
    let mut notices_sent = Vec::new();
    for path in &args.asns {
        read_sets(path, |set| {
            if set.header.id == "856" {
                notices.push(ts856::ship_notice(set).document);
                notices_sent.extend(compliance::sent_at(set));
            }
        })?;
    }
    if notices_sent.len() != notices.len() {
        // A notice whose send time cannot be read would make the order of events a guess.
        notices_sent.clear();
    }
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "order {} from {} ({}): {} ship notice(s), {} invoice file(s)",
        order.number,
        profile.id,
        profile.name,
        notices.len(),
        args.invoices.len()
    )?;
    let mut rejected = false;
    let asn_context = Related {
        order: Some(&order),
        ..Related::default()
    };
    let invoice_context = Related {
        order: Some(&order),
        notices: &notices,
        notices_sent: &notices_sent,
    };
    for (path, wanted, related) in args
        .asns
        .iter()
        .map(|p| (p, "856", &asn_context))
        .chain(args.invoices.iter().map(|p| (p, "810", &invoice_context)))
    {
        let mut lines = Vec::new();
        read_sets(path, |set| {
            if set.header.id != wanted {
                return;
            }
            let direction = if profile.us.is(&set.interchange.sender) {
                Direction::Outbound
            } else {
                Direction::Inbound
            };
            let findings = compliance::evaluate_with(&profile, set, direction, related);
            rejected |= findings.iter().any(|f| f.severity == RuleSeverity::Reject);
            lines.push(format!(
                "{} {} {}: {}",
                path.display(),
                set.header.id,
                set.header.control_number,
                if findings.is_empty() {
                    "agrees, every partner rule met".to_owned()
                } else {
                    format!("{} finding(s)", findings.len())
                }
            ));
            lines.extend(findings.iter().map(|f| format!("  {f}")));
        })?;
        if lines.is_empty() {
            lines.push(format!("{}: holds no {wanted}", path.display()));
        }
        for line in lines {
            writeln!(out, "{line}")?;
        }
    }
    Ok(if rejected {
        Status::Rejected
    } else {
        Status::Ok
    })
}

/// The partner the order came from.
fn found_by_order(
    directory: &Directory,
    order: &crate::document::order::PurchaseOrder,
) -> anyhow::Result<Profile> {
    let id = |p: &Option<crate::document::common::PartyId>| {
        p.as_ref().and_then(|p| {
            let qualifier = crate::map::codes::INTERCHANGE_ID_SCHEME.code(&p.scheme)?;
            Some(crate::x12::PartyId {
                qualifier: qualifier.to_owned(),
                id: p.value.clone(),
            })
        })
    };
    let (Some(sender), Some(receiver)) = (
        id(&order.source.interchange_sender),
        id(&order.source.interchange_receiver),
    ) else {
        bail!("the order's interchange ids cannot be read: give --partner ID");
    };
    match directory.sender_of(&sender, &receiver) {
        Some(p) => Ok(p.clone()),
        None => bail!(
            "no partner profile names {}:{} → {}:{}, the order's sender and receiver: give --partner ID",
            sender.qualifier,
            sender.id,
            receiver.qualifier,
            receiver.id
        ),
    }
}

/// Every transaction set of an X12 file, handed to `each`.
fn read_sets(
    path: &Path,
    mut each: impl FnMut(&crate::x12::TransactionSetRef<'_>),
) -> anyhow::Result<()> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {name}"))?;
    let mut reader = TransactionSetReader::new(file);
    while let Some(set) = reader
        .next_set()
        .with_context(|| format!("cannot read {name}"))?
    {
        each(&set);
    }
    Ok(())
}
