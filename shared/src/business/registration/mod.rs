//! 学籍注册: the request's wire types and the submission rules (`api_registration`: the
//! province's switch and window, the record rules of a kind), bulk registration's template and
//! row reader (`import`) and its job's wire types (`api_import`).

pub mod api_import;
pub mod api_registration;
pub mod import;
