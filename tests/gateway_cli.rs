//! The gateway's reporting commands on the real binary: `messages`, `show`, `status`,
//! `exceptions` and `replay` after `serve --drain` has taken in a BigRetail order, sent an
//! invoice, and failed on a file from no known partner; then acknowledgements that are
//! late, negative or not delivered; and the exit-status contract. On SQLite and on a
//! throwaway PostgreSQL.

mod common;

use std::path::{Path, PathBuf};

use common::pg::Postgres;
use serde_json::{Value, json};

/// An invoice of ours for an order (4500012388) the gateway has not booked: sent.
const SENT: &str = "invoice-freight-tax-net-30-eom.json";

/// An invoice of ours for BigRetail's order 4500012345 that bills more than was ordered
/// (1080 of line 1, where the order has 96): refused by BigRetail's three-way match.
const REFUSED: &str = "invoice-2-10-net-30.json";

/// A gateway on a data folder of its own: the sample partners (or a changed copy of them),
/// an edigate.toml that takes files at once, and SQLite in the folder unless a database is
/// given.
struct Gateway {
    dir: tempfile::TempDir,
    partners: PathBuf,
    database: String,
}

impl Gateway {
    fn new(database: Option<String>) -> Gateway {
        Gateway::configured(database, "")
    }

    /// A gateway with `more` added to its edigate.toml.
    fn configured(database: Option<String>, more: &str) -> Gateway {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("edigate.toml"),
            format!("[folders]\nsettle_ms = 0\n{more}"),
        )
        .unwrap();
        let database =
            database.unwrap_or_else(|| dir.path().join("edigate.db").display().to_string());
        Gateway {
            dir,
            partners: common::repo("partners"),
            database,
        }
    }

    /// A gateway whose BigRetail profile is changed by `change` (a copy of the samples).
    fn with_bigretail(change: impl Fn(String) -> String) -> Gateway {
        let mut g = Gateway::new(None);
        let partners = g.dir.path().join("profiles");
        std::fs::create_dir(&partners).unwrap();
        for entry in std::fs::read_dir(common::repo("partners")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let mut text = std::fs::read_to_string(&path).unwrap();
                if path.file_name().is_some_and(|n| n == "bigretail.toml") {
                    let changed = change(text.clone());
                    assert_ne!(changed, text, "the change must change the profile");
                    text = changed;
                }
                std::fs::write(partners.join(path.file_name().unwrap()), text).unwrap();
            }
        }
        g.partners = partners;
        g
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `edigate ARGS` with this gateway's flags: (exit status, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let config = self.path().join("edigate.toml");
        let mut all: Vec<&str> = args.to_vec();
        all.extend([
            "--config",
            config.to_str().unwrap(),
            "--data-dir",
            self.path().to_str().unwrap(),
            "--partners",
            self.partners.to_str().unwrap(),
            "--database",
            &self.database,
        ]);
        common::edigate(&all)
    }

    /// `edigate ARGS --json`: (exit status, the one JSON document on stdout).
    fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = args.to_vec();
        all.push("--json");
        let (code, out, err) = self.run(&all);
        let value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}):\n{out}\n{err}"));
        (code, value)
    }

    /// `edigate ARGS`, which must succeed: its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "{args:?}:\n{out}\n{err}");
        out
    }

    /// Our invoice `samples/documents/NAME` queued for BigRetail, and served.
    fn send_invoice(&self, name: &str) {
        let input = format!("samples/documents/{name}");
        let out = self.ok(&[
            "send",
            "invoice",
            "--input",
            &input,
            "--partner",
            "bigretail",
        ]);
        assert!(out.starts_with("document "), "{out}");
        self.serve();
    }

    /// BigRetail's order dropped into its inbound folder.
    fn drop_order(&self) {
        std::fs::copy(
            common::repo("samples/bigretail/good-850.edi"),
            self.bigretail("inbound").join("good-850.edi"),
        )
        .unwrap();
    }

    /// `serve --drain`, which must succeed.
    fn serve(&self) {
        let (code, out, err) = self.run(&["serve", "--drain"]);
        assert_eq!(code, 0, "serve --drain:\n{out}\n{err}");
    }

    fn bigretail(&self, folder: &str) -> PathBuf {
        self.path().join("partners/bigretail").join(folder)
    }
}

