//! Wire types of the system-configuration API (系统配置, seed 001 第四章): class-size caps,
//! controlled fields, the province switches and business windows, the working-day calendar and
//! the password policy. Each request type has a `validate` that the browser runs as the user
//! types and the server runs again before it stores anything.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::account::PasswordPolicy;
use crate::calendar::WorkCalendar;
use crate::caps::{self, CapSetting};
use crate::field::FieldError;
use crate::org::Level;
use crate::record::FIELDS;
use crate::stage::{Stage, StatusChange, StatusSwitches};

// ───────────────────────────── class-size caps ─────────────────────────────

/// The highest cap any level may set (the same bound as a class's capacity).
pub const MAX_CAP: u16 = 200;

/// One level's own cap setting for one stage.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCap {
    pub org_id: i64,
    pub org_name: String,
    pub level: Level,
    /// `None`: this level sets no cap.
    pub cap: Option<u16>,
    /// 不允许下级修改.
    pub locked: bool,
}

/// Caps of one stage as seen from one organisation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCaps {
    pub stage: Stage,
    /// Settings of the levels above (province, city, county that are ancestors), top down.
    pub above: Vec<LevelCap>,
    /// The organisation's own setting (province, city and county only).
    pub own: Option<LevelCap>,
    /// The cap that applies here, and the level and organisation it comes from.
    pub effective: Option<u16>,
    pub effective_level: Option<Level>,
    pub effective_org_name: Option<String>,
    /// A level above locked its cap: this organisation cannot set one.
    pub locked_by: Option<Level>,
}

impl StageCaps {
    /// The settings above, in the form the rules take.
    pub fn above_settings(&self) -> Vec<(Level, CapSetting)> {
        self.above
            .iter()
            .map(|c| {
                (
                    c.level,
                    CapSetting {
                        cap: c.cap,
                        locked: c.locked,
                    },
                )
            })
            .collect()
    }

    /// The highest cap this organisation may set, and the level that imposes it.
    pub fn limit(&self) -> Option<(u16, Level)> {
        caps::effective_cap(&self.above_settings())
    }
}

/// Class-size caps of one organisation, per stage.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapsView {
    pub org_id: i64,
    pub org_name: String,
    pub level: Level,
    pub stages: Vec<StageCaps>,
    /// The caller may change this organisation's own caps.
    pub editable: bool,
}

/// Set one stage's own cap of an organisation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCap {
    pub stage: Stage,
    /// `null`: this level sets no cap (the one above applies).
    #[serde(default)]
    pub cap: Option<u16>,
    /// 不允许下级修改.
    #[serde(default)]
    pub locked: bool,
}

impl UpdateCap {
    /// Problems with the setting, given the level setting it and the settings above (top down).
    pub fn validate(&self, level: Level, above: &[(Level, CapSetting)]) -> Vec<FieldError> {
        if self.cap.is_some_and(|c| c > MAX_CAP) {
            return vec![FieldError::new(
                "cap",
                format!("{}班额上限不能超过 {MAX_CAP} 人", self.stage.label()),
            )];
        }
        match caps::check_setting(above, level, self.cap) {
            Ok(()) => vec![],
            Err(e) => vec![FieldError::new(
                "cap",
                format!("{}班额：{e}", self.stage.label()),
            )],
        }
    }
}

// ───────────────────────────── controlled fields ─────────────────────────────

/// The fields one level controls.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelFields {
    pub org_id: i64,
    pub org_name: String,
    pub level: Level,
    pub fields: Vec<String>,
}

/// Controlled fields as seen from one organisation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlledFieldsView {
    pub org_id: i64,
    pub org_name: String,
    pub level: Level,
    /// Set by this organisation (authorities only).
    pub own: Vec<String>,
    /// Set by the authorities above, top down; read-only here.
    pub above: Vec<LevelFields>,
    /// Always controlled (identity fields).
    pub identity: Vec<String>,
    /// Everything controlled for schools below (or for this school): identity ∪ above ∪ own.
    pub effective: Vec<String>,
    /// The caller may change this organisation's own set.
    pub editable: bool,
}

/// Replace an authority's own controlled fields.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateControlledFields {
    pub fields: Vec<String>,
}

