// The translate pipeline frees on one thread what another allocated (documents, verdicts);
// glibc's malloc makes that cost a third of the run, mimalloc nothing (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    edigate::cli::main()
}
