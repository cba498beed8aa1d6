//! The full duplicate scan (全量查重, seed 001 第一章 5): a job, run nightly and startable by
//! hand, that walks every active student of its scope (a province, or the whole country) and
//! opens the problem records (问题学籍) that registration-time checks could not have opened —
//! legacy and imported data, IDs that became wrong, duplicates that slipped in together:
//!
//! - **invalid ID** (身份证号错误): a resident-card number that fails the shared rule
//!   [`invalid_id_reason`] as of today (length, characters, birth date, region, check character,
//!   agreement with the record's birth date and gender);
//! - **duplicate with ID** (有身份证号的学籍重复): active students sharing an ID key; the pair is
//!   the key's identity-claim owner (or, with no claim, the earliest record) and each other
//!   student, one problem per non-owner;
//! - **duplicate without ID** (无身份证号的学籍重复): active students without an ID sharing a
//!   person key (name + gender + birth date); each later one is paired with the earliest.
//!
//! Duplicates are national: a province's scan pairs its students with any student in the
//! country, so a pair with one side in the province is found by that province's scan too.
//!
//! # How it scales
//! First, one `GROUP BY … HAVING COUNT(*) > 1` over each key index (ID key, person key) finds
//! every key that more than one student holds — a pass over the index, not a probe per student.
//! Then the walk goes in id order in chunks of [`CHUNK`] students (one primary-key range read);
//! a student whose key is shared brings its group in (one read for the chunk's groups, with the
//! status and no-ID conditions), and each group is handled once per run. A group is handled once per run. Progress (cursor,
//! students checked, counts, heartbeat) is written after every chunk, together with the chunk's
//! new problem records and their audit entries, in one write transaction.
//!
//! # Idempotent
//! A problem is not opened again when one already covers it: for an invalid ID, an open one for
//! the student, or a resolved one whose side was upheld (公安户籍部门证明: the ID is right); for a
//! duplicate, an open one of that kind for the same pair (either way round) or flagging the
//! student against any other record of its group (registration pairs a newcomer with the first
//! duplicate it meets, not necessarily the earliest), or a resolved one of that exact pair with
//! both sides upheld (two different children). Running the scan twice opens nothing new.
//!
//! # One at a time
//! `scan_runs.running_slot` is unique and 1 while a run is running, so a second start — from
//! any instance — fails (409 已有查重任务正在运行). The instance driving a run (`owner`) beats
//! its heartbeat every [`BEAT_EVERY`]; a run whose heartbeat stopped for [`STALE_AFTER`] (its
//! instance died) is taken over — one conditional update, so one instance wins — and resumed
//! from its cursor, by the next start or by [`spawn_recovery`] on any instance. An instance
//! that lost its run (its beat or chunk write finds another owner) stops without writing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};
use serde_json::json;
use xueji_shared::business::problems::api_scan::ScanRun;
use xueji_shared::business::problems::problem::{ProblemKind, ProblemState, SideState};
use xueji_shared::business::problems::scan::{invalid_id_reason, percent, ScanState, ScanTrigger};

use crate::audit::{self, Actor, Entry};
use crate::entities::{accounts, identity_claims, organisations, problems, scan_runs, students};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The student status the scan checks; other statuses (when there are any) are skipped.
pub const ACTIVE: &str = "active";
/// Students per chunk: one walk read, two grouped key reads and one write transaction.
pub const CHUNK: u64 = 2000;
/// A running run whose heartbeat is older than this is taken for dead (its instance beats
/// every [`BEAT_EVERY`], whatever a chunk takes).
pub const STALE_AFTER: Duration = Duration::from_secs(15);
/// How often the driving instance beats a run's heartbeat.
pub const BEAT_EVERY: Duration = Duration::from_secs(3);
/// The scope name of a national run.
pub const NATIONAL_NAME: &str = "全国";

/// The columns of a student the scan needs.
#[derive(Debug, Clone, FromQueryResult)]
struct Row {
    id: i64,
    province_code: String,
    gender: String,
    birth_date: NaiveDate,
    id_type: String,
    id_number: Option<String>,
    id_key: Option<String>,
    person_key: String,
}

/// A member of a duplicate group.
#[derive(Debug, Clone, FromQueryResult)]
struct Member {
    id: i64,
    province_code: String,
    key: String,
}

