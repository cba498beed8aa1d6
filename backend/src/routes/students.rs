//! Find students of the jurisdiction and read a student card (学籍卡). Registrars and leaders
//! of schools and authorities; administrators do no business.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::Json;
use sea_orm::sea_query::Query as SqlQuery;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;
use xueji_shared::api::{ErrorBody, FieldError, OrgSummary};
use xueji_shared::api_students::{
    problem_kind_label, student_status_label, NumberHistory, ProblemInfo, StudentCard, StudentPage,
    StudentSummary, STUDENT_STATUSES,
};
use xueji_shared::dedup;
use xueji_shared::org::Level;
use xueji_shared::problem::ProblemState;
use xueji_shared::record::StudentRecord;
use xueji_shared::stage::Stage;
use xueji_shared::student_number::Kind;

use crate::auth::Caller;
use crate::entities::{classes, organisations, problems, student_numbers, students};
use crate::error::{ApiPath, ApiQuery, AppError, AppResult};
use crate::state::AppState;
use crate::student::grades;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StudentQuery {
    /// A student number (exact), an ID number (exact), or part of a name.
    pub q: Option<String>,
    /// Only this school (of the jurisdiction).
    #[param(value_type = Option<i64>)]
    pub school_id: Option<String>,
    /// Only the schools under this organisation of the jurisdiction (a city, a county, …).
    #[param(value_type = Option<i64>)]
    pub org_id: Option<String>,
    /// Only this grade (national grade code 11–16, 21–24, 31–33), as of today.
    pub grade: Option<String>,
    /// Only this class (of a school of the jurisdiction): students placed in it, or whose
    /// record names its grade and class name.
    #[param(value_type = Option<i64>)]
    pub class_id: Option<String>,
    /// Only this status (`active`, `suspended`, …; `xueji_shared::api_students::STUDENT_STATUSES`).
    pub status: Option<String>,
    /// Only students with (true) or without (false) an unresolved problem record.
    #[param(value_type = Option<bool>)]
    pub problem: Option<String>,
    /// 1-based.
    #[param(value_type = Option<u32>)]
    pub page: Option<String>,
    /// At most 200; default 50.
    #[param(value_type = Option<u32>)]
    pub per_page: Option<String>,
}

/// The filters of a search, checked: every bad value is reported at once, by field.
#[derive(Debug, Default)]
struct Filters {
    school_id: Option<i64>,
    org_id: Option<i64>,
    grade: Option<(Stage, i32)>,
    class_id: Option<i64>,
    status: Option<&'static str>,
    problem: Option<bool>,
    page: u32,
    per_page: u32,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn parse_id(
    field: &str,
    what: &str,
    v: &Option<String>,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let t = given(v)?;
    match t.parse::<i64>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            errors.push(FieldError::new(field, format!("{what}编号“{t}”无效")));
            None
        }
    }
}

