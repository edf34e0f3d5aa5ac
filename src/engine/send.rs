//! The outbox: a canonical document of ours written as X12 for its partner — the partner's
//! envelope, control numbers allocated in the same transaction that keeps the interchange
//! (never reused, never lost), the partner's outbound rules, the 997 we then expect and
//! by when — and queued for delivery.

use chrono::{NaiveDateTime, TimeDelta};

use super::receive::channel_of;
use super::{Engine, EngineError};
use crate::document::order::PurchaseOrder;
use crate::document::ship_notice::ShipNotice;
use crate::map::outbound::{DocumentKind, OutboundDocument};
use crate::partner::compliance::Related;
use crate::partner::outbound::{ControlNumbers, compliance_with, envelope};
use crate::partner::rules::RuleSeverity;
use crate::store::{
    Direction, Job, JobKind, NewDocument, NewGroup, NewInterchange, NewMessage, NewSet, Tx,
};

const ACTOR: &str = "engine:send";

impl Engine {
    /// Puts a document in the outbox for `partner`; returns its id. It is checked as far
    /// as it can be without control numbers (it reads as its kind, the partner trades the
    /// set) so that a caller hears at once what is wrong.
    pub fn queue_document(
        &self,
        partner: &str,
        kind: DocumentKind,
        json: &str,
        actor: &str,
    ) -> Result<i64, EngineError> {
        let Some(profile) = self.partner(partner) else {
            return Err(EngineError::Permanent(format!(
                "there is no partner '{partner}' (partners: {})",
                self.partners
                    .profiles
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        let document = OutboundDocument::from_json(kind, json).map_err(|e| {
            EngineError::Permanent(format!(
                "not a canonical {} (see samples/documents/ for the shape): {e}",
                kind.words()
            ))
        })?;
        if profile.version_for(kind.set_id()).is_none() {
            return Err(EngineError::Permanent(format!(
                "partner {partner} trades no {} ({}): its profile's envelope.versions names {}",
                kind.set_id(),
                kind.words(),
                profile
                    .versions
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let now = self.clock.now();
        let body = document.to_json();
        self.store.write(|tx| {
            let id = tx.insert_document(&NewDocument {
                direction: Direction::Out,
                partner,
                kind: kind.name(),
                number: document.number(),
                order_number: order_number(&document).as_deref(),
                message_id: None,
                transaction_set_id: None,
                status: "queued",
                body: &body,
                note: None,
                at: now,
            })?;
            tx.audit(actor, "document", id, None, "queued", None, now)?;
            tx.enqueue(JobKind::Send, None, Some(id), now)?;
            Ok(id)
        })
    }

    /// Writes the document of `job` and queues it for delivery, in one transaction.
    pub(super) fn send(&self, job: &Job) -> Result<(), EngineError> {
        let Some(id) = job.document_id else {
            return Err(EngineError::Permanent(format!(
                "job {} names no document",
                job.id
            )));
        };
        let now = self.clock.now();
        let result = self.store.write(|tx| {
            tx.savepoint(|tx| self.write_document(tx, id, now))?;
            tx.complete_job(job.id, &self.owner, now)?;
            Ok::<_, EngineError>(())
        });
        if let Err(EngineError::Permanent(reason)) = &result {
            // Refused for good: the document says why, beside the exception.
            self.store.write(|tx| {
                tx.set_document_status(id, "refused", None, Some(reason), ACTOR, now)
            })?;
        }
        result
    }

    fn write_document(
        &self,
        tx: &mut Tx<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<(), EngineError> {
        let record = tx.document(id)?;
        let kind = DocumentKind::from_name(&record.kind).ok_or_else(|| {
            EngineError::Permanent(format!(
                "document {id} is of an unknown kind '{}'",
                record.kind
            ))
        })?;
        let Some(profile) = self.partner(&record.partner) else {
            return Err(EngineError::Permanent(format!(
                "document {id} is for partner '{}', who has no profile",
                record.partner
            )));
        };
        let document = OutboundDocument::from_json(kind, &record.body)
            .map_err(|e| EngineError::Permanent(format!("document {id} cannot be read: {e}")))?;
        let isa13 = tx.allocate(&profile.id, "isa13", 1)?;
        let gs06 = tx.allocate(&profile.id, "gs06", 1)?;
        let numbers = ControlNumbers {
            interchange: isa13,
            group: gs06,
            transaction_set: 1,
        };
        let envelope = envelope(profile, kind.set_id(), numbers, now)
            .map_err(|e| EngineError::Permanent(e.to_string()))?;
        let mut bytes = Vec::new();
        let outcome = document.emit(&envelope, &mut bytes).map_err(|e| {
            let problems: Vec<String> = e.refusals().iter().map(|r| r.to_string()).collect();
            EngineError::Permanent(if problems.is_empty() {
                format!(
                    "{} {} cannot be written: {e}",
                    kind.words(),
                    document.number()
                )
            } else {
                format!(
                    "{} {} refused: {}",
                    kind.words(),
                    document.number(),
                    problems.join("; ")
                )
            })
        })?;
        let (order, notices, notices_sent) = self.related(tx, &profile.id, &document)?;
        let related = Related {
            order: order.as_ref(),
            notices: &notices,
            notices_sent: &notices_sent,
        };
        let findings = compliance_with(profile, &bytes, &related);
        let rejects: Vec<String> = findings
            .iter()
            .filter(|f| f.severity == RuleSeverity::Reject)
            .map(|f| f.to_string())
            .collect();
        if !rejects.is_empty() {
            return Err(EngineError::Permanent(format!(
                "{} {} breaks partner {}'s rules and is not sent: {}",
                kind.words(),
                document.number(),
                profile.id,
                rejects.join("; ")
            )));
        }
        let isa13_text = format!("{isa13:09}");
        let origin = format!("{}-{}-{isa13_text}.x12", profile.id, kind.set_id());
        let unchecked = match (&document, order_number(&document), &order) {
            (OutboundDocument::Invoice(_) | OutboundDocument::ShipNotice(_), Some(po), None) => {
                Some(format!(
                    "; order {po} is not in the order book, so the partner's rules that hold \
                     a document to its order were not checked"
                ))
            }
            _ => None,
        };
        let note = format!("{}{}", outcome.summary, unchecked.unwrap_or_default());
        let sha = super::inbox::sha256_hex(&bytes);
        let message_id = tx.insert_message(&NewMessage {
            direction: Direction::Out,
            kind: "document",
            partner: Some(&profile.id),
            channel: channel_of(profile),
            origin: Some(&origin),
            sha256: &sha,
            body: &bytes,
            status: "queued",
            duplicate_of: None,
            note: Some(&note),
            at: now,
        })?;
        tx.audit(
            ACTOR,
            "message",
            message_id,
            None,
            "queued",
            Some(&note),
            now,
        )?;
        let interchange_id = tx.insert_interchange(&NewInterchange {
            message_id,
            direction: Direction::Out,
            partner: Some(&profile.id),
            sender: &super::analysis::party(&envelope.sender),
            receiver: &super::analysis::party(&envelope.receiver),
            control_number: &isa13_text,
            // ISA12, as for the interchanges we receive.
            version: envelope.version.get(..5).unwrap_or(&envelope.version),
            test: profile.test,
            status: "queued",
            duplicate_of: None,
            at: now,
        })?;
        // Pending from now; the 997 clock starts when it is delivered.
        let expected = profile.expect_997_within_hours.is_some();
        let group_id = tx.insert_group(&NewGroup {
            interchange_id,
            message_id,
            direction: Direction::Out,
            partner: Some(&profile.id),
            functional_id: kind.functional_id(),
            control_number: &gs06.to_string(),
            version: &envelope.version,
            set_count: 1,
            verdict: None,
            ack_status: if expected { "pending" } else { "not_expected" },
            ack_due_at: None,
            ack_message_id: None,
            at: now,
        })?;
        tx.audit(
            ACTOR,
            "group",
            group_id,
            None,
            if expected { "pending" } else { "not_expected" },
            None,
            now,
        )?;
        tx.insert_set(&NewSet {
            group_id,
            message_id,
            direction: Direction::Out,
            partner: Some(&profile.id),
            set_id: kind.set_id(),
            control_number: "0001",
            status: if expected { "pending" } else { "sent" },
            document_id: Some(id),
            at: now,
        })?;
        tx.set_document_status(id, "sent", Some(message_id), None, ACTOR, now)?;
        tx.enqueue(JobKind::Deliver, Some(message_id), None, now)?;
        Ok(())
    }
}

/// The purchase order a document belongs to.
fn order_number(document: &OutboundDocument) -> Option<String> {
    match document {
        OutboundDocument::Invoice(i) => i.purchase_order.clone(),
        OutboundDocument::ShipNotice(n) => n.orders.first().map(|o| o.purchase_order.clone()),
        OutboundDocument::PurchaseOrder(p) => Some(p.number.clone()),
        OutboundDocument::Remittance(_) => None,
    }
}

type RelatedDocuments = (Option<PurchaseOrder>, Vec<ShipNotice>, Vec<NaiveDateTime>);

impl Engine {
    /// What the partner's consistency rules hold `document` to: the order it belongs to,
    /// as booked when it arrived, and (for an invoice) the ship notices we sent for it and
    /// when, to the minute an ISA carries.
    fn related(
        &self,
        tx: &mut Tx<'_>,
        partner: &str,
        document: &OutboundDocument,
    ) -> Result<RelatedDocuments, EngineError> {
        let Some(po) = order_number(document) else {
            return Ok((None, Vec::new(), Vec::new()));
        };
        if matches!(document, OutboundDocument::PurchaseOrder(_)) {
            return Ok((None, Vec::new(), Vec::new()));
        }
        let order = tx
            .documents_for_order(partner, &po, "purchase_order", Direction::In, "received")?
            .pop()
            .and_then(|d| serde_json::from_str::<PurchaseOrder>(&d.body).ok());
        let mut notices = Vec::new();
        let mut sent = Vec::new();
        if matches!(document, OutboundDocument::Invoice(_)) {
            for record in
                tx.documents_for_order(partner, &po, "ship_notice", Direction::Out, "sent")?
            {
                if let Ok(notice) = serde_json::from_str::<ShipNotice>(&record.body) {
                    notices.push(notice);
                    let at = record.updated_at;
                    sent.push(at - TimeDelta::seconds(i64::from(chrono::Timelike::second(&at))));
                }
            }
        }
        Ok((order, notices, sent))
    }
}
