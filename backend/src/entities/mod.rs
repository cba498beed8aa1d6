//! sea-orm entities, one module per table. Only the data layer (`crate::scope` and the
//! services) touches them; handlers speak `xueji_shared::api` types.

pub mod accounts;
pub mod audit_log;
pub mod classes;
pub mod organisations;
pub mod password_loans;
pub mod password_policies;
pub mod refresh_tokens;
