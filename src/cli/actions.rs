//! `lore actions`: action items across all postmortems.

use super::Format;
use crate::actions::{self, ActionFilter};
use crate::kb::Kb;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only items not done yet
    #[arg(long)]
    pub open: bool,
    /// Only items of this owner (with or without @)
    #[arg(long)]
    pub owner: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let kb = Kb::load(root)?;
    super::output::warn_unreadable(&kb);
    let today = crate::clock::today();
    if let Some(o) = &args.owner {
        let owners: Vec<String> = kb
            .docs
            .iter()
            .flat_map(|d| d.action_items.iter().filter_map(|a| a.owner.clone()))
            .collect();
        super::list::unseen_warning("owner", o, owners.iter());
    }
    let filter = ActionFilter {
        open_only: args.open,
        owner: args.owner,
    };
    let rows = actions::all(&kb, today, &filter);
    match args.format {
        Format::Json => super::output::json(&rows)?,
        Format::Table => {
            let mut t = super::output::Table::new(vec!["STATE", "DUE", "OWNER", "FROM", "ACTION"]);
            for r in &rows {
                let state = match (r.item.done, r.overdue) {
                    (true, _) => "done",
                    (false, true) => "OVERDUE",
                    (false, false) => "open",
                };
                t.row(vec![
                    state.into(),
                    r.item
                        .due
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "-".into()),
                    r.item
                        .owner
                        .as_deref()
                        .map(|o| format!("@{o}"))
                        .unwrap_or_else(|| "-".into()),
                    r.doc_id.clone(),
                    r.item.text.clone(),
                ]);
            }
            if t.is_empty() {
                super::output::note(format_args!("no action items match"));
            } else {
                t.print()?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
