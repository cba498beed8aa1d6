//! The one shape of a field-level problem, used by every rule and by the error envelope. Below
//! every other module of the crate (rules and wire types both use it).

use serde::{Deserialize, Serialize};

/// One invalid field: its name (as in the request) and the reason in Chinese.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}
