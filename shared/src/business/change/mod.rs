//! 学籍维护 and 关键信息变更 (seed 001 第二章 1): the rules of an edit of a record — merge, what
//! the school may not edit, the field-level diff, the proof, what moved (`edit`; the route
//! itself is the generic `controlled::classify_edit`) — and the wire types (`api_change`).

pub mod api_change;
pub mod edit;
