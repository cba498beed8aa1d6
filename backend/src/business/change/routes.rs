//! The handlers of 学籍维护 and 关键信息变更 (see the module's documentation).

use std::collections::HashMap;

use axum::extract::State as AxState;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use xueji_shared::api::{ErrorBody, OrgSummary};
use xueji_shared::api_engine::BusinessKey;
use xueji_shared::business::change::api_change::{
    history_kind_label, ChangeActionInput, ChangeActionRecord, ChangeCandidate, ChangeInfo,
    ChangeNextStep, ChangePage, ChangeSummary, EditContext, EditOutcome, EditStudent, HistoryEntry,
    HistoryPage,
};
use xueji_shared::business::change::edit::{self as change, FieldChange, ProofRef};
use xueji_shared::business::registration::api_registration::RegistrationKind;
use xueji_shared::codes::{Gender, ID_TYPE_OTHER};
use xueji_shared::controlled::{classify_edit, ControlledError, EditRoute};
use xueji_shared::dedup;
use xueji_shared::org::{Level, Role};
use xueji_shared::record::StudentRecord;
use xueji_shared::workflow::{Action, Business, State};

use crate::audit::{self, Entry};
use crate::auth::Caller;
use crate::engine;
use crate::entities::{
    accounts, identity_claims, organisations, request_actions, requests, student_history, students,
};
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::evidence::{EvidenceStore, Kind};
use crate::settings;
use crate::state::AppState;
use crate::student::{self, edit};

/// `requests.kind` of a change request (the partial unique index names it).
pub const KIND: &str = "change";

/// What a change request stores.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Payload {
    pub(crate) base_version: i32,
    pub(crate) changes: Vec<FieldChange>,
    pub(crate) evidence: Vec<ProofRef>,
    pub(crate) reason: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// Only requests waiting for the caller (an open step of its organisation and role).
    pub todo: Option<bool>,
    /// Only the requests of this student.
    pub student_id: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Lines per page (1–100, default 20).
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Entries per page (1–100, default 20).
    pub limit: Option<u64>,
}

/// A student of the caller's jurisdiction, or 404.
async fn scoped_student<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    id: i64,
) -> AppResult<students::Model> {
    caller
        .scope()
        .owned(students::Entity::find(), students::Column::SchoolId)
        .filter(students::Column::Id.eq(id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

async fn school_of<C: ConnectionTrait>(
    conn: &C,
    student: &students::Model,
) -> AppResult<organisations::Model> {
    organisations::Entity::find_by_id(student.school_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Whether `caller` edits this student's record: its school's registrar.
fn is_editor(caller: &Caller, student: &students::Model) -> bool {
    caller.level == Level::School
        && caller.role == Role::Registrar
        && caller.org.id == student.school_id
}

fn require_editor(caller: &Caller, student: &students::Model) -> AppResult<()> {
    if is_editor(caller, student) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "学籍维护和关键信息变更由学生所在学校的学籍管理员办理".into(),
        ))
    }
}

/// The open change request of a student.
async fn open_change<C: ConnectionTrait>(
    conn: &C,
    student_id: i64,
) -> AppResult<Option<requests::Model>> {
    Ok(requests::Entity::find()
        .filter(requests::Column::StudentId.eq(student_id))
        .filter(requests::Column::Kind.eq(KIND))
        .filter(requests::Column::Status.is_in(["pending", "returned"]))
        .one(conn)
        .await?)
}

fn already_open(id: i64) -> AppError {
    AppError::Conflict(format!(
        "该学生已有一条关键信息变更申请正在办理（编号 {id}），须办结、退回修改或撤回后才能再次申请"
    ))
}

/// The record rules for the student's school, and the record with the system's number cleared
/// (the number follows the identity; the check of a G number against a new ID does not apply).
async fn check_record<C: ConnectionTrait>(
    conn: &C,
    school: &organisations::Model,
    record: &StudentRecord,
) -> AppResult<()> {
    let rules = student::rules_for(conn, school, RegistrationKind::InSchool).await?;
    let mut checked = record.clone();
    checked.student_number.clear();
    let fields: Vec<_> = checked
        .validate_all(&rules)
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

/// An edit checked: the record after it, the diff and the route.
struct Checked {
    after: StudentRecord,
    changes: Vec<FieldChange>,
    route: EditRoute,
}

async fn check_edit<C: ConnectionTrait>(
    conn: &C,
    school: &organisations::Model,
    student: &students::Model,
    edit_value: &serde_json::Value,
) -> AppResult<Checked> {
    if let Some(reason) = edit::not_editable_reason(student) {
        return Err(AppError::Conflict(reason));
    }
    let before = edit::stored_record(student)?;
    let after = change::merge_edit(&before, edit_value).map_err(AppError::Validation)?;
    let changed = xueji_shared::controlled::changed_fields(&before, &after);
    let refused = change::check_editable(&changed);
    if !refused.is_empty() {
        return Err(AppError::Validation(refused));
    }
    let controlled = settings::controlled_for_school(conn, school).await?;
    let decision = classify_edit(&before, &after, &controlled, false).map_err(|e| match e {
        ControlledError::NoChange => AppError::field("record", e.to_string()),
        ControlledError::Frozen => AppError::Conflict(e.to_string()),
        other => AppError::field("record", other.to_string()),
    })?;
    check_record(conn, school, &after).await?;
    Ok(Checked {
        changes: change::diff(&before, &after, &controlled),
        after,
        route: decision.route,
    })
}

/// Every proof file must be in the evidence store.
async fn check_files(store: &EvidenceStore, proof: &[ProofRef]) -> AppResult<()> {
    let mut fields = Vec::new();
    for (i, p) in proof.iter().enumerate() {
        if !store.exists(&p.sha256).await? {
            fields.push(xueji_shared::api::FieldError::new(
                format!("evidence[{i}]"),
                "证明材料文件不存在，请重新上传",
            ));
        }
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(fields))
    }
}

fn check_proof(changes: &[FieldChange], proof: &[ProofRef]) -> AppResult<()> {
    let f = change::check_proof(changes, proof);
    if f.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(f))
    }
}

