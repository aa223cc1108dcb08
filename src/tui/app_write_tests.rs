//! Keys that write: timeline entries, action items, the editor round trip and
//! the new-document form, each checked in the file it changes.

use super::*;
use crate::doc::Kind;

#[test]
fn t_adds_a_timeline_entry_stamped_now_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('t'));
    assert!(matches!(app.overlay, Some(Overlay::Prompt(_))));
    typed(&mut app, "Rolled back the replica config");
    key(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let text = std::fs::read_to_string(
        dir.path()
            .join("postmortems/2024-03-12-checkout-failover.md"),
    )
    .unwrap();
    assert!(
        text.contains("- 14:40 Traffic moved off the lagging replicas\n- 2024-04-15 12:00Z Rolled back the replica config\n"),
        "{text}"
    );
    let open = app.open.as_ref().unwrap();
    assert_eq!(open.doc.timeline.len(), 4, "the open document is re-read");
    let shown = test_kb::frame(&mut app);
    assert!(
        shown.contains("2024-04-15 12:00Z Rolled back the replica config"),
        "the new entry is scrolled into view: {shown}"
    );
    assert!(
        app.message.contains("timeline entry 2024-04-15 12:00Z"),
        "{}",
        app.message
    );
}

#[test]
fn a_adds_an_action_item_that_the_actions_tab_lists() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('a'));
    typed(
        &mut app,
        "Warm the cache before restarts @platform due:2024-05-01 #prevent",
    );
    key(&mut app, KeyCode::Enter);
    let text = std::fs::read_to_string(dir.path().join("postmortems/2024-01-20-cache-stampede.md"))
        .unwrap();
    assert!(text.ends_with(
        "- [ ] Stagger restarts @platform due:2024-02-01 #prevent\n- [ ] Warm the cache before restarts @platform due:2024-05-01 #prevent\n"
    ));
    key(&mut app, KeyCode::Char('3'));
    let items: Vec<&str> = app
        .actions
        .rows
        .iter()
        .map(|r| r.item.text.as_str())
        .collect();
    assert_eq!(
        items,
        [
            "Stagger restarts",
            "Alert on replica lag above 30s",
            "Warm the cache before restarts",
            "Add failover to the game day"
        ]
    );
    key(&mut app, KeyCode::Char('o'));
    assert_eq!(app.actions.show, ActionShow::Overdue);
    assert_eq!(app.actions.rows.len(), 2);
    key(&mut app, KeyCode::Char('o'));
    assert_eq!(app.actions.rows.len(), 5);
    // Enter reads the item's postmortem; Esc comes back to the Actions tab.
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.open.as_ref().map(|o| o.doc.id.as_str()),
        Some("2024-01-20-cache-stampede")
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!((app.tab, app.screen), (Tab::Actions, Screen::Browse));
}

#[test]
fn runbooks_take_no_timeline_entries() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('t'));
    assert!(app.overlay.is_none());
    assert_eq!(
        app.message,
        "timeline entries, stamps and action items belong to postmortems"
    );
}

#[test]
fn e_asks_for_the_editor_and_takes_the_change_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    let rel = std::path::PathBuf::from("postmortems/2023-11-02-dns-timeouts.md");
    key(&mut app, KeyCode::Char('G'));
    let message = "postmortem: edit 2023-11-02-dns-timeouts".to_string();
    let asked = key(&mut app, KeyCode::Char('e'));
    assert!(
        matches!(&asked[..], [Effect::EditExisting { rel: r, message: m }] if *r == rel && *m == message),
        "{asked:?}"
    );
    // What the event loop does: the editor changes the title in its copy.
    let saved = crate::tui::effects::existing_document(
        dir.path(),
        &app.config,
        &rel,
        Kind::Postmortem,
        &message,
        |copy| {
            let text = std::fs::read_to_string(copy).unwrap().replace(
                "title: DNS resolver timeouts",
                "title: DNS resolver timeouts in eu-west",
            );
            std::fs::write(copy, text).unwrap();
            Ok(())
        },
    );
    assert!(
        saved
            .note
            .contains("postmortem: edit 2023-11-02-dns-timeouts"),
        "{}",
        saved.note
    );
    step(&mut app, Action::Saved(saved));
    assert_eq!(app.screen, Screen::Read);
    assert_eq!(
        app.open.as_ref().unwrap().doc.title,
        "DNS resolver timeouts in eu-west"
    );
    assert!(
        app.records
            .iter()
            .any(|r| r.title == "DNS resolver timeouts in eu-west")
    );
    // Nothing changed: said so. A failed editor says why.
    key(&mut app, KeyCode::Char('e'));
    let saved = crate::tui::effects::existing_document(
        dir.path(),
        &app.config,
        &rel,
        Kind::Postmortem,
        &message,
        |_| Err("editor `vi` exited with 1".into()),
    );
    step(&mut app, Action::Saved(saved));
    assert_eq!(
        app.message,
        "error: editor: editor `vi` exited with 1; no changes to postmortems/2023-11-02-dns-timeouts.md"
    );
    assert_eq!(app.screen, Screen::Read);
}

