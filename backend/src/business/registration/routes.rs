//! Registration requests (学籍注册): a school registrar submits a student's record; the national
//! duplicate check runs and its candidates go with the request; the school leader and each
//! authority level the province configured approve or return it; the last approval registers
//! the student (see [`crate::student::register`]). Every step is audited.

use std::collections::HashMap;

use axum::extract::State as AxState;
use axum::http::StatusCode;
use axum::Json;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;
use serde_json::json;
use xueji_shared::api::{ErrorBody, OrgSummary};
use xueji_shared::api_engine::BusinessKey;
use xueji_shared::business::registration::api_registration::{
    registration_open, ActionRecord, DuplicateCandidate, NextStep, RegistrationInfo,
    RegistrationKind, RegistrationPage, RegistrationSummary, RequestActionInput,
    SubmitRegistration,
};
use xueji_shared::codes::{Gender, ID_TYPE_OTHER};
use xueji_shared::dedup;
use xueji_shared::org::{Level, Role};
use xueji_shared::record::{RecordRules, StudentRecord};
use xueji_shared::workflow::{Action, Business, State};

use crate::audit::{self, Entry};
use crate::auth::Caller;
use crate::engine;
use crate::entities::{identity_claims, organisations, request_actions, requests, students};
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::settings;
use crate::state::AppState;
use crate::student::{self, rules_for, Outcome};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationQuery {
    /// Only requests waiting for the caller (an open step of its organisation and role).
    pub todo: Option<bool>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Lines per page (1–100, default 20).
    pub limit: Option<u64>,
}

fn check_record(record: &StudentRecord, rules: &RecordRules) -> AppResult<()> {
    let fields: Vec<_> = record
        .validate_all(rules)
        .into_iter()
        .map(|mut f| {
            f.field = format!("record.{}", f.field);
            f
        })
        .collect();
    if fields.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(fields))
    }
}

