//! The one clock: times as the stores and documents write them (RFC 3339, UTC) and as they compare them.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The current time, RFC 3339 to the second, as the stores write it.
pub fn now() -> String {
    rfc3339(OffsetDateTime::now_utc())
}

/// Now, in seconds since the epoch.
pub fn now_epoch() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// `at`, RFC 3339 to the second.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.replace_nanosecond(0).unwrap_or(at).format(&Rfc3339).unwrap_or_default()
}

/// An RFC 3339 time, if `text` is one.
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// Milliseconds since the epoch of an RFC 3339 time (0 if it is not one): stores compare times as numbers.
pub fn epoch_millis(text: &str) -> i64 {
    parse(text).map_or(0, |t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX))
}
