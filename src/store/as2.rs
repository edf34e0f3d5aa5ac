//! AS2 exchanges: each AS2 message received or sent and the MDN that answers it, so that a
//! resend is answered with the receipt already given and a message of ours waits for its
//! receipt in the store, not in memory.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::as2_exchanges;
use super::{Direction, StoreError, Tx, trunc};

/// An exchange about to be recorded.
#[derive(Debug, Clone)]
pub struct NewAs2Exchange<'a> {
    pub direction: Direction,
    pub partner: Option<&'a str>,
    pub as2_from: &'a str,
    pub as2_message_id: &'a str,
    pub message_id: Option<i64>,
    pub status: &'a str,
    pub disposition: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub mic: Option<&'a str>,
    pub mdn_mode: &'a str,
    /// The MDN as it went on the wire: HTTP headers, blank line, body.
    pub mdn: Option<&'a [u8]>,
    /// The message the same way.
    pub request: &'a [u8],
    pub mdn_due_at: Option<NaiveDateTime>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = as2_exchanges)]
pub struct As2Exchange {
    pub id: i64,
    pub direction: String,
    pub partner: Option<String>,
    pub as2_from: String,
    pub as2_message_id: String,
    pub message_id: Option<i64>,
    pub status: String,
    pub disposition: Option<String>,
    pub reason: Option<String>,
    pub mic: Option<String>,
    pub mdn_mode: String,
    pub mdn: Option<Vec<u8>>,
    pub mdn_due_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What an MDN changed about an exchange.
#[derive(Debug, Clone)]
pub struct MdnUpdate<'a> {
    pub status: &'a str,
    pub disposition: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub mdn: Option<&'a [u8]>,
    pub at: NaiveDateTime,
}

