//! System configuration (系统配置, seed 001 第四章): class-size caps and controlled fields per
//! organisation; the province's switches, business windows and password policy; the
//! working-day calendar (national days by the ministry, additions by provinces).
//!
//! Reads: any signed-in account, for configuration that applies to it (an organisation of its
//! subtree, and that organisation's superiors' settings). Writes: system administrators, on
//! their own organisation's settings only; validated by the shared rules, audited in the same
//! transaction.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::Json;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter, Set,
};
use serde::Deserialize;
use serde_json::json;
use xueji_shared::account::PasswordPolicy;
use xueji_shared::api::{ErrorBody, FieldError};
use xueji_shared::api_config::{
    CalendarSource, CalendarView, CapsView, ControlledFieldsView, PasswordPolicyView,
    ProvinceSwitches, SwitchesView, UpdateCalendar, UpdateCap, UpdateControlledFields,
};
use xueji_shared::caps::CAP_LEVELS;
use xueji_shared::org::{Level, Role};

use crate::audit::{self, Entry};
use crate::auth::Caller;
use crate::entities::{
    calendar_days, cap_settings, controlled_fields, organisations, password_policies,
    province_switches,
};
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::settings;
use crate::state::AppState;

fn check(fields: Vec<FieldError>) -> AppResult<()> {
    if fields.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(fields))
    }
}

/// A level edits its own settings only.
fn require_own(caller: &Caller, org: &organisations::Model, what: &str) -> AppResult<()> {
    if org.id == caller.org.id {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "只能设置本单位（{}）的{what}，不能设置{}的{what}",
            caller.org.name, org.name
        )))
    }
}

fn is_admin_of(caller: &Caller, org: &organisations::Model) -> bool {
    caller.role == Role::Admin && caller.org.id == org.id
}

// ───────────────────────────── class-size caps ─────────────────────────────

/// Class-size caps (班额) of an organisation of the jurisdiction: per stage, the settings of
/// the levels above (read-only), its own, and the effective cap with the level it comes from.
#[utoipa::path(get, path = "/orgs/{id}/caps", tag = "系统配置", security(("bearer" = [])),
    params(("id" = i64, Path, description = "机构 id")),
    responses((status = 200, body = CapsView), (status = 404, body = ErrorBody)))]
pub async fn get_caps(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<CapsView>> {
    let org = caller.scope().org(&state.db, id).await?;
    let level = settings::level_of(&org)?;
    let editable = is_admin_of(&caller, &org) && CAP_LEVELS.contains(&level);
    Ok(Json(settings::caps_view(&state.db, &org, editable).await?))
}

/// Set one stage's own cap of the caller's organisation (province, city, county
/// administrators). Refused above the cap of a level above, or when a level above locked it.
#[utoipa::path(put, path = "/orgs/{id}/caps", tag = "系统配置", security(("bearer" = [])),
    params(("id" = i64, Path, description = "机构 id（只能是本单位）")),
    request_body = UpdateCap,
    responses((status = 200, body = CapsView),
        (status = 403, body = ErrorBody, description = "非系统管理员或非本级"),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "高于上级班额或上级已锁定")))]
