//! `lore sync`: fetch the branch's remote with gix, fast-forward the branch and
//! the working tree when the remote is ahead, push with the system `git` when
//! the local branch is ahead (gix has no push). Never merges, never rewrites:
//! a diverged branch is reported with what to do.

use super::fastforward::fast_forward;
use super::{KbRepo, chain, git_err, short_hex};
use crate::error::{Error, Result};
use std::io::Write as _;
use std::path::Path;

/// What `sync` did, for the report to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOutcome {
    pub remote: String,
    pub branch: String,
    /// Commits taken from the remote by fast-forward.
    pub pulled: usize,
    /// Commits sent to the remote.
    pub pushed: usize,
    /// The commit the branch is at afterwards (short hex), if any.
    pub head: Option<String>,
}

/// Fetches, fast-forwards and pushes the current branch of the KB's repository.
pub fn sync(root: &Path) -> Result<SyncOutcome> {
    let kb = KbRepo::open(root)?
        .ok_or_else(|| Error::Git("the knowledge base is not in a git repository: nothing to sync (run `git init` and add a remote)".into()))?;
    let repo = &kb.repo;
    let head = repo.head().map_err(|e| git_err("cannot read HEAD", &e))?;
    let branch_ref = match &head.kind {
        gix::head::Kind::Symbolic(r) => r.name.as_bstr().to_string(),
        gix::head::Kind::Unborn(name) => name.as_bstr().to_string(),
        gix::head::Kind::Detached { target, .. } => {
            return Err(Error::Git(format!(
                "HEAD is detached at {}; switch to a branch (`git switch BRANCH`) before syncing",
                short_hex(target)
            )));
        }
    };
    let branch = branch_ref
        .strip_prefix("refs/heads/")
        .unwrap_or(&branch_ref)
        .to_string();
    let local = head.id().map(|id| id.detach());
    let cfg = repo.config_snapshot();
    let remote_name = match cfg.string(format!("branch.{branch}.remote").as_str()) {
        Some(r) => r.to_string(),
        None => {
            let names: Vec<String> = repo.remote_names().iter().map(|n| n.to_string()).collect();
            if names.iter().any(|n| n == "origin") {
                "origin".to_string()
            } else if let [only] = names.as_slice() {
                only.clone()
            } else if names.is_empty() {
                return Err(Error::Git(
                    "this repository has no remote to sync with; add one with `git remote add origin URL`".into(),
                ));
            } else {
                return Err(Error::Git(format!(
                    "branch `{branch}` has no upstream and there is no `origin`; set one with `git branch --set-upstream-to REMOTE/{branch}`"
                )));
            }
        }
    };
    let merge_ref = cfg
        .string(format!("branch.{branch}.merge").as_str())
        .map(|m| m.to_string())
        .unwrap_or_else(|| branch_ref.clone());

    let remote_tip = fetch(&kb, &remote_name, &branch_ref, &merge_ref)?;
    let mut out = SyncOutcome {
        remote: remote_name.clone(),
        branch: branch.clone(),
        pulled: 0,
        pushed: 0,
        head: local.map(|l| short_hex(&l)),
    };
    let mut now = local;
    if let Some(theirs) = remote_tip {
        let ours_is_ancestor = match local {
            None => true,
            Some(l) if l == theirs => false,
            Some(l) => merge_base(repo, l, theirs)? == Some(l),
        };
        let theirs_is_ancestor = local.is_some_and(|l| l == theirs)
            || match local {
                Some(l) => merge_base(repo, l, theirs)? == Some(theirs),
                None => false,
            };
        if ours_is_ancestor {
            out.pulled = count(repo, theirs, local)?;
            fast_forward(&kb, &branch_ref, local, theirs)?;
            now = Some(theirs);
        } else if !theirs_is_ancestor {
            let (ahead, behind) = match local {
                Some(l) => (count(repo, l, Some(theirs))?, count(repo, theirs, Some(l))?),
                None => (0, 0),
            };
            let n = |k: usize, what: &str| {
                format!("{k} {what} commit{}", if k == 1 { "" } else { "s" })
            };
            let (ahead, behind) = (n(ahead, "local"), n(behind, "remote"));
            return Err(Error::Git(format!(
                "branch `{branch}` and `{remote_name}/{branch}` have diverged ({ahead}, {behind}); \
                 lore never merges or rewrites on its own. Combine them with `git pull --rebase {remote_name} {branch}` \
                 (or `git pull --no-rebase` for a merge commit), resolve any conflicts, then run `lore sync` again"
            )));
        }
    }
    if let Some(n) = now
        && Some(n) != remote_tip
    {
        // A branch new to the remote: count what none of its branches has.
        let known = match remote_tip {
            Some(t) => vec![t],
            None => remote_branch_tips(repo, &remote_name),
        };
        out.pushed = count_beyond(repo, n, known)?;
        push(&kb, &remote_name, &branch_ref, &merge_ref)?;
    }
    out.head = now.map(|n| short_hex(&n));
    Ok(out)
}

