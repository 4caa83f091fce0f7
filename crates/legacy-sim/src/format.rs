//! The formats on the screens: Swedish amounts (`12 345,50`), dates as `ÅÅÅÅ-MM-DD` or,
//! in some v1 fields, `ÅÅMMDD`, periods as `ÅÅÅÅ-MM` and times as `TT:MM`. Stored values
//! are ISO text and whole öre.

use time::{Date, Month, OffsetDateTime};

/// Kronor with a space between thousands and a decimal comma, from öre.
pub(crate) fn amount(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let ore = ore.unsigned_abs();
    let kronor = (ore / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in kronor.chars().enumerate() {
        if i > 0 && (kronor.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{:02}", ore % 100)
}

/// Öre from `12 345,50`, `12345.50`, `12345` (spaces, also non-breaking, ignored).
/// Only positive amounts are valid on the sim's forms.
pub(crate) fn parse_amount(input: &str) -> Option<i64> {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let s = s.trim_end_matches("kr").replace(',', ".");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let kronor: i64 = whole.parse().ok()?;
    let ore: i64 = format!("{frac:0<2}").parse().ok()?;
    let total = kronor.checked_mul(100)?.checked_add(ore)?;
    (total > 0).then_some(total)
}

/// A date from `ÅÅÅÅ-MM-DD`.
pub(crate) fn parse_iso_date(input: &str) -> Option<Date> {
    let s = input.trim();
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    date(
        s.get(..4)?.parse().ok()?,
        s.get(5..7)?.parse().ok()?,
        s.get(8..)?.parse().ok()?,
    )
}

/// A date from v1's `ÅÅMMDD` (this century: payments are not made in the past one).
pub(crate) fn parse_short_date(input: &str) -> Option<Date> {
    let s = input.trim();
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let yy: i32 = s.get(..2)?.parse().ok()?;
    date(
        2000 + yy,
        s.get(2..4)?.parse().ok()?,
        s.get(4..)?.parse().ok()?,
    )
}

fn date(year: i32, month: u8, day: u8) -> Option<Date> {
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// `ÅÅÅÅ-MM-DD`.
pub(crate) fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `ÅÅMMDD` from a stored `ÅÅÅÅ-MM-DD`.
pub(crate) fn short_date(iso: &str) -> String {
    iso.chars().filter(|c| *c != '-').skip(2).collect()
}

/// A period `ÅÅÅÅ-MM`, normalised.
pub(crate) fn parse_period(input: &str) -> Option<String> {
    let s = input.trim();
    let (y, m) = s.split_once('-')?;
    let (y, m): (i32, u8) = (y.parse().ok()?, m.parse().ok()?);
    ((1900..=2100).contains(&y) && (1..=12).contains(&m)).then(|| format!("{y:04}-{m:02}"))
}

/// A time `TT:MM`, normalised.
pub(crate) fn parse_time(input: &str) -> Option<String> {
    let (h, m) = input.trim().split_once(':')?;
    let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// Now, as stored (`ÅÅÅÅ-MM-DD TT:MM:SS`, UTC).
pub(crate) fn now_stamp() -> String {
    let now = OffsetDateTime::now_utc();
    format!(
        "{} {:02}:{:02}:{:02}",
        iso_date(now.date()),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// Today (UTC), `ÅÅÅÅ-MM-DD`.
pub(crate) fn today() -> String {
    iso_date(OffsetDateTime::now_utc().date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_in_swedish_format() {
        assert_eq!(amount(1_234_550), "12 345,50");
        assert_eq!(amount(100), "1,00");
        assert_eq!(parse_amount("12 345,50"), Some(1_234_550));
        assert_eq!(parse_amount("12345.5"), Some(1_234_550));
        assert_eq!(parse_amount("5000"), Some(500_000));
        assert_eq!(parse_amount("0"), None);
        assert_eq!(parse_amount("-5"), None);
        assert_eq!(parse_amount("1,234"), None);
    }

    #[test]
    fn dates_in_both_formats() {
        let d = parse_short_date("250325");
        assert_eq!(d.map(iso_date).as_deref(), Some("2025-03-25"));
        assert_eq!(parse_iso_date("2025-02-30"), None);
        assert_eq!(short_date("2025-03-25"), "250325");
        assert_eq!(parse_period("2025-3").as_deref(), Some("2025-03"));
        assert_eq!(parse_time("9:05").as_deref(), Some("09:05"));
    }
}
