//! School stages (学段), grades (年级) and the per-province status-change switches.
//!
//! Rules (seed 001 第三章 1, 第四章 4; DESIGN.md businesses 5 and 8):
//! - Stages: primary 6 years (or 5 in the 五四制), junior 3 (or 4), senior 3.
//! - All non-graduating students move up one grade nationally at 24:00 on 10 August. The grade is
//!   therefore *derived*: from the school year in which the student's cohort entered grade 1 of
//!   the stage and the current school year. Promotion is the change of school year, not a
//!   rewrite of every record. Repeating a grade moves the cohort one year later, skipping one
//!   year earlier.
//! - The province decides per stage which status changes (异动) are allowed, and which need the
//!   authority's approval (需要学籍主管教育部门核办的).

use std::collections::BTreeSet;
use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// 学段.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 小学
    Primary,
    /// 初中
    Junior,
    /// 高中
    Senior,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Primary, Stage::Junior, Stage::Senior];

    /// Stored form, the same as the serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Primary => "primary",
            Stage::Junior => "junior",
            Stage::Senior => "senior",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Primary => "小学",
            Stage::Junior => "初中",
            Stage::Senior => "高中",
        }
    }
    /// Compulsory education (义务教育): primary and junior.
    pub fn is_compulsory(self) -> bool {
        !matches!(self, Stage::Senior)
    }
    /// First digit of the national grade code.
    fn code_digit(self) -> u8 {
        match self {
            Stage::Primary => 1,
            Stage::Junior => 2,
            Stage::Senior => 3,
        }
    }
    /// The stage that follows (primary → junior → senior).
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::Primary => Some(Stage::Junior),
            Stage::Junior => Some(Stage::Senior),
            Stage::Senior => None,
        }
    }
}

/// Length in years of each stage (学制).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageLengths {
    pub primary: u8,
    pub junior: u8,
    pub senior: u8,
}

impl Default for StageLengths {
    /// 六三三制.
    fn default() -> Self {
        StageLengths {
            primary: 6,
            junior: 3,
            senior: 3,
        }
    }
}

/// An impossible 学制.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("学制应为小学6年+初中3年或小学5年+初中4年，高中3年（当前{primary}+{junior}+{senior}）")]
pub struct StageLengthsError {
    pub primary: u8,
    pub junior: u8,
    pub senior: u8,
}

impl StageLengths {
    /// 六三制 or 五四制; senior always 3.
    pub fn new(primary: u8, junior: u8, senior: u8) -> Result<Self, StageLengthsError> {
        let ok = matches!((primary, junior), (6, 3) | (5, 4)) && senior == 3;
        if ok {
            Ok(StageLengths {
                primary,
                junior,
                senior,
            })
        } else {
            Err(StageLengthsError {
                primary,
                junior,
                senior,
            })
        }
    }
    pub fn years(&self, stage: Stage) -> u8 {
        match stage {
            Stage::Primary => self.primary,
            Stage::Junior => self.junior,
            Stage::Senior => self.senior,
        }
    }
}

/// A school year, named by the calendar year in which it starts (2025 = 2025–2026学年). It
/// starts at 00:00 on 11 August, right after the national promotion at 24:00 on 10 August.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SchoolYear(pub i32);

/// Month and day of the national promotion (升级): 24:00 on 10 August.
pub const PROMOTION_MONTH_DAY: (u32, u32) = (8, 10);

impl SchoolYear {
    /// The school year that `at` falls in.
    pub fn of(at: NaiveDateTime) -> SchoolYear {
        Self::of_date(at.date())
    }
    pub fn of_date(day: NaiveDate) -> SchoolYear {
        let (m, d) = PROMOTION_MONTH_DAY;
        if (day.month(), day.day()) > (m, d) {
            SchoolYear(day.year())
        } else {
            SchoolYear(day.year() - 1)
        }
    }
    /// The instant the school year begins (the promotion instant).
    pub fn start(self) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(self.0, 8, 11).and_then(|d| d.and_hms_opt(0, 0, 0))
    }
    pub fn label(self) -> String {
        format!("{}-{}学年", self.0, self.0 + 1)
    }
    pub fn next(self) -> SchoolYear {
        SchoolYear(self.0 + 1)
    }
}

