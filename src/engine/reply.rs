//! Our answer to a received interchange, as the partner's profile wants it: a TA1 when its
//! policy says (always for a duplicate it has not asked us to ignore), one 997 per
//! functional group when it wants 997s, under control numbers the store allocated.

use chrono::NaiveDateTime;

use super::EngineError;
use crate::map::ack::{AckOptions, Ta1Policy, acknowledged_groups, ta1_due, write_replies};
use crate::partner::Profile;
use crate::validate::{InterchangeFinding, InterchangeReport, Policy, Severity};

/// The reply, as the store records it.
pub(super) struct Reply {
    pub bytes: Vec<u8>,
    /// TA104 and TA105, when a TA1 is in it.
    pub ta1: Option<(char, String)>,
    /// Per 997: the index of the group it answers in the report, its GS06 and AK901.
    pub acks: Vec<(usize, u64, char)>,
}

/// The report the reply is written from: for a duplicate, the interchange refused with TA1
/// 025 and no 997; for a partner who wants no 997s, no groups.
pub(super) fn reply_report(
    report: &InterchangeReport,
    profile: &Profile,
    duplicate: bool,
) -> InterchangeReport {
    let mut answer = report.clone();
    if duplicate {
        answer.findings.push(InterchangeFinding {
            note: Some("025".into()),
            severity: Severity::Error,
            problem: "duplicate_interchange",
            offset: report.offset,
            message: format!(
                "ISA13 {} from this sender was received before: a duplicate interchange",
                report.header.control_number
            ),
        });
    }
    if duplicate || !profile.send_997 {
        answer.groups.clear();
    }
    answer
}

/// How many interchange and group control numbers the reply to `answer` uses.
pub(super) fn numbers_needed(answer: &InterchangeReport, ta1: Ta1Policy) -> (i64, i64) {
    let groups = acknowledged_groups(answer).count() as i64;
    let interchanges = i64::from(groups > 0 || ta1_due(answer, ta1));
    (interchanges, groups)
}

/// Writes the reply to `answer` under ISA13 `interchange` and GS06s from `group`.
pub(super) fn write(
    answer: &InterchangeReport,
    profile: &Profile,
    policy: &Policy,
    interchange: u64,
    group: u64,
    now: NaiveDateTime,
) -> Result<Reply, EngineError> {
    let options = AckOptions {
        policy: policy.clone(),
        ta1: profile.ta1,
        interchange_control_number: interchange,
        group_control_number: group,
        date: now.format("%Y%m%d").to_string(),
        time: now.format("%H%M").to_string(),
        line_suffix: profile.line_suffix.clone(),
    };
    let (bytes, _) = write_replies(std::slice::from_ref(answer), &options, Vec::new())
        .map_err(|e| EngineError::Permanent(format!("the reply cannot be written: {e}")))?;
    let ta1 = ta1_due(answer, profile.ta1).then(|| answer.ta1_code());
    let rejected = answer.ta1_code().0 == 'R';
    let acks = answer
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !rejected && g.header.functional_id != "FA")
        .zip(group..)
        .map(|((i, g), number)| (i, number, g.ack_code(policy)))
        .collect();
    Ok(Reply { bytes, ta1, acks })
}
