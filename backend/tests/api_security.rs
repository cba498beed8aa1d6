//! Issue 10: attacks found by an outside probe, each reproduced and now refused, on SQLite and
//! PostgreSQL.

#[path = "common/bomb.rs"]
mod bomb_builder;
mod common;

use common::{assert_error, spawn_app, Backend, TestApp};
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use xueji_backend::demo::DEMO_PASSWORD;
use xueji_backend::entities::{accounts, audit_log, refresh_tokens};

async fn account(app: &TestApp, username: &str) -> accounts::Model {
    accounts::Entity::find()
        .filter(accounts::Column::Username.eq(username))
        .one(app.db())
        .await
        .expect("q")
        .expect("account")
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> common::Resp {
    app.post(
        "/api/v1/auth/login",
        json!({ "username": username, "password": password }),
        None,
    )
    .await
}

async fn audit_actions(app: &TestApp, action: &str, object_id: i64) -> usize {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .filter(audit_log::Column::ObjectId.eq(object_id.to_string()))
        .all(app.db())
        .await
        .expect("audit")
        .len()
}

/// Defect 2: a stolen access token must not let its holder set the owner's password.
async fn own_password_reset_refused(b: Backend) {
    let app = spawn_app(b).await;
    let session = app.login("hz-xh-admin").await;
    let token = session["access_token"].as_str().expect("token").to_owned();
    let me = account(&app, "hz-xh-admin").await;

    let r = app
        .post(
            &format!("/api/v1/accounts/{}/reset-password", me.id),
            json!({ "new_password": "Stolen#2026x" }),
            Some(&token),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    // Nothing changed: the owner still signs in with the old password, the thief's does not work.
    assert_eq!(
        sign_in(&app, "hz-xh-admin", "Stolen#2026x").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&app, "hz-xh-admin", DEMO_PASSWORD).await.status,
        StatusCode::OK
    );
    assert_eq!(
        audit_actions(&app, "account.reset_password", me.id).await,
        0
    );
    let after = account(&app, "hz-xh-admin").await;
    assert_eq!(after.password_hash, me.password_hash);
    assert!(!after.must_change_password);

    // The own password changes only with the current one.
    let r = app
        .post(
            "/api/v1/me/password",
            json!({ "current_password": "wrong", "new_password": "Stolen#2026x" }),
            Some(&token),
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
}
db_test!(own_password_reset_refused, own_password_reset_refused);

/// Defect 2: an administrator's reset of another account is audited and ends its sessions.
async fn reset_of_other_audited_and_ends_sessions(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.token("hz-xh-admin").await;
    let victim = account(&app, "hz-xh-1-leader").await;
    let s1: Value = app.login("hz-xh-1-leader").await;
    let s2: Value = app.login("hz-xh-1-leader").await;

    let r = app
        .post(
            &format!("/api/v1/accounts/{}/reset-password", victim.id),
            json!({ "new_password": "Reset#2026x" }),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        audit_actions(&app, "account.reset_password", victim.id).await,
        1
    );
    let open = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::AccountId.eq(victim.id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .all(app.db())
        .await
        .expect("tokens");
    assert!(open.is_empty(), "every session of the target ends");
    for s in [s1, s2] {
        let r = app
            .post(
                "/api/v1/auth/refresh",
                json!({ "refresh_token": s["refresh_token"] }),
                None,
            )
            .await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    }
}
db_test!(
    reset_of_other_audited_and_ends_sessions,
    reset_of_other_audited_and_ends_sessions
);

fn login_from(ip: &str, username: &str, password: &str) -> http::Request<axum::body::Body> {
    let addr: std::net::SocketAddr = format!("{ip}:40000").parse().expect("addr");
    let mut req = http::Request::builder()
        .method(http::Method::POST)
        .uri("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({ "username": username, "password": password }).to_string(),
        ))
        .expect("request");
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    req
}

/// Defect 3: an unknown username and a wrong password get the same answer.
async fn unknown_user_and_wrong_password_alike(b: Backend) {
    let app = spawn_app(b).await;
    let unknown = sign_in(&app, "no-such-user", "Wrong#2026x").await;
    let wrong = sign_in(&app, "hz-xh-1-leader", "Wrong#2026x").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert!(!wrong.text.contains("还可尝试"), "{}", wrong.text);
    // Up to the lock and after it, an unknown username is answered like an existing one.
    for i in 0..6 {
        let unknown = sign_in(&app, "no-such-user", "Wrong#2026x").await;
        let wrong = sign_in(&app, "hz-xh-1-leader", "Wrong#2026x").await;
        assert_eq!(
            (wrong.status, &wrong.body),
            (unknown.status, &unknown.body),
            "attempt {i}"
        );
    }
    let last = sign_in(&app, "no-such-user", "Wrong#2026x").await;
    assert_error(&last, StatusCode::LOCKED, "locked");
}
db_test!(
    unknown_user_and_wrong_password_alike,
    unknown_user_and_wrong_password_alike
);

/// Defect 3: per-username and per-client limits answer 429 请求过于频繁 with Retry-After,
/// and other clients keep signing in.
async fn login_rate_limited(b: Backend) {
    let app = spawn_app(b).await;
    let per_account = xueji_backend::ratelimit::PER_ACCOUNT.max as usize;
    for i in 0..per_account {
        let r = app
            .raw(login_from(
                "10.0.0.1",
                "no-such-user",
                &format!("guess-{i}"),
            ))
            .await;
        // Wrong, then "locked" like an existing account: not yet rate-limited.
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::LOCKED].contains(&r.status),
            "attempt {i}: {}",
            r.text
        );
    }
    let r = app
        .raw(login_from("10.0.0.2", "no-such-user", "guess"))
        .await;
    let msg = assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    assert!(msg.contains("请求过于频繁"), "{msg}");
    let retry: i64 = r.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");

    // One client trying many usernames hits the per-client limit …
    let per_client = xueji_backend::ratelimit::PER_CLIENT.max as usize;
    let mut limited = None;
    for i in 0..per_client + 5 {
        let r = app
            .raw(login_from("10.0.0.3", &format!("user-{i}"), "guess"))
            .await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(i);
            break;
        }
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    }
    assert_eq!(limited, Some(per_client));
    // … while another client signs in normally.
    let r = app
        .raw(login_from("10.0.0.4", "hz-xh-1-leader", DEMO_PASSWORD))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}
