//! `edigate validate FILE [--json]`: per interchange, group and transaction set, the verdict a
//! 997 would give and every finding, in plain words and with its place.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use serde_json::{Value, json};

use super::Status;
use super::compliance::{PartnerArgs, SetCompliance};
use crate::partner::rules::{Direction, RuleSeverity};
use crate::spec::SpecSet;
use crate::validate::{Finding, GroupReport, InterchangeReport, Policy, SetReport};

#[derive(clap::Args)]
pub struct Args {
    /// The X12 file to read (`-` for standard input).
    file: PathBuf,
    /// One JSON document instead of text.
    #[arg(long)]
    json: bool,
    /// Only note (AK501 E, set accepted) instead of rejecting for this error, e.g. AK403:7
    /// (invalid code value) or AK304:5; repeatable. By default every syntax error rejects.
    #[arg(long = "note-only", value_name = "AKxxx:CODE")]
    note_only: Vec<String>,
    /// Read the specs from this folder (version subfolders such as 004010/) instead of the
    /// ones built in.
    #[arg(long, value_name = "DIR")]
    specs: Option<PathBuf>,
    #[command(flatten)]
    partners: PartnerArgs,
    /// Append the validation log to this file: one JSON line per partner-rule finding and
    /// one per set checked against a partner (when, which document, partner, direction,
    /// rule, severity, place, value, message, the guide's reference).
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let specs = super::specs::load(args.specs.as_deref())?;
    let policy = super::specs::policy(&args.note_only)?;
    let partners = super::compliance::partners(&args.partners)?;
    let mut out = BufWriter::new(io::stdout().lock());
    let mut totals = Totals::default();
    let mut rejected_by_partner = false;
    let mut any_partner = false;
    let mut written: io::Result<()> = Ok(());
    let name = args.file.display().to_string();
    if args.json {
        write!(out, "{{\"file\":")?;
        serde_json::to_writer(&mut out, &name)?;
        write!(out, ",\"interchanges\":[")?;
    } else {
        writeln!(out, "{name}")?;
    }
    let mut log = match &args.log {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map(BufWriter::new)
                .map_err(|e| anyhow::anyhow!("cannot open the log {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let checked_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    super::compliance::validate_each(&specs, &args.file, partners.as_ref(), |report, sets| {
        if written.is_err() {
            return;
        }
        if let Some(log) = log.as_mut()
            && let Err(e) = write_log(log, &name, &checked_at, &sets)
        {
            written = Err(e);
            return;
        }
        for entry in &sets {
            any_partner |= entry.partner.is_some();
            rejected_by_partner |= entry
                .findings
                .iter()
                .any(|f| f.severity == RuleSeverity::Reject);
        }
        written = if args.json {
            let comma = if totals.interchanges > 0 { "," } else { "" };
            let mut value = interchange_json(&report, &policy, &specs);
            attach_compliance(&mut value, &sets);
            write!(out, "{comma}")
                .and_then(|()| serde_json::to_writer(&mut out, &value).map_err(io::Error::from))
        } else {
            write_text(&mut out, &report, &policy, &specs)
                .and_then(|()| write_compliance_text(&mut out, &sets))
        };
        totals.add(&report, &policy);
    })?;
    written?;
    if let Some(mut log) = log {
        log.flush()?;
    }
    if args.json {
        write!(out, "],\"summary\":")?;
        let mut summary = totals.json();
        if any_partner {
            summary["rejected_by_partner_rules"] = json!(rejected_by_partner);
        }
        serde_json::to_writer(&mut out, &summary)?;
        writeln!(out, "}}")?;
    }
    out.flush()?;
    Ok(if totals.all_accepted && !rejected_by_partner {
        Status::Ok
    } else {
        Status::Rejected
    })
}

/// Counts over the whole input, kept while the interchanges stream past.
pub struct Totals {
    pub interchanges: usize,
    pub groups: usize,
    pub transactions: usize,
    pub accepted: usize,
    pub all_accepted: bool,
}

impl Default for Totals {
    fn default() -> Self {
        Totals {
            interchanges: 0,
            groups: 0,
            transactions: 0,
            accepted: 0,
            all_accepted: true,
        }
    }
}

impl Totals {
    pub fn add(&mut self, report: &InterchangeReport, policy: &Policy) {
        self.interchanges += 1;
        self.groups += report.groups.len();
        for g in &report.groups {
            self.transactions += g.sets.len();
            self.accepted += g.accepted(policy);
        }
        self.all_accepted &= accepted(report, policy);
    }

