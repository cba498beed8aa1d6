//! Bulk registration by spreadsheet (批量注册): the template's columns, reading a row of cells
//! into a [`StudentRecord`], and the per-row report.
//!
//! Rule (issue 5 "Register in bulk"; seed 001 第一章): every row of an uploaded template is
//! checked by exactly the rules of a single registration ([`StudentRecord::validate_all`]);
//! the result is a report of (row, field, Chinese reason). Within one file the same person may
//! appear only once: a row whose ID key ([`dedup::id_key`]) or, for students without an ID,
//! whose person key ([`dedup::person_key`]) equals an earlier row's is an error on the later
//! row naming the earlier one — the same keys as the national duplicate check.
//!
//! The template has one column per field of [`record::FIELDS`] (without `family_members`),
//! then the fields of two family members ([`record::MEMBER_FIELDS`], headers `成员1姓名`, …).
//! A header is the field's Chinese label, with `*` in front when the field is required.
//! Code columns accept the code (`01`), the code and its name (`01 汉族`, as the template's
//! drop-down lists offer) or the name alone (`汉族`); booleans accept 是/否 (also 1/0, Y/N,
//! true/false); dates `YYYY-MM-DD` (also `YYYY/MM/DD`, `YYYYMMDD`, or a date cell, which the
//! server turns into [`Cell::Date`]). Everything here is pure: no I/O, no clock.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::api::FieldError;
use crate::codes::{self, CodeTable, Gender};
use crate::dedup;
use crate::record::{FamilyMember, RecordRules, StudentRecord, FIELDS, MEMBER_FIELDS};
use crate::stage::{Stage, StageLengths};

/// Family-member column groups in the template (the form has at most two members).
pub const MEMBERS: usize = 2;
/// Most data rows one file may have.
pub const MAX_ROWS: usize = 100_000;
/// Name of the data sheet of the template.
pub const DATA_SHEET: &str = "学生信息";
/// Name of the sheet listing every code table.
pub const CODES_SHEET: &str = "代码说明";

/// How a column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    /// `YYYY-MM-DD`
    Date,
    /// `YYYY-MM`
    YearMonth,
    /// 是 / 否
    Bool,
    /// A decimal number (上下学距离).
    Number,
    /// A code of a [`CodeTable`].
    Code(&'static CodeTable),
    /// GB/T 2659 alpha-3 (国籍/地区).
    Country,
    /// National grade code (年级).
    Grade,
    /// 身份证件有效期 as one cell (`20200101-20301231`, `20200101-长期`): the national layout.
    IdValidity,
    /// A column of the national template that xueji does not keep (学籍接续标识, 学校标识码):
    /// read and ignored, written empty.
    Ignore,
}

/// One column of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The record field: `name`, or `family_members[0].name`.
    pub field: String,
    /// Chinese label: `姓名`, `成员1姓名`.
    pub label: String,
    pub required: bool,
    pub kind: ValueKind,
    /// How to fill it (shown as a note on the header cell).
    pub hint: String,
    /// The member this column belongs to, if any.
    pub member: Option<usize>,
}

impl Column {
    /// The header cell: the label, with `*` in front when required.
    pub fn header(&self) -> String {
        if self.required {
            format!("*{}", self.label)
        } else {
            self.label.clone()
        }
    }

    /// The values a drop-down list offers (`01 汉族`), for code, grade and boolean columns.
    pub fn choices(&self) -> Option<Vec<String>> {
        match self.kind {
            ValueKind::Code(t) => Some(t.entries.iter().map(|(c, l)| format!("{c} {l}")).collect()),
            ValueKind::Country => Some(
                codes::countries()
                    .map(|c| format!("{} {}", c.alpha3, c.name))
                    .collect(),
            ),
            ValueKind::Grade => Some(grade_choices()),
            ValueKind::Bool => Some(vec!["是".into(), "否".into()]),
            _ => None,
        }
    }

    /// Whether the column holds digits that spreadsheet programs would turn into numbers
    /// (ID numbers, phones, codes): the template formats it as text.
    pub fn is_text_like(&self) -> bool {
        matches!(
            self.kind,
            ValueKind::Text
                | ValueKind::Code(_)
                | ValueKind::Grade
                | ValueKind::IdValidity
                | ValueKind::Ignore
        )
    }
}

/// Which template a sheet follows: xueji's own (one column per field of [`FIELDS`], codes), or
/// the national student-status system's import template (学生信息模板: its column names and
/// order, e.g. 学籍接续标识, 学校标识码, 姓名, …, 成员2职务; cells with the form's labels or codes).
/// Bulk registration recognises either by its header row ([`match_header`]); exports can be
/// written in either ([`record_cells_in`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    #[default]
    Xueji,
    National,
}

impl Layout {
    pub const ALL: [Layout; 2] = [Layout::Xueji, Layout::National];

    /// Chinese name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Layout::Xueji => "本系统的导入模板",
            Layout::National => "全国学籍系统的导入模板",
        }
    }

    /// From a query parameter: `xueji` / `national`.
    pub fn parse(s: &str) -> Option<Layout> {
        match s {
            "xueji" => Some(Layout::Xueji),
            "national" => Some(Layout::National),
            _ => None,
        }
    }
}

/// The national import template's columns, in order, with the record field each one fills
/// (`""` = not kept, `id_valid` = both validity dates). Source: the national system's
/// 学生信息模板 as replicated by school systems that read and write it (a PHP importer found
/// in the code index reads exactly these 71 columns A–BS; another's export writes the same
/// headers after its own 编号/区县/就读学校), and the list of its first columns.
pub const NATIONAL_COLUMNS: &[(&str, &str)] = &[
    ("学籍接续标识", ""),
    ("学校标识码", ""),
    ("姓名", "name"),
    ("性别", "gender"),
    ("出生日期", "birth_date"),
    ("身份证件类型", "id_type"),
    ("身份证件号", "id_number"),
    ("出生地行政区划代码", "birthplace"),
    ("民族", "ethnic_group"),
    ("国籍/地区", "nationality"),
    ("港澳台侨外", "hmt_overseas"),
    ("户口性质", "household_nature"),
    ("户口所在地行政区划", "household_place"),
    ("现住址", "current_address"),
    ("是否独生子女", "only_child"),
    ("是否留守儿童", "left_behind"),
    ("是否进城务工人员随迁子女", "migrant_child"),
    ("是否孤儿", "orphan"),
    ("籍贯", "native_place"),
    ("健康状况", "health_status"),
    ("政治面貌", "political_status"),
    ("年级", "grade"),
    ("班级号", "class_name"),
    ("入学年月", "entry_year_month"),
    ("入学方式", "entry_mode"),
    ("就读方式", "study_mode"),
    ("通信地址", "postal_address"),
    ("家庭地址", "home_address"),
    ("联系电话", "phone"),
    ("邮政编码", "postcode"),
    ("是否受过学前教育", "preschool"),
    ("残疾人类型", "disability_type"),
    ("是否由政府购买学位", "government_place"),
    ("是否需要申请资助", "needs_aid"),
    ("是否享受一补", "receives_subsidy"),
    ("是否烈士或优抚子女", "martyr_child"),
    ("上下学距离", "distance_km"),
    ("上下学交通方式", "travel_mode"),
    ("是否乘坐校车", "needs_school_bus"),
    ("曾用名", "former_name"),
    ("身份证件有效期", "id_valid"),
    ("特长", "specialty"),
    ("学籍辅号", "provincial_number"),
    ("班内学号", "number_in_class"),
    ("学生来源", "student_source"),
    ("电子信箱", "email"),
    ("主页地址", "homepage"),
];

/// The national template's columns of each family member (`成员1姓名`, …), in order.
pub const NATIONAL_MEMBER_COLUMNS: &[(&str, &str)] = &[
    ("姓名", "name"),
    ("关系", "relation"),
    ("关系说明", "relation_note"),
    ("现住址", "address"),
    ("户口所在地行政区划", "household_place"),
    ("联系电话", "phone"),
    ("是否监护人", "is_guardian"),
    ("身份证件类型", "id_type"),
    ("身份证件号", "id_number"),
    ("民族", "ethnic_group"),
    ("工作单位", "employer"),
    ("职务", "post"),
];

