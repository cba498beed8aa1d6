//! The request engine (业务申请引擎): one store and one transition for the requests of every
//! business (registration, problem-record handling now; key-field changes, status changes,
//! transfers, graduation, enrolment next).
//!
//! A request (`requests`) names its business and chain, its parties (the applicant's
//! organisation, the counterpart's, the arbiter) and its state; each step an organisation must
//! take is a row of `request_steps` with its 10-working-day deadline ([`clock`]), open until it
//! is done. "Waiting for me", "overdue in my jurisdiction" and the inbox are one indexed query
//! each on the open steps ([`queue`]), for all businesses at once.
//!
//! A business plugs in by supplying its submit check (rules from `xueji_shared`), its parties
//! and chain ([`NewRequest`]) and its effect, applied by the business inside the same write
//! transaction right after [`transition`] succeeded, with its audit entries. Every transition is
//! a conditional update on the version it read, so of simultaneous actions on one step exactly
//! one applies and the others get 409 with the current state — on SQLite and PostgreSQL and
//! across server instances.
//!
//! Nothing here imports a business.

pub mod clock;
pub mod queue;
pub mod routes;
pub mod tally;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use xueji_shared::api_engine::BusinessKey;
use xueji_shared::calendar::WorkCalendar;
use xueji_shared::org::{Level, Role};
use xueji_shared::workflow::{
    check_force, Action, Actor, Business, Chain, ForceContext, Side, State, Transition,
    WorkflowError,
};

use crate::auth::Caller;
use crate::entities::{organisations, request_actions, request_steps, requests};
use crate::error::{AppError, AppResult};

/// `requests.status` of a state (for filters that need no JSON).
pub fn status_of(state: State) -> &'static str {
    match state {
        State::Pending { .. } => "pending",
        State::Returned { .. } => "returned",
        State::Completed => "completed",
        State::Rejected { .. } => "rejected",
        State::Withdrawn => "withdrawn",
    }
}

/// Level and role of whoever acts next (`requests.pending_level`, `pending_role`).
pub fn pending_of(chain: &Chain, state: State) -> (Option<String>, Option<String>) {
    match chain.next_actor(state) {
        Some(a) => (
            Some(a.position.level.as_str().to_owned()),
            Some(a.position.role.as_str().to_owned()),
        ),
        None => (None, None),
    }
}

/// The business, chain and state a chain request stores.
pub fn chain_of(row: &requests::Model) -> AppResult<(Business, Chain, State)> {
    let business: Business = serde_json::from_str(&row.business).map_err(AppError::internal)?;
    let state: State = serde_json::from_str(&row.state).map_err(AppError::internal)?;
    Ok((business, business.chain(), state))
}

/// Microsecond precision, as both databases store it (keyset cursors compare it exactly).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub fn workflow_error(e: WorkflowError) -> AppError {
    match e {
        WorkflowError::NotYourStep { .. }
        | WorkflowError::NotApplicant { .. }
        | WorkflowError::NotSuperior => AppError::Forbidden(e.to_string()),
        _ => AppError::Conflict(e.to_string()),
    }
}

/// The organisation that must act, and as whom.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// `applicant | counterpart | arbiter`, or a problem record's side `a | b`.
    pub side: String,
    /// The chain's step index, when the business has a chain.
    pub step: Option<u8>,
    pub label: String,
    pub org: organisations::Model,
    pub role: Role,
}

impl Assignment {
    fn key(&self) -> (String, i64, &'static str) {
        (self.side.clone(), self.org.id, self.role.as_str())
    }
}

fn side_str(side: Side) -> &'static str {
    match side {
        Side::Applicant => "applicant",
        Side::Counterpart => "counterpart",
        Side::Arbiter => "arbiter",
    }
}

/// The organisation at `level` on `org`'s path (itself included).
pub async fn ancestor_at<C: ConnectionTrait>(
    conn: &C,
    org: &organisations::Model,
    level: Level,
) -> AppResult<Option<organisations::Model>> {
    if org.level == level.as_str() {
        return Ok(Some(org.clone()));
    }
    let ids: Vec<i64> = org
        .path
        .split('/')
        .filter_map(|s| s.parse::<i64>().ok())
        .collect();
    Ok(organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(ids))
        .filter(organisations::Column::Level.eq(level.as_str()))
        .one(conn)
        .await?)
}

