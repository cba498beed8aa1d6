//! 问题学籍处理: the state machine of a problem record (`problem`), its wire types
//! (`api_problems`), the full duplicate scan's rules (`scan`) and wire types (`api_scan`).

pub mod api_problems;
pub mod api_scan;
pub mod problem;
pub mod scan;