#[test]
fn n_fills_the_form_completes_a_factor_and_writes_from_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Char('n'));
    typed(&mut app, "Login outage");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "auth, sso");
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "certif");
    key(&mut app, KeyCode::Tab);
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("no form")
    };
    assert_eq!(f.factors.text, "certificate-expiry, ");
    assert_eq!(f.severity, Some(1));
    let rel = std::path::PathBuf::from("postmortems/2024-04-15-login-outage.md");
    let asked = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&asked[..], [Effect::Edit(r)] if *r == rel),
        "{asked:?}"
    );
    let saved =
        crate::tui::effects::new_document(dir.path(), &app.config, &rel, Kind::Postmortem, Ok(()));
    step(&mut app, Action::Saved(saved));
    let doc = &app.open.as_ref().unwrap().doc;
    assert_eq!(doc.title, "Login outage");
    assert_eq!(doc.meta.severity.as_deref(), Some("SEV2"));
    assert_eq!(doc.meta.services, ["auth", "sso"]);
    assert_eq!(doc.meta.factors, ["certificate-expiry"]);
    assert_eq!(ids(&app)[0], "2024-04-15-login-outage");
}

#[test]
fn form_reports_a_missing_title_and_stays_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Char('n'));
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("form closed")
    };
    assert_eq!(f.error.as_deref(), Some("the title must not be empty"));
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn d_stamps_detected_space_closes_an_item_and_s_moves_the_status() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    // The cache postmortem (second in the list), opened.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('M'));
    // The time is pre-filled with now; Enter stamps it.
    let Some(Overlay::Prompt(p)) = &app.overlay else {
        panic!("no stamp prompt")
    };
    assert_eq!(p.input.text, "2024-04-15 12:00");
    key(&mut app, KeyCode::Enter);
    let path = dir.path().join("postmortems/2024-01-20-cache-stampede.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("\nmitigated: 2024-04-15T12:00:00+00:00\n"),
        "{text}"
    );
    assert!(text.contains("Mitigated"), "{text}");
    assert!(
        app.message
            .contains("mark 2024-01-20-cache-stampede mitigated"),
        "{}",
        app.message
    );

    // Space on the Actions tab.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('3'));
    let row = app
        .actions
        .rows
        .iter()
        .position(|r| r.item.text == "Stagger restarts")
        .unwrap();
    app.actions.selected = row;
    key(&mut app, KeyCode::Char(' '));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("- [x] Stagger restarts @platform"), "{text}");

    // `S` on a draft: to review.
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('S'));
    let dns =
        std::fs::read_to_string(dir.path().join("postmortems/2023-11-02-dns-timeouts.md")).unwrap();
    assert!(dns.contains("\nstatus: review\n"), "{dns}\n{}", app.message);
}

#[test]
fn a_change_on_disk_reaches_the_open_document_and_a_removal_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Enter);
    let rel = std::path::PathBuf::from("postmortems/2024-03-12-checkout-failover.md");
    let path = dir.path().join(&rel);
    // Another responder's entry, written while this TUI has it open.
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "- 14:40 Traffic moved off the lagging replicas\n",
        "- 14:40 Traffic moved off the lagging replicas\n- 15:00 Vendor confirmed the fix\n",
    );
    std::fs::write(&path, text).unwrap();
    step(&mut app, Action::Changed(vec![rel.clone()]));
    let open = app.open.as_ref().unwrap();
    assert!(
        open.doc
            .timeline
            .iter()
            .any(|e| e.text == "Vendor confirmed the fix"),
        "{:?}",
        open.doc.timeline
    );
    assert_eq!(app.screen, Screen::Read, "the reader stays where they were");
    // A document removed (a `git pull`): gone from the list.
    key(&mut app, KeyCode::Esc);
    let gone = std::path::PathBuf::from("postmortems/2023-11-02-dns-timeouts.md");
    std::fs::remove_file(dir.path().join(&gone)).unwrap();
    step(&mut app, Action::Changed(vec![gone]));
    assert_eq!(ids(&app).len(), 2, "{:?}", ids(&app));
    // An OpenSLO file is read with the whole KB, never as a document.
    std::fs::create_dir_all(dir.path().join("slos")).unwrap();
    std::fs::write(
        dir.path().join("slos/api.yaml"),
        "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: api}\nspec: {service: api, objectives: [{target: 0.99}], timeWindow: [{duration: 28d}]}\n",
    )
    .unwrap();
    step(&mut app, Action::Changed(vec!["slos/api.yaml".into()]));
    assert_eq!(ids(&app).len(), 2, "{:?}", ids(&app));
}

#[test]
fn the_form_shows_similar_incidents_and_runbooks_while_drafting() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = test_kb::app(dir.path());
    key(&mut app, KeyCode::Char('n'));
    typed(&mut app, "Replicas lagging after failover");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "payments-db");
    let found = app
        .similar
        .get(crate::tui::state::DRAFT_ID)
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        found.first().map(|s| s.id.as_str()),
        Some("2024-03-12-checkout-failover"),
        "{found:?}"
    );
    let screen = test_kb::frame(&mut app);
    assert!(screen.contains("Seen before"), "{screen}");
    assert!(
        screen.contains("Checkout failover left replicas"),
        "{screen}"
    );
    assert!(screen.contains("Runbooks: db-failover"), "{screen}");
}
