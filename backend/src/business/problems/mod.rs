//! 问题学籍处理 (seed 001 第一章 5): working off problem records — the data side of
//! `xueji_shared::business::problems::problem` — on the request engine; their queue and actions (`routes`), deleting
//! records (`deletions`), and the full duplicate scan that finds them (`scan`, `scans`). Opening
//! a problem record is the student module's (`student::open_problem`).

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::Query as SqlQuery;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Select, Set,
};
use serde_json::json;
use xueji_shared::api::FieldError;
use xueji_shared::business::problems::problem::{
    Effect, IdentityChange, PairSide, Problem, ProblemAction, ProblemActionInput, ProblemError,
    ProblemKind, ProblemState, SideRoles, SideState, SideView,
};
use xueji_shared::business::registration::api_registration::RegistrationKind;
use xueji_shared::codes::{Gender, ID_TYPE_OTHER};
use xueji_shared::dedup;
use xueji_shared::org::{lowest_common_superior, Role};
use xueji_shared::record::{RecordRules, StudentRecord};
use xueji_shared::workflow::{check_force, ForceContext, ForceError};

pub mod deletions;
pub mod routes;
pub mod scan;
pub mod scans;

use utoipa_axum::router::OpenApiRouter;

use crate::auth::Caller;
use crate::entities::{identity_claims, organisations, problem_actions, problems, students};
use crate::error::{AppError, AppResult};
use crate::evidence::EvidenceStore;
use crate::scope::Scope;
use crate::state::AppState;
use crate::student;
use crate::student::identity::{self, Claim};
use crate::student::rules_for;

/// One side of a loaded problem record.
#[derive(Debug, Clone)]
pub struct SideData {
    pub side: PairSide,
    pub student: students::Model,
    pub school: organisations::Model,
    /// The school's authority (学籍主管教育部门): its parent organisation.
    pub authority: Option<organisations::Model>,
    pub state: SideState,
}

/// A problem record with its sides.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub row: problems::Model,
    pub kind: ProblemKind,
    pub state: ProblemState,
    pub sides: Vec<SideData>,
}

impl Loaded {
    pub fn rules(&self) -> Problem {
        let view = |s: &SideData| SideView {
            state: s.state,
            formal: s.student.number_kind != "L",
        };
        Problem {
            kind: self.kind,
            state: self.state,
            a: self.sides.first().map(view).unwrap_or(SideView {
                state: SideState::Left,
                formal: false,
            }),
            b: self.sides.get(1).map(view),
        }
    }

    pub fn side(&self, side: PairSide) -> Option<&SideData> {
        self.sides.iter().find(|s| s.side == side)
    }

    /// Who the caller is to each side.
    pub fn roles(&self, caller: &Caller) -> [SideRoles; 2] {
        let mut out = [SideRoles::default(); 2];
        if caller.role != Role::Registrar {
            return out;
        }
        for (i, s) in self.sides.iter().enumerate().take(2) {
            out[i] = SideRoles {
                school: s.school.id == caller.org.id,
                authority: s.school.parent_id == Some(caller.org.id),
            };
        }
        out
    }

    /// The lowest common superior of the two authorities (arbitration).
    pub fn arbiter(&self) -> Option<i64> {
        let path = |s: &SideData| -> Vec<i64> {
            s.authority
                .as_ref()
                .map(|a| {
                    a.path
                        .split('/')
                        .filter_map(|p| p.parse::<i64>().ok())
                        .collect()
                })
                .unwrap_or_default()
        };
        match (self.sides.first(), self.sides.get(1)) {
            (Some(a), Some(b)) => lowest_common_superior(&path(a), &path(b)),
            _ => None,
        }
    }

    pub fn is_arbiter(&self, caller: &Caller) -> bool {
        caller.role == Role::Registrar
            && self.state == ProblemState::Arbitration
            && self.row.arbiter_org_id == Some(caller.org.id)
    }
}

/// Problem records any of whose students is in the subtree.
pub fn in_scope(scope: &Scope) -> Select<problems::Entity> {
    let ours = SqlQuery::select()
        .column(students::Column::Id)
        .from(students::Entity)
        .and_where(students::Column::SchoolId.in_subquery(scope.org_ids()))
        .to_owned();
    problems::Entity::find().filter(
        Condition::any()
            .add(problems::Column::StudentId.in_subquery(ours.clone()))
            .add(problems::Column::OtherStudentId.in_subquery(ours)),
    )
}

