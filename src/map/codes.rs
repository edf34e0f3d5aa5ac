//! The X12 code lists the mappings need, each paired with the canonical enum that says the same
//! thing in business words. The knowledge is data: one [`Table`] per code list, read in both
//! directions.
//!
//! - code → word: a code the table knows becomes its word; any other code becomes the enum's
//!   `Other(code)`, so a partner's new or unusual code never fails a translation and is never
//!   lost.
//! - word → code: a word's code is the first pair that names it; `Other(code)` gives back its
//!   code, so what came in as an unknown code goes out unchanged.
//!
//! A word may appear in more than one pair: the later pairs are synonyms the partners send
//! (`J` as well as `M` for motor freight), read as that word but never written. Every meaning
//! below was checked against the standard's code list (`specs/*/codes.xml`, which holds the
//! common codes); the few codes outside those lists are named in the tests with their source.

use crate::document::common::{
    AllowanceChargeService, AllowanceHandling, AllowanceOrCharge, ContactRole, DateKind, IdScheme,
    PartyRole, ProductIdKind, Purpose, ReferenceKind, TransportMode, UnitOfMeasure,
};
use crate::document::invoice::{InvoiceKind, TaxKind};
use crate::document::order::{FobPoint, FreightPayment, OrderKind, PriceBasis};
use crate::document::remittance::{
    AccountKind, AdjustmentReason, CreditOrDebit, PaymentFormat, PaymentHandling, PaymentMethod,
    RoutingScheme,
};
use crate::document::ship_notice::{EquipmentKind, ItemStatus, PackingStructure};
use crate::document::terms::{TermsBasis, TermsKind};

/// One code list: the X12 element it belongs to and its (code, word) pairs.
#[derive(Debug)]
pub struct Table<T: 'static> {
    /// The data element reference number of the list (`353`, `I05`).
    pub element: &'static str,
    /// What the list is, for messages.
    pub name: &'static str,
    pub pairs: &'static [(&'static str, T)],
}

impl<T: PartialEq> Table<T> {
    /// The word for `code`, when the table knows the code.
    pub fn find(&self, code: &str) -> Option<&'static T> {
        self.pairs.iter().find(|(c, _)| *c == code).map(|(_, w)| w)
    }

    /// The code written for `word`: the first pair that names it; `None` when this list has
    /// no code for that word.
    pub fn code_of(&self, word: &T) -> Option<&'static str> {
        self.pairs.iter().find(|(_, w)| w == word).map(|(c, _)| *c)
    }
}

/// An enum with an `Other(String)` variant for meanings the model has no name for.
pub trait Open: Sized {
    fn other(code: &str) -> Self;
    fn as_other(&self) -> Option<&str>;
}

macro_rules! open {
    ($($t:ident),* $(,)?) => {$(
        impl Open for $t {
            fn other(code: &str) -> Self {
                $t::Other(code.to_owned())
            }
            fn as_other(&self) -> Option<&str> {
                match self {
                    $t::Other(code) => Some(code),
                    _ => None,
                }
            }
        }
    )*};
}

open!(
    Purpose,
    OrderKind,
    PartyRole,
    IdScheme,
    ReferenceKind,
    DateKind,
    UnitOfMeasure,
    ProductIdKind,
    TermsKind,
    TermsBasis,
    AllowanceChargeService,
    AllowanceHandling,
    FreightPayment,
    FobPoint,
    TransportMode,
    PriceBasis,
    ContactRole,
    PaymentHandling,
    PaymentMethod,
    PaymentFormat,
    RoutingScheme,
    AccountKind,
    AdjustmentReason,
    InvoiceKind,
    TaxKind,
);

impl<T: PartialEq + Clone + Open> Table<T> {
    /// The word for `code`; `Other(code)` when the table does not know it.
    pub fn word(&self, code: &str) -> T {
        self.find(code).cloned().unwrap_or_else(|| T::other(code))
    }

