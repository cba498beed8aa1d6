//! Pure logic of the registration pages: how the record's fields are grouped into sections,
//! which input each field gets, reading and writing a field of the record held as JSON, the
//! draft kept in localStorage, and the mapping of the server's `record.x` field errors.

use serde_json::{Map, Value};
use xueji_shared::api::FieldError;
use xueji_shared::business::registration::api_registration::RegistrationKind;
use xueji_shared::record::{FieldSpec, StudentRecord, FIELDS, MEMBER_FIELDS};

/// localStorage key of the unsent registration form.
pub const DRAFT_KEY: &str = "xueji.registration.draft";

/// The form's sections (small enough for one phone screen each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Basic,
    Identity,
    Residence,
    Enrolment,
    Contact,
    HealthAid,
    Family,
}

/// Every field of [`FIELDS`] in exactly one section, in display order.
pub const SECTIONS: &[(Section, &[&str])] = &[
    (
        Section::Basic,
        &[
            "name",
            "name_pinyin",
            "former_name",
            "gender",
            "birth_date",
            "birthplace",
            "native_place",
            "ethnic_group",
            "nationality",
            "political_status",
            "specialty",
        ],
    ),
    (
        Section::Identity,
        &[
            "id_type",
            "id_number",
            "hmt_overseas",
            "id_valid_from",
            "id_valid_until",
        ],
    ),
    (
        Section::Residence,
        &[
            "household_place",
            "household_nature",
            "current_address",
            "home_address",
            "postal_address",
            "postcode",
        ],
    ),
    (
        Section::Enrolment,
        &[
            "grade",
            "class_name",
            "number_in_class",
            "entry_year_month",
            "entry_mode",
            "study_mode",
            "student_source",
            "student_number",
            "provincial_number",
        ],
    ),
    (Section::Contact, &["phone", "email", "homepage"]),
    (
        Section::HealthAid,
        &[
            "health_status",
            "blood_type",
            "inclusive_class",
            "disability_type",
            "only_child",
            "preschool",
            "left_behind",
            "migrant_child",
            "orphan",
            "martyr_child",
            "government_place",
            "needs_aid",
            "receives_subsidy",
            "distance_km",
            "travel_mode",
            "needs_school_bus",
            "remarks",
        ],
    ),
    (Section::Family, &["family_members"]),
];

/// Which input a field gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Text,
    /// A `<select>` over a code table (`codes::table(key)`).
    Code(&'static str),
    /// GB/T 2659 countries.
    Country,
    /// National grade codes of the school's stages.
    Grade,
    Date,
    Number,
    Check,
    /// Assigned by the system; shown, not typed.
    ReadOnly,
    /// The family-member list.
    Members,
}

/// The spec of a record field by name.
pub fn spec(field: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|s| s.field == field)
}

/// The spec of a family-member field by name.
pub fn member_spec(field: &str) -> Option<&'static FieldSpec> {
    MEMBER_FIELDS.iter().find(|s| s.field == field)
}

/// The input of a record field.
pub fn input_kind(spec: &FieldSpec) -> InputKind {
    match spec.field {
        "birth_date" | "id_valid_from" | "id_valid_until" => InputKind::Date,
        "distance_km" => InputKind::Number,
        "family_members" => InputKind::Members,
        "student_number" => InputKind::ReadOnly,
        "nationality" => InputKind::Country,
        "grade" => InputKind::Grade,
        _ => match spec.table {
            Some(key) => InputKind::Code(key),
            None if is_bool(&blank_record(), spec.field) => InputKind::Check,
            None => InputKind::Text,
        },
    }
}

/// The input of a family-member field.
pub fn member_input_kind(spec: &FieldSpec) -> InputKind {
    match (spec.table, spec.field) {
        (Some(key), _) => InputKind::Code(key),
        (None, "is_guardian") => InputKind::Check,
        _ => InputKind::Text,
    }
}

fn is_bool(record: &Value, field: &str) -> bool {
    record.get(field).is_some_and(Value::is_boolean)
}

