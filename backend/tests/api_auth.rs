//! Sign-in, lockout, tokens, refresh rotation and revocation, on SQLite and PostgreSQL.

mod common;

use common::{assert_error, spawn_app, Backend};
use http::StatusCode;
use serde_json::json;

async fn login_returns_tokens_and_account(b: Backend) {
    let app = spawn_app(b).await;
    let body = app.login("hz-xh-1-registrar").await;
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["account"]["username"], "hz-xh-1-registrar");
    assert_eq!(body["account"]["role"], "registrar");
    assert_eq!(body["account"]["org"]["code"], "3330106001");
    assert_eq!(body["account"]["org"]["name"], "杭州市西湖区求是小学");
    assert_eq!(body["account"]["org"]["level"], "school");
    let token = body["access_token"].as_str().expect("token");

    let me = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body, body["account"]);
}
db_test!(
    login_returns_tokens_and_account,
    login_returns_tokens_and_account
);

async fn me_requires_a_valid_token(b: Backend) {
    let app = spawn_app(b).await;
    assert_error(
        &app.get("/api/v1/me", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(
        &app.get("/api/v1/me", Some("not-a-jwt")).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    // A token signed with another secret is refused.
    let forged = xueji_backend::auth::TokenKeys::new(b"some-other-secret-some-other-secret");
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use xueji_backend::entities::accounts;
    let account = accounts::Entity::find()
        .filter(accounts::Column::Username.eq("zj-admin"))
        .one(app.db())
        .await
        .expect("query")
        .expect("zj-admin exists");
    let t = forged
        .issue_access(&account, xueji_shared::org::Role::Admin)
        .expect("issue");
    assert_error(
        &app.get("/api/v1/me", Some(&t)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}
db_test!(me_requires_a_valid_token, me_requires_a_valid_token);

async fn wrong_password_counts_down_then_locks(b: Backend) {
    let app = spawn_app(b).await;
    let wrong = json!({ "username": "hz-xh-1-leader", "password": "wrong" });
    for _ in (1..=4).rev() {
        let r = app.post("/api/v1/auth/login", wrong.clone(), None).await;
        let msg = assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
        // The same words as for an unknown username: nothing says how many tries are left.
        assert_eq!(msg, "用户名或密码错误");
    }
    let r = app.post("/api/v1/auth/login", wrong.clone(), None).await;
    let msg = assert_error(&r, StatusCode::LOCKED, "locked");
    assert!(msg.contains("锁定"), "{msg}");
    // While locked even the right password is refused.
    let right =
        json!({ "username": "hz-xh-1-leader", "password": xueji_backend::demo::DEMO_PASSWORD });
    assert_error(
        &app.post("/api/v1/auth/login", right.clone(), None).await,
        StatusCode::LOCKED,
        "locked",
    );
    // Other accounts are unaffected.
    app.login("hz-xh-1-registrar").await;
}
db_test!(
    wrong_password_counts_down_then_locks,
    wrong_password_counts_down_then_locks
);

async fn unknown_account_gets_the_same_answer(b: Backend) {
    let app = spawn_app(b).await;
    let r = app
        .post(
            "/api/v1/auth/login",
            json!({ "username": "nobody", "password": "x" }),
            None,
        )
        .await;
    let msg = assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(msg.starts_with("用户名或密码错误"));
}
db_test!(
    unknown_account_gets_the_same_answer,
    unknown_account_gets_the_same_answer
);

async fn empty_credentials_name_both_fields(b: Backend) {
    let app = spawn_app(b).await;
    let r = app
        .post(
            "/api/v1/auth/login",
            json!({ "username": " ", "password": "" }),
            None,
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let fields: Vec<&str> = r.body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(fields, ["username", "password"]);
}
db_test!(
    empty_credentials_name_both_fields,
    empty_credentials_name_both_fields
);

async fn refresh_rotates_and_detects_reuse(b: Backend) {
    let app = spawn_app(b).await;
    let first = app.login("hz-xh-registrar").await;
    let r1 = first["refresh_token"].as_str().expect("refresh").to_owned();

    let second = app
        .post("/api/v1/auth/refresh", json!({ "refresh_token": r1 }), None)
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    let r2 = second.body["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    assert_ne!(r1, r2);
    assert_eq!(second.body["account"]["username"], "hz-xh-registrar");
    let access = second.body["access_token"].as_str().expect("access");
    assert_eq!(
        app.get("/api/v1/me", Some(access)).await.status,
        StatusCode::OK
    );

    // Replaying the used token is refused and ends every session of the account…
    assert_error(
        &app.post("/api/v1/auth/refresh", json!({ "refresh_token": r1 }), None)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    // …including the one that was rotated legitimately.
    assert_error(
        &app.post("/api/v1/auth/refresh", json!({ "refresh_token": r2 }), None)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(
        &app.post(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": "garbage" }),
            None,
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}
db_test!(
    refresh_rotates_and_detects_reuse,
    refresh_rotates_and_detects_reuse
);

async fn logout_revokes_the_refresh_token(b: Backend) {
    let app = spawn_app(b).await;
    let s = app.login("nb-admin").await;
    let access = s["access_token"].as_str().expect("access");
    let refresh = s["refresh_token"].as_str().expect("refresh");
    // Signing out needs a signed-in caller.
    assert_error(
        &app.post(
            "/api/v1/auth/logout",
            json!({ "refresh_token": refresh }),
            None,
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let r = app
        .post(
            "/api/v1/auth/logout",
            json!({ "refresh_token": refresh }),
            Some(access),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_error(
        &app.post(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": refresh }),
            None,
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}
db_test!(
    logout_revokes_the_refresh_token,
    logout_revokes_the_refresh_token
);

async fn every_demo_role_can_sign_in(b: Backend) {
    let app = spawn_app(b).await;
    let accounts = xueji_backend::demo::demo_accounts();
    assert_eq!(accounts.len(), 20 * 3);
    // One per level and role is enough to prove the seed (hashing is deliberately slow).
    for username in [
        "moe-admin",
        "zj-leader",
        "hz-registrar",
        "nb-yz-admin",
        "nb-hs-3-leader",
    ] {
        let body = app.login(username).await;
        assert_eq!(body["account"]["username"], username);
    }
}
db_test!(every_demo_role_can_sign_in, every_demo_role_can_sign_in);
