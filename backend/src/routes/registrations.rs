//! Registration requests (学籍注册): a school registrar submits a student's record; the national
//! duplicate check runs and its candidates go with the request; the school leader and each
//! authority level the province configured approve or return it; the last approval registers
//! the student (see [`crate::registration`]). Every step is audited.

use std::collections::HashMap;

use axum::extract::State as AxState;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;
use serde_json::json;
use xueji_shared::api::{ErrorBody, OrgSummary};
use xueji_shared::api_registration::{
    registration_open, registration_rules, ActionRecord, DuplicateCandidate, NextStep,
    RegistrationInfo, RegistrationKind, RegistrationSummary, RequestActionInput,
    SubmitRegistration,
};
use xueji_shared::codes::{Gender, ID_TYPE_OTHER};
use xueji_shared::dedup;
use xueji_shared::org::{Level, Role, SchoolKind};
use xueji_shared::record::{RecordRules, StudentRecord};
use xueji_shared::workflow::{Action, Actor, Business, Chain, Side, State, WorkflowError};

use crate::audit::{self, Entry};
use crate::auth::Caller;
use crate::entities::{identity_claims, organisations, request_actions, requests, students};
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::registration::{self, Outcome};
use crate::settings;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationQuery {
    /// Only requests waiting for the caller.
    pub todo: Option<bool>,
}

pub(crate) fn status_of(state: State) -> &'static str {
    match state {
        State::Pending { .. } => "pending",
        State::Returned { .. } => "returned",
        State::Completed => "completed",
        State::Rejected { .. } => "rejected",
        State::Withdrawn => "withdrawn",
    }
}

fn chain_of(row: &requests::Model) -> AppResult<(Business, Chain, State)> {
    let business: Business = serde_json::from_str(&row.business).map_err(AppError::internal)?;
    let state: State = serde_json::from_str(&row.state).map_err(AppError::internal)?;
    Ok((business, business.chain(), state))
}

fn actor_of(caller: &Caller) -> Actor {
    Actor::new(Side::Applicant, caller.level, caller.role)
}

fn workflow_error(e: WorkflowError) -> AppError {
    match e {
        WorkflowError::NotYourStep { .. }
        | WorkflowError::NotApplicant { .. }
        | WorkflowError::NotSuperior => AppError::Forbidden(e.to_string()),
        _ => AppError::Conflict(e.to_string()),
    }
}

/// The rules a school's records are checked by: its stages, today, the province's grade-1 age
/// control for new pupils.
pub(crate) async fn rules_for<C: ConnectionTrait>(
    conn: &C,
    school: &organisations::Model,
    kind: RegistrationKind,
) -> AppResult<RecordRules> {
    let stages = school
        .stages
        .as_deref()
        .and_then(SchoolKind::parse)
        .map(|k| k.stages().to_vec())
        .unwrap_or_default();
    let (switches, _) = settings::switches(conn, &school.province_code).await?;
    let rules = registration_rules(crate::clock::today(), stages, kind, &switches);
    Ok(rules)
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
                    found.push((registration::PROBLEM_DUP_WITH_ID, s));
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
            found.push((registration::PROBLEM_DUP_WITHOUT_ID, s));
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
                .find(|c| c.kind == registration::PROBLEM_DUP_WITH_ID)
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
        .filter(|s| s.status != registration::STATUS_DELETED)
        .ok_or_else(|| AppError::field("existing_student_id", "所选的已有学籍不存在或已删除"))?;
    if !registration::same_person(&student, &req.record) {
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
    let (_, chain, state) = chain_of(row)?;
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
        allowed_actions: chain.allowed_actions(state, actor_of(caller)),
        candidates: serde_json::from_str(&row.candidates).unwrap_or_default(),
        history,
        student_id: row.student_id,
        student_number,
        created_at: row.created_at.to_rfc3339(),
        updated_at: row.updated_at.to_rfc3339(),
    })
}

pub(crate) fn pending_of(chain: &Chain, state: State) -> (Option<String>, Option<String>) {
    match chain.next_actor(state) {
        Some(a) => (
            Some(a.position.level.as_str().to_owned()),
            Some(a.position.role.as_str().to_owned()),
        ),
        None => (None, None),
    }
}

