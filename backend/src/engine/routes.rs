//! The engine's endpoints, the same for every business: the inbox (待办), its counts, and the
//! overdue list of the caller's jurisdiction.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use xueji_shared::api::{ErrorBody, FieldError};
use xueji_shared::api_engine::{
    BusinessKey, Cursor, InboxOrder, InboxSummary, OverdueReport, WorkPage,
};
use xueji_shared::org::Level;

use super::queue::{self, PageQuery};
use crate::auth::Caller;
use crate::error::{ApiQuery, AppError, AppResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Only this business (`registration`, `problem`).
    pub business: Option<String>,
    /// `newest` (default) or `oldest` first (the inbox; the overdue list is by deadline).
    pub order: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Lines per page (1–100, default 20).
    pub limit: Option<u64>,
}

impl QueueParams {
    fn parse(&self) -> AppResult<PageQuery> {
        let mut fields: Vec<FieldError> = Vec::new();
        let business = match self.business.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(b) => match BusinessKey::parse_filter("business", b) {
                Ok(b) => Some(b),
                Err(e) => {
                    fields.push(e);
                    None
                }
            },
        };
        let order = match self.order.as_deref() {
            None | Some("") | Some("newest") => InboxOrder::Newest,
            Some("oldest") => InboxOrder::Oldest,
            Some(_) => {
                fields.push(FieldError::new("order", "排序只能是 newest 或 oldest"));
                InboxOrder::Newest
            }
        };
        let cursor = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(c) => match Cursor::parse(c) {
                Ok(c) => Some(c),
                Err(e) => {
                    fields.push(e);
                    None
                }
            },
        };
        let limit = match self.limit {
            None => 0,
            Some(n @ 1..=100) => n,
            Some(_) => {
                fields.push(FieldError::new("limit", "每页条数须在 1 到 100 之间"));
                0
            }
        };
        if !fields.is_empty() {
            return Err(AppError::Validation(fields));
        }
        Ok(PageQuery {
            business,
            order,
            cursor,
            limit,
        })
    }
}

/// What waits for the caller's organisation and role, across every business, newest or oldest
/// first, with each line's deadline; paged by cursor, with the total.
#[utoipa::path(get, path = "/inbox", tag = "待办", params(QueueParams), security(("bearer" = [])),
    responses((status = 200, body = WorkPage), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody, description = "未知的业务类型、排序或分页游标")))]
pub async fn inbox(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<QueueParams>,
) -> AppResult<Json<WorkPage>> {
    caller.require_business()?;
    let q = q.parse()?;
    Ok(Json(queue::inbox(&state.db, &caller, &q).await?))
}

/// How many items wait for the caller and how many of them are overdue (the home page).
#[utoipa::path(get, path = "/inbox/summary", tag = "待办", security(("bearer" = [])),
    responses((status = 200, body = InboxSummary), (status = 403, body = ErrorBody)))]
pub async fn summary(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<InboxSummary>> {
    caller.require_business()?;
    Ok(Json(queue::summary(&state.db, &caller).await?))
}

/// Every step past its 10-working-day deadline in the caller's jurisdiction, oldest deadline
/// first, with counts per organisation one level down and per business (authorities only).
#[utoipa::path(get, path = "/overdue", tag = "待办", params(QueueParams), security(("bearer" = [])),
    responses((status = 200, body = OverdueReport), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody, description = "未知的业务类型或分页游标")))]
pub async fn overdue(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<QueueParams>,
) -> AppResult<Json<OverdueReport>> {
    caller.require_business()?;
    if caller.level == Level::School {
        return Err(AppError::Forbidden(
            "超期列表供教育行政部门查看；学校请查看待办".into(),
        ));
    }
    let q = q.parse()?;
    Ok(Json(queue::overdue(&state.db, &caller.scope(), &q).await?))
}