pub async fn update_caps(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateCap>,
) -> AppResult<Json<CapsView>> {
    caller.require_admin()?;
    let tx = state.begin_write().await?;
    let org = caller.scope().org(&*tx, id).await?;
    require_own(&caller, &org, "班额")?;
    let level = settings::level_of(&org)?;
    if !CAP_LEVELS.contains(&level) {
        return Err(AppError::Forbidden(
            "只有省级、地市级和区县级可以设置班额".into(),
        ));
    }
    let above = settings::caps_above(&*tx, &org, req.stage).await?;
    check(req.validate(level, &above))?;

    let existing = settings::own_cap(&*tx, org.id, req.stage).await?;
    let snapshot = |cap: Option<i32>, locked: bool| json!({ "org_id": org.id, "stage": req.stage.as_str(), "cap": cap, "locked": locked });
    let before = existing.as_ref().map(|r| snapshot(r.cap, r.locked));
    let cap = req.cap.map(i32::from);
    let now = Utc::now();
    match existing {
        Some(row) if cap.is_none() && !req.locked => {
            row.delete(&*tx).await?;
        }
        Some(row) => {
            let mut am = row.into_active_model();
            am.cap = Set(cap);
            am.locked = Set(req.locked);
            am.updated_at = Set(now);
            am.update(&*tx).await?;
        }
        None if cap.is_none() && !req.locked => {}
        None => {
            cap_settings::ActiveModel {
                org_id: Set(org.id),
                province_code: Set(org.province_code.clone()),
                stage: Set(req.stage.as_str().to_owned()),
                cap: Set(cap),
                locked: Set(req.locked),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&*tx)
            .await?;
        }
    }
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "config.caps.update",
            object_type: "cap_setting",
            object_id: Some(format!("{}:{}", org.id, req.stage.as_str())),
            before,
            after: Some(snapshot(cap, req.locked)),
        },
    )
    .await?;
    let view = settings::caps_view(&*tx, &org, true).await?;
    tx.commit().await?;
    Ok(Json(view))
}

// ───────────────────────────── controlled fields ─────────────────────────────

/// Controlled fields (受控字段) of an organisation of the jurisdiction: its own, its superiors'
/// (read-only) and the effective set for schools.
#[utoipa::path(get, path = "/orgs/{id}/controlled-fields", tag = "系统配置", security(("bearer" = [])),
    params(("id" = i64, Path, description = "机构 id")),
    responses((status = 200, body = ControlledFieldsView), (status = 404, body = ErrorBody)))]
pub async fn get_controlled(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ControlledFieldsView>> {
    let org = caller.scope().org(&state.db, id).await?;
    let level = settings::level_of(&org)?;
    let editable = is_admin_of(&caller, &org) && level != Level::School;
    Ok(Json(
        settings::controlled_view(&state.db, &org, editable).await?,
    ))
}

/// Replace the caller's organisation's own controlled fields (authority administrators).
#[utoipa::path(put, path = "/orgs/{id}/controlled-fields", tag = "系统配置", security(("bearer" = [])),
    params(("id" = i64, Path, description = "机构 id（只能是本单位）")),
    request_body = UpdateControlledFields,
    responses((status = 200, body = ControlledFieldsView),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "未知字段")))]
pub async fn update_controlled(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateControlledFields>,
) -> AppResult<Json<ControlledFieldsView>> {
    caller.require_admin()?;
    let tx = state.begin_write().await?;
    let org = caller.scope().org(&*tx, id).await?;
    require_own(&caller, &org, "受控字段")?;
    let level = settings::level_of(&org)?;
    if level == Level::School {
        return Err(AppError::Forbidden("学校不能设置受控字段".into()));
    }
    check(req.validate(level))?;
    let before = settings::own_controlled(&*tx, org.id).await?;
    let after: BTreeSet<String> = req.fields.iter().map(|f| f.trim().to_owned()).collect();
    controlled_fields::Entity::delete_many()
        .filter(controlled_fields::Column::OrgId.eq(org.id))
        .exec(&*tx)
        .await?;
    let now = Utc::now();
    for field in &after {
        controlled_fields::ActiveModel {
            org_id: Set(org.id),
            province_code: Set(org.province_code.clone()),
            field: Set(field.clone()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
    }
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "config.controlled_fields.update",
            object_type: "controlled_fields",
            object_id: Some(org.id.to_string()),
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    let view = settings::controlled_view(&*tx, &org, true).await?;
    tx.commit().await?;
    Ok(Json(view))
}

// ───────────────────────────── province switches ─────────────────────────────

fn province_admin(caller: &Caller, what: &str) -> AppResult<()> {
    caller.require_admin()?;
    if caller.level == Level::Province {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "只有省级系统管理员可以修改{what}，{}只能查看",
            caller.level.label()
        )))
    }
}