/// A problem the scan would open, before the idempotency check.
#[derive(Debug, Clone)]
struct Candidate {
    kind: ProblemKind,
    student_id: i64,
    province_code: String,
    other: Option<i64>,
    /// Every record of the duplicate group (pairs only).
    group: Vec<i64>,
    reason: Option<String>,
}

/// Counts per kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Found {
    pub invalid_id: i64,
    pub dup_with_id: i64,
    pub dup_without_id: i64,
}

impl Found {
    fn add(&mut self, kind: ProblemKind) {
        match kind {
            ProblemKind::InvalidId => self.invalid_id += 1,
            ProblemKind::DupWithId => self.dup_with_id += 1,
            ProblemKind::DupWithoutId => self.dup_without_id += 1,
        }
    }
}

fn active_in(province: Option<&str>) -> Condition {
    let c = Condition::all().add(students::Column::Status.eq(ACTIVE));
    match province {
        Some(p) => c.add(students::Column::ProvinceCode.eq(p)),
        None => c,
    }
}

/// The running run, if any.
pub async fn running<C: ConnectionTrait>(conn: &C) -> AppResult<Option<scan_runs::Model>> {
    Ok(scan_runs::Entity::find()
        .filter(scan_runs::Column::RunningSlot.eq(1))
        .one(conn)
        .await?)
}

/// 全国, or the name of the province's education department.
pub async fn scope_name<C: ConnectionTrait>(conn: &C, province: Option<&str>) -> AppResult<String> {
    let Some(code) = province else {
        return Ok(NATIONAL_NAME.to_owned());
    };
    Ok(organisations::Entity::find()
        .filter(organisations::Column::Level.eq("province"))
        .filter(organisations::Column::ProvinceCode.eq(code))
        .one(conn)
        .await?
        .map(|o| o.name)
        .unwrap_or_else(|| code.to_owned()))
}

/// Take over a running run whose heartbeat stopped (its instance died): one conditional
/// update makes this instance its owner, so of several instances exactly one wins; the take-over
/// is audited. The caller drives it on ([`spawn`]), from its cursor.
pub async fn take_over_stale(state: &AppState) -> AppResult<Option<scan_runs::Model>> {
    let cutoff =
        Utc::now() - chrono::Duration::from_std(STALE_AFTER).map_err(AppError::internal)?;
    let Some(stale) = scan_runs::Entity::find()
        .filter(scan_runs::Column::RunningSlot.eq(1))
        .filter(scan_runs::Column::HeartbeatAt.lt(cutoff))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let tx = state.begin_write().await?;
    let taken = scan_runs::Entity::update_many()
        .col_expr(
            scan_runs::Column::Owner,
            Expr::value(state.instance.clone()),
        )
        .col_expr(scan_runs::Column::HeartbeatAt, Expr::value(Utc::now()))
        .filter(scan_runs::Column::Id.eq(stale.id))
        .filter(scan_runs::Column::RunningSlot.eq(1))
        .filter(scan_runs::Column::HeartbeatAt.lt(cutoff))
        .exec(&*tx)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    audit::append(
        &*tx,
        &actor(None, stale.province_code.as_deref()),
        Entry {
            action: "scan.resume",
            object_type: "scan_run",
            object_id: Some(stale.id.to_string()),
            before: Some(json!({ "owner": stale.owner, "heartbeat_at": stale.heartbeat_at })),
            after: Some(
                json!({ "owner": state.instance, "cursor": stale.cursor, "done": stale.done }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        run_id = stale.id,
        cursor = stale.cursor,
        "resuming an interrupted duplicate scan"
    );
    Ok(scan_runs::Entity::find_by_id(stale.id)
        .one(&state.db)
        .await?)
}

/// At start and every [`STALE_AFTER`]: resume a run whose instance died.
pub fn spawn_recovery(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match take_over_stale(&state).await {
                Ok(Some(run)) => spawn(state.clone(), run.id),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "duplicate scan recovery failed"),
            }
            tokio::time::sleep(STALE_AFTER).await;
        }
    })
}

