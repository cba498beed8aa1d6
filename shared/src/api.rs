//! Request and response types of the HTTP API (`/api/v1`), shared by the browser client and the
//! server so both sides agree on the wire format.

use serde::{Deserialize, Serialize};

use crate::org::{Level, Role};

/// The one error envelope every failing API call returns.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `validation`, `unauthorized`.
    pub code: String,
    /// Human-readable message in Chinese.
    pub message: String,
    /// Per-field problems, when the request failed validation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// One invalid field: its name (as in the request) and the reason in Chinese.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

impl LoginRequest {
    pub const USERNAME_MAX_CHARS: usize = 64;
    pub const PASSWORD_MAX_BYTES: usize = 256;

    /// Every problem with the sign-in form at once (the sign-in page shows them before sending;
    /// the server refuses the same requests).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut fields = Vec::new();
        let username = self.username.trim();
        if username.is_empty() {
            fields.push(FieldError::new("username", "用户名不能为空"));
        } else if username.chars().count() > Self::USERNAME_MAX_CHARS {
            fields.push(FieldError::new("username", "用户名不能超过 64 个字符"));
        }
        if self.password.is_empty() {
            fields.push(FieldError::new("password", "密码不能为空"));
        } else if self.password.len() > Self::PASSWORD_MAX_BYTES {
            fields.push(FieldError::new("password", "密码不能超过 256 个字符"));
        }
        fields
    }
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    /// Short-lived bearer token for `Authorization: Bearer …`.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Opaque token exchanged at `/api/v1/auth/refresh` for a new pair; single use.
    pub refresh_token: String,
    pub account: Me,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// The signed-in account, its organisation and role.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org: OrgSummary,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSummary {
    pub id: i64,
    /// Organisation code: the region code for authorities, the 10-digit identifier for schools.
    pub code: String,
    pub name: String,
    pub level: Level,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(u: &str, p: &str) -> LoginRequest {
        LoginRequest {
            username: u.into(),
            password: p.into(),
        }
    }

    #[test]
    fn login_validation_reports_every_field() {
        let names = |r: LoginRequest| {
            r.validate()
                .into_iter()
                .map(|f| f.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(req(" ", "")), ["username", "password"]);
        assert_eq!(names(req("a", "")), ["password"]);
        assert_eq!(names(req(&"字".repeat(65), "x")), ["username"]);
        assert_eq!(names(req(&"字".repeat(64), "x")), Vec::<String>::new());
        assert_eq!(names(req("a", &"p".repeat(257))), ["password"]);
        assert!(req("hz-xh-1-registrar", "Xueji@2026").validate().is_empty());
    }
}
