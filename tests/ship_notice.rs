//! The 856 both ways (`map::ts856`, `map::ts856_out`, `edigate translate`, `edigate emit
//! asn`): the sample 856s (`samples/ship_notice`, the 856s of `samples/validate` and of the
//! public corpus) translated and pinned as insta snapshots, the sample ship notices
//! (`samples/documents/asn-*.json`) emitted and pinned in both versions; random notices of
//! every structure come back from their 856s as they were (but for what the 856 cannot
//! carry, listed at `carried_by_the_856`); every sample 856 comes back from its translation
//! with every segment and element; a wrong SSCC is refused naming its carton; the exit
//! statuses; and the Bots engine accepts every 004010 856 emitted here.

mod common;

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveTime};
use common::{edigate, relative};
use edigate::document::common::{
    Carrier, IdScheme, Party, PartyId, PartyRole, ProductId, ProductIdKind, Purpose, Quantity,
    Reference, ReferenceKind, TransportMode, UnitOfMeasure,
};
use edigate::document::gs1::Sscc;
use edigate::document::ship_notice::{
    EquipmentKind, ItemStatus, Pack, PackingStructure, ShipNotice, ShippedItem, ShippedOrder, Tare,
};
use edigate::map::emit::{EmitEnvelope, EmitError};
use edigate::map::translate::Translated;
use edigate::map::ts856_out::emit_ship_notice;
use proptest::prelude::*;
use rust_decimal::Decimal;

const VERSIONS: [&str; 2] = ["004010", "005010"];

/// The envelope flags every `emit asn` here uses, so the output does not depend on the clock.
const ENVELOPE: &[&str] = &[
    "--sender",
    "ZZ:ACMESUPPLY",
    "--receiver",
    "ZZ:BIGRETAIL",
    "--control",
    "1001",
    "--date",
    "20261120",
    "--time",
    "0930",
];

fn envelope(version: &str) -> EmitEnvelope {
    common::envelope("ACMESUPPLY", "BIGRETAIL", version)
}

/// Our own sample 856s, written as edigate writes them.
fn own_856s() -> Vec<PathBuf> {
    let files = common::files("samples/ship_notice");
    assert!(files.len() >= 4, "the samples look truncated: {files:?}");
    files
}

/// The good 856s of the validation corpus.
fn validate_856s() -> Vec<PathBuf> {
    common::files("samples/validate")
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("ok-856-")
        })
        .collect()
}

/// The public files with an 856 in them, read in place; none when the corpus is missing.
const PUBLIC_856S: &[&str] = &[
    "Silvenga__vscode-edi-x12-support/old.edi",
    "aaronhuggins__node-x12/856.edi",
    "kputnam__stupidedi/004010_SH856_fail/2.edi",
];

fn public_856s() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples-public");
    if !dir.is_dir() {
        common::skip(&format!("{} is missing", dir.display()));
        return Vec::new();
    }
    PUBLIC_856S.iter().map(|f| dir.join(f)).collect()
}

fn sample_notices() -> Vec<PathBuf> {
    common::sample_documents("asn-", 2)
}

fn emit_cli(input: &str, version: &str) -> (i32, String, String) {
    let mut args = vec!["emit", "asn", "--input", input, "--version", version];
    args.extend_from_slice(ENVELOPE);
    edigate(&args)
}

/// The one set of an interchange, translated.
fn translate_856(x12: &[u8]) -> Translated<ShipNotice> {
    let mut reader = edigate::x12::TransactionSetReader::new(x12);
    let set = reader.next_set().unwrap().expect("an 856");
    assert_eq!(set.header.id, "856");
    edigate::map::ts856::ship_notice(&set)
}

