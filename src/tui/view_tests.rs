//! What the views show of the KB's figures and big documents: lint findings
//! kept to a dozen, error budgets on the Trends tab, "on this day".

use super::tests::key;
use super::*;
use crate::tui::test_kb;
use ratatui::crossterm::event::KeyCode;

#[test]
fn a_document_with_thousands_of_findings_lists_a_dozen_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("postmortems")).unwrap();
    let mut text = String::from(
        "---\ntitle: Many items\ndate: 2022-01-01\n---\n# Many items\n\n## Action items\n\n",
    );
    for i in 0..3000 {
        text.push_str(&format!("- [ ] Item {i} @sre due:2023-01-01\n"));
    }
    std::fs::write(dir.path().join("postmortems/2022-01-01-many.md"), text).unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Enter);
    let screen = test_kb::frame(&mut app);
    assert!(screen.contains("Many items"), "{screen}");
    let shown = app.open.as_ref().map(|o| o.findings.len()).unwrap_or(0);
    assert!(shown >= 3000, "the model keeps every finding: {shown}");
    let lines = test_kb::detail_lines();
    let listed = lines.iter().filter(|l| l.contains("is still open")).count();
    assert!(listed <= 12, "{listed} findings listed");
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("… and {} more", shown - 12))),
        "{}",
        lines.join("\n")
    );
}

#[test]
fn trends_show_the_error_budget_spent_in_each_slos_current_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    let cfg = std::fs::read_to_string(dir.path().join("lore.toml")).unwrap();
    std::fs::write(
        dir.path().join("lore.toml"),
        format!("{cfg}\n[[slos]]\nid = \"checkout-availability\"\nservice = \"checkout\"\nobjective = 99.9\nwindow_days = 30\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("postmortems/2024-04-10-checkout-down.md"),
        "---\ntitle: Checkout down\ndate: 2024-04-10\nstatus: published\nservices: [checkout]\nslo_impact:\n  - {slo: checkout-availability, bad_minutes: 54}\n---\n# Checkout down\n",
    )
    .unwrap();
    let kb = crate::kb::Kb::load(dir.path()).unwrap();
    let loaded = crate::tui::data::analyse(std::sync::Arc::new(kb), app.today(), true);
    test_kb::run(&mut app, Action::KbLoaded(Box::new(loaded)));
    test_kb::run(&mut app, Action::Resize(120, 40));
    key(&mut app, KeyCode::Char('4'));
    let screen = test_kb::frame(&mut app);
    assert!(
        screen.contains("error budget spent, current window"),
        "{screen}"
    );
    // 54 minutes of a 43.2-minute budget.
    assert!(
        screen.contains("checkout-availability     125 % of 43m / 30d"),
        "{screen}"
    );
}

#[test]
fn the_postmortems_tab_names_an_incident_of_this_day_in_an_earlier_year() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("postmortems")).unwrap();
    // The test clock is 2024-04-15.
    std::fs::write(
        dir.path().join("postmortems/2022-04-15-queue-backlog.md"),
        "---\ntitle: Queue backlog\ndate: 2022-04-15\nstatus: published\n---\n# Queue backlog\n",
    )
    .unwrap();
    let mut app = test_kb::app(dir.path());
    test_kb::run(&mut app, Action::Resize(160, 30));
    let screen = test_kb::frame(&mut app);
    assert!(
        screen.contains("on this day 2 years ago: Queue backlog"),
        "{screen}"
    );
    key(&mut app, KeyCode::Char('2'));
    let screen = test_kb::frame(&mut app);
    assert!(!screen.contains("on this day"), "runbooks tab: {screen}");
}
