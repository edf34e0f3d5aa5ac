//! What `validate` and `ack` share: the spec files (built in, or read from a folder), and
//! one streamed validation pass over a file.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::spec::{self, SpecSet};
use crate::validate::{ElementError, InterchangeReport, Policy, SegmentError, Validator};
use crate::x12::SegmentStream;

/// The standard built into the binary, or every `*/*.xml` under `dir`.
pub fn load(dir: Option<&Path>) -> anyhow::Result<Cow<'static, SpecSet>> {
    let Some(dir) = dir else {
        return spec::standard()
            .map(Cow::Borrowed)
            .map_err(|e| anyhow::anyhow!("the built-in specs are broken: {e}"));
    };
    let mut files: Vec<(String, String)> = Vec::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the spec folder {}", dir.display()))?;
    for version in entries {
        let version = version?.path();
        if !version.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&version)
            .with_context(|| format!("cannot read {}", version.display()))?
        {
            let path = file?.path();
            if path.extension().is_some_and(|e| e == "xml") {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                files.push((path.display().to_string(), text));
            }
        }
    }
    if files.is_empty() {
        bail!(
            "no spec files (*.xml in version folders such as 004010/) under {}",
            dir.display()
        );
    }
    files.sort();
    Ok(Cow::Owned(spec::from_sources(
        files.iter().map(|(n, t)| (n.as_str(), t.as_str())),
    )?))
}

/// The file to read (`-` is standard input), opened.
pub fn open(file: &PathBuf) -> anyhow::Result<(String, Box<dyn Read>)> {
    let name = file.display().to_string();
    let input: Box<dyn Read> = if name == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(file).with_context(|| format!("cannot open {name}"))?)
    };
    Ok((name, input))
}

/// Validates a whole input in one streamed pass, handing each interchange's report to
/// `each` as soon as it is complete: memory holds one segment and one interchange's
/// findings at a time. Returns the input's name.
pub fn validate_each(
    specs: &SpecSet,
    file: &PathBuf,
    each: impl FnMut(InterchangeReport),
) -> anyhow::Result<String> {
    let (name, input) = open(file)?;
    let mut validator = Validator::with_sink(specs, each);
    let outcome = SegmentStream::new(input)
        .run(&mut validator)
        .with_context(|| format!("cannot read {name}"))?;
    validator.finish();
    if outcome.fatal && outcome.interchanges == 0 {
        bail!(
            "{name}: no usable interchange (no ISA header could be read); run `edigate parse {name}` for details"
        );
    }
    Ok(name)
}

/// The policy from `--note-only` values such as `AK403:7` (an invalid code value only notes
/// an error: the set is accepted with AK501 E) or `AK304:5`.
pub fn policy(note_only: &[String]) -> anyhow::Result<Policy> {
    let mut policy = Policy::default();
    for value in note_only {
        let (kind, code) = value.split_once(':').unwrap_or(("", value));
        let found = match kind.to_ascii_uppercase().as_str() {
            "AK304" => SegmentError::ALL
                .iter()
                .find(|e| e.code() == code)
                .map(|&e| policy.note_only_segment.push(e)),
            "AK403" => ElementError::ALL
                .iter()
                .find(|e| e.code() == code)
                .map(|&e| policy.note_only_element.push(e)),
            _ => None,
        };
        if found.is_none() {
            bail!(
                "--note-only {value}: expected AK304:<code> or AK403:<code> with a code the validator reports, e.g. AK403:7"
            );
        }
    }
    Ok(policy)
}