/// `inputmode` for phone keyboards.
pub fn input_mode(field: &str) -> Option<&'static str> {
    match field {
        "phone" => Some("tel"),
        "postcode" | "birthplace" | "household_place" | "number_in_class" => Some("numeric"),
        "email" => Some("email"),
        "distance_km" => Some("decimal"),
        _ => None,
    }
}

/// An empty record with one blank family member, as JSON.
pub fn blank_record() -> Value {
    let mut record = StudentRecord::default();
    record.family_members.push(Default::default());
    to_value(&record)
}

pub fn to_value(record: &StudentRecord) -> Value {
    serde_json::to_value(record).unwrap_or_else(|_| Value::Object(Map::new()))
}

/// The record the JSON describes (anything unreadable counts as empty, so validation names it).
pub fn to_record(value: &Value) -> StudentRecord {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

/// Splits `family_members[1].name` into `(1, "name")`.
pub fn member_path(path: &str) -> Option<(usize, &str)> {
    let rest = path.strip_prefix("family_members[")?;
    let (i, sub) = rest.split_once("].")?;
    Some((i.parse().ok()?, sub))
}

/// `family_members[i].field`.
pub fn member_field(i: usize, field: &str) -> String {
    format!("family_members[{i}].{field}")
}

fn slot<'a>(record: &'a Value, path: &str) -> Option<&'a Value> {
    match member_path(path) {
        Some((i, sub)) => record.get("family_members")?.get(i)?.get(sub),
        None => record.get(path),
    }
}

fn slot_mut<'a>(record: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    match member_path(path) {
        Some((i, sub)) => record
            .get_mut("family_members")?
            .get_mut(i)?
            .as_object_mut()
            .map(|m| m.entry(sub.to_owned()).or_insert(Value::Null)),
        None => record
            .as_object_mut()
            .map(|m| m.entry(path.to_owned()).or_insert(Value::Null)),
    }
}

