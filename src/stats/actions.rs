//! Action-item follow-through: opened and done by month, open items by age,
//! and the share done among items older than the follow-up target.

use super::{ActionFigures, ActionMonth, AgeBucket, Options, month_key};
use crate::doc::Doc;
use crate::kb::Kb;

const AGE_BUCKETS: &[(i64, Option<i64>, &str)] = &[
    (0, Some(7), "< 1 week"),
    (7, Some(30), "1–4 weeks"),
    (30, Some(90), "1–3 months"),
    (90, Some(180), "3–6 months"),
    (180, None, "> 6 months"),
];

pub(super) fn action_figures(
    kb: &Kb,
    docs: &[&Doc],
    months: &[String],
    opts: &Options,
) -> ActionFigures {
    let follow = kb.config.actions.follow_up_days;
    let mut by_month: Vec<ActionMonth> = months
        .iter()
        .map(|m| ActionMonth {
            month: m.clone(),
            opened: 0,
            done: 0,
        })
        .collect();
    let mut open_by_age: Vec<AgeBucket> = AGE_BUCKETS
        .iter()
        .map(|&(min_days, max_days, label)| AgeBucket {
            label: label.to_string(),
            min_days,
            max_days,
            count: 0,
            overdue: 0,
        })
        .collect();
    let mut f = ActionFigures {
        follow_up_days: follow,
        total: 0,
        done: 0,
        open: 0,
        overdue: 0,
        without_owner: 0,
        past_target: 0,
        past_target_done: 0,
        share_done_past_target: None,
        by_month: Vec::new(),
        open_by_age: Vec::new(),
    };
    for d in docs {
        let age = d.meta.date.map(|x| (opts.today - x).num_days().max(0));
        let month = d.meta.date.map(month_key);
        for a in &d.action_items {
            f.total += 1;
            let overdue = crate::actions::is_overdue(a, opts.today);
            if a.done {
                f.done += 1;
            } else {
                f.open += 1;
            }
            f.overdue += usize::from(overdue);
            f.without_owner += usize::from(a.owner.is_none());
            if age.is_some_and(|x| x >= i64::from(follow)) {
                f.past_target += 1;
                f.past_target_done += usize::from(a.done);
            }
            if let Some(m) = by_month
                .iter_mut()
                .find(|m| Some(&m.month) == month.as_ref())
            {
                m.opened += 1;
                m.done += usize::from(a.done);
            }
            if let (false, Some(age)) = (a.done, age) {
                let b = open_by_age
                    .iter_mut()
                    .find(|b| age >= b.min_days && b.max_days.is_none_or(|m| age < m));
                if let Some(b) = b {
                    b.count += 1;
                    b.overdue += usize::from(overdue);
                }
            }
        }
    }
    f.share_done_past_target =
        (f.past_target > 0).then(|| f.past_target_done as f64 / f.past_target as f64);
    f.by_month = by_month;
    f.open_by_age = open_by_age;
    f
}
