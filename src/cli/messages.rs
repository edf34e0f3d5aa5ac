//! `edigate messages`: one line per message kept by the gateway; `edigate show ID`: all
//! about one message (envelopes, validation log, acknowledgements, documents, jobs,
//! history); `edigate replay ID...`: failed messages through their step again. And what
//! the gateway's reports share: times, `--since`, aligned tables, one JSON document.

use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, TimeDelta};
use serde_json::{Value, json};

use super::Status;
use super::gateway::GatewayArgs;
use crate::engine::EngineError;
use crate::store::{
    AckRecord, AuditEntry, DocumentRecord, FindingRecord, GroupRecord, InterchangeRecord, Job,
    MessageFilter, MessageRecord, SetRecord, StoreError, Tx,
};

// ---------------------------------------------------------------------------------------
// What the reports share.

/// A time as people read it: UTC, to the second (`2026-11-26 09:00:00Z`).
pub(super) fn utc(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M:%SZ").to_string()
}

/// A time in JSON: RFC 3339, UTC.
pub(super) fn rfc3339(at: NaiveDateTime) -> Value {
    Value::String(at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

pub(super) fn rfc3339_opt(at: Option<NaiveDateTime>) -> Value {
    at.map_or(Value::Null, rfc3339)
}

/// `--since`: a day (`2026-11-26`, from midnight UTC) or an RFC 3339 time.
pub(super) fn since(text: &str) -> Result<NaiveDateTime, String> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_time(NaiveTime::MIN));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.naive_utc())
        .map_err(|_| {
            format!(
                "'{text}' is neither a day (2026-11-26) nor an RFC 3339 time \
                 (2026-11-26T09:00:00Z)"
            )
        })
}

/// A span of time in words: `2d 3h`, `3h 12m`, `12m`, `45s`.
pub(super) fn span(d: TimeDelta) -> String {
    let s = d.num_seconds().abs();
    let (days, hours, minutes) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {minutes}m")
    } else if minutes > 0 {
        format!("{minutes}m")
    } else {
        format!("{s}s")
    }
}

/// The exit status of a check: 1 when it failed.
pub(super) fn failed_if(failed: bool) -> Status {
    if failed { Status::Rejected } else { Status::Ok }
}

/// Text for an optional value: the value or `-`.
pub(super) fn or_dash(value: Option<&str>) -> String {
    value.unwrap_or("-").to_owned()
}

/// The one JSON document of a `--json` run, on standard output.
pub(super) fn print_json(value: &Value) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Rows in aligned columns, two spaces apart; numeric columns aligned right.
pub(super) struct Table {
    rows: Vec<Vec<String>>,
    right: Vec<bool>,
}

impl Table {
    pub(super) fn new(header: &[&str]) -> Table {
        Table {
            rows: vec![header.iter().map(|h| (*h).to_owned()).collect()],
            right: vec![false; header.len()],
        }
    }

    /// Aligns these columns to the right.
    pub(super) fn right(mut self, columns: &[usize]) -> Table {
        for &c in columns {
            if let Some(r) = self.right.get_mut(c) {
                *r = true;
            }
        }
        self
    }