/// The national duplicate check as seen at submission: who already holds this ID, or who has
/// the same name, gender and birth date.
async fn candidates<C: ConnectionTrait>(
    conn: &C,
    record: &StudentRecord,
) -> AppResult<Vec<DuplicateCandidate>> {
    let today = crate::clock::today();
    let mut found: Vec<(&'static str, students::Model)> = Vec::new();
    let has_id = record.id_type != ID_TYPE_OTHER && !record.id_number.trim().is_empty();
    if has_id {
        if let Some(key) = dedup::id_key(&record.id_type, &record.id_number, today) {
            if let Some(claim) = identity_claims::Entity::find_by_id(key).one(conn).await? {
                if let Some(s) = students::Entity::find_by_id(claim.student_id)
                    .one(conn)
                    .await?
                {
                    found.push((student::PROBLEM_DUP_WITH_ID, s));
                }
            }
        }
    } else if let (Some(birth), Some(gender)) =
        (record.birth_date, Gender::from_code(&record.gender))
    {
        let key = dedup::person_key(&record.name, gender, birth);
        for s in students::Entity::find()
            .filter(students::Column::PersonKey.eq(key))
            .limit(10)
            .all(conn)
            .await?
        {
            found.push((student::PROBLEM_DUP_WITHOUT_ID, s));
        }
    }
    let schools: HashMap<i64, String> = organisations::Entity::find()
        .filter(
            organisations::Column::Id
                .is_in(found.iter().map(|(_, s)| s.school_id).collect::<Vec<_>>()),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(found
        .into_iter()
        .map(|(kind, s)| DuplicateCandidate {
            kind: kind.to_owned(),
            student_number: s.student_number,
            name: s.name,
            school_name: schools.get(&s.school_id).cloned().unwrap_or_default(),
        })
        .collect())
}

/// 来华归国: the existing record to use, checked; without one, an existing record with the
/// same ID must be chosen rather than a second one created.
async fn arrival_target<C: ConnectionTrait>(
    conn: &C,
    school: &organisations::Model,
    req: &SubmitRegistration,
    found: &[DuplicateCandidate],
) -> AppResult<Option<i64>> {
    let Some(id) = req.existing_student_id else {
        if req.kind == RegistrationKind::Arrival {
            if let Some(c) = found
                .iter()
                .find(|c| c.kind == student::PROBLEM_DUP_WITH_ID)
            {
                return Err(AppError::Conflict(format!(
                    "全国学籍系统中已有该学生的学籍（{}，{}），请在查找结果中选择「使用已有学籍」",
                    c.school_name, c.student_number
                )));
            }
        }
        return Ok(None);
    };
    if req.kind != RegistrationKind::Arrival {
        return Err(AppError::field(
            "existing_student_id",
            "只有来华归国学生注册可以使用已有学籍",
        ));
    }
    let student = students::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|s| s.status != student::STATUS_DELETED)
        .ok_or_else(|| AppError::field("existing_student_id", "所选的已有学籍不存在或已删除"))?;
    if !student::same_person(&student, &req.record) {
        return Err(AppError::field(
            "existing_student_id",
            "所选的已有学籍与填写的身份信息不一致",
        ));
    }
    if student.school_id == school.id {
        return Err(AppError::Conflict("该学生已在本校有学籍".into()));
    }
    Ok(Some(student.id))
}

async fn info<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    row: &requests::Model,
) -> AppResult<RegistrationInfo> {
    let (_, chain, state) = engine::chain_of(row)?;
    let school = organisations::Entity::find_by_id(row.school_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let record: StudentRecord = serde_json::from_str(&row.payload).map_err(AppError::internal)?;
    let next = chain.next_actor(state).map(|a| NextStep {
        label: chain
            .step(state)
            .filter(|_| matches!(state, State::Pending { .. }))
            .map(|s| s.label.to_owned())
            .unwrap_or_else(|| "修改后重新提交".into()),
        level: a.position.level,
        role: a.position.role,
    });
    let actions = request_actions::Entity::find()
        .filter(request_actions::Column::RequestId.eq(row.id))
        .order_by_asc(request_actions::Column::Id)
        .all(conn)
        .await?;
    let org_names: HashMap<i64, String> = organisations::Entity::find()
        .filter(
            organisations::Column::Id
                .is_in(actions.iter().map(|a| a.actor_org_id).collect::<Vec<_>>()),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let history = actions
        .into_iter()
        .map(|a| ActionRecord {
            action_label: match a.action.as_str() {
                "submit" => "提交".to_owned(),
                other => serde_json::from_value::<Action>(json!(other))
                    .map(|x| x.label().to_owned())
                    .unwrap_or_else(|_| other.to_owned()),
            },
            step_label: a
                .step
                .and_then(|s| chain.steps.get(usize::try_from(s).unwrap_or(usize::MAX)))
                .map(|s| s.label.to_owned()),
            actor_org_name: org_names.get(&a.actor_org_id).cloned().unwrap_or_default(),
            reason: a.reason,
            at: a.at.to_rfc3339(),
            action: a.action,
        })
        .collect();
    let student_number = match row.student_id {
        Some(id) => students::Entity::find_by_id(id)
            .one(conn)
            .await?
            .map(|s| s.student_number),
        None => None,
    };
    Ok(RegistrationInfo {
        id: row.id,
        kind: RegistrationKind::parse(&row.kind).unwrap_or(RegistrationKind::InSchool),
        state,
        state_label: state.label().to_owned(),
        school: OrgSummary {
            id: school.id,
            code: school.code.clone(),
            name: school.name.clone(),
            level: Level::School,
        },
        record,
        next,
        allowed_actions: engine::allowed_actions(conn, caller, row).await?,
        steps: engine::queue::steps_of(conn, row, engine::queue::no_business_labels).await?,
        candidates: serde_json::from_str(&row.candidates).unwrap_or_default(),
        history,
        student_id: row.student_id,
        student_number,
        created_at: row.created_at.to_rfc3339(),
        updated_at: row.updated_at.to_rfc3339(),
    })
}

/// Who may submit registrations of `kind` (single or in bulk): a school's registrar, and for
/// grade-1 registration only while the province has it open. Returns the province's switches.
pub(crate) async fn check_submitter<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    kind: RegistrationKind,
) -> AppResult<xueji_shared::api_config::ProvinceSwitches> {
    caller.require_business()?;
    if caller.level != Level::School || caller.role != Role::Registrar {
        return Err(AppError::Forbidden("学籍注册由学校学籍管理员提交".into()));
    }
    let (switches, _) = settings::switches(conn, &caller.org.province_code).await?;
    // The province's switch and the registration's window, as the form checks them.
    registration_open(kind, &switches, crate::clock::today()).map_err(AppError::Forbidden)?;
    Ok(switches)
}

/// Submit a registration (school registrars).
#[utoipa::path(post, path = "/registrations", tag = "学籍注册", request_body = SubmitRegistration,
    security(("bearer" = [])), responses(
    (status = 201, body = RegistrationInfo),
    (status = 403, body = ErrorBody, description = "仅学校学籍管理员可以提交；小学新生注册未开放"),
    (status = 422, body = ErrorBody, description = "字段不符合要求（每个字段一条中文原因）"),
))]
pub async fn submit(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<SubmitRegistration>,
) -> AppResult<(StatusCode, Json<RegistrationInfo>)> {
    let switches = check_submitter(&state.db, &caller, req.kind).await?;
    let school = caller.org.clone();
    let rules = rules_for(&state.db, &school, req.kind).await?;
    check_record(&req.record, &rules)?;
    let business = Business::Registration {
        up_to: switches.registration_up_to,
    };
    let found = candidates(&state.db, &req.record).await?;
    let existing = arrival_target(&state.db, &school, &req, &found).await?;
    let tx = state.begin_write().await?;
    let row = engine::submit(
        &*tx,
        &caller,
        engine::NewRequest {
            key: BusinessKey::Registration,
            business,
            kind: req.kind.as_str().to_owned(),
            applicant: school.clone(),
            counterpart: None,
            arbiter: None,
            object_id: None,
            subject: req.record.name.trim().to_owned(),
            payload: serde_json::to_string(&req.record).map_err(AppError::internal)?,
            candidates: serde_json::to_string(&found).map_err(AppError::internal)?,
            // 来华归国 using an existing record: that record, from the start.
            student_id: existing,
        },
    )
    .await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "registration.submit",
            object_type: "request",
            object_id: Some(row.id.to_string()),
            before: None,
            after: Some(
                json!({ "kind": req.kind, "name": req.record.name, "candidates": found.len() }),
            ),
        },
    )
    .await?;
    let out = info(&*tx, &caller, &row).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Registrations of the caller's jurisdiction, newest first, paged by cursor with the total;
