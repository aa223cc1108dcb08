//! Key handling and `update` without a terminal: keys become actions, and
//! actions change what the user would see or write what they would expect.

use super::*;
use crate::tui::keymap::{self, Context};
use crate::tui::test_kb::{self, search_of, step};
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// A key as the event loop handles it: effects performed, a frame drawn.
/// Returns the effects left (searches, the editor).
pub(super) fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let ev = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    match keymap::map_event(app, &ev) {
        Some(a) => step(app, a),
        None => Vec::new(),
    }
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    let mut last = Vec::new();
    for c in text.chars() {
        last = key(app, KeyCode::Char(c));
    }
    last
}

const MAIN: Context = Context::Main {
    actions_tab: false,
    reading: false,
};

fn ids(app: &App) -> Vec<String> {
    app.rows
        .iter()
        .filter_map(|&r| app.row_record(r))
        .map(|r| r.id.clone())
        .collect()
}

#[test]
fn keys_mean_different_things_in_text_fields() {
    let k = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert!(matches!(keymap::map_key(MAIN, k('j')), Some(Action::Down)));
    assert!(matches!(keymap::map_key(MAIN, k('q')), Some(Action::Quit)));
    assert!(matches!(
        keymap::map_key(Context::Text, k('j')),
        Some(Action::Input(crate::tui::input::Edit::Insert('j')))
    ));
    assert!(matches!(
        keymap::map_key(Context::Text, k('q')),
        Some(Action::Input(crate::tui::input::Edit::Insert('q')))
    ));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(matches!(
        keymap::map_key(Context::Text, ctrl_c),
        Some(Action::Quit)
    ));
    assert!(matches!(
        keymap::map_key(
            Context::Main {
                actions_tab: true,
                reading: false
            },
            k('o')
        ),
        Some(Action::CycleActionShow)
    ));
    assert!(keymap::map_key(MAIN, k('o')).is_none());
    // While reading, the arrows do not switch tabs (and close the document).
    let reading = Context::Main {
        actions_tab: false,
        reading: true,
    };
    let right = KeyEvent::new(KeyCode::Right, KeyModifiers::NONE);
    assert!(keymap::map_key(reading, right).is_none());
    assert!(matches!(
        keymap::map_key(MAIN, right),
        Some(Action::NextTab)
    ));
}

#[test]
fn list_opens_newest_first_and_moves_with_j_k_g_g() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    assert_eq!(
        ids(&app),
        [
            "2024-03-12-checkout-failover",
            "2024-01-20-cache-stampede",
            "2023-11-02-dns-timeouts"
        ]
    );
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected, 1);
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.selected, 2);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.selected, 2, "stays on the last row");
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.selected, 0);
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.sort, Sort::Severity);
    assert_eq!(app.message, "sorted most severe first");
}

#[test]
fn enter_opens_esc_goes_back_and_tab_switches_panes() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Read);
    let open = app.open.as_ref().unwrap();
    assert_eq!(open.doc.id, "2024-03-12-checkout-failover");
    let side: Vec<(&str, &str)> = open
        .side
        .iter()
        .map(|s| (s.section, s.id.as_str()))
        .collect();
    assert_eq!(
        side,
        [
            ("Runbooks", "db-failover"),
            ("Similar incidents", "2024-01-20-cache-stampede"),
            ("Related", "2024-01-20-cache-stampede")
        ]
    );
    assert_eq!(
        open.side[1].detail.as_deref(),
        Some("factors: config-change")
    );
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::Side);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.open.as_ref().unwrap().doc.id,
        "2024-01-20-cache-stampede"
    );
    // PgDn scrolls the document by a screenful, keeping one line of context.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.open.as_ref().unwrap().scroll, 24);
    key(&mut app, KeyCode::Esc);
    assert_eq!((app.screen, app.open.is_none()), (Screen::Browse, true));
}

#[test]
fn facets_offer_present_values_with_counts_and_filter_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Char('f'));
    let Some(Overlay::Facets(p)) = &app.overlay else {
        panic!("no facet picker")
    };
    let sev: Vec<(String, usize)> = p
        .entries
        .iter()
        .filter(|e| e.group == FacetGroup::Severity)
        .map(|e| (e.value.clone(), e.count))
        .collect();
    assert_eq!(
        sev,
        [
            ("SEV1".to_string(), 1),
            ("SEV2".to_string(), 1),
            ("SEV3".to_string(), 1)
        ]
    );
    let at = p.entries.iter().position(|e| e.value == "SEV2").unwrap();
    for _ in 0..at {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    // Counts follow the filter: another group counts what SEV2 leaves.
    let Some(Overlay::Facets(p)) = &app.overlay else {
        panic!("picker closed")
    };
    let status: Vec<(&str, usize)> = p
        .entries
        .iter()
        .filter(|e| e.group == FacetGroup::Status)
        .map(|e| (e.value.as_str(), e.count))
        .collect();
    assert_eq!(status, [("review", 1)], "only SEV2's status is counted");
    // Typing narrows; a second value of the same group adds to the first.
    typed(&mut app, "sev3");
    let Some(Overlay::Facets(p)) = &app.overlay else {
        panic!("picker closed")
    };
    assert_eq!(p.current().map(|e| e.value.as_str()), Some("SEV3"));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    assert_eq!(
        ids(&app),
        ["2024-01-20-cache-stampede", "2023-11-02-dns-timeouts"]
    );
    key(&mut app, KeyCode::Char('c'));
    assert_eq!(app.rows.len(), 3);
}

