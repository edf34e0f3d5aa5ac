//! Acknowledgement tracking: which of our groups await their 997 and which are late, and
//! whether every group we received was answered.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{functional_groups, interchanges, messages};
use super::{StoreError, Tx, trunc};

/// How many groups are in one acknowledgement state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusCount {
    pub partner: String,
    pub direction: String,
    pub ack_status: String,
    pub count: i64,
}

/// One group, as `edigate status` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GroupStatusRow {
    pub group_id: i64,
    pub message_id: i64,
    pub partner: Option<String>,
    pub direction: String,
    pub functional_id: String,
    pub interchange_control_number: String,
    pub group_control_number: String,
    pub set_count: i64,
    pub verdict: Option<String>,
    pub ack_status: String,
    pub ack_due_at: Option<NaiveDateTime>,
    pub ack_message_id: Option<i64>,
    pub ack_at: Option<NaiveDateTime>,
    /// In: whether our 997 reached the partner's channel.
    pub ack_delivered: Option<bool>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct StatusFilter {
    pub partner: Option<String>,
    pub since: Option<NaiveDateTime>,
    /// Only these acknowledgement states.
    pub states: Vec<String>,
    pub direction: Option<String>,
    pub limit: Option<i64>,
}

impl Tx<'_> {
    /// Our groups still pending whose 997 was due before `now` become overdue; returns
    /// their ids.
    pub fn mark_overdue(
        &mut self,
        now: NaiveDateTime,
        actor: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let now = trunc(now);
        let late: Vec<(i64, Option<NaiveDateTime>)> = functional_groups::table
            .filter(functional_groups::direction.eq("out"))
            .filter(functional_groups::ack_status.eq("pending"))
            .filter(functional_groups::ack_due_at.lt(now))
            .select((functional_groups::id, functional_groups::ack_due_at))
            .load(self.c())?;
        for (id, due) in &late {
            diesel::update(functional_groups::table.find(id))
                .set((
                    functional_groups::ack_status.eq("overdue"),
                    functional_groups::updated_at.eq(now),
                ))
                .execute(self.c())?;
            let note = due.map(|d| format!("997 was due {d} UTC"));
            self.audit(
                actor,
                "group",
                *id,
                Some("pending"),
                "overdue",
                note.as_deref(),
                now,
            )?;
        }
        Ok(late.into_iter().map(|(id, _)| id).collect())
    }

    /// Groups per partner, direction and acknowledgement state.
    pub fn status_counts(&mut self, filter: &StatusFilter) -> Result<Vec<StatusCount>, StoreError> {
        let mut query = functional_groups::table
            .group_by((
                functional_groups::partner,
                functional_groups::direction,
                functional_groups::ack_status,
            ))
            .select((
                functional_groups::partner,
                functional_groups::direction,
                functional_groups::ack_status,
                diesel::dsl::count_star(),
            ))
            .order((
                functional_groups::partner.asc(),
                functional_groups::direction.asc(),
                functional_groups::ack_status.asc(),
            ))
            .into_boxed();
        if let Some(p) = &filter.partner {
            query = query.filter(functional_groups::partner.eq(p.clone()));
        }
        if let Some(since) = filter.since {
            query = query.filter(functional_groups::created_at.ge(since));
        }
        let rows: Vec<(Option<String>, String, String, i64)> = query.load(self.c())?;
        Ok(rows
            .into_iter()
            .map(|(partner, direction, ack_status, count)| StatusCount {
                partner: partner.unwrap_or_else(|| "(unknown)".into()),
                direction,
                ack_status,
                count,
            })
            .collect())
    }

    /// The groups in `filter.states`, oldest first, with their interchange's ISA13 and
    /// whether the 997 we sent was delivered.
    pub fn group_status(
        &mut self,
        filter: &StatusFilter,
    ) -> Result<Vec<GroupStatusRow>, StoreError> {
        let mut query = functional_groups::table
            .inner_join(
                interchanges::table.on(interchanges::id.eq(functional_groups::interchange_id)),
            )
            .left_join(
                messages::table.on(messages::id
                    .nullable()
                    .eq(functional_groups::ack_message_id)),
            )
            .select((
                functional_groups::id,
                functional_groups::message_id,
                functional_groups::partner,
                functional_groups::direction,
                functional_groups::functional_id,
                interchanges::control_number,
                functional_groups::control_number,
                functional_groups::set_count,
                functional_groups::verdict,
                functional_groups::ack_status,
                functional_groups::ack_due_at,
                functional_groups::ack_message_id,
                functional_groups::ack_at,
                messages::released.nullable(),
                functional_groups::created_at,
            ))
            .order(functional_groups::id.asc())
            .into_boxed();
        if let Some(p) = &filter.partner {
            query = query.filter(functional_groups::partner.eq(p.clone()));
        }
        if let Some(since) = filter.since {
            query = query.filter(functional_groups::created_at.ge(since));
        }
        if !filter.states.is_empty() {
            query = query.filter(functional_groups::ack_status.eq_any(filter.states.clone()));
        }
        if let Some(d) = &filter.direction {
            query = query.filter(functional_groups::direction.eq(d.clone()));
        }
        if let Some(limit) = filter.limit {
            query = query.limit(limit);
        }
        type Row = (
            i64,
            i64,
            Option<String>,
            String,
            String,
            String,
            String,
            i64,
            Option<String>,
            String,
            Option<NaiveDateTime>,
            Option<i64>,
            Option<NaiveDateTime>,
            Option<bool>,
            NaiveDateTime,
        );
        let rows: Vec<Row> = query.load(self.c())?;
        Ok(rows
            .into_iter()
            .map(|r| GroupStatusRow {
                group_id: r.0,
                message_id: r.1,
                partner: r.2,
                ack_delivered: if r.3 == "in" {
                    Some(r.13.unwrap_or(false))
                } else {
                    None
                },
                direction: r.3,
                functional_id: r.4,
                interchange_control_number: r.5,
                group_control_number: r.6,
                set_count: r.7,
                verdict: r.8,
                ack_status: r.9,
                ack_due_at: r.10,
                ack_message_id: r.11,
                ack_at: r.12,
                created_at: r.14,
            })
            .collect())
    }
}
