//! Where a student sits: grade (年级) and class (班级).
//!
//! A student row stores its stage and cohort — the school year in which its cohort entered
//! grade 1 of the stage — rather than a grade: every non-graduating student moves up one grade
//! nationally at 24:00 on 10 August (`xueji_shared::stage`), so the grade of any day follows
//! from the cohort and that day's school year, and promotion rewrites nothing. Searching by
//! grade turns the grade into a cohort; showing a student turns the cohort back into a grade.

use chrono::NaiveDate;
use sea_orm::Set;
use xueji_shared::record::{RecordRules, StudentRecord};
use xueji_shared::stage::{self, Grade, GradePosition, SchoolYear, Stage, StageLengths};

use crate::entities::{classes, students};

/// The widest 学制 (小学 6, 初中 4 under 五四制, 高中 3): every grade code a record may carry.
pub const ALL_GRADES: StageLengths = StageLengths {
    primary: 6,
    junior: 4,
    senior: 3,
};

/// The placement columns of a new student row, from its record on the day of registration:
/// `..grades::placement(record, rules)` completes a `students::ActiveModel`.
pub fn placement(record: &StudentRecord, rules: &RecordRules) -> students::ActiveModel {
    let grade = record.parsed_grade(&ALL_GRADES);
    let class = record.class_name.trim();
    students::ActiveModel {
        stage: Set(grade.map(|g| g.stage.as_str().to_owned())),
        cohort: Set(grade.map(|g| stage::cohort_of(g, SchoolYear::of_date(rules.today)).0)),
        class_name: Set((!class.is_empty()).then(|| class.chars().take(30).collect())),
        ..Default::default()
    }
}

/// The stage and cohort in grade `code` on `today`, or `None` for a code that is no grade.
pub fn cohort_in(code: &str, today: NaiveDate) -> Option<(Stage, i32)> {
    let g = Grade::from_code(code, &ALL_GRADES)?;
    Some((g.stage, stage::cohort_of(g, SchoolYear::of_date(today)).0))
}

/// The stage and cohort of a class's grade on `today` (classes are kept per grade).
pub fn cohort_of_class(class: &classes::Model, today: NaiveDate) -> Option<(Stage, i32)> {
    let stage = Stage::parse(&class.stage)?;
    let year = u8::try_from(class.grade).ok()?;
    cohort_in(&Grade { stage, year }.code(), today)
}

/// The grade of a stored placement on `today`: its code and label (`小学修业期满` past the last
/// grade of the stage under the default 学制; no code then).
pub fn current(
    stage: Option<&str>,
    cohort: Option<i32>,
    today: NaiveDate,
) -> (Option<String>, Option<String>) {
    let (Some(st), Some(cohort)) = (stage.and_then(Stage::parse), cohort) else {
        return (None, None);
    };
    match stage::grade_of(
        &StageLengths::default(),
        st,
        SchoolYear(cohort),
        SchoolYear::of_date(today),
    ) {
        GradePosition::InGrade(g) => (Some(g.code()), Some(g.label())),
        GradePosition::Completed => (None, Some(format!("{}修业期满", st.label()))),
        GradePosition::NotStarted => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn a_grade_is_a_cohort_and_back() {
        let spring = day("2026-03-01"); // school year 2025
        assert_eq!(cohort_in("13", spring), Some((Stage::Primary, 2023)));
        assert_eq!(cohort_in("24", spring), Some((Stage::Junior, 2022)));
        assert_eq!(cohort_in("17", spring), None);
        assert_eq!(cohort_in("x", spring), None);
        assert_eq!(
            current(Some("primary"), Some(2023), spring),
            (Some("13".into()), Some("小学三年级".into()))
        );
        // After 10 August the same cohort is one grade up.
        assert_eq!(
            current(Some("primary"), Some(2023), day("2026-08-11")).0,
            Some("14".into())
        );
        assert_eq!(
            current(Some("junior"), Some(2020), spring),
            (None, Some("初中修业期满".into()))
        );
        assert_eq!(current(None, Some(2020), spring), (None, None));
        assert_eq!(current(Some("x"), Some(2020), spring), (None, None));
    }

    #[test]
    fn placement_of_a_record() {
        let mut r = StudentRecord {
            grade: "14".into(),
            class_name: " 二班 ".into(),
            ..Default::default()
        };
        let rules = RecordRules::new(day("2026-03-01"));
        let p = placement(&r, &rules);
        assert_eq!(p.stage, Set(Some("primary".into())));
        assert_eq!(p.cohort, Set(Some(2022)));
        assert_eq!(p.class_name, Set(Some("二班".into())));
        r.grade = String::new();
        r.class_name = " ".into();
        let p = placement(&r, &rules);
        assert_eq!(p.stage, Set(None));
        assert_eq!(p.cohort, Set(None));
        assert_eq!(p.class_name, Set(None));
    }
}
