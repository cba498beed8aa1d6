//! 学籍维护 and 关键信息变更 (seed 001 第二章 1; issue 12, first half).
//!
//! The school registrar edits a record (`PUT`/`PATCH /students/{id}`, the whole record or some
//! fields, against its version). The edit is checked with the shared record rules and
//! classified by `xueji_shared::controlled::classify_edit` against the fields controlled for the
//! school (the union of every authority level's set, `settings::controlled_for_school`):
//! uncontrolled only → saved at once, with its history and audit entry; any controlled field →
//! a key-field change request on the request engine (`BusinessKey::Change`, chain
//! `Business::KeyFieldChange`: school leader → county), carrying the field-level diff, the
//! record version and the proof (a 户籍证明 for identity fields). At most one open change request
//! per student (a partial unique index). On the last approval the diff is applied to the record
//! as it is then (`student::edit::write_record`): identity changes run the national duplicate
//! check again (a clash opens a problem record), J → G when a valid citizen ID arrives. A field
//! of the diff that moved since submission makes the approval 409.

pub mod demo;
pub mod routes;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The maintenance and change-request endpoints.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(routes::edit_put, routes::edit_patch))
        .routes(routes!(routes::edit_context))
        .routes(routes!(routes::history))
        .routes(routes!(routes::list))
        .routes(routes!(routes::get))
        .routes(routes!(routes::act))
        .routes(routes!(routes::evidence))
}
