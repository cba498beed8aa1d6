//! Deleting a record (删除学籍) outside problem handling: a temporary (L) record by its
//! authority; a record with a formal number (G/J) only by the province, with evidence, where the
//! province's switch allows (seed 001 第一章 5; 省级开关「可删除有正式学籍号的学生」).

use axum::extract::State;
use axum::Json;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use xueji_shared::api::{ErrorBody, FieldError};
use xueji_shared::api_students::StudentSummary;
use xueji_shared::business::problems::api_problems::DeleteStudentInput;
use xueji_shared::business::problems::problem::{formal_deletion_check, MAX_EVIDENCE};
use xueji_shared::org::{Level, Role};

use crate::audit::{self, Entry};
use crate::auth::Caller;
use crate::entities::{organisations, students};
use crate::error::{ApiJson, ApiPath, AppError, AppResult};
use crate::settings;
use crate::state::AppState;
use crate::student::{self, STATUS_DELETED};

/// Delete a student record of the caller's jurisdiction.
#[utoipa::path(post, path = "/students/{id}/deletion",
    params(("id" = i64, Path, description = "编号")), tag = "学籍查询",
    request_body = DeleteStudentInput, security(("bearer" = [])), responses(
    (status = 200, body = StudentSummary),
    (status = 403, body = ErrorBody, description = "无权删除（正式学籍号仅省级、开关开启时可删）"),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "已删除"),
    (status = 422, body = ErrorBody, description = "缺少原因或证明材料"),
))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DeleteStudentInput>,
) -> AppResult<Json<StudentSummary>> {
    caller.require_business()?;
    let tx = state.begin_write().await?;
    let student = caller
        .scope()
        .owned(students::Entity::find(), students::Column::SchoolId)
        .filter(students::Column::Id.eq(id))
        .one(&*tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if student.status == STATUS_DELETED {
        return Err(AppError::Conflict("该学籍已删除".into()));
    }
    let registrar = caller.role == Role::Registrar;
    let mut fields: Vec<FieldError> = if student.number_kind == "L" {
        if !registrar || caller.level == Level::School {
            return Err(AppError::Forbidden(
                "临时学籍由学籍主管教育部门的学籍管理员删除".into(),
            ));
        }
        if input.reason.trim().is_empty() {
            vec![FieldError::new("reason", "请填写删除原因")]
        } else {
            Vec::new()
        }
    } else {
        let (switches, _) = settings::switches(&*tx, &student.province_code).await?;
        let all = formal_deletion_check(
            switches.delete_with_formal_number,
            registrar && caller.level == Level::Province,
            input.evidence.len(),
            &input.reason,
        );
        if let Some(f) = all
            .iter()
            .find(|f| f.field == "caller" || f.field == "switch")
        {
            return Err(AppError::Forbidden(f.message.clone()));
        }
        all
    };
    if input.reason.chars().count() > 500 {
        fields.push(FieldError::new("reason", "原因不能超过 500 个字"));
    }
    if input.evidence.len() > MAX_EVIDENCE {
        fields.push(FieldError::new(
            "evidence",
            format!("证明材料最多 {MAX_EVIDENCE} 个文件"),
        ));
    }
    for (i, sha) in input.evidence.iter().enumerate() {
        if !state.evidence.exists(sha).await? {
            fields.push(FieldError::new(
                format!("evidence[{i}]"),
                "证明材料不存在，请重新上传",
            ));
        }
    }
    if !fields.is_empty() {
        return Err(AppError::Validation(fields));
    }
    let before = json!({ "status": student.status, "student_number": student.student_number });
    let deleted = student::delete_student(&*tx, student).await?;
    let effects = crate::business::problems::leave_other_problems(&*tx, deleted.id, 0).await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "student.delete",
            object_type: "student",
            object_id: Some(deleted.id.to_string()),
            before: Some(before),
            after: Some(json!({
                "status": deleted.status,
                "reason": input.reason.trim(),
                "evidence": input.evidence,
                "effects": effects,
            })),
        },
    )
    .await?;
    let school = organisations::Entity::find_by_id(deleted.school_id)
        .one(&*tx)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(Json(StudentSummary {
        id: deleted.id,
        student_number: deleted.student_number,
        number_kind: deleted.number_kind,
        name: deleted.name,
        gender: deleted.gender,
        birth_date: deleted.birth_date.to_string(),
        school_id: deleted.school_id,
        school_name: school.name,
        status_label: xueji_shared::api_students::student_status_label(&deleted.status)
            .unwrap_or_default()
            .to_owned(),
        status: deleted.status,
        grade: None,
        grade_label: None,
        class_name: deleted.class_name,
        has_problem: false,
    }))
}
