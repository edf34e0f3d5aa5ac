//! A deterministic generator of valid X12 004010 (or 005010) interchanges (850, 810, 856,
//! 820) of any size, for benchmarks and load tests.
//!
//! The same seed and options always give the same bytes: the only source of variety is a
//! SplitMix64 generator seeded from [`Generator::seed`], and dates come from the seed, not a
//! clock. Output streams through [`InterchangeWriter`], so a gigabyte needs no more memory
//! than a kilobyte.
//!
//! "Valid" means more than well-formed envelopes: every set follows the 004010 segment order
//! and element lengths (checked against the Bots engine's grammars by `tests/generator.rs`),
//! and also what grammars cannot check: real code values, CTT01 counting the line items,
//! TDS and BPR02 equal to the sums they total, HL parents that exist, GS1 check digits on
//! every UPC, SSCC and VICS bill of lading, ABA check digits on routing numbers.
//!
//! Generated parties: retailers send 850 purchase orders and 820 remittances to suppliers,
//! suppliers send 856 ship notices and 810 invoices back; one interchange carries one
//! direction, one functional group per set type.

use std::cell::Cell;
use std::io::{self, Write};

use super::delimiters::Delimiters;
use super::isa::PartyId;
use super::writer::{GroupEnvelope, InterchangeEnvelope, InterchangeWriter, WriteError};

/// The transaction sets the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetKind {
    /// 850, in a PO group.
    PurchaseOrder,
    /// 810, in an IN group.
    Invoice,
    /// 856, in an SH group.
    ShipNotice,
    /// 820, in an RA group.
    RemittanceAdvice,
}

impl SetKind {
    pub const ALL: [SetKind; 4] = [
        SetKind::PurchaseOrder,
        SetKind::Invoice,
        SetKind::ShipNotice,
        SetKind::RemittanceAdvice,
    ];

    /// ST01.
    pub fn id(self) -> &'static str {
        match self {
            SetKind::PurchaseOrder => "850",
            SetKind::Invoice => "810",
            SetKind::ShipNotice => "856",
            SetKind::RemittanceAdvice => "820",
        }
    }

    /// GS01.
    pub fn functional_id(self) -> &'static str {
        match self {
            SetKind::PurchaseOrder => "PO",
            SetKind::Invoice => "IN",
            SetKind::ShipNotice => "SH",
            SetKind::RemittanceAdvice => "RA",
        }
    }

    /// The kind with this ST01, if the generator writes it.
    pub fn from_id(id: &str) -> Option<SetKind> {
        SetKind::ALL.into_iter().find(|k| k.id() == id)
    }

    fn index(self) -> usize {
        self as usize
    }

    /// Retailers send orders and payments; suppliers send ship notices and invoices.
    fn sent_by_retailer(self) -> bool {
        matches!(self, SetKind::PurchaseOrder | SetKind::RemittanceAdvice)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("no transaction set kinds to generate")]
    NoKinds,
    #[error(
        "the delimiter '.' cannot be used: generated data contains it (decimal amounts); \
         choose other delimiters"
    )]
    DotDelimiter,
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub bytes: u64,
    pub interchanges: u64,
    pub groups: u64,
    pub transaction_sets: u64,
    /// Transaction sets per kind, in [`SetKind::ALL`] order.
    pub sets_by_kind: [u64; 4],
}

impl Summary {
    pub fn sets_of(&self, kind: SetKind) -> u64 {
        self.sets_by_kind[kind.index()]
    }
}

/// Configuration of one generated file; [`Generator::write`] produces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generator {
    seed: u64,
    target_size: u64,
    kinds: Vec<SetKind>,
    delimiters: Delimiters,
    line_suffix: String,
    /// GS08: `004010` or `005010` (the sets written are valid in both).
    version: &'static str,
}

impl Generator {
    /// All four set kinds, delimiters `* > ~`, one segment per line.
    pub fn new(seed: u64, target_size: u64) -> Self {
        Generator {
            seed,
            target_size,
            kinds: SetKind::ALL.to_vec(),
            delimiters: Delimiters::COMMON,
            line_suffix: "\n".into(),
            version: "004010",
        }
    }

    /// Writes 005010 interchanges (ISA12 00501, GS08 005010) instead of 004010.
    pub fn version_5010(mut self) -> Self {
        self.version = "005010";
        self
    }

    /// Restricts the output to these kinds (mixed is all four).
    pub fn kinds(mut self, kinds: &[SetKind]) -> Self {
        self.kinds = SetKind::ALL
            .into_iter()
            .filter(|k| kinds.contains(k))
            .collect();
        self
    }

    pub fn delimiters(mut self, delimiters: Delimiters) -> Self {
        self.delimiters = delimiters;
        self
    }

