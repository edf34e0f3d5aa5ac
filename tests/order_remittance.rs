//! `edigate emit po|remittance`, `map::ts850_out` and `map::ts820_out`: the sample purchase
//! orders and remittances of `samples/documents` pinned as insta snapshots of their 850s and
//! 820s (both versions); random documents written and read back (canonical → X12 → canonical
//! is the identity, but for what each set cannot carry, listed at `carried_by_the_850` and
//! `carried_by_the_820`); every 850 and 820 of the sample corpora and the public samples read
//! and written again with every segment and element kept; refusals that name the part at
//! fault; the exit statuses; and the Bots engine accepting what is emitted.
//!
//! Bots is a Python package and the public samples a folder beside the checkout, either of
//! which may be missing on a developer's machine: then the test says why it is skipped and
//! passes, unless `EDIGATE_REQUIRE_PEERS=1` (CI) makes it fail.

mod common;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};
use common::{edigate, relative, skip};
use edigate::document::common::{
    Address, AllowanceCharge, AllowanceChargeService, AllowanceHandling, AllowanceOrCharge,
    Carrier, Contact, ContactRole, DateKind, EventDate, IdScheme, Party, PartyId, PartyRole,
    ProductId, ProductIdKind, Purpose, Quantity, Reference, ReferenceKind, TransportMode,
    UnitOfMeasure, UnmappedSegment,
};
use edigate::document::order::{
    Destination, Fob, FobPoint, FreightPayment, OrderKind, OrderLine, OrderTotals, PriceBasis,
    PurchaseOrder,
};
use edigate::document::remittance::{
    AccountKind, Adjustment, AdjustmentReason, BankAccount, CreditOrDebit, Payment, PaymentFormat,
    PaymentHandling, PaymentMethod, Remittance, RemittedItem, RoutingScheme,
};
use edigate::document::terms::{Terms, TermsBasis, TermsKind};
use edigate::map::emit::{EmitEnvelope, EmitError};
use edigate::map::translate::Translated;
use edigate::map::ts820_out::emit_remittance;
use edigate::map::ts850_out::emit_purchase_order;
use edigate::x12::TransactionSetReader;
use proptest::prelude::*;
use rust_decimal::Decimal;

const VERSIONS: [&str; 2] = ["004010", "005010"];

/// The envelope flags every run here uses: the retailer sends orders and remittances.
const ENVELOPE: &[&str] = &[
    "--sender",
    "ZZ:BIGRETAIL",
    "--receiver",
    "ZZ:ACMESUPPLY",
    "--control",
    "2001",
    "--date",
    "20261120",
    "--time",
    "0930",
];

fn samples(prefix: &str) -> Vec<PathBuf> {
    let dir = common::repo("samples/documents");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 2, "the {prefix} samples look truncated");
    files
}

fn emit_cli(what: &str, input: &str, version: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["emit", what, "--input", input, "--version", version];
    args.extend_from_slice(ENVELOPE);
    args.extend_from_slice(extra);
    edigate(&args)
}

/// (`emit` subcommand, sample prefix, set id).
const KINDS: [(&str, &str, &str); 2] = [("po", "po-", "850"), ("remittance", "remittance-", "820")];

#[test]
fn sample_orders_and_remittances_emit_as_pinned() {
    for (what, prefix, set) in KINDS {
        for path in samples(prefix) {
            let file = relative(&path);
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            for version in VERSIONS {
                let (status, stdout, stderr) = emit_cli(what, &file, version, &[]);
                assert_eq!(status, 0, "{file} {version}: {stderr}");
                assert!(stdout.contains(&format!("ST*{set}*0001~")), "{stdout}");
                let text = format!("exit: {status}\n--- stdout\n{stdout}--- stderr\n{stderr}");
                insta::assert_snapshot!(format!("{stem}__{version}"), text);
            }
        }
    }
}