impl fmt::Display for SchoolYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// A grade within a stage (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Grade {
    pub stage: Stage,
    pub year: u8,
}

const CN_NUM: [&str; 7] = ["零", "一", "二", "三", "四", "五", "六"];

impl Grade {
    /// National grade code: 11–16 primary, 21–24 junior, 31–33 senior.
    pub fn code(self) -> String {
        format!("{}{}", self.stage.code_digit(), self.year)
    }
    pub fn from_code(code: &str, lengths: &StageLengths) -> Option<Grade> {
        let b = code.as_bytes();
        if b.len() != 2 {
            return None;
        }
        let stage = match b[0] {
            b'1' => Stage::Primary,
            b'2' => Stage::Junior,
            b'3' => Stage::Senior,
            _ => return None,
        };
        let year = b[1].checked_sub(b'0')?;
        (1..=lengths.years(stage))
            .contains(&year)
            .then_some(Grade { stage, year })
    }
    /// E.g. `小学三年级`, `高中一年级`.
    pub fn label(self) -> String {
        let n = CN_NUM.get(self.year as usize).copied().unwrap_or("?");
        format!("{}{}年级", self.stage.label(), n)
    }
}

/// Where a cohort stands in a given school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "grade")]
pub enum GradePosition {
    /// The cohort has not yet entered the stage.
    NotStarted,
    InGrade(Grade),
    /// Past the last grade: due to graduate (or graduated).
    Completed,
}

/// The grade of a cohort that entered grade 1 of `stage` in school year `cohort`, during school
/// year `current`.
pub fn grade_of(
    lengths: &StageLengths,
    stage: Stage,
    cohort: SchoolYear,
    current: SchoolYear,
) -> GradePosition {
    let n = current.0 - cohort.0 + 1;
    if n < 1 {
        GradePosition::NotStarted
    } else if n > i32::from(lengths.years(stage)) {
        GradePosition::Completed
    } else {
        GradePosition::InGrade(Grade {
            stage,
            year: n as u8,
        })
    }
}

/// The cohort (entry school year) of a student who is in `grade` during `current`.
pub fn cohort_of(grade: Grade, current: SchoolYear) -> SchoolYear {
    SchoolYear(current.0 - i32::from(grade.year) + 1)
}

/// Whether the cohort is in the last grade of its stage (the graduating year) in `current`.
pub fn is_graduating(
    lengths: &StageLengths,
    stage: Stage,
    cohort: SchoolYear,
    current: SchoolYear,
) -> bool {
    matches!(grade_of(lengths, stage, cohort, current),
        GradePosition::InGrade(g) if g.year == lengths.years(stage))
}

/// Cohort after repeating a grade (留级): one year later.
pub fn cohort_after_repeat(cohort: SchoolYear) -> SchoolYear {
    SchoolYear(cohort.0 + 1)
}

/// Cohort after skipping a grade (跳级): one year earlier.
pub fn cohort_after_skip(cohort: SchoolYear) -> SchoolYear {
    SchoolYear(cohort.0 - 1)
}

/// Non-transfer status changes (学籍异动, seed 001 第二章 2 and the 2014 notice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusChange {
    /// 出境学习
    StudyAbroad,
    /// 休学
    Suspend,
    /// 复学
    Resume,
    /// 留级
    Repeat,
    /// 跳级
    Skip,
    /// 辍学
    DropOut,
    /// 死亡
    Death,
    /// 退学
    Withdraw,
    /// 开除
    Expel,
}

impl StatusChange {
    pub const ALL: [StatusChange; 9] = [
        StatusChange::StudyAbroad,
        StatusChange::Suspend,
        StatusChange::Resume,
        StatusChange::Repeat,
        StatusChange::Skip,
        StatusChange::DropOut,
        StatusChange::Death,
        StatusChange::Withdraw,
        StatusChange::Expel,
    ];
    pub fn label(self) -> &'static str {
        match self {
            StatusChange::StudyAbroad => "出境学习",
            StatusChange::Suspend => "休学",
            StatusChange::Resume => "复学",
            StatusChange::Repeat => "留级",
            StatusChange::Skip => "跳级",
            StatusChange::DropOut => "辍学",
            StatusChange::Death => "死亡",
            StatusChange::Withdraw => "退学",
            StatusChange::Expel => "开除",
        }
    }
    /// Whether the student stays enrolled (在校) after the change is completed.
    pub fn keeps_in_school(self) -> bool {
        matches!(
            self,
            StatusChange::Resume | StatusChange::Repeat | StatusChange::Skip
        )
    }
}

