//! Working days (工作日) and step deadlines.
//!
//! Rule (seed 000: steps "超过10个工作日未核办" are listed and counted; DESIGN.md business 7):
//! every step of every request should finish within 10 working days. A working day is Monday
//! to Friday, except configured public holidays, plus configured make-up working days (调休, a
//! Saturday or Sunday worked in exchange). The holiday lists are configuration (the State
//! Council publishes them each year), passed in.
//!
//! Counting: the day a step starts does not count (as in legal time limits); the deadline is the
//! end (24:00) of the N-th working day after the start day, and a step is overdue once `now` is
//! past it.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// Working days allowed for one step of a request (seed 000).
pub const STEP_LIMIT_WORKING_DAYS: u32 = 10;

/// A working-day calendar: weekends, holidays and make-up working days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    /// Days off that would otherwise be working days (法定节假日).
    #[serde(default)]
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days that are working days (调休上班).
    #[serde(default)]
    pub makeup_workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        makeup_workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        WorkCalendar {
            holidays: holidays.into_iter().collect(),
            makeup_workdays: makeup_workdays.into_iter().collect(),
        }
    }

    /// Whether `day` is a working day.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.makeup_workdays.contains(&day) {
            return true;
        }
        if self.holidays.contains(&day) {
            return false;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Working days `d` with `from.date() < d <= to.date()`: the whole working days that have
    /// begun since the day of `from`. Zero when `to` is not after `from`.
    pub fn working_days_between(&self, from: NaiveDateTime, to: NaiveDateTime) -> u32 {
        let (a, b) = (from.date(), to.date());
        if b <= a {
            return 0;
        }
        let span = (b - a).num_days();
        // Whole weeks hold 5 weekdays each; then correct for holidays and make-up days in range.
        let weeks = span / 7;
        let mut count = weeks * 5;
        let mut day = a + Days::new((weeks * 7) as u64);
        while day < b {
            day = day + Days::new(1);
            if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                count += 1;
            }
        }
        let in_range = |d: &&NaiveDate| **d > a && **d <= b;
        let weekend = |d: &NaiveDate| matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        for h in self.holidays.range(a..=b).filter(in_range) {
            if !weekend(h) && !self.makeup_workdays.contains(h) {
                count -= 1;
            }
        }
        for m in self.makeup_workdays.range(a..=b).filter(in_range) {
            if weekend(m) {
                count += 1;
            }
        }
        count.max(0) as u32
    }

    /// The `n`-th working day after `day` (`n = 0` gives `day`).
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut d = day;
        let mut left = n;
        while left > 0 {
            match d.checked_add_days(Days::new(1)) {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The deadline of a step started at `started` with `limit` working days: the first instant
    /// after the `limit`-th working day following the start day (i.e. that day's 24:00).
    pub fn deadline(&self, started: NaiveDateTime, limit: u32) -> NaiveDateTime {
        let last = self.add_working_days(started.date(), limit);
        let next = last.checked_add_days(Days::new(1)).unwrap_or(last);
        next.and_time(NaiveTime::MIN)
    }

    /// Whether a step started at `started` and still open at `now` is past its deadline.
    pub fn is_overdue(&self, started: NaiveDateTime, now: NaiveDateTime, limit: u32) -> bool {
        now >= self.deadline(started, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }
    fn at(day: NaiveDate, h: u32) -> NaiveDateTime {
        day.and_hms_opt(h, 0, 0).unwrap()
    }

    /// National Day 2025: 1–8 Oct off, Sun 28 Sep and Sat 11 Oct worked.
    fn cal() -> WorkCalendar {
        WorkCalendar::new(
            (1..=8).map(|i| d(2025, 10, i)),
            [d(2025, 9, 28), d(2025, 10, 11)],
        )
    }

    #[test]
    fn weekdays_weekends_holidays_makeup() {
        let c = cal();
        assert!(c.is_working_day(d(2025, 9, 26))); // Fri
        assert!(!c.is_working_day(d(2025, 9, 27))); // Sat
        assert!(c.is_working_day(d(2025, 9, 28))); // Sun, make-up
        assert!(!c.is_working_day(d(2025, 10, 1))); // holiday
        assert!(c.is_working_day(d(2025, 10, 11))); // Sat, make-up
        assert!(!WorkCalendar::default().is_working_day(d(2025, 10, 11)));
    }

    #[test]
    fn counting_between_instants() {
        let c = WorkCalendar::default();
        // Mon 8 Sep → Mon 15 Sep: Tue..Fri + Mon = 5.
        assert_eq!(
            c.working_days_between(at(d(2025, 9, 8), 9), at(d(2025, 9, 15), 9)),
            5
        );
        assert_eq!(
            c.working_days_between(at(d(2025, 9, 8), 9), at(d(2025, 9, 8), 18)),
            0
        );
        assert_eq!(
            c.working_days_between(at(d(2025, 9, 15), 9), at(d(2025, 9, 8), 9)),
            0
        );
        // Fri → Sun: nothing.
        assert_eq!(
            c.working_days_between(at(d(2025, 9, 12), 9), at(d(2025, 9, 14), 9)),
            0
        );
        let c = cal();
        // Fri 26 Sep → Fri 10 Oct: 28 Sep, 29, 30 Sep, 9, 10 Oct = 5.
        assert_eq!(
            c.working_days_between(at(d(2025, 9, 26), 9), at(d(2025, 10, 10), 9)),
            5
        );
    }

    #[test]
    fn counting_matches_day_by_day() {
        let c = cal();
        let start = d(2025, 8, 1);
        for len in 0..120u64 {
            let end = start + Days::new(len);
            let slow = (1..=len)
                .filter(|i| c.is_working_day(start + Days::new(*i)))
                .count() as u32;
            assert_eq!(
                c.working_days_between(at(start, 10), at(end, 10)),
                slow,
                "{end}"
            );
        }
    }

    #[test]
    fn ten_working_day_deadline_and_overdue() {
        let c = cal();
        // Started Thu 25 Sep: 26, 28, 29, 30 Sep, 9, 10, 11, 13, 14, 15 Oct → due end of 15 Oct.
        let started = at(d(2025, 9, 25), 16);
        assert_eq!(c.add_working_days(d(2025, 9, 25), 10), d(2025, 10, 15));
        assert_eq!(
            c.deadline(started, STEP_LIMIT_WORKING_DAYS),
            at(d(2025, 10, 16), 0)
        );
        assert!(!c.is_overdue(started, at(d(2025, 10, 15), 23), STEP_LIMIT_WORKING_DAYS));
        assert!(c.is_overdue(started, at(d(2025, 10, 16), 8), STEP_LIMIT_WORKING_DAYS));
        assert_eq!(c.add_working_days(d(2025, 9, 25), 0), d(2025, 9, 25));
    }
}
