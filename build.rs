//! Gives the build an id: a hash of everything that decides how the exported
//! pages look (the sources, the built-in templates and assets, the locked
//! dependencies). A re-export keeps a page only when it was made by a build
//! with the same id, so pages made by other code are never kept; reading
//! the 150 MB program at every export to hash it would cost more than the
//! pages it saves at small sizes.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            walk(&e.path(), out);
        } else if t.is_file() {
            out.push(e.path());
        }
    }
}

fn main() {
    let mut files = vec![PathBuf::from("Cargo.toml"), PathBuf::from("Cargo.lock")];
    for dir in ["src", "templates", "site"] {
        walk(Path::new(dir), &mut files);
        println!("cargo:rerun-if-changed={dir}");
    }
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
    files.sort();
    // SipHash with fixed keys: the same sources give the same id.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in &files {
        h.write(f.to_string_lossy().as_bytes());
        h.write(&std::fs::read(f).unwrap_or_default());
    }
    h.write(std::env::var("PROFILE").unwrap_or_default().as_bytes());
    println!("cargo:rustc-env=LORE_BUILD_ID={:016x}", h.finish());
}
