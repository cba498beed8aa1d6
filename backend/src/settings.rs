//! The data layer of system configuration (系统配置, seed 001 第四章): class-size caps,
//! controlled fields, province switches, the working-day calendar and the password policy.
//!
//! Everything here reads configuration *that applies to* an organisation: its own settings and
//! those of its ancestors (which are outside a lower caller's subtree, but govern it). Handlers
//! reach the organisation itself through [`crate::scope::Scope`] first; these functions then
//! follow its materialised path upwards. The rules themselves live in `xueji_shared`
//! (`caps`, `controlled`, `api_config`); this module only loads and assembles.
//!
//! Other modules call, e.g.:
//! - [`password_policy`] at sign-in and password change;
//! - [`effective_cap`] before placing a student in a class;
//! - [`controlled_for_school`] when classifying a record edit;
//! - [`switches`] for status-change switches, age control and business windows;
//! - [`calendar`] for working-day deadlines.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use xueji_shared::account::PasswordPolicy;
use xueji_shared::api_config::{
    effective_calendar, CalendarDay, CapsView, ControlledFieldsView, DayKind, LevelCap,
    LevelFields, ProvinceSwitches, StageCaps,
};
use xueji_shared::calendar::WorkCalendar;
use xueji_shared::caps::{self, CapSetting, CAP_LEVELS};
use xueji_shared::controlled::IDENTITY_FIELDS;
use xueji_shared::org::{Level, SchoolKind};
use xueji_shared::stage::Stage;

use crate::entities::{
    calendar_days, cap_settings, controlled_fields, organisations, password_policies,
    province_switches,
};
use crate::error::{AppError, AppResult};

/// Province code of the national (ministry) rows.
pub const NATIONAL: &str = crate::audit::NATIONAL;

/// The stored level of an organisation; an unknown value is a server fault.
pub fn level_of(org: &organisations::Model) -> AppResult<Level> {
    Level::parse(&org.level)
        .ok_or_else(|| AppError::Internal(format!("organisation {} has unknown level", org.id)))
}

/// A school's kind (办学类型); `None` for authorities or unknown values.
pub fn school_kind(org: &organisations::Model) -> Option<SchoolKind> {
    org.stages.as_deref().and_then(SchoolKind::parse)
}

/// The ancestors of an organisation, top down (ministry first), excluding itself.
pub async fn ancestors<C: ConnectionTrait>(
    conn: &C,
    org: &organisations::Model,
) -> AppResult<Vec<organisations::Model>> {
    let ids: Vec<i64> = org
        .path
        .split('/')
        .filter_map(|s| s.parse::<i64>().ok())
        .filter(|id| *id != org.id)
        .collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut found = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(ids.clone()))
        .all(conn)
        .await?;
    found.sort_by_key(|o| ids.iter().position(|id| *id == o.id));
    Ok(found)
}

// ───────────────────────────── class-size caps ─────────────────────────────

fn to_setting(row: Option<&cap_settings::Model>) -> CapSetting {
    row.map(|r| CapSetting {
        cap: r.cap.and_then(|c| u16::try_from(c).ok()),
        locked: r.locked,
    })
    .unwrap_or_default()
}

