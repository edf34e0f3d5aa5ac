//! Building the reply interchange for a received one: a TA1 when it is due, and one 997 per
//! functional group (never for a group of 997s), version-matched to the group, with AK2..AK5
//! for every transaction set and AK3/AK4 detail for every error.

use std::io::Write;

use crate::validate::{Finding, GroupReport, InterchangeReport, Policy, SetReport};
use crate::x12::writer::{GroupEnvelope, InterchangeEnvelope};
use crate::x12::{Delimiters, InterchangeWriter, PartyId, WriteError};

/// When a TA1 goes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ta1Policy {
    /// Only when ISA14 asks for one.
    Requested,
    /// When ISA14 asks, and whenever the interchange has an error (the default).
    #[default]
    OnError,
    Always,
    Never,
}

/// What a reply needs that the received interchange does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckOptions {
    pub policy: Policy,
    pub ta1: Ta1Policy,
    /// ISA13 of the first reply interchange; each further reply takes the next number.
    pub interchange_control_number: u64,
    /// GS06 of the first 997 group; each further group takes the next number.
    pub group_control_number: u64,
    /// Now, in the sender's terms: CCYYMMDD and HHMM. Passed in: this module has no clock.
    pub date: String,
    pub time: String,
    /// Written after each segment terminator ("" for one long line).
    pub line_suffix: String,
}

/// What was written, and the control numbers to use next.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AckSummary {
    pub interchanges: usize,
    pub ta1s: usize,
    pub acknowledgements: usize,
    pub next_interchange_control_number: u64,
    pub next_group_control_number: u64,
}

/// Whether the interchange gets a TA1 under `policy`.
pub fn ta1_due(report: &InterchangeReport, policy: Ta1Policy) -> bool {
    let requested = report.header.ack_requested == "1";
    let (code, _) = report.ta1_code();
    match policy {
        Ta1Policy::Requested => requested,
        Ta1Policy::OnError => requested || code != 'A',
        Ta1Policy::Always => true,
        Ta1Policy::Never => false,
    }
}

/// The groups of `report` that get a 997: none when the interchange is rejected, never a
/// group of acknowledgements.
pub fn acknowledged_groups(report: &InterchangeReport) -> impl Iterator<Item = &GroupReport> {
    let rejected = report.ta1_code().0 == 'R';
    report
        .groups
        .iter()
        .filter(move |g| !rejected && g.header.functional_id != "FA")
}

/// Writes one reply interchange per received interchange that needs an answer.
pub fn write_replies<W: Write>(
    reports: &[InterchangeReport],
    options: &AckOptions,
    out: W,
) -> Result<(W, AckSummary), WriteError> {
    let mut summary = AckSummary {
        next_interchange_control_number: options.interchange_control_number,
        next_group_control_number: options.group_control_number,
        ..AckSummary::default()
    };
    let mut writer: Option<InterchangeWriter<W>> = None;
    let mut out = Some(out);
    for report in reports {
        let ta1 = ta1_due(report, options.ta1);
        let groups: Vec<&GroupReport> = acknowledged_groups(report).collect();
        if !ta1 && groups.is_empty() {
            continue;
        }
        let delimiters = reply_delimiters(report);
        // Delimiters may differ per interchange: a new writer each time, on the same output.
        let sink = match writer.take() {
            Some(w) => w.finish()?,
            None => out
                .take()
                .ok_or(WriteError::OutOfOrder("output already taken"))?,
        };
        // A partner whose terminator is a line break gets no extra line break after it.
        let suffix = if matches!(delimiters.segment, b'\n' | b'\r') {
            ""
        } else {
            options.line_suffix.as_str()
        };
        let mut w = InterchangeWriter::new(sink, delimiters, suffix)?;
        let received = &report.header;
        // A sender id of the wrong width was tolerated on the way in (with a warning); the
        // reply's fixed-width ISA cannot carry more than the width.
        let fit =
            |v: &str, width: usize| echo(v, &delimiters).chars().take(width).collect::<String>();
        let party = |p: &PartyId| PartyId {
            qualifier: fit(&p.qualifier, 2),
            id: fit(&p.id, 15),
        };
        let mut env = InterchangeEnvelope::new(
            party(&received.receiver),
            party(&received.sender),
            options.date.get(2..).unwrap_or(&options.date),
            &options.time,
            &reply_version(report),
            summary.next_interchange_control_number,
        );
        env.usage = received
            .usage
            .chars()
            .next()
            .filter(|c| matches!(c, 'P' | 'T' | 'I'))
            .unwrap_or('P');
        w.begin_interchange(&env)?;
        summary.next_interchange_control_number += 1;
        summary.interchanges += 1;
        if ta1 {
            let (code, note) = report.ta1_code();
            let code = code.to_string();
            w.control_segment(
                "TA1",
                &[
                    &echo(&received.control_number, &delimiters),
                    &echo(&received.date, &delimiters),
                    &echo(&received.time, &delimiters),
                    &code,
                    &note,
                ],
            )?;
            summary.ta1s += 1;
        }
        for group in groups {
            write_997(&mut w, group, options, summary.next_group_control_number)?;
            summary.next_group_control_number += 1;
            summary.acknowledgements += 1;
        }
        w.end_interchange()?;
        writer = Some(w);
    }
    let out = match writer {
        Some(w) => w.finish()?,
        None => out.ok_or(WriteError::OutOfOrder("output already taken"))?,
    };
    Ok((out, summary))
}

