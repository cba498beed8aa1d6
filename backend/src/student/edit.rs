//! Writing an edited record (学籍维护 and approved 关键信息变更, seed 001 第二章 1): the record
//! and the columns derived from it, claimed at the version the edit was made against (an edit
//! from a stale form, or one racing another, is 409 and writes nothing); for identity changes
//! the national duplicate check again — the identity claim moves to the new ID, a clash opens a
//! problem record instead of a second record of the person — and the number the record is now
//! entitled to (J → G when it received a valid citizen ID, the J number kept in the number
//! history); and the record's history (`student_history`). Inside the caller's write
//! transaction, which also holds its audit entries. Nothing here imports a business.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use xueji_shared::business::problems::problem::ProblemKind;
use xueji_shared::codes::{Gender, ID_TYPE_OTHER};
use xueji_shared::dedup;
use xueji_shared::record::StudentRecord;

use super::identity::{self, Claim};
use crate::entities::{identity_claims, problems, student_history, students};
use crate::error::{AppError, AppResult};

/// Statuses whose basic data is frozen (seed 001 第三章 2: 学生毕业和结业操作完成后，不能再对学生
/// 基本信息进行修改).
pub const FROZEN_STATUSES: [&str; 2] = ["graduated", "completed"];

/// Why a record cannot be edited now, if it cannot.
pub fn not_editable_reason(student: &students::Model) -> Option<String> {
    if FROZEN_STATUSES.contains(&student.status.as_str()) {
        return Some(xueji_shared::controlled::ControlledError::Frozen.to_string());
    }
    if student.status == super::STATUS_DELETED {
        return Some("该学籍已删除，不能修改".into());
    }
    None
}

/// The record as stored, with the number the system manages cleared (for diffs and checks).
pub fn stored_record(student: &students::Model) -> AppResult<StudentRecord> {
    serde_json::from_str(&student.record).map_err(AppError::internal)
}

/// What writing an edit did.
#[derive(Debug, Clone)]
pub struct Written {
    pub student: students::Model,
    /// An identity change clashed with another record: the problem record opened.
    pub problem: Option<problems::Model>,
    /// The number changed (old, new): J → G, or G of the old ID → G of the new one.
    pub number: Option<(String, String)>,
}

fn stale(current: i32) -> AppError {
    AppError::Conflict(format!(
        "学籍信息已被他人修改（当前版本 {current}），请刷新后重新编辑"
    ))
}

