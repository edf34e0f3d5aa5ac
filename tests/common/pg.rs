//! A throwaway PostgreSQL server for integration tests: a fresh cluster in a temporary
//! directory, listening on 127.0.0.1 only, on a free port, with trust authentication for
//! the user `edigate`. Every `Postgres::start` makes its own cluster, so tests running in
//! parallel (threads of one binary, or several binaries) do not share anything.
//!
//! PostgreSQL refuses to run as root, and CI runs the tests as root: then the cluster's
//! directory is given to the `postgres` system user and `initdb`/`pg_ctl` run through
//! `runuser -u postgres --`. The client (`psql`) connects over TCP and runs as whoever we are.

use std::ffi::OsStr;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Attempts at starting the server, each on another free port: the port is free when chosen
/// but another test may take it before the server binds it.
const START_ATTEMPTS: usize = 5;

/// A running throwaway server; stopped (immediately, nothing is kept) and its directory
/// removed when dropped.
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    psql: PathBuf,
    port: u16,
    /// Running as root: the server's commands run as the `postgres` user.
    as_postgres: bool,
}

impl Postgres {
    /// Starts a fresh cluster; None (after `common::skip(reason)`) when initdb/pg_ctl are
    /// missing. Any failure of a server that is there panics, with its log.
    pub fn start() -> Option<Postgres> {
        let Some(bin) = server_bin() else {
            super::skip(
                "PostgreSQL server binaries (initdb, pg_ctl) are not installed \
                 (looked in /usr/lib/postgresql/*/bin and on PATH)",
            );
            return None;
        };
        let Some(psql) = psql(&bin) else {
            super::skip("psql (postgresql-client) is not installed");
            return None;
        };
        let as_postgres = is_root();
        if as_postgres {
            if !Command::new("id")
                .args(["-u", "postgres"])
                .output()
                .is_ok_and(|o| o.status.success())
            {
                super::skip("running as root and there is no `postgres` user to run PostgreSQL");
                return None;
            }
            if find_on_path("runuser").is_none() {
                super::skip("running as root and runuser (util-linux) is not installed");
                return None;
            }
        }

        // Root's TMPDIR may be somewhere the postgres user cannot reach: /tmp it is then.
        let base = if as_postgres {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = tempfile::Builder::new()
            .prefix("edigate-pg-")
            .tempdir_in(&base)
            .unwrap_or_else(|e| panic!("temporary directory in {}: {e}", base.display()));
        let mut server = Postgres {
            dir,
            bin,
            psql,
            port: 0,
            as_postgres,
        };
        if as_postgres {
            traversable(server.dir.path());
            let chown = Command::new("chown")
                .arg("postgres:")
                .arg(server.dir.path())
                .output()
                .expect("run chown");
            assert!(chown.status.success(), "chown: {}", super::text(&chown));
        }

        let initdb = server.server_command(
            "initdb",
            [
                OsStr::new("-D"),
                server.data().as_os_str(),
                OsStr::new("-A"),
                OsStr::new("trust"),
                OsStr::new("-U"),
                OsStr::new("edigate"),
                // Independent of the machine's locale settings, and no fsync: nothing is kept.
                OsStr::new("-E"),
                OsStr::new("UTF8"),
                OsStr::new("--locale=C"),
                OsStr::new("--no-sync"),
            ],
        );
        assert!(
            initdb.status.success(),
            "initdb failed:\n{}",
            super::text(&initdb)
        );

        let mut failures = Vec::new();
        for _ in 0..START_ATTEMPTS {
            server.port = free_port();
            // Each attempt's log alone (pg_ctl appends to it).
            let _ = std::fs::remove_file(server.log());
            let options = format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
                 -c full_page_writes=off",
                server.port,
                server.dir.path().display()
            );
            let start = server.server_command(
                "pg_ctl",
                [
                    OsStr::new("-D"),
                    server.data().as_os_str(),
                    OsStr::new("-o"),
                    OsStr::new(&options),
                    OsStr::new("-l"),
                    server.log().as_os_str(),
                    OsStr::new("-w"),
                    OsStr::new("start"),
                ],
            );
            if start.status.success() {
                return Some(server);
            }
            let log = std::fs::read_to_string(server.log()).unwrap_or_default();
            let taken = log.contains("could not bind") || log.contains("already in use");
            failures.push(format!(
                "port {}: {}\n--- log ---\n{log}",
                server.port,
                super::text(&start)
            ));
            if !taken {
                break;
            }
        }
        panic!(
            "PostgreSQL did not start in {}:\n{}",
            server.dir.path().display(),
            failures.join("\n")
        );
    }

