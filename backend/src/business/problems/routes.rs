//! Problem records (问题学籍): the queue, seen by both schools of a pair and their authorities;
//! one record with both sides and what the caller may do; the actions (佐证、变更、删除、核办、
//! 退回、仲裁) and their evidence files. The rules are `xueji_shared::business::problems::problem`, the data side
//! `crate::business::problems`.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use serde_json::json;
use xueji_shared::api::ErrorBody;
use xueji_shared::api_engine::BusinessKey;
use xueji_shared::business::problems::api_problems::{
    problem_kind_label, ProblemActionRecord, ProblemAllowed, ProblemDetail, ProblemPage,
    ProblemSideInfo, ProblemSummary,
};
use xueji_shared::business::problems::problem::{
    ProblemAction, ProblemActionInput, ProblemForceInput, ProblemState,
};

use crate::audit::{self, Entry};
use crate::auth::Caller;
use crate::business::problems::{self as svc, Loaded};
use crate::entities::{organisations, problem_actions, problems, requests, students};
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::evidence::Kind;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProblemQuery {
    /// `open` (default: open and in arbitration), `arbitration` or `resolved`.
    pub state: Option<String>,
    /// Only records waiting for the caller (an open step of its organisation and role).
    pub todo: Option<bool>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Lines per page (1–100, default 20).
    pub limit: Option<u64>,
}

/// Problem records concerning students of the caller's jurisdiction (either side of a pair),
/// newest first, paged by cursor with the total.
#[utoipa::path(get, path = "/problems", tag = "问题学籍", params(ProblemQuery), security(("bearer" = [])),
    responses((status = 200, body = ProblemPage), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody, description = "状态、分页游标或每页条数不正确")))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ProblemQuery>,
) -> AppResult<Json<ProblemPage>> {
    caller.require_business()?;
    let (cursor, limit) = crate::engine::queue::cursor_and_limit(q.cursor.as_deref(), q.limit)?;
    let wanted: &[&str] = match q.state.as_deref() {
        None | Some("open") => &["open", "arbitration"],
        Some("arbitration") => &["arbitration"],
        Some("resolved") => &["resolved"],
        Some(_) => {
            return Err(AppError::field(
                "state",
                "状态只能是 open、arbitration 或 resolved",
            ))
        }
    };
    let mut select = svc::in_scope(&caller.scope())
        .filter(problems::Column::State.is_in(wanted.iter().copied()));
    if q.todo == Some(true) {
        let waiting =
            sea_orm::sea_query::Query::select()
                .column(requests::Column::ObjectId)
                .from(requests::Entity)
                .and_where(requests::Column::Id.in_subquery(
                    crate::engine::queue::open_request_ids(&caller, BusinessKey::Problem),
                ))
                .to_owned();
        select = select.filter(problems::Column::Id.in_subquery(waiting));
    }
    let total = select.clone().count(&state.db).await?;
    if let Some(c) = cursor {
        select = select.filter(problems::Column::Id.lt(c.id));
    }
    let mut rows = select
        .order_by_desc(problems::Column::Id)
        .limit(limit + 1)
        .all(&state.db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|p| crate::engine::queue::id_cursor(p.id));
    // Which lines wait for the caller: an open step of its organisation on their request.
    let request_of: HashMap<i64, i64> = requests::Entity::find()
        .filter(requests::Column::ObjectId.is_in(rows.iter().map(|p| p.id)))
        .filter(requests::Column::Kind.starts_with("problem:"))
        .all(&state.db)
        .await?
        .into_iter()
        .filter_map(|r| r.object_id.map(|o| (o, r.id)))
        .collect();
    let waiting =
        crate::engine::queue::waiting_for(&state.db, &caller, request_of.values().copied()).await?;
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
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        let awaiting = request_of.get(&p.id).is_some_and(|r| waiting.contains(r));
        let s = studs.get(&p.student_id);
        let st = ProblemState::parse(&p.state).unwrap_or(ProblemState::Open);
        out.push(ProblemSummary {
            id: p.id,
            kind_label: problem_kind_label(&p.kind).to_owned(),
            kind: p.kind.clone(),
            state: p.state.clone(),
            state_label: st.label().to_owned(),
            awaiting_me: awaiting,
            student_id: p.student_id,
            student_number: s.map(|s| s.student_number.clone()).unwrap_or_default(),
            name: s.map(|s| s.name.clone()).unwrap_or_default(),
            school_name: school_of(p.student_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            student_in_scope: in_scope(p.student_id),
            other_student_id: p.other_student_id,
            other_name: p
                .other_student_id
                .filter(|o| in_scope(*o))
                .and_then(|o| studs.get(&o).map(|s| s.name.clone())),
            other_student_number: p
                .other_student_id
                .and_then(|o| studs.get(&o).map(|s| s.student_number.clone())),
            other_school_name: p
                .other_student_id
                .and_then(school_of)
                .map(|o| o.name.clone()),
            other_in_scope: p.other_student_id.is_some_and(in_scope),
            created_at: p.created_at.to_rfc3339(),
        });
    }
    Ok(Json(ProblemPage {
        total,
        items: out,
        next_cursor,
    }))
}

