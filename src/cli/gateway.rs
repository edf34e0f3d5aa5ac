//! What every gateway command shares: where the data and the store are (`edigate.toml`,
//! flags, `EDIGATE_DATABASE_URL`), the partners, and the engine built from them.
//!
//! With no configuration at all, the gateway runs on SQLite in `./edigate-data/` with the
//! partner profiles of `./partners/` (the shipped samples in a clone of the repository).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::TimeDelta;
use serde::Deserialize;

use crate::engine::{Engine, EngineConfig, SystemClock};
use crate::store::Store;
use crate::transport::dir::FolderChannel;

#[derive(clap::Args, Debug, Clone)]
pub struct GatewayArgs {
    /// The configuration file (default: edigate.toml in the current folder, when there is
    /// one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the gateway keeps its SQLite store and the partners' folders (default:
    /// edigate-data).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The store: postgres://user@host/db for PostgreSQL, or a SQLite file (default:
    /// DATA_DIR/edigate.db).
    #[arg(long, value_name = "URL", env = "EDIGATE_DATABASE_URL")]
    pub database: Option<String>,
    /// The folder of partner profiles (default: partners).
    #[arg(long = "partners", value_name = "DIR")]
    pub partners: Option<PathBuf>,
}

/// `edigate.toml`. Paths in it are relative to the file's folder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    data_dir: Option<PathBuf>,
    database: Option<String>,
    partners: Option<PathBuf>,
    #[serde(default)]
    engine: EngineSection,
    #[serde(default)]
    folders: FolderSection,
    /// The AS2 station; none when the section is left out.
    as2: Option<As2Section>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct As2Section {
    /// Where the station listens, `address:port` (say 0.0.0.0:4080 to take partners'
    /// connections from outside).
    listen: String,
    /// The station's URL path (default /as2).
    path: Option<String>,
    /// TLS: the certificate chain and its key (PEM); plain HTTP when left out, for a
    /// station behind a proxy that ends TLS.
    tls_certificate: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    /// The largest message taken, in MB (100); larger ones are refused with 413.
    max_message_mb: Option<u64>,
    /// The most a compressed message may expand to, in MB (512).
    max_decompressed_mb: Option<u64>,
    /// How long a partner may take to send one message, in seconds (300).
    read_timeout_seconds: Option<u64>,
    /// The station's URL as partners reach it (through proxies and NAT), where they POST
    /// asynchronous MDNs for what we send; needed only by partners with mdn = "async".
    public_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EngineSection {
    /// Workers running jobs side by side (default: one per core).
    workers: Option<usize>,
    /// Jobs a worker takes and commits together (default 64).
    batch: Option<i64>,
    /// Megabytes of received messages a worker reads, analyses and commits together, one
    /// message at least (default 8).
    batch_mb: Option<u64>,
    /// Days within which an ISA13 seen again from the same sender is a duplicate (90).
    duplicate_window_days: Option<i64>,
    /// Attempts before a job is an exception (8).
    max_attempts: Option<i64>,
    /// How often overdue acknowledgements are looked for, in seconds (60).
    overdue_check_seconds: Option<u64>,
    /// How long a claimed job is its worker's before another may take it, in seconds (120):
    /// on PostgreSQL, how soon the jobs of a serve that died are taken up by another.
    lease_seconds: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FolderSection {
    /// How often the inbound folders are looked at, in milliseconds (500).
    poll_interval_ms: Option<u64>,
    /// How long a file must stay unchanged before it is taken, in milliseconds (1000);
    /// 0 for partners who always write `.part` files and rename them.
    settle_ms: Option<u64>,
    /// The largest file taken, in MB (512); a larger one is moved to `refused/` and
    /// recorded as an exception.
    max_file_mb: Option<u64>,
}

/// Everything resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database: String,
    pub partners: PathBuf,
    pub engine: EngineConfig,
    pub workers: usize,
    pub poll_interval: Duration,
    pub settle: Duration,
    pub overdue_check: Duration,
    pub max_file_bytes: u64,
    pub as2: Option<As2Settings>,
}

/// The AS2 station's settings, resolved.
#[derive(Debug, Clone)]
pub struct As2Settings {
    pub listen: std::net::SocketAddr,
    pub path: String,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub max_message_bytes: u64,
    pub max_decompressed_bytes: usize,
    pub read_timeout: Duration,
    pub public_url: Option<String>,
}

impl GatewayArgs {
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let (file, base) = match &self.config {
            Some(path) => (Some(read_config(path)?), folder_of(path)),
            None if Path::new("edigate.toml").is_file() => (
                Some(read_config(Path::new("edigate.toml"))?),
                PathBuf::from("."),
            ),
            None => (None, PathBuf::from(".")),
        };
        let file = file.unwrap_or_default();
        let data_dir = self
            .data_dir
            .clone()
            .or_else(|| file.data_dir.as_ref().map(|d| base.join(d)))
            .unwrap_or_else(|| PathBuf::from("edigate-data"));
        let database = self
            .database
            .clone()
            .or(file.database.clone())
            .unwrap_or_else(|| data_dir.join("edigate.db").display().to_string());
        let partners = self
            .partners
            .clone()
            .or_else(|| file.partners.as_ref().map(|p| base.join(p)))
            .unwrap_or_else(|| PathBuf::from("partners"));
        let e = &file.engine;
        let mut engine = EngineConfig::default();
        if let Some(days) = e.duplicate_window_days {
            engine.duplicate_window = TimeDelta::days(days);
        }
        if let Some(n) = e.max_attempts {
            engine.max_attempts = n.max(1);
        }
        if let Some(n) = e.lease_seconds {
            engine.lease = TimeDelta::seconds(n.max(1));
        }
        if let Some(n) = e.batch {
            engine.batch = n.clamp(1, 1000);
        }
        if let Some(n) = e.batch_mb {
            engine.batch_bytes = usize::try_from(n.clamp(1, 4096) << 20).unwrap_or(usize::MAX);
        }
        let as2 = match &file.as2 {
            None => None,
            Some(a) => Some(As2Settings {
                listen: a.listen.parse().with_context(|| {
                    format!(
                        "[as2] listen = '{}' is not address:port (for example 0.0.0.0:4080)",
                        a.listen
                    )
                })?,
                path: a.path.clone().unwrap_or_else(|| "/as2".into()),
                tls: match (&a.tls_certificate, &a.tls_key) {
                    (Some(c), Some(k)) => Some((base.join(c), base.join(k))),
                    (None, None) => None,
                    _ => bail!(
                        "[as2] give both tls_certificate and tls_key, or neither (plain HTTP)"
                    ),
                },
                max_message_bytes: a.max_message_mb.unwrap_or(100).max(1) << 20,
                max_decompressed_bytes: usize::try_from(
                    a.max_decompressed_mb.unwrap_or(512).max(1) << 20,
                )
                .unwrap_or(usize::MAX),
                read_timeout: Duration::from_secs(a.read_timeout_seconds.unwrap_or(300).max(1)),
                public_url: a.public_url.clone(),
            }),
        };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Settings {
            data_dir,
            database,
            partners,
            engine,
            workers: e.workers.unwrap_or(cores).max(1),
            poll_interval: Duration::from_millis(file.folders.poll_interval_ms.unwrap_or(500)),
            settle: Duration::from_millis(file.folders.settle_ms.unwrap_or(1000)),
            overdue_check: Duration::from_secs(e.overdue_check_seconds.unwrap_or(60).max(1)),
            max_file_bytes: file.folders.max_file_mb.unwrap_or(512).max(1) * 1024 * 1024,
            as2,
        })
    }
}