fn stem(path: &std::path::Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

// Translation --------------------------------------------------------------------------------

/// The snapshot of `edigate translate FILE`: exit status, each JSON line pretty-printed,
/// standard error with the absolute path of a public file cut to its corpus name.
fn translate_snapshot(path: &std::path::Path, name: &str) -> (i32, String) {
    let file = path.display().to_string();
    let (status, stdout, stderr) = edigate(&["translate", &file]);
    let mut text = format!("exit: {status}\n--- stdout\n");
    for line in stdout.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(value["type"], "ship_notice", "{file}: {line}");
        text.push_str(&serde_json::to_string_pretty(&value).unwrap());
        text.push('\n');
    }
    text.push_str("--- stderr\n");
    text.push_str(&stderr.replace(&file, name));
    (status, text)
}

#[test]
fn sample_856s_translate_as_pinned_without_findings() {
    for path in own_856s().iter().chain(&validate_856s()) {
        let name = relative(path);
        let (status, text) = translate_snapshot(path, &name);
        assert_eq!(status, 0, "{name}: {text}");
        assert!(!text.contains("\"findings\""), "{name}: {text}");
        insta::assert_snapshot!(format!("translate__{}", stem(path)), text);
    }
}

#[test]
fn public_856s_translate_as_pinned() {
    for (path, name) in public_856s().iter().zip(PUBLIC_856S) {
        let (status, text) = translate_snapshot(path, name);
        assert!(matches!(status, 0 | 1), "{name}: {text}");
        let snapshot = name.replace(['/', '.'], "_");
        insta::assert_snapshot!(format!("public__{snapshot}"), text);
    }
}

#[test]
fn the_pharmacy_856s_short_mark_is_a_finding_with_its_place() {
    let Some(path) = public_856s().into_iter().next() else {
        return;
    };
    let (status, _, stderr) = edigate(&["translate", &path.display().to_string()]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains(
            "segment 27 MAN: MAN02 '0354023220190916' is not a valid SSCC-18 (an SSCC has 18 \
             (20 with the application identifier 00) digits, not 16)"
        ),
        "{stderr}"
    );
}

// Emission -----------------------------------------------------------------------------------

#[test]
fn sample_notices_emit_as_pinned() {
    for path in sample_notices() {
        let file = relative(&path);
        for version in VERSIONS {
            let (status, stdout, stderr) = emit_cli(&file, version);
            assert_eq!(status, 0, "{file} {version}: {stderr}");
            assert!(stdout.contains("\nST*856*0001~"), "{stdout}");
            let text = format!("exit: {status}\n--- stdout\n{stdout}--- stderr\n{stderr}");
            insta::assert_snapshot!(format!("emit__{}__{version}", stem(&path)), text);
        }
    }
}

/// A sample notice with `change` applied, in a temporary file.
fn changed_sample(
    dir: &tempfile::TempDir,
    sample: &str,
    change: impl FnOnce(&mut serde_json::Value),
) -> String {
    common::changed_sample(dir.path(), sample, change)
}

#[test]
fn a_wrong_sscc_is_refused_naming_its_carton_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = changed_sample(&dir, "samples/documents/asn-pick-and-pack.json", |json| {
        // The loose carton's SSCC with its last digit off by one.
        json["orders"][0]["packs"][0]["sscc"] = "006141410000020042".into();
        json["orders"][0]["tares"][0]["packs"][1]["sscc"] = "00614141000002003".into();
    });
    let (status, stdout, stderr) = emit_cli(&input, "004010");
    assert_eq!(status, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains(
            "order 1 carton 1: its SSCC 006141410000020042 is not a valid SSCC-18: check digit 2 \
             should be 1"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("order 1 pallet 1 carton 2: its SSCC 00614141000002003 is not a valid"),
        "{stderr}"
    );
    assert!(stderr.contains("refused: 2 problem(s)"), "{stderr}");
}