    pub(super) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(super) fn write(&self, out: &mut impl Write, indent: &str) -> io::Result<()> {
        let mut widths = vec![0; self.right.len()];
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for row in &self.rows {
            let mut line = String::from(indent);
            for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = width - cell.chars().count();
                if self.right[i] {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// A message without its body (which may be large), if there is one with this id.
pub(super) fn header(tx: &mut Tx<'_>, id: i64) -> Result<Option<MessageRecord>, StoreError> {
    let filter = MessageFilter {
        after: Some(id.saturating_sub(1)),
        limit: Some(1),
        ..MessageFilter::default()
    };
    Ok(tx.messages(&filter)?.into_iter().find(|m| m.id == id))
}

/// What the note column says: the note, or whose copy the message is.
fn note(m: &MessageRecord) -> String {
    match (&m.note, m.duplicate_of) {
        (Some(note), _) => note.clone(),
        (None, Some(d)) => format!("duplicate of message {d}"),
        (None, None) => String::new(),
    }
}

fn message_json(m: &MessageRecord) -> Value {
    json!({
        "id": m.id,
        "time": rfc3339(m.created_at),
        "updated": rfc3339(m.updated_at),
        "direction": m.direction,
        "kind": m.kind,
        "partner": m.partner,
        "channel": m.channel,
        "origin": m.origin,
        "size": m.size,
        "sha256": m.sha256,
        "status": m.status,
        "duplicate_of": m.duplicate_of,
        "note": m.note,
        "released": m.released,
    })
}

/// JSON text kept in the store as a value (as text when it does not parse).
fn json_text(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

// ---------------------------------------------------------------------------------------
// edigate messages

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only this partner's messages.
    #[arg(long, value_name = "ID")]
    partner: Option<String>,
    /// Only received (in) or sent (out) messages.
    #[arg(long, value_parser = ["in", "out"])]
    direction: Option<String>,
    /// Only messages in this status (received, accepted, accepted_with_errors,
    /// partially_accepted, rejected, duplicate, failed; ours: queued, delivered, failed);
    /// may be given several times.
    #[arg(long = "status", value_name = "S")]
    statuses: Vec<String>,
    /// Only messages kept since this day (2026-11-26, UTC) or time (RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = since)]
    since: Option<NaiveDateTime>,
    /// At most N messages, the oldest first (with --since: from then on).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..))]
    limit: Option<i64>,
    /// One JSON document: {"messages": [...]}.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    gateway: GatewayArgs,
}

pub fn list(args: &ListArgs) -> anyhow::Result<Status> {
    let store = args.gateway.settings()?.store()?;
    let filter = MessageFilter {
        partner: args.partner.clone(),
        direction: args
            .direction
            .as_deref()
            .map(crate::store::Direction::parse),
        statuses: args.statuses.clone(),
        since: args.since,
        after: None,
        limit: args.limit,
    };
    let messages = store.read(|tx| tx.messages(&filter))?;
    if args.json {
        let all: Vec<Value> = messages.iter().map(message_json).collect();
        print_json(&json!({ "messages": all }))?;
        return Ok(Status::Ok);
    }
    let mut out = io::stdout().lock();
    if messages.is_empty() {
        writeln!(out, "no messages")?;
        return Ok(Status::Ok);
    }
    let mut table = Table::new(&[
        "id", "time", "dir", "partner", "channel", "origin", "size", "status", "note",
    ])
    .right(&[0, 6]);
    for m in &messages {
        table.row(vec![
            m.id.to_string(),
            utc(m.created_at),
            m.direction.clone(),
            or_dash(m.partner.as_deref()),
            m.channel.clone(),
            or_dash(m.origin.as_deref()),
            m.size.to_string(),
            m.status.clone(),
            note(m),
        ]);
    }
    table.write(&mut out, "")?;
    Ok(Status::Ok)
}

// ---------------------------------------------------------------------------------------
// edigate show

#[derive(clap::Args)]
pub struct ShowArgs {
    /// The message's id (as `edigate messages` lists it).
    #[arg(value_name = "MESSAGE_ID")]
    id: i64,
    /// One JSON document, with each canonical document's full body.
    #[arg(long)]
    json: bool,
    /// The message's raw bytes, exactly as kept, and nothing else.
    #[arg(long, conflicts_with = "json")]
    raw: bool,
    #[command(flatten)]
    gateway: GatewayArgs,
}

/// Everything the store knows about one message.
struct Shown {
    message: MessageRecord,
    interchanges: Vec<InterchangeRecord>,
    groups: Vec<GroupRecord>,
    sets: Vec<SetRecord>,
    findings: Vec<FindingRecord>,
    /// The acknowledgements of this message's interchanges and groups.
    acks_of: Vec<AckRecord>,
    /// The acknowledgements this message carries.
    acks_in: Vec<AckRecord>,
    documents: Vec<DocumentRecord>,
    jobs: Vec<Job>,
    /// The changes of the message, its groups and its documents, in order.
    history: Vec<AuditEntry>,
    /// The messages that carry the groups' 997s: (status, released).
    replies: HashMap<i64, (String, bool)>,
}

fn gather(tx: &mut Tx<'_>, id: i64) -> Result<Option<Shown>, StoreError> {
    let Some(message) = header(tx, id)? else {
        return Ok(None);
    };
    let groups = tx.groups_of_message(id)?;
    let documents = tx.documents_of_message(id)?;
    let mut history = tx.history("message", id)?;
    for g in &groups {
        history.extend(tx.history("group", g.id)?);
    }
    for d in &documents {
        history.extend(tx.history("document", d.id)?);
    }
    history.sort_by_key(|e| e.id);
    let mut replies = HashMap::new();
    for reply in groups.iter().filter_map(|g| g.ack_message_id) {
        if let Some(m) = header(tx, reply)? {
            replies.insert(reply, (m.status, m.released));
        }
    }
    Ok(Some(Shown {
        interchanges: tx.interchanges_of_message(id)?,
        sets: tx.sets_of_message(id)?,
        findings: tx.findings_of_message(id)?,
        acks_of: tx.acks_of_message(id)?,
        acks_in: tx.acks_in_message(id)?,
        jobs: tx.jobs_of_message(id)?,
        message,
        groups,
        documents,
        history,
        replies,
    }))
}

pub fn show(args: &ShowArgs) -> anyhow::Result<Status> {
    let store = args.gateway.settings()?.store()?;
    if args.raw {
        let message = match store.read(|tx| tx.message(args.id)) {
            Err(StoreError::NotFound(reason)) => anyhow::bail!("{reason}"),
            other => other?,
        };
        io::stdout().lock().write_all(&message.body)?;
        return Ok(Status::Ok);
    }
    let Some(shown) = store.read(|tx| gather(tx, args.id))? else {
        anyhow::bail!(
            "there is no message {} in {} (`edigate messages` lists them)",
            args.id,
            store.url()
        );
    };
    if args.json {
        print_json(&shown_json(&shown))?;
    } else {
        write_shown(&mut io::stdout().lock(), &shown)?;
    }
    Ok(Status::Ok)
}

fn ack_json(a: &AckRecord) -> Value {
    json!({
        "id": a.id,
        "direction": a.direction,
        "kind": a.kind,
        "message_id": a.message_id,
        "partner": a.partner,
        "interchange_control_number": a.interchange_control_number,
        "functional_id": a.functional_id,
        "group_control_number": a.group_control_number,
        "code": a.code,
        "interchange_id": a.interchange_id,
        "group_id": a.group_id,
        "time": rfc3339(a.created_at),
    })
}

fn job_json(j: &Job) -> Value {
    json!({
        "id": j.id,
        "kind": j.kind,
        "message_id": j.message_id,
        "document_id": j.document_id,
        "state": j.state,
        "attempts": j.attempts,
        "due": rfc3339(j.due_at),
        "updated": rfc3339(j.updated_at),
        "last_error": j.last_error,
    })
}

fn shown_json(s: &Shown) -> Value {
    let interchanges: Vec<Value> = s
        .interchanges
        .iter()
        .map(|i| {
            let groups: Vec<Value> = s
                .groups
                .iter()
                .filter(|g| g.interchange_id == i.id)
                .map(|g| {
                    let sets: Vec<Value> = s
                        .sets
                        .iter()
                        .filter(|t| t.group_id == g.id)
                        .map(|t| {
                            json!({
                                "id": t.id,
                                "set_id": t.set_id,
                                "control_number": t.control_number,
                                "status": t.status,
                                "document_id": t.document_id,
                            })
                        })
                        .collect();
                    json!({
                        "id": g.id,
                        "functional_id": g.functional_id,
                        "control_number": g.control_number,
                        "version": g.version,
                        "set_count": g.set_count,
                        "verdict": g.verdict,
                        "ack_status": g.ack_status,
                        "ack_due": rfc3339_opt(g.ack_due_at),
                        "ack_message_id": g.ack_message_id,
                        "ack_delivered": reply_delivered(g, &s.replies),
                        "ack_time": rfc3339_opt(g.ack_at),
                        "sets": sets,
                    })
                })
                .collect();
            json!({
                "id": i.id,
                "control_number": i.control_number,
                "sender": i.sender,
                "receiver": i.receiver,
                "version": i.version,
                "test": i.test,
                "status": i.status,
                "duplicate_of": i.duplicate_of,
                "groups": groups,
            })
        })
        .collect();
    let set_number = set_numbers(&s.sets);
    let findings: Vec<Value> = s
        .findings
        .iter()
        .map(|f| {
            json!({
                "origin": f.origin,
                "rule": f.rule,
                "severity": f.severity,
                "transaction_set_id": f.transaction_set_id,
                "set": f.transaction_set_id.and_then(|t| set_number.get(&t)),
                "segment_position": f.segment_position,
                "element": f.element,
                "byte_offset": f.byte_offset,
                "text": f.text,
                "detail": f.detail.as_deref().map(json_text),
            })
        })
        .collect();
    let documents: Vec<Value> = s
        .documents
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "direction": d.direction,
                "partner": d.partner,
                "kind": d.kind,
                "number": d.number,
                "status": d.status,
                "transaction_set_id": d.transaction_set_id,
                "note": d.note,
                "time": rfc3339(d.created_at),
                "body": json_text(&d.body),
            })
        })
        .collect();
    let history: Vec<Value> = s
        .history
        .iter()
        .map(|e| {
            json!({
                "time": rfc3339(e.at),
                "actor": e.actor,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "from": e.from_state,
                "to": e.to_state,
                "note": e.note,
            })
        })
        .collect();
    json!({
        "message": message_json(&s.message),
        "interchanges": interchanges,
        "findings": findings,
        "acknowledgements": {
            "of_message": s.acks_of.iter().map(ack_json).collect::<Vec<_>>(),
            "in_message": s.acks_in.iter().map(ack_json).collect::<Vec<_>>(),
        },
        "documents": documents,
        "jobs": s.jobs.iter().map(job_json).collect::<Vec<_>>(),
        "history": history,
    })
}

