//! `edigate partners` and `--partner`: the sample profiles listed, shown and checked; a folder
//! of broken profiles fails the check with every problem named; a document emitted or derived
//! for a partner carries that partner's envelope (ids both ways, group codes, version,
//! delimiters, test or production) and its agreed ASN structure and GS1 prefix; Bots accepts
//! what is written for the 004010 partners.

mod common;

use common::edigate;

const ENVELOPE: &[&str] = &["--control", "4001", "--date", "20261120", "--time", "0930"];

#[test]
fn the_sample_partners_list_show_and_check_sound() {
    let (status, list, stderr) = edigate(&["partners", "list"]);
    assert_eq!(status, 0, "{stderr}");
    insta::assert_snapshot!("list", list);
    for id in ["bigretail", "freshway", "northgate"] {
        let (status, shown, stderr) = edigate(&["partners", "show", id]);
        assert_eq!(status, 0, "{stderr}");
        insta::assert_snapshot!(format!("show-{id}"), shown);
    }
    let (status, out, stderr) = edigate(&["partners", "check"]);
    assert_eq!(
        (status, out.as_str(), stderr.as_str()),
        (0, "partners: 3 profile(s), all sound\n", "")
    );
}

#[test]
fn a_folder_of_broken_profiles_fails_the_check_naming_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        r#"id = "bad"
name = "Bad"

[partner]
isa = "ZZ:THEM"

[us]
isa = "ZZZ:US"

[envelope]
versions = { "850" = "004010", "810" = "003040" }
delimiters = { element = "*", component = ">", segment = "*" }

[transport.sftp]
host = "h"
user = "u"
password = "hunter2"
inbound = "/in"
outbound = "/out"
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("typo.toml"),
        "id = \"typo\"\nname = \"T\"\nenvironment = \"test\"\n",
    )
    .unwrap();
    let path = dir.path().display().to_string();
    let (status, stdout, stderr) = edigate(&["partners", "check", &path]);
    assert_eq!(status, 1, "{stdout}{stderr}");
    let stderr = stderr.replace(&path, "DIR");
    insta::assert_snapshot!("check-broken", stderr);
}

#[test]
fn an_unknown_partner_or_a_set_it_does_not_trade_is_exit_2() {
    let (status, _, stderr) = edigate(&[
        "emit",
        "invoice",
        "--input",
        "samples/documents/invoice-2-10-net-30.json",
        "--partner",
        "nobody",
    ]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("no partner 'nobody' in partners (known: bigretail, freshway, northgate)"),
        "{stderr}"
    );
    let (status, _, stderr) = edigate(&[
        "emit",
        "remittance",
        "--input",
        "samples/documents/remittance-discount-taken.json",
        "--partner",
        "bigretail",
    ]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("partner bigretail trades no 820"),
        "{stderr}"
    );
}

fn emit_for(partner: &str, kind: &str, input: &str) -> String {
    let mut args = vec!["emit", kind, "--input", input, "--partner", partner];
    args.extend_from_slice(ENVELOPE);
    let (status, x12, stderr) = edigate(&args);
    assert_eq!(status, 0, "{partner} {kind}: {stderr}");
    x12
}

