//! Canonical business documents: purchase orders, invoices, ship notices and remittances as
//! plain data (serde, `Decimal` money and quantities, `NaiveDate` dates), and the business
//! rules that need no X12 (payment terms and their dates, GS1 check digits). This module
//! stands alone: it knows nothing of X12, its segments or its codes; `map` translates.

pub mod billing;
pub mod common;
pub mod gs1;
pub mod invoice;
pub mod order;
pub mod packing;
pub mod remittance;
pub mod ship_notice;
pub mod shipment;
pub mod terms;