db_test!(login_rate_limited, login_rate_limited);

/// One address's simultaneous sign-ins take at most its share of the password checks; the
/// rest are refused at once with 429 (they do not queue in front of other clients), while
/// another address signs in normally at the same moment.
async fn one_address_cannot_fill_the_password_queue(b: Backend) {
    let app = spawn_app(b).await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = login_from("10.2.0.1", &format!("flood-{i}"), "guess");
            router.oneshot(req).await.expect("infallible").status()
        }));
    }
    let other = app
        .raw(login_from("10.2.0.2", "hz-xh-1-leader", DEMO_PASSWORD))
        .await;
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task"));
    }
    assert_eq!(other.status, StatusCode::OK, "{}", other.text);
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(limited > 0, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(s)),
        "{statuses:?}"
    );
    // The share is given back: the address signs in again once its checks are done.
    let again = app
        .raw(login_from("10.2.0.1", "hz-xh-1-registrar", DEMO_PASSWORD))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
}
db_test!(
    one_address_cannot_fill_the_password_queue,
    one_address_cannot_fill_the_password_queue
);

/// Defect 3: 30 parallel wrong attempts lock the account after exactly the policy's count —
/// no more failures are counted (and answered as such) than the threshold.
async fn parallel_wrong_attempts_lock_exactly(b: Backend) {
    let app = spawn_app(b).await;
    let victim = account(&app, "hz-xh-1-leader").await;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = login_from(
                &format!("10.1.0.{i}"),
                "hz-xh-1-leader",
                &format!("wrong-{i}"),
            );
            router.oneshot(req).await.expect("infallible").status()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task"));
    }
    let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count();
    let failed = audit_actions(&app, "auth.login_failed", victim.id).await;
    let locked = audit_actions(&app, "auth.locked", victim.id).await;
    assert_eq!((failed, locked), (4, 1), "statuses: {statuses:?}");
    assert_eq!(count(StatusCode::UNAUTHORIZED), 4, "{statuses:?}");
    let limit = xueji_backend::ratelimit::PER_ACCOUNT.max as usize;
    assert_eq!(
        count(StatusCode::TOO_MANY_REQUESTS),
        30 - limit,
        "{statuses:?}"
    );
    assert_eq!(count(StatusCode::LOCKED), limit - 4, "{statuses:?}");
    let row = account(&app, "hz-xh-1-leader").await;
    assert!(row.locked_until.is_some());
}
db_test!(
    parallel_wrong_attempts_lock_exactly,
    parallel_wrong_attempts_lock_exactly
);

