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

impl Tx<'_> {
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
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::at.eq(trunc(at)),
                audit_log::actor.eq(actor),
                audit_log::entity.eq(entity),
                audit_log::entity_id.eq(entity_id),
                audit_log::from_state.eq(from),
                audit_log::to_state.eq(to),
                audit_log::note.eq(note),
            ))
            .execute(self.c())?;
        Ok(())
    }

    /// The history of one thing (`message`, `group`, `job`, `document`), oldest first.
    pub fn history(&mut self, entity: &str, id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(audit_log::table
            .filter(audit_log::entity.eq(entity))
            .filter(audit_log::entity_id.eq(id))
            .order(audit_log::id.asc())
            .select(AuditEntry::as_select())
            .load(self.c())?)
    }
}