/// Fields the national template lacks: xueji writes them after its columns (so an export in the
/// national layout loses nothing) and reads them when present.
const NATIONAL_EXTRAS: &[&str] = &[
    "name_pinyin",
    "inclusive_class",
    "blood_type",
    "student_number",
    "remarks",
];

/// National columns a sheet may leave out (older versions of the template lack them; the
/// ignored ones carry nothing xueji keeps).
const NATIONAL_OPTIONAL: &[&str] = &["学籍接续标识", "学校标识码", "学籍辅号", "主页地址"];

fn spec_of(field: &str) -> Option<&'static crate::record::FieldSpec> {
    FIELDS.iter().find(|f| f.field == field)
}

/// The columns of a layout, in order.
pub fn columns_of(layout: Layout) -> &'static [Column] {
    match layout {
        Layout::Xueji => columns(),
        Layout::National => national_columns(),
    }
}

fn national_columns() -> &'static [Column] {
    static COLUMNS: OnceLock<Vec<Column>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let mut out = Vec::new();
        for &(label, field) in NATIONAL_COLUMNS {
            let (kind, required) = match field {
                "" => (ValueKind::Ignore, false),
                "id_valid" => (ValueKind::IdValidity, false),
                f => {
                    let spec = spec_of(f);
                    (
                        kind_of(f, spec.and_then(|s| s.table)),
                        spec.is_some_and(|s| s.required),
                    )
                }
            };
            let hint = match kind {
                ValueKind::Ignore => "全国学籍系统的列，本系统不保存".to_owned(),
                ValueKind::IdValidity => {
                    "选填。起止日期，如 20200101-20301231，长期有效填 20200101-长期".to_owned()
                }
                _ => hint_of(field, kind, required),
            };
            out.push(Column {
                field: field.to_owned(),
                label: label.to_owned(),
                required,
                kind,
                hint,
                member: None,
            });
        }
        for i in 0..MEMBERS {
            for &(label, field) in NATIONAL_MEMBER_COLUMNS {
                let spec = MEMBER_FIELDS.iter().find(|f| f.field == field);
                let kind = kind_of(field, spec.and_then(|s| s.table));
                let required = i == 0 && spec.is_some_and(|s| s.required);
                out.push(Column {
                    field: format!("family_members[{i}].{field}"),
                    label: format!("成员{}{label}", i + 1),
                    required,
                    kind,
                    hint: hint_of(field, kind, required),
                    member: Some(i),
                });
            }
        }
        for f in NATIONAL_EXTRAS {
            if let Some(c) = columns().iter().find(|c| c.field == *f) {
                out.push(c.clone());
            }
        }
        out
    })
}

fn grade_choices() -> Vec<String> {
    let lengths = StageLengths {
        primary: 6,
        junior: 4,
        senior: 3,
    };
    Stage::ALL
        .iter()
        .flat_map(|s| {
            (1..=lengths.years(*s)).map(move |y| crate::stage::Grade { stage: *s, year: y })
        })
        .map(|g| format!("{} {}", g.code(), g.label()))
        .collect()
}

const DATE_FIELDS: &[&str] = &["birth_date", "id_valid_from", "id_valid_until"];
const BOOL_FIELDS: &[&str] = &[
    "only_child",
    "preschool",
    "migrant_child",
    "orphan",
    "martyr_child",
    "government_place",
    "needs_aid",
    "receives_subsidy",
    "needs_school_bus",
    "is_guardian",
];

fn kind_of(field: &str, table: Option<&'static str>) -> ValueKind {
    if DATE_FIELDS.contains(&field) {
        return ValueKind::Date;
    }
    if BOOL_FIELDS.contains(&field) {
        return ValueKind::Bool;
    }
    match field {
        "entry_year_month" => return ValueKind::YearMonth,
        "distance_km" => return ValueKind::Number,
        "grade" => return ValueKind::Grade,
        "nationality" => return ValueKind::Country,
        _ => {}
    }
    match table.and_then(codes::table) {
        Some(t) => ValueKind::Code(t),
        None => ValueKind::Text,
    }
}

fn hint_of(field: &str, kind: ValueKind, required: bool) -> String {
    let need = if required { "必填" } else { "选填" };
    let how = match kind {
        ValueKind::Date => "日期，格式 YYYY-MM-DD，如 2016-03-05".to_owned(),
        ValueKind::YearMonth => "年月，格式 YYYY-MM，如 2022-09".to_owned(),
        ValueKind::Bool => "填“是”或“否”".to_owned(),
        ValueKind::Number => "数字（公里），如 1.5".to_owned(),
        ValueKind::Code(t) => format!("从下拉列表选择，或填{}代码（见“代码说明”表）", t.name),
        ValueKind::Country => "GB/T 2659 三字母代码，如 CHN（见“代码说明”表）".to_owned(),
        ValueKind::Grade => "年级代码，如 14 表示小学四年级".to_owned(),
        ValueKind::IdValidity => "起止日期，如 20200101-20301231".to_owned(),
        ValueKind::Ignore => "本系统不保存".to_owned(),
        ValueKind::Text => match field {
            "id_number" => "证件类型为“其他”时可不填；居民身份证为18位".to_owned(),
            "birthplace" => "12位行政区划代码（县6位+乡镇3位+村3位）".to_owned(),
            "household_place" => "6位或12位行政区划代码".to_owned(),
            "student_number" => "新注册学生不填，审核通过后由系统分配".to_owned(),
            "phone" => "11位手机号或固定电话（区号-号码）".to_owned(),
            "name_pinyin" => "字母和空格，如 ZHANG SAN".to_owned(),
            _ => "文本".to_owned(),
        },
    };
    format!("{need}。{how}")
}

/// The template's columns, in order.
pub fn columns() -> &'static [Column] {
    static COLUMNS: OnceLock<Vec<Column>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let mut out = Vec::new();
        for f in FIELDS.iter().filter(|f| f.field != "family_members") {
            let kind = kind_of(f.field, f.table);
            out.push(Column {
                field: f.field.to_owned(),
                label: f.label.to_owned(),
                required: f.required,
                kind,
                hint: hint_of(f.field, kind, f.required),
                member: None,
            });
        }
        for i in 0..MEMBERS {
            for f in MEMBER_FIELDS {
                let kind = kind_of(f.field, f.table);
                // The second member is optional as a whole.
                let required = i == 0 && f.required;
                let hint = if i == 0 {
                    hint_of(f.field, kind, required)
                } else {
                    format!(
                        "填写第二名成员时{}",
                        hint_of(f.field, kind, f.required).replace('。', "；")
                    )
                };
                out.push(Column {
                    field: format!("family_members[{i}].{}", f.field),
                    label: format!("成员{}{}", i + 1, f.label),
                    required,
                    kind,
                    hint,
                    member: Some(i),
                });
            }
        }
        out
    })
}

/// The Chinese label of a record field as the report names it: `姓名`, `成员1姓名`,
/// `家庭成员或监护人`; the field itself when unknown.
pub fn label_of(field: &str) -> String {
    if let Some(c) = columns().iter().find(|c| c.field == field) {
        return c.label.clone();
    }
    FIELDS
        .iter()
        .find(|f| f.field == field)
        .map(|f| f.label.to_owned())
        .unwrap_or_else(|| field.to_owned())
}

/// Normalises a header cell for matching: no white space (also U+3000), no `*`/`＊`, ASCII
/// parentheses as full-width ones.
pub fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊')
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}

/// Where each template column is in the uploaded sheet (index of the sheet column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// The layout the header row follows.
    pub layout: Layout,
    /// For each of [`columns_of`]`(layout)`, the sheet column holding it ([`ABSENT`] for an
    /// optional column the sheet leaves out).
    pub positions: Vec<usize>,
}

/// Position of a column the sheet does not have.
pub const ABSENT: usize = usize::MAX;

impl HeaderMap {
    /// The columns this header maps.
    pub fn columns(&self) -> &'static [Column] {
        columns_of(self.layout)
    }
}

fn list(labels: &[String]) -> String {
    let shown: Vec<String> = labels.iter().take(6).map(|l| format!("「{l}」")).collect();
    if labels.len() > 6 {
        format!("{}等{}列", shown.concat(), labels.len())
    } else {
        shown.concat()
    }
}

