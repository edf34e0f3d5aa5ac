//! A deterministic generator of valid interchanges (not written yet).
