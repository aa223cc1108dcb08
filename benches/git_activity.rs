//! Figures for `store::git::activity` and `history` on a generated repository
//! (default 3,000 documents, 6,000 commits; `LORE_BENCH_DOCS`,
//! `LORE_BENCH_COMMITS` change them): cold walk, cached read, one new commit.
//! Run with `cargo bench --bench git_activity`. Prints figures, asserts nothing
//! about time.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn env_num(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "git {args:?} failed");
}

/// Writes the history with `git fast-import`: every commit touches one to
/// three documents, every 50th renames one, authors rotate over ten names.
fn generate(dir: &Path, docs: usize, commits: usize) {
    git(dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("lore.toml"), "name = \"bench\"\n").unwrap();
    let mut child = Command::new("git")
        .current_dir(dir)
        .args(["fast-import", "--quiet"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut s = std::io::BufWriter::new(child.stdin.take().unwrap());
    let mut names: Vec<String> = (0..docs)
        .map(|i| format!("postmortems/doc-{i:05}.md"))
        .collect();
    let body = "Some words about the incident, the response and what we learned.\n".repeat(40);
    let t0 = 1_600_000_000u64;
    writeln!(
        s,
        "commit refs/heads/main\ncommitter Bench 0 <b0@example.com> {t0} +0000\ndata 7\ninitial"
    )
    .unwrap();
    writeln!(s, "M 100644 inline lore.toml\ndata 15\nname = \"bench\"\n").unwrap();
    for (i, n) in names.iter().enumerate() {
        let text = format!("---\ntitle: Doc {i}\n---\n{body}");
        writeln!(s, "M 100644 inline {n}\ndata {}\n{text}", text.len()).unwrap();
    }
    let mut seed = 7u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for c in 1..commits {
        let who = c % 10;
        writeln!(
            s,
            "commit refs/heads/main\ncommitter Author {who} <a{who}@example.com> {} +0000\ndata 9\nchange {:02}",
            t0 + c as u64 * 60,
            c % 100
        )
        .unwrap();
        if c % 50 == 0 {
            let k = next() % docs;
            let new = format!("postmortems/renamed-{c:05}.md");
            writeln!(s, "R {} {new}", names[k]).unwrap();
            names[k] = new;
        }
        for _ in 0..1 + next() % 3 {
            let k = next() % docs;
            let text = format!("---\ntitle: Doc {k} v{c}\n---\n{body}");
            writeln!(
                s,
                "M 100644 inline {}\ndata {}\n{text}",
                names[k],
                text.len()
            )
            .unwrap();
        }
    }
    drop(s);
    assert!(child.wait().unwrap().success());
    git(dir, &["reset", "-q", "--hard"]);
}

fn main() {
    let docs = env_num("LORE_BENCH_DOCS", 3000);
    let commits = env_num("LORE_BENCH_COMMITS", 6000);
    let tmp = tempfile::tempdir().unwrap();
    // LORE_BENCH_REPO keeps the generated repository for repeated runs.
    let dir = match std::env::var_os("LORE_BENCH_REPO") {
        Some(d) => std::path::PathBuf::from(d),
        None => tmp.path().to_path_buf(),
    };
    let dir = dir.as_path();
    if !dir.join(".git").exists() {
        std::fs::create_dir_all(dir).unwrap();
        let t = Instant::now();
        generate(dir, docs, commits);
        println!(
            "generated {docs} documents, {commits} commits in {:.1?}",
            t.elapsed()
        );
    }
    let _ = std::fs::remove_dir_all(dir.join(".lore"));

    let t = Instant::now();
    let act = lore::store::git::activity(dir).unwrap();
    println!(
        "activity, cold (one walk, {} files): {:.1?}",
        act.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let act = lore::store::git::activity(dir).unwrap();
    println!(
        "activity, cached ({} files): {:.1?}",
        act.len(),
        t.elapsed()
    );

    // Unique text, so a kept repository gets a real commit on every run.
    let stamp = format!("{:?}", std::time::SystemTime::now());
    std::fs::write(
        dir.join("postmortems/doc-00001.md"),
        format!("---\ntitle: edited {stamp}\n---\n"),
    )
    .unwrap();
    git(
        dir,
        &[
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=b@example.com",
            "commit",
            "-q",
            "-am",
            "one more",
        ],
    );
    let t = Instant::now();
    let act = lore::store::git::activity(dir).unwrap();
    println!(
        "activity, after one new commit ({} files): {:.1?}",
        act.len(),
        t.elapsed()
    );

    let t = Instant::now();
    let h = lore::store::git::history(dir, Path::new("postmortems/doc-00001.md")).unwrap();
    println!(
        "history of one document ({} commits): {:.1?}",
        h.len(),
        t.elapsed()
    );

    let t = Instant::now();
    std::fs::write(
        dir.join("postmortems/doc-00002.md"),
        format!("---\ntitle: lore edit {stamp}\n---\n"),
    )
    .unwrap();
    let out = lore::store::git::commit_paths(
        dir,
        &["postmortems/doc-00002.md".into()],
        "postmortem: edit doc-00002",
    );
    println!(
        "commit_paths, one file ({:?}): {:.1?}",
        out.map(|_| "ok"),
        t.elapsed()
    );
}
