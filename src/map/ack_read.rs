//! Reading the acknowledgements partners send us: TA1s and 997s, into a structured result
//! (which interchanges, groups and sets were accepted or rejected, and why), ready to be
//! matched against what we sent.

use crate::x12::envelope::{GroupSummary, TransactionSummary, Visitor};
use crate::x12::{GroupHeader, InterchangeHeader, Parser, Segment, TransactionHeader, parse_into};

/// A TA1: the partner's answer about one of our interchanges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeAck {
    /// TA101: the control number of our interchange it answers.
    pub control_number: String,
    /// TA102 / TA103: the date and time of our interchange.
    pub date: String,
    pub time: String,
    /// TA104: A, E or R.
    pub code: String,
    /// TA105: the note code (I18).
    pub note: String,
    /// The ISA13 of the interchange that carried the TA1.
    pub carried_by: String,
    pub offset: u64,
}

/// AK4: one element in error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ElementNote {
    pub position: String,
    pub component: String,
    pub repetition: String,
    pub reference: String,
    /// AK403 (723).
    pub code: String,
    pub value: String,
}

/// AK3 with its AK4s: one segment in error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SegmentNote {
    pub id: String,
    pub position: String,
    pub loop_id: String,
    /// AK304 (720), empty when not sent.
    pub code: String,
    pub elements: Vec<ElementNote>,
}

/// AK2 .. AK5: the partner's verdict on one of our transaction sets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetAck {
    pub id: String,
    pub control_number: String,
    pub implementation_reference: String,
    /// AK501 (717): A, E, R, ...; empty when AK5 is missing.
    pub code: String,
    /// AK502..AK506 (718).
    pub errors: Vec<String>,
    pub segments: Vec<SegmentNote>,
}

/// One 997: the partner's verdict on one of our functional groups.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FunctionalAck {
    /// AK101 / AK102 / AK103: the group acknowledged.
    pub functional_id: String,
    pub group_control_number: String,
    pub version: String,
    /// AK901 (715): A, E, P, R, ...
    pub code: String,
    /// AK902, AK903, AK904: sets in the group, received, accepted.
    pub declared: String,
    pub received: String,
    pub accepted: String,
    /// AK905..AK909 (716).
    pub group_errors: Vec<String>,
    pub sets: Vec<SetAck>,
    /// Where this 997 came from: its interchange, group and set control numbers.
    pub carried_by: (String, String, String),
    /// What is wrong with the 997 itself (missing AK1 or AK9, an AK4 without AK3, ...).
    pub problems: Vec<String>,
    pub offset: u64,
}

/// Every TA1 and 997 found in an input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AckReading {
    pub interchange_acks: Vec<InterchangeAck>,
    pub functional_acks: Vec<FunctionalAck>,
}

/// Reads the TA1s and 997s of an input held in memory.
pub fn read_acks(input: &[u8]) -> AckReading {
    let mut reader = AckReader::default();
    parse_into(input, &mut Parser::new(), &mut reader);
    reader.reading
}

/// A visitor that gathers acknowledgements; usable on a stream too.
#[derive(Default)]
pub struct AckReader {
    pub reading: AckReading,
    isa13: String,
    gs06: String,
    current: Option<FunctionalAck>,
}

fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

fn values(segment: &Segment<'_>) -> Vec<String> {
    segment.elements().map(|e| text(e.value)).collect()
}

fn at(v: &[String], n: usize) -> String {
    v.get(n - 1).cloned().unwrap_or_default()
}

impl<'a> Visitor<'a> for AckReader {
    fn interchange_start(&mut self, header: &InterchangeHeader, _isa: &Segment<'a>) {
        self.isa13 = header.control_number.clone();
    }

    fn control_segment(&mut self, segment: &Segment<'a>) {
        if segment.id != b"TA1" {
            return;
        }
        let v = values(segment);
        self.reading.interchange_acks.push(InterchangeAck {
            control_number: at(&v, 1),
            date: at(&v, 2),
            time: at(&v, 3),
            code: at(&v, 4),
            note: at(&v, 5),
            carried_by: self.isa13.clone(),
            offset: segment.offset,
        });
    }

    fn group_start(&mut self, header: &GroupHeader, _gs: &Segment<'a>) {
        self.gs06 = header.control_number.clone();
    }

    fn transaction_start(&mut self, header: &TransactionHeader, st: &Segment<'a>) {
        if header.id == "997" {
            self.current = Some(FunctionalAck {
                carried_by: (
                    self.isa13.clone(),
                    self.gs06.clone(),
                    header.control_number.clone(),
                ),
                offset: st.offset,
                ..FunctionalAck::default()
            });
        }
    }