/// The switches of the caller's province (管理功能设置): status changes per stage, grade-1
/// registration and age control, deletion of records with a formal number, business windows.
#[utoipa::path(get, path = "/config/switches", tag = "系统配置", security(("bearer" = [])),
    responses((status = 200, body = SwitchesView)))]
pub async fn get_switches(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<SwitchesView>> {
    let province = caller.org.province_code.clone();
    let (settings, is_default) = settings::switches(&state.db, &province).await?;
    Ok(Json(SwitchesView {
        province_code: province,
        settings,
        is_default,
        editable: caller.role == Role::Admin && caller.level == Level::Province,
    }))
}

/// Replace the switches of the caller's province (province administrators).
#[utoipa::path(put, path = "/config/switches", tag = "系统配置", security(("bearer" = [])),
    request_body = ProvinceSwitches,
    responses((status = 200, body = SwitchesView), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "时间段结束早于开始等")))]
pub async fn update_switches(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ProvinceSwitches>,
) -> AppResult<Json<SwitchesView>> {
    province_admin(&caller, "管理功能设置")?;
    check(req.validate())?;
    let province = caller.org.province_code.clone();
    let text = serde_json::to_string(&req).map_err(AppError::internal)?;
    let tx = state.begin_write().await?;
    let (before, _) = settings::switches(&*tx, &province).await?;
    let now = Utc::now();
    match province_switches::Entity::find_by_id(province.clone())
        .one(&*tx)
        .await?
    {
        Some(row) => {
            let mut am = row.into_active_model();
            am.settings = Set(text);
            am.updated_at = Set(now);
            am.update(&*tx).await?;
        }
        None => {
            province_switches::ActiveModel {
                province_code: Set(province.clone()),
                settings: Set(text),
                updated_at: Set(now),
            }
            .insert(&*tx)
            .await?;
        }
    }
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "config.switches.update",
            object_type: "province_switches",
            object_id: Some(province.clone()),
            before: Some(json!(before)),
            after: Some(json!(req)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(SwitchesView {
        province_code: province,
        settings: req,
        is_default: false,
        editable: true,
    }))
}

// ───────────────────────────── working-day calendar ─────────────────────────────

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Calendar year; this year when left out.
    pub year: Option<i32>,
}

fn calendar_source(caller: &Caller) -> Option<(CalendarSource, String)> {
    if caller.role != Role::Admin {
        return None;
    }
    match caller.level {
        Level::Ministry => Some((CalendarSource::National, settings::NATIONAL.to_owned())),
        Level::Province => Some((CalendarSource::Province, caller.org.province_code.clone())),
        _ => None,
    }
}

async fn calendar_view<C: sea_orm::ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    year: i32,
) -> AppResult<CalendarView> {
    let province = caller.org.province_code.clone();
    let national = settings::calendar_days(conn, settings::NATIONAL, year).await?;
    let own = if province == settings::NATIONAL {
        vec![]
    } else {
        settings::calendar_days(conn, &province, year).await?
    };
    Ok(CalendarView {
        year,
        province_code: province,
        national,
        province: own,
        editable: calendar_source(caller).map(|(s, _)| s),
    })
}

/// The working-day calendar of one year for the caller's province: national holidays and
/// make-up working days (set by the ministry) and the province's additions.
#[utoipa::path(get, path = "/config/calendar", tag = "系统配置", security(("bearer" = [])),
    params(YearQuery), responses((status = 200, body = CalendarView), (status = 422, body = ErrorBody)))]
