//! What several integration tests share: running a peer (an independent implementation or a
//! real server) that may be missing on a developer's machine.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