impl UpdateControlledFields {
    pub fn validate(&self, level: Level) -> Vec<FieldError> {
        let set: BTreeSet<String> = self.fields.iter().cloned().collect();
        match crate::controlled::check_setting(level, &set) {
            Ok(()) => vec![],
            Err(e) => vec![FieldError::new("fields", format!("受控字段：{e}"))],
        }
    }
}

/// The Chinese label of a student-record field (the name itself when unknown).
pub fn field_label(field: &str) -> &str {
    FIELDS
        .iter()
        .find(|s| s.field == field)
        .map(|s| s.label)
        .unwrap_or(field)
}

// ───────────────────────────── province switches ─────────────────────────────

/// A period of dates, both ends included.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateWindow {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateWindow {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }
}

/// Grade-1 age control (小学新生入学年龄控制): the child's age in full years at the cut-off day
/// (e.g. 31 August) of the registration year must be within `[min_age, max_age]`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeControl {
    pub enabled: bool,
    pub min_age: u8,
    pub max_age: u8,
    pub cutoff_month: u8,
    pub cutoff_day: u8,
}

impl Default for AgeControl {
    /// 年满 6 周岁 at 31 August; at most 7.
    fn default() -> Self {
        AgeControl {
            enabled: true,
            min_age: 6,
            max_age: 7,
            cutoff_month: 8,
            cutoff_day: 31,
        }
    }
}

impl AgeControl {
    /// The cut-off day in `year` (29 February falls back to 28 in common years).
    pub fn cutoff(&self, year: i32) -> Option<NaiveDate> {
        let (m, d) = (u32::from(self.cutoff_month), u32::from(self.cutoff_day));
        NaiveDate::from_ymd_opt(year, m, d).or_else(|| NaiveDate::from_ymd_opt(year, m, d - 1))
    }

    /// Whether a child born on `birth` may register in grade 1 in `year`.
    pub fn check(&self, birth: NaiveDate, year: i32) -> Result<(), String> {
        if !self.enabled {
            return Ok(());
        }
        let Some(cut) = self.cutoff(year) else {
            return Ok(());
        };
        let mut age = cut.year() - birth.year();
        if (cut.month(), cut.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        if age < i32::from(self.min_age) || age > i32::from(self.max_age) {
            Err(format!(
                "小学新生截至{}月{}日应满{}周岁且不超过{}周岁（该生{}周岁）",
                self.cutoff_month, self.cutoff_day, self.min_age, self.max_age, age
            ))
        } else {
            Ok(())
        }
    }
}

/// Time windows of the businesses (业务时间设置); `None` = not restricted.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessWindows {
    /// 在校生注册
    #[serde(default)]
    pub in_school_registration: Option<DateWindow>,
    /// 小学新生注册
    #[serde(default)]
    pub grade1_registration: Option<DateWindow>,
    /// 来华归国学生注册
    #[serde(default)]
    pub arrival_registration: Option<DateWindow>,
    /// 毕业
    #[serde(default)]
    pub graduation: Option<DateWindow>,
    /// 升级
    #[serde(default)]
    pub promotion: Option<DateWindow>,
    /// 招生
    #[serde(default)]
    pub enrolment: Option<DateWindow>,
}

impl BusinessWindows {
    /// `(field name, Chinese label, window)` in form order.
    pub fn entries(&self) -> [(&'static str, &'static str, Option<DateWindow>); 6] {
        [
            (
                "in_school_registration",
                "在校生注册",
                self.in_school_registration,
            ),
            (
                "grade1_registration",
                "小学新生注册",
                self.grade1_registration,
            ),
            (
                "arrival_registration",
                "来华归国学生注册",
                self.arrival_registration,
            ),
            ("graduation", "毕业", self.graduation),
            ("promotion", "升级", self.promotion),
            ("enrolment", "招生", self.enrolment),
        ]
    }

    pub fn set(&mut self, field: &str, w: Option<DateWindow>) {
        match field {
            "in_school_registration" => self.in_school_registration = w,
            "grade1_registration" => self.grade1_registration = w,
            "arrival_registration" => self.arrival_registration = w,
            "graduation" => self.graduation = w,
            "promotion" => self.promotion = w,
            "enrolment" => self.enrolment = w,
            _ => {}
        }
    }
}

