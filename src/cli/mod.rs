//! The `edigate` command. Exit status is a contract: 0 ok / accepted, 1 the document was
//! rejected or the check failed, 2 the command could not run (bad arguments, unreadable
//! file, no usable ISA).

mod ack;
mod ack_view;
mod compliance;
mod derive;
mod emit;
mod gateway;
mod generate;
mod inbox;
mod matching;
mod messages;
mod parse;
mod partners;
mod serve;
mod specs;
mod station;
mod status;
mod status_as2;
mod tee;
mod translate;
mod validate;
mod xml;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "edigate",
    version,
    about = "X12 EDI translator and B2B gateway"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the envelope tree of an X12 file (interchanges, groups, transaction sets) and
    /// every envelope problem found. Exit 0 when the envelopes are sound, 1 when they have
    /// errors, 2 when the file cannot be read or has no usable ISA.
    Parse(parse::Args),
    /// Write a deterministic, valid X12 file (004010 or 005010) of 850/810/856/820
    /// transaction sets of about the requested size, for benchmarks and load tests.
    Generate(generate::Args),
    /// Check every transaction set against the X12 standard (004010, 005010: 850, 810, 856,
    /// 820, 997) and print per interchange, group and set the verdict a 997 gives and every
    /// finding with its place. Exit 0 when every set is accepted, 1 when anything is
    /// rejected, 2 when the file cannot be read.
    Validate(validate::Args),
    /// Print the reply to a received file: a TA1 when due and one 997 per functional group,
    /// addressed back to the sender. Exit status as for `validate`.
    Ack(ack::Args),
    /// Translate every transaction set into its canonical document (850 → purchase order,
    /// 820 → remittance, 810 → invoice), one JSON document per line, streamed. Findings and envelope problems go to
    /// standard error. Exit 0 when every set was mapped cleanly, 1 when a set could not be
    /// mapped or a value could not be read, 2 when the file cannot be read.
    Translate(translate::Args),
    /// Write a canonical document (JSON) as X12 on standard output: `emit invoice` gives an
    /// 810, its totals worked out from its lines, checked against the standard before it is
    /// written. Exit 0 written, 1 the document was refused (each problem on standard error,
    /// naming its field), 2 bad arguments or unreadable input.
    Emit(emit::Args),
    /// Derive the 810 invoice for a shipment from the received 850 (`--order`) and the
    /// warehouse's shipment confirmation (`--shipment`, JSON): what shipped, at the order's
    /// prices, allowances carried over, terms' due dates worked out; emitted as `emit
    /// invoice` does (`--document` prints the invoice JSON instead). Exit 0 written, 1 the
    /// order, the confirmation or the invoice has problems (listed), 2 unreadable input.
    Invoice(derive::Args),
    /// Derive the 856 ship notice for a shipment from the received 850 (`--order`) and the
    /// warehouse's shipment confirmation (`--shipment`, JSON): pallets, cartons with their
    /// SSCC-18s (checked, or made from the GS1 company prefix), items with the order's line
    /// ids and product ids, each line's status; emitted as `emit asn` does (`--document`
    /// prints the notice JSON instead). Exit status as for `invoice`.
    Asn(derive::Args),
    /// The partner profiles (`partners/<id>.toml`): `list`, `show ID`, `check [DIR]` (every
    /// problem with file, line, key and what is allowed; exit 1 on any).
    Partners(partners::Args),
    /// Hold the documents of one order to each other (the three-way match): ship notices
    /// against the order, invoices against the order and the notices, by the partner's
    /// consistency rules, with its other rules for each document. Exit 1 on a reject.
    Match(matching::Args),
    /// Run the gateway: the partners' inbound folders watched, every file stored before
    /// anything else, validated, acknowledged (997/TA1 to the partner's outbound folder) and
    /// translated; documents queued with `send` numbered and delivered; 997s tracked. With
    /// no configuration: SQLite in ./edigate-data with the profiles of ./partners.
    Serve(serve::Args),
    /// Put a file into the gateway's inbox as if it had arrived (`serve` processes it).
    Submit(inbox::SubmitArgs),
    /// Queue a canonical document (JSON) for a partner: `serve` writes it as X12 with the
    /// partner's envelope and control numbers, checks it, and delivers it. Exit 1 when it
    /// cannot be queued (not a document of its kind, a set the partner does not trade).
    Send(inbox::SendArgs),
    /// Where the acknowledgements stand: functional groups per partner, direction and 997
    /// status; our groups waiting for their 997 (pending, overdue) or not fully accepted in
    /// it, and received groups whose 997 has not been delivered yet, each with its control
    /// numbers, documents, times and how late. Late groups are marked overdue first.
    /// `--overdue` lists only those and exits 1 when there are any (for monitoring).
    Status(status::StatusArgs),
    /// One line per message the gateway keeps (received and sent): id, time, direction,
    /// partner, channel, file name, size, status, note.
    Messages(messages::ListArgs),
    /// Everything about one message: its envelopes with their control numbers and
    /// verdicts, the validation log, the acknowledgements sent and received, the canonical
    /// documents, its jobs and its history. `--raw` prints the bytes as kept.
    Show(messages::ShowArgs),
    /// The jobs that failed for good (a file from an unknown partner, a document refused, a
    /// channel that stayed down), each with what it was about and what to do. Exit 1 when
    /// there are any.
    Exceptions(status::ExceptionsArgs),
    /// Put failed messages through their step again (a received one through processing, one
    /// of ours through delivery); `serve` runs them. Exit 1 when any is refused (one that
    /// was processed already, or is not failed), each with the reason on standard error.
    Replay(messages::ReplayArgs),
}

/// Exit statuses of every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok = 0,
    Rejected = 1,
    CannotRun = 2,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s as u8)
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Status::CannotRun.into()
            } else {
                Status::Ok.into()
            };
        }
    };
    let result = match cli.command {
        Command::Parse(args) => parse::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Ack(args) => ack::run(&args),
        Command::Translate(args) => translate::run(&args),
        Command::Emit(args) => emit::run(&args),
        Command::Invoice(args) => derive::invoice(&args),
        Command::Asn(args) => derive::asn(&args),
        Command::Partners(args) => partners::run(&args),
        Command::Match(args) => matching::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Submit(args) => inbox::submit(&args),
        Command::Send(args) => inbox::send(&args),
        Command::Status(args) => status::status(&args),
        Command::Messages(args) => messages::list(&args),
        Command::Show(args) => messages::show(&args),
        Command::Exceptions(args) => status::exceptions(&args),
        Command::Replay(args) => messages::replay(&args),
    };
    match result {
        Ok(status) => status.into(),
        Err(e) if is_broken_pipe(&e) => Status::Ok.into(),
        Err(e) => {
            eprintln!("edigate: {e:#}");
            Status::CannotRun.into()
        }
    }
}

/// A reader closing our output early (`edigate parse big.edi | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