#[test]
fn what_is_emitted_for_a_partner_carries_its_envelope() {
    // Freshway: GLNs both ways (qualifier 14), 005010, ':' between components, production.
    let x12 = emit_for(
        "freshway",
        "invoice",
        "samples/documents/invoice-2-10-net-30.json",
    );
    assert!(
        x12.starts_with(
            "ISA*00*          *00*          *14*0614141000012  *14*0860001000008  *261120*0930*^*00501*000004001*0*P*:~\n"
        ),
        "{x12}"
    );
    assert!(
        x12.contains("\nGS*IN*0614141000012*0860001000008*20261120*0930*4001*X*005010~\n"),
        "{x12}"
    );
    // Northgate trades in its test environment: ISA15 T, its DUNS, our ZZ id, 004010.
    let x12 = emit_for(
        "northgate",
        "invoice",
        "samples/documents/invoice-2-10-net-30.json",
    );
    assert!(
        x12.contains("*ZZ*ACMESUPPLY     *01*123456789      *"),
        "{x12}"
    );
    assert!(x12.contains("*U*00401*000004001*0*T*>~"), "{x12}");
    assert!(x12.contains("GS*IN*ACMESUPPLY*NORTHGATE*"), "{x12}");
    // Flags win over the profile, and what they make is then held to the partner's
    // envelope: another group code and version than Freshway trades in are refused.
    let mut args = vec![
        "emit",
        "invoice",
        "--input",
        "samples/documents/invoice-2-10-net-30.json",
        "--partner",
        "freshway",
        "--group-receiver",
        "FWAP",
        "--version",
        "004010",
    ];
    args.extend_from_slice(ENVELOPE);
    let (status, x12, stderr) = edigate(&args);
    assert_eq!((status, x12.as_str()), (1, ""), "{stderr}");
    assert!(
        stderr.contains("reject ENVELOPE-GROUP at segment 1 (GS02), byte 107: The group goes from 0614141000012 to 0860001000008 (GS02/GS03). — GS02/GS03 are 0614141000012/FWAP"),
        "{stderr}"
    );
    assert!(
        stderr.contains("reject ENVELOPE-VERSION at segment 1 (GS08), byte 107: This partner trades the 810 in version 005010. — GS08 is 004010"),
        "{stderr}"
    );
}

#[test]
fn a_shipment_for_a_partner_follows_its_agreed_asn_and_gs1_prefix() {
    // The confirmation names neither a structure nor a company prefix: BigRetail's profile
    // gives pick and pack and the prefix 0614141 (the sample's own prefix, so the SSCCs are
    // those of the pinned notice).
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::repo(
        "samples/shipments/ship-pick-and-pack-partial.json",
    ))
    .unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value.as_object_mut().unwrap().remove("structure");
    value["sscc"]
        .as_object_mut()
        .unwrap()
        .remove("company_prefix");
    let shipment = dir.path().join("ship.json");
    std::fs::write(&shipment, value.to_string()).unwrap();
    let shipment = shipment.display().to_string();
    let mut args = vec![
        "asn",
        "--order",
        "samples/shipments/po-4500012345.edi",
        "--shipment",
        &shipment,
        "--partner",
        "bigretail",
    ];
    args.extend_from_slice(ENVELOPE);
    let (status, x12, stderr) = edigate(&args);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        x12.contains("BSN*00*SH-000481*20261119*0930*0001~"),
        "{x12}"
    );
    assert!(x12.contains("MAN*GM*006141410000010011~"), "{x12}");
    // Without a partner the missing prefix is named.
    let (status, _, stderr) = edigate(&[
        "asn",
        "--order",
        "samples/shipments/po-4500012345.edi",
        "--shipment",
        &shipment,
    ]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("the \"sscc\" series has no company_prefix"),
        "{stderr}"
    );
}

#[test]
fn bots_accepts_what_is_written_for_the_004010_partners() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (partner, kind, input) in [
        (
            "bigretail",
            "invoice",
            "samples/documents/invoice-2-10-net-30.json",
        ),
        (
            "bigretail",
            "asn",
            "samples/documents/asn-pick-and-pack.json",
        ),
        (
            "northgate",
            "remittance",
            "samples/documents/remittance-short-pay-deduction.json",
        ),
        (
            "northgate",
            "po",
            "samples/documents/po-2-10-net-30-pack-allowances.json",
        ),
    ] {
        let path = dir.path().join(format!("{partner}-{kind}.x12"));
        std::fs::write(&path, emit_for(partner, kind, input)).unwrap();
        files.push(path);
    }
    common::bots_accepts(&files, "what was written for the partners");
}