/// A copy of a sample with `change` applied, in a temporary file.
fn changed_sample(
    dir: &tempfile::TempDir,
    sample: &str,
    change: impl FnOnce(&mut serde_json::Value),
) -> String {
    let text = std::fs::read_to_string(common::repo(sample)).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    change(&mut json);
    let path = dir.path().join("changed.json");
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn an_order_whose_totals_disagree_is_refused_naming_both_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let input = changed_sample(
        &dir,
        "samples/documents/po-net-30-multiple-ship-tos.json",
        |json| {
            json["totals"]["line_count"] = 4.into();
            json["totals"]["hash_total"] = "155".into();
            json["lines"][1]["parties"][0]["name"] = "STORE*107".into();
            json["lines"][2]["product_ids"][0]["kind"] = "colour".into();
        },
    );
    let (status, stdout, stderr) = emit_cli("po", &input, "004010", &[]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stdout.is_empty(), "nothing is written: {stdout}");
    for expected in [
        "the line count (totals.line_count): is stated as 4, but the order has 3 line(s)",
        "the hash total (totals.hash_total): is stated as 155, but the lines' quantities add up to 156",
        "order line 2, party 1 (ship to): N102 contains '*'",
        "refused: 3 problem(s)",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
}

#[test]
fn a_remittance_that_does_not_add_up_is_refused_naming_both_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let input = changed_sample(
        &dir,
        "samples/documents/remittance-account-adjustment.json",
        |json| {
            json["payment"]["amount"] = "1931.55".into();
            json["items"][1]["amount_paid"] = "1200.50".into();
            json["adjustments"][1]["reason"] = "unearned_discount".into();
        },
    );
    let (status, stdout, stderr) = emit_cli("remittance", &input, "004010", &[]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stdout.is_empty(), "nothing is written: {stdout}");
    for expected in [
        "remitted item 2 (invoice number INV-20261126-1009): pays 1200.50, but its invoice \
         amount 1225.00 less the discount 24.50 plus its adjustments -0.50 is 1200.00",
        "the payment amount (payment.amount): is stated as 1931.55, but the items and \
         adjustments add up to 1932.04: items paid 2069.54 + adjustments of the account -137.50",
        "adjustment 2 (unearned discount): its reason, unearned discount, is the payee's \
         judgement",
        "remittance FW2026121000093 refused",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
}

#[test]
fn exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let not_json = dir.path().join("not.json");
    std::fs::write(&not_json, "{\"number\": 12").unwrap();
    let not_json = not_json.to_string_lossy().into_owned();
    let po = "samples/documents/po-2-10-net-30-pack-allowances.json";
    let remittance = "samples/documents/remittance-discount-taken.json";
    for (what, sample) in [("po", po), ("remittance", remittance)] {
        let (status, _, stderr) = emit_cli(what, sample, "005010", &[]);
        assert_eq!(status, 0, "{stderr}");
        let cases: &[(&[&str], &str)] = &[
            (&["emit", what], "--input"),
            (
                &["emit", what, "--input", "samples/documents/missing.json"],
                "cannot open",
            ),
            (
                &["emit", what, "--input", &not_json, "--sender", "ZZ:A"],
                "is not a canonical",
            ),
            (&["emit", what, "--input", sample], "no sender"),
            (
                &[
                    "emit",
                    what,
                    "--input",
                    sample,
                    "--sender",
                    "ZZ:A",
                    "--receiver",
                    "ZZ:B",
                    "--version",
                    "003040",
                ],
                "003040",
            ),
        ];
        for (args, reason) in cases {
            let (status, stdout, stderr) = edigate(args);
            assert_eq!(status, 2, "{args:?}: {stderr}");
            assert!(stdout.is_empty(), "{args:?}: {stdout}");
            assert!(stderr.contains(reason), "{args:?}: {stderr}");
        }
    }
    // A remittance is not an order: the shapes differ, and that is bad input.
    let (status, _, stderr) = emit_cli("po", remittance, "004010", &[]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("is not a canonical purchase order"),
        "{stderr}"
    );
}

// Random documents --------------------------------------------------------------------------

fn envelope(version: &str) -> EmitEnvelope {
    common::envelope("BIGRETAIL", "ACMESUPPLY", version)
}

fn cents(n: i64) -> Decimal {
    Decimal::new(n, 2)
}

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Days::new(u64::from(offset))
}

/// Text the way people type it into an ERP, none of it a delimiter.
fn words() -> impl Strategy<Value = String> {
    "[A-Z][A-Z0-9 ,.&'/#-]{0,28}[A-Z0-9]"
}

fn pick<T: Clone + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

const UNITS: &[UnitOfMeasure] = &[
    UnitOfMeasure::Each,
    UnitOfMeasure::Case,
    UnitOfMeasure::Dozen,
    UnitOfMeasure::Pound,
    UnitOfMeasure::Pack,
];

const PRODUCT_KINDS: &[ProductIdKind] = &[
    ProductIdKind::Upc,
    ProductIdKind::Gtin14,
    ProductIdKind::VendorItem,
    ProductIdKind::BuyerItem,
    ProductIdKind::Sku,
    ProductIdKind::Style,
];

const REFERENCE_KINDS: &[ReferenceKind] = &[
    ReferenceKind::Department,
    ReferenceKind::VendorNumber,
    ReferenceKind::InternalVendor,
    ReferenceKind::Promotion,
    ReferenceKind::Contract,
    ReferenceKind::CustomerReference,
];

