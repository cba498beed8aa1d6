//! The student record and its numbers: the module every business's effect writes through.
//!
//! - [`register`]: a record becomes a student with a temporary L number, the national duplicate
//!   check runs ([`identity`]), and the student gets a formal number — G + citizen ID, or J for
//!   students without one — or a problem record (问题学籍, [`problem_records`]) that keeps the L
//!   number until it is resolved (seed 001 第一章).
//! - Numbering: [`formalise`] (L → G/J, J → G), the person's G number moving to the surviving
//!   record of a duplicate, the number history.
//! - Lifecycle: [`delete_student`], [`reuse_for_arrival`]; where a student sits ([`grades`]).
//!
//! Everything happens inside the caller's write transaction, together with its audit entry.
//! Nothing here imports a business.

pub mod edit;
pub mod grades;
pub mod identity;
pub mod problem_records;

pub use problem_records::{has_open_problem, open_problem};

use chrono::Utc;
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, Set,
};
use xueji_shared::business::problems::problem::ProblemKind;
use xueji_shared::business::registration::api_registration::{
    registration_rules, RegistrationKind,
};
use xueji_shared::citizen_id::CitizenId;
use xueji_shared::codes::{Gender, ID_TYPE_OTHER, ID_TYPE_RESIDENT_CARD};
use xueji_shared::dedup;
use xueji_shared::org::SchoolKind;
use xueji_shared::record::{RecordRules, StudentRecord};
use xueji_shared::student_number::{Kind, StudentNumber};

use crate::entities::{organisations, problems, student_numbers, students};
use crate::error::{AppError, AppResult};
use identity::Claim;

/// Problem kinds (问题学籍类型).
pub const PROBLEM_INVALID_ID: &str = "invalid_id";
pub const PROBLEM_DUP_WITH_ID: &str = "dup_with_id";
pub const PROBLEM_DUP_WITHOUT_ID: &str = "dup_without_id";

/// What registering a record led to.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The checks passed: the student holds a formal G or J number.
    Formal { student: students::Model },
    /// A duplicate was found: the student keeps its L number and a problem record is open.
    Problem {
        student: students::Model,
        problem: Box<problems::Model>,
    },
}

impl Outcome {
    pub fn student(&self) -> &students::Model {
        match self {
            Outcome::Formal { student } | Outcome::Problem { student, .. } => student,
        }
    }
}

fn school_region(school: &organisations::Model) -> AppResult<u32> {
    school
        .region_code
        .as_deref()
        .and_then(|r| r.get(..6))
        .and_then(|r| r.parse().ok())
        .ok_or_else(|| AppError::Internal(format!("school {} has no region code", school.id)))
}

/// The rules a school's records are checked by: its stages, today, the province's grade-1 age
/// control for new pupils.
pub async fn rules_for<C: ConnectionTrait>(
    conn: &C,
    school: &organisations::Model,
    kind: RegistrationKind,
) -> AppResult<RecordRules> {
    let stages = school
        .stages
        .as_deref()
        .and_then(SchoolKind::parse)
        .map(|k| k.stages().to_vec())
        .unwrap_or_default();
    let (switches, _) = crate::settings::switches(conn, &school.province_code).await?;
    let rules = registration_rules(crate::clock::today(), stages, kind, &switches);
    Ok(rules)
}

