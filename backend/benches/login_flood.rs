//! Sign-in under a flood (issue 10): an attacker sends 100 sign-in attempts a second from one
//! address (random usernames, wrong passwords) while a second client signs in now and then;
//! prints the second client's sign-in latency without and with the flood (target: at most 2×).
//! The attacker's first 120 attempts of each minute are checked like any (Argon2 included);
//! the rest are refused by the per-client limit (429) before any password is checked.
//!
//! `cargo bench -p xueji-backend --bench login_flood` (SQLite; `XUEJI_BENCH_PG=postgres://…`
//! for PostgreSQL too).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use tower::ServiceExt;

fn login(ip: &str, username: &str, password: &str) -> http::Request<axum::body::Body> {
    let addr: std::net::SocketAddr = format!("{ip}:40000").parse().expect("addr");
    let mut req = http::Request::builder()
        .method(http::Method::POST)
        .uri("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            serde_json::json!({ "username": username, "password": password }).to_string(),
        ))
        .expect("request");
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    req
}

async fn second_client(app: &common::TestApp, username: &str, n: usize) -> Vec<Duration> {
    let mut out = Vec::new();
    for _ in 0..n {
        let started = Instant::now();
        let res = app
            .router
            .clone()
            .oneshot(login(
                "10.1.1.1",
                username,
                xueji_backend::demo::DEMO_PASSWORD,
            ))
            .await
            .expect("infallible");
        assert_eq!(res.status(), http::StatusCode::OK);
        out.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    out
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

async fn run(b: common::Backend) {
    let app = common::spawn_app(b).await;
    let quiet = second_client(&app, "hz-xh-1-registrar", 10).await;
    let router = app.router.clone();
    let flood = tokio::spawn(async move {
        let mut statuses = std::collections::BTreeMap::new();
        let mut ticker = tokio::time::interval(Duration::from_millis(10));
        let mut tasks = Vec::new();
        for i in 0..600 {
            ticker.tick().await;
            let r = router.clone();
            tasks.push(tokio::spawn(async move {
                r.oneshot(login("10.9.9.9", &format!("guess-{i}"), "wrong"))
                    .await
                    .expect("infallible")
                    .status()
            }));
        }
        for t in tasks {
            *statuses.entry(t.await.expect("join").as_u16()).or_insert(0) += 1;
        }
        statuses
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let loud = second_client(&app, "hz-xh-2-registrar", 10).await;
    let statuses = flood.await.expect("flood");
    let (q, l) = (median(quiet), median(loud));
    println!(
        "{b:?}: second client's sign-in median {q:.0} ms alone, {l:.0} ms during 100 attempts/s \
         from another address ({:.2}×, target ≤ 2×); the attacker's answers: {statuses:?}",
        l / q
    );
}

#[tokio::main]
async fn main() {
    run(common::Backend::Sqlite).await;
    if std::env::var("XUEJI_BENCH_PG").is_ok() {
        std::env::set_var(
            "XUEJI_TEST_PG_URL",
            std::env::var("XUEJI_BENCH_PG").unwrap_or_default(),
        );
        run(common::Backend::Postgres).await;
    }
}
