//! HTTP handlers, thin: parse, call the domain/data layer, answer. Each module registers its
//! routes with utoipa so the OpenAPI document lists every endpoint.

pub mod auth;
pub mod health;
pub mod me;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// Everything under `/api/v1`.
pub fn api_v1() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(me::me))
}