/// A province's switches (管理功能设置).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvinceSwitches {
    /// Which status changes are allowed per stage, and which need the authority's approval.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub status_changes: StatusSwitches,
    /// 小学新生注册 on or off.
    pub grade1_registration_open: bool,
    pub grade1_age: AgeControl,
    /// 是否可以删除有正式学籍号的学生.
    pub delete_with_formal_number: bool,
    pub windows: BusinessWindows,
    /// The highest authority level that approves registrations (at least the county).
    #[serde(default)]
    pub registration_up_to: crate::workflow::RegistrationLevel,
}

impl Default for ProvinceSwitches {
    fn default() -> Self {
        ProvinceSwitches {
            status_changes: StatusSwitches::default(),
            grade1_registration_open: true,
            grade1_age: AgeControl::default(),
            delete_with_formal_number: false,
            windows: BusinessWindows::default(),
            registration_up_to: crate::workflow::RegistrationLevel::County,
        }
    }
}

impl ProvinceSwitches {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut f = Vec::new();
        for (stage, set) in [
            (Stage::Primary, &self.status_changes.primary),
            (Stage::Junior, &self.status_changes.junior),
        ] {
            if set.contains(&StatusChange::Expel) {
                f.push(FieldError::new(
                    format!("status_changes.{}", stage.as_str()),
                    format!("义务教育阶段（{}）不能开除学生", stage.label()),
                ));
            }
        }
        let a = &self.grade1_age;
        if !(3..=10).contains(&a.min_age) {
            f.push(FieldError::new(
                "grade1_age.min_age",
                "小学新生最小年龄应在 3 到 10 周岁之间",
            ));
        }
        if !(3..=12).contains(&a.max_age) {
            f.push(FieldError::new(
                "grade1_age.max_age",
                "小学新生最大年龄应在 3 到 12 周岁之间",
            ));
        } else if a.max_age < a.min_age {
            f.push(FieldError::new(
                "grade1_age.max_age",
                format!(
                    "小学新生最大年龄（{}）不能小于最小年龄（{}）",
                    a.max_age, a.min_age
                ),
            ));
        }
        // 2000 is a leap year: 29 February is a valid cut-off day.
        if NaiveDate::from_ymd_opt(2000, u32::from(a.cutoff_month), u32::from(a.cutoff_day))
            .is_none()
        {
            f.push(FieldError::new(
                "grade1_age.cutoff_day",
                format!(
                    "年龄计算截止日期 {}月{}日 不存在",
                    a.cutoff_month, a.cutoff_day
                ),
            ));
        }
        for (name, label, w) in self.windows.entries() {
            if let Some(w) = w {
                if w.end < w.start {
                    f.push(FieldError::new(
                        format!("windows.{name}.end"),
                        format!(
                            "{label}时间：结束日期（{}）不能早于开始日期（{}）",
                            w.end, w.start
                        ),
                    ));
                }
            }
        }
        f
    }
}

/// A province's switches and whether the caller may change them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchesView {
    pub province_code: String,
    pub settings: ProvinceSwitches,
    /// Nothing stored yet: the national defaults apply.
    pub is_default: bool,
    pub editable: bool,
}

// ───────────────────────────── working-day calendar ─────────────────────────────

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 法定节假日
    Holiday,
    /// 调休上班
    MakeupWorkday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::MakeupWorkday => "makeup_workday",
        }
    }
    pub fn parse(s: &str) -> Option<DayKind> {
        [DayKind::Holiday, DayKind::MakeupWorkday]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            DayKind::Holiday => "节假日",
            DayKind::MakeupWorkday => "调休上班",
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// E.g. 春节.
    #[serde(default)]
    pub note: String,
}

/// Whose days a calendar edit replaces.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarSource {
    /// 全国 (the ministry).
    National,
    /// 本省增补 (a province).
    Province,
}

/// One year of the calendar as it applies to the caller's province.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarView {
    pub year: i32,
    pub province_code: String,
    pub national: Vec<CalendarDay>,
    pub province: Vec<CalendarDay>,
    /// Which list the caller may replace, if any.
    pub editable: Option<CalendarSource>,
}

impl CalendarView {
    /// The effective calendar: national days plus the province's additions.
    pub fn work_calendar(&self) -> WorkCalendar {
        effective_calendar(self.national.iter().chain(self.province.iter()))
    }
}

