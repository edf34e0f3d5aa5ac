//! Throughput of validation + 997s, the work `edigate ack` does, in process: every
//! transaction set checked against the X12 specs (`validate::validate`), then the reply
//! interchanges, one 997 per functional group, written to memory (`map::ack::write_replies`).
//! The input is generated in memory (never committed): 10 MB of 850/810/856 interchanges.
//! The specs are loaded once, outside the timing; what loading them costs (once per
//! process, so once per `edigate ack`) is measured on its own as `spec_load`.
//!
//! `cargo bench --bench validate`; whole-process numbers against other validators come from
//! `MODE=ack bench/compare.sh` (see BENCHMARKS.md).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use edigate::map::ack::{AckOptions, Ta1Policy, write_replies};
use edigate::spec::{self, SpecSet};
use edigate::validate::{self, Policy};
use edigate::x12::generate::{Generator, SetKind};

/// The kinds the issue names: orders, invoices, ship notices (no 820s).
const KINDS: [SetKind; 3] = [
    SetKind::PurchaseOrder,
    SetKind::Invoice,
    SetKind::ShipNotice,
];

fn generated(bytes: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes as usize + (1 << 16));
    Generator::new(1, bytes)
        .kinds(&KINDS)
        .write(&mut out)
        .expect("generate");
    out
}

/// What `edigate ack --date 20261126 --time 1200` uses.
fn options() -> AckOptions {
    AckOptions {
        policy: Policy::default(),
        ta1: Ta1Policy::OnError,
        interchange_control_number: 1,
        group_control_number: 1,
        date: "20261126".into(),
        time: "1200".into(),
        line_suffix: "\n".into(),
    }
}

/// Validates and acknowledges `input`; returns the reply's length, sets and 997s.
fn ack(specs: &SpecSet, input: &[u8], options: &AckOptions) -> (usize, usize, usize) {
    let (reports, _) = validate::validate(specs, input);
    let sets = reports
        .iter()
        .flat_map(|r| &r.groups)
        .map(|g| g.sets.len())
        .sum();
    let (reply, summary) = write_replies(&reports, options, Vec::new()).expect("write 997s");
    (reply.len(), sets, summary.acknowledgements)
}

/// The generated input must be valid, or the bench measures error reporting instead.
fn assert_all_accepted(specs: &SpecSet, input: &[u8], options: &AckOptions) {
    let (reports, outcome) = validate::validate(specs, input);
    assert!(
        outcome.errors == 0 && !outcome.fatal,
        "envelope errors: {outcome:?}"
    );
    let mut groups = 0;
    let mut sets = 0;
    for report in &reports {
        assert_eq!(report.ta1_code().0, 'A', "interchange {}", report.offset);
        for group in &report.groups {
            groups += 1;
            assert_eq!(
                group.ack_code(&options.policy),
                'A',
                "group at {}",
                group.offset
            );
            for set in &group.sets {
                sets += 1;
                assert!(
                    set.ack_code(&options.policy) == 'A' && set.findings.is_empty(),
                    "set {} {}: {:?} {:?}",
                    set.header.id,
                    set.header.control_number,
                    set.errors.first(),
                    set.findings.first()
                );
            }
        }
    }
    let (reply, summary) = write_replies(&reports, options, Vec::new()).expect("write 997s");
    assert!(sets > 0, "no transaction sets generated");
    assert_eq!(summary.acknowledgements, groups, "one 997 per group");
    assert_eq!(summary.ta1s, 0, "no TA1 is due");
    assert!(!reply.is_empty());
}

fn bench(c: &mut Criterion) {
    let specs = spec::standard().expect("built-in specs");
    let options = options();
    let mut group = c.benchmark_group("validate_ack");
    group.sample_size(10);
    let input = generated(10_000_000);
    assert_all_accepted(specs, &input, &options);
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_with_input(BenchmarkId::new("in_memory", "10MB"), &input, |b, input| {
        b.iter(|| black_box(ack(specs, input, &options)))
    });
    group.finish();

    let mut group = c.benchmark_group("spec_load");
    group.sample_size(10);
    group.bench_function("standard", |b| {
        // The process never frees its specs: keep dropping them out of the timing.
        b.iter_with_large_drop(|| spec::from_sources(spec::STANDARD_FILES.iter().copied()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
