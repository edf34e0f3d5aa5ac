//! The standard's spec files, built into the binary so that `edigate validate` works from any
//! directory; `specs/` in the repository is their source.

use std::sync::OnceLock;

use super::{SpecError, SpecSet, from_sources};

macro_rules! spec_files {
    ($($path:literal),* $(,)?) => {
        &[ $( ($path, include_str!(concat!("../../", $path))), )* ]
    };
}

/// Every file of the standard: (path in the repository, content).
pub const STANDARD_FILES: &[(&str, &str)] = spec_files!(
    "specs/004010/elements.xml",
    "specs/004010/segments.xml",
    "specs/004010/codes.xml",
    "specs/004010/directory.xml",
    "specs/004010/810.xml",
    "specs/004010/820.xml",
    "specs/004010/850.xml",
    "specs/004010/856.xml",
    "specs/004010/997.xml",
    "specs/005010/elements.xml",
    "specs/005010/segments.xml",
    "specs/005010/codes.xml",
    "specs/005010/directory.xml",
    "specs/005010/810.xml",
    "specs/005010/820.xml",
    "specs/005010/850.xml",
    "specs/005010/856.xml",
    "specs/005010/997.xml",
);

/// The standard's definitions, loaded on first use and shared afterwards.
pub fn standard() -> Result<&'static SpecSet, &'static SpecError> {
    static STANDARD: OnceLock<Result<SpecSet, SpecError>> = OnceLock::new();
    STANDARD
        .get_or_init(|| from_sources(STANDARD_FILES.iter().copied()))
        .as_ref()
}
