//! What we send a partner: the [`envelope`] our documents go out in, from its profile, and
//! its outbound rules on what we wrote ([`compliance`]). With `map::outbound` this is all
//! of `edigate emit --partner ID` but the clock and the files: the control numbers and the
//! time are handed in.

use chrono::NaiveDateTime;

use crate::map::emit::{EmitEnvelope, Usage};
use crate::partner::Profile;
use crate::partner::compliance::{self, ComplianceFinding};
use crate::partner::rules::Direction;
use crate::x12::TransactionSetReader;

/// The control numbers of an interchange holding one group of one set: ISA13, GS06, ST02.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlNumbers {
    pub interchange: u64,
    pub group: u64,
    pub transaction_set: u64,
}

/// Why no envelope can be made towards a partner.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundError {
    /// The profile names no version for the set, so the partner does not trade it.
    #[error(
        "partner {partner} trades no {set}: its profile's envelope.versions names {}; add the \
         set there",
        traded.join(", ")
    )]
    SetNotTraded {
        partner: String,
        set: String,
        /// The sets the profile does trade, in order.
        traded: Vec<String>,
    },
}

/// The envelope our document of set `set_id` goes out in to `profile`'s partner: ISA ids
/// both ways (the test ids in the test environment), GS codes, the version the profile
/// names for the set, its delimiters and line suffix, usage (test or production), the given
/// control numbers, and `now` as the interchange's date and time.
pub fn envelope(
    profile: &Profile,
    set_id: &str,
    numbers: ControlNumbers,
    now: NaiveDateTime,
) -> Result<EmitEnvelope, OutboundError> {
    let Some(version) = profile.version_for(set_id) else {
        return Err(OutboundError::SetNotTraded {
            partner: profile.id.clone(),
            set: set_id.to_owned(),
            traded: profile.versions.keys().cloned().collect(),
        });
    };
    let mut envelope = EmitEnvelope::new(
        profile.us.isa_for(profile.test).clone(),
        profile.partner.isa_for(profile.test).clone(),
        version,
        numbers.interchange,
        now.date(),
        now.time(),
    );
    envelope.group_control_number = numbers.group;
    envelope.transaction_set_control_number = numbers.transaction_set;
    envelope.group_sender.clone_from(&profile.us.gs);
    envelope.group_receiver.clone_from(&profile.partner.gs);
    envelope.delimiters = profile.delimiters;
    envelope.line_suffix.clone_from(&profile.line_suffix);
    if profile.test {
        envelope.usage = Usage::Test;
    }
    Ok(envelope)
}

/// The partner's outbound rules on every set of an interchange we wrote.
pub fn compliance(profile: &Profile, x12: &[u8]) -> Vec<ComplianceFinding> {
    compliance_with(profile, x12, &compliance::Related::default())
}