/// Matches the first row of an uploaded sheet against the templates: xueji's, or the national
/// system's (recognised by its column names). `Err` is the Chinese reason the file is neither,
/// naming the columns missing from the closer one.
pub fn match_header(cells: &[String]) -> Result<HeaderMap, String> {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return Err(
            "不是本系统的导入模板：第1行应为列名（请下载导入模板后在模板中填写）".to_owned(),
        );
    }
    let headers: Vec<String> = cells.iter().map(|c| normalise_header(c)).collect();
    let has = |label: &str| headers.iter().any(|h| h == label);
    let mine = columns().iter().filter(|c| has(&c.label)).count();
    let national = national_columns().iter().filter(|c| has(&c.label)).count();
    // 学籍接续标识 / 出生地行政区划代码 / 班级号 exist only in the national template.
    let national_only = ["学籍接续标识", "出生地行政区划代码", "班级号"]
        .iter()
        .any(|l| has(l));
    if national_only && national > mine / 2 {
        match_national(&headers, cells)
    } else {
        match_xueji(cells)
    }
}

fn match_national(headers: &[String], cells: &[String]) -> Result<HeaderMap, String> {
    const NOT: &str = "不是全国学籍系统的导入模板：";
    let cols = national_columns();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut twice = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(c) = cols.iter().find(|c| c.label == *h) {
            if seen.insert(c.label.as_str(), i).is_some() {
                twice.push(c.label.clone());
            }
        }
    }
    let missing: Vec<String> = cols
        .iter()
        .filter(|c| !seen.contains_key(c.label.as_str()))
        .filter(|c| {
            !NATIONAL_OPTIONAL.contains(&c.label.as_str())
                && !NATIONAL_EXTRAS.contains(&c.field.as_str())
        })
        .map(|c| c.label.clone())
        .collect();
    if !missing.is_empty() {
        return Err(format!("{NOT}缺少列{}", list(&missing)));
    }
    if !twice.is_empty() {
        return Err(format!("{NOT}列{}出现了多次", list(&twice)));
    }
    // Other columns (a provincial export's 编号, 区县, 就读学校, …) are ignored.
    let _ = cells;
    Ok(HeaderMap {
        layout: Layout::National,
        positions: cols
            .iter()
            .map(|c| seen.get(c.label.as_str()).copied().unwrap_or(ABSENT))
            .collect(),
    })
}

fn match_xueji(cells: &[String]) -> Result<HeaderMap, String> {
    const NOT: &str = "不是本系统的导入模板：";
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut unknown = Vec::new();
    let mut twice = Vec::new();
    let cols = columns();
    for (i, c) in cells.iter().enumerate() {
        let h = normalise_header(c);
        if h.is_empty() {
            continue;
        }
        if !cols.iter().any(|col| col.label == h) {
            unknown.push(c.trim().to_owned());
        } else if seen.insert(h.clone(), i).is_some() {
            twice.push(h);
        }
    }
    let missing: Vec<String> = cols
        .iter()
        .filter(|c| !seen.contains_key(&c.label))
        .map(|c| c.label.clone())
        .collect();
    if !missing.is_empty() {
        return Err(format!("{NOT}缺少列{}", list(&missing)));
    }
    if !unknown.is_empty() {
        return Err(format!("{NOT}无法识别的列{}", list(&unknown)));
    }
    if !twice.is_empty() {
        return Err(format!("{NOT}列{}出现了多次", list(&twice)));
    }
    Ok(HeaderMap {
        layout: Layout::Xueji,
        positions: cols.iter().map(|c| seen[&c.label]).collect(),
    })
}

/// One spreadsheet cell as the server read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A cell formatted as a date.
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text: numbers without a needless `.0`, dates as `YYYY-MM-DD`, booleans 是/否.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_owned(),
            Cell::Number(n) => number_text(*n),
            Cell::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// The cell as text, borrowed when it is text already (no allocation).
    pub fn text_ref(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(s) => std::borrow::Cow::Borrowed(s.trim()),
            Cell::Empty => std::borrow::Cow::Borrowed(""),
            other => std::borrow::Cow::Owned(other.text()),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// One problem of one row: its spreadsheet row number, the field, the column's Chinese label,
/// the Chinese reason, and the cell's value as read.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowError {
    /// Row number in the spreadsheet (the header is row 1).
    pub row: u32,
    pub field: String,
    pub label: String,
    pub message: String,
    /// The cell as read (empty when the problem is not one cell's).
    #[serde(default)]
    pub value: String,
}

/// A row read from the sheet: the record and the cells that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRow {
    pub row: u32,
    pub record: StudentRecord,
    /// Cells that could not be read (a bad date, an unknown code name); their fields are left
    /// empty in `record`.
    pub errors: Vec<ImportRowError>,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(d);
        }
    }
    // A date-time text (`2016-03-05 00:00:00`).
    s.split_whitespace()
        .next()
        .filter(|d| *d != s)
        .and_then(parse_date)
}

fn parse_year_month(cell: &Cell) -> Option<String> {
    if let Cell::Date(d) = cell {
        return Some(format!("{:04}-{:02}", d.year(), d.month()));
    }
    let s = cell.text();
    let s = s.trim();
    // The national template's YYYYMM (`202209`).
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        let ym = format!("{}-{}", &s[..4], &s[4..]);
        return crate::record::parse_year_month(&ym).map(|_| ym);
    }
    if crate::record::parse_year_month(s).is_some() {
        return Some(s.to_owned());
    }
    if let Some(d) = parse_date(s) {
        return Some(format!("{:04}-{:02}", d.year(), d.month()));
    }
    let t = s.replace(['/', '.', '年'], "-").replace('月', "");
    let (y, m) = t.split_once('-')?;
    let (y, m): (i32, u32) = (y.trim().parse().ok()?, m.trim().parse().ok()?);
    let ym = format!("{y:04}-{m:02}");
    crate::record::parse_year_month(&ym).map(|_| ym)
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "是" | "1" | "y" | "yes" | "true" | "√" | "✓" => Some(true),
        "否" | "0" | "n" | "no" | "false" | "×" => Some(false),
        _ => None,
    }
}

/// A code cell: `01`, `01 汉族`, `汉族`. `Err(())` when it names no entry.
fn parse_code(table: &CodeTable, s: &str) -> Result<String, ()> {
    let s = s.trim();
    if table.contains(s) {
        return Ok(s.to_owned());
    }
    if let Some(c) = table.code_of(s) {
        return Ok(c.to_owned());
    }
    // A number cell holding a code with a leading zero lost: `1` for `01`.
    if s.len() == 1 && s.as_bytes()[0].is_ascii_digit() {
        let padded = format!("0{s}");
        if table.contains(&padded) {
            return Ok(padded);
        }
    }
    if let Some((code, name)) = s.split_once(|c: char| c.is_whitespace()) {
        let (code, name) = (code.trim(), name.trim());
        if table.label(code) == Some(name) || (table.contains(code) && name.is_empty()) {
            return Ok(code.to_owned());
        }
    }
    Err(())
}

fn parse_country(s: &str) -> Result<String, ()> {
    let s = s.trim();
    let up = s.to_ascii_uppercase();
    if codes::country(&up).is_some() {
        return Ok(up);
    }
    if let Some((code, name)) = s.split_once(|c: char| c.is_whitespace()) {
        let code = code.trim().to_ascii_uppercase();
        if codes::country(&code).is_some_and(|c| c.name == name.trim()) {
            return Ok(code);
        }
    }
    codes::country_by_name(s)
        .map(|c| c.alpha3.to_owned())
        .ok_or(())
}

fn parse_grade(s: &str) -> String {
    let s = s.trim();
    let first = s.split_whitespace().next().unwrap_or("");
    if first.len() == 2 && first.bytes().all(|b| b.is_ascii_digit()) {
        return first.to_owned();
    }
    grade_choices()
        .into_iter()
        .find_map(|c| {
            let (code, label) = c.split_once(' ')?;
            (label == s).then(|| code.to_owned())
        })
        // Unknown: keep the text, validation names it.
        .unwrap_or_else(|| s.to_owned())
}

