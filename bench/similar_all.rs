//! Times loading a KB and computing every document's similar incidents in one
//! pass (what `lore export` does for its pages):
//!
//! cargo run --release --example similar_all -- DIR

use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: similar_all DIR");
        std::process::exit(2);
    };
    let t = Instant::now();
    let kb = match lore::kb::Kb::load(std::path::Path::new(&dir)) {
        Ok(kb) => kb,
        Err(e) => {
            eprintln!("similar_all: {e}");
            std::process::exit(1);
        }
    };
    let load = t.elapsed();
    let t = Instant::now();
    let all = lore::similar::similar_all(&kb, 5);
    let similar = t.elapsed();
    let with = all.values().filter(|v| !v.is_empty()).count();
    println!(
        "{} documents: load {:.2} s, similar_all {:.2} s ({} with suggestions)",
        kb.docs.len(),
        load.as_secs_f64(),
        similar.as_secs_f64(),
        with
    );
}