    /// The code for `word`: its table code, or what an `Other` carries; `None` when the word
    /// has no code in this list (a store number has no id qualifier of its own in 66, say).
    pub fn code<'w>(&self, word: &'w T) -> Option<&'w str> {
        word.as_other().or_else(|| self.code_of(word))
    }
}

/// BEG01: why the order is sent.
pub static PURPOSE: Table<Purpose> = Table {
    element: "353",
    name: "transaction set purpose",
    pairs: &[
        ("00", Purpose::Original),
        ("01", Purpose::Cancellation),
        ("04", Purpose::Change),
        ("05", Purpose::Replace),
        ("06", Purpose::Confirmation),
        ("07", Purpose::Duplicate),
    ],
};

/// BEG02: what kind of order. BE (blanket, estimated quantities) is not `Blanket`, whose
/// quantities are firm, and DR (direct ship, to a store) is not `DropShip` (to the buyer's
/// customer): both stay `Other`.
pub static ORDER_KIND: Table<OrderKind> = Table {
    element: "92",
    name: "purchase order type",
    pairs: &[
        ("SA", OrderKind::StandAlone),
        ("BK", OrderKind::Blanket),
        ("RL", OrderKind::Release),
        ("DS", OrderKind::DropShip),
        ("RO", OrderKind::Rush),
    ],
};

/// N101 (and the other entity identifiers of 98): the role a party plays.
pub static PARTY_ROLE: Table<PartyRole> = Table {
    element: "98",
    name: "entity identifier",
    pairs: &[
        ("ST", PartyRole::ShipTo),
        ("BT", PartyRole::BillTo),
        ("BY", PartyRole::Buyer),
        ("VN", PartyRole::Vendor),
        ("SF", PartyRole::ShipFrom),
        ("Z7", PartyRole::MarkFor),
        ("RI", PartyRole::RemitTo),
        ("SE", PartyRole::Seller),
        ("PR", PartyRole::Payer),
        ("PE", PartyRole::Payee),
        ("OB", PartyRole::OrderedBy),
        // "Supplier/Manufacturer": the model's vendor (PartyRole accepts "supplier" too).
        ("SU", PartyRole::Vendor),
    ],
};

/// N103, SDQ02, TD502: the scheme an id code belongs to.
pub static ID_SCHEME: Table<IdScheme> = Table {
    element: "66",
    name: "identification code qualifier",
    pairs: &[
        ("1", IdScheme::Duns),
        ("9", IdScheme::DunsPlus4),
        ("UL", IdScheme::Gln),
        ("92", IdScheme::BuyerAssigned),
        ("91", IdScheme::SellerAssigned),
        ("ZZ", IdScheme::MutuallyDefined),
    ],
};

/// ISA05 / ISA07: the scheme of an interchange sender or receiver id.
pub static INTERCHANGE_ID_SCHEME: Table<IdScheme> = Table {
    element: "I05",
    name: "interchange id qualifier",
    pairs: &[
        ("01", IdScheme::Duns),
        ("16", IdScheme::DunsPlus4),
        ("ZZ", IdScheme::MutuallyDefined),
    ],
};

/// REF01, N901: what a reference number refers to.
pub static REFERENCE_KIND: Table<ReferenceKind> = Table {
    element: "128",
    name: "reference identification qualifier",
    pairs: &[
        ("DP", ReferenceKind::Department),
        ("VR", ReferenceKind::VendorNumber),
        ("IA", ReferenceKind::InternalVendor),
        ("PD", ReferenceKind::Promotion),
        ("CT", ReferenceKind::Contract),
        ("CR", ReferenceKind::CustomerReference),
        ("PO", ReferenceKind::PurchaseOrder),
        ("IV", ReferenceKind::InvoiceNumber),
        ("CM", ReferenceKind::CreditMemo),
        ("DB", ReferenceKind::DebitMemo),
        ("BM", ReferenceKind::BillOfLading),
        ("CN", ReferenceKind::ProNumber),
        ("2I", ReferenceKind::TrackingNumber),
        ("PK", ReferenceKind::PackingList),
    ],
};

