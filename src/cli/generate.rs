//! `edigate generate --size SIZE [--seed N] [--sets KIND] [--out FILE]`: deterministic valid
//! X12 for benchmarks and load tests. The generator itself is `x12::generate`.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;

use super::Status;
use crate::x12::generate::{Generator, SetKind, Summary};

#[derive(clap::Args)]
pub struct Args {
    /// Approximate size: bytes, or with a KB, MB or GB suffix (decimal: 1MB = 1000000).
    /// The file ends with the first transaction set that reaches it, its group and
    /// interchange closed.
    #[arg(long, value_parser = parse_size)]
    size: u64,
    /// Same seed and options, same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Which transaction sets to write.
    #[arg(long, value_enum, default_value_t = Sets::Mixed)]
    sets: Sets,
    /// The X12 version of the groups (ISA12 follows: 00401 or 00501).
    #[arg(long = "x12-version", value_parser = ["004010", "005010"], default_value = "004010")]
    x12_version: String,
    /// Output file; standard output when absent.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Sets {
    /// 850 purchase orders, 810 invoices, 856 ship notices and 820 remittances.
    Mixed,
    #[value(name = "850")]
    PurchaseOrder,
    #[value(name = "810")]
    Invoice,
    #[value(name = "856")]
    ShipNotice,
    #[value(name = "820")]
    RemittanceAdvice,
}

impl Sets {
    fn kinds(self) -> &'static [SetKind] {
        match self {
            Sets::Mixed => &SetKind::ALL,
            Sets::PurchaseOrder => &[SetKind::PurchaseOrder],
            Sets::Invoice => &[SetKind::Invoice],
            Sets::ShipNotice => &[SetKind::ShipNotice],
            Sets::RemittanceAdvice => &[SetKind::RemittanceAdvice],
        }
    }
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let generator = Generator::new(args.seed, args.size).kinds(args.sets.kinds());
    let generator = if args.x12_version == "005010" {
        generator.version_5010()
    } else {
        generator
    };
    let summary = match &args.out {
        Some(path) => {
            let name = path.display();
            let file = File::create(path).with_context(|| format!("cannot create {name}"))?;
            write(&generator, file).with_context(|| format!("cannot write {name}"))?
        }
        None => write(&generator, io::stdout().lock()).context("cannot write to stdout")?,
    };
    let by_kind: Vec<String> = SetKind::ALL
        .into_iter()
        .filter(|&k| summary.sets_of(k) > 0)
        .map(|k| format!("{} {}", summary.sets_of(k), k.id()))
        .collect();
    eprintln!(
        "edigate generate: {} bytes, {} interchange(s), {} group(s), {} transaction set(s) ({}), seed {}",
        summary.bytes,
        summary.interchanges,
        summary.groups,
        summary.transaction_sets,
        by_kind.join(", "),
        args.seed
    );
    Ok(Status::Ok)
}

fn write(generator: &Generator, out: impl Write) -> anyhow::Result<Summary> {
    let mut out = BufWriter::with_capacity(1 << 20, out);
    let summary = generator.write(&mut out)?;
    out.flush()?;
    Ok(summary)
}

/// `1500`, `500KB`, `100MB`, `1.5GB` (case-insensitive, decimal units).
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let upper = t.to_ascii_uppercase();
    let (number, unit) = [("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("B", 1.0)]
        .into_iter()
        .find_map(|(suffix, unit)| upper.strip_suffix(suffix).map(|n| (n.trim_end(), unit)))
        .unwrap_or((upper.as_str(), 1.0));
    let well_formed = !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && number.bytes().filter(|&b| b == b'.').count() <= 1
        && number != ".";
    let value = number
        .parse::<f64>()
        .ok()
        .filter(|_| well_formed)
        .map(|n| (n * unit).round())
        .filter(|&n| n < 1e18)
        .ok_or_else(|| {
            format!("'{text}' is not a size: give bytes or a number with KB, MB or GB, e.g. 100MB")
        })?;
    Ok(value as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1234"), Ok(1234));
        assert_eq!(parse_size("500KB"), Ok(500_000));
        assert_eq!(parse_size("100MB"), Ok(100_000_000));
        assert_eq!(parse_size("1gb"), Ok(1_000_000_000));
        assert_eq!(parse_size("1.5 GB"), Ok(1_500_000_000));
        assert_eq!(parse_size("64B"), Ok(64));
        for bad in [
            "", "MB", "12XB", "-5MB", "1e6", "inf", "1.2.3KB", ".", "10 MiB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
