//! Opening problem records (问题学籍) about students: at registration, on identity changes and by
//! the full duplicate scan. Working them off is the problem-records business
//! (`crate::business::problems`); this is the one insert every path uses.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, Set,
};
use xueji_shared::api_engine::BusinessKey;
use xueji_shared::business::problems::problem::{PairSide, ProblemKind, ProblemState, SideState};
use xueji_shared::org::Role;
use xueji_shared::workflow::Business;

use crate::engine::{self, Assignment, NewRequest};
use crate::entities::{organisations, problems, requests, students};
use crate::error::{AppError, AppResult};

/// Open a problem record about `student_id` (and, for a pair, `other`: the record it
/// duplicates). Both sides start open; the record joins the request engine (its request and
/// one open step per side) in the same transaction.
pub async fn open_problem<C: ConnectionTrait>(
    conn: &C,
    province_code: &str,
    kind: ProblemKind,
    student_id: i64,
    other: Option<i64>,
) -> AppResult<problems::Model> {
    let p = problems::ActiveModel {
        province_code: Set(province_code.to_owned()),
        kind: Set(kind.as_str().to_owned()),
        student_id: Set(student_id),
        other_student_id: Set(other),
        state: Set(ProblemState::Open.as_str().to_owned()),
        detail: Set(None),
        created_at: Set(engine::now()),
        resolved_at: Set(None),
        a_state: Set(SideState::Open.as_str().to_owned()),
        b_state: Set(other.map(|_| SideState::Open.as_str().to_owned())),
        arbiter_org_id: Set(None),
        resolution: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    sync_problem(conn, &p, "open", 0).await?;
    Ok(p)
}

/// Whether `student_id` is an active side of an unresolved problem record.
pub async fn has_open_problem<C: ConnectionTrait>(conn: &C, student_id: i64) -> AppResult<bool> {
    let left = SideState::Left.as_str();
    let n = problems::Entity::find()
        .filter(problems::Column::State.ne(ProblemState::Resolved.as_str()))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(problems::Column::StudentId.eq(student_id))
                        .add(problems::Column::AState.ne(left)),
                )
                .add(
                    Condition::all()
                        .add(problems::Column::OtherStudentId.eq(student_id))
                        .add(problems::Column::BState.ne(left)),
                ),
        )
        .count(conn)
        .await?;
    Ok(n > 0)
}

