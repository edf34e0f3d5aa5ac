//! `edigate serve`: the gateway running — the partners' inbound folders polled, every job
//! (receive, send, deliver) worked off by a few workers, overdue acknowledgements marked,
//! until SIGTERM or Ctrl-C (or, with `--drain`, until there is nothing left to do).

use std::fs::File;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use super::Status;
use super::gateway::{GatewayArgs, Settings};
use crate::engine::{Engine, WorkSummary};
use crate::store::Backend;
use crate::transport::Channels;
use crate::transport::as2::station::As2Partner;
use crate::transport::dir::Sightings;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    gateway: GatewayArgs,
    /// Stop once the inbound folders are empty and no job is due (for batch runs and
    /// tests); otherwise run until SIGTERM or Ctrl-C.
    #[arg(long)]
    drain: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    // The handlers are in place before anything is opened: a stop asked for during
    // start-up is a graceful one too.
    let signals = {
        let _inside = runtime.enter();
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()).context("cannot handle SIGTERM")?,
            signal(SignalKind::interrupt()).context("cannot handle SIGINT")?,
        )
    };
    let settings = args.gateway.settings()?;
    let engine = settings.engine()?;
    let as2_partners = super::station::partners(&engine, &settings)?;
    let now = engine.clock.now().and_utc().timestamp();
    for expiry in as2_partners.iter().flat_map(|p| p.expiries(now)) {
        if expiry.days_left < super::status_as2::EXPIRY_WARNING_DAYS {
            log(&super::status_as2::expiry_line(&expiry));
        }
    }
    let channel = Arc::new(super::station::channels(
        &engine,
        &settings,
        &as2_partners,
        runtime.handle().clone(),
    )?);
    channel.folders.prepare(&engine)?;
    // SQLite is one machine's store: one serve at a time, and at start every claim on a
    // job is a dead process's, handed back at once instead of waiting for its lease.
    let _lock = match engine.store.backend() {
        Backend::Sqlite => {
            let lock = lock(&settings)?;
            let now = engine.clock.now();
            let released = engine.store.write(|tx| tx.release_jobs(None, now))?;
            if released > 0 {
                log(&format!(
                    "{released} job(s) left running by a stopped serve are due again"
                ));
            }
            Some(lock)
        }
        Backend::Postgres => None,
    };
    let partners: Vec<String> = engine
        .partners
        .profiles
        .iter()
        .map(|p| match channel.folders.folders(p) {
            Some(f) => format!("{} (folder {})", p.id, f.inbound.display()),
            None => format!("{} (no folder channel)", p.id),
        })
        .collect();
    log(&format!(
        "serving on {}; partners: {}; {} worker(s); {}",
        engine.store.url(),
        partners.join(", "),
        settings.workers,
        if args.drain {
            "stops when there is nothing left to do"
        } else {
            "SIGTERM or Ctrl-C stops"
        }
    ));
    let total = runtime.block_on(serve(
        engine,
        channel,
        settings,
        as2_partners,
        args.drain,
        signals,
    ))?;
    log(&format!(
        "stopped: received {}, sent {}, delivered {}, retried {}, exceptions {}; worker time: \
         store {:.3} s, analysis {:.3} s, channels and writing {:.3} s",
        total.received,
        total.sent,
        total.delivered,
        total.retried,
        total.failed,
        total.store_time.as_secs_f64(),
        total.analysis_time.as_secs_f64(),
        total.other_time.as_secs_f64()
    ));
    Ok(Status::Ok)
}

