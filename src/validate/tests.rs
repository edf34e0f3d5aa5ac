//! The walk and the element checks on a small spec written for the purpose, so that each
//! rule is tested apart from the standard's data.

use super::*;
use crate::spec::{SpecSet, from_sources};

const ELEMENTS: &str = r#"<elements version="005010">
  <element id="1" name="Code" type="ID" min="2" max="2"/>
  <element id="2" name="Text" type="AN" min="1" max="5"/>
  <element id="3" name="Date" type="DT" min="8" max="8"/>
  <element id="4" name="Time" type="TM" min="4" max="8"/>
  <element id="5" name="Amount" type="N2" min="1" max="6"/>
  <element id="6" name="Quantity" type="R" min="1" max="4"/>
  <element id="7" name="Level" type="ID" min="1" max="2"/>
  <element id="8" name="Child" type="ID" min="1" max="1"/>
</elements>"#;

const SEGMENTS: &str = r#"<segments version="005010">
  <composite id="C001" name="Pair">
    <component ref="2" usage="M"/>
    <component ref="2" usage="O"/>
  </composite>
  <segment id="AAA" name="Head">
    <element ref="1" usage="M"/>
    <element ref="2" usage="O"/>
    <element ref="3" usage="X"/>
    <element ref="4" usage="X"/>
    <syntax rule="P0304"/>
  </segment>
  <segment id="BBB" name="Repeating">
    <element ref="2" usage="M" repeat="2"/>
    <composite ref="C001" usage="O"/>
    <element ref="5" usage="X"/>
    <element ref="6" usage="X"/>
    <syntax rule="E0304"/>
  </segment>
  <segment id="LP" name="Loop start">
    <element ref="2" usage="M"/>
  </segment>
  <segment id="IN" name="In loop">
    <element ref="2" usage="O"/>
  </segment>
  <segment id="ZZZ" name="Trailer-ish">
    <element ref="2" usage="O"/>
  </segment>
  <segment id="OUT" name="Not in the set">
    <element ref="2" usage="O"/>
  </segment>
  <segment id="HL" name="Hierarchy">
    <element ref="2" usage="M"/>
    <element ref="2" usage="O"/>
    <element ref="7" usage="M"/>
    <element ref="8" usage="O"/>
  </segment>
  <segment id="ST" name="Header"><element ref="2" usage="M"/><element ref="2" usage="M"/></segment>
  <segment id="SE" name="Trailer"><element ref="5" usage="M"/><element ref="2" usage="M"/></segment>
</segments>"#;

const CODES: &str = r#"<codes version="005010">
  <code-list element="1" complete="yes"><code value="00">Original</code><code value="05">Replace</code></code-list>
  <code-list element="7" complete="no"><code value="S">Shipment</code></code-list>
</codes>"#;

const SET: &str = r#"<transaction-set id="900" name="Test" functional-group="TT" version="005010">
  <table name="heading">
    <segment id="ST" pos="010" usage="M" max="1"/>
    <segment id="AAA" pos="020" usage="M" max="1"/>
    <segment id="BBB" pos="030" usage="O" max="2"/>
  </table>
  <table name="detail">
    <loop id="LP" repeat="2">
      <segment id="LP" pos="010" usage="M" max="1"/>
      <segment id="IN" pos="020" usage="M" max="1"/>
    </loop>
    <loop id="HL" repeat=">1">
      <segment id="HL" pos="030" usage="O" max="1"/>
    </loop>
  </table>
  <table name="summary">
    <segment id="ZZZ" pos="010" usage="O" max="1"/>
    <segment id="SE" pos="020" usage="M" max="1"/>
  </table>
</transaction-set>"#;

/// A set whose AAA is narrowed the way an implementation guide narrows it.
const NARROWED: &str = r#"<transaction-set id="902" name="Narrowed" functional-group="TT" version="005010">
  <table name="heading">
    <segment id="ST" pos="010" usage="M" max="1"/>
    <segment id="AAA" pos="020" usage="M" max="1">
      <element pos="01" codes="05"/>
      <element pos="02" usage="M"/>
      <element pos="03" usage="N"/>
    </segment>
    <segment id="SE" pos="030" usage="M" max="1"/>
  </table>
</transaction-set>"#;

fn specs() -> SpecSet {
    from_sources([
        ("t/005010/elements.xml", ELEMENTS),
        ("t/005010/segments.xml", SEGMENTS),
        ("t/005010/codes.xml", CODES),
        ("t/005010/900.xml", SET),
        ("t/005010/902.xml", NARROWED),
    ])
    .unwrap()
}

/// Findings of one set whose body (between ST and SE) is `body`, as `CODE@POSITION:PLACE`.
fn check(body: &str) -> Vec<String> {
    check_set("900", body)
}

fn check_set(id: &str, body: &str) -> Vec<String> {
    let segments: Vec<&str> = body.split('~').filter(|s| !s.is_empty()).collect();
    let count = segments.len() + 2;
    let text = format!(
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*^*00501*000000001*0*P*:~\
         GS*TT*S*R*20260101*1200*1*X*005010~ST*{id}*0001~{}~SE*{count}*0001~GE*1*1~IEA*1*000000001~",
        segments.join("~")
    );
    let specs = specs();
    let (reports, _) = validate(&specs, text.as_bytes());
    let set = &reports[0].groups[0].sets[0];
    set.findings
        .iter()
        .map(|f| {
            let sev = if f.severity == Severity::Warning {
                "w"
            } else {
                ""
            };
            format!("{}{sev}@{}:{}", f.code(), f.position, f.place())
        })
        .collect()
}

#[test]
fn a_valid_set_has_no_findings() {
    assert_eq!(check("AAA*00*X~LP*A~IN~LP*B~IN~ZZZ"), Vec::<String>::new());
}

