//! The throwaway PostgreSQL server of `tests/common/pg.rs` starts, makes databases, and they
//! answer: what the store tests build on.

mod common;

use common::pg::Postgres;

#[test]
fn a_fresh_server_makes_databases_that_answer() {
    let Some(server) = Postgres::start() else {
        return;
    };
    let port = server.port();
    for name in ["harness_one", "harness_two"] {
        let url = server.database(name);
        assert_eq!(url, format!("postgres://edigate@127.0.0.1:{port}/{name}"));
        let out = server.psql(name, "select 1");
        assert!(out.status.success(), "{name}: {}", common::text(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1", "{name}");
    }
    // Two databases, not one under two names.
    let create = server.psql("harness_one", "create table only_in_one (x int)");
    assert!(create.status.success(), "{}", common::text(&create));
    let count = "select count(*) from pg_tables where tablename = 'only_in_one'";
    for (name, expected) in [("harness_one", "1"), ("harness_two", "0")] {
        let out = server.psql(name, count);
        assert!(out.status.success(), "{name}: {}", common::text(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            expected,
            "{name}"
        );
    }
}