/// Asserts that `value` has each field of `expected` (an object) as given.
fn has(value: &Value, expected: Value) {
    for (key, want) in expected.as_object().expect("an object") {
        assert_eq!(&value[key], want, "{key} in {value:#}");
    }
}

/// The one element of `list` (in `document`, shown when it is not one).
fn only<'a>(list: &'a Value, document: &Value) -> &'a Value {
    let all = list.as_array().expect("a list");
    assert_eq!(all.len(), 1, "{document}");
    &all[0]
}

/// The `messages --json` list as (id, direction, kind, status, origin).
fn listed(g: &Gateway) -> Vec<(i64, String, String, String, String)> {
    let (code, json) = g.json(&["messages"]);
    assert_eq!(code, 0, "{json}");
    json["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["id"].as_i64().unwrap(),
                m["direction"].as_str().unwrap().to_owned(),
                m["kind"].as_str().unwrap().to_owned(),
                m["status"].as_str().unwrap().to_owned(),
                m["origin"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

fn row(
    id: i64,
    direction: &str,
    kind: &str,
    status: &str,
    origin: &str,
) -> (i64, String, String, String, String) {
    (
        id,
        direction.into(),
        kind.into(),
        status.into(),
        origin.into(),
    )
}

/// The count of `status --json` for (partner, direction, ack_status), if listed.
fn count(status: &Value, partner: &str, direction: &str, ack_status: &str) -> Option<i64> {
    status["counts"].as_array().unwrap().iter().find_map(|c| {
        (c["partner"] == partner && c["direction"] == direction && c["ack_status"] == ack_status)
            .then(|| c["count"].as_i64().unwrap())
    })
}

/// BigRetail's order through the folder: the order accepted, our 997 for it delivered.
fn order_in(g: &Gateway) {
    // The first run makes the partners' folders.
    g.serve();
    assert!(g.bigretail("inbound").is_dir());
    g.drop_order();
    g.serve();
    assert_eq!(
        listed(g),
        vec![
            row(1, "in", "x12", "accepted", "good-850.edi"),
            row(2, "out", "ack", "delivered", "bigretail-997-000000001.x12"),
        ]
    );
}

/// An order in, our invoice out, a file from no known partner: every report about them.
fn gateway_commands(g: Gateway) {
    order_in(&g);
    let (code, out, _) = g.run(&["messages", "--direction", "in"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("id  time"), "{out}");
    assert!(
        lines[1].contains("  in   bigretail  folder   good-850.edi"),
        "{out}"
    );
    assert!(lines[1].contains("  accepted"), "{out}");
    let (_, delivered) = g.json(&[
        "messages",
        "--status",
        "delivered",
        "--partner",
        "bigretail",
    ]);
    assert_eq!(only(&delivered["messages"], &delivered)["id"], 2);
    let (_, none) = g.json(&["messages", "--since", "2999-01-01"]);
    assert_eq!(none["messages"], Value::Array(Vec::new()));

    // show: the 850 set, its purchase order, the 997 sent for it.
    let (code, shown) = g.json(&["show", "1"]);
    assert_eq!(code, 0, "{shown}");
    assert_eq!(shown["message"]["status"], "accepted");
    assert_eq!(shown["message"]["partner"], "bigretail");
    let interchange = &shown["interchanges"][0];
    has(
        interchange,
        json!({"control_number": "000000771", "sender": "ZZ:BIGRETAIL", "status": "accepted"}),
    );
    let group = &interchange["groups"][0];
    has(
        group,
        json!({
            "functional_id": "PO",
            "control_number": "771",
            "verdict": "A",
            "ack_status": "acknowledged",
            "ack_message_id": 2,
            "ack_delivered": true,
        }),
    );
    let set = &group["sets"][0];
    has(
        set,
        json!({"set_id": "850", "control_number": "0001", "status": "accepted"}),
    );
    let document = only(&shown["documents"], &shown);
    assert_eq!(set["document_id"], document["id"]);
    assert_eq!(document["kind"], "purchase_order");
    assert_eq!(document["number"], "4500012345");
    assert_eq!(document["body"]["number"], "4500012345");
    assert_eq!(document["body"]["date"], "2026-11-02");
    let sent = only(&shown["acknowledgements"]["of_message"], &shown);
    has(
        sent,
        json!({
            "kind": "997",
            "direction": "out",
            "code": "A",
            "message_id": 2,
            "group_control_number": "771",
        }),
    );
    assert_eq!(
        shown["acknowledgements"]["in_message"],
        Value::Array(Vec::new())
    );
    assert_eq!(shown["findings"], Value::Array(Vec::new()));
    assert_eq!(shown["jobs"].as_array().unwrap().len(), 1);
    assert_eq!(shown["jobs"][0]["kind"], "receive");
    assert_eq!(shown["jobs"][0]["state"], "done");
    let history: Vec<(&str, &str)> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["entity"].as_str().unwrap(), e["to"].as_str().unwrap()))
        .collect();
    assert_eq!(history, [("message", "received"), ("message", "accepted")]);
    let (code, text, _) = g.run(&["show", "1"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("message 1: x12 received from bigretail over folder"),
        "{text}"
    );
    assert!(
        text.contains(
            "    group PO 771  004010  1 set(s)  verdict A  997 acknowledged (message 2, delivered)"
        ),
        "{text}"
    );
    assert!(
        text.contains("      set 850 0001  accepted  purchase_order 4500012345 (document 1)"),
        "{text}"
    );
    // The 997 as delivered, byte for byte.
    let (code, raw, _) = g.run(&["show", "2", "--raw"]);
    assert_eq!(code, 0);
    let delivered =
        std::fs::read_to_string(g.bigretail("outbound").join("bigretail-997-000000001.x12"))
            .unwrap();
    assert_eq!(raw, delivered);
    assert!(raw.contains("AK1*PO*771~"), "{raw}");

    // status: the received group acknowledged, nothing waiting.
    let (code, status) = g.json(&["status"]);
    assert_eq!(code, 0, "{status}");
    assert_eq!(
        count(&status, "bigretail", "in", "acknowledged"),
        Some(1),
        "{status}"
    );
    assert_eq!(
        count(&status, "bigretail", "out", "not_expected"),
        Some(1),
        "{status}"
    );
    assert_eq!(status["counts"].as_array().unwrap().len(), 2, "{status}");
    assert_eq!(status["ours"], Value::Array(Vec::new()));
    assert_eq!(status["undelivered_997s"], Value::Array(Vec::new()));

    // Our invoice: sent, its 997 pending (due in 24 hours), not overdue.
    g.send_invoice(SENT);
    let (code, out, _) = g.run(&["status", "--overdue"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("no group of ours is overdue for its 997"),
        "{out}"
    );
    let (code, overdue) = g.json(&["status", "--overdue"]);
    assert_eq!(code, 0);
    assert_eq!(overdue["overdue"], Value::Array(Vec::new()));
    let (_, status) = g.json(&["status", "--partner", "bigretail"]);
    assert_eq!(
        count(&status, "bigretail", "out", "pending"),
        Some(1),
        "{status}"
    );
    let ours = only(&status["ours"], &status);
    has(
        ours,
        json!({
            "message_id": 3,
            "direction": "out",
            "functional_id": "IN",
            "group_control_number": "2",
            "interchange_control_number": "000000002",
            "set_count": 1,
            "ack_status": "pending",
            "late_seconds": null,
        }),
    );
    assert_eq!(ours["documents"][0]["kind"], "invoice");
    assert_eq!(ours["documents"][0]["number"], "INV-20261120-1002");
    let sent_at = chrono::DateTime::parse_from_rfc3339(ours["time"].as_str().unwrap()).unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(ours["due"].as_str().unwrap()).unwrap();
    // Due 24 hours after it was delivered, a moment after it was written.
    let after = due - sent_at - chrono::TimeDelta::hours(24);
    assert!(
        after >= chrono::TimeDelta::zero() && after < chrono::TimeDelta::minutes(1),
        "{after}"
    );
    let (_, other) = g.json(&["status", "--partner", "freshway"]);
    assert_eq!(other["counts"], Value::Array(Vec::new()));
    assert_eq!(other["ours"], Value::Array(Vec::new()));
    let (_, text, _) = g.run(&["status"]);
    assert!(text.contains("INV-20261120-1002"), "{text}");
    assert!(text.contains("pending, due in 23h"), "{text}");
    assert_eq!(
        listed(&g)[2],
        row(
            3,
            "out",
            "document",
            "delivered",
            "bigretail-810-000000002.x12"
        )
    );

    // An invoice the partner's rules refuse: no message, an exception.
    g.send_invoice(REFUSED);
    assert_eq!(listed(&g).len(), 3);
    let (code, exceptions) = g.json(&["exceptions"]);
    assert_eq!(code, 1, "{exceptions}");
    let refused = only(&exceptions["exceptions"], &exceptions);
    has(
        refused,
        json!({
            "kind": "send",
            "message_id": null,
            "document_id": 3,
            "document": {"kind": "invoice", "number": "INV-20261120-1001", "status": "refused"},
            "partner": "bigretail",
            "replay": null,
            "action": "correct the invoice and queue it again: `edigate send invoice --input \
                       DOC.json --partner bigretail`",
        }),
    );
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("BR-810-MATCH-PO"),
        "{exceptions}"
    );

    // A file addressed from us to BigRetail: no profile sends it, an exception.
    let out = g.ok(&["submit", "samples/bigretail/bad-810-total.edi"]);
    assert!(out.starts_with("message 4: "), "{out}");
    g.serve();
    assert_eq!(
        listed(&g)[3],
        row(4, "in", "x12", "failed", "bad-810-total.edi")
    );
    let (code, exceptions) = g.json(&["exceptions"]);
    assert_eq!(code, 1, "{exceptions}");
    let all = exceptions["exceptions"].as_array().unwrap();
    assert_eq!(all.len(), 2, "{exceptions}");
    assert_eq!(all[0], *refused);
    let exception = &all[1];
    has(
        exception,
        json!({
            "kind": "receive",
            "message_id": 4,
            "origin": "bad-810-total.edi",
            "partner": null,
            "attempts": 1,
            "replay": "edigate replay 4",
        }),
    );
    assert!(
        exception["error"]
            .as_str()
            .unwrap()
            .contains("no partner profile has these ISA ids"),
        "{exceptions}"
    );
    let (code, text, _) = g.run(&["exceptions"]);
    assert_eq!(code, 1);
    assert!(text.starts_with("2 exception(s)"), "{text}");
    assert!(
        text.contains("to do: correct what the error names"),
        "{text}"
    );
    assert!(text.contains("`edigate replay 4`"), "{text}");

    // replay: the failed message goes again; processed ones are refused.
    let (code, out, err) = g.run(&["replay", "4"]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_eq!(
        out,
        "message 4: queued to be processed again (`edigate serve` runs it)\n"
    );
    let (code, exceptions) = g.json(&["exceptions"]);
    assert_eq!(code, 1);
    assert_eq!(only(&exceptions["exceptions"], &exceptions)["kind"], "send");
    let (code, out, err) = g.run(&["replay", "1"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out, "");
    assert!(err.contains("message 1 was processed (accepted)"), "{err}");
    let (code, out, err) = g.run(&["replay", "1", "3", "99"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(out, "replayed 0, refused 3\n");
    assert!(err.contains("message 3 (ours) is delivered"), "{err}");
    assert!(err.contains("there is no message 99"), "{err}");
    let (code, replayed) = g.json(&["replay", "2"]);
    assert_eq!(code, 1);
    assert_eq!(replayed["summary"]["replayed"], 0);
    assert_eq!(replayed["refused"][0]["message_id"], 2);
    // Still from no known partner: an exception again, the first attempt superseded.
    g.serve();
    let (code, exceptions) = g.json(&["exceptions"]);
    assert_eq!(code, 1);
    assert_eq!(exceptions["exceptions"][1]["message_id"], 4);
    let (_, shown) = g.json(&["show", "4"]);
    let jobs: Vec<&str> = shown["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["state"].as_str().unwrap())
        .collect();
    assert_eq!(jobs, ["replayed", "failed"]);
    assert_eq!(shown["interchanges"], Value::Array(Vec::new()));
    let by: Vec<(&str, &str)> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["actor"].as_str().unwrap(), e["to"].as_str().unwrap()))
        .collect();
    assert!(by.contains(&("cli:replay", "received")), "{by:?}");
    assert_eq!(by.last(), Some(&("engine", "failed")), "{by:?}");
}

#[test]
fn gateway_commands_on_sqlite() {
    gateway_commands(Gateway::new(None));
}

#[test]
fn gateway_commands_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    gateway_commands(Gateway::configured(Some(pg.database("gateway_cli")), ""));
}

/// A received order is processed once, however many workers serve runs: on PostgreSQL two
/// workers of one process once took the same receive job (both saw it as their own claim,
/// the owner being the process), and BigRetail got two 997s for one group.
#[test]
fn two_workers_on_postgres_receive_once() {
    let Some(pg) = Postgres::start() else { return };
    let g = Gateway::configured(Some(pg.database("workers")), "[engine]\nworkers = 2\n");
    order_in(&g);
}

/// No channel to deliver anything on: our 997 for BigRetail's order waits undelivered (an
/// exception to replay), and our invoice waits too, not overdue: its clock starts on delivery.
#[test]
fn late_rejected_and_undelivered_acknowledgements() {
    let g = Gateway::with_bigretail(|profile| {
        profile
            .replace("expect_997_within_hours = 24", "expect_997_within_hours = 0")
            .replace(
                "[transport.folder]\ninbound = \"partners/bigretail/inbound\"\noutbound = \"partners/bigretail/outbound\"\n",
                "",
            )
    });
    g.ok(&[
        "submit",
        "samples/bigretail/good-850.edi",
        "--partner",
        "bigretail",
    ]);
    g.serve();
    assert_eq!(
        listed(&g),
        vec![
            row(1, "in", "x12", "accepted", "good-850.edi"),
            row(2, "out", "ack", "failed", "bigretail-997-000000001.x12"),
        ]
    );
    let (code, status) = g.json(&["status"]);
    assert_eq!(code, 0);
    let unsent = only(&status["undelivered_997s"], &status);
    has(
        unsent,
        json!({
            "message_id": 1,
            "direction": "in",
            "functional_id": "PO",
            "group_control_number": "771",
            "interchange_control_number": "000000771",
            "ack_message_id": 2,
            "ack_delivered": false,
        }),
    );
    assert_eq!(unsent["documents"][0]["kind"], "purchase_order");
    assert_eq!(unsent["documents"][0]["number"], "4500012345");
    let (_, text, _) = g.run(&["status"]);
    assert!(
        text.contains("message 2 failed: `edigate replay 2`"),
        "{text}"
    );
    let (code, exceptions) = g.json(&["exceptions"]);
    assert_eq!(code, 1);
    has(
        &exceptions["exceptions"][0],
        json!({
            "kind": "deliver",
            "message_id": 2,
            "partner": "bigretail",
            "replay": "edigate replay 2",
        }),
    );

    // Our invoice cannot be delivered either: it waits, and its 997 clock has not started.
    g.send_invoice(SENT);
    let (code, out, _) = g.run(&["status", "--overdue"]);
    assert_eq!(code, 0, "{out}");
    let (_, status) = g.json(&["status"]);
    let ours = only(&status["ours"], &status);
    has(
        ours,
        json!({"message_id": 3, "ack_status": "pending", "due": null}),
    );
}

/// BigRetail's 997 due as soon as our invoice is delivered: overdue when status looks,
/// then BigRetail's 997 rejects it, late.
#[test]
fn overdue_then_rejected() {
    let g = Gateway::with_bigretail(|profile| {
        profile.replace(
            "expect_997_within_hours = 24",
            "expect_997_within_hours = 0",
        )
    });
    // Our invoice: its 997 due at once, so overdue when status looks.
    g.send_invoice(SENT);
    let (code, out, _) = g.run(&["status", "--overdue"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("1 group(s) of ours overdue for their 997"),
        "{out}"
    );
    assert!(out.contains("INV-20261120-1002"), "{out}");
    assert!(out.contains("overdue, "), "{out}");
    let (code, overdue) = g.json(&["status", "--overdue", "--since", "2020-01-01T00:00:00Z"]);
    assert_eq!(code, 1);
    let late = only(&overdue["overdue"], &overdue);
    assert_eq!(late["message_id"], 1);
    assert_eq!(late["ack_status"], "overdue");
    assert!(late["late_seconds"].as_i64().unwrap() >= 0, "{overdue}");
    assert_eq!(late["documents"][0]["number"], "INV-20261120-1002");
    let (code, overdue) = g.json(&["status", "--overdue", "--since", "2999-01-01"]);
    assert_eq!((code, overdue["overdue"].as_array().unwrap().len()), (0, 0));

    // BigRetail's 997 rejects the invoice (after it was due).
    let (_, ours) = g.json(&["status"]);
    let gs06 = ours["ours"][0]["group_control_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let ack = format!(
        "ISA*00*          *00*          *ZZ*BIGRETAIL      *ZZ*ACMESUPPLY     *261126*1000*U*00401*900000001*0*P*>~\
         GS*FA*BIGRETAIL*ACMESUPPLY*20261126*1000*900000001*X*004010~ST*997*0001~AK1*IN*{gs06}~\
         AK2*810*0001~AK5*R*5~AK9*R*1*1*0~SE*6*0001~GE*1*900000001~IEA*1*900000001~\n"
    );
    let file = g.path().join("997-reject.edi");
    std::fs::write(&file, ack).unwrap();
    g.ok(&["submit", file.to_str().unwrap(), "--partner", "bigretail"]);
    g.serve();
    let (code, out, _) = g.run(&["status", "--overdue"]);
    assert_eq!(code, 0, "{out}");
    let (_, status) = g.json(&["status"]);
    assert_eq!(
        count(&status, "bigretail", "out", "rejected"),
        Some(1),
        "{status}"
    );
    let ours = only(&status["ours"], &status);
    has(
        ours,
        json!({"ack_status": "rejected", "ack_message_id": 2, "late_seconds": null}),
    );
    let (_, text, _) = g.run(&["status"]);
    assert!(
        text.contains("rejected (their 997: `edigate show 2`)"),
        "{text}"
    );
    // Our message: the 997 received for it, the group's history from pending to rejected.
    let (_, shown) = g.json(&["show", "1"]);
    let received = &shown["acknowledgements"]["of_message"];
    has(
        &received[0],
        json!({"direction": "in", "code": "R", "message_id": 2}),
    );
    assert_eq!(
        shown["interchanges"][0]["groups"][0]["sets"][0]["status"],
        "rejected"
    );
    // Marked overdue by `status`, or by `serve` when its overdue check came first.
    let group: Vec<(&str, &str, &str)> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity"] == "group")
        .map(|e| {
            (
                e["actor"].as_str().unwrap(),
                e["to"].as_str().unwrap(),
                e["note"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(group.len(), 3, "{group:?}");
    assert_eq!(group[0], ("engine:send", "pending", ""));
    assert!(
        matches!(group[1], ("cli:status" | "engine:tracking", "overdue", note) if note.starts_with("997 was due")),
        "{group:?}"
    );
    assert_eq!(
        group[2],
        ("engine:receive", "rejected", "arrived after it was due")
    );
    // The partner's 997 message carries it.
    let (_, theirs) = g.json(&["show", "2"]);
    assert_eq!(theirs["acknowledgements"]["in_message"][0]["code"], "R");
    assert_eq!(
        theirs["acknowledgements"]["in_message"][0]["group_control_number"],
        gs06.as_str()
    );
}

/// What cannot run exits 2, with the reason.
#[test]
fn what_cannot_run_exits_2() {
    let g = Gateway::new(None);
    let (code, out, err) = g.run(&["show", "7"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("there is no message 7"), "{err}");
    let (code, _, err) = g.run(&["show", "7", "--raw"]);
    assert_eq!(code, 2);
    assert!(err.contains("there is no message 7"), "{err}");
    let (code, _, err) = g.run(&["messages", "--since", "last tuesday"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("neither a day (2026-11-26) nor an RFC 3339 time"),
        "{err}"
    );
    let (code, _, _) = g.run(&["messages", "--direction", "sideways"]);
    assert_eq!(code, 2);
    let (code, _, _) = g.run(&["messages", "--limit", "0"]);
    assert_eq!(code, 2);
    let (code, _, err) = g.run(&["replay"]);
    assert_eq!(code, 2, "{err}");
    // An empty store: nothing to report, nothing wrong.
    let (code, out, _) = g.run(&["status"]);
    assert_eq!(code, 0);
    assert!(out.contains("no groups"), "{out}");
    let (code, out, _) = g.run(&["exceptions"]);
    assert_eq!((code, out.as_str()), (0, "no exceptions\n"));
    let (code, out, _) = g.run(&["messages"]);
    assert_eq!((code, out.as_str()), (0, "no messages\n"));
    // A configuration that does not read.
    std::fs::write(g.path().join("edigate.toml"), "[folders]\nsettle = 0\n").unwrap();
    let (code, _, err) = g.run(&["status"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown field `settle`"), "{err}");
}
