//! Controlled fields (受控字段) and how an edit of a record is routed.
//!
//! Rule (seed 001 第二章 1 and 第四章 2; DESIGN.md business 4): each authority level adds or
//! removes its own controlled fields and sees its superiors'. The fields controlled for a school
//! are the union of every level above it, plus the identity fields that always need proof (ID
//! type, ID number, name, gender, birth date). Editing an uncontrolled field is direct; editing a
//! controlled one needs a change request with proof, approved by the school and its authority.
//! Identity changes need household-registration proof (户籍部门证明) and trigger an automatic
//! duplicate check. A graduate's basic data is frozen.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::org::Level;
use crate::record::{StudentRecord, FIELDS};

/// Identity fields: always controlled, need household-registration proof and a duplicate check.
pub const IDENTITY_FIELDS: [&str; 5] = ["id_type", "id_number", "name", "gender", "birth_date"];

/// Why a controlled-field setting or an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlledError {
    #[error("“{0}”不是学生基本信息字段")]
    UnknownField(String),
    #[error("学校不能设置受控字段")]
    SchoolCannotControl,
    #[error("毕业或结业学生的基本信息不能修改")]
    Frozen,
    #[error("没有修改任何信息")]
    NoChange,
}

/// Checks the field names a level wants to control.
pub fn check_setting(level: Level, fields: &BTreeSet<String>) -> Result<(), ControlledError> {
    if level == Level::School {
        return Err(ControlledError::SchoolCannotControl);
    }
    match fields
        .iter()
        .find(|f| !FIELDS.iter().any(|s| s.field == f.as_str()))
    {
        Some(f) => Err(ControlledError::UnknownField(f.clone())),
        None => Ok(()),
    }
}

/// The fields controlled for a school: the union of the sets of the levels above it, plus
/// [`IDENTITY_FIELDS`].
pub fn controlled_for_school<'a>(
    levels: impl IntoIterator<Item = &'a BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut all: BTreeSet<String> = IDENTITY_FIELDS.iter().map(|s| s.to_string()).collect();
    for set in levels {
        all.extend(set.iter().cloned());
    }
    all
}

/// How an edit goes through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "route")]
pub enum EditRoute {
    /// Only uncontrolled fields changed: the school saves directly (学籍维护).
    Direct,
    /// At least one controlled field changed: a key-field change request (关键信息变更) with
    /// proof, approved by the school leader and the authority.
    ChangeRequest {
        /// The identity fields need the household-registration office's proof.
        household_proof: bool,
    },
}

/// The verdict on an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditDecision {
    /// Every changed field, in form order.
    pub changed: Vec<&'static str>,
    /// The changed fields that are controlled.
    pub controlled: Vec<&'static str>,
    pub route: EditRoute,
    /// An identity field changed: run the duplicate check (查重).
    pub duplicate_check: bool,
}

/// The serde field names whose values differ between two records, in form order.
pub fn changed_fields(before: &StudentRecord, after: &StudentRecord) -> Vec<&'static str> {
    let (a, b) = match (serde_json::to_value(before), serde_json::to_value(after)) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return Vec::new(),
    };
    FIELDS
        .iter()
        .map(|s| s.field)
        .filter(|f| a.get(f) != b.get(f))
        .collect()
}

