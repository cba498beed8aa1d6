//! Account rules: usernames, the per-province password policy, password expiry and lending
//! (seed 001 第四章, 第七条: a lent password must be changed by its owner when the loan ends).

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::field::FieldError;

/// A province's password policy.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// Minimum length in characters (8–64).
    pub min_length: u8,
    /// Days a password stays valid; 0 = never expires.
    pub expiry_days: u16,
    /// Wrong passwords in a row that lock the account (3–10).
    pub lockout_threshold: u8,
    /// Minutes an account stays locked (1–1440).
    pub lockout_minutes: u16,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            expiry_days: 90,
            lockout_threshold: 5,
            lockout_minutes: 15,
        }
    }
}

impl PasswordPolicy {
    /// The policy's own settings are within bounds.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut f = Vec::new();
        if !(8..=64).contains(&self.min_length) {
            f.push(FieldError::new(
                "min_length",
                "密码最小长度应在 8 到 64 之间",
            ));
        }
        if self.expiry_days > 3650 {
            f.push(FieldError::new(
                "expiry_days",
                "密码有效期不能超过 3650 天（0 表示不过期）",
            ));
        }
        if !(3..=10).contains(&self.lockout_threshold) {
            f.push(FieldError::new(
                "lockout_threshold",
                "锁定前允许输错的次数应在 3 到 10 之间",
            ));
        }
        if !(1..=1440).contains(&self.lockout_minutes) {
            f.push(FieldError::new(
                "lockout_minutes",
                "锁定时长应在 1 到 1440 分钟之间",
            ));
        }
        f
    }

    /// Problems with a new password under this policy: at most one entry, on `field`, with
    /// every reason joined (a form shows one message per field).
    pub fn check_password(&self, field: &str, password: &str, username: &str) -> Vec<FieldError> {
        let mut reasons: Vec<String> = Vec::new();
        let len = password.chars().count();
        if len < self.min_length as usize {
            reasons.push(format!("密码至少 {} 位", self.min_length));
        } else if len > 128 {
            reasons.push("密码不能超过 128 位".into());
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .into_iter()
        .filter(|b| *b)
        .count();
        if classes < 3 {
            reasons.push("密码须包含大写字母、小写字母、数字、符号中的至少三类".into());
        }
        if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
            reasons.push("密码不能包含用户名".into());
        }
        if reasons.is_empty() {
            Vec::new()
        } else {
            vec![FieldError::new(field, reasons.join("；"))]
        }
    }

    /// Whether a password set at `changed_at` has expired at `now`.
    pub fn is_expired(&self, changed_at: NaiveDateTime, now: NaiveDateTime) -> bool {
        self.expiry_days != 0 && now - changed_at > chrono::Duration::days(self.expiry_days as i64)
    }
}

/// Usernames: 3–64 characters of letters, digits, `-`, `_`, `.`, starting with a letter or digit.
pub fn check_username(username: &str) -> Result<(), &'static str> {
    let n = username.chars().count();
    if !(3..=64).contains(&n) {
        return Err("用户名长度应为 3 到 64 个字符");
    }
    if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err("用户名只能包含字母、数字、“-”“_”“.”");
    }
    if !username.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("用户名须以字母或数字开头");
    }
    Ok(())
}

/// A display name: 1–64 characters, not blank.
pub fn check_display_name(name: &str) -> Result<(), &'static str> {
    let n = name.trim().chars().count();
    if n == 0 {
        Err("姓名不能为空")
    } else if n > 64 {
        Err("姓名不能超过 64 个字符")
    } else {
        Ok(())
    }
}

/// A password loan (密码出借登记): to whom, why, until when. The owner must change the password
/// once the loan has ended.
pub fn check_loan(
    lent_to: &str,
    reason: &str,
    until: NaiveDate,
    today: NaiveDate,
) -> Vec<FieldError> {
    let mut f = Vec::new();
    if lent_to.trim().is_empty() {
        f.push(FieldError::new("lent_to", "请填写借用人"));
    }
    if reason.trim().is_empty() {
        f.push(FieldError::new("reason", "请填写出借事由"));
    }
    if until < today {
        f.push(FieldError::new("until", "归还日期不能早于今天"));
    } else if until > today + chrono::Duration::days(90) {
        f.push(FieldError::new("until", "出借期限不能超过 90 天"));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn password_policy_checks() {
        let p = PasswordPolicy::default();
        assert!(p
            .check_password("new_password", "Xueji@2026", "zj-admin")
            .is_empty());
        let short = p.check_password("new_password", "Ab1!", "u");
        assert_eq!(short.len(), 1);
        assert_eq!(short[0].message, "密码至少 8 位");
        assert_eq!(short[0].field, "new_password");
        assert_eq!(p.check_password("pw", "abcdefgh", "u").len(), 1);
        assert_eq!(p.check_password("pw", "Zj-admin-2026", "zj-admin").len(), 1);
        let both = p.check_password("pw", "123", "u");
        assert_eq!(both.len(), 1);
        assert_eq!(
            both[0].message,
            "密码至少 8 位；密码须包含大写字母、小写字母、数字、符号中的至少三类"
        );
        assert!(p.validate().is_empty());
        let bad = PasswordPolicy {
            min_length: 4,
            expiry_days: 4000,
            lockout_threshold: 1,
            lockout_minutes: 0,
        };
        assert_eq!(bad.validate().len(), 4);
    }

    #[test]
    fn expiry() {
        let p = PasswordPolicy::default();
        let t0 = d(2026, 1, 1).and_hms_opt(8, 0, 0).expect("t");
        assert!(!p.is_expired(t0, t0 + chrono::Duration::days(90)));
        assert!(p.is_expired(t0, t0 + chrono::Duration::days(91)));
        let never = PasswordPolicy {
            expiry_days: 0,
            ..p
        };
        assert!(!never.is_expired(t0, t0 + chrono::Duration::days(9999)));
    }

    #[test]
    fn usernames() {
        assert!(check_username("hz-xh-1-registrar").is_ok());
        assert!(check_username("ab").is_err());
        assert!(check_username("-abc").is_err());
        assert!(check_username("张三abc").is_err());
        assert!(check_display_name("  ").is_err());
        assert!(check_display_name("王老师").is_ok());
    }

    #[test]
    fn loans() {
        let today = d(2026, 11, 23);
        assert!(check_loan("李老师", "期末录入", d(2026, 11, 30), today).is_empty());
        let f = check_loan(" ", "", d(2026, 11, 1), today);
        let names: Vec<_> = f.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["lent_to", "reason", "until"]);
        assert_eq!(check_loan("a", "b", d(2027, 6, 1), today).len(), 1);
    }
}
