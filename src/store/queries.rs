//! Read queries for the gateway's reports (`edigate status`, `show`): the documents a
//! group's sets carry, and the received groups whose 997 has not reached the partner yet.

use diesel::prelude::*;

use super::schema::{documents, functional_groups, interchanges, messages, transaction_sets};
use super::{GroupRecord, GroupStatusRow, StatusFilter, StoreError, Tx};

/// A document carried by (sent in, or made from) a transaction set of a group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupDocument {
    pub group_id: i64,
    pub document_id: i64,
    pub kind: String,
    pub number: String,
    pub status: String,
}

impl Tx<'_> {
    /// The documents of the sets of `groups`, by group and set.
    pub fn documents_of_groups(
        &mut self,
        groups: &[i64],
    ) -> Result<Vec<GroupDocument>, StoreError> {
        let mut all = Vec::new();
        for chunk in groups.chunks(500) {
            let rows: Vec<(i64, i64, String, String, String)> = transaction_sets::table
                .inner_join(
                    documents::table.on(documents::id.nullable().eq(transaction_sets::document_id)),
                )
                .filter(transaction_sets::group_id.eq_any(chunk))
                .order((transaction_sets::group_id.asc(), transaction_sets::id.asc()))
                .select((
                    transaction_sets::group_id,
                    documents::id,
                    documents::kind,
                    documents::number,
                    documents::status,
                ))
                .load(self.c())?;
            all.extend(
                rows.into_iter()
                    .map(
                        |(group_id, document_id, kind, number, status)| GroupDocument {
                            group_id,
                            document_id,
                            kind,
                            number,
                            status,
                        },
                    ),
            );
        }
        Ok(all)
    }

    /// Received groups (of `filter.partner`, since `filter.since`) answered by a 997 that
    /// has not been delivered to the partner yet (waiting, or failing), oldest first.
    pub fn undelivered_replies(
        &mut self,
        filter: &StatusFilter,
    ) -> Result<Vec<GroupStatusRow>, StoreError> {
        // Few: the replies still on their way. The filter is applied to them here.
        let waiting: Vec<(GroupRecord, String)> = functional_groups::table
            .inner_join(
                interchanges::table.on(interchanges::id.eq(functional_groups::interchange_id)),
            )
            .inner_join(
                messages::table.on(messages::id
                    .nullable()
                    .eq(functional_groups::ack_message_id)),
            )
            .filter(functional_groups::direction.eq("in"))
            .filter(messages::released.eq(false))
            .select((GroupRecord::as_select(), interchanges::control_number))
            .order(functional_groups::id.asc())
            .load(self.c())?;
        let wanted = |g: &GroupRecord| {
            filter
                .partner
                .as_ref()
                .is_none_or(|p| g.partner.as_ref() == Some(p))
                && filter.since.is_none_or(|since| g.created_at >= since)
        };
        Ok(waiting
            .into_iter()
            .filter(|(g, _)| wanted(g))
            .take(filter.limit.map_or(usize::MAX, |l| l.max(0) as usize))
            .map(|(g, isa13)| GroupStatusRow {
                group_id: g.id,
                message_id: g.message_id,
                partner: g.partner,
                direction: g.direction,
                functional_id: g.functional_id,
                interchange_control_number: isa13,
                group_control_number: g.control_number,
                set_count: g.set_count,
                verdict: g.verdict,
                ack_status: g.ack_status,
                ack_due_at: g.ack_due_at,
                ack_message_id: g.ack_message_id,
                ack_at: g.ack_at,
                ack_delivered: Some(false),
                created_at: g.created_at,
            })
            .collect())
    }
}
