//! Wire types of problem-record handling (问题学籍): the queue, one record with both sides, what
//! the caller may do and its history; deleting a record.

use serde::{Deserialize, Serialize};

/// Chinese label of a problem kind.
pub fn problem_kind_label(kind: &str) -> &'static str {
    super::problem::ProblemKind::parse(kind)
        .map(super::problem::ProblemKind::label)
        .unwrap_or("其他问题")
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
    /// Chinese label of the state (处理中, 待共同上级仲裁, 已解决).
    #[serde(default)]
    pub state_label: String,
    /// The caller must act on it (its school, its authority, or the arbiter).
    #[serde(default)]
    pub awaiting_me: bool,
    pub student_id: i64,
    pub student_number: String,
    pub name: String,
    pub school_name: String,
    /// The student is in the caller's jurisdiction (its card can be opened).
    #[serde(default)]
    pub student_in_scope: bool,
    pub other_student_id: Option<i64>,
    /// The other student's name, only when it is in the caller's jurisdiction.
    #[serde(default)]
    pub other_name: Option<String>,
    pub other_student_number: Option<String>,
    pub other_school_name: Option<String>,
    /// The other student of a pair is in the caller's jurisdiction.
    #[serde(default)]
    pub other_in_scope: bool,
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
    /// `xueji_shared::business::problems::problem::SideState`.
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
    pub change: Option<super::problem::IdentityChange>,
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
    /// Sides (`a`, `b`) whose overdue authority step the caller may force (强制干预).
    #[serde(default)]
    pub force_sides: Vec<String>,
    /// Every step so far with its 10-working-day deadline.
    #[serde(default)]
    pub steps: Vec<crate::api_engine::StepRecord>,
    pub history: Vec<ProblemActionRecord>,
    /// RFC 3339.
    pub created_at: String,
    pub resolved_at: Option<String>,
}

/// One page of the problem-record queue, newest first, with the total.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemPage {
    pub total: u64,
    pub items: Vec<ProblemSummary>,
    /// Pass as `?cursor=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
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
