//! System configuration through the API, on SQLite and PostgreSQL: class-size caps (inheritance,
//! lock, parent's limit), controlled fields per level, province switches and business windows,
//! the working-day calendar, the password policy, and classes under the cap; wrong role, wrong
//! level and other jurisdictions; an audit entry for every write.

mod common;

use common::{assert_error, spawn_app, Backend, TestApp};
use http::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use xueji_backend::entities::{audit_log, organisations};
use xueji_backend::settings;

async fn org_id(app: &TestApp, code: &str) -> i64 {
    organisations::Entity::find()
        .filter(organisations::Column::Code.eq(code))
        .one(app.db())
        .await
        .expect("query")
        .expect("organisation exists")
        .id
}

async fn put(app: &TestApp, path: &str, body: Value, token: &str) -> common::Resp {
    app.call(Method::PUT, path, Some(body), Some(token)).await
}

async fn audits(app: &TestApp, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(app.db())
        .await
        .expect("count")
}

fn field_error<'a>(r: &'a common::Resp, field: &str) -> &'a str {
    r.body["error"]["fields"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["field"] == field))
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no error on {field}: {}", r.text))
}

fn stage<'a>(view: &'a Value, name: &str) -> &'a Value {
    view["stages"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["stage"] == name))
        .unwrap_or_else(|| panic!("no stage {name}: {view}"))
}

