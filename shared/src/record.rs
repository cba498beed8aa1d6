//! The student record (学生基本信息) and its validation.
//!
//! Rule (seed 001 第一章, 第二章 1; DESIGN.md "Identity"): every field of the national
//! basic-information form, with its code table, required flag and format rule, plus the
//! cross-field rules:
//! - the citizen ID's birth date and gender must equal the record's;
//! - an ID number is required unless the ID type is 其他;
//! - a J student number only for a student without a citizen ID (a G number must be `G` + the ID);
//! - age bounds per stage (configurable), and the optional grade-1 age control;
//! - consistency of the support fields (随班就读 needs a disability, 留守 vs 随迁, …).
//!
//! [`StudentRecord::validate_all`] returns *every* violated field at once (serde field names,
//! Chinese messages), so a phone form can show them all; the server calls the same function.
//! Per-field format rules use the `validator` derive; cross-field rules are plain code.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::citizen_id::CitizenId;
use crate::codes::{self, CodeTable, Gender};
use crate::field::FieldError;
use crate::region;
use crate::stage::{Grade, Stage, StageLengths};
use crate::student_number::{Kind, StudentNumber};

/// One family member or guardian (家庭成员或监护人); the form has two.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct FamilyMember {
    /// 姓名
    #[validate(custom(function = "v_member_name"))]
    pub name: String,
    /// 关系 ([`codes::RELATION`])
    #[validate(custom(function = "v_relation"))]
    pub relation: String,
    /// 关系说明 (required when the relation is 其他)
    #[validate(length(max = 50, message = "关系说明不能超过50个字"))]
    pub relation_note: String,
    /// 现住址
    #[validate(length(max = 100, message = "成员现住址不能超过100个字"))]
    pub address: String,
    /// 户口所在地 (free text or region)
    #[validate(length(max = 100, message = "成员户口所在地不能超过100个字"))]
    pub household_place: String,
    /// 联系电话
    #[validate(custom(function = "v_phone_optional"))]
    pub phone: String,
    /// 是否监护人
    pub is_guardian: bool,
    /// 身份证件类型 (optional; [`codes::MEMBER_ID_TYPE`], the full JY/T 1001 list)
    #[validate(custom(function = "v_member_id_type"))]
    pub id_type: String,
    /// 身份证件号
    #[validate(length(max = 30, message = "身份证件号不能超过30位"))]
    pub id_number: String,
    /// 民族 (optional)
    #[validate(custom(function = "v_ethnic_optional"))]
    pub ethnic_group: String,
    /// 工作单位
    #[validate(length(max = 100, message = "工作单位不能超过100个字"))]
    pub employer: String,
    /// 职务
    #[validate(length(max = 50, message = "职务不能超过50个字"))]
    pub post: String,
}

/// 学生基本信息: the national basic-information form. Codes are stored as strings so that a
/// half-filled form still deserialises and every problem is reported by validation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[serde(default)]
pub struct StudentRecord {
    // ---- 基本信息 ----
    /// 姓名
    #[validate(custom(function = "v_name"))]
    pub name: String,
    /// 姓名拼音
    #[validate(custom(function = "v_pinyin"))]
    pub name_pinyin: String,
    /// 曾用名
    #[validate(length(max = 50, message = "曾用名不能超过50个字"))]
    pub former_name: String,
    /// 性别 ([`codes::GENDER`])
    #[validate(custom(function = "v_gender"))]
    pub gender: String,
    /// 出生日期
    #[validate(required(message = "请填写出生日期"))]
    pub birth_date: Option<NaiveDate>,
    /// 出生地: 12-digit division code whose first six digits are in GB/T 2260.
    #[validate(custom(function = "v_birthplace"))]
    pub birthplace: String,
    /// 籍贯
    #[validate(length(min = 1, max = 50, message = "请填写籍贯（不超过50个字）"))]
    pub native_place: String,
    /// 民族 ([`codes::ETHNIC_GROUP`], GB/T 3304)
    #[validate(custom(function = "v_ethnic"))]
    pub ethnic_group: String,
    /// 国籍/地区 (GB/T 2659 alpha-3, e.g. `CHN`)
    #[validate(custom(function = "v_nationality"))]
    pub nationality: String,
    /// 身份证件类型 ([`codes::ID_TYPE`])
    #[validate(custom(function = "v_id_type"))]
    pub id_type: String,
    /// 身份证件号 (required unless the type is 其他; checked against the type)
    #[validate(length(max = 30, message = "身份证件号不能超过30位"))]
    pub id_number: String,
    /// 港澳台侨外 ([`codes::HMT_OVERSEAS`])
    #[validate(custom(function = "v_hmt"))]
    pub hmt_overseas: String,
    /// 政治面貌 ([`codes::POLITICAL_STATUS`])
    #[validate(custom(function = "v_political"))]
    pub political_status: String,
    /// 健康状况 ([`codes::HEALTH_STATUS`])
    #[validate(custom(function = "v_health"))]
    pub health_status: String,
    /// 血型 ([`codes::BLOOD_TYPE`], optional)
    #[validate(custom(function = "v_blood_type"))]
    pub blood_type: String,
    /// 身份证件有效期（起）
    pub id_valid_from: Option<NaiveDate>,
    /// 身份证件有效期（止）; empty with a start date = 长期
    pub id_valid_until: Option<NaiveDate>,
    /// 户口所在地: division code, 6 or 12 digits.
    #[validate(custom(function = "v_household_place"))]
    pub household_place: String,
    /// 户口性质 ([`codes::HOUSEHOLD_NATURE`])
    #[validate(custom(function = "v_household_nature"))]
    pub household_nature: String,
    /// 特长
    #[validate(length(max = 100, message = "特长不能超过100个字"))]
    pub specialty: String,

    // ---- 学籍信息 ----
    /// 全国学籍号 (assigned by the system; empty before)
    #[validate(length(max = 19, message = "全国学籍号应为19位"))]
    pub student_number: String,
    /// 学籍辅号: the province's own student number (for provincial systems), optional.
    #[validate(custom(function = "v_provincial_number"))]
    pub provincial_number: String,
    /// 班内学号
    #[validate(length(max = 20, message = "班内学号不能超过20位"))]
    pub number_in_class: String,
    /// 年级 (national grade code, 11–16, 21–24, 31–33)
    #[validate(length(min = 1, message = "请选择年级"))]
    pub grade: String,
    /// 班级
    #[validate(length(min = 1, max = 30, message = "请填写班级（不超过30个字）"))]
    pub class_name: String,
    /// 入学年月 (`YYYY-MM`)
    #[validate(custom(function = "v_year_month"))]
    pub entry_year_month: String,
    /// 入学方式 ([`codes::ENTRY_MODE`])
    #[validate(custom(function = "v_entry_mode"))]
    pub entry_mode: String,
    /// 就读方式 ([`codes::STUDY_MODE`]): 走读 / 住校
    #[validate(custom(function = "v_study_mode"))]
    pub study_mode: String,
    /// 学生来源 ([`codes::STUDENT_SOURCE`])
    #[validate(custom(function = "v_source"))]
    pub student_source: String,

    // ---- 联系信息 ----
    /// 现住址
    #[validate(length(min = 1, max = 100, message = "请填写现住址（不超过100个字）"))]
    pub current_address: String,
    /// 通信地址
    #[validate(length(min = 1, max = 100, message = "请填写通信地址（不超过100个字）"))]
    pub postal_address: String,
    /// 家庭地址
    #[validate(length(min = 1, max = 100, message = "请填写家庭地址（不超过100个字）"))]
    pub home_address: String,
    /// 联系电话
    #[validate(custom(function = "v_phone"))]
    pub phone: String,
    /// 邮政编码
    #[validate(custom(function = "v_postcode"))]
    pub postcode: String,
    /// 电子信箱
    #[validate(custom(function = "v_email"))]
    pub email: String,