fn lock(settings: &Settings) -> anyhow::Result<File> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("cannot create {}", settings.data_dir.display()))?;
    let path = settings.data_dir.join("serve.lock");
    let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another `edigate serve` runs on {} (it holds {}); stop it first, or use \
             PostgreSQL (--database postgres://...) to run several",
            settings.database,
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

fn log(line: &str) {
    eprintln!(
        "{} edigate serve: {line}",
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ")
    );
}

async fn serve(
    engine: Engine,
    channel: Arc<Channels>,
    settings: Settings,
    as2_partners: Vec<As2Partner>,
    drain: bool,
    signals: (tokio::signal::unix::Signal, tokio::signal::unix::Signal),
) -> anyhow::Result<WorkSummary> {
    let (stop_tx, stop) = watch::channel(false);
    let wake = Arc::new(Notify::new());
    // A worker that found nothing to do says so: a drain checks for the end at once.
    let idle = Arc::new(Notify::new());
    let total = Arc::new(Mutex::new(WorkSummary::default()));
    let mut tasks = JoinSet::new();

    // The AS2 station, when [as2] says where it listens.
    let station =
        super::station::start(&engine, &settings, as2_partners, wake.clone(), stop.clone()).await?;
    if let Some((described, _)) = &station {
        log(&format!("AS2 station at {described}"));
    }

    // Signals: the first one stops taking files and jobs; jobs in flight finish.
    {
        let stop_tx = stop_tx.clone();
        tokio::spawn(async move {
            let (mut term, mut interrupt) = signals;
            tokio::select! {
                _ = term.recv() => {}
                _ = interrupt.recv() => {}
            }
            log("stopping: finishing the jobs in flight");
            let _ = stop_tx.send(true);
        });
    }

    for worker in 0..settings.workers {
        let mut engine = engine.clone();
        // Each worker claims under its own name: what a claim returns is its alone.
        engine.owner = format!("{}/{worker}", engine.owner);
        let channel = channel.clone();
        let wake = wake.clone();
        let idle = idle.clone();
        let total = total.clone();
        let mut stop = stop.clone();
        tasks.spawn(async move {
            while !*stop.borrow() {
                let (e, c) = (engine.clone(), channel.clone());
                let round = tokio::task::spawn_blocking(move || e.work(c.as_ref())).await;
                match round {
                    Ok(Ok(done)) if done.jobs() > 0 => {
                        total.lock().unwrap_or_else(|e| e.into_inner()).add(done);
                        continue;
                    }
                    Ok(Ok(_)) => idle.notify_one(),
                    Ok(Err(e)) => log(&format!("a round of work failed, trying again: {e}")),
                    Err(e) => log(&format!("a worker stopped: {e}")),
                }
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                    _ = stop.changed() => {}
                }
            }
        });
    }

    // The folders, the overdue check, progress, and (with --drain) the end.
    let mut sightings = Sightings::default();
    let mut stop_poll = stop.clone();
    let mut last_overdue = tokio::time::Instant::now() - settings.overdue_check;
    let mut last_report = tokio::time::Instant::now();
    let mut reported = WorkSummary::default();
    let mut idle_polls = 0;
    while !*stop_poll.borrow() {
        let (e, c) = (engine.clone(), channel.clone());
        let polled = tokio::task::spawn_blocking(move || {
            let summary = c.folders.poll(&e, &mut sightings);
            (summary, sightings)
        })
        .await?;
        sightings = polled.1;
        let mut busy = false;
        match polled.0 {
            Ok(p) => {
                if p.stored > 0 || p.recovered > 0 {
                    wake.notify_waiters();
                }
                if p.refused > 0 {
                    log(&format!(
                        "{} file(s) too large to take were moved aside (`edigate exceptions`)",
                        p.refused
                    ));
                }
                if p.recovered > 0 {
                    log(&format!(
                        "{} file(s) stored before a stop were archived now",
                        p.recovered
                    ));
                }
                busy = p.stored > 0 || p.waiting > 0;
            }
            Err(e) => log(&format!("polling the folders failed, trying again: {e}")),
        }
        if last_overdue.elapsed() >= settings.overdue_check {
            last_overdue = tokio::time::Instant::now();
            let e = engine.clone();
            match tokio::task::spawn_blocking(move || e.mark_overdue()).await? {
                Ok(0) => {}
                Ok(n) => log(&format!(
                    "{n} group(s) of ours are now overdue for their 997"
                )),
                Err(e) => log(&format!("the overdue check failed: {e}")),
            }
            let e = engine.clone();
            let as2_overdue = tokio::task::spawn_blocking(move || {
                let now = e.clock.now();
                e.store.write(|tx| tx.mark_as2_overdue(now))
            });
            match as2_overdue.await? {
                Ok(0) => {}
                Ok(n) => log(&format!(
                    "{n} AS2 message(s) of ours are now overdue for their asynchronous MDN"
                )),
                Err(e) => log(&format!("the AS2 overdue check failed: {e}")),
            }
        }
        if last_report.elapsed() >= Duration::from_secs(5) {
            last_report = tokio::time::Instant::now();
            let now = *total.lock().unwrap_or_else(|e| e.into_inner());
            if now != reported {
                log(&format!(
                    "so far: received {}, sent {}, delivered {}, retried {}, exceptions {}",
                    now.received, now.sent, now.delivered, now.retried, now.failed
                ));
                reported = now;
            }
        }
        if drain && !busy {
            let e = engine.clone();
            let due = tokio::task::spawn_blocking(move || {
                let now = e.clock.now();
                e.store.read(|tx| tx.due_jobs(now))
            })
            .await??;
            idle_polls = if due == 0 { idle_polls + 1 } else { 0 };
            // Twice idle, the second poll right after the first count: a file that arrived
            // between the poll and the count is seen.
            if idle_polls >= 2 {
                let _ = stop_tx.send(true);
                break;
            }
            if idle_polls == 1 {
                continue;
            }
        } else {
            idle_polls = 0;
        }
        if drain {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                _ = idle.notified() => {}
                _ = stop_poll.changed() => {}
            }
        } else {
            tokio::select! {
                _ = tokio::time::sleep(settings.poll_interval) => {}
                _ = stop_poll.changed() => {}
            }
        }
    }
    while tasks.join_next().await.is_some() {}
    if let Some((_, task)) = station {
        // Requests in flight are answered (their messages are committed) before the end.
        let _ = task.await;
    }
    let e = engine.clone();
    let released = tokio::task::spawn_blocking(move || {
        let now = e.clock.now();
        e.store.write(|tx| tx.release_jobs(Some(&e.owner), now))
    })
    .await??;
    if released > 0 {
        log(&format!("{released} claimed job(s) handed back"));
    }
    let total = *total.lock().unwrap_or_else(|e| e.into_inner());
    Ok(total)
}
