//! `edigate submit FILE --partner ID`: a file into the inbox as if it had arrived;
//! `edigate send KIND --input DOC.json --partner ID`: a document of ours into the outbox.
//! A running `edigate serve` (or `serve --drain`) processes them.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;

use super::Status;
use super::gateway::GatewayArgs;
use crate::engine::{Arrival, EngineError};
use crate::map::outbound::DocumentKind;

#[derive(clap::Args)]
pub struct SubmitArgs {
    /// The X12 file (`-` for standard input).
    file: PathBuf,
    /// The partner it comes from (its ISA ids decide; this is the channel it came in on).
    #[arg(long, value_name = "ID")]
    partner: Option<String>,
    #[command(flatten)]
    gateway: GatewayArgs,
}

pub fn submit(args: &SubmitArgs) -> anyhow::Result<Status> {
    let settings = args.gateway.settings()?;
    let engine = settings.engine()?;
    if let Some(id) = &args.partner
        && engine.partner(id).is_none()
    {
        anyhow::bail!(
            "there is no partner '{id}' in {}",
            settings.partners.display()
        );
    }
    let (name, mut input) = super::specs::open(&args.file)?;
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {name}"))?;
    let origin = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let accepted = engine.accept(&[Arrival {
        partner: args.partner.clone(),
        channel: "submit".into(),
        origin,
        bytes,
    }])?;
    for a in &accepted {
        match a.duplicate_of {
            Some(d) => println!(
                "message {}: {name} stored; the same content as message {d}, so it is recorded \
                 as a duplicate and not processed again",
                a.message_id
            ),
            None => println!(
                "message {}: {name} stored, queued for processing (`edigate serve` runs it; \
                 `edigate show {}` follows it)",
                a.message_id, a.message_id
            ),
        }
    }
    Ok(Status::Ok)
}

#[derive(clap::Args)]
pub struct SendArgs {
    /// invoice, asn, po or remittance.
    #[arg(value_parser = ["invoice", "asn", "po", "remittance"])]
    kind: String,
    /// The canonical document, JSON (as `edigate translate` writes it; shapes in
    /// samples/documents/).
    #[arg(long, value_name = "DOC.json")]
    input: PathBuf,
    /// The partner to send it to.
    #[arg(long, value_name = "ID")]
    partner: String,
    #[command(flatten)]
    gateway: GatewayArgs,
}

pub fn send(args: &SendArgs) -> anyhow::Result<Status> {
    let kind = match args.kind.as_str() {
        "invoice" => DocumentKind::Invoice,
        "asn" => DocumentKind::ShipNotice,
        "po" => DocumentKind::PurchaseOrder,
        _ => DocumentKind::Remittance,
    };
    let settings = args.gateway.settings()?;
    let engine = settings.engine()?;
    let (name, mut input) = super::specs::open(&args.input)?;
    let mut json = String::new();
    input
        .read_to_string(&mut json)
        .with_context(|| format!("cannot read {name}"))?;
    match engine.queue_document(&args.partner, kind, &json, "cli:send") {
        Ok(id) => {
            println!(
                "document {id}: {} from {name} queued for {} (`edigate serve` numbers, writes \
                 and delivers it; `edigate status --partner {}` tracks its 997)",
                kind.words(),
                args.partner,
                args.partner
            );
            Ok(Status::Ok)
        }
        Err(EngineError::Permanent(reason)) => {
            eprintln!("edigate send: {name}: {reason}; nothing was queued");
            Ok(Status::Rejected)
        }
        Err(e) => Err(e.into()),
    }
}
