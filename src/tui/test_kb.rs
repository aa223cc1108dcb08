//! A small fixture knowledge base for the TUI's unit and snapshot tests,
//! written to a temp dir with fixed dates so screens are reproducible, and
//! a harness that plays the event loop: it performs the effects `update`
//! asks for here and now (as the runner would on its workers) and draws a
//! frame after each action, handing the geometry back.

use super::app::{Action, App, Effect, update};
use super::theme::Theme;
use super::{data, effects};
use crate::config::Config;
use crate::kb::Kb;
use crate::record::Record;
use chrono::TimeZone;
use std::path::Path;

pub const CHECKOUT: &str = r#"---
title: Checkout failover left replicas lagging
date: 2024-03-12
status: published
severity: SEV1
services: [checkout, payments-db]
factors: [config-change, missing-alert]
authors: [Ana Ops]
started: 2024-03-12T14:02:00Z
detected: 2024-03-12T14:09:00Z
mitigated: 2024-03-12T14:40:00Z
resolved: 2024-03-12T16:10:00Z
impact: 12% of checkouts failed for 38 minutes
runbooks: [db-failover]
related: [2024-01-20-cache-stampede]
---

# Checkout failover left replicas lagging

## Summary

A planned **database failover** left two read replicas *lagging* behind the
primary; checkout read stale carts and failed.

## Timeline

- 14:02 Failover of payments-db begins
- 14:09 Alert CheckoutErrorRate pages the on-call
- 14:40 Traffic moved off the lagging replicas

## Contributing factors

| Factor | Note |
|---|---|
| config-change | replica settings differed |
| missing-alert | no alert on replica lag |

## Action items

- [x] Re-sync the replicas @dba due:2024-03-13 #mitigate
- [ ] Alert on replica lag above 30s @dba due:2024-04-01 #detect
- [ ] Add failover to the game day @sre due:2024-06-01 #process

## Lessons learned

> Failovers are routine until they are not.

See the [failover runbook](../runbooks/db-failover.md) and `pg_stat_replication`.
"#;

pub const CACHE: &str = r#"---
title: Cache stampede after deploy
date: 2024-01-20
status: review
severity: SEV2
services: [catalog]
factors: [deploy, config-change]
started: 2024-01-20T09:00:00Z
detected: 2024-01-20T09:30:00Z
resolved: 2024-01-20T10:00:00Z
---

# Cache stampede after deploy

## Summary

Every catalog pod restarted at once and the cache went cold.

## Action items

- [ ] Stagger restarts @platform due:2024-02-01 #prevent
"#;

pub const DNS: &str = r#"---
title: DNS resolver timeouts
date: 2023-11-02
status: draft
severity: SEV3
services: [edge]
factors: [dns]
near_miss: true
detected: yesterday
---

# DNS resolver timeouts

## Summary

Resolvers timed out for internal names; retries hid it from customers.
"#;

pub const RUNBOOK: &str = r#"---
title: Fail over the payments database
kind: runbook
services: [payments-db]
owner: "@dba"
last_reviewed: 2024-02-01
---

# Fail over the payments database

## Steps

1. Check replica lag: `SELECT * FROM pg_stat_replication;`
2. Promote the standby.
"#;

/// Writes the fixture KB into `dir`.
pub fn write(dir: &Path) {
    let cfg =
        crate::config::DEFAULT_CONFIG.replace("Our reliability knowledge", "Acme reliability");
    std::fs::write(dir.join("lore.toml"), cfg).unwrap();
    std::fs::create_dir_all(dir.join("postmortems")).unwrap();
    std::fs::create_dir_all(dir.join("runbooks")).unwrap();
    std::fs::write(
        dir.join("postmortems/2024-03-12-checkout-failover.md"),
        CHECKOUT,
    )
    .unwrap();
    std::fs::write(dir.join("postmortems/2024-01-20-cache-stampede.md"), CACHE).unwrap();
    std::fs::write(dir.join("postmortems/2023-11-02-dns-timeouts.md"), DNS).unwrap();
    std::fs::write(dir.join("runbooks/db-failover.md"), RUNBOOK).unwrap();
}

