//! The organisation tree (机构): browse within the jurisdiction; administrators create and edit
//! organisations below their own.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;
use xueji_shared::api::{CreateOrg, ErrorBody, OrgNode, UpdateOrg};
use xueji_shared::org::{check_org_code_under, Level, SchoolKind};

use crate::audit::{self, Entry};
use crate::auth::Caller;
use crate::entities::organisations;
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// List the children of this organisation.
    pub parent_id: Option<i64>,
    /// Search by name or code within the jurisdiction (at most 50 results).
    pub q: Option<String>,
}

pub fn node(org: &organisations::Model, child_count: u32) -> AppResult<OrgNode> {
    let level = Level::parse(&org.level)
        .ok_or_else(|| AppError::Internal(format!("organisation {} has unknown level", org.id)))?;
    Ok(OrgNode {
        id: org.id,
        parent_id: org.parent_id,
        code: org.code.clone(),
        name: org.name.clone(),
        level,
        school_kind: org.stages.as_deref().and_then(SchoolKind::parse),
        region_code: org.region_code.clone(),
        address: org.address.clone(),
        child_count,
    })
}

#[derive(Debug, FromQueryResult)]
struct ChildCount {
    parent_id: i64,
    n: i64,
}

async fn nodes<C: ConnectionTrait>(
    conn: &C,
    orgs: &[organisations::Model],
) -> AppResult<Vec<OrgNode>> {
    let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let counts: HashMap<i64, i64> = if ids.is_empty() {
        HashMap::new()
    } else {
        organisations::Entity::find()
            .select_only()
            .column(organisations::Column::ParentId)
            .column_as(organisations::Column::Id.count(), "n")
            .filter(organisations::Column::ParentId.is_in(ids))
            .group_by(organisations::Column::ParentId)
            .into_model::<ChildCount>()
            .all(conn)
            .await?
            .into_iter()
            .map(|c| (c.parent_id, c.n))
            .collect()
    };
    orgs.iter()
        .map(|o| node(o, counts.get(&o.id).copied().unwrap_or(0).max(0) as u32))
        .collect()
}

/// Organisations of the caller's jurisdiction: its own (no parameters), the children of one,
/// or a search.
#[utoipa::path(get, path = "/orgs", tag = "机构", params(OrgQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<OrgNode>), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> AppResult<Json<Vec<OrgNode>>> {
    let scope = caller.scope();
    let orgs = if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let text: String = text.chars().take(32).collect();
        scope
            .orgs()
            .filter(
                Condition::any()
                    .add(organisations::Column::Name.contains(&text))
                    .add(organisations::Column::Code.starts_with(&text)),
            )
            .order_by_asc(organisations::Column::Path)
            .limit(50)
            .all(&state.db)
            .await?
    } else if let Some(parent) = q.parent_id {
        let parent = scope.org(&state.db, parent).await?;
        organisations::Entity::find()
            .filter(organisations::Column::ParentId.eq(parent.id))
            .order_by_asc(organisations::Column::Code)
            .all(&state.db)
            .await?
    } else {
        vec![caller.org.clone()]
    };
    Ok(Json(nodes(&state.db, &orgs).await?))
}

/// One organisation of the caller's jurisdiction.
#[utoipa::path(get, path = "/orgs/{id}",
    params(("id" = i64, Path, description = "编号")), tag = "机构", security(("bearer" = [])),
    responses((status = 200, body = OrgNode), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<OrgNode>> {
    let org = caller.scope().org(&state.db, id).await?;
    let mut list = nodes(&state.db, std::slice::from_ref(&org)).await?;
    list.pop().map(Json).ok_or(AppError::NotFound)
}

/// Create an organisation directly below one of the jurisdiction (administrators).
#[utoipa::path(post, path = "/orgs", tag = "机构", request_body = CreateOrg, security(("bearer" = [])),
    responses((status = 201, body = OrgNode), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "机构代码已存在"), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateOrg>,
) -> AppResult<(StatusCode, Json<OrgNode>)> {
    caller.require_admin()?;
    let scope = caller.scope();
    let parent = scope.org(&state.db, req.parent_id).await?;
    let parent_level = Level::parse(&parent.level)
        .ok_or_else(|| AppError::Internal("parent has unknown level".into()))?;
    let Some(level) = parent_level.child() else {
        return Err(AppError::field("parent_id", "学校下不能再设立机构"));
    };
    let code = req.code.trim().to_owned();
    let mut fields = req.validate(level);
    if fields.iter().all(|f| f.field != "code") {
        if let Err(m) = check_org_code_under(parent_level, &parent.code, level, &code) {
            fields.push(xueji_shared::api::FieldError::new("code", m));
        }
    }
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }

    let tx = state.begin_write().await?;
    if organisations::Entity::find()
        .filter(organisations::Column::Code.eq(code.clone()))
        .one(&*tx)
        .await?
        .is_some()
    {
        return Err(AppError::Taken {
            field: "code",
            message: format!("机构代码 {code} 已存在"),
        });
    }
    let now = Utc::now();
    let province_code = if level == Level::Province {
        code.clone()
    } else {
        parent.province_code.clone()
    };
    let region_code = match level {
        Level::School => parent.region_code.clone(),
        _ => Some(code.clone()),
    };
    let inserted = organisations::ActiveModel {
        parent_id: Set(Some(parent.id)),
        level: Set(level.as_str().to_owned()),
        code: Set(code),
        name: Set(req.name.trim().to_owned()),
        province_code: Set(province_code),
        path: Set(String::new()),
        region_code: Set(region_code),
        stages: Set(req.school_kind.map(|k| k.as_str().to_owned())),
        address: Set(clean(req.address)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*tx)
    .await?;
    let mut am = inserted.clone().into_active_model();
    am.path = Set(format!("{}{}/", parent.path, inserted.id));
    let org = am.update(&*tx).await?;
    let out = node(&org, 0)?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "org.create",
            object_type: "organisation",
            object_id: Some(org.id.to_string()),
            before: None,
            after: Some(serde_json::to_value(&out).map_err(AppError::internal)?),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Edit an organisation below the caller's own (administrators).
#[utoipa::path(put, path = "/orgs/{id}",
    params(("id" = i64, Path, description = "编号")), tag = "机构", request_body = UpdateOrg, security(("bearer" = [])),
    responses((status = 200, body = OrgNode), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateOrg>,
) -> AppResult<Json<OrgNode>> {
    caller.require_admin()?;
    let scope = caller.scope();
    let tx = state.begin_write().await?;
    let org = scope.org(&*tx, id).await?;
    if !scope.is_below(&org) {
        return Err(AppError::Forbidden("只能编辑本单位以下的机构".into()));
    }
    let level = Level::parse(&org.level)
        .ok_or_else(|| AppError::Internal("organisation has unknown level".into()))?;
    let fields = req.validate(level);
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let before = nodes(&*tx, std::slice::from_ref(&org)).await?;
    let mut am = org.into_active_model();
    am.name = Set(req.name.trim().to_owned());
    am.stages = Set(req.school_kind.map(|k| k.as_str().to_owned()));
    am.address = Set(clean(req.address));
    am.updated_at = Set(Utc::now());
    let org = am.update(&*tx).await?;
    let after = nodes(&*tx, std::slice::from_ref(&org)).await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "org.update",
            object_type: "organisation",
            object_id: Some(org.id.to_string()),
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    after.into_iter().next().map(Json).ok_or(AppError::NotFound)
}

fn clean(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}
