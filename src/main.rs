//! The `lore` binary: runs the command line and turns its result into an exit
//! code. Errors print as `lore: error: …`; a closed pipe exits quietly.

use std::process::ExitCode;

fn main() -> ExitCode {
    match lore::cli::run() {
        Ok(lore::cli::Outcome::Exit(code)) => code,
        Ok(lore::cli::Outcome::OpenTui(root)) => report(lore::tui::run(&root)),
        Err(e) => report(Err(e)),
    }
}

fn report(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(e) => {
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            let usage = e.chain().any(|c| c.is::<lore::cli::UsageError>());
            let mut msg = String::new();
            // A cause its wrapper already spells out is not said twice.
            for cause in e.chain() {
                let s = cause.to_string();
                if msg.contains(&s) {
                    continue;
                }
                if !msg.is_empty() {
                    msg.push_str(": ");
                }
                msg.push_str(&s);
            }
            // Error text names files and titles: cleaned for the terminal. A
            // failed write to stderr must not turn into a panic.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "lore: error: {}",
                lore::term::clean(&msg)
            );
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}
