//! Profiles read and checked: the sample partners are sound, and each kind of mistake is
//! named with its file, line, key and what is allowed.

use super::*;

const GOOD: &str = r#"
id = "acme-test"
name = "Acme Test"

[partner]
isa = "ZZ:THEM"
gs = "THEMGS"

[us]
isa = "ZZ:US"

[envelope]
versions = { "850" = "004010", "810" = "004010" }
delimiters = { element = "*", component = ">", segment = "~", line_suffix = "\n" }
"#;

fn none_exist(_: &str) -> bool {
    false
}

fn errors(text: &str) -> Vec<String> {
    read("partners/acme-test.toml", text, &none_exist)
        .expect_err("problems")
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_minimal_profile_resolves_with_its_defaults() {
    let p = read("partners/acme-test.toml", GOOD, &none_exist).unwrap();
    assert_eq!(
        p.partner.isa,
        PartyId {
            qualifier: "ZZ".into(),
            id: "THEM".into()
        }
    );
    assert_eq!(p.us.gs, "US", "the GS code defaults to the ISA id");
    assert_eq!(p.version_for("850"), Some("004010"));
    assert_eq!(p.version_for("856"), None);
    assert!(!p.test);
    assert_eq!(p.ta1, crate::map::ack::Ta1Policy::OnError);
    assert!(p.send_997);
    assert_eq!(p.delimiters.repetition, None);
}

#[test]
fn the_sample_partners_are_sound_and_found_by_their_isa_ids() {
    let files: Vec<(String, String)> = [
        ("bigretail", include_str!("../../partners/bigretail.toml")),
        ("freshway", include_str!("../../partners/freshway.toml")),
        ("northgate", include_str!("../../partners/northgate.toml")),
    ]
    .iter()
    .map(|(id, text)| (format!("partners/{id}.toml"), (*text).to_owned()))
    .collect();
    let (directory, errors) = Directory::read(&files, &none_exist);
    assert_eq!(errors, [], "{errors:#?}");
    assert_eq!(directory.profiles.len(), 3);
    let isa = |q: &str, id: &str| PartyId {
        qualifier: q.into(),
        id: id.into(),
    };
    let found = directory.sender_of(&isa("ZZ", "BIGRETAILTEST"), &isa("ZZ", "ACMESUPPLY"));
    assert_eq!(
        found.map(|p| p.id.as_str()),
        Some("bigretail"),
        "by its test id too"
    );
    let found = directory.sender_of(&isa("14", "0860001000008"), &isa("14", "0614141000012"));
    assert_eq!(found.map(|p| p.id.as_str()), Some("freshway"));
    assert!(
        directory
            .sender_of(&isa("ZZ", "BIGRETAIL"), &isa("ZZ", "SOMEONEELSE"))
            .is_none()
    );
    let freshway = directory.get("freshway").unwrap();
    assert_eq!(freshway.delimiters.component, b':');
    assert_eq!(freshway.terms[0].net_days, Some(30));
}

#[test]
fn an_unknown_key_is_named_with_its_line_and_what_is_allowed() {
    let text = GOOD.replace("gs = \"THEMGS\"", "gs = \"THEMGS\"\ngs_id = \"X\"");
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("partners/acme-test.toml:8: unknown field `gs_id`, expected one of `isa`, `test_isa`, `gs`, `as2`"), "{e:?}");
}

#[test]
fn a_syntax_error_has_its_line() {
    let e = errors(&GOOD.replace("name = \"Acme Test\"", "name = \"Acme Test"));
    assert!(e[0].starts_with("partners/acme-test.toml:3: "), "{e:?}");
}

