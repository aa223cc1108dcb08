//! Summaries of skewed durations: counts, median, p90 and fixed buckets, never a
//! bare mean. Pure arithmetic over seconds; no knowledge of documents.

use serde::Serialize;

/// A distribution of durations in seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    /// Documents with a usable duration.
    pub count: usize,
    /// Documents where the timestamps were absent or out of order.
    pub missing: usize,
    pub min: Option<i64>,
    /// Middle value; the mean of the two middle values for an even count.
    pub median: Option<i64>,
    /// 90th percentile by nearest rank: the smallest value with at least 90 %
    /// of the values at or below it.
    pub p90: Option<i64>,
    pub max: Option<i64>,
    pub buckets: Vec<Bucket>,
}

/// A histogram bar: durations in `[from, to)` seconds (`to` open-ended if None).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    pub label: String,
    pub from: i64,
    pub to: Option<i64>,
    pub count: usize,
}

/// Bucket edges in seconds, chosen for incident durations: minutes to days.
const EDGES: &[(i64, &str)] = &[
    (0, "< 5m"),
    (5 * 60, "5–15m"),
    (15 * 60, "15–30m"),
    (30 * 60, "30m–1h"),
    (3600, "1–2h"),
    (2 * 3600, "2–4h"),
    (4 * 3600, "4–8h"),
    (8 * 3600, "8–24h"),
    (24 * 3600, "1–3d"),
    (3 * 24 * 3600, "≥ 3d"),
];

impl Distribution {
    /// Summarises `values` (negative ones count as missing: the timestamps are
    /// out of order, which `lint` reports). `missing` adds documents that had
    /// no duration at all.
    pub fn of(values: impl IntoIterator<Item = i64>, missing: usize) -> Distribution {
        let mut v: Vec<i64> = Vec::new();
        let mut bad = 0;
        for x in values {
            if x < 0 {
                bad += 1;
            } else {
                v.push(x);
            }
        }
        v.sort_unstable();
        let buckets = EDGES
            .iter()
            .enumerate()
            .map(|(i, &(from, label))| {
                let to = EDGES.get(i + 1).map(|e| e.0);
                let count = v
                    .iter()
                    .filter(|&&x| x >= from && to.is_none_or(|t| x < t))
                    .count();
                Bucket {
                    label: label.to_string(),
                    from,
                    to,
                    count,
                }
            })
            .collect();
        Distribution {
            count: v.len(),
            missing: missing + bad,
            min: v.first().copied(),
            median: median(&v),
            p90: percentile(&v, 90),
            max: v.last().copied(),
            buckets,
        }
    }
}

/// Median of sorted values.
pub fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        sorted.get(n / 2).copied()
    } else {
        let a = sorted.get(n / 2 - 1)?;
        let b = sorted.get(n / 2)?;
        Some(a + (b - a) / 2)
    }
}

/// Nearest-rank percentile of sorted values (`p` in 1..=100).
pub fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (p * n).div_ceil(100).clamp(1, n);
    sorted.get(rank - 1).copied()
}

/// A duration as people say it: `45s`, `12m`, `1h 05m`, `2d 3h`.
pub fn human_duration(secs: i64) -> String {
    let neg = secs < 0;
    let s = secs.unsigned_abs();
    let text = if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86_400 {
        let m = (s % 3600) / 60;
        if m == 0 {
            format!("{}h", s / 3600)
        } else {
            format!("{}h {m:02}m", s / 3600)
        }
    } else {
        let h = (s % 86_400) / 3600;
        if h == 0 {
            format!("{}d", s / 86_400)
        } else {
            format!("{}d {h}h", s / 86_400)
        }
    };
    if neg { format!("-{text}") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90_of_skewed_durations() {
        let d = Distribution::of([600, 60, 1200, 30, 86_400 * 2], 1);
        assert_eq!(d.count, 5);
        assert_eq!(d.missing, 1);
        assert_eq!(d.median, Some(600));
        assert_eq!(d.p90, Some(172_800));
        assert_eq!(d.min, Some(30));
        assert_eq!(d.max, Some(172_800));
        let counts: Vec<usize> = d.buckets.iter().map(|b| b.count).collect();
        assert_eq!(counts, vec![2, 1, 1, 0, 0, 0, 0, 0, 1, 0]);
    }

    #[test]
    fn even_count_median_is_between_the_middle_values() {
        assert_eq!(median(&[10, 20, 40, 100]), Some(30));
        assert_eq!(percentile(&[10, 20, 40, 100], 90), Some(100));
        assert_eq!(percentile(&(1..=10).collect::<Vec<_>>(), 90), Some(9));
    }

    #[test]
    fn empty_and_single_value() {
        let e = Distribution::of([], 3);
        assert_eq!((e.count, e.missing, e.median, e.p90), (0, 3, None, None));
        let one = Distribution::of([90], 0);
        assert_eq!((one.median, one.p90), (Some(90), Some(90)));
    }

    #[test]
    fn negative_durations_count_as_missing() {
        let d = Distribution::of([-60, 120], 0);
        assert_eq!((d.count, d.missing, d.median), (1, 1, Some(120)));
    }

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(12 * 60 + 5), "12m");
        assert_eq!(human_duration(3600 + 5 * 60), "1h 05m");
        assert_eq!(human_duration(7200), "2h");
        assert_eq!(human_duration(2 * 86_400 + 3 * 3600), "2d 3h");
        assert_eq!(human_duration(-120), "-2m");
    }
}
