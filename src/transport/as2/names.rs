//! AS2 names (AS2-From, AS2-To; RFC 4130 §6.2): 1 to 128 printable ASCII characters,
//! compared case-sensitively, sent quoted when they hold spaces or specials.

/// Reads an AS2-From / AS2-To value: the quoted form (`"ACME SUPPLY"`, with `\"` and `\\`
/// escapes) or the bare one. None when it is empty, too long or holds a control character.
pub fn read(value: &str) -> Option<String> {
    let value = value.trim();
    let name = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(quoted) => {
            let mut out = String::with_capacity(quoted.len());
            let mut chars = quoted.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.push(chars.next()?),
                    '"' => return None,
                    c => out.push(c),
                }
            }
            out
        }
        None => value.to_string(),
    };
    let valid =
        !name.is_empty() && name.len() <= 128 && name.bytes().all(|b| (0x20..0x7f).contains(&b));
    valid.then_some(name)
}

/// Writes a name for an AS2-From / AS2-To header: bare when it is an atom, quoted otherwise.
pub fn write(name: &str) -> String {
    let atom = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.@".contains(&b));
    if atom && !name.is_empty() {
        name.to_string()
    } else {
        let mut out = String::with_capacity(name.len() + 2);
        out.push('"');
        for c in name.chars() {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_and_bare_forms() {
        assert_eq!(read("ACME-AS2").as_deref(), Some("ACME-AS2"));
        assert_eq!(read(" \"ACME SUPPLY\" ").as_deref(), Some("ACME SUPPLY"));
        assert_eq!(read(r#""say \"hi\"""#).as_deref(), Some(r#"say "hi""#));
        assert_eq!(read(""), None);
        assert_eq!(read("\"\""), None);
        assert_eq!(read(&"x".repeat(129)), None);
        assert_eq!(read("a\u{1}b"), None);
        for name in ["ACME-AS2", "ACME SUPPLY", r#"say "hi""#, "a\\b"] {
            assert_eq!(read(&write(name)).as_deref(), Some(name), "{}", write(name));
        }
        assert_eq!(write("ACME SUPPLY"), "\"ACME SUPPLY\"");
        assert_eq!(write("ACME-AS2"), "ACME-AS2");
    }
}