async fn side_data<C: ConnectionTrait>(
    conn: &C,
    side: PairSide,
    student_id: i64,
    state: SideState,
) -> AppResult<SideData> {
    let student = students::Entity::find_by_id(student_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal(format!("problem student {student_id} missing")))?;
    let school = organisations::Entity::find_by_id(student.school_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal(format!("school {} missing", student.school_id)))?;
    let authority = match school.parent_id {
        Some(p) => organisations::Entity::find_by_id(p).one(conn).await?,
        None => None,
    };
    Ok(SideData {
        side,
        student,
        school,
        authority,
        state,
    })
}

/// Load a problem record with its sides.
pub async fn load_row<C: ConnectionTrait>(conn: &C, row: problems::Model) -> AppResult<Loaded> {
    let kind = ProblemKind::parse(&row.kind)
        .ok_or_else(|| AppError::Internal(format!("problem kind {}", row.kind)))?;
    let state = ProblemState::parse(&row.state).unwrap_or(ProblemState::Open);
    let a_state = SideState::parse(&row.a_state).unwrap_or(SideState::Open);
    let mut sides = vec![side_data(conn, PairSide::A, row.student_id, a_state).await?];
    if let Some(other) = row.other_student_id {
        let b_state = row
            .b_state
            .as_deref()
            .and_then(SideState::parse)
            .unwrap_or(SideState::Open);
        sides.push(side_data(conn, PairSide::B, other, b_state).await?);
    }
    Ok(Loaded {
        row,
        kind,
        state,
        sides,
    })
}

/// A problem record of the caller's jurisdiction, or 404.
pub async fn load<C: ConnectionTrait>(conn: &C, scope: &Scope, id: i64) -> AppResult<Loaded> {
    let row = in_scope(scope)
        .filter(problems::Column::Id.eq(id))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    load_row(conn, row).await
}

fn problem_error(e: ProblemError) -> AppError {
    match e {
        ProblemError::NotSchool(_)
        | ProblemError::NotAuthority(_)
        | ProblemError::NotArbiter
        | ProblemError::FormalDeletion => AppError::Forbidden(e.to_string()),
        _ => AppError::Conflict(e.to_string()),
    }
}

/// The record a change would produce.
pub fn changed_record(record: &StudentRecord, change: &IdentityChange) -> StudentRecord {
    let mut r = record.clone();
    r.name = change.name.trim().to_owned();
    r.gender = change.gender.trim().to_owned();
    r.birth_date = NaiveDate::parse_from_str(change.birth_date.trim(), "%Y-%m-%d").ok();
    r.id_type = change.id_type.trim().to_owned();
    r.id_number = change.id_number.trim().to_owned();
    r
}

/// Check a requested identity change against the whole record, as registration does.
fn check_change(
    record: &StudentRecord,
    change: &IdentityChange,
    rules: &RecordRules,
) -> AppResult<()> {
    let mut fields = change.validate(rules.today);
    let new = changed_record(record, change);
    // The number is the system's: it follows the new identity once the change is approved.
    let mut checked = new.clone();
    checked.student_number.clear();
    for f in checked.validate_all(rules) {
        let field = format!("change.{}", f.field);
        if !fields.iter().any(|x: &FieldError| x.field == field) {
            fields.push(FieldError::new(field, f.message));
        }
    }
    if fields.is_empty() && &new == record {
        fields.push(FieldError::new("change", "变更后的身份信息与原记录相同"));
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(fields))
    }
}