/// A [`WorkCalendar`] from listed days (national and province days together).
pub fn effective_calendar<'a>(days: impl IntoIterator<Item = &'a CalendarDay>) -> WorkCalendar {
    let mut c = WorkCalendar::default();
    for d in days {
        match d.kind {
            DayKind::Holiday => c.holidays.insert(d.date),
            DayKind::MakeupWorkday => c.makeup_workdays.insert(d.date),
        };
    }
    c
}

/// Replace one year of the caller's days (national for the ministry, additions for a province).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCalendar {
    pub year: i32,
    pub days: Vec<CalendarDay>,
}

impl UpdateCalendar {
    /// Problems with the list, given the days already set above (the national days when a
    /// province edits; none for the ministry).
    pub fn validate(&self, above: &[CalendarDay]) -> Vec<FieldError> {
        let mut f = Vec::new();
        if !(2000..=2100).contains(&self.year) {
            f.push(FieldError::new("year", "年份应在 2000 到 2100 之间"));
            return f;
        }
        if self.days.len() > 366 {
            f.push(FieldError::new("days", "一年最多 366 天"));
            return f;
        }
        let mut seen = BTreeSet::new();
        for (i, d) in self.days.iter().enumerate() {
            let field = |k: &str| format!("days[{i}].{k}");
            if d.date.year() != self.year {
                f.push(FieldError::new(
                    field("date"),
                    format!("日期 {} 不在 {} 年内", d.date, self.year),
                ));
            } else if !seen.insert(d.date) {
                f.push(FieldError::new(
                    field("date"),
                    format!("日期 {} 重复", d.date),
                ));
            } else if above.iter().any(|a| a.date == d.date) {
                f.push(FieldError::new(
                    field("date"),
                    format!("日期 {} 已由全国日历设置", d.date),
                ));
            }
            let weekend = matches!(d.date.weekday(), Weekday::Sat | Weekday::Sun);
            if d.kind == DayKind::MakeupWorkday && !weekend {
                f.push(FieldError::new(
                    field("kind"),
                    format!("调休上班日 {} 应为周六或周日", d.date),
                ));
            }
            if d.note.chars().count() > 32 {
                f.push(FieldError::new(field("note"), "说明不能超过 32 个字"));
            }
        }
        f
    }
}

// ───────────────────────────── password policy ─────────────────────────────