/// The parties of a request, loaded.
#[derive(Debug, Clone)]
pub struct Parties {
    pub applicant: organisations::Model,
    pub counterpart: Option<organisations::Model>,
    pub arbiter: Option<organisations::Model>,
}

impl Parties {
    pub async fn load<C: ConnectionTrait>(conn: &C, row: &requests::Model) -> AppResult<Self> {
        let find = |id: i64| async move {
            organisations::Entity::find_by_id(id)
                .one(conn)
                .await?
                .ok_or_else(|| AppError::Internal(format!("organisation {id} missing")))
        };
        Ok(Parties {
            applicant: find(row.school_id).await?,
            counterpart: match row.counterpart_org_id {
                Some(id) => Some(find(id).await?),
                None => None,
            },
            arbiter: match row.arbiter_org_id {
                Some(id) => Some(find(id).await?),
                None => None,
            },
        })
    }
}

/// Who must act on a chain request in `state`: the step's side, level and role resolved to an
/// organisation of that party (a returned request waits for its applicant).
pub async fn chain_assignment<C: ConnectionTrait>(
    conn: &C,
    parties: &Parties,
    chain: &Chain,
    state: State,
) -> AppResult<Option<Assignment>> {
    let Some(actor) = chain.next_actor(state) else {
        return Ok(None);
    };
    let (step, label) = match state {
        State::Pending { step } => (
            Some(step),
            chain
                .step(state)
                .map(|s| s.label.to_owned())
                .unwrap_or_default(),
        ),
        State::Returned { step } => (Some(step), "修改后重新提交".to_owned()),
        _ => (None, String::new()),
    };
    let party = match actor.side {
        Side::Applicant => Some(&parties.applicant),
        Side::Counterpart => parties.counterpart.as_ref(),
        Side::Arbiter => parties.arbiter.as_ref(),
    }
    .ok_or_else(|| AppError::Internal(format!("request without its {:?} party", actor.side)))?;
    let org = if actor.side == Side::Arbiter {
        party.clone()
    } else {
        ancestor_at(conn, party, actor.position.level)
            .await?
            .ok_or_else(|| {
                AppError::Conflict(format!(
                    "{}没有{}，无法办理“{}”",
                    party.name,
                    actor.position.level.label(),
                    label
                ))
            })?
    };
    Ok(Some(Assignment {
        side: side_str(actor.side).to_owned(),
        step,
        label,
        org,
        role: actor.position.role,
    }))
}

/// A new open step, with its deadline from the province's calendar.
pub fn step_row(
    row: &requests::Model,
    key: BusinessKey,
    a: &Assignment,
    cal: &WorkCalendar,
    started: DateTime<Utc>,
) -> request_steps::ActiveModel {
    new_step(
        row.id,
        &row.province_code,
        &row.subject,
        key,
        a,
        cal,
        started,
    )
}

/// [`step_row`] from the request's id, province and subject (bulk inserts).
pub fn new_step(
    request_id: i64,
    province_code: &str,
    subject: &str,
    key: BusinessKey,
    a: &Assignment,
    cal: &WorkCalendar,
    started: DateTime<Utc>,
) -> request_steps::ActiveModel {
    request_steps::ActiveModel {
        request_id: Set(request_id),
        province_code: Set(province_code.to_owned()),
        business: Set(key.as_str().to_owned()),
        step: Set(a.step.map(i16::from)),
        label: Set(a.label.clone()),
        side: Set(a.side.clone()),
        org_id: Set(a.org.id),
        org_path: Set(a.org.path.clone()),
        level: Set(a.org.level.clone()),
        role: Set(a.role.as_str().to_owned()),
        subject: Set(subject.to_owned()),
        started_at: Set(started),
        due_at: Set(clock::due_at(cal, started)),
        done_at: Set(None),
        done_action: Set(None),
        done_by: Set(None),
        forced: Set(false),
        ..Default::default()
    }
}

