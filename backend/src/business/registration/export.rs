//! Records as a workbook in either layout (issue 15): the import template of the national
//! system (`?layout=national`) as well as xueji's, and the students a search selects — a
//! school's roll, a class, a grade, a status — exported in either, so that they can be uploaded
//! again here or in the national system.

use std::sync::OnceLock;

use axum::extract::State as AxState;
use axum::response::Response;
use sea_orm::{PaginatorTrait, QueryOrder};
use serde::Deserialize;
use xueji_shared::api::ErrorBody;
use xueji_shared::field::FieldError;
use xueji_shared::import::{Layout, MAX_ROWS};
use xueji_shared::record::StudentRecord;

use crate::auth::Caller;
use crate::business::registration::imports::attachment;
use crate::business::registration::xlsx;
use crate::entities::students;
use crate::error::{ApiQuery, AppError, AppResult};
use crate::routes::students::{selection, StudentQuery};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LayoutQuery {
    /// `xueji` (this system's template, the default) or `national` (the national system's
    /// import template: its column names and order).
    pub layout: Option<String>,
}

impl LayoutQuery {
    pub fn layout(&self) -> AppResult<Layout> {
        match self.layout.as_deref().map(str::trim) {
            None | Some("") => Ok(Layout::Xueji),
            Some(s) => Layout::parse(s).ok_or_else(|| {
                AppError::Validation(vec![FieldError::new(
                    "layout",
                    format!(
                        "未知的表格格式「{}」，可选：xueji（本系统模板）、national（全国系统模板）",
                        s.chars().take(32).collect::<String>()
                    ),
                )])
            }),
        }
    }
}

/// The empty national import template (its header row), built once.
pub fn national_template() -> AppResult<Vec<u8>> {
    static NATIONAL: OnceLock<Vec<u8>> = OnceLock::new();
    if let Some(b) = NATIONAL.get() {
        return Ok(b.clone());
    }
    let b = xlsx::filled_in(Layout::National, &[]).map_err(AppError::Internal)?;
    Ok(NATIONAL.get_or_init(|| b).clone())
}

/// The students the search's filters select, as a workbook in the chosen layout (at most
/// [`MAX_ROWS`], an import's size; more → 422 asking for a narrower selection).
#[utoipa::path(get, path = "/students/export.xlsx", tag = "学籍查询",
    params(StudentQuery, LayoutQuery), security(("bearer" = [])), responses(
    (status = 200, description = "学生名册", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 403, body = ErrorBody, description = "系统管理员不办理业务"),
    (status = 404, body = ErrorBody, description = "学校或班级不在管辖范围内"),
    (status = 422, body = ErrorBody, description = "筛选条件或格式无效，或超过导出上限"),
))]
pub async fn export(
    AxState(state): AxState<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<StudentQuery>,
    ApiQuery(l): ApiQuery<LayoutQuery>,
) -> AppResult<Response> {
    caller.require_business()?;
    let layout = l.layout()?;
    let select = selection(&state.db, &caller, &q, crate::clock::today()).await?;
    let total = select.clone().count(&state.db).await?;
    if total > MAX_ROWS as u64 {
        return Err(AppError::Validation(vec![FieldError::new(
            "school_id",
            format!("符合条件的学生有 {total} 名，超过一次导出的上限 {MAX_ROWS} 名，请按学校或年级缩小范围"),
        )]));
    }
    let rows = select
        .order_by_asc(students::Column::SchoolId)
        .order_by_asc(students::Column::Id)
        .all(&state.db)
        .await?;
    let records = rows
        .iter()
        .map(|s| serde_json::from_str::<StudentRecord>(&s.record).map_err(AppError::internal))
        .collect::<AppResult<Vec<_>>>()?;
    let bytes = tokio::task::spawn_blocking(move || xlsx::export(layout, &records))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::Internal)?;
    let name = match layout {
        Layout::Xueji => "学生名册.xlsx",
        Layout::National => "学生名册（全国系统格式）.xlsx",
    };
    Ok(attachment(bytes, name))
}