/// Who in the country already holds the identity an identity change leads to (the student
/// itself left out).
async fn candidates<C: ConnectionTrait>(
    conn: &C,
    student_id: i64,
    record: &StudentRecord,
) -> AppResult<Vec<ChangeCandidate>> {
    let today = crate::clock::today();
    let mut found: Vec<(&'static str, students::Model)> = Vec::new();
    let has_id = record.id_type != ID_TYPE_OTHER && !record.id_number.trim().is_empty();
    if has_id {
        if let Some(key) = dedup::id_key(&record.id_type, &record.id_number, today) {
            if let Some(claim) = identity_claims::Entity::find_by_id(key).one(conn).await? {
                if claim.student_id != student_id {
                    if let Some(s) = students::Entity::find_by_id(claim.student_id)
                        .one(conn)
                        .await?
                    {
                        found.push((student::PROBLEM_DUP_WITH_ID, s));
                    }
                }
            }
        }
    } else if let (Some(birth), Some(gender)) =
        (record.birth_date, Gender::from_code(&record.gender))
    {
        let key = dedup::person_key(&record.name, gender, birth);
        for s in students::Entity::find()
            .filter(students::Column::PersonKey.eq(key))
            .filter(students::Column::Id.ne(student_id))
            .filter(students::Column::Status.ne(student::STATUS_DELETED))
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
        .map(|(kind, s)| ChangeCandidate {
            kind: kind.to_owned(),
            student_number: s.student_number,
            name: s.name,
            school_name: schools.get(&s.school_id).cloned().unwrap_or_default(),
        })
        .collect())
}

fn payload_of(row: &requests::Model) -> AppResult<Payload> {
    serde_json::from_str(&row.payload).map_err(AppError::internal)
}

pub(crate) fn subject_of(name: &str, changes: &[FieldChange]) -> String {
    let labels: Vec<&str> = changes
        .iter()
        .filter(|c| c.controlled)
        .map(|c| c.label.as_str())
        .collect();
    format!("{}（{}）", name.trim(), labels.join("、"))
}

fn action_label(action: &str) -> String {
    match action {
        "submit" => "提交".to_owned(),
        other => serde_json::from_value::<Action>(json!(other))
            .map(|x| x.label().to_owned())
            .unwrap_or_else(|_| other.to_owned()),
    }
}

async fn info<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    row: &requests::Model,
) -> AppResult<ChangeInfo> {
    let (_, chain, state) = engine::chain_of(row)?;
    let payload = payload_of(row)?;
    let school = organisations::Entity::find_by_id(row.school_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let student_id = row
        .student_id
        .ok_or_else(|| AppError::Internal(format!("change request {} without student", row.id)))?;
    let student = students::Entity::find_by_id(student_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = edit::stored_record(&student)?;
    let open = matches!(state, State::Pending { .. } | State::Returned { .. });
    let identity = change::identity_changed(&payload.changes);
    let candidates = if identity && open {
        match change::apply(&current, &payload.changes) {
            Some(after) => candidates(conn, student.id, &after).await?,
            None => Vec::new(),
        }
    } else {
        serde_json::from_str(&row.candidates).unwrap_or_default()
    };
    let moved = if open {
        change::moved(&current, &payload.changes)
    } else {
        Vec::new()
    };
    let next = chain.next_actor(state).map(|a| ChangeNextStep {
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
        .map(|a| ChangeActionRecord {
            action_label: action_label(&a.action),
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
    Ok(ChangeInfo {
        id: row.id,
        state,
        state_label: state.label().to_owned(),
        student_id: student.id,
        student_name: student.name.clone(),
        student_number: student.student_number.clone(),
        school: OrgSummary {
            id: school.id,
            code: school.code.clone(),
            name: school.name.clone(),
            level: Level::School,
        },
        base_version: payload.base_version,
        identity,
        changes: payload.changes,
        evidence: payload.evidence,
        reason: payload.reason,
        candidates,
        moved,
        next,
        allowed_actions: engine::allowed_actions(conn, caller, row).await?,
        steps: engine::queue::steps_of(conn, row, engine::queue::no_business_labels).await?,
        history,
        created_at: row.created_at.to_rfc3339(),
        updated_at: row.updated_at.to_rfc3339(),
    })
}

fn changes_json(changes: &[FieldChange]) -> (serde_json::Value, serde_json::Value) {
    let before: serde_json::Map<String, serde_json::Value> = changes
        .iter()
        .map(|c| (c.field.clone(), c.old.clone()))
        .collect();
    let after: serde_json::Map<String, serde_json::Value> = changes
        .iter()
        .map(|c| (c.field.clone(), c.new.clone()))
        .collect();
    (before.into(), after.into())
}

/// What the edit form needs to edit a student of the caller's jurisdiction.
#[utoipa::path(get, path = "/students/{id}/edit", tag = "学籍维护",
    params(("id" = i64, Path, description = "学生编号")), security(("bearer" = [])),
    responses((status = 200, body = EditContext), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn edit_context(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<EditContext>> {
    caller.require_business()?;
    let student = scoped_student(&state.db, &caller, id).await?;
    let school = school_of(&state.db, &student).await?;
    let controlled = settings::controlled_for_school(&state.db, &school).await?;
    let open = open_change(&state.db, student.id).await?;
    let reason = if !is_editor(&caller, &student) {
        Some("学籍维护由学生所在学校的学籍管理员办理".to_owned())
    } else {
        edit::not_editable_reason(&student)
    };
    Ok(Json(EditContext {
        student_id: student.id,
        school_id: student.school_id,
        version: student.version,
        record: edit::stored_record(&student)?,
        controlled: controlled.into_iter().collect(),
        editable: reason.is_none(),
        reason,
        open_change: open.map(|r| r.id),
    }))
}

async fn do_edit(
    state: AppState,
    caller: Caller,
    id: i64,
    req: EditStudent,
) -> AppResult<(StatusCode, Json<EditOutcome>)> {
    caller.require_business()?;
    let fields = req.validate();
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let student = scoped_student(&state.db, &caller, id).await?;
    require_editor(&caller, &student)?;
    let school = school_of(&state.db, &student).await?;
    let checked = check_edit(&state.db, &school, &student, &req.record).await?;
    edit::check_version(&student, req.version)?;
    let reason = req
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    match checked.route {
        EditRoute::Direct => {
            let tx = state.begin_write().await?;
            let written =
                edit::write_record(&*tx, &student, &checked.after, req.version, false).await?;
            edit::record_history(
                &*tx,
                &written.student,
                "edit",
                None,
                &checked.changes,
                caller.account.id,
                caller.org.id,
            )
            .await?;
            let (before, after) = changes_json(&checked.changes);
            audit::append(
                &*tx,
                &caller.actor(),
                Entry {
                    action: "student.edit",
                    object_type: "student",
                    object_id: Some(student.id.to_string()),
                    before: Some(json!({ "version": student.version, "fields": before })),
                    after: Some(json!({ "version": written.student.version, "fields": after })),
                },
            )
            .await?;
            tx.commit().await?;
            Ok((
                StatusCode::OK,
                Json(EditOutcome::Saved {
                    student_id: student.id,
                    version: written.student.version,
                    changes: checked.changes,
                }),
            ))
        }
        EditRoute::ChangeRequest { .. } => {
            let identity = change::identity_changed(&checked.changes);
            if identity && student::has_open_problem(&state.db, student.id).await? {
                return Err(AppError::Conflict(
                    "该学生有未处理完的问题学籍，身份信息请在问题学籍处理中变更".into(),
                ));
            }
            check_proof(&checked.changes, &req.evidence)?;
            check_files(&state.evidence, &req.evidence).await?;
            if let Some(open) = open_change(&state.db, student.id).await? {
                return Err(already_open(open.id));
            }
            let found = if identity {
                candidates(&state.db, student.id, &checked.after).await?
            } else {
                Vec::new()
            };
            let payload = Payload {
                base_version: student.version,
                changes: checked.changes.clone(),
                evidence: req.evidence.clone(),
                reason: reason.clone(),
            };
            let tx = state.begin_write().await?;
            // The record must still be at the version the edit was made against.
            let now = students::Entity::find_by_id(student.id)
                .one(&*tx)
                .await?
                .ok_or(AppError::NotFound)?;
            edit::check_version(&now, req.version)?;
            let submitted = engine::submit(
                &*tx,
                &caller,
                engine::NewRequest {
                    key: BusinessKey::Change,
                    business: Business::KeyFieldChange,
                    kind: KIND.to_owned(),
                    applicant: school.clone(),
                    counterpart: None,
                    arbiter: None,
                    object_id: None,
                    subject: subject_of(&student.name, &checked.changes),
                    payload: serde_json::to_string(&payload).map_err(AppError::internal)?,
                    candidates: serde_json::to_string(&found).map_err(AppError::internal)?,
                    student_id: Some(student.id),
                },
            )
            .await;
            let row = match submitted {
                Ok(row) => row,
                // Another change request of this student won the race (the partial unique index).
                Err(AppError::Db(e))
                    if matches!(
                        e.sql_err(),
                        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                    ) =>
                {
                    drop(tx);
                    let id = open_change(&state.db, student.id)
                        .await?
                        .map(|r| r.id)
                        .unwrap_or_default();
                    return Err(already_open(id));
                }
                Err(e) => return Err(e),
            };
            let (before, after) = changes_json(&checked.changes);
            audit::append(
                &*tx,
                &caller.actor(),
                Entry {
                    action: "change.submit",
                    object_type: "request",
                    object_id: Some(row.id.to_string()),
                    before: Some(json!({ "student_id": student.id, "version": student.version, "fields": before })),
                    after: Some(json!({
                        "fields": after,
                        "evidence": req.evidence.iter().map(|p| &p.sha256).collect::<Vec<_>>(),
                        "candidates": found.len(),
                    })),
                },
            )
            .await?;
            let out = info(&*tx, &caller, &row).await?;
            tx.commit().await?;
            Ok((
                StatusCode::CREATED,
                Json(EditOutcome::Requested {
                    change: Box::new(out),
                }),
            ))
        }
    }
}

/// Edit a student's record (学籍维护; the registrar of the student's school): the whole record
/// against its version. Uncontrolled fields only → saved (200); a controlled field → a change
/// request with its proof (201).
#[utoipa::path(put, path = "/students/{id}", tag = "学籍维护", request_body = EditStudent,
    params(("id" = i64, Path, description = "学生编号")), security(("bearer" = [])), responses(
    (status = 200, body = EditOutcome, description = "已保存"),
    (status = 201, body = EditOutcome, description = "已提交关键信息变更申请"),
    (status = 403, body = ErrorBody, description = "不是学生所在学校的学籍管理员"),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "版本已过期；毕业或结业学生信息已冻结；已有变更申请在办"),
    (status = 422, body = ErrorBody, description = "字段不符合要求、没有修改、缺少证明材料"),
))]
pub async fn edit_put(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<EditStudent>,
) -> AppResult<(StatusCode, Json<EditOutcome>)> {
    do_edit(state, caller, id, req).await
}

/// Edit some fields of a student's record (学籍维护): like `PUT`, with only the fields that
/// change.
#[utoipa::path(patch, path = "/students/{id}", tag = "学籍维护", request_body = EditStudent,
    params(("id" = i64, Path, description = "学生编号")), security(("bearer" = [])), responses(
    (status = 200, body = EditOutcome, description = "已保存"),
    (status = 201, body = EditOutcome, description = "已提交关键信息变更申请"),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
pub async fn edit_patch(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<EditStudent>,
) -> AppResult<(StatusCode, Json<EditOutcome>)> {
    do_edit(state, caller, id, req).await
}

/// A student's history (学籍卡 变更记录): field edits saved directly and approved changes, with
/// who and when, and the number changes they caused; newest first, paged with the total.
#[utoipa::path(get, path = "/students/{id}/history", tag = "学籍维护",
    params(("id" = i64, Path, description = "学生编号"), HistoryQuery), security(("bearer" = [])),
    responses((status = 200, body = HistoryPage), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "分页游标或每页条数不正确")))]
pub async fn history(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> AppResult<Json<HistoryPage>> {
    caller.require_business()?;
    let (cursor, limit) = engine::queue::cursor_and_limit(q.cursor.as_deref(), q.limit)?;
    let student = scoped_student(&state.db, &caller, id).await?;
    let total = edit::history_count(&state.db, student.id).await?;
    let mut select =
        student_history::Entity::find().filter(student_history::Column::StudentId.eq(student.id));
    if let Some(c) = cursor {
        select = select.filter(student_history::Column::Id.lt(c.id));
    }
    let mut rows = select
        .order_by_desc(student_history::Column::Id)
        .limit(limit + 1)
        .all(&state.db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|r| engine::queue::id_cursor(r.id));
    let actors: HashMap<i64, String> = accounts::Entity::find()
        .filter(accounts::Column::Id.is_in(rows.iter().map(|r| r.actor_id).collect::<Vec<_>>()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect();
    let orgs: HashMap<i64, String> = organisations::Entity::find()
        .filter(
            organisations::Column::Id
                .is_in(rows.iter().map(|r| r.actor_org_id).collect::<Vec<_>>()),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|r| HistoryEntry {
            id: r.id,
            kind_label: history_kind_label(&r.kind).to_owned(),
            changes: serde_json::from_str(&r.changes).unwrap_or_default(),
            request_id: r.request_id,
            actor_name: actors.get(&r.actor_id).cloned().unwrap_or_default(),
            actor_org_name: orgs.get(&r.actor_org_id).cloned().unwrap_or_default(),
            at: r.at.to_rfc3339(),
            kind: r.kind,
        })
        .collect();
    Ok(Json(HistoryPage {
        total,
        items,
        next_cursor,
    }))
}

/// Change requests of the caller's jurisdiction, newest first, paged by cursor with the total;
/// `todo=true`: those waiting for the caller.
#[utoipa::path(get, path = "/changes", tag = "学籍维护", params(ChangeQuery),
    security(("bearer" = [])), responses((status = 200, body = ChangePage),
    (status = 422, body = ErrorBody, description = "分页游标或每页条数不正确")))]
pub async fn list(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ChangeQuery>,
) -> AppResult<Json<ChangePage>> {
    caller.require_business()?;
    let (cursor, limit) = engine::queue::cursor_and_limit(q.cursor.as_deref(), q.limit)?;
    let mut select = caller
        .scope()
        .owned(requests::Entity::find(), requests::Column::SchoolId)
        .filter(requests::Column::Kind.eq(KIND));
    if let Some(sid) = q.student_id {
        select = select.filter(requests::Column::StudentId.eq(sid));
    }
    if q.todo == Some(true) {
        select = select.filter(
            requests::Column::Id.in_subquery(engine::queue::open_request_ids(
                &caller,
                BusinessKey::Change,
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
    let names: HashMap<i64, String> = students::Entity::find()
        .filter(
            students::Column::Id
                .is_in(rows.iter().filter_map(|r| r.student_id).collect::<Vec<_>>()),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let payload = payload_of(&r)?;
        let st: State = serde_json::from_str(&r.state).map_err(AppError::internal)?;
        let student_id = r.student_id.unwrap_or_default();
        items.push(ChangeSummary {
            id: r.id,
            student_id,
            student_name: names.get(&student_id).cloned().unwrap_or_default(),
            school_name: schools.get(&r.school_id).cloned().unwrap_or_default(),
            fields: payload.changes.into_iter().map(|c| c.label).collect(),
            state_label: st.label().to_owned(),
            awaiting_me: mine.contains(&r.id),
            updated_at: r.updated_at.to_rfc3339(),
        });
    }
    Ok(Json(ChangePage {
        total,
        items,
        next_cursor,
    }))
}

async fn scoped_request<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    id: i64,
) -> AppResult<requests::Model> {
    caller
        .scope()
        .owned(requests::Entity::find(), requests::Column::SchoolId)
        .filter(requests::Column::Id.eq(id))
        .filter(requests::Column::Kind.eq(KIND))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// One change request of the caller's jurisdiction: the diff, the proof, the steps, what the
/// caller may do, and for identity changes the national duplicate candidates.
#[utoipa::path(get, path = "/changes/{id}", tag = "学籍维护",
    params(("id" = i64, Path, description = "申请编号")), security(("bearer" = [])),
    responses((status = 200, body = ChangeInfo), (status = 404, body = ErrorBody)))]
pub async fn get(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ChangeInfo>> {
    caller.require_business()?;
    let row = scoped_request(&state.db, &caller, id).await?;
    Ok(Json(info(&state.db, &caller, &row).await?))
}

/// Act on a change request: approve (the last approval applies the change), return (with a
/// reason), reject, withdraw (the school), resubmit a returned one (optionally with a corrected
/// edit and new proof), or 强制干预 an overdue step.
#[utoipa::path(post, path = "/changes/{id}/actions", tag = "学籍维护",
    params(("id" = i64, Path, description = "申请编号")), request_body = ChangeActionInput,
    security(("bearer" = [])), responses(
    (status = 200, body = ChangeInfo),
    (status = 403, body = ErrorBody, description = "当前步骤不由本账号办理"),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "申请状态不允许；学籍信息在提交后已被修改"),
    (status = 422, body = ErrorBody, description = "缺少原因；修改后的信息或证明材料不符合要求"),
))]
pub async fn act(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ChangeActionInput>,
) -> AppResult<Json<ChangeInfo>> {
    caller.require_business()?;
    let fields = req.validate();
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let tx = state.begin_write().await?;
    let row = scoped_request(&*tx, &caller, id).await?;
    let (_, _, before_state) = engine::chain_of(&row)?;
    let mut payload = payload_of(&row)?;
    let student_id = row
        .student_id
        .ok_or_else(|| AppError::Internal(format!("change request {} without student", row.id)))?;
    let student = students::Entity::find_by_id(student_id)
        .one(&*tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let school = school_of(&*tx, &student).await?;
    let mut candidates_json = row.candidates.clone();
    let mut subject = row.subject.clone();
    match req.action {
        Action::Resubmit => {
            require_editor(&caller, &student)?;
            if let Some(corrected) = &req.record {
                // A corrected edit, against the record as it is now.
                let checked = check_edit(&*tx, &school, &student, corrected).await?;
                if checked.route == EditRoute::Direct {
                    return Err(AppError::field(
                        "record",
                        "修改后不再涉及受控字段，请撤回本申请后直接保存",
                    ));
                }
                payload.changes = checked.changes;
                payload.base_version = student.version;
                subject = subject_of(&student.name, &payload.changes);
                if change::identity_changed(&payload.changes) {
                    candidates_json =
                        serde_json::to_string(&candidates(&*tx, student.id, &checked.after).await?)
                            .map_err(AppError::internal)?;
                }
            }
            if let Some(proof) = &req.evidence {
                payload.evidence = proof.clone();
            }
            if let Some(r) = req
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
            {
                payload.reason = Some(r.to_owned());
            }
            check_proof(&payload.changes, &payload.evidence)?;
            check_files(&state.evidence, &payload.evidence).await?;
        }
        Action::Approve | Action::Force => {
            if let Some(reason) = edit::not_editable_reason(&student) {
                return Err(AppError::Conflict(reason));
            }
        }
        _ => {}
    }
    if matches!(
        req.action,
        Action::Approve | Action::Force | Action::Resubmit
    ) {
        let current = edit::stored_record(&student)?;
        let moved = change::moved(&current, &payload.changes);
        if !moved.is_empty() {
            return Err(AppError::Conflict(format!(
                "以下信息在申请提交后已被修改：{}。请退回学校，按当前学籍信息重新提交",
                moved.join("、")
            )));
        }
    }
    let applied = engine::transition(
        &*tx,
        &caller,
        &row,
        BusinessKey::Change,
        req.action,
        req.reason.clone(),
    )
    .await?;
    let transition = applied.transition;
    let mut effect = serde_json::Value::Null;
    if transition.to == State::Completed {
        let current = edit::stored_record(&student)?;
        let after = change::apply(&current, &payload.changes)
            .ok_or_else(|| AppError::Internal("change does not apply".into()))?;
        // The record as it would be must still pass today's rules.
        if let Err(AppError::Validation(f)) = check_record(&*tx, &school, &after).await {
            return Err(AppError::Conflict(format!(
                "变更后的学籍信息不符合要求：{}。请退回学校修改",
                f.iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            )));
        }
        let identity = change::identity_changed(&payload.changes);
        let written = edit::write_record(&*tx, &student, &after, student.version, identity).await?;
        edit::record_history(
            &*tx,
            &written.student,
            "change",
            Some(row.id),
            &payload.changes,
            caller.account.id,
            caller.org.id,
        )
        .await?;
        if let Some((old, new)) = &written.number {
            let number_change = FieldChange {
                field: "student_number".into(),
                label: change::label_of("student_number"),
                old: json!(old),
                new: json!(new),
                old_text: old.clone(),
                new_text: new.clone(),
                controlled: false,
            };
            edit::record_history(
                &*tx,
                &written.student,
                "number",
                Some(row.id),
                &[number_change],
                caller.account.id,
                caller.org.id,
            )
            .await?;
        }
        let (before, after_fields) = changes_json(&payload.changes);
        audit::append(
            &*tx,
            &caller.actor(),
            Entry {
                action: "student.change",
                object_type: "student",
                object_id: Some(student.id.to_string()),
                before: Some(json!({ "version": student.version, "student_number": student.student_number, "fields": before })),
                after: Some(json!({
                    "version": written.student.version,
                    "student_number": written.student.student_number,
                    "fields": after_fields,
                    "request_id": row.id,
                    "problem": written.problem.as_ref().map(|p| p.id),
                })),
            },
        )
        .await?;
        effect = json!({
            "student_number": written.student.student_number,
            "problem": written.problem.as_ref().map(|p| p.id),
        });
        if written.problem.is_some() {
            // The candidates as seen at approval, kept with the request.
            candidates_json = serde_json::to_string(&candidates(&*tx, student.id, &after).await?)
                .map_err(AppError::internal)?;
        }
    }
    let mut am = applied.row.clone().into_active_model();
    am.payload = Set(serde_json::to_string(&payload).map_err(AppError::internal)?);
    am.candidates = Set(candidates_json);
    am.subject = Set(subject.chars().take(200).collect());
    let row = am.update(&*tx).await?;
    let reason = req
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "change.act",
            object_type: "request",
            object_id: Some(row.id.to_string()),
            before: Some(json!({ "state": before_state })),
            after: Some(json!({
                "state": transition.to,
                "action": engine::action_str(req.action),
                "reason": reason,
                "forced": req.action == Action::Force,
                "effect": effect,
            })),
        },
    )
    .await?;
    let out = info(&*tx, &caller, &row).await?;
    tx.commit().await?;
    Ok(Json(out))
}

/// A proof file of a change request of the caller's jurisdiction.
#[utoipa::path(get, path = "/changes/{id}/evidence/{sha256}", tag = "学籍维护",
    params(("id" = i64, Path, description = "申请编号"), ("sha256" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "PDF/JPG/PNG"), (status = 404, body = ErrorBody)))]
pub async fn evidence(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath((id, sha)): ApiPath<(i64, String)>,
) -> AppResult<impl IntoResponse> {
    caller.require_business()?;
    let row = scoped_request(&state.db, &caller, id).await?;
    let payload = payload_of(&row)?;
    if !payload.evidence.iter().any(|p| p.sha256 == sha) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_names_the_controlled_fields() {
        let c = |f: &str, controlled| FieldChange {
            field: f.into(),
            label: change::label_of(f),
            old: json!(""),
            new: json!("x"),
            old_text: String::new(),
            new_text: String::new(),
            controlled,
        };
        assert_eq!(
            subject_of(" 王小明 ", &[c("name", true), c("specialty", false)]),
            "王小明（姓名）"
        );
    }
}
