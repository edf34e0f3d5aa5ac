//! A received message through the pipeline, committed as one step: its interchanges,
//! groups and sets with their verdicts, the validation log, the canonical documents and
//! the order book, our reply (997s, TA1) queued for delivery, and what the partner's own
//! 997s and TA1s say about what we sent. Duplicates are recorded and answered, not
//! processed.

use chrono::NaiveDateTime;
use serde_json::json;

use super::analysis::{Analysis, ReceivedInterchange, ReceivedSet};
use super::reply::{self, Reply};
use super::{Engine, EngineError};
use crate::map::ack_read::{FunctionalAck, InterchangeAck};
use crate::partner::Profile;
use crate::store::{
    Direction, JobKind, MessageRecord, NewAck, NewDocument, NewFinding, NewGroup, NewInterchange,
    NewMessage, NewSet, Tx,
};
use crate::validate::{Finding, InterchangeReport, SetReport};

/// The words the store uses for an acknowledgement code (AK501, AK901, TA104).
pub fn verdict(code: char) -> &'static str {
    match code {
        'A' => "accepted",
        'E' => "accepted_with_errors",
        'P' => "partially_accepted",
        'R' => "rejected",
        _ => "unknown",
    }
}

/// The worse of two message verdicts.
fn worse(a: &'static str, b: &'static str) -> &'static str {
    let rank = |v: &str| match v {
        "accepted" => 0,
        "accepted_with_errors" => 1,
        "partially_accepted" => 2,
        "duplicate" => 3,
        _ => 4,
    };
    if rank(b) > rank(a) { b } else { a }
}

const ACTOR: &str = "engine:receive";

