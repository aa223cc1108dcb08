//! `lore serve`: a live preview of the site while a postmortem is written.
//! The site is built into a temporary folder and served on 127.0.0.1 only;
//! the KB is watched, the site rebuilt on each change (documents, `lore.toml`,
//! `templates/`, `site/`) and open pages reload themselves. The reload is a
//! script the server adds to each HTML page it sends: the exported site
//! itself has none.
//!
//! Nothing outside the built site is ever served: a request path is decoded,
//! any `..`, backslash or NUL refuses it, and the file found must resolve
//! inside the site folder. A request whose `Host` is not this server's own
//! address is refused, so a web page that rebinds a name to 127.0.0.1 cannot
//! read the preview (which holds drafts).

use super::{ExportOptions, Quiet};
use crate::error::{Error, Result};
use crate::kb::Kb;
use chrono::NaiveDate;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What to preview.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// 0 picks a free port.
    pub port: u16,
    /// Drafts are in the preview unless asked otherwise: they are what is
    /// being written.
    pub drafts: bool,
    pub today: NaiveDate,
}

/// A built site on a listening socket, not yet answering.
pub struct Preview {
    root: PathBuf,
    opts: ServeOptions,
    http: tiny_http::Server,
    port: u16,
    site: PathBuf,
    /// Removed when the preview ends.
    _dir: tempfile::TempDir,
    /// Bumped after each rebuild; open pages poll it.
    version: Arc<AtomicU64>,
    /// The KB the site was built from, until `run` takes it.
    kb: Option<Kb>,
}

/// The path under which the server answers for itself (never a site file:
/// the export writes no folder starting with `__`).
const OWN: &str = "/__lore/";

/// Threads answering requests.
const ANSWERERS: usize = 4;

/// Polls the version once a second and reloads the page when it changes.
const RELOAD_JS: &str = "(function(){var v=null;function poll(){fetch('/__lore/version',{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){if(v===null){v=t}else if(t!==v){location.reload();return}setTimeout(poll,1000)}).catch(function(){setTimeout(poll,2000)})}poll()})();\n";

