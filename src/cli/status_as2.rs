//! The AS2 part of `edigate status`: exchanges that want attention (MDNs awaited, overdue,
//! negative or unverifiable; messages refused) and certificates near their end.

use std::io::{self, Write};
use std::path::Path;

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::messages::{Table, or_dash, rfc3339, rfc3339_opt, utc};
use crate::store::{As2Exchange, Store};
use crate::transport::as2::station::{As2Partner, Expiry};

/// Certificates with fewer days than this left are warned about.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Statuses of an exchange that someone should look at.
const ATTENTION: [&str; 6] = [
    "awaiting-mdn",
    "overdue",
    "rejected",
    "unverified",
    "retrying",
    "refused",
];

pub struct As2Report {
    pub exchanges: Vec<As2Exchange>,
    pub expiring: Vec<Expiry>,
    /// Partners whose AS2 keys or certificates cannot be read, and why.
    pub unreadable: Vec<String>,
}

impl As2Report {
    pub fn gather(
        store: &Store,
        partners: &Path,
        now: NaiveDateTime,
        overdue_only: bool,
    ) -> anyhow::Result<As2Report> {
        let statuses: &[&str] = if overdue_only {
            &["overdue"]
        } else {
            &ATTENTION
        };
        let exchanges = store.write(|tx| {
            tx.mark_as2_overdue(now)?;
            tx.as2_exchanges(statuses, 200)
        })?;
        let (mut expiring, mut unreadable) = (Vec::new(), Vec::new());
        if !overdue_only && partners.is_dir() {
            let (directory, _) = super::partners::load(partners)?;
            for profile in &directory.profiles {
                match As2Partner::load(profile, partners) {
                    Ok(Some(partner)) => expiring.extend(
                        partner
                            .expiries(now.and_utc().timestamp())
                            .into_iter()
                            .filter(|e| e.days_left < EXPIRY_WARNING_DAYS),
                    ),
                    Ok(None) => {}
                    Err(e) => unreadable.push(e),
                }
            }
        }
        Ok(As2Report {
            exchanges,
            expiring,
            unreadable,
        })
    }

    pub fn overdue(&self) -> usize {
        self.exchanges
            .iter()
            .filter(|e| e.status == "overdue")
            .count()
    }

    pub fn json(&self) -> Value {
        let exchanges: Vec<Value> = self
            .exchanges
            .iter()
            .map(|e| {
                json!({
                    "id": e.id,
                    "direction": e.direction,
                    "partner": e.partner,
                    "as2_message_id": e.as2_message_id,
                    "message_id": e.message_id,
                    "status": e.status,
                    "disposition": e.disposition,
                    "reason": e.reason,
                    "mdn_mode": e.mdn_mode,
                    "mdn_due": rfc3339_opt(e.mdn_due_at),
                    "time": rfc3339(e.created_at),
                })
            })
            .collect();
        let expiring: Vec<Value> = self
            .expiring
            .iter()
            .map(|e| json!({ "partner": e.partner, "role": e.role, "subject": e.subject, "days_left": e.days_left }))
            .collect();
        json!({ "exchanges": exchanges, "expiring_certificates": expiring, "unreadable": self.unreadable })
    }

    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "\nAS2 messages that want attention")?;
        if self.exchanges.is_empty() {
            writeln!(out, "  none")?;
        } else {
            let mut table = Table::new(&[
                "partner",
                "dir",
                "Message-ID",
                "message",
                "status",
                "since",
                "why",
            ]);
            for e in &self.exchanges {
                let why = match (e.status.as_str(), &e.reason) {
                    ("awaiting-mdn", _) => {
                        format!("MDN due {}", e.mdn_due_at.map_or("-".into(), utc))
                    }
                    ("overdue", _) => {
                        format!("MDN was due {}", e.mdn_due_at.map_or("-".into(), utc))
                    }
                    (_, Some(reason)) => reason.clone(),
                    _ => or_dash(e.disposition.as_deref()),
                };
                table.row(vec![
                    or_dash(e.partner.as_deref()),
                    e.direction.clone(),
                    e.as2_message_id.clone(),
                    e.message_id.map_or("-".into(), |m| m.to_string()),
                    e.status.clone(),
                    utc(e.updated_at),
                    why,
                ]);
            }
            table.write(out, "  ")?;
        }
        if !self.expiring.is_empty() || !self.unreadable.is_empty() {
            writeln!(out, "\nAS2 certificates")?;
            for e in &self.expiring {
                writeln!(out, "  {}", expiry_line(e))?;
            }
            for u in &self.unreadable {
                writeln!(out, "  cannot be read: {u}")?;
            }
        }
        Ok(())
    }
}

/// One certificate's warning, as `status` and `serve`'s log say it.
pub fn expiry_line(e: &Expiry) -> String {
    if e.days_left < 0 {
        format!(
            "partner {}: {} {} EXPIRED {} day(s) ago: renew it now",
            e.partner, e.role, e.subject, -e.days_left
        )
    } else {
        format!(
            "partner {}: {} {} ends in {} day(s): arrange the rollover (a second certificate may be pinned meanwhile)",
            e.partner, e.role, e.subject, e.days_left
        )
    }
}