/// Who must act on a problem record now, derived from its sides' states
/// (`xueji_shared::business::problems::problem`): a side still open waits for its school's registrar (evidence,
/// change or delete); a side whose request awaits approval waits for its authority's
/// registrar; a record in arbitration waits for the lowest common superior.
pub async fn problem_assignments<C: ConnectionTrait>(
    conn: &C,
    row: &problems::Model,
) -> AppResult<Vec<Assignment>> {
    let state = ProblemState::parse(&row.state).unwrap_or(ProblemState::Open);
    let org = |id: i64| async move {
        organisations::Entity::find_by_id(id)
            .one(conn)
            .await?
            .ok_or_else(|| AppError::Internal(format!("organisation {id} missing")))
    };
    let mut out = Vec::new();
    match state {
        ProblemState::Resolved => {}
        ProblemState::Arbitration => {
            if let Some(arbiter) = row.arbiter_org_id {
                out.push(Assignment {
                    side: "arbiter".into(),
                    step: None,
                    label: "共同上级仲裁".into(),
                    org: org(arbiter).await?,
                    role: Role::Registrar,
                });
            }
        }
        ProblemState::Open => {
            let sides = [
                (
                    PairSide::A,
                    Some(row.student_id),
                    Some(row.a_state.as_str()),
                ),
                (PairSide::B, row.other_student_id, row.b_state.as_deref()),
            ];
            for (side, student, st) in sides {
                let (Some(student), Some(st)) = (student, st.and_then(SideState::parse)) else {
                    continue;
                };
                let Some(s) = students::Entity::find_by_id(student).one(conn).await? else {
                    continue;
                };
                let school = org(s.school_id).await?;
                if st == SideState::Open {
                    out.push(Assignment {
                        side: side.as_str().into(),
                        step: None,
                        label: "学校处理问题学籍".into(),
                        org: school,
                        role: Role::Registrar,
                    });
                } else if st.awaits_authority() {
                    if let Some(parent) = school.parent_id {
                        out.push(Assignment {
                            side: side.as_str().into(),
                            step: None,
                            label: "主管教育部门核办".into(),
                            org: org(parent).await?,
                            role: Role::Registrar,
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The engine request of a problem record, created with it.
pub async fn problem_request<C: ConnectionTrait>(
    conn: &C,
    problem_id: i64,
) -> AppResult<Option<requests::Model>> {
    Ok(requests::Entity::find()
        .filter(requests::Column::ObjectId.eq(problem_id))
        .filter(requests::Column::Kind.starts_with("problem:"))
        .one(conn)
        .await?)
}

/// Put a problem record on the request engine: its request (created the first time; the
/// parties are the two students' schools and, in arbitration, the arbiter) and its open steps,
/// made to match who must act now. `action`/`by` close the steps no longer open.
pub async fn sync_problem<C: ConnectionTrait>(
    conn: &C,
    row: &problems::Model,
    action: &str,
    by: i64,
) -> AppResult<requests::Model> {
    let school_of = |student: i64| async move {
        let s = students::Entity::find_by_id(student)
            .one(conn)
            .await?
            .ok_or_else(|| AppError::Internal(format!("problem student {student} missing")))?;
        let school = organisations::Entity::find_by_id(s.school_id)
            .one(conn)
            .await?
            .ok_or_else(|| AppError::Internal(format!("school {} missing", s.school_id)))?;
        AppResult::Ok((s, school))
    };
    let resolved = row.state == ProblemState::Resolved.as_str();
    let request = match problem_request(conn, row.id).await? {
        Some(r) => r,
        None => {
            let (student, school) = school_of(row.student_id).await?;
            let counterpart = match row.other_student_id {
                Some(o) => Some(school_of(o).await?.1),
                None => None,
            };
            let kind = ProblemKind::parse(&row.kind).unwrap_or(ProblemKind::DupWithId);
            let mut am = NewRequest {
                key: BusinessKey::Problem,
                business: Business::Arbitration,
                kind: format!("problem:{}", kind.as_str()),
                applicant: school,
                counterpart,
                arbiter: None,
                object_id: Some(row.id),
                subject: format!("{}（{}）", student.name, kind.label()),
                payload: "{}".into(),
                candidates: "[]".into(),
                student_id: Some(row.student_id),
            }
            .row(by, row.created_at)?;
            am.created_by = sea_orm::Set(by);
            am.insert(conn).await?
        }
    };
    let arbiter_changed = request.arbiter_org_id != row.arbiter_org_id;
    if resolved || arbiter_changed {
        let mut am = request.clone().into_active_model();
        am.arbiter_org_id = sea_orm::Set(row.arbiter_org_id);
        if resolved {
            am.status = sea_orm::Set("completed".into());
            am.state = sea_orm::Set(r#"{"state":"completed"}"#.into());
            am.pending_level = sea_orm::Set(None);
            am.pending_role = sea_orm::Set(None);
        }
        am.update(conn).await?;
    }
    let wanted = problem_assignments(conn, row).await?;
    // A step closed by 强制干预 is marked as forced.
    let forced = action == "force";
    engine::sync_steps(
        conn,
        &request,
        BusinessKey::Problem,
        &wanted,
        action,
        by,
        forced,
    )
    .await?;
    Ok(request)
}

/// Problem records opened before the engine get their request and steps (start-up). Idempotent.
pub async fn backfill_problems<C: ConnectionTrait>(conn: &C) -> AppResult<usize> {
    use sea_orm::sea_query::Query;
    let with_request = Query::select()
        .column(requests::Column::ObjectId)
        .from(requests::Entity)
        .and_where(requests::Column::Kind.like("problem:%"))
        .and_where(requests::Column::ObjectId.is_not_null())
        .to_owned();
    let rows = problems::Entity::find()
        .filter(problems::Column::Id.not_in_subquery(with_request))
        .all(conn)
        .await?;
    let n = rows.len();
    for row in rows {
        // The system opened them: the created_by of a request is an account, so the earliest.
        sync_problem(conn, &row, "backfill", 0).await?;
    }
    Ok(n)
}

/// Put everything that existed before the engine on it (start-up; idempotent): chain requests
/// get their open step (`engine::backfill`), problem records their request and steps.
pub async fn backfill_engine(db: &sea_orm::DatabaseConnection) -> AppResult<()> {
    use sea_orm::TransactionTrait;
    let tx = db.begin().await?;
    let requests = engine::backfill(&tx).await?;
    let problems = backfill_problems(&tx).await?;
    tx.commit().await?;
    if requests + problems > 0 {
        tracing::info!(
            requests,
            problems,
            "existing requests put on the request engine"
        );
    }
    Ok(())
}
