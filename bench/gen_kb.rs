//! Generates a synthetic knowledge base for benchmarks: `--count` realistic
//! postmortems of about 5 KB (front matter with factors, services, severities
//! and timestamps; the template's sections; timelines; action items) plus a
//! few runbooks, deterministic by `--seed`.
//!
//! cargo run --release --example gen_kb -- --count 10000 --seed 42 DIR

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// SplitMix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    /// `k` distinct items.
    fn some<'a>(&mut self, xs: &[&'a str], k: usize) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        while out.len() < k.min(xs.len()) {
            let x = self.pick(xs);
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SERVICES: &[&str] = &[
    "checkout",
    "payments",
    "orders-db",
    "search",
    "auth",
    "edge",
    "cdn",
    "notifications",
    "billing",
    "inventory",
    "catalog",
    "recommendations",
    "events",
    "kafka",
    "redis-cache",
    "api-gateway",
    "mobile-api",
    "web-frontend",
    "identity",
    "ledger",
    "shipping",
    "pricing",
    "fraud",
    "reporting",
    "data-pipeline",
    "feature-store",
    "object-storage",
    "dns-resolvers",
    "load-balancer",
    "k8s-control-plane",
    "ci",
    "metrics",
    "logging",
    "tracing",
    "email",
    "sms-gateway",
    "webhooks",
    "scheduler",
    "media-transcoder",
    "sessions",
];
const FACTORS: &[&str] = &[
    "config-change",
    "deploy",
    "feature-flag",
    "schema-migration",
    "capacity-limit",
    "traffic-spike",
    "resource-exhaustion",
    "third-party-outage",
    "internal-dependency",
    "retry-storm",
    "missing-alert",
    "noisy-alerting",
    "monitoring-gap",
    "knowledge-silo",
    "fatigue",
    "ambiguous-ownership",
    "unclear-runbook",
    "insufficient-testing",
    "time-handling",
    "data-corruption",
    "dns",
    "certificate-expiry",
    "network-partition",
    "hardware-failure",
];
const SEVERITIES: &[&str] = &[
    "SEV1", "SEV2", "SEV2", "SEV3", "SEV3", "SEV3", "SEV4", "SEV4",
];
const STATUSES: &[&str] = &["published", "published", "published", "review", "draft"];
const PEOPLE: &[&str] = &[
    "Alice Smith",
    "Bob Jones",
    "Carol White",
    "Dan Brown",
    "Erin Green",
    "Farah Khan",
    "Gustavo Lima",
    "Hana Sato",
    "Ivan Petrov",
    "Julia Costa",
    "Kwame Mensah",
    "Lena Fischer",
    "Marco Rossi",
    "Nadia Haddad",
    "Oscar Berg",
    "Priya Nair",
    "Quinn Walsh",
    "Rosa Ortega",
    "Sami Virtanen",
    "Tariq Aziz",
    "Uma Rao",
    "Victor Dubois",
    "Wen Li",
    "Yusuf Demir",
];
const TEAMS: &[&str] = &[
    "dba-team",
    "sre",
    "payments-team",
    "edge-team",
    "platform",
    "search-team",
    "auth-team",
    "data-eng",
    "mobile",
    "frontend",
    "netops",
    "security",
    "release-eng",
    "observability",
];
const TAGS: &[&str] = &[
    "database",
    "latency",
    "errors",
    "data-loss",
    "customer-facing",
    "internal",
    "mobile",
    "eu-west",
    "us-east",
    "ap-south",
    "weekend",
    "holiday",
    "on-call",
    "migration",
    "cache",
    "tls",
    "queue",
    "batch",
    "rollback",
    "failover",
];
const SYMPTOMS: &[&str] = &[
    "elevated 5xx errors",
    "slow responses",
    "failed logins",
    "duplicate charges",
    "stale search results",
    "dropped events",
    "timeouts",
    "replica lag",
    "queue backlog",
    "connection pool exhaustion",
    "certificate errors",
    "DNS resolution failures",
    "partial outage",
    "full outage",
    "degraded throughput",
    "memory pressure",
    "disk full alerts",
    "failed deploys",
    "missing emails",
    "delayed payouts",
];
const CAUSES: &[&str] = &[
    "a configuration change",
    "a routine deploy",
    "a schema migration",
    "a traffic spike",
    "an expired certificate",
    "a provider outage",
    "a failover",
    "a retry storm",
    "a feature flag rollout",
    "a network partition",
    "a disk failure",
    "a clock skew",
    "a dependency upgrade",
    "a cache flush",
    "a runaway batch job",
    "a leaked connection",
];
const NOUNS: &[&str] = &[
    "primary",
    "replica",
    "cluster",
    "node",
    "pod",
    "container",
    "queue",
    "consumer",
    "producer",
    "broker",
    "shard",
    "index",
    "cache",
    "connection pool",
    "load balancer",
    "health check",
    "circuit breaker",
    "rate limiter",
    "dashboard",
    "alert",
    "pager",
    "runbook",
    "canary",
    "rollback",
    "feature flag",
    "config map",
    "secret",
    "certificate",
    "resolver",
    "zone file",
    "migration",
    "backfill",
    "cron job",
    "worker",
    "thread pool",
    "heap",
    "disk",
    "volume",
    "snapshot",
    "backup",
    "region",
    "availability zone",
    "VPC",
    "ingress",
    "gateway",
    "token",
    "session store",
    "timeout",
    "retry budget",
    "SLO",
];
const VERBS: &[&str] = &[
    "saturated",
    "restarted",
    "stalled",
    "recovered",
    "flapped",
    "timed out",
    "degraded",
    "rejected requests",
    "fell behind",
    "crashed",
    "was drained",
    "was promoted",
    "was rolled back",
    "was throttled",
    "leaked memory",
    "dropped connections",
    "paged the on-call",
    "was scaled out",
    "returned errors",
    "was misconfigured",
];
const CONNECT: &[&str] = &[
    "Shortly after that",
    "Meanwhile",
    "At the same time",
    "Because of this",
    "As a result",
    "In parallel",
    "Soon after",
    "Unexpectedly",
    "Eventually",
    "Initially",
];

fn sentence(r: &mut Rng) -> String {
    let c = r.pick(CONNECT);
    let n1 = r.pick(NOUNS);
    let v = r.pick(VERBS);
    let n2 = r.pick(NOUNS);
    let s = r.pick(SERVICES);
    match r.below(4) {
        0 => format!("{c}, the {n1} of {s} {v} while the {n2} kept retrying."),
        1 => format!("{c} the {n1} {v}, which left the {n2} of {s} without headroom."),
        2 => format!(
            "The {n1} {v} and the {n2} in {s} showed {}.",
            r.pick(SYMPTOMS)
        ),
        _ => format!(
            "{c}, responders saw {} on {s} and checked the {n1}.",
            r.pick(SYMPTOMS)
        ),
    }
}

fn paragraph(r: &mut Rng, n: usize) -> String {
    (0..n).map(|_| sentence(r)).collect::<Vec<_>>().join(" ")
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-')
        .chars()
        .take(48)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// Days since 1970-01-01 → (y, m, d), civil calendar.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn stamp(day: i64, minutes: i64) -> String {
    let (y, m, d) = civil(day + minutes.div_euclid(1440));
    let mm = minutes.rem_euclid(1440);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z", mm / 60, mm % 60)
}

fn postmortem(r: &mut Rng, n: usize) -> (PathBuf, String) {
    // 2018-01-01 .. about 2025-06.
    let day = 17_532 + r.below(2_730) as i64;
    let (y, m, d) = civil(day);
    let date = format!("{y:04}-{m:02}-{d:02}");
    let k = 1 + r.below(3);
    let services = r.some(SERVICES, k);
    let k = 1 + r.below(3);
    let factors = r.some(FACTORS, k);
    let title = format!(
        "{}: {} after {}",
        services[0],
        r.pick(SYMPTOMS),
        r.pick(CAUSES)
    );
    let id = format!("{date}-{}-{n}", slug(&title));
    let start = 60 * r.below(24) as i64 + r.below(60) as i64;
    let ttd = 1 + [5, 15, 30, 60, 240, 1440][r.below(6)] * (1 + r.below(3)) as i64 / 2;
    let ttm = ttd + 5 + r.below(180) as i64;
    let ttr = ttm + r.below(600) as i64;
    let mut t = String::with_capacity(5600);
    let list = |xs: &[&str]| xs.join(", ");
    let _ = writeln!(t, "---");
    let _ = writeln!(t, "title: \"{title}\"");
    let _ = writeln!(t, "date: {date}");
    let _ = writeln!(t, "status: {}", r.pick(STATUSES));
    let _ = writeln!(t, "severity: {}", r.pick(SEVERITIES));
    let _ = writeln!(t, "services: [{}]", list(&services));
    let _ = writeln!(t, "factors: [{}]", list(&factors));
    let k = r.below(3);
    let tags = r.some(TAGS, k);
    let _ = writeln!(t, "tags: [{}]", list(&tags));
    let k = 1 + r.below(2);
    let authors = r.some(PEOPLE, k);
    let _ = writeln!(t, "authors: [{}]", list(&authors));
    let _ = writeln!(t, "started: {}", stamp(day, start));
    let _ = writeln!(t, "detected: {}", stamp(day, start + ttd));
    let _ = writeln!(t, "mitigated: {}", stamp(day, start + ttm));
    let _ = writeln!(t, "resolved: {}", stamp(day, start + ttr));
    let _ = writeln!(t, "impact: \"{} for {} minutes\"", r.pick(SYMPTOMS), ttm);
    let _ = writeln!(t, "trigger: {}", factors[0]);
    if r.chance(8) {
        let _ = writeln!(t, "near_miss: true");
    }
    let _ = writeln!(t, "---\n");
    let _ = writeln!(t, "## Summary\n\n{}\n", paragraph(r, 3));
    let _ = writeln!(
        t,
        "## Impact\n\n{} Tracked as INC-{}.\n",
        paragraph(r, 2),
        1000 + n
    );
    let _ = writeln!(t, "## Timeline\n");
    let mut minute = start;
    for i in 0..(6 + r.below(8)) {
        let mm = minute.rem_euclid(1440);
        let what = match i {
            0 => format!("{} begins on {}", r.pick(CAUSES), services[0]),
            _ => sentence(r),
        };
        let _ = writeln!(t, "- {:02}:{:02} {what}", mm / 60, mm % 60);
        minute += 1 + r.below(40) as i64;
        if minute >= 1440 {
            break;
        }
    }
    let _ = writeln!(t, "\n## Contributing factors\n");
    for f in &factors {
        let _ = writeln!(t, "- **{f}**: {}", sentence(r));
    }
    for (h, k) in [
        ("Detection", 3),
        ("Response and recovery", 4),
        ("What went well", 2),
        ("What went wrong", 3),
        ("Where we got lucky", 2),
    ] {
        let _ = writeln!(t, "\n## {h}\n\n{}", paragraph(r, k));
    }
    let _ = writeln!(t, "\n## Action items\n");
    for _ in 0..(2 + r.below(4)) {
        let done = if r.chance(40) { "x" } else { " " };
        let due = civil(day + 14 + r.below(60) as i64);
        let kind = ["prevent", "detect", "mitigate", "process"][r.below(4)];
        let _ = writeln!(
            t,
            "- [{done}] Add a {} check for the {} @{} due:{:04}-{:02}-{:02} #{kind}",
            r.pick(NOUNS),
            r.pick(NOUNS),
            r.pick(TEAMS),
            due.0,
            due.1,
            due.2
        );
    }
    let _ = writeln!(t, "\n## Lessons learned\n\n{}", paragraph(r, 2));
    while t.len() < 4900 {
        let _ = writeln!(t, "\n{}", paragraph(r, 2));
    }
    (PathBuf::from(format!("postmortems/{y:04}/{id}.md")), t)
}

fn runbook(r: &mut Rng, n: usize) -> (PathBuf, String) {
    let service = r.pick(SERVICES);
    let title = format!("Recovering {service} from {}", r.pick(SYMPTOMS));
    let day = 19_700 + r.below(400) as i64;
    let (y, m, d) = civil(day);
    let mut t = format!(
        "---\ntitle: \"{title}\"\nkind: runbook\nservices: [{service}]\nowner: \"@{}\"\nlast_reviewed: {y:04}-{m:02}-{d:02}\n---\n\n## When to use\n\n{}\n\n## Steps\n\n",
        r.pick(TEAMS),
        paragraph(r, 2)
    );
    for i in 1..=(4 + r.below(5)) {
        let _ = writeln!(t, "{i}. {}", sentence(r));
    }
    (
        PathBuf::from(format!("runbooks/{}-{n}.md", slug(&title))),
        t,
    )
}

fn usage() -> ! {
    eprintln!("usage: gen_kb [--count N] [--runbooks N] [--seed S] DIR");
    std::process::exit(2)
}

fn main() {
    let mut count = 10_000usize;
    let mut runbooks = 50usize;
    let mut seed = 42u64;
    let mut dir: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |name: &str| -> u64 {
            args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
                eprintln!("gen_kb: {name} needs a number");
                usage()
            })
        };
        match a.as_str() {
            "--count" => count = num("--count") as usize,
            "--runbooks" => runbooks = num("--runbooks") as usize,
            "--seed" => seed = num("--seed"),
            "-h" | "--help" => usage(),
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => usage(),
        }
    }
    let Some(dir) = dir else { usage() };
    if let Err(e) = generate(&dir, count, runbooks, seed) {
        eprintln!("gen_kb: {}: {e}", dir.display());
        std::process::exit(1);
    }
}

fn generate(dir: &Path, count: usize, runbooks: usize, seed: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut cfg = lore::config::DEFAULT_CONFIG.replacen(
        "name = ",
        "# Generated by bench/gen_kb.rs\nname = ",
        1,
    );
    if !cfg.contains("name = ") {
        cfg.insert_str(0, "name = \"Generated KB\"\n");
    }
    std::fs::write(dir.join("lore.toml"), cfg)?;
    let mut r = Rng(seed);
    let mut bytes = 0usize;
    for n in 0..count {
        let (rel, text) = postmortem(&mut r, n);
        bytes += text.len();
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(path, text)?;
    }
    for n in 0..runbooks {
        let (rel, text) = runbook(&mut r, n);
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(path, text)?;
    }
    println!(
        "generated {count} postmortems (average {} bytes) and {runbooks} runbooks in {}",
        bytes / count.max(1),
        dir.display()
    );
    Ok(())
}
