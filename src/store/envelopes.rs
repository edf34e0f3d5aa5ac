//! Interchanges, functional groups and transaction sets, in and out, with their control
//! numbers and status; and the 997s and TA1s that acknowledge them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{acknowledgements, functional_groups, interchanges, transaction_sets};
use super::{Direction, StoreError, Tx, trunc};

#[derive(Debug, Clone)]
pub struct NewInterchange<'a> {
    pub message_id: i64,
    pub direction: Direction,
    pub partner: Option<&'a str>,
    pub sender: &'a str,
    pub receiver: &'a str,
    pub control_number: &'a str,
    pub version: &'a str,
    pub test: bool,
    pub status: &'a str,
    pub duplicate_of: Option<i64>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = interchanges)]
pub struct InterchangeRecord {
    pub id: i64,
    pub message_id: i64,
    pub direction: String,
    pub partner: Option<String>,
    pub sender: String,
    pub receiver: String,
    pub control_number: String,
    pub version: String,
    pub test: bool,
    pub status: String,
    pub duplicate_of: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct NewGroup<'a> {
    pub interchange_id: i64,
    pub message_id: i64,
    pub direction: Direction,
    pub partner: Option<&'a str>,
    pub functional_id: &'a str,
    pub control_number: &'a str,
    pub version: &'a str,
    pub set_count: i64,
    pub verdict: Option<&'a str>,
    pub ack_status: &'a str,
    pub ack_due_at: Option<NaiveDateTime>,
    pub ack_message_id: Option<i64>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = functional_groups)]
pub struct GroupRecord {
    pub id: i64,
    pub interchange_id: i64,
    pub message_id: i64,
    pub direction: String,
    pub partner: Option<String>,
    pub functional_id: String,
    pub control_number: String,
    pub version: String,
    pub set_count: i64,
    pub verdict: Option<String>,
    pub ack_status: String,
    pub ack_due_at: Option<NaiveDateTime>,
    pub ack_message_id: Option<i64>,
    pub ack_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct NewSet<'a> {
    pub group_id: i64,
    pub message_id: i64,
    pub direction: Direction,
    pub partner: Option<&'a str>,
    pub set_id: &'a str,
    pub control_number: &'a str,
    pub status: &'a str,
    pub document_id: Option<i64>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = transaction_sets)]
pub struct SetRecord {
    pub id: i64,
    pub group_id: i64,
    pub message_id: i64,
    pub direction: String,
    pub partner: Option<String>,
    pub set_id: String,
    pub control_number: String,
    pub status: String,
    pub document_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct NewAck<'a> {
    pub direction: Direction,
    /// `997` or `TA1`.
    pub kind: &'a str,
    pub message_id: i64,
    pub partner: Option<&'a str>,
    pub interchange_control_number: &'a str,
    pub functional_id: Option<&'a str>,
    pub group_control_number: Option<&'a str>,
    pub code: &'a str,
    pub interchange_id: Option<i64>,
    pub group_id: Option<i64>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = acknowledgements)]
pub struct AckRecord {
    pub id: i64,
    pub direction: String,
    pub kind: String,
    pub message_id: i64,
    pub partner: Option<String>,
    pub interchange_control_number: String,
    pub functional_id: Option<String>,
    pub group_control_number: Option<String>,
    pub code: String,
    pub interchange_id: Option<i64>,
    pub group_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl Tx<'_> {
    pub fn insert_interchange(&mut self, i: &NewInterchange<'_>) -> Result<i64, StoreError> {
        Ok(diesel::insert_into(interchanges::table)
            .values((
                interchanges::message_id.eq(i.message_id),
                interchanges::direction.eq(i.direction.as_str()),
                interchanges::partner.eq(i.partner),
                interchanges::sender.eq(i.sender),
                interchanges::receiver.eq(i.receiver),
                interchanges::control_number.eq(i.control_number),
                interchanges::version.eq(i.version),
                interchanges::test.eq(i.test),
                interchanges::status.eq(i.status),
                interchanges::duplicate_of.eq(i.duplicate_of),
                interchanges::created_at.eq(trunc(i.at)),
            ))
            .returning(interchanges::id)
            .get_result(self.c())?)
    }

    /// An interchange received earlier (since `since`) from `sender` to `receiver` under
    /// ISA13 `control_number`, not itself a duplicate.
    pub fn received_interchange(
        &mut self,
        sender: &str,
        receiver: &str,
        control_number: &str,
        since: NaiveDateTime,
    ) -> Result<Option<InterchangeRecord>, StoreError> {
        Ok(interchanges::table
            .filter(interchanges::sender.eq(sender))
            .filter(interchanges::receiver.eq(receiver))
            .filter(interchanges::control_number.eq(control_number))
            .filter(interchanges::direction.eq("in"))
            .filter(interchanges::duplicate_of.is_null())
            .filter(interchanges::created_at.ge(trunc(since)))
            .order(interchanges::id.asc())
            .select(InterchangeRecord::as_select())
            .first(self.c())
            .optional()?)
    }