    /// 主页地址 (optional)
    #[validate(custom(function = "v_homepage"))]
    pub homepage: String,

    // ---- 扩展信息 ----
    /// 是否独生子女
    pub only_child: bool,
    /// 是否受过学前教育
    pub preschool: bool,
    /// 是否留守儿童 ([`codes::LEFT_BEHIND`])
    #[validate(custom(function = "v_left_behind"))]
    pub left_behind: String,
    /// 是否进城务工人员随迁子女
    pub migrant_child: bool,
    /// 是否孤儿
    pub orphan: bool,
    /// 是否烈士或优抚子女
    pub martyr_child: bool,
    /// 随班就读 ([`codes::INCLUSIVE_CLASS`])
    #[validate(custom(function = "v_inclusive"))]
    pub inclusive_class: String,
    /// 残疾人类型 ([`codes::DISABILITY_TYPE`])
    #[validate(custom(function = "v_disability"))]
    pub disability_type: String,
    /// 是否由政府购买学位
    pub government_place: bool,
    /// 是否需要申请资助
    pub needs_aid: bool,
    /// 是否享受一补
    pub receives_subsidy: bool,
    /// 上下学距离（公里）
    #[validate(
        required(message = "请填写上下学距离"),
        range(min = 0.0, max = 1000.0, message = "上下学距离应在0至1000公里之间")
    )]
    pub distance_km: Option<f64>,
    /// 上下学交通方式 ([`codes::TRAVEL_MODE`])
    #[validate(custom(function = "v_travel"))]
    pub travel_mode: String,
    /// 是否需要乘坐校车
    pub needs_school_bus: bool,

    // ---- 家庭成员 ----
    /// 家庭成员或监护人: one or two.
    #[validate(
        length(min = 1, max = 2, message = "请填写1至2名家庭成员或监护人"),
        nested
    )]
    pub family_members: Vec<FamilyMember>,

    /// 备注
    #[validate(length(max = 500, message = "备注不能超过500个字"))]
    pub remarks: String,
}

/// Metadata of one form field: its serde name, Chinese label, whether the form requires it,
/// and its code table. The frontend renders labels and required marks from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldSpec {
    pub field: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub table: Option<&'static str>,
}

const fn f(
    field: &'static str,
    label: &'static str,
    required: bool,
    table: Option<&'static str>,
) -> FieldSpec {
    FieldSpec {
        field,
        label,
        required,
        table,
    }
}

/// The record's fields in form order. `id_number` is required unless `id_type` is 其他.
pub const FIELDS: &[FieldSpec] = &[
    f("name", "姓名", true, None),
    f("name_pinyin", "姓名拼音", false, None),
    f("former_name", "曾用名", false, None),
    f("gender", "性别", true, Some("gender")),
    f("birth_date", "出生日期", true, None),
    f("birthplace", "出生地", true, None),
    f("native_place", "籍贯", true, None),
    f("ethnic_group", "民族", true, Some("ethnic_group")),
    f("nationality", "国籍/地区", true, Some("nationality")),
    f("id_type", "身份证件类型", true, Some("id_type")),
    f("id_number", "身份证件号", true, None),
    f("hmt_overseas", "港澳台侨外", true, Some("hmt_overseas")),
    f(
        "political_status",
        "政治面貌",
        false,
        Some("political_status"),
    ),
    f("health_status", "健康状况", true, Some("health_status")),
    f("blood_type", "血型", false, Some("blood_type")),
    f("id_valid_from", "身份证件有效期（起）", false, None),
    f("id_valid_until", "身份证件有效期（止）", false, None),
    f("household_place", "户口所在地", true, None),
    f(
        "household_nature",
        "户口性质",
        true,
        Some("household_nature"),
    ),
    f("specialty", "特长", false, None),
    f("student_number", "全国学籍号", false, None),
    f("provincial_number", "学籍辅号", false, None),
    f("number_in_class", "班内学号", false, None),
    f("grade", "年级", true, None),
    f("class_name", "班级", true, None),
    f("entry_year_month", "入学年月", true, None),
    f("entry_mode", "入学方式", true, Some("entry_mode")),
    f("study_mode", "就读方式", true, Some("study_mode")),
    f("student_source", "学生来源", false, Some("student_source")),
    f("current_address", "现住址", true, None),
    f("postal_address", "通信地址", true, None),
    f("home_address", "家庭地址", true, None),
    f("phone", "联系电话", true, None),
    f("postcode", "邮政编码", true, None),
    f("email", "电子信箱", false, None),
    f("homepage", "主页地址", false, None),
    f("only_child", "是否独生子女", true, None),
    f("preschool", "是否受过学前教育", true, None),
    f("left_behind", "是否留守儿童", true, Some("left_behind")),
    f("migrant_child", "是否进城务工人员随迁子女", true, None),
    f("orphan", "是否孤儿", true, None),
    f("martyr_child", "是否烈士或优抚子女", true, None),
    f(
        "inclusive_class",
        "随班就读",
        false,
        Some("inclusive_class"),
    ),
    f(
        "disability_type",
        "残疾人类型",
        true,
        Some("disability_type"),
    ),
    f("government_place", "是否由政府购买学位", true, None),
    f("needs_aid", "是否需要申请资助", true, None),
    f("receives_subsidy", "是否享受一补", true, None),
    f("distance_km", "上下学距离", true, None),
    f("travel_mode", "上下学交通方式", true, Some("travel_mode")),
    f("needs_school_bus", "是否需要乘坐校车", true, None),
    f("family_members", "家庭成员或监护人", true, None),
    f("remarks", "备注", false, None),
];

/// The family member's fields in form order (`family_members[i].<field>`).
pub const MEMBER_FIELDS: &[FieldSpec] = &[
    f("name", "姓名", true, None),
    f("relation", "关系", true, Some("relation")),
    f("relation_note", "关系说明", false, None),
    f("address", "现住址", false, None),
    f("household_place", "户口所在地", false, None),
    f("phone", "联系电话", false, None),
    f("is_guardian", "是否监护人", true, None),
    f("id_type", "身份证件类型", false, Some("member_id_type")),
    f("id_number", "身份证件号", false, None),
    f("ethnic_group", "民族", false, Some("ethnic_group")),
    f("employer", "工作单位", false, None),
    f("post", "职务", false, None),
];

/// Age bounds (completed years) for one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeRange {
    pub min: u8,
    pub max: u8,
}

/// Age bounds per stage, checked against the student's age on `today` (configurable per
/// province; the defaults are wide on purpose: they catch typing errors in the birth date, not
/// late starters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeBounds {
    pub primary: AgeRange,
    pub junior: AgeRange,
    pub senior: AgeRange,
}

impl Default for AgeBounds {
    fn default() -> Self {
        AgeBounds {
            primary: AgeRange { min: 5, max: 16 },
            junior: AgeRange { min: 10, max: 19 },
            senior: AgeRange { min: 12, max: 25 },
        }
    }
}

impl AgeBounds {
    pub fn for_stage(&self, stage: Stage) -> AgeRange {
        match stage {
            Stage::Primary => self.primary,
            Stage::Junior => self.junior,
            Stage::Senior => self.senior,
        }
    }
}

