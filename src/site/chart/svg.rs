//! A tiny SVG writer and the scale arithmetic charts need: nice ticks for
//! counts, log ticks for durations. Every text is escaped; colours come from
//! CSS classes so charts follow the light or dark theme.

use crate::site::markdown::esc;
use std::fmt::Write as _;

/// An SVG drawing of a fixed view box, scaled by CSS to its container.
pub struct Svg {
    pub w: f64,
    pub h: f64,
    body: String,
}

fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

impl Svg {
    pub fn new(w: f64, h: f64) -> Svg {
        Svg {
            w,
            h,
            body: String::new(),
        }
    }

    /// A rectangle with a class and a hover title.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, class: &str, title: &str) {
        let _ = write!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"{}\"",
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            esc(class)
        );
        if title.is_empty() {
            self.body.push_str("/>");
        } else {
            let _ = write!(self.body, "><title>{}</title></rect>", esc(title));
        }
    }

    /// A rectangle with an explicit fill opacity (heat maps).
    pub fn cell(
        &mut self,
        (x, y, w, h): (f64, f64, f64, f64),
        class: &str,
        opacity: f64,
        title: &str,
    ) {
        let _ = write!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"{}\" fill-opacity=\"{:.2}\"><title>{}</title></rect>",
            n(x),
            n(y),
            n(w),
            n(h),
            esc(class),
            opacity.clamp(0.0, 1.0),
            esc(title)
        );
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
        let _ = write!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"{}\"/>",
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            esc(class)
        );
    }

    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, class: &str, title: &str) {
        let _ = write!(
            self.body,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" class=\"{}\"><title>{}</title></circle>",
            n(cx),
            n(cy),
            n(r),
            esc(class),
            esc(title)
        );
    }

    /// A polyline through the points (gaps where a point is `None`).
    pub fn polyline(&mut self, points: &[Option<(f64, f64)>], class: &str) {
        for run in points.split(|p| p.is_none()) {
            let pts: Vec<String> = run
                .iter()
                .flatten()
                .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
                .collect();
            if pts.len() >= 2 {
                let _ = write!(
                    self.body,
                    "<polyline points=\"{}\" class=\"{}\"/>",
                    pts.join(" "),
                    esc(class)
                );
            }
        }
    }

    /// Text; `anchor` is `start`, `middle` or `end`.
    pub fn text(&mut self, x: f64, y: f64, s: &str, anchor: &str, class: &str) {
        let _ = write!(
            self.body,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" class=\"{}\">{}</text>",
            n(x),
            n(y),
            anchor,
            esc(class),
            esc(s)
        );
    }

    /// Text rotated around its anchor point (long category labels).
    pub fn text_rotated(&mut self, x: f64, y: f64, s: &str, deg: f64, class: &str) {
        let _ = write!(
            self.body,
            "<text x=\"{0}\" y=\"{1}\" text-anchor=\"start\" transform=\"rotate({2} {0} {1})\" class=\"{3}\">{4}</text>",
            n(x),
            n(y),
            n(deg),
            esc(class),
            esc(s)
        );
    }

    /// A link around what `f` draws (to a document or term page).
    pub fn link(&mut self, href: &str, f: impl FnOnce(&mut Svg)) {
        let _ = write!(self.body, "<a href=\"{}\">", esc(href));
        f(self);
        self.body.push_str("</a>");
    }

    /// The finished element with its accessible title and description.
    pub fn finish(self, id: &str, title: &str, desc: &str) -> String {
        format!(
            "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" preserveAspectRatio=\"xMidYMid meet\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>{}</svg>",
            n(self.w),
            n(self.h),
            esc(title),
            esc(desc),
            self.body,
            id = esc(id)
        )
    }
}

/// Round tick steps (1, 2, 5 × 10ⁿ) from 0 to at least `max`, about `want` of them.
pub fn count_ticks(max: f64, want: usize) -> Vec<f64> {
    if max <= 0.0 || !max.is_finite() {
        return vec![0.0, 1.0];
    }
    let raw = max / want.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
        .max(1.0);
    let mut ticks = vec![0.0];
    let mut t = 0.0;
    while t < max {
        t += step;
        ticks.push(t);
    }
    ticks
}

/// Durations worth a grid line on a log axis, in seconds, with labels.
pub const DURATION_TICKS: &[(f64, &str)] = &[
    (60.0, "1m"),
    (300.0, "5m"),
    (900.0, "15m"),
    (3600.0, "1h"),
    (4.0 * 3600.0, "4h"),
    (86_400.0, "1d"),
    (4.0 * 86_400.0, "4d"),
    (14.0 * 86_400.0, "2w"),
    (60.0 * 86_400.0, "2mo"),
];

/// A log scale for durations from `lo` to `hi` seconds onto `[a, b]`.
pub struct LogScale {
    lo: f64,
    hi: f64,
    a: f64,
    b: f64,
}

impl LogScale {
    /// The range covers the values with a tick on each side (at least 1m–1h).
    pub fn covering(values: impl Iterator<Item = i64>, a: f64, b: f64) -> LogScale {
        let (mut lo, mut hi) = (f64::MAX, 0f64);
        for v in values {
            let v = (v.max(1)) as f64;
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if hi == 0.0 {
            lo = 60.0;
            hi = 3600.0;
        }
        let lo = DURATION_TICKS
            .iter()
            .rev()
            .map(|t| t.0)
            .find(|t| *t <= lo)
            .unwrap_or(lo.min(60.0));
        let hi = DURATION_TICKS
            .iter()
            .map(|t| t.0)
            .find(|t| *t >= hi)
            .unwrap_or(hi);
        let hi = if hi <= lo { lo * 60.0 } else { hi };
        LogScale { lo, hi, a, b }
    }

    pub fn at(&self, v: f64) -> f64 {
        let v = v.clamp(self.lo, self.hi).max(1.0);
        self.a + (v.ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln()) * (self.b - self.a)
    }

    pub fn ticks(&self) -> impl Iterator<Item = &(f64, &'static str)> {
        DURATION_TICKS
            .iter()
            .filter(|t| t.0 >= self.lo && t.0 <= self.hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_ticks_are_round_and_cover_the_maximum() {
        assert_eq!(count_ticks(7.0, 4), [0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(count_ticks(1.0, 4), [0.0, 1.0]);
        assert_eq!(count_ticks(0.0, 4), [0.0, 1.0]);
        assert_eq!(count_ticks(95.0, 5), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
    }

    #[test]
    fn log_scale_covers_values_with_round_ends() {
        let s = LogScale::covering([120, 7200].into_iter(), 0.0, 100.0);
        let labels: Vec<&str> = s.ticks().map(|t| t.1).collect();
        assert_eq!(labels, ["1m", "5m", "15m", "1h", "4h"]);
        assert_eq!(s.at(60.0), 0.0);
        assert_eq!(s.at(4.0 * 3600.0), 100.0);
        let empty = LogScale::covering(std::iter::empty(), 0.0, 100.0);
        assert_eq!(empty.ticks().count(), 4);
    }

    #[test]
    fn text_is_escaped() {
        let mut s = Svg::new(10.0, 10.0);
        s.text(1.0, 2.0, "<script>x</script>", "start", "lbl");
        let out = s.finish("c", "t<", "d\"");
        assert!(!out.contains("<script>"));
        assert!(out.contains("&lt;script&gt;"));
        assert!(out.contains("<title id=\"c-t\">t&lt;</title>"));
    }
}
