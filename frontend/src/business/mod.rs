//! The businesses' pages, one folder each (their pages, API calls and strings); the generic
//! parts (the engine's inbox and request parts, the student record, the shell) sit below and
//! never import them.

pub mod change;
pub mod problems;
pub mod registration;