/// `todo=true`: those waiting for the caller (an open step of its organisation and role).
#[utoipa::path(get, path = "/registrations", tag = "学籍注册", params(RegistrationQuery),
    security(("bearer" = [])), responses((status = 200, body = RegistrationPage),
    (status = 422, body = ErrorBody, description = "分页游标或每页条数不正确")))]
pub async fn list(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RegistrationQuery>,
) -> AppResult<Json<RegistrationPage>> {
    caller.require_business()?;
    let (cursor, limit) = engine::queue::cursor_and_limit(q.cursor.as_deref(), q.limit)?;
    let scope = caller.scope();
    let mut select = scope
        .owned(requests::Entity::find(), requests::Column::SchoolId)
        .filter(requests::Column::Kind.is_in(["in_school", "grade1", "arrival"]));
    if q.todo == Some(true) {
        select = select.filter(
            requests::Column::Id.in_subquery(engine::queue::open_request_ids(
                &caller,
                BusinessKey::Registration,
            )),
        );
    }
    let total = select.clone().count(&state.db).await?;
    if let Some(c) = cursor {
        select = select.filter(requests::Column::Id.lt(c.id));
    }
    let mut rows = select
        .order_by_desc(requests::Column::Id)
        .limit(limit + 1)
        .all(&state.db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|r| engine::queue::id_cursor(r.id));
    let mine = engine::queue::waiting_for(&state.db, &caller, rows.iter().map(|r| r.id)).await?;
    let schools: HashMap<i64, String> = organisations::Entity::find()
        .filter(
            organisations::Column::Id.is_in(rows.iter().map(|r| r.school_id).collect::<Vec<_>>()),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let record: StudentRecord = serde_json::from_str(&r.payload).map_err(AppError::internal)?;
        let state: State = serde_json::from_str(&r.state).map_err(AppError::internal)?;
        out.push(RegistrationSummary {
            id: r.id,
            kind: RegistrationKind::parse(&r.kind).unwrap_or(RegistrationKind::InSchool),
            state_label: state.label().to_owned(),
            school_name: schools.get(&r.school_id).cloned().unwrap_or_default(),
            name: record.name,
            gender: record.gender,
            id_number: record.id_number,
            has_candidates: r.candidates != "[]",
            awaiting_me: mine.contains(&r.id),
            updated_at: r.updated_at.to_rfc3339(),
        });
    }
    Ok(Json(RegistrationPage {
        total,
        items: out,
        next_cursor,
    }))
}

/// One registration of the caller's jurisdiction.
#[utoipa::path(get, path = "/registrations/{id}",
    params(("id" = i64, Path, description = "编号")), tag = "学籍注册", security(("bearer" = [])),
    responses((status = 200, body = RegistrationInfo), (status = 404, body = ErrorBody)))]
