//! 学籍维护 and 关键信息变更 through the API, on SQLite and PostgreSQL (issue 12, first half):
//! uncontrolled edits saved directly, controlled ones (any authority level's set) becoming a
//! change request with proof on the request engine, identity changes through the national
//! duplicate check (a clash → a problem record; J → G with the J number kept), frozen graduates,
//! one open request per student under concurrency, stale versions, bad input.

mod common;

use axum::body::Body;
use common::{assert_error, spawn_app, Backend, Resp, TestApp};
use http::{Method, Request, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use xueji_backend::entities::{audit_log, organisations, problems, student_numbers, students};
use xueji_backend::student::{self as registration};
use xueji_backend::synth::{generate, SynthSpec};
use xueji_shared::record::{RecordRules, StudentRecord};
use xueji_shared::stage::Stage;

const XH1: &str = "3330106001"; // 杭州市西湖区求是小学 (hz-xh)
const SC1: &str = "3330102001"; // 杭州市上城区实验小学 (hz-sc)
const HS1: &str = "3330203001"; // 宁波 nb-hs-1

async fn org(app: &TestApp, code: &str) -> organisations::Model {
    organisations::Entity::find()
        .filter(organisations::Column::Code.eq(code))
        .one(app.db())
        .await
        .expect("q")
        .expect("org")
}

fn records(seed: u64, n: usize) -> Vec<StudentRecord> {
    let mut spec = SynthSpec::new(seed, n, 330106, xueji_backend::clock::today());
    spec.no_id_share = 0.0;
    spec.hmt_share = 0.0;
    generate(spec).expect("synth")
}

/// Register a record at a school directly (formal number), returning the student.
async fn register(app: &TestApp, code: &str, r: &StudentRecord) -> students::Model {
    let s = org(app, code).await;
    let mut rules = RecordRules::new(xueji_backend::clock::today());
    rules.school_stages = vec![Stage::Primary];
    let tx = app.state.begin_write().await.expect("tx");
    let out = registration::register(&*tx, &s, r, &rules)
        .await
        .expect("register");
    tx.commit().await.expect("commit");
    out.student().clone()
}

async fn student(app: &TestApp, id: i64) -> students::Model {
    students::Entity::find_by_id(id)
        .one(app.db())
        .await
        .expect("q")
        .expect("student")
}

async fn upload(app: &TestApp, token: &str, note: &str) -> String {
    let boundary = "xuejiCHANGEb0undary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hukou.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&common::pdf(note));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post("/api/v1/evidence")
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("req");
    let res = app.raw(req).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    res.body["sha256"].as_str().expect("sha").to_owned()
}

async fn edit(app: &TestApp, token: &str, id: i64, body: Value) -> Resp {
    app.call(
        Method::PATCH,
        &format!("/api/v1/students/{id}"),
        Some(body),
        Some(token),
    )
    .await
}

async fn version(app: &TestApp, token: &str, id: i64) -> i64 {
    let r = app
        .get(&format!("/api/v1/students/{id}/edit"), Some(token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["version"].as_i64().expect("version")
}

async fn act(app: &TestApp, who: &str, id: i64, body: Value) -> Resp {
    let t = app.token(who).await;
    app.post(&format!("/api/v1/changes/{id}/actions"), body, Some(&t))
        .await
}

async fn approve(app: &TestApp, who: &str, id: i64) -> Value {
    let r = act(app, who, id, json!({ "action": "approve" })).await;
    assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.text);
    r.body
}

async fn set_controlled(app: &TestApp, admin: &str, org_code: &str, fields: &[&str]) {
    let o = org(app, org_code).await;
    let t = app.token(admin).await;
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/orgs/{}/controlled-fields", o.id),
            Some(json!({ "fields": fields })),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

async fn audits(app: &TestApp, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(app.db())
        .await
        .expect("count")
}

fn fields_of(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The county makes 姓名 (and 联系电话) controlled: a 特长 edit saves at once with its history
/// and audit entry; a name edit becomes a change request that needs a 户籍证明, goes through
/// the school leader and the county (in their inboxes), and takes effect on the last approval;
/// a second request while one is open is 409; an edit from a stale form is 409.
async fn county_controls_name_specialty_saves_directly(b: Backend) {
    let app = spawn_app(b).await;
    set_controlled(&app, "hz-xh-admin", "330106", &["name", "phone"]).await;
    let s = register(&app, XH1, &records(501, 1)[0]).await;
    let t = app.token("hz-xh-1-registrar").await;
    let ctx = app
        .get(&format!("/api/v1/students/{}/edit", s.id), Some(&t))
        .await;
    assert_eq!(ctx.body["editable"], true, "{}", ctx.text);
    let controlled: Vec<&str> = ctx.body["controlled"]
        .as_array()
        .expect("controlled")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(controlled.contains(&"phone") && controlled.contains(&"name"));
    assert!(!controlled.contains(&"specialty"));

    // 特长: direct.
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": s.version, "record": { "specialty": "围棋" } }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["outcome"], "saved");
    let v = s.version + 1;
    assert_eq!(r.body["version"], v);
    assert_eq!(r.body["changes"][0]["field"], "specialty");
    assert_eq!(r.body["changes"][0]["label"], "特长");
    let card = app
        .get(&format!("/api/v1/students/{}", s.id), Some(&t))
        .await;
    assert_eq!(card.body["record"]["specialty"], "围棋");
    assert_eq!(audits(&app, "student.edit").await, 1);

    // The same edit from the stale form: 409, nothing written.
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": s.version, "record": { "specialty": "书法" } }),
    )
    .await;
    let msg = assert_error(&r, StatusCode::CONFLICT, "conflict");
    assert!(msg.contains("版本"), "{msg}");
    assert_eq!(student(&app, s.id).await.version, v);

    // 姓名 without proof, with the wrong kind of proof: 422 naming the evidence.
    let body = |evidence: Value| json!({ "version": v, "record": { "name": "王改名" }, "evidence": evidence, "reason": "户籍登记姓名变更" });
    let r = edit(&app, &t, s.id, body(json!([]))).await;
    let msg = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(fields_of(&r.body), ["evidence"], "{}", r.text);
    assert!(r.text.contains("户籍证明"), "{msg} {}", r.text);
    let sha = upload(&app, &t, "hukou 1").await;
    let r = edit(
        &app,
        &t,
        s.id,
        body(json!([{ "sha256": sha, "kind": "other" }])),
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let r = edit(
        &app,
        &t,
        s.id,
        body(json!([{ "sha256": "0".repeat(64), "kind": "household" }])),
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(fields_of(&r.body), ["evidence[0]"], "{}", r.text);

    let r = edit(
        &app,
        &t,
        s.id,
        body(json!([{ "sha256": sha, "kind": "household" }])),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["outcome"], "requested");
    let change = &r.body["change"];
    let id = change["id"].as_i64().expect("id");
    assert_eq!(change["state_label"], "待核办");
    assert_eq!(change["identity"], true);
    assert_eq!(change["changes"][0]["old"], s.name.as_str());
    assert_eq!(change["changes"][0]["new"], "王改名");
    assert_eq!(change["changes"][0]["controlled"], true);
    assert_eq!(change["next"]["label"], "学校核办");
    // Not in force yet.
    assert_eq!(student(&app, s.id).await.name, s.name);

    // One open change request per student: a 联系电话 change now is 409.
    let sha2 = upload(&app, &t, "phone proof").await;
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": v, "record": { "phone": "13900139000" }, "evidence": [{ "sha256": sha2, "kind": "other" }] }),
    )
    .await;
    let msg = assert_error(&r, StatusCode::CONFLICT, "conflict");
    assert!(msg.contains(&id.to_string()), "{msg}");

    // In the leader's inbox, then the county's; the county cannot act before the leader.
    let leader = app.token("hz-xh-1-leader").await;
    let inbox = app
        .get("/api/v1/inbox?business=change", Some(&leader))
        .await;
    assert_eq!(inbox.body["total"], 1, "{}", inbox.text);
    assert_eq!(inbox.body["items"][0]["link"], format!("/key-changes/{id}"));
    assert_eq!(inbox.body["items"][0]["business_label"], "关键信息变更");
    let r = act(&app, "hz-xh-registrar", id, json!({ "action": "approve" })).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let d = approve(&app, "hz-xh-1-leader", id).await;
    assert_eq!(d["next"]["level"], "county");
    let county = app.token("hz-xh-registrar").await;
    let todo = app.get("/api/v1/changes?todo=true", Some(&county)).await;
    assert_eq!(todo.body["total"], 1, "{}", todo.text);
    assert_eq!(todo.body["items"][0]["awaiting_me"], true);
    let got = app
        .get(&format!("/api/v1/changes/{id}"), Some(&county))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body["allowed_actions"][0], "approve", "{}", got.text);
    assert_eq!(got.body["evidence"][0]["sha256"], sha.as_str());
    let file = app
        .get(
            &format!("/api/v1/changes/{id}/evidence/{sha}"),
            Some(&county),
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.text.starts_with("%PDF"));
    let d = approve(&app, "hz-xh-registrar", id).await;
    assert_eq!(d["state"]["state"], "completed");
    assert_eq!(d["steps"].as_array().map(Vec::len), Some(2));

    let now = student(&app, s.id).await;
    assert_eq!(now.name, "王改名");
    assert_eq!(now.version, v + 1);
    assert_eq!(
        now.student_number, s.student_number,
        "the ID did not change"
    );
    let card = app
        .get(&format!("/api/v1/students/{}", s.id), Some(&t))
        .await;
    assert_eq!(card.body["record"]["name"], "王改名");
    assert_eq!(card.body["record"]["specialty"], "围棋");
    assert_eq!(audits(&app, "student.change").await, 1);

    // History: the approved change and the direct edit, newest first, with who.
    let h = app
        .get(&format!("/api/v1/students/{}/history", s.id), Some(&county))
        .await;
    assert_eq!(h.status, StatusCode::OK, "{}", h.text);
    assert_eq!(h.body["total"], 2);
    assert_eq!(h.body["items"][0]["kind"], "change");
    assert_eq!(h.body["items"][0]["request_id"], id);
    assert_eq!(h.body["items"][0]["changes"][0]["new"], "王改名");
    assert_eq!(h.body["items"][1]["kind"], "edit");
    assert_eq!(h.body["items"][1]["actor_org_name"], "杭州市西湖区求是小学");
    let page = app
        .get(
            &format!("/api/v1/students/{}/history?limit=1", s.id),
            Some(&county),
        )
        .await;
    assert_eq!(page.body["items"].as_array().map(Vec::len), Some(1));
    let next = page.body["next_cursor"].as_str().expect("cursor");
    let page2 = app
        .get(
            &format!("/api/v1/students/{}/history?limit=1&cursor={next}", s.id),
            Some(&county),
        )
        .await;
    assert_eq!(page2.body["items"][0]["kind"], "edit");
    // Now a new request may be made.
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": v + 1, "record": { "phone": "13900139000" }, "evidence": [{ "sha256": sha2, "kind": "other" }] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.text.contains("联系电话"));
}
db_test!(
    county_controls_name_specialty_saves_directly,
    county_controls_name_specialty_saves_directly
);

/// A field the city controls (民族) needs a request at schools of every county of the city,
/// and only there: a Ningbo school saves the same edit directly.
async fn city_controlled_field_applies_to_its_counties(b: Backend) {
    let app = spawn_app(b).await;
    set_controlled(&app, "hz-admin", "330100", &["ethnic_group"]).await;
    let recs = records(601, 3);
    for (code, slug, rec, expect) in [
        (XH1, "hz-xh-1", &recs[0], StatusCode::CREATED),
        (SC1, "hz-sc-1", &recs[1], StatusCode::CREATED),
        (HS1, "nb-hs-1", &recs[2], StatusCode::OK),
    ] {
        let s = register(&app, code, rec).await;
        let t = app.token(&format!("{slug}-registrar")).await;
        let new = if rec.ethnic_group == "02" { "03" } else { "02" };
        let sha = upload(&app, &t, slug).await;
        let r = edit(
            &app,
            &t,
            s.id,
            json!({ "version": s.version, "record": { "ethnic_group": new }, "evidence": [{ "sha256": sha, "kind": "other" }] }),
        )
        .await;
        assert_eq!(r.status, expect, "{slug}: {}", r.text);
        let changes = if expect == StatusCode::CREATED {
            assert_eq!(r.body["change"]["identity"], false);
            r.body["change"]["changes"].clone()
        } else {
            assert_eq!(student(&app, s.id).await.version, s.version + 1);
            r.body["changes"].clone()
        };
        assert_eq!(changes[0]["field"], "ethnic_group");
        assert!(
            changes[0]["new_text"]
                .as_str()
                .unwrap_or_default()
                .contains('族'),
            "{changes}"
        );
    }
}
db_test!(
    city_controlled_field_applies_to_its_counties,
    city_controlled_field_applies_to_its_counties
);

/// An ID change to an ID registered elsewhere: the request shows the candidate, and approving
/// it opens a problem record (duplicate with ID) instead of giving the person a second G.
async fn identity_change_to_a_taken_id_opens_a_problem(b: Backend) {
    let app = spawn_app(b).await;
    let recs = records(701, 2);
    let a = register(&app, XH1, &recs[0]).await;
    let bs = register(&app, HS1, &recs[1]).await;
    assert_eq!(a.number_kind, "G");
    let t = app.token("nb-hs-1-registrar").await;
    let sha = upload(&app, &t, "hukou b").await;
    let r = edit(
        &app,
        &t,
        bs.id,
        json!({
            "version": bs.version,
            "record": {
                "id_number": recs[0].id_number,
                "birth_date": recs[0].birth_date,
                "gender": recs[0].gender,
            },
            "evidence": [{ "sha256": sha, "kind": "household" }],
        }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["change"]["id"].as_i64().expect("id");
    assert_eq!(r.body["change"]["candidates"][0]["kind"], "dup_with_id");
    assert_eq!(
        r.body["change"]["candidates"][0]["student_number"],
        a.student_number.as_str()
    );
    approve(&app, "nb-hs-1-leader", id).await;
    let d = approve(&app, "nb-hs-registrar", id).await;
    assert_eq!(d["state"]["state"], "completed");
    let now = student(&app, bs.id).await;
    assert_eq!(now.id_key, a.id_key, "the record carries the new ID");
    assert_eq!(now.student_number, bs.student_number, "no second G");
    let holders = students::Entity::find()
        .filter(students::Column::StudentNumber.eq(a.student_number.clone()))
        .count(app.db())
        .await
        .expect("count");
    assert_eq!(holders, 1);
    let p = problems::Entity::find()
        .filter(problems::Column::StudentId.eq(bs.id))
        .one(app.db())
        .await
        .expect("q")
        .expect("a problem record");
    assert_eq!(p.kind, "dup_with_id");
    assert_eq!(p.other_student_id, Some(a.id));
    // A further identity change is refused while the problem is open.
    let r = edit(
        &app,
        &t,
        bs.id,
        json!({ "version": now.version, "record": { "name": "再改名" }, "evidence": [{ "sha256": sha, "kind": "household" }] }),
    )
    .await;
    let msg = assert_error(&r, StatusCode::CONFLICT, "conflict");
    assert!(msg.contains("问题学籍"), "{msg}");
}
db_test!(
    identity_change_to_a_taken_id_opens_a_problem,
    identity_change_to_a_taken_id_opens_a_problem
);

/// A student registered without an ID (J number) gets a citizen ID: on approval the record
/// becomes G + the ID, the J number stays in the number history, the identity claim moves.
async fn j_becomes_g_with_history(b: Backend) {
    let app = spawn_app(b).await;
    let with_id = records(801, 1).remove(0);
    let mut no_id = with_id.clone();
    no_id.id_type = "Z".into();
    no_id.id_number.clear();
    no_id.student_number.clear();
    no_id.id_valid_from = None;
    no_id.id_valid_until = None;
    let s = register(&app, XH1, &no_id).await;
    assert_eq!(s.number_kind, "J", "{}", s.student_number);
    let t = app.token("hz-xh-1-registrar").await;
    let sha = upload(&app, &t, "hukou j").await;
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": s.version, "record": { "id_type": "1", "id_number": with_id.id_number }, "evidence": [{ "sha256": sha, "kind": "household" }] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["change"]["id"].as_i64().expect("id");
    assert_eq!(r.body["change"]["candidates"], json!([]));
    approve(&app, "hz-xh-1-leader", id).await;
    approve(&app, "hz-xh-registrar", id).await;
    let now = student(&app, s.id).await;
    assert_eq!(now.number_kind, "G");
    assert_eq!(now.student_number, format!("G{}", with_id.id_number));
    let numbers = student_numbers::Entity::find()
        .filter(student_numbers::Column::StudentId.eq(s.id))
        .all(app.db())
        .await
        .expect("numbers");
    let j = numbers
        .iter()
        .find(|n| n.number == s.student_number)
        .expect("the J number kept");
    assert!(j.retired_at.is_some());
    let claim = xueji_backend::entities::identity_claims::Entity::find()
        .filter(xueji_backend::entities::identity_claims::Column::StudentId.eq(s.id))
        .one(app.db())
        .await
        .expect("q");
    assert!(claim.is_some(), "the identity claim moved to the record");
    let h = app
        .get(&format!("/api/v1/students/{}/history", s.id), Some(&t))
        .await;
    assert_eq!(h.body["items"][0]["kind"], "number", "{}", h.text);
    assert_eq!(
        h.body["items"][0]["changes"][0]["old"],
        s.student_number.as_str()
    );
    assert_eq!(
        h.body["items"][0]["changes"][0]["new"],
        now.student_number.as_str()
    );
    assert_eq!(h.body["items"][1]["kind"], "change");
    let card = app
        .get(&format!("/api/v1/students/{}", s.id), Some(&t))
        .await;
    assert_eq!(
        card.body["record"]["student_number"],
        now.student_number.as_str()
    );
}
db_test!(j_becomes_g_with_history, j_becomes_g_with_history);

/// Graduates are frozen (seed 001 第三章 2); a request whose field moved meanwhile is refused on
/// approval; two simultaneous requests for one student: one wins.
async fn frozen_moved_and_concurrent(b: Backend) {
    let app = spawn_app(b).await;
    let recs = records(901, 3);
    let t = app.token("hz-xh-1-registrar").await;

    // Frozen.
    let g = register(&app, XH1, &recs[0]).await;
    students::Entity::update_many()
        .col_expr(students::Column::Status, Expr::value("graduated"))
        .filter(students::Column::Id.eq(g.id))
        .exec(app.db())
        .await
        .expect("graduate");
    let r = edit(
        &app,
        &t,
        g.id,
        json!({ "version": g.version, "record": { "specialty": "围棋" } }),
    )
    .await;
    let msg = assert_error(&r, StatusCode::CONFLICT, "conflict");
    assert!(msg.contains("毕业"), "{msg}");
    let ctx = app
        .get(&format!("/api/v1/students/{}/edit", g.id), Some(&t))
        .await;
    assert_eq!(ctx.body["editable"], false);
    assert!(ctx.text.contains("毕业"));

    // Moved: the request changes 姓名 and 特长; 特长 is then edited directly.
    let s = register(&app, XH1, &recs[1]).await;
    let sha = upload(&app, &t, "hukou m").await;
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": s.version, "record": { "name": "李新名", "specialty": "围棋" }, "evidence": [{ "sha256": sha, "kind": "household" }] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["change"]["id"].as_i64().expect("id");
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": s.version, "record": { "specialty": "书法" } }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let got = app.get(&format!("/api/v1/changes/{id}"), Some(&t)).await;
    assert_eq!(got.body["moved"], json!(["特长"]));
    let r = act(&app, "hz-xh-1-leader", id, json!({ "action": "approve" })).await;
    let msg = assert_error(&r, StatusCode::CONFLICT, "conflict");
    assert!(msg.contains("特长"), "{msg}");
    // Returned, the school resubmits against the record as it is now.
    let r = act(
        &app,
        "hz-xh-1-leader",
        id,
        json!({ "action": "return", "reason": "特长已修改，请重新提交" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = act(
        &app,
        "hz-xh-1-registrar",
        id,
        json!({ "action": "resubmit", "record": { "name": "李新名" } }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["changes"].as_array().map(Vec::len), Some(1));
    assert_eq!(r.body["base_version"], s.version + 1);
    approve(&app, "hz-xh-1-leader", id).await;
    approve(&app, "hz-xh-registrar", id).await;
    let now = student(&app, s.id).await;
    assert_eq!(now.name, "李新名");
    let rec: StudentRecord = serde_json::from_str(&now.record).expect("record");
    assert_eq!(rec.specialty, "书法");

    // Concurrent: two name changes of one student at once; exactly one request is created.
    let c = register(&app, XH1, &recs[2]).await;
    let sha = upload(&app, &t, "hukou c").await;
    let body = |name: &str| json!({ "version": c.version, "record": { "name": name }, "evidence": [{ "sha256": sha, "kind": "household" }] });
    let (r1, r2) = tokio::join!(
        edit(&app, &t, c.id, body("甲名")),
        edit(&app, &t, c.id, body("乙名"))
    );
    let mut statuses = [r1.status, r2.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "{} / {}",
        r1.text,
        r2.text
    );
    let open = xueji_backend::entities::requests::Entity::find()
        .filter(xueji_backend::entities::requests::Column::StudentId.eq(c.id))
        .filter(xueji_backend::entities::requests::Column::Kind.eq("change"))
        .count(app.db())
        .await
        .expect("count");
    assert_eq!(open, 1);
}
db_test!(frozen_moved_and_concurrent, frozen_moved_and_concurrent);

/// Bad input: invalid values (the shared rules' Chinese messages, naming the field), unknown
/// fields, fields not edited here, a change that changes nothing; and who may edit.
async fn bad_input_and_permissions(b: Backend) {
    let app = spawn_app(b).await;
    let s = register(&app, XH1, &records(1001, 1)[0]).await;
    let t = app.token("hz-xh-1-registrar").await;
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": s.version, "record": { "phone": "abc", "postcode": "12" } }),
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(
        fields_of(&r.body),
        ["record.phone", "record.postcode"],
        "{}",
        r.text
    );
    assert!(r.text.contains("电话"), "{}", r.text);
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": s.version, "record": { "shoe_size": 40, "only_child": "yes" } }),
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(
        fields_of(&r.body),
        ["record.only_child", "record.shoe_size"],
        "{}",
        r.text
    );
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": s.version, "record": { "grade": "16", "student_number": "G1" } }),
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(
        r.text.contains("学籍异动") && r.text.contains("系统分配"),
        "{}",
        r.text
    );
    let card = app
        .get(&format!("/api/v1/students/{}", s.id), Some(&t))
        .await;
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": s.version, "record": card.body["record"].clone() }),
    )
    .await;
    let msg = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(r.text.contains("没有修改任何信息"), "{msg} {}", r.text);
    let r = edit(
        &app,
        &t,
        s.id,
        json!({ "version": s.version, "record": [] }),
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    // The whole record with one change by PUT.
    let mut whole = card.body["record"].clone();
    whole["remarks"] = json!("转来时已核对");
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/students/{}", s.id),
            Some(json!({ "version": s.version, "record": whole })),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["changes"][0]["field"], "remarks");
    assert_eq!(version(&app, &t, s.id).await, i64::from(s.version) + 1);
    // Not the school's registrar: its leader and its county may read, not edit; another
    // county's school does not see the student at all.
    for who in ["hz-xh-1-leader", "hz-xh-registrar"] {
        let tk = app.token(who).await;
        let r = edit(
            &app,
            &tk,
            s.id,
            json!({ "version": s.version + 1, "record": { "specialty": "x" } }),
        )
        .await;
        assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    }
    let other = app.token("hz-sc-1-registrar").await;
    let r = edit(
        &app,
        &other,
        s.id,
        json!({ "version": s.version + 1, "record": { "specialty": "x" } }),
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    let r = app
        .get(&format!("/api/v1/students/{}/history", s.id), Some(&other))
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(audits(&app, "student.edit").await, 1);
}
db_test!(bad_input_and_permissions, bad_input_and_permissions);