/// The open steps of a request.
pub async fn open_steps<C: ConnectionTrait>(
    conn: &C,
    request_id: i64,
) -> AppResult<Vec<request_steps::Model>> {
    Ok(request_steps::Entity::find()
        .filter(request_steps::Column::RequestId.eq(request_id))
        .filter(request_steps::Column::DoneAt.is_null())
        .order_by_asc(request_steps::Column::Id)
        .all(conn)
        .await?)
}

/// Insert a new open step and count it in the tallies.
pub async fn open_step<C: ConnectionTrait>(
    conn: &C,
    step: request_steps::ActiveModel,
) -> AppResult<()> {
    let delta = tally::Delta::opened(&step)?;
    step.insert(conn).await?;
    tally::apply(conn, [delta]).await
}

async fn close_step<C: ConnectionTrait>(
    conn: &C,
    step_id: i64,
    at: DateTime<Utc>,
    action: &str,
    by: i64,
    forced: bool,
) -> AppResult<()> {
    request_steps::Entity::update_many()
        .col_expr(request_steps::Column::DoneAt, Expr::value(at))
        .col_expr(request_steps::Column::DoneAction, Expr::value(action))
        .col_expr(request_steps::Column::DoneBy, Expr::value(by))
        .col_expr(request_steps::Column::Forced, Expr::value(forced))
        .filter(request_steps::Column::Id.eq(step_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Make the open steps of a request exactly `wanted`: steps no longer wanted are closed as done
/// by `action`, new ones open now. For businesses whose own state machine decides who acts
/// (problem records: each side's school or authority, or the arbiter).
pub async fn sync_steps<C: ConnectionTrait>(
    conn: &C,
    row: &requests::Model,
    key: BusinessKey,
    wanted: &[Assignment],
    action: &str,
    by: i64,
    forced: bool,
) -> AppResult<()> {
    let now = now();
    let open = open_steps(conn, row.id).await?;
    let mut tallied = Vec::new();
    for s in &open {
        let still = wanted
            .iter()
            .any(|w| w.side == s.side && w.org.id == s.org_id && w.role.as_str() == s.role);
        if !still {
            close_step(conn, s.id, now, action, by, forced).await?;
            tallied.push(tally::Delta::closed(s));
        }
    }
    let new: Vec<&Assignment> = wanted
        .iter()
        .filter(|w| {
            let k = w.key();
            !open
                .iter()
                .any(|s| s.side == k.0 && s.org_id == k.1 && s.role == k.2)
        })
        .collect();
    if !new.is_empty() {
        let cal = clock::calendar(conn, &row.province_code).await?;
        for a in new {
            let step = step_row(row, key, a, &cal, now);
            tallied.push(tally::Delta::opened(&step)?);
            step.insert(conn).await?;
        }
    }
    tally::apply(conn, tallied).await
}

/// Record one action on a request (its history).
pub async fn log_action<C: ConnectionTrait>(
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
        at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// A request a business submits.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub key: BusinessKey,
    /// The chain (fixed at submission).
    pub business: Business,
    pub kind: String,
    pub applicant: organisations::Model,
    pub counterpart: Option<organisations::Model>,
    pub arbiter: Option<organisations::Model>,
    pub object_id: Option<i64>,
    pub subject: String,
    pub payload: String,
    pub candidates: String,
    pub student_id: Option<i64>,
}

impl NewRequest {
    /// The row, not yet inserted (bulk registration inserts many at once).
    pub fn row(&self, created_by: i64, at: DateTime<Utc>) -> AppResult<requests::ActiveModel> {
        let chain = self.business.chain();
        let (level, role) = pending_of(&chain, State::START);
        Ok(requests::ActiveModel {
            province_code: Set(self.applicant.province_code.clone()),
            business: Set(serde_json::to_string(&self.business).map_err(AppError::internal)?),
            kind: Set(self.kind.clone()),
            school_id: Set(self.applicant.id),
            state: Set(serde_json::to_string(&State::START).map_err(AppError::internal)?),
            status: Set(status_of(State::START).to_owned()),
            pending_level: Set(level),
            pending_role: Set(role),
            payload: Set(self.payload.clone()),
            candidates: Set(self.candidates.clone()),
            student_id: Set(self.student_id),
            created_by: Set(created_by),
            created_at: Set(at),
            updated_at: Set(at),
            counterpart_org_id: Set(self.counterpart.as_ref().map(|o| o.id)),
            arbiter_org_id: Set(self.arbiter.as_ref().map(|o| o.id)),
            object_id: Set(self.object_id),
            subject: Set(self.subject.chars().take(200).collect()),
            version: Set(0),
            ..Default::default()
        })
    }

    pub fn parties(&self) -> Parties {
        Parties {
            applicant: self.applicant.clone(),
            counterpart: self.counterpart.clone(),
            arbiter: self.arbiter.clone(),
        }
    }
}

/// Submit a chain request: the row, its `submit` action and its first open step, inside the
/// caller's write transaction (the business appends its audit entry).
pub async fn submit<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    new: NewRequest,
) -> AppResult<requests::Model> {
    let at = now();
    let row = new.row(caller.account.id, at)?.insert(conn).await?;
    log_action(conn, &row, caller, None, "submit", None).await?;
    let chain = new.business.chain();
    if let Some(a) = chain_assignment(conn, &new.parties(), &chain, State::START).await? {
        let cal = clock::calendar(conn, &row.province_code).await?;
        open_step(conn, step_row(&row, new.key, &a, &cal, at)).await?;
    }
    Ok(row)
}

/// The caller as an actor of a chain: the applicant's side (the other sides join with the
/// businesses that have them).
pub fn actor_of(caller: &Caller) -> Actor {
    Actor::new(Side::Applicant, caller.level, caller.role)
}

/// Whether a forced intervention by `caller` on the open `step` of a chain request is allowed.
pub fn force_context(
    caller: &Caller,
    chain: &Chain,
    state: State,
    step: Option<&request_steps::Model>,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> ForceContext {
    let applicants_own = match chain.step(state) {
        Some(s) => matches!(state, State::Returned { .. }) || chain.is_applicants_step(s),
        None => true,
    };
    ForceContext {
        actor: xueji_shared::org::Position::new(caller.level, caller.role),
        above: step
            .is_some_and(|s| s.org_path.starts_with(&caller.org.path) && s.org_id != caller.org.id),
        overdue: step.is_some_and(|s| s.due_at <= at),
        applicants_own,
        has_reason: reason.is_some_and(|r| !r.trim().is_empty()),
    }
}

/// The actions `caller` may take on a chain request now: the chain's, with 强制干预 only where
/// the rule allows it.
pub async fn allowed_actions<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    row: &requests::Model,
) -> AppResult<Vec<Action>> {
    let (_, chain, state) = chain_of(row)?;
    let actor = actor_of(caller);
    let mut out: Vec<Action> = chain
        .allowed_actions(state, actor)
        .into_iter()
        .filter(|a| *a != Action::Force)
        .collect();
    let open = open_steps(conn, row.id).await?;
    // A step is acted on by its own organisation, not by every office of its level.
    if !open.iter().any(|s| s.org_id == caller.org.id) {
        out.retain(|a| matches!(a, Action::Withdraw | Action::Resubmit));
    }
    if matches!(state, State::Pending { .. }) {
        let ctx = force_context(caller, &chain, state, open.first(), Some("x"), now());
        if check_force(ctx).is_ok() {
            out.push(Action::Force);
        }
    }
    Ok(out)
}

/// A transition that was applied.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The request after the transition (its version incremented).
    pub row: requests::Model,
    pub transition: Transition,
    pub chain: Chain,
    /// The step index acted on.
    pub step: Option<u8>,
}

/// Apply `action` by `caller` to a chain request inside the caller's write transaction: the
/// chain's rule (and for 强制干预 the force rule), the organisation of the open step, then one
/// conditional update on the version read — a request that moved on meanwhile is 409 with its
/// current state — then the step closed, the next one opened with its deadline, and the action
/// recorded. The business applies its effect afterwards in the same transaction.
pub async fn transition<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    row: &requests::Model,
    key: BusinessKey,
    action: Action,
    reason: Option<String>,
) -> AppResult<Applied> {
    let (_, chain, before) = chain_of(row)?;
    let at = now();
    // Claim the request at the version read, first: from here on this transaction holds it
    // (PostgreSQL: the row lock; SQLite: the one writer), so the open steps read next belong to
    // that version. Another action that won meanwhile makes this 409 with the current state.
    claim(conn, row).await?;
    let open = open_steps(conn, row.id).await?;
    let current = open.first();
    let forced = action == Action::Force;
    let transition = if forced {
        if !matches!(before, State::Pending { .. }) {
            return Err(AppError::Conflict(format!(
                "申请{}，不能{}",
                before.label(),
                Action::Force.label()
            )));
        }
        let ctx = force_context(caller, &chain, before, current, reason.as_deref(), at);
        check_force(ctx).map_err(|e| match e {
            xueji_shared::workflow::ForceError::NoReason => {
                AppError::field("reason", e.to_string())
            }
            xueji_shared::workflow::ForceError::NotOverdue => AppError::Conflict(e.to_string()),
            _ => AppError::Forbidden(e.to_string()),
        })?;
        // The step is approved in place of its actor: the chain's approve, by that actor.
        let step = chain.step(before).ok_or(AppError::Conflict(
            WorkflowError::UndefinedState.to_string(),
        ))?;
        let as_actor = Actor {
            side: step.side,
            position: step.position,
        };
        let mut t = chain
            .apply(before, as_actor, Action::Approve)
            .map_err(workflow_error)?;
        t.action = Action::Force;
        t
    } else {
        let t = chain
            .apply(before, actor_of(caller), action)
            .map_err(workflow_error)?;
        // The step's own organisation acts, not any office of the same level.
        let own = matches!(action, Action::Withdraw | Action::Resubmit);
        if !own && current.is_none_or(|s| s.org_id != caller.org.id) {
            return Err(AppError::Forbidden(format!(
                "当前步骤“{}”不由本单位办理",
                current.map(|s| s.label.as_str()).unwrap_or_default(),
            )));
        }
        t
    };
    let (level, role) = pending_of(&chain, transition.to);
    let state_json = serde_json::to_string(&transition.to).map_err(AppError::internal)?;
    requests::Entity::update_many()
        .col_expr(requests::Column::State, Expr::value(state_json.clone()))
        .col_expr(
            requests::Column::Status,
            Expr::value(status_of(transition.to)),
        )
        .col_expr(requests::Column::PendingLevel, Expr::value(level.clone()))
        .col_expr(requests::Column::PendingRole, Expr::value(role.clone()))
        .col_expr(requests::Column::UpdatedAt, Expr::value(at))
        .filter(requests::Column::Id.eq(row.id))
        .exec(conn)
        .await?;
    let action_name = action_str(action);
    let mut tallied = Vec::new();
    for s in &open {
        close_step(conn, s.id, at, action_name, caller.account.id, forced).await?;
        tallied.push(tally::Delta::closed(s));
    }
    let mut updated = row.clone();
    updated.state = state_json;
    updated.status = status_of(transition.to).to_owned();
    updated.pending_level = level;
    updated.pending_role = role;
    updated.updated_at = at;
    updated.version = row.version + 1;
    let parties = Parties::load(conn, &updated).await?;
    if let Some(a) = chain_assignment(conn, &parties, &chain, transition.to).await? {
        let cal = clock::calendar(conn, &row.province_code).await?;
        let step = step_row(&updated, key, &a, &cal, at);
        tallied.push(tally::Delta::opened(&step)?);
        step.insert(conn).await?;
    }
    // One write of the tallies per transition, in key order (see `tally`).
    tally::apply(conn, tallied).await?;
    let step = match before {
        State::Pending { step } | State::Returned { step } => Some(step),
        _ => None,
    };
    let reason = reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    log_action(conn, &updated, caller, step, action_name, reason).await?;
    Ok(Applied {
        row: updated,
        transition,
        chain,
        step,
    })
}

