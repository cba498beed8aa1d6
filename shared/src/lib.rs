//! xueji domain rules.
//!
//! Everything here is pure: no I/O, no clocks read implicitly, no global state. The same code
//! runs in the browser (wasm32) while a user types and on the server before every write, so a
//! phone and the server always reach the same verdict.
//!
//! The generic rules sit at the top (the record and its codes, numbers, organisations, chains,
//! calendars, caps, controlled fields, the engine's and the platform's wire types); each
//! business's rules and wire types live in [`business`]`::<name>`. Nothing at the top imports a
//! business (`backend/tests/layering.rs`).

pub mod account;
pub mod api;
pub mod api_config;
pub mod api_engine;
pub mod api_students;
pub mod business;
pub mod business_calendar;
pub mod calendar;
pub mod caps;
pub mod citizen_id;
pub mod code_upgrade;
pub mod codes;
pub mod controlled;
pub mod dedup;
pub mod field;
pub mod org;
pub mod record;
pub mod region;
pub mod stage;
pub mod student_number;
pub mod workflow;