    /// Our interchange to `partner` numbered `control_number`.
    pub fn sent_interchange(
        &mut self,
        partner: &str,
        control_number: &str,
    ) -> Result<Option<InterchangeRecord>, StoreError> {
        Ok(interchanges::table
            .filter(interchanges::partner.eq(partner))
            .filter(interchanges::control_number.eq(control_number))
            .filter(interchanges::direction.eq("out"))
            .select(InterchangeRecord::as_select())
            .first(self.c())
            .optional()?)
    }

    pub fn insert_group(&mut self, g: &NewGroup<'_>) -> Result<i64, StoreError> {
        let at = trunc(g.at);
        Ok(diesel::insert_into(functional_groups::table)
            .values((
                functional_groups::interchange_id.eq(g.interchange_id),
                functional_groups::message_id.eq(g.message_id),
                functional_groups::direction.eq(g.direction.as_str()),
                functional_groups::partner.eq(g.partner),
                functional_groups::functional_id.eq(g.functional_id),
                functional_groups::control_number.eq(g.control_number),
                functional_groups::version.eq(g.version),
                functional_groups::set_count.eq(g.set_count),
                functional_groups::verdict.eq(g.verdict),
                functional_groups::ack_status.eq(g.ack_status),
                functional_groups::ack_due_at.eq(g.ack_due_at.map(trunc)),
                functional_groups::ack_message_id.eq(g.ack_message_id),
                functional_groups::created_at.eq(at),
                functional_groups::updated_at.eq(at),
            ))
            .returning(functional_groups::id)
            .get_result(self.c())?)
    }

