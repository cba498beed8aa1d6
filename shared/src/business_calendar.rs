//! Business calendar (业务时间设置): time windows per business and the freezes before graduation
//! and promotion.
//!
//! Rules (seed 001 第一章 2, 第三章 1, 第四章 4; DESIGN.md business 8 and "Configuration"):
//! - the province sets when grade-1 registration, in-school registration, graduation, promotion
//!   and enrolment may be done; grade-1 registration runs within one month of term start;
//! - graduation must be finished by 30 July; all non-graduating students move up at 24:00 on
//!   10 August, and the businesses in progress must be finished before (升级前数据核查);
//! - so: a business with windows is open only inside one of them, and a freeze closes the listed
//!   businesses for its period (for graduating-year students only, or for everybody).
//!
//! Windows and freezes recur every year and are given as month-day ranges (inclusive; a range
//! may wrap over the new year). Time is passed in; nothing reads a clock.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{Datelike, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Businesses the calendar governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarBusiness {
    /// 小学新生注册
    NewStudentRegistration,
    /// 在校生注册
    InSchoolRegistration,
    /// 来华归国学生注册
    ArrivalRegistration,
    /// 关键信息变更
    KeyFieldChange,
    /// 非转学异动
    StatusChange,
    /// 转学
    Transfer,
    /// 毕业/结业
    Graduation,
    /// 招生
    Enrolment,
    /// 毕业后跨省就学
    CrossProvinceEnrolment,
    /// 招生计划变更
    QuotaChange,
}

impl CalendarBusiness {
    pub fn label(self) -> &'static str {
        match self {
            CalendarBusiness::NewStudentRegistration => "小学新生注册",
            CalendarBusiness::InSchoolRegistration => "在校生注册",
            CalendarBusiness::ArrivalRegistration => "来华归国学生注册",
            CalendarBusiness::KeyFieldChange => "关键信息变更",
            CalendarBusiness::StatusChange => "学籍异动",
            CalendarBusiness::Transfer => "转学",
            CalendarBusiness::Graduation => "毕业",
            CalendarBusiness::Enrolment => "招生",
            CalendarBusiness::CrossProvinceEnrolment => "毕业后跨省就学",
            CalendarBusiness::QuotaChange => "招生计划变更",
        }
    }
}

/// A day of the year, `(month, day)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    pub const fn new(month: u32, day: u32) -> Self {
        MonthDay { month, day }
    }
    fn of(at: NaiveDateTime) -> Self {
        MonthDay {
            month: at.month(),
            day: at.day(),
        }
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}月{}日", self.month, self.day)
    }
}

/// An annual range of days, both ends included; `from > until` wraps over the new year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualRange {
    pub from: MonthDay,
    pub until: MonthDay,
}

impl AnnualRange {
    pub const fn new(from: MonthDay, until: MonthDay) -> Self {
        AnnualRange { from, until }
    }
    pub fn contains(&self, at: NaiveDateTime) -> bool {
        let d = MonthDay::of(at);
        if self.from <= self.until {
            self.from <= d && d <= self.until
        } else {
            d >= self.from || d <= self.until
        }
    }
}

impl fmt::Display for AnnualRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}至{}", self.from, self.until)
    }
}

/// A window in which a business may be done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub business: CalendarBusiness,
    pub range: AnnualRange,
}

/// A period in which the listed businesses are closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freeze {
    pub label: String,
    pub range: AnnualRange,
    pub businesses: BTreeSet<CalendarBusiness>,
    /// Applies only to students in the graduating year of their stage.
    pub graduating_only: bool,
}

/// Why a business cannot be done now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{}只能在{windows}办理", business.label())]
    OutsideWindow {
        business: CalendarBusiness,
        windows: String,
    },
    #[error("{label}期间（{range}）不能办理{}", business.label())]
    Frozen {
        business: CalendarBusiness,
        label: String,
        range: AnnualRange,
    },
}

/// A province's business calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessCalendar {
    /// Businesses listed here are open only inside one of their windows; others all year.
    pub windows: Vec<Window>,
    pub freezes: Vec<Freeze>,
}

/// Graduation deadline (seed 001 第三章 1): 30 July.
pub const GRADUATION_DEADLINE: MonthDay = MonthDay::new(7, 30);
/// Promotion day (seed 001 第三章 1): 24:00 on 10 August.
pub const PROMOTION_DAY: MonthDay = MonthDay::new(8, 10);