/// Stored cap rows of these organisations, by (org id, stage).
async fn cap_rows<C: ConnectionTrait>(
    conn: &C,
    org_ids: Vec<i64>,
) -> AppResult<BTreeMap<(i64, String), cap_settings::Model>> {
    Ok(cap_settings::Entity::find()
        .filter(cap_settings::Column::OrgId.is_in(org_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| ((r.org_id, r.stage.clone()), r))
        .collect())
}

fn level_cap(org: &organisations::Model, level: Level, s: CapSetting) -> LevelCap {
    LevelCap {
        org_id: org.id,
        org_name: org.name.clone(),
        level,
        cap: s.cap,
        locked: s.locked,
    }
}

/// The caps of one organisation (its own and those above), per stage: all three stages for
/// authorities, the taught stages for a school. `editable` is passed through to the view.
pub async fn caps_view<C: ConnectionTrait>(
    conn: &C,
    org: &organisations::Model,
    editable: bool,
) -> AppResult<CapsView> {
    let level = level_of(org)?;
    let chain: Vec<(organisations::Model, Level)> = ancestors(conn, org)
        .await?
        .into_iter()
        .filter_map(|o| {
            let l = Level::parse(&o.level)?;
            CAP_LEVELS.contains(&l).then_some((o, l))
        })
        .collect();
    let mut ids: Vec<i64> = chain.iter().map(|(o, _)| o.id).collect();
    ids.push(org.id);
    let rows = cap_rows(conn, ids).await?;
    let stages: Vec<Stage> = match (level, school_kind(org)) {
        (Level::School, Some(k)) => k.stages().to_vec(),
        _ => Stage::ALL.to_vec(),
    };
    let mut out = Vec::new();
    for stage in stages {
        let key = |id: i64| (id, stage.as_str().to_owned());
        let above: Vec<LevelCap> = chain
            .iter()
            .map(|(o, l)| level_cap(o, *l, to_setting(rows.get(&key(o.id)))))
            .collect();
        let own = CAP_LEVELS
            .contains(&level)
            .then(|| level_cap(org, level, to_setting(rows.get(&key(org.id)))));
        let mut sc = StageCaps {
            stage,
            above,
            own: own.clone(),
            effective: None,
            effective_level: None,
            effective_org_name: None,
            locked_by: None,
        };
        let mut settings = sc.above_settings();
        sc.locked_by = settings.iter().find(|(_, s)| s.locked).map(|(l, _)| *l);
        if let Some(o) = &own {
            settings.push((
                level,
                CapSetting {
                    cap: o.cap,
                    locked: o.locked,
                },
            ));
        }
        if let Some((cap, from)) = caps::effective_cap(&settings) {
            sc.effective = Some(cap);
            sc.effective_level = Some(from);
            sc.effective_org_name = sc
                .above
                .iter()
                .chain(own.iter())
                .find(|c| c.level == from)
                .map(|c| c.org_name.clone());
        }
        out.push(sc);
    }
    Ok(CapsView {
        org_id: org.id,
        org_name: org.name.clone(),
        level,
        stages: out,
        editable,
    })
}

/// The effective class-size cap of a school for a stage, and the level it comes from
/// (`None`: no level set one).
pub async fn effective_cap<C: ConnectionTrait>(
    conn: &C,
    school: &organisations::Model,
    stage: Stage,
) -> AppResult<Option<(u16, Level)>> {
    let view = caps_view(conn, school, false).await?;
    let sc = view.stages.iter().find(|s| s.stage == stage);
    Ok(sc.and_then(|s| s.effective.zip(s.effective_level)))
}

/// The cap settings above an organisation for a stage (top down), as the rules take them.
pub async fn caps_above<C: ConnectionTrait>(
    conn: &C,
    org: &organisations::Model,
    stage: Stage,
) -> AppResult<Vec<(Level, CapSetting)>> {
    let view = caps_view(conn, org, false).await?;
    Ok(view
        .stages
        .iter()
        .find(|s| s.stage == stage)
        .map(|s| s.above_settings())
        .unwrap_or_default())
}

/// An organisation's own stored cap row for a stage.
pub async fn own_cap<C: ConnectionTrait>(
    conn: &C,
    org_id: i64,
    stage: Stage,
) -> AppResult<Option<cap_settings::Model>> {
    Ok(cap_settings::Entity::find()
        .filter(cap_settings::Column::OrgId.eq(org_id))
        .filter(cap_settings::Column::Stage.eq(stage.as_str()))
        .one(conn)
        .await?)
}

// ───────────────────────────── controlled fields ─────────────────────────────

/// The fields each of these organisations controls, by org id.
async fn field_sets<C: ConnectionTrait>(
    conn: &C,
    org_ids: Vec<i64>,
) -> AppResult<BTreeMap<i64, BTreeSet<String>>> {
    let mut out: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for r in controlled_fields::Entity::find()
        .filter(controlled_fields::Column::OrgId.is_in(org_ids))
        .all(conn)
        .await?
    {
        out.entry(r.org_id).or_default().insert(r.field);
    }
    Ok(out)
}

/// An organisation's own controlled fields.
pub async fn own_controlled<C: ConnectionTrait>(
    conn: &C,
    org_id: i64,
) -> AppResult<BTreeSet<String>> {
    Ok(field_sets(conn, vec![org_id])
        .await?
        .remove(&org_id)
        .unwrap_or_default())
}

/// Controlled fields as seen from one organisation: its own (authorities), its superiors'
/// (read-only) and the effective union with the identity fields.
pub async fn controlled_view<C: ConnectionTrait>(
    conn: &C,
    org: &organisations::Model,
    editable: bool,
) -> AppResult<ControlledFieldsView> {
    let level = level_of(org)?;
    let chain: Vec<(organisations::Model, Level)> = ancestors(conn, org)
        .await?
        .into_iter()
        .filter_map(|o| {
            let l = Level::parse(&o.level)?;
            (l != Level::School).then_some((o, l))
        })
        .collect();
    let mut ids: Vec<i64> = chain.iter().map(|(o, _)| o.id).collect();
    ids.push(org.id);
    let mut sets = field_sets(conn, ids).await?;
    let own = if level == Level::School {
        BTreeSet::new()
    } else {
        sets.remove(&org.id).unwrap_or_default()
    };
    let above: Vec<LevelFields> = chain
        .iter()
        .map(|(o, l)| LevelFields {
            org_id: o.id,
            org_name: o.name.clone(),
            level: *l,
            fields: sets
                .get(&o.id)
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default(),
        })
        .collect();
    let above_sets: Vec<BTreeSet<String>> = above
        .iter()
        .map(|l| l.fields.iter().cloned().collect())
        .collect();
    let effective =
        xueji_shared::controlled::controlled_for_school(above_sets.iter().chain([&own]));
    Ok(ControlledFieldsView {
        org_id: org.id,
        org_name: org.name.clone(),
        level,
        own: own.into_iter().collect(),
        above,
        identity: IDENTITY_FIELDS.iter().map(|s| s.to_string()).collect(),
        effective: effective.into_iter().collect(),
        editable,
    })
}

/// The fields controlled for a school (every authority above it, plus the identity fields).
pub async fn controlled_for_school<C: ConnectionTrait>(
    conn: &C,
    school: &organisations::Model,
) -> AppResult<BTreeSet<String>> {
    Ok(controlled_view(conn, school, false)
        .await?
        .effective
        .into_iter()
        .collect())
}

// ───────────────────────────── province switches ─────────────────────────────

/// A province's switches, and whether they are the national defaults (nothing stored).
pub async fn switches<C: ConnectionTrait>(
    conn: &C,
    province_code: &str,
) -> AppResult<(ProvinceSwitches, bool)> {
    match province_switches::Entity::find_by_id(province_code.to_owned())
        .one(conn)
        .await?
    {
        Some(row) => {
            let s = serde_json::from_str(&row.settings).map_err(|e| {
                AppError::Internal(format!("province_switches {province_code}: {e}"))
            })?;
            Ok((s, false))
        }
        None => Ok((ProvinceSwitches::default(), true)),
    }
}

// ───────────────────────────── working-day calendar ─────────────────────────────

fn year_bounds(year: i32) -> AppResult<(NaiveDate, NaiveDate)> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .zip(NaiveDate::from_ymd_opt(year, 12, 31))
        .ok_or_else(|| AppError::field("year", "年份无效"))
}