/// A province's password policy and whether the caller may change it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicyView {
    pub province_code: String,
    pub policy: PasswordPolicy,
    /// Nothing stored yet: the defaults apply.
    pub is_default: bool,
    pub editable: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn lc(level: Level, cap: Option<u16>, locked: bool) -> LevelCap {
        LevelCap {
            org_id: 1,
            org_name: level.label().into(),
            level,
            cap,
            locked,
        }
    }

    #[test]
    fn caps_update_names_the_field_and_the_parent_cap() {
        let sc = StageCaps {
            stage: Stage::Primary,
            above: vec![
                lc(Level::Province, Some(50), false),
                lc(Level::City, Some(45), false),
            ],
            own: None,
            effective: Some(45),
            effective_level: Some(Level::City),
            effective_org_name: None,
            locked_by: None,
        };
        assert_eq!(sc.limit(), Some((45, Level::City)));
        let u = |cap| UpdateCap {
            stage: Stage::Primary,
            cap,
            locked: false,
        };
        let e = u(Some(48)).validate(Level::County, &sc.above_settings());
        assert_eq!(e[0].field, "cap");
        assert!(e[0].message.contains("小学"), "{}", e[0].message);
        assert!(e[0].message.contains("45人"), "{}", e[0].message);
        assert!(u(Some(45))
            .validate(Level::County, &sc.above_settings())
            .is_empty());
        assert!(u(None)
            .validate(Level::County, &sc.above_settings())
            .is_empty());
        assert_eq!(u(Some(201)).validate(Level::Province, &[])[0].field, "cap");
        assert_eq!(u(Some(40)).validate(Level::School, &[])[0].field, "cap");
    }

    #[test]
    fn controlled_fields_update() {
        let u = |f: &[&str]| UpdateControlledFields {
            fields: f.iter().map(|s| s.to_string()).collect(),
        };
        assert!(u(&["ethnic_group"]).validate(Level::County).is_empty());
        let e = u(&["shoe_size"]).validate(Level::County);
        assert_eq!(e[0].field, "fields");
        assert!(e[0].message.contains("shoe_size"));
        assert!(!u(&[]).validate(Level::School).is_empty());
        assert_eq!(field_label("ethnic_group"), "民族");
        assert_eq!(field_label("xyz"), "xyz");
    }

    #[test]
    fn switches_validation() {
        let ok = ProvinceSwitches::default();
        assert!(ok.validate().is_empty());
        let mut s = ok.clone();
        s.windows.graduation = Some(DateWindow {
            start: d(2026, 7, 30),
            end: d(2026, 5, 1),
        });
        s.grade1_age.min_age = 8;
        s.grade1_age.cutoff_month = 2;
        s.grade1_age.cutoff_day = 30;
        s.status_changes.primary.insert(StatusChange::Expel);
        let fields: Vec<String> = s.validate().into_iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            [
                "status_changes.primary",
                "grade1_age.max_age",
                "grade1_age.cutoff_day",
                "windows.graduation.end"
            ]
        );
        let msg = &s.validate()[3].message;
        assert!(msg.contains("毕业") && msg.contains("2026-05-01"), "{msg}");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<ProvinceSwitches>(&json).unwrap(), s);
        let mut w = BusinessWindows::default();
        w.set(
            "enrolment",
            Some(DateWindow {
                start: d(2026, 6, 1),
                end: d(2026, 6, 30),
            }),
        );
        assert!(w.enrolment.is_some_and(|w| w.contains(d(2026, 6, 15))));
    }

    #[test]
    fn age_control() {
        let a = AgeControl::default();
        // Turns 6 on 31 August 2026: may register in 2026.
        assert_eq!(a.check(d(2020, 8, 31), 2026), Ok(()));
        // Turns 6 on 1 September: too young.
        assert!(a
            .check(d(2020, 9, 1), 2026)
            .unwrap_err()
            .contains("满6周岁"));
        assert!(a.check(d(2018, 8, 31), 2026).is_err());
        assert!(AgeControl {
            enabled: false,
            ..a
        }
        .check(d(2024, 1, 1), 2026)
        .is_ok());
        let feb29 = AgeControl {
            cutoff_month: 2,
            cutoff_day: 29,
            ..a
        };
        assert_eq!(feb29.cutoff(2026), Some(d(2026, 2, 28)));
    }

    #[test]
    fn calendar_validation_and_merge() {
        let national = vec![CalendarDay {
            date: d(2026, 10, 1),
            kind: DayKind::Holiday,
            note: "国庆节".into(),
        }];
        let upd = UpdateCalendar {
            year: 2026,
            days: vec![
                CalendarDay {
                    date: d(2026, 10, 1),
                    kind: DayKind::Holiday,
                    note: String::new(),
                },
                CalendarDay {
                    date: d(2026, 10, 12),
                    kind: DayKind::MakeupWorkday,
                    note: String::new(),
                },
                CalendarDay {
                    date: d(2027, 1, 1),
                    kind: DayKind::Holiday,
                    note: String::new(),
                },
                CalendarDay {
                    date: d(2026, 10, 10),
                    kind: DayKind::MakeupWorkday,
                    note: String::new(),
                },
            ],
        };
        let fields: Vec<String> = upd
            .validate(&national)
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["days[0].date", "days[1].kind", "days[2].date"]);
        assert_eq!(
            UpdateCalendar {
                year: 1900,
                days: vec![]
            }
            .validate(&[])[0]
                .field,
            "year"
        );
        let view = CalendarView {
            year: 2026,
            province_code: "330000".into(),
            national,
            province: vec![CalendarDay {
                date: d(2026, 10, 10),
                kind: DayKind::MakeupWorkday,
                note: String::new(),
            }],
            editable: None,
        };
        let c = view.work_calendar();
        assert!(!c.is_working_day(d(2026, 10, 1)));
        assert!(c.is_working_day(d(2026, 10, 10)));
        for k in [DayKind::Holiday, DayKind::MakeupWorkday] {
            assert_eq!(DayKind::parse(k.as_str()), Some(k));
            assert!(!k.label().is_empty());
        }
    }
}