/// What validation needs besides the record: today's date (never read from a clock), the
/// province's 学制 and age settings, and the school's stages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRules {
    pub today: NaiveDate,
    #[serde(default)]
    pub lengths: StageLengths,
    #[serde(default)]
    pub age_bounds: AgeBounds,
    /// 小学新生入学年龄控制: minimum age on 31 August of the entry year for grade 1 of primary
    /// (usually 6); `None` when the province switches the control off.
    #[serde(default)]
    pub grade1_min_age: Option<u8>,
    /// The stages the school runs; empty = not checked.
    #[serde(default)]
    pub school_stages: Vec<Stage>,
}

impl RecordRules {
    pub fn new(today: NaiveDate) -> Self {
        RecordRules {
            today,
            lengths: StageLengths::default(),
            age_bounds: AgeBounds::default(),
            grade1_min_age: None,
            school_stages: Vec::new(),
        }
    }
}

// ---------- per-field validators (used by the derive) ----------

fn err(code: &'static str, msg: impl Into<Cow<'static, str>>) -> ValidationError {
    ValidationError::new(code).with_message(msg.into())
}

fn check_code(table: &CodeTable, v: &str, required: bool) -> Result<(), ValidationError> {
    if v.is_empty() {
        return if required {
            Err(err("required", format!("请选择{}", table.name)))
        } else {
            Ok(())
        };
    }
    if table.contains(v) {
        Ok(())
    } else {
        Err(err("code", format!("{}代码“{}”无效", table.name, v)))
    }
}

macro_rules! code_validator {
    ($fn:ident, $table:expr, $required:expr) => {
        fn $fn(v: &str) -> Result<(), ValidationError> {
            check_code(&$table, v, $required)
        }
    };
}

code_validator!(v_gender, codes::GENDER, true);
code_validator!(v_ethnic, codes::ETHNIC_GROUP, true);
code_validator!(v_ethnic_optional, codes::ETHNIC_GROUP, false);
code_validator!(v_id_type, codes::ID_TYPE, true);
code_validator!(v_member_id_type, codes::MEMBER_ID_TYPE, false);
code_validator!(v_hmt, codes::HMT_OVERSEAS, true);
code_validator!(v_political, codes::POLITICAL_STATUS, false);
code_validator!(v_health, codes::HEALTH_STATUS, true);
code_validator!(v_household_nature, codes::HOUSEHOLD_NATURE, true);
code_validator!(v_entry_mode, codes::ENTRY_MODE, true);
code_validator!(v_study_mode, codes::STUDY_MODE, true);
code_validator!(v_source, codes::STUDENT_SOURCE, false);
code_validator!(v_left_behind, codes::LEFT_BEHIND, true);
code_validator!(v_inclusive, codes::INCLUSIVE_CLASS, false);
code_validator!(v_disability, codes::DISABILITY_TYPE, true);
code_validator!(v_travel, codes::TRAVEL_MODE, true);
code_validator!(v_relation, codes::RELATION, true);
code_validator!(v_blood_type, codes::BLOOD_TYPE, false);

fn v_provincial_number(v: &str) -> Result<(), ValidationError> {
    if v.chars().count() > 30 {
        return Err(err("length", "学籍辅号不能超过30位"));
    }
    if v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(())
    } else {
        Err(err("chars", "学籍辅号只能包含字母、数字和“-”"))
    }
}

fn v_homepage(v: &str) -> Result<(), ValidationError> {
    if v.is_empty() {
        return Ok(());
    }
    if v.chars().count() > 200 {
        return Err(err("length", "主页地址不能超过200个字符"));
    }
    let rest = v
        .strip_prefix("http://")
        .or_else(|| v.strip_prefix("https://"))
        .unwrap_or(v);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.contains('.') && !v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Ok(())
    } else {
        Err(err("url", "主页地址应为网址，如 https://example.com"))
    }
}

fn check_person_name(v: &str, what: &'static str) -> Result<(), ValidationError> {
    let n = v.trim().chars().count();
    if n == 0 {
        return Err(err("required", format!("请填写{what}")));
    }
    if n > 50 {
        return Err(err("length", format!("{what}不能超过50个字")));
    }
    if v.chars().any(|c| {
        c.is_ascii_digit() || c.is_control() || "０１２３４５６７８９@#$%^&*<>?/\\|".contains(c)
    }) {
        return Err(err("chars", format!("{what}不能包含数字或特殊符号")));
    }
    Ok(())
}

fn v_name(v: &str) -> Result<(), ValidationError> {
    check_person_name(v, "姓名")
}

fn v_member_name(v: &str) -> Result<(), ValidationError> {
    check_person_name(v, "成员姓名")
}

fn v_pinyin(v: &str) -> Result<(), ValidationError> {
    if v.chars().count() > 100 {
        return Err(err("length", "姓名拼音不能超过100个字母"));
    }
    if v.chars()
        .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == 'ü' || c == 'Ü' || c == '·')
    {
        Ok(())
    } else {
        Err(err("chars", "姓名拼音只能包含字母和空格"))
    }
}

fn v_birthplace(v: &str) -> Result<(), ValidationError> {
    if v.is_empty() {
        return Err(err("required", "请选择出生地"));
    }
    region::check_code12(v)
        .map(|_| ())
        .map_err(|e| err("region", format!("出生地{e}")))
}

fn v_household_place(v: &str) -> Result<(), ValidationError> {
    if v.is_empty() {
        return Err(err("required", "请选择户口所在地"));
    }
    let r = if v.len() == 6 {
        region::check_code6(v)
    } else {
        region::check_code12(v)
    };
    r.map(|_| ())
        .map_err(|e| err("region", format!("户口所在地{e}")))
}

fn v_nationality(v: &str) -> Result<(), ValidationError> {
    if v.is_empty() {
        return Err(err("required", "请选择国籍/地区"));
    }
    if codes::country(v).is_some() {
        Ok(())
    } else {
        Err(err("code", format!("国籍/地区代码“{v}”不在GB/T 2659中")))
    }
}