fn folder_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn read_config(path: &Path) -> anyhow::Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration {}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| {
            text.as_bytes()[..s.start.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1
        });
        anyhow::anyhow!(
            "{}{}: {}",
            path.display(),
            line.map(|l| format!(":{l}")).unwrap_or_default(),
            e.message()
        )
    })
}

impl Settings {
    /// The store alone (for commands that only read it).
    pub fn store(&self) -> anyhow::Result<Store> {
        Ok(Store::open(&self.database)?)
    }

    /// The engine: the store, the partners (every profile must be sound), the standard.
    pub fn engine(&self) -> anyhow::Result<Engine> {
        if !self.partners.is_dir() {
            bail!(
                "there is no partners folder {}: give --partners DIR, or `partners = \"DIR\"` in \
                 edigate.toml",
                self.partners.display()
            );
        }
        let directory = super::partners::load_sound(&self.partners)?;
        let specs = crate::spec::standard()
            .map_err(|e| anyhow::anyhow!("the built-in specs do not load: {e}"))?;
        Ok(Engine::new(
            self.store()?,
            directory,
            specs,
            Arc::new(SystemClock),
            self.engine.clone(),
        ))
    }

    /// The folder channel over the data folder.
    pub fn folders(&self) -> FolderChannel {
        let mut channel = FolderChannel::new(self.data_dir.clone(), self.settle, 256);
        channel.max_file_bytes = self.max_file_bytes;
        channel
    }
}