impl Preview {
    /// Builds the site for the KB at `root` into a new temporary folder and
    /// binds 127.0.0.1:`port`.
    pub fn start(root: &Path, opts: ServeOptions) -> Result<Preview> {
        let dir = tempfile::Builder::new()
            .prefix("lore-serve-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let site = dir.path().join("site");
        let (kb, _) = build(Kb::load_cached(root)?, &site, &opts)?;
        let http = tiny_http::Server::http(("127.0.0.1", opts.port)).map_err(|e| {
            Error::Invalid(format!(
                "cannot listen on 127.0.0.1:{}: {e}{}",
                opts.port,
                if opts.port == 0 {
                    ""
                } else {
                    " (pass --port N, or --port 0 for any free port)"
                }
            ))
        })?;
        let port = http
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .unwrap_or(opts.port);
        Ok(Preview {
            root: root.to_path_buf(),
            opts,
            http,
            port,
            site,
            _dir: dir,
            version: Arc::new(AtomicU64::new(1)),
            kb: Some(kb),
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// The folder the site is built into.
    pub fn site(&self) -> &Path {
        &self.site
    }

    /// Answers requests and rebuilds on changes until `stop` is set. `log`
    /// gets one line per rebuild (or its error: the last good site stays).
    pub fn run(mut self, stop: &AtomicBool, log: impl Fn(String) + Send + 'static) -> Result<()> {
        let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
        let cfg = crate::config::Config::load(&self.root)?;
        let _watch = crate::watch::start(
            &self.root,
            crate::watch::Folders::of(&cfg, true),
            move |paths| {
                let _ = tx.send(paths);
            },
        )
        .map_err(|e| Error::Invalid(format!("cannot watch the KB: {e}")))?;
        let rebuilder = {
            let (root, site, opts) = (self.root.clone(), self.site.clone(), self.opts.clone());
            let version = Arc::clone(&self.version);
            // The KB of the last build: the next one reads only what changed.
            let mut last = self.kb.take();
            std::thread::spawn(move || {
                while let Ok(first) = rx.recv() {
                    // Changes that came in while the last build ran: one
                    // build for all of them (the watcher debounces the rest).
                    let mut changed = first;
                    while let Ok(more) = rx.try_recv() {
                        changed.extend(more);
                    }
                    changed.sort();
                    changed.dedup();
                    let t = Instant::now();
                    let loaded = match last.take() {
                        Some(kb) => kb.reload(),
                        None => Kb::load_cached(&root),
                    };
                    match loaded.and_then(|kb| build(kb, &site, &opts)) {
                        Ok((kb, r)) => {
                            version.fetch_add(1, Ordering::SeqCst);
                            log(format!(
                                "rebuilt {} documents in {} ms, {} read again, {} of {} pages rendered again ({})",
                                r.documents,
                                t.elapsed().as_millis(),
                                kb.files_read,
                                r.write.rendered,
                                r.write.rendered + r.write.kept,
                                shown(&changed)
                            ));
                            last = Some(kb);
                        }
                        Err(e) => log(format!("error: {e} (the preview keeps the last good site)")),
                    }
                }
            })
        };
        // A few threads answer, so one slow client does not hold up the
        // others. (tiny_http answers one connection's requests in order: a
        // client that pipelines and never reads still stalls its queue.)
        std::thread::scope(|scope| {
            for _ in 0..ANSWERERS {
                scope.spawn(|| {
                    while !stop.load(Ordering::SeqCst) {
                        match self.http.recv_timeout(Duration::from_millis(200)) {
                            Ok(Some(rq)) => self.answer(rq),
                            Ok(None) => {}
                            Err(_) => std::thread::sleep(Duration::from_millis(50)),
                        }
                    }
                });
            }
        });
        // Dropping the watch ends the rebuilder's channel.
        drop(_watch);
        let _ = rebuilder.join();
        Ok(())
    }

    fn answer(&self, rq: tiny_http::Request) {
        let host = rq
            .headers()
            .iter()
            .find(|h| h.field.equiv("Host"))
            .map(|h| h.value.as_str().to_string());
        let reply = reply(
            &self.site,
            self.port,
            rq.method().as_str(),
            rq.url(),
            host.as_deref(),
            self.version.load(Ordering::SeqCst),
        );
        let mut resp = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
        for (k, v) in [
            ("Content-Type", reply.content_type),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ] {
            if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                resp.add_header(h);
            }
        }
        let _ = rq.respond(resp);
    }
}

/// Exports `kb` into `site`; the KB back, for the next build to reuse.
fn build(kb: Kb, site: &Path, opts: &ServeOptions) -> Result<(Kb, super::ExportReport)> {
    let eopts = ExportOptions {
        out: site.to_path_buf(),
        base_url: String::new(),
        drafts: opts.drafts,
        today: opts.today,
    };
    let report = super::export(&kb, &eopts, &Quiet)?;
    Ok((kb, report))
}

fn shown(paths: &[PathBuf]) -> String {
    match paths {
        [] => "everything".into(),
        [one] => one.display().to_string(),
        [one, rest @ ..] => format!("{} and {} more", one.display(), rest.len()),
    }
}

/// One answer, decided without I/O beyond reading the site's files.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

fn plain(status: u16, text: &str) -> Reply {
    Reply {
        status,
        content_type: "text/plain; charset=utf-8",
        body: text.as_bytes().to_vec(),
    }
}

/// The answer to `method url` with `host`, for the site in `site`.
pub fn reply(
    site: &Path,
    port: u16,
    method: &str,
    url: &str,
    host: Option<&str>,
    version: u64,
) -> Reply {
    if let Some(h) = host
        && !own_host(h, port)
    {
        return plain(403, "lore serve answers only to 127.0.0.1 and localhost");
    }
    if method != "GET" && method != "HEAD" {
        return plain(405, "lore serve only reads");
    }
    let path = url.split(['?', '#']).next().unwrap_or("/");
    match path.strip_prefix(OWN) {
        Some("version") => return plain(200, &version.to_string()),
        Some("reload.js") => {
            return Reply {
                status: 200,
                content_type: "text/javascript; charset=utf-8",
                body: RELOAD_JS.as_bytes().to_vec(),
            };
        }
        Some(_) => return plain(404, "not found"),
        None => {}
    }
    let Some(file) = resolve(site, path) else {
        return not_found(site);
    };
    match std::fs::read(&file) {
        Ok(bytes) => {
            let content_type = content_type(&file);
            let body = if content_type.starts_with("text/html") {
                with_reload(&bytes)
            } else {
                bytes
            };
            Reply {
                status: 200,
                content_type,
                body,
            }
        }
        Err(_) => not_found(site),
    }
}

fn own_host(host: &str, port: u16) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let (name, ok_port) = match host.rsplit_once(':') {
        Some((n, p)) => (n, p.parse::<u16>().is_ok_and(|p| p == port)),
        None => (host.as_str(), true),
    };
    matches!(name, "127.0.0.1" | "localhost") && ok_port
}

fn not_found(site: &Path) -> Reply {
    let mut r = plain(404, "not found");
    r.body = format!(
        "<!doctype html><meta charset=utf-8><title>Not found</title><p>No such page in the preview. <a href=\"/\">The overview</a>.</p><p><small>{}</small></p>",
        site.display()
    )
    .into_bytes();
    r.content_type = "text/html; charset=utf-8";
    r
}

/// The site file a request path names, or `None` when it names nothing in
/// the site (or tries to leave it).
pub fn resolve(site: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let rel = Path::new(decoded.trim_start_matches('/'));
    if !rel
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    let mut file = site.join(rel);
    if decoded.ends_with('/') || file.is_dir() {
        file = file.join("index.html");
    }
    let real = file.canonicalize().ok()?;
    let base = site.canonicalize().ok()?;
    (real.starts_with(&base) && real.is_file()).then_some(real)
}

/// The page with the reload script added before `</body>` (or at the end).
fn with_reload(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{OWN}reload.js\"></script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/atom+xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let s = d.path().join("site");
        std::fs::create_dir_all(s.join("postmortems")).unwrap();
        std::fs::write(s.join("index.html"), "<html><body><p>hi</p></body></html>").unwrap();
        std::fs::write(s.join("postmortems/a b.html"), "<p>a</p>").unwrap();
        std::fs::write(d.path().join("secret.txt"), "outside").unwrap();
        std::os::unix::fs::symlink(d.path().join("secret.txt"), s.join("link.txt")).unwrap();
        d
    }

    #[test]
    fn only_files_inside_the_site_are_served() {
        let d = site();
        let s = d.path().join("site");
        assert!(resolve(&s, "/").is_some_and(|p| p.ends_with("index.html")));
        assert!(resolve(&s, "/postmortems/a%20b.html").is_some());
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/postmortems/..%2f..%2fsecret.txt",
            "/postmortems/%2e%2e%5csecret.txt",
            "/link.txt",
            "/%00index.html",
            "/nothing.html",
            "//etc/passwd",
        ] {
            assert_eq!(resolve(&s, bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_get_the_reload_script_and_other_hosts_are_refused() {
        let d = site();
        let s = d.path().join("site");
        let r = reply(&s, 4000, "GET", "/?q=1", Some("127.0.0.1:4000"), 3);
        assert_eq!(r.status, 200);
        let body = String::from_utf8(r.body).unwrap();
        assert!(
            body.contains("<script src=\"/__lore/reload.js\"></script></body>"),
            "{body}"
        );
        assert_eq!(
            reply(&s, 4000, "GET", "/__lore/version", None, 7).body,
            b"7"
        );
        for (method, url, host, want) in [
            ("GET", "/", Some("evil.example:4000"), 403),
            ("GET", "/", Some("localhost:4001"), 403),
            ("GET", "/", Some("127.0.0.1:abc"), 403),
            ("GET", "/", Some("LOCALHOST:4000"), 200),
            ("POST", "/", Some("localhost:4000"), 405),
            ("GET", "/../secret.txt", None, 404),
        ] {
            let got = reply(&s, 4000, method, url, host, 1).status;
            assert_eq!(got, want, "{method} {url} Host {host:?}");
        }
    }
}