impl StudentQuery {
    fn filters(&self, today: chrono::NaiveDate) -> AppResult<Filters> {
        let mut errors = Vec::new();
        let school_id = parse_id("school_id", "学校", &self.school_id, &mut errors);
        let org_id = parse_id("org_id", "单位", &self.org_id, &mut errors);
        let class_id = parse_id("class_id", "班级", &self.class_id, &mut errors);
        let grade = given(&self.grade).and_then(|t| {
            let g = grades::cohort_in(t, today);
            if g.is_none() {
                errors.push(FieldError::new(
                    "grade",
                    format!("年级代码“{t}”无效（小学11–16，初中21–24，高中31–33）"),
                ));
            }
            g
        });
        let status = given(&self.status).and_then(|t| {
            let code = STUDENT_STATUSES
                .iter()
                .find(|(c, _)| *c == t)
                .map(|(c, _)| *c);
            if code.is_none() {
                errors.push(FieldError::new("status", format!("学籍状态“{t}”无效")));
            }
            code
        });
        let problem = match given(&self.problem) {
            None => None,
            Some("true" | "1") => Some(true),
            Some("false" | "0") => Some(false),
            Some(_) => {
                errors.push(FieldError::new("problem", "问题学籍筛选应为 true 或 false"));
                None
            }
        };
        let page = match given(&self.page).map(str::parse::<u32>) {
            None => 1,
            Some(Ok(n)) if n >= 1 => n,
            Some(_) => {
                errors.push(FieldError::new("page", "页码应为正整数"));
                1
            }
        };
        let per_page = match given(&self.per_page).map(str::parse::<u32>) {
            None => 50,
            Some(Ok(n)) => n.clamp(1, 200),
            Some(Err(_)) => {
                errors.push(FieldError::new("per_page", "每页条数应为1至200的整数"));
                50
            }
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(Filters {
            school_id,
            org_id,
            grade,
            class_id,
            status,
            problem,
            page,
            per_page,
        })
    }
}

/// `LIKE '%text%'` with the text's own `%`, `_` and `\\` escaped, so `q=_` or `q=%` matches
/// only names containing that character (an explicit `ESCAPE`: PostgreSQL and SQLite differ
/// in their defaults).
fn contains_literally(text: &str) -> sea_orm::sea_query::LikeExpr {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')
}

fn status_label(code: &str) -> String {
    student_status_label(code).unwrap_or(code).to_owned()
}

/// Students concerned by an unresolved problem record (either side of a pair).
fn problem_ids(side: problems::Column) -> sea_orm::sea_query::SelectStatement {
    SqlQuery::select()
        .column(side)
        .from(problems::Entity)
        .and_where(problems::Column::State.ne(ProblemState::Resolved.as_str()))
        .and_where(side.is_not_null())
        .to_owned()
}

fn has_open_problem() -> Condition {
    Condition::any()
        .add(students::Column::Id.in_subquery(problem_ids(problems::Column::StudentId)))
        .add(students::Column::Id.in_subquery(problem_ids(problems::Column::OtherStudentId)))
}

/// The students of the caller's jurisdiction that the query's filters select (its page and
/// per-page aside): the search's and the exports' one definition.
pub async fn selection<C: sea_orm::ConnectionTrait>(
    db: &C,
    caller: &Caller,
    q: &StudentQuery,
    today: chrono::NaiveDate,
) -> AppResult<sea_orm::Select<students::Entity>> {
    let scope = caller.scope();
    let f = q.filters(today)?;
    let mut select = scope.owned(students::Entity::find(), students::Column::SchoolId);
    if let Some(school) = f.school_id {
        let school = scope.org(db, school).await?;
        select = select.filter(students::Column::SchoolId.eq(school.id));
    }
    if let Some(org) = f.org_id {
        let org = scope.org(db, org).await?;
        let below = SqlQuery::select()
            .column(organisations::Column::Id)
            .from(organisations::Entity)
            .and_where(organisations::Column::Path.like(format!("{}%", org.path)))
            .to_owned();
        select = select.filter(students::Column::SchoolId.in_subquery(below));
    }
    if let Some(class) = f.class_id {
        let class = scope
            .owned(classes::Entity::find(), classes::Column::SchoolId)
            .filter(classes::Column::Id.eq(class))
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut by_record = Condition::all()
            .add(students::Column::ClassId.is_null())
            .add(students::Column::ClassName.eq(class.name.clone()));
        by_record = match grades::cohort_of_class(&class, today) {
            Some((stage, cohort)) => by_record
                .add(students::Column::Stage.eq(stage.as_str()))
                .add(students::Column::Cohort.eq(cohort)),
            None => by_record.add(students::Column::Id.is_null()),
        };
        select = select
            .filter(students::Column::SchoolId.eq(class.school_id))
            .filter(
                Condition::any()
                    .add(students::Column::ClassId.eq(class.id))
                    .add(by_record),
            );
    }
    if let Some((stage, cohort)) = f.grade {
        select = select
            .filter(students::Column::Stage.eq(stage.as_str()))
            .filter(students::Column::Cohort.eq(cohort));
    }
    if let Some(status) = f.status {
        select = select.filter(students::Column::Status.eq(status));
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let text: String = text.chars().take(32).collect();
        let upper = text.to_uppercase();
        let id = dedup::normalise_id_number(&text);
        let mut any = Condition::any()
            .add(students::Column::StudentNumber.eq(upper))
            .add(students::Column::IdNumber.eq(id));
        // A text of separators only (`_`, `·`) names no one: no `LIKE '%%'`.
        let name = dedup::normalise_name(&text);
        if !name.is_empty() {
            any = any.add(students::Column::Name.like(contains_literally(&name)));
        }
        select = select.filter(any);
    }
    match f.problem {
        Some(true) => select = select.filter(has_open_problem()),
        Some(false) => select = select.filter(has_open_problem().not()),
        None => {}
    }
    Ok(select)
}

/// Students of the caller's jurisdiction.
#[utoipa::path(get, path = "/students", tag = "学籍查询", params(StudentQuery), security(("bearer" = [])),
    responses((status = 200, body = StudentPage), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "学校或班级不在管辖范围内"),
        (status = 422, body = ErrorBody, description = "筛选条件无效")))]
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<StudentQuery>,
) -> AppResult<Json<StudentPage>> {
    caller.require_business()?;
    let today = crate::clock::today();
    let f = q.filters(today)?;
    let (page, per_page) = (f.page, f.per_page);
    let select = selection(&state.db, &caller, &q, today).await?;
    let total = select.clone().count(&state.db).await?;
    let rows = select
        .order_by_asc(students::Column::SchoolId)
        .order_by_asc(students::Column::Id)
        .offset(u64::from(page - 1) * u64::from(per_page))
        .limit(u64::from(per_page))
        .all(&state.db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let pairs: Vec<(i64, Option<i64>)> = problems::Entity::find()
        .select_only()
        .column(problems::Column::StudentId)
        .column(problems::Column::OtherStudentId)
        .filter(problems::Column::State.ne(ProblemState::Resolved.as_str()))
        .filter(
            Condition::any()
                .add(problems::Column::StudentId.is_in(ids.clone()))
                .add(problems::Column::OtherStudentId.is_in(ids)),
        )
        .into_tuple()
        .all(&state.db)
        .await?;
    let flagged: HashSet<i64> = pairs
        .into_iter()
        .flat_map(|(a, b)| std::iter::once(a).chain(b))
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
        .map(|s| {
            let (grade, grade_label) = grades::current(s.stage.as_deref(), s.cohort, today);
            StudentSummary {
                has_problem: flagged.contains(&s.id),
                school_name: schools.get(&s.school_id).cloned().unwrap_or_default(),
                id: s.id,
                student_number: s.student_number,
                number_kind: s.number_kind,
                name: s.name,
                gender: s.gender,
                birth_date: s.birth_date.to_string(),
                school_id: s.school_id,
                status_label: status_label(&s.status),
                status: s.status,
                grade,
                grade_label,
                class_name: s.class_name,
            }
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
#[utoipa::path(get, path = "/students/{id}",
    params(("id" = i64, Path, description = "编号")), tag = "学籍查询", security(("bearer" = [])),
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
    let (grade, grade_label) = grades::current(s.stage.as_deref(), s.cohort, crate::clock::today());
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
        status_label: status_label(&s.status),
        status: s.status,
        grade,
        grade_label,
        class_name: s.class_name,
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