pub async fn get(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<RegistrationInfo>> {
    caller.require_business()?;
    let row = caller
        .scope()
        .owned(requests::Entity::find(), requests::Column::SchoolId)
        .filter(requests::Column::Id.eq(id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(info(&state.db, &caller, &row).await?))
}

/// Act on a registration: approve, return (with a reason), reject, withdraw (the school), or
/// resubmit a returned one with the corrected record. The last approval registers the student.
#[utoipa::path(post, path = "/registrations/{id}/actions",
    params(("id" = i64, Path, description = "编号")), tag = "学籍注册",
    request_body = RequestActionInput, security(("bearer" = [])), responses(
    (status = 200, body = RegistrationInfo),
    (status = 403, body = ErrorBody, description = "当前步骤不由本账号办理"),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "申请状态不允许此操作"),
    (status = 422, body = ErrorBody, description = "缺少原因或记录不符合要求"),
))]
pub async fn act(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RequestActionInput>,
) -> AppResult<Json<RegistrationInfo>> {
    caller.require_business()?;
    let fields = req.validate();
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let tx = state.begin_write().await?;
    let row = caller
        .scope()
        .owned(requests::Entity::find(), requests::Column::SchoolId)
        .filter(requests::Column::Id.eq(id))
        .one(&*tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, _, before) = engine::chain_of(&row)?;
    let school = organisations::Entity::find_by_id(row.school_id)
        .one(&*tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = RegistrationKind::parse(&row.kind).unwrap_or(RegistrationKind::InSchool);
    let mut record: StudentRecord =
        serde_json::from_str(&row.payload).map_err(AppError::internal)?;
    if req.action == Action::Resubmit {
        if let Some(corrected) = req.record.clone() {
            record = corrected;
        }
        let rules = rules_for(&*tx, &school, kind).await?;
        check_record(&record, &rules)?;
    }
    let applied = engine::transition(
        &*tx,
        &caller,
        &row,
        BusinessKey::Registration,
        req.action,
        req.reason.clone(),
    )
    .await?;
    let transition = applied.transition;
    let mut student_id = row.student_id;
    if transition.to == State::Completed && kind == RegistrationKind::Arrival {
        if let Some(existing) = row.student_id {
            let before = students::Entity::find_by_id(existing)
                .one(&*tx)
                .await?
                .map(|s| json!({ "school_id": s.school_id, "status": s.status }));
            let moved = student::reuse_for_arrival(&*tx, existing, &school, &record).await?;
            audit::append(
                &*tx,
                &caller.actor(),
                Entry {
                    action: "student.arrival_reuse",
                    object_type: "student",
                    object_id: Some(moved.id.to_string()),
                    before,
                    after: Some(json!({ "school_id": moved.school_id, "student_number": moved.student_number })),
                },
            )
            .await?;
        }
    }
    if transition.to == State::Completed
        && !(kind == RegistrationKind::Arrival && row.student_id.is_some())
    {
        let rules = rules_for(&*tx, &school, kind).await?;
        let outcome = student::register(&*tx, &school, &record, &rules).await?;
        student_id = Some(outcome.student().id);
        let (action, detail) = match &outcome {
            Outcome::Formal { student } => (
                "student.register",
                json!({ "student_number": student.student_number }),
            ),
            Outcome::Problem { student, problem } => (
                "student.register_problem",
                json!({ "student_number": student.student_number, "problem": problem.kind, "other_student_id": problem.other_student_id }),
            ),
        };
        audit::append(
            &*tx,
            &caller.actor(),
            Entry {
                action,
                object_type: "student",
                object_id: Some(outcome.student().id.to_string()),
                before: None,
                after: Some(detail),
            },
        )
        .await?;
    }
    let candidates = if req.action == Action::Resubmit {
        serde_json::to_string(&candidates(&*tx, &record).await?).map_err(AppError::internal)?
    } else {
        row.candidates.clone()
    };
    let mut am = applied.row.clone().into_active_model();
    am.payload = Set(serde_json::to_string(&record).map_err(AppError::internal)?);
    am.candidates = Set(candidates);
    am.student_id = Set(student_id);
    am.subject = Set(record.name.trim().chars().take(200).collect());
    let row = am.update(&*tx).await?;
    let action_name = engine::action_str(req.action);
    let reason = req
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "registration.act",
            object_type: "request",
            object_id: Some(row.id.to_string()),
            before: Some(json!({ "state": before })),
            after: Some(json!({ "state": transition.to, "action": action_name, "reason": reason, "forced": req.action == Action::Force })),
        },
    )
    .await?;
    let out = info(&*tx, &caller, &row).await?;
    tx.commit().await?;
    Ok(Json(out))
}
