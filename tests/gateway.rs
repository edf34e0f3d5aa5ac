//! The gateway's whole path, on SQLite and on a throwaway PostgreSQL: files dropped in a
//! partner's folder come out as stored messages, orders and 997s in the partner's outbound
//! folder; our documents get control numbers and their 997s are tracked until they arrive
//! or are overdue; duplicates are recorded and processed once.

mod common;

use chrono::TimeDelta;
use common::gateway::{Gateway, files};
use common::pg::Postgres;
use edigate::map::outbound::DocumentKind;
use edigate::store::{MessageFilter, StatusFilter};

fn sample(path: &str) -> Vec<u8> {
    std::fs::read(common::repo(path)).expect("sample")
}

/// A received order: stored, validated, acknowledged (997 in the outbound folder, once),
/// in the order book; the group's state says its 997 was sent and delivered.
fn order_in(g: &mut Gateway) {
    g.drop_file(
        "bigretail",
        "po-1.edi",
        &sample("samples/bigretail/good-850.edi"),
    );
    let done = g.run();
    assert_eq!(done.received, 1, "{done:?}");
    assert_eq!(done.delivered, 1, "{done:?}");
    let folders = g.folders("bigretail");
    assert!(files(&folders.inbound).is_empty());
    let archived = files(&folders.archive);
    assert_eq!(archived.len(), 1, "{archived:?}");
    assert!(archived[0].ends_with("-po-1.edi"), "{archived:?}");
    let out = files(&folders.outbound);
    assert_eq!(out.len(), 1, "{out:?}");
    let reply = std::fs::read_to_string(folders.outbound.join(&out[0])).unwrap();
    assert!(reply.contains("ST*997*"), "{reply}");
    assert!(reply.contains("AK9*A*1*1*1~"), "{reply}");
    let store = &g.engine.store;
    let messages = store
        .read(|tx| tx.messages(&MessageFilter::default()))
        .unwrap();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[0].direction, "in");
    assert_eq!(messages[0].status, "accepted");
    assert_eq!(messages[1].direction, "out");
    assert_eq!(messages[1].status, "delivered");
    let orders = store.read(|tx| tx.order_count()).unwrap();
    assert_eq!(orders, 1);
    let groups = store
        .read(|tx| tx.group_status(&StatusFilter::default()))
        .unwrap();
    let inbound: Vec<_> = groups.iter().filter(|r| r.direction == "in").collect();
    assert_eq!(inbound.len(), 1, "{groups:?}");
    assert_eq!(inbound[0].ack_status, "acknowledged");
    assert_eq!(inbound[0].verdict.as_deref(), Some("A"));
    assert_eq!(inbound[0].ack_delivered, Some(true));
}

/// An invoice of ours: numbered, written to the outbound folder, pending until the
/// partner's 997 is dropped in, then accepted.
fn invoice_out(g: &mut Gateway) {
    let json = std::fs::read_to_string(common::repo("samples/documents/invoice-2-10-net-30.json"))
        .unwrap();
    let id = g
        .engine
        .queue_document("bigretail", DocumentKind::Invoice, &json, "test")
        .expect("queued");
    let done = g.run();
    assert_eq!(done.sent, 1, "{done:?}");
    let document = g.engine.store.read(|tx| tx.document(id)).unwrap();
    assert_eq!(document.status, "sent", "{:?}", document.note);
    let message = document.message_id.expect("the message it went out in");
    let pending = g
        .engine
        .store
        .read(|tx| {
            tx.group_status(&StatusFilter {
                states: vec!["pending".into()],
                ..StatusFilter::default()
            })
        })
        .unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].message_id, message);
    assert_eq!(pending[0].functional_id, "IN");
    let gs06 = pending[0].group_control_number.clone();
    let isa13 = pending[0].interchange_control_number.clone();
    // The partner's 997 for it, from their side.
    let ack = format!(
        "ISA*00*          *00*          *ZZ*BIGRETAIL      *ZZ*ACMESUPPLY     *261126*1000*U*00401*{:09}*0*P*>~\
         GS*FA*BIGRETAIL*ACMESUPPLY*20261126*1000*{}*X*004010~ST*997*0001~AK1*IN*{gs06}~\
         AK2*810*0001~AK5*A~AK9*A*1*1*1~SE*6*0001~GE*1*{}~IEA*1*{:09}~\n",
        900_000_001, 900_000_001, 900_000_001, 900_000_001
    );
    let _ = isa13;
    g.drop_file("bigretail", "997-1.edi", ack.as_bytes());
    let done = g.run();
    assert_eq!(done.received, 1, "{done:?}");
    let row = g
        .engine
        .store
        .read(|tx| tx.group(pending[0].group_id))
        .unwrap();
    assert_eq!(row.ack_status, "accepted");
}

fn overdue(g: &mut Gateway) {
    let json = std::fs::read_to_string(common::repo("samples/documents/invoice-credit-memo.json"))
        .unwrap();
    g.engine
        .queue_document("bigretail", DocumentKind::Invoice, &json, "test")
        .expect("queued");
    g.run();
    assert_eq!(g.engine.mark_overdue().unwrap(), 0, "not yet due");
    g.clock.advance(TimeDelta::hours(25));
    assert_eq!(
        g.engine.mark_overdue().unwrap(),
        1,
        "BigRetail's 997 is due within 24 hours"
    );
    let overdue = g
        .engine
        .store
        .read(|tx| {
            tx.group_status(&StatusFilter {
                states: vec!["overdue".into()],
                ..StatusFilter::default()
            })
        })
        .unwrap();
    assert_eq!(overdue.len(), 1);
}

fn whole_path(url: Option<&str>) {
    let mut g = Gateway::new(url);
    order_in(&mut g);
    invoice_out(&mut g);
    overdue(&mut g);
}

#[test]
fn whole_path_on_sqlite() {
    whole_path(None);
}

#[test]
fn whole_path_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    whole_path(Some(&pg.database("whole_path")));
}
