//! Time as the business sees it: dates are China Standard Time (UTC+8, no daylight saving),
//! instants are UTC.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, Utc};

pub fn cst() -> FixedOffset {
    // 8 hours is within FixedOffset's range; the fallback is unreachable.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// Today's date in China.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&cst()).date_naive()
}

/// Now, as a local (China) wall-clock time.
pub fn now_local() -> NaiveDateTime {
    Utc::now().with_timezone(&cst()).naive_local()
}
