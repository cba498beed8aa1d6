//! The audit log (审计日志): leaders and administrators browse the entries of their
//! jurisdiction; administrators verify the hash chains.

use std::collections::HashMap;

use axum::extract::State;
use axum::Json;
use chrono::{Duration, NaiveDate, TimeZone};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use xueji_shared::api::{AuditEntryInfo, AuditPage, AuditVerifyReport, ChainBreakInfo, ErrorBody};
use xueji_shared::org::Level;

use crate::audit;
use crate::auth::Caller;
use crate::entities::{accounts, audit_log, organisations};
use crate::error::{ApiQuery, AppError, AppResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// 1-based.
    pub page: Option<u32>,
    /// At most 200; default 50.
    pub per_page: Option<u32>,
    /// Exact action, e.g. `account.create`.
    pub action: Option<String>,
    /// Actor's username (exact).
    pub username: Option<String>,
    /// First day (China time), inclusive.
    pub from: Option<NaiveDate>,
    /// Last day (China time), inclusive.
    pub to: Option<NaiveDate>,
}

fn day_start_utc(d: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    crate::clock::cst()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}

/// Entries made by accounts of the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/audit", tag = "审计", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditPage), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> AppResult<Json<AuditPage>> {
    caller.require_leader_or_admin()?;
    if let (Some(from), Some(to)) = (q.from, q.to) {
        if to < from {
            return Err(AppError::field("to", "结束日期不能早于开始日期"));
        }
    }
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(50).clamp(1, 200);
    let scope = caller.scope();
    let mut select = scope.owned(audit_log::Entity::find(), audit_log::Column::ActorOrgId);
    if let Some(action) = q.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        select = select.filter(audit_log::Column::Action.eq(action));
    }
    if let Some(username) = q
        .username
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        let ids: Vec<i64> = scope
            .accounts()
            .filter(accounts::Column::Username.eq(username))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        select = select.filter(audit_log::Column::ActorId.is_in(ids));
    }
    if let Some(from) = q.from {
        select = select.filter(audit_log::Column::At.gte(day_start_utc(from)));
    }
    if let Some(to) = q.to {
        select = select.filter(audit_log::Column::At.lt(day_start_utc(to) + Duration::days(1)));
    }
    let total = select.clone().count(&state.db).await?;
    let rows = select
        .order_by_desc(audit_log::Column::Id)
        .offset(u64::from(page - 1) * u64::from(per_page))
        .limit(u64::from(per_page))
        .all(&state.db)
        .await?;

    let actor_ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
    let org_ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_org_id).collect();
    let names: HashMap<i64, String> = accounts::Entity::find()
        .filter(accounts::Column::Id.is_in(actor_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.username))
        .collect();
    let orgs: HashMap<i64, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(org_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|r| AuditEntryInfo {
            id: r.id,
            at: r.at.to_rfc3339(),
            actor_username: r.actor_id.and_then(|id| names.get(&id).cloned()),
            actor_org_name: r.actor_org_id.and_then(|id| orgs.get(&id).cloned()),
            client_ip: r.client_ip,
            action_label: audit::action_label(&r.action).to_owned(),
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            before: r.before,
            after: r.after,
        })
        .collect();
    Ok(Json(AuditPage {
        items,
        total,
        page,
        per_page,
    }))
}

/// Verify the audit hash chains: the caller's province's (the ministry: all of them).
#[utoipa::path(get, path = "/audit/verify", tag = "审计", security(("bearer" = [])),
    responses((status = 200, body = AuditVerifyReport), (status = 403, body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<AuditVerifyReport>> {
    caller.require_admin()?;
    let province = caller.org.province_code.clone();
    let national = caller.level == Level::Ministry;
    let mut checked = audit_log::Entity::find();
    if !national {
        checked = checked.filter(audit_log::Column::ProvinceCode.eq(province.clone()));
    }
    let checked = checked.count(&state.db).await?;
    let breaks: Vec<ChainBreakInfo> = audit::verify(&state.db)
        .await?
        .into_iter()
        .filter(|b| national || b.province_code == province)
        .map(|b| ChainBreakInfo {
            province_code: b.province_code,
            entry_id: b.entry_id,
            reason: b.reason.to_owned(),
        })
        .collect();
    Ok(Json(AuditVerifyReport {
        ok: breaks.is_empty(),
        checked,
        breaks,
    }))
}