impl Engine {
    /// Commits what `analysis` found in `message`; returns the message's new status.
    pub(super) fn commit_received(
        &self,
        tx: &mut Tx<'_>,
        message: &MessageRecord,
        analysis: &Analysis,
        now: NaiveDateTime,
    ) -> Result<&'static str, EngineError> {
        if let Some(reason) = &analysis.unreadable {
            return Err(EngineError::Permanent(format!(
                "message {} ({}): {reason}",
                message.id,
                message.origin.as_deref().unwrap_or("submitted")
            )));
        }
        let mut profiles = Vec::with_capacity(analysis.interchanges.len());
        for interchange in &analysis.interchanges {
            let profile = interchange
                .partner
                .as_deref()
                .and_then(|id| self.partner(id));
            let Some(profile) = profile else {
                return Err(EngineError::Permanent(format!(
                    "interchange {} from {} to {}: no partner profile has these ISA ids (an \
                     unknown trading relationship); add the partner to partners/ \
                     (partners/README.md) or correct the ids, then `edigate replay {}`",
                    interchange.report.header.control_number,
                    interchange.sender,
                    interchange.receiver,
                    message.id
                )));
            };
            profiles.push(profile);
        }
        let mut status = "accepted";
        for (interchange, profile) in analysis.interchanges.iter().zip(profiles) {
            let header = &interchange.report.header;
            let since = now - self.config.duplicate_window;
            let earlier = tx.received_interchange(
                &interchange.sender,
                &interchange.receiver,
                &header.control_number,
                since,
            )?;
            let copy = message.duplicate_of.is_some() || earlier.is_some();
            let verdict_here = if copy {
                "duplicate"
            } else {
                verdict(interchange.report.ta1_code().0)
            };
            let interchange_id = tx.insert_interchange(&NewInterchange {
                message_id: message.id,
                direction: Direction::In,
                partner: Some(&profile.id),
                sender: &interchange.sender,
                receiver: &interchange.receiver,
                control_number: &header.control_number,
                version: &header.version,
                test: header.usage == "T",
                status: verdict_here,
                duplicate_of: earlier.as_ref().map(|e| e.id),
                at: now,
            })?;
            if !copy {
                self.record_envelope_findings(tx, message.id, &interchange.report)?;
            }
            let answer = reply::reply_report(&interchange.report, profile, copy);
            let reply = self.queue_reply(tx, profile, &answer, interchange_id, now)?;
            if copy {
                status = worse(status, "duplicate");
                continue;
            }
            status = worse(status, verdict_here);
            let set_status = self.record_groups(
                tx,
                message,
                interchange,
                profile,
                interchange_id,
                reply.as_ref(),
                now,
            )?;
            status = worse(status, set_status);
            self.apply_partner_acks(tx, message, analysis, profile, &header.control_number, now)?;
        }
        if message.duplicate_of.is_some() {
            // The copy was recorded as such when it arrived; it stays a duplicate (also
            // when it is replayed after a failure).
            if message.status != "duplicate" {
                tx.set_message_status(
                    message.id,
                    "duplicate",
                    message.note.as_deref(),
                    ACTOR,
                    now,
                )?;
            }
            return Ok("duplicate");
        }
        tx.change_message_status(message.id, &message.status, status, None, false, ACTOR, now)?;
        Ok(status)
    }

    /// The reply to one interchange, when its partner's policy calls for one: numbered,
    /// written, kept as an outbound message with its envelope rows, and queued for
    /// delivery.
    fn queue_reply(
        &self,
        tx: &mut Tx<'_>,
        profile: &Profile,
        answer: &InterchangeReport,
        answers: i64,
        now: NaiveDateTime,
    ) -> Result<Option<(i64, Reply)>, EngineError> {
        let (interchanges, groups) = reply::numbers_needed(answer, profile.ta1);
        if interchanges == 0 {
            return Ok(None);
        }
        let isa13 = tx.allocate(&profile.id, "isa13", 1)?;
        let gs06 = if groups > 0 {
            tx.allocate(&profile.id, "gs06", groups)?
        } else {
            0
        };
        let reply = reply::write(answer, profile, &self.config.policy, isa13, gs06, now)?;
        let sha = super::inbox::sha256_hex(&reply.bytes);
        let isa13_text = format!("{isa13:09}");
        let origin = format!(
            "{}-{}-{isa13_text}.x12",
            profile.id,
            if reply.acks.is_empty() { "TA1" } else { "997" }
        );
        let reply_id = tx.insert_message(&NewMessage {
            direction: Direction::Out,
            kind: "ack",
            partner: Some(&profile.id),
            channel: channel_of(profile),
            origin: Some(&origin),
            sha256: &sha,
            body: &reply.bytes,
            status: "queued",
            duplicate_of: None,
            note: None,
            at: now,
        })?;
        tx.audit(ACTOR, "message", reply_id, None, "queued", None, now)?;
        let ours = tx.insert_interchange(&NewInterchange {
            message_id: reply_id,
            direction: Direction::Out,
            partner: Some(&profile.id),
            sender: &super::analysis::party(&answer.header.receiver),
            receiver: &super::analysis::party(&answer.header.sender),
            control_number: &isa13_text,
            version: &answer.header.version,
            test: answer.header.usage == "T",
            status: "queued",
            duplicate_of: None,
            at: now,
        })?;
        if let Some((code, note)) = &reply.ta1 {
            tx.insert_ack(&NewAck {
                direction: Direction::Out,
                kind: "TA1",
                message_id: reply_id,
                partner: Some(&profile.id),
                interchange_control_number: &answer.header.control_number,
                functional_id: None,
                group_control_number: None,
                code: &format!("{code} {note}"),
                interchange_id: Some(answers),
                group_id: None,
                at: now,
            })?;
        }
        for &(index, number, _) in &reply.acks {
            let received = &answer.groups[index].header;
            tx.insert_group(&NewGroup {
                interchange_id: ours,
                message_id: reply_id,
                direction: Direction::Out,
                partner: Some(&profile.id),
                functional_id: "FA",
                control_number: &number.to_string(),
                version: &received.version,
                set_count: 1,
                verdict: None,
                // Nobody acknowledges an acknowledgement.
                ack_status: "not_expected",
                ack_due_at: None,
                ack_message_id: None,
                at: now,
            })?;
        }
        // Claimed by this worker as it is made: delivered right after the commit.
        tx.enqueue_claimed(
            JobKind::Deliver,
            Some(reply_id),
            &self.owner,
            now + self.config.lease,
            now,
        )?;
        Ok(Some((reply_id, reply)))
    }

    /// The interchange's groups and sets with their verdicts, the validation log, the
    /// documents and the order book; returns the worst set verdict.
    #[allow(clippy::too_many_arguments)]
    fn record_groups(
        &self,
        tx: &mut Tx<'_>,
        message: &MessageRecord,
        interchange: &ReceivedInterchange,
        profile: &Profile,
        interchange_id: i64,
        reply: Option<&(i64, Reply)>,
        now: NaiveDateTime,
    ) -> Result<&'static str, EngineError> {
        let policy = &self.config.policy;
        let mut worst = "accepted";
        let mut sets = interchange.sets.iter();
        for (index, group) in interchange.report.groups.iter().enumerate() {
            let code = group.ack_code(policy);
            let ack = reply.and_then(|(id, r)| {
                r.acks
                    .iter()
                    .find(|(i, _, _)| *i == index)
                    .map(|(_, number, code)| (*id, *number, *code))
            });
            let group_id = tx.insert_group(&NewGroup {
                interchange_id,
                message_id: message.id,
                direction: Direction::In,
                partner: Some(&profile.id),
                functional_id: &group.header.functional_id,
                control_number: &group.header.control_number,
                version: &group.header.version,
                set_count: group.sets.len() as i64,
                verdict: Some(&code.to_string()),
                ack_status: if ack.is_some() {
                    "acknowledged"
                } else {
                    "not_acknowledged"
                },
                ack_due_at: None,
                ack_message_id: ack.map(|a| a.0),
                at: now,
            })?;
            if let Some((reply_id, _, code)) = ack {
                tx.insert_ack(&NewAck {
                    direction: Direction::Out,
                    kind: "997",
                    message_id: reply_id,
                    partner: Some(&profile.id),
                    interchange_control_number: &interchange.report.header.control_number,
                    functional_id: Some(&group.header.functional_id),
                    group_control_number: Some(&group.header.control_number),
                    code: &code.to_string(),
                    interchange_id: Some(interchange_id),
                    group_id: Some(group_id),
                    at: now,
                })?;
            }
            for error in &group.errors {
                tx.insert_findings(&[NewFinding {
                    message_id: message.id,
                    transaction_set_id: None,
                    origin: "envelope",
                    rule: Some(&format!("AK905 {}", error.code)),
                    severity: "error",
                    segment_position: None,
                    element: None,
                    byte_offset: Some(error.offset as i64),
                    text: &error.message,
                    detail: None,
                }])?;
            }
            for set in &group.sets {
                let received = sets.next();
                let mut status = verdict(group.set_ack_code(set, policy));
                if received.is_some_and(|r| r.rejected_by_partner) {
                    status = "rejected";
                }
                worst = worse(worst, status);
                let set_row = tx.insert_set(&NewSet {
                    group_id,
                    message_id: message.id,
                    direction: Direction::In,
                    partner: Some(&profile.id),
                    set_id: &set.header.id,
                    control_number: &set.header.control_number,
                    status,
                    document_id: None,
                    at: now,
                })?;
                record_set_findings(tx, message.id, set_row, set, received)?;
                if status != "rejected"
                    && let Some(document) = received.and_then(|r| r.document.as_ref())
                {
                    let document_id = tx.insert_document(&NewDocument {
                        direction: Direction::In,
                        partner: &profile.id,
                        kind: document.kind,
                        number: &document.number,
                        order_number: document.order_number.as_deref(),
                        message_id: Some(message.id),
                        transaction_set_id: Some(set_row),
                        status: "received",
                        body: &document.json,
                        note: None,
                        at: now,
                    })?;
                    tx.link_set_document(set_row, document_id)?;
                    if document.kind == "purchase_order" {
                        tx.book_order(
                            &profile.id,
                            &document.number,
                            document.date.as_deref(),
                            document_id,
                            now,
                        )?;
                    }
                }
            }
        }
        Ok(worst)
    }

    fn record_envelope_findings(
        &self,
        tx: &mut Tx<'_>,
        message_id: i64,
        report: &InterchangeReport,
    ) -> Result<(), EngineError> {
        let rules: Vec<String> = report
            .findings
            .iter()
            .map(|f| match &f.note {
                Some(note) => format!("TA105 {note}"),
                None => f.problem.to_owned(),
            })
            .collect();
        let findings: Vec<NewFinding<'_>> = report
            .findings
            .iter()
            .zip(&rules)
            .map(|(f, rule)| NewFinding {
                message_id,
                transaction_set_id: None,
                origin: "envelope",
                rule: Some(rule),
                severity: f.severity.as_str(),
                segment_position: None,
                element: None,
                byte_offset: Some(f.offset as i64),
                text: &f.message,
                detail: None,
            })
            .collect();
        tx.insert_findings(&findings)?;
        Ok(())
    }

    /// What the partner's 997s and TA1s in this interchange say about what we sent.
    fn apply_partner_acks(
        &self,
        tx: &mut Tx<'_>,
        message: &MessageRecord,
        analysis: &Analysis,
        profile: &Profile,
        isa13: &str,
        now: NaiveDateTime,
    ) -> Result<(), EngineError> {
        for ack in analysis
            .acks
            .functional_acks
            .iter()
            .filter(|a| a.carried_by.0 == isa13)
        {
            self.apply_997(tx, message, profile, ack, now)?;
        }
        for ack in analysis
            .acks
            .interchange_acks
            .iter()
            .filter(|a| a.carried_by == isa13)
        {
            self.apply_ta1(tx, message, profile, ack, now)?;
        }
        Ok(())
    }

    fn apply_997(
        &self,
        tx: &mut Tx<'_>,
        message: &MessageRecord,
        profile: &Profile,
        ack: &FunctionalAck,
        now: NaiveDateTime,
    ) -> Result<(), EngineError> {
        let number = ack.group_control_number.trim_start_matches('0');
        let ours = tx.sent_group(&profile.id, &ack.functional_id, number)?;
        let code = ack.code.chars().next().unwrap_or('?');
        let Some(group) = ours else {
            let text = format!(
                "a 997 acknowledges {} group {} (AK9 {}), which we did not send to {}",
                ack.functional_id, ack.group_control_number, ack.code, profile.id
            );
            tx.insert_findings(&[NewFinding {
                message_id: message.id,
                transaction_set_id: None,
                origin: "engine",
                rule: Some("UNMATCHED-997"),
                severity: "warning",
                segment_position: None,
                element: None,
                byte_offset: Some(ack.offset as i64),
                text: &text,
                detail: None,
            }])?;
            tx.insert_ack(&NewAck {
                direction: Direction::In,
                kind: "997",
                message_id: message.id,
                partner: Some(&profile.id),
                interchange_control_number: "",
                functional_id: Some(&ack.functional_id),
                group_control_number: Some(&ack.group_control_number),
                code: &ack.code,
                interchange_id: None,
                group_id: None,
                at: now,
            })?;
            return Ok(());
        };
        let interchange = tx
            .interchanges_of_message(group.message_id)?
            .into_iter()
            .find(|i| i.id == group.interchange_id);
        tx.insert_ack(&NewAck {
            direction: Direction::In,
            kind: "997",
            message_id: message.id,
            partner: Some(&profile.id),
            interchange_control_number: interchange
                .as_ref()
                .map_or("", |i| i.control_number.as_str()),
            functional_id: Some(&ack.functional_id),
            group_control_number: Some(&ack.group_control_number),
            code: &ack.code,
            interchange_id: Some(group.interchange_id),
            group_id: Some(group.id),
            at: now,
        })?;
        let note = (group.ack_status == "overdue").then(|| "arrived after it was due".to_owned());
        tx.set_group_ack(
            group.id,
            verdict(code),
            Some(message.id),
            Some(now),
            ACTOR,
            note.as_deref(),
            now,
        )?;
        if ack.sets.is_empty() {
            tx.set_group_sets_status(group.id, verdict(code))?;
        }
        for set in &ack.sets {
            let set_code = set.code.chars().next().unwrap_or('?');
            tx.set_set_status(
                group.id,
                set.control_number.trim_start_matches('0'),
                verdict(set_code),
            )?;
            tx.set_set_status(group.id, &set.control_number, verdict(set_code))?;
        }
        Ok(())
    }

    fn apply_ta1(
        &self,
        tx: &mut Tx<'_>,
        message: &MessageRecord,
        profile: &Profile,
        ack: &InterchangeAck,
        now: NaiveDateTime,
    ) -> Result<(), EngineError> {
        let ours = tx.sent_interchange(&profile.id, &ack.control_number)?;
        tx.insert_ack(&NewAck {
            direction: Direction::In,
            kind: "TA1",
            message_id: message.id,
            partner: Some(&profile.id),
            interchange_control_number: &ack.control_number,
            functional_id: None,
            group_control_number: None,
            code: &format!("{} {}", ack.code, ack.note),
            interchange_id: ours.as_ref().map(|i| i.id),
            group_id: None,
            at: now,
        })?;
        if ack.code == "R"
            && let Some(interchange) = ours
        {
            for group in tx.groups_of_message(interchange.message_id)? {
                if group.interchange_id == interchange.id {
                    let note = format!(
                        "the partner's TA1 rejected interchange {} ({})",
                        ack.control_number, ack.note
                    );
                    tx.set_group_ack(
                        group.id,
                        "rejected",
                        Some(message.id),
                        Some(now),
                        ACTOR,
                        Some(&note),
                        now,
                    )?;
                    tx.set_group_sets_status(group.id, "rejected")?;
                }
            }
        }
        Ok(())
    }
}

