//! Re-exports into the same folder keep the pages whose values did not
//! change without rendering them again; whatever changed, the result must be
//! the very site a fresh export makes. Each step below changes the sample KB
//! the way a team does (a body, a title, a file name, a new or removed
//! document, lore.toml, a template, the date) and compares the re-export with
//! a fresh one byte for byte.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// How the export is run: the day, and whether drafts are in.
struct Run {
    today: String,
    drafts: bool,
}

fn export(sb: &Sandbox, kb: &Path, out: &Path, run: &Run) -> String {
    let mut cmd = sb.lore(kb);
    cmd.env("LORE_TODAY", &run.today)
        .args(["export", "--out"])
        .arg(out);
    if run.drafts {
        cmd.arg("--drafts");
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "export failed: {}", stderr(&o));
    stdout(&o)
}

/// Every file of a site by its path.
fn site(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

fn assert_same_site(step: &str, again: &Path, fresh: &Path) {
    let (a, f) = (site(again), site(fresh));
    let only_a: Vec<&String> = a.keys().filter(|k| !f.contains_key(*k)).collect();
    let only_f: Vec<&String> = f.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_f.is_empty(),
        "{step}: only in the re-export {only_a:?}, only in the fresh export {only_f:?}"
    );
    // Pages first, so a failure names the page; the manifest last.
    let mut paths: Vec<&String> = a.keys().collect();
    paths.sort_by_key(|p| *p == ".lore-export");
    for path in paths {
        let bytes = &a[path];
        if path == ".lore-export" {
            // The manifest is a JSON map: the same content in any order,
            // but for where each file was written (another folder's inodes).
            let parse = |b: &[u8]| {
                let mut v = serde_json::from_slice::<serde_json::Value>(b).unwrap();
                v.as_object_mut().unwrap().remove("written");
                v
            };
            assert_eq!(parse(bytes), parse(&f[path]), "{step}: manifests differ");
            continue;
        }
        if bytes != &f[path] {
            let (x, y) = (
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(&f[path]),
            );
            let line = x
                .lines()
                .zip(y.lines())
                .find(|(p, q)| p != q)
                .map(|(p, q)| {
                    let cut = |l: &str| l.chars().take(400).collect::<String>();
                    format!("re-export: {}\nfresh:     {}", cut(p), cut(q))
                })
                .unwrap_or_else(|| "(one is a prefix of the other)".into());
            panic!("{step}: {path} differs from a fresh export\n{line}");
        }
    }
}