#[test]
fn a_structure_the_nesting_contradicts_is_refused() {
    let notice: ShipNotice = serde_json::from_str(
        &std::fs::read_to_string(common::repo("samples/documents/asn-standard-pack.json")).unwrap(),
    )
    .unwrap();
    let notice = ShipNotice {
        structure: PackingStructure::ShipmentOrderPackItem,
        ..notice
    };
    let mut out = Vec::new();
    let err = emit_ship_notice(&notice, &envelope("004010"), &mut out).unwrap_err();
    assert!(out.is_empty());
    let fields: Vec<&str> = err.refusals().iter().map(|r| r.field.as_str()).collect();
    assert_eq!(
        fields,
        ["order 1 item 1", "order 1 item 2", "order 1 item 3"]
    );
    assert!(err.to_string().contains("in pick and pack"), "{err}");
}

#[test]
fn exit_statuses() {
    let sample = "samples/documents/asn-standard-pack.json";
    let (status, _, stderr) = emit_cli(sample, "005010");
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains("ship notice SH-000482 → 856 (005010), 1 order(s), 15 level(s)"),
        "{stderr}"
    );
    let dir = tempfile::tempdir().unwrap();
    let refused = changed_sample(&dir, sample, |json| {
        json["orders"][0]["purchase_order"] = "".into();
    });
    let (status, stdout, stderr) = emit_cli(&refused, "004010");
    assert_eq!((status, stdout.as_str()), (1, ""), "{stderr}");
    assert!(
        stderr.contains("order 1: has no purchase order number: PRF01 needs one"),
        "{stderr}"
    );
    let invoice = "samples/documents/invoice-credit-memo.json";
    for (args, reason) in [
        (vec!["emit", "asn"], "--input"),
        (
            vec!["emit", "asn", "--input", "samples/documents/missing.json"],
            "cannot open",
        ),
        (
            vec!["emit", "asn", "--input", invoice, "--sender", "ZZ:A"],
            "is not a canonical ship notice",
        ),
    ] {
        let (status, stdout, stderr) = edigate(&args);
        assert_eq!(status, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}");
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
    for path in own_856s() {
        let (status, _, stderr) = edigate(&["translate", &relative(&path)]);
        assert_eq!(status, 0, "{}: {stderr}", path.display());
    }
}

// X12 → canonical → X12 ------------------------------------------------------------------------

/// The 856 written from the translation of `x12`'s 856, in its version.
fn written_back(x12: &[u8]) -> (String, Result<Vec<u8>, EmitError>) {
    let translated = translate_856(x12);
    let version = translated
        .document
        .source
        .version
        .clone()
        .unwrap_or_default();
    let mut out = Vec::new();
    let result = emit_ship_notice(&translated.document, &envelope(&version), &mut out);
    (version, result.map(|_| out))
}

/// The segments of one set with what the new envelope decides left out: ST02, SE01 and
/// SE02 (its control number and count).
fn body(x12: &[u8]) -> Vec<String> {
    let (_, segments) = common::kept::sets(x12).remove(0);
    segments
        .iter()
        .filter(|s| s.id != "SE")
        .map(|s| {
            let elements = serde_json::to_string(&s.elements).unwrap();
            if s.id == "ST" {
                "ST".to_owned()
            } else {
                format!("{} {elements}", s.id)
            }
        })
        .collect()
}

/// Our samples are written as edigate writes: they come back segment for segment.
#[test]
fn own_856s_come_back_segment_for_segment() {
    for path in own_856s() {
        let x12 = std::fs::read(&path).unwrap();
        let (version, written) = written_back(&x12);
        let written = written.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(body(&written), body(&x12), "{} ({version})", path.display());
    }
}

/// Every 856 that translates clean comes back with every element; what may differ is
/// listed in `tests/common/kept.rs` (more said, REFs in the model's order, numbers and
/// times by value, envelope numbers).
#[test]
fn sample_856s_keep_every_element() {
    for path in own_856s().iter().chain(&validate_856s()) {
        let x12 = std::fs::read(path).unwrap();
        let (version, written) = written_back(&x12);
        let written = written.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (_, original) = common::kept::sets(&x12).remove(0);
        let (_, back) = common::kept::sets(&written).remove(0);
        let lost = common::kept::elements_lost(&version, &original, &back);
        assert!(lost.is_empty(), "{}:\n{}", path.display(), lost.join("\n"));
    }
}