#[test]
fn each_value_is_checked_and_every_problem_reported() {
    let text = GOOD
        .replace("id = \"acme-test\"", "id = \"Acme\"")
        .replace("isa = \"ZZ:THEM\"", "isa = \"THEM\"")
        .replace("isa = \"ZZ:US\"", "isa = \"ZZZ:US\"")
        .replace(
            "\"810\" = \"004010\"",
            "\"810\" = \"003040\", \"832\" = \"004010\"",
        )
        .replace("segment = \"~\"", "segment = \"*\"");
    let e = errors(&text);
    let expected = [
        "partners/acme-test.toml:2: id: is 'Acme' but the file is acme-test.toml: a profile's id is its file's name",
        "partners/acme-test.toml:2: id: must be lower-case letters, digits and '-'",
        "partner.isa: is 'THEM'; write QUALIFIER:ID, e.g. ZZ:BIGRETAIL or 01:123456789",
        "us.isa: qualifier 'ZZZ': an ISA qualifier is two characters",
        "envelope.versions.810: is '003040'; allowed: 004010, 005010",
        "envelope.versions.832: names set 832; allowed: 850, 810, 856, 820, 997",
        "envelope.delimiters: ",
    ];
    assert_eq!(e.len(), expected.len(), "{e:#?}");
    for (got, want) in e.iter().zip(expected) {
        assert!(got.contains(want), "{got:?} does not say {want:?}");
    }
}

#[test]
fn a_secret_is_never_inline_and_a_key_file_must_be_there() {
    let with_as2 = |certificate: &str, key: &str| {
        format!(
            "{GOOD}\n[transport.as2]\nurl = \"https://them.example/as2\"\npartner_certificate = {certificate}\nour_key = {key}\n"
        )
    };
    let e = errors(&with_as2(
        "{ path = \"certs/them.pem\" }",
        "\"-----BEGIN PRIVATE KEY-----\"",
    ));
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].contains(
            "transport.as2.partner_certificate: names the file certs/them.pem, which is not there"
        ),
        "{e:?}"
    );
    assert!(
        e[1].contains(
            "transport.as2.our_key: is written inline; secrets are never stored in a profile"
        ),
        "{e:?}"
    );
    let exists = |p: &str| p == "certs/them.pem";
    let ok = read(
        "partners/acme-test.toml",
        &with_as2(
            "{ path = \"certs/them.pem\" }",
            "{ env = \"EDIGATE_AS2_KEY\" }",
        ),
        &exists,
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn one_channel_exactly() {
    let text = format!(
        "{GOOD}\n[transport.folder]\ninbound = \"in\"\noutbound = \"out\"\n[transport.sftp]\nhost = \"h\"\nuser = \"u\"\ninbound = \"/in\"\noutbound = \"/out\"\n"
    );
    let e = errors(&text);
    assert!(
        e.iter().any(|e| e.contains("transport: names 2 channels")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(|e| e.contains("transport.sftp: give exactly one of password and key")),
        "{e:#?}"
    );
}

#[test]
fn a_repetition_separator_needs_005010() {
    let text = GOOD.replace("segment = \"~\"", "segment = \"~\", repetition = \"^\"");
    let e = errors(&text);
    assert!(
        e[0].contains("envelope.delimiters.repetition: is set but every set is below 005010"),
        "{e:?}"
    );
}

#[test]
fn two_partners_with_one_isa_id_cannot_be_told_apart() {
    let other = GOOD.replace("acme-test", "acme-other");
    let files = vec![
        ("partners/acme-test.toml".to_owned(), GOOD.to_owned()),
        ("partners/acme-other.toml".to_owned(), other),
    ];
    let (directory, errors) = Directory::read(&files, &none_exist);
    assert_eq!(directory.profiles.len(), 2);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0]
            .to_string()
            .contains("partner.isa: ZZ:THEM is also partner 'acme-test'"),
        "{errors:?}"
    );
}

#[test]
fn commercial_values_are_checked() {
    let text = format!(
        "{GOOD}\n[commercial]\ngs1_company_prefix = \"06141\"\nsscc_extension_digit = 12\nasn_structure = {{ other = \"0003\" }}\n"
    );
    let e = errors(&text);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert!(e[0].contains("a GS1 company prefix is 7 to 10 digits"));
    assert!(e[1].contains("it is one digit, 0 to 9"));
    assert!(e[2].contains("commercial.asn_structure: is 0003; allowed:"));
}

#[test]
fn version_005010_needs_a_repetition_separator() {
    let text = GOOD.replace("\"810\" = \"004010\"", "\"810\" = \"005010\"");
    let e = errors(&text);
    assert!(
        e[0].contains("envelope.delimiters.repetition: is missing, but from 005010"),
        "{e:?}"
    );
}
