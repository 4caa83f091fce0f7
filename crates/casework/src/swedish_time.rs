//! Time as it is in Sweden (CET, CEST in summer): what a letter is dated, the month a
//! citizen may apply for, and every time a person reads on a page. The store keeps Unix
//! milliseconds (UTC); this is where they become Swedish dates and clock times.
//!
//! The build has no time-zone database, and needs none: Sweden follows the EU's rule,
//! UTC+1 and UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
//! Sunday of October.

use time::{Date, Month, OffsetDateTime, UtcOffset};

/// The Swedish wall-clock time at `ms` (Unix milliseconds), with its offset.
pub fn at(ms: i64) -> OffsetDateTime {
    let utc = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let hours = if summer_time(utc) { 2 } else { 1 };
    let offset = UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC);
    utc.to_offset(offset)
}

/// The date in Sweden at `ms`, `YYYY-MM-DD`: a decision made just after midnight Swedish
/// time is dated that day, not the day before as in UTC.
pub fn date(ms: i64) -> String {
    ymd(&at(ms))
}

/// The date and clock time in Sweden at `ms`, `YYYY-MM-DD HH:MM`.
pub fn date_time(ms: i64) -> String {
    let local = at(ms);
    format!("{} {:02}:{:02}", ymd(&local), local.hour(), local.minute())
}

fn ymd(t: &OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// EU summer time: from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
/// Sunday of October.
fn summer_time(utc: OffsetDateTime) -> bool {
    let last_sunday_1am = |month: Month| -> Option<OffsetDateTime> {
        let last = Date::from_calendar_date(utc.year(), month, 31).ok()?;
        let sunday = last - time::Duration::days(last.weekday().number_days_from_sunday().into());
        Some(sunday.with_hms(1, 0, 0).ok()?.assume_utc())
    };
    match (
        last_sunday_1am(Month::March),
        last_sunday_1am(Month::October),
    ) {
        (Some(start), Some(end)) => utc >= start && utc < end,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn ms(t: OffsetDateTime) -> i64 {
        t.unix_timestamp() * 1000
    }

    #[test]
    fn dates_follow_swedish_winter_and_summer_time() {
        // Winter UTC+1; summer UTC+2, from the last Sunday of March to the last Sunday of
        // October.
        for (at, date_there) in [
            (datetime!(2026-12-04 22:59 UTC), "2026-12-04"),
            (datetime!(2026-12-04 23:00 UTC), "2026-12-05"),
            (datetime!(2026-07-01 21:59 UTC), "2026-07-01"),
            (datetime!(2026-07-01 22:00 UTC), "2026-07-02"),
            (datetime!(2026-03-29 00:59 UTC), "2026-03-29"),
            (datetime!(2026-03-28 22:30 UTC), "2026-03-28"),
            (datetime!(2026-03-29 22:30 UTC), "2026-03-30"),
            (datetime!(2026-10-25 22:30 UTC), "2026-10-25"),
            (datetime!(2026-10-24 22:30 UTC), "2026-10-25"),
            (datetime!(2026-12-31 23:30 UTC), "2027-01-01"),
        ] {
            assert_eq!(date(ms(at)), date_there, "{at}");
        }
    }

    #[test]
    fn clock_times_change_at_one_in_the_morning_utc() {
        for (at, there) in [
            (datetime!(2026-11-25 10:15 UTC), "2026-11-25 11:15"),
            (datetime!(2026-06-15 10:15 UTC), "2026-06-15 12:15"),
            // 01:59 winter time, then 03:00 summer time; 02:59 summer time, then 02:00.
            (datetime!(2026-03-29 00:59 UTC), "2026-03-29 01:59"),
            (datetime!(2026-03-29 01:00 UTC), "2026-03-29 03:00"),
            (datetime!(2026-10-25 00:59 UTC), "2026-10-25 02:59"),
            (datetime!(2026-10-25 01:00 UTC), "2026-10-25 02:00"),
        ] {
            assert_eq!(date_time(ms(at)), there, "{at}");
        }
        assert_eq!(
            at(ms(datetime!(2026-06-15 10:15 UTC)))
                .offset()
                .whole_hours(),
            2
        );
    }
}
