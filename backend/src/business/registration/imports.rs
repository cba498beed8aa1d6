//! Bulk registration (批量注册): the template, the upload, the job (progress, summary, report)
//! and the school's choice — import the valid rows, import only if every row is valid, or
//! cancel. The work itself is in [`crate::business::registration::import`]; the spreadsheets in [`crate::business::registration::xlsx`].

use std::sync::{Arc, OnceLock};

use axum::extract::State as AxState;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use xueji_shared::api::ErrorBody;
use xueji_shared::api_import::{
    CommitImport, ImportJobInfo, ImportMode, ImportStatus, REPORT_PREVIEW,
};
use xueji_shared::api_registration::RegistrationKind;
use xueji_shared::import::ImportRowError;
use xueji_shared::org::Role;
use xueji_shared::workflow::Business;

use crate::audit::{self, Entry};
use crate::auth::Caller;
use crate::business::registration::import::{self, Submitter};
use crate::business::registration::routes::check_submitter;
use crate::business::registration::xlsx;
use crate::entities::{import_jobs, organisations};
use crate::error::{
    multipart_error, ApiJson, ApiMultipart, ApiPath, ApiQuery, AppError, AppResult,
};
use crate::state::AppState;
use crate::student::rules_for;

/// Multipart form: `file` (the filled template, .xlsx, at most 50 MB / 100 000 rows, checked
/// by content) and `kind` (`in_school` or `grade1`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ImportUpload {
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
    #[schema(example = "in_school")]
    kind: String,
}

fn report_of(job: &import_jobs::Model) -> AppResult<Vec<ImportRowError>> {
    serde_json::from_str(&job.report).map_err(AppError::internal)
}

async fn info<C: sea_orm::ConnectionTrait>(
    conn: &C,
    job: &import_jobs::Model,
) -> AppResult<ImportJobInfo> {
    let school_name = organisations::Entity::find_by_id(job.school_id)
        .one(conn)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let mut report = report_of(job)?;
    let report_total = report.len() as u32;
    report.truncate(REPORT_PREVIEW);
    let status = ImportStatus::parse(&job.status).unwrap_or(ImportStatus::Failed);
    let n = |v: i32| u32::try_from(v).unwrap_or(0);
    Ok(ImportJobInfo {
        id: job.id,
        kind: RegistrationKind::parse(&job.kind).unwrap_or(RegistrationKind::InSchool),
        status,
        status_label: status.label().to_owned(),
        school_name,
        file_name: job.file_name.clone(),
        total_rows: n(job.total_rows),
        rows_done: n(job.rows_done),
        valid_rows: n(job.valid_rows),
        invalid_rows: n(job.invalid_rows),
        imported_rows: n(job.imported_rows),
        mode: job.mode.as_deref().and_then(|m| match m {
            "valid_only" => Some(ImportMode::ValidOnly),
            "all_or_nothing" => Some(ImportMode::AllOrNothing),
            _ => None,
        }),
        message: job.message.clone(),
        report_total,
        report,
        created_at: job.created_at.to_rfc3339(),
        updated_at: job.updated_at.to_rfc3339(),
    })
}