pub async fn get_calendar(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> AppResult<Json<CalendarView>> {
    let year = q.year.unwrap_or_else(settings::current_year);
    if !(2000..=2100).contains(&year) {
        return Err(AppError::field("year", "年份应在 2000 到 2100 之间"));
    }
    Ok(Json(calendar_view(&state.db, &caller, year).await?))
}

/// Replace one year of the caller's days: national ones for the ministry's administrators,
/// the province's additions for a province's administrators.
#[utoipa::path(put, path = "/config/calendar", tag = "系统配置", security(("bearer" = [])),
    request_body = UpdateCalendar,
    responses((status = 200, body = CalendarView), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_calendar(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<UpdateCalendar>,
) -> AppResult<Json<CalendarView>> {
    caller.require_admin()?;
    let Some((source, code)) = calendar_source(&caller) else {
        return Err(AppError::Forbidden(
            "只有教育部和省级系统管理员可以设置工作日历，下级只能查看".into(),
        ));
    };
    let tx = state.begin_write().await?;
    let above = match source {
        CalendarSource::National => vec![],
        CalendarSource::Province => {
            if (2000..=2100).contains(&req.year) {
                settings::calendar_days(&*tx, settings::NATIONAL, req.year).await?
            } else {
                vec![]
            }
        }
    };
    check(req.validate(&above))?;
    let before = settings::calendar_days(&*tx, &code, req.year).await?;
    let (from, to) = NaiveDate::from_ymd_opt(req.year, 1, 1)
        .zip(NaiveDate::from_ymd_opt(req.year, 12, 31))
        .ok_or_else(|| AppError::field("year", "年份无效"))?;
    calendar_days::Entity::delete_many()
        .filter(calendar_days::Column::ProvinceCode.eq(code.clone()))
        .filter(calendar_days::Column::Day.between(from, to))
        .exec(&*tx)
        .await?;
    let now = Utc::now();
    for d in &req.days {
        calendar_days::ActiveModel {
            province_code: Set(code.clone()),
            day: Set(d.date),
            kind: Set(d.kind.as_str().to_owned()),
            note: Set(d.note.trim().to_owned()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
    }
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "config.calendar.update",
            object_type: "calendar",
            object_id: Some(format!("{code}:{}", req.year)),
            before: Some(json!(before)),
            after: Some(json!(req.days)),
        },
    )
    .await?;
    let view = calendar_view(&*tx, &caller, req.year).await?;
    tx.commit().await?;
    Ok(Json(view))
}

// ───────────────────────────── password policy ─────────────────────────────

/// The password policy of the caller's province.
#[utoipa::path(get, path = "/config/password-policy", tag = "系统配置", security(("bearer" = [])),
    responses((status = 200, body = PasswordPolicyView)))]
pub async fn get_password_policy(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<PasswordPolicyView>> {
    let province = caller.org.province_code.clone();
    let (policy, is_default) = settings::password_policy_with_source(&state.db, &province).await?;
    Ok(Json(PasswordPolicyView {
        province_code: province,
        policy,
        is_default,
        editable: caller.role == Role::Admin && caller.level == Level::Province,
    }))
}

/// Set the password policy of the caller's province (province administrators).
#[utoipa::path(put, path = "/config/password-policy", tag = "系统配置", security(("bearer" = [])),
    request_body = PasswordPolicy,
    responses((status = 200, body = PasswordPolicyView), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_password_policy(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PasswordPolicy>,
) -> AppResult<Json<PasswordPolicyView>> {
    province_admin(&caller, "密码策略")?;
    check(req.validate())?;
    let province = caller.org.province_code.clone();
    let tx = state.begin_write().await?;
    let (before, _) = settings::password_policy_with_source(&*tx, &province).await?;
    let now = Utc::now();
    let row = password_policies::ActiveModel {
        province_code: Set(province.clone()),
        min_length: Set(i16::from(req.min_length)),
        expiry_days: Set(i32::from(req.expiry_days)),
        lockout_threshold: Set(i16::from(req.lockout_threshold)),
        lockout_minutes: Set(i32::from(req.lockout_minutes)),
        updated_at: Set(now),
    };
    if password_policies::Entity::find_by_id(province.clone())
        .one(&*tx)
        .await?
        .is_some()
    {
        row.update(&*tx).await?;
    } else {
        row.insert(&*tx).await?;
    }
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "config.password_policy.update",
            object_type: "password_policy",
            object_id: Some(province.clone()),
            before: Some(json!(before)),
            after: Some(json!(req)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(PasswordPolicyView {
        province_code: province,
        policy: req,
        is_default: false,
        editable: true,
    }))
}