fn set_text(record: &mut StudentRecord, field: &str, v: String) {
    let r = record;
    let slot = match field {
        "name" => &mut r.name,
        "name_pinyin" => &mut r.name_pinyin,
        "former_name" => &mut r.former_name,
        "gender" => &mut r.gender,
        "birthplace" => &mut r.birthplace,
        "native_place" => &mut r.native_place,
        "ethnic_group" => &mut r.ethnic_group,
        "nationality" => &mut r.nationality,
        "id_type" => &mut r.id_type,
        "id_number" => &mut r.id_number,
        "hmt_overseas" => &mut r.hmt_overseas,
        "political_status" => &mut r.political_status,
        "health_status" => &mut r.health_status,
        "household_place" => &mut r.household_place,
        "household_nature" => &mut r.household_nature,
        "specialty" => &mut r.specialty,
        "student_number" => &mut r.student_number,
        "number_in_class" => &mut r.number_in_class,
        "grade" => &mut r.grade,
        "class_name" => &mut r.class_name,
        "entry_year_month" => &mut r.entry_year_month,
        "entry_mode" => &mut r.entry_mode,
        "study_mode" => &mut r.study_mode,
        "student_source" => &mut r.student_source,
        "current_address" => &mut r.current_address,
        "postal_address" => &mut r.postal_address,
        "home_address" => &mut r.home_address,
        "phone" => &mut r.phone,
        "postcode" => &mut r.postcode,
        "email" => &mut r.email,
        "left_behind" => &mut r.left_behind,
        "inclusive_class" => &mut r.inclusive_class,
        "disability_type" => &mut r.disability_type,
        "travel_mode" => &mut r.travel_mode,
        "remarks" => &mut r.remarks,
        "blood_type" => &mut r.blood_type,
        "provincial_number" => &mut r.provincial_number,
        "homepage" => &mut r.homepage,
        _ => return,
    };
    *slot = v;
}

fn set_member_text(m: &mut FamilyMember, field: &str, v: String) {
    let slot = match field {
        "name" => &mut m.name,
        "relation" => &mut m.relation,
        "relation_note" => &mut m.relation_note,
        "address" => &mut m.address,
        "household_place" => &mut m.household_place,
        "phone" => &mut m.phone,
        "id_type" => &mut m.id_type,
        "id_number" => &mut m.id_number,
        "ethnic_group" => &mut m.ethnic_group,
        "employer" => &mut m.employer,
        "post" => &mut m.post,
        _ => return,
    };
    *slot = v;
}

fn set_bool(record: &mut StudentRecord, field: &str, v: bool) {
    let r = record;
    let slot = match field {
        "only_child" => &mut r.only_child,
        "preschool" => &mut r.preschool,
        "migrant_child" => &mut r.migrant_child,
        "orphan" => &mut r.orphan,
        "martyr_child" => &mut r.martyr_child,
        "government_place" => &mut r.government_place,
        "needs_aid" => &mut r.needs_aid,
        "receives_subsidy" => &mut r.receives_subsidy,
        "needs_school_bus" => &mut r.needs_school_bus,
        _ => return,
    };
    *slot = v;
}

fn set_date(record: &mut StudentRecord, field: &str, v: Option<NaiveDate>) {
    match field {
        "birth_date" => record.birth_date = v,
        "id_valid_from" => record.id_valid_from = v,
        "id_valid_until" => record.id_valid_until = v,
        _ => {}
    }
}

/// The value of one cell for its column, or the Chinese reason it cannot be read.
enum Value {
    Text(String),
    Date(Option<NaiveDate>),
    Bool(Option<bool>),
    Number(Option<f64>),
    Validity(Option<NaiveDate>, Option<NaiveDate>),
    Skip,
}

/// 身份证件有效期 in one cell: `from-until`, `from至until`, `from~until`; an until of 长期 or
/// nothing = no end date.
fn parse_validity(s: &str) -> Option<(NaiveDate, Option<NaiveDate>)> {
    let s = s.trim();
    let (a, b) = s
        .split_once('至')
        .or_else(|| s.split_once('~'))
        .or_else(|| s.split_once('～'))
        .or_else(|| {
            // `20200101-20301231` or `2020-01-01-2030-12-31`: the separator is the dash after
            // the first date.
            let i = if s.as_bytes().get(8) == Some(&b'-') {
                8
            } else {
                10
            };
            (s.len() > i && s.as_bytes().get(i) == Some(&b'-')).then(|| (&s[..i], &s[i + 1..]))
        })
        .unwrap_or((s, ""));
    let from = parse_date(a)?;
    let b = b.trim();
    if b.is_empty() || b == "长期" {
        return Some((from, None));
    }
    Some((from, Some(parse_date(b)?)))
}

/// The message for a code cell that names no entry: the field, the value and the allowed values
/// (the long tables — 民族, 港澳台侨外, 政治面貌 — point to the 代码说明 sheet instead).
fn not_in_table(t: &CodeTable, text: &str) -> String {
    if t.entries.len() <= 12 {
        format!("{}“{text}”不在代码表中，应为：{}", t.name, t.allowed())
    } else {
        format!("{}“{text}”不在代码表中（见“代码说明”表）", t.name)
    }
}

fn read(col: &Column, cell: &Cell, text: &str, stage: Option<Stage>) -> Result<Value, String> {
    let empty = text.is_empty();
    Ok(match col.kind {
        ValueKind::Text => Value::Text(text.to_owned()),
        ValueKind::Date => {
            Value::Date(match cell {
                _ if empty => None,
                Cell::Date(d) => Some(*d),
                _ => Some(parse_date(text).ok_or_else(|| {
                    format!("{}“{text}”不是有效日期，格式应为YYYY-MM-DD", col.label)
                })?),
            })
        }
        ValueKind::YearMonth => Value::Text(if empty {
            String::new()
        } else {
            parse_year_month(cell).unwrap_or_else(|| text.to_owned())
        }),
        ValueKind::Bool => Value::Bool(match cell {
            _ if empty => None,
            Cell::Bool(b) => Some(*b),
            _ => Some(
                parse_bool(text)
                    .ok_or_else(|| format!("{}应填“是”或“否”，不能是“{text}”", col.label))?,
            ),
        }),
        ValueKind::Number => Value::Number(match cell {
            _ if empty => None,
            Cell::Number(n) => Some(*n),
            _ => Some(
                text.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| format!("{}应为数字，不能是“{text}”", col.label))?,
            ),
        }),
        ValueKind::Code(t) => Value::Text(if empty {
            String::new()
        } else {
            match (t.key, parse_code(t, text)) {
                (_, Ok(c)) => c,
                // 入学方式 其他 is 12 in compulsory education and 99 in senior high.
                ("entry_mode", Err(())) => codes::entry_mode_of_label(text.trim(), stage)
                    .map(str::to_owned)
                    .ok_or_else(|| not_in_table(t, text))?,
                (_, Err(())) => return Err(not_in_table(t, text)),
            }
        }),
        ValueKind::Country => Value::Text(if empty {
            String::new()
        } else {
            parse_country(text)
                .map_err(|_| format!("国籍/地区“{text}”不在GB/T 2659中（见“代码说明”表）"))?
        }),
        ValueKind::Grade => Value::Text(if empty {
            String::new()
        } else {
            parse_grade(text)
        }),
        ValueKind::IdValidity if empty => Value::Validity(None, None),
        ValueKind::IdValidity => match parse_validity(text) {
            Some((from, until)) => Value::Validity(Some(from), until),
            None => {
                return Err(format!(
                    "{}“{text}”无法识别，格式应为起止日期，如 20200101-20301231 或 20200101-长期",
                    col.label
                ))
            }
        },
        ValueKind::Ignore => Value::Skip,
    })
}

