//! Upload an evidence file (佐证材料) for a problem record or a change request.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::json;
use xueji_shared::api::ErrorBody;
use xueji_shared::api_students::EvidenceInfo;

use crate::audit::{self, Entry};
use crate::auth::Caller;
use crate::error::{multipart_error, ApiMultipart, AppError, AppResult};
use crate::state::AppState;

/// Multipart form with one part named `file` (PDF, JPG or PNG, at most 10 MB, checked by content).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct EvidenceUpload {
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

#[utoipa::path(post, path = "/evidence", tag = "学籍查询",
    request_body(content = EvidenceUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])), responses(
    (status = 201, body = EvidenceInfo),
    (status = 400, body = ErrorBody, description = "不是 multipart 表单或缺少 file"),
    (status = 413, body = ErrorBody, description = "超过 10 MB"),
    (status = 422, body = ErrorBody, description = "类型不是 PDF/JPG/PNG、为空或超过 10 MB"),
))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    mut form: ApiMultipart,
) -> AppResult<(StatusCode, Json<EvidenceInfo>)> {
    caller.require_business()?;
    let mut bytes = None;
    let limit_mb = crate::evidence::MAX_BYTES >> 20;
    while let Some(field) = form.next_field(limit_mb).await? {
        if field.name() == Some("file") {
            let data = field
                .bytes()
                .await
                .map_err(|e| multipart_error(&e, limit_mb))?;
            bytes = Some(data);
        }
    }
    let bytes = bytes.ok_or_else(|| AppError::field("file", "请选择要上传的文件"))?;
    let stored = state.evidence.put("file", &bytes).await?;
    let info = EvidenceInfo {
        sha256: stored.sha256.clone(),
        size: stored.size as u64,
        mime: stored.kind.mime().to_owned(),
    };
    let tx = state.begin_write().await?;
    audit::append(
        &*tx,
        &caller.actor(),
        Entry {
            action: "evidence.upload",
            object_type: "evidence",
            object_id: Some(stored.sha256),
            before: None,
            after: Some(json!({ "size": info.size, "mime": info.mime })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(info)))
}