/// [`compliance`], with the other documents of the order for the consistency rules (the
/// order the gateway booked, the notices it sent for it).
pub fn compliance_with(
    profile: &Profile,
    x12: &[u8],
    related: &compliance::Related<'_>,
) -> Vec<ComplianceFinding> {
    let mut reader = TransactionSetReader::new(x12);
    let mut findings = Vec::new();
    while let Ok(Some(set)) = reader.next_set() {
        findings.extend(compliance::evaluate_with(
            profile,
            &set,
            Direction::Outbound,
            related,
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::map::outbound::{DocumentKind, OutboundDocument};
    use crate::partner::rules::RuleSeverity;
    use crate::x12::PartyId;

    fn bigretail() -> Profile {
        let text = include_str!("../../partners/bigretail.toml");
        crate::partner::read("bigretail.toml", text, &|_| true).unwrap()
    }

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 26)
            .unwrap()
            .and_hms_opt(9, 30, 15)
            .unwrap()
    }

    const NUMBERS: ControlNumbers = ControlNumbers {
        interchange: 905,
        group: 77,
        transaction_set: 3,
    };

    fn party(qualifier: &str, id: &str) -> PartyId {
        PartyId {
            qualifier: qualifier.into(),
            id: id.into(),
        }
    }

    #[test]
    fn the_envelope_towards_bigretail_is_its_profiles() {
        let profile = bigretail();
        let envelope = envelope(&profile, "810", NUMBERS, now()).unwrap();
        assert_eq!(envelope.sender, party("ZZ", "ACMESUPPLY"));
        assert_eq!(envelope.receiver, party("ZZ", "BIGRETAIL"));
        assert_eq!(envelope.group_sender, "ACMESUPPLY");
        assert_eq!(envelope.group_receiver, "BIGRETAIL");
        assert_eq!(envelope.version, "004010");
        assert_eq!(envelope.interchange_control_number, 905);
        assert_eq!(envelope.group_control_number, 77);
        assert_eq!(envelope.transaction_set_control_number, 3);
        assert_eq!(envelope.date, now().date());
        assert_eq!(envelope.time, now().time());
        assert_eq!(envelope.usage, Usage::Production);
        assert_eq!(envelope.delimiters, profile.delimiters);
        assert_eq!(envelope.line_suffix, "\n");
    }

    #[test]
    fn in_test_the_test_ids_and_usage() {
        let mut profile = bigretail();
        profile.test = true;
        let envelope = envelope(&profile, "856", NUMBERS, now()).unwrap();
        assert_eq!(envelope.sender, party("ZZ", "ACMESUPPLY"));
        assert_eq!(envelope.receiver, party("ZZ", "BIGRETAILTEST"));
        assert_eq!(envelope.group_receiver, "BIGRETAIL");
        assert_eq!(envelope.usage, Usage::Test);
    }

    #[test]
    fn a_set_the_partner_does_not_trade_is_refused_with_the_ones_it_does() {
        let error = envelope(&bigretail(), "820", NUMBERS, now()).unwrap_err();
        assert_eq!(
            error,
            OutboundError::SetNotTraded {
                partner: "bigretail".into(),
                set: "820".into(),
                traded: vec!["810".into(), "850".into(), "856".into(), "997".into()],
            }
        );
        assert_eq!(
            error.to_string(),
            "partner bigretail trades no 820: its profile's envelope.versions names 810, 850, \
             856, 997; add the set there"
        );
    }

    #[test]
    fn what_is_emitted_in_the_envelope_carries_it_and_meets_the_rules() {
        let profile = bigretail();
        let json = include_str!("../../samples/documents/invoice-2-10-net-30.json");
        let invoice = OutboundDocument::from_json(DocumentKind::Invoice, json).unwrap();
        let envelope = envelope(&profile, invoice.kind().set_id(), NUMBERS, now()).unwrap();
        let mut bytes = Vec::new();
        invoice.emit(&envelope, &mut bytes).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains("*ZZ*ACMESUPPLY     *ZZ*BIGRETAIL      *261126*0930*U*00401*000000905*"),
            "{text}"
        );
        assert!(
            text.contains("GS*IN*ACMESUPPLY*BIGRETAIL*20261126*0930*77*X*004010~"),
            "{text}"
        );
        assert!(text.contains("ST*810*0003~"), "{text}");
        let findings = compliance(&profile, text.as_bytes());
        assert!(
            findings.iter().all(|f| f.severity != RuleSeverity::Reject),
            "{findings:?}"
        );
    }

    #[test]
    fn the_rules_run_on_every_set_and_say_what_is_broken() {
        let profile = bigretail();
        let json = include_str!("../../samples/documents/asn-standard-pack.json");
        let notice = OutboundDocument::from_json(DocumentKind::ShipNotice, json).unwrap();
        let envelope = envelope(&profile, "856", NUMBERS, now()).unwrap();
        let mut bytes = Vec::new();
        notice.emit(&envelope, &mut bytes).unwrap();
        // Standard pack has no pallet level, which BigRetail's rule wants.
        let findings = compliance(&profile, &bytes);
        assert!(
            findings
                .iter()
                .any(|f| f.rule == "BR-856-PALLET" && f.severity == RuleSeverity::Reject),
            "{findings:?}"
        );
        assert!(compliance(&profile, b"").is_empty());
    }
}