/// Decides how an edit from `before` to `after` goes through, given the controlled set (see
/// [`controlled_for_school`]) and whether the student has graduated (frozen).
pub fn classify_edit(
    before: &StudentRecord,
    after: &StudentRecord,
    controlled: &BTreeSet<String>,
    frozen: bool,
) -> Result<EditDecision, ControlledError> {
    let changed = changed_fields(before, after);
    if changed.is_empty() {
        return Err(ControlledError::NoChange);
    }
    if frozen {
        return Err(ControlledError::Frozen);
    }
    let ctl: Vec<&'static str> = changed
        .iter()
        .copied()
        .filter(|f| controlled.contains(*f) || IDENTITY_FIELDS.contains(f))
        .collect();
    let identity = ctl.iter().any(|f| IDENTITY_FIELDS.contains(f));
    let route = if ctl.is_empty() {
        EditRoute::Direct
    } else {
        EditRoute::ChangeRequest {
            household_proof: identity,
        }
    };
    Ok(EditDecision {
        changed,
        controlled: ctl,
        route,
        duplicate_check: identity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::valid_record;

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn union_of_levels_plus_identity() {
        let province = set(&["ethnic_group"]);
        let city = set(&["household_place"]);
        let county = set(&["ethnic_group", "grade"]);
        let all = controlled_for_school([&province, &city, &county]);
        assert_eq!(
            all,
            set(&[
                "birth_date",
                "ethnic_group",
                "gender",
                "grade",
                "household_place",
                "id_number",
                "id_type",
                "name"
            ])
        );
        assert_eq!(controlled_for_school([]), set(&IDENTITY_FIELDS));
    }

    #[test]
    fn setting_rules() {
        assert_eq!(
            check_setting(Level::Province, &set(&["ethnic_group"])),
            Ok(())
        );
        assert_eq!(
            check_setting(Level::County, &set(&["shoe_size"])),
            Err(ControlledError::UnknownField("shoe_size".into()))
        );
        assert_eq!(
            check_setting(Level::School, &set(&[])),
            Err(ControlledError::SchoolCannotControl)
        );
    }

    #[test]
    fn uncontrolled_edit_is_direct() {
        let before = valid_record();
        let mut after = before.clone();
        after.phone = "13900139000".into();
        after.specialty = "围棋".into();
        let d = classify_edit(&before, &after, &controlled_for_school([]), false).unwrap();
        assert_eq!(d.changed, vec!["specialty", "phone"]);
        assert!(d.controlled.is_empty());
        assert_eq!(d.route, EditRoute::Direct);
        assert!(!d.duplicate_check);
    }

    #[test]
    fn controlled_edit_needs_a_request() {
        let before = valid_record();
        let mut after = before.clone();
        after.ethnic_group = "01".into();
        after.phone = "13900139000".into();
        let ctl = controlled_for_school([&set(&["ethnic_group"])]);
        let d = classify_edit(&before, &after, &ctl, false).unwrap();
        assert_eq!(d.controlled, vec!["ethnic_group"]);
        assert_eq!(
            d.route,
            EditRoute::ChangeRequest {
                household_proof: false
            }
        );
        assert!(!d.duplicate_check);
    }

    #[test]
    fn identity_edit_needs_household_proof_and_duplicate_check() {
        let before = valid_record();
        let mut after = before.clone();
        after.name = "阿依古丽".into();
        let d = classify_edit(&before, &after, &BTreeSet::new(), false).unwrap();
        assert_eq!(d.controlled, vec!["name"]);
        assert_eq!(
            d.route,
            EditRoute::ChangeRequest {
                household_proof: true
            }
        );
        assert!(d.duplicate_check);
        assert_eq!(
            serde_json::to_value(&d.route).unwrap()["route"],
            "change_request"
        );
    }

    #[test]
    fn frozen_and_no_change() {
        let before = valid_record();
        let mut after = before.clone();
        assert_eq!(
            classify_edit(&before, &after, &BTreeSet::new(), false),
            Err(ControlledError::NoChange)
        );
        after.phone = "13900139000".into();
        let e = classify_edit(&before, &after, &BTreeSet::new(), true).unwrap_err();
        assert_eq!(e, ControlledError::Frozen);
        assert!(e.to_string().contains("毕业"));
        for e in [
            ControlledError::UnknownField("x".into()),
            ControlledError::SchoolCannotControl,
            ControlledError::NoChange,
        ] {
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn family_member_edit_is_one_field() {
        let before = valid_record();
        let mut after = before.clone();
        after.family_members[0].employer = "某公司".into();
        assert_eq!(changed_fields(&before, &after), vec!["family_members"]);
    }
}
