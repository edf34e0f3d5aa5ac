//! Control numbers: per partner, the last ISA13 and GS06 used. Allocated inside the
//! transaction that stores what they number, so a number is never handed out twice (the
//! row stays locked until commit, on both databases) and never lost to a crash before it
//! was used (the allocation rolls back with everything else).

use diesel::prelude::*;

use super::schema::control_numbers;
use super::{StoreError, Tx};

/// ISA13 and GS06 have nine digits.
const LARGEST: i64 = 999_999_999;

impl Tx<'_> {
    /// The next `count` numbers of counter `name` ("isa13", "gs06") for `partner`; returns
    /// the first.
    pub fn allocate(&mut self, partner: &str, name: &str, count: i64) -> Result<u64, StoreError> {
        let bump = |tx: &mut Tx<'_>| -> Result<Option<i64>, StoreError> {
            Ok(diesel::update(
                control_numbers::table
                    .filter(control_numbers::partner.eq(partner))
                    .filter(control_numbers::name.eq(name)),
            )
            .set(control_numbers::value.eq(control_numbers::value + count))
            .returning(control_numbers::value)
            .get_result(tx.c())
            .optional()?)
        };
        let last = match bump(self)? {
            Some(last) => last,
            None => {
                // The partner's first: the counter is made (by whichever transaction gets
                // there first; both databases know ON CONFLICT, diesel's common dialect
                // does not, hence the text), then bumped.
                let insert = match self.backend() {
                    super::Backend::Sqlite => {
                        "INSERT INTO control_numbers (partner, name, value) VALUES (?, ?, 0) \
                         ON CONFLICT DO NOTHING"
                    }
                    super::Backend::Postgres => {
                        "INSERT INTO control_numbers (partner, name, value) VALUES ($1, $2, 0) \
                         ON CONFLICT DO NOTHING"
                    }
                };
                diesel::sql_query(insert)
                    .bind::<diesel::sql_types::Text, _>(partner)
                    .bind::<diesel::sql_types::Text, _>(name)
                    .execute(self.c())?;
                bump(self)?.ok_or_else(|| {
                    StoreError::Database(format!("the {name} counter of {partner} cannot be made"))
                })?
            }
        };
        if last > LARGEST {
            // Wrapping round would reuse numbers the partner may still hold; that is an
            // operator's decision (agreed with the partner), never the gateway's.
            return Err(StoreError::Exhausted(format!(
                "partner {partner}: the {name} control numbers are used up (last {}); agree \
                 a restart with the partner, then reset the counter",
                last - count
            )));
        }
        Ok((last - count + 1) as u64)
    }

    /// The last number used of each counter of `partner`.
    pub fn counters(&mut self, partner: &str) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(control_numbers::table
            .filter(control_numbers::partner.eq(partner))
            .select((control_numbers::name, control_numbers::value))
            .order(control_numbers::name.asc())
            .load(self.c())?)
    }
}
