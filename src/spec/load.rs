//! Turning spec files into a `SpecSet`: every reference resolved, every attribute checked,
//! every problem reported with its file and line.

use std::collections::HashMap;

use super::xml::{self, Node as XmlNode};
use super::*;

/// Where a definition was read, to name both places when an id is defined twice.
type Origin = (String, u32);

struct Parsed {
    file: String,
    root: XmlNode,
}

/// Reads spec files given as (name, content) pairs, e.g. `("specs/004010/850.xml", "<...")`.
/// The name is only used in messages and to check that a file sits in its version's folder.
pub fn from_sources<'a>(
    sources: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<SpecSet, SpecError> {
    let mut by_version: Vec<(String, Vec<Parsed>)> = Vec::new();
    for (file, text) in sources {
        let root = xml::parse(file, text)?;
        let version = root.required(file, "version")?.to_string();
        if version.len() != 6 || !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(root.error(
                file,
                format!("version \"{version}\" is not six digits (like 004010)"),
            ));
        }
        if let Some(folder) = file
            .rsplit('/')
            .nth(1)
            .filter(|f| f.len() == 6 && f.bytes().all(|b| b.is_ascii_digit()))
            && folder != version
        {
            return Err(root.error(file, format!("version {version} in the {folder} folder")));
        }
        let parsed = Parsed {
            file: file.to_string(),
            root,
        };
        match by_version.iter_mut().find(|(v, _)| *v == version) {
            Some((_, files)) => files.push(parsed),
            None => by_version.push((version, vec![parsed])),
        }
    }
    let mut versions = Vec::new();
    for (version, files) in by_version {
        versions.push(build_version(version, &files)?);
    }
    versions.sort_by(|a, b| a.version.cmp(&b.version));
    Ok(SpecSet { versions })
}