/// DTM01: what a date is the date of.
pub static DATE_KIND: Table<DateKind> = Table {
    element: "374",
    name: "date/time qualifier",
    pairs: &[
        ("002", DateKind::RequestedDelivery),
        ("010", DateKind::RequestedShip),
        ("037", DateKind::ShipNotBefore),
        ("038", DateKind::ShipNoLater),
        ("064", DateKind::DeliverNotBefore),
        ("063", DateKind::DeliverNoLater),
        ("001", DateKind::CancelAfter),
        ("011", DateKind::Shipped),
        ("017", DateKind::EstimatedDelivery),
        ("035", DateKind::Delivered),
        ("015", DateKind::PromotionStart),
        ("016", DateKind::PromotionEnd),
    ],
};

/// 355, everywhere a quantity has a unit.
pub static UNIT: Table<UnitOfMeasure> = Table {
    element: "355",
    name: "unit of measurement",
    pairs: &[
        ("EA", UnitOfMeasure::Each),
        ("CA", UnitOfMeasure::Case),
        ("CT", UnitOfMeasure::Carton),
        ("BX", UnitOfMeasure::Box),
        ("PK", UnitOfMeasure::Pack),
        ("PR", UnitOfMeasure::Pair),
        ("DZ", UnitOfMeasure::Dozen),
        ("PL", UnitOfMeasure::Pallet),
        ("LB", UnitOfMeasure::Pound),
        ("OZ", UnitOfMeasure::Ounce),
        ("KG", UnitOfMeasure::Kilogram),
        ("GR", UnitOfMeasure::Gram),
        ("GA", UnitOfMeasure::Gallon),
        ("LT", UnitOfMeasure::Litre),
        ("FT", UnitOfMeasure::Foot),
        ("MR", UnitOfMeasure::Metre),
    ],
};

/// PO106, PO108, ...: the kind of a product id. Colour and size name the buyer's codes first,
/// since a vendor answers an order in the buyer's terms.
pub static PRODUCT_ID_KIND: Table<ProductIdKind> = Table {
    element: "235",
    name: "product/service id qualifier",
    pairs: &[
        ("UP", ProductIdKind::Upc),
        ("UK", ProductIdKind::Gtin14),
        ("EN", ProductIdKind::Ean),
        ("IN", ProductIdKind::BuyerItem),
        ("VN", ProductIdKind::VendorItem),
        ("SK", ProductIdKind::Sku),
        ("ST", ProductIdKind::Style),
        ("BO", ProductIdKind::Colour),
        ("IZ", ProductIdKind::Size),
        ("MN", ProductIdKind::Model),
        ("CL", ProductIdKind::Colour),
        ("SZ", ProductIdKind::Size),
    ],
};

/// ITD01: the kind of payment terms.
pub static TERMS_KIND: Table<TermsKind> = Table {
    element: "336",
    name: "terms type",
    pairs: &[
        ("01", TermsKind::Basic),
        ("02", TermsKind::EndOfMonth),
        ("03", TermsKind::FixedDate),
        ("04", TermsKind::DeferredOrInstallment),
        ("05", TermsKind::DiscountNotApplicable),
        // "Basic Discount Offered": basic terms whose discount the terms themselves state.
        ("08", TermsKind::Basic),
    ],
};

/// ITD02: the date the terms' days count from.
pub static TERMS_BASIS: Table<TermsBasis> = Table {
    element: "333",
    name: "terms basis date",
    pairs: &[
        ("3", TermsBasis::InvoiceDate),
        ("1", TermsBasis::ShipDate),
        ("2", TermsBasis::DeliveryDate),
        ("15", TermsBasis::ReceiptOfGoods),
        ("5", TermsBasis::ReceiptOfInvoice),
    ],
};

