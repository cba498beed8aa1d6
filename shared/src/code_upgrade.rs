//! Records written before the code tables followed the national student form (issue 15) hold
//! codes that the form does not have. [`upgrade`] rewrites them to the form's codes where the
//! old code has one meaning in the new table; the migration `m20261202_000014_form_codes`
//! applies it to every stored record and every open request's record, once.
//!
//! Old → new (old tables: the project's before 2026-12-01; new: `crate::codes`, sources cited
//! there — the form's 指标解释及填报说明 and its replicas):
//! - 政治面貌 14 少先队员 → 13 群众 (GB/T 4762 has no 14; pupils are 群众 on the form).
//! - 健康状况 1/2/3/6 (健康或良好, 一般或较弱, 有慢性病, 残疾) → 10/20/30/50.
//! - 入学方式 1 就近入学, 2 相对就近入学, 3 派位 → 11 就近入学 (compulsory) or 21 普通入学
//!   (senior); 4 考试 → 12 义务教育阶段其他 or 21 统一招生考试; 5 推荐保送, 9 其他 → 12 or 99, by
//!   the record's stage (its grade; compulsory when it has none).
//! - 学生来源 3 其他 → 9.
//! - 残疾类型 9 其他残疾 → 8.
//! - 关系 5 其他亲属 → 9 其他 with 关系说明 其他亲属 (when the note is empty).
//!
//! Left as they are, because the old code has no single meaning on the form: 户口性质 3 居民户口
//! (the form has only 1 农业 and 2 非农业). Such a record shows the field's error when it is
//! next edited, naming the allowed values, and the registrar chooses.

use crate::record::StudentRecord;

fn senior(r: &StudentRecord) -> bool {
    r.grade.trim().starts_with('3')
}

/// Rewrite the record's old codes to the form's; `true` when anything changed.
pub fn upgrade(r: &mut StudentRecord) -> bool {
    let mut changed = false;
    let mut set = |field: &mut String, new: &str| {
        if field != new {
            *field = new.to_owned();
            changed = true;
        }
    };
    if r.political_status == "14" {
        set(&mut r.political_status, "13");
    }
    let health = match r.health_status.as_str() {
        "1" => Some("10"),
        "2" => Some("20"),
        "3" => Some("30"),
        "6" => Some("50"),
        _ => None,
    };
    if let Some(h) = health {
        set(&mut r.health_status, h);
    }
    let senior = senior(r);
    let entry = match (r.entry_mode.as_str(), senior) {
        ("1" | "2" | "3", false) => Some("11"),
        ("1" | "2" | "3" | "4", true) => Some("21"),
        ("4" | "5" | "9", false) => Some("12"),
        ("5" | "9", true) => Some("99"),
        _ => None,
    };
    if let Some(e) = entry {
        set(&mut r.entry_mode, e);
    }
    if r.student_source == "3" {
        set(&mut r.student_source, "9");
    }
    if r.disability_type == "9" {
        set(&mut r.disability_type, "8");
    }
    for m in &mut r.family_members {
        if m.relation == "5" {
            set(&mut m.relation, crate::codes::RELATION_OTHER);
            if m.relation_note.trim().is_empty() {
                set(&mut m.relation_note, "其他亲属");
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::FamilyMember;

    fn old() -> StudentRecord {
        StudentRecord {
            political_status: "14".into(),
            health_status: "6".into(),
            entry_mode: "3".into(),
            student_source: "3".into(),
            disability_type: "9".into(),
            grade: "21".into(),
            family_members: vec![FamilyMember {
                relation: "5".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn old_codes_become_the_forms() {
        let mut r = old();
        assert!(upgrade(&mut r));
        assert_eq!(r.political_status, "13");
        assert_eq!(r.health_status, "50");
        assert_eq!(r.entry_mode, "11");
        assert_eq!(r.student_source, "9");
        assert_eq!(r.disability_type, "8");
        assert_eq!(r.family_members[0].relation, "9");
        assert_eq!(r.family_members[0].relation_note, "其他亲属");
        // Each new code is in its table, and a second pass changes nothing.
        assert!(crate::codes::ENTRY_MODE.contains("11"));
        assert!(crate::codes::HEALTH_STATUS.contains("50"));
        assert!(!upgrade(&mut r));
    }

    #[test]
    fn entry_mode_follows_the_stage() {
        for (old_code, grade, new) in [
            ("1", "11", "11"),
            ("2", "24", "11"),
            ("4", "16", "12"),
            ("9", "", "12"),
            ("1", "31", "21"),
            ("4", "33", "21"),
            ("5", "32", "99"),
            ("9", "31", "99"),
        ] {
            let mut r = StudentRecord {
                entry_mode: old_code.into(),
                grade: grade.into(),
                ..Default::default()
            };
            upgrade(&mut r);
            assert_eq!(r.entry_mode, new, "{old_code} in grade {grade:?}");
        }
    }

    #[test]
    fn current_codes_and_unmappable_ones_stay() {
        let mut r = StudentRecord {
            political_status: "13".into(),
            health_status: "10".into(),
            entry_mode: "21".into(),
            grade: "31".into(),
            household_nature: "3".into(),
            ..Default::default()
        };
        let before = r.clone();
        assert!(!upgrade(&mut r));
        assert_eq!(r, before);
    }
}
