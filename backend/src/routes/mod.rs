//! HTTP handlers, thin: parse, call the domain/data layer, answer. Each module registers its
//! routes with utoipa so the OpenAPI document lists every endpoint.

pub mod accounts;
pub mod arrival;
pub mod audit;
pub mod auth;
pub mod classes;
pub mod config;
pub mod deletions;
pub mod evidence;
pub mod health;
pub mod imports;
pub mod me;
pub mod orgs;
pub mod problems;
pub mod registrations;
pub mod scans;
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
        .routes(routes!(registrations::submit, registrations::list))
        .routes(routes!(registrations::get))
        .routes(routes!(registrations::act))
        .routes(routes!(arrival::lookup))
        .routes(routes!(students::search))
        .routes(routes!(students::card))
        .routes(routes!(problems::list))
        .routes(routes!(problems::get))
        .routes(routes!(problems::act))
        .routes(routes!(problems::force))
        .routes(routes!(problems::evidence))
        .routes(routes!(deletions::delete))
        // the request engine: one inbox and one overdue list for every business
        .routes(routes!(crate::engine::routes::inbox))
        .routes(routes!(crate::engine::routes::summary))
        .routes(routes!(crate::engine::routes::overdue))
        // the full duplicate scan (routes/scans.rs)
        .routes(routes!(scans::start, scans::list))
        .routes(routes!(scans::get))
        // bulk registration (routes/imports.rs)
        .routes(routes!(imports::template))
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
                    crate::xlsx::MAX_BYTES + 64 * 1024,
                )),
        )
        .merge(
            OpenApiRouter::new()
                .routes(routes!(evidence::upload))
                // Evidence files may be larger than JSON bodies.
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::evidence::MAX_BYTES + 64 * 1024,
                )),
        )
}