    /// Written after each segment terminator: `"\n"`, `"\r\n"` or `""`.
    pub fn line_suffix(mut self, suffix: &str) -> Self {
        self.line_suffix = suffix.into();
        self
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn target_size(&self) -> u64 {
        self.target_size
    }

    /// Writes interchanges until the output reaches the target size, then closes the open
    /// set's group and interchange, so the file is complete and overshoots by at most one
    /// transaction set and three trailers. At least one transaction set is always written.
    /// Each segment is one `write` call, so give it a `BufWriter` rather than a bare file.
    pub fn write<W: Write>(&self, out: W) -> Result<Summary, GenerateError> {
        if self.kinds.is_empty() {
            return Err(GenerateError::NoKinds);
        }
        let d = self.delimiters;
        if [d.element, d.component, d.segment].contains(&b'.') {
            return Err(GenerateError::DotDelimiter);
        }
        let bytes = Cell::new(0);
        let counting = Counting {
            inner: out,
            bytes: &bytes,
        };
        let writer = InterchangeWriter::new(counting, self.delimiters, &self.line_suffix)?;
        let mut session = Session::new(self, writer, &bytes);
        session.run()?;
        let Session { w, mut summary, .. } = session;
        w.finish()?;
        summary.bytes = bytes.get();
        Ok(summary)
    }
}

/// Counts what reaches the output, which the writer owns and does not expose.
struct Counting<'c, W> {
    inner: W,
    bytes: &'c Cell<u64>,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes.set(self.bytes.get() + n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// SplitMix64, written here so that no dependency upgrade can change generated files.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (multiply-shift; the bias is far below anything a test could see).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.below(denominator) < numerator
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Mostly small, sometimes large, like real documents: 60% in the bottom fifth of
    /// `1..=max`, 30% up to half, 10% anywhere.
    fn count(&mut self, max: u64) -> u64 {
        let cap = match self.below(10) {
            0..=5 => (max / 5).max(1),
            6..=8 => (max / 2).max(1),
            _ => max,
        };
        self.range(1, cap)
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A short element value built on the stack, so writing a segment allocates nothing.
#[derive(Clone, Copy)]
struct Val {
    buf: [u8; 48],
    len: usize,
}

impl Val {
    fn new() -> Self {
        Val {
            buf: [0; 48],
            len: 0,
        }
    }

    fn text(self, s: &str) -> Self {
        self.bytes(s.as_bytes())
    }

    fn bytes(mut self, s: &[u8]) -> Self {
        self.buf[self.len..self.len + s.len()].copy_from_slice(s);
        self.len += s.len();
        self
    }

    fn num(self, n: u64) -> Self {
        self.padded(n, 1)
    }

    /// `n` zero-padded to at least `width` digits.
    fn padded(self, mut n: u64, width: usize) -> Self {
        let mut digits = [b'0'; 20];
        let mut i = digits.len();
        while n > 0 || digits.len() - i < width.max(1) {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        self.bytes(&digits[i..])
    }

    /// An R (decimal) amount from cents, without trailing zeros: 1250 -> `12.5`.
    fn money(self, cents: u64) -> Self {
        let (whole, frac) = (cents / 100, cents % 100);
        let v = self.num(whole);
        match frac {
            0 => v,
            f if f % 10 == 0 => v.text(".").num(f / 10),
            f => v.text(".").padded(f, 2),
        }
    }

    /// CCYYMMDD.
    fn date8(self, day: i64) -> Self {
        let (y, m, d) = civil(day);
        self.padded(y, 4).padded(m, 2).padded(d, 2)
    }

    /// YYMMDD.
    fn date6(self, day: i64) -> Self {
        let (y, m, d) = civil(day);
        self.padded(y % 100, 2).padded(m, 2).padded(d, 2)
    }

    /// HHMM from minutes after midnight.
    fn time4(self, minute: u64) -> Self {
        self.padded(minute / 60, 2).padded(minute % 60, 2)
    }

    /// Appends the GS1 mod-10 check digit of the digits so far (UPC, SSCC, VICS BOL).
    fn gs1_check(self) -> Self {
        let digits = &self.buf[..self.len];
        let sum: u32 = digits
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
            .sum();
        self.num(u64::from((10 - sum % 10) % 10))
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).expect("generated values are ASCII")
    }
}

/// Year, month, day of a day number counted from 1970-01-01 (Hinnant's algorithm).
fn civil(day: i64) -> (u64, u64, u64) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as u64, m as u64, d as u64)
}

/// Day number of a calendar date (inverse of [`civil`]).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An ABA routing number: eight digits and the check digit making
/// 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) a multiple of ten.
fn routing_number(rng: &mut Rng) -> Val {
    // The first two digits name a Federal Reserve district (01..12); 01..09 will do.
    let mut d = [0u64; 9];
    d[1] = rng.range(1, 9);
    for x in &mut d[2..8] {
        *x = rng.below(10);
    }
    let partial = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5]);
    d[8] = (10 - partial % 10) % 10;
    d.iter().fold(Val::new(), |v, &x| v.num(x))
}

const CITIES: [(&str, &str, &str); 20] = [
    ("SPRINGFIELD", "IL", "62701"),
    ("COLUMBUS", "OH", "43215"),
    ("DALLAS", "TX", "75201"),
    ("ATLANTA", "GA", "30303"),
    ("DENVER", "CO", "80202"),
    ("PHOENIX", "AZ", "85004"),
    ("SEATTLE", "WA", "98101"),
    ("BOSTON", "MA", "02108"),
    ("MEMPHIS", "TN", "38103"),
    ("RENO", "NV", "89501"),
    ("KANSAS CITY", "MO", "64106"),
    ("CHARLOTTE", "NC", "28202"),
    ("MINNEAPOLIS", "MN", "55401"),
    ("SALT LAKE CITY", "UT", "84101"),
    ("ALBANY", "NY", "12207"),
    ("PORTLAND", "OR", "97204"),
    ("OMAHA", "NE", "68102"),
    ("TAMPA", "FL", "33602"),
    ("LOUISVILLE", "KY", "40202"),
    ("FRESNO", "CA", "93721"),
];
const STREETS: [&str; 12] = [
    "MAIN ST",
    "INDUSTRIAL PKWY",
    "COMMERCE DR",
    "OAK AVE",
    "DISTRIBUTION WAY",
    "MARKET ST",
    "RIVER RD",
    "LOGISTICS BLVD",
    "ELM ST",
    "FREIGHT LN",
    "CENTRAL AVE",
    "HIGHWAY 40",
];
const RETAILERS: [(&str, &str); 5] = [
    ("NORTHWIND RETAIL CORP", "NORTHWIND"),
    ("BLUE RIDGE MARKETS INC", "BLUE RIDGE"),
    ("HARBOR HOME STORES", "HARBOR HOME"),
    ("SUMMIT OUTFITTERS LLC", "SUMMIT"),
    ("PRAIRIE GENERAL STORES", "PRAIRIE"),
];
const SUPPLIERS: [(&str, &str, [&str; 6]); 8] = [
    (
        "ACME HOUSEWARES INC",
        "ACMEHOUSEWARES",
        [
            "SKILLET",
            "MIXING BOWL",
            "SPATULA",
            "COLANDER",
            "CUTTING BOARD",
            "DISH RACK",
        ],
    ),
    (
        "CASCADE TEXTILES CO",
        "CASCADETEXTILE",
        [
            "BATH TOWEL",
            "HAND TOWEL",
            "BED SHEET SET",
            "PILLOWCASE",
            "THROW BLANKET",
            "DISH CLOTH",
        ],
    ),
    (
        "GRANITE TOOL COMPANY",
        "GRANITETOOL",
        [
            "CLAW HAMMER",
            "SCREWDRIVER SET",
            "TAPE MEASURE",
            "UTILITY KNIFE",
            "SOCKET SET",
            "LEVEL",
        ],
    ),
    (
        "MERIDIAN FOODS LLC",
        "MERIDIANFOODS",
        [
            "GRANOLA",
            "PASTA SAUCE",
            "TRAIL MIX",
            "OLIVE OIL",
            "GREEN TEA",
            "OATMEAL",
        ],
    ),
    (
        "PIONEER PAPER GOODS",
        "PIONEERPAPER",
        [
            "PAPER TOWELS",
            "NAPKINS",
            "NOTEBOOK",
            "COPY PAPER",
            "ENVELOPES",
            "STICKY NOTES",
        ],
    ),
    (
        "LAKESIDE TOYS INC",
        "LAKESIDETOYS",
        [
            "BUILDING BLOCKS",
            "PUZZLE",
            "PLUSH BEAR",
            "TOY TRUCK",
            "BOARD GAME",
            "JUMP ROPE",
        ],
    ),
    (
        "REDWOOD GARDEN SUPPLY",
        "REDWOODGARDEN",
        [
            "GARDEN HOSE",
            "POTTING SOIL",
            "PRUNING SHEARS",
            "PLANTER",
            "WATERING CAN",
            "GLOVES",
        ],
    ),
    (
        "SILVERLINE ELECTRONICS",
        "SILVERLINEELEC",
        [
            "USB CABLE",
            "WALL CHARGER",
            "EARBUDS",
            "POWER STRIP",
            "FLASHLIGHT",
            "BATTERY PACK",
        ],
    ),
];
const ADJECTIVES: [&str; 8] = [
    "DELUXE",
    "CLASSIC",
    "PREMIUM",
    "COMPACT",
    "HEAVY DUTY",
    "ORGANIC",
    "TRAVEL",
    "FAMILY SIZE",
];
const COLORS: [&str; 7] = ["BLUE", "RED", "WHITE", "BLACK", "GREEN", "GRAY", "NATURAL"];
const SIZES: [&str; 7] = ["SMALL", "MEDIUM", "LARGE", "XL", "12 IN", "2 PK", "16 OZ"];
const BUYERS: [&str; 6] = [
    "J SMITH",
    "M GARCIA",
    "L CHEN",
    "R PATEL",
    "K JOHNSON",
    "A NGUYEN",
];
/// SCAC codes and their TD504 transportation method: U private parcel, M motor carrier.
const CARRIERS: [(&str, &str); 8] = [
    ("UPSN", "U"),
    ("FDEG", "U"),
    ("ODFL", "M"),
    ("SAIA", "M"),
    ("RDWY", "M"),
    ("ABFS", "M"),
    ("EXLA", "M"),
    ("CNWY", "M"),
];
/// Real IRS campus prefixes, for plausible EINs in BPR10 and TRN03.
const EIN_PREFIXES: [u64; 10] = [10, 20, 27, 35, 46, 52, 61, 75, 84, 94];
const CASE_PACKS: [u64; 6] = [2, 4, 6, 12, 24, 48];