/// A job of the caller's jurisdiction, or 404.
async fn find(state: &AppState, caller: &Caller, id: i64) -> AppResult<import_jobs::Model> {
    caller.require_business()?;
    caller
        .scope()
        .owned(import_jobs::Entity::find(), import_jobs::Column::SchoolId)
        .filter(import_jobs::Column::Id.eq(id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Only the registrar of the job's own school decides about it.
fn require_owner(caller: &Caller, job: &import_jobs::Model) -> AppResult<()> {
    if caller.org.id == job.school_id && caller.role == Role::Registrar {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "只有本校学籍管理员可以导入或取消批量注册".into(),
        ))
    }
}

pub(crate) fn attachment(bytes: Vec<u8>, file_name: &str) -> Response {
    // RFC 5987: the UTF-8 name percent-encoded, an ASCII fallback for old clients.
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"import.xlsx\"; filename*=UTF-8''{encoded}");
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(xlsx::MIME));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The import template (.xlsx): the national columns, a note on each header saying how to
/// fill it, drop-down lists of the code values and a sheet 代码说明 with every code table.
/// `?layout=national`: the national system's import template (its header row), which the
/// upload recognises as well.
#[utoipa::path(get, path = "/imports/template.xlsx", tag = "学籍注册", security(("bearer" = [])),
    params(crate::business::registration::export::LayoutQuery),
    responses(
    (status = 200, description = "导入模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 403, body = ErrorBody, description = "系统管理员不办理业务"),
    (status = 422, body = ErrorBody, description = "未知的表格格式"),
))]
pub async fn template(
    caller: Caller,
    ApiQuery(l): ApiQuery<crate::business::registration::export::LayoutQuery>,
) -> AppResult<Response> {
    caller.require_business()?;
    if l.layout()? == xueji_shared::import::Layout::National {
        let bytes = crate::business::registration::export::national_template()?;
        return Ok(attachment(bytes, "学籍批量注册模板（全国系统格式）.xlsx"));
    }
    static TEMPLATE: OnceLock<Vec<u8>> = OnceLock::new();
    let bytes = match TEMPLATE.get() {
        Some(b) => b.clone(),
        None => {
            let b = tokio::task::spawn_blocking(xlsx::template)
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::Internal)?;
            TEMPLATE.get_or_init(|| b).clone()
        }
    };
    Ok(attachment(bytes, "学籍批量注册模板.xlsx"))
}

/// Upload a filled template (school registrars). The header row is checked at once (a file
/// that is not the template is refused with the reason); the rows are checked in the
/// background — poll `GET /imports/{id}` for the progress and the report.
#[utoipa::path(post, path = "/imports", tag = "学籍注册",
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])), responses(
    (status = 202, body = ImportJobInfo, description = "已接收，正在校验"),
    (status = 400, body = ErrorBody, description = "不是 multipart 表单"),
    (status = 413, body = ErrorBody, description = "超过 50 MB"),
    (status = 403, body = ErrorBody, description = "仅学校学籍管理员可以提交；小学新生注册未开放"),
    (status = 422, body = ErrorBody, description = "不是 .xlsx、为空、不是导入模板、超出模板的合理范围（压缩炸弹），或注册类型无效"),
))]
pub async fn upload(
    AxState(state): AxState<AppState>,
    caller: Caller,
    mut form: ApiMultipart,
) -> AppResult<(StatusCode, Json<ImportJobInfo>)> {
    caller.require_business()?;
    let mut bytes = None;
    let mut file_name = String::new();
    let mut kind_text = None;
    let limit_mb = xlsx::MAX_BYTES >> 20;
    while let Some(field) = form.next_field(limit_mb).await? {
        match field.name() {
            Some("file") => {
                file_name = field.file_name().unwrap_or("import.xlsx").to_owned();
                let data = field
                    .bytes()
                    .await
                    .map_err(|e| multipart_error(&e, limit_mb))?;
                bytes = Some(data);
            }
            Some("kind") => {
                kind_text = Some(field.text().await.unwrap_or_default());
            }
            _ => {}
        }
    }
    let kind = match kind_text.as_deref().map(str::trim) {
        None | Some("") => RegistrationKind::InSchool,
        Some(k) => RegistrationKind::parse(k)
            .filter(|k| matches!(k, RegistrationKind::InSchool | RegistrationKind::Grade1))
            .ok_or_else(|| {
                AppError::field("kind", "批量注册的类型只能是在校生注册或小学新生注册")
            })?,
    };
    let switches = check_submitter(&state.db, &caller, kind).await?;
    let bytes = bytes.ok_or_else(|| AppError::field("file", "请选择要上传的文件"))?;
    if bytes.is_empty() {
        return Err(AppError::field("file", "文件为空"));
    }
    if bytes.len() > xlsx::MAX_BYTES {
        return Err(AppError::PayloadTooLarge(format!(
            "file：文件不能超过 {limit_mb} MB"
        )));
    }
    let bytes = Arc::new(bytes.to_vec());
    // By content: a zip that opens as a workbook, whose first row is the template's header.
    let head = bytes.clone();
    tokio::task::spawn_blocking(move || xlsx::recognise(&head).map(|_| ()))
        .await
        .map_err(AppError::internal)?
        .map_err(|reason| AppError::field("file", reason))?;

    let school = caller.org.clone();
    let rules = rules_for(&state.db, &school, kind).await?;
    let sha = state.imports.put_raw(&bytes).await?;
    let name: String = file_name.chars().take(200).collect();
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let job = import_jobs::ActiveModel {
        province_code: Set(school.province_code.clone()),
        school_id: Set(school.id),
        kind: Set(kind.as_str().to_owned()),
        status: Set(ImportStatus::Checking.as_str().to_owned()),
        file_sha256: Set(sha.clone()),
        file_name: Set(name.clone()),
        file_size: Set(bytes.len() as i64),
        total_rows: Set(0),
        rows_done: Set(0),
        valid_rows: Set(0),
        invalid_rows: Set(0),
        imported_rows: Set(0),
        mode: Set(None),
        message: Set(None),
        report: Set("[]".into()),
        created_by: Set(caller.account.id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*tx)
    .await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "import.upload",
            object_type: "import_job",
            object_id: Some(job.id.to_string()),
            before: None,
            after: Some(json!({ "kind": kind, "file": name, "sha256": sha, "size": bytes.len(), "chain_up_to": switches.registration_up_to })),
        },
    )
    .await?;
    let out = info(&*tx, &job).await?;
    tx.commit().await?;
    import::start_check(state.clone(), job.id, bytes, rules);
    Ok((StatusCode::ACCEPTED, Json(out)))
}