impl Tx<'_> {
    pub fn insert_as2_exchange(&mut self, e: &NewAs2Exchange<'_>) -> Result<i64, StoreError> {
        let at = trunc(e.at);
        let id = diesel::insert_into(as2_exchanges::table)
            .values((
                as2_exchanges::direction.eq(e.direction.as_str()),
                as2_exchanges::partner.eq(e.partner),
                as2_exchanges::as2_from.eq(e.as2_from),
                as2_exchanges::as2_message_id.eq(e.as2_message_id),
                as2_exchanges::message_id.eq(e.message_id),
                as2_exchanges::status.eq(e.status),
                as2_exchanges::disposition.eq(e.disposition),
                as2_exchanges::reason.eq(e.reason),
                as2_exchanges::mic.eq(e.mic),
                as2_exchanges::mdn_mode.eq(e.mdn_mode),
                as2_exchanges::mdn.eq(e.mdn),
                as2_exchanges::request.eq(e.request),
                as2_exchanges::mdn_due_at.eq(e.mdn_due_at.map(trunc)),
                as2_exchanges::created_at.eq(at),
                as2_exchanges::updated_at.eq(at),
            ))
            .returning(as2_exchanges::id)
            .get_result(self.c())?;
        Ok(id)
    }

    /// The exchange a Message-ID from this sender already names (a resend), if any.
    pub fn as2_exchange_by_message_id(
        &mut self,
        direction: Direction,
        as2_from: &str,
        as2_message_id: &str,
    ) -> Result<Option<As2Exchange>, StoreError> {
        Ok(as2_exchanges::table
            .filter(as2_exchanges::direction.eq(direction.as_str()))
            .filter(as2_exchanges::as2_from.eq(as2_from))
            .filter(as2_exchanges::as2_message_id.eq(as2_message_id))
            .select(As2Exchange::as_select())
            .first(self.c())
            .optional()?)
    }

    pub fn as2_exchange(&mut self, id: i64) -> Result<As2Exchange, StoreError> {
        as2_exchanges::table
            .find(id)
            .select(As2Exchange::as_select())
            .first(self.c())
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("there is no AS2 exchange {id}")))
    }

    /// Records the MDN of an exchange and what it says.
    pub fn record_as2_mdn(&mut self, id: i64, update: &MdnUpdate<'_>) -> Result<(), StoreError> {
        let changed = diesel::update(as2_exchanges::table.find(id))
            .set((
                as2_exchanges::status.eq(update.status),
                as2_exchanges::disposition.eq(update.disposition),
                as2_exchanges::reason.eq(update.reason),
                as2_exchanges::mdn.eq(update.mdn),
                as2_exchanges::updated_at.eq(trunc(update.at)),
            ))
            .execute(self.c())?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!(
                "there is no AS2 exchange {id}"
            )));
        }
        Ok(())
    }

    /// The exchange that carries one of our messages, if it has been sent before (its
    /// Message-ID is kept for every retry).
    pub fn as2_exchange_for_message(
        &mut self,
        direction: Direction,
        message_id: i64,
    ) -> Result<Option<As2Exchange>, StoreError> {
        Ok(as2_exchanges::table
            .filter(as2_exchanges::direction.eq(direction.as_str()))
            .filter(as2_exchanges::message_id.eq(message_id))
            .order(as2_exchanges::id.desc())
            .select(As2Exchange::as_select())
            .first(self.c())
            .optional()?)
    }

    /// Where an exchange of ours stands after a POST: sent and awaiting its MDN until
    /// `mdn_due_at`, or what the POST came to.
    pub fn set_as2_status(
        &mut self,
        id: i64,
        status: &str,
        reason: Option<&str>,
        mdn_due_at: Option<NaiveDateTime>,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        diesel::update(as2_exchanges::table.find(id))
            .set((
                as2_exchanges::status.eq(status),
                as2_exchanges::reason.eq(reason),
                as2_exchanges::mdn_due_at.eq(mdn_due_at.map(trunc)),
                as2_exchanges::updated_at.eq(trunc(at)),
            ))
            .execute(self.c())?;
        Ok(())
    }

    /// An exchange of ours posted, its asynchronous MDN awaited until `due` — unless that
    /// MDN has already arrived and been recorded (a partner can answer before our POST has
    /// returned), which this must not overwrite.
    pub fn await_as2_mdn(
        &mut self,
        id: i64,
        due: NaiveDateTime,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        diesel::update(
            as2_exchanges::table
                .find(id)
                .filter(as2_exchanges::status.eq("sending")),
        )
        .set((
            as2_exchanges::status.eq("awaiting-mdn"),
            as2_exchanges::reason.eq(None::<String>),
            as2_exchanges::mdn_due_at.eq(trunc(due)),
            as2_exchanges::updated_at.eq(trunc(at)),
        ))
        .execute(self.c())?;
        Ok(())
    }

    /// Exchanges of ours whose asynchronous MDN is past due become overdue; how many.
    pub fn mark_as2_overdue(&mut self, now: NaiveDateTime) -> Result<usize, StoreError> {
        Ok(diesel::update(
            as2_exchanges::table
                .filter(as2_exchanges::direction.eq(Direction::Out.as_str()))
                .filter(as2_exchanges::status.eq("awaiting-mdn"))
                .filter(as2_exchanges::mdn_due_at.lt(trunc(now))),
        )
        .set((
            as2_exchanges::status.eq("overdue"),
            as2_exchanges::updated_at.eq(trunc(now)),
        ))
        .execute(self.c())?)
    }

    /// AS2 exchanges in one of `statuses` (all when empty), newest first, without the raw
    /// request and MDN.
    pub fn as2_exchanges(
        &mut self,
        statuses: &[&str],
        limit: i64,
    ) -> Result<Vec<As2Exchange>, StoreError> {
        let mut query = as2_exchanges::table
            .select(As2Exchange::as_select())
            .order(as2_exchanges::id.desc())
            .limit(limit)
            .into_boxed();
        if !statuses.is_empty() {
            query = query.filter(as2_exchanges::status.eq_any(statuses.iter().copied()));
        }
        Ok(query.load(self.c())?)
    }

    /// The raw request of an exchange (headers, blank line, body).
    pub fn as2_request(&mut self, id: i64) -> Result<Vec<u8>, StoreError> {
        as2_exchanges::table
            .find(id)
            .select(as2_exchanges::request)
            .first(self.c())
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("there is no AS2 exchange {id}")))
    }

    /// Received exchanges whose asynchronous MDN has been owed since `before` or earlier (not
    /// delivered yet: `mdn_due_at` is when it became owed, cleared once delivered).
    pub fn owed_async_mdns(
        &mut self,
        before: NaiveDateTime,
        limit: i64,
    ) -> Result<Vec<As2Exchange>, StoreError> {
        Ok(as2_exchanges::table
            .filter(as2_exchanges::direction.eq(Direction::In.as_str()))
            .filter(as2_exchanges::mdn_mode.eq("async"))
            .filter(as2_exchanges::mdn_due_at.le(trunc(before)))
            .order(as2_exchanges::id)
            .limit(limit)
            .select(As2Exchange::as_select())
            .load(self.c())?)
    }

    /// The asynchronous MDN of a received exchange reached the partner.
    pub fn as2_mdn_delivered(&mut self, id: i64, at: NaiveDateTime) -> Result<(), StoreError> {
        diesel::update(as2_exchanges::table.find(id))
            .set((
                as2_exchanges::mdn_due_at.eq(None::<NaiveDateTime>),
                as2_exchanges::updated_at.eq(trunc(at)),
            ))
            .execute(self.c())?;
        Ok(())
    }
}