fn build_version(version: String, files: &[Parsed]) -> Result<VersionSpec, SpecError> {
    let mut spec = VersionSpec {
        version,
        ..VersionSpec::default()
    };
    let of_kind = |kind: &'static str| files.iter().filter(move |p| p.root.name == kind);
    for p in files {
        let known = [
            "elements",
            "segments",
            "codes",
            "transaction-set",
            "directory",
        ];
        if !known.contains(&p.root.name.as_str()) {
            return Err(p.root.error(
                &p.file,
                format!(
                    "unknown root <{}> (expected one of: {})",
                    p.root.name,
                    known.join(", ")
                ),
            ));
        }
    }

    let mut element_origin: HashMap<String, Origin> = HashMap::new();
    for p in of_kind("elements") {
        p.root.allow(&p.file, &["version"])?;
        for n in &p.root.children {
            expect_name(&p.file, n, "element")?;
            n.allow(&p.file, &["id", "name", "type", "min", "max"])?;
            let id = n.required(&p.file, "id")?.to_string();
            let kind_code = n.required(&p.file, "type")?;
            let kind = ElementType::parse(kind_code).ok_or_else(|| {
                n.error(
                    &p.file,
                    format!(
                        "element {id}: unknown type {kind_code} (AN, ID, DT, TM, R, N0..N9, B)"
                    ),
                )
            })?;
            let min = number(&p.file, n, "min")?;
            let max = number(&p.file, n, "max")?;
            if min == 0 || min > max {
                return Err(n.error(
                    &p.file,
                    format!("element {id}: min {min} and max {max} do not make a length range"),
                ));
            }
            defined_once(&mut element_origin, &id, &p.file, n, "element")?;
            spec.element_index.insert(id.clone(), spec.elements.len());
            spec.elements.push(ElementDef {
                id,
                name: n.required(&p.file, "name")?.to_string(),
                kind,
                min,
                max,
                codes: None,
            });
        }
    }

    let mut list_origin: HashMap<String, Origin> = HashMap::new();
    for p in of_kind("codes") {
        p.root.allow(&p.file, &["version"])?;
        for n in &p.root.children {
            expect_name(&p.file, n, "code-list")?;
            n.allow(&p.file, &["element", "complete"])?;
            let id = n.required(&p.file, "element")?;
            let complete = match n.required(&p.file, "complete")? {
                "yes" => true,
                "no" => false,
                other => {
                    return Err(n.error(&p.file, format!("complete=\"{other}\": say yes or no")));
                }
            };
            defined_once(&mut list_origin, id, &p.file, n, "code list for element")?;
            let &index = spec.element_index.get(id).ok_or_else(|| {
                n.error(
                    &p.file,
                    format!("code list for element {id}, which no elements file defines"),
                )
            })?;
            let element = &mut spec.elements[index];
            if element.kind != ElementType::Identifier {
                return Err(n.error(&p.file, format!("code list for element {id}, which is type {} (only ID elements have code lists)", element.kind)));
            }
            let mut codes: Vec<(Box<[u8]>, String)> = Vec::new();
            let mut lines: HashMap<String, u32> = HashMap::new();
            for c in &n.children {
                expect_name(&p.file, c, "code")?;
                c.allow(&p.file, &["value"])?;
                let value = c.required(&p.file, "value")?;
                if value.len() < element.min as usize || value.len() > element.max as usize {
                    return Err(c.error(
                        &p.file,
                        format!(
                            "code {value} does not fit element {id} ({}..{} characters)",
                            element.min, element.max
                        ),
                    ));
                }
                lines.entry(value.to_string()).or_insert(c.line);
                codes.push((value.as_bytes().into(), c.text.trim().to_string()));
            }
            let list = CodeList::new(complete, codes).map_err(|twice| {
                let value = String::from_utf8_lossy(&twice).into_owned();
                let line = lines.get(&value).copied().unwrap_or(n.line);
                SpecError::new(
                    &p.file,
                    line,
                    format!("code {value} listed twice for element {id}"),
                )
            })?;
            element.codes = Some(list);
        }
    }

    let mut composite_index: HashMap<String, usize> = HashMap::new();
    let mut composite_origin: HashMap<String, Origin> = HashMap::new();
    for p in of_kind("segments") {
        p.root.allow(&p.file, &["version"])?;
        for n in p.root.children.iter().filter(|n| n.name == "composite") {
            n.allow(&p.file, &["id", "name"])?;
            let id = n.required(&p.file, "id")?.to_string();
            defined_once(&mut composite_origin, &id, &p.file, n, "composite")?;
            let mut components = Vec::new();
            let mut notes = Vec::new();
            for c in &n.children {
                match c.name.as_str() {
                    "component" => {
                        c.allow(&p.file, &["ref", "usage"])?;
                        components.push(ComponentPosition {
                            usage: usage(&p.file, c)?,
                            element: element_ref(&spec, &p.file, c)?,
                        });
                    }
                    "syntax" => notes.push(syntax_note(&p.file, c)?),
                    other => {
                        return Err(c.error(
                            &p.file,
                            format!("<{other}> in a composite (expected component or syntax)"),
                        ));
                    }
                }
            }
            check_notes(&p.file, n, &notes, components.len())?;
            composite_index.insert(id.clone(), spec.composites.len());
            spec.composites.push(CompositeDef {
                id,
                name: n.required(&p.file, "name")?.to_string(),
                components,
                notes,
            });
        }
    }
    let mut segment_origin: HashMap<String, Origin> = HashMap::new();
    for p in of_kind("segments") {
        for n in &p.root.children {
            match n.name.as_str() {
                "composite" => continue,
                "segment" => {}
                other => {
                    return Err(n.error(
                        &p.file,
                        format!("<{other}> in a segments file (expected segment or composite)"),
                    ));
                }
            }
            n.allow(&p.file, &["id", "name"])?;
            let id = n.required(&p.file, "id")?.to_string();
            if !(2..=3).contains(&id.len())
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                return Err(n.error(
                    &p.file,
                    format!("segment id {id} is not two or three capital letters and digits"),
                ));
            }
            defined_once(&mut segment_origin, &id, &p.file, n, "segment")?;
            let mut elements = Vec::new();
            let mut notes = Vec::new();
            for c in &n.children {
                let item =
                    match c.name.as_str() {
                        "element" => Item::Element(element_ref(&spec, &p.file, c)?),
                        "composite" => {
                            let r = c.required(&p.file, "ref")?;
                            Item::Composite(*composite_index.get(r).ok_or_else(|| {
                                c.error(&p.file, format!("composite {r} is not defined"))
                            })?)
                        }
                        "syntax" => {
                            notes.push(syntax_note(&p.file, c)?);
                            continue;
                        }
                        other => return Err(c.error(
                            &p.file,
                            format!(
                                "<{other}> in segment {id} (expected element, composite or syntax)"
                            ),
                        )),
                    };
                c.allow(&p.file, &["ref", "usage", "repeat"])?;
                let repeat = match c.get("repeat") {
                    None => 1,
                    Some(_) => max(&p.file, c, "repeat")?,
                };
                elements.push(ElementPosition {
                    usage: usage(&p.file, c)?,
                    repeat,
                    item,
                });
            }
            check_notes(&p.file, n, &notes, elements.len())?;
            spec.segment_index
                .insert(SegKey::of(id.as_bytes()), spec.segments.len());
            spec.segments.push(SegmentDef {
                id,
                name: n.required(&p.file, "name")?.to_string(),
                elements,
                notes,
            });
        }
    }

    let mut directory_origin: HashMap<String, Origin> = HashMap::new();
    for p in of_kind("directory") {
        p.root.allow(&p.file, &["version"])?;
        for n in &p.root.children {
            expect_name(&p.file, n, "segment")?;
            n.allow(&p.file, &["id", "name"])?;
            let id = n.required(&p.file, "id")?;
            defined_once(&mut directory_origin, id, &p.file, n, "directory segment")?;
            spec.directory.insert(
                SegKey::of(id.as_bytes()),
                n.required(&p.file, "name")?.to_string(),
            );
        }
    }
    if let Some(p) = of_kind("directory").next()
        && let Some(missing) = spec
            .segments
            .iter()
            .find(|d| !spec.directory.contains_key(&SegKey::of(d.id.as_bytes())))
    {
        return Err(p.root.error(
            &p.file,
            format!(
                "segment {} is defined in full but missing from the directory",
                missing.id
            ),
        ));
    }

    for p in of_kind("transaction-set") {
        let n = &p.root;
        n.allow(
            &p.file,
            &["id", "name", "functional-group", "version", "guide"],
        )?;
        let id = n.required(&p.file, "id")?.to_string();
        let guide = n.get("guide").map(str::to_string);
        if let Some(other) = spec.sets.iter().find(|s| s.id == id && s.guide == guide) {
            return Err(n.error(
                &p.file,
                format!("transaction set {id} is also defined in {}", other.file),
            ));
        }
        let mut children = Vec::new();
        for table in &n.children {
            expect_name(&p.file, table, "table")?;
            table.allow(&p.file, &["name"])?;
            let table_name = table.required(&p.file, "name")?;
            for c in &table.children {
                children.push(structure_node(&spec, &p.file, table_name, c)?);
            }
        }
        if children.is_empty() {
            return Err(n.error(&p.file, format!("transaction set {id} has no segments")));
        }
        spec.sets.push(TransactionSetSpec {
            id,
            name: n.required(&p.file, "name")?.to_string(),
            functional_group: n.required(&p.file, "functional-group")?.to_string(),
            version: spec.version.clone(),
            guide,
            body: LoopSpec::new(String::new(), 1, Usage::Mandatory, children),
            file: p.file.clone(),
        });
    }
    Ok(spec)
}