fn raw_post(
    path: &str,
    content_type: &str,
    token: &str,
    body: Vec<u8>,
) -> http::Request<axum::body::Body> {
    http::Request::builder()
        .method(http::Method::POST)
        .uri(path)
        .header("content-type", content_type)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::from(body))
        .expect("request")
}

fn multipart_file(size: usize) -> (String, Vec<u8>) {
    let boundary = "XUEJIBOUNDARY";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(b'x', size));
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Defect 4: every rejection of an upload is the JSON envelope, with 413 for a body over the
/// limit.
async fn upload_rejections_in_envelope(b: Backend) {
    let app = spawn_app(b).await;
    let token = app.token("hz-xh-1-registrar").await;
    for path in ["/api/v1/imports", "/api/v1/evidence"] {
        let r = app
            .raw(raw_post(path, "application/json", &token, b"{}".to_vec()))
            .await;
        assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
        let r = app
            .raw(raw_post(path, "text/plain", &token, b"hello".to_vec()))
            .await;
        assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
        let r = app
            .raw(raw_post(
                path,
                "multipart/form-data; boundary=zz",
                &token,
                b"garbage".to_vec(),
            ))
            .await;
        assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
    }
    let (ct, body) = multipart_file(xueji_backend::evidence::MAX_BYTES + 200 * 1024);
    let r = app
        .raw(raw_post("/api/v1/evidence", &ct, &token, body))
        .await;
    let msg = assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(msg.contains("10 MB"), "{msg}");
    let (ct, body) =
        multipart_file(xueji_backend::business::registration::xlsx::MAX_BYTES + 200 * 1024);
    let r = app
        .raw(raw_post("/api/v1/imports", &ct, &token, body))
        .await;
    let msg = assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(msg.contains("50 MB"), "{msg}");
    // A JSON body over the limit.
    let big = format!(
        "{{\"username\":\"{}\",\"password\":\"x\"}}",
        "a".repeat(xueji_backend::app::JSON_BODY_LIMIT + 1024)
    );
    let r = app
        .raw(raw_post(
            "/api/v1/auth/login",
            "application/json",
            &token,
            big.into_bytes(),
        ))
        .await;
    assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}
db_test!(upload_rejections_in_envelope, upload_rejections_in_envelope);

/// Defect 5: LIKE wildcards in the search text are literal characters.
async fn search_wildcards_are_literal(b: Backend) {
    use xueji_backend::student as registration;
    use xueji_backend::synth::{generate, SynthSpec};
    use xueji_shared::record::RecordRules;
    use xueji_shared::stage::Stage;
    let app = spawn_app(b).await;
    let school = xueji_backend::entities::organisations::Entity::find()
        .filter(xueji_backend::entities::organisations::Column::Code.eq("3330106001"))
        .one(app.db())
        .await
        .expect("q")
        .expect("school");
    let mut spec = SynthSpec::new(71, 3, 330106, xueji_backend::clock::today());
    spec.no_id_share = 0.0;
    spec.hmt_share = 0.0;
    let records = generate(spec).expect("synth");
    let mut rules = RecordRules::new(xueji_backend::clock::today());
    rules.school_stages = vec![Stage::Primary];
    for r in &records {
        let tx = app.state.begin_write().await.expect("tx");
        registration::register(&*tx, &school, r, &rules)
            .await
            .expect("register");
        tx.commit().await.expect("commit");
    }
    let token = app.token("hz-xh-1-registrar").await;
    let all = app.get("/api/v1/students", Some(&token)).await;
    assert_eq!(all.body["total"], 3, "{}", all.text);
    for q in ["_", "%25", "%25%25", "__", "%5C", "%5C%25", "%C2%B7"] {
        let r = app
            .get(&format!("/api/v1/students?q={q}"), Some(&token))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["total"], 0, "q={q}: {}", r.text);
    }
    // A real part of a name still matches.
    let part: String = records[0].name.chars().skip(1).collect();
    let encoded: String = part.bytes().map(|b| format!("%{b:02X}")).collect();
    let r = app
        .get(&format!("/api/v1/students?q={encoded}"), Some(&token))
        .await;
    assert!(r.body["total"].as_i64().unwrap_or(0) >= 1, "{}", r.text);
}
db_test!(search_wildcards_are_literal, search_wildcards_are_literal);