/// Reads one data row (cells in sheet order) into a record. `row` is the spreadsheet row number.
pub fn parse_row(header: &HeaderMap, row: u32, cells: &[Cell]) -> ParsedRow {
    let cols = header.columns();
    let mut record = StudentRecord::default();
    let mut members: Vec<FamilyMember> = vec![FamilyMember::default(); MEMBERS];
    let mut present = [false; MEMBERS];
    let mut member_bool_set = [None::<bool>; MEMBERS];
    let mut errors = Vec::new();
    let empty = Cell::Empty;
    // The stage of the row's grade (for stage-dependent labels such as 入学方式 其他).
    let stage = cols
        .iter()
        .zip(&header.positions)
        .find(|(c, _)| c.kind == ValueKind::Grade)
        .and_then(|(_, &pos)| cells.get(pos))
        .map(|c| parse_grade(&c.text_ref()))
        .and_then(|g| match g.as_bytes().first() {
            Some(b'1') => Some(Stage::Primary),
            Some(b'2') => Some(Stage::Junior),
            Some(b'3') => Some(Stage::Senior),
            _ => None,
        });
    for (col, &pos) in cols.iter().zip(&header.positions) {
        let cell = cells.get(pos).unwrap_or(&empty);
        let text = cell.text_ref();
        if let Some(i) = col.member {
            if !text.is_empty() {
                present[i] = true;
            }
        }
        let sub = col
            .member
            .and_then(|_| col.field.split_once("].").map(|(_, f)| f));
        match read(col, cell, &text, stage) {
            Err(message) => errors.push(ImportRowError {
                row,
                field: col.field.clone(),
                label: col.label.clone(),
                message,
                value: text.into_owned(),
            }),
            Ok(v) => match (col.member, sub, v) {
                (Some(i), Some(f), Value::Text(s)) => set_member_text(&mut members[i], f, s),
                (Some(i), Some(_), Value::Bool(b)) => member_bool_set[i] = b,
                (None, _, Value::Text(s)) => set_text(&mut record, &col.field, s),
                (None, _, Value::Date(d)) => set_date(&mut record, &col.field, d),
                (None, _, Value::Number(n)) => record.distance_km = n,
                (None, _, Value::Validity(from, until)) => {
                    record.id_valid_from = from;
                    record.id_valid_until = until;
                }
                (None, _, Value::Bool(Some(b))) => set_bool(&mut record, &col.field, b),
                (None, _, Value::Bool(None)) if col.required => {
                    errors.push(ImportRowError {
                        row,
                        field: col.field.clone(),
                        label: col.label.clone(),
                        message: format!("请填写{}（是/否）", col.label),
                        value: String::new(),
                    });
                }
                _ => {}
            },
        }
    }
    for (i, m) in members.iter_mut().enumerate() {
        match member_bool_set[i] {
            Some(b) => m.is_guardian = b,
            None if present[i] => errors.push(ImportRowError {
                row,
                field: format!("family_members[{i}].is_guardian"),
                label: format!("成员{}是否监护人", i + 1),
                message: "请填写是否监护人（是/否）".into(),
                value: String::new(),
            }),
            None => {}
        }
    }
    record.family_members = members
        .into_iter()
        .zip(present)
        .filter_map(|(m, p)| p.then_some(m))
        .collect();
    ParsedRow {
        row,
        record,
        errors,
    }
}

/// Every problem of a parsed row under `rules`: the unreadable cells first, then the record's
/// own validation (fields already reported as unreadable are not repeated), in form order.
/// `header` and `cells` are those the row was parsed from (for the cell values in the report).
pub fn check_row(
    parsed: &ParsedRow,
    header: &HeaderMap,
    cells: &[Cell],
    rules: &RecordRules,
) -> Vec<ImportRowError> {
    let mut out = parsed.errors.clone();
    let found = parsed.record.validate_all(rules);
    out.extend(
        found
            .into_iter()
            .filter(|e| !parsed.errors.iter().any(|p| p.field == e.field))
            .map(|e| row_error(parsed, header, cells, e)),
    );
    out
}

fn row_error(
    parsed: &ParsedRow,
    header: &HeaderMap,
    cells: &[Cell],
    e: FieldError,
) -> ImportRowError {
    let cols = header.columns();
    let at = cols.iter().position(|c| c.field == e.field);
    let value = at
        .and_then(|i| header.positions.get(i))
        .and_then(|&pos| cells.get(pos))
        .map(Cell::text)
        .unwrap_or_default();
    ImportRowError {
        row: parsed.row,
        // The sheet's own column name (班级号 in the national layout).
        label: at
            .and_then(|i| cols.get(i))
            .map(|c| c.label.clone())
            .unwrap_or_else(|| label_of(&e.field)),
        field: e.field,
        message: e.message,
        value,
    }
}

/// Within-file duplicates: the same ID key, or (when either row has no ID) the same person
/// key, as an earlier row.
#[derive(Debug, Default)]
pub struct Duplicates {
    ids: HashMap<String, u32>,
    persons: HashMap<String, u32>,
    persons_without_id: HashMap<String, u32>,
}

fn has_id(r: &StudentRecord) -> bool {
    r.id_type != codes::ID_TYPE_OTHER && !r.id_number.trim().is_empty()
}

impl Duplicates {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `record` of row `row`; returns the error when it repeats an earlier row.
    pub fn check(
        &mut self,
        row: u32,
        record: &StudentRecord,
        today: NaiveDate,
    ) -> Option<ImportRowError> {
        let person = match (record.birth_date, Gender::from_code(&record.gender)) {
            (Some(b), Some(g)) if !record.name.trim().is_empty() => {
                Some(dedup::person_key(&record.name, g, b))
            }
            _ => None,
        };
        let mut found = None;
        if has_id(record) {
            if let Some(key) = dedup::id_key(&record.id_type, &record.id_number, today) {
                match self.ids.get(&key) {
                    Some(&first) => {
                        found = Some(ImportRowError {
                            row,
                            field: "id_number".into(),
                            label: label_of("id_number"),
                            message: format!(
                                "与第{first}行的身份证件号重复（同一学生只能填写一行）"
                            ),
                            value: record.id_number.clone(),
                        })
                    }
                    None => {
                        self.ids.insert(key, row);
                    }
                }
            }
            if found.is_none() {
                if let Some(&first) = person.as_ref().and_then(|p| self.persons_without_id.get(p)) {
                    found = Some(person_dup(row, first, record));
                }
            }
        } else if let Some(&first) = person.as_ref().and_then(|p| self.persons.get(p)) {
            found = Some(person_dup(row, first, record));
        }
        if let Some(p) = person {
            if !has_id(record) {
                self.persons_without_id.entry(p.clone()).or_insert(row);
            }
            self.persons.entry(p).or_insert(row);
        }
        found
    }
}

fn person_dup(row: u32, first: u32, record: &StudentRecord) -> ImportRowError {
    ImportRowError {
        row,
        field: "name".into(),
        label: label_of("name"),
        message: format!(
            "与第{first}行的学生姓名、性别、出生日期相同，且其中至少一行没有身份证件号（疑似同一学生）"
        ),
        value: record.name.clone(),
    }
}

/// Whether a row is entirely empty (such rows are skipped).
pub fn is_blank(cells: &[Cell]) -> bool {
    cells.iter().all(Cell::is_empty)
}

/// The cells of a record in template column order (for writing filled templates: tests,
/// samples, benchmarks). Codes are written as codes, booleans 是/否, dates `YYYY-MM-DD`.
pub fn record_cells(r: &StudentRecord) -> Vec<String> {
    let json = serde_json::to_value(r).unwrap_or_default();
    columns()
        .iter()
        .map(|c| {
            let v = match c.field.split_once("].") {
                Some((head, f)) => {
                    let i: usize = head
                        .trim_start_matches("family_members[")
                        .parse()
                        .unwrap_or(usize::MAX);
                    match json["family_members"].get(i) {
                        Some(m) => m[f].clone(),
                        None => serde_json::Value::Null,
                    }
                }
                None => json[c.field.as_str()].clone(),
            };
            match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::Bool(b) => if b { "是" } else { "否" }.to_owned(),
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            }
        })
        .collect()
}

