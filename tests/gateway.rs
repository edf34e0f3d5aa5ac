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
    let json = std::fs::read_to_string(common::repo(
        "samples/documents/invoice-freight-tax-net-30-eom.json",
    ))
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
    let _ = isa13;
    let ack = their_997(900_000_001, &gs06, "A");
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

/// BigRetail's 997 for our group `gs06` (an 810), under their ISA13 `isa13`.
fn their_997(isa13: u32, gs06: &str, code: &str) -> String {
    format!(
        "ISA*00*          *00*          *ZZ*BIGRETAIL      *ZZ*ACMESUPPLY     *261126*1000*U*00401*{isa13:09}*0*P*>~\
         GS*FA*BIGRETAIL*ACMESUPPLY*20261126*1000*{isa13}*X*004010~ST*997*0001~AK1*IN*{gs06}~\
         AK2*810*0001~AK5*{code}~AK9*{code}*1*1*{}~SE*6*0001~GE*1*{isa13}~IEA*1*{isa13:09}~\n",
        if code == "R" { 0 } else { 1 }
    )
}

fn overdue(g: &mut Gateway) {
    let json = std::fs::read_to_string(common::repo(
        "samples/documents/invoice-freight-tax-net-30-eom.json",
    ))
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
    // Their 997 comes after all, and rejects the invoice.
    let ack = their_997(900_000_002, &overdue[0].group_control_number, "R");
    g.drop_file("bigretail", "997-2.edi", ack.as_bytes());
    g.run();
    let group = overdue[0].group_id;
    let row = g.engine.store.read(|tx| tx.group(group)).unwrap();
    assert_eq!(row.ack_status, "rejected");
    let history = g
        .engine
        .store
        .read(|tx| tx.history("group", group))
        .unwrap();
    let states: Vec<&str> = history.iter().map(|h| h.to_state.as_str()).collect();
    assert_eq!(states, ["pending", "overdue", "rejected"]);
    assert_eq!(history[2].note.as_deref(), Some("arrived after it was due"));
}

/// The same file twice, and the same ISA13 with other content: each recorded as a
/// duplicate, answered with TA1 025 (BigRetail's TA1 policy is on-error), processed once.
fn duplicates(g: &mut Gateway) {
    let order = sample("samples/bigretail/good-850.edi");
    let orders_before = g.engine.store.read(|tx| tx.order_count()).unwrap();
    g.drop_file("bigretail", "again.edi", &order);
    let other = String::from_utf8(order.clone())
        .unwrap()
        .replace("4500012345", "4500099999")
        .into_bytes();
    g.drop_file("bigretail", "same-isa13.edi", &other);
    let done = g.run();
    assert_eq!(done.received, 2, "{done:?}");
    let store = &g.engine.store;
    let orders = store.read(|tx| tx.order_count()).unwrap();
    assert_eq!(orders, orders_before, "neither copy reaches the order book");
    let messages = store
        .read(|tx| tx.messages(&MessageFilter::default()))
        .unwrap();
    let copy = messages
        .iter()
        .find(|m| m.origin.as_deref() == Some("again.edi"))
        .unwrap();
    assert_eq!(copy.status, "duplicate");
    assert_eq!(
        copy.duplicate_of,
        Some(messages[0].id),
        "the first order's message"
    );
    let same_number = messages
        .iter()
        .find(|m| m.origin.as_deref() == Some("same-isa13.edi"))
        .unwrap();
    assert_eq!(same_number.status, "duplicate");
    assert_eq!(
        same_number.duplicate_of, None,
        "other content: not a copy of a file"
    );
    let interchanges = store
        .read(|tx| tx.interchanges_of_message(same_number.id))
        .unwrap();
    assert_eq!(interchanges[0].status, "duplicate");
    assert!(interchanges[0].duplicate_of.is_some());
    // Each answered with a TA1 025 and no 997.
    for message in [copy, same_number] {
        let acks = store.read(|tx| tx.acks_of_message(message.id)).unwrap();
        assert_eq!(acks.len(), 1, "{acks:?}");
        assert_eq!(acks[0].kind, "TA1");
        assert_eq!(acks[0].code, "R 025");
        let reply = store.read(|tx| tx.message(acks[0].message_id)).unwrap();
        let text = String::from_utf8(reply.body).unwrap();
        assert!(text.contains("TA1*000000771*"), "{text}");
        assert!(text.contains("*R*025~"), "{text}");
        assert!(!text.contains("ST*997"), "{text}");
    }
}

