//! `lore serve`: the live preview (library: `site::serve`). Prints the
//! address, opens a browser with `--open`, stops cleanly on Ctrl-C.

use crate::site::serve::{Preview, ServeOptions};
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 4000)]
    pub port: u16,
    /// Open the preview in the default browser
    #[arg(long)]
    pub open: bool,
    /// Leave drafts out, as `lore export` does (the preview shows them by default)
    #[arg(long)]
    pub no_drafts: bool,
}

/// Set by SIGINT / SIGTERM.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let t = std::time::Instant::now();
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    // Installed before the first build, so Ctrl-C then still cleans up.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    let preview = Preview::start(
        root,
        ServeOptions {
            port: args.port,
            drafts: !args.no_drafts,
            today: crate::clock::today(),
        },
    )?;
    let url = preview.url();
    if STOP.load(Ordering::SeqCst) {
        super::output::note(format_args!("stopped"));
        return Ok(ExitCode::SUCCESS);
    }
    {
        use std::io::Write;
        let _ = writeln!(
            std::io::stdout(),
            "serving {url} (built in {} ms{}; Ctrl-C stops)",
            t.elapsed().as_millis(),
            if args.no_drafts {
                ""
            } else {
                ", drafts included"
            }
        );
    }
    super::output::note(format_args!(
        "watching {} for changes; open pages reload themselves; the site is built in {}",
        root.display(),
        preview.site().display()
    ));
    if args.open {
        open_browser(&url);
    }
    preview.run(&STOP, |line| super::output::note(format_args!("{line}")))?;
    super::output::note(format_args!("stopped"));
    Ok(ExitCode::SUCCESS)
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        super::output::note(format_args!(
            "warning: cannot run {opener}: {e}; open {url} yourself"
        ));
    }
}
