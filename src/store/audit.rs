//! The audit log: every change of state, by whom or what, when, from what to what.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_log;
use super::{StoreError, Tx, trunc};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub entity: String,
    pub entity_id: i64,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
}

/// An entry waiting for its transaction's commit, to be written with the others in one
/// statement: a job changes the state of several things, a batch holds many jobs.
#[derive(Debug)]
pub(super) struct PendingAudit {
    at: NaiveDateTime,
    actor: String,
    entity: String,
    entity_id: i64,
    from: Option<String>,
    to: String,
    note: Option<String>,
}

impl Tx<'_> {
    /// Records a change of state; it is written when the transaction commits (before, when
    /// the history is read), and dropped with the savepoint it was made in.
    #[allow(clippy::too_many_arguments)]
    pub fn audit(
        &mut self,
        actor: &str,
        entity: &str,
        entity_id: i64,
        from: Option<&str>,
        to: &str,
        note: Option<&str>,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        self.audit.push(PendingAudit {
            at: trunc(at),
            actor: actor.to_owned(),
            entity: entity.to_owned(),
            entity_id,
            from: from.map(str::to_owned),
            to: to.to_owned(),
            note: note.map(str::to_owned),
        });
        Ok(())
    }

    /// Writes the entries recorded so far.
    pub(super) fn write_audit(&mut self) -> Result<(), StoreError> {
        use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
        let pending = std::mem::take(&mut self.audit);
        // Seven values a row, well under either database's limit on a statement's. One
        // statement of many rows (diesel's MultiConnection builds none, hence the text).
        for chunk in pending.chunks(500) {
            let mut sql = String::from(
                "INSERT INTO audit_log (at, actor, entity, entity_id, from_state, to_state, \
                 note) VALUES ",
            );
            for (row, _) in chunk.iter().enumerate() {
                if row > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for column in 0..7 {
                    if column > 0 {
                        sql.push_str(", ");
                    }
                    match self.backend() {
                        super::Backend::Sqlite => sql.push('?'),
                        super::Backend::Postgres => {
                            sql.push_str(&format!("${}", row * 7 + column + 1))
                        }
                    }
                }
                sql.push(')');
            }
            let mut query = diesel::sql_query(sql).into_boxed();
            for e in chunk {
                query = query
                    .bind::<Timestamp, _>(e.at)
                    .bind::<Text, _>(&e.actor)
                    .bind::<Text, _>(&e.entity)
                    .bind::<BigInt, _>(e.entity_id)
                    .bind::<Nullable<Text>, _>(e.from.as_deref())
                    .bind::<Text, _>(&e.to)
                    .bind::<Nullable<Text>, _>(e.note.as_deref());
            }
            query.execute(self.c())?;
        }
        Ok(())
    }

    /// The history of one thing (`message`, `group`, `job`, `document`), oldest first.
    pub fn history(&mut self, entity: &str, id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        self.write_audit()?;
        Ok(audit_log::table
            .filter(audit_log::entity.eq(entity))
            .filter(audit_log::entity_id.eq(id))
            .order(audit_log::id.asc())
            .select(AuditEntry::as_select())
            .load(self.c())?)
    }
}