struct Location {
    name: String,
    /// N104 with N103 92: the retailer's own store or DC number.
    code: String,
    street: String,
    city: (&'static str, &'static str, &'static str),
}

struct Bank {
    routing: Val,
    account: Val,
}

struct Retailer {
    name: &'static str,
    duns: Val,
    locations: Vec<Location>,
    headquarters: Location,
    bank: Bank,
    /// BPR10 / TRN03: `1` followed by the EIN.
    company_id: Val,
    /// Mixed into buyer item numbers so each retailer has its own SKUs.
    salt: u64,
}

struct Supplier {
    name: &'static str,
    /// ISA06/GS02 under qualifier ZZ.
    edi_id: &'static str,
    duns: Val,
    /// Six-digit UPC company prefix.
    prefix: u64,
    /// The vendor number retailers know this supplier by (N1*VN, N1*PE).
    vendor_number: Val,
    warehouse: Location,
    bank: Bank,
    items: Vec<Item>,
}

struct Item {
    upc: Val,
    vendor_item: Val,
    description: String,
    /// Price of one each, in cents.
    price: u64,
    /// Eaches per case.
    pack: u64,
    /// Tenths of a pound per each.
    weight: u64,
}

struct World {
    retailers: Vec<Retailer>,
    suppliers: Vec<Supplier>,
}

impl World {
    fn new(rng: &mut Rng) -> World {
        let mut retailer_order: Vec<usize> = (0..RETAILERS.len()).collect();
        shuffle(rng, &mut retailer_order);
        let retailers = retailer_order[..3]
            .iter()
            .map(|&r| {
                let (name, short) = RETAILERS[r];
                // Distinct numbers: stores below 9000, distribution centers above.
                let locations: Vec<Location> = (0..12)
                    .map(|i| {
                        let (number, name) = if i < 2 {
                            let n = 9000 + i * 100 + rng.range(1, 99);
                            (n, format!("{short} DC {n}"))
                        } else {
                            let n = (i - 2) * 800 + rng.range(1, 799);
                            (n, format!("{short} STORE {n}"))
                        };
                        location(rng, name, Val::new().padded(number, 4))
                    })
                    .collect();
                let headquarters = location(rng, name.to_string(), Val::new().text("HQ"));
                Retailer {
                    name,
                    duns: Val::new().padded(rng.range(10_000_000, 999_999_999), 9),
                    locations,
                    headquarters,
                    bank: bank(rng),
                    company_id: Val::new()
                        .text("1")
                        .num(*rng.pick(&EIN_PREFIXES))
                        .padded(rng.below(10_000_000), 7),
                    salt: rng.next_u64(),
                }
            })
            .collect();
        let mut supplier_order: Vec<usize> = (0..SUPPLIERS.len()).collect();
        shuffle(rng, &mut supplier_order);
        let suppliers = supplier_order[..4]
            .iter()
            .map(|&s| {
                let (name, edi_id, products) = SUPPLIERS[s];
                // UPC-A number systems 0, 6, 7 and 8 are for regular items.
                let prefix = *rng.pick(&[0, 6, 7, 8]) * 100_000 + rng.below(100_000);
                let items = (0..150).map(|i| item(rng, prefix, i, &products)).collect();
                let warehouse = location(rng, format!("{name} DC"), Val::new().text("DC01"));
                Supplier {
                    name,
                    edi_id,
                    duns: Val::new().padded(rng.range(10_000_000, 999_999_999), 9),
                    prefix,
                    vendor_number: Val::new().padded(rng.range(10_000, 999_999), 6),
                    warehouse,
                    bank: bank(rng),
                    items,
                }
            })
            .collect();
        World {
            retailers,
            suppliers,
        }
    }
}

fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i as u64 + 1) as usize);
    }
}

fn location(rng: &mut Rng, name: String, code: Val) -> Location {
    Location {
        name,
        code: code.as_str().to_string(),
        street: format!("{} {}", rng.range(10, 9999), rng.pick(&STREETS)),
        city: *rng.pick(&CITIES),
    }
}