async fn detail(
    conn: &impl sea_orm::ConnectionTrait,
    caller: &Caller,
    p: &Loaded,
) -> AppResult<ProblemDetail> {
    let scope = caller.scope();
    let rules = p.rules();
    let allowed = rules
        .allowed(p.roles(caller), p.is_arbiter(caller))
        .into_iter()
        .map(|(side, action)| ProblemAllowed {
            side: side.as_str().to_owned(),
            action: action.as_str().to_owned(),
            label: action.label().to_owned(),
        })
        .collect();
    let actions = problem_actions::Entity::find()
        .filter(problem_actions::Column::ProblemId.eq(p.row.id))
        .order_by_asc(problem_actions::Column::Id)
        .all(conn)
        .await?;
    let mut org_ids: Vec<i64> = actions.iter().map(|a| a.actor_org_id).collect();
    org_ids.extend(p.row.arbiter_org_id);
    let names: HashMap<i64, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(org_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let action_label = |a: &str| {
        [
            ProblemAction::Evidence,
            ProblemAction::Change,
            ProblemAction::Delete,
            ProblemAction::Approve,
            ProblemAction::Return,
            ProblemAction::Keep,
        ]
        .into_iter()
        .find(|x| x.as_str() == a)
        .map(|x| x.label().to_owned())
        .unwrap_or_else(|| match a {
            "force" => xueji_shared::workflow::Action::Force.label().to_owned(),
            other => other.to_owned(),
        })
    };
    let force_sides = svc::forceable(conn, caller, p, Some("x"))
        .await?
        .into_iter()
        .filter(|(_, v)| v.is_ok())
        .map(|(side, _)| side.as_str().to_owned())
        .collect();
    let steps = match crate::student::problem_records::problem_request(conn, p.row.id).await? {
        Some(r) => crate::engine::queue::steps_of(conn, &r, problem_action_label).await?,
        None => Vec::new(),
    };
    Ok(ProblemDetail {
        id: p.row.id,
        kind: p.kind.as_str().to_owned(),
        kind_label: p.kind.label().to_owned(),
        state: p.state.as_str().to_owned(),
        state_label: p.state.label().to_owned(),
        sides: p
            .sides
            .iter()
            .map(|s| ProblemSideInfo {
                side: s.side.as_str().to_owned(),
                student_id: s.student.id,
                student_number: s.student.student_number.clone(),
                number_kind: s.student.number_kind.clone(),
                name: s.student.name.clone(),
                gender: s.student.gender.clone(),
                birth_date: s.student.birth_date.to_string(),
                id_type: s.student.id_type.clone(),
                id_number: s.student.id_number.clone(),
                status: s.student.status.clone(),
                school_name: s.school.name.clone(),
                authority_name: s
                    .authority
                    .as_ref()
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
                state: s.state.as_str().to_owned(),
                state_label: s.state.label().to_owned(),
                in_scope: scope.contains(&s.school),
            })
            .collect(),
        arbiter_name: p.row.arbiter_org_id.and_then(|id| names.get(&id).cloned()),
        resolution: p.row.resolution.clone(),
        allowed,
        force_sides,
        steps,
        history: actions
            .into_iter()
            .map(|a| ProblemActionRecord {
                action_label: action_label(&a.action),
                side: a.side,
                action: a.action,
                actor_org_name: names.get(&a.actor_org_id).cloned().unwrap_or_default(),
                reason: a.reason,
                evidence: serde_json::from_str(&a.evidence).unwrap_or_default(),
                change: a.change.and_then(|c| serde_json::from_str(&c).ok()),
                at: a.at.to_rfc3339(),
            })
            .collect(),
        created_at: p.row.created_at.to_rfc3339(),
        resolved_at: p.row.resolved_at.map(|t| t.to_rfc3339()),
    })
}

/// One problem record of the caller's jurisdiction: both sides, what the caller may do, history.
#[utoipa::path(get, path = "/problems/{id}",
    params(("id" = i64, Path, description = "编号")), tag = "问题学籍", security(("bearer" = [])),
    responses((status = 200, body = ProblemDetail), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ProblemDetail>> {
    caller.require_business()?;
    let p = svc::load(&state.db, &caller.scope(), id).await?;
    Ok(Json(detail(&state.db, &caller, &p).await?))
}

/// Act on one side of a problem record: the school adds evidence, asks to change or delete its
/// record; its authority approves or returns; the common superior arbitrates a duplicate whose
/// two sides were both upheld.
#[utoipa::path(post, path = "/problems/{id}/actions",
    params(("id" = i64, Path, description = "编号")), tag = "问题学籍",
    request_body = ProblemActionInput, security(("bearer" = [])), responses(
    (status = 200, body = ProblemDetail),
    (status = 403, body = ErrorBody, description = "不是该方的学校、主管部门或仲裁单位"),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "当前状态不允许此操作"),
    (status = 422, body = ErrorBody, description = "缺少说明、证明材料或变更内容不符合要求"),
))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProblemActionInput>,
) -> AppResult<Json<ProblemDetail>> {
    caller.require_business()?;
    let tx = state.begin_write().await?;
    let before = svc::load(&*tx, &caller.scope(), id).await?;
    let out = svc::act(&*tx, &state.evidence, &caller, id, &input).await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "problem.act",
            object_type: "problem",
            object_id: Some(id.to_string()),
            before: Some(json!({
                "state": before.state.as_str(),
                "sides": before.sides.iter().map(|s| s.state.as_str()).collect::<Vec<_>>(),
            })),
            after: Some(json!({
                "side": input.side.as_str(),
                "action": input.action.as_str(),
                "reason": input.reason,
                "evidence": input.evidence,
                "change": input.change,
                "state": out.problem.state.as_str(),
                "sides": out.problem.sides.iter().map(|s| s.state.as_str()).collect::<Vec<_>>(),
                "effects": out.effects,
            })),
        },
    )
    .await?;
    let body = detail(&*tx, &caller, &out.problem).await?;
    tx.commit().await?;
    Ok(Json(body))
}