/// Write `record` (already validated) over `student`, claimed at `version`: one conditional
/// update of the record, its derived columns and `version + 1`. When `identity` is set the
/// duplicate check runs again and the number follows the new identity.
pub async fn write_record<C: ConnectionTrait>(
    conn: &C,
    student: &students::Model,
    record: &StudentRecord,
    version: i32,
    identity: bool,
) -> AppResult<Written> {
    let today = crate::clock::today();
    let mut stored = record.clone();
    stored.student_number = student.student_number.clone();
    let birth = record
        .birth_date
        .ok_or_else(|| AppError::field("record.birth_date", "请填写出生日期"))?;
    let gender = Gender::from_code(&record.gender)
        .ok_or_else(|| AppError::field("record.gender", "性别代码无效"))?;
    let has_id = record.id_type != ID_TYPE_OTHER && !record.id_number.trim().is_empty();
    let id_key = if has_id {
        dedup::id_key(&record.id_type, &record.id_number, today)
    } else {
        None
    };
    let person_key = dedup::person_key(&record.name, gender, birth);
    let class = record.class_name.trim();
    let class_name: Option<String> = (!class.is_empty()).then(|| class.chars().take(30).collect());
    let mut update = students::Entity::update_many()
        .col_expr(
            students::Column::Version,
            Expr::col(students::Column::Version).add(1),
        )
        .col_expr(
            students::Column::Record,
            Expr::value(serde_json::to_string(&stored).map_err(AppError::internal)?),
        )
        .col_expr(students::Column::Name, Expr::value(record.name.trim()))
        .col_expr(students::Column::Gender, Expr::value(record.gender.clone()))
        .col_expr(students::Column::BirthDate, Expr::value(birth))
        .col_expr(
            students::Column::IdType,
            Expr::value(record.id_type.clone()),
        )
        .col_expr(
            students::Column::IdNumber,
            Expr::value(has_id.then(|| dedup::normalise_id_number(&record.id_number))),
        )
        .col_expr(students::Column::IdKey, Expr::value(id_key.clone()))
        .col_expr(students::Column::PersonKey, Expr::value(person_key.clone()))
        .col_expr(students::Column::UpdatedAt, Expr::value(Utc::now()));
    if student.class_name != class_name {
        // A class changed by name: the placement by class id no longer holds.
        update = update
            .col_expr(students::Column::ClassName, Expr::value(class_name))
            .col_expr(students::Column::ClassId, Expr::value(None::<i64>));
    }
    let done = update
        .filter(students::Column::Id.eq(student.id))
        .filter(students::Column::Version.eq(version))
        .exec(conn)
        .await?;
    let current = students::Entity::find_by_id(student.id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if done.rows_affected != 1 {
        return Err(stale(current.version));
    }
    if !identity {
        return Ok(Written {
            student: current,
            problem: None,
            number: None,
        });
    }
    // The old identity is no longer this record's; the new one is checked against the country.
    identity_claims::Entity::delete_many()
        .filter(identity_claims::Column::StudentId.eq(current.id))
        .exec(conn)
        .await?;
    let duplicate = match &id_key {
        Some(key) => match identity::claim(conn, key, current.id, &current.province_code).await? {
            Claim::Won => None,
            Claim::Taken { owner } => Some((ProblemKind::DupWithId, owner)),
        },
        None => identity::person_matches(conn, &person_key, Some(current.id), 1)
            .await?
            .first()
            .map(|o| (ProblemKind::DupWithoutId, *o)),
    };
    let problem = match duplicate {
        Some((kind, other)) => Some(
            super::open_problem(conn, &current.province_code, kind, current.id, Some(other))
                .await?,
        ),
        None => None,
    };
    let before = current.student_number.clone();
    let student = super::formalise(conn, current, "身份信息变更，重新核定学籍号").await?;
    let number =
        (student.student_number != before).then(|| (before, student.student_number.clone()));
    Ok(Written {
        student,
        problem,
        number,
    })
}

/// Refuse when the record moved past `version` (an edit made from a stale form).
pub fn check_version(student: &students::Model, version: i32) -> AppResult<()> {
    if student.version != version {
        return Err(stale(student.version));
    }
    Ok(())
}

/// One history entry of a student: `edit`, `change` (with its request) or `number`; `changes`
/// is the business's field-level diff (stored as JSON).
#[allow(clippy::too_many_arguments)]
pub async fn record_history<C: ConnectionTrait>(
    conn: &C,
    student: &students::Model,
    kind: &str,
    request_id: Option<i64>,
    changes: &(impl serde::Serialize + ?Sized),
    actor_id: i64,
    actor_org_id: i64,
) -> AppResult<student_history::Model> {
    Ok(student_history::ActiveModel {
        student_id: Set(student.id),
        province_code: Set(student.province_code.clone()),
        kind: Set(kind.to_owned()),
        request_id: Set(request_id),
        changes: Set(serde_json::to_string(changes).map_err(AppError::internal)?),
        actor_id: Set(actor_id),
        actor_org_id: Set(actor_org_id),
        at: Set(crate::engine::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// How many history entries a student has.
pub async fn history_count<C: ConnectionTrait>(conn: &C, student_id: i64) -> AppResult<u64> {
    Ok(student_history::Entity::find()
        .filter(student_history::Column::StudentId.eq(student_id))
        .count(conn)
        .await?)
}
