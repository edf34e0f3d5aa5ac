//! GS1 identifiers and their check digit: GTINs (UPC, EAN, GTIN-14) on order and invoice
//! lines, SSCC-18 on the cartons and pallets of a ship notice.
//!
//! Every GS1 key ends in the same mod-10 check digit: weight the digits 3, 1, 3, 1...
//! starting from the rightmost digit before the check digit, and the check digit brings the
//! weighted sum up to a multiple of ten. Weighting from the right is what lets a GTIN-12
//! left-padded with zeros keep its check digit as a GTIN-14.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What is wrong with a GS1 code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Gs1Error {
    #[error("no digits given")]
    Empty,
    #[error("{found:?} at position {position} is not a digit: GS1 codes are digits 0-9 only")]
    NotDigit {
        /// 1-based, counted in characters.
        position: usize,
        found: char,
    },
    #[error("{kind} has {expected} digits, not {found}")]
    Length {
        kind: &'static str,
        expected: &'static str,
        found: usize,
    },
    #[error("check digit {found} should be {expected}")]
    CheckDigit { found: u8, expected: u8 },
    #[error("SSCC extension digit {0} should be 0-9")]
    ExtensionDigit(u8),
    #[error("a GS1 company prefix has 7 to 10 digits, not {0}")]
    CompanyPrefixLength(usize),
    #[error(
        "serial reference {serial} does not fit the {width} digits an SSCC leaves after a \
         {prefix_len}-digit company prefix"
    )]
    SerialTooLarge {
        serial: u64,
        width: usize,
        prefix_len: usize,
    },
    #[error(
        "20 digits should be the application identifier 00 and an SSCC, but they start with {0}"
    )]
    ApplicationIdentifier(String),
}

/// The digits of `s`, or where the first non-digit is.
fn digits_of(s: &str) -> Result<Vec<u8>, Gs1Error> {
    if s.is_empty() {
        return Err(Gs1Error::Empty);
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| match c.to_digit(10) {
            // to_digit(10) also refuses non-ASCII digits such as '٣', which no scanner emits.
            Some(d) if c.is_ascii_digit() => Ok(d as u8),
            _ => Err(Gs1Error::NotDigit {
                position: i + 1,
                found: c,
            }),
        })
        .collect()
}

fn check_digit_of(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .zip([3u32, 1].into_iter().cycle())
        .map(|(&d, weight)| u32::from(d) * weight)
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// The check digit for `digits`, a GS1 key without its check digit (11 digits of a UPC-A,
/// 17 of an SSCC...).
pub fn check_digit(digits: &str) -> Result<u8, Gs1Error> {
    digits_of(digits).map(|body| check_digit_of(&body))
}

/// Checks the digits and the last (check) digit of `code`, whatever its length.
fn check_any_length(code: &str) -> Result<(), Gs1Error> {
    let digits = digits_of(code)?;
    let Some((&found, body)) = digits.split_last() else {
        return Err(Gs1Error::Empty);
    };
    let expected = check_digit_of(body);
    if found == expected {
        Ok(())
    } else {
        Err(Gs1Error::CheckDigit { found, expected })
    }
}

/// Checks a GS1 code with its check digit: a GTIN-8, -12 (UPC-A), -13 (EAN, also a GLN) or
/// -14, or an SSCC-18.
pub fn verify(code: &str) -> Result<(), Gs1Error> {
    digits_of(code)?;
    let len = code.len();
    if ![8, 12, 13, 14, 18].contains(&len) {
        return Err(Gs1Error::Length {
            kind: "a GTIN or SSCC",
            expected: "8, 12, 13, 14 or 18",
            found: len,
        });
    }
    check_any_length(code)
}

/// A Serial Shipping Container Code: the 18 digits that name one carton or pallet, its
/// check digit verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sscc(String);

impl Sscc {
    const LEN: usize = 18;

    /// Builds the SSCC for a container: the extension digit (chosen by the company, often
    /// to widen the serial range), the GS1 company prefix, the serial reference zero-padded
    /// to fill the 17 digits, then the check digit.
    pub fn new(extension_digit: u8, company_prefix: &str, serial: u64) -> Result<Sscc, Gs1Error> {
        if extension_digit > 9 {
            return Err(Gs1Error::ExtensionDigit(extension_digit));
        }
        digits_of(company_prefix)?;
        let prefix_len = company_prefix.len();
        if !(7..=10).contains(&prefix_len) {
            return Err(Gs1Error::CompanyPrefixLength(prefix_len));
        }
        let width = Self::LEN - 2 - prefix_len;
        let serial_text = format!("{serial:0width$}");
        if serial_text.len() > width {
            return Err(Gs1Error::SerialTooLarge {
                serial,
                width,
                prefix_len,
            });
        }
        let body = format!("{extension_digit}{company_prefix}{serial_text}");
        let check = check_digit(&body)?;
        Ok(Sscc(format!("{body}{check}")))
    }

    /// Reads an SSCC as printed or sent: 18 digits, or 20 with the application identifier
    /// "00" in front as a GS1-128 label carries it (also written "(00)").
    pub fn parse(s: &str) -> Result<Sscc, Gs1Error> {
        let (code, bracketed) = match s.strip_prefix("(00)") {
            Some(rest) => (rest, true),
            None => (s, false),
        };
        digits_of(code)?;
        let code = match code.len() {
            Self::LEN => code,
            20 if !bracketed => code
                .strip_prefix("00")
                .ok_or_else(|| Gs1Error::ApplicationIdentifier(code[..2].to_owned()))?,
            found => {
                return Err(Gs1Error::Length {
                    kind: "an SSCC",
                    expected: "18 (20 with the application identifier 00)",
                    found,
                });
            }
        };
        check_any_length(code)?;
        Ok(Sscc(code.to_owned()))
    }

    /// The 18 digits, check digit included, without an application identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Sscc {
    type Err = Gs1Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Sscc::parse(s)
    }
}

