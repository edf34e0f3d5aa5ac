//! `edigate invoice --order PO.edi --shipment SHIP.json` and `edigate asn --order PO.edi
//! --shipment SHIP.json`: the 810 or 856 for a shipment, derived from the received 850 and
//! the warehouse's shipment confirmation (`document::shipment`, documented in the README),
//! then emitted like `edigate emit` does, addressed back to the order's sender.
//!
//! Exit 0 written; 1 the order could not be read in full, the confirmation does not fit the
//! order, or the derived document was refused (every problem on standard error); 2 bad
//! arguments or unreadable input.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};

use super::Status;
use super::emit::{EnvelopeArgs, emit_document};
use crate::document::billing::invoice_from;
use crate::document::invoice::InvoiceTotals;
use crate::document::order::PurchaseOrder;
use crate::document::packing::ship_notice_from;
use crate::document::shipment::{DerivationProblem, ShipmentConfirmation, resolve};
use crate::map::outbound::OutboundDocument;
use crate::map::ts810_out::invoice_amounts;
use crate::map::ts850;
use crate::partner::Profile;
use crate::x12::TransactionSetReader;

#[derive(clap::Args)]
pub struct Args {
    /// The purchase order as received: an X12 file holding the 850 (`-` for standard input).
    #[arg(long, value_name = "PO.edi")]
    order: PathBuf,
    /// The order's number (BEG03), when the file holds more than one 850.
    #[arg(long, value_name = "NUMBER")]
    po: Option<String>,
    /// The shipment confirmation, as JSON (see the README and samples/shipments/).
    #[arg(long, value_name = "SHIP.json")]
    shipment: PathBuf,
    /// Print the derived canonical document (JSON) instead of emitting X12, to review it or
    /// to keep it for `edigate emit`.
    #[arg(long)]
    document: bool,
    #[command(flatten)]
    envelope: EnvelopeArgs,
}

/// `edigate invoice`.
pub fn invoice(args: &Args) -> anyhow::Result<Status> {
    let Some((order, confirmation)) = inputs(args)? else {
        return Ok(Status::Rejected);
    };
    let shipment = match resolve(&order, &confirmation) {
        Ok(shipment) => shipment,
        Err(problems) => return refused(&args.shipment, "invoice", &problems),
    };
    let derived = match invoice_from(&shipment) {
        Ok(derived) => derived,
        Err(problems) => return refused(&args.shipment, "invoice", &problems),
    };
    let mut invoice = derived.invoice;
    // The totals are the 810's own arithmetic; stating them makes the JSON complete and
    // is checked again when it is emitted.
    match invoice_amounts(&invoice) {
        Ok(amounts) => {
            let discount = amounts.terms_discount();
            invoice.totals = InvoiceTotals {
                total: amounts.total,
                subtotal: Some(amounts.merchandise),
                discountable_amount: discount.map(|_| amounts.discount_base),
                terms_discount: discount,
                line_count: Some(invoice.lines.len() as u32),
            };
        }
        Err(e) => {
            let problems: Vec<DerivationProblem> = e
                .refusals()
                .iter()
                .map(|r| DerivationProblem::new(r.field.clone(), r.message.clone()))
                .collect();
            if problems.is_empty() {
                return Err(e).context("the invoice's amounts cannot be worked out");
            }
            return refused(&args.shipment, "invoice", &problems);
        }
    }
    let name = args.shipment.display().to_string();
    let mut err = io::stderr().lock();
    for note in &derived.notes {
        writeln!(err, "{name}: {note}")?;
    }
    drop(err);
    if args.document {
        print_json(&invoice)?;
        return Ok(Status::Ok);
    }
    emit_document(&name, &OutboundDocument::Invoice(invoice), &args.envelope)
}

/// `edigate asn`.
pub fn asn(args: &Args) -> anyhow::Result<Status> {
    let Some((order, confirmation)) = inputs(args)? else {
        return Ok(Status::Rejected);
    };
    let shipment = match resolve(&order, &confirmation) {
        Ok(shipment) => shipment,
        Err(problems) => return refused(&args.shipment, "ship notice", &problems),
    };
    let notice = ship_notice_from(&shipment);
    let name = args.shipment.display().to_string();
    let mut err = io::stderr().lock();
    for (i, line) in order.lines.iter().enumerate() {
        if shipment.shipped[i].is_zero() {
            writeln!(
                err,
                "{name}: order line {}: nothing shipped, not on the notice",
                line.line_id.as_deref().unwrap_or("(no id)")
            )?;
        }
    }
    if let Some(next) = shipment.next_serial
        && confirmation
            .sscc
            .as_ref()
            .is_some_and(|series| series.first_serial != next)
    {
        // The series is the caller's to keep: reusing a serial would give two cartons one
        // label.
        writeln!(err, "{name}: the next SSCC serial is {next}")?;
    }
    drop(err);
    if args.document {
        print_json(&notice)?;
        return Ok(Status::Ok);
    }
    emit_document(&name, &OutboundDocument::ShipNotice(notice), &args.envelope)
}

