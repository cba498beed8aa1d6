//! Password lifecycle: the province's policy, and whether an account must change its password
//! before doing anything else (an administrator's reset, expiry, or a lent password whose loan
//! has ended — seed 001 第七条).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use xueji_shared::account::PasswordPolicy;

use crate::entities::{accounts, password_loans};
use crate::error::AppResult;

/// The policy of a province: its own row, or the national default ([`crate::settings`]).
pub async fn policy<C: ConnectionTrait>(
    conn: &C,
    province_code: &str,
) -> AppResult<PasswordPolicy> {
    crate::settings::password_policy(conn, province_code).await
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
    let loan = active_loan(conn, account.id).await?;
    Ok(loan.is_some_and(|l| l.until < crate::clock::today()))
}

/// The open password loan of an account (the newest one not yet ended by a password change).
pub async fn active_loan<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
) -> AppResult<Option<password_loans::Model>> {
    Ok(password_loans::Entity::find()
        .filter(password_loans::Column::AccountId.eq(account_id))
        .filter(password_loans::Column::EndedAt.is_null())
        .order_by_desc(password_loans::Column::Id)
        .one(conn)
        .await?)
}