/// The text an input shows for a field.
pub fn get_text(record: &Value, path: &str) -> String {
    match slot(record, path) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// Whether a checkbox field is ticked.
pub fn get_bool(record: &Value, path: &str) -> bool {
    slot(record, path).and_then(Value::as_bool).unwrap_or(false)
}

/// Writes what the user typed into the field, with the JSON type the record expects.
pub fn set_text(record: &mut Value, path: &str, kind: InputKind, text: &str) {
    let value = match kind {
        InputKind::Date if text.is_empty() => Value::Null,
        InputKind::Number => match text.trim().parse::<f64>() {
            Ok(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
            Err(_) => Value::Null,
        },
        _ => Value::String(text.to_owned()),
    };
    if let Some(v) = slot_mut(record, path) {
        *v = value;
    }
}

pub fn set_bool(record: &mut Value, path: &str, checked: bool) {
    if let Some(v) = slot_mut(record, path) {
        *v = Value::Bool(checked);
    }
}

/// Number of family members in the record.
pub fn member_count(record: &Value) -> usize {
    record
        .get("family_members")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// Appends a blank family member (at most two).
pub fn add_member(record: &mut Value) {
    if member_count(record) >= 2 {
        return;
    }
    let blank =
        serde_json::to_value(xueji_shared::record::FamilyMember::default()).unwrap_or(Value::Null);
    if let Some(list) = record
        .get_mut("family_members")
        .and_then(Value::as_array_mut)
    {
        list.push(blank);
    }
}

/// Removes family member `i` (at least one stays).
pub fn remove_member(record: &mut Value, i: usize) {
    if let Some(list) = record
        .get_mut("family_members")
        .and_then(Value::as_array_mut)
    {
        if list.len() > 1 && i < list.len() {
            list.remove(i);
        }
    }
}

/// The draft as stored: `{"kind": …, "record": …}`.
pub fn draft_to_string(kind: RegistrationKind, record: &Value) -> String {
    serde_json::json!({ "kind": kind.as_str(), "record": record }).to_string()
}

/// Reads a stored draft; `None` when it is not one.
pub fn draft_from_str(text: &str) -> Option<(RegistrationKind, Value)> {
    let v: Value = serde_json::from_str(text).ok()?;
    let kind = RegistrationKind::parse(v.get("kind")?.as_str()?)?;
    let record = v.get("record")?;
    // Normalise through the record type so that a stale draft still has every field.
    let parsed: StudentRecord = serde_json::from_value(record.clone()).ok()?;
    Some((kind, to_value(&parsed)))
}

/// The form's name for a field the server named: `record.id_number` → `id_number`.
pub fn form_field(server_field: &str) -> &str {
    server_field.strip_prefix("record.").unwrap_or(server_field)
}

/// The server's field errors, renamed to the form's field names.
pub fn form_errors(fields: &[FieldError]) -> Vec<FieldError> {
    fields
        .iter()
        .map(|f| FieldError::new(form_field(&f.field), f.message.clone()))
        .collect()
}

/// Whether the form renders an error slot for this field name.
pub fn has_slot(field: &str) -> bool {
    match member_path(field) {
        Some((_, sub)) => member_spec(sub).is_some(),
        None => spec(field).is_some(),
    }
}

/// The message for a field: local problems once touched or after a submit attempt, else the
/// server's.
pub fn message_for(
    field: &str,
    local: &[FieldError],
    server: &[FieldError],
    shown: bool,
) -> Option<String> {
    let mine = |list: &[FieldError]| {
        list.iter()
            .find(|f| f.field == field)
            .map(|f| f.message.clone())
    };
    shown
        .then(|| mine(local))
        .flatten()
        .or_else(|| mine(server))
}

/// Today from a `YYYY-M-D` triple (from `js_sys::Date`).
pub fn date_of(year: i32, month: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// The 入学方式 options a record's grade allows (the national form: 11/12 in compulsory
/// education, 21/22/23/99 in senior high — `codes::entry_modes_for`); all of them while the
/// grade is not chosen.
pub fn entry_mode_options(options: Vec<(String, String)>, grade: &str) -> Vec<(String, String)> {
    let stage =
        xueji_shared::stage::Grade::from_code(grade, &xueji_shared::stage::StageLengths::default())
            .map(|g| g.stage);
    match stage {
        Some(stage) => {
            let allowed = xueji_shared::codes::entry_modes_for(stage);
            options
                .into_iter()
                .filter(|(c, _)| allowed.contains(&c.as_str()))
                .collect()
        }
        None => options,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn entry_modes_follow_the_grade_stage() {
        let all: Vec<(String, String)> = xueji_shared::codes::ENTRY_MODE
            .entries
            .iter()
            .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
            .collect();
        let codes = |grade: &str| -> Vec<String> {
            super::entry_mode_options(all.clone(), grade)
                .into_iter()
                .map(|(c, _)| c)
                .collect()
        };
        assert_eq!(codes("11"), ["11", "12"]);
        assert_eq!(codes("23"), ["11", "12"]);
        assert_eq!(codes("31"), ["21", "22", "23", "99"]);
        assert_eq!(codes("").len(), all.len());
    }

    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn sections_cover_every_field_exactly_once() {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, fields) in SECTIONS {
            for f in *fields {
                *seen.entry(f).or_default() += 1;
                assert!(spec(f).is_some(), "{f} is not a record field");
            }
        }
        for s in FIELDS {
            assert_eq!(seen.get(s.field), Some(&1), "{} not exactly once", s.field);
        }
        assert_eq!(seen.len(), FIELDS.len());
    }

    #[test]
    fn every_field_has_a_readable_input() {
        let blank = blank_record();
        for s in FIELDS {
            if input_kind(s) == InputKind::Check {
                assert!(blank[s.field].is_boolean(), "{}", s.field);
            }
            if let InputKind::Code(key) = input_kind(s) {
                assert!(xueji_shared::codes::table(key).is_some(), "{key}");
            }
        }
        for s in MEMBER_FIELDS {
            if let InputKind::Code(key) = member_input_kind(s) {
                assert!(xueji_shared::codes::table(key).is_some(), "{key}");
            }
        }
    }

    #[test]
    fn draft_round_trips() {
        let mut v = blank_record();
        set_text(&mut v, "name", InputKind::Text, "王菲桐");
        set_text(&mut v, "birth_date", InputKind::Date, "2019-07-14");
        set_text(&mut v, "distance_km", InputKind::Number, "2.6");
        set_bool(&mut v, "only_child", true);
        set_text(&mut v, "family_members[0].name", InputKind::Text, "王军强");
        add_member(&mut v);
        let text = draft_to_string(RegistrationKind::Grade1, &v);
        let (kind, back) = draft_from_str(&text).expect("a draft");
        assert_eq!(kind, RegistrationKind::Grade1);
        assert_eq!(back, v);
        let r = to_record(&back);
        assert_eq!(r.name, "王菲桐");
        assert_eq!(r.distance_km, Some(2.6));
        assert!(r.only_child);
        assert_eq!(r.family_members.len(), 2);
        assert_eq!(r.family_members[0].name, "王军强");
        assert_eq!(get_text(&back, "birth_date"), "2019-07-14");
        assert!(draft_from_str("not json").is_none());
        assert!(draft_from_str(r#"{"kind":"x","record":{}}"#).is_none());
    }

    #[test]
    fn empty_date_and_bad_number_are_null() {
        let mut v = blank_record();
        set_text(&mut v, "birth_date", InputKind::Date, "");
        set_text(&mut v, "distance_km", InputKind::Number, "abc");
        let r = to_record(&v);
        assert_eq!(r.birth_date, None);
        assert_eq!(r.distance_km, None);
    }

    #[test]
    fn members_stay_between_one_and_two() {
        let mut v = blank_record();
        remove_member(&mut v, 0);
        assert_eq!(member_count(&v), 1);
        add_member(&mut v);
        add_member(&mut v);
        assert_eq!(member_count(&v), 2);
        remove_member(&mut v, 1);
        assert_eq!(member_count(&v), 1);
    }

    #[test]
    fn server_field_names_lose_the_record_prefix() {
        assert_eq!(form_field("record.id_number"), "id_number");
        assert_eq!(
            form_field("record.family_members[0].name"),
            "family_members[0].name"
        );
        assert_eq!(form_field("kind"), "kind");
        let errs = form_errors(&[FieldError::new("record.phone", "错")]);
        assert_eq!(errs[0].field, "phone");
        assert!(has_slot("phone"));
        assert!(has_slot("family_members[1].relation"));
        assert!(!has_slot("kind"));
    }

    #[test]
    fn local_errors_wait_for_touch_or_submit() {
        let local = vec![FieldError::new("name", "请填写姓名")];
        let server = vec![FieldError::new("phone", "号码已占用")];
        assert_eq!(message_for("name", &local, &server, false), None);
        assert_eq!(
            message_for("name", &local, &server, true).as_deref(),
            Some("请填写姓名")
        );
        assert_eq!(
            message_for("phone", &local, &server, false).as_deref(),
            Some("号码已占用")
        );
    }

    #[test]
    fn wrong_check_character_is_caught_locally() {
        let mut v: Value = serde_json::from_str(
            r#"{"id_type":"1","id_number":"330106201907144902","gender":"2","birth_date":"2019-07-14"}"#,
        )
        .unwrap();
        let rules = xueji_shared::record::RecordRules::new(date_of(2026, 11, 23));
        let errs = to_record(&v).validate_all(&rules);
        assert!(errs.iter().any(|e| e.field == "id_number"), "{errs:?}");
        set_text(&mut v, "id_number", InputKind::Text, "330106201907144901");
        let errs = to_record(&v).validate_all(&rules);
        assert!(!errs.iter().any(|e| e.field == "id_number"), "{errs:?}");
    }
}
