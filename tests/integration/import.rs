//! `lore import`: a team's existing postmortems come in with their structure
//! (fixtures in `tests/fixtures/import/`, in our own words, of each form teams
//! write), the body byte for byte, one commit, nothing twice.

use crate::common::{Sandbox, stderr, stdout};
use serde_json::Value;

fn report(sb: &Sandbox, kb: &std::path::Path, src: &std::path::Path, extra: &[&str]) -> Value {
    let out = sb
        .lore(kb)
        .arg("import")
        .arg(src)
        .args(["--dry-run", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn item<'a>(r: &'a Value, source: &str) -> &'a Value {
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["source"] == source)
        .unwrap_or_else(|| panic!("no item for {source}"))
}

#[test]
fn every_form_teams_write_is_read_with_exact_values_per_field() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let src = sb.fixture("import/teams");
    let r = report(&sb, &kb, &src, &[]);

    // Skipped, each with its reason.
    for (file, why) in [
        ("README.md", "README"),
        ("postmortem-template.md", "template"),
        ("diagram.png", "not Markdown"),
        (
            "copy-of-payment.md",
            "the same text as INC-1234 payment outage",
        ),
    ] {
        let i = item(&r, file);
        assert_eq!(i["outcome"], "skip", "{file}");
        assert!(
            i["reason"].as_str().unwrap().contains(why),
            "{file}: {}",
            i["reason"]
        );
    }

    // No front matter, the team's id in the file name, a timeline table with
    // a zone line, a stats block, follow-up bullets.
    let pm = item(&r, "PM2020-002 - Service disruption on cluster.md");
    assert_eq!(
        pm["target"],
        "postmortems/2020-01-21-service-disruption-on-the-shared-cluster.md"
    );
    let f = &pm["inferred"];
    assert_eq!(
        f["title"]["value"],
        "Service disruption on the shared cluster"
    );
    assert_eq!(f["title"]["from"], "first heading");
    assert_eq!(
        (f["date"]["value"].as_str(), f["date"]["from"].as_str()),
        (Some("2020-01-21"), Some("timeline"))
    );
    assert_eq!(f["severity"]["value"], "SEV1");
    assert_eq!(f["aliases"], serde_json::json!(["PM2020-002"]));
    assert_eq!(f["timeline_entries"], 4);
    assert_eq!(f["action_items"], 2);
    assert_eq!(f["durations"], serde_json::json!(["ttd", "ttr"]));
    let stamps: Vec<&str> = f["stamps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["value"].as_str().unwrap())
        .collect();
    assert_eq!(stamps, ["started", "detected", "mitigated", "resolved"]);
    let suggested: Vec<&str> = pm["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["factor"].as_str().unwrap())
        .collect();
    assert!(suggested.contains(&"config-change"), "{suggested:?}");

    // Markdown without an extension, `Severity: P1`, a list timeline.
    let inc = item(&r, "INC-1234 payment outage");
    assert_eq!(inc["outcome"], "import");
    assert_eq!(inc["inferred"]["severity"]["value"], "SEV1");
    assert_eq!(inc["inferred"]["aliases"], serde_json::json!(["INC-1234"]));
    assert_eq!(inc["inferred"]["timeline_entries"], 4);
    assert_eq!(inc["inferred"]["action_items"], 2);

    // Foreign front matter: mapped names, no title (the summary's first
    // sentence), a UUID file name, a start date before the publication date.
    let uuid = item(&r, "3f2b8c1e-9d4a-4c7b-8e2f-1a2b3c4d5e6f.md");
    let f = &uuid["inferred"];
    assert_eq!(
        f["title"]["value"],
        "Search results went stale for two hours after a resolver change"
    );
    assert_eq!(f["title"]["from"], "summary");
    assert_eq!(f["date"]["value"], "2019-06-03");
    assert_eq!(f["severity"]["value"], "SEV2");
    assert_eq!(
        f["services"],
        serde_json::json!(["Examplecorp", "search-api"])
    );
    assert_eq!(f["factors"], serde_json::json!(["dns"]));
    assert_eq!(f["tags"], serde_json::json!(["caching"]));
    assert_eq!(f["action_items"], 2);

    // A Confluence / Google Docs HTML export, converted and read the same way.
    let html = item(&r, "confluence-export.html");
    assert_eq!(
        html["target"],
        "postmortems/2023-04-02-queue-backlog-after-broker-upgrade.md"
    );
    assert_eq!(
        html["inferred"]["title"]["value"],
        "Queue backlog after broker upgrade"
    );
    assert_eq!(html["inferred"]["timeline_entries"], 3);
    assert_eq!(html["inferred"]["action_items"], 2);

    // No date anywhere: said so.
    let ov = item(&r, "overview.md");
    assert!(
        ov["warnings"].to_string().contains("no date found"),
        "{}",
        ov["warnings"]
    );

    let t = &r["totals"];
    assert_eq!(
        (
            t["files"].as_u64(),
            t["imported"].as_u64(),
            t["skipped"].as_u64()
        ),
        (Some(10), Some(6), Some(4))
    );
    assert_eq!(t["fields"]["severity"], 3);
    assert_eq!(t["fields"]["aliases"], 2);
    assert_eq!(t["fields"]["timeline"], 4);
    assert_eq!(t["timeline_entries"], 14);
    assert_eq!(t["action_items"], 8);
}

#[test]
fn import_writes_one_commit_keeps_bodies_and_adds_nothing_the_second_time() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let src = sb.fixture("import/teams");
    let out = sb.lore(&kb).arg("import").arg(&src).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("imported 6 file(s) in one commit"),
        "{}",
        stdout(&out)
    );
    let files = sb.git(&kb, &["show", "--name-only", "--format=%s", "HEAD"]);
    assert!(
        files.starts_with("import: add 6 documents from "),
        "{files}"
    );
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");

    // The body byte for byte after the new front matter.
    let original = std::fs::read_to_string(src.join("INC-1234 payment outage")).unwrap();
    let made =
        std::fs::read_to_string(kb.join("postmortems/2021-11-26-payment-outage-at-checkout.md"))
            .unwrap();
    assert!(made.starts_with("---\ntitle: \"Payment outage at checkout\"\ndate: 2021-11-26\nstatus: published\nseverity: \"SEV1\"\naliases: [\"INC-1234\"]\n"), "{made}");
    assert!(made.ends_with(&format!("---\n\n{original}")), "{made}");
    // Kept foreign fields, and the source.
    let uuid = std::fs::read_to_string(kb.join(
        "postmortems/2019-06-03-search-results-went-stale-for-two-hours-after-a-resolver-cha.md",
    ))
    .unwrap();
    assert!(
        uuid.contains("source: \"https://status.example.com/incidents/77\""),
        "{uuid}"
    );
    assert!(
        uuid.contains("uuid: 3f2b8c1e-9d4a-4c7b-8e2f-1a2b3c4d5e6f"),
        "{uuid}"
    );
    assert!(uuid.contains("company: Examplecorp"), "{uuid}");
    // Links between imported files point at their new paths.
    let ov = std::fs::read_to_string(kb.join("postmortems/database-failover-overview.md")).unwrap();
    assert!(
        ov.contains("](2022-03-12-database-failover-with-replica-lag.md#timeline)"),
        "{ov}"
    );
    assert!(ov.contains("](https://status.example.com)"), "{ov}");

    // The team's own id finds the document; the stated and marked durations count.
    let out = sb
        .lore(&kb)
        .args(["show", "PM2020-002", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["id"],
        "2020-01-21-service-disruption-on-the-shared-cluster"
    );
    let out = sb
        .lore(&kb)
        .args(["search", "ttd:<20m", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("service-disruption-on-the-shared-cluster"),
        "{}",
        stdout(&out)
    );
    let out = sb
        .lore(&kb)
        .args(["search", "search-api", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("search-results-went-stale"),
        "{}",
        stdout(&out)
    );

    // The source is shown on the site's page.
    let site = sb.path("site");
    let out = sb
        .lore(&kb)
        .args(["export", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(site.join(
        "postmortems/2019-06-03-search-results-went-stale-for-two-hours-after-a-resolver-cha.html",
    ))
    .unwrap();
    assert!(
        page.contains(
            "<dt>Imported from</dt><dd><a href=\"https://status.example.com/incidents/77\""
        ),
        "no source on the page"
    );

    // A second import adds nothing and says so.
    let out = sb.lore(&kb).arg("import").arg(&src).output().unwrap();
    assert!(stdout(&out).contains("6 unchanged"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("nothing new to import"),
        "{}",
        stdout(&out)
    );
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");

    // A changed source is reported, and re-imported only with --update.
    let changed = src.join("overview.md");
    let text = std::fs::read_to_string(&changed).unwrap() + "\nUpdated later.\n";
    std::fs::write(&changed, text).unwrap();
    let r = report(&sb, &kb, &src, &[]);
    assert_eq!(item(&r, "overview.md")["outcome"], "changed");
    let out = sb
        .lore(&kb)
        .arg("import")
        .arg(&src)
        .arg("--update")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let ov = std::fs::read_to_string(kb.join("postmortems/database-failover-overview.md")).unwrap();
    assert!(ov.contains("Updated later."), "{ov}");
    assert!(
        !kb.join("postmortems/database-failover-overview-2.md")
            .exists()
    );

    // Edited in the KB since: `--update` leaves it alone and says why.
    let doc = kb.join("postmortems/database-failover-overview.md");
    std::fs::write(&doc, ov + "\nA note added in the KB.\n").unwrap();
    sb.git(&kb, &["commit", "-qam", "local edit"]);
    let text = std::fs::read_to_string(&changed).unwrap() + "\nChanged again.\n";
    std::fs::write(&changed, text).unwrap();
    let out = sb
        .lore(&kb)
        .arg("import")
        .arg(&src)
        .arg("--update")
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("edited in the knowledge base since the import"),
        "{}",
        stdout(&out)
    );
    let now = std::fs::read_to_string(&doc).unwrap();
    assert!(
        now.contains("A note added in the KB.") && !now.contains("Changed again."),
        "{now}"
    );
}

#[test]
fn drafts_left_out_of_an_export_are_counted_and_mappings_apply() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let src = sb.fixture("import/teams");
    let r = report(
        &sb,
        &kb,
        &src,
        &["--map", "company=tags", "--status", "draft"],
    );
    let f = &item(&r, "3f2b8c1e-9d4a-4c7b-8e2f-1a2b3c4d5e6f.md")["inferred"];
    assert_eq!(f["services"], serde_json::json!(["search-api"]));
    assert!(
        f["tags"].to_string().contains("examplecorp"),
        "{}",
        f["tags"]
    );
    let out = sb
        .lore(&kb)
        .args(["import", "--status", "draft"])
        .arg(&src)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sb.lore(&kb).arg("export").output().unwrap();
    // The one that says `status: published` itself stays published.
    assert!(
        stderr(&out).contains("left out 5 drafts"),
        "{}",
        stderr(&out)
    );
    let out = sb
        .lore(&kb)
        .args(["import", "--map", "company"])
        .arg(&src)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn factors_suggest_names_the_words_that_matched() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let out = sb
        .lore(&kb)
        .args([
            "factors",
            "suggest",
            "2024-03-12-checkout-failover-replica-lag",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for s in v.as_array().unwrap() {
        assert!(!s["words"].as_array().unwrap().is_empty(), "{s}");
    }
}

#[test]
fn a_new_document_with_an_existing_title_says_so() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let new = || {
        sb.lore(&kb)
            .args([
                "new",
                "postmortem",
                "--title",
                "DNS outage",
                "--date",
                "2024-05-01",
                "--no-edit",
            ])
            .output()
            .unwrap()
    };
    assert!(new().status.success());
    let out = new();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("postmortems/2024-05-01-dns-outage.md already has this title"),
        "{}",
        stderr(&out)
    );
}