/// Register an approved record at `school`.
pub async fn register<C: ConnectionTrait>(
    conn: &C,
    school: &organisations::Model,
    record: &StudentRecord,
    rules: &RecordRules,
) -> AppResult<Outcome> {
    let fields = record.validate_all(rules);
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let birth = record
        .birth_date
        .ok_or_else(|| AppError::field("birth_date", "出生日期不能为空"))?;
    let gender = Gender::from_code(&record.gender)
        .ok_or_else(|| AppError::field("gender", "性别代码无效"))?;
    let has_id = record.id_type != ID_TYPE_OTHER && !record.id_number.trim().is_empty();
    let id_key = if has_id {
        dedup::id_key(&record.id_type, &record.id_number, rules.today)
    } else {
        None
    };
    let person_key = dedup::person_key(&record.name, gender, birth);
    let region = school_region(school)?;
    let now = Utc::now();

    // Insert under a placeholder number, then give it the L number built from its id.
    let placeholder = format!(
        "P{:018}",
        rand::thread_rng().gen_range(0..1_000_000_000_000_000_000u64)
    );
    let inserted = students::ActiveModel {
        province_code: Set(school.province_code.clone()),
        school_id: Set(school.id),
        class_id: Set(None),
        student_number: Set(placeholder),
        number_kind: Set("L".into()),
        status: Set("active".into()),
        name: Set(record.name.trim().to_owned()),
        gender: Set(record.gender.clone()),
        birth_date: Set(birth),
        id_type: Set(record.id_type.clone()),
        id_number: Set(has_id.then(|| dedup::normalise_id_number(&record.id_number))),
        id_key: Set(id_key.clone()),
        person_key: Set(person_key.clone()),
        record: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..grades::placement(record, rules) // stage, cohort, class name
    }
    .insert(conn)
    .await?;
    let serial = u64::try_from(inserted.id).map_err(AppError::internal)?;
    let l = StudentNumber::generate_l(region, serial, rules.today)
        .map_err(|e| AppError::Internal(format!("L number: {e}")))?;
    let mut stored = record.clone();
    stored.student_number = l.as_str().to_owned();
    let mut am = inserted.into_active_model();
    am.student_number = Set(l.as_str().to_owned());
    am.record = Set(serde_json::to_string(&stored).map_err(AppError::internal)?);
    let student = am.update(conn).await?;
    history(conn, &student, l.as_str(), Kind::L, "临时学籍号").await?;

    // The national duplicate check: one index probe either way.
    let duplicate = match &id_key {
        Some(key) => match identity::claim(conn, key, student.id, &school.province_code).await? {
            Claim::Won => None,
            Claim::Taken { owner } => Some((PROBLEM_DUP_WITH_ID, owner)),
        },
        None => identity::person_matches(conn, &person_key, Some(student.id), 1)
            .await?
            .first()
            .map(|other| (PROBLEM_DUP_WITHOUT_ID, *other)),
    };
    if let Some((kind, other)) = duplicate {
        let kind = ProblemKind::parse(kind)
            .ok_or_else(|| AppError::Internal(format!("problem kind {kind}")))?;
        let problem =
            open_problem(conn, &school.province_code, kind, student.id, Some(other)).await?;
        return Ok(Outcome::Problem {
            student,
            problem: Box::new(problem),
        });
    }

    let formal = if record.id_type == ID_TYPE_RESIDENT_CARD && has_id {
        let id = CitizenId::parse_any(&record.id_number, rules.today)
            .map_err(|e| AppError::field("id_number", e.to_string()))?;
        StudentNumber::from_citizen_id(&id)
    } else {
        next_j(conn, region, birth, rules.today).await?
    };
    let student = assign(conn, student, formal, &stored).await?;
    Ok(Outcome::Formal { student })
}

