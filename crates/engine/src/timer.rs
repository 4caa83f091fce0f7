//! ISO-8601 timer values: durations (`PT5M`, `P3D`), dates (RFC 3339) and cycles
//! (`R3/PT10M`, `R/PT1H`).

use flode_store::{JobRecord, job_kind};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// A parsed timer value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerSpec {
    /// Fire once, this many ms after arming.
    After(i64),
    /// Fire once at this Unix ms.
    At(i64),
    /// Fire every `interval` ms; `repetitions` `None` = forever.
    Cycle {
        /// Times left to fire.
        repetitions: Option<u32>,
        /// Interval in ms.
        interval: i64,
    },
}

/// A ready timer job that fires `node_id` (for `token` of `instance_id`, or a process's
/// timer start event when both are `None`) at `due_at`. Its idempotency key is
/// `key_prefix` followed by the new job's id.
pub(crate) fn timer_job(
    instance_id: Option<String>,
    token: Option<i64>,
    node_id: String,
    due_at: i64,
    payload: Value,
    key_prefix: &str,
    now: i64,
) -> JobRecord {
    let id = crate::ids::new_id();
    JobRecord {
        idempotency_key: format!("{key_prefix}{id}"),
        id,
        kind: job_kind::TIMER.into(),
        job_type: "timer".into(),
        instance_id,
        token,
        node_id: Some(node_id),
        state: "ready".into(),
        retries: 3,
        attempts: 0,
        due_at,
        lease_owner: None,
        lease_until: None,
        payload,
        error: None,
        created_at: now,
        updated_at: now,
    }
}

/// Parses an ISO-8601 duration into milliseconds. Years and months count as 365 and 30 days
/// (legal deadlines use dates, not timer durations).
pub fn parse_duration_ms(s: &str) -> Result<i64, String> {
    let err = || format!("{s:?} is not an ISO-8601 duration such as PT5M or P3D");
    let rest = s.trim().strip_prefix('P').ok_or_else(err)?;
    if rest.is_empty() {
        return Err(err());
    }
    let mut total: f64 = 0.0;
    let mut in_time = false;
    let mut number = String::new();
    for c in rest.chars() {
        match c {
            'T' if !in_time && number.is_empty() => in_time = true,
            '0'..='9' | '.' | ',' => number.push(if c == ',' { '.' } else { c }),
            _ => {
                let n: f64 = number.parse().map_err(|_| err())?;
                number.clear();
                let unit_ms = match (in_time, c) {
                    (false, 'Y') => 365.0 * 86_400_000.0,
                    (false, 'M') => 30.0 * 86_400_000.0,
                    (false, 'W') => 7.0 * 86_400_000.0,
                    (false, 'D') => 86_400_000.0,
                    (true, 'H') => 3_600_000.0,
                    (true, 'M') => 60_000.0,
                    (true, 'S') => 1_000.0,
                    _ => return Err(err()),
                };
                total += n * unit_ms;
            }
        }
    }
    if !number.is_empty() {
        return Err(err());
    }
    Ok(total.round() as i64)
}

/// Parses an ISO-8601 date-time into Unix milliseconds: RFC 3339 with an offset; without
/// one (as FEEL's `now()` gives) or a plain date, it is read as UTC.
pub fn parse_date_ms(s: &str) -> Result<i64, String> {
    let text = s.trim();
    // FEEL may append a zone id (`…@Europe/Stockholm`) after an offset; the offset decides.
    let text = text.split('@').next().unwrap_or(text);
    let t = if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        t
    } else if let Ok(t) = PrimitiveDateTime::parse(text, LOCAL) {
        t.assume_utc()
    } else if let Ok(t) = PrimitiveDateTime::parse(text, LOCAL_FRACTION) {
        t.assume_utc()
    } else if let Ok(d) = Date::parse(text, DATE) {
        d.midnight().assume_utc()
    } else {
        return Err(format!("{s:?} is not an ISO-8601 date or date-time"));
    };
    Ok((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

const LOCAL: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
const LOCAL_FRACTION: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]");
const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Parses `R[n]/duration` (a start date part is not supported and says so).
pub fn parse_cycle(s: &str) -> Result<TimerSpec, String> {
    let mut parts = s.trim().split('/');
    let reps = parts.next().unwrap_or_default();
    let reps = reps
        .strip_prefix('R')
        .ok_or_else(|| format!("{s:?} is not an ISO-8601 repeating interval such as R3/PT10M"))?;
    let repetitions = if reps.is_empty() {
        None
    } else {
        Some(
            reps.parse::<u32>()
                .map_err(|_| format!("{s:?}: bad repetition count"))?,
        )
    };
    let interval = match (parts.next(), parts.next()) {
        (Some(d), None) => parse_duration_ms(d)?,
        _ => {
            return Err(format!(
                "{s:?}: only R[n]/duration cycles are supported (no start or end date)"
            ));
        }
    };
    if interval <= 0 {
        return Err(format!("{s:?}: the interval must be positive"));
    }
    Ok(TimerSpec::Cycle {
        repetitions,
        interval,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("PT1S"), Ok(1_000));
        assert_eq!(parse_duration_ms("PT1M30S"), Ok(90_000));
        assert_eq!(parse_duration_ms("P1DT1H"), Ok(90_000_000));
        assert_eq!(parse_duration_ms("P2W"), Ok(14 * 86_400_000));
        assert_eq!(parse_duration_ms("PT0.5S"), Ok(500));
        assert!(parse_duration_ms("5 minutes").is_err());
        assert!(parse_duration_ms("P").is_err());
        assert!(parse_duration_ms("PT5").is_err());
    }

    #[test]
    fn cycles_and_dates() {
        assert_eq!(
            parse_cycle("R4/PT10S"),
            Ok(TimerSpec::Cycle {
                repetitions: Some(4),
                interval: 10_000
            })
        );
        assert_eq!(
            parse_cycle("R/PT1H"),
            Ok(TimerSpec::Cycle {
                repetitions: None,
                interval: 3_600_000
            })
        );
        assert!(parse_cycle("R3/2026-01-01T00:00:00Z/PT1H").is_err());
        assert_eq!(parse_date_ms("1970-01-01T00:00:01Z"), Ok(1_000));
        assert!(parse_date_ms("tomorrow").is_err());
        assert_eq!(parse_date_ms("1970-01-02"), Ok(86_400_000));
        assert_eq!(parse_date_ms("1970-01-01T00:00:02"), Ok(2_000));
        assert_eq!(parse_date_ms("1970-01-01T00:00:02.5"), Ok(2_500));
        assert_eq!(
            parse_date_ms("1970-01-01T01:00:00+01:00@Europe/Stockholm"),
            Ok(0)
        );
    }
}
