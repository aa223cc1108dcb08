//! A foreign file → `lore::import::plan`: the inference of title, date,
//! severity, services, factors, aliases, stamps and durations, the HTML
//! conversion and the new front matter never panic, and the planned text
//! always parses back as a document with front matter. The first byte picks
//! the file's extension (`.md`, `.html`, none).

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

struct Setup {
    kb: lore::kb::Kb,
    src: PathBuf,
    _dir: tempfile::TempDir,
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kb");
        std::fs::create_dir_all(root.join("postmortems")).unwrap();
        let cfg = lore::config::Config::parse(lore::config::DEFAULT_CONFIG, Path::new("lore.toml")).unwrap();
        let kb = lore::kb::Kb::from_docs(root, cfg, Vec::new(), Vec::new());
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).unwrap();
        Setup { kb, src, _dir: dir }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let s = setup();
    for e in std::fs::read_dir(&s.src).unwrap().flatten() {
        let _ = std::fs::remove_file(e.path());
    }
    let name = match pick % 3 {
        0 => "INC-12 postmortem.md",
        1 => "export.html",
        _ => "PM2020-002 - no extension",
    };
    std::fs::write(s.src.join(name), body).unwrap();
    let report = lore::import::plan(&s.kb, &s.src, &lore::import::Options::default()).unwrap();
    for item in &report.items {
        if item.outcome == lore::import::Outcome::Import {
            let doc = lore::doc::Doc::parse(&item.text, Path::new("postmortems/x.md"), &Default::default());
            assert!(
                !doc.problems.iter().any(|p| p.code == "no-front-matter" || p.code == "front-matter-unterminated"),
                "the planned text lost its front matter: {:?}",
                &item.text[..item.text.len().min(400)]
            );
        }
    }
});