/// Each set's `ST01 ST02`, by its row id.
fn set_numbers(sets: &[SetRecord]) -> HashMap<i64, String> {
    sets.iter()
        .map(|t| (t.id, format!("{} {}", t.set_id, t.control_number)))
        .collect()
}

fn write_shown(out: &mut impl Write, s: &Shown) -> io::Result<()> {
    let m = &s.message;
    let (done, towards, when) = if m.direction == "in" {
        ("received", "from", "received")
    } else {
        ("sent", "to", "written")
    };
    writeln!(
        out,
        "message {}: {} {done} {towards} {} over {}",
        m.id,
        m.kind,
        m.partner.as_deref().unwrap_or("an unknown partner"),
        m.channel
    )?;
    writeln!(out, "  origin    {}", or_dash(m.origin.as_deref()))?;
    writeln!(out, "  size      {} bytes, sha256 {}", m.size, m.sha256)?;
    writeln!(out, "  {when:<8}  {}", utc(m.created_at))?;
    writeln!(
        out,
        "  status    {} (since {})",
        m.status,
        utc(m.updated_at)
    )?;
    let note = note(m);
    if !note.is_empty() {
        writeln!(out, "  note      {note}")?;
    }

    writeln!(out, "\nEnvelopes")?;
    if s.interchanges.is_empty() {
        writeln!(out, "  none recorded")?;
    }
    let documents: HashMap<i64, &DocumentRecord> = s.documents.iter().map(|d| (d.id, d)).collect();
    for i in &s.interchanges {
        let duplicate = i
            .duplicate_of
            .map(|d| format!(" (a copy of interchange row {d})"))
            .unwrap_or_default();
        writeln!(
            out,
            "  interchange {}  {} -> {}  {}{}  {}{duplicate}",
            i.control_number,
            i.sender,
            i.receiver,
            i.version,
            if i.test { " test" } else { "" },
            i.status
        )?;
        for g in s.groups.iter().filter(|g| g.interchange_id == i.id) {
            writeln!(
                out,
                "    group {} {}  {}  {} set(s)  {}",
                g.functional_id,
                g.control_number,
                g.version,
                g.set_count,
                group_words(g, &s.replies)
            )?;
            for t in s.sets.iter().filter(|t| t.group_id == g.id) {
                let document = t
                    .document_id
                    .map(|d| match documents.get(&d) {
                        Some(doc) => format!("  {} {} (document {d})", doc.kind, doc.number),
                        None => format!("  document {d}"),
                    })
                    .unwrap_or_default();
                writeln!(
                    out,
                    "      set {} {}  {}{document}",
                    t.set_id, t.control_number, t.status
                )?;
            }
        }
    }

    writeln!(out, "\nValidation log")?;
    if s.findings.is_empty() {
        writeln!(out, "  no findings")?;
    } else {
        let numbers = set_numbers(&s.sets);
        let mut table = Table::new(&[
            "origin", "rule", "severity", "set", "segment", "element", "offset", "text",
        ])
        .right(&[4, 6]);
        for f in &s.findings {
            table.row(vec![
                f.origin.clone(),
                or_dash(f.rule.as_deref()),
                f.severity.clone(),
                or_dash(
                    f.transaction_set_id
                        .and_then(|t| numbers.get(&t))
                        .map(String::as_str),
                ),
                f.segment_position.map_or("-".into(), |p| p.to_string()),
                or_dash(f.element.as_deref()),
                f.byte_offset.map_or("-".into(), |o| o.to_string()),
                f.text.clone(),
            ]);
        }
        table.write(out, "  ")?;
    }

    let (of_title, in_title) = if m.direction == "in" {
        (
            "Acknowledgements sent for it",
            "Acknowledgements received in it",
        )
    } else {
        (
            "Acknowledgements received for it",
            "Acknowledgements sent in it",
        )
    };
    write_acks(out, of_title, &s.acks_of)?;
    write_acks(out, in_title, &s.acks_in)?;

    writeln!(out, "\nDocuments")?;
    if s.documents.is_empty() {
        writeln!(out, "  none")?;
    } else {
        let numbers = set_numbers(&s.sets);
        let mut table = Table::new(&["id", "kind", "number", "status", "set", "note"]).right(&[0]);
        for d in &s.documents {
            table.row(vec![
                d.id.to_string(),
                d.kind.clone(),
                d.number.clone(),
                d.status.clone(),
                or_dash(
                    d.transaction_set_id
                        .or_else(|| {
                            s.sets
                                .iter()
                                .find(|t| t.document_id == Some(d.id))
                                .map(|t| t.id)
                        })
                        .and_then(|t| numbers.get(&t))
                        .map(String::as_str),
                ),
                d.note.clone().unwrap_or_default(),
            ]);
        }
        table.write(out, "  ")?;
    }

    writeln!(out, "\nJobs")?;
    if s.jobs.is_empty() {
        writeln!(out, "  none")?;
    } else {
        let mut table = Table::new(&["id", "kind", "state", "attempts", "updated", "last error"])
            .right(&[0, 3]);
        for j in &s.jobs {
            table.row(vec![
                j.id.to_string(),
                j.kind.as_str().to_owned(),
                j.state.clone(),
                j.attempts.to_string(),
                utc(j.updated_at),
                j.last_error.clone().unwrap_or_default(),
            ]);
        }
        table.write(out, "  ")?;
    }

    writeln!(out, "\nHistory")?;
    let mut table = Table::new(&["time", "by", "what", "from", "to", "note"]);
    for e in &s.history {
        table.row(vec![
            utc(e.at),
            e.actor.clone(),
            format!("{} {}", e.entity, e.entity_id),
            or_dash(e.from_state.as_deref()),
            e.to_state.clone(),
            e.note.clone().unwrap_or_default(),
        ]);
    }
    table.write(out, "  ")
}