fn hit(app: &App, id: &str, snippet: &str, hl: std::ops::Range<usize>) -> SearchHit {
    SearchHit {
        record: app.records.iter().find(|r| r.id == id).unwrap().clone(),
        snippet: snippet.into(),
        highlights: vec![hl],
    }
}

#[test]
fn typing_sends_the_newest_query_and_stale_results_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Char('/'));
    assert!(app.search.typing);
    assert_eq!(
        search_of(&typed(&mut app, "la")),
        Some((2, "kind:postmortem la".into()))
    );
    assert_eq!(
        search_of(&key(&mut app, KeyCode::Char('g'))),
        Some((3, "kind:postmortem lag".into()))
    );
    // An answer to "la" arriving after "lag" was typed is labelled "la":
    // the bar does not claim it answers "lag".
    step(
        &mut app,
        Action::SearchDone {
            id: 2,
            result: Ok(SearchOutcome::default()),
        },
    );
    assert_eq!(app.search.shown_query, "la");
    let newest = SearchOutcome {
        hits: vec![hit(
            &app,
            "2024-03-12-checkout-failover",
            "replicas lagging behind",
            9..16,
        )],
        total: 1,
        fuzzy: false,
    };
    step(
        &mut app,
        Action::SearchDone {
            id: 3,
            result: Ok(newest),
        },
    );
    assert_eq!(ids(&app), ["2024-03-12-checkout-failover"]);
    let stale = SearchOutcome {
        hits: vec![hit(&app, "2023-11-02-dns-timeouts", "x", 0..1)],
        total: 1,
        fuzzy: false,
    };
    step(
        &mut app,
        Action::SearchDone {
            id: 2,
            result: Ok(stale),
        },
    );
    assert_eq!(
        ids(&app),
        ["2024-03-12-checkout-failover"],
        "an older answer never replaces a newer one"
    );
    // Enter opens the hit; Esc twice returns to the whole list.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Read);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.rows.len(), 3);
    assert_eq!(app.search.input.text, "");
    // Facets go into the query as filters.
    key(&mut app, KeyCode::Char('f'));
    let Some(Overlay::Facets(p)) = &app.overlay else {
        panic!("no facet picker")
    };
    let at = p.entries.iter().position(|e| e.value == "SEV1").unwrap();
    for _ in 0..at {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(
        search_of(&key(&mut app, KeyCode::Char('x'))),
        Some((5, "kind:postmortem severity:SEV1 x".into()))
    );
}

#[test]
fn mouse_click_selects_then_opens_and_wheel_scrolls() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    let click = |app: &mut App, row: u16| {
        let ev = Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 10,
            row,
            modifiers: KeyModifiers::NONE,
        });
        if let Some(a) = keymap::map_event(app, &ev) {
            step(app, a);
        }
    };
    // Row 0 tabs, 1 bar, 2 border, 3 header, 4 first row.
    click(&mut app, 5);
    assert_eq!((app.selected, app.screen), (1, Screen::Browse));
    click(&mut app, 4);
    assert_eq!((app.selected, app.screen), (0, Screen::Browse));
    click(&mut app, 4);
    assert_eq!(app.screen, Screen::Read);
    let wheel = Event::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    });
    let a = keymap::map_event(&app, &wheel).unwrap();
    step(&mut app, a);
    assert_eq!(app.open.as_ref().unwrap().scroll, 3);
    // Clicking the Trends tab label switches tabs.
    let ev = Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 50,
        row: 0,
        modifiers: KeyModifiers::NONE,
    });
    let a = keymap::map_event(&app, &ev).unwrap();
    step(&mut app, a);
    assert_eq!(app.tab, Tab::Trends);
}

#[test]
fn help_opens_and_closes_and_q_quits() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    key(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit);
}

#[test]
fn lint_findings_show_inline_in_the_open_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Enter);
    // The finding shows in the header (wrapped to the pane).
    let screen = test_kb::frame(&mut app);
    assert!(
        screen.contains("✖ line 9: `detected: yesterday` is not a valid"),
        "{screen}"
    );
}

