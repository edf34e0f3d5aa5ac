//! What several integration tests share: running a peer (an independent implementation or a
//! real server) that may be missing on a developer's machine.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod gateway;
pub mod kept;
pub mod pg;

/// Set by `.ci/run`: a missing peer fails the test instead of skipping it.
pub fn peers_required() -> bool {
    std::env::var("EDIGATE_REQUIRE_PEERS").is_ok_and(|v| v == "1")
}

/// Says why a peer test does not run, or fails when peers are required.
pub fn skip(reason: &str) {
    assert!(
        !peers_required(),
        "EDIGATE_REQUIRE_PEERS=1 but the peer cannot run: {reason}"
    );
    eprintln!("SKIPPED: {reason} (set EDIGATE_REQUIRE_PEERS=1 to make this a failure)");
}

/// A file of the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Runs `python3 script args...`; None (after `skip`) when python3 cannot be started.
pub fn python(script: &str, args: &[&std::ffi::OsStr]) -> Option<Output> {
    match Command::new("python3")
        .arg(repo(script))
        .args(args)
        .output()
    {
        Ok(output) => Some(output),
        Err(e) => {
            skip(&format!("python3 cannot be run ({e})"));
            None
        }
    }
}

/// stdout and stderr together, for messages.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs the `edigate` binary from the repository root: (exit status, stdout, stderr).
pub fn edigate(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_edigate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run edigate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The files of a folder of the repository, sorted.
pub fn files(dir: &str) -> Vec<PathBuf> {
    let dir = repo(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "edi"))
        .collect();
    files.sort();
    files
}

/// A repository file's path relative to the root, as the CLI is given it.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .display()
        .to_string()
}

/// Has the Bots engine (`tests/peers/bots_check.py`, 004010 grammars) check `files`, which
/// must all be valid: `what` names them in the failure. Skips (with the reason) when Bots
/// is not installed, unless peers are required.
pub fn bots_accepts(files: &[PathBuf], what: &str) {
    let args: Vec<&std::ffi::OsStr> = files.iter().map(|f| f.as_os_str()).collect();
    let Some(output) = python("tests/peers/bots_check.py", &args) else {
        return;
    };
    let report = text(&output);
    match output.status.code() {
        Some(0) => assert!(
            report.contains(&format!("{} file(s), {} valid", files.len(), files.len())),
            "{report}"
        ),
        Some(3) => skip(&format!("Bots is not installed: {}", report.trim())),
        status => {
            let shown: String = report.lines().take(40).collect::<Vec<_>>().join("\n");
            panic!("Bots rejected {what} (exit {status:?}):\n{shown}");
        }
    }
}

/// The canonical documents of `samples/documents` whose names start with `prefix`, sorted;
/// at least `least` of them, so that a lost sample fails the test.
pub fn sample_documents(prefix: &str, least: usize) -> Vec<PathBuf> {
    let dir = repo("samples/documents");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    files.sort();
    assert!(
        files.len() >= least,
        "the {prefix}* samples look truncated: {files:?}"
    );
    files
}

/// A copy of the JSON `sample` (a repository path) with `change` applied, written into
/// `dir`; its path.
pub fn changed_sample(
    dir: &Path,
    sample: &str,
    change: impl FnOnce(&mut serde_json::Value),
) -> String {
    let text = std::fs::read_to_string(repo(sample)).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    change(&mut json);
    let path = dir.join("changed.json");
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

/// The envelope the emit tests write under: ZZ ids, control number 42, 2026-11-20 09:30, so
/// that what is written does not depend on the clock.
pub fn envelope(from: &str, to: &str, version: &str) -> edigate::map::emit::EmitEnvelope {
    let id = |id: &str| edigate::x12::PartyId {
        qualifier: "ZZ".into(),
        id: id.into(),
    };
    edigate::map::emit::EmitEnvelope::new(
        id(from),
        id(to),
        version,
        42,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        chrono::NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
    )
}

/// Twelve documents from `strategy`, the same on every run (a fixed `seed`), for a peer that
/// checks what we write from them.
pub fn generated<T: std::fmt::Debug>(
    strategy: impl proptest::strategy::Strategy<Value = T>,
    seed: u8,
) -> Vec<T> {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    (0..12)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}