impl Default for BusinessCalendar {
    /// The national rules as defaults: grade-1 registration in September (one month after term
    /// start), graduation from 1 May to 30 July; graduating-year students cannot transfer or
    /// change status in June and July (毕业前冻结); from 31 July to the promotion on 10 August
    /// no registration, change, transfer or status change is accepted (升级前冻结).
    fn default() -> Self {
        use CalendarBusiness as B;
        BusinessCalendar {
            windows: vec![
                Window {
                    business: B::NewStudentRegistration,
                    range: AnnualRange::new(MonthDay::new(9, 1), MonthDay::new(9, 30)),
                },
                Window {
                    business: B::Graduation,
                    range: AnnualRange::new(MonthDay::new(5, 1), GRADUATION_DEADLINE),
                },
            ],
            freezes: vec![
                Freeze {
                    label: "毕业前冻结".into(),
                    range: AnnualRange::new(MonthDay::new(6, 1), GRADUATION_DEADLINE),
                    businesses: [B::Transfer, B::StatusChange].into_iter().collect(),
                    graduating_only: true,
                },
                Freeze {
                    label: "升级前冻结".into(),
                    range: AnnualRange::new(MonthDay::new(7, 31), PROMOTION_DAY),
                    businesses: [
                        B::InSchoolRegistration,
                        B::ArrivalRegistration,
                        B::KeyFieldChange,
                        B::StatusChange,
                        B::Transfer,
                        B::Graduation,
                    ]
                    .into_iter()
                    .collect(),
                    graduating_only: false,
                },
            ],
        }
    }
}

impl BusinessCalendar {
    /// Whether `business` may be done at `at` for a student (`graduating` = in the last grade of
    /// the stage; pass `false` for businesses not about one student).
    pub fn check(
        &self,
        business: CalendarBusiness,
        at: NaiveDateTime,
        graduating: bool,
    ) -> Result<(), CalendarError> {
        let mut own = self
            .windows
            .iter()
            .filter(|w| w.business == business)
            .peekable();
        if own.peek().is_some()
            && !self
                .windows
                .iter()
                .any(|w| w.business == business && w.range.contains(at))
        {
            let windows = own
                .map(|w| w.range.to_string())
                .collect::<Vec<_>>()
                .join("、");
            return Err(CalendarError::OutsideWindow { business, windows });
        }
        for f in &self.freezes {
            if f.businesses.contains(&business)
                && (graduating || !f.graduating_only)
                && f.range.contains(at)
            {
                return Err(CalendarError::Frozen {
                    business,
                    label: f.label.clone(),
                    range: f.range,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, m, d)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
    }

    #[test]
    fn windows() {
        let c = BusinessCalendar::default();
        assert_eq!(
            c.check(CalendarBusiness::NewStudentRegistration, at(9, 15), false),
            Ok(())
        );
        let e = c
            .check(CalendarBusiness::NewStudentRegistration, at(10, 1), false)
            .unwrap_err();
        assert_eq!(e.to_string(), "小学新生注册只能在9月1日至9月30日办理");
        assert!(c
            .check(CalendarBusiness::Graduation, at(7, 30), true)
            .is_ok());
        assert!(c
            .check(CalendarBusiness::Graduation, at(4, 30), true)
            .is_err());
        // No window = all year.
        assert!(c
            .check(CalendarBusiness::QuotaChange, at(1, 1), false)
            .is_ok());
    }

    #[test]
    fn freezes() {
        let c = BusinessCalendar::default();
        // Before graduation: graduating students only.
        let e = c
            .check(CalendarBusiness::Transfer, at(6, 15), true)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "毕业前冻结期间（6月1日至7月30日）不能办理转学"
        );
        assert!(c
            .check(CalendarBusiness::Transfer, at(6, 15), false)
            .is_ok());
        // Before promotion: everybody.
        assert!(matches!(
            c.check(CalendarBusiness::Transfer, at(8, 5), false),
            Err(CalendarError::Frozen { .. })
        ));
        assert!(c
            .check(CalendarBusiness::Transfer, at(8, 11), false)
            .is_ok());
        assert!(c
            .check(CalendarBusiness::Graduation, at(7, 31), true)
            .is_err());
        assert!(c
            .check(CalendarBusiness::Enrolment, at(8, 5), false)
            .is_ok());
    }

    #[test]
    fn wrapping_ranges() {
        let r = AnnualRange::new(MonthDay::new(11, 1), MonthDay::new(2, 28));
        assert!(r.contains(at(12, 31)));
        assert!(r.contains(at(1, 15)));
        assert!(!r.contains(at(3, 1)));
        assert_eq!(r.to_string(), "11月1日至2月28日");
        let c = BusinessCalendar {
            windows: vec![
                Window {
                    business: CalendarBusiness::Enrolment,
                    range: AnnualRange::new(MonthDay::new(6, 1), MonthDay::new(6, 30)),
                },
                Window {
                    business: CalendarBusiness::Enrolment,
                    range: AnnualRange::new(MonthDay::new(9, 1), MonthDay::new(9, 10)),
                },
            ],
            freezes: vec![],
        };
        assert!(c
            .check(CalendarBusiness::Enrolment, at(9, 5), false)
            .is_ok());
        let e = c
            .check(CalendarBusiness::Enrolment, at(7, 5), false)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "招生只能在6月1日至6月30日、9月1日至9月10日办理"
        );
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<BusinessCalendar>(&json).unwrap(), c);
    }
}
