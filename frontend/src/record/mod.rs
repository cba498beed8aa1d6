//! The student record in the browser, used by every business that shows or edits one: the
//! sectioned form generated from `xueji_shared::record::FIELDS` and validated as the user types
//! by the same `validate_all` the server runs (`form`), its view, and the form's data logic
//! (`logic`: the draft, values ↔ record, server errors onto fields).

pub mod form;
pub mod logic;
pub mod strings;