async fn log_action<C: ConnectionTrait>(
    conn: &C,
    row: &requests::Model,
    caller: &Caller,
    step: Option<u8>,
    action: &str,
    reason: Option<String>,
) -> AppResult<()> {
    request_actions::ActiveModel {
        request_id: Set(row.id),
        province_code: Set(row.province_code.clone()),
        step: Set(step.map(i16::from)),
        action: Set(action.to_owned()),
        actor_id: Set(caller.account.id),
        actor_org_id: Set(caller.org.id),
        reason: Set(reason),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
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
    let chain = business.chain();
    let found = candidates(&state.db, &req.record).await?;
    let existing = arrival_target(&state.db, &school, &req, &found).await?;
    let (level, role) = pending_of(&chain, State::START);
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let row = requests::ActiveModel {
        province_code: Set(school.province_code.clone()),
        business: Set(serde_json::to_string(&business).map_err(AppError::internal)?),
        kind: Set(req.kind.as_str().to_owned()),
        school_id: Set(school.id),
        state: Set(serde_json::to_string(&State::START).map_err(AppError::internal)?),
        status: Set(status_of(State::START).to_owned()),
        pending_level: Set(level),
        pending_role: Set(role),
        payload: Set(serde_json::to_string(&req.record).map_err(AppError::internal)?),
        candidates: Set(serde_json::to_string(&found).map_err(AppError::internal)?),
        // 来华归国 using an existing record: that record, from the start.
        student_id: Set(existing),
        created_by: Set(caller.account.id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*tx)
    .await?;
    log_action(&*tx, &row, &caller, None, "submit", None).await?;
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

/// Registrations of the caller's jurisdiction, newest first; `todo=true`: those waiting for the
/// caller (its level and role at the current step).
#[utoipa::path(get, path = "/registrations", tag = "学籍注册", params(RegistrationQuery),
    security(("bearer" = [])), responses((status = 200, body = Vec<RegistrationSummary>)))]
pub async fn list(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RegistrationQuery>,
) -> AppResult<Json<Vec<RegistrationSummary>>> {
    caller.require_business()?;
    let scope = caller.scope();
    let mut select = scope
        .owned(requests::Entity::find(), requests::Column::SchoolId)
        .filter(requests::Column::Kind.is_in(["in_school", "grade1", "arrival"]));
    let mine = |level: Option<&String>, role: Option<&String>| {
        level.map(String::as_str) == Some(caller.level.as_str())
            && role.map(String::as_str) == Some(caller.role.as_str())
    };
    if q.todo == Some(true) {
        select = select
            .filter(requests::Column::PendingLevel.eq(caller.level.as_str()))
            .filter(requests::Column::PendingRole.eq(caller.role.as_str()));
    }
    let rows = select
        .order_by_desc(requests::Column::UpdatedAt)
        .limit(500)
        .all(&state.db)
        .await?;
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
            awaiting_me: mine(r.pending_level.as_ref(), r.pending_role.as_ref()),
            updated_at: r.updated_at.to_rfc3339(),
        });
    }
    Ok(Json(out))
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
    let (_, chain, before) = chain_of(&row)?;
    let transition = chain
        .apply(before, actor_of(&caller), req.action)
        .map_err(workflow_error)?;
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
    let step = match before {
        State::Pending { step } | State::Returned { step } => Some(step),
        _ => None,
    };
    let mut student_id = row.student_id;
    if transition.to == State::Completed && kind == RegistrationKind::Arrival {
        if let Some(existing) = row.student_id {
            let before = students::Entity::find_by_id(existing)
                .one(&*tx)
                .await?
                .map(|s| json!({ "school_id": s.school_id, "status": s.status }));
            let moved = registration::reuse_for_arrival(&*tx, existing, &school, &record).await?;
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
        let outcome = registration::register(&*tx, &school, &record, &rules).await?;
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
    let (level, role) = pending_of(&chain, transition.to);
    let mut am = row.clone().into_active_model();
    am.state = Set(serde_json::to_string(&transition.to).map_err(AppError::internal)?);
    am.status = Set(status_of(transition.to).to_owned());
    am.pending_level = Set(level);
    am.pending_role = Set(role);
    am.payload = Set(serde_json::to_string(&record).map_err(AppError::internal)?);
    am.candidates = Set(candidates);
    am.student_id = Set(student_id);
    am.updated_at = Set(Utc::now());
    let row = am.update(&*tx).await?;
    let action_name = serde_json::to_value(req.action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let reason = req
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    log_action(&*tx, &row, &caller, step, &action_name, reason.clone()).await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "registration.act",
            object_type: "request",
            object_id: Some(row.id.to_string()),
            before: Some(json!({ "state": before })),
            after: Some(json!({ "state": transition.to, "action": action_name, "reason": reason })),
        },
    )
    .await?;
    let out = info(&*tx, &caller, &row).await?;
    tx.commit().await?;
    Ok(Json(out))
}
