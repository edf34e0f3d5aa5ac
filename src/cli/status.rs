//! `edigate status`: where the acknowledgements stand — groups per partner, direction and
//! 997 state, our groups still waiting for their 997 (or not fully accepted in it), and the
//! received groups whose 997 has not reached the partner yet. `edigate exceptions`: the
//! jobs that failed for good, and what to do about each.

use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{NaiveDateTime, Utc};
use serde_json::{Value, json};

use super::Status;
use super::gateway::GatewayArgs;
use super::messages::{
    Table, failed_if, header, or_dash, print_json, rfc3339, rfc3339_opt, since, span, utc,
};
use crate::map::outbound::DocumentKind;
use crate::store::queries::GroupDocument;
use crate::store::{
    DocumentRecord, GroupStatusRow, Job, JobKind, MessageRecord, StatusCount, StatusFilter,
    StoreError,
};

#[derive(clap::Args)]
pub struct StatusArgs {
    /// Only this partner's groups.
    #[arg(long, value_name = "ID")]
    partner: Option<String>,
    /// Only our groups overdue for their 997; exit 1 when there are any (for monitoring).
    #[arg(long)]
    overdue: bool,
    /// Only groups sent or received since this day (2026-11-26, UTC) or time (RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = since)]
    since: Option<NaiveDateTime>,
    /// One JSON document.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    gateway: GatewayArgs,
}

/// The states of our groups that want someone's attention.
const UNSETTLED: [&str; 5] = [
    "pending",
    "overdue",
    "rejected",
    "partially_accepted",
    "accepted_with_errors",
];

struct Report {
    counts: Vec<StatusCount>,
    ours: Vec<GroupStatusRow>,
    unsent: Vec<GroupStatusRow>,
    /// The documents of each listed group, by group id.
    documents: HashMap<i64, Vec<GroupDocument>>,
    /// The undelivered 997s' messages.
    replies: Vec<MessageRecord>,
}

pub fn status(args: &StatusArgs) -> anyhow::Result<Status> {
    let settings = args.gateway.settings()?;
    let store = settings.store()?;
    // The answer is current even when no `serve` runs to mark late groups.
    let now = crate::store::trunc(Utc::now().naive_utc());
    store.write(|tx| tx.mark_overdue(now, "cli:status"))?;
    let states: &[&str] = if args.overdue {
        &["overdue"]
    } else {
        &UNSETTLED
    };
    let filter = StatusFilter {
        partner: args.partner.clone(),
        since: args.since,
        states: states.iter().map(|s| (*s).to_owned()).collect(),
        direction: Some("out".into()),
        limit: None,
    };
    let report = store.read(|tx| {
        let counts = if args.overdue {
            Vec::new()
        } else {
            tx.status_counts(&filter)?
        };
        let ours = tx.group_status(&filter)?;
        let unsent = if args.overdue {
            Vec::new()
        } else {
            tx.undelivered_replies(&filter)?
        };
        let ids: Vec<i64> = ours.iter().chain(&unsent).map(|g| g.group_id).collect();
        let mut documents: HashMap<i64, Vec<GroupDocument>> = HashMap::new();
        for d in tx.documents_of_groups(&ids)? {
            documents.entry(d.group_id).or_default().push(d);
        }
        let mut replies = Vec::new();
        for id in unsent.iter().filter_map(|g| g.ack_message_id) {
            if !replies.iter().any(|m: &MessageRecord| m.id == id)
                && let Some(m) = header(tx, id)?
            {
                replies.push(m);
            }
        }
        Ok::<_, StoreError>(Report {
            counts,
            ours,
            unsent,
            documents,
            replies,
        })
    })?;
    let as2 = super::status_as2::As2Report::gather(&store, &settings.partners, now, args.overdue)?;
    if args.json {
        let ours: Vec<Value> = report
            .ours
            .iter()
            .map(|g| group_json(g, &report, now))
            .collect();
        if args.overdue {
            print_json(
                &json!({ "as_of": rfc3339(now), "overdue": ours, "as2_overdue": as2.json()["exchanges"] }),
            )?;
        } else {
            let unsent: Vec<Value> = report
                .unsent
                .iter()
                .map(|g| group_json(g, &report, now))
                .collect();
            print_json(&json!({
                "as_of": rfc3339(now),
                "counts": report.counts,
                "ours": ours,
                "undelivered_997s": unsent,
                "as2": as2.json(),
            }))?;
        }
    } else {
        let mut out = io::stdout().lock();
        write_report(&mut out, args.overdue, &report, now)?;
        if !args.overdue || as2.overdue() > 0 {
            as2.write(&mut out)?;
        }
    }
    Ok(failed_if(
        args.overdue && (!report.ours.is_empty() || as2.overdue() > 0),
    ))
}

fn documents_of(group: i64, report: &Report) -> &[GroupDocument] {
    report.documents.get(&group).map_or(&[], Vec::as_slice)
}

