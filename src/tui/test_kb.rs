//! A small fixture knowledge base for the TUI's unit and snapshot tests,
//! written to a temp dir with fixed dates so screens are reproducible.

use super::app::App;
use super::theme::Theme;
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
    let similar = super::similar::all(&kb);
    let loaded = super::data::analyse(std::sync::Arc::new(kb), app.today());
    super::app::update(&mut app, super::app::Action::KbLoaded(Box::new(loaded)));
    // What the similar-incidents thread would answer, all at once.
    app.similar = similar;
    app.jobs.clear();
    super::app::update(&mut app, super::app::Action::Resize(100, 30));
    app
}
