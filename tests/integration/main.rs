//! The one integration-test binary: each module tests one area as a user would,
//! on fixture KBs copied to temp dirs with the user's git config shut out.

mod common;

mod cli;
mod drill;
mod git;
mod hardening;
mod import;
mod lifecycle;
mod lint;
mod search;
mod serve;
mod site;
mod site_incremental;
mod slo;
mod stats;
mod tui;
mod tui_incident;