fn structure_node(
    spec: &VersionSpec,
    file: &str,
    table: &str,
    n: &XmlNode,
) -> Result<Node, SpecError> {
    match n.name.as_str() {
        "segment" => {
            n.allow(file, &["id", "pos", "usage", "max"])?;
            let id = n.required(file, "id")?;
            let key = SegKey::of(id.as_bytes());
            let (segment, def) = spec.segment(key).ok_or_else(|| {
                n.error(
                    file,
                    format!(
                        "segment {id} is not in the {} segments dictionary",
                        spec.version
                    ),
                )
            })?;
            let mut overrides = Vec::new();
            for c in &n.children {
                expect_name(file, c, "element")?;
                c.allow(file, &["pos", "usage", "codes"])?;
                let position = number(file, c, "pos")?;
                if position == 0 || position as usize > def.elements.len() {
                    return Err(c.error(file, format!("{id} has no element {position:02}")));
                }
                let codes = c.get("codes").map(|list| {
                    list.split_whitespace()
                        .map(|v| v.as_bytes().into())
                        .collect()
                });
                let usage = c.get("usage").map(|_| usage(file, c)).transpose()?;
                overrides.push(ElementOverride {
                    position: position as u8,
                    usage,
                    codes,
                });
            }
            Ok(Node::Segment(SegmentUse {
                id: id.to_string(),
                key,
                segment,
                position: n.get("pos").unwrap_or("").to_string(),
                table: table.to_string(),
                usage: usage(file, n)?,
                max: max(file, n, "max")?,
                overrides,
            }))
        }
        "loop" => {
            n.allow(file, &["id", "repeat"])?;
            let id = n.required(file, "id")?.to_string();
            let children = n
                .children
                .iter()
                .map(|c| structure_node(spec, file, table, c))
                .collect::<Result<Vec<_>, _>>()?;
            let Some(Node::Segment(first)) = children.first() else {
                return Err(n.error(file, format!("loop {id} must start with a segment")));
            };
            if first.max != 1 {
                return Err(n.error(
                    file,
                    format!(
                        "loop {id}: its first segment {} must have max=\"1\"",
                        first.id
                    ),
                ));
            }
            let usage = first.usage;
            Ok(Node::Loop(LoopSpec::new(
                id,
                max(file, n, "repeat")?,
                usage,
                children,
            )))
        }
        other => Err(n.error(
            file,
            format!("<{other}> in a table (expected segment or loop)"),
        )),
    }
}

