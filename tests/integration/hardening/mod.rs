//! Hardening, tested as an attacker and a busy incident team would use lore:
//! links out of the KB, terminal escapes in every text, concurrent writers,
//! kills at every step, and inputs large enough to exhaust memory.

mod bounds;
mod concurrency;
mod crash;
mod disk;
mod git_trust;
mod symlinks;
mod terminal;
mod xss;
