//! The 10-working-day clock (seed 000: 每个环节均应在10个工作日内核办完毕): a step's deadline
//! from the moment it became current, counted with the province's working-day calendar
//! (`xueji_shared::calendar`: weekends, public holidays, make-up working days), in China time.

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::ConnectionTrait;
use xueji_shared::calendar::{WorkCalendar, STEP_LIMIT_WORKING_DAYS};

use crate::error::AppResult;

/// A province's calendar, loaded once for many steps.
pub async fn calendar<C: ConnectionTrait>(
    conn: &C,
    province_code: &str,
) -> AppResult<WorkCalendar> {
    crate::settings::calendar(conn, province_code).await
}

fn local(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&crate::clock::cst()).naive_local()
}

/// The deadline of a step started at `started`: 24:00 China time of the 10th working day after
/// the day it started.
pub fn due_at(cal: &WorkCalendar, started: DateTime<Utc>) -> DateTime<Utc> {
    let due = cal.deadline(local(started), STEP_LIMIT_WORKING_DAYS);
    crate::clock::cst()
        .from_local_datetime(&due)
        .single()
        .map(|d| d.with_timezone(&Utc))
        // A fixed offset has exactly one instant per wall-clock time; keep the start otherwise.
        .unwrap_or(started)
}

/// Whole working days from `started` to `until` (the day of the start not counted).
pub fn working_days(cal: &WorkCalendar, started: DateTime<Utc>, until: DateTime<Utc>) -> u32 {
    cal.working_days_between(local(started), local(until))
}

/// Whether a step still open at `now` is past its deadline.
pub fn is_overdue(cal: &WorkCalendar, started: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    cal.is_overdue(local(started), local(now), STEP_LIMIT_WORKING_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn deadline_is_midnight_china_time_of_the_tenth_working_day() {
        // National Day 2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked.
        let cal = WorkCalendar::new(
            (1..=8).map(|day| d(2025, 10, day)),
            [d(2025, 9, 28), d(2025, 10, 11)],
        );
        // Started Tuesday 30 September 10:00 China time (02:00 UTC).
        let started = Utc.with_ymd_and_hms(2025, 9, 30, 2, 0, 0).unwrap();
        // Working days after it: 9 (Thu), 10 (Fri), 11 (Sat, make-up), 13–17, 20, 21 → the 10th
        // is Tuesday 21 October; due at its 24:00 China time = 21 Oct 16:00 UTC.
        assert_eq!(
            due_at(&cal, started),
            Utc.with_ymd_and_hms(2025, 10, 21, 16, 0, 0).unwrap()
        );
        let just_before = Utc.with_ymd_and_hms(2025, 10, 21, 15, 59, 59).unwrap();
        assert!(!is_overdue(&cal, started, just_before));
        assert!(is_overdue(
            &cal,
            started,
            Utc.with_ymd_and_hms(2025, 10, 21, 16, 0, 0).unwrap()
        ));
        assert_eq!(working_days(&cal, started, just_before), 10);
    }
}
