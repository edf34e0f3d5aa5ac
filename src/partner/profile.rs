//! A partner profile: who the partner is on the wire, who we are towards them, how we
//! envelope what we send, what acknowledgements go each way, how files travel, and the
//! commercial terms agreed. Read from TOML text (the caller reads `partners/<id>.toml`) in two
//! steps: [`RawProfile`] is the file as written (serde, unknown keys refused), [`Profile`] is
//! the same checked and resolved into the types the rest of edigate uses. Every problem is a
//! [`ProfileError`] naming the file, the key and what is allowed.
//!
//! Secrets (keys, passwords) are never in a profile: it says where they are ([`Secret`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::document::ship_notice::PackingStructure;
use crate::document::terms::Terms;
use crate::map::ack::Ta1Policy;
use crate::x12::{Delimiters, PartyId};

use super::rules::{self, RawRule, Rule};

/// The transaction sets a profile may name, and the versions edigate speaks.
pub const SETS: &[&str] = &["850", "810", "856", "820", "997"];
pub const VERSIONS: &[&str] = &["004010", "005010"];

/// The profile as written.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    /// The profile's id: the file's name without `.toml`.
    pub id: String,
    pub name: String,
    /// The partner on the wire.
    pub partner: RawIdentity,
    /// Us, towards this partner.
    pub us: RawIdentity,
    pub envelope: RawEnvelope,
    #[serde(default)]
    pub acknowledgements: RawAcknowledgements,
    #[serde(default)]
    pub transport: Option<RawTransport>,
    #[serde(default)]
    pub commercial: RawCommercial,
    /// The partner's compliance rules (`[[rules]]`, see `rules.rs`).
    #[serde(default)]
    pub rules: Vec<RawRule>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawIdentity {
    /// ISA05/06 (or 07/08) in production, `QUALIFIER:ID` (`ZZ:BIGRETAIL`, `01:123456789`).
    pub isa: String,
    /// The same in the test environment, when it differs.
    #[serde(default)]
    pub test_isa: Option<String>,
    /// GS02/GS03 application code; the ISA id when left out.
    #[serde(default)]
    pub gs: Option<String>,
    /// AS2-From/AS2-To name.
    #[serde(default)]
    pub as2: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnvelope {
    /// `production` or `test`: which ids we use and what ISA15 says.
    #[serde(default = "production")]
    pub environment: String,
    /// The version per transaction set, both ways: `{ "850" = "004010", ... }`.
    pub versions: BTreeMap<String, String>,
    /// The delimiters we send: one character each; `repetition` only from 005010.
    #[serde(default)]
    pub delimiters: RawDelimiters,
}

fn production() -> String {
    "production".to_owned()
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDelimiters {
    pub element: String,
    pub component: String,
    #[serde(default)]
    pub repetition: Option<String>,
    pub segment: String,
    /// Written after each segment terminator: `"\n"` (readable), `"\r\n"` or `""`.
    #[serde(default)]
    pub line_suffix: String,
}

impl Default for RawDelimiters {
    fn default() -> Self {
        RawDelimiters {
            element: "*".into(),
            component: ">".into(),
            repetition: Some("^".into()),
            segment: "~".into(),
            line_suffix: "\n".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawAcknowledgements {
    /// When we send a TA1: `on-error`, `requested`, `always`, `never`.
    #[serde(default = "on_error")]
    pub ta1: String,
    /// Whether we answer their functional groups with 997s.
    #[serde(default = "yes")]
    pub send_997: bool,
    /// Hours within which their 997 for what we send is due; none: we expect none.
    #[serde(default)]
    pub expect_997_within_hours: Option<u32>,
    /// Whether they send TA1s for our interchanges.
    #[serde(default)]
    pub expect_ta1: bool,
}

fn on_error() -> String {
    "on-error".to_owned()
}

fn yes() -> bool {
    true
}

impl Default for RawAcknowledgements {
    fn default() -> Self {
        RawAcknowledgements {
            ta1: on_error(),
            send_997: true,
            expect_997_within_hours: None,
            expect_ta1: false,
        }
    }
}

/// How files travel: exactly one channel.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTransport {
    #[serde(default)]
    pub as2: Option<As2>,
    #[serde(default)]
    pub sftp: Option<Sftp>,
    #[serde(default)]
    pub folder: Option<Folder>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct As2 {
    /// Where we POST messages to the partner.
    pub url: String,
    /// The partner's certificate (signature checks, encryption to them); a PEM with two
    /// during a rollover (both accepted for signatures, the first encrypted to).
    pub partner_certificate: Secret,
    /// Our private key and its certificate (one PEM) for signing and decrypting.
    pub our_key: Secret,
    /// Our next key during a rollover: messages encrypted to either are opened.
    #[serde(default)]
    pub our_next_key: Option<Secret>,
    /// The CA that issued the partner's TLS certificate, when it is not a public one.
    #[serde(default)]
    pub tls_ca: Option<Secret>,
    #[serde(default = "yes")]
    pub sign: bool,
    #[serde(default = "yes")]
    pub encrypt: bool,
    #[serde(default)]
    pub compress: bool,
    /// `sync` or `async`.
    #[serde(default = "sync")]
    pub mdn: String,
    /// Whether we ask for a signed MDN.
    #[serde(default = "yes")]
    pub signed_mdn: bool,
    /// The digest we sign with and ask the MDN's MIC in: sha-256 unless the partner needs
    /// another (sha1 only for legacy partners).
    #[serde(default = "sha256")]
    pub digest: String,
    /// The cipher we encrypt with: aes128-cbc unless the partner needs another (3des only
    /// for legacy partners; aes*-gcm only where agreed).
    #[serde(default = "aes128")]
    pub cipher: String,
    /// What the partner must do to what it sends us (insufficient-message-security
    /// otherwise); as we do when left out.
    #[serde(default)]
    pub require_signed: Option<bool>,
    #[serde(default)]
    pub require_encrypted: Option<bool>,
    /// Accept AES-GCM (authenticated-enveloped-data) from the partner.
    #[serde(default)]
    pub accept_gcm: bool,
}

/// Digest names as profiles may write them (any case, with or without dashes).
pub const AS2_DIGESTS: [&str; 5] = ["sha1", "sha224", "sha256", "sha384", "sha512"];
/// Cipher names as profiles may write them (any case, with or without dashes).
pub const AS2_CIPHERS: [&str; 6] = [
    "3des",
    "aes128cbc",
    "aes192cbc",
    "aes256cbc",
    "aes128gcm",
    "aes256gcm",
];

/// A name without case, dashes or underscores: how the lists above are compared.
pub fn algorithm_key(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn sha256() -> String {
    "sha-256".to_owned()
}

fn aes128() -> String {
    "aes128-cbc".to_owned()
}

fn sync() -> String {
    "sync".to_owned()
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sftp {
    pub host: String,
    #[serde(default = "ssh_port")]
    pub port: u16,
    pub user: String,
    /// A password or a private key: one of the two.
    #[serde(default)]
    pub password: Option<Secret>,
    #[serde(default)]
    pub key: Option<Secret>,
    /// Their folder we collect from, and the one we deliver to.
    pub inbound: String,
    pub outbound: String,
}

fn ssh_port() -> u16 {
    22
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Folder {
    /// Where the partner's files arrive, and where ours are written.
    pub inbound: String,
    pub outbound: String,
    /// Where a file is moved once it is stored; default: `archive` beside `inbound`.
    #[serde(default)]
    pub archive: Option<String>,
}

/// Where a secret is: a file or an environment variable, never the secret itself. A plain
/// string in its place is refused with that explanation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Secret {
    Path {
        path: String,
    },
    Env {
        env: String,
    },
    /// What is refused; kept so the refusal can say where.
    Inline(String),
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommercial {
    /// The payment terms agreed (an invoice states these unless the order says otherwise).
    #[serde(default)]
    pub terms: Vec<Terms>,
    /// Our GS1 company prefix, for the SSCCs of our cartons and pallets.
    #[serde(default)]
    pub gs1_company_prefix: Option<String>,
    #[serde(default)]
    pub sscc_extension_digit: u8,
    /// The hierarchy the partner wants in our 856s.
    #[serde(default)]
    pub asn_structure: Option<PackingStructure>,
    /// Whether the partner wants a pallet (tare) level in our 856s.
    #[serde(default)]
    pub pallets: bool,
}

/// A profile checked and resolved.
#[derive(Debug, Clone)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub partner: Identity,
    pub us: Identity,
    pub test: bool,
    /// Version per transaction set.
    pub versions: BTreeMap<String, String>,
    pub delimiters: Delimiters,
    pub line_suffix: String,
    pub ta1: Ta1Policy,
    pub send_997: bool,
    pub expect_997_within_hours: Option<u32>,
    pub expect_ta1: bool,
    pub transport: Option<RawTransport>,
    pub terms: Vec<Terms>,
    pub gs1_company_prefix: Option<String>,
    pub sscc_extension_digit: u8,
    pub asn_structure: Option<PackingStructure>,
    pub pallets: bool,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub isa: PartyId,
    pub test_isa: Option<PartyId>,
    pub gs: String,
    pub as2: Option<String>,
}

impl Identity {
    /// The ISA id in use: the test one in the test environment, when there is one.
    pub fn isa_for(&self, test: bool) -> &PartyId {
        match (&self.test_isa, test) {
            (Some(id), true) => id,
            _ => &self.isa,
        }
    }

    /// Whether `id` is this party, in either environment.
    pub fn is(&self, id: &PartyId) -> bool {
        same_party(&self.isa, id) || self.test_isa.as_ref().is_some_and(|t| same_party(t, id))
    }
}

/// ISA ids compare without their padding, as partners pad them differently.
fn same_party(a: &PartyId, b: &PartyId) -> bool {
    a.qualifier.trim() == b.qualifier.trim() && a.id.trim() == b.id.trim()
}

impl Profile {
    /// The version this partner uses for transaction set `id`.
    pub fn version_for(&self, set: &str) -> Option<&str> {
        self.versions.get(set).map(String::as_str)
    }
}

/// One thing wrong with a profile: where (file, line when known, key) and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub file: String,
    pub line: Option<usize>,
    /// The dotted key (`envelope.versions.850`), or empty for the file as a whole.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Reads and resolves the profile in `text`, from `file` (named in errors; its stem must be
/// the profile's id). `exists` says whether a path a secret names is there, so that a missing
/// key file is found when the profile is checked rather than when the first message fails.
pub fn read(
    file: &str,
    text: &str,
    exists: &dyn Fn(&str) -> bool,
) -> Result<Profile, Vec<ProfileError>> {
    let raw: RawProfile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|span| line_of(text, span.start));
        vec![ProfileError {
            file: file.to_owned(),
            line,
            key: String::new(),
            message: e.message().trim_end().to_owned(),
        }]
    })?;
    Resolver {
        file,
        text,
        errors: Vec::new(),
    }
    .resolve(raw, exists)
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |before| before.bytes().filter(|&b| b == b'\n').count())
        + 1
}

/// The line a dotted key is written on, found the way a reader would: each part's table
/// header or key from where the previous part was found, the last part as a key (or a
/// quoted key of an inline table) at or after it.
fn key_line(text: &str, key: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let parts: Vec<&str> = key.split('.').collect();
    let mut at = 0;
    for (k, part) in parts.iter().enumerate() {
        let last = k + 1 == parts.len();
        let found = (at..lines.len()).find(|&i| {
            let line = lines[i].trim_start();
            let header = line.starts_with('[')
                && line
                    .trim_start_matches('[')
                    .split(']')
                    .next()
                    .is_some_and(|h| h.split('.').any(|s| s.trim() == *part));
            let named = line.starts_with(&format!("{part} "))
                || line.starts_with(&format!("{part}="))
                || line.contains(&format!("\"{part}\""));
            (header && !last) || named
        })?;
        at = found;
    }
    Some(at + 1)
}

struct Resolver<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<ProfileError>,
}

impl Resolver<'_> {
    fn error(&mut self, key: &str, message: impl Into<String>) {
        let line = key_line(self.text, key);
        self.errors.push(ProfileError {
            file: self.file.to_owned(),
            line,
            key: key.to_owned(),
            message: message.into(),
        });
    }

    fn resolve(
        mut self,
        raw: RawProfile,
        exists: &dyn Fn(&str) -> bool,
    ) -> Result<Profile, Vec<ProfileError>> {
        let stem = self
            .file
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(self.file)
            .trim_end_matches(".toml");
        if raw.id != stem {
            self.error(
                "id",
                format!(
                    "is '{}' but the file is {stem}.toml: a profile's id is its file's name",
                    raw.id
                ),
            );
        }
        if raw.id.is_empty()
            || !raw
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            self.error(
                "id",
                "must be lower-case letters, digits and '-' (it names the file and the partner \
                 in every command)",
            );
        }
        let partner = self.identity("partner", &raw.partner);
        let us = self.identity("us", &raw.us);
        let test = match raw.envelope.environment.as_str() {
            "production" => false,
            "test" => true,
            other => {
                self.error(
                    "envelope.environment",
                    format!("is '{other}'; allowed: production, test"),
                );
                false
            }
        };
        for (set, version) in &raw.envelope.versions {
            if !SETS.contains(&set.as_str()) {
                self.error(
                    &format!("envelope.versions.{set}"),
                    format!("names set {set}; allowed: {}", SETS.join(", ")),
                );
            }
            if !VERSIONS.contains(&version.as_str()) {
                self.error(
                    &format!("envelope.versions.{set}"),
                    format!("is '{version}'; allowed: {}", VERSIONS.join(", ")),
                );
            }
        }
        if raw.envelope.versions.is_empty() {
            self.error(
                "envelope.versions",
                "names no transaction set: give the version of each set you trade, e.g. \
                 { \"850\" = \"004010\", \"810\" = \"004010\" }",
            );
        }
        let (delimiters, line_suffix) = self.delimiters(&raw.envelope.delimiters);
        if delimiters.repetition.is_none()
            && raw
                .envelope
                .versions
                .values()
                .any(|v| v.as_str() >= "005010")
        {
            self.error(
                "envelope.delimiters.repetition",
                "is missing, but from 005010 ISA11 is the repetition separator: give one \
                 (most partners use '^')",
            );
        }
        if delimiters.repetition.is_some()
            && raw
                .envelope
                .versions
                .values()
                .all(|v| v.as_str() < "005010")
        {
            self.error(
                "envelope.delimiters.repetition",
                "is set but every set is below 005010, where ISA11 is the standards identifier \
                 'U', not a separator: leave it out",
            );
        }
        let ta1 = match raw.acknowledgements.ta1.as_str() {
            "on-error" => Ta1Policy::OnError,
            "requested" => Ta1Policy::Requested,
            "always" => Ta1Policy::Always,
            "never" => Ta1Policy::Never,
            other => {
                self.error(
                    "acknowledgements.ta1",
                    format!("is '{other}'; allowed: on-error, requested, always, never"),
                );
                Ta1Policy::OnError
            }
        };
        if let Some(transport) = &raw.transport {
            self.transport(transport, exists);
        }
        let commercial = &raw.commercial;
        if let Some(prefix) = &commercial.gs1_company_prefix
            && (!(7..=10).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_digit()))
        {
            self.error(
                "commercial.gs1_company_prefix",
                format!("is '{prefix}'; a GS1 company prefix is 7 to 10 digits"),
            );
        }
        if commercial.sscc_extension_digit > 9 {
            self.error(
                "commercial.sscc_extension_digit",
                format!(
                    "is {}; it is one digit, 0 to 9",
                    commercial.sscc_extension_digit
                ),
            );
        }
        if let Some(PackingStructure::Other(code)) = &commercial.asn_structure {
            self.error(
                "commercial.asn_structure",
                format!(
                    "is {code}; allowed: shipment_order_pack_item, shipment_order_item_pack, \
                     shipment_order_item"
                ),
            );
        }
        let rules = self.rules(&raw);
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        let (Some(partner), Some(us)) = (partner, us) else {
            return Err(self.errors);
        };
        Ok(Profile {
            id: raw.id,
            name: raw.name,
            partner,
            us,
            test,
            versions: raw.envelope.versions,
            delimiters,
            line_suffix,
            ta1,
            send_997: raw.acknowledgements.send_997,
            expect_997_within_hours: raw.acknowledgements.expect_997_within_hours,
            expect_ta1: raw.acknowledgements.expect_ta1,
            transport: raw.transport,
            terms: raw.commercial.terms,
            gs1_company_prefix: raw.commercial.gs1_company_prefix,
            sscc_extension_digit: raw.commercial.sscc_extension_digit,
            asn_structure: raw.commercial.asn_structure,
            pallets: raw.commercial.pallets,
            rules,
        })
    }

    /// The rules, each checked against the spec of the version its set is traded in.
    fn rules(&mut self, raw: &RawProfile) -> Vec<Rule> {
        let Ok(specs) = crate::spec::standard() else {
            self.error(
                "rules",
                "the built-in specs are broken, so no rule can be checked",
            );
            return Vec::new();
        };
        let mut rules = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for (index, rule) in raw.rules.iter().enumerate() {
            if seen.contains(&rule.id.as_str()) {
                self.rule_error(
                    &format!("rules[{index}].id"),
                    &rule.id,
                    format!("'{}' is the id of an earlier rule too", rule.id),
                );
            }
            seen.push(&rule.id);
            let version = raw.envelope.versions.get(&rule.set).map(String::as_str);
            match rules::resolve(rule, index, version, specs) {
                Ok(resolved) => {
                    if matches!(resolved.check, rules::Check::AgreedTerms)
                        && raw.commercial.terms.is_empty()
                    {
                        self.rule_error(
                            &format!("rules[{index}].kind"),
                            &rule.id,
                            "a terms rule holds invoices to the agreed terms, but \
                             commercial.terms names none"
                                .to_owned(),
                        );
                    }
                    rules.push(resolved);
                }
                Err(problems) => {
                    for (key, message) in problems {
                        self.rule_error(&key, &rule.id, message);
                    }
                }
            }
        }
        rules
    }

    /// A problem with a rule, found at the rule's `id = ...` line.
    fn rule_error(&mut self, key: &str, id: &str, message: String) {
        let line = self
            .text
            .lines()
            .position(|l| {
                let l = l.trim_start();
                l.starts_with("id") && l.contains(&format!("\"{id}\""))
            })
            .map(|i| i + 1);
        self.errors.push(ProfileError {
            file: self.file.to_owned(),
            line,
            key: format!("{key} (rule {id})"),
            message,
        });
    }

    fn identity(&mut self, key: &str, raw: &RawIdentity) -> Option<Identity> {
        let isa = self.isa(&format!("{key}.isa"), &raw.isa);
        let test_isa = raw
            .test_isa
            .as_ref()
            .map(|t| self.isa(&format!("{key}.test_isa"), t));
        let gs = raw
            .gs
            .clone()
            .or_else(|| isa.as_ref().map(|i| i.id.clone()))
            .unwrap_or_default();
        // Without a usable ISA id there is no default to check; that is reported already.
        let defaulted_from_bad_isa = raw.gs.is_none() && isa.is_none();
        if !defaulted_from_bad_isa
            && (gs.is_empty() || gs.len() > 15 || !gs.bytes().all(|b| b.is_ascii_graphic()))
        {
            self.error(
                &format!("{key}.gs"),
                format!("is '{gs}'; a GS application code is 1 to 15 printable characters"),
            );
        }
        Some(Identity {
            isa: isa?,
            test_isa: match test_isa {
                Some(t) => Some(t?),
                None => None,
            },
            gs,
            as2: raw.as2.clone(),
        })
    }

    fn isa(&mut self, key: &str, text: &str) -> Option<PartyId> {
        let Some((qualifier, id)) = text.split_once(':') else {
            self.error(
                key,
                format!("is '{text}'; write QUALIFIER:ID, e.g. ZZ:BIGRETAIL or 01:123456789"),
            );
            return None;
        };
        if qualifier.len() != 2 || !qualifier.bytes().all(|b| b.is_ascii_alphanumeric()) {
            self.error(
                key,
                format!("qualifier '{qualifier}': an ISA qualifier is two characters (ZZ, 01, 08, 12, 14...)"),
            );
            return None;
        }
        if id.is_empty() || id.len() > 15 || !id.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        {
            self.error(
                key,
                format!("id '{id}': an ISA id is 1 to 15 printable characters"),
            );
            return None;
        }
        Some(PartyId {
            qualifier: qualifier.to_owned(),
            id: id.trim_end().to_owned(),
        })
    }

    fn delimiters(&mut self, raw: &RawDelimiters) -> (Delimiters, String) {
        let mut one = |key: &str, text: &str| -> u8 {
            match text.as_bytes() {
                [b] if b.is_ascii() => *b,
                _ => {
                    self.error(
                        &format!("envelope.delimiters.{key}"),
                        format!("is '{text}'; a delimiter is one ASCII character"),
                    );
                    b'*'
                }
            }
        };
        let delimiters = Delimiters {
            element: one("element", &raw.element),
            component: one("component", &raw.component),
            repetition: raw.repetition.as_deref().map(|r| one("repetition", r)),
            segment: one("segment", &raw.segment),
        };
        if let Err(e) = delimiters.check() {
            self.error("envelope.delimiters", e);
        }
        if !matches!(raw.line_suffix.as_str(), "" | "\n" | "\r\n") {
            self.error(
                "envelope.delimiters.line_suffix",
                "allowed: \"\", \"\\n\", \"\\r\\n\"",
            );
        }
        (delimiters, raw.line_suffix.clone())
    }

    fn transport(&mut self, raw: &RawTransport, exists: &dyn Fn(&str) -> bool) {
        let channels = [raw.as2.is_some(), raw.sftp.is_some(), raw.folder.is_some()]
            .iter()
            .filter(|&&c| c)
            .count();
        if channels != 1 {
            self.error(
                "transport",
                format!(
                    "names {channels} channels; give exactly one of [transport.as2], \
                     [transport.sftp], [transport.folder]"
                ),
            );
        }
        if let Some(as2) = &raw.as2 {
            if !(as2.url.starts_with("https://") || as2.url.starts_with("http://")) {
                self.error(
                    "transport.as2.url",
                    format!(
                        "is '{}'; an AS2 URL starts with https:// or http://",
                        as2.url
                    ),
                );
            }
            self.secret(
                "transport.as2.partner_certificate",
                &as2.partner_certificate,
                exists,
            );
            self.secret("transport.as2.our_key", &as2.our_key, exists);
            if let Some(next) = &as2.our_next_key {
                self.secret("transport.as2.our_next_key", next, exists);
            }
            if let Some(ca) = &as2.tls_ca {
                self.secret("transport.as2.tls_ca", ca, exists);
            }
            if !AS2_DIGESTS.contains(&algorithm_key(&as2.digest).as_str()) {
                self.error(
                    "transport.as2.digest",
                    format!(
                        "is '{}'; allowed: sha1, sha-224, sha-256, sha-384, sha-512",
                        as2.digest
                    ),
                );
            }
            if !AS2_CIPHERS.contains(&algorithm_key(&as2.cipher).as_str()) {
                self.error(
                    "transport.as2.cipher",
                    format!(
                        "is '{}'; allowed: aes128-cbc, aes192-cbc, aes256-cbc, aes128-gcm, aes256-gcm, 3des",
                        as2.cipher
                    ),
                );
            }
            if !matches!(as2.mdn.as_str(), "sync" | "async") {
                self.error(
                    "transport.as2.mdn",
                    format!("is '{}'; allowed: sync, async", as2.mdn),
                );
            }
        }
        if let Some(sftp) = &raw.sftp {
            match (&sftp.password, &sftp.key) {
                (Some(p), None) => self.secret("transport.sftp.password", p, exists),
                (None, Some(k)) => self.secret("transport.sftp.key", k, exists),
                _ => self.error(
                    "transport.sftp",
                    "give exactly one of password and key (each { env = \"NAME\" } or \
                     { path = \"FILE\" })",
                ),
            }
        }
    }

    fn secret(&mut self, key: &str, secret: &Secret, exists: &dyn Fn(&str) -> bool) {
        match secret {
            Secret::Inline(_) => self.error(
                key,
                "is written inline; secrets are never stored in a profile: give \
                 { env = \"NAME\" } or { path = \"FILE\" }",
            ),
            Secret::Path { path } if !exists(path) => {
                self.error(key, format!("names the file {path}, which is not there"));
            }
            Secret::Env { env } if env.is_empty() => {
                self.error(key, "names an empty environment variable");
            }
            _ => {}
        }
    }
}
