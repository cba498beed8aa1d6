//! The full duplicate scan (全量查重, `crate::business::problems::scan`): started by hand by a province's registrar
//! (its province's students) or the ministry's (the whole country), watched by the registrars
//! and leaders of provinces (their province's runs) and of the ministry (every run).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use xueji_shared::api::ErrorBody;
use xueji_shared::business::problems::api_scan::ScanRun;
use xueji_shared::business::problems::scan::ScanTrigger;
use xueji_shared::org::{Level, Role};

use crate::auth::Caller;
use crate::business::problems::scan;
use crate::entities::scan_runs;
use crate::error::{ApiPath, AppError, AppResult};
use crate::state::AppState;

/// Runs listed by `GET /scans`.
const RECENT: u64 = 20;

/// The runs the caller may see: every run (the ministry) or its province's.
fn visible(caller: &Caller) -> AppResult<Select<scan_runs::Entity>> {
    caller.require_business()?;
    match caller.level {
        Level::Ministry => Ok(scan_runs::Entity::find()),
        Level::Province => Ok(scan_runs::Entity::find()
            .filter(scan_runs::Column::ProvinceCode.eq(caller.org.province_code.clone()))),
        _ => Err(AppError::Forbidden(
            "全量查重仅限省级和教育部的学籍管理员、主管领导查看".into(),
        )),
    }
}

/// Start a full duplicate scan: a province registrar scans the province's students, the
/// ministry's registrar the whole country. The scan runs in the background; poll
/// `GET /scans/{id}` for its progress.
#[utoipa::path(post, path = "/scans", tag = "全量查重", security(("bearer" = [])), responses(
    (status = 202, body = ScanRun, description = "已开始查重（后台运行）"),
    (status = 403, body = ErrorBody, description = "仅省级或教育部的学籍管理员可以发起"),
    (status = 409, body = ErrorBody, description = "已有查重任务正在运行"),
))]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<(StatusCode, Json<ScanRun>)> {
    caller.require_business()?;
    let province = match (caller.level, caller.role) {
        (Level::Ministry, Role::Registrar) => None,
        (Level::Province, Role::Registrar) => Some(caller.org.province_code.clone()),
        _ => {
            return Err(AppError::Forbidden(
                "只有省级或教育部的学籍管理员可以发起全量查重".into(),
            ))
        }
    };
    let run = scan::start(
        &state,
        ScanTrigger::Manual,
        province,
        Some((caller.account.id, caller.org.id)),
    )
    .await?;
    scan::spawn(state.clone(), run.id);
    let view = scan::views(&state.db, vec![run])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal("scan view".into()))?;
    Ok((StatusCode::ACCEPTED, Json(view)))
}

/// The most recent runs the caller may see (20, newest first).
#[utoipa::path(get, path = "/scans", tag = "全量查重", security(("bearer" = [])), responses(
    (status = 200, body = Vec<ScanRun>),
    (status = 403, body = ErrorBody),
))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> AppResult<Json<Vec<ScanRun>>> {
    let runs = visible(&caller)?
        .order_by_desc(scan_runs::Column::Id)
        .limit(RECENT)
        .all(&state.db)
        .await?;
    Ok(Json(scan::views(&state.db, runs).await?))
}

/// One run and its progress (another province's run: 404).
#[utoipa::path(get, path = "/scans/{id}",
    params(("id" = i64, Path, description = "编号")), tag = "全量查重", security(("bearer" = [])), responses(
    (status = 200, body = ScanRun),
    (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody),
))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ScanRun>> {
    let run = visible(&caller)?
        .filter(scan_runs::Column::Id.eq(id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    scan::views(&state.db, vec![run])
        .await?
        .pop()
        .map(Json)
        .ok_or(AppError::NotFound)
}
