//! The X12 date (DT) and time (TM) forms used in envelopes, checked without a clock.

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u32, |n, &b| n * 10 + u32::from(b - b'0')))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

fn valid_ymd(year: u32, month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

/// `YYMMDD` (ISA09; DT of length 6). Two-digit years are read as 20YY for leap years.
pub fn is_yymmdd(s: &[u8]) -> bool {
    s.len() == 6
        && match (digits(&s[0..2]), digits(&s[2..4]), digits(&s[4..6])) {
            (Some(y), Some(m), Some(d)) => valid_ymd(2000 + y, m, d),
            _ => false,
        }
}

/// `CCYYMMDD` (GS04 from 004000 on; DT of length 8).
pub fn is_ccyymmdd(s: &[u8]) -> bool {
    s.len() == 8
        && match (digits(&s[0..4]), digits(&s[4..6]), digits(&s[6..8])) {
            (Some(y), Some(m), Some(d)) => valid_ymd(y, m, d),
            _ => false,
        }
}

/// `HHMM` (ISA10).
pub fn is_hhmm(s: &[u8]) -> bool {
    s.len() == 4 && valid_hm(s)
}

fn valid_hm(s: &[u8]) -> bool {
    matches!((digits(&s[0..2]), digits(&s[2..4])), (Some(h), Some(m)) if h < 24 && m < 60)
}

/// `HHMM[SS[D[D]]]` (GS05; TM of length 4 to 8).
pub fn is_time(s: &[u8]) -> bool {
    match s.len() {
        4 => valid_hm(s),
        6..=8 => {
            valid_hm(&s[..4])
                && matches!(digits(&s[4..6]), Some(sec) if sec < 60)
                && digits(&s[6..]).is_some() == (s.len() > 6)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_yymmdd(b"240229"));
        assert!(!is_yymmdd(b"230229"));
        assert!(!is_yymmdd(b"241301"));
        assert!(!is_yymmdd(b"24010"));
        assert!(is_ccyymmdd(b"20000229"));
        assert!(!is_ccyymmdd(b"19000229"));
        assert!(!is_ccyymmdd(b"BAD_DATE"));
        assert!(!is_ccyymmdd(b"20241100"));
    }

    #[test]
    fn times() {
        assert!(is_hhmm(b"2359"));
        assert!(!is_hhmm(b"2400"));
        assert!(!is_hhmm(b"060\n"));
        assert!(is_time(b"235959"));
        assert!(is_time(b"23595912"));
        assert!(!is_time(b"295335"));
        assert!(!is_time(b"12345"));
    }
}