/// The cells of a record in the columns of `layout`. Xueji's layout: as [`record_cells`] (codes).
/// The national layout: the form's labels for codes (政治面貌 in its short names), GB/T 2659
/// names for 国籍/地区, 是/否, dates `YYYYMMDD`, 入学年月 `YYYYMM`, 身份证件有效期
/// `YYYYMMDD-YYYYMMDD` (`YYYYMMDD-长期` without an end), region codes as codes.
pub fn record_cells_in(layout: Layout, r: &StudentRecord) -> Vec<String> {
    if layout == Layout::Xueji {
        return record_cells(r);
    }
    let json = serde_json::to_value(r).unwrap_or_default();
    let ymd = |d: Option<NaiveDate>| d.map(|d| d.format("%Y%m%d").to_string());
    columns_of(layout)
        .iter()
        .map(|c| {
            let v = match c.field.split_once("].") {
                Some((head, f)) => {
                    let i: usize = head
                        .trim_start_matches("family_members[")
                        .parse()
                        .unwrap_or(usize::MAX);
                    match json["family_members"].get(i) {
                        Some(m) => m[f].clone(),
                        None => serde_json::Value::Null,
                    }
                }
                None if c.kind == ValueKind::IdValidity || c.kind == ValueKind::Ignore => {
                    serde_json::Value::Null
                }
                None => json[c.field.as_str()].clone(),
            };
            let text = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::Bool(b) => if b { "是" } else { "否" }.to_owned(),
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            match c.kind {
                ValueKind::Ignore => String::new(),
                ValueKind::IdValidity => match (ymd(r.id_valid_from), ymd(r.id_valid_until)) {
                    (Some(a), Some(b)) => format!("{a}-{b}"),
                    (Some(a), None) => format!("{a}-长期"),
                    _ => String::new(),
                },
                _ if text.is_empty() => text,
                ValueKind::Code(t) if t.key == "political_status" => t
                    .aliases
                    .iter()
                    .find(|(_, code)| *code == text)
                    .map(|(a, _)| (*a).to_owned())
                    .or_else(|| t.label(&text).map(str::to_owned))
                    .unwrap_or(text),
                ValueKind::Code(t) => t.label(&text).map(str::to_owned).unwrap_or(text),
                ValueKind::Country => codes::country(&text)
                    .map(|c| c.name.to_owned())
                    .unwrap_or(text),
                ValueKind::Date => text.replace('-', ""),
                ValueKind::YearMonth => text.replace('-', ""),
                _ => text,
            }
        })
        .collect()
}