async fn caps_inherit_lock_and_limit(b: Backend) {
    let app = spawn_app(b).await;
    let (zj, hz, hz_xh, school) = (
        org_id(&app, "330000").await,
        org_id(&app, "330100").await,
        org_id(&app, "330106").await,
        org_id(&app, "3330106001").await,
    );
    let city = app.token("hz-admin").await;
    let county = app.token("hz-xh-admin").await;
    let province = app.token("zj-admin").await;
    let reader = app.token("hz-xh-1-registrar").await;

    // The city sets 45 and locks it.
    let r = put(
        &app,
        &format!("/api/v1/orgs/{hz}/caps"),
        json!({ "stage": "primary", "cap": 45, "locked": true }),
        &city,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(stage(&r.body, "primary")["own"]["cap"], 45);

    // The county cannot set one at all.
    let r = put(
        &app,
        &format!("/api/v1/orgs/{hz_xh}/caps"),
        json!({ "stage": "primary", "cap": 40 }),
        &county,
    )
    .await;
    let msg = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(msg.contains("cap"), "{msg}");
    assert!(
        field_error(&r, "cap").contains("不允许下级修改"),
        "{}",
        r.text
    );

    // The county's page shows it locked from above; the school inherits 45 from 地市级.
    let v = app
        .get(&format!("/api/v1/orgs/{hz_xh}/caps"), Some(&county))
        .await;
    assert_eq!(v.status, StatusCode::OK);
    assert_eq!(v.body["editable"], true);
    assert_eq!(stage(&v.body, "primary")["locked_by"], "city");
    let v = app
        .get(&format!("/api/v1/orgs/{school}/caps"), Some(&reader))
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    assert_eq!(v.body["editable"], false);
    let p = stage(&v.body, "primary");
    assert_eq!(p["effective"], 45);
    assert_eq!(p["effective_level"], "city");
    assert_eq!(p["effective_org_name"], "杭州市教育局");
    assert!(p["own"].is_null());
    // A primary school shows its one stage.
    assert_eq!(v.body["stages"].as_array().map(Vec::len), Some(1));

    // Unlocked: the county may narrow, not exceed.
    let r = put(
        &app,
        &format!("/api/v1/orgs/{hz}/caps"),
        json!({ "stage": "primary", "cap": 45, "locked": false }),
        &city,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = put(
        &app,
        &format!("/api/v1/orgs/{hz_xh}/caps"),
        json!({ "stage": "primary", "cap": 50 }),
        &county,
    )
    .await;
    let msg = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(msg.starts_with("cap："), "{msg}");
    let m = field_error(&r, "cap");
    assert!(
        m.contains("小学") && m.contains("地市级") && m.contains("45人"),
        "{m}"
    );
    let r = put(
        &app,
        &format!("/api/v1/orgs/{hz_xh}/caps"),
        json!({ "stage": "primary", "cap": 40 }),
        &county,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = app
        .get(&format!("/api/v1/orgs/{school}/caps"), Some(&reader))
        .await;
    assert_eq!(stage(&v.body, "primary")["effective"], 40);
    assert_eq!(stage(&v.body, "primary")["effective_level"], "county");

    // The province lowers below both: the effective cap follows.
    let r = put(
        &app,
        &format!("/api/v1/orgs/{zj}/caps"),
        json!({ "stage": "primary", "cap": 35 }),
        &province,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = app
        .get(&format!("/api/v1/orgs/{school}/caps"), Some(&reader))
        .await;
    assert_eq!(stage(&v.body, "primary")["effective"], 35);
    assert_eq!(stage(&v.body, "primary")["effective_level"], "province");
    let school_org = organisations::Entity::find_by_id(school)
        .one(app.db())
        .await
        .expect("q")
        .expect("school");
    let eff = settings::effective_cap(app.db(), &school_org, xueji_shared::stage::Stage::Primary)
        .await
        .expect("effective");
    assert_eq!(eff, Some((35, xueji_shared::org::Level::Province)));
    // Another stage is untouched.
    let v = app
        .get(&format!("/api/v1/orgs/{hz_xh}/caps"), Some(&county))
        .await;
    assert!(stage(&v.body, "senior")["effective"].is_null());

    // Zero is refused; clearing the own cap is allowed.
    let r = put(
        &app,
        &format!("/api/v1/orgs/{hz_xh}/caps"),
        json!({ "stage": "primary", "cap": 0 }),
        &county,
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let r = put(
        &app,
        &format!("/api/v1/orgs/{hz_xh}/caps"),
        json!({ "stage": "primary", "cap": null }),
        &county,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // Five successful writes, five audit entries.
    assert_eq!(audits(&app, "config.caps.update").await, 5);
}
db_test!(caps_inherit_lock_and_limit, caps_inherit_lock_and_limit);

async fn caps_wrong_role_level_or_jurisdiction(b: Backend) {
    let app = spawn_app(b).await;
    let (hz, hz_xh, school, nb, nb_school) = (
        org_id(&app, "330100").await,
        org_id(&app, "330106").await,
        org_id(&app, "3330106001").await,
        org_id(&app, "330200").await,
        org_id(&app, "3330203001").await,
    );
    let body = json!({ "stage": "primary", "cap": 40 });
    // Registrars and leaders do not configure.
    let t = app.token("hz-xh-registrar").await;
    assert_error(
        &put(
            &app,
            &format!("/api/v1/orgs/{hz_xh}/caps"),
            body.clone(),
            &t,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // A city administrator cannot set its county's caps (wrong level).
    let t = app.token("hz-admin").await;
    let msg = assert_error(
        &put(
            &app,
            &format!("/api/v1/orgs/{hz_xh}/caps"),
            body.clone(),
            &t,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert!(msg.contains("本单位"), "{msg}");
    // A school has no caps of its own.
    let t = app.token("hz-xh-1-admin").await;
    assert_error(
        &put(
            &app,
            &format!("/api/v1/orgs/{school}/caps"),
            body.clone(),
            &t,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // Outside the subtree: 404, for reads and writes, above and beside.
    let t = app.token("hz-xh-admin").await;
    for id in [nb, nb_school, hz] {
        assert_error(
            &app.get(&format!("/api/v1/orgs/{id}/caps"), Some(&t)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        assert_error(
            &put(&app, &format!("/api/v1/orgs/{id}/caps"), body.clone(), &t).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    assert_error(
        &app.get("/api/v1/orgs/999999/caps", Some(&t)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // Unauthenticated.
    assert_error(
        &app.get(&format!("/api/v1/orgs/{hz_xh}/caps"), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    // Bad body: Chinese, naming the field.
    let r = put(
        &app,
        &format!("/api/v1/orgs/{hz_xh}/caps"),
        json!({ "stage": "college" }),
        &t,
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(audits(&app, "config.caps.update").await, 0);
}
db_test!(
    caps_wrong_role_level_or_jurisdiction,
    caps_wrong_role_level_or_jurisdiction
);

async fn controlled_fields_per_level(b: Backend) {
    let app = spawn_app(b).await;
    let (zj, hz, hz_xh, school, nb) = (
        org_id(&app, "330000").await,
        org_id(&app, "330100").await,
        org_id(&app, "330106").await,
        org_id(&app, "3330106001").await,
        org_id(&app, "330200").await,
    );
    let province = app.token("zj-admin").await;
    let city = app.token("hz-admin").await;
    let r = put(
        &app,
        &format!("/api/v1/orgs/{zj}/controlled-fields"),
        json!({ "fields": ["ethnic_group"] }),
        &province,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["own"], json!(["ethnic_group"]));
    let r = put(
        &app,
        &format!("/api/v1/orgs/{hz}/controlled-fields"),
        json!({ "fields": ["household_place", "phone", "phone"] }),
        &city,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["own"], json!(["household_place", "phone"]));
    // The city sees the province's set, read-only, and its own.
    let above = r.body["above"].as_array().expect("above");
    let prov = above
        .iter()
        .find(|l| l["level"] == "province")
        .expect("province");
    assert_eq!(prov["fields"], json!(["ethnic_group"]));
    assert_eq!(r.body["editable"], true);
    // The county sees both above, none of its own; the school the union plus identity.
    let county = app.token("hz-xh-admin").await;
    let v = app
        .get(
            &format!("/api/v1/orgs/{hz_xh}/controlled-fields"),
            Some(&county),
        )
        .await;
    assert_eq!(v.status, StatusCode::OK);
    assert_eq!(v.body["own"], json!([]));
    assert_eq!(
        v.body["above"].as_array().map(|a| a
            .iter()
            .filter(|l| !l["fields"].as_array().is_some_and(|f| f.is_empty()))
            .count()),
        Some(2)
    );
    let reader = app.token("hz-xh-1-registrar").await;
    let v = app
        .get(
            &format!("/api/v1/orgs/{school}/controlled-fields"),
            Some(&reader),
        )
        .await;
    assert_eq!(v.body["editable"], false);
    for f in [
        "ethnic_group",
        "household_place",
        "phone",
        "name",
        "id_number",
    ] {
        assert!(
            v.body["effective"]
                .as_array()
                .is_some_and(|e| e.contains(&json!(f))),
            "{f}: {}",
            v.text
        );
    }
    let school_org = organisations::Entity::find_by_id(school)
        .one(app.db())
        .await
        .expect("q")
        .expect("s");
    let set = settings::controlled_for_school(app.db(), &school_org)
        .await
        .expect("set");
    assert!(set.contains("phone") && set.contains("gender"));
    // The county removes nothing above; another city sees none of Hangzhou's.
    let nb_admin = app.token("nb-admin").await;
    let v = app
        .get(
            &format!("/api/v1/orgs/{nb}/controlled-fields"),
            Some(&nb_admin),
        )
        .await;
    assert!(!v.body["effective"]
        .as_array()
        .is_some_and(|e| e.contains(&json!("phone"))));

    // Unknown field; wrong level; school; outside; registrar.
    let r = put(
        &app,
        &format!("/api/v1/orgs/{hz_xh}/controlled-fields"),
        json!({ "fields": ["shoe_size"] }),
        &county,
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(field_error(&r, "fields").contains("shoe_size"));
    assert_error(
        &put(
            &app,
            &format!("/api/v1/orgs/{hz_xh}/controlled-fields"),
            json!({ "fields": [] }),
            &city,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let school_admin = app.token("hz-xh-1-admin").await;
    assert_error(
        &put(
            &app,
            &format!("/api/v1/orgs/{school}/controlled-fields"),
            json!({ "fields": [] }),
            &school_admin,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &put(
            &app,
            &format!("/api/v1/orgs/{zj}/controlled-fields"),
            json!({ "fields": [] }),
            &city,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let reg = app.token("hz-registrar").await;
    assert_error(
        &put(
            &app,
            &format!("/api/v1/orgs/{hz}/controlled-fields"),
            json!({ "fields": [] }),
            &reg,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_eq!(audits(&app, "config.controlled_fields.update").await, 2);
}
db_test!(controlled_fields_per_level, controlled_fields_per_level);

fn switches_body() -> Value {
    json!({
        "status_changes": {
            "primary": ["suspend", "resume", "repeat"],
            "junior": ["suspend", "resume"],
            "senior": ["suspend", "resume", "withdraw", "expel"],
            "authority_approval": ["suspend", "expel"]
        },
        "grade1_registration_open": false,
        "grade1_age": { "enabled": true, "min_age": 6, "max_age": 7, "cutoff_month": 8, "cutoff_day": 31 },
        "delete_with_formal_number": false,
        "windows": {
            "grade1_registration": { "start": "2026-09-01", "end": "2026-09-30" },
            "graduation": { "start": "2026-05-01", "end": "2026-07-30" }
        }
    })
}

async fn switches_and_windows(b: Backend) {
    let app = spawn_app(b).await;
    let reader = app.token("hz-xh-1-registrar").await;
    let v = app.get("/api/v1/config/switches", Some(&reader)).await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    assert_eq!(v.body["is_default"], true);
    assert_eq!(v.body["editable"], false);
    assert_eq!(v.body["settings"]["grade1_registration_open"], true);

    let province = app.token("zj-admin").await;
    // A window that ends before it starts.
    let mut bad = switches_body();
    bad["windows"]["graduation"] = json!({ "start": "2026-07-30", "end": "2026-05-01" });
    let r = put(&app, "/api/v1/config/switches", bad, &province).await;
    let msg = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(msg.contains("windows.graduation.end"), "{msg}");
    assert!(field_error(&r, "windows.graduation.end").contains("毕业"));
    // Expelling in compulsory education; age bounds reversed.
    let mut bad = switches_body();
    bad["status_changes"]["junior"] = json!(["expel"]);
    bad["grade1_age"]["max_age"] = json!(5);
    let r = put(&app, "/api/v1/config/switches", bad, &province).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    field_error(&r, "status_changes.junior");
    field_error(&r, "grade1_age.max_age");
    // Lower levels and other roles read only.
    for who in ["hz-admin", "hz-xh-admin", "zj-registrar", "moe-admin"] {
        let t = app.token(who).await;
        assert_error(
            &put(&app, "/api/v1/config/switches", switches_body(), &t).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }

    let r = put(&app, "/api/v1/config/switches", switches_body(), &province).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = app.get("/api/v1/config/switches", Some(&reader)).await;
    assert_eq!(v.body["is_default"], false);
    assert_eq!(v.body["settings"]["grade1_registration_open"], false);
    assert_eq!(
        v.body["settings"]["windows"]["graduation"]["end"],
        "2026-07-30"
    );
    assert_eq!(
        v.body["settings"]["status_changes"]["primary"],
        json!(["suspend", "resume", "repeat"])
    );
    let (s, default) = settings::switches(app.db(), "330000")
        .await
        .expect("switches");
    assert!(!default && !s.grade1_registration_open);
    let v = app.get("/api/v1/config/switches", Some(&province)).await;
    assert_eq!(v.body["editable"], true);
    assert_eq!(audits(&app, "config.switches.update").await, 1);
}
db_test!(switches_and_windows, switches_and_windows);

async fn working_day_calendar(b: Backend) {
    let app = spawn_app(b).await;
    let ministry = app.token("moe-admin").await;
    let province = app.token("zj-admin").await;
    let national = json!({ "year": 2026, "days": [
        { "date": "2026-10-01", "kind": "holiday", "note": "国庆节" },
        { "date": "2026-10-02", "kind": "holiday", "note": "国庆节" },
        { "date": "2026-10-10", "kind": "makeup_workday", "note": "国庆调休" }
    ]});
    let r = put(&app, "/api/v1/config/calendar", national, &ministry).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["editable"], "national");
    assert_eq!(r.body["national"].as_array().map(Vec::len), Some(3));

    // A province cannot repeat a national day; make-up days fall on weekends.
    let r = put(
        &app,
        "/api/v1/config/calendar",
        json!({ "year": 2026, "days": [
            { "date": "2026-10-01", "kind": "holiday" },
            { "date": "2026-11-03", "kind": "makeup_workday" }
        ]}),
        &province,
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    field_error(&r, "days[0].date");
    field_error(&r, "days[1].kind");
    let r = put(
        &app,
        "/api/v1/config/calendar",
        json!({ "year": 2026, "days": [
            { "date": "2026-11-02", "kind": "holiday", "note": "本省增补" }
        ]}),
        &province,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["editable"], "province");

    // Lower levels read the effective calendar.
    let reader = app.token("hz-xh-1-registrar").await;
    let v = app
        .get("/api/v1/config/calendar?year=2026", Some(&reader))
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    assert_eq!(v.body["national"].as_array().map(Vec::len), Some(3));
    assert_eq!(v.body["province"][0]["date"], "2026-11-02");
    assert!(v.body["editable"].is_null());
    let v = app
        .get("/api/v1/config/calendar?year=2025", Some(&reader))
        .await;
    assert_eq!(v.body["national"], json!([]));
    assert_error(
        &app.get("/api/v1/config/calendar?year=abc", Some(&reader))
            .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let cal = settings::calendar(app.db(), "330000")
        .await
        .expect("calendar");
    let d = |m, dd| chrono::NaiveDate::from_ymd_opt(2026, m, dd).expect("date");
    assert!(!cal.is_working_day(d(10, 1)));
    assert!(cal.is_working_day(d(10, 10)));
    assert!(!cal.is_working_day(d(11, 2)));
    assert!(cal.is_working_day(d(11, 3)));
    // Another province does not get Zhejiang's addition.
    let other = settings::calendar(app.db(), "320000")
        .await
        .expect("calendar");
    assert!(other.is_working_day(d(11, 2)));

    for who in ["hz-admin", "zj-registrar", "hz-xh-1-admin"] {
        let t = app.token(who).await;
        assert_error(
            &put(
                &app,
                "/api/v1/config/calendar",
                json!({ "year": 2026, "days": [] }),
                &t,
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    assert_eq!(audits(&app, "config.calendar.update").await, 2);
}
db_test!(working_day_calendar, working_day_calendar);

async fn password_policy_per_province(b: Backend) {
    let app = spawn_app(b).await;
    let reader = app.token("hz-xh-1-leader").await;
    let v = app
        .get("/api/v1/config/password-policy", Some(&reader))
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    assert_eq!(v.body["is_default"], true);
    assert_eq!(v.body["policy"]["min_length"], 8);

    let province = app.token("zj-admin").await;
    let r = put(
        &app,
        "/api/v1/config/password-policy",
        json!({
            "min_length": 4, "expiry_days": 90, "lockout_threshold": 50, "lockout_minutes": 15
        }),
        &province,
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    field_error(&r, "min_length");
    field_error(&r, "lockout_threshold");
    let good = json!({ "min_length": 12, "expiry_days": 60, "lockout_threshold": 3, "lockout_minutes": 30 });
    let t = app.token("hz-admin").await;
    assert_error(
        &put(&app, "/api/v1/config/password-policy", good.clone(), &t).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let r = put(
        &app,
        "/api/v1/config/password-policy",
        good.clone(),
        &province,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Again (update path).
    let r = put(
        &app,
        "/api/v1/config/password-policy",
        good.clone(),
        &province,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = app
        .get("/api/v1/config/password-policy", Some(&reader))
        .await;
    assert_eq!(v.body["is_default"], false);
    assert_eq!(v.body["policy"], good);
    let p = settings::password_policy(app.db(), "330000")
        .await
        .expect("policy");
    assert_eq!(
        (
            p.min_length,
            p.expiry_days,
            p.lockout_threshold,
            p.lockout_minutes
        ),
        (12, 60, 3, 30)
    );
    assert_eq!(
        settings::password_policy(app.db(), "000000")
            .await
            .expect("p")
            .min_length,
        8
    );
    assert_eq!(audits(&app, "config.password_policy.update").await, 2);
}
db_test!(password_policy_per_province, password_policy_per_province);

async fn classes_under_the_cap(b: Backend) {
    let app = spawn_app(b).await;
    let (hz, hz_xh, school, nine) = (
        org_id(&app, "330100").await,
        org_id(&app, "330106").await,
        org_id(&app, "3330106001").await,
        org_id(&app, "3330106002").await,
    );
    let city = app.token("hz-admin").await;
    let r = put(
        &app,
        &format!("/api/v1/orgs/{hz}/caps"),
        json!({ "stage": "primary", "cap": 45 }),
        &city,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let county = app.token("hz-xh-admin").await;
    let class = |capacity: u16| {
        json!({
            "stage": "primary", "grade": 1, "name": "1班", "head_teacher": "王老师", "capacity": capacity
        })
    };
    let path = format!("/api/v1/orgs/{school}/classes");
    let r = app.post(&path, class(50), Some(&county)).await;
    let msg = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(msg.contains("capacity"), "{msg}");
    assert!(field_error(&r, "capacity").contains("45"), "{}", r.text);
    // A primary school has no junior classes.
    let mut junior = class(40);
    junior["stage"] = json!("junior");
    field_error(&app.post(&path, junior, Some(&county)).await, "stage");

    let r = app.post(&path, class(45), Some(&county)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_i64().expect("id");
    assert_eq!(r.body["head_teacher"], "王老师");
    assert_error(
        &app.post(&path, class(40), Some(&county)).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    // A nine-year school takes junior classes.
    let mut junior = class(40);
    junior["stage"] = json!("junior");
    let r = app
        .post(
            &format!("/api/v1/orgs/{nine}/classes"),
            junior,
            Some(&county),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    let r = put(
        &app,
        &format!("/api/v1/classes/{id}"),
        json!({
            "stage": "primary", "grade": 2, "name": "2班", "capacity": 42
        }),
        &county,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["grade"], 2);
    assert!(r.body["head_teacher"].is_null());
    let r = put(&app, &format!("/api/v1/classes/{id}"), class(46), &county).await;
    field_error(&r, "capacity");

    // The school's own registrar reads; the school's admin edits its own.
    let reader = app.token("hz-xh-1-registrar").await;
    let v = app.get(&path, Some(&reader)).await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    let list = v.body.as_array().cloned().unwrap_or_default();
    // The demo data's 12 classes (一班/二班 of grades 1–6) and the new one.
    assert_eq!(list.len(), 12 + 1, "{}", v.text);
    let ours = list
        .iter()
        .find(|c| c["id"] == id)
        .expect("the new class is listed");
    assert_eq!(ours["capacity"], 42);
    assert_eq!(ours["name"], "2班");
    assert_error(
        &app.post(&path, class(40), Some(&reader)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let school_admin = app.token("hz-xh-1-admin").await;
    let mut c3 = class(30);
    c3["name"] = json!("3班");
    assert_eq!(
        app.post(&path, c3, Some(&school_admin)).await.status,
        StatusCode::CREATED
    );

    // Another county: 404 for the school and for the class.
    let other = app.token("nb-hs-admin").await;
    assert_error(
        &app.get(&path, Some(&other)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &app.post(&path, class(40), Some(&other)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &put(&app, &format!("/api/v1/classes/{id}"), class(40), &other).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let sibling = app.token("hz-xh-2-admin").await;
    assert_error(
        &put(&app, &format!("/api/v1/classes/{id}"), class(40), &sibling).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // An authority has no classes.
    assert_error(
        &app.get(&format!("/api/v1/orgs/{hz_xh}/classes"), Some(&county))
            .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );

    assert_eq!(audits(&app, "class.create").await, 3);
    assert_eq!(audits(&app, "class.update").await, 1);
}
db_test!(classes_under_the_cap, classes_under_the_cap);

async fn openapi_lists_configuration(b: Backend) {
    let app = spawn_app(b).await;
    let doc = app.get("/api/openapi.json", None).await;
    for p in [
        "/api/v1/orgs/{id}/caps",
        "/api/v1/orgs/{id}/controlled-fields",
        "/api/v1/config/switches",
        "/api/v1/config/calendar",
        "/api/v1/config/password-policy",
        "/api/v1/orgs/{id}/classes",
        "/api/v1/classes/{id}",
    ] {
        assert!(doc.body["paths"][p].is_object(), "{p} missing from OpenAPI");
    }
}
db_test!(openapi_lists_configuration, openapi_lists_configuration);