/// A province's switches (管理功能设置): which status changes are allowed in which stage, and
/// which need the authority's approval after the school's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusSwitches {
    pub primary: BTreeSet<StatusChange>,
    pub junior: BTreeSet<StatusChange>,
    pub senior: BTreeSet<StatusChange>,
    /// Changes the authority (区县) must approve after the school leader.
    pub authority_approval: BTreeSet<StatusChange>,
}

impl Default for StatusSwitches {
    /// National defaults: expulsion (开除) and withdrawal (退学) are not possible in compulsory
    /// education (义务教育法: no school may expel a compulsory-stage pupil); everything else is
    /// allowed. Every change except resuming (复学) needs the authority's approval.
    fn default() -> Self {
        let all: BTreeSet<StatusChange> = StatusChange::ALL.into_iter().collect();
        let compulsory: BTreeSet<StatusChange> = StatusChange::ALL
            .into_iter()
            .filter(|c| !matches!(c, StatusChange::Expel | StatusChange::Withdraw))
            .collect();
        StatusSwitches {
            primary: compulsory.clone(),
            junior: compulsory,
            senior: all.clone(),
            authority_approval: all
                .into_iter()
                .filter(|c| *c != StatusChange::Resume)
                .collect(),
        }
    }
}

/// A status change the province does not allow in this stage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("本省{}阶段不允许办理{}", stage.label(), change.label())]
pub struct StatusChangeNotAllowed {
    pub stage: Stage,
    pub change: StatusChange,
}