/// The wire name of an action (`approve`, `force`, …).
pub fn action_str(action: Action) -> &'static str {
    match action {
        Action::Approve => "approve",
        Action::Return => "return",
        Action::Reject => "reject",
        Action::Withdraw => "withdraw",
        Action::Force => "force",
        Action::Resubmit => "resubmit",
    }
}

/// Claim a request at the version read: one conditional update that increments it; 409 with
/// the current state when another action changed it meanwhile.
async fn claim<C: ConnectionTrait>(conn: &C, row: &requests::Model) -> AppResult<()> {
    let done = requests::Entity::update_many()
        .col_expr(
            requests::Column::Version,
            Expr::col(requests::Column::Version).add(1),
        )
        .filter(requests::Column::Id.eq(row.id))
        .filter(requests::Column::Version.eq(row.version))
        .exec(conn)
        .await?;
    if done.rows_affected != 1 {
        let now_state = requests::Entity::find_by_id(row.id)
            .one(conn)
            .await?
            .and_then(|r| serde_json::from_str::<State>(&r.state).ok())
            .map(|s| s.label())
            .unwrap_or("未知");
        return Err(AppError::Conflict(format!(
            "该申请已被他人办理，当前状态：{now_state}，请刷新后再试"
        )));
    }
    Ok(())
}