/// Parses `YYYY-MM` (or `YYYYMM`).
pub fn parse_year_month(v: &str) -> Option<(i32, u32)> {
    if !v.is_ascii() {
        return None;
    }
    let b = v.as_bytes();
    let (y, m) = match b.len() {
        7 if b[4] == b'-' => (&v[..4], &v[5..]),
        6 => (&v[..4], &v[4..]),
        _ => return None,
    };
    if !y.bytes().chain(m.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    ((1900..=9999).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

fn v_year_month(v: &str) -> Result<(), ValidationError> {
    if v.is_empty() {
        return Err(err("required", "请填写入学年月"));
    }
    parse_year_month(v)
        .map(|_| ())
        .ok_or_else(|| err("format", "入学年月格式应为YYYY-MM"))
}

/// Mobile (11 digits starting with 1) or fixed line: optional area code (`0` + 2–3 digits,
/// optionally followed by `-`), a 7–8 digit local number not starting with 0 or 1, and an
/// optional `-` extension of 1–6 digits.
pub fn is_phone(v: &str) -> bool {
    let b = v.as_bytes();
    if b.first() == Some(&b'1') {
        return b.len() == 11 && b.iter().all(u8::is_ascii_digit);
    }
    let mut parts = v.split('-');
    let first = parts.next().unwrap_or("");
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    let local_ok =
        |s: &str| all_digits(s) && (7..=8).contains(&s.len()) && !s.starts_with(['0', '1']);
    let ext_ok = |s: Option<&str>| s.is_none_or(|e| all_digits(e) && e.len() <= 6);
    if first.starts_with('0') {
        // Area code, then the local number either after a dash or directly.
        if (3..=4).contains(&first.len()) && all_digits(first) {
            let local = parts.next().unwrap_or("");
            local_ok(local) && ext_ok(parts.next()) && parts.next().is_none()
        } else {
            let ok_split =
                (3..=4).any(|n| first.get(n..).is_some_and(local_ok) && all_digits(&first[..n]));
            ok_split && ext_ok(parts.next()) && parts.next().is_none()
        }
    } else {
        local_ok(first) && ext_ok(parts.next()) && parts.next().is_none()
    }
}

fn v_phone(v: &str) -> Result<(), ValidationError> {
    if v.is_empty() {
        return Err(err("required", "请填写联系电话"));
    }
    v_phone_optional(v)
}

fn v_phone_optional(v: &str) -> Result<(), ValidationError> {
    if v.is_empty() || is_phone(v) {
        Ok(())
    } else {
        Err(err(
            "phone",
            "联系电话应为11位手机号或固定电话（区号-号码）",
        ))
    }
}

fn v_postcode(v: &str) -> Result<(), ValidationError> {
    if v.is_empty() {
        return Err(err("required", "请填写邮政编码"));
    }
    if v.len() == 6 && v.bytes().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(err("postcode", "邮政编码应为6位数字"))
    }
}

/// An e-mail address as browsers' `<input type=email>` accept it (the HTML form spec, the rule
/// `validator`'s `email` check uses): a local part of letters, digits and
/// ``.!#$%&'*+/=?^_`{|}~-`` (at most 64), `@`, and a domain of dot-separated labels of 1–63
/// letters, digits or inner hyphens — letters in any script, so 例子.中国 passes — or an IP
/// literal in brackets. Written here rather than calling `validator`, whose check brings the
/// regex engine and the IDNA tables into the browser bundle for this one field.
pub fn is_email(v: &str) -> bool {
    let Some((user, domain)) = v.rsplit_once('@') else {
        return false;
    };
    const USER_PUNCT: &str = ".!#$%&'*+/=?^_`{|}~-";
    if user.is_empty()
        || user.chars().count() > 64
        || domain.chars().count() > 255
        || !user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || USER_PUNCT.contains(c))
    {
        return false;
    }
    if let Some(literal) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        return literal.parse::<core::net::IpAddr>().is_ok();
    }
    domain.split('.').all(|label| {
        (1..=63).contains(&label.chars().count())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    })
}

fn v_email(v: &str) -> Result<(), ValidationError> {
    if v.is_empty() || is_email(v) {
        Ok(())
    } else {
        Err(err("email", "电子信箱格式不正确"))
    }
}

/// Checks an ID-document number against its type; `Err` carries the Chinese reason. For the
/// resident ID card the parsed [`CitizenId`] is returned.
pub fn check_id_number(
    id_type: &str,
    number: &str,
    today: NaiveDate,
) -> Result<Option<CitizenId>, String> {
    if number.is_empty() {
        return if id_type == codes::ID_TYPE_OTHER || id_type.is_empty() {
            Ok(None)
        } else {
            Err("请填写身份证件号（证件类型为“其他”时可不填）".into())
        };
    }
    match id_type {
        codes::ID_TYPE_RESIDENT_CARD => CitizenId::parse(number, today)
            .map(Some)
            .map_err(|e| e.to_string()),
        "" => Ok(None),
        _ => {
            let n = number.chars().count();
            let ok = (5..=30).contains(&n)
                && number
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '(' | ')' | '-'));
            if ok {
                Ok(None)
            } else {
                Err("身份证件号应为5至30位字母、数字或括号".into())
            }
        }
    }
}

/// Age in completed years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

// ---------- collecting the errors ----------

fn field_order(field: &str) -> usize {
    let (top, rest) = match field.split_once('[') {
        Some((t, r)) => (t, Some(r)),
        None => (field, None),
    };
    let base = FIELDS
        .iter()
        .position(|s| s.field == top)
        .unwrap_or(FIELDS.len())
        * 1000;
    match rest.and_then(|r| r.split_once("].")) {
        Some((i, sub)) => {
            let i: usize = i.parse().unwrap_or(0);
            base + 1
                + i * 100
                + MEMBER_FIELDS
                    .iter()
                    .position(|s| s.field == sub)
                    .unwrap_or(99)
        }
        None => base,
    }
}

fn flatten(prefix: &str, errors: &ValidationErrors, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let name = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                if let Some(e) = list.first() {
                    let message = e
                        .message
                        .as_deref()
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("{name}无效"));
                    out.push(FieldError {
                        field: name,
                        message,
                    });
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten(&name, inner, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    flatten(&format!("{name}[{i}]"), inner, out);
                }
            }
        }
    }
}

fn push(out: &mut Vec<FieldError>, field: impl Into<String>, message: impl Into<String>) {
    out.push(FieldError {
        field: field.into(),
        message: message.into(),
    });
}

impl StudentRecord {
    /// Every violated field, in form order, at most one message per field. Empty = valid.
    pub fn validate_all(&self, rules: &RecordRules) -> Vec<FieldError> {
        let mut out = Vec::new();
        if let Err(e) = self.validate() {
            flatten("", &e, &mut out);
        }
        self.cross_checks(rules, &mut out);
        if out.len() > 1 {
            // Stable: per-field errors come before cross-field ones for the same field.
            out.sort_by_key(|e| field_order(&e.field));
            out.dedup_by(|b, a| a.field == b.field);
        }
        out
    }