// Canonical → X12 → canonical ------------------------------------------------------------------

/// What an 856 written from `notice` says when read back: the notice itself, except what
/// the 856 cannot carry back as it was:
///
/// - BSN04 is mandatory: a notice without a time is sent with the interchange's time, and
///   comes back with it;
/// - BSN03 is the notice's date or, without one, the ship date: a notice dated its ship
///   date comes back without a date of its own (the model's "if not the ship date");
/// - TD505 is the routing, or the carrier's name when there is none: a name comes back as
///   the routing, and beside a routing it is not carried;
/// - an N1 holds one id: a party's further ids do not come back;
/// - `source` is the envelope's.
///
/// The generator below makes no notice the 856 would refuse: no reference of the kinds
/// the notice has fields for (bill of lading, PRO number; those come back in the fields),
/// no empty line in a description (a PID per line, none for an empty one), no equipment
/// initial without a number (TD302 needs TD303), valid SSCCs and one structure's nesting.
fn carried_by_the_856(notice: &ShipNotice, sent_at: NaiveTime) -> ShipNotice {
    let mut want = notice.clone();
    want.source = Default::default();
    want.notice_time = Some(notice.notice_time.unwrap_or(sent_at));
    if want.notice_date == Some(want.ship_date) {
        want.notice_date = None;
    }
    if let Some(carrier) = want.carrier.as_mut() {
        match carrier.routing {
            None => carrier.routing = carrier.name.take(),
            Some(_) => carrier.name = None,
        }
    }
    for party in want
        .parties
        .iter_mut()
        .chain(want.orders.iter_mut().flat_map(|o| o.parties.iter_mut()))
    {
        party.ids.truncate(1);
    }
    want
}

/// Text the way people type it into a warehouse system, none of it a delimiter.
fn words() -> impl Strategy<Value = String> {
    "[A-Z][A-Z0-9 ,.&'/#-]{0,30}[A-Z0-9]"
}

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Days::new(u64::from(offset))
}

fn time() -> impl Strategy<Value = NaiveTime> {
    (0u32..24, 0u32..60, prop_oneof![Just(0u32), 1u32..60])
        .prop_map(|(h, m, s)| NaiveTime::from_hms_opt(h, m, s).unwrap())
}

fn quantity(units: &'static [UnitOfMeasure]) -> impl Strategy<Value = Quantity> {
    (1i64..100_000, 0u32..3, 0..units.len())
        .prop_map(move |(n, places, u)| Quantity::new(Decimal::new(n, places), units[u].clone()))
}

const WEIGHTS: &[UnitOfMeasure] = &[UnitOfMeasure::Pound, UnitOfMeasure::Kilogram];
const PACKAGING: &[UnitOfMeasure] = &[
    UnitOfMeasure::Carton,
    UnitOfMeasure::Pallet,
    UnitOfMeasure::Box,
    UnitOfMeasure::Case,
];
const ITEM_UNITS: &[UnitOfMeasure] = &[
    UnitOfMeasure::Each,
    UnitOfMeasure::Case,
    UnitOfMeasure::Dozen,
    UnitOfMeasure::Pack,
];

