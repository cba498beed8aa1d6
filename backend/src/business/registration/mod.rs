//! 学籍注册 (seed 001 第一章): single registration (`routes`), bulk registration by Excel
//! (`imports` routes, `import` check and commit, `xlsx`), 来华归国 (`arrival`). On the request
//! engine: the chain is `workflow::Business::Registration`, the effect `student::register`.

pub mod arrival;
pub mod export;
pub mod import;
pub mod imports;
pub mod routes;
pub mod xlsx;
pub mod xlsx_bounds;
pub mod xlsx_header;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The registration endpoints.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(routes::submit, routes::list))
        .routes(routes!(routes::get))
        .routes(routes!(routes::act))
        .routes(routes!(arrival::lookup))
        .routes(routes!(imports::template))
        .routes(routes!(export::export))
        .routes(routes!(imports::list))
        .routes(routes!(imports::get))
        .routes(routes!(imports::report))
        .routes(routes!(imports::commit))
        .routes(routes!(imports::cancel))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(imports::upload))
                // Spreadsheets up to 50 MB.
                .layer(axum::extract::DefaultBodyLimit::max(
                    xlsx::MAX_BYTES + 64 * 1024,
                )),
        )
}
