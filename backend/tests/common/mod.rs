//! Test harness: `spawn_app(Backend)` builds the real application over a fresh database —
//! a temporary SQLite file, or a PostgreSQL database created for this test and dropped after
//! it — migrated and seeded with the demo data. Requests go through the full router (all
//! layers) in-process.
//!
//! PostgreSQL: `XUEJI_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`), an
//! account allowed to create databases. The test command makes sure a server answers there.

#![allow(dead_code)]

use std::path::PathBuf;

use axum::body::Body;
use axum::Router;
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;
use tower::ServiceExt;
use xueji_backend::{app, db, demo, state::AppState};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub dist: PathBuf,
    _dir: tempfile::TempDir,
    pg_db: Option<String>,
}

pub fn pg_admin_url() -> String {
    std::env::var("XUEJI_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn pg_url_for(db_name: &str) -> String {
    let admin = pg_admin_url();
    let (scheme, rest) = admin
        .split_once("://")
        .unwrap_or(("postgres", admin.as_str()));
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let query = rest
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{scheme}://{authority}/{db_name}{query}")
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join("assets")).expect("dist");
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><html lang=\"zh-CN\"><body><div id=\"boot\">学籍</div></body></html>",
    )
    .expect("index");
    std::fs::write(dist.join("assets/app-0123.css"), "body{}").expect("asset");

    let (conn, pg_db) = match backend {
        Backend::Sqlite => {
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            (db::connect(&url).await.expect("sqlite"), None)
        }
        Backend::Postgres => {
            let name = format!("xueji_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(pg_admin_url())
                .await
                .expect("PostgreSQL must answer at XUEJI_TEST_PG_URL (127.0.0.1:5432)");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create test database");
            admin.close().await.ok();
            let conn = db::connect(&pg_url_for(&name)).await.expect("postgres");
            (conn, Some(name))
        }
    };
    db::migrate(&conn).await.expect("migrate");
    let state = AppState::new(
        conn,
        b"test-secret-test-secret-test-secret!",
        false,
        dist.clone(),
        dir.path().join("data"),
    );
    demo::seed_if_empty(&state).await.expect("seed");
    TestApp {
        router: app::router(state.clone()),
        state,
        dist,
        _dir: dir,
        pg_db,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(name) = self.pg_db.take() {
            // Drop runs outside async: use a short-lived runtime on a plain thread.
            let handle = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    if let Ok(admin) = Database::connect(pg_admin_url()).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            });
            let _ = handle.join();
        }
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl TestApp {
    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    pub async fn raw(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("request");
        self.raw(req).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.call(Method::GET, path, None, token).await
    }

    pub async fn post(&self, path: &str, body: Value, token: Option<&str>) -> Resp {
        self.call(Method::POST, path, Some(body), token).await
    }

    /// Sign in a demo account; returns the whole LoginResponse JSON.
    pub async fn login(&self, username: &str) -> Value {
        let r = self
            .post(
                "/api/v1/auth/login",
                serde_json::json!({ "username": username, "password": demo::DEMO_PASSWORD }),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.text);
        r.body
    }

    pub async fn token(&self, username: &str) -> String {
        self.login(username).await["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }
}

/// Define a test that runs once on SQLite and once on PostgreSQL:
/// `db_test!(name, async_fn_taking_Backend);` gives `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! db_test {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$body($crate::common::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$body($crate::common::Backend::Postgres).await
            }
        }
    };
}

/// Assert the response is the error envelope with this status and code, and return its
/// message (which must be non-empty and Chinese).
pub fn assert_error(r: &Resp, status: StatusCode, code: &str) -> String {
    assert_eq!(r.status, status, "body: {}", r.text);
    assert_eq!(r.body["error"]["code"], code, "body: {}", r.text);
    let msg = r.body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "message should be Chinese: {msg}"
    );
    msg
}

/// A small genuine PDF (one empty page, a correct cross-reference table) whose comment line
/// carries `note`, so that different notes give different files.
pub fn pdf(note: &str) -> Vec<u8> {
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ];
    let mut out = format!("%PDF-1.4\n% {note}\n").into_bytes();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).into_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).into_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .into_bytes(),
    );
    out
}

/// A small genuine PNG (4 × 3 pixels).
pub fn png() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 4, 3);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().expect("png header");
        w.write_image_data(&[200u8; 4 * 3 * 3]).expect("png data");
    }
    out
}

/// A small genuine JPEG (16 × 12 pixels, a gradient).
pub fn jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    let pixels: Vec<u8> = (0..16 * 12)
        .flat_map(|i| [(i * 3) as u8, 128, (255 - i) as u8])
        .collect();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(&pixels, 16, 12, jpeg_encoder::ColorType::Rgb)
        .expect("jpeg");
    out
}
