//! Percentiles of latency samples.

use serde::Serialize;

/// Latency summary in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Latency {
    pub(crate) samples: usize,
    pub(crate) p50_ms: f64,
    pub(crate) p90_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) max_ms: f64,
}

/// Nearest-rank percentile (`p` in 0..=100) of sorted samples; 0 for none.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Summarises samples given in nanoseconds.
pub(crate) fn summarise(mut nanos: Vec<u64>) -> Latency {
    nanos.sort_unstable();
    let ms: Vec<f64> = nanos.iter().map(|&n| n as f64 / 1e6).collect();
    let round = |v: f64| (v * 1000.0).round() / 1000.0;
    Latency {
        samples: ms.len(),
        p50_ms: round(percentile(&ms, 50.0)),
        p90_ms: round(percentile(&ms, 90.0)),
        p99_ms: round(percentile(&ms, 99.0)),
        max_ms: round(ms.last().copied().unwrap_or_default()),
    }
}

/// Rate per second, rounded to one decimal.
pub(crate) fn per_second(count: usize, seconds: f64) -> f64 {
    if seconds <= 0.0 {
        return 0.0;
    }
    (count as f64 / seconds * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
    }

    #[test]
    fn summary_in_milliseconds() {
        let s = summarise(vec![3_000_000, 1_000_000, 2_000_000]);
        assert_eq!(s.samples, 3);
        assert_eq!(s.p50_ms, 2.0);
        assert_eq!(s.max_ms, 3.0);
        assert_eq!(per_second(10, 2.0), 5.0);
        assert_eq!(per_second(10, 0.0), 0.0);
    }
}
