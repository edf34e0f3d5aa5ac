//! Messages: every file or request received and every interchange we send, raw.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::messages;
use super::{StoreError, Tx, trunc};

/// Which way a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    pub fn parse(text: &str) -> Direction {
        if text == "out" {
            Direction::Out
        } else {
            Direction::In
        }
    }
}

/// A message to keep.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub direction: Direction,
    /// `x12` received; `ack` (our 997s/TA1s) or `document` sent.
    pub kind: &'a str,
    pub partner: Option<&'a str>,
    pub channel: &'a str,
    pub origin: Option<&'a str>,
    pub sha256: &'a str,
    pub body: &'a [u8],
    pub status: &'a str,
    pub duplicate_of: Option<i64>,
    pub note: Option<&'a str>,
    pub at: NaiveDateTime,
}

/// A kept message; `body` is empty unless asked for.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = messages)]
pub struct MessageRecord {
    pub id: i64,
    pub direction: String,
    pub kind: String,
    pub partner: Option<String>,
    pub channel: String,
    pub origin: Option<String>,
    pub sha256: String,
    pub size: i64,
    #[serde(skip)]
    pub body: Vec<u8>,
    pub status: String,
    pub duplicate_of: Option<i64>,
    pub note: Option<String>,
    pub released: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Which messages to list.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    pub partner: Option<String>,
    pub direction: Option<Direction>,
    pub statuses: Vec<String>,
    pub since: Option<NaiveDateTime>,
    /// Only ids above this one (paging).
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

impl Tx<'_> {
    pub fn insert_message(&mut self, m: &NewMessage<'_>) -> Result<i64, StoreError> {
        let at = trunc(m.at);
        let id = diesel::insert_into(messages::table)
            .values((
                messages::direction.eq(m.direction.as_str()),
                messages::kind.eq(m.kind),
                messages::partner.eq(m.partner),
                messages::channel.eq(m.channel),
                messages::origin.eq(m.origin),
                messages::sha256.eq(m.sha256),
                messages::size.eq(m.body.len() as i64),
                messages::body.eq(m.body),
                messages::status.eq(m.status),
                messages::duplicate_of.eq(m.duplicate_of),
                messages::note.eq(m.note),
                messages::released.eq(false),
                messages::created_at.eq(at),
                messages::updated_at.eq(at),
            ))
            .returning(messages::id)
            .get_result(self.c())?;
        Ok(id)
    }

    /// A message with its body.
    pub fn message(&mut self, id: i64) -> Result<MessageRecord, StoreError> {
        messages::table
            .find(id)
            .select(MessageRecord::as_select())
            .first(self.c())
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("there is no message {id}")))
    }

    /// Messages, newest last, without their bodies.
    pub fn messages(&mut self, filter: &MessageFilter) -> Result<Vec<MessageRecord>, StoreError> {
        let mut query = messages::table
            .select((
                messages::id,
                messages::direction,
                messages::kind,
                messages::partner,
                messages::channel,
                messages::origin,
                messages::sha256,
                messages::size,
                messages::status,
                messages::duplicate_of,
                messages::note,
                messages::released,
                messages::created_at,
                messages::updated_at,
            ))
            .order(messages::id.asc())
            .into_boxed();
        if let Some(p) = &filter.partner {
            query = query.filter(messages::partner.eq(p.clone()));
        }
        if let Some(d) = filter.direction {
            query = query.filter(messages::direction.eq(d.as_str()));
        }
        if !filter.statuses.is_empty() {
            query = query.filter(messages::status.eq_any(filter.statuses.clone()));
        }
        if let Some(since) = filter.since {
            query = query.filter(messages::created_at.ge(since));
        }
        if let Some(after) = filter.after {
            query = query.filter(messages::id.gt(after));
        }
        if let Some(limit) = filter.limit {
            query = query.limit(limit);
        }
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
            String,
            i64,
            String,
            Option<i64>,
            Option<String>,
            bool,
            NaiveDateTime,
            NaiveDateTime,
        );
        let rows: Vec<Row> = query.load(self.c())?;
        Ok(rows
            .into_iter()
            .map(|r| MessageRecord {
                id: r.0,
                direction: r.1,
                kind: r.2,
                partner: r.3,
                channel: r.4,
                origin: r.5,
                sha256: r.6,
                size: r.7,
                body: Vec::new(),
                status: r.8,
                duplicate_of: r.9,
                note: r.10,
                released: r.11,
                created_at: r.12,
                updated_at: r.13,
            })
            .collect())
    }

    /// The first message received with these contents, if any.
    pub fn received_with_sha256(&mut self, sha256: &str) -> Result<Option<i64>, StoreError> {
        Ok(messages::table
            .filter(messages::sha256.eq(sha256))
            .filter(messages::direction.eq("in"))
            .filter(messages::duplicate_of.is_null())
            .select(messages::id)
            .order(messages::id.asc())
            .first(self.c())
            .optional()?)
    }

    /// Changes a message's status, with the change in the audit log.
    pub fn set_message_status(
        &mut self,
        id: i64,
        status: &str,
        note: Option<&str>,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let before: Option<String> = messages::table
            .find(id)
            .select(messages::status)
            .first(self.c())
            .optional()?;
        let Some(before) = before else {
            return Err(StoreError::NotFound(format!("there is no message {id}")));
        };
        self.change_message_status(id, &before, status, note, false, actor, at)
    }

    /// [`Tx::set_message_status`] when the caller knows the status it changes from (it has
    /// the message at hand); `release` also marks its source done with (delivered).
    #[allow(clippy::too_many_arguments)]
    pub fn change_message_status(
        &mut self,
        id: i64,
        from: &str,
        status: &str,
        note: Option<&str>,
        release: bool,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let changed = if release {
            diesel::update(messages::table.find(id))
                .set((
                    messages::status.eq(status),
                    messages::note.eq(note),
                    messages::released.eq(true),
                    messages::updated_at.eq(trunc(at)),
                ))
                .execute(self.c())?
        } else {
            diesel::update(messages::table.find(id))
                .set((
                    messages::status.eq(status),
                    messages::note.eq(note),
                    messages::updated_at.eq(trunc(at)),
                ))
                .execute(self.c())?
        };
        if changed == 0 {
            return Err(StoreError::NotFound(format!("there is no message {id}")));
        }
        self.audit(actor, "message", id, Some(from), status, note, at)
    }

    /// The message's source is done with: its file archived (in), or it was delivered (out).
    pub fn mark_released(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        for chunk in ids.chunks(500) {
            diesel::update(messages::table.filter(messages::id.eq_any(chunk)))
                .set(messages::released.eq(true))
                .execute(self.c())?;
        }
        Ok(())
    }

    /// Messages received on `channel` from `partner` whose source is not yet released:
    /// (id, origin, sha256). After a crash between storing a file and archiving it, the
    /// file is found here and archived, not taken a second time.
    pub fn unreleased(
        &mut self,
        channel: &str,
        partner: &str,
    ) -> Result<Vec<(i64, Option<String>, String)>, StoreError> {
        // `NOT released` as the partial index says it, so the index serves the query.
        Ok(messages::table
            .filter(diesel::dsl::not(messages::released))
            .filter(messages::channel.eq(channel))
            .filter(messages::partner.eq(partner))
            .filter(messages::direction.eq("in"))
            .select((messages::id, messages::origin, messages::sha256))
            .load(self.c())?)
    }
}