/// 强制干预 on one side of a problem record: a registrar of an authority above that side's
/// authority approves its overdue request (evidence, change or deletion) in its place, with a
/// written reason.
#[utoipa::path(post, path = "/problems/{id}/force", tag = "问题学籍",
    params(("id" = i64, Path, description = "问题学籍 id")),
    request_body = ProblemForceInput, security(("bearer" = [])), responses(
    (status = 200, body = ProblemDetail),
    (status = 403, body = ErrorBody, description = "不是上级教育行政部门的学籍管理员"),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "该步骤未超期，或不是主管部门的核办步骤"),
    (status = 422, body = ErrorBody, description = "缺少原因"),
))]
pub async fn force(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProblemForceInput>,
) -> AppResult<Json<ProblemDetail>> {
    caller.require_business()?;
    let fields = input.validate();
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let tx = state.begin_write().await?;
    let out = svc::force(
        &*tx,
        &state.evidence,
        &caller,
        id,
        input.side,
        &input.reason,
    )
    .await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "problem.force",
            object_type: "problem",
            object_id: Some(id.to_string()),
            before: None,
            after: Some(json!({
                "side": input.side.as_str(),
                "reason": input.reason.trim(),
                "state": out.problem.state.as_str(),
                "sides": out.problem.sides.iter().map(|s| s.state.as_str()).collect::<Vec<_>>(),
                "effects": out.effects,
            })),
        },
    )
    .await?;
    let body = detail(&*tx, &caller, &out.problem).await?;
    tx.commit().await?;
    Ok(Json(body))
}

/// An evidence file of a problem record of the caller's jurisdiction.
#[utoipa::path(get, path = "/problems/{id}/evidence/{sha256}", tag = "问题学籍",
    params(("id" = i64, Path), ("sha256" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "PDF/JPG/PNG"), (status = 404, body = ErrorBody)))]
pub async fn evidence(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, sha)): ApiPath<(i64, String)>,
) -> AppResult<impl IntoResponse> {
    caller.require_business()?;
    let p = svc::load(&state.db, &caller.scope(), id).await?;
    let referenced = problem_actions::Entity::find()
        .filter(problem_actions::Column::ProblemId.eq(p.row.id))
        .all(&state.db)
        .await?
        .iter()
        .any(|a| {
            serde_json::from_str::<Vec<String>>(&a.evidence)
                .map(|v| v.contains(&sha))
                .unwrap_or(false)
        });
    if !referenced {
        return Err(AppError::NotFound);
    }
    let bytes = state.evidence.get(&sha).await?.ok_or(AppError::NotFound)?;
    let mime = Kind::sniff(&bytes)
        .map(Kind::mime)
        .unwrap_or("application/octet-stream");
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        bytes,
    ))
}

/// A problem record's own actions (提交证明材料, 修改, 删除, …), as its steps' closing labels.
fn problem_action_label(a: &str) -> Option<&'static str> {
    use xueji_shared::business::problems::problem::ProblemAction as P;
    [
        P::Evidence,
        P::Change,
        P::Delete,
        P::Approve,
        P::Return,
        P::Keep,
    ]
    .into_iter()
    .find(|x| x.as_str() == a)
    .map(|x| x.label())
}
