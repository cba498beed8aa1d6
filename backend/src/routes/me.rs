//! The signed-in account: who am I, change my password, my province's password policy. These
//! work while a password change is pending ([`SessionCaller`]).

use axum::extract::State;
use axum::Json;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;
use xueji_shared::account::PasswordPolicy;
use xueji_shared::api::{ChangePassword, ErrorBody, FieldError, LoginResponse, Me};

use crate::audit::{self, Entry};
use crate::auth::SessionCaller;
use crate::entities::{password_loans, refresh_tokens};
use crate::error::{ApiJson, AppError, AppResult};
use crate::state::AppState;

/// The signed-in account, its organisation and role.
#[utoipa::path(get, path = "/me", tag = "账号", security(("bearer" = [])), responses(
    (status = 200, body = Me),
    (status = 401, body = ErrorBody, description = "未登录或登录已过期"),
))]
pub async fn me(SessionCaller(caller): SessionCaller) -> Json<Me> {
    Json(caller.me())
}

/// The password policy of the caller's province.
#[utoipa::path(get, path = "/password-policy", tag = "账号", security(("bearer" = [])), responses(
    (status = 200, body = PasswordPolicy),
    (status = 401, body = ErrorBody),
))]
pub async fn password_policy(
    State(state): State<AppState>,
    SessionCaller(caller): SessionCaller,
) -> AppResult<Json<PasswordPolicy>> {
    Ok(Json(
        crate::passwords::policy(&state.db, &caller.org.province_code).await?,
    ))
}

/// Change the signed-in account's password. Ends every other session and any password loan;
/// answers a fresh token pair.
#[utoipa::path(post, path = "/me/password", tag = "账号", request_body = ChangePassword,
    security(("bearer" = [])), responses(
    (status = 200, body = LoginResponse),
    (status = 401, body = ErrorBody),
    (status = 422, body = ErrorBody, description = "当前密码不正确或新密码不符合策略"),
))]
pub async fn change_password(
    State(state): State<AppState>,
    SessionCaller(caller): SessionCaller,
    ApiJson(req): ApiJson<ChangePassword>,
) -> AppResult<Json<LoginResponse>> {
    let policy = crate::passwords::policy(&state.db, &caller.org.province_code).await?;
    let current_ok = state
        .passwords
        .verify(
            req.current_password.clone(),
            Some(caller.account.password_hash.clone()),
        )
        .await?;
    let mut fields = Vec::new();
    if !current_ok {
        fields.push(FieldError::new("current_password", "当前密码不正确"));
    }
    fields.extend(policy.check_password(
        "new_password",
        &req.new_password,
        &caller.account.username,
    ));
    if req.new_password == req.current_password {
        fields.push(FieldError::new("new_password", "新密码不能与当前密码相同"));
    }
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let hash = state.passwords.hash(req.new_password).await?;
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let mut am = caller.account.clone().into_active_model();
    am.password_hash = Set(hash);
    am.password_changed_at = Set(now);
    am.must_change_password = Set(false);
    am.updated_at = Set(now);
    let account = am.update(&*tx).await?;
    let loans = password_loans::Entity::update_many()
        .col_expr(password_loans::Column::EndedAt, Expr::value(now))
        .filter(password_loans::Column::AccountId.eq(account.id))
        .filter(password_loans::Column::EndedAt.is_null())
        .exec(&*tx)
        .await?;
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now))
        .filter(refresh_tokens::Column::AccountId.eq(account.id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(&*tx)
        .await?;
    let response = crate::routes::auth::issue_tokens(
        &state,
        &tx,
        &account,
        &caller.org,
        caller.role,
        caller.level,
    )
    .await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "account.password_change",
            object_type: "account",
            object_id: Some(account.id.to_string()),
            before: None,
            after: Some(json!({ "loans_ended": loans.rows_affected, "sessions_revoked": true })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(response))
}