/// Each sample partner's files, and the rules each was made to break (none for a good one).
const PARTNER_SAMPLES: &[(&str, &[&str])] = &[
    ("bigretail/good-850.edi", &[]),
    ("bigretail/good-856-pallets.edi", &[]),
    ("bigretail/good-810.edi", &[]),
    ("bigretail/bad-856-no-pallets.edi", &["BR-856-PALLET"]),
    ("bigretail/bad-856-sscc-check-digit.edi", &["BR-856-SSCC"]),
    (
        "bigretail/bad-856-vendor-number-missing.edi",
        &["BR-856-VENDOR"],
    ),
    ("bigretail/bad-856-bill-of-lading.edi", &["BR-856-BOL"]),
    ("bigretail/bad-810-upc-check-digit.edi", &["BR-810-UPC"]),
    ("bigretail/warn-850-no-department.edi", &["BR-850-DEPT"]),
    ("bigretail/warn-850-line-count.edi", &["BR-850-COUNT"]),
    ("bigretail/bad-810-total.edi", &["BR-810-TOTAL"]),
    ("bigretail/bad-810-terms.edi", &["BR-810-TERMS"]),
    ("bigretail/bad-856-late.edi", &["BR-856-TIMELY"]),
    ("bigretail/bad-810-before-shipment.edi", &["BR-810-DATE"]),
    ("freshway/good-850.edi", &[]),
    ("freshway/good-856.edi", &[]),
    ("freshway/bad-856-ship-from-by-duns.edi", &["FW-N1-GLN"]),
    ("freshway/bad-850-ship-to-gln.edi", &["FW-850-SHIP-TO-GLN"]),
    (
        "freshway/bad-856-ship-to-address.edi",
        &["FW-856-SHIP-TO-ADDRESS"],
    ),
    ("northgate/good-820-short-pay.edi", &[]),
    ("northgate/bad-820-no-trace-number.edi", &["NG-820-TRACE"]),
    ("northgate/bad-820-reason-code.edi", &["NG-820-REASONS"]),
    ("northgate/bad-820-payment-total.edi", &["NG-820-BALANCE"]),
];

