//! The businesses' rules and wire types, one folder each. The generic modules at the top of the
//! crate (the record, codes, numbers, organisations, chains, calendars, the engine's wire types)
//! never import them (`backend/tests/layering.rs`).

pub mod problems;
pub mod registration;
