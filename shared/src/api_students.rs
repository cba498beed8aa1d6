//! Wire types for finding students and reading a student card (学籍卡).

use serde::{Deserialize, Serialize};

use crate::api::OrgSummary;
use crate::record::StudentRecord;

/// One line of a search result.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentSummary {
    pub id: i64,
    pub student_number: String,
    /// `G`, `J` or `L`.
    pub number_kind: String,
    pub name: String,
    /// Gender code (1 男, 2 女).
    pub gender: String,
    /// YYYY-MM-DD.
    pub birth_date: String,
    pub school_id: i64,
    pub school_name: String,
    pub status: String,
    /// An open problem record (问题学籍) concerns this student.
    pub has_problem: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentPage {
    pub items: Vec<StudentSummary>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// A number the student has held.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberHistory {
    pub number: String,
    pub kind: String,
    /// RFC 3339.
    pub assigned_at: String,
    pub retired_at: Option<String>,
    pub reason: String,
}

/// A problem record concerning the student.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemInfo {
    pub id: i64,
    /// `invalid_id`, `dup_with_id`, `dup_without_id`.
    pub kind: String,
    pub kind_label: String,
    /// `open` or `resolved`.
    pub state: String,
    /// The other record of a duplicate pair: its number and school (a duplicate names both
    /// sides, across jurisdictions).
    pub other_student_number: Option<String>,
    pub other_school_name: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// 学籍卡: the whole record, its numbers and its problems.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentCard {
    pub id: i64,
    pub student_number: String,
    pub number_kind: String,
    pub number_kind_label: String,
    pub status: String,
    pub school: OrgSummary,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub record: StudentRecord,
    pub numbers: Vec<NumberHistory>,
    pub problems: Vec<ProblemInfo>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

/// Chinese label of a problem kind.
pub fn problem_kind_label(kind: &str) -> &'static str {
    crate::problem::ProblemKind::parse(kind)
        .map(crate::problem::ProblemKind::label)
        .unwrap_or("其他问题")
}

/// A stored evidence file (佐证材料), referenced by its SHA-256.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceInfo {
    pub sha256: String,
    pub size: u64,
    pub mime: String,
}

/// One line of the problem-record queue (问题学籍). A duplicate pair names both sides, so both
/// schools — and their authorities — see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemSummary {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub state: String,
    pub state_label: String,
    /// The caller must act on it (its school, its authority, or the arbiter).
    pub awaiting_me: bool,
    pub student_id: i64,
    pub student_number: String,
    pub name: String,
    pub school_name: String,
    pub other_student_number: Option<String>,
    pub other_school_name: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// One side of a problem record: a student, its school and its authority.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemSideInfo {
    /// `a` (the record the problem was found on) or `b` (the record it duplicates).
    pub side: String,
    pub student_id: i64,
    pub student_number: String,
    /// `G`, `J` or `L`.
    pub number_kind: String,
    pub name: String,
    /// Gender code.
    pub gender: String,
    /// YYYY-MM-DD.
    pub birth_date: String,
    pub id_type: String,
    pub id_number: Option<String>,
    /// `active`, `deleted`, …
    pub status: String,
    pub school_name: String,
    pub authority_name: String,
    /// `xueji_shared::problem::SideState`.
    pub state: String,
    pub state_label: String,
    /// The caller may open this student's card (the record is in its jurisdiction).
    pub in_scope: bool,
}

/// One action the caller may take now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemAllowed {
    pub side: String,
    /// `evidence`, `change`, `delete`, `approve`, `return`, `keep`.
    pub action: String,
    pub label: String,
}

/// One action taken on a problem record.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemActionRecord {
    pub side: String,
    pub action: String,
    pub action_label: String,
    pub actor_org_name: String,
    pub reason: Option<String>,
    pub evidence: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub change: Option<crate::problem::IdentityChange>,
    /// RFC 3339.
    pub at: String,
}

/// A problem record with both sides, what the caller may do, and its history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemDetail {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    /// `open`, `arbitration`, `resolved`.
    pub state: String,
    pub state_label: String,
    pub sides: Vec<ProblemSideInfo>,
    /// The lowest common superior of the two authorities, once in arbitration.
    pub arbiter_name: Option<String>,
    pub resolution: Option<String>,
    pub allowed: Vec<ProblemAllowed>,
    pub history: Vec<ProblemActionRecord>,
    /// RFC 3339.
    pub created_at: String,
    pub resolved_at: Option<String>,
}

/// Delete a record (删除学籍): a temporary one by its authority; one with a formal number only by
/// the province, with evidence, where its switch allows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteStudentInput {
    pub reason: String,
    #[serde(default)]
    pub evidence: Vec<String>,
}