#[test]
fn structure_errors_are_placed_and_coded() {
    // AAA missing (3), noticed at LP.
    assert_eq!(check("LP*A~IN"), ["3@2:AAA"]);
    // IN missing at the end of the loop iteration, noticed at the next LP.
    assert_eq!(check("AAA*00~LP*A~LP*B~IN"), ["3@4:IN"]);
    // BBB over its maximum use of 2.
    assert_eq!(check("AAA*00~BBB*A~BBB*A~BBB*A~LP*A~IN"), ["5@5:BBB"]);
    // LP loop over its repeat of 2.
    assert_eq!(check("AAA*00~LP*A~IN~LP*B~IN~LP*C~IN"), ["4@7:LP"]);
    // A segment not in the dictionary, one not in the set, one out of order.
    assert_eq!(
        check("AAA*00~QQQ*1~OUT~LP*A~IN~BBB*A"),
        ["1@3:QQQ", "6@4:OUT", "7@7:BBB"]
    );
    // IN before any LP: it belongs to a loop that has not started.
    assert_eq!(check("AAA*00~IN~LP*A~IN"), ["2@3:IN"]);
    // The mandatory loop LP missing altogether (noticed at SE).
    assert_eq!(check("AAA*00"), ["3@3:LP"]);
}

#[test]
fn element_errors_are_placed_and_coded() {
    assert_eq!(check("AAA~LP*A~IN"), ["1@2:AAA01"]);
    assert_eq!(check("AAA*01~LP*A~IN"), ["7@2:AAA01"]);
    assert_eq!(check("AAA*00*TOOLONG~LP*A~IN"), ["5@2:AAA02"]);
    assert_eq!(check("AAA*00**20261301*1200~LP*A~IN"), ["8@2:AAA03"]);
    assert_eq!(check("AAA*00**20261231*2500~LP*A~IN"), ["9@2:AAA04"]);
    assert_eq!(check("AAA*00**20261231~LP*A~IN"), ["2@2:AAA04"]);
    assert_eq!(check("AAA*00*X*20261231*1200*EXTRA~LP*A~IN"), ["3@2:AAA05"]);
    assert_eq!(check("AAA*00*\u{7}~LP*A~IN"), ["6@2:AAA02"]);
    assert_eq!(check("AAA*00~BBB*A^B^C~LP*A~IN"), ["12@3:BBB01"]);
    assert_eq!(check("AAA*00~BBB*A:B~LP*A~IN"), ["13@3:BBB01"]);
    assert_eq!(check("AAA*00~BBB*A*:B~LP*A~IN"), ["1@3:BBB02-1"]);
    assert_eq!(check("AAA*00~BBB*A*X:Y:Z~LP*A~IN"), ["13@3:BBB02-3"]);
    assert_eq!(check("AAA*00~BBB*A**12.5~LP*A~IN"), ["6@3:BBB03"]);
    assert_eq!(check("AAA*00~BBB*A***12.345~LP*A~IN"), ["5@3:BBB04"]);
    assert_eq!(check("AAA*00~BBB*A**125*1~LP*A~IN"), ["10@3:BBB04"]);
}

#[test]
fn hierarchy_is_checked() {
    assert_eq!(
        check("AAA*00~LP*A~IN~HL*1**S*1~HL*2*1*S*0"),
        Vec::<String>::new()
    );
    // Unknown parent, duplicate id, a promise of children not kept; S is known, X is only a
    // warning because the list is not complete.
    assert_eq!(
        check("AAA*00~LP*A~IN~HL*1**S*1~HL*2*9*X~HL*2*1*S"),
        ["7w@6:HL03", "7@6:HL02", "7@7:HL01"]
    );
    assert_eq!(check("AAA*00~LP*A~IN~HL*1**S*1"), ["7@5:HL04"]);
}

#[test]
fn verdicts_follow_the_findings() {
    let specs = specs();
    let good = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*^*00501*000000001*0*P*:~\
        GS*TT*S*R*20260101*1200*1*X*005010~ST*900*0001~AAA*00~LP*A~IN~SE*5*0001~\
        ST*900*0002~AAA*99~LP*A~IN~SE*5*0002~ST*901*0003~SE*2*0003~GE*3*1~IEA*1*000000001~";
    let (reports, _) = validate(&specs, good.as_bytes());
    let g = &reports[0].groups[0];
    let policy = Policy::default();
    let codes: Vec<char> = g.sets.iter().map(|s| s.ack_code(&policy)).collect();
    assert_eq!(codes, ['A', 'R', 'R']);
    assert_eq!(g.sets[1].error_codes(), ["5"]);
    assert_eq!(g.sets[2].error_codes(), ["1"]);
    assert_eq!(g.ack_code(&policy), 'P');
    assert_eq!(g.accepted(&policy), 1);
    let lenient = Policy {
        note_only_element: vec![ElementError::InvalidCode],
        ..Policy::default()
    };
    assert_eq!(g.sets[1].ack_code(&lenient), 'E');
}

#[test]
fn a_narrowed_segment_is_held_to_its_narrowing() {
    assert_eq!(check_set("902", "AAA*05*X"), Vec::<String>::new());
    // 00 is a code of element 1, but not one this place allows.
    assert_eq!(check_set("902", "AAA*00*X"), ["7@2:AAA01"]);
    // AAA02 is optional in the segment, required here.
    assert_eq!(check_set("902", "AAA*05"), ["1@2:AAA02"]);
    // AAA03 must not be sent here (its pair AAA04 is then missing too, by the syntax note).
    assert_eq!(check_set("902", "AAA*05*X*20260101*1200"), ["3@2:AAA03"]);
}