impl StatusSwitches {
    pub fn allowed(&self, stage: Stage) -> &BTreeSet<StatusChange> {
        match stage {
            Stage::Primary => &self.primary,
            Stage::Junior => &self.junior,
            Stage::Senior => &self.senior,
        }
    }
    pub fn check(&self, stage: Stage, change: StatusChange) -> Result<(), StatusChangeNotAllowed> {
        if self.allowed(stage).contains(&change) {
            Ok(())
        } else {
            Err(StatusChangeNotAllowed { stage, change })
        }
    }
    pub fn needs_authority(&self, change: StatusChange) -> bool {
        self.authority_approval.contains(&change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn school_year_turns_at_promotion() {
        assert_eq!(SchoolYear::of_date(d(2025, 8, 10)), SchoolYear(2024));
        assert_eq!(SchoolYear::of_date(d(2025, 8, 11)), SchoolYear(2025));
        assert_eq!(
            SchoolYear::of(d(2025, 8, 10).and_hms_opt(23, 59, 59).unwrap()),
            SchoolYear(2024)
        );
        assert_eq!(SchoolYear::of_date(d(2026, 3, 1)), SchoolYear(2025));
        assert_eq!(SchoolYear(2025).label(), "2025-2026学年");
        assert_eq!(SchoolYear(2025).to_string(), "2025-2026学年");
        assert_eq!(
            SchoolYear(2025).start(),
            d(2025, 8, 11).and_hms_opt(0, 0, 0)
        );
        assert_eq!(SchoolYear(2025).next(), SchoolYear(2026));
    }

    #[test]
    fn grade_is_derived_from_cohort() {
        let l = StageLengths::default();
        let g = |c, cur| grade_of(&l, Stage::Primary, SchoolYear(c), SchoolYear(cur));
        assert_eq!(g(2025, 2024), GradePosition::NotStarted);
        assert_eq!(
            g(2025, 2025),
            GradePosition::InGrade(Grade {
                stage: Stage::Primary,
                year: 1
            })
        );
        assert_eq!(
            g(2020, 2025),
            GradePosition::InGrade(Grade {
                stage: Stage::Primary,
                year: 6
            })
        );
        assert_eq!(g(2019, 2025), GradePosition::Completed);
        assert!(is_graduating(
            &l,
            Stage::Primary,
            SchoolYear(2020),
            SchoolYear(2025)
        ));
        assert!(!is_graduating(
            &l,
            Stage::Primary,
            SchoolYear(2021),
            SchoolYear(2025)
        ));
        // 五四制: primary has 5 grades, junior 4.
        let l54 = StageLengths::new(5, 4, 3).unwrap();
        assert_eq!(
            grade_of(&l54, Stage::Primary, SchoolYear(2020), SchoolYear(2025)),
            GradePosition::Completed
        );
        assert!(is_graduating(
            &l54,
            Stage::Junior,
            SchoolYear(2022),
            SchoolYear(2025)
        ));
        assert!(StageLengths::new(6, 4, 3).is_err());
        assert!(StageLengths::new(6, 3, 4)
            .unwrap_err()
            .to_string()
            .contains("学制"));
    }

    #[test]
    fn promotion_is_a_change_of_school_year() {
        let l = StageLengths::default();
        let cohort = SchoolYear(2023);
        let before = SchoolYear::of_date(d(2025, 8, 10));
        let after = SchoolYear::of_date(d(2025, 8, 11));
        assert_eq!(
            grade_of(&l, Stage::Junior, cohort, before),
            GradePosition::InGrade(Grade {
                stage: Stage::Junior,
                year: 2
            })
        );
        assert_eq!(
            grade_of(&l, Stage::Junior, cohort, after),
            GradePosition::InGrade(Grade {
                stage: Stage::Junior,
                year: 3
            })
        );
    }

    #[test]
    fn repeat_and_skip_adjust_the_cohort() {
        let l = StageLengths::default();
        let cur = SchoolYear(2025);
        let g3 = Grade {
            stage: Stage::Primary,
            year: 3,
        };
        let cohort = cohort_of(g3, cur);
        assert_eq!(cohort, SchoolYear(2023));
        let rep = cohort_after_repeat(cohort);
        assert_eq!(
            grade_of(&l, Stage::Primary, rep, cur),
            GradePosition::InGrade(Grade {
                stage: Stage::Primary,
                year: 2
            })
        );
        let skip = cohort_after_skip(cohort);
        assert_eq!(
            grade_of(&l, Stage::Primary, skip, cur),
            GradePosition::InGrade(Grade {
                stage: Stage::Primary,
                year: 4
            })
        );
    }

    #[test]
    fn grade_codes_and_labels() {
        let l = StageLengths::default();
        let g = Grade {
            stage: Stage::Senior,
            year: 1,
        };
        assert_eq!(g.code(), "31");
        assert_eq!(g.label(), "高中一年级");
        assert_eq!(
            Grade::from_code("16", &l),
            Some(Grade {
                stage: Stage::Primary,
                year: 6
            })
        );
        assert_eq!(Grade::from_code("24", &l), None);
        assert_eq!(
            Grade::from_code("24", &StageLengths::new(5, 4, 3).unwrap()),
            Some(Grade {
                stage: Stage::Junior,
                year: 4
            })
        );
        assert_eq!(Grade::from_code("10", &l), None);
        assert_eq!(Grade::from_code("41", &l), None);
        assert_eq!(Grade::from_code("1", &l), None);
        assert_eq!(Stage::Primary.next(), Some(Stage::Junior));
        assert_eq!(Stage::Senior.next(), None);
        assert!(Stage::Junior.is_compulsory() && !Stage::Senior.is_compulsory());
        for st in Stage::ALL {
            assert_eq!(Stage::parse(st.as_str()), Some(st));
            assert_eq!(
                serde_json::to_value(st).unwrap(),
                serde_json::Value::from(st.as_str())
            );
        }
        assert_eq!(Stage::parse("college"), None);
    }

    #[test]
    fn status_switches() {
        let s = StatusSwitches::default();
        assert!(s.check(Stage::Senior, StatusChange::Expel).is_ok());
        let e = s.check(Stage::Primary, StatusChange::Expel).unwrap_err();
        assert_eq!(e.to_string(), "本省小学阶段不允许办理开除");
        assert!(s.check(Stage::Junior, StatusChange::Withdraw).is_err());
        assert!(s.check(Stage::Junior, StatusChange::Suspend).is_ok());
        assert!(s.needs_authority(StatusChange::Suspend));
        assert!(!s.needs_authority(StatusChange::Resume));
        assert!(StatusChange::Repeat.keeps_in_school());
        assert!(!StatusChange::Death.keeps_in_school());
        for c in StatusChange::ALL {
            assert!(!c.label().is_empty());
        }
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<StatusSwitches>(&json).unwrap(), s);
    }
}