/// The reply's ISA12: the received one when it is a version (five digits), else 00401, the
/// version every partner reads (the TA1 then says what was wrong).
fn reply_version(report: &InterchangeReport) -> String {
    let v = &report.header.version;
    if v.len() == 5 && v.bytes().all(|b| b.is_ascii_digit()) {
        v.clone()
    } else {
        "00401".to_string()
    }
}

/// The received interchange's own delimiters, so the partner reads the reply as it writes;
/// a repetition separator is added when the version needs one and the partner's has none.
fn reply_delimiters(report: &InterchangeReport) -> Delimiters {
    let mut d = report.header.delimiters;
    if d.check().is_err() {
        // The partner's own delimiters are unusable (the TA1 says so): answer with the
        // common ones.
        d = Delimiters::COMMON;
        d.repetition = None;
    }
    if reply_version(report).as_str() >= "00402" && d.repetition.is_none() {
        d.repetition = [b'^', b'{', b'!', b'|']
            .into_iter()
            .find(|&c| c != d.element && c != d.component && c != d.segment);
    }
    d
}

fn write_997<W: Write>(
    w: &mut InterchangeWriter<W>,
    group: &GroupReport,
    options: &AckOptions,
    control_number: u64,
) -> Result<(), WriteError> {
    let received = &group.header;
    let delimiters = w.delimiters();
    // The version the reply's GS08 carries decides its 997's layout: the received one,
    // as it can be written back.
    let version_written = echo(&received.version, &delimiters);
    let modern = version_written.as_str() >= "005010";
    w.begin_group(&GroupEnvelope {
        functional_id: "FA".into(),
        sender: echo(&received.receiver, &delimiters),
        receiver: echo(&received.sender, &delimiters),
        // GS04 is CCYYMMDD from 004000 on, YYMMDD before, as the envelope checker reads it.
        date: if crate::x12::envelope::gs04_is_ccyymmdd(version_written.as_bytes()) {
            options.date.clone()
        } else {
            options.date.get(2..).unwrap_or(&options.date).to_string()
        },
        time: options.time.clone(),
        control_number,
        version: version_written.clone(),
    })?;
    w.begin_transaction("997", 1)?;
    let version = if modern { version_written.as_str() } else { "" };
    let d = delimiters;
    w.segment(
        "AK1",
        &[
            &echo(&received.functional_id, &d),
            &echo(&received.control_number, &d),
            // AK103 is AN 1/12 and AK203 AN 1/35: a longer GS08 or ST03 is cut to fit.
            &echo(version, &d).chars().take(12).collect::<String>(),
        ],
    )?;
    for set in &group.sets {
        let code = group.set_ack_code(set, &options.policy);
        write_set(w, set, code, modern)?;
    }
    let code = group.ack_code(&options.policy).to_string();
    let received_count = group.sets.len().to_string();
    let declared = group
        .declared_count
        .map_or(received_count.clone(), |n| n.to_string());
    let accepted = group.accepted(&options.policy).to_string();
    let errors = group.error_codes();
    let mut ak9: Vec<&str> = vec![&code, &declared, &received_count, &accepted];
    ak9.extend(errors.iter().map(String::as_str));
    w.segment("AK9", &ak9)?;
    w.end_transaction()?;
    w.end_group()
}