const DATE_KINDS: &[DateKind] = &[
    DateKind::RequestedDelivery,
    DateKind::RequestedShip,
    DateKind::ShipNotBefore,
    DateKind::ShipNoLater,
    DateKind::CancelAfter,
];

fn reference() -> impl Strategy<Value = Reference> {
    (
        pick(REFERENCE_KINDS),
        "[A-Z0-9-]{1,20}",
        proptest::option::of(words()),
    )
        .prop_map(|(kind, value, description)| Reference {
            kind,
            value,
            description,
        })
}

fn contact(roles: &'static [ContactRole]) -> impl Strategy<Value = Contact> {
    (
        pick(roles),
        proptest::option::of(words()),
        proptest::option::of("[0-9]{10}"),
        proptest::option::of("[a-z]{1,10}@[a-z]{1,10}\\.example"),
    )
        .prop_map(|(role, name, phone, email)| Contact {
            role,
            name,
            phone,
            email,
            fax: None,
        })
}

fn party(roles: &'static [PartyRole]) -> impl Strategy<Value = Party> {
    (
        pick(roles),
        proptest::collection::vec(words(), 1..3),
        pick(&[IdScheme::Gln, IdScheme::Duns, IdScheme::BuyerAssigned]),
        "[0-9]{9,13}",
        proptest::option::of((proptest::collection::vec(words(), 1..4), words())),
        proptest::collection::vec(
            contact(&[ContactRole::Delivery, ContactRole::AccountsPayable]),
            0..2,
        ),
    )
        .prop_map(|(role, names, scheme, id, address, contacts)| Party {
            role,
            name: Some(names.join("\n")),
            ids: vec![PartyId { scheme, value: id }],
            address: address.map(|(lines, city)| Address {
                lines,
                city: Some(city),
                region: Some("OH".into()),
                postal_code: Some("43215".into()),
                country: Some("US".into()),
            }),
            contacts,
        })
}

fn event_date() -> impl Strategy<Value = EventDate> {
    (
        pick(DATE_KINDS),
        0u32..60,
        proptest::option::of((0u32..24, 0u32..60)),
    )
        .prop_map(|(kind, offset, time)| EventDate {
            kind,
            date: day(offset),
            time: time.and_then(|(h, m)| NaiveTime::from_hms_opt(h, m, 0)),
        })
}

fn allowance_charge() -> impl Strategy<Value = AllowanceCharge> {
    (
        pick(&[
            AllowanceOrCharge::Allowance,
            AllowanceOrCharge::Charge,
            AllowanceOrCharge::Informational,
        ]),
        pick(&[
            AllowanceChargeService::Freight,
            AllowanceChargeService::Promotional,
            AllowanceChargeService::Advertising,
            AllowanceChargeService::Defective,
            AllowanceChargeService::QuantityDiscount,
        ]),
        0u8..3,
        1i64..500_000,
        proptest::option::of(pick(&[
            AllowanceHandling::OffInvoice,
            AllowanceHandling::BillBack,
            AllowanceHandling::VendorCheck,
        ])),
        proptest::option::of("[A-Z0-9-]{1,12}"),
        proptest::option::of(words()),
    )
        .prop_map(
            |(indicator, service, how, n, handling, reference, description)| AllowanceCharge {
                indicator,
                service,
                amount: (how == 0).then(|| cents(n)),
                percent: (how == 1).then(|| Decimal::new(n % 1000, 1)),
                rate: (how == 2).then(|| Decimal::new(n % 10_000, 3)),
                quantity: (how == 2)
                    .then(|| Quantity::new(Decimal::from(n % 500 + 1), UnitOfMeasure::Case)),
                handling,
                reference,
                description,
            },
        )
}

fn terms() -> impl Strategy<Value = Terms> {
    (
        0u8..4,
        1i64..50,
        5u32..20,
        20u32..90,
        proptest::option::of(words()),
    )
        .prop_map(
            |(kind, percent_tenths, discount_days, net_days, description)| {
                let terms = match kind {
                    0 => Terms {
                        kind: TermsKind::DiscountNotApplicable,
                        ..Terms::net(net_days)
                    },
                    1 => Terms::discount(Decimal::new(percent_tenths, 1), discount_days, net_days),
                    2 => Terms {
                        kind: TermsKind::EndOfMonth,
                        day_of_month: Some(discount_days),
                        ..Terms::net(net_days)
                    },
                    _ => Terms {
                        kind: TermsKind::FixedDate,
                        basis: TermsBasis::ShipDate,
                        discount_percent: Some(Decimal::new(percent_tenths, 1)),
                        discount_due_date: Some(day(discount_days)),
                        net_due_date: Some(day(net_days)),
                        discount_amount: Some(cents(i64::from(net_days) * 101)),
                        ..Terms::default()
                    },
                };
                Terms {
                    description,
                    ..terms
                }
            },
        )
}