fn bank(rng: &mut Rng) -> Bank {
    Bank {
        routing: routing_number(rng),
        account: Val::new().num(rng.range(10_000_000, 999_999_999_999)),
    }
}

fn item(rng: &mut Rng, prefix: u64, index: u64, products: &[&str; 6]) -> Item {
    let product = products[(index % 6) as usize];
    let description = format!(
        "{} {product} {} {}",
        rng.pick(&ADJECTIVES),
        rng.pick(&COLORS),
        rng.pick(&SIZES)
    );
    let letters = product.as_bytes();
    Item {
        upc: Val::new()
            .padded(prefix, 6)
            .padded(10_000 + index * 7 + rng.below(7), 5)
            .gs1_check(),
        vendor_item: Val::new().bytes(&letters[..3]).padded(1000 + index * 13, 5),
        description,
        price: rng.range(150, 3_999),
        pack: *rng.pick(&CASE_PACKS),
        weight: rng.range(1, 60),
    }
}

/// One 856 order level: its PO and how many cartons it ships in.
struct Order {
    po: u64,
    po_date: i64,
    cartons: usize,
}

/// One 820 remittance line.
struct Remit {
    invoice: u64,
    invoice_date: i64,
    po: u64,
    total: u64,
    discount: u64,
}

/// The state of one generated file.
struct Session<'g, 'c, W: Write> {
    config: &'g Generator,
    w: InterchangeWriter<Counting<'c, W>>,
    bytes: &'c Cell<u64>,
    rng: Rng,
    world: World,
    /// Day number and minute of the current interchange; advances with each one.
    day: i64,
    minute: u64,
    isa13: u64,
    gs06: u64,
    st02: u64,
    next_po: u64,
    next_invoice: u64,
    next_shipment: u64,
    next_serial: u64,
    next_trace: u64,
    summary: Summary,
    // Plans of the current 856 and 820, reused so that large sets allocate once.
    orders: Vec<Order>,
    cartons: Vec<(usize, u64)>,
    carton_items: Vec<(usize, u64)>,
    remits: Vec<Remit>,
}

impl<'g, 'c, W: Write> Session<'g, 'c, W> {
    fn new(
        config: &'g Generator,
        w: InterchangeWriter<Counting<'c, W>>,
        bytes: &'c Cell<u64>,
    ) -> Self {
        let mut rng = Rng(config.seed);
        let world = World::new(&mut rng);
        let day = days_from_civil(2024, 1, 1) + rng.below(3 * 365) as i64;
        Session {
            config,
            w,
            bytes,
            day,
            minute: rng.below(24 * 60),
            isa13: 0,
            gs06: 0,
            st02: 0,
            next_po: rng.range(10_000_000, 80_000_000),
            next_invoice: rng.range(1_000_000, 8_000_000),
            next_shipment: rng.range(10_000_000, 80_000_000),
            next_serial: rng.range(1, 100_000_000),
            next_trace: rng.range(100_000_000, 800_000_000),
            rng,
            world,
            summary: Summary::default(),
            orders: Vec::new(),
            cartons: Vec::new(),
            carton_items: Vec::new(),
            remits: Vec::new(),
        }
    }

    fn run(&mut self) -> Result<(), GenerateError> {
        let mut done = false;
        while !done {
            done = self.interchange()?;
        }
        Ok(())
    }

    /// Writes one interchange; true once the target size is reached.
    fn interchange(&mut self) -> Result<bool, GenerateError> {
        self.minute += self.rng.range(1, 5);
        self.day += (self.minute / 1440) as i64;
        self.minute %= 1440;
        let retailer = self.rng.below(self.world.retailers.len() as u64) as usize;
        let supplier = self.rng.below(self.world.suppliers.len() as u64) as usize;
        let kinds = self.plan_groups();

        let (r, s) = (
            &self.world.retailers[retailer],
            &self.world.suppliers[supplier],
        );
        let retailer_id = PartyId {
            qualifier: "01".into(),
            id: r.duns.as_str().into(),
        };
        let supplier_id = PartyId {
            qualifier: "ZZ".into(),
            id: s.edi_id.into(),
        };
        let (sender, receiver) = if kinds[0].sent_by_retailer() {
            (retailer_id, supplier_id)
        } else {
            (supplier_id, retailer_id)
        };
        self.isa13 = next_control(self.isa13);
        let env = InterchangeEnvelope::new(
            sender.clone(),
            receiver.clone(),
            Val::new().date6(self.day).as_str(),
            Val::new().time4(self.minute).as_str(),
            if self.config.version == "005010" {
                "00501"
            } else {
                "00401"
            },
            self.isa13,
        );
        self.w.begin_interchange(&env)?;
        self.summary.interchanges += 1;
        let mut done = false;
        for kind in kinds {
            self.gs06 = next_control(self.gs06);
            self.w.begin_group(&GroupEnvelope {
                functional_id: kind.functional_id().into(),
                sender: sender.id.clone(),
                receiver: receiver.id.clone(),
                date: Val::new().date8(self.day).as_str().into(),
                time: Val::new().time4(self.minute).as_str().into(),
                control_number: self.gs06,
                version: self.config.version.into(),
            })?;
            self.summary.groups += 1;
            let sets = self.rng.count(12);
            for _ in 0..sets {
                self.st02 = next_control(self.st02);
                self.w.begin_transaction(kind.id(), self.st02)?;
                match kind {
                    SetKind::PurchaseOrder => self.purchase_order(retailer, supplier)?,
                    SetKind::Invoice => self.invoice(retailer, supplier)?,
                    SetKind::ShipNotice => self.ship_notice(retailer, supplier)?,
                    SetKind::RemittanceAdvice => self.remittance(retailer, supplier)?,
                }
                self.w.end_transaction()?;
                self.summary.transaction_sets += 1;
                self.summary.sets_by_kind[kind.index()] += 1;
                if self.bytes.get() >= self.config.target_size {
                    done = true;
                    break;
                }
            }
            self.w.end_group()?;
            if done {
                break;
            }
        }
        self.w.end_interchange()?;
        Ok(done || self.bytes.get() >= self.config.target_size)
    }

    /// The groups of the next interchange: one direction, each configured kind of that
    /// direction at most once (in business order), at least one group.
    fn plan_groups(&mut self) -> Vec<SetKind> {
        let kinds = &self.config.kinds;
        let mut from_retailer = self.rng.chance(1, 2);
        if !kinds.iter().any(|k| k.sent_by_retailer() == from_retailer) {
            from_retailer = !from_retailer;
        }
        let order: [SetKind; 2] = if from_retailer {
            [SetKind::PurchaseOrder, SetKind::RemittanceAdvice]
        } else {
            [SetKind::ShipNotice, SetKind::Invoice]
        };
        let candidates: Vec<SetKind> = order.into_iter().filter(|k| kinds.contains(k)).collect();
        let mut chosen: Vec<SetKind> = candidates
            .iter()
            .copied()
            .filter(|_| self.rng.chance(3, 4))
            .collect();
        if chosen.is_empty() {
            chosen.push(*self.rng.pick(&candidates));
        }
        chosen
    }

