//! Writing interchanges: envelopes with their counts and control numbers computed, ISA fields
//! padded to their fixed widths, data checked against the partner's delimiters.
//!
//! What the writer writes, [`parse`](super::parse) reads back to the same segments (trailing
//! empty elements, repetitions and components are never written, as the standard requires).

use std::io::{self, Write};

use super::delimiters::Delimiters;
use super::isa::{ISA_WIDTHS, PartyId};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "{segment}{element:02}{} contains {byte}, which is a delimiter of this interchange; \
         remove it from the data or trade with other delimiters",
        component.map(|c| format!("-{c}")).unwrap_or_default()
    )]
    DelimiterInData {
        segment: String,
        element: usize,
        component: Option<usize>,
        byte: String,
    },
    #[error(
        "{segment}{element:02}{} contains the control character {byte}; X12 data must be printable",
        component.map(|c| format!("-{c}")).unwrap_or_default()
    )]
    ControlCharacter {
        segment: String,
        element: usize,
        component: Option<usize>,
        byte: String,
    },
    #[error("ISA{element:02} is {len} characters but its fixed width is {width}: '{value}'")]
    IsaFieldTooLong {
        element: usize,
        len: usize,
        width: usize,
        value: String,
    },
    #[error("'{0}' is not a segment id: it must be two or three letters or digits")]
    BadSegmentId(String),
    #[error("{0} is written by the writer itself (begin/end methods), not as a data segment")]
    EnvelopeSegment(String),
    #[error("{0}")]
    OutOfOrder(&'static str),
    #[error("control number {value} does not fit {what} ({digits} digits at most)")]
    ControlNumberTooLarge {
        what: &'static str,
        value: u64,
        digits: u32,
    },
    #[error("the delimiters cannot be used: {0}")]
    Delimiters(String),
    #[error("writing the interchange failed: {0}")]
    Io(#[from] io::Error),
}

/// ISA values for a new interchange. Date and time are passed in: the writer has no clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeEnvelope {
    pub authorization_qualifier: String,
    pub authorization: String,
    pub security_qualifier: String,
    pub security: String,
    pub sender: PartyId,
    pub receiver: PartyId,
    /// YYMMDD.
    pub date: String,
    /// HHMM.
    pub time: String,
    /// ISA12, e.g. `00401` or `00501`.
    pub version: String,
    pub control_number: u64,
    pub ack_requested: bool,
    /// `P`, `T` or `I`.
    pub usage: char,
}

impl InterchangeEnvelope {
    /// An envelope with empty authorization/security (qualifiers `00`).
    pub fn new(
        sender: PartyId,
        receiver: PartyId,
        date: &str,
        time: &str,
        version: &str,
        control_number: u64,
    ) -> Self {
        InterchangeEnvelope {
            authorization_qualifier: "00".into(),
            authorization: String::new(),
            security_qualifier: "00".into(),
            security: String::new(),
            sender,
            receiver,
            date: date.into(),
            time: time.into(),
            version: version.into(),
            control_number,
            ack_requested: false,
            usage: 'P',
        }
    }
}

/// GS values for a new functional group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupEnvelope {
    pub functional_id: String,
    pub sender: String,
    pub receiver: String,
    /// CCYYMMDD.
    pub date: String,
    /// HHMM.
    pub time: String,
    pub control_number: u64,
    /// GS08, e.g. `004010`.
    pub version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Interchange,
    Group,
    Set,
}

/// Writes interchanges to any `Write`, one segment at a time.
pub struct InterchangeWriter<W> {
    out: W,
    delimiters: Delimiters,
    /// Written after each terminator ("\n" makes files readable; "" for strict partners).
    line_suffix: Vec<u8>,
    state: State,
    isa13: u64,
    groups: u64,
    gs06: u64,
    /// GS08 of the open group.
    group_version: String,
    sets: u64,
    st02: String,
    segments: u64,
    scratch: Vec<u8>,
}