fn destination() -> impl Strategy<Value = Destination> {
    (
        pick(&[IdScheme::BuyerAssigned, IdScheme::Gln]),
        "[0-9]{4}",
        pick(&[UnitOfMeasure::Each, UnitOfMeasure::Case]),
        1i64..500,
    )
        .prop_map(|(scheme, id, unit, n)| Destination {
            location: PartyId { scheme, value: id },
            quantity: Quantity::new(Decimal::from(n), unit),
        })
}

fn order_line() -> impl Strategy<Value = OrderLine> {
    (
        (
            "[0-9]{1,6}",
            1i64..100_000,
            0u32..3,
            pick(UNITS),
            proptest::option::of(1i64..2_000_000),
            proptest::option::of(pick(&[
                PriceBasis::PerEach,
                PriceBasis::Net,
                PriceBasis::Catalog,
            ])),
            proptest::collection::vec((pick(PRODUCT_KINDS), "[0-9A-Z-]{6,14}"), 0..5),
            proptest::option::of(proptest::collection::vec(words(), 1..3)),
        ),
        (
            proptest::option::of((1i64..100, 1i64..24)),
            proptest::option::of((
                1i64..200,
                pick(&[UnitOfMeasure::Ounce, UnitOfMeasure::Pound]),
            )),
            proptest::collection::vec(allowance_charge(), 0..2),
            proptest::collection::vec(event_date(), 0..2),
            proptest::collection::vec(reference(), 0..2),
            proptest::collection::vec(party(&[PartyRole::ShipTo, PartyRole::MarkFor]), 0..2),
            proptest::collection::vec(destination(), 0..13),
        ),
    )
        .prop_map(
            |(
                (line_id, quantity, places, unit, price, price_basis, ids, description),
                (pack, size, allowances_charges, dates, references, parties, destinations),
            )| OrderLine {
                line_id: Some(line_id),
                quantity: Quantity::new(Decimal::new(quantity, places), unit),
                unit_price: price.map(|p| Decimal::new(p, 3)),
                // PO105 says what PO104 is per: only with a price (syntax note C0504).
                price_basis: price.and(price_basis),
                product_ids: ids
                    .into_iter()
                    .map(|(kind, value)| ProductId { kind, value })
                    .collect(),
                description: description.map(|lines| lines.join("\n")),
                pack: pack.map(|(p, _)| Decimal::from(p)),
                inner_pack: pack.map(|(_, i)| Decimal::from(i)),
                pack_size: size
                    .clone()
                    .map(|(n, unit)| Quantity::new(Decimal::from(n), unit)),
                pack_weight: size
                    .map(|(n, _)| Quantity::new(Decimal::new(n, 1), UnitOfMeasure::Pound)),
                allowances_charges,
                dates,
                references,
                parties,
                destinations,
            },
        )
}

/// An order whose stated totals, when it states any, are what its lines say.
fn order() -> impl Strategy<Value = PurchaseOrder> {
    (
        (
            "[A-Z0-9-]{1,22}",
            proptest::option::of("[0-9]{1,4}"),
            0u32..30,
            pick(&[Purpose::Original, Purpose::Change, Purpose::Cancellation]),
            pick(&[
                OrderKind::StandAlone,
                OrderKind::Release,
                OrderKind::DropShip,
            ]),
            proptest::option::of(pick(&["USD", "CAD"])),
            proptest::collection::vec(reference(), 0..4),
            proptest::collection::vec(contact(&[ContactRole::Buyer, ContactRole::Order]), 0..4),
        ),
        (
            proptest::option::of((
                proptest::option::of(pick(&[FreightPayment::Collect, FreightPayment::Prepaid])),
                proptest::option::of(words()),
            )),
            proptest::collection::vec(terms(), 0..3),
            proptest::collection::vec(event_date(), 0..4),
            proptest::option::of((
                proptest::option::of("[A-Z]{2,4}"),
                proptest::option::of(pick(&[TransportMode::Motor, TransportMode::Parcel])),
                proptest::option::of(words()),
            )),
            proptest::collection::vec(
                party(&[PartyRole::ShipTo, PartyRole::BillTo, PartyRole::Vendor]),
                0..4,
            ),
            proptest::collection::vec(allowance_charge(), 0..3),
            proptest::collection::vec(words(), 0..3),
            proptest::collection::vec(order_line(), 1..6),
            (
                any::<bool>(),
                any::<bool>(),
                proptest::option::of(1i64..10_000_000),
            ),
        ),
    )
        .prop_map(
            |(
                (number, release, date, purpose, kind, currency, references, contacts),
                (fob, terms, dates, routing, parties, allowances_charges, notes, lines, totals),
            )| {
                let (count, hash, amount) = totals;
                let hash_total: Decimal = lines.iter().map(|l| l.quantity.value).sum();
                PurchaseOrder {
                    number,
                    release,
                    date: day(date),
                    purpose,
                    kind,
                    currency: currency.map(str::to_owned),
                    references,
                    contacts: contacts.into_iter().take(3).collect(),
                    fob: fob.map(|(payment, location)| Fob {
                        point: location.as_ref().map(|_| FobPoint::Origin),
                        payment: payment.or(Some(FreightPayment::Collect)),
                        location,
                    }),
                    terms,
                    dates,
                    routing: routing
                        .map(|(scac, mode, routing)| Carrier {
                            mode: mode.or(Some(TransportMode::Motor)),
                            scac,
                            routing,
                            name: None,
                        })
                        .into_iter()
                        .collect(),
                    parties,
                    allowances_charges,
                    notes,
                    totals: OrderTotals {
                        line_count: (count || amount.is_some()).then_some(lines.len() as u32),
                        hash_total: hash.then_some(hash_total),
                        amount: amount.map(cents),
                    },
                    lines,
                    ..PurchaseOrder::default()
                }
            },
        )
}