/// SAC01. The model has no word for promotions, requests or services (P, Q, R, S), and no
/// `Other`: those stay unmapped, with a finding.
pub static ALLOWANCE_OR_CHARGE: Table<AllowanceOrCharge> = Table {
    element: "248",
    name: "allowance or charge indicator",
    pairs: &[
        ("A", AllowanceOrCharge::Allowance),
        ("C", AllowanceOrCharge::Charge),
        ("N", AllowanceOrCharge::Informational),
    ],
};

/// SAC02: what an allowance or charge is for. The list runs to a thousand codes; these are
/// the ones retail orders use that the model names. Insurance has no code here: the
/// standard's code for it could not be confirmed, and a wrong one would be worse.
pub static SERVICE: Table<AllowanceChargeService> = Table {
    element: "1300",
    name: "service, promotion, allowance, or charge code",
    pairs: &[
        ("D240", AllowanceChargeService::Freight),
        ("D270", AllowanceChargeService::FuelSurcharge),
        ("D500", AllowanceChargeService::Handling),
        ("F800", AllowanceChargeService::Promotional),
        ("B720", AllowanceChargeService::Advertising),
        ("C000", AllowanceChargeService::Defective),
        ("I530", AllowanceChargeService::VolumeDiscount),
        ("F910", AllowanceChargeService::QuantityDiscount),
        ("I170", AllowanceChargeService::TradeDiscount),
        ("G970", AllowanceChargeService::SmallOrder),
        ("F180", AllowanceChargeService::Pallet),
        ("F155", AllowanceChargeService::Packaging),
        ("E170", AllowanceChargeService::Labeling),
    ],
};

/// SAC12: how an allowance or charge is settled.
pub static HANDLING: Table<AllowanceHandling> = Table {
    element: "331",
    name: "allowance or charge method of handling",
    pairs: &[
        ("01", AllowanceHandling::BillBack),
        ("02", AllowanceHandling::OffInvoice),
        ("03", AllowanceHandling::VendorCheck),
        ("04", AllowanceHandling::CreditCustomerAccount),
        ("05", AllowanceHandling::PaidByVendor),
        ("06", AllowanceHandling::PaidByCustomer),
    ],
};

/// FOB01: who pays the freight.
pub static FREIGHT_PAYMENT: Table<FreightPayment> = Table {
    element: "146",
    name: "shipment method of payment",
    pairs: &[
        ("CC", FreightPayment::Collect),
        ("PP", FreightPayment::Prepaid),
        ("PC", FreightPayment::PrepaidAndAdd),
        ("TP", FreightPayment::ThirdParty),
    ],
};

/// FOB02: where the FOB point is.
pub static FOB_POINT: Table<FobPoint> = Table {
    element: "309",
    name: "location qualifier",
    pairs: &[("OR", FobPoint::Origin), ("DE", FobPoint::Destination)],
};

/// TD504: how the goods travel.
pub static TRANSPORT_MODE: Table<TransportMode> = Table {
    element: "91",
    name: "transportation method/type code",
    pairs: &[
        ("M", TransportMode::Motor),
        ("LT", TransportMode::LessThanTruckload),
        ("A", TransportMode::Air),
        ("R", TransportMode::Rail),
        ("S", TransportMode::Ocean),
        ("U", TransportMode::Parcel),
        ("H", TransportMode::CustomerPickup),
        ("X", TransportMode::Intermodal),
        // "Motor", without "(Common Carrier)".
        ("J", TransportMode::Motor),
    ],
};

/// PO105: what a unit price is per, or what kind of price it is.
pub static PRICE_BASIS: Table<PriceBasis> = Table {
    element: "639",
    name: "basis of unit price",
    pairs: &[
        ("PE", PriceBasis::PerEach),
        ("WH", PriceBasis::Wholesale),
        ("RE", PriceBasis::Retail),
        ("CT", PriceBasis::Contract),
        ("CA", PriceBasis::Catalog),
        ("QT", PriceBasis::Quoted),
        ("NT", PriceBasis::Net),
        ("CP", PriceBasis::Current),
    ],
};