    fn json(&self) -> Value {
        json!({
            "interchanges": self.interchanges,
            "groups": self.groups,
            "transactions": self.transactions,
            "accepted": self.accepted,
            "rejected": self.transactions - self.accepted,
            "all_accepted": self.all_accepted,
        })
    }
}

/// Whether an interchange, its groups and sets are all accepted (A or E).
pub fn accepted(report: &InterchangeReport, policy: &Policy) -> bool {
    report.ta1_code().0 != 'R'
        && report.groups.iter().all(|g| {
            let code = g.ack_code(policy);
            code != 'R' && code != 'P' && g.sets.iter().all(|s| g.set_ack_code(s, policy) != 'R')
        })
}

/// The standard's words for a code of an acknowledgement element (715, 718, I18, ...).
pub fn describe(specs: &SpecSet, version: &str, element: &str, code: &str) -> String {
    let list = specs
        .version(version)
        .or_else(|| specs.versions.last())
        .and_then(|v| v.codes(element));
    list.and_then(|l| l.describe(code.as_bytes()))
        .unwrap_or("")
        .to_string()
}

pub(super) fn finding_json(f: &Finding) -> Value {
    let e = f.element.as_ref();
    json!({
        "segment": f.segment_id,
        "position": f.position,
        "loop": f.loop_id,
        "element": e.map(|e| e.position),
        "component": e.and_then(|e| e.component),
        "repetition": e.and_then(|e| e.repetition),
        "reference": e.map(|e| e.reference.as_str()).filter(|r| !r.is_empty()),
        "code": f.code(),
        "level": if e.is_some() { "element" } else { "segment" },
        "severity": f.severity.as_str(),
        "message": f.message,
        "value": f.value,
        "offset": f.offset,
    })
}

fn set_json(g: &GroupReport, s: &SetReport, policy: &Policy) -> Value {
    json!({
        "id": s.header.id,
        "control_number": s.header.control_number,
        "ack_code": g.set_ack_code(s, policy).to_string(),
        "error_codes": s.error_codes(),
        "errors": s.errors.iter().map(|e| json!({"code": e.code, "message": e.message, "offset": e.offset})).collect::<Vec<_>>(),
        "segments": s.segment_count,
        "findings": s.findings.iter().map(finding_json).collect::<Vec<_>>(),
    })
}

fn group_json(g: &GroupReport, policy: &Policy) -> Value {
    json!({
        "control_number": g.header.control_number,
        "functional_id": g.header.functional_id,
        "version": g.header.version,
        "ack_code": g.ack_code(policy).to_string(),
        "declared": g.declared_count,
        "received": g.sets.len(),
        "accepted": g.accepted(policy),
        "error_codes": g.error_codes(),
        "errors": g.errors.iter().map(|e| json!({"code": e.code, "message": e.message, "offset": e.offset})).collect::<Vec<_>>(),
        "transactions": g.sets.iter().map(|s| set_json(g, s, policy)).collect::<Vec<_>>(),
    })
}

fn interchange_json(i: &InterchangeReport, policy: &Policy, specs: &SpecSet) -> Value {
    let (code, note) = i.ta1_code();
    json!({
        "control_number": i.header.control_number,
        "sender": format!("{}:{}", i.header.sender.qualifier, i.header.sender.id),
        "receiver": format!("{}:{}", i.header.receiver.qualifier, i.header.receiver.id),
        "version": i.header.version,
        "ack_code": code.to_string(),
        "note": note,
        "note_text": describe(specs, "005010", "I18", &note),
        "findings": i.findings.iter().map(|f| json!({"note": f.note, "problem": f.problem, "severity": f.severity.as_str(), "message": f.message, "offset": f.offset})).collect::<Vec<_>>(),
        "groups": i.groups.iter().map(|g| group_json(g, policy)).collect::<Vec<_>>(),
    })
}

fn verdict(code: char) -> &'static str {
    match code {
        'A' => "accepted",
        'E' => "accepted, errors noted",
        'P' => "partially accepted",
        _ => "rejected",
    }
}

