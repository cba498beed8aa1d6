use axum::extract::State;
use axum::Json;
use xueji_shared::api::Health;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "运维", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "运维", responses(
    (status = 200, body = Health),
    (status = 500, body = xueji_shared::api::ErrorBody, description = "数据库不可用"),
))]
pub async fn readyz(State(state): State<AppState>) -> AppResult<Json<Health>> {
    crate::db::ping(&state.db)
        .await
        .map_err(|e| AppError::Internal(format!("database not ready: {e}")))?;
    Ok(Json(Health {
        status: "ready".into(),
    }))
}