/// Fetches `remote` and returns the commit its `merge_ref` points at, if the
/// remote has that branch. gix fetches over file, ssh and git URLs; for
/// http(s), which this build of gix does not speak, the system `git fetch`
/// does it and the answer is read from the remote-tracking branch.
fn fetch(
    kb: &KbRepo,
    remote_name: &str,
    branch_ref: &str,
    merge_ref: &str,
) -> Result<Option<gix::ObjectId>> {
    let repo = &kb.repo;
    let remote = repo
        .find_remote(remote_name)
        .map_err(|e| git_err(&format!("cannot read remote `{remote_name}`"), &e))?;
    let url = remote.url(gix::remote::Direction::Fetch).cloned();
    let shown = url
        .as_ref()
        .map(|u| u.to_bstring().to_string())
        .unwrap_or_default();
    if url
        .as_ref()
        .is_some_and(|u| matches!(u.scheme, gix::url::Scheme::Http | gix::url::Scheme::Https))
    {
        return fetch_with_git(kb, remote_name, &shown, branch_ref, merge_ref);
    }
    let failed = |e: &(dyn std::error::Error + 'static)| {
        Error::Git(format!(
            "cannot fetch from `{remote_name}` ({shown}): {}",
            chain(e)
        ))
    };
    let conn = remote
        .connect(gix::remote::Direction::Fetch)
        .map_err(|e| failed(&e))?;
    let outcome = conn
        .prepare_fetch(gix::progress::Discard, Default::default())
        .map_err(|e| failed(&e))?
        .receive(
            gix::progress::Discard,
            &std::sync::atomic::AtomicBool::new(false),
        )
        .map_err(|e| failed(&e))?;
    Ok(outcome
        .ref_map
        .mappings
        .iter()
        .find(|m| {
            m.remote
                .as_name()
                .is_some_and(|n| n == merge_ref.as_bytes())
        })
        .and_then(|m| m.remote.as_id().map(|id| id.to_owned())))
}

/// `git fetch REMOTE`, then the commit of the branch's remote-tracking ref.
fn fetch_with_git(
    kb: &KbRepo,
    remote_name: &str,
    shown: &str,
    branch_ref: &str,
    merge_ref: &str,
) -> Result<Option<gix::ObjectId>> {
    let out = std::process::Command::new("git")
        .args(["fetch", "--quiet", remote_name])
        .current_dir(&kb.workdir)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            Error::Git(format!(
                "fetching over http(s) needs the `git` command, which could not be run ({e})"
            ))
        })?;
    if !out.status.success() {
        return Err(Error::Git(format!(
            "`git fetch {remote_name}` ({shown}) failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    // A fresh handle: the fetch changed refs behind this process's back.
    let repo =
        gix::open(kb.repo.git_dir()).map_err(|e| git_err("cannot reopen the repository", &e))?;
    let configured = gix::refs::FullName::try_from(branch_ref)
        .ok()
        .and_then(|b| {
            repo.branch_remote_tracking_ref_name(b.as_ref(), gix::remote::Direction::Fetch)
        })
        .and_then(|r| r.ok())
        .map(|n| n.as_bstr().to_string());
    let tracking = configured.unwrap_or_else(|| {
        let short = merge_ref.strip_prefix("refs/heads/").unwrap_or(merge_ref);
        format!("refs/remotes/{remote_name}/{short}")
    });
    let found = repo
        .try_find_reference(tracking.as_str())
        .map_err(|e| git_err(&format!("cannot read `{tracking}`"), &e))?;
    match found {
        Some(mut r) => Ok(Some(
            r.peel_to_id()
                .map_err(|e| git_err(&format!("cannot read `{tracking}`"), &e))?
                .detach(),
        )),
        None => Ok(None),
    }
}

fn merge_base(
    repo: &gix::Repository,
    a: gix::ObjectId,
    b: gix::ObjectId,
) -> Result<Option<gix::ObjectId>> {
    Ok(repo
        .merge_base(a, b)
        .map_err(|e| git_err("cannot compare the local and remote branches", &e))?
        .map(|id| id.detach()))
}

/// Commits reachable from `tip` and not from `base`.
fn count(repo: &gix::Repository, tip: gix::ObjectId, base: Option<gix::ObjectId>) -> Result<usize> {
    count_beyond(repo, tip, base)
}

/// The commits of the remote-tracking branches of `remote`.
fn remote_branch_tips(repo: &gix::Repository, remote: &str) -> Vec<gix::ObjectId> {
    let prefix = format!("refs/remotes/{remote}/");
    let Ok(refs) = repo.references() else {
        return Vec::new();
    };
    let Ok(iter) = refs.prefixed(prefix.as_str()) else {
        return Vec::new();
    };
    iter.filter_map(|r| r.ok())
        .filter_map(|mut r| r.peel_to_id().ok().map(|id| id.detach()))
        .collect()
}

/// Commits reachable from `tip` and from none of `hidden`.
fn count_beyond(
    repo: &gix::Repository,
    tip: gix::ObjectId,
    hidden: impl IntoIterator<Item = gix::ObjectId>,
) -> Result<usize> {
    let walk = repo
        .rev_walk([tip])
        .with_hidden(hidden)
        .all()
        .map_err(|e| git_err("cannot walk the history", &e))?;
    Ok(walk.filter(|r| r.is_ok()).count())
}

/// Pushes the branch with the system `git` (gix cannot push yet).
fn push(kb: &KbRepo, remote: &str, branch_ref: &str, merge_ref: &str) -> Result<()> {
    let out = std::process::Command::new("git")
        .arg("push")
        .arg("--porcelain")
        .arg(remote)
        .arg(format!("{branch_ref}:{merge_ref}"))
        .current_dir(&kb.workdir)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| Error::Git(format!("pushing needs the `git` command, which could not be run ({e}); install git or push by hand")))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        return Err(Error::Git(format!(
            "`git push {remote}` failed: {}",
            msg.trim()
        )));
    }
    let _ = std::io::stderr().flush();
    Ok(())
}
