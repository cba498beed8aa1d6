//! The request extractors that authenticate a caller: [`Caller`], [`SessionCaller`] and
//! [`ClientIp`]. They sit above both `auth` (tokens, passwords, the `Caller` type) and `state`
//! (which holds the keys), so that neither of those imports the other.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{self, request::Parts};
use sea_orm::EntityTrait;

use crate::auth::{role_and_level, Caller, ClientIp, SessionCaller};
use crate::entities::{accounts, organisations};
use crate::error::AppError;
use crate::state::AppState;

fn unauthorized() -> AppError {
    AppError::Unauthorized("未登录或登录已过期，请重新登录".into())
}

/// Authenticate the request: a valid access token of an enabled account.
async fn authenticate(parts: &mut Parts, state: &AppState) -> Result<Caller, AppError> {
    let header = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(unauthorized)?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .ok_or_else(unauthorized)?;
    let claims = state.tokens.decode(token.trim()).ok_or_else(unauthorized)?;
    let account = accounts::Entity::find_by_id(claims.sub)
        .one(&state.db)
        .await?
        .ok_or_else(unauthorized)?;
    if account.disabled {
        return Err(AppError::Forbidden("账号已停用，请联系系统管理员".into()));
    }
    let org = organisations::Entity::find_by_id(account.org_id)
        .one(&state.db)
        .await?
        .ok_or_else(unauthorized)?;
    let (role, level) = role_and_level(&account, &org)?;
    let policy = crate::passwords::policy(&state.db, &org.province_code).await?;
    let password_change_required =
        crate::passwords::change_required(&state.db, &account, &policy).await?;
    let ClientIp(client_ip) = ClientIp::from_request_parts(parts, state).await?;
    Ok(Caller {
        account,
        org,
        role,
        level,
        client_ip,
        password_change_required,
    })
}

/// An authenticated caller allowed to act: one whose password need not be changed first.
impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let caller = authenticate(parts, state).await?;
        if caller.password_change_required {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(caller)
    }
}

impl FromRequestParts<AppState> for SessionCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        authenticate(parts, state).await.map(SessionCaller)
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if state.trust_proxy {
            if let Some(first) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
            {
                let ip = first.trim();
                if !ip.is_empty() {
                    return Ok(ClientIp(Some(ip.chars().take(64).collect())));
                }
            }
        }
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string()),
        ))
    }
}