    fn purchase_order(&mut self, retailer: usize, supplier: usize) -> Result<(), WriteError> {
        let rng = &mut self.rng;
        let (r, s) = (
            &self.world.retailers[retailer],
            &self.world.suppliers[supplier],
        );
        let w = &mut self.w;
        self.next_po += 1;
        let po = Val::new().text("45").padded(self.next_po, 8);
        let po_date = self.day - rng.below(2) as i64;
        let ship_to = rng.pick(&r.locations);

        w.segment(
            "BEG",
            &[
                "00",
                "SA",
                po.as_str(),
                "",
                Val::new().date8(po_date).as_str(),
            ],
        )?;
        let department = Val::new().padded(rng.range(1, 999), 3);
        w.segment("REF", &["DP", department.as_str()])?;
        let phone = Val::new()
            .num(rng.range(201, 989))
            .text("555")
            .padded(rng.range(100, 199), 4);
        w.segment("PER", &["BD", *rng.pick(&BUYERS), "TE", phone.as_str()])?;
        if rng.chance(1, 2) {
            w.segment("FOB", &[if rng.chance(1, 2) { "PP" } else { "CC" }])?;
        }
        // Terms 2% 10, net 30 from the invoice date.
        w.segment("ITD", &["01", "3", "2", "", "10", "", "30"])?;
        let ship = po_date + rng.range(3, 14) as i64;
        w.segment("DTM", &["010", Val::new().date8(ship).as_str()])?;
        let deliver = ship + rng.range(2, 10) as i64;
        w.segment("DTM", &["002", Val::new().date8(deliver).as_str()])?;
        party(w, "BT", r.name, "1", r.duns.as_str(), Some(&r.headquarters))?;
        party(w, "ST", &ship_to.name, "92", &ship_to.code, Some(ship_to))?;
        party(w, "VN", s.name, "92", s.vendor_number.as_str(), None)?;

        let (lines, quantity_total, _) = item_lines(w, rng, r, s, "PO1")?;
        transaction_totals(w, lines, quantity_total)
    }

    fn invoice(&mut self, retailer: usize, supplier: usize) -> Result<(), WriteError> {
        let rng = &mut self.rng;
        let (r, s) = (
            &self.world.retailers[retailer],
            &self.world.suppliers[supplier],
        );
        let w = &mut self.w;
        self.next_invoice += 1;
        let po = Val::new()
            .text("45")
            .padded(self.next_po.saturating_sub(rng.below(500)), 8);
        let po_date = self.day - rng.range(5, 30) as i64;
        let ship_to = rng.pick(&r.locations);

        w.segment(
            "BIG",
            &[
                Val::new().date8(self.day).as_str(),
                Val::new().num(self.next_invoice).as_str(),
                Val::new().date8(po_date).as_str(),
                po.as_str(),
            ],
        )?;
        w.segment("REF", &["IA", s.vendor_number.as_str()])?;
        party(w, "BT", r.name, "1", r.duns.as_str(), Some(&r.headquarters))?;
        party(w, "ST", &ship_to.name, "92", &ship_to.code, Some(ship_to))?;
        party(w, "VN", s.name, "92", s.vendor_number.as_str(), None)?;
        party(
            w,
            "SF",
            &s.warehouse.name,
            "1",
            s.duns.as_str(),
            Some(&s.warehouse),
        )?;
        w.segment("ITD", &["01", "3", "2", "", "10", "", "30"])?;
        let shipped = self.day - rng.range(0, 3) as i64;
        w.segment("DTM", &["011", Val::new().date8(shipped).as_str()])?;

        let (lines, quantity_total, amount) = item_lines(w, rng, r, s, "IT1")?;
        // TDS is N2: cents with the decimal point implied.
        w.segment("TDS", &[Val::new().num(amount).as_str()])?;
        transaction_totals(w, lines, quantity_total)
    }