/// PER01: what a contact is for.
pub static CONTACT_ROLE: Table<ContactRole> = Table {
    element: "366",
    name: "contact function code",
    pairs: &[
        ("BD", ContactRole::Buyer),
        ("OC", ContactRole::Order),
        ("DC", ContactRole::Delivery),
        ("SD", ContactRole::Shipping),
        ("AR", ContactRole::AccountsReceivable),
        ("AP", ContactRole::AccountsPayable),
        ("SR", ContactRole::Sales),
        ("IC", ContactRole::Information),
    ],
};

/// BPR01: whether the money travels with the advice. B and E (a bank's debit/credit advice)
/// and X (the bank may split them) are none of the model's words: they stay `Other`.
pub static PAYMENT_HANDLING: Table<PaymentHandling> = Table {
    element: "305",
    name: "transaction handling code",
    pairs: &[
        ("C", PaymentHandling::PaymentWithRemittance),
        ("I", PaymentHandling::RemittanceOnly),
        ("D", PaymentHandling::PaymentOnly),
        ("P", PaymentHandling::Prenotification),
        ("U", PaymentHandling::SplitPaymentAndRemittance),
    ],
};

/// BPR03. The model has no `Other`: any other code is a finding.
pub static CREDIT_OR_DEBIT: Table<CreditOrDebit> = Table {
    element: "478",
    name: "credit/debit flag code",
    pairs: &[("C", CreditOrDebit::Credit), ("D", CreditOrDebit::Debit)],
};

/// BPR04: how the money moves. SWT (a S.W.I.F.T. transfer) is a wire too, but over another
/// network than FWT's Fedwire, and BOP leaves the choice to the bank: both stay `Other`, so
/// the network is not lost.
pub static PAYMENT_METHOD: Table<PaymentMethod> = Table {
    element: "591",
    name: "payment method code",
    pairs: &[
        ("ACH", PaymentMethod::Ach),
        ("CHK", PaymentMethod::Check),
        ("FWT", PaymentMethod::Wire),
        ("NON", PaymentMethod::NoPayment),
    ],
};

/// BPR05: the ACH format of an electronic payment.
pub static PAYMENT_FORMAT: Table<PaymentFormat> = Table {
    element: "812",
    name: "payment format code",
    pairs: &[
        ("CTX", PaymentFormat::CorporateTradeExchange),
        ("CCP", PaymentFormat::CashConcentrationPlusAddenda),
        ("CCD", PaymentFormat::CashConcentration),
    ],
};

/// BPR06, BPR12, BPR18: the scheme of a bank's id. CHIPS participant numbers (03) stay
/// `Other`.
pub static ROUTING_SCHEME: Table<RoutingScheme> = Table {
    element: "506",
    name: "(DFI) id number qualifier",
    pairs: &[
        ("01", RoutingScheme::Aba),
        ("02", RoutingScheme::Swift),
        ("04", RoutingScheme::CanadianBank),
    ],
};

/// BPR08, BPR14, BPR20: the kind of a bank account. A demand deposit account is a checking
/// account: DA is what ACH payers send, 03 says the same. Time deposits (01) stay `Other`.
pub static ACCOUNT_KIND: Table<AccountKind> = Table {
    element: "569",
    name: "account number qualifier",
    pairs: &[
        ("DA", AccountKind::Checking),
        ("SG", AccountKind::Savings),
        ("03", AccountKind::Checking),
    ],
};

