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

/// A stored evidence file (佐证材料), referenced by its SHA-256.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceInfo {
    pub sha256: String,
    pub size: u64,
    pub mime: String,
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