    pub fn group(&mut self, id: i64) -> Result<GroupRecord, StoreError> {
        functional_groups::table
            .find(id)
            .select(GroupRecord::as_select())
            .first(self.c())
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("there is no functional group {id}")))
    }

    /// Our group to `partner` with GS01 `functional_id` and GS06 `control_number`.
    pub fn sent_group(
        &mut self,
        partner: &str,
        functional_id: &str,
        control_number: &str,
    ) -> Result<Option<GroupRecord>, StoreError> {
        Ok(functional_groups::table
            .filter(functional_groups::partner.eq(partner))
            .filter(functional_groups::direction.eq("out"))
            .filter(functional_groups::functional_id.eq(functional_id))
            .filter(functional_groups::control_number.eq(control_number))
            // GS06 numbers are never reused by us; should a partner's counter be reset by
            // agreement, the latest group is the one its 997 answers.
            .order(functional_groups::id.desc())
            .select(GroupRecord::as_select())
            .first(self.c())
            .optional()?)
    }

    /// A group's acknowledgement status changes (the 997 came, or is overdue), with the
    /// change in the audit log.
    #[allow(clippy::too_many_arguments)]
    pub fn set_group_ack(
        &mut self,
        id: i64,
        status: &str,
        ack_message_id: Option<i64>,
        ack_at: Option<NaiveDateTime>,
        actor: &str,
        note: Option<&str>,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let before = self.group(id)?.ack_status;
        diesel::update(functional_groups::table.find(id))
            .set((
                functional_groups::ack_status.eq(status),
                functional_groups::ack_message_id.eq(ack_message_id),
                functional_groups::ack_at.eq(ack_at.map(trunc)),
                functional_groups::updated_at.eq(trunc(at)),
            ))
            .execute(self.c())?;
        self.audit(actor, "group", id, Some(&before), status, note, at)
    }

    pub fn insert_set(&mut self, s: &NewSet<'_>) -> Result<i64, StoreError> {
        Ok(diesel::insert_into(transaction_sets::table)
            .values((
                transaction_sets::group_id.eq(s.group_id),
                transaction_sets::message_id.eq(s.message_id),
                transaction_sets::direction.eq(s.direction.as_str()),
                transaction_sets::partner.eq(s.partner),
                transaction_sets::set_id.eq(s.set_id),
                transaction_sets::control_number.eq(s.control_number),
                transaction_sets::status.eq(s.status),
                transaction_sets::document_id.eq(s.document_id),
                transaction_sets::created_at.eq(trunc(s.at)),
            ))
            .returning(transaction_sets::id)
            .get_result(self.c())?)
    }

    /// The status of the set with ST02 `control_number` in group `group_id`.
    pub fn set_set_status(
        &mut self,
        group_id: i64,
        control_number: &str,
        status: &str,
    ) -> Result<usize, StoreError> {
        Ok(diesel::update(
            transaction_sets::table
                .filter(transaction_sets::group_id.eq(group_id))
                .filter(transaction_sets::control_number.eq(control_number)),
        )
        .set(transaction_sets::status.eq(status))
        .execute(self.c())?)
    }

    /// Every set of a group: its status follows the group's when a 997 says nothing per set.
    pub fn set_group_sets_status(&mut self, group_id: i64, status: &str) -> Result<(), StoreError> {
        diesel::update(transaction_sets::table.filter(transaction_sets::group_id.eq(group_id)))
            .set(transaction_sets::status.eq(status))
            .execute(self.c())?;
        Ok(())
    }

    pub fn link_set_document(&mut self, set_row: i64, document_id: i64) -> Result<(), StoreError> {
        diesel::update(transaction_sets::table.find(set_row))
            .set(transaction_sets::document_id.eq(document_id))
            .execute(self.c())?;
        Ok(())
    }

    pub fn insert_ack(&mut self, a: &NewAck<'_>) -> Result<i64, StoreError> {
        Ok(diesel::insert_into(acknowledgements::table)
            .values((
                acknowledgements::direction.eq(a.direction.as_str()),
                acknowledgements::kind.eq(a.kind),
                acknowledgements::message_id.eq(a.message_id),
                acknowledgements::partner.eq(a.partner),
                acknowledgements::interchange_control_number.eq(a.interchange_control_number),
                acknowledgements::functional_id.eq(a.functional_id),
                acknowledgements::group_control_number.eq(a.group_control_number),
                acknowledgements::code.eq(a.code),
                acknowledgements::interchange_id.eq(a.interchange_id),
                acknowledgements::group_id.eq(a.group_id),
                acknowledgements::created_at.eq(trunc(a.at)),
            ))
            .returning(acknowledgements::id)
            .get_result(self.c())?)
    }

    /// What delivering a message of ours changes: its interchanges are delivered, the 997
    /// clock of its groups starts now (`due`: when the partner's 997 is due, None when none
    /// is expected), and the received groups it acknowledges record when our 997 went out.
    pub fn delivered(
        &mut self,
        message_id: i64,
        due: Option<NaiveDateTime>,
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let at = trunc(at);
        diesel::update(interchanges::table.filter(interchanges::message_id.eq(message_id)))
            .set(interchanges::status.eq("delivered"))
            .execute(self.c())?;
        if let Some(due) = due {
            diesel::update(
                functional_groups::table
                    .filter(functional_groups::message_id.eq(message_id))
                    .filter(functional_groups::ack_status.eq("pending"))
                    .filter(functional_groups::ack_due_at.is_null()),
            )
            .set((
                functional_groups::ack_due_at.eq(trunc(due)),
                functional_groups::updated_at.eq(at),
            ))
            .execute(self.c())?;
        }
        diesel::update(
            functional_groups::table
                .filter(functional_groups::ack_message_id.eq(message_id))
                .filter(functional_groups::direction.eq("in")),
        )
        .set(functional_groups::ack_at.eq(at))
        .execute(self.c())?;
        Ok(())
    }

    pub fn interchanges_of_message(
        &mut self,
        message_id: i64,
    ) -> Result<Vec<InterchangeRecord>, StoreError> {
        Ok(interchanges::table
            .filter(interchanges::message_id.eq(message_id))
            .order(interchanges::id.asc())
            .select(InterchangeRecord::as_select())
            .load(self.c())?)
    }

    pub fn groups_of_message(&mut self, message_id: i64) -> Result<Vec<GroupRecord>, StoreError> {
        Ok(functional_groups::table
            .filter(functional_groups::message_id.eq(message_id))
            .order(functional_groups::id.asc())
            .select(GroupRecord::as_select())
            .load(self.c())?)
    }

    pub fn sets_of_message(&mut self, message_id: i64) -> Result<Vec<SetRecord>, StoreError> {
        Ok(transaction_sets::table
            .filter(transaction_sets::message_id.eq(message_id))
            .order(transaction_sets::id.asc())
            .select(SetRecord::as_select())
            .load(self.c())?)
    }

    /// The acknowledgements a message carries.
    pub fn acks_in_message(&mut self, message_id: i64) -> Result<Vec<AckRecord>, StoreError> {
        Ok(acknowledgements::table
            .filter(acknowledgements::message_id.eq(message_id))
            .order(acknowledgements::id.asc())
            .select(AckRecord::as_select())
            .load(self.c())?)
    }

    /// The acknowledgements of a message's interchanges and groups, sent or received.
    pub fn acks_of_message(&mut self, message_id: i64) -> Result<Vec<AckRecord>, StoreError> {
        let groups: Vec<i64> = functional_groups::table
            .filter(functional_groups::message_id.eq(message_id))
            .select(functional_groups::id)
            .load(self.c())?;
        let interchanges: Vec<i64> = interchanges::table
            .filter(interchanges::message_id.eq(message_id))
            .select(interchanges::id)
            .load(self.c())?;
        Ok(acknowledgements::table
            .filter(
                acknowledgements::group_id
                    .eq_any(groups)
                    .or(acknowledgements::interchange_id.eq_any(interchanges)),
            )
            .order(acknowledgements::id.asc())
            .select(AckRecord::as_select())
            .load(self.c())?)
    }
}
