//! sea-orm entities, one module per table. Only the data layer (`crate::scope` and the
//! services) touches them; handlers speak `xueji_shared::api` types.

pub mod accounts;
pub mod audit_log;
pub mod calendar_days;
pub mod cap_settings;
pub mod classes;
pub mod controlled_fields;
pub mod identity_claims;
pub mod import_jobs;
pub mod organisations;
pub mod password_loans;
pub mod password_policies;
pub mod problem_actions;
pub mod problems;
pub mod province_switches;
pub mod refresh_tokens;
pub mod request_actions;
pub mod request_steps;
pub mod requests;
pub mod scan_runs;
pub mod step_tallies;
pub mod student_history;
pub mod student_numbers;
pub mod students;
