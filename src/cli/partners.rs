//! `edigate partners list|show ID|check [DIR]`: the partner profiles under `partners/` (or
//! `--partners DIR`), read and checked the way every other command reads them.
//!
//! Exit 0 all sound; 1 a profile has problems (each on standard error with file, line, key
//! and what is allowed); 2 the folder cannot be read or the partner is unknown.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::partner::compliance::{self, ComplianceFinding};
use crate::partner::rules::{Direction, RuleSeverity};

use super::Status;
use crate::document::ship_notice::PackingStructure;
use crate::map::ack::Ta1Policy;
use crate::partner::{Directory, Profile, ProfileError};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// One line per partner: id, name, their ISA id, versions, channel.
    List(Folder),
    /// One partner's profile as edigate reads it.
    Show {
        id: String,
        #[command(flatten)]
        folder: Folder,
    },
    /// Check every profile (unknown keys, bad ids, versions, delimiters, secrets written
    /// inline or naming missing files, AS2 keys and certificates that do not read or fit,
    /// two partners with one ISA id); exit 1 on any problem.
    Check {
        /// The folder of profiles (default: --partners, else partners/).
        #[arg(value_name = "DIR")]
        path: Option<PathBuf>,
        #[command(flatten)]
        folder: Folder,
    },
    /// Run a partner's test files through the standard and the partner's rules: per file, per
    /// set and per rule, pass or fail with the reason. Exit 0 only when everything passes.
    Certify {
        id: String,
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        folder: Folder,
    },
}

#[derive(clap::Args)]
pub struct Folder {
    /// The folder of partner profiles (`<id>.toml`).
    #[arg(long = "partners", value_name = "DIR", default_value = "partners")]
    pub dir: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    match &args.command {
        Command::List(folder) => list(&folder.dir),
        Command::Show { id, folder } => show(&folder.dir, id),
        Command::Check { path, folder } => check(path.as_ref().unwrap_or(&folder.dir)),
        Command::Certify { id, files, folder } => certify(&folder.dir, id, files),
    }
}

/// Every profile in `dir`, and every problem found; secrets' paths are relative to `dir`.
pub fn load(dir: &Path) -> anyhow::Result<(Directory, Vec<ProfileError>)> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the partners folder {}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            files.push((path.display().to_string(), text));
        }
    }
    files.sort();
    let exists = |p: &str| dir.join(p).exists();
    Ok(Directory::read(&files, &exists))
}

/// The directory, or the problems that keep a command from trusting it.
pub fn load_sound(dir: &Path) -> anyhow::Result<Directory> {
    let (directory, errors) = load(dir)?;
    if !errors.is_empty() {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        bail!(
            "the partner profiles have problems (run `edigate partners check`):\n  {}",
            list.join("\n  ")
        );
    }
    Ok(directory)
}

/// One profile by id.
pub fn profile(dir: &Path, id: &str) -> anyhow::Result<Profile> {
    let directory = load_sound(dir)?;
    match directory.get(id) {
        Some(p) => Ok(p.clone()),
        None => {
            let known: Vec<&str> = directory.profiles.iter().map(|p| p.id.as_str()).collect();
            bail!(
                "no partner '{id}' in {} (known: {})",
                dir.display(),
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            )
        }
    }
}

fn list(dir: &Path) -> anyhow::Result<Status> {
    let (directory, errors) = load(dir)?;
    let mut out = io::stdout().lock();
    for p in &directory.profiles {
        let versions: Vec<String> = p.versions.iter().map(|(s, v)| format!("{s} {v}")).collect();
        writeln!(
            out,
            "{:<12} {:<28} {}:{:<15} {:<10} {}",
            p.id,
            p.name,
            p.partner.isa.qualifier,
            p.partner.isa.id,
            channel(p),
            versions.join(", ")
        )?;
    }
    report(&errors)
}

