//! Tests of writing the site.

use super::*;

fn page(path: &str, s: &str) -> Page {
    Page {
        path: path.into(),
        bytes: s.as_bytes().to_vec(),
    }
}

#[test]
fn second_export_links_unchanged_pages_and_drops_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let r = write_site(
        &out,
        &[
            page("a.html", "A"),
            page("x/b.html", "B"),
            page("gone.html", "G"),
        ],
    )
    .unwrap();
    assert_eq!(
        r,
        WriteReport {
            written: 3,
            unchanged: 0,
            kept: 0,
            rendered: 0
        }
    );
    let r = write_site(&out, &[page("a.html", "A"), page("x/b.html", "B2")]).unwrap();
    assert_eq!(
        r,
        WriteReport {
            written: 1,
            unchanged: 1,
            kept: 0,
            rendered: 0
        }
    );
    assert_eq!(std::fs::read_to_string(out.join("x/b.html")).unwrap(), "B2");
    assert!(!out.join("gone.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
}

#[test]
fn a_previous_folder_swapped_for_a_link_is_never_reused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&out, &[page("x/a.html", "A")]).unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("a.html"), "Z").unwrap();
    std::fs::remove_dir_all(out.join("x")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("x")).unwrap();
    let w = SiteWriter::create(&out).unwrap();
    assert!(!w.keep("x/a.html", 1).unwrap());
    w.write(&page("x/a.html", "A")).unwrap();
    let r = w.finish().unwrap();
    assert_eq!((r.written, r.unchanged), (1, 0));
    assert!(std::fs::symlink_metadata(out.join("x")).unwrap().is_dir());
    assert_eq!(std::fs::read_to_string(out.join("x/a.html")).unwrap(), "A");
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("a.html")).unwrap(),
        "Z"
    );
}

/// Exports `a.html` ("AAAA"), lets `tamper` change the old site, exports
/// the same page again; what the new site holds and whether it was kept.
fn after(tamper: impl FnOnce(&Path, &Path)) -> (String, WriteReport) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let w = SiteWriter::create(&out).unwrap();
    w.write_made(&page("x/a.html", "AAAA"), Some(7), vec![])
        .unwrap();
    w.finish().unwrap();
    tamper(&out, dir.path());
    let w = SiteWriter::create(&out).unwrap();
    if !w.keep("x/a.html", 7).unwrap() {
        w.write_made(&page("x/a.html", "AAAA"), Some(7), vec![])
            .unwrap();
    }
    let r = w.finish().unwrap();
    (std::fs::read_to_string(out.join("x/a.html")).unwrap(), r)
}

#[test]
fn an_old_page_is_kept_only_as_lore_wrote_it() {
    let (text, r) = after(|_, _| {});
    assert_eq!((text.as_str(), r.kept), ("AAAA", 1));
    // Edited in place to other bytes of the same size.
    let (text, r) = after(|out, _| std::fs::write(out.join("x/a.html"), "PWND").unwrap());
    assert_eq!((text.as_str(), r.kept, r.written), ("AAAA", 0, 1));
    // A file from elsewhere hard-linked in its place.
    let (text, r) = after(|out, dir| {
        std::fs::write(dir.join("secret"), "SCRT").unwrap();
        std::fs::remove_file(out.join("x/a.html")).unwrap();
        std::fs::hard_link(dir.join("secret"), out.join("x/a.html")).unwrap();
    });
    assert_eq!((text.as_str(), r.kept), ("AAAA", 0));
    // Its mode changed: the new site gets a new file's mode.
    let (_, r) = after(|out, _| {
        use std::os::unix::fs::PermissionsExt;
        let p = std::fs::Permissions::from_mode(0o4777);
        std::fs::set_permissions(out.join("x/a.html"), p).unwrap();
    });
    assert_eq!(r.kept, 0);
}

#[test]
fn a_marker_that_is_a_link_or_a_pipe_is_refused_and_nothing_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "keep").unwrap();
    std::fs::write(dir.path().join("other"), "{}").unwrap();
    std::os::unix::fs::symlink(dir.path().join("other"), out.join(MARKER)).unwrap();
    let err = write_site(&out, &[page("a.html", "A")]).unwrap_err();
    assert!(
        err.to_string().contains("a link or a special file"),
        "{err}"
    );
    std::fs::remove_file(out.join(MARKER)).unwrap();
    let fifo = std::ffi::CString::new(out.join(MARKER).to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let err = write_site(&out, &[page("a.html", "A")]).unwrap_err();
    assert!(
        err.to_string().contains("a link or a special file"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("precious.txt")).unwrap(),
        "keep"
    );
}

#[test]
fn a_page_made_from_the_same_values_is_kept_without_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let w = SiteWriter::create(&out).unwrap();
    w.write_made(&page("a.html", "A"), Some(7), vec!["b.md".into()])
        .unwrap();
    w.finish().unwrap();
    let w = SiteWriter::create(&out).unwrap();
    assert_eq!(w.old_links("a.html"), Some(&["b.md".to_string()][..]));
    assert!(!w.keep("a.html", 8).unwrap(), "other values");
    assert!(w.keep("a.html", 7).unwrap());
    let r = w.finish().unwrap();
    assert_eq!((r.written, r.unchanged, r.kept, r.rendered), (0, 1, 1, 0));
    assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "A");
    // What was kept is remembered for the next export.
    let w = SiteWriter::create(&out).unwrap();
    assert_eq!(w.old_links("a.html"), Some(&["b.md".to_string()][..]));
    assert!(w.keep("a.html", 7).unwrap());
}

#[test]
fn a_folder_of_other_files_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("precious.txt"), "keep").unwrap();
    let err = write_site(dir.path(), &[page("a.html", "A")]).unwrap_err();
    assert!(err.to_string().contains("not a lore export"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("precious.txt")).unwrap(),
        "keep"
    );
}

#[test]
fn a_page_outside_the_folder_fails_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&out, &[page("a.html", "A")]).unwrap();
    let err = write_site(&out, &[page("b.html", "B"), page("../x.html", "X")]).unwrap_err();
    assert!(
        err.to_string().contains("outside the output folder"),
        "{err}"
    );
    assert!(!dir.path().join("x.html").exists());
    assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "A");
}
