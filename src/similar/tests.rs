//! Tests of similar incidents.

use super::*;
use crate::config::Config;
use crate::doc::ParseContext;
use std::path::{Path, PathBuf};

pub(super) fn doc(id: &str, date: &str, factors: &str, services: &str, body: &str) -> Doc {
    let text = format!(
        "---\ntitle: {id}\ndate: {date}\nfactors: [{factors}]\nservices: [{services}]\n---\n{body}\n"
    );
    Doc::parse(
        &text,
        Path::new(&format!("postmortems/{id}.md")),
        &ParseContext::default(),
    )
}

fn kb() -> Kb {
    let docs = vec![
        doc(
            "a",
            "2024-01-01",
            "dns, config-change",
            "checkout",
            "Replica failover stalled the primary database.",
        ),
        doc(
            "b",
            "2024-02-01",
            "dns",
            "checkout",
            "Certificates expired on the edge.",
        ),
        doc(
            "c",
            "2024-03-01",
            "capacity",
            "search",
            "Replica failovers stalled during the database migration.",
        ),
        doc(
            "d",
            "2024-04-01",
            "capacity",
            "billing",
            "Nothing in common at all here.",
        ),
    ];
    Kb::from_docs(PathBuf::from("/kb"), Config::default(), docs, Vec::new())
}

#[test]
fn shared_factors_services_and_words_rank_with_reasons() {
    let kb = kb();
    let a = kb.get("a").unwrap();
    let got = similar_to(&kb, a, 5);
    let ids: Vec<&str> = got.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec!["b", "c"]);
    assert_eq!(got[0].reasons, vec!["factors: dns", "services: checkout"]);
    assert_eq!(
        got[1].reasons,
        vec!["words: database, failover, replica, stalled"]
    );
}

#[test]
fn all_matches_one_by_one_and_never_lists_itself() {
    let kb = kb();
    let all = similar_all(&kb, 3);
    assert_eq!(all.len(), 4);
    for d in &kb.docs {
        assert_eq!(all[&d.id], similar_to(&kb, d, 3), "{}", d.id);
        assert!(all[&d.id].iter().all(|s| s.id != d.id));
    }
    assert!(
        all["d"]
            .iter()
            .any(|s| s.id == "c" && s.reasons == vec!["factors: capacity"])
    );
}

#[test]
fn held_features_give_what_fresh_ones_give_and_an_edited_copy_is_its_own() {
    let kb = kb();
    let sim = Similarity::new(&kb);
    for d in &kb.docs {
        let fresh = sim.rank(d, &sim.features(d), None, (3, 3), &mut Vec::new(), &|_| {
            true
        });
        assert_eq!(sim.similar_to(d, 3), fresh, "{}", d.id);
    }
    // A copy of a postmortem with another body is not taken for it.
    let mut edited = kb.get("a").unwrap().clone();
    edited.body = "nothing in common".into();
    let fresh = sim.rank(
        &edited,
        &sim.features(&edited),
        None,
        (3, 3),
        &mut Vec::new(),
        &|_| true,
    );
    assert_eq!(sim.similar_to(&edited, 3), fresh);
}

#[test]
fn a_draft_outside_the_kb_finds_its_neighbours() {
    let kb = kb();
    let draft = doc(
        "draft",
        "2024-05-01",
        "",
        "",
        "The edge certificates expired again.",
    );
    let got = similar_to(&kb, &draft, 5);
    assert_eq!(got.first().map(|s| s.id.as_str()), Some("b"));
}