    /// Shipment, order, pack (carton), item levels: BSN05 0001.
    fn ship_notice(&mut self, retailer: usize, supplier: usize) -> Result<(), WriteError> {
        let rng = &mut self.rng;
        let (r, s) = (
            &self.world.retailers[retailer],
            &self.world.suppliers[supplier],
        );
        let w = &mut self.w;

        // TD1 totals the cartons and weight before they are listed, so plan first.
        self.orders.clear();
        self.cartons.clear();
        self.carton_items.clear();
        let mut weight = 0;
        for _ in 0..rng.count(4) {
            let cartons = rng.count(20) as usize;
            self.orders.push(Order {
                po: self.next_po.saturating_sub(rng.below(500)),
                po_date: self.day - rng.range(3, 20) as i64,
                cartons,
            });
            for _ in 0..cartons {
                let first = self.carton_items.len();
                for _ in 0..rng.count(4) {
                    let i = rng.below(s.items.len() as u64) as usize;
                    let item = &s.items[i];
                    let quantity = if rng.chance(1, 2) {
                        item.pack
                    } else {
                        rng.range(1, 24)
                    };
                    weight += quantity * item.weight;
                    self.carton_items.push((i, quantity));
                }
                self.cartons.push((first, 0));
            }
        }
        let carton_count = self.cartons.len();
        for c in 0..carton_count {
            let end = self
                .cartons
                .get(c + 1)
                .map_or(self.carton_items.len(), |n| n.0);
            self.cartons[c].1 = (end - self.cartons[c].0) as u64;
        }

        self.next_shipment += 1;
        let shipped = self.day;
        w.segment(
            "BSN",
            &[
                "00",
                Val::new().num(self.next_shipment).as_str(),
                Val::new().date8(shipped).as_str(),
                Val::new().time4(self.minute).as_str(),
                "0001",
            ],
        )?;
        w.segment("DTM", &["011", Val::new().date8(shipped).as_str()])?;

        let mut hl = 1;
        w.segment("HL", &["1", "", "S", "1"])?;
        w.segment(
            "TD1",
            &[
                "CTN25",
                Val::new().num(carton_count as u64).as_str(),
                "",
                "",
                "",
                "G",
                Val::new().money(weight * 10).as_str(),
                "LB",
            ],
        )?;
        let (scac, method) = *rng.pick(&CARRIERS);
        w.segment("TD5", &["B", "2", scac, method])?;
        // VICS bill of lading: GS1 company prefix, serial, check digit (17 digits).
        self.next_serial += 1;
        let bol = Val::new()
            .padded(s.prefix, 7)
            .padded(self.next_serial % 1_000_000_000, 9)
            .gs1_check();
        w.segment("REF", &["BM", bol.as_str()])?;
        let delivery = shipped + rng.range(1, 7) as i64;
        w.segment("DTM", &["017", Val::new().date8(delivery).as_str()])?;
        let ship_to = rng.pick(&r.locations);
        party(w, "ST", &ship_to.name, "92", &ship_to.code, Some(ship_to))?;
        party(
            w,
            "SF",
            &s.warehouse.name,
            "1",
            s.duns.as_str(),
            Some(&s.warehouse),
        )?;

        let mut carton = 0;
        for order in &self.orders {
            hl += 1;
            let order_hl = hl;
            w.segment("HL", &[Val::new().num(order_hl).as_str(), "1", "O", "1"])?;
            w.segment(
                "PRF",
                &[
                    Val::new().text("45").padded(order.po, 8).as_str(),
                    "",
                    "",
                    Val::new().date8(order.po_date).as_str(),
                ],
            )?;
            for _ in 0..order.cartons {
                hl += 1;
                let pack_hl = hl;
                w.segment(
                    "HL",
                    &[
                        Val::new().num(pack_hl).as_str(),
                        Val::new().num(order_hl).as_str(),
                        "P",
                        "1",
                    ],
                )?;
                // SSCC-18: extension digit, GS1 company prefix, serial; MAN02 carries it
                // with its application identifier 00, as scanned from the label.
                self.next_serial += 1;
                let sscc = Val::new()
                    .num(self.next_serial % 10)
                    .padded(s.prefix, 7)
                    .padded(self.next_serial % 1_000_000_000, 9)
                    .gs1_check();
                let man02 = Val::new().text("00").text(sscc.as_str());
                w.segment("MAN", &["GM", man02.as_str()])?;
                let (first, count) = self.cartons[carton];
                carton += 1;
                for &(i, quantity) in &self.carton_items[first..first + count as usize] {
                    hl += 1;
                    let item = &s.items[i];
                    w.segment(
                        "HL",
                        &[
                            Val::new().num(hl).as_str(),
                            Val::new().num(pack_hl).as_str(),
                            "I",
                            "0",
                        ],
                    )?;
                    w.segment(
                        "LIN",
                        &["", "UP", item.upc.as_str(), "VN", item.vendor_item.as_str()],
                    )?;
                    w.segment("SN1", &["", Val::new().num(quantity).as_str(), "EA"])?;
                    w.segment("PID", &["F", "", "", "", &item.description])?;
                }
            }
        }
        // In the 856, CTT01 counts the HL segments.
        w.segment("CTT", &[Val::new().num(hl).as_str()])
    }

    fn remittance(&mut self, retailer: usize, supplier: usize) -> Result<(), WriteError> {
        let rng = &mut self.rng;
        let (r, s) = (
            &self.world.retailers[retailer],
            &self.world.suppliers[supplier],
        );
        let w = &mut self.w;

        // BPR02 is the sum of what the RMRs pay, so plan them first.
        self.remits.clear();
        let mut invoice = self.next_invoice.saturating_sub(rng.range(1, 300));
        let mut paid = 0;
        for _ in 0..rng.count(40) {
            invoice = invoice.saturating_sub(rng.range(1, 5));
            let total = rng.range(5_000, 2_500_000);
            // 2% for paying within 10 days, as the terms offer; not every payer takes it.
            let discount = if rng.chance(1, 2) {
                (total * 2 + 50) / 100
            } else {
                0
            };
            paid += total - discount;
            self.remits.push(Remit {
                invoice,
                invoice_date: self.day - rng.range(5, 40) as i64,
                po: self.next_po.saturating_sub(rng.below(800)),
                total,
                discount,
            });
        }

        let effective = self.day + rng.range(1, 2) as i64;
        w.segment(
            "BPR",
            &[
                "C",
                Val::new().money(paid).as_str(),
                "C",
                "ACH",
                "CTX",
                "01",
                r.bank.routing.as_str(),
                "DA",
                r.bank.account.as_str(),
                r.company_id.as_str(),
                "",
                "01",
                s.bank.routing.as_str(),
                "DA",
                s.bank.account.as_str(),
                Val::new().date8(effective).as_str(),
            ],
        )?;
        self.next_trace += 1;
        w.segment(
            "TRN",
            &[
                "1",
                Val::new().num(self.next_trace).as_str(),
                r.company_id.as_str(),
            ],
        )?;
        w.segment("DTM", &["097", Val::new().date8(self.day).as_str()])?;
        w.segment("N1", &["PR", r.name, "1", r.duns.as_str()])?;
        w.segment("N1", &["PE", s.name, "92", s.vendor_number.as_str()])?;
        w.segment("ENT", &["1"])?;
        for remit in &self.remits {
            let discount = Val::new().money(remit.discount);
            w.segment(
                "RMR",
                &[
                    "IV",
                    Val::new().num(remit.invoice).as_str(),
                    "PI",
                    Val::new().money(remit.total - remit.discount).as_str(),
                    Val::new().money(remit.total).as_str(),
                    if remit.discount > 0 {
                        discount.as_str()
                    } else {
                        ""
                    },
                ],
            )?;
            w.segment(
                "REF",
                &["PO", Val::new().text("45").padded(remit.po, 8).as_str()],
            )?;
            w.segment(
                "DTM",
                &["003", Val::new().date8(remit.invoice_date).as_str()],
            )?;
        }
        Ok(())
    }
}

/// Sequential and at most nine digits (ISA13, GS06, ST02 limits); wraps to 1 past that.
fn next_control(n: u64) -> u64 {
    n % 999_999_999 + 1
}

/// Quantity, unit and unit price of an order or invoice line: eaches, or cases at the
/// case price.
fn order_quantity(rng: &mut Rng, item: &Item) -> (u64, &'static str, u64) {
    if rng.chance(1, 2) {
        (rng.range(1, 40), "CA", item.price * item.pack)
    } else {
        (rng.range(1, 144), "EA", item.price)
    }
}

/// The retailer's own nine-digit number for a supplier item.
fn buyer_item(r: &Retailer, item: usize) -> Val {
    Val::new().num(100_000_000 + mix(r.salt ^ item as u64) % 900_000_000)
}

