//! Fuzz target `gateway`: whatever a partner drops in its folder goes through the whole
//! engine — stored, analysed, committed (interchanges, findings, documents, the order book,
//! 997s/TA1s numbered and queued, partner 997s applied to what we sent), delivered — without
//! a panic and without the store refusing what the engine writes. The store is a SQLite file
//! in the temporary folder, kept across runs (duplicates of earlier inputs are a path too).
//!
//! Run with `RUSTC_BOOTSTRAP=1 cargo fuzz run gateway fuzz/corpus/gateway`, seeding the corpus
//! with the sample partners' files (`samples/{bigretail,freshway,northgate}/*.edi`).
#![no_main]

use std::sync::{Arc, OnceLock};

use edigate::engine::{Arrival, Engine, EngineConfig, EngineError, ManualClock, Outlet};
use edigate::partner::{Directory, Profile};
use edigate::store::{MessageRecord, Store};
use libfuzzer_sys::fuzz_target;

/// Delivers nowhere: the channel is not what is fuzzed.
struct Nowhere;

impl Outlet for Nowhere {
    fn deliver(&self, batch: &[(&Profile, &MessageRecord)]) -> Vec<Result<String, EngineError>> {
        batch
            .iter()
            .map(|(_, m)| Ok(format!("nowhere/{}", m.id)))
            .collect()
    }
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("edigate-fuzz-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let store = Store::open(&path.display().to_string()).expect("a store");
        let files = [
            ("partners/bigretail.toml", include_str!("../../partners/bigretail.toml")),
            ("partners/freshway.toml", include_str!("../../partners/freshway.toml")),
            ("partners/northgate.toml", include_str!("../../partners/northgate.toml")),
        ]
        .map(|(f, t)| (f.to_owned(), t.to_owned()));
        let (partners, errors) = Directory::read(&files, &|_| true);
        assert!(errors.is_empty(), "{errors:?}");
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("a time");
        Engine::new(
            store,
            partners,
            edigate::spec::standard().expect("specs"),
            Arc::new(ManualClock::new(at)),
            EngineConfig::default(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let engine = engine();
    engine
        .accept(&[Arrival {
            partner: Some("bigretail".into()),
            channel: "folder".into(),
            origin: Some("fuzz.edi".into()),
            bytes: data.to_vec(),
        }])
        .expect("the inbox stores anything");
    // Exceptions are fine (an unknown partner, no ISA); the store refusing the engine's
    // writes, or a panic, is not.
    engine.work_until_idle(&Nowhere).expect("the engine's writes are accepted");
});
