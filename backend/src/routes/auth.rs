use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set};
use serde_json::json;
use xueji_shared::api::{ErrorBody, LoginRequest, LoginResponse, RefreshRequest};

use crate::audit::{self, Actor, Entry};
use crate::auth::{
    me_of, new_refresh_token, refresh_token_hash, role_and_level, ClientIp, SessionCaller,
    ACCESS_TTL_SECONDS, REFRESH_TTL_SECONDS,
};
use crate::entities::{accounts, organisations, refresh_tokens};
use crate::error::{ApiJson, AppError, AppResult};
use crate::state::{AppState, WriteTx};

const BAD_CREDENTIALS: &str = "用户名或密码错误";

fn validate_login(req: &LoginRequest) -> AppResult<()> {
    let fields = req.validate();
    if fields.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(fields))
    }
}

/// Sign in with a username and password.
#[utoipa::path(post, path = "/auth/login", tag = "账号", request_body = LoginRequest, responses(
    (status = 200, body = LoginResponse),
    (status = 400, body = ErrorBody, description = "请求体无效"),
    (status = 401, body = ErrorBody, description = "用户名或密码错误"),
    (status = 403, body = ErrorBody, description = "账号已停用"),
    (status = 422, body = ErrorBody, description = "字段不符合要求"),
    (status = 423, body = ErrorBody, description = "账号已锁定"),
    (status = 429, body = ErrorBody, description = "请求过于频繁（Retry-After 给出秒数）"),
))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(client_ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<Json<LoginResponse>> {
    validate_login(&req)?;
    let username = req.username.trim().to_owned();
    // Before any password is checked: per client address and per username, across instances.
    crate::ratelimit::check_login(&state, client_ip.as_deref(), &username).await?;
    let account = accounts::Entity::find()
        .filter(accounts::Column::Username.eq(username.clone()))
        .one(&state.db)
        .await?;
    let now = Utc::now();

    let Some(account) = account else {
        state
            .passwords
            .verify_from(client_ip.as_deref(), req.password, None)
            .await?;
        let tx = state.begin_write().await?;
        // An unknown username "locks" like an account under the default policy, so that the
        // lock does not tell which usernames exist.
        let policy = xueji_shared::account::PasswordPolicy::default();
        let (threshold, lock_minutes) = (
            i64::from(policy.lockout_threshold),
            i64::from(policy.lockout_minutes),
        );
        let (failures, since) = crate::ratelimit::count(
            &*tx,
            &format!("unknown:{username}"),
            lock_minutes * 60,
            now.timestamp(),
        )
        .await?;
        let actor = Actor {
            client_ip,
            ..Default::default()
        };
        audit::append(
            &*tx,
            &actor,
            Entry {
                action: "auth.login_failed",
                object_type: "account",
                object_id: None,
                before: None,
                after: Some(json!({ "username": username, "reason": "unknown_account" })),
            },
        )
        .await?;
        tx.commit().await?;
        return Err(if failures == threshold {
            AppError::Locked(format!(
                "密码连续输错 {threshold} 次，账号已锁定 {lock_minutes} 分钟"
            ))
        } else if failures > threshold {
            let left = since + lock_minutes * 60 - now.timestamp();
            let minutes = (left - 1).max(0) / 60 + 1;
            AppError::Locked(format!(
                "密码连续输错 {threshold} 次，账号已锁定，请 {minutes} 分钟后再试"
            ))
        } else {
            AppError::Unauthorized(BAD_CREDENTIALS.into())
        });
    };

    let org = organisations::Entity::find_by_id(account.org_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("account {} has no organisation", account.id)))?;
    // The province's policy sets the lockout (seed 001 第四章).
    let policy = crate::passwords::policy(&state.db, &org.province_code).await?;
    let threshold = i32::from(policy.lockout_threshold);
    let lock_minutes = i64::from(policy.lockout_minutes);
    if let Some(until) = account.locked_until {
        if until > now {
            let minutes = (until - now).num_minutes() + 1;
            return Err(AppError::Locked(format!(
                "密码连续输错 {threshold} 次，账号已锁定，请 {minutes} 分钟后再试"
            )));
        }
    }

    let ok = state
        .passwords
        .verify_from(
            client_ip.as_deref(),
            req.password,
            Some(account.password_hash.clone()),
        )
        .await?;
    let actor = Actor {
        account_id: Some(account.id),
        org_id: Some(org.id),
        province_code: Some(org.province_code.clone()),
        client_ip,
    };
    let tx = state.begin_write().await?;
    // The lock as it is now, not as it was read before the (slow) verification: of many
    // concurrent attempts, only those that find the account unlocked count or sign in.
    let unlocked = Condition::any()
        .add(accounts::Column::LockedUntil.is_null())
        .add(accounts::Column::LockedUntil.lte(now));
    let locked_now = || {
        AppError::Locked(format!(
            "密码连续输错 {threshold} 次，账号已锁定，请稍后再试"
        ))
    };

    if !ok {
        // One atomic update counts the failure and sets the lock at the threshold.
        // failed_logins + 1 >= threshold
        let reaches = Expr::col(accounts::Column::FailedLogins).gte(threshold - 1);
        let counted = accounts::Entity::update_many()
            .col_expr(
                accounts::Column::FailedLogins,
                Expr::case(reaches.clone(), 0)
                    .finally(Expr::col(accounts::Column::FailedLogins).add(1))
                    .into(),
            )
            .col_expr(
                accounts::Column::LockedUntil,
                Expr::case(reaches, Expr::value(now + Duration::minutes(lock_minutes)))
                    .finally(Expr::value(Option::<chrono::DateTime<Utc>>::None))
                    .into(),
            )
            .col_expr(accounts::Column::UpdatedAt, Expr::value(now))
            .filter(accounts::Column::Id.eq(account.id))
            .filter(unlocked.clone())
            .exec(&*tx)
            .await?;
        if counted.rows_affected == 0 {
            // Another attempt has just locked the account: this one is not counted.
            return Err(locked_now());
        }
        let after = accounts::Entity::find_by_id(account.id)
            .one(&*tx)
            .await?
            .ok_or_else(|| AppError::Internal(format!("account {} vanished", account.id)))?;
        let lock = after.locked_until.is_some();
        audit::append(
            &*tx,
            &actor,
            Entry {
                action: if lock {
                    "auth.locked"
                } else {
                    "auth.login_failed"
                },
                object_type: "account",
                object_id: Some(account.id.to_string()),
                before: None,
                after: Some(json!({ "failed_logins": after.failed_logins, "locked": lock })),
            },
        )
        .await?;
        tx.commit().await?;
        return Err(if lock {
            AppError::Locked(format!(
                "密码连续输错 {threshold} 次，账号已锁定 {lock_minutes} 分钟"
            ))
        } else {
            // The same answer as for an unknown username: no count of attempts left.
            AppError::Unauthorized(BAD_CREDENTIALS.into())
        });
    }

    if account.disabled {
        return Err(AppError::Forbidden("账号已停用，请联系系统管理员".into()));
    }
    let (role, level) = role_and_level(&account, &org)?;

    // Clear the count only while the account is unlocked (a stale write must not clear a lock
    // another request has just set).
    let cleared = accounts::Entity::update_many()
        .col_expr(accounts::Column::FailedLogins, Expr::value(0))
        .col_expr(
            accounts::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(accounts::Column::Id.eq(account.id))
        .filter(unlocked)
        .exec(&*tx)
        .await?;
    if cleared.rows_affected == 0 {
        return Err(locked_now());
    }
    let response = issue_tokens(&state, &tx, &account, &org, role, level).await?;
    audit::append(
        &*tx,
        &actor,
        Entry {
            action: "auth.login",
            object_type: "account",
            object_id: Some(account.id.to_string()),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(response))
}

pub(crate) async fn issue_tokens(
    state: &AppState,
    tx: &WriteTx,
    account: &accounts::Model,
    org: &organisations::Model,
    role: xueji_shared::org::Role,
    level: xueji_shared::org::Level,
) -> AppResult<LoginResponse> {
    let now = Utc::now();
    let policy = crate::passwords::policy(&**tx, &org.province_code).await?;
    let change_required = crate::passwords::change_required(&**tx, account, &policy).await?;
    let access_token = state.tokens.issue_access(account, role)?;
    let (refresh_token, hash) = new_refresh_token();
    refresh_tokens::ActiveModel {
        account_id: Set(account.id),
        token_hash: Set(hash),
        expires_at: Set(now + Duration::seconds(REFRESH_TTL_SECONDS)),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&**tx)
    .await?;
    Ok(LoginResponse {
        access_token,
        expires_in: ACCESS_TTL_SECONDS,
        refresh_token,
        account: me_of(account, org, role, level, change_required),
    })
}

fn session_expired() -> AppError {
    AppError::Unauthorized("登录已失效，请重新登录".into())
}

/// Exchange a refresh token for a new token pair. Each refresh token works once; presenting a
/// used one revokes every session of the account (the token was stolen or replayed).
#[utoipa::path(post, path = "/auth/refresh", tag = "账号", request_body = RefreshRequest, responses(
    (status = 200, body = LoginResponse),
    (status = 401, body = ErrorBody, description = "刷新令牌无效、已使用或已过期"),
))]
pub async fn refresh(
    State(state): State<AppState>,
    ClientIp(client_ip): ClientIp,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> AppResult<Json<LoginResponse>> {
    let hash = refresh_token_hash(req.refresh_token.trim());
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let Some(row) = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash))
        .one(&*tx)
        .await?
    else {
        return Err(session_expired());
    };
    let account = accounts::Entity::find_by_id(row.account_id)
        .one(&*tx)
        .await?
        .ok_or_else(session_expired)?;
    let org = organisations::Entity::find_by_id(account.org_id)
        .one(&*tx)
        .await?
        .ok_or_else(session_expired)?;
    let actor = Actor {
        account_id: Some(account.id),
        org_id: Some(org.id),
        province_code: Some(org.province_code.clone()),
        client_ip,
    };

    if row.used_at.is_some() && row.revoked_at.is_none() {
        // Replay of a used token: end every session of this account.
        refresh_tokens::Entity::update_many()
            .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now))
            .filter(refresh_tokens::Column::AccountId.eq(account.id))
            .filter(refresh_tokens::Column::RevokedAt.is_null())
            .exec(&*tx)
            .await?;
        audit::append(
            &*tx,
            &actor,
            Entry {
                action: "auth.refresh_reuse",
                object_type: "account",
                object_id: Some(account.id.to_string()),
                before: None,
                after: Some(json!({ "revoked_all_sessions": true })),
            },
        )
        .await?;
        tx.commit().await?;
        return Err(session_expired());
    }
    if row.revoked_at.is_some() || row.expires_at <= now || account.disabled {
        return Err(session_expired());
    }
    // Claim the token atomically: of two concurrent refreshes, exactly one wins.
    let claimed = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(row.id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(&*tx)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(session_expired());
    }
    let (role, level) = role_and_level(&account, &org)?;
    let response = issue_tokens(&state, &tx, &account, &org, role, level).await?;
    audit::append(
        &*tx,
        &actor,
        Entry {
            action: "auth.refresh",
            object_type: "account",
            object_id: Some(account.id.to_string()),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(response))
}

