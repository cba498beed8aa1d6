//! The full duplicate scan (全量查重): its run states and the rule that flags a student's ID as
//! wrong (问题学籍 类型一, seed 001 第一章 5).
//!
//! The scan itself (walking every student, grouping by duplicate key) is the server's
//! (`backend/src/scan.rs`); what a person can check on one record lives here, next to the
//! record rules it reuses.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{Gender, ID_TYPE_RESIDENT_CARD};
use crate::record::check_id_number;

/// Where a scan run stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanState {
    /// 正在查重
    Running,
    /// 已完成
    Done,
    /// 失败（或服务中断）
    Failed,
}

impl ScanState {
    pub const ALL: [ScanState; 3] = [Self::Running, Self::Done, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            ScanState::Running => "running",
            ScanState::Done => "done",
            ScanState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ScanState::Running => "正在查重",
            ScanState::Done => "已完成",
            ScanState::Failed => "未完成",
        }
    }
}

/// Who started a scan run.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanTrigger {
    /// 手动发起 (a province's or the ministry's registrar)
    Manual,
    /// 夜间自动 (the nightly job)
    Nightly,
}

impl ScanTrigger {
    pub const ALL: [ScanTrigger; 2] = [Self::Manual, Self::Nightly];

    pub fn as_str(self) -> &'static str {
        match self {
            ScanTrigger::Manual => "manual",
            ScanTrigger::Nightly => "nightly",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ScanTrigger::Manual => "手动发起",
            ScanTrigger::Nightly => "夜间自动",
        }
    }
}

/// Progress in whole percent (0–100) of `done` students checked out of `total`.
pub fn percent(done: u64, total: u64) -> u8 {
    if total == 0 {
        return if done == 0 { 0 } else { 100 };
    }
    let p = done.min(total).saturating_mul(100) / total;
    u8::try_from(p).unwrap_or(100)
}

/// Why a stored student's ID is wrong (身份证号错误), or `None` when it is not in question.
///
/// Only the resident identity card (居民身份证) can be checked without the public-security
/// service: the number must pass [`check_id_number`] (length, characters, birth date, region
/// code, check character, as of `today`) and its birth date and gender must be the record's —
/// the same rules a registration passes. A missing number for that type is wrong too. Other
/// document types are not judged here.
pub fn invalid_id_reason(
    id_type: &str,
    id_number: Option<&str>,
    gender_code: &str,
    birth_date: NaiveDate,
    today: NaiveDate,
) -> Option<String> {
    if id_type != ID_TYPE_RESIDENT_CARD {
        return None;
    }
    let number = id_number.map(str::trim).unwrap_or_default();
    match check_id_number(id_type, number, today) {
        Err(reason) => Some(reason),
        Ok(None) => Some("居民身份证号缺失".into()),
        Ok(Some(id)) => {
            if id.birth_date() != birth_date {
                Some(format!(
                    "身份证号中的出生日期（{}）与学籍的出生日期（{}）不一致",
                    id.birth_date().format("%Y-%m-%d"),
                    birth_date.format("%Y-%m-%d")
                ))
            } else if Gender::from_code(gender_code) != Some(id.gender()) {
                Some(format!(
                    "身份证号中的性别（{}）与学籍不一致",
                    id.gender().label()
                ))
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    const TODAY: (i32, u32, u32) = (2026, 11, 23);

    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1, TODAY.2)
    }

    // 11010519491231002X: a valid ID of a woman born 1949-12-31.
    const VALID: &str = "11010519491231002X";

    #[test]
    fn a_valid_matching_id_is_fine() {
        assert_eq!(
            invalid_id_reason("1", Some(VALID), "2", d(1949, 12, 31), today()),
            None
        );
    }

    #[test]
    fn wrong_check_character_length_and_missing_number_are_flagged() {
        let wrong = "110105194912310021";
        let r = invalid_id_reason("1", Some(wrong), "2", d(1949, 12, 31), today()).unwrap();
        assert!(r.contains("校验"), "{r}");
        assert!(invalid_id_reason("1", Some("123"), "2", d(1949, 12, 31), today()).is_some());
        assert!(invalid_id_reason("1", None, "2", d(1949, 12, 31), today()).is_some());
        assert!(invalid_id_reason("1", Some(" "), "2", d(1949, 12, 31), today()).is_some());
    }

    #[test]
    fn id_disagreeing_with_the_record_is_flagged() {
        let r = invalid_id_reason("1", Some(VALID), "2", d(1950, 1, 1), today()).unwrap();
        assert!(r.contains("出生日期"), "{r}");
        let r = invalid_id_reason("1", Some(VALID), "1", d(1949, 12, 31), today()).unwrap();
        assert!(r.contains("性别"), "{r}");
    }

    #[test]
    fn other_document_types_are_not_judged() {
        assert_eq!(
            invalid_id_reason("Z", None, "1", d(2015, 1, 1), today()),
            None
        );
        assert_eq!(
            invalid_id_reason("A", Some("bad"), "1", d(2015, 1, 1), today()),
            None
        );
    }

    #[test]
    fn future_birth_dates_in_the_id_are_wrong_as_of_today() {
        // Valid structure, but born after "today".
        let id = crate::citizen_id::compose(330106, d(2027, 1, 1), 123, d(2030, 1, 1)).unwrap();
        let later = d(2027, 6, 1);
        assert_eq!(
            invalid_id_reason("1", Some(id.as_str()), "1", d(2027, 1, 1), later),
            None
        );
        assert!(invalid_id_reason("1", Some(id.as_str()), "1", d(2027, 1, 1), today()).is_some());
    }

    #[test]
    fn percent_is_bounded() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(5, 0), 100);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(3, 3), 100);
        assert_eq!(percent(9, 3), 100);
    }

    #[test]
    fn states_and_triggers_round_trip() {
        for s in ScanState::ALL {
            assert_eq!(ScanState::parse(s.as_str()), Some(s));
        }
        for t in ScanTrigger::ALL {
            assert_eq!(ScanTrigger::parse(t.as_str()), Some(t));
        }
        assert_eq!(ScanState::parse("x"), None);
    }
}