fn item() -> impl Strategy<Value = ShippedItem> {
    (
        proptest::option::of("[0-9]{1,6}"),
        proptest::collection::vec((0usize..5, "[0-9]{8,14}"), 1..4),
        proptest::option::of(proptest::collection::vec(words(), 1..3)),
        quantity(ITEM_UNITS),
        proptest::option::of(quantity(ITEM_UNITS)),
        proptest::option::of(0usize..6),
        proptest::option::of(1i64..100),
    )
        .prop_map(
            |(line_id, ids, description, shipped, ordered, status, case_pack)| {
                let kinds = [
                    ProductIdKind::Upc,
                    ProductIdKind::Gtin14,
                    ProductIdKind::BuyerItem,
                    ProductIdKind::VendorItem,
                    ProductIdKind::Sku,
                ];
                let statuses = [
                    ItemStatus::Complete,
                    ItemStatus::Partial,
                    ItemStatus::BackOrdered,
                    ItemStatus::Cancelled,
                    ItemStatus::Substituted,
                    ItemStatus::Other("IA".into()),
                ];
                ShippedItem {
                    line_id,
                    product_ids: ids
                        .into_iter()
                        .map(|(k, value)| ProductId {
                            kind: kinds[k].clone(),
                            value,
                        })
                        .collect(),
                    description: description.map(|lines| lines.join("\n")),
                    quantity_shipped: shipped,
                    quantity_ordered: ordered,
                    status: status.map(|s| statuses[s].clone()),
                    case_pack: case_pack.map(Decimal::from),
                    packs: Vec::new(),
                }
            },
        )
}

fn pack(items: impl Strategy<Value = Vec<ShippedItem>>) -> impl Strategy<Value = Pack> {
    (
        0u8..10,
        1u64..1_000_000_000,
        proptest::option::of("1Z[0-9A-Z]{16}"),
        proptest::option::of(quantity(WEIGHTS)),
        items,
    )
        .prop_map(|(extension, serial, tracking_number, weight, items)| Pack {
            sscc: Sscc::new(extension, "0614141", serial).unwrap().to_string(),
            tracking_number,
            weight,
            items,
        })
}

fn order(structure: PackingStructure) -> impl Strategy<Value = ShippedOrder> {
    let contents = match structure {
        PackingStructure::ShipmentOrderPackItem => (
            proptest::collection::vec(
                (
                    1u64..1_000_000,
                    proptest::collection::vec(pack(proptest::collection::vec(item(), 1..3)), 1..3),
                )
                    .prop_map(|(serial, packs)| Tare {
                        sscc: Sscc::new(1, "0614141", serial).unwrap().to_string(),
                        packs,
                    }),
                0..2,
            ),
            proptest::collection::vec(pack(proptest::collection::vec(item(), 1..3)), 0..3),
            Just(Vec::new()),
        )
            .boxed(),
        PackingStructure::ShipmentOrderItemPack => (
            Just(Vec::new()),
            Just(Vec::new()),
            proptest::collection::vec(
                (
                    item(),
                    proptest::collection::vec(pack(Just(Vec::new())), 0..3),
                )
                    .prop_map(|(item, packs)| ShippedItem { packs, ..item }),
                1..4,
            ),
        )
            .boxed(),
        _ => (
            Just(Vec::new()),
            Just(Vec::new()),
            proptest::collection::vec(item(), 1..4),
        )
            .boxed(),
    };
    (
        "[0-9]{10}",
        proptest::option::of(0u32..20),
        proptest::option::of("[0-9]{1,3}"),
        proptest::option::of("[0-9]{3}"),
        proptest::option::of(words()),
        contents,
    )
        .prop_map(
            |(number, date, release, department, mark_for, (tares, packs, items))| ShippedOrder {
                purchase_order: number,
                purchase_order_date: date.map(day),
                release,
                references: department
                    .map(|value| Reference {
                        kind: ReferenceKind::Department,
                        value,
                        description: None,
                    })
                    .into_iter()
                    .collect(),
                parties: mark_for
                    .map(|name| Party {
                        name: Some(name),
                        ids: vec![PartyId {
                            scheme: IdScheme::BuyerAssigned,
                            value: "0118".into(),
                        }],
                        ..Party::new(PartyRole::MarkFor)
                    })
                    .into_iter()
                    .collect(),
                tares,
                packs,
                items,
            },
        )
}

