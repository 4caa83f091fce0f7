//! Unix-millisecond times as text: RFC 3339 for the API, `2026-11-25 10:15 UTC` for people.
//!
//! There is no time-zone database in the build, so pages say UTC explicitly rather than
//! guess Europe/Stockholm's offset.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

fn at(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// RFC 3339 in UTC, e.g. `2026-11-25T10:15:00.123Z`; empty if out of range.
pub(crate) fn rfc3339(ms: i64) -> String {
    at(ms)
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// For people: `2026-11-25 10:15 UTC`.
pub(crate) fn display(ms: i64) -> String {
    at(ms)
        .and_then(|t| {
            t.format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
                .ok()
        })
        .map(|s| format!("{s} UTC"))
        .unwrap_or_default()
}

/// A date for people: `2026-11-25` (UTC).
pub(crate) fn date(ms: i64) -> String {
    at(ms)
        .and_then(|t| t.format(format_description!("[year]-[month]-[day]")).ok())
        .unwrap_or_default()
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
        assert_eq!(display(ms), "2026-11-25 10:15 UTC");
        assert_eq!(display_opt(None), "");
        assert_eq!(date(ms), "2026-11-25");
    }
}