fn expect_name(file: &str, n: &XmlNode, name: &str) -> Result<(), SpecError> {
    if n.name == name {
        Ok(())
    } else {
        Err(n.error(file, format!("<{}> where <{name}> was expected", n.name)))
    }
}

fn defined_once(
    seen: &mut HashMap<String, Origin>,
    id: &str,
    file: &str,
    n: &XmlNode,
    what: &str,
) -> Result<(), SpecError> {
    if let Some((first_file, first_line)) = seen.get(id) {
        return Err(n.error(
            file,
            format!("{what} {id} is defined twice (first at {first_file}:{first_line})"),
        ));
    }
    seen.insert(id.to_string(), (file.to_string(), n.line));
    Ok(())
}

fn number(file: &str, n: &XmlNode, key: &str) -> Result<u32, SpecError> {
    let text = n.required(file, key)?;
    text.parse()
        .map_err(|_| n.error(file, format!("{key}=\"{text}\" is not a whole number")))
}

fn max(file: &str, n: &XmlNode, key: &str) -> Result<u32, SpecError> {
    if n.required(file, key)? == ">1" {
        return Ok(UNBOUNDED);
    }
    match number(file, n, key)? {
        0 => Err(n.error(file, format!("{key}=\"0\": the smallest maximum is 1"))),
        v => Ok(v),
    }
}

fn usage(file: &str, n: &XmlNode) -> Result<Usage, SpecError> {
    let code = n.required(file, "usage")?;
    Usage::parse(code)
        .ok_or_else(|| n.error(file, format!("usage=\"{code}\" (expected M, O, X or N)")))
}

fn element_ref(spec: &VersionSpec, file: &str, n: &XmlNode) -> Result<usize, SpecError> {
    let id = n.required(file, "ref")?;
    spec.element_index.get(id).copied().ok_or_else(|| {
        n.error(
            file,
            format!(
                "element {id} is not in the {} elements dictionary",
                spec.version
            ),
        )
    })
}

fn syntax_note(file: &str, n: &XmlNode) -> Result<SyntaxNote, SpecError> {
    n.allow(file, &["rule"])?;
    let rule = n.required(file, "rule")?;
    let bad = || {
        n.error(file, format!("syntax rule {rule}: expected a letter P, R, E, C or L and two or more two-digit positions, like P0102"))
    };
    let kind = match rule.as_bytes()[0] {
        b'P' => SyntaxKind::Paired,
        b'R' => SyntaxKind::Required,
        b'E' => SyntaxKind::Exclusion,
        b'C' => SyntaxKind::Conditional,
        b'L' => SyntaxKind::ListConditional,
        _ => return Err(bad()),
    };
    let digits = &rule[1..];
    if digits.len() < 4 || digits.len() % 2 != 0 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let positions: Vec<u8> = digits
        .as_bytes()
        .chunks(2)
        .map(|p| (p[0] - b'0') * 10 + (p[1] - b'0'))
        .collect();
    if kind == SyntaxKind::ListConditional && positions.len() < 3 {
        return Err(n.error(
            file,
            format!("syntax rule {rule}: a list conditional names at least three positions"),
        ));
    }
    Ok(SyntaxNote::new(kind, positions, rule.to_string()))
}

