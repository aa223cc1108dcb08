//! `lore factors [rename OLD NEW | suggest ID]`: the taxonomy with counts, a
//! rename across the KB, factors suggested from a document's prose.

use crate::store::git::CommitOutcome;
use anyhow::Result;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::kb::Kb;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<FactorsAction>,
    #[arg(long, value_enum, default_value_t, global = true)]
    pub format: super::Format,
}

#[derive(clap::Subcommand, Debug)]
pub enum FactorsAction {
    /// Rename a factor id in lore.toml and every document, in one commit
    Rename { old: String, new: String },
    /// Suggest taxonomy factors from a document's prose, with the words that matched
    Suggest { id: String },
}

#[derive(serde::Serialize)]
struct Row<'a> {
    id: &'a str,
    name: &'a str,
    group: &'a str,
    count: usize,
    description: &'a str,
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    if let Some(FactorsAction::Suggest { id }) = &args.action {
        let kb = Kb::load(root)?;
        let doc = kb.find(id)?;
        let found = crate::import::suggest(&kb.config, doc);
        if args.format == super::Format::Json {
            super::output::json(&found)?;
            return Ok(ExitCode::SUCCESS);
        }
        let mut out = std::io::stdout().lock();
        if found.is_empty() {
            writeln!(
                out,
                "no factor stands out in the prose of {}",
                crate::term::Safe(&doc.id)
            )?;
        }
        for s in found {
            writeln!(
                out,
                "{:<24} {:>5.2}  matched: {}",
                s.factor,
                s.score,
                s.words.join(", ")
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(FactorsAction::Rename { old, new }) = args.action {
        let report = crate::rename::rename_factor(root, &old, &new)?;
        let mut out = std::io::stdout().lock();
        let verb = if report.merged { "merged" } else { "renamed" };
        let into = if report.merged { "into" } else { "to" };
        writeln!(
            out,
            "{verb} factor `{old}` {into} `{new}` in {} file(s):",
            report.files.len()
        )?;
        for f in &report.files {
            writeln!(out, "  {}", crate::term::clean_line(&f.to_string_lossy()))?;
        }
        match report.commit {
            CommitOutcome::Committed { id } => {
                writeln!(out, "committed {}", &id[..id.len().min(7)])?
            }
            CommitOutcome::Unchanged => {}
            CommitOutcome::NotVersioned => super::note_not_versioned(),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let kb = Kb::load(root)?;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &kb.docs {
        for f in &d.meta.factors {
            *counts.entry(f.as_str()).or_default() += 1;
        }
    }
    let rows: Vec<Row> = kb
        .config
        .factors
        .iter()
        .map(|f| Row {
            id: &f.id,
            name: &f.name,
            group: &f.group,
            count: counts.get(f.id.as_str()).copied().unwrap_or(0),
            description: &f.description,
        })
        .collect();
    match args.format {
        super::Format::Json => super::output::json(&rows)?,
        super::Format::Table => {
            let mut t = super::output::Table::new(vec!["GROUP", "ID", "COUNT", "NAME"]);
            for r in &rows {
                t.row(vec![
                    r.group.into(),
                    r.id.into(),
                    r.count.to_string(),
                    r.name.into(),
                ]);
            }
            t.print()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