/// Claim a request for a transition decided by a business's own state machine (problem
/// records): one conditional update on the version read; 409 when another action won.
pub async fn bump<C: ConnectionTrait>(conn: &C, row: &requests::Model) -> AppResult<()> {
    let done = requests::Entity::update_many()
        .col_expr(requests::Column::UpdatedAt, Expr::value(now()))
        .col_expr(
            requests::Column::Version,
            Expr::col(requests::Column::Version).add(1),
        )
        .filter(requests::Column::Id.eq(row.id))
        .filter(requests::Column::Version.eq(row.version))
        .exec(conn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict(
            "该记录已被他人办理，请刷新后再试".into(),
        ));
    }
    Ok(())
}

/// Open steps for requests that existed before the engine (migration 12): each pending or
/// returned chain request without an open step gets one, started at its last update. Problem
/// records get their engine request from `crate::business::problems`' own backfill. Idempotent.
pub async fn backfill<C: ConnectionTrait>(conn: &C) -> AppResult<usize> {
    use sea_orm::sea_query::Query;
    let with_steps = Query::select()
        .column(request_steps::Column::RequestId)
        .from(request_steps::Entity)
        .to_owned();
    let rows = requests::Entity::find()
        .filter(requests::Column::Status.is_in(["pending", "returned"]))
        .filter(requests::Column::ObjectId.is_null())
        .filter(requests::Column::Id.not_in_subquery(with_steps))
        .all(conn)
        .await?;
    let mut n = 0;
    for row in rows {
        let Ok((business, chain, state)) = chain_of(&row) else {
            continue;
        };
        let key = match business {
            Business::Registration { .. } => BusinessKey::Registration,
            _ => continue,
        };
        let parties = Parties::load(conn, &row).await?;
        if let Some(a) = chain_assignment(conn, &parties, &chain, state).await? {
            let cal = clock::calendar(conn, &row.province_code).await?;
            let mut step = step_row(&row, key, &a, &cal, row.updated_at);
            if row.subject.is_empty() {
                let subject = serde_json::from_str::<serde_json::Value>(&row.payload)
                    .ok()
                    .and_then(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_owned))
                    .unwrap_or_default();
                step.subject = Set(subject.clone());
                requests::Entity::update_many()
                    .col_expr(requests::Column::Subject, Expr::value(subject))
                    .filter(requests::Column::Id.eq(row.id))
                    .exec(conn)
                    .await?;
            }
            open_step(conn, step).await?;
            n += 1;
        }
    }
    Ok(n)
}
