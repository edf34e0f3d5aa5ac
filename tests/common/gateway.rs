//! A gateway in a test: the store (SQLite in a temp folder, or a database on a throwaway
//! PostgreSQL), the sample partners, the folder channel on a data folder of its own, and a
//! clock the test moves.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDateTime;
use edigate::engine::{Engine, EngineConfig, ManualClock, WorkSummary};
use edigate::partner::Directory;
use edigate::store::Store;
use edigate::transport::dir::{FolderChannel, Folders, Sightings};

pub struct Gateway {
    pub engine: Engine,
    pub clock: Arc<ManualClock>,
    pub channel: FolderChannel,
    pub sightings: Sightings,
    pub data: tempfile::TempDir,
}

/// The sample partners of `partners/`.
pub fn sample_partners() -> Directory {
    let dir = super::repo("partners");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("partners/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).expect("profile");
            files.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                text,
            ));
        }
    }
    files.sort();
    let (directory, errors) = Directory::read(&files, &|_| true);
    assert!(errors.is_empty(), "sample partners: {errors:?}");
    directory
}

pub fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("a time")
}

impl Gateway {
    /// A gateway on `url` (None: SQLite in its data folder).
    pub fn new(url: Option<&str>) -> Gateway {
        let data = tempfile::tempdir().expect("temp dir");
        let url = url
            .map(str::to_owned)
            .unwrap_or_else(|| data.path().join("edigate.db").display().to_string());
        let store = Store::open(&url).expect("store opens");
        let clock = Arc::new(ManualClock::new(at("2026-11-26 09:00")));
        let engine = Engine::new(
            store,
            sample_partners(),
            edigate::spec::standard().expect("specs"),
            clock.clone(),
            EngineConfig::default(),
        );
        let channel = FolderChannel::new(data.path().to_path_buf(), std::time::Duration::ZERO, 64);
        channel.prepare(&engine).expect("folders");
        Gateway {
            engine,
            clock,
            channel,
            sightings: Sightings::default(),
            data,
        }
    }

    pub fn folders(&self, partner: &str) -> Folders {
        self.channel
            .folders(self.engine.partner(partner).expect("partner"))
            .expect("a folder channel")
    }

    /// Drops `bytes` into `partner`'s inbound folder as `name`.
    pub fn drop_file(&self, partner: &str, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.folders(partner).inbound.join(name);
        std::fs::write(&path, bytes).expect("drop a file");
        path
    }

    /// Polls until the folders are empty and runs every job due.
    pub fn run(&mut self) -> WorkSummary {
        let mut total = WorkSummary::default();
        for _ in 0..10 {
            let polled = self
                .channel
                .poll(&self.engine, &mut self.sightings)
                .expect("poll");
            total.add(self.engine.work_until_idle(&self.channel).expect("work"));
            if polled.stored == 0 && polled.waiting == 0 && polled.recovered == 0 {
                break;
            }
        }
        total
    }
}

/// The files of a folder, by name.
pub fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
