//! Charts on edge cases: no incidents, one month, missing timestamps.