/// What an 850 written from `order` says when read back: the order itself, except
///
/// - CTT01, the line count, is mandatory in a CTT: an order that states only its hash total
///   comes back stating its line count too;
/// - notes need an N9 to head them: an order with notes but no reference of its own gets
///   one, `N9*ZZ*NOTES`, which comes back as its last reference;
/// - a carrier's name has no place in TD5 (it is noted as not carried), nor has a party's
///   second id in its N1;
/// - `source` is the envelope's, not the order's.
fn carried_by_the_850(order: &PurchaseOrder) -> PurchaseOrder {
    let mut want = order.clone();
    want.source = Default::default();
    if want.totals.hash_total.is_some() {
        want.totals.line_count = Some(want.lines.len() as u32);
    }
    if !want.notes.is_empty() && want.references.is_empty() {
        want.references.push(Reference {
            kind: ReferenceKind::Other("ZZ".into()),
            value: "NOTES".into(),
            description: None,
        });
    }
    for carrier in &mut want.routing {
        carrier.name = None;
    }
    for party in want
        .parties
        .iter_mut()
        .chain(want.lines.iter_mut().flat_map(|l| l.parties.iter_mut()))
    {
        party.ids.truncate(1);
    }
    want
}

fn remitted_item() -> impl Strategy<Value = RemittedItem> {
    (
        pick(&[
            ReferenceKind::InvoiceNumber,
            ReferenceKind::PurchaseOrder,
            ReferenceKind::CreditMemo,
        ]),
        "[A-Z0-9-]{1,20}",
        1i64..10_000_000,
        proptest::option::of(0i64..500),
        proptest::option::of(0u32..60),
        proptest::collection::vec(reference(), 0..2),
        proptest::collection::vec(adjustment(), 0..3),
        any::<bool>(),
    )
        .prop_map(
            |(kind, value, invoiced, discount, date, references, adjustments, stated)| {
                let invoice_amount = cents(invoiced);
                let discount_taken = discount.map(cents);
                let adjusted: Decimal = adjustments.iter().map(|a| a.amount).sum();
                RemittedItem {
                    reference: Reference {
                        kind,
                        value,
                        description: None,
                    },
                    amount_paid: invoice_amount - discount_taken.unwrap_or_default() + adjusted,
                    invoice_amount: stated.then_some(invoice_amount),
                    discount_taken,
                    invoice_date: date.map(day),
                    references,
                    adjustments,
                }
            },
        )
}

fn adjustment() -> impl Strategy<Value = Adjustment> {
    (
        proptest::sample::select(vec![
            AdjustmentReason::PricingError,
            AdjustmentReason::Damaged,
            AdjustmentReason::NotReceived,
            AdjustmentReason::ComplianceChargeback,
            AdjustmentReason::PreviousUnderpayment,
            AdjustmentReason::Other("B8".to_owned()),
        ]),
        -100_000i64..20_000,
        proptest::option::of(proptest::collection::vec(words(), 1..3)),
        proptest::option::of((
            pick(&[ReferenceKind::DebitMemo, ReferenceKind::CreditMemo]),
            "[A-Z0-9-]{1,12}",
        )),
    )
        .prop_map(|(reason, amount, description, reference)| Adjustment {
            reason,
            amount: cents(amount),
            description: description.map(|lines| lines.join("\n")),
            reference: reference.map(|(kind, value)| Reference {
                kind,
                value,
                description: None,
            }),
        })
}