    /// `Ok(())` or every violated field.
    pub fn check(&self, rules: &RecordRules) -> Result<(), Vec<FieldError>> {
        let errors = self.validate_all(rules);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The grade as a [`Grade`] under the province's 学制.
    pub fn parsed_grade(&self, lengths: &StageLengths) -> Option<Grade> {
        Grade::from_code(&self.grade, lengths)
    }

    fn cross_checks(&self, rules: &RecordRules, out: &mut Vec<FieldError>) {
        let today = rules.today;
        let gender = Gender::from_code(&self.gender);

        // Birth date: not in the future, not before 1900.
        if let Some(b) = self.birth_date {
            if b > today {
                push(out, "birth_date", "出生日期不能晚于今天");
            } else if b.year() < 1900 {
                push(out, "birth_date", "出生日期不能早于1900年");
            }
        }

        // ID number against its type; the citizen ID's birth date and gender against the record.
        match check_id_number(&self.id_type, &self.id_number, today) {
            Err(m) => push(out, "id_number", m),
            Ok(Some(id)) => {
                if let Some(b) = self.birth_date {
                    if b != id.birth_date() {
                        push(
                            out,
                            "birth_date",
                            format!(
                                "出生日期与身份证号中的出生日期（{}）不一致",
                                id.birth_date().format("%Y-%m-%d")
                            ),
                        );
                    }
                }
                if let Some(g) = gender {
                    if g != id.gender() {
                        push(
                            out,
                            "gender",
                            format!(
                                "性别与身份证号不一致：身份证号显示为{}",
                                id.gender().label()
                            ),
                        );
                    }
                }
            }
            Ok(None) => {}
        }

        // Student number: G = "G" + the ID; J only without a citizen ID.
        if !self.student_number.is_empty() {
            match StudentNumber::parse(&self.student_number, today) {
                Err(e) => push(out, "student_number", e.to_string()),
                Ok(n) => {
                    let has_citizen_id =
                        self.id_type == codes::ID_TYPE_RESIDENT_CARD && !self.id_number.is_empty();
                    match n.kind() {
                        Kind::J if has_citizen_id => {
                            push(out, "student_number", "已有居民身份证号的学生应使用G字头学籍号，J字头学籍号仅用于无身份证号的学生")
                        }
                        Kind::G => {
                            let same = has_citizen_id
                                && n.citizen_id().is_some_and(|c| c.eq_ignore_ascii_case(self.id_number.trim()));
                            if !same {
                                push(out, "student_number", "G字头学籍号应为“G”加本人居民身份证号");
                            }
                        }
                        _ => {}
                    }
                    if let (Some(b), Some(d), Kind::J) = (self.birth_date, n.date(), n.kind()) {
                        if b != d {
                            push(
                                out,
                                "student_number",
                                "J字头学籍号中的出生日期与出生日期不一致",
                            );
                        }
                    }
                }
            }
        }

        // ID validity period.
        if let Some(from) = self.id_valid_from {
            if from > today {
                push(out, "id_valid_from", "证件有效期起始日期不能晚于今天");
            } else if self.birth_date.is_some_and(|b| from < b) {
                push(out, "id_valid_from", "证件有效期起始日期不能早于出生日期");
            }
            if self.id_valid_until.is_some_and(|u| u < from) {
                push(out, "id_valid_until", "证件有效期截止日期不能早于起始日期");
            }
        } else if self.id_valid_until.is_some() {
            push(out, "id_valid_from", "请填写证件有效期起始日期");
        }

        // Nationality vs ID type.
        if self.id_type == codes::ID_TYPE_RESIDENT_CARD
            && !self.nationality.is_empty()
            && self.nationality != codes::CHINA
        {
            // 810000/820000/830000 residence permits belong to HK/Macau/Taiwan residents.
            let permit = matches!(self.id_number.get(..2), Some("81" | "82" | "83"));
            if !permit {
                push(
                    out,
                    "nationality",
                    "证件类型为居民身份证时，国籍/地区应为中国",
                );
            }
        }

        // Grade, stage and age.
        if !self.grade.is_empty() {
            match self.parsed_grade(&rules.lengths) {
                None => push(out, "grade", format!("年级代码“{}”无效", self.grade)),
                Some(g) => {
                    if !rules.school_stages.is_empty() && !rules.school_stages.contains(&g.stage) {
                        push(out, "grade", format!("本校不设{}学段", g.stage.label()));
                    }
                    // 入学方式 depends on the stage (11/12 compulsory, 21/22/23/99 senior).
                    let allowed = codes::entry_modes_for(g.stage);
                    if codes::ENTRY_MODE.contains(&self.entry_mode)
                        && !allowed.contains(&self.entry_mode.as_str())
                    {
                        let names: Vec<String> = allowed
                            .iter()
                            .map(|c| format!("{c} {}", codes::ENTRY_MODE.label(c).unwrap_or("")))
                            .collect();
                        push(
                            out,
                            "entry_mode",
                            format!(
                                "{}学段的入学方式只能是{}",
                                g.stage.label(),
                                names.join("、")
                            ),
                        );
                    }
                    if let Some(b) = self.birth_date.filter(|b| *b <= today) {
                        let r = rules.age_bounds.for_stage(g.stage);
                        let age = age_on(b, today);
                        if age < i32::from(r.min) || age > i32::from(r.max) {
                            push(
                                out,
                                "birth_date",
                                format!(
                                    "{}学生年龄应在{}至{}周岁之间，当前为{}周岁",
                                    g.stage.label(),
                                    r.min,
                                    r.max,
                                    age
                                ),
                            );
                        }
                        if let (Some(min), Some((y, _))) = (
                            rules.grade1_min_age,
                            parse_year_month(&self.entry_year_month),
                        ) {
                            let cutoff = NaiveDate::from_ymd_opt(y, 8, 31);
                            if g.stage == Stage::Primary
                                && g.year == 1
                                && cutoff.is_some_and(|c| age_on(b, c) < i32::from(min))
                            {
                                push(
                                    out,
                                    "birth_date",
                                    format!("小学新生应在入学当年8月31日前年满{min}周岁"),
                                );
                            }
                        }
                    }
                }
            }
        }

        // Entry year-month: not before birth, not in the future.
        if let Some((y, m)) = parse_year_month(&self.entry_year_month) {
            if (y, m) > (today.year(), today.month()) {
                push(out, "entry_year_month", "入学年月不能晚于当前月份");
            } else if self
                .birth_date
                .is_some_and(|b| (y, m) < (b.year(), b.month()))
            {
                push(out, "entry_year_month", "入学年月不能早于出生日期");
            }
        }

        // Support fields.
        let disabled = !self.disability_type.is_empty() && self.disability_type != "0";
        if !self.inclusive_class.is_empty()
            && self.inclusive_class != "0"
            && self.disability_type == "0"
        {
            push(out, "disability_type", "随班就读的学生应填写残疾人类型");
        }
        if self.health_status == codes::HEALTH_DISABLED && self.disability_type == "0" {
            push(out, "disability_type", "健康状况为残疾时应填写残疾人类型");
        }
        if disabled
            && !self.health_status.is_empty()
            && self.health_status != codes::HEALTH_DISABLED
        {
            push(out, "health_status", "已填写残疾人类型时，健康状况应为残疾");
        }
        if self.migrant_child && !self.left_behind.is_empty() && self.left_behind != "0" {
            push(out, "left_behind", "进城务工人员随迁子女不能同时是留守儿童");
        }
        if self.needs_school_bus && self.distance_km.is_some_and(|d| d == 0.0) {
            push(out, "distance_km", "需要乘坐校车时上下学距离应大于0");
        }

        // Family members.
        if !self.family_members.is_empty() && !self.family_members.iter().any(|m| m.is_guardian) {
            push(out, "family_members", "至少一名家庭成员应为监护人");
        }
        for (i, m) in self.family_members.iter().enumerate() {
            if m.relation == codes::RELATION_OTHER && m.relation_note.trim().is_empty() {
                push(
                    out,
                    format!("family_members[{i}].relation_note"),
                    "关系为“其他”时请填写关系说明",
                );
            }
            if m.is_guardian && m.phone.is_empty() {
                push(
                    out,
                    format!("family_members[{i}].phone"),
                    "请填写监护人的联系电话",
                );
            }
            if !m.id_number.is_empty() {
                if m.id_type.is_empty() {
                    push(
                        out,
                        format!("family_members[{i}].id_type"),
                        "填写身份证件号时请选择身份证件类型",
                    );
                } else if let Err(msg) = check_id_number(&m.id_type, &m.id_number, today) {
                    push(out, format!("family_members[{i}].id_number"), msg);
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #[test]
    fn e_mail_addresses() {
        for ok in [
            "parent@example.com",
            "a.b+c_d@sub.example.cn",
            "x@localhost",
            "wang@例子.中国",
            "u@[127.0.0.1]",
            "u@[::1]",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "not-an-email",
            "@example.com",
            "a@",
            "a@-x.com",
            "a@x-.com",
            "a@x..com",
            "a@x.com.",
            "a b@x.com",
            "张@x.com",
            "a@x_y.com",
            "a@[1.2.3]",
            &format!("{}@x.com", "a".repeat(65)),
            &format!("a@{}.com", "b".repeat(64)),
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    proptest::proptest! {
        /// On ASCII addresses the hand-written check gives `validator`'s verdict.
        #[test]
        fn e_mail_check_agrees_with_validator(v in "[a-z0-9._+@\\[\\]:-]{0,20}(@[a-z0-9.-]{0,12})?") {
            use validator::ValidateEmail;
            proptest::prop_assert_eq!(is_email(&v), v.validate_email(), "{}", v);
        }
    }

    use super::*;

    pub(crate) fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 9, 15).unwrap()
    }

    /// A complete, valid record: a girl born 2016-03-05 in 北京市朝阳区, grade 4.
    pub(crate) fn valid_record() -> StudentRecord {
        let id = crate::citizen_id::compose(
            110105,
            NaiveDate::from_ymd_opt(2016, 3, 5).unwrap(),
            124,
            today(),
        )
        .unwrap();
        StudentRecord {
            name: "阿依古丽·买买提".into(),
            name_pinyin: "AYIGULI MAIMAITI".into(),
            gender: "2".into(),
            birth_date: Some(NaiveDate::from_ymd_opt(2016, 3, 5).unwrap()),
            birthplace: "110105001001".into(),
            native_place: "新疆喀什".into(),
            ethnic_group: "05".into(),
            nationality: "CHN".into(),
            id_type: "1".into(),
            id_number: id.as_str().into(),
            hmt_overseas: "00".into(),
            political_status: "13".into(),
            health_status: "10".into(),
            id_valid_from: Some(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()),
            id_valid_until: Some(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()),
            household_place: "110105001001".into(),
            household_nature: "2".into(),
            student_number: format!("G{}", id.as_str()),
            number_in_class: "12".into(),
            grade: "14".into(),
            class_name: "4班".into(),
            entry_year_month: "2022-09".into(),
            entry_mode: "11".into(),
            study_mode: "1".into(),
            student_source: "1".into(),
            current_address: "北京市朝阳区某街1号".into(),
            postal_address: "北京市朝阳区某街1号".into(),
            home_address: "北京市朝阳区某街1号".into(),
            phone: "13800138000".into(),
            postcode: "100020".into(),
            email: "parent@example.com".into(),
            left_behind: "0".into(),
            inclusive_class: "0".into(),
            disability_type: "0".into(),
            distance_km: Some(1.5),
            travel_mode: "1".into(),
            family_members: vec![FamilyMember {
                name: "买买提".into(),
                relation: "1".into(),
                phone: "010-85551234".into(),
                is_guardian: true,
                ethnic_group: "05".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    fn rules() -> RecordRules {
        RecordRules::new(today())
    }

    #[test]
    fn a_valid_record_passes() {
        assert_eq!(valid_record().validate_all(&rules()), vec![]);
        assert_eq!(valid_record().check(&rules()), Ok(()));
    }

    #[test]
    fn an_empty_record_reports_every_required_field_in_form_order() {
        let errors = StudentRecord::default().validate_all(&rules());
        let got = fields(&errors);
        // Every required non-boolean field is reported, in form order.
        let bools = [
            "only_child",
            "preschool",
            "migrant_child",
            "orphan",
            "martyr_child",
            "government_place",
            "needs_aid",
            "receives_subsidy",
            "needs_school_bus",
        ];
        let expected: Vec<&str> = FIELDS
            .iter()
            // id_number is required only once an ID type is chosen.
            .filter(|s| s.required && !bools.contains(&s.field) && s.field != "id_number")
            .map(|s| s.field)
            .collect();
        assert_eq!(got, expected);
        assert!(errors.iter().all(|e| !e.message.is_empty()));
        let msg = |f: &str| {
            errors
                .iter()
                .find(|e| e.field == f)
                .unwrap()
                .message
                .clone()
        };
        assert_eq!(msg("ethnic_group"), "请选择民族");
        assert_eq!(msg("birth_date"), "请填写出生日期");
        assert_eq!(msg("family_members"), "请填写1至2名家庭成员或监护人");
    }

    #[test]
    fn format_errors_each_field() {
        let mut r = valid_record();
        r.name = "张3".into();
        r.name_pinyin = "张".into();
        r.gender = "3".into();
        r.birthplace = "999999001001".into();
        r.ethnic_group = "60".into();
        r.nationality = "XXX".into();
        r.id_type = "Q".into();
        r.hmt_overseas = "77".into();
        r.political_status = "99".into();
        r.health_status = "1".into();
        r.household_place = "12345".into();
        r.household_nature = "3".into();
        r.grade = "19".into();
        r.class_name = String::new();
        r.entry_year_month = "2022-13".into();
        r.entry_mode = "x".into();
        r.study_mode = "3".into();
        r.student_source = "3".into();
        r.current_address = String::new();
        r.phone = "12345".into();
        r.postcode = "1000".into();
        r.email = "not-an-email".into();
        r.left_behind = "3".into();
        r.inclusive_class = "5".into();
        r.disability_type = "9".into();
        r.distance_km = Some(-1.0);
        r.travel_mode = "0".into();
        r.remarks = "字".repeat(501);
        let errors = r.validate_all(&rules());
        let got = fields(&errors);
        for f in [
            "name",
            "name_pinyin",
            "gender",
            "birthplace",
            "ethnic_group",
            "nationality",
            "id_type",
            "hmt_overseas",
            "political_status",
            "health_status",
            "household_place",
            "household_nature",
            "grade",
            "class_name",
            "entry_year_month",
            "entry_mode",
            "study_mode",
            "student_source",
            "current_address",
            "phone",
            "postcode",
            "email",
            "left_behind",
            "inclusive_class",
            "disability_type",
            "distance_km",
            "travel_mode",
            "remarks",
        ] {
            assert!(got.contains(&f), "{f} missing from {got:?}");
        }
        let msg = |f: &str| {
            errors
                .iter()
                .find(|e| e.field == f)
                .unwrap()
                .message
                .clone()
        };
        assert_eq!(msg("ethnic_group"), "民族代码“60”无效");
        assert!(msg("birthplace").contains("999999"));
        assert_eq!(msg("grade"), "年级代码“19”无效");
    }

    #[test]
    fn id_number_must_agree_with_birth_date_and_gender() {
        let mut r = valid_record();
        r.birth_date = Some(NaiveDate::from_ymd_opt(2016, 3, 6).unwrap());
        r.gender = "1".into();
        let errors = r.validate_all(&rules());
        assert_eq!(fields(&errors), vec!["gender", "birth_date"]);
        assert!(errors[0].message.contains("女"));
        assert!(errors[1].message.contains("2016-03-05"));
    }

    #[test]
    fn id_number_rules_by_type() {
        let mut r = valid_record();
        r.id_number = "11010520160305124".into();
        let e = r.validate_all(&rules());
        assert_eq!(fields(&e), vec!["id_number", "student_number"]);
        assert!(e[0].message.contains("18位"));
        // Wrong check character names the expected one.
        let mut r = valid_record();
        let mut n = r.id_number.clone();
        let last = n.pop().unwrap();
        n.push(if last == '0' { '1' } else { '0' });
        r.id_number = n;
        let e = r.validate_all(&rules());
        assert!(
            e[0].message.contains(&format!("应为“{last}”")),
            "{}",
            e[0].message
        );
        // Required unless 其他.
        let mut r = valid_record();
        r.id_number.clear();
        r.student_number.clear();
        assert_eq!(fields(&r.validate_all(&rules())), vec!["id_number"]);
        r.id_type = codes::ID_TYPE_OTHER.into();
        assert_eq!(r.validate_all(&rules()), vec![]);
        // Passport: letters and digits.
        r.id_type = "A".into();
        r.nationality = "USA".into();
        r.id_number = "E12345678".into();
        assert_eq!(r.validate_all(&rules()), vec![]);
        r.id_number = "护照".into();
        assert_eq!(fields(&r.validate_all(&rules())), vec!["id_number"]);
    }

    #[test]
    fn nationality_must_be_china_for_resident_cards() {
        let mut r = valid_record();
        r.nationality = "USA".into();
        assert_eq!(fields(&r.validate_all(&rules())), vec!["nationality"]);
        // A Hong Kong residence permit (810000…) may carry HKG.
        let id = crate::citizen_id::compose(810000, r.birth_date.unwrap(), 124, today()).unwrap();
        r.id_number = id.as_str().into();
        r.student_number = format!("G{id}");
        r.nationality = "HKG".into();
        assert_eq!(r.validate_all(&rules()), vec![]);
    }

    #[test]
    fn student_number_rules() {
        let mut r = valid_record();
        let j = StudentNumber::generate_j(110105, r.birth_date.unwrap(), 1, today()).unwrap();
        r.student_number = j.to_string();
        let e = r.validate_all(&rules());
        assert_eq!(fields(&e), vec!["student_number"]);
        assert!(e[0].message.contains("J字头"));
        // Without an ID the J number is right.
        r.id_type = codes::ID_TYPE_OTHER.into();
        r.id_number.clear();
        assert_eq!(r.validate_all(&rules()), vec![]);
        // A J number with another birth date.
        let j2 = StudentNumber::generate_j(
            110105,
            NaiveDate::from_ymd_opt(2016, 3, 6).unwrap(),
            1,
            today(),
        )
        .unwrap();
        r.student_number = j2.to_string();
        assert_eq!(fields(&r.validate_all(&rules())), vec!["student_number"]);
        // A G number of someone else.
        let mut r = valid_record();
        r.student_number = "G11010519491231002X".into();
        assert_eq!(fields(&r.validate_all(&rules())), vec!["student_number"]);
        r.student_number = "G123".into();
        assert_eq!(fields(&r.validate_all(&rules())), vec!["student_number"]);
        // L numbers are fine.
        r.student_number = StudentNumber::generate_l(110105, 5, today())
            .unwrap()
            .to_string();
        assert_eq!(r.validate_all(&rules()), vec![]);
    }

    #[test]
    fn dates_and_validity() {
        let mut r = valid_record();
        r.id_valid_from = Some(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        r.id_valid_until = Some(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        r.entry_year_month = "2026-09".into();
        assert_eq!(
            fields(&r.validate_all(&rules())),
            vec!["id_valid_from", "id_valid_until", "entry_year_month"]
        );
        let mut r = valid_record();
        r.id_valid_from = Some(NaiveDate::from_ymd_opt(2010, 1, 1).unwrap());
        r.entry_year_month = "201512".into();
        assert_eq!(
            fields(&r.validate_all(&rules())),
            vec!["id_valid_from", "entry_year_month"]
        );
        let mut r = valid_record();
        r.id_valid_from = None;
        assert_eq!(fields(&r.validate_all(&rules())), vec!["id_valid_from"]);
        r.id_valid_until = None; // 长期 without a start is simply not filled
        assert_eq!(r.validate_all(&rules()), vec![]);
        assert_eq!(parse_year_month("2022-09"), Some((2022, 9)));
        assert_eq!(parse_year_month("202209"), Some((2022, 9)));
        assert_eq!(parse_year_month("2022/09"), None);
        assert_eq!(parse_year_month("22-09"), None);
    }

    #[test]
    fn future_and_ancient_birth_dates() {
        let mut r = valid_record();
        r.id_type = codes::ID_TYPE_OTHER.into();
        r.id_number.clear();
        r.student_number.clear();
        r.birth_date = Some(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let e = r.validate_all(&rules());
        assert_eq!(e[0].message, "出生日期不能晚于今天");
        r.birth_date = Some(NaiveDate::from_ymd_opt(1899, 1, 1).unwrap());
        let e = r.validate_all(&rules());
        assert_eq!(e[0].message, "出生日期不能早于1900年");
    }

    #[test]
    fn entry_mode_depends_on_the_stage() {
        // Compulsory education: 11, 12; senior high: 21, 22, 23, 99 (the form's rule).
        let cases = [
            ("14", "11", true),
            ("14", "12", true),
            ("23", "11", true),
            ("14", "21", false),
            ("14", "99", false),
            ("31", "21", true),
            ("31", "22", true),
            ("31", "23", true),
            ("31", "99", true),
            ("31", "11", false),
            ("31", "12", false),
        ];
        for (grade, mode, ok) in cases {
            let mut r = valid_record();
            r.grade = grade.into();
            r.entry_mode = mode.into();
            // Keep the age inside the stage's bounds.
            let mut rules = rules();
            rules.age_bounds.senior = AgeRange { min: 5, max: 30 };
            rules.age_bounds.junior = AgeRange { min: 5, max: 30 };
            let e = r.validate_all(&rules);
            let bad = e.iter().find(|e| e.field == "entry_mode");
            assert_eq!(bad.is_none(), ok, "{grade} {mode}: {e:?}");
            if let Some(b) = bad {
                assert!(
                    b.message.starts_with("入学方式") || b.message.contains("学段的入学方式只能是"),
                    "{}",
                    b.message
                );
            }
        }
        let mut r = valid_record();
        r.entry_mode = "21".into();
        let e = r.validate_all(&rules());
        assert_eq!(
            e[0].message,
            "小学学段的入学方式只能是11 就近入学、12 义务教育阶段其他"
        );
    }

    #[test]
    fn optional_and_required_fields_follow_the_form() {
        // Not starred on the form: 政治面貌, 学生来源, 随班就读. Starred: 邮政编码.
        let mut r = valid_record();
        r.political_status.clear();
        r.student_source.clear();
        r.inclusive_class.clear();
        assert_eq!(r.validate_all(&rules()), vec![]);
        r.postcode.clear();
        let e = r.validate_all(&rules());
        assert_eq!(fields(&e), vec!["postcode"]);
        assert_eq!(e[0].message, "请填写邮政编码");
        for (field, required) in [
            ("political_status", false),
            ("student_source", false),
            ("inclusive_class", false),
            ("postcode", true),
        ] {
            assert_eq!(
                FIELDS.iter().find(|f| f.field == field).map(|f| f.required),
                Some(required),
                "{field}"
            );
        }
        let travel = FIELDS.iter().find(|f| f.field == "travel_mode").unwrap();
        assert_eq!(travel.label, "上下学交通方式");
    }

    #[test]
    fn fields_added_from_the_national_form() {
        let mut r = valid_record();
        r.blood_type = "3".into();
        r.provincial_number = "33010620160305001".into();
        r.homepage = "https://example.com/~ayi".into();
        assert_eq!(r.validate_all(&rules()), vec![]);
        r.blood_type = "11".into();
        r.provincial_number = "学籍1".into();
        r.homepage = "not a url".into();
        let e = r.validate_all(&rules());
        assert_eq!(
            fields(&e),
            vec!["blood_type", "provincial_number", "homepage"]
        );
        assert_eq!(e[0].message, "血型代码“11”无效");
        for (field, label) in [
            ("blood_type", "血型"),
            ("provincial_number", "学籍辅号"),
            ("homepage", "主页地址"),
        ] {
            let f = FIELDS.iter().find(|f| f.field == field).unwrap();
            assert_eq!((f.label, f.required), (label, false));
        }
    }

    #[test]
    fn family_members_take_the_full_id_type_list() {
        let mut r = valid_record();
        r.family_members[0].id_type = "2".into(); // 军官证
        r.family_members[0].id_number = "军字第123456号".into();
        let e = r.validate_all(&rules());
        // The type is accepted; the number is checked as a generic document number.
        assert_eq!(fields(&e), vec!["family_members[0].id_number"]);
        r.family_members[0].id_number = "JG1234567".into();
        assert_eq!(r.validate_all(&rules()), vec![]);
        r.family_members[0].id_type = "B".into(); // 户口簿
        assert_eq!(r.validate_all(&rules()), vec![]);
        r.family_members[0].id_type = "Q".into();
        assert_eq!(
            fields(&r.validate_all(&rules())),
            vec!["family_members[0].id_type"]
        );
        // The student's own type stays the form's seven.
        let mut r = valid_record();
        r.id_type = "2".into();
        assert!(fields(&r.validate_all(&rules())).contains(&"id_type"));
    }

    #[test]
    fn stage_age_bounds_and_grade1_control() {
        let mut r = valid_record();
        r.grade = "31".into(); // senior, 9 years old
        r.entry_mode = "21".into();
        let e = r.validate_all(&rules());
        assert_eq!(fields(&e), vec!["birth_date"]);
        assert!(e[0].message.contains("高中学生年龄应在12至25周岁之间"));
        // School without a senior stage.
        let mut rules2 = rules();
        rules2.school_stages = vec![Stage::Primary];
        rules2.age_bounds.senior = AgeRange { min: 5, max: 30 };
        assert_eq!(fields(&r.validate_all(&rules2)), vec!["grade"]);
        // Grade-1 age control: born 2019-09-01, entering 2025-09: 5 on 31 August.
        let mut r = valid_record();
        r.id_type = codes::ID_TYPE_OTHER.into();
        r.id_number.clear();
        r.student_number.clear();
        r.grade = "11".into();
        r.birth_date = Some(NaiveDate::from_ymd_opt(2019, 9, 1).unwrap());
        r.entry_year_month = "2025-09".into();
        let mut rules3 = rules();
        assert_eq!(r.validate_all(&rules3), vec![]);
        rules3.grade1_min_age = Some(6);
        let e = r.validate_all(&rules3);
        assert_eq!(e[0].message, "小学新生应在入学当年8月31日前年满6周岁");
        r.birth_date = Some(NaiveDate::from_ymd_opt(2019, 8, 31).unwrap());
        assert_eq!(r.validate_all(&rules3), vec![]);
        // 五四制 accepts junior grade 4.
        let mut r = valid_record();
        r.grade = "24".into();
        r.birth_date = Some(NaiveDate::from_ymd_opt(2011, 3, 5).unwrap());
        r.id_type = codes::ID_TYPE_OTHER.into();
        r.id_number.clear();
        r.student_number.clear();
        assert_eq!(fields(&r.validate_all(&rules())), vec!["grade"]);
        let mut rules54 = rules();
        rules54.lengths = StageLengths::new(5, 4, 3).unwrap();
        assert_eq!(r.validate_all(&rules54), vec![]);
    }

    #[test]
    fn support_field_consistency() {
        let mut r = valid_record();
        r.inclusive_class = "1".into();
        assert_eq!(fields(&r.validate_all(&rules())), vec!["disability_type"]);
        r.disability_type = "1".into();
        assert_eq!(fields(&r.validate_all(&rules())), vec!["health_status"]);
        r.health_status = codes::HEALTH_DISABLED.into();
        assert_eq!(r.validate_all(&rules()), vec![]);
        r.disability_type = "0".into();
        r.inclusive_class = "0".into();
        assert_eq!(fields(&r.validate_all(&rules())), vec!["disability_type"]);
        let mut r = valid_record();
        r.migrant_child = true;
        r.left_behind = "2".into();
        assert_eq!(fields(&r.validate_all(&rules())), vec!["left_behind"]);
        let mut r = valid_record();
        r.needs_school_bus = true;
        r.distance_km = Some(0.0);
        assert_eq!(fields(&r.validate_all(&rules())), vec!["distance_km"]);
    }

    #[test]
    fn family_member_rules() {
        let mut r = valid_record();
        r.family_members[0].is_guardian = false;
        r.family_members.push(FamilyMember {
            name: String::new(),
            relation: codes::RELATION_OTHER.into(),
            is_guardian: true,
            id_number: "123".into(),
            ..Default::default()
        });
        let got: Vec<String> = r
            .validate_all(&rules())
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            got,
            vec![
                "family_members[1].name",
                "family_members[1].relation_note",
                "family_members[1].phone",
                "family_members[1].id_type",
            ]
        );
        r.family_members[1].id_type = "1".into();
        let e = r.validate_all(&rules());
        assert!(e
            .iter()
            .any(|e| e.field == "family_members[1].id_number" && e.message.contains("18位")));
        let mut r = valid_record();
        r.family_members[0].is_guardian = false;
        assert_eq!(fields(&r.validate_all(&rules())), vec!["family_members"]);
        r.family_members = vec![FamilyMember::default(); 3];
        assert!(fields(&r.validate_all(&rules())).contains(&"family_members"));
    }

    #[test]
    fn phones() {
        for ok in [
            "13800138000",
            "010-85551234",
            "0991-2345678-801",
            "01085551234",
            "85551234",
        ] {
            assert!(is_phone(ok), "{ok}");
        }
        for bad in [
            "1380013800",
            "010-0123456",
            "0101",
            "23800138000x",
            "-85551234",
            "123",
            "010--",
            "010-0123456",
            "0101",
        ] {
            assert!(!is_phone(bad), "{bad}");
        }
    }

    #[test]
    fn serde_uses_snake_case_names_and_tolerates_missing_fields() {
        let json = serde_json::to_value(valid_record()).unwrap();
        for s in FIELDS {
            assert!(json.get(s.field).is_some(), "{}", s.field);
        }
        let r: StudentRecord = serde_json::from_str(r#"{"name":"张三"}"#).unwrap();
        assert_eq!(r.name, "张三");
        assert!(!r.validate_all(&rules()).is_empty());
        let back: StudentRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, valid_record());
    }

    #[test]
    fn ages() {
        let b = NaiveDate::from_ymd_opt(2016, 3, 5).unwrap();
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2025, 3, 4).unwrap()), 8);
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2025, 3, 5).unwrap()), 9);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// The form calls validation on every keystroke: no input may make it panic.
            #[test]
            fn validation_never_panics(
                texts in prop::collection::vec(".{0,24}", 12),
                digits in prop::collection::vec("[0-9０-９xX-]{0,20}", 6),
            ) {
                let mut r = valid_record();
                r.name = texts[0].clone();
                r.name_pinyin = texts[1].clone();
                r.gender = texts[2].clone();
                r.ethnic_group = texts[3].clone();
                r.nationality = texts[4].clone();
                r.id_type = texts[5].clone();
                r.entry_year_month = texts[6].clone();
                r.phone = texts[7].clone();
                r.email = texts[8].clone();
                r.grade = texts[9].clone();
                r.student_number = texts[10].clone();
                r.family_members[0].id_type = "1".into();
                r.family_members[0].id_number = texts[11].clone();
                let _ = r.validate_all(&rules());
                r.id_type = "1".into();
                r.id_number = digits[0].clone();
                r.birthplace = digits[1].clone();
                r.household_place = digits[2].clone();
                r.entry_year_month = digits[3].clone();
                r.phone = digits[4].clone();
                r.student_number = format!("J{}", digits[5]);
                let _ = r.validate_all(&rules());
            }
        }
    }
}