/// Whether the 997 we sent for a received group reached the partner (None: not ours).
fn reply_delivered(g: &GroupRecord, replies: &HashMap<i64, (String, bool)>) -> Option<bool> {
    let reply = g.ack_message_id.filter(|_| g.direction == "in")?;
    replies.get(&reply).map(|(_, released)| *released)
}

/// A group's acknowledgement in words.
fn group_words(g: &GroupRecord, replies: &HashMap<i64, (String, bool)>) -> String {
    let mut words = match &g.verdict {
        Some(v) => format!("verdict {v}  997 {}", g.ack_status),
        None => format!("997 {}", g.ack_status),
    };
    if let Some(reply) = g.ack_message_id {
        let state = match (reply_delivered(g, replies), replies.get(&reply)) {
            (Some(true), _) => ", delivered".to_owned(),
            (Some(false), Some((status, _))) => format!(", {status}"),
            _ => String::new(),
        };
        words.push_str(&format!(" (message {reply}{state})"));
    }
    if let Some(due) = g.ack_due_at
        && matches!(g.ack_status.as_str(), "pending" | "overdue")
    {
        words.push_str(&format!(", due {}", utc(due)));
    }
    words
}

fn write_acks(out: &mut impl Write, title: &str, acks: &[AckRecord]) -> io::Result<()> {
    writeln!(out, "\n{title}")?;
    if acks.is_empty() {
        return writeln!(out, "  none");
    }
    let mut table = Table::new(&["kind", "ISA13", "group", "code", "message", "time"]).right(&[4]);
    for a in acks {
        let group = match (&a.functional_id, &a.group_control_number) {
            (Some(f), Some(n)) => format!("{f} {n}"),
            _ => "-".into(),
        };
        table.row(vec![
            a.kind.clone(),
            if a.interchange_control_number.is_empty() {
                "-".into()
            } else {
                a.interchange_control_number.clone()
            },
            group,
            a.code.clone(),
            a.message_id.to_string(),
            utc(a.created_at),
        ]);
    }
    table.write(out, "  ")
}

