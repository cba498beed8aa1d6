//! Request and response types of the HTTP API (`/api/v1`), shared by the browser client and the
//! server so both sides agree on the wire format.

use serde::{Deserialize, Serialize};

use crate::org::{Level, Role, SchoolKind};
use crate::stage::Stage;

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

pub use crate::field::FieldError;

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
    /// The password must be changed before anything else: set by an administrator's reset,
    /// expired under the province's policy, or a password loan that has ended.
    #[serde(default)]
    pub password_change_required: bool,
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

// ───────────────────────────── organisations ─────────────────────────────

/// One organisation in the tree.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub level: Level,
    /// Schools only.
    pub school_kind: Option<SchoolKind>,
    pub region_code: Option<String>,
    pub address: Option<String>,
    /// Direct children (organisations below).
    pub child_count: u32,
}

/// Create an organisation directly below `parent_id` (its level is the parent's child level).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrg {
    pub parent_id: i64,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub school_kind: Option<SchoolKind>,
    #[serde(default)]
    pub address: Option<String>,
}

impl CreateOrg {
    /// Every problem, given the level the new organisation will have.
    pub fn validate(&self, level: Level) -> Vec<FieldError> {
        let mut f = Vec::new();
        if let Err(m) = crate::org::check_org_code(level, self.code.trim()) {
            f.push(FieldError::new("code", m));
        }
        check_org_name(&mut f, &self.name);
        match (level, self.school_kind) {
            (Level::School, None) => f.push(FieldError::new("school_kind", "请选择办学类型")),
            (Level::School, Some(_)) | (_, None) => {}
            (_, Some(_)) => f.push(FieldError::new("school_kind", "只有学校有办学类型")),
        }
        check_address(&mut f, self.address.as_deref());
        f
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateOrg {
    pub name: String,
    #[serde(default)]
    pub school_kind: Option<SchoolKind>,
    #[serde(default)]
    pub address: Option<String>,
}

impl UpdateOrg {
    pub fn validate(&self, level: Level) -> Vec<FieldError> {
        let mut f = Vec::new();
        check_org_name(&mut f, &self.name);
        if level == Level::School && self.school_kind.is_none() {
            f.push(FieldError::new("school_kind", "请选择办学类型"));
        }
        if level != Level::School && self.school_kind.is_some() {
            f.push(FieldError::new("school_kind", "只有学校有办学类型"));
        }
        check_address(&mut f, self.address.as_deref());
        f
    }
}

fn check_org_name(f: &mut Vec<FieldError>, name: &str) {
    let n = name.trim().chars().count();
    if n < 2 {
        f.push(FieldError::new("name", "机构名称至少 2 个字"));
    } else if n > 64 {
        f.push(FieldError::new("name", "机构名称不能超过 64 个字"));
    }
}

fn check_address(f: &mut Vec<FieldError>, address: Option<&str>) {
    if address.is_some_and(|a| a.chars().count() > 128) {
        f.push(FieldError::new("address", "地址不能超过 128 个字"));
    }
}

/// A class (班级) of a school.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassInfo {
    pub id: i64,
    pub school_id: i64,
    pub stage: Stage,
    /// Year within the stage, 1-based (小学一年级 = 1, 初中一年级 = 1).
    pub grade: u8,
    pub name: String,
    pub head_teacher: Option<String>,
    /// Planned number of places; may not exceed the effective class-size cap.
    pub capacity: u16,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpsertClass {
    pub stage: Stage,
    pub grade: u8,
    pub name: String,
    #[serde(default)]
    pub head_teacher: Option<String>,
    pub capacity: u16,
}

impl UpsertClass {
    /// Every problem, given the school's kind (which stages it teaches) and the stage lengths.
    pub fn validate(&self, kind: SchoolKind) -> Vec<FieldError> {
        let mut f = Vec::new();
        if !kind.stages().contains(&self.stage) {
            f.push(FieldError::new(
                "stage",
                format!("{}不设{}", kind.label(), self.stage.label()),
            ));
        }
        let max_grade = match self.stage {
            Stage::Primary => 6,
            Stage::Junior => 4,
            Stage::Senior => 3,
        };
        if self.grade == 0 || self.grade > max_grade {
            f.push(FieldError::new(
                "grade",
                format!("{}年级应在 1 到 {max_grade} 之间", self.stage.label()),
            ));
        }
        let n = self.name.trim().chars().count();
        if n == 0 || n > 32 {
            f.push(FieldError::new("name", "班级名称应为 1 到 32 个字"));
        }
        if self
            .head_teacher
            .as_deref()
            .is_some_and(|t| t.chars().count() > 32)
        {
            f.push(FieldError::new(
                "head_teacher",
                "班主任姓名不能超过 32 个字",
            ));
        }
        if self.capacity == 0 || self.capacity > 200 {
            f.push(FieldError::new(
                "capacity",
                "班级人数上限应在 1 到 200 之间",
            ));
        }
        f
    }
}

// ─────────────────────────────── accounts ───────────────────────────────

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org: OrgSummary,
    pub disabled: bool,
    /// Locked after too many wrong passwords, until this instant (RFC 3339).
    pub locked_until: Option<String>,
    pub must_change_password: bool,
    /// RFC 3339.
    pub password_changed_at: String,
    /// The current password loan, if any.
    pub loan: Option<PasswordLoan>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: i64,
    /// Initial password; the owner must change it at first sign-in.
    pub password: String,
}

impl CreateAccount {
    pub fn validate(&self, policy: &crate::account::PasswordPolicy) -> Vec<FieldError> {
        let mut f = Vec::new();
        if let Err(m) = crate::account::check_username(&self.username) {
            f.push(FieldError::new("username", m));
        }
        if let Err(m) = crate::account::check_display_name(&self.display_name) {
            f.push(FieldError::new("display_name", m));
        }
        f.extend(policy.check_password("password", &self.password, &self.username));
        f
    }
}

/// Fields left out are unchanged.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateAccount {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub disabled: Option<bool>,
}

