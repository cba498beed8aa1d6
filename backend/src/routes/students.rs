//! Find students of the jurisdiction and read a student card (学籍卡). Registrars and leaders
//! of schools and authorities; administrators do no business.

use std::collections::HashMap;

use axum::extract::State;
use axum::Json;
use sea_orm::sea_query::Query as SqlQuery;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;
use xueji_shared::api::{ErrorBody, OrgSummary};
use xueji_shared::api_students::{
    problem_kind_label, NumberHistory, ProblemInfo, StudentCard, StudentPage, StudentSummary,
};
use xueji_shared::dedup;
use xueji_shared::org::Level;
use xueji_shared::record::StudentRecord;
use xueji_shared::student_number::Kind;

use crate::auth::Caller;
use crate::entities::{organisations, problems, student_numbers, students};
use crate::error::{ApiPath, ApiQuery, AppError, AppResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StudentQuery {
    /// A student number (exact), an ID number (exact), or part of a name.
    pub q: Option<String>,
    /// Only this school (of the jurisdiction).
    pub school_id: Option<i64>,
    /// Only students with (true) or without (false) an open problem record.
    pub problem: Option<bool>,
    /// 1-based.
    pub page: Option<u32>,
    /// At most 200; default 50.
    pub per_page: Option<u32>,
}

fn open_problem_ids() -> sea_orm::sea_query::SelectStatement {
    SqlQuery::select()
        .column(problems::Column::StudentId)
        .from(problems::Entity)
        .and_where(problems::Column::State.eq("open"))
        .to_owned()
}

/// Students of the caller's jurisdiction.
#[utoipa::path(get, path = "/students", tag = "学籍查询", params(StudentQuery), security(("bearer" = [])),
    responses((status = 200, body = StudentPage), (status = 403, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<StudentQuery>,
) -> AppResult<Json<StudentPage>> {
    caller.require_business()?;
    let scope = caller.scope();
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(50).clamp(1, 200);
    let mut select = scope.owned(students::Entity::find(), students::Column::SchoolId);
    if let Some(school) = q.school_id {
        let school = scope.org(&state.db, school).await?;
        select = select.filter(students::Column::SchoolId.eq(school.id));
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let text: String = text.chars().take(32).collect();
        let upper = text.to_uppercase();
        let id = dedup::normalise_id_number(&text);
        select = select.filter(
            Condition::any()
                .add(students::Column::StudentNumber.eq(upper))
                .add(students::Column::IdNumber.eq(id))
                .add(students::Column::Name.contains(dedup::normalise_name(&text))),
        );
    }
    match q.problem {
        Some(true) => select = select.filter(students::Column::Id.in_subquery(open_problem_ids())),
        Some(false) => {
            select = select.filter(students::Column::Id.not_in_subquery(open_problem_ids()))
        }
        None => {}
    }
    let total = select.clone().count(&state.db).await?;
    let rows = select
        .order_by_asc(students::Column::SchoolId)
        .order_by_asc(students::Column::Id)
        .offset(u64::from(page - 1) * u64::from(per_page))
        .limit(u64::from(per_page))
        .all(&state.db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let flagged: std::collections::HashSet<i64> = problems::Entity::find()
        .select_only()
        .column(problems::Column::StudentId)
        .filter(problems::Column::StudentId.is_in(ids))
        .filter(problems::Column::State.eq("open"))
        .into_tuple::<i64>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let schools: HashMap<i64, String> = organisations::Entity::find()
        .filter(
            organisations::Column::Id.is_in(rows.iter().map(|s| s.school_id).collect::<Vec<_>>()),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|s| StudentSummary {
            has_problem: flagged.contains(&s.id),
            school_name: schools.get(&s.school_id).cloned().unwrap_or_default(),
            id: s.id,
            student_number: s.student_number,
            number_kind: s.number_kind,
            name: s.name,
            gender: s.gender,
            birth_date: s.birth_date.to_string(),
            school_id: s.school_id,
            status: s.status,
        })
        .collect();
    Ok(Json(StudentPage {
        items,
        total,
        page,
        per_page,
    }))
}

/// The student card of a student of the caller's jurisdiction.
#[utoipa::path(get, path = "/students/{id}", tag = "学籍查询", security(("bearer" = [])),
    responses((status = 200, body = StudentCard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn card(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<StudentCard>> {
    caller.require_business()?;
    let s = caller
        .scope()
        .owned(students::Entity::find(), students::Column::SchoolId)
        .filter(students::Column::Id.eq(id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let school = organisations::Entity::find_by_id(s.school_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let record: StudentRecord = serde_json::from_str(&s.record).map_err(AppError::internal)?;
    let numbers = student_numbers::Entity::find()
        .filter(student_numbers::Column::StudentId.eq(s.id))
        .order_by_asc(student_numbers::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|n| NumberHistory {
            number: n.number,
            kind: n.kind,
            assigned_at: n.assigned_at.to_rfc3339(),
            retired_at: n.retired_at.map(|t| t.to_rfc3339()),
            reason: n.reason,
        })
        .collect();
    let rows = problems::Entity::find()
        .filter(
            Condition::any()
                .add(problems::Column::StudentId.eq(s.id))
                .add(problems::Column::OtherStudentId.eq(s.id)),
        )
        .order_by_asc(problems::Column::Id)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        let other_id = if p.student_id == s.id {
            p.other_student_id
        } else {
            Some(p.student_id)
        };
        let other = match other_id {
            Some(o) => students::Entity::find_by_id(o).one(&state.db).await?,
            None => None,
        };
        let other_school = match &other {
            Some(o) => organisations::Entity::find_by_id(o.school_id)
                .one(&state.db)
                .await?
                .map(|x| x.name),
            None => None,
        };
        out.push(ProblemInfo {
            id: p.id,
            kind_label: problem_kind_label(&p.kind).to_owned(),
            kind: p.kind,
            state: p.state,
            other_student_number: other.map(|o| o.student_number),
            other_school_name: other_school,
            created_at: p.created_at.to_rfc3339(),
        });
    }
    let kind_label = match s.number_kind.as_str() {
        "G" => Kind::G.label(),
        "J" => Kind::J.label(),
        _ => Kind::L.label(),
    };
    Ok(Json(StudentCard {
        id: s.id,
        student_number: s.student_number,
        number_kind_label: kind_label.to_owned(),
        number_kind: s.number_kind,
        status: s.status,
        school: OrgSummary {
            id: school.id,
            code: school.code,
            name: school.name,
            level: Level::School,
        },
        record,
        numbers,
        problems: out,
        created_at: s.created_at.to_rfc3339(),
        updated_at: s.updated_at.to_rfc3339(),
    }))
}
