//! What processing found and made: the validation log (findings of the standard and of the
//! partner's rules), canonical documents, and the order book.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{documents, findings, orders};
use super::{Direction, StoreError, Tx, trunc};

#[derive(Debug, Clone)]
pub struct NewFinding<'a> {
    pub message_id: i64,
    pub transaction_set_id: Option<i64>,
    /// `standard`, `partner`, `envelope` or `engine`.
    pub origin: &'a str,
    pub rule: Option<&'a str>,
    pub severity: &'a str,
    pub segment_position: Option<i64>,
    pub element: Option<String>,
    pub byte_offset: Option<i64>,
    pub text: &'a str,
    /// JSON.
    pub detail: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = findings)]
pub struct FindingRecord {
    pub id: i64,
    pub message_id: i64,
    pub transaction_set_id: Option<i64>,
    pub origin: String,
    pub rule: Option<String>,
    pub severity: String,
    pub segment_position: Option<i64>,
    pub element: Option<String>,
    pub byte_offset: Option<i64>,
    pub text: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub direction: Direction,
    pub partner: &'a str,
    pub kind: &'a str,
    pub number: &'a str,
    /// The purchase order it belongs to (its own number, for an order).
    pub order_number: Option<&'a str>,
    pub message_id: Option<i64>,
    pub transaction_set_id: Option<i64>,
    pub status: &'a str,
    pub body: &'a str,
    pub note: Option<&'a str>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = documents)]
pub struct DocumentRecord {
    pub id: i64,
    pub direction: String,
    pub partner: String,
    pub kind: String,
    pub number: String,
    pub order_number: Option<String>,
    pub message_id: Option<i64>,
    pub transaction_set_id: Option<i64>,
    pub status: String,
    pub body: String,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Tx<'_> {
    pub fn insert_findings(&mut self, all: &[NewFinding<'_>]) -> Result<(), StoreError> {
        for f in all {
            diesel::insert_into(findings::table)
                .values((
                    findings::message_id.eq(f.message_id),
                    findings::transaction_set_id.eq(f.transaction_set_id),
                    findings::origin.eq(f.origin),
                    findings::rule.eq(f.rule),
                    findings::severity.eq(f.severity),
                    findings::segment_position.eq(f.segment_position),
                    findings::element.eq(f.element.as_deref()),
                    findings::byte_offset.eq(f.byte_offset),
                    findings::text.eq(f.text),
                    findings::detail.eq(f.detail),
                ))
                .execute(self.c())?;
        }
        Ok(())
    }

    pub fn findings_of_message(
        &mut self,
        message_id: i64,
    ) -> Result<Vec<FindingRecord>, StoreError> {
        Ok(findings::table
            .filter(findings::message_id.eq(message_id))
            .order(findings::id.asc())
            .select(FindingRecord::as_select())
            .load(self.c())?)
    }

    pub fn insert_document(&mut self, d: &NewDocument<'_>) -> Result<i64, StoreError> {
        let at = trunc(d.at);
        Ok(diesel::insert_into(documents::table)
            .values((
                documents::direction.eq(d.direction.as_str()),
                documents::partner.eq(d.partner),
                documents::kind.eq(d.kind),
                documents::number.eq(d.number),
                documents::order_number.eq(d.order_number),
                documents::message_id.eq(d.message_id),
                documents::transaction_set_id.eq(d.transaction_set_id),
                documents::status.eq(d.status),
                documents::body.eq(d.body),
                documents::note.eq(d.note),
                documents::created_at.eq(at),
                documents::updated_at.eq(at),
            ))
            .returning(documents::id)
            .get_result(self.c())?)
    }

    pub fn document(&mut self, id: i64) -> Result<DocumentRecord, StoreError> {
        documents::table
            .find(id)
            .select(DocumentRecord::as_select())
            .first(self.c())
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("there is no document {id}")))
    }

    /// A document's status changes (queued → sent, refused), with the change audited.
    #[allow(clippy::too_many_arguments)]
    pub fn set_document_status(
        &mut self,
        id: i64,
        status: &str,
        message_id: Option<i64>,
        note: Option<&str>,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let before = self.document(id)?.status;
        diesel::update(documents::table.find(id))
            .set((
                documents::status.eq(status),
                documents::message_id.eq(message_id),
                documents::note.eq(note),
                documents::updated_at.eq(trunc(at)),
            ))
            .execute(self.c())?;
        self.audit(actor, "document", id, Some(&before), status, note, at)
    }

    /// Documents made from a message, or sent in it.
    pub fn documents_of_message(
        &mut self,
        message_id: i64,
    ) -> Result<Vec<DocumentRecord>, StoreError> {
        Ok(documents::table
            .filter(documents::message_id.eq(message_id))
            .order(documents::id.asc())
            .select(DocumentRecord::as_select())
            .load(self.c())?)
    }

    /// The documents of `kind` for `partner`'s order `order_number` going `direction` with
    /// status `status`, oldest first.
    pub fn documents_for_order(
        &mut self,
        partner: &str,
        order_number: &str,
        kind: &str,
        direction: Direction,
        status: &str,
    ) -> Result<Vec<DocumentRecord>, StoreError> {
        Ok(documents::table
            .filter(documents::partner.eq(partner))
            .filter(documents::order_number.eq(order_number))
            .filter(documents::kind.eq(kind))
            .filter(documents::direction.eq(direction.as_str()))
            .filter(documents::status.eq(status))
            .order(documents::id.asc())
            .select(DocumentRecord::as_select())
            .load(self.c())?)
    }

    /// Puts a received purchase order in the order book.
    pub fn book_order(
        &mut self,
        partner: &str,
        po_number: &str,
        order_date: Option<&str>,
        document_id: i64,
        at: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        Ok(diesel::insert_into(orders::table)
            .values((
                orders::partner.eq(partner),
                orders::po_number.eq(po_number),
                orders::order_date.eq(order_date),
                orders::document_id.eq(document_id),
                orders::status.eq("open"),
                orders::created_at.eq(trunc(at)),
            ))
            .returning(orders::id)
            .get_result(self.c())?)
    }

    /// The orders booked for `partner` under `po_number`: (order id, document id).
    pub fn orders_numbered(
        &mut self,
        partner: &str,
        po_number: &str,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(orders::table
            .filter(orders::partner.eq(partner))
            .filter(orders::po_number.eq(po_number))
            .select((orders::id, orders::document_id))
            .order(orders::id.asc())
            .load(self.c())?)
    }

    /// How many orders the book holds.
    pub fn order_count(&mut self) -> Result<i64, StoreError> {
        Ok(orders::table.count().get_result(self.c())?)
    }
}
