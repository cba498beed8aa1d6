//! The national lookup before registering a student arriving from abroad (来华归国学生注册,
//! seed 001 第一章 3): "检查全国学籍系统中是否存在该学生的电子学籍，如无则新建". It searches the
//! whole country — by ID, or without an ID by name, gender and birth date — and answers only
//! what identifies the student and where the record is.

use std::collections::HashMap;

use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use xueji_shared::api::{ErrorBody, FieldError};
use xueji_shared::business::registration::api_registration::{ArrivalLookup, ArrivalMatch};
use xueji_shared::citizen_id::CitizenId;
use xueji_shared::codes::{Gender, ID_TYPE_OTHER, ID_TYPE_RESIDENT_CARD};
use xueji_shared::dedup;

use crate::auth::Caller;
use crate::entities::{organisations, students};
use crate::error::{ApiQuery, AppError, AppResult};
use crate::state::AppState;
use crate::student::STATUS_DELETED;

#[utoipa::path(get, path = "/students/lookup", tag = "学籍注册", params(ArrivalLookup),
    security(("bearer" = [])), responses(
    (status = 200, body = Vec<ArrivalMatch>),
    (status = 422, body = ErrorBody, description = "身份证件号无效，或缺少姓名、性别、出生日期"),
))]
pub async fn lookup(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ArrivalLookup>,
) -> AppResult<Json<Vec<ArrivalMatch>>> {
    caller.require_business()?;
    let today = crate::clock::today();
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let (id_type, id_number) = (text(&q.id_type), text(&q.id_number));
    let (name, gender, birth) = (text(&q.name), text(&q.gender), text(&q.birth_date));
    let (rows, by) = if !id_number.is_empty() && id_type != ID_TYPE_OTHER {
        let id_type = if id_type.is_empty() {
            "1".to_owned()
        } else {
            id_type
        };
        if id_type == ID_TYPE_RESIDENT_CARD {
            if let Err(e) = CitizenId::parse_any(&id_number, today) {
                return Err(AppError::field("id_number", format!("身份证号无效：{e}")));
            }
        }
        let key = dedup::id_key(&id_type, &id_number, today)
            .ok_or_else(|| AppError::field("id_number", "身份证件号无效，请检查后再查找"))?;
        let rows = students::Entity::find()
            .filter(students::Column::IdKey.eq(key))
            .filter(students::Column::Status.ne(STATUS_DELETED))
            .order_by_asc(students::Column::Id)
            .limit(10)
            .all(&state.db)
            .await?;
        (rows, "id")
    } else {
        let mut fields = Vec::new();
        if name.is_empty() {
            fields.push(FieldError::new(
                "name",
                "请填写身份证件号，或姓名、性别和出生日期",
            ));
        }
        let g = Gender::from_code(&gender);
        if g.is_none() {
            fields.push(FieldError::new("gender", "请选择性别"));
        }
        let b = NaiveDate::parse_from_str(&birth, "%Y-%m-%d").ok();
        if b.is_none() {
            fields.push(FieldError::new("birth_date", "出生日期格式应为 YYYY-MM-DD"));
        }
        let (Some(g), Some(b), true) = (g, b, fields.is_empty()) else {
            return Err(AppError::Validation(fields));
        };
        let rows = students::Entity::find()
            .filter(students::Column::PersonKey.eq(dedup::person_key(&name, g, b)))
            .filter(students::Column::Status.ne(STATUS_DELETED))
            .order_by_asc(students::Column::Id)
            .limit(10)
            .all(&state.db)
            .await?;
        (rows, "person")
    };
    let schools: HashMap<i64, String> = organisations::Entity::find()
        .filter(
            organisations::Column::Id.is_in(rows.iter().map(|s| s.school_id).collect::<Vec<_>>()),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(Json(
        rows.into_iter()
            .map(|s| ArrivalMatch {
                school_name: schools.get(&s.school_id).cloned().unwrap_or_default(),
                student_id: s.id,
                student_number: s.student_number,
                name: s.name,
                gender: s.gender,
                birth_date: s.birth_date.to_string(),
                status: s.status,
                matched_by: by.to_owned(),
            })
            .collect(),
    ))
}