fn multipart_xlsx(bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "XUEJIBOUNDARY";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bomb.xlsx\"\r\nContent-Type: {}\r\n\r\n",
        xueji_backend::business::registration::xlsx::MIME
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Defect 1: zip bombs in the shared-string table are refused with 422 and a Chinese reason,
/// before calamine would load them (times are printed, not asserted).
async fn xlsx_bombs_refused(b: Backend) {
    let app = spawn_app(b).await;
    let token = app.token("hz-xh-1-registrar").await;
    let bombs = [
        (
            "60M <si>, sizes declared",
            bomb_builder::many_strings(60_000_000, None),
        ),
        (
            "60M <si>, sizes lie",
            bomb_builder::many_strings(60_000_000, Some(4096)),
        ),
        (
            "one 1 GB string, sizes lie",
            bomb_builder::one_long_string(1 << 30, Some(4096)),
        ),
        (
            "one 1 GB string, sizes declared",
            bomb_builder::one_long_string(1 << 30, None),
        ),
    ];
    for (what, bytes) in bombs {
        let (ct, body) = multipart_xlsx(&bytes);
        let started = std::time::Instant::now();
        let r = app
            .raw(raw_post("/api/v1/imports", &ct, &token, body))
            .await;
        let took = started.elapsed();
        println!(
            "{b:?} bomb {what}: upload {} KB → {} in {:.0} ms (debug build)",
            bytes.len() / 1024,
            r.status,
            took.as_secs_f64() * 1000.0
        );
        let msg = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert!(msg.contains("file"), "{msg}");
        // A lying archive is cut at its declared size by the zip reader and fails its
        // checksum: refused as not a workbook; an honest one by the bounds.
        if what.ends_with("declared") {
            assert!(msg.contains("压缩炸弹"), "{what}: {msg}");
        }
    }
    // Nothing was stored or queued.
    let jobs = app.get("/api/v1/imports", Some(&token)).await;
    assert_eq!(jobs.body.as_array().map(Vec::len), Some(0), "{}", jobs.text);
    // An honest template still goes through.
    let (ct, body) =
        multipart_xlsx(&xueji_backend::business::registration::xlsx::template().expect("template"));
    let r = app
        .raw(raw_post("/api/v1/imports", &ct, &token, body))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
}
db_test!(xlsx_bombs_refused, xlsx_bombs_refused);

fn multipart_named(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "XUEJIBOUNDARY";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Defect 7: files with PNG, JPEG or PDF magic followed by HTML (or otherwise not what they
/// claim) are refused as evidence; genuine ones are accepted.
async fn evidence_polyglots_refused(b: Backend) {
    let app = spawn_app(b).await;
    let token = app.token("hz-xh-1-registrar").await;
    let html = b"<html><body><script>alert(document.cookie)</script></body></html>".to_vec();
    let png_magic = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let refused = [
        (
            "png magic + html",
            [png_magic.to_vec(), html.clone()].concat(),
        ),
        (
            "png + html after IEND",
            [common::png(), html.clone()].concat(),
        ),
        (
            "jpeg magic + html",
            [vec![0xFF, 0xD8, 0xFF, 0xE0], html.clone()].concat(),
        ),
        (
            "pdf magic + html",
            [b"%PDF-1.4\n".to_vec(), html.clone()].concat(),
        ),
        ("pdf + html", [common::pdf("x"), html.clone()].concat()),
        (
            "pdf without structure",
            b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF".to_vec(),
        ),
    ];
    for (what, bytes) in refused {
        let (ct, body) = multipart_named("a.png", &bytes);
        let r = app
            .raw(raw_post("/api/v1/evidence", &ct, &token, body))
            .await;
        let msg = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(r.body["error"]["fields"][0]["field"], "file", "{what}");
        assert!(msg.contains("不是有效的"), "{what}: {msg}");
    }
    for (name, bytes, mime) in [
        ("a.png", common::png(), "image/png"),
        ("a.pdf", common::pdf("证明"), "application/pdf"),
    ] {
        let (ct, body) = multipart_named(name, &bytes);
        let r = app
            .raw(raw_post("/api/v1/evidence", &ct, &token, body))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.text);
        assert_eq!(r.body["mime"], mime);
    }
}
db_test!(evidence_polyglots_refused, evidence_polyglots_refused);