fn bank_account() -> impl Strategy<Value = BankAccount> {
    (
        "[0-9]{9}",
        "[0-9]{6,17}",
        pick(&[AccountKind::Checking, AccountKind::Savings]),
    )
        .prop_map(|(routing, account, kind)| BankAccount {
            routing: Some(routing),
            routing_scheme: Some(RoutingScheme::Aba),
            account: Some(account),
            account_kind: Some(kind),
        })
}

/// A remittance whose payment is what its items and adjustments say.
fn remittance() -> impl Strategy<Value = Remittance> {
    (
        (
            pick(&[
                PaymentHandling::PaymentWithRemittance,
                PaymentHandling::RemittanceOnly,
            ]),
            pick(&[CreditOrDebit::Credit, CreditOrDebit::Debit]),
            pick(&[
                PaymentMethod::Ach,
                PaymentMethod::Check,
                PaymentMethod::Wire,
            ]),
            proptest::option::of(pick(&[
                PaymentFormat::CorporateTradeExchange,
                PaymentFormat::CashConcentrationPlusAddenda,
            ])),
            0u32..60,
            proptest::option::of(("[0-9]{6,15}", proptest::option::of("[0-9]{10}"))),
            proptest::option::of(bank_account()),
            proptest::option::of(bank_account()),
        ),
        (
            proptest::option::of(pick(&["USD", "CAD"])),
            proptest::collection::vec(reference(), 0..3),
            proptest::collection::vec(party(&[PartyRole::Payer, PartyRole::Payee]), 0..3),
            proptest::collection::vec(remitted_item(), 0..6),
            proptest::collection::vec(adjustment(), 0..3),
        ),
    )
        .prop_map(
            |(
                (handling, credit_or_debit, method, format, date, trace, payer, payee),
                (currency, references, parties, items, adjustments),
            )| {
                let paid: Decimal = items.iter().map(|i| i.amount_paid).sum();
                let adjusted: Decimal = adjustments.iter().map(|a| a.amount).sum();
                let (trace_number, trace_originator) = match trace {
                    Some((number, originator)) => (Some(number), originator),
                    None => (None, None),
                };
                Remittance {
                    payment: Payment {
                        handling,
                        amount: paid + adjusted,
                        credit_or_debit,
                        method,
                        format,
                        date: day(date),
                        trace_number,
                        trace_originator,
                        payer_account: payer,
                        payee_account: payee,
                    },
                    currency: currency.map(str::to_owned),
                    references,
                    parties,
                    items,
                    adjustments,
                    ..Remittance::default()
                }
            },
        )
}

/// What an 820 written from `remittance` says when read back: the remittance itself, except
/// `source`, which is the envelope's. (The 820 has no place for a reference's description in
/// an RMR or ADX, nor for a trace originator with neither a payer account nor a trace number;
/// the generator gives none of these, and `emit` notes them as not carried.)
fn carried_by_the_820(remittance: &Remittance) -> Remittance {
    let mut want = remittance.clone();
    want.source = Default::default();
    for party in &mut want.parties {
        party.ids.truncate(1);
    }
    want
}

