//! The platform around the API: probes, the error envelope for bad input, static files with
//! SPA fallback, security and cache headers, the OpenAPI document — on SQLite and PostgreSQL.

mod common;

use axum::body::Body;
use common::{assert_error, spawn_app, Backend};
use http::{Method, Request, StatusCode};

async fn probes_answer(b: Backend) {
    let app = spawn_app(b).await;
    let h = app.get("/healthz", None).await;
    assert_eq!(
        (h.status, h.body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let r = app.get("/readyz", None).await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("ready"))
    );
    assert_eq!(r.headers["cache-control"], "no-store");
}
db_test!(probes_answer, probes_answer);

async fn bad_input_gets_chinese_errors_in_the_envelope(b: Backend) {
    let app = spawn_app(b).await;
    // Malformed JSON.
    let req = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from("{\"username\": "))
        .expect("req");
    let msg = assert_error(&app.raw(req).await, StatusCode::BAD_REQUEST, "bad_request");
    assert!(msg.contains("JSON"), "{msg}");
    // Not JSON at all.
    let req = Request::post("/api/v1/auth/login")
        .header("content-type", "text/plain")
        .body(Body::from("username=a"))
        .expect("req");
    assert_error(&app.raw(req).await, StatusCode::BAD_REQUEST, "bad_request");
    // A missing field is named.
    let r = app
        .post(
            "/api/v1/auth/login",
            serde_json::json!({ "username": "a" }),
            None,
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["error"]["fields"][0]["field"], "password");
    // A field of the wrong type is named.
    let r = app
        .post(
            "/api/v1/auth/login",
            serde_json::json!({ "username": 5, "password": "x" }),
            None,
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["error"]["fields"][0]["field"], "username");
    // Oversized bodies are refused, not buffered.
    let big = format!(
        "{{\"username\":\"{}\",\"password\":\"x\"}}",
        "a".repeat(3 * 1024 * 1024)
    );
    let req = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(big))
        .expect("req");
    let r = app.raw(req).await;
    assert!(r.status.is_client_error(), "{}", r.status);
}
db_test!(
    bad_input_gets_chinese_errors_in_the_envelope,
    bad_input_gets_chinese_errors_in_the_envelope
);

async fn unknown_api_paths_and_methods_get_json(b: Backend) {
    let app = spawn_app(b).await;
    for path in [
        "/api/v1/nope",
        "/api",
        "/api/v2/me",
        "/api/v1/auth/login/extra",
    ] {
        let r = app.get(path, None).await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
        assert_eq!(r.headers["content-type"], "application/json");
    }
    let r = app.call(Method::DELETE, "/api/v1/me", None, None).await;
    assert_error(&r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    // Bad path and query parameters are 400s in the envelope, not plain text.
    let token = app.token("zj-admin").await;
    let r = app.get("/api/v1/orgs/abc", Some(&token)).await;
    let msg = assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
    assert!(msg.contains("路径参数"), "{msg}");
    let r = app.get("/api/v1/orgs?parent_id=x", Some(&token)).await;
    let msg = assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
    assert!(msg.contains("查询参数"), "{msg}");
    let r = app.get("/api/v1/audit?from=2026-13-01", Some(&token)).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
}
db_test!(
    unknown_api_paths_and_methods_get_json,
    unknown_api_paths_and_methods_get_json
);

async fn pages_get_the_app_and_assets_are_immutable(b: Backend) {
    let app = spawn_app(b).await;
    for path in ["/", "/login", "/registration", "/some/deep/page?x=1"] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.text.contains("<div id=\"boot\">"), "{path}: {}", r.text);
        assert_eq!(r.headers["cache-control"], "no-cache", "{path}");
        let csp = r.headers["content-security-policy"].to_str().expect("csp");
        assert!(csp.contains("default-src 'self'") && csp.contains("'wasm-unsafe-eval'"));
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        assert_eq!(r.headers["referrer-policy"], "no-referrer");
        assert_eq!(r.headers["x-frame-options"], "DENY");
    }
    let css = app.get("/assets/app-0123.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(
        css.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // A missing asset is a 404, not the app shell.
    let missing = app.get("/assets/missing-1234.js", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_ne!(
        missing.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
}
db_test!(
    pages_get_the_app_and_assets_are_immutable,
    pages_get_the_app_and_assets_are_immutable
);

async fn responses_are_compressed_when_asked(b: Backend) {
    let app = spawn_app(b).await;
    let req = Request::get("/api/openapi.json")
        .header("accept-encoding", "br")
        .body(Body::empty())
        .expect("req");
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .expect("infallible");
    assert_eq!(res.headers()["content-encoding"], "br");
}
db_test!(
    responses_are_compressed_when_asked,
    responses_are_compressed_when_asked
);

#[tokio::test]
async fn openapi_document_lists_every_endpoint() {
    let app = spawn_app(Backend::Sqlite).await;
    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["openapi"]
        .as_str()
        .expect("version")
        .starts_with("3.1"));
    let paths = r.body["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/me", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
    let schemas = r.body["components"]["schemas"]
        .as_object()
        .expect("schemas");
    for s in [
        "LoginRequest",
        "LoginResponse",
        "Me",
        "ErrorBody",
        "FieldError",
    ] {
        assert!(schemas.contains_key(s), "schema {s} missing");
    }
    let docs = app.get("/api/docs/", None).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.text.contains("swagger"), "interactive docs page");
}

/// Issue 10: the served OpenAPI document is usable by a generator (schemathesis): every path
/// template parameter is declared as a path parameter of each of its operations, every
/// operation answers with declared responses, every request body has a schema, and every
/// `$ref` resolves.
#[tokio::test]
async fn openapi_document_is_complete() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = app.get("/api/openapi.json", None).await.body;
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let mut problems = Vec::new();
    let paths = doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        let templated: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split('}').next())
            .collect();
        let shared = item["parameters"].as_array().cloned().unwrap_or_default();
        for (method, op) in item.as_object().expect("item") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let mut params = shared.clone();
            params.extend(op["parameters"].as_array().cloned().unwrap_or_default());
            for name in &templated {
                let declared = params
                    .iter()
                    .any(|p| p["in"] == "path" && p["name"] == *name && p["required"] == true);
                if !declared {
                    problems.push(format!(
                        "{method} {path}: path parameter {{{name}}} undeclared"
                    ));
                }
            }
            for p in &params {
                if p["in"] == "path" && !templated.contains(&p["name"].as_str().unwrap_or("")) {
                    problems.push(format!(
                        "{method} {path}: path parameter {} not in the path",
                        p["name"]
                    ));
                }
            }
            let responses = op["responses"].as_object();
            if responses.is_none_or(|r| r.is_empty()) {
                problems.push(format!("{method} {path}: no responses"));
            }
            if let Some(body) = op.get("requestBody") {
                let has_schema = body["content"].as_object().is_some_and(|c| {
                    !c.is_empty() && c.values().all(|m| m.get("schema").is_some())
                });
                if !has_schema {
                    problems.push(format!("{method} {path}: request body without a schema"));
                }
            }
            for (status, r) in responses.into_iter().flatten() {
                if let Some(content) = r["content"].as_object() {
                    // JSON answers are checked against their schema; files (.xlsx) are bytes.
                    if content
                        .iter()
                        .any(|(media, m)| media.contains("json") && m.get("schema").is_none())
                    {
                        problems.push(format!(
                            "{method} {path}: response {status} without a schema"
                        ));
                    }
                }
            }
        }
    }
    // Every $ref names a schema that exists.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap_or_default();
        if !schemas.contains_key(name) {
            problems.push(format!("$ref to a missing schema {name}"));
        }
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
