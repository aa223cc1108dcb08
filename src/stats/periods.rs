//! Calendar periods for trend charts: `YYYY-MM` months and `YYYY-Qn` quarters,
//! and every period between two dates so gaps show as zeros.

use chrono::{Datelike, NaiveDate};

/// `2024-03` for any day of March 2024.
pub fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// `2024-Q1` for any day of January to March 2024.
pub fn quarter_key(d: NaiveDate) -> String {
    format!("{:04}-Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// Every month from `a`'s to `b`'s, inclusive (empty if `b` is before `a`).
pub fn months_between(a: NaiveDate, b: NaiveDate) -> Vec<String> {
    let (mut y, mut m) = (a.year(), a.month());
    let end = (b.year(), b.month());
    let mut out = Vec::new();
    while (y, m) <= end {
        out.push(format!("{y:04}-{m:02}"));
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    out
}

/// Every quarter from `a`'s to `b`'s, inclusive.
pub fn quarters_between(a: NaiveDate, b: NaiveDate) -> Vec<String> {
    let q = |d: NaiveDate| (d.year(), (d.month() - 1) / 3 + 1);
    let (mut y, mut n) = q(a);
    let end = q(b);
    let mut out = Vec::new();
    while (y, n) <= end {
        out.push(format!("{y:04}-Q{n}"));
        if n == 4 {
            y += 1;
            n = 1;
        } else {
            n += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::doc::parse_date(s).unwrap()
    }

    #[test]
    fn months_span_year_ends_and_keep_gaps() {
        assert_eq!(
            months_between(d("2023-11-30"), d("2024-02-01")),
            ["2023-11", "2023-12", "2024-01", "2024-02"]
        );
        assert_eq!(
            months_between(d("2024-03-01"), d("2024-03-31")),
            ["2024-03"]
        );
        assert!(months_between(d("2024-03-01"), d("2024-01-31")).is_empty());
    }

    #[test]
    fn quarters_span_year_ends() {
        assert_eq!(
            quarters_between(d("2023-12-31"), d("2024-04-01")),
            ["2023-Q4", "2024-Q1", "2024-Q2"]
        );
        assert_eq!(quarter_key(d("2024-09-30")), "2024-Q3");
    }
}
