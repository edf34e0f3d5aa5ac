//! Architecture rules read off the source: the layer order of DESIGN.md and the crates each
//! layer may not touch. A module may use only the modules above it in `LAYERS`.

use std::path::{Path, PathBuf};

/// Lowest first, as in DESIGN.md.
const LAYERS: &[&str] = &[
    "x12",
    "spec",
    "validate",
    "document",
    "map",
    "partner",
    "ledger",
    "store",
    "engine",
    "transport",
    "web",
    "cli",
];

/// Crates a module must not name, with the reason.
const FORBIDDEN: &[(&str, &str, &str)] = &[
    (
        "x12",
        "serde",
        "the syntax engine stays free of serialization",
    ),
    ("x12", "tokio", "the syntax engine is pure"),
    ("x12", "diesel", "the syntax engine is pure"),
    (
        "x12",
        "anyhow",
        "library errors are thiserror enums; anyhow is for the CLI",
    ),
    ("x12", "std::fs", "the syntax engine never touches the disk"),
    (
        "x12",
        "std::net",
        "the syntax engine never touches the network",
    ),
    (
        "x12",
        "SystemTime",
        "the syntax engine has no clock: time is passed in",
    ),
    // spec, validate and map are the rest of the pure core: no I/O, no clock, no runtime.
    (
        "spec",
        "std::fs",
        "specs are read from text the caller hands in",
    ),
    (
        "spec",
        "std::net",
        "the pure core never touches the network",
    ),
    ("spec", "anyhow", "library errors are thiserror types"),
    ("spec", "tokio", "the pure core has no runtime"),
    (
        "validate",
        "std::fs",
        "validation works on bytes, not files",
    ),
    (
        "validate",
        "std::net",
        "the pure core never touches the network",
    ),
    ("validate", "SystemTime", "the pure core has no clock"),
    ("validate", "anyhow", "library errors are thiserror types"),
    ("validate", "tokio", "the pure core has no runtime"),
    // document stands alone (DESIGN.md): business data and rules, no X12 vocabulary.
    (
        "document",
        "crate::x12",
        "canonical documents know nothing of X12",
    ),
    (
        "document",
        "crate::spec",
        "canonical documents know nothing of X12",
    ),
    (
        "document",
        "crate::validate",
        "canonical documents know nothing of X12",
    ),
    (
        "document",
        "std::fs",
        "the pure core never touches the disk",
    ),
    (
        "document",
        "std::net",
        "the pure core never touches the network",
    ),
    (
        "document",
        "SystemTime",
        "the pure core has no clock: dates are passed in",
    ),
    (
        "document",
        "Utc::now",
        "the pure core has no clock: dates are passed in",
    ),
    ("document", "anyhow", "library errors are thiserror types"),
    ("map", "std::fs", "mapping works on data, not files"),
    ("map", "std::net", "the pure core never touches the network"),
    (
        "map",
        "SystemTime",
        "the pure core has no clock: dates are passed in",
    ),
    (
        "map",
        "chrono::Utc::now",
        "the pure core has no clock: dates are passed in",
    ),
    ("map", "anyhow", "library errors are thiserror types"),
    ("map", "tokio", "the pure core has no runtime"),
    // partner: profiles are read from text the caller hands in; rules run on data.
    (
        "partner",
        "std::fs",
        "profiles are text the caller reads; it also says which paths exist",
    ),
    (
        "partner",
        "std::net",
        "the pure core never touches the network",
    ),
    ("partner", "SystemTime", "the pure core has no clock"),
    ("partner", "anyhow", "library errors are typed"),
    ("partner", "tokio", "the pure core has no runtime"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to (`src/x12/isa.rs` → `x12`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    Some(first.trim_end_matches(".rs").to_string())
}

/// Code lines only: doc comments and comments may name anything.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_start()))
        .filter(|(_, l)| !l.starts_with("//"))
}

/// Lines of `text` (from a file of `module`) that use a module above it.
fn layer_violations(module: &str, text: &str) -> Vec<String> {
    let Some(rank) = LAYERS.iter().position(|l| *l == module) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (line_no, line) in code_lines(text) {
        for (used_rank, used) in LAYERS.iter().enumerate() {
            let direct = [
                format!("crate::{used}::"),
                format!("crate::{used}}}"),
                format!("crate::{used};"),
            ]
            .iter()
            .any(|p| line.contains(p.as_str()));
            // `use crate::{x12::Segment, cli};`: look inside the braces too.
            let grouped = line.split_once("crate::{").is_some_and(|(_, inner)| {
                inner
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .any(|path| path == *used || path.starts_with(&format!("{used}::")))
            });
            let names = direct || grouped;
            if names && used_rank > rank {
                found.push(format!("{line_no}: {module} uses {used}, a layer above it"));
            }
            if names && module == "document" && ["x12", "spec", "validate"].contains(used) {
                found.push(format!("{line_no}: document must not use the X12 modules"));
            }
        }
    }
    found
}

/// Lines of `text` (from a file of `module`) that name a crate the module must not use.
fn forbidden_names(module: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (layer, name, why) in FORBIDDEN.iter().filter(|(layer, _, _)| *layer == module) {
        for (line_no, line) in code_lines(text) {
            if line.contains(name) {
                found.push(format!("{line_no}: {name} in {layer}: {why}"));
            }
        }
    }
    found
}

fn check_tree(check: fn(&str, &str) -> Vec<String>) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        violations.extend(
            check(&module, &text)
                .into_iter()
                .map(|v| format!("{}:{v}", file.display())),
        );
    }
    violations
}

#[test]
fn modules_respect_the_layer_order() {
    let violations = check_tree(layer_violations);
    assert!(
        violations.is_empty(),
        "layer violations:\n{}",
        violations.join("\n")
    );
}

#[test]
fn pure_layers_name_no_io_crates() {
    let violations = check_tree(forbidden_names);
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_checks_catch_violations() {
    assert_eq!(layer_violations("x12", "use crate::cli::Status;").len(), 1);
    assert_eq!(
        layer_violations("x12", "use crate::{spec::Spec, cli};").len(),
        2
    );
    assert_eq!(layer_violations("document", "use crate::x12;").len(), 1);
    assert!(layer_violations("cli", "use crate::x12::parse;").is_empty());
    assert!(layer_violations("x12", "// crate::cli:: in a comment").is_empty());
    assert_eq!(forbidden_names("x12", "use std::fs::File;").len(), 1);
    assert!(forbidden_names("cli", "use std::fs::File;").is_empty());
}