/// The canonical document of the one set in a sample file. The mismatched samples were
/// made by editing quantities, leaving their CTT hash total as it was; the translation
/// keeps such a CTT aside, and it is dropped here so that what is tested is the partner's
/// rule, not the stale total.
fn document_of(path: &str) -> String {
    let bytes = sample(path);
    let mut reader = edigate::x12::TransactionSetReader::new(bytes.as_slice());
    let set = reader.next_set().unwrap().expect("a set");
    let mut document = match set.header.id.as_str() {
        "856" => serde_json::to_value(edigate::map::ts856::ship_notice(&set).document).unwrap(),
        "810" => serde_json::to_value(edigate::map::ts810::invoice(&set).document).unwrap(),
        other => panic!("no document for {other}"),
    };
    if let Some(unmapped) = document
        .get_mut("source")
        .and_then(|s| s.get_mut("unmapped"))
        .and_then(|u| u.as_array_mut())
    {
        unmapped.retain(|s| s["id"] != "CTT");
    }
    document.to_string()
}

/// Our notices and invoices held to the order the gateway booked and to the notices it
/// sent (BigRetail's three-way match): a notice shipping more than ordered and an invoice
/// billing more than shipped are refused, with the rule named; the ones that agree go.
fn three_way_match(g: &mut Gateway) {
    let queue = |g: &mut Gateway, kind, path: &str| {
        let id = g
            .engine
            .queue_document("bigretail", kind, &document_of(path), "test")
            .expect("queued");
        g.run();
        g.engine.store.read(|tx| tx.document(id)).unwrap()
    };
    let over = queue(
        g,
        DocumentKind::ShipNotice,
        "samples/bigretail/match/asn-over-shipped.edi",
    );
    assert_eq!(over.status, "refused");
    let note = over.note.unwrap_or_default();
    assert!(note.contains("BR-856-MATCH"), "{note}");
    let good = queue(
        g,
        DocumentKind::ShipNotice,
        "samples/bigretail/good-856-pallets.edi",
    );
    assert_eq!(good.status, "sent", "{:?}", good.note);
    assert_eq!(good.order_number.as_deref(), Some("4500012345"));
    let wrong = queue(
        g,
        DocumentKind::Invoice,
        "samples/bigretail/match/invoice-not-as-shipped.edi",
    );
    assert_eq!(wrong.status, "refused");
    let note = wrong.note.unwrap_or_default();
    assert!(note.contains("BR-810-MATCH-ASN"), "{note}");
    let right = queue(g, DocumentKind::Invoice, "samples/bigretail/good-810.edi");
    assert_eq!(right.status, "sent", "{:?}", right.note);
    // The refusals are exceptions, with their reasons.
    let failed = g.engine.store.read(|tx| tx.failed_jobs()).unwrap();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(failed[0].document_id, Some(over.id));
    assert_eq!(failed[1].document_id, Some(wrong.id));
}