fn to_day(r: calendar_days::Model) -> CalendarDay {
    CalendarDay {
        date: r.day,
        kind: DayKind::parse(&r.kind).unwrap_or(DayKind::Holiday),
        note: r.note,
    }
}

/// The days one source (`NATIONAL` or a province code) set in `year`, in date order.
pub async fn calendar_days<C: ConnectionTrait>(
    conn: &C,
    province_code: &str,
    year: i32,
) -> AppResult<Vec<CalendarDay>> {
    let (from, to) = year_bounds(year)?;
    Ok(calendar_days::Entity::find()
        .filter(calendar_days::Column::ProvinceCode.eq(province_code))
        .filter(calendar_days::Column::Day.between(from, to))
        .order_by_asc(calendar_days::Column::Day)
        .all(conn)
        .await?
        .into_iter()
        .map(to_day)
        .collect())
}

/// The effective working-day calendar of a province (all years): the national holidays and
/// make-up working days plus the province's additions.
pub async fn calendar<C: ConnectionTrait>(
    conn: &C,
    province_code: &str,
) -> AppResult<WorkCalendar> {
    let days: Vec<CalendarDay> = calendar_days::Entity::find()
        .filter(calendar_days::Column::ProvinceCode.is_in([NATIONAL, province_code]))
        .all(conn)
        .await?
        .into_iter()
        .map(to_day)
        .collect();
    Ok(effective_calendar(&days))
}

/// Today's year in China (UTC+8).
pub fn current_year() -> i32 {
    (chrono::Utc::now() + chrono::Duration::hours(8)).year()
}

// ───────────────────────────── password policy ─────────────────────────────

/// A province's password policy (the defaults when it stored none), and whether it is the
/// default. Out-of-range stored values fall back to the defaults field by field.
pub async fn password_policy_with_source<C: ConnectionTrait>(
    conn: &C,
    province_code: &str,
) -> AppResult<(PasswordPolicy, bool)> {
    let d = PasswordPolicy::default();
    Ok(
        match password_policies::Entity::find_by_id(province_code.to_owned())
            .one(conn)
            .await?
        {
            Some(r) => (
                PasswordPolicy {
                    min_length: u8::try_from(r.min_length).unwrap_or(d.min_length),
                    expiry_days: u16::try_from(r.expiry_days).unwrap_or(d.expiry_days),
                    lockout_threshold: u8::try_from(r.lockout_threshold)
                        .unwrap_or(d.lockout_threshold),
                    lockout_minutes: u16::try_from(r.lockout_minutes).unwrap_or(d.lockout_minutes),
                },
                false,
            ),
            None => (d, true),
        },
    )
}

/// A province's password policy (min length, expiry, lockout threshold and minutes).
pub async fn password_policy<C: ConnectionTrait>(
    conn: &C,
    province_code: &str,
) -> AppResult<PasswordPolicy> {
    Ok(password_policy_with_source(conn, province_code).await?.0)
}
