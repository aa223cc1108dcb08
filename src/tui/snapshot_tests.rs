//! Every screen drawn on a 100x30 `TestBackend` over the fixture KB (fixed
//! dates, clock at 2024-04-15, no colour) and compared with insta snapshots.

use super::app::{Action, App, CommitRow, HistoryView, Overlay, SearchHit, SearchOutcome};
use super::test_kb::{self, step};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

fn screen(app: &mut App) -> String {
    test_kb::frame(app)
}

fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            '\u{1b}' => KeyCode::Esc,
            c => KeyCode::Char(c),
        };
        let ev = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
        if let Some(a) = super::keymap::map_event(app, &ev) {
            step(app, a);
        }
    }
}

#[test]
fn browse_postmortems() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn wide_terminal_adds_a_preview() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    step(&mut app, Action::Resize(150, 24));
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn read_document_with_side_panel() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    keys(&mut app, "\n");
    insta::assert_snapshot!(screen(&mut app));
    keys(&mut app, "jjjjjjjjjjjjjjjjjjjj");
    insta::assert_snapshot!("read_document_scrolled", screen(&mut app));
}

#[test]
fn search_results_with_snippets() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    keys(&mut app, "/replica lag");
    let rec = |id: &str| app.records.iter().find(|r| r.id == id).unwrap().clone();
    let hits = vec![SearchHit {
        record: rec("2024-03-12-checkout-failover"),
        snippet: "left two read replicas lagging behind the primary".into(),
        highlights: vec![15..23, 24..31],
    }];
    let id = app.search.sent;
    step(
        &mut app,
        Action::SearchDone {
            id,
            result: Ok(SearchOutcome {
                hits,
                total: 1,
                fuzzy: false,
            }),
        },
    );
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn facet_picker() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    keys(&mut app, "f");
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn runbooks_tab() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    keys(&mut app, "2");
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn actions_tab() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    keys(&mut app, "3");
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn trends_tab() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    keys(&mut app, "4");
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn help_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    keys(&mut app, "?");
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn new_document_form_with_factor_completion() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    keys(&mut app, "nLogin outage\t");
    step(&mut app, Action::FormCycle(1));
    keys(&mut app, "\tauth\tcon");
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn timeline_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    keys(&mut app, "\ntRolled back");
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn history_and_diff() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    keys(&mut app, "\n");
    let commit = |id: &str, date: &str, subject: &str| CommitRow {
        id: id.repeat(40 / id.len()),
        short: id.repeat(7 / id.len()).chars().take(7).collect(),
        date: date.into(),
        author: "Ana Ops".into(),
        subject: subject.into(),
    };
    app.overlay = Some(Overlay::History(HistoryView {
        rel: "postmortems/2024-03-12-checkout-failover.md".into(),
        title: "2024-03-12-checkout-failover".into(),
        commits: vec![
            commit(
                "b",
                "2024-03-14 10:00",
                "postmortem: timeline entry in 2024-03-12-checkout-failover",
            ),
            commit(
                "a",
                "2024-03-12 18:00",
                "postmortem: add 2024-03-12-checkout-failover",
            ),
        ],
        selected: 0,
        diff: None,
        scroll: 0,
    }));
    insta::assert_snapshot!(screen(&mut app));
    if let Some(Overlay::History(h)) = app.overlay.as_mut() {
        h.diff = Some(
            "--- a/postmortems/2024-03-12-checkout-failover.md\n+++ b/postmortems/2024-03-12-checkout-failover.md\n@@ -30,3 +30,4 @@\n - 14:09 Alert CheckoutErrorRate pages the on-call\n - 14:40 Traffic moved off the lagging replicas\n+- 15:02 Replicas re-synced"
                .lines()
                .map(String::from)
                .collect(),
        );
    }
    insta::assert_snapshot!("history_diff", screen(&mut app));
}

#[test]
fn narrow_terminal_shows_the_list_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    step(&mut app, Action::Resize(70, 16));
    insta::assert_snapshot!(screen(&mut app));
}

#[test]
fn severities_are_coloured_unless_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    app.theme.color = true;
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut view = super::ui::View::default();
    t.draw(|f| {
        super::ui::draw(f, &app, &mut view);
    })
    .unwrap();
    // Row 4 is the newest postmortem, a SEV1; its severity cell starts at x=12.
    let buf = t.backend().buffer();
    let cell = &buf[(12, 4)];
    assert_eq!(cell.symbol(), "S");
    assert_eq!(cell.fg, ratatui::style::Color::Red);
    app.theme.color = false;
    t.draw(|f| {
        super::ui::draw(f, &app, &mut view);
    })
    .unwrap();
    assert_eq!(
        t.backend().buffer()[(12, 4)].fg,
        ratatui::style::Color::Reset
    );
}
