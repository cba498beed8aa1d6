//! Issue 10: attacks found by an outside probe, each reproduced and now refused, on SQLite and
//! PostgreSQL.

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