/// Start a run (the caller then drives it with [`spawn`] or [`run`]): 409 when one is running.
/// `starter` is the account and its organisation (`None`: the nightly job).
pub async fn start(
    state: &AppState,
    trigger: ScanTrigger,
    province: Option<String>,
    starter: Option<(i64, i64)>,
) -> AppResult<scan_runs::Model> {
    if let Some(resumed) = take_over_stale(state).await? {
        // The interrupted run goes on from its cursor; a start of the same scope is answered
        // with it, any other start must wait for it.
        if resumed.province_code == province {
            return Ok(resumed);
        }
        spawn(state.clone(), resumed.id);
        return Err(busy(state, &resumed).await);
    }
    if let Some(r) = running(&state.db).await? {
        return Err(busy(state, &r).await);
    }
    let total = students::Entity::find()
        .filter(active_in(province.as_deref()))
        .count(&state.db)
        .await?;
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let inserted = scan_runs::ActiveModel {
        province_code: Set(province.clone()),
        trigger_kind: Set(trigger.as_str().to_owned()),
        state: Set(ScanState::Running.as_str().to_owned()),
        total: Set(i64::try_from(total).map_err(AppError::internal)?),
        done: Set(0),
        found_invalid_id: Set(0),
        found_dup_with_id: Set(0),
        found_dup_without_id: Set(0),
        started_by: Set(starter.map(|(account, _)| account)),
        started_at: Set(now),
        finished_at: Set(None),
        heartbeat_at: Set(now),
        cursor: Set(0),
        running_slot: Set(Some(1)),
        error: Set(None),
        owner: Set(Some(state.instance.clone())),
        ..Default::default()
    }
    .insert(&*tx)
    .await;
    let run = match inserted {
        Ok(run) => run,
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            drop(tx);
            // Another start (perhaps on another instance) won the slot meanwhile.
            return Err(match running(&state.db).await? {
                Some(r) => busy(state, &r).await,
                None => AppError::Conflict("已有查重任务正在运行".into()),
            });
        }
        Err(e) => return Err(e.into()),
    };
    audit::append(
        &*tx,
        &actor(starter, province.as_deref()),
        Entry {
            action: "scan.start",
            object_type: "scan_run",
            object_id: Some(run.id.to_string()),
            before: None,
            after: Some(json!({
                "province_code": province,
                "trigger": trigger.as_str(),
                "total": total,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(run)
}

async fn busy(state: &AppState, r: &scan_runs::Model) -> AppError {
    let name = scope_name(&state.db, r.province_code.as_deref())
        .await
        .unwrap_or_default();
    AppError::Conflict(format!(
        "已有查重任务正在运行（{name}，已检查 {} / {} 人），请待其完成后再发起",
        r.done, r.total
    ))
}

fn actor(starter: Option<(i64, i64)>, province: Option<&str>) -> Actor {
    Actor {
        account_id: starter.map(|(a, _)| a),
        org_id: starter.map(|(_, o)| o),
        province_code: province.map(str::to_owned),
        client_ip: None,
    }
}

/// Drive a started run to its end in the background; a failure (or a panic) marks it failed.
pub fn spawn(state: AppState, run_id: i64) {
    tokio::spawn(async move {
        let worker = tokio::spawn({
            let state = state.clone();
            async move { run(&state, run_id).await }
        });
        if let Err(e) = worker.await {
            tracing::error!(run_id, error = %e, "duplicate scan task ended abnormally");
            let _ = finish(
                &state,
                run_id,
                ScanState::Failed,
                Some("查重过程中出错，已停止，请稍后重新发起".into()),
            )
            .await;
        }
    });
}

/// Aborts the heartbeat task when the run's driver ends, however it ends.
struct Beat(tokio::task::JoinHandle<()>);

impl Drop for Beat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Beat the run's heartbeat every [`BEAT_EVERY`] while this instance owns it (bookkeeping,
/// like a job's progress: not audited).
fn beat(state: &AppState, run_id: i64) -> Beat {
    let state = state.clone();
    Beat(tokio::spawn(async move {
        loop {
            tokio::time::sleep(BEAT_EVERY).await;
            let Ok(tx) = state.begin_write().await else {
                continue;
            };
            let beat = scan_runs::Entity::update_many()
                .col_expr(scan_runs::Column::HeartbeatAt, Expr::value(Utc::now()))
                .filter(scan_runs::Column::Id.eq(run_id))
                .filter(scan_runs::Column::Owner.eq(state.instance.clone()))
                .filter(scan_runs::Column::RunningSlot.eq(1))
                .exec(&*tx)
                .await;
            if tx.commit().await.is_err() {
                continue;
            }
            if matches!(beat, Ok(r) if r.rows_affected == 0) {
                return;
            }
        }
    }))
}

/// Drive a started run to its end; on an error the run is marked failed and the error returned.
/// A run another instance has taken over meanwhile is left to it.
pub async fn run(state: &AppState, run_id: i64) -> AppResult<scan_runs::Model> {
    let _beat = beat(state, run_id);
    match walk(state, run_id).await {
        Ok(true) => finish(state, run_id, ScanState::Done, None).await,
        Ok(false) => scan_runs::Entity::find_by_id(run_id)
            .one(&state.db)
            .await?
            .ok_or(AppError::NotFound),
        Err(e) => {
            tracing::error!(run_id, error = %e, "duplicate scan failed");
            finish(
                state,
                run_id,
                ScanState::Failed,
                Some("查重过程中出错，已停止，请稍后重新发起".into()),
            )
            .await?;
            Err(e)
        }
    }
}

/// `Ok(false)`: another instance owns the run now; this one stops.
async fn walk(state: &AppState, run_id: i64) -> AppResult<bool> {
    let run = scan_runs::Entity::find_by_id(run_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let starter = match run.started_by {
        Some(id) => accounts::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .map(|a| (a.id, a.org_id)),
        None => None,
    };
    let province = run.province_code.clone();
    let today = crate::clock::today();
    let mut cursor = run.cursor;
    // Keys held by more than one student, nationally; each group is handled once, when the
    // walk first meets one of its students.
    let mut shared_id_keys = shared_keys(state, students::Column::IdKey).await?;
    let mut shared_person_keys = shared_keys(state, students::Column::PersonKey).await?;
    loop {
        let rows: Vec<Row> = students::Entity::find()
            .select_only()
            .columns([
                students::Column::Id,
                students::Column::ProvinceCode,
                students::Column::Gender,
                students::Column::BirthDate,
                students::Column::IdType,
                students::Column::IdNumber,
                students::Column::IdKey,
                students::Column::PersonKey,
            ])
            .filter(active_in(province.as_deref()))
            .filter(students::Column::Id.gt(cursor))
            .order_by_asc(students::Column::Id)
            .limit(CHUNK)
            .into_model::<Row>()
            .all(&state.db)
            .await?;
        let Some(last) = rows.last() else { break };
        let last_id = last.id;

        let mut candidates = Vec::new();
        for r in &rows {
            if let Some(reason) = invalid_id_reason(
                &r.id_type,
                r.id_number.as_deref(),
                &r.gender,
                r.birth_date,
                today,
            ) {
                candidates.push(Candidate {
                    kind: ProblemKind::InvalidId,
                    student_id: r.id,
                    province_code: r.province_code.clone(),
                    other: None,
                    group: Vec::new(),
                    reason: Some(reason),
                });
            }
        }
        let id_keys: Vec<String> = rows
            .iter()
            .filter_map(|r| r.id_key.as_ref())
            .filter_map(|k| shared_id_keys.take(k))
            .collect();
        candidates.extend(dup_with_id(state, &id_keys).await?);
        let person_keys: Vec<String> = rows
            .iter()
            .filter(|r| r.id_key.is_none())
            .filter_map(|r| shared_person_keys.take(&r.person_key))
            .collect();
        candidates.extend(dup_without_id(state, &person_keys).await?);

        if !write_chunk(
            state,
            run_id,
            starter,
            candidates,
            last_id,
            rows.len() as i64,
        )
        .await?
        {
            return Ok(false);
        }
        cursor = last_id;
    }
    Ok(true)
}

/// Every key (of `column`) that more than one student holds, nationally: one grouped pass
/// over the key's index (no table rows, no probe per student). Status and the other
/// conditions are applied to the few groups the walk meets ([`groups`]).
async fn shared_keys(state: &AppState, column: students::Column) -> AppResult<HashSet<String>> {
    Ok(students::Entity::find()
        .select_only()
        .column(column)
        .filter(column.is_not_null())
        .group_by(column)
        .having(Expr::expr(Func::count(Expr::col(column))).gt(1))
        .into_tuple::<String>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect())
}

/// The active students holding the given keys (and meeting `extra`, e.g. "without an ID"),
/// grouped by key, each group in id order; groups of one are dropped.
async fn groups(
    state: &AppState,
    column: students::Column,
    keys: &[String],
    extra: Condition,
) -> AppResult<BTreeMap<String, Vec<Member>>> {
    let members: Vec<Member> = students::Entity::find()
        .select_only()
        .column(students::Column::Id)
        .column(students::Column::ProvinceCode)
        .column_as(column, "key")
        .filter(students::Column::Status.eq(ACTIVE))
        .filter(column.is_in(keys.iter().cloned()))
        .filter(extra)
        .order_by_asc(students::Column::Id)
        .into_model::<Member>()
        .all(&state.db)
        .await?;
    let mut out: BTreeMap<String, Vec<Member>> = BTreeMap::new();
    for m in members {
        out.entry(m.key.clone()).or_default().push(m);
    }
    out.retain(|_, g| g.len() > 1);
    Ok(out)
}

async fn dup_with_id(state: &AppState, shared: &[String]) -> AppResult<Vec<Candidate>> {
    if shared.is_empty() {
        return Ok(Vec::new());
    }
    let owners: HashMap<String, i64> = identity_claims::Entity::find()
        .filter(identity_claims::Column::IdKey.is_in(shared.iter().cloned()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id_key, c.student_id))
        .collect();
    let mut out = Vec::new();
    for (key, members) in groups(state, students::Column::IdKey, shared, Condition::all()).await? {
        let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
        // The claim's owner when it is one of the group, otherwise the earliest record.
        let owner = owners
            .get(&key)
            .copied()
            .filter(|o| ids.contains(o))
            .unwrap_or(ids[0]);
        for m in members.iter().filter(|m| m.id != owner) {
            out.push(Candidate {
                kind: ProblemKind::DupWithId,
                student_id: m.id,
                province_code: m.province_code.clone(),
                other: Some(owner),
                group: ids.clone(),
                reason: None,
            });
        }
    }
    Ok(out)
}

async fn dup_without_id(state: &AppState, shared: &[String]) -> AppResult<Vec<Candidate>> {
    let no_id = Condition::all().add(students::Column::IdKey.is_null());
    if shared.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (_, members) in groups(state, students::Column::PersonKey, shared, no_id).await? {
        let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
        let earliest = ids[0];
        for m in &members[1..] {
            out.push(Candidate {
                kind: ProblemKind::DupWithoutId,
                student_id: m.id,
                province_code: m.province_code.clone(),
                other: Some(earliest),
                group: ids.clone(),
                reason: None,
            });
        }
    }
    Ok(out)
}

/// Whether an existing problem record already covers a candidate (see the module docs).
fn covered(c: &Candidate, existing: &[problems::Model]) -> bool {
    let upheld = SideState::Upheld.as_str();
    let resolved = ProblemState::Resolved.as_str();
    existing
        .iter()
        .filter(|p| p.kind == c.kind.as_str())
        .any(|p| {
            let open = p.state != resolved;
            if c.kind == ProblemKind::InvalidId {
                return p.student_id == c.student_id && (open || p.a_state == upheld);
            }
            let same_pair = match (p.other_student_id, c.other) {
                (Some(po), Some(co)) => {
                    (p.student_id, po) == (c.student_id, co)
                        || (p.student_id, po) == (co, c.student_id)
                }
                _ => false,
            };
            if open {
                // The student is already the flagged side of a pair within its group (as a
                // registration pairs a newcomer with whichever duplicate it met first), or
                // this very pair is open.
                same_pair
                    || (p.student_id == c.student_id
                        && p.other_student_id.is_some_and(|o| c.group.contains(&o)))
            } else {
                same_pair && p.a_state == upheld && p.b_state.as_deref() == Some(upheld)
            }
        })
}

/// Open the chunk's new problem records (with their audit entries) and record its progress, in
/// one write transaction.
async fn write_chunk(
    state: &AppState,
    run_id: i64,
    starter: Option<(i64, i64)>,
    candidates: Vec<Candidate>,
    last_id: i64,
    checked: i64,
) -> AppResult<bool> {
    let tx = state.begin_write().await?;
    let mut found = Found::default();
    if !candidates.is_empty() {
        // Read inside the write transaction, so a problem opened meanwhile is seen.
        let ids: Vec<i64> = candidates
            .iter()
            .flat_map(|c| std::iter::once(c.student_id).chain(c.other))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut existing = problems::Entity::find()
            .filter(
                Condition::any()
                    .add(problems::Column::StudentId.is_in(ids.clone()))
                    .add(problems::Column::OtherStudentId.is_in(ids)),
            )
            .all(&*tx)
            .await?;
        for c in candidates {
            if covered(&c, &existing) {
                continue;
            }
            let p =
                crate::student::open_problem(&*tx, &c.province_code, c.kind, c.student_id, c.other)
                    .await?;
            audit::append(
                &*tx,
                &actor(starter, Some(&c.province_code)),
                Entry {
                    action: "problem.found",
                    object_type: "problem",
                    object_id: Some(p.id.to_string()),
                    before: None,
                    after: Some(json!({
                        "scan_id": run_id,
                        "kind": c.kind.as_str(),
                        "student_id": c.student_id,
                        "other_student_id": c.other,
                        "reason": c.reason,
                    })),
                },
            )
            .await?;
            found.add(c.kind);
            existing.push(p);
        }
    }
    let progress = scan_runs::Entity::update_many()
        .col_expr(scan_runs::Column::Cursor, Expr::value(last_id))
        .col_expr(
            scan_runs::Column::Done,
            Expr::col(scan_runs::Column::Done).add(checked),
        )
        .col_expr(
            scan_runs::Column::FoundInvalidId,
            Expr::col(scan_runs::Column::FoundInvalidId).add(found.invalid_id),
        )
        .col_expr(
            scan_runs::Column::FoundDupWithId,
            Expr::col(scan_runs::Column::FoundDupWithId).add(found.dup_with_id),
        )
        .col_expr(
            scan_runs::Column::FoundDupWithoutId,
            Expr::col(scan_runs::Column::FoundDupWithoutId).add(found.dup_without_id),
        )
        .col_expr(scan_runs::Column::HeartbeatAt, Expr::value(Utc::now()))
        .filter(scan_runs::Column::Id.eq(run_id))
        .filter(scan_runs::Column::Owner.eq(state.instance.clone()))
        .filter(scan_runs::Column::RunningSlot.eq(1))
        .exec(&*tx)
        .await?;
    if progress.rows_affected != 1 {
        // Taken over by another instance (or ended): nothing of this chunk is written.
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

/// End a run: done (the total becomes the number checked) or failed with a message; the slot
/// is freed and the end audited.
async fn finish(
    state: &AppState,
    run_id: i64,
    to: ScanState,
    error: Option<String>,
) -> AppResult<scan_runs::Model> {
    let tx = state.begin_write().await?;
    let run = scan_runs::Entity::find_by_id(run_id)
        .one(&*tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if run.running_slot.is_none() {
        // Already ended.
        return Ok(run);
    }
    if run.owner.as_deref().is_some_and(|o| o != state.instance) {
        // Taken over by another instance, which will end it.
        return Ok(run);
    }
    let starter = match run.started_by {
        Some(id) => accounts::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .map(|a| (a.id, a.org_id)),
        None => None,
    };
    let province = run.province_code.clone();
    let done = run.done;
    let mut am = run.into_active_model();
    am.state = Set(to.as_str().to_owned());
    am.running_slot = Set(None);
    am.finished_at = Set(Some(Utc::now()));
    am.error = Set(error.clone());
    if to == ScanState::Done {
        am.total = Set(done);
    }
    let run = am.update(&*tx).await?;
    audit::append(
        &*tx,
        &actor(starter, province.as_deref()),
        Entry {
            action: if to == ScanState::Done {
                "scan.finish"
            } else {
                "scan.fail"
            },
            object_type: "scan_run",
            object_id: Some(run.id.to_string()),
            before: None,
            after: Some(json!({
                "state": run.state,
                "done": run.done,
                "found_invalid_id": run.found_invalid_id,
                "found_dup_with_id": run.found_dup_with_id,
                "found_dup_without_id": run.found_dup_without_id,
                "error": error,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(run)
}

/// Runs as the API shows them, with scope names and who started them.
pub async fn views<C: ConnectionTrait>(
    conn: &C,
    runs: Vec<scan_runs::Model>,
) -> AppResult<Vec<ScanRun>> {
    let codes: Vec<String> = runs
        .iter()
        .filter_map(|r| r.province_code.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let names: HashMap<String, String> = organisations::Entity::find()
        .filter(organisations::Column::Level.eq("province"))
        .filter(organisations::Column::ProvinceCode.is_in(codes))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.province_code, o.name))
        .collect();
    let account_ids: Vec<i64> = runs.iter().filter_map(|r| r.started_by).collect();
    let users: HashMap<i64, String> = accounts::Entity::find()
        .filter(accounts::Column::Id.is_in(account_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a.username))
        .collect();
    let count = |v: i64| u64::try_from(v).unwrap_or(0);
    runs.into_iter()
        .map(|r| {
            let state = ScanState::parse(&r.state)
                .ok_or_else(|| AppError::Internal(format!("scan state {}", r.state)))?;
            let trigger = ScanTrigger::parse(&r.trigger_kind)
                .ok_or_else(|| AppError::Internal(format!("scan trigger {}", r.trigger_kind)))?;
            let scope_name = match &r.province_code {
                None => NATIONAL_NAME.to_owned(),
                Some(c) => names.get(c).cloned().unwrap_or_else(|| c.clone()),
            };
            Ok(ScanRun {
                id: r.id,
                province_code: r.province_code,
                scope_name,
                trigger,
                trigger_label: trigger.label().to_owned(),
                state,
                state_label: state.label().to_owned(),
                total: count(r.total),
                done: count(r.done),
                percent: percent(count(r.done), count(r.total)),
                found_invalid_id: count(r.found_invalid_id),
                found_dup_with_id: count(r.found_dup_with_id),
                found_dup_without_id: count(r.found_dup_without_id),
                started_by: r.started_by.and_then(|id| users.get(&id).cloned()),
                started_at: r.started_at.to_rfc3339(),
                finished_at: r.finished_at.map(|t| t.to_rfc3339()),
                error: r.error,
            })
        })
        .collect()
}

// ─────────────────────────────────── nightly ───────────────────────────────────

/// `XUEJI_NIGHTLY_SCAN`: `HH:MM` (China time) or `off`.
pub fn parse_nightly(value: &str) -> Result<Option<NaiveTime>, String> {
    let v = value.trim();
    if v.is_empty()
        || ["off", "false", "no", "none", "0"].contains(&v.to_ascii_lowercase().as_str())
    {
        return Ok(None);
    }
    NaiveTime::parse_from_str(v, "%H:%M")
        .map(Some)
        .map_err(|_| format!("XUEJI_NIGHTLY_SCAN must be HH:MM (China time) or off, not {v:?}"))
}

/// How long from `now` (China wall-clock time) until the next `at`; never zero, so a run that
/// ends within the same minute does not start again.
pub fn until_next(now: NaiveDateTime, at: NaiveTime) -> Duration {
    let today = now.date().and_time(at);
    let next = if today > now {
        today
    } else {
        today + chrono::Duration::days(1)
    };
    (next - now).to_std().unwrap_or(Duration::from_secs(1))
}

/// Start the nightly job: a national scan at `at` China time every night. With several server
/// instances every one of them tries; the one-run-at-a-time slot lets exactly one run.
pub fn spawn_nightly(state: AppState, at: NaiveTime) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(until_next(crate::clock::now_local(), at)).await;
            match start(&state, ScanTrigger::Nightly, None, None).await {
                Ok(r) => {
                    tracing::info!(
                        run_id = r.id,
                        total = r.total,
                        "nightly duplicate scan started"
                    );
                    match run(&state, r.id).await {
                        Ok(r) => tracing::info!(
                            run_id = r.id,
                            checked = r.done,
                            invalid_id = r.found_invalid_id,
                            dup_with_id = r.found_dup_with_id,
                            dup_without_id = r.found_dup_without_id,
                            "nightly duplicate scan done"
                        ),
                        Err(e) => tracing::error!(error = %e, "nightly duplicate scan failed"),
                    }
                }
                Err(AppError::Conflict(m)) => {
                    tracing::info!("nightly duplicate scan skipped: {m}")
                }
                Err(e) => tracing::error!(error = %e, "nightly duplicate scan could not start"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn nightly_setting() {
        assert_eq!(parse_nightly("off"), Ok(None));
        assert_eq!(parse_nightly(" OFF "), Ok(None));
        assert_eq!(parse_nightly(""), Ok(None));
        assert_eq!(parse_nightly("02:00"), Ok(NaiveTime::from_hms_opt(2, 0, 0)));
        assert!(parse_nightly("25:00").is_err());
        assert!(parse_nightly("nightly").is_err());
    }

    #[test]
    fn next_run_is_tonight_or_tomorrow() {
        let at = NaiveTime::from_hms_opt(2, 0, 0).unwrap();
        assert_eq!(until_next(dt(1, 0), at), Duration::from_secs(3600));
        assert_eq!(until_next(dt(2, 0), at), Duration::from_secs(24 * 3600));
        assert_eq!(until_next(dt(23, 0), at), Duration::from_secs(3 * 3600));
    }

    fn problem(
        kind: ProblemKind,
        a: i64,
        b: Option<i64>,
        state: &str,
        sides: (&str, Option<&str>),
    ) -> problems::Model {
        problems::Model {
            id: 1,
            province_code: "330000".into(),
            kind: kind.as_str().into(),
            student_id: a,
            other_student_id: b,
            state: state.into(),
            detail: None,
            created_at: Utc::now(),
            resolved_at: None,
            a_state: sides.0.into(),
            b_state: sides.1.map(str::to_owned),
            arbiter_org_id: None,
            resolution: None,
        }
    }

    fn pair(kind: ProblemKind, s: i64, other: i64, group: &[i64]) -> Candidate {
        Candidate {
            kind,
            student_id: s,
            province_code: "330000".into(),
            other: Some(other),
            group: group.to_vec(),
            reason: None,
        }
    }

    #[test]
    fn an_open_pair_within_the_group_covers_a_student() {
        let c = pair(ProblemKind::DupWithoutId, 3, 1, &[1, 2, 3]);
        // Registration paired 3 with 2 (not the earliest): still covered.
        let open = problem(
            ProblemKind::DupWithoutId,
            3,
            Some(2),
            "open",
            ("open", Some("open")),
        );
        assert!(covered(&c, std::slice::from_ref(&open)));
        // ... but 2, the other side of that pair, is not yet paired with the earliest.
        let c2 = pair(ProblemKind::DupWithoutId, 2, 1, &[1, 2, 3]);
        assert!(!covered(&c2, std::slice::from_ref(&open)));
        // Either orientation.
        let flipped = problem(
            ProblemKind::DupWithoutId,
            1,
            Some(3),
            "open",
            ("open", Some("open")),
        );
        assert!(covered(&c, &[flipped]));
        // Another kind does not cover it; neither does a pair outside the group.
        let other_kind = problem(
            ProblemKind::DupWithId,
            3,
            Some(1),
            "open",
            ("open", Some("open")),
        );
        assert!(!covered(&c, &[other_kind]));
        let outside = problem(
            ProblemKind::DupWithoutId,
            3,
            Some(9),
            "open",
            ("open", Some("open")),
        );
        assert!(!covered(&c, &[outside]));
        // Arbitration is still open.
        let arb = problem(
            ProblemKind::DupWithoutId,
            3,
            Some(1),
            "arbitration",
            ("upheld", Some("upheld")),
        );
        assert!(covered(&c, &[arb]));
    }

    #[test]
    fn resolved_pairs_cover_only_when_both_sides_were_upheld() {
        let c = pair(ProblemKind::DupWithoutId, 3, 1, &[1, 3]);
        let both = problem(
            ProblemKind::DupWithoutId,
            3,
            Some(1),
            "resolved",
            ("upheld", Some("upheld")),
        );
        assert!(covered(&c, &[both]));
        // One side left, yet both records are still there with the same key: found again.
        let left = problem(
            ProblemKind::DupWithoutId,
            3,
            Some(1),
            "resolved",
            ("left", Some("open")),
        );
        assert!(!covered(&c, &[left]));
    }

    #[test]
    fn invalid_id_upheld_by_proof_is_not_reopened() {
        let c = Candidate {
            kind: ProblemKind::InvalidId,
            student_id: 5,
            province_code: "330000".into(),
            other: None,
            group: vec![],
            reason: None,
        };
        let open = problem(ProblemKind::InvalidId, 5, None, "open", ("open", None));
        assert!(covered(&c, &[open]));
        let upheld = problem(
            ProblemKind::InvalidId,
            5,
            None,
            "resolved",
            ("upheld", None),
        );
        assert!(covered(&c, &[upheld]));
        let changed = problem(ProblemKind::InvalidId, 5, None, "resolved", ("left", None));
        assert!(!covered(&c, &[changed]));
        assert!(!covered(&c, &[]));
    }
}