/// `(pages, pages kept without rendering)` from the export's summary line.
fn kept(summary: &str) -> (usize, usize) {
    let num = |after: &str, before: &str| -> usize {
        let s = summary.split(after).next().unwrap();
        s.rsplit(before).next().unwrap().trim().parse().unwrap()
    };
    let (rendered, pages) = (num(" of ", ";"), num(" pages rendered", " of "));
    (pages, pages - rendered)
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

#[test]
fn a_reexport_after_each_kind_of_change_is_the_site_a_fresh_export_makes() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    sb.git_init_commit(&kb);
    let again = sb.path("again");
    let pm = kb.join("postmortems");
    let runbook = pm.join("runbooks/payment-provider-outage.md");
    let mut run = Run {
        today: "2026-11-30".into(),
        drafts: true,
    };
    let first = export(&sb, &kb, &again, &run);
    assert_eq!(kept(&first).1, 0, "{first}");
    // Nothing changed: every page is kept without rendering (the search
    // index, the feed and the assets are compared byte for byte instead).
    let pages = site(&again).keys().filter(|p| p.ends_with(".html")).count();
    let same = export(&sb, &kb, &again, &run);
    assert_eq!(kept(&same).1, pages, "{same}");

    type Step<'a> = (&'static str, Box<dyn Fn(&Path, &mut Run) + 'a>);
    let steps: Vec<Step> = vec![
        (
            "a paragraph added to one postmortem",
            Box::new(|_, _| {
                edit(&pm.join("2025-08-19-kafka-network-partition.md"), |t| {
                    t + "\nOne more lesson: partitions heal slowly.\n"
                });
                // The id the runbook has from its file name, written out: the
                // next step moves the file and keeps its page.
                edit(&runbook, |t| {
                    t.replacen("---\n", "---\nid: payment-provider-outage\n", 1)
                });
            }),
        ),
        (
            "a runbook that postmortems link to in their text moved to another file (same id and page)",
            Box::new(|_, _| {
                std::fs::rename(&runbook, pm.join("runbooks/payment-provider.md")).unwrap()
            }),
        ),
        (
            "the title of a document others name changed",
            Box::new(|_, _| {
                edit(&pm.join("runbooks/payment-provider.md"), |t| {
                    let (fm, rest) = t.split_once("\ntitle:").unwrap();
                    let (_, after) = rest.split_once('\n').unwrap();
                    format!("{fm}\ntitle: Payment provider down, the renamed runbook\n{after}")
                })
            }),
        ),
        (
            "a new postmortem sharing factors and services",
            Box::new(|_, _| {
                let src = pm.join("2025-05-14-payment-provider-outage.md");
                let text = std::fs::read_to_string(src).unwrap();
                let (fm, body) = text[4..].split_once("\n---\n").unwrap();
                let fm: String = fm
                    .lines()
                    .map(|l| {
                        if l.starts_with("title:") {
                            "title: Payment provider outage, again".to_string()
                        } else if l.starts_with("id:") {
                            "id: PM-AGAIN".to_string()
                        } else if l.starts_with("date:") {
                            "date: 2026-11-20".to_string()
                        } else {
                            l.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                std::fs::write(
                    pm.join("2026-11-20-payment-provider-outage-again.md"),
                    format!("---\n{fm}\n---\n{body}"),
                )
                .unwrap();
            }),
        ),
        (
            "a postmortem removed",
            Box::new(|_, _| {
                std::fs::remove_file(pm.join("2023-05-22-checkout-retry-storm-payments-blip.md"))
                    .unwrap()
            }),
        ),
        (
            "a factor's description in lore.toml",
            Box::new(|kb, _| {
                edit(&kb.join("lore.toml"), |t| {
                    let at = t.find("description = \"").unwrap() + "description = \"".len();
                    format!("{}Reworded: {}", &t[..at], &t[at..])
                })
            }),
        ),
        (
            "an SLO's objective in lore.toml (the budget lines of its incidents)",
            Box::new(|kb, _| {
                edit(&kb.join("lore.toml"), |t| {
                    let at = t.find("objective = ").unwrap();
                    let end = at + t[at..].find('\n').unwrap();
                    format!("{}objective = 99.0{}", &t[..at], &t[end..])
                })
            }),
        ),
        (
            "the KB's own footer template",
            Box::new(|kb, _| {
                edit(&kb.join("templates/base.html"), |t| {
                    t.replace("made with lore", "made with lore, by the SRE guild")
                })
            }),
        ),
        (
            "another day (what is overdue changes)",
            Box::new(|_, run| run.today = "2027-03-01".into()),
        ),
        (
            "drafts left out this time",
            Box::new(|_, run| run.drafts = false),
        ),
        (
            "a postmortem moved into the runbooks folder (its kind changes)",
            Box::new(|_, _| {
                std::fs::rename(
                    pm.join("2024-07-03-notifications-runaway-cron.md"),
                    pm.join("runbooks/2024-07-03-notifications-runaway-cron.md"),
                )
                .unwrap()
            }),
        ),
        (
            "two documents given the same id (the file decides which keeps the page)",
            Box::new(|_, _| {
                for f in [
                    "2024-01-09-mobile-api-dns-ttl-migration.md",
                    "2026-04-21-internal-dns-resolver-outage.md",
                ] {
                    edit(&pm.join(f), |t| {
                        t.replacen("---\n", "---\nid: dns-twins\n", 1)
                    });
                }
            }),
        ),
        ("drafts in again", Box::new(|_, run| run.drafts = true)),
    ];
    for (n, (step, change)) in steps.iter().enumerate() {
        change(&kb, &mut run);
        if n % 2 == 0 {
            sb.git(&kb, &["add", "-A"]);
            sb.git(&kb, &["commit", "-q", "-m", step]);
        }
        // The re-export takes documents and word counts from lore's caches
        // (`.lore/`), written by the fresh export of the step before; the
        // fresh export has none.
        let summary = export(&sb, &kb, &again, &run);
        for cache in [
            "parsed.bin",
            "words-search.bin",
            "words-similar.bin",
            "similar.bin",
            "search-terms.bin",
        ] {
            // (A cache that gained nothing may not have been written.)
            let file = kb.join(".lore").join(cache);
            let _ = std::fs::remove_file(&file);
            assert!(!file.exists());
        }
        let fresh = sb.path(&format!("fresh-{n}"));
        export(&sb, &kb, &fresh, &run);
        assert_same_site(step, &again, &fresh);
        if n == 0 {
            // One body changed: most pages are kept as they were.
            let not_rendered = kept(&summary).1;
            assert!(not_rendered * 10 >= pages * 8, "{step}: {summary}");
        }
    }
}

#[test]
fn an_export_into_the_kbs_own_site_folder_is_not_published_inside_itself() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let out = kb.join("site/pub");
    let run = Run {
        today: "2026-11-30".into(),
        drafts: false,
    };
    export(&sb, &kb, &out, &run);
    let first = site(&out).len();
    export(&sb, &kb, &out, &run);
    export(&sb, &kb, &out, &run);
    let files = site(&out);
    assert_eq!(files.len(), first);
    assert!(
        !files.keys().any(|p| p.starts_with("assets/pub/")),
        "{:?}",
        files.keys()
    );
}