/// The one set of an emitted interchange, read back with `map`.
fn read_back<T>(
    x12: &[u8],
    id: &str,
    map: impl Fn(&edigate::x12::TransactionSetRef<'_>) -> Translated<T>,
) -> Translated<T> {
    let mut reader = TransactionSetReader::new(x12);
    let set = reader.next_set().unwrap().expect("a set");
    assert_eq!(set.header.id, id);
    map(&set)
}

/// Checks that a set read back says `want`, with no finding and nothing left unmapped;
/// `source` (the envelope's, on both sides) is not compared.
fn says<T: PartialEq + std::fmt::Debug>(
    x12: &[u8],
    back: Translated<T>,
    source: impl Fn(&mut T) -> &mut edigate::document::common::Source,
    want: &T,
) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(x12);
    prop_assert_eq!(&back.findings, &[], "{}", text);
    let mut document = back.document;
    prop_assert_eq!(&source(&mut document).unmapped, &[], "{}", text);
    *source(&mut document) = Default::default();
    prop_assert_eq!(&document, want, "{}", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_orders_come_back_from_their_850s(order in order()) {
        let want = carried_by_the_850(&order);
        for version in VERSIONS {
            let mut x12 = Vec::new();
            let summary = emit_purchase_order(&order, &envelope(version), &mut x12)
                .unwrap_or_else(|e| panic!("{version}: {e}\n{order:#?}"));
            prop_assert!(summary.emitted.warnings.is_empty(), "{:?}", summary.emitted.warnings);
            let back = read_back(&x12, "850", edigate::map::ts850::purchase_order);
            says(&x12, back, |o| &mut o.source, &want)?;
        }
    }

    #[test]
    fn random_remittances_come_back_from_their_820s(remittance in remittance()) {
        let want = carried_by_the_820(&remittance);
        for version in VERSIONS {
            let mut x12 = Vec::new();
            let summary = emit_remittance(&remittance, &envelope(version), &mut x12)
                .unwrap_or_else(|e| panic!("{version}: {e}\n{remittance:#?}"));
            prop_assert!(summary.emitted.warnings.is_empty(), "{:?}", summary.emitted.warnings);
            let back = read_back(&x12, "820", edigate::map::ts820::remittance);
            says(&x12, back, |r| &mut r.source, &want)?;
        }
    }

    #[test]
    fn a_payment_off_by_a_cent_is_refused_naming_both(remittance in remittance()) {
        let mut remittance = remittance;
        let computed = remittance.payment.amount;
        remittance.payment.amount += cents(1);
        let mut out = Vec::new();
        let err = emit_remittance(&remittance, &envelope("004010"), &mut out).unwrap_err();
        prop_assert!(out.is_empty());
        let (mut stated, mut computed) = (remittance.payment.amount, computed);
        stated.rescale(2);
        computed.rescale(2);
        let message = err.to_string();
        prop_assert!(
            message.contains(&format!(
                "the payment amount (payment.amount): is stated as {stated}, but the items and \
                 adjustments add up to {computed}"
            )),
            "{}", message
        );
    }
}

// X12 → canonical → X12 -----------------------------------------------------------------------

/// What the 850 mapping reads as one meaning, which the written set says in one code: AMT01
/// `1` ("Line Item Total") and `TT` ("Total Transaction Amount") both give the order's stated
/// total, which goes back out as TT. Every other element must come back.
const SYNONYMS_READ_AS_ONE: &[&str] = &["AMT01 '1' became 'TT'"];

/// The files of the good corpora and the public samples with an 850 or 820 in them.
fn corpus() -> Vec<(String, PathBuf)> {
    let mut files: Vec<PathBuf> = common::files("samples/validate")
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("ok-"))
        })
        .collect();
    files.extend(common::files("samples/envelope/ok"));
    let mut named: Vec<(String, PathBuf)> = files.into_iter().map(|p| (relative(&p), p)).collect();
    let public = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples-public");
    if public.is_dir() {
        for file in PUBLIC {
            named.push((format!("public/{file}"), public.join(file)));
        }
    } else {
        skip(&format!("{} is missing", public.display()));
    }
    named
}

/// The public files with an 850 or 820 in them (as in tests/translate.rs).
const PUBLIC: &[&str] = &[
    "Stedi-Demos__bootstrap-archived/input.edi",
    "aaronhuggins__node-x12/850.edi",
    "aaronhuggins__node-x12/850_fat.edi",
    "indice-co__EDI.Net/x12.850.edi",
    "indice-co__EDI.Net/x12.810.mandatory-conditions.edi",
    "kputnam__stupidedi/004010_PO850_pass/1.edi",
    "olmelabs__EdiEngine/850.Composite.SLN.OK.edi",
    "tcd__eddy/BAM850FAVY_201906251707.edi",
    "walmartlabs__gozer/po850.txt",
    "kputnam__stupidedi/003010_RA820_pass/1.edi",
];

/// Sets written again that our own validator refuses, because the set as received already
/// breaks the standard: the refusal must name the part of the document at fault.
const REFUSED_AS_RECEIVED: &[(&str, &str)] = &[
    (
        // REF02 repeated although it does not repeat (validate rejects the set for AK403 12).
        "samples/envelope/ok/5010-repetition-separator.edi",
        "the REF segment kept unmapped from position 3",
    ),
    (
        // SLN08 holds a composite although it is a simple element: the envelope corpus shows
        // that components are split, not that the set is sound.
        "samples/envelope/ok/composite-elements.edi",
        "the SLN segment kept unmapped from position 4",
    ),
    (
        // Balance detail (BAL) in an 850 with no BEG03 and no line: an 850 needs a line.
        "public/indice-co__EDI.Net/x12.810.mandatory-conditions.edi",
        "the order",
    ),
    (
        // 003010: BPS, RMT and LS/LE predate the BPR, RMR and ENT of 004010, the nearest
        // version edigate writes, and its dates are YYMMDD.
        "public/kputnam__stupidedi/003010_RA820_pass/1.edi",
        "the BPS segment kept unmapped from position 2",
    ),
];

/// What happened to one set written again.
enum Again {
    Same,
    /// What differs, in words.
    Differs(String),
    Refused(Vec<String>),
}