/// Where the partner's messages go, by name.
pub(super) fn channel_of(profile: &Profile) -> &'static str {
    match &profile.transport {
        Some(t) if t.as2.is_some() => "as2",
        Some(t) if t.sftp.is_some() => "sftp",
        _ => "folder",
    }
}

/// The set's findings into the validation log: the standard's, the partner's rules', the
/// envelope's and the mapping's.
fn record_set_findings(
    tx: &mut Tx<'_>,
    message_id: i64,
    set_row: i64,
    set: &SetReport,
    received: Option<&ReceivedSet>,
) -> Result<(), EngineError> {
    let standard: Vec<(&Finding, String, String)> = set
        .findings
        .iter()
        .filter(|f| f.extra_rule.is_none())
        .map(|f| {
            let code = if f.element.is_some() {
                format!("AK403 {}", f.code())
            } else {
                format!("AK304 {}", f.code())
            };
            let detail = json!({
                "segment": f.segment_id,
                "place": f.place(),
                "loop": f.loop_id,
                "value": f.value,
            })
            .to_string();
            (f, code, detail)
        })
        .collect();
    let mut rows: Vec<NewFinding<'_>> = standard
        .iter()
        .map(|(f, code, detail)| NewFinding {
            message_id,
            transaction_set_id: Some(set_row),
            origin: "standard",
            rule: Some(code),
            severity: f.severity.as_str(),
            segment_position: Some(i64::from(f.position)),
            element: f.element.as_ref().map(|_| f.place()),
            byte_offset: Some(f.offset as i64),
            text: &f.message,
            detail: Some(detail),
        })
        .collect();
    let set_errors: Vec<String> = set
        .errors
        .iter()
        .map(|e| format!("AK502 {}", e.code))
        .collect();
    rows.extend(
        set.errors
            .iter()
            .zip(&set_errors)
            .map(|(e, code)| NewFinding {
                message_id,
                transaction_set_id: Some(set_row),
                origin: "envelope",
                rule: Some(code),
                severity: "error",
                segment_position: None,
                element: None,
                byte_offset: Some(e.offset as i64),
                text: &e.message,
                detail: None,
            }),
    );
    let partner: Vec<String> = received
        .map(|r| {
            r.compliance
                .iter()
                .map(|f| serde_json::to_string(f).unwrap_or_default())
                .collect()
        })
        .unwrap_or_default();
    if let Some(r) = received {
        rows.extend(
            r.compliance
                .iter()
                .zip(&partner)
                .map(|(f, detail)| NewFinding {
                    message_id,
                    transaction_set_id: Some(set_row),
                    origin: "partner",
                    rule: Some(&f.rule),
                    severity: f.severity.as_str(),
                    segment_position: Some(i64::from(f.position)),
                    element: f.element.clone(),
                    byte_offset: Some(f.offset as i64),
                    text: &f.message,
                    detail: Some(detail),
                }),
        );
        rows.extend(r.map_findings.iter().map(|detail| NewFinding {
            message_id,
            transaction_set_id: Some(set_row),
            origin: "map",
            rule: None,
            severity: "warning",
            segment_position: None,
            element: None,
            byte_offset: None,
            text: "a value could not be read into the canonical document",
            detail: Some(detail),
        }));
    }
    tx.insert_findings(&rows)?;
    Ok(())
}