/// An N1 loop: N1, and N3/N4 when the address matters.
/// The item lines of an order (PO1, each with its PID and PO4 pack) or an invoice (IT1, with
/// its PID): line number, quantity, unit, unit price, and the item's UPC, vendor and buyer
/// numbers. Returns the number of lines, the total quantity and the total in cents.
fn item_lines<W: Write>(
    w: &mut InterchangeWriter<W>,
    rng: &mut Rng,
    r: &Retailer,
    s: &Supplier,
    segment: &str,
) -> Result<(u64, u64, u64), WriteError> {
    let lines = rng.count(50);
    let (mut quantity_total, mut amount) = (0, 0);
    for line in 1..=lines {
        let i = rng.below(s.items.len() as u64) as usize;
        let item = &s.items[i];
        let (quantity, uom, price) = order_quantity(rng, item);
        quantity_total += quantity;
        amount += quantity * price;
        let sku = buyer_item(r, i);
        w.segment(
            segment,
            &[
                Val::new().num(line).as_str(),
                Val::new().num(quantity).as_str(),
                uom,
                Val::new().money(price).as_str(),
                "",
                "UP",
                item.upc.as_str(),
                "VN",
                item.vendor_item.as_str(),
                "IN",
                sku.as_str(),
            ],
        )?;
        w.segment("PID", &["F", "", "", "", &item.description])?;
        if segment == "PO1" {
            w.segment("PO4", &[Val::new().num(item.pack).as_str()])?;
        }
    }
    Ok((lines, quantity_total, amount))
}

/// CTT: the number of line items and the hash total of their quantities.
fn transaction_totals<W: Write>(
    w: &mut InterchangeWriter<W>,
    lines: u64,
    quantity_total: u64,
) -> Result<(), WriteError> {
    w.segment(
        "CTT",
        &[
            Val::new().num(lines).as_str(),
            Val::new().num(quantity_total).as_str(),
        ],
    )
}

