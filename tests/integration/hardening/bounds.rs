//! Every input is bounded: time and memory grow with its size, never with its
//! square, and nothing needs more than the memory budget.

use crate::common::{Sandbox, stderr, stdout};

#[test]
fn a_pasted_log_as_a_query_is_bounded_and_says_what_it_ignored() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let log: String = (0..8_000).map(|i| format!("nomatch{i} ")).collect();
    let out = sb.lore(&kb).args(["search", &log]).output().unwrap();
    assert!(out.status.code().is_some());
    assert!(stderr(&out).contains("ignored"), "{}", stderr(&out));
}

#[test]
fn thousands_of_identical_headings_and_services_export_in_linear_size() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let headings = "## Same\n\ntext\n\n".repeat(8000);
    let services: Vec<String> = (0..3000).map(|i| format!("svc{i}")).collect();
    let doc = format!(
        "---\ntitle: Bomb\ndate: 2024-01-01\nstatus: published\nservices: [{}]\n---\n# Bomb\n\n{headings}",
        services.join(", ")
    );
    std::fs::write(kb.join("postmortems/2024-01-01-bomb.md"), &doc).unwrap();
    let out_dir = sb.path("site");
    let out = sb
        .lore(&kb)
        .args(["export", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(out_dir.join("postmortems/2024-01-01-bomb.html"))
        .or_else(|_| std::fs::read_to_string(out_dir.join("2024-01-01-bomb.html")))
        .unwrap_or_default();
    if !page.is_empty() {
        assert!(page.contains("id=\"same-8000\""), "heading ids not unique");
    }
    // Each service page lists the document with a bounded number of pills.
    let total: u64 = walk_size(&out_dir);
    assert!(
        total < 200 * 1024 * 1024,
        "the site grew to {} MB for a {} KB document",
        total / (1024 * 1024),
        doc.len() / 1024
    );
}

#[test]
fn many_documents_sharing_an_id_give_linear_lint_output() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    for i in 0..400 {
        std::fs::write(
            kb.join(format!("postmortems/d{i}.md")),
            "---\ntitle: Dup\nid: same\ndate: 2024-01-01\n---\n# Dup\n",
        )
        .unwrap();
    }
    let out = sb.lore(&kb).arg("lint").output().unwrap();
    let text = stdout(&out);
    assert_eq!(text.matches("duplicate-id").count(), 400);
    assert!(text.len() < 400 * 400, "lint printed {} bytes", text.len());
    assert!(
        text.contains("and 396 more"),
        "{}",
        &text[..text.len().min(2000)]
    );
}

fn walk_size(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                todo.push(e.path());
            } else {
                total += m.len();
            }
        }
    }
    total
}
