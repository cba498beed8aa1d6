//! 学籍维护 and 关键信息变更 (seed 001 第二章 1): the rules of an edit of a student record.
//!
//! - An edit is given as the whole record or only some of its fields ([`merge_edit`]); unknown
//!   field names and values of the wrong type are refused by field, in Chinese.
//! - Some fields are not the school's to edit ([`check_editable`]): the national student number
//!   is the system's (it follows the identity), the grade moves by 升级 / 留级 / 跳级 (seed 001
//!   第三章 1; status changes), not by maintenance.
//! - The field-level diff ([`diff`]) says for every changed field its label, the old and the
//!   new value and their readable text (code meanings, region names), and whether the field is
//!   controlled (受控字段, the union of every authority level's set —
//!   [`crate::controlled::controlled_for_school`]). Which way the edit goes is
//!   [`crate::controlled::classify_edit`]: uncontrolled only → saved directly; any controlled →
//!   a change request with proof, approved by the school leader and its authority.
//! - Proof ([`check_proof`]): a change request needs at least one evidence file; a change of
//!   身份证件类型, 身份证件号, 姓名, 性别 or 出生日期 needs a household-registration certificate
//!   (户籍证明, seed 001 第二章 1: 需提供户籍部门出具的证明材料).
//! - On approval the diff is applied to the record as it is then ([`apply`]); when a field of
//!   the diff moved meanwhile ([`moved`]) the approval is refused.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::codes;
use crate::controlled::IDENTITY_FIELDS;
use crate::field::FieldError;
use crate::record::{FieldSpec, StudentRecord, FIELDS, MEMBER_FIELDS};
use crate::stage::{Grade, StageLengths};

/// Fields the school does not edit through maintenance, and why.
pub const NOT_EDITABLE: [(&str, &str); 2] = [
    (
        "student_number",
        "全国学籍号由系统分配，不能在学籍维护中修改",
    ),
    (
        "grade",
        "年级不能在学籍维护中修改：升级由系统统一办理，留级、跳级请办理学籍异动",
    ),
];

/// One changed field of a record.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The serde field name (`name`, `ethnic_group`, `family_members`, …).
    pub field: String,
    /// The form's label (姓名, 民族, …).
    pub label: String,
    /// Any JSON value (a string, a boolean, a number, the family-member list, null).
    pub old: Value,
    pub new: Value,
    /// The old value for reading: a code with its meaning, a region with its name.
    pub old_text: String,
    pub new_text: String,
    /// The field is controlled for the student's school (needs approval).
    pub controlled: bool,
}

/// What kind of proof a file is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProofKind {
    /// 户籍证明 (by the household-registration office).
    Household,
    /// 其他证明材料.
    Other,
}

impl ProofKind {
    pub fn label(self) -> &'static str {
        match self {
            ProofKind::Household => "户籍证明",
            ProofKind::Other => "其他证明材料",
        }
    }
}

/// An evidence file attached to a change request (uploaded first through `POST /evidence`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofRef {
    pub sha256: String,
    pub kind: ProofKind,
}

fn spec(field: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|s| s.field == field)
}

/// The label of a record field (its serde name when unknown).
pub fn label_of(field: &str) -> String {
    spec(field).map_or_else(|| field.to_owned(), |s| s.label.to_owned())
}

