//! Fuzz target `profile`: what people write by hand must never crash edigate. Byte 0 chooses
//! what the rest is: a partner profile (TOML), read and, when sound, its rules run over the
//! sample partners' files both ways; or a shipment confirmation (JSON), resolved against the
//! sample order and turned into the ship notice and the invoice.
//!
//! Run with `RUSTC_BOOTSTRAP=1 cargo fuzz run profile fuzz/corpus/profile`, seeding the
//! corpus with `partners/*.toml` (byte 0 even) and `samples/shipments/*.json` (byte 0 odd).
#![no_main]

use edigate::document::shipment::{ShipmentConfirmation, resolve};
use edigate::partner::compliance;
use edigate::partner::rules::Direction;
use libfuzzer_sys::fuzz_target;

const SAMPLES: &[&[u8]] = &[
    include_bytes!("../../samples/bigretail/good-856-pallets.edi"),
    include_bytes!("../../samples/bigretail/good-810.edi"),
    include_bytes!("../../samples/freshway/good-850.edi"),
    include_bytes!("../../samples/northgate/good-820-short-pay.edi"),
];

const ORDER: &[u8] = include_bytes!("../../samples/shipments/po-4500012345.edi");

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    if mode % 2 == 0 {
        let Ok(profile) = edigate::partner::read("partners/fuzz.toml", &text, &|_| true) else {
            return;
        };
        for sample in SAMPLES {
            let mut reader = edigate::x12::TransactionSetReader::new(*sample);
            while let Ok(Some(set)) = reader.next_set() {
                for direction in [Direction::Inbound, Direction::Outbound] {
                    let _ = compliance::evaluate(&profile, &set, direction);
                    let _ = compliance::deadlines(&profile, &set, direction);
                }
            }
        }
    } else {
        let Ok(confirmation) = serde_json::from_str::<ShipmentConfirmation>(&text) else {
            return;
        };
        let mut reader = edigate::x12::TransactionSetReader::new(ORDER);
        let Ok(Some(set)) = reader.next_set() else {
            return;
        };
        let order = edigate::map::ts850::purchase_order(&set).document;
        if let Ok(shipped) = resolve(&order, &confirmation) {
            let _ = edigate::document::packing::ship_notice_from(&shipped);
            let _ = edigate::document::billing::invoice_from(&shipped);
        }
    }
});
