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
    /// Chinese label of the status (在校, 休学, …).
    pub status_label: String,
    /// The current national grade code (11–16, 21–24, 31–33), derived from the cohort and
    /// today's school year; `None` when unknown or past the stage's last grade.
    pub grade: Option<String>,
    /// E.g. `小学三年级`, or `小学修业期满` past the last grade.
    pub grade_label: Option<String>,
    /// 班级 as on the record.
    pub class_name: Option<String>,
    /// An unresolved problem record (问题学籍) concerns this student.
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
    /// `open`, `arbitration` or `resolved`.
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
    pub status_label: String,
    /// The current grade (see [`StudentSummary::grade`]).
    pub grade: Option<String>,
    pub grade_label: Option<String>,
    pub class_name: Option<String>,
    pub school: OrgSummary,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub record: StudentRecord,
    pub numbers: Vec<NumberHistory>,
    pub problems: Vec<ProblemInfo>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

/// Student statuses (学籍状态): the stored code and its Chinese label. Registration makes a
/// student `active`; status changes (异动), transfers and graduation move it to the others.
pub const STUDENT_STATUSES: &[(&str, &str)] = &[
    ("active", "在校"),
    ("suspended", "休学"),
    ("abroad", "出境学习"),
    ("dropped_out", "辍学"),
    ("withdrawn", "退学"),
    ("expelled", "开除"),
    ("deceased", "死亡"),
    ("transferred_out", "转出"),
    ("graduated", "毕业"),
    ("completed", "结业"),
    ("deleted", "已删除"),
];

/// Chinese label of a student status, if it is one.
pub fn student_status_label(code: &str) -> Option<&'static str> {
    STUDENT_STATUSES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_have_distinct_codes_and_labels() {
        assert_eq!(student_status_label("active"), Some("在校"));
        assert_eq!(student_status_label("suspended"), Some("休学"));
        assert_eq!(student_status_label("studying"), None);
        for (i, (c, l)) in STUDENT_STATUSES.iter().enumerate() {
            assert!(STUDENT_STATUSES[i + 1..]
                .iter()
                .all(|(c2, l2)| c2 != c && l2 != l));
        }
    }
}
