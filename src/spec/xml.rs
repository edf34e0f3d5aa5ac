//! A small owned tree over quick-xml: spec files are a few hundred kilobytes read once, so a
//! tree with line numbers makes every later check simple and every error precise.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::SpecError;

/// One XML element with its attributes, children and text, and the line it starts on.
#[derive(Debug)]
pub(crate) struct Node {
    pub name: String,
    pub line: u32,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
    pub text: String,
}

/// Reads `text` (the content of `file`) into its root element.
pub(crate) fn parse(file: &str, text: &str) -> Result<Node, SpecError> {
    let mut reader = Reader::from_str(text);
    // Offsets only grow while reading, so lines are counted from the last offset asked
    // about, not from the start each time.
    let mut seen = (0usize, 1u32);
    let mut line_at = |offset: u64| -> u32 {
        let end = (offset as usize).min(text.len());
        let (from, line) = if end >= seen.0 { seen } else { (0, 1) };
        let more = text.as_bytes()[from..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32;
        seen = (end, line + more);
        line + more
    };
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let start = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            SpecError::new(
                file,
                line_at(reader.error_position()),
                format!("not well-formed XML: {e}"),
            )
        })?;
        match event {
            Event::Start(tag) => stack.push(open(file, line_at(start), &tag)?),
            Event::Empty(tag) => {
                let node = open(file, line_at(start), &tag)?;
                attach(file, &mut stack, &mut root, node)?;
            }
            Event::End(_) => {
                // quick-xml checks that end tags match their start tags.
                if let Some(node) = stack.pop() {
                    attach(file, &mut stack, &mut root, node)?;
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                } else if !t.trim().is_empty() {
                    return Err(SpecError::new(
                        file,
                        line_at(start),
                        "text outside the root element",
                    ));
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let resolved = quick_xml::escape::unescape(&format!("&{name};"))
                    .map_err(|e| {
                        SpecError::new(file, line_at(start), format!("bad entity &{name};: {e}"))
                    })?
                    .into_owned();
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(SpecError::new(
            file,
            open.line,
            format!("<{}> is never closed", open.name),
        ));
    }
    root.ok_or_else(|| SpecError::new(file, 1, "no root element"))
}

fn open(file: &str, line: u32, tag: &BytesStart<'_>) -> Result<Node, SpecError> {
    let name = tag.name().0.to_string();
    let mut attributes = Vec::new();
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|e| {
            SpecError::new(
                file,
                line,
                format!("not well-formed XML: bad attribute in <{name}>: {e}"),
            )
        })?;
        let key = attribute.key.0.to_string();
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| {
                SpecError::new(file, line, format!("bad value of {key} in <{name}>: {e}"))
            })?
            .into_owned();
        attributes.push((key, value));
    }
    Ok(Node {
        name,
        line,
        attributes,
        children: Vec::new(),
        text: String::new(),
    })
}

fn attach(
    file: &str,
    stack: &mut [Node],
    root: &mut Option<Node>,
    node: Node,
) -> Result<(), SpecError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None if root.is_none() => *root = Some(node),
        None => return Err(SpecError::new(file, node.line, "a second root element")),
    }
    Ok(())
}

impl Node {
    /// Checks that every attribute is one this element may carry: a misspelt attribute would
    /// otherwise be silently ignored and the spec would mean something else.
    pub fn allow(&self, file: &str, names: &[&str]) -> Result<(), SpecError> {
        for (key, _) in &self.attributes {
            if !names.contains(&key.as_str()) {
                return Err(self.error(
                    file,
                    format!(
                        "unknown attribute {key} on <{}> (allowed: {})",
                        self.name,
                        names.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn required(&self, file: &str, key: &str) -> Result<&str, SpecError> {
        self.get(key)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| self.error(file, format!("<{}> needs a {key} attribute", self.name)))
    }

    pub fn error(&self, file: &str, message: impl Into<String>) -> SpecError {
        SpecError::new(file, self.line, message)
    }
}