/// ADX02, RMR07: why a payer paid other than the amount owed. Only codes that mean the
/// model's word are paired, since the word decides which deductions are disputed and how:
/// returns for damage or quality (11, 12), packing and routing violations (A6, B8) and the
/// like stay `Other` with their own code. The model's `UnearnedDiscount` is the payee's
/// judgement of a discount taken, which no payer's code says: it has no code.
pub static ADJUSTMENT_REASON: Table<AdjustmentReason> = Table {
    element: "426",
    name: "adjustment reason code",
    pairs: &[
        ("01", AdjustmentReason::PricingError),
        ("03", AdjustmentReason::ExtensionError),
        ("04", AdjustmentReason::Damaged),
        ("05", AdjustmentReason::QualityRejected),
        ("06", AdjustmentReason::QuantityContested),
        ("07", AdjustmentReason::WrongProduct),
        ("59", AdjustmentReason::NotReceived),
        ("RM", AdjustmentReason::Returned),
        ("A8", AdjustmentReason::Allowance),
        ("54", AdjustmentReason::Freight),
        ("L3", AdjustmentReason::ComplianceChargeback),
        ("53", AdjustmentReason::PreviousUnderpayment),
        // "Misshipped (Wrong Product Received)".
        ("A2", AdjustmentReason::WrongProduct),
        // "Total Order Not Received": nothing of it was.
        ("75", AdjustmentReason::NotReceived),
        // "Authorized Return".
        ("72", AdjustmentReason::Returned),
        // "Advertising Allowance Taken", "Advertising Allowance".
        ("56", AdjustmentReason::Allowance),
        ("71", AdjustmentReason::Allowance),
        // "Shipping and Freight Charge".
        ("SF", AdjustmentReason::Freight),
    ],
};

/// BIG07: what kind of invoice it is. The standard has no code for an ordinary invoice: one
/// is sent without BIG07 (DI, "Debit Invoice", is what some buyers' guides ask for instead,
/// which a partner profile will say). A credit memo takes money off what the buyer owes, a
/// debit memo adds to it.
pub static INVOICE_KIND: Table<InvoiceKind> = Table {
    element: "640",
    name: "transaction type code",
    pairs: &[
        ("CR", InvoiceKind::CreditMemo),
        ("DR", InvoiceKind::DebitMemo),
    ],
};

/// TXI01: the kind of a tax. Sales tax in general is the state and local sales tax; a tax
/// levied below the state is the local sales tax (LO is a local tax that is not a sales tax).
/// Excise has no code: the list tells federal (FT) from state (SE) excise, and the model
/// does not.
pub static TAX_KIND: Table<TaxKind> = Table {
    element: "963",
    name: "tax type code",
    pairs: &[
        ("LS", TaxKind::Sales),
        ("ST", TaxKind::State),
        ("CT", TaxKind::County),
        ("CA", TaxKind::City),
        ("LT", TaxKind::Local),
        ("GS", TaxKind::GoodsAndServices),
        ("VA", TaxKind::ValueAdded),
    ],
};

open!(PackingStructure, ItemStatus, EquipmentKind);

/// BSN05: how a ship notice nests shipment, order, carton and item. 0003 (shipment, pack,
/// order, item: cartons holding several orders) has no place in the model, whose cartons
/// belong to one order: it stays `Other`.
pub static PACKING_STRUCTURE: Table<PackingStructure> = Table {
    element: "1005",
    name: "hierarchical structure code",
    pairs: &[
        ("0001", PackingStructure::ShipmentOrderPackItem),
        ("0002", PackingStructure::ShipmentOrderItemPack),
        ("0004", PackingStructure::ShipmentOrderItem),
    ],
};

/// SN108: how the quantity shipped stands against the order. "Item Accepted - Quantity
/// Changed" is the short shipment whose balance will not follow; "Item Deleted" the line
/// cancelled. IB (backordered, nothing of it shipped yet) is read as back-ordered.
pub static ITEM_STATUS: Table<ItemStatus> = Table {
    element: "668",
    name: "line item status code",
    pairs: &[
        ("AC", ItemStatus::Complete),
        ("IQ", ItemStatus::Partial),
        ("BP", ItemStatus::BackOrdered),
        ("ID", ItemStatus::Cancelled),
        ("IS", ItemStatus::Substituted),
        ("IB", ItemStatus::BackOrdered),
    ],
};

/// TD301: the kind of equipment the goods travel in.
pub static EQUIPMENT_KIND: Table<EquipmentKind> = Table {
    element: "40",
    name: "equipment description code",
    pairs: &[
        ("TL", EquipmentKind::Trailer),
        ("CN", EquipmentKind::Container),
        ("RT", EquipmentKind::RefrigeratedTrailer),
    ],
};

