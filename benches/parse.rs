//! Throughput of the syntax engine on generated files: tokenizing + envelope checking, the
//! work `edigate parse` does, without the report. Inputs are generated in memory (never
//! committed): 10 MB and 100 MB of mixed 850/810/856/820 interchanges.
//!
//! `cargo bench --bench parse`; whole-process numbers against other tools come from
//! `bench/compare.sh` (see BENCHMARKS.md).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use edigate::x12::generate::Generator;
use edigate::x12::{self, Segment, SegmentStream, Visitor};

/// Counts what the engine reports, so that nothing is optimized away.
#[derive(Default)]
struct Tally {
    segments: u64,
    sets: u64,
    diagnostics: u64,
}

impl Visitor<'_> for Tally {
    fn segment(&mut self, _: &Segment<'_>) {
        self.segments += 1;
    }
    fn transaction_end(&mut self, _: &x12::TransactionSummary, _: Option<&Segment<'_>>) {
        self.sets += 1;
    }
    fn diagnostic(&mut self, _: x12::Diagnostic) {
        self.diagnostics += 1;
    }
}

fn generated(bytes: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes as usize + (1 << 16));
    Generator::new(1, bytes).write(&mut out).expect("generate");
    out
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    for (name, size) in [("10MB", 10_000_000u64), ("100MB", 100_000_000)] {
        let input = generated(size);
        let check = x12::parse(&input);
        assert!(
            check.is_sound(),
            "generated input must be sound: {:?}",
            &check.diagnostics[..1]
        );
        drop(check);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::new("in_memory", name), &input, |b, input| {
            b.iter(|| {
                let mut tally = Tally::default();
                x12::parse_into(input, &mut x12::Parser::new(), &mut tally);
                black_box((tally.segments, tally.sets, tally.diagnostics))
            })
        });
        group.bench_with_input(BenchmarkId::new("streamed", name), &input, |b, input| {
            b.iter(|| {
                let mut tally = Tally::default();
                SegmentStream::new(&input[..])
                    .run(&mut tally)
                    .expect("read");
                black_box((tally.segments, tally.sets, tally.diagnostics))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
