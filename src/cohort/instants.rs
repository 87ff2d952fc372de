//! Instants of a cohort's figures: RFC 3339 times as seconds since the epoch. A class of 10,000 learners has
//! about a million of them to read (each check's first verdict and first pass), so the form labcheck itself writes,
//! `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, is read directly; anything else goes through the `time` crate's parser.

use time::format_description::well_known::Rfc3339;

/// `rfc3339` as seconds since the epoch, or `None` when it is not a time.
pub(super) fn seconds(rfc3339: &str) -> Option<f64> {
    utc(rfc3339).or_else(|| {
        let at = time::OffsetDateTime::parse(rfc3339, &Rfc3339).ok()?;
        Some(at.unix_timestamp_nanos() as f64 / 1e9)
    })
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with fields in range, else `None` (the caller's general parser decides).
fn utc(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let shape = bytes.len() >= 20
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':'
        && bytes[bytes.len() - 1] == b'Z';
    if !shape {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<i64> {
        bytes[from..to].iter().try_fold(0i64, |n, b| b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0')))
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    let fraction = match &bytes[19..bytes.len() - 1] {
        [] => 0.0,
        [b'.', digits @ ..] if !digits.is_empty() && digits.len() <= 9 => {
            number(20, bytes.len() - 1)? as f64 / 10f64.powi(digits.len() as i32)
        }
        _ => return None,
    };
    let in_range = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    in_range
        .then(|| (days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) as f64 + fraction)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn general(text: &str) -> Option<f64> {
        let at = time::OffsetDateTime::parse(text, &Rfc3339).ok()?;
        Some(at.unix_timestamp_nanos() as f64 / 1e9)
    }

    #[test]
    fn the_form_labcheck_writes_reads_as_the_general_parser_reads_it() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2026-11-30T03:17:34.754351806Z",
            "2024-02-29T23:59:59.5Z",
            "2000-03-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
        ] {
            assert!(close(utc(text), general(text)), "{text}");
        }
        for not_ours in ["2026-11-30T03:17:34+01:00", "2026-02-30T00:00:00Z", "2026-11-30 03:17:34Z", "yesterday"] {
            assert_eq!(utc(not_ours), None, "{not_ours}");
            assert_eq!(seconds(not_ours), general(not_ours), "{not_ours}: the general parser decides");
        }
    }

    /// The same instant, to a microsecond (the two parsers round a float differently past that).
    fn close(a: Option<f64>, b: Option<f64>) -> bool {
        matches!((a, b), (Some(a), Some(b)) if (a - b).abs() < 1e-6)
    }

    proptest! {
        #[test]
        fn any_instant_labcheck_writes_reads_back(nanos in -2_000_000_000_000_000_000i128..8_000_000_000_000_000_000i128) {
            let at = time::OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap();
            let text = at.format(&Rfc3339).unwrap();
            prop_assert!(close(utc(&text), general(&text)), "{}", text);
        }
    }
}
