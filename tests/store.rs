//! The store on its own, on SQLite and on a throwaway PostgreSQL: the two schemas are one,
//! control numbers are handed out once and refused past nine digits, a job is one worker's
//! at a time and a worker whose lease ran out cannot complete it.

mod common;

use chrono::{NaiveDateTime, TimeDelta};
use common::pg::Postgres;
use edigate::store::{Direction, JobKind, NewMessage, Store, StoreError};

/// The PostgreSQL schema is the SQLite one in PostgreSQL's words, line for line.
#[test]
fn the_two_schemas_are_one() {
    let sqlite = std::fs::read_to_string(common::repo(
        "migrations/sqlite/2026-11-26-000000_gateway/up.sql",
    ))
    .unwrap();
    let postgres = std::fs::read_to_string(common::repo(
        "migrations/postgres/2026-11-26-000000_gateway/up.sql",
    ))
    .unwrap();
    let translated = sqlite
        .replace("id INTEGER PRIMARY KEY", "id BIGSERIAL PRIMARY KEY")
        .replace("BLOB", "BYTEA")
        .replace(
            "store (SQLite). migrations/postgres",
            "store (PostgreSQL). migrations/sqlite",
        )
        .replace(
            "the same schema in PostgreSQL's",
            "the same schema in SQLite's",
        );
    for (n, (a, b)) in translated.lines().zip(postgres.lines()).enumerate() {
        assert_eq!(a, b, "line {} differs beyond the dialects' words", n + 1);
    }
    assert_eq!(translated.lines().count(), postgres.lines().count());
    for kind in ["sqlite", "postgres"] {
        let down = std::fs::read_to_string(common::repo(&format!(
            "migrations/{kind}/2026-11-26-000000_gateway/down.sql"
        )))
        .unwrap();
        for table in sqlite
            .lines()
            .filter_map(|l| l.strip_prefix("CREATE TABLE "))
        {
            let name = table.split_whitespace().next().unwrap();
            assert!(
                down.contains(&format!("DROP TABLE {name};")),
                "{kind}: {name}"
            );
        }
    }
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

fn message(store: &Store) -> i64 {
    store
        .write(|tx| {
            tx.insert_message(&NewMessage {
                direction: Direction::In,
                kind: "x12",
                partner: Some("bigretail"),
                channel: "submit",
                origin: None,
                sha256: "00",
                body: b"ISA",
                status: "received",
                duplicate_of: None,
                note: None,
                at: at("2026-11-26 09:00"),
            })
        })
        .unwrap()
}

fn behaviour(store: &Store) {
    // Control numbers: consecutive, per partner and counter, kept across connections.
    let first = store
        .write(|tx| tx.allocate("bigretail", "isa13", 3))
        .unwrap();
    let next = store
        .write(|tx| tx.allocate("bigretail", "isa13", 1))
        .unwrap();
    let other = store
        .write(|tx| tx.allocate("freshway", "isa13", 1))
        .unwrap();
    assert_eq!((first, next, other), (1, 4, 1));
    // A transaction that fails gives its numbers back: none is lost, none used twice.
    let failed: Result<u64, StoreError> = store.write(|tx| {
        tx.allocate("bigretail", "isa13", 1)?;
        Err(StoreError::NotFound("rolled back".into()))
    });
    assert!(failed.is_err());
    assert_eq!(
        store
            .write(|tx| tx.allocate("bigretail", "isa13", 1))
            .unwrap(),
        5
    );
    // Nine digits at most: refused, never wrapped round.
    store
        .write(|tx| tx.allocate("northgate", "gs06", 999_999_998))
        .unwrap();
    assert_eq!(
        store
            .write(|tx| tx.allocate("northgate", "gs06", 1))
            .unwrap(),
        999_999_999
    );
    let refused = store.write(|tx| tx.allocate("northgate", "gs06", 1));
    assert!(
        matches!(&refused, Err(StoreError::Exhausted(m)) if m.contains("used up")),
        "{refused:?}"
    );

    // Jobs: claimed by one worker; due again after its lease; the first worker's late
    // completion refused.
    let id = message(store);
    let now = at("2026-11-26 09:00");
    let job = store
        .write(|tx| tx.enqueue(JobKind::Receive, Some(id), None, now))
        .unwrap();
    let lease = now + TimeDelta::seconds(60);
    let a = store
        .write(|tx| tx.claim(&[JobKind::Receive], "a", 10, now, lease))
        .unwrap();
    assert_eq!(a.iter().map(|j| j.id).collect::<Vec<_>>(), [job]);
    let b = store
        .write(|tx| tx.claim(&[JobKind::Receive], "b", 10, now, lease))
        .unwrap();
    assert!(b.is_empty(), "claimed twice: {b:?}");
    let later = now + TimeDelta::seconds(61);
    let b = store
        .write(|tx| {
            tx.claim(
                &[JobKind::Receive],
                "b",
                10,
                later,
                later + TimeDelta::seconds(60),
            )
        })
        .unwrap();
    assert_eq!(b.len(), 1, "due again once the lease ran out");
    assert_eq!(b[0].attempts, 2);
    let late = store.write(|tx| tx.complete_job(job, "a", later));
    assert!(matches!(late, Err(StoreError::LostClaim(_))), "{late:?}");
    store.write(|tx| tx.complete_job(job, "b", later)).unwrap();
    assert_eq!(store.read(|tx| tx.job(job)).unwrap().state, "done");
    // A stop hands a process's claims back (its workers' too), not another's.
    let second = store
        .write(|tx| tx.enqueue(JobKind::Deliver, Some(id), None, later))
        .unwrap();
    let third = store
        .write(|tx| tx.enqueue(JobKind::Deliver, Some(id), None, later))
        .unwrap();
    store
        .write(|tx| {
            tx.claim(
                &[JobKind::Deliver],
                "host:1/0",
                1,
                later,
                lease + TimeDelta::hours(1),
            )
        })
        .unwrap();
    store
        .write(|tx| {
            tx.claim(
                &[JobKind::Deliver],
                "host:10/0",
                1,
                later,
                lease + TimeDelta::hours(1),
            )
        })
        .unwrap();
    let released = store
        .write(|tx| tx.release_jobs(Some("host:1"), later))
        .unwrap();
    assert_eq!(released, 1);
    assert_eq!(store.read(|tx| tx.job(second)).unwrap().state, "ready");
    assert_eq!(store.read(|tx| tx.job(third)).unwrap().state, "running");
    // Jobs completed together: all of them, or (one being another's) none.
    let (fourth, fifth) = store
        .write(|tx| {
            let fourth = tx.enqueue(JobKind::Receive, Some(id), None, later)?;
            let fifth = tx.enqueue(JobKind::Receive, Some(id), None, later)?;
            Ok::<_, StoreError>((fourth, fifth))
        })
        .unwrap();
    let until = later + TimeDelta::seconds(60);
    store
        .write(|tx| tx.claim(&[JobKind::Receive], "c", 1, later, until))
        .unwrap();
    store
        .write(|tx| tx.claim(&[JobKind::Receive], "d", 1, later, until))
        .unwrap();
    let mixed = store.write(|tx| tx.complete_jobs(&[fourth, fifth], "c", later));
    assert!(matches!(mixed, Err(StoreError::LostClaim(_))), "{mixed:?}");
    assert_eq!(store.read(|tx| tx.job(fourth)).unwrap().state, "running");
    store
        .write(|tx| tx.complete_jobs(&[fourth], "c", later))
        .unwrap();
    store
        .write(|tx| tx.complete_jobs(&[fifth], "d", later))
        .unwrap();
    assert_eq!(store.read(|tx| tx.job(fourth)).unwrap().state, "done");
    assert_eq!(store.read(|tx| tx.job(fifth)).unwrap().state, "done");

    // The audit log: every change recorded in a transaction is written with it (many in one
    // statement), in the order made; a savepoint undone takes its own entries with it, and
    // a transaction that fails leaves none.
    let audited = message(store);
    let nine = at("2026-11-26 09:00");
    store
        .write(|tx| {
            for n in 0..700 {
                tx.audit(
                    "test",
                    "message",
                    audited,
                    None,
                    &format!("s{n}"),
                    None,
                    nine,
                )?;
            }
            let undone: Result<(), StoreError> = tx.savepoint(|tx| {
                tx.audit("test", "message", audited, None, "undone", None, nine)?;
                Err(StoreError::NotFound("undone".into()))
            });
            assert!(undone.is_err());
            tx.savepoint(|tx| {
                tx.audit(
                    "test",
                    "message",
                    audited,
                    Some("s699"),
                    "kept",
                    Some("n"),
                    nine,
                )
            })
        })
        .unwrap();
    let failed: Result<(), StoreError> = store.write(|tx| {
        tx.audit("test", "message", audited, None, "lost", None, nine)?;
        Err(StoreError::NotFound("rolled back".into()))
    });
    assert!(failed.is_err());
    let history = store.read(|tx| tx.history("message", audited)).unwrap();
    let states: Vec<&str> = history.iter().map(|e| e.to_state.as_str()).collect();
    let mut expected: Vec<String> = (0..700).map(|n| format!("s{n}")).collect();
    expected.push("kept".into());
    assert_eq!(states, expected);
    let last = history.last().unwrap();
    assert_eq!(
        (last.from_state.as_deref(), last.note.as_deref(), last.at),
        (Some("s699"), Some("n"), nine)
    );
}

#[test]
fn behaviour_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store.db").display().to_string()).unwrap();
    behaviour(&store);
    // Opened again: the schema is there, nothing is migrated twice.
    let again = Store::open(&dir.path().join("store.db").display().to_string()).unwrap();
    assert_eq!(
        again
            .write(|tx| tx.allocate("bigretail", "isa13", 1))
            .unwrap(),
        6
    );
}

#[test]
fn behaviour_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    let url = pg.database("store");
    behaviour(&Store::open(&url).unwrap());
    let again = Store::open(&url).unwrap();
    assert_eq!(
        again
            .write(|tx| tx.allocate("bigretail", "isa13", 1))
            .unwrap(),
        6
    );
}

/// What cannot be opened says so, and where.
#[test]
fn a_store_that_cannot_be_opened_says_why() {
    let refused = Store::open("postgres://edigate@127.0.0.1:1/none");
    let Err(e) = refused else { panic!("opened") };
    let text = e.to_string();
    assert!(
        text.starts_with("cannot open the store postgres://edigate@127.0.0.1:1/none"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let Err(e) = Store::open(&file.join("edigate.db").display().to_string()) else {
        panic!("opened under a file")
    };
    assert!(e.to_string().contains("cannot create the folder"), "{e}");
}
