//! A full disk and a read-only mount, for real: each case runs in its own
//! mount namespace (`unshare -Urm`) on a small tmpfs, so ENOSPC strikes at
//! every step of a save (the document's temporary file, git's objects, the
//! index, the branch) and nothing outside the test is touched. Where the
//! machine allows no mount namespace the tests say so and do nothing.

use crate::common::{Sandbox, stdout};
use std::path::Path;
use std::process::Command;

/// Whether this machine lets a test make its own mount namespace.
fn namespaces() -> bool {
    let ok = Command::new("unshare")
        .args(["-Urm", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: `unshare -Urm` is not permitted here, no disk fault can be staged");
    }
    ok
}

/// Runs `script` with bash inside a new user and mount namespace, with the
/// sandbox's environment, `$LORE` naming the binary and `$OUT` a folder
/// outside the namespace's mounts for results.
fn in_namespace(sb: &Sandbox, script: &str) -> std::process::Output {
    let out = sb.path("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(sb.path("mnt")).unwrap();
    let file = sb.path("case.sh");
    std::fs::write(&file, format!("set -u\n{script}")).unwrap();
    let mut c = Command::new("unshare");
    c.args(["-Urm", "bash"]).arg(&file);
    c.env("LORE", assert_cmd::cargo::cargo_bin("lore"))
        .env("OUT", &out)
        .env("MNT", sb.path("mnt"))
        .env_remove("LORE_KB");
    for (k, v) in sb.env() {
        c.env(k, v);
    }
    let o = c.output().expect("unshare runs");
    assert!(
        o.status.success(),
        "case script failed: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        stdout(&o)
    );
    o
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

/// Fills the tmpfs at `$MNT` so that exactly `$1` blocks stay free.
const LEAVE: &str = r#"
leave() {
  rm -f "$MNT/fill"
  dd if=/dev/zero of="$MNT/fill" bs=4096 2>/dev/null
  rm -f "$MNT/fill"
  local avail; avail=$(stat -f -c %a "$MNT")
  dd if=/dev/zero of="$MNT/fill" bs=4096 count=$((avail - $1)) 2>/dev/null
  true
}
"#;

/// The outcome of one write attempted on a full disk.
struct Attempt {
    step: usize,
    rc: i32,
    err: String,
}

fn attempts(out: &Path, prefix: &str, steps: usize) -> Vec<Attempt> {
    (0..steps)
        .map(|step| Attempt {
            step,
            rc: read(&out.join(format!("{prefix}{step}.rc")))
                .trim()
                .parse()
                .unwrap_or(-1),
            err: read(&out.join(format!("{prefix}{step}.err"))),
        })
        .collect()
}

/// Every failure is a clear error, never a panic, and says whether the
/// change reached the file.
fn check_attempt(a: &Attempt, what: &str) {
    assert!(
        a.rc == 0 || a.rc == 1,
        "{what} {}: exit {} {}",
        a.step,
        a.rc,
        a.err
    );
    assert!(!a.err.contains("panicked"), "{what} {}: {}", a.step, a.err);
    if a.rc == 1 {
        assert!(
            a.err.starts_with("lore: error: ") && a.err.contains("No space left on device"),
            "{what} {}: {}",
            a.step,
            a.err
        );
    }
}

#[test]
fn a_full_disk_at_every_step_of_a_save_loses_nothing_and_the_next_save_commits_all() {
    if !namespaces() {
        return;
    }
    let sb = Sandbox::new();
    let steps = 12;
    let script = format!(
        r#"{LEAVE}
mount -t tmpfs -o size=3m tmpfs "$MNT"
cd "$MNT" && "$LORE" init kb >/dev/null && cd kb
"$LORE" new postmortem --title "Disk full" --date 2024-05-01 --no-edit >/dev/null 2>&1
id=2024-05-01-disk-full
for k in $(seq 0 {last}); do
  leave $k
  "$LORE" timeline $id "entry $k" --at 2024-05-01T10:$(printf %02d $k):00Z >/dev/null 2>"$OUT/t$k.err"
  echo $? > "$OUT/t$k.rc"
  leave $k
  "$LORE" new postmortem --title "Full $k" --date 2024-05-02 --no-edit >/dev/null 2>"$OUT/n$k.err"
  echo $? > "$OUT/n$k.rc"
  ls postmortems > "$OUT/n$k.ls"
done
rm -f "$MNT/fill"
"$LORE" timeline $id "after the disk was freed" --at 2024-05-01T11:00:00Z >/dev/null 2>"$OUT/final.err"
echo $? > "$OUT/final.rc"
git add postmortems && git commit -q -m "the responder commits what lore left staged" >/dev/null 2>&1
git status --porcelain > "$OUT/status"
git fsck --strict >/dev/null 2>"$OUT/fsck.err"; echo $? > "$OUT/fsck.rc"
ls .git/index.lock .git/HEAD.lock .git/refs/heads/*.lock > "$OUT/locks" 2>/dev/null
cp postmortems/$id.md "$OUT/doc.md"
git show HEAD:postmortems/$id.md > "$OUT/head.md"
"$LORE" list --format json > "$OUT/list.json" 2>"$OUT/list.err"
cd / && umount "$MNT"
"#,
        last = steps - 1
    );
    in_namespace(&sb, &script);
    let out = sb.path("out");
    let doc = read(&out.join("doc.md"));
    let head = read(&out.join("head.md"));
    let timeline = attempts(&out, "t", steps);
    let mut lost_to_the_disk = 0;
    for a in &timeline {
        check_attempt(a, "timeline");
        let entry = format!("entry {}\n", a.step);
        let saved = a.rc == 0 || a.err.contains("saved but not committed");
        assert_eq!(
            doc.contains(&entry),
            saved,
            "step {}: the file and the message disagree: {}\n{doc}",
            a.step,
            a.err
        );
        if saved {
            assert!(
                head.contains(&entry),
                "step {}: not in HEAD\n{head}",
                a.step
            );
        } else {
            lost_to_the_disk += 1;
        }
    }
    // The sweep reached every stage: refused outright, saved uncommitted, committed.
    assert!(lost_to_the_disk > 0, "no step was refused before the write");
    assert!(
        timeline
            .iter()
            .any(|a| a.err.contains("saved but not committed"))
    );
    assert!(timeline.iter().any(|a| a.rc == 0));
    assert!(doc.contains("after the disk was freed"));
    assert_eq!(
        read(&out.join("final.rc")).trim(),
        "0",
        "{}",
        read(&out.join("final.err"))
    );

    for a in attempts(&out, "n", steps) {
        check_attempt(&a, "new");
        let listed = read(&out.join(format!("n{}.ls", a.step)));
        let file = format!("2024-05-02-full-{}.md", a.step);
        let saved = a.rc == 0 || a.err.contains("saved but not committed");
        assert_eq!(listed.contains(&file), saved, "new {}: {}", a.step, a.err);
    }
    assert_eq!(read(&out.join("status")), "", "git status after the heal");
    assert_eq!(
        read(&out.join("fsck.rc")).trim(),
        "0",
        "{}",
        read(&out.join("fsck.err"))
    );
    assert_eq!(read(&out.join("locks")), "", "a git lock was left behind");
    assert!(read(&out.join("list.json")).contains("Disk full"));
}

#[test]
fn an_export_that_runs_out_of_disk_leaves_the_previous_site_whole() {
    if !namespaces() {
        return;
    }
    let sb = Sandbox::new();
    let script = format!(
        r#"{LEAVE}
mount -t tmpfs -o size=6m tmpfs "$MNT"
cp -r "$SAMPLE" "$MNT/kb" && cd "$MNT/kb"
"$LORE" export --out "$MNT/site" >/dev/null 2>"$OUT/first.err" || exit 3
(cd "$MNT/site" && find . -type f | sort | xargs sha256sum) > "$OUT/first.sums"
i=0
for k in 0 8 32 64 128 256; do
  leave $k
  "$LORE" export --out "$MNT/site" >/dev/null 2>"$OUT/e$i.err"; echo $? > "$OUT/e$i.rc"
  rm -f "$MNT/fill"
  if [ "$(cat "$OUT/e$i.rc")" != 0 ]; then
    (cd "$MNT/site" && find . -type f | sort | xargs sha256sum) > "$OUT/e$i.sums"
  fi
  i=$((i+1))
done
"$LORE" export --out "$MNT/site" >/dev/null 2>"$OUT/last.err"; echo $? > "$OUT/last.rc"
ls -a "$MNT" > "$OUT/left"
cd / && umount "$MNT"
"#
    );
    let sample = sb.sample_kb();
    let script = script.replace("$SAMPLE", &sample.display().to_string());
    in_namespace(&sb, &script);
    let out = sb.path("out");
    let first = read(&out.join("first.sums"));
    assert!(
        first.contains("./index.html"),
        "{}",
        read(&out.join("first.err"))
    );
    let mut failed = 0;
    for a in attempts(&out, "e", 6) {
        check_attempt(&a, "export");
        if a.rc == 1 {
            failed += 1;
            assert_eq!(
                read(&out.join(format!("e{}.sums", a.step))),
                first,
                "export {} left a changed site: {}",
                a.step,
                a.err
            );
        }
    }
    assert!(failed > 0, "no export ran out of disk");
    assert_eq!(
        read(&out.join("last.rc")).trim(),
        "0",
        "{}",
        read(&out.join("last.err"))
    );
    let left = read(&out.join("left"));
    assert!(
        !left.lines().any(|l| l.contains("lore") && l != "kb"),
        "a staging folder was left: {left}"
    );
}

#[test]
fn on_a_read_only_mount_every_reader_works_and_every_writer_says_why_it_cannot() {
    if !namespaces() {
        return;
    }
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    sb.git_init_commit(&kb);
    // The index is built while the KB is writable, as a clone would have it.
    let built = sb.lore(&kb).args(["index", "--rebuild"]).output().unwrap();
    assert!(built.status.success());
    let script = format!(
        r#"
git -C "{kb}" status --porcelain > "$OUT/status.before"
mount --bind "{kb}" "$MNT" && mount -o remount,bind,ro "$MNT" || exit 3
cd "$MNT"
touch probe 2>/dev/null && exit 4
run() {{ name=$1; shift; "$LORE" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"; echo $? > "$OUT/$name.rc"; }}
run list list
run search search "dns"
run show show 2024-01-09-mobile-api-dns-ttl-migration
run lint lint
run stats stats
run export export --out "$OUT/site"
run timeline timeline 2024-01-09-mobile-api-dns-ttl-migration "an entry"
run new new postmortem --title "Read only" --no-edit
run action action add 2024-01-09-mobile-api-dns-ttl-migration "an item"
git status --porcelain > "$OUT/status"
cd / && umount "$MNT"
"#,
        kb = kb.display()
    );
    in_namespace(&sb, &script);
    let out = sb.path("out");
    let get = |n: &str, ext: &str| read(&out.join(format!("{n}.{ext}")));
    for reader in ["list", "search", "show", "stats", "export"] {
        assert_eq!(
            get(reader, "rc").trim(),
            "0",
            "{reader}: {}",
            get(reader, "err")
        );
    }
    // lint exits 1 on the sample's planted warnings only with --strict.
    assert_eq!(get("lint", "rc").trim(), "0", "{}", get("lint", "err"));
    assert!(get("search", "out").to_lowercase().contains("dns"));
    assert!(out.join("site/index.html").is_file());
    for writer in ["timeline", "new", "action"] {
        let err = get(writer, "err");
        assert_eq!(get(writer, "rc").trim(), "1", "{writer}: {err}");
        assert!(
            err.starts_with("lore: error: ") && err.contains("Read-only file system"),
            "{writer}: {err}"
        );
        assert!(!err.contains("panicked"), "{writer}: {err}");
    }
    assert_eq!(read(&out.join("status")), read(&out.join("status.before")));
}