#[test]
fn readme_lists_every_key_of_the_help_overlay() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for (keys, what) in keymap::help_rows() {
        let row = format!("| {keys} | {what} |");
        assert!(readme.contains(&row), "README lacks the key row {row}");
    }
}

#[test]
fn the_index_backend_finds_words_and_sees_written_files_after_a_refresh() {
    let dir = tempfile::tempdir().unwrap();
    test_kb::write(dir.path());
    let (records, backend) = crate::tui::data::open_index(dir.path()).unwrap();
    assert_eq!(records.len(), 4);
    let mut backend = backend.unwrap();
    let out = backend.search("replica lag", 10).unwrap();
    assert_eq!(out.hits[0].record.id, "2024-03-12-checkout-failover");
    let hl: Vec<&str> = out.hits[0]
        .highlights
        .iter()
        .map(|r| &out.hits[0].snippet[r.clone()])
        .collect();
    assert!(hl.iter().any(|w| w.eq_ignore_ascii_case("lag")), "{hl:?}");
    let path = dir.path().join("postmortems/2023-11-02-dns-timeouts.md");
    let text = std::fs::read_to_string(&path).unwrap() + "\nZanzibar flamingo.\n";
    std::fs::write(&path, text).unwrap();
    assert!(backend.search("zanzibar", 10).unwrap().hits.is_empty());
    backend.refresh().unwrap();
    let ids: Vec<String> = backend
        .search("zanzibar", 10)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.record.id)
        .collect();
    assert_eq!(ids, ["2023-11-02-dns-timeouts"]);
}

#[test]
fn a_reader_at_the_end_stays_there_when_the_terminal_narrows() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('G'));
    let wide_end = app.open.as_ref().unwrap().scroll;
    assert!(wide_end > 0);
    assert_eq!(wide_end, app.geometry.detail_max_scroll());
    step(&mut app, Action::Resize(90, 30));
    let narrow_end = app.geometry.detail_max_scroll();
    assert!(narrow_end > wide_end, "narrower text wraps into more lines");
    assert_eq!(app.open.as_ref().unwrap().scroll, narrow_end);
}

#[test]
fn actions_tab_filters_by_owner_from_the_owners_present() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Char('f'));
    let Some(Overlay::Facets(p)) = &app.overlay else {
        panic!("no owner picker")
    };
    let owners: Vec<(&str, usize)> = p
        .entries
        .iter()
        .map(|e| (e.value.as_str(), e.count))
        .collect();
    assert_eq!(owners, [("dba", 1), ("platform", 1), ("sre", 1)]);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    let items: Vec<&str> = app
        .actions
        .rows
        .iter()
        .map(|r| r.item.text.as_str())
        .collect();
    assert_eq!(items, ["Stagger restarts"]);
    assert_eq!(app.actions.owner.as_deref(), Some("platform"));
}

#[path = "app_write_tests.rs"]
mod write;

#[test]
fn the_open_document_is_rendered_once_per_width() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Enter);
    let first = test_kb::renders();
    assert!(first >= 1);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        test_kb::renders(),
        first,
        "scrolling reuses the rendered lines"
    );
    step(&mut app, Action::Resize(90, 30));
    assert_eq!(test_kb::renders(), first + 1, "a new width renders again");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    assert!(test_kb::renders() > first + 1, "reopening renders afresh");
}

#[test]
fn a_long_status_message_is_never_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    step(&mut app, Action::Resize(80, 24));
    let note = "saved and committed 1a2b3c4 · postmortem: timeline entry 2026-04-21 07:45 in 2026-04-21-edge-502s-on-checkout";
    app.say(note);
    // Wrapped into rows of its own above the bar, every word kept.
    let screen = test_kb::frame(&mut app);
    let words: Vec<&str> = screen
        .split_whitespace()
        .map(|w| w.trim_matches('"'))
        .filter(|w| !w.is_empty())
        .collect();
    assert!(words.join(" ").contains(note), "{screen}");
    // Expired, the bar has one row again.
    app.message_at = app.now().checked_sub_signed(chrono::Duration::seconds(60));
    step(&mut app, Action::Tick);
    assert!(app.message.is_empty());
    assert_eq!(crate::tui::layout::status_height(&app, 80), 1);
}

#[test]
fn at_80x24_the_header_is_compact_and_trends_scroll_by_panel() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    step(&mut app, Action::Resize(80, 24));
    key(&mut app, KeyCode::Enter);
    let screen = test_kb::frame(&mut app);
    assert!(!screen.contains("authors"), "{screen}");
    assert!(
        screen.contains("lint finding"),
        "findings counted: {screen}"
    );
    assert!(
        screen.contains("Summary"),
        "the body starts on the first screen: {screen}"
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('4'));
    assert!(!test_kb::frame(&mut app).contains("Durations"));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert!(test_kb::frame(&mut app).contains("Durations"));
}