    fn segment(&mut self, segment: &Segment<'a>) {
        let Some(ack) = self.current.as_mut() else {
            return;
        };
        let v = values(segment);
        match segment.id {
            b"AK1" => {
                ack.functional_id = at(&v, 1);
                ack.group_control_number = at(&v, 2);
                ack.version = at(&v, 3);
            }
            b"AK2" => ack.sets.push(SetAck {
                id: at(&v, 1),
                control_number: at(&v, 2),
                implementation_reference: at(&v, 3),
                ..SetAck::default()
            }),
            b"AK3" => match ack.sets.last_mut() {
                Some(set) => set.segments.push(SegmentNote {
                    id: at(&v, 1),
                    position: at(&v, 2),
                    loop_id: at(&v, 3),
                    code: at(&v, 4),
                    elements: Vec::new(),
                }),
                None => ack.problems.push(format!(
                    "AK3 at segment {} outside any AK2 loop",
                    segment.position
                )),
            },
            b"AK4" => {
                let place: Vec<String> = segment
                    .element(1)
                    .map(|e| {
                        e.components(&segment.delimiters)
                            .map(|c| text(c.value))
                            .collect()
                    })
                    .unwrap_or_default();
                let note = ElementNote {
                    position: at(&place, 1),
                    component: at(&place, 2),
                    repetition: at(&place, 3),
                    reference: at(&v, 2),
                    code: at(&v, 3),
                    value: at(&v, 4),
                };
                match ack.sets.last_mut().and_then(|s| s.segments.last_mut()) {
                    Some(seg) => seg.elements.push(note),
                    None => ack.problems.push(format!(
                        "AK4 at segment {} without an AK3 before it",
                        segment.position
                    )),
                }
            }
            b"AK5" => match ack.sets.last_mut() {
                Some(set) => {
                    set.code = at(&v, 1);
                    set.errors = v
                        .iter()
                        .skip(1)
                        .filter(|c| !c.is_empty())
                        .cloned()
                        .collect();
                }
                None => ack.problems.push(format!(
                    "AK5 at segment {} outside any AK2 loop",
                    segment.position
                )),
            },
            b"AK9" => {
                ack.code = at(&v, 1);
                ack.declared = at(&v, 2);
                ack.received = at(&v, 3);
                ack.accepted = at(&v, 4);
                ack.group_errors = v
                    .iter()
                    .skip(4)
                    .filter(|c| !c.is_empty())
                    .cloned()
                    .collect();
            }
            _ => {}
        }
    }

    fn transaction_end(&mut self, _summary: &TransactionSummary, _se: Option<&Segment<'a>>) {
        if let Some(mut ack) = self.current.take() {
            if ack.functional_id.is_empty() {
                ack.problems
                    .push("no AK1: the 997 does not say which group it acknowledges".into());
            }
            if ack.code.is_empty() {
                ack.problems
                    .push("no AK9: the 997 gives no verdict on the group".into());
            }
            for set in ack.sets.iter().filter(|s| s.code.is_empty()) {
                ack.problems.push(format!(
                    "no AK5 for transaction set {} {}",
                    set.id, set.control_number
                ));
            }
            self.reading.functional_acks.push(ack);
        }
    }

    fn group_end(&mut self, _summary: &GroupSummary, _ge: Option<&Segment<'a>>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partners_997_and_ta1_read_into_their_parts() {
        let input = b"ISA*00*          *00*          *ZZ*BIGRETAIL      *ZZ*ACMESUPPLY     *261126*1200*^*00501*000000007*0*P*:~\
TA1*000000042*261125*0900*E*001~\
GS*FA*BIGRETAIL*ACMESUPPLY*20261126*1200*7*X*005010~\
ST*997*0001~AK1*IN*55*005010~\
AK2*810*0001~AK5*A~\
AK2*810*0002~AK3*IT1*4*IT1*8~AK4*2:1**1~AK4*6*235*7*ZZ~AK3*TDS*9**3~AK5*R*5~\
AK9*P*2*2*1~SE*12*0001~GE*1*7~IEA*1*000000007~";
        let reading = read_acks(input);
        assert_eq!(
            reading.interchange_acks,
            [InterchangeAck {
                control_number: "000000042".into(),
                date: "261125".into(),
                time: "0900".into(),
                code: "E".into(),
                note: "001".into(),
                carried_by: "000000007".into(),
                offset: 106,
            }]
        );
        let ack = &reading.functional_acks[0];
        assert_eq!(
            (
                ack.functional_id.as_str(),
                ack.group_control_number.as_str(),
                ack.version.as_str()
            ),
            ("IN", "55", "005010")
        );
        assert_eq!(
            (
                ack.code.as_str(),
                ack.declared.as_str(),
                ack.received.as_str(),
                ack.accepted.as_str()
            ),
            ("P", "2", "2", "1")
        );
        assert_eq!(ack.sets.len(), 2);
        assert_eq!(ack.sets[0].code, "A");
        let rejected = &ack.sets[1];
        assert_eq!(
            (rejected.control_number.as_str(), rejected.code.as_str()),
            ("0002", "R")
        );
        assert_eq!(rejected.errors, ["5"]);
        assert_eq!(rejected.segments.len(), 2);
        let it1 = &rejected.segments[0];
        assert_eq!(
            (
                it1.id.as_str(),
                it1.position.as_str(),
                it1.loop_id.as_str(),
                it1.code.as_str()
            ),
            ("IT1", "4", "IT1", "8")
        );
        assert_eq!(
            it1.elements[0],
            ElementNote {
                position: "2".into(),
                component: "1".into(),
                code: "1".into(),
                ..ElementNote::default()
            }
        );
        assert_eq!(
            it1.elements[1],
            ElementNote {
                position: "6".into(),
                reference: "235".into(),
                code: "7".into(),
                value: "ZZ".into(),
                ..ElementNote::default()
            }
        );
        assert_eq!(rejected.segments[1].code, "3");
        assert!(ack.problems.is_empty(), "{:?}", ack.problems);
        assert_eq!(
            ack.carried_by,
            ("000000007".into(), "7".into(), "0001".into())
        );
    }

    #[test]
    fn a_997_missing_its_parts_says_so() {
        let input = b"ISA*00*          *00*          *ZZ*BIGRETAIL      *ZZ*ACMESUPPLY     *261126*1200*U*00401*000000007*0*P*>~\
GS*FA*BIGRETAIL*ACMESUPPLY*20261126*1200*7*X*004010~ST*997*0001~AK2*850*0001~AK4*1**1~SE*4*0001~GE*1*7~IEA*1*000000007~";
        let problems = &read_acks(input).functional_acks[0].problems;
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("no AK1")));
        assert!(problems.iter().any(|p| p.contains("no AK9")));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("AK4 at segment 3 without an AK3")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("no AK5 for transaction set 850 0001"))
        );
    }
}
