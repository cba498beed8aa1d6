//! Accounts, passwords and organisations through the API, on SQLite and PostgreSQL.

mod common;

use chrono::{Duration, Utc};
use common::{assert_error, spawn_app, Backend, TestApp};
use http::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{json, Value};
use xueji_backend::entities::{accounts, audit_log, password_policies};

async fn org_id(app: &TestApp, token: &str, code: &str) -> i64 {
    let r = app
        .get(&format!("/api/v1/orgs?q={code}"), Some(token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
        .as_array()
        .and_then(|a| a.iter().find(|o| o["code"] == code))
        .and_then(|o| o["id"].as_i64())
        .unwrap_or_else(|| panic!("org {code} not visible: {}", r.text))
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> (StatusCode, Value) {
    let r = app
        .post(
            "/api/v1/auth/login",
            json!({ "username": username, "password": password }),
            None,
        )
        .await;
    (r.status, r.body)
}

fn field_names(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn account_row(app: &TestApp, username: &str) -> accounts::Model {
    accounts::Entity::find()
        .filter(accounts::Column::Username.eq(username))
        .one(app.db())
        .await
        .expect("q")
        .expect("account")
}

async fn admin_creates_account_and_owner_must_change_password(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.token("hz-xh-admin").await;
    let school = org_id(&app, &admin, "3330106001").await;

    // Every invalid field at once, in Chinese.
    let r = app
        .post(
            "/api/v1/accounts",
            json!({ "username": "x", "display_name": " ", "role": "registrar", "org_id": school, "password": "short" }),
            Some(&admin),
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let names = field_names(&r.body);
    assert!(
        names.contains(&"username".into())
            && names.contains(&"display_name".into())
            && names.contains(&"password".into()),
        "{names:?}"
    );

    let r = app
        .post(
            "/api/v1/accounts",
            json!({ "username": "wang-teacher", "display_name": "王老师", "role": "registrar", "org_id": school, "password": "Initial#2026" }),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["org"]["code"], "3330106001");
    assert_eq!(r.body["must_change_password"], true);
    let created_id = r.body["id"].as_i64().expect("id");

    // Duplicate username.
    let r = app
        .post(
            "/api/v1/accounts",
            json!({ "username": "wang-teacher", "display_name": "另一位", "role": "leader", "org_id": school, "password": "Initial#2026" }),
            Some(&admin),
        )
        .await;
    let msg = assert_error(&r, StatusCode::CONFLICT, "conflict");
    assert!(msg.contains("wang-teacher"));
    assert_eq!(field_names(&r.body), ["username"]);

    // The new registrar signs in, must change the password, and can do nothing else before.
    let (status, body) = sign_in(&app, "wang-teacher", "Initial#2026").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["account"]["password_change_required"], true);
    let t = body["access_token"].as_str().expect("t").to_owned();
    let old_refresh = body["refresh_token"].as_str().expect("r").to_owned();
    assert_error(
        &app.get("/api/v1/orgs", Some(&t)).await,
        StatusCode::FORBIDDEN,
        "password_change_required",
    );
    assert_eq!(app.get("/api/v1/me", Some(&t)).await.status, StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/password-policy", Some(&t)).await.body["min_length"],
        8
    );

    let r = app
        .post(
            "/api/v1/me/password",
            json!({ "current_password": "wrong", "new_password": "abc" }),
            Some(&t),
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let names = field_names(&r.body);
    assert!(
        names.contains(&"current_password".into()) && names.contains(&"new_password".into()),
        "{names:?}"
    );

    let r = app
        .post(
            "/api/v1/me/password",
            json!({ "current_password": "Initial#2026", "new_password": "Better#Pass9" }),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["account"]["password_change_required"], false);
    let t2 = r.body["access_token"].as_str().expect("t").to_owned();
    assert_eq!(
        app.get("/api/v1/orgs", Some(&t2)).await.status,
        StatusCode::OK
    );
    // The session from before the change is over.
    assert_error(
        &app.post(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": old_refresh }),
            None,
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_eq!(
        sign_in(&app, "wang-teacher", "Initial#2026").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&app, "wang-teacher", "Better#Pass9").await.0,
        StatusCode::OK
    );

    // The creation is audited without the password.
    let entry = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("account.create"))
        .one(app.db())
        .await
        .expect("q")
        .expect("audited");
    assert_eq!(entry.object_id, Some(created_id.to_string()));
    let after = entry.after.unwrap_or_default();
    assert!(
        after.contains("wang-teacher")
            && !after.contains("Initial#2026")
            && !after.contains("argon2")
    );
}
db_test!(
    admin_creates_account_and_owner_must_change_password,
    admin_creates_account_and_owner_must_change_password
);

async fn disable_unlock_and_reset(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.token("hz-xh-admin").await;
    let victim = account_row(&app, "hz-xh-1-leader").await;
    let session = app.login("hz-xh-1-leader").await;
    let refresh = session["refresh_token"].as_str().expect("r").to_owned();

    // Disable: sign-in refused, sessions ended.
    let r = app
        .call(
            Method::PATCH,
            &format!("/api/v1/accounts/{}", victim.id),
            Some(json!({ "disabled": true })),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["disabled"], true);
    assert_eq!(
        sign_in(&app, "hz-xh-1-leader", xueji_backend::demo::DEMO_PASSWORD)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
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
    // An administrator can't disable itself.
    let me = account_row(&app, "hz-xh-admin").await;
    assert_error(
        &app.call(
            Method::PATCH,
            &format!("/api/v1/accounts/{}", me.id),
            Some(json!({ "disabled": true })),
            Some(&admin),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    app.call(
        Method::PATCH,
        &format!("/api/v1/accounts/{}", victim.id),
        Some(json!({ "disabled": false })),
        Some(&admin),
    )
    .await;

    // Lock by wrong passwords, unlock by the administrator.
    for _ in 0..5 {
        sign_in(&app, "hz-xh-1-leader", "nope").await;
    }
    assert_eq!(
        sign_in(&app, "hz-xh-1-leader", xueji_backend::demo::DEMO_PASSWORD)
            .await
            .0,
        StatusCode::LOCKED
    );
    let listed = app.get("/api/v1/accounts", Some(&admin)).await;
    let row = listed
        .body
        .as_array()
        .and_then(|a| a.iter().find(|x| x["username"] == "hz-xh-1-leader"))
        .cloned()
        .expect("listed");
    assert!(row["locked_until"].is_string());
    let r = app
        .post(
            &format!("/api/v1/accounts/{}/unlock", victim.id),
            json!({}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body["locked_until"].is_null());
    assert_eq!(
        sign_in(&app, "hz-xh-1-leader", xueji_backend::demo::DEMO_PASSWORD)
            .await
            .0,
        StatusCode::OK
    );

    // Reset: weak password refused naming the field; a good one forces a change.
    let r = app
        .post(
            &format!("/api/v1/accounts/{}/reset-password", victim.id),
            json!({ "new_password": "123" }),
            Some(&admin),
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(field_names(&r.body), ["new_password"]);
    let r = app
        .post(
            &format!("/api/v1/accounts/{}/reset-password", victim.id),
            json!({ "new_password": "Reset#2026x" }),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (status, body) = sign_in(&app, "hz-xh-1-leader", "Reset#2026x").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["account"]["password_change_required"], true);

    // A city administrator does not manage school accounts two levels down.
    let city = app.token("hz-admin").await;
    assert_error(
        &app.post(
            &format!("/api/v1/accounts/{}/unlock", victim.id),
            json!({}),
            Some(&city),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}
db_test!(disable_unlock_and_reset, disable_unlock_and_reset);

async fn expiry_and_password_loans_force_a_change(b: Backend) {
    let app = spawn_app(b).await;
    // The province sets a 30-day expiry; a password changed 40 days ago has expired.
    password_policies::ActiveModel {
        province_code: Set("330000".into()),
        min_length: Set(10),
        expiry_days: Set(30),
        lockout_threshold: Set(3),
        lockout_minutes: Set(30),
        updated_at: Set(Utc::now()),
    }
    .insert(app.db())
    .await
    .expect("policy");
    let a = account_row(&app, "nb-hs-2-registrar").await;
    let mut am = a.into_active_model();
    am.password_changed_at = Set(Utc::now() - Duration::days(40));
    am.update(app.db()).await.expect("age");
    let (_, body) = sign_in(
        &app,
        "nb-hs-2-registrar",
        xueji_backend::demo::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(body["account"]["password_change_required"], true);
    // The province's lockout threshold (3) applies.
    for _ in 0..2 {
        let (s, _) = sign_in(&app, "nb-hs-3-registrar", "bad").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        sign_in(&app, "nb-hs-3-registrar", "bad").await.0,
        StatusCode::LOCKED
    );

    // A loan: while it runs nothing changes; once it has ended the owner must change.
    let admin = app.token("nb-hs-admin").await;
    let victim = account_row(&app, "nb-hs-1-registrar").await;
    let today = xueji_backend::clock::today();
    let r = app
        .post(&format!("/api/v1/accounts/{}/loan", victim.id), json!({ "lent_to": "", "reason": "", "until": (today - Duration::days(1)).to_string() }), Some(&admin))
        .await;
    assert_eq!(field_names(&r.body), ["lent_to", "reason", "until"]);
    let r = app
        .post(
            &format!("/api/v1/accounts/{}/loan", victim.id),
            json!({ "lent_to": "李老师", "reason": "学籍集中录入", "until": today.to_string() }),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["loan"]["lent_to"], "李老师");
    assert_eq!(r.body["loan"]["recorded_by"], "nb-hs-admin");
    let (_, body) = sign_in(
        &app,
        "nb-hs-1-registrar",
        xueji_backend::demo::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(body["account"]["password_change_required"], false);
    // The loan ends (yesterday).
    use xueji_backend::entities::password_loans;
    let loan = password_loans::Entity::find()
        .one(app.db())
        .await
        .expect("q")
        .expect("loan");
    let mut lm = loan.into_active_model();
    lm.until = Set(today - Duration::days(1));
    lm.update(app.db()).await.expect("end");
    let (_, body) = sign_in(
        &app,
        "nb-hs-1-registrar",
        xueji_backend::demo::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(body["account"]["password_change_required"], true);
    let t = body["access_token"].as_str().expect("t");
    let r = app
        .post("/api/v1/me/password", json!({ "current_password": xueji_backend::demo::DEMO_PASSWORD, "new_password": "Owner#Again42" }), Some(t))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["account"]["password_change_required"], false);
    let listed = app
        .get(
            &format!("/api/v1/accounts?org_id={}", victim.org_id),
            Some(&admin),
        )
        .await;
    let row = listed
        .body
        .as_array()
        .and_then(|a| a.iter().find(|x| x["username"] == "nb-hs-1-registrar"))
        .cloned()
        .expect("row");
    assert!(row["loan"].is_null(), "loan ended by the change: {row}");
}
db_test!(
    expiry_and_password_loans_force_a_change,
    expiry_and_password_loans_force_a_change
);

async fn organisations_are_created_and_edited_below_own(b: Backend) {
    let app = spawn_app(b).await;
    let county = app.token("hz-xh-admin").await;
    let county_id = org_id(&app, &county, "330106").await;
    // Root and children.
    let root = app.get("/api/v1/orgs", Some(&county)).await;
    assert_eq!(root.body[0]["code"], "330106");
    assert_eq!(root.body[0]["child_count"], 3);
    let kids = app
        .get(
            &format!("/api/v1/orgs?parent_id={county_id}"),
            Some(&county),
        )
        .await;
    let codes: Vec<_> = kids
        .body
        .as_array()
        .expect("a")
        .iter()
        .map(|o| o["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(codes, ["3330106001", "3330106002", "3330106003"]);

    let bad = app
        .post(
            "/api/v1/orgs",
            json!({ "parent_id": county_id, "code": "12", "name": "x" }),
            Some(&county),
        )
        .await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(field_names(&bad.body), ["code", "name", "school_kind"]);
    let r = app
        .post("/api/v1/orgs", json!({ "parent_id": county_id, "code": "3330106004", "name": "杭州市西湖区新建小学", "school_kind": "primary", "address": "西湖区某路 1 号" }), Some(&county))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["level"], "school");
    let new_id = r.body["id"].as_i64().expect("id");
    let dup = app
        .post("/api/v1/orgs", json!({ "parent_id": county_id, "code": "3330106004", "name": "重复学校", "school_kind": "primary" }), Some(&county))
        .await;
    assert_error(&dup, StatusCode::CONFLICT, "conflict");
    // No organisation below a school.
    let under_school = app
        .post("/api/v1/orgs", json!({ "parent_id": new_id, "code": "3330106005", "name": "分校", "school_kind": "primary" }), Some(&county))
        .await;
    assert_eq!(field_names(&under_school.body), ["parent_id"]);
    // A city's region code must belong to the province.
    let province = app.token("zj-admin").await;
    let zj = org_id(&app, &province, "330000").await;
    let wrong = app
        .post(
            "/api/v1/orgs",
            json!({ "parent_id": zj, "code": "320100", "name": "南京市教育局" }),
            Some(&province),
        )
        .await;
    assert_eq!(field_names(&wrong.body), ["code"]);
    let ok = app
        .post(
            "/api/v1/orgs",
            json!({ "parent_id": zj, "code": "330300", "name": "温州市教育局" }),
            Some(&province),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.body["level"], "city");

    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/orgs/{new_id}"),
            Some(json!({ "name": "杭州市西湖区新建实验小学", "school_kind": "nine_year" })),
            Some(&county),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["school_kind"], "nine_year");
    // The new school is visible to the county and the province, not to another county.
    let other = app.token("nb-hs-admin").await;
    assert_eq!(
        app.get(&format!("/api/v1/orgs/{new_id}"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/orgs/{new_id}"), Some(&province))
            .await
            .status,
        StatusCode::OK
    );
}
db_test!(
    organisations_are_created_and_edited_below_own,
    organisations_are_created_and_edited_below_own
);

async fn audit_is_browsable_within_the_jurisdiction(b: Backend) {
    let app = spawn_app(b).await;
    app.login("hz-xh-1-registrar").await;
    app.login("nb-yz-1-registrar").await;
    let leader = app.token("hz-xh-leader").await;
    let r = app
        .get("/api/v1/audit?action=auth.login", Some(&leader))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let users: Vec<_> = r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["actor_username"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(users.contains(&"hz-xh-1-registrar".to_owned()));
    assert!(!users.contains(&"nb-yz-1-registrar".to_owned()));
    assert_eq!(r.body["items"][0]["action_label"], "登录");
    let r = app
        .get(
            "/api/v1/audit?username=hz-xh-1-registrar&per_page=1",
            Some(&leader),
        )
        .await;
    assert_eq!(r.body["total"], 1);
    let bad = app
        .get("/api/v1/audit?from=2026-12-01&to=2026-11-01", Some(&leader))
        .await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let registrar = app.token("hz-xh-registrar").await;
    assert_error(
        &app.get("/api/v1/audit", Some(&registrar)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let admin = app.token("zj-admin").await;
    let v = app.get("/api/v1/audit/verify", Some(&admin)).await;
    assert_eq!(v.body["ok"], true, "{}", v.text);
    assert!(v.body["checked"].as_u64().unwrap_or(0) >= 3);
}
db_test!(
    audit_is_browsable_within_the_jurisdiction,
    audit_is_browsable_within_the_jurisdiction
);