/// The header cells of a layout's template.
pub fn header_cells(layout: Layout) -> Vec<String> {
    columns_of(layout)
        .iter()
        .map(|c| match layout {
            Layout::Xueji => c.header(),
            // The national template marks nothing.
            Layout::National => c.label.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::{today, valid_record};

    fn header() -> HeaderMap {
        let cells: Vec<String> = columns().iter().map(Column::header).collect();
        match_header(&cells).unwrap()
    }

    fn cells_of(r: &StudentRecord) -> Vec<Cell> {
        record_cells(r)
            .into_iter()
            .map(|s| {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s)
                }
            })
            .collect()
    }

    fn rules() -> RecordRules {
        RecordRules::new(today())
    }

    #[test]
    fn columns_follow_the_field_tables() {
        let cols = columns();
        assert_eq!(cols.len(), FIELDS.len() - 1 + MEMBERS * MEMBER_FIELDS.len());
        assert_eq!(cols[0].header(), "*姓名");
        assert_eq!(cols[1].header(), "姓名拼音");
        let m = cols
            .iter()
            .find(|c| c.field == "family_members[1].name")
            .unwrap();
        assert_eq!((m.label.as_str(), m.required), ("成员2姓名", false));
        let labels: std::collections::HashSet<_> = cols.iter().map(|c| &c.label).collect();
        assert_eq!(labels.len(), cols.len(), "labels are unique");
        let eth = cols.iter().find(|c| c.field == "ethnic_group").unwrap();
        assert_eq!(eth.choices().unwrap()[0], "01 汉族");
        assert_eq!(label_of("family_members"), "家庭成员或监护人");
        assert_eq!(label_of("family_members[0].phone"), "成员1联系电话");
    }

    #[test]
    fn a_valid_record_round_trips() {
        let r = valid_record();
        let (h, cells) = (header(), cells_of(&r));
        let p = parse_row(&h, 2, &cells);
        assert_eq!(p.errors, vec![]);
        assert_eq!(p.record, r);
        assert_eq!(check_row(&p, &h, &cells, &rules()), vec![]);
    }

    #[test]
    fn headers_are_matched_in_any_order_with_loose_spelling() {
        let mut cells: Vec<String> = columns().iter().map(|c| c.label.clone()).collect();
        cells.reverse();
        cells[0] = format!(" {} ", cells[0]);
        let i = cells
            .iter()
            .position(|c| c == "身份证件有效期（起）")
            .unwrap();
        cells[i] = "身份证件有效期(起)".into();
        let h = match_header(&cells).unwrap();
        assert_eq!(h.positions[0], cells.len() - 1);
    }

    #[test]
    fn not_the_template_is_refused_with_the_reason() {
        assert!(match_header(&["".into(), " ".into()])
            .unwrap_err()
            .contains("第1行应为列名"));
        let e = match_header(&["学号".into(), "姓名".into()]).unwrap_err();
        assert!(
            e.starts_with("不是本系统的导入模板：缺少列「姓名拼音」「曾用名」「性别」"),
            "{e}"
        );
        assert!(e.contains("等"), "{e}");
        let mut cells: Vec<String> = columns().iter().map(Column::header).collect();
        cells.retain(|c| c != "*民族");
        assert_eq!(
            match_header(&cells).unwrap_err(),
            "不是本系统的导入模板：缺少列「民族」"
        );
        cells.push("民族".into());
        cells.push("爱好".into());
        assert_eq!(
            match_header(&cells).unwrap_err(),
            "不是本系统的导入模板：无法识别的列「爱好」"
        );
        cells.pop();
        cells.push("*姓名".into());
        assert_eq!(
            match_header(&cells).unwrap_err(),
            "不是本系统的导入模板：列「姓名」出现了多次"
        );
    }

    #[test]
    fn codes_by_code_name_or_both() {
        let t = &codes::ETHNIC_GROUP;
        assert_eq!(parse_code(t, "05"), Ok("05".into()));
        assert_eq!(parse_code(t, "05 维吾尔族"), Ok("05".into()));
        assert_eq!(parse_code(t, "维吾尔族"), Ok("05".into()));
        assert_eq!(parse_code(t, "5"), Ok("05".into()));
        assert_eq!(parse_code(t, "05 汉族"), Err(()));
        assert_eq!(parse_code(t, "火星族"), Err(()));
        assert_eq!(parse_country("chn"), Ok("CHN".into()));
        assert_eq!(parse_country("CHN 中国"), Ok("CHN".into()));
        assert_eq!(parse_country("中国香港"), Ok("HKG".into()));
        assert_eq!(parse_country("香港"), Ok("HKG".into()));
        assert_eq!(parse_country("澳门"), Ok("MAC".into()));
        assert_eq!(parse_country("台湾"), Ok("TWN".into()));
        assert_eq!(parse_country("北马其顿"), Ok("MKD".into()));
        assert_eq!(parse_country("火星"), Err(()));
        assert_eq!(parse_grade("14 小学四年级"), "14");
        assert_eq!(parse_grade("小学四年级"), "14");
        assert_eq!(parse_grade("九年级"), "九年级");
    }

    #[test]
    fn cells_of_other_types_are_read() {
        let h = header();
        let r = valid_record();
        let mut cells = cells_of(&r);
        let pos = |f: &str| columns().iter().position(|c| c.field == f).unwrap();
        cells[pos("birth_date")] = Cell::Date(r.birth_date.unwrap());
        cells[pos("entry_year_month")] = Cell::Date(NaiveDate::from_ymd_opt(2022, 9, 1).unwrap());
        cells[pos("phone")] = Cell::Number(13800138000.0);
        cells[pos("distance_km")] = Cell::Number(1.5);
        cells[pos("only_child")] = Cell::Bool(false);
        cells[pos("ethnic_group")] = Cell::Text("维吾尔族".into());
        cells[pos("id_valid_from")] = Cell::Text("2020/01/01".into());
        let p = parse_row(&h, 7, &cells);
        assert_eq!(p.errors, vec![]);
        assert_eq!(p.record, r);
        assert_eq!(Cell::Number(1.0).text(), "1");
        assert_eq!(Cell::Number(1.25).text(), "1.25");
        assert_eq!(
            parse_year_month(&Cell::Text("2022年9月".into())),
            Some("2022-09".into())
        );
        assert_eq!(
            parse_year_month(&Cell::Text("2022/9".into())),
            Some("2022-09".into())
        );
    }

    #[test]
    fn the_forms_labels_are_read() {
        let h = header();
        let pos = |f: &str| columns().iter().position(|c| c.field == f).unwrap();
        let r = valid_record();
        let mut cells = cells_of(&r);
        // As a registrar copies them from the national form.
        for (field, label) in [
            ("political_status", "群众"),
            ("health_status", "健康或良好"),
            ("household_nature", "非农业户口"),
            ("entry_mode", "就近入学"),
            ("student_source", "正常入学"),
            ("left_behind", "非留守儿童"),
            ("inclusive_class", "非随班就读"),
            ("disability_type", "无残疾"),
            ("travel_mode", "步行"),
            ("family_members[0].relation", "父亲"),
        ] {
            cells[pos(field)] = Cell::Text(label.into());
        }
        let p = parse_row(&h, 2, &cells);
        assert_eq!(p.errors, vec![]);
        assert_eq!(p.record, r);
        // Short names and stage-dependent 其他.
        cells[pos("political_status")] = Cell::Text("共青团员".into());
        cells[pos("entry_mode")] = Cell::Text("其他".into());
        let p = parse_row(&h, 2, &cells);
        assert_eq!(p.errors, vec![]);
        assert_eq!(
            (
                p.record.political_status.as_str(),
                p.record.entry_mode.as_str()
            ),
            ("03", "12")
        );
        cells[pos("grade")] = Cell::Text("31".into());
        assert_eq!(parse_row(&h, 2, &cells).record.entry_mode, "99");
        // A label matching no code names the field, the row and the allowed values.
        cells[pos("travel_mode")] = Cell::Text("骑马".into());
        cells[pos("entry_mode")] = Cell::Text("派位".into());
        let p = parse_row(&h, 5, &cells);
        let got: Vec<_> = p
            .errors
            .iter()
            .map(|e| (e.row, e.label.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    5,
                    "入学方式",
                    "入学方式“派位”不在代码表中，应为：11 就近入学、12 义务教育阶段其他、21 统一招生考试/普通入学、22 体育特招、23 艺术特招、99 高中阶段其他"
                ),
                (
                    5,
                    "上下学交通方式",
                    "上下学交通方式“骑马”不在代码表中，应为：1 步行、2 自行车（含摩托车、电动自行车）、3 公共交通（含城市公交、农村客运、地铁）、4 家长自行接送、5 校车、9 其他"
                ),
            ]
        );
    }

    #[test]
    fn unreadable_cells_and_rule_violations_are_reported_by_row_and_label() {
        let h = header();
        let r = valid_record();
        let mut cells = cells_of(&r);
        let pos = |f: &str| columns().iter().position(|c| c.field == f).unwrap();
        cells[pos("birth_date")] = Cell::Text("2016-02-30".into());
        cells[pos("ethnic_group")] = Cell::Text("火星族".into());
        cells[pos("only_child")] = Cell::Text("也许".into());
        cells[pos("preschool")] = Cell::Empty;
        cells[pos("phone")] = Cell::Text("12345".into());
        let p = parse_row(&h, 9, &cells);
        let got: Vec<_> = check_row(&p, &h, &cells, &rules())
            .into_iter()
            .map(|e| (e.row, e.label, e.message, e.value))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    9,
                    "出生日期".to_owned(),
                    "出生日期“2016-02-30”不是有效日期，格式应为YYYY-MM-DD".to_owned(),
                    "2016-02-30".to_owned()
                ),
                (
                    9,
                    "民族".to_owned(),
                    "民族“火星族”不在代码表中（见“代码说明”表）".to_owned(),
                    "火星族".to_owned()
                ),
                (
                    9,
                    "是否独生子女".to_owned(),
                    "是否独生子女应填“是”或“否”，不能是“也许”".to_owned(),
                    "也许".to_owned()
                ),
                (
                    9,
                    "是否受过学前教育".to_owned(),
                    "请填写是否受过学前教育（是/否）".to_owned(),
                    String::new()
                ),
                (
                    9,
                    "联系电话".to_owned(),
                    "联系电话应为11位手机号或固定电话（区号-号码）".to_owned(),
                    "12345".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn members_are_present_when_any_cell_is_filled() {
        let h = header();
        let mut r = valid_record();
        r.family_members.push(FamilyMember {
            name: "张母".into(),
            relation: "2".into(),
            is_guardian: false,
            ..Default::default()
        });
        let p = parse_row(&h, 2, &cells_of(&r));
        assert_eq!(p.record, r);
        // Only the second member's phone: the member is there, its name missing.
        let mut cells = cells_of(&valid_record());
        let pos = |f: &str| columns().iter().position(|c| c.field == f).unwrap();
        cells[pos("family_members[1].phone")] = Cell::Text("13900139000".into());
        let p = parse_row(&h, 3, &cells);
        let fields: Vec<_> = check_row(&p, &h, &cells, &rules())
            .into_iter()
            .map(|e| e.label)
            .collect();
        assert_eq!(fields, ["成员2是否监护人", "成员2姓名", "成员2关系"]);
        // No member at all.
        let mut cells = cells_of(&valid_record());
        for (i, c) in columns().iter().enumerate() {
            if c.member.is_some() {
                cells[i] = Cell::Empty;
            }
        }
        let p = parse_row(&h, 4, &cells);
        let e = check_row(&p, &h, &cells, &rules());
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].label, "家庭成员或监护人");
    }

    #[test]
    fn duplicates_within_the_file_name_the_earlier_row() {
        let t = today();
        let mut d = Duplicates::new();
        let r = valid_record();
        assert_eq!(d.check(2, &r, t), None);
        let e = d.check(5, &r, t).unwrap();
        assert_eq!((e.row, e.field.as_str()), (5, "id_number"));
        assert_eq!(e.message, "与第2行的身份证件号重复（同一学生只能填写一行）");
        // The same ID typed with full-width digits is the same key.
        let mut wide = r.clone();
        wide.id_number = wide
            .id_number
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        assert_eq!(d.check(6, &wide, t).unwrap().row, 6);
        // Two different IDs with the same name and birth date are two people.
        let mut other = r.clone();
        other.id_number = crate::citizen_id::compose(110105, r.birth_date.unwrap(), 126, t)
            .unwrap()
            .as_str()
            .into();
        assert_eq!(d.check(7, &other, t), None);
        // Without an ID: same name, gender, birth date as row 2.
        let mut no_id = r.clone();
        no_id.id_type = codes::ID_TYPE_OTHER.into();
        no_id.id_number.clear();
        no_id.name = "阿依古丽买买提".into();
        let e = d.check(8, &no_id, t).unwrap();
        assert_eq!(
            (e.field.as_str(), e.message.contains("第2行")),
            ("name", true)
        );
        // And a later row with an ID that matches the row without one.
        let mut third = other.clone();
        third.id_number = crate::citizen_id::compose(110105, r.birth_date.unwrap(), 128, t)
            .unwrap()
            .as_str()
            .into();
        assert!(d.check(9, &third, t).unwrap().message.contains("第8行"));
    }

    #[test]
    fn blank_rows() {
        assert!(is_blank(&[Cell::Empty, Cell::Text("  ".into())]));
        assert!(!is_blank(&[Cell::Empty, Cell::Number(0.0)]));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn cell() -> impl Strategy<Value = Cell> {
            prop_oneof![
                Just(Cell::Empty),
                ".{0,20}".prop_map(Cell::Text),
                "[0-9 ./年月日-]{0,12}".prop_map(Cell::Text),
                any::<f64>().prop_map(Cell::Number),
                any::<bool>().prop_map(Cell::Bool),
                (1900i32..2100, 1u32..13, 1u32..29)
                    .prop_map(|(y, m, d)| Cell::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())),
            ]
        }

        proptest! {
            /// Any cells in any header order: reading and checking never panic.
            #[test]
            fn reading_never_panics(
                cells in prop::collection::vec(cell(), 0..100),
                headers in prop::collection::vec(".{0,8}", 0..10),
            ) {
                let h = header();
                let p = parse_row(&h, 2, &cells);
                let _ = check_row(&p, &h, &cells, &rules());
                let mut d = Duplicates::new();
                let _ = d.check(2, &p.record, today());
                let _ = d.check(3, &p.record, today());
                let _ = match_header(&headers);
            }
        }
    }

    fn national_header() -> HeaderMap {
        let h = match_header(&header_cells(Layout::National)).unwrap();
        assert_eq!(h.layout, Layout::National);
        h
    }

    #[test]
    fn the_national_layout_is_recognised_and_read() {
        let h = national_header();
        let cols = h.columns();
        assert_eq!(
            cols.iter()
                .take(14)
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>(),
            vec![
                "学籍接续标识",
                "学校标识码",
                "姓名",
                "性别",
                "出生日期",
                "身份证件类型",
                "身份证件号",
                "出生地行政区划代码",
                "民族",
                "国籍/地区",
                "港澳台侨外",
                "户口性质",
                "户口所在地行政区划",
                "现住址"
            ]
        );
        // 47 student columns + 2 × 12 member columns, then xueji's extras.
        assert_eq!(
            NATIONAL_COLUMNS.len() + 2 * NATIONAL_MEMBER_COLUMNS.len(),
            71
        );
        // Every national field is a record field (or a member field).
        for (_, f) in NATIONAL_COLUMNS {
            assert!(
                f.is_empty() || *f == "id_valid" || spec_of(f).is_some(),
                "{f}"
            );
        }
        // A row as the national system's users fill it: labels, YYYYMMDD, YYYYMM.
        let r = valid_record();
        let pos = |label: &str| cols.iter().position(|c| c.label == label).unwrap();
        let mut cells = vec![Cell::Empty; cols.len()];
        for (label, v) in [
            ("学籍接续标识", "1"),
            ("学校标识码", "2111000001"),
            ("姓名", r.name.as_str()),
            ("性别", "女"),
            ("出生日期", "20160305"),
            ("身份证件类型", "居民身份证"),
            ("身份证件号", r.id_number.as_str()),
            ("出生地行政区划代码", "110105001001"),
            ("民族", "维吾尔族"),
            ("国籍/地区", "中国"),
            ("港澳台侨外", "否"),
            ("户口性质", "非农业户口"),
            ("户口所在地行政区划", "110105001001"),
            ("现住址", "北京市朝阳区某街1号"),
            ("是否独生子女", "否"),
            ("是否留守儿童", "非留守儿童"),
            ("是否进城务工人员随迁子女", "否"),
            ("是否孤儿", "否"),
            ("籍贯", "新疆喀什"),
            ("健康状况", "健康或良好"),
            ("政治面貌", "群众"),
            ("年级", "14"),
            ("班级号", "4班"),
            ("入学年月", "202209"),
            ("入学方式", "就近入学"),
            ("就读方式", "走读"),
            ("通信地址", "北京市朝阳区某街1号"),
            ("家庭地址", "北京市朝阳区某街1号"),
            ("联系电话", "13800138000"),
            ("邮政编码", "100020"),
            ("是否受过学前教育", "否"),
            ("残疾人类型", "无残疾"),
            ("是否由政府购买学位", "否"),
            ("是否需要申请资助", "否"),
            ("是否享受一补", "否"),
            ("是否烈士或优抚子女", "否"),
            ("上下学距离", "1.5"),
            ("上下学交通方式", "步行"),
            ("是否乘坐校车", "否"),
            ("身份证件有效期", "20200101-20251231"),
            ("班内学号", "12"),
            ("学生来源", "正常入学"),
            ("电子信箱", "parent@example.com"),
            ("成员1姓名", "买买提"),
            ("成员1关系", "父亲"),
            ("成员1联系电话", "010-85551234"),
            ("成员1是否监护人", "是"),
            ("成员1民族", "维吾尔族"),
        ] {
            cells[pos(label)] = Cell::Text(v.into());
        }
        let p = parse_row(&h, 2, &cells);
        assert_eq!(p.errors, vec![]);
        let mut expected = r.clone();
        // The national template has no 姓名拼音 / 全国学籍号 / 随班就读 columns filled here.
        expected.name_pinyin.clear();
        expected.student_number.clear();
        expected.inclusive_class.clear();
        assert_eq!(p.record, expected);
        assert_eq!(check_row(&p, &h, &cells, &rules()), vec![]);
        // The report names the sheet's own column.
        cells[pos("班级号")] = Cell::Empty;
        let p = parse_row(&h, 3, &cells);
        let e = check_row(&p, &h, &cells, &rules());
        assert_eq!(
            e.iter()
                .map(|e| (e.row, e.label.as_str()))
                .collect::<Vec<_>>(),
            vec![(3, "班级号")]
        );
        // 长期 and other separators.
        assert_eq!(
            parse_validity("2020-01-01至长期"),
            Some((NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(), None))
        );
        assert_eq!(
            parse_validity("2020-01-01-2030-12-31").map(|v| v.1),
            Some(NaiveDate::from_ymd_opt(2030, 12, 31))
        );
        assert_eq!(parse_validity("明年"), None);
    }

    #[test]
    fn a_provincial_export_with_extra_columns_and_without_optional_ones_is_read() {
        let mut cells: Vec<String> = vec!["编号".into(), "区县".into(), "就读学校".into()];
        cells.extend(
            header_cells(Layout::National)
                .into_iter()
                .filter(|h| !NATIONAL_OPTIONAL.contains(&h.as_str())),
        );
        let h = match_header(&cells).unwrap();
        assert_eq!(h.layout, Layout::National);
        let at = |label: &str| h.columns().iter().position(|c| c.label == label).unwrap();
        assert_eq!(h.positions[at("学籍接续标识")], ABSENT);
        assert_eq!(h.positions[at("姓名")], 3);
    }

    #[test]
    fn a_header_matching_neither_layout_names_the_missing_columns() {
        let mut cells = header_cells(Layout::National);
        cells.retain(|h| h != "班级号" && h != "成员1关系");
        assert_eq!(
            match_header(&cells).unwrap_err(),
            "不是全国学籍系统的导入模板：缺少列「班级号」「成员1关系」"
        );
        let mut cells = header_cells(Layout::National);
        cells.push("姓名".into());
        assert_eq!(
            match_header(&cells).unwrap_err(),
            "不是全国学籍系统的导入模板：列「姓名」出现了多次"
        );
        // Xueji's own header is still xueji's.
        assert_eq!(header().layout, Layout::Xueji);
    }

    #[test]
    fn export_and_import_round_trip_in_both_layouts() {
        let mut records = vec![valid_record()];
        let mut r = valid_record();
        r.grade = "31".into();
        r.entry_mode = "99".into();
        r.political_status = "03".into();
        r.id_valid_until = None;
        r.blood_type = "3".into();
        r.provincial_number = "ZJ001".into();
        r.homepage = "https://example.com".into();
        r.remarks = "转入".into();
        r.inclusive_class = "0".into();
        r.family_members.push(FamilyMember {
            name: "李娜".into(),
            relation: codes::RELATION_OTHER.into(),
            relation_note: "姑姑".into(),
            phone: "13900139000".into(),
            id_type: "B".into(),
            id_number: "123456789".into(),
            ..Default::default()
        });
        records.push(r);
        for layout in Layout::ALL {
            let h = match_header(&header_cells(layout)).unwrap();
            assert_eq!(h.layout, layout);
            for r in &records {
                let cells: Vec<Cell> = record_cells_in(layout, r)
                    .into_iter()
                    .map(|t| {
                        if t.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(t)
                        }
                    })
                    .collect();
                let p = parse_row(&h, 2, &cells);
                assert_eq!(p.errors, vec![], "{layout:?}");
                assert_eq!(&p.record, r, "{layout:?}");
            }
        }
        let cells = record_cells_in(Layout::National, &records[1]);
        let at = |label: &str| {
            let i = national_columns()
                .iter()
                .position(|c| c.label == label)
                .unwrap();
            cells[i].as_str()
        };
        assert_eq!(at("政治面貌"), "共青团员");
        assert_eq!(at("入学方式"), "高中阶段其他");
        assert_eq!(at("出生日期"), "20160305");
        assert_eq!(at("入学年月"), "202209");
        assert_eq!(at("身份证件有效期"), "20200101-长期");
        assert_eq!(at("国籍/地区"), "中国");
    }
}