fn write_text(
    out: &mut impl Write,
    i: &InterchangeReport,
    policy: &Policy,
    specs: &SpecSet,
) -> io::Result<()> {
    {
        let h = &i.header;
        let (code, note) = i.ta1_code();
        write!(
            out,
            "interchange {} from {}:{} to {}:{} (ISA12 {}): envelope {}",
            h.control_number,
            h.sender.qualifier,
            h.sender.id,
            h.receiver.qualifier,
            h.receiver.id,
            h.version,
            verdict(code)
        )?;
        if note != "000" {
            write!(
                out,
                " — TA1 note {note}: {}",
                describe(specs, "005010", "I18", &note)
            )?;
        }
        writeln!(out)?;
        for f in &i.findings {
            writeln!(
                out,
                "  {} at byte {}: {}",
                f.severity.as_str(),
                f.offset,
                f.message
            )?;
        }
        for g in &i.groups {
            let v = g.header.version.as_str();
            let code = g.ack_code(policy);
            writeln!(
                out,
                "  group {} {} (version {}) from {} to {}: {} — {} received, {} accepted",
                g.header.functional_id,
                g.header.control_number,
                v,
                g.header.sender,
                g.header.receiver,
                verdict(code),
                g.sets.len(),
                g.accepted(policy)
            )?;
            for c in g.error_codes() {
                writeln!(out, "    AK905 {c}: {}", describe(specs, v, "716", &c))?;
            }
            for e in &g.errors {
                writeln!(out, "    error at byte {}: {}", e.offset, e.message)?;
            }
            for s in &g.sets {
                let code = g.set_ack_code(s, policy);
                writeln!(
                    out,
                    "    {} {}: {} ({} segments)",
                    s.header.id,
                    s.header.control_number,
                    verdict(code),
                    s.segment_count
                )?;
                for c in s.error_codes() {
                    writeln!(out, "      AK502 {c}: {}", describe(specs, v, "718", &c))?;
                }
                for e in &s.errors {
                    writeln!(out, "      error at byte {}: {}", e.offset, e.message)?;
                }
                for f in &s.findings {
                    let (element, list) = if f.element.is_some() {
                        ("AK403", "723")
                    } else {
                        ("AK304", "720")
                    };
                    let code = f.code();
                    writeln!(
                        out,
                        "      {} segment {} {}: {} [{element} {code} {}] (byte {})",
                        f.severity.as_str(),
                        f.position,
                        f.place(),
                        f.message,
                        describe(specs, v, list, code),
                        f.offset
                    )?;
                }
            }
        }
    }
    Ok(())
}

// Partner compliance ---------------------------------------------------------------------------

/// Each set's object in an interchange's JSON gains its `compliance`.
fn attach_compliance(interchange: &mut Value, sets: &[SetCompliance]) {
    let mut sets = sets.iter();
    let Some(groups) = interchange["groups"].as_array_mut() else {
        return;
    };
    for group in groups {
        let Some(transactions) = group["transactions"].as_array_mut() else {
            continue;
        };
        for transaction in transactions {
            if let Some(entry) = sets.next()
                && entry.partner.is_some()
            {
                transaction["compliance"] = json!({
                    "partner": entry.partner.as_ref().map(|(id, _)| id),
                    "direction": entry.partner.as_ref().map(|(_, d)| d),
                    "findings": entry.findings,
                    "deadlines": entry.deadlines,
                });
            }
        }
    }
}

fn write_compliance_text(out: &mut impl Write, sets: &[SetCompliance]) -> io::Result<()> {
    for entry in sets {
        // A set no profile names (found by its ISA ids) is the standard's alone.
        let Some((partner, direction)) = &entry.partner else {
            continue;
        };
        let way = match direction {
            Direction::Inbound => "from",
            _ => "to",
        };
        if entry.findings.is_empty() {
            writeln!(
                out,
                "  {} {} {way} {partner}: every partner rule met",
                entry.id, entry.control_number
            )?;
        } else {
            writeln!(
                out,
                "  {} {} {way} {partner}: {} partner rule finding(s)",
                entry.id,
                entry.control_number,
                entry.findings.len()
            )?;
            for f in &entry.findings {
                writeln!(out, "    {f}")?;
            }
        }
        for d in &entry.deadlines {
            writeln!(
                out,
                "    deadline: {} due by {}",
                d.what,
                d.due.format("%Y-%m-%d %H:%M")
            )?;
        }
    }
    Ok(())
}

/// The validation log's records for one interchange's sets: a line per broken rule, and a
/// line per set saying how it stood.
fn write_log(log: &mut impl Write, file: &str, at: &str, sets: &[SetCompliance]) -> io::Result<()> {
    for entry in sets {
        let Some((partner, direction)) = &entry.partner else {
            continue;
        };
        let document = json!({
            "file": file,
            "interchange": entry.interchange,
            "group": entry.group,
            "set": entry.id,
            "control_number": entry.control_number,
        });
        for finding in &entry.findings {
            let mut record = json!({
                "at": at,
                "document": document,
                "partner": partner,
                "direction": direction,
            });
            if let (Some(record), Value::Object(finding)) =
                (record.as_object_mut(), serde_json::to_value(finding)?)
            {
                record.extend(finding);
            }
            serde_json::to_writer(&mut *log, &record)?;
            writeln!(log)?;
        }
        let rejected = entry
            .findings
            .iter()
            .any(|f| f.severity == RuleSeverity::Reject);
        serde_json::to_writer(
            &mut *log,
            &json!({
                "at": at,
                "document": document,
                "partner": partner,
                "direction": direction,
                "result": if entry.findings.is_empty() {
                    "every rule met"
                } else if rejected {
                    "rejected"
                } else {
                    "accepted with findings"
                },
                "findings": entry.findings.len(),
            }),
        )?;
        writeln!(log)?;
    }
    Ok(())
}