fn whole_path(url: Option<&str>) {
    let mut g = Gateway::new(url);
    order_in(&mut g);
    invoice_out(&mut g);
    overdue(&mut g);
    three_way_match(&mut g);
    duplicates(&mut g);
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

/// Several workers (threads here, processes in production) on one store: every message
/// processed once, and the control numbers they allocate never collide.
fn concurrent_workers(url: Option<&str>) {
    let g = Gateway::new(url);
    let sample = String::from_utf8(sample("samples/bigretail/good-850.edi")).unwrap();
    let arrivals: Vec<edigate::engine::Arrival> = (0..120)
        .map(|n| edigate::engine::Arrival {
            partner: Some("bigretail".into()),
            channel: "submit".into(),
            origin: Some(format!("po-{n}.edi")),
            bytes: sample
                .replace("000000771", &format!("{:09}", 5000 + n))
                .replace("4500012345", &format!("45{n:08}"))
                .into_bytes(),
        })
        .collect();
    g.engine.accept(&arrivals).unwrap();
    for _ in 0..3 {
        g.engine
            .queue_document(
                "bigretail",
                DocumentKind::Invoice,
                &std::fs::read_to_string(common::repo(
                    "samples/documents/invoice-2-10-net-30.json",
                ))
                .unwrap(),
                "test",
            )
            .unwrap();
    }
    std::thread::scope(|s| {
        for worker in 0..4 {
            let mut engine = g.engine.clone();
            engine.owner = format!("worker-{worker}");
            engine.config.batch = 5;
            // Read and committed a message or two at a time.
            engine.config.batch_bytes = if worker % 2 == 0 { 1 } else { 2000 };
            let channel = &g.channel;
            s.spawn(move || engine.work_until_idle(channel).expect("work"));
        }
    });
    let messages = g
        .engine
        .store
        .read(|tx| tx.messages(&MessageFilter::default()))
        .unwrap();
    let received: Vec<_> = messages.iter().filter(|m| m.direction == "in").collect();
    assert_eq!(received.len(), 120);
    assert!(
        received.iter().all(|m| m.status == "accepted"),
        "{received:?}"
    );
    let sent: Vec<_> = messages.iter().filter(|m| m.direction == "out").collect();
    assert_eq!(sent.len(), 123, "120 997s and 3 invoices");
    assert!(sent.iter().all(|m| m.status == "delivered"), "{sent:?}");
    let mut isa13s = std::collections::BTreeSet::new();
    for m in &sent {
        let body = g.engine.store.read(|tx| tx.message(m.id)).unwrap().body;
        let text = String::from_utf8(body).unwrap();
        let isa13 = text.split('*').nth(13).unwrap().to_owned();
        assert!(isa13s.insert(isa13.clone()), "ISA13 {isa13} used twice");
    }
    let counters = g.engine.store.read(|tx| tx.counters("bigretail")).unwrap();
    assert_eq!(
        counters,
        [("gs06".to_owned(), 123), ("isa13".to_owned(), 123)]
    );
}

#[test]
fn concurrent_workers_on_sqlite() {
    concurrent_workers(None);
}

#[test]
fn concurrent_workers_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    concurrent_workers(Some(&pg.database("concurrent")));
}

/// A file larger than the channel takes is moved aside, not lost, and is an exception that
/// says where it is; the files beside it are taken as usual.
#[test]
fn a_file_too_large_is_moved_aside_and_said() {
    let mut g = Gateway::new(None);
    g.channel.max_file_bytes = 1000;
    let order = sample("samples/bigretail/good-850.edi");
    assert!(order.len() < 1000);
    let mut large = order.clone();
    large.extend(std::iter::repeat_n(b'\n', 2000));
    g.drop_file("bigretail", "small.edi", &order);
    g.drop_file("bigretail", "large.edi", &large);
    let done = g.run();
    assert_eq!(done.received, 1, "{done:?}");
    let folders = g.folders("bigretail");
    assert!(files(&folders.inbound).is_empty());
    let refused = folders.inbound.parent().unwrap().join("refused");
    assert_eq!(files(&refused), ["large.edi"]);
    assert_eq!(std::fs::read(refused.join("large.edi")).unwrap(), large);
    let failed = g.engine.store.read(|tx| tx.failed_jobs()).unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    let reason = failed[0].last_error.clone().unwrap();
    assert!(
        reason.contains("large.edi is 2861 bytes, more than the 1000 bytes"),
        "{reason}"
    );
    assert!(reason.contains("refused/large.edi"), "{reason}");
    let id = failed[0].message_id.unwrap();
    let refusal = g.engine.replay(id, "test").unwrap_err().to_string();
    assert!(refusal.contains("put the file back"), "{refusal}");
}

