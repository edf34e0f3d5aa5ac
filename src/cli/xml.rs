//! Canonical documents as XML, for downstream systems that take XML rather than JSON. The XML
//! is written from the same JSON the JSON output prints (read back in its own order), by one
//! rule, so the two never disagree and nothing is lost:
//!
//! - an object is an element per key, in order (`<number>4500012345</number>`);
//! - an array is its key's element holding one `<item>` per member (`<lines><item>...
//!   </item></lines>`), so arrays of arrays (an unmapped segment's components) keep their
//!   shape;
//! - strings, numbers and booleans are text; `null` and an empty array (an absent value, an
//!   empty list: the same to every canonical document) are left out;
//! - a string XML 1.0 cannot hold (a control character a partner sent) is written as its
//!   JSON string literal, marked `encoding="json"`.

use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::Serialize;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value whose objects keep their members in the order written (serde_json's
/// `Value` sorts them, and a document reads best in its own order).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// A number or boolean, as JSON writes it.
    Scalar(String),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// `value` as its JSON serialization says it.
    pub fn of(value: &impl Serialize) -> io::Result<Value> {
        let text = serde_json::to_vec(value).map_err(io::Error::other)?;
        serde_json::from_slice(&text).map_err(io::Error::other)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Scalar(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Scalar(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Scalar(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Scalar(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            members.push((key, value));
        }
        Ok(Value::Object(members))
    }
}

/// An XML document written as it goes: the declaration and the root element first, each
/// element as it comes, the root's end at `finish`.
pub struct XmlOut<W: Write> {
    writer: Writer<W>,
    root: &'static str,
}

impl<W: Write> XmlOut<W> {
    pub fn start(out: W, root: &'static str, attributes: &[(&str, &str)]) -> io::Result<Self> {
        let mut writer = Writer::new_with_indent(out, b' ', 2);
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let mut start = BytesStart::new(root);
        for (key, value) in attributes {
            start.push_attribute((*key, *value));
        }
        writer.write_event(Event::Start(start))?;
        Ok(XmlOut { writer, root })
    }

    /// One element `name` with `attributes`, holding the members of `object` (a JSON
    /// object; anything else becomes its text).
    pub fn element(
        &mut self,
        name: &str,
        attributes: &[(&str, &str)],
        object: &Value,
    ) -> io::Result<()> {
        let mut start = BytesStart::new(name);
        for (key, value) in attributes {
            start.push_attribute((*key, *value));
        }
        self.writer.write_event(Event::Start(start))?;
        match object {
            Value::Object(members) => {
                for (key, value) in members {
                    write_value(&mut self.writer, key, value)?;
                }
            }
            other => write_text(&mut self.writer, other)?,
        }
        self.writer.write_event(Event::End(BytesEnd::new(name)))
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.writer
            .write_event(Event::End(BytesEnd::new(self.root)))?;
        let mut out = self.writer.into_inner();
        out.write_all(b"\n")?;
        Ok(out)
    }
}

fn write_value<W: Write>(writer: &mut Writer<W>, name: &str, value: &Value) -> io::Result<()> {
    match value {
        Value::Null => Ok(()),
        Value::Array(items) if items.is_empty() => Ok(()),
        Value::Object(members) => {
            writer.write_event(Event::Start(BytesStart::new(name)))?;
            for (key, value) in members {
                write_value(writer, key, value)?;
            }
            writer.write_event(Event::End(BytesEnd::new(name)))
        }
        Value::Array(items) => {
            writer.write_event(Event::Start(BytesStart::new(name)))?;
            for item in items {
                write_value(writer, "item", item)?;
            }
            writer.write_event(Event::End(BytesEnd::new(name)))
        }
        scalar => {
            let mut start = BytesStart::new(name);
            let text = scalar_text(scalar);
            if !xml_can_hold(&text) {
                start.push_attribute(("encoding", "json"));
                writer.write_event(Event::Start(start))?;
                let literal = serde_json::to_string(&text).map_err(io::Error::other)?;
                writer.write_event(Event::Text(BytesText::new(&literal)))?;
            } else {
                writer.write_event(Event::Start(start))?;
                writer.write_event(Event::Text(BytesText::new(&text)))?;
            }
            writer.write_event(Event::End(BytesEnd::new(name)))
        }
    }
}

fn write_text<W: Write>(writer: &mut Writer<W>, value: &Value) -> io::Result<()> {
    writer.write_event(Event::Text(BytesText::new(&scalar_text(value))))
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) | Value::Scalar(s) => s.clone(),
        _ => String::new(),
    }
}

/// Whether every character is one XML 1.0 allows in text.
fn xml_can_hold(text: &str) -> bool {
    text.chars().all(|c| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn xml(value: &serde_json::Value) -> String {
        // Through JSON text, as translate does: `json!` keeps no order, so the members come
        // sorted here; documents keep their fields' order.
        let value = Value::of(value).unwrap();
        let value = &value;
        let mut out = XmlOut::start(Vec::new(), "translation", &[("file", "a&b.edi")]).unwrap();
        out.element("set", &[("type", "purchase_order")], value)
            .unwrap();
        String::from_utf8(out.finish().unwrap()).unwrap()
    }

    #[test]
    fn objects_arrays_and_scalars_follow_one_rule() {
        let text = xml(&json!({
            "number": "4500012345",
            "kind": {"other": "ZZ"},
            "lines": [{"line_id": "1"}, {"line_id": "2"}],
            "elements": ["A", ["B", "C"], [["D"], ["E", "F"]]],
            "count": 3,
            "release": null,
            "notes": [],
            "name": "Fish & <Chips>",
        }));
        assert_eq!(
            text,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<translation file="a&amp;b.edi">
  <set type="purchase_order">
    <count>3</count>
    <elements>
      <item>A</item>
      <item>
        <item>B</item>
        <item>C</item>
      </item>
      <item>
        <item>
          <item>D</item>
        </item>
        <item>
          <item>E</item>
          <item>F</item>
        </item>
      </item>
    </elements>
    <kind>
      <other>ZZ</other>
    </kind>
    <lines>
      <item>
        <line_id>1</line_id>
      </item>
      <item>
        <line_id>2</line_id>
      </item>
    </lines>
    <name>Fish &amp; &lt;Chips&gt;</name>
    <number>4500012345</number>
  </set>
</translation>
"#
        );
    }

    #[test]
    fn members_keep_the_order_they_were_written_in() {
        #[derive(Serialize)]
        struct Doc {
            zebra: u8,
            apple: &'static str,
        }
        let value = Value::of(&Doc {
            zebra: 1,
            apple: "a",
        })
        .unwrap();
        let mut out = XmlOut::start(Vec::new(), "t", &[]).unwrap();
        out.element("d", &[], &value).unwrap();
        let text = String::from_utf8(out.finish().unwrap()).unwrap();
        assert!(
            text.find("<zebra>").unwrap() < text.find("<apple>").unwrap(),
            "{text}"
        );
    }

    #[test]
    fn a_control_character_is_kept_as_a_json_literal() {
        let text = xml(&json!({"name": "A\u{1}B"}));
        assert!(
            text.contains(r#"<name encoding="json">&quot;A\u0001B&quot;</name>"#),
            "{text}"
        );
    }
}