fn show(dir: &Path, id: &str) -> anyhow::Result<Status> {
    let p = profile(dir, id)?;
    let mut out = io::stdout().lock();
    let isa = |i: &crate::x12::PartyId| format!("{}:{}", i.qualifier, i.id);
    writeln!(out, "{} — {}", p.id, p.name)?;
    writeln!(
        out,
        "  partner: ISA {} (test {}), GS {}{}",
        isa(&p.partner.isa),
        p.partner
            .test_isa
            .as_ref()
            .map_or("the same".to_owned(), isa),
        p.partner.gs,
        p.partner
            .as2
            .as_ref()
            .map(|a| format!(", AS2 {a}"))
            .unwrap_or_default()
    )?;
    writeln!(
        out,
        "  us:      ISA {} (test {}), GS {}{}",
        isa(&p.us.isa),
        p.us.test_isa.as_ref().map_or("the same".to_owned(), isa),
        p.us.gs,
        p.us.as2
            .as_ref()
            .map(|a| format!(", AS2 {a}"))
            .unwrap_or_default()
    )?;
    let versions: Vec<String> = p.versions.iter().map(|(s, v)| format!("{s} {v}")).collect();
    let d = p.delimiters;
    writeln!(
        out,
        "  envelope: {} (ISA15 {}), {}; delimiters {} {} {} {}",
        if p.test { "test" } else { "production" },
        if p.test { 'T' } else { 'P' },
        versions.join(", "),
        char::from(d.element),
        char::from(d.component),
        d.repetition
            .map_or("(no repetition)".to_owned(), |r| char::from(r).to_string()),
        char::from(d.segment)
    )?;
    writeln!(
        out,
        "  acknowledgements: we send a TA1 {}, 997s {}; we expect their 997 {}{}",
        match p.ta1 {
            Ta1Policy::OnError => "when asked or on an error",
            Ta1Policy::Requested => "when asked",
            Ta1Policy::Always => "always",
            Ta1Policy::Never => "never",
        },
        if p.send_997 { "always" } else { "never" },
        p.expect_997_within_hours
            .map_or("never".to_owned(), |h| format!("within {h} hours")),
        if p.expect_ta1 { " and a TA1" } else { "" }
    )?;
    writeln!(out, "  channel: {}", channel(&p))?;
    let terms: Vec<String> = p.terms.iter().map(|t| t.describe()).collect();
    writeln!(
        out,
        "  commercial: terms {}; GS1 prefix {}; ASN {}{}",
        if terms.is_empty() {
            "as ordered".to_owned()
        } else {
            terms.join(" or ")
        },
        p.gs1_company_prefix.as_deref().unwrap_or("(none)"),
        p.asn_structure.as_ref().map_or("as shipped", |s| match s {
            PackingStructure::ShipmentOrderPackItem => "pick and pack (S/O/P/I)",
            PackingStructure::ShipmentOrderItemPack => "standard pack (S/O/I/P)",
            PackingStructure::ShipmentOrderItem => "items only (S/O/I)",
            PackingStructure::Other(_) => "(unknown)",
        }),
        if p.pallets { ", with pallets" } else { "" }
    )?;
    Ok(Status::Ok)
}

fn channel(p: &Profile) -> &'static str {
    match &p.transport {
        Some(t) if t.as2.is_some() => "as2",
        Some(t) if t.sftp.is_some() => "sftp",
        Some(t) if t.folder.is_some() => "folder",
        _ => "none",
    }
}

fn check(dir: &Path) -> anyhow::Result<Status> {
    let (directory, mut errors) = load(dir)?;
    // The AS2 keys and certificates must read and fit, not only exist.
    for profile in &directory.profiles {
        if let Err(message) = crate::transport::as2::station::As2Partner::load(profile, dir) {
            errors.push(ProfileError {
                file: dir
                    .join(format!("{}.toml", profile.id))
                    .display()
                    .to_string(),
                line: None,
                key: "transport.as2".into(),
                message,
            });
        }
    }
    let status = report(&errors)?;
    if status == Status::Ok {
        writeln!(
            io::stdout().lock(),
            "{}: {} profile(s), all sound",
            dir.display(),
            directory.profiles.len()
        )?;
    }
    Ok(status)
}

fn report(errors: &[ProfileError]) -> anyhow::Result<Status> {
    let mut err = io::stderr().lock();
    for e in errors {
        writeln!(err, "{e}")?;
    }
    Ok(if errors.is_empty() {
        Status::Ok
    } else {
        Status::Rejected
    })
}