// ---------------------------------------------------------------------------------------
// edigate replay

#[derive(clap::Args)]
pub struct ReplayArgs {
    /// The messages to replay (failed ones: received messages through processing again,
    /// ours through delivery again).
    #[arg(required = true, value_name = "MESSAGE_ID")]
    ids: Vec<i64>,
    /// One JSON document: {"replayed": [...], "refused": [...]}.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    gateway: GatewayArgs,
}

pub fn replay(args: &ReplayArgs) -> anyhow::Result<Status> {
    let engine = args.gateway.settings()?.engine()?;
    let many = args.ids.len() > 1;
    let mut replayed = Vec::new();
    let mut refused = Vec::new();
    let mut out = io::stdout().lock();
    for (n, &id) in args.ids.iter().enumerate() {
        match engine.replay(id, "cli:replay") {
            Ok(r) => {
                if !args.json {
                    let what = if r.step == "receive" {
                        "queued to be processed again"
                    } else {
                        "queued for delivery again"
                    };
                    writeln!(out, "message {id}: {what} (`edigate serve` runs it)")?;
                }
                replayed.push(json!({ "message_id": r.message_id, "step": r.step }));
            }
            Err(
                EngineError::Permanent(reason) | EngineError::Store(StoreError::NotFound(reason)),
            ) => {
                eprintln!("edigate replay: {reason}");
                refused.push(json!({ "message_id": id, "reason": reason }));
            }
            Err(e) => {
                return Err(anyhow::Error::from(e).context(format!(
                    "replaying message {id} ({} of {}; {} replayed, {} refused before it)",
                    n + 1,
                    args.ids.len(),
                    replayed.len(),
                    refused.len()
                )));
            }
        }
        if many && (n + 1) % 1000 == 0 {
            eprintln!("edigate replay: {} of {} done", n + 1, args.ids.len());
        }
    }
    if args.json {
        drop(out);
        print_json(&json!({
            "replayed": replayed,
            "refused": refused,
            "summary": { "replayed": replayed.len(), "refused": refused.len() },
        }))?;
    } else if many {
        writeln!(
            out,
            "replayed {}, refused {}",
            replayed.len(),
            refused.len()
        )?;
    }
    Ok(failed_if(!refused.is_empty()))
}
