//! lore: a team's reliability knowledge — blameless postmortems and runbooks as
//! Markdown in git, searched with Tantivy and exported as a static site.
//!
//! Data flows one way: `doc` (parse) → `store` (files, git) → `kb` (all
//! documents) → `index`, `lint`, `stats`, `site`; `cli` and `tui` sit on top.

pub mod actions;
pub mod change;
pub mod cli;
pub mod clock;
pub mod config;
pub mod doc;
pub mod draft;
pub mod drill;
pub mod editor;
pub mod error;
pub mod import;
pub mod index;
pub mod init;
pub mod kb;
pub mod lifecycle;
pub mod lint;
pub mod record;
pub mod rename;
pub mod similar;
pub mod site;
pub mod slo;
pub mod stats;
pub mod store;
pub mod term;
pub mod tui;
pub mod watch;
pub mod width;
pub mod words;

pub use error::{Error, Result};