#[test]
fn the_sample_partners_files_break_exactly_the_rules_they_were_made_to_break() {
    let mut listed: Vec<String> = PARTNER_SAMPLES.iter().map(|(f, _)| f.to_string()).collect();
    listed.sort();
    let mut on_disk: Vec<String> = ["bigretail", "freshway", "northgate"]
        .iter()
        .flat_map(|p| {
            common::files(&format!("samples/{p}"))
                .into_iter()
                .map(move |f| format!("{p}/{}", f.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    on_disk.sort();
    assert_eq!(
        listed, on_disk,
        "every sample partner file is listed with its rules"
    );
    for (file, rules) in PARTNER_SAMPLES {
        let path = format!("samples/{file}");
        let (status, json, stderr) = edigate(&["validate", "--json", &path]);
        let report: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{path}: {e}\n{stderr}"));
        let mut broken: Vec<String> = Vec::new();
        let mut checked = 0;
        for interchange in report["interchanges"].as_array().unwrap() {
            for group in interchange["groups"].as_array().unwrap() {
                for set in group["transactions"].as_array().unwrap() {
                    assert_eq!(
                        set["ack_code"], "A",
                        "{path}: the standard accepts it: {set}"
                    );
                    let compliance = &set["compliance"];
                    assert!(
                        compliance["partner"].is_string(),
                        "{path}: no partner found: {set}"
                    );
                    checked += 1;
                    for f in compliance["findings"].as_array().unwrap() {
                        broken.push(f["rule"].as_str().unwrap().to_owned());
                    }
                }
            }
        }
        assert_eq!(checked, 1, "{path}");
        broken.dedup();
        assert_eq!(broken, *rules, "{path}\n{json}");
        let rejects = file.contains("/bad-")
            && !rules.iter().any(|r| {
                [
                    "BR-856-BOL",
                    "BR-810-TERMS",
                    "BR-856-TIMELY",
                    "FW-850-SHIP-TO-GLN",
                    "NG-820-REASONS",
                ]
                .contains(r)
            });
        assert_eq!(status, i32::from(rejects), "{path}: {stderr}");
    }
}

#[test]
fn a_partner_rule_finding_reads_in_words_with_its_source() {
    let (status, text, _) = edigate(&[
        "validate",
        "samples/bigretail/bad-856-vendor-number-missing.edi",
    ]);
    assert_eq!(status, 1);
    insta::assert_snapshot!("validate-vendor-number-missing", text);
}

#[test]
fn an_outbound_document_that_breaks_a_partner_rule_is_refused_and_nothing_is_written() {
    // The sample standard-pack ASN names its parties by DUNS and buyer numbers; Freshway
    // wants every party by GLN.
    let mut args = vec![
        "emit",
        "asn",
        "--input",
        "samples/documents/asn-standard-pack.json",
        "--partner",
        "freshway",
    ];
    args.extend_from_slice(ENVELOPE);
    let (status, stdout, stderr) = edigate(&args);
    assert_eq!(status, 1, "{stderr}");
    assert_eq!(stdout, "", "nothing is written");
    assert!(
        stderr.contains("partner freshway: reject FW-N1-GLN at segment 9 (N103)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("refused: it breaks partner freshway's rules; nothing was written"),
        "{stderr}"
    );
    // BigRetail without pallets: an ASN derived from a standard-pack shipment.
    let (status, stdout, stderr) = edigate(&[
        "asn",
        "--order",
        "samples/shipments/po-4500012345.edi",
        "--shipment",
        "samples/shipments/ship-standard-pack-complete.json",
        "--partner",
        "bigretail",
    ]);
    assert_eq!((status, stdout.as_str()), (1, ""), "{stderr}");
    assert!(stderr.contains("reject BR-856-PALLET"), "{stderr}");
}

#[test]
fn certify_reports_each_file_set_and_rule() {
    for partner in ["bigretail", "freshway", "northgate"] {
        let mut args = vec![
            "partners".to_owned(),
            "certify".to_owned(),
            partner.to_owned(),
        ];
        let good: Vec<String> = PARTNER_SAMPLES
            .iter()
            .filter(|(f, _)| f.starts_with(&format!("{partner}/good-")))
            .map(|(f, _)| format!("samples/{f}"))
            .collect();
        assert!(!good.is_empty());
        args.extend(good);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (status, report, stderr) = edigate(&args);
        assert_eq!(status, 0, "{report}{stderr}");
        assert!(report.ends_with("fail — ready to trade\n"), "{report}");
        assert!(!report.contains("FAIL"), "{report}");
    }
    let (status, report, _) = edigate(&[
        "partners",
        "certify",
        "bigretail",
        "samples/bigretail/good-856-pallets.edi",
        "samples/bigretail/bad-856-sscc-check-digit.edi",
        "samples/bigretail/warn-850-no-department.edi",
        "samples/northgate/good-820-short-pay.edi",
    ]);
    assert_eq!(status, 1);
    insta::assert_snapshot!("certify-bigretail", report);
}

#[test]
fn partner_findings_the_standard_can_express_go_into_the_997() {
    let ack = |file: &str, extra: &[&str]| {
        let mut args = vec!["ack", file, "--date", "20261126", "--time", "1200"];
        args.extend_from_slice(extra);
        edigate(&args)
    };
    // A missing mandatory (for BigRetail) segment: AK304 3 at the order level, set rejected.
    let (status, reply, stderr) = ack("samples/bigretail/bad-856-vendor-number-missing.edi", &[]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        reply.contains("AK3*REF*17**3~\nAK5*R*5~\nAK9*R*1*1*0~"),
        "{reply}"
    );
    // A bill of lading with characters the guide forbids, severity error: AK403 6, noted.
    let (status, reply, stderr) = ack("samples/bigretail/bad-856-bill-of-lading.edi", &[]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        reply.contains("AK3*REF*9**8~\nAK4*2*127*6*bol/0001234567890~\nAK5*E*5~\nAK9*E*1*1*1~"),
        "{reply}"
    );
    // A check digit, a warning or a total is not the standard's to say: the 997 accepts.
    for file in [
        "samples/bigretail/bad-856-sscc-check-digit.edi",
        "samples/bigretail/warn-850-no-department.edi",
        "samples/bigretail/bad-810-total.edi",
    ] {
        let (_, reply, stderr) = ack(file, &[]);
        assert!(reply.contains("AK5*A~"), "{file}: {reply}{stderr}");
    }
    // Without the partner, the standard alone accepts.
    let (status, reply, _) = ack(
        "samples/bigretail/bad-856-vendor-number-missing.edi",
        &["--no-partners"],
    );
    assert_eq!(status, 0);
    assert!(reply.contains("AK5*A~"), "{reply}");
    // validate --json says which 997 code a finding has.
    let (_, json, _) = edigate(&[
        "validate",
        "--json",
        "samples/bigretail/bad-856-vendor-number-missing.edi",
    ]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let finding =
        &report["interchanges"][0]["groups"][0]["transactions"][0]["compliance"]["findings"][0];
    assert_eq!(finding["ack"], "AK304 3", "{finding}");
}

#[test]
fn match_holds_the_documents_of_one_order_to_each_other() {
    let order = "samples/bigretail/good-850.edi";
    let (status, report, stderr) = edigate(&[
        "match",
        "--order",
        order,
        "--asn",
        "samples/bigretail/good-856-pallets.edi",
        "--invoice",
        "samples/bigretail/good-810.edi",
    ]);
    assert_eq!(status, 0, "{report}{stderr}");
    assert_eq!(
        report.matches("agrees, every partner rule met").count(),
        2,
        "{report}"
    );
    // An invoice for more than the notice shipped, and a notice for more than was ordered.
    let (status, report, stderr) = edigate(&[
        "match",
        "--order",
        order,
        "--asn",
        "samples/bigretail/match/asn-over-shipped.edi",
        "--invoice",
        "samples/bigretail/match/invoice-not-as-shipped.edi",
    ]);
    assert_eq!(status, 1, "{stderr}");
    insta::assert_snapshot!("match-mismatches", report);
    // An invoice sent before its ship notice (sent five days after the shipment).
    let (status, report, stderr) = edigate(&[
        "match",
        "--order",
        order,
        "--asn",
        "samples/bigretail/bad-856-late.edi",
        "--invoice",
        "samples/bigretail/good-810.edi",
    ]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        report.contains("error BR-810-AFTER-ASN at segment 1 (ISA09), byte 0: The ASN for a shipment reaches BigRetail before its invoice. — the invoice was sent 2026-11-20 09:30, before its ship notice of 2026-11-25 09:30"),
        "{report}"
    );
    // Without a profile naming the order's sender, a partner must be given.
    let dir = tempfile::tempdir().unwrap();
    let (status, _, stderr) = edigate(&[
        "match",
        "--order",
        order,
        "--partners",
        &dir.path().display().to_string(),
    ]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("give --partner ID"), "{stderr}");
}

#[test]
fn the_validation_log_records_each_finding_and_each_set() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("validation.log");
    let log_arg = log.display().to_string();
    for file in [
        "samples/bigretail/bad-856-bill-of-lading.edi",
        "samples/bigretail/good-850.edi",
    ] {
        let (status, _, stderr) = edigate(&["validate", file, "--log", &log_arg]);
        assert_eq!(status, 0, "{stderr}");
    }
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3, "{records:#?}");
    let finding = &records[0];
    assert_eq!(finding["rule"], "BR-856-BOL");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["partner"], "bigretail");
    assert_eq!(finding["direction"], "outbound");
    assert_eq!(
        (finding["segment"].as_str(), finding["position"].as_u64()),
        (Some("REF"), Some(9))
    );
    assert_eq!(finding["element"], "REF02");
    assert_eq!(finding["value"], "bol/0001234567890");
    assert_eq!(finding["source"]["guide"], "BigRetail Routing Guide");
    assert_eq!(finding["document"]["set"], "856");
    assert_eq!(finding["document"]["interchange"], "000005001");
    assert!(finding["at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(records[1]["result"], "accepted with findings");
    assert_eq!(records[2]["result"], "every rule met");
    assert_eq!(records[2]["document"]["set"], "850");
}
