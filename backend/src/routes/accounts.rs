//! Accounts (账号管理): a system administrator manages the accounts of its own organisation and
//! of the organisations directly below it (seed 001 第四章): create, edit, disable, unlock,
//! reset the password, record a password loan (第七条).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use serde_json::json;
use xueji_shared::account::{check_display_name, check_loan};
use xueji_shared::api::{
    AccountInfo, CreateAccount, ErrorBody, OrgSummary, PasswordLoan, PasswordLoanRequest,
    ResetPassword, UpdateAccount,
};
use xueji_shared::org::{Level, Role};

use crate::audit::{self, Entry};
use crate::auth::Caller;
use crate::entities::{accounts, organisations, password_loans, refresh_tokens};
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::passwords::{active_loan, policy};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Accounts of this organisation (own or directly below); default: both.
    pub org_id: Option<i64>,
}

pub async fn info<C: ConnectionTrait>(conn: &C, a: &accounts::Model) -> AppResult<AccountInfo> {
    let org = organisations::Entity::find_by_id(a.org_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal(format!("account {} has no organisation", a.id)))?;
    let loan = active_loan(conn, a.id).await?;
    let recorded_by = match &loan {
        Some(l) => accounts::Entity::find_by_id(l.recorded_by)
            .one(conn)
            .await?
            .map(|r| r.username)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(AccountInfo {
        id: a.id,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: Role::parse(&a.role)
            .ok_or_else(|| AppError::Internal(format!("account {} has unknown role", a.id)))?,
        org: OrgSummary {
            id: org.id,
            code: org.code.clone(),
            name: org.name.clone(),
            level: Level::parse(&org.level)
                .ok_or_else(|| AppError::Internal("unknown level".into()))?,
        },
        disabled: a.disabled,
        locked_until: a
            .locked_until
            .filter(|t| *t > Utc::now())
            .map(|t| t.to_rfc3339()),
        must_change_password: a.must_change_password,
        password_changed_at: a.password_changed_at.to_rfc3339(),
        loan: loan.map(|l| PasswordLoan {
            lent_to: l.lent_to,
            reason: l.reason,
            until: l.until,
            recorded_by,
            recorded_at: l.recorded_at.to_rfc3339(),
        }),
    })
}

/// Accounts an administrator manages.
#[utoipa::path(get, path = "/accounts", tag = "账号", params(AccountQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<AccountInfo>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AccountQuery>,
) -> AppResult<Json<Vec<AccountInfo>>> {
    caller.require_admin()?;
    let scope = caller.scope();
    let filter = match q.org_id {
        Some(id) => {
            let org = scope.manageable_org(&state.db, id).await?;
            Condition::all().add(accounts::Column::OrgId.eq(org.id))
        }
        None => Condition::any()
            .add(accounts::Column::OrgId.eq(scope.org_id()))
            .add(
                accounts::Column::OrgId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(organisations::Column::Id)
                        .from(organisations::Entity)
                        .and_where(Expr::col(organisations::Column::ParentId).eq(scope.org_id()))
                        .to_owned(),
                ),
            ),
    };
    let rows = scope
        .accounts()
        .filter(filter)
        .order_by_asc(accounts::Column::OrgId)
        .order_by_asc(accounts::Column::Username)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for a in &rows {
        out.push(info(&state.db, a).await?);
    }
    Ok(Json(out))
}

