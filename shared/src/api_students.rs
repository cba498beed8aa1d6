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
    match kind {
        "invalid_id" => "身份证件校验未通过",
        "dup_with_id" => "疑似重复学籍（有身份证件号）",
        "dup_without_id" => "疑似重复学籍（无身份证件号）",
        _ => "其他问题",
    }
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
    pub student_id: i64,
    pub student_number: String,
    pub name: String,
    pub school_name: String,
    pub other_student_number: Option<String>,
    pub other_school_name: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}