/// The order and the confirmation, or `None` when the order could not be read in full (the
/// findings already on standard error).
fn inputs(args: &Args) -> anyhow::Result<Option<(PurchaseOrder, ShipmentConfirmation)>> {
    let Some(order) = read_order(&args.order, args.po.as_deref())? else {
        return Ok(None);
    };
    let (name, mut input) = super::specs::open(&args.shipment)?;
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {name}"))?;
    let mut confirmation: ShipmentConfirmation =
        serde_json::from_str(&text).with_context(|| {
            format!(
                "{name} is not a shipment confirmation (see the README, \"Shipment confirmations\")"
            )
        })?;
    if let Some(profile) = args.envelope.profile()? {
        agreed_with(&profile, &order, &mut confirmation);
    }
    Ok(Some((order, confirmation)))
}

/// What the partner's profile says where the confirmation is silent: the ASN structure it
/// wants, our GS1 company prefix towards it, and the agreed terms when the order states
/// none (the order's own terms, when stated, are the ones it was placed on).
fn agreed_with(profile: &Profile, order: &PurchaseOrder, confirmation: &mut ShipmentConfirmation) {
    // The partner's structure for cartons; goods shipped without any keep items alone.
    let has_cartons = !confirmation.cartons.is_empty() || !confirmation.pallets.is_empty();
    if confirmation.structure.is_none() && has_cartons {
        confirmation.structure = profile.asn_structure.clone();
    }
    if let Some(series) = confirmation.sscc.as_mut()
        && series.company_prefix.is_empty()
        && let Some(prefix) = &profile.gs1_company_prefix
    {
        series.company_prefix.clone_from(prefix);
        series.extension_digit = profile.sscc_extension_digit;
    }
    if let Some(invoice) = confirmation.invoice.as_mut()
        && invoice.terms.is_empty()
        && order.terms.is_empty()
    {
        invoice.terms.clone_from(&profile.terms);
    }
}

/// The one 850 in `path` (or the one numbered `number`), translated; `None` when its
/// mapping had findings, which are printed: a document derived from a misread order would
/// bill or ship the wrong thing.
pub(super) fn read_order(
    path: &PathBuf,
    number: Option<&str>,
) -> anyhow::Result<Option<PurchaseOrder>> {
    let (name, input) = super::specs::open(path)?;
    let mut reader = TransactionSetReader::new(input);
    let mut found = Vec::new();
    while let Some(set) = reader
        .next_set()
        .with_context(|| format!("cannot read {name}"))?
    {
        if set.header.id != "850" {
            continue;
        }
        let translated = ts850::purchase_order(&set);
        if number.is_none_or(|n| n == translated.document.number) {
            found.push(translated);
        }
    }
    let outcome = reader.outcome();
    if outcome.fatal && outcome.interchanges == 0 {
        bail!(
            "{name}: no usable interchange (no ISA header could be read); run `edigate parse {name}` for details"
        );
    }
    let translated = match (found.len(), number) {
        (1, _) => found.remove(0),
        (0, Some(n)) => bail!("{name} holds no 850 for order {n}"),
        (0, None) => bail!("{name} holds no 850 purchase order"),
        (_, _) => {
            let numbers: Vec<&str> = found.iter().map(|t| t.document.number.as_str()).collect();
            bail!(
                "{name} holds {} purchase orders ({}): choose one with --po NUMBER",
                found.len(),
                numbers.join(", ")
            )
        }
    };
    if !translated.findings.is_empty() {
        let mut err = io::stderr().lock();
        for finding in &translated.findings {
            writeln!(
                err,
                "{name}: order {}: {finding}",
                translated.document.number
            )?;
        }
        writeln!(
            err,
            "edigate: order {} could not be read in full; nothing was derived from it",
            translated.document.number
        )?;
        return Ok(None);
    }
    Ok(Some(translated.document))
}

fn refused(
    shipment: &std::path::Path,
    what: &str,
    problems: &[DerivationProblem],
) -> anyhow::Result<Status> {
    let name = shipment.display();
    let mut err = io::stderr().lock();
    for problem in problems {
        writeln!(err, "{name}: {problem}")?;
    }
    writeln!(
        err,
        "edigate: no {what} derived: {} problem(s); nothing was written",
        problems.len()
    )?;
    Ok(Status::Rejected)
}

fn print_json(document: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, document)?;
    writeln!(out)?;
    Ok(())
}
