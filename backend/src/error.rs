//! The one error type of the API, turned into the one JSON envelope in one place.
//!
//! Handlers return `Result<_, AppError>`; messages are Chinese and name the field when a field
//! is at fault. Internal errors are logged with detail and answered with a generic message.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use xueji_shared::api::{ErrorBody, ErrorDetail, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(String),
    /// A unique value already taken, e.g. a username: 409 naming the field.
    #[error("conflict on {field}: {message}")]
    Taken {
        field: &'static str,
        message: String,
    },
    #[error("locked: {0}")]
    Locked(String),
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    /// 413: the body is over the endpoint's limit.
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// 429 with a `Retry-After` header (seconds).
    #[error("rate limited: {message}")]
    RateLimited { message: String, retry_after: i64 },
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }

    /// One invalid field with its Chinese reason.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    fn parts(&self) -> (StatusCode, &'static str, String, Vec<FieldError>) {
        match self {
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "请求的资源不存在".into(),
                vec![],
            ),
            AppError::Unauthorized(m) => {
                (StatusCode::UNAUTHORIZED, "unauthorized", m.clone(), vec![])
            }
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m.clone(), vec![]),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m.clone(), vec![]),
            AppError::Validation(fields) => {
                let message = match fields.as_slice() {
                    [only] => format!("{}：{}", only.field, only.message),
                    _ => format!("有 {} 个字段不符合要求", fields.len()),
                };
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation",
                    message,
                    fields.clone(),
                )
            }
            AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m.clone(), vec![]),
            AppError::Taken { field, message } => (
                StatusCode::CONFLICT,
                "conflict",
                message.clone(),
                vec![FieldError {
                    field: (*field).to_owned(),
                    message: message.clone(),
                }],
            ),
            AppError::Locked(m) => (StatusCode::LOCKED, "locked", m.clone(), vec![]),
            AppError::PayloadTooLarge(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                m.clone(),
                vec![],
            ),
            AppError::PasswordChangeRequired => (
                StatusCode::FORBIDDEN,
                "password_change_required",
                "请先修改密码后再继续操作".into(),
                vec![],
            ),
            AppError::TooManyRequests(m) | AppError::RateLimited { message: m, .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                m.clone(),
                vec![],
            ),
            AppError::Db(_) | AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "服务器内部错误，请稍后重试".into(),
                vec![],
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message, fields) = self.parts();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = error_response(status, code, message, fields);
        if let AppError::RateLimited { retry_after, .. } = self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(retry_after.max(1)),
            );
        }
        response
    }
}

pub fn error_response(
    status: StatusCode,
    code: &str,
    message: String,
    fields: Vec<FieldError>,
) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
            fields,
        },
    };
    (status, Json(body)).into_response()
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        let detail = rejection.body_text();
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                AppError::BadRequest("请求头 Content-Type 必须为 application/json".into())
            }
            JsonRejection::JsonSyntaxError(_) => {
                AppError::BadRequest(format!("请求体不是合法的 JSON{}", position_zh(&detail)))
            }
            JsonRejection::JsonDataError(_) => json_data_error(&detail),
            JsonRejection::BytesRejection(_)
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                AppError::PayloadTooLarge(format!(
                    "请求体超过大小限制（{} MB）",
                    crate::app::JSON_BODY_LIMIT >> 20
                ))
            }
            JsonRejection::BytesRejection(_) => {
                AppError::BadRequest("请求体无法读取或超过大小限制".into())
            }
            _ => AppError::BadRequest("请求体无效".into()),
        }
    }
}

/// "…at line 3 column 7" → "（第 3 行第 7 列）".
fn position_zh(detail: &str) -> String {
    let Some(idx) = detail.rfind(" at line ") else {
        return String::new();
    };
    let mut words = detail[idx + " at line ".len()..].split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(line), Some("column"), Some(col)) => format!("（第 {line} 行第 {col} 列）"),
        _ => String::new(),
    }
}

/// serde's data errors, in Chinese, naming the field.
fn json_data_error(detail: &str) -> AppError {
    // axum: "Failed to deserialize the JSON body into the target type: <path>: <serde message>"
    let msg = detail
        .split_once("target type: ")
        .map(|(_, rest)| rest)
        .unwrap_or(detail);
    if let Some(rest) = msg.split("missing field `").nth(1) {
        let field = rest.split('`').next().unwrap_or_default();
        return AppError::field(field, "缺少此字段");
    }
    if let Some((path, reason)) = msg.split_once(": ") {
        if !path.contains(' ') {
            let what = if reason.starts_with("invalid type") {
                "类型不正确"
            } else if reason.starts_with("unknown variant") || reason.starts_with("invalid value") {
                "取值不在允许范围内"
            } else {
                "格式不正确"
            };
            return AppError::field(path, what);
        }
    }
    AppError::BadRequest(format!("请求体字段类型不正确{}", position_zh(msg)))
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        AppError::BadRequest(format!("路径参数无效：{}", rejection.body_text()))
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::BadRequest(format!("查询参数无效：{}", rejection.body_text()))
    }
}

/// `Path<T>` whose rejections become [`AppError`]: `/orgs/abc` is a 400 in the envelope.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// `Query<T>` whose rejections become [`AppError`].
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

/// `Multipart` whose rejections become [`AppError`]: a body that is not `multipart/form-data`
/// is a 400 in the envelope, not axum's plain-text answer.
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> axum::extract::FromRequest<S> for ApiMultipart {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(ApiMultipart)
            .map_err(|_| {
                AppError::BadRequest(
                    "请求体必须是 multipart/form-data 表单（Content-Type 带 boundary）".into(),
                )
            })
    }
}

impl ApiMultipart {
    /// The next part; an over-limit body is 413 (`limit_mb` names the endpoint's limit),
    /// anything else malformed 400, both in the envelope.
    pub async fn next_field(
        &mut self,
        limit_mb: usize,
    ) -> AppResult<Option<axum::extract::multipart::Field<'_>>> {
        self.0
            .next_field()
            .await
            .map_err(|e| multipart_error(&e, limit_mb))
    }
}

/// A multipart read error in the envelope: 413 over the limit, otherwise 400.
pub fn multipart_error(e: &axum::extract::multipart::MultipartError, limit_mb: usize) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge(format!("file：文件不能超过 {limit_mb} MB"))
    } else {
        AppError::BadRequest("上传内容不是有效的 multipart 表单".into())
    }
}

/// `Json<T>` whose rejections become [`AppError`] (Chinese, in the envelope).
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_positions_and_fields_are_reported_in_chinese() {
        assert_eq!(
            position_zh("Failed to parse: EOF while parsing a value at line 1 column 12"),
            "（第 1 行第 12 列）"
        );
        assert_eq!(position_zh("no position"), "");
        match json_data_error(
            "Failed to deserialize the JSON body into the target type: missing field `password` at line 1 column 25",
        ) {
            AppError::Validation(f) => {
                assert_eq!(f[0].field, "password");
                assert_eq!(f[0].message, "缺少此字段");
            }
            other => panic!("{other:?}"),
        }
        match json_data_error(
            "Failed to deserialize the JSON body into the target type: username: invalid type: integer `5`, expected a string at line 1 column 14",
        ) {
            AppError::Validation(f) => {
                assert_eq!(f[0].field, "username");
                assert_eq!(f[0].message, "类型不正确");
            }
            other => panic!("{other:?}"),
        }
    }
}
