//! `lore drill`: practise on a past incident (library: `crate::drill`; the
//! screen: `tui::drill`). `--plan` proposes what to drill next,
//! `--format markdown` prints a facilitator's sheet, otherwise the drill runs
//! in the terminal and is recorded in `drills/` with one commit.

use crate::drill::{self, PlanOptions};
use crate::kb::Kb;
use anyhow::Result;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrillFormat {
    Markdown,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The postmortem to drill (default: the first of the plan)
    pub id: Option<String>,
    /// Only postmortems of this service
    #[arg(long, value_name = "S")]
    pub service: Option<String>,
    /// Only postmortems with this contributing factor
    #[arg(long, value_name = "F")]
    pub factor: Option<String>,
    /// Breaks ties in the plan the same way each time
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// List the postmortems least drilled, stale runbooks first
    #[arg(long)]
    pub plan: bool,
    /// Print the facilitator's sheet instead of running the drill
    #[arg(long, value_enum)]
    pub format: Option<DrillFormat>,
    /// Who is drilling (default: your git user name)
    #[arg(long)]
    pub who: Option<String>,
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let kb = Kb::load(root)?;
    super::output::warn_unreadable(&kb);
    if let Some(f) = &args.factor {
        kb.config.check_factor(f).map_err(super::UsageError)?;
    }
    let opts = PlanOptions {
        service: args.service.clone(),
        factor: args.factor.clone(),
        seed: args.seed,
    };
    let today = crate::clock::today();
    let records = drill::records(root);
    let plan = drill::plan(&kb, &records, &opts, today);
    let mut out = std::io::stdout().lock();
    if args.plan {
        if plan.is_empty() {
            writeln!(out, "No published postmortem with a timeline matches.")?;
            return Ok(ExitCode::SUCCESS);
        }
        let mut t = super::output::Table::new(vec![
            "POSTMORTEM",
            "DRILLED",
            "LAST",
            "STALE RUNBOOKS",
            "TITLE",
        ]);
        for c in plan.iter().take(10) {
            t.row(vec![
                c.id.clone(),
                c.drilled.to_string(),
                c.last_drilled
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "never".into()),
                c.stale_runbooks.to_string(),
                c.title.clone(),
            ]);
        }
        drop(out);
        t.print()?;
        return Ok(ExitCode::SUCCESS);
    }
    let doc = match &args.id {
        Some(id) => kb.get(id).ok_or_else(|| crate::error::Error::UnknownId {
            id: id.clone(),
            suggestion: crate::config::did_you_mean(id, kb.docs.iter().map(|d| d.id.as_str())),
        })?,
        None => match plan.first().and_then(|c| kb.get(&c.id)) {
            Some(d) => d,
            None => {
                return Err(super::UsageError(
                    "no published postmortem with a timeline matches; name one: lore drill ID"
                        .into(),
                )
                .into());
            }
        },
    };
    let d = drill::from_doc(&kb.config, doc);
    if args.format == Some(DrillFormat::Markdown) {
        out.write_all(crate::term::clean(&drill::sheet(&d)).as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    drop(out);
    let title = doc.title.clone();
    let session = crate::tui::drill::run(d)?;
    if session.aborted {
        super::output::note(format_args!("drill abandoned (Ctrl-C): nothing recorded"));
        return Ok(ExitCode::SUCCESS);
    }
    let who = args
        .who
        .or_else(|| crate::store::git::user_name(root))
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "someone".into());
    let rec = drill::Record {
        postmortem: doc.id.clone(),
        date: today,
        who,
        steps_revealed: session.revealed.min(session.drill.steps.len()),
        notes: session.notes,
        path: Default::default(),
    };
    let stem = doc
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "drill".into());
    let rel = drill::save(root, &rec, &title, &stem)?;
    super::output::note(format_args!(
        "recorded {} ({} of {} steps, {} note{})",
        rel.display(),
        rec.steps_revealed,
        session.drill.steps.len(),
        rec.notes.len(),
        if rec.notes.len() == 1 { "" } else { "s" }
    ));
    Ok(ExitCode::SUCCESS)
}