/// Apply an approved identity change to a record: new keys, the national duplicate check
/// again (a new problem record if the new identity is taken), and the number it is entitled
/// to (J → G when it received a valid ID). Returns the student and any new problem.
pub async fn apply_identity_change<C: ConnectionTrait>(
    conn: &C,
    student: students::Model,
    change: &IdentityChange,
) -> AppResult<(students::Model, Option<problems::Model>)> {
    let today = crate::clock::today();
    let record: StudentRecord = serde_json::from_str(&student.record).unwrap_or_default();
    let new = changed_record(&record, change);
    let birth = new
        .birth_date
        .ok_or_else(|| AppError::field("change.birth_date", "出生日期不能为空"))?;
    let gender = Gender::from_code(&new.gender)
        .ok_or_else(|| AppError::field("change.gender", "性别代码无效"))?;
    let has_id = new.id_type != ID_TYPE_OTHER && !new.id_number.trim().is_empty();
    let id_key = if has_id {
        dedup::id_key(&new.id_type, &new.id_number, today)
    } else {
        None
    };
    let person_key = dedup::person_key(&new.name, gender, birth);
    // The old identity is no longer this record's.
    identity_claims::Entity::delete_many()
        .filter(identity_claims::Column::StudentId.eq(student.id))
        .exec(conn)
        .await?;
    let mut am = student.clone().into_active_model();
    am.version = Set(student.version + 1);
    am.name = Set(new.name.clone());
    am.gender = Set(new.gender.clone());
    am.birth_date = Set(birth);
    am.id_type = Set(new.id_type.clone());
    am.id_number = Set(has_id.then(|| dedup::normalise_id_number(&new.id_number)));
    am.id_key = Set(id_key.clone());
    am.person_key = Set(person_key.clone());
    am.record = Set(serde_json::to_string(&new).map_err(AppError::internal)?);
    am.updated_at = Set(Utc::now());
    let student = am.update(conn).await?;
    let duplicate = match &id_key {
        Some(key) => match identity::claim(conn, key, student.id, &student.province_code).await? {
            Claim::Won => None,
            Claim::Taken { owner } => Some((ProblemKind::DupWithId, owner)),
        },
        None => identity::person_matches(conn, &person_key, Some(student.id), 1)
            .await?
            .first()
            .map(|o| (ProblemKind::DupWithoutId, *o)),
    };
    let problem = match duplicate {
        Some((kind, other)) => Some(
            student::open_problem(conn, &student.province_code, kind, student.id, Some(other))
                .await?,
        ),
        None => None,
    };
    Ok((student, problem))
}

/// What acting on a problem record did.
#[derive(Debug, Clone)]
pub struct ActOutcome {
    pub problem: Loaded,
    /// Audit details of the effects on records.
    pub effects: Vec<serde_json::Value>,
}

/// The sides whose open authority step `caller` may force now (强制干预: a registrar of an
/// authority above that authority, the step overdue), with the step.
pub async fn forceable<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    loaded: &Loaded,
    reason: Option<&str>,
) -> AppResult<Vec<(PairSide, Result<(), ForceError>)>> {
    let Some(request) = student::problem_records::problem_request(conn, loaded.row.id).await?
    else {
        return Ok(Vec::new());
    };
    let open = crate::engine::open_steps(conn, request.id).await?;
    let now = crate::engine::now();
    let mut out = Vec::new();
    for side in &loaded.sides {
        let step = open.iter().find(|s| s.side == side.side.as_str());
        let Some(step) = step else { continue };
        let ctx = ForceContext {
            actor: xueji_shared::org::Position::new(caller.level, caller.role),
            above: step.org_path.starts_with(&caller.org.path) && step.org_id != caller.org.id,
            overdue: step.due_at <= now,
            // A side still open waits for its school's own handling (evidence, change, delete),
            // which nobody can do in its place.
            applicants_own: !side.state.awaits_authority() || loaded.state != ProblemState::Open,
            has_reason: reason.is_some_and(|r| !r.trim().is_empty()),
        };
        out.push((side.side, check_force(ctx)));
    }
    Ok(out)
}

/// Act on a problem record inside the caller's write transaction (audited by the caller).
pub async fn act<C: ConnectionTrait>(
    conn: &C,
    evidence_store: &EvidenceStore,
    caller: &Caller,
    id: i64,
    input: &ProblemActionInput,
) -> AppResult<ActOutcome> {
    act_as(conn, evidence_store, caller, id, input, false).await
}

