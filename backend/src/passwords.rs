//! Password lifecycle: the province's policy, and whether an account must change its password
//! before doing anything else (an administrator's reset, expiry, or a lent password whose loan
//! has ended — seed 001 第七条).

use sea_orm::{ConnectionTrait, EntityTrait};
use xueji_shared::account::PasswordPolicy;

use crate::entities::{accounts, password_policies};
use crate::error::AppResult;

/// The policy of a province: its own row, or the national default.
pub async fn policy<C: ConnectionTrait>(
    conn: &C,
    province_code: &str,
) -> AppResult<PasswordPolicy> {
    let row = password_policies::Entity::find_by_id(province_code.to_owned())
        .one(conn)
        .await?;
    Ok(match row {
        Some(r) => PasswordPolicy {
            min_length: r.min_length.clamp(0, u8::MAX as i16) as u8,
            expiry_days: r.expiry_days.clamp(0, u16::MAX as i32) as u16,
            lockout_threshold: r.lockout_threshold.clamp(1, u8::MAX as i16) as u8,
            lockout_minutes: r.lockout_minutes.clamp(1, u16::MAX as i32) as u16,
        },
        None => PasswordPolicy::default(),
    })
}

/// Whether the account must change its password now.
pub async fn change_required<C: ConnectionTrait>(
    conn: &C,
    account: &accounts::Model,
    policy: &PasswordPolicy,
) -> AppResult<bool> {
    if account.must_change_password {
        return Ok(true);
    }
    let now = crate::clock::now_local();
    let changed = account
        .password_changed_at
        .with_timezone(&crate::clock::cst())
        .naive_local();
    if policy.is_expired(changed, now) {
        return Ok(true);
    }
    let loan = crate::routes::accounts::active_loan(conn, account.id).await?;
    Ok(loan.is_some_and(|l| l.until < crate::clock::today()))
}