/// The import jobs of the caller's jurisdiction, newest first (at most 20).
#[utoipa::path(get, path = "/imports", tag = "学籍注册", security(("bearer" = [])),
    responses((status = 200, body = Vec<ImportJobInfo>)))]
pub async fn list(
    AxState(state): AxState<AppState>,
    caller: Caller,
) -> AppResult<Json<Vec<ImportJobInfo>>> {
    caller.require_business()?;
    let rows = caller
        .scope()
        .owned(import_jobs::Entity::find(), import_jobs::Column::SchoolId)
        .order_by_desc(import_jobs::Column::Id)
        .limit(20)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let mut i = info(&state.db, r).await?;
        i.report.clear();
        out.push(i);
    }
    Ok(Json(out))
}

/// An import job: status, progress, counts and the first 200 report lines.
#[utoipa::path(get, path = "/imports/{id}",
    params(("id" = i64, Path, description = "编号")), tag = "学籍注册", security(("bearer" = [])),
    responses((status = 200, body = ImportJobInfo), (status = 404, body = ErrorBody)))]
pub async fn get(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ImportJobInfo>> {
    let job = find(&state, &caller, id).await?;
    Ok(Json(info(&state.db, &job).await?))
}

/// The full per-row report as a workbook (行号, 字段, 原因, 填写内容).
#[utoipa::path(get, path = "/imports/{id}/report.xlsx",
    params(("id" = i64, Path, description = "编号")), tag = "学籍注册", security(("bearer" = [])),
    responses(
    (status = 200, description = "校验报告", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 404, body = ErrorBody),
))]
pub async fn report(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    let job = find(&state, &caller, id).await?;
    let errors = report_of(&job)?;
    let summary = format!(
        "{}：共 {} 行，有效 {} 行，有问题 {} 行（{}）",
        job.file_name,
        job.total_rows,
        job.valid_rows,
        job.invalid_rows,
        ImportStatus::parse(&job.status).map_or("", |s| s.label()),
    );
    let bytes = tokio::task::spawn_blocking(move || xlsx::report(&summary, &errors))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::Internal)?;
    Ok(attachment(bytes, &format!("校验报告-{}.xlsx", job.id)))
}