fn check_notes(
    file: &str,
    n: &XmlNode,
    notes: &[SyntaxNote],
    positions: usize,
) -> Result<(), SpecError> {
    for note in notes {
        if let Some(&p) = note
            .positions
            .iter()
            .find(|&&p| p == 0 || p as usize > positions)
        {
            return Err(n.error(
                file,
                format!(
                    "syntax rule {} names position {p:02}, but there are {positions}",
                    note.rule
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::from_sources;

    const ELEMENTS: &str = "<elements version=\"004010\">\n  <element id=\"353\" name=\"Purpose\" type=\"ID\" min=\"2\" max=\"2\"/>\n</elements>";

    fn error(files: &[(&str, &str)]) -> String {
        from_sources(files.iter().copied()).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_file_and_line() {
        assert_eq!(
            error(&[(
                "specs/004010/elements.xml",
                "<elements version=\"004010\">\n  <element id=\"1\" name=\"x\" type=\"QQ\" min=\"1\" max=\"2\"/>\n</elements>"
            )]),
            "specs/004010/elements.xml:2: element 1: unknown type QQ (AN, ID, DT, TM, R, N0..N9, B)"
        );
        assert_eq!(
            error(&[(
                "a/004010/e.xml",
                "<elements version=\"004010\">\n\n  <element id=\"1\" name=\"x\" type=\"AN\" min=\"1\" max=\"2\" extra=\"y\"/>\n</elements>"
            )]),
            "a/004010/e.xml:3: unknown attribute extra on <element> (allowed: id, name, type, min, max)"
        );
        let text = error(&[(
            "a/004010/e.xml",
            "<elements version=\"004010\">\n  <element id=\"1\"\n</elements>",
        )]);
        assert!(text.starts_with("a/004010/e.xml:"), "{text}");
        assert!(text.contains("not well-formed XML"), "{text}");
    }

    #[test]
    fn references_must_resolve() {
        let segments = "<segments version=\"004010\">\n  <segment id=\"BEG\" name=\"Beginning\">\n    <element ref=\"999\" usage=\"M\"/>\n  </segment>\n</segments>";
        assert_eq!(
            error(&[
                ("s/004010/elements.xml", ELEMENTS),
                ("s/004010/segments.xml", segments)
            ]),
            "s/004010/segments.xml:3: element 999 is not in the 004010 elements dictionary"
        );
        let set = "<transaction-set id=\"850\" name=\"PO\" functional-group=\"PO\" version=\"004010\">\n  <table name=\"heading\">\n    <segment id=\"BEG\" pos=\"020\" usage=\"M\" max=\"1\"/>\n  </table>\n</transaction-set>";
        assert_eq!(
            error(&[
                ("s/004010/elements.xml", ELEMENTS),
                ("s/004010/850.xml", set)
            ]),
            "s/004010/850.xml:3: segment BEG is not in the 004010 segments dictionary"
        );
    }

    #[test]
    fn duplicates_name_both_places() {
        assert_eq!(
            error(&[("s/004010/a.xml", ELEMENTS), ("s/004010/b.xml", ELEMENTS)]),
            "s/004010/b.xml:2: element 353 is defined twice (first at s/004010/a.xml:2)"
        );
    }

    #[test]
    fn syntax_notes_and_versions_are_checked() {
        let segments = "<segments version=\"004010\">\n  <segment id=\"BEG\" name=\"B\">\n    <element ref=\"353\" usage=\"M\"/>\n    <syntax rule=\"P0102\"/>\n  </segment>\n</segments>";
        assert_eq!(
            error(&[
                ("s/004010/elements.xml", ELEMENTS),
                ("s/004010/segments.xml", segments)
            ]),
            "s/004010/segments.xml:2: syntax rule P0102 names position 02, but there are 1"
        );
        assert_eq!(
            error(&[("s/005010/elements.xml", ELEMENTS)]),
            "s/005010/elements.xml:1: version 004010 in the 005010 folder"
        );
        let codes = "<codes version=\"004010\">\n  <code-list element=\"353\" complete=\"yes\">\n    <code value=\"000\">Too long</code>\n  </code-list>\n</codes>";
        assert_eq!(
            error(&[
                ("s/004010/elements.xml", ELEMENTS),
                ("s/004010/codes.xml", codes)
            ]),
            "s/004010/codes.xml:3: code 000 does not fit element 353 (2..2 characters)"
        );
    }
}