impl TryFrom<String> for Sscc {
    type Error = Gs1Error;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Sscc::parse(&s)
    }
}

impl From<Sscc> for String {
    fn from(sscc: Sscc) -> String {
        sscc.0
    }
}

/// A Global Trade Item Number as written: GTIN-8 (EAN-8), GTIN-12 (UPC-A), GTIN-13 (EAN-13)
/// or GTIN-14, its check digit verified. Kept at the length it came in, since partners
/// expect their UPCs back as UPCs; compare via [`Gtin::to_gtin14`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Gtin(String);

impl Gtin {
    pub fn parse(s: &str) -> Result<Gtin, Gs1Error> {
        digits_of(s)?;
        if ![8, 12, 13, 14].contains(&s.len()) {
            return Err(Gs1Error::Length {
                kind: "a GTIN",
                expected: "8, 12, 13 or 14",
                found: s.len(),
            });
        }
        check_any_length(s)?;
        Ok(Gtin(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same item as a 14-digit GTIN, zero-padded on the left (the check digit is
    /// unchanged, as it is weighted from the right).
    pub fn to_gtin14(&self) -> String {
        format!("{:0>14}", self.0)
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Gtin {
    type Err = Gs1Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Gtin::parse(s)
    }
}

impl TryFrom<String> for Gtin {
    type Error = Gs1Error;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Gtin::parse(&s)
    }
}

impl From<Gtin> for String {
    fn from(gtin: Gtin) -> String {
        gtin.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn check_digit_known_answers() {
        // UPC-A 036000291452, EAN-13 4006381333931, EAN-8 96385074.
        assert_eq!(check_digit("03600029145"), Ok(2));
        assert_eq!(check_digit("400638133393"), Ok(1));
        assert_eq!(check_digit("9638507"), Ok(4));
        // GS1's SSCC example (0) 0614141 123456789: the weighted sum is 140, so 0.
        assert_eq!(check_digit("00614141123456789"), Ok(0));
        assert_eq!(check_digit("0614141123456789"), Ok(0));
        assert_eq!(check_digit("10614141123456789"), Ok(7));
        assert_eq!(check_digit("10614141192837465"), Ok(7));
        assert_eq!(check_digit("00000000000"), Ok(0));
    }

    #[test]
    fn check_digit_refuses_what_is_not_digits() {
        assert_eq!(check_digit(""), Err(Gs1Error::Empty));
        assert_eq!(
            check_digit("0360 0029145"),
            Err(Gs1Error::NotDigit {
                position: 5,
                found: ' '
            })
        );
        assert_eq!(
            check_digit("03600029١45"),
            Err(Gs1Error::NotDigit {
                position: 9,
                found: '١'
            })
        );
    }

    #[test]
    fn verify_accepts_valid_codes() {
        for code in [
            "036000291452",
            "4006381333931",
            "96385074",
            "00036000291452",
            "006141411234567890",
        ] {
            assert_eq!(verify(code), Ok(()), "{code}");
        }
    }

    #[test]
    fn verify_says_what_is_wrong() {
        let wrong = verify("036000291453").unwrap_err();
        assert_eq!(
            wrong,
            Gs1Error::CheckDigit {
                found: 3,
                expected: 2
            }
        );
        assert_eq!(wrong.to_string(), "check digit 3 should be 2");
        assert_eq!(
            verify("006141411234567891"),
            Err(Gs1Error::CheckDigit {
                found: 1,
                expected: 0
            })
        );
        let short = verify("03600029145").unwrap_err();
        assert!(matches!(short, Gs1Error::Length { found: 11, .. }));
        assert_eq!(
            short.to_string(),
            "a GTIN or SSCC has 8, 12, 13, 14 or 18 digits, not 11"
        );
        assert_eq!(
            verify("03600029145X"),
            Err(Gs1Error::NotDigit {
                position: 12,
                found: 'X'
            })
        );
        assert_eq!(verify(""), Err(Gs1Error::Empty));
    }

    #[test]
    fn sscc_from_its_parts() {
        let sscc = Sscc::new(0, "0614141", 123_456_789).expect("valid parts");
        assert_eq!(sscc.as_str(), "006141411234567890");
        assert_eq!(sscc.to_string(), "006141411234567890");
        assert_eq!(
            Sscc::new(1, "0614141", 123_456_789).map(|s| s.0),
            Ok("106141411234567897".to_owned())
        );
        // The serial is zero-padded; a 10-digit prefix leaves it 6 digits.
        assert_eq!(
            Sscc::new(3, "0614141999", 42).map(|s| s.0),
            Ok(format!(
                "30614141999000042{}",
                check_digit("30614141999000042").unwrap()
            ))
        );
        assert_eq!(
            Sscc::new(9, "0614141999", 999_999).map(|s| s.0.len()),
            Ok(18)
        );
    }

    #[test]
    fn sscc_parts_out_of_range() {
        assert_eq!(
            Sscc::new(10, "0614141", 1),
            Err(Gs1Error::ExtensionDigit(10))
        );
        assert_eq!(
            Sscc::new(0, "061414", 1),
            Err(Gs1Error::CompanyPrefixLength(6))
        );
        assert_eq!(
            Sscc::new(0, "06141410000", 1),
            Err(Gs1Error::CompanyPrefixLength(11))
        );
        assert_eq!(
            Sscc::new(0, "06141A1", 1),
            Err(Gs1Error::NotDigit {
                position: 6,
                found: 'A'
            })
        );
        assert_eq!(
            Sscc::new(0, "0614141999", 1_000_000),
            Err(Gs1Error::SerialTooLarge {
                serial: 1_000_000,
                width: 6,
                prefix_len: 10
            })
        );
        assert!(Sscc::new(0, "0614141", 1_000_000_000).is_err());
        assert!(Sscc::new(0, "0614141", u64::MAX).is_err());
    }

    #[test]
    fn sscc_parse_as_printed() {
        let expected = Sscc("006141411234567890".to_owned());
        assert_eq!(Sscc::parse("006141411234567890"), Ok(expected.clone()));
        assert_eq!(Sscc::parse("00006141411234567890"), Ok(expected.clone()));
        assert_eq!(Sscc::parse("(00)006141411234567890"), Ok(expected.clone()));
        assert_eq!("006141411234567890".parse::<Sscc>(), Ok(expected));
    }

    #[test]
    fn sscc_parse_refuses() {
        assert_eq!(
            Sscc::parse("006141411234567891"),
            Err(Gs1Error::CheckDigit {
                found: 1,
                expected: 0
            })
        );
        assert_eq!(
            Sscc::parse("01006141411234567890"),
            Err(Gs1Error::ApplicationIdentifier("01".to_owned()))
        );
        assert!(matches!(
            Sscc::parse("00614141123456789"),
            Err(Gs1Error::Length { found: 17, .. })
        ));
        assert!(matches!(
            Sscc::parse("0006141411234567890"),
            Err(Gs1Error::Length { found: 19, .. })
        ));
        assert!(matches!(
            Sscc::parse("00 6141411234567890"),
            Err(Gs1Error::NotDigit { position: 3, .. })
        ));
        assert_eq!(Sscc::parse(""), Err(Gs1Error::Empty));
        assert_eq!(Sscc::parse("(00)"), Err(Gs1Error::Empty));
        assert!(matches!(
            Sscc::parse("(00)00006141411234567890"),
            Err(Gs1Error::Length { found: 20, .. })
        ));
    }

    #[test]
    fn sscc_serde_is_a_checked_string() {
        let sscc = Sscc::parse("006141411234567890").unwrap();
        let json = serde_json::to_string(&sscc).unwrap();
        assert_eq!(json, "\"006141411234567890\"");
        assert_eq!(serde_json::from_str::<Sscc>(&json).unwrap(), sscc);
        assert_eq!(
            serde_json::from_str::<Sscc>("\"00006141411234567890\"").unwrap(),
            sscc
        );
        let bad = serde_json::from_str::<Sscc>("\"006141411234567891\"").unwrap_err();
        assert!(
            bad.to_string().contains("check digit 1 should be 0"),
            "{bad}"
        );
        assert!(serde_json::from_str::<Sscc>("6141411234567890").is_err());
    }

    #[test]
    fn gtin_lengths_and_padding() {
        let upc = Gtin::parse("036000291452").unwrap();
        assert_eq!(upc.as_str(), "036000291452");
        assert_eq!(upc.to_gtin14(), "00036000291452");
        assert_eq!(
            Gtin::parse("4006381333931").unwrap().to_gtin14(),
            "04006381333931"
        );
        assert_eq!(
            Gtin::parse("96385074").unwrap().to_gtin14(),
            "00000096385074"
        );
        assert_eq!(
            Gtin::parse("00036000291452").unwrap().to_gtin14(),
            "00036000291452"
        );
        // The padded form is a valid GTIN-14 of its own.
        assert_eq!(verify(&upc.to_gtin14()), Ok(()));
    }

    #[test]
    fn gtin_refuses() {
        assert!(matches!(
            Gtin::parse("006141411234567890"),
            Err(Gs1Error::Length { found: 18, .. })
        ));
        assert!(matches!(
            Gtin::parse("3600029145"),
            Err(Gs1Error::Length { found: 10, .. })
        ));
        assert_eq!(
            Gtin::parse("4006381333932"),
            Err(Gs1Error::CheckDigit {
                found: 2,
                expected: 1
            })
        );
        assert!(matches!(
            Gtin::parse("-36000291452"),
            Err(Gs1Error::NotDigit { position: 1, .. })
        ));
    }

    #[test]
    fn gtin_serde_is_a_checked_string() {
        let gtin: Gtin = serde_json::from_str("\"036000291452\"").unwrap();
        assert_eq!(serde_json::to_string(&gtin).unwrap(), "\"036000291452\"");
        assert!(serde_json::from_str::<Gtin>("\"036000291453\"").is_err());
    }

    proptest! {
        #[test]
        fn a_computed_check_digit_verifies(body in "[0-9]{1,17}") {
            let check = check_digit(&body).unwrap();
            prop_assert!(check <= 9);
            prop_assert_eq!(check_any_length(&format!("{body}{check}")), Ok(()));
        }

        // Weights 3 and 1 are both coprime to 10, so every single-digit error shows.
        #[test]
        fn any_single_wrong_digit_is_caught(
            body in "[0-9]{1,17}",
            position in any::<prop::sample::Index>(),
            shift in 1u8..=9,
        ) {
            let check = check_digit(&body).unwrap();
            let mut code: Vec<u8> = format!("{body}{check}").into_bytes();
            let at = position.index(code.len());
            code[at] = b'0' + (code[at] - b'0' + shift) % 10;
            let code = String::from_utf8(code).unwrap();
            prop_assert!(check_any_length(&code).is_err());
        }

        #[test]
        fn sscc_new_then_parse(
            extension in 0u8..=9,
            prefix in "[0-9]{7,10}",
            serial in 0u64..1_000_000,
        ) {
            let sscc = Sscc::new(extension, &prefix, serial).unwrap();
            prop_assert_eq!(sscc.as_str().len(), 18);
            prop_assert_eq!(Sscc::parse(sscc.as_str()), Ok(sscc.clone()));
            prop_assert_eq!(Sscc::parse(&format!("00{sscc}")), Ok(sscc.clone()));
        }

        #[test]
        fn gtin14_padding_keeps_the_item(body in "[0-9]{11,12}") {
            let gtin = format!("{body}{}", check_digit(&body).unwrap());
            let parsed = Gtin::parse(&gtin).unwrap();
            prop_assert_eq!(verify(&parsed.to_gtin14()), Ok(()));
            prop_assert!(parsed.to_gtin14().ends_with(&gtin));
        }
    }
}