impl<W: Write> InterchangeWriter<W> {
    pub fn new(out: W, delimiters: Delimiters, line_suffix: &str) -> Result<Self, WriteError> {
        delimiters.check().map_err(WriteError::Delimiters)?;
        if line_suffix
            .bytes()
            .any(|b| delimiters.is_delimiter(b) || !matches!(b, b'\r' | b'\n'))
        {
            return Err(WriteError::Delimiters(
                "the line suffix may only be CR and/or LF, and must not be a delimiter".into(),
            ));
        }
        Ok(InterchangeWriter {
            out,
            delimiters,
            line_suffix: line_suffix.as_bytes().to_vec(),
            state: State::Idle,
            isa13: 0,
            groups: 0,
            gs06: 0,
            group_version: String::new(),
            sets: 0,
            st02: String::new(),
            segments: 0,
            scratch: Vec::with_capacity(256),
        })
    }

    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// GS08 of the group open or last written.
    pub fn group_version(&self) -> &str {
        &self.group_version
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    pub fn begin_interchange(&mut self, env: &InterchangeEnvelope) -> Result<(), WriteError> {
        if self.state != State::Idle {
            return Err(WriteError::OutOfOrder(
                "begin_interchange while an interchange is open",
            ));
        }
        if env.control_number > 999_999_999 {
            return Err(WriteError::ControlNumberTooLarge {
                what: "ISA13",
                value: env.control_number,
                digits: 9,
            });
        }
        let modern = env.version.as_str() >= "00402";
        // The repetition separator is a byte, written as is (a `char` would turn a byte
        // above 0x7F into two bytes of UTF-8).
        let isa11: Vec<u8> = match (modern, self.delimiters.repetition) {
            (true, Some(r)) => vec![r],
            (true, None) => {
                return Err(WriteError::Delimiters(format!(
                    "version {} needs a repetition separator in ISA11",
                    env.version
                )));
            }
            (false, _) => b"U".to_vec(),
        };
        if !modern {
            // Before 00402 there is no repetition separator: the character is plain data.
            self.delimiters.repetition = None;
        }
        let isa13 = format!("{:09}", env.control_number);
        let usage = env.usage.to_string();
        let fields: [&[u8]; 15] = [
            env.authorization_qualifier.as_bytes(),
            env.authorization.as_bytes(),
            env.security_qualifier.as_bytes(),
            env.security.as_bytes(),
            env.sender.qualifier.as_bytes(),
            env.sender.id.as_bytes(),
            env.receiver.qualifier.as_bytes(),
            env.receiver.id.as_bytes(),
            env.date.as_bytes(),
            env.time.as_bytes(),
            &isa11,
            env.version.as_bytes(),
            isa13.as_bytes(),
            if env.ack_requested { b"1" } else { b"0" },
            usage.as_bytes(),
        ];
        self.scratch.clear();
        self.scratch.extend_from_slice(b"ISA");
        for (i, value) in fields.iter().enumerate() {
            let width = ISA_WIDTHS[i];
            if value.len() > width {
                return Err(WriteError::IsaFieldTooLong {
                    element: i + 1,
                    len: value.len(),
                    width,
                    value: String::from_utf8_lossy(value).into_owned(),
                });
            }
            if i != 10 {
                check_value(value, &self.delimiters, "ISA", i + 1, None)?;
            }
            self.scratch.push(self.delimiters.element);
            self.scratch.extend_from_slice(value);
            self.scratch
                .resize(self.scratch.len() + width - value.len(), b' ');
        }
        self.scratch.push(self.delimiters.element);
        self.scratch.push(self.delimiters.component);
        self.emit()?;
        self.state = State::Interchange;
        self.isa13 = env.control_number;
        self.groups = 0;
        Ok(())
    }

    /// A control segment between the ISA and the first GS (a TA1 answering an interchange).
    pub fn control_segment(&mut self, id: &str, elements: &[&str]) -> Result<(), WriteError> {
        if self.state != State::Interchange || self.groups > 0 {
            return Err(WriteError::OutOfOrder(
                "control segment after a functional group or outside an interchange",
            ));
        }
        if !matches!(id, "TA1" | "TA3" | "ISB" | "ISE") {
            return Err(WriteError::BadSegmentId(id.to_string()));
        }
        self.raw_segment(id, elements)
    }

    pub fn begin_group(&mut self, env: &GroupEnvelope) -> Result<(), WriteError> {
        if self.state != State::Interchange {
            return Err(WriteError::OutOfOrder(
                "begin_group outside an interchange or inside a group",
            ));
        }
        if env.control_number > 999_999_999 {
            return Err(WriteError::ControlNumberTooLarge {
                what: "GS06",
                value: env.control_number,
                digits: 9,
            });
        }
        let gs06 = env.control_number.to_string();
        self.raw_segment(
            "GS",
            &[
                &env.functional_id,
                &env.sender,
                &env.receiver,
                &env.date,
                &env.time,
                &gs06,
                "X",
                &env.version,
            ],
        )?;
        self.state = State::Group;
        self.gs06 = env.control_number;
        self.group_version.clone_from(&env.version);
        self.sets = 0;
        Ok(())
    }

    /// Opens a transaction set; ST02 is zero-padded to at least four digits.
    pub fn begin_transaction(&mut self, id: &str, control_number: u64) -> Result<(), WriteError> {
        self.begin_transaction_with_reference(id, control_number, "")
    }

    /// Opens a transaction set with ST03 (5010 implementation convention reference).
    pub fn begin_transaction_with_reference(
        &mut self,
        id: &str,
        control_number: u64,
        reference: &str,
    ) -> Result<(), WriteError> {
        if self.state != State::Group {
            return Err(WriteError::OutOfOrder(
                "begin_transaction outside a functional group or inside a set",
            ));
        }
        if control_number > 999_999_999 {
            return Err(WriteError::ControlNumberTooLarge {
                what: "ST02",
                value: control_number,
                digits: 9,
            });
        }
        let st02 = format!("{control_number:04}");
        self.raw_segment("ST", &[id, &st02, reference])?;
        self.state = State::Set;
        self.st02 = st02;
        self.segments = 1;
        Ok(())
    }

    /// Writes a data segment made of simple elements.
    pub fn segment(&mut self, id: &str, elements: &[&str]) -> Result<(), WriteError> {
        self.check_data_segment(id)?;
        self.raw_segment(id, elements)?;
        self.segments += 1;
        Ok(())
    }

    /// Writes a data segment whose elements may repeat and have components:
    /// `elements[e][r][c]` is component `c` of repetition `r` of element `e`.
    pub fn segment_parts(
        &mut self,
        id: &str,
        elements: &[Vec<Vec<&str>>],
    ) -> Result<(), WriteError> {
        self.check_data_segment(id)?;
        let d = self.delimiters;
        let repeats = elements.iter().any(|e| e.len() > 1);
        if repeats && d.repetition.is_none() {
            return Err(WriteError::Delimiters(format!(
                "segment {id} repeats an element but this interchange has no repetition separator"
            )));
        }
        self.scratch.clear();
        self.scratch.extend_from_slice(id.as_bytes());
        let mut written = self.scratch.len();
        for (e, element) in elements.iter().enumerate() {
            self.scratch.push(d.element);
            let reps = trim_trailing(element, |r| r.iter().all(|c| c.is_empty()));
            for (r, repetition) in reps.iter().enumerate() {
                if r > 0 {
                    self.scratch.push(d.repetition.unwrap_or(d.element));
                }
                let comps = trim_trailing(repetition, |c| c.is_empty());
                for (c, component) in comps.iter().enumerate() {
                    if c > 0 {
                        self.scratch.push(d.component);
                    }
                    let which = (comps.len() > 1).then_some(c + 1);
                    check_value(component.as_bytes(), &d, id, e + 1, which)?;
                    self.scratch.extend_from_slice(component.as_bytes());
                }
            }
            if !reps.is_empty() {
                written = self.scratch.len();
            }
        }
        self.scratch.truncate(written);
        self.emit()?;
        self.segments += 1;
        Ok(())
    }

    pub fn end_transaction(&mut self) -> Result<(), WriteError> {
        if self.state != State::Set {
            return Err(WriteError::OutOfOrder(
                "end_transaction without an open transaction set",
            ));
        }
        let se01 = (self.segments + 1).to_string();
        let st02 = std::mem::take(&mut self.st02);
        self.raw_segment("SE", &[&se01, &st02])?;
        self.state = State::Group;
        self.sets += 1;
        Ok(())
    }

    pub fn end_group(&mut self) -> Result<(), WriteError> {
        if self.state != State::Group {
            return Err(WriteError::OutOfOrder(
                "end_group without an open functional group (or with an open set)",
            ));
        }
        let (ge01, ge02) = (self.sets.to_string(), self.gs06.to_string());
        self.raw_segment("GE", &[&ge01, &ge02])?;
        self.state = State::Interchange;
        self.groups += 1;
        Ok(())
    }

    pub fn end_interchange(&mut self) -> Result<(), WriteError> {
        if self.state != State::Interchange {
            return Err(WriteError::OutOfOrder(
                "end_interchange with a group still open",
            ));
        }
        let (iea01, iea02) = (self.groups.to_string(), format!("{:09}", self.isa13));
        self.raw_segment("IEA", &[&iea01, &iea02])?;
        self.state = State::Idle;
        Ok(())
    }

    /// Flushes and returns the output; fails if an interchange is still open.
    pub fn finish(mut self) -> Result<W, WriteError> {
        if self.state != State::Idle {
            return Err(WriteError::OutOfOrder(
                "finish with an interchange still open",
            ));
        }
        self.out.flush()?;
        Ok(self.out)
    }

    fn check_data_segment(&self, id: &str) -> Result<(), WriteError> {
        if self.state != State::Set {
            return Err(WriteError::OutOfOrder(
                "data segment outside a transaction set",
            ));
        }
        if !super::tokenizer::is_valid_id(id.as_bytes()) {
            return Err(WriteError::BadSegmentId(id.to_string()));
        }
        if matches!(id, "ISA" | "IEA" | "GS" | "GE" | "ST" | "SE") {
            return Err(WriteError::EnvelopeSegment(id.to_string()));
        }
        Ok(())
    }

    fn raw_segment(&mut self, id: &str, elements: &[&str]) -> Result<(), WriteError> {
        let d = self.delimiters;
        self.scratch.clear();
        self.scratch.extend_from_slice(id.as_bytes());
        let elements = trim_trailing(elements, |e| e.is_empty());
        for (i, value) in elements.iter().enumerate() {
            check_value(value.as_bytes(), &d, id, i + 1, None)?;
            self.scratch.push(d.element);
            self.scratch.extend_from_slice(value.as_bytes());
        }
        self.emit()
    }

    fn emit(&mut self) -> Result<(), WriteError> {
        self.scratch.push(self.delimiters.segment);
        self.scratch.extend_from_slice(&self.line_suffix);
        self.out.write_all(&self.scratch)?;
        Ok(())
    }
}

fn trim_trailing<T>(items: &[T], empty: impl Fn(&T) -> bool) -> &[T] {
    let keep = items.iter().rposition(|x| !empty(x)).map_or(0, |i| i + 1);
    &items[..keep]
}

fn check_value(
    value: &[u8],
    d: &Delimiters,
    segment: &str,
    element: usize,
    component: Option<usize>,
) -> Result<(), WriteError> {
    for &b in value {
        if d.is_delimiter(b) {
            return Err(WriteError::DelimiterInData {
                segment: segment.to_string(),
                element,
                component,
                byte: super::diagnostic::show_byte(b),
            });
        }
        if b < 0x20 || b == 0x7f {
            return Err(WriteError::ControlCharacter {
                segment: segment.to_string(),
                element,
                component,
                byte: super::diagnostic::show_byte(b),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> InterchangeEnvelope {
        InterchangeEnvelope::new(
            PartyId {
                qualifier: "ZZ".into(),
                id: "SUPPLIER".into(),
            },
            PartyId {
                qualifier: "01".into(),
                id: "RETAILER".into(),
            },
            "261126",
            "1530",
            "00501",
            42,
        )
    }

    fn group() -> GroupEnvelope {
        GroupEnvelope {
            functional_id: "IN".into(),
            sender: "SUPPLIER".into(),
            receiver: "RETAILER".into(),
            date: "20261126".into(),
            time: "1530".into(),
            control_number: 7,
            version: "005010".into(),
        }
    }

    #[test]
    fn writes_counts_and_padding() {
        let mut w = InterchangeWriter::new(Vec::new(), Delimiters::COMMON, "\n").unwrap();
        w.begin_interchange(&envelope()).unwrap();
        w.begin_group(&group()).unwrap();
        w.begin_transaction("810", 1).unwrap();
        w.segment("BIG", &["20261126", "INV1", "", "PO1", "", ""])
            .unwrap();
        w.end_transaction().unwrap();
        w.end_group().unwrap();
        w.end_interchange().unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(
            out,
            "ISA*00*          *00*          *ZZ*SUPPLIER       *01*RETAILER       *261126*1530*^*00501*000000042*0*P*>~\n\
             GS*IN*SUPPLIER*RETAILER*20261126*1530*7*X*005010~\n\
             ST*810*0001~\n\
             BIG*20261126*INV1**PO1~\n\
             SE*3*0001~\n\
             GE*1*7~\n\
             IEA*1*000000042~\n"
        );
        let doc = crate::x12::parse(out.as_bytes());
        assert!(doc.is_sound(), "{:?}", doc.diagnostics);
    }

    #[test]
    fn refuses_delimiter_in_data() {
        let mut w = InterchangeWriter::new(Vec::new(), Delimiters::COMMON, "").unwrap();
        w.begin_interchange(&envelope()).unwrap();
        w.begin_group(&group()).unwrap();
        w.begin_transaction("810", 1).unwrap();
        let err = w.segment("N1", &["ST", "ACME~WAREHOUSE"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "N102 contains '~', which is a delimiter of this interchange; remove it from the data or trade with other delimiters"
        );
        let err = w
            .segment_parts("SLN", &[vec![vec!["1"]], vec![vec!["PC", "1>2"]]])
            .unwrap_err();
        assert!(err.to_string().starts_with("SLN02-2 contains '>'"), "{err}");
    }

    #[test]
    fn refuses_long_isa_field() {
        let mut env = envelope();
        env.sender.id = "A-SENDER-ID-THAT-IS-TOO-LONG".into();
        let mut w = InterchangeWriter::new(Vec::new(), Delimiters::COMMON, "").unwrap();
        assert!(matches!(
            w.begin_interchange(&env),
            Err(WriteError::IsaFieldTooLong { element: 6, .. })
        ));
    }
}
