//! The businesses' rules and wire types, one folder each (`change`: 学籍维护 and 关键信息变更;
//! `problems`; `registration`). The generic modules at the top of the crate (the record, codes,
//! numbers, organisations, chains, calendars, the engine's wire types) never import them
//! (`backend/tests/layering.rs`).

pub mod change;
pub mod problems;
pub mod registration;