/// The next free J number for (region, birth date): J numbers, like citizen IDs, carry a
/// 3-digit sequence per region and birth date.
async fn next_j<C: ConnectionTrait>(
    conn: &C,
    region: u32,
    birth: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> AppResult<StudentNumber> {
    let prefix = format!("J{region:06}{}", birth.format("%Y%m%d"));
    let used = student_numbers::Entity::find()
        .filter(student_numbers::Column::Number.starts_with(&prefix))
        .count(conn)
        .await?;
    for seq in used..1000 {
        let n = StudentNumber::generate_j(region, birth, seq as u32, today)
            .map_err(|e| AppError::Internal(format!("J number: {e}")))?;
        let taken = student_numbers::Entity::find()
            .filter(student_numbers::Column::Number.eq(n.as_str()))
            .count(conn)
            .await?;
        if taken == 0 {
            return Ok(n);
        }
    }
    Err(AppError::Conflict(format!(
        "{region:06} 地区 {birth} 出生的无身份证学生已超过 1000 人，无法分配 J 字头学籍号"
    )))
}

/// Replace the student's current number by a formal one, keeping the old one in the history.
async fn assign<C: ConnectionTrait>(
    conn: &C,
    student: students::Model,
    number: StudentNumber,
    record: &StudentRecord,
) -> AppResult<students::Model> {
    assign_with_reason(conn, student, number, record, "查重通过，分配正式学籍号").await
}

async fn assign_with_reason<C: ConnectionTrait>(
    conn: &C,
    student: students::Model,
    number: StudentNumber,
    record: &StudentRecord,
    reason: &str,
) -> AppResult<students::Model> {
    let now = Utc::now();
    student_numbers::Entity::update_many()
        .col_expr(student_numbers::Column::RetiredAt, Expr::value(now))
        .filter(student_numbers::Column::StudentId.eq(student.id))
        .filter(student_numbers::Column::RetiredAt.is_null())
        .exec(conn)
        .await?;
    let kind = number.kind();
    let mut stored = record.clone();
    stored.student_number = number.as_str().to_owned();
    let version = student.version + 1;
    let mut am = student.into_active_model();
    am.version = Set(version);
    am.student_number = Set(number.as_str().to_owned());
    am.number_kind = Set(kind.prefix().to_string());
    am.record = Set(serde_json::to_string(&stored).map_err(AppError::internal)?);
    am.updated_at = Set(now);
    let student = am.update(conn).await?;
    history(conn, &student, number.as_str(), kind, reason).await?;
    Ok(student)
}

async fn history<C: ConnectionTrait>(
    conn: &C,
    student: &students::Model,
    number: &str,
    kind: Kind,
    reason: &str,
) -> AppResult<()> {
    student_numbers::ActiveModel {
        student_id: Set(student.id),
        province_code: Set(student.province_code.clone()),
        number: Set(number.to_owned()),
        kind: Set(kind.prefix().to_string()),
        assigned_at: Set(Utc::now()),
        retired_at: Set(None),
        reason: Set(reason.to_owned()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The formal number a record is entitled to now: G + citizen ID when it holds a valid resident
/// card number, otherwise its J number (kept if it has one, else a new one).
async fn formal_number_for<C: ConnectionTrait>(
    conn: &C,
    student: &students::Model,
    region: u32,
    today: chrono::NaiveDate,
) -> AppResult<StudentNumber> {
    if student.id_type == ID_TYPE_RESIDENT_CARD {
        if let Some(id) = student
            .id_number
            .as_deref()
            .and_then(|n| CitizenId::parse_any(n, today).ok())
        {
            return Ok(StudentNumber::from_citizen_id(&id));
        }
    }
    if student.number_kind == "J" {
        if let Ok(n) = StudentNumber::parse(&student.student_number, today) {
            return Ok(n);
        }
    }
    next_j(conn, region, student.birth_date, today).await
}

/// Give `student` the formal number it is entitled to, if it differs from its current one
/// (an L record whose checks have passed; a J record that received a valid ID becomes G),
/// keeping the old number in its history. Records with an unresolved problem keep theirs.
pub async fn formalise<C: ConnectionTrait>(
    conn: &C,
    student: students::Model,
    reason: &str,
) -> AppResult<students::Model> {
    if student.status == STATUS_DELETED || has_open_problem(conn, student.id).await? {
        return Ok(student);
    }
    let school = organisations::Entity::find_by_id(student.school_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal(format!("student {} has no school", student.id)))?;
    let today = crate::clock::today();
    let number = formal_number_for(conn, &student, school_region(&school)?, today).await?;
    if number.as_str() == student.student_number {
        return Ok(student);
    }
    let record: StudentRecord = serde_json::from_str(&student.record).unwrap_or_default();
    take_over_number(conn, &student, number.as_str()).await?;
    assign_with_reason(conn, student, number, &record, reason).await
}

/// A G number belongs to the person: when the surviving record of a duplicate needs the number
/// its deleted (or re-identified) duplicate held, the number moves over; the other record falls
/// back to its temporary L number. Audited by the caller's entry.
async fn take_over_number<C: ConnectionTrait>(
    conn: &C,
    student: &students::Model,
    number: &str,
) -> AppResult<()> {
    let Some(held) = student_numbers::Entity::find()
        .filter(student_numbers::Column::Number.eq(number))
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    if held.student_id == student.id {
        // Its own earlier number: drop the old row, the new one re-records it.
        student_numbers::Entity::delete_by_id(held.id)
            .exec(conn)
            .await?;
        return Ok(());
    }
    let other = students::Entity::find_by_id(held.student_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal(format!("number {number} without student")))?;
    if other.status != STATUS_DELETED && other.id_key.is_some() && other.id_key == student.id_key {
        return Err(AppError::Conflict(format!(
            "学籍号 {number} 仍由另一条有效学籍持有，须先处理重复学籍"
        )));
    }
    if other.student_number == number {
        let fallback = student_numbers::Entity::find()
            .filter(student_numbers::Column::StudentId.eq(other.id))
            .filter(student_numbers::Column::Kind.eq("L"))
            .one(conn)
            .await?
            .ok_or_else(|| AppError::Internal(format!("student {} has no L number", other.id)))?;
        let mut am = other.into_active_model();
        am.student_number = Set(fallback.number);
        am.number_kind = Set("L".into());
        am.updated_at = Set(Utc::now());
        am.update(conn).await?;
    }
    student_numbers::Entity::delete_by_id(held.id)
        .exec(conn)
        .await?;
    Ok(())
}

/// Status of a deleted record (删除学籍): kept for the history, out of every check.
pub const STATUS_DELETED: &str = "deleted";

/// Delete a record: it leaves the duplicate checks, its number is retired, its identity claim
/// released. The row and its history stay.
pub async fn delete_student<C: ConnectionTrait>(
    conn: &C,
    student: students::Model,
) -> AppResult<students::Model> {
    let now = Utc::now();
    student_numbers::Entity::update_many()
        .col_expr(student_numbers::Column::RetiredAt, Expr::value(now))
        .filter(student_numbers::Column::StudentId.eq(student.id))
        .filter(student_numbers::Column::RetiredAt.is_null())
        .exec(conn)
        .await?;
    crate::entities::identity_claims::Entity::delete_many()
        .filter(crate::entities::identity_claims::Column::StudentId.eq(student.id))
        .exec(conn)
        .await?;
    let version = student.version + 1;
    let mut am = student.into_active_model();
    am.version = Set(version);
    am.status = Set(STATUS_DELETED.into());
    am.updated_at = Set(now);
    Ok(am.update(conn).await?)
}

/// Whether `record` names the same person as `student`: the same ID key, or — without an ID —
/// the same name, gender and birth date.
pub fn same_person(student: &students::Model, record: &StudentRecord) -> bool {
    let today = crate::clock::today();
    let has_id = record.id_type != ID_TYPE_OTHER && !record.id_number.trim().is_empty();
    if has_id {
        return dedup::id_key(&record.id_type, &record.id_number, today).is_some()
            && dedup::id_key(&record.id_type, &record.id_number, today) == student.id_key;
    }
    match (record.birth_date, Gender::from_code(&record.gender)) {
        (Some(birth), Some(gender)) => {
            student.id_key.is_none()
                && dedup::person_key(&record.name, gender, birth) == student.person_key
        }
        _ => false,
    }
}

/// 来华归国 with an existing record: the record moves to `school` with the registered details;
/// it keeps its number and history.
pub async fn reuse_for_arrival<C: ConnectionTrait>(
    conn: &C,
    student_id: i64,
    school: &organisations::Model,
    record: &StudentRecord,
) -> AppResult<students::Model> {
    let student = students::Entity::find_by_id(student_id)
        .one(conn)
        .await?
        .filter(|s| s.status != STATUS_DELETED)
        .ok_or_else(|| AppError::Conflict("所选的已有学籍已被删除，请重新查找".into()))?;
    if !same_person(&student, record) {
        return Err(AppError::field(
            "existing_student_id",
            "所选的已有学籍与填写的身份信息不一致",
        ));
    }
    let mut stored = record.clone();
    stored.student_number = student.student_number.clone();
    let version = student.version + 1;
    let mut am = student.into_active_model();
    am.version = Set(version);
    am.school_id = Set(school.id);
    am.province_code = Set(school.province_code.clone());
    am.class_id = Set(None);
    am.status = Set("active".into());
    am.name = Set(record.name.trim().to_owned());
    am.record = Set(serde_json::to_string(&stored).map_err(AppError::internal)?);
    am.updated_at = Set(Utc::now());
    Ok(am.update(conn).await?)
}
