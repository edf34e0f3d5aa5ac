//! The AS2 station as `serve` runs it: the partners that trade over AS2 with their keys
//! read, the listener bound where `[as2]` says, stopped with the rest of serve.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::{Notify, watch};

use super::gateway::Settings;
use crate::engine::Engine;
use crate::transport::Channels;
use crate::transport::as2::http::{Client, ClientConfig, Listener, ListenerConfig, TlsFiles};
use crate::transport::as2::sender::As2Outlet;
use crate::transport::as2::station::{As2Partner, Station, StationConfig, StationHandler};

/// The partners that trade over AS2, their keys and certificates read.
pub fn partners(engine: &Engine, settings: &Settings) -> anyhow::Result<Vec<As2Partner>> {
    let mut partners = Vec::new();
    for profile in &engine.partners.profiles {
        if let Some(partner) =
            As2Partner::load(profile, &settings.partners).map_err(anyhow::Error::msg)?
        {
            partners.push(partner);
        }
    }
    Ok(partners)
}

/// The channels `serve` delivers through: the folders, and AS2 for the partners on it.
pub fn channels(
    engine: &Engine,
    settings: &Settings,
    partners: &[As2Partner],
    runtime: tokio::runtime::Handle,
) -> anyhow::Result<Channels> {
    let as2 = if partners.is_empty() {
        None
    } else {
        Some(
            As2Outlet::new(
                Arc::new(engine.clone()),
                partners.to_vec(),
                runtime,
                StationConfig::default().product,
                settings.as2.as_ref().and_then(|a| a.public_url.clone()),
            )
            .map_err(anyhow::Error::msg)?,
        )
    };
    Ok(Channels {
        folders: settings.folders(),
        as2,
    })
}

/// Binds the station when `[as2]` is configured; the task runs until `stop` turns true and
/// lets the requests in flight finish. None without `[as2]`.
pub async fn start(
    engine: &Engine,
    settings: &Settings,
    partners: Vec<As2Partner>,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<Option<(String, tokio::task::JoinHandle<()>)>> {
    let Some(as2) = &settings.as2 else {
        return Ok(None);
    };
    let listener = Listener::bind(ListenerConfig {
        addr: as2.listen,
        tls: as2.tls.as_ref().map(|(cert, key)| TlsFiles {
            cert_chain_pem: cert.clone(),
            key_pem: key.clone(),
        }),
        max_body_bytes: as2.max_message_bytes,
        max_header_bytes: 64 << 10,
        read_timeout: as2.read_timeout,
        path: as2.path.clone(),
    })
    .await
    .with_context(|| format!("the AS2 station cannot listen on {}", as2.listen))?;
    let client = Client::new(ClientConfig {
        connect_timeout: Duration::from_secs(30),
        request_timeout: Duration::from_secs(120),
        extra_roots: Vec::new(),
        use_system_roots: true,
        max_response_bytes: 1 << 20,
    })?;
    let names: Vec<String> = partners
        .iter()
        .map(|p| format!("{} ({} → {})", p.id, p.their_name, p.our_name))
        .collect();
    let described = format!(
        "{}://{}{} for {}",
        if as2.tls.is_some() { "https" } else { "http" },
        listener.local_addr(),
        as2.path,
        if names.is_empty() {
            "no partner (none has [transport.as2])".to_string()
        } else {
            names.join(", ")
        }
    );
    let station = Arc::new(Station::new(
        Arc::new(engine.clone()),
        partners,
        StationConfig {
            max_decompressed_bytes: as2.max_decompressed_bytes,
            ..StationConfig::default()
        },
        client,
        wake,
    ));
    // Asynchronous MDNs still owed (their partner was down, or serve stopped before they
    // went) are sent again every minute.
    {
        let (station, mut stop) = (station.clone(), stop.clone());
        tokio::spawn(async move {
            while !*stop.borrow() {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(60)) => {}
                    _ = stop.changed() => break,
                }
                station.redeliver_owed_mdns().await;
            }
        });
    }
    let task = tokio::spawn(listener.run(Arc::new(StationHandler(station)), async move {
        while !*stop.borrow() {
            if stop.changed().await.is_err() {
                break;
            }
        }
    }));
    Ok(Some((described, task)))
}