/// 强制干预 on one side of a problem record: its overdue authority step approved by a superior
/// authority's registrar, with a reason.
pub async fn force<C: ConnectionTrait>(
    conn: &C,
    evidence_store: &EvidenceStore,
    caller: &Caller,
    id: i64,
    side: PairSide,
    reason: &str,
) -> AppResult<ActOutcome> {
    let loaded = load(conn, &caller.scope(), id).await?;
    let verdict = forceable(conn, caller, &loaded, Some(reason))
        .await?
        .into_iter()
        .find(|(s, _)| *s == side)
        .map(|(_, v)| v)
        .unwrap_or(Err(ForceError::NoStep));
    verdict.map_err(|e| match e {
        ForceError::NoReason => AppError::field("reason", e.to_string()),
        ForceError::NotOverdue | ForceError::ApplicantsOwn | ForceError::NoStep => {
            AppError::Conflict(e.to_string())
        }
        ForceError::NotSuperior => AppError::Forbidden(e.to_string()),
    })?;
    let input = ProblemActionInput {
        side,
        action: ProblemAction::Approve,
        reason: Some(reason.trim().to_owned()),
        evidence: Vec::new(),
        change: None,
    };
    act_as(conn, evidence_store, caller, id, &input, true).await
}

async fn act_as<C: ConnectionTrait>(
    conn: &C,
    evidence_store: &EvidenceStore,
    caller: &Caller,
    id: i64,
    input: &ProblemActionInput,
    forced: bool,
) -> AppResult<ActOutcome> {
    let fields = input.validate();
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let loaded = load(conn, &caller.scope(), id).await?;
    // Claim the record's engine request first: of simultaneous actions exactly one applies.
    let request =
        student::problem_records::sync_problem(conn, &loaded.row, "sync", caller.account.id)
            .await?;
    crate::engine::bump(conn, &request).await?;
    // Read again under the claim: what another action changed before it is seen now.
    let loaded = load(conn, &caller.scope(), id).await?;
    let rules = loaded.rules();
    let roles = if forced {
        // In place of the side's authority.
        SideRoles {
            school: false,
            authority: true,
        }
    } else {
        loaded.roles(caller)[match input.side {
            PairSide::A => 0,
            PairSide::B => 1,
        }]
    };
    let transition = rules
        .apply(
            input.side,
            input.action,
            roles,
            !forced && loaded.is_arbiter(caller),
        )
        .map_err(problem_error)?;
    let action_name = if forced {
        "force"
    } else {
        input.action.as_str()
    };
    let mut missing = Vec::new();
    for (i, sha) in input.evidence.iter().enumerate() {
        if !evidence_store.exists(sha).await? {
            missing.push(FieldError::new(
                format!("evidence[{i}]"),
                "证明材料不存在，请重新上传",
            ));
        }
    }
    if !missing.is_empty() {
        return Err(AppError::Validation(missing));
    }
    let side = loaded
        .side(input.side)
        .cloned()
        .ok_or_else(|| AppError::Conflict("该问题学籍只有一方".into()))?;
    if let (ProblemAction::Change, Some(change)) = (input.action, &input.change) {
        let record: StudentRecord = serde_json::from_str(&side.student.record).unwrap_or_default();
        let rules = rules_for(conn, &side.school, RegistrationKind::InSchool).await?;
        check_change(&record, change, &rules)?;
    }

    // The action, then the new states.
    let now = Utc::now();
    problem_actions::ActiveModel {
        problem_id: Set(loaded.row.id),
        province_code: Set(loaded.row.province_code.clone()),
        side: Set(input.side.as_str().to_owned()),
        action: Set(action_name.to_owned()),
        actor_id: Set(caller.account.id),
        actor_org_id: Set(caller.org.id),
        reason: Set(input
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)),
        evidence: Set(serde_json::to_string(&input.evidence).map_err(AppError::internal)?),
        change: Set(match &input.change {
            Some(c) => Some(serde_json::to_string(c).map_err(AppError::internal)?),
            None => None,
        }),
        at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let (mut a, mut b) = (rules.a.state, rules.b.map(|b| b.state));
    match input.side {
        PairSide::A => {
            a = transition.side;
            if let Some(o) = transition.other {
                b = Some(o);
            }
        }
        PairSide::B => {
            b = Some(transition.side);
            if let Some(o) = transition.other {
                a = o;
            }
        }
    }
    let mut am = loaded.row.clone().into_active_model();
    am.a_state = Set(a.as_str().to_owned());
    am.b_state = Set(b.map(|s| s.as_str().to_owned()));
    am.state = Set(transition.problem.as_str().to_owned());
    if transition.problem == ProblemState::Arbitration {
        let arbiter = loaded.arbiter().ok_or_else(|| {
            AppError::Conflict("找不到双方主管教育部门的共同上级，无法仲裁".into())
        })?;
        am.arbiter_org_id = Set(Some(arbiter));
    }
    let resolution = match (input.action, transition.problem) {
        (_, ProblemState::Resolved) => Some(resolution_text(&loaded, input, a, b)),
        _ => None,
    };
    if transition.problem == ProblemState::Resolved {
        am.resolved_at = Set(Some(now));
        am.resolution = Set(resolution.clone());
    }
    am.update(conn).await?;

    // The effect on the records.
    let mut effects = Vec::new();
    match transition.apply {
        Some(Effect::Change) => {
            let change = latest_change(conn, loaded.row.id, input.side).await?;
            let (student, found) =
                apply_identity_change(conn, side.student.clone(), &change).await?;
            let student = student::formalise(conn, student, "身份信息变更，重新核定学籍号").await?;
            effects.push(json!({
                "effect": "student.change_identity",
                "student_id": student.id,
                "before": identity_json(&side.student),
                "after": identity_json(&student),
                "new_problem": found.as_ref().map(|p| p.id),
            }));
        }
        Some(Effect::Delete) => {
            let s = student::delete_student(conn, side.student.clone()).await?;
            effects.push(json!({ "effect": "student.delete", "student_id": s.id, "student_number": s.student_number }));
            effects.extend(leave_other_problems(conn, s.id, loaded.row.id).await?);
        }
        Some(Effect::DeleteOther) => {
            let other = loaded
                .side(input.side.other())
                .cloned()
                .ok_or_else(|| AppError::Conflict("该问题学籍只有一方".into()))?;
            let s = student::delete_student(conn, other.student).await?;
            effects.push(json!({ "effect": "student.delete", "student_id": s.id, "student_number": s.student_number, "by": "arbitration" }));
            effects.extend(leave_other_problems(conn, s.id, loaded.row.id).await?);
        }
        None => {}
    }
    if transition.problem == ProblemState::Resolved {
        effects.extend(settle_survivors(conn, loaded.row.id).await?);
    }
    let row = problems::Entity::find_by_id(loaded.row.id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    student::problem_records::sync_problem(conn, &row, action_name, caller.account.id).await?;
    Ok(ActOutcome {
        problem: load_row(conn, row).await?,
        effects,
    })
}

fn identity_json(s: &students::Model) -> serde_json::Value {
    json!({
        "name": s.name, "gender": s.gender, "birth_date": s.birth_date.to_string(),
        "id_type": s.id_type, "id_number": s.id_number, "student_number": s.student_number,
    })
}

fn resolution_text(
    loaded: &Loaded,
    input: &ProblemActionInput,
    a: SideState,
    b: Option<SideState>,
) -> String {
    let name = |side: PairSide| {
        loaded
            .side(side)
            .map(|s| s.school.name.clone())
            .unwrap_or_default()
    };
    match input.action {
        ProblemAction::Keep => format!("共同上级仲裁：保留{}的学籍，删除另一方", name(input.side)),
        _ if a == SideState::Left || b == Some(SideState::Left) => {
            let left = if a == SideState::Left {
                PairSide::A
            } else {
                PairSide::B
            };
            format!("{}的学籍已变更或删除", name(left))
        }
        _ if loaded.kind == ProblemKind::InvalidId => "主管部门核办通过佐证材料".to_owned(),
        _ => "双方主管部门核办通过佐证材料，均为正常学籍".to_owned(),
    }
}

async fn latest_change<C: ConnectionTrait>(
    conn: &C,
    problem_id: i64,
    side: PairSide,
) -> AppResult<IdentityChange> {
    let row = problem_actions::Entity::find()
        .filter(problem_actions::Column::ProblemId.eq(problem_id))
        .filter(problem_actions::Column::Side.eq(side.as_str()))
        .filter(problem_actions::Column::Action.eq(ProblemAction::Change.as_str()))
        .order_by_desc(problem_actions::Column::Id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Conflict("找不到待核办的变更内容".into()))?;
    serde_json::from_str(row.change.as_deref().unwrap_or("null")).map_err(AppError::internal)
}

/// A deleted record leaves every other open problem record it was a side of.
pub async fn leave_other_problems<C: ConnectionTrait>(
    conn: &C,
    student_id: i64,
    except: i64,
) -> AppResult<Vec<serde_json::Value>> {
    let rows = problems::Entity::find()
        .filter(problems::Column::State.ne(ProblemState::Resolved.as_str()))
        .filter(problems::Column::Id.ne(except))
        .filter(
            Condition::any()
                .add(problems::Column::StudentId.eq(student_id))
                .add(problems::Column::OtherStudentId.eq(student_id)),
        )
        .all(conn)
        .await?;
    let mut effects = Vec::new();
    for row in rows {
        let kind = ProblemKind::parse(&row.kind).unwrap_or(ProblemKind::DupWithId);
        let mut a = SideState::parse(&row.a_state).unwrap_or(SideState::Open);
        let mut b = row.b_state.as_deref().and_then(SideState::parse);
        if row.student_id == student_id {
            a = SideState::Left;
        } else {
            b = Some(SideState::Left);
        }
        let state = Problem::settle(kind, a, b);
        let id = row.id;
        let mut am = row.into_active_model();
        am.a_state = Set(a.as_str().to_owned());
        am.b_state = Set(b.map(|s| s.as_str().to_owned()));
        am.state = Set(state.as_str().to_owned());
        if state == ProblemState::Resolved {
            am.resolved_at = Set(Some(Utc::now()));
            am.resolution = Set(Some("一方学籍已删除".into()));
        }
        let updated = am.update(conn).await?;
        student::problem_records::sync_problem(conn, &updated, "side_left", 0).await?;
        effects.push(
            json!({ "effect": "problem.side_left", "problem_id": id, "state": state.as_str() }),
        );
        if state == ProblemState::Resolved {
            effects.extend(settle_survivors(conn, id).await?);
        }
    }
    Ok(effects)
}

/// A resolved record: the surviving side of a duplicate with ID holds the identity, and every
/// surviving record without other open problems gets its formal number.
async fn settle_survivors<C: ConnectionTrait>(
    conn: &C,
    problem_id: i64,
) -> AppResult<Vec<serde_json::Value>> {
    let row = problems::Entity::find_by_id(problem_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let loaded = load_row(conn, row).await?;
    let mut effects = Vec::new();
    for side in &loaded.sides {
        if side.state == SideState::Left || side.student.status == student::STATUS_DELETED {
            continue;
        }
        let mut student = side.student.clone();
        if loaded.kind == ProblemKind::DupWithId {
            if let Some(key) = student.id_key.clone() {
                // The survivor holds the identity the pair shared.
                let holder = identity_claims::Entity::find_by_id(key.clone())
                    .one(conn)
                    .await?;
                let stale = match &holder {
                    None => true,
                    Some(c) if c.student_id == student.id => false,
                    Some(c) => students::Entity::find_by_id(c.student_id)
                        .one(conn)
                        .await?
                        .map(|o| {
                            o.status == student::STATUS_DELETED || o.id_key.as_deref() != Some(&key)
                        })
                        .unwrap_or(true),
                };
                if stale {
                    identity_claims::Entity::delete_many()
                        .filter(identity_claims::Column::IdKey.eq(key.clone()))
                        .exec(conn)
                        .await?;
                    identity::claim(conn, &key, student.id, &student.province_code).await?;
                }
            }
        }
        let before = student.student_number.clone();
        student = student::formalise(conn, student, "问题学籍处理完毕，分配正式学籍号").await?;
        if student.student_number != before {
            effects.push(json!({
                "effect": "student.number", "student_id": student.id,
                "before": before, "after": student.student_number,
            }));
        }
    }
    Ok(effects)
}

/// The problem-record endpoints: the queue and the record with its actions and evidence, forced
/// intervention, deleting records, the full duplicate scan.
pub fn routes() -> OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    OpenApiRouter::new()
        .routes(routes!(routes::list))
        .routes(routes!(routes::get))
        .routes(routes!(routes::act))
        .routes(routes!(routes::force))
        .routes(routes!(routes::evidence))
        .routes(routes!(deletions::delete))
        .routes(routes!(scans::start, scans::list))
        .routes(routes!(scans::get))
}