/// TD101: what the lading quantity counts, as a unit. The code is a packaging form (CTN,
/// PLT...) and, optionally, a material (25 corrugated or solid fibre, 94 wood): the form
/// alone is read as the same unit, and the unit is written with the material retail guides
/// ask for. A code the table does not know is kept as the unit's `Other`, so that in a
/// lading quantity `Other` holds a packaging code, not a unit of measure code.
pub static PACKAGING: Table<UnitOfMeasure> = Table {
    element: "103",
    name: "packaging code",
    pairs: &[
        ("CTN25", UnitOfMeasure::Carton),
        ("PLT94", UnitOfMeasure::Pallet),
        ("BOX25", UnitOfMeasure::Box),
        ("CAS25", UnitOfMeasure::Case),
        ("CTN", UnitOfMeasure::Carton),
        ("PLT", UnitOfMeasure::Pallet),
        ("BOX", UnitOfMeasure::Box),
        ("CAS", UnitOfMeasure::Case),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Debug;

    /// Codes used above that the spec's (partial) code lists leave out, with where their
    /// meaning was checked.
    const OUTSIDE_SPEC_LISTS: &[(&str, &str, &str)] = &[
        (
            "235",
            "MN",
            "Model Number, in the published 235 list of every version",
        ),
        (
            "40",
            "TL",
            "Trailer (not otherwise specified), X12 element 40",
        ),
        ("40", "CN", "Container, X12 element 40"),
        (
            "40",
            "RT",
            "Controlled Temperature Trailer (Reefer), X12 element 40",
        ),
        (
            "103",
            "CTN25",
            "103: carton (CTN), corrugated or solid (25)",
        ),
        ("103", "PLT94", "103: pallet (PLT), wood (94)"),
        ("103", "BOX25", "103: box (BOX), corrugated or solid (25)"),
        ("103", "CAS25", "103: case (CAS), corrugated or solid (25)"),
        (
            "103",
            "CTN",
            "103: the packaging form alone, which the element allows",
        ),
        ("103", "PLT", "103: the packaging form alone"),
        ("103", "BOX", "103: the packaging form alone"),
        ("103", "CAS", "103: the packaging form alone"),
    ];

    /// Every pair of an open table: the word's code reads back as the word, and the code of
    /// the word's first pair is what is written.
    fn round_trips<T: PartialEq + Clone + Open + Debug>(table: &Table<T>) {
        for (code, word) in table.pairs {
            let written = table.code(word).expect("every word of a table has a code");
            assert_eq!(&table.word(written), word, "{} {code}", table.element);
            let first = table.pairs.iter().find(|(_, w)| w == word).map(|(c, _)| *c);
            assert_eq!(Some(written), first, "{} {code}", table.element);
        }
        assert_eq!(table.word("Q9Z"), T::other("Q9Z"), "{}", table.element);
        assert_eq!(table.code(&T::other("Q9Z")), Some("Q9Z"));
        in_the_spec(table);
    }

    /// Every code of a table is one the standard lists for that element (in 004010 or
    /// 005010), or is named in `OUTSIDE_SPEC_LISTS`.
    fn in_the_spec<T>(table: &Table<T>) {
        let specs = crate::spec::standard().expect("the built-in specs load");
        for (code, _) in table.pairs {
            let listed = specs.versions.iter().any(|v| {
                v.codes(table.element)
                    .is_some_and(|list| list.contains(code.as_bytes()))
            });
            let excused = OUTSIDE_SPEC_LISTS
                .iter()
                .any(|(e, c, _)| *e == table.element && c == code);
            assert!(
                listed || excused,
                "{} code {code} ({}) is in no spec code list",
                table.element,
                table.name
            );
        }
    }

    #[test]
    fn every_open_table_round_trips_and_keeps_unknown_codes() {
        round_trips(&PURPOSE);
        round_trips(&ORDER_KIND);
        round_trips(&PARTY_ROLE);
        round_trips(&ID_SCHEME);
        round_trips(&INTERCHANGE_ID_SCHEME);
        round_trips(&REFERENCE_KIND);
        round_trips(&DATE_KIND);
        round_trips(&UNIT);
        round_trips(&PRODUCT_ID_KIND);
        round_trips(&TERMS_KIND);
        round_trips(&TERMS_BASIS);
        round_trips(&SERVICE);
        round_trips(&HANDLING);
        round_trips(&FREIGHT_PAYMENT);
        round_trips(&FOB_POINT);
        round_trips(&TRANSPORT_MODE);
        round_trips(&PRICE_BASIS);
        round_trips(&CONTACT_ROLE);
        round_trips(&PAYMENT_HANDLING);
        round_trips(&PAYMENT_METHOD);
        round_trips(&PAYMENT_FORMAT);
        round_trips(&ROUTING_SCHEME);
        round_trips(&ACCOUNT_KIND);
        round_trips(&ADJUSTMENT_REASON);
        round_trips(&INVOICE_KIND);
        round_trips(&TAX_KIND);
    }

    /// A table whose enum has no `Other`: each code and word once, nothing else known.
    fn closed_round_trips<T: PartialEq + Debug>(table: &Table<T>, unknown: &str) {
        for (code, word) in table.pairs {
            assert_eq!(table.code_of(word), Some(*code));
            assert_eq!(table.find(code), Some(word));
        }
        assert_eq!(table.find(unknown), None);
        in_the_spec(table);
    }

    #[test]
    fn the_closed_tables_round_trip_and_know_nothing_else() {
        closed_round_trips(&ALLOWANCE_OR_CHARGE, "P");
        closed_round_trips(&CREDIT_OR_DEBIT, "X");
    }

    #[test]
    fn synonyms_are_read_but_never_written() {
        assert_eq!(TERMS_KIND.word("08"), TermsKind::Basic);
        assert_eq!(TERMS_KIND.code(&TermsKind::Basic), Some("01"));
        assert_eq!(PARTY_ROLE.word("SU"), PartyRole::Vendor);
        assert_eq!(PARTY_ROLE.code(&PartyRole::Vendor), Some("VN"));
        assert_eq!(ID_SCHEME.code(&IdScheme::StoreNumber), None);
        assert_eq!(ACCOUNT_KIND.word("03"), AccountKind::Checking);
        assert_eq!(ACCOUNT_KIND.code(&AccountKind::Checking), Some("DA"));
        assert_eq!(ADJUSTMENT_REASON.word("A2"), AdjustmentReason::WrongProduct);
        assert_eq!(
            ADJUSTMENT_REASON.code(&AdjustmentReason::WrongProduct),
            Some("07")
        );
        assert_eq!(
            ADJUSTMENT_REASON.code(&AdjustmentReason::UnearnedDiscount),
            None
        );
        assert_eq!(
            PAYMENT_METHOD.word("SWT"),
            PaymentMethod::Other("SWT".into())
        );
        assert_eq!(INVOICE_KIND.code(&InvoiceKind::Invoice), None);
        assert_eq!(INVOICE_KIND.code(&InvoiceKind::CreditMemo), Some("CR"));
        assert_eq!(TAX_KIND.code(&TaxKind::Excise), None);
    }

    #[test]
    fn the_ship_notice_tables_round_trip() {
        round_trips(&PACKING_STRUCTURE);
        round_trips(&ITEM_STATUS);
        round_trips(&EQUIPMENT_KIND);
        round_trips(&PACKAGING);
        assert_eq!(ITEM_STATUS.word("IB"), ItemStatus::BackOrdered);
        assert_eq!(ITEM_STATUS.code(&ItemStatus::BackOrdered), Some("BP"));
        assert_eq!(PACKAGING.word("CTN"), UnitOfMeasure::Carton);
        assert_eq!(PACKAGING.code(&UnitOfMeasure::Carton), Some("CTN25"));
        assert_eq!(PACKAGING.code(&UnitOfMeasure::Pound), None);
    }
}