/// How late the 997 is, when it is awaited and its time has passed.
fn late(g: &GroupStatusRow, now: NaiveDateTime) -> Option<chrono::TimeDelta> {
    let due = g.ack_due_at?;
    (matches!(g.ack_status.as_str(), "pending" | "overdue") && now > due).then(|| now - due)
}

fn group_json(g: &GroupStatusRow, report: &Report, now: NaiveDateTime) -> Value {
    let documents: Vec<Value> = documents_of(g.group_id, report)
        .iter()
        .map(|d| {
            json!({ "id": d.document_id, "kind": d.kind, "number": d.number, "status": d.status })
        })
        .collect();
    json!({
        "group_id": g.group_id,
        "message_id": g.message_id,
        "partner": g.partner,
        "direction": g.direction,
        "interchange_control_number": g.interchange_control_number,
        "functional_id": g.functional_id,
        "group_control_number": g.group_control_number,
        "set_count": g.set_count,
        "documents": documents,
        "verdict": g.verdict,
        "ack_status": g.ack_status,
        "time": rfc3339(g.created_at),
        "due": rfc3339_opt(g.ack_due_at),
        "late_seconds": late(g, now).map(|d| d.num_seconds()),
        "ack_message_id": g.ack_message_id,
        "ack_time": rfc3339_opt(g.ack_at),
        "ack_delivered": g.ack_delivered,
    })
}

fn documents_words(group: i64, report: &Report) -> String {
    let words: Vec<String> = documents_of(group, report)
        .iter()
        .map(|d| format!("{} {}", d.kind, d.number))
        .collect();
    if words.is_empty() {
        "-".into()
    } else {
        words.join(", ")
    }
}

fn write_report(
    out: &mut impl Write,
    overdue_only: bool,
    report: &Report,
    now: NaiveDateTime,
) -> io::Result<()> {
    if overdue_only {
        if report.ours.is_empty() {
            return writeln!(
                out,
                "no group of ours is overdue for its 997 ({})",
                utc(now)
            );
        }
        writeln!(
            out,
            "{} group(s) of ours overdue for their 997 ({})",
            report.ours.len(),
            utc(now)
        )?;
        return ours_table(report, now).write(out, "  ");
    }
    writeln!(out, "Acknowledgements of functional groups, {}", utc(now))?;
    if report.counts.is_empty() {
        writeln!(out, "  no groups")?;
    } else {
        let mut counts = Table::new(&["partner", "dir", "997 status", "groups"]).right(&[3]);
        for c in &report.counts {
            counts.row(vec![
                c.partner.clone(),
                c.direction.clone(),
                c.ack_status.clone(),
                c.count.to_string(),
            ]);
        }
        counts.write(out, "  ")?;
    }
    writeln!(
        out,
        "\nOur groups waiting for their 997, or not fully accepted in it"
    )?;
    if report.ours.is_empty() {
        writeln!(out, "  none")?;
    } else {
        ours_table(report, now).write(out, "  ")?;
    }
    writeln!(
        out,
        "\nReceived groups whose 997 has not been delivered yet"
    )?;
    if report.unsent.is_empty() {
        return writeln!(out, "  none");
    }
    let reply = |g: &GroupStatusRow| {
        g.ack_message_id.map_or("-".into(), |id| {
            match report.replies.iter().find(|m| m.id == id) {
                Some(m) if m.status == "failed" => {
                    format!("message {id} failed: `edigate replay {id}`")
                }
                Some(m) => format!("message {id} {}", m.status),
                None => format!("message {id}"),
            }
        })
    };
    group_table(
        report,
        &report.unsent,
        "received",
        ["997", "waiting"],
        |g| [reply(g), span(now - g.created_at)],
    )
    .write(out, "  ")
}

fn ours_table(report: &Report, now: NaiveDateTime) -> Table {
    group_table(report, &report.ours, "sent", ["due", "status"], |g| {
        let state = match (late(g, now), g.ack_due_at) {
            (Some(by), _) => format!("{}, {} late", g.ack_status, span(by)),
            (None, Some(due)) if g.ack_status == "pending" => {
                format!("pending, due in {}", span(due - now))
            }
            _ => match g.ack_message_id {
                Some(id) => format!("{} (their 997: `edigate show {id}`)", g.ack_status),
                None => g.ack_status.clone(),
            },
        };
        [g.ack_due_at.map_or("-".into(), utc), state]
    })
}

/// Groups in a table: partner, ISA13, GS01 and GS06, sets, documents, the time they were
/// sent or received (`when`), then two more columns, `more`, filled by `cells`.
fn group_table(
    report: &Report,
    groups: &[GroupStatusRow],
    when: &str,
    more: [&str; 2],
    cells: impl Fn(&GroupStatusRow) -> [String; 2],
) -> Table {
    let mut table = Table::new(&[
        "partner",
        "ISA13",
        "group",
        "sets",
        "documents",
        when,
        more[0],
        more[1],
    ])
    .right(&[3]);
    for g in groups {
        let mut row = vec![
            or_dash(g.partner.as_deref()),
            g.interchange_control_number.clone(),
            format!("{} {}", g.functional_id, g.group_control_number),
            g.set_count.to_string(),
            documents_words(g.group_id, report),
            utc(g.created_at),
        ];
        row.extend(cells(g));
        table.row(row);
    }
    table
}