/// An app over the fixture KB at 100x30, the clock at 2024-04-15 12:00 UTC,
/// without colour, with the KB loaded.
pub fn app(dir: &Path) -> App {
    write(dir);
    let kb = Kb::load(dir).unwrap();
    let records: Vec<Record> = kb.docs.iter().map(Record::from_doc).collect();
    let config = Config::load(dir).unwrap();
    let mut app = App::new(dir.to_path_buf(), config, records, Theme { color: false });
    app.clock = chrono::Utc.with_ymd_and_hms(2024, 4, 15, 12, 0, 0).single();
    let loaded = data::analyse(std::sync::Arc::new(kb), app.today(), true);
    run(&mut app, Action::KbLoaded(Box::new(loaded)));
    run(&mut app, Action::Resize(100, 30));
    app
}

/// Runs `action` and everything it leads to, performing the effects the
/// runner would (reads, writes, KB analysis, similar incidents) in order.
/// Returns the effects left: searches and editor round trips.
pub fn run(app: &mut App, action: Action) -> Vec<Effect> {
    let mut left = Vec::new();
    let mut queue = std::collections::VecDeque::from([action]);
    while let Some(a) = queue.pop_front() {
        for e in update(app, a) {
            match e {
                Effect::Io(io) => queue.push_back(effects::perform(&app.root, &app.config, io)),
                Effect::Analyse { kb, today } => {
                    queue.push_back(Action::KbLoaded(Box::new(data::analyse(kb, today, false))))
                }
                Effect::LoadKb => queue.push_back(match data::load_kb(&app.root) {
                    Ok(kb) => Action::KbLoaded(Box::new(data::analyse(
                        std::sync::Arc::new(kb),
                        app.today(),
                        true,
                    ))),
                    Err(e) => Action::KbFailed(e.to_string()),
                }),
                Effect::Similar(id) => {
                    if let Some(kb) = app.kb.clone()
                        && let Some(d) = kb.get(&id)
                    {
                        let found = crate::similar::similar_to(&kb, d, super::runner::SIMILAR);
                        queue.push_back(Action::SimilarDone(id, found));
                    }
                }
                Effect::SimilarDraft(d) => {
                    if let Some(kb) = app.kb.clone() {
                        let found = crate::similar::similar_to(&kb, &d, 3);
                        queue.push_back(Action::SimilarDone(super::state::DRAFT_ID.into(), found));
                    }
                }
                Effect::SetKb(_) | Effect::RefreshIndex => {}
                other => left.push(other),
            }
        }
    }
    left
}

thread_local! {
    /// The view's memo across the frames of one test (tests run one per
    /// thread).
    static VIEW: std::cell::RefCell<super::ui::View> = Default::default();
}

/// Draws a frame at the model's size, hands the geometry back, and returns
/// the screen as text.
pub fn frame(app: &mut App) -> String {
    let mut t =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(app.size.0, app.size.1)).unwrap();
    let mut g = None;
    VIEW.with(|v| {
        t.draw(|f| g = Some(super::ui::draw(f, app, &mut v.borrow_mut())))
            .unwrap();
    });
    if let Some(g) = g {
        run(app, Action::Drawn(g));
    }
    t.backend().to_string()
}

/// How often the view rendered an open document's Markdown in this test.
pub fn renders() -> usize {
    VIEW.with(|v| v.borrow().renders())
}

/// The open document's lines as the view last rendered them (all of them,
/// not only the screenful).
pub fn detail_lines() -> Vec<String> {
    VIEW.with(|v| v.borrow().lines())
}

/// One action as the event loop runs it: effects performed, then a frame.
pub fn step(app: &mut App, action: Action) -> Vec<Effect> {
    let left = run(app, action);
    frame(app);
    left
}

/// The search an effect list asks for, as (id, query).
pub fn search_of(effects: &[Effect]) -> Option<(u64, String)> {
    effects.iter().find_map(|e| match e {
        Effect::Search { id, query } => Some((*id, query.clone())),
        _ => None,
    })
}
