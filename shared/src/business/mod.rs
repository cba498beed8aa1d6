//! The businesses' rules and wire types, one folder each (`change`: 学籍维护 and 关键信息变更).
//! The generic modules at the top of the crate never import them.

pub mod change;
