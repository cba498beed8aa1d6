use axum::Json;
use xueji_shared::api::{ErrorBody, Me};

use crate::auth::Caller;

/// The signed-in account, its organisation and role.
#[utoipa::path(get, path = "/me", tag = "账号", security(("bearer" = [])), responses(
    (status = 200, body = Me),
    (status = 401, body = ErrorBody, description = "未登录或登录已过期"),
))]
pub async fn me(caller: Caller) -> Json<Me> {
    Json(caller.me())
}