/// A whole or partial edit merged onto `current`: every key of `edit` must be a record field and
/// hold a value of its type. Errors are named `record.<field>`.
pub fn merge_edit(current: &StudentRecord, edit: &Value) -> Result<StudentRecord, Vec<FieldError>> {
    let Some(obj) = edit.as_object() else {
        return Err(vec![FieldError::new(
            "record",
            "学生信息应为一个对象（字段名 → 值）",
        )]);
    };
    let mut base = match serde_json::to_value(current) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let mut errors = Vec::new();
    for (k, v) in obj {
        let Some(s) = spec(k) else {
            errors.push(FieldError::new(
                format!("record.{}", k.chars().take(40).collect::<String>()),
                format!(
                    "“{}”不是学生基本信息字段",
                    k.chars().take(40).collect::<String>()
                ),
            ));
            continue;
        };
        // Each field on its own, so that a value of the wrong type is named by its field.
        let mut one = base.clone();
        one.insert(k.clone(), v.clone());
        if serde_json::from_value::<StudentRecord>(Value::Object(one)).is_err() {
            errors.push(FieldError::new(
                format!("record.{k}"),
                format!("{}的值格式不正确", s.label),
            ));
            continue;
        }
        base.insert(k.clone(), v.clone());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(Value::Object(base))
        .map_err(|_| vec![FieldError::new("record", "学生信息格式不正确")])
}

/// The changed fields the school may not edit here, each with the reason.
pub fn check_editable(changed: &[&str]) -> Vec<FieldError> {
    changed
        .iter()
        .filter_map(|f| NOT_EDITABLE.iter().find(|(n, _)| n == f))
        .map(|(f, why)| FieldError::new(format!("record.{f}"), *why))
        .collect()
}

fn bool_text(v: &Value) -> Option<String> {
    v.as_bool().map(|b| if b { "是" } else { "否" }.to_owned())
}

fn region_text(raw: &str) -> String {
    let name = (matches!(raw.len(), 6 | 12) && raw.bytes().all(|b| b.is_ascii_digit()))
        .then(|| raw.get(..6).and_then(|c| c.parse().ok()))
        .flatten()
        .and_then(crate::region::full_name);
    match name {
        Some(n) => format!("{n}（{raw}）"),
        None => raw.to_owned(),
    }
}

fn coded(table: &str, raw: &str) -> String {
    match codes::table(table).and_then(|t| t.label(raw)) {
        Some(l) => format!("{l}（{raw}）"),
        None => raw.to_owned(),
    }
}

fn scalar_text(spec: &FieldSpec, v: &Value) -> String {
    if let Some(b) = bool_text(v) {
        return b;
    }
    let raw = match v {
        Value::Null => return "（空）".to_owned(),
        Value::String(s) if s.trim().is_empty() => return "（空）".to_owned(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    };
    match (spec.field, spec.table) {
        ("nationality", _) => {
            codes::country(&raw).map_or(raw.clone(), |c| format!("{}（{raw}）", c.name))
        }
        ("grade", _) => {
            Grade::from_code(&raw, &StageLengths::default()).map_or(raw.clone(), Grade::label)
        }
        ("birthplace" | "household_place", _) => region_text(&raw),
        ("distance_km", _) => format!("{raw} 公里"),
        (_, Some(table)) => coded(table, &raw),
        _ => raw,
    }
}

fn members_text(v: &Value) -> String {
    let Some(list) = v.as_array().filter(|l| !l.is_empty()) else {
        return "（空）".to_owned();
    };
    list.iter()
        .enumerate()
        .map(|(i, m)| {
            let parts: Vec<String> = MEMBER_FIELDS
                .iter()
                .filter_map(|s| {
                    let x = m.get(s.field)?;
                    let empty = matches!(x, Value::String(t) if t.trim().is_empty())
                        || x.is_null()
                        || (s.field == "is_guardian" && x == &Value::Bool(false));
                    (!empty).then(|| format!("{}：{}", s.label, scalar_text(s, x)))
                })
                .collect();
            format!("成员{}（{}）", i + 1, parts.join("，"))
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// The readable text of a record field's value: codes with their meaning, regions with their
/// names, yes/no, members one by one.
pub fn value_text(field: &str, v: &Value) -> String {
    if field == "family_members" {
        return members_text(v);
    }
    match spec(field) {
        Some(s) => scalar_text(s, v),
        None => v.to_string(),
    }
}

/// Every field that differs between `before` and `after`, in form order, with its label, values
/// and texts, marked controlled when it is in `controlled` or an identity field.
pub fn diff(
    before: &StudentRecord,
    after: &StudentRecord,
    controlled: &BTreeSet<String>,
) -> Vec<FieldChange> {
    let (Ok(a), Ok(b)) = (serde_json::to_value(before), serde_json::to_value(after)) else {
        return Vec::new();
    };
    crate::controlled::changed_fields(before, after)
        .into_iter()
        .map(|f| {
            let old = a.get(f).cloned().unwrap_or(Value::Null);
            let new = b.get(f).cloned().unwrap_or(Value::Null);
            FieldChange {
                field: f.to_owned(),
                label: label_of(f),
                old_text: value_text(f, &old),
                new_text: value_text(f, &new),
                old,
                new,
                controlled: controlled.contains(f) || IDENTITY_FIELDS.contains(&f),
            }
        })
        .collect()
}

/// Whether a change of these fields needs the household-registration certificate.
pub fn needs_household_proof(changes: &[FieldChange]) -> bool {
    changes
        .iter()
        .any(|c| IDENTITY_FIELDS.contains(&c.field.as_str()))
}

/// The identity fields among the changes (they trigger the national duplicate check).
pub fn identity_changed(changes: &[FieldChange]) -> bool {
    needs_household_proof(changes)
}

/// Whether `sha` looks like a SHA-256 in hex.
pub fn is_sha256(sha: &str) -> bool {
    sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The proof a change request must carry: at least one file, and a 户籍证明 when an identity
/// field changes. At most 10 files.
pub fn check_proof(changes: &[FieldChange], proof: &[ProofRef]) -> Vec<FieldError> {
    let mut out = Vec::new();
    for (i, p) in proof.iter().enumerate() {
        if !is_sha256(&p.sha256) {
            out.push(FieldError::new(
                format!("evidence[{i}]"),
                "证明材料编号不正确，请重新上传",
            ));
        }
    }
    if proof.len() > 10 {
        out.push(FieldError::new("evidence", "证明材料最多 10 个文件"));
    }
    let controlled: Vec<&str> = changes
        .iter()
        .filter(|c| c.controlled)
        .map(|c| c.label.as_str())
        .collect();
    if needs_household_proof(changes) && !proof.iter().any(|p| p.kind == ProofKind::Household) {
        let ident: Vec<&str> = changes
            .iter()
            .filter(|c| IDENTITY_FIELDS.contains(&c.field.as_str()))
            .map(|c| c.label.as_str())
            .collect();
        out.push(FieldError::new(
            "evidence",
            format!(
                "变更{}须上传户籍部门出具的户籍证明（PDF、JPG 或 PNG）",
                ident.join("、")
            ),
        ));
    } else if proof.is_empty() {
        out.push(FieldError::new(
            "evidence",
            format!(
                "{}为受控字段，变更须上传证明材料（PDF、JPG 或 PNG）",
                controlled.join("、")
            ),
        ));
    }
    out
}

/// The fields of `changes` whose value in `current` is no longer the value the change was made
/// against (someone changed them meanwhile), as labels.
pub fn moved(current: &StudentRecord, changes: &[FieldChange]) -> Vec<String> {
    let Ok(cur) = serde_json::to_value(current) else {
        return Vec::new();
    };
    changes
        .iter()
        .filter(|c| cur.get(&c.field).unwrap_or(&Value::Null) != &c.old)
        .map(|c| c.label.clone())
        .collect()
}

/// `current` with the new values of `changes`.
pub fn apply(current: &StudentRecord, changes: &[FieldChange]) -> Option<StudentRecord> {
    let Ok(Value::Object(mut m)) = serde_json::to_value(current) else {
        return None;
    };
    for c in changes {
        m.insert(c.field.clone(), c.new.clone());
    }
    serde_json::from_value(Value::Object(m)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::valid_record;
    use serde_json::json;

    #[test]
    fn partial_edits_merge_and_bad_keys_are_named() {
        let r = valid_record();
        let m = merge_edit(&r, &json!({ "specialty": "围棋", "only_child": true })).unwrap();
        assert_eq!(m.specialty, "围棋");
        assert!(m.only_child);
        assert_eq!(m.name, r.name);
        let e = merge_edit(&r, &json!({ "shoe_size": 42, "only_child": "x" })).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["record.only_child", "record.shoe_size"]);
        assert!(e[0].message.contains("是否独生子女"), "{}", e[0].message);
        assert!(e[1].message.contains("shoe_size"));
        assert!(merge_edit(&r, &json!([1])).is_err());
        // The whole record is an edit too.
        let whole = serde_json::to_value(&r).unwrap();
        assert_eq!(merge_edit(&r, &whole).unwrap(), r);
    }

    #[test]
    fn diff_labels_codes_and_marks_controlled() {
        let before = valid_record();
        let mut after = before.clone();
        after.name = "王小明".into();
        after.ethnic_group = "02".into();
        after.specialty = "围棋".into();
        let ctl: BTreeSet<String> = ["ethnic_group".to_string()].into();
        let d = diff(&before, &after, &ctl);
        let names: Vec<&str> = d.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(names, ["name", "ethnic_group", "specialty"]);
        assert_eq!(d[0].label, "姓名");
        assert!(d[0].controlled && d[1].controlled && !d[2].controlled);
        assert_eq!(d[1].new_text, "蒙古族（02）");
        assert_eq!(d[2].old_text, "（空）");
        assert!(needs_household_proof(&d));
        assert!(!needs_household_proof(&d[1..]));
    }

    #[test]
    fn proof_rules() {
        let before = valid_record();
        let mut after = before.clone();
        after.name = "王小明".into();
        let d = diff(&before, &after, &BTreeSet::new());
        let e = check_proof(&d, &[]);
        assert_eq!(e[0].field, "evidence");
        assert!(e[0].message.contains("户籍证明") && e[0].message.contains("姓名"));
        let other = ProofRef {
            sha256: "a".repeat(64),
            kind: ProofKind::Other,
        };
        assert!(!check_proof(&d, std::slice::from_ref(&other)).is_empty());
        let household = ProofRef {
            kind: ProofKind::Household,
            ..other.clone()
        };
        assert!(check_proof(&d, &[household]).is_empty());
        let bad = ProofRef {
            sha256: "zz".into(),
            kind: ProofKind::Household,
        };
        assert_eq!(check_proof(&d, &[bad])[0].field, "evidence[0]");
        // Non-identity controlled field: any proof.
        let mut after = before.clone();
        after.ethnic_group = "02".into();
        let ctl: BTreeSet<String> = ["ethnic_group".to_string()].into();
        let d = diff(&before, &after, &ctl);
        assert!(check_proof(&d, &[])
            .iter()
            .any(|e| e.message.contains("民族")));
        assert!(check_proof(&d, &[other]).is_empty());
    }

    #[test]
    fn not_editable_and_moved_and_apply() {
        let e = check_editable(&["phone", "grade", "student_number"]);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].field, "record.grade");
        let before = valid_record();
        let mut after = before.clone();
        after.name = "王小明".into();
        after.specialty = "围棋".into();
        let d = diff(&before, &after, &BTreeSet::new());
        assert!(moved(&before, &d).is_empty());
        let mut now = before.clone();
        now.phone = "13900139000".into();
        assert!(moved(&now, &d).is_empty(), "unrelated field");
        let merged = apply(&now, &d).unwrap();
        assert_eq!(merged.name, "王小明");
        assert_eq!(merged.phone, "13900139000");
        now.specialty = "书法".into();
        assert_eq!(moved(&now, &d), ["特长"]);
    }

    #[test]
    fn texts() {
        assert_eq!(value_text("only_child", &json!(true)), "是");
        assert_eq!(value_text("gender", &json!("2")), "女（2）");
        assert_eq!(value_text("nationality", &json!("CHN")), "中国（CHN）");
        assert!(value_text("household_place", &json!("330106")).starts_with("浙江省"));
        let m = value_text(
            "family_members",
            &json!([{ "name": "王大", "relation": "51", "is_guardian": true }]),
        );
        assert!(m.contains("王大") && m.contains("成员1"), "{m}");
    }
}
