//! The four X12 delimiters, as an interchange's ISA header declares them.

use std::fmt;

/// Delimiters of one interchange. `repetition` is `None` before version 00402 or when the
/// sender put the standards identifier `U` in ISA11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Delimiters {
    pub element: u8,
    pub component: u8,
    pub repetition: Option<u8>,
    pub segment: u8,
}

impl Delimiters {
    /// The delimiters most retailers use: `*`, `>`, `^`, `~`.
    pub const COMMON: Delimiters = Delimiters {
        element: b'*',
        component: b'>',
        repetition: Some(b'^'),
        segment: b'~',
    };

    /// Whether `b` is one of the four delimiters (so data must not contain it).
    pub fn is_delimiter(&self, b: u8) -> bool {
        b == self.element || b == self.component || b == self.segment || Some(b) == self.repetition
    }

    /// Checks that the delimiters are usable: not letters, digits or spaces, and distinct.
    /// Returns a sentence saying what is wrong otherwise.
    pub fn check(&self) -> Result<(), String> {
        let named = [
            ("element separator", Some(self.element)),
            ("component separator", Some(self.component)),
            ("repetition separator", self.repetition),
            ("segment terminator", Some(self.segment)),
        ];
        for (name, b) in named {
            if let Some(b) = b
                && (b.is_ascii_alphanumeric() || b == b' ')
            {
                return Err(format!(
                    "the {name} {} is a letter, digit or space, which data may contain",
                    super::diagnostic::show_byte(b)
                ));
            }
        }
        for (i, (a_name, a)) in named.iter().enumerate() {
            for (b_name, b) in &named[i + 1..] {
                if a.is_some() && a == b {
                    return Err(format!(
                        "the {a_name} and the {b_name} are both {}; all delimiters must differ",
                        super::diagnostic::show_byte(a.unwrap_or_default())
                    ));
                }
            }
        }
        Ok(())
    }
}

impl fmt::Display for Delimiters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::diagnostic::show;
        write!(
            f,
            "element {} component {} repetition {} segment {}",
            show(&[self.element]),
            show(&[self.component]),
            self.repetition
                .map_or_else(|| "none".to_string(), |r| show(&[r])),
            show(&[self.segment])
        )
    }
}