fn party<W: Write>(
    w: &mut InterchangeWriter<W>,
    code: &str,
    name: &str,
    qualifier: &str,
    id: &str,
    address: Option<&Location>,
) -> Result<(), WriteError> {
    w.segment("N1", &[code, name, qualifier, id])?;
    if let Some(a) = address {
        let (city, state, zip) = a.city;
        w.segment("N3", &[&a.street])?;
        w.segment("N4", &[city, state, zip, "US"])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12::{Segment, parse};

    fn generate(g: &Generator) -> (Vec<u8>, Summary) {
        let mut out = Vec::new();
        let summary = g.write(&mut out).unwrap();
        (out, summary)
    }

    fn text(s: &[u8]) -> &str {
        std::str::from_utf8(s).unwrap()
    }

    fn element<'a>(s: &Segment<'a>, n: u32) -> &'a str {
        text(s.value(n))
    }

    /// R amounts to cents.
    fn cents(v: &str) -> u64 {
        let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
        let frac = format!("{frac:0<2}");
        whole.parse::<u64>().unwrap() * 100 + frac.parse::<u64>().unwrap()
    }

    fn gs1_valid(digits: &str) -> bool {
        let (body, check) = digits.split_at(digits.len() - 1);
        Val::new().text(body).gs1_check().as_str().ends_with(check)
    }

    fn with_id<'s, 'a>(
        segs: &'s [Segment<'a>],
        id: &'s str,
    ) -> impl Iterator<Item = &'s Segment<'a>> {
        segs.iter().filter(move |s| s.id_str() == id)
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let (a, _) = generate(&Generator::new(7, 200_000));
        let (b, _) = generate(&Generator::new(7, 200_000));
        let (c, _) = generate(&Generator::new(8, 200_000));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn size_is_near_target_and_counted() {
        for target in [50_000, 300_000, 1_000_000] {
            let (out, summary) = generate(&Generator::new(3, target));
            assert_eq!(out.len() as u64, summary.bytes);
            assert!(summary.bytes >= target, "{} < {target}", summary.bytes);
            // One set (the largest is an 856 of a few hundred HLs) plus trailers.
            assert!(
                summary.bytes < target + 60_000,
                "{} overshoots {target}",
                summary.bytes
            );
        }
    }

    #[test]
    fn zero_target_still_writes_one_complete_set() {
        let (out, summary) = generate(&Generator::new(1, 0));
        assert_eq!(summary.interchanges, 1);
        assert_eq!(summary.transaction_sets, 1);
        assert!(parse(&out).is_sound());
    }

    #[test]
    fn output_parses_clean_with_expected_counts() {
        let (out, summary) = generate(&Generator::new(11, 800_000));
        let doc = parse(&out);
        assert!(doc.diagnostics.is_empty(), "{:?}", &doc.diagnostics[..1]);
        assert_eq!(doc.interchanges.len() as u64, summary.interchanges);
        let groups: Vec<_> = doc.interchanges.iter().flat_map(|i| &i.groups).collect();
        assert_eq!(groups.len() as u64, summary.groups);
        let sets: Vec<_> = groups.iter().flat_map(|g| &g.transaction_sets).collect();
        assert_eq!(sets.len() as u64, summary.transaction_sets);
        for kind in SetKind::ALL {
            let n = sets.iter().filter(|s| s.header.id == kind.id()).count() as u64;
            assert!(n > 0, "no {} in a mixed file", kind.id());
            assert_eq!(n, summary.sets_of(kind));
        }
        for (n, ic) in doc.interchanges.iter().enumerate() {
            assert_eq!(ic.header.version, "00401");
            assert_eq!(ic.header.control_number, format!("{:09}", n + 1));
        }
        for (n, g) in groups.iter().enumerate() {
            assert_eq!(g.header.version, "004010");
            assert_eq!(g.header.agency, "X");
            assert_eq!(g.header.control_number, (n + 1).to_string());
            for set in &g.transaction_sets {
                let kind = SetKind::from_id(&set.header.id).unwrap();
                assert_eq!(g.header.functional_id, kind.functional_id());
            }
        }
        for (n, s) in sets.iter().enumerate() {
            assert_eq!(s.header.control_number, format!("{:04}", n + 1));
        }
    }

    #[test]
    fn one_kind_only() {
        for kind in SetKind::ALL {
            let (out, summary) = generate(&Generator::new(5, 100_000).kinds(&[kind]));
            assert_eq!(summary.sets_of(kind), summary.transaction_sets);
            let doc = parse(&out);
            assert!(doc.is_sound());
            assert!(
                doc.interchanges
                    .iter()
                    .flat_map(|i| &i.groups)
                    .all(|g| g.header.functional_id == kind.functional_id())
            );
        }
        assert!(matches!(
            Generator::new(5, 1).kinds(&[]).write(io::sink()),
            Err(GenerateError::NoKinds)
        ));
    }

    #[test]
    fn other_delimiters_and_no_line_breaks() {
        let d = Delimiters {
            element: b'|',
            component: b':',
            repetition: None,
            segment: b'\n',
        };
        let (out, _) = generate(&Generator::new(2, 50_000).delimiters(d).line_suffix(""));
        assert_eq!(out[3], b'|');
        assert!(parse(&out).diagnostics.is_empty());
        let dot = Delimiters {
            element: b'.',
            ..Delimiters::COMMON
        };
        assert!(matches!(
            Generator::new(2, 1).delimiters(dot).write(io::sink()),
            Err(GenerateError::DotDelimiter)
        ));
    }

    #[test]
    fn dates_are_calendar_dates() {
        for day in [0, 59, 365 + 59, 19_782, 20_000, 20_513] {
            let (y, m, d) = civil(day);
            assert_eq!(days_from_civil(y as i64, m as i64, d as i64), day);
        }
        assert_eq!(days_from_civil(2024, 1, 1), 19_723);
        let leap_day = days_from_civil(2024, 2, 29);
        assert_eq!(Val::new().date8(leap_day).as_str(), "20240229");
        assert_eq!(Val::new().date6(leap_day + 1).as_str(), "240301");
        assert_eq!(Val::new().time4(605).as_str(), "1005");
        assert_eq!(Val::new().money(1250).as_str(), "12.5");
        assert_eq!(Val::new().money(1205).as_str(), "12.05");
        assert_eq!(Val::new().money(4000).as_str(), "40");
    }

    #[test]
    fn check_digits_match_published_examples() {
        // GS1's own examples: UPC-A 036000291452, SSCC 106141411234567897.
        assert_eq!(
            Val::new().text("03600029145").gs1_check().as_str(),
            "036000291452"
        );
        assert!(gs1_valid("106141411234567897"));
        let mut rng = Rng(9);
        for _ in 0..100 {
            let aba = routing_number(&mut rng);
            let d: Vec<u64> = aba.as_str().bytes().map(|b| u64::from(b - b'0')).collect();
            let sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8];
            assert_eq!(sum % 10, 0, "{}", aba.as_str());
        }
    }

    /// What Bots cannot check: totals, counts, hierarchy, check digits, code values.
    #[test]
    fn business_content_is_consistent() {
        let (out, _) = generate(&Generator::new(21, 600_000));
        let doc = parse(&out);
        let sets = doc
            .interchanges
            .iter()
            .flat_map(|i| &i.groups)
            .flat_map(|g| &g.transaction_sets);
        for set in sets {
            let segs = &set.segments[1..set.segments.len() - 1];
            let ids = |id| with_id(segs, id);
            for n1 in ids("N1") {
                assert!(
                    ["ST", "BT", "VN", "SF", "PR", "PE"].contains(&element(n1, 1)),
                    "N101 {}",
                    element(n1, 1)
                );
            }
            match set.header.id.as_str() {
                "850" => {
                    let beg = &segs[0];
                    assert_eq!((element(beg, 1), element(beg, 2)), ("00", "SA"));
                    assert!(element(beg, 3).len() <= 22);
                    let lines: Vec<_> = ids("PO1").collect();
                    assert!((1..=50).contains(&lines.len()));
                    let quantities: u64 = lines
                        .iter()
                        .map(|l| element(l, 2).parse::<u64>().unwrap())
                        .sum();
                    for l in &lines {
                        assert!(["EA", "CA"].contains(&element(l, 3)));
                        assert_eq!(element(l, 6), "UP");
                        assert!(gs1_valid(element(l, 7)) && element(l, 7).len() == 12);
                    }
                    let ctt = ids("CTT").next().unwrap();
                    assert_eq!(element(ctt, 1), lines.len().to_string());
                    assert_eq!(element(ctt, 2), quantities.to_string());
                }
                "810" => {
                    let lines: Vec<_> = ids("IT1").collect();
                    let total: u64 = lines
                        .iter()
                        .map(|l| element(l, 2).parse::<u64>().unwrap() * cents(element(l, 4)))
                        .sum();
                    let tds = ids("TDS").next().unwrap();
                    assert_eq!(element(tds, 1), total.to_string());
                    let ctt = ids("CTT").next().unwrap();
                    assert_eq!(element(ctt, 1), lines.len().to_string());
                }
                "856" => {
                    let mut levels = std::collections::HashMap::new();
                    for (n, hl) in ids("HL").enumerate() {
                        assert_eq!(element(hl, 1), (n + 1).to_string());
                        let parent = match element(hl, 3) {
                            "S" => None,
                            "O" => Some("S"),
                            "P" => Some("O"),
                            "I" => Some("P"),
                            other => panic!("HL03 {other}"),
                        };
                        assert_eq!(
                            parent,
                            levels.get(element(hl, 2)).copied(),
                            "HL {}",
                            element(hl, 1)
                        );
                        levels.insert(element(hl, 1), element(hl, 3));
                    }
                    for man in ids("MAN") {
                        let sscc = element(man, 2);
                        assert_eq!(element(man, 1), "GM");
                        assert!(sscc.len() == 20 && sscc.starts_with("00") && gs1_valid(sscc));
                    }
                    let bol = ids("REF").find(|r| element(r, 1) == "BM").unwrap();
                    assert!(element(bol, 2).len() == 17 && gs1_valid(element(bol, 2)));
                    let ctt = ids("CTT").next().unwrap();
                    assert_eq!(element(ctt, 1), levels.len().to_string());
                }
                "820" => {
                    let bpr = &segs[0];
                    let paid: u64 = ids("RMR").map(|r| cents(element(r, 4))).sum();
                    assert_eq!(cents(element(bpr, 2)), paid);
                    for rmr in ids("RMR") {
                        let discount = cents(if element(rmr, 6).is_empty() {
                            "0"
                        } else {
                            element(rmr, 6)
                        });
                        assert_eq!(cents(element(rmr, 4)) + discount, cents(element(rmr, 5)));
                    }
                    assert_eq!(element(bpr, 10).len(), 10);
                    let trn = ids("TRN").next().unwrap();
                    assert_eq!(element(trn, 3), element(bpr, 10));
                }
                other => panic!("unexpected set {other}"),
            }
        }
    }
}