fn write_set<W: Write>(
    w: &mut InterchangeWriter<W>,
    set: &SetReport,
    code: char,
    modern: bool,
) -> Result<(), WriteError> {
    let d = w.delimiters();
    let reference = if modern {
        set.header.implementation_reference.as_str()
    } else {
        ""
    };
    w.segment(
        "AK2",
        &[
            &echo(&set.header.id, &d),
            &echo(&set.header.control_number, &d),
            &echo(reference, &d).chars().take(35).collect::<String>(),
        ],
    )?;
    let mut errors: Vec<&Finding> = set.errors_for_ack().collect();
    // Segment order, segment-level findings first at each position.
    errors.sort_by_key(|f| {
        (
            f.position,
            f.element.is_some(),
            f.element.as_ref().map(|e| (e.position, e.component)),
        )
    });
    let mut i = 0;
    while i < errors.len() {
        let f = errors[i];
        let loop_id = f.loop_id.as_deref().unwrap_or("");
        let loop_id = &loop_id[..loop_id.len().min(if modern { 6 } else { 4 })];
        let position = f.position.to_string();
        match (&f.segment_error, &f.element) {
            (Some(error), None) => {
                w.segment(
                    "AK3",
                    &[&echo(&f.segment_id, &d), &position, loop_id, error.code()],
                )?;
                i += 1;
            }
            _ => {
                w.segment("AK3", &[&echo(&f.segment_id, &d), &position, loop_id, "8"])?;
                let mut written = 0;
                while i < errors.len()
                    && errors[i].position == f.position
                    && errors[i].segment_id == f.segment_id
                    && errors[i].element.is_some()
                {
                    if written < 99 {
                        write_ak4(w, errors[i], &d, modern)?;
                        written += 1;
                    }
                    i += 1;
                }
            }
        }
    }
    let code = code.to_string();
    let codes = set.error_codes();
    let mut ak5: Vec<&str> = vec![&code];
    ak5.extend(codes.iter().map(String::as_str));
    w.segment("AK5", &ak5)
}

fn write_ak4<W: Write>(
    w: &mut InterchangeWriter<W>,
    f: &Finding,
    d: &Delimiters,
    modern: bool,
) -> Result<(), WriteError> {
    let Some(e) = &f.element else { return Ok(()) };
    let position = e.position.to_string();
    let component = e.component.map(|c| c.to_string()).unwrap_or_default();
    let repetition = if modern {
        e.repetition.map(|r| r.to_string()).unwrap_or_default()
    } else {
        String::new()
    };
    let bad = f
        .value
        .as_deref()
        .map(|v| copy_of_bad_value(v, d))
        .unwrap_or_default();
    let reference = if e.reference.bytes().all(|b| b.is_ascii_digit()) {
        e.reference.as_str()
    } else {
        ""
    };
    w.segment_parts(
        "AK4",
        &[
            vec![vec![
                position.as_str(),
                component.as_str(),
                repetition.as_str(),
            ]],
            vec![vec![reference]],
            vec![vec![e.error.code()]],
            vec![vec![bad.as_str()]],
        ],
    )
}

/// A value of the received interchange written back in the reply (control numbers, ids):
/// a delimiter or unprintable byte in it (an error the validator has reported) could not
/// travel, so it is left out.
fn echo(value: &str, d: &Delimiters) -> String {
    value
        .chars()
        .filter(|c| (' '..='~').contains(c) && !d.is_delimiter(*c as u8))
        .collect()
}

/// AK404 is AN 1..99 and travels in the reply interchange: delimiters and characters outside
/// printable ASCII could not, so they are left out of the copy.
fn copy_of_bad_value(value: &str, d: &Delimiters) -> String {
    let keep = |c: &char| (' '..='~').contains(c) && !d.is_delimiter(*c as u8);
    let s: String = value.chars().filter(keep).take(99).collect();
    s.trim_end().to_string()
}
