//! Search box text → the query AST: never panics, stays within its bounds,
//! and parses the same way twice.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lore::index::query::{Atom, MAX_ATOMS, filter_value, parse};

fuzz_target!(|data: &[u8]| {
    let q = String::from_utf8_lossy(data);
    let p = parse(&q);
    let atoms: Vec<&Atom> = p.groups.iter().flatten().chain(&p.excluded).collect();
    assert!(atoms.len() <= MAX_ATOMS, "{} atoms", atoms.len());
    assert!(p.groups.iter().all(|g| !g.is_empty()), "an empty OR group");
    for (i, a) in atoms.iter().enumerate() {
        assert!(!atoms[..i].contains(a), "{a:?} twice");
        if let Atom::Field { field, value } = a {
            let _ = filter_value(*field, value);
        }
    }
    assert_eq!(parse(&q), p, "parsing is not deterministic");
});