fn write_again(path: &Path, name: &str) -> Vec<(String, Again)> {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = TransactionSetReader::new(bytes.as_slice());
    let mut results = Vec::new();
    let mut n = 0;
    while let Ok(Some(set)) = reader.next_set() {
        let id = set.header.id.clone();
        if id != "850" && id != "820" {
            continue;
        }
        n += 1;
        let place = format!("{name} set {n} ({id})");
        let version = if set.group.version.as_str() >= "005010" {
            "005010"
        } else {
            "004010"
        };
        let mut out = Vec::new();
        let written = match id.as_str() {
            "850" => {
                let order = edigate::map::ts850::purchase_order(&set).document;
                emit_purchase_order(&order, &envelope(version), &mut out).map(|_| ())
            }
            _ => {
                let remittance = edigate::map::ts820::remittance(&set).document;
                emit_remittance(&remittance, &envelope(version), &mut out).map(|_| ())
            }
        };
        match written {
            Ok(()) => {
                let original: Vec<UnmappedSegment> = set
                    .segments
                    .iter()
                    .map(edigate::map::translate::unmapped)
                    .collect();
                let again = &common::kept::sets(&out)[0].1;
                let lost: Vec<String> = common::kept::elements_lost(version, &original, again)
                    .into_iter()
                    .filter(|l| !SYNONYMS_READ_AS_ONE.iter().any(|s| l.contains(s)))
                    .collect();
                if lost.is_empty() {
                    results.push((place, Again::Same));
                } else {
                    let text = String::from_utf8_lossy(&out);
                    results.push((
                        place,
                        Again::Differs(format!("{}\n{text}", lost.join("\n"))),
                    ));
                }
            }
            Err(EmitError::Refused(problems)) => {
                let fields = problems.iter().map(|p| p.to_string()).collect();
                results.push((place, Again::Refused(fields)));
            }
            Err(e) => panic!("{place}: {e}"),
        }
    }
    results
}

#[test]
fn every_sample_850_and_820_is_written_again_with_every_element() {
    let (mut same, mut orders, mut remittances) = (0, 0, 0);
    let mut differences = Vec::new();
    for (name, path) in corpus() {
        for (place, again) in write_again(&path, &name) {
            orders += usize::from(place.ends_with("(850)"));
            remittances += usize::from(place.ends_with("(820)"));
            match again {
                Again::Same => same += 1,
                Again::Differs(what) => differences.push(format!("{place}: {what}")),
                Again::Refused(problems) => {
                    let expected = REFUSED_AS_RECEIVED
                        .iter()
                        .find(|(file, _)| place.starts_with(file));
                    let Some((_, part)) = expected else {
                        differences.push(format!("{place} was refused:\n{}", problems.join("\n")));
                        continue;
                    };
                    assert!(
                        problems.iter().any(|p| p.starts_with(part)),
                        "{place}: the refusal does not name {part}:\n{}",
                        problems.join("\n")
                    );
                }
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
    assert!(orders >= 20, "only {orders} 850s");
    assert!(remittances >= 2, "only {remittances} 820s");
    assert!(same >= 20, "only {same} sets written again unchanged");
}

// The Bots engine -----------------------------------------------------------------------------

/// A fixed handful of generated documents, for the peer (the same every run).
fn generated_for_peer<T: std::fmt::Debug>(strategy: impl Strategy<Value = T>) -> Vec<T> {
    common::generated(strategy, 11)
}

#[test]
fn bots_accepts_the_emitted_850s_and_820s() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (what, prefix, _) in KINDS {
        for path in samples(prefix) {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let (status, stdout, stderr) = emit_cli(what, &relative(&path), "004010", &[]);
            assert_eq!(status, 0, "{stderr}");
            let out = dir.path().join(format!("{stem}.x12"));
            std::fs::write(&out, stdout).unwrap();
            files.push(out);
        }
    }
    for (n, order) in generated_for_peer(order()).iter().enumerate() {
        let out = dir.path().join(format!("generated-850-{n}.x12"));
        let mut bytes = Vec::new();
        emit_purchase_order(order, &envelope("004010"), &mut bytes).unwrap();
        std::fs::write(&out, bytes).unwrap();
        files.push(out);
    }
    for (n, remittance) in generated_for_peer(remittance()).iter().enumerate() {
        let out = dir.path().join(format!("generated-820-{n}.x12"));
        let mut bytes = Vec::new();
        emit_remittance(remittance, &envelope("004010"), &mut bytes).unwrap();
        std::fs::write(&out, bytes).unwrap();
        files.push(out);
    }
    common::bots_accepts(&files, "emitted 850s or 820s");
}
