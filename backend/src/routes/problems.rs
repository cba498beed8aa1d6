//! The problem-record queue (问题学籍): records found by the duplicate check, seen by both
//! schools of a pair and their authorities.

use std::collections::HashMap;

use axum::extract::State;
use axum::Json;
use sea_orm::sea_query::Query as SqlQuery;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use xueji_shared::api::ErrorBody;
use xueji_shared::api_students::{problem_kind_label, ProblemSummary};
use xueji_shared::problem::ProblemState;

use crate::auth::Caller;
use crate::entities::{organisations, problems, students};
use crate::error::{ApiQuery, AppResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ProblemQuery {
    /// `open` (default) or `resolved`.
    pub state: Option<String>,
}

/// Problem records concerning students of the caller's jurisdiction (either side of a pair).
#[utoipa::path(get, path = "/problems", tag = "学籍查询", params(ProblemQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<ProblemSummary>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ProblemQuery>,
) -> AppResult<Json<Vec<ProblemSummary>>> {
    caller.require_business()?;
    let ours = SqlQuery::select()
        .column(students::Column::Id)
        .from(students::Entity)
        .and_where(students::Column::SchoolId.in_subquery(caller.scope().org_ids()))
        .to_owned();
    let resolved = ProblemState::Resolved.as_str();
    // `open` lists every unresolved record, those awaiting arbitration included.
    let state_filter = match q.state.as_deref() {
        Some("resolved") => problems::Column::State.eq(resolved),
        _ => problems::Column::State.ne(resolved),
    };
    let rows = problems::Entity::find()
        .filter(state_filter)
        .filter(
            Condition::any()
                .add(problems::Column::StudentId.in_subquery(ours.clone()))
                .add(problems::Column::OtherStudentId.in_subquery(ours)),
        )
        .order_by_desc(problems::Column::Id)
        .limit(500)
        .all(&state.db)
        .await?;
    let mut ids: Vec<i64> = rows.iter().map(|p| p.student_id).collect();
    ids.extend(rows.iter().filter_map(|p| p.other_student_id));
    let studs: HashMap<i64, students::Model> = students::Entity::find()
        .filter(students::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let schools: HashMap<i64, organisations::Model> = organisations::Entity::find()
        .filter(
            organisations::Column::Id
                .is_in(studs.values().map(|s| s.school_id).collect::<Vec<_>>()),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let scope = caller.scope();
    let school_of = |id: i64| studs.get(&id).and_then(|s| schools.get(&s.school_id));
    let in_scope = |id: i64| school_of(id).is_some_and(|o| scope.contains(o));
    let school_name = |id: i64| school_of(id).map(|o| o.name.clone());
    Ok(Json(
        rows.into_iter()
            .map(|p| {
                let s = studs.get(&p.student_id);
                ProblemSummary {
                    id: p.id,
                    kind_label: problem_kind_label(&p.kind).to_owned(),
                    kind: p.kind.clone(),
                    state_label: ProblemState::parse(&p.state)
                        .map_or_else(|| p.state.clone(), |st| st.label().to_owned()),
                    state: p.state.clone(),
                    student_id: p.student_id,
                    student_number: s.map(|s| s.student_number.clone()).unwrap_or_default(),
                    name: s.map(|s| s.name.clone()).unwrap_or_default(),
                    school_name: school_name(p.student_id).unwrap_or_default(),
                    student_in_scope: in_scope(p.student_id),
                    other_student_id: p.other_student_id,
                    other_name: p
                        .other_student_id
                        .filter(|o| in_scope(*o))
                        .and_then(|o| studs.get(&o).map(|s| s.name.clone())),
                    other_student_number: p
                        .other_student_id
                        .and_then(|o| studs.get(&o).map(|s| s.student_number.clone())),
                    other_school_name: p.other_student_id.and_then(school_name),
                    other_in_scope: p.other_student_id.is_some_and(in_scope),
                    created_at: p.created_at.to_rfc3339(),
                }
            })
            .collect(),
    ))
}