/// The onboarding report: each file through parse, the standard and the partner's rules.
fn certify(dir: &Path, id: &str, files: &[PathBuf]) -> anyhow::Result<Status> {
    let profile = profile(dir, id)?;
    let specs = crate::spec::standard()
        .map_err(|e| anyhow::anyhow!("the built-in specs are broken: {e}"))?;
    let policy = crate::validate::Policy::default();
    let mut out = io::stdout().lock();
    let (mut passed, mut failed) = (0, 0);
    writeln!(
        out,
        "certifying {} ({}) with {} file(s)",
        profile.id,
        profile.name,
        files.len()
    )?;
    for path in files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
        let mut lines: Vec<String> = Vec::new();
        let mut ok = true;
        let (reports, outcome) = crate::validate::validate(specs, &bytes);
        if outcome.interchanges == 0 {
            ok = false;
            lines.push("  FAIL no usable interchange (no ISA header could be read)".to_owned());
        }
        let mut verdicts = Vec::new();
        for report in &reports {
            let (ta1, note) = report.ta1_code();
            if ta1 == 'R' {
                ok = false;
                lines.push(format!(
                    "  FAIL interchange {}: the envelope is rejected (TA1 note {note})",
                    report.header.control_number
                ));
            }
            for group in &report.groups {
                for set in &group.sets {
                    verdicts.push((group.set_ack_code(set, &policy), set.clone()));
                }
            }
        }
        let mut reader = crate::x12::TransactionSetReader::new(&bytes[..]);
        let mut index = 0;
        while let Some(set) = reader
            .next_set()
            .with_context(|| format!("cannot read {name}"))?
        {
            let (code, report) = match verdicts.get(index) {
                Some((code, report)) => (*code, Some(report)),
                None => ('R', None),
            };
            index += 1;
            let what = format!("{} {}", set.header.id, set.header.control_number);
            if code == 'R' {
                ok = false;
                let first = report
                    .and_then(|r| {
                        r.findings
                            .iter()
                            .find(|f| policy.rejects(f))
                            .map(ToString::to_string)
                    })
                    .or_else(|| report.and_then(|r| r.errors.first().map(|e| e.message.clone())))
                    .unwrap_or_default();
                lines.push(format!(
                    "  FAIL {what}: the X12 standard rejects it: {first}"
                ));
            } else {
                lines.push(format!("  pass {what}: the X12 standard accepts it"));
            }
            let direction = if profile.us.is(&set.interchange.sender)
                && !profile.partner.is(&set.interchange.sender)
            {
                Direction::Outbound
            } else {
                Direction::Inbound
            };
            let findings = compliance::evaluate(&profile, &set, direction);
            let mut rule_ids: Vec<String> =
                ENVELOPE_RULES.iter().map(|r| (*r).to_owned()).collect();
            for rule in profile
                .rules
                .iter()
                .filter(|r| r.set == set.header.id && r.direction.covers(direction))
            {
                if rule.check.needs_other_documents() {
                    // Not a pass: there is nothing here to compare the set with.
                    lines.push(format!(
                        "    skip {}: compares the set with its order's other documents; run \
                         `edigate match`",
                        rule.id
                    ));
                } else {
                    rule_ids.push(rule.id.clone());
                }
            }
            for rule in rule_ids {
                let broken: Vec<&ComplianceFinding> =
                    findings.iter().filter(|f| f.rule == rule).collect();
                match broken.first() {
                    None => lines.push(format!("    pass {rule}")),
                    Some(first) => {
                        let blocking = broken.iter().any(|f| f.severity == RuleSeverity::Reject);
                        if blocking {
                            ok = false;
                        }
                        lines.push(format!(
                            "    {} {rule}: {} — {} (segment {}{}){}",
                            if blocking { "FAIL" } else { "note" },
                            first.message,
                            first.detail,
                            first.position,
                            first
                                .element
                                .as_ref()
                                .map(|e| format!(", {e}"))
                                .unwrap_or_default(),
                            if broken.len() > 1 {
                                format!(" and {} more", broken.len() - 1)
                            } else {
                                String::new()
                            }
                        ));
                    }
                }
            }
        }
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
        writeln!(out, "{} {name}", if ok { "PASS" } else { "FAIL" })?;
        for line in lines {
            writeln!(out, "{line}")?;
        }
    }
    writeln!(
        out,
        "{}: {passed} file(s) pass, {failed} fail{}",
        profile.id,
        if failed == 0 {
            " — ready to trade"
        } else {
            ""
        }
    )?;
    Ok(if failed == 0 {
        Status::Ok
    } else {
        Status::Rejected
    })
}

/// The envelope checks every set gets (see `partner::compliance`).
const ENVELOPE_RULES: &[&str] = &[
    "ENVELOPE-SENDER",
    "ENVELOPE-RECEIVER",
    "ENVELOPE-GROUP",
    "ENVELOPE-USAGE",
    "ENVELOPE-VERSION",
];
