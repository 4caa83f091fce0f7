//! Unix-millisecond times as text: RFC 3339 in UTC for the API, Swedish time for people
//! (`2026-11-25 11:15`, [`flode_casework::swedish_time`]).

use flode_casework::swedish_time;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn at(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// RFC 3339 in UTC, e.g. `2026-11-25T10:15:00.123Z`; empty if out of range.
pub(crate) fn rfc3339(ms: i64) -> String {
    at(ms)
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// For people, in Swedish time: `2026-11-25 11:15`.
pub(crate) fn display(ms: i64) -> String {
    swedish_time::date_time(ms)
}

/// A date for people, in Sweden: `2026-11-25`.
pub(crate) fn date(ms: i64) -> String {
    swedish_time::date(ms)
}

/// [`display`] of an optional time; empty when absent.
pub(crate) fn display_opt(ms: Option<i64>) -> String {
    ms.map(display).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let ms = 1_795_601_700_123; // 2026-11-25 10:15:00.123 UTC
        assert_eq!(rfc3339(ms), "2026-11-25T10:15:00.123Z");
        assert_eq!(display(ms), "2026-11-25 11:15", "Swedish winter time");
        assert_eq!(display_opt(None), "");
        assert_eq!(date(ms), "2026-11-25");
        assert_eq!(date(ms + 13 * 3_600_000), "2026-11-26", "00:15 in Sweden");
    }
}