// ---------------------------------------------------------------------------------------
// edigate exceptions

#[derive(clap::Args)]
pub struct ExceptionsArgs {
    /// One JSON document: {"exceptions": [...]}.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    gateway: GatewayArgs,
}

/// A failed job with what it was about.
struct Exception {
    job: Job,
    message: Option<MessageRecord>,
    document: Option<DocumentRecord>,
}

impl Exception {
    fn partner(&self) -> Option<&str> {
        self.message
            .as_ref()
            .and_then(|m| m.partner.as_deref())
            .or(self.document.as_ref().map(|d| d.partner.as_str()))
    }

    /// What the job was about, in words.
    fn subject(&self) -> String {
        match (&self.message, &self.document, self.job.message_id) {
            (Some(m), _, _) => format!(
                "message {} ({}, channel {}, status {})",
                m.id,
                m.origin.as_deref().unwrap_or("no name"),
                m.channel,
                m.status
            ),
            (None, Some(d), _) => {
                format!("document {} ({} {}, {})", d.id, d.kind, d.number, d.status)
            }
            (None, None, Some(id)) => format!("message {id} (no longer in the store)"),
            (None, None, None) => "nothing named".into(),
        }
    }

    /// The command that tries it again, when there is one.
    fn replay(&self) -> Option<String> {
        match self.job.kind {
            JobKind::Receive | JobKind::Deliver => self
                .message
                .as_ref()
                .map(|m| format!("edigate replay {}", m.id)),
            JobKind::Send => None,
        }
    }

    fn action(&self) -> String {
        match (self.job.kind, self.replay(), &self.document) {
            (JobKind::Receive, Some(replay), _) => {
                format!(
                    "correct what the error names (a partner profile, the ids), then `{replay}`"
                )
            }
            (JobKind::Deliver, Some(replay), _) => format!(
                "make the partner's channel work again (or restore its profile), then `{replay}`"
            ),
            (JobKind::Send, _, Some(d)) => {
                let kind = DocumentKind::from_name(&d.kind);
                let arg = match kind {
                    Some(DocumentKind::ShipNotice) => "asn",
                    Some(DocumentKind::PurchaseOrder) => "po",
                    Some(DocumentKind::Remittance) => "remittance",
                    _ => "invoice",
                };
                format!(
                    "correct the {} and queue it again: `edigate send {arg} --input DOC.json \
                     --partner {}`",
                    kind.map_or("document", DocumentKind::words),
                    d.partner
                )
            }
            _ => "nothing can be retried: see the error".into(),
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "job_id": self.job.id,
            "kind": self.job.kind,
            "message_id": self.job.message_id,
            "document_id": self.job.document_id,
            "partner": self.partner(),
            "origin": self.message.as_ref().and_then(|m| m.origin.as_deref()),
            "channel": self.message.as_ref().map(|m| m.channel.as_str()),
            "message_status": self.message.as_ref().map(|m| m.status.as_str()),
            "document": self.document.as_ref().map(|d| json!({
                "kind": d.kind, "number": d.number, "status": d.status,
            })),
            "attempts": self.job.attempts,
            "failed": rfc3339(self.job.updated_at),
            "error": self.job.last_error,
            "replay": self.replay(),
            "action": self.action(),
        })
    }
}

pub fn exceptions(args: &ExceptionsArgs) -> anyhow::Result<Status> {
    let store = args.gateway.settings()?.store()?;
    let all = store.read(|tx| {
        let mut all = Vec::new();
        for job in tx.failed_jobs()? {
            let message = match job.message_id {
                Some(id) => header(tx, id)?,
                None => None,
            };
            let document = match job.document_id.map(|id| tx.document(id)) {
                Some(Ok(d)) => Some(d),
                Some(Err(StoreError::NotFound(_))) | None => None,
                Some(Err(e)) => return Err(e),
            };
            all.push(Exception {
                job,
                message,
                document,
            });
        }
        Ok::<_, StoreError>(all)
    })?;
    if args.json {
        let list: Vec<Value> = all.iter().map(Exception::to_json).collect();
        print_json(&json!({ "exceptions": list }))?;
    } else {
        let mut out = io::stdout().lock();
        if all.is_empty() {
            writeln!(out, "no exceptions")?;
        } else {
            writeln!(out, "{} exception(s): jobs that failed for good", all.len())?;
        }
        for e in &all {
            writeln!(
                out,
                "\njob {}  {}  {}  partner {}  {} attempt(s), failed {}",
                e.job.id,
                e.job.kind.as_str(),
                e.subject(),
                e.partner().unwrap_or("unknown"),
                e.job.attempts,
                utc(e.job.updated_at)
            )?;
            writeln!(
                out,
                "  error: {}",
                e.job.last_error.as_deref().unwrap_or("(none recorded)")
            )?;
            writeln!(out, "  to do: {}", e.action())?;
        }
    }
    Ok(failed_if(!all.is_empty()))
}
