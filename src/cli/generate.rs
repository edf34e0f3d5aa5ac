//! `edigate generate`: deterministic valid X12 for benchmarks and load tests.

use super::Status;

#[derive(clap::Args)]
pub struct Args {
    /// Approximate size, e.g. 10MB, 1GB (decimal units).
    #[arg(long)]
    size: String,
}

pub fn run(_args: &Args) -> anyhow::Result<Status> {
    anyhow::bail!("edigate generate is not built yet")
}