/// A batch is committed together, but a message that fails is undone alone: the messages
/// around it are committed and answered, it becomes an exception with nothing of it kept
/// but the message; a partner whose folder cannot be written holds back only its own 997,
/// which goes out once the folder can be written.
#[test]
fn one_bad_message_does_not_hold_back_its_batch() {
    let mut g = Gateway::new(None);
    let order = String::from_utf8(sample("samples/bigretail/good-850.edi")).unwrap();
    let numbered = |n: u32| {
        order
            .replace("000000771", &format!("{:09}", 800 + n))
            .replace("4500012345", &format!("45000{n:05}"))
    };
    for n in [1, 2, 4, 5] {
        g.drop_file("bigretail", &format!("po-{n}.edi"), numbered(n).as_bytes());
    }
    // From nobody we trade with, among them.
    let stranger = numbered(3).replace("*ZZ*BIGRETAIL      *", "*ZZ*NOBODY         *");
    g.drop_file("bigretail", "po-3.edi", stranger.as_bytes());
    // Freshway's outbound folder is in the way: a file where the folder should be.
    let fresh_out = g.folders("freshway").outbound;
    std::fs::remove_dir_all(&fresh_out).ok();
    std::fs::write(&fresh_out, b"in the way").unwrap();
    g.drop_file(
        "freshway",
        "fw-1.edi",
        &sample("samples/freshway/good-850.edi"),
    );

    let done = g.run();
    assert_eq!(done.received, 5, "{done:?}");
    assert_eq!(done.delivered, 4, "bigretail's four 997s: {done:?}");
    assert_eq!(done.failed, 1, "the stranger: {done:?}");
    assert_eq!(done.retried, 1, "freshway's 997: {done:?}");
    let bigretail_out = files(&g.folders("bigretail").outbound);
    assert_eq!(bigretail_out.len(), 4, "{bigretail_out:?}");

    let store = g.engine.store.clone();
    let failed = store.read(|tx| tx.failed_jobs()).unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    let reason = failed[0].last_error.clone().unwrap();
    assert!(reason.contains("NOBODY"), "{reason}");
    let stranger_id = failed[0].message_id.unwrap();
    let stranger_message = store.read(|tx| tx.message(stranger_id)).unwrap();
    assert_eq!(stranger_message.status, "failed");
    assert_eq!(stranger_message.origin.as_deref(), Some("po-3.edi"));
    // Nothing of the stranger's analysis was kept: its writes were undone with it.
    let interchanges = store
        .read(|tx| tx.interchanges_of_message(stranger_id))
        .unwrap();
    assert!(interchanges.is_empty(), "{interchanges:?}");
    assert_eq!(store.read(|tx| tx.order_count()).unwrap(), 5);

    // The folder mended and the backoff over, freshway's 997 goes out.
    std::fs::remove_file(&fresh_out).unwrap();
    std::fs::create_dir(&fresh_out).unwrap();
    g.clock.advance(TimeDelta::seconds(5));
    let done = g.run();
    assert_eq!(done.delivered, 1, "{done:?}");
    assert_eq!(files(&fresh_out).len(), 1);
    let messages = store
        .read(|tx| tx.messages(&MessageFilter::default()))
        .unwrap();
    let out: Vec<_> = messages.iter().filter(|m| m.direction == "out").collect();
    assert_eq!(out.len(), 5, "{out:?}");
    assert!(out.iter().all(|m| m.status == "delivered"), "{out:?}");
}

/// A receive job that names no message (a store edited by hand) is an exception of its
/// own; the messages claimed with it are received.
#[test]
fn a_receive_job_without_its_message_fails_alone() {
    let mut g = Gateway::new(None);
    let now = g.engine.clock.now();
    let orphan = g
        .engine
        .store
        .write(|tx| tx.enqueue(edigate::store::JobKind::Receive, None, None, now))
        .unwrap();
    g.drop_file(
        "bigretail",
        "po-1.edi",
        &sample("samples/bigretail/good-850.edi"),
    );
    let done = g.run();
    assert_eq!((done.received, done.failed), (1, 1), "{done:?}");
    let failed = g.engine.store.read(|tx| tx.failed_jobs()).unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].id, orphan);
    let reason = failed[0].last_error.clone().unwrap();
    assert!(reason.contains("names no message"), "{reason}");
}