    /// A new empty database on this server, returned as a URL diesel's PgConnection accepts:
    /// `postgres://edigate@127.0.0.1:PORT/NAME`. `name` is a plain identifier (letters,
    /// digits, `_`).
    pub fn database(&self, name: &str) -> String {
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "database name {name:?}: use letters, digits and _"
        );
        let out = self.psql("postgres", &format!("CREATE DATABASE \"{name}\""));
        assert!(
            out.status.success(),
            "CREATE DATABASE {name} failed:\n{}\n--- log ---\n{}",
            super::text(&out),
            std::fs::read_to_string(self.log()).unwrap_or_default()
        );
        format!("postgres://edigate@127.0.0.1:{}/{name}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs `psql -tAc sql` (unaligned tuples only) on `database` as `edigate`.
    pub fn psql(&self, database: &str, sql: &str) -> Output {
        Command::new(&self.psql)
            .args(["-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p"])
            .arg(self.port.to_string())
            .args(["-U", "edigate", "-d", database, "-tAc", sql])
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("run {}: {e}", self.psql.display()))
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("log")
    }

    /// Runs one of the server's programs, as `postgres` when we are root, from the cluster's
    /// directory (the tests' own may not be readable by `postgres`).
    fn server_command<'a>(
        &self,
        program: &str,
        args: impl IntoIterator<Item = &'a OsStr>,
    ) -> Output {
        self.try_server_command(program, args)
            .unwrap_or_else(|e| panic!("run {program}: {e}"))
    }

    fn try_server_command<'a>(
        &self,
        program: &str,
        args: impl IntoIterator<Item = &'a OsStr>,
    ) -> std::io::Result<Output> {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        command.args(args).current_dir(self.dir.path()).output()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if self.port != 0 {
            // Not a panic here: Drop may run while a failing test unwinds.
            let _ = self.try_server_command(
                "pg_ctl",
                [
                    OsStr::new("-D"),
                    self.data().as_os_str(),
                    OsStr::new("-m"),
                    OsStr::new("immediate"),
                    OsStr::new("-w"),
                    OsStr::new("stop"),
                ],
            );
        }
        // The TempDir removes the directory when dropped after this.
    }
}

/// The directory of `initdb` and `pg_ctl`: the newest /usr/lib/postgresql/N/bin that has
/// them, or else where PATH finds them.
fn server_bin() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let mut versions: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry
                .file_name()
                .to_string_lossy()
                .split('.')
                .map(|n| n.parse::<u32>().ok())
                .collect::<Option<Vec<u32>>>()?;
            let bin = entry.path().join("bin");
            has_both(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let initdb = find_on_path("initdb")?;
    let bin = initdb.parent()?.to_path_buf();
    has_both(&bin).then_some(bin)
}

/// psql from the server's directory, else /usr/bin/psql, else PATH's.
fn psql(bin: &Path) -> Option<PathBuf> {
    [bin.join("psql"), PathBuf::from("/usr/bin/psql")]
        .into_iter()
        .find(|p| p.is_file())
        .or_else(|| find_on_path("psql"))
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn is_root() -> bool {
    match Command::new("id").arg("-u").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim() == "0",
        _ => std::env::var("USER").is_ok_and(|u| u == "root"),
    }
}

/// Lets other users (the `postgres` user) through every directory above `dir`.
fn traversable(dir: &Path) {
    for ancestor in dir.ancestors().skip(1) {
        let Ok(meta) = std::fs::metadata(ancestor) else {
            continue;
        };
        let mode = meta.permissions().mode();
        if mode & 0o001 == 0 {
            std::fs::set_permissions(ancestor, std::fs::Permissions::from_mode(mode | 0o011))
                .unwrap_or_else(|e| panic!("chmod {}: {e}", ancestor.display()));
        }
    }
}

/// A port nobody listens on at the moment, on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}