/// Create an account in the administrator's organisation or one directly below.
#[utoipa::path(post, path = "/accounts", tag = "账号", request_body = CreateAccount, security(("bearer" = [])),
    responses((status = 201, body = AccountInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "用户名已存在"), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateAccount>,
) -> AppResult<(StatusCode, Json<AccountInfo>)> {
    caller.require_admin()?;
    let org = caller.scope().manageable_org(&state.db, req.org_id).await?;
    let policy = policy(&state.db, &org.province_code).await?;
    let fields = req.validate(&policy);
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let username = req.username.trim().to_owned();
    let hash = state.passwords.hash(req.password).await?;
    let tx = state.begin_write().await?;
    if accounts::Entity::find()
        .filter(accounts::Column::Username.eq(username.clone()))
        .one(&*tx)
        .await?
        .is_some()
    {
        return Err(AppError::Taken {
            field: "username",
            message: format!("用户名 {username} 已存在"),
        });
    }
    let now = Utc::now();
    let account = accounts::ActiveModel {
        username: Set(username),
        password_hash: Set(hash),
        display_name: Set(req.display_name.trim().to_owned()),
        org_id: Set(org.id),
        role: Set(req.role.as_str().to_owned()),
        province_code: Set(org.province_code.clone()),
        disabled: Set(false),
        failed_logins: Set(0),
        locked_until: Set(None),
        password_changed_at: Set(now),
        // The administrator chose the initial password: the owner must replace it.
        must_change_password: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*tx)
    .await?;
    let out = info(&*tx, &account).await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "account.create",
            object_type: "account",
            object_id: Some(account.id.to_string()),
            before: None,
            after: Some(snapshot(&out)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// What the audit log keeps of an account (never a password or its hash).
fn snapshot(a: &AccountInfo) -> serde_json::Value {
    json!({
        "username": a.username,
        "display_name": a.display_name,
        "role": a.role,
        "org_id": a.org.id,
        "disabled": a.disabled,
        "locked_until": a.locked_until,
        "must_change_password": a.must_change_password,
        "loan": a.loan,
    })
}

/// Load an account the caller administers, for a change.
async fn managed<C: ConnectionTrait>(
    caller: &Caller,
    conn: &C,
    id: i64,
) -> AppResult<accounts::Model> {
    caller.require_admin()?;
    let scope = caller.scope();
    let account = scope.account(conn, id).await?;
    scope.manageable_org(conn, account.org_id).await?;
    Ok(account)
}

async fn revoke_sessions<C: ConnectionTrait>(conn: &C, account_id: i64) -> AppResult<()> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_tokens::Column::AccountId.eq(account_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Apply a change to a managed account, audit it, answer the new state.
async fn change(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: &'static str,
    edit: impl FnOnce(&accounts::Model, &mut accounts::ActiveModel) -> AppResult<bool>,
) -> AppResult<Json<AccountInfo>> {
    let tx = state.begin_write().await?;
    let account = managed(caller, &*tx, id).await?;
    let before = info(&*tx, &account).await?;
    let mut am = account.clone().into_active_model();
    let end_sessions = edit(&account, &mut am)?;
    am.updated_at = Set(Utc::now());
    let account = am.update(&*tx).await?;
    if end_sessions {
        revoke_sessions(&*tx, account.id).await?;
    }
    let after = info(&*tx, &account).await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action,
            object_type: "account",
            object_id: Some(account.id.to_string()),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(after))
}

/// Edit the display name or role, disable or enable an account.
#[utoipa::path(patch, path = "/accounts/{id}",
    params(("id" = i64, Path, description = "编号")), tag = "账号", request_body = UpdateAccount, security(("bearer" = [])),
    responses((status = 200, body = AccountInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateAccount>,
) -> AppResult<Json<AccountInfo>> {
    if let Some(name) = &req.display_name {
        check_display_name(name).map_err(|m| AppError::field("display_name", m))?;
    }
    if id == caller.account.id && (req.disabled == Some(true) || req.role.is_some()) {
        return Err(AppError::Forbidden(
            "不能停用自己的账号或修改自己的角色".into(),
        ));
    }
    change(&state, &caller, id, "account.update", |_, am| {
        if let Some(name) = req.display_name {
            am.display_name = Set(name.trim().to_owned());
        }
        if let Some(role) = req.role {
            am.role = Set(role.as_str().to_owned());
        }
        if let Some(disabled) = req.disabled {
            am.disabled = Set(disabled);
        }
        Ok(req.disabled == Some(true) || req.role.is_some())
    })
    .await
}

/// Unlock an account locked by wrong passwords.
#[utoipa::path(post, path = "/accounts/{id}/unlock",
    params(("id" = i64, Path, description = "编号")), tag = "账号", security(("bearer" = [])),
    responses((status = 200, body = AccountInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unlock(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<AccountInfo>> {
    change(&state, &caller, id, "account.unlock", |_, am| {
        am.failed_logins = Set(0);
        am.locked_until = Set(None);
        Ok(false)
    })
    .await
}

/// Set a new password of another account; the owner must change it at the next sign-in; its
/// sessions end (refresh tokens revoked). One's own account: 403 (use `POST /me/password`).
#[utoipa::path(post, path = "/accounts/{id}/reset-password",
    params(("id" = i64, Path, description = "编号")), tag = "账号", request_body = ResetPassword,
    security(("bearer" = [])),
    responses((status = 200, body = AccountInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ResetPassword>,
) -> AppResult<Json<AccountInfo>> {
    // A reset needs no current password, so on one's own account it would turn a stolen
    // access token into a permanent takeover: one's own password changes only through
    // `POST /me/password`, with the current one.
    if id == caller.account.id {
        return Err(AppError::Forbidden(
            "不能重置自己的密码，请在“修改密码”中输入当前密码后修改".into(),
        ));
    }
    let target = managed(&caller, &state.db, id).await?;
    let policy = policy(&state.db, &target.province_code).await?;
    let fields = policy.check_password("new_password", &req.new_password, &target.username);
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let hash = state.passwords.hash(req.new_password).await?;
    change(
        &state,
        &caller,
        id,
        "account.reset_password",
        move |_, am| {
            am.password_hash = Set(hash);
            am.password_changed_at = Set(Utc::now());
            am.must_change_password = Set(true);
            am.failed_logins = Set(0);
            am.locked_until = Set(None);
            Ok(true)
        },
    )
    .await
}

/// Record that an account's password was lent (to whom, why, until when).
#[utoipa::path(post, path = "/accounts/{id}/loan",
    params(("id" = i64, Path, description = "编号")), tag = "账号", request_body = PasswordLoanRequest,
    security(("bearer" = [])),
    responses((status = 200, body = AccountInfo), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn record_loan(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PasswordLoanRequest>,
) -> AppResult<Json<AccountInfo>> {
    let fields = check_loan(&req.lent_to, &req.reason, req.until, crate::clock::today());
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let tx = state.begin_write().await?;
    let account = managed(&caller, &*tx, id).await?;
    let before = info(&*tx, &account).await?;
    password_loans::ActiveModel {
        account_id: Set(account.id),
        province_code: Set(account.province_code.clone()),
        lent_to: Set(req.lent_to.trim().to_owned()),
        reason: Set(req.reason.trim().to_owned()),
        until: Set(req.until),
        recorded_by: Set(caller.account.id),
        recorded_at: Set(Utc::now()),
        ended_at: Set(None),
        ..Default::default()
    }
    .insert(&*tx)
    .await?;
    let after = info(&*tx, &account).await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "account.password_loan",
            object_type: "account",
            object_id: Some(account.id.to_string()),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(after))
}