fn carrier() -> impl Strategy<Value = Carrier> {
    (
        proptest::option::of("[A-Z]{2,4}"),
        proptest::option::of(words()),
        proptest::option::of(0usize..5),
        proptest::option::of(words()),
    )
        .prop_filter("a carrier says something", |(s, n, m, r)| {
            s.is_some() || n.is_some() || m.is_some() || r.is_some()
        })
        .prop_map(|(scac, name, mode, routing)| {
            let modes = [
                TransportMode::Motor,
                TransportMode::LessThanTruckload,
                TransportMode::Parcel,
                TransportMode::Air,
                TransportMode::Other("ZZ".into()),
            ];
            Carrier {
                scac,
                name,
                mode: mode.map(|m| modes[m].clone()),
                routing,
            }
        })
}

fn notice() -> impl Strategy<Value = ShipNotice> {
    let structure = prop_oneof![
        Just(PackingStructure::ShipmentOrderPackItem),
        Just(PackingStructure::ShipmentOrderItemPack),
        Just(PackingStructure::ShipmentOrderItem),
    ];
    structure
        .prop_flat_map(|structure| {
            (
                (
                    "[A-Z0-9-]{2,30}",
                    0usize..4,
                    proptest::option::of(0u32..18),
                    proptest::option::of(time()),
                    proptest::option::of(time()),
                    proptest::option::of(20u32..25),
                    proptest::option::of(carrier()),
                ),
                (
                    proptest::option::of((
                        proptest::option::of(0usize..4),
                        proptest::option::of("[A-Z]{4}"),
                        "[0-9]{4,10}",
                    )),
                    proptest::collection::vec("[A-Z0-9]{6,12}", 0..3),
                    proptest::option::of(quantity(WEIGHTS)),
                    proptest::option::of(quantity(WEIGHTS)),
                    proptest::option::of(
                        (1i64..500, 0..PACKAGING.len()).prop_map(|(n, u)| {
                            Quantity::new(Decimal::from(n), PACKAGING[u].clone())
                        }),
                    ),
                    proptest::option::of("[0-9]{9,17}"),
                    proptest::option::of("[A-Z0-9]{8,12}"),
                    proptest::collection::vec(order(structure.clone()), 1..3),
                ),
                Just(structure),
            )
        })
        .prop_map(
            |(
                (id, purpose, notice_date, notice_time, ship_time, delivery, carrier),
                (equipment, seals, gross, net, lading, bill, pro, orders),
                structure,
            )| {
                let purposes = [
                    Purpose::Original,
                    Purpose::Replace,
                    Purpose::Cancellation,
                    Purpose::Duplicate,
                ];
                let kinds = [
                    EquipmentKind::Trailer,
                    EquipmentKind::Container,
                    EquipmentKind::RefrigeratedTrailer,
                    EquipmentKind::Other("RR".into()),
                ];
                let (equipment_kind, equipment_initial, equipment_number) = match equipment {
                    Some((kind, initial, number)) => {
                        (kind.map(|k| kinds[k].clone()), initial, Some(number))
                    }
                    None => (None, None, None),
                };
                ShipNotice {
                    shipment_id: id,
                    purpose: purposes[purpose].clone(),
                    notice_date: notice_date.map(day),
                    notice_time,
                    ship_date: day(18),
                    ship_time,
                    estimated_delivery: delivery.map(day),
                    structure,
                    carrier,
                    equipment_kind,
                    equipment_initial,
                    equipment_number,
                    seal_numbers: seals,
                    gross_weight: gross,
                    net_weight: net,
                    lading_quantity: lading,
                    bill_of_lading: bill,
                    pro_number: pro,
                    references: vec![Reference {
                        kind: ReferenceKind::PackingList,
                        value: "PL-481".into(),
                        description: None,
                    }],
                    parties: vec![
                        Party {
                            name: Some("ACME SUPPLY CO".into()),
                            ids: vec![PartyId {
                                scheme: IdScheme::Duns,
                                value: "123456789".into(),
                            }],
                            ..Party::new(PartyRole::ShipFrom)
                        },
                        Party {
                            name: Some("BIGRETAIL DC 12".into()),
                            ids: vec![
                                PartyId {
                                    scheme: IdScheme::BuyerAssigned,
                                    value: "0012".into(),
                                },
                                PartyId {
                                    scheme: IdScheme::Gln,
                                    value: "0614141000012".into(),
                                },
                            ],
                            ..Party::new(PartyRole::ShipTo)
                        },
                    ],
                    orders,
                    source: Default::default(),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn notices_come_back_from_their_856s(notice in notice()) {
        for version in VERSIONS {
            let envelope = envelope(version);
            let mut x12 = Vec::new();
            let summary = emit_ship_notice(&notice, &envelope, &mut x12)
                .unwrap_or_else(|e| panic!("{version}: {e}\n{notice:#?}"));
            prop_assert!(summary.emitted.warnings.is_empty(), "{:?}", summary.emitted.warnings);
            let back = translate_856(&x12);
            prop_assert_eq!(&back.findings, &[]);
            prop_assert_eq!(&back.document.source.unmapped, &[], "every segment written is read");
            let mut document = back.document;
            document.source = Default::default();
            prop_assert_eq!(document, carried_by_the_856(&notice, envelope.time), "{}", version);
        }
    }
}

/// A fixed handful of generated notices, for the peer (the same every run).
fn generated_for_peer() -> Vec<ShipNotice> {
    common::generated(notice(), 56)
}

/// Every 004010 856 this file emits: the samples' through the CLI, the generated ones, and
/// each sample 856 written back from its translation.
#[test]
fn bots_accepts_the_emitted_856s() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for path in sample_notices() {
        let (status, stdout, stderr) = emit_cli(&relative(&path), "004010");
        assert_eq!(status, 0, "{stderr}");
        let out = dir.path().join(format!("{}.x12", stem(&path)));
        std::fs::write(&out, stdout).unwrap();
        files.push(out);
    }
    for (n, notice) in generated_for_peer().iter().enumerate() {
        let mut bytes = Vec::new();
        emit_ship_notice(notice, &envelope("004010"), &mut bytes).unwrap();
        let out = dir.path().join(format!("generated-{n}.x12"));
        std::fs::write(&out, bytes).unwrap();
        files.push(out);
    }
    for path in own_856s().iter().chain(&validate_856s()) {
        let (version, written) = written_back(&std::fs::read(path).unwrap());
        if version != "004010" {
            continue;
        }
        let out = dir.path().join(format!("back-{}.x12", stem(path)));
        std::fs::write(&out, written.unwrap()).unwrap();
        files.push(out);
    }
    common::bots_accepts(&files, "emitted 856s");
}

/// The public 856s cannot go back out as they stand, each for a reason of its own, and the
/// refusal names it: we never send what a buyer's translator would reject.
#[test]
fn public_856s_written_back_are_refused_for_their_own_faults() {
    let reasons = [
        // The pharmacy notice marks its carton with 16 digits.
        "order 1 carton 1: its SSCC 0354023220190916 is not a valid SSCC-18",
        // edigate writes 004010 and 005010.
        "version 004060 cannot be written",
        // stupidedi's failing example (lines end the segments): its N104 ends with a '~',
        // the segment terminator of everything we write, and its HL02 names a later HL.
        "N104 contains '~', which is a delimiter of this interchange",
    ];
    for (path, reason) in public_856s().iter().zip(reasons) {
        let x12 = std::fs::read(path).unwrap();
        let (_, written) = written_back(&x12);
        let refused = written.expect_err("refused");
        assert!(
            refused.to_string().contains(reason),
            "{}: {refused}",
            path.display()
        );
    }
}