/// An administrator sets a new password; the owner must change it at next sign-in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPassword {
    pub new_password: String,
}

/// The signed-in account changes its own password.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

impl ChangePassword {
    /// Problems the browser can see before sending: the new password under the policy, and that
    /// it differs from the current one. (Whether the current password is right only the server
    /// knows.)
    pub fn validate(
        &self,
        policy: &crate::account::PasswordPolicy,
        username: &str,
    ) -> Vec<FieldError> {
        let mut f = Vec::new();
        if self.current_password.is_empty() {
            f.push(FieldError::new("current_password", "请输入当前密码"));
        }
        let mut new = policy.check_password("new_password", &self.new_password, username);
        if new.is_empty() && self.new_password == self.current_password {
            new.push(FieldError::new("new_password", "新密码不能与当前密码相同"));
        }
        f.extend(new);
        f
    }
}

/// 密码出借登记: an administrator records that an account's password was lent.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordLoanRequest {
    pub lent_to: String,
    pub reason: String,
    /// Last day of the loan (YYYY-MM-DD); the owner must change the password after it.
    pub until: chrono::NaiveDate,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordLoan {
    pub lent_to: String,
    pub reason: String,
    pub until: chrono::NaiveDate,
    pub recorded_by: String,
    /// RFC 3339.
    pub recorded_at: String,
}

// ──────────────────────────────── audit ────────────────────────────────

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryInfo {
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    pub actor_username: Option<String>,
    pub actor_org_name: Option<String>,
    pub client_ip: Option<String>,
    /// Machine name, e.g. `account.create`.
    pub action: String,
    /// Chinese description of the action.
    pub action_label: String,
    pub object_type: String,
    pub object_id: Option<String>,
    /// JSON text of the values before and after, when the action changed something.
    pub before: Option<String>,
    pub after: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub items: Vec<AuditEntryInfo>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainBreakInfo {
    pub province_code: String,
    pub entry_id: i64,
    pub reason: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerifyReport {
    pub ok: bool,
    pub checked: u64,
    pub breaks: Vec<ChainBreakInfo>,
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
    fn change_password_validation() {
        let p = crate::account::PasswordPolicy::default();
        let req = |c: &str, n: &str| ChangePassword {
            current_password: c.into(),
            new_password: n.into(),
        };
        assert!(req("Old#Pass2026", "New#Pass2026")
            .validate(&p, "u")
            .is_empty());
        let same = req("Same#Pass2026", "Same#Pass2026").validate(&p, "u");
        assert_eq!(same.len(), 1);
        assert_eq!(same[0].message, "新密码不能与当前密码相同");
        let fields: Vec<_> = req("", "x")
            .validate(&p, "u")
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["current_password", "new_password"]);
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
