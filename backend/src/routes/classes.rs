//! Grades and classes of schools (年级、班级): administrators of the jurisdiction create and edit
//! them, with head teacher and capacity; the capacity may not exceed the school's effective
//! class-size cap for the stage.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;
use xueji_shared::api::{ClassInfo, ErrorBody, UpsertClass};
use xueji_shared::caps;
use xueji_shared::org::SchoolKind;
use xueji_shared::stage::Stage;

use crate::audit::{self, Entry};
use crate::auth::Caller;
use crate::entities::{classes, organisations};
use crate::error::{ApiJson, ApiPath, AppError, AppResult};
use crate::settings;
use crate::state::AppState;

fn info(c: &classes::Model) -> AppResult<ClassInfo> {
    Ok(ClassInfo {
        id: c.id,
        school_id: c.school_id,
        stage: Stage::parse(&c.stage)
            .ok_or_else(|| AppError::Internal(format!("class {} has unknown stage", c.id)))?,
        grade: u8::try_from(c.grade).unwrap_or(0),
        name: c.name.clone(),
        head_teacher: c.head_teacher.clone(),
        capacity: u16::try_from(c.capacity).unwrap_or(0),
    })
}

fn kind_of(school: &organisations::Model) -> AppResult<SchoolKind> {
    settings::school_kind(school)
        .ok_or_else(|| AppError::BadRequest(format!("{}不是学校，没有班级", school.name)))
}

/// Validate a class for a school: the shared form rules, the effective cap, and a unique name
/// within the school's grade (`except`: the class being edited).
async fn validate<C: ConnectionTrait>(
    conn: &C,
    school: &organisations::Model,
    req: &UpsertClass,
    except: Option<i64>,
) -> AppResult<()> {
    let kind = kind_of(school)?;
    let mut fields = req.validate(kind);
    if fields.is_empty() {
        let effective = settings::effective_cap(conn, school, req.stage).await?;
        if let Err(e) = caps::check_capacity(effective, req.capacity) {
            fields.push(xueji_shared::api::FieldError::new(
                "capacity",
                e.to_string(),
            ));
        }
    }
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let mut dup = classes::Entity::find()
        .filter(classes::Column::SchoolId.eq(school.id))
        .filter(classes::Column::Stage.eq(req.stage.as_str()))
        .filter(classes::Column::Grade.eq(i16::from(req.grade)))
        .filter(classes::Column::Name.eq(req.name.trim()));
    if let Some(id) = except {
        dup = dup.filter(classes::Column::Id.ne(id));
    }
    if dup.one(conn).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "本校{}{}年级已有名为“{}”的班级",
            req.stage.label(),
            req.grade,
            req.name.trim()
        )));
    }
    Ok(())
}

fn head_teacher(req: &UpsertClass) -> Option<String> {
    req.head_teacher
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Classes of a school of the jurisdiction, by stage, grade and name.
#[utoipa::path(get, path = "/orgs/{id}/classes", tag = "系统配置", security(("bearer" = [])),
    params(("id" = i64, Path, description = "学校 id")),
    responses((status = 200, body = Vec<ClassInfo>), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn list_classes(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<ClassInfo>>> {
    let school = caller.scope().org(&state.db, id).await?;
    kind_of(&school)?;
    let rows = classes::Entity::find()
        .filter(classes::Column::SchoolId.eq(school.id))
        .all(&state.db)
        .await?;
    let mut out = rows.iter().map(info).collect::<AppResult<Vec<_>>>()?;
    out.sort_by(|a, b| (a.stage, a.grade, &a.name, a.id).cmp(&(b.stage, b.grade, &b.name, b.id)));
    Ok(Json(out))
}

/// Create a class in a school of the jurisdiction (administrators).
#[utoipa::path(post, path = "/orgs/{id}/classes", tag = "系统配置", security(("bearer" = [])),
    params(("id" = i64, Path, description = "学校 id")), request_body = UpsertClass,
    responses((status = 201, body = ClassInfo), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "同名班级"),
        (status = 422, body = ErrorBody, description = "超过班额等")))]
pub async fn create_class(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpsertClass>,
) -> AppResult<(StatusCode, Json<ClassInfo>)> {
    caller.require_admin()?;
    let tx = state.begin_write().await?;
    let school = caller.scope().org(&*tx, id).await?;
    validate(&*tx, &school, &req, None).await?;
    let now = Utc::now();
    let row = classes::ActiveModel {
        school_id: Set(school.id),
        province_code: Set(school.province_code.clone()),
        stage: Set(req.stage.as_str().to_owned()),
        grade: Set(i16::from(req.grade)),
        name: Set(req.name.trim().to_owned()),
        head_teacher: Set(head_teacher(&req)),
        capacity: Set(i32::from(req.capacity)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*tx)
    .await?;
    let out = info(&row)?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "class.create",
            object_type: "class",
            object_id: Some(row.id.to_string()),
            before: None,
            after: Some(json!(out)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Edit a class of a school of the jurisdiction (administrators).
#[utoipa::path(put, path = "/classes/{id}", tag = "系统配置", security(("bearer" = [])),
    params(("id" = i64, Path, description = "班级 id")), request_body = UpsertClass,
    responses((status = 200, body = ClassInfo), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_class(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpsertClass>,
) -> AppResult<Json<ClassInfo>> {
    caller.require_admin()?;
    let scope = caller.scope();
    let tx = state.begin_write().await?;
    let row = scope
        .owned(classes::Entity::find(), classes::Column::SchoolId)
        .filter(classes::Column::Id.eq(id))
        .one(&*tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let school = scope.org(&*tx, row.school_id).await?;
    validate(&*tx, &school, &req, Some(row.id)).await?;
    let before = info(&row)?;
    let mut am = row.into_active_model();
    am.stage = Set(req.stage.as_str().to_owned());
    am.grade = Set(i16::from(req.grade));
    am.name = Set(req.name.trim().to_owned());
    am.head_teacher = Set(head_teacher(&req));
    am.capacity = Set(i32::from(req.capacity));
    am.updated_at = Set(Utc::now());
    let row = am.update(&*tx).await?;
    let out = info(&row)?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "class.update",
            object_type: "class",
            object_id: Some(row.id.to_string()),
            before: Some(json!(before)),
            after: Some(json!(out)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(out))
}
