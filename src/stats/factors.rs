//! Contributing factors by quarter and which factors occur together.

use super::{FactorQuarters, FactorRow, Pair, quarter_key};
use crate::doc::Doc;
use crate::kb::Kb;
use std::collections::{BTreeMap, HashMap};

pub(super) fn factor_quarters(
    kb: &Kb,
    docs: &[&Doc],
    quarters: &[String],
    quarter_ix: &HashMap<&str, usize>,
) -> FactorQuarters {
    let mut rows: BTreeMap<String, FactorRow> = BTreeMap::new();
    for d in docs {
        for f in unique(&d.meta.factors) {
            let row = rows.entry(f.to_string()).or_insert_with(|| {
                let tax = kb.config.factor(f);
                FactorRow {
                    id: f.to_string(),
                    name: tax.map_or_else(|| f.to_string(), |t| t.name.clone()),
                    group: tax.map(|t| t.group.clone()).unwrap_or_default(),
                    counts: vec![0; quarters.len()],
                    total: 0,
                }
            });
            row.total += 1;
            let q = d
                .meta
                .date
                .and_then(|x| quarter_ix.get(quarter_key(x).as_str()));
            if let Some(c) = q.and_then(|&i| row.counts.get_mut(i)) {
                *c += 1;
            }
        }
    }
    let mut rows: Vec<FactorRow> = rows.into_values().collect();
    rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.id.cmp(&b.id)));
    FactorQuarters {
        quarters: quarters.to_vec(),
        rows,
    }
}

/// The distinct non-empty values of a list, in first-seen order.
pub(super) fn unique(list: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for s in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

pub(super) fn co_occurrence(docs: &[&Doc]) -> Vec<Pair> {
    let mut pairs: HashMap<(String, String), usize> = HashMap::new();
    for d in docs {
        let mut f = unique(&d.meta.factors);
        f.sort_unstable();
        for (i, a) in f.iter().enumerate() {
            for b in f.iter().skip(i + 1) {
                *pairs.entry((a.to_string(), b.to_string())).or_default() += 1;
            }
        }
    }
    let mut out: Vec<Pair> = pairs
        .into_iter()
        .map(|((a, b), count)| Pair { a, b, count })
        .collect();
    out.sort_by(|x, y| {
        y.count
            .cmp(&x.count)
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    out
}
