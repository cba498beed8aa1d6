//! The HTTP application: API routes, OpenAPI document and docs, health probes, the static PWA
//! with SPA fallback, and the cross-cutting layers (tracing, request ids, compression, security
//! headers, cache policy, panic safety).

use std::any::Any;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{error_response, AppError};
use crate::routes;
use crate::state::AppState;

pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; \
object-src 'none'";

/// JSON bodies larger than this are refused (uploads get their own limits).
pub const JSON_BODY_LIMIT: usize = 2 * 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "xueji 学籍 API",
        description = "中小学生学籍信息管理系统接口。错误统一返回 `{\"error\":{\"code\",\"message\",\"fields\"}}`，message 为中文。",
        version = env!("CARGO_PKG_VERSION"),
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "账号", description = "登录、令牌与当前账号"),
        (name = "机构", description = "机构树：浏览与维护"),
        (name = "学籍注册", description = "注册申请、查重与逐级核办"),
        (name = "学籍查询", description = "本辖区学生查询与学籍卡"),
        (name = "问题学籍", description = "问题学籍队列、佐证、变更、删除、核办与共同上级仲裁"),
        (name = "全量查重", description = "全量查重任务：夜间自动或手动发起，查找身份证件号错误和重复学籍"),
        (name = "审计", description = "审计日志与哈希链校验"),
        (name = "运维", description = "健康检查"),
        (name = "系统配置", description = "班额、受控字段、管理功能设置、工作日历、密码策略、年级与班级"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document and the API router, built from the same route list.
pub fn api_parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(routes::health::healthz))
        .routes(routes!(routes::health::readyz))
        .nest("/api/v1", routes::api_v1())
        .split_for_parts()
}

pub fn router(state: AppState) -> Router {
    let (api, openapi) = api_parts();
    let dist = state.dist_dir.clone();
    let index = dist.join("index.html");

    // Hashed assets: served as is (precompressed variants when present), never the SPA.
    let assets = ServeDir::new(dist.join("assets"))
        .precompressed_br()
        .precompressed_gzip();
    // Everything else that is not API: a file of the app shell, or index.html (SPA routing).
    let app_shell = ServeDir::new(&dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(
            ServeFile::new(index)
                .precompressed_br()
                .precompressed_gzip(),
        );

    let docs = Router::<AppState>::new()
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi));

    Router::new()
        .merge(api)
        .merge(docs)
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .nest_service("/assets", assets)
        .fallback_service(app_shell)
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(middleware::from_fn(cache_and_security_headers))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http())
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(CompressionLayer::new().br(true).gzip(true))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                )),
        )
        .with_state(state)
}

async fn api_not_found() -> Response {
    AppError::NotFound.into_response()
}

async fn method_not_allowed() -> Response {
    error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "该接口不支持此请求方法".into(),
        vec![],
    )
}

fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response<Body> {
    tracing::error!("handler panicked");
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "服务器内部错误，请稍后重试".into(),
        vec![],
    )
}

/// Cache policy by path, and the Content-Security-Policy (relaxed only for the API docs page,
/// whose bundled Swagger UI needs inline scripts).
async fn cache_and_security_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let success = res.status().is_success();
    let headers = res.headers_mut();
    let cache = if path.starts_with("/api/docs") {
        "no-cache"
    } else if path.starts_with("/api/") || path == "/healthz" || path == "/readyz" {
        "no-store"
    } else if path.starts_with("/assets/") && success {
        // File names carry a content hash: a changed file is a new URL.
        "public, max-age=31536000, immutable"
    } else {
        // index.html, sw.js, the manifest and icons: always revalidate.
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    let csp = if path.starts_with("/api/docs") {
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
    } else {
        CSP
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    if path == "/sw.js" {
        headers.insert("service-worker-allowed", HeaderValue::from_static("/"));
    }
    res
}
