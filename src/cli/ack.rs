//! `edigate ack FILE [--json]`: the reply interchange(s) for a received file — a TA1 when due
//! and one 997 per functional group — written to standard output.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use serde_json::{Value, json};

use super::Status;
use super::ack_view::{functional_ack_json, ta1_json};
use super::compliance::PartnerArgs;
use crate::map::ack::{AckOptions, AckSummary, Ta1Policy, write_replies};
use crate::map::ack_read::read_acks;
use crate::partner::rules::RuleSeverity;

#[derive(Clone, Copy, clap::ValueEnum)]
enum Ta1 {
    /// Only when ISA14 asks for one.
    Requested,
    /// When ISA14 asks, and whenever the interchange has an error.
    OnError,
    Always,
    Never,
}

#[derive(clap::Args)]
pub struct Args {
    /// The received X12 file (`-` for standard input).
    file: PathBuf,
    /// The acknowledgements in structured form (JSON) instead of X12.
    #[arg(long)]
    json: bool,
    /// When to answer with a TA1.
    #[arg(long, value_enum, default_value = "on-error")]
    ta1: Ta1,
    /// ISA13 of the (first) reply interchange.
    #[arg(long, default_value_t = 1)]
    interchange_control_number: u64,
    /// GS06 of the (first) 997 functional group.
    #[arg(long, default_value_t = 1)]
    group_control_number: u64,
    /// The reply's date, CCYYMMDD (default: today, UTC).
    #[arg(long)]
    date: Option<String>,
    /// The reply's time, HHMM (default: now, UTC).
    #[arg(long)]
    time: Option<String>,
    /// Only note (AK501 E, set accepted) instead of rejecting for this error, e.g. AK403:7
    /// (invalid code value) or AK304:5; repeatable. By default every syntax error rejects.
    #[arg(long = "note-only", value_name = "AKxxx:CODE")]
    note_only: Vec<String>,
    /// Read the specs from this folder instead of the ones built in.
    #[arg(long, value_name = "DIR")]
    specs: Option<PathBuf>,
    /// The partner's rules that the standard's codes can express (segment and element rules)
    /// go into the 997 beside the standard's findings: a `reject` rule rejects the set, an
    /// `error` rule notes it (AK501 E).
    #[command(flatten)]
    partners: PartnerArgs,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let specs = super::specs::load(args.specs.as_deref())?;
    let now = chrono::Utc::now();
    let date = args
        .date
        .clone()
        .unwrap_or_else(|| now.format("%Y%m%d").to_string());
    let time = args
        .time
        .clone()
        .unwrap_or_else(|| now.format("%H%M").to_string());
    if date.len() != 8 || !crate::x12::datetime::is_ccyymmdd(date.as_bytes()) {
        anyhow::bail!("--date {date}: expected a date as CCYYMMDD, e.g. 20261126");
    }
    if !crate::x12::datetime::is_hhmm(time.as_bytes()) {
        anyhow::bail!("--time {time}: expected a time as HHMM, e.g. 0930");
    }
    let mut options = AckOptions {
        policy: super::specs::policy(&args.note_only)?,
        ta1: match args.ta1 {
            Ta1::Requested => Ta1Policy::Requested,
            Ta1::OnError => Ta1Policy::OnError,
            Ta1::Always => Ta1Policy::Always,
            Ta1::Never => Ta1Policy::Never,
        },
        interchange_control_number: args.interchange_control_number,
        group_control_number: args.group_control_number,
        date,
        time,
        line_suffix: "\n".into(),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut totals = AckSummary::default();
    let mut all_accepted = true;
    let mut ta1s: Vec<Value> = Vec::new();
    let mut acks: Vec<Value> = Vec::new();
    let mut failed: anyhow::Result<()> = Ok(());
    // Each interchange is answered as soon as it is read: the reply to a large file never
    // waits for (or holds) the whole file.
    let partners = super::compliance::partners(&args.partners)?;
    let name = super::compliance::validate_each(
        &specs,
        &args.file,
        partners.as_ref(),
        |mut report, sets| {
            if failed.is_err() {
                return;
            }
            // As for validate: a partner rule that rejects makes the exit 1, also when the
            // 997 has no code for it (a check digit, a total, the envelope).
            all_accepted &= !sets
                .iter()
                .flat_map(|s| &s.findings)
                .any(|f| f.severity == RuleSeverity::Reject);
            crate::partner::compliance::into_report(
                &mut report,
                sets.iter().map(|s| s.findings.as_slice()),
            );
            all_accepted &= super::validate::accepted(&report, &options.policy);
            let reply = write_replies(std::slice::from_ref(&report), &options, Vec::new());
            let (bytes, summary) = match reply.context("cannot write the acknowledgement") {
                Ok(r) => r,
                Err(e) => {
                    failed = Err(e);
                    return;
                }
            };
            options.interchange_control_number = summary.next_interchange_control_number;
            options.group_control_number = summary.next_group_control_number;
            totals.interchanges += summary.interchanges;
            totals.ta1s += summary.ta1s;
            totals.acknowledgements += summary.acknowledgements;
            if args.json {
                let reading = read_acks(&bytes);
                ta1s.extend(reading.interchange_acks.iter().map(|t| ta1_json(t, &specs)));
                for a in &reading.functional_acks {
                    let version = report
                        .groups
                        .iter()
                        .find(|g| {
                            g.header.control_number == a.group_control_number
                                && g.header.functional_id == a.functional_id
                        })
                        .map_or("005010", |g| g.header.version.as_str());
                    acks.push(functional_ack_json(a, &specs, version));
                }
            } else if let Err(e) = out.write_all(&bytes) {
                failed = Err(e.into());
            }
        },
    )?;
    failed?;
    if args.json {
        let value = json!({
            "file": name,
            "interchange_acknowledgements": ta1s,
            "functional_acknowledgements": acks,
            "summary": {
                "reply_interchanges": totals.interchanges,
                "ta1": totals.ta1s,
                "997": totals.acknowledgements,
            },
        });
        serde_json::to_writer(&mut out, &value)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(if all_accepted {
        Status::Ok
    } else {
        Status::Rejected
    })
}