/// Import the checked rows: `valid_only` — every valid row becomes a registration request;
/// `all_or_nothing` — refused (422 with the count) while any row is invalid. The rows are
/// checked again with today's rules and written in one transaction in the background.
#[utoipa::path(post, path = "/imports/{id}/commit",
    params(("id" = i64, Path, description = "编号")), tag = "学籍注册", request_body = CommitImport,
    security(("bearer" = [])), responses(
    (status = 202, body = ImportJobInfo, description = "正在导入"),
    (status = 403, body = ErrorBody, description = "不是本校学籍管理员；小学新生注册未开放"),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "任务不在“待确认导入”状态"),
    (status = 422, body = ErrorBody, description = "有不符合要求的行（全部正确才导入），或没有有效记录"),
))]
pub async fn commit(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CommitImport>,
) -> AppResult<(StatusCode, Json<ImportJobInfo>)> {
    let job = find(&state, &caller, id).await?;
    require_owner(&caller, &job)?;
    let kind = RegistrationKind::parse(&job.kind).unwrap_or(RegistrationKind::InSchool);
    let switches = check_submitter(&state.db, &caller, kind).await?;
    if job.status != ImportStatus::Checked.as_str() {
        return Err(AppError::Conflict(format!(
            "批量注册任务{}，不能导入",
            ImportStatus::parse(&job.status).map_or("状态未知", |s| s.label())
        )));
    }
    if req.mode == ImportMode::AllOrNothing && job.invalid_rows > 0 {
        return Err(AppError::field(
            "mode",
            format!(
                "有 {} 行不符合要求，“全部正确才导入”时不能导入；请修改后重新上传，或选择只导入有效记录",
                job.invalid_rows
            ),
        ));
    }
    if job.valid_rows == 0 {
        return Err(AppError::field("mode", "没有可以导入的有效记录"));
    }
    let school = caller.org.clone();
    let rules = rules_for(&state.db, &school, kind).await?;
    let tx = state.begin_write().await?;
    if !import::claim_for_commit(&*tx, job.id, req.mode).await? {
        return Err(AppError::Conflict("批量注册任务已在导入或已结束".into()));
    }
    let job = import_jobs::Entity::find_by_id(job.id)
        .one(&*tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let out = info(&*tx, &job).await?;
    tx.commit().await?;
    let sub = Submitter {
        school,
        account_id: caller.account.id,
        actor: caller.actor(),
        kind,
        business: Business::Registration {
            up_to: switches.registration_up_to,
        },
        job_id: Some(job.id),
    };
    import::start_commit(state.clone(), job, sub, rules, req.mode);
    Ok((StatusCode::ACCEPTED, Json(out)))
}

/// Cancel a job that has not been imported: nothing goes in.
#[utoipa::path(post, path = "/imports/{id}/cancel",
    params(("id" = i64, Path, description = "编号")), tag = "学籍注册", security(("bearer" = [])),
    responses(
    (status = 200, body = ImportJobInfo),
    (status = 403, body = ErrorBody, description = "不是本校学籍管理员"),
    (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "任务正在导入或已结束"),
))]
pub async fn cancel(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ImportJobInfo>> {
    let job = find(&state, &caller, id).await?;
    require_owner(&caller, &job)?;
    let tx = state.begin_write().await?;
    let res = import_jobs::Entity::update_many()
        .col_expr(
            import_jobs::Column::Status,
            sea_orm::sea_query::Expr::value(ImportStatus::Cancelled.as_str()),
        )
        .col_expr(
            import_jobs::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(import_jobs::Column::Id.eq(job.id))
        .filter(import_jobs::Column::Status.is_in([
            ImportStatus::Checking.as_str(),
            ImportStatus::Checked.as_str(),
        ]))
        .exec(&*tx)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict(
            "批量注册任务正在导入或已结束，不能取消".into(),
        ));
    }
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "import.cancel",
            object_type: "import_job",
            object_id: Some(job.id.to_string()),
            before: Some(json!({ "status": job.status })),
            after: Some(json!({ "status": ImportStatus::Cancelled.as_str() })),
        },
    )
    .await?;
    let job = import_jobs::Entity::find_by_id(job.id)
        .one(&*tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let out = info(&*tx, &job).await?;
    tx.commit().await?;
    Ok(Json(out))
}