/// Sign out: revoke the given refresh token of the signed-in account.
#[utoipa::path(post, path = "/auth/logout", tag = "账号", request_body = RefreshRequest,
    security(("bearer" = [])), responses(
    (status = 204, description = "已退出"),
    (status = 401, body = ErrorBody, description = "未登录"),
))]
pub async fn logout(
    State(state): State<AppState>,
    SessionCaller(caller): SessionCaller,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> AppResult<StatusCode> {
    let hash = refresh_token_hash(req.refresh_token.trim());
    let tx = state.begin_write().await?;
    let revoked = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_tokens::Column::TokenHash.eq(hash))
        .filter(refresh_tokens::Column::AccountId.eq(caller.account.id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(&*tx)
        .await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "auth.logout",
            object_type: "account",
            object_id: Some(caller.account.id.to_string()),
            before: None,
            after: Some(json!({ "revoked": revoked.rows_affected })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_validation_names_every_field() {
        let err = validate_login(&LoginRequest {
            username: "  ".into(),
            password: String::new(),
        });
        match err {
            Err(AppError::Validation(fields)) => {
                let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
                assert_eq!(names, ["username", "password"]);
                assert!(fields.iter().all(|f| !f.message.is_empty()));
            }
            other => panic!("expected validation error, got {other:?}"),
        }
        assert!(validate_login(&LoginRequest {
            username: "a".into(),
            password: "b".into()
        })
        .is_ok());
    }
}
