//! xueji domain rules.
//!
//! Everything here is pure: no I/O, no clocks read implicitly, no global state. The same code
//! runs in the browser (wasm32) while a user types and on the server before every write, so a
//! phone and the server always reach the same verdict.

pub mod account;
pub mod api;
pub mod api_config;
pub mod api_engine;
pub mod api_import;
pub mod api_registration;
pub mod api_scan;
pub mod api_students;
pub mod business;
pub mod business_calendar;
pub mod calendar;
pub mod caps;
pub mod citizen_id;
pub mod codes;
pub mod controlled;
pub mod dedup;
pub mod field;
pub mod import;
pub mod org;
pub mod problem;
pub mod record;
pub mod region;
pub mod scan;
pub mod stage;
pub mod student_number;
pub mod workflow;
