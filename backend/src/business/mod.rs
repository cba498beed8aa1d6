//! The businesses (业务), one folder each: its plug-in on the request engine (submit check,
//! parties, chain, effect), its routes, its jobs. They sit above the generic parts — the
//! platform, the student record (`crate::student`), the request engine (`crate::engine`) — which
//! never import them (`tests/layering.rs`). Adding a business is adding its folder, one line
//! here and one in `routes()`, and its key in `xueji_shared::api_engine::BusinessKey`.

pub mod change;
pub mod problems;
pub mod registration;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Every business's endpoints under `/api/v1`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(registration::routes())
        .merge(problems::routes())
        .merge(change::routes())
}
