//! HTTP handlers of the platform and the student record, thin: parse, call the domain/data
//! layer, answer. Each module registers its routes with utoipa so the OpenAPI document lists
//! every endpoint; the businesses' routes come from `crate::business::routes()`.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod classes;
pub mod config;
pub mod evidence;
pub mod health;
pub mod me;
pub mod orgs;
pub mod students;

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
        // system configuration (routes/config.rs, routes/classes.rs)
        .routes(routes!(config::get_caps, config::update_caps))
        .routes(routes!(config::get_controlled, config::update_controlled))
        .routes(routes!(config::get_switches, config::update_switches))
        .routes(routes!(config::get_calendar, config::update_calendar))
        .routes(routes!(
            config::get_password_policy,
            config::update_password_policy
        ))
        .routes(routes!(classes::list_classes, classes::create_class))
        .routes(routes!(classes::update_class))
        .routes(routes!(me::change_password))
        .routes(routes!(me::password_policy))
        .routes(routes!(accounts::list, accounts::create))
        .routes(routes!(accounts::update))
        .routes(routes!(accounts::unlock))
        .routes(routes!(accounts::reset_password))
        .routes(routes!(accounts::record_loan))
        .routes(routes!(audit::list))
        .routes(routes!(audit::verify))
        .routes(routes!(orgs::list, orgs::create))
        .routes(routes!(orgs::get, orgs::update))
        .routes(routes!(students::search))
        .routes(routes!(students::card))
        // the request engine: one inbox and one overdue list for every business
        .routes(routes!(crate::engine::routes::inbox))
        .routes(routes!(crate::engine::routes::summary))
        .routes(routes!(crate::engine::routes::overdue))
        // every business: one folder each under business/
        .merge(crate::business::routes())
        .merge(
            OpenApiRouter::new()
                .routes(routes!(evidence::upload))
                // Evidence files may be larger than JSON bodies.
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::evidence::MAX_BYTES + 64 * 1024,
                )),
        )
}
