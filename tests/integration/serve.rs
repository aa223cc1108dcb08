//! `lore serve` end to end: start it on a free port, fetch pages over HTTP,
//! change a document and see the page change, try to read outside the site,
//! stop it with Ctrl-C (SIGINT).

use crate::common::{Sandbox, stderr};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A raw HTTP/1.1 GET (the path is sent as given, `..` included).
fn get(port: u16, path: &str, host: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "waited in vain for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn every_file_lacks(dir: &Path, needle: &str) {
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
            assert!(
                !text.contains(needle),
                "{} holds {needle}",
                e.path().display()
            );
        }
    }
}

#[test]
fn serve_previews_the_site_rebuilds_on_a_change_and_stops_on_ctrl_c() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    std::fs::write(kb.join(".gitignore"), ".lore/\npublic/\n").unwrap();
    sb.git_init_commit(&kb);
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("lore"));
    cmd.current_dir(&kb)
        .args(["serve", "--port", "0"])
        .env_remove("LORE_KB")
        .env("LORE_TODAY", "2026-12-01")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in sb.env() {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let port: u16 = first
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    assert!(first.contains("drafts included"), "{first}");
    let host = format!("127.0.0.1:{port}");

    let (status, index) = get(port, "/", &host);
    assert_eq!(status, 200);
    assert!(index.contains("<script src=\"/__lore/reload.js\"></script>"));
    let page = "/postmortems/2026-11-19-checkout-fraud-flag-latency.html";
    let (status, body) = get(port, page, &host);
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("Fraud flag preview title"));
    let (_, version) = get(port, "/__lore/version", &host);

    // Nothing outside the site, nothing for another host name.
    for bad in [
        "/../lore.toml",
        "/%2e%2e/lore.toml",
        "/..%2f..%2fetc/passwd",
        "/assets/../../lore.toml",
    ] {
        let (status, body) = get(port, bad, &host);
        assert_eq!(status, 404, "{bad}: {body}");
        assert!(
            !body.contains("[[factors]]") && !body.contains("root:"),
            "{bad}"
        );
    }
    assert_eq!(get(port, "/", "attacker.example").0, 403);

    // A responder edits the document: the version moves, the page shows it.
    let doc = kb.join("postmortems/2026-11-19-checkout-fraud-flag-latency.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    let title = text.lines().find(|l| l.starts_with("title:")).unwrap();
    std::fs::write(
        &doc,
        text.replacen(title, "title: Fraud flag preview title", 1),
    )
    .unwrap();
    wait_for("a rebuild", || {
        get(port, "/__lore/version", &host).1 != version
    });
    let (_, body) = get(port, page, &host);
    assert!(body.contains("Fraud flag preview title"), "{body}");

    // Ctrl-C stops it cleanly; the KB holds nothing new.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "serve did not stop"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{err}");
    assert!(err.contains("rebuilt") && err.contains("stopped"), "{err}");
    let built = err
        .split("the site is built in ")
        .nth(1)
        .and_then(|r| r.lines().next())
        .unwrap_or_else(|| panic!("{err}"));
    assert!(!Path::new(built).exists(), "{built} was left behind");
    assert_eq!(
        sb.git(&kb, &["status", "--porcelain"]),
        " M postmortems/2026-11-19-checkout-fraud-flag-latency.md\n"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "still listening"
    );

    // The exported site itself has no reload code.
    let out = sb.path("public");
    let export = sb
        .lore(&kb)
        .args(["export", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(export.status.success(), "{}", stderr(&export));
    every_file_lacks(&out, "__lore");
}
